"""Numba kernels of the finite-volume transport solver (private).

Everything here takes contiguous numpy arrays and scalars only; the network
layout (topological order, reach -> cell offsets, downstream links) is built
once by :mod:`hydro.network` and the public wrapper is
:func:`hydro.transport.simulate`.

Units inside the kernels are SI: mass g, water m3, time s, flow m3 s-1,
concentration g m-3 (= mg L-1), load g s-1.

Memory layout.  Inside the kernel the cells of every reach are laid out in one
flat *padded* array with a ghost slot before and after each reach
(``[g, c0, c1, ..., g, g, c0, ...]``).  Every per-cell pass is then a plain
stencil over the whole array (no branch, vectorisable); ghost slots carry the
inlet mixture and the downstream neighbour, have zero flow, volume and
conductance, and their mass is never read.  Only the ghost fills are
per-reach work.

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
def padded_positions(reach_cell_start):
    """Padded index of every cell, and of each reach's inlet and outlet ghost slots."""
    n_reach = reach_cell_start.shape[0] - 1
    n_cell = reach_cell_start[n_reach]
    pos = np.empty(n_cell, dtype=np.int64)
    ghost_up = np.empty(n_reach, dtype=np.int64)
    ghost_dn = np.empty(n_reach, dtype=np.int64)
    p = 0
    for r in range(n_reach):
        ghost_up[r] = p
        p += 1
        for i in range(reach_cell_start[r], reach_cell_start[r + 1]):
            pos[i] = p
            p += 1
        ghost_dn[r] = p
        p += 1
    return pos, ghost_up, ghost_dn


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
def simulate_kernel(
    # layout
    reach_cell_start, cell_reach, cell_dx, reach_down_kind, reach_down_index,
    res_down_kind, res_down_index, vel_coeff, vel_exp, reach_dispersion, dispersive_inlet,
    section_cell, point_cell,
    # hydraulics per day
    q_in, q_out, res_volume, res_outflow, res_area,
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

    pos, gup, gdn = padded_positions(reach_cell_start)
    n_pad = n_cell + 2 * n_reach

    # per-day geometry on the padded layout (ghost slots stay zero)
    volume = np.zeros(n_cell)
    inv_v = np.zeros(n_pad)
    fq = np.zeros(n_pad)
    half_lw = np.zeros(n_pad)
    wdraw = np.zeros(n_pad)  # withdrawal rate, m3 s-1 (>= 0)
    cond = np.zeros(n_pad)  # conductance to the next slot inside a reach, m3 s-1
    keep = np.zeros(n_pad)
    # junction faces (last cell of a reach -> first cell of the reach below)
    n_junction = 0
    for r in range(n_reach):
        if reach_down_kind[r] == DOWN_REACH and reach_dispersion[r] > 0.0 \
                and reach_dispersion[reach_down_index[r]] > 0.0:
            n_junction += 1
    j_reach = np.empty(n_junction, dtype=np.int64)
    j_a = np.empty(n_junction, dtype=np.int64)  # padded slot above the junction
    j_b = np.empty(n_junction, dtype=np.int64)  # padded slot below it
    j_cond = np.zeros(n_junction)
    k = 0
    for r in range(n_reach):
        if reach_down_kind[r] == DOWN_REACH and reach_dispersion[r] > 0.0 \
                and reach_dispersion[reach_down_index[r]] > 0.0:
            j_reach[k] = r
            k += 1
    for k in range(n_junction):
        j_a[k] = pos[reach_cell_start[j_reach[k] + 1] - 1]
        j_b[k] = pos[reach_cell_start[reach_down_index[j_reach[k]]]]
    b_cond = np.zeros(n_reach)  # conductance across dispersive inlets
    any_disp = False
    for r in range(n_reach):
        if reach_dispersion[r] > 0.0:
            any_disp = True

    # links feeding each reach inlet from another reach (static topology)
    n_edge = 0
    for r in range(n_reach):
        if reach_down_kind[r] == DOWN_REACH:
            n_edge += 1
    e_src = np.empty(n_edge, dtype=np.int64)
    e_dst = np.empty(n_edge, dtype=np.int64)
    e_pos = np.empty(n_edge, dtype=np.int64)  # padded slot of the source's last cell
    e_q = np.zeros(n_edge)
    k = 0
    for r in range(n_reach):
        if reach_down_kind[r] == DOWN_REACH:
            e_src[k] = r
            e_dst[k] = reach_down_index[r]
            e_pos[k] = pos[reach_cell_start[r + 1] - 1]
            k += 1
    # what the outlet ghost of each reach copies: the first cell below, or its own
    # last cell at the network outlet; reaches ending in a reservoir are listed apart
    dn_src = np.empty(n_reach, dtype=np.int64)
    n_into_res = 0
    for r in range(n_reach):
        if reach_down_kind[r] == DOWN_REACH:
            dn_src[r] = pos[reach_cell_start[reach_down_index[r]]]
        elif reach_down_kind[r] == DOWN_OUTLET:
            dn_src[r] = pos[reach_cell_start[r + 1] - 1]
        else:
            dn_src[r] = pos[reach_cell_start[r + 1] - 1]  # overwritten each sub-step
            n_into_res += 1
    into_res = np.empty(n_into_res, dtype=np.int64)
    k = 0
    for r in range(n_reach):
        if reach_down_kind[r] == DOWN_RESERVOIR:
            into_res[k] = r
            k += 1
    inv_qin = np.zeros(n_reach)
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
    flux_total = np.zeros(n_pad)
    flux = np.zeros(n_pad)
    flux_acc = np.zeros((g_max, n_pad))
    removed_acc = np.zeros((g_max, n_pad))
    withdrawn_acc = np.zeros((g_max, n_pad))
    inflow = np.zeros((g_max, n_reach))
    bflux = np.zeros((g_max, n_reach))
    disp_acc = np.zeros((g_max, n_reach))
    j_acc = np.zeros((g_max, n_junction))
    res_in = np.zeros(n_res)
    res_flux = np.zeros(n_res)
    res_c = np.zeros((g_max, n_res))
    res_out_day = np.zeros((g_max, n_res))
    res_in_day = np.zeros((g_max, n_res))
    res_rm_day = np.zeros((g_max, n_res))
    # lateral loads per slot and tracer (filled each day)
    lat = np.zeros((n_tr, n_pad))

    # initial masses (geometry of day 0)
    _day_geometry(q_in[0], q_out[0], reach_cell_start, cell_dx, vel_coeff, vel_exp, pos, volume)
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
            for t in range(n_tr):
                for r in range(n_reach):
                    acc = 0.0
                    for i in range(reach_cell_start[r], reach_cell_start[r + 1]):
                        acc += mass[t, pos[i]]
                    storage_reach[period, r, t] = acc
                for s in range(n_res):
                    storage_res[period, s, t] = res_mass[s, t]

        # ---- geometry and sub-step of the day ---------------------------------
        _day_geometry(q_in[day], q_out[day], reach_cell_start, cell_dx, vel_coeff, vel_exp,
                      pos, volume)
        dt_max = SECONDS_PER_DAY
        any_withdrawal = False
        for r in range(n_reach):
            inv_qin[r] = 1.0 / q_in[day, r]
            s0 = reach_cell_start[r]
            n = reach_cell_start[r + 1] - s0
            dq = (q_out[day, r] - q_in[day, r]) / n
            if dq < 0.0:
                any_withdrawal = True
            for j in range(n):
                i = s0 + j
                p = pos[i]
                f_out = q_in[day, r] + dq * (j + 1)
                inv_v[p] = 1.0 / volume[i]
                fq[p] = f_out
                wdraw[p] = max(-dq, 0.0)
                leaving = f_out + wdraw[p]
                dt_max = min(dt_max, courant * volume[i] / leaving)
        for k in range(n_edge):
            e_q[k] = q_out[day, e_src[k]]
        if any_disp:
            for p in range(n_pad):
                cond[p] = 0.0
            gsum = np.zeros(n_pad)
            for r in range(n_reach):
                d_r = reach_dispersion[r]
                if d_r <= 0.0:
                    continue
                for i in range(reach_cell_start[r], reach_cell_start[r + 1] - 1):
                    area = 0.5 * (volume[i] / cell_dx[i] + volume[i + 1] / cell_dx[i + 1])
                    g = d_r * area / (0.5 * (cell_dx[i] + cell_dx[i + 1]))
                    cond[pos[i]] = g
                    gsum[pos[i]] += g
                    gsum[pos[i + 1]] += g
                if dispersive_inlet[r]:
                    first = reach_cell_start[r]
                    b_cond[r] = d_r * (volume[first] / cell_dx[first]) / (0.5 * cell_dx[first])
                    gsum[pos[first]] += b_cond[r]
                else:
                    b_cond[r] = 0.0
            for k in range(n_junction):
                r = j_reach[k]
                d = reach_down_index[r]
                a = reach_cell_start[r + 1] - 1
                b = reach_cell_start[d]
                area = 0.5 * (volume[a] / cell_dx[a] + volume[b] / cell_dx[b])
                disp = 0.5 * (reach_dispersion[r] + reach_dispersion[d])
                j_cond[k] = disp * area / (0.5 * (cell_dx[a] + cell_dx[b]))
                gsum[pos[a]] += j_cond[k]
                gsum[pos[b]] += j_cond[k]
            for i in range(n_cell):
                g = gsum[pos[i]]
                if g > 0.0:
                    dt_max = min(dt_max, disp_limit * volume[i] / g)
        n_sub = int(math.ceil(SECONDS_PER_DAY / dt_max - 1e-9))
        if n_sub < 1:
            n_sub = 1
        dt = SECONDS_PER_DAY / n_sub
        out_substeps[day] = n_sub
        for i in range(n_cell):
            p = pos[i]
            half_lw[p] = 0.5 * (1.0 - dt * (fq[p] + wdraw[p]) * inv_v[p])
        for t in range(n_tr):
            for r in range(n_reach):
                n = reach_cell_start[r + 1] - reach_cell_start[r]
                lat_r = lateral_load[day, r, t] / n
                for i in range(reach_cell_start[r], reach_cell_start[r + 1]):
                    lat[t, pos[i]] = lat_r

        # ---- each constituent (its source tags together) through the day -----
        for g in range(n_group):
            t0 = group_start[g]
            n_tag = group_start[g + 1] - t0
            for k in range(n_tag):
                t = t0 + k
                for r in range(n_reach):
                    bflux[k, r] = boundary_flux[day, r, t]
                    disp_acc[k, r] = 0.0
                for j in range(n_junction):
                    j_acc[k, j] = 0.0
                for p in range(n_pad):
                    flux_acc[k, p] = 0.0
                    removed_acc[k, p] = 0.0
                    withdrawn_acc[k, p] = 0.0
                    c[k, p] = mass[t, p] * inv_v[p]
                for s in range(n_res):
                    res_out_day[k, s] = 0.0
                    res_in_day[k, s] = 0.0
                    res_rm_day[k, s] = 0.0
            for r in range(n_reach):
                # tags of one constituent share its removal rate
                keep_r = math.exp(-reach_rate[day, r, t0] * dt)
                for i in range(reach_cell_start[r], reach_cell_start[r + 1]):
                    keep[pos[i]] = keep_r

            for sub in range(n_sub):
                frac = (sub + 0.5) / n_sub
                for k in range(n_tag):
                    t = t0 + k
                    ck = c[k]
                    for s in range(n_res):
                        v_mid = res_volume[day, s] + frac * (res_volume[day + 1, s] - res_volume[day, s])
                        res_c[k, s] = res_mass[s, t] / v_mid
                    # 1. ghost slots: the inlet mixture (what entered in the previous
                    #    sub-step; from the upstream cells at the start of the day)
                    #    and the downstream neighbour
                    if sub == 0:
                        for r in range(n_reach):
                            inflow[k, r] = bflux[k, r]
                        for j in range(n_edge):
                            inflow[k, e_dst[j]] += e_q[j] * ck[e_pos[j]]
                        for s in range(n_res):
                            if res_down_kind[s] == DOWN_REACH:
                                inflow[k, res_down_index[s]] += res_outflow[day, s] * res_c[k, s]
                    for r in range(n_reach):
                        ck[gup[r]] = inflow[k, r] * inv_qin[r]
                        ck[gdn[r]] = ck[dn_src[r]]
                    for j in range(n_into_res):
                        r = into_res[j]
                        ck[gdn[r]] = res_c[k, reach_down_index[r]]
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
                for k in range(n_tag):
                    t = t0 + k
                    ck = c[k]
                    m = mass[t]
                    if n_tag == 1:
                        fk = flux_total
                    else:
                        fk = flux
                        for p in range(n_pad):
                            fk[p] = flux_total[p] * (ck[p] / (c_total[p] + 1e-300))
                    # 3. reservoirs: exact mixed-tank integration
                    for s in range(n_res):
                        res_in[s] = res_load[day, s, t]
                    for j in range(n_into_res):
                        r = into_res[j]
                        res_in[reach_down_index[r]] += fk[gdn[r] - 1]
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
                    # 4. mass entering each reach inlet: the inlet ghost's flux
                    for r in range(n_reach):
                        inflow[k, r] = bflux[k, r]
                    for j in range(n_edge):
                        inflow[k, e_dst[j]] += fk[e_pos[j]]
                    for s in range(n_res):
                        if res_down_kind[s] == DOWN_REACH:
                            inflow[k, res_down_index[s]] += res_flux[s]
                    for r in range(n_reach):
                        fk[gup[r]] = inflow[k, r]
                    if any_withdrawal:
                        for p in range(n_pad):
                            w = dt * wdraw[p] * ck[p]
                            m[p] -= w
                            withdrawn_acc[k, p] += w
                    for j in range(n_pt):
                        m[pos[point_cell[j]]] += dt * point_load[day, j, t]
                    # 5. advective update, a flat stencil.  Ghost slots collect
                    #    meaningless mass that is never read (their inv_v is 0, so
                    #    their concentration stays 0).  Slot 0 is the first reach's
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
                            ck[p] = mp * inv_v[p]
                            facc[p] += dt * fk[p]
                    # 6. dispersion (forward Euler) fused with the removal
                    if any_disp:
                        for j in range(n_junction):
                            a = j_a[j]
                            b = j_b[j]
                            x = dt * j_cond[j] * (ck[a] - ck[b])
                            m[a] -= x
                            m[b] += x
                            j_acc[k, j] += x
                        for j in range(n_dinlet):
                            r = dinlets[j]
                            a = pos[reach_cell_start[r]]
                            x = dt * b_cond[r] * (boundary_conc[day, r, t] - ck[a])
                            m[a] += x
                            disp_acc[k, r] += x
                        cn = c_next[k]
                        for p in range(1, n_pad - 1):
                            after = m[p] + dt * (cond[p - 1] * (ck[p - 1] - ck[p]) + cond[p] * (ck[p + 1] - ck[p]))
                            mp = after * keep[p]
                            m[p] = mp
                            racc[p] += after - mp
                            cn[p] = mp * inv_v[p]
                if any_disp:
                    c, c_next = c_next, c

            # ---- daily outputs and budgets ------------------------------------
            for k in range(n_tag):
                t = t0 + k
                for j in range(n_junction):
                    disp_acc[k, j_reach[j]] -= j_acc[k, j]
                    disp_acc[k, reach_down_index[j_reach[j]]] += j_acc[k, j]
                for r in range(n_reach):
                    s0 = reach_cell_start[r]
                    s1 = reach_cell_start[r + 1]
                    rm = 0.0
                    wd = 0.0
                    for i in range(s0, s1):
                        rm += removed_acc[k, pos[i]]
                        wd += withdrawn_acc[k, pos[i]]
                    out_m = flux_acc[k, pos[s1 - 1]]
                    out_reach_mass[day, r, t] = out_m
                    budget_reach[period, r, B_INFLOW, t] += flux_acc[k, gup[r]]
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
    last_p = period + 1
    for t in range(n_tr):
        for r in range(n_reach):
            acc = 0.0
            for i in range(reach_cell_start[r], reach_cell_start[r + 1]):
                acc += mass[t, pos[i]]
            storage_reach[last_p, r, t] = acc
        for s in range(n_res):
            storage_res[last_p, s, t] = res_mass[s, t]
        for i in range(n_cell):
            out_final_conc[i, t] = mass[t, pos[i]] / volume[i]


@kernel
def _day_geometry(q_in, q_out, reach_cell_start, cell_dx, vel_coeff, vel_exp, pos, volume):
    """Cell volumes (m3) for one day.

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
