"""Numba kernels of the daily hydraulics: flow accumulation and reservoir balance (private).

Units: m3 s-1 for flows, m3 for volumes, m2 for areas, mm d-1 for evaporation.
"""

from __future__ import annotations

import numpy as np

from hydro._compile import kernel
from hydro.units import SECONDS_PER_DAY


@kernel(helper=True)
def interp_scalar(x, xp, fp):
    """``np.interp(x, xp, fp)`` for one value ``x``, with NumPy's (and Numba's) arithmetic.

    ``np.interp`` inside a kernel compiles Numba's array implementation (its binary
    search, allocation of a result array and per-element loop): about 0.8 s of a
    cold start for one scalar lookup a day.  This is the same computation for a
    scalar: ``xp`` strictly increasing (the storage curves are checked at load),
    ``fp[0]`` below ``xp[0]``, ``fp[-1]`` above ``xp[-1]``, ``fp[j]`` at a knot,
    and between knots ``slope * (x - xp[j]) + fp[j]``, then from the right knot
    when that is not finite, as NumPy does; NaN ``x`` gives NaN.

    Parameters
    ----------
    x : float
        Where to interpolate (units of ``xp``).
    xp, fp : 1-D float arrays
        The curve's abscissae (strictly increasing) and values.

    Returns
    -------
    float
        Units of ``fp``.
    """
    n = xp.shape[0]
    if n == 0:
        raise ValueError("array of sample points is empty")
    if n == 1:
        return fp[0]
    if np.isnan(x):
        return x
    if x > xp[n - 1]:
        return fp[n - 1]
    if x < xp[0]:
        return fp[0]
    lo = 0  # the last knot at or below x: xp[lo] <= x < xp[hi]
    hi = n
    while hi - lo > 1:
        mid = (lo + hi) >> 1
        if x >= xp[mid]:
            lo = mid
        else:
            hi = mid
    if lo == n - 1 or xp[lo] == x:
        return fp[lo]
    slope = (fp[lo + 1] - fp[lo]) / (xp[lo + 1] - xp[lo])
    y = slope * (x - xp[lo]) + fp[lo]
    if np.isnan(y):
        y = slope * (x - xp[lo + 1]) + fp[lo + 1]
        if np.isnan(y) and fp[lo] == fp[lo + 1]:
            y = fp[lo]
    return y


@kernel(helper=True)
def reservoir_day(v0, inflow, evap_mm, precip_mm, target, eco_min, v_dead, v_full,
                  curve_storage, curve_area):
    """One day of a reservoir's water balance.

    Parameters
    ----------
    v0 : float  storage at the start of the day, m3
    inflow : float  mean inflow over the day, m3 s-1
    evap_mm, precip_mm : float  open-water evaporation and rain on the surface, mm d-1
    target, eco_min : float  target release and ecological minimum, m3 s-1
    v_dead, v_full : float  dead storage and the day's cap (full supply; flood limit in a flood season), m3
    curve_storage, curve_area : arrays  storage (m3) and area (m2) of the curve

    Returns
    -------
    v1 : float  storage at the end of the day, m3
    release, spill : float  mean release and spill, m3 s-1
    evaporated : float  net evaporation minus rain, m3 (may be negative)
    area : float  surface area used for the day, m2
    """
    area = interp_scalar(v0, curve_storage, curve_area)  # np.interp's value (see interp_scalar)
    net_evap = (evap_mm - precip_mm) * 1e-3 * area  # m3 d-1
    available = v0 + inflow * SECONDS_PER_DAY - net_evap
    if net_evap > 0.0 and available < 0.0:
        # not enough water to evaporate: evaporate what there is
        net_evap = v0 + inflow * SECONDS_PER_DAY
        available = 0.0
    release = max(target, eco_min)
    above_dead = max(available - v_dead, 0.0)
    release = min(release, above_dead / SECONDS_PER_DAY)
    v1 = available - release * SECONDS_PER_DAY
    spill = 0.0
    if v1 > v_full:
        spill = (v1 - v_full) / SECONDS_PER_DAY
        v1 = v_full
    return v1, release, spill, net_evap, area


@kernel(helper=True)
def land_under_surface(land_inflow, land_area, surface):
    """The part of a reservoir's local land runoff that its water surface would have made, m3 s-1.

    The subbasins that drain straight into a reservoir hold its surface (their area is
    shore and lake together, as the shipped basins write them), and the runoff model
    makes runoff over all of it; on the lake's part the day's balance is the lake's own
    rain and evaporation instead (:func:`reservoir_day`).  So the lake's share of their
    area, ``min(surface / land_area, 1)``, makes no land runoff.

    Parameters
    ----------
    land_inflow : float
        Runoff of the subbasins that drain straight into the reservoir, m3 s-1.
    land_area : float
        Their area, m2 (0: none, nothing is taken).
    surface : float
        The reservoir's surface area, m2.
    """
    if land_area <= 0.0 or land_inflow <= 0.0:
        return 0.0
    return land_inflow * min(surface / land_area, 1.0)


@kernel(helper=True)
def operate_reservoir(d, j, inflow, res_evap_mm, res_precip_mm, res_target, res_eco_min, res_dead,
                      res_full, curve_offset, curve_storage, curve_area, res_land_inflow, res_land_area,
                      res_volume, res_release, res_spill, res_inflow, res_evaporated, res_area,
                      res_land_taken):
    """Run day ``d`` of reservoir ``j`` (:func:`reservoir_day`) and store its results.

    ``inflow`` (m3 s-1) is what reaches and the reservoir's local inflow bring; the runoff
    the local land made on today's water surface (:func:`land_under_surface`, from
    ``res_land_inflow`` (D, S) m3 s-1 and ``res_land_area`` (S,) m2) is taken off it, so
    the surface's rain and evaporation are counted once, as the lake's.  The outputs are
    the (D, S) arrays of the routing kernels (``res_volume`` is (D+1, S)); ``res_inflow``
    receives the inflow the balance used, ``res_land_taken`` what was taken off it.
    Returns what leaves the reservoir, release plus spill (m3 s-1).
    """
    c0 = curve_offset[j]
    c1 = curve_offset[j + 1]
    v0 = res_volume[d, j]
    # the surface reservoir_day takes for the day (the same lookup, so the same value)
    surface = interp_scalar(v0, curve_storage[c0:c1], curve_area[c0:c1])
    taken = land_under_surface(res_land_inflow[d, j], res_land_area[j], surface)
    inflow -= taken
    v1, rel, spill, evaporated, area = reservoir_day(
        v0, inflow, res_evap_mm[d, j], res_precip_mm[d, j], res_target[d, j],
        res_eco_min[j], res_dead[j], res_full[d, j], curve_storage[c0:c1], curve_area[c0:c1])
    res_volume[d + 1, j] = v1
    res_release[d, j] = rel
    res_spill[d, j] = spill
    res_inflow[d, j] = inflow
    res_evaporated[d, j] = evaporated
    res_area[d, j] = area
    res_land_taken[d, j] = taken
    return rel + spill


@kernel
def accumulate_flows(order_kind, order_index, reach_down_kind, reach_down_index,
                     res_down_kind, res_down_index, lateral, boundary, res_lateral,
                     res_evap_mm, res_precip_mm, res_target, res_eco_min, res_dead, res_full,
                     res_v0, curve_offset, curve_storage, curve_area, res_land_inflow, res_land_area,
                     q_in, q_out, res_volume, res_release, res_spill, res_inflow, res_evaporated,
                     res_area, res_land_taken):
    """Route daily flows through the network by accumulation (no in-reach storage).

    Each day, in topological order: a reach's inlet flow is the sum of what its
    upstream elements release plus its boundary inflow; its outlet flow adds the
    lateral inflow (negative lateral flow is a withdrawal).  A reservoir takes
    what reaches and its own local inflow bring, and releases by its rules.

    Shapes: ``lateral``/``boundary`` (D, R), ``res_lateral``/``res_evap_mm``/
    ``res_precip_mm``/``res_target``/``res_full`` (D, S) (``res_full``: each day's storage
    cap, m3, :func:`hydro.flood_season.seasonal_full_storage`); the curves of reservoir s are
    ``curve_*[curve_offset[s]:curve_offset[s+1]]``.  ``res_land_inflow`` (D, S) is the
    part of ``res_lateral`` that is runoff of the land around each reservoir, whose area
    ``res_land_area`` (S,) holds its surface; ``res_land_taken`` (D, S) receives the part
    of it the surface made (:func:`operate_reservoir`).
    Outputs are filled in place: ``q_in``, ``q_out`` (D, R); ``res_volume``
    (D+1, S); the others (D, S).
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
                q_in[d, j] = into_reach[j]
                q_out[d, j] = into_reach[j] + lateral[d, j]
                if reach_down_kind[j] == 1:
                    into_reach[reach_down_index[j]] += q_out[d, j]
                elif reach_down_kind[j] == 2:
                    into_res[reach_down_index[j]] += q_out[d, j]
            else:
                released = operate_reservoir(
                    d, j, into_res[j], res_evap_mm, res_precip_mm, res_target, res_eco_min, res_dead,
                    res_full, curve_offset, curve_storage, curve_area, res_land_inflow, res_land_area,
                    res_volume, res_release, res_spill, res_inflow, res_evaporated, res_area, res_land_taken)
                if res_down_kind[j] == 1:
                    into_reach[res_down_index[j]] += released
