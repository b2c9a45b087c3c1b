"""Numba kernels of the finite-volume transport solver (private).

Everything here takes contiguous numpy arrays and scalars only; the network
layout (topological order, reach -> cell offsets, junction faces) is built once
by :mod:`hydro.network` and the public wrapper is :func:`hydro.transport.simulate`.

Units inside the kernels are SI: mass g, water m3, time s, flow m3 s-1,
concentration g m-3 (= mg L-1), load g s-1.

Scheme (per sub-step, Lie splitting; the pieces commute exactly for constant
coefficients, so splitting adds no error in the analytical cases):

1. advection: flux-limited Lax-Wendroff (Sweby 1984) with the van Leer limiter
   written branch-free, on cell outflow faces; lateral water and loads enter
   uniformly along a reach; withdrawals (negative lateral flow) leave at the
   cell concentration.  Positive for a cell Courant number nu <= 1, where nu is
   the water leaving the cell in a sub-step over the cell volume;
2. reservoirs: well-mixed tanks integrated exactly (exponential) over the
   sub-step, with outflow, apparent settling and first-order decay;
3. dispersion: central differences, Heun (SSP-RK2) in time, positive while the
   summed face conductance times dt over the cell volume is <= 1;
4. first-order removal: exact exponential, rate k20 * theta**(T - 20).
"""

from __future__ import annotations

import math

import numpy as np

from hydro._compile import kernel

SECONDS_PER_DAY = 86400.0

# Budget terms (last-but-one axis of the budget arrays), same for reaches and reservoirs.
B_INFLOW = 0  # advective mass from upstream elements and upstream boundaries
B_LATERAL = 1  # lateral (diffuse) loads; direct loads on reservoirs
B_POINT = 2  # point loads
B_OUTFLOW = 3  # advective mass leaving through the element outlet
B_REMOVAL = 4  # first-order decay and apparent settling
B_WITHDRAWAL = 5  # mass leaving with withdrawn water (negative lateral flow)
B_DISPERSION = 6  # net dispersive exchange into the element (incl. boundaries)
N_BUDGET_TERMS = 7

# Downstream kinds.
DOWN_OUTLET = 0
DOWN_REACH = 1
DOWN_RESERVOIR = 2


@kernel
def _limited_face(c, c_up, c_down, nu):
    """Face value of a cell's outflow face: van Leer limited Lax-Wendroff.

    ``0.5 (1 - nu) phi(r) (c_down - c)`` with van Leer's phi, written as the
    harmonic-mean slope ``(d- |d+| + |d-| d+) / (|d-| + |d+|)`` which is zero when
    the two differences have opposite signs and needs no branch.
    """
    dm = c - c_up
    dp = c_down - c
    den = abs(dm) + abs(dp)
    slope = (dm * abs(dp) + abs(dm) * dp) / (den + 1e-300)
    return c + 0.5 * (1.0 - nu) * slope


@kernel
def _cell_geometry(q_in, q_out, reach_cell_start, cell_dx, vel_coeff, vel_exp,
                   volume, face_q, lateral_q):
    """Cell volumes, outflow-face discharges and lateral flows for one day.

    Face discharges vary linearly along each reach from ``q_in`` to ``q_out``;
    each cell's cross-section is ``Q / v(Q)`` at its mean discharge with
    ``v = vel_coeff * Q**vel_exp`` (m s-1).
    """
    n_reach = q_in.shape[0]
    for r in range(n_reach):
        c0 = reach_cell_start[r]
        n = reach_cell_start[r + 1] - c0
        dq = (q_out[r] - q_in[r]) / n
        for j in range(n):
            i = c0 + j
            f_in = q_in[r] + dq * j
            f_out = q_in[r] + dq * (j + 1)
            q_mean = 0.5 * (f_in + f_out)
            area = q_mean / (vel_coeff[r] * q_mean ** vel_exp[r])
            volume[i] = area * cell_dx[i]
            face_q[i] = f_out
            lateral_q[i] = dq


@kernel
def _step_limit(volume, face_q, lateral_q, face_left, face_right, face_g, courant, disp_limit):
    """Largest stable sub-step (s) for the Courant and dispersion limits."""
    n_cell = volume.shape[0]
    dt = SECONDS_PER_DAY
    for i in range(n_cell):
        leaving = face_q[i] + max(-lateral_q[i], 0.0)
        if leaving > 0.0:
            dt = min(dt, courant * volume[i] / leaving)
    if face_g.shape[0] > 0:
        gsum = np.zeros(n_cell)
        for f in range(face_g.shape[0]):
            gsum[face_left[f]] += face_g[f]
            if face_right[f] >= 0:
                gsum[face_right[f]] += face_g[f]
        for i in range(n_cell):
            if gsum[i] > 0.0:
                dt = min(dt, disp_limit * volume[i] / gsum[i])
    return dt


@kernel
def _dispersion_rates(conc, face_left, face_right, face_g, bc_conc_face, out):
    """Dispersive mass rates (g s-1) into every cell for concentrations ``conc``."""
    out[:, :] = 0.0
    n_tr = conc.shape[1]
    for f in range(face_g.shape[0]):
        a = face_left[f]
        b = face_right[f]
        g = face_g[f]
        if b >= 0:
            for t in range(n_tr):
                flux = g * (conc[a, t] - conc[b, t])
                out[a, t] -= flux
                out[b, t] += flux
        else:
            for t in range(n_tr):
                out[a, t] += g * (bc_conc_face[f, t] - conc[a, t])


@kernel
def simulate_kernel(
    # layout
    reach_cell_start, cell_reach, cell_dx, reach_down_kind, reach_down_index,
    res_down_kind, res_down_index, vel_coeff, vel_exp,
    face_left, face_right, face_kind, face_dispersion, face_dist,
    section_cell, point_cell,
    # hydraulics per day
    q_in, q_out, res_volume, res_outflow, res_area,
    # loads and boundaries per day (g s-1), temperatures (deg C)
    boundary_flux, boundary_conc, lateral_load, point_load, res_load,
    reach_temp, res_temp,
    # process parameters per tracer
    k20_river, theta_river, k20_res, theta_res, settling_m_s,
    # initial state
    init_conc, init_res_conc, courant, disp_limit, period_of_day,
    # outputs
    out_reach_mass, out_section_mass, out_res_conc, out_res_outmass,
    out_substeps, budget_reach, budget_res, storage_reach, storage_res,
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
    face_left, face_right : (F,) int  cells either side of each dispersive face
        (``face_right = -1``: a concentration boundary at the inlet of face_left)
    face_kind : (F,) int  0 inside a reach, 1 between reaches, 2 boundary
    face_dispersion : (F,) float  dispersion coefficient, m2 s-1
    face_dist : (F,) float  distance between the cell centres, m
    section_cell : (K,) int  cell whose outflow face each section sits on
    point_cell : (P,) int  cell receiving each point load
    q_in, q_out : (D, R) float  discharge at each reach inlet and outlet, m3 s-1
    res_volume : (D+1, S) float  reservoir volume at the start of each day, m3
    res_outflow, res_area : (D, S) float  outflow (m3 s-1), surface area (m2)
    boundary_flux : (D, R, T) float  advective mass into each reach inlet from
        outside the network, g s-1
    boundary_conc : (D, R, T) float  boundary concentration for dispersive
        exchange at concentration inlets, g m-3
    lateral_load : (D, R, T) float  lateral loads, g s-1
    point_load : (D, P, T) float  point loads, g s-1
    res_load : (D, S, T) float  direct loads on reservoirs, g s-1
    reach_temp, res_temp : (D, R), (D, S) float  water temperature, deg C
    k20_river, theta_river, k20_res, theta_res : (T,) float  removal rate at
        20 deg C (s-1) and its temperature factor, in rivers and reservoirs
    settling_m_s : (T,) float  apparent settling velocity in reservoirs, m s-1
    init_conc : (N, T), init_res_conc : (S, T)  initial concentrations, g m-3
    courant, disp_limit : float  sub-step limits
    period_of_day : (D,) int  budget period of each day (e.g. year index)

    Outputs (filled in place)
    -------------------------
    out_reach_mass : (D, R, T)  mass through each reach outlet in the day, g
    out_section_mass : (D, K, T)  mass through each section in the day, g
    out_res_conc : (D, S, T)  reservoir concentration at the end of the day, g m-3
    out_res_outmass : (D, S, T)  mass leaving each reservoir in the day, g
    out_substeps : (D,) int  sub-steps taken each day
    budget_reach, budget_res : (P, R|S, 7, T)  budget terms per period, g
    storage_reach, storage_res : (P+1, R|S, T)  mass stored at period starts, g
    """
    n_day = q_in.shape[0]
    n_reach = q_in.shape[1]
    n_cell = cell_dx.shape[0]
    n_res = res_outflow.shape[1]
    n_tr = init_conc.shape[1]
    n_face = face_left.shape[0]
    n_sec = section_cell.shape[0]
    n_pt = point_cell.shape[0]

    volume = np.empty(n_cell)
    face_q = np.empty(n_cell)
    lateral_q = np.empty(n_cell)
    face_g = np.empty(n_face)
    mass = np.empty((n_cell, n_tr))
    conc = np.empty((n_cell, n_tr))
    flux = np.empty((n_cell, n_tr))  # advective outflow-face flux, g s-1
    inflow = np.zeros((n_reach, n_tr))  # advective mass rate into reach inlets
    res_in = np.zeros((n_res, n_tr))
    res_mass = np.empty((n_res, n_tr))
    res_flux = np.zeros((n_res, n_tr))  # reservoir outflow mass rate in a sub-step
    ghost_up = np.empty((n_reach, n_tr))
    k1 = np.empty((n_cell, n_tr))
    k2 = np.empty((n_cell, n_tr))
    conc_star = np.empty((n_cell, n_tr))
    bc_face = np.zeros((n_face, n_tr))

    # initial masses
    _cell_geometry(q_in[0], q_out[0], reach_cell_start, cell_dx, vel_coeff, vel_exp,
                   volume, face_q, lateral_q)
    for i in range(n_cell):
        for t in range(n_tr):
            mass[i, t] = init_conc[i, t] * volume[i]
    for s in range(n_res):
        for t in range(n_tr):
            res_mass[s, t] = init_res_conc[s, t] * res_volume[0, s]

    period = -1
    for day in range(n_day):
        # ---- storage at period starts -------------------------------------
        if period_of_day[day] != period:
            period = period_of_day[day]
            for r in range(n_reach):
                for t in range(n_tr):
                    acc = 0.0
                    for i in range(reach_cell_start[r], reach_cell_start[r + 1]):
                        acc += mass[i, t]
                    storage_reach[period, r, t] = acc
            for s in range(n_res):
                for t in range(n_tr):
                    storage_res[period, s, t] = res_mass[s, t]

        # ---- geometry of the day ------------------------------------------
        _cell_geometry(q_in[day], q_out[day], reach_cell_start, cell_dx, vel_coeff, vel_exp,
                       volume, face_q, lateral_q)
        for f in range(n_face):
            a = face_left[f]
            b = face_right[f]
            area_a = volume[a] / cell_dx[a]
            if b >= 0:
                area = 0.5 * (area_a + volume[b] / cell_dx[b])
            else:
                area = area_a
                for t in range(n_tr):
                    bc_face[f, t] = boundary_conc[day, cell_reach[a], t]
            face_g[f] = face_dispersion[f] * area / face_dist[f]
        dt_max = _step_limit(volume, face_q, lateral_q, face_left, face_right, face_g,
                             courant, disp_limit)
        n_sub = int(math.ceil(SECONDS_PER_DAY / dt_max - 1e-9))
        if n_sub < 1:
            n_sub = 1
        dt = SECONDS_PER_DAY / n_sub
        out_substeps[day] = n_sub

        for sub in range(n_sub):
            frac = (sub + 0.5) / n_sub
            # ---- concentrations and inlet ghosts --------------------------
            for i in range(n_cell):
                for t in range(n_tr):
                    conc[i, t] = mass[i, t] / volume[i]
            for r in range(n_reach):
                for t in range(n_tr):
                    ghost_up[r, t] = 0.0
            for u in range(n_reach):
                if reach_down_kind[u] == DOWN_REACH:
                    d = reach_down_index[u]
                    last = reach_cell_start[u + 1] - 1
                    for t in range(n_tr):
                        ghost_up[d, t] += q_out[day, u] * conc[last, t]
            for s in range(n_res):
                if res_down_kind[s] == DOWN_REACH:
                    d = res_down_index[s]
                    v_s = res_volume[day, s] + frac * (res_volume[day + 1, s] - res_volume[day, s])
                    for t in range(n_tr):
                        ghost_up[d, t] += res_outflow[day, s] * res_mass[s, t] / v_s
            for r in range(n_reach):
                for t in range(n_tr):
                    # flow-weighted mix of everything entering the inlet
                    ghost_up[r, t] = (ghost_up[r, t] + boundary_flux[day, r, t]) / q_in[day, r]

            # ---- advective face fluxes (old state) ------------------------
            for r in range(n_reach):
                c0 = reach_cell_start[r]
                c1 = reach_cell_start[r + 1]
                for i in range(c0, c1):
                    leaving = face_q[i] + max(-lateral_q[i], 0.0)
                    nu = dt * leaving / volume[i]
                    for t in range(n_tr):
                        c_up = conc[i - 1, t] if i > c0 else ghost_up[r, t]
                        if i < c1 - 1:
                            c_dn = conc[i + 1, t]
                        elif reach_down_kind[r] == DOWN_REACH:
                            c_dn = conc[reach_cell_start[reach_down_index[r]], t]
                        elif reach_down_kind[r] == DOWN_RESERVOIR:
                            s = reach_down_index[r]
                            c_dn = res_mass[s, t] / res_volume[day, s]
                        else:
                            c_dn = conc[i, t]
                        flux[i, t] = face_q[i] * _limited_face(conc[i, t], c_up, c_dn, nu)

            # ---- reservoirs: exact mixed-tank integration -----------------
            for s in range(n_res):
                for t in range(n_tr):
                    res_in[s, t] = res_load[day, s, t]
            for u in range(n_reach):
                if reach_down_kind[u] == DOWN_RESERVOIR:
                    s = reach_down_index[u]
                    last = reach_cell_start[u + 1] - 1
                    for t in range(n_tr):
                        res_in[s, t] += flux[last, t]
            for s in range(n_res):
                v_mid = res_volume[day, s] + frac * (res_volume[day + 1, s] - res_volume[day, s])
                q_o = res_outflow[day, s]
                for t in range(n_tr):
                    k_t = k20_res[t] * theta_res[t] ** (res_temp[day, s] - 20.0)
                    rate_out = q_o / v_mid
                    rate_rm = settling_m_s[t] * res_area[day, s] / v_mid + k_t
                    b = rate_out + rate_rm
                    a_in = res_in[s, t]
                    m0 = res_mass[s, t]
                    # dM/dt = a - b M with a, b constant over the sub-step:
                    # M1 = M_eq + (M0 - M_eq) exp(-b dt); what left is split
                    # between outflow and removal in proportion to their rates,
                    # so the tank's budget closes by construction.
                    if b > 0.0:
                        m_eq = a_in / b
                        e = math.expm1(-b * dt)  # exp(-b dt) - 1, precise for small b dt
                        left = a_in * dt - (m0 - m_eq) * e
                        m1 = m0 + a_in * dt - left
                        out_m = left * (rate_out / b)
                        rm_m = left - out_m
                    else:
                        m1 = m0 + a_in * dt
                        out_m = 0.0
                        rm_m = 0.0
                    res_mass[s, t] = m1
                    res_flux[s, t] = out_m / dt
                    p = period
                    budget_res[p, s, B_LATERAL, t] += res_load[day, s, t] * dt
                    budget_res[p, s, B_INFLOW, t] += (a_in - res_load[day, s, t]) * dt
                    budget_res[p, s, B_OUTFLOW, t] += out_m
                    budget_res[p, s, B_REMOVAL, t] += rm_m
                    out_res_outmass[day, s, t] += out_m

            # ---- inflows into reach inlets --------------------------------
            for r in range(n_reach):
                for t in range(n_tr):
                    inflow[r, t] = boundary_flux[day, r, t]
            for u in range(n_reach):
                if reach_down_kind[u] == DOWN_REACH:
                    d = reach_down_index[u]
                    last = reach_cell_start[u + 1] - 1
                    for t in range(n_tr):
                        inflow[d, t] += flux[last, t]
            for s in range(n_res):
                if res_down_kind[s] == DOWN_REACH:
                    d = res_down_index[s]
                    for t in range(n_tr):
                        inflow[d, t] += res_flux[s, t]

            # ---- advective update of reach cells --------------------------
            for r in range(n_reach):
                c0 = reach_cell_start[r]
                c1 = reach_cell_start[r + 1]
                n = c1 - c0
                p = period
                for i in range(c0, c1):
                    w = max(-lateral_q[i], 0.0)
                    for t in range(n_tr):
                        into = inflow[r, t] if i == c0 else flux[i - 1, t]
                        lat = lateral_load[day, r, t] / n
                        withdraw = w * conc[i, t]
                        mass[i, t] += dt * (into - flux[i, t] + lat - withdraw)
                        budget_reach[p, r, B_LATERAL, t] += dt * lat
                        budget_reach[p, r, B_WITHDRAWAL, t] += dt * withdraw
                for t in range(n_tr):
                    budget_reach[p, r, B_INFLOW, t] += dt * inflow[r, t]
                    out_m = dt * flux[c1 - 1, t]
                    budget_reach[p, r, B_OUTFLOW, t] += out_m
                    out_reach_mass[day, r, t] += out_m
            for k in range(n_sec):
                i = section_cell[k]
                for t in range(n_tr):
                    out_section_mass[day, k, t] += dt * flux[i, t]
            for j in range(n_pt):
                i = point_cell[j]
                r = cell_reach[i]
                for t in range(n_tr):
                    mass[i, t] += dt * point_load[day, j, t]
                    budget_reach[period, r, B_POINT, t] += dt * point_load[day, j, t]

            # ---- dispersion (Heun) ----------------------------------------
            if n_face > 0:
                for i in range(n_cell):
                    for t in range(n_tr):
                        conc[i, t] = mass[i, t] / volume[i]
                _dispersion_rates(conc, face_left, face_right, face_g, bc_face, k1)
                for i in range(n_cell):
                    for t in range(n_tr):
                        conc_star[i, t] = (mass[i, t] + dt * k1[i, t]) / volume[i]
                _dispersion_rates(conc_star, face_left, face_right, face_g, bc_face, k2)
                for f in range(n_face):
                    if face_kind[f] == 0:
                        continue
                    a = face_left[f]
                    b = face_right[f]
                    for t in range(n_tr):
                        if b >= 0:
                            m_ab = 0.5 * dt * face_g[f] * (
                                (conc[a, t] - conc[b, t]) + (conc_star[a, t] - conc_star[b, t]))
                            budget_reach[period, cell_reach[a], B_DISPERSION, t] -= m_ab
                            budget_reach[period, cell_reach[b], B_DISPERSION, t] += m_ab
                        else:
                            m_in = 0.5 * dt * face_g[f] * (
                                (bc_face[f, t] - conc[a, t]) + (bc_face[f, t] - conc_star[a, t]))
                            budget_reach[period, cell_reach[a], B_DISPERSION, t] += m_in
                for i in range(n_cell):
                    for t in range(n_tr):
                        mass[i, t] += 0.5 * dt * (k1[i, t] + k2[i, t])

            # ---- first-order removal (exact) ------------------------------
            for r in range(n_reach):
                temp_factor = reach_temp[day, r] - 20.0
                for t in range(n_tr):
                    keep = math.exp(-k20_river[t] * theta_river[t] ** temp_factor * dt)
                    lost = 0.0
                    for i in range(reach_cell_start[r], reach_cell_start[r + 1]):
                        m_lost = mass[i, t] * (1.0 - keep)
                        mass[i, t] -= m_lost
                        lost += m_lost
                    budget_reach[period, r, B_REMOVAL, t] += lost

        for s in range(n_res):
            for t in range(n_tr):
                out_res_conc[day, s, t] = res_mass[s, t] / res_volume[day + 1, s]

    # storage at the end of the last period
    last_p = period + 1
    for r in range(n_reach):
        for t in range(n_tr):
            acc = 0.0
            for i in range(reach_cell_start[r], reach_cell_start[r + 1]):
                acc += mass[i, t]
            storage_reach[last_p, r, t] = acc
    for s in range(n_res):
        for t in range(n_tr):
            storage_res[last_p, s, t] = res_mass[s, t]


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
