"""Numba kernels of the finite-volume transport solver (private).

Everything here takes contiguous numpy arrays and scalars only.  The public
wrapper is :func:`hydro.transport.simulate`; the plain-Python mirror used by the
tests is ``tests/naive_transport.py`` (one function there per kernel here).

Units inside the kernels are SI: mass g, water m3, time s, flow m3 s-1,
concentration g m-3 (= mg L-1), load g s-1.

Kernels, in the order a run uses them
-------------------------------------
:func:`static_layout`
    built once per run (:func:`hydro.transport_args.network_args`; the lanes of a
    run share it): chains of reaches, the padded index of every cell, ghost
    slots, side tributaries, dispersive junctions and faces, sections.
:func:`day_hydraulics`
    per day: face flows, volume rates, withdrawals, the sub-step and the
    dispersive conductances.
:func:`fill_ghosts`, :func:`advective_fluxes`, :func:`tank_apply`,
:func:`_inlet_split`, :func:`advect`, :func:`disperse`, :func:`react`
    the rest of a sub-step: withdrawals and advection, then dispersion and
    removal, and reactions between species (their propagators per reach and
    day from :func:`reaction_propagators`, per slot from
    :func:`slot_propagators`).  :func:`reservoir_tanks` steps every reservoir;
    a tank's step is split in three (:func:`tank_tau`,
    :func:`tank_coefficients`, :func:`tank_apply`) so that the tags of a group
    share what does not depend on their mass.
:func:`day_outputs`
    per day: outputs and budget terms from the day's accumulators.

Every kernel of a sub-step takes all the tags of a group in one call: a call
with many array arguments costs about as much as a pass of the stencil over a
network of a few hundred cells (the shipped basins), so per-tag calls cost more
than the arithmetic there.  Each pass stays a short loop that vectorises;
passes fused into one loop carrying values from slot to slot (advection and
the first dispersion stage, or the flux computed inside the advection) were
measured slower: the carried values keep the loop scalar.  Values recomputed
where they are read do not carry: :func:`advect` leaves ``c = m / V`` unstored
where :func:`disperse` follows (which multiplies where it reads), and a group
of several tags takes each tag's flux share in the update's pass
(:func:`advect_shares`).  Loops over chains
and junctions keep data-dependent branches out (the flux-inlet bound is a
select, but for the rare step whose tags' plans cancel: :func:`_bounded_shares`):
a branch that flips from step to step costs more than the loop's arithmetic.
:func:`simulate_kernel`
    the loop over days, constituents and sub-steps that calls them; it takes
    the named tuples of :mod:`hydro.transport_args`.

Reference counts.  Numba counts the references to every array it passes or
views with atomic operations on the array's header, and drops the pairs it can
prove useless (its reference-count pruning); a pair survives where a path
leaves without it, i.e. past a call that may raise (``x / y`` raises on a zero
divisor; so does a helper that is not inlined and may raise), a view (``a[k]``)
whose last use lies in a branch, or an array chosen by a condition.  A
surviving pair at the top of a sub-step helper taking thirty arrays cost more
than the helper's arithmetic on the shipped networks, and two lanes running
side by side on one array contend for its header.  So the sub-step kernels
divide with ``np.divide`` (the same IEEE division, without the check),
index rows (``x[k, p]``) rather than take views where a branch follows, take
one array rather than one of two, and write out the tank's pieces loop rather
than call it; and each lane has its own copy of the shared network arrays
(:func:`hydro.transport_args.lane_copy`).  ``tests/test_transport_speed_review.py``
checks that these kernels compile without reference counts.  The caller counts too: every
argument is a copy of its variable, counted before the call and released after it, a pair
that the pruning drops only where nothing splits the call's block.  A boolean operator among
the arguments does (its short circuit; so flags are computed before the call), and so does a
call with more than 30 positional arguments, which Python compiles as a call with ``*args``
(``CALL_FUNCTION_EX``) whose tuple keeps the count of every array in it: about 80 pairs per
group and sub-step, a tenth of the Miyun transport.  So no call in :func:`simulate_kernel`
takes more than 30, the arrays that stay the same through a run passed as tuples built once
(``tests/test_transport_speed_review2.py`` checks both).

Memory layout.  Reaches are joined into *chains*: a reach is followed by the
reach below it whenever it is that reach's main upstream reach (see
:func:`chain_layout`), so a chain runs from a source down a main stem.  The
cells of every chain lie in one flat *padded* array with a ghost slot before and
after each chain (``[g, c0, c1, ..., g, g, c0, ...]``).  Every per-cell pass is
then a plain stencil over the whole array: inside a chain the limiter sees the
true neighbours across junctions, and dispersion across a fused junction is a
face of the stencil.  Ghost slots carry the inlet mixture of a chain head and
the downstream neighbour of a chain tail, have zero flow and conductance and an
infinite volume (so their concentration is 0), and their mass is never read.
Side tributaries and reservoirs entering a reach that continues a chain enter
its first cell as a source.

Water.  The face flows are the hydraulics' daily means at the reach's ends; along
a reach, lateral water, withdrawals (at the cell's concentration) and storage
change are shared among cells in proportion to their volume, so a face carries
``q_in + W (q_out - q_in)`` with ``W`` the share of the reach above it (between
the two end flows, never negative; linear along a reach of equal cells).  Cell
volumes are *not* recomputed from the day's hydraulic geometry: they change by
the discrete water balance of the cell, ``dV/dt = F_in - F_out + lateral -
withdrawal``, linearly within the day, so every sub-step's volume change is
carried by water with its concentration (consistency with continuity, Gross et
al. 2002).  A uniform field therefore stays uniform under any flows.  Reservoir
volumes come from the reservoir water balance of the hydraulics and vary
linearly within the day too; the tank is integrated exactly in that volume.

Scheme (Strang splitting over the day: advection over half a sub-step, then
dispersion and removal over a sub-step and advection over a sub-step, ..., and
the last advection over half a sub-step again; for constant coefficients
advection and dispersion commute, so the splitting adds no error there, and the
symmetric arrangement keeps it second order where they do not):

* flux (Danckwerts) inlets, ``Q c(0) - D A c_x(0) = Q c_in``: the inflow is
  shared between the two sub-problems so that each sees boundary data that its
  part of the exact solution satisfies (in the spirit of the boundary-compatible
  splitting of Einkemmer & Ostermann, SIAM J. Sci. Comput. 37 (2015) A1577 and,
  for flux boundary conditions, 38 (2016) A3741).  Given
  all to advection (and none to dispersion, whose inlet face is then closed),
  each sub-step pushes the first cell by an O(1) fraction of the inlet jump
  ``c_in - c(0)`` in opposite directions, and the splitting error there does not
  vanish with the grid (Hundsdorfer & Verwer 2003, ch. IV: order reduction with
  inhomogeneous boundary conditions; the first cell's error stalled at 2e-4 of
  ``C0``).  So the dispersion step takes the dispersive part,
  ``H (c_in - c_1)`` with ``H = Q g / (Q + g)``, ``g = D A / (dx/2)`` (the
  Danckwerts relation solved for the inlet value, ``c(0) = (Q c_in + g c_1) /
  (Q + g)``), inside its Heun stages, and the advection step the rest: its
  inflow is ``Q c_in`` less what the dispersion steps brought in, centred on
  its own time (half of the dispersion step before it, half of an estimate of
  the one after it, the estimate corrected by the next advection step; see
  :func:`_inlet_split`).  Both parts are booked as inflow, and every day the
  mass entering is exactly the inflow; only the advective inflow value is
  held between ``c_in`` and ``c_1`` (for the maximum principle), and what that
  holds back, normally nothing, is taken in the following steps.  The
  limiter still sees ``c_in`` upstream.  The first cell is then second order
  (the flux-inlet validation cases: first-cell orders 2.2/1.9 transient,
  1.9/1.8 steady, was 2.1/0.3 and 1.8/0.3);
* advection: flux-limited Lax-Wendroff (Sweby 1984) with the monotonized-central
  limiter (van Leer 1977), written branch-free.  Within the range of its inputs
  for a cell Courant number ``nu <= 1``, where ``nu`` is the water leaving the
  cell in a sub-step over the smallest volume the cell has that day; the
  Lax-Wendroff factor uses that same ``nu``, which only reduces the correction
  and keeps it in Sweby's TVD region;
* dispersion: central differences, Heun's method (two forward Euler stages, the
  second-order strong-stability-preserving Runge-Kutta scheme), so the
  dispersion sub-problem is second order in time as Strang splitting needs.
  Each stage stays within range while the summed face conductance (with ``H``
  at a flux inlet) times dt over the cell's smallest volume is <= 1;
  conductances use the cross-section at the day's mean volume;
* reservoirs: well-mixed tanks, exact in the day's linearly varying volume
  (integrated with the advection);
* removal: exact exponential, rate ``k20 * theta**(T - 20)``, with dispersion.
"""

from __future__ import annotations

import math

import numpy as np

from hydro._compile import kernel
from hydro.units import SECONDS_PER_DAY

# Budget terms (third axis of the budget arrays), same for reaches and reservoirs;
# their names are hydro.variables.FLUX_TERMS.
B_INFLOW = 0  # advective mass from upstream elements and upstream boundaries
B_LATERAL = 1  # lateral (diffuse) loads; direct loads on reservoirs
B_POINT = 2  # point loads
B_OUTFLOW = 3  # advective mass leaving through the element outlet
B_REMOVAL = 4  # first-order decay and apparent settling
B_WITHDRAWAL = 5  # mass leaving with withdrawn water
B_DISPERSION = 6  # net dispersive exchange into the element (incl. boundaries)

# Downstream kinds.
DOWN_OUTLET = 0
DOWN_REACH = 1
DOWN_RESERVOIR = 2

#: Masses below this (g) are set to zero at the end of each day and booked as
#: removal, so that subnormal numbers never slow a run (a 1e-250 g tail is
#: physically nothing; the budget still closes exactly).
TINY_MASS_G = 1e-250


@kernel(helper=True)
def chain_layout(reach_cell_start, reach_down_kind, reach_down_index, cut, reach_rank=None):
    """Chains of reaches and the padded index of every cell (see the module docstring).

    The *main* upstream reach of a reach is, among the reaches draining into it, the one with the
    most cells upstream of and including it (its whole upstream network of reaches, not counted
    through reservoirs); ties go to the lowest ``reach_rank`` ((R,) int, each reach's place among
    the reach ids sorted: :attr:`hydro.network_layout.Layout.reach_rank`, so that the order of the
    basin file's tables changes nothing; default the index).  A chain starts at a reach without a
    main upstream reach (no reach drains into it, or ``cut``, (R,) bool: a chain cut above this
    reach, whose reaches upstream then all join it as side tributaries; ``LocalSteps.cut``) and
    continues into the reach below for as long as it is that reach's main upstream.  Chains are laid
    out one after another, each with a ghost slot before and after it, the largest first (the cells
    upstream of their tail; the order changes no result of the global sub-step, whose passes are per
    slot, and puts chains of one local step class side by side: :func:`lts_lists`).

    Returns ``main_up`` (R,) (-1 where none), ``pos`` (N,) padded slot of every
    cell, ``chain_head`` and ``chain_tail`` (C,) first and last reach of each chain, and
    ``cut_up`` (R,) the main upstream reach a cut took away (-1 where none).
    """
    n_reach = reach_cell_start.shape[0] - 1
    n_cell = reach_cell_start[n_reach]
    left = np.zeros(n_reach, dtype=np.int64)
    for r in range(n_reach):
        if reach_down_kind[r] == DOWN_REACH:
            left[reach_down_index[r]] += 1
    # topological order over reach -> reach links (Kahn)
    order = np.empty(n_reach, dtype=np.int64)
    n_o = 0
    for r in range(n_reach):
        if left[r] == 0:
            order[n_o] = r
            n_o += 1
    h = 0
    while h < n_o:
        r = order[h]
        h += 1
        if reach_down_kind[r] == DOWN_REACH:
            d = reach_down_index[r]
            left[d] -= 1
            if left[d] == 0:
                order[n_o] = d
                n_o += 1
    up_cells = np.empty(n_reach, dtype=np.int64)
    for r in range(n_reach):
        up_cells[r] = reach_cell_start[r + 1] - reach_cell_start[r]
    rank = np.arange(n_reach)
    if reach_rank is not None:
        for r in range(n_reach):
            rank[r] = reach_rank[r]
    main_up = np.full(n_reach, -1, dtype=np.int64)
    for h in range(n_o):
        r = order[h]
        if reach_down_kind[r] == DOWN_REACH:
            d = reach_down_index[r]
            up_cells[d] += up_cells[r]
            m = main_up[d]
            if m < 0 or up_cells[r] > up_cells[m] or (up_cells[r] == up_cells[m] and rank[r] < rank[m]):
                main_up[d] = r
    cut_up = np.full(n_reach, -1, dtype=np.int64)
    for r in range(n_reach):
        if cut[r]:
            cut_up[r] = main_up[r]
            main_up[r] = -1
    n_chain = 0
    for r in range(n_reach):
        if main_up[r] < 0:
            n_chain += 1
    chain_head = np.empty(n_chain, dtype=np.int64)
    chain_tail = np.empty(n_chain, dtype=np.int64)
    # chains by the cells upstream of their tail, largest first (ties in topological order): chains
    # of a size, which tend to take the same local time step, lie side by side (lts_lists)
    heads = np.empty(n_chain, dtype=np.int64)
    size = np.empty(n_chain, dtype=np.int64)
    k = 0
    for h in range(n_o):
        r = order[h]
        if main_up[r] >= 0:
            continue
        heads[k] = r
        while reach_down_kind[r] == DOWN_REACH and main_up[reach_down_index[r]] == r:
            r = reach_down_index[r]
        size[k] = -up_cells[r]
        k += 1
    by_size = np.argsort(size, kind="mergesort")
    pos = np.empty(n_cell, dtype=np.int64)
    p = 0
    for k in range(n_chain):
        r = heads[by_size[k]]
        chain_head[k] = r
        p += 1  # ghost before the chain
        while True:
            for i in range(reach_cell_start[r], reach_cell_start[r + 1]):
                pos[i] = p
                p += 1
            if reach_down_kind[r] == DOWN_REACH and main_up[reach_down_index[r]] == r:
                r = reach_down_index[r]
            else:
                break
        chain_tail[k] = r
        p += 1  # ghost after the chain
    return main_up, pos, chain_head, chain_tail, cut_up


@kernel
def static_layout(reach_cell_start, cell_dx, reach_down_kind, reach_down_index, reach_dispersion,
                  dispersive_inlet, section_cell, cut=None, reach_rank=None):
    """Everything about the network that does not change from day to day.

    Returns a tuple of arrays (``n_pad`` is the length of the padded array):

    ``main_up, pos, chain_head, first, last, head_chain, ghost_up, ghost_dn,
    dn_src, into_res, side_src, side_dst, side_reach, fj_reach, sj_reach, sj_a,
    sj_b, face_coef, dinlets, sec_kind, sec_index, sec_slot, up_src``

    ``first``/``last`` are the padded slots of each reach's first and last cell;
    ``fj_*`` are dispersive junctions fused in a chain (a face of the stencil)
    and ``sj_*`` the side ones (explicit exchanges); ``face_coef`` times the sum
    of the two cells' cross-sections is the conductance of the face after each
    slot (m3 s-1), at a fused junction's face times the upstream cell's alone
    (the side junctions' mouth rule, :func:`day_hydraulics`); ``dinlets`` are the reaches whose inlet is held at a
    concentration.  A section's dispersive flux is that of face ``sec_slot`` of
    the stencil (``sec_kind`` 1), of side junction ``sec_index`` (2), or none (0).
    ``cut`` (R,) bool: chains cut above these reaches (:func:`chain_layout`; default none).
    ``reach_rank`` (R,) int: :func:`chain_layout`'s tie-break between two main upstream reaches.
    ``up_src`` (C,): the slot whose value the inlet ghost of a chain without an inflow
    concentration takes: its first cell (zero gradient), or below a cut the last cell of the
    main upstream reach it had (the limiter then sees the neighbour of the uncut chain).
    """
    n_reach = reach_cell_start.shape[0] - 1
    cuts = np.zeros(n_reach, dtype=np.bool_) if cut is None else cut
    main_up, pos, chain_head, chain_tail, cut_up = chain_layout(reach_cell_start, reach_down_kind,
                                                                reach_down_index, cuts, reach_rank)
    n_chain = chain_head.shape[0]
    first = np.empty(n_reach, dtype=np.int64)
    last = np.empty(n_reach, dtype=np.int64)
    for r in range(n_reach):
        first[r] = pos[reach_cell_start[r]]
        last[r] = pos[reach_cell_start[r + 1] - 1]
    head_chain = np.full(n_reach, -1, dtype=np.int64)
    ghost_up = np.empty(n_chain, dtype=np.int64)
    ghost_dn = np.empty(n_chain, dtype=np.int64)
    dn_src = np.empty(n_chain, dtype=np.int64)  # slot the outlet ghost copies
    up_src = np.empty(n_chain, dtype=np.int64)  # slot the inlet ghost copies where it has no inflow mixture
    for k in range(n_chain):
        r = chain_head[k]
        head_chain[r] = k
        ghost_up[k] = first[r] - 1
        up_src[k] = first[r] if cut_up[r] < 0 else pos[reach_cell_start[cut_up[r] + 1] - 1]
        r = chain_tail[k]
        ghost_dn[k] = last[r] + 1
        if reach_down_kind[r] == DOWN_REACH:
            dn_src[k] = first[reach_down_index[r]]
        else:
            dn_src[k] = last[r]  # outlet; above a reservoir the ghost is set each sub-step
    n_into_res = 0
    n_side = 0
    for r in range(n_reach):
        if reach_down_kind[r] == DOWN_RESERVOIR:
            n_into_res += 1
        elif reach_down_kind[r] == DOWN_REACH and main_up[reach_down_index[r]] != r:
            n_side += 1
    into_res = np.empty(n_into_res, dtype=np.int64)
    side_src = np.empty(n_side, dtype=np.int64)  # last slot of the tributary
    side_dst = np.empty(n_side, dtype=np.int64)  # first slot of the reach below
    side_reach = np.empty(n_side, dtype=np.int64)  # the reach below
    k = 0
    kk = 0
    for r in range(n_reach):
        if reach_down_kind[r] == DOWN_RESERVOIR:
            into_res[k] = r
            k += 1
        elif reach_down_kind[r] == DOWN_REACH and main_up[reach_down_index[r]] != r:
            side_src[kk] = last[r]
            side_dst[kk] = first[reach_down_index[r]]
            side_reach[kk] = reach_down_index[r]
            kk += 1
    # dispersive junctions: last cell of a reach -> first cell of the reach below
    n_fj = 0
    n_sj = 0
    for r in range(n_reach):
        if reach_down_kind[r] == DOWN_REACH and reach_dispersion[r] > 0.0 \
                and reach_dispersion[reach_down_index[r]] > 0.0:
            if main_up[reach_down_index[r]] == r:
                n_fj += 1
            else:
                n_sj += 1
    fj_reach = np.empty(n_fj, dtype=np.int64)
    sj_reach = np.empty(n_sj, dtype=np.int64)
    sj_a = np.empty(n_sj, dtype=np.int64)
    sj_b = np.empty(n_sj, dtype=np.int64)
    sj_of_reach = np.full(n_reach, -1, dtype=np.int64)
    k = 0
    kk = 0
    for r in range(n_reach):
        if reach_down_kind[r] == DOWN_REACH and reach_dispersion[r] > 0.0 \
                and reach_dispersion[reach_down_index[r]] > 0.0:
            if main_up[reach_down_index[r]] == r:
                fj_reach[k] = r
                k += 1
            else:
                sj_reach[kk] = r
                sj_a[kk] = last[r]
                sj_b[kk] = first[reach_down_index[r]]
                sj_of_reach[r] = kk
                kk += 1
    # face conductance per unit of summed cross-section: D / 2 / distance between
    # cell centres (zero where the stencil has no face); at a fused junction, per
    # unit of the upstream cell's cross-section (the side-junction rule, day_hydraulics)
    n_pad = reach_cell_start[n_reach] + 2 * n_chain
    face_coef = np.zeros(n_pad)
    for r in range(n_reach):
        d_r = reach_dispersion[r]
        if d_r <= 0.0:
            continue
        for i in range(reach_cell_start[r], reach_cell_start[r + 1] - 1):
            face_coef[pos[i]] = d_r * 0.5 / (0.5 * (cell_dx[i] + cell_dx[i + 1]))
    for k in range(n_fj):
        u = fj_reach[k]
        d = reach_down_index[u]
        a = reach_cell_start[u + 1] - 1
        b = reach_cell_start[d]
        face_coef[last[u]] = 1.0 / (0.5 * cell_dx[a] / reach_dispersion[u] + 0.5 * cell_dx[b] / reach_dispersion[d])
    n_dinlet = 0
    for r in range(n_reach):
        if dispersive_inlet[r] and reach_dispersion[r] > 0.0:
            n_dinlet += 1
    dinlets = np.empty(n_dinlet, dtype=np.int64)
    k = 0
    for r in range(n_reach):
        if dispersive_inlet[r] and reach_dispersion[r] > 0.0:
            dinlets[k] = r
            k += 1
    # sections: the dispersive flux through the face each one sits on
    cell_reach = np.empty(reach_cell_start[n_reach], dtype=np.int64)
    for r in range(n_reach):
        for i in range(reach_cell_start[r], reach_cell_start[r + 1]):
            cell_reach[i] = r
    n_sec = section_cell.shape[0]
    sec_kind = np.zeros(n_sec, dtype=np.int64)
    sec_index = np.zeros(n_sec, dtype=np.int64)
    sec_slot = np.empty(n_sec, dtype=np.int64)
    for j in range(n_sec):
        i = section_cell[j]
        p = pos[i]
        sec_slot[j] = p
        r = cell_reach[i]
        if p != last[r] or face_coef[p] > 0.0:
            sec_kind[j] = 1 if face_coef[p] > 0.0 else 0
        elif sj_of_reach[r] >= 0:
            sec_kind[j] = 2
            sec_index[j] = sj_of_reach[r]
    return (main_up, pos, chain_head, first, last, head_chain, ghost_up, ghost_dn, dn_src, into_res,
            side_src, side_dst, side_reach, fj_reach, sj_reach, sj_a, sj_b, face_coef, dinlets,
            sec_kind, sec_index, sec_slot, up_src)


@kernel(helper=True)
def day_hydraulics(q_in, q_out, net_lateral, loss, reach_cell_start, cell_dx, cell_share, cell_through, first, vol0,
                   reach_dispersion, face_coef, reach_down_index, sj_reach, dinlets, chain_head, dispersive_inlet,
                   courant, disp_limit, fq, wdraw, dvol, half_lw, cond, sj_cond, b_cond, h_cond, vmin, gsum,
                   reach_steps):
    """Face flows, volume rates, the conductances and the sub-step of one day.

    Parameters
    ----------
    q_in, q_out, net_lateral, loss : (R,) float
        Inlet and outlet discharge, net lateral water (inflow minus withdrawals)
        and the water leaving at the cell concentration, m3 s-1.
    vol0 : (n_pad,) float
        Cell volumes at the start of the day, m3 (inf in ghost slots).
    courant, disp_limit : float
        Sub-step limits.

    Outputs (filled in place, per padded slot)
    ------------------------------------------
    fq : outflow-face discharge, m3 s-1; wdraw : water leaving at the cell's
    concentration, m3 s-1; dvol : volume rate ``F_in - F_out + lateral - loss``,
    m3 s-1; half_lw : ``0.5 (1 - nu)``; cond : conductance of the face after the
    slot, m3 s-1; sj_cond, b_cond : side-junction and inlet conductances, m3 s-1
    (a side junction's ``A_a / (dx_a / (2 D_u) + dx_b / (2 D_d))``: the
    tributary's outlet section ``A_a``, the two half-cells in series; a fused
    junction's face in ``cond`` follows the same rule);
    h_cond : per chain, the conductance ``Q g / (Q + g)`` of a flux (Danckwerts)
    inlet of its head (``Q`` the inflow, ``g = D A / (dx/2)`` from the inlet face
    to the first cell's centre; 0 where the head has no dispersion, no inflow or
    a dispersive inlet), m3 s-1;
    vmin : each slot's smallest volume of the day, m3 (inf in ghosts); gsum : the
    conductances a slot's dispersion stage exchanges through, summed, m3 s-1;
    reach_steps : (R,) int, each reach's own sub-steps (both limits over its cells),
    for :func:`lts_classes`.

    Returns
    -------
    n_sub, n_c, m_d : int
        Sub-steps of the day (both limits), and the Courant limit's count and the
        dispersion limit's apart (for :func:`dispersion_every_day`).
    """
    n_reach = q_in.shape[0]
    n_pad = vol0.shape[0]
    xs = np.zeros(n_pad)  # cross-section at the day's mean volume, m2 (0 in ghosts)
    for p in range(n_pad):
        vmin[p] = vol0[p]
        gsum[p] = 0.0
    any_disp = False
    for r in range(n_reach):
        if reach_dispersion[r] > 0.0:
            any_disp = True
        s0 = reach_cell_start[r]
        n = reach_cell_start[r + 1] - s0
        dq = q_out[r] - q_in[r]
        rate = q_in[r] - q_out[r] + net_lateral[r]
        p0 = first[r]
        for j in range(n):
            p = p0 + j
            i = s0 + j
            fq[p] = q_in[r] + dq * cell_through[i]
            wdraw[p] = loss[r] * cell_share[i]
            dvol[p] = rate * cell_share[i]
            v_end = vol0[p] + SECONDS_PER_DAY * dvol[p]
            vmin[p] = min(vol0[p], v_end)
            xs[p] = 0.5 * (vol0[p] + v_end) / cell_dx[i]
    if any_disp:
        for p in range(n_pad - 1):
            cond[p] = face_coef[p] * (xs[p] + xs[p + 1])
        # the face after a reach's last cell is a fused junction's (or none): like a side
        # junction's below, the upstream cell's section with the half-cells in series
        for r in range(n_reach):
            p = first[r] + reach_cell_start[r + 1] - reach_cell_start[r] - 1
            cond[p] = face_coef[p] * xs[p]
        for p in range(n_pad - 1):
            gsum[p] += cond[p]
            gsum[p + 1] += cond[p]
        for k in range(dinlets.shape[0]):
            r = dinlets[k]
            i = reach_cell_start[r]
            b_cond[k] = reach_dispersion[r] * xs[first[r]] / (0.5 * cell_dx[i])
            gsum[first[r]] += b_cond[k]
        # flux inlets: the dispersive part of the inflow, H (c_in - c_1), is taken
        # in the dispersion step (see simulate_kernel), so H counts in its limit
        for j in range(chain_head.shape[0]):
            r = chain_head[j]
            h_cond[j] = 0.0
            if reach_dispersion[r] > 0.0 and not dispersive_inlet[r] and q_in[r] > 0.0:
                g = reach_dispersion[r] * xs[first[r]] / (0.5 * cell_dx[reach_cell_start[r]])
                if g > 0.0:
                    h_cond[j] = q_in[r] * g / (q_in[r] + g)
                    gsum[first[r]] += h_cond[j]
        for k in range(sj_reach.shape[0]):
            u = sj_reach[k]
            d = reach_down_index[u]
            a = reach_cell_start[u + 1] - 1
            b = reach_cell_start[d]
            # the face is the tributary's mouth (its outlet cross-section); the two
            # half-cells conduct in series (harmonic mean of D / (dx/2), Patankar 1980,
            # section 4.2-3); none where the tributary has no dispersion
            g = 0.0
            if reach_dispersion[u] > 0.0:
                g = xs[first[u] + (a - reach_cell_start[u])] / (0.5 * cell_dx[a] / reach_dispersion[u]
                                                                 + 0.5 * cell_dx[b] / reach_dispersion[d])
            sj_cond[k] = g
            gsum[first[u] + (a - reach_cell_start[u])] += g
            gsum[first[d]] += g
    # advection stays within range for nu <= courant, each dispersion stage for
    # d <= disp_limit (nu: water leaving over the cell's smallest volume that
    # day; d: summed conductance times dt over it), kept apart by limit and by reach for
    # dispersion_every_day and lts_classes (a min is exact: in any order, the same bits)
    dt_c = SECONDS_PER_DAY
    dt_d = SECONDS_PER_DAY
    for r in range(n_reach):
        dt_rc = SECONDS_PER_DAY
        dt_rd = SECONDS_PER_DAY
        for p in range(first[r], first[r] + reach_cell_start[r + 1] - reach_cell_start[r]):
            out = fq[p] + wdraw[p]
            if out > 0.0:
                dt_rc = min(dt_rc, courant * vmin[p] / out)
            if gsum[p] > 0.0:
                dt_rd = min(dt_rd, disp_limit * vmin[p] / gsum[p])
        reach_steps[r] = _day_steps(min(dt_rc, dt_rd))
        dt_c = min(dt_c, dt_rc)
        dt_d = min(dt_d, dt_rd)
    n_sub = _day_steps(min(dt_c, dt_d))
    dt = SECONDS_PER_DAY / n_sub
    for p in range(n_pad):
        if vmin[p] > 0.0 and vmin[p] < math.inf:
            half_lw[p] = 0.5 * (1.0 - dt * (fq[p] + wdraw[p]) / vmin[p])
        else:
            half_lw[p] = 0.0
    return n_sub, _day_steps(dt_c), _day_steps(dt_d)


#: The sub-steps :func:`_day_steps` gives a day whose step would be 0 s, NaN or shorter than a day over it
#: (2**53, exact in a float and far above any run's limit, ``max_substeps``): a velocity or dispersion of
#: 1e300 once cast an infinite count to 0 and divided by it (fuzz review, 2026-12-06).
NO_STEP = 2 ** 53


@kernel(helper=True)
def _day_steps(dt_max):
    """Sub-steps of a day whose step may be at most ``dt_max`` (s): at least 1; :data:`NO_STEP` where
    ``dt_max`` is not above ``SECONDS_PER_DAY / NO_STEP`` (0, negative or NaN: too many to run)."""
    if not dt_max > SECONDS_PER_DAY / NO_STEP:
        return NO_STEP
    return max(1, int(math.ceil(SECONDS_PER_DAY / dt_max - 1e-9)))


#: Relative cost of a dispersion step (two Heun stages, removal, exchanges) against an advection
#: sub-step, by which :func:`dispersion_every_day` weighs its choices: the dispersion took 22-30 % of the
#: 10,000-reach physical year's transport at 40 sub-steps a day (docs/solver.md, "Dispersion every K
#: advection sub-steps"), about 0.3-0.45 of the rest per sub-step.
DISPERSION_STEP_COST = 0.4


@kernel(helper=True)
def dispersion_every_day(every, n_sub, n_c, m_d, vmin, fq, wdraw, half_lw):
    """Sub-steps of a day whose dispersion runs once every ``k`` advection sub-steps (multirate splitting).

    Parameters
    ----------
    every : int
        The largest ``k`` allowed (``[run] dispersion_every``; 1: dispersion on every sub-step, today's path).
    n_sub, n_c, m_d : int
        The day's sub-steps by :func:`day_hydraulics` (the smaller of the Courant and dispersion limits), and
        its Courant limit's count and dispersion limit's apart.
    vmin, fq, wdraw : (n_pad,) float
        :func:`day_hydraulics`' smallest volumes (m3) and water leaving each slot (m3 s-1) of the day.
    half_lw : (n_pad,) float
        The Lax-Wendroff factor ``0.5 (1 - nu)``, rewritten for the new sub-step where it changes.

    Returns
    -------
    n_sub, k : int
        The day's advection sub-steps (``m k``, at least the Courant limit's count ``n_c``) and ``k``, odd, so
        that each dispersion step of ``k dt`` sits at the middle of its ``k`` advection sub-steps (after the
        ``(k - 1) / 2``-th of them, the Strang placement of ``k = 1``); its ``m`` dispersion steps keep every
        stage within ``disp_limit`` (:func:`day_hydraulics`' ``m_d``).  Among the
        ``(m, k)`` allowed, the one of least ``m k + DISPERSION_STEP_COST m``; ``(n_sub, 1)``, nothing
        rewritten, where that is no gain (a day whose step dispersion sets, or ``every`` 1).
    """
    n_pad = vmin.shape[0]
    if every <= 1:
        return n_sub, 1
    k_max = every if every % 2 == 1 else every - 1
    best_m = n_sub
    best_k = 1
    best = (1.0 + DISPERSION_STEP_COST) * n_sub
    for m in range(max(m_d, (n_c + k_max - 1) // k_max), n_c):
        k = (n_c + m - 1) // m
        k += 1 - k % 2  # odd: the dispersion at the middle of its advection sub-steps
        cost = m * k + DISPERSION_STEP_COST * m
        if k <= k_max and cost < best:
            best, best_m, best_k = cost, m, k
    if best_k == 1:
        return n_sub, 1
    n_sub = best_m * best_k
    dt = SECONDS_PER_DAY / n_sub
    for p in range(n_pad):
        if vmin[p] > 0.0 and vmin[p] < math.inf:
            half_lw[p] = 0.5 * (1.0 - dt * (fq[p] + wdraw[p]) / vmin[p])
        else:
            half_lw[p] = 0.0
    return n_sub, best_k


#: _SLOT_INDEX: the loops over chains and junctions of a sub-step (fill_ghosts, the inlet split,
#: advect's inflows and bookings, disperse's exchanges) index slots read from an index array as
#: ``np.uint64(ghost_up[j])``, the same slot: Numba tests a signed index for a negative value (which
#: wraps around) and these scalar loops spent about eight integer instructions per index on that
#: test (sampled with perf on the benchmark's 2,500-cell tree, docs/solver.md).  An offset stays
#: unsigned (``+ np.uint64(1)``: uint64 plus int64 is a float in Numba).


@kernel(helper=True)
def fill_ghosts(c, n_tag, ghost_up, ghost_dn, dn_src, up_src, chain_head, inflow, inv_qin, into_res, last,
                reach_down_index, res_c):
    """Ghost slots of the tags of a group (``c[k]``, ``inflow[k]``, ``res_c[k]``): inlet mixture of
    chain heads, downstream neighbours of tails.

    An inlet without water (a river's source) has no mixture: slot ``up_src``'s value
    stands in (:func:`static_layout`: the first cell's own, a zero gradient, or below a
    cut the upstream neighbour's).  Reaches ending in a reservoir see the reservoir's
    concentration downstream.
    """
    one = np.uint64(1)  # (unsigned slot indices: no negative-index test; _SLOT_INDEX)
    for k in range(n_tag):
        for j in range(ghost_up.shape[0]):
            h = np.uint64(chain_head[j])
            g = np.uint64(ghost_up[j])
            if inv_qin[h] > 0.0:
                c[k, g] = inflow[k, j] * inv_qin[h]
            else:
                c[k, g] = c[k, np.uint64(up_src[j])]
            c[k, np.uint64(ghost_dn[j])] = c[k, np.uint64(dn_src[j])]
        for j in range(into_res.shape[0]):
            r = np.uint64(into_res[j])
            c[k, np.uint64(last[r]) + one] = res_c[k, np.uint64(reach_down_index[r])]


@kernel(helper=True)
def advective_fluxes(c, fq, half_lw, flux):
    """Outflow-face fluxes (g s-1) of every padded slot: MC-limited Lax-Wendroff.

    ``flux = Q (c + 0.5 (1 - nu) s)`` with the monotonized-central slope
    ``s = minmod(2 d-, (d- + d+)/2, 2 d+)`` (van Leer 1977), which lies in Sweby's
    TVD region and satisfies ``|s| <= 2 min(|d-|, |d+|)``, the bound that keeps
    the update positive for nu <= 1.  It is written with ``copysign`` and
    ``min`` only (no branch, no division), so the loop vectorises.
    ``half_lw`` holds ``0.5 (1 - nu)``; ghost slots have ``fq = 0``.
    """
    n = c.shape[0]
    flux[0] = 0.0
    flux[n - 1] = 0.0
    for p in range(1, n - 1):
        dm = c[p] - c[p - 1]
        dp = c[p + 1] - c[p]
        same_sign = 0.5 * (math.copysign(1.0, dm) + math.copysign(1.0, dp))
        size = min(2.0 * abs(dm), min(2.0 * abs(dp), 0.5 * abs(dm + dp)))
        flux[p] = fq[p] * (c[p] + half_lw[p] * same_sign * size)


@kernel(helper=True)
def tank_tau(v0, v1, dt):
    """``integral dt / V`` over a step of ``dt`` seconds in a volume varying linearly from v0 to v1."""
    x = np.divide(v1 - v0, v0)
    if abs(x) > 1e-12:
        return np.divide(dt * math.log1p(x), x * v0)
    return np.divide(dt, v0) * (1.0 - 0.5 * x)


@kernel(helper=True)
def tank_coefficients(v0, v1, tau, q_out, settling_area, rate, dt):
    """The parts of :func:`tank_apply` that do not depend on the mass (shared by the tags
    of a tank that have the same rates): ``(removal, o, beta, decay)``, ``decay`` the
    factor of the exact solution (of its second form where ``beta tau`` is small)."""
    removal = settling_area + rate * 0.5 * (v0 + v1)
    o = q_out + removal
    beta = np.divide(v1 - v0, dt) + o
    if beta * tau > 1e-8:
        ot = o * tau
        decay = np.divide(-math.expm1(-ot), o) if ot > 1e-300 else tau
    else:
        bt = beta * tau
        decay = np.divide(-math.expm1(-bt), beta) if abs(bt) > 1e-300 else tau
    return removal, o, beta, decay


@kernel(helper=True)
def tank_apply(m0, a_in, v0, v1, dt, tau, q_out, removal, o, beta, decay):
    """One sub-step of a well-mixed tank whose volume varies linearly from v0 to v1.

    ``V dc/dt = a - beta c`` with ``beta = (dV/dt + Q_out) + vs A + k V`` (the
    water entering, net of evaporation, plus removal; ``k V`` at the mid volume),
    which in ``tau = integral dt / V = ln(v1/v0) / (dV/dt)`` is linear with
    constant coefficients and is solved exactly:
    ``c = c_eq + (c0 - c_eq) exp(-beta tau)``, ``c_eq = a / beta``.  The mass
    that leaves is ``(Q_out + vs A + k V) * integral c dt`` with, since
    ``V = v0 exp(dV/dt tau)``, ``integral c dt = c_eq dt + (c0 - c_eq) v0
    (1 - exp(-o tau)) / o`` (``o = Q_out + vs A + k V``); computing it so, rather
    than as the difference of two large masses, keeps a uniform tank fed at its
    own concentration uniform to round-off whatever its volume does.

    ``tau`` and the coefficients come from :func:`tank_tau` and
    :func:`tank_coefficients` (shared by the tags of a tank with the same rates).
    Returns ``(m1, out_m, removed, integral)``: mass at the end (g), mass that left
    with the outflow (g), mass removed (g), ``m0 + a_in dt = m1 + out_m +
    removed``, and ``integral c dt`` (g s m-3), from which a reaction's product is
    ``k V_mid integral`` (see :func:`simulate_kernel`).  The end concentration and ``integral`` are
    held at 0 against round-off only where the tag's inputs (``m0``, ``a_in``) are not negative: a tag
    fed a negative inflow (a flux inlet's per-tag share, :func:`_bounded_shares`) keeps its linear
    solution, so source tags still add up to their species (clamping them made tags add up only to
    1e-5..1 on an adversarial sweep, docs/solver.md).
    """
    c0 = np.divide(m0, v0)
    if beta * tau > 1e-8:
        c_eq = np.divide(a_in, beta)
        integral = c_eq * dt + (c0 - c_eq) * v0 * decay
    else:
        # beta ~ 0 or negative (evaporation beyond the inflow): the same exact
        # solution written without c_eq; what left is the balance's difference
        c1 = c0 + (a_in - beta * c0) * decay
        if c1 < 0.0 and m0 >= 0.0 and a_in >= 0.0:
            c1 = 0.0  # round-off only
        integral = np.divide(m0 + a_in * dt - c1 * v1, o) if o > 0.0 else 0.0
    if integral < 0.0 and m0 >= 0.0 and a_in >= 0.0:
        integral = 0.0  # round-off only
    out_m = q_out * integral
    removed = removal * integral
    return m0 + a_in * dt - out_m - removed, out_m, removed, integral


@kernel(helper=True)
def advect(mass, c, t0, n_tag, fa, fk, inflow, s_used, tau, ghost_up, side_src, side_dst, side_reach, extra_acc,
           acc_slots, flux_acc, withdrawing, wdraw, withdrawn_acc, removing, keep, removed_acc, lat, inv_v,
           conc_after):
    """Withdrawals and the advective update of every tag of a group over ``tau`` seconds.

    Each tag's face fluxes (g s-1), in ``fk``, are the group's (a group of one
    tag: ``fk`` holds them on entry, its inlet ghosts' too: :func:`_inlet_split_one`), or its
    share of them, ``fa`` (the group's flux per unit of its upwind concentration) times its
    concentration; the inlet ghost of each chain carries the advective part of the inflow (``inflow`` less the
    share ``s_used`` left to dispersion), side tributaries enter the first cell
    of the reach below as a source (``extra_acc``), and the fluxes of
    ``acc_slots`` are booked (``flux_acc``, g).  Water taken out (``wdraw``)
    leaves with the cell's concentration (``withdrawn_acc``, g).  Then the
    update is a flat stencil over the padded array: ``m`` gains ``tau (F_in -
    F_out + sources)`` and the new concentration is the mass times ``inv_v``,
    the inverse volume at the end of the step (0 in ghost slots, which collect
    meaningless mass that is never read).  With ``removing`` (runs without
    dispersion) the removal by ``keep`` follows in the same pass
    (``removed_acc``, g).  Without ``conc_after`` (a dispersion step follows,
    which computes them from the mass) the new concentrations are not stored.

    Written so that Numba can drop the reference counting of its arrays (see
    the module docstring, *Reference counts*): no ``/`` (``np.divide``: the same
    IEEE division, without the zero check whose raise keeps the counts), one
    flux array (``fk``) and no row views (``x[k, p]``): a view whose last use is
    in a branch keeps its count.
    """
    n_pad = fk.shape[0]
    inv_tau = np.divide(1.0, tau)
    for k in range(n_tag):
        t = t0 + k
        # mass entering each chain head is its inlet ghost's flux (a group of one tag: set
        # by _inlet_split_one) (unsigned slot indices: no negative-index test; _SLOT_INDEX)
        if n_tag > 1:
            for p in range(n_pad):
                fk[p] = fa[p] * c[k, p]
            for j in range(ghost_up.shape[0]):
                fk[np.uint64(ghost_up[j])] = inflow[k, j] - s_used[k, j] * inv_tau
        for j in range(side_src.shape[0]):
            x = tau * fk[np.uint64(side_src[j])]
            mass[t, np.uint64(side_dst[j])] += x
            extra_acc[k, np.uint64(side_reach[j])] += x
        for j in range(acc_slots.shape[0]):
            q = np.uint64(acc_slots[j])
            flux_acc[k, q] += tau * fk[q]
        # the withdrawal in the update's pass: the same operations in the same order as a
        # pass of its own before it (each slot reads its own old concentration, which the
        # update writes after), one pass less over the mass (slot 0, a ghost, withdraws
        # nothing: its volume is infinite and its mass never read)
        if withdrawing and removing:
            for p in range(1, n_pad):
                w = tau * wdraw[p] * c[k, p]
                withdrawn_acc[k, p] += w
                after = (mass[t, p] - w) + tau * (fk[p - 1] - fk[p] + lat[t, p])
                mp = after * keep[p]
                removed_acc[k, p] += after - mp
                mass[t, p] = mp
                c[k, p] = mp * inv_v[p]
        elif withdrawing and conc_after:
            for p in range(1, n_pad):
                w = tau * wdraw[p] * c[k, p]
                withdrawn_acc[k, p] += w
                mp = (mass[t, p] - w) + tau * (fk[p - 1] - fk[p] + lat[t, p])
                mass[t, p] = mp
                c[k, p] = mp * inv_v[p]
        elif withdrawing:
            for p in range(1, n_pad):
                w = tau * wdraw[p] * c[k, p]
                withdrawn_acc[k, p] += w
                mass[t, p] = (mass[t, p] - w) + tau * (fk[p - 1] - fk[p] + lat[t, p])
        elif removing:
            for p in range(1, n_pad):
                after = mass[t, p] + tau * (fk[p - 1] - fk[p] + lat[t, p])
                mp = after * keep[p]
                removed_acc[k, p] += after - mp
                mass[t, p] = mp
                c[k, p] = mp * inv_v[p]
        elif conc_after:
            for p in range(1, n_pad):
                mp = mass[t, p] + tau * (fk[p - 1] - fk[p] + lat[t, p])
                mass[t, p] = mp
                c[k, p] = mp * inv_v[p]
        else:
            for p in range(1, n_pad):
                mass[t, p] = mass[t, p] + tau * (fk[p - 1] - fk[p] + lat[t, p])


@kernel(helper=True)
def advect_shares(mass, c, t0, n_tag, fa, inflow, s_used, tau, ghost_up, side_src, side_dst, side_reach, extra_acc,
                  acc_slots, flux_acc, withdrawing, wdraw, withdrawn_acc, lat, dead):
    """:func:`advect` of a group of several tags followed by :func:`disperse`: the same operations
    on the same values, each tag's share of the fluxes (``fa[p] c[k, p]``) taken in the update's
    pass rather than stored by a pass of its own before it.

    That pass carries nothing from slot to slot (it writes no concentration: the dispersion that
    follows computes ``m / V`` where it reads it), so it vectorises.  The inlet ghost of each chain
    takes its advective inflow as the concentration ``c[k, g]`` of a unit ``fa[g]`` (``1.0 x`` is
    ``x``): both are overwritten before they are read again (``fill_ghosts``, and ``fa`` is the
    next step's).  Withdrawals and bookings as in :func:`advect`.  Tags marked ``dead``
    (:func:`_dead_tags`) are skipped: this step would leave them as they are.
    """
    n_pad = fa.shape[0]
    inv_tau = np.divide(1.0, tau)
    for j in range(ghost_up.shape[0]):
        fa[np.uint64(ghost_up[j])] = 1.0
    for k in range(n_tag):
        if dead[k]:
            continue
        t = t0 + k
        # (unsigned slot indices: no negative-index test; _SLOT_INDEX)
        for j in range(ghost_up.shape[0]):
            c[k, np.uint64(ghost_up[j])] = inflow[k, j] - s_used[k, j] * inv_tau
        for j in range(side_src.shape[0]):
            q = np.uint64(side_src[j])
            x = tau * (fa[q] * c[k, q])
            mass[t, np.uint64(side_dst[j])] += x
            extra_acc[k, np.uint64(side_reach[j])] += x
        for j in range(acc_slots.shape[0]):
            q = np.uint64(acc_slots[j])
            flux_acc[k, q] += tau * (fa[q] * c[k, q])
        if withdrawing:
            for p in range(1, n_pad):
                w = tau * wdraw[p] * c[k, p]
                withdrawn_acc[k, p] += w
                mass[t, p] = (mass[t, p] - w) + tau * (fa[p - 1] * c[k, p - 1] - fa[p] * c[k, p] + lat[t, p])
        else:
            for p in range(1, n_pad):
                mass[t, p] = mass[t, p] + tau * (fa[p - 1] * c[k, p - 1] - fa[p] * c[k, p] + lat[t, p])


@kernel(helper=True)
def disperse(mass, c, t0, n_tag, m1, c1, cond, tau, inv_v, keep, racc, sj_a, sj_b, sj_cond, sj_acc, fj_slot,
             fj_acc, dinlets, first, b_cond, boundary_conc, day, disp_acc, sections, sec_acc,
             head_slot, h_cond, cin, inlet_book, dead):
    """Dispersion of every tag of a group over ``tau`` seconds by Heun's method, then removal by ``keep``.

    Heun's method (the second-order strong-stability-preserving Runge-Kutta
    scheme) is two explicit stages: ``m1 = m + tau L(c)``, then
    ``m <- (m + m1) / 2 + tau / 2 L(c1)``.  Each stage is a forward Euler step,
    so it stays within the range of its inputs under the same limit; unlike a
    single forward Euler step it is second order in time, which keeps the cell
    next to a flux inlet second order.  Tag ``k`` is tracer ``t0 + k`` (mass
    row ``mass[t0 + k]``; its concentrations ``c[k]`` are not read, the
    concentration at the start being ``m / V`` (``mass`` times ``inv_v``, the
    product :func:`advect` leaves unstored: one array less through each of the
    two passes), and end at the new values; its accumulators are row ``k`` of
    ``racc``, ``sj_acc``, ...); ``m1``, ``c1`` are work arrays.  The tags share
    one call (a call's arguments cost more than a small network's stencil), and
    each stage is a pass of the stencil plus the few exchanges that are not faces of it: side junctions (``sj_*``),
    concentration inlets (``dinlets``, conductance ``b_cond`` to
    ``boundary_conc``) and the dispersive part of the inflow at flux inlets,
    ``H (c_in - c_1)`` (conductance ``h_cond`` to the inflow concentration
    ``cin``, into each chain's first slot ``head_slot``), whose mass of the step
    (per tag and chain, g) is booked as inflow: ``inlet_book`` is ``(rr, r_prev,
    inlet_debt, flux_acc)`` (``rr`` a work array; the mass is set in ``r_prev``
    and added to ``inlet_debt`` and to the flux of the chain's inlet ghost in
    ``flux_acc``, see :func:`simulate_kernel`).  The dispersive fluxes are booked at both
    stages' concentrations: side junctions (``sj_acc``, g), fused junctions
    (``fj_acc``, the face after slot ``fj_slot``; the concentration step times
    seconds, multiplied by the conductance later), concentration inlets
    (``disp_acc``, g) and sections (``sec_acc``, g; ``sections`` is ``(sec_kind, sec_index,
    sec_slot)`` of :func:`static_layout`, one tuple so that the call stays within 30 arguments:
    see :func:`reservoir_tanks`).  A tag marked ``dead`` (:func:`_dead_tags`) is skipped but for
    its flux inlets' mass of the step, which is zero (``r_prev``, read by the next inlet split).
    """
    sec_kind, sec_index, sec_slot = sections
    rr, r_prev, inlet_debt, flux_acc = inlet_book
    n_pad = m1.shape[0]
    n_sj = sj_a.shape[0]
    n_chain = head_slot.shape[0]
    half = 0.5 * tau
    one = np.uint64(1)  # (slots read from index arrays are unsigned: _SLOT_INDEX)
    for k in range(n_tag):
        if dead[k]:
            for j in range(n_chain):
                r_prev[k, j] = 0.0
            continue
        t = t0 + k
        m = mass[t]
        ck = c[k]
        # stage 1: the stencil in one pass, then the explicit exchanges at c (side
        # junctions, concentration inlets, the dispersive part of flux inlets'
        # inflow, half a step of which is booked in rr).  c is m / V, the product
        # advect left unstored (m times the same inverse volume: the same bits),
        # computed where it is read: one array less loaded here and stored there
        for p in range(1, n_pad - 1):
            c_here = m[p] * inv_v[p]
            mp = m[p] + tau * (cond[p - 1] * (m[p - 1] * inv_v[p - 1] - c_here)
                               + cond[p] * (m[p + 1] * inv_v[p + 1] - c_here))
            m1[p] = mp
            c1[p] = mp * inv_v[p]
        m1[0] = m[0]
        m1[n_pad - 1] = m[n_pad - 1]
        c1[0] = 0.0
        c1[n_pad - 1] = 0.0
        # (each index is read once into a local and each accumulator row taken
        # once: the compiler cannot tell a store to a mass from one to an index)
        rr_k = rr[k]
        cin_k = cin[k]
        for j in range(n_sj):
            a = np.uint64(sj_a[j])
            b = np.uint64(sj_b[j])
            x = tau * sj_cond[j] * (m[a] * inv_v[a] - m[b] * inv_v[b])
            m1[a] -= x
            m1[b] += x
        for j in range(dinlets.shape[0]):
            r = np.uint64(dinlets[j])
            q = np.uint64(first[r])
            m1[q] += tau * b_cond[j] * (boundary_conc[day, r, t] - m[q] * inv_v[q])
        for j in range(n_chain):
            h = h_cond[j]
            if h > 0.0:
                p = np.uint64(head_slot[j])
                x = h * (cin_k[j] - m[p] * inv_v[p])
                m1[p] += tau * x
                rr_k[j] = 0.0 + half * x  # (0.0 + : the bits of a booking into a zeroed rr)
                # (its concentration here: the last exchange into its slot; one the loops below
                # recompute, where a side junction or inlet shares it, comes out the same)
                c1[p] = m1[p] * inv_v[p]
        # concentrations of the other cells the exchanges changed
        for j in range(n_sj):
            a = np.uint64(sj_a[j])
            b = np.uint64(sj_b[j])
            c1[a] = m1[a] * inv_v[a]
            c1[b] = m1[b] * inv_v[b]
        for j in range(dinlets.shape[0]):
            q = np.uint64(first[np.uint64(dinlets[j])])
            c1[q] = m1[q] * inv_v[q]
        # book half a step of the side junctions' fluxes at each stage's concentrations, and
        # (the same loop: it reads c1 and writes m1 only) stage 2's exchange there at c1
        sj_k = sj_acc[k]
        for j in range(n_sj):
            a = np.uint64(sj_a[j])
            b = np.uint64(sj_b[j])
            g = sj_cond[j]
            d1 = c1[a] - c1[b]
            sj_k[j] += half * g * ((m[a] * inv_v[a] - m[b] * inv_v[b]) + d1)
            x = tau * g * d1
            m1[a] -= x
            m1[b] += x
        fj_k = fj_acc[k]
        for j in range(fj_slot.shape[0]):
            a = np.uint64(fj_slot[j])
            a1 = a + one
            fj_k[j] += half * ((m[a] * inv_v[a] - m[a1] * inv_v[a1]) + (c1[a] - c1[a1]))
        for j in range(dinlets.shape[0]):
            r = np.uint64(dinlets[j])
            q = np.uint64(first[r])
            disp_acc[k, r] += half * b_cond[j] * (2.0 * boundary_conc[day, r, t] - m[q] * inv_v[q] - c1[q])
        for j in range(sec_kind.shape[0]):
            if sec_kind[j] == 1:
                p = sec_slot[j]
                sec_acc[k, j] += half * cond[p] * ((m[p] * inv_v[p] - m[p + 1] * inv_v[p + 1])
                                                   + (c1[p] - c1[p + 1]))
            elif sec_kind[j] == 2:
                x = sec_index[j]
                a = sj_a[x]
                b = sj_b[x]
                sec_acc[k, j] += half * sj_cond[x] * ((m[a] * inv_v[a] - m[b] * inv_v[b]) + (c1[a] - c1[b]))
        # stage 2: (m + m1) / 2 = m + tau/2 L(c), plus tau/2 L(c1); removal after it.
        # The explicit exchanges at c1 go in first (into m1, which the pass reads; the side
        # junctions' above); each flux inlet's mass of the step is booked as inflow
        # (r_prev, inlet_debt and the flux of its inlet ghost, before head_slot)
        for j in range(dinlets.shape[0]):
            r = np.uint64(dinlets[j])
            q = np.uint64(first[r])
            m1[q] += tau * b_cond[j] * (boundary_conc[day, r, t] - c1[q])
        for j in range(n_chain):
            h = h_cond[j]
            got = 0.0
            p = np.uint64(head_slot[j])
            if h > 0.0:
                x = h * (cin_k[j] - c1[p])
                m1[p] += tau * x
                got = rr_k[j] + half * x
            r_prev[k, j] = got
            inlet_debt[t, j] += got
            flux_acc[k, p - one] += got
        rk = racc[k]
        for p in range(1, n_pad - 1):
            after = 0.5 * (m[p] + m1[p]) + half * (cond[p - 1] * (c1[p - 1] - c1[p]) + cond[p] * (c1[p + 1] - c1[p]))
            mp = after * keep[p]
            rk[p] += after - mp
            m[p] = mp
            ck[p] = mp * inv_v[p]


@kernel(helper=True)
def small_expm(a, out, work, term):
    """``exp(a)`` of a small square matrix (a reaction matrix times a sub-step).

    Scaling and squaring with a Taylor series (Moler & Van Loan 2003, method 3):
    ``a`` is halved until its infinity norm is at most 0.5, the series is summed
    to degree 18 (truncation below 0.5**19 / 19! ~ 1e-23 of the norm), and the
    result squared back.  Reaction matrices here are lower triangular with
    non-positive diagonals and non-negative off-diagonals, so every term of the
    series is well conditioned.  ``work`` and ``term`` are (n, n) scratch.

    ``a`` must be lower triangular (as a reaction matrix is): then so are all the
    powers, and each product sums only its terms ``j <= q <= i``; the others are
    zeros, which the full sum (from 0.0) would add without changing it.
    """
    n = a.shape[0]
    norm = 0.0
    for i in range(n):
        row = 0.0
        for j in range(n):
            row += abs(a[i, j])
        norm = max(norm, row)
    squarings = 0
    scale = 1.0
    while norm * scale > 0.5:
        scale *= 0.5
        squarings += 1
    for i in range(n):
        for j in range(n):
            term[i, j] = 1.0 if i == j else 0.0
            out[i, j] = term[i, j]
    for k in range(1, 19):
        for i in range(n):
            for j in range(i + 1):
                acc = 0.0
                for q in range(j, i + 1):
                    acc += term[i, q] * a[q, j]
                work[i, j] = acc * scale / k
        for i in range(n):
            for j in range(i + 1):
                term[i, j] = work[i, j]
                out[i, j] += work[i, j]
    for _ in range(squarings):
        for i in range(n):
            for j in range(i + 1):
                acc = 0.0
                for q in range(j, i + 1):
                    acc += out[i, q] * out[q, j]
                work[i, j] = acc
        for i in range(n):
            for j in range(i + 1):
                out[i, j] = work[i, j]


@kernel(helper=True)
def reaction_propagators(day, dt, t0, n_src, n_sp, reach_rate, rx_from, rx_to, rx_rate, rx_first, rx_last,
                         prop, kmat, work, term):
    """Exact reaction propagators ``exp(K dt)`` of one constituent's species in every reach.

    ``K[s, s] = -(k_s + sum of the rates of the reactions out of s)`` (``k_s``
    the species' own sink, ``reach_rate`` of its first tag) and ``K[to, from] +=
    rate`` for each reaction ``rx_first:rx_last``; rates at the day's temperature,
    s-1.  Reactions go from a species to a later one, so ``K`` is lower
    triangular and so is ``prop[r]`` (n_sp x n_sp).  The diagonal is set to its
    exact value ``exp(K[s, s] dt)``, so a species without reactions is removed
    exactly as a group without species is (``keep``).
    """
    for r in range(prop.shape[0]):
        for i in range(n_sp):
            for j in range(n_sp):
                kmat[i, j] = 0.0
            kmat[i, i] = -reach_rate[day, r, t0 + i * n_src] * dt
        for x in range(rx_first, rx_last):
            k = rx_rate[day, r, x] * dt
            kmat[rx_from[x], rx_from[x]] -= k
            if rx_to[x] >= 0:
                kmat[rx_to[x], rx_from[x]] += k
        small_expm(kmat, prop[r], work, term)
        for i in range(n_sp):
            prop[r, i, i] = math.exp(kmat[i, i])
            for j in range(i + 1, n_sp):
                prop[r, i, j] = 0.0


@kernel(helper=True)
def slot_propagators(prop, slot_reach, n_sp, prop_slot):
    """The propagator of every padded slot, ``prop_slot[s, q, p] = prop[reach of p, s, q]``
    (the identity in ghost slots), laid out so that :func:`react` runs along slots."""
    for s in range(n_sp):
        for q in range(n_sp):
            for p in range(slot_reach.shape[0]):
                r = slot_reach[p]
                if r >= 0:
                    prop_slot[s, q, p] = prop[r, s, q]
                else:
                    prop_slot[s, q, p] = 1.0 if s == q else 0.0


@kernel(helper=True)
def react(mass, c, prop_slot, t0, n_sp, n_src, inv_v, racc, acc, dead):
    """Apply the reaction propagators to every cell: each source tag's species vector ``x <- P x``.

    Tag ``k = s * n_src + j`` is species ``s`` of source ``j``; ``prop_slot`` is
    the propagator of each slot (:func:`slot_propagators`).  ``P`` is lower
    triangular, so the species are updated in place from the last, each by short
    passes along the slots (``x_s <- sum over q <= s of P[s, q] x_q``, summed in
    the order of ``q``; ``acc`` is an (n_pad,) work row).  What a species loses
    or gains is booked as its removal (``racc``, g): net of what it gains from
    the species before it, so the removal of the species summed is what left
    the constituent, and each tracer's budget still closes.  Ghost slots (the
    identity) keep their mass; their concentration is set to 0.  Sources marked ``dead`` (all
    their species: :func:`_dead_tags`) are skipped.
    """
    n_pad = mass.shape[1]
    for j in range(n_src):
        if dead[j]:
            continue
        tj = t0 + j  # species 0 of this source
        for s in range(n_sp - 1, -1, -1):
            k = s * n_src + j
            t = t0 + k
            # one pass for the first three species: the same sum, in the same
            # order, as the passes below; rows indexed, not taken as views (see advect)
            if s == 0:
                for p in range(n_pad):
                    x = 0.0 + prop_slot[0, 0, p] * mass[tj, p]
                    racc[k, p] += mass[tj, p] - x
                    mass[tj, p] = x
                    c[k, p] = x * inv_v[p]
            elif s == 1:
                for p in range(n_pad):
                    x = (0.0 + prop_slot[1, 0, p] * mass[tj, p]) + prop_slot[1, 1, p] * mass[t, p]
                    racc[k, p] += mass[t, p] - x
                    mass[t, p] = x
                    c[k, p] = x * inv_v[p]
            elif s == 2:
                for p in range(n_pad):
                    x = ((0.0 + prop_slot[2, 0, p] * mass[tj, p]) + prop_slot[2, 1, p] * mass[tj + n_src, p]) \
                        + prop_slot[2, 2, p] * mass[t, p]
                    racc[k, p] += mass[t, p] - x
                    mass[t, p] = x
                    c[k, p] = x * inv_v[p]
            else:
                for p in range(n_pad):
                    acc[p] = 0.0
                for q in range(s + 1):
                    for p in range(n_pad):
                        acc[p] += prop_slot[s, q, p] * mass[tj + q * n_src, p]
                for p in range(n_pad):
                    racc[k, p] += mass[t, p] - acc[p]
                    mass[t, p] = acc[p]
                    c[k, p] = acc[p] * inv_v[p]


#: Most pieces a reservoir's advection step is cut into for a group with species
#: (:func:`tank_pieces`).
TANK_PIECES_MAX = 256
#: The largest ``lambda * tau`` of a piece (:func:`tank_pieces`): 0.02 keeps the
#: constant-source splitting error of a reaction chain in a tank below about 1e-5 of
#: the constituent (``tests/test_reactions_review.py``).
TANK_PIECE_RATE_TAU = 0.02


@kernel(helper=True)
def tank_removal_flow(settling_m_s, area, evaporation, evaporating):
    """The water whose load a tracer loses in a reservoir over a day, m3 s-1 (``vs A`` of :func:`tank_apply`):
    its apparent settling ``settling_m_s`` over the day's surface ``area`` (m2), and, for a tracer that
    evaporates with the water (``evaporating`` 1: the transferred water's, where a solute's 0 keeps it in
    the lake and concentrates it), the water the surface evaporates, ``evaporation`` (m3 s-1, its net loss
    plus the rain on it, >= 0).  With that sink the tank's ``beta = dV/dt + Q_out + E`` is its inflow and
    rain, so a water tracer's share stays within its inflows' shares.  Scalars only: a helper called with
    arrays keeps their reference counts around each call (module docstring)."""
    flow = settling_m_s * area
    if evaporating != 0.0:
        flow += evaporating * evaporation
    return flow


@kernel(helper=True)
def tank_pieces(day, s, tau, v0, v1, t0, n_tag, n_src, rx_a, rx_b, rx_to, rx_res_rate, res_rate, res_rx_out,
                settling_m_s, res_area, res_outflow, res_evaporation, evaporating):
    """Pieces to cut a step of ``tau`` seconds of reservoir ``s`` into, for a group with species.

    A reaction's product enters the next species' tank as a constant source over
    a piece (:func:`reservoir_tanks`), which is exact at steady state but has a
    splitting error of order ``(lambda tau)**2`` in transients, ``lambda`` (s-1)
    the fastest rate at which a reacting species' concentration relaxes: its
    reactions and sink, settling ``vs A / V`` (and evaporation ``E / V`` of a tracer that
    evaporates: :func:`tank_removal_flow`) and flushing ``(|dV/dt| + Q_out) / V``.  The
    sub-step is set by the rivers' Courant numbers, not by these rates (half a day where
    cells are long for their flow), so the step is cut into
    ``ceil(lambda tau / TANK_PIECE_RATE_TAU)`` pieces (at most
    ``TANK_PIECES_MAX``); 1 where no reaction in the tank has a product.
    """
    product = False
    for x in range(rx_a, rx_b):
        if rx_to[x] >= 0 and rx_res_rate[day, s, x] > 0.0:
            product = True
    if not product:
        return 1
    lam = 0.0
    v_min = min(v0, v1)
    q = 0
    while q * n_src < n_tag:  # each species (n_tag // n_src of them; see advect)
        t = t0 + q * n_src
        lam = max(lam, res_rate[day, s, t] + res_rx_out[s, q] + np.divide(
            tank_removal_flow(settling_m_s[t], res_area[day, s], res_evaporation[day, s], evaporating[t]), v_min))
        q += 1
    lam += np.divide(np.divide(abs(v1 - v0), tau) + res_outflow[day, s], v_min)
    n = math.ceil(np.divide(lam * tau, TANK_PIECE_RATE_TAU))
    return max(1, min(n, TANK_PIECES_MAX))


@kernel(helper=True)
def reservoir_tanks(day, tau, f_start, f_end, t0, n_tag, n_src, mixed, rx_a, rx_b, mass, c, flux_total, flux_per_conc,
                    links, tanks, rx, work, res_mass, res_prod, res_out_day, res_in_day, res_rm_day, inflow,
                    boundary_flux, extra_acc, lts):
    """One advection step of ``tau`` seconds (``f_start`` to ``f_end`` of day ``day``) of every
    reservoir, for the tags ``t0 .. t0 + n_tag`` of a group, and the inflow it sets.

    Each tank is integrated exactly (:func:`tank_tau`, :func:`tank_coefficients`,
    :func:`tank_apply`) with the face fluxes into it (``flux_total`` for a group of one tag, else
    ``flux_per_conc`` times the tag's upwind concentration ``c``); its outflow becomes the
    inflow of the chain it feeds (``inflow``, g s-1) or, below a fused junction, a source of the
    reach's first cell (``mass``, booked in ``extra_acc``, g).  Reactions ``rx_a .. rx_b`` of a
    group with species (``mixed``) add to each tank's removal and make products for the next
    species (``res_prod``, g, per piece of the step: :func:`tank_pieces`).
    Day totals go to ``res_out_day``, ``res_in_day``, ``res_rm_day``
    (g); ``res_*`` work arrays are filled in place.  Split out of :func:`simulate_kernel` (its
    body there before), so that each compiles in less time.

    The arrays that stay the same through a run come in four tuples, built once: ``links``
    ``(into_res, last, reach_down_index, chain_head, res_down_kind, res_down_index, head_chain,
    first)``, ``tanks`` ``(res_volume, res_load, res_rate, res_area, res_outflow, settling_m_s,
    res_evaporation, evaporating)``,
    ``rx`` ``(rx_from, rx_to, rx_res_rate, res_rx_out)`` and the work arrays ``work`` ``(res_in,
    res_v0, res_v1, res_tau, res_coef, pieces_of, res_flux)``: a call with more than 30 positional
    arguments is compiled by Python as a call with ``*args`` (``CALL_FUNCTION_EX``), whose tuple
    kept the reference counts of every array in it around each call (module docstring).

    With ``lts`` (local time steps, :func:`lts_group_day`) ``inflow`` is not set: the mass each
    tank sends to a chain head over the step (g) is added to it instead, for the head's own step.
    """
    into_res, last, reach_down_index, chain_head, res_down_kind, res_down_index, head_chain, first = links
    res_volume, res_load, res_rate, res_area, res_outflow, settling_m_s, res_evaporation, evaporating = tanks
    rx_from, rx_to, rx_res_rate, res_rx_out = rx
    res_in, res_v0, res_v1, res_tau, res_coef, pieces_of, res_flux, dead = work
    k_first = -1  # the first tag not dead: each tank's coefficients computed afresh
    n_res = res_outflow.shape[1]
    n_chain = chain_head.shape[0]
    n_into_res = into_res.shape[0]

    # reservoirs (exact mixed tanks) of every tag first: they need only the
    # fluxes into them, and they set the inflow of the chains they feed.
    # Species in order: a reaction's product made in this step enters the
    # next species' tank as a constant source over the step, or over each
    # piece of it (tank_pieces; exact at steady state; see docs/solver.md)
    # the tank's volumes and its integral of dt / V are the same for every tag;
    # its coefficients (two exponentials) for every tag with the same rates
    # (and its pieces: the same for every tag, tank_pieces)
    for s in range(n_res):
        pieces_of[s] = 1
        res_v0[s] = res_volume[day, s] + f_start * (res_volume[day + 1, s] - res_volume[day, s])
        res_v1[s] = res_volume[day, s] + f_end * (res_volume[day + 1, s] - res_volume[day, s])
        res_tau[s] = tank_tau(res_v0[s], res_v1[s], tau)
        if mixed:
            pieces_of[s] = tank_pieces(day, s, tau, res_v0[s], res_v1[s], t0, n_tag, n_src, rx_a, rx_b, rx_to,
                                       rx_res_rate, res_rate, res_rx_out, settling_m_s, res_area, res_outflow,
                                       res_evaporation, evaporating)
    sp = 0  # tag k is species sp of source src (k = sp n_src + src; counted, not divided: see advect)
    src = -1
    for k in range(n_tag):
        t = t0 + k
        src += 1
        if src == n_src:
            src = 0
            sp += 1
        if dead[k]:  # (_dead_tags: this step would leave it, and its inflow, as they are)
            continue
        if k_first < 0:
            k_first = k
        for s in range(n_res):
            res_in[s] = res_load[day, s, t]
        for j in range(n_into_res):
            r = into_res[j]
            q = last[r]
            res_in[reach_down_index[r]] += flux_total[q] if n_tag == 1 else flux_per_conc[q] * c[k, q]
        for s in range(n_res):
            v_s = res_v0[s]
            v_e = res_v1[s]
            rate = res_rate[day, s, t]
            made = 0.0
            if mixed:
                rate += res_rx_out[s, sp]
                made = res_prod[k, s, 0]
            area = tank_removal_flow(settling_m_s[t], res_area[day, s], res_evaporation[day, s], evaporating[t])
            pieces = pieces_of[s]
            if pieces > 1:
                # the step cut into equal pieces, each an exact tank step in the volume's
                # linear course with the product of the species before it made over that
                # piece (res_prod[k, s, i], g) as a constant source; its own reactions add
                # their products over the piece to the later species'.  Written out here,
                # not called: a call keeps the reference counts of every array argument
                # of this kernel (module docstring)
                h = np.divide(tau, pieces)
                m1 = res_mass[s, t]
                out_m = 0.0
                rm = 0.0
                made = 0.0
                for i in range(pieces):
                    va = v_s + np.divide((v_e - v_s) * i, pieces)
                    vb = v_s + np.divide((v_e - v_s) * (i + 1), pieces)
                    tp = tank_tau(va, vb, h)
                    removal, o, beta, decay = tank_coefficients(va, vb, tp, res_outflow[day, s], area, rate, h)
                    made_i = res_prod[k, s, i]
                    res_prod[k, s, i] = 0.0  # taken
                    m1, out_i, rm_i, integral = tank_apply(m1, res_in[s] + np.divide(made_i, h), va, vb, h, tp,
                                                           res_outflow[day, s], removal, o, beta, decay)
                    out_m += out_i
                    rm += rm_i
                    made += made_i
                    v_mid = 0.5 * (va + vb)
                    for x in range(rx_a, rx_b):
                        if rx_from[x] == sp and rx_to[x] >= 0:
                            res_prod[rx_to[x] * n_src + src, s, i] += rx_res_rate[day, s, x] * v_mid * integral
                res_mass[s, t] = m1
                res_flux[s] = np.divide(out_m, tau)
                res_out_day[k, s] += out_m
                res_rm_day[k, s] += rm - made
                res_in_day[k, s] += (res_in[s] - res_load[day, s, t]) * tau
                continue
            if mixed:
                res_prod[k, s, 0] = 0.0  # taken: every product is, so the array is all zeros between calls
            if k == k_first or rate != res_coef[s, 0] or area != res_coef[s, 1]:
                res_coef[s, 0] = rate
                res_coef[s, 1] = area
                (res_coef[s, 2], res_coef[s, 3], res_coef[s, 4],
                 res_coef[s, 5]) = tank_coefficients(v_s, v_e, res_tau[s], res_outflow[day, s], area, rate,
                                                     tau)
            # (made / tau is made itself where made is zero, as for every tag of a group without
            # species: the division skipped, the same value to the bit since tau > 0)
            made_rate = np.divide(made, tau) if made != 0.0 else made
            m1, out_m, rm, integral = tank_apply(res_mass[s, t], res_in[s] + made_rate, v_s, v_e, tau,
                                                 res_tau[s], res_outflow[day, s], res_coef[s, 2],
                                                 res_coef[s, 3], res_coef[s, 4], res_coef[s, 5])
            res_mass[s, t] = m1
            res_flux[s] = np.divide(out_m, tau)
            res_out_day[k, s] += out_m
            res_rm_day[k, s] += rm - made
            res_in_day[k, s] += (res_in[s] - res_load[day, s, t]) * tau
            if mixed:
                v_mid = 0.5 * (v_s + v_e)
                for x in range(rx_a, rx_b):
                    if rx_from[x] == sp and rx_to[x] >= 0:
                        res_prod[rx_to[x] * n_src + src, s, 0] += rx_res_rate[day, s, x] * v_mid * integral
        # mass entering each chain head; side tributaries and reservoirs
        # below a fused junction enter the first cell of the reach as a source
        if not lts:
            for j in range(n_chain):
                inflow[k, j] = boundary_flux[day, chain_head[j], t]
        for s in range(n_res):
            if res_down_kind[s] == DOWN_REACH:
                d = res_down_index[s]
                j = head_chain[d]
                if j >= 0 and lts:
                    inflow[k, j] += tau * res_flux[s]
                elif j >= 0:
                    inflow[k, j] += res_flux[s]
                else:
                    x = tau * res_flux[s]
                    mass[t, first[d]] += x
                    extra_acc[k, d] += x


@kernel
def simulate_kernel(net, static, water, loads, rates, start, reactions, out, lts):
    """Transport every tracer down the network for every day.

    The arguments are the named tuples of :mod:`hydro.transport_args`, built by keyword in
    :mod:`hydro.transport` and unpacked here in their field order: ``net``
    (:class:`~hydro.transport_args.KernelNetwork`), ``water``, ``loads``, ``rates``, ``start``,
    ``reactions`` and ``out`` (``Kernel*`` of the same names); ``static`` is
    :func:`static_layout` of the network, built once for a run (its lanes share it).  ``lts`` is
    ``None`` (the global sub-step every day) or the local time steps' ``(min_gain, max_level,
    refine, exchange_limit)`` (:class:`hydro.transport_args.LocalSteps`): Numba prunes the branches
    that test it for ``None`` before typing, so a run without local steps does not compile them.

    Fields (shapes; R reaches, N cells, S reservoirs, T tracers, D days)
    -------------------------------------------------------------------
    reach_cell_start : (R+1,) int  first cell of each reach (cells ordered by reach)
    cell_reach : (N,) int  reach of each cell
    cell_dx : (N,) float  cell length, m
    cell_volume : (N,) float  cell volume at the start of the run, m3
    cell_share : (N,) float  share of its reach's lateral water, loads, withdrawals
        and storage change that each cell takes (its share of the reach volume)
    cell_through : (N,) float  cumulative share down to each cell's outflow face
        (1 at a reach's last cell): the face discharge is
        ``q_in + cell_through (q_out - q_in)``, so every face carries between the
        reach's inlet and outlet discharge
    reach_down_kind, reach_down_index : (R,) int  outlet / reach / reservoir and index
    res_down_kind, res_down_index : (S,) int  likewise for reservoirs
    reach_dispersion : (R,) float  longitudinal dispersion coefficient, m2 s-1
    dispersive_inlet : (R,) bool  inlet held at ``boundary_conc`` (dispersive
        exchange across the inlet) rather than a flux (Danckwerts) condition
    section_cell : (K,) int  cell whose outflow face each section sits on
    point_cell : (P,) int  cell receiving each point load, or ``-1 - r``: along reach ``r`` like a lateral load
    q_in, q_out : (D, R) float  discharge at each reach inlet and outlet, m3 s-1
    net_lateral : (D, R) float  lateral water in minus water taken out, m3 s-1;
        the reach's volume changes at ``q_in - q_out + net_lateral``
    loss : (D, R) float  water leaving along each reach at its concentration, m3 s-1
    res_volume : (D+1, S) float  reservoir volume at the start of each day, m3
    res_outflow, res_area : (D, S) float  outflow (m3 s-1), surface area (m2)
    res_evaporation : (D, S) float  water the surface evaporates (net loss plus rain on it), m3 s-1
    boundary_flux : (D, R, T) float  advective mass into each reach inlet from
        outside the network, g s-1
    boundary_conc : (D, R, T) float  concentration at dispersive inlets, g m-3
    lateral_load : (D, R, T) float  lateral loads, g s-1
    point_load : (D, P, T) float  point loads, g s-1
    res_load : (D, S, T) float  direct loads on reservoirs, g s-1
    reach_rate, res_rate : (D, R, T), (D, S, T) float  first-order removal rate at
        the day's water temperature, ``k20 * theta**(T - 20)``, s-1
    settling_m_s : (T,) float  apparent settling velocity in reservoirs, m s-1
    evaporating : (T,) float  1 for a tracer of the water itself, which a reservoir's surface
        evaporates with it (``res_evaporation``; the transferred water's), 0 for a solute
    init_conc : (N, T), init_res_conc : (S, T)  initial concentrations, g m-3
    init_inlet_debt : (R, T)  mass that dispersion has brought in through the flux inlet at
        the head of each chain (row: the chain's first reach) and advection has not yet taken
        off the inflow, g: 0 at the start of a run, ``out_inlet_debt`` of the run before
        when one continues it (runs in time blocks)
    group_start : (G+1,) int  tracers group_start[g]:group_start[g+1] are the source
        tags of one constituent: its limiter is computed from their sum, and they
        must share its removal rates (a constituent without tags is a group of one)
    courant, disp_limit : float  sub-step limits
    max_substeps : int  the most sub-steps a day may take: the run stops at the first
        day that would need more (its ``out_substeps`` entry says how many)
    period_of_day : (D,) int  budget period of each day (0, 1, ...)
    group_species : (G,) int  species of each group: tag ``k = s * n_src + j`` of a
        group with ``n_sp`` species is species ``s`` of source ``j`` (``n_src =
        tags / n_sp``); the species of one source react with each other, and the
        removal rates may differ between species (not between a species' tags)
    rx_start : (G+1,) int  reactions rx_start[g]:rx_start[g+1] belong to group g
    rx_from, rx_to : (X,) int  species each reaction takes and gives (to > from;
        -1: none, a sink)
    rx_river_rate, rx_res_rate : (D, R, X), (D, S, X) float  reaction rates at the
        day's temperature, s-1

    Outputs (``out``, filled in place; the fields without ``out_``)
    ----------------------------------------------------------------
    out_reach_mass, out_reach_disp : (D, R, T)  advective and dispersive mass
        through each reach outlet in the day, g
    out_section_mass, out_section_disp : (D, K, T)  advective and dispersive
        mass through each section in the day, g
    out_res_conc : (D, S, T)  reservoir concentration at the end of the day, g m-3
    out_res_outmass : (D, S, T)  mass leaving each reservoir in the day, g
    out_substeps : (D,) int  sub-steps taken each day
    budget_reach, budget_res : (P, R|S, 7, T)  budget terms per period, g
    storage_reach, storage_res : (P+1, R|S, T)  mass stored at period starts, g
    out_final_conc : (N, T)  cell concentrations at the end of the run, g m-3
    out_inlet_debt : (R, T)  the same mass at the end of the run, g (0 off chain heads)
    out_column : (T,) int  the column of the outputs' last axis that each tracer fills (the outputs may
        hold more tracers than the kernel carries: a lane's dead sources, +0.0, in their places)
    """
    (reach_cell_start, cell_reach, cell_dx, cell_volume, cell_share, cell_through, reach_down_kind,
     reach_down_index, res_down_kind, res_down_index, reach_dispersion, dispersive_inlet, section_cell,
     point_cell) = net
    q_in, q_out, net_lateral, loss, res_volume, res_outflow, res_area, res_evaporation = water
    boundary_flux, boundary_conc, lateral_load, point_load, res_load = loads
    reach_rate, res_rate, settling_m_s, evaporating = rates
    (init_conc, init_res_conc, init_inlet_debt, group_start, courant, disp_limit, period_of_day,
     max_substeps, disp_every) = start
    group_species, rx_start, rx_from, rx_to, rx_river_rate, rx_res_rate = reactions
    (out_reach_mass, out_reach_disp, out_section_mass, out_section_disp, out_res_conc, out_res_outmass,
     out_substeps, budget_reach, budget_res, storage_reach, storage_res, out_final_conc, out_inlet_debt,
     out_column) = out
    n_day = q_in.shape[0]
    n_reach = q_in.shape[1]
    n_cell = cell_dx.shape[0]
    n_res = res_outflow.shape[1]
    n_tr = init_conc.shape[1]
    n_sec = section_cell.shape[0]
    n_pt = point_cell.shape[0]

    (main_up, pos, chain_head, first, last, head_chain, ghost_up, ghost_dn, dn_src, into_res,
     side_src, side_dst, side_reach, fj_reach, sj_reach, sj_a, sj_b, face_coef, dinlets,
     sec_kind, sec_index, sec_slot, up_src) = static
    n_chain = chain_head.shape[0]
    n_pad = n_cell + 2 * n_chain
    head_slot = ghost_up + 1  # first slot of each chain
    # chain heads fed by reaches (a chain cut above them: LocalSteps.cut; none without cuts): their
    # inflow arrives as side tributaries' (sources of the first cell), so their inlet is no flux inlet
    # (no Danckwerts part, treated as a dispersive inlet's by day_hydraulics) and its ghost is the first
    # cell's own value (zero gradient: inv_qin 0); their budget's inflow adds the tributaries'
    fed = np.zeros(n_reach, dtype=np.bool_)
    for r in range(n_reach):
        if reach_down_kind[r] == DOWN_REACH and main_up[reach_down_index[r]] < 0:
            fed[reach_down_index[r]] = True
    no_flux_inlet = dispersive_inlet | fed
    fj_slot = np.empty(fj_reach.shape[0], dtype=np.int64)  # slot before each fused junction's face
    for k in range(fj_reach.shape[0]):
        fj_slot[k] = last[fj_reach[k]]
    n_side = side_src.shape[0]
    n_into_res = into_res.shape[0]
    n_fj = fj_reach.shape[0]
    n_sj = sj_reach.shape[0]
    n_dinlet = dinlets.shape[0]
    any_disp = False
    for r in range(n_reach):
        if reach_dispersion[r] > 0.0:
            any_disp = True

    # water on the padded layout; ghost slots have an infinite volume
    vol0 = np.full(n_pad, np.inf)  # volume at the start of the day, m3
    for i in range(n_cell):
        vol0[pos[i]] = cell_volume[i]
    fq = np.zeros(n_pad)
    wdraw = np.zeros(n_pad)
    dvol = np.zeros(n_pad)
    half_lw = np.zeros(n_pad)
    vmin = np.zeros(n_pad)  # a slot's smallest volume of the day, m3 (day_hydraulics)
    gsum = np.zeros(n_pad)  # the conductances of a slot's dispersion stage, summed, m3 s-1 (day_hydraulics)
    reach_steps = np.zeros(n_reach, dtype=np.int64)  # each reach's own sub-steps of the day (lts_classes)
    cond = np.zeros(n_pad)
    sj_cond = np.zeros(n_sj)
    b_cond = np.zeros(n_dinlet)
    h_cond = np.zeros(n_chain)  # flux-inlet conductance of each chain head, m3 s-1
    fj_cond = np.zeros(n_fj)
    keep = np.ones(n_pad)  # removal factor of a sub-step
    half_lw_h = np.zeros(n_pad)  # Lax-Wendroff factor of a half sub-step
    inv_qin = np.zeros(n_reach)
    inv_v0 = np.zeros(n_pad)  # inverse volumes at the start of the day and the end of a sub-step, m-3
    inv_ve = np.zeros(n_pad)
    # slots whose face flux the budgets and outputs need: chain inlet ghosts, reach
    # outlets and sections (the rest is never read, so it is not accumulated)
    need = np.zeros(n_pad, dtype=np.bool_)
    for j in range(n_chain):
        need[ghost_up[j]] = True
    for r in range(n_reach):
        need[last[r]] = True
    for j in range(n_sec):
        need[pos[section_cell[j]]] = True
    n_acc = 0
    for p in range(n_pad):
        if need[p]:
            n_acc += 1
    acc_slots = np.empty(n_acc, dtype=np.int64)
    n_acc = 0
    for p in range(n_pad):
        if need[p]:
            acc_slots[n_acc] = p
            n_acc += 1

    # state; per-tag work arrays have a leading axis of the largest group
    n_group = group_start.shape[0] - 1
    g_max = 1
    for g in range(n_group):
        g_max = max(g_max, group_start[g + 1] - group_start[g])
    mass = np.zeros((n_tr, n_pad))
    res_mass = np.empty((n_res, n_tr))
    c = np.zeros((g_max, n_pad))
    m_work = np.zeros(n_pad)  # work arrays of the dispersion's first stage
    c_work = np.zeros(n_pad)
    c_total = np.zeros(n_pad)
    flux_per_conc = np.zeros(n_pad)  # total face flux over total upwind concentration, m3 s-1
    flux_total = np.zeros(n_pad)
    flux = np.zeros(n_pad)
    flux_acc = np.zeros((g_max, n_pad))
    removed_acc = np.zeros((g_max, n_pad))
    withdrawn_acc = np.zeros((g_max, n_pad))
    inflow = np.zeros((g_max, n_chain))  # into each chain head, g s-1
    # flux inlets (see the splitting below): mass the dispersion steps brought in
    # through each chain's inlet that the advection steps have not yet taken off
    # their inflow (g, per tracer; carried over only if a bound held some back);
    # the last dispersion step's inlet mass, the mass of this step, the share of
    # the inflow given to dispersion in this advection step (g), and the inflow
    # concentration the dispersion step sees (g m-3)
    inlet_debt = np.zeros((n_tr, n_chain))
    for t in range(n_tr):
        for j in range(n_chain):
            inlet_debt[t, j] = init_inlet_debt[chain_head[j], t]
    r_prev = np.zeros((g_max, n_chain))
    rr = np.zeros((g_max, n_chain))
    s_used = np.zeros((g_max, n_chain))
    cin = np.zeros((g_max, n_chain))
    disp_out = np.zeros(n_reach)  # dispersive mass through each reach outlet in the day, g (work)
    extra_acc = np.zeros((g_max, n_reach))  # side tributaries and reservoirs into fused reaches, g
    disp_acc = np.zeros((g_max, n_reach))
    sj_acc = np.zeros((g_max, n_sj))
    fj_acc = np.zeros((g_max, n_fj))  # summed concentration step across fused junctions
    sec_acc = np.zeros((g_max, n_sec))  # dispersive mass through each section, g
    res_in = np.zeros(n_res)
    res_v0 = np.zeros(n_res)  # reservoir volumes at the start and end of the step, m3
    res_v1 = np.zeros(n_res)
    res_tau = np.zeros(n_res)  # integral of dt / V over the step, s m-3
    res_coef = np.zeros((n_res, 6))  # rate, settling area and tank_coefficients of the last tag
    res_pieces = np.ones(n_res, dtype=np.int64)  # pieces of each tank's step (tank_pieces)
    res_flux = np.zeros(n_res)
    res_c = np.zeros((g_max, n_res))
    res_out_day = np.zeros((g_max, n_res))
    res_in_day = np.zeros((g_max, n_res))
    res_rm_day = np.zeros((g_max, n_res))
    lat = np.zeros((n_tr, n_pad))  # sources per slot and tracer (g s-1), filled each day
    # reactions: a propagator per reach for the group being run, the species'
    # extra reservoir removal, and the product each reservoir made this step (g)
    sp_max = 1
    for g in range(n_group):
        sp_max = max(sp_max, group_species[g])
    prop = np.zeros((n_reach, sp_max, sp_max))
    kmat = np.zeros((sp_max, sp_max))
    m_a = np.zeros((sp_max, sp_max))
    m_b = np.zeros((sp_max, sp_max))
    prop_slot = np.zeros((sp_max, sp_max, n_pad))  # the propagator of every slot
    acc_row = np.zeros(n_pad)
    res_rx_out = np.zeros((n_res, sp_max))
    res_prod = np.zeros((g_max, n_res, TANK_PIECES_MAX))
    dead = np.zeros(g_max, dtype=np.bool_)  # tags the day's sub-steps skip (_dead_tags)
    slot_reach = np.full(n_pad, -1, dtype=np.int64)
    for i in range(n_cell):
        slot_reach[pos[i]] = cell_reach[i]
    # the arrays of the sub-step kernels with more than 30 of them, as tuples built once (no call
    # here takes more than 30 positional arguments: see reservoir_tanks)
    sections = (sec_kind, sec_index, sec_slot)
    inlet_book = (rr, r_prev, inlet_debt, flux_acc)
    tank_links = (into_res, last, reach_down_index, chain_head, res_down_kind, res_down_index, head_chain, first)
    tank_inputs = (res_volume, res_load, res_rate, res_area, res_outflow, settling_m_s, res_evaporation, evaporating)
    tank_rx = (rx_from, rx_to, rx_res_rate, res_rx_out)
    tank_work = (res_in, res_v0, res_v1, res_tau, res_coef, res_pieces, res_flux, dead)
    out_layout = (reach_cell_start, cell_reach, reach_down_index, main_up, first, last, pos, section_cell, point_cell,
                  sj_reach, fj_reach, fed)
    day_out = (out_reach_mass, out_reach_disp, out_section_mass, out_section_disp, out_res_conc, out_res_outmass,
               budget_reach, budget_res, out_column)

    for t in range(n_tr):
        for i in range(n_cell):
            mass[t, pos[i]] = init_conc[i, t] * cell_volume[i]
        for s in range(n_res):
            res_mass[s, t] = init_res_conc[s, t] * res_volume[0, s]

    if lts is not None:  # local time steps: compiled only for a run that asks for them (lts_group_day)
        lts_min_gain, lts_max_level, lts_boost, lts_exchange_limit, lts_counts = lts
        # local time steps (lts_group_day): the chain of every slot (its ghosts included), the
        # reservoir below each chain's tail (-1: none), the day's classes and work arrays
        chain_of_slot = np.full(n_pad, -1, dtype=np.int64)
        for j in range(n_chain):
            for p in range(ghost_up[j], ghost_dn[j] + 1):
                chain_of_slot[p] = j
        tail_res = np.full(n_chain, -1, dtype=np.int64)
        for j in range(n_into_res):
            tail_res[chain_of_slot[last[into_res[j]]]] = reach_down_index[into_res[j]]
        lts_level = np.zeros(n_chain, dtype=np.int64)
        lts_mask = np.zeros(n_chain, dtype=np.int64)
        lts_blocks = np.ones((4, 3), dtype=np.int64)  # each class's dispersion blocks (_lts_blocks)
        lts_every = disp_every if any_disp else 1
        out_rate = np.zeros(n_pad)  # water leaving each slot over its smallest volume of the day, s-1
        head_acc = np.zeros((g_max, n_chain))
        up_mix = np.zeros((g_max, n_chain))
        step_start = np.zeros(n_chain, dtype=np.int64)
        prop_lv = np.zeros((4, sp_max, sp_max, n_pad))
        lts_idx = np.zeros((N_LISTS, 4, max(2 * n_chain, n_sj, n_fj, n_dinlet, n_sec, 2)), dtype=np.int64)
        lts_cnt = np.zeros((N_LISTS, 4), dtype=np.int64)
        head_bflux = np.zeros((g_max, n_chain))  # each chain head's boundary flux of the day, g s-1 (lts_group_day)
        head_iq = np.zeros(n_chain)  # and its inverse inflow of the day, s m-3
        side_flux = np.zeros((n_side, g_max))  # each side tributary's outflux by tag of its step, g s-1 (lts_fluxes)
        side_of_chain = np.full(n_chain, -1, dtype=np.int64)  # the side junction a chain's last cell feeds, or -1
        lts_state = (mass, c, res_mass)
        lts_lay = (first, last, chain_head, ghost_up, ghost_dn, dn_src, side_src, side_dst, side_reach, sj_a, sj_b,
                   fj_slot, dinlets, sec_kind, sec_index, sec_slot, chain_of_slot, acc_slots, slot_reach, tail_res,
                   res_down_kind, res_down_index, head_chain, up_src)
        lts_water = (vol0, dvol, fq, wdraw, out_rate, cond, sj_cond, b_cond, h_cond, inv_qin, res_volume, res_outflow)
        lts_srcs = (boundary_flux, boundary_conc, lat, reach_rate)
        lts_accs = (flux_acc, removed_acc, withdrawn_acc, extra_acc, disp_acc, sj_acc, fj_acc, sec_acc, res_out_day,
                    res_in_day, res_rm_day)
        lts_inlet = (inlet_debt, r_prev, rr, s_used, cin)
        lts_work = (flux_total, flux_per_conc, c_total, m_work, c_work, keep, inv_ve, head_acc, up_mix, inflow,
                    step_start, prop_lv, head_bflux, head_iq, side_flux, side_of_chain)
        lts_tanks = (tank_links, tank_inputs, tank_rx, tank_work, res_prod)
        lts_rx = (rx_from, rx_to, rx_river_rate, prop, kmat, m_a, m_b)
        lts_own = lts_arrays(lts_state, lts_lay, lts_water, lts_srcs, lts_accs, lts_inlet, lts_work, lts_tanks)
    no_lts = n_reach < 0  # False, not a literal (see any_withdrawal): reservoir_tanks of the global path
    period = -1
    for day in range(n_day):
        if period_of_day[day] != period:
            period = period_of_day[day]
            _record_storage(mass, res_mass, pos, reach_cell_start, storage_reach[period], storage_res[period],
                            out_column)

        n_sub, n_c, m_d = day_hydraulics(q_in[day], q_out[day], net_lateral[day], loss[day], reach_cell_start,
                                         cell_dx, cell_share, cell_through, first, vol0, reach_dispersion,
                                         face_coef, reach_down_index, sj_reach, dinlets, chain_head, no_flux_inlet,
                                         courant, disp_limit, fq, wdraw, dvol, half_lw, cond, sj_cond, b_cond,
                                         h_cond, vmin, gsum, reach_steps)
        k_disp = 1  # advection sub-steps per dispersion step (dispersion_every_day; 1: every one)
        if any_disp and disp_every > 1 and n_c <= max_substeps:  # (n_c above: stopped below, not searched)
            n_sub, k_disp = dispersion_every_day(disp_every, n_sub, n_c, m_d, vmin, fq, wdraw, half_lw)
        dt = SECONDS_PER_DAY / n_sub
        dt_disp = k_disp * dt  # the dispersion step (dt where it runs on every sub-step: the same bits)
        out_substeps[day] = n_sub
        if n_sub > max_substeps:  # steps too short to run: stop, the caller says why
            return
        n_f = 0  # local time steps: the finest class's sub-steps, 0 on a day of the global path
        if lts is not None:
            n_f = lts_classes(lts_level, lts_mask, out_rate, vmin, gsum, reach_steps, fq, wdraw, sj_cond, first,
                              sj_a, sj_b, ghost_up, ghost_dn, chain_of_slot, n_sub, disp_limit, lts_boost,
                              lts_max_level, lts_min_gain, lts_exchange_limit, chain_head, lts_every, lts_blocks)
            if n_f > 0:
                lts_permute(lts_level, lts_mask, lts_idx, lts_cnt, lts_lay, lts_water, lts_own, n_f,
                            lts_counts[day:])
                out_substeps[day] = n_f
                if n_f > max_substeps:
                    return
        for p in range(n_pad):
            half_lw_h[p] = 0.25 + 0.5 * half_lw[p]  # 0.5 (1 - nu / 2)
        any_withdrawal = n_reach < 0  # False, but not a literal: a literal False made advect compile twice
        for r in range(n_reach):
            if loss[day, r] > 0.0:
                any_withdrawal = True
        varies = False  # does any volume change during the day?
        vol_ok = n_reach >= 0  # may tags be skipped (_dead_tags)? (True, not a literal: see any_withdrawal)
        for p in range(n_pad):
            inv_v0[p] = np.divide(1.0, vol0[p])
            if dvol[p] != 0.0:
                varies = True
            if not (vol0[p] > 0.0 and vol0[p] + SECONDS_PER_DAY * dvol[p] > 0.0):
                vol_ok = False
        if not varies:
            for p in range(n_pad):
                inv_ve[p] = inv_v0[p]
        for k in range(n_fj):
            fj_cond[k] = cond[last[fj_reach[k]]]
        for r in range(n_reach):
            inv_qin[r] = 1.0 / q_in[day, r] if q_in[day, r] > 0.0 and not fed[r] else 0.0
        _day_sources(lat, lateral_load, boundary_flux, point_load, day, reach_cell_start, cell_share, first,
                     main_up, pos, point_cell)

        # ---- each constituent (its source tags together) through the day -----
        for g in range(n_group):
            t0 = group_start[g]
            n_tag = group_start[g + 1] - t0
            for k in range(n_tag):
                t = t0 + k
                for r in range(n_reach):
                    disp_acc[k, r] = 0.0
                    extra_acc[k, r] = 0.0
                for j in range(n_sj):
                    sj_acc[k, j] = 0.0
                for j in range(n_fj):
                    fj_acc[k, j] = 0.0
                for j in range(n_sec):
                    sec_acc[k, j] = 0.0
                for p in range(n_pad):
                    removed_acc[k, p] = 0.0
                    withdrawn_acc[k, p] = 0.0
                for j in range(n_acc):  # the only slots whose flux is booked or read
                    flux_acc[k, acc_slots[j]] = 0.0
                for s in range(n_res):
                    res_out_day[k, s] = 0.0
                    res_in_day[k, s] = 0.0
                    res_rm_day[k, s] = 0.0
            # Strang splitting: advection over half a sub-step, then dispersion and
            # removal over a sub-step and advection over a sub-step, ..., and the
            # last advection over half a sub-step again; at flux inlets the
            # dispersion steps take the dispersive part of the inflow and the
            # advection steps the rest (module docstring, _inlet_split)
            n_sp = group_species[g]
            n_src = n_tag // n_sp
            mixed = n_sp > 1 or rx_start[g + 1] > rx_start[g]  # removal by propagators (react)
            for r in range(n_reach):
                keep_r = 1.0 if mixed else math.exp(-reach_rate[day, r, t0] * dt_disp)
                for p in range(first[r], last[r] + 1):
                    keep[p] = keep_r
            if mixed:
                reaction_propagators(day, dt, t0, n_src, n_sp, reach_rate, rx_from, rx_to, rx_river_rate,
                                     rx_start[g], rx_start[g + 1], prop[:, :n_sp, :n_sp], kmat[:n_sp, :n_sp],
                                     m_a[:n_sp, :n_sp], m_b[:n_sp, :n_sp])
                slot_propagators(prop, slot_reach, n_sp, prop_slot)
                for s in range(n_res):
                    for q in range(n_sp):
                        res_rx_out[s, q] = 0.0
                    for x in range(rx_start[g], rx_start[g + 1]):
                        res_rx_out[s, rx_from[x]] += rx_res_rate[day, s, x]
            for k in range(n_tag):
                t = t0 + k
                for p in range(n_pad):
                    c[k, p] = mass[t, p] * inv_v0[p]
            n_dead = _dead_tags(dead, day, t0, n_tag, n_src, mass, res_mass, inlet_debt, lat, boundary_flux,
                                boundary_conc, res_load, pos, vol_ok)
            n_run = n_sub + 1 if n_f == 0 and n_dead < n_tag else 0  # (a group all dead: nothing to do)

            if lts is not None:  # (a test of lts alone: Numba prunes it where lts is None)
                if n_f > 0 and day < lts_counts.shape[0]:  # (LocalSteps.counts: the tags skipped as dead)
                    lts_counts[day, 10] = (lts_counts[day, 10] if g > 0 else 0) + n_dead
                if n_f > 0 and n_dead < n_tag:  # (dead tags: as the global path's, tank_work's `dead`)
                    lts_permuted_day(day, t0, n_tag, n_src, n_sp, mixed, rx_start[g], rx_start[g + 1], n_f,
                                     any_disp, lts_state, lts_srcs, lts_accs, lts_inlet, lts_idx, lts_cnt, lts_own,
                                     lts_rx, lts_blocks)
            for sub in range(n_run):
                # this advection step: tau seconds from t_start into the day
                tau = 0.5 * dt if sub == 0 or sub == n_sub else dt
                t_start = 0.0 if sub == 0 else (sub - 0.5) * dt
                t_end = SECONDS_PER_DAY if sub == n_sub else t_start + tau
                f_start = t_start / SECONDS_PER_DAY
                f_end = t_end / SECONDS_PER_DAY
                # inverse volumes at the end of the step (0 in ghosts)
                if varies:
                    for p in range(n_pad):
                        inv_ve[p] = np.divide(1.0, vol0[p] + t_end * dvol[p])
                for k in range(n_tag):
                    t = t0 + k
                    for s in range(n_res):
                        v_s = res_volume[day, s] + f_start * (res_volume[day + 1, s] - res_volume[day, s])
                        res_c[k, s] = np.divide(res_mass[s, t], v_s)
                    if sub == 0:
                        for j in range(n_chain):
                            inflow[k, j] = boundary_flux[day, chain_head[j], t]
                        for s in range(n_res):
                            if res_down_kind[s] == DOWN_REACH:
                                j = head_chain[res_down_index[s]]
                                if j >= 0:
                                    inflow[k, j] += res_outflow[day, s] * res_c[k, s]
                fill_ghosts(c, n_tag, ghost_up, ghost_dn, dn_src, up_src, chain_head, inflow, inv_qin, into_res,
                            last, reach_down_index, res_c)
                # fluxes of the constituent from the old state; each tag carries the
                # share it holds in the upwind slot, so the tags add up exactly.  A group
                # of one tag has its fluxes computed where advect takes them (flux)
                lw = half_lw if tau == dt else half_lw_h
                if n_tag == 1:
                    advective_fluxes(c[0], fq, lw, flux)
                else:
                    # tag by tag, so each pass runs along the slots, four tags a pass (the same
                    # sums in the same order as a pass a tag, in a quarter of the passes over c_total)
                    for p in range(n_pad):
                        c_total[p] = 0.0
                    k4 = 0
                    while k4 + 4 <= n_tag:
                        for p in range(n_pad):
                            c_total[p] = (((c_total[p] + c[k4, p]) + c[k4 + 1, p]) + c[k4 + 2, p]) + c[k4 + 3, p]
                        k4 += 4
                    for k in range(k4, n_tag):
                        for p in range(n_pad):
                            c_total[p] += c[k, p]
                    advective_fluxes(c_total, fq, lw, flux_total)
                    # one division per slot, shared by the tags
                    for p in range(n_pad):
                        flux_per_conc[p] = np.divide(flux_total[p], c_total[p] + 1e-300)
                # (flux: the group's fluxes where it has one tag, the only case that reads them)
                reservoir_tanks(day, tau, f_start, f_end, t0, n_tag, n_src, mixed, rx_start[g], rx_start[g + 1], mass,
                                c, flux, flux_per_conc, tank_links, tank_inputs, tank_rx, tank_work, res_mass,
                                res_prod, res_out_day, res_in_day, res_rm_day, inflow, boundary_flux, extra_acc,
                                no_lts)
                # flux inlets: the share of the inflow the dispersion steps take
                # (H (c_in - c_1) each), off the advective inflow of this step
                if k_disp > 1:
                    mode = 0 if sub == 0 else (1 if sub % k_disp == (k_disp + 1) // 2 else 2)
                    _inlet_split_every(mode, tau, n_tag, n_src, t0, inflow, inv_qin, chain_head, ghost_up, h_cond, c,
                                       r_prev, inlet_debt, s_used, cin, flux)
                elif n_tag == 1:
                    mode = 0 if sub == 0 else (1 if sub == n_sub else 2)
                    _inlet_split_one(mode, tau, dt, t0, inflow, inv_qin, chain_head, ghost_up, h_cond, c, r_prev,
                                     inlet_debt, s_used, cin, flux)
                else:
                    _inlet_split(sub, n_sub, tau, dt, n_tag, n_src, t0, inflow, inv_qin, chain_head, ghost_up,
                                 h_cond, c, r_prev, inlet_debt, s_used, cin)
                # (with k_disp > 1 the dispersion, and the removal it carries, over k_disp sub-steps at
                # once, after the middle one of them: dispersion_every_day)
                dispersing = any_disp and sub < n_sub and (k_disp == 1 or sub % k_disp == (k_disp - 1) // 2)
                removing = not any_disp and sub < n_sub
                conc_after = not dispersing  # (disperse computes c = m / V where it reads it)
                if n_tag > 1 and dispersing:
                    advect_shares(mass, c, t0, n_tag, flux_per_conc, inflow, s_used, tau, ghost_up, side_src,
                                  side_dst, side_reach, extra_acc, acc_slots, flux_acc, any_withdrawal, wdraw,
                                  withdrawn_acc, lat, dead)
                else:
                    advect(mass, c, t0, n_tag, flux_per_conc, flux, inflow,
                           s_used, tau, ghost_up, side_src, side_dst, side_reach, extra_acc, acc_slots, flux_acc,
                           any_withdrawal, wdraw, withdrawn_acc, removing, keep, removed_acc, lat,
                           inv_ve, conc_after)
                if dispersing:
                    # (the inlet mass of the step enters the budgets as inflow: inlet_book)
                    disperse(mass, c, t0, n_tag, m_work, c_work, cond, dt_disp, inv_ve, keep, removed_acc, sj_a, sj_b,
                             sj_cond, sj_acc, fj_slot, fj_acc, dinlets, first, b_cond, boundary_conc, day,
                             disp_acc, sections, sec_acc, head_slot, h_cond, cin, inlet_book, dead)
                if mixed and sub < n_sub:
                    react(mass, c, prop_slot, t0, n_sp, n_src, inv_ve, removed_acc, acc_row, dead)

            # ---- daily outputs and budgets ------------------------------------
            _flush_tiny(mass, removed_acc, res_mass, res_rm_day, t0, n_tag)
            day_outputs(day, period, t0, n_tag, out_layout, fj_cond, boundary_flux, lateral_load, point_load,
                        res_load, res_volume, res_mass, flux_acc, removed_acc, withdrawn_acc, extra_acc, disp_acc,
                        sj_acc, fj_acc, sec_acc, res_out_day, res_in_day, res_rm_day, disp_out, day_out)

        # volumes at the end of the day: the water balance of each cell
        for p in range(n_pad):
            vol0[p] = vol0[p] + SECONDS_PER_DAY * dvol[p]

    _record_storage(mass, res_mass, pos, reach_cell_start, storage_reach[period + 1],
                    storage_res[period + 1], out_column)
    for t in range(n_tr):
        o = out_column[t]
        for i in range(n_cell):
            out_final_conc[i, o] = mass[t, pos[i]] / vol0[pos[i]]
        for j in range(n_chain):
            out_inlet_debt[chain_head[j], o] = inlet_debt[t, j]


@kernel(helper=True)
def _bounded_shares(j, n_tag, n_src, t0, tau, inv_q, s_tot, c0_tot, c1_tot, s_used, inlet_debt):
    """Bound chain ``j``'s planned inlet shares ``s_used`` (g, per tag; summing to ``s_tot``) so that the
    constituent's advective inflow concentration stays between ``c_in`` (``c0_tot``) and the first
    cell's (``c1_tot``), mg L-1, over ``tau`` seconds at the inflow ``1 / inv_q`` (m3 s-1), and
    subtract what each tag takes from its ``inlet_debt``.  Shared by :func:`_inlet_split`,
    :func:`_inlet_split_every` and the local steps' inlet split.

    Where every tag's plan has the sign of the excess over the bound, or none, every tag is scaled
    by ``bound / sum``.  Where some have the other sign (plans that cancel, as reactions between
    dispersion steps and switching inflows make them), that scaling jumps from 1 to 0 as a sum near 0
    changes sign, so round-off (how many source tags split a species) decided whether both plans were
    kept or both dropped; there :func:`_cut_excess_side` takes the excess from the plans on its side
    only.  The two rules are continuous in each tag's plan and agree where the plans on the other
    side go to 0; what each species gives up depends only on the species' sums (the sums over its
    ``n_src`` source tags, tag ``k = s * n_src + j``), so source tags add up to their species.  A dry
    inlet (``inv_q`` 0: no inflow to take from) keeps the scaling: every share 0.
    """
    room = np.divide(tau * (c0_tot - c1_tot), inv_q) if inv_q > 0.0 else 0.0
    # theta = max(room, 0) / s_tot above that bound, min(room, 0) / s_tot below the
    # other, else 1 (s_tot / s_tot is exactly 1); as selects (see _inlet_split_one)
    clamped = min(max(s_tot, min(room, 0.0)), max(room, 0.0))
    nonzero = s_tot != 0.0
    theta = np.divide(clamped if nonzero else 1.0, s_tot if nonzero else 1.0)
    excess = s_tot - clamped
    if excess != 0.0 and inv_q > 0.0 and _plans_cancel(j, n_tag, excess, s_used):
        _cut_excess_side(j, n_tag, n_src, t0, excess, s_used, inlet_debt)
        return
    for k in range(n_tag):
        x = s_used[k, j] * theta
        s_used[k, j] = x
        inlet_debt[t0 + k, j] -= x


@kernel(helper=True)
def _species_plan(j, s, n_src, s_used):
    """Species ``s``'s planned share of chain ``j`` (g): the sum over its ``n_src`` source tags."""
    x = 0.0
    for k in range(s * n_src, (s + 1) * n_src):
        x += s_used[k, j]
    return x


@kernel(helper=True)
def _plans_cancel(j, n_tag, excess, s_used):
    """Whether some tag's planned share of chain ``j`` has the sign opposite to ``excess``."""
    cancel = False
    for k in range(n_tag):
        cancel = cancel or s_used[k, j] * excess < 0.0
    return cancel


@kernel(helper=True)
def _cut_excess_side(j, n_tag, n_src, t0, excess, s_used, inlet_debt):
    """:func:`_bounded_shares` where plans cancel: each species whose plan has the sign of ``excess``
    (g) gives up ``1 - f`` of it (``f = 1 - excess / same``, in [0, 1]; ``same``: those species'
    plans summed, at least ``excess`` in size), taken from its tags whose plans have that sign, in
    proportion to them (their sum is at least the species' in size, so each keeps a share in [0, 1]
    of its plan); every other plan is kept."""
    same = 0.0
    for s in range(n_tag // n_src):
        x = _species_plan(j, s, n_src, s_used)
        if x * excess > 0.0:
            same += x
    f = min(max(np.divide(same - excess, same) if same != 0.0 else 1.0, 0.0), 1.0)
    for s in range(n_tag // n_src):
        plan = _species_plan(j, s, n_src, s_used)
        cut = (1.0 - f) * plan if plan * excess > 0.0 else 0.0
        side = 0.0
        for k in range(s * n_src, (s + 1) * n_src):
            if s_used[k, j] * excess > 0.0:
                side += s_used[k, j]
        r = min(max(np.divide(cut, side) if side != 0.0 else 0.0, 0.0), 1.0)
        for k in range(s * n_src, (s + 1) * n_src):
            x = s_used[k, j]
            if x * excess > 0.0:
                x = x * (1.0 - r)
            s_used[k, j] = x
            inlet_debt[t0 + k, j] -= x


@kernel(helper=True)
def _inlet_split(sub, n_sub, tau, dt, n_tag, n_src, t0, inflow, inv_qin, chain_head, ghost_up, h_cond, c, r_prev,
                 inlet_debt, s_used, cin):
    """Share of each flux inlet's inflow (g, per tag and chain) that this advection step leaves to
    dispersion (see :func:`simulate_kernel`), and the inflow concentration the dispersion sees.

    The advection step of sub-step ``sub`` takes off what the dispersion steps have
    brought in and it has not yet taken off (``inlet_debt``), plus its estimate of
    half the next dispersion step's inlet mass: half the last one's (the first
    step of the day: ``dt/2 H (c_in - c_1)`` from the current state; the last:
    none).  So every day the inflow entering is exactly the inflow, and each
    advection step's share is centred on its own time.  Its advective inflow
    concentration ``c_in - share / (Q tau)`` is held between ``c_in`` and
    ``c_1`` (what is held back stays owed): the maximum principle of the
    advection step needs an inflow value in the range of its inputs.  The bound
    is applied to the constituent (the sum of its tags) and shared by the tags as
    :func:`_bounded_shares` says, by their species' sums, so source tags add up.
    ``s_used`` is subtracted from ``inlet_debt``.
    """
    for j in range(ghost_up.shape[0]):
        h = np.uint64(chain_head[j])
        hc = h_cond[j]
        p = np.uint64(ghost_up[j]) + np.uint64(1)  # (unsigned: _SLOT_INDEX)
        s_tot = 0.0
        c0_tot = 0.0
        c1_tot = 0.0
        for k in range(n_tag):
            c0k = inflow[k, j] * inv_qin[h]
            cin[k, j] = c0k
            if sub == 0:
                pred = 0.5 * dt * hc * (c0k - c[k, p])
            elif sub == n_sub:
                pred = 0.0
            else:
                pred = 0.5 * r_prev[k, j]
            x = inlet_debt[t0 + k, j] + pred
            s_used[k, j] = x
            s_tot += x
            c0_tot += c0k
            c1_tot += c[k, p]
        _bounded_shares(j, n_tag, n_src, t0, tau, inv_qin[h], s_tot, c0_tot, c1_tot, s_used, inlet_debt)



@kernel(helper=True)
def _inlet_split_every(mode, tau, n_tag, n_src, t0, inflow, inv_qin, chain_head, ghost_up, h_cond, c, r_prev,
                       inlet_debt, s_used, cin, flux):
    """:func:`_inlet_split` of a day whose dispersion runs once every ``k`` advection sub-steps
    (:func:`dispersion_every_day`), each dispersion step ``k dt`` long.

    Each advection step leaves to dispersion its estimate of the dispersive inflow over its own
    ``tau`` seconds from the current state, ``tau H (c_in - c_1)`` (at most ``tau Q c_in``, as
    ``H < Q`` and ``c_1 >= 0``: each tag's advective inflow stays non-negative), so the steps
    between two dispersion steps take about one dispersion step's mass, half of it for the second
    half of the last one's time and half for the first half of the next one's.  The step right after
    a dispersion step (``mode`` 1) also takes what that step brought beyond this plan,
    ``inlet_debt - r_prev / 2`` (``r_prev``: that step's inlet mass; the debt then stands at half of
    it when the estimates are right), and the first step of the day (``mode`` 0) the debt carried
    over (``mode`` 2: any other step).  So the mass is exact whatever the estimates, which only
    place it in time.  The same bound as :func:`_inlet_split` on the constituent, shared by its tags
    as :func:`_bounded_shares` says (what it holds back stays owed); a group of one tag also gets its inlet ghosts'
    flux (``flux``, as :func:`_inlet_split_one`).  (``k = 1`` keeps :func:`_inlet_split`, bit for bit.)
    """
    inv_tau = np.divide(1.0, tau)
    for j in range(ghost_up.shape[0]):
        h = np.uint64(chain_head[j])
        hc = tau * h_cond[j]
        p = np.uint64(ghost_up[j]) + np.uint64(1)  # (unsigned: _SLOT_INDEX)
        s_tot = 0.0
        c0_tot = 0.0
        c1_tot = 0.0
        for k in range(n_tag):
            c0k = inflow[k, j] * inv_qin[h]
            cin[k, j] = c0k
            x = hc * (c0k - c[k, p])
            if mode == 0:
                x += inlet_debt[t0 + k, j]
            elif mode == 1:
                x += inlet_debt[t0 + k, j] - 0.5 * r_prev[k, j]
            s_used[k, j] = x
            s_tot += x
            c0_tot += c0k
            c1_tot += c[k, p]
        _bounded_shares(j, n_tag, n_src, t0, tau, inv_qin[h], s_tot, c0_tot, c1_tot, s_used, inlet_debt)
        if n_tag == 1:
            flux[np.uint64(ghost_up[j])] = inflow[0, j] - s_used[0, j] * inv_tau


@kernel(helper=True)
def _inlet_split_one(mode, tau, dt, t0, inflow, inv_qin, chain_head, ghost_up, h_cond, c, r_prev, inlet_debt, s_used,
                     cin, flux):
    """:func:`_inlet_split` of a group of one tag, tracer ``t0`` (row 0 of the per-tag arrays;
    ``mode`` 0: the first step of the day, 1: the last, 2: any other), the same arithmetic, its
    bound written as selects: whether it holds back anything flips from step to step where an
    inlet is near steady, and a mispredicted branch per chain and step cost more than the rest
    of the loop.  It also sets the advective inflow of each chain, the flux of its inlet ghost
    (``flux``, as :func:`advect` sets it for a group of several tags: one loop over the chains
    less a step)."""
    inv_tau = np.divide(1.0, tau)
    for j in range(ghost_up.shape[0]):
        iq = inv_qin[np.uint64(chain_head[j])]
        c0 = inflow[0, j] * iq
        cin[0, j] = c0
        c1 = c[0, np.uint64(ghost_up[j]) + np.uint64(1)]  # (unsigned: _SLOT_INDEX)
        if mode == 0:
            pred = 0.5 * dt * h_cond[j] * (c0 - c1)
        elif mode == 1:
            pred = 0.0
        else:
            pred = 0.5 * r_prev[0, j]
        x = inlet_debt[t0, j] + pred
        room = np.divide(tau * (c0 - c1), iq) if iq > 0.0 else 0.0
        # theta = max(room, 0) / x above that bound, min(room, 0) / x below the other,
        # else 1 (x / x is exactly 1)
        clamped = min(max(x, min(room, 0.0)), max(room, 0.0))
        nonzero = x != 0.0
        y = x * np.divide(clamped if nonzero else 1.0, x if nonzero else 1.0)
        s_used[0, j] = y
        inlet_debt[t0, j] -= y
        flux[np.uint64(ghost_up[j])] = inflow[0, j] - y * inv_tau


@kernel(helper=True)
def _day_sources(lat, lateral_load, boundary_flux, point_load, day, reach_cell_start, cell_share, first, main_up,
                 pos, point_cell):
    """Sources per padded slot of every tracer for day ``day`` (``lat[t]``, g s-1).

    Lateral loads spread along each reach like its lateral water (each cell its
    share); boundary inflow into a reach that continues a chain enters its
    first cell; a point load enters its cell, or where ``point_cell`` is
    ``-1 - r`` (a source that brings water, which enters along reach ``r`` as
    lateral water does) along the reach like a lateral load.  One call for all
    the tracers (a call per tracer and day cost its arrays' reference counts each time).
    """
    for t in range(lat.shape[0]):
        for r in range(reach_cell_start.shape[0] - 1):
            s0 = reach_cell_start[r]
            n = reach_cell_start[r + 1] - s0
            p0 = first[r]
            for j in range(n):
                lat[t, p0 + j] = lateral_load[day, r, t] * cell_share[s0 + j]
            if main_up[r] >= 0:
                lat[t, p0] += boundary_flux[day, r, t]
        for j in range(point_cell.shape[0]):
            c = point_cell[j]
            if c >= 0:
                lat[t, pos[c]] += point_load[day, j, t]
            else:  # with its water, along the reach: each cell its share
                r = -1 - c
                s0 = reach_cell_start[r]
                p0 = first[r]
                for i in range(reach_cell_start[r + 1] - s0):
                    lat[t, p0 + i] += point_load[day, j, t] * cell_share[s0 + i]


@kernel(helper=True)
def _plus_zero(x):
    """Whether ``x`` is +0.0 (not -0.0, whose sign a sum with +0.0 would change)."""
    return x == 0.0 and math.copysign(1.0, x) > 0.0


@kernel(helper=True)
def _dead_tags(dead, day, t0, n_tag, n_src, mass, res_mass, inlet_debt, lat, boundary_flux, boundary_conc, res_load,
               pos, allowed):
    """Mark (``dead[k]``) the tags of a group that the day's sub-steps would leave exactly as they
    are, so that the sub-step kernels skip them; returns how many.

    A tag is dead when its mass in every cell and reservoir, the inflow its flux inlets still
    owe and every input of the day (boundary fluxes and concentrations, the sources of every
    slot, the reservoirs' direct loads) are +0.0, and so are those of every other species of its
    source (reactions make one species from another).  Then every sum a step forms for it adds
    zeros to +0.0 and every product multiplies +0.0 by a finite number, so its masses and
    concentrations stay +0.0 and its bookings +0.0, while it adds +0.0 to its group's summed
    concentration (kept: the group's limiter is the same).  Its ghost slots are not looked at:
    they collect mass that is never read (their inverse volume is 0), which a step leaves as it
    is or changes only by the sign of a zero.  ``allowed`` is False where this does not hold
    (a cell whose volume reaches zero: 0 times an infinite inverse volume is not 0); then no tag is
    marked.  Days of local time steps skip them too (:func:`lts_group_day`'s passes; a group all
    dead is not laid out), with the same rules: their volumes at any time of the day lie between
    those at its start and end.
    """
    n_dead = 0
    for k in range(n_tag):
        t = t0 + k
        ok = allowed
        i = 0
        while ok and i < pos.shape[0]:  # cells only (not ghost slots)
            ok = _plus_zero(mass[t, pos[i]])
            i += 1
        p = 0
        while ok and p < lat.shape[1]:
            ok = _plus_zero(lat[t, p])
            p += 1
        r = 0
        while ok and r < boundary_flux.shape[1]:
            ok = _plus_zero(boundary_flux[day, r, t]) and _plus_zero(boundary_conc[day, r, t])
            r += 1
        s = 0
        while ok and s < res_mass.shape[0]:
            ok = _plus_zero(res_mass[s, t]) and _plus_zero(res_load[day, s, t])
            s += 1
        j = 0
        while ok and j < inlet_debt.shape[1]:
            ok = _plus_zero(inlet_debt[t, j])
            j += 1
        dead[k] = ok
    for j in range(n_src):  # a source is dead only with all its species
        all_dead = True
        for k in range(j, n_tag, n_src):
            all_dead = all_dead and dead[k]
        for k in range(j, n_tag, n_src):
            dead[k] = all_dead
            if all_dead:
                n_dead += 1
    return n_dead


@kernel(helper=True)
def _flush_tiny(mass, racc, res_mass, res_rm, t0, n_tag):
    """Set the masses of tracers ``t0 .. t0 + n_tag`` below :data:`TINY_MASS_G` to zero, booked as
    removal (``racc[k]``, ``res_rm[k]`` for tag ``k``; no subnormals)."""
    for k in range(n_tag):
        t = t0 + k
        for p in range(mass.shape[1]):
            if mass[t, p] != 0.0 and abs(mass[t, p]) < TINY_MASS_G:
                racc[k, p] += mass[t, p]
                mass[t, p] = 0.0
        for s in range(res_mass.shape[0]):
            if res_mass[s, t] != 0.0 and abs(res_mass[s, t]) < TINY_MASS_G:
                res_rm[k, s] += res_mass[s, t]
                res_mass[s, t] = 0.0


@kernel(helper=True)
def day_outputs(day, period, t0, n_tag, layout, fj_cond, boundary_flux, lateral_load, point_load, res_load,
                res_volume, res_mass, flux_acc, removed_acc, withdrawn_acc, extra_acc, disp_acc, sj_acc, fj_acc,
                sec_acc, res_out_day, res_in_day, res_rm_day, disp_out, outputs):
    """Daily outputs and budget terms of the tags of a group (tag ``k`` is tracer ``t0 + k``) from the
    accumulators; ``disp_out`` (R,) is work space.  ``layout`` is ``(reach_cell_start, cell_reach,
    reach_down_index, main_up, first, last, pos, section_cell, point_cell, sj_reach, fj_reach, fed)`` and
    ``outputs`` ``(out_reach_mass, out_reach_disp, out_section_mass, out_section_disp, out_res_conc,
    out_res_outmass, budget_reach, budget_res, column)``, tuples built once (at most 30 positional arguments:
    see :func:`reservoir_tanks`); tracer ``t`` goes to the outputs' column ``column[t]``."""
    (reach_cell_start, cell_reach, reach_down_index, main_up, first, last, pos, section_cell, point_cell, sj_reach,
     fj_reach, fed) = layout
    (out_reach_mass, out_reach_disp, out_section_mass, out_section_disp, out_res_conc, out_res_outmass,
     budget_reach, budget_res, column) = outputs
    for k in range(n_tag):
        t = t0 + k
        o = column[t]
        n_reach = reach_cell_start.shape[0] - 1
        d_acc = disp_acc[k]
        for j in range(sj_reach.shape[0]):
            d_acc[sj_reach[j]] -= sj_acc[k, j]
            d_acc[reach_down_index[sj_reach[j]]] += sj_acc[k, j]
        # dispersive mass leaving each reach through its outlet, g
        for r in range(n_reach):
            disp_out[r] = 0.0
        for j in range(sj_reach.shape[0]):
            disp_out[sj_reach[j]] += sj_acc[k, j]
        for j in range(fj_reach.shape[0]):
            x = fj_cond[j] * fj_acc[k, j]
            d_acc[fj_reach[j]] -= x
            d_acc[reach_down_index[fj_reach[j]]] += x
            disp_out[fj_reach[j]] += x
        for r in range(n_reach):
            rm = 0.0
            wd = 0.0
            for p in range(first[r], last[r] + 1):
                rm += removed_acc[k, p]
                wd += withdrawn_acc[k, p]
            out_m = flux_acc[k, last[r]]
            out_reach_mass[day, r, o] = out_m
            out_reach_disp[day, r, o] = disp_out[r]
            if fed[r]:  # a chain cut above r: its inlet ghost's flux and the tributaries'
                in_m = flux_acc[k, first[r] - 1] + extra_acc[k, r]
            elif main_up[r] < 0:
                in_m = flux_acc[k, first[r] - 1]
            else:
                in_m = flux_acc[k, last[main_up[r]]] + extra_acc[k, r] + SECONDS_PER_DAY * boundary_flux[day, r, t]
            budget_reach[period, r, B_INFLOW, o] += in_m
            budget_reach[period, r, B_LATERAL, o] += SECONDS_PER_DAY * lateral_load[day, r, t]
            budget_reach[period, r, B_OUTFLOW, o] += out_m
            budget_reach[period, r, B_REMOVAL, o] += rm
            budget_reach[period, r, B_WITHDRAWAL, o] += wd
            budget_reach[period, r, B_DISPERSION, o] += d_acc[r]
        for j in range(point_cell.shape[0]):
            c = point_cell[j]
            r = cell_reach[c] if c >= 0 else -1 - c
            budget_reach[period, r, B_POINT, o] += SECONDS_PER_DAY * point_load[day, j, t]
        for j in range(section_cell.shape[0]):
            out_section_mass[day, j, o] = flux_acc[k, pos[section_cell[j]]]
            out_section_disp[day, j, o] = sec_acc[k, j]
        for s in range(res_mass.shape[0]):
            out_res_conc[day, s, o] = np.divide(res_mass[s, t], res_volume[day + 1, s])
            out_res_outmass[day, s, o] = res_out_day[k, s]
            budget_res[period, s, B_INFLOW, o] += res_in_day[k, s]
            budget_res[period, s, B_LATERAL, o] += SECONDS_PER_DAY * res_load[day, s, t]
            budget_res[period, s, B_OUTFLOW, o] += res_out_day[k, s]
            budget_res[period, s, B_REMOVAL, o] += res_rm_day[k, s]


@kernel(helper=True)
def _record_storage(mass, res_mass, pos, reach_cell_start, storage_reach, storage_res, column):
    """Mass (g) held in every reach and reservoir, per tracer: (R, T) and (S, T) outputs, tracer ``t`` in
    their column ``column[t]``."""
    n_tr = mass.shape[0]
    for t in range(n_tr):
        o = column[t]
        for r in range(reach_cell_start.shape[0] - 1):
            acc = 0.0
            for i in range(reach_cell_start[r], reach_cell_start[r + 1]):
                acc += mass[t, pos[i]]
            storage_reach[r, o] = acc
        for s in range(res_mass.shape[0]):
            storage_res[s, o] = res_mass[s, t]


# ---- local time steps (issue 16; docs/solver.md "Local time stepping") ------------------------
#
# Each day each chain takes a class l: n_f / 2**l sub-steps (n_f the finest count, a multiple of
# 2**L).  In units u of DAY / (2 n_f), class l ends its Strang advection steps at the odd
# multiples of 2**l and at 2 n_f, and disperses at the interior ones; the day is the sequence of
# those events (tests/lts_prototype.py writes the same design out in plain Python).  A chain's
# *bounds* are the events where its advection step ends: its own class's, the day's end, and the
# dispersion times of a coarser chain it exchanges with across a dispersive side junction
# (``mask``: bit l set where the chain has bounds at the odd multiples of 2**l).


#: _RUN_VIEWS: the passes over a run of chains (lts_fluxes, lts_update, lts_disperse, lts_react)
#: index its slots from its first ghost either through views (``x[lo:hi][p]``, lts_disperse, whose
#: views' counts Numba prunes) or by an unsigned index ``p = uint64(lo) + uint64(q)``, never as
#: ``x[p]`` for ``p`` from ``lo + 1``: Numba tests a signed index for a negative value (which wraps
#: around), LLVM kept that test there and vectorised with gathers and scatters, four times slower
#: than plain loads (the global path's passes start at a constant, where the test drops out).  An
#: unsigned index takes no views, whose reference counts cost more than a small class's pass.


@kernel(helper=True)
def _ctz(u):
    """The power of two in ``u`` > 0 (its trailing zero bits)."""
    n = 0
    while u % 2 == 0:
        u //= 2
        n += 1
    return n


@kernel(helper=True)
def _lts_block(u, lv, blocks):
    """The steps of the block that class ``lv`` disperses at its event ``u`` (``u = 2**lv (2 i - 1)``,
    after its step ``i``), 0 where it does not disperse there: its ``n_l`` steps in blocks of the odd
    sizes ``a + 2`` (the first ``e``) and ``a`` (``blocks[lv] = (k, a, e)``, :func:`lts_classes`),
    each dispersed after its middle step (the Strang placement; ``a`` 1, ``e`` 0: every step)."""
    i = ((u >> lv) + 1) // 2
    a = blocks[lv, 1]
    big = blocks[lv, 2] * (a + 2)
    if i <= big:
        return a + 2 if i - (i - 1) // (a + 2) * (a + 2) == (a + 3) // 2 else 0
    i -= big
    return a if i - (i - 1) // a * a == (a + 1) // 2 else 0


@kernel(helper=True)
def _next_bound(mask_j, lv_j, u, n_ev, blocks):
    """The first bound of a chain of class ``lv_j`` (``mask_j``: its class's and its coarser neighbours')
    after event ``u`` (``n_ev``: the day's last): its own class's steps, and a coarser neighbour's
    dispersion times (:func:`_lts_block`; each of its steps where it disperses on every one)."""
    v = u + 1
    while v < n_ev:
        b = _ctz(v)
        if b <= 3 and (mask_j >> b) & 1 == 1 and (b == lv_j or _lts_block(v, b, blocks) > 0):
            break
        v += 1
    return v


@kernel(helper=True)
def lts_classes(level, mask, out_rate, vmin, gsum, reach_steps, fq, wdraw, sj_cond, first, sj_a, sj_b, ghost_up,
                ghost_dn, chain_of_slot, n_sub, disp_limit, boost, max_level, min_gain, exchange_limit, chain_head,
                every, blocks):
    """The class of every chain for the day (``level``, ``mask``), and the finest count ``n_f``.

    Each reach's own count is the global sub-step's rule over its own cells (:func:`day_hydraulics`'
    ``reach_steps``, the largest of which is ``n_sub``; with its ``vmin`` and ``gsum``), times
    ``boost`` (a test's way to refine a reach; 1 otherwise); a chain takes the largest of its
    reaches', and class ``l`` the largest (at most ``max_level``) with ``own 2**l <= n_glob``.
    A dispersive side junction between classes is exchanged at the coarser one's step
    (:func:`lts_exchange`, exact for the two cells, so in range whatever the step); for accuracy
    both cells must bear it (``g dt_coarse <= exchange_limit disp_limit vmin``; ``math.inf``: no
    refinement), else the coarser chain is refined.  Then a coarser chain is refined where that
    costs fewer cell updates than the extra bounds it gives its finer neighbours
    (:func:`lts_cheaper_classes`); ``n_f`` is ``n_glob`` rounded up to whole steps of the coarsest
    class left.
    Returns 0 (the day takes the global path) where the global path's cell updates
    are fewer than ``min_gain`` times the local steps' (one class: the same).  Fills ``out_rate``,
    the water leaving each slot over its smallest volume of the day, s-1 (:func:`lts_fluxes`), and
    ``blocks`` (4, 3), each class's dispersion blocks (:func:`_lts_blocks`; ``every``: the most steps a
    block, 1 where nothing disperses).
    """
    n_chain = level.shape[0]
    for p in range(vmin.shape[0]):
        # the Lax-Wendroff factor's rate (nu = tau out_rate; 0 in ghost slots)
        out_rate[p] = np.divide(fq[p] + wdraw[p], vmin[p]) if vmin[p] > 0.0 and vmin[p] < math.inf else 0.0
    own = np.zeros(n_chain, dtype=np.int64)
    for r in range(first.shape[0]):
        j = chain_of_slot[first[r]]
        own[j] = max(own[j], reach_steps[r] * boost[r])
    n_glob = 1
    for j in range(n_chain):
        n_glob = max(n_glob, own[j])
    bearable = exchange_limit * disp_limit
    _lts_levels(level, own, n_glob, max_level, sj_a, sj_b, chain_of_slot, sj_cond, vmin, bearable)
    lts_cheaper_classes(level, ghost_up, ghost_dn, chain_head, sj_a, sj_b, chain_of_slot)
    top = 0
    for j in range(n_chain):
        top = max(top, level[j])
    n_f = (n_glob + 2 ** top - 1) // 2 ** top * 2 ** top
    work_lts = 0
    work_glob = 0
    for j in range(n_chain):
        n_cells = ghost_dn[j] - ghost_up[j] - 1
        work_lts += n_cells * (n_f // 2 ** level[j])
        work_glob += n_cells * n_sub
    if work_glob < min_gain * work_lts:
        return 0
    for j in range(n_chain):
        mask[j] = 1 << level[j]
    for k in range(sj_a.shape[0]):
        ca = chain_of_slot[sj_a[k]]
        cb = chain_of_slot[sj_b[k]]
        if level[ca] > level[cb]:
            mask[cb] |= 1 << level[ca]
        elif level[cb] > level[ca]:
            mask[ca] |= 1 << level[cb]
    _lts_blocks(blocks, every, level, n_f, gsum, vmin, ghost_up, ghost_dn, sj_a, sj_b, sj_cond, chain_of_slot,
                disp_limit, bearable)
    return n_f


@kernel(helper=True)
def _lts_blocks(blocks, every, level, n_f, gsum, vmin, ghost_up, ghost_dn, sj_a, sj_b, sj_cond, chain_of_slot,
                disp_limit, bearable):
    """Each class's dispersion blocks of the day (issue 16; docs/solver.md, "Dispersion every K steps
    inside the local steps"; ``tests/lts_prototype.py``'s ``class_every`` and ``class_blocks``):
    ``blocks[l] = (k, a, e)``.  ``k``, the most steps a block, is the largest odd ``k <= every`` that keeps
    every cell of the class within its dispersion limit at ``k dt_l`` (``gsum k dt_l <= disp_limit V_min``)
    and every exchange the class leads across a junction with a finer one within ``bearable`` of both
    cells' limits (as the classes are at ``dt_l``); its ``n_l = n_f / 2**l`` steps then go in the least
    number ``m >= n_l / k`` of blocks of the parity of ``n_l`` (a sum of odd sizes), ``e`` of ``a + 2``
    steps first and the rest of ``a``, ``a`` the largest odd with ``a m <= n_l``.  ``every`` 1: ``(1, 1,
    0)``, every step."""
    k_max = every if every % 2 == 1 else every - 1
    for lv in range(4):
        blocks[lv, 0] = k_max
    for j in range(level.shape[0]):
        lv = level[j]
        dt = SECONDS_PER_DAY * 2 ** lv / n_f
        k = blocks[lv, 0]
        for p in range(ghost_up[j] + 1, ghost_dn[j]):
            while k > 1 and gsum[p] * k * dt > disp_limit * vmin[p]:
                k -= 2
        blocks[lv, 0] = k
    for x in range(sj_a.shape[0]):
        la = level[chain_of_slot[sj_a[x]]]
        lb = level[chain_of_slot[sj_b[x]]]
        if la == lb:
            continue
        lv = max(la, lb)
        dt = SECONDS_PER_DAY * 2 ** lv / n_f
        v_least = min(vmin[sj_a[x]], vmin[sj_b[x]])
        while blocks[lv, 0] > 1 and sj_cond[x] * blocks[lv, 0] * dt > bearable * v_least:
            blocks[lv, 0] -= 2
    for lv in range(4):
        n_l = n_f // 2 ** lv
        if n_l == 0:  # (no chain of that class: n_f is a multiple of the coarsest class's 2**l)
            blocks[lv, 0] = 1
            blocks[lv, 1] = 1
            blocks[lv, 2] = 0
            continue
        k = blocks[lv, 0]
        m = (n_l + k - 1) // k
        if (n_l - m) % 2 == 1:
            m += 1
        a = n_l // m
        if a % 2 == 0:
            a -= 1
        blocks[lv, 1] = a
        blocks[lv, 2] = (n_l - a * m) // 2


@kernel(helper=True)
def _lts_levels(level, own, n_glob, max_level, sj_a, sj_b, chain_of_slot, sj_cond, vmin, bearable):
    """Each chain's class against the ``n_glob`` steps of the finest one (the largest ``l``, at most
    ``max_level``, with ``own 2**l <= n_glob``), then the coarser chain of a dispersive side junction
    between classes refined until both cells bear its exchange (:func:`lts_classes`)."""
    for j in range(level.shape[0]):
        lv = 0
        while lv < max_level and own[j] * 2 ** (lv + 1) <= n_glob:
            lv += 1
        level[j] = lv
    changed = True
    while changed:
        changed = False
        for k in range(sj_a.shape[0]):
            ca = chain_of_slot[sj_a[k]]
            cb = chain_of_slot[sj_b[k]]
            if level[ca] == level[cb]:
                continue
            coarse = ca if level[ca] > level[cb] else cb
            # (the coarser cell bears its own step's exchange: g counts in its limit, so at
            # exchange_limit 1 only the finer cell decides, as in tests/lts_prototype.py; at inf
            # nothing: inf * v_least, or nan where v_least is 0, is never exceeded)
            v_least = min(vmin[sj_a[k]], vmin[sj_b[k]])
            if sj_cond[k] * SECONDS_PER_DAY * 2 ** level[coarse] / n_glob > bearable * v_least:
                level[coarse] -= 1
                changed = True


@kernel(helper=True)
def _lts_cost(j, level, nbr_start, nbr):
    """Chain ``j``'s steps a day per cell, in eighths of the finest count ``n_f``: its dispersion
    steps (``n_f / 2**level``) and its advection bounds, those of its own class and of every
    coarser class among its neighbours across side junctions (:func:`lts_classes`' ``mask``)."""
    lv = level[j]
    bits = 1 << lv
    for i in range(nbr_start[j], nbr_start[j + 1]):
        m = level[nbr[i]]
        if m > lv:
            bits |= 1 << m
    cost = 1 << (3 - lv)
    for b in range(4):
        if (bits >> b) & 1:
            cost += 1 << (3 - b)
    return cost


@kernel(helper=True)
def _lts_near_cost(near, n_near, level, cells, nbr_start, nbr):
    """The cell updates a day of the chains ``near[:n_near]`` (:func:`_lts_cost` times their cells)."""
    total = 0
    for i in range(n_near):
        total += cells[near[i]] * _lts_cost(near[i], level, nbr_start, nbr)
    return total


@kernel(helper=True)
def lts_cheaper_classes(level, ghost_up, ghost_dn, chain_head, sj_a, sj_b, chain_of_slot):
    """Refine coarser chains where that costs fewer cell updates than the bounds they give a finer
    neighbour (issue 16; docs/solver.md, "Fewer extra bounds").  A finer chain takes an extra
    bound at each of a coarser neighbour's exchange times across a side junction (``mask``), which
    on a river network's tree costs a long main stem the bounds of its small, coarse tributaries;
    refining those tributaries costs only their own cells.  Each chain ``x`` in turn (by its head
    reach, an order that does not depend on the layout: ``tests/lts_prototype.py`` takes the same),
    for each coarser class ``m`` among its neighbours, coarsest first, moves all its class-``m``
    neighbours together to the class between ``x``'s and ``m`` whose cell updates a day (of ``x``,
    the moved chains and their neighbours: :func:`_lts_cost` times their cells, integers so that ties
    are exact) are fewest, if fewer than at ``m`` (the coarsest of equals); until no chain moves.
    Classes only go down, so every chain stays within its limits and every junction's exchange
    within its bound."""
    n_chain = level.shape[0]
    nbr_start = np.zeros(n_chain + 1, dtype=np.int64)
    for x in range(sj_a.shape[0]):
        a = chain_of_slot[sj_a[x]]
        b = chain_of_slot[sj_b[x]]
        if a != b:
            nbr_start[a + 1] += 1
            nbr_start[b + 1] += 1
    if nbr_start.sum() == 0:
        return
    for j in range(n_chain):
        nbr_start[j + 1] += nbr_start[j]
    nbr = np.empty(nbr_start[n_chain], dtype=np.int64)
    fill = nbr_start[:n_chain].copy()
    for x in range(sj_a.shape[0]):
        a = chain_of_slot[sj_a[x]]
        b = chain_of_slot[sj_b[x]]
        if a != b:
            nbr[fill[a]] = b
            fill[a] += 1
            nbr[fill[b]] = a
            fill[b] += 1
    cells = np.empty(n_chain, dtype=np.int64)
    for j in range(n_chain):
        cells[j] = ghost_dn[j] - ghost_up[j] - 1
    order = np.argsort(chain_head)
    seen = np.zeros(n_chain, dtype=np.int64)  # the last move that counted each chain in near
    near = np.empty(n_chain, dtype=np.int64)  # the chains whose cost a move changes
    moved = np.empty(n_chain, dtype=np.int64)
    tick = 0
    changed = True
    while changed:
        changed = False
        for jj in range(n_chain):
            x = order[jj]
            lx = level[x]
            for m in range(3, lx, -1):
                tick += 1
                n_moved = 0
                n_near = 1
                near[0] = x
                seen[x] = tick
                for i in range(nbr_start[x], nbr_start[x + 1]):
                    k = nbr[i]
                    if level[k] != m or seen[k] == tick:
                        continue
                    moved[n_moved] = k
                    n_moved += 1
                    seen[k] = tick
                    near[n_near] = k
                    n_near += 1
                if n_moved == 0:
                    continue
                for i in range(n_moved):
                    for i2 in range(nbr_start[moved[i]], nbr_start[moved[i] + 1]):
                        k = nbr[i2]
                        if seen[k] != tick:
                            seen[k] = tick
                            near[n_near] = k
                            n_near += 1
                best = _lts_near_cost(near, n_near, level, cells, nbr_start, nbr)
                best_l = m
                for lv in range(m - 1, lx - 1, -1):
                    for i in range(n_moved):
                        level[moved[i]] = lv
                    total = _lts_near_cost(near, n_near, level, cells, nbr_start, nbr)
                    if total < best:
                        best = total
                        best_l = lv
                for i in range(n_moved):
                    level[moved[i]] = best_l
                if best_l != m:
                    changed = True


#: The per-day index lists of local time steps (:func:`lts_lists`), by kind and class: chains with
#: bounds at the class's events, chains of the class, side junctions within the class and between
#: it and a finer one, fused junctions, concentration inlets, sections on a stencil face, sections
#: on a side junction within the class and between classes.
L_BOUND, L_CHAIN, L_SJ, L_CROSS, L_FJ, L_DINLET, L_SEC, L_SEC_SJ, L_SEC_CROSS = 0, 1, 2, 3, 4, 5, 6, 7, 8
N_LISTS = 9


@kernel(helper=True)
def lts_lists(level, mask, idx, cnt, sj_a, sj_b, fj_slot, dinlets, first, sec_kind, sec_index, sec_slot,
              chain_of_slot):
    """The day's index lists ``idx[kind, class, :cnt[kind, class]]`` (kinds ``L_*``; chains as
    ``cnt`` runs, pairs of first and last chain), so that each event's passes visit only what takes
    part in it, and the chains of a run in one pass over their slots."""
    for x in range(N_LISTS):
        for lv in range(4):
            cnt[x, lv] = 0
    # chains as runs of neighbours in the padded layout (pairs: first and last chain of a run):
    # with the same bounds (L_BOUND, by the classes they have bounds in), of one class (L_CHAIN)
    n_chain = level.shape[0]
    for j in range(n_chain):
        for lv in range(4):
            if (mask[j] >> lv) & 1:
                n = cnt[L_BOUND, lv]
                if n > 0 and idx[L_BOUND, lv, 2 * n - 1] == j - 1 and mask[j - 1] == mask[j]:
                    idx[L_BOUND, lv, 2 * n - 1] = j
                else:
                    idx[L_BOUND, lv, 2 * n] = j
                    idx[L_BOUND, lv, 2 * n + 1] = j
                    cnt[L_BOUND, lv] += 1
        lv = level[j]
        n = cnt[L_CHAIN, lv]
        if n > 0 and idx[L_CHAIN, lv, 2 * n - 1] == j - 1:
            idx[L_CHAIN, lv, 2 * n - 1] = j
        else:
            idx[L_CHAIN, lv, 2 * n] = j
            idx[L_CHAIN, lv, 2 * n + 1] = j
            cnt[L_CHAIN, lv] += 1
    for x in range(sj_a.shape[0]):
        la = level[chain_of_slot[sj_a[x]]]
        lb = level[chain_of_slot[sj_b[x]]]
        kind = L_SJ if la == lb else L_CROSS
        lv = max(la, lb)
        idx[kind, lv, cnt[kind, lv]] = x
        cnt[kind, lv] += 1
    for x in range(fj_slot.shape[0]):
        lv = level[chain_of_slot[fj_slot[x]]]
        idx[L_FJ, lv, cnt[L_FJ, lv]] = x
        cnt[L_FJ, lv] += 1
    for x in range(dinlets.shape[0]):
        lv = level[chain_of_slot[first[dinlets[x]]]]
        idx[L_DINLET, lv, cnt[L_DINLET, lv]] = x
        cnt[L_DINLET, lv] += 1
    for x in range(sec_kind.shape[0]):
        if sec_kind[x] == 1:
            kind = L_SEC
            lv = level[chain_of_slot[sec_slot[x]]]
        elif sec_kind[x] == 2:
            la = level[chain_of_slot[sj_a[sec_index[x]]]]
            lb = level[chain_of_slot[sj_b[sec_index[x]]]]
            kind = L_SEC_SJ if la == lb else L_SEC_CROSS
            lv = max(la, lb)
        else:
            continue
        idx[kind, lv, cnt[kind, lv]] = x
        cnt[kind, lv] += 1


@kernel(helper=True)
def lts_arrays(state, lay, water, srcs, accs, inlet, work, tanks):
    """The local steps' own arrays (:func:`lts_permute`): a copy of everything indexed by slot or
    chain, in which the chains are laid out again each day of local steps, class by class; what is
    indexed otherwise (reaches, junctions, sections, reservoirs) is shared.  Returns ``(maps,
    state, lay, water, srcs, accs, inlet, work, tanks)``, ``maps`` ``(order, new_chain, slot_old,
    slot_new, level, mask)``: the chain ``order[j]`` is chain ``j`` of the local steps, and slot
    ``slot_old[p]`` of the global layout their slot ``p`` (``new_chain``, ``slot_new``: the inverses)."""
    mass, c, res_mass = state
    (first, last, chain_head, ghost_up, ghost_dn, dn_src, side_src, side_dst, side_reach, sj_a, sj_b, fj_slot,
     dinlets, sec_kind, sec_index, sec_slot, chain_of_slot, acc_slots, slot_reach, tail_res, res_down_kind,
     res_down_index, head_chain, up_src) = lay
    vol0, dvol, fq, wdraw, out_rate, cond, sj_cond, b_cond, h_cond, inv_qin, res_volume, res_outflow = water
    tank_links, tank_inputs, tank_rx, tank_work, res_prod = tanks
    into_res, reach_down_index = tank_links[0], tank_links[2]
    n_chain = ghost_up.shape[0]
    n_pad = vol0.shape[0]
    maps = (np.arange(n_chain), np.arange(n_chain), np.arange(n_pad), np.arange(n_pad),
            np.zeros(n_chain, dtype=np.int64), np.zeros(n_chain, dtype=np.int64))
    lay_p = (first.copy(), last.copy(), chain_head.copy(), ghost_up.copy(), ghost_dn.copy(), dn_src.copy(),
             side_src.copy(), side_dst.copy(), side_reach, sj_a.copy(), sj_b.copy(), fj_slot.copy(), dinlets, sec_kind,
             sec_index, sec_slot.copy(), chain_of_slot.copy(), acc_slots.copy(), slot_reach.copy(), tail_res.copy(),
             res_down_kind, res_down_index, head_chain.copy(), up_src.copy())
    water_p = (vol0.copy(), dvol.copy(), fq.copy(), wdraw.copy(), out_rate.copy(), cond.copy(), sj_cond, b_cond,
               h_cond.copy(), inv_qin, res_volume, res_outflow)
    srcs_p = (srcs[0], srcs[1], srcs[2].copy(), srcs[3])
    accs_p = (accs[0].copy(), accs[1].copy(), accs[2].copy(), accs[3], accs[4], accs[5], accs[6], accs[7], accs[8],
              accs[9], accs[10])
    inlet_p = (inlet[0].copy(), inlet[1].copy(), inlet[2].copy(), inlet[3].copy(), inlet[4].copy())
    work_p = (work[0].copy(), work[1].copy(), work[2].copy(), work[3].copy(), work[4].copy(), work[5].copy(),
              work[6].copy(), work[7].copy(), work[8].copy(), work[9].copy(), work[10].copy(), work[11],
              work[12].copy(), work[13].copy(), work[14].copy(), work[15].copy())
    tanks_p = ((into_res, lay_p[1], reach_down_index, lay_p[2], res_down_kind, res_down_index, lay_p[22], lay_p[0]),
               tank_inputs, tank_rx, tank_work, res_prod)
    return maps, (mass.copy(), c.copy(), res_mass), lay_p, water_p, srcs_p, accs_p, inlet_p, work_p, tanks_p


@kernel(helper=True)
def lts_permute(level, mask, idx, cnt, lay, water, own, n_f, counts):
    """Lay the chains out again for a day of local steps (``own``: :func:`lts_arrays`), class by
    class and, within a class, by their bounds (``mask``), so that each class is one run of
    neighbours (and each set of bounds one run, :func:`lts_lists`) whatever the global layout's
    order: the slots, ghosts, junction, inlet, section and booked slots of the local steps' own
    layout, the day's water on their slots, the classes, then the day's lists (:func:`lts_lists`).
    Whole chains move, each with its two ghosts, and nothing is summed across chains in a
    different order, so every cell takes the same operations in the same order as in the
    global layout.  ``counts``: the day's row of :class:`hydro.transport_args.LocalSteps`'
    ``counts`` (none past its end): ``n_f``, the runs of chains of each class (0 to 3), the runs
    of chains with the same bounds among those with bounds at each class's events, and the chains
    whose class or bounds changed since the last day of local steps (every chain on the first)."""
    maps, lay_p, water_p = own[0], own[2], own[3]
    order, new_chain, slot_old, slot_new, level_p, mask_p = maps
    first, last, chain_head, ghost_up, ghost_dn, dn_src, side_src, side_dst = lay[0:8]
    sj_a, sj_b, fj_slot, sec_slot, acc_slots, slot_reach, tail_res, head_chain = (lay[9], lay[10], lay[11], lay[15],
                                                                                  lay[17], lay[18], lay[19], lay[22])
    n_chain = ghost_up.shape[0]
    key = np.empty(n_chain, dtype=np.int64)
    changed = 0  # chains whose class or bounds differ from the last day of local steps'
    for j in range(n_chain):
        key[j] = (level[j] * 16 + mask[j]) * n_chain + j
        if level[j] != level_p[new_chain[j]] or mask[j] != mask_p[new_chain[j]]:
            changed += 1
    order[:] = np.argsort(key)
    p = 0
    for jn in range(n_chain):
        j = order[jn]
        new_chain[j] = jn
        level_p[jn] = level[j]
        mask_p[jn] = mask[j]
        lay_p[2][jn] = chain_head[j]
        lay_p[19][jn] = tail_res[j]
        water_p[8][jn] = water[8][j]
        lay_p[3][jn] = p
        for q in range(ghost_up[j], ghost_dn[j] + 1):
            slot_old[p] = q
            slot_new[q] = p
            lay_p[16][p] = jn
            p += 1
        lay_p[4][jn] = p - 1
    for jn in range(n_chain):
        lay_p[5][jn] = slot_new[dn_src[order[jn]]]
        lay_p[23][jn] = slot_new[lay[23][order[jn]]]
    for r in range(first.shape[0]):
        lay_p[0][r] = slot_new[first[r]]
        lay_p[1][r] = slot_new[last[r]]
        lay_p[22][r] = new_chain[head_chain[r]] if head_chain[r] >= 0 else -1
    for i in range(side_src.shape[0]):
        lay_p[6][i] = slot_new[side_src[i]]
        lay_p[7][i] = slot_new[side_dst[i]]
    for x in range(sj_a.shape[0]):
        lay_p[9][x] = slot_new[sj_a[x]]
        lay_p[10][x] = slot_new[sj_b[x]]
    for x in range(fj_slot.shape[0]):
        lay_p[11][x] = slot_new[fj_slot[x]]
    for x in range(sec_slot.shape[0]):
        lay_p[15][x] = slot_new[sec_slot[x]]
    for x in range(acc_slots.shape[0]):
        lay_p[17][x] = slot_new[acc_slots[x]]
    lay_p[17].sort()  # (lts_update finds a run's booked slots by bisection)
    for p in range(slot_old.shape[0]):
        q = slot_old[p]
        lay_p[18][p] = slot_reach[q]
        water_p[0][p] = water[0][q]  # vol0, dvol, fq, wdraw, out_rate, cond
        water_p[1][p] = water[1][q]
        water_p[2][p] = water[2][q]
        water_p[3][p] = water[3][q]
        water_p[4][p] = water[4][q]
        water_p[5][p] = water[5][q]
    lts_lists(level_p, mask_p, idx, cnt, lay_p[9], lay_p[10], lay_p[11], lay[12], lay_p[0], lay[13], lay[14],
              lay_p[15], lay_p[16])
    if counts.shape[0] > 0:  # (several lanes write the same values: the classes do not depend on the tracers)
        counts[0, 0] = n_f
        for lv in range(4):
            counts[0, 1 + lv] = cnt[L_CHAIN, lv]
            counts[0, 5 + lv] = cnt[L_BOUND, lv]
        counts[0, 9] = changed


@kernel(helper=True)
def lts_permuted_day(day, t0, n_tag, n_src, n_sp, mixed, rx_a, rx_b, n_f, any_disp, state, srcs, accs, inlet, idx,
                     cnt, own, rxs, blocks):
    """:func:`lts_group_day` on the local steps' own arrays (``own``, laid out by :func:`lts_permute`):
    the group's masses, concentrations and sources, and its flux inlets' terms, gathered into them
    slot by slot and chain by chain, its booked fluxes, removal and withdrawals set to 0 (as
    :func:`simulate_kernel` sets them before the day), then the masses, the accumulators and the
    inlets' terms scattered back (the concentrations are not read before the next group or day
    computes them again from the masses)."""
    maps, state_p, lay_p, water_p, srcs_p, accs_p, inlet_p, work_p, tanks_p = own
    order, slot_old, level_p, mask_p = maps[0], maps[2], maps[4], maps[5]
    mass, c, lat = state[0], state[1], srcs[2]
    mass_p, c_p, lat_p = state_p[0], state_p[1], srcs_p[2]
    acc_slots_p = lay_p[17]
    n_pad = slot_old.shape[0]
    n_chain = order.shape[0]
    for k in range(n_tag):
        t = t0 + k
        for p in range(n_pad):
            q = slot_old[p]
            mass_p[t, p] = mass[t, q]
            c_p[k, p] = c[k, q]
            lat_p[t, p] = lat[t, q]
        for p in range(n_pad):
            accs_p[1][k, p] = 0.0  # removal, withdrawals
            accs_p[2][k, p] = 0.0
        for i in range(acc_slots_p.shape[0]):  # the only slots whose flux is booked or read
            accs_p[0][k, acc_slots_p[i]] = 0.0
        for j in range(n_chain):
            i = order[j]
            inlet_p[0][t, j] = inlet[0][t, i]
            inlet_p[1][k, j] = inlet[1][k, i]
            inlet_p[2][k, j] = inlet[2][k, i]
            inlet_p[3][k, j] = inlet[3][k, i]
            inlet_p[4][k, j] = inlet[4][k, i]
    lts_group_day(day, t0, n_tag, n_src, n_sp, mixed, rx_a, rx_b, n_f, any_disp, state_p, lay_p, water_p, srcs_p,
                  accs_p, inlet_p, work_p, tanks_p, rxs, (level_p, mask_p, idx, cnt, blocks))
    for k in range(n_tag):
        t = t0 + k
        for p in range(n_pad):
            q = slot_old[p]
            mass[t, q] = mass_p[t, p]
            accs[1][k, q] = accs_p[1][k, p]
            accs[2][k, q] = accs_p[2][k, p]
        for i in range(acc_slots_p.shape[0]):
            p = acc_slots_p[i]
            accs[0][k, slot_old[p]] = accs_p[0][k, p]
        for j in range(n_chain):
            i = order[j]
            inlet[0][t, i] = inlet_p[0][t, j]
            inlet[1][k, i] = inlet_p[1][k, j]
            inlet[2][k, i] = inlet_p[2][k, j]
            inlet[3][k, i] = inlet_p[3][k, j]
            inlet[4][k, i] = inlet_p[4][k, j]


@kernel(helper=True)
def lts_fluxes(runs, n, u, n_ev, unit, mask, step_start, f_now, day, t0, n_tag, c, c_total, flux, fpc, fq,
               out_rate, ghost_up, ghost_dn, dn_src, up_mix, head_iq, tail_res, res_mass, res_volume, up_src, level,
               blocks, side_of_chain, side_src, side_flux):
    """Face fluxes of the chains of ``runs[:2 n]`` (first and last chain of each run, all with the
    same bounds), whose step starts at event ``u`` (``f_now`` of the day) and lasts to their next
    bound: their ghosts (inflow mixture, the neighbour below at its latest state, a reservoir's
    concentration now), then the MC-limited Lax-Wendroff flux of :func:`advective_fluxes` from the
    constituent (``flux``; ``fpc`` per unit of its upwind concentration, for the tags), one pass
    over the slots of each run (ghost slots have no flow).  With several tags, each chain that ends
    in a side junction (``side_of_chain``) also keeps its outflux by tag for the step, ``fpc c``,
    in ``side_flux`` [side, tag] (g s-1): the product :func:`lts_accumulate` books at the junction
    (its cell's state does not change during the step), read there from one row rather than from
    a row of ``c`` per tag."""
    for i in range(n):
        j0 = runs[2 * i]
        j1 = runs[2 * i + 1]
        tau = (_next_bound(mask[j0], level[j0], u, n_ev, blocks) - u) * unit
        for j in range(j0, j1 + 1):
            step_start[np.uint64(j)] = u  # (unsigned: a signed j made LLVM split this store into a scatter)
            gu = ghost_up[j]
            gd = ghost_dn[j]
            iq = head_iq[j]  # (chain j's inverse inflow of the day: lts_group_day)
            s = tail_res[j]
            for k in range(n_tag):
                if iq > 0.0:
                    c[k, gu] = up_mix[k, j] * iq
                else:
                    c[k, gu] = c[k, up_src[j]]
                if s >= 0:
                    v = res_volume[day, s] + f_now * (res_volume[day + 1, s] - res_volume[day, s])
                    c[k, gd] = np.divide(res_mass[s, t0 + k], v)
                else:
                    c[k, gd] = c[k, dn_src[j]]
        # the run's slots from its first ghost, by an unsigned index (_RUN_VIEWS)
        base = np.uint64(ghost_up[j0])
        n_s = ghost_dn[j1] + 1 - ghost_up[j0]
        one = np.uint64(1)
        if n_tag == 1:
            for q in range(1, n_s - 1):
                p = base + np.uint64(q)
                dm = c[0, p] - c[0, p - one]
                dp = c[0, p + one] - c[0, p]
                same_sign = 0.5 * (math.copysign(1.0, dm) + math.copysign(1.0, dp))
                size = min(2.0 * abs(dm), min(2.0 * abs(dp), 0.5 * abs(dm + dp)))
                flux[p] = fq[p] * (c[0, p] + 0.5 * (1.0 - tau * out_rate[p]) * same_sign * size)
            continue
        for q in range(n_s):
            p = base + np.uint64(q)
            c_total[p] = c[0, p]
        for k in range(1, n_tag):
            for q in range(n_s):
                p = base + np.uint64(q)
                c_total[p] += c[k, p]
        for q in range(1, n_s - 1):
            p = base + np.uint64(q)
            dm = c_total[p] - c_total[p - one]
            dp = c_total[p + one] - c_total[p]
            same_sign = 0.5 * (math.copysign(1.0, dm) + math.copysign(1.0, dp))
            size = min(2.0 * abs(dm), min(2.0 * abs(dp), 0.5 * abs(dm + dp)))
            f = fq[p] * (c_total[p] + 0.5 * (1.0 - tau * out_rate[p]) * same_sign * size)
            flux[p] = f
            fpc[p] = np.divide(f, c_total[p] + 1e-300)
        for j in range(j0, j1 + 1):
            i_side = side_of_chain[j]
            if i_side >= 0:
                q = side_src[i_side]
                for k in range(n_tag):
                    side_flux[i_side, k] = fpc[q] * c[k, q]


@kernel(helper=True)
def lts_update(runs, n, u, n_ev, unit, n_f, level, removing, withdrawing, step_start, day, t0, n_tag, n_src, state,
               lay, water, srcs, accs, inlet, work, dead, blocks):
    """The advection steps of the chains of ``runs[:2 n]`` (runs of chains with the same bounds)
    that end at event ``u``: each chain's inflow (boundary flux and what the reservoirs sent it,
    ``head_acc``) and flux inlet split, then withdrawals and the update of each run's slots in one
    pass, as :func:`advect` does over the whole array (with ``removing``, removal by ``keep``;
    ``withdrawing``: whether any water is withdrawn that day).  The tags marked ``dead``
    (:func:`_dead_tags`) take part in the inlet split (their zeros, as every tag's) and skip the
    pass: it would leave them as they are.  A class that disperses once a block of several steps
    (``blocks``, :func:`_lts_blocks`) splits its flux inlets as :func:`_inlet_split_every` does.  A group
    of several tags takes its withdrawals and update in :func:`_lts_update_tags` (one pass a tag, the
    faces' fluxes computed where they are used)."""
    mass, c = state[0], state[1]
    ghost_up, ghost_dn, acc_slots = lay[3], lay[4], lay[17]
    vol0, dvol, wdraw, h_cond = water[0], water[1], water[3], water[8]
    lat = srcs[2]
    flux_acc, removed_acc, withdrawn_acc = accs[0], accs[1], accs[2]
    inlet_debt, r_prev, s_used, cin = inlet[0], inlet[1], inlet[3], inlet[4]
    flux, fpc, keep, inv_v, head_acc, up_mix, inflow = work[0], work[1], work[5], work[6], work[7], work[8], work[9]
    head_bflux, head_iq = work[12], work[13]  # each chain's of the day (lts_group_day)
    t_end = SECONDS_PER_DAY if u == n_ev else u * unit
    for i in range(n):
        j0 = runs[2 * i]
        j1 = runs[2 * i + 1]
        u0 = step_start[j0]
        tau = (u - u0) * unit
        inv_tau = np.divide(1.0, tau)
        lo = ghost_up[j0]
        hi = ghost_dn[j1]
        n_s = hi + 1 - lo  # the run's slots, from its first ghost
        base = np.uint64(lo)  # (an unsigned slot index: no views, no negative-index test; _RUN_VIEWS)
        for q in range(n_s):
            p = base + np.uint64(q)
            inv_v[p] = np.divide(1.0, vol0[p] + t_end * dvol[p])
        dt = SECONDS_PER_DAY * 2 ** level[j0] / n_f
        lv = level[j0]
        # (a run's chains share their class and bounds; mode as _inlet_split_every's: 0 the day's first
        # step, 1 the step that starts at its class's dispersion time, 2 any other)
        every = blocks[lv, 0] > 1
        mode = 0 if u0 == 0 else (1 if _ctz(u0) == lv and _lts_block(u0, lv, blocks) > 0 else 2)
        for j in range(j0, j1 + 1):
            # the flux inlet's split (_inlet_split for chain j, written out: a call per chain and
            # step cost more than the rest of the update)
            iq = head_iq[j]
            hc = h_cond[j]
            q = ghost_up[j] + 1
            s_tot = 0.0
            c0_tot = 0.0
            c1_tot = 0.0
            for k in range(n_tag):
                x = head_bflux[k, j] + np.divide(head_acc[k, j], tau)
                head_acc[k, j] = 0.0
                inflow[k, j] = x
                up_mix[k, j] = x
                c0k = x * iq
                cin[k, j] = c0k
                if every:
                    y = tau * hc * (c0k - c[k, q])
                    if mode == 0:
                        y += inlet_debt[t0 + k, j]
                    elif mode == 1:
                        y += inlet_debt[t0 + k, j] - 0.5 * r_prev[k, j]
                else:
                    if u0 == 0:
                        pred = 0.5 * dt * hc * (c0k - c[k, q])
                    elif u == n_ev:
                        pred = 0.0
                    else:
                        pred = 0.5 * r_prev[k, j]
                    y = inlet_debt[t0 + k, j] + pred
                s_used[k, j] = y
                s_tot += y
                c0_tot += c0k
                c1_tot += c[k, q]
            _bounded_shares(j, n_tag, n_src, t0, tau, iq, s_tot, c0_tot, c1_tot, s_used, inlet_debt)
        acc_first = np.searchsorted(acc_slots, lo)  # the run's slots whose fluxes are booked
        acc_end = np.searchsorted(acc_slots, hi, side="right")
        one = np.uint64(1)
        if n_tag > 1:
            _lts_update_tags(base, n_s, j0, j1, tau, inv_tau, t0, n_tag, dead, withdrawing, removing, ghost_up,
                             acc_slots, acc_first, acc_end, mass, c, fpc, inflow, s_used, flux_acc, wdraw,
                             withdrawn_acc, keep, removed_acc, lat, inv_v)
            continue
        fk = flux  # (the tag's fluxes; lts_fluxes rewrites the ghost entries set here)
        for k in range(n_tag):
            if dead[k]:
                continue
            t = t0 + k
            for j in range(j0, j1 + 1):
                fk[ghost_up[j]] = inflow[k, j] - s_used[k, j] * inv_tau
            fk[hi] = 0.0
            for q in range(acc_first, acc_end):
                a = np.uint64(acc_slots[q])
                flux_acc[k, a] += tau * fk[a]
            # (one loop per case, as advect: a branch inside keeps the loop from vectorising)
            if withdrawing and removing:
                for q in range(1, n_s):
                    p = base + np.uint64(q)
                    w = tau * wdraw[p] * c[k, p]
                    withdrawn_acc[k, p] += w
                    after = (mass[t, p] - w) + tau * (fk[p - one] - fk[p] + lat[t, p])
                    mp = after * keep[p]
                    removed_acc[k, p] += after - mp
                    mass[t, p] = mp
                    c[k, p] = mp * inv_v[p]
            elif withdrawing:
                for q in range(1, n_s):
                    p = base + np.uint64(q)
                    w = tau * wdraw[p] * c[k, p]
                    withdrawn_acc[k, p] += w
                    mp = (mass[t, p] - w) + tau * (fk[p - one] - fk[p] + lat[t, p])
                    mass[t, p] = mp
                    c[k, p] = mp * inv_v[p]
            elif removing:
                for q in range(1, n_s):
                    p = base + np.uint64(q)
                    after = mass[t, p] + tau * (fk[p - one] - fk[p] + lat[t, p])
                    mp = after * keep[p]
                    removed_acc[k, p] += after - mp
                    mass[t, p] = mp
                    c[k, p] = mp * inv_v[p]
            else:
                for q in range(1, n_s):
                    p = base + np.uint64(q)
                    mp = mass[t, p] + tau * (fk[p - one] - fk[p] + lat[t, p])
                    mass[t, p] = mp
                    c[k, p] = mp * inv_v[p]


@kernel(helper=True)
def _lts_update_tags(base, n_s, j0, j1, tau, inv_tau, t0, n_tag, dead, withdrawing, removing, ghost_up, acc_slots,
                     acc_first, acc_end, mass, c, fpc, inflow, s_used, flux_acc, wdraw, withdrawn_acc, keep,
                     removed_acc, lat, inv_v):
    """:func:`lts_update`'s withdrawals and update of a run of ``n_s`` slots from ``base`` (its first
    ghost) for a group of several tags: the same operations on the same values as a pass that first
    stores every face's flux of the tag, ``fk[p] = fpc[p] c[k, p]`` (each chain's inlet ghost: its
    inflow less the dispersion's share; the run's last ghost: 0), then updates, but in one pass: each
    slot computes its two faces' fluxes where it uses them, the slots in descending order, so that
    ``c[k, p - 1]`` is still the step's value when slot ``p`` reads it.  For that an inlet ghost
    holds its flux as its concentration with ``fpc`` 1 (``1.0 x`` is ``x``), the run's last ghost 0
    with ``fpc`` 0 (``0.0 * 0.0`` is the pass's ``0.0``), and the run's first ghost, which the pass
    does not update, gets its concentration back after.  The ghosts' values are otherwise what the
    pass leaves in them (their inverse volume is 0; nothing reads them before :func:`lts_fluxes`
    sets them again), and ``fpc`` of an inlet ghost is read by nothing else: :func:`lts_fluxes`
    recomputes the run's inner slots, and the global step's :func:`advect` overwrites its inlet
    ghosts' fluxes (issue 16: the pass of the fluxes was about a fifth of :func:`lts_update`'s
    samples on the at_a_station 10,000-reach year)."""
    one = np.uint64(1)
    lo = base
    hi = base + np.uint64(n_s - 1)
    for j in range(j0, j1 + 1):
        fpc[ghost_up[j]] = 1.0
    fpc[hi] = 0.0
    for k in range(n_tag):
        if dead[k]:
            continue
        t = t0 + k
        c_lo = c[k, lo]
        for j in range(j0, j1 + 1):
            c[k, ghost_up[j]] = inflow[k, j] - s_used[k, j] * inv_tau
        c[k, hi] = 0.0
        for q in range(acc_first, acc_end):
            a = np.uint64(acc_slots[q])
            flux_acc[k, a] += tau * (fpc[a] * c[k, a])
        # (one loop per case, as advect: a branch inside keeps the loop from vectorising)
        if withdrawing and removing:
            for q in range(n_s - 1, 0, -1):
                p = base + np.uint64(q)
                w = tau * wdraw[p] * c[k, p]
                withdrawn_acc[k, p] += w
                after = (mass[t, p] - w) + tau * (fpc[p - one] * c[k, p - one] - fpc[p] * c[k, p] + lat[t, p])
                mp = after * keep[p]
                removed_acc[k, p] += after - mp
                mass[t, p] = mp
                c[k, p] = mp * inv_v[p]
        elif withdrawing:
            for q in range(n_s - 1, 0, -1):
                p = base + np.uint64(q)
                w = tau * wdraw[p] * c[k, p]
                withdrawn_acc[k, p] += w
                mp = (mass[t, p] - w) + tau * (fpc[p - one] * c[k, p - one] - fpc[p] * c[k, p] + lat[t, p])
                mass[t, p] = mp
                c[k, p] = mp * inv_v[p]
        elif removing:
            for q in range(n_s - 1, 0, -1):
                p = base + np.uint64(q)
                after = mass[t, p] + tau * (fpc[p - one] * c[k, p - one] - fpc[p] * c[k, p] + lat[t, p])
                mp = after * keep[p]
                removed_acc[k, p] += after - mp
                mass[t, p] = mp
                c[k, p] = mp * inv_v[p]
        else:
            for q in range(n_s - 1, 0, -1):
                p = base + np.uint64(q)
                mp = mass[t, p] + tau * (fpc[p - one] * c[k, p - one] - fpc[p] * c[k, p] + lat[t, p])
                mass[t, p] = mp
                c[k, p] = mp * inv_v[p]
        c[k, lo] = c_lo


@kernel(helper=True)
def lts_accumulate(seg, f_prev, f_now, day, t0, n_tag, n_src, mixed, rx_a, rx_b, state, lay, accs, work, tank_args,
                   boundary_flux, yes, sides, n_sides, side_last, u, unit):
    """What crosses junctions up to event ``u`` (``seg`` seconds after the last event): the outlet
    flux (fixed at the start of its step) of each side tributary of ``sides[:n_sides]`` into the first
    cell of the reach below, over the time since its last accumulation (``side_last``, in events of
    ``unit`` seconds), and the reservoirs' exact step with the fluxes into them, their outflow waiting
    for the chain head it feeds (``head_acc``, g) or entering the first cell of a fused reach
    (``yes``: True).  ``sides`` are the side tributaries whose chain or the chain below has a bound at
    ``u`` (:func:`lts_group_day`): between those the tributary's flux is constant and nothing reads
    the cell it enters, so one add over the whole time is the sum of the adds at every event (issue
    16: 39-46 % of those fell at no bound of either chain on the hack tree; docs/solver.md, "Fewer
    extra bounds")."""
    mass, c, res_mass = state
    side_src, side_dst, side_reach = lay[6], lay[7], lay[8]
    extra_acc, res_out_day, res_in_day, res_rm_day = accs[3], accs[8], accs[9], accs[10]
    flux, fpc, head_acc, side_flux = work[0], work[1], work[7], work[14]
    tank_links, tank_inputs, tank_rx, tank_work, res_prod = tank_args
    dead = tank_work[7]  # (_dead_tags: their flux is 0, as reservoir_tanks skips them)
    # side by side, each one's tags in turn (its indices read once, not once a tag): every cell and reach
    # takes its adds in the same order as tag by tag
    for ii in range(n_sides):
        i = sides[ii]
        since = (u - side_last[i]) * unit  # (not seg: the reservoirs' step, below)
        side_last[i] = u
        q = side_src[i]
        d = side_dst[i]
        r = side_reach[i]
        if n_tag == 1:
            if not dead[0]:
                x = since * flux[q]
                mass[t0, d] += x
                extra_acc[0, r] += x
        else:
            for k in range(n_tag):
                if not dead[k]:
                    x = since * side_flux[i, k]  # (fpc[q] * c[k, q] of the step: lts_fluxes)
                    mass[t0 + k, d] += x
                    extra_acc[k, r] += x
    if res_mass.shape[0] > 0:
        reservoir_tanks(day, seg, f_prev, f_now, t0, n_tag, n_src, mixed, rx_a, rx_b, mass, c, flux, fpc,
                        tank_links, tank_inputs, tank_rx, tank_work, res_mass, res_prod, res_out_day, res_in_day,
                        res_rm_day, head_acc, boundary_flux, extra_acc, yes)


@kernel(helper=True)
def lts_exchange(lv, t_now, dt, t0, n_tag, idx, cnt, state, lay, water, accs, dead):
    """Dispersive side junctions between a class-``lv`` chain and a finer one, at class ``lv``'s
    dispersion time ``t_now``: the two cells' exact exchange over the coarser step ``dt``, from both
    current states, as if nothing else moved, ``(c_a - c_b) (1 - exp(-dt g (1/V_a + 1/V_b))) /
    (1/V_a + 1/V_b)``: conservative, 0 for equal concentrations, linear (one factor per junction, so
    tags and species add up), and each cell ends between the two concentrations whatever ``dt``
    (docs/solver.md, "Exchanged exactly").  Tags marked ``dead`` (:func:`_dead_tags`) are skipped:
    ``share (0 - 0)`` would leave them as they are."""
    mass, c = state[0], state[1]
    sj_a, sj_b, sec_index = lay[9], lay[10], lay[14]
    vol0, dvol, sj_cond = water[0], water[1], water[6]
    sj_acc, sec_acc = accs[5], accs[7]
    for i in range(cnt[L_CROSS, lv]):
        x = idx[L_CROSS, lv, i]
        a = sj_a[x]
        b = sj_b[x]
        inv_a = np.divide(1.0, vol0[a] + t_now * dvol[a])
        inv_b = np.divide(1.0, vol0[b] + t_now * dvol[b])
        both = inv_a + inv_b
        # (no exchange where the conductance is 0, or into a cell of no volume: 1/V infinite)
        share = -math.expm1(-dt * sj_cond[x] * both) / both if sj_cond[x] > 0.0 and 0.0 < both < math.inf else 0.0
        for k in range(n_tag):
            if dead[k]:
                continue
            t = t0 + k
            y = share * (c[k, a] - c[k, b])
            mass[t, a] -= y
            mass[t, b] += y
            c[k, a] = mass[t, a] * inv_a
            c[k, b] = mass[t, b] * inv_b
            sj_acc[k, x] += y
            for js in range(cnt[L_SEC_CROSS, lv]):
                if sec_index[idx[L_SEC_CROSS, lv, js]] == x:
                    sec_acc[k, idx[L_SEC_CROSS, lv, js]] += y


@kernel(helper=True)
def lts_disperse(lv, dt, day, t0, n_tag, idx, cnt, state, lay, water, srcs, accs, inlet, work, dead):
    """Dispersion (Heun) and removal of the class-``lv`` chains over their step ``dt``, as
    :func:`disperse` does over the whole array: the stencil over their slots, the side junctions
    between two of them, their concentration inlets and flux inlets (``inv_v`` set for their
    slots); the flux inlets' mass is booked as :func:`simulate_kernel` books it.  A tag marked
    ``dead`` (:func:`_dead_tags`) is skipped but for its flux inlets' mass of the step, which is zero
    (``r_prev``, read by the next inlet split), as :func:`disperse` skips it."""
    mass, c = state[0], state[1]
    first, ghost_up, ghost_dn, sj_a, sj_b, fj_slot, dinlets = lay[0], lay[3], lay[4], lay[9], lay[10], lay[11], lay[12]
    sec_index, sec_slot = lay[14], lay[15]
    cond, sj_cond, b_cond, h_cond = water[5], water[6], water[7], water[8]
    boundary_conc = srcs[1]
    flux_acc, removed_acc, disp_acc, sj_acc, fj_acc, sec_acc = accs[0], accs[1], accs[4], accs[5], accs[6], accs[7]
    inlet_debt, r_prev, rr, cin = inlet[0], inlet[1], inlet[2], inlet[4]
    m1, c1, keep, inv_v = work[3], work[4], work[5], work[6]
    half = 0.5 * dt
    n_runs = cnt[L_CHAIN, lv]
    n_sj = cnt[L_SJ, lv]
    n_din = cnt[L_DINLET, lv]
    for k in range(n_tag):
        if dead[k]:
            for i in range(n_runs):
                for j in range(idx[L_CHAIN, lv, 2 * i], idx[L_CHAIN, lv, 2 * i + 1] + 1):
                    r_prev[k, j] = 0.0
            continue
        t = t0 + k
        m = mass[t]
        ck = c[k]
        for i in range(n_runs):
            lo = ghost_up[idx[L_CHAIN, lv, 2 * i]]
            hi = ghost_dn[idx[L_CHAIN, lv, 2 * i + 1]] + 1
            mr = m[lo:hi]  # the run's slots, as views from its first ghost (_RUN_VIEWS)
            cr = ck[lo:hi]
            gr = cond[lo:hi]
            m1r = m1[lo:hi]
            c1r = c1[lo:hi]
            ivr = inv_v[lo:hi]
            for p in range(1, hi - lo - 1):
                mp = mr[p] + dt * (gr[p - 1] * (cr[p - 1] - cr[p]) + gr[p] * (cr[p + 1] - cr[p]))
                m1r[p] = mp
                c1r[p] = mp * ivr[p]
            hi -= 1
            c1[lo] = 0.0
            c1[hi] = 0.0
        for i in range(n_sj):
            x = idx[L_SJ, lv, i]
            a = sj_a[x]
            b = sj_b[x]
            y = dt * sj_cond[x] * (ck[a] - ck[b])
            m1[a] -= y
            m1[b] += y
        for i in range(n_din):
            x = idx[L_DINLET, lv, i]
            q = first[dinlets[x]]
            m1[q] += dt * b_cond[x] * (boundary_conc[day, dinlets[x], t] - ck[q])
        for i in range(n_runs):
            for j in range(idx[L_CHAIN, lv, 2 * i], idx[L_CHAIN, lv, 2 * i + 1] + 1):
                rr[k, j] = 0.0
                if h_cond[j] > 0.0:
                    p = ghost_up[j] + 1
                    y = h_cond[j] * (cin[k, j] - ck[p])
                    m1[p] += dt * y
                    rr[k, j] += half * y
                    c1[p] = m1[p] * inv_v[p]
        for i in range(n_sj):
            x = idx[L_SJ, lv, i]
            c1[sj_a[x]] = m1[sj_a[x]] * inv_v[sj_a[x]]
            c1[sj_b[x]] = m1[sj_b[x]] * inv_v[sj_b[x]]
        for i in range(n_din):
            q = first[dinlets[idx[L_DINLET, lv, i]]]
            c1[q] = m1[q] * inv_v[q]
        # book half a step of the fluxes at each stage's concentrations
        for i in range(n_sj):
            x = idx[L_SJ, lv, i]
            a = sj_a[x]
            b = sj_b[x]
            sj_acc[k, x] += half * sj_cond[x] * ((ck[a] - ck[b]) + (c1[a] - c1[b]))
        for i in range(cnt[L_FJ, lv]):
            x = idx[L_FJ, lv, i]
            a = fj_slot[x]
            fj_acc[k, x] += half * ((ck[a] - ck[a + 1]) + (c1[a] - c1[a + 1]))
        for i in range(n_din):
            x = idx[L_DINLET, lv, i]
            r = dinlets[x]
            q = first[r]
            disp_acc[k, r] += half * b_cond[x] * (2.0 * boundary_conc[day, r, t] - ck[q] - c1[q])
        for i in range(cnt[L_SEC, lv]):
            js = idx[L_SEC, lv, i]
            p = sec_slot[js]
            sec_acc[k, js] += half * cond[p] * ((ck[p] - ck[p + 1]) + (c1[p] - c1[p + 1]))
        for i in range(cnt[L_SEC_SJ, lv]):
            js = idx[L_SEC_SJ, lv, i]
            x = sec_index[js]
            sec_acc[k, js] += half * sj_cond[x] * ((ck[sj_a[x]] - ck[sj_b[x]]) + (c1[sj_a[x]] - c1[sj_b[x]]))
        # stage 2: the explicit exchanges at c1 into m1, then the stencil and removal
        for i in range(n_sj):
            x = idx[L_SJ, lv, i]
            a = sj_a[x]
            b = sj_b[x]
            y = dt * sj_cond[x] * (c1[a] - c1[b])
            m1[a] -= y
            m1[b] += y
        for i in range(n_din):
            x = idx[L_DINLET, lv, i]
            q = first[dinlets[x]]
            m1[q] += dt * b_cond[x] * (boundary_conc[day, dinlets[x], t] - c1[q])
        for i in range(n_runs):
            for j in range(idx[L_CHAIN, lv, 2 * i], idx[L_CHAIN, lv, 2 * i + 1] + 1):
                if h_cond[j] > 0.0:
                    p = ghost_up[j] + 1
                    y = h_cond[j] * (cin[k, j] - c1[p])
                    m1[p] += dt * y
                    rr[k, j] += half * y
        for i in range(n_runs):
            j0 = idx[L_CHAIN, lv, 2 * i]
            j1 = idx[L_CHAIN, lv, 2 * i + 1]
            lo = ghost_up[j0]
            hi = ghost_dn[j1] + 1
            mr = m[lo:hi]
            cr = ck[lo:hi]
            gr = cond[lo:hi]
            m1r = m1[lo:hi]
            c1r = c1[lo:hi]
            ivr = inv_v[lo:hi]
            kr = keep[lo:hi]
            ra = removed_acc[k, lo:hi]
            for p in range(1, hi - lo - 1):
                after = 0.5 * (mr[p] + m1r[p]) + half * (gr[p - 1] * (c1r[p - 1] - c1r[p])
                                                         + gr[p] * (c1r[p + 1] - c1r[p]))
                mp = after * kr[p]
                ra[p] += after - mp
                mr[p] = mp
                cr[p] = mp * ivr[p]
            for j in range(j0, j1 + 1):
                x = rr[k, j]
                r_prev[k, j] = x
                inlet_debt[t, j] += x
                flux_acc[k, ghost_up[j]] += x


@kernel(helper=True)
def _lts_keep(keep, lv, size, n_f, day, t0, reach_rate, slot_reach, idx, cnt, ghost_up, ghost_dn):
    """The removal factor of the class-``lv`` slots over a block of ``size`` of its steps (the
    expression of :func:`lts_group_day`'s, ghosts left at 1)."""
    for i in range(cnt[L_CHAIN, lv]):
        for p in range(ghost_up[idx[L_CHAIN, lv, 2 * i]], ghost_dn[idx[L_CHAIN, lv, 2 * i + 1]] + 1):
            r = slot_reach[p]
            if r >= 0:
                keep[p] = math.exp(-reach_rate[day, r, t0] * (SECONDS_PER_DAY * 2 ** lv / n_f * size))


@kernel(helper=True)
def lts_react(lv, idx, cnt, ghost_up, ghost_dn, mass, c, prop_slot, t0, n_sp, n_src, inv_v, racc, acc, dead):
    """:func:`react` on the slots of the class-``lv`` chains (the same sums in the same order, in
    the same passes; ``acc`` an (n_pad,) work row).  The slot index ``p = lo + q`` is unsigned:
    Numba tests a signed index for a negative value (which wraps around), which keeps such a
    loop from vectorising with plain loads (_RUN_VIEWS), and an unsigned one takes no views,
    whose reference counts cost more than a small class's pass.  Sources marked ``dead`` (all their
    species: :func:`_dead_tags`) are skipped, as :func:`react` skips them."""
    for i in range(cnt[L_CHAIN, lv]):
        lo = np.uint64(ghost_up[idx[L_CHAIN, lv, 2 * i]])
        n_s = ghost_dn[idx[L_CHAIN, lv, 2 * i + 1]] - ghost_up[idx[L_CHAIN, lv, 2 * i]]
        for j in range(n_src):
            if dead[j]:
                continue
            tj = t0 + j  # species 0 of this source
            for s in range(n_sp - 1, -1, -1):
                k = s * n_src + j
                t = t0 + k
                if s == 0:
                    for q in range(1, n_s):
                        p = lo + np.uint64(q)
                        x = 0.0 + prop_slot[0, 0, p] * mass[tj, p]
                        racc[k, p] += mass[tj, p] - x
                        mass[tj, p] = x
                        c[k, p] = x * inv_v[p]
                elif s == 1:
                    for q in range(1, n_s):
                        p = lo + np.uint64(q)
                        x = (0.0 + prop_slot[1, 0, p] * mass[tj, p]) + prop_slot[1, 1, p] * mass[t, p]
                        racc[k, p] += mass[t, p] - x
                        mass[t, p] = x
                        c[k, p] = x * inv_v[p]
                elif s == 2:
                    for q in range(1, n_s):
                        p = lo + np.uint64(q)
                        x = ((0.0 + prop_slot[2, 0, p] * mass[tj, p]) + prop_slot[2, 1, p] * mass[tj + n_src, p]) \
                            + prop_slot[2, 2, p] * mass[t, p]
                        racc[k, p] += mass[t, p] - x
                        mass[t, p] = x
                        c[k, p] = x * inv_v[p]
                else:
                    for q in range(1, n_s):
                        acc[lo + np.uint64(q)] = 0.0
                    for r in range(s + 1):
                        for q in range(1, n_s):
                            p = lo + np.uint64(q)
                            acc[p] += prop_slot[s, r, p] * mass[tj + r * n_src, p]
                    for q in range(1, n_s):
                        p = lo + np.uint64(q)
                        racc[k, p] += mass[t, p] - acc[p]
                        mass[t, p] = acc[p]
                        c[k, p] = acc[p] * inv_v[p]


@kernel(helper=True)
def lts_group_day(day, t0, n_tag, n_src, n_sp, mixed, rx_a, rx_b, n_f, any_disp, state, lay, water, srcs, accs,
                  inlet, work, tank_args, rxs, classes):
    """One constituent (the tags ``t0 .. t0 + n_tag``) through a day of local time steps: the
    events in order, at each (1) what crossed junctions and the reservoirs (:func:`lts_accumulate`),
    (2) the advection updates of the chains whose step ends (:func:`lts_update`), (3) the
    exchanges between classes (:func:`lts_exchange`), (4) the dispersing class's Heun step,
    removal and reactions (:func:`lts_disperse`, :func:`lts_react`), (5) the new fluxes of the
    chains whose step starts (:func:`lts_fluxes`).  ``classes`` is ``(level, mask, idx, cnt, blocks)``
    (:func:`lts_classes`, :func:`lts_lists`).  A class whose blocks are of several steps
    (``blocks``, :func:`_lts_blocks`) disperses, removes and exchanges only at its blocks' middles, over
    their steps, and only there do finer chains take its bounds; it reacts at every step.  See
    docs/solver.md and tests/lts_prototype.py."""
    mass, c, res_mass = state
    chain_head, ghost_up, ghost_dn, dn_src, up_src = lay[2], lay[3], lay[4], lay[5], lay[23]
    slot_reach, tail_res, res_down_kind, res_down_index, head_chain = lay[18:23]
    chain_of_slot = lay[16]
    vol0, fq, out_rate, inv_qin, res_volume, res_outflow = (water[0], water[2], water[4], water[9], water[10],
                                                            water[11])
    boundary_flux, reach_rate = srcs[0], srcs[3]
    removed_acc = accs[1]
    flux, fpc, c_total, keep, inv_v, head_acc, up_mix, step_start, prop_lv = (work[0], work[1], work[2], work[5],
                                                                             work[6], work[7], work[8], work[10],
                                                                             work[11])
    rx_from, rx_to, rx_river_rate, prop, kmat, m_a, m_b = rxs
    level, mask, idx, cnt, blocks = classes
    dead = tank_args[3][7]  # the tags the day's steps skip (_dead_tags, set by simulate_kernel)
    n_chain = ghost_up.shape[0]
    n_pad = vol0.shape[0]
    n_ev = 2 * n_f
    unit = SECONDS_PER_DAY / n_ev
    yes = n_chain >= 0  # True and False, not literals (see no_lts in simulate_kernel)
    no = n_chain < 0
    withdrawing = no
    for p in range(n_pad):
        if water[3][p] > 0.0:
            withdrawing = yes
    present = 0
    own = 0
    for j in range(n_chain):
        present |= mask[j]
        own |= 1 << level[j]
    keep_size = np.empty(4, dtype=np.int64)  # the block (steps) each class's keep is for: its first
    own_first = np.zeros(4, dtype=np.int64)  # the first run of a class's own chains among its bounds' runs
    for lv in range(4):
        keep_size[lv] = blocks[lv, 1] + 2 if blocks[lv, 2] > 0 else blocks[lv, 1]
        for i in range(cnt[L_BOUND, lv]):  # (laid out by class: the finer chains' runs come first)
            if level[idx[L_BOUND, lv, 2 * i]] < lv:
                own_first[lv] = i + 1
    for p in range(n_pad):
        keep[p] = 1.0
        r = slot_reach[p]
        if r >= 0 and not mixed:
            lv = level[chain_of_slot[p]]
            keep[p] = math.exp(-reach_rate[day, r, t0] * (SECONDS_PER_DAY * 2 ** lv / n_f * keep_size[lv]))
    if mixed:
        for lv in range(4):
            if (own >> lv) & 1:
                reaction_propagators(day, SECONDS_PER_DAY * 2 ** lv / n_f, t0, n_src, n_sp, reach_rate, rx_from,
                                     rx_to, rx_river_rate, rx_a, rx_b, prop[:, :n_sp, :n_sp], kmat[:n_sp, :n_sp],
                                     m_a[:n_sp, :n_sp], m_b[:n_sp, :n_sp])
                slot_propagators(prop, slot_reach, n_sp, prop_lv[lv])
    # each chain head's boundary flux and inverse inflow of the day, in the chains' order: read at every step of
    # the chain (lts_update, lts_fluxes), where the reach-indexed arrays were a cache miss a chain (about a fifth
    # of lts_update's samples on a 10,000-reach year, 3 December 2026)
    head_bflux, head_iq = work[12], work[13]
    for j in range(n_chain):
        head_iq[j] = inv_qin[chain_head[j]]
    for k in range(n_tag):
        t = t0 + k
        for j in range(n_chain):
            x = boundary_flux[day, chain_head[j], t]
            head_bflux[k, j] = x
            up_mix[k, j] = x
            head_acc[k, j] = 0.0
        for s in range(res_mass.shape[0]):
            if res_down_kind[s] == DOWN_REACH and head_chain[res_down_index[s]] >= 0:
                up_mix[k, head_chain[res_down_index[s]]] += res_outflow[day, s] * np.divide(res_mass[s, t],
                                                                                           res_volume[day, s])
    # the side tributaries to accumulate at each class's events (their chain or the one below has
    # a bound there; lts_accumulate), and all of them at the day's end (row 4)
    side_src, side_dst = lay[6], lay[7]
    n_side = side_src.shape[0]
    side_cnt = np.zeros(5, dtype=np.int64)
    side_lst = np.empty((5, n_side), dtype=np.int64)
    side_last = np.zeros(n_side, dtype=np.int64)
    for i in range(n_side):
        both = mask[chain_of_slot[side_src[i]]] | mask[chain_of_slot[side_dst[i]]]
        for lv in range(4):
            if (both >> lv) & 1:
                side_lst[lv, side_cnt[lv]] = i
                side_cnt[lv] += 1
        side_lst[4, i] = i
    side_cnt[4] = n_side
    side_flux, side_of_chain = work[14], work[15]  # (kept by lts_fluxes with several tags, read by lts_accumulate)
    for j in range(n_chain):
        side_of_chain[j] = -1
    if n_tag > 1:
        for i in range(n_side):
            side_of_chain[chain_of_slot[side_src[i]]] = i
    for lv in range(4):  # each chain's first step: the runs of its own class's bounds
        for i in range(cnt[L_BOUND, lv]):
            if level[idx[L_BOUND, lv, 2 * i]] == lv:
                lts_fluxes(idx[L_BOUND, lv, 2 * i:2 * i + 2], 1, 0, n_ev, unit, mask, step_start, 0.0, day, t0,
                           n_tag, c, c_total, flux, fpc, fq, out_rate, ghost_up, ghost_dn, dn_src,
                           up_mix, head_iq, tail_res, res_mass, res_volume, up_src, level, blocks, side_of_chain,
                           side_src, side_flux)
    prev = 0
    for u in range(1, n_ev + 1):
        lv = _ctz(u)
        if u < n_ev and (lv > 3 or (present >> lv) & 1 == 0):
            continue
        f_now = 1.0 if u == n_ev else u * unit / SECONDS_PER_DAY
        sl = 4 if u == n_ev else lv
        lts_accumulate((u - prev) * unit, prev * unit / SECONDS_PER_DAY, f_now, day, t0, n_tag, n_src, mixed, rx_a,
                       rx_b, state, lay, accs, work, tank_args, boundary_flux, yes, side_lst[sl], side_cnt[sl],
                       side_last, u, unit)
        if u == n_ev:  # every chain's last step, run by run of chains that started it together
            for lv in range(4):
                for i in range(cnt[L_BOUND, lv]):
                    if level[idx[L_BOUND, lv, 2 * i]] == lv:
                        lts_update(idx[L_BOUND, lv, 2 * i:2 * i + 2], 1, u, n_ev, unit, n_f, level, no,
                                   withdrawing, step_start, day, t0, n_tag, n_src, state, lay, water, srcs, accs,
                                   inlet, work, dead, blocks)
            break
        removing = not any_disp  # (then every chain with a bound here is of this class)
        size = _lts_block(u, lv, blocks)  # (0: the class does not disperse here, nor exchange)
        f0 = 0 if size > 0 else own_first[lv]  # (the finer chains' bounds are at its dispersion times only)
        lts_update(idx[L_BOUND, lv, 2 * f0:], cnt[L_BOUND, lv] - f0, u, n_ev, unit, n_f, level, removing,
                   withdrawing, step_start, day, t0, n_tag, n_src, state, lay, water, srcs, accs, inlet, work, dead,
                   blocks)
        t_now = u * unit
        dt_l = SECONDS_PER_DAY * 2 ** lv / n_f
        if size > 0:
            lts_exchange(lv, t_now, dt_l * size, t0, n_tag, idx, cnt, state, lay, water, accs, dead)
        if (own >> lv) & 1:  # (inv_v: set by lts_update, every chain of the class ending its step here)
            if any_disp and size > 0:
                if size != keep_size[lv] and not mixed:  # the removal over this block's steps
                    keep_size[lv] = size
                    _lts_keep(keep, lv, size, n_f, day, t0, reach_rate, slot_reach, idx, cnt, ghost_up, ghost_dn)
                lts_disperse(lv, dt_l * size, day, t0, n_tag, idx, cnt, state, lay, water, srcs, accs, inlet, work,
                             dead)
            if mixed:
                lts_react(lv, idx, cnt, ghost_up, ghost_dn, mass, c, prop_lv[lv], t0, n_sp, n_src, inv_v,
                          removed_acc, work[3], dead)
        lts_fluxes(idx[L_BOUND, lv, 2 * f0:], cnt[L_BOUND, lv] - f0, u, n_ev, unit, mask, step_start, f_now, day,
                   t0, n_tag, c, c_total, flux, fpc, fq, out_rate, ghost_up, ghost_dn, dn_src, up_mix, head_iq,
                   tail_res, res_mass, res_volume, up_src, level, blocks, side_of_chain, side_src, side_flux)
        prev = u


@kernel
def upwind_reference_kernel(conc, courant, n_steps):
    """A minimal first-order upwind stencil on one long reach (benchmark reference).

    The machine's practical limit for a cell update: one multiply-add per cell
    and step, no limiter, no sources.  Used only by ``benchmarks/transport.py``.
    """
    n = conc.shape[0]
    new = np.empty(n)
    for _ in range(n_steps):
        new[0] = conc[0]
        for i in range(1, n):
            new[i] = conc[i] - courant * (conc[i] - conc[i - 1])
        for i in range(n):
            conc[i] = new[i]
    return conc
