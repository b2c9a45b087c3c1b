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
abstracted from the rivers (``reach_withdrawal``), shared over the subbasins above the
intake by their slow runoff: abstracted water is used, not conserved (it is GEP's
water-supply product).  ``form = "balance"`` counts Σ (P − R − ET) · A − W instead
(``subbasin_precipitation``, ``subbasin_quickflow``, ``subbasin_aet``).  Valued at the
reservoir construction cost (:mod:`hydro.gep_prices`).

**Water purification** (t N/yr): nitrogen *removed by ecosystems* — rivers,
reservoirs (wetlands) and riparian buffers — and no longer nitrogen that the source
model leaves on land (fertiliser surplus in soil, undelivered sewage and excreta
are not purification: counting them made more fertiliser raise GEP):

* *river*: the ``removal`` term of ``tn_budget_reach``;
* *reservoir*: the ``removal`` term of ``tn_budget_reservoir`` (decay and
  apparent settling);
* *riparian*: what the buffers and wetlands of a scenario keep from the river,
  :func:`landscape_retention` (zero in a plain run).

The river and reservoir terms are counted up to the water body's **capacity**:
the removal it would achieve at the target concentration C* (GB 3838-2002 TN:
rivers Class III, 1.0 mg/L; reservoirs Class II, 0.5 mg/L).  With first-order
removal (∝ C), an element whose mean concentration C̄ exceeds C* is credited
``removal · C*/C̄``, so nitrogen added to water already worse than the target adds
nothing to GEP (the guideline's rule that the purified amount is at most the
environmental capacity).  C̄ is flow-weighted at the reach outlet
(``tn_load``/``discharge``) and volume-weighted in a reservoir.  Removal in an
element goes to the subbasins draining into it, by area; elements no subbasin
drains into get rows with an empty ``subbasin`` and the element in ``note``.

Priced per pollution equivalent of the year (Beijing: 14 yuan from 2018), TN as
NH3-N (0.8 kg per equivalent); see :mod:`hydro.gep_prices`.

**Partial years** (a run that does not cover 1 January to 31 December) are labelled
(``partial``; ``note``) or left out (``partial_years="omit"``): their amounts are
not annual figures.  A negative amount (more water abstracted than released; in the
balance form, stored soil water drawn down) is kept, and named in ``note`` and in
:func:`format_table`.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from hydro import gep_prices as gp
from hydro.errors import HydroError
from hydro.tomlio import Table, load_toml

#: Columns of the GEP table (CSV and :func:`gep` rows), in order.
COLUMNS = ("scenario", "year", "days", "partial", "subbasin", "county", "province", "area_km2",
           "precipitation_mm", "surface_runoff_mm", "evapotranspiration_mm", "slow_runoff_mm",
           "storage_and_exchange_mm", "water_abstracted_m3", "water_conservation_m3", "conservation_yuan_per_m3",
           "water_conservation_yuan",
           "n_removed_river_kg", "n_removed_reservoir_kg", "n_removed_riparian_kg", "n_purified_kg",
           "purification_yuan_per_t", "water_purification_yuan", "gep_yuan", "note")
_MM = ("precipitation_mm", "surface_runoff_mm", "evapotranspiration_mm", "slow_runoff_mm",
       "storage_and_exchange_mm")
#: Forms of the water-conservation quantity (module docstring).
FORMS = ("released", "balance")
_SUMMED = ("area_km2", "water_abstracted_m3", "water_conservation_m3", "water_conservation_yuan",
           "n_removed_river_kg", "n_removed_reservoir_kg", "n_removed_riparian_kg", "n_purified_kg",
           "water_purification_yuan", "gep_yuan")


def _steps(table: Table, key: str, scale: float = 1.0):
    """A ``{"YEAR" = value}`` table as a step schedule."""
    out = []
    for k in list(table.data):
        try:
            y = int(k)
        except ValueError:
            raise table.error(k, "expected a year (e.g. \"2018\" = 14.0)") from None
        out.append((y, table.float(k, minimum=0.0) * scale))
    if not out:
        raise table.error(key, "empty: give at least one \"YEAR\" = value")
    return tuple(sorted(out))


@dataclass(frozen=True)
class GepPrices:
    """Unit prices of the GEP accounts, as step schedules by year.

    Attributes
    ----------
    conservation_yuan_per_m3_by_year : tuple of (year, yuan/m3)
        Water conservation (reservoir construction cost).
    purification_yuan_per_equivalent_by_year : tuple of (year, yuan)
        Water purification, yuan per pollution equivalent.
    tn_kg_per_equivalent : float
        kg of TN per pollution equivalent.
    target_tn_mg_per_l, target_tn_reservoir_mg_per_l : float
        Concentrations at which a river's and a reservoir's purification capacity is counted.
    conservation_form : {"released", "balance"}
        Water conservation as slow runoff (default) or as P − R − ET (module docstring).
    source : str
    """

    conservation_yuan_per_m3_by_year: tuple = gp.CONSERVATION_YUAN_PER_M3
    purification_yuan_per_equivalent_by_year: tuple = gp.BEIJING_YUAN_PER_EQUIVALENT
    tn_kg_per_equivalent: float = gp.TN_KG_PER_EQUIVALENT
    target_tn_mg_per_l: float = gp.TARGET_TN_MG_PER_L
    target_tn_reservoir_mg_per_l: float = gp.TARGET_TN_RESERVOIR_MG_PER_L
    conservation_form: str = "released"
    source: str = field(default="; ".join(gp.SOURCES.values()))

    def conservation_yuan_per_m3(self, year: int) -> float:
        """Water conservation price in ``year``, yuan per m3."""
        return gp.step_value(self.conservation_yuan_per_m3_by_year, year)

    def purification_yuan_per_t_n(self, year: int) -> float:
        """Water purification price in ``year``, yuan per tonne of N."""
        return gp.yuan_per_t(gp.step_value(self.purification_yuan_per_equivalent_by_year, year),
                             self.tn_kg_per_equivalent)

    @classmethod
    def from_toml(cls, path: str | Path) -> "GepPrices":
        """Read prices; absent keys keep the cited defaults; negative prices are errors.

        ``[water_conservation]``: ``yuan_per_m3`` (every year) or a ``[water_conservation.by_year]``
        table; ``[water_purification]``: ``yuan_per_equivalent``, ``yuan_per_t_n`` (every year) or
        ``[water_purification.by_year]`` (yuan per equivalent), ``kg_per_equivalent``,
        ``target_mg_per_l``, ``reservoir_target_mg_per_l``; ``[water_conservation] form`` (``released`` or ``balance``).
        """
        path = Path(path)
        top = Table(load_toml(path), path)
        wc = top.table("water_conservation", default=None)
        wp = top.table("water_purification", default=None)
        d = cls()
        kg = wp.float("kg_per_equivalent", d.tn_kg_per_equivalent, positive=True)
        cons = d.conservation_yuan_per_m3_by_year
        if wc.has("yuan_per_m3"):
            cons = ((0, wc.float("yuan_per_m3", minimum=0.0)),)
        if wc.has("by_year"):
            cons = _steps(wc.table("by_year"), "by_year")
        form = wc.str("form", d.conservation_form)
        if form not in FORMS:
            raise wc.error("form", f"expected one of {FORMS}, got {form!r}")
        pur = d.purification_yuan_per_equivalent_by_year
        given = [k for k in ("yuan_per_equivalent", "yuan_per_t_n", "by_year") if wp.has(k)]
        if len(given) > 1:
            raise wp.error(given[1], f"give one of yuan_per_equivalent, yuan_per_t_n, by_year (got {given})")
        if wp.has("yuan_per_equivalent"):
            pur = ((0, wp.float("yuan_per_equivalent", minimum=0.0)),)
        if wp.has("yuan_per_t_n"):
            pur = ((0, wp.float("yuan_per_t_n", minimum=0.0) * kg / 1000.0),)
        if wp.has("by_year"):
            pur = _steps(wp.table("by_year"), "by_year")
        out = cls(conservation_yuan_per_m3_by_year=cons, purification_yuan_per_equivalent_by_year=pur,
                  tn_kg_per_equivalent=kg, conservation_form=form,
                  target_tn_mg_per_l=wp.float("target_mg_per_l", d.target_tn_mg_per_l, positive=True),
                  target_tn_reservoir_mg_per_l=wp.float("reservoir_target_mg_per_l",
                                                        d.target_tn_reservoir_mg_per_l, positive=True),
                  source=top.str("source", d.source))
        for t in (wc, wp):
            t.str("source", "")
            t.finish()
        top.finish()
        return out


def retention_components(sources, years_of_day: np.ndarray, quick_mm: np.ndarray, area_km2: np.ndarray,
                         buffer_removed_mg_per_l: np.ndarray | None = None) -> tuple[list[int], dict]:
    """N the source model keeps on land, by kind, per year and subbasin (kg).

    Kinds: ``soil`` (``(1 − leaching_fraction) · Σ_c share_c · max(S_c, 0) · 100 · A``, the
    positive surplus that does not leach), ``domestic`` (rural sewage generated after
    treatment but not delivered), ``livestock`` (unmanaged excreta not lost to water) and
    ``riparian`` (``Σ_c share_c · (EMC without − with buffers) · quick-flow volume``).
    Only ``riparian`` is purification by an ecosystem (:func:`landscape_retention`); the
    others were counted before 2026-11 and are kept here to show what changed.
    """
    from hydro.sources import yearly_rates

    years_of_day = np.asarray(years_of_day)
    years = sorted(set(int(y) for y in years_of_day))
    yr = np.asarray(years)
    days = np.array([np.sum(years_of_day == y) for y in years], dtype=float)
    full = np.array([_days_in_year(y) for y in years], dtype=float)
    n = len(sources.subbasins)
    out = {k: np.zeros((len(years), n)) for k in ("soil", "domestic", "livestock", "riparian")}
    for j, sub in enumerate(sources.subbasins):
        a = float(area_km2[j])
        rates = yearly_rates(sub, yr, a)
        leach = np.zeros(len(years)) if sub.groundwater is None else sub.groundwater.leaching_fraction.at(yr)
        out["soil"][:, j] = (1.0 - leach) * rates["surplus_kg_per_ha_yr"] * 100.0 * a * days / full
        rd = sub.rural_domestic
        if rd is not None:
            out["domestic"][:, j] = (rd.population.at(yr) * rd.per_capita_n_g_per_day.at(yr) * 1e-3 * days
                                     * (1.0 - rd.connected_share.at(yr) * rd.treatment_removal.at(yr))
                                     * (1.0 - rd.delivery_fraction.at(yr)))
        for lv in sub.livestock:
            out["livestock"][:, j] += (lv.head.at(yr) * lv.excretion_kg_per_head_yr.at(yr)
                                       * (1.0 - lv.managed_share.at(yr))
                                       * (1.0 - lv.loss_fraction.at(yr))) * days / full
    if buffer_removed_mg_per_l is not None:
        q = np.asarray(quick_mm, dtype=float)
        vol = np.array([q[years_of_day == y].sum(axis=0) for y in years])  # mm per year
        out["riparian"] += np.asarray(buffer_removed_mg_per_l) * vol * np.asarray(area_km2)[None, :]
    return years, out


def landscape_retention(sources, years_of_day: np.ndarray, quick_mm: np.ndarray, area_km2: np.ndarray,
                        buffer_removed_mg_per_l: np.ndarray | None = None) -> tuple[list[int], np.ndarray]:
    """N purified on land by ecosystems, per year and subbasin (kg): riparian buffers and wetlands.

    ``Σ_c share_c · (EMC without − with buffers) · quick-flow volume`` (mg/L · mm · km2 = kg).
    Fertiliser surplus kept in soil and undelivered sewage or excreta are *not* counted
    (see :func:`retention_components`).  :mod:`hydro.scenarios` stores this as
    ``subbasin_tn_landscape_retention``.

    Returns
    -------
    (years, kg [n_year, n_subbasin])
    """
    years_of_day = np.asarray(years_of_day)
    years = sorted(set(int(y) for y in years_of_day))
    out = np.zeros((len(years), len(np.atleast_1d(area_km2))))
    if buffer_removed_mg_per_l is not None:
        q = np.asarray(quick_mm, dtype=float)
        vol = np.array([q[years_of_day == y].sum(axis=0) for y in years])  # mm per year
        out += np.asarray(buffer_removed_mg_per_l) * vol * np.asarray(area_km2)[None, :]
    return years, out


def _days_in_year(y: int) -> int:
    return 366 if (y % 4 == 0 and (y % 100 or y % 400 == 0)) else 365


def _kv(text: str) -> dict[str, str]:
    out = {}
    for item in str(text or "").split(";"):
        if "=" in item:
            k, v = item.split("=", 1)
            out[k] = v
    return out


def subbasin_metadata(results, basin=None) -> dict:
    """Subbasin ids, areas, counties, provinces and where each drains, from the results.

    Taken from the global attributes ``subbasin_area_km2``, ``subbasin_county``,
    ``subbasin_province`` and ``subbasin_drains_to`` (``id=value;...``) when
    present, otherwise from ``basin`` (a :class:`~hydro.basin.Basin` or a spec),
    otherwise from the shipped basin named in the ``basin`` attribute.
    """
    ids = list(results.coords.get("subbasin", []))
    if not ids:
        raise HydroError("GEP needs a watershed run (a 'subbasin' dimension); these results have none")
    attrs = results.attrs
    if all(k in attrs for k in ("subbasin_area_km2", "subbasin_drains_to")):
        area = _kv(attrs["subbasin_area_km2"])
        drains = _kv(attrs["subbasin_drains_to"])
        county = _kv(attrs.get("subbasin_county", ""))
        prov = _kv(attrs.get("subbasin_province", ""))
        return {"ids": ids, "area_km2": np.array([float(area[i]) for i in ids]),
                "county": [county.get(i, "") for i in ids], "province": [prov.get(i, "") for i in ids],
                "drains_to": [drains[i] for i in ids]}
    from hydro.scenarios.measures import BasinInfo

    spec = basin.path if hasattr(basin, "path") else basin
    if spec is None:
        spec = attrs.get("basin")
    try:
        info = BasinInfo.load(spec)
    except HydroError as exc:
        raise HydroError(f"GEP needs the subbasin areas: these results lack the attributes "
                         f"subbasin_area_km2/subbasin_drains_to and the basin could not be read ({exc}); "
                         "give the basin (--basin)") from None
    by_id = {s["id"]: s for s in info.subbasins}
    missing = [i for i in ids if i not in by_id]
    if missing:
        raise HydroError(f"{info.path}: has no subbasin {missing}; is it the basin these results came from?")
    return {"ids": ids, "area_km2": np.array([float(by_id[i]["area_km2"]) for i in ids]),
            "county": [str(by_id[i].get("county", "")) for i in ids],
            "province": [str(by_id[i].get("province", "")) for i in ids],
            "drains_to": [by_id[i].get("reach") or by_id[i].get("reservoir") for i in ids]}


def _per_scenario(results, name: str, n_dims: int) -> np.ndarray:
    """``results[name]`` with a leading scenario axis (added when absent)."""
    arr = np.asarray(results[name], dtype=float)
    return arr[None] if arr.ndim == n_dims else arr



def _year_sums(values: np.ndarray, years_of_day: np.ndarray, years: list[int]) -> np.ndarray:
    """Sum a [scen, day, ...] array over the days of each year -> [scen, year, ...]."""
    return np.stack([values[:, years_of_day == y].sum(axis=1) for y in years], axis=1)


def _mean_concentration(results, kind: str, years_of_day, years) -> np.ndarray | None:
    """Mean TN per scenario, year and element (mg/L), or None when the results lack it.

    Reaches: flow-weighted at the outlet, Σ load / Σ (Q · 86400) (kg/m3 · 1000 = mg/L).
    Reservoirs: volume-weighted, Σ (storage · C) / Σ storage.
    """
    if kind == "reach":
        if "tn_load" not in results.data or "discharge" not in results.data:
            return None
        load = _year_sums(_per_scenario(results, "tn_load", 2), years_of_day, years)
        vol = _year_sums(_per_scenario(results, "discharge", 2) * 86400.0, years_of_day, years)
    else:
        if "reservoir_tn_concentration" not in results.data or "reservoir_storage" not in results.data:
            return None
        s = _per_scenario(results, "reservoir_storage", 2)
        load = _year_sums(s * _per_scenario(results, "reservoir_tn_concentration", 2), years_of_day, years) / 1000.0
        vol = _year_sums(s, years_of_day, years)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(vol > 0, 1000.0 * load / np.where(vol > 0, vol, 1.0), 0.0)


def _upstream(network_downstream: str) -> dict[str, set]:
    """Element id -> ids of every element upstream of it, from ``id=downstream;...``."""
    down = {k: v for k, v in _kv(network_downstream).items() if v}
    up: dict[str, set] = {}
    for e in down:
        seen, d = set(), down.get(e)
        while d and d not in seen:
            seen.add(d)
            up.setdefault(d, set()).add(e)
            d = down.get(d)
    return up


def capacity_share(mean_mg_per_l, target_mg_per_l: float) -> np.ndarray:
    """Share of a first-order removal counted as purification: ``min(1, C*/C̄)``."""
    c = np.asarray(mean_mg_per_l, dtype=float)
    with np.errstate(divide="ignore"):
        return np.where(c > target_mg_per_l, target_mg_per_l / np.where(c > 0, c, 1.0), 1.0)


def gep(results, prices: GepPrices | None = None, basin=None, partial_years: str = "label") -> list[dict]:
    """GEP rows per scenario, year and subbasin (see the module docstring).

    Parameters
    ----------
    results : hydro.results.Results
        A watershed run, or a scenarios file read with
        :func:`hydro.results.open_results` (variables with a leading ``scenario`` axis).
    prices : GepPrices, optional
        Default: the cited prices (:mod:`hydro.gep_prices`).
    basin : Basin or str, optional
        Needed only when the results lack the subbasin attributes.
    partial_years : {"label", "omit"}
        Rows of a year the run covers only in part: kept with ``partial`` True and a
        note (default), or left out.

    Returns
    -------
    list of dict
        Keys :data:`COLUMNS`; amounts in mm, m3, kg and yuan per year (per simulated
        part of a partial year).
    """
    if partial_years not in ("label", "omit"):
        raise HydroError(f"partial_years must be 'label' or 'omit', got {partial_years!r}")
    prices = prices or GepPrices()
    meta = subbasin_metadata(results, basin)
    ids, area = meta["ids"], meta["area_km2"]
    scen = [str(s) for s in results.coords.get("scenario", [])] or [results.attrs.get("scenario", "baseline")]
    dates = results.coords["time"]
    years_of_day = np.array([d.year for d in dates])
    years = sorted(set(years_of_day.tolist()))
    days = {y: int(np.sum(years_of_day == y)) for y in years}
    P = _year_sums(_per_scenario(results, "subbasin_precipitation", 2), years_of_day, years)
    Q = _year_sums(_per_scenario(results, "subbasin_quickflow", 2), years_of_day, years)
    E = _year_sums(_per_scenario(results, "subbasin_aet", 2), years_of_day, years)
    if "subbasin_runoff" in results.data:
        slow = _year_sums(_per_scenario(results, "subbasin_runoff", 2), years_of_day, years) - Q
    elif prices.conservation_form == "released":
        raise HydroError("GEP water conservation needs 'subbasin_runoff' (slow runoff = runoff - quick flow); "
                         "these results lack it; use a prices file with [water_conservation] form = \"balance\"")
    else:
        slow = np.full_like(Q, np.nan)
    terms = list(results.coords.get("budget_term", []))
    if "removal" not in terms:
        raise HydroError("GEP needs the TN budgets (budget_term 'removal'); these results lack them")
    k_rem = terms.index("removal")
    budget_years = [int(y) for y in results.coords.get("year", years)]
    shape = (len(scen), len(years), len(ids))
    removed = {"reach": np.zeros(shape), "reservoir": np.zeros(shape)}
    purified = np.zeros(shape)
    abstracted = np.zeros(shape)
    orphans: list[dict] = []   # elements no subbasin drains into

    def share_out(eid, per_scen_year, target, kind_note, fields):
        fed = [j for j, d in enumerate(meta["drains_to"]) if d == eid]
        if fed:
            w = area[fed] / area[fed].sum()
            for t, v in zip(target, per_scen_year, strict=True):
                t[:, :, fed] += v[:, :, None] * w[None, None, :]
        else:
            orphans.append({"element": eid, "kind": kind_note, "values": fields})

    for kind in ("reach", "reservoir"):
        name = f"tn_budget_{kind}"
        if name not in results.data:
            continue
        b = _per_scenario(results, name, 3)[..., k_rem]  # [scen, budget year, element]
        rows = [budget_years.index(y) if y in budget_years else None for y in years]
        rem = np.stack([b[:, r] if r is not None else np.zeros(b.shape[::2]) for r in rows], axis=1)
        conc = _mean_concentration(results, kind, years_of_day, years)
        target = prices.target_tn_mg_per_l if kind == "reach" else prices.target_tn_reservoir_mg_per_l
        cap = np.ones_like(rem) if conc is None else capacity_share(conc, target)
        for e, eid in enumerate(results.coords[kind]):
            share_out(str(eid), (rem[..., e], rem[..., e] * cap[..., e]), (removed[kind], purified), kind,
                      {f"n_removed_{'river' if kind == 'reach' else 'reservoir'}_kg": rem[..., e],
                       "n_purified_kg": rem[..., e] * cap[..., e]})
    if "reach_withdrawal" in results.data:
        # water taken from a reach came from everything upstream: shared over the subbasins
        # draining into the reach or any element above it, by their slow-runoff volume
        # (by area when that is zero or unknown)
        wd = _year_sums(_per_scenario(results, "reach_withdrawal", 2) * 86400.0, years_of_day, years)
        up = _upstream(results.attrs.get("network_downstream", ""))
        vol = np.nan_to_num(slow) * area[None, None, :]
        for e, eid in enumerate(results.coords["reach"]):
            if not np.any(wd[..., e]):
                continue
            above = up.get(str(eid), set()) | {str(eid)}
            fed = [j for j, d in enumerate(meta["drains_to"]) if d in above]
            if not fed:
                orphans.append({"element": str(eid), "kind": "reach",
                                "values": {"water_abstracted_m3": wd[..., e], "water_conservation_m3": -wd[..., e]}})
                continue
            v = vol[:, :, fed]
            tot = v.sum(axis=2, keepdims=True)
            w = np.where(tot > 0, v / np.where(tot > 0, tot, 1.0), (area[fed] / area[fed].sum())[None, None, :])
            abstracted[:, :, fed] += wd[..., e][:, :, None] * w
    riparian = np.zeros(shape)
    if "subbasin_tn_landscape_retention" in results.data:
        land = _per_scenario(results, "subbasin_tn_landscape_retention", 2)
        riparian = np.stack([land[:, budget_years.index(y)] if y in budget_years else np.zeros(land.shape[::2])
                             for y in years], axis=1)
    purified = purified + riparian

    out = []
    for s, sid in enumerate(scen):
        for yi, y in enumerate(years):
            partial = days[y] < _days_in_year(y)
            if partial and partial_years == "omit":
                continue
            p_cons = prices.conservation_yuan_per_m3(y)
            p_pur = prices.purification_yuan_per_t_n(y)
            base = {"scenario": sid, "year": y, "days": days[y], "partial": partial}
            for j, sub in enumerate(ids):
                balance = P[s, yi, j] - Q[s, yi, j] - E[s, yi, j]
                kept = slow[s, yi, j] if prices.conservation_form == "released" else balance
                wc = kept * area[j] * 1000.0 - abstracted[s, yi, j]
                row = {**base, "subbasin": sub, "county": meta["county"][j], "province": meta["province"][j],
                       "area_km2": float(area[j]), "precipitation_mm": float(P[s, yi, j]),
                       "surface_runoff_mm": float(Q[s, yi, j]), "evapotranspiration_mm": float(E[s, yi, j]),
                       "slow_runoff_mm": float(slow[s, yi, j]),
                       "storage_and_exchange_mm": float(balance - slow[s, yi, j]),
                       "water_abstracted_m3": float(abstracted[s, yi, j]), "water_conservation_m3": float(wc),
                       "n_removed_river_kg": float(removed["reach"][s, yi, j]),
                       "n_removed_reservoir_kg": float(removed["reservoir"][s, yi, j]),
                       "n_removed_riparian_kg": float(riparian[s, yi, j]),
                       "n_purified_kg": float(purified[s, yi, j]), "note": ""}
                out.append(_priced(row, p_cons, p_pur, y, days[y], partial))
            for o in orphans:
                row = {**base, "subbasin": "", "county": "", "province": "", "area_km2": 0.0,
                       **{c: 0.0 for c in _MM + _SUMMED if c != "area_km2"},
                       "note": f"{o['kind']} {o['element']}: no subbasin drains into it directly"}
                for k, v in o["values"].items():
                    row[k] = float(v[s, yi])
                out.append(_priced(row, p_cons, p_pur, y, days[y], partial))
    return out


def _priced(row: dict, p_cons: float, p_pur: float, year: int, days: int, partial: bool) -> dict:
    row["conservation_yuan_per_m3"] = p_cons
    row["purification_yuan_per_t"] = p_pur
    row["water_conservation_yuan"] = row["water_conservation_m3"] * p_cons
    row["water_purification_yuan"] = row["n_purified_kg"] / 1000.0 * p_pur
    row["gep_yuan"] = row["water_conservation_yuan"] + row["water_purification_yuan"]
    notes = [row["note"]] if row["note"] else []
    if partial:
        notes.append(f"partial year: {days} of {_days_in_year(year)} days, not an annual figure")
    if row["water_conservation_m3"] < 0:
        notes.append("negative conservation: more water abstracted (or, in the balance form, evaporated "
                     "and run off) than the ecosystem kept")
    row["note"] = "; ".join(notes)
    return row


def by_county(rows: list[dict]) -> list[dict]:
    """Sum GEP rows per scenario, year, county and province (``subbasin`` lists the members).

    Volumes, masses and yuan are summed; mm are area-weighted means; prices are the year's.
    """
    groups: dict[tuple, dict] = {}
    for r in rows:
        key = (r["scenario"], r["year"], r["county"], r["province"])
        g = groups.setdefault(key, {**{c: 0.0 for c in _SUMMED + _MM}, "scenario": r["scenario"],
                                    "year": r["year"], "days": r["days"], "partial": r["partial"],
                                    "county": r["county"], "province": r["province"], "subbasin": "",
                                    "conservation_yuan_per_m3": r["conservation_yuan_per_m3"],
                                    "purification_yuan_per_t": r["purification_yuan_per_t"], "note": ""})
        for c in _SUMMED:
            g[c] += r[c]
        for c in _MM:
            g[c] += r[c] * r["area_km2"]
        g["subbasin"] = " ".join(x for x in (g["subbasin"], r["subbasin"]) if x)
        for n in (r["note"] or "").split("; "):
            if n and n not in g["note"].split("; "):
                g["note"] = "; ".join(x for x in (g["note"], n) if x)
    for g in groups.values():
        for c in _MM:
            g[c] = g[c] / g["area_km2"] if g["area_km2"] > 0 else 0.0
    return [groups[k] for k in groups]


def write_csv(rows: list[dict], out, overwrite: bool = False) -> Path | None:
    """Write GEP rows as CSV (columns :data:`COLUMNS`) to a path or an open text stream.

    A path is written atomically and an existing file is replaced only with
    ``overwrite`` (:mod:`hydro.outputs`).
    """
    if isinstance(out, (str, Path)):
        from hydro.outputs import atomic_open

        with atomic_open(out, overwrite) as fh:
            write_csv(rows, fh)
        return Path(out)
    w = csv.writer(out)
    w.writerow(COLUMNS)
    for r in rows:
        w.writerow([(f"{r[c]:.6g}" if isinstance(r[c], float) else str(r[c]).lower() if isinstance(r[c], bool)
                     else r[c]) for c in COLUMNS])
    return None


def totals(rows: list[dict]) -> dict[tuple, dict]:
    """Totals per (scenario, year) over all rows: m3, kg and yuan, with ``days``/``partial``."""
    tot: dict[tuple, dict] = {}
    for r in rows:
        t = tot.setdefault((r["scenario"], r["year"]), {"days": r["days"], "partial": r["partial"],
                                                         **{c: 0.0 for c in _SUMMED}})
        for c in _SUMMED:
            t[c] += r[c]
    return tot


def format_table(rows: list[dict]) -> str:
    """Totals per scenario and year (all subbasins), for the terminal, with warnings."""
    lines = [f"{'scenario':24s} {'year':>4s} {'days':>4s} {'conservation m3':>16s} {'N purified t':>12s} "
             f"{'conservation yuan':>18s} {'purification yuan':>18s} {'GEP yuan':>16s}"]
    partial, negative = [], []
    for (s, y), t in totals(rows).items():
        mark = "*" if t["partial"] else " "
        lines.append(f"{s:24s} {y:4d} {t['days']:4d}{mark}{t['water_conservation_m3']:16.4g} "
                     f"{t['n_purified_kg'] / 1000:12.4g} {t['water_conservation_yuan']:18.4g} "
                     f"{t['water_purification_yuan']:18.4g} {t['gep_yuan']:16.4g}")
        if t["partial"]:
            partial.append(str(y))
        if t["gep_yuan"] < 0 or t["water_conservation_m3"] < 0:
            negative.append(f"{s} {y}")
    if partial:
        lines.append(f"* partial year ({', '.join(sorted(set(partial)))}): only the simulated days are "
                     "counted; not an annual figure, not comparable with full years")
    if negative:
        lines.append(f"warning: negative water conservation or GEP in {', '.join(negative)}: more water "
                     "abstracted (balance form: evaporated and run off) than the ecosystem kept; see the rows' notes")
    return "\n".join(lines)
