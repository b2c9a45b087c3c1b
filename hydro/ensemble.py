"""Weather ensembles: one basin run per member of generated (synthetic) weather.

:func:`run_ensemble` fits the stochastic weather generator (:mod:`hydro.weathergen`)
to the basin's station record, generates one series per member (seed ``seed +
member``, so each member can be reproduced alone), runs the watershed model on
each as a task of a batch executor (:mod:`hydro.batch`: serial, local processes
or a Dask cluster), and stacks the chosen variables along a ``member``
dimension.  The results say they are synthetic and carry the seed.

Each task returns its member *reduced* (:func:`hydro.outputspec.reduce`): only the
variables kept, cut to the locations and averaged over the periods the output
asks for.  :func:`write_ensemble` writes each member into the file as it
arrives (:class:`hydro.netcdf.StackedWriter`), so the parent holds one member at
a time whatever the ensemble size.  A failed member is reported and left out
(NaN in the file, listed in the ``members_failed`` attribute); the others go on.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from hydro.basin import Basin
from hydro.errors import HydroError
from hydro.model_values import as_date
from hydro.progress import Progress
from hydro.results import Results
from hydro.run_attributes import Combiner, failure_reasons

if TYPE_CHECKING:
    from hydro.weathergen_params import WeatherGeneratorParams

#: Variables kept per member by default (a full run per member would be large).
DEFAULT_VARIABLES = ("discharge", "section_discharge", "section_tn_concentration", "section_tn_load",
                     "tn_source_load", "reservoir_storage", "reservoir_tn_concentration",
                     "reservoir_inflow", "subbasin_runoff", "subbasin_tn_source_input")


def _member(args) -> Results:
    """Run one member (a batch task, possibly in another process or on a Dask worker) and
    return it reduced to the output spec."""
    from hydro.batch import maybe_fail
    from hydro.model import model_variant
    from hydro.outputspec import reduce
    from hydro.pipeline import run_watershed

    spec_path, overrides, start, end, seed, member, output = args
    maybe_fail(member)
    basin = model_variant(spec_path, overrides).basin  # parsed once per process
    res = run_watershed(basin, start, end, weather=member_weather(basin, start, end, seed + member),
                        constituents=_carried(basin, output))
    return reduce(res, output)


def _carried(basin: Basin, output) -> tuple[str, ...] | None:
    """The constituents a member must carry for the requested variables (None: all of them)."""
    from hydro.variables import VARIABLE_GROUPS

    wanted = set(output.variables or ())
    if not wanted or wanted & set(VARIABLE_GROUPS):  # a group ("all", ...): every constituent
        return None
    return tuple(c.name for c in basin.constituents
                 if any(f"_{p.name}_" in f"_{v}_" for p in (c, *c.species) for v in wanted))


def member_weather(basin: Basin | str | Path, start: date | str, end: date | str, seed: int):
    """Synthetic station weather for one member: the generator fitted to the basin's
    station record, run from ``[run] runoff_warm_up_years`` before ``start`` to ``end``
    with ``seed``.

    A member that starts after the basin's ``[run] start`` is spun up on the station record
    (:func:`hydro.blocked.record_spin_up`): its runoff stores, like every other store, come
    from the spin-up, and the generated days before ``start`` are not run.  They are still
    generated, so that a member's weather on its own days is what it was before the spin-up
    and what it is where there is none (a start on the basin's start, where the days before
    warm the runoff stores up as the observed record's warm a run's, :mod:`hydro.runoff_warm_up`;
    a record that does not cover the spin-up).  Each calendar year draws from its own stream
    (:func:`hydro.weathergen.generate`, ``default_rng([seed, year])``), so dropping them would
    change only the first days (the wet/dry chain and the temperature anomalies start from
    their stationary distributions on the first day generated); either way a member depends
    on its seed and period alone, not on the process, worker or thread count that runs it.
    A member that starts more than a day after the station record's end is spun up on the record
    to its end and then on its own weather (:attr:`hydro.spin_up.SpinUp.record_end`): its weather
    begins on the day after the record's end where that is earlier than the warm-up years.  A run
    that starts on the record and ends after it takes the record's observed weather to its end and
    this weather from the day after (:func:`observed_first`).
    Its ``source_file`` (the results' ``weather`` attribute) says it is synthetic and names
    the file and period the generator was fitted to, not only the observed file.  ``start`` and
    ``end`` are dates or ISO strings ``YYYY-MM-DD``, as :meth:`hydro.model.Model.run` takes them;
    ``basin`` a :class:`~hydro.basin.Basin`, a :class:`hydro.Model` or a basin's name, folder or file."""
    first_day, last_day = as_date(start, "start"), as_date(end, "end")  # an ISO string as Model.run takes it
    if first_day is None or last_day is None:
        raise HydroError("member_weather: give start and end (ISO strings 'YYYY-MM-DD' or dates)")
    if last_day < first_day:
        raise HydroError(f"member_weather: the period ends ({last_day}) before it starts ({first_day}); swap "
                         "start and end")
    return _member_weather(_as_basin(basin), first_day, last_day, seed)


def _as_basin(spec) -> Basin:
    """``spec`` as a :class:`~hydro.basin.Basin`: one, a :class:`hydro.Model`'s, or loaded from a name or path."""
    if isinstance(spec, Basin):
        return spec
    if isinstance(getattr(spec, "basin", None), Basin):  # a hydro.Model
        return spec.basin
    if isinstance(spec, (str, Path)):
        return Basin.load(spec)
    raise HydroError(f"member_weather: basin: expected a Basin, a hydro.Model, a shipped basin's name or a basin "
                     f"folder or file, got {type(spec).__name__}")


def _member_weather(basin: Basin, start: date, end: date, seed: int):
    """:func:`member_weather` on dates."""
    from datetime import timedelta

    from hydro.runoff_warm_up import years_before
    from hydro.spin_up import spin_up_plan
    from hydro.weathergen import generate

    params = weather_generator(basin)
    first = years_before(start, basin.settings.runoff_warm_up_years)
    record_end = spin_up_plan(basin, start, generated=True).record_end
    if record_end is not None:  # the spin-up continues on this weather after the record's end
        first = min(first, record_end + timedelta(days=1))
    weather = generate(params, first.isoformat(), end.isoformat(), seed=seed)
    weather.metadata["source_file"] = (f"synthetic: hydro.weathergen fitted to {basin.weather.raw('csv')} "
                                       f"({params.fit_period})")
    return observed_first(basin, start, end, weather)


def observed_first(basin: Basin, start: date, end: date, weather):
    """A member's generated ``weather`` for a run from ``start`` to ``end``, with the first day it runs
    on generated weather (:func:`hydro.spin_up.generated_from`) in its metadata
    (:data:`hydro.spin_up.GENERATED_FROM`).  For a run that starts on the station record and ends after
    it, the record's observed weather on every day the record holds (from its first day: the run's
    warm-up and spin-up take the record as an observed run does) and ``weather`` from the day after the
    record's end, the join the spin-up past the record makes (:attr:`hydro.spin_up.SpinUp.record_end`):
    the members of an ensemble agree on the observed days, equal there the run on the record (to the
    bit on the example watershed), and each goes on on its own weather, the state carried across.
    ``weather`` itself (its days unchanged) for a run wholly on the record, where the members are
    generated weather, or wholly after it.  The spliced series is still generated weather
    (``synthetic``, read from no file: spun up as members are); its ``source_file`` names both."""
    from datetime import timedelta

    from hydro.daily_forcing import DailyForcing
    from hydro.spin_up import GENERATED_FROM, generated_from, record_span
    from hydro.weather import station_record

    since = generated_from(basin, start, end)
    weather.metadata[GENERATED_FROM] = since.isoformat()
    if since == start:
        return weather
    csv, _, _ = record_span(basin)  # a watershed: generated weather starts later only on its station record
    record = station_record(csv).between(None, since - timedelta(days=1))
    after = weather.between(since, end)
    meta = {**weather.metadata, "source_file": f"{basin.weather.raw('csv')} (observed) to {record.dates[-1]}, "
            f"then {weather.metadata['source_file']} from {since.isoformat()}"}
    p, tm, tn, tx = (np.concatenate([getattr(record, k), getattr(after, k)])
                     for k in ("precip_mm", "tmean_c", "tmin_c", "tmax_c"))
    return DailyForcing(np.concatenate([record.dates, after.dates]), p, tm, tn, tx, metadata=meta)


#: This process's fitted weather generators: station file -> (modification time, parameters).
_FITTED: dict[str, tuple[int, WeatherGeneratorParams]] = {}


def weather_generator(basin: Basin) -> WeatherGeneratorParams:
    """The weather generator fitted to the basin's station record, fitted once per process
    (again when the file changes): members of an ensemble, scenario ensembles and payment
    draws share it."""
    from hydro.weather import read_forcing_csv
    from hydro.weathergen import fit

    csv = basin.folder / basin.weather.raw("csv")
    stamp = csv.stat().st_mtime_ns
    cached = _FITTED.get(str(csv))
    if cached is None or cached[0] != stamp:
        # the record as observed: a day the file's fill_missing rules would fill for a
        # simulation (NA rain as 0 mm, NA extremes from monthly departures) is no sample
        cached = (stamp, fit(read_forcing_csv(csv, allow_missing=True), where=str(csv)))
        _FITTED[str(csv)] = cached
    return cached[1]


def _prepare(spec, members, seed, start, end, overrides, variables, output):
    from hydro.outputspec import OutputSpec, check_request, check_something_kept

    basin = Basin.load(spec, overrides=overrides)
    if not basin.is_watershed:
        raise HydroError(f"{basin.path}: a weather ensemble needs a watershed basin (with [[subbasins]])")
    if isinstance(members, bool) or not isinstance(members, (int, np.integer)) or members < 1:
        raise HydroError(f"--members must be a whole number of at least 1, got {members!r}")
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise HydroError(f"--seed must be a whole number of at least 0 (member m uses seed + m), got {seed!r}")
    start = as_date(start, "start") or basin.settings.start  # an ISO string as Model.run takes it
    end = as_date(end, "end") or basin.settings.end
    output = output or OutputSpec()
    if not output.variables:
        output = replace(output, variables=tuple(variables))
    check_request(basin, output)
    check_something_kept(basin, output)  # a group of nothing: before the members, not after them
    weather_generator(basin)  # a record the generator cannot be fitted to: one error, before any member
    tasks = [(str(basin.path), list(overrides or []), start, end, seed, m, output) for m in range(members)]
    return basin, output, tasks


def _call(basin, members, seed, first, last, overrides, variables, output) -> str:
    """The ``history`` of :func:`run_ensemble`: its call, as :meth:`hydro.Model.run` records its own
    (each member's says ``hydro run BASIN``, which reruns no ensemble)."""
    return (f"hydro.ensemble.run_ensemble({str(basin.path)!r}, {members}, {seed}, {first.isoformat()!r}, "
            f"{last.isoformat()!r}" + (f", overrides={list(overrides)!r}" if overrides else "")
            + (f", variables={tuple(variables)!r}" if tuple(variables) != DEFAULT_VARIABLES else "")
            + (", output=..." if output is not None else "") + ")")


def _attrs(members: int, seed: int) -> dict:
    return {"weather_synthetic": "true", "weather_seed": f"{seed}+member", "ensemble_members": str(members)}


def run_ensemble(spec, members: int, seed: int, start: date | str | None = None, end: date | str | None = None,
                 overrides: list[str] | None = None, workers: int | None = None,
                 variables: tuple[str, ...] = DEFAULT_VARIABLES, quiet: bool = False, *,
                 output=None, scheduler: str | None = None, dask_workers: int | None = None,
                 executor=None) -> Results:
    """Run a watershed basin on ``members`` generated weather series, in memory.

    Parameters
    ----------
    spec : str, Path or hydro.Model
        Basin folder, file or shipped name, or a model (its changes are applied to every member).
    members : int
        Ensemble size.
    seed : int
        Seed of member 0; member ``m`` uses ``seed + m``.
    start, end : date or str, optional
        Period (dates or ISO strings ``YYYY-MM-DD``; default the basin's ``[run]``; generated weather
        may cover any period).
    overrides : list of str, str or dict, optional
        ``--set`` assignments (``key.path=value``), or ``{path: value}``.
    workers : int, optional
        Local worker processes (default: all cores; 1: serially in this process).
    variables : tuple of str
        Variables kept per member (unless ``output`` names its own).
    quiet : bool
        No progress bar.
    output : hydro.outputspec.OutputSpec, optional
        Locations and time aggregation applied in each task.
    scheduler, dask_workers, executor
        Run the members on a Dask scheduler, on a local Dask cluster of that many
        workers, or on an executor of :mod:`hydro.batch` (see there).

    Returns
    -------
    Results
        The variables with a ``member`` dimension; attributes ``weather_synthetic =
        true``, ``weather_seed`` and, if any member failed, ``members_failed`` (its
        values are NaN; its integer variables, ``transport_substeps``, 0, as numpy integers have no
        missing value and a float copy would be written as floats: ``to_netcdf`` and ``to_xarray``
        mark them missing, as the file of ``hydro run --members`` has them).  Raises
        :class:`hydro.batch.BatchFailed` if every member failed.
    """
    from hydro.batch import BatchFailed, run_batch
    from hydro.model_spec import basin_and_overrides

    given_output = output
    spec, overrides = basin_and_overrides(spec, overrides)  # a Model changed in Python too
    basin, output, tasks = _prepare(spec, members, seed, start, end, overrides, variables, output)
    history = _call(basin, members, seed, tasks[0][2], tasks[0][3], overrides, variables, given_output)
    progress = Progress(members, "members", quiet=quiet)
    results: list[Results | None] = [None] * members
    failures: dict[int, str] = {}
    for m, outcome in run_batch(_member, tasks, executor=executor, progress=progress, workers=workers,
                                scheduler=scheduler, dask_workers=dask_workers):
        if outcome.ok:
            results[m] = outcome.value
        else:
            failures[m] = str(outcome.error)
    template = next((r for r in results if r is not None), None)
    if template is None:
        raise BatchFailed(f"every member of the ensemble failed; member 0: {failures.get(0)}")
    combined = Combiner("runs", "the ensemble")  # as StackedWriter combines them into a file
    for m, r in enumerate(results):
        if r is not None:
            combined.add(m, r.attrs)
    out = Results(coords={**template.coords, "member": list(range(members))}, attrs=combined.attrs(),
                  constituents=dict(template.constituents), leading=("member",),
                  time_bounds=template.time_bounds)
    for name, value in template.data.items():
        arr = np.full((members,) + value.shape, np.nan if value.dtype.kind == "f" else 0, dtype=value.dtype)
        for m, r in enumerate(results):
            if r is not None:
                arr[m] = r.data[name]
        out.data[name] = arr
    out.attrs["member"] = ",".join(str(m) for m in range(members))
    out.attrs.update(_attrs(members, seed))
    out.attrs["history"] = history
    if failures:
        out.attrs.update(_failed_attrs(failures))
    return out


def _failed_attrs(failures: dict[int, str]) -> dict[str, str]:
    """``members_failed`` and ``members_failed_reasons`` (:func:`~hydro.run_attributes.failure_reasons`)."""
    done = {m: failures[m] for m in sorted(failures)}
    return {"members_failed": ",".join(str(m) for m in done), "members_failed_reasons": failure_reasons(done)}


def write_ensemble(spec, members: int, seed: int, path: str | Path, start: date | None = None,
                   end: date | None = None, overrides: list[str] | None = None, workers: int | None = None,
                   variables: tuple[str, ...] = DEFAULT_VARIABLES, quiet: bool = False, *,
                   output=None, scheduler: str | None = None, dask_workers: int | None = None,
                   overwrite: bool = False, history: str = "", executor=None,
                   attrs: dict[str, str] | None = None) -> dict[int, str]:
    """Run the ensemble (as :func:`run_ensemble`) and write each member into ``path`` as it
    finishes: the parent holds one member at a time.  Returns the failed members
    (member -> error); raises :class:`hydro.batch.BatchFailed` (no file) if all failed.  ``attrs``:
    global attributes added to the file (a ``--params`` file's, :mod:`hydro.provenance`)."""
    from hydro.batch import BatchFailed, run_batch
    from hydro.netcdf import StackedWriter

    _, output, tasks = _prepare(spec, members, seed, start, end, overrides, variables, output)
    # the tasks have selected and aggregated; the writer applies precision and compression and keeps
    # every variable they kept ("all": the default set would drop the species' sources asked for)
    store = replace(output, variables=("all",), locations=None, aggregate="daily")
    attrs = {**(attrs or {}), **_attrs(members, seed)}
    if history:
        attrs["history"] = history
    progress = Progress(members, "members", quiet=quiet)
    failures: dict[int, str] = {}
    try:
        with StackedWriter(Path(path), "member", list(range(members)), overwrite=overwrite, spec=store,
                           attrs=attrs) as writer:
            for m, outcome in run_batch(_member, tasks, executor=executor, progress=progress, workers=workers,
                                        scheduler=scheduler, dask_workers=dask_workers):
                if outcome.ok:
                    writer.write(m, outcome.value)
                else:
                    failures[m] = str(outcome.error)
                    writer.fail(m, failures[m])
    except HydroError as exc:
        if failures and len(failures) == members:
            raise BatchFailed(f"every member of the ensemble failed; member 0: {failures.get(0)}") from None
        raise exc
    return failures


def ensemble_command(spec, members: int, seed: int, path: str | Path, start: date | None, end: date | None,
                     *, overrides, workers, scheduler, dask_workers, output, overwrite: bool, quiet: bool,
                     history: str, attrs: dict[str, str] | None = None, basin=None) -> None:
    """Body of ``hydro run BASIN --members N``: write the ensemble (``attrs``: global attributes added
    to it, with the caveats of a run on generated weather, :func:`hydro.generated_caveats.caveats`, of
    ``basin``, the loaded basin, said on stderr too once it is written), report failed members on
    stderr and end with :data:`hydro.batch.EXIT_PARTIAL` (3) if any failed."""
    import sys

    import click

    from hydro.batch import EXIT_PARTIAL, BatchFailed, report_failures
    from hydro.generated_caveats import basin_attributes, caveats

    notes: list[str] = []
    if basin is not None:  # every member runs on generated weather
        first, last = start or basin.settings.start, end or basin.settings.end
        said, notes = caveats(basin, basin_attributes(basin, first, last), first, last, generated=True)
        attrs = {**(attrs or {}), **said}

    try:
        failures = write_ensemble(spec, members, seed, path, start, end, overrides=list(overrides),
                                  workers=workers, quiet=quiet, output=output, scheduler=scheduler,
                                  dask_workers=dask_workers, overwrite=overwrite, history=history, attrs=attrs)
    except BatchFailed as exc:
        click.echo(f"Error: {exc}; no file was written", err=True)
        sys.exit(EXIT_PARTIAL)
    for note in notes:
        click.echo(note, err=True)
    if failures:
        report_failures(failures, "member", lambda text: click.echo(text, err=True))
        click.echo(f"{len(failures)} of {members} members failed; written without them: {path}", err=True)
        sys.exit(EXIT_PARTIAL)
    if not quiet:
        click.echo(f"written: {path}")
