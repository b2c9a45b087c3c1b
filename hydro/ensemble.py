"""Weather ensembles: one basin run per member of generated (synthetic) weather.

:func:`run_ensemble` fits the stochastic weather generator (:mod:`hydro.weathergen`)
to the basin's station record, generates one series per member (seed ``seed +
member``, so each member can be reproduced alone), runs the watershed model on
each in worker processes, and stacks the chosen variables along a ``member``
dimension.  The results say they are synthetic and carry the seed.
"""

from __future__ import annotations

import os
from concurrent.futures import ProcessPoolExecutor
from datetime import date

from hydro.basin import Basin
from hydro.errors import HydroError
from hydro.progress import Progress
from hydro.results import Results, stack

#: Variables kept per member by default (a full run per member would be large).
DEFAULT_VARIABLES = ("discharge", "section_discharge", "section_tn_concentration", "section_tn_load",
                     "tn_source_load", "reservoir_storage", "reservoir_tn_concentration",
                     "reservoir_inflow", "subbasin_runoff", "subbasin_tn_source_input")


def _member(args) -> Results:
    """Run one member (in a worker process)."""
    spec, overrides, start, end, seed, member, variables = args
    from hydro.watershed import run_watershed

    basin = Basin.load(spec, overrides=overrides)
    res = run_watershed(basin, start, end, weather=member_weather(basin, start, end, seed + member))
    keep = Results(coords=res.coords, attrs=res.attrs, constituents=res.constituents)
    for name in variables:
        if name in res.data:
            keep.data[name] = res.data[name]
    return keep


def member_weather(basin: Basin, start: date, end: date, seed: int):
    """Synthetic station weather for one member: the generator fitted to the basin's
    station record, run from ``start`` to ``end`` with ``seed``."""
    from hydro.weather import read_forcing_csv
    from hydro.weathergen import fit, generate

    params = fit(read_forcing_csv(basin.folder / basin.weather.raw("csv")))
    return generate(params, start.isoformat(), end.isoformat(), seed=seed)


def run_ensemble(spec, members: int, seed: int, start: date | None = None, end: date | None = None,
                 overrides: list[str] | None = None, workers: int | None = None,
                 variables: tuple[str, ...] = DEFAULT_VARIABLES, quiet: bool = False) -> Results:
    """Run a watershed basin on ``members`` generated weather series.

    Parameters
    ----------
    spec : str or Path
        Basin folder, file or shipped name.
    members : int
        Ensemble size.
    seed : int
        Seed of member 0; member ``m`` uses ``seed + m``.
    start, end : date, optional
        Period (default the basin's ``[run]``; generated weather may cover any period).
    overrides : list of str, optional
        ``--set`` assignments.
    workers : int, optional
        Worker processes (default: all cores).
    variables : tuple of str
        Variables kept per member.
    quiet : bool
        No progress bar.

    Returns
    -------
    Results
        The variables with a ``member`` dimension; attributes ``weather_synthetic =
        true`` and ``weather_seed``.
    """
    basin = Basin.load(spec, overrides=overrides)
    if not basin.is_watershed:
        raise HydroError(f"{basin.path}: a weather ensemble needs a watershed basin (with [[subbasins]])")
    if members < 1:
        raise HydroError(f"--members must be at least 1, got {members}")
    start = start or basin.settings.start
    end = end or basin.settings.end
    tasks = [(str(basin.path), list(overrides or []), start, end, seed, m, tuple(variables))
             for m in range(members)]
    progress = Progress(members, "members", quiet=quiet)
    workers = workers or os.cpu_count() or 1
    results: list[Results] = [None] * members  # type: ignore[list-item]
    if workers == 1:
        for m, task in enumerate(tasks):
            results[m] = _member(task)
            progress.update()
    else:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            for m, res in enumerate(pool.map(_member, tasks)):
                results[m] = res
                progress.update()
    out = stack(results, "member", list(range(members)))
    out.attrs["weather_synthetic"] = "true"
    out.attrs["weather_seed"] = f"{seed}+member"
    out.attrs["ensemble_members"] = str(members)
    return out
