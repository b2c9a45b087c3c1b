"""Gross ecosystem product (GEP): water purification and water conservation, in yuan.

This module owns the GEP accounts of a simulation (one run or a file with a
``scenario`` dimension) per scenario, year and subbasin (and county by
aggregation), after Ouyang Zhiyun et al. (2017), *Acta Ecologica Sinica*
37(19): 6302:

**Water conservation** (m3/yr) = Σ_days (P − quick flow − AET) · A, with P the
subbasin precipitation, quick flow GR4J's direct flow and AET its actual
evapotranspiration (mm/d; ``subbasin_precipitation``, ``subbasin_quickflow``,
``subbasin_aet``) and A the subbasin area; 1 mm over 1 km2 is 1000 m3.  Valued at
the reservoir construction cost, 7.06 yuan/m3.  A year with more quick flow and
ET than rain conserves a negative amount (kept as it is).

**Water purification** (t N/yr) = landscape + river + reservoir removal, valued at
the avoided N loss price, 875 yuan/t:

* *river*: the ``removal`` term of ``tn_budget_reach`` (first-order removal in
  each reach), given to the subbasins draining into that reach in proportion to
  their areas (the ecosystem is where the reach is);
* *reservoir*: the ``removal`` term of ``tn_budget_reservoir`` (decay and
  apparent settling), given to the subbasins draining straight into it;
* *landscape*: N that the source model keeps from reaching the river through
  natural retention, per subbasin and year (kg) — :func:`landscape_retention`:

  - soil: ``(1 − leaching_fraction) · Σ_c share_c · max(S_c, 0) · 100 · A``
    (the positive surplus that does not leach to the groundwater store);
  - rural domestic: ``population · per-capita N · days · 10⁻³ ·
    (1 − connected · removal) · (1 − delivery_fraction)`` (what is generated
    after treatment but retained on the way);
  - livestock: ``head · excretion · (1 − managed_share) · (1 − loss_fraction)``
    (unmanaged excreta retained);
  - buffers and wetlands of a scenario (:mod:`hydro.scenarios`):
    ``Σ_c share_c · (EMC without − with buffers) · quick-flow volume``.

  Engineered removal (sewage treatment, WWTP upgrades, managed manure) is
  **not** counted: it is infrastructure, not an ecosystem service.  N held in
  the groundwater store is not counted as removed (it is released later).

Elements no subbasin drains into directly are reported on rows with an empty
``subbasin`` and the element's id in ``note``.

Prices can be changed with a small TOML (:meth:`GepPrices.from_toml`)::

    [water_conservation]
    yuan_per_m3 = 7.06
    [water_purification]
    yuan_per_t_n = 875.0
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from hydro.errors import HydroError
from hydro.tomlio import Table, load_toml

#: Ouyang Zhiyun et al. (2017), Acta Ecologica Sinica 37(19): 6302 (DOMAIN.md, "GEP unit prices").
CONSERVATION_YUAN_PER_M3 = 7.06
PURIFICATION_YUAN_PER_T_N = 875.0
PRICE_SOURCE = "Ouyang Zhiyun et al. 2017, Acta Ecologica Sinica 37(19):6302"

#: Columns of the GEP table (CSV and :func:`gep` rows), in order.
COLUMNS = ("scenario", "year", "subbasin", "county", "province", "area_km2", "water_conservation_m3",
           "water_conservation_yuan", "n_removed_landscape_kg", "n_removed_river_kg",
           "n_removed_reservoir_kg", "water_purification_yuan", "gep_yuan", "note")
_SUMMED = COLUMNS[5:12 + 1]


@dataclass(frozen=True)
class GepPrices:
    """Unit prices of the GEP accounts.

    Attributes
    ----------
    conservation_yuan_per_m3 : float
        Water conservation, yuan per m3 (reservoir construction cost).
    purification_yuan_per_t_n : float
        Water purification, yuan per tonne of N removed (avoided N loss).
    source : str
        Where the prices come from.
    """

    conservation_yuan_per_m3: float = CONSERVATION_YUAN_PER_M3
    purification_yuan_per_t_n: float = PURIFICATION_YUAN_PER_T_N
    source: str = PRICE_SOURCE

    @classmethod
    def from_toml(cls, path: str | Path) -> "GepPrices":
        """Read prices; absent keys keep the cited defaults; negative prices are errors."""
        path = Path(path)
        top = Table(load_toml(path), path)
        wc = top.table("water_conservation", default=None)
        wp = top.table("water_purification", default=None)
        out = cls(conservation_yuan_per_m3=wc.float("yuan_per_m3", CONSERVATION_YUAN_PER_M3, minimum=0.0),
                  purification_yuan_per_t_n=wp.float("yuan_per_t_n", PURIFICATION_YUAN_PER_T_N, minimum=0.0),
                  source=top.str("source", PRICE_SOURCE))
        for t in (wc, wp):
            t.str("source", "")
            t.finish()
        top.finish()
        return out


def landscape_retention(sources, years_of_day: np.ndarray, quick_mm: np.ndarray, area_km2: np.ndarray,
                        buffer_removed_mg_per_l: np.ndarray | None = None) -> tuple[list[int], np.ndarray]:
    """N kept from reaching the river by natural retention, per year and subbasin (kg).

    Parameters
    ----------
    sources : hydro.sources.SourceParameters
    years_of_day : int array [n_day]
    quick_mm : array [n_day, n_subbasin]
        Quick (direct) flow, mm/d.
    area_km2 : array [n_subbasin]
    buffer_removed_mg_per_l : array [n_year, n_subbasin], optional
        Σ_c share_c (EMC without − with buffers), mg/L (from a compiled scenario).

    Returns
    -------
    (years, kg [n_year, n_subbasin])
    """
    from hydro.sources import yearly_rates

    years_of_day = np.asarray(years_of_day)
    years = sorted(set(int(y) for y in years_of_day))
    yr = np.asarray(years)
    days = np.array([np.sum(years_of_day == y) for y in years], dtype=float)
    full = np.array([366.0 if (y % 4 == 0 and (y % 100 or y % 400 == 0)) else 365.0 for y in years])
    out = np.zeros((len(years), len(sources.subbasins)))
    for j, sub in enumerate(sources.subbasins):
        a = float(area_km2[j])
        rates = yearly_rates(sub, yr, a)
        leach = np.zeros(len(years)) if sub.groundwater is None else sub.groundwater.leaching_fraction.at(yr)
        # surplus is per year: count the simulated part of the year
        soil = (1.0 - leach) * rates["surplus_kg_per_ha_yr"] * 100.0 * a * days / full
        rd = sub.rural_domestic
        dom = np.zeros(len(years)) if rd is None else (
            rd.population.at(yr) * rd.per_capita_n_g_per_day.at(yr) * 1e-3 * days
            * (1.0 - rd.connected_share.at(yr) * rd.treatment_removal.at(yr))
            * (1.0 - rd.delivery_fraction.at(yr)))
        liv = np.zeros(len(years))
        for lv in sub.livestock:
            liv += (lv.head.at(yr) * lv.excretion_kg_per_head_yr.at(yr) * (1.0 - lv.managed_share.at(yr))
                    * (1.0 - lv.loss_fraction.at(yr))) * days / full
        out[:, j] = soil + dom + liv
    if buffer_removed_mg_per_l is not None:
        q = np.asarray(quick_mm, dtype=float)
        vol = np.array([q[years_of_day == y].sum(axis=0) for y in years])  # mm per year
        out += np.asarray(buffer_removed_mg_per_l) * vol * np.asarray(area_km2)[None, :]
    return years, out


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


def gep(results, prices: GepPrices | None = None, basin=None) -> list[dict]:
    """GEP rows per scenario, year and subbasin (see the module docstring).

    Parameters
    ----------
    results : hydro.results.Results
        A watershed run, or a scenarios file read with
        :func:`hydro.results.open_results` (variables with a leading ``scenario`` axis).
    prices : GepPrices, optional
        Default: the cited prices.
    basin : Basin or str, optional
        Needed only when the results carry neither ``subbasin_tn_landscape_retention``
        nor the subbasin attributes (then the landscape term is computed from the
        basin's source parameters, without any scenario's buffers).

    Returns
    -------
    list of dict
        Keys :data:`COLUMNS`; amounts in m3, kg and yuan per year.
    """
    prices = prices or GepPrices()
    meta = subbasin_metadata(results, basin)
    ids, area = meta["ids"], meta["area_km2"]
    scen = [str(s) for s in results.coords.get("scenario", [])] or [results.attrs.get("scenario", "baseline")]
    dates = results.coords["time"]
    years_of_day = np.array([d.year for d in dates])
    years = sorted(set(years_of_day.tolist()))
    P = _per_scenario(results, "subbasin_precipitation", 2)
    Q = _per_scenario(results, "subbasin_quickflow", 2)
    E = _per_scenario(results, "subbasin_aet", 2)
    terms = list(results.coords.get("budget_term", []))
    if "removal" not in terms:
        raise HydroError("GEP needs the TN budgets (budget_term 'removal'); these results lack them")
    k_rem = terms.index("removal")
    budget_years = [int(y) for y in results.coords.get("year", years)]
    river = np.zeros((len(scen), len(years), len(ids)))
    reservoir = np.zeros_like(river)
    unattributed: list[tuple[int, int, str, str, np.ndarray]] = []
    for kind, dim, target in (("reach", "reach", river), ("reservoir", "reservoir", reservoir)):
        name = f"tn_budget_{kind}"
        if name not in results.data:
            continue
        b = _per_scenario(results, name, 3)[..., k_rem]  # [scen, year, element]
        for e, eid in enumerate(results.coords[dim]):
            fed = [j for j, d in enumerate(meta["drains_to"]) if d == eid]
            for yi, y in enumerate(budget_years):
                if y not in years:
                    continue
                row = years.index(y)
                if fed:
                    w = area[fed] / area[fed].sum()
                    target[:, row, fed] += b[:, yi, e][:, None] * w[None, :]
                else:
                    unattributed.append((row, yi, kind, str(eid), b[:, yi, e]))
    if "subbasin_tn_landscape_retention" in results.data:
        land = _per_scenario(results, "subbasin_tn_landscape_retention", 2)
        land_years = budget_years
        land = np.stack([land[:, land_years.index(y)] for y in years], axis=1)
    else:
        from hydro.basin import Basin
        from hydro.sources import SourceParameters

        b = basin if hasattr(basin, "subbasin_tables") else Basin.load(basin or results.attrs.get("basin"))
        params = SourceParameters.from_subbasin_tables(b.subbasin_tables)
        land = np.stack([landscape_retention(params, years_of_day, Q[s], area)[1] for s in range(len(scen))])
    rows = []
    for s, sid in enumerate(scen):
        for yi, y in enumerate(years):
            day = years_of_day == y
            wc_mm = (P[s, day] - Q[s, day] - E[s, day]).sum(axis=0)
            wc_m3 = wc_mm * area * 1000.0
            for j, sub in enumerate(ids):
                n_t = (land[s, yi, j] + river[s, yi, j] + reservoir[s, yi, j]) / 1000.0
                wp = n_t * prices.purification_yuan_per_t_n
                wcy = wc_m3[j] * prices.conservation_yuan_per_m3
                rows.append({"scenario": sid, "year": y, "subbasin": sub, "county": meta["county"][j],
                             "province": meta["province"][j], "area_km2": float(area[j]),
                             "water_conservation_m3": float(wc_m3[j]), "water_conservation_yuan": float(wcy),
                             "n_removed_landscape_kg": float(land[s, yi, j]),
                             "n_removed_river_kg": float(river[s, yi, j]),
                             "n_removed_reservoir_kg": float(reservoir[s, yi, j]),
                             "water_purification_yuan": float(wp), "gep_yuan": float(wp + wcy), "note": ""})
            for row, _, kind, eid, vals in unattributed:
                if row != yi:
                    continue
                kg = float(vals[s])
                wp = kg / 1000.0 * prices.purification_yuan_per_t_n
                rows.append({"scenario": sid, "year": y, "subbasin": "", "county": "", "province": "",
                             "area_km2": 0.0, "water_conservation_m3": 0.0, "water_conservation_yuan": 0.0,
                             "n_removed_landscape_kg": 0.0,
                             "n_removed_river_kg": kg if kind == "reach" else 0.0,
                             "n_removed_reservoir_kg": kg if kind == "reservoir" else 0.0,
                             "water_purification_yuan": wp, "gep_yuan": wp,
                             "note": f"{kind} {eid}: no subbasin drains into it directly"})
    return rows


def by_county(rows: list[dict]) -> list[dict]:
    """Sum GEP rows per scenario, year, county and province (``subbasin`` lists the members)."""
    groups: dict[tuple, dict] = {}
    for r in rows:
        key = (r["scenario"], r["year"], r["county"], r["province"])
        g = groups.setdefault(key, {**{c: 0.0 for c in _SUMMED}, "scenario": r["scenario"], "year": r["year"],
                                    "county": r["county"], "province": r["province"], "subbasin": "",
                                    "note": ""})
        for c in _SUMMED:
            g[c] += r[c]
        g["subbasin"] = " ".join(x for x in (g["subbasin"], r["subbasin"]) if x)
        if r["note"]:
            g["note"] = "; ".join(x for x in (g["note"], r["note"]) if x)
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
        w.writerow([(f"{r[c]:.6g}" if isinstance(r[c], float) else r[c]) for c in COLUMNS])
    return None


def format_table(rows: list[dict]) -> str:
    """Totals per scenario and year (all subbasins), for the terminal."""
    tot: dict[tuple, list[float]] = {}
    for r in rows:
        t = tot.setdefault((r["scenario"], r["year"]), [0.0, 0.0, 0.0, 0.0])
        t[0] += r["water_conservation_m3"]
        t[1] += r["n_removed_landscape_kg"] + r["n_removed_river_kg"] + r["n_removed_reservoir_kg"]
        t[2] += r["water_conservation_yuan"] + 0.0
        t[3] += r["gep_yuan"]
    lines = [f"{'scenario':24s} {'year':>4s} {'conservation m3':>16s} {'N removed t':>12s} "
             f"{'conservation yuan':>18s} {'GEP yuan':>16s}"]
    for (s, y), t in tot.items():
        lines.append(f"{s:24s} {y:4d} {t[0]:16.4g} {t[1] / 1000:12.4g} {t[2]:18.4g} {t[3]:16.4g}")
    return "\n".join(lines)
