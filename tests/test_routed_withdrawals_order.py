"""Several withdrawals on one reach: each shares what the ones before it left of the reach's
water (its inflow and what forms along it), so together they never take more than there is.

A diversion larger than the reach's lateral inflow takes the rest from the inlet inflow; the
requests after it then share what is left of both.  Counting the inflow whole for them (only
the lateral inflow reduced) took more than the reach carried: accumulated flows went negative
(the transport refused the run) and Muskingum-Cunge routing cut the requests to what flowed.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_routed_withdrawals import requests, run
from test_routing import random_case as routing_case
from test_routing import reach

from hydro.network import Network
from hydro.withdrawal_requests import WithdrawalRequests, withdrawn_lateral

#: Steady inputs: 20 m3/s from upstream, 1 m3/s forming along the lower reach.
INFLOW, LATERAL = 20.0, 1.0


def _case(n_day=4):
    net = Network((reach("low", 30e3, None), reach("up", 20e3, "low")))
    lateral = np.tile([LATERAL, INFLOW], (n_day, 1))  # "up" is fed along its length
    # a diversion of 90 % (it asks for more), then a channel loss of half of what is left
    asked = requests(n_day, [(0, 100.0, 0.9), (0, np.inf, 0.5)])
    return net, lateral, asked


def test_two_requests_on_one_reach_share_what_is_left_when_accumulated():
    net, lateral, asked = _case()
    z = np.zeros((len(lateral), 0))
    taken = withdrawn_lateral(net, asked, lateral, z, z, z, np.ones(len(lateral), dtype=np.int64))[1]
    water = INFLOW + LATERAL
    # 90 % diverted, half of the remaining 10 % lost: 5 % stays in the river
    np.testing.assert_allclose(taken[:, 0], 0.9 * water + 0.5 * 0.1 * water, rtol=1e-14,
                               err_msg=f"taken {taken[0, 0]}, the river holds {water}")
    assert (taken[:, 1] == 0).all()


def test_two_requests_on_one_reach_share_what_is_left_when_routed():
    net, lateral, asked = _case()
    h = run(net, lateral, np.zeros_like(lateral), asked)
    water = INFLOW + LATERAL
    # steady: the same water as accumulated, no cell runs short, 5 % leaves the reach
    np.testing.assert_allclose(h.withdrawn[:, 0], 0.95 * water, rtol=1e-12,
                               err_msg=f"taken {h.withdrawn[0, 0]}, the river holds {water}")
    np.testing.assert_allclose(h.q_out[:, 0], 0.05 * water, rtol=1e-9)
    assert h.reach_water_balance_error() < 1e-9


@pytest.mark.parametrize("share", [0.3, 0.9, 1.0])
def test_requests_after_a_large_diversion_never_take_more_than_is_left(share):
    """Whatever the shares, the requests on a reach take at most its water (share 1: all of it)."""
    net, lateral, _ = _case()
    asked = requests(len(lateral), [(0, 100.0, share), (0, 100.0, share), (0, np.inf, share)])
    z = np.zeros((len(lateral), 0))
    taken = withdrawn_lateral(net, asked, lateral, z, z, z, np.ones(len(lateral), dtype=np.int64))[1]
    water = INFLOW + LATERAL
    np.testing.assert_allclose(taken[:, 0], water * (1 - (1 - share) ** 3), rtol=1e-14)
    h = run(net, lateral, np.zeros_like(lateral), asked)
    np.testing.assert_allclose(h.withdrawn[:, 0], taken[:, 0], rtol=1e-12)


def _rule(asked, r, q_in, lateral):
    """The requests on reach ``r`` taken in order, each from what the ones before left (D,)."""
    water = q_in + np.maximum(lateral, 0.0)
    want = np.zeros_like(water)
    for k in np.flatnonzero(asked.reach == r):
        want += np.minimum(asked.flow[k], asked.share[k] * np.maximum(water - want, 0.0))
    return want


@settings(max_examples=40, deadline=None)
@given(routing_case(), st.integers(0, 2**32 - 1))
def test_several_requests_a_reach_on_random_trees(case, seed):
    """Up to four requests on a reach (requested flows, channel losses, shares up to 1): the
    water taken is the rule applied to the routed inflow where no cell ran short, never more,
    and never more than the reach's water."""
    net, _, lateral, boundary, _ = case
    n_day, n = lateral.shape
    rng = np.random.default_rng(seed)
    reach_of = np.sort(rng.integers(0, n, size=rng.integers(1, 2 * n + 2)))
    flows = np.where(rng.random((reach_of.size, n_day)) < 0.3, np.inf,
                     rng.uniform(0.0, 50.0, (reach_of.size, n_day)))
    asked = WithdrawalRequests(reach_of.astype(np.int64), flows, rng.uniform(0.0, 1.0, reach_of.size))
    h = run(net, lateral, boundary, asked)
    assert h.reach_water_balance_error() < 1e-9
    for r in np.unique(reach_of):
        rule = _rule(asked, r, h.q_in[:, r], lateral[:, r])
        water = h.q_in[:, r] + np.maximum(lateral[:, r], 0.0)
        assert (h.withdrawn[:, r] <= rule * (1 + 1e-12) + 1e-300).all()
        assert (rule <= water * (1 + 1e-12)).all()
        full = np.isclose(h.lateral[:, r], lateral[:, r] - rule, rtol=0, atol=1e-12 * max(1.0, rule.max()))
        np.testing.assert_allclose(h.withdrawn[full, r], rule[full], rtol=1e-12, atol=1e-300)
