"""Review of s49 (hydro/calibration/scoring.py _with_missing): a missing bin counts at max(term, no skill);
for a simulation already worse than no skill (NSE < 0) the missing bins must count at its own term, not
at 1 (which would reward NaN).  Mutant ``max(term, no_skill)`` -> ``no_skill`` survived the shipped tests."""
from __future__ import annotations

import numpy as np
import pytest

from hydro.calibration.config import Objective
from hydro.calibration.scoring import Scorer
from hydro.metrics import nse

N = 200


class _Alignment:
    def __init__(self, observed):
        self.observed = observed
        self.in_period = {"calibration": np.arange(N) < 120, "validation": np.arange(N) >= 120}

    def simulated(self, daily):
        return np.asarray(daily, dtype=float)


def test_a_run_worse_than_no_skill_gains_nothing_from_nan_bins():
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
