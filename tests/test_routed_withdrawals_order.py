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
from test_routed_withdrawals import requests, run
from test_routing import reach

from hydro.network import Network
from hydro.withdrawal_requests import accumulated_withdrawals

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
    taken = accumulated_withdrawals(net, asked, lateral, z, z, z, np.ones(len(lateral), dtype=np.int64))
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
    taken = accumulated_withdrawals(net, asked, lateral, z, z, z, np.ones(len(lateral), dtype=np.int64))
    water = INFLOW + LATERAL
    np.testing.assert_allclose(taken[:, 0], water * (1 - (1 - share) ** 3), rtol=1e-14)
    h = run(net, lateral, np.zeros_like(lateral), asked)
    np.testing.assert_allclose(h.withdrawn[:, 0], taken[:, 0], rtol=1e-12)
