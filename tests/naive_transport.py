"""A slow, obvious reference implementation of the transport scheme, for tests only.

It follows the algorithm of :mod:`hydro._transport_kernels` step by step but in
plain Python, reach by reach, with lists instead of a padded flat layout, so
that the compiled kernel can be compared with it on random inputs.  Only the
outputs the tests compare are produced: final cell concentrations, reach outlet
masses per day, reservoir concentrations per day and substeps.
"""

from __future__ import annotations

import math

import numpy as np

DAY = 86400.0


def mc_face(c, c_up, c_dn, half_lw):
    """Face value with the monotonized-central slope, written with if/else."""
    dm, dp = c - c_up, c_dn - c
    if dm * dp <= 0:
        slope = 0.0
    else:
        slope = math.copysign(min(2 * abs(dm), 2 * abs(dp), 0.5 * abs(dm + dp)), dm)
    return c + half_lw * slope


def run(network, tracers, inp, courant=0.9, disp_limit=1.0, groups=None):
    """Transport as the kernel does; returns a dict of arrays."""
    reaches = network.reaches
    res_list = network.reservoirs
    R, S = len(reaches), len(res_list)
    D = inp.q_in.shape[0]
    T = len(tracers)
    groups = groups or [1] * T
    group_of = []
    for g, size in enumerate(groups):
        group_of += [g] * size
    lay = network.layout
    cells = [list(range(lay.reach_cell_start[r], lay.reach_cell_start[r + 1])) for r in range(R)]
    down = {r: (int(lay.reach_down_kind[r]), int(lay.reach_down_index[r])) for r in range(R)}
    res_down = {s: (int(lay.res_down_kind[s]), int(lay.res_down_index[s])) for s in range(S)}
    ups = {r: [u for u in range(R) if down[u] == (1, r)] for r in range(R)}
    res_ups = {s: [u for u in range(R) if down[u] == (2, s)] for s in range(S)}
    res_into = {r: [s for s in range(S) if res_down[s] == (1, r)] for r in range(R)}
    dx = lay.cell_dx
    # main upstream reach of each reach: the one with the most cells in its whole
    # upstream network of reaches (not counted through reservoirs), ties to the
    # lowest index.  The two are one chain in the kernel's layout, so the inlet's
    # upwind value for the limiter is the main upstream reach's last cell; the
    # other inflows enter the first cell as a source.
    up_cells = {}

    def count(r):
        if r not in up_cells:
            up_cells[r] = len(cells[r]) + sum(count(u) for u in ups[r])
        return up_cells[r]

    main_up = {r: (min(ups[r], key=lambda u: (-count(u), u)) if ups[r] else None) for r in range(R)}

    def volumes(day):
        vol = np.zeros(lay.n_cells)
        for r, reach in enumerate(reaches):
            n = len(cells[r])
            dq = (inp.q_out[day, r] - inp.q_in[day, r]) / n
            for j, i in enumerate(cells[r]):
                q = inp.q_in[day, r] + dq * (j + 0.5)
                vol[i] = q / (reach.velocity_coeff * q ** reach.velocity_exp) * dx[i]
        return vol

    vol = volumes(0)
    mass = np.array([[inp.init_conc[i, t] * vol[i] for i in range(lay.n_cells)] for t in range(T)])
    res_mass = np.array([[inp.init_res_conc[s, t] * inp.res_volume[0, s] for s in range(S)] for t in range(T)])
    out_reach = np.zeros((D, R, T))
    out_res_conc = np.zeros((D, S, T))
    substeps = np.zeros(D, dtype=int)
    per_day = 1 / DAY

    for day in range(D):
        vol = volumes(day)
        face_q, wd = np.zeros(lay.n_cells), np.zeros(lay.n_cells)
        dt_max = DAY
        for r in range(R):
            n = len(cells[r])
            dq = (inp.q_out[day, r] - inp.q_in[day, r]) / n
            taken = 0.0 if inp.withdrawal is None else inp.withdrawal[day, r] / n
            for j, i in enumerate(cells[r]):
                face_q[i] = inp.q_in[day, r] + dq * (j + 1)
                wd[i] = taken + max(-(dq + taken), 0.0)  # withdrawn, then any negative lateral flow
                dt_max = min(dt_max, courant * vol[i] / (face_q[i] + wd[i]))
        # dispersive conductances: (a, b, g) with b = None for a concentration inlet
        faces, junctions, inlets = [], [], []
        area = vol / dx
        for r, reach in enumerate(reaches):
            if reach.dispersion_m2_s <= 0:
                continue
            for a, b in zip(cells[r][:-1], cells[r][1:]):
                faces.append((a, b, reach.dispersion_m2_s * 0.5 * (area[a] + area[b]) / (0.5 * (dx[a] + dx[b]))))
            if inp.dispersive_inlet[r]:
                a = cells[r][0]
                inlets.append((r, a, reach.dispersion_m2_s * area[a] / (0.5 * dx[a])))
            if down[r][0] == 1 and reaches[down[r][1]].dispersion_m2_s > 0:
                a, b = cells[r][-1], cells[down[r][1]][0]
                d = 0.5 * (reach.dispersion_m2_s + reaches[down[r][1]].dispersion_m2_s)
                junctions.append((a, b, d * 0.5 * (area[a] + area[b]) / (0.5 * (dx[a] + dx[b]))))
        gsum = np.zeros(lay.n_cells)
        for a, b, g in faces + junctions:
            gsum[a] += g
            gsum[b] += g
        for _, a, g in inlets:
            gsum[a] += g
        for i in range(lay.n_cells):
            if gsum[i] > 0:
                dt_max = min(dt_max, disp_limit * vol[i] / gsum[i])
        n_sub = max(1, math.ceil(DAY / dt_max - 1e-9))
        dt = DAY / n_sub
        substeps[day] = n_sub
        half_lw = 0.5 * (1 - dt * (face_q + wd) / vol)
        any_disp = any(r.dispersion_m2_s > 0 for r in reaches)
        inflow_prev = {}

        for sub in range(n_sub):
            frac = (sub + 0.5) / n_sub
            v_mid = inp.res_volume[day] + frac * (inp.res_volume[day + 1] - inp.res_volume[day])
            conc = mass / vol
            res_c = res_mass / v_mid if S else res_mass
            # ghost values per tracer and reach
            up_ghost = np.zeros((T, R))
            dn_ghost = np.zeros((T, R))
            for t in range(T):
                for r in range(R):
                    if sub == 0:
                        mix = inp.boundary_flux[day, r, t]
                        mix += sum(inp.q_out[day, u] * conc[t, cells[u][-1]] for u in ups[r])
                        mix += sum(inp.res_outflow[day, s] * res_c[t, s] for s in res_into[r])
                        inflow_prev[t, r] = mix
                    # an inlet without water (a river's source) has no mixture:
                    # the first cell's own value stands in (zero gradient)
                    if main_up[r] is not None:
                        up_ghost[t, r] = conc[t, cells[main_up[r]][-1]]
                    else:
                        up_ghost[t, r] = (inflow_prev[t, r] / inp.q_in[day, r] if inp.q_in[day, r] > 0
                                          else conc[t, cells[r][0]])
                    kind, idx = down[r]
                    dn_ghost[t, r] = (conc[t, cells[idx][0]] if kind == 1 else
                                      res_c[t, idx] if kind == 2 else conc[t, cells[r][-1]])
            # total-of-group limiter, tag shares of the upwind cell
            flux = np.zeros((T, lay.n_cells))
            for g, size in enumerate(groups):
                tags = [t for t in range(T) if group_of[t] == g]
                total = conc[tags].sum(axis=0)
                tot_up = up_ghost[tags].sum(axis=0)
                tot_dn = dn_ghost[tags].sum(axis=0)
                for r in range(R):
                    for j, i in enumerate(cells[r]):
                        cu = total[i - 1] if j > 0 else tot_up[r]
                        cd = total[i + 1] if j < len(cells[r]) - 1 else tot_dn[r]
                        f_tot = face_q[i] * mc_face(total[i], cu, cd, half_lw[i])
                        for t in tags:
                            flux[t, i] = f_tot if size == 1 else f_tot * conc[t, i] / (total[i] + 1e-300)
            for t in range(T):
                # reservoirs
                res_flux = np.zeros(S)
                for s in range(S):
                    a_in = inp.res_load[day, s, t] + sum(flux[t, cells[u][-1]] for u in res_ups[s])
                    rate_out = inp.res_outflow[day, s] / v_mid[s]
                    b = rate_out + tracers[t].settling_velocity_m_per_day * per_day * inp.res_area[day, s] / v_mid[s] \
                        + tracers[t].reservoir_removal_per_day * per_day * tracers[t].reservoir_theta ** (inp.res_temp[day, s] - 20)
                    m0 = res_mass[t, s]
                    if b > 0:
                        left = a_in * dt - (m0 - a_in / b) * math.expm1(-b * dt)
                        out = left * rate_out / b
                    else:
                        left = out = 0.0
                    res_mass[t, s] = m0 + a_in * dt - left
                    res_flux[s] = out / dt
                # inflow to every reach inlet
                for r in range(R):
                    inflow_prev[t, r] = (inp.boundary_flux[day, r, t]
                                         + sum(flux[t, cells[u][-1]] for u in ups[r])
                                         + sum(res_flux[s] for s in res_into[r]))
                m = mass[t]
                for i in range(lay.n_cells):
                    m[i] -= dt * wd[i] * conc[t, i]
                for j, cell in enumerate(inp.point_cell):
                    m[cell] += dt * inp.point_load[day, j, t]
                for r in range(R):
                    n = len(cells[r])
                    for j, i in enumerate(cells[r]):
                        into = inflow_prev[t, r] if j == 0 else flux[t, i - 1]
                        m[i] += dt * (into - flux[t, i] + inp.lateral_load[day, r, t] / n)
                    out_reach[day, r, t] += dt * flux[t, cells[r][-1]]
                keep = {r: math.exp(-tracers[t].river_removal_per_day * per_day
                                    * tracers[t].river_theta ** (inp.reach_temp[day, r] - 20) * dt)
                        for r in range(R)}
                if any_disp:
                    c_now = m / vol
                    for a, b, g in junctions:
                        x = dt * g * (c_now[a] - c_now[b])
                        m[a] -= x
                        m[b] += x
                    for r, a, g in inlets:
                        m[a] += dt * g * (inp.boundary_conc[day, r, t] - c_now[a])
                    rate = np.zeros(lay.n_cells)
                    for a, b, g in faces:
                        rate[a] += g * (c_now[b] - c_now[a])
                        rate[b] += g * (c_now[a] - c_now[b])
                    m += dt * rate
                for r in range(R):
                    for i in cells[r]:
                        m[i] *= keep[r]
        for t in range(T):
            for s in range(S):
                out_res_conc[day, s, t] = res_mass[t, s] / inp.res_volume[day + 1, s]
    final = (mass / vol).T
    return {"final": final, "reach_mass": out_reach, "res_conc": out_res_conc, "substeps": substeps}
