"""Consistency with continuity, the discrete maximum principle and exact budgets on
random tree networks whose flows, storage, lateral inflows, withdrawals and
reservoirs change every day (hypothesis property tests).

A scheme is consistent with continuity (Gross et al. 2002, Ocean Modelling 4)
when a uniform concentration stays uniform under any flow field that satisfies
the discrete water balance; a finite-volume scheme that keeps masses but jumps
volumes to each day's hydraulic geometry is not.
"""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from hydro.network import Network, Reach, Reservoir
from hydro.transport import Constituent, TransportInputs, simulate
from hydro.validation.problems import empty_inputs

DAY = 86400.0


def varying_case(seed: int, n_reach: int, n_day: int, *, reservoir: bool = True, withdrawals: bool = True,
                 storage: bool = True, dispersion: bool = True, sigma: float = 0.5):
    """A random tree whose water balances close every day, element by element.

    Reach flows vary from day to day by a log-normal factor of spread ``sigma``;
    each reach stores or releases water (``q_out = q_in + lateral - dS/dt``),
    some reaches lose water to withdrawals, and the reservoir's volume follows
    its own balance (inflow minus release).  Returns (network, inputs keyword
    dict, gross lateral inflow water (D, R), local reservoir inflow (D, S)).
    """
    rng = np.random.default_rng(seed)
    ids = [f"r{i}" for i in range(n_reach)]
    res_at = int(rng.integers(0, n_reach - 1)) if reservoir and n_reach > 1 else -1
    reaches, res = [], []
    for i in range(n_reach):
        if i == n_reach - 1:
            down = None
        else:
            down = "lake" if i == res_at else ids[int(rng.integers(i + 1, min(n_reach, i + 3)))]
        reaches.append(Reach(id=ids[i], name=ids[i], length_m=float(rng.uniform(1e3, 3e4)), downstream=down,
                             velocity_coeff=float(rng.uniform(0.1, 0.6)), velocity_exp=float(rng.uniform(0, 0.5)),
                             width_coeff=5.0, width_exp=0.4,
                             dispersion_m2_s=float(rng.uniform(0, 60)) if dispersion else 0.0,
                             n_cells=int(rng.integers(1, 7))))
    if res_at >= 0:
        below = ids[int(rng.integers(res_at + 1, n_reach))]
        res.append(Reservoir(id="lake", name="lake", downstream=below, level_m=(0.0, 50.0),
                             area_m2=(1e5, 2e6), storage_m3=(0.0, 5e7), full_supply_level_m=45.0,
                             dead_storage_m3=0.0, initial_storage_m3=2e6,
                             target_release_m3_s=(1.0,) * 12, ecological_min_m3_s=0.0))
    net = Network(tuple(reaches), tuple(res))
    lay = net.layout
    factor = np.exp(sigma * rng.standard_normal((n_day, n_reach)))
    gross = rng.uniform(0.05, 3.0, (1, n_reach)) * factor  # lateral inflow water, m3/s
    withdrawal = np.zeros((n_day, n_reach))
    if withdrawals:
        withdrawal[:, rng.random(n_reach) < 0.4] = 1.0
    boundary = np.where(lay.headwater, rng.uniform(0.2, 4.0, (1, n_reach)) * factor, 0.0)
    local = rng.uniform(0.0, 2.0, (n_day, len(res)))
    release = rng.uniform(0.5, 3.0, (n_day, len(res)))
    q_in = np.zeros((n_day, n_reach))
    q_out = np.zeros((n_day, n_reach))
    net_lat = np.zeros((n_day, n_reach))
    res_volume = np.full((n_day + 1, len(res)), 2e6)
    for d in range(n_day):
        into = boundary[d].copy()
        res_in = local[d].copy()
        for kind, j in lay.order:
            if kind == 1:
                q_in[d, j] = into[j]
                avail = into[j] + gross[d, j]
                withdrawal[d, j] *= 0.3 * avail  # a share of what is there
                # storage change: up to a fifth of what the reach holds, in or out, a day
                held = reaches[j].length_m * float(reaches[j].cross_section_m2(avail))
                ds = rng.uniform(-0.2, 0.2) * held / DAY if storage else 0.0
                net_lat[d, j] = gross[d, j] - withdrawal[d, j]
                q_out[d, j] = into[j] + net_lat[d, j] - ds
                if lay.reach_down_kind[j] == 1:
                    into[lay.reach_down_index[j]] += q_out[d, j]
                elif lay.reach_down_kind[j] == 2:
                    res_in[lay.reach_down_index[j]] += q_out[d, j]
            else:
                res_volume[d + 1, j] = res_volume[d, j] + DAY * (res_in[j] - release[d, j])
                into[lay.res_down_index[j]] += release[d, j]
    kw = empty_inputs(net, n_day, 1, q_in, q_out)
    kw["lateral"] = net_lat
    kw["withdrawal"] = withdrawal
    if res:
        kw["res_volume"] = res_volume
        kw["res_outflow"] = release
        kw["res_area"] = np.full((n_day, 1), 1.5e6)
    return net, kw, gross, local, boundary


def uniform_inputs(kw, gross, local, boundary, c0=1.0):
    """Every input and the initial state at concentration ``c0`` (g m-3)."""
    kw = dict(kw)
    n_day, n_reach = kw["q_in"].shape
    kw["init_conc"] = np.full_like(kw["init_conc"], c0)
    kw["init_res_conc"] = np.full_like(kw["init_res_conc"], c0)
    kw["lateral_load"] = (c0 * gross)[:, :, None]
    kw["boundary_flux"] = (c0 * boundary)[:, :, None]
    kw["boundary_conc"] = np.full((n_day, n_reach, 1), c0)
    kw["res_load"] = (c0 * local)[:, :, None]
    return kw


CASES = st.tuples(st.integers(0, 10_000), st.integers(1, 25), st.integers(1, 8), st.booleans(), st.booleans())


@settings(max_examples=40, deadline=None)
@given(CASES)
def test_uniform_field_stays_uniform_under_any_flows(case):
    seed, n_reach, n_day, disp, res = case
    net, kw, gross, local, boundary = varying_case(seed, n_reach, n_day, dispersion=disp, reservoir=res)
    kw = uniform_inputs(kw, gross, local, boundary)
    kw["dispersive_inlet"] = net.layout.headwater & (np.arange(n_reach) % 2 == 0)
    tr = simulate(net, [Constituent("c", "c")], TransportInputs(**kw))
    # round-off only: a few hundred sub-steps of ~1e-16 relative each
    np.testing.assert_allclose(tr.final_concentration, 1.0, rtol=1e-12)
    np.testing.assert_allclose(tr.reach_concentration, 1.0, rtol=1e-12)
    np.testing.assert_allclose(tr.section_concentration, 1.0, rtol=1e-12)
    if tr.reservoir_concentration.size:
        np.testing.assert_allclose(tr.reservoir_concentration, 1.0, rtol=1e-12)


def test_halving_and_doubling_flow_keeps_the_concentration():
    """The reviewer's reproduction: a reach whose flow halves then doubles overnight."""
    reach = Reach(id="r", name="r", length_m=20_000.0, downstream=None, velocity_coeff=0.3, velocity_exp=0.4,
                  width_coeff=8.0, width_exp=0.4, dispersion_m2_s=5.0, n_cells=10)
    net = Network((reach,))
    q = np.array([10.0, 5.0, 10.0, 20.0])[:, None]
    kw = empty_inputs(net, 4, 1, q)
    kw["init_conc"][:] = 1.0
    kw["boundary_flux"] = q[:, :, None] * 1.0
    tr = simulate(net, [Constituent("c", "c")], TransportInputs(**kw))
    np.testing.assert_allclose(tr.reach_concentration[:, 0, 0], 1.0, rtol=1e-13)


@settings(max_examples=40, deadline=None)
@given(CASES)
def test_no_concentration_leaves_the_range_of_its_inputs(case):
    seed, n_reach, n_day, disp, res = case
    net, kw, gross, local, boundary = varying_case(seed, n_reach, n_day, dispersion=disp, reservoir=res)
    rng = np.random.default_rng(seed + 1)
    lo, hi = 0.5, 3.0
    kw = uniform_inputs(kw, gross, local, boundary)
    kw["init_conc"] = rng.uniform(lo, hi, kw["init_conc"].shape)
    kw["init_res_conc"] = rng.uniform(lo, hi, kw["init_res_conc"].shape)
    kw["lateral_load"] = kw["lateral_load"] * rng.uniform(lo, hi, kw["lateral_load"].shape)
    kw["boundary_conc"] = rng.uniform(lo, hi, kw["boundary_conc"].shape)
    kw["boundary_flux"] = kw["boundary_flux"] * kw["boundary_conc"]
    kw["res_load"] = kw["res_load"] * rng.uniform(lo, hi, kw["res_load"].shape)
    kw["dispersive_inlet"] = net.layout.headwater & (rng.random(n_reach) < 0.5)
    tr = simulate(net, [Constituent("c", "c")], TransportInputs(**kw), courant=1.0)
    eps = 1e-12 * hi  # round-off
    for a in (tr.final_concentration, tr.reach_concentration, tr.section_concentration,
              tr.reservoir_concentration):
        if a.size:
            assert a.min() >= lo - eps and a.max() <= hi + eps


@settings(max_examples=30, deadline=None)
@given(CASES, st.integers(2, 6))
def test_mass_closes_and_tags_add_up_under_varying_flows(case, n_tag):
    seed, n_reach, n_day, disp, res = case
    net, kw, gross, local, boundary = varying_case(seed, n_reach, n_day, dispersion=disp, reservoir=res)
    rng = np.random.default_rng(seed + 2)
    kw = uniform_inputs(kw, gross, local, boundary)
    shares = rng.dirichlet(np.ones(n_tag), size=3)
    kw_tags = dict(kw)
    for key, share in (("lateral_load", shares[0]), ("boundary_flux", shares[1]), ("res_load", shares[2])):
        kw_tags[key] = kw[key] * share
    kw_tags["boundary_conc"] = kw["boundary_conc"] * shares[1]
    kw_tags["init_conc"] = kw["init_conc"] * shares[0]
    kw_tags["init_res_conc"] = kw["init_res_conc"] * shares[0]
    kw_tags["point_load"] = np.zeros(kw["point_load"].shape[:2] + (n_tag,))
    kw_tags["period_of_day"] = (np.arange(n_day) >= max(1, n_day // 2)).astype(np.int64)
    kw["period_of_day"] = kw_tags["period_of_day"]
    tracer = dict(river_removal_per_day=0.4, reservoir_removal_per_day=0.05, settling_velocity_m_per_day=0.1)
    whole = simulate(net, [Constituent("c", "c", **tracer)], TransportInputs(**kw))
    tags = simulate(net, [Constituent(f"c{k}", "c", **tracer) for k in range(n_tag)], TransportInputs(**kw_tags),
                    groups=[n_tag])
    # budgets close to round-off relative to the mass that passed through
    assert whole.closure("network") < 1e-12
    assert whole.closure("reach") < 1e-12
    assert tags.closure("network") < 1e-12
    # tags add up to the constituent: round-off of the share split
    np.testing.assert_allclose(tags.reach_load.sum(axis=2), whole.reach_load[:, :, 0], rtol=1e-11, atol=1e-14)
    np.testing.assert_allclose(tags.final_concentration.sum(axis=1), whole.final_concentration[:, 0],
                               rtol=1e-11, atol=1e-14)
