"""Numba kernels of the finite-volume transport solver (private).

Everything here takes contiguous numpy arrays and scalars only; the network
layout (topological order, reach -> cell offsets, downstream links) is built
once by :mod:`hydro.network` and the public wrapper is
:func:`hydro.transport.simulate`.

Units inside the kernels are SI: mass g, water m3, time s, flow m3 s-1,
concentration g m-3 (= mg L-1), load g s-1.

Memory layout.  Reaches are joined into *chains*: a reach is followed by the
reach below it whenever it is that reach's main upstream reach (see
:func:`chain_layout`), so a chain runs from a source down a main stem.  The
cells of every chain lie in one flat *padded* array with a ghost slot before and
after each chain (``[g, c0, c1, ..., g, g, c0, ...]``).  Every per-cell pass is
then a plain stencil over the whole array (no branch, vectorisable): inside a
chain the limiter sees the true neighbours across junctions, and dispersion
across a fused junction is a face of the stencil.  Ghost slots carry the inlet
mixture of a chain head and the downstream neighbour of a chain tail, have zero
flow, volume and conductance, and their mass is never read.  Side tributaries
and reservoirs entering a reach that continues a chain enter its first cell as
a source.  Only ghost fills and side inflows are per-chain / per-link work.

Junctions.  Inflows mix in proportion to flow (mass enters the first cell below
from every branch).  The limiter's upwind value at an inlet is the last cell of
the main upstream reach where there is one, and the flow-weighted inlet mixture
at chain heads (the first cell itself where no water enters there); both are
non-negative, which is all the positivity argument needs.

Scheme (per sub-step, Lie splitting; for constant coefficients the pieces
commute, so splitting adds no error in the analytical cases):

1. advection: flux-limited Lax-Wendroff (Sweby 1984) with the monotonized-central
   limiter (van Leer 1977) written branch-free, on cell outflow faces; lateral water and loads enter
   uniformly along a reach; withdrawals (negative lateral flow) leave at the
   cell concentration.  Positive for a cell Courant number nu <= 1, where nu is
   the water leaving the cell in a sub-step over the cell volume;
2. reservoirs: well-mixed tanks integrated exactly (exponential) over the
   sub-step, with outflow, apparent settling and first-order decay;
3. dispersion: central differences, forward Euler, positive while the summed
   face conductance times dt over the cell volume is <= 1;
4. first-order removal: exact exponential, rate k20 * theta**(T - 20).
"""

from __future__ import annotations

import math

import numpy as np

from hydro._compile import kernel

SECONDS_PER_DAY = 86400.0

# Budget terms (third axis of the budget arrays), same for reaches and reservoirs;
# their names are hydro.variables.FLUX_TERMS.
B_INFLOW = 0  # advective mass from upstream elements and upstream boundaries
B_LATERAL = 1  # lateral (diffuse) loads; direct loads on reservoirs
B_POINT = 2  # point loads
B_OUTFLOW = 3  # advective mass leaving through the element outlet
B_REMOVAL = 4  # first-order decay and apparent settling
B_WITHDRAWAL = 5  # mass leaving with withdrawn water (negative lateral flow)
B_DISPERSION = 6  # net dispersive exchange into the element (incl. boundaries)

# Downstream kinds.
DOWN_OUTLET = 0
DOWN_REACH = 1
DOWN_RESERVOIR = 2


@kernel
def chain_layout(reach_cell_start, reach_down_kind, reach_down_index):
    """Chains of reaches and the padded index of every cell (see the module docstring).

    The *main* upstream reach of a reach is, among the reaches draining into it,
    the one with the most cells upstream of and including it (its whole upstream
    network of reaches, not counted through reservoirs); ties go to the lowest
    index.  A chain starts at a reach without a main upstream reach (no reach
    drains into it) and continues into the reach below for as long as it is that
    reach's main upstream.  Chains are laid out one after another, each with a
    ghost slot before and after it.

    Returns ``main_up`` (R,) (-1 where none), ``pos`` (N,) padded slot of every
    cell, ``chain_head`` and ``chain_tail`` (C,) first and last reach of each chain.
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
    main_up = np.full(n_reach, -1, dtype=np.int64)
    for h in range(n_o):
        r = order[h]
        if reach_down_kind[r] == DOWN_REACH:
            d = reach_down_index[r]
            up_cells[d] += up_cells[r]
            m = main_up[d]
            if m < 0 or up_cells[r] > up_cells[m] or (up_cells[r] == up_cells[m] and r < m):
                main_up[d] = r
    n_chain = 0
    for r in range(n_reach):
        if main_up[r] < 0:
            n_chain += 1
    chain_head = np.empty(n_chain, dtype=np.int64)
    chain_tail = np.empty(n_chain, dtype=np.int64)
    pos = np.empty(n_cell, dtype=np.int64)
    p = 0
    k = 0
    for h in range(n_o):
        r = order[h]
        if main_up[r] >= 0:
            continue
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
        k += 1
    return main_up, pos, chain_head, chain_tail


@kernel
def _advective_fluxes(c, fq, half_lw, flux):
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


@kernel
def _junction_conductance(volume, cell_dx, reach_cell_start, reach_dispersion, u, d):
    """Dispersive conductance (m3 s-1) between the last cell of reach u and the first of d."""
    a = reach_cell_start[u + 1] - 1
    b = reach_cell_start[d]
    area = 0.5 * (volume[a] / cell_dx[a] + volume[b] / cell_dx[b])
    disp = 0.5 * (reach_dispersion[u] + reach_dispersion[d])
    return disp * area / (0.5 * (cell_dx[a] + cell_dx[b]))
@kernel
def _record_storage(mass, res_mass, pos, reach_cell_start, storage_reach, storage_res):
    """Mass (g) held in every reach and reservoir, per tracer: (R, T) and (S, T) outputs."""
    n_tr = mass.shape[0]
    for t in range(n_tr):
        for r in range(reach_cell_start.shape[0] - 1):
            acc = 0.0
            for i in range(reach_cell_start[r], reach_cell_start[r + 1]):
                acc += mass[t, pos[i]]
            storage_reach[r, t] = acc
        for s in range(res_mass.shape[0]):
            storage_res[s, t] = res_mass[s, t]


@kernel
def simulate_kernel(
    # layout
    reach_cell_start, cell_reach, cell_dx, reach_down_kind, reach_down_index,
    res_down_kind, res_down_index, vel_coeff, vel_exp, reach_dispersion, dispersive_inlet,
    section_cell, point_cell,
    # hydraulics per day
    q_in, q_out, withdrawal, res_volume, res_outflow, res_area,
    # loads and boundaries per day (g s-1), temperatures (deg C)
    boundary_flux, boundary_conc, lateral_load, point_load, res_load,
    reach_rate, res_rate, settling_m_s,
    # initial state
    init_conc, init_res_conc, group_start, courant, disp_limit, period_of_day,
    # outputs
    out_reach_mass, out_section_mass, out_res_conc, out_res_outmass,
    out_substeps, budget_reach, budget_res, storage_reach, storage_res, out_final_conc,
):
    """Transport every tracer down the network for every day.

    Parameters (shapes; R reaches, N cells, S reservoirs, T tracers, D days)
    --------------------------------------------------------------------
    reach_cell_start : (R+1,) int  first cell of each reach (cells ordered by reach)
    cell_reach : (N,) int  reach of each cell
    cell_dx : (N,) float  cell length, m
    reach_down_kind, reach_down_index : (R,) int  outlet / reach / reservoir and index
    res_down_kind, res_down_index : (S,) int  likewise for reservoirs
    vel_coeff, vel_exp : (R,) float  velocity = coeff * Q**exp (m s-1, Q in m3 s-1)
    reach_dispersion : (R,) float  longitudinal dispersion coefficient, m2 s-1
    dispersive_inlet : (R,) bool  inlet held at ``boundary_conc`` (dispersive
        exchange across the inlet) rather than a flux (Danckwerts) condition
    section_cell : (K,) int  cell whose outflow face each section sits on
    point_cell : (P,) int  cell receiving each point load
    q_in, q_out : (D, R) float  discharge at each reach inlet and outlet, m3 s-1
    withdrawal : (D, R) float  water taken out along each reach, m3 s-1 (>= 0); the
        lateral inflow is then q_out - q_in + withdrawal, and any part of it that is
        negative leaves at the reach's concentration too
    res_volume : (D+1, S) float  reservoir volume at the start of each day, m3
    res_outflow, res_area : (D, S) float  outflow (m3 s-1), surface area (m2)
    boundary_flux : (D, R, T) float  advective mass into each reach inlet from
        outside the network, g s-1
    boundary_conc : (D, R, T) float  concentration at dispersive inlets, g m-3
    lateral_load : (D, R, T) float  lateral loads, g s-1
    point_load : (D, P, T) float  point loads, g s-1
    res_load : (D, S, T) float  direct loads on reservoirs, g s-1
    reach_rate, res_rate : (D, R, T), (D, S, T) float  first-order removal rate at
        the day's water temperature, ``k20 * theta**(T - 20)``, s-1
    settling_m_s : (T,) float  apparent settling velocity in reservoirs, m s-1
    init_conc : (N, T), init_res_conc : (S, T)  initial concentrations, g m-3
    group_start : (G+1,) int  tracers group_start[g]:group_start[g+1] are the source
        tags of one constituent: its limiter is computed from their sum, and they
        must share its removal rates (a constituent without tags is a group of one)
    courant, disp_limit : float  sub-step limits
    period_of_day : (D,) int  budget period of each day (0, 1, ...)

    Outputs (filled in place)
    -------------------------
    out_reach_mass : (D, R, T)  mass through each reach outlet in the day, g
    out_section_mass : (D, K, T)  mass through each section in the day, g
    out_res_conc : (D, S, T)  reservoir concentration at the end of the day, g m-3
    out_res_outmass : (D, S, T)  mass leaving each reservoir in the day, g
    out_substeps : (D,) int  sub-steps taken each day
    budget_reach, budget_res : (P, R|S, 7, T)  budget terms per period, g
    storage_reach, storage_res : (P+1, R|S, T)  mass stored at period starts, g
    out_final_conc : (N, T)  cell concentrations at the end of the run, g m-3
    """
    n_day = q_in.shape[0]
    n_reach = q_in.shape[1]
    n_cell = cell_dx.shape[0]
    n_res = res_outflow.shape[1]
    n_tr = init_conc.shape[1]
    n_sec = section_cell.shape[0]
    n_pt = point_cell.shape[0]

    # ---- static layout: chains of reaches, ghost slots only at chain ends -------
    main_up, pos, chain_head, chain_tail = chain_layout(reach_cell_start, reach_down_kind,
                                                        reach_down_index)
    n_chain = chain_head.shape[0]
    n_pad = n_cell + 2 * n_chain
    first = np.empty(n_reach, dtype=np.int64)  # padded slot of each reach's first cell
    last = np.empty(n_reach, dtype=np.int64)  # and of its last cell
    for r in range(n_reach):
        first[r] = pos[reach_cell_start[r]]
        last[r] = pos[reach_cell_start[r + 1] - 1]
    head_chain = np.full(n_reach, -1, dtype=np.int64)  # chain a head reach starts
    ghost_up = np.empty(n_chain, dtype=np.int64)
    ghost_dn = np.empty(n_chain, dtype=np.int64)
    dn_src = np.empty(n_chain, dtype=np.int64)  # slot the outlet ghost copies
    n_into_res = 0
    for k in range(n_chain):
        r = chain_head[k]
        head_chain[r] = k
        ghost_up[k] = first[r] - 1
        r = chain_tail[k]
        ghost_dn[k] = last[r] + 1
        if reach_down_kind[r] == DOWN_REACH:
            dn_src[k] = first[reach_down_index[r]]
        else:
            dn_src[k] = last[r]  # outlet; overwritten each sub-step above a reservoir
            if reach_down_kind[r] == DOWN_RESERVOIR:
                n_into_res += 1
    into_res = np.empty(n_into_res, dtype=np.int64)
    k = 0
    for r in range(n_reach):
        if reach_down_kind[r] == DOWN_RESERVOIR:
            into_res[k] = r
            k += 1
    # side tributaries: reach -> reach links that are not fused in a chain
    n_side = 0
    for r in range(n_reach):
        if reach_down_kind[r] == DOWN_REACH and main_up[reach_down_index[r]] != r:
            n_side += 1
    side_src = np.empty(n_side, dtype=np.int64)  # last slot of the tributary
    side_dst = np.empty(n_side, dtype=np.int64)  # first slot of the reach below
    side_reach = np.empty(n_side, dtype=np.int64)  # the reach below
    k = 0
    for r in range(n_reach):
        if reach_down_kind[r] == DOWN_REACH and main_up[reach_down_index[r]] != r:
            side_src[k] = last[r]
            side_dst[k] = first[reach_down_index[r]]
            side_reach[k] = reach_down_index[r]
            k += 1
    # dispersive junctions (last cell of a reach -> first cell of the reach below):
    # fused ones are a face of the flat stencil, side ones are explicit
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
    fj_cond = np.zeros(n_fj)
    sj_reach = np.empty(n_sj, dtype=np.int64)
    sj_a = np.empty(n_sj, dtype=np.int64)
    sj_b = np.empty(n_sj, dtype=np.int64)
    sj_cond = np.zeros(n_sj)
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
                kk += 1
    any_disp = False
    for r in range(n_reach):
        if reach_dispersion[r] > 0.0:
            any_disp = True
    # conductance of the face after each slot is face_coef * (sum of the two cells'
    # cross-sections): D * mean area / distance between cell centres, with the
    # static part computed once (zero where there is no face in the stencil)
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
        face_coef[last[u]] = 0.5 * (reach_dispersion[u] + reach_dispersion[d]) * 0.5 \
            / (0.5 * (cell_dx[a] + cell_dx[b]))
    n_dinlet = 0
    for r in range(n_reach):
        if dispersive_inlet[r] and reach_dispersion[r] > 0.0:
            n_dinlet += 1
    dinlets = np.empty(n_dinlet, dtype=np.int64)
    b_cond = np.zeros(n_dinlet)  # conductance across dispersive inlets
    k = 0
    for r in range(n_reach):
        if dispersive_inlet[r] and reach_dispersion[r] > 0.0:
            dinlets[k] = r
            k += 1

    # per-day geometry on the padded layout (ghost slots stay zero)
    volume = np.zeros(n_cell)
    xs = np.zeros(n_pad)  # cross-section of each slot, m2 (0 in ghosts)
    inv_v = np.zeros(n_pad)
    fq = np.zeros(n_pad)
    half_lw = np.zeros(n_pad)
    wdraw = np.zeros(n_pad)  # withdrawal rate, m3 s-1 (>= 0)
    cond = np.zeros(n_pad)  # conductance to the next slot, m3 s-1
    gsum = np.zeros(n_pad)  # summed conductance of each slot, m3 s-1
    keep = np.zeros(n_pad)
    keep_inv_v = np.zeros(n_pad)  # keep / volume: concentration after removal per mass before
    inv_qin = np.zeros(n_reach)

    # state; per-tag work arrays have a leading axis of the largest group
    n_group = group_start.shape[0] - 1
    g_max = 1
    for g in range(n_group):
        g_max = max(g_max, group_start[g + 1] - group_start[g])
    mass = np.zeros((n_tr, n_pad))
    res_mass = np.empty((n_res, n_tr))
    c = np.zeros((g_max, n_pad))
    c_next = np.zeros((g_max, n_pad))
    c_total = np.zeros(n_pad)
    flux_per_conc = np.zeros(n_pad)  # total face flux over total upwind concentration, m3 s-1
    flux_total = np.zeros(n_pad)
    flux = np.zeros(n_pad)
    flux_acc = np.zeros((g_max, n_pad))
    removed_acc = np.zeros((g_max, n_pad))
    withdrawn_acc = np.zeros((g_max, n_pad))
    inflow = np.zeros((g_max, n_chain))  # into each chain head, g s-1
    extra_acc = np.zeros((g_max, n_reach))  # side tributaries and reservoirs into fused reaches, g
    disp_acc = np.zeros((g_max, n_reach))
    sj_acc = np.zeros((g_max, n_sj))
    fj_acc = np.zeros((g_max, n_fj))  # summed concentration step across fused junctions
    res_in = np.zeros(n_res)
    res_flux = np.zeros(n_res)
    res_c = np.zeros((g_max, n_res))
    res_out_day = np.zeros((g_max, n_res))
    res_in_day = np.zeros((g_max, n_res))
    res_rm_day = np.zeros((g_max, n_res))
    # sources per slot and tracer (filled each day): lateral and point loads, and
    # boundary inflow into reaches that continue a chain
    lat = np.zeros((n_tr, n_pad))

    # initial masses (geometry of day 0)
    _day_geometry(q_in[0], q_out[0], reach_cell_start, cell_dx, vel_coeff, vel_exp, first, volume, xs)
    for t in range(n_tr):
        for i in range(n_cell):
            mass[t, pos[i]] = init_conc[i, t] * volume[i]
        for s in range(n_res):
            res_mass[s, t] = init_res_conc[s, t] * res_volume[0, s]

    period = -1
    for day in range(n_day):
        # ---- storage at period starts ---------------------------------------
        if period_of_day[day] != period:
            period = period_of_day[day]
            _record_storage(mass, res_mass, pos, reach_cell_start, storage_reach[period], storage_res[period])

        # ---- geometry and sub-step of the day ---------------------------------
        _day_geometry(q_in[day], q_out[day], reach_cell_start, cell_dx, vel_coeff, vel_exp, first,
                      volume, xs)
        dt_max = SECONDS_PER_DAY
        any_withdrawal = False
        for r in range(n_reach):
            # an inlet without water (a river's source, only at chain heads) has
            # no mixture: the first cell's own value stands in (zero gradient)
            inv_qin[r] = 1.0 / q_in[day, r] if q_in[day, r] > 0.0 else 0.0
            s0 = reach_cell_start[r]
            n = reach_cell_start[r + 1] - s0
            dq = (q_out[day, r] - q_in[day, r]) / n
            w_cell = withdrawal[day, r] / n
            wd = w_cell + max(-(dq + w_cell), 0.0)
            if wd > 0.0:
                any_withdrawal = True
            p0 = first[r]
            for j in range(n):
                i = s0 + j
                p = p0 + j
                f_out = q_in[day, r] + dq * (j + 1)
                inv_v[p] = 1.0 / volume[i]
                fq[p] = f_out
                wdraw[p] = wd
                dt_max = min(dt_max, courant * volume[i] / (f_out + wd))
        if any_disp:
            cond[n_pad - 1] = 0.0
            for p in range(n_pad - 1):
                cond[p] = face_coef[p] * (xs[p] + xs[p + 1])
            gsum[0] = cond[0]
            for p in range(1, n_pad):
                gsum[p] = cond[p - 1] + cond[p]
            for k in range(n_dinlet):
                r = dinlets[k]
                i = reach_cell_start[r]
                b_cond[k] = reach_dispersion[r] * (volume[i] / cell_dx[i]) / (0.5 * cell_dx[i])
                gsum[first[r]] += b_cond[k]
            for k in range(n_fj):
                r = fj_reach[k]
                fj_cond[k] = cond[last[r]]
            for k in range(n_sj):
                r = sj_reach[k]
                g = _junction_conductance(volume, cell_dx, reach_cell_start, reach_dispersion,
                                          r, reach_down_index[r])
                sj_cond[k] = g
                gsum[sj_a[k]] += g
                gsum[sj_b[k]] += g
            for r in range(n_reach):
                p0 = first[r]
                s0 = reach_cell_start[r]
                for i in range(s0, reach_cell_start[r + 1]):
                    g = gsum[p0 + (i - s0)]
                    if g > 0.0:
                        dt_max = min(dt_max, disp_limit * volume[i] / g)
        n_sub = int(math.ceil(SECONDS_PER_DAY / dt_max - 1e-9))
        if n_sub < 1:
            n_sub = 1
        dt = SECONDS_PER_DAY / n_sub
        out_substeps[day] = n_sub
        for p in range(n_pad):
            half_lw[p] = 0.5 * (1.0 - dt * (fq[p] + wdraw[p]) * inv_v[p])
        for t in range(n_tr):
            lat_t = lat[t]
            for r in range(n_reach):
                s0 = reach_cell_start[r]
                n = reach_cell_start[r + 1] - s0
                lat_r = lateral_load[day, r, t] / n
                p0 = first[r]
                for p in range(p0, p0 + n):
                    lat_t[p] = lat_r
                if main_up[r] >= 0:
                    lat_t[p0] += boundary_flux[day, r, t]
            for j in range(n_pt):
                lat_t[pos[point_cell[j]]] += point_load[day, j, t]

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
                for p in range(n_pad):
                    flux_acc[k, p] = 0.0
                    removed_acc[k, p] = 0.0
                    withdrawn_acc[k, p] = 0.0
                    c[k, p] = mass[t, p] * inv_v[p]
                for s in range(n_res):
                    res_out_day[k, s] = 0.0
                    res_in_day[k, s] = 0.0
                    res_rm_day[k, s] = 0.0
            rate_prev = -1.0
            keep_r = 1.0
            for r in range(n_reach):
                # tags of one constituent share its removal rate
                rate = reach_rate[day, r, t0]
                if rate != rate_prev:
                    keep_r = math.exp(-rate * dt)
                    rate_prev = rate
                for p in range(first[r], last[r] + 1):
                    keep[p] = keep_r
                    keep_inv_v[p] = keep_r * inv_v[p]

            for sub in range(n_sub):
                frac = (sub + 0.5) / n_sub
                for k in range(n_tag):
                    t = t0 + k
                    ck = c[k]
                    for s in range(n_res):
                        v_mid = res_volume[day, s] + frac * (res_volume[day + 1, s] - res_volume[day, s])
                        res_c[k, s] = res_mass[s, t] / v_mid
                    # 1. ghost slots: the inlet mixture of each chain head (what
                    #    entered in the previous sub-step; at the start of the day
                    #    from the reservoir concentrations) and the downstream
                    #    neighbour of each chain tail
                    if sub == 0:
                        for j in range(n_chain):
                            inflow[k, j] = boundary_flux[day, chain_head[j], t]
                        for s in range(n_res):
                            if res_down_kind[s] == DOWN_REACH:
                                j = head_chain[res_down_index[s]]
                                if j >= 0:
                                    inflow[k, j] += res_outflow[day, s] * res_c[k, s]
                    for j in range(n_chain):
                        h = chain_head[j]
                        if inv_qin[h] > 0.0:
                            ck[ghost_up[j]] = inflow[k, j] * inv_qin[h]
                        else:
                            ck[ghost_up[j]] = ck[ghost_up[j] + 1]
                        ck[ghost_dn[j]] = ck[dn_src[j]]
                    for j in range(n_into_res):
                        r = into_res[j]
                        ck[last[r] + 1] = res_c[k, reach_down_index[r]]
                # 2. advective fluxes of the constituent from the old state; each
                #    tag carries the share it holds in the upwind slot, so the
                #    tags add up to the constituent to round-off
                if n_tag == 1:
                    _advective_fluxes(c[0], fq, half_lw, flux_total)
                else:
                    for p in range(n_pad):
                        acc = 0.0
                        for k in range(n_tag):
                            acc += c[k, p]
                        c_total[p] = acc
                    _advective_fluxes(c_total, fq, half_lw, flux_total)
                    # one division per slot, shared by the tags (a division per tag
                    # and slot is several times slower, worse on subnormal shares)
                    for p in range(n_pad):
                        flux_per_conc[p] = flux_total[p] / (c_total[p] + 1e-300)
                for k in range(n_tag):
                    t = t0 + k
                    ck = c[k]
                    m = mass[t]
                    if n_tag == 1:
                        fk = flux_total
                    else:
                        fk = flux
                        for p in range(n_pad):
                            fk[p] = flux_per_conc[p] * ck[p]
                    # 3. reservoirs: exact mixed-tank integration
                    for s in range(n_res):
                        res_in[s] = res_load[day, s, t]
                    for j in range(n_into_res):
                        r = into_res[j]
                        res_in[reach_down_index[r]] += fk[last[r]]
                    for s in range(n_res):
                        v_mid = res_volume[day, s] + frac * (res_volume[day + 1, s] - res_volume[day, s])
                        rate_out = res_outflow[day, s] / v_mid
                        b = rate_out + settling_m_s[t] * res_area[day, s] / v_mid + res_rate[day, s, t]
                        m0 = res_mass[s, t]
                        a_in = res_in[s]
                        # dM/dt = a - b M with a, b constant over the sub-step:
                        # M1 = M_eq + (M0 - M_eq) exp(-b dt); what left is split
                        # between outflow and removal in proportion to their rates,
                        # so the tank's budget closes by construction.
                        if b > 0.0:
                            e = math.expm1(-b * dt)  # exp(-b dt) - 1, precise for small b dt
                            left = a_in * dt - (m0 - a_in / b) * e
                            out_m = left * (rate_out / b)
                        else:
                            left = 0.0
                            out_m = 0.0
                        res_mass[s, t] = m0 + a_in * dt - left
                        res_flux[s] = out_m / dt
                        res_out_day[k, s] += out_m
                        res_rm_day[k, s] += left - out_m
                        res_in_day[k, s] += (a_in - res_load[day, s, t]) * dt
                    # 4. mass entering each chain head: its inlet ghost's flux; side
                    #    tributaries and reservoirs below a fused junction enter the
                    #    first cell of the reach as a source
                    for j in range(n_chain):
                        inflow[k, j] = boundary_flux[day, chain_head[j], t]
                    for s in range(n_res):
                        if res_down_kind[s] == DOWN_REACH:
                            d = res_down_index[s]
                            j = head_chain[d]
                            if j >= 0:
                                inflow[k, j] += res_flux[s]
                            else:
                                x = dt * res_flux[s]
                                m[first[d]] += x
                                extra_acc[k, d] += x
                    for j in range(n_chain):
                        fk[ghost_up[j]] = inflow[k, j]
                    for j in range(n_side):
                        x = dt * fk[side_src[j]]
                        m[side_dst[j]] += x
                        extra_acc[k, side_reach[j]] += x
                    if any_withdrawal:
                        for p in range(n_pad):
                            w = dt * wdraw[p] * ck[p]
                            m[p] -= w
                            withdrawn_acc[k, p] += w
                    # 5. advective update, a flat stencil.  Ghost slots collect
                    #    meaningless mass that is never read (their inv_v is 0, so
                    #    their concentration stays 0).  Slot 0 is the first chain's
                    #    inlet ghost: only its flux is recorded.  Without a
                    #    dispersion step the removal is fused in here.
                    lat_t = lat[t]
                    facc = flux_acc[k]
                    racc = removed_acc[k]
                    facc[0] += dt * fk[0]
                    if any_disp:
                        for p in range(1, n_pad):
                            mp = m[p] + dt * (fk[p - 1] - fk[p] + lat_t[p])
                            m[p] = mp
                            ck[p] = mp * inv_v[p]
                            facc[p] += dt * fk[p]
                    else:
                        for p in range(1, n_pad):
                            after = m[p] + dt * (fk[p - 1] - fk[p] + lat_t[p])
                            mp = after * keep[p]
                            m[p] = mp
                            racc[p] += after - mp
                            ck[p] = after * keep_inv_v[p]
                            facc[p] += dt * fk[p]
                    # 6. dispersion (forward Euler) fused with the removal; fused
                    #    junctions are faces of the stencil (their exchange is
                    #    recorded for the budgets), side junctions are explicit
                    if any_disp:
                        for j in range(n_sj):
                            a = sj_a[j]
                            b = sj_b[j]
                            x = dt * sj_cond[j] * (ck[a] - ck[b])
                            m[a] -= x
                            m[b] += x
                            sj_acc[k, j] += x
                        for j in range(n_fj):
                            a = last[fj_reach[j]]
                            fj_acc[k, j] += ck[a] - ck[a + 1]
                        for j in range(n_dinlet):
                            r = dinlets[j]
                            a = first[r]
                            x = dt * b_cond[j] * (boundary_conc[day, r, t] - ck[a])
                            m[a] += x
                            disp_acc[k, r] += x
                        cn = c_next[k]
                        for p in range(1, n_pad - 1):
                            after = m[p] + dt * (cond[p - 1] * (ck[p - 1] - ck[p]) + cond[p] * (ck[p + 1] - ck[p]))
                            mp = after * keep[p]
                            m[p] = mp
                            racc[p] += after - mp
                            cn[p] = after * keep_inv_v[p]
                if any_disp:
                    c, c_next = c_next, c

            # ---- daily outputs and budgets ------------------------------------
            for k in range(n_tag):
                t = t0 + k
                for j in range(n_sj):
                    disp_acc[k, sj_reach[j]] -= sj_acc[k, j]
                    disp_acc[k, reach_down_index[sj_reach[j]]] += sj_acc[k, j]
                for j in range(n_fj):
                    x = dt * fj_cond[j] * fj_acc[k, j]
                    disp_acc[k, fj_reach[j]] -= x
                    disp_acc[k, reach_down_index[fj_reach[j]]] += x
                for r in range(n_reach):
                    rm = 0.0
                    wd = 0.0
                    for p in range(first[r], last[r] + 1):
                        rm += removed_acc[k, p]
                        wd += withdrawn_acc[k, p]
                    out_m = flux_acc[k, last[r]]
                    out_reach_mass[day, r, t] = out_m
                    if main_up[r] < 0:
                        in_m = flux_acc[k, first[r] - 1]
                    else:
                        in_m = flux_acc[k, last[main_up[r]]] + extra_acc[k, r] \
                            + SECONDS_PER_DAY * boundary_flux[day, r, t]
                    budget_reach[period, r, B_INFLOW, t] += in_m
                    budget_reach[period, r, B_LATERAL, t] += SECONDS_PER_DAY * lateral_load[day, r, t]
                    budget_reach[period, r, B_OUTFLOW, t] += out_m
                    budget_reach[period, r, B_REMOVAL, t] += rm
                    budget_reach[period, r, B_WITHDRAWAL, t] += wd
                    budget_reach[period, r, B_DISPERSION, t] += disp_acc[k, r]
                for j in range(n_pt):
                    budget_reach[period, cell_reach[point_cell[j]], B_POINT, t] += \
                        SECONDS_PER_DAY * point_load[day, j, t]
                for j in range(n_sec):
                    out_section_mass[day, j, t] = flux_acc[k, pos[section_cell[j]]]
                for s in range(n_res):
                    out_res_conc[day, s, t] = res_mass[s, t] / res_volume[day + 1, s]
                    out_res_outmass[day, s, t] = res_out_day[k, s]
                    budget_res[period, s, B_INFLOW, t] += res_in_day[k, s]
                    budget_res[period, s, B_LATERAL, t] += SECONDS_PER_DAY * res_load[day, s, t]
                    budget_res[period, s, B_OUTFLOW, t] += res_out_day[k, s]
                    budget_res[period, s, B_REMOVAL, t] += res_rm_day[k, s]

        # cell volumes change between days: mass is kept, so concentration follows

    # storage at the end of the last period, final concentrations
    _record_storage(mass, res_mass, pos, reach_cell_start, storage_reach[period + 1],
                    storage_res[period + 1])
    for t in range(n_tr):
        for i in range(n_cell):
            out_final_conc[i, t] = mass[t, pos[i]] / volume[i]


@kernel
def _day_geometry(q_in, q_out, reach_cell_start, cell_dx, vel_coeff, vel_exp, first, volume, xs):
    """Cell volumes (m3) and cross-sections (m2, in padded slots from ``first``) for one day.

    Face discharges vary linearly along each reach from ``q_in`` to ``q_out``;
    a cell's cross-section is ``Q / v(Q)`` at its mean discharge, with
    ``v = vel_coeff * Q**vel_exp`` (m s-1).
    """
    n_reach = q_in.shape[0]
    for r in range(n_reach):
        s0 = reach_cell_start[r]
        n = reach_cell_start[r + 1] - s0
        dq = (q_out[r] - q_in[r]) / n
        for j in range(n):
            q_mean = q_in[r] + dq * (j + 0.5)
            area = q_mean / (vel_coeff[r] * q_mean ** vel_exp[r])
            xs[first[r] + j] = area
            volume[s0 + j] = area * cell_dx[s0 + j]


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
