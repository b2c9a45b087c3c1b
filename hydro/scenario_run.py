"""``hydro run BASIN --scenario S``: one scenario of a scenario file, as one simulation.

The run is the ``S`` member of ``hydro scenarios BASIN SCENARIOS.toml`` written as a plain
results file (no ``scenario`` dimension; the global attribute ``scenario`` is ``S``): the
scenario's measures compiled to yearly overrides of the basin's source parameters
(:mod:`hydro.scenarios.measures`), the basin run with them
(:func:`hydro.scenarios.run.run_one`), and the scenario's costs
(``measure_capital_cost``, ``measure_operating_cost``, yuan per year, measure and subbasin)
and N kept by riparian buffers and wetlands (``subbasin_tn_landscape_retention``, kg per
year and subbasin) added as ``hydro scenarios`` adds them.

Where ``S`` is defined: the file given with ``--scenario-file``, else the scenario file
shipped for the basin (``configs/scenarios/<name>.toml`` of a shipped basin or example);
a user's basin has none, and the message says what to pass.  The period is ``--start`` /
``--end``, else the scenario file's, else the basin's ``[run]``, as for ``hydro scenarios``.
``--set`` and ``--params`` change the basin first; the measures then act on the basin so
changed (a ``--set`` source parameter is the base a measure ramps from).

The run records every assignment its basin was run with (``--params``, ``--set``, then the
scenario's) in the global attribute ``parameters_changed``, in the order applied, so
``hydro gep`` reads the withdrawals from the basin the run used
(:func:`hydro.gep_inputs.run_basin`) without compiling the scenario again.
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date
from pathlib import Path

from hydro.errors import HydroError

#: The option that names a scenario file (as ``hydro compensate --scenarios --scenario-file``).
FILE_OPTION = "--scenario-file"

#: What a scenario run writes beyond a plain run's variables (``hydro scenarios`` writes them too).
SCENARIO_VARIABLES = ("measure_capital_cost", "measure_operating_cost")


def scenario_file_for(basin, scenario: str, given: str | Path | None) -> Path:
    """The scenario file that defines ``scenario`` for ``basin``: ``given``, else the one shipped
    for a shipped basin or example (``configs/scenarios/<name>.toml``).

    Raises
    ------
    HydroError
        For a basin with no shipped scenario file and no ``given``, saying what to pass.
    """
    from hydro.basin import resolve_basin, shipped_basins
    from hydro.resources import configs_dir

    if given is not None:
        return Path(given)
    path = resolve_basin(basin).resolve()
    for name, folder in shipped_basins().items():
        shipped = configs_dir("scenarios") / f"{name}.toml"
        if (folder / "basin.toml").resolve() == path and shipped.is_file():
            return shipped
    raise HydroError(f"{path}: no scenario file is shipped for this basin, so scenario '{scenario}' has no "
                     f"definition; give the file that defines it: hydro run {basin} --scenario {scenario} "
                     f"{FILE_OPTION} SCENARIOS.toml (the language: docs/scenarios.md; configs/scenarios/ holds "
                     "the shipped ones), or leave --scenario out for the basin as its file stands")


def read_scenario_file(b, basin, scenario: str, given: str | Path | None):
    """The :class:`~hydro.scenarios.ScenarioFile` that defines ``scenario`` for ``basin`` (``b``: the
    :class:`~hydro.basin.Basin` loaded; :func:`scenario_file_for`), read; an id it lacks is an error
    listing its scenarios."""
    from hydro.scenarios.spec import ScenarioFile

    if not b.is_watershed:
        raise HydroError(f"{b.path}: --scenario {scenario}: a flow-driven basin ([forcing], no [[subbasins]]) "
                         "has no sources for measures to change; scenarios need a watershed basin (e.g. "
                         "configs/examples/watershed), or leave --scenario out")
    path = scenario_file_for(basin, scenario, given)
    if not path.is_file():
        raise HydroError(f"{FILE_OPTION} {path}: no such file; give the scenario file that defines scenario "
                         f"'{scenario}' (configs/scenarios/ holds the shipped ones)")
    sfile = ScenarioFile.from_toml(path)
    from hydro.scenarios.measures import check_basin

    check_basin(b, sfile)  # a file for another basin: before its scenario ids and its period
    sfile.scenario(scenario)
    return sfile


def run_scenario(basin, scenario: str, scenario_file: str | Path, start: date | None = None,
                 end: date | None = None, overrides=(), history: str = "", weather_seed: int | None = None):
    """Run scenario ``scenario`` of ``scenario_file`` on ``basin``, as ``hydro scenarios`` runs it.

    Parameters
    ----------
    basin : str or Path
        A watershed basin: folder, file or shipped name.
    scenario : str
        A scenario id of the file (``baseline``: the basin with no measures).
    scenario_file : str, Path or ScenarioFile
    start, end : date, optional
        The period (default: the scenario file's, else the basin's ``[run]``).
    overrides : sequence of str
        ``key.path=value`` assignments (``--params``, ``--set``) applied before the measures.
    history : str
        The command, for the ``history`` attribute.
    weather_seed : int, optional
        Run on the generated weather of this seed (``--synthetic-weather``: member 0 of
        ``hydro scenarios --members N --seed SEED``, spun up as members are), not the station record.

    Returns
    -------
    results : hydro.results.Results
        Every variable of a run, plus the scenario's measure costs (yuan) and landscape
        retention (kg), with the attributes ``scenario``, ``scenario_file``,
        ``scenario_file_sha256``, ``scenario_measures``, ``measure_kinds``, ``cost_method``, ``discount_rate``
        and ``parameters_changed`` (and, where the file states a price year, ``price_year`` and the others of
        :func:`hydro.scenarios.prices.attributes`).
    notes : list of str
        What compiling noted (e.g. a sewage measure on a subbasin without rural_domestic, skipped).
    """
    import hashlib

    from hydro.scenarios import BasinInfo
    from hydro.scenarios.prices import attributes as price_attributes
    from hydro.scenarios.run import ScenarioRun, add_costs, run_one
    from hydro.scenarios.spec import ScenarioFile

    sfile = scenario_file if isinstance(scenario_file, ScenarioFile) else ScenarioFile.from_toml(scenario_file)
    chosen = sfile.scenario(scenario)  # an unknown id: the file and its scenarios
    info = BasinInfo.load(basin, list(overrides))  # the measures' base values: the changed basin's
    start, end = start or sfile.start, end or sfile.end
    weather = None
    if weather_seed is not None:
        from hydro.ensemble import member_weather

        base = info.model().basin
        start, end = start or base.settings.start, end or base.settings.end
        weather = member_weather(base, start, end, weather_seed)
    res, comp = run_one(info, sfile, scenario, start, end, history=history,
                        weather=weather)
    if weather_seed is not None:
        res.attrs["weather_seed"] = str(weather_seed)
    add_costs(ScenarioRun(sfile, info, [scenario], [res], [comp], list(sfile.measures)))
    applied = info.model(comp.overrides).changes
    res.attrs.update({
        "scenario_file": str(Path(sfile.path).resolve()),
        "scenario_file_sha256": hashlib.sha256(Path(sfile.path).read_bytes()).hexdigest(),
        "scenario_measures": " ".join(chosen.measures),
        "measure_kinds": ";".join(f"{m.id}={m.kind}" for m in sfile.measures.values()),  # (as hydro scenarios)
        "cost_method": sfile.cost_method,
        "discount_rate": f"{sfile.discount_rate:g}",
        **price_attributes(sfile),  # the costs' price year, where the file states one
    })
    if applied:
        res.attrs["parameters_changed"] = json.dumps(applied, default=str)  # in the order applied
    return res, list(comp.notes)


def check_scenario_request(b, spec) -> None:
    """:func:`hydro.outputspec.check_request` for a scenario run, which also writes
    :data:`SCENARIO_VARIABLES` (a plain run refuses them)."""
    from hydro.outputspec import check_request, check_something_kept

    rest = tuple(v for v in spec.variables or () if v not in SCENARIO_VARIABLES)
    check_request(b, replace(spec, variables=rest or None))
    check_something_kept(b, spec)  # the whole request: a group of nothing, before the scenario runs


def scenario_mode(scenario: str | None, scenario_file, *, catchment: bool, members, weather_seed, block_years,
                  distributed) -> bool:
    """Whether ``hydro run`` runs a scenario of a scenario file (``baseline`` without a file is the
    plain run); refuses, before any work, what a scenario run cannot do, each with the command
    that does it."""
    if scenario_file is not None and scenario is None:
        raise HydroError(f"{FILE_OPTION} names the file of a scenario: add --scenario S")
    if scenario is None or (scenario == "baseline" and scenario_file is None):
        return False
    if catchment:
        raise HydroError(f"--scenario {scenario}: a catchment file has no measures to apply; scenarios need a "
                         "watershed basin ([[subbasins]] with sources)")
    if members or distributed:
        raise HydroError(f"--scenario {scenario} with --members: a weather ensemble of a scenario is run by "
                         f"hydro scenarios BASIN SCENARIOS.toml --scenario {scenario} --members N (beside the "
                         "baseline, on the same weather)")
    if block_years:
        raise HydroError(f"--scenario {scenario} runs in one block (its costs and retention are computed over the "
                         "whole run, as hydro scenarios does); leave out --block-years")
    return True


def scenario_command(b, basin, scenario: str, scenario_file, start: date | None, end: date | None, output, *,
                     overrides, params, output_options, overwrite: bool, quiet: bool, history: str,
                     weather_seed: int | None = None) -> None:
    """Body of ``hydro run BASIN --scenario S`` (``b``: the basin loaded with ``overrides``): find and
    read the scenario file, check the output, run, write, print the summary.  ``output_options``:
    ``--variables``, ``--locations``, ``--aggregate``, ``--float32``, ``--compress``, ``--codec``;
    ``weather_seed``: ``--synthetic-weather`` (generated weather, :func:`run_scenario`)."""
    import click

    from hydro.clitools import KERNEL_MODULES, compile_notice, note_estimated_weather, note_late_start
    from hydro.netcdf import check_writable, write_results
    from hydro.outputspec import check_netcdf_name, spec_for_run
    from hydro.run_summary import run_summary

    sfile = read_scenario_file(b, basin, scenario, scenario_file)
    out = Path(output) if output else Path(f"{b.name}{'' if scenario == 'baseline' else '_' + scenario}.nc")
    check_writable(out, overwrite, inputs=(b.path, params, sfile.path))
    check_netcdf_name(out, "hydro run --scenario")
    spec = spec_for_run(b, *output_options)
    check_scenario_request(b, spec)
    compile_notice(quiet, KERNEL_MODULES)
    first, last = start or sfile.start or b.settings.start, end or sfile.end or b.settings.end
    if weather_seed is None:
        from hydro.scenarios.period import record_end_before

        record_end = record_end_before(b, sfile, start, end)  # b: with --set and --params
        if record_end is not None:
            raise HydroError(f"--scenario {scenario}: the period ends on {last}, after {b.name}'s station record "
                             f"({record_end}); add --synthetic-weather SEED to run it on generated weather "
                             f"(or hydro scenarios {basin} {sfile.path} --members N for an ensemble), or end it "
                             f"by {record_end} (--end)")
    if not quiet:
        click.echo(f"simulating {b.name}, scenario {scenario} of {sfile.path}: {first} to {last} "
                   f"({(last - first).days + 1} days)"
                   + ("" if weather_seed is None else f" on {_weather_words(b, first, last)} (seed {weather_seed})")
                   + "…", err=True)
    note_late_start(b, first, generated=weather_seed is not None, end=last)  # a caveat on the results: with -q too
    note_estimated_weather(b, first, last, generated=weather_seed is not None)
    results, notes = run_scenario(basin, scenario, sfile, start, end, overrides, history=history,
                                  weather_seed=weather_seed)
    for note in notes:  # caveats on the results: with -q too, as hydro scenarios (-q hides progress)
        click.echo(f"note: {scenario}: {note}", err=True)
    write_results(results, out, overwrite, spec=spec)  # as to_netcdf, in -o's words
    if not quiet:
        click.echo(run_summary(results))
        click.echo(f"written: {out}")


def _weather_words(basin, first: date, last: date) -> str:
    """What a ``--synthetic-weather`` run from ``first`` to ``last`` runs on, in words
    (:func:`hydro.spin_up.generated_weather_words`)."""
    from hydro.spin_up import generated_from, generated_weather_words

    return generated_weather_words(generated_from(basin, first, last), first)
