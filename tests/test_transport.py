"""Transport solver: compiled kernel against the plain-Python reference, and invariants
on random tree networks (hypothesis)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hydro.errors import HydroError
from hydro.network import Network, Reach, Reservoir, Section
from hydro.transport import Constituent, TransportInputs, simulate
from hydro.validation.problems import empty_inputs

import naive_transport


def random_case(seed: int, n_reach: int, n_day: int = 3, n_tracer: int = 2, reservoir: bool = True,
                dispersion: bool = True, withdrawals: bool = False, loads: bool = True):
    """A random tree network with optional reservoir and random daily flows and loads."""
    rng = np.random.default_rng(seed)
    reaches = []
    res = []
    ids = [f"r{i}" for i in range(n_reach)]
    res_at = int(rng.integers(0, n_reach - 1)) if reservoir and n_reach > 1 else -1
    for i in range(n_reach):
        if i == n_reach - 1:
            down = None
        else:
            j = int(rng.integers(i + 1, min(n_reach, i + 3)))
            down = "lake" if i == res_at else ids[j]
        reaches.append(Reach(id=ids[i], name=ids[i], length_m=float(rng.uniform(2e3, 9e3)), downstream=down,
                             velocity_coeff=float(rng.uniform(0.2, 0.5)), velocity_exp=float(rng.uniform(0, 0.4)),
                             width_coeff=5.0, width_exp=0.4,
                             dispersion_m2_s=float(rng.uniform(0, 40)) if dispersion else 0.0,
                             n_cells=int(rng.integers(1, 6))))
    if res_at >= 0:
        below = ids[int(rng.integers(res_at + 1, n_reach))]
        res.append(Reservoir(id="lake", name="lake", downstream=below, level_m=(0.0, 50.0),
                             area_m2=(1e5, 2e6), storage_m3=(0.0, 5e7), full_supply_level_m=45.0,
                             dead_storage_m3=0.0, initial_storage_m3=2e7,
                             target_release_m3_s=(1.0,) * 12, ecological_min_m3_s=0.0))
    sections = tuple(Section(id=f"s{k}", name=f"s{k}", reach=ids[int(rng.integers(0, n_reach))],
                             position=float(rng.uniform(0.05, 1.0))) for k in range(3))
    net = Network(tuple(reaches), tuple(res), sections)
    lay = net.layout
    n_res = len(res)
    lateral = rng.uniform(0.05, 2.0, (n_day, n_reach))
    if withdrawals:
        lateral[:, rng.random(n_reach) < 0.3] *= -0.1
    boundary = np.where(lay.headwater, rng.uniform(0.5, 3.0, (n_day, n_reach)), 0.0)
    # accumulate flows by hand: reservoirs release 1 m3/s, volume follows
    q_in = np.zeros((n_day, n_reach))
    q_out = np.zeros((n_day, n_reach))
    for d in range(n_day):
        into = boundary[d].copy()
        for kind, j in lay.order:
            if kind == 1:
                q_in[d, j] = into[j]
                q_out[d, j] = into[j] + lateral[d, j]
                if lay.reach_down_kind[j] == 1:
                    into[lay.reach_down_index[j]] += q_out[d, j]
            else:
                into[lay.res_down_index[j]] += 1.0
    kw = empty_inputs(net, n_day, n_tracer, q_in, q_out)
    if withdrawals:  # explicit withdrawals too: the lateral inflow is then q_out - q_in + withdrawal
        kw["withdrawal"] = rng.uniform(0.0, 0.5, (n_day, n_reach)) * (rng.random(n_reach) < 0.5)
    if n_res:
        kw["res_volume"] = 2e7 + np.linspace(0, 1e5, n_day + 1)[:, None]
        kw["res_outflow"] = np.ones((n_day, 1))
        kw["res_area"] = np.full((n_day, 1), 1.5e6)
        kw["init_res_conc"] = rng.uniform(0, 2, (1, n_tracer))
    if loads:
        kw["boundary_flux"] = boundary[:, :, None] * rng.uniform(0, 4, (1, n_reach, n_tracer))
        kw["boundary_conc"] = np.where(boundary[:, :, None] > 0, kw["boundary_flux"] / np.maximum(boundary, 1e-9)[:, :, None], 0)
        kw["dispersive_inlet"] = lay.headwater & (rng.random(n_reach) < 0.5)
        kw["lateral_load"] = rng.uniform(0, 20, (n_day, n_reach, n_tracer))
        kw["init_conc"] = rng.uniform(0, 3, (lay.n_cells, n_tracer))
        kw["point_cell"] = rng.integers(0, lay.n_cells, 2)
        kw["point_load"] = rng.uniform(0, 10, (n_day, 2, n_tracer))
        if n_res:
            kw["res_load"] = rng.uniform(0, 5, (n_day, 1, n_tracer))
    kw["reach_temp"] = rng.uniform(2, 28, (n_day, n_reach))
    kw["res_temp"] = rng.uniform(2, 28, (n_day, n_res))
    kw["period_of_day"] = (np.arange(n_day) >= n_day // 2).astype(np.int64)
    tracers = [Constituent(f"c{t}", "c", river_removal_per_day=0.3, river_theta=1.05,
                           reservoir_removal_per_day=0.02, settling_velocity_m_per_day=0.1)
               for t in range(n_tracer)]
    return net, tracers, kw


# ----------------------------------------------------------------------------- reference
@pytest.mark.parametrize("seed", range(6))
def test_kernel_matches_plain_python_reference(seed):
    net, tracers, kw = random_case(seed, n_reach=5, withdrawals=seed % 2 == 1)
    if seed % 2 == 0:  # reaches that store and release water: volumes change by their balance
        rng = np.random.default_rng(seed)
        kw["lateral"] = kw["q_out"] - kw["q_in"] + rng.uniform(-0.3, 0.3, kw["q_in"].shape)
    inputs = TransportInputs(**kw)
    groups = [2] if seed % 3 == 0 else None  # tags of one constituent, or independent tracers
    fast = simulate(net, tracers, inputs, groups=groups)
    slow = naive_transport.run(net, tracers, inputs, groups=groups)
    assert_matches_reference(fast, slow)


@pytest.mark.parametrize("seed", range(3))
def test_kernel_matches_the_reference_with_loads_along_their_reach(seed):
    # a point source with water enters along its reach (hydro.transport.along_reach), one without at its cell
    from hydro.transport import along_reach

    net, tracers, kw = random_case(seed, n_reach=5)
    kw["point_cell"] = np.array([along_reach(seed % 5), kw["point_cell"][1]], dtype=np.int64)
    inputs = TransportInputs(**kw)
    assert_matches_reference(simulate(net, tracers, inputs), naive_transport.run(net, tracers, inputs))


def assert_matches_reference(fast, slow):
    """The kernel's result equals the plain-Python reference's (same sub-steps, 1e-10)."""
    assert np.array_equal(fast.substeps, slow["substeps"])
    # Same arithmetic in another order: differences are round-off, amplified at most by
    # a few hundred sub-steps; 1e-10 relative to the largest value is far above that
    # and far below any discretisation difference.
    for name, a, b in (("final", fast.final_concentration, slow["final"]),
                       ("reach_mass", fast.reach_load * 1e3, slow["reach_mass"]),
                       ("section_mass", fast.section_load * 1e3, slow["section_mass"]),
                       ("res_conc", fast.reservoir_concentration, slow["res_conc"])):
        scale = max(np.abs(b).max(), 1e-30)
        assert np.abs(a - b).max() <= 1e-10 * scale, f"{name}: {np.abs(a - b).max()} vs scale {scale}"


# ----------------------------------------------------------------------------- invariants
#: ``dispersion_every`` of the property tests: 1, the dispersion on every sub-step, and 7, once every
#: k <= 7 advection sub-steps where the Courant limit sets the step (on nearly every random case:
#: test_dispersion_every.py checks that it changes the sub-steps or results there)
EVERY = pytest.mark.parametrize("every", [1, 7])
cases = st.tuples(st.integers(0, 10_000), st.integers(1, 8), st.booleans(), st.booleans(), st.booleans())


@EVERY
@settings(max_examples=25, deadline=None)
@given(cases)
def test_mass_budget_closes_on_random_networks(every, case):
    seed, n, reservoir, dispersion, withdrawals = case
    net, tracers, kw = random_case(seed, n, reservoir=reservoir, dispersion=dispersion,
                                   withdrawals=withdrawals)
    res = simulate(net, tracers, TransportInputs(**kw), dispersion_every=every)
    # Every term is accumulated in double precision over a few hundred sub-steps:
    # round-off stays below 1e-12; 1e-10 is the engine's requirement.
    assert res.closure("reach") <= 1e-10
    assert res.closure("reservoir") <= 1e-10
    assert res.closure("network") <= 1e-10


@EVERY
@settings(max_examples=25, deadline=None)
@given(cases)
def test_nothing_goes_negative(every, case):
    seed, n, reservoir, dispersion, withdrawals = case
    net, tracers, kw = random_case(seed, n, reservoir=reservoir, dispersion=dispersion,
                                   withdrawals=withdrawals)
    res = simulate(net, tracers, TransportInputs(**kw), groups=[len(tracers)], dispersion_every=every)
    # (not reach_load: it holds the dispersive flux, which may carry mass upstream out of a richer reach
    # below, so a net outlet load below zero is physical: tests/test_reactions.py pins such a case)
    for name in ("final_concentration", "reach_concentration", "section_concentration",
                 "reservoir_concentration"):
        assert np.all(getattr(res, name) >= 0.0), name


@EVERY
@settings(max_examples=20, deadline=None)
@given(cases)
def test_zero_load_gives_zero_concentration(every, case):
    seed, n, reservoir, dispersion, withdrawals = case
    net, tracers, kw = random_case(seed, n, reservoir=reservoir, dispersion=dispersion,
                                   withdrawals=withdrawals, loads=False)
    kw["init_res_conc"] = np.zeros_like(kw["init_res_conc"])
    res = simulate(net, tracers, TransportInputs(**kw), dispersion_every=every)
    assert np.all(res.final_concentration == 0.0)
    assert np.all(res.reach_load == 0.0)
    assert np.all(res.reservoir_concentration == 0.0)


@EVERY
@settings(max_examples=20, deadline=None)
@given(cases, st.floats(0.01, 100.0))
def test_loads_scale_linearly(every, case, factor):
    # The limiter is positively homogeneous (it uses only differences, min and
    # copysign), so scaling every input scales every output: exactly up to round-off.
    seed, n, reservoir, dispersion, withdrawals = case
    net, tracers, kw = random_case(seed, n, reservoir=reservoir, dispersion=dispersion,
                                   withdrawals=withdrawals)
    base = simulate(net, tracers, TransportInputs(**kw), dispersion_every=every)
    for key in ("boundary_flux", "boundary_conc", "lateral_load", "point_load", "res_load",
                "init_conc", "init_res_conc"):
        kw[key] = kw[key] * factor
    scaled = simulate(net, tracers, TransportInputs(**kw), dispersion_every=every)
    scale = np.abs(base.reach_load).max() * factor
    assert np.abs(scaled.reach_load - factor * base.reach_load).max() <= 1e-11 * scale


@EVERY
@settings(max_examples=20, deadline=None)
@given(cases)
def test_source_tags_add_up_to_the_constituent(every, case):
    # Two sets of loads carried as tags of one constituent add up, to round-off, to
    # the constituent run with the summed loads (the limiter sees the same total).
    # A TVD limiter is nonlinear, so independent runs of each set would not add up
    # exactly; tagging is what makes source apportionment exact.
    seed, n, reservoir, dispersion, withdrawals = case
    net, tracers, kw = random_case(seed, n, reservoir=reservoir, dispersion=dispersion,
                                   withdrawals=withdrawals, n_tracer=2)
    tagged = simulate(net, tracers, TransportInputs(**kw), groups=[2], dispersion_every=every)
    total_kw = dict(kw)
    for key in ("boundary_flux", "boundary_conc", "lateral_load", "point_load", "res_load",
                "init_conc", "init_res_conc"):
        total_kw[key] = kw[key].sum(axis=-1, keepdims=True)
    total = simulate(net, tracers[:1], TransportInputs(**total_kw), dispersion_every=every)
    for name in ("reach_load", "final_concentration", "reservoir_concentration", "section_load"):
        a = getattr(tagged, name).sum(axis=-1)
        b = getattr(total, name)[..., 0]
        if b.size == 0:
            continue
        assert np.abs(a - b).max() <= 1e-11 * max(np.abs(b).max(), 1e-30), name


def test_each_tag_is_close_to_its_own_run():
    # Apportionment by tags against separate runs: they differ only through the
    # limiter's nonlinearity, a discretisation effect well below 1 %.
    net, tracers, kw = random_case(3, 6, n_tracer=2)
    tagged = simulate(net, tracers, TransportInputs(**kw), groups=[2])
    alone = simulate(net, tracers, TransportInputs(**kw))
    rel = np.abs(tagged.reach_load - alone.reach_load).max() / np.abs(alone.reach_load).max()
    assert rel < 0.01


# ----------------------------------------------------------------------------- errors
def test_zero_flow_is_an_error_naming_reach_and_day():
    net, tracers, kw = random_case(1, 3, reservoir=False)
    kw["q_in"][1, 0] = 0.0
    with pytest.raises(HydroError, match=r"reach 'r0' has no flow at its inlet on 2020-01-02"):
        simulate(net, tracers, TransportInputs(**kw), day_labels=["2020-01-01", "2020-01-02", "2020-01-03"])


def test_nan_input_names_reach_and_day():
    net, tracers, kw = random_case(1, 3, reservoir=False)
    kw["lateral_load"][2, 1, 0] = np.nan
    with pytest.raises(HydroError, match=r"lateral_load is not finite .* reach 'r1', day 2"):
        simulate(net, tracers, TransportInputs(**kw))


def test_wrong_shape_is_reported():
    net, tracers, kw = random_case(1, 3, reservoir=False)
    kw["reach_temp"] = kw["reach_temp"][:, :2]
    with pytest.raises(HydroError, match="reach_temp"):
        simulate(net, tracers, TransportInputs(**kw))


def test_a_day_needing_too_many_substeps_stops_with_the_short_reach_named():
    # cells of 0.01 m need some 8.5 million sub-steps a day here (0.1 m: 845,403, under the limit of 1,000,000
    # since 2026-12-06); the run used to hang; the kernel stops at the first such day and the error names the
    # day and the reach
    from dataclasses import replace

    net, tracers, kw = random_case(1, 3, reservoir=False)
    short = replace(net.reaches[1], length_m=0.01 * net.reaches[1].n_cells)  # cells of 0.01 m
    net = replace(net, reaches=(net.reaches[0], short, *net.reaches[2:]))
    with pytest.raises(HydroError, match=r"2020-01-01 would need [\d,]+ sub-steps .* 'r1' \(0.01 m\)"):
        simulate(net, tracers, TransportInputs(**kw), day_labels=["2020-01-01", "2020-01-02", "2020-01-03"])


def test_the_substep_limit_is_checked_on_the_day_that_passes_it():
    net, tracers, kw = random_case(2, 4, reservoir=False)
    steps = simulate(net, tracers, TransportInputs(**kw)).substeps
    most = int(steps.max())
    day = int(np.flatnonzero(steps == most)[0]) + 1
    with pytest.raises(HydroError, match=rf"day {day} of the run would need {most:,} sub-steps"):
        simulate(net, tracers, TransportInputs(**kw), max_substeps=most - 1)
    at_limit = simulate(net, tracers, TransportInputs(**kw), max_substeps=most)  # at the limit: runs
    np.testing.assert_array_equal(at_limit.substeps, steps)


def test_courant_out_of_range():
    net, tracers, kw = random_case(1, 2, reservoir=False)
    with pytest.raises(HydroError, match="courant"):
        simulate(net, tracers, TransportInputs(**kw), courant=1.5)
