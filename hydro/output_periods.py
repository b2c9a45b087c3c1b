"""Time aggregation of a results file: the periods of its days and a variable's values over them.

:func:`periods` cuts a run's days into the periods of an :class:`hydro.outputspec.OutputSpec`'s
``aggregate`` (days, months, years); :func:`blocks` yields a variable cut to the locations kept and
aggregated over those periods a few whole periods at a time (a flux's mean over the period's days,
a state's value on its last day: :attr:`hydro.variables.Variable.state`), so that neither the writer
(:func:`hydro.netcdf.write_results`) nor :func:`hydro.outputspec.reduce` makes a full-resolution
copy of it.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING

import numpy as np

from hydro.errors import HydroError

if TYPE_CHECKING:
    from hydro.outputspec import OutputSpec


def periods(dates: list[date], aggregate: str,
            bounds: tuple[list[date], list[date]] | None = None) -> tuple[np.ndarray, list[date], list[date]]:
    """Start index of each period in ``dates``, its first day and the day after its last.

    ``daily``: every day is a period.  ``bounds``: for results already averaged over periods
    (``monthly`` results written ``yearly``), each step's first day and the day after its last
    (:attr:`hydro.results.Results.time_bounds`), from which a period's days are taken.
    """
    if aggregate == "daily":
        starts = np.arange(len(dates), dtype=np.int64)
    else:
        key = (lambda d: (d.year, d.month)) if aggregate == "monthly" else (lambda d: d.year)
        starts = np.array([0] + [k for k in range(1, len(dates)) if key(dates[k]) != key(dates[k - 1])],
                          dtype=np.int64)
    ends = list(starts[1:]) + [len(dates)]
    if bounds is not None:
        return starts, [bounds[0][s] for s in starts], [bounds[1][e - 1] for e in ends]
    first = [dates[s] for s in starts]
    after = [dates[e - 1] + timedelta(days=1) for e in ends]
    return starts, first, after


def blocks(results, name: str, spec: OutputSpec, index: dict[str, np.ndarray], starts: np.ndarray,
           max_elements: int = 1 << 20):
    """Yield ``(out_slice, block)``: the variable ``name`` cut to ``index`` and aggregated over
    the periods beginning at ``starts``, a few whole periods at a time (``out_slice`` along
    the output's time axis), so no full-resolution copy of the variable is ever made.  A flux
    (or daily mean) is averaged over each period's days; a state at the end of the day
    (:attr:`hydro.variables.Variable.state`: the storages; the reservoirs' end-of-day concentrations
    are averaged) is taken on the
    period's last step, its value at the end of the period, so that Δ storage between two
    periods' ends closes a budget with the fluxes' means × days.

    Variables without a ``time`` dimension are yielded whole (cut), with ``out_slice`` None.
    Results already aggregated over periods (``time_bounds``) are averaged on weighted by the days
    of each step (:meth:`~hydro.results.Results.days_per_step`: a year of monthly means is the
    mean of its days, not of its months); a state is taken on the last step, the coarser period's end.
    """
    data = results.data[name]
    dims = results.dims(name)

    def cut(x, dims_):
        for axis, d in enumerate(dims_):
            if d in index:
                x = np.take(x, index[d], axis=axis)
        return x

    if "time" not in dims:
        yield None, cut(np.asarray(data), dims)
        return
    axis = dims.index("time")
    n_time = data.shape[axis]
    per_day = max(1, int(np.prod([s for k, s in enumerate(data.shape) if k != axis])))
    budget = max(1, max_elements // per_day)  # days per block
    ends = np.append(starts[1:], n_time)
    state = results.declaration(name).state
    days = results.days_per_step() if results.time_bounds is not None and not state else None
    p = 0
    while p < len(starts):
        # the periods p..q-1 that end within the budget (at least one): a search, not a walk
        # over the days (a daily variable's 6,269 periods cost 0.17 s over a Miyun file's writes)
        q = max(p + 1, int(np.searchsorted(ends, starts[p] + budget, side="right")))
        t0, t1 = int(starts[p]), int(ends[q - 1])
        sl = [slice(None)] * data.ndim
        sl[axis] = slice(t0, t1)
        x = cut(data[tuple(sl)], dims)
        if len(starts) != n_time and state:  # aggregate a state: its value on each period's last step
            x = np.take(x, ends[p:q] - 1 - t0, axis=axis).astype(float, copy=False)
        elif len(starts) != n_time:  # aggregate: means over each period of the block
            local = starts[p:q] - t0
            lengths = (ends[p:q] - starts[p:q]).astype(float)
            shape = [1] * x.ndim
            shape[axis] = len(lengths)
            if days is not None:  # means over steps of unequal days: weighted by them
                lengths = np.add.reduceat(days[t0:t1], local)
                weights = [1] * x.ndim
                weights[axis] = t1 - t0
                x = x * days[t0:t1].reshape(weights)
            x = np.add.reduceat(x.astype(float, copy=False), local, axis=axis) / lengths.reshape(shape)
        yield slice(p, q), x
        p = q


#: Time aggregations from the finest to the coarsest.
_AGGREGATIONS = ("daily", "monthly", "yearly")


def check_aggregation(results, spec: OutputSpec) -> None:
    """Refuse (:class:`HydroError`) to write results already averaged over periods (their
    ``time_aggregation``) as means over finer ones, which would label a year's mean a month's."""
    have = str(results.attrs.get("time_aggregation", "daily"))
    if results.time_bounds is None or have not in _AGGREGATIONS or spec.aggregate == "daily":
        return
    if _AGGREGATIONS.index(spec.aggregate) < _AGGREGATIONS.index(have):
        raise HydroError(f"aggregate '{spec.aggregate}': these results are {have} means (their time_aggregation); "
                         f"they cannot be written as {spec.aggregate} means: write them '{have}' (or coarser), or "
                         f"run again with aggregate '{spec.aggregate}' or daily results")
