"""Muskingum-Cunge reach routing (:mod:`hydro.routing`).

Layers: exact water balances (reaches, reservoirs, and the Muskingum storage
relation of every cell), steady state, a flood wave against the analytical
linear diffusion-wave (Hayami) solution and against a fine-resolution run of the
same scheme, non-negativity on random trees (hypothesis), the limit of very
short reaches (accumulation), and error messages.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.special import erfc, erfcx

from hydro import _routing_kernels as _rk
from hydro._hydraulics_kernels import interp_scalar, reservoir_day
from hydro.errors import HydroError
from hydro.hydraulics import SECONDS_PER_DAY, accumulate
from hydro.network import Network, Reach, Reservoir
from hydro.routing import RoutedHydraulics, route

# Round-off budget for water balances: each reach-day is a few hundred floating
# operations on magnitudes up to the day's gross volume, so the relative error
# is ~1e-13 at worst; 1e-9 (the brief's bound) leaves four orders of margin.
BALANCE_TOL = 1e-9


# ----------------------------------------------------------------------------- helpers
def reach(rid, length_m, downstream, vel=(0.3, 0.3), width=(10.0, 0.4)):
    """A reach with power-law geometry ``v = a Q**b`` (m/s), ``w = a Q**b`` (m)."""
    return Reach(id=rid, name=rid, length_m=float(length_m), downstream=downstream,
                 velocity_coeff=vel[0], velocity_exp=vel[1], width_coeff=width[0],
                 width_exp=width[1], dispersion_m2_s=0.0, n_cells=1)


def chain(lengths, **geometry):
    """Reaches r0 -> r1 -> ... -> outlet."""
    n = len(lengths)
    return Network(tuple(reach(f"r{i}", L, f"r{i + 1}" if i + 1 < n else None, **geometry)
                         for i, L in enumerate(lengths)))


def no_res(n_day):
    """Empty reservoir forcing and months for a network without reservoirs."""
    z = np.zeros((n_day, 0))
    return z, z, z, np.ones(n_day, dtype=np.int64)


def run(net, slope, lateral, boundary, **kw):
    """Route a network without reservoirs."""
    return route(net, slope, lateral, boundary, *no_res(len(lateral)), **kw)


def hayami_cdf(x, t, c, d):
    """First-passage CDF of the linear diffusion wave (unit step at x=0, t=0).

    ``F = 1/2 erfc((x - ct) / (2 sqrt(Dt))) + 1/2 exp(cx/D) erfc((x + ct) / (2 sqrt(Dt)))``,
    the second term via ``erfcx`` to avoid overflow.  ``x`` m, ``t`` s, ``c`` m/s, ``d`` m2/s.
    """
    t = np.asarray(t, dtype=float)
    out = np.zeros_like(t)
    pos = t > 0
    tp = t[pos]
    s = 2.0 * np.sqrt(d * tp)
    a = (x - c * tp) / s
    b = (x + c * tp) / s
    out[pos] = 0.5 * erfc(a) + 0.5 * np.exp(c * x / d - b * b) * erfcx(b)
    return out


def hayami_daily(inflow, base, length, c, d, per_day=288):
    """Daily mean outflow of a semi-infinite linear channel for daily-constant inflow.

    Superposition of step responses; daily means by the midpoint rule with
    ``per_day`` points (error far below the tolerances used).
    """
    n = len(inflow)
    t = (np.arange(n * per_day) + 0.5) * SECONDS_PER_DAY / per_day
    q = np.full_like(t, base)
    prev = base
    for k, value in enumerate(inflow):
        q += (value - prev) * hayami_cdf(length, t - k * SECONDS_PER_DAY, c, d)
        prev = value
    return q.reshape(n, per_day).mean(axis=1)


# ----------------------------------------------------------------------------- (1) balance
def random_tree(rng, n):
    reaches = []
    for i in range(n):
        down = None if i == 0 else f"r{rng.integers(0, i)}"
        reaches.append(reach(f"r{i}", rng.uniform(2e3, 120e3), down,
                             vel=(rng.uniform(0.1, 1.0), rng.uniform(0.0, 0.5)),
                             width=(rng.uniform(2.0, 50.0), rng.uniform(0.0, 0.5))))
    return Network(tuple(reaches))


def test_reach_water_balance_closes_with_floods_and_withdrawals():
    rng = np.random.default_rng(3)
    net = random_tree(rng, 12)
    n_day = 400
    lateral = rng.gamma(0.4, 5.0, size=(n_day, 12))
    lateral[rng.random((n_day, 12)) < 0.1] *= -0.5  # some withdrawals
    boundary = np.zeros((n_day, 12))
    boundary[:, 7] = 20.0 + 200.0 * (rng.random(n_day) < 0.05)
    h = run(net, rng.uniform(1e-4, 3e-3, 12), lateral, boundary)
    assert isinstance(h, RoutedHydraulics)
    err = h.reach_water_balance_error()
    assert err < BALANCE_TOL, f"reach water balance error {err:.3e} >= {BALANCE_TOL}"
    # storage change over the whole run equals the net inflow volume
    total_in = (h.q_in + h.lateral - h.q_out).sum(axis=0) * SECONDS_PER_DAY
    change = h.reach_storage[-1] - h.reach_storage[0]
    scale = (np.abs(h.q_in) + np.abs(h.lateral)).sum(axis=0) * SECONDS_PER_DAY
    np.testing.assert_allclose(change, total_in, rtol=0, atol=BALANCE_TOL * scale.max())
    # routing stores water: q_out - q_in differs from the lateral inflow on some days
    assert np.abs(h.q_out - h.q_in - h.lateral).max() > 1e-3


def test_junction_inflow_is_upstream_outflow_plus_boundary():
    rng = np.random.default_rng(4)
    net = random_tree(rng, 8)
    lateral = rng.gamma(0.5, 3.0, size=(60, 8))
    boundary = rng.uniform(0.0, 5.0, size=(60, 8))
    h = run(net, np.full(8, 1e-3), lateral, boundary)
    expected = boundary.copy()
    for i, r in enumerate(net.reaches):
        if r.downstream is not None:
            expected[:, net.reach_index(r.downstream)] += h.q_out[:, i]
    np.testing.assert_allclose(h.q_in, expected, rtol=1e-14)


def test_cell_storage_obeys_the_muskingum_relation():
    """After a day, every cell holds S = K (X I + (1 - X) O) with the day's K and X.

    Together with the trapezoidal balance this defines the scheme; the relation
    holds to round-off (1e-12 relative) unless an outflow was clipped at zero,
    which cannot happen here (positive inflows).
    """
    n = 5
    out = np.array([30.0, 35.0, 20.0, 25.0, 40.0])
    store = out * 40_000.0
    q_in, lat = 120.0, 10.0
    for _ in range(3):
        q_out, n_t, k, x, _ = _rk.route_reach_day(q_in, lat, out, store, 20_000.0, 0.4, 0.3,
                                               15.0, 0.4, 5e-4, 96)
        inflow = np.concatenate([[q_in], out[:-1]]) + lat / n
        np.testing.assert_allclose(store, k * (x * inflow + (1 - x) * out), rtol=1e-12)
        assert 0.0 <= x <= min(0.5, 0.5 * SECONDS_PER_DAY / n_t / k) + 1e-15
        assert k >= 0.5 * SECONDS_PER_DAY / n_t


# ----------------------------------------------------------------------------- (2) steady
def test_steady_input_stays_exactly_steady_from_the_default_start():
    net = chain([30e3, 80e3, 10e3])
    n_day = 20
    lateral = np.tile([2.0, 5.0, 0.5], (n_day, 1))
    boundary = np.zeros((n_day, 3))
    boundary[:, 0] = 40.0
    h = run(net, np.array([1e-3, 5e-4, 2e-3]), lateral, boundary)
    # round-off only: a few ulps per sub-step
    np.testing.assert_allclose(h.q_out, h.q_in + lateral, rtol=1e-13)
    np.testing.assert_allclose(h.q_in[:, 1:], h.q_out[:, :-1], rtol=1e-14)


def test_steady_input_reaches_steady_state_after_spin_up():
    net = chain([30e3, 80e3, 10e3])
    n_day = 150
    lateral = np.tile([2.0, 5.0, 0.5], (n_day, 1))
    boundary = np.zeros((n_day, 3))
    boundary[:, 0] = 40.0
    h = run(net, np.array([1e-3, 5e-4, 2e-3]), lateral, boundary,
            initial_q=np.array([5.0, 200.0, 0.0]))
    # the start is far from steady ...
    assert abs(h.q_out[0, 1] - (h.q_in[0, 1] + 5.0)) > 1.0
    # ... and the error decays geometrically (factor C2 < 1 per sub-step): after
    # the spin-up the outflow equals inflow plus lateral to round-off
    late = slice(100, None)
    np.testing.assert_allclose(h.q_out[late], h.q_in[late] + lateral[late], rtol=1e-12)
    np.testing.assert_allclose(h.q_out[late, -1], 40.0 + 7.5, rtol=1e-12)


# ----------------------------------------------------------------------------- (3) flood wave
def triangle(n_day, base, peak, start, rise, fall):
    q = np.full(n_day, float(base))
    for d in range(n_day):
        if start <= d < start + rise:
            q[d] = base + (peak - base) * (d - start + 1) / rise
        elif start + rise <= d < start + rise + fall:
            q[d] = peak - (peak - base) * (d - start - rise + 1) / (fall + 1)
    return q


def test_flood_wave_matches_the_linear_diffusion_wave():
    """Constant c and w (exponents 0): the daily means against Hayami's solution.

    c = 1 m/s, w = 100 m, S = 2e-4, base flow 100 m3/s: D = Q/(2wS) = 2500 m2/s
    (+-10 % over the wave, whose amplitude is 20 m3/s).  L = 150 km, L/c = 1.74 d.
    Tolerances, on the error relative to the wave amplitude:
    * fine run (30 cells of 5 km = 2D/c, Cr = 1, X = 0): 1 % (0.2 % measured);
      what is left is D varying with Q (the analytical solution holds D at the
      base flow);
    * default run (2 cells of 75 km, one sub-step): 12 % (8 % measured); at a daily step the
      scheme cannot match D exactly (X is cut to keep C0, C1, C2 >= 0, which adds
      diffusion), so the peak is lower and wider but arrives on time.
    """
    n_day, base, length = 30, 100.0, 150e3
    net = Network((reach("r0", length, None, vel=(1.0, 0.0), width=(100.0, 0.0)),))
    inflow = triangle(n_day, base, base + 20.0, 3, 2, 4)
    boundary = inflow[:, None].copy()
    lateral = np.zeros((n_day, 1))
    slope = np.array([2e-4])
    exact = hayami_daily(inflow, base, length, 1.0, base / (2 * 100.0 * 2e-4))
    coarse = run(net, slope, lateral, boundary).q_out[:, 0]
    fine = run(net, slope, lateral, boundary, sub_reaches=np.array([30])).q_out[:, 0]
    amplitude = inflow.max() - base
    err_fine = np.abs(fine - exact).max() / amplitude
    err_coarse = np.abs(coarse - exact).max() / amplitude
    assert err_fine < 0.01, f"fine run vs Hayami: {err_fine:.3%} of the amplitude\n{fine}\n{exact}"
    assert err_coarse < 0.12, f"default run vs Hayami: {err_coarse:.3%}\n{coarse}\n{exact}"
    # translated by L/c = 1.74 d (within one day) and attenuated
    lag_days = length / 1.0 / SECONDS_PER_DAY
    for q in (coarse, fine, exact):
        assert abs(np.argmax(q) - np.argmax(inflow) - lag_days) <= 1.0
        assert q.max() < inflow.max()
    # volume: what went in came out (the wave has left the reach by the end)
    np.testing.assert_allclose(coarse.sum(), inflow.sum(), rtol=1e-6)


def test_nonlinear_flood_wave_against_fine_resolution():
    """A large wave on power-law geometry: default resolution against 40 cells.

    L = 120 km, v = 0.3 Q**0.3: c = 1.8 m/s at the 400 m3/s peak, 0.85 m/s at the
    35 m3/s base, so the peak travels faster than the base flow.  Peak timing must
    agree within a day, peak height within 5 % (0.14 % measured) and the whole
    hydrograph within 10 % of the wave amplitude (6 % measured: the extra
    diffusion of the daily step, see the linear case).
    """
    n_day, base, length = 40, 10.0, 120e3
    net = Network((reach("r0", length, None),))
    inflow = triangle(n_day, base, 400.0, 5, 2, 6)
    boundary = inflow[:, None].copy()
    lateral = np.full((n_day, 1), 25.0)
    slope = np.array([5e-4])
    coarse = run(net, slope, lateral, boundary)
    fine = run(net, slope, lateral, boundary, sub_reaches=np.array([40]))
    qc, qf = coarse.q_out[:, 0], fine.q_out[:, 0]
    c_peak = 0.3 * 400.0 ** 0.3 / 0.7
    assert abs(np.argmax(qf) - np.argmax(inflow) - length / c_peak / SECONDS_PER_DAY) <= 1.0
    assert abs(int(np.argmax(qc)) - int(np.argmax(qf))) <= 1
    assert qf.max() < inflow.max() + 25.0 and qc.max() < inflow.max() + 25.0
    assert abs(qc.max() - qf.max()) / qf.max() < 0.05
    assert np.abs(qc - qf).max() / (inflow.max() - base) < 0.10


# ----------------------------------------------------------------------------- (4) positivity
@st.composite
def random_case(draw):
    n = draw(st.integers(1, 6))
    n_day = draw(st.integers(1, 25))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    reaches = []
    for i in range(n):
        down = None if i == 0 else f"r{int(rng.integers(0, i))}"
        reaches.append(reach(f"r{i}", 10.0 ** rng.uniform(1.0, 5.5), down,
                             vel=(10.0 ** rng.uniform(-1.5, 0.3), rng.uniform(0.0, 0.7)),
                             width=(10.0 ** rng.uniform(0.0, 2.0), rng.uniform(0.0, 0.7))))
    sparse = rng.random((n_day, n)) < draw(st.floats(0.0, 1.0))
    lateral = np.where(sparse, 0.0, 10.0 ** rng.uniform(-6.0, 3.0, size=(n_day, n)))
    boundary = np.where(rng.random((n_day, n)) < 0.7, 0.0, rng.uniform(0.0, 500.0, (n_day, n)))
    slope = 10.0 ** rng.uniform(-5.0, -1.0, n)
    initial = None if draw(st.booleans()) else rng.uniform(0.0, 300.0, n)
    return Network(tuple(reaches)), slope, lateral, boundary, initial


@settings(max_examples=60, deadline=None)
@given(random_case())
def test_outflows_never_negative_and_balance_closes_on_random_trees(case):
    net, slope, lateral, boundary, initial = case
    h = run(net, slope, lateral, boundary, initial_q=initial)
    assert (h.q_out >= 0).all(), h.q_out.min()
    # a reach that drains completely ends at zero storage give or take round-off
    # of the day's volumes (~1e-16 relative each): allow 1e-12 of the gross volume
    volume = (h.q_in + h.lateral).max(initial=0.0) * SECONDS_PER_DAY + h.reach_storage.max()
    assert (h.reach_storage >= -1e-12 * volume).all(), h.reach_storage.min()
    assert h.reach_water_balance_error() < BALANCE_TOL
    assert (h.substeps >= 1).all() and (h.substeps <= 96).all()


# ----------------------------------------------------------------------------- (5) short reaches
def test_very_short_reaches_reduce_to_accumulation():
    """50 m reaches: travel time 50-100 s, far below a sub-step.

    Each reach then holds about ``Q dt/2`` (K is raised to dt/2, X -> 0), so the
    daily mean outflow lags accumulation by about dt/2 per reach: after a jump
    dQ the daily mean differs by at most ``n_reach * dt/2 / 86400 * dQ`` (dt is
    900 s at the default 96 sub-steps: 0.26 % of the jump per reach).  Doubling
    max_substeps halves the difference.
    """
    rng = np.random.default_rng(7)
    n, n_day = 4, 60
    net = chain([50.0] * n)
    lateral = rng.gamma(0.5, 10.0, size=(n_day, n))
    boundary = np.zeros((n_day, n))
    boundary[:, 0] = rng.uniform(1.0, 100.0, n_day)
    z, _, _, months = no_res(n_day)
    acc = accumulate(net, lateral, boundary, z, z, z, months)
    jump = np.abs(np.diff(acc.q_out, axis=0, prepend=acc.q_out[:1])).max()
    slope = np.full(n, 1e-3)
    diffs = []
    for m in (96, 192):
        h = run(net, slope, lateral, boundary, max_substeps=m)
        diff = np.abs(h.q_out - acc.q_out).max()
        assert diff <= n * 0.5 * SECONDS_PER_DAY / m / SECONDS_PER_DAY * jump, (m, diff, jump)
        diffs.append(diff)
    assert diffs[1] < 0.6 * diffs[0]


# ----------------------------------------------------------------------------- (6) reservoirs
def reservoir_network():
    res = Reservoir(id="lake", name="lake", downstream="below",
                    level_m=(100.0, 110.0, 120.0), area_m2=(1e6, 5e6, 9e6),
                    storage_m3=(0.0, 3e7, 1e8), full_supply_level_m=118.0,
                    dead_storage_m3=2e6, initial_storage_m3=5e7,
                    target_release_m3_s=tuple([15.0] * 6 + [30.0] * 6), ecological_min_m3_s=2.0)
    reaches = (reach("a", 40e3, "lake"), reach("b", 25e3, "a"), reach("c", 60e3, "lake"),
               reach("below", 30e3, None))
    return Network(reaches, (res,))


def test_reservoir_balance_closes_and_links_are_consistent():
    rng = np.random.default_rng(11)
    net = reservoir_network()
    n_day = 365
    lateral = rng.gamma(0.5, 8.0, size=(n_day, 4))
    boundary = np.zeros((n_day, 4))
    local = rng.gamma(0.5, 4.0, size=(n_day, 1))
    evap = rng.uniform(0.0, 6.0, (n_day, 1))
    rain = rng.gamma(0.3, 5.0, (n_day, 1))
    months = (np.arange(n_day) // 31) % 12 + 1
    h = route(net, np.full(4, 8e-4), lateral, boundary, local, evap, rain, months)
    assert h.water_balance_error() < 1e-12  # as for accumulate: round-off of one update
    assert h.reach_water_balance_error() < BALANCE_TOL
    ia, ic, ib = (net.reach_index(k) for k in ("a", "c", "below"))
    np.testing.assert_allclose(h.res_inflow[:, 0], h.q_out[:, ia] + h.q_out[:, ic] + local[:, 0],
                               rtol=1e-14)
    np.testing.assert_allclose(h.q_in[:, ib], h.res_outflow[:, 0], rtol=1e-14)
    # the reservoir is accumulate's own daily balance, fed the routed inflow
    v = net.reservoirs[0].initial_storage_m3
    curve_v = np.array(net.reservoirs[0].storage_m3)
    curve_a = np.array(net.reservoirs[0].area_m2)
    for d in range(n_day):
        target = net.reservoirs[0].target_release_m3_s[months[d] - 1]
        v, rel, spill, evaporated, _ = reservoir_day(
            v, h.res_inflow[d, 0], evap[d, 0], rain[d, 0], target, 2.0, 2e6,
            net.reservoirs[0].full_supply_storage_m3, curve_v, curve_a)
        assert (v, rel, spill, evaporated) == (h.res_volume[d + 1, 0], h.res_release[d, 0],
                                               h.res_spill[d, 0], h.res_evaporated[d, 0])


def test_reservoir_curve_lookup_is_numpy_interp_bit_for_bit():
    # the kernels' scalar lookup replaces np.interp (cheaper to compile): same values
    rng = np.random.default_rng(5)
    for n in (1, 2, 3, 4, 5, 9, 40):
        xp = np.cumsum(rng.uniform(0.1, 5.0, n)) * 1e6
        fp = rng.uniform(0.0, 1e7, n)
        fp[n // 2:n // 2 + 2] = fp[n // 2]  # a flat stretch
        xs = np.concatenate([xp, rng.uniform(xp[0] - 1e6, xp[-1] + 1e6, 200), [np.nan, -np.inf, np.inf]])
        got = np.array([interp_scalar(x, xp, fp) for x in xs])
        np.testing.assert_array_equal(got, np.interp(xs, xp, fp))


# ----------------------------------------------------------------------------- (7) errors
@pytest.fixture
def small():
    net = chain([10e3, 20e3])
    n_day = 5
    return net, np.full(2, 1e-3), np.ones((n_day, 2)), np.zeros((n_day, 2))


def test_negative_slope_names_the_reach(small):
    net, slope, lat, bnd = small
    with pytest.raises(HydroError, match=r"slope of reach 'r1' is -0.002"):
        run(net, np.array([1e-3, -2e-3]), lat, bnd)
    with pytest.raises(HydroError, match=r"reach 'r0'.*> 0"):
        run(net, np.array([0.0, 1e-3]), lat, bnd)


def test_non_finite_inputs_name_reach_and_day(small):
    net, slope, lat, bnd = small
    lat = lat.copy()
    lat[3, 1] = np.nan
    with pytest.raises(HydroError, match=r"lateral is not finite.*reach 'r1', day 3"):
        run(net, slope, lat, bnd)
    with pytest.raises(HydroError, match=r"slope is not finite.*reach 'r0'"):
        run(net, np.array([np.inf, 1e-3]), small[2], bnd)


def test_bad_shapes_and_values(small):
    net, slope, lat, bnd = small
    with pytest.raises(HydroError, match=r"slope: expected shape \(2,\)"):
        run(net, np.full(3, 1e-3), lat, bnd)
    with pytest.raises(HydroError, match=r"lateral: expected shape \(days, 2\)"):
        run(net, slope, np.ones((5, 3)), bnd)
    with pytest.raises(HydroError, match=r"boundary: expected shape \(5, 2\)"):
        run(net, slope, lat, np.zeros((4, 2)))
    neg = bnd.copy()
    neg[2, 0] = -1.0
    with pytest.raises(HydroError, match=r"boundary inflow of reach 'r0'.*day 2"):
        run(net, slope, lat, neg)
    with pytest.raises(HydroError, match=r"initial_q of reach 'r1'"):
        run(net, slope, lat, bnd, initial_q=np.array([1.0, -1.0]))
    with pytest.raises(HydroError, match=r"months"):
        z = np.zeros((5, 0))
        route(net, slope, lat, bnd, z, z, z, np.full(5, 13))
    with pytest.raises(HydroError, match=r"sub_reaches"):
        run(net, slope, lat, bnd, sub_reaches=np.array([0, 2]))
