"""Payments with uncertainty: an agreement evaluated on many members, a payment as a distribution.

Size: payment uncertainty end to end (what a member draws, running the members, the bands, their text, command
and plot), each step using the previous one's structures.

:func:`payment_uncertainty` evaluates an agreement (:func:`hydro.compensation.evaluate`)
``members`` times, each member drawing

(a) **weather** — when given a basin rather than a series: the basin simulated over the
    years the agreement needs on synthetic weather (the generator of
    :mod:`hydro.weathergen` fitted to the basin's station record, seed ``seed + member``
    as in :mod:`hydro.ensemble`), its sections read as monthly series; years that start on the
    station record and end after it take the observed weather on the record, the same in
    every draw (:func:`hydro.spin_up.generated_from`; ``propagated.weather.generated_from``);
(c) **monitoring error** — every monthly mean (and monthly volume) multiplied by an
    independent lognormal factor of mean 1 and the coefficient of variation of
    :data:`MONITORING_CV` (an ESTIMATE; see there); the water transferred from outside
    (what ``water = "natural"`` subtracts) is not drawn (:func:`with_monitoring_error`);
(d) **prices** — every number of the agreement file written with ``range = [lo, hi]``
    (an unpublished price, cap, bonus, baseline or fixed amount) drawn uniformly in its
    range (:func:`draw_numbers`); where the file's ``[inference]`` names its published figures
    (``figures``), the numbers the inference draws, the fitted one included, are taken together
    from one of its consistent draws (:func:`hydro.compensation.inference.fitted_draws`).

(b) **model parameters** — with a calibration folder of the same basin
    (:func:`parameter_sets`): the best :data:`POPULATION_SHARE` of its successful
    evaluations (the DE population's best, GLUE's best-scoring sets), member ``m``
    running set ``m mod K``; a sensitivity screening's folder (Sobol, Morris: samples over
    the ranges, not estimates) is refused.  Only the calibrated parameters vary: the shipped
    basin calibrations (configs/calibration/) are of the water, so the TN parameters that set
    the paid concentrations are not drawn (sensitivity review, 2026-12-06).

Each member is a task of a :mod:`hydro.batch` executor (serial, local processes, a Dask
cluster) and returns *reduced* results: its payment rows (a few numbers each), never a
dataset.  A member that fails is reported and left out; the batch goes on.

Per year, payer/payee pair, section, component and parameter the result gives the
median, the 5-95 % band and the probability that the line pays out (a non-zero amount);
and, per year and pair, the net.  Each member also evaluates its series *without* the
monitoring error: a line whose decision (pays or not, and which way) the monitoring
error changes in at least :data:`FLIP_FLAG` of the members is flagged as decided by less
than the measurement error.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from pathlib import Path
from typing import IO, Any

import numpy as np

from hydro.compensation.agreement import Agreement
from hydro.compensation.engine import evaluate
from hydro.compensation.payments import NOT_NETTED, Payment, totals
from hydro.compensation.rules import years_needed
from hydro.csv_cells import SpreadsheetWriter
from hydro.errors import HydroError
from hydro.monitoring import FLOW, SectionSeries
from hydro.outputspec import NETCDF_SUFFIXES
from hydro.plotting.weather import members_of

#: Coefficient of variation of one monthly value as monitored (lognormal, mean 1).
#: ESTIMATE, not a published error model of the Chinese national network: a monthly
#: mean at a section is one grab sample a month (HJ 91.2-2022 sets monthly sampling at
#: national sections) carrying sampling, preservation and laboratory error.  Harmel et
#: al. (2006, Trans. ASABE 49(3): 689-701, "Cumulative uncertainty in measured
#: streamflow and water quality data for small watersheds") report probable errors of
#: 6-19 % for measured streamflow and about 8-100 % for nutrient concentrations under
#: typical practice; the values below sit at the low (well-run programme) end, since a
#: larger error would only widen the bands.  Override with ``monitoring_cv=``.
MONITORING_CV: dict[str, float] = {
    "tn": 0.15, "tp": 0.20, "nh3n": 0.20, "codmn": 0.10, "do": 0.05, FLOW: 0.10,
}

#: A line is flagged when the monitoring error changes its decision (whether it pays,
#: and which way) in at least this share of the members.
FLIP_FLAG = 0.05


def flagged(p_flip: float | None, component: str) -> bool:
    """Whether a line's decision is flagged as set by less than the monitoring error: flipped in at
    least :data:`FLIP_FLAG` of the members (``p_flip``, a share; None without monitoring error), for a
    component that enters the nets (an advance or project funding does not)."""
    return p_flip is not None and p_flip >= FLIP_FLAG and component not in NOT_NETTED


#: Members below which a 5-95 % band is said to be rough: the 5th percentile (linear) sits at position
#: 0.05 (n - 1) among the sorted members, so with fewer than 20 it lies nearer the lowest member than the
#: second-lowest (at 20, at 0.95 of the way to the second): each end of the band is then mostly the
#: single most extreme member.
ROUGH_BAND_MEMBERS = 20

#: Share of a calibration's successful evaluations (lowest loss first) drawn as parameter sets.
POPULATION_SHARE = 0.1

#: Quantiles of the band.
BAND = (0.05, 0.95)


# ---------------------------------------------------------------------------------
# The draws
# ---------------------------------------------------------------------------------
def ranged_numbers(agreement: Agreement) -> list[tuple[str, tuple[float, float]]]:
    """``(key, (lo, hi))`` of every ranged number that an evaluation uses (the
    ``[inference]`` table's shares are for published figures only and are left out)."""
    return [(p.key, (float(p.range[0]), float(p.range[1]))) for p in agreement.provenance
            if p.range is not None and not p.key.startswith("inference")]


def draw_numbers(agreement: Agreement, rng: np.random.Generator,
                 fitted: tuple[dict[str, float], ...] = ()) -> dict[str, float]:
    """One draw of every ranged number: key -> value; uniform in its range, and where ``fitted``
    (the consistent draws of the agreement's ``[inference]`` fit) are given, the numbers of one of
    them, drawn with equal chance, in place of those: the fitted number together with the
    assumptions it was solved for, not spread over its whole range."""
    numbers = {key: float(rng.uniform(lo, hi)) for key, (lo, hi) in ranged_numbers(agreement)}
    if fitted:
        pick = fitted[int(rng.integers(len(fitted)))]
        numbers.update({k: v for k, v in pick.items() if k in numbers})
    return numbers


def _fitted(path: str, overrides: tuple[str, ...]) -> tuple[dict[str, float], ...]:
    """:func:`hydro.compensation.inference.fitted_draws` of the agreement at ``path``, once a process (again
    after an edit of the agreement or of the figures it names)."""
    inference = _agreement(path, overrides).inference
    figures = inference.figures if inference is not None else None
    return _fitted_cached(path, overrides, _stamp(path), _stamp(str(figures)) if figures else 0)


@functools.lru_cache(maxsize=4)
def _fitted_cached(path: str, overrides: tuple[str, ...], stamp: int,
                   figures_stamp: int) -> tuple[dict[str, float], ...]:
    from hydro.compensation.inference import fitted_draws

    return tuple(fitted_draws(_agreement_cached(path, overrides, stamp)))


def with_numbers(agreement: Agreement, numbers: dict[str, float]) -> Agreement:
    """The agreement with the numbers at ``numbers`` (key path -> value).

    A rule's price, cap, bonus or fixed baseline (``baseline_m3``, ``baseline_mg_per_l``)
    and a fixed payment's ``amount_yuan`` are replaced; a key that names none of these
    raises :class:`HydroError` (so a draw never silently does nothing)."""
    rules = list(agreement.rules)
    fixed = list(agreement.fixed)
    for key, value in numbers.items():
        where, _, name = key.rpartition(".")
        hit = False
        for i, rule in enumerate(rules):
            if rule.where != where:
                continue
            if name.startswith("baseline") and getattr(rule, "baseline", None) is not None \
                    and rule.baseline.value is not None:  # type: ignore[attr-defined]
                rules[i] = replace(rule, baseline=replace(rule.baseline, value=float(value)))  # type: ignore
                hit = True
            elif isinstance(getattr(rule, name, None), float):
                rules[i] = replace(rule, **{name: float(value)})  # type: ignore[arg-type]
                hit = True
        for i, f in enumerate(fixed):
            if f.where == where and name == "amount_yuan":
                fixed[i] = replace(f, amount_yuan=float(value))
                hit = True
        if not hit:
            raise HydroError(f"{agreement.path}: key '{key}': a ranged number the uncertainty cannot draw "
                             "(not a rule's price, cap, bonus or baseline, nor a fixed amount)")
    return replace(agreement, rules=tuple(rules), fixed=tuple(fixed))


def with_monitoring_error(series: SectionSeries, rng: np.random.Generator,
                          cv: dict[str, float] | None = None) -> SectionSeries:
    """``series`` with every monthly value multiplied by an independent lognormal factor of
    mean 1 and coefficient of variation ``cv[parameter]`` (default :data:`MONITORING_CV`);
    missing months stay missing.  Sections and parameters are drawn in sorted order, so
    a seed gives the same series whatever the order of the input.

    The part of a month's volume that is water transferred from outside the basin
    (:attr:`~hydro.monitoring.SectionSeries.transferred`, which ``water = "natural"`` subtracts)
    is kept as it is, so a natural volume is a drawn total less the same transferred volume in
    every draw.  The error drawn is the gauge's, on the total flow it measures; the transferred
    part is not read off that gauge but follows the transfer's own record (its series' volumes,
    which the results' tracer carries to the section), so it has no share in the gauge's error.
    Scaling it by the gauge's factor would instead make the gauge's error in m3 shrink with the
    natural share; kept as it is, the natural volume carries the gauge's whole error in m3
    (Guanting 2019 at Bahaoqiao, 9 % of the flow Yellow River water: 10 % of the total is 11 %
    of the natural volume)."""
    cv = MONITORING_CV if cv is None else cv
    data: dict[str, dict[str, np.ndarray]] = {}
    for section in series.sections:
        data[section] = {}
        for parameter in series.parameters(section):
            values = np.asarray(series.data[section][parameter])
            c = float(cv.get(parameter, 0.0))
            if c > 0:
                sigma = math.sqrt(math.log1p(c * c))
                values = values * rng.lognormal(-sigma * sigma / 2, sigma, size=values.shape)
            data[section][parameter] = values
    # the daily values behind a results file go along (flow-normalised statistics read them);
    # the monitoring error applies to monthly means, not to a flow-normalised value
    return SectionSeries(series.first_year, data, source=series.source, daily=series.daily,
                         transferred=series.transferred)


# ---------------------------------------------------------------------------------
# One member (a batch task)
# ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class Setup:
    """What every member shares (pickled to the workers).

    Attributes
    ----------
    agreement : str
        The agreement file; ``overrides`` its ``--set`` assignments.
    series : str or None
        A results file or monitoring CSV (weather not drawn), or None with ``basin``.
    basin : str or None
        A basin (name, folder or file) simulated on synthetic weather per member.
    seed : int
    weather, monitoring, prices : bool
        Which sources of uncertainty are drawn.
    monitoring_cv : dict
    skip_unavailable : bool
    parameter_sets : tuple of tuple of str
        Basin overrides per parameter set (:func:`parameter_sets`); member ``m`` runs set
        ``m mod K``.  ``parameters_from`` names their calibration folder.
    """

    agreement: str
    overrides: tuple[str, ...] = ()
    series: str | None = None
    basin: str | None = None
    seed: int = 0
    weather: bool = True
    monitoring: bool = True
    prices: bool = True
    monitoring_cv: dict[str, float] = field(default_factory=lambda: dict(MONITORING_CV))
    skip_unavailable: bool = False
    parameter_sets: tuple[tuple[str, ...], ...] = ()
    parameters_from: str | None = None


def _stamp(path: str) -> int:
    """The file's modification time (ns), so a cached reading never outlives an edit (a
    Dask worker lives on between batches)."""
    try:
        return Path(path).stat().st_mtime_ns
    except OSError:
        return 0


def _agreement(path: str, overrides: tuple[str, ...]) -> Agreement:
    return _agreement_cached(path, overrides, _stamp(path))


@functools.lru_cache(maxsize=4)
def _agreement_cached(path: str, overrides: tuple[str, ...], stamp: int) -> Agreement:
    return Agreement.from_toml(path, overrides=list(overrides))


def _series(path: str) -> SectionSeries:
    return _series_cached(path, _stamp(path))


@functools.lru_cache(maxsize=4)
def _series_cached(path: str, stamp: int) -> SectionSeries:
    from hydro.monitoring import read_series, refuse_aggregated

    refuse_aggregated(path)  # monthly or yearly means leave every month missing: no payment at all
    _refuse_ensemble(path)
    return read_series(path)


def _refuse_ensemble(path: str) -> None:
    """A weather ensemble as the series of ``--uncertainty``: the reader's advice ("use
    --uncertainty N") would send the user back here; the weather is drawn from the basin."""
    if Path(path).suffix.lower() not in NETCDF_SUFFIXES or not Path(path).is_file():
        return
    from hydro.netcdf_read import open_dataset

    try:
        with open_dataset(path) as ds:
            ensemble = "member" in ds.dimensions
    except OSError:
        return  # read_series says what is wrong with the file
    if ensemble:
        raise HydroError(f"{path}: a weather ensemble (written with --members: a 'member' dimension); "
                         "--uncertainty draws the weather itself: give the basin in its place "
                         "(hydro compensate BASIN AGREEMENT.toml --uncertainty N), or the results of one run")


def parameter_sets(folder: str | Path, basin: str | Path,
                   share: float = POPULATION_SHARE) -> tuple[tuple[str, ...], ...]:
    """The parameter sets of a calibration folder (``hydro calibrate -o FOLDER``) of ``basin``:
    the best ``share`` (at least one) of its successful evaluations, lowest loss first,
    each as ``key.path=value`` overrides (the configuration's fixed overrides first), as
    ``best_params.toml`` writes them.

    Raises
    ------
    HydroError
        The folder lacks ``run.json`` or ``evaluations.jsonl``, its calibration is not of
        ``basin``, or it has no successful evaluation.
    """
    import json

    from hydro.basin import resolve_basin
    from hydro.calibration.config import CalibrationConfig
    from hydro.calibration.folder import swap_pending
    from hydro.calibration.models import format_assignment
    from hydro.calibration.problem import Problem
    from hydro.calibration.runner import read_run_record

    folder = Path(folder)
    run, log = folder / "run.json", folder / "evaluations.jsonl"
    if swap_pending(folder):  # its run.json removed: half of it may be the new run's
        raise HydroError(f"--parameters-from {folder}: an --overwrite is moving its results into the folder "
                         "(or was cut short doing so); the next hydro calibrate on it finishes that (the "
                         "overwrite's command with --resume in place of --overwrite), then give it again")
    for f in (run, log):
        if not f.is_file():
            raise HydroError(f"--parameters-from {folder}: no {f.name}; give a folder written by hydro calibrate -o")
    record = read_run_record(run, f"--parameters-from {folder}", "give a folder written by hydro calibrate -o",
                             "config")
    config = CalibrationConfig.from_toml(record["config"])
    target = resolve_basin(basin).resolve()
    if config.kind != "basin" or resolve_basin(config.model).resolve() != target:
        raise HydroError(f"--parameters-from {folder}: the calibration is of {config.kind} {config.model}, not of "
                         f"the basin {target}; give a calibration of this basin")
    if config.method.name in ("sobol", "morris"):  # samples over the ranges: their best are no estimates
        raise HydroError(f"--parameters-from {folder}: a {config.method.name} sensitivity screening, whose "
                         "evaluations sample the parameters' ranges rather than estimate them; give the folder "
                         "of a calibration (method de or glue)")
    records = []
    for line in log.read_text(encoding="utf-8").splitlines():
        try:
            r = json.loads(line)
        except ValueError:
            continue  # a line cut by an interrupted run
        if r.get("status") == "ok" and r.get("loss") is not None and math.isfinite(float(r["loss"])):
            records.append(r)
    if not records:
        raise HydroError(f"--parameters-from {folder}: no successful evaluation in {log.name}")
    records.sort(key=lambda r: float(r["loss"]))
    problem = Problem(config)
    keep = records[:max(1, math.ceil(share * len(records)))]
    return tuple(tuple(list(config.overrides) + [format_assignment(k, v) for k, v in
                                                 problem.assignments(np.array(r["z"], dtype=float)).items()])
                 for r in keep)


def _generated_from(basin_path: str, agreement: Agreement) -> str:
    """The first day of the draws' generated weather (ISO date): 1 January of the agreement's
    first year, or the day after the basin's station record ends where the years needed start on
    the record and end after it (those days take the observed weather, the same in every draw:
    :func:`hydro.spin_up.generated_from`)."""
    from hydro.model import model_variant
    from hydro.spin_up import generated_from

    first, last = years_needed(agreement)
    return generated_from(model_variant(basin_path).basin, date(first, 1, 1), date(last, 12, 31)).isoformat()


def simulated_series(basin_path: str, first: int, last: int, seed: int,
                     overrides: tuple[str, ...] = ()) -> SectionSeries:
    """The basin simulated from 1 January ``first`` to 31 December ``last`` on synthetic
    weather drawn with ``seed``, read as monthly section series (through a temporary
    results file, so the monthly aggregation is that of :func:`hydro.monitoring.read_results`)."""
    import tempfile

    from hydro.ensemble import member_weather
    from hydro.model import model_variant
    from hydro.monitoring import read_results
    from hydro.outputspec import OutputSpec, reduce
    from hydro.pipeline import run_watershed

    basin = model_variant(basin_path, list(overrides)).basin  # parsed once per process
    start, end = date(first, 1, 1), date(last, 12, 31)
    # an ensemble member's weather; a draw that starts after the basin's [run] start starts from the
    # spin-up on the station record (hydro.blocked.record_spin_up: computed once per process and
    # configuration, shared by the draws; past the record's end, to its end and then on the draw's own
    # weather), else its runoff stores warm up on the generated years before
    weather = member_weather(model_variant(basin_path).basin, start, end, seed)
    res = run_watershed(basin, start, end, weather=weather, apportion=False)
    # with the transferred water's tracer and where it enters: a rule's water = "natural" reads them
    keep = tuple(v for v in ("section_discharge", "reservoir_inflow", "reservoir_natural_inflow",
                             "section_transfer_discharge", "reach_transfer_inflow", "reservoir_transfer_inflow")
                 if v in res.data) + tuple(
        v for v in res.data if v.endswith("_concentration") and v.startswith(("section_", "reservoir_"))
        and "source" not in v)
    res = reduce(res, OutputSpec(variables=keep))
    with tempfile.TemporaryDirectory(prefix="hydro-unc-") as tmp:
        path = Path(tmp) / "member.nc"
        res.to_netcdf(path)
        return read_results(path)


Key = tuple[int, str, str, str, str, str, str]  # year, section, component, parameter, payer, payee, rule


def _check_sections(agreement: Agreement, basin) -> None:
    """Refuse an agreement naming a section or reservoir the basin lacks, before any member runs (each
    member simulated the basin and then failed on it: seconds to minutes of runs for one message)."""
    from hydro.errors import suggest

    known = [x.id for x in basin.network.sections] + [x.id for x in basin.network.reservoirs]
    for rule in agreement.rules:
        inflow = getattr(rule, "inflow_section", None)
        named = [(rule.section_key, x) for x in rule.sections] + ([("inflow_section", inflow)] if inflow else [])
        for key, section in named:
            if section not in known:
                raise HydroError(f"{agreement.path}: key '{rule.where}.{key}': section '{section}' is not in "
                                 f"{basin.path}" + suggest(section, known) + f"; its sections and reservoirs: "
                                 f"{', '.join(known)}; give the agreement of this basin, or a basin that has it")


def _key(p: Payment) -> Key:
    return (p.year, p.section, p.component, p.parameter, p.payer, p.payee, p.rule)


def member(args: tuple[Setup, int]) -> dict:
    """Evaluate one member (a batch task): ``{"rows": [(key, amount, amount_without_error)],
    "net": [((year, payer, payee), net_yuan)], "numbers": {key: value}}``."""
    from hydro.batch import maybe_fail

    setup, m = args
    maybe_fail(m)
    agreement = _agreement(setup.agreement, setup.overrides)
    if setup.basin is not None:
        first, last = years_needed(agreement)
        sets = setup.parameter_sets
        series = simulated_series(setup.basin, first, last, setup.seed + m if setup.weather else setup.seed,
                                  sets[m % len(sets)] if sets else ())
    else:
        assert setup.series is not None
        series = _series(setup.series)
    numbers: dict[str, float] = {}
    if setup.prices:
        numbers = draw_numbers(agreement, np.random.default_rng([setup.seed, m, 1]),
                               _fitted(setup.agreement, setup.overrides))
        agreement = with_numbers(agreement, numbers)
    true = evaluate(agreement, series, skip_unavailable=setup.skip_unavailable)
    if setup.monitoring:
        measured_series = with_monitoring_error(series, np.random.default_rng([setup.seed, m, 2]),
                                                setup.monitoring_cv)
        measured = evaluate(agreement, measured_series, skip_unavailable=setup.skip_unavailable)
    else:
        measured = true
    without = {_key(p): p.amount_yuan for p in true}
    return {"rows": [(_key(p), p.amount_yuan, without.get(_key(p), math.nan)) for p in measured],
            "net": [((t["year"], t["payer"], t["payee"]), t["net_yuan"], t["complete"]) for t in totals(measured)],
            "numbers": numbers}


# ---------------------------------------------------------------------------------
# The batch and its summary
# ---------------------------------------------------------------------------------
def _decision(amount: float) -> float:
    return float(np.sign(amount)) if math.isfinite(amount) else math.nan


def _band(values: list[float]) -> dict:
    x = np.array([v for v in values if math.isfinite(v)], dtype=float)
    if not x.size:
        return {"median_yuan": None, "p05_yuan": None, "p95_yuan": None, "p_pays": None}
    return {"median_yuan": float(np.median(x)), "p05_yuan": float(np.quantile(x, BAND[0])),
            "p95_yuan": float(np.quantile(x, BAND[1])), "p_pays": float(np.mean(x != 0))}


def payment_uncertainty(setup: Setup, members: int, *, workers: int | None = None,
                        scheduler: str | None = None, dask_workers: int | None = None, executor=None,
                        quiet: bool = True) -> dict:
    """Run ``members`` members on a batch executor and summarise their payments.

    Size: prepares and checks every draw (weather, parameters, monitoring error, ranged numbers) before any
    member runs, then runs and summarises the members; the checks and the run share that preparation.

    Returns
    -------
    dict
        ``members``, ``seed``, ``propagated`` (what was drawn, with the error model and
        the ranged numbers), ``failed`` (member -> error), ``rows`` (one per payment line:
        year, section, component, parameter, payer, payee, rule, ``median_yuan``,
        ``p05_yuan``, ``p95_yuan``, ``p_pays``, ``n`` members with a determined amount,
        ``undetermined`` members, ``p_flip`` (share of members whose decision the
        monitoring error changed; None without it) and ``flag``), and ``net`` (per year
        and pair: the same band of the net).  Raises :class:`hydro.batch.BatchFailed` if
        every member failed.
    """
    from hydro.batch import BatchFailed, run_batch
    from hydro.progress import Progress

    if members < 1:
        raise HydroError(f"--uncertainty must be at least 1 member, got {members}")
    agreement = _agreement(setup.agreement, setup.overrides)
    if setup.basin is not None:
        from hydro.model import model_variant

        basin = model_variant(setup.basin).basin
        if not basin.is_watershed:
            raise HydroError(f"{basin.path}: weather uncertainty needs a watershed basin (with [[subbasins]])")
        from hydro.ensemble import weather_generator

        weather_generator(basin)  # a record the generator cannot be fitted to: one error, before any member
        _check_sections(agreement, basin)  # every member would fail on a section the basin lacks
    else:
        evaluate(agreement, _series(str(setup.series)), skip_unavailable=setup.skip_unavailable)  # errors now
    fitted = _fitted(setup.agreement, setup.overrides) if setup.prices else ()  # a fit that fails: once, now
    tasks = [(setup, m) for m in range(members)]
    outcomes: dict[int, dict] = {}
    failed: dict[int, str] = {}
    progress = Progress(members, "members", quiet=quiet)
    for m, outcome in run_batch(member, tasks, executor=executor, progress=progress, workers=workers,
                                scheduler=scheduler, dask_workers=dask_workers):
        if outcome.ok:
            outcomes[m] = outcome.value
        else:
            failed[m] = str(outcome.error)
    if not outcomes:
        raise BatchFailed(f"every member failed; member 0: {failed.get(0)}")
    amounts: dict[Key, list[float]] = {}
    flips: dict[Key, list[bool]] = {}
    nets: dict[tuple, list[float]] = {}
    incomplete: dict[tuple, int] = {}  # members whose net left out an undetermined or partial line
    for m in sorted(outcomes):
        for key, amount, without in outcomes[m]["rows"]:
            amounts.setdefault(key, []).append(amount)
            d, d0 = _decision(amount), _decision(without)
            if not (math.isnan(d) or math.isnan(d0)):
                flips.setdefault(key, []).append(d != d0)
        for key, net, complete in outcomes[m]["net"]:
            nets.setdefault(tuple(key), []).append(net)
            incomplete[tuple(key)] = incomplete.get(tuple(key), 0) + (not complete)
    rows = []
    for key in sorted(amounts, key=lambda k: (k[0], k[4], k[5], k[6], k[1], k[3])):
        year, section, component, parameter, payer, payee, rule = key
        values = amounts[key]
        f = flips.get(key, [])
        p_flip = float(np.mean(f)) if setup.monitoring and f else None
        row = {"year": year, "section": section, "component": component, "parameter": parameter,
               "payer": payer, "payee": payee, "rule": rule, **_band(values),
               "n": int(sum(math.isfinite(v) for v in values)),
               "undetermined": int(sum(not math.isfinite(v) for v in values)), "p_flip": p_flip,
               "flag": flagged(p_flip, component)}
        rows.append(row)
    net = []
    for pair, v in sorted(nets.items()):
        year, a, b = pair
        band = _band(v)
        if band["median_yuan"] is not None and band["median_yuan"] < 0:  # name the pair the way money goes
            a, b, band = b, a, _band([-x for x in v])
        net.append({"year": year, "payer": a, "payee": b, **band, "n": len(v),
                    "incomplete": incomplete[pair]})
    fitted_keys = set(fitted[0]) if fitted else set()
    figures = agreement.inference.figures if fitted and agreement.inference else None
    fitted_on = str(Path(figures).resolve()) if figures is not None else None
    propagated: dict[str, Any] = {
        "weather": ({"basin": setup.basin, "years": list(years_needed(agreement)),
                     "seeds": f"{setup.seed} + member", "generated_from": _generated_from(setup.basin, agreement)}
                    if setup.basin is not None and setup.weather else None),
        "parameters": ({"calibration": setup.parameters_from, "sets": len(setup.parameter_sets),
                        "share": POPULATION_SHARE, "member_uses": "set member mod sets"}
                       if setup.parameter_sets else None),
        "monitoring_error": ({"model": "lognormal, mean 1, independent per section, parameter and month",
                              "cv": dict(setup.monitoring_cv), "status": "ESTIMATE"}
                             if setup.monitoring else None),
        "prices": ([{"key": k, "range": list(r), "fitted_on": fitted_on if k in fitted_keys else None}
                    for k, r in ranged_numbers(agreement)] if setup.prices else None),
    }
    return {"agreement": str(setup.agreement), "source": setup.basin or setup.series, "members": members,
            "succeeded": len(outcomes), "seed": setup.seed, "propagated": propagated,
            "failed": {str(m): failed[m] for m in sorted(failed)}, "band": list(BAND), "flip_flag": FLIP_FLAG,
            "rows": rows, "net": net}


# ---------------------------------------------------------------------------------
# Tables
# ---------------------------------------------------------------------------------
def _money(v) -> str:
    return "-" if v is None else f"{(v if abs(v) >= 0.5 else 0.0):,.0f}"  # never "-0"


def prices_drawn(prices: list[dict]) -> str:
    """How a result's ranged numbers were drawn (``propagated.prices``), for the table and the report:
    those that vary, and which of them come from the ``[inference]`` fit."""
    varied = [p for p in prices if p["range"][0] != p["range"][1]]
    fitted = [p for p in varied if p.get("fitted_on")]
    if not fitted:
        return f"{len(varied)} ranged number(s) of the agreement (unpublished prices, caps, baselines) drawn " \
               "uniformly in their ranges"
    rest = "" if len(fitted) == len(varied) else ", the others uniformly in their ranges"
    return (f"{len(varied)} ranged number(s) of the agreement, {'all' if not rest else len(fitted)} together from "
            f"the consistent draws of the [inference] fit on {fitted[0]['fitted_on']}{rest}")


def format_uncertainty(result: dict) -> str:
    """The plain-text table for the terminal."""
    prop = result["propagated"]
    drawn = []
    if prop["weather"]:
        w = prop["weather"]
        first_generated = w.get("generated_from") or f"{w['years'][0]}-01-01"
        on = "synthetic weather" if first_generated.startswith(f"{w['years'][0]}-01-01") else \
            f"the observed record to {date.fromisoformat(first_generated) - timedelta(days=1)}, then synthetic weather"
        drawn.append(f"weather ({w['basin']} on {on}, {w['years'][0]}-{w['years'][1]})")
    if prop["monitoring_error"]:
        cv = ", ".join(f"{k} {v:.0%}" for k, v in prop["monitoring_error"]["cv"].items())
        drawn.append(f"monitoring error (lognormal CV per monthly value, ESTIMATE: {cv})")
    if prop["prices"] is not None:
        drawn.append(prices_drawn(prop["prices"]))
    from hydro.plotting.weather import one_member

    alone = one_member(result["succeeded"])  # --uncertainty 1: a band that is no band
    out = [f"{members_of(result['succeeded'], result['members'])} (seed {result['seed']}); drawn: "
           + "; ".join(drawn or ["nothing"]) + (f"\n{alone}" if alone else ""),
           ("parameters of the model: " + (f"{prop['parameters']['sets']} sets of {prop['parameters']['calibration']}"
                                            if prop["parameters"] else "not drawn (no --parameters-from)")), ""]
    header = ("year", "section", "component", "parameter", "payer -> payee", "median", "5 %", "95 %",
              "P(pays)", "")
    lines = []
    for r in result["rows"]:
        flag = "decided within measurement error" if r["flag"] else ""
        if r["undetermined"]:
            what = "unpublished" if r["component"] == "funding" else f"{r['undetermined']} undetermined"
            flag = (flag + " " + what).strip()
        lines.append((str(r["year"]), r["section"] or "-", r["component"], r["parameter"] or "-",
                      f"{r['payer']} -> {r['payee']}", _money(r["median_yuan"]), _money(r["p05_yuan"]),
                      _money(r["p95_yuan"]), "-" if r["p_pays"] is None else f"{r['p_pays']:.2f}", flag))
    widths = [max(len(x[i]) for x in [header, *lines]) for i in range(len(header))]
    for row in [header, *lines]:
        out.append("  ".join(c.rjust(w) if 5 <= i <= 8 else c.ljust(w)
                             for i, (c, w) in enumerate(zip(row, widths, strict=True))).rstrip())
    out.append("")
    out.append("net per year (positive: payer pays payee; advances and funding not netted)")
    for n in result["net"]:
        out.append(f"  {n['year']}  {n['payer']} -> {n['payee']}: median {_money(n['median_yuan'])} yuan "
                   f"(5-95 %: {_money(n['p05_yuan'])} to {_money(n['p95_yuan'])})"
                   + (f"  (incomplete in {members_of(n['incomplete'], n['n'])}: the determined lines only)"
                      if n.get("incomplete") else ""))
    if any(r["flag"] for r in result["rows"]):
        out.append("")
        out.append(f"flagged: the monitoring error alone changes whether (or which way) the line pays in "
                   f">= {FLIP_FLAG:.0%} of the members")
    return "\n".join(out)


#: Columns of the CSV table (``--csv`` with ``--uncertainty``).
UNCERTAINTY_COLUMNS = ("year", "section", "component", "parameter", "payer", "payee", "rule", "median_yuan",
                       "p05_yuan", "p95_yuan", "p_pays", "n", "undetermined", "p_flip", "flag")


def write_uncertainty_csv(result: dict, out: str | Path | IO[str], overwrite: bool = False,
                          provenance: dict | None = None) -> None:
    """The rows as CSV (:data:`UNCERTAINTY_COLUMNS`; a missing value as an empty cell), then the net per year
    and pair (component ``net``; its ``undetermined``: the members whose net left out an undetermined or
    partial line, the table's "incomplete in k of N members"); with ``provenance``
    (:func:`hydro.provenance.compensation_provenance`) the columns of
    :data:`hydro.provenance.PROVENANCE_COLUMNS` follow on every row."""
    if isinstance(out, (str, Path)):
        from hydro.outputs import atomic_open

        with atomic_open(out, overwrite, option="--csv") as fh:
            write_uncertainty_csv(result, fh, provenance=provenance)
        return
    from hydro.provenance import PROVENANCE_COLUMNS, provenance_cells

    writer = SpreadsheetWriter(out)
    writer.writerow(UNCERTAINTY_COLUMNS + (PROVENANCE_COLUMNS if provenance else ()))
    nets = [{**dict.fromkeys(UNCERTAINTY_COLUMNS), **n, "section": "", "component": "net", "parameter": "",
             "rule": "", "undetermined": n["incomplete"], "flag": False} for n in result["net"]]
    for r in [*result["rows"], *nets]:
        writer.writerow(["" if r[c] is None else str(r[c]).lower() if isinstance(r[c], bool) else r[c]
                         for c in UNCERTAINTY_COLUMNS]
                        + (provenance_cells(r["rule"] or "", provenance) if provenance else []))



# ---------------------------------------------------------------------------------
# The command
# ---------------------------------------------------------------------------------
def compensate_uncertainty(source: str, agreement: str, members: int, *, seed: int = 0,
                           overrides: tuple[str, ...] = (), skip_unavailable: bool = False,
                           as_json: bool = False, csv_out: str | None = None, overwrite: bool = False,
                           workers: int | None = None, scheduler: str | None = None,
                           parameters_from: str | None = None, quiet: bool = False,
                           plot_out: str | None = None) -> None:
    """Body of ``hydro compensate SOURCE AGREEMENT.toml --uncertainty N`` (``--plot FIG`` draws
    :func:`plot_payment_bands`).

    ``SOURCE`` is a results file or monitoring CSV (monitoring error and prices drawn) or
    a basin (also the weather: each member simulates the agreement's years).  Failed
    members are listed on stderr and the command ends with
    :data:`hydro.batch.EXIT_PARTIAL` (3) after printing what the others gave."""
    import sys

    import click

    from hydro.batch import EXIT_PARTIAL, BatchFailed, report_failures
    from hydro.compensation.inference import is_published_figures

    path = Path(source)
    is_file = path.suffix.lower() in (".csv", *NETCDF_SUFFIXES)
    if parameters_from and is_file:
        raise HydroError(f"--parameters-from: {path} is a series, not a basin; model parameters are drawn "
                         "only when each member simulates the basin (give the basin instead)")
    if is_file:
        if not path.is_file():
            raise HydroError(f"{path}: file not found; check the path")
        if is_published_figures(path):
            raise HydroError(f"{path}: a published-figures CSV carries its own band (the inferred price); "
                             "drop --uncertainty")
        setup = Setup(str(agreement), tuple(overrides), series=str(path), seed=seed, weather=False,
                      skip_unavailable=skip_unavailable)
    else:
        from hydro.basin import resolve_basin

        basin = str(resolve_basin(source))
        sets = parameter_sets(parameters_from, basin) if parameters_from else ()
        setup = Setup(str(agreement), tuple(overrides), basin=basin, seed=seed,
                      skip_unavailable=skip_unavailable, parameter_sets=sets,
                      parameters_from=str(parameters_from) if parameters_from else None)
    try:
        result = payment_uncertainty(setup, members, workers=workers, scheduler=scheduler, quiet=quiet or as_json)
    except BatchFailed as exc:
        click.echo(f"Error: {exc}", err=True)
        sys.exit(EXIT_PARTIAL)
    from hydro.outputs import written_together
    from hydro.provenance import compensation_provenance

    record = compensation_provenance(result["source"], agreement, overrides)  # docs/commands/compensate.md
    with written_together():  # the table and the figure of one draw, never one of each (as hydro scenarios)
        if csv_out:
            write_uncertainty_csv(result, csv_out, overwrite=overwrite, provenance=record)
        if plot_out:
            from hydro.plotting import style

            style.save(plot_payment_bands(result), plot_out, overwrite=overwrite)
    notes = ["note: the band is over 1 member: no spread, its median and 5-95 % are that member's amounts and "
             "P(pays) 0 or 1; draw more members (--uncertainty 20)"] if result["succeeded"] == 1 else []
    if 1 < result["succeeded"] < ROUGH_BAND_MEMBERS:
        notes.append(f"note: the 5-95 % band is over {result['succeeded']} members: with fewer than "
                     f"{ROUGH_BAND_MEMBERS} each of its ends is mostly the single most extreme member, rough; draw "
                     f"more members (--uncertainty {ROUGH_BAND_MEMBERS} or more) for a band to report")
    if is_file:  # generated weather (one draw of its years), years not reached, months missing: as without
        from hydro.compensation.notes import series_notes, skipped_notes
        from hydro.monitoring import read_series

        rules, series = Agreement.from_toml(agreement, overrides=list(overrides)), read_series(path)
        notes += (skipped_notes(rules, series) if skip_unavailable else []) + series_notes(rules, series, path)
    failures: list[str] = []
    if result["failed"]:  # in the JSON's notes too, in the same words as on stderr
        report_failures(result["failed"], "member", failures.append)
        failures.append(f"{len(result['failed'])} of {members} members failed; summarised without them")
    _echo(result, record, notes + failures, as_json)
    for note in notes + failures:
        click.echo(note, err=True)
    if result["failed"]:
        sys.exit(EXIT_PARTIAL)


def _echo(result: dict, record: dict, notes: list[str], as_json: bool) -> None:
    """Print the result: as JSON with its ``notes`` (as with --json --quality without --uncertainty) and
    ``provenance`` (``record``, :func:`hydro.provenance.compensation_provenance`), or as the table under
    the header naming the same."""
    import json

    import click

    from hydro.provenance import provenance_lines

    if as_json:
        click.echo(json.dumps({**result, "notes": notes, "provenance": record}, indent=1, ensure_ascii=False))
    else:
        click.echo("\n".join(provenance_lines(record)) + "\n")
        click.echo(format_uncertainty(result))


# ---------------------------------------------------------------------------------
# The figure
# ---------------------------------------------------------------------------------
def plot_payment_bands(result: dict, *, title: str | None = None, ax=None):
    """The bands as a forest plot: one line per payment line and year (rules only; fixed,
    advance and funding lines are certain or unpublished), the median as a dot and the
    5-95 % band as a bar, P(pays) at the right, lines decided within the measurement error
    in the warning colour; then the net per year and pair below a rule.

    Parameters
    ----------
    result : dict
        From :func:`payment_uncertainty` (or ``hydro compensate --uncertainty N --json``).

    Returns
    -------
    matplotlib.figure.Figure
    """
    from hydro.plotting import style

    rows = [r for r in result["rows"] if r["component"] not in (*NOT_NETTED, "fixed")
            and r["median_yuan"] is not None]
    nets = [n for n in result["net"] if n["median_yuan"] is not None]
    items = [(f"{r['year']}  {r['section'] or '-'}  {style.pretty(r['component'])}"
              + (" " + "+".join(style.pretty(x) for x in r["parameter"].split("+"))  # CODMn+NH3-N+TP
                 if r["parameter"] and r["component"] != "quantity" else ""),
              r, bool(r["flag"])) for r in rows]
    items += [(f"{n['year']}  net {n['payer']} -> {n['payee']}", n, False) for n in nets]
    if not items:
        raise HydroError("no payment line with a determined amount to plot")
    values = [abs(v) for _, r, _ in items for v in (r["p05_yuan"], r["p95_yuan"], r["median_yuan"])]
    scale, unit = next(((s, u) for s, u in ((1e8, "100 million yuan"), (1e6, "million yuan"),
                                             (1e4, "10 thousand yuan")) if max(values) >= s), (1.0, "yuan"))
    with style.figure_context():
        if ax is None:
            fig, ax = style.new_figure(figsize=(9.0, max(2.5, 0.32 * len(items) + 1.5)))
        else:
            fig = ax.figure
        warn, base, net_colour = style.PALETTE[3], style.PALETTE[0], style.TARGET_COLOUR
        for i, (_, r, flagged) in enumerate(items):
            y = len(items) - 1 - i
            is_net = "section" not in r
            colour = net_colour if is_net else warn if flagged else base
            ax.plot([r["p05_yuan"] / scale, r["p95_yuan"] / scale], [y, y], color=colour, lw=3 if is_net else 2,
                    solid_capstyle="butt", alpha=0.8)
            ax.plot(r["median_yuan"] / scale, y, "o", color=colour, ms=6, mec="white", mew=0.8)
            if r.get("p_pays") is not None:
                ax.annotate(f"P(pays) {r['p_pays']:.2f}", (1.0, y), xycoords=("axes fraction", "data"),
                            xytext=(6, 0), textcoords="offset points", va="center", fontsize=8,
                            color=colour)
        n_rules = len(items) - len(nets)
        if nets and n_rules:
            ax.axhline(len(nets) - 0.5, color=style.MUTED, lw=0.8, ls=":")
        ax.axvline(0, color=style.MUTED, lw=0.8)
        ax.set_yticks(range(len(items)), [label for label, _, _ in reversed(items)], fontsize=8)
        ax.set_ylim(-0.7, len(items) - 0.3)
        # title, legend and axis label right-aligned: long line labels (Miyun's five-section quantity line) push the
        # axes right, and centred over them the three ran off the figure's right edge
        ax.set_xlabel(f"amount ({unit}; positive: payer pays payee) — dot median, bar 5-95 %", loc="right")
        from matplotlib.lines import Line2D

        handles = [Line2D([], [], color=base, marker="o", lw=2, label="payment line"),
                   Line2D([], [], color=warn, marker="o", lw=2, label="decided within measurement error"),
                   Line2D([], [], color=net_colour, marker="o", lw=3, label="net per year and pair")]
        ax.legend(handles=handles, loc="lower right", bbox_to_anchor=(1.0, 1.0), ncol=3, fontsize=8, frameon=False)
        drawn = [k for k, v in result["propagated"].items() if v]
        ax.set_title(title or f"{Path(str(result['agreement'])).stem}: {members_of(result['succeeded'])}, drawn: "
                     + ", ".join(d.replace("_", " ") for d in drawn), fontsize=9, pad=22)
        ax.title.set(x=1.0, horizontalalignment="right")  # still the axes' title (get_title(), notes added to it)
        from types import SimpleNamespace

        from hydro.plotting.weather import add_note, file_attributes, one_member, weather_note

        run = SimpleNamespace(attrs=file_attributes(result["source"]), coords={}, data={})  # the series' weather
        add_note(fig, "; ".join(n for n in (weather_note(run, "compensation"), one_member(result["succeeded"])) if n),
                 ax)
    return fig
