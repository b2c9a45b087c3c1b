"""Tests for hydro.metrics: published values, a naive reference, properties, bad input."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from hydro import metrics
from hydro.errors import HydroError
from hydro.metrics import METRICS, kge_components, metric

# HydroErr's test vectors and expected values: BYU-Hydroinformatics/HydroErr,
# HydroErr/tests/tests.py (v1.24), setUp(), test_nse, test_rmse, test_pearson_r,
# test_kge_2009 and test_kge_2012 (tuples are (r, alpha|gamma, beta, kge)).
SIM = [5, 7, 9, 2, 4.5, 6.7]
OBS = [4.7, 6, 10, 2.5, 4, 6.8]
HYDROERR = {
    "nse": 0.923333988598388,
    "rmse": 0.6582805886043833,
    "kge_2009": 0.9181073779138655,
    "kge_2012": 0.9132923608280753,
}
HYDROERR_KGE_2009_TUPLE = (0.9615951377405804, 0.927910707932087, 1.0058823529411764, 0.9181073779138655)
HYDROERR_KGE_2012_TUPLE = (0.9615951377405804, 0.9224843295231272, 1.0058823529411764, 0.9132923608280753)
# Hand-derived from the same vectors (HydroErr has no PBIAS or RSR):
#   sum(obs) = 34, sum(sim) = 34.2           -> PBIAS = 100 * 0.2 / 34 = 10/17 %
#   errors 0.3, 1, -1, -0.5, 0.5, -0.1       -> SSE = 13/5, RMSE = sqrt(13/30)
#   sum(obs^2) - 34^2/6 = 5087/150           -> NSE = 4697/5087, RSR = sqrt(390/5087)
HAND = {
    "pbias": 10.0 / 17.0,
    "rsr": math.sqrt(390.0 / 5087.0),
    "rmse": math.sqrt(13.0 / 30.0),
    "nse": 4697.0 / 5087.0,
}
TOL = 1e-12


# --------------------------------------------------------------------------- naive reference
# Slow, obvious implementations on Python floats with math.fsum, written from the
# formulas in the papers, to compare with the vectorised ones.

def _naive_pairs(sim, obs):
    return [(float(s), float(o)) for s, o in zip(sim, obs) if not (math.isnan(s) or math.isnan(o))]


def naive_nse(sim, obs):
    p = _naive_pairs(sim, obs)
    mo = math.fsum(o for _, o in p) / len(p)
    return 1.0 - math.fsum((s - o) ** 2 for s, o in p) / math.fsum((o - mo) ** 2 for _, o in p)


def naive_log_nse(sim, obs):
    p = _naive_pairs(sim, obs)
    eps = math.fsum(o for _, o in p) / len(p) / 100.0
    return naive_nse([math.log(s + eps) for s, _ in p], [math.log(o + eps) for _, o in p])


def naive_kge(sim, obs, version):
    p = _naive_pairs(sim, obs)
    n = len(p)
    ms = math.fsum(s for s, _ in p) / n
    mo = math.fsum(o for _, o in p) / n
    ss = math.sqrt(math.fsum((s - ms) ** 2 for s, _ in p) / n)
    so = math.sqrt(math.fsum((o - mo) ** 2 for _, o in p) / n)
    # r of a constant simulation is taken as 0, the documented rule of hydro.metrics
    r = math.fsum((s - ms) * (o - mo) for s, o in p) / n / (ss * so) if ss > 0 else 0.0
    v = ss / so if version == 2009 else (ss / ms) / (so / mo)
    b = ms / mo
    return r, v, b, 1.0 - math.sqrt((r - 1) ** 2 + (v - 1) ** 2 + (b - 1) ** 2)


def naive_pbias(sim, obs):
    p = _naive_pairs(sim, obs)
    return 100.0 * math.fsum(s - o for s, o in p) / math.fsum(o for _, o in p)


def naive_rmse(sim, obs):
    p = _naive_pairs(sim, obs)
    return math.sqrt(math.fsum((s - o) ** 2 for s, o in p) / len(p))


def naive_rsr(sim, obs):
    p = _naive_pairs(sim, obs)
    mo = math.fsum(o for _, o in p) / len(p)
    return naive_rmse(sim, obs) / math.sqrt(math.fsum((o - mo) ** 2 for _, o in p) / len(p))


NAIVE = {
    "nse": naive_nse,
    "log_nse": naive_log_nse,
    "kge_2009": lambda s, o: naive_kge(s, o, 2009)[3],
    "kge_2012": lambda s, o: naive_kge(s, o, 2012)[3],
    "pbias": naive_pbias,
    "rmse": naive_rmse,
    "rsr": naive_rsr,
}


# --------------------------------------------------------------------------- published values

@pytest.mark.parametrize("name", sorted(HYDROERR))
def test_reproduces_hydroerr_published_values(name):
    got = METRICS[name](SIM, OBS)
    assert abs(got - HYDROERR[name]) <= TOL, f"{name}: got {got!r}, HydroErr {HYDROERR[name]!r}"


@pytest.mark.parametrize("version, expected", [(2009, HYDROERR_KGE_2009_TUPLE),
                                               (2012, HYDROERR_KGE_2012_TUPLE)])
def test_kge_components_reproduce_hydroerr_return_all(version, expected):
    got = kge_components(SIM, OBS, version=version)
    for label, g, e in zip(("r", "variability", "beta", "kge"), got, expected):
        assert abs(g - e) <= TOL, f"kge_{version} {label}: got {g!r}, HydroErr {e!r}"


@pytest.mark.parametrize("name", sorted(HAND))
def test_matches_hand_derived_values(name):
    got = METRICS[name](SIM, OBS)
    assert abs(got - HAND[name]) <= TOL, f"{name}: got {got!r}, by hand {HAND[name]!r}"


def test_pbias_sign_positive_means_overestimation():
    obs = [1.0, 2.0, 3.0, 4.0]
    assert metrics.pbias([x * 1.1 for x in obs], obs) == pytest.approx(10.0, abs=1e-12)
    assert metrics.pbias([x * 0.9 for x in obs], obs) == pytest.approx(-10.0, abs=1e-12)
    # hydroGOF man/pbias.Rd example: obs = 1:10, sim = 2:11 -> 100 * 10 / 55
    assert metrics.pbias(list(range(2, 12)), list(range(1, 11))) == pytest.approx(1000 / 55, abs=1e-12)


def test_nan_pairs_in_hydroerr_vectors_are_dropped():
    sim = [np.nan, 5, 7, 1.0, 9, 2, np.nan, 4.5, 6.7]
    obs = [3.0, 4.7, 6, np.nan, 10, 2.5, np.nan, 4, 6.8]
    for name, published in HYDROERR.items():
        assert abs(METRICS[name](sim, obs) - published) <= TOL, name


def test_log_nse_matches_naive_and_epsilon_rule():
    expected = naive_log_nse(SIM, OBS)
    assert abs(metrics.log_nse(SIM, OBS) - expected) <= TOL
    eps = np.mean(OBS) / 100
    assert metrics.log_nse(SIM, OBS, epsilon=eps) == metrics.log_nse(SIM, OBS)
    # epsilon = 0 gives the plain NSE of logarithms
    assert abs(metrics.log_nse(SIM, OBS, epsilon=0.0)
               - naive_nse(np.log(SIM), np.log(OBS))) <= TOL


def test_log_nse_accepts_zeros_thanks_to_epsilon():
    obs = [0.0, 0.5, 1.0, 2.0, 0.0]
    sim = [0.0, 0.4, 1.2, 1.8, 0.1]
    value = metrics.log_nse(sim, obs)
    assert math.isfinite(value)
    assert abs(value - naive_log_nse(sim, obs)) <= TOL


def test_constant_simulation_has_zero_correlation():
    obs = [1.0, 2.0, 3.0, 4.0]
    got = kge_components([2.5] * 4, obs, version=2009)
    assert got.r == 0.0 and got.variability == 0.0 and got.beta == 1.0
    assert got.kge == pytest.approx(1.0 - math.sqrt(2.0), abs=1e-15)


# --------------------------------------------------------------------------- properties

# Values on a 0.01 grid in (0, 1000]: concentrations or loads as a file would hold them,
# without near-constant series whose variance is lost to rounding.
value = st.integers(min_value=1, max_value=100_000).map(lambda k: k / 100.0)
pairs = st.lists(st.tuples(value, value), min_size=2, max_size=40)


def _split(p):
    sim = np.array([s for s, _ in p])
    obs = np.array([o for _, o in p])
    assume(obs.min() != obs.max())
    return sim, obs


@settings(max_examples=100, deadline=None)
@given(pairs)
def test_matches_naive_reference(p):
    sim, obs = _split(p)
    for name, ref in NAIVE.items():
        got, expected = METRICS[name](sim, obs), ref(sim, obs)
        assert math.isclose(got, expected, rel_tol=1e-9, abs_tol=1e-9), (name, got, expected)


@settings(max_examples=100, deadline=None)
@given(pairs)
def test_perfect_simulation_is_optimal(p):
    _, obs = _split(p)
    assert metrics.nse(obs, obs) == 1.0
    assert metrics.log_nse(obs, obs) == 1.0
    assert abs(metrics.kge_2009(obs, obs) - 1.0) <= TOL
    assert abs(metrics.kge_2012(obs, obs) - 1.0) <= TOL
    assert metrics.pbias(obs, obs) == 0.0
    assert metrics.rmse(obs, obs) == 0.0
    assert metrics.rsr(obs, obs) == 0.0
    for m in METRICS.values():
        assert abs(m.loss(obs, obs)) <= TOL, m.name


@settings(max_examples=100, deadline=None)
@given(pairs)
def test_nse_of_observed_mean_is_zero(p):
    _, obs = _split(p)
    assert abs(metrics.nse(np.full_like(obs, obs.mean()), obs)) <= TOL


@settings(max_examples=100, deadline=None)
@given(pairs)
def test_rsr_squared_is_one_minus_nse(p):
    sim, obs = _split(p)
    assert math.isclose(metrics.rsr(sim, obs) ** 2, 1.0 - metrics.nse(sim, obs),
                        rel_tol=1e-9, abs_tol=1e-12)


@settings(max_examples=100, deadline=None)
@given(st.data())
def test_invariant_to_permuting_pairs(data):
    sim, obs = _split(data.draw(pairs))
    order = np.array(data.draw(st.permutations(range(len(sim)))))
    for name, m in METRICS.items():
        a, b = m(sim, obs), m(sim[order], obs[order])
        assert math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12), (name, a, b)


@settings(max_examples=100, deadline=None)
@given(st.data())
def test_nan_pairs_are_ignored(data):
    sim, obs = _split(data.draw(pairs))
    n_extra = data.draw(st.integers(min_value=1, max_value=10))
    sim_x, obs_x = list(sim), list(obs)
    for _ in range(n_extra):
        where = data.draw(st.integers(min_value=0, max_value=len(sim_x)))
        which = data.draw(st.sampled_from(["sim", "obs", "both"]))
        other = data.draw(value)
        sim_x.insert(where, np.nan if which in ("sim", "both") else other)
        obs_x.insert(where, np.nan if which in ("obs", "both") else other)
    for name, m in METRICS.items():
        assert m(sim_x, obs_x) == m(sim, obs), name


# --------------------------------------------------------------------------- bad input

ALL = sorted(METRICS)
SERIES = [n for n in ALL if METRICS[n].min_pairs == 2]   # metrics of a series (mare, max_are take 1)
NEEDS_VARYING_OBS = ["kge_2009", "kge_2012", "log_nse", "nse", "rsr"]


@pytest.mark.parametrize("name", ALL)
def test_shape_mismatch_is_hydro_error(name):
    with pytest.raises(HydroError, match=rf"{name}: sim has shape \(3,\) but obs has shape \(4,\)"):
        METRICS[name]([1.0, 2.0, 3.0], [1.0, 2.0, 3.0, 4.0])


@pytest.mark.parametrize("name", ALL)
def test_two_dimensional_input_is_hydro_error(name):
    a = np.arange(1.0, 7.0).reshape(2, 3)
    with pytest.raises(HydroError, match=f"{name}: .*one-dimensional"):
        METRICS[name](a, a)


@pytest.mark.parametrize("name", SERIES)
@pytest.mark.parametrize("sim, obs", [
    ([np.nan, np.nan, np.nan], [1.0, 2.0, 3.0]),
    ([1.0, np.nan, 3.0], [np.nan, 2.0, 4.0]),
    ([1.0], [2.0]),
    ([], []),
])
def test_fewer_than_two_valid_pairs_is_hydro_error(name, sim, obs):
    with pytest.raises(HydroError, match=f"{name}: only [01] pair.*at least 2 are needed"):
        METRICS[name](sim, obs)


@pytest.mark.parametrize("name", ["mare", "max_are"])
def test_relative_errors_need_one_pair_and_no_zero_observation(name):
    assert METRICS[name].min_pairs == 1
    assert METRICS[name]([1.0, np.nan], [2.0, 4.0]) == pytest.approx(50.0)
    for sim, obs in (([np.nan, 1.0], [1.0, np.nan]), ([], [])):
        with pytest.raises(HydroError, match=f"{name}: only 0 pair.*at least 1 is needed"):
            METRICS[name](sim, obs)
    with pytest.raises(HydroError, match=f"{name}: an observation is zero"):
        METRICS[name]([1.0, 2.0], [1.0, 0.0])


@pytest.mark.parametrize("name", NEEDS_VARYING_OBS)
def test_constant_observations_is_hydro_error(name):
    with pytest.raises(HydroError, match=f"{name}: the 3 valid observations are all equal.*variance is zero"):
        METRICS[name]([1.0, 2.0, 3.0], [2.0, 2.0, 2.0])


@pytest.mark.parametrize("name", sorted(set(ALL) - set(NEEDS_VARYING_OBS)))
def test_constant_observations_allowed_where_defined(name):
    assert math.isfinite(METRICS[name]([1.0, 2.0, 3.0], [2.0, 2.0, 2.0]))


@pytest.mark.parametrize("name", ["kge_2009", "kge_2012"])
def test_kge_zero_observed_mean_is_hydro_error(name):
    with pytest.raises(HydroError, match=f"{name}: the mean of the observations is zero"):
        METRICS[name]([1.0, 2.0, 3.0], [-1.0, 0.0, 1.0])


def test_kge_2012_zero_simulated_mean_is_hydro_error_but_2009_is_defined():
    with pytest.raises(HydroError, match="kge_2012: the mean of the simulation is zero.*kge_2009"):
        metrics.kge_2012([-1.0, 0.0, 1.0], [1.0, 2.0, 3.0])
    assert math.isfinite(metrics.kge_2009([-1.0, 0.0, 1.0], [1.0, 2.0, 3.0]))


def test_pbias_zero_observed_sum_is_hydro_error():
    with pytest.raises(HydroError, match="pbias: the sum of the observations is zero"):
        metrics.pbias([1.0, 2.0], [-1.0, 1.0])


@pytest.mark.parametrize("name", ALL)
def test_infinite_values_are_hydro_error(name):
    with pytest.raises(HydroError, match=rf"{name}: sim holds 1 infinite value\(s\) \(first at index 3\)"):
        METRICS[name]([np.nan, 1.0, 2.0, np.inf], [1.0, 2.0, 3.0, 4.0])


def test_log_nse_rejects_non_positive_values():
    with pytest.raises(HydroError, match="log_nse: sim has a value of -5"):
        metrics.log_nse([-5.0, 1.0, 2.0], [1.0, 2.0, 3.0])
    with pytest.raises(HydroError, match="log_nse: obs has a value of 0"):
        metrics.log_nse([1.0, 1.0, 2.0], [0.0, 2.0, 3.0], epsilon=0.0)
    for bad in (-1.0, math.nan, math.inf):
        with pytest.raises(HydroError, match="log_nse: epsilon must be"):
            metrics.log_nse(SIM, OBS, epsilon=bad)


def test_non_numeric_input_is_type_error():
    with pytest.raises(TypeError, match="nse: sim and obs must be sequences of numbers"):
        metrics.nse(["a", "b"], [1.0, 2.0])


def test_kge_components_unknown_version():
    with pytest.raises(HydroError, match="version must be 2009 or 2012"):
        kge_components(SIM, OBS, version=2010)


# --------------------------------------------------------------------------- registry

def test_registry_names_and_directions():
    assert set(METRICS) == {"nse", "log_nse", "kge_2009", "kge_2012", "pbias", "rsr", "rmse", "mare",
                            "max_are"}
    for name, m in METRICS.items():
        assert m.name == name and metric(name) is m
    assert {n for n, m in METRICS.items() if m.higher_is_better} == {"nse", "log_nse", "kge_2009", "kge_2012"}
    assert {n for n, m in METRICS.items() if m.higher_is_better is False} == {"rmse", "rsr", "mare",
                                                                            "max_are"}
    assert METRICS["pbias"].higher_is_better is None and METRICS["pbias"].goal == "zero"


def test_loss_orders_like_the_metric():
    obs = np.array([1.0, 3.0, 2.0, 5.0, 4.0])
    good, bad = obs * 1.05, obs[::-1] * 1.5
    for m in METRICS.values():
        assert m.loss(good, obs) < m.loss(bad, obs), m.name
    # a fraction, commensurate with 1 - NSE in a combined loss (review s44 F1); the value stays in %
    assert METRICS["pbias"](obs * 0.9, obs) == pytest.approx(-10.0)
    assert METRICS["pbias"].loss(obs * 0.9, obs) == pytest.approx(0.10)


def test_registry_is_read_only():
    with pytest.raises(TypeError):
        METRICS["mine"] = METRICS["nse"]  # type: ignore[index]


@pytest.mark.parametrize("typo, suggestion", [("nes", "nse"), ("kge2012", "kge_2012"),
                                              ("KGE_2009", "kge_2009"), ("pbais", "pbias")])
def test_unknown_metric_suggests_nearest(typo, suggestion):
    with pytest.raises(HydroError, match=rf"unknown metric '{typo}' \(did you mean '{suggestion}'\?\)"):
        metric(typo)


def test_metric_name_must_be_string():
    with pytest.raises(TypeError, match="metric name must be a string"):
        metric(3)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- validation case

def test_validation_case_passes():
    from hydro.validation.metrics_cases import metrics_hydroerr

    checks = metrics_hydroerr()
    assert len(checks) == 10
    failed = [(c.metric, c.value) for c in checks if not c.passed]
    assert not failed, failed
