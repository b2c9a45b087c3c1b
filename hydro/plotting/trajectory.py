"""``trajectory``: a constituent's concentration over time at sections, reservoirs and reaches.

With GB 3838 class bands (reservoirs: the lake TN classes; rivers are not classed on
TN by GB 3838, so their bands appear only on request, as a reference), targets,
observations and ensemble percentile bands.
"""

from __future__ import annotations

from datetime import date

import numpy as np

from hydro.errors import HydroError
from hydro.model_values import as_date
from hydro.plotting import _data, _time_axis, style
from hydro.plotting.weather import members_ran, one_member
from hydro.results_xarray import as_results


def _observation_series(observations, location: str, constituent: str):
    """(dates, values) of observations at ``location``, or None.

    ``observations`` is a mapping ``id -> (dates, values)`` or a
    :class:`hydro.monitoring.SectionSeries` (monthly means, drawn mid-month).
    """
    if observations is None:
        return None
    if hasattr(observations, "monthly") and hasattr(observations, "has"):
        if location not in observations.sections or not observations.has(location, constituent):
            return None
        dates, values = [], []
        for year in observations.years:
            monthly = observations.monthly(location, constituent, year)
            dates += [date(year, m, 15) for m in range(1, 13)]
            values += list(monthly)
        return dates, np.asarray(values, dtype=float)
    if location not in observations:
        return None
    where = f"observations['{location}']"
    try:
        dates, values = observations[location]
    except (TypeError, ValueError):
        raise HydroError(f"{where}: expected a pair (dates, values), e.g. (['2020-06-01', '2020-07-01'], "
                         "[2.0, 2.5]); a pandas Series s: (s.index, s.values)") from None
    dates = np.atleast_1d(np.asarray(dates))
    if dates.dtype.kind == "M":  # ds.time.values (datetime64[ns]) as days: as objects they are integers
        dates = dates.astype("datetime64[D]")
    days = [as_date(d, f"{where} date") for d in dates.astype(object)]
    values = np.asarray(values, dtype=float)
    if values.ndim != 1 or len(values) != len(days):
        raise HydroError(f"{where}: {len(days)} dates but {values.size} values; give one value per date")
    return days, values


def plot_trajectory(results, locations=None, *, constituent: str = "tn", aggregate: str = "daily",
                    classes: bool | None = None, targets=None, observations=None, scenario=None,
                    percentiles=(5.0, 95.0), names: dict | None = None, title: str | None = None,
                    ax=None):
    """Concentration over time at chosen sections, reservoirs or reaches.

    Size: one figure drawn top to bottom on matplotlib's axes (series, class bands, labels, legend); helpers
    would pass the axes and its styling around.

    Parameters
    ----------
    results : Results
    locations : list of str, optional
        Section, reservoir or reach ids (looked up in that order). Default: every
        section (every reservoir when there are none).
    constituent : str
        Short name, ``tn`` by default.
    aggregate : {"daily", "monthly", "annual"}
        Means over months or years (drawn at mid-period).
    classes : bool or None
        GB 3838 class bands. None: shown where GB 3838 classes the waterbody (TN:
        reservoirs only, so only when every location is a reservoir). True: always;
        for TN in rivers the lake limits are drawn as a reference and labelled so.
        False: never.
    targets : float, dict, list, optional
        Target concentrations (mg/L): a number, ``{label: value}``, a list of numbers,
        ``(label, value)`` pairs or ``"label=value"`` strings. Dashed lines.
    observations : mapping or SectionSeries, optional
        Observed concentrations (mg/L), ``{id: (dates, values)}`` or a monthly
        :class:`hydro.monitoring.SectionSeries`; drawn as points in the line's colour.
    scenario : str or int, optional
        Scenario to draw when the results have a ``scenario`` dim (default: the first).
    percentiles : (float, float)
        Ensemble band over ``member`` when present; the line is the median.
    names : dict, optional
        Display names by id (Chinese names are used when a CJK font is installed).
    title : str, optional
    ax : matplotlib Axes, optional
        Draw into these axes instead of a new figure.

    Returns
    -------
    matplotlib.figure.Figure
    """
    results = as_results(results)  # Model.run's dataset too
    aggregate = _data.effective_aggregation(results, aggregate)
    if locations is None:
        kind = "section" if results.coords.get("section") else "reservoir"
        locations = [str(s) for s in results.coords.get(kind, [])]
        if not locations:
            raise HydroError("plot 'trajectory': these results have no sections or reservoirs; "
                             "name reaches with --location")
    elif isinstance(locations, str):
        locations = [locations]
    found = [(str(loc),) + _data.locate(results, loc, constituent) for loc in locations]
    kinds = {k for _, k, _ in found}
    waterbody = "lake" if kinds == {"reservoir"} else "river" if "reservoir" not in kinds else "mixed"
    targets = _data.parse_targets(targets)
    label_of = {}
    for k in ("section", "reservoir", "reach"):
        label_of.update(_data.names(results, k, names))

    step = _data.step_days(results)
    partial = _data.partial_periods(results, aggregate)
    with style.figure_context():
        fig, ax = style.figure_and_axes(ax)
        drawn, members, observed, single, gaps, spreads, shown, marks = [], 0, 0, len(found) == 1, [], set(), [], []
        for i, (loc, kind, idx) in enumerate(found):
            name = _data.with_members(results, _data.LOCATION_KINDS[kind].format(c=constituent))
            _data.require(results, name, "trajectory")
            arr, dims = _data.select(results, name, scenario=scenario, **{kind: idx})
            arr = _data.move_first(arr, dims, ("time", "member"))
            x, values = _data.aggregate_time(results.dates, arr, aggregate, step_days=step)
            gaps += _data.partly_missing(results.dates, arr, aggregate)
            shown += x
            colour = style.colour(i)
            label = label_of.get(loc, loc)
            if kind != "section":
                label += f" ({kind})"
            marker = "o" if aggregate == "annual" else None
            if "member" in dims:
                # several places: one legend entry says what lines and bands are (a band and a median
                # entry for each of Miyun's 10 sections ran off the figure)
                members = members_ran(results.attrs, values.shape[1])  # a failed member's NaN is no line
                med, lo, hi, what = _data.band(values, axis=1, percentiles=percentiles, members=members)
                spreads.add(what)
                ax.fill_between(x, lo, hi, color=colour, alpha=0.22, lw=0, label=f"{label}: {what}" if single else None)
                _time_axis.draw_series(ax, x, med, colour=colour, ls=style.linestyle(i), marker=marker,
                                       label=f"{label} (median)" if single else label)
                marks.append((med, colour))
                drawn.append(hi)
            else:
                _time_axis.draw_series(ax, x, values, colour=colour, ls=style.linestyle(i), marker=marker, label=label)
                marks.append((values, colour))
                drawn.append(values)
            obs = _observation_series(observations, loc, constituent)
            if obs is not None and len(obs[0]):
                ax.plot(obs[0], obs[1], ls="none", marker="o", ms=4, mfc="white", mec=colour, mew=1.2, zorder=5,
                        label=f"{label} observed" if single else None)
                drawn.append(obs[1])
                shown += list(obs[0])
                observed += 1
        for y, colour in marks:  # after every line, which keep their order
            _time_axis.mark_partial(ax, x, y, colour, partial)
        if observations is not None and not observed:  # nothing to overlay: say so, not a figure without them
            raise HydroError(_none_observed(observations, [loc for loc, _, _ in found], constituent))
        top = style.top_limit(np.concatenate([np.ravel(d) for d in drawn]), targets)
        ax.set_ylim(0.0, top)
        ax.margins(x=0.01)
        style.draw_targets(ax, targets)
        limits, note = style.class_limits_for(constituent, waterbody, classes)
        band = style.draw_class_bands(ax, limits, note) if limits else None
        symbol = style.symbol(constituent)
        per = {"daily": "daily", "monthly": "monthly mean of daily values",
               "annual": "annual mean of daily values"}[aggregate]
        ax.set_ylabel(f"{symbol} concentration (mg/L), {per}")
        ax.set_xlabel(style.wrap_title("Date" + _data.partial_note(partial, aggregate)
                                       + _data.missing_note(gaps, aggregate), 100))
        _time_axis.format_dates(ax, shown, aggregate)
        label = _data.scenario_label(results, scenario)
        basin = results.attrs.get("basin", "")
        ax.set_title(title or " - ".join(p for p in (f"{symbol} concentration", basin,
                                                      f"scenario {label}" if label else "") if p))
        key = [_time_axis.partial_handle()] if partial and aggregate != "daily" else []
        style.legend_outside(ax, extra=[band, *([] if single else _key(members, spreads, observed)), *key])
    return fig


def _none_observed(observations, places: list[str], constituent: str) -> str:
    """The error of observations that hold nothing at the places drawn."""
    if hasattr(observations, "has"):
        held = [f"{s} ({', '.join(observations.parameters(s))})" for s in observations.sections]
    else:
        held = [str(k) for k in observations]
    return (f"observations: none of {style.symbol(constituent)} at the places drawn ({', '.join(places)}); "
            f"they are at: {', '.join(held) or 'none'}. Draw those places (--location ID), or give observations "
            "of these")


def _key(members: int, spreads: set, observed: int) -> list:
    """Legend entries for what every location shares: the ensemble band (lines are medians) and
    observed points (open circles in the line's colour)."""
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    out: list = []
    if members:
        out.append(Patch(facecolor=style.MUTED, alpha=0.3, lw=0,
                         label=f"lines and shaded: {one_member(members)}" if members == 1 else
                         f"lines: median of {members} members; shaded: {' / '.join(sorted(spreads))}"))
    if observed:
        out.append(Line2D([], [], ls="none", marker="o", ms=4, mfc="white", mec=style.TARGET_COLOUR, mew=1.2,
                          label="observed (open circles, colour of the line)"))
    return out
