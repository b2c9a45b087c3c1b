"""The ``hydro`` command line: a thin click group over the Python API.

Size: the click group with every command's options, which click declares beside each command; the commands'
logic is in the library.

Commands parse arguments, call the library and print.  A :class:`~hydro.errors.HydroError`
(a user mistake) becomes a one-paragraph message on stderr and exit status 2,
never a traceback.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator

import click

from hydro import __version__
from hydro.errors import HydroError
from hydro.clitools import command_history as _history
from hydro.clitools import MEMBERS, shipped_or_given


#: Commands whose code lives with their feature, imported only when used (so
#: ``hydro run`` does not pay for importing calibration, scenarios or reports).
_LAZY_COMMANDS = {
    "calibrate": "hydro.calibration.cli:calibrate_command",
    "gep": "hydro.gep_cli:gep_command",
    "report": "hydro.report:report_command",
    "scenarios": "hydro.scenarios.cli:scenarios_command",
    "target": "hydro.target_cli:target_command",
}


#: Commands that run kernels but whose code lives elsewhere: the group prints the
#: first-run compile notice for them (unless -q).
#: (the kernel modules they use, whether the notice needs every one of them cold: a
#: calibration or validation may use only some, so only a fresh cache is announced).
_COMPILING_COMMANDS = {"calibrate": True, "scenarios": False}


class _Group(click.Group):
    """A click group that turns user mistakes into exit status 2 without a traceback,
    and loads feature commands on first use."""

    def list_commands(self, ctx):
        return sorted(set(super().list_commands(ctx)) | set(_LAZY_COMMANDS))

    def get_command(self, ctx, name):
        if name in _LAZY_COMMANDS and name not in self.commands:
            import importlib

            module, attr = _LAZY_COMMANDS[name].split(":")
            self.add_command(getattr(importlib.import_module(module), attr), name)
        return super().get_command(ctx, name)

    def parse_args(self, ctx, args):
        ctx.meta["hydro.argv"] = list(args)
        return super().parse_args(ctx, args)

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        """Click's main; the process's own command (``args`` from ``sys.argv``, standalone) ends at once
        where a command said it is done (:func:`_exit_now`)."""
        self.finished = False
        try:
            return super().main(args, prog_name, complete_var, standalone_mode, **extra)
        except SystemExit as exc:
            if self.finished and args is None and standalone_mode and exc.code in (0, None):
                _exit_now()
            raise

    def invoke(self, ctx):
        import signal

        from hydro import signals

        argv = ctx.meta.get("hydro.argv", [])
        name = next((a for a in argv if not a.startswith("-")), "")
        if name in _COMPILING_COMMANDS and not set(argv) & {"-q", "--quiet", "-h", "--help"}:
            from hydro.clitools import compile_notice

            compile_notice(every=_COMPILING_COMMANDS[name])  # `run` and `validate` say it themselves
        try:
            with signals.handle_signals(), _small_pages(name == "run"), _fewer_collections(name == "run"):
                value = super().invoke(ctx)
                signals.raise_if_signalled()  # a signal whose exception library code swallowed
                self.finished = bool(ctx.meta.get(_FINISHED))
                return value
        except HydroError as exc:
            click.echo(f"Error: {exc}", err=True)
            sys.exit(2)
        except MemoryError as exc:  # a run too large for this machine (numpy says what it tried): no traceback
            click.echo(f"Error: out of memory ({exc or 'MemoryError'}): the work asked for is too large for this "
                       "machine. Make it smaller: fewer cells (run.cell_length_km, a reach's cells), a shorter "
                       "period (--start/--end), a long run in blocks (--block-years), fewer --variables or "
                       "--locations, fewer members or --workers", err=True)
            sys.exit(1)
        except KeyboardInterrupt as exc:  # Ctrl-C (130) or SIGTERM (143): one line, no "Aborted!"
            status = signals.exit_status(exc)
            name = "terminated (SIGTERM)" if status == 143 else "interrupted (Ctrl-C)"
            newline = "\n" if sys.stderr.isatty() else ""  # after a progress bar's line; not into a log (-q)
            click.echo(f"{newline}{name}: stopped; no file was left half-written", err=True)
            sys.exit(status)
        except SystemExit as exc:
            # a command that handled Ctrl-C itself (calibrate: exit 130) was in fact terminated
            if exc.code == 130 and signals.received == signal.SIGTERM:
                sys.exit(143)
            raise


@contextlib.contextmanager
def _small_pages(on: bool = True) -> Iterator[None]:
    """NumPy's advice to the kernel that its large arrays use transparent huge pages, off while a command
    runs (``on``; unless ``NUMPY_MADVISE_HUGEPAGE`` chooses).  A page of 2 MB is zeroed, and where memory is
    fragmented first compacted, when first touched: a warm ``hydro run miyun`` spent 1.3-1.55 s of system
    time with the advice and 0.6-0.65 s without, its user time the same (4.5-5.2 s; three runs each,
    alternating, at load 4.3-4.7), the transport's lanes 0.7-0.9 s of it against 0.2 (issue 14).  What is
    computed does not change: only how memory is mapped."""
    import os

    setter = None
    if on and "NUMPY_MADVISE_HUGEPAGE" not in os.environ:
        import importlib

        for module in ("numpy._core.multiarray", "numpy.core.multiarray"):  # NumPy 2, NumPy 1
            with contextlib.suppress(ImportError):
                setter = getattr(importlib.import_module(module), "_set_madvise_hugepage", None)
                break
    before = setter(False) if setter else None
    try:
        yield
    finally:
        if setter:
            setter(before)


#: Python's cyclic garbage collector while ``hydro run`` runs: a young generation of 20,000 objects
#: rather than 700 (:func:`gc.set_threshold`; the older generations' as Python's).
RUN_GC_THRESHOLDS = (20_000, 10, 10)


@contextlib.contextmanager
def _fewer_collections(on: bool = True) -> Iterator[None]:
    """Python's garbage collector at :data:`RUN_GC_THRESHOLDS` while a command runs (``on``).  Numba's
    cached kernels load as hundreds of thousands of objects, which every full collection walks: a warm
    ``hydro run miyun`` spent 0.21-0.36 s in 272 collections (two full ones 0.14-0.23 s) and 0.09 s in 19
    with these thresholds (load 4-6), with the same peak memory; cycles are still collected, less often."""
    import gc

    before = gc.get_threshold()
    if on:
        gc.set_threshold(*RUN_GC_THRESHOLDS)
    try:
        yield
    finally:
        gc.set_threshold(*before)


def _load_frozen(*args):
    """:func:`hydro.clitools.load_basin` (``args``), Python's garbage collector off meanwhile, then every
    object alive so far (the imported modules, Numba's, the basin) moved out of its reach
    (:func:`gc.freeze`) and the collector back on.  Reading a 10,000-reach basin leaves some 4e5 objects,
    all alive, in the youngest generation: the collections of a run walked them again and again (0.13 s
    of collections at 10,000 reaches, 0.03 s with them frozen; Miyun's 0.03 s either way).  Cycles made
    while reading stay until the process ends, which ``hydro run`` ends as soon as its file is written."""
    import gc

    from hydro.clitools import load_basin

    was = gc.isenabled()
    gc.disable()
    try:
        return load_basin(*args)
    finally:
        gc.freeze()
        if was:
            gc.enable()


#: ``ctx.meta`` key a command sets (:func:`_finished`) once its files are written and closed and its
#: lines printed: nothing is left for the interpreter's clean-up to do but free memory.
_FINISHED = "hydro.finished"


def _finished() -> None:
    """Say that the running command is done (:data:`_FINISHED`; :func:`_exit_now` ends the process)."""
    click.get_current_context().meta[_FINISHED] = True


def _exit_now() -> None:
    """End the process now, with status 0, skipping the interpreter's clean-up: freeing every object
    (Numba's thousands, the run's arrays), 0.2-0.8 s of a warm ``hydro run miyun`` (issue 14) for
    nothing the command left to do.  ``atexit`` functions still run (a coverage measurement's, say),
    and output is flushed first; returns instead (the normal exit) where output is captured or
    cannot be flushed (a closed pipe), another thread still runs, or a profiler, tracer or debugger
    watches (``python -m cProfile -o FILE -m hydro run``: it writes FILE after the command returns)."""
    import atexit
    import os
    import threading

    watched = sys.gettrace() is not None or sys.getprofile() is not None
    if watched or threading.active_count() > 1 or (sys.stdout, sys.stderr) != (sys.__stdout__, sys.__stderr__):
        return
    if not _flushed():
        return
    atexit._run_exitfuncs()
    _flushed()
    os._exit(0)


def _flushed() -> bool:
    """Whether stdout and stderr could be flushed."""
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):
        return False
    return True


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="hydro")
def main() -> None:
    """hydro: total nitrogen (TN) in the Miyun and Guanting watersheds.

    Simulate runoff and nitrogen transport along river networks with reservoirs,
    verify the solver, and write CF-1.8 netCDF results that open in xarray.

    \b
    Start here:
      hydro run configs/examples/tiny        simulate the shipped example network
      hydro validate --quick                 run the fast verification cases
      hydro info RESULTS.nc                  what a basin, config or result holds
    """


@main.command("run")
@click.argument("basin", callback=shipped_or_given)
@click.option("--start", help="First day, YYYY-MM-DD (default: the basin's [run] start).")
@click.option("--end", help="Last day, YYYY-MM-DD (default: the basin's [run] end).")
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Results file (netCDF). Default: BASIN.nc here.")
@click.option("--overwrite", is_flag=True, help="Replace the output file if it exists.")
@click.option("--compress", type=click.IntRange(0, 9), default=None,
              help="Compression level of the netCDF variables (default 1; 0: uncompressed, fastest).")
@click.option("--codec", type=click.Choice(["zlib", "zstd"]), default=None,
              help="Compression filter: zlib (default; every netCDF reader decodes it) or zstd (about 4x "
                   "faster to write, about a tenth larger; readers need the HDF5 zstd filter, as netCDF4's "
                   "wheels have).")
@click.option("--set", "overrides", multiple=True, metavar="KEY=VALUE",
              help="Override a basin-file value, e.g. --set run.courant=0.5 or "
                   "--set constituents.tn.river_removal_per_day=0.1 (repeatable).")
@click.option("--params", type=click.Path(exists=True, dir_okay=False),
              help="Parameters TOML written by `hydro calibrate` (its overrides apply before --set).")
@click.option("--members", type=MEMBERS, help="Run a weather ensemble of this many members (synthetic "
              "weather fitted to the basin's station record); results get a member dimension.")
@click.option("--seed", type=click.IntRange(0), default=1, show_default=True,
              help="Seed of member 0 (member m uses seed+m).")
@click.option("--synthetic-weather", "weather_seed", type=click.IntRange(0), metavar="SEED",
              help="One run on synthetic weather (the generator fitted to the basin's station record, "
                   "with this seed), e.g. to simulate years the record does not cover.")
@click.option("--workers", type=int, help="Worker processes for an ensemble (default: all cores).")
@click.option("--scheduler", metavar="ADDRESS",
              help="Run the ensemble members on this Dask scheduler (tcp://host:8786).")
@click.option("--dask-workers", type=click.IntRange(1),
              help="Run the ensemble members on a local Dask cluster of N workers.")
@click.option("--variables", multiple=True, metavar="NAME[,NAME]",
              help="Variables to write, or groups: all, default, species_sources (default: every variable "
                   "but species_sources; repeatable).")
@click.option("--locations", multiple=True, metavar="ID[,ID]",
              help="Reaches, sections, reservoirs, gauges or subbasins to write (default: all; repeatable).")
@click.option("--aggregate", type=click.Choice(["daily", "monthly", "yearly"]),
              help="Write months or years instead of days: fluxes and concentrations as means, storages at the "
                   "period's end (default: the basin's [output], else daily).")
@click.option("--float32/--float64", "float32", default=None,
              help="Store concentrations, loads and flows as 32- or 64-bit floats (default: 32 for the "
                   "apportionment by source, 64 for the rest; budgets and storages are always 64-bit).")
@click.option("--block-years", type=int, metavar="N",
              help="Run a long watershed run in blocks of N calendar years, each written to the file as it "
                   "finishes, so memory does not grow with the run (default: blocks of 5 years for runs of "
                   "more than 5 years and 500,000 reach-days; 0: always one block).")
@click.option("--save-state", type=click.Path(dir_okay=False), metavar="FILE",
              help="Also write the state at the run's end (valid for the day after) to FILE, to continue from "
                   "with --from-state (a watershed basin on observed weather).")
@click.option("--from-state", type=click.Path(dir_okay=False), metavar="FILE",
              help="Start from a state --save-state wrote (its day must be --start) instead of spinning the model "
                   "up from the basin's start; --set values for the start still win.")
@click.option("-q", "--quiet", is_flag=True, help="Print only errors and notes on the results (no progress bar).")
@click.option("--scenario", metavar="S",
              help="Run scenario S of a scenario file: its measures applied, its costs added (the S member of "
                   "`hydro scenarios`). The file: --scenario-file, else the one shipped for the basin "
                   "(configs/scenarios/NAME.toml). baseline: the basin as its file stands.")
@click.option("--scenario-file", type=click.Path(dir_okay=False), callback=shipped_or_given, metavar="SCENARIOS.toml",
              help="With --scenario: the scenario file that defines S (default: the basin's shipped one).")
def run_command(basin, start, end, output, overwrite, compress, overrides, params, members, seed, weather_seed,
                workers, quiet, scheduler=None, dask_workers=None, variables=(), locations=(), aggregate=None,
                float32=None, block_years=None, codec=None, scenario=None, scenario_file=None, save_state=None,
                from_state=None):
    """Simulate one basin and write its results to netCDF.

    BASIN is a folder with basin.toml, the file itself, or a shipped name
    (see `hydro info basins`); or a catchment TOML (GR4J on one catchment), e.g.
    with the parameters `hydro calibrate` found: hydro run catchment.toml --params
    best_params.toml.
    """
    from pathlib import Path

    from hydro.basin import parse_date
    from hydro.clitools import (FLOW_DRIVEN_MODULES, KERNEL_MODULES, compile_notice, is_catchment_file,
                                refuse_past_record, refuse_seed_without_members)
    from hydro.netcdf import check_writable
    from hydro.outputspec import check_netcdf_name
    from hydro.outputspec import check_request, check_something_kept, spec_for_run
    from hydro.scenario_run import scenario_command, scenario_mode
    from hydro.simulation import check_period
    from hydro.run_summary import run_summary

    refuse_seed_without_members(members)
    _refuse_empty(output, variables, locations)
    catchment = is_catchment_file(basin)
    measured = scenario_mode(scenario, scenario_file, catchment=catchment, members=members,  # before any work
                             weather_seed=weather_seed, block_years=block_years, distributed=scheduler or dask_workers)
    _refuse_option_clashes(members, weather_seed, workers, scheduler or dask_workers, block_years)
    overrides, n_params = _with_params(params, basin, catchment, overrides)
    s, e = (None if text is None else parse_date(text, option)  # --start "" is a mistake, not an absence
            for text, option in ((start, "--start"), (end, "--end")))
    if catchment and (from_state or save_state):
        raise HydroError("--from-state and --save-state continue one run of a watershed basin (with [[subbasins]]); "
                         "a catchment file's run has no state to save: leave them out")
    if catchment:
        return _run_catchment(basin, s, e, output, overwrite, compress, overrides, members, weather_seed, quiet, codec,
                              ignored=(variables, locations, aggregate, float32, block_years), given=(params, n_params))
    b = _load_frozen(basin, overrides, params, n_params)
    states = _states(b, from_state, save_state, members or scenario is not None, overrides, output)
    s = s or _state_start(from_state)  # a continued run starts on its state's day
    check_period(b, s, e)
    if (members or weather_seed is not None) and not b.is_watershed:  # before the start line, not after it
        raise HydroError(f"{b.path}: {'a weather ensemble (--members)' if members else '--synthetic-weather'} "
                         "needs a watershed basin (with [[subbasins]])")
    _fit_weather_generator(b, members, weather_seed)  # a record it cannot be fitted to: before the start line
    if measured:  # scenario S of a scenario file, its measures applied (hydro.scenario_run)
        return scenario_command(b, basin, scenario, scenario_file, s, e, output, overrides=overrides, params=params,
                                output_options=(variables, locations, aggregate, float32, compress, codec),
                                overwrite=overwrite, quiet=quiet, history=_history(), weather_seed=weather_seed)
    refuse_past_record(b, e, generated=bool(members) or weather_seed is not None, start=s)
    out = Path(output) if output else Path(f"{b.name}.nc")
    check_writable(out, overwrite, inputs=(b.path, params))
    check_netcdf_name(out, "hydro run")
    compile_notice(quiet, KERNEL_MODULES if b.is_watershed or members or weather_seed is not None
                   else FLOW_DRIVEN_MODULES)
    spec = spec_for_run(b, variables, locations, aggregate, float32, compress, codec)
    check_request(b, spec)  # unknown variables and ids: before the run, not after it
    check_something_kept(b, spec)  # nor a group of nothing: before an ensemble's members or the first block
    _start_line(b, s or b.settings.start, e or b.settings.end, members, weather_seed, quiet, from_state)
    from_params = (params, overrides[:n_params]) if params else None  # recorded (hydro.provenance)
    if members:
        from hydro.ensemble import ensemble_command

        ensemble_command(basin, members, seed, out, s, e, overrides=overrides, workers=workers,
                         scheduler=scheduler, dask_workers=dask_workers, output=spec, overwrite=overwrite,
                         quiet=quiet, history=_history(), attrs=_params_attributes(from_params), basin=b)
        return
    from hydro.blocked_run import blocked_command

    s, e = s or b.settings.start, e or b.settings.end
    if blocked_command(b, s, e, out, spec=spec, overwrite=overwrite, block_years=block_years, history=_history(),
                       weather_seed=weather_seed, quiet=quiet, attrs=_params_attributes(from_params),
                       states=states):
        return _finished()  # a long run, written block by block (hydro.blocked)
    results = _run_and_write(b, s, e, out, overwrite, spec, weather_seed, from_params)
    if not quiet:  # (an ensemble returned above)
        click.echo(run_summary(results))
        click.echo(f"written: {out}")
    _finished()


def _state_start(from_state):
    """The day the state file ``from_state`` is for (None without one): ``--from-state`` without ``--start``."""
    if not from_state:
        return None
    from hydro.model_state import state_day

    return state_day(from_state)


def _states(b, from_state, save_state, batch, overrides, output) -> tuple:
    """``(--from-state, --save-state, parameters)``: state files of a watershed basin's one run (not an
    ensemble's or a scenario's, ``batch``) and what its ``--set``/``--params`` assignments make of its
    parameters (:func:`hydro.state_fit.parameters_of`: a state is continued only with the same)."""
    from pathlib import Path

    from hydro.state_fit import parameters_of

    if (from_state or save_state) and (batch or not b.is_watershed):
        raise HydroError("--from-state and --save-state continue one run of a watershed basin (with [[subbasins]]); "
                         "leave them out" + (" of an ensemble (--members) or a --scenario run" if batch else ""))
    if save_state and output and Path(save_state).resolve() == Path(output).resolve():
        raise HydroError(f"--save-state {save_state} is the results file (-o): give the state a file of its own")
    return from_state, save_state, parameters_of(overrides)


def _params_attributes(from_params, initial_state: str | None = None) -> dict[str, str]:
    """:func:`hydro.provenance.params_attributes` of ``from_params``, the ``--params`` file and its
    assignments (``{}`` for None: a run without ``--params``)."""
    from hydro.provenance import params_attributes

    if not from_params:
        return {}
    params, assignments = from_params
    return params_attributes(params, assignments, initial_state)


def _run_and_write(b, s, e, out, overwrite: bool, spec, weather_seed, from_params=None):
    """Run basin ``b`` from ``s`` to ``e`` once (on synthetic weather of ``weather_seed`` if not None) and
    write its results to ``out``, a watershed's known before its transport while it runs
    (:class:`hydro.netcdf_overlap.OverlappedWrite`); return the results.  ``from_params``: the ``--params``
    file and its assignments, recorded (:func:`_params_attributes`)."""
    from hydro.netcdf_overlap import OverlappedWrite
    from hydro.simulation import run

    with OverlappedWrite(out, overwrite, spec) as writer:  # as to_netcdf, in -o's words (a file written meanwhile)
        if weather_seed is not None:
            from hydro.ensemble import member_weather
            from hydro.pipeline import run_watershed

            from hydro.generated_caveats import caveats

            results = run_watershed(b, s, e, history=_history(), weather=member_weather(b, s, e, weather_seed),
                                    on_water=writer.water)
            results.attrs["weather_seed"] = str(weather_seed)
            said, notes = caveats(b, results.attrs, results.dates[0], results.dates[-1], generated=True)
            results.attrs.update(said)  # transfer series ended, inventory held: caveats, with --quiet too
            for note in notes:
                click.echo(note, err=True)
        else:
            results = run(b, s, e, history=_history(), on_water=writer.water)
        results.attrs.update(_params_attributes(from_params, results.attrs.get("initial_state")))
        writer.finish(results)
    return results


def _fit_weather_generator(b, members, weather_seed) -> None:
    """Fit the weather generator of a run on generated weather (``--members``, ``--synthetic-weather``)
    before its start line: a station record it cannot be fitted to was said after it.  Fitted once per
    process (:func:`hydro.ensemble.weather_generator`): the run takes it from the cache."""
    if members or weather_seed is not None:
        from hydro.ensemble import weather_generator

        weather_generator(b)


def _start_line(b, first, last, members, weather_seed, quiet: bool = False, from_state=None) -> None:
    """Say on stderr what ``hydro run`` simulates (its days, an ensemble's members: progress, not with
    ``quiet``; a long run is not silent) and, where it does not start on the basin's ``[run] start``, what
    it starts from (:func:`hydro.clitools.note_late_start`: a caveat on the results, so with ``quiet`` too,
    as ``hydro run --scenario -q`` and ``hydro scenarios -q`` print theirs)."""
    from hydro.clitools import note_estimated_weather, note_late_start

    if not quiet:
        click.echo(f"simulating {b.name}: {first} to {last} ({(last - first).days + 1} days"
                   + (f", {members} members" if members else "") + ")…", err=True)
    generated = weather_seed is not None or bool(members)
    if from_state:  # no spin-up: the state saved by the run before (and the code that saved it, where not this)
        from hydro.state_file import load_state
        from hydro.state_fit import saved_by

        by = saved_by(load_state(from_state)[1])
        click.echo(f"note: this run starts on {first} from the state in {from_state}, not spun up from "
                   f"{b.settings.start}; values given with --set for {first} still win" + by, err=True)
    else:
        note_late_start(b, first, generated=generated, end=last)
    note_estimated_weather(b, first, last, generated)


def _refuse_option_clashes(members, weather_seed, workers, distributed, block_years) -> None:
    """Options of ``hydro run`` that cannot go together or take no such value, refused before the basin
    loads: a negative ``--block-years`` and ``--workers 0`` were refused after the start line, and
    ``--workers`` without ``--members`` or ``--synthetic-weather`` with it were ignored without a word."""
    if block_years is not None and block_years < 0:
        raise HydroError(f"--block-years: expected 0 (one block) or a number of years >= 1, got {block_years}")
    if members and weather_seed is not None:
        raise HydroError("--synthetic-weather SEED is one run on generated weather, --members N an ensemble of "
                         "them (member m on seed --seed + m): give one of the two")
    if distributed and not members:
        raise HydroError("--scheduler and --dask-workers run the members of an ensemble: add --members N")
    if workers is not None and not members:
        raise HydroError("--workers sets the processes that run an ensemble's members, and there is none: add "
                         "--members N, or leave out --workers")
    if workers is not None and workers < 1:
        raise HydroError(f"--workers must be >= 1, got {workers}")
    if members and block_years:
        raise HydroError("--block-years cuts one long run into blocks; ensemble members run in one block each "
                         "(leave out --block-years, or --members)")


def _refuse_empty(output: str | None, variables=(), locations=()) -> None:
    """Refuse ``-o ""`` (``-o "$OUT"`` with OUT unset), which wrote BASIN.nc without a word, and a
    ``--variables`` or ``--locations`` that names nothing (``""``, ``","``), which wrote everything."""
    from hydro.clitools import refuse_empty_output

    refuse_empty_output(output, "-o", "a name ending in .nc", "for the default, BASIN.nc in the current folder")
    for option, values in (("--variables", variables), ("--locations", locations)):
        for text in values:
            if not any(part.strip() for part in text.split(",")):
                raise HydroError(f"{option} {text!r}: names nothing; give one or more names separated by commas, "
                                 f"or leave {option} out for " + ("the default variables" if option == "--variables"
                                                                  else "every location"))


def _with_params(params, basin, catchment: bool, overrides) -> tuple[tuple, int]:
    """The run's overrides: those of the ``--params`` file (checked to fit ``basin``) before the
    ``--set`` ones, and how many came from the file."""
    if not params:
        return tuple(overrides), 0
    from hydro.calibration import read_params
    from hydro.clitools import check_params_fit

    check_params_fit(params, basin, catchment)
    from_params = tuple(read_params(params))
    return from_params + tuple(overrides), len(from_params)


def _run_catchment(path, start, end, output, overwrite, compress, overrides, members, weather_seed, quiet,
                   codec=None, ignored=(None, None, None, None, None), given=(None, 0)):
    """``hydro run CATCHMENT.toml``: GR4J (and CemaNeige) on a lumped catchment, e.g. with the
    parameters of ``hydro calibrate`` (``--params best_params.toml``).  ``ignored``: the values of
    ``--variables``, ``--locations``, ``--aggregate``, ``--float32/--float64`` and ``--block-years``,
    options of a basin's run that a catchment's does not take (they were ignored without a word); ``given``:
    the ``--params`` file and how many of ``overrides`` come from it (their messages name it, not --set)."""
    from pathlib import Path

    from hydro.catchment_cli import catchment_summary, catchment_with_overrides, run_catchment_file
    from hydro.clitools import compile_notice
    from hydro.netcdf import check_writable, write_results
    from hydro.outputspec import check_netcdf_name
    from hydro.tomlio import load_toml

    if members or weather_seed is not None:
        raise HydroError(f"{path}: --members and --synthetic-weather need a watershed basin; a catchment "
                         "file runs on the forcing CSV it names")
    unused = [name for name, value in zip(("--variables", "--locations", "--aggregate", "--float32/--float64",
                                           "--block-years"), ignored, strict=True) if value not in (None, ())]
    if unused:
        raise HydroError(f"{path}: {', '.join(unused)}: a catchment run writes its few daily series whole (runoff, "
                         "precipitation, actual ET, simulated and observed discharge), in one block; leave "
                         + ("them" if len(unused) > 1 else "it") + " out (options of a basin's run)")
    if start and end and end < start:
        raise HydroError(f"the run ends ({end}) before it starts ({start}); swap --start and --end")
    catchment_with_overrides(path, overrides, *given)  # the file and every value, before any output check or work
    out = Path(output) if output else Path(f"{load_toml(path).get('name', Path(path).stem)}.nc")
    check_writable(out, overwrite, inputs=(path,))
    check_netcdf_name(out, "hydro run")
    compile_notice(quiet, ("_runoff_kernels",))
    results = run_catchment_file(path, overrides, start, end, history=_history())
    results.attrs.update(_params_attributes((given[0], overrides[:given[1]]) if given[0] else None))
    from hydro.outputspec import OutputSpec

    spec = OutputSpec(codec=codec) if codec else None
    write_results(results, out, overwrite, compress, spec)  # as to_netcdf, in -o's words
    if not quiet:
        click.echo(catchment_summary(results))
        click.echo(f"written: {out}")


@main.command("info")
@click.argument("path", callback=shipped_or_given)
def info_command(path):
    """Summarise a basin (folder, file or shipped name), a results file, a config or a saved state (.npz).

    `hydro info basins` lists the shipped basins and examples.
    """
    from hydro.summary import describe

    click.echo(describe(path))


@main.command("validate")
@click.argument("cases", nargs=-1)
@click.option("--quick", is_flag=True, help="Only the fast cases (those CI runs).")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list of {case, metric, value, tolerance, passed}.")
@click.option("--list", "list_only", is_flag=True,
              help="List the cases and exit (with --json: a JSON list of {case, layer, quick, description}).")
@click.option("-q", "--quiet", is_flag=True,
              help="No progress (the case names on stderr); the text report keeps its failed checks and "
                   "the count.")
def validate_command(cases, quick, as_json, list_only, quiet):
    """Run verification cases: analytical, reference, peer and data.

    A CASE is a listed case's name, or the path of a basin folder of your own holding an
    observations.toml (docs/commands/validate.md). Exit status 1 if any check fails.
    """
    import json

    from hydro.validation import run_cases
    from hydro.validation.registry import select_cases

    if list_only:  # what the same command without --list runs (it listed every case whatever was named)
        listed = select_cases(cases, quick)
        if as_json:  # --json printed the text listing, which no JSON reader takes
            click.echo(json.dumps([{"case": c.name, "layer": c.layer, "quick": c.quick,
                                    "description": c.description} for c in listed], indent=1))
            return
        for c in listed:
            click.echo(f"{c.name:28s} {c.layer:12s} {'quick' if c.quick else 'long ':5s}  {c.description}")
        return
    from hydro.clitools import compile_notice

    def progress(case):  # on stderr in both forms, so that --json output on stdout stays clean
        if not quiet:
            click.echo(f"-- {case.name}: {case.description}", err=True)

    compile_notice(quiet, every=True)
    checks = run_cases(cases, quick=quick, progress=progress)
    if as_json:
        click.echo(json.dumps([c.as_json() for c in checks], indent=1))
    else:
        sign = {"max": "<=", "min": ">=", "abs": "|.|<="}
        for c in checks:
            if quiet and c.passed:
                continue
            click.echo(f"{'PASS' if c.passed else 'FAIL'}  {c.case:26s} {c.metric:36s} "
                       f"{c.value:12.4g} {sign[c.kind]:5s} {c.tolerance:.3g}")
        failed = sum(not c.passed for c in checks)
        dependent = sum(c.passed and not c.independent for c in checks)
        apart = (f" ({dependent} of them not independent: fitted to the figure, an input set from it, or "
                 "following from fitted figures)" if dependent else "")
        click.echo(f"{len(checks) - failed} passed{apart}, {failed} failed")
    if any(not c.passed for c in checks):
        sys.exit(1)


@main.command("compensate")
@click.argument("series_path", metavar="RESULTS.nc|MONITORING.csv", callback=shipped_or_given)
@click.argument("agreement", metavar="AGREEMENT.toml", callback=shipped_or_given)
@click.option("--scenario", help="Scenario name (or index) in a results file with a scenario dimension.")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list of payment records.")
@click.option("--csv", "csv_out", type=click.Path(dir_okay=False), help="Also write the payments as CSV.")
@click.option("--overwrite", is_flag=True, help="Replace the --csv file, or the --plot figure, if it exists.")
@click.option("--scenarios", "incentives", is_flag=True,
              help="RESULTS.nc is a `hydro scenarios` file: print the incentives table (what each payee "
                   "receives minus what its measures cost; what each payer pays per kg of N kept out).")
@click.option("--scenario-file", type=click.Path(dir_okay=False), callback=shipped_or_given,
              help="With --scenarios: the scenario TOML (default: the one recorded in the file).")
@click.option("--set", "overrides", multiple=True, metavar="KEY=VALUE",
              help="Override an agreement value, e.g. --set period=[2013,2017] to apply the rules to "
                   "simulated years (repeatable).")
@click.option("--skip-unavailable", is_flag=True,
              help="Leave out rule parameters the series has no data for (e.g. TP, NH3-N, CODMn on a "
                   "TN-only simulation) and list them, instead of stopping.")
@click.option("--uncertainty", "members", type=int, metavar="N",
              help="Payments as distributions over N members: monitoring error and the agreement's ranged "
                   "prices drawn, and the weather too when the first argument is a basin (median, 5-95 %, "
                   "probability of paying; docs/agreements.md).")
@click.option("--seed", type=click.IntRange(0), default=0, show_default=True,
              help="With --uncertainty: the random seed.")
@click.option("--workers", type=int, help="With --uncertainty: local worker processes (default one per core; "
                                          "1 runs in this process).")
@click.option("--scheduler", metavar="ADDRESS", help="With --uncertainty: run the members on this Dask scheduler.")
@click.option("--parameters-from", type=click.Path(file_okay=False), metavar="DIR",
              help="With --uncertainty on a basin: draw model parameters from this calibration folder of the "
                   "basin (its best 10 % of evaluations).")
@click.option("--plot", "plot_out", type=click.Path(dir_okay=False), metavar="FIG.png",
              help="With --uncertainty: also draw the bands (median, 5-95 %, probability of paying) to a "
                   "figure (png, pdf or svg).")
@click.option("-q", "--quiet", is_flag=True,
              help="With --uncertainty: no progress on stderr (failures and notes still go there).")
@click.option("--quality", is_flag=True,
              help="With --json: print an object, the payments (or --scenarios rows) under \"payments\" "
                   "(\"incentives\") and the water-quality tables the text shows under \"classes\" (GB 3838 "
                   "class per section, month and parameter) or \"effects\" (--scenarios: each scenario's "
                   "change of every parameter and of the quality payments).")
def compensate_command(series_path, agreement, scenario, as_json, csv_out, overwrite, incentives, scenario_file,
                       overrides, skip_unavailable, members, seed, workers, scheduler, parameters_from, plot_out,
                       quiet=False, quality=False):
    """Payments per year, section, component, payer and payee under an agreement.

    The series is a hydro results file or a monitoring CSV of monthly section
    means (docs/agreements.md).  Missing months are reported, never filled.  A CSV of
    published figures infers an unpublished price; --scenarios takes a scenarios file;
    --uncertainty takes a basin (or results) and draws the agreement's ranges.

    \f
    Size: one command with four modes (uncertainty, scenarios, published figures, a series), each checking its
    option combinations before its library call.
    """
    import json

    from hydro.clitools import files_read, refuse_empty_output, refuse_seed_without_uncertainty
    from hydro.outputs import check_output
    from hydro.output_names import check_csv_name

    refuse_seed_without_uncertainty(members)
    refuse_empty_output(csv_out, "--csv", "a name ending in .csv", "to print the payments only")
    refuse_empty_output(plot_out, "--plot", "a figure name (.png, .pdf or .svg)", "to print the bands only")
    inputs = files_read(series_path, agreement, scenario_file)  # series_path may be a basin (--uncertainty)
    if csv_out:
        check_output(csv_out, overwrite, option="--csv", inputs=inputs)
        check_csv_name(csv_out, "hydro compensate", "the payments as CSV", "--csv")  # after the inputs' check
    if plot_out:
        if members is None:
            raise click.UsageError("--plot goes with --uncertainty (for one evaluation: hydro plot RESULTS.nc "
                                   "compensation --agreement AGREEMENT.toml)")
        check_output(plot_out, overwrite, option="--plot", inputs=inputs)
    if members is not None:  # payments with uncertainty (hydro/compensation/uncertainty.py)
        if incentives or scenario or quality:
            raise click.UsageError("--uncertainty takes neither --scenarios, --scenario nor --quality")
        from hydro.compensation.uncertainty import compensate_uncertainty

        compensate_uncertainty(series_path, agreement, members, seed=seed, overrides=tuple(overrides),
                               skip_unavailable=skip_unavailable, as_json=as_json, csv_out=csv_out,
                               overwrite=overwrite, workers=workers, scheduler=scheduler,
                               parameters_from=parameters_from, plot_out=plot_out, quiet=quiet)
        return
    if (workers or scheduler or parameters_from or quiet) and members is None:
        raise click.UsageError("--workers, --scheduler, --parameters-from and --quiet go with --uncertainty (the "
                               "other modes print no progress)")
    if quality and not as_json:
        raise click.UsageError("--quality goes with --json (the text output always shows the quality tables)")
    if scenario is not None and incentives:
        raise click.UsageError("--scenarios gives every scenario's incentives; --scenario S evaluates one "
                               "scenario's payments (hydro compensate SCENARIOS.nc AGREEMENT.toml --scenario S)")
    if scenario_file and not incentives:
        raise click.UsageError("--scenario-file goes with --scenarios (the scenario file of its incentives table)")
    if incentives:
        from hydro.scenarios.cli import compensate_scenarios
        from hydro.scenarios.summary import effects_output

        from hydro.provenance import compensation_provenance

        record = compensation_provenance(series_path, agreement, overrides)  # docs/commands/compensate.md
        if not (as_json and quality):  # the incentives table (JSON: its list of rows, unchanged)
            compensate_scenarios(series_path, agreement, scenario_file, as_json, csv_out, overwrite=overwrite,
                                 skip_unavailable=skip_unavailable, overrides=overrides, provenance=record)
        text = effects_output(series_path, agreement, scenario_file, as_json=as_json, quality=quality,
                              csv_out=csv_out, overwrite=overwrite, skip_unavailable=skip_unavailable,
                              overrides=overrides, provenance=record)
        if text:  # each parameter's change and the quality payments' (--json: only with --quality)
            click.echo(text)
        return
    from hydro.compensation import (Agreement, evaluate, format_payments, payments_as_json,
                                    write_payments_csv)
    from hydro.compensation.inference import compensate_published, is_published_figures
    from hydro.monitoring import read_series, refuse_aggregated

    if is_published_figures(series_path):  # published figures: infer the unpublished price (agreements.md)
        if csv_out or scenario or quality:
            raise click.UsageError("a published-figures CSV takes neither --csv, --scenario nor --quality")
        from hydro.provenance import compensation_provenance, provenance_lines

        record = compensation_provenance(series_path, agreement, overrides)  # docs/commands/compensate.md
        text = compensate_published(series_path, agreement, list(overrides), as_json=as_json, provenance=record)
        click.echo(text if as_json else "\n".join(provenance_lines(record)) + "\n\n" + text)
        return
    refuse_aggregated(series_path)
    series = read_series(series_path, scenario)
    rules = Agreement.from_toml(agreement, overrides=list(overrides))
    payments = evaluate(rules, series, skip_unavailable=skip_unavailable)
    from hydro.compensation.notes import series_notes, skipped_notes

    skipped = skipped_notes(rules, series) if skip_unavailable else []
    for line in skipped:  # on stderr with --json too: a caveat is never dropped (JSON objects: "notes")
        click.echo(line, err=True)
    from hydro.provenance import compensation_provenance, provenance_lines

    record = compensation_provenance(series_path, agreement, overrides)  # inputs, overrides, code (docs/commands)
    if csv_out:
        write_payments_csv(payments, csv_out, overwrite=overwrite, provenance=record)
    from hydro.classes import agreement_class_table, classes_as_json, format_class_table

    classes = agreement_class_table(rules, series, series_path)  # every parameter at the agreement's places
    notes = series_notes(rules, series, series_path)  # generated weather, years not reached, months missing
    if as_json and quality:
        click.echo(json.dumps({"payments": payments_as_json(payments), "classes": classes_as_json(classes),
                               "notes": skipped + notes, "provenance": record}, indent=1, ensure_ascii=False))
    elif as_json:  # the list of rows, unchanged (its provenance: --quality, --csv)
        click.echo(json.dumps(payments_as_json(payments), indent=1, ensure_ascii=False))
    else:
        click.echo("\n".join(provenance_lines(record, flagged=True)) + "\n")
        click.echo(format_payments(payments, overrides))
        if skipped:  # the nets above say nothing of what they leave out (a 0 read as "nothing due")
            click.echo(f"left out (--skip-unavailable): {len(skipped)} rule line(s), a parameter at a section the "
                       "series has no data for (the 'skipped:' lines): the nets above do not include them")
        click.echo("\n" + format_class_table(classes))
    for line in notes:
        click.echo(line, err=True)


@main.command("plot")
@click.argument("results", metavar="RESULTS.nc")
@click.argument("kind", metavar="KIND")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False),
              help="Figure file (.png, .pdf or .svg).")
@click.option("--overwrite", is_flag=True, help="Replace the figure file if it exists.")
@click.option("--location", multiple=True, help="Section, reservoir or reach id (repeatable).")
@click.option("--aggregate", type=click.Choice(["daily", "monthly", "yearly", "annual"]),
              help="Time aggregation (yearly, as hydro run --aggregate says it, or annual).")
@click.option("--classes/--no-classes", default=None, help="Draw GB 3838 class bands.")
@click.option("--target", multiple=True, metavar="LABEL=VALUE", help="Target line in mg/L (repeatable).")
@click.option("--observations", type=click.Path(dir_okay=False), help="Monitoring CSV to overlay.")
@click.option("--scenario", help="Scenario to draw.")
@click.option("--scenarios", multiple=True, help="Scenarios to compare (repeatable).")
@click.option("--share", is_flag=True, help="Sources as shares of the total.")
@click.option("--constituent", default=None, help="Constituent short name (default tn; classes: all).")
@click.option("--basin", help="Basin for the network topology and names.")
@click.option("--agreement", type=click.Path(dir_okay=False), callback=shipped_or_given,
              help="Agreement TOML (compensation).")
@click.option("--payee", multiple=True, help="Payees to show (compensation).")
@click.option("--set", "overrides", multiple=True, metavar="KEY=VALUE",
              help="compensation: override an agreement value, as hydro compensate --set (e.g. "
                   "--set period=[2013,2017] to apply its rules to simulated years; repeatable).")
@click.option("--skip-unavailable", is_flag=True,
              help="compensation: leave out (and list) the rule parameters the results have no data for "
                   "(TP, NH3-N, CODMn on a TN-only simulation).")
@click.option("--uncertainty", "members", type=int, metavar="N",
              help="compensation: the payments as bands over N members (monitoring error and the agreement's "
                   "ranged prices drawn): median, 5-95 % and probability of paying.")
@click.option("--seed", type=click.IntRange(0), default=0, show_default=True,
              help="With --uncertainty: the random seed.")
@click.option("--percentiles", metavar="LOW,HIGH",
              help="Band of an ensemble's members (trajectory, reservoir, scenarios), e.g. 10,90 (default 5,95).")
@click.option("--title", help="Figure title.")
@click.option("--dpi", type=int, metavar="N", help="Resolution of a PNG, 50 to 1200 dots per inch (default 150).")
@click.option("-q", "--quiet", is_flag=True, help="Print nothing (errors still go to stderr).")
def plot_command(results, kind, output, overwrite, location, aggregate, classes, target, observations, scenario,
                 scenarios, share, constituent, basin, agreement, payee, title, skip_unavailable, members, seed,
                 percentiles, quiet, overrides, dpi):
    """Draw a figure from a results file.

    \b
    KIND is one of:
      trajectory    TN over time at sections/reservoirs, class bands, targets
      sources       load at a section by source (stacked areas)
      reservoir     storage, level and TN of a reservoir
      scenarios     annual means per scenario against targets
      network       schematic of the basin coloured by mean TN
      compensation  payments by year, payee and component (needs --agreement)
      classes       GB 3838 class by section/reservoir and month, a panel per parameter
    """
    from hydro.clitools import refuse_seed_without_uncertainty
    from hydro.plotting import plot, plot_function
    from hydro.plotting.style import DPI, check_dpi, check_path

    refuse_seed_without_uncertainty(members)
    func = plot_function(kind)
    check_path(output, overwrite)  # before reading or drawing anything
    dpi = check_dpi(DPI if dpi is None else dpi)
    if overrides and (kind.strip().lower() != "compensation" or not agreement):
        raise click.UsageError("--set changes the agreement: it goes with 'compensation' and --agreement")
    if members is not None:  # the payment bands (hydro/compensation/uncertainty.py)
        if kind.strip().lower() != "compensation" or not agreement:
            raise click.UsageError("--uncertainty goes with 'compensation' and --agreement")
        from hydro.compensation.uncertainty import Setup, payment_uncertainty, plot_payment_bands
        from hydro.plotting.style import save

        setup = Setup(str(agreement), overrides=tuple(overrides), series=str(results), seed=seed, weather=False,
                      skip_unavailable=skip_unavailable)
        bands = payment_uncertainty(setup, members, workers=1, quiet=quiet)
        save(plot_payment_bands(bands, title=title), output, dpi=dpi, overwrite=overwrite)
        if not quiet:
            click.echo(f"written: {output}")
        return
    options = {"aggregate": "annual" if aggregate == "yearly" else aggregate, "classes": classes,
               "percentiles": _percentiles(percentiles), "targets": list(target) or None,
               "observations": observations, "scenario": scenario, "scenarios": list(scenarios) or None,
               "share": share or None, "constituent": constituent, "basin": basin,
               "agreement": _agreement(agreement, overrides), "payees": list(payee) or None, "title": title}
    if skip_unavailable:
        if kind.strip().lower() != "compensation":
            raise HydroError(f"plot '{kind}' takes no --skip-unavailable (it is for 'compensation')")
        options["skip_unavailable"] = True
        if agreement:
            from hydro.compensation import Agreement
            from hydro.compensation.engine import unavailable
            from hydro.monitoring import read_series

            for key, section, parameter in unavailable(Agreement.from_toml(agreement, overrides=list(overrides)),
                                                       read_series(results, scenario)):
                click.echo(f"skipped: {key} {parameter} at {section} (no data)", err=True)
    if location:
        if kind.strip().lower() in ("trajectory", "classes"):
            options["locations"] = list(location)
        else:
            import inspect

            params = inspect.signature(func).parameters
            singular = next((p for p in ("location", "section", "reservoir") if p in params), None)
            if singular is None:
                raise HydroError(f"plot '{kind}' takes no --location")
            if len(location) > 1:  # the others were dropped without a word
                raise HydroError(f"plot '{kind}' draws one {singular}: give --location once (got "
                                 f"{', '.join(location)})")
            options[singular] = location[0]
    plot(results, kind, output, overwrite=overwrite, dpi=dpi, **options)  # refuses a figure with no data
    if not quiet:
        click.echo(f"written: {output}")


def _agreement(path, overrides):
    """The agreement of ``hydro plot compensation``: its path, or with ``--set`` the agreement read
    with those overrides (``hydro.plotting.plot`` takes either)."""
    if not path or not overrides:
        return path
    from hydro.compensation import Agreement

    return Agreement.from_toml(path, overrides=list(overrides))


def _percentiles(text: str | None) -> tuple[float, float] | None:
    """``--percentiles LOW,HIGH`` as two numbers (None: the plot's default)."""
    if text is None:
        return None
    try:
        low, high = (float(x) for x in text.split(","))
    except ValueError:
        raise click.BadParameter(f"expected two numbers LOW,HIGH (e.g. 10,90), got {text!r}",
                                 param_hint="--percentiles") from None
    if not 0 <= low < high <= 100:
        raise click.BadParameter(f"expected 0 <= LOW < HIGH <= 100, got {text!r}", param_hint="--percentiles")
    return low, high


if __name__ == "__main__":  # python -m hydro.cli, as python -m hydro (it printed nothing and exited 0)
    main()
