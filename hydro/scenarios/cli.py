"""Click commands of this package, to be added to the ``hydro`` group in :mod:`hydro.cli`.

``scenarios_command`` (``hydro scenarios``) is a complete command (``hydro gep``'s is in
:mod:`hydro.gep_cli`).  :func:`compensate_scenarios` is the body of
``hydro compensate --scenarios SCENARIOS.nc AGREEMENT.toml`` (the incentives table).
They parse, call the library and print; a HydroError becomes exit status 2 through
the group.
"""

from __future__ import annotations

from pathlib import Path

import click

from hydro.clitools import MEMBERS, shipped_or_given
from hydro.clitools import command_history as _history


@click.command("scenarios")
@click.argument("basin", callback=shipped_or_given)
@click.argument("scenario_file", metavar="SCENARIOS.toml", type=click.Path(dir_okay=False),
                callback=shipped_or_given)
@click.option("-o", "--output", type=click.Path(dir_okay=False),
              help="Results file (netCDF) with a scenario dimension. Default: NAME_scenarios.nc here (NAME: the "
                   "basin's name).")
@click.option("--overwrite", is_flag=True, help="Replace the output file if it exists.")
@click.option("--start", help="First day, YYYY-MM-DD (default: the scenario file's, else the basin's).")
@click.option("--end", help="Last day, YYYY-MM-DD.")
@click.option("--scenario", "only", multiple=True, help="Run only this scenario (repeatable; the baseline always runs).")
@click.option("--members", type=MEMBERS, default=None,
              help="Weather-ensemble members (hydro.weathergen fitted to the basin's weather CSV; default: none).")
@click.option("--seed", type=click.IntRange(0), default=None, help="Seed of the weather ensemble (default 1).")
@click.option("--workers", type=click.IntRange(1), help="Local worker processes for the runs (default: all cores).")
@click.option("--scheduler", metavar="ADDRESS", help="Run the scenarios and members on this Dask scheduler.")
@click.option("--dask-workers", type=click.IntRange(1), help="Run them on a local Dask cluster of N workers.")
@click.option("--set", "overrides", multiple=True, metavar="KEY=VALUE",
              help="Override a basin-file value before every scenario's measures, e.g. --set "
                   "reservoirs.miyun.flood_limit_level_m=150 (repeatable; as hydro run's).")
@click.option("-q", "--quiet", is_flag=True, help="No progress on stderr, no table on stdout.")
def scenarios_command(basin, scenario_file, output, overwrite, start, end, only, members, seed, quiet,
                      workers=None, scheduler=None, dask_workers=None, overrides=()):
    """Run the baseline and every scenario of SCENARIOS.toml on BASIN.

    Writes one netCDF with a `scenario` dimension and a summary table (printed,
    and as CSV next to the output: X.summary.csv for X.nc, else OUT.summary.csv): TN at each section and
    reservoir, load reduction by source, cost, cost per kg of N kept out of the
    reservoirs, the first year each target is met, and with --members the
    probability of meeting each target and the median and 5-95 % band over the
    members of N kept out and of its cost per kg.
    """
    from hydro.basin import parse_date, resolve_basin
    from hydro.clitools import refuse_empty_output, refuse_seed_without_members
    from hydro.errors import HydroError
    from hydro.netcdf import check_writable
    from hydro.outputs import check_output, written_together
    from hydro.scenarios.run import run_scenario_ensemble, run_scenarios, write_scenarios
    from hydro.scenarios.summary import failed_rows, format_summary, summarise, write_summary_csv

    refuse_seed_without_members(members)
    refuse_empty_output(output, "-o", "a name ending in .nc", "for the default, NAME_scenarios.nc in the current folder")
    s = parse_date(start, "--start") if start is not None else None  # --start "": a mistake, not an absence
    e = parse_date(end, "--end") if end is not None else None
    progress = None if quiet else (lambda msg: click.echo(msg, err=True))
    from hydro.scenarios.spec import ScenarioFile

    sfile = _some_scenario(ScenarioFile.from_toml(_in_order(basin, scenario_file)))
    basin_file = resolve_basin(basin)
    _check_basin(basin_file, sfile, overrides)
    out = Path(output) if output else default_output(basin_file)
    inputs = (scenario_file, basin_file)
    check_writable(out, overwrite, inputs=inputs)
    check_suffix(out)  # after: an input named as -o is refused as such; before the summary it implies
    from hydro.output_names import summary_name

    summary = summary_name(out)  # the summary table next to it, named after -o (its own: X.nc4 keeps .nc4)
    if summary.is_dir():
        raise HydroError(f"{summary}: is a folder, where the summary table that -o {out} implies goes; move "
                         "the folder away or choose another -o")
    check_output(summary, overwrite, inputs=inputs)
    weather_seed = _past_record(basin, sfile, s, e, members, seed, progress)
    if members or weather_seed is not None:  # a record the generator cannot be fitted to: before any run
        from hydro.basin import Basin
        from hydro.ensemble import weather_generator

        weather_generator(Basin.load(basin_file, list(overrides)))  # fitted once per process: the members' cache
    from hydro.batch import EXIT_PARTIAL, BatchFailed, make_executor, report_failures

    executor = make_executor(workers=workers, scheduler=scheduler, dask_workers=dask_workers)
    aborted = True
    try:
        run = run_scenarios(basin, sfile, s, e, progress=progress, history=_history(),
                            scenarios=list(only) or None, executor=executor, weather_seed=weather_seed,
                            overrides=list(overrides) or None)
        if members:
            run_scenario_ensemble(run, members, seed, progress=progress, executor=executor)
        aborted = False
    except BatchFailed as exc:
        aborted = False
        click.echo(f"Error: {exc}; no file was written", err=True)
        raise SystemExit(EXIT_PARTIAL) from None
    finally:
        executor.close(abort=aborted)  # Ctrl-C, SIGTERM: stop the running tasks at once
    rows = summarise(run)
    with written_together():  # the results and their summary: both new, or both as they were
        write_scenarios(run, out, overwrite=overwrite, history=_history())
        csv_path = write_summary_csv(rows + failed_rows(run), summary, overwrite=overwrite,
                                     same=_provenance(basin_file, scenario_file, run.weather_seed))
    _notes(run)
    if not quiet:
        click.echo(format_summary(rows))
        click.echo(f"written: {out}\nwritten: {csv_path}")
    failed = {**{f"scenario {k}": v for k, v in run.failed.items()},
              **{f"member {k}": v for k, v in ((run.ensemble or {}).get("failed") or {}).items()}}
    if failed:
        report_failures(failed, "", lambda text: click.echo(text.strip(), err=True))
        click.echo(f"{len(failed)} run(s) failed; the file and table leave them out", err=True)
        raise SystemExit(EXIT_PARTIAL)


def _check_basin(basin_file, sfile, overrides) -> None:
    """Refuse a scenario file for another basin before anything on its period, and a ``--set`` mistake
    before any run, naming the assignment as ``hydro run --set`` does (error-message review, 2026-12-06: a
    misspelt path was blamed on basin.toml once per scenario, after each had started)."""
    from hydro.clitools import load_basin
    from hydro.errors import HydroError
    from hydro.model_spec import basin_and_overrides
    from hydro.scenarios.measures import BasinInfo, check_basin

    spec, sets = basin_and_overrides(basin_file, list(overrides) or None)
    if sets:
        try:
            load_basin(spec, sets)
        except HydroError as exc:
            misplaced = [text for text in sets if text.split("=", 1)[0].strip().split(".")[0] in SCENARIO_FILE_TABLES
                         and str(exc).startswith(f"--set {text}")]
            if misplaced:
                head = misplaced[0].split(".")[0]
                raise HydroError(f"{exc} (--set changes the basin file; '{head}' belongs to the scenario file "
                                 f"{sfile}: edit it there)") from None
            raise
    check_basin(BasinInfo.load(spec, sets), sfile)


#: The top-level tables of a scenario file, which a ``--set`` (of the basin file) cannot reach.
SCENARIO_FILE_TABLES = ("measures", "scenarios", "scenario_set", "parties", "targets", "price_index")


def _notes(run) -> None:
    """What the runs of ``run`` do not show by themselves, on stderr: each scenario's measures that
    act after the run or are not costed, that targets judge simulated water (a planner's review, 2026-12-06:
    'first met' read as a finding), a spread over one member, a transfer's series ending, days on
    estimated weather."""
    for c in run.compiled:
        for note in c.notes:
            click.echo(f"note: {c.scenario}: {note}", err=True)
    basin = run.results[0].attrs.get("basin") if run.results else None
    sfile = getattr(run, "sfile", None)
    if sfile is not None and sfile.targets and basin:  # as hydro compensate says of its payments (compensation.notes.simulated_text)
        from hydro.compensation.notes import validate_hint

        hint = validate_hint(basin, run.results[0].attrs.get("basin_file"))
        click.echo(f"note: the targets judge simulated water quality (basin {basin}), not monitoring: the model "
                   f"misses the measured where {hint} says, so 'met' and its probability are the "
                   "model's, to read beside those checks", err=True)
    if len((run.ensemble or {}).get("members") or ()) == 1:  # --members 1, or all but one failed: no spread
        from hydro.scenarios.kept_out import members_counted

        click.echo(f"note: the weather's spread is over {members_counted(run.ensemble)}", err=True)
    from hydro.generated_caveats import scenarios_caveats
    from hydro.weather_provenance import estimated_in_results

    for note in scenarios_caveats(run)[1]:  # a plan period past a transfer's series, or its inventory's tables
        click.echo(note, err=True)
    res = run.results[0]
    estimated = estimated_in_results(res.attrs, res.dates[0], res.dates[-1])
    if estimated:  # as hydro run says it (hydro.clitools.note_estimated_weather)
        click.echo(f"note: the scenarios' weather is an estimate on {estimated} (the results' weather_estimated "
                   "lists the station file's estimated periods)", err=True)


def _past_record(basin, sfile, start, end, members, seed, progress) -> int | None:
    """The seed of the generated weather every scenario runs on where the period ends after the
    station record (member 0's: ``--seed``, default 1), None where the record covers it; past the
    record without ``--members``, a HydroError saying to add it (one generated series alone would
    read as a forecast)."""
    from hydro.errors import HydroError
    from hydro.scenarios.period import record_end_before

    last = record_end_before(basin, sfile, start, end)
    if last is None:
        return None
    words = _weather_words(basin, sfile, start, end)
    if not members:
        raise HydroError(f"the period runs past the end of {basin}'s station record ({last}), so there is no "
                         f"observed weather to run the scenarios on after {last}: add --members N (e.g. --members "
                         "20, and --seed S) to run the baseline and every scenario on the same N generated weather "
                         f"series from the day after (the days on the record take its observed weather), or end "
                         f"the period by {last} (--end)")
    weather_seed = 1 if seed is None else int(seed)
    if progress:
        progress(f"the period runs past the station record ({last}): every scenario runs on {words}, "
                 f"spun up on the record; the table's TN and loads are member 0's (seed {weather_seed}), the "
                 f"probabilities over the {members} member"
                 + ("s" if members > 1 else " (one draw of the weather: each probability is 0 or 1)"))
    return weather_seed


def _weather_words(basin, sfile, start, end) -> str:
    """What the scenarios of a period past the station record run on, in words
    (:func:`hydro.spin_up.generated_weather_words`): generated weather, from the day after the
    record's end where the period starts on the record."""
    from hydro.model import model_variant
    from hydro.scenarios.measures import BasinInfo
    from hydro.spin_up import generated_from, generated_weather_words

    b = model_variant(BasinInfo.load(basin).path).basin
    first, last = start or sfile.start or b.settings.start, end or sfile.end or b.settings.end
    return generated_weather_words(generated_from(b, first, last), first)


def check_suffix(out: Path) -> None:
    """Refuse an ``-o`` that does not end in a netCDF suffix (:func:`hydro.outputspec.check_netcdf_name`): ``-o
    x.csv`` wrote a netCDF file named ``.csv`` and put the summary table beside it as ``x.summary.csv``."""
    from hydro.outputspec import check_netcdf_name

    check_netcdf_name(out, "hydro scenarios", " (the summary table goes next to it as NAME.summary.csv)")


def _some_scenario(sfile):
    """``sfile`` (a :class:`~hydro.scenarios.spec.ScenarioFile`), refused when it defines no scenario: the
    baseline alone (an empty file ran it and wrote a scenario set of one, exit 0)."""
    if len(sfile.scenarios) == 1:
        from hydro.errors import HydroError

        raise HydroError(f"{sfile.path}: defines no scenario (no [[scenarios]] with an id and its measures"
                         + (f"; its measures {', '.join(sfile.measures)} are run by none" if sfile.measures else "")
                         + "); add them (docs/scenarios.md), or run the basin as it stands with hydro run BASIN")
    return sfile


def _in_order(basin, scenario_file):
    """``scenario_file``, after saying so when BASIN is a scenario file (``hydro scenarios S.toml miyun``
    said "miyun: file not found")."""
    from hydro.errors import HydroError
    from hydro.tomlio import load_toml, toml_kind

    path = Path(basin)
    if path.suffix.lower() != ".toml" or not path.is_file():
        return scenario_file
    try:
        kind = toml_kind(load_toml(path))
    except HydroError:
        return scenario_file
    if kind == "scenario file":
        raise HydroError(f"{path}: is a scenario file, given where the basin goes; the basin comes first: "
                         f"hydro scenarios BASIN SCENARIOS.toml (here: hydro scenarios {scenario_file} {basin})")
    return scenario_file


def default_output(basin_file: Path) -> Path:
    """``NAME_scenarios.nc`` in the working folder, NAME the basin's ``[basin] name`` (as ``hydro run``
    names ``NAME.nc``): BASIN given as its file gave ``basin.toml_scenarios.nc``."""
    from hydro.basin_tables import load_basin_file

    table = load_basin_file(basin_file).get("basin")
    name = table.get("name") if isinstance(table, dict) else None
    return Path(f"{name if isinstance(name, str) and name else basin_file.parent.name}_scenarios.nc")


def _provenance(basin_file, scenario_file, weather_seed=None) -> dict[str, str]:
    """:func:`hydro.provenance.scenarios_provenance` (the summary CSV's last columns), with ``weather_seed``: the
    seed of the generated weather its rows are of (empty: the station record; the long-horizon review,
    2026-12-06, found a 2040 row read as a forecast)."""
    from hydro.provenance import scenarios_provenance

    return {**scenarios_provenance(basin_file, scenario_file),
            "weather_seed": "" if weather_seed is None else str(weather_seed)}


def compensate_scenarios(scenarios_path, agreement, scenario_file=None, as_json=False, csv_out=None,
                         overwrite=False, skip_unavailable=False, overrides=(), provenance=None) -> None:
    """Body of ``hydro compensate --scenarios SCENARIOS.nc AGREEMENT.toml``: the incentives table
    (``--skip-unavailable`` and ``--set`` apply as for one series; ``provenance``: what it is computed
    from, :func:`hydro.provenance.compensation_provenance`, in the CSV's columns and the text's header)."""

    from hydro.scenarios.incentives import format_incentives, incentives, write_incentives_csv

    if overrides:
        from hydro.compensation import Agreement

        agreement = Agreement.from_toml(agreement, overrides=list(overrides))
    rows = incentives(scenarios_path, agreement, scenario_file, skip_unavailable=skip_unavailable)
    if csv_out:
        write_incentives_csv(rows, csv_out, overwrite=overwrite, provenance=provenance)
    if as_json:
        from hydro.cli_output import json_rows

        click.echo(json_rows(rows))
    else:
        if provenance:
            from hydro.provenance import provenance_lines

            click.echo("\n".join(provenance_lines(provenance)) + "\n")
        click.echo(format_incentives(rows))
    from hydro.compensation.notes import scenario_notes

    for note in scenario_notes(agreement, scenarios_path):  # --json too: on stderr (the JSON is a list)
        click.echo(note, err=True)
