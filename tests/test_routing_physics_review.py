"""Physics review of the routing (2026-12-01): the reference discharge of multi-cell reaches.

The Muskingum-Cunge celerity and width of a reach-day are taken at its reference discharge
(:func:`hydro._routing_kernels.reach_reference_q`), about the mean discharge in the reach: the
mean of the cells' mean outflow at the start of the day and the mean cell flow today's inflows
give at steady state.  Before the review
the lateral inflow was counted twice in a reach of several cells (once in the cells' outflows,
once more as half the lateral inflow), so the celerity came out up to ``1.5**b`` too high.
"""

from __future__ import annotations

import numpy as np
import pytest

from hydro import _routing_kernels as _rk
from hydro.hydraulics import SECONDS_PER_DAY

# A headwater-like reach: inflow 10 m3/s at the inlet, 30 m3/s joining along it, four cells.
Q_IN, LATERAL, N_CELL = 10.0, 30.0, 4
#: Steady cell outflows ``q_in + (i + 1) lateral / n`` (m3/s): 17.5, 25, 32.5, 40.
STEADY_OUT = Q_IN + np.arange(1, N_CELL + 1) * LATERAL / N_CELL
#: The mean discharge in the reach by hand: each cell carries its outflow along its length
#: (the lateral share enters at its top), so the mean of 17.5, 25, 32.5 and 40 = 28.75 m3/s
#: (``q_in + lateral (n + 1) / (2 n)``).  The double count gave 0.5 (10 + 28.75) + 15 = 34.375.
MEAN_Q = 28.75
VEL = (0.3, 0.3)  # v = 0.3 Q**0.3 m/s
WIDTH = (10.0, 0.4)  # w = 10 Q**0.4 m
SLOPE = 1e-3
DX = 20_000.0  # m, cell length


def test_reference_discharge_is_the_mean_cell_flow_at_steady_state():
    # exact arithmetic on a few values of order 10: round-off ~1e-15 relative
    assert _rk.reach_reference_q(Q_IN, LATERAL, STEADY_OUT.copy()) == pytest.approx(MEAN_Q, rel=1e-14)
    # one cell: the mean of its inflow (inlet + lateral) and outflow, as before the review
    assert _rk.reach_reference_q(Q_IN, LATERAL, np.array([Q_IN + LATERAL])) == pytest.approx(40.0,
                                                                                          rel=1e-14)
    # a withdrawal does not lower it (lateral+ = 0): the mean of inlet and mean cell outflow
    out = np.array([8.0, 6.0, 4.0, 2.0])
    assert _rk.reach_reference_q(Q_IN, -8.0, out) == pytest.approx(0.5 * (10 + 5), rel=1e-14)
    # out of steady state: half the start-of-day mean cell flow (5), half today's steady one
    # (10 + 30 * 5 / 8 = 28.75)
    assert _rk.reach_reference_q(Q_IN, LATERAL, out) == pytest.approx(16.875, rel=1e-14)


@pytest.mark.parametrize("n_cell", [1, 2, 4, 16])
def test_reference_discharge_tends_to_the_continuous_mean(n_cell):
    # steady state: q_in + lateral (n + 1) / (2 n), which tends to q_in + lateral / 2, the mean
    # of the linear profile along a reach with uniform lateral inflow
    out = Q_IN + np.arange(1, n_cell + 1) * LATERAL / n_cell
    expected = Q_IN + LATERAL * (n_cell + 1) / (2 * n_cell)
    assert _rk.reach_reference_q(Q_IN, LATERAL, out) == pytest.approx(expected, rel=1e-14)


def test_steady_reach_travel_time_is_the_analytical_one():
    """A steady reach's Muskingum K (the cell's travel time) is ``dx / c(q_mean)``."""
    out = np.zeros(N_CELL)
    store = np.zeros(N_CELL)
    _rk.init_reach(Q_IN, LATERAL, 0.0, False, out, store, DX, VEL[0], VEL[1], WIDTH[0], WIDTH[1],
                   SLOPE, 96)
    np.testing.assert_allclose(out, STEADY_OUT, rtol=1e-14)
    q_out, n_t, k, _x, short = _rk.route_reach_day(Q_IN, LATERAL, out, store, DX, VEL[0], VEL[1],
                                                  WIDTH[0], WIDTH[1], SLOPE, 96)
    celerity = VEL[0] * MEAN_Q ** VEL[1] / (1.0 - VEL[1])  # c = v / (1 - b), m/s
    k_exact = DX / celerity  # 13.9 h, above dt/2 for the sub-steps chosen, so not limited
    assert k > 0.5 * SECONDS_PER_DAY / n_t
    # the double count gave c 5.5 % high (34.375 / 28.75)**0.3 = 1.055: K 5.2 % short; the
    # result is a few operations on values of order 1e4: 1e-12 leaves three orders of margin
    assert k == pytest.approx(k_exact, rel=1e-12)
    # and the reach stays steady: outflow and storage K * sum(out) unchanged
    assert q_out == pytest.approx(Q_IN + LATERAL, rel=1e-12)
    np.testing.assert_allclose(store, k_exact * STEADY_OUT, rtol=1e-12)
    assert short == 0.0
