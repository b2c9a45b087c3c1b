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

import hashlib
import math
import time
import traceback
from dataclasses import dataclass

import numpy as np

from hydro.calibration.config import CalibrationConfig
from hydro.calibration.observations import Alignment, read_observation_csv
from hydro.errors import HydroError
from hydro.metrics import metric

#: Loss given to a failed evaluation, so that searches move away from it.
FAILED_LOSS = 1.0e6

_WORKER_CACHE: dict[str, "Problem"] = {}


@dataclass
class Prepared:
    """What a process builds once: the model and one alignment per observation."""

    model: object
    alignments: dict


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
        model.check(self.assignments(self.midpoint()))
        periods = cfg.periods.named()
        alignments = {}
        for o in cfg.observations:
            if o.from_forcing:
                dates, values = model.observed_from_forcing(o)
            else:
                dates, values = read_observation_csv(o)
            alignments[o.name] = Alignment.build(o, dates, values, model.days, periods)
        for label, (first, last) in periods.items():
            for o in cfg.observations:
                if label != "calibration" and alignments[o.name].in_period[label].sum() < 2:
                    raise HydroError(f"observation '{o.name}': fewer than 2 values in the {label} "
                                     f"period {first} to {last}; fix [periods] or the observations")
        self._prepared = Prepared(model, alignments)
        return self._prepared

    # -- evaluation ---------------------------------------------------------------------
    def simulate(self, z) -> dict[str, np.ndarray]:
        """Daily simulated series of every observation's variable at ``z``."""
        return self.prepare().model.simulate(self.assignments(z))

    def score(self, series: dict[str, np.ndarray]) -> tuple[float, dict[str, dict[str, float]]]:
        """Combined calibration loss and every objective's value in every period."""
        prep = self.prepare()
        scores: dict[str, dict[str, float]] = {}
        for label in self.config.periods.named():
            scores[label] = {}
            for obj in self.config.objectives:
                sim, obs = prep.alignments[obj.observation].pair(series[obj.observation], label)
                scores[label][obj.label] = float(metric(obj.metric)(sim, obs))
        total = sum(o.weight for o in self.config.objectives)
        loss = 0.0
        for obj in self.config.objectives:
            m = metric(obj.metric)
            value = scores["calibration"][obj.label]
            part = {"maximize": m.optimum - value, "minimize": value - m.optimum,
                    "zero": abs(value - m.optimum)}[m.goal]
            loss += obj.weight * part
        loss /= total
        if not math.isfinite(loss):
            raise FloatingPointError(f"the combined loss is {loss}")
        return loss, scores

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


def evaluate_task(problem: Problem, z) -> dict:
    """Evaluate ``z`` with the process-wide copy of ``problem`` (what workers run)."""
    cached = _WORKER_CACHE.get(problem.token)
    if cached is None:
        _WORKER_CACHE.clear()  # one problem per worker at a time
        _WORKER_CACHE[problem.token] = cached = problem
    return cached.evaluate(np.asarray(z, dtype=float))
