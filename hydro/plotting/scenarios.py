"""``scenarios``: annual mean concentration at one location under each scenario, against targets."""

from __future__ import annotations

import numpy as np

from hydro.errors import HydroError
from hydro.plotting import _data, style
from hydro.results_xarray import as_results


def plot_scenarios(results, location=None, *, constituent: str = "tn", targets=None,
                   classes: bool | None = None, scenarios=None, percentiles=(5.0, 95.0),
                   names: dict | None = None, title: str | None = None, ax=None):
    """Grouped bars: one group per year, one bar per scenario, with target lines.

    Size: one figure drawn top to bottom on matplotlib's axes (grouped bars per scenario, error bars,
    targets, labels); helpers would pass the axes and its styling around.

    Each bar is the year's mean of monthly means, as ``hydro scenarios`` summarises
    it: monthly means of the daily values (as the monitoring's, at a section, reach or
    reservoir).  A calendar year the run covers only
    in part is labelled with its months ("2017\n(Jan-Feb only)") and hatched.

    Parameters
    ----------
    results : Results
        With a ``scenario`` dimension (``hydro scenarios`` output).
    location : str, optional
        Section, reservoir or reach id; default: the outlet reservoir (the first whose water
        reaches no other), else the first section.
    constituent : str
        Short name, ``tn`` by default.
    targets : optional
        Target concentrations (mg/L), as for :func:`plot_trajectory`.
    classes : bool or None
        GB 3838 class bands, as for :func:`plot_trajectory`.
    scenarios : list of str, optional
        Scenarios to show, in this order (default: all).
    percentiles : (float, float)
        Error bars over ensemble ``member`` when present; bars are medians.
    names : dict, optional
        Display names by id.
    title : str, optional
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    HydroError
        If the results have no ``scenario`` dimension.
    """
    results = as_results(results)  # Model.run's dataset too
    if not results.coords.get("scenario"):
        raise HydroError("plot 'scenarios' needs results with a 'scenario' dimension; "
                         "make them with `hydro scenarios BASIN SCENARIOS.toml`")
    if location is None:
        kind = "reservoir" if results.coords.get("reservoir") else "section"
        if not results.coords.get(kind):
            raise HydroError("plot 'scenarios': these results have no reservoirs or sections; "
                             "name a reach with --location")
        location = str(results.coords[kind][_data.outlet_reservoir(results) if kind == "reservoir" else 0])
    kind, idx = _data.locate(results, location, constituent)
    name = _data.with_members(results, _data.LOCATION_KINDS[kind].format(c=constituent))
    _data.require(results, name, "scenarios")
    if "scenario" not in _data.dims_of(results, name):
        raise HydroError(f"plot 'scenarios': variable '{name}' has no 'scenario' dimension")
    all_ids = [str(s) for s in results.coords["scenario"]]
    chosen = all_ids if scenarios is None else [all_ids[_data.coord_index(results, "scenario", s)]
                                                 for s in scenarios]
    targets = _data.parse_targets(targets)

    from hydro.dates import partial_years
    from hydro.scenarios.summary import annual_stats

    bounds = getattr(results, "time_bounds", None)  # means over periods: whole if they run 1st to month's end
    whole = None if bounds is None else [a.day == 1 and b.day == 1 for a, b in zip(*bounds, strict=True)]
    rows, errs, years, has_members, members, what = [], [], None, False, 0, ""
    for sid in chosen:
        arr, dims = _data.select(results, name, scenario=sid, **{kind: idx})
        arr = _data.move_first(arr, dims, ("time", "member"))
        conc = np.asarray(arr, dtype=float).reshape(len(results.dates), -1)
        years_arr, mean, _ = annual_stats(results.dates, conc, whole=whole)
        years = [int(y) for y in years_arr]
        annual = mean if "member" in dims else mean[:, 0]
        if "member" in dims:
            has_members, members = True, annual.shape[1]
            med, lo, hi, what = _data.band(annual, axis=1, percentiles=percentiles)
            rows.append(med)
            errs.append(np.vstack([med - lo, hi - med]))
        else:
            rows.append(annual)
            errs.append(None)
    values = np.array(rows)

    with style.figure_context():
        fig, ax = style.figure_and_axes(ax)
        n = len(chosen)
        width = 0.8 / n
        x = np.arange(len(years))
        for i, sid in enumerate(chosen):
            ax.bar(x + (i - (n - 1) / 2) * width, values[i], width * 0.95, color=style.colour(all_ids.index(sid)),
                   label=style.pretty(sid), yerr=errs[i], capsize=2 if errs[i] is not None else 0,
                   error_kw={"lw": 0.8, "ecolor": "#333333"}, zorder=2)
        partial = partial_years(_data.days_covered(results))  # a file of monthly means: its periods' days
        bars = list(ax.patches)
        style.year_ticks(ax, x, [f"{y}\n({partial[y]})" if y in partial else str(y) for y in years])
        ax.set_xlabel("Year (hatched: only part of the year simulated)" if partial else "Year")
        symbol = style.symbol(constituent)
        ax.set_ylabel(f"{symbol} (mg/L), mean of monthly means\n(of the daily values, as monitored)")
        top = style.top_limit(values + np.nan_to_num(np.array([e[1] if e is not None else np.zeros(len(years))
                                                               for e in errs])), targets)
        ax.set_ylim(0, top)
        ax.grid(axis="x", visible=False)
        style.draw_targets(ax, targets)
        waterbody = "lake" if kind == "reservoir" else "river"
        limits, note = style.class_limits_for(constituent, waterbody, classes)
        band = style.draw_class_bands(ax, limits, note) if limits else None
        where = _data.names(results, kind, names).get(str(location), str(location))
        # on a line of its own: with a section's long name the one-line title ran off the figure
        extra = f"\nbars: median of {members} weather members; whiskers: {what}" if has_members else ""
        ax.set_title(title or style.wrap_title(f"{symbol} at {where}: scenarios" + extra))
        style.legend_outside(ax, extra=[band], title="Scenario")
        for k, y in enumerate(years):
            if y in partial:  # hatch the bars of a partial year (after the legend, which shows plain colours)
                for patch in bars[k::len(years)]:
                    patch.set_hatch("//")
                    patch.set_edgecolor("white")
    return fig
