"""Gross ecosystem product (GEP): water purification and water conservation, in yuan.

The two water accounts of the national GEP method (the 2020 technical guideline
for terrestrial GEP accounting, 陆地生态系统生产总值(GEP)核算技术指南, and its 2022
successor, 生态产品总值核算规范(试行)) per scenario, year and subbasin (and county
by aggregation), for one run or a file with a ``scenario`` dimension.  What was
read of the guideline and what is assumed is listed in docs/gep.md ("Sources").

**Water conservation** (m3/yr).  The guideline's water balance over the ecosystem
area, P − R − ET (precipitation, surface runoff, evapotranspiration), equals in the
model's runoff model (GR4J) the slow runoff plus the change in stored soil water minus
the groundwater exchange — and the shipped calibrations use that exchange for
groundwater abstraction and irrigation.  The account (``form = "released"``) counts

    Q_wc = Σ_days (runoff − quick flow) · A − W

the water the ecosystems passed through their soils to the rivers (``subbasin_runoff``
− ``subbasin_quickflow``, mm/d; 1 mm over 1 km2 is 1000 m3), less W, the water
abstracted from the rivers (``reach_withdrawal`` less its channel transmission losses,
:func:`hydro.gep_inputs.used_withdrawal`), shared over the subbasins above the intake by their
slow runoff: abstracted water is used, not conserved (it is GEP's water-supply product); water a
losing channel gives to its bed is used by nobody and is not subtracted.  ``form = "balance"``
counts Σ (P − R − ET) · A − W instead (``subbasin_precipitation``, ``subbasin_quickflow``,
``subbasin_aet``).  Valued at the reservoir construction cost (:mod:`hydro.gep_prices`).

**Water purification** (t/yr of TN, NH3-N, TP and CODMn): pollutants *removed by ecosystems* — rivers,
reservoirs (wetlands) and riparian buffers — and no longer nitrogen that the source
model leaves on land (fertiliser surplus in soil, undelivered sewage and excreta
are not purification: counting them made more fertiliser raise GEP):

* *river*: the ``removal`` term of ``<x>_budget_reach`` (x = ``tn``, ``nh3n``, ``tp``,
  ``codmn``; for NH3-N net of what it gained from organic N);
* *reservoir*: the ``removal`` term of ``<x>_budget_reservoir`` (decay and
  apparent settling);
* *riparian*: what the buffers and wetlands of a scenario keep from the river,
  :func:`landscape_retention` (``subbasin_<x>_landscape_retention``; zero in a plain run).

Each pollutant is a row of its own (``pollutant``); a results file without a
pollutant's budgets has no rows for it.  The river and reservoir terms are counted
up to the water body's **capacity**: the removal it would achieve at the target
concentration C* (GB 3838-2002, :mod:`hydro.standards`: rivers Class III,
reservoirs Class II; TN in rivers on the lake limits).  With first-order removal
(∝ C), an element whose mean concentration C̄ exceeds C* is credited
``removal · C*/C̄``, so pollutant added to water already worse than the target adds
nothing to GEP (the guideline's rule that the purified amount is at most the
environmental capacity).  C̄ is flow-weighted at the reach outlet
(``<x>_load``/``discharge``) and volume-weighted in a reservoir
(``reservoir_<x>_concentration``).  Removal in a reach goes to the subbasins
draining into it, by area; a reservoir that gives its county (:mod:`hydro.reservoir_location`)
is credited to that county on rows of its own (production locality), one that does not to the
subbasins draining into it, by area; elements no subbasin drains into get rows with an empty
``subbasin`` and the element in ``note``.

Priced per pollution equivalent of the year (Beijing: 14 yuan from 2018): NH3-N 0.8,
TP 0.25 and COD 1 kg per equivalent, CODMn standing in for COD (assumption); TN as
NH3-N, but only when the results lack NH3-N — otherwise TN's rows keep their amounts at
0 yuan, so nitrogen is not counted twice; see :mod:`hydro.gep_prices`.  The water
columns are on each subbasin's first row (TN's when present).

**Partial years** (a run that does not cover 1 January to 31 December) are labelled
(``partial``; ``note``) or left out (``partial_years="omit"``): their amounts are
not annual figures.  A negative amount (more water abstracted than released; in the
balance form, stored soil water drawn down) is kept, and named in ``note`` and in
:func:`format_table`.

What GEP reads from the results (subbasins, yearly sums, mean concentrations) is
:mod:`hydro.gep_inputs`; the N that sources leave on land is :mod:`hydro.gep_retention`; the tables made
from the rows (by county, totals, CSV, terminal) are :mod:`hydro.gep_tables`;
both are re-exported here.
"""

from __future__ import annotations

import calendar
from pathlib import Path

import numpy as np

from hydro.errors import HydroError
from hydro.gep_checks import check_results as check_results
from hydro.gep_checks import starts_with_run
from hydro.gep_columns import _MM, _SUMMED
from hydro.gep_inputs import capacity_share as capacity_share
from hydro.gep_inputs import (
    check_concentrations_kept,
    check_withdrawals_kept,
    mean_concentration,
    named_basin,
    per_scenario,
    run_basin,
    subbasin_metadata,
    used_withdrawal,
    year_sums,
)
from hydro.gep_prices import FORMS as FORMS
from hydro.gep_prices import POLLUTANTS
from hydro.gep_prices import GepPrices as GepPrices
from hydro.gep_retention import landscape_retention as landscape_retention
from hydro.gep_retention import retention_components as retention_components
from hydro.gep_tables import COLUMNS as COLUMNS
from hydro.gep_tables import by_county as by_county
from hydro.gep_tables import format_table as format_table
from hydro.gep_tables import gep_totals as gep_totals
from hydro.gep_tables import mark_spin_up
from hydro.gep_tables import write_csv as write_csv
from hydro.run_attributes import upstream_elements
from hydro.units import SECONDS_PER_DAY


def days_in_year(year: int) -> int:
    """Days in calendar ``year``."""
    return 366 if calendar.isleap(year) else 365


def gep(results, prices: GepPrices | None = None, basin=None, partial_years: str = "label",
        where: str | Path | None = None) -> list[dict]:
    """GEP rows per scenario, year and subbasin (see the module docstring).

    Parameters
    ----------
    results : hydro.results.Results
        A watershed run, or a scenarios file read with
        :func:`hydro.results.load_results` (variables with a leading ``scenario`` axis).
    prices : GepPrices, optional
        Default: the cited prices (:mod:`hydro.gep_prices`).
    basin : Basin or str, optional
        The basin the results came from (default: the one they name): read for the subbasin
        areas when the results lack them, and for the withdrawals (channel losses are not
        abstraction).  A basin other than the one the results name is an error.
    partial_years : {"label", "omit"}
        Rows of a year the run covers only in part: kept with ``partial`` True and a
        note (default), or left out.
    where : str or Path, optional
        The file the results were read from, named in messages (see :func:`check_results`).

    Returns
    -------
    list of dict
        Keys :data:`COLUMNS`; amounts in mm, m3, kg and yuan per year (per simulated
        part of a partial year).
    """
    if partial_years not in ("label", "omit"):
        raise HydroError(f"partial_years must be 'label' or 'omit', got {partial_years!r}")
    check_results(results, where)
    basin = _same_basin(results, basin, where)
    check_withdrawals_kept(results, basin, str(where or "these results"))
    prices = prices or GepPrices()
    meta = subbasin_metadata(results, basin)
    scen = [str(s) for s in results.coords.get("scenario", [])] or [results.attrs.get("scenario", "baseline")]
    years_of_day = np.array([d.year for d in results.coords["time"]])
    years = sorted(set(years_of_day.tolist()))
    water = _water(results, prices, years_of_day, years)
    terms = list(results.coords.get("budget_term", []))
    present = [p for p in POLLUTANTS if any(f"{p}_budget_{k}" in results.data for k in ("reach", "reservoir"))]
    if "removal" not in terms or not present:
        raise HydroError(f"{where or 'these results'}: GEP needs the budgets of TN, NH3-N, TP or CODMn "
                         "(`<x>_budget_reach` and `<x>_budget_reservoir`, budget_term 'removal') for the water "
                         "purification, which these results lack (left out with --variables?); run the basin "
                         "again without --variables, or name them there (e.g. tn_budget_reach,tn_budget_reservoir)")
    check_concentrations_kept(results, present, str(where or "these results"))
    budget_years = [int(y) for y in results.coords.get("budget_year", years)]
    shape = (len(scen), len(years), len(meta["ids"]))
    own_rows: list[dict] = []   # elements with rows of their own: none drains into them, or a located reservoir
    abstracted, abstraction_note = _abstraction(results, basin, meta, water["slow"], years_of_day, years, shape,
                                                own_rows)
    amounts = {"water": {**water, "abstracted": abstracted, "note": abstraction_note}}
    for o in own_rows:
        o["pollutant"] = present[0]
    for p in present:
        removed, purified = _removal(results, prices, p, meta, terms.index("removal"), budget_years,
                                     years_of_day, years, shape, own_rows)
        riparian = np.zeros(shape)
        if f"subbasin_{p}_landscape_retention" in results.data:
            land = per_scenario(results, f"subbasin_{p}_landscape_retention", 2)
            riparian = np.stack([land[:, budget_years.index(y)] if y in budget_years
                                 else np.zeros(land.shape[::2]) for y in years], axis=1)
        amounts[p] = {"river": removed["reach"], "reservoir": removed["reservoir"], "riparian": riparian,
                      "purified": purified + riparian}
    days = {y: int(np.sum(years_of_day == y)) for y in years}
    rows = _rows(scen, years, days, meta, amounts, own_rows, prices, partial_years)
    for r in rows:  # which basin's (several basins' rows are valued together by hydro gep A.nc B.nc)
        r["basin"] = str(results.attrs.get("basin", ""))
    # (the first year is a spin-up only in a file that starts on the run's first day, which runoff_warm_up describes)
    mark_spin_up(rows, str(results.attrs.get("runoff_warm_up", "")) if starts_with_run(results) else "", years[0])
    return rows


def _same_basin(results, basin, where):
    """``basin`` (a :class:`~hydro.basin.Basin`, name or path) loaded, or None; refused when the
    results name another basin (its areas and withdrawals would be taken for theirs).  When the
    withdrawals are read from it, it is the basin the run used: with the run's ``--set``
    overrides, checked against the results' ``config_sha256`` (:func:`hydro.gep_inputs.run_basin`)."""
    from hydro.basin import Basin, resolve_basin

    withdrawn = "reach_withdrawal" in results.data and bool(np.any(np.asarray(results["reach_withdrawal"])))
    if basin is None:
        try:
            resolve_basin(named_basin(results))
        except (HydroError, TypeError, OSError):
            return None   # the withdrawals all count as abstracted, and the rows say so
        return run_basin(results, None, str(where or "these results")) if withdrawn else None
    b = basin if isinstance(basin, Basin) else Basin.load(getattr(basin, "path", basin))
    named = results.attrs.get("basin")
    if named and b.name != named:
        raise HydroError(f"{where or 'these results'}: results of basin '{named}', but --basin gives "
                         f"'{b.name}' ({b.path}); give the basin they came from (--basin {named}) or leave "
                         "--basin out")
    return run_basin(results, basin if isinstance(basin, Basin) else b.path, str(where or "these results")) \
        if withdrawn else b


def _water(results, prices: GepPrices, years_of_day, years) -> dict[str, np.ndarray]:
    """Precipitation ``P``, quick flow ``Q``, evapotranspiration ``E`` and slow runoff ``slow``,
    mm per scenario, year and subbasin."""
    P = year_sums(per_scenario(results, "subbasin_precipitation", 2), years_of_day, years)
    Q = year_sums(per_scenario(results, "subbasin_quickflow", 2), years_of_day, years)
    E = year_sums(per_scenario(results, "subbasin_aet", 2), years_of_day, years)
    if "subbasin_runoff" in results.data:
        slow = year_sums(per_scenario(results, "subbasin_runoff", 2), years_of_day, years) - Q
    elif prices.conservation_form == "released":
        raise HydroError("GEP water conservation needs 'subbasin_runoff' (slow runoff = runoff - quick flow); "
                         "these results lack it; use a prices file with [water_conservation] form = \"balance\"")
    else:
        slow = np.full_like(Q, np.nan)
    return {"P": P, "Q": Q, "E": E, "slow": slow}


def _removal(results, prices: GepPrices, pollutant: str, meta: dict, k_rem: int, budget_years, years_of_day,
             years, shape, own_rows: list[dict]):
    """``pollutant`` removed in reaches and reservoirs, and the part counted as purified (up to
    capacity), shared to the subbasins draining into each element by area, kg [scenario, year,
    subbasin]; a reservoir that gives its county (:mod:`hydro.reservoir_location`) is credited to that
    county instead (production locality), and it and the elements no subbasin drains into are
    appended to ``own_rows``."""
    area = meta["area_km2"]
    removed = {"reach": np.zeros(shape), "reservoir": np.zeros(shape)}
    purified = np.zeros(shape)
    for kind in ("reach", "reservoir"):
        name = f"{pollutant}_budget_{kind}"
        if name not in results.data:
            continue
        b = per_scenario(results, name, 3)[..., k_rem]  # [scen, budget year, element]
        rows = [budget_years.index(y) if y in budget_years else None for y in years]
        rem = np.stack([b[:, r] if r is not None else np.zeros(b.shape[::2]) for r in rows], axis=1)
        conc = mean_concentration(results, kind, years_of_day, years, pollutant)
        target = prices.target_mg_per_l(pollutant, kind)
        cap = np.ones_like(rem) if conc is None else capacity_share(conc, target)
        for e, eid in enumerate(results.coords[kind]):
            fed = [j for j, d in enumerate(meta["drains_to"]) if d == str(eid)]
            place = meta.get("reservoir_location", {}).get(str(eid)) if kind == "reservoir" else None
            if place:  # production locality: the counties its water surface lies in (hydro.reservoir_location)
                for county, province, share in place:
                    own_rows.append({"element": str(eid), "kind": kind, "pollutant": pollutant, "county": county,
                                    "province": province, "share": share, "values": {
                                        "removed_reservoir_kg": rem[..., e] * share,
                                        "purified_kg": rem[..., e] * cap[..., e] * share}})
            elif fed:
                w = area[fed] / area[fed].sum()
                removed[kind][:, :, fed] += rem[..., e][:, :, None] * w[None, None, :]
                purified[:, :, fed] += (rem[..., e] * cap[..., e])[:, :, None] * w[None, None, :]
            else:
                own_rows.append({"element": str(eid), "kind": kind, "pollutant": pollutant, "values": {
                    f"removed_{'river' if kind == 'reach' else 'reservoir'}_kg": rem[..., e],
                    "purified_kg": rem[..., e] * cap[..., e]}})
    return removed, purified


def _abstraction(results, basin, meta: dict, slow, years_of_day, years, shape,
                 own_rows: list[dict]) -> tuple[np.ndarray, str]:
    """Water abstracted from reaches for use, m3 [scenario, year, subbasin], and a note for its rows.

    Channel transmission losses are not abstraction (:func:`hydro.gep_inputs.used_withdrawal`).
    Water taken from a reach came from everything upstream: shared over the subbasins
    draining into the reach or any element above it, by their slow-runoff volume (by area
    when that is zero or unknown); a reach with none is appended to ``own_rows``.
    """
    abstracted = np.zeros(shape)
    if "reach_withdrawal" not in results.data:
        return abstracted, ""
    area = meta["area_km2"]
    used, note = used_withdrawal(results, basin)
    wd = year_sums(used * SECONDS_PER_DAY, years_of_day, years)
    up = upstream_elements(results.attrs.get("network_downstream", ""))
    vol = np.nan_to_num(slow) * area[None, None, :]
    for e, eid in enumerate(results.coords["reach"]):
        if not np.any(wd[..., e]):
            continue
        above = up.get(str(eid), set()) | {str(eid)}
        fed = [j for j, d in enumerate(meta["drains_to"]) if d in above]
        if not fed:
            own_rows.append({"element": str(eid), "kind": "reach",
                            "values": {"water_abstracted_m3": wd[..., e], "water_conservation_m3": -wd[..., e]}})
            continue
        v = vol[:, :, fed]
        tot = v.sum(axis=2, keepdims=True)
        w = np.where(tot > 0, v / np.where(tot > 0, tot, 1.0), (area[fed] / area[fed].sum())[None, None, :])
        abstracted[:, :, fed] += wd[..., e][:, :, None] * w
    return abstracted, note


def _rows(scen, years, days, meta, amounts, own_rows, prices: GepPrices, partial_years: str) -> list[dict]:
    """The priced rows: per scenario and year, one per subbasin and pollutant, then one per entry of
    ``own_rows`` (an element's own row: a reservoir credited to its county, an element no subbasin drains
    into).  The water columns are on each subbasin's first pollutant's row (TN's when present)."""
    w = amounts["water"]
    P, Q, E, slow = w["P"], w["Q"], w["E"], w["slow"]
    area = meta["area_km2"]
    present = [p for p in amounts if p != "water"]
    out = []
    for s, sid in enumerate(scen):
        for yi, y in enumerate(years):
            partial = days[y] < days_in_year(y)
            if partial and partial_years == "omit":
                continue
            p_cons = prices.conservation_yuan_per_m3(y)
            base = {"scenario": sid, "year": y, "days": days[y], "partial": partial}
            for j, sub in enumerate(meta["ids"]):
                balance = P[s, yi, j] - Q[s, yi, j] - E[s, yi, j]
                kept = slow[s, yi, j] if prices.conservation_form == "released" else balance
                wc = kept * area[j] * 1000.0 - w["abstracted"][s, yi, j]
                water = {"area_km2": float(area[j]), "precipitation_mm": float(P[s, yi, j]),
                         "surface_runoff_mm": float(Q[s, yi, j]), "evapotranspiration_mm": float(E[s, yi, j]),
                         "slow_runoff_mm": float(slow[s, yi, j]),
                         "storage_and_exchange_mm": float(balance - slow[s, yi, j]),
                         "water_abstracted_m3": float(w["abstracted"][s, yi, j]), "water_conservation_m3": float(wc)}
                for k, p in enumerate(present):
                    a = amounts[p]
                    row = {**base, "subbasin": sub, "county": meta["county"][j], "province": meta["province"][j],
                           "pollutant": p, **(water if k == 0 else dict.fromkeys(water, 0.0)),
                           **{f"removed_{t}_kg": float(a[t][s, yi, j]) for t in ("river", "reservoir", "riparian")},
                           "purified_kg": float(a["purified"][s, yi, j]),
                           "note": w["note"] if k == 0 and water["water_abstracted_m3"] else ""}
                    out.append(_priced(row, prices, present, p_cons, y, days[y], partial))
            for o in own_rows:
                row = {**base, "subbasin": "", "county": o.get("county", ""), "province": o.get("province", ""),
                       "area_km2": 0.0, "pollutant": o["pollutant"],
                       **{c: 0.0 for c in _MM + _SUMMED if c != "area_km2"}, "note": _element_note(o)}
                for k, v in o["values"].items():
                    row[k] = float(v[s, yi])
                out.append(_priced(row, prices, present, p_cons, y, days[y], partial))
    return out


def _element_note(element: dict) -> str:
    """The note of a row of an element's own: a reservoir credited to its county, or an element no
    subbasin drains into."""
    if "county" not in element:
        return f"{element['kind']} {element['element']}: no subbasin drains into it directly"
    share = element["share"]
    part = "" if share == 1.0 else f" ({share:.3g} of its water surface)"
    return (f"reservoir {element['element']}: credited to the county its water lies in{part}, not to the "
            "subbasins draining into it")


def _priced(row: dict, prices: GepPrices, present: list[str], p_cons: float, year: int, days: int,
            partial: bool) -> dict:
    """Price a row: its pollutant's equivalents at the year's yuan per equivalent.

    TN is valued (as NH3-N) only when the results lack NH3-N; otherwise NH3-N is, and TN's row keeps
    its amounts at 0 yuan (no nitrogen counted twice; docs/gep.md, "Sources")."""
    p = row["pollutant"]
    notes = [row["note"]] if row["note"] else []
    for t in ("river", "reservoir", "riparian"):
        row[f"n_removed_{t}_kg"] = row[f"removed_{t}_kg"] if p == "tn" else 0.0
    row["n_purified_kg"] = row["purified_kg"] if p == "tn" else 0.0
    row["kg_per_equivalent"] = prices.kg_per_equivalent(p)
    row["conservation_yuan_per_m3"] = p_cons
    row["purification_yuan_per_t"] = prices.purification_yuan_per_t(p, year)
    row["equivalents"] = row["purified_kg"] / row["kg_per_equivalent"]
    if p == "tn" and "nh3n" in present:
        row["purification_yuan_per_t"] = row["equivalents"] = 0.0
        notes.append("TN not valued: NH3-N is (nitrogen not counted twice)")
    row["water_conservation_yuan"] = row["water_conservation_m3"] * p_cons
    row["water_purification_yuan"] = row["purified_kg"] / 1000.0 * row["purification_yuan_per_t"]
    row["gep_yuan"] = row["water_conservation_yuan"] + row["water_purification_yuan"]
    if partial:
        notes.append(f"partial year: {days} of {days_in_year(year)} days, not an annual figure")
    if row["water_conservation_m3"] < 0:
        notes.append("negative conservation: more water abstracted (or, in the balance form, evaporated "
                     "and run off) than the ecosystem kept")
    if row["purified_kg"] < 0 and row["purification_yuan_per_t"] > 0:  # docs/gep.md: never silently
        notes.append(f"negative purification: the rivers and reservoirs made more {p} than they removed "
                     "(NH3-N: organic N mineralised beyond what was nitrified and taken up); valued as it is")
    row["note"] = "; ".join(notes)
    return row
