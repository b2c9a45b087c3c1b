"""Withdrawals taken by Muskingum-Cunge routing from the routed flows (:func:`hydro.routing.route`).

A request takes ``min(flow, share * available)``, the available water being the day's routed
inflow at its reach plus what forms along it; where a day's transient leaves a cell less
inflow than the withdrawal along it, the cell gives what flows in and no more.  Checked: the
rule on every reach-day, equality with the accumulated withdrawals on steady flows (where
routing and accumulation agree), water balance and positivity on random trees, and the cut
in a transient.
"""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from test_routing import random_case as routing_case
from test_routing import reach

from hydro.hydraulics import SECONDS_PER_DAY
from hydro.network import Network
from hydro.routing import route
from hydro.withdrawal_requests import WithdrawalRequests, withdrawn_lateral

# Round-off budget of the water balance, as in tests/test_routing.py: a few hundred floating
# operations per reach-day (~1e-13 relative); 1e-9 leaves four orders of margin.
BALANCE_TOL = 1e-9


def run(net, lateral, boundary, requests, **kw):
    """Route a network without reservoirs (bed slope 1e-3 everywhere)."""
    n_day = len(lateral)
    z = np.zeros((n_day, 0))
    return route(net, np.full(len(net.reaches), 1e-3), lateral, boundary, z, z, z,
                 np.ones(n_day, dtype=np.int64), withdrawals=requests, **kw)


def tree():
    """r3 -> r1 -> r0 <- r2, r4 -> r2: five reaches of 20-60 km."""
    return Network((reach("r0", 40e3, None), reach("r1", 60e3, "r0"), reach("r2", 20e3, "r0"),
                    reach("r3", 30e3, "r1"), reach("r4", 50e3, "r2")))


def requests(n_day, rows):
    """WithdrawalRequests from ``(reach, flow (number or (D,)), share)`` rows, in order."""
    return WithdrawalRequests(np.array([r for r, _, _ in rows], dtype=np.int64),
                              np.array([np.broadcast_to(np.asarray(f, dtype=float), (n_day,)) for _, f, _ in rows]),
                              np.array([s for _, _, s in rows], dtype=float))


def test_each_request_takes_its_share_of_the_routed_inflow():
    rng = np.random.default_rng(5)
    n_day = 120
    net = tree()
    lateral = rng.gamma(0.6, 4.0, size=(n_day, 5))
    boundary = np.zeros((n_day, 5))
    boundary[:, 3] = 15.0 + 300.0 * (rng.random(n_day) < 0.08)  # floods from the top of r3
    asked = rng.uniform(0.0, 30.0, n_day)
    h = run(net, lateral, boundary, requests(n_day, [(1, asked, 0.6), (0, np.inf, 0.2)]))
    for r, flow, share in ((1, asked, 0.6), (0, np.inf, 0.2)):
        rule = np.minimum(flow, share * (h.q_in[:, r] + lateral[:, r]))
        # no cell ran short (the realised lateral is the asked one): the rule exactly
        full = np.isclose(h.lateral[:, r], lateral[:, r] - rule, rtol=0, atol=1e-12 * rule.max())
        assert full.mean() > 0.9
        np.testing.assert_allclose(h.withdrawn[full, r], rule[full], rtol=1e-14)
        assert (h.withdrawn[:, r] <= rule * (1 + 1e-14)).all()
    assert (h.withdrawn[:, [2, 3, 4]] == 0).all()
    assert h.reach_water_balance_error() < BALANCE_TOL


def test_steady_flows_take_what_accumulation_takes():
    """On steady inputs routing and accumulation give the same flows, so the same water is taken
    (several requests on one reach, a channel loss, and one below another)."""
    n_day = 6
    net = tree()
    lateral = np.tile([3.0, 2.0, 1.5, 16.0, 2.5], (n_day, 1))
    boundary = np.zeros((n_day, 5))  # a watershed's reaches are fed along their length
    asked = requests(n_day, [(3, 5.0, 0.9), (1, np.inf, 0.25), (1, 100.0, 0.5), (0, 2.0, 0.9), (4, 9.0, 0.3)])
    h = run(net, lateral, boundary, asked)
    z = np.zeros((n_day, 0))
    expected = withdrawn_lateral(net, asked, lateral, z, z, z, np.ones(n_day, dtype=np.int64))[1]
    # steady from the first day (the default start is the steady state): round-off only
    np.testing.assert_allclose(h.withdrawn, expected, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(h.lateral, lateral - expected, rtol=1e-12, atol=1e-13)
    np.testing.assert_allclose(h.q_out, h.q_in + h.lateral, rtol=1e-12)


def test_a_transient_larger_withdrawal_is_cut_to_what_flows():
    """A flood arrives at a reach of four cells still carrying the base flow: the request (90 %
    of the day's inflow, taken along the reach) is more than the lower cells receive that day.
    They give what flows in, no cell is emptied below zero, and the balance closes with the
    water actually taken."""
    n_day = 10
    net = Network((reach("r0", 120e3, None),))
    boundary = np.full((n_day, 1), 1.0)
    boundary[3:6, 0] = 200.0
    lateral = np.zeros((n_day, 1))
    h = run(net, lateral, boundary, requests(n_day, [(0, np.inf, 0.9)]), sub_reaches=np.array([4]))
    asked = 0.9 * h.q_in[:, 0]
    assert (h.withdrawn[:, 0] <= asked * (1 + 1e-14)).all()
    assert h.withdrawn[3, 0] < 0.99 * asked[3]  # the flood's first day: cut
    np.testing.assert_allclose(h.lateral[:, 0], -h.withdrawn[:, 0], rtol=1e-14)
    assert (h.q_out > 0).all()
    assert h.final is not None and (h.final.cell_storage >= 0).all()
    assert (h.reach_storage >= 0).all()
    assert h.reach_water_balance_error() < BALANCE_TOL


@st.composite
def random_case(draw):
    """tests/test_routing.py's random trees and flows, with a request on some reaches (at most
    one each): a requested flow or, on about a third of the days, the share alone."""
    net, _, lateral, boundary, _ = draw(routing_case())
    n_day, n = lateral.shape
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    taking = np.flatnonzero(rng.random(n) < 0.6)
    flows = np.where(rng.random((taking.size, n_day)) < 0.3, np.inf, rng.uniform(0.0, 100.0, (taking.size, n_day)))
    asked = WithdrawalRequests(taking.astype(np.int64), flows, rng.uniform(0.0, 1.0, taking.size))
    return net, lateral, boundary, asked


@settings(max_examples=60, deadline=None)
@given(random_case())
def test_routed_withdrawals_keep_water_positive_and_balanced_on_random_trees(case):
    net, lateral, boundary, asked = case
    h = run(net, lateral, boundary, asked)
    assert (h.q_out >= 0).all(), h.q_out.min()
    volume = (h.q_in + lateral).max(initial=0.0) * SECONDS_PER_DAY + h.reach_storage.max()
    assert (h.reach_storage >= -1e-12 * volume).all(), h.reach_storage.min()
    assert h.reach_water_balance_error() < BALANCE_TOL
    assert (h.withdrawn >= 0).all()
    for k, r in enumerate(asked.reach):
        bound = np.minimum(asked.flow[k], asked.share[k] * (h.q_in[:, r] + lateral[:, r]))
        assert (h.withdrawn[:, r] <= bound * (1 + 1e-12) + 1e-300).all()
    # what was not taken stays in the river: the realised lateral is the given one less the water taken
    np.testing.assert_allclose(h.lateral, lateral - h.withdrawn, rtol=1e-12, atol=1e-12 * max(1.0, lateral.max()))
