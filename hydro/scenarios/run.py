"""Running every scenario of a file and writing them to one netCDF with a ``scenario`` dimension.

:func:`run_scenarios` compiles each scenario (:mod:`hydro.scenarios.measures`),
loads the basin with its overrides, runs it (:func:`hydro.simulation.run`), adds
the scenario's measure costs and landscape N retention, and keeps the results.
:func:`write_scenarios` writes them one after the other (:class:`hydro.netcdf.StackedWriter`): every
variable gets a leading ``scenario`` axis, and each attribute the runs compute is combined
over them as :mod:`hydro.run_attributes` says (the worst closure, ...).

With a weather ensemble (``members > 0``), :func:`run_scenario_ensemble` runs every
scenario on the members of :func:`hydro.ensemble.member_weather`; only what the
targets need is kept (:data:`ENSEMBLE_VARIABLES`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import numpy as np

from hydro.errors import HydroError
from hydro.scenarios.kept_out import ATTRIBUTE as KEPT_OUT_ATTRIBUTE
from hydro.scenarios.kept_out import member_kept_out, member_on_land
from hydro.scenarios.prices import attributes as price_attributes
from hydro.scenarios.measures import BasinInfo, compile_scenario
from hydro.scenarios.spec import ScenarioFile

@dataclass
class ScenarioRun:
    """Every scenario of a file, run on one basin.

    Attributes
    ----------
    sfile : ScenarioFile
    info : BasinInfo
    names : list of str
    results : list of Results
        One per scenario, in ``names`` order (with the added variables).
    compiled : list of Compiled
    measures : list of str
        Every measure id of the file (the ``measure`` dimension).
    ensemble : dict or None
        ``{"members": [...], "seed": int, "failed": {member: error}, "section_tn_concentration":
        [S, M, T, sec], ...}`` (``members``: those that ran).
    failed : dict
        Scenario id -> error of the scenarios that failed (left out of ``names``).
    weather_seed : int or None
        The seed of the generated weather every scenario of ``results`` ran on (member 0 of the
        ensemble, :func:`hydro.ensemble.member_weather`; a period past the station record), None:
        the station record.
    kept_out : list of str
        The reservoirs whose N kept out the totals count, the foot of each cascade
        (:attr:`hydro.network.Network.terminal_reservoirs`; :mod:`hydro.scenarios.kept_out`).
    """

    sfile: ScenarioFile
    info: BasinInfo
    names: list
    results: list
    compiled: list
    measures: list
    ensemble: dict | None = field(default=None)
    failed: dict = field(default_factory=dict)
    kept_out: list = field(default_factory=list)
    weather_seed: int | None = None


def run_one(info: BasinInfo, sfile: ScenarioFile, sid: str, start: date | None, end: date | None,
            history: str = "", weather=None,
            constituents: tuple[str, ...] | None = None, apportion: bool = True):
    """Compile and run one scenario on ``info``'s basin (its :attr:`~BasinInfo.overrides` applied);
    returns (Results, Compiled).

    ``weather`` (a :class:`hydro.weather.DailyForcing`) replaces the basin's
    station record, e.g. one member of a generated ensemble; such a run carries
    only ``constituents`` (default all), by source unless ``apportion`` is False (totals).
    """
    from hydro.gep import landscape_retention
    from hydro.gep_retention import species_retention
    from hydro.simulation import check_period, run
    from hydro.sources import SourceParameters

    base = info.model().basin
    s = start or base.settings.start
    e = end or base.settings.end
    check_period(base, s, e)
    # from the basin's start: a run that starts later is spun up from there on this basin, and its
    # yearly tables must hold the basin's own values before the measures (not the run's first year's)
    years = list(range(min(s, base.settings.start).year, e.year + 1))
    comp = compile_scenario(info, sfile, sid, years, written_start=s.year)
    try:
        basin = info.model(comp.overrides).basin
    except HydroError as exc:
        raise HydroError(f"{sfile.path}: scenario '{sid}': the compiled measures do not fit the basin: {exc}") from None
    if weather is None:
        res = run(basin, s, e, scenario=sid, history=history)
    else:
        from hydro.pipeline import run_watershed

        res = run_watershed(basin, s, e, scenario=sid, history=history, weather=weather, apportion=apportion,
                            constituents=constituents)
    params = SourceParameters.from_subbasin_tables(basin.subbasin_tables)
    years_of_day = np.array([d.year for d in res.dates])
    run_years, land = landscape_retention(params, years_of_day, res["subbasin_quickflow"], info.area_km2,
                                          comp.buffer_removed_mg_per_l[[years.index(y) for y in
                                                                        sorted(set(years_of_day.tolist()))]])
    res.data["subbasin_tn_landscape_retention"] = land
    for species, kept in species_retention(land, res, run_years).items():
        res.data[f"subbasin_{species}_landscape_retention"] = kept
    return res, comp


def _scenario_task(args):
    """One scenario (a batch task): compile, run, and return ``(Results, Compiled)``."""
    from hydro.batch import maybe_fail

    info, sfile, sid, start, end, history, k, weather_seed = args
    maybe_fail(k)
    if weather_seed is None:
        return run_one(info, sfile, sid, start, end, history=history)
    from hydro.ensemble import member_weather

    basin = info.model().basin
    start, end = start or basin.settings.start, end or basin.settings.end  # the days to generate
    weather = member_weather(basin, start, end, weather_seed)  # as member 0's
    return run_one(info, sfile, sid, start, end, history=history, weather=weather)


def run_scenarios(basin, scenario_file, start: date | None = None, end: date | None = None,
                  progress=None, history: str = "", scenarios: list[str] | None = None, *,
                  workers: int | None = 1, scheduler: str | None = None, dask_workers: int | None = None,
                  executor=None, weather_seed: int | None = None, overrides=None) -> ScenarioRun:
    """Run the baseline and every scenario of ``scenario_file`` on ``basin``.

    Parameters
    ----------
    basin : str, Path or hydro.Model
        Basin folder, file or shipped name; or a model, whose :attr:`~hydro.Model.changes` every
        scenario starts from (the measures change the changed values).
    scenario_file : str, Path or ScenarioFile
    start, end : date or str, optional
        Override the scenario file's (else the basin's) period (dates, or ISO strings).
    progress : callable, optional
        Called with a one-line message as each run finishes.
    scenarios : list of str, optional
        Only these (the baseline is always run).
    workers, scheduler, dask_workers, executor
        Where the scenarios run, one task each (:mod:`hydro.batch`): serially (the
        default, ``workers=1``), on local processes, on a Dask scheduler or local
        cluster, or on a given executor.
    weather_seed : int, optional
        Run every scenario on the generated weather of this seed (member 0 of
        :func:`run_scenario_ensemble` with that seed: the same weather for all, spun up
        as members are), e.g. for a period past the station record; default: the record.
    overrides : list of str, str or dict, optional
        More changes to the basin before the measures (``key.path=value`` texts or
        ``{path: value}``, as ``--set``); with a model's, recorded in each result's
        ``parameters_changed``.

    A scenario that fails is reported in ``run.failed`` (id -> error) and left
    out; if the baseline fails, :class:`hydro.batch.BatchFailed` is raised.
    """
    from hydro.batch import BatchFailed, run_batch
    from hydro.model_spec import basin_and_overrides
    from hydro.model_values import as_date
    from hydro.scenarios.period import checked_plan
    from hydro.scenarios.release_check import release_notes
    start, end = as_date(start, "start"), as_date(end, "end")  # ISO strings as Model.run takes them
    basin, changes = basin_and_overrides(basin, overrides)  # a Model: its file and its changes
    sfile = scenario_file if isinstance(scenario_file, ScenarioFile) else ScenarioFile.from_toml(scenario_file)
    info = BasinInfo.load(basin, changes)
    start, end, names = checked_plan(info, sfile, start, end, scenarios)  # before any long run
    tasks = [(info, sfile, sid, start, end, history, k, weather_seed) for k, sid in enumerate(names)]
    done: dict[int, tuple] = {}
    failed: dict[str, str] = {}
    for k, outcome in run_batch(_scenario_task, tasks, executor=executor, workers=workers,
                                scheduler=scheduler, dask_workers=dask_workers):
        if outcome.ok:
            done[k] = outcome.value
        else:
            failed[names[k]] = outcome.error
        if progress:
            progress(f"[{len(done) + len(failed)}/{len(names)}] scenario {names[k]}"
                     + ("" if outcome.ok else f" FAILED: {outcome.error}"))
    if 0 not in done:
        error = str(failed.get("baseline"))
        if error.startswith("HydroError: "):  # a mistake in the input (e.g. a period the weather does not cover)
            raise HydroError(f"scenario baseline: {error.removeprefix('HydroError: ')}")
        raise BatchFailed(f"scenario baseline failed: {error}; nothing to compare with")
    kept = sorted(done)
    run = ScenarioRun(sfile, info, [names[k] for k in kept], [done[k][0] for k in kept],
                      [done[k][1] for k in kept], list(sfile.measures), failed=failed, weather_seed=weather_seed)
    run.kept_out = info.model().basin.network.terminal_reservoirs
    if info.overrides:  # what every scenario started from: hydro gep rebuilds the basin from it
        changed = json.dumps(info.model().changes, default=str)
        for res in run.results:
            res.attrs["parameters_changed"] = changed
    add_costs(run)
    release_notes(run)  # an ecological release billed for water the reservoir did not let out
    return run


def add_costs(run: ScenarioRun) -> None:
    """Add measure_capital_cost and measure_operating_cost (budget_year, measure, subbasin) to each result."""
    for res, comp in zip(run.results, run.compiled):
        years = [int(y) for y in res.coords["budget_year"]]
        cap = np.zeros((len(years), len(run.measures), len(run.info.ids)))
        op = np.zeros_like(cap)
        idx = [list(comp.years).index(y) for y in years]
        for (mid, i), v in comp.capital.items():
            cap[:, run.measures.index(mid), i] = v[idx]
        for (mid, i), v in comp.operating.items():
            op[:, run.measures.index(mid), i] = v[idx]
        res.coords["measure"] = list(run.measures)
        res.data["measure_capital_cost"] = cap
        res.data["measure_operating_cost"] = op


def _ensemble_task(args) -> dict:
    """One weather member (a batch task): every scenario on the member's weather; returns
    only :data:`ENSEMBLE_VARIABLES`, each ``(scenario, time, location)``, and the budget sums
    its N kept out needs (:data:`hydro.scenarios.kept_out.MEMBER_BUDGETS`, ``(scenario, reservoir)``)."""
    from hydro.batch import maybe_fail
    from hydro.ensemble import member_weather
    from hydro.scenarios.kept_out import member_budgets

    info, sfile, names, d0, d1, seed, m = args
    maybe_fail(m)
    weather = member_weather(info.model().basin, d0, d1, seed + m)
    out: dict[str, list] = {}
    for sid in names:
        res, _ = run_one(info, sfile, sid, d0, d1, weather=weather, constituents=("tn",),  # the targets' TN
                         apportion=False)
        for name in ENSEMBLE_VARIABLES:
            if name in res.data:
                out.setdefault(name, []).append(np.asarray(res[name]))
        for name, value in member_budgets(res).items():
            out.setdefault(name, []).append(value)
    return {name: np.stack(v) for name, v in out.items()}


def run_scenario_ensemble(run: ScenarioRun, members: int, seed: int | None, start=None, end=None,
                 progress=None, *, workers: int | None = 1, scheduler: str | None = None,
                 dask_workers: int | None = None, executor=None) -> dict:
    """Run every scenario on ``members`` generated weather series; keep section and reservoir TN.

    Member ``m`` uses the weather of :func:`hydro.ensemble.member_weather` with
    ``seed + m`` (the generator fitted to the basin's station record), the same
    for every scenario, so scenarios are compared on the same weather.  Each member
    is one task of a batch executor (:mod:`hydro.batch`; serial by default) that
    returns only what the targets and N kept out need.  A failed member is left out (listed in
    ``ens["failed"]``, member -> error); the probabilities and the spread count the others.
    """
    from hydro.batch import BatchFailed, run_batch

    if members < 1:
        raise HydroError(f"--members: expected a positive number of ensemble members, got {members}")
    seed = 1 if seed is None else int(seed)
    d0, d1 = run.results[0].dates[0], run.results[0].dates[-1]
    tasks = [(run.info, run.sfile, list(run.names), d0, d1, seed, m) for m in range(members)]
    got: dict[int, dict] = {}
    failed: dict[int, str] = {}
    for m, outcome in run_batch(_ensemble_task, tasks, executor=executor, workers=workers,
                                scheduler=scheduler, dask_workers=dask_workers):
        if outcome.ok:
            got[m] = outcome.value
        else:
            failed[m] = outcome.error
        if progress:
            progress(f"[member {len(got) + len(failed)}/{members}] member {m}"
                     + ("" if outcome.ok else f" FAILED: {outcome.error}"))
    if not got:
        raise BatchFailed(f"every member of the weather ensemble failed; member 0: {failed.get(0)}")
    kept = sorted(got)
    ens: dict = {name: np.stack([got[m][name] for m in kept], axis=1) for name in got[kept[0]]}
    ens["members"] = kept
    ens["seed"] = seed
    ens["failed"] = failed
    run.ensemble = ens
    return ens


#: Variables kept for every ensemble member (what the targets need).
ENSEMBLE_VARIABLES = ("section_tn_concentration", "section_discharge", "reservoir_tn_concentration")


# -- writing ------------------------------------------------------------------------
def _history(run: ScenarioRun) -> str:
    """The command that makes ``run``'s file (``hydro scenarios`` takes no changes: a call to
    :func:`run_scenarios` on a changed basin says so)."""
    if not run.info.overrides:
        return f"hydro scenarios {run.info.path} {run.sfile.path}"
    return (f"hydro.scenarios.run_scenarios({str(run.info.path)!r}, {str(run.sfile.path)!r}, "
            f"overrides={list(run.info.overrides)!r})")


def _attrs(run: ScenarioRun, history: str) -> dict:
    from hydro import __version__
    from hydro.generated_caveats import scenarios_caveats

    info = run.info
    attrs: dict[str, str] = {}  # over the runs' own, combined by StackedWriter (hydro.run_attributes)

    def pairs(values):
        return ";".join(f"{i}={v}" for i, v in zip(info.ids, values))

    import hashlib

    attrs.update({
        "source": f"hydro {__version__}",  # Conventions and the discovery attributes: the writer's (hydro.discovery)
        "title": f"hydro scenarios of the {run.results[0].attrs.get('basin', 'a')} basin: {', '.join(run.names)}",
        "history": history or _history(run),
        "scenario": ";".join(run.names),
        "scenario_descriptions": ";".join(f"{s.id}={s.description}" for s in run.sfile.scenarios
                                          if s.id in run.names),
        "scenario_measures": ";".join(f"{s.id}={' '.join(s.measures)}" for s in run.sfile.scenarios
                                      if s.id in run.names),
        "scenario_file": str(Path(run.sfile.path).resolve()),
        "scenario_file_sha256": hashlib.sha256(Path(run.sfile.path).read_bytes()).hexdigest(),
        "config_sha256": ";".join(f"{n}={r.attrs.get('config_sha256', '')}" for n, r in zip(run.names, run.results)),
        "cost_method": run.sfile.cost_method,
        "discount_rate": f"{run.sfile.discount_rate:g}",
        "subbasin_area_km2": pairs(f"{float(a)!r}" for a in info.area_km2),  # full precision, as assembly writes it
        "subbasin_county": pairs(info.attr("county")),
        "subbasin_province": pairs(info.attr("province")),
        "subbasin_drains_to": pairs(s.get("reach") or s.get("reservoir") for s in info.subbasins),
        "measure_kinds": ";".join(f"{m.id}={m.kind}" for m in run.sfile.measures.values()),
        KEPT_OUT_ATTRIBUTE: ";".join(run.kept_out), **scenarios_caveats(run)[0],
        **price_attributes(run.sfile),  # none without a price year: such a file's attributes as before
    })
    return attrs


def write_scenarios(run: ScenarioRun, path: str | Path, overwrite: bool = False, history: str = "",
                    spec=None) -> Path:
    """Write every scenario to one netCDF4 (CF-1.8) file with a leading ``scenario`` dimension.

    The runs are written one after the other along the ``scenario`` dimension
    (:class:`hydro.netcdf.StackedWriter`: no stacked copy of every run is made) by
    the one results writer (:mod:`hydro.netcdf`: atomic, no overwrite without
    ``overwrite``).  With an ensemble, ``ensemble_<variable>`` holds every member
    (dims ``scenario, member, ...``), ``ensemble_n_kept_out``, ``ensemble_n_kept_out_in_storage`` and
    ``ensemble_n_kept_out_on_land`` each member's N kept out of each reservoir
    (:func:`hydro.scenarios.kept_out.member_kept_out`, :func:`~hydro.scenarios.kept_out.member_on_land`).
    ``spec`` (:class:`hydro.outputspec.OutputSpec`) chooses variables, locations, aggregation and
    precision (default: all, daily, 64-bit, compressed).  Failed scenarios and members are listed in the attributes
    ``scenarios_failed`` and ``members_failed``, and why in ``scenarios_failed_reasons`` and
    ``members_failed_reasons`` (:func:`hydro.run_attributes.failure_reasons`).
    """
    from hydro.netcdf import StackedWriter
    from hydro.run_attributes import failure_reasons

    ens = run.ensemble
    for k, res in enumerate(run.results):
        if ens:
            res.coords["member"] = list(ens["members"])
            for name in ENSEMBLE_VARIABLES:
                if name in ens:
                    res.data[f"ensemble_{name}"] = ens[name][k]
            if np.size(ens.get("reservoir_n_input", ())):  # each member's N kept out (member, reservoir)
                kept, held = member_kept_out(ens)
                res.data["ensemble_n_kept_out"] = kept[k]
                res.data["ensemble_n_kept_out_in_storage"] = held[k]
                if (land := member_on_land(ens)) is not None:
                    res.data["ensemble_n_kept_out_on_land"] = land[k]
    attrs = _attrs(run, history)
    if ens:
        attrs["ensemble_seed"] = f"{ens['seed']}+member"
        attrs["ensemble_generator"] = "hydro.weathergen fitted to the basin's weather CSV"
        if ens.get("failed"):
            attrs["members_failed"] = ",".join(str(m) for m in sorted(ens["failed"]))
            attrs["members_failed_reasons"] = failure_reasons({m: ens["failed"][m] for m in sorted(ens["failed"])})
    if run.weather_seed is not None:  # every scenario's own variables: member 0's weather
        attrs["weather_synthetic"] = "true"
        attrs["weather_seed"] = str(run.weather_seed)
    if run.failed:
        attrs["scenarios_failed"] = ",".join(run.failed)
        attrs["scenarios_failed_reasons"] = failure_reasons(run.failed)
    with StackedWriter(Path(path), "scenario", list(run.names), overwrite=overwrite, spec=spec,
                       attrs=attrs) as writer:
        for k, res in enumerate(run.results):
            writer.write(k, res)
    return Path(path)


def read_scenarios(path: str | Path):
    """Read a scenarios file back as :class:`~hydro.results.Results` (leading scenario axes kept)."""
    from hydro.results import load_results

    return load_results(path)
