"""Local time steps in the compiled solver (``simulate(local_steps=LocalSteps(...))``, docs/solver.md).

The kernel's event loop (``hydro._transport_kernels.lts_group_day``) against the plain-Python
design it was built from (``tests/lts_prototype.py``) on random trees whose chains take
different classes (a reach's own count multiplied by 1, 2, 4 or 8, which only refines it),
with the prototype's property tests run on the kernel itself; with one class a day it is the
global scheme, and days that would save little take the global path bit for bit.  The property
tests run with dispersion on every step of a class and once a block of up to 7 of them
(``dispersion_every``, ``EVERY``).
"""

from __future__ import annotations

import lts_prototype
import naive_transport
import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from test_lts_prototype import several_classes
from test_reactions import species_case
from test_transport import assert_matches_reference, random_case

from hydro.transport import Constituent, Reaction, TransportInputs, simulate, tracer_layout
from hydro.transport_args import LocalSteps
from hydro.validation.problems import ranged_inputs, uniform_inputs, varying_case

#: Local steps on every day, even where they save nothing (the event loop under test).
ALWAYS = 1e-9

#: ``dispersion_every`` of the property tests: 1, each class dispersing at every one of its steps, and 7,
#: once a block of up to 7 (on most random cases: the prototype's ``blocks`` count them)
EVERY = pytest.mark.parametrize("every", [1, 7])

# seed, reaches, days, dispersion, reservoir; the refinement of reaches 0..13
CASES = st.tuples(st.integers(0, 10_000), st.integers(3, 14), st.integers(1, 3), st.booleans(), st.booleans(),
                  st.lists(st.sampled_from([1, 2, 4, 8]), min_size=14, max_size=14))


def local(net, factors, min_gain=ALWAYS, exchange_limit=1.0):
    """Local steps with reach ``r``'s own count multiplied by ``factors[r]`` (``exchange_limit`` 1: the
    prototype's rule for junctions between classes)."""
    return LocalSteps(min_gain=min_gain, refine=np.array(factors[:len(net.reaches)]), exchange_limit=exchange_limit)


def assert_close(fast, proto, names=("final", "reach_mass", "section_mass", "res_conc")):
    """The kernel equals the prototype to round-off: the same arithmetic in another order, amplified by a
    few hundred sub-steps at most; 1e-10 of the largest value as assert_matches_reference (4e-15 seen)."""
    assert np.array_equal(fast.substeps, proto["substeps"])
    got = {"final": fast.final_concentration, "reach_mass": fast.reach_load * 1e3,
           "section_mass": fast.section_load * 1e3, "res_conc": fast.reservoir_concentration}
    for name in names:
        if proto[name].size == 0:
            continue
        scale = max(np.abs(proto[name]).max(), 1e-30)
        assert np.abs(got[name] - proto[name]).max() <= 1e-10 * scale, name


@EVERY
@settings(max_examples=15, deadline=None)
@given(CASES)
def test_kernel_equals_the_prototype_with_chains_in_different_classes(every, case):
    seed, n_reach, n_day, disp, res, factors = case
    net, kw, gross, lateral, boundary = varying_case(seed, n_reach, n_day, dispersion=disp, reservoir=res)
    kw = ranged_inputs(net, kw, gross, lateral, boundary, np.random.default_rng(seed + 1), 0.5, 3.0)
    kw["dispersive_inlet"] = net.layout.headwater & (np.arange(n_reach) % 2 == 0)
    inputs = TransportInputs(**kw)
    boost = dict(enumerate(factors))
    proto = lts_prototype.run_lts(net, [Constituent("c", "c")], inputs, courant=1.0, boost=boost, every=every)
    assume(several_classes(proto))
    fast = simulate(net, [Constituent("c", "c")], inputs, courant=1.0, local_steps=local(net, factors),
                    max_substeps=None, dispersion_every=every)
    assert_close(fast, proto)


def assert_exact_properties(net, kw, gross, lateral, boundary, seed, steps, every=1):
    """Local steps ``steps`` on a varying case (``every``: ``dispersion_every``): a uniform field stays
    uniform, values stay within their inputs' range, budgets close and two tags add up to the untagged run."""
    uniform = simulate(net, [Constituent("c", "c")], TransportInputs(**uniform_inputs(kw, gross, lateral, boundary)),
                       local_steps=steps, max_substeps=None, dispersion_every=every)
    # round-off only: a few hundred sub-steps of ~1e-16 relative each (as the prototype's test)
    np.testing.assert_allclose(uniform.final_concentration, 1.0, rtol=1e-12)
    if uniform.reservoir_concentration.size:
        np.testing.assert_allclose(uniform.reservoir_concentration, 1.0, rtol=1e-12)
    lo, hi = 0.5, 3.0
    kw = ranged_inputs(net, kw, gross, lateral, boundary, np.random.default_rng(seed + 1), lo, hi)
    one = simulate(net, [Constituent("c", "c")], TransportInputs(**kw), courant=1.0, local_steps=steps,
                   max_substeps=None, dispersion_every=every)
    eps = 1e-12 * hi  # round-off
    for a in (one.final_concentration, one.reservoir_concentration):
        if a.size:
            assert a.min() >= lo - eps and a.max() <= hi + eps
    tagged = dict(kw)
    for name in ("boundary_flux", "lateral_load", "res_load", "point_load", "init_conc", "init_res_conc",
                 "boundary_conc"):
        tagged[name] = np.concatenate([kw[name] * 0.3, kw[name] * 0.7], axis=-1)
    two = simulate(net, [Constituent("c", "c")] * 2, TransportInputs(**tagged), courant=1.0, groups=[2],
                   local_steps=steps, max_substeps=None, dispersion_every=every)
    # budgets close to round-off of the mass that was there or entered (as the global scheme's tests)
    assert one.closure() <= 1e-12 and two.closure() <= 1e-12
    np.testing.assert_allclose(two.final_concentration.sum(axis=1), one.final_concentration[:, 0], rtol=1e-12)
    np.testing.assert_allclose(two.reach_load.sum(axis=2), one.reach_load[:, :, 0], rtol=1e-12, atol=1e-12)


@EVERY
@settings(max_examples=15, deadline=None)
@given(CASES)
def test_uniform_range_balance_and_tags_with_chains_in_different_classes(every, case):
    seed, n_reach, n_day, disp, res, factors = case
    net, kw, gross, lateral, boundary = varying_case(seed, n_reach, n_day, dispersion=disp, reservoir=res)
    steps = local(net, factors)
    levels = lts_prototype.run_lts(net, [Constituent("c", "c")], TransportInputs(**kw), courant=1.0,
                                   boost=dict(enumerate(factors)))
    assume(several_classes(levels))
    assert_exact_properties(net, kw, gross, lateral, boundary, seed, steps, every)


def test_one_class_is_the_global_scheme():
    """Local steps forced on every day with one class: the event loop is the global sub-steps, so the
    result is the plain-Python reference's (another order of the same arithmetic)."""
    for seed in range(4):
        net, tracers, kw = random_case(seed, n_reach=5, withdrawals=seed % 2 == 1)
        inputs = TransportInputs(**kw)
        groups = [2] if seed % 3 == 0 else None
        ref = naive_transport.run(net, tracers, inputs, groups=groups)
        fast = simulate(net, tracers, inputs, groups=groups, local_steps=LocalSteps(min_gain=ALWAYS, max_level=0))
        assert_matches_reference(fast, ref)


def test_days_that_save_little_take_the_global_path_bit_for_bit():
    """With a gain no day reaches, a run with local steps is the run without them, to the bit; so is
    a network of one chain (one class), whatever the gain asked."""
    net, tracers, kw = random_case(3, n_reach=8)
    inputs = TransportInputs(**kw)
    off = simulate(net, tracers, inputs)
    for steps in (LocalSteps(min_gain=1e9), LocalSteps(min_gain=1e9, refine=np.full(8, 8))):
        on = simulate(net, tracers, inputs, local_steps=steps)
        assert np.array_equal(on.final_concentration, off.final_concentration)
        assert np.array_equal(on.reach_load, off.reach_load) and np.array_equal(on.substeps, off.substeps)
    chain, tracers, kw = random_case(1, n_reach=1)
    off = simulate(chain, tracers, TransportInputs(**kw))
    on = simulate(chain, tracers, TransportInputs(**kw), local_steps=LocalSteps(min_gain=1.0))
    assert np.array_equal(on.final_concentration, off.final_concentration)


@EVERY
def test_species_sum_to_the_constituent_with_chains_in_different_classes(every):
    """Species sharing one sink that only turn into each other carry the constituent run alone; the
    reactions run over each class's own step, as in the prototype (with ``every`` 7 the species share no
    sink: a constituent alone removes once a block, species in their propagators at every step)."""
    sink = 0.2 if every == 1 else 0.0
    species = tuple(Constituent(x, x, river_removal_per_day=sink, river_theta=1.03) for x in ("a", "b", "c"))
    chain = Constituent("t", "t", species=species, reactions=(Reaction("a", "b", 0.7, 1.05), Reaction("b", "c", 2.0)))
    lay = tracer_layout([chain], ["x", "y"])
    rx = dict(groups=lay.groups, group_species=lay.group_species, reactions=lay.reactions)
    for seed in range(3):
        net, _, kw = random_case(seed, 6, n_tracer=6, reservoir=False, dispersion=True)
        factors = [8, 4, 1, 1, 1, 1]
        inputs = TransportInputs(**kw)
        proto = lts_prototype.run_lts(net, lay.tracers, inputs, boost=dict(enumerate(factors)), every=every, **rx)
        fast = simulate(net, lay.tracers, inputs, local_steps=local(net, factors), max_substeps=None,
                        dispersion_every=every, **rx)
        assert_close(fast, proto)
        alone_kw = {**kw, **{k: kw[k].sum(axis=-1, keepdims=True) for k in (
            "boundary_flux", "boundary_conc", "lateral_load", "point_load", "res_load", "init_conc", "init_res_conc")}}
        alone = simulate(net, [species[0]], TransportInputs(**alone_kw), local_steps=local(net, factors),
                         max_substeps=None, dispersion_every=every)
        for a, b in ((fast.final_concentration.sum(axis=-1), alone.final_concentration[..., 0]),
                     (fast.reach_load.sum(axis=-1), alone.reach_load[..., 0])):
            # round-off (5e-15 seen in the prototype); 1e-11 as tests/test_reactions.py
            assert np.abs(a - b).max() <= 1e-11 * max(np.abs(b).max(), 1e-30)
    net, lay3, kw = species_case(0, 5)
    three = dict(groups=lay3.groups, group_species=lay3.group_species, reactions=lay3.reactions)
    inputs = TransportInputs(**kw)
    proto = lts_prototype.run_lts(net, lay3.tracers, inputs, boost={0: 8, 1: 2}, every=every, **three)
    fast = simulate(net, lay3.tracers, inputs, local_steps=local(net, [8, 2, 1, 1, 1]), max_substeps=None,
                    dispersion_every=every, **three)
    assert_close(fast, proto)
    assert fast.closure() <= 1e-12  # round-off (as the prototype's 1e-13 seen)


def test_results_do_not_depend_on_the_thread_count():
    """Constituents on two lanes (threads) with local steps: each lane computes the day's classes from
    the water alone, so its results are the one-thread run's, to the bit."""
    net, kw, gross, lateral, boundary = varying_case(5, 10, 3, dispersion=True, reservoir=True)
    kw = ranged_inputs(net, kw, gross, lateral, boundary, np.random.default_rng(5), 0.5, 3.0)
    two = {name: np.concatenate([kw[name], 2.0 * kw[name]], axis=-1) for name in (
        "boundary_flux", "lateral_load", "res_load", "point_load", "init_conc", "init_res_conc", "boundary_conc")}
    inputs = TransportInputs(**{**kw, **two})
    tracers = [Constituent("a", "a", river_removal_per_day=0.1), Constituent("b", "b")]
    steps = local(net, [8, 1, 4, 1, 2, 1, 1, 1, 1, 1])
    one = simulate(net, tracers, inputs, threads=1, local_steps=steps, max_substeps=None)
    both = simulate(net, tracers, inputs, threads=2, local_steps=steps, max_substeps=None)
    assert np.array_equal(one.final_concentration, both.final_concentration)
    assert np.array_equal(one.reach_load, both.reach_load) and np.array_equal(one.budget_reach, both.budget_reach)


def test_a_smaller_exchange_limit_refines_junctions_between_classes():
    """``exchange_limit`` below 1 refines the coarser chain of a dispersive junction whose exchange
    would take more than that share of either cell's limit (0: every such junction), keeping the
    properties; at 1 a short tributary keeps its own class and exchanges with the river."""
    net, kw, gross, lateral, boundary = varying_case(2, 10, 2, dispersion=True, reservoir=False)
    factors = [8, 1, 4, 1, 2, 1, 8, 1, 1, 1]
    lo, hi = 0.5, 3.0
    ranged = TransportInputs(**ranged_inputs(net, kw, gross, lateral, boundary, np.random.default_rng(2), lo, hi))
    proto = lts_prototype.run_lts(net, [Constituent("c", "c")], ranged, courant=1.0, boost=dict(enumerate(factors)))
    assert proto["exchanges"] > 0  # at 1 (the prototype's rule) some junctions join classes
    runs = {x: simulate(net, [Constituent("c", "c")], ranged, courant=1.0, max_substeps=None,
                        local_steps=local(net, factors, exchange_limit=x)) for x in (1.0, 0.0)}
    assert_close(runs[1.0], proto)
    none = runs[0.0]  # no exchange between classes: the junctions' chains are refined, so it differs
    assert not np.allclose(none.final_concentration, runs[1.0].final_concentration, rtol=1e-9)
    assert none.final_concentration.min() >= lo - 3e-12 and none.final_concentration.max() <= hi + 3e-12
    assert none.closure() <= 1e-12


def test_bad_local_step_options_are_refused():
    import pytest

    net, tracers, kw = random_case(0, n_reach=3)
    for bad in (LocalSteps(max_level=4), LocalSteps(min_gain=0.0), LocalSteps(exchange_limit=-1.0),
                LocalSteps(refine=np.array([1, 3, 1])), LocalSteps(refine=np.array([1, 2]))):
        with pytest.raises(ValueError, match="local steps"):
            simulate(net, tracers, TransportInputs(**kw), local_steps=bad)
