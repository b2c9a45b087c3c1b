"""Pins mutants that survived an outside mutation audit of the calibration and batch code, 2026-12-05.

Each test names, in its docstring, the mutant it kills (file, line, change).  Expected values
come from a hand computation, a documented contract or a synthetic problem whose answer is
known, never from a number the code under test produced.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np
import pytest

from hydro.calibration import CalibrationConfig
from hydro.errors import HydroError

ROOT = Path(__file__).resolve().parents[1]

# ------------------------------------------------------------------ configuration checks

_BASE = """
[model]
kind = "catchment"
path = "catchment.toml"

[periods]
warmup_start = 1991-01-01
calibration = [1991-07-01, 1992-06-30]

[[parameters]]
name = "x1"
paths = ["gr4j.x1_mm"]
lower = {lower}
upper = {upper}
transform = "{transform}"

[[observations]]
name = "q"
variable = "discharge_mm"
from_forcing = true

[[objectives]]
observation = "q"
metric = "nse"
weight = {w_nse}

[[objectives]]
observation = "q"
metric = "pbias"
weight = {w_pbias}
"""


def _write(tmp_path: Path, *, lower=20.0, upper=3000.0, transform="linear", w_nse=1.0, w_pbias=0.0) -> Path:
    """A catchment configuration; reading it checks the file only (the model is not built), so an
    empty catchment.toml is enough."""
    (tmp_path / "catchment.toml").write_text("")
    path = tmp_path / "cal.toml"
    path.write_text(_BASE.format(lower=lower, upper=upper, transform=transform, w_nse=w_nse, w_pbias=w_pbias))
    return path


def test_the_base_configuration_of_these_checks_is_accepted(tmp_path):
    """Control for the checks below: the unchanged file reads."""
    cfg = CalibrationConfig.from_toml(_write(tmp_path))
    assert [o.weight for o in cfg.objectives] == [1.0, 0.0]


def test_equal_bounds_are_refused(tmp_path):
    """Mutant C02: hydro/calibration/config.py, _parameter, ``if not lower < upper`` -> ``if lower > upper``.

    Documented contract (CalibrationParameter: ``lower < upper``; the message says "give lower < upper"):
    an empty search interval is a mistake, refused when the file is read."""
    with pytest.raises(HydroError, match="lower < upper"):
        CalibrationConfig.from_toml(_write(tmp_path, lower=300.0, upper=300.0))


def test_a_log_parameter_with_lower_bound_zero_is_refused(tmp_path):
    """Mutant C03: hydro/calibration/config.py, _parameter, ``lower <= 0`` -> ``lower < 0``.

    ln(0) is undefined: the file must be refused with the key named, not fail later with
    Python's "math domain error" when the search bounds are taken."""
    with pytest.raises(HydroError, match="needs lower > 0"):
        CalibrationConfig.from_toml(_write(tmp_path, lower=0.0, transform="log"))


def test_a_negative_objective_weight_is_refused(tmp_path):
    """Mutant C04: hydro/calibration/config.py, from_toml, ``t.float("weight", 1.0, minimum=0.0)`` ->
    ``t.float("weight", 1.0)``.

    A negative weight would make the search *maximise* that objective's loss (Objective: the loss
    is sum(w_i loss_i) / sum(w_i), weights >= 0, 0 = report only)."""
    # -0.5: the weights still sum to 0.5 > 0, so only the sign check can refuse it
    with pytest.raises(HydroError, match=r"weight.*>= 0"):
        CalibrationConfig.from_toml(_write(tmp_path, w_pbias=-0.5))


def test_every_weight_zero_is_refused(tmp_path):
    """Mutant C05: hydro/calibration/config.py, from_toml, ``sum(weights) <= 0`` -> ``< 0``.

    With every weight 0 the combined loss is 0/0: every evaluation would fail on a NaN loss."""
    with pytest.raises(HydroError, match="every weight is 0"):
        CalibrationConfig.from_toml(_write(tmp_path, w_nse=0.0, w_pbias=0.0))


def test_a_scored_period_starting_before_the_warm_up_start_is_refused(tmp_path):
    """Mutant C07: hydro/calibration/config.py, _periods, the check ``span[0] < warm`` removed.

    The model runs from warmup_start: days of a scored period before it are never simulated, and
    their observations would be dropped without a word (Alignment keeps bins the run covers)."""
    path = _write(tmp_path)
    path.write_text(path.read_text().replace("calibration = [1991-07-01", "calibration = [1990-07-01"))
    with pytest.raises(HydroError, match="before warmup_start"):
        CalibrationConfig.from_toml(path)


@pytest.mark.parametrize("quantiles", ["[0.95, 0.5, 0.05]", "[0.05, 0.95, 0.5]"])
def test_glue_quantiles_out_of_order_are_refused(tmp_path, quantiles):
    """Mutant C09: hydro/calibration/config.py, _method, ``or sorted(quantiles) != quantiles`` removed.

    The runner takes the first and last quantile as the band's lower and upper edge (its
    containment counts observations between them): out of order they would be swapped or cut."""
    path = _write(tmp_path)
    path.write_text(path.read_text() + f'\n[method]\nname = "glue"\nmax_evaluations = 10\nquantiles = {quantiles}\n')
    with pytest.raises(HydroError, match="increasing"):
        CalibrationConfig.from_toml(path)


def _with_points(tmp_path: Path, second: str) -> Path:
    """The configuration with published points for ``q`` scored by MARE: January 1992 (1.0), then the span
    ``second`` ("FIRST, last = LAST") (2.0)."""
    path = _write(tmp_path)
    text = path.read_text().replace(
        'from_forcing = true',
        'points = [{first = 1992-01-01, last = 1992-01-31, value = 1.0}, '
        f'{{first = {second}, value = 2.0}}]').replace('metric = "nse"', 'metric = "mare"')
    path.write_text(text)
    return path

def test_published_points_sharing_one_day_are_refused(tmp_path):
    """Mutant C11: hydro/calibration/config.py, _points_observation, ``b.first <= a.last`` -> ``b.first < a.last``.

    Contract ("spans may not overlap"; "each day may belong to one point only"): two spans whose
    only common day is 1992-01-31 overlap.  Accepted, that day would be binned to the later point
    only (Alignment.from_points), so the first figure is compared with a mean over the wrong days."""
    path = _with_points(tmp_path, "1992-01-31, last = 1992-02-28")
    with pytest.raises(HydroError, match="overlap"):
        CalibrationConfig.from_toml(path)


def test_a_point_running_past_the_periods_end_is_refused(tmp_path):
    """Mutant C13: hydro/calibration/config.py, _points_in_periods, ``q.last <= b`` -> ``q.first <= b``.

    A point counts only where a period holds its whole span (Alignment.from_points); one that
    starts inside the calibration period (ends 1992-06-30) and ends after it counts nowhere, and
    _points_in_periods exists to refuse exactly that instead of dropping it without a word."""
    path = _with_points(tmp_path, "1992-06-01, last = 1992-07-31")
    with pytest.raises(HydroError, match="lies in none of the periods"):
        CalibrationConfig.from_toml(path)


def test_physical_values_stay_within_the_bounds():
    """Mutant C14: hydro/calibration/config.py, CalibrationParameter.from_search,
    ``min(max(v, lower), upper)`` -> ``max(v, lower)``.

    Documented: "Search-space coordinate -> physical value (clipped to the bounds)".  A search
    vector outside the box is clipped; and for a log parameter exp(ln(0.1)) is 0.10000000000000002
    in IEEE doubles (checked by hand: math.exp(math.log(0.1)) > 0.1), so without the clip the
    upper corner of the box would hand the model, and best_params.toml, a value above ``upper``."""
    import math

    from hydro.calibration.config import CalibrationParameter

    assert math.exp(math.log(0.1)) > 0.1  # the premise: round-off past the bound
    frac = CalibrationParameter("leaching", ("p",), 0.01, 0.1, "log")
    lo, hi = frac.search_bounds
    assert frac.from_search(hi) <= 0.1 and frac.from_search(lo) >= 0.01
    lin = CalibrationParameter("x4", ("gr4j.x4_days",), 0.5, 5.0)
    assert lin.from_search(7.0) == 5.0 and lin.from_search(0.1) == 0.5


# ------------------------------------------------------------------ observations


def test_a_month_that_runs_past_the_period_end_is_not_scored_in_it():
    """Mutant O02: hydro/calibration/observations.py, Alignment.build,
    ``& (ends <= last)`` -> ``& (uniq <= last)``.

    Module contract: "A month or year is scored only when ... it lies entirely within the period".
    Calibration ends 2000-03-15: January and February lie inside it, March does not (nor in
    validation, which starts 2000-03-16), April lies in validation."""
    from hydro.calibration.config import Observation
    from hydro.calibration.observations import Alignment

    days = np.arange(np.datetime64("2000-01-01"), np.datetime64("2000-05-01"))
    dates = np.array(["2000-01-01", "2000-02-01", "2000-03-01", "2000-04-01"], dtype="datetime64[D]")
    al = Alignment.build(Observation("m", "discharge", aggregate="monthly"), dates, np.array([1.0, 2.0, 3.0, 4.0]),
                         days, {"calibration": (date(2000, 1, 1), date(2000, 3, 15)),
                                "validation": (date(2000, 3, 16), date(2000, 4, 30))})
    assert al.n_bins == 4
    assert al.in_period["calibration"].tolist() == [True, True, False, False]
    assert al.in_period["validation"].tolist() == [False, False, False, True]


def test_observed_values_are_scaled_to_the_variables_units(tmp_path):
    """Mutant O06: hydro/calibration/observations.py, read_observation_csv, ``v * obs.scale`` -> ``v``.

    Documented: ``scale`` is the "factor applied to the CSV values to reach the variable's units"
    (the Lamprey flows are ft3 s-1 with scale 0.028316846592).  Hand computation: 100 ft3 s-1 ->
    2.8316846592 m3 s-1; a missing cell stays NaN."""
    from hydro.calibration.config import Observation
    from hydro.calibration.observations import read_observation_csv

    csv = tmp_path / "q.csv"
    csv.write_text("date,q_cfs\n2000-01-01,100\n2000-01-02,NA\n2000-01-03,10\n")
    obs = Observation("q", "discharge", csv=csv, column="q_cfs", scale=0.028316846592)
    _, values, per_day = read_observation_csv(obs)
    assert per_day
    np.testing.assert_allclose(values, [2.8316846592, np.nan, 0.28316846592], rtol=1e-15)  # one product each


# ------------------------------------------------------------------ GLUE bands and planned work


def test_weighted_quantiles_of_equal_weights_are_hazens_quantiles():
    """Mutant R03: hydro/calibration/runner.py, _weighted_quantiles, ``cum = cumsum(w) - 0.5 * w`` ->
    ``cum = cumsum(w)``.

    With equal weights the rule (k - 1/2)/n is Hazen's plotting position, which NumPy offers as
    ``np.quantile(method="hazen")``: an independent reference.  By hand, the median of the four
    sets 1, 2, 3, 4 is 2.5 and the 0.25 quantile 1.5.  Both are linear interpolations of exact
    values, so 1e-12 is round-off only."""
    from hydro.calibration.runner import _weighted_quantiles

    values = np.array([[4.0, 10.0], [1.0, 40.0], [3.0, 20.0], [2.0, 30.0]])  # 4 sets x 2 bins
    qs = [0.25, 0.5, 0.75]
    got = _weighted_quantiles(values, np.ones(4), qs)
    np.testing.assert_allclose(got[:, 0], [1.5, 2.5, 3.5], atol=1e-12)
    for j in range(values.shape[1]):
        np.testing.assert_allclose(got[:, j], np.quantile(values[:, j], qs, method="hazen"), atol=1e-12)


def test_weighted_quantiles_keep_each_weight_with_its_set():
    """Mutant R04: hydro/calibration/runner.py, _weighted_quantiles, ``w = weights[order]`` ->
    the weights left in set order while the values are sorted.

    Hand computation: sets 3, 1, 2 with weights 2, 1, 1 (total 4).  Sorted: 1, 2, 3 with weights
    1, 1, 2; the mid-weight positions are 0.5/4, 1.5/4, 3/4 = 0.125, 0.375, 0.75, so the median
    lies a third of the way from 2 to 3: 2 + 0.125/0.375 = 7/3.  And reordering the sets with
    their weights must not change a band."""
    from hydro.calibration.runner import _weighted_quantiles

    values = np.array([[3.0], [1.0], [2.0]])
    weights = np.array([2.0, 1.0, 1.0])
    got = _weighted_quantiles(values, weights, [0.5])
    assert got[0, 0] == pytest.approx(7.0 / 3.0, abs=1e-12)
    perm = [1, 2, 0]
    np.testing.assert_allclose(_weighted_quantiles(values[perm], weights[perm], [0.5]), got, atol=1e-12)


def test_glue_bands_are_the_rescaled_likelihood_quantiles_of_the_behavioural_sets(tmp_path):
    """Mutant R07: hydro/calibration/runner.py, _run_glue, ``weights = scores[keep] - threshold + 1e-12`` ->
    ``weights = scores[keep]`` (also R08: ``hi = bands[-1]`` -> ``bands[1]``, the containment's upper edge).

    Recomputed here from the documented method (runner.py: sets whose score 1 - loss reaches the
    threshold are behavioural, weighted in proportion to score - threshold, Beven & Binley 1992;
    weighted quantiles at the mid-weight positions, Hazen's rule for equal weights) and the stored
    evaluations: each behavioural set is simulated again through Problem.simulate, the quantiles
    are taken bin by bin by a loop written here, and the containment counts observations within
    the first and last band.  Tolerance 1e-9 relative: the same doubles, summed in another order."""
    import csv as csvmod
    import json

    from test_calibration import _catchment, _config

    from hydro.calibration import Problem, calibrate

    _catchment(tmp_path)
    cfg = CalibrationConfig.from_toml(_config(tmp_path, method="glue", budget=60, extra="threshold = 0.3"))
    r = calibrate(cfg, tmp_path / "glue", serial=True)
    threshold = 0.3
    behavioural = [x for x in r.records if x["status"] == "ok" and 1.0 - x["loss"] >= threshold]
    assert 3 <= len(behavioural) < len(r.records)  # some sets in, some out: the weights matter
    weights = np.array([1.0 - x["loss"] - threshold for x in behavioural])
    problem = Problem(cfg)
    al = problem.prepare().alignments["q"]
    sims = np.array([al.simulated(problem.simulate(np.array(x["z"]))["q"]) for x in behavioural])
    qs = [0.05, 0.5, 0.95]
    expected = np.empty((len(qs), al.n_bins))
    for j in range(al.n_bins):
        order = np.argsort(sims[:, j])
        v, w = sims[order, j], weights[order]
        position = (np.cumsum(w) - w / 2.0) / w.sum()
        expected[:, j] = np.interp(qs, position, v)
    with open(tmp_path / "glue" / "glue_bands.csv") as fh:
        rows = list(csvmod.reader(fh))
    got = np.array([[float(x) for x in row[3:]] for row in rows[1:]]).T
    np.testing.assert_allclose(got, expected, rtol=1e-9)
    summary = json.loads((tmp_path / "glue" / "summary.json").read_text())
    for label in ("calibration", "validation"):
        mask = al.in_period[label]
        inside = (al.observed[mask] >= expected[0][mask]) & (al.observed[mask] <= expected[-1][mask])
        assert summary["glue_containment"][f"{label}:q"] == pytest.approx(float(inside.mean()), abs=1e-12)


def test_glue_samples_are_a_seeded_latin_hypercube(tmp_path):
    """Mutant R18: hydro/calibration/runner.py, _lhs, ``LatinHypercube(d, rng=seed)`` -> ``LatinHypercube(d)``.

    Documented ([method] seed: "Seed of every random choice (the run is reproducible)"; --resume
    recognises stored vectors bit for bit): two GLUE runs of one configuration evaluate the same
    vectors.  And the sample is a Latin hypercube in search space: each of the n equal slices of
    every parameter's (log-)range holds exactly one vector."""
    from test_calibration import _catchment, _config

    from hydro.calibration import calibrate

    _catchment(tmp_path)
    cfg = CalibrationConfig.from_toml(_config(tmp_path, method="glue", budget=12, extra="threshold = 1.0"))
    a = calibrate(cfg, tmp_path / "a", serial=True)
    b = calibrate(cfg, tmp_path / "b", serial=True)
    assert [r["key"] for r in a.records] == [r["key"] for r in b.records]
    z = np.array([r["z"] for r in a.records])
    for k, p in enumerate(cfg.parameters):
        lo, hi = p.search_bounds
        slot = np.floor((z[:, k] - lo) / (hi - lo) * len(z)).astype(int)
        assert sorted(slot) == list(range(len(z))), p.name


def test_failed_sensitivity_runs_count_as_the_worst_successful_one(tmp_path):
    """Mutant R09: hydro/calibration/runner.py, _run_sensitivity, ``np.nanmax(y)`` -> ``np.nanmin(y)``.

    Documented in the code: "a failed run counts as the worst successful one" (failure is no
    evidence of insensitivity).  The Morris indices are checked against SALib's own analysis of
    the losses with the failed runs replaced by the largest successful loss, computed here."""
    from types import SimpleNamespace

    from SALib.analyze import morris as morris_analyze

    from hydro.calibration.config import CalibrationParameter, MethodSettings
    from hydro.calibration.runner import _run_sensitivity

    params = tuple(CalibrationParameter(f"p{k}", (f"a.p{k}",), 0.0, 1.0) for k in range(2))
    method = MethodSettings(name="morris", samples=6, levels=4, seed=2)
    problem = SimpleNamespace(parameters=params, names=["p0", "p1"], bounds=[(0.0, 1.0)] * 2,
                              config=SimpleNamespace(method=method, path=tmp_path / "cal.toml"))
    seen = {}

    def loss(x):
        return 1.0 + 3.0 * x[0] + 0.5 * x[1]

    class Batch:
        def batch(self, X):
            seen["X"] = np.array(X)
            return [{"status": "failed", "loss": None} if x[0] > 0.9 else {"status": "ok", "loss": loss(x)}
                    for x in X]

    info = _run_sensitivity(problem, Batch(), tmp_path)
    X = seen["X"]
    failed = X[:, 0] > 0.9
    assert 0 < failed.sum() < len(X)
    y = np.array([loss(x) for x in X])
    y[failed] = y[~failed].max()
    spec = {"num_vars": 2, "names": ["p0", "p1"], "bounds": [[0.0, 1.0]] * 2}
    si = morris_analyze.analyze(spec, X, y, num_levels=4, seed=2)
    assert info["sensitivity_failed_replaced"] == int(failed.sum())
    for k, name in enumerate(["p0", "p1"]):
        assert info["sensitivity"][name]["mu"] == pytest.approx(float(si["mu"][k]), rel=1e-12, abs=1e-12)
        assert info["sensitivity"][name]["mu_star"] == pytest.approx(float(si["mu_star"][k]), rel=1e-12, abs=1e-12)


def test_the_progress_status_shows_the_smallest_loss_so_far(tmp_path):
    """Mutant R11: hydro/calibration/runner.py, _Evaluator.batch, ``rec["loss"] < self.best`` -> ``>``.

    The progress line's status is "the best loss so far" (losses are minimised): after losses
    3, 1 and 2 it reads "best loss 1", and a failure is counted beside it."""
    from hydro.calibration.runner import _Evaluator
    from hydro.calibration.store import EvaluationStore
    from hydro.progress import Progress

    store = EvaluationStore(tmp_path, resume=False)
    try:
        ev = _Evaluator(_OneParameter(), store, _Records([3.0, 1.0, None, 2.0]),
                        Progress(4, "evaluations", quiet=True), "de")
        ev.batch([[0.0], [1.0], [2.0], [3.0]])
    finally:
        store.close()
    assert ev._status() == "best loss 1 | failed 1"


@pytest.mark.parametrize("name, samples, expected", [
    # SALib's Saltelli/Sobol' sample without second order: N (D + 2) rows; Morris: N (D + 1)
    ("sobol", 16, 16 * (3 + 2)), ("morris", 10, 10 * (3 + 1)),
])
def test_planned_evaluations_of_the_sensitivity_methods_are_salibs_sample_size(name, samples, expected):
    """Mutant R02: hydro/calibration/runner.py, planned_evaluations, sobol ``samples * (n + 2)`` ->
    ``samples * (n + 1)``.

    The plan sizes the progress bar and the choice of executor.  Checked against SALib itself
    (the sample the run evaluates), not against hydro's number."""
    from types import SimpleNamespace

    from SALib.sample import morris as morris_sample
    from SALib.sample import sobol as sobol_sample

    from hydro.calibration.config import CalibrationParameter, MethodSettings
    from hydro.calibration.runner import planned_evaluations

    params = tuple(CalibrationParameter(f"p{k}", (f"a.p{k}",), 0.0, 1.0) for k in range(3))
    cfg = SimpleNamespace(method=MethodSettings(name=name, samples=samples, seed=1), parameters=params)
    spec = {"num_vars": 3, "names": [p.name for p in params], "bounds": [[0.0, 1.0]] * 3}
    if name == "sobol":
        n = len(sobol_sample.sample(spec, samples, calc_second_order=False, seed=1))
    else:
        n = len(morris_sample.sample(spec, samples, num_levels=4, seed=1))
    assert n == expected
    assert planned_evaluations(cfg) == n


# ------------------------------------------------------------------ scoring


def test_scorer_keeps_the_pbias_error_of_zero_sum_observations():
    """Mutant S10: hydro/calibration/scoring.py, Scorer.__init__, ``s.fast = s.mean != 0.0 and s.total != 0.0``
    -> ``s.fast = True``.

    The module's contract: where the observations' mean or sum is zero the fast path does not apply
    and hydro.metrics is called, "so its errors ... are unchanged".  PBIAS divides by the observed
    sum, which is zero here (values -2..2 symmetric about 0: a net flow), so scoring must raise the
    metric's own HydroError rather than give an infinite or NaN value."""
    from hydro.calibration.config import Objective, Observation
    from hydro.calibration.observations import Alignment
    from hydro.calibration.scoring import Scorer

    days = np.arange(np.datetime64("2000-01-01"), np.datetime64("2000-01-11"))
    obs = np.array([-2.0, -1.0, 0.0, 1.0, 2.0, 2.0, 1.0, 0.0, -1.0, -2.0])  # sum exactly 0
    periods = {"calibration": (date(2000, 1, 1), date(2000, 1, 10))}
    al = Alignment.build(Observation("q", "reservoir_inflow", at="r"), days, obs, days, periods)
    scorer = Scorer({"q": al}, [Objective("q", "pbias")], list(periods))
    with pytest.raises(HydroError, match="sum of the observations is zero"):
        scorer.score({"q": obs + 1.0})


# ------------------------------------------------------------------ failed evaluations in the search


class _OneParameter:
    names = ("a",)

    @staticmethod
    def values(z):
        return [float(z[0])]


class _Records:
    """An executor whose evaluations have the given outcomes (None: failed)."""

    def __init__(self, losses):
        self.losses = losses

    def map_unordered(self, vectors):
        for i, _ in enumerate(vectors):
            loss = self.losses[i]
            if loss is None:
                yield i, {"status": "failed", "loss": None, "scores": {}, "error": "RuntimeError: x", "seconds": 0.0}
            else:
                yield i, {"status": "ok", "loss": loss, "scores": {}, "error": None, "seconds": 0.0}


def test_a_failed_evaluation_ranks_below_every_successful_one(tmp_path):
    """Mutant P01: hydro/calibration/problem.py, ``FAILED_LOSS = 1.0e6`` -> ``0.0``.

    Contract (problem.py: "Loss given to a failed evaluation, so that searches move away from it"):
    DE must see a failed vector as worse than any that ran.  The successful losses span a perfect
    fit (0), NSE = -4 (loss 5) and NSE = -999 (loss 1000, a very poor but finite score)."""
    from hydro.calibration.runner import _Evaluator
    from hydro.calibration.store import EvaluationStore
    from hydro.progress import Progress

    given = [0.0, None, 5.0, 1000.0]
    store = EvaluationStore(tmp_path, resume=False)
    try:
        ev = _Evaluator(_OneParameter(), store, _Records(given), Progress(4, "evaluations", quiet=True), "de")
        losses = ev.losses([[0.0], [1.0], [2.0], [3.0]])
    finally:
        store.close()
    ok = [loss for loss, g in zip(losses, given, strict=True) if g is not None]
    assert ok == [0.0, 5.0, 1000.0]
    assert losses[1] > max(ok)


# ------------------------------------------------------------------ the evaluation store


def test_vector_keys_are_exact():
    """Mutant ST01: hydro/calibration/store.py, vector_key, ``float(v).hex()`` -> ``f"{v:.9g}"``.

    Documented ("``key`` is the search-space vector written with float.hex: exact, so a resumed
    run recognises a vector it has already evaluated bit for bit"): two vectors one ulp apart are
    two evaluations, never one reused for the other, and the key gives back the vector exactly."""
    from hydro.calibration.store import vector_key

    z = np.array([0.1, 412.30000000000001, -2.5e-7])
    nudged = z.copy()
    nudged[1] = np.nextafter(z[1], np.inf)
    assert vector_key(z) != vector_key(nudged)
    back = np.array([float.fromhex(part) for part in vector_key(nudged).split(",")])
    assert back.tobytes() == nudged.tobytes()


def test_resume_retries_an_evaluation_lost_in_the_executor_but_not_a_model_failure(tmp_path):
    """Mutant ST02: hydro/calibration/store.py, EvaluationStore._add, ``if not rec.get("transient")`` ->
    ``if True``.

    Contract (store.py: "a lost worker is retried by --resume; a model error is not"; executors.py
    marks a task lost in the executor ``transient``): after a resume, the model's failure is
    still known for its vector, the lost one is not (so it is evaluated again), and both stay in
    the log."""
    from hydro.calibration.store import EvaluationStore, vector_key

    lost, broken = [0.25, 1.0], [0.75, 2.0]
    store = EvaluationStore(tmp_path, resume=False)
    store.append({"key": vector_key(lost), "status": "failed", "loss": None, "scores": {}, "transient": True,
                  "error": "in the executor: its worker process died"})
    store.append({"key": vector_key(broken), "status": "failed", "loss": None, "scores": {},
                  "error": "HydroError: x4_days must be >= 0.5"})
    store.close()
    again = EvaluationStore(tmp_path, resume=True)
    again.close()
    assert len(again.records) == 2
    assert again.get(lost) is None
    assert again.get(broken)["error"].startswith("HydroError")


def test_evaluations_csv_is_replaced_whole_or_not_at_all(tmp_path, monkeypatch):
    """Mutant ST07: hydro/calibration/store.py, EvaluationStore.write_csv, ``atomic_open(path, overwrite=True)``
    -> ``open(path, "w")``.

    Documented (store.py: "``evaluations.csv`` is written atomically (whole or not at all)"; it is
    rewritten at the end of every run and on Ctrl-C): a failure while writing (a full disk) must
    leave the previous table in place and no temporary file.  The failure is injected into the
    csv writer after its header row, as tests/test_calibration_review.py does for sensitivity.csv."""
    import hydro.calibration.store as store_module
    from hydro.calibration.store import EVALUATIONS, EVALUATIONS_CSV, EvaluationStore

    store = EvaluationStore(tmp_path, resume=False)
    store.append({"key": "k", "status": "ok", "loss": 0.5, "params": {"x": 1.0}, "scores": {}})
    store.close()
    old = tmp_path / EVALUATIONS_CSV
    old.write_text("the previous table\n")

    class FailingAfterHeader:
        def __init__(self, fh):
            self.fh, self.rows = fh, 0

        def writerow(self, row):
            self.rows += 1
            if self.rows > 1:
                raise OSError("No space left on device")
            self.fh.write(",".join(map(str, row)) + "\n")

    monkeypatch.setattr(store_module.csv, "writer", FailingAfterHeader)
    with pytest.raises(OSError):
        store.write_csv(["x"])
    assert old.read_text() == "the previous table\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([EVALUATIONS, EVALUATIONS_CSV])


# ------------------------------------------------------------------ progress and quiet output


def test_no_rate_is_shown_before_it_spans_a_second(monkeypatch):
    """Mutant PR03: hydro/progress.py, Progress.line, ``span >= MIN_SPAN_S`` -> ``span > 0``.

    Contract (progress.py: the rate and time left are estimated once the steps after the first
    span MIN_SPAN_S = 1 s, "?" until then): a burst of results 0.5 s after the first step (which
    carried the start-up) gives no estimate; 1 s after it, 10 steps make 10.0/s by hand."""
    import io

    from hydro import progress as progress_module

    now = [0.0]
    monkeypatch.setattr(progress_module.time, "perf_counter", lambda: now[0])
    p = progress_module.Progress(100, "evaluations", stream=io.StringIO())
    now[0] = 20.0
    p.update()
    now[0] = 20.5
    p.update(10)
    assert "?/s" in p.line() and "left ~?" in p.line()
    now[0] = 21.0
    assert "10.0/s" in p.line()


def test_a_quiet_bar_draws_nothing_even_on_a_terminal():
    """Mutant PR04: hydro/progress.py, Progress.finish, ``if self.quiet: return`` removed.

    Documented: "silent when quiet" (--quiet: no progress).  On a terminal finish() redraws the
    final bar and prints its message; a quiet bar must do neither (updates and finish alike)."""
    import io

    from hydro.progress import Progress

    class Terminal(io.StringIO):
        def isatty(self):
            return True

    quiet, loud = Terminal(), Terminal()
    for stream, flag in ((quiet, True), (loud, False)):
        p = Progress(3, "members", quiet=flag, stream=stream)
        p.update(3)
        p.finish("3 members done")
    assert quiet.getvalue() == ""
    assert "3/3 members" in loud.getvalue() and loud.getvalue().endswith("3 members done\n")  # the control


def test_a_quiet_ensemble_prints_nothing_on_stdout(monkeypatch, capsys, tmp_path):
    """Mutant EN03: hydro/ensemble.py, ensemble_command, ``if not quiet: click.echo("written: ...")`` ->
    always echoed.

    Contract of ``-q`` ("nothing on stdout, as every command's -q"): the members are stood in for
    (write_ensemble returns no failure), so only the command body's own output is checked."""
    import hydro.ensemble as ens

    monkeypatch.setattr(ens, "write_ensemble", lambda *a, **k: {})
    common = dict(overrides=(), workers=1, scheduler=None, dask_workers=None, output=None, overwrite=False,
                  history="")
    ens.ensemble_command("watershed", 2, 1, tmp_path / "e.nc", None, None, quiet=True, **common)
    assert capsys.readouterr().out == ""
    ens.ensemble_command("watershed", 2, 1, tmp_path / "e.nc", None, None, quiet=False, **common)
    assert capsys.readouterr().out.strip() == f"written: {tmp_path / 'e.nc'}"


def test_pool_workers_leave_ctrl_c_to_the_parent():
    """Mutant W01: hydro/workers.py, worker_init, ``signal(SIGINT, SIG_IGN)`` -> ``SIG_DFL``.

    Documented (workers.py: "Ctrl-C is left to the parent"): a terminal's Ctrl-C reaches the whole
    process group, and a worker that took it would print its own KeyboardInterrupt traceback.  The
    signal tests of tests/test_faults.py signal the parent only, so they cannot see this; here a
    task reads its worker's SIGINT disposition (SIGTERM: the default, the worker dies on it)."""
    import signal

    from hydro.batch import ProcessExecutor

    executor = ProcessExecutor(2)
    try:
        got = dict(executor.run(signal.getsignal, [signal.SIGINT, signal.SIGTERM]))
    finally:
        executor.close()
    assert got[0].ok and got[1].ok, (got[0].error, got[1].error)
    assert got[0].value == signal.SIG_IGN and got[1].value == signal.SIG_DFL


# ------------------------------------------------------------------ the hydro calibrate command


def _stub_calibrate(monkeypatch, best):
    """hydro.calibration.runner.calibrate replaced by one returning a run whose best record is
    ``best`` (None: every evaluation failed); what was passed is recorded."""
    import hydro.calibration.runner as runner

    seen = {}

    def fake(cfg, folder, **options):
        seen.update(options, folder=folder)
        summary = {"evaluations": 2, "evaluated_now": 2, "resumed": 0, "failed": 2 if best is None else 0,
                   "seconds": 0.1, "executor": "serial", "workers": 1}
        return runner.CalibrationResult(folder, best, [], summary)

    monkeypatch.setattr(runner, "calibrate", fake)
    return seen


def _invoke(args):
    from click.testing import CliRunner

    from hydro.calibration.cli import calibrate_command
    from hydro.cli import _Group

    group = _Group("hydro")
    group.add_command(calibrate_command)
    return CliRunner().invoke(group, ["calibrate", *map(str, args)])


def test_a_run_where_every_evaluation_failed_exits_with_status_1(tmp_path, monkeypatch):
    """Mutant CL01: hydro/calibration/cli.py, calibrate_command, ``sys.exit(1)`` after "every evaluation
    failed" removed.

    A run that found no parameters must not look like a success to a script or a job scheduler:
    exit status 1 and the message on stderr (docs: errors go to stderr, even with -q)."""
    _stub_calibrate(monkeypatch, None)
    res = _invoke([_write(tmp_path), "-q", "-o", tmp_path / "out"])
    assert res.exit_code == 1
    assert "every evaluation failed" in res.output


def test_the_resume_note_is_only_for_resume(tmp_path, monkeypatch):
    """Mutant CL03: hydro/calibration/cli.py, calibrate_command, ``if resume and not run.json exists`` ->
    ``if not run.json exists``.

    The note "--resume: ... holds no run to continue" warns of a mistyped folder given with
    --resume; a plain new run has nothing to be warned about (and -q leaves only real notes)."""
    best = {"loss": 0.1, "params": {"x1": 300.0}, "scores": {"calibration": {"q:nse": 0.9}}}
    seen = _stub_calibrate(monkeypatch, best)
    res = _invoke([_write(tmp_path), "-q", "-o", tmp_path / "new"])
    assert res.exit_code == 0, res.output
    assert res.output == "" and seen["resume"] is False
    res = _invoke([_write(tmp_path), "-q", "--resume", "-o", tmp_path / "typo"])
    assert res.exit_code == 0 and "holds no run to continue" in res.output


# ------------------------------------------------------------------ models and twins


def test_flow_sources_concentration_is_load_over_flow_in_consistent_units():
    """Mutant MD02: hydro/calibration/flowsources.py, FlowSources.run,
    ``load / (KG_PER_DAY_PER_M3S_MGL * q)`` -> ``load / q``.

    The existing Lamprey test rescored the model's own output, so a unit slip passed.  By hand:
    1 m3 s-1 carries 86 400 000 L d-1, so 1 kg d-1 in it is 1e6 mg / 8.64e7 L = 1/86.4 mg L-1
    (C = L / (86.4 Q)); and the depth of the observed flow over the catchment is
    q = 86.4 Q / A mm d-1 (1 m3 s-1 over 1 km2 is 86 400 m3 / 1e6 m2 = 0.0864 m = 86.4 mm a day),
    which the Lyne-Hollick filter only splits: quick + base = q.  Tolerance: one or two roundings."""
    from hydro.calibration.flowsources import FlowSources

    model = FlowSources.from_toml(ROOT / "validation" / "calibration" / "lamprey" / "model.toml")
    out = model.run([], date(2001, 1, 1), date(2001, 12, 31))
    q, load, conc = out["discharge"], out["tn_load"], out["tn_concentration"]
    assert q.size == 365 and (q > 0).all() and (load > 0).all()
    np.testing.assert_allclose(conc, load / (86.4 * q), rtol=1e-13)
    np.testing.assert_allclose(out["quickflow_mm"] + out["baseflow_mm"], 86.4 * q / 548.0, rtol=1e-9)


def test_the_rating_curve_recovers_an_exact_power_law():
    """Mutant MD04: hydro/calibration/flowsources.py, rating_curve, ``b, a = np.polyfit(...)`` -> ``a, b = ...``.

    Documented: ``ln C = a + b ln Q`` (C = exp(a) Q^b).  Samples made exactly from a = 1, b = 0.5
    (C = e sqrt(Q)) give back a = 1 and b = 0.5 up to least-squares round-off (1e-10), and the
    curve's value at Q = 4 is 2e by hand."""
    import math

    from hydro.calibration.flowsources import rating_curve

    q = np.array([0.5, 1.0, 2.0, 8.0, 30.0])
    fit = rating_curve(q, math.e * np.sqrt(q))
    assert fit.a == pytest.approx(1.0, abs=1e-10) and fit.b == pytest.approx(0.5, abs=1e-10) and fit.n == 5
    assert float(fit(np.array([4.0]))[0]) == pytest.approx(2.0 * math.e, rel=1e-10)


def test_the_lumped_twin_calibrates_on_two_thirds_of_its_years(tmp_path):
    """Mutant T02: hydro/calibration/twin.py, make_lumped_twin, ``(last - first + 1) * 2 // 3`` -> ``// 3``.

    Documented: "NSE and KGE on the first two thirds, validation on the rest; one warm-up year".
    With years=7 the record is 1980..1986; after the warm-up year 1980 the six years 1981..1986
    split into calibration 1981..1984 and validation 1985..1986."""
    from hydro.calibration.twin import make_lumped_twin

    config, _ = make_lumped_twin(tmp_path, years=7, max_evaluations=60)
    periods = CalibrationConfig.from_toml(config).periods
    assert periods.warmup_start == date(1980, 1, 1)
    assert periods.calibration == (date(1981, 1, 1), date(1984, 12, 31))
    assert periods.validation == (date(1985, 1, 1), date(1986, 12, 31))
