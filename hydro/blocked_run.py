"""``hydro run`` of a long watershed run: blocks written to the file as they finish (issue 16).

:func:`write_blocked` runs :func:`hydro.blocked.run_blocks` and writes each
block into one netCDF file defined up front with the whole time axis
(:class:`hydro.netcdf.BlockWriter`, atomic like every hydro output), keeping
only the few sums the run summary needs (:class:`hydro.run_summary.RunSummary`), so nothing of
the run is held longer than its block.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from hydro.basin import Basin

if TYPE_CHECKING:
    from hydro.run_summary import RunSummary


def blocks_for(basin: Basin, start: date, end: date, block_years: int | None) -> int | None:
    """Years per block for ``hydro run`` (``--block-years``), or None for one block.

    Default (None): blocks of :data:`hydro.blocked.DEFAULT_BLOCK_YEARS` where the basin
    can run in blocks and the run covers more calendar years than that and more reach-days
    than :data:`hydro.blocked.ONE_BLOCK_REACH_DAYS`; ``N``: blocks of N years where the run
    covers more than N; ``0``: one block.  A number given for a basin that cannot run in
    blocks is refused with the reason.
    """
    from hydro.blocked import DEFAULT_BLOCK_YEARS, ONE_BLOCK_REACH_DAYS, unblockable
    from hydro.errors import HydroError

    if block_years is not None and block_years < 0:
        raise HydroError(f"--block-years: expected 0 (one block) or a number of years >= 1, got {block_years}")
    if block_years and not basin.is_watershed:  # a number was asked for: say why it is not followed
        raise HydroError(f"{basin.path}: --block-years {block_years}: a network given its flows ([forcing], "
                         "no subbasins) runs in one block; leave --block-years out")
    if block_years == 0 or not basin.is_watershed:
        return None
    years = block_years or DEFAULT_BLOCK_YEARS
    if end.year - start.year + 1 <= years:
        return None
    if block_years is None and len(basin.network.reaches) * ((end - start).days + 1) <= ONE_BLOCK_REACH_DAYS:
        return None
    why = unblockable(basin)
    if why is None:
        return years
    if block_years is not None:
        raise HydroError(f"{basin.path}: --block-years: this basin cannot run in time blocks ({why}); "
                         "leave the option out or give --block-years 0")
    return None


def write_blocked(basin: Basin, start: date, end: date, path: Path, *, block_years: int, spec=None,
                  overwrite: bool = False, history: str = "", weather=None,
                  attrs: dict[str, str] | None = None, quiet: bool = True, from_state=None,
                  on_end=None) -> RunSummary:
    """Run ``basin`` from ``start`` to ``end`` in blocks of ``block_years`` and write its
    results to ``path`` (netCDF, atomically) as each block finishes.

    ``attrs`` are global attributes added to the file (e.g. ``weather_seed``); ``from_state`` and ``on_end``
    as :func:`hydro.blocked.run_blocks` takes them (``--from-state``, ``--save-state``).  Unless
    ``quiet``, a progress line on stderr per block written (:class:`hydro.progress.Progress`:
    blocks done, the years written, time elapsed and left), so that a run of hours is not
    silent between its start line and its summary.  Returns the run's
    :class:`hydro.run_summary.RunSummary` (``.text()`` is the run summary).
    """
    from hydro.blocked import block_periods, run_blocks, spin_up_plan
    from hydro.generated_caveats import caveats
    from hydro.netcdf import BlockWriter
    from hydro.progress import Progress
    from hydro.run_summary import RunSummary
    from hydro.series import daily_dates

    dates = daily_dates(start, end)
    years = sorted({d.year for d in dates})
    summary = RunSummary()
    spans = [last.year - first.year + 1 for first, last in block_periods(start, end, block_years)]
    n_block, most = len(spans), max(spans)
    blocks = (f"{n_block} block{'s' * (n_block > 1)} of {'at most ' * (n_block > 1)}{most} "
              f"calendar year{'s' * (most > 1)}")
    progress = Progress(n_block, "blocks", quiet=quiet)
    plan = spin_up_plan(basin, start, weather)
    if not quiet and (n_block > 1 or plan.first) and from_state is None:  # what comes before the first block's line
        progress.stream.write(f"{blocks}; first, {before_blocks(basin, start, end, weather, plan)}\n")
    ended: list = []  # the end state, saved once the results file is complete (not beside a file that failed)
    first_attrs: dict = {}  # a block's attributes: its transfers' files' spans (each block's are the files')
    with BlockWriter(path, dates, years, overwrite=overwrite, spec=spec) as out:
        for res in run_blocks(basin, start, end, block_years, history=history, weather=weather, from_state=from_state,
                              on_end=None if on_end is None else lambda *args: ended.append(args)):
            first_attrs = first_attrs or dict(res.attrs)
            summary.add(res)
            out.write(res)
            progress.update(status=f"{res.dates[0]} to {res.dates[-1]} written")
            del res  # one block in memory at a time: not this one while the next runs
        progress.finish()
        # over the blocks' (hydro.run_attributes); a transfer series that ends before generated days do
        # transfer series ended, inventory held (--synthetic-weather: the only weather a blocked run is given)
        said, notes = caveats(basin, first_attrs, start, end, generated=weather is not None)
        out.set_attrs({**(attrs or {}), "time_blocks": blocks, **said})
    for note in notes:  # caveats on the results: with quiet too
        import click

        click.echo(note, err=True)
    for args in ended:
        on_end(*args)  # (set where ended is filled)
    return summary


def before_blocks(basin: Basin, start: date, end: date, weather, plan) -> str:
    """What :func:`hydro.blocked.run_blocks` does before the first block of a run from ``start``
    to ``end`` on ``weather`` (None: the station record) with the spin-up ``plan``
    (:func:`hydro.spin_up.spin_up_plan`), in words: the water passes its numerics take
    (:mod:`hydro.store_climate`, :mod:`hydro.blocked_water`) and the spin-up's days."""
    from datetime import timedelta

    from hydro.pipeline_steps import carried_constituents
    from hydro.store_climate import covers_period, takes_period
    from hydro.watershed import Watershed

    s = basin.settings
    first, last = plan.first or start, plan.last or start
    if plan.on_record:  # the spin-up's numerics (hydro.blocked.record_spin_up): on the record
        first, end, weather = plan.first, max(s.end, plan.record_end or last), None
    carried = bool(carried_constituents(basin, None))
    said = [f"two passes of the water over {first}..{end} on the station record" if plan.on_record
            else "two passes of the water over the whole run"]
    if takes_period(basin, first, end, weather, carried, plan.on_record) and covers_period(
            basin, Watershed.from_basin(basin)):
        said = [f"two passes of the water over the basin's [run] period on the station record, {s.start}..{s.end} "
                "(the routing cells and the transport cells' water every run of the basin takes)"]
    if plan.first is None:
        return said[0]
    record = plan.record_end if plan.on_record else None
    said.append(f"the spin-up, {plan.first}..{record or last}" + (" on the station record" if plan.on_record else "")
                + (f", then on the generated weather, {record + timedelta(days=1)}..{last}" if record else "")
                + " (not written)")
    return ", then ".join(said)


def blocked_command(basin: Basin, start: date, end: date, out: Path, *, spec, overwrite: bool,
                    block_years: int | None, history: str, weather_seed: int | None, quiet: bool,
                    attrs: dict[str, str] | None = None, states: tuple = (None, None, [])) -> bool:
    """``hydro run``'s blocked path: run and write ``basin`` in blocks and print the summary
    if :func:`blocks_for` says it runs in blocks, or where ``states`` (``--from-state``, ``--save-state``
    paths) name a state file; False (nothing done) if it runs in one.  ``attrs``:
    global attributes added to the file (a ``--params`` file's, :mod:`hydro.provenance`)."""
    import click

    n_years = blocks_for(basin, start, end, block_years) or (end.year - start.year + 1 if any(states[:2]) else None)
    if not n_years:
        return False
    from hydro.model_state import state_files

    from_state, on_end = state_files(basin, states, weather_seed, overwrite)
    weather, attrs = None, dict(attrs or {})
    if weather_seed is not None:
        from hydro.ensemble import member_weather

        weather = member_weather(basin, start, end, weather_seed)
        attrs["weather_seed"] = str(weather_seed)
    summary = write_blocked(basin, start, end, out, block_years=n_years, spec=spec, overwrite=overwrite,
                            history=history, weather=weather, attrs=attrs, quiet=quiet, from_state=from_state,
                            on_end=on_end)
    if not quiet:
        click.echo(summary.text())
        click.echo(f"written: {out}")
    return True
