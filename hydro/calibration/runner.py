"""Run a calibration: search, store every evaluation, write the results.

Size: the calibration run with its three search methods (DE, GLUE, sensitivity), which share the evaluator,
the evaluation store and the output writers defined here.

:func:`calibrate` is the Python API behind ``hydro calibrate``.  It prepares
the problem (every input check, before any evaluation), opens the
evaluation store, runs the method of the configuration on an executor and
writes the output folder:

``evaluations.jsonl``
    every evaluation, appended as it finishes and synced to disk once per
    batch (:mod:`hydro.calibration.store`);
``evaluations.csv``
    the same as a table (written atomically at the end, and on Ctrl-C);
``best_params.toml``
    the best parameters as ``key.path=value`` overrides (:func:`write_params`),
    the file ``hydro run --params`` reads;
``scores.csv``
    calibration and validation scores of the best parameters;
``summary.json``
    method, counts, best loss and parameters, time, executor;
``glue_bands.csv`` / ``sensitivity.csv``
    for the GLUE and Sobol/Morris methods.

Methods
-------
``de``
    :func:`scipy.optimize.differential_evolution` with ``updating="deferred"``
    and this module as its ``workers`` map: each generation is evaluated in
    parallel.  ``--resume`` *replays* the run: DE is restarted with the same
    seed and every vector it proposes that is already stored (same bits) gets
    its stored loss without running the model, so the search retraces its
    path exactly and continues where it stopped.
``glue``
    A Latin hypercube of ``max_evaluations`` parameter sets; sets whose score
    ``1 - loss`` (dimensionless: the terms of :meth:`hydro.metrics.Metric.loss_of`, no RMSE)
    reaches ``threshold`` are behavioural, weighted in proportion
    to ``score - threshold`` (rescaled likelihood, Beven & Binley 1992), and
    give weighted quantile bands of the simulated observations.
``sobol`` / ``morris``
    SALib's Saltelli/Sobol' sequence and Sobol' indices, or Morris trajectories
    and elementary effects, of the combined loss.
"""

from __future__ import annotations

import contextlib
import csv
import json
import math
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from hydro.calibration.config import CalibrationConfig
from hydro.calibration.diagnostics import SCREENINGS, library_versions, population_spread, run_report, screening_notes
from hydro.calibration.executors import choose_executor, make_evaluations
from hydro.calibration.models import format_assignment
from hydro.calibration.problem import FAILED_LOSS, Problem, any_failed, loss_spread
from hydro.progress import Progress
from hydro.calibration.store import EvaluationStore, json_finite, lock_folder, release_folder, vector_key
from hydro.errors import HydroError
from hydro.provenance import code_record, code_text

from hydro.calibration.folder import (CONFIG_COPY, LOSS_SCALE, PARAMS_FILE, RUN_FILE, RUN_OUTPUTS, finish_cut_swap,
                                     staged_run, working_folder)



@dataclass
class CalibrationResult:
    """What :func:`calibrate` returns.

    Attributes
    ----------
    folder : Path
        Output folder.
    best : dict or None
        Best evaluation record (None when every evaluation failed).
    records : list of dict
        Every evaluation (resumed ones included).
    summary : dict
        The content of ``summary.json``.
    extra : dict
        Method-specific results (``bands``, ``sensitivity``).
    """

    folder: Path
    best: dict | None
    records: list
    summary: dict
    extra: dict = field(default_factory=dict)


class _Evaluator:
    """Evaluates batches of vectors on an executor, reusing stored evaluations."""

    def __init__(self, problem: Problem, store: EvaluationStore, executor, progress: Progress, phase: str):
        self.problem, self.store, self.executor = problem, store, executor
        self.progress, self.phase = progress, phase
        self.new = 0
        self.failed = 0
        self.best: float | None = None  # best loss so far (for the progress line)

    def batch(self, vectors) -> list[dict]:
        vectors = [np.asarray(z, dtype=float) for z in vectors]
        out: list[dict | None] = [None] * len(vectors)
        todo, slots = [], {}
        for i, z in enumerate(vectors):
            key = vector_key(z)
            rec = self.store.by_key.get(key)
            if rec is not None:
                out[i] = rec
            elif key in slots:
                slots[key].append(i)
            else:
                slots[key] = [i]
                todo.append(z)
        from hydro.signals import raise_if_signalled

        if len(todo) < len(vectors):  # stored (resumed, or seen before) or repeated: planned, not run again
            self.progress.update(len(vectors) - len(todo), self._status())
        first = self.store.next_id()  # ids in the order proposed, whatever order they finish in
        for j, result in self.executor.map_unordered(todo):
            raise_if_signalled()  # a Ctrl-C/SIGTERM whose exception library code swallowed
            z = todo[j]
            rec = self.store.append({
                "id": first + j, "key": vector_key(z), "z": [float(v) for v in z],
                "params": dict(zip(self.problem.names, self.problem.values(z))),
                "phase": self.phase, **result})
            self.new += 1
            for i in slots[rec["key"]]:
                out[i] = rec
            self.failed += rec["status"] != "ok"
            if rec["status"] == "ok" and (self.best is None or rec["loss"] < self.best):
                self.best = rec["loss"]
            self.progress.update(1, self._status())
        self.store.sync()  # once per batch (generation): durable even if the machine fails
        return out  # type: ignore[return-value]

    def _status(self) -> str:
        """The progress line's status: the best loss so far and the failures."""
        best = "-" if self.best is None else f"{self.best:.4g}"
        return f"best loss {best}" + (f" | failed {self.failed}" if self.failed else "")

    def losses(self, vectors) -> np.ndarray:
        return np.array([r["loss"] if r["status"] == "ok" else FAILED_LOSS for r in self.batch(vectors)])


def _de_generations(config: CalibrationConfig) -> tuple[int, int]:
    """(maxiter, population size) of DE within the evaluation budget: the first population,
    then as many whole generations as fit (none when the budget is one population)."""
    n = len(config.parameters)
    pop = config.method.popsize * n
    maxiter = max(config.method.max_evaluations // pop - 1, 0)
    return maxiter, pop


def planned_evaluations(config: CalibrationConfig) -> int:
    """Evaluations the method plans (an upper bound for DE, which may converge early)."""
    m = config.method
    n = len(config.parameters)
    if m.name == "de":
        maxiter, pop = _de_generations(config)
        return pop * (maxiter + 1)
    if m.name == "glue":
        return m.max_evaluations
    if m.name == "sobol":
        return m.samples * (n + 2)
    return m.samples * (n + 1)


def _run_de(problem: Problem, ev: _Evaluator) -> dict:
    from scipy.optimize import differential_evolution

    cfg = problem.config
    m = cfg.method
    maxiter, pop = _de_generations(cfg)
    outside = np.geterr()

    def mapper(_func, population):
        with np.errstate(**outside):  # the evaluations as before: only SciPy's own arithmetic is quiet
            try:
                return ev.losses(list(population))
            except (TypeError, ValueError) as exc:  # SciPy would hide it behind its own RuntimeError
                raise _Stopped(exc) from exc

    # SciPy's convergence test takes the std of the losses: with absurd bounds (losses ~1e247)
    # it overflows to inf (not converged, as documented) and printed numpy's RuntimeWarning
    converged = _Convergence(m.tol)
    try:
        with np.errstate(over="ignore", invalid="ignore"):
            res = differential_evolution(
                _never_called, problem.bounds, strategy="best1bin", maxiter=maxiter, popsize=m.popsize,
                tol=0.0, mutation=m.mutation, recombination=m.recombination, rng=m.seed, polish=False,
                init="latinhypercube", updating="deferred", workers=mapper, callback=converged)
    except _Stopped as stop:  # the evaluator's own error (a HydroError of a full disk: its message)
        raise stop.error from None
    done = converged.met or (bool(res.success) and not any_failed(res.population_energies))
    message = converged.MESSAGE if converged.met else str(res.message)
    return {"de_message": message, "de_generations": int(res.nit),
            "de_converged": done, "de_population": pop, "de_tol": m.tol,
            **population_spread(problem, res.population, res.population_energies)}


class _Convergence:
    """SciPy's convergence test (:func:`~hydro.calibration.problem.loss_spread` within ``tol``), passed as DE's
    callback with SciPy's own ``tol`` at 0, so that a population with a failed member is never converged: the failed
    loss, :data:`~hydro.calibration.problem.FAILED_LOSS`, is the largest float, whose mean overflows to inf, and
    SciPy read ``std (inf) <= tol * |mean| (inf)`` as converged with any ``tol > 0`` (final read 2026-12-05, L1).
    Called after each generation, where SciPy tests; stops DE by returning True."""

    MESSAGE = "Optimization terminated successfully."

    def __init__(self, tol: float):
        self.tol = tol
        self.met = False

    def __call__(self, intermediate_result) -> bool:
        spread = loss_spread(intermediate_result.population_energies)
        self.met = self.tol > 0 and spread is not None and spread <= self.tol
        return self.met


class _Stopped(Exception):
    """Carries an error of the evaluator through SciPy's DE, which re-raises a ``TypeError`` or
    ``ValueError`` of its map (:class:`HydroError` is one) as "The map-like callable must be of the form..."."""

    def __init__(self, error: Exception):
        super().__init__(str(error))
        self.error = error


def _never_called(x):  # pragma: no cover - DE evaluates through the workers map only
    raise RuntimeError("the objective is evaluated through the executor")


def _lhs(problem: Problem, n: int, seed: int) -> np.ndarray:
    from scipy.stats import qmc

    unit = qmc.LatinHypercube(d=len(problem.parameters), rng=seed).random(n)
    lo = np.array([b[0] for b in problem.bounds])
    hi = np.array([b[1] for b in problem.bounds])
    return lo + unit * (hi - lo)


def _weighted_quantiles(values: np.ndarray, weights: np.ndarray, qs) -> np.ndarray:
    """Quantiles ``qs`` of every column of ``values`` [n_set, n_bin] under ``weights`` [n_set]."""
    order = np.argsort(values, axis=0)
    v = np.take_along_axis(values, order, axis=0)
    w = weights[order]
    cum = np.cumsum(w, axis=0) - 0.5 * w
    cum /= weights.sum()
    out = np.empty((len(qs), values.shape[1]))
    for j in range(values.shape[1]):
        out[:, j] = np.interp(qs, cum[:, j], v[:, j])
    return out


def _run_glue(problem: Problem, ev: _Evaluator, folder: Path) -> dict:
    cfg = problem.config
    m = cfg.method
    samples = _lhs(problem, m.max_evaluations, m.seed)
    records = ev.batch(samples)
    scores = np.array([1.0 - r["loss"] if r["status"] == "ok" else -np.inf for r in records])
    keep = np.flatnonzero(scores >= m.threshold)
    info: dict = {"glue_samples": len(records), "glue_behavioural": int(keep.size),
                  "glue_threshold": m.threshold}
    if keep.size == 0:
        info["glue_note"] = (f"no parameter set reached the threshold score {m.threshold}; lower "
                             "[method] threshold or widen the bounds")
        return info
    weights = scores[keep] - m.threshold + 1e-12
    prep = problem.prepare()
    sims = {o.name: [] for o in cfg.observations}
    # the behavioural sets run again here for their series (minutes for a basin): shown too
    bar = Progress(int(keep.size), "band simulations", quiet=ev.progress.quiet)
    try:
        for i in keep:
            series = problem.simulate(samples[i])
            for o in cfg.observations:
                sims[o.name].append(prep.alignments[o.name].simulated(series[o.name]))
            bar.update(1)
    finally:
        bar.finish()
    rows, containment = [], {}
    for o in cfg.observations:
        al = prep.alignments[o.name]
        bands = _weighted_quantiles(np.array(sims[o.name]), weights, list(m.quantiles))
        lo, hi = bands[0], bands[-1]
        for label in cfg.periods.named():
            mask = al.in_period[label]
            inside = (al.observed[mask] >= lo[mask]) & (al.observed[mask] <= hi[mask])
            containment[f"{label}:{o.name}"] = float(inside.mean()) if mask.any() else math.nan
        for k in range(al.n_bins):
            rows.append([o.name, str(al.bin_dates[k]), repr(float(al.observed[k])),
                         *[repr(float(b)) for b in bands[:, k]]])
    _write_table(folder / "glue_bands.csv", ["observation", "date", "observed", *[f"q{q:g}" for q in m.quantiles]],
                 rows)
    info["glue_containment"] = containment
    return info


def _salib():
    """SALib's Morris and Sobol samplers and analysers; a clear error where it is not installed, checked
    before the output folder is written (a Sobol run without SALib left a run.json that refused the
    retry without --resume or --overwrite: packaging review 2026-12-05, F5)."""
    try:
        from SALib.analyze import morris as morris_analyze
        from SALib.analyze import sobol as sobol_analyze
        from SALib.sample import morris as morris_sample
        from SALib.sample import sobol as sobol_sample
    except ImportError:
        raise HydroError("sensitivity analysis needs SALib: pip install 'hydro-tn[calibration]'") from None
    return morris_analyze, sobol_analyze, morris_sample, sobol_sample


def _run_sensitivity(problem: Problem, ev: _Evaluator, folder: Path) -> dict:
    morris_analyze, sobol_analyze, morris_sample, sobol_sample = _salib()
    cfg = problem.config
    m = cfg.method
    spec = {"num_vars": len(problem.parameters), "names": problem.names,
            "bounds": [list(b) for b in problem.bounds]}
    if m.name == "sobol":
        X = sobol_sample.sample(spec, m.samples, calc_second_order=False, seed=m.seed)
    else:
        X = morris_sample.sample(spec, m.samples, num_levels=m.levels, seed=m.seed)
    records = ev.batch(X)
    y = np.array([r["loss"] if r["status"] == "ok" else np.nan for r in records])
    failed = int(np.isnan(y).sum())
    if failed == y.size:
        raise HydroError("every evaluation of the sensitivity sample failed; see evaluations.csv")
    y = np.where(np.isnan(y), np.nanmax(y), y)  # a failed run counts as the worst successful one
    with np.errstate(over="ignore", invalid="ignore"):
        spread = float(np.std(y))  # SALib divides by the variance: infinite gave every index 0.0
    if not math.isfinite(spread) or (spread == 0.0 and m.name == "sobol"):
        what = "are all equal" if spread == 0.0 else f"span {np.min(y):.3g} to {np.max(y):.3g}, too wide to analyse"
        raise HydroError(f"{cfg.path}: the {m.name.title()} indices cannot be computed: the sample's losses {what} "
                         f"({failed} of {y.size} runs failed, see evaluations.csv); narrow the bounds in "
                         "[[parameters]] to values the model runs and scores sensibly with")
    rows: list[list] = []
    if m.name == "sobol":
        si = sobol_analyze.analyze(spec, y, calc_second_order=False, seed=m.seed)
        header = ["parameter", "S1", "S1_conf", "ST", "ST_conf"]
        for k, name in enumerate(problem.names):
            rows.append([name, *(float(si[c][k]) for c in ("S1", "S1_conf", "ST", "ST_conf"))])
    else:
        si = morris_analyze.analyze(spec, X, y, num_levels=m.levels, seed=m.seed)
        header = ["parameter", "mu", "mu_star", "mu_star_conf", "sigma"]
        for k, name in enumerate(problem.names):
            rows.append([name, *(float(si[c][k]) for c in ("mu", "mu_star", "mu_star_conf", "sigma"))])
    _write_table(folder / "sensitivity.csv", header, rows)
    indices: dict[str, dict[str, float]] = {r[0]: dict(zip(header[1:], r[1:], strict=True)) for r in rows}
    return {"sensitivity": indices, "sensitivity_failed_replaced": failed,
            "sensitivity_notes": screening_notes(m.name, indices)}


def _write_table(path: Path, header: list, rows: list) -> None:
    """A CSV output of the run, written atomically (whole or not at all; a resumed run replaces it)."""
    from hydro.outputs import atomic_open

    with atomic_open(path, overwrite=True) as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(rows)


def write_params(path: Path, problem: Problem, record: dict, interrupted: str = "", screening: bool = False) -> Path:
    """Write the parameters of ``record`` as a ``--params`` file (``interrupted``: what a search that
    was stopped had done, e.g. "120 evaluations done", written as the key ``interrupted``; ``screening``:
    the best sample of a Sobol or Morris screening, headed so: no calibrated set).

    Format (TOML)::

        # written by hydro calibrate: ...
        # configuration: /path/to/calibration.toml
        # configuration SHA-256: <hex>
        # code: hydro 0.1.0, git <commit>
        model = "basin"
        target = "/path/to/basin.toml"
        loss = 0.0812
        overrides = [
          "subbasins.w1.runoff.x1_mm=412.30000000000001",
          ...
        ]

        [values]            # one entry per calibrated parameter (informative)
        x1 = 412.3

    ``overrides`` are ``key.path=value`` strings exactly as ``--set`` takes
    them (the fixed ``[model] overrides`` of the configuration first); the
    values are written at full precision.
    """
    cfg = problem.config
    z = np.array(record["z"], dtype=float)
    items = list(cfg.overrides) + [format_assignment(k, v) for k, v in problem.assignments(z).items()]
    lines = ["# written by hydro calibrate: the best parameters as key.path=value overrides",
             *(["# the best SAMPLE of a sensitivity screening (Sobol/Morris), not a calibrated set: its samples "
                "span the ranges"] if screening else []),
             f"# configuration: {cfg.path}",
             *([f"# configuration SHA-256: {cfg.sha256}"] if getattr(cfg, "sha256", "") else []),
             f"# code: {code_text()}",
             f"model = {json.dumps(cfg.kind)}",
             f"target = {json.dumps(str(cfg.model))}", f"loss = {float(record['loss'])!r}",
             *([f"interrupted = {json.dumps(interrupted)}   # the best of a search stopped early"] if interrupted
               else []),
             "overrides = ["]
    lines += [f"  {json.dumps(s)}," for s in items]
    lines += ["]", "", "[values]"]
    lines += [f"{json.dumps(n)} = {float(v)!r}" for n, v in record["params"].items()]
    from hydro.outputs import write_text

    write_text(path, "\n".join(lines) + "\n", overwrite=True)  # atomic: never half a --params file
    return path


def read_params(path: str | Path) -> list[str]:
    """The ``key.path=value`` overrides of a ``--params`` file (for ``hydro run --params``).

    Raises
    ------
    HydroError
        The file is missing, not TOML, or has no list of strings ``overrides``.
    """
    from hydro.tomlio import Table, load_toml

    path = Path(path)
    t = Table(load_toml(path), path)
    items = t.raw("overrides")
    if not isinstance(items, list) or not all(isinstance(s, str) and "=" in s for s in items):
        raise t.error("overrides", "expected a list of strings \"key.path=value\"")
    return list(items)


def _write_scores(folder: Path, problem: Problem, record: dict) -> Path:
    path = folder / "scores.csv"
    rows = [[period, *label.split(":", 1), "" if value is None else repr(float(value))]
            for period, sc in record["scores"].items() for label, value in sc.items()]
    _write_table(path, ["period", "observation", "metric", "value"], rows)
    return path


def read_run_record(path: Path, label: str, todo: str, need: str) -> dict:
    """The ``run.json`` of a calibration folder; an error naming ``label`` (the option) and
    saying ``todo`` when it is not the record this module writes (JSON with the key ``need``)."""
    try:
        record = json.loads(path.read_bytes())
    except (ValueError, OSError):  # not JSON, not UTF-8, unreadable
        record = None
    if not isinstance(record, dict) or need not in record:
        raise HydroError(f"{label}: {path} is not the record hydro calibrate writes (JSON); {todo}")
    return record


def input_hashes(problem: Problem) -> dict[str, str]:
    """SHA-256 of every file the evaluations read besides the configuration: the model's files
    (:meth:`input_files` of :mod:`hydro.calibration.models`) and the observation CSVs."""
    import hashlib

    files = list(problem.prepare().model.input_files())  # type: ignore[attr-defined]
    files += [o.csv for o in problem.config.observations if o.csv is not None]
    out = {}
    for f in files:
        if f is None:  # a forcing built in memory: nothing to hash
            continue
        path = Path(f).resolve()
        out[str(path)] = hashlib.sha256(path.read_bytes()).hexdigest()
    return out


def _changed_inputs(old: dict, inputs: dict[str, str] | None) -> list[str]:
    """The files whose hash differs from the one ``run.json`` kept, or that it kept and the run no
    longer reads (none when it kept none: a run written before the inputs were recorded).  A file it
    did not record (a run started before a basin's named files were recorded, 2026-12-04) cannot be
    checked and is not called changed."""
    kept = old.get("inputs_sha256")
    if not isinstance(kept, dict) or inputs is None:
        return []
    return [path for path in sorted(kept) if kept[path] != inputs.get(path)]


def _check_folder(folder: Path, config: CalibrationConfig, resume: bool, overwrite: bool = False,
                  inputs: dict[str, str] | None = None) -> None:
    """Every check of the output folder, writing nothing (see :func:`_open_folder`); ``inputs``
    (:func:`input_hashes`) must match those of a run ``resume`` continues."""
    from hydro.outputs import check_folder

    if overwrite and resume:
        raise HydroError("--overwrite and --resume: choose one (--resume continues the run stored "
                         "in the folder, --overwrite replaces it)")
    if folder.exists() and not folder.is_dir():
        raise HydroError(f"{folder}: is a file; the calibration output (-o) is a folder, choose another")
    # the folder, or the nearest folder above it that exists, must be writable (the rest is created)
    existing = next((p for p in (folder, *folder.parents) if p.exists()), Path("."))
    check_folder(existing)
    finish_cut_swap(folder)  # a swap a killed process began: the checks see the run it stored
    staged = staged_run(folder)  # an --overwrite that did not complete: --resume continues it
    run_file = (staged or folder) / RUN_FILE
    found = [name for name in RUN_OUTPUTS if (folder / name).exists()]
    if found and not run_file.exists() and not overwrite:  # not a run's: a copy, another program's
        raise HydroError(f"{folder} already holds {', '.join(found)} (without {RUN_FILE}, the record of a run); "
                         "pass --overwrite to replace them, or choose another output folder (-o)")
    if run_file.exists() and not overwrite:
        if not resume:
            what = (f"the run an --overwrite started and did not complete or swap in ({staged}; the previous "
                    "run's results beside it are unchanged)" if staged else f"a calibration run ({RUN_FILE})")
            raise HydroError(f"{folder} already holds {what}; pass --resume to continue it, --overwrite to "
                             "replace it, or choose another output folder (-o)")
        old = read_run_record(run_file, "--resume", "there is no run to continue: pass --overwrite to replace "
                                                    "it, or choose another folder (-o)", "config_sha256")
        if old.get("config_sha256") != config.sha256:
            was = old.get("config") or "its configuration"
            same = str(was) == str(config.path)
            holder = f"{staged} (the run an --overwrite started, which --resume continues)" if staged else folder
            what = (f"{config.path} has changed since the run in {holder} started (its SHA-256 differs)" if same
                    else f"{holder} holds a run of {was}, and {config.path} differs from it (its SHA-256)")
            other = f"; to continue the previous run in {folder} instead, delete {staged} first" if staged else ""
            raise HydroError(f"--resume: {what}; the stored evaluations would not match. Start a new run in "
                             f"another folder (-o){other}")
        if old.get("loss_scale") != LOSS_SCALE:  # review fr D1: 45-60x apart, mixed silently
            holder = staged or folder
            given = old.get("loss_scale")
            why = ("its run.json has no loss_scale: started before hydro's losses became fractions (|PBIAS|, MARE "
                   "and max ARE / 100)" if given is None else f"its run.json has loss_scale {given!r}, not "
                   f"{LOSS_SCALE!r}")
            raise HydroError(f"--resume: the run in {holder} was stored on another loss scale ({why}), so its "
                             "stored losses would be compared with new ones on this one. Pass "
                             "--overwrite instead of --resume to replace it, or start a new run in another "
                             "folder (-o)")
        changed = _changed_inputs(old, inputs)
        if changed:
            raise HydroError(f"--resume: {', '.join(changed)} changed since the run in {folder} started (its "
                             "SHA-256 differs): the stored evaluations were scored on the old content. Start "
                             "a new run in another folder (-o), or pass --overwrite instead of --resume")


def _open_folder(folder: Path, config: CalibrationConfig, resume: bool, overwrite: bool,
                 inputs: dict[str, str] | None = None) -> tuple[int | None, Path]:
    """Create the folder and hold it (:func:`~hydro.calibration.store.lock_folder`), prepare the
    folder the run works in (:mod:`hydro.calibration.folder`: the staging folder of an overwrite,
    whose old run stays until the new one is complete) and write ``run.json`` there (the
    configuration's hash and those of the ``inputs``).  Returns the lock's descriptor and that folder."""
    from hydro.calibration import folder as staging
    from hydro.outputs import write_text

    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:  # a folder the checks let pass that cannot hold one (/proc/x as root)
        raise HydroError(f"{folder}: cannot create the output folder ({exc.strerror or exc}); choose another "
                         "-o") from None
    lock = lock_folder(folder)  # before anything is removed or written
    try:
        staging.finish_swap(folder)  # a swap a killed process began: its run is the stored one
        work = working_folder(folder, resume, overwrite)
        staging.prepare_staging(folder, work, overwrite)
        run_file = work / RUN_FILE
        if not run_file.exists():
            meta = {"config": str(config.path), "config_sha256": config.sha256, "method": config.method.name,
                    "inputs_sha256": inputs or {}, "versions": library_versions(), **code_record(),
                    "loss_scale": LOSS_SCALE}
            write_text(run_file, json.dumps(meta, indent=1) + "\n", overwrite=True)
            _copy_config(config, work)
    except BaseException:
        release_folder(lock)
        raise
    return lock, work


def _copy_config(config: CalibrationConfig, work: Path) -> None:
    """Copy the configuration file's bytes into the run's folder as :data:`CONFIG_COPY` (its seed,
    bounds and objectives stay with the evaluations when the original is edited or moved; its SHA-256
    is run.json's ``config_sha256``; relative paths in it are relative to the original's folder)."""
    from hydro.outputs import write_bytes

    source = Path(config.path)
    if source.is_file():
        write_bytes(work / CONFIG_COPY, source.read_bytes(), overwrite=True)


@contextlib.contextmanager
def _signal_acted_on(interrupted: bool):
    """While an interrupted run writes its outputs: the Ctrl-C or SIGTERM that stopped it has
    already raised, so the atomic writes (which stop on a signal library code swallowed,
    :func:`hydro.signals.raise_if_signalled`) must not stop on it again; it is restored
    afterwards (the exit status reads it).  A new signal still interrupts."""
    from hydro import signals

    seen = signals.received
    if interrupted:
        signals.received = None
    try:
        yield
    finally:
        if interrupted and signals.received is None:
            signals.received = seen


def _time_evaluation(problem: Problem) -> float:
    """Seconds of one evaluation (after a first, warming run at the centre of the box, and
    at another point, so that nothing the model caches per value is reused)."""
    problem.evaluate(problem.midpoint())  # loads the compiled kernels
    lo, hi = np.array(problem.bounds).T
    t0 = time.perf_counter()
    problem.evaluate(lo + 0.3719 * (hi - lo))
    return time.perf_counter() - t0


def calibrate(config: CalibrationConfig | str | Path, folder: str | Path, *, workers: int | None = None,
              scheduler: str | None = None, dask_workers: int | None = None, serial: bool = False,
              resume: bool = False, quiet: bool = True, executor=None,
              overwrite: bool = False) -> CalibrationResult:
    """Calibrate a model as its configuration says and write the output folder.

    Size: 42 of its lines document its options; the rest is one ordered run whose nested try/finally (close
    the executor, keep what was evaluated, write the summary even on Ctrl-C) needs its state in one scope.

    Parameters
    ----------
    config : CalibrationConfig or path
        The configuration (or its TOML file).
    folder : path
        Output folder (created).  Must not hold a run unless ``resume``.
    workers : int, optional
        Local worker processes.  Default: chosen by the job's size
        (:func:`~hydro.calibration.executors.choose_executor`: in this process
        when the planned evaluations take less than
        :data:`~hydro.calibration.executors.SERIAL_BELOW_S` seconds, else one
        process per core).
    scheduler : str, optional
        Address of an existing Dask scheduler.
    dask_workers : int, optional
        Start a local Dask cluster with this many single-thread worker processes.
    serial : bool
        Evaluate in this process.
    resume : bool
        Continue the run stored in ``folder`` (stored evaluations are not re-run),
        or the run an ``overwrite`` staged there and did not complete.
    quiet : bool
        No progress bar on stderr.
    executor : object, optional
        An executor already made (overrides the options above; not closed here).
    overwrite : bool
        Replace a run stored in ``folder``: the new run is staged in a hidden
        folder inside it and its files replace the old run's (:data:`RUN_OUTPUTS`;
        other files are left alone) only once it has completed
        (:mod:`hydro.calibration.folder`): interrupted, stopped by an error or
        with every evaluation failed (no best result), it leaves the old run as
        it was and stays staged (``resume`` continues it).

    Returns
    -------
    CalibrationResult

    Raises
    ------
    HydroError
        Any configuration, model, observation or executor problem, before the
        first evaluation.
    KeyboardInterrupt
        Re-raised after the evaluations so far are safely stored.
    """
    for name, n in (("workers", workers), ("dask_workers", dask_workers)):  # the CLI's IntRange(min=1)
        if n is not None and (isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1):
            raise HydroError(f"calibrate: {name} expected an integer >= 1 (processes), got {n!r}")
    if not isinstance(config, CalibrationConfig):
        config = CalibrationConfig.from_toml(config)
    folder = Path(folder)
    problem = Problem(config)
    problem.prepare()  # every input check, before anything is written or evaluated
    inputs = input_hashes(problem)
    _check_folder(folder, config, resume, overwrite, inputs)  # and the output's, before any model run
    if config.method.name in ("sobol", "morris"):  # before the folder is written: a retry would be refused
        _salib()
    own = executor is None
    seconds = None
    if own and not serial and workers != 1:
        # one timed run here: it sizes the job and the chunks, and forked workers inherit
        # the loaded kernels
        seconds = _time_evaluation(problem)
        if workers is None and not scheduler and not dask_workers:
            kind, workers = choose_executor(problem, planned_evaluations(config), seconds)
            serial = kind == "serial"
    if own:  # an unreachable scheduler is reported before the folder is touched
        executor = make_evaluations(problem, workers=workers, scheduler=scheduler,
                                    dask_workers=dask_workers, serial=serial)
    if seconds is not None and hasattr(executor, "seconds_per_evaluation"):
        executor.seconds_per_evaluation = seconds
    lock, work = None, folder
    try:
        lock, work = _open_folder(folder, config, resume, overwrite, inputs)
        store = EvaluationStore(work, resume=resume)
    except BaseException:
        release_folder(lock)
        if own:
            executor.close()
        raise
    t0 = time.perf_counter()
    interrupted = False
    failure: Exception | None = None  # the error that stopped the search
    extra: dict = {}
    try:
        progress = Progress(planned_evaluations(config), "evaluations", quiet=quiet)
        ev = _Evaluator(problem, store, executor, progress, phase=config.method.name)
        try:
            if config.method.name == "de":
                extra = _run_de(problem, ev)
            elif config.method.name == "glue":
                extra = _run_glue(problem, ev, work)
            else:
                extra = _run_sensitivity(problem, ev, work)
        except KeyboardInterrupt:  # Ctrl-C, or SIGTERM (hydro.signals.Terminated)
            interrupted = True
            raise
        except Exception as exc:  # the search itself failed: what it found is written, and marked
            failure = exc
            raise
        finally:
            progress.finish()
    finally:
        if own and executor is not None:
            try:
                executor.close(abort=interrupted)
            except TypeError:  # an executor without the abort option
                executor.close()
        try:  # the folder is held until the outputs are written, then released
            with _signal_acted_on(interrupted):  # the outputs of an interrupted run are written too
                run = _Run(problem, store, executor, extra, time.perf_counter() - t0, interrupted, failure)
                best, summary = _outputs_kept(run, work)
                if work != folder and not interrupted and failure is None and best is not None:
                    _replace_stored_run(folder, store)  # a complete overwrite with a result (none: kept staged)
        finally:
            release_folder(lock)
    return CalibrationResult(folder, best, list(store.records), summary, extra)


@dataclass
class _Run:
    """What a search that ended (completed, interrupted or stopped by ``failure``) leaves to write."""

    problem: Problem
    store: EvaluationStore
    executor: object
    extra: dict
    seconds: float
    interrupted: bool
    failure: Exception | None


def _late_failure(late: Exception, store: EvaluationStore, first: Exception | None) -> Exception:
    """The error to report when writing a run's outputs failed with ``late`` (a full disk): the
    search's own error ``first`` when there is one (it came first and says what to do, F5 of the
    review of 2026-12-05), with ``late`` added; else ``late`` with the advice that fits a
    calibration folder (the evaluations are stored: ``--resume`` writes the outputs)."""
    what = str(late).split("; nothing was written")[0]  # not write_failure's advice ("run again")
    if isinstance(first, HydroError):
        return HydroError(f"{first} (writing the run's outputs failed too: {what})")
    if first is not None:  # a programming error: its traceback is what helps
        return first
    return HydroError(f"{what}. The evaluations are kept in {store.path}: free disk space (or check "
                      "permissions), then the same command with --resume (and without --overwrite) writes the outputs")


def _outputs_kept(run: _Run, work: Path) -> tuple[dict | None, dict]:
    """:func:`_write_outputs`, whose failure never hides the search's own error (:func:`_late_failure`)."""
    try:
        return _write_outputs(run, work)
    except (HydroError, OSError) as late:
        raise _late_failure(late, run.store, run.failure) from None


def _replace_stored_run(folder: Path, store: EvaluationStore) -> None:
    """Swap the complete run staged by ``--overwrite`` into ``folder`` (:func:`hydro.calibration.folder.swap_in`)."""
    from hydro.calibration.folder import SwapError, swap_in

    try:
        swap_in(folder)
    except KeyboardInterrupt:  # held back during the swap, raised after it
        from hydro import signals

        if staged_run(folder) is not None or signals.received is None:  # not swapped, or not a command's
            raise
        # swapped in: the signal came after the run, and the command's exit status still says it
    except SwapError:  # its own advice: moved part way, not "kept in .overwrite"
        raise
    except (HydroError, OSError) as late:
        raise _late_failure(late, store, None) from None


def _write_outputs(run: _Run, work: Path) -> tuple[dict | None, dict]:
    """Write the log's CSV, ``best_params.toml``, ``scores.csv`` and ``summary.json`` of ``run`` in
    ``work`` (those of an interrupted or failed search marked so).  Returns the best record and the summary."""
    from hydro.outputs import write_text

    store, config, extra = run.store, run.problem.config, run.extra
    crashed = run.failure is not None
    store.close()
    store.write_csv(run.problem.names)
    best = store.best()
    summary = {
        "config": str(config.path), "method": config.method.name, "model": config.kind,
        "executor": getattr(run.executor, "name", None), "workers": getattr(run.executor, "workers", None),
        "evaluations": len(store.records), "resumed": store.n_resumed,
        "evaluated_now": len(store.records) - store.n_resumed,
        "failed": sum(r["status"] != "ok" for r in store.records),
        "seconds": run.seconds, "interrupted": run.interrupted, "stopped_by_error": crashed,
        "best_loss": None if best is None else best["loss"],
        "best_params": None if best is None else best["params"],
        "best_scores": None if best is None else best["scores"],
        "config_sha256": config.sha256, "versions": library_versions(), **code_record(),
        **run_report(run.problem, best),
        **{k: v for k, v in extra.items() if k not in ("sensitivity", "sensitivity_notes")},
    }
    summary["notes"] = summary["notes"] + list(extra.get("sensitivity_notes", []))
    if "sensitivity" in extra:
        summary["sensitivity"] = extra["sensitivity"]
    if best is not None:
        n_done = len(store.records)
        done = f"{n_done} evaluation{'' if n_done == 1 else 's'} done"
        stopped = done if run.interrupted else f"stopped by an error, {done}" if crashed else ""
        write_params(work / PARAMS_FILE, run.problem, best, stopped,
                     screening=config.method.name in SCREENINGS)
        _write_scores(work, run.problem, best)
    # NaN (a period with no bin of an observation: glue_containment) as null: JSON has no NaN
    write_text(work / "summary.json", json.dumps(json_finite(summary), indent=1, default=float, allow_nan=False) + "\n",
               overwrite=True)
    return best, summary
