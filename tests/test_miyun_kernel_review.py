"""What sets the warm Miyun run's sub-steps (docs/solver.md, *The warm run of a shipped basin*,
"Where the kernel's time goes on Miyun"): the figures quoted there, recomputed from the run's own
kernel arguments.

The shipped Miyun run is stopped at its first transport kernel call (its arguments captured), and
:func:`hydro._transport_kernels.day_hydraulics` is called day by day with each limit alone: the
Courant limit must give every day's sub-steps (the dispersion limit alone needs one or two), and
the last cell of ``qingshui_lower`` must be the cell that binds on the most days' sub-steps.  If
the basin's water changes, these figures change and the paragraph has to be brought up to date.
"""
from __future__ import annotations

import dataclasses
import math
from datetime import date

import numpy as np
import pytest

from hydro import _transport_kernels as kernels
from hydro.pipeline import run_watershed
from hydro.units import SECONDS_PER_DAY


def _miyun_kernel_args(kernel_arguments):
    from hydro.clitools import load_basin

    basin = load_basin("miyun")
    return basin, kernel_arguments(lambda: run_watershed(basin, date(2000, 1, 1), date(2017, 2, 28)))


def test_courant_sets_every_days_substeps_and_qingshui_lower_sets_most(kernel_arguments):
    basin, (net, static, water, _loads, _rates, start, _rx, _out, _lts) = _miyun_kernel_args(kernel_arguments)
    (cell_start, cell_reach, cell_dx, cell_volume, cell_share, cell_through, _kind, down_index, _rk, _ri,
     dispersion, dispersive_inlet, _sec, _pt) = net
    q_in, q_out, lateral, loss = water[:4]
    first, chain_head, sj_reach, face_coef, dinlets = static[3], static[2], static[14], static[17], static[18]
    pos = static[1]
    courant, disp_limit = start[4], start[5]
    n_pad = cell_dx.shape[0] + 2 * chain_head.shape[0]
    vol0 = np.full(n_pad, np.inf)
    vol0[pos] = cell_volume
    work = [np.zeros(n_pad) for _ in range(5)]  # fq, wdraw, dvol, half_lw, cond
    # sj_cond, b_cond, h_cond, vmin, gsum, reach_steps
    small = [np.zeros(sj_reach.shape[0]), np.zeros(dinlets.shape[0]), np.zeros(chain_head.shape[0]),
             np.zeros(n_pad), np.zeros(n_pad), np.zeros(cell_start.shape[0] - 1, dtype=np.int64)]
    slot_cell = np.full(n_pad, -1)
    slot_cell[pos] = np.arange(pos.shape[0])
    both, alone, sets = [], [], {}
    for day in range(q_in.shape[0]):
        def n_sub(c_lim, d_lim, day=day, vol0=vol0):
            return kernels.day_hydraulics(q_in[day], q_out[day], lateral[day], loss[day], cell_start, cell_dx,
                                          cell_share, cell_through, first, vol0, dispersion, face_coef,
                                          down_index, sj_reach, dinlets, chain_head, dispersive_inlet, c_lim,
                                          d_lim, *work, *small)[0]
        alone.append(n_sub(math.inf, disp_limit))
        both.append(n_sub(courant, disp_limit))
        fq, wdraw, dvol = work[0], work[1], work[2]
        vmin = np.minimum(vol0, vol0 + SECONDS_PER_DAY * dvol)
        rate = np.where(slot_cell >= 0, (fq + wdraw) / np.where(slot_cell >= 0, vmin, 1.0), 0.0)
        cell = slot_cell[int(np.argmax(rate))]
        sets[cell] = sets.get(cell, 0) + both[-1]
        vol0 = vol0 + SECONDS_PER_DAY * dvol
    both, alone = np.array(both), np.array(alone)
    # docs/solver.md: 81,327 sub-steps since the lakes evaporate at their own elevation (81,157 before, 6 Dec 2026;
    # 81,154 before the upstream curves' correction that day; 81,218 before Miyun's GR4J recalibration, 4 Dec 2026)
    assert both.sum() == 81327
    assert alone.max() <= 2 and (both >= alone).all()  # the dispersion limit alone: 1-2 a day
    ids = basin.network.reach_ids
    top = max(sets, key=sets.get)
    r = int(cell_reach[top])
    assert ids[r] == "qingshui_lower" and top == cell_start[r + 1] - 1  # its last cell
    assert sets[top] == 24073  # docs/solver.md: 24,073 of the 81,327


# ------------------------------------------------------------------ tags the sub-steps skip
def test_dead_tags_are_those_at_plus_zero_everywhere_with_all_their_species():
    """``_dead_tags``: two sources of two species (tag ``s * 2 + j``); source 0 all +0.0 but for
    a ghost slot (not looked at); source 1's species 1 holds -0.0 in a cell, which keeps both of
    its species; and nothing is marked where the day does not allow it."""
    n_tag, n_pad, n_day, n_reach, n_res, n_chain = 4, 6, 2, 2, 1, 1
    mass = np.zeros((n_tag, n_pad))
    mass[0, 0] = 5.0  # ghost slot 0: not a cell
    mass[3, 2] = -0.0
    pos = np.array([1, 2, 3, 4])
    args = (0, 0, n_tag, 2, mass, np.zeros((n_res, n_tag)), np.zeros((n_tag, n_chain)), np.zeros((n_tag, n_pad)),
            np.zeros((n_day, n_reach, n_tag)), np.zeros((n_day, n_reach, n_tag)), np.zeros((n_day, n_res, n_tag)),
            pos)
    dead = np.ones(n_tag, dtype=np.bool_)
    assert kernels._dead_tags(dead, *args, True) == 2
    assert dead.tolist() == [True, False, True, False]
    args[8][1, 0, 2] = 1e-300  # a boundary flux of species 1 of source 0 on day 1 (not day 0)
    assert kernels._dead_tags(dead, *args, True) == 2
    args = (1, *args[1:])
    assert kernels._dead_tags(dead, *args, True) == 0 and not dead.any()
    assert kernels._dead_tags(dead, *((0, *args[1:])), False) == 0 and not dead.any()


@pytest.mark.parametrize("seed", range(3))
def test_skipping_dead_tags_gives_the_same_bits_as_running_them(seed):
    """A source whose inputs and state are +0.0 until half-way through the run (then it gets
    loads) is skipped until then; the same case with its boundary concentrations -0.0 (the same
    arithmetic to the bit: -0.0 enters only ``c_b - c``, a zero added to +0.0) is never skipped.
    Every output of every tag must be the same bytes."""
    from test_reactions import run, species_case

    net, lay, kw = species_case(seed, 5, n_tag=3)
    n_day = kw["q_in"].shape[0]
    half = n_day // 2 + 1
    # source s1's three TN species (its CODMn keeps its loads: it shares the work rows of the
    # inlet split with them, whose values a skipped tag must not read)
    quiet = [k for k, t in enumerate(lay.tracers) if t.name.endswith("s1") and not t.name.startswith("codmn")]
    assert len(quiet) == 3
    for name in ("boundary_flux", "boundary_conc", "lateral_load", "point_load", "res_load"):
        kw[name] = np.array(kw[name])
        kw[name][:half, ..., quiet] = 0.0
    for name in ("init_conc", "init_res_conc"):
        kw[name] = np.array(kw[name])
        kw[name][..., quiet] = 0.0
    skipped = run(net, lay, kw)
    kw["boundary_conc"][..., quiet] = np.where(kw["boundary_conc"][..., quiet] == 0.0, -0.0,
                                               kw["boundary_conc"][..., quiet])
    ran = run(net, lay, kw)
    for field in dataclasses.fields(skipped):
        a, b = getattr(skipped, field.name), getattr(ran, field.name)
        if isinstance(a, np.ndarray):
            assert a.shape == b.shape and a.tobytes() == b.tobytes(), field.name
