"""Series over time on a date axis: lines that show a lone value, partial periods marked on the data,
and date ticks that fit what the points are (days, monthly or annual means).

Kept apart from :mod:`hydro.plotting.style` (the house style) so each stays short; matplotlib is
imported inside functions only.
"""

from __future__ import annotations

import math

import numpy as np

#: Series of at most this many points are drawn with a marker on every point (a one-day run's
#: single value, a year of monthly means): a line through one point is invisible.
FEW_POINTS = 12

#: Half the span of a period's mean (days), the padding either side of the first and last points.
HALF_PERIOD = {"daily": 0.5, "monthly": 15.5, "annual": 183.0}

#: Legend text of the open markers of :func:`draw_series`.
PARTIAL_KEY = "open circle: mean of the part of a period the run covers"


def isolated(values) -> np.ndarray:
    """Which finite values have no finite neighbour (a line shows them only through a marker)."""
    ok = np.isfinite(np.asarray(values, dtype=float))
    before = np.concatenate([[False], ok[:-1]])
    after = np.concatenate([ok[1:], [False]])
    return ok & ~before & ~after


def draw_series(ax, x, y, *, colour: str, ls: str = "-", label=None, marker=None, **kwargs):
    """``ax.plot`` of one series, visible however few its values: a marker on every point of a short
    series (:data:`FEW_POINTS`) and on each value between gaps of a longer one (a line through one
    point is invisible). One Line2D, the series' own.
    """
    y = np.asarray(y, dtype=float)
    every = None
    if marker is None and len(y) <= FEW_POINTS:
        marker = "o"
    elif marker is None and isolated(y).any():  # a value between gaps: a point of its own
        marker, every = "o", [int(k) for k in np.flatnonzero(isolated(y))]
    (line,) = ax.plot(x, y, color=colour, ls=ls, marker=marker, markevery=every, ms=kwargs.pop("ms", 4),
                      label=label, **kwargs)
    return line


def mark_partial(ax, x, y, colour: str, partial) -> None:
    """Open markers on the means of the periods at positions ``partial`` (:func:`hydro.plotting._data.
    partial_periods`: a mean of the days a run covers of a month or year, not that period's mean)."""
    y = np.asarray(y, dtype=float)
    at = [k for k in partial if 0 <= k < len(y) and np.isfinite(y[k])]
    if at:
        ax.plot([x[k] for k in at], y[at], ls="none", marker="o", ms=6, mfc="white", mec=colour, mew=1.4, zorder=4)


def partial_handle():
    """The legend entry of :func:`draw_series`'s open markers."""
    from matplotlib.lines import Line2D

    from hydro.plotting.style import TARGET_COLOUR

    return Line2D([], [], ls="none", marker="o", ms=6, mfc="white", mec=TARGET_COLOUR, mew=1.2, label=PARTIAL_KEY)


def format_dates(ax, dates=None, how: str = "daily") -> None:
    """Date ticks for points that are days, monthly means (mid-month) or annual means (1 July).

    With ``dates`` (those drawn) the axis spans them and half a period either side, so a one-day run
    is a day wide (not years, as matplotlib pads a zero-width range); annual means are labelled by
    year under their points, never under month ticks; daily values never get clock times; and the
    first year is written on the axis even where no 1 January tick falls in it (monthly means of
    2010-2012 read "Jan 2010 ... 2011 ...", not "May Sep 2011").
    """
    from matplotlib.dates import (
        AutoDateLocator,
        DateFormatter,
        DayLocator,
        MonthLocator,
        YearLocator,
        date2num,
    )

    if dates is not None and len(dates):
        lo, hi = float(np.min(date2num(list(dates)))), float(np.max(date2num(list(dates))))
        pad = HALF_PERIOD.get(how, 0.5)
        if how != "daily" or hi - lo < 60:  # long daily series keep the plot's own margins
            ax.set_xlim(lo - pad, hi + pad)
    lo, hi = ax.get_xlim()
    if how == "annual":
        years = max(1, round((hi - lo) / 365.25))
        ax.xaxis.set_major_locator(YearLocator(base=max(1, math.ceil(years / 12)), month=7, day=1))
        ax.xaxis.set_major_formatter(DateFormatter("%Y"))
        return
    if how == "monthly" and hi - lo < 125:  # a few months' means: one tick and name under each
        ax.xaxis.set_major_locator(MonthLocator(bymonthday=15))
        ax.xaxis.set_major_formatter(DateFormatter("%b %Y"))
    elif hi - lo < 10:  # days, not hours: AutoDateLocator ticks a 2-day axis every 3 hours
        ax.xaxis.set_major_locator(DayLocator(interval=max(1, math.ceil((hi - lo) / 7))))
        ax.xaxis.set_major_formatter(DateFormatter("%d %b %Y"))
    else:
        locator = AutoDateLocator(minticks=4, maxticks=10)
        ax.xaxis.set_major_locator(locator)
        ax.xaxis.set_major_formatter(_year_formatter(locator))


def _year_formatter(locator):
    """A ConciseDateFormatter that names the year at the first tick in view when no tick label or
    offset does (it writes years only at 1 January ticks)."""
    from matplotlib.dates import ConciseDateFormatter, num2date

    class _Formatter(ConciseDateFormatter):
        def format_ticks(self, values):
            labels = list(super().format_ticks(values))
            if not labels or getattr(self, "axis", None) is None:
                return labels
            lo, hi = sorted(self.axis.get_view_interval())
            shown = [k for k, v in enumerate(values) if lo <= v <= hi]
            if not shown:
                return labels
            first = num2date(values[shown[0]]).year
            if any(str(first) in labels[k] for k in shown) or str(first) in self.get_offset():
                return labels
            labels[shown[0]] = f"{labels[shown[0]]} {first}"
            return labels

    return _Formatter(locator)
