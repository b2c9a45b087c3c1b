"""Compiled kernels of the runoff generation: GR4J and CemaNeige.

Private module.  Every function takes contiguous ``float64`` arrays (and, for the
band-to-subbasin map, one ``int64`` array) and scalars only; no configuration
objects, strings or dates.  Outputs are allocated by the caller
(:mod:`hydro.runoff`) and filled in place, and states are updated in place so a
run can be continued.  The loop over days is inside each kernel; the outer loop
runs over subbasins (GR4J) or elevation bands (CemaNeige), which are independent.

All quantities are depths over the subbasin (or band) area: mm and mm/d.

References
----------
Perrin, C., Michel, C., Andréassian, V. (2003) Improvement of a parsimonious model
for streamflow simulation.  J. Hydrol. 279, 275-289.
Valéry, A., Andréassian, V., Perrin, C. (2014) 'As simple as possible but not
simpler': what is useful in a temperature-based snow-accounting routine?  Part 2.
J. Hydrol. 517, 1176-1187.
"""

from __future__ import annotations

import math

import numpy as np

from hydro._compile import kernel


@kernel(helper=True)
def s_curve_uh1(t, x4):
    """Cumulative proportion of UH1 delivered by time ``t`` (days), Perrin et al. eq. 16."""
    if t <= 0.0:
        return 0.0
    if t < x4:
        return (t / x4) ** 2.5
    return 1.0


@kernel(helper=True)
def s_curve_uh2(t, x4):
    """Cumulative proportion of UH2 delivered by time ``t`` (days), Perrin et al. eq. 17."""
    if t <= 0.0:
        return 0.0
    if t <= x4:
        return 0.5 * (t / x4) ** 2.5
    if t < 2.0 * x4:
        return 1.0 - 0.5 * (2.0 - t / x4) ** 2.5
    return 1.0


@kernel(helper=True)
def uh_ordinates(x4, out1, out2):
    """Fill ``out1`` and ``out2`` with the UH1 and UH2 ordinates for ``x4`` (days).

    Ordinate ``k`` is the share of one day's input that leaves ``k`` days later
    (``k = 0`` the same day).  Entries beyond ``ceil(x4)`` (UH1) and
    ``ceil(2 x4)`` (UH2) are zero, so arrays may be longer than needed.
    """
    for k in range(out1.shape[0]):
        out1[k] = s_curve_uh1(k + 1.0, x4) - s_curve_uh1(float(k), x4)
    for k in range(out2.shape[0]):
        out2[k] = s_curve_uh2(k + 1.0, x4) - s_curve_uh2(float(k), x4)


@kernel
def gr4j_run(precip, pet, x1, x2, x3, x4, prod, rout, uh1, uh2,
             q, q_direct, q_routed, aet, exchange, prod_series, rout_series):
    """Run GR4J on ``n_sub`` independent subbasins for ``n_day`` days.

    Parameters
    ----------
    precip, pet : float64[n_sub, n_day]
        Liquid water input and potential evapotranspiration (mm/d).
    x1, x2, x3, x4 : float64[n_sub]
        Production store capacity (mm), exchange coefficient (mm/d), routing
        store capacity (mm) and unit-hydrograph time base (d).
    prod, rout : float64[n_sub]
        Production and routing store contents (mm); initial on entry, final on
        exit.
    uh1, uh2 : float64[n_sub, n_uh1], float64[n_sub, n_uh2]
        Water still travelling in UH1 (to the routing store) and UH2 (direct
        flow): entry ``k`` leaves ``k + 1`` days after the current day.
        Initial on entry, final on exit.
    q, q_direct, q_routed, aet, exchange, prod_series, rout_series : float64[n_sub, n_day]
        Outputs: total flow, direct flow (UH2 branch), routing-store outflow,
        actual evapotranspiration (mm/d), actual groundwater exchange (mm/d,
        positive is a gain), and end-of-day production and routing store
        contents (mm).
    """
    n_sub = precip.shape[0]
    n_day = precip.shape[1]
    n1 = uh1.shape[1]
    n2 = uh2.shape[1]
    ord1 = np.empty(n1)
    ord2 = np.empty(n2)
    for i in range(n_sub):
        a1 = x1[i]
        a2 = x2[i]
        a3 = x3[i]
        uh_ordinates(x4[i], ord1, ord2)
        s = prod[i]
        r = rout[i]
        for t in range(n_day):
            p = precip[i, t]
            e = pet[i, t]
            # interception: net rainfall or net evaporative demand
            if p >= e:
                pn = p - e
                ws = math.tanh(pn / a1)
                sr = s / a1
                ps = a1 * (1.0 - sr * sr) * ws / (1.0 + sr * ws)
                es = 0.0
                ae = e
            else:
                pn = 0.0
                ws = math.tanh((e - p) / a1)
                sr = s / a1
                # at most the store: where tanh rounds to 1 (E - P > ~19 x1; airGR caps the ratio at 13,
                # hydro does not) the formula rounds an ulp above s and left -1e-17 mm
                es = min(s * (2.0 - sr) * ws / (1.0 + (1.0 - sr) * ws), s)
                ps = 0.0
                ae = p + es
            s = s - es + ps
            # (1 + y^4)^(-1/4) as 1/sqrt(sqrt(.)): same value, several times faster than pow
            sr = 4.0 / 9.0 * s / a1
            perc = s * (1.0 - 1.0 / math.sqrt(math.sqrt(1.0 + sr * sr * sr * sr)))
            s = s - perc
            pr = perc + (pn - ps)
            # convolution: add today's input, release the head, shift
            p9 = 0.9 * pr
            p1 = 0.1 * pr
            q9 = uh1[i, 0] + ord1[0] * p9
            for k in range(n1 - 1):
                uh1[i, k] = uh1[i, k + 1] + ord1[k + 1] * p9
            uh1[i, n1 - 1] = 0.0
            q1 = uh2[i, 0] + ord2[0] * p1
            for k in range(n2 - 1):
                uh2[i, k] = uh2[i, k + 1] + ord2[k + 1] * p1
            uh2[i, n2 - 1] = 0.0
            # groundwater exchange, routing store, direct flow
            rr = r / a3
            f = a2 * rr * rr * rr * math.sqrt(rr)
            r_in = r + q9
            r = r_in + f
            if r < 0.0:
                r = 0.0
            exch = r - r_in
            rr = r / a3
            qr = r * (1.0 - 1.0 / math.sqrt(math.sqrt(1.0 + rr * rr * rr * rr)))
            r = r - qr
            qd = q1 + f
            if qd < 0.0:
                qd = 0.0
            exch += qd - q1
            q[i, t] = qr + qd
            q_direct[i, t] = qd
            q_routed[i, t] = qr
            aet[i, t] = ae
            exchange[i, t] = exch
            prod_series[i, t] = s
            rout_series[i, t] = r
        prod[i] = s
        rout[i] = r


@kernel
def cemaneige_run(precip, temp, solid_fraction, ctg, kf, g_threshold, band_owner,
                  band_weight, snow_pack, thermal_state, liquid, melt_out, snow_out,
                  swe_out, precip_out):
    """Run CemaNeige on ``n_band`` elevation bands and aggregate per subbasin.

    Parameters
    ----------
    precip, temp, solid_fraction : float64[n_band, n_day]
        Total precipitation (mm/d) and mean air temperature (deg C) of each band,
        already extrapolated to its elevation, and the solid share of the
        precipitation (-).
    ctg : float64[n_band]
        Thermal-state weighting coefficient (-), 0 <= ctg < 1.
    kf : float64[n_band]
        Degree-day melt factor (mm / deg C / d).
    g_threshold : float64[n_band]
        Snow pack (mm) above which the band is fully snow-covered (0.9 of the
        mean annual solid precipitation in CemaNeige).
    band_owner : int64[n_band]
        Row of the subbasin each band belongs to.
    band_weight : float64[n_band]
        Area share of the band inside its subbasin (-); they sum to one per
        subbasin.
    snow_pack, thermal_state : float64[n_band]
        Snow water equivalent (mm) and thermal state (deg C, <= 0); initial on
        entry, final on exit.
    liquid, melt_out, snow_out, swe_out, precip_out : float64[n_sub, n_day]
        Outputs, area-weighted over each subbasin's bands (must be zero on
        entry): liquid water leaving the snow routine (rain + melt, mm/d), melt
        (mm/d), solid precipitation (mm/d), end-of-day snow pack (mm) and total
        precipitation of the bands (mm/d).  A subbasin's first band writes
        ``0.0 + value`` (what adding it to the zeros gives) without reading
        them: a fresh page read first maps the zero page, which the write then
        copies (two page faults a page instead of one).
    """
    n_band = precip.shape[0]
    n_day = precip.shape[1]
    started = np.zeros(liquid.shape[0], dtype=np.bool_)
    for b in range(n_band):
        o = band_owner[b]
        first = not started[o]
        started[o] = True
        w = band_weight[b]
        c = ctg[b]
        k = kf[b]
        gt = g_threshold[b]
        g = snow_pack[b]
        etg = thermal_state[b]
        for t in range(n_day):
            pb = precip[b, t]
            tb = temp[b, t]
            snow = pb * solid_fraction[b, t]
            rain = pb - snow
            g = g + snow
            etg = c * etg + (1.0 - c) * tb
            if etg > 0.0:
                etg = 0.0
            # potential melt only for a cold content of zero and T above 0 deg C
            if etg == 0.0 and tb > 0.0:
                pot = k * tb
                if pot > g:
                    pot = g
            else:
                pot = 0.0
            if g < gt:
                ratio = g / gt
            else:
                ratio = 1.0
            m = (0.9 * ratio + 0.1) * pot
            g = g - m
            if first:
                liquid[o, t] = 0.0 + w * (rain + m)
                melt_out[o, t] = 0.0 + w * m
                snow_out[o, t] = 0.0 + w * snow
                swe_out[o, t] = 0.0 + w * g
                precip_out[o, t] = 0.0 + w * pb
            else:
                liquid[o, t] += w * (rain + m)
                melt_out[o, t] += w * m
                snow_out[o, t] += w * snow
                swe_out[o, t] += w * g
                precip_out[o, t] += w * pb
        snow_pack[b] = g
        thermal_state[b] = etg
