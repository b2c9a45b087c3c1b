"""Numba kernels of Muskingum-Cunge reach routing with storage (private).

The scheme is the variable-parameter Muskingum-Cunge method (Ponce & Yevjevich
1978) written in *storage form*: every computational cell carries its storage
``S`` (m3) and outflow ``O`` (m3 s-1) as state, continuity is integrated with
the trapezoidal rule,

    S1 = S0 + dt/2 (I0 + I1 - O0 - O1),

and the Muskingum storage relation at the new time level,

    S1 = K1 (X1 I1 + (1 - X1) O1),

closes the step.  With constant K and X this is exactly the classical
coefficient form ``O1 = C0 I1 + C1 I0 + C2 O0``; with K and X varying from step
to step it still conserves water to round-off, which the coefficient form does
not (Ponce & Chaganti 1994; Todini 2007).

K and X are evaluated once per reach and day (the model's time step) from the
hydraulic geometry at the reach's reference discharge (Ponce & Yevjevich's
three-point average taken at the reach-day scale, :func:`reach_reference_q`):

    c = dQ/dA = v / (1 - b)         (kinematic celerity, m s-1; power-law reach)
    K = dx / c                       (s)
    X = 1/2 - q / (2 w S c dx)       (Cunge; matches the diffusion D = q / (2 w S))

For a reach with a surveyed channel (rectangle or trapezoid, Manning ``n``;
:mod:`hydro.channel`) the celerity and top width are instead the exact Manning
values at the normal depth of the reference discharge (:func:`channel_geometry`):
``c = V (5/3 - 2/3 A P' / (T P))``, ``w = T``.  K and X are then
limited so that every coefficient is non-negative:
``K >= dt/2`` (Courant number ``Cr = dt/K <= 2``) and
``0 <= X <= min(1/2, Cr/2, 1 - Cr/2)``.  Under these limits the new outflow is a
sum of non-negative terms whenever ``S0 >= dt/2 O0`` holds at the start of a
step, which the kernel guarantees by its choice of sub-steps per day.  Within a
day K and X are constant, so the sub-steps are exactly the classical scheme with
``C0, C1, C2 >= 0``; the storage form carries water across the daily parameter
changes without loss.  (Evaluating K and X per cell and sub-step was tried: it
costs about twice as much, for changes within a day that daily outputs do not resolve.)

Units: m3 s-1 for flows, m3 for storage, m for lengths, s for times.
"""

from __future__ import annotations

import numpy as np

from hydro._compile import kernel
from hydro._hydraulics_kernels import SECONDS_PER_DAY, operate_reservoir

#: Discharge below which the hydraulic geometry is evaluated at this value, m3 s-1
#: (power laws with positive exponents vanish at zero flow).
Q_FLOOR = 1e-9

#: Convergence of :func:`normal_depth`: step in ln(depth) (as :data:`hydro.channel.TOLERANCE`).
NEWTON_TOLERANCE = 1e-13

#: Most iterations of :func:`normal_depth` (the bracket halves at worst every step).
MAX_NEWTON = 200


@kernel(helper=True)
def geometry(q, vel_coeff, vel_exp, width_coeff, width_exp):
    """Kinematic celerity and top width at discharge ``q``.

    Parameters
    ----------
    q : float
        Discharge, m3 s-1 (floored at :data:`Q_FLOOR`).
    vel_coeff, vel_exp : float
        Velocity ``v = vel_coeff * q**vel_exp``, m s-1.
    width_coeff, width_exp : float
        Top width ``w = width_coeff * q**width_exp``, m.

    Returns
    -------
    q : float
        The floored discharge, m3 s-1.
    celerity : float
        ``c = dQ/dA = v / (1 - vel_exp)``, m s-1.
    width : float
        Top width, m.
    """
    if q < Q_FLOOR:
        q = Q_FLOOR
    lq = np.log(q)
    celerity = vel_coeff * np.exp(vel_exp * lq) / (1.0 - vel_exp)
    width = width_coeff * np.exp(width_exp * lq)
    return q, celerity, width


@kernel(helper=True)
def _log_manning(u, b, z, k_log, root):
    """``ln Q`` at depth ``e^u`` and ``d ln Q / d u`` (see :func:`hydro.channel._log_discharge`)."""
    y = np.exp(u)
    bzy = b + z * y
    p = b + 2.0 * root * y
    log_q = k_log + 5.0 / 3.0 * (np.log(bzy) + u) - 2.0 / 3.0 * np.log(p)
    slope = 5.0 / 3.0 * (bzy + z * y) / bzy - 4.0 / 3.0 * root * y / p
    return log_q, slope


@kernel(helper=True)
def normal_depth(q, b, z, n, s):
    """Manning normal depth (m) of a rectangle or trapezoid at discharge ``q`` (m3 s-1).

    The scalar twin of :func:`hydro.channel.normal_depth` (same bracketed Newton
    iteration on ``ln y``, same tolerance); 0 for ``q <= 0``.

    Parameters
    ----------
    q : float
        Discharge, m3 s-1.
    b, z, n, s : float
        Bottom width (m), side slope (H:V), Manning n (s m-1/3), bed slope (m m-1).
    """
    if not q > 0.0:
        return 0.0
    root = np.sqrt(1.0 + z * z)
    k_log = 0.5 * np.log(s) - np.log(n)
    target = np.log(q)
    log_kq = np.log(q * n / np.sqrt(s))
    u = np.inf
    if b > 0.0:
        u = 0.6 * (log_kq - np.log(b))
    if z > 0.0:
        u_tri = (3.0 * log_kq + 2.0 * np.log(2.0 * root) - 5.0 * np.log(z)) / 8.0
        if u_tri < u:
            u = u_tri
    h, dh = _log_manning(u, b, z, k_log, root)
    h -= target
    if h > 0.0:
        lo, hi = u - h, u - 0.3 * h
    else:
        lo, hi = u - 0.3 * h, u - h
    pad = 1e-12 * (1.0 + abs(u))
    lo -= pad
    hi += pad
    for _ in range(MAX_NEWTON):
        new = u - h / dh
        if not (lo < new < hi):
            new = 0.5 * (lo + hi)
        if abs(new - u) <= NEWTON_TOLERANCE * max(1.0, abs(u)):
            return np.exp(new)
        u = new
        h, dh = _log_manning(u, b, z, k_log, root)
        h -= target
        if h < 0.0:
            lo = max(lo, u)
        elif h > 0.0:
            hi = min(hi, u)
        else:
            return np.exp(u)
    return np.exp(0.5 * (lo + hi))


@kernel(helper=True)
def channel_geometry(q, b, z, n, s):
    """Exact Manning celerity and top width at discharge ``q`` (normal depth).

    Parameters
    ----------
    q : float
        Discharge, m3 s-1 (floored at :data:`Q_FLOOR`).
    b, z, n, s : float
        Bottom width (m), side slope (H:V), Manning n (s m-1/3), bed slope (m m-1).

    Returns
    -------
    q : float
        The floored discharge, m3 s-1.
    celerity : float
        ``c = dQ/dA = V (5/3 - 2/3 A P' / (T P))``, m s-1.
    width : float
        Top width ``T = b + 2 z y``, m.
    """
    if q < Q_FLOOR:
        q = Q_FLOOR
    y = normal_depth(q, b, z, n, s)
    a = (b + z * y) * y
    p = b + 2.0 * np.sqrt(1.0 + z * z) * y
    t = b + 2.0 * z * y
    celerity = q / a * (5.0 / 3.0 - 4.0 / 3.0 * np.sqrt(1.0 + z * z) * a / (t * p))
    return q, celerity, t


@kernel(helper=True)
def reach_geometry(q, vel_coeff, vel_exp, width_coeff, width_exp, chan_b, chan_z, chan_n, chan_s):
    """Celerity and top width of a reach: its channel when ``chan_n > 0``, else its power law.

    Returns ``(q, celerity, width)`` as :func:`geometry` and :func:`channel_geometry`.
    """
    if chan_n > 0.0:
        return channel_geometry(q, chan_b, chan_z, chan_n, chan_s)
    return geometry(q, vel_coeff, vel_exp, width_coeff, width_exp)


@kernel(helper=True)
def limited_parameters(q, celerity, width, dx, dt, slope):
    """Muskingum-Cunge K and X, limited so that every coefficient is non-negative.

    Parameters
    ----------
    q : float
        Reference discharge, m3 s-1.
    celerity : float
        Kinematic celerity, m s-1.
    width : float
        Top width, m.
    dx : float
        Cell length, m.
    dt : float
        Sub-step, s.
    slope : float
        Bed slope, m m-1 (> 0).

    Returns
    -------
    k : float
        Travel time through the cell ``dx / c``, s, raised to at least ``dt / 2``.
    x : float
        Cunge's ``1/2 - q / (2 w S c dx)`` clipped to ``[0, min(1/2, Cr/2, 1 - Cr/2)]``
        with ``Cr = dt / k``.
    """
    k = dx / celerity
    if k < 0.5 * dt:
        k = 0.5 * dt
    cr = dt / k
    x = 0.5 - q / (2.0 * width * slope * celerity * dx)
    x_max = 0.5 * cr
    if 1.0 - 0.5 * cr < x_max:
        x_max = 1.0 - 0.5 * cr
    if x > x_max:
        x = x_max
    if x < 0.0:
        x = 0.0
    return k, x


@kernel(helper=True)
def reach_reference_q(q_in, lateral, out):
    """Reference discharge of a reach for one day, m3 s-1.

    Ponce & Yevjevich's three-point average taken at the reach and day scale, about
    the mean discharge in the reach: the mean of the cells' mean outflow at the start
    of the day and the mean cell flow today's inflows give at steady state,

        q_ref = 1/2 mean(out) + 1/2 (q_in + lateral+ (n + 1) / (2 n)),

    with ``n`` cells and ``lateral+ = max(lateral, 0)`` (a withdrawal does not lower
    it); cell ``i`` of a steady reach carries ``q_in + (i + 1) lateral / n`` (its share
    of the lateral inflow enters at its top).  At steady state this is the mean cell
    flow ``q_in + lateral (n + 1) / (2 n)``; with one cell ``(q_in + lateral + out) / 2``.
    (The cells' outflows already carry the lateral inflow that entered above them:
    adding half the lateral inflow to the mean of inlet and outflows, as before
    2026-12-01, counted it twice in a reach of several cells: at steady state up to
    ``q_in + 3/4 lateral``, a headwater reach's celerity up to ``1.5**b`` too high,
    13 % at ``v = a Q**0.3``.)

    Parameters
    ----------
    q_in, lateral : float
        Today's inlet and lateral inflow, m3 s-1.
    out : 1-D array
        Cell outflows at the start of the day, m3 s-1.
    """
    n = out.shape[0]
    mean_out = 0.0
    for i in range(n):
        mean_out += out[i]
    mean_out /= n
    return 0.5 * (q_in + mean_out) + 0.25 * max(lateral, 0.0) * (n + 1) / n


@kernel(helper=True)
def courant_substeps(celerity, dx, max_substeps):
    """Sub-steps for a Courant number ``c dt / dx`` near 1: ``round(c * 86400 / dx)``,
    between 1 and ``max_substeps``.

    Parameters
    ----------
    celerity : float
        Kinematic celerity at the reach's reference discharge, m s-1.
    dx : float
        Cell length, m.
    max_substeps : int

    Returns
    -------
    int
    """
    rho = celerity * SECONDS_PER_DAY / dx
    if rho > max_substeps:
        return max_substeps
    n_t = int(rho + 0.5)
    if n_t < 1:
        n_t = 1
    return n_t


@kernel(helper=True)
def day_substeps(celerity, out, store, dx, max_substeps):
    """Number of sub-steps for one reach and day.

    :func:`courant_substeps`, raised so that the sub-step is short enough that every
    cell holds at least ``dt/2`` times its outflow (``S0 >= dt/2 O0``), which keeps
    the first step of the day non-negative.  At most ``max_substeps``.  (Two kernels
    rather than one with a flag: a constant flag made Numba compile it twice.)

    Parameters
    ----------
    celerity : float
        Kinematic celerity at the reach's reference discharge, m s-1.
    out, store : 1-D arrays
        Cell outflows (m3 s-1) and storages (m3) at the start of the day.
    dx : float
        Cell length, m.
    max_substeps : int

    Returns
    -------
    int
    """
    n_t = courant_substeps(celerity, dx, max_substeps)
    if n_t == max_substeps:
        return max_substeps
    for i in range(out.shape[0]):
        if out[i] > 0.0:
            if store[i] <= 0.0:
                return max_substeps
            need = SECONDS_PER_DAY * out[i] / (2.0 * store[i])
            if need > max_substeps:
                return max_substeps
            m = int(np.ceil(need * (1.0 - 1e-12)))
            if m > n_t:
                n_t = m
    return n_t


@kernel(helper=True)
def init_reach(q_in, lateral, q_init, use_init, out, store, dx, vel_coeff, vel_exp,
               width_coeff, width_exp, slope, max_substeps, chan_b=0.0, chan_z=0.0, chan_n=0.0,
               chan_s=0.0):
    """Set a reach's cells to a steady state.

    With ``use_init`` every cell carries ``q_init``; otherwise the steady state of
    inflow ``q_in`` plus ``lateral`` spread evenly (cell ``i`` passes
    ``q_in + (i + 1) lateral / n``, never less than 0: a negative lateral beyond the inflow is
    cut, as on the days after).  Storage is ``K q`` with the K the first day
    will use, so a steady input stays exactly steady.

    Parameters
    ----------
    q_in, lateral, q_init : float
        Inlet inflow, lateral inflow and prescribed initial discharge, m3 s-1.
    use_init : bool
    out, store : 1-D arrays (n,)
        Cell outflows (m3 s-1) and storages (m3), filled in place.
    dx : float
        Cell length, m.
    vel_coeff, vel_exp, width_coeff, width_exp, slope : float
        Hydraulic geometry and slope (see :func:`geometry` and :func:`limited_parameters`).
    max_substeps : int
    chan_b, chan_z, chan_n, chan_s : float, optional
        The reach's channel (see :func:`channel_geometry`); ``chan_n = 0`` (default):
        none, the power law applies.
    """
    n = out.shape[0]
    for i in range(n):
        if use_init:
            out[i] = q_init
        else:  # a cell never gives more than flows into it: a withdrawal beyond the inflow dries it
            out[i] = max(q_in + (i + 1) * lateral / n, 0.0)
        store[i] = 0.0
    q_ref, celerity, width = reach_geometry(reach_reference_q(q_in, lateral, out), vel_coeff,
                                            vel_exp, width_coeff, width_exp, chan_b, chan_z,
                                            chan_n, chan_s)
    n_t = courant_substeps(celerity, dx, max_substeps)  # the storage is not set yet
    k, x = limited_parameters(q_ref, celerity, width, dx, SECONDS_PER_DAY / n_t, slope)
    for i in range(n):
        store[i] = k * out[i] if out[i] > 0.0 else 0.0


@kernel(helper=True)
def route_reach_day(q_in, lateral, out, store, dx, vel_coeff, vel_exp, width_coeff, width_exp,
                    slope, max_substeps, chan_b=0.0, chan_z=0.0, chan_n=0.0, chan_s=0.0):
    """Route one day through one reach, in place.

    The inflow ``q_in`` and lateral inflow ``lateral`` are constant over the day
    (they are daily means); the lateral inflow enters at the top of every cell in
    equal parts.  A negative lateral inflow (withdrawal) takes no more than flows
    into a cell: a cell's inflow is never below zero, and what could not be taken
    is returned as ``short``.  K and X are evaluated once for the reach and day at
    :func:`reach_reference_q`; within the day the scheme is the linear Muskingum
    scheme with non-negative coefficients.

    Parameters
    ----------
    q_in : float
        Mean inflow at the reach inlet over the day, m3 s-1.
    lateral : float
        Mean lateral inflow along the reach, m3 s-1 (negative: withdrawal).
    out, store : 1-D arrays (n,)
        Cell outflows (m3 s-1) and storages (m3), updated in place.
    dx : float
        Cell length, m.
    vel_coeff, vel_exp, width_coeff, width_exp, slope : float
        Hydraulic geometry and bed slope (see :func:`geometry` and :func:`limited_parameters`).
    max_substeps : int
    chan_b, chan_z, chan_n, chan_s : float, optional
        The reach's channel (see :func:`channel_geometry`); ``chan_n = 0`` (default):
        none, the power law applies.

    Returns
    -------
    q_out : float
        Mean outflow at the reach outlet over the day, m3 s-1.
    n_t : int
        Sub-steps taken.
    k, x : float
        Muskingum K (s) and X used for the day.
    short : float
        Mean rate of the withdrawal (negative lateral) that was not taken because the
        cells had not that much water flowing into them, m3 s-1 (0 with ``lateral >= 0``):
        the reach's realised lateral inflow is ``lateral + short``, and its storage
        balance closes with it.
    """
    n = out.shape[0]
    q_ref, celerity, width = reach_geometry(reach_reference_q(q_in, lateral, out), vel_coeff,
                                            vel_exp, width_coeff, width_exp, chan_b, chan_z,
                                            chan_n, chan_s)
    n_t = day_substeps(celerity, out, store, dx, max_substeps)
    dt = SECONDS_PER_DAY / n_t
    k, x = limited_parameters(q_ref, celerity, width, dx, dt, slope)
    half = 0.5 * dt
    kx = k * x
    inv_den = 1.0 / (k * (1.0 - x) + half)
    lat_cell = lateral / n
    total = 0.0
    short = 0.0  # inflow rates the clipping added back, summed over cells, ends and sub-steps
    for _ in range(n_t):
        raw_old = q_in + lat_cell
        raw_new = raw_old
        o_old = 0.0
        o_new = 0.0
        for i in range(n):
            # a withdrawal takes no more than flows into the cell (never a negative inflow)
            in_old = raw_old if raw_old > 0.0 else 0.0
            in_new = raw_new if raw_new > 0.0 else 0.0
            short += (in_old - raw_old) + (in_new - raw_new)
            o_old = out[i]
            s_old = store[i]
            o_new = (s_old + half * (in_old + in_new - o_old) - kx * in_new) * inv_den
            if o_new < 0.0:
                o_new = 0.0
            store[i] = s_old + half * (in_old + in_new - o_old - o_new)
            out[i] = o_new
            raw_old = o_old + lat_cell
            raw_new = o_new + lat_cell
        total += 0.5 * (o_old + o_new)
    return total / n_t, n_t, k, x, 0.5 * short / n_t


@kernel
def route_network(order_kind, order_index, reach_down_kind, reach_down_index,
                  res_down_kind, res_down_index, cell_start, reach_dx, vel_coeff, vel_exp,
                  width_coeff, width_exp, chan_b, chan_z, chan_n, chan_s, slope, lateral,
                  boundary, init_q, use_init, out, store, warm,
                  max_substeps, res_lateral, res_evap_mm, res_precip_mm, res_target,
                  res_eco_min, res_dead, res_full, res_v0, curve_offset, curve_storage,
                  curve_area, res_land_inflow, res_land_area, req_start, req_flow, req_share,
                  q_in, q_out, reach_storage, substeps, res_volume, res_release,
                  res_spill, res_inflow, res_evaporated, res_area, res_land_taken, taken, lateral_used):
    """Route daily flows through the network with in-reach storage.

    Each day, in topological order: a reach's inflow is the sum of what its
    upstream elements release that day plus its boundary inflow, and is routed
    with :func:`route_reach_day`; a reservoir runs :func:`reservoir_day` on what
    reaches and its local inflow bring (exactly as
    :func:`hydro._hydraulics_kernels.accumulate_flows`).  On the first day every
    reach starts in steady state (:func:`init_reach`).

    Shapes: ``lateral``/``boundary`` (D, R); ``cell_start`` (R+1,) offsets of each
    reach's cells; ``chan_b``, ``chan_z``, ``chan_n``, ``chan_s`` (R,) the channel of
    each reach (``chan_n = 0``: power-law reach, see :func:`reach_geometry`);
    ``init_q`` (R,); ``out``, ``store`` (N,) every cell's outflow (m3 s-1) and
    storage (m3), the routing's state: with ``warm`` the run starts from them (a
    run continuing an earlier one, hydro.blocked), else every reach starts in
    steady state; they hold the state after the last day on return.
    ``res_*`` inputs (D, S) or (S,) as in
    ``accumulate_flows`` (``res_land_inflow``, ``res_land_area``: the land around each
    reservoir, and the output ``res_land_taken``,
    :func:`hydro._hydraulics_kernels.operate_reservoir`).  Outputs filled in place:
    ``q_in``, ``q_out``, ``substeps`` (D, R); ``reach_storage`` (D+1, R) m3 at the start of each day;
    reservoir outputs as in ``accumulate_flows``.

    Withdrawal requests: reach ``j`` has requests ``req_start[j]`` to
    ``req_start[j + 1] - 1`` (in the order they are taken), each asking
    ``req_flow[k, d]`` m3 s-1 on day ``d`` (``inf``: the share alone decides) and
    never more than ``req_share[k]`` of the water available that day, the routed
    inflow at the reach inlet plus what forms along the reach (its positive lateral
    inflow), less what earlier requests on it took.  ``taken`` (D, R) receives the
    water taken (m3 s-1) and ``lateral_used`` (D, R) the lateral inflow the reach
    was routed with, ``lateral - taken`` unless a cell ran short (a negative
    ``lateral`` or a request larger than what flowed in the day's transient:
    :func:`route_reach_day`'s ``short``, which reduces the requests first).
    """
    n_day = lateral.shape[0]
    n_reach = lateral.shape[1]
    n_res = res_v0.shape[0]
    into_reach = np.zeros(n_reach)
    into_res = np.zeros(n_res)
    for s in range(n_res):
        res_volume[0, s] = res_v0[s]
    for d in range(n_day):
        for r in range(n_reach):
            into_reach[r] = boundary[d, r]
        for s in range(n_res):
            into_res[s] = res_lateral[d, s]
        for k in range(order_kind.shape[0]):
            j = order_index[k]
            if order_kind[k] == 1:
                c0 = cell_start[j]
                c1 = cell_start[j + 1]
                o = out[c0:c1]
                st = store[c0:c1]
                lat = lateral[d, j]
                # the day's water at the reach: its inflow and what forms along it, less what
                # the requests before took (from either: a diversion larger than the lateral
                # inflow takes the rest from the inflow, which later requests then lack)
                water = into_reach[j] + max(lat, 0.0)
                want = 0.0
                for k_req in range(req_start[j], req_start[j + 1]):
                    avail = max(water - want, 0.0)
                    ask = min(req_flow[k_req, d], req_share[k_req] * avail)
                    if ask > 0.0:
                        want += ask
                lat -= want
                if d == 0 and not warm:
                    init_reach(into_reach[j], lat, init_q[j], use_init, o, st,
                               reach_dx[j], vel_coeff[j], vel_exp[j], width_coeff[j],
                               width_exp[j], slope[j], max_substeps, chan_b[j], chan_z[j],
                               chan_n[j], chan_s[j])
                if d == 0:
                    total = 0.0
                    for i in range(c1 - c0):
                        total += st[i]
                    reach_storage[0, j] = total
                q_in[d, j] = into_reach[j]
                qo, n_t, _, _, short = route_reach_day(
                    into_reach[j], lat, o, st, reach_dx[j], vel_coeff[j], vel_exp[j], width_coeff[j],
                    width_exp[j], slope[j], max_substeps, chan_b[j], chan_z[j], chan_n[j], chan_s[j])
                taken[d, j] = want - short if short < want else 0.0
                lateral_used[d, j] = lat + short
                q_out[d, j] = qo
                substeps[d, j] = n_t
                total = 0.0
                for i in range(c1 - c0):
                    total += st[i]
                reach_storage[d + 1, j] = total
                if reach_down_kind[j] == 1:
                    into_reach[reach_down_index[j]] += qo
                elif reach_down_kind[j] == 2:
                    into_res[reach_down_index[j]] += qo
            else:
                released = operate_reservoir(
                    d, j, into_res[j], res_evap_mm, res_precip_mm, res_target, res_eco_min, res_dead,
                    res_full, curve_offset, curve_storage, curve_area, res_land_inflow, res_land_area,
                    res_volume, res_release, res_spill, res_inflow, res_evaporated, res_area, res_land_taken)
                if res_down_kind[j] == 1:
                    into_reach[res_down_index[j]] += released
