"""The share of a flux inlet's inflow that an advection step leaves to dispersion, tag by tag
(``hydro._transport_kernels._bounded_shares`` and the moves of ``_shares_within_inflow``), on random
plans: the constituent's share is its bound's, no tag takes more than its own inflow over the step
(so no tag's advective inflow is negative), a species within its inflow keeps its total, and the
plain-Python reference (``tests/naive_transport.py``) gives the same shares."""

from __future__ import annotations

import naive_transport
import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from hydro._transport_kernels import _bounded_shares

# round-off of sums of a few dozen terms of the size of the largest plan or inflow
ROUND = 1e-12


def _case(seed, n_sp, n_src):
    rng = np.random.default_rng(seed)
    n = n_sp * n_src
    inflow = rng.uniform(0.0, 2.0, (n, 1)) * (rng.random((n, 1)) > 0.2)  # g s-1; some tags bring none
    q = float(rng.uniform(0.5, 3.0))  # m3 s-1
    c1 = rng.uniform(0.0, 1.0, n) * (rng.random(n) > 0.3)  # mg L-1, the first cell's, >= 0
    plan = rng.normal(0.0, 30.0, (n, 1))  # g, plans of either sign (debts and corrections)
    return inflow, q, c1, plan, 20.0  # tau, s


def _kernel(inflow, q, c1, plan, tau, n_src):
    n = plan.shape[0]
    shares, debt = plan.copy(), np.zeros((n, 1))
    c0 = inflow[:, 0] / q
    _bounded_shares(0, n, n_src, 0, tau, 1.0 / q, plan.sum(), c0.sum(), c1.sum(), shares, debt, inflow)
    return shares[:, 0], debt[:, 0]


@settings(max_examples=200, deadline=None)
@given(st.integers(0, 10_000), st.integers(1, 4), st.integers(1, 4))
def test_shares_stay_within_each_tag_inflow_and_keep_the_constituent_bound(seed, n_sp, n_src):
    inflow, q, c1, plan, tau = _case(seed, n_sp, n_src)
    shares, debt = _kernel(inflow, q, c1, plan, tau, n_src)
    cap = tau * inflow[:, 0]
    scale = max(np.abs(plan).max(), cap.max())
    # the constituent's share: what its bound (advective inflow between c_in and c_1) allows
    room = tau * ((inflow[:, 0] / q).sum() - c1.sum()) / (1.0 / q)  # (the kernel's arithmetic)
    bounded = min(max(plan.sum(), min(room, 0.0)), max(room, 0.0))
    assert abs(shares.sum() - bounded) <= ROUND * scale
    # no tag takes more than its own inflow: its advective inflow stays >= 0
    assert (shares <= cap + ROUND * scale).all()
    # what each takes is off its debt
    np.testing.assert_array_equal(debt, -shares)
    # a species within its inflow before the moves keeps its total (its source tags add up to it)
    theta = bounded / plan.sum() if plan.sum() != 0.0 else 1.0
    scaled = (plan[:, 0] * theta).reshape(n_sp, n_src).sum(axis=1)
    within = scaled <= cap.reshape(n_sp, n_src).sum(axis=1)
    if within.all():
        np.testing.assert_allclose(shares.reshape(n_sp, n_src).sum(axis=1), scaled, rtol=0, atol=ROUND * scale)
    # no move where no tag needs one: the shares are the plans scaled, to the bit
    if (plan[:, 0] * theta <= cap).all():
        np.testing.assert_array_equal(shares, plan[:, 0] * theta)


@settings(max_examples=200, deadline=None)
@given(st.integers(0, 10_000), st.integers(1, 4), st.integers(1, 4))
def test_shares_match_the_plain_python_reference(seed, n_sp, n_src):
    inflow, q, c1, plan, tau = _case(seed, n_sp, n_src)
    shares, _ = _kernel(inflow, q, c1, plan, tau, n_src)
    tags = list(range(plan.shape[0]))
    ref = naive_transport.bounded_shares({t: plan[t, 0] for t in tags}, {t: inflow[t, 0] / q for t in tags}, tau, q,
                                         tags, {t: [c1[t]] for t in tags}, 0, dict.fromkeys(tags, 0.0),
                                         {t: inflow[t, 0] for t in tags}, n_src)
    scale = max(np.abs(plan).max(), tau * inflow.max())
    np.testing.assert_allclose(shares, [ref[t] for t in tags], rtol=0, atol=ROUND * scale)


def test_a_species_over_its_inflow_gives_the_excess_to_the_others_in_proportion_to_their_room():
    """Two species of one source, inflows 1 and 3 g/s over 10 s (caps 10 and 30 g); the constituent's
    share of 24 g planned as 20 + 4: the first gives 10 g up, and the second takes it (14 g)."""
    inflow = np.array([[1.0], [3.0]])
    shares, _ = _kernel(inflow, 1.0, np.zeros(2), np.array([[20.0], [4.0]]), 10.0, 1)
    np.testing.assert_allclose(shares, [10.0, 14.0], rtol=1e-15)
    # the same plan of two source tags of one species: the same moves, within the species
    shares, _ = _kernel(inflow, 1.0, np.zeros(2), np.array([[20.0], [4.0]]), 10.0, 2)
    np.testing.assert_allclose(shares, [10.0, 14.0], rtol=1e-15)


def test_each_species_source_tags_share_its_total_by_their_room():
    """Species a (sources 0 and 1, caps 10 and 10 g) and b (sources 0 and 1, caps 5 and 15 g), planned
    (12, 2) and (1, 1): a is within its 20 g, so it keeps 14 g, its source 0 giving 2 g up to source 1
    (room 8 g): (10, 4); b keeps its 2 g: (1, 1)."""
    inflow = np.array([[1.0], [1.0], [0.5], [1.5]])
    shares, _ = _kernel(inflow, 1.0, np.zeros(4), np.array([[12.0], [2.0], [1.0], [1.0]]), 10.0, 2)
    np.testing.assert_allclose(shares, [10.0, 4.0, 1.0, 1.0], rtol=1e-15)


def test_a_species_planned_below_zero_takes_the_excess_by_its_source_tags_room():
    """Species a over its inflow (plan 30 g against a cap of 20 g: sources 10 and 10 g) and b with room
    (plan -10 g, cap 20 g): a's sources capped at 10 and 10; b gets a's 10 g excess in proportion to its
    sources' room (cap - share: 10 - (-5) = 15 and 10 - (-5) = 15): (0, 0)."""
    inflow = np.array([[1.0], [1.0], [1.0], [1.0]])
    shares, _ = _kernel(inflow, 1.0, np.zeros(4), np.array([[25.0], [5.0], [-5.0], [-5.0]]), 10.0, 2)
    np.testing.assert_allclose(shares, [10.0, 10.0, 0.0, 0.0], atol=1e-14)
