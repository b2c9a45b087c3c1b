"""What the model figures docs pages quote are, computed from the runs of tests/test_docs_figures.py
and formatted as the pages write them (its table says which sentence each function serves)."""

from __future__ import annotations

import re

import pandas as pd

NUMBER = r"([−+-]?\d[\d,]*(?:\.\d+)?)"
KEPT, PER_KG, HELD, NET = ("n_kept_out", "cost_per_kg_kept_out", "n_kept_out_in_storage",
                           "cost_per_kg_kept_out_net_of_storage")
MINUS = "−"   # the pages write U+2212


def signed(x: float, digits: int, plus: bool = False) -> str:
    """A number as the pages write it: U+2212 for minus, '+' where the page writes it."""
    text = f"{abs(x):,.{digits}f}"
    if round(x, digits) < 0:
        return MINUS + text
    return ("+" if plus else "") + text


def kg(x: float) -> str:
    return f"{x:,.0f}"


def span(values, digits: int, scale: float = 1.0) -> tuple[str, str]:
    """The least and greatest of values, as 'a–b' is written (by magnitude for negative ones)."""
    vals = sorted(v / scale for v in values)
    lo, hi = (vals[-1], vals[0]) if vals[-1] < 0 else (vals[0], vals[-1])
    return signed(lo, digits), signed(hi, digits)


def section_means(summary: str, section: str) -> tuple[str, ...]:
    found = re.search(rf"{section} Q {NUMBER} m3/s tn {NUMBER} mg/L tp {NUMBER} mg/L", summary)
    assert found, f"hydro run tiny printed no means of {section}: {summary}"
    return found.groups()


def net_by_year(rows: list[dict]) -> dict[int, float]:
    net: dict[int, float] = {}
    for r in rows:
        if r["amount_yuan"] is not None:
            net[r["year"]] = net.get(r["year"], 0.0) + r["amount_yuan"]
    return net


def volumes(rows: list[dict]) -> dict[int, float]:
    """The quantity rule's annual volume (m3) per year, from its note."""
    out = {}
    for r in rows:
        m = re.match(r"volume ([\d.e+]+) m3", r["note"] or "")
        if r["component"] == "quantity" and m:
            out[r["year"]] = float(m.group(1))
    return {y: v for y, v in out.items() if 2000 <= y <= 2016}


def phase2_net(rows):
    net = net_by_year(rows)
    negative = [v for v in net.values() if v < 0]
    return (signed(net[2010] / 1e6, 1), *span(negative, 1, 1e6), str(len(negative)),
            signed(net[2009] / 1e6, 1, plus=True), signed(net[2012] / 1e6, 1, plus=True),
            signed(net[2016] / 1e6, 1, plus=True))


def own_mean(rows):
    vol = volumes(rows)
    mean = sum(vol.values()) / len(vol)
    paid = next(r["amount_yuan"] for r in rows if r["component"] == "quantity" and r["year"] == 2011)
    return f"{mean / 1e8:.3f}", f"{vol[2011] / 1e8:.3f}", f"{vol[2011] / 1e8:.3f}", f"{mean / 1e8:.3f}", \
        f"{paid / 1e6:.1f}"


def three_rivers(rows):
    vol = volumes(rows)
    return f"{min(vol.values()) / 1e8:.2f}", f"{max(vol.values()) / 1e8:.1f}", \
        f"{sum(vol.values()) / len(vol) / 1e8:.2f}"


def station_volumes(phase1_and_2):
    three, five = (volumes(rows) for rows in phase1_and_2)
    return (f"{min(three.values()) / 1e8:.1f}", f"{max(three.values()) / 1e8:.1f}",
            f"{sum(three.values()) / len(three) / 1e8:.1f}", f"{min(five.values()) / 1e8:.1f}",
            f"{max(five.values()) / 1e8:.1f}")


def gep_figures(gep: pd.DataFrame):
    by_year = gep.groupby("year").water_purification_yuan.sum() / 1e6
    nh3n = gep[gep.pollutant == "nh3n"].groupby("year").purified_kg.sum() / 1e3
    cod = gep[gep.pollutant == "codmn"].groupby("year").water_purification_yuan.sum() / 1e6
    share = [100 * cod[y] / by_year[y] for y in (2014, 2015, 2016)]
    return (f"{by_year[2014]:.1f}", f"{by_year[2015]:.1f}", f"{by_year[2016]:.1f}",
            *(f"{nh3n[y]:.0f}" for y in (2014, 2015, 2016)), f"{min(share):.0f}", f"{max(share):.0f}",
            f"{by_year[2000]:.1f}", *(f"{v:.2f}" for v in (min(by_year.loc[2001:2003]), max(by_year.loc[2001:2003]))))


def purification_by_place(gep: pd.DataFrame):
    """Purification, M yuan, of Miyun district and the whole basin in 2015 and 2016, and Xinglong's in 2015."""
    by = gep.groupby(["year", "county"]).water_purification_yuan.sum() / 1e6
    total = gep.groupby("year").water_purification_yuan.sum() / 1e6
    return (f"{by[2015, 'Miyun']:.1f}", f"{total[2015]:.1f}", f"{by[2016, 'Miyun']:.1f}", f"{total[2016]:.1f}",
            f"{by[2015, 'Xinglong']:.1f}")


def conservation_figures(gep: pd.DataFrame):
    """Water conservation, G yuan, in 2014, 2015 and 2016."""
    by_year = gep.groupby("year").water_conservation_yuan.sum() / 1e9
    return tuple(f"{by_year[y]:.2f}" for y in (2014, 2015, 2016))


def within_capacity(gep: pd.DataFrame):
    """Purified as a share of removed, % per pollutant, least and greatest over 2001-2016."""
    removed = gep.removed_river_kg + gep.removed_reservoir_kg + gep.removed_riparian_kg
    sums = gep.assign(removed=removed).groupby(["pollutant", "year"])[["removed", "purified_kg"]].sum()
    share = (100 * sums.purified_kg / sums.removed).unstack(0).loc[2001:2016]
    return tuple(f"{f(share[p]):.0f}" for p in ("tn", "nh3n", "tp", "codmn") for f in (min, max))


def summary(plan: dict, quantity: str, location=None, year="all", scenario: str | None = None) -> float:
    """One value of a plan's summary CSV (the plan's scenario: the one that is not the baseline)."""
    s = plan["summary"]
    rows = s[(s.scenario != "baseline" if scenario is None else s.scenario == scenario)
             & (s.quantity == quantity) & (s.year.astype(str) == str(year))]
    rows = rows[rows.location.isna()] if location is None else rows[rows.location == location]
    if "total" in set(rows.source.dropna()):
        rows = rows[rows.source == "total"]
    assert len(rows) == 1, (quantity, location, rows)
    return float(rows.value.iloc[0])


def effect(plan: dict, parameter: str, sections=None) -> list[float]:
    return [r["change"] for r in plan["effects"] if r["quantity"] == "mean_concentration"
            and r["scenario"] != "baseline" and r["parameter"] == parameter
            and (sections is None or r["location"] in sections)]


def payment(plan: dict, parameter: str, year: int, scenario: str | None = None) -> dict:
    return next(r for r in plan["effects"] if r["quantity"] == "quality_payment"
                and (r["scenario"] != "baseline" if scenario is None else r["scenario"] == scenario)
                and r["parameter"] == parameter and r["year"] == year)


def miyun_plan(plans):
    m = plans["miyun"]
    return (kg(summary(m, "n_kept_out")), kg(summary(m, "n_kept_out_median")),
            kg(summary(m, "load_reduction")), *span(effect(m, "tn"), 3), *span(effect(m, "nh3n"), 4),
            *span(effect(m, "tp"), 4), *span(effect(m, "codmn"), 3))


def guanting_plan(plans):
    g = plans["guanting"]
    return (kg(summary(g, "n_kept_out")), kg(summary(g, "n_kept_out_median")),
            kg(summary(g, "load_reduction")), signed(effect(g, "tn", ("bahaoqiao",))[0], 3),
            f"{summary(g, 'tn_annual_mean', 'bahaoqiao', year=2025):.2f}")


def plan_payments(plans):
    m = plans["miyun"]
    tn26, all26, all25 = payment(m, "tn", 2026), payment(m, "all", 2026), payment(m, "all", 2025)
    base_tn26 = payment(m, "tn", 2026, scenario="baseline")
    # the sentence names every part that moved: they add up to the total (a TP part was left out, 2026-12-04)
    parts = {p: payment(m, p, 2026)["change"] for p in ("codmn", "tp", "tn", "nh3n")}
    assert abs(sum(parts.values()) - all26["change"]) < 1.0 and parts["nh3n"] == 0.0, parts
    return (kg(all26["change"]), kg(payment(m, "codmn", 2026)["change"]), kg(payment(m, "tp", 2026)["change"]),
            kg(tn26["change"]),
            signed(all25["change"] / 1e6, 1, plus=True), kg(tn26["value"]), kg(base_tn26["value"]))


def plan_on_land(plans):
    return kg(summary(plans["miyun"], "n_kept_out_on_land")), kg(summary(plans["guanting"], "n_kept_out_on_land"))


def tn_rules(rows):
    plain = {r["year"]: r["amount_yuan"] for r in rows if r["rule"] == "tn_reduction[0]"}
    fn = {r["year"]: r["amount_yuan"] for r in rows if r["rule"] == "tn_reduction[1]"}
    low, high = min(plain, key=plain.get), max(plain, key=plain.get)
    charged = [str(y) for y in sorted(plain) if plain[y] < 0]
    return (signed(plain[low] / 1e6, 1), *charged, signed(plain[high] / 1e7, 1, plus=True), str(high),
            f"{min(fn.values()) / 1e6:.1f}", f"{max(fn.values()) / 1e6:.1f}",
            f"{min(fn.values()) / 1e7:.2f}", f"{max(fn.values()) / 1e7:.2f}")


def inferred(result):
    fit = result["inferred"][0]
    total = next(c for c in result["checks"] if c["figure"] == "received_total")
    return (f"{fit['value'] / 1e6:.3f}", f"{fit['p05'] / 1e6:.2f}", f"{fit['p95'] / 1e6:.2f}",
            f"{total['predicted'] / 1e9:.2f}", f"{total['p05'] / 1e9:.2f}", f"{total['p95'] / 1e9:.2f}",
            f"{(total['published'] - total['predicted']) / 3 / 1e9:.2f}")


def inferred_as_printed(result):
    fit = result["inferred"][0]
    total = next(c for c in result["checks"] if c["figure"] == "received_total")
    return f"{fit['value'] / 1e6:.5f}", f"{fit['p05']:,.0f}", f"{fit['p95'] / 1e6:.5f}", f"{total['predicted']:,.0f}"


def kept_out(result: dict, scenario: str, *quantities: str) -> tuple[str, ...]:
    """A scenario's figures: kg signed where held upstream, yuan/kg and kg as thousands, cost in 1e9 yuan."""
    out = []
    for q in quantities:
        v = summary(result, q, scenario=scenario)
        out.append(f"{v / 1e9:.3f}" if q == "cost" else signed(v, 0) if q.endswith("in_storage") else kg(v))
    return tuple(out)


def miyun_storage(nc, *days: str, digits: int = 1) -> tuple[str, ...]:
    """Miyun reservoir's storage on each of ``days`` (mcm) of a results file."""
    import xarray as xr

    with xr.open_dataset(nc) as d:
        s = d.reservoir_storage.sel(reservoir="miyun")
        return tuple(f"{float(s.sel(time=day)) / 1e6:,.{digits}f}" for day in days)


def eco_min_days(nc) -> tuple[str, ...]:
    """Yunzhou's and Baihebao's days short of their ecological minimum, and the run's days."""
    import xarray as xr

    with xr.open_dataset(nc) as d:
        days = dict(item.split("=") for item in d.attrs["ecological_min_unmet_days"].split(";"))
        return f"{int(days['yunzhou']):,}", f"{int(days['baihebao']):,}", f"{d.sizes['time']:,}"


def below_dead_storage(nc) -> tuple[str, ...]:
    """Miyun's days below its dead storage, the run's days, its lowest storage (mcm) and that day."""
    import xarray as xr

    with xr.open_dataset(nc) as d:
        days = dict(item.split("=") for item in d.attrs["below_dead_storage_days"].split(";"))
        s = d.reservoir_storage.sel(reservoir="miyun")
        low = s.isel(time=int(s.values.argmin()))  # (DataArray.argmin without a dim: a FutureWarning)
        return (f"{int(days['miyun']):,}", f"{d.sizes['time']:,}", f"{float(low) / 1e6:,.1f}",
                *str(low.time.values)[:10].split("-"))


def spun_up_members(nc_and_base) -> tuple[str, ...]:
    """docs/basin-file.md's spin-up example: Miyun's storage on the members' first day (mcm, the
    first member's), the full run's on 2013-12-31, each member's highest and lowest over 2014, the
    reservoir's TN on the first day and each member's highest (mg/L)."""
    import xarray as xr

    nc, base = nc_and_base
    with xr.open_dataset(nc) as d:
        s = d.reservoir_storage.sel(reservoir="miyun") / 1e6
        c = d.reservoir_tn_concentration.sel(reservoir="miyun")
        hi, lo, c_hi = s.max("time").values, s.min("time").values, c.max("time").values
        first = (f"{float(s.isel(member=0, time=0)):,.1f}",)
        # "in both members": the first member's, or both where they differ (then no page matches)
        tn0 = "/".join(sorted({f"{float(c.isel(member=m, time=0)):.2f}" for m in range(c.sizes["member"])}))
    return (first + miyun_storage(base, "2013-12-31") + tuple(f"{x:,.1f}" for x in (*hi, *lo))
            + (tn0,) + tuple(f"{x:.2f}" for x in c_hi))


def flownorm_table(printed: str) -> tuple[str, ...]:
    """The year rows `python -m hydro.flownorm` printed (whitespace collapsed), and the falls of the
    simulated and the flow-normalised concentration from the first year to the last (%)."""
    rows = re.findall(r"(\d{4})\s+" + r"\s+".join([r"([\d.]+)"] * 5), printed)
    conc = [float(r[2]) for r in rows]
    fn = [float(r[3]) for r in rows]
    return (*[x for r in rows for x in r[1:]], f"{100 * (1 - conc[-1] / conc[0]):.0f}",
            f"{100 * (1 - fn[-1] / fn[0]):.0f}")


#: The subbasins whose county is Yanqing (docs/gep.md, "Check against a published county GEP").
YANQING = ("bai_baihebao", "bai_qianjiadian", "gs01", "gs02", "gt01")


def yanqing_per_km2(gep: pd.DataFrame) -> list[tuple[float, float]]:
    """2016 water conservation of the Yanqing subbasins of both basins, (mm, M yuan/km2): by the water
    released, then by the balance form (P - R - ET, less the abstracted water)."""
    rows = gep[(gep.year == 2016) & gep.subbasin.isin(YANQING) & (gep.area_km2 > 0)]
    area = rows.area_km2.sum()
    released = rows.water_conservation_m3.sum() / area / 1e3
    balance = (((rows.precipitation_mm - rows.surface_runoff_mm - rows.evapotranspiration_mm) * rows.area_km2 * 1e3
                - rows.water_abstracted_m3).sum() / area / 1e3)
    price = rows.conservation_yuan_per_m3.iloc[0]
    return [(mm, mm * 1e3 * price / 1e6) for mm in (released, balance)]  # mm x 1e3 m3/km2 per mm x yuan/m3


def yanqing_figures(gep: pd.DataFrame):
    """mm, M yuan/km2 and % of the published 0.91 M yuan/km2, for each form of :func:`yanqing_per_km2`."""
    return tuple(x for mm, per_km2 in yanqing_per_km2(gep)
                 for x in (f"{mm:.1f}", f"{per_km2:.2f}", f"{100 * per_km2 / 0.91:.0f}"))


def yanqing_factor(gep: pd.DataFrame):
    """How many times the published 0.91 M yuan/km2 exceeds the model's: by the balance form, by the water
    released."""
    return tuple(f"{0.91 / per_km2:.1f}" for _, per_km2 in reversed(yanqing_per_km2(gep)))
