"""Time periods of the plots: monthly and annual means of daily values, the periods a run covers only
in part, and those its data leave without a mean (a missing day). Kept free of matplotlib."""

from __future__ import annotations

from datetime import date

import numpy as np

from hydro.errors import HydroError, suggest

#: Time aggregations the plots accept.
AGGREGATIONS: tuple[str, ...] = ("daily", "monthly", "annual")

def check_aggregation(aggregate: str) -> str:
    key = str(aggregate).lower()
    aliases = {"day": "daily", "month": "monthly", "year": "annual", "yearly": "annual"}
    key = aliases.get(key, key)
    if key not in AGGREGATIONS:
        raise HydroError(f"unknown aggregation '{aggregate}'" + suggest(key, AGGREGATIONS)
                         + f"; use one of: {', '.join(AGGREGATIONS)}")
    return key


def effective_aggregation(results, aggregate: str) -> str:
    """``aggregate`` made no finer than the steps of ``results``: a file written with ``--aggregate
    monthly`` holds monthly means, so its "daily" values are drawn, and labelled, as monthly means."""
    order = ("daily", "monthly", "annual")
    own = check_aggregation(results.attrs.get("time_aggregation", "daily"))
    return max(check_aggregation(aggregate), own, key=order.index)


def aggregate_time(dates: list[date], values: np.ndarray, how: str = "daily", stat: str = "mean",
                   step_days=None):
    """Means (or sums) of ``values`` (time on axis 0) by month or year.

    ``step_days``: the days each time step covers (``Results.days_per_step`` of a file written
    with ``--aggregate``), which weight the means, so an annual mean of monthly means is the
    annual mean of the days (February does not count as much as July); default one each.

    A period with a missing value (NaN) has no mean (NaN), as plot ``classes`` has no class for a
    month with a missing day: a mean of the days left is not a monthly (annual) mean.
    :func:`partly_missing` names those periods.

    Returns
    -------
    (list of date, ndarray)
        Mid-period dates (15th of the month, 1 July) and the aggregated values.
    """
    how = check_aggregation(how)
    values = np.asarray(values, dtype=float)
    if how == "daily":
        return list(dates), values
    mid, idx = _periods(dates, how)
    out = np.full((len(mid),) + values.shape[1:], np.nan)
    w = np.ones(len(dates)) if step_days is None else np.asarray(step_days, dtype=float)
    for i in range(len(mid)):
        chunk = values[idx == i]
        wi = w[idx == i].reshape((-1,) + (1,) * (chunk.ndim - 1))
        total = (chunk * (wi if stat == "mean" else 1.0)).sum(axis=0)  # NaN where a step is missing
        out[i] = total / wi.sum() if stat == "mean" else total
    return mid, out


def _periods(dates: list[date], how: str) -> tuple[list[date], np.ndarray]:
    """Mid-period dates of the months or years of ``dates`` and each date's period (position)."""
    if how == "monthly":
        keys = [(d.year, d.month) for d in dates]
        order = list(dict.fromkeys(keys))
        mid = [date(y, m, 15) for y, m in order]
    else:
        keys = [(d.year, 1) for d in dates]
        order = list(dict.fromkeys(keys))
        mid = [date(y, 7, 1) for y, _ in order]
    pos = {k: i for i, k in enumerate(order)}
    return mid, np.array([pos[k] for k in keys], dtype=int)


def partly_missing(dates: list[date], values: np.ndarray, how: str) -> list[str]:
    """The periods of :func:`aggregate_time` left without a mean for a missing value while others
    of theirs are there (``"Apr 2010"``, ``"2010"``); those all missing are gaps of the data."""
    from hydro.dates import MONTHS

    if check_aggregation(how) == "daily" or not len(dates):
        return []
    mid, idx = _periods(dates, how)
    ok = np.isfinite(np.asarray(values, dtype=float)).reshape(len(dates), -1)
    out = []
    for i, d in enumerate(mid):
        part = ok[idx == i]
        if (part.any(axis=0) & ~part.all(axis=0)).any():
            out.append(f"{MONTHS[d.month - 1]} {d.year}" if how == "monthly" else str(d.year))
    return out


def missing_note(periods, how: str, most: int = 4) -> str:
    """The x-axis note of the periods :func:`partly_missing` names (or ``""``)."""
    periods = list(dict.fromkeys(periods))
    if not periods:
        return ""
    kind = "month" if how == "monthly" else "year"
    shown = ", ".join(periods[:most]) + (f" and {len(periods) - most} more" if len(periods) > most else "")
    return f" (no mean for a {kind} with a missing day, as in plot 'classes': {shown})"


def step_days(results):
    """Days each time step of ``results`` covers (``Results.days_per_step``), or None (daily)."""
    if results.attrs.get("time_aggregation", "daily") == "daily":
        return None
    days = getattr(results, "days_per_step", None)
    return days() if callable(days) else None


def days_covered(results) -> list[date]:
    """The days ``results`` simulate: its dates, or for a file of monthly or yearly means
    (``--aggregate``) every day within the bounds of its periods (``time_bnds``)."""
    bounds = getattr(results, "time_bounds", None)
    if results.attrs.get("time_aggregation", "daily") == "daily" or bounds is None:
        return list(results.dates)
    from datetime import timedelta

    return [a + timedelta(days=k) for a, b in zip(*bounds, strict=True) for k in range((b - a).days)]


def partial_periods(results, how: str) -> dict[int, str]:
    """The periods of :func:`aggregate_time` (by position) that the run covers only in part.

    A mean over part of a year (or month) is not an annual (monthly) mean: a run ending on
    28 February has a "2017" of two winter months, in a daily file as in one written with
    ``--aggregate yearly`` (whose last step is the mean of those two months: ``time_bnds``).

    Returns
    -------
    dict of int to str
        Position of each partly covered period -> ``"2017: Jan-Feb only"`` (``annual``) or
        ``"Mar 2013: 5-31 only"`` (``monthly``); empty for ``daily``.
    """
    import calendar

    from hydro.dates import MONTHS, partial_years

    aggregated = results.attrs.get("time_aggregation", "daily") != "daily"
    if how == "daily" or (aggregated and getattr(results, "time_bounds", None) is None):
        return {}  # (periods without bounds: what they cover is not known)
    dates = days_covered(results)
    if how == "annual":
        years = list(dict.fromkeys(d.year for d in dates))
        return {years.index(y): f"{y}: {part}" for y, part in partial_years(dates).items()}
    days: dict[tuple[int, int], list[int]] = {}
    for d in dates:
        days.setdefault((d.year, d.month), []).append(d.day)
    out = {}
    for k, ((y, m), ds) in enumerate(days.items()):
        if len(ds) < calendar.monthrange(y, m)[1]:
            span = f"{ds[0]} {MONTHS[m - 1]}" if len(ds) == 1 else f"{ds[0]}-{ds[-1]}"  # not "1-1"
            out[k] = f"{MONTHS[m - 1]} {y}: {span} only"
    return out


def partial_note(partial: dict[int, str], how: str) -> str:
    """The x-axis note naming the partly covered periods of :func:`partial_periods` (or ``""``)."""
    if not partial:
        return ""
    kind = "an annual" if how == "annual" else "a monthly"
    return f" (partial, not {kind} mean: {'; '.join(partial.values())})"
