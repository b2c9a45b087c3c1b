"""How much of a reservoir's TN its sources must shed to meet a target: the inverse step of a scenario.

A planner asks "what load must the Yongding shed for Guanting to reach Class III?"; scenarios answer the
other way round (measures in, concentrations out), so the answer was bracketed by hand (a planner's review,
2026-12-06).  The transport carries each source's N as a tracer of its own and is linear in them (first-order
removal; docs/solver.md), so a reservoir's daily TN is Σ over sources of its by-source concentration
(``reservoir_tn_source_concentration``), and cutting the selected sources' delivered loads by a share ``s`` on
every day of the run gives ``C = (1 - s) C_selected + C_rest`` (to 3e-5 of the concentration on the example
watershed against a run with its plant's TN halved: the species' splitting bounds, docs/solver.md, are not
quite linear).  The annual mean of monthly means (and the
highest monthly mean) are then linear in ``s`` too, and the share that meets a target follows in closed form,
year by year, from one run: :func:`required_cut`.

What it is not: a plan of measures (which source, where, at what cost: scenarios), nor a cut of inputs (a
measure on fertiliser reaches the river through the groundwater store years later; here the *delivered* loads
are cut, on every day from the run's start, so the stores' lag is already past).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from hydro.errors import HydroError, suggest

#: Tags that are no source a measure can cut: water brought in from outside, and the mass present at the start.
NOT_CUT = ("transfer", "initial")

#: How to get results that carry a variable of TN by source (``{name}``).
_NO_SOURCES = ("a watershed run writes it, a weather ensemble (--members) or a run with --variables only when "
               "asked: run again with --variables {name}, or without --variables")

#: What each kind of place needs of a file written with --variables.
_NEEDS = ("a reservoir --variables reservoir_tn_source_concentration, a section --variables "
          "tn_source_load,section_tn_concentration")

#: What a target bounds: the mean of a year's monthly means, or its highest monthly mean.
STATISTICS = ("annual_mean", "max_monthly_mean")


def required_cut(results: Any, location: str, max_mg_per_l: float, sources=None,
                 statistic: str = "annual_mean", *, where: str = "required_cut") -> list[dict[str, Any]]:
    """The share of the ``sources``' delivered TN a reservoir or section needs cut to meet ``max_mg_per_l``, per year.

    Parameters
    ----------
    results : xarray.Dataset or hydro.results.Results
        A watershed run's results carrying TN by source (``reservoir_tn_source_concentration``; for a section
        ``tn_source_load`` and ``section_tn_concentration``).
    location : str
        Reservoir or monitoring section id.  A section's part of each source is its flow-weighted TN times the
        source's share of the load through it, which carries the dispersive flux too (at most 0.85 % of a
        day's load at Miyun's sections, 1.5 % at Guanting's Shixiali), so the parts add up to its TN; they are
        linear in the loads to about 2e-3 of an annual mean (a plant halved: 1.3e-4 at Miyun's sections below
        it, 2.0e-3 at Guanting's Guishui outlet, where the other sources' loads moved by 0.07-0.3 %: the
        advection's flux limiter, computed from the total, is nonlinear, docs/solver.md; 2026-12-06).
    max_mg_per_l : float
        The target, mg/L (GB 3838 Class III for lakes' TN: 1.0).
    sources : list of str, optional
        The sources cut together by the same share (default every source but :data:`NOT_CUT`).
    statistic : {"annual_mean", "max_monthly_mean"}
        What the target bounds: the mean of the year's monthly means, or its highest monthly mean.
    where : str
        What an error message names first (``hydro target`` gives the results file).

    Returns
    -------
    list of dict
        One per calendar year the run covers whole: ``year``, ``value`` (mg/L, as run: the annual mean of
        monthly means, or the highest monthly mean), ``from_sources`` and ``from_rest`` (mg/L, the parts of the
        annual mean; for ``max_monthly_mean`` those of ``month``, 1-12, the month that needs the largest cut,
        or the highest month where none needs one: ``(1 - cut_share) from_sources + from_rest`` is then the
        target), ``cut_share`` (0 where the target is met, 1 where even all of them would not do:
        then ``met_with_cut`` is False), ``met_with_cut`` and ``note``; all NaN (``met_with_cut`` False) in a
        year with days without a concentration.

    Raises
    ------
    HydroError
        Results without the by-source concentration or not daily, an unknown reservoir or source, a target <= 0
        or an unknown statistic.
    """
    from hydro.dates import partial_years
    from hydro.scenarios.summary import monthly_means

    conc, dates, tags = _by_source(results, location, where)
    chosen = _chosen(sources, tags, where)
    if not (isinstance(max_mg_per_l, (int, float)) and np.isfinite(max_mg_per_l) and max_mg_per_l > 0):
        raise HydroError(f"{where}: max_mg_per_l: expected a concentration > 0 mg/L, got {max_mg_per_l!r}")
    if statistic not in STATISTICS:
        raise HydroError(f"{where}: statistic: expected 'annual_mean' or 'max_monthly_mean', got {statistic!r}")
    mask = np.array([t in chosen for t in tags])
    # a plain sum: a day without a concentration (a lake without water) stays unknown, not 0 mg/L
    parts = np.stack([conc[:, mask].sum(axis=1), conc[:, ~mask].sum(axis=1)], axis=1)  # [day, 2]
    month_year, monthly = monthly_means(dates, parts)
    partial = partial_years(dates)
    rest_tags = ", ".join(t for t in tags if t not in chosen) or "none"
    out = []
    for year in sorted({int(y) for y in month_year} - set(partial)):
        out.append(_year_row(year, monthly[month_year == year], max_mg_per_l, statistic, rest_tags))
    return out


def _year_row(year: int, m: np.ndarray, target: float, statistic: str, rest_tags: str) -> dict[str, Any]:
    """One year's row from its monthly means ``m`` [month, 2] (the chosen sources' part, the rest's; mg/L)."""
    if not np.isfinite(m).all():
        return {"year": year, "value": float("nan"), "from_sources": float("nan"), "from_rest": float("nan"),
                "cut_share": float("nan"), "met_with_cut": False,
                "note": f"no concentration on some days of {year} (no water there): no cut computed"}
    note = "" if (m[:, 1] <= target).all() else (f"the rest ({rest_tags}) alone is above {target:g} mg/L: no cut "
                                                 "of these sources meets it")
    if statistic == "annual_mean":
        sel, rest = float(m[:, 0].mean()), float(m[:, 1].mean())
        note = "" if rest <= target else note
        return {"year": year, "value": sel + rest, "from_sources": sel, "from_rest": rest,
                "cut_share": _share(sel, rest, target), "met_with_cut": not note, "note": note}
    # every month must hold: the month needing the largest cut sets it (where none can, the one whose rest is
    # highest; where none needs one, the highest), and its parts are given with it
    shares = [_share(float(a), float(b), target) for a, b in m]
    k = max(range(len(m)), key=lambda i: (shares[i], m[i, 1] if shares[i] >= 1 else m[i].sum()))
    return {"year": year, "value": float(m.sum(axis=1).max()), "month": k + 1, "from_sources": float(m[k, 0]),
            "from_rest": float(m[k, 1]), "cut_share": shares[k], "met_with_cut": not note, "note": note}


def _share(sel: float, rest: float, target: float) -> float:
    """The least share s in [0, 1] with (1 - s) sel + rest <= target (1 where none does)."""
    if sel + rest <= target:
        return 0.0
    if rest >= target or sel <= 0:
        return 1.0
    return float(min(1.0, (sel + rest - target) / sel))


def _by_source(results, location: str, where: str):
    """``(conc [day, tag] mg/L, dates, tags)`` of a reservoir or section from a dataset or
    :class:`hydro.results.Results` (a section's: its TN times each source's share of its load)."""
    step = str(results.attrs.get("time_aggregation", "daily"))
    if step != "daily":  # a month's mean over a year would be taken for the year's monthly means
        raise HydroError(f"{where}: the results are {step} means (their time_aggregation); the cut is computed from "
                         "daily results: run without --aggregate")
    lakes, sections = _coord(results, "reservoir"), _coord(results, "section")
    if location not in lakes + sections:
        raise HydroError(f"{where}: no reservoir or section '{location}'" + suggest(location, lakes + sections)
                         + f"; the results have reservoirs {', '.join(lakes) or 'none'} and sections "
                         f"{', '.join(sections) or 'none'} (a file written with --variables keeps the places of the "
                         f"variables it holds: {_NEEDS})")
    tags = _coord(results, "source")
    dates = [np.datetime64(t, "D").astype(object) for t in np.asarray(_coord(results, "time", str_=False))]
    if location in lakes:
        arr = _variable(results, "reservoir_tn_source_concentration", where)
        return arr[:, lakes.index(location), :], dates, tags
    k = sections.index(location)
    ask = "--variables tn_source_load,section_tn_concentration"  # a missing one names both at once
    load, conc = (_variable(results, name, where, ask) for name in ("tn_source_load", "section_tn_concentration"))
    load, conc = load[:, k, :], conc[:, k]  # kg/d by source (advective and dispersive), mg/L
    total = load.sum(axis=1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(total != 0, load / total, 0.0)
    return conc[:, None] * share, dates, tags


def _coord(results, dim: str, str_: bool = True) -> list:
    """The labels of ``dim`` of a dataset or :class:`hydro.results.Results` ([] where it has none)."""
    if hasattr(results, "data_vars"):
        values = list(results[dim].values) if dim in results.coords else []
    else:
        values = list(results.coords.get(dim, []))
    return [str(v) for v in values] if str_ else values


def _variable(results, name: str, where: str, ask: str | None = None) -> np.ndarray:
    """Variable ``name`` (time, location, ...), refused where the results lack it (``ask``: what --variables to
    give) or hold more dimensions."""
    held = results.data_vars if hasattr(results, "data_vars") else results.data
    if name not in held:
        raise HydroError(f"{where}: the results have no {name}: "
                         + _NO_SOURCES.format(name=(ask or f"--variables {name}").removeprefix("--variables ")))
    arr = np.asarray(results[name].values if hasattr(results, "data_vars") else results.data[name], dtype=float)
    wanted = 3 if name != "section_tn_concentration" else 2
    if arr.ndim != wanted:
        raise HydroError(f"{where}: {name} has {arr.ndim} dimensions, expected {wanted} (time, place"
                         f"{', source' if wanted == 3 else ''}): select one scenario or member first")
    return arr


def _chosen(sources, tags: list[str], where: str) -> set[str]:
    """The source tags cut (default every tag but :data:`NOT_CUT`), each checked against ``tags``."""
    if sources is None:
        return {t for t in tags if t not in NOT_CUT}
    chosen = [sources] if isinstance(sources, str) else list(sources)
    for s in chosen:
        if s not in tags:
            raise HydroError(f"{where}: no source '{s}'" + suggest(s, tags)
                             + f"; the results have {', '.join(tags)}")
        if s in NOT_CUT:
            raise HydroError(f"{where}: '{s}' is no source a measure can cut (water from outside, or the mass "
                             "at the start)")
    if not chosen:
        raise HydroError(f"{where}: sources: give at least one source")
    return set(chosen)
