"""The numbers of a report: annual section means and loads, loads by source, reservoir
means and mass budgets, as plain :class:`ReportTable` objects (no HTML here).

Every table states its units in its caption or headers.  Variables may carry a leading
``scenario`` dimension (one scenario is reported) and a ``member`` dimension (averaged,
which keeps budgets closed because they are linear).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from hydro.plotting import _data
from hydro.plotting.style import symbol
from hydro.units import KG_PER_DAY_PER_M3S_MGL
from hydro.variables import BUDGET_TERMS

#: Days per mean year, to turn a run's total into a mean annual figure.
DAYS_PER_YEAR = 365.25


@dataclass
class ReportTable:
    """A table to render.

    Attributes
    ----------
    key : str
        Identifier (also the HTML id), e.g. ``tn-section-load``.
    caption : str
        One line saying what the table holds, with units.
    header : list of str
        Column headings (units in them where a column has its own).
    rows : list of list
        Cells: ``str`` for labels, ``float`` for numbers (NaN shows as an en dash).
    formats : list of str
        Per column: ``text``, ``num`` (about three significant digits), ``sci``
        (relative closure, ``1.2e-15``), ``pct`` (percent, one decimal) or ``int``.
    note : str
        A sentence under the table.
    """

    key: str
    caption: str
    header: list[str]
    rows: list[list] = field(default_factory=list)
    formats: list[str] = field(default_factory=list)
    note: str = ""


def values(results, name: str, scenario=None) -> np.ndarray:
    """``results[name]`` with its declared dims only: the scenario fixed, members averaged."""
    arr, dims = _data.select(results, name, scenario=scenario)
    if "member" in dims:
        arr = np.nanmean(arr, axis=dims.index("member"))
    return np.asarray(arr, dtype=float)


@dataclass(frozen=True)
class Years:
    """How the simulated days fall into calendar years.

    A time step covers ``step_days`` days: 1 for daily results, a period's days
    for monthly or yearly means (``Results.days_per_step``), so sums are of
    mass (load x days) and means are weighted by days whatever the aggregation.
    """

    years: list[int]
    index: np.ndarray  # time step -> position in ``years``
    days: list[int]    # simulated days in each year
    step_days: np.ndarray  # days each time step covers

    @classmethod
    def of(cls, dates, step_days=None) -> Years:
        years = sorted({d.year for d in dates})
        pos = {y: i for i, y in enumerate(years)}
        index = np.array([pos[d.year] for d in dates], dtype=int)
        w = np.ones(len(dates)) if step_days is None else np.asarray(step_days, dtype=float)
        days = [round(float(w[index == i].sum())) for i in range(len(years))]
        return cls(years, index, days, w)

    def headers(self) -> list[str]:
        """``2020`` or ``2020 (182 d)`` for a year the run covers only in part."""
        out = []
        for y, n in zip(self.years, self.days, strict=True):
            full = 366 if (y % 4 == 0 and (y % 100 != 0 or y % 400 == 0)) else 365
            out.append(str(y) if n == full else f"{y} ({n} d)")
        return out

    def _weights(self, i: int, arr: np.ndarray) -> np.ndarray:
        w = self.step_days[self.index == i]
        return w.reshape((-1,) + (1,) * (arr.ndim - 1))

    def sums(self, arr: np.ndarray) -> np.ndarray:
        """Sums over the days of each year (time on axis 0; a step counts its days), NaN ignored."""
        out = np.zeros((len(self.years),) + arr.shape[1:])
        for i in range(len(self.years)):
            out[i] = np.nansum(arr[self.index == i] * self._weights(i, arr), axis=0)
        return out

    def means(self, arr: np.ndarray) -> np.ndarray:
        """Means over the days of each year (time on axis 0; steps weighted by their days), NaN ignored."""
        out = np.full((len(self.years),) + arr.shape[1:], np.nan)
        for i in range(len(self.years)):
            chunk = arr[self.index == i]
            w = np.where(np.isnan(chunk), 0.0, self._weights(i, arr))
            with np.errstate(invalid="ignore", divide="ignore"):
                out[i] = np.where(w.sum(axis=0) > 0, np.nansum(chunk * w, axis=0) / w.sum(axis=0), np.nan)
        return out


def _step_days(results) -> np.ndarray | None:
    """Days each time step of ``results`` covers (None: daily)."""
    days = getattr(results, "days_per_step", None)
    return days() if callable(days) else None


def _run_mean(arr: np.ndarray, years: Years):
    """Mean over the whole run (time on axis 0), each step weighted by its days, NaN ignored."""
    w = years.step_days.reshape((-1,) + (1,) * (arr.ndim - 1)) * np.ones_like(arr)
    w = np.where(np.isnan(arr), 0.0, w)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(w.sum(axis=0) > 0, np.nansum(arr * w, axis=0) / w.sum(axis=0), np.nan)


def denoise(arr: np.ndarray, rel: float = 1e-12) -> np.ndarray:
    """``arr`` with round-off residue (below ``rel`` times its largest magnitude) set to 0."""
    arr = np.array(arr, dtype=float)
    finite = np.abs(arr[np.isfinite(arr)])
    if finite.size:
        arr[np.abs(arr) <= rel * finite.max()] = 0.0
    return arr


def _flow_weighted(load: np.ndarray, q: np.ndarray) -> np.ndarray:
    """Flow-weighted mean concentration (mg/L) from summed loads (kg) and summed Q (m3/s x d)."""
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(q > 0, load / (q * KG_PER_DAY_PER_M3S_MGL), np.nan)


def _section_setup(results, short=None, scenario=None):
    sections = [str(s) for s in results.coords.get("section", [])]
    if not sections or "section_discharge" not in results.data:
        return None
    if short is not None and f"section_{short}_load" not in results.data:
        return None
    years = Years.of(results.dates, _step_days(results))
    return sections, years, ["section"] + years.headers()


def discharge_table(results, scenario=None) -> ReportTable | None:
    """Mean discharge at every section by calendar year and over the run (m³/s)."""
    setup = _section_setup(results, scenario=scenario)
    if setup is None:
        return None
    sections, years, header = setup
    q = values(results, "section_discharge", scenario)
    q_year = years.means(q)
    q_all = _run_mean(q, years)
    return ReportTable("section-discharge", "Mean discharge (m³/s, time mean)", header + ["whole run"],
                       [[s] + list(q_year[:, k]) + [q_all[k]] for k, s in enumerate(sections)],
                       ["text"] + ["num"] * (len(years.years) + 1))


def section_tables(results, short: str, scenario=None) -> list[ReportTable]:
    """Annual flow-weighted concentration (mg/L) and load (t) of ``short`` at every section.

    Concentrations are flow-weighted (the year's load over its flow volume), so they
    agree with the loads; the whole-run column weights the whole run the same way.
    """
    setup = _section_setup(results, short, scenario)
    if setup is None:
        return []
    sections, years, header = setup
    ndays = float(years.step_days.sum())
    q = values(results, "section_discharge", scenario)
    load = values(results, f"section_{short}_load", scenario)
    q_year, load_year = years.sums(q), years.sums(load)
    q_all, load_all = q_year.sum(axis=0), load_year.sum(axis=0)
    name = symbol(short)
    conc_year = _flow_weighted(load_year, q_year)
    conc_all = _flow_weighted(load_all, q_all)
    return [
        ReportTable(f"{short}-section-concentration", f"Flow-weighted mean {name} concentration (mg/L)",
                    header + ["whole run"],
                    [[s] + list(conc_year[:, k]) + [conc_all[k]] for k, s in enumerate(sections)],
                    ["text"] + ["num"] * (len(years.years) + 1),
                    note="Each year's load divided by its flow volume, so concentrations and loads agree."),
        ReportTable(f"{short}-section-load", f"{name} load through the section (t per year)",
                    header + ["mean per year"],
                    [[s] + list(load_year[:, k] / 1000.0) + [load_all[k] / 1000.0 * DAYS_PER_YEAR / ndays]
                     for k, s in enumerate(sections)],
                    ["text"] + ["num"] * (len(years.years) + 1),
                    note="A year the run covers only in part (its days in brackets) sums those days only; "
                         "the mean per year scales the run's total to 365.25 days."),
    ]


def source_tables(results, short: str, scenario=None) -> list[ReportTable]:
    """Mean annual load by source at each section (t/a) and each source's share (%)."""
    name = f"{short}_source_load"
    if name not in results.data or "source" not in results.coords:
        return []
    sections = [str(s) for s in results.coords.get("section", [])]
    sources = [str(s) for s in results.coords["source"]]
    arr = values(results, name, scenario)  # (time, section, source)
    w = _step_days(results)
    w = np.ones(len(results.dates)) if w is None else w
    annual = denoise(np.nansum(arr * w[:, None, None], axis=0) / 1000.0 * DAYS_PER_YEAR / w.sum())  # t/a
    total = annual.sum(axis=1)
    from hydro.plotting.style import pretty

    heads = [pretty(s) for s in sources]
    loads = ReportTable(f"{short}-source-load", f"{symbol(short)} load by source, mean per year (t/a)",
                        ["section"] + heads + ["total"],
                        [[s] + list(annual[k]) + [total[k]] for k, s in enumerate(sections)],
                        ["text"] + ["num"] * (len(sources) + 1))
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(total[:, None] > 0, 100.0 * annual / total[:, None], np.nan)
    shares = ReportTable(f"{short}-source-share", f"Share of each source in the section's {symbol(short)} load (%)",
                         ["section"] + heads,
                         [[s] + list(share[k]) for k, s in enumerate(sections)],
                         ["text"] + ["pct"] * len(sources))
    return [loads, shares]


def reservoir_tables(results, constituents, scenario=None) -> list[ReportTable]:
    """One table per reservoir: annual means of storage, level, flows and concentrations."""
    reservoirs = [str(r) for r in results.coords.get("reservoir", [])]
    if not reservoirs:
        return []
    years = Years.of(results.dates, _step_days(results))
    ndays = float(years.step_days.sum())
    # an aggregated file holds each period's end storage (hydro.variables.Variable.state): their mean
    ends = str(results.attrs.get("time_aggregation", "daily")) in ("monthly", "yearly")
    rows_spec = [("reservoir_storage", "day-weighted mean of the periods' end storage" if ends
                  else "mean storage", "million m³",
                  1e-6, "mean"),
                 ("reservoir_level", "mean level", "m", 1.0, "mean"),
                 ("reservoir_area", "mean surface area", "km²", 1e-6, "mean"),
                 ("reservoir_inflow", "mean inflow", "m³/s", 1.0, "mean"),
                 ("reservoir_release", "mean release", "m³/s", 1.0, "mean"),
                 ("reservoir_spill", "mean spill", "m³/s", 1.0, "mean"),
                 ("reservoir_evaporation", "net evaporation", "million m³", 1e-6, "sum")]
    for short in constituents:
        rows_spec.append((f"reservoir_{short}_concentration", f"mean {symbol(short)} in the lake (time mean)",
                          "mg/L", 1.0, "mean"))
        rows_spec.append((f"reservoir_{short}_outflow_load", f"{symbol(short)} released", "t", 1e-3, "sum"))
    out = []
    for j, rid in enumerate(reservoirs):
        rows = []
        for var, label, unit, scale, how in rows_spec:
            if var not in results.data:
                continue
            series = values(results, var, scenario)[:, j]
            if how == "mean":
                per_year, whole = years.means(series), _run_mean(series, years)
            else:
                per_year, whole = years.sums(series), np.nansum(years.sums(series)) * DAYS_PER_YEAR / ndays
            rows.append([label, unit] + list(per_year * scale) + [whole * scale])
        out.append(ReportTable(f"reservoir-{rid}", f"Reservoir {rid}: annual means and totals",
                               ["quantity", "unit"] + years.headers() + ["whole run"], rows,
                               ["text", "text"] + ["num"] * (len(years.years) + 1),
                               note="Totals (evaporation, released load) in the whole-run column are means "
                                    "per year; storage is at the end of each day, level and area at its start."))
    return out


#: Budget columns shown: (heading, term index in BUDGET_TERMS, sign in the balance).
_TERM_HEADS = {"inflow": "inflow from upstream", "lateral_load": "lateral load", "point_load": "point load",
               "dispersive_exchange": "dispersive exchange", "outflow": "outflow",
               "removal": "removal", "withdrawal": "withdrawal"}
_GAINS = ("inflow", "lateral_load", "point_load", "dispersive_exchange")
_LOSSES = ("outflow", "removal", "withdrawal")


def _terms(results) -> list[str]:
    return [str(t) for t in results.coords.get("budget_term", BUDGET_TERMS)]


def closure(budget: np.ndarray, terms: list[str]) -> np.ndarray:
    """Relative imbalance of budgets (..., term): |gains - losses - storage change| / largest term."""
    t = {name: budget[..., i] for i, name in enumerate(terms)}
    gains = sum(t[n] for n in _GAINS if n in t)
    losses = sum(t[n] for n in _LOSSES if n in t)
    err = gains - losses - (t["storage_end"] - t["storage_start"])
    scale = np.abs(budget).max(axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(scale > 0, np.abs(err) / scale, 0.0)


def _budget_unit(arr: np.ndarray) -> tuple[str, float]:
    """Tonnes for large budgets, kg otherwise."""
    top = float(np.nanmax(np.abs(arr))) if arr.size else 0.0
    return ("t", 1e-3) if top >= 1e4 else ("kg", 1.0)


def budget_arrays(results, short: str, scenario=None) -> dict[str, np.ndarray]:
    """``{"reach": (budget_year, reach, term), "reservoir": ...}`` for the budgets present."""
    out = {}
    for kind in ("reach", "reservoir"):
        name = f"{short}_budget_{kind}"
        if name in results.data and results.coords.get(kind):
            out[kind] = values(results, name, scenario)
    return out


def whole_run_budget(budget: np.ndarray, terms: list[str]) -> np.ndarray:
    """(element, term) over all years: fluxes summed, storage at the first start and last end."""
    whole = np.nansum(budget, axis=0)
    whole[:, terms.index("storage_start")] = budget[0, :, terms.index("storage_start")]
    whole[:, terms.index("storage_end")] = budget[-1, :, terms.index("storage_end")]
    return whole


def _budget_row(b: np.ndarray, terms: list[str], scale: float) -> list[float]:
    cells = [b[terms.index(t)] * scale for t in _TERM_HEADS if t in terms]
    cells.append((b[terms.index("storage_end")] - b[terms.index("storage_start")]) * scale)
    cells.append(float(closure(b, terms)))
    return cells


def budget_tables(results, short: str, scenario=None) -> list[ReportTable]:
    """Mass budgets of reaches and reservoirs: whole run, then by year, with closure."""
    arrays = budget_arrays(results, short, scenario)
    if not arrays:
        return []
    terms = _terms(results)
    years = [int(y) for y in results.coords.get("budget_year", range(next(iter(arrays.values())).shape[0]))]
    unit, scale = _budget_unit(np.concatenate([a.ravel() for a in arrays.values()]))
    heads = [_TERM_HEADS[t] for t in _TERM_HEADS if t in terms] + ["Δ storage", "imbalance (relative)"]
    nnum = len(heads) - 1
    whole_rows, year_rows = [], []
    for kind, arr in arrays.items():
        ids = [str(e) for e in results.coords[kind]]
        whole = whole_run_budget(arr, terms)
        for k, eid in enumerate(ids):
            whole_rows.append([eid, kind] + _budget_row(whole[k], terms, scale))
            for i, y in enumerate(years):
                year_rows.append([eid, str(y)] + _budget_row(arr[i, k], terms, scale))
    name = symbol(short)
    return [
        ReportTable(f"{short}-budget-run", f"{name} mass budget over the whole run ({unit})",
                    ["element", "kind"] + heads, whole_rows, ["text", "text"] + ["num"] * nnum + ["sci"],
                    note="Gains: inflow, lateral and point loads, dispersive exchange. Losses: outflow, "
                         "removal, withdrawal. Imbalance = |gains − losses − Δ storage| / largest term."),
        ReportTable(f"{short}-budget-year", f"{name} mass budget by element and year ({unit})",
                    ["element", "year"] + heads, year_rows, ["text", "text"] + ["num"] * nnum + ["sci"]),
    ]


def worst_closure(results, short: str, scenario=None) -> float | None:
    """Largest relative imbalance over every element and year (None without budgets)."""
    arrays = budget_arrays(results, short, scenario)
    if not arrays:
        return None
    terms = _terms(results)
    return max(float(np.nanmax(closure(a, terms))) if a.size else 0.0 for a in arrays.values())


def removal_per_year(results, short: str, scenario=None) -> float | None:
    """Mass removed in all reaches and reservoirs, mean per year (t/a)."""
    arrays = budget_arrays(results, short, scenario)
    if not arrays:
        return None
    terms = _terms(results)
    total = sum(float(np.nansum(a[..., terms.index("removal")])) for a in arrays.values())
    w = _step_days(results)
    return total / 1000.0 * DAYS_PER_YEAR / (len(results.dates) if w is None else float(w.sum()))


def land_budget_table(results, scenario=None) -> ReportTable | None:
    """The whole basin's land nitrogen budget (``subbasin_tn_land_budget`` summed over subbasins) as a mean over
    the calendar years the run covers whole (t per year, and % of the gross input); None without it."""
    if "subbasin_tn_land_budget" not in results.data:
        return None
    basin = values(results, "subbasin_tn_land_budget", scenario).sum(axis=1)  # [year, land_term], kg
    covered = Years.of(results.coords["time"], _step_days(results))
    whole = {y for y, n in zip(covered.years, covered.days, strict=True)
             if n == (366 if (y % 4 == 0 and (y % 100 != 0 or y % 400 == 0)) else 365)}
    rows_of = [i for i, y in enumerate(results.coords["budget_year"]) if int(y) in whole]
    if not rows_of:
        return None
    mean = basin[rows_of].mean(axis=0)
    terms = [str(t) for t in results.coords["land_term"]]
    gross = mean[terms.index("gross_input")]
    rows = [[t, v / 1000.0, 100.0 * v / gross if gross else np.nan] for t, v in zip(terms, denoise(mean), strict=True)]
    return ReportTable("tn-land-budget", "Land nitrogen budget of the whole basin, mean of the whole calendar years",
                       ["term", "t/a", "% of gross input"], rows, ["text", "num", "pct"],
                       f"{len(rows_of)} whole year(s); the inventory's fates (crop_uptake to inventory_unaccounted) "
                       "add up to gross_input, and delivered_to_rivers is the path's sum (docs/results.md, "
                       "'The land's budget').")
