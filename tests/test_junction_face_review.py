"""The dispersive face where a side tributary joins a wider river (issues 11, 16).

A side junction's conductance between the tributary's last cell ``a`` and the
first cell ``b`` of the reach it joins is the tributary's mouth (its outlet
cross-section ``A_a``) over the two half-cells in series (Patankar 1980,
section 4.2-3): ``g = A_a / (dx_a / (2 D_u) + dx_b / (2 D_d))``.  The former
rule, mean D times mean area over the mean spacing, gave a 6 m wide tributary
about half the river's section and the river's dispersion coefficient.
"""
from __future__ import annotations

import naive_transport
import numpy as np
import pytest

from hydro import _transport_kernels as kernels
from hydro.network import Network, Reach
from hydro.transport import Constituent, TransportInputs, simulate
from hydro.validation.problems import empty_inputs

D_TRIB, D_RIVER = 2.0, 50.0  # m2 s-1
Q_TRIB, Q_RIVER = 1.0, 100.0  # m3 s-1


def _case(d_trib: float = D_TRIB):
    """A 2-cell narrow tributary and a 3-cell wide river joining a 3-cell river below."""
    def reach(rid, down, width, d, n):
        return Reach(id=rid, name=rid, length_m=3000.0 * n, downstream=down, velocity_coeff=0.4, velocity_exp=0.0,
                     width_coeff=width, width_exp=0.0, dispersion_m2_s=d, n_cells=n)
    net = Network((reach("trib", "below", 6.0, d_trib, 2), reach("river", "below", 100.0, D_RIVER, 3),
                   reach("below", None, 100.0, D_RIVER, 3)), (), ())
    q = np.array([[Q_TRIB, Q_RIVER, Q_TRIB + Q_RIVER]] * 2)  # steady: cross-sections do not change in a day
    return net, empty_inputs(net, 2, 1, q, q)


def _kernel_sj_cond(kernel_arguments, net, kw, sj_reach=None):
    """The kernel's side-junction conductances on day 0, with the cells a, b and their sections."""
    knet, static, water = kernel_arguments(lambda: simulate(net, [Constituent("c", "c")], TransportInputs(**kw)))[:3]
    cell_start, cell_dx, cell_volume, cell_share, cell_through = knet[0], knet[2], knet[3], knet[4], knet[5]
    down_index, dispersion, dispersive_inlet = knet[7], knet[10], knet[11]
    first, chain_head, face_coef, dinlets = static[3], static[2], static[17], static[18]
    sj = static[14] if sj_reach is None else sj_reach
    n_pad = cell_dx.shape[0] + 2 * chain_head.shape[0]
    vol0 = np.full(n_pad, np.inf)
    vol0[static[1]] = cell_volume
    work = [np.zeros(n_pad) for _ in range(5)]
    sj_cond = np.full(sj.shape[0], np.nan)
    kernels.day_hydraulics(water[0][0], water[1][0], water[2][0], water[3][0], cell_start, cell_dx, cell_share,
                           cell_through, first, vol0, dispersion, face_coef, down_index, sj, dinlets, chain_head,
                           dispersive_inlet, 0.9, 1.0, *work, sj_cond, np.zeros(dinlets.shape[0]),
                           np.zeros(chain_head.shape[0]), np.zeros(n_pad), np.zeros(n_pad),
                           np.zeros(cell_start.shape[0] - 1, dtype=np.int64))
    area = cell_volume / cell_dx  # m2: steady flow, the day's mean section is the start's
    return sj, sj_cond, cell_start, cell_dx, area


def test_side_junction_face_is_the_mouth_with_half_cells_in_series(kernel_arguments):
    net, kw = _case()
    sj, g, start, dx, area = _kernel_sj_cond(kernel_arguments, net, kw)
    assert list(sj) == [0]  # the tributary joins as a side junction (the wide river is the main stem)
    a, b = start[1] - 1, start[2]
    expected = area[a] / (0.5 * dx[a] / D_TRIB + 0.5 * dx[b] / D_RIVER)
    assert g[0] == pytest.approx(expected, rel=1e-12)  # same arithmetic up to reassociation: round-off
    old = 0.5 * (D_TRIB + D_RIVER) * 0.5 * (area[a] + area[b]) / (0.5 * (dx[a] + dx[b]))
    assert old > 20 * g[0]  # the former rule: some 340x this face here (section 2.5 m2 against ~126, D 26 against ~3.8)
    # the plain-Python reference applies the same rule to side links (and keeps main-stem ones)
    inp = TransportInputs(**kw)
    L, lateral, loss, _, vol0, share, _, _ = naive_transport.start(net, inp, 1)
    H = naive_transport.day_hydraulics(net, L, inp, 0, vol0, share, lateral, loss, 0.9, 1.0, inp.dispersive_inlet)
    side = [j for j in H["junctions"] if j[0] == 0]
    assert len(side) == 1 and side[0][3] == pytest.approx(expected, rel=1e-12)


def test_no_tributary_dispersion_no_exchange_and_no_division_by_zero(kernel_arguments):
    net, kw = _case(d_trib=0.0)
    sj, _, _, _, _ = _kernel_sj_cond(kernel_arguments, net, kw)
    assert sj.shape[0] == 0  # the existence rule: no junction without dispersion on the tributary
    # forced through the face anyway (D_u = 0), the kernel gives g = 0, not a division by zero
    _, g, _, _, _ = _kernel_sj_cond(kernel_arguments, net, kw, sj_reach=np.array([0], dtype=np.int64))
    assert g[0] == 0.0


def test_uniform_field_stays_uniform_across_the_junction():
    net, kw = _case()
    kw["init_conc"][:] = 1.7
    kw["boundary_flux"][:, :2, 0] = 1.7 * np.array([Q_TRIB, Q_RIVER])  # g s-1: inflows at the same 1.7 g m-3
    kw["boundary_conc"][:, :2, 0] = 1.7
    out = simulate(net, [Constituent("c", "c")], TransportInputs(**kw))
    np.testing.assert_allclose(out.reach_concentration, 1.7, rtol=1e-12)  # conservative exchange: round-off only
