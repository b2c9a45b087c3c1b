"""The local-time-stepping design (tests/lts_prototype.py, docs/solver.md) keeps the solver's exact properties.

On random trees with daily-varying flows, storage, withdrawals, lateral inflows and
a reservoir, whose chains are made to take different step counts (a reach's own
count multiplied by 1, 2, 4 or 8, which only ever refines it), whole or cut where
the class changes along them: a uniform field stays
uniform, no concentration leaves the range of its inputs at Courant 1, the mass
balance closes, source tags add up to the constituent and species to theirs.  With
one class a day the design is the global scheme (``tests/naive_transport.py``).  Each with dispersion
on every step of a class and once a block of up to 7 of them (``every``).
"""

from __future__ import annotations

import lts_prototype
import naive_transport
import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from test_reactions import species_case
from test_transport import random_case

from hydro.network import Network, Reach
from hydro.transport import Constituent, Reaction, TransportInputs, tracer_layout
from hydro.validation.problems import empty_inputs, ranged_inputs, uniform_inputs, varying_case

# seed, reaches, days, dispersion, reservoir; the refinement of reaches 0..13; chains cut where the class changes
CASES = st.tuples(st.integers(0, 10_000), st.integers(3, 14), st.integers(1, 3), st.booleans(), st.booleans(),
                  st.lists(st.sampled_from([1, 2, 4, 8]), min_size=14, max_size=14), st.booleans())


def several_classes(out) -> bool:
    """Whether some day had chains in different classes (else the case tests nothing new)."""
    return any(len(set(day)) > 1 for day in out["levels"])


def setup(case):
    seed, n_reach, n_day, disp, res, factors, cut = case
    net, kw, gross, local, boundary = varying_case(seed, n_reach, n_day, dispersion=disp, reservoir=res)
    return net, kw, gross, local, boundary, {"boost": dict(enumerate(factors)), "cut": cut}


@pytest.mark.parametrize("every", [1, 7])
@settings(max_examples=25, deadline=None)
@given(CASES)
def test_uniform_field_stays_uniform_with_chains_in_different_classes(every, case):
    net, kw, gross, local, boundary, boost = setup(case)
    kw = uniform_inputs(kw, gross, local, boundary)
    kw["dispersive_inlet"] = net.layout.headwater & (np.arange(len(net.reaches)) % 2 == 0)
    out = lts_prototype.run_lts(net, [Constituent("c", "c")], TransportInputs(**kw), every=every, **boost)
    assume(several_classes(out))
    # round-off only: a few hundred sub-steps of ~1e-16 relative each (1e-13 seen)
    np.testing.assert_allclose(out["final"], 1.0, rtol=1e-12)
    if out["res_conc"].size:
        np.testing.assert_allclose(out["res_conc"], 1.0, rtol=1e-12)


@pytest.mark.parametrize("every", [1, 7])
@settings(max_examples=25, deadline=None)
@given(CASES)
def test_range_balance_and_tags_with_chains_in_different_classes(every, case):
    net, kw, gross, local, boundary, boost = setup(case)
    boost["every"] = every
    lo, hi = 0.5, 3.0
    kw = ranged_inputs(net, kw, gross, local, boundary, np.random.default_rng(case[0] + 1), lo, hi)
    one = lts_prototype.run_lts(net, [Constituent("c", "c")], TransportInputs(**kw), courant=1.0, **boost)
    assume(several_classes(one))
    eps = 1e-12 * hi  # round-off
    for a in (one["final"], one["res_conc"]):
        if a.size:
            assert a.min() >= lo - eps and a.max() <= hi + eps
    # the same inputs as two source tags (30 % and 70 % of every input)
    tagged = dict(kw)
    for name in ("boundary_flux", "lateral_load", "res_load", "point_load", "init_conc", "init_res_conc",
                 "boundary_conc"):
        tagged[name] = np.concatenate([kw[name] * 0.3, kw[name] * 0.7], axis=-1)
    two = lts_prototype.run_lts(net, [Constituent("c", "c")] * 2, TransportInputs(**tagged), courant=1.0,
                                groups=[2], **boost)
    # budgets: round-off of a few hundred sub-steps relative to the mass that was there or entered (3e-13 seen)
    for out in (one, two):
        assert np.all(np.abs(out["balance"]) <= 1e-12 * out["scale"])
    # tags add up: the limiter of the group is the constituent's (round-off)
    np.testing.assert_allclose(two["final"].sum(axis=1), one["final"][:, 0], rtol=1e-12)
    np.testing.assert_allclose(two["reach_mass"].sum(axis=2), one["reach_mass"][:, :, 0], rtol=1e-12, atol=1e-9)


@pytest.mark.parametrize("every", [1, 7])
def test_dispersive_junctions_between_classes_are_exchanged(every):
    """Cases whose dispersive junctions join chains of different classes (the exact exchange at the
    coarser class's dispersion times) keep the range and the balance."""
    exchanged = blocks = 0
    for seed in range(6):
        net, kw, gross, local, boundary = varying_case(seed, 10, 2, dispersion=True, reservoir=True)
        kw = ranged_inputs(net, kw, gross, local, boundary, np.random.default_rng(seed), 0.5, 3.0)
        out = lts_prototype.run_lts(net, [Constituent("c", "c")], TransportInputs(**kw), courant=1.0,
                                    boost={0: 8, 2: 4}, every=every)
        exchanged += out["exchanges"]
        blocks += out["blocks"]
        assert out["final"].min() >= 0.5 - 3e-12 and out["final"].max() <= 3.0 + 3e-12
        assert np.all(np.abs(out["balance"]) <= 1e-12 * out["scale"])
    assert exchanged > 0
    assert (blocks > 0) == (every > 1)  # 7 takes blocks of several steps on these cases


def test_one_class_is_the_global_scheme():
    """With every chain in one class the events are the global sub-steps: the plain-Python reference."""
    for seed in range(4):
        net, tracers, kw = random_case(seed, n_reach=5, withdrawals=seed % 2 == 1)
        inputs = TransportInputs(**kw)
        groups = [2] if seed % 3 == 0 else None
        ref = naive_transport.run(net, tracers, inputs, groups=groups)
        out = lts_prototype.run_lts(net, tracers, inputs, groups=groups, max_level=0)
        assert np.array_equal(out["substeps"], ref["substeps"])
        # same arithmetic in another order (1e-16 seen): 1e-10 as assert_matches_reference
        for name in ("final", "reach_mass", "section_mass", "res_conc"):
            scale = max(np.abs(ref[name]).max(), 1e-30)
            assert np.abs(out[name] - ref[name]).max() <= 1e-10 * scale, name


def test_a_junction_the_finer_cell_cannot_bear_refines_the_coarser_chain():
    """A short, strongly dispersive tributary (1 km cells, D = 1000 m2/s) joins a river of 10 km cells
    as dispersive (the side face's two half-cells conduct in series, so the river's must conduct too):
    on its own the river would take class 3, but one forward Euler exchange over that step would move
    more than the tributary's last cell holds (g dt > V), so the river is refined until it does not."""
    def reach(rid, length, n, d, down):
        return Reach(id=rid, name=rid, length_m=length, downstream=down, velocity_coeff=0.3, velocity_exp=0.0,
                     width_coeff=5.0, width_exp=0.4, dispersion_m2_s=d, n_cells=n)

    net = Network((reach("trib", 2e3, 2, 1000.0, "down"), reach("main", 3e4, 3, 1000.0, "down"),
                   reach("down", 3e4, 3, 1000.0, None)), ())
    kw = empty_inputs(net, 3, 1, np.array([[1.0, 5.0, 6.0]] * 3))
    kw["boundary_flux"][:, 0, 0] = 3.0 * 1.0  # the tributary at 3 g/m3, the river at 0.5
    kw["boundary_flux"][:, 1, 0] = 0.5 * 5.0
    kw["init_conc"][:, 0] = 0.5
    kw["init_conc"][:2, 0] = 3.0
    inputs = TransportInputs(**kw)
    out = lts_prototype.run_lts(net, [Constituent("c", "c")], inputs, courant=1.0)
    assert out["levels"] == [[0, 2]] * 3  # chains: the tributary, the river with the reach below
    assert out["exchanges"] > 0
    assert out["final"].min() >= 0.5 - 3e-12 and out["final"].max() <= 3.0 + 3e-12  # round-off
    assert np.all(np.abs(out["balance"]) <= 1e-12 * out["scale"])
    # the same river with a weakly dispersive tributary keeps its own class
    slow = Network((reach("trib", 2e3, 2, 5.0, "down"),) + net.reaches[1:], ())
    assert lts_prototype.run_lts(slow, [Constituent("c", "c")], inputs, courant=1.0)["levels"] == [[0, 3]] * 3


@pytest.mark.parametrize("every", [1, 7])
def test_species_sum_to_the_constituent_with_chains_in_different_classes(every):
    """Species sharing one sink that only turn into each other carry the constituent run alone; the
    reactions run over each class's own step.  With one class, species are the global scheme.  With
    ``every`` 7 the removal of a constituent alone rides on its dispersion (once a block) while the
    species' runs in their propagators on every step (as on the global path), so there the species share
    no sink: then they carry the constituent whatever the splitting."""
    sink = 0.2 if every == 1 else 0.0
    species = tuple(Constituent(x, x, river_removal_per_day=sink, river_theta=1.03) for x in ("a", "b", "c"))
    chain = Constituent("t", "t", species=species, reactions=(Reaction("a", "b", 0.7, 1.05), Reaction("b", "c", 2.0)))
    lay = tracer_layout([chain], ["x", "y"])
    rx = dict(groups=lay.groups, group_species=lay.group_species, reactions=lay.reactions)
    differ = False
    for seed in range(4):
        net, _, kw = random_case(seed, 6, n_tracer=6, reservoir=False, dispersion=True)
        res = lts_prototype.run_lts(net, lay.tracers, TransportInputs(**kw), boost={0: 8, 1: 4}, every=every, **rx)
        differ |= several_classes(res)
        alone_kw = {**kw, **{k: kw[k].sum(axis=-1, keepdims=True) for k in (
            "boundary_flux", "boundary_conc", "lateral_load", "point_load", "res_load", "init_conc", "init_res_conc")}}
        alone = lts_prototype.run_lts(net, [species[0]], TransportInputs(**alone_kw), boost={0: 8, 1: 4}, every=every)
        for name in ("final", "reach_mass", "section_mass"):
            a, b = res[name].sum(axis=-1), alone[name][..., 0]
            # round-off (5e-15 seen); 1e-11 as tests/test_reactions.py
            assert np.abs(a - b).max() <= 1e-11 * max(np.abs(b).max(), 1e-30), name
    assert differ
    for seed in range(2):
        net, lay3, kw = species_case(seed, 5, withdrawals=seed == 1)
        inputs = TransportInputs(**kw)
        three = dict(groups=lay3.groups, group_species=lay3.group_species, reactions=lay3.reactions)
        ref = naive_transport.run(net, lay3.tracers, inputs, **three)
        out = lts_prototype.run_lts(net, lay3.tracers, inputs, max_level=0, **three)
        for name in ("final", "reach_mass", "section_mass", "res_conc"):
            # same arithmetic in another order (2e-16 seen): 1e-10 as assert_matches_reference
            assert np.abs(out[name] - ref[name]).max() <= 1e-10 * max(np.abs(ref[name]).max(), 1e-30), name
        several = lts_prototype.run_lts(net, lay3.tracers, inputs, boost={0: 8, 1: 2}, every=every, **three)
        assert np.all(np.abs(several["balance"]) <= 1e-12 * several["scale"])  # round-off (1e-13 seen)


def test_chains_cut_where_the_class_changes():
    """With ``cut``, a chain is cut where its reaches' classes change: the cut is a junction like a
    tributary's (the waiting mass of the upstream face, the exchange between classes)."""
    rng = np.random.default_rng(0)
    net, kw, gross, local, boundary = varying_case(0, 10, 2, dispersion=True, reservoir=True)
    boost = {r: int(2 ** rng.integers(0, 4)) for r in range(10)}
    uniform = TransportInputs(**uniform_inputs(kw, gross, local, boundary))
    whole = lts_prototype.run_lts(net, [Constituent("c", "c")], uniform, boost=boost)
    cut = lts_prototype.run_lts(net, [Constituent("c", "c")], uniform, boost=boost, cut=True)
    assert all(len(a) > len(b) for a, b in zip(cut["levels"], whole["levels"], strict=True))
    assert cut["exchanges"] > whole["exchanges"]
    np.testing.assert_allclose(cut["final"], 1.0, rtol=1e-12)  # round-off (3e-15 seen)
    ranged = ranged_inputs(net, kw, gross, local, boundary, np.random.default_rng(1), 0.5, 3.0)
    out = lts_prototype.run_lts(net, [Constituent("c", "c")], TransportInputs(**ranged), courant=1.0, boost=boost,
                                cut=True)
    assert out["final"].min() >= 0.5 - 3e-12 and out["final"].max() <= 3.0 + 3e-12  # round-off
    assert np.all(np.abs(out["balance"]) <= 1e-12 * out["scale"])


def test_class_blocks_cover_the_steps_in_odd_blocks():
    """A class's ``n`` steps a day in the fewest odd blocks of at most ``k`` (the parity of ``n``), each
    dispersed once after its middle step; ``k`` 1: every step, as without blocks."""
    for n in range(1, 80):
        assert lts_prototype.class_blocks(n, 1) == dict.fromkeys(range(1, n + 1), 1)
        for k in (3, 5, 7):
            blocks = lts_prototype.class_blocks(n, k)
            sizes = list(blocks.values())
            assert sum(sizes) == n and all(s % 2 == 1 and s <= k for s in sizes)
            m = len(sizes)
            assert m * k >= n and m % 2 == n % 2 and (m - 2) * k < n  # the fewest (of that parity)
            start = 0
            for i, s in blocks.items():  # each block's dispersion after its middle step
                assert i == start + (s + 1) // 2
                start += s
