"""The checks of :func:`hydro.results.stack` (its labels, and runs that can share a leading dimension) and of
a file :func:`hydro.results.load_results` reads (:func:`check_period_states`)."""

from __future__ import annotations

from itertools import pairwise
from typing import TYPE_CHECKING

import numpy as np

from hydro.errors import HydroError, repeated
from hydro.netcdf import LEADING_DIMS

if TYPE_CHECKING:
    from hydro.results import Results


def stack_labels(results, dim: str, labels) -> list:
    """The labels of :func:`hydro.results.stack`, checked: a dimension it stacks along, one label per run, none twice,
    and whole numbers along ``member`` (its coordinate is an integer; 'a' failed in to_netcdf)."""
    if dim not in LEADING_DIMS:
        raise HydroError(f"stack: dim: expected one of {', '.join(LEADING_DIMS)}, got {dim!r}")
    if labels is None or isinstance(labels, str):  # list(None) was a raw TypeError; a string is not its letters
        raise HydroError(f"stack: labels: expected one label per run (a list), got {labels!r}")
    labels = list(labels)
    if any(not hasattr(r, "leading") for r in results):  # Model.run's datasets: an AttributeError before
        raise HydroError("stack: the runs are hydro.results.Results (Model.run_results(...)); a dataset that "
                         "Model.run returned converts with hydro.results_xarray.from_xarray(ds)")
    if not results or len(results) != len(labels):
        raise HydroError(f"stack: {len(results)} runs and {len(labels)} labels; give at least one run and one "
                         "label per run")
    if dim == "member":
        if not all(isinstance(x, (int, np.integer)) and not isinstance(x, bool) for x in labels):
            raise HydroError(f"stack: member labels are whole numbers (the member coordinate is an integer), got "
                             f"{labels!r}; stack along 'scenario' for named runs")
        labels = [int(x) for x in labels]
    else:
        labels = [str(x) for x in labels]
    twice = [str(x) for x in repeated(labels)]
    if twice:
        raise HydroError(f"stack: label {', '.join(map(repr, twice))} given to more than one run; each run needs "
                         "its own (selecting by label would return them all)")
    return labels


def check_stackable(results: list[Results], dim: str, labels: list) -> None:
    """Refuse, with a :class:`HydroError`, runs that :func:`hydro.results.stack` cannot put along ``dim``."""
    first = results[0]
    have = set(first.leading) | {d for name in first.data for d in first.dims(name)}
    if dim in have:
        other = next(d for d in LEADING_DIMS if d != dim)
        raise HydroError(f"stack: the runs already have a '{dim}' dimension (an ensemble's members, or runs "
                         f"stacked before); stack along '{dim}' once" + ("" if other in have else
                                                                         f", and these along '{other}'"))

    def ids(run: Results, d: str) -> list[str]:
        return [str(x) for x in run.coords.get(d, [])]

    for run, label in zip(results[1:], labels[1:], strict=True):
        what = f"stack: {dim} {label!r}"
        if ids(run, "time") != ids(first, "time"):
            span = [f"{d[0]} to {d[-1]} ({len(d)} days)" if d else "no days" for d in (run.dates, first.dates)]
            raise HydroError(f"{what} covers {span[0]}, the first run {span[1]}; every run stacked covers the "
                             "same days (run them over one period)")
        if set(run.data) != set(first.data):
            differ = sorted(set(run.data) ^ set(first.data))
            raise HydroError(f"{what} has other variables than the first run ({', '.join(differ)}); stack runs "
                             "made the same way (the same apportion=, the same variables)")
        coords = sorted(d for d in set(run.coords) | set(first.coords) if ids(run, d) != ids(first, d))
        if coords or run.leading != first.leading or run.time_bounds != first.time_bounds:
            differs = f"its {', '.join(coords)} ids" if coords else "its stacked dimensions or averaging periods"
            raise HydroError(f"{what}: {differs} differ from the first run's; stack runs of one basin and "
                             "period, made the same way")


def check_period_states(res: Results, cell_methods: dict[str, str], path) -> None:
    """Refuse an aggregated file (one with ``time`` bounds) whose storages are the periods' means: files
    written before 2026-12-06 averaged them (``cell_methods = "time: mean"``), where hydro now writes and
    reads a storage of a period as its end state (``time: point``); read as one, a monthly file's water
    budget was off by the mean's lag (a backward-compatibility review, 2026-12-06).  ``cell_methods``: each
    variable's attribute in the file."""
    if res.time_bounds is None:
        return
    averaged = [n for n in res.data if n in cell_methods and cell_methods[n].strip() == "time: mean"
                and _is_state(res, n)]
    if averaged:
        raise HydroError(f"{path}: written before 2026-12-06, its storages ({', '.join(averaged[:4])}"
                         f"{' ...' if len(averaged) > 4 else ''}) are each period's mean (cell_methods 'time: mean'), "
                         "where hydro reads a period's storage as its end state: aggregate the daily file again "
                         "(load_results(DAILY).to_netcdf(OUT, spec=OutputSpec(aggregate=\"monthly\")), or run "
                         "again with --aggregate), or open this one with xarray.open_dataset, which keeps what it says")


def check_daily_steps(res: Results, path) -> None:
    """Refuse a file without ``time`` bounds (a daily file) whose times are not consecutive days: a copy
    resampled with xarray (monthly means on each month's first day) was read as a daily file of 24 days,
    ``hydro compensate`` calling every month missing (a researcher's-notebook review, 2026-12-06)."""
    times = res.coords.get("time", [])
    if res.time_bounds is not None or len(times) < 2:
        return
    steps = [(b - a).days for a, b in pairwise(times)]
    bad = next((i for i, d in enumerate(steps) if d != 1), None)
    if bad is not None:
        raise HydroError(f"{path}: its times are not consecutive days ({times[bad]} is followed by "
                         f"{times[bad + 1]}) and it has no time bounds: was it resampled, cut or joined with "
                         "xarray? hydro reads the daily files it writes and its --aggregate monthly or yearly ones "
                         "(with time_bnds); open this one with xarray.open_dataset, which takes any times")


def _is_state(res: Results, name: str) -> bool:
    try:
        return bool(res.declaration(name).state)
    except HydroError:  # not declared: the reader's other checks name it
        return False
