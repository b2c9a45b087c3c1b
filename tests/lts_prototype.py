"""Local time stepping: a plain-Python prototype of the design in docs/solver.md (tests only).

Not the solver: :func:`hydro.transport.simulate` still takes one global sub-step
a day.  This is the design of "Local time stepping" written out as plainly as
``tests/naive_transport.py`` writes out the global scheme (whose functions it
reuses), so that its exact properties can be checked on networks whose chains
really take different step counts before the kernel is built to match it.

Per day, each chain of reaches (with ``cut``, each run of reaches of one class
along a chain, the cut then a junction like a tributary's) gets a class ``l``:
``n_f / 2**l`` sub-steps, ``l`` the largest (at most ``max_level``) whose step
keeps its own Courant and dispersion numbers within their limits, ``n_f`` the
finest count rounded up to a multiple of ``2**L`` (``L`` the largest class of
the day, after coarser chains are refined where that costs fewer cell updates
than the extra bounds they give finer neighbours: :func:`cheaper_classes`).  In
units ``h = DAY / (2 n_f)``, class ``l`` ends its Strang advection steps at
``2**l (2 i - 1)`` and at ``2 n_f``; it disperses (and removes) at the
interior ones.  The day is a sequence of *events*, the union of all those
times; at each, in order:

1. junction accumulators: each side tributary adds its outlet face flux (g/s,
   fixed at the start of its step) times the time since the last event to the
   mass waiting for the cell it enters; reservoirs step exactly to the event
   with the face fluxes into them (constant between events), their outflow
   waiting likewise for the chain it feeds;
2. chains whose step ends here take their advection update (fluxes from the
   start of the step, the waiting masses as sources, the flux inlet's share of
   the inflow as the global scheme takes it);
3. dispersive junctions between chains of different classes exchange, at the
   coarser class's dispersion times, the two cells' exact exchange over
   ``dt_coarse`` from both current states, ``(c_a - c_b) (1 - exp(-dt_coarse g
   w)) / w`` with ``w = 1/V_a + 1/V_b`` (the finer chain takes an extra step
   boundary there, so its state is current; each cell ends between the two
   concentrations whatever the step); the class choice keeps ``g dt_coarse``
   within the finer cell's dispersion limit (for accuracy);
4. the class dispersing here takes its Heun step (faces inside it and between
   its own chains), then removal;
5. chains whose step starts here compute their face fluxes (limiter from the
   current states of their neighbours).

With ``every = K`` > 1 (``dispersion_every``; docs/solver.md, "Dispersion every K steps inside the
local steps") each class disperses once a block of its steps (:func:`class_blocks`), at the block's
middle and over its length, with removal over it; a junction between classes exchanges at the coarser
class's dispersion times only (the finer chain's bound is there, not at the coarser class's other
steps); reactions stay on every step of the class, and flux inlets take :func:`inlet_split_every`.

Returns the outputs :func:`naive_transport.run` returns plus ``levels`` (per
day, the class of each chain), ``balance`` (per tracer: mass at the end minus
mass at the start minus what entered plus what left, g) and ``scale`` (the mass
that was there or entered, g).
"""

# The functions inside run_lts's day loop close over that day's variables and are called
# only within the same iteration (B023 is about closures called later).
# ruff: noqa: B023
from __future__ import annotations

import math

import numpy as np
from naive_transport import (
    DAY,
    TINY,
    bounded_shares,
    day_hydraulics,
    dispersion_rate,
    inlet_split,
    mc_face,
    propagator,
    react,
    reservoir_step,
    start,
)


def chains_of(L, n_reach):
    """Chains (lists of reaches from a head down its main stem) and the chain of every reach."""
    chains, chain_of = [], {}
    for h in range(n_reach):
        if L["main_up"][h] is not None:
            continue
        lst, r = [], h
        while True:
            lst.append(r)
            chain_of[r] = len(chains)
            kind, d = L["down"][r]
            if kind != 1 or L["main_up"][d] != r:
                break
            r = d
        chains.append(lst)
    return chains, chain_of


def cell_conductances(H, n_cell):
    """Every cell's summed dispersive conductances of the day (faces, junctions, inlets, heads), m3 s-1."""
    gsum = np.zeros(n_cell)
    for a, b, g in H["faces"]:
        gsum[a] += g
        gsum[b] += g
    for _, a, b, g in H["junctions"]:
        gsum[a] += g
        gsum[b] += g
    for _, a, g in H["inlets"]:
        gsum[a] += g
    for a, h in H["heads"].values():
        gsum[a] += h
    return gsum


def day_units(L, H, vol0, chains, courant, disp_limit, boost, max_level, cut):
    """The day's units (chains, or with ``cut`` the runs of one class along each chain), the unit of
    every reach, the class of every unit, and the finest sub-step count ``n_f`` (module docstring).

    ``boost[r]`` multiplies reach ``r``'s own count (a power of two: a test's way to make
    units differ; a finer step is always within the limits)."""
    vmin = np.minimum(vol0, vol0 + DAY * H["rate"])
    gsum = cell_conductances(H, len(vol0))
    own = {}
    for reaches in chains:
        for r in reaches:
            dt = DAY
            for i in L["cells"][r]:
                if H["fq"][i] + H["wd"][i] > 0:
                    dt = min(dt, courant * vmin[i] / (H["fq"][i] + H["wd"][i]))
                if gsum[i] > 0:
                    dt = min(dt, disp_limit * vmin[i] / gsum[i])
            own[r] = max(1, math.ceil(DAY / dt - 1e-9)) * boost.get(r, 1)
        if not cut:  # a chain steps as one unit
            top = max(own[r] for r in reaches)
            own.update(dict.fromkeys(reaches, top))
    n_glob = max(own.values())
    chain_of = {r: c for c, reaches in enumerate(chains) for r in reaches}

    def levels(n_steps, cap):
        """Classes against ``n_steps`` finest steps (at most ``cap``), then junctions refined."""
        level = {r: min(cap, max(0, math.floor(math.log2(n_steps / n) + 1e-12))) for r, n in own.items()}
        # a dispersive junction between classes is exchanged at the coarser one's step:
        # the finer cell must bear it (g dt_coarse <= disp_limit vmin), else the coarser is refined
        changed = True
        while changed:
            changed = False
            for r, a, b, g in H["junctions"]:
                d = L["down"][r][1]
                if level[r] == level[d]:
                    continue
                coarse, fine_cell = (r, b) if level[r] > level[d] else (d, a)
                if g * DAY * 2 ** level[coarse] / n_glob > disp_limit * vmin[fine_cell]:
                    for x in (chains[chain_of[coarse]] if not cut else [coarse]):
                        level[x] -= 1
                    changed = True
        return level

    level = levels(n_glob, max_level)
    if not cut:
        cheaper_classes(chains, chain_of, level, H["junctions"], L["down"], L["cells"])
    units, unit_of = [], {}
    for reaches in chains:
        for r in reaches:
            if r != reaches[0] and level[r] == level[units[-1][-1]]:
                units[-1].append(r)
            else:
                units.append([r])
            unit_of[r] = len(units) - 1
    unit_level = [level[u[0]] for u in units]
    top = max(unit_level)
    return units, unit_of, unit_level, 2 ** top * math.ceil(n_glob / 2 ** top)


def class_every(every, level, chains, cells, n_f, vmin, gsum, cross_fine, disp_limit):
    """Each class's largest block ``k`` (odd, at most ``every``): every cell of its chains within the
    dispersion limit at ``k dt_l`` (``gsum k dt_l <= disp_limit vmin``), and every exchange it leads within
    the finer cell's (``cross_fine``: ``(coarse chain, finer cell, g)``), as the classes are at ``dt_l``."""
    k_of = {}
    for c, reaches in enumerate(chains):
        lv = level[c]
        dt = DAY * 2 ** lv / n_f
        k = k_of.get(lv, every if every % 2 == 1 else every - 1)
        for r in reaches:
            for i in cells[r]:
                while k > 1 and gsum[i] * k * dt > disp_limit * vmin[i]:
                    k -= 2
        k_of[lv] = k
    for c, b, g in cross_fine:
        lv = level[c]
        dt = DAY * 2 ** lv / n_f
        while k_of[lv] > 1 and g * k_of[lv] * dt > disp_limit * vmin[b]:
            k_of[lv] -= 2
    return k_of


def class_blocks(n_l, k):
    """The dispersion steps of a class of ``n_l`` steps a day in blocks of odd sizes at most ``k``: the
    least number ``m >= n_l / k`` of the parity of ``n_l``, of sizes ``a`` (the largest odd with ``a m <=
    n_l``) and, first, ``a + 2``.  Returns ``{i: s}``: block of ``s`` steps dispersed after the class's
    step ``i`` (1-based; at its middle, the Strang placement), ``{i: 1 for every i}`` where ``k`` is 1."""
    m = -(-n_l // k)
    m += (m - n_l) % 2
    a = n_l // m
    a -= 1 - a % 2
    big = (n_l - a * m) // 2
    out, start = {}, 0
    for j in range(m):
        s = a + 2 if j < big else a
        out[start + (s + 1) // 2] = s
        start += s
    assert start == n_l
    return out


def inlet_split_every(mode, tau, q, tags, inflow, conc, a, h, r_prev, debt, by_species):
    """:func:`naive_transport.inlet_split` of a class that disperses once a block (the kernel's
    ``_inlet_split_every``): each step leaves to dispersion ``tau H (c_in - c_1)``; the first step of the
    day (``mode`` 0) also the debt, the step starting at its class's dispersion time (1) what that step
    brought beyond the plan, ``debt - r_prev / 2``; the same bound on the constituent."""
    cin = {t: inflow[t] / q if q > 0 else 0.0 for t in tags}
    share = {}
    for t in tags:
        share[t] = tau * h * (cin[t] - conc[t][a])
        if mode == 0:
            share[t] += debt[t]
        elif mode == 1:
            share[t] += debt[t] - 0.5 * r_prev[t]
    return bounded_shares(share, cin, tau, q, tags, conc, a, debt, by_species), cin


def cheaper_classes(chains, chain_of, level, junctions, down, cells):
    """Refine coarser chains where that costs fewer cell updates than the extra bounds they give a
    finer neighbour at their exchange times (docs/solver.md, "Fewer extra bounds"; the kernel's
    ``lts_cheaper_classes``): each chain in turn, by its head reach, for each coarser class ``m``
    among its neighbours (coarsest first) moves all its class-``m`` neighbours together to the class
    between its own and ``m`` that makes the steps a day of it, the moved chains and their neighbours
    (each chain's dispersion steps and the bounds of its class and of every coarser neighbour's, in
    eighths of ``n_f``, times its cells) fewest, if fewer than at ``m``; until none moves."""
    nbr = [set() for _ in chains]
    for r, _, _, _ in junctions:
        a, b = chain_of[r], chain_of[down[r][1]]
        if a != b:
            nbr[a].add(b)
            nbr[b].add(a)
    lv = [level[ch[0]] for ch in chains]
    size = [sum(len(cells[r]) for r in ch) for ch in chains]

    def cost(c):
        bits = {lv[c]} | {lv[k] for k in nbr[c] if lv[k] > lv[c]}
        return size[c] * (2 ** (3 - lv[c]) + sum(2 ** (3 - b) for b in bits))

    changed = True
    while changed:
        changed = False
        for x in sorted(range(len(chains)), key=lambda c: chains[c][0]):
            for m in range(3, lv[x], -1):
                moved = [k for k in nbr[x] if lv[k] == m]
                if not moved:
                    continue
                near = {x, *moved}.union(*(nbr[k] for k in moved))
                best, best_l = sum(cost(c) for c in near), m
                for new in range(m - 1, lv[x] - 1, -1):
                    for k in moved:
                        lv[k] = new
                    total = sum(cost(c) for c in near)
                    if total < best:
                        best, best_l = total, new
                for k in moved:
                    lv[k] = best_l
                changed = changed or best_l != m
    for c, ch in enumerate(chains):
        for r in ch:
            level[r] = lv[c]


def run_lts(network, tracers, inp, courant=0.9, disp_limit=1.0, groups=None, boost=None, max_level=3,
            group_species=None, reactions=None, cut=False, cut_above=(), every=1):
    """Transport with local time steps (module docstring); ``group_species`` and ``reactions`` as
    :func:`naive_transport.run` takes them (reactions where removal runs, over each class's own step).

    ``cut_above``: reaches whose chain is cut above them for the whole run, as the kernel's
    ``LocalSteps(cut=...)`` cuts it: such a *fed* head has no main upstream (its upstream reaches
    join it as side tributaries, their junctions side ones), no flux inlet (its boundary inflow is
    advected whole), and its limiter sees the last cell of the main upstream it had.

    ``every``: the most steps of a class per dispersion step (module docstring)."""
    boost = boost or {}
    R, S = len(network.reaches), len(network.reservoirs)
    D, T = inp.q_in.shape[0], len(tracers)
    groups = groups or [1] * T
    lay = network.layout
    L, lateral, loss, any_disp, vol0, share, mass, res_mass = start(network, inp, T)
    fed = {r: L["main_up"][r] for r in cut_above if L["main_up"][r] is not None}  # old main upstream
    for r in fed:
        L["main_up"][r] = None
    cells = L["cells"]
    start_mass = mass.sum(axis=1) + res_mass.sum(axis=1)
    ext_in, ext_out, scale = np.zeros(T), np.zeros(T), start_mass.copy()
    out_reach = np.zeros((D, R, T))
    out_sec = np.zeros((D, len(lay.section_cell), T))
    out_res_conc = np.zeros((D, S, T))
    substeps = np.zeros(D, dtype=int)
    levels = []
    all_chains, _ = chains_of(L, R)
    debt = {ch[0]: dict.fromkeys(range(T), 0.0) for ch in all_chains}
    per_day = 1 / DAY
    n_exchange = 0  # dispersive junctions between classes, summed over days
    n_blocks = [0]  # dispersion steps over blocks of more than one step, summed over chains and days

    for day in range(D):
        H = day_hydraulics(network, L, inp, day, vol0, share, lateral, loss, courant, disp_limit,
                           inp.dispersive_inlet)
        for r in fed:  # no flux inlet at a fed head
            H["heads"].pop(r, None)
        # the day's units are called chains below (whole chains, or runs of one class with cut)
        chains, chain_of, level, n_f = day_units(L, H, vol0, all_chains, courant, disp_limit, boost, max_level, cut)
        n_ch = len(chains)
        cell_chain = np.empty(lay.n_cells, dtype=int)
        for r in range(R):
            cell_chain[cells[r]] = chain_of[r]
        substeps[day] = n_f
        levels.append(list(level))
        U = 2 * n_f
        unit = DAY / U
        vmin = np.minimum(vol0, vol0 + DAY * H["rate"])

        def dt_of(c):
            return DAY * 2 ** level[c] / n_f

        step_times = [{2 ** level[c] * (2 * i - 1) for i in range(1, n_f // 2 ** level[c] + 1)}
                      for c in range(n_ch)]
        cross, same = [], []
        for r, a, b, g in H["junctions"]:
            ca, cb = chain_of[r], chain_of[L["down"][r][1]]
            if level[ca] == level[cb]:
                same.append((r, a, b, g))
                continue
            coarse, fine = (ca, cb) if level[ca] > level[cb] else (cb, ca)
            cross.append((r, a, b, g, coarse))
        # each class's dispersion times (the block's size s at each): every step where every is 1
        k_of = dict.fromkeys(level, 1)
        if every > 1 and any_disp:
            gsum = cell_conductances(H, len(vol0))
            k_of = class_every(every, level, chains, cells, n_f, vmin, gsum,
                               [(x[4], x[2] if x[4] == chain_of[x[0]] else x[1], x[3]) for x in cross],
                               disp_limit)
        disp_size = []
        for c in range(n_ch):
            blocks = class_blocks(n_f // 2 ** level[c], k_of[level[c]])
            disp_size.append({2 ** level[c] * (2 * i - 1): s for i, s in blocks.items()})
        n_blocks[0] += sum(s > 1 for c in range(n_ch) for s in disp_size[c].values())
        disp_times = [set(x) for x in disp_size]
        bounds = [{0, U} | step_times[c] for c in range(n_ch)]
        for r, _, _, _, coarse in cross:
            fine = chain_of[r] if chain_of[r] != coarse else chain_of[L["down"][r][1]]
            bounds[fine] |= disp_times[coarse]  # the finer chain's state is current at the exchange
        n_exchange += len(cross)
        events = sorted(set().union(*bounds))
        next_bound = [dict(zip(sorted(b)[:-1], sorted(b)[1:], strict=True)) for b in bounds]
        sec_face = {}
        for k, cell in enumerate(lay.section_cell):
            for a, b, g in H["faces"]:
                if a == cell:
                    sec_face[k] = (a, b, g)
            for _, a, b, g in same + [x[:4] for x in cross]:
                if a == cell:
                    sec_face[k] = (a, b, g)
        lat = np.zeros((T, lay.n_cells))
        for t in range(T):
            for r in range(R):
                for i in cells[r]:
                    lat[t, i] += inp.lateral_load[day, r, t] * share[i]
                if L["main_up"][r] is not None:
                    lat[t, cells[r][0]] += inp.boundary_flux[day, r, t]
            for j, cell in enumerate(inp.point_cell):
                if cell >= 0:
                    lat[t, cell] += inp.point_load[day, j, t]
                else:  # hydro.transport.along_reach(r): with its water, along reach r, each cell its share
                    for i in cells[-1 - cell]:
                        lat[t, i] += inp.point_load[day, j, t] * share[i]


        def rate(k20, theta, temp):
            return k20 * per_day * theta ** (temp - 20)

        def group_day(tags, g):
            """One constituent (its tags) through the day's events."""
            first = tracers[tags[0]]
            n_sp = 1 if group_species is None else group_species[g]
            n_src = len(tags) // n_sp
            by_species = [tags[s * n_src:(s + 1) * n_src] for s in range(n_sp)]
            rx = [(a, b, x) for gg, a, b, x in (reactions or []) if gg == g]
            mixed = n_sp > 1 or bool(rx)
            kill = np.zeros(lay.n_cells)  # removal rate, s-1 (0 where reactions carry it)
            P = []
            for r in range(R):
                temp = inp.reach_temp[day, r]
                dt = dt_of(chain_of[r])
                kill[cells[r]] = 0.0 if mixed else rate(first.river_removal_per_day, first.river_theta, temp)
                if mixed:
                    sink = [rate(tracers[sp[0]].river_removal_per_day, tracers[sp[0]].river_theta, temp)
                            for sp in by_species]
                    P.append(propagator(sink, [(a, b, rate(x.river_rate_per_day, x.river_theta, temp))
                                               for a, b, x in rx], dt))
            conc = {t: mass[t] / vol0 for t in tags}
            pend = {t: np.zeros(lay.n_cells) for t in tags}  # mass waiting for the cell it enters, g
            head_pend = {t: np.zeros(n_ch) for t in tags}  # reservoir outflow waiting for a chain head, g
            res_v = inp.res_volume[day]
            up_mix = {(t, c): inp.boundary_flux[day, chains[c][0], t] + sum(
                inp.res_outflow[day, s] * res_mass[t, s] / res_v[s] for s in L["res_into"][chains[c][0]])
                for t in tags for c in range(n_ch)}
            r_prev = {ch[0]: dict.fromkeys(tags, 0.0) for ch in chains}
            cin_of = {t: {} for t in tags}
            out_disp = {t: np.zeros(R) for t in tags}
            start = [0] * n_ch
            flux = [None] * n_ch

            def vol_at(u):
                return vol0 + (u * unit) * H["rate"]

            def res_vol(s, u):
                return inp.res_volume[day, s] + (u * unit / DAY) * (inp.res_volume[day + 1, s] - inp.res_volume[day, s])

            def fluxes(c, u):
                start[c] = u
                tau = (next_bound[c][u] - u) * unit
                tot = sum(conc[t] for t in tags)
                head, tail = chains[c][0], chains[c][-1]
                q = inp.q_in[day, head]
                mu = L["main_up"][head] if head not in fed else fed[head]
                cu0 = (tot[cells[mu][-1]] if mu is not None else
                       sum(up_mix[t, c] for t in tags) / q if q > 0 else tot[cells[head][0]])
                kind, idx = L["down"][tail]
                cd_last = (tot[cells[idx][0]] if kind == 1 else
                           sum(res_mass[t, idx] for t in tags) / res_vol(idx, u) if kind == 2 else tot[cells[tail][-1]])
                order = [i for r in chains[c] for i in cells[r]]
                f = {t: {} for t in tags}
                for j, i in enumerate(order):
                    cu = tot[order[j - 1]] if j > 0 else cu0
                    cd = tot[order[j + 1]] if j < len(order) - 1 else cd_last
                    lw = 0.5 * (1 - tau * (H["fq"][i] + H["wd"][i]) / vmin[i])
                    f_tot = H["fq"][i] * mc_face(tot[i], cu, cd, lw)
                    for t in tags:
                        f[t][i] = f_tot if len(tags) == 1 else f_tot / (tot[i] + 1e-300) * conc[t][i]
                flux[c] = f

            def accumulate(prev, u):
                seg = (u - prev) * unit
                for r in range(R):
                    mu = L["main_up"][r]
                    if mu is None and r not in fed:
                        continue
                    for up in L["ups"][r]:
                        if up != mu or chain_of[mu] != chain_of[r]:  # not the same unit's own face
                            for t in tags:
                                pend[t][cells[r][0]] += seg * flux[chain_of[up]][t][cells[up][-1]]
                made = {}  # product of reactions in each reservoir over the interval, g
                for t in tags:
                    sp, j = (t - tags[0]) // n_src, (t - tags[0]) % n_src
                    for s in range(S):
                        temp = inp.res_temp[day, s]
                        k = rate(tracers[t].reservoir_removal_per_day, tracers[t].reservoir_theta, temp)
                        k += sum(rate(x.reservoir_rate_per_day, x.reservoir_theta, temp) for a, b, x in rx if a == sp)
                        from_reaches = sum(flux[chain_of[up]][t][cells[up][-1]] for up in L["res_ups"][s])
                        a_in = inp.res_load[day, s, t] + from_reaches + made.get((t, s), 0.0) / seg
                        m0 = res_mass[t, s]
                        res_mass[t, s], out, integral = reservoir_step(
                            m0, a_in, res_vol(s, prev), res_vol(s, u), inp.res_outflow[day, s],
                            tracers[t].settling_velocity_m_per_day * per_day * inp.res_area[day, s], k, seg)
                        ext_in[t] += inp.res_load[day, s, t] * seg
                        ext_out[t] += m0 + a_in * seg - res_mass[t, s] - out - made.get((t, s), 0.0)
                        for a, b, x in rx:
                            if a == sp and b >= 0:
                                key = (by_species[b][j], s)
                                v_mid = 0.5 * (res_vol(s, prev) + res_vol(s, u))
                                made[key] = made.get(key, 0.0) + rate(x.reservoir_rate_per_day, x.reservoir_theta,
                                                                      temp) * v_mid * integral
                        kind, d = L["res_down"][s]
                        if kind == 1 and L["main_up"][d] is None:
                            head_pend[t][chain_of[d]] += out
                        elif kind == 1:
                            pend[t][cells[d][0]] += out
                        else:
                            ext_out[t] += out

            def update(c, u):
                tau = (u - start[c]) * unit
                vend = vol_at(u)
                head = chains[c][0]
                q = inp.q_in[day, head]
                true_head = L["main_up"][head] is None  # else its inflow waits in pend, like a tributary's
                inflow = {t: inp.boundary_flux[day, head, t] + head_pend[t][c] / tau if true_head else 0.0
                          for t in tags}
                for t in tags:
                    up_mix[t, c] = inflow[t]
                if true_head and k_of[level[c]] > 1:
                    a, h = H["heads"].get(head, (cells[head][0], 0.0))
                    mode = 0 if start[c] == 0 else 1 if start[c] in disp_times[c] else 2
                    parts, cin = inlet_split_every(mode, tau, q, tags, inflow, conc, a, h, r_prev[head], debt[head],
                                                   by_species)
                elif true_head:
                    a, h = H["heads"].get(head, (cells[head][0], 0.0))
                    step = 0 if start[c] == 0 else 2 if u == U else 1
                    parts, cin = inlet_split(step, 2, tau, dt_of(c), q, tags, inflow, conc, a, h, r_prev[head],
                                             debt[head], by_species)
                else:
                    parts, cin = dict.fromkeys(tags, 0.0), dict.fromkeys(tags, 0.0)
                for t in tags:
                    inflow[t] -= parts[t] / tau
                    if true_head:
                        cin_of[t][head] = cin[t]
                        ext_in[t] += tau * inp.boundary_flux[day, head, t] - parts[t]
                    head_pend[t][c] = 0.0
                    m, f, ct = mass[t], flux[c][t], conc[t]
                    for r in chains[c]:
                        for i in cells[r]:
                            w = tau * H["wd"][i] * ct[i]
                            m[i] -= w
                            ext_out[t] += w
                    for r in chains[c]:
                        for j, i in enumerate(cells[r]):
                            into = f[i - 1] if j > 0 else inflow[t] if r == head else f[cells[L["main_up"][r]][-1]]
                            m[i] = m[i] + tau * (into - f[i] + lat[t, i]) + pend[t][i]
                            ext_in[t] += tau * lat[t, i]
                            pend[t][i] = 0.0
                            ct[i] = m[i] / vend[i]
                        out_reach[day, r, t] += tau * f[cells[r][-1]]
                        if L["down"][r][0] == 0:
                            ext_out[t] += tau * f[cells[r][-1]]
                    for k, cell in enumerate(lay.section_cell):
                        if cell_chain[cell] == c:
                            out_sec[day, k, t] += tau * f[cell]

            def exchange(u):
                vnow = vol_at(u)
                for r, a, b, g, coarse in cross:
                    if u not in disp_times[coarse]:
                        continue
                    w = 1.0 / vnow[a] + 1.0 / vnow[b]
                    dt = disp_size[coarse][u] * dt_of(coarse)  # the coarser class's block
                    share = -math.expm1(-dt * g * w) / w if g > 0 else 0.0
                    for t in tags:
                        x = share * (conc[t][a] - conc[t][b])
                        mass[t][a] -= x
                        mass[t][b] += x
                        conc[t][a] = mass[t][a] / vnow[a]
                        conc[t][b] = mass[t][b] / vnow[b]
                        out_disp[t][r] += x
                        for k, (fa, _, _) in sec_face.items():
                            if fa == a:
                                sec_acc[t][k] += x

            def disperse_class(members, u):
                vnow = vol_at(u)
                dt = disp_size[members[0]][u] * dt_of(members[0])  # its block of steps
                inside = {i for c in members for r in chains[c] for i in cells[r]}
                Hs = dict(faces=[x for x in H["faces"] if x[0] in inside],
                          junctions=[x for x in same if x[1] in inside],
                          inlets=[x for x in H["inlets"] if x[1] in inside] if any_disp else [],
                          heads={r: v for r, v in H["heads"].items() if v[0] in inside})
                for t in tags:
                    c0 = conc[t].copy()
                    if any_disp:
                        bconc = inp.boundary_conc[day, :, t]
                        r0, j0, h0 = dispersion_rate(Hs, c0, bconc, cin_of[t])
                        c1 = c0.copy()
                        for i in inside:
                            c1[i] = (mass[t][i] + dt * r0[i]) / vnow[i]
                        r1, j1, h1 = dispersion_rate(Hs, c1, bconc, cin_of[t])
                        for r in j0:
                            out_disp[t][r] += 0.5 * dt * (j0[r] + j1[r])
                        for k, (a, b, g) in sec_face.items():
                            if a in inside and b in inside:
                                sec_acc[t][k] += 0.5 * dt * g * ((c0[a] - c0[b]) + (c1[a] - c1[b]))
                        for r, a, g in Hs["inlets"]:
                            ext_in[t] += 0.5 * dt * g * ((bconc[r] - c0[a]) + (bconc[r] - c1[a]))
                        for r in h0:
                            x = 0.5 * dt * (h0[r] + h1[r])
                            r_prev[r][t] = x
                            debt[r][t] += x
                            ext_in[t] += x
                    else:
                        r0 = r1 = np.zeros(lay.n_cells)
                    for i in inside:
                        after = mass[t][i] + 0.5 * dt * (r0[i] + r1[i])
                        mass[t][i] = after * math.exp(-kill[i] * dt)
                        ext_out[t] += after - mass[t][i]
                        conc[t][i] = mass[t][i] / vnow[i]

            def react_class(members, u):
                """Reactions over a step of the class (every step, as on the global path)."""
                vnow = vol_at(u)
                inside = {i for c in members for r in chains[c] for i in cells[r]}
                if mixed:  # net of what each species gains from the one before it, as the kernel books it
                    before = {t: sum(mass[t][i] for i in inside) for t in tags}
                    react(mass, conc, P, [[i for i in cells[r] if i in inside] for r in range(R)], by_species, vnow)
                    for t in tags:
                        ext_out[t] += before[t] - sum(mass[t][i] for i in inside)

            sec_acc = {t: np.zeros(len(lay.section_cell)) for t in tags}
            for c in range(n_ch):
                fluxes(c, 0)
            prev = 0
            for u in events[1:]:
                accumulate(prev, u)
                ending = [c for c in range(n_ch) if u in bounds[c]]
                for c in ending:
                    update(c, u)
                if u < U:
                    exchange(u)
                    members = [c for c in range(n_ch) if u in disp_times[c]]
                    if members:
                        disperse_class(members, u)
                    stepping = [c for c in range(n_ch) if u in step_times[c]]
                    if stepping:
                        react_class(stepping, u)
                    for c in ending:
                        fluxes(c, u)
                prev = u
            for t in tags:
                for i in range(lay.n_cells):
                    if abs(mass[t, i]) < TINY:
                        ext_out[t] += mass[t, i]
                        mass[t, i] = 0.0
                for s in range(S):
                    if abs(res_mass[t, s]) < TINY:
                        ext_out[t] += res_mass[t, s]
                        res_mass[t, s] = 0.0
                out_reach[day, :, t] += out_disp[t]
                out_sec[day, :, t] += sec_acc[t]

        t0 = 0
        for g, size in enumerate(groups):
            group_day(list(range(t0, t0 + size)), g)
            t0 += size
        vol0 = vol0 + DAY * H["rate"]
        for t in range(T):
            for s in range(S):
                out_res_conc[day, s, t] = res_mass[t, s] / inp.res_volume[day + 1, s]
    final = (mass / vol0).T
    balance = mass.sum(axis=1) + res_mass.sum(axis=1) - start_mass - ext_in + ext_out
    return {"final": final, "reach_mass": out_reach, "section_mass": out_sec, "res_conc": out_res_conc,
            "substeps": substeps, "levels": levels, "balance": balance, "scale": scale + np.abs(ext_in),
            "exchanges": n_exchange, "blocks": n_blocks[0]}
