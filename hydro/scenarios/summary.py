"""The summary of a scenario run: TN, load reductions, costs, cost-effectiveness, targets.

Size: the summary of one stacked scenarios file: its long-format rows, the quality effects, and their CSV,
text and JSON forms.

:func:`summarise` returns long-format rows (``scenario, quantity, location, source,
year, value, unit``), written as CSV by :func:`write_summary_csv` and printed by
:func:`format_summary`.  Quantities:

``tn_annual_mean`` / ``tn_max_monthly_mean`` (mg/L, per complete calendar year)
    at each section and reservoir (monthly means over the days, as the monitoring the
    compensation rules stand in for takes them: :func:`hydro.monitoring.read_results`);
    the annual mean is the mean of the 12 monthly means, the highest monthly mean
    the largest of them, both of the same year.
``tn_partial_year_mean`` / ``tn_partial_year_max_monthly_mean`` (mg/L)
    the same for a calendar year the run covers only in part (a run from March
    2013 to February 2017 has two: 2013 and 2017); the ``source`` column says
    which part (``Jan-Feb only``).  They are not annual means and are never
    compared with annual targets.
``load_delivered`` / ``load_reduction`` (kg, whole run)
    N delivered by the subbasins to the rivers, by source, and its reduction
    against the baseline (positive: less N).
``reservoir_n_input`` / ``n_kept_out`` (kg, whole run)
    N entering each reservoir (inflow + lateral + point terms of its budget) and
    its reduction against the baseline.
``n_kept_out_in_storage`` (kg, whole run)
    the part of ``n_kept_out`` that is N held in the water of the reaches and
    reservoirs upstream at the end of the run beyond the baseline's
    (:func:`hydro.scenarios.kept_out.upstream_storage_change`): N deferred, which may
    still leave after the run (negative: less N held upstream than in the baseline,
    a reduction still on its way).  Per reservoir, and with an empty ``location`` the
    total over the reservoirs the cost per kg counts.
``n_kept_out_on_land`` (kg, whole run)
    N the measures kept off the rivers that is still on the land at the end of the run: the
    baseline's N in the wash-off and groundwater stores of the subbasins upstream of each reservoir
    at the end of the run minus the scenario's (:func:`hydro.scenarios.kept_out.land_storage_end`;
    both start alike).  Not part of ``n_kept_out`` (N that did not enter the reservoir): added to it,
    it is the N a measure keeps out of the reservoir by the end of the run, or later.  Per reservoir,
    and with an empty ``location`` over the reservoirs the cost per kg counts; NaN where the results
    lack the stores' daily values.
``cost`` (yuan, whole run; and per year), ``cost_per_kg_kept_out`` (yuan/kg)
    measure costs (capital as ``cost_method`` says, plus operating; a year's row is
    the whole year's cost, the whole-run total counts of a year the run covers in
    part only the share of its days covered), and the whole-run cost over
    N kept out of the reservoirs (NaN when nothing is kept out): the reservoirs at the
    foot of each cascade only (:mod:`hydro.scenarios.kept_out`; N kept out of Yunzhou
    or Baihebao is not counted again at Miyun).  Annualised, an equivalent annual cost
    over undiscounted kg; with ``cost_method = "spent"`` the unit of the per-kg rows says
    that capital is counted whole against the run's N only (:func:`~hydro.scenarios.kept_out.per_kg_unit`).
    With ``[scenario_set] price_year`` the unit of the cost and per-kg rows names it (``yuan (2020 prices)``,
    ``yuan kg-1 (2020 prices)``: :mod:`hydro.scenarios.prices`) and the printed lines say ``(2020 prices)``.
    NaN also where a measure of the scenario states no cost (an ``unpriced_measure`` row names each:
    its cost is not 0, it is not known; a planner's review of 2026-12-06 found 0.0 yuan/kg cited).
``unpriced_measure`` (1; ``source``: the measure's id)
    one row per measure of the scenario whose ``[measures.costs]`` give neither capital nor operating cost.
``cost_per_kg_kept_out_net_of_storage`` (yuan/kg)
    the whole-run cost over the N kept out less ``n_kept_out_in_storage`` (the N
    delivered less by the land, or removed or withdrawn upstream; NaN when that is
    not positive): what a kg kept out costs when N merely held back upstream is not
    paid for.
``first_year_met`` (year; NaN: never, or no complete calendar year simulated)
    the first complete calendar year in which every check of a target holds
    (partial years are not counted).
``met_every_year_from`` (year; NaN: not met in the last complete year)
    the first complete calendar year from which the target holds in every later
    complete year: a target met in early years before the measures and missed since
    has a ``first_year_met`` but no ``met_every_year_from``.
``met_in_due_year`` (1; a target with a ``year``)
    1 where every check of the target holds in its due year, 0 where one fails; NaN where the
    due year is not a complete calendar year of the run (the ``year`` column gives it).
``probability_met`` (1)
    with a weather ensemble: the share of members meeting the target in its year
    (default: the last complete year; NaN when its ``year`` is not a complete year of the run).
``<quantity>_median`` / ``_p05`` / ``_p95``
    with a weather ensemble: the 50th, 5th and 95th percentiles over the members of
    ``n_kept_out``, ``n_kept_out_in_storage``, ``cost_per_kg_kept_out``,
    ``cost_per_kg_kept_out_net_of_storage`` (:func:`hydro.scenarios.kept_out.spread_rows`)
    and ``tn_annual_mean`` (:func:`ensemble_tn_spread`); ``source`` says over how many
    members (``"19 of 20 members"``).  The other rows are one weather's.
``mean_concentration`` / ``mean_concentration_change`` (mg/L, whole run)
    for every constituent the results carry (``tn``, ``nh3n``, ``tp``, ``codmn``; the
    ``source`` column names it): the mean of the monthly means at each section and
    reservoir, and its change against the baseline
    (negative: cleaner).  The ``year`` column gives the days averaged, the run's
    (``2007-01-01..2009-12-31``): years before a measure acts are in it and dilute its change.
``mean_load`` / ``mean_load_change`` (kg/d, whole run)
    the mean load of each constituent through each section, and its change (``year`` as above).

With an agreement, :func:`quality_effects` gives each scenario's effect at the
agreement's sections on every parameter and on the quality part of each payment
(``hydro compensate --scenarios``); :func:`format_effects` prints it.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from hydro.csv_cells import SpreadsheetWriter
from hydro.dates import in_whole_months, partial_years
from hydro.scenarios.kept_out import (
    SPENT_PER_KG_UNIT,
    SPREAD,
    costs_of_days_run,
    counted,
    land_storage_end,
    members_counted,
    per_kg_unit,
    reservoir_input,
    spread_rows,
    upstream_storage_change,
)
from hydro.scenarios.prices import priced, prices_text, unpriced
from hydro.sources import source_names
from hydro.units import KG_PER_DAY_PER_M3S_MGL

COLUMNS = ("scenario", "quantity", "location", "source", "year", "value", "unit")


def monthly_means(dates, conc: np.ndarray):
    """Monthly means of daily values [day, loc] -> (year of each month, [month, loc]): means over the
    days, as the monitoring's (:func:`hydro.monitoring.read_results`)."""
    ym = np.array([d.year * 12 + d.month - 1 for d in dates])
    keys = np.unique(ym)
    out = np.zeros((len(keys), conc.shape[1]))
    for k, key in enumerate(keys):
        sel = ym == key
        out[k] = conc[sel].mean(axis=0)
    return keys // 12, out


def annual_stats(dates, conc, complete_only: bool = False, whole=None):
    """(years, annual mean of monthly means [year, loc], highest monthly mean [year, loc]).

    With ``complete_only`` only the calendar years the dates cover from 1 January to
    31 December are returned (see :func:`partial_years`). A month the dates cover in part has no monthly
    mean (as in ``hydro compensate``): a partial year's figures are those of its whole months, and a year
    with none is left out (a review, 2026-12-06: a 10-day month weighed as a whole one). ``whole``: for
    steps that are not days (means over periods), whether each covers whole months (default: daily ``dates``).
    """
    whole = np.asarray(in_whole_months(dates) if whole is None else whole, dtype=bool)
    my, mm = monthly_means([d for d, w in zip(dates, whole, strict=True) if w], np.asarray(conc)[whole])
    years = np.unique(my)
    if complete_only:
        partial = partial_years(dates)
        years = np.array([y for y in years if int(y) not in partial], dtype=years.dtype)
    mean = np.array([mm[my == y].mean(axis=0) for y in years]).reshape(len(years), conc.shape[1])
    high = np.array([mm[my == y].max(axis=0) for y in years]).reshape(len(years), conc.shape[1])
    return years, mean, high


def met_by_year(target, dates, conc):
    """``(years, met)``: the calendar years ``dates`` cover whole and whether ``target`` holds in each
    (its location's daily concentration ``conc`` [day, 1]; a part of a year is not judged)."""
    years, mean, high = annual_stats(dates, conc, complete_only=True)
    return years, target_met(target, years, mean[:, 0], high[:, 0])


def met_every_year_from(years, met) -> float:
    """The first of ``years`` from which a target is ``met`` in that year and every later one (NaN: never)."""
    held = np.logical_and.accumulate(np.asarray(met, bool)[::-1])[::-1]
    return years[held][0] if held.any() else np.nan


def target_met(target, years, mean, high) -> np.ndarray:
    """Whether every check of ``target`` holds in each year (arrays for its location)."""
    ok = np.ones(len(years), dtype=bool)
    if "annual_mean_max_mg_per_l" in target.checks:
        ok &= mean <= target.checks["annual_mean_max_mg_per_l"] + 1e-12
    if "monthly_max_mg_per_l" in target.checks:
        ok &= high <= target.checks["monthly_max_mg_per_l"] + 1e-12
    return ok


def _location_series(res, loc: str):
    """Daily TN [day, 1] at a section or reservoir id; None if unknown."""
    for kind in ("section", "reservoir"):
        if loc in res.coords.get(kind, []):
            j = list(res.coords[kind]).index(loc)
            return res[f"{kind}_tn_concentration"][:, j:j + 1]
    return None


def check_target_locations(sfile, locs: list[str]) -> None:
    """Raise a :class:`~hydro.errors.HydroError` for a target of ``sfile`` at none of ``locs``
    (the basin's section and reservoir ids); called before any run and again on the results."""
    from hydro.errors import HydroError, suggest

    for t in sfile.targets:
        if t.location not in locs:
            raise HydroError(f"{sfile.path}: target '{t.id}': unknown location '{t.location}'"
                             + suggest(t.location, locs) + f"; the basin has: {', '.join(locs)}")


def summarise(run) -> list[dict]:
    """Summary rows of a :class:`~hydro.scenarios.run.ScenarioRun` (see the module docstring)."""
    rows: list[dict] = []

    def add(s, q, value, unit, location="", source="", year="all"):
        rows.append({"scenario": s, "quantity": q, "location": location, "source": source,
                     "year": year, "value": float(value), "unit": unit})

    base = run.results[0]
    locs = list(base.coords.get("section", [])) + list(base.coords.get("reservoir", []))
    check_target_locations(run.sfile, locs)
    sources = list(base.coords["source"])
    land_sources = set(source_names())
    base_load = base["subbasin_tn_source_input"].sum(axis=(0, 1))
    base_in = reservoir_input(base)
    base_held, base_land = upstream_storage_change(base), land_storage_end(base)
    counted_mask = counted(base.coords.get("reservoir", []), ";".join(run.kept_out))
    base_means = _constituent_means(base)
    for sid, res in zip(run.names, run.results):
        dates = res.dates
        partial = partial_years(dates)
        for loc in locs:
            years, mean, high = annual_stats(dates, _location_series(res, loc))
            for k, y in enumerate(years):
                y = int(y)
                if y in partial:
                    add(sid, "tn_partial_year_mean", mean[k, 0], "mg L-1", loc, partial[y], year=y)
                    add(sid, "tn_partial_year_max_monthly_mean", high[k, 0], "mg L-1", loc, partial[y], year=y)
                else:
                    add(sid, "tn_annual_mean", mean[k, 0], "mg L-1", loc, year=y)
                    add(sid, "tn_max_monthly_mean", high[k, 0], "mg L-1", loc, year=y)
        load = res["subbasin_tn_source_input"].sum(axis=(0, 1))
        for k, src in enumerate(sources):
            if src not in land_sources:  # water from outside, mass at the start: no subbasin delivers them
                continue
            add(sid, "load_delivered", load[k], "kg", source=src)
            add(sid, "load_reduction", base_load[k] - load[k], "kg", source=src)
        add(sid, "load_delivered", load.sum(), "kg", source="total")
        add(sid, "load_reduction", base_load.sum() - load.sum(), "kg", source="total")
        r_in, held = reservoir_input(res), upstream_storage_change(res) - base_held
        land = base_land - land_storage_end(res)
        for k, rid in enumerate(res.coords.get("reservoir", [])):
            add(sid, "reservoir_n_input", r_in[k], "kg", rid)
            add(sid, "n_kept_out", base_in[k] - r_in[k], "kg", rid)
            add(sid, "n_kept_out_in_storage", held[k], "kg", rid)
            add(sid, "n_kept_out_on_land", land[k], "kg", rid)
        kept, kept_held = float(np.sum((base_in - r_in)[counted_mask])), float(np.sum(held[counted_mask]))
        add(sid, "n_kept_out", kept, "kg")  # the reservoirs the cost per kg counts (empty location)
        add(sid, "n_kept_out_in_storage", kept_held, "kg")
        add(sid, "n_kept_out_on_land", float(np.sum(land[counted_mask])), "kg")
        cost_y = (res["measure_capital_cost"] + res["measure_operating_cost"]).sum(axis=(1, 2))
        for k, y in enumerate(res.coords["budget_year"]):
            whole = f"whole year; the run covers {partial[int(y)]}" if int(y) in partial else ""  # a part's row
            add(sid, "cost", cost_y[k], priced("yuan", run.sfile.price_year), source=whole, year=int(y))
        run_cost = float(costs_of_days_run(res, run.sfile.cost_method).sum())
        add(sid, "cost", run_cost, priced("yuan", run.sfile.price_year))
        per_kg = priced(per_kg_unit(run.sfile.cost_method), run.sfile.price_year)  # spent: no cost-effectiveness
        free = _unpriced(run.sfile, sid)  # a cost not stated is not known: no price per kg of the scenario
        for mid in free:
            add(sid, "unpriced_measure", 1.0, "1", source=mid)
        add(sid, "cost_per_kg_kept_out", run_cost / kept if kept > 0 and not free else np.nan, per_kg)
        add(sid, "cost_per_kg_kept_out_net_of_storage",
            run_cost / (kept - kept_held) if kept - kept_held > 0 and not free else np.nan, per_kg)
        for t in run.sfile.targets:
            years, met = met_by_year(t, dates, _location_series(res, t.location))
            add(sid, "first_year_met", years[met][0] if met.any() else np.nan, "year", t.location, t.id)
            add(sid, "met_every_year_from", met_every_year_from(years, met), "year", t.location, t.id)
            if t.year is not None:  # its due year: met (1), missed (0), or not a complete year of the run (NaN)
                due = met[years == t.year]
                add(sid, "met_in_due_year", float(due[0]) if due.size else np.nan, "1", t.location, t.id, year=t.year)
        span = f"{dates[0]}..{dates[-1]}"  # the days the run means average, not "all": years before any measure
        for (quantity, loc, p), (value, unit) in _constituent_means(res).items():
            base_value = base_means.get((quantity, loc, p), (np.nan, unit))[0]
            add(sid, quantity, value, unit, loc, p, year=span)
            add(sid, f"{quantity}_change", value - base_value, unit, loc, p, year=span)
    if run.ensemble:
        rows.extend(ensemble_probabilities(run))
        rows.extend(spread_rows(run, rows))
        rows.extend(ensemble_tn_spread(run))
    return rows


def constituents_of(res) -> list[str]:
    """The constituents whose section or reservoir concentration ``res`` carries, TN first."""
    from hydro.standards import PARAMETERS

    names = list(res.constituents) or list(PARAMETERS)
    found = [p for p in names if f"section_{p}_concentration" in res.data
             or f"reservoir_{p}_concentration" in res.data]
    return sorted(found, key=lambda p: (PARAMETERS.index(p) if p in PARAMETERS else len(PARAMETERS), p))


def _constituent_means(res) -> dict[tuple[str, str, str], tuple[float, str]]:
    """``{(quantity, location, constituent): (value, unit)}``: whole-run mean concentration
    (mean of the monthly means over the days) and mean section load (kg/d)."""
    out: dict[tuple[str, str, str], tuple[float, str]] = {}
    dates = res.dates
    for p in constituents_of(res):
        for kind in ("section", "reservoir"):
            name = f"{kind}_{p}_concentration"
            if name not in res.data:
                continue
            _, monthly = monthly_means(dates, np.asarray(res[name]))
            for j, loc in enumerate(res.coords.get(kind, [])):
                out[("mean_concentration", str(loc), p)] = (float(np.nanmean(monthly[:, j])), "mg L-1")
                if kind == "section" and f"section_{p}_load" in res.data:
                    out[("mean_load", str(loc), p)] = (float(np.nanmean(np.asarray(res[f"section_{p}_load"])[:, j])),
                                                       "kg d-1")
    return out


def ensemble_probabilities(run) -> list[dict]:
    """Share of weather members meeting each target in its year (default: the last year); NaN
    for a target whose ``year`` is not a complete year of the run (a run of 2023-2024 for a
    target due in 2025: its last year used to stand in for the due year, unsaid)."""
    ens = run.ensemble
    base = run.results[0]
    rows = []
    n_mem = len(ens["members"])
    for s, sid in enumerate(run.names):
        for t in run.sfile.targets:
            met_count: float = 0
            year = None
            for m in range(n_mem):
                kind = "section" if t.location in base.coords.get("section", []) else "reservoir"
                j = list(base.coords[kind]).index(t.location)
                c = ens[f"{kind}_tn_concentration"][s, m][:, j:j + 1]
                years, mean, high = annual_stats(base.dates, c, complete_only=True)
                if not len(years):  # no complete calendar year: not judged (an annual target on part of a
                    year, met_count = t.year, np.nan  # year compared January-August with a year's mean)
                    break
                if t.year is not None and t.year not in years:  # due outside the run: not judged (NaN),
                    year, met_count = t.year, np.nan            # not another year standing in for it
                    break
                year = int(years[-1]) if t.year is None else t.year
                k = list(years).index(year)
                met_count += bool(target_met(t, years[k:k + 1], mean[k:k + 1, 0], high[k:k + 1, 0])[0])
            rows.append({"scenario": sid, "quantity": "probability_met", "location": t.location,
                         "source": t.id, "year": year, "value": met_count / n_mem, "unit": "1"})
    return rows


def ensemble_tn_spread(run) -> list[dict]:
    """``tn_annual_mean_median`` / ``_p05`` / ``_p95`` (mg/L): per scenario, section and reservoir
    and complete calendar year, the 50th, 5th and 95th percentiles over the weather members of
    their annual means (as ``tn_annual_mean``: the mean of the monthly means;
    ``numpy.percentile``, linear); ``source`` says over how many members."""
    ens, base = run.ensemble, run.results[0]
    over = members_counted(ens)
    rows: list[dict] = []
    for s, sid in enumerate(run.names):
        for kind, conc in (("section", "section_tn_concentration"), ("reservoir", "reservoir_tn_concentration")):
            if conc not in ens:
                continue
            means = []
            for m in range(len(ens["members"])):
                years, mean, _ = annual_stats(base.dates, ens[conc][s, m], complete_only=True)
                means.append(mean)
            if not len(years):
                continue
            pct = np.percentile(np.array(means), [q for _, q in SPREAD], axis=0)  # [stat, year, location]
            for j, loc in enumerate(base.coords.get(kind, [])):
                for k, y in enumerate(years):
                    rows.extend({"scenario": sid, "quantity": f"tn_annual_mean_{stat}", "location": str(loc),
                                 "source": over, "year": int(y), "value": float(pct[i, k, j]), "unit": "mg L-1"}
                                for i, (stat, _) in enumerate(SPREAD))
    return rows


def failed_rows(run) -> list[dict]:
    """One row per scenario of ``run`` that failed: ``quantity`` ``failed``, the error in ``source``
    (no value).  Without them the table of a batch with a failed scenario read as a smaller scenario
    set, the reason only on stderr (review of 2026-12-05, F6).

    Parameters
    ----------
    run : ScenarioRun
        The batch (its ``failed``: scenario id -> error).

    Returns
    -------
    list of dict
        Rows in the columns :data:`COLUMNS`, for :func:`write_summary_csv` after :func:`summarise`'s.
    """
    return [{"scenario": sid, "quantity": "failed", "location": "", "source": " ".join(str(error).split()),
             "year": "all", "value": float("nan"), "unit": ""} for sid, error in run.failed.items()]


def write_summary_csv(rows: list[dict], path: str | Path, overwrite: bool = False,
                      same: dict[str, str] | None = None) -> Path:
    """Write the summary rows (columns :data:`COLUMNS`, then ``same``'s keys, a value the same on every
    row: :func:`hydro.provenance.scenarios_provenance`), atomically; an existing file is replaced only
    with ``overwrite`` (:mod:`hydro.outputs`)."""
    from hydro.outputs import atomic_open

    path, same = Path(path), same or {}
    with atomic_open(path, overwrite) as fh:
        w = SpreadsheetWriter(fh)
        w.writerow([*COLUMNS, *same])
        for r in rows:
            v = r["value"]
            w.writerow([r[c] if c != "value" else ("" if not np.isfinite(v) else repr(float(v))) for c in COLUMNS]
                       + list(same.values()))
    return path


def format_summary(rows: list[dict]) -> str:
    """A compact text table: one line per scenario and location/target.

    TN is given for the last complete calendar year (means of the monthly means over the days,
    as the monitoring's); partial years are in the rows
    (``tn_partial_year_mean``) but not on these lines unless the run has no
    complete year, and then they are labelled with the months they cover.
    """
    scen = list(dict.fromkeys(r["scenario"] for r in rows))
    out = []

    def get(s, q, loc="", src="", year="all"):
        for r in rows:
            if (r["scenario"], r["quantity"], r["location"], r["source"], r["year"]) == (s, q, loc, src, year):
                return r["value"]
        return np.nan

    for s in scen:
        cost, cpk, kept = get(s, "cost"), get(s, "cost_per_kg_kept_out"), get(s, "n_kept_out")
        red, p = get(s, "load_reduction", src="total"), _prices(rows, s)  # p: " (2020 prices)" or ""
        out.append(f"{s}: cost {cost:,.0f} yuan{p}; load delivered to rivers reduced by {red:,.0f} kg; "
                   + (f"N kept out of the reservoirs {kept:,.0f} kg; " if np.isfinite(kept) else "")
                   + "cost per kg kept out of the reservoirs " + _per_kg_text(rows, s, cpk))
        by_src = [(r["source"], r["value"]) for r in rows if r["scenario"] == s
                  and r["quantity"] == "load_reduction" and r["source"] != "total" and abs(r["value"]) > 0.5]
        held, net = get(s, "n_kept_out_in_storage"), get(s, "cost_per_kg_kept_out_net_of_storage")
        if s != scen[0] and np.isfinite(held):
            out.append("    N held upstream at the end of the run beyond the baseline's: "
                       + ("none" if round(held) == 0 else f"{held:+,.0f} kg of the N kept out "
                          + ("(held back, not removed: it may leave later)" if held > 0 else
                             "(negative: less held, a reduction still on its way)"))
                       + "; cost per kg kept out net of it "
                       + ("n/a" if not np.isfinite(net) else f"{net:,.1f} yuan/kg{p}"))
        land = get(s, "n_kept_out_on_land")
        if s != scen[0] and np.isfinite(land) and round(land) != 0:
            out.append(f"    N kept off the rivers and still on the land upstream at the end of the run (wash-off and "
                       f"groundwater stores, beyond N kept out): {land:+,.0f} kg")
        if s != scen[0]:
            out.extend(_spread_lines([r for r in rows if r["scenario"] == s and r["location"] == ""]))
        if by_src:
            out.append("    reduction by source (kg): " + ", ".join(f"{k} {v:,.0f}" for k, v in by_src))
        mine = [r for r in rows if r["scenario"] == s]
        complete = any(r["quantity"] == "tn_annual_mean" for r in mine)
        locs = list(dict.fromkeys(r["location"] for r in mine
                                  if r["quantity"] in ("tn_annual_mean", "tn_partial_year_mean")))
        for loc in locs:
            # the last complete calendar year, its annual mean and its highest monthly mean
            # (a partial year only when the run has no complete one, labelled with its months)
            if complete:
                quantities, label = ("tn_annual_mean", "tn_max_monthly_mean"), "annual mean"
            else:
                quantities, label = ("tn_partial_year_mean", "tn_partial_year_max_monthly_mean"), "mean"
            y, v, part = [(r["year"], r["value"], r["source"]) for r in mine
                          if r["quantity"] == quantities[0] and r["location"] == loc][-1]
            hi = next(r["value"] for r in mine if r["quantity"] == quantities[1] and r["location"] == loc
                      and r["year"] == y)
            when = f"{y}" if complete else f"{y} ({part})"
            out.append(f"    {loc:20s} TN {when} {label} {v:6.3f} mg/L, highest monthly mean {hi:6.3f} mg/L")
        for r in mine:
            if r["quantity"] == "first_year_met":
                out.append(_first_met_line(r, mine, complete, get(s, "met_every_year_from", r["location"],
                                                                    r["source"])))
            if r["quantity"] == "probability_met":
                out.append(_probability_line(r, mine))
        if s != scen[0]:
            out.extend(_change_lines(mine))
    return "\n".join(out)


def _probability_line(r: dict, mine: list[dict]) -> str:
    """A target's probability of being met over the members that ran ("over 2 of 3 members"), in its year."""
    over = next((f" over {x['source']}" for x in mine if x["quantity"].endswith("_median")), "")
    head = f"    target {r['source']} ({r['location']}): "
    if r["year"] is None:  # no complete calendar year and no due year (a seasonal outlook): not judged
        return head + "P(met) = n/a (the run holds no complete calendar year; targets are judged on calendar years)"
    return head + f"P(met in {r['year']}) = " + (f"{r['value']:.2f}{over}" if np.isfinite(r["value"]) else
                                                 f"n/a ({r['year']} is not a complete year of the run)")


def _first_met_line(r: dict, mine: list[dict], complete: bool, held: float) -> str:
    """A target's line: the first complete year it is met (row ``r``), the year from which it holds (``held``),
    and that the run's first complete year may be its initial state's (legacy-N review F7, 2026-12-06)."""
    v = r["value"]
    never = "never (in no complete calendar year)" if complete else "not judged (no complete calendar year simulated)"
    since = "" if not np.isfinite(v) else (
        f"; met every later year from {int(held)}" if np.isfinite(held) else "; not met in the last complete year")
    years = [x["year"] for x in mine if x["quantity"] == "tn_annual_mean" and x["location"] == r["location"]]
    start = ("; the run's first complete year: the initial state it starts from may decide that year"
             if np.isfinite(v) and years and int(v) == min(years) else "")
    return (f"    target {r['source']} ({r['location']}): first met " + (never if not np.isfinite(v) else str(int(v)))
            + since + start)


def _prices(rows: list[dict], s: str) -> str:
    """`` (2020 prices)``: the price year of scenario ``s``'s whole-run cost row
    (:func:`hydro.scenarios.prices.priced`), or ``""`` (a file that states none)."""
    unit = next((r["unit"] for r in rows if r["scenario"] == s and r["quantity"] == "cost" and r["year"] == "all"),
                "")
    return prices_text(unit)


def _unpriced(sfile, sid: str) -> list[str]:
    """The measures of scenario ``sid`` whose costs give neither capital nor operating cost (none for the baseline)."""
    if sid == "baseline":
        return []
    measures = (sfile.measures[m] for m in sfile.scenario(sid).measures)
    return [m.id for m in measures if m.costs.capital_yuan_per_unit == 0 and m.costs.operating_yuan_per_unit_yr == 0]


def _per_kg_text(rows: list[dict], s: str, cpk: float) -> str:
    """``1,737.8 yuan/kg``, or ``n/a``; ``1,737.8 yuan/kg (2020 prices)`` with a price year; with
    ``cost_method = "spent"`` (the row's unit says it) followed by what the figure is not
    (:func:`hydro.scenarios.kept_out.per_kg_unit`)."""
    if not np.isfinite(cpk):
        free = [r["source"] for r in rows if r["scenario"] == s and r["quantity"] == "unpriced_measure"]
        return "n/a" + (f" (no cost stated for {', '.join(free)})" if free else "")
    spent = any(unpriced(r["unit"]) == SPENT_PER_KG_UNIT for r in rows
                if r["scenario"] == s and r["quantity"] == "cost_per_kg_kept_out")
    return f"{cpk:,.1f} yuan/kg{_prices(rows, s)}" + (
        " (cost_method = \"spent\": capital counted whole against the N kept out within "
        "the run only; use \"annualised\" for cost-effectiveness)" if spent else "")


def _spread_lines(rows: list[dict]) -> list[str]:
    """``    over 20 of 20 members: N kept out median ... kg (5-95 %: ...); cost per kg ...``, or nothing
    (rows of one scenario with an empty location; :func:`hydro.scenarios.kept_out.spread_rows`)."""
    got = {r["quantity"]: r for r in rows}
    if "n_kept_out_median" not in got:
        return []
    prices = prices_text(got["cost_per_kg_kept_out_median"]["unit"])

    def band(q, fmt, unit):
        mid, lo, hi = (got[f"{q}_{k}"]["value"] for k in ("median", "p05", "p95"))
        text = [("n/a" if not np.isfinite(v) else format(v, fmt)) for v in (mid, lo, hi)]
        return f"median {text[0]} {unit} (5-95 %: {text[1]} to {text[2]})"

    return [f"    over {got['n_kept_out_median']['source']}: N kept out {band('n_kept_out', ',.0f', 'kg')}; "
            f"cost per kg kept out {band('cost_per_kg_kept_out', ',.1f', 'yuan/kg' + prices)}"]


def _change_lines(rows: list[dict]) -> list[str]:
    """``    gubeikou  change of the run mean ...: TN -0.120 mg/L, ...; load TN -12.3 kg/d, ...; means over
    2000-01-01..2017-02-28`` per location (the days the run means average, years before the measures included)."""
    from hydro.classes import parameter_label

    out = []
    changes = [r for r in rows if r["quantity"] in ("mean_concentration_change", "mean_load_change")]
    for loc in dict.fromkeys(r["location"] for r in changes):
        conc = [f"{parameter_label(r['source'])} {r['value']:+.3g} mg/L" for r in changes
                if r["location"] == loc and r["quantity"] == "mean_concentration_change"]
        load = [f"{parameter_label(r['source'])} {r['value']:+,.4g} kg/d" for r in changes
                if r["location"] == loc and r["quantity"] == "mean_load_change"]
        span = next(r["year"] for r in changes if r["location"] == loc)
        out.append(f"    {loc:20s} change of the run mean against the baseline: " + ", ".join(conc)
                   + ("; load " + ", ".join(load) if load else "") + f"; means over {span}")
    return out


# ---------------------------------------------------------------------------------
# Effects of scenarios under an agreement: every parameter, and the quality payments
# ---------------------------------------------------------------------------------
#: Payment components that judge water quality (a ``target`` on ``flow`` is quantity, left out).
QUALITY_COMPONENTS: tuple[str, ...] = ("quality_class", "tn_reduction", "target")

#: Keys of the rows of :func:`quality_effects`.
EFFECT_COLUMNS: tuple[str, ...] = ("scenario", "quantity", "location", "parameter", "year", "payer", "payee",
                                   "value", "change", "unit")


def _scenario_names(path: Path) -> list[str]:
    """The ``scenario`` coordinate of a results file (a HydroError when it has none)."""
    from hydro.errors import HydroError
    from hydro.netcdf_read import open_dataset, text_values

    with open_dataset(path) as ds:
        if "scenario" not in ds.variables:
            raise HydroError(f"{path}: not a scenarios file (no 'scenario' dimension); make one with "
                             "`hydro scenarios BASIN SCENARIOS.toml -o OUT.nc`")
        return text_values(ds.variables["scenario"])


def _months_span(series, years: list[int]) -> str:
    """The months of ``years`` the series has values in, as the effects' label: ``"2013-2016"`` for whole years,
    ``"2001-03..2003-06"`` for a run over part of them (the means are over those months only: a review, 2026-12-06,
    found a Mar 2001 - Jun 2003 mean labelled 2001-2003 beside payments that call 2001 and 2003 partial)."""
    if not years:  # (evaluate refuses a series outside the agreement's period)
        return "none"
    have = np.zeros(12 * len(years), dtype=bool)
    for section in series.sections:
        for parameter in series.parameters(section):
            for i, year in enumerate(years):
                have[12 * i:12 * i + 12] |= np.isfinite(series.monthly(section, parameter, year))
    first, last = (int(k) for k in np.flatnonzero(have)[[0, -1]]) if have.any() else (0, 12 * len(years) - 1)
    (y0, m0), (y1, m1) = divmod(first, 12), divmod(last, 12)
    if (m0, m1) == (0, 11):
        return str(years[y0]) if y0 == y1 else f"{years[y0]}-{years[y1]}"
    return f"{years[y0]}-{m0 + 1:02d}..{years[y1]}-{m1 + 1:02d}"


def _series_means(series, place: str, parameter: str, load: bool, years) -> tuple[float, float]:
    """(mean of the monthly means (mg/L), mean load (kg/d) or NaN) over the months of ``years`` with values.

    The load is the mean over the days of ``years`` of discharge x concentration (advective, as a results
    file's daily values give it: since months are means over days, a month's mean x its volume is no longer
    its load, up to 3 times off in a flood month, review of 2026-12-05); from monthly values alone (a
    monitoring CSV), each month's mean x its volume, the estimate a monitoring makes."""
    import calendar

    from hydro.monitoring import FLOW

    conc, volume, days = [], [], []
    for year in years:
        c = series.monthly(place, parameter, year)
        v = series.monthly(place, FLOW, year)
        for m in range(12):
            if np.isfinite(c[m]):
                conc.append(c[m])
                if np.isfinite(v[m]):
                    volume.append(c[m] * v[m])  # g/m3 x m3 = g
                    days.append(calendar.monthrange(year, m + 1)[1])
    mean = float(np.mean(conc)) if conc else np.nan
    daily = series.daily
    if load and daily is not None and place in daily.q and parameter in daily.conc.get(place, {}):
        year_of = daily.dates.astype("datetime64[Y]").astype(int) + 1970
        flux = daily.q[place] * daily.conc[place][parameter] * KG_PER_DAY_PER_M3S_MGL  # -> kg/d
        keep = np.isin(year_of, list(years)) & np.isfinite(flux)
        return mean, float(flux[keep].mean()) if keep.any() else np.nan
    kg_per_day = float(np.sum(volume) / 1e3 / np.sum(days)) if (load and days) else np.nan
    return mean, kg_per_day


def _quality_parts(payments) -> dict[tuple[int, str, str, str], float]:
    """Signed quality amounts (yuan) per (year, payer, payee, parameter), and ``"all"`` parameters."""
    from hydro.monitoring import FLOW

    out: dict[tuple[int, str, str, str], float] = {}
    for p in payments:
        if p.component not in QUALITY_COMPONENTS or p.parameter in (FLOW, ""):
            continue
        for key in ((p.year, p.payer, p.payee, p.parameter), (p.year, p.payer, p.payee, "all")):
            out[key] = out.get(key, 0.0) + p.amount_yuan
    return out


def quality_effects(scenarios_path, agreement, skip_unavailable: bool = False) -> list[dict]:
    """Each scenario's effect on every parameter and on the quality part of each payment.

    For every scenario of a ``hydro scenarios`` file the agreement is evaluated on its
    section series (:func:`hydro.monitoring.read_series`, the engine's monthly means),
    and compared with the ``baseline`` scenario (the first when none is so named).

    Parameters
    ----------
    scenarios_path : str or Path
        A results file with a ``scenario`` dimension.
    agreement : Agreement or str or Path
    skip_unavailable : bool
        Leave out rule parameters the results have no data for (as ``--skip-unavailable``).

    Returns
    -------
    list of dict with keys :data:`EFFECT_COLUMNS`
        ``mean_concentration`` (mg L-1): the mean of the monthly means over the agreement's years in the run at
        each section and reservoir the agreement names, per parameter the series
        carries; ``mean_load`` (kg d-1): the advective load through each of those sections, the mean of
        the days' discharge x concentration (not for reservoirs); ``quality_payment`` (yuan): the signed
        sum of the quality components (``quality_class``, ``tn_reduction``, ``target`` on a concentration)
        per year, payer, payee and
        parameter, and over all parameters (``parameter = "all"``).  ``value`` is the
        scenario's, ``change`` the scenario's minus the baseline's; ``year`` is, for the means, the
        span of the agreement's years in the run (``"2013-2016"``): the years its payments judge, not
        the whole run.

    Raises
    ------
    HydroError
        For a file without scenarios, and the errors of the agreement's evaluation.
    """
    from hydro.classes import agreement_places, reservoir_ids
    from hydro.compensation import Agreement, evaluate
    from hydro.monitoring import read_series
    from hydro.standards import PARAMETERS

    path = Path(scenarios_path)
    names = _scenario_names(path)
    if not isinstance(agreement, Agreement):
        agreement = Agreement.from_toml(agreement)
    places, _ = agreement_places(agreement)
    lakes = set(reservoir_ids(path))
    evaluated = {}
    for sid in names:
        series = read_series(path, scenario=sid)
        evaluated[sid] = (series, evaluate(agreement, series, skip_unavailable=skip_unavailable))
    base = "baseline" if "baseline" in names else names[0]
    base_series, base_payments = evaluated[base]
    years = [y for y in base_series.years if agreement.period[0] <= y <= agreement.period[1]]
    span = _months_span(base_series, years)
    base_parts = _quality_parts(base_payments)
    rows: list[dict] = []

    def add(sid, quantity, location, parameter, year, payer, payee, value, baseline, unit):
        rows.append({"scenario": sid, "quantity": quantity, "location": location, "parameter": parameter,
                     "year": year, "payer": payer, "payee": payee, "value": float(value),
                     "change": float(value - baseline), "unit": unit})

    for sid in names:
        series, payments = evaluated[sid]
        for loc in places:
            for p in PARAMETERS:
                if not series.has(loc, p):
                    continue
                c, load = _series_means(series, loc, p, loc not in lakes, years)
                cb, load_b = _series_means(base_series, loc, p, loc not in lakes, years)
                add(sid, "mean_concentration", loc, p, span, "", "", c, cb, "mg L-1")
                if loc not in lakes:
                    add(sid, "mean_load", loc, p, span, "", "", load, load_b, "kg d-1")
        parts = _quality_parts(payments)
        for key in sorted(set(parts) | set(base_parts), key=lambda k: (k[0], k[1], k[2], k[3] == "all", k[3])):
            year, payer, payee, p = key
            add(sid, "quality_payment", "", p, year, payer, payee, parts.get(key, 0.0), base_parts.get(key, 0.0),
                "yuan")
    return rows


def json_ready(rows: list[dict]) -> list[dict]:
    """Rows with NaN and infinite floats as None (JSON ``null``)."""
    return [{k: (None if isinstance(v, float) and not np.isfinite(v) else v) for k, v in r.items()} for r in rows]


def format_effects(rows: list[dict]) -> str:
    """The rows of :func:`quality_effects` as text: parameters at the agreement's places, then
    the quality part of the payments, each with its change against the baseline."""
    from hydro.classes import parameter_label

    def num(v, fmt):
        width = int("".join(c for c in fmt.split(".")[0].split(",")[0] if c.isdigit()) or 0)
        return f"{'-':>{width}}" if not np.isfinite(v) else format(v, fmt)

    means = [r for r in rows if r["quantity"] in ("mean_concentration", "mean_load")]
    spans = sorted({str(r["year"]) for r in means})
    over = f"mean over {', '.join(spans)}, the agreement's years in the run" if spans else "mean"
    out = [f"Effect on each parameter at the agreement's sections ({over}; change against the baseline)"]
    if not means:
        out.append("  (the results carry no parameter at the agreement's sections)")
    keyed = {(r["scenario"], r["location"], r["parameter"], r["quantity"]): r for r in means}
    out.append(f"  {'scenario':20s} {'location':18s} {'parameter':9s} {'mg/L':>9s} {'change':>9s} "
               f"{'load kg/d':>11s} {'change':>10s}")
    for (sid, loc, p, q), r in keyed.items():
        if q != "mean_concentration":
            continue
        load = keyed.get((sid, loc, p, "mean_load"))
        out.append(f"  {sid:20s} {loc:18s} {parameter_label(p):9s} {num(r['value'], '9.4g')} "
                   f"{num(r['change'], '+9.3g')} "
                   + (f"{num(load['value'], '11,.1f')} {num(load['change'], '+10,.1f')}" if load else
                      f"{'-':>11s} {'-':>10s}"))
    pays = [r for r in rows if r["quantity"] == "quality_payment"]
    out.append("")
    out.append("Quality part of the payments (yuan, positive: payer pays payee; change against the baseline)")
    if not pays:
        out.append("  (the agreement has no quality rule evaluated on these results)")
    for r in pays:
        label = "all parameters" if r["parameter"] == "all" else parameter_label(r["parameter"])
        out.append(f"  {r['scenario']:20s} {r['year']}  {r['payer']} -> {r['payee']}  {label:14s} "
                   f"{num(r['value'], '14,.0f')}  change {num(r['change'], '+14,.0f')}")
    return "\n".join(out)


def effects_output(scenarios_path, agreement, scenario_file=None, *, as_json: bool = False, quality: bool = False,
                   csv_out=None, overwrite: bool = False, skip_unavailable: bool = False, overrides=(),
                   provenance=None) -> str:
    """What ``hydro compensate --scenarios`` prints after (or, with ``--json --quality``,
    instead of) the incentives table.

    Returns
    -------
    str
        The text of :func:`format_effects`; with ``as_json`` and ``quality`` one JSON
        object ``{"incentives": [...], "effects": [...], "notes": [...]}`` (the incentive rows,
        written to ``csv_out`` too, the rows of :func:`quality_effects`, and the notes the text
        gives on stderr (:func:`hydro.compensation.notes.scenario_notes`), also given there); with ``as_json``
        alone ``""`` (the JSON stays the list of incentive rows).
    """
    import json

    from hydro.compensation import Agreement

    if as_json and not quality:
        return ""
    rules = Agreement.from_toml(agreement, overrides=list(overrides))
    effects = quality_effects(scenarios_path, rules, skip_unavailable=skip_unavailable)
    if not as_json:
        return "\n" + format_effects(effects)
    from hydro.scenarios.incentives import incentives, write_incentives_csv

    rows = incentives(scenarios_path, rules, scenario_file, skip_unavailable=skip_unavailable)
    if csv_out:
        write_incentives_csv(rows, csv_out, overwrite=overwrite, provenance=provenance)
    import sys

    from hydro.compensation.notes import scenario_notes

    notes = scenario_notes(rules, scenarios_path)
    for note in notes:  # on stderr too, as the text output gives it
        print(note, file=sys.stderr)
    return json.dumps({"incentives": json_ready(rows), "effects": json_ready(effects), "notes": notes,
                       **({"provenance": provenance} if provenance else {})}, indent=1, ensure_ascii=False)
