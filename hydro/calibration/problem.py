"""The calibration problem: a vector in search space -> a model run -> scores and a loss.

:class:`Problem` is what executors ship to workers.  It pickles as its
configuration only; each worker process builds the model and the observation
alignments once, on first use, and keeps them in a per-process cache keyed by
:attr:`Problem.token` (so a Dask worker or a process-pool worker pays the
set-up once per run, not once per evaluation).

:meth:`Problem.prepare` does, in the calling process and before any
evaluation, every check that needs the model: the parameter paths are applied
once (at the midpoint of the bounds) and the model is loaded, observations are
read and aligned with the periods, and the forcing is checked to cover them.
"""

from __future__ import annotations

import contextlib
import hashlib
import sys
import time
import traceback
from dataclasses import dataclass

import numpy as np

from hydro.calibration.config import CalibrationConfig
from hydro.calibration.observations import Alignment, read_observation_csv
from hydro.errors import HydroError
from hydro.metrics import metric

#: Loss given to a failed evaluation in DE: the largest finite float, worse than any other loss, so
#: that a crashed parameter set never wins a selection (a fixed 1e6 did lose to an RMSE of storage in
#: m3, ~4e8, review s44 F3). Not inf: SciPy's DE takes a population whose losses are all inf for one
#: not yet evaluated and sends it to the evaluator again every generation (review fr D5). A trial is
#: kept when its loss is <= its parent's, the best is an argmin, and a population with a failed member
#: is never converged (:func:`any_failed`; hydro applies ``tol`` itself, as SciPy read the overflowing
#: mean of such losses as converged). GLUE leaves failed sets out (score -inf) and Sobol/Morris give them
#: the worst successful loss (a variance needs finite values).
FAILED_LOSS = sys.float_info.max


def any_failed(losses) -> bool:
    """Whether any of DE's ``losses`` is a failed evaluation's (:data:`FAILED_LOSS`, or not finite)."""
    e = np.asarray(losses, dtype=float)
    return bool((~np.isfinite(e) | (e >= FAILED_LOSS)).any())


def loss_spread(losses) -> float | None:
    """The standard deviation of DE's ``losses`` over the magnitude of their mean, what SciPy's
    convergence test compares with ``tol`` (None while a member failed, :func:`any_failed`, or where
    the ratio is not finite; the mean's magnitude takes a machine epsilon so that a population of zero
    losses has spread 0)."""
    e = np.asarray(losses, dtype=float)
    if not e.size or any_failed(e):
        return None
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        value = float(np.std(e) / (abs(float(np.mean(e))) + np.finfo(float).eps))
    return value if np.isfinite(value) else None


_WORKER_CACHE: dict[str, "Problem"] = {}


@dataclass
class Prepared:
    """What a process builds once: the model, one alignment per observation and the
    scorer (observed values and statistics of every period, :mod:`~hydro.calibration.scoring`)."""

    model: object
    alignments: dict
    scorer: object = None


class Problem:
    """A calibration problem built from a configuration.

    Parameters
    ----------
    config : CalibrationConfig
    """

    def __init__(self, config: CalibrationConfig):
        self.config = config
        self.parameters = config.parameters
        h = hashlib.sha256(config.sha256.encode())
        h.update(str(config.path).encode())
        self.token = h.hexdigest()[:16]
        self._prepared: Prepared | None = None

    # -- pickling: ship the configuration, rebuild the model on the worker ---------------
    def __getstate__(self):
        return {"config": self.config, "parameters": self.parameters, "token": self.token,
                "_prepared": None}

    def __setstate__(self, state):
        self.__dict__.update(state)

    # -- search space -----------------------------------------------------------------
    @property
    def names(self) -> list[str]:
        """Parameter names, in order."""
        return [p.name for p in self.parameters]

    @property
    def bounds(self) -> list[tuple[float, float]]:
        """Bounds in search space (log of the value for ``log`` parameters)."""
        return [p.search_bounds for p in self.parameters]

    def values(self, z) -> list[float]:
        """Physical parameter values of a search-space vector."""
        return [p.from_search(float(v)) for p, v in zip(self.parameters, z)]

    def assignments(self, z) -> dict[str, float]:
        """``{path: value}`` for every path of every parameter."""
        out = {}
        for p, v in zip(self.parameters, self.values(z)):
            for path in p.paths:
                out[path] = v
        return out

    def midpoint(self) -> np.ndarray:
        """The centre of the search box."""
        return np.array([(a + b) / 2.0 for a, b in self.bounds])

    # -- set-up -------------------------------------------------------------------------
    def prepare(self) -> Prepared:
        """Build the model and align the observations (once per process); check everything.

        Raises
        ------
        HydroError
            A path the model lacks, a missing section, observations outside
            the periods, forcing that does not cover the run.
        """
        if self._prepared is not None:
            return self._prepared
        from hydro.calibration.models import build_model

        cfg = self.config
        model = build_model(cfg)
        self._check_centres(model)
        model.check(self.assignments(self.midpoint()))
        self._check_bounds(model)
        periods = cfg.periods.named()
        alignments = {}
        for o in cfg.observations:
            try:
                if o.points is not None:
                    alignments[o.name] = Alignment.from_points(o, model.days, periods)
                    continue
                if o.from_forcing:
                    dates, values = model.observed_from_forcing(o)
                    per_day = True
                else:
                    dates, values, per_day = read_observation_csv(o)
                alignments[o.name] = Alignment.build(o, dates, values, model.days, periods, per_day)
            except HydroError as exc:  # say which configuration (the CSV is named in the message)
                text = str(exc)
                raise HydroError(text if text.startswith(str(cfg.path)) else f"{cfg.path}: {text}") from None
        for label, (first, last) in periods.items():
            for o in cfg.observations:
                n = int(alignments[o.name].in_period[label].sum())
                if o.points is not None:  # published figures: a period may hold one, or none
                    need = max([metric(j.metric).min_pairs for j in cfg.objectives
                                if j.observation == o.name] or [1])
                    if 0 < n < need or (label == "calibration" and n < need):
                        used = [j.metric for j in cfg.objectives if j.observation == o.name
                                and metric(j.metric).min_pairs > n]
                        raise HydroError(
                            f"{cfg.path}: observation '{o.name}': {n} point(s) in the {label} period {first} "
                            f"to {last}, and metric {', '.join(used)} needs at least {need}; use "
                            "'mare' or 'max_are' (one point is enough) or give more points")
                elif label != "calibration" and n < 2:
                    raise HydroError(f"{cfg.path}: observation '{o.name}': {n} value(s) in the {label} "
                                     f"period {first} to {last}, at least 2 are needed to score it; "
                                     f"fix [periods] {label} or the observations")
        from hydro.calibration.scoring import Scorer

        scorer = Scorer(alignments, cfg.objectives, list(periods))
        self._prepared = Prepared(model, alignments, scorer)
        return self._prepared

    def _check_centres(self, model) -> None:
        """Each parameter alone at the centre of its bounds (in search space: the geometric
        centre of a ``log`` one): where the model refuses that value
        (bounds wholly outside its range, GR4J's x4 in [0.1, 0.2], x1 in metres), say which parameter; the
        checks after it would blame the first parameter's bound or name only the model's key.
        Other errors (an unknown path) are left to :meth:`prepare`'s checks."""
        from hydro.gr4j_parameters import unit_slip

        for p, value in zip(self.parameters, self.values(self.midpoint())):
            try:
                model.check_values(dict.fromkeys(p.paths, value))
            except HydroError as exc:
                # the model's range error on this very value, or its unit check of a GR4J key (a misspelled
                # path is left to prepare's checks, which suggest the name)
                keys = {path.rsplit(".", 1)[-1] for path in p.paths}
                if f"got {value!r}" in str(exc) or any(unit_slip(k, value) for k in keys):
                    store = 1000.0 if abs(value) < 1.0 else 0.001  # metres, or micrometres (unit_slip)
                    scale = store if keys & {"x1_mm", "x3_mm"} else 1 / 24 if "x4_days" in keys else None
                    hint = ("" if scale is None or not any(unit_slip(k, value) for k in keys) else
                            f" (in its unit: lower = {p.lower * scale:g}, upper = {p.upper * scale:g}?)")
                    raise HydroError(
                        f"{self.config.path}: [[parameters]] '{p.name}': the centre of its bounds "
                        f"[{p.lower:g}, {p.upper:g}], {value:g}, is outside what the model accepts ({exc}); "
                        f"give bounds inside the valid range{hint}") from None

    def _check_bounds(self, model) -> None:
        """Each parameter at its lower and at its upper bound, the others at the centre: a bound
        the model refuses (GR4J's x4 below 0.5 d, a fraction above 1) is the configuration's
        mistake, reported here rather than as a share of failed evaluations."""
        mid = self.midpoint()
        for k, p in enumerate(self.parameters):
            for key, value in (("lower", p.lower), ("upper", p.upper)):
                z = mid.copy()
                z[k] = p.to_search(value)
                try:
                    model.check_values(self.assignments(z))
                except HydroError as exc:
                    raise HydroError(
                        f"{self.config.path}: [[parameters]] '{p.name}': {key} = {value:g} is outside "
                        f"what the model accepts ({exc}); give bounds inside the valid range") from None

    # -- evaluation ---------------------------------------------------------------------
    def simulate(self, z) -> dict[str, np.ndarray]:
        """Daily simulated series of every observation's variable at ``z``."""
        return self.prepare().model.simulate(self.assignments(z))

    def score(self, series: dict[str, np.ndarray]) -> tuple[float, dict[str, dict[str, float]]]:
        """Combined calibration loss and every objective's value in every period.

        Each simulated series is binned once and each period sliced once
        (:class:`~hydro.calibration.scoring.Scorer`); the values are those of
        :mod:`hydro.metrics`.
        """
        return self.prepare().scorer.score(series)

    def evaluate(self, z) -> dict:
        """Run and score ``z``; a failure is returned as a record, never raised.

        Returns
        -------
        dict
            ``status`` ("ok" or "failed"), ``loss``, ``scores``
            (``{period: {"obs:metric": value}}``), ``error``, ``seconds``.
        """
        t0 = time.perf_counter()
        try:
            loss, scores = self.score(self.simulate(z))
            return {"status": "ok", "loss": loss, "scores": scores, "error": None,
                    "seconds": time.perf_counter() - t0}
        except Exception as exc:  # noqa: BLE001 - any model failure is recorded, the run goes on
            where = traceback.extract_tb(exc.__traceback__)[-1] if exc.__traceback__ else None
            at = f" (at {where.filename.rsplit('/', 1)[-1]}:{where.lineno})" if where else ""
            return {"status": "failed", "loss": None, "scores": {}, "seconds": time.perf_counter() - t0,
                    "error": f"{type(exc).__name__}: {exc}{at}"}


def _cached(problem: Problem) -> Problem:
    cached = _WORKER_CACHE.get(problem.token)
    if cached is None:
        _WORKER_CACHE.clear()  # one problem per worker at a time
        _WORKER_CACHE[problem.token] = cached = problem
    return cached


def evaluate_chunk(problem: Problem | str, chunk) -> list[tuple[int, dict]]:
    """Evaluate ``[(index, z), ...]`` with the process-wide copy of ``problem``.

    ``problem`` may be the :attr:`Problem.token` of a problem already installed
    in this process (:func:`install`), so that a task carries only its vectors.
    """
    if isinstance(problem, str):
        cached = _WORKER_CACHE.get(problem)
        if cached is None:
            raise RuntimeError("the calibration problem is not installed in this worker")
    else:
        cached = _cached(problem)
    return [(i, cached.evaluate(np.asarray(z, dtype=float))) for i, z in chunk]


def install(problem: Problem) -> None:
    """Make ``problem`` this process's copy (a worker initializer) and build its model now,
    so that the first task does not pay for it; a failure here is left to the first task."""
    cached = _cached(problem)
    with contextlib.suppress(Exception):  # reported by the evaluations themselves
        cached.prepare()
