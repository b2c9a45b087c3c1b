"""The dispersive face where a reach's main upstream continues it in a chain (issues 11, 16).

The main upstream of a reach is the one with most cells upstream, whatever its
size, so a small headwater can be fused in a chain with a river a thousand
times its flow.  Its face (between the headwater's last cell ``a`` and the
first cell ``b`` below) follows the side-junction rule: the upstream cell's
section ``A_a`` (the mouth) over the two half-cells in series (Patankar 1980,
section 4.2-3), ``g = A_a / (dx_a / (2 D_u) + dx_b / (2 D_d))``.  The former
rule, mean D times the two cells' mean section over the mean spacing, gave a
0.1 m3 s-1 headwater half the river's section and pulled its last cell to the
river's concentration (docs/solver.md, Dispersion).
"""
from __future__ import annotations

import naive_transport
import numpy as np
import pytest

from hydro import _transport_kernels as kernels
from hydro.network import Network, Reach
from hydro.transport import Constituent, TransportInputs, simulate
from hydro.validation.problems import empty_inputs

D_HEAD, D_RIVER = 2.0, 50.0  # m2 s-1
Q_HEAD, Q_RIVER = 0.1, 100.0  # m3 s-1
C_HEAD, C_RIVER = 15.0, 2.0  # mg L-1


def _case(n_days: int = 2):
    """A 3-cell small headwater (the main upstream: most cells) and a 1-cell wide river joining a reach below."""
    def reach(rid, down, width, d, n):
        return Reach(id=rid, name=rid, length_m=3000.0 * n, downstream=down, velocity_coeff=0.4, velocity_exp=0.0,
                     width_coeff=width, width_exp=0.0, dispersion_m2_s=d, n_cells=n)
    net = Network((reach("head", "below", 6.0, D_HEAD, 3), reach("river", "below", 100.0, D_RIVER, 1),
                   reach("below", None, 100.0, D_RIVER, 3)), (), ())
    q = np.array([[Q_HEAD, Q_RIVER, Q_HEAD + Q_RIVER]] * n_days)  # steady: sections do not change in a day
    return net, empty_inputs(net, n_days, 1, q, q)


def test_fused_face_is_the_mouth_with_half_cells_in_series(kernel_arguments):
    net, kw = _case()
    knet, static, water = kernel_arguments(lambda: simulate(net, [Constituent("c", "c")], TransportInputs(**kw)))[:3]
    cell_start, cell_dx, cell_volume, cell_share, cell_through = knet[0], knet[2], knet[3], knet[4], knet[5]
    down_index, dispersion, dispersive_inlet = knet[7], knet[10], knet[11]
    pos, chain_head, first, last, fj_reach = static[1], static[2], static[3], static[4], static[13]
    sj_reach, face_coef, dinlets = static[14], static[17], static[18]
    assert list(fj_reach) == [0] and list(sj_reach) == [1]  # the headwater is fused, the river a side junction
    n_pad = cell_dx.shape[0] + 2 * chain_head.shape[0]
    vol0 = np.full(n_pad, np.inf)
    vol0[pos] = cell_volume
    work = [np.zeros(n_pad) for _ in range(5)]
    kernels.day_hydraulics(water[0][0], water[1][0], water[2][0], water[3][0], cell_start, cell_dx, cell_share,
                           cell_through, first, vol0, dispersion, face_coef, down_index, sj_reach, dinlets,
                           chain_head, dispersive_inlet, 0.9, 1.0, *work, np.zeros(1), np.zeros(dinlets.shape[0]),
                           np.zeros(chain_head.shape[0]), np.zeros(n_pad), np.zeros(n_pad),
                           np.zeros(cell_start.shape[0] - 1, dtype=np.int64))
    cond = work[4]
    area = cell_volume / cell_dx  # m2: steady flow, the day's mean section is the start's
    a, b = cell_start[1] - 1, cell_start[2]
    expected = area[a] / (0.5 * cell_dx[a] / D_HEAD + 0.5 * cell_dx[b] / D_RIVER)
    assert cond[last[0]] == pytest.approx(expected, rel=1e-12)  # same arithmetic up to reassociation: round-off
    old = 0.5 * (D_HEAD + D_RIVER) * 0.5 * (area[a] + area[b]) / (0.5 * (cell_dx[a] + cell_dx[b]))
    assert old > 1000 * expected  # the former rule: ~3,300x here (section ~125 m2 against 0.25, D 26 against ~1.9)
    # interior faces keep the mean rule
    i = cell_start[0]
    assert cond[pos[i]] == pytest.approx(D_HEAD * area[i] / cell_dx[i], rel=1e-12)
    # the plain-Python reference applies the same rule
    inp = TransportInputs(**kw)
    L, lateral, loss, _, vol0n, share, _, _ = naive_transport.start(net, inp, 1)
    H = naive_transport.day_hydraulics(net, L, inp, 0, vol0n, share, lateral, loss, 0.9, 1.0, inp.dispersive_inlet)
    fused = [j for j in H["junctions"] if j[0] == 0]
    assert len(fused) == 1 and fused[0][3] == pytest.approx(expected, rel=1e-12)


def test_headwater_keeps_its_concentration_above_a_large_river():
    net, kw = _case(n_days=20)
    kw["init_conc"][:3] = C_HEAD
    kw["init_conc"][3:] = C_RIVER
    kw["boundary_flux"][:, :2, 0] = np.array([Q_HEAD * C_HEAD, Q_RIVER * C_RIVER])  # g s-1
    kw["boundary_conc"][:, :2, 0] = [C_HEAD, C_RIVER]
    out = simulate(net, [Constituent("c", "c")], TransportInputs(**kw))
    head_out = out.final_concentration[2, 0]
    # steady balance of the last cell, Q (c_up - c) = g (c - c_b): with the mouth conductance
    # g ~ 3.2e-4 m3 s-1 against Q = 0.1, c drops by g / (Q + g) of 13 mg/L ~ 0.04 (the cells above
    # a little less); the former rule (g ~ 1.1 m3 s-1) pulled it to 3.8 mg/L.  0.1 bounds the former.
    assert C_HEAD - 0.1 < head_out <= C_HEAD
    assert out.reach_concentration[-1, 0, 0] > C_HEAD - 0.1
