"""Review l2 of 8a67462..1738dc2 (final-read fixes D1-D9): proposed tests.

Status on 1738dc2 (see FINDINGS.md):
  test_de_with_a_tolerance_is_not_converged_while_members_failed           FAILS (L1)
  test_a_weight_0_observation_with_fewer_than_2_pairs_does_not_fail        FAILS (L2)
  test_the_validation_period_with_no_pair_does_not_fail_the_evaluation     FAILS (L2, pre-existing)
  the rest                                                                  pass (they kill survivors)
"""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

import numpy as np
import pytest

# ------------------------------------------------------------------ L1: FAILED_LOSS = float max and tol > 0


def _de_problem(tol):
    method = SimpleNamespace(name="de", popsize=10, max_evaluations=20 * 61, tol=tol, mutation=(0.5, 1.0),
                             recombination=0.7, seed=1)
    return SimpleNamespace(config=SimpleNamespace(parameters=[0, 1], method=method),
                           bounds=[(-1.0, 1.0), (-1.0, 1.0)], names=["a", "b"])


class _HalfFails:
    """Half the box fails (FAILED_LOSS); the optimum (0.3, 0) lies in the other half."""

    def losses(self, population):
        from hydro.calibration.problem import FAILED_LOSS

        return np.array([FAILED_LOSS if x[0] < 0 else (x[0] - 0.3) ** 2 + x[1] ** 2 for x in population])


@pytest.mark.parametrize("tol", [0.0, 0.01])
def test_de_with_a_tolerance_is_not_converged_while_members_failed(tol):
    """docs/calibration.md: "SciPy's convergence test fails while a member has [FAILED_LOSS]", and it
    recommends setting tol (e.g. SciPy's 0.01).  With two or more members at sys.float_info.max the
    mean of the losses overflows to inf, so SciPy's test std (inf) <= atol + tol * |mean| (inf) holds
    for any tol > 0: DE stopped after ONE generation, 'Optimization terminated successfully',
    de_converged true, 6 members still failed (de_loss_spread null).  With inf it was not converged."""
    from hydro.calibration import runner

    info = runner._run_de(_de_problem(tol), _HalfFails())
    assert not (info["de_converged"] and info["de_loss_spread"] is None), info
    assert info["de_generations"] > 1, info


def test_the_loss_spread_of_a_population_of_failed_members_is_none():
    """Kills mutant M3 (the `e < FAILED_LOSS` guard removed): a lone failed member gave spread 0.0."""
    from hydro.calibration.diagnostics import population_spread
    from hydro.calibration.problem import FAILED_LOSS

    problem = SimpleNamespace(names=["a"], bounds=[(0.0, 1.0)])
    assert population_spread(problem, [[0.5]], [FAILED_LOSS])["de_loss_spread"] is None
    assert population_spread(problem, [[0.5]], [0.25])["de_loss_spread"] == 0.0


# ------------------------------------------------------------------ L2: report-only scores still fail runs


def _scorer(periods, weights):
    from hydro.calibration.config import Objective, Observation
    from hydro.calibration.observations import Alignment
    from hydro.calibration.scoring import Scorer

    days = np.arange(np.datetime64("2000-01-01"), np.datetime64("2002-01-01"))
    obs = np.random.default_rng(1).gamma(1.0, 5.0, days.size)
    als = {n: Alignment.build(Observation(n, "discharge"), days, obs, days, periods, True) for n in weights}
    return Scorer(als, [Objective(n, "nse", w) for n, w in weights.items()], list(periods)), obs


@pytest.mark.parametrize("numbers", [0, 1])
def test_a_weight_0_observation_with_fewer_than_2_pairs_does_not_fail(numbers):
    """7a5ef7b: 'an observation reported with weight 0 never fails an evaluation on coverage'.  With 0
    or 1 bin left the metric itself raises HydroError ('only 0 pair(s) ...'), Problem.evaluate records
    'failed', and the report-only observation removes the parameter set from the search after all."""
    periods = {"calibration": (date(2000, 1, 1), date(2001, 12, 31))}
    sc, obs = _scorer(periods, {"a": 1.0, "b": 0.0})
    b = np.full(obs.size, np.nan)
    b[:numbers] = obs[:numbers]
    loss, scores = sc.score({"a": obs * 1.01, "b": b})
    assert loss < 0.01
    assert scores["calibration"]["b:n_pairs"] == numbers
    assert np.isnan(scores["calibration"]["b:nse"])


def test_the_validation_period_with_no_pair_does_not_fail_the_evaluation():
    """docs/calibration.md: 'The validation period is counted, never failed: it must not steer the
    search.'  A simulation NaN on every validation bin raises the metric's HydroError instead."""
    periods = {"calibration": (date(2000, 1, 1), date(2000, 12, 31)),
               "validation": (date(2001, 1, 1), date(2001, 12, 31))}
    sc, obs = _scorer(periods, {"a": 1.0})
    a = obs * 1.01
    a[366:] = np.nan
    loss, scores = sc.score({"a": a})
    assert loss < 0.01 and scores["validation"]["a:n_pairs"] == 0


# ------------------------------------------------------------------ NaN-aware bin means (82bb034)


def _monthly(sim_days, obs_rows):
    from hydro.calibration.config import Observation
    from hydro.calibration.observations import Alignment

    periods = {"calibration": (date(2000, 1, 1), date(2000, 12, 31))}
    dates = np.array([np.datetime64(f"2000-{m:02d}-01") for m in range(1, 13)])
    return Alignment.build(Observation("c", "concentration", aggregate="monthly"), dates, obs_rows, sim_days,
                           periods)


def test_a_bins_mean_leaves_nan_days_out_and_an_all_nan_bin_is_nan():
    """Kills M8-M11: the mean of the numbers only (not of 0 for NaN, not over every day), NaN for a
    month without any number, and the plain path unchanged where no day is NaN."""
    days = np.arange(np.datetime64("2000-01-01"), np.datetime64("2001-01-01"))
    al = _monthly(days, np.arange(1.0, 13.0))
    assert al.day_of_bin is None  # the slow (bincount) path
    sim = np.full(days.size, 4.0)
    sim[days.astype("datetime64[M]") == np.datetime64("2000-02")] = np.nan  # February: no number
    march = np.flatnonzero(days.astype("datetime64[M]") == np.datetime64("2000-03"))
    sim[march[:10]] = np.nan
    sim[march[10:]] = np.arange(march.size - 10, dtype=float)  # 0..20: mean 10
    out = al.simulated(sim)
    assert np.isnan(out[1])
    assert out[2] == 10.0
    assert np.all(out[[0, *range(3, 12)]] == 4.0)
    assert np.array_equal(al.simulated(np.full(days.size, 4.0)), np.full(12, 4.0))


# ------------------------------------------------------------------ summary.json through json_finite (1738dc2)


def test_calibrate_writes_a_summary_without_a_number_as_null(tmp_path, monkeypatch):
    """Kills M17 (runner writes summary.json without json_finite): the D9 test checks json_finite only.
    A DE run whose method info holds a NaN and an inf (as glue_containment of a period without bins)."""
    import json
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
    from test_calibration_methodology_s44 import leguer_config

    from hydro.calibration import calibrate, runner

    real = runner._run_de
    monkeypatch.setattr(runner, "_run_de", lambda p, ev: {**real(p, ev), "x_nan": float("nan"),
                                                          "x_inf": {"v": np.float64(np.inf)}})
    out = tmp_path / "out"
    calibrate(leguer_config(tmp_path), out, serial=True, quiet=True)

    def refuse(c):
        raise AssertionError(f"summary.json holds {c}")

    summary = json.loads((out / "summary.json").read_text(), parse_constant=refuse)
    assert summary["x_nan"] is None and summary["x_inf"] == {"v": None}
