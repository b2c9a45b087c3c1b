"""Calibration loss must not improve when the simulation is NaN on the observed bins it misses worst.

Scorer (hydro/calibration/scoring.py:150-166) drops bins where the simulation is NaN (allowed down to
MIN_COVERAGE = 50 % of the calibration bins) and scores the rest, so each parameter set is scored on
a different subset of the observations; a set that is NaN exactly on its worst days wins.
Measured (reviewer, 2026-12-06): finite simulation loss 0.199; the same simulation with its 40 %
worst calibration bins set to NaN loss 0.070 (NSE 0.865 -> 0.969).
Fails now; passes once missing coverage is penalised (e.g. each term + (1 - coverage), or NaN
bins counted at a worst-case error).
"""

import numpy as np
import pytest

from hydro.calibration.config import Objective
from hydro.calibration.scoring import Scorer

N = 200


class _Alignment:  # the three members Scorer uses: observed, in_period, simulated()
    def __init__(self, observed):
        self.observed = observed
        self.in_period = {"calibration": np.arange(N) < 120, "validation": np.arange(N) >= 120}

    def simulated(self, daily):
        return np.asarray(daily, dtype=float)


def test_nan_on_worst_bins_does_not_lower_the_loss():
    rng = np.random.default_rng(1)
    obs = rng.gamma(2.0, 5.0, N)
    sim = np.abs(obs * 1.05 + rng.normal(0.0, 2.0, N))
    for name in ("nse", "kge_2012", "pbias"):
        scorer = Scorer({"q": _Alignment(obs)}, [Objective("q", name, 1.0)], ["calibration", "validation"])
        loss_finite, _ = scorer.score({"q": sim})
        err = np.abs(sim - obs)
        err[120:] = 0.0
        holed = sim.copy()
        holed[np.argsort(-err)[:48]] = np.nan  # 40 % of the 120 calibration bins: above MIN_COVERAGE
        loss_holed, _ = scorer.score({"q": holed})
        assert loss_holed >= loss_finite, (name, loss_finite, loss_holed)


def test_the_loss_counts_a_missing_bin_as_no_skill():
    """c · term + (1 − c) · max(term, 1): a full series is scored as before; RMSE's no-skill loss is the
    observations' standard deviation (the observed mean's RMSE), in the variable's unit."""
    from hydro.metrics import nse, rmse

    rng = np.random.default_rng(2)
    obs = rng.gamma(2.0, 5.0, N)
    sim = obs * 1.1
    holed = sim.copy()
    holed[:30] = np.nan   # 30 of the 120 calibration bins
    for name, term, no_skill in (("nse", 1.0 - nse(holed[:120], obs[:120]), 1.0),
                                 ("rmse", rmse(holed[:120], obs[:120]), obs[:120].std())):
        scorer = Scorer({"q": _Alignment(obs)}, [Objective("q", name, 1.0)], ["calibration", "validation"])
        full, _ = scorer.score({"q": sim})
        assert full == (1.0 - nse(sim[:120], obs[:120]) if name == "nse" else rmse(sim[:120], obs[:120]))
        loss, scores = scorer.score({"q": holed})
        assert scores["calibration"]["q:n_pairs"] == 90.0
        c = 0.75
        assert loss == pytest.approx(c * term + (1 - c) * max(term, no_skill), rel=1e-12)


def test_a_run_worse_than_no_skill_gains_nothing_from_nan_bins():
    """A simulation already worse than no skill (NSE < 0): its missing bins count at its own term, not at 1
    (which would reward NaN; the mutant ``max(term, no_skill)`` -> ``no_skill`` survived before, diff review)."""
    from hydro.metrics import nse

    rng = np.random.default_rng(3)
    obs = rng.gamma(2.0, 5.0, N)
    sim = obs * 3.0 + 5.0              # NSE far below 0: term > 1
    holed = sim.copy()
    holed[:30] = np.nan                # 30 of 120 calibration bins
    term = 1.0 - nse(holed[:120], obs[:120])
    assert term > 1.0
    scorer = Scorer({"q": _Alignment(obs)}, [Objective("q", "nse", 1.0)], ["calibration", "validation"])
    loss, _ = scorer.score({"q": holed})
    assert loss == pytest.approx(term, rel=1e-12)   # c*term + (1-c)*max(term, 1) = term
