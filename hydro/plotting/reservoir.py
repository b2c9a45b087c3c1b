"""``reservoir``: storage, water level and concentration of one reservoir in stacked panels."""

from __future__ import annotations

import numpy as np

from hydro.errors import HydroError
from hydro.plotting import _data, _time_axis, style
from hydro.plotting.weather import members_ran
from hydro.results_xarray import as_results


def _series(results, name, idx, scenario, percentiles, how):
    """(dates, median or values, low, high, what the band is) of ``name`` at reservoir ``idx``; the means
    of a file written with ``--aggregate`` (``how``: monthly or annual) at the middle of their periods, as
    :func:`~hydro.plotting.plot_trajectory` draws them, not at their first days."""
    arr, dims = _data.select(results, name, scenario=scenario, reservoir=idx)
    arr = _data.move_first(arr, dims, ("time", "member"))
    dates, arr = _data.aggregate_time(results.dates, arr, how, step_days=_data.step_days(results))
    if "member" in dims:
        return (dates, *_data.band(arr, axis=1, percentiles=percentiles,
                                   members=members_ran(results.attrs, arr.shape[1])))
    return dates, arr, None, None, ""


def plot_reservoir(results, reservoir=None, *, constituent: str = "tn", classes: bool | None = None,
                   targets=None, scenario=None, percentiles=(5.0, 95.0), names: dict | None = None,
                   title: str | None = None, ax=None):
    """Storage (million m³), level (m) and concentration (mg/L) on a shared time axis.

    Size: one figure drawn top to bottom on matplotlib's axes (three panels: storage, level, concentration,
    each with its band); helpers would pass the axes and its styling around.

    Parameters
    ----------
    results : Results
        Must hold ``reservoir_storage``, ``reservoir_level`` and
        ``reservoir_<c>_concentration``.
    reservoir : str, optional
        Reservoir id; default: the first whose water reaches no other reservoir (the basin's
        outlet reservoir, by the results' ``network_downstream``).
    constituent : str
        Short name, ``tn`` by default.
    classes : bool or None
        GB 3838 lake class bands on the concentration panel (None or True: shown,
        False: hidden).
    targets : optional
        Target concentrations (mg/L), as for :func:`plot_trajectory`.
    scenario : str or int, optional
    percentiles : (float, float)
        Ensemble band over ``member`` when present; lines are medians.
    names : dict, optional
        Display names of reservoir ids.
    title : str, optional
    ax : sequence of 3 matplotlib Axes, optional
        Panels to draw into (top to bottom); default: a new figure.

    Returns
    -------
    matplotlib.figure.Figure
    """
    results = as_results(results)  # Model.run's dataset too
    conc = f"reservoir_{constituent}_concentration"
    for name in ("reservoir_storage", "reservoir_level", conc):
        _data.require(results, name, "reservoir")
    ids = [str(r) for r in results.coords.get("reservoir", [])]
    if not ids:
        raise HydroError("plot 'reservoir': these results have no reservoirs")
    idx = _data.outlet_reservoir(results) if reservoir is None else _data.coord_index(results, "reservoir", reservoir)
    targets = _data.parse_targets(targets)
    how = _data.effective_aggregation(results, "daily")  # a file of monthly or yearly means: drawn as such
    per = {"daily": "", "monthly": "\nmonthly mean", "annual": "\nannual mean"}[how]  # one line: too long
    # a file's storage is each period's end (hydro.variables.Variable.state), not its mean (since 2026-12-06)
    end = {"daily": "", "monthly": "\nend of month", "annual": "\nend of year"}[how]

    with style.figure_context():
        if ax is None:
            fig, axes = style.new_figure(3, 1, figsize=(8.0, 6.5), sharex=True)
        else:
            axes = list(ax)
            if len(axes) != 3:
                raise HydroError(f"plot 'reservoir' draws three panels; pass 3 axes, got {len(axes)}")
            fig = axes[0].figure
        panels = (("reservoir_storage", 1e-6, f"Storage (million m³){end}", style.colour(0)),
                  ("reservoir_level", 1.0, f"Water level (m){per}", style.colour(2)),
                  (conc, 1.0, f"{style.symbol(constituent)} (mg/L){per}", style.colour(3)))
        band, partial, marker = None, _data.partial_periods(results, how), "o" if how == "annual" else None
        for panel, (name, scale, ylabel, colour) in zip(axes, panels):
            dates, med, lo, hi, what = _series(results, name, idx, scenario, percentiles, how)
            if lo is not None:
                panel.fill_between(dates, lo * scale, hi * scale, color=colour, alpha=0.25, lw=0, label=what)
            _time_axis.draw_series(panel, dates, med * scale, colour=colour, marker=marker,
                                   label="median" if lo is not None else None)
            _time_axis.mark_partial(panel, dates, med * scale, colour, partial if how != "daily" else {})
            panel.set_ylabel(ylabel)
            panel.margins(x=0)
            if name == conc:
                top = style.top_limit((hi if hi is not None else med) * scale, targets)
                panel.set_ylim(0, top)
                style.draw_targets(panel, targets)
                limits, note = style.class_limits_for(constituent, "lake", None if classes else classes)
                if limits:
                    band = style.draw_class_bands(panel, limits, note)
            if lo is not None:
                panel.legend(loc="upper left", fontsize=8)
        if partial and how != "daily":  # the key of the open circles, beside the class bands'
            axes[2].set_title(_time_axis.PARTIAL_KEY, loc="left", fontsize=8, fontweight="normal", color=style.MUTED)
        if band is not None:
            axes[2].set_title(f"shaded: {band.get_label()}", loc="right", fontsize=8,
                              fontweight="normal", color=style.MUTED)
        for panel in axes[:-1]:
            panel.tick_params(labelbottom=False)
        axes[-1].set_xlabel("Date" + _data.partial_note(partial, how))
        _time_axis.format_dates(axes[-1], dates, how)
        where = _data.names(results, "reservoir", names).get(ids[idx], ids[idx])
        label = _data.scenario_label(results, scenario)
        named = where if "reservoir" in where.lower() else f"Reservoir {where}"  # not "Reservoir Miyun reservoir"
        axes[0].set_title(title or named + (f" - scenario {label}" if label else ""))
        fig.align_ylabels(axes)
    return fig
