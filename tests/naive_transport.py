"""A slow, obvious reference implementation of the transport scheme, for tests only.

It follows :mod:`hydro._transport_kernels` one function per kernel, in plain
Python, reach by reach, with lists and dicts instead of the padded flat layout,
so that the compiled kernel can be compared with it on random inputs:

===============================  =====================================
kernel                           here
===============================  =====================================
``static_layout``                :func:`static_layout`
``day_hydraulics``               :func:`day_hydraulics`
``fill_ghosts`` + limiter        :func:`face_fluxes`
``reservoir_tanks``             the reservoirs' part of :func:`run`
``tank_*`` (three kernels)       :func:`reservoir_step`
``tank_pieces``, pieces loop     :func:`tank_pieces`, the pieces loop in :func:`run`
``advect`` (withdrawals in it)   :func:`advect`
``disperse`` (removal in it)     :func:`disperse` (:func:`dispersion_rate`)
``_inlet_split`` (``_one``)      :func:`inlet_split`
``reaction_propagators``         :func:`propagator` (scipy's ``expm``)
``react``                        :func:`react`
``day_outputs``                  the end of :func:`run`
===============================  =====================================

The kernels take every tag of a group in one call (``advect``, ``disperse``,
``day_outputs``) and ``react`` runs species by species along the slots; here
each tag and cell is handled on its own, which is the same arithmetic.  The
kernels' tank step is split in three (``tank_tau``, ``tank_coefficients``,
``tank_apply``) so tags share what does not depend on their mass, and a group
of one tag has its own flux-inlet split (``_inlet_split_one``, its bound written
as selects); both compute what :func:`reservoir_step` and :func:`inlet_split`
compute here.

Only the outputs the tests compare are produced: final cell concentrations,
reach outlet and section masses per day, reservoir concentrations per day and
sub-steps.
"""

from __future__ import annotations

import math

import numpy as np

DAY = 86400.0
MIN_VOLUME_SHARE = 0.1
TINY = 1e-250


def mc_face(c, c_up, c_dn, half_lw):
    """Face value with the monotonized-central slope, written with if/else."""
    dm, dp = c - c_up, c_dn - c
    if dm * dp <= 0:
        slope = 0.0
    else:
        slope = math.copysign(min(2 * abs(dm), 2 * abs(dp), 0.5 * abs(dm + dp)), dm)
    return c + half_lw * slope


def static_layout(network):
    """Cells of each reach, links, main upstream reaches and the dispersive faces."""
    lay = network.layout
    R, S = len(network.reaches), len(network.reservoirs)
    cells = [list(range(lay.reach_cell_start[r], lay.reach_cell_start[r + 1])) for r in range(R)]
    down = {r: (int(lay.reach_down_kind[r]), int(lay.reach_down_index[r])) for r in range(R)}
    res_down = {s: (int(lay.res_down_kind[s]), int(lay.res_down_index[s])) for s in range(S)}
    ups = {r: [u for u in range(R) if down[u] == (1, r)] for r in range(R)}
    res_ups = {s: [u for u in range(R) if down[u] == (2, s)] for s in range(S)}
    res_into = {r: [s for s in range(S) if res_down[s] == (1, r)] for r in range(R)}
    # main upstream reach: the one with the most cells in its whole upstream
    # network of reaches, ties to the lowest reach_rank, the reach ids' order (one chain in the kernel)
    up_cells = {}

    def count(r):
        if r not in up_cells:
            up_cells[r] = len(cells[r]) + sum(count(u) for u in ups[r])
        return up_cells[r]

    main_up = {r: (min(ups[r], key=lambda u: (-count(u), int(lay.reach_rank[u]))) if ups[r] else None)
               for r in range(R)}
    return dict(cells=cells, down=down, res_down=res_down, ups=ups, res_ups=res_ups, res_into=res_into,
                main_up=main_up)


def initial_volumes(network, inp, lateral):
    """Volume of each cell at the start: the level that best matches the geometry (median offset)."""
    lay = network.layout
    D = inp.q_in.shape[0]
    vol = np.zeros(lay.n_cells)
    shares = np.zeros(lay.n_cells)
    for r, reach in enumerate(network.reaches):
        cells = list(range(lay.reach_cell_start[r], lay.reach_cell_start[r + 1]))
        n = len(cells)
        gained, offsets, lowest = 0.0, [], 0.0
        geo = np.zeros((D, n))
        for d in range(D):
            net_water = (inp.q_in[d, r] - inp.q_out[d, r] + lateral[d, r]) * DAY
            for j, i in enumerate(cells):
                q = inp.q_in[d, r] + (inp.q_out[d, r] - inp.q_in[d, r]) * (j + 0.5) / n
                geo[d, j] = lay.cell_dx[i] * q / (reach.velocity_coeff * q ** reach.velocity_exp)
            offsets.append(geo[d].sum() - (gained + 0.5 * net_water))
            gained += net_water
            lowest = min(lowest, gained)
        level = float(np.median(offsets))
        share = geo.sum(axis=0) / geo.sum()
        level += max(MIN_VOLUME_SHARE * float(np.median(geo.sum(axis=1))) - (level + lowest), 0.0)
        for j, i in enumerate(cells):
            vol[i] = share[j] * level
            shares[i] = share[j]
    return vol, shares


def day_hydraulics(network, L, inp, day, vol0, share, lateral, loss, courant, disp_limit, dispersive_inlet):
    """Face flows, volume rates, conductances and the sub-step of one day."""
    reaches = network.reaches
    dx = network.layout.cell_dx
    n_cell = len(vol0)
    fq, wd, rate = np.zeros(n_cell), np.zeros(n_cell), np.zeros(n_cell)
    vmin, xs = np.zeros(n_cell), np.zeros(n_cell)
    dt_max = DAY
    for r in range(len(reaches)):
        through = 0.0
        for j, i in enumerate(L["cells"][r]):
            through = 1.0 if j == len(L["cells"][r]) - 1 else through + share[i]
            fq[i] = inp.q_in[day, r] + (inp.q_out[day, r] - inp.q_in[day, r]) * through
            wd[i] = loss[day, r] * share[i]
            rate[i] = (inp.q_in[day, r] - inp.q_out[day, r] + lateral[day, r]) * share[i]
            v_end = vol0[i] + DAY * rate[i]
            vmin[i] = min(vol0[i], v_end)
            xs[i] = 0.5 * (vol0[i] + v_end) / dx[i]
            if fq[i] + wd[i] > 0:
                dt_max = min(dt_max, courant * vmin[i] / (fq[i] + wd[i]))
    # dispersive faces (a, b, g): inside reaches and across junctions; inlets (r, a, g)
    faces, junctions, inlets = [], [], []
    for r, reach in enumerate(reaches):
        if reach.dispersion_m2_s <= 0:
            continue
        cells = L["cells"][r]
        for a, b in zip(cells[:-1], cells[1:]):
            faces.append((a, b, reach.dispersion_m2_s * 0.5 / (0.5 * (dx[a] + dx[b])) * (xs[a] + xs[b])))
        if dispersive_inlet[r]:
            a = cells[0]
            inlets.append((r, a, reach.dispersion_m2_s * xs[a] / (0.5 * dx[a])))
        kind, d = L["down"][r]
        if kind == 1 and reaches[d].dispersion_m2_s > 0:
            a, b = cells[-1], L["cells"][d][0]
            # main stem or side tributary alike: the mouth's area (the upstream
            # cell's), the two half-cells in series (Patankar 1980, section 4.2-3)
            g = xs[a] / (0.5 * dx[a] / reach.dispersion_m2_s + 0.5 * dx[b] / reaches[d].dispersion_m2_s)
            junctions.append((r, a, b, g))
    gsum = np.zeros(n_cell)
    for a, b, g in faces:
        gsum[a] += g
        gsum[b] += g
    for _, a, b, g in junctions:
        gsum[a] += g
        gsum[b] += g
    for _, a, g in inlets:
        gsum[a] += g
    # flux (Danckwerts) inlets of chain heads: conductance H = Q g / (Q + g) of the
    # dispersive part of the inflow, g = D A / (dx/2)
    heads = {}
    for r, reach in enumerate(reaches):
        q = inp.q_in[day, r]
        if L["main_up"][r] is None and reach.dispersion_m2_s > 0 and not dispersive_inlet[r] and q > 0:
            a = L["cells"][r][0]
            g = reach.dispersion_m2_s * xs[a] / (0.5 * dx[a])
            if g > 0:
                heads[r] = (a, q * g / (q + g))
                gsum[a] += heads[r][1]
    for i in range(n_cell):
        if gsum[i] > 0:
            dt_max = min(dt_max, disp_limit * vmin[i] / gsum[i])
    n_sub = max(1, math.ceil(DAY / dt_max - 1e-9))
    dt = DAY / n_sub
    half_lw = 0.5 * (1 - dt * (fq + wd) / vmin)
    return dict(fq=fq, wd=wd, rate=rate, faces=faces, junctions=junctions, inlets=inlets, heads=heads,
                n_sub=n_sub, dt=dt, half_lw=half_lw, half_lw_h=0.25 + 0.5 * half_lw)


def face_fluxes(network, L, H, conc, tags, up_mix, res_c, day, inp, lw):
    """Outflow-face flux (g/s) of every cell and tag: the group's limited flux, split by shares."""
    reaches = network.reaches
    total = sum(conc[t] for t in tags)
    flux = {t: np.zeros(len(total)) for t in tags}
    for r in range(len(reaches)):
        cells = L["cells"][r]
        mu = L["main_up"][r]
        if mu is not None:
            cu0 = total[L["cells"][mu][-1]]
        elif inp.q_in[day, r] > 0:
            cu0 = sum(up_mix[t, r] for t in tags) / inp.q_in[day, r]
        else:
            cu0 = total[cells[0]]
        kind, idx = L["down"][r]
        cd_last = (total[L["cells"][idx][0]] if kind == 1 else
                   sum(res_c[t, idx] for t in tags) if kind == 2 else total[cells[-1]])
        for j, i in enumerate(cells):
            cu = total[i - 1] if j > 0 else cu0
            cd = total[i + 1] if j < len(cells) - 1 else cd_last
            f_tot = H["fq"][i] * mc_face(total[i], cu, cd, lw[i])
            for t in tags:
                flux[t][i] = f_tot if len(tags) == 1 else f_tot / (total[i] + 1e-300) * conc[t][i]
    return flux


def reservoir_step(m0, a_in, v0, v1, q_out, settling_area, rate, dt):
    """Exact tank in a linearly varying volume (see the kernel's docstring)."""
    x = (v1 - v0) / v0
    tau = dt * math.log1p(x) / (x * v0) if abs(x) > 1e-12 else dt / v0 * (1 - 0.5 * x)
    removal = settling_area + rate * 0.5 * (v0 + v1)
    o = q_out + removal
    beta = (v1 - v0) / dt + o
    c0 = m0 / v0
    if beta * tau > 1e-8:
        c_eq = a_in / beta
        h = -math.expm1(-o * tau) / o if o * tau > 1e-300 else tau
        integral = c_eq * dt + (c0 - c_eq) * v0 * h
    else:
        g = -math.expm1(-beta * tau) / beta if abs(beta * tau) > 1e-300 else tau
        c1 = c0 + (a_in - beta * c0) * g
        if m0 >= 0.0 and a_in >= 0.0:  # (held at 0 only against round-off: linear in the tags otherwise)
            c1 = max(c1, 0.0)
        integral = (m0 + a_in * dt - c1 * v1) / o if o > 0 else 0.0
    if m0 >= 0.0 and a_in >= 0.0:
        integral = max(integral, 0.0)
    return m0 + a_in * dt - (q_out + removal) * integral, q_out * integral, integral


def removal_flow(tracer, inp, day, s):
    """The water whose load a tracer loses in a tank, m3 s-1 (the kernel's ``tank_removal_flow``): settling over
    the day's surface, and the water the surface evaporates for a tracer of the water itself."""
    flow = tracer.settling_velocity_m_per_day * (1.0 / DAY) * inp.res_area[day, s]  # as the kernel: * s-1
    if tracer.evaporates and inp.res_evaporation is not None:
        flow += inp.res_evaporation[day, s]
    return flow


def tank_pieces(tracers, by_species, rx, rate, temp, inp, day, s, v0, v1, tau):
    """Pieces a reservoir's step is cut into for a group with species (the kernel's ``tank_pieces``)."""
    if not any(b >= 0 and x.reservoir_rate_per_day > 0 for a, b, x in rx):
        return 1
    lam = 0.0
    for q, tags_q in enumerate(by_species):
        tr = tracers[tags_q[0]]
        k = rate(tr.reservoir_removal_per_day, tr.reservoir_theta, temp)
        k += sum(rate(x.reservoir_rate_per_day, x.reservoir_theta, temp) for a, b, x in rx if a == q)
        lam = max(lam, k + removal_flow(tr, inp, day, s) / min(v0, v1))
    lam += (abs(v1 - v0) / tau + inp.res_outflow[day, s]) / min(v0, v1)
    return max(1, min(math.ceil(lam * tau / 0.02), 256))


def propagator(sink, rx, dt):
    """``exp(K dt)`` for species sinks ``sink`` (s-1) and reactions ``rx`` [(from, to, rate s-1)]."""
    from scipy.linalg import expm

    K = -np.diag(np.asarray(sink, dtype=float))
    for a, b, k in rx:
        K[a, a] -= k
        if b >= 0:
            K[b, a] += k
    return expm(K * dt)


def react(mass, conc, P, cells, tags_by_species, vol_end):
    """Every cell, every source: the species vector times the reach's propagator ``P[r]``."""
    n_src = len(tags_by_species[0])
    for r, cell_list in enumerate(cells):
        for i in cell_list:
            for j in range(n_src):
                x = np.array([mass[sp[j], i] for sp in tags_by_species])
                y = P[r] @ x
                for s, sp in enumerate(tags_by_species):
                    mass[sp[j], i] = y[s]
                    conc[sp[j]][i] = y[s] / vol_end[i]


def advect(network, L, H, m, c_t, flux_t, inflow, lat_t, vol_end, dt):
    """Withdrawals, then the advective update of one tracer: every cell gains its inflow face and loses its outflow."""
    for i in range(len(m)):
        m[i] -= dt * H["wd"][i] * c_t[i]
    for r in range(len(network.reaches)):
        cells = L["cells"][r]
        mu = L["main_up"][r]
        for j, i in enumerate(cells):
            into = flux_t[i - 1] if j > 0 else (flux_t[L["cells"][mu][-1]] if mu is not None else inflow[r])
            m[i] = m[i] + dt * (into - flux_t[i] + lat_t[i])
            c_t[i] = m[i] / vol_end[i]


def dispersion_rate(H, c, bconc, cin):
    """Net dispersive mass rate into every cell (g/s) at concentrations ``c``, the junction fluxes and
    the flux inlets' dispersive inflow (g/s per head reach; ``cin`` their inflow concentrations)."""
    rate = np.zeros(len(c))
    junction = {}
    head_in = {}
    for r, (a, h) in H["heads"].items():
        head_in[r] = h * (cin[r] - c[a])
        rate[a] += head_in[r]
    for r, a, b, g in H["junctions"]:
        x = g * (c[a] - c[b])
        rate[a] -= x
        rate[b] += x
        junction[r] = x
    for r, a, g in H["inlets"]:
        rate[a] += g * (bconc[r] - c[a])
    for a, b, g in H["faces"]:
        x = g * (c[a] - c[b])
        rate[a] -= x
        rate[b] += x
    return rate, junction, head_in


def disperse(H, m, c_t, bconc, keep, vol_now, dt, sec_faces, sec_acc, out_disp, cin):
    """Heun's method over dt (two forward Euler stages), then removal by ``keep``.

    Returns the mass each flux inlet's dispersive part brought in (g per head reach)."""
    c0 = c_t.copy()
    r0, j0, h0 = dispersion_rate(H, c0, bconc, cin)
    m1 = m + dt * r0
    c1 = m1 / vol_now
    r1, j1, h1 = dispersion_rate(H, c1, bconc, cin)
    for r in j0:
        out_disp[r] += 0.5 * dt * (j0[r] + j1[r])
    for k, (a, b, g) in sec_faces.items():
        sec_acc[k] += 0.5 * dt * g * ((c0[a] - c0[b]) + (c1[a] - c1[b]))
    for i in range(len(m)):
        m[i] = (m[i] + 0.5 * dt * (r0[i] + r1[i])) * keep[i]
        c_t[i] = m[i] / vol_now[i]
    return {r: 0.5 * dt * (h0[r] + h1[r]) for r in h0}


def inlet_split(step, n_sub, tau, dt, q, tags, inflow, conc, a, h, r_prev, debt, by_species=None):
    """Mass (g per tag) one head's advection step leaves to the dispersion steps, and the inflow
    concentrations: what they brought in and advection has not yet taken off (``debt``, updated), plus
    half the next dispersion step's estimated inlet mass; the advective inflow value kept between the
    inflow concentration and the first cell's (the constituent's) by :func:`bounded_shares`."""
    cin = {t: inflow[t] / q if q > 0 else 0.0 for t in tags}
    share = {}
    for t in tags:
        if step == 0:
            pred = 0.5 * dt * h * (cin[t] - conc[t][a])
        elif step == n_sub:
            pred = 0.0
        else:
            pred = 0.5 * r_prev[t]
        share[t] = debt[t] + pred
    return bounded_shares(share, cin, tau, q, tags, conc, a, debt, by_species), cin


def bounded_shares(share, cin, tau, q, tags, conc, a, debt, by_species=None):
    """``share`` (g per tag) bounded so that the advective inflow value stays between the inflow
    concentrations ``cin`` and the first cell's (the constituent's); what each takes is subtracted from
    its ``debt``.  Every tag scaled by ``bound / sum``, unless some tag's plan has the sign opposite to
    the excess over the bound (and water flows): then each species whose plan (the sum over its tags in
    ``by_species``) has the excess's sign gives up its part of the excess, in proportion to the species'
    plans, taken from its tags on that side in proportion to theirs; the other plans are kept."""
    by_species = [list(tags)] if by_species is None else by_species
    total = sum(share.values())
    room = tau * q * (sum(cin.values()) - sum(conc[t][a] for t in tags)) if q > 0 else 0.0
    lo, hi = min(room, 0.0), max(room, 0.0)
    bound = hi if total > hi else lo if total < lo else total
    excess = total - bound
    if excess != 0.0 and q > 0 and any(share[t] * excess < 0.0 for t in tags):
        plans = [sum(share[t] for t in sp) for sp in by_species]
        same = sum(x for x in plans if x * excess > 0.0)
        f = min(max((same - excess) / same if same != 0.0 else 1.0, 0.0), 1.0)
        factor = {}
        for sp, plan in zip(by_species, plans):
            cut = (1.0 - f) * plan if plan * excess > 0.0 else 0.0
            side = sum(share[t] for t in sp if share[t] * excess > 0.0)
            r = min(max(cut / side if side != 0.0 else 0.0, 0.0), 1.0)
            factor.update({t: 1.0 - r if share[t] * excess > 0.0 else 1.0 for t in sp})
    else:
        theta = bound / total if total != 0.0 else 1.0
        factor = dict.fromkeys(tags, theta)
    for t in tags:
        share[t] *= factor[t]
        debt[t] -= share[t]
    return share


def start(network, inp, n_tracer):
    """What a run starts from, as the kernel builds it: the static layout, each day's net
    lateral water and loss (withdrawal and net outflow), whether any reach disperses, the
    initial cell volumes and shares, and the initial cell and reservoir masses per tracer."""
    reaches, n_cell, S = network.reaches, network.layout.n_cells, len(network.reservoirs)
    D, R = inp.q_in.shape[0], len(reaches)
    lateral = inp.q_out - inp.q_in if inp.lateral is None else inp.lateral
    withdrawal = np.zeros((D, R)) if inp.withdrawal is None else inp.withdrawal
    loss = withdrawal + np.maximum(-(lateral + withdrawal), 0.0)
    any_disp = any(r.dispersion_m2_s > 0 for r in reaches)
    vol0, share = initial_volumes(network, inp, lateral)
    mass = np.array([[inp.init_conc[i, t] * vol0[i] for i in range(n_cell)] for t in range(n_tracer)])
    res_mass = np.array([[inp.init_res_conc[s, t] * inp.res_volume[0, s] for s in range(S)]
                         for t in range(n_tracer)])
    return static_layout(network), lateral, loss, any_disp, vol0, share, mass, res_mass


def run(network, tracers, inp, courant=0.9, disp_limit=1.0, groups=None, group_species=None, reactions=None):
    """Transport as the kernel does; returns a dict of arrays.

    ``group_species`` and ``reactions`` as :func:`hydro.transport.simulate` takes them.
    """
    reaches, res_list = network.reaches, network.reservoirs
    R, S = len(reaches), len(res_list)
    D = inp.q_in.shape[0]
    T = len(tracers)
    groups = groups or [1] * T
    lay = network.layout
    L, lateral, loss, any_disp, vol0, share, mass, res_mass = start(network, inp, T)
    cells = L["cells"]
    out_reach = np.zeros((D, R, T))
    out_sec = np.zeros((D, len(lay.section_cell), T))
    out_res_conc = np.zeros((D, S, T))
    substeps = np.zeros(D, dtype=int)
    heads_all = [r for r in range(R) if L["main_up"][r] is None]
    debt = {r: dict.fromkeys(range(T), 0.0) for r in heads_all}
    per_day = 1 / DAY

    for day in range(D):
        H = day_hydraulics(network, L, inp, day, vol0, share, lateral, loss, courant, disp_limit,
                           inp.dispersive_inlet)
        n_sub, dt = H["n_sub"], H["dt"]
        substeps[day] = n_sub
        # the face each section sits on, when it has a dispersive conductance
        sec_faces = {}
        for k, cell in enumerate(lay.section_cell):
            for a, b, g in H["faces"] + [(a, b, g) for _, a, b, g in H["junctions"]]:
                if a == cell:
                    sec_faces[k] = (a, b, g)
        lat = np.zeros((T, lay.n_cells))
        for t in range(T):
            for r in range(R):
                for j, i in enumerate(cells[r]):
                    lat[t, i] += inp.lateral_load[day, r, t] * share[i]
                if L["main_up"][r] is not None:
                    lat[t, cells[r][0]] += inp.boundary_flux[day, r, t]
            for j, cell in enumerate(inp.point_cell):
                if cell >= 0:
                    lat[t, cell] += inp.point_load[day, j, t]
                else:  # hydro.transport.along_reach(r): with its water, along reach r, each cell its share
                    for i in cells[-1 - cell]:
                        lat[t, i] += inp.point_load[day, j, t] * share[i]
        t0 = 0
        for g, size in enumerate(groups):
            tags = list(range(t0, t0 + size))
            t0 += size
            conc = {t: mass[t] / vol0 for t in tags}
            first = tracers[tags[0]]
            n_sp = 1 if group_species is None else group_species[g]
            n_src = size // n_sp
            by_species = [tags[s * n_src:(s + 1) * n_src] for s in range(n_sp)]
            rx = [(a, b, x) for gg, a, b, x in (reactions or []) if gg == g]
            mixed = n_sp > 1 or bool(rx)

            def rate(k20, theta, temp):
                return k20 * per_day * theta ** (temp - 20)

            keep = np.ones(lay.n_cells)
            P = []
            for r in range(R):
                temp = inp.reach_temp[day, r]
                k = rate(first.river_removal_per_day, first.river_theta, temp)
                for i in cells[r]:
                    keep[i] = 1.0 if mixed else math.exp(-k * dt)
                if mixed:
                    sink = [rate(tracers[sp[0]].river_removal_per_day, tracers[sp[0]].river_theta, temp)
                            for sp in by_species]
                    P.append(propagator(sink, [(a, b, rate(x.river_rate_per_day, x.river_theta, temp))
                                               for a, b, x in rx], dt))
            up_mix = {}
            r_prev = {r: dict.fromkeys(tags, 0.0) for r in heads_all}
            sec_acc = {t: np.zeros(len(lay.section_cell)) for t in tags}
            out_disp = {t: np.zeros(R) for t in tags}
            # Strang: advection over dt/2, then (dispersion and removal over dt,
            # advection over dt) ..., the last advection over dt/2
            for step in range(n_sub + 1):
                tau = 0.5 * dt if step in (0, n_sub) else dt
                t_start = 0.0 if step == 0 else (step - 0.5) * dt
                t_end = DAY if step == n_sub else t_start + tau
                lw = H["half_lw"] if tau == dt else H["half_lw_h"]
                vol_end = vol0 + t_end * H["rate"]
                v_s = inp.res_volume[day] + (t_start / DAY) * (inp.res_volume[day + 1] - inp.res_volume[day])
                v_e = inp.res_volume[day] + (t_end / DAY) * (inp.res_volume[day + 1] - inp.res_volume[day])
                res_c = {(t, s): res_mass[t, s] / v_s[s] for t in tags for s in range(S)}
                if step == 0:
                    for t in tags:
                        for r in range(R):
                            up_mix[t, r] = inp.boundary_flux[day, r, t] + sum(
                                inp.res_outflow[day, s] * res_c[t, s] for s in L["res_into"][r])
                flux = face_fluxes(network, L, H, conc, tags, up_mix, res_c, day, inp, lw)
                inflows = {}
                made = {}  # product of reactions in each reservoir this step, g
                for t in tags:
                    res_flux = np.zeros(S)
                    sp, j = (t - tags[0]) // n_src, (t - tags[0]) % n_src
                    for s in range(S):
                        temp = inp.res_temp[day, s]
                        a_in = inp.res_load[day, s, t] + sum(flux[t][cells[u][-1]] for u in L["res_ups"][s])
                        k = rate(tracers[t].reservoir_removal_per_day, tracers[t].reservoir_theta, temp)
                        k += sum(rate(x.reservoir_rate_per_day, x.reservoir_theta, temp) for a, b, x in rx if a == sp)
                        n_piece = tank_pieces(tracers, by_species, rx, rate, temp, inp, day, s, v_s[s], v_e[s], tau)
                        h = tau / n_piece
                        out = 0.0
                        for i in range(n_piece):  # reservoir_tanks' pieces loop (one piece: its usual step)
                            va = v_s[s] + (v_e[s] - v_s[s]) * i / n_piece if n_piece > 1 else v_s[s]
                            vb = v_s[s] + (v_e[s] - v_s[s]) * (i + 1) / n_piece if n_piece > 1 else v_e[s]
                            res_mass[t, s], out_i, integral = reservoir_step(
                                res_mass[t, s], a_in + made.get((t, s, i), 0.0) / h, va, vb, inp.res_outflow[day, s],
                                removal_flow(tracers[t], inp, day, s), k, h)
                            out += out_i
                            for a, b, x in rx:
                                if a == sp and b >= 0:
                                    key = (by_species[b][j], s, i)
                                    made[key] = made.get(key, 0.0) + rate(
                                        x.reservoir_rate_per_day, x.reservoir_theta, temp) * 0.5 * (va + vb) * integral
                        res_flux[s] = out / tau
                    inflow = {}
                    m = mass[t]
                    for r in range(R):
                        inflow[r] = inp.boundary_flux[day, r, t] + sum(res_flux[s] for s in L["res_into"][r])
                        up_mix[t, r] = inflow[r]
                        if L["main_up"][r] is not None:  # side tributaries and reservoirs: sources
                            m[cells[r][0]] += tau * (sum(flux[t][cells[u][-1]] for u in L["ups"][r]
                                                         if u != L["main_up"][r])
                                                     + sum(res_flux[s] for s in L["res_into"][r]))
                    inflows[t] = inflow
                # flux inlets: the share of each head's inflow left to dispersion
                cins = {t: {} for t in tags}
                for r in heads_all:
                    a, h = H["heads"].get(r, (cells[r][0], 0.0))
                    parts, cin = inlet_split(step, n_sub, tau, dt, inp.q_in[day, r], tags,
                                             {t: inflows[t][r] for t in tags}, conc, a, h, r_prev[r], debt[r],
                                             by_species)
                    for t in tags:
                        inflows[t][r] -= parts[t] / tau
                        cins[t][r] = cin[t]
                for t in tags:
                    m = mass[t]
                    for r in range(R):
                        out_reach[day, r, t] += tau * flux[t][cells[r][-1]]
                    for k, cell in enumerate(lay.section_cell):
                        out_sec[day, k, t] += tau * flux[t][cell]
                    advect(network, L, H, m, conc[t], flux[t], inflows[t], lat[t], vol_end, tau)
                    if step < n_sub:
                        if any_disp:
                            brought = disperse(H, m, conc[t], inp.boundary_conc[day, :, t], keep, vol_end, dt,
                                               sec_faces, sec_acc[t], out_disp[t], cins[t])
                            for r in heads_all:
                                r_prev[r][t] = brought.get(r, 0.0)
                                debt[r][t] += r_prev[r][t]
                        else:
                            for i in range(lay.n_cells):
                                m[i] *= keep[i]
                                conc[t][i] = m[i] / vol_end[i]
                if mixed and step < n_sub:
                    react(mass, conc, P, cells, by_species, vol_end)
            for t in tags:
                for i in range(lay.n_cells):
                    if abs(mass[t, i]) < TINY:
                        mass[t, i] = 0.0
                for s in range(S):
                    if abs(res_mass[t, s]) < TINY:
                        res_mass[t, s] = 0.0
                out_reach[day, :, t] += out_disp[t]
                out_sec[day, :, t] += sec_acc[t]
        vol0 = vol0 + DAY * H["rate"]
        for t in range(T):
            for s in range(S):
                out_res_conc[day, s, t] = res_mass[t, s] / inp.res_volume[day + 1, s]
    final = (mass / vol0).T
    return {"final": final, "reach_mass": out_reach, "section_mass": out_sec, "res_conc": out_res_conc,
            "substeps": substeps}
