"""Local steps on chains cut above some reaches (``LocalSteps(cut=...)``, docs/solver.md, "Local time
stepping", *Cut chains*).

A cut is made in the layout (``hydro._transport_kernels.chain_layout``): the reach below it has no
main upstream reach, so it heads a chain of its own, and the reaches above join it as side
tributaries (their outflow flux a source of its first cell, dispersion across the mouth an exchange).
Such a head is *fed*: its inlet is no flux inlet (no Danckwerts part: its water comes through the
tributaries) and the limiter sees the first cell's own value upstream.  The exactness properties
of local steps must hold on cut chains as on whole ones (tests/test_lts_kernel.py's
``assert_exact_properties``), the kernel must equal the plain-Python design with the same cuts
(``tests/lts_prototype.py``, ``run_lts(cut_above=...)``), and no cut is the layout of today, bit
for bit.
"""

from __future__ import annotations

import math

import lts_prototype
import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from test_lts_kernel import ALWAYS, CASES, assert_close, assert_exact_properties, local
from test_lts_prototype import several_classes

from hydro import _transport_kernels as k
from hydro.network import Network, Reach
from hydro.transport import Constituent, TransportInputs, simulate
from hydro.transport_args import LocalSteps
from hydro.validation.problems import empty_inputs, ranged_inputs, varying_case

CUTS = st.lists(st.booleans(), min_size=14, max_size=14)


@settings(max_examples=15, deadline=None)
@given(CASES, CUTS, st.sampled_from([0.1, math.inf]))
def test_uniform_range_balance_and_tags_on_cut_chains(case, cuts, limit):
    seed, n_reach, n_day, disp, res, factors = case
    net, kw, gross, lateral, boundary = varying_case(seed, n_reach, n_day, dispersion=disp, reservoir=res)
    # reaches fed through a junction head chains of their own; some chains in different classes
    cut = np.array(cuts[:n_reach])
    steps = LocalSteps(min_gain=ALWAYS, refine=np.array(factors[:n_reach]), exchange_limit=limit, cut=cut)
    assert_exact_properties(net, kw, gross, lateral, boundary, seed, steps)


@settings(max_examples=15, deadline=None)
@given(CASES, CUTS)
def test_kernel_equals_the_prototype_on_cut_chains(case, cuts):
    """The kernel's fed heads against the plain-Python design (``lts_prototype.run_lts(cut_above=...)``),
    chains in different classes, dispersive inlets on some headwaters, a reservoir: the same to
    round-off (``assert_close``: 1e-10 of the largest value)."""
    seed, n_reach, n_day, disp, res, factors = case
    net, kw, gross, lateral, boundary = varying_case(seed, n_reach, n_day, dispersion=disp, reservoir=res)
    kw = ranged_inputs(net, kw, gross, lateral, boundary, np.random.default_rng(seed + 1), 0.5, 3.0)
    kw["dispersive_inlet"] = net.layout.headwater & (np.arange(n_reach) % 2 == 0)
    inputs = TransportInputs(**kw)
    cut = np.array(cuts[:n_reach])
    proto = lts_prototype.run_lts(net, [Constituent("c", "c")], inputs, courant=1.0, boost=dict(enumerate(factors)),
                                  cut_above=set(np.nonzero(cut)[0].tolist()))
    lay = net.layout
    fed = cut & np.isin(np.arange(n_reach), lay.reach_down_index[lay.reach_down_kind == 1])  # cut below a reach
    assume(several_classes(proto) and fed.any())
    steps = local(net, factors)._replace(cut=cut)
    fast = simulate(net, [Constituent("c", "c")], inputs, courant=1.0, local_steps=steps, max_substeps=None)
    assert_close(fast, proto)


def reach(rid, down, n=3, d=30.0, length=1.5e4):
    return Reach(id=rid, name=rid, length_m=length, downstream=down, velocity_coeff=0.3, velocity_exp=0.2,
                 width_coeff=5.0, width_exp=0.4, dispersion_m2_s=d, n_cells=n)


def river(days=4):
    """A river of four equal reaches (a pulse entering at its head) with a tributary joining reach 2."""
    net = Network((reach("a", "b"), reach("b", "c"), reach("t", "c", n=2), reach("c", "d"), reach("d", None)), ())
    q = np.array([[2.0, 2.0, 1.0, 3.0, 3.0]] * days)
    kw = empty_inputs(net, days, 1, q)
    kw["boundary_flux"][:, 0, 0] = 2.0 * np.array([5.0, 1.0, 1.0, 1.0][:days])
    kw["boundary_flux"][:, 2, 0] = 1.0 * 2.0
    kw["init_conc"][:, 0] = 1.0
    return net, kw


def layout(net, cut):
    lay = net.layout
    disp = np.array([r.dispersion_m2_s for r in net.reaches])
    return k.static_layout(lay.reach_cell_start, lay.cell_dx, lay.reach_down_kind, lay.reach_down_index, disp,
                           np.zeros(len(disp), dtype=np.bool_), lay.section_cell, cut)


def test_a_cut_reach_heads_a_chain_and_its_main_upstream_joins_as_a_side_tributary():
    net, _ = river()
    whole = layout(net, np.zeros(5, dtype=np.bool_))
    cut = layout(net, np.array([False, False, False, True, False]))  # above "c"
    main_up, chain_head, side_reach, fj_reach, sj_reach = 0, 2, 12, 13, 14
    assert sorted(whole[chain_head]) == [0, 2] and sorted(cut[chain_head]) == [0, 2, 3]
    assert whole[main_up][3] == 1 and cut[main_up][3] == -1
    assert list(whole[side_reach]) == [3] and sorted(cut[side_reach]) == [3, 3]  # "b" and "t" enter "c"
    assert 1 in whole[fj_reach] and 1 not in cut[fj_reach] and 1 in cut[sj_reach]
    # the layout without a cut argument is the uncut one
    lay = net.layout
    plain = k.static_layout(lay.reach_cell_start, lay.cell_dx, lay.reach_down_kind, lay.reach_down_index,
                            np.array([r.dispersion_m2_s for r in net.reaches]), np.zeros(5, dtype=np.bool_),
                            lay.section_cell)
    assert all(np.array_equal(a, b) for a, b in zip(plain, whole, strict=True))


def test_no_cut_is_the_uncut_run_bit_for_bit():
    net, kw = river()
    inputs = TransportInputs(**kw)
    steps = LocalSteps(min_gain=ALWAYS, refine=np.array([1, 1, 8, 4, 4]))
    a = simulate(net, [Constituent("c", "c")], inputs, local_steps=steps, max_substeps=None)
    b = simulate(net, [Constituent("c", "c")], inputs, local_steps=steps._replace(cut=np.zeros(5, dtype=np.bool_)),
                 max_substeps=None)
    assert np.array_equal(a.final_concentration, b.final_concentration)
    assert np.array_equal(a.reach_load, b.reach_load)


def test_a_cut_moves_the_outflow_little_and_closes_the_budget():
    """One class on every day (the global scheme's steps) with the river cut above "c": the limiter
    at the fed head still sees the last cell of "b" upstream (``up_src``), so only the mouth face's
    conductance changes (the side junction's takes the tributary's outlet section, the fused face
    the mean of the two) and the order of some sums: the reach loads stay within 0.1 % of the
    uncut run's largest (2.2e-4 seen; 1.0 % with the first cell's own value as the fed head's
    upstream neighbour); every budget closes."""
    net, kw = river()
    inputs = TransportInputs(**kw)
    one = LocalSteps(min_gain=ALWAYS, max_level=0)
    cut = np.array([False, False, False, True, False])
    a = simulate(net, [Constituent("c", "c")], inputs, local_steps=one, max_substeps=None)
    b = simulate(net, [Constituent("c", "c")], inputs, local_steps=one._replace(cut=cut), max_substeps=None)
    assert b.closure() <= 1e-12
    moved = np.abs(a.reach_load - b.reach_load).max() / np.abs(a.reach_load).max()
    assert 0.0 < moved <= 1e-3


@pytest.mark.parametrize("bad", [np.zeros(4, dtype=np.bool_), np.zeros(5), np.ones(5, dtype=int)])
def test_a_cut_of_the_wrong_shape_or_type_is_refused(bad):
    net, kw = river(1)
    with pytest.raises(ValueError, match="cut must be 5 booleans"):
        simulate(net, [Constituent("c", "c")], TransportInputs(**kw), local_steps=LocalSteps(cut=bad))
