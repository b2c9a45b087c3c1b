"""Scores of one evaluation on one binning: every objective in every period.

:meth:`hydro.calibration.problem.Problem.score` used to average the daily
simulation onto an observation's bins once per metric and period and let each
metric re-check and re-filter both series.  A :class:`Scorer` is built once per
process from the alignments and the objectives: it keeps, for each observation
and period, the indices of the scored bins, the observed values and their
statistics (mean, standard deviation, sum of squared deviations, sum).  Scoring
an evaluation then bins each simulated series once (an index for daily
observations), takes each period's slice once, checks it once, and computes the
metrics from the kernels of :mod:`hydro.metrics` (the KGE components are shared
by ``kge_2009`` and ``kge_2012``).

The values are those of :func:`hydro.metrics.metric` bit for bit: the same
kernels on the same arrays.  Whenever the fast path does not apply (a NaN or an
infinite simulated value, constant or zero-mean observations, fewer than two
bins, a metric without a fast form) the metric of :mod:`hydro.metrics` is
called on the slice, so its errors and NaN handling are unchanged.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from hydro.errors import HydroError
from hydro.metrics import _kge, metric

#: Metrics computed from shared statistics; others go through :func:`hydro.metrics.metric`.
FAST_METRICS = ("nse", "kge_2009", "kge_2012", "pbias")
#: Least share of an observation's calibration bins on which the simulation must be a number (not
#: NaN); below it the evaluation fails (review s44 F4): a run NaN on 90 % of the observed days, all
#: but the low flows, scored NSE 0.994 on the rest.  Above it the NaN bins are left out of the scores and
#: counted (``<observation>:n_pairs`` in every period's scores), and the loss counts them as no skill
#: (:data:`MISSING_BIN_LOSS`).
MIN_COVERAGE = 0.5
#: The loss a missing bin counts at (:meth:`Scorer._with_missing`): no skill, as NSE 0 (the observed mean's
#: score), KGE 0 (the observed mean's is 1 - sqrt(2), about -0.41), a 100 % bias or relative error, RSR 1; for
#: RMSE the observations' standard deviation (the observed mean's RMSE).
MISSING_BIN_LOSS = 1.0
#: The pseudo-metric under which the scores give the number of pairs an observation's scores rest on.
N_PAIRS = "n_pairs"


@dataclass
class _Slice:
    """One observation in one period: scored bins and observed statistics."""

    index: np.ndarray        # bins of the period
    obs: np.ndarray          # observed values of those bins (never NaN)
    fast: bool               # statistics usable (>= 2 bins, varying, non-zero mean)
    mean: float = 0.0
    std: float = 0.0
    ssd: float = 0.0         # sum of squared deviations from the mean (NSE denominator)
    total: float = 0.0       # sum (PBIAS denominator)
    dev: np.ndarray | None = None  # deviations from the mean (KGE's correlation)
    ssd_dev: float = 0.0     # sum(dev * dev), as _pearson_r computes it


class Scorer:
    """Scores simulated daily series against aligned observations (see the module doc).

    Parameters
    ----------
    alignments : dict of str -> Alignment
        One alignment per observation.
    objectives : sequence of Objective
        The objectives of the configuration.
    periods : sequence of str
        Period labels (``calibration`` first).
    """

    def __init__(self, alignments: dict, objectives, periods):
        self.alignments = alignments
        self.objectives = list(objectives)
        self.periods = list(periods)
        self.metrics = {o.metric: metric(o.metric) for o in self.objectives}
        self.slices: dict[tuple[str, str], _Slice] = {}
        for name, al in alignments.items():
            for label in self.periods:
                mask = al.in_period[label]
                o = np.ascontiguousarray(al.observed[mask], dtype=np.float64)
                fast = o.size >= 2 and bool(np.isfinite(o).all()) and o.min() != o.max()
                s = _Slice(np.flatnonzero(mask), o, fast)
                if fast:
                    s.mean, s.std = float(o.mean()), float(o.std())
                    s.ssd = float(np.sum((o - o.mean()) ** 2))
                    s.total = float(np.sum(o))
                    s.dev = o - o.mean()
                    s.ssd_dev = float(np.sum(s.dev * s.dev))
                    s.fast = s.mean != 0.0 and s.total != 0.0
                self.slices[(name, label)] = s
        self.total_weight = sum(o.weight for o in self.objectives)
        #: Observations with an objective of weight > 0: only they can fail an evaluation on coverage.
        self.steering = {o.observation for o in self.objectives if o.weight > 0}

    def score(self, series: dict[str, np.ndarray]) -> tuple[float, dict[str, dict[str, float]]]:
        """Combined calibration loss and every objective's value in every period.

        A simulated series so large that its squares or sums overflow (absurd parameter
        bounds) scores inf or NaN, and the evaluation fails on its non-finite loss, without
        NumPy's ``RuntimeWarning: overflow`` lines on stderr amid a batch's own report: the
        arithmetic runs under ``np.errstate``, which changes no value.

        Besides each objective's ``observation:metric``, every period's scores hold
        ``observation:n_pairs``, the number of observed bins the scores rest on (those where the
        simulation is a number on at least one day: a bin's mean leaves NaN days out,
        :meth:`~hydro.calibration.observations.Alignment.simulated`); under :data:`MIN_COVERAGE` of
        them in the calibration period the evaluation fails (:class:`FloatingPointError`), for an
        observation with an objective of weight > 0 only (one reported with weight 0 must not steer
        the search).
        """
        scores: dict[str, dict[str, float]] = {label: {} for label in self.periods}
        with np.errstate(over="ignore", invalid="ignore"):
            binned = {name: self.alignments[name].simulated(series[name])
                      for name in {o.observation for o in self.objectives}}
            for label in self.periods:
                cache: dict = {}
                pairs: dict[str, float] = {}  # counted first: a run NaN on most days fails with its reason
                for name in dict.fromkeys(o.observation for o in self.objectives):
                    self._count_pairs(name, label, binned[name], pairs)
                for obj in self.objectives:
                    sl = self.slices[(obj.observation, label)]
                    if sl.obs.size == 0:  # published points: none in this period (checked in prepare)
                        scores[label][obj.label] = math.nan
                        continue
                    sim = binned[obj.observation][sl.index]
                    try:
                        scores[label][obj.label] = self._value(obj.metric, sim, sl, cache, obj.observation)
                    except HydroError:  # too few pairs: fails the evaluation only where the score steers it
                        if label == "calibration" and obj.weight > 0:
                            raise
                        scores[label][obj.label] = math.nan
                scores[label].update(pairs)
        loss = 0.0
        for obj in self.objectives:  # each term a fraction: 1 - NSE, |PBIAS| / 100 (Metric.loss_of)
            if obj.weight == 0:  # reported only: 0 x an infinite or NaN score would make the loss NaN
                continue
            term = self.metrics[obj.metric].loss_of(scores["calibration"][obj.label])
            loss += obj.weight * self._with_missing(obj, term, scores["calibration"])
        loss /= self.total_weight
        if not math.isfinite(loss):
            raise FloatingPointError(f"the combined loss is {loss}")
        return loss, scores

    def _with_missing(self, obj, term: float, scores: dict[str, float]) -> float:
        """``term``, an objective's loss on the bins where the simulation is a number, with its missing
        bins counted at :data:`MISSING_BIN_LOSS` (or at ``term`` where that is worse): ``c · term + (1 − c)
        · max(term, no skill)`` for a coverage ``c``.  Dropped bins are otherwise a reward: a simulation
        NaN on its worst 40 % of bins scored a loss of 0.070 against 0.199 with them (metrics review,
        2026-12-06)."""
        sl = self.slices[(obj.observation, "calibration")]
        n = scores.get(f"{obj.observation}:{N_PAIRS}")
        if n is None or sl.obs.size == 0 or n >= sl.obs.size:
            return term
        c = n / sl.obs.size
        no_skill = sl.std if obj.metric == "rmse" else MISSING_BIN_LOSS  # RMSE's is the mean's, in its unit
        return c * term + (1.0 - c) * max(term, no_skill)

    def _count_pairs(self, name: str, label: str, binned: np.ndarray, out: dict[str, float]) -> None:
        """Put the number of observed bins of ``label`` where the simulation of ``name`` is a number in
        ``out`` (``name:n_pairs``); raise when that is under :data:`MIN_COVERAGE` of them in the
        calibration period and ``name`` has an objective of weight > 0 (the validation period and the
        observations reported with weight 0 are counted only: they must not steer the search)."""
        sl = self.slices[(name, label)]
        if sl.obs.size == 0:
            return
        n = int(np.count_nonzero(~np.isnan(binned[sl.index])))
        out[f"{name}:{N_PAIRS}"] = float(n)
        if label == "calibration" and name in self.steering and n < MIN_COVERAGE * sl.obs.size:
            raise FloatingPointError(
                f"observation '{name}': the simulation is NaN on every day of {sl.obs.size - n} of its "
                f"{sl.obs.size} observed bins in the calibration period "
                f"(covers {n / sl.obs.size:.0%}, less than {MIN_COVERAGE:.0%}): "
                "not scored on the rest")

    def _value(self, name: str, s: np.ndarray, sl: _Slice, cache: dict, obs_name: str) -> float:
        if not (sl.fast and name in FAST_METRICS):
            return float(self.metrics[name](s, sl.obs))
        c = cache.get(obs_name)
        if c is None:
            c = cache[obs_name] = {"finite": bool(np.isfinite(s).all())}
        if not c["finite"]:  # NaN pairs dropped, infinities reported: as hydro.metrics does
            return float(self.metrics[name](s, sl.obs))
        o = sl.obs
        if name == "nse":  # _nse, with the observed sum of squares kept
            return float(1.0 - np.sum((s - o) ** 2) / sl.ssd)
        if name == "pbias":
            return 100.0 * float(np.sum(s - o)) / sl.total
        if "kge" not in c:
            c["kge"] = self._kge_parts(s, sl)
        r, beta, alpha, mu_s = c["kge"]
        if name == "kge_2009":
            return _kge(r, alpha, beta)
        if mu_s == 0.0:  # gamma divides by the simulated mean: the metric raises its error
            return float(self.metrics[name](s, o))
        return _kge(r, alpha * sl.mean / mu_s, beta)

    @staticmethod
    def _kge_parts(s: np.ndarray, sl: _Slice) -> tuple[float, float, float, float]:
        """r, beta, alpha and the simulated mean, as :func:`hydro.metrics.kge_components`
        computes them (``s.std()`` is ``sqrt(sum(ds * ds) / n)`` in NumPy, one pass saved)."""
        mu_s = float(s.mean())
        ds = s - s.mean()
        ss = np.sum(ds * ds)
        r = 0.0 if ss == 0.0 else float(np.sum(ds * sl.dev) / math.sqrt(ss * sl.ssd_dev))
        alpha = float(np.sqrt(ss / s.size)) / sl.std
        return r, mu_s / sl.mean, alpha, mu_s


__all__ = ["FAST_METRICS", "MIN_COVERAGE", "MISSING_BIN_LOSS", "N_PAIRS", "Scorer"]
