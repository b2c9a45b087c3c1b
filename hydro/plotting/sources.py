"""``sources``: the TN load at a section apportioned by source, as stacked areas.

Reads ``tn_source_load (time, section, source)`` in kg/d.  Ensemble members are
averaged (means of parts add up to the mean of the whole; medians would not).
"""

from __future__ import annotations

import numpy as np

from hydro.errors import HydroError
from hydro.plotting import _data, _time_axis, style
from hydro.results_xarray import as_results

_HINT = ("Source apportionment is written by runs that track loads by source "
         "(variable 'tn_source_load (time, section, source)', kg/d)")


def plot_sources(results, section=None, *, constituent: str = "tn", aggregate: str = "monthly",
                 share: bool = False, scenario=None, names: dict | None = None,
                 title: str | None = None, ax=None):
    """Stacked areas of the load reaching ``section`` from each source that brings any (the others are
    left out of the stack and the legend; a source keeps its colour in every figure).

    Size: one figure drawn top to bottom on matplotlib's axes (stacked sources, labels, legend); helpers would
    pass the axes and its styling around.

    Parameters
    ----------
    results : Results
        Must hold ``<c>_source_load`` (kg/d) on ``(time, section, source)``.
    section : str, optional
        Section id; default: the first section.
    constituent : str
        Short name, ``tn`` by default.
    aggregate : {"daily", "monthly", "annual"}
        Mean load over months or years.
    share : bool
        Draw each source's share of the total (%) instead of kg/d.
    scenario : str or int, optional
        Scenario to draw (default: the first) when the results have a ``scenario`` dim.
    names : dict, optional
        Display names of section ids.
    title : str, optional
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    HydroError
        If the results hold no source apportionment, or the section is unknown.
    """
    results = as_results(results)  # Model.run's dataset too
    aggregate = _data.effective_aggregation(results, aggregate)
    name = f"{constituent}_source_load"
    _data.require(results, name, "sources", _HINT)
    sections = results.coords.get("section", [])
    if not sections:
        raise HydroError("plot 'sources': these results have no sections")
    idx = 0 if section is None else _data.coord_index(results, "section", section)
    sec_id = str(sections[idx])
    arr, dims = _data.select(results, name, scenario=scenario, section=idx)
    arr = _data.move_first(arr, dims, ("time", "source", "member"))
    if "member" in dims:
        arr = np.nanmean(arr, axis=2)
    x, values = _data.aggregate_time(results.dates, arr, aggregate, step_days=_data.step_days(results))
    gaps = _data.partly_missing(results.dates, arr, aggregate)
    sources = [str(s) for s in results.coords["source"]]
    # largest contributors at the bottom, where their areas are easiest to read; a source that brings
    # nothing here (no plant upstream, transferred water before it first enters) has no area and no entry.
    # A missing load (NaN) stays a gap: drawn as 0 it read as "no nitrogen arrived"
    known = np.nan_to_num(values)
    order = [j for j in np.argsort(-known.sum(axis=0), kind="stable") if known[:, j].any()] \
        or list(range(len(sources)))
    if share:
        total = values.sum(axis=1, keepdims=True)
        with np.errstate(invalid="ignore", divide="ignore"):
            values = np.where(total > 0, 100.0 * values / total, np.where(total == 0, 0.0, np.nan))

    with style.figure_context():
        fig, ax = style.figure_and_axes(ax)
        layers, labels = [values[:, j] for j in order], [style.pretty(sources[j]) for j in order]
        colours = [style.colour(j) for j in order]  # a source keeps its colour (by its place in the file)
        if len(x) == 1:  # a stack over one date has no area: stacked bars, a period wide
            width = 2 * _time_axis.HALF_PERIOD[aggregate] * 0.8
            bottom = np.zeros(1)
            for layer, name_of, c in zip(layers, labels, colours, strict=True):
                ax.bar(x, np.nan_to_num(layer), width, bottom=bottom, color=c, alpha=0.9, label=name_of)
                bottom = bottom + np.nan_to_num(layer)
        else:
            ax.stackplot(x, *layers, labels=labels, colors=colours, alpha=0.9, lw=0.3, edgecolor="white")
        per = {"daily": "daily", "monthly": "monthly mean", "annual": "annual mean"}[aggregate]
        symbol = style.symbol(constituent)
        if share:
            ax.set_ylabel(f"Share of {symbol} load (%), {per}")
            ax.set_ylim(0, 100)
        else:
            ax.set_ylabel(f"{symbol} load (kg/d), {per}")
            ax.set_ylim(bottom=0)
        partial = _data.partial_periods(results, aggregate)
        notes = _data.partial_note(partial, aggregate) + _data.missing_note(gaps, aggregate)
        ax.set_xlabel(style.wrap_title("Date" + notes + (" (gaps: no data)" if np.isnan(values).any() else ""), 100))
        ax.margins(x=0)
        _time_axis.format_dates(ax, x, aggregate)
        where = _data.names(results, "section", names).get(sec_id, sec_id)
        label = _data.scenario_label(results, scenario)
        extra = " (ensemble mean)" if "member" in dims else ""
        ax.set_title(title or style.wrap_title(f"{symbol} load by source at {where}" + extra
                                               + (f" - scenario {label}" if label else "")))
        # legend top-to-bottom in the order of the stack
        handles, labels = ax.get_legend_handles_labels()
        ax.legend(handles[::-1], labels[::-1], loc="upper left", bbox_to_anchor=(1.02, 1.0),
                  borderaxespad=0.0, title="Source")
    return fig
