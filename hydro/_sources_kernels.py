"""Compiled kernel of the nitrogen source model: daily loads and the groundwater store.

Private module.  The kernel takes contiguous ``float64`` arrays, one ``int64``
array (the year index of each day) and scalars only; no configuration objects,
strings or dates.  The public layer (:mod:`hydro.sources`) evaluates the yearly
parameters, converts them to daily rates (kg/d) per year and subbasin, allocates
the outputs and calls :func:`daily_loads_kernel`.

Source columns of the output (the order of :data:`hydro.sources.SOURCE_NAMES`):
0 diffuse_quickflow, 1 groundwater, 2 rural_domestic, 3 livestock, 4 point,
5 deposition.

Groundwater store (legacy nitrogen), per subbasin::

    dN/dt = I - N / tau

with ``I`` constant over each day (kg/d) and ``tau`` in days.  Each day is
integrated exactly (exponential integrator): with ``a = 1 - exp(-1/tau)``
(computed as ``-expm1(-1/tau)``)::

    N_end = N_start - a (N_start - I tau)
    R     = I - (N_end - N_start)            (kg released over the day)

so ``I - R = N_end - N_start`` holds by construction, to round-off, every day.
``R = I (1 - a tau) + a N_start >= 0`` because ``a <= 1/tau``.

Base-flow timing (optional, per subbasin): the release of each block of
consecutive days that share a calendar year is redistributed over the block in
proportion to the day's base flow, ``D_d = R_block b_d / B_block``; a block with
no base flow keeps the store's own timing.  Block totals are kept, so the store
balance closes over every complete block.
"""

from __future__ import annotations

import math

from hydro._compile import kernel

N_SOURCE = 6
DIFFUSE, GROUNDWATER, DOMESTIC, LIVESTOCK, POINT, DEPOSITION = 0, 1, 2, 3, 4, 5


@kernel
def daily_loads_kernel(year_index, emc_mg_per_l, gw_input_kg_d, tau_days, domestic_kg_d,
                       livestock_kg_d, point_kg_d, deposition_kg_d, quick_mm, base_mm,
                       area_km2, baseflow_timing, storage0_kg, out_loads, out_storage,
                       out_input, out_release):
    """Fill the daily loads by source and the groundwater store, in place.

    Parameters
    ----------
    year_index : int64 [n_day]
        Row of the yearly arrays that applies on each day.
    emc_mg_per_l : float64 [n_year, n_sub]
        Area-weighted event-mean concentration of quick flow (mg/L).
    gw_input_kg_d : float64 [n_year, n_sub]
        Leached N surplus entering the groundwater store (kg/d).
    tau_days : float64 [n_year, n_sub]
        Mean residence time of the store (d), > 0.
    domestic_kg_d, livestock_kg_d, point_kg_d, deposition_kg_d : float64 [n_year, n_sub]
        Constant daily loads of those sources (kg/d).
    quick_mm, base_mm : float64 [n_day, n_sub]
        Quick flow and base flow depths over the subbasin (mm/d), >= 0.
    area_km2 : float64 [n_sub]
        Subbasin area (km2).  ``1 mg/L x 1 mm/d x 1 km2 = 1 kg/d``.
    baseflow_timing : float64 [n_sub]
        1.0 to deliver the store's release with base-flow timing, 0.0 for the
        store's own timing.
    storage0_kg : float64 [n_sub]
        Store content at the start of the first day (kg).
    out_loads : float64 [n_day, n_sub, 6]
        Daily loads by source (kg/d), filled.
    out_storage : float64 [n_day + 1, n_sub]
        Store content at the start of each day and at the end of the last (kg).
    out_input, out_release : float64 [n_day, n_sub]
        Input to and release from the store over each day (kg/d).
    """
    n_day = quick_mm.shape[0]
    n_sub = quick_mm.shape[1]
    for s in range(n_sub):
        n = storage0_kg[s]
        out_storage[0, s] = n
        for d in range(n_day):
            y = year_index[d]
            tau = tau_days[y, s]
            inp = gw_input_kg_d[y, s]
            a = -math.expm1(-1.0 / tau)
            n_end = n - a * (n - inp * tau)
            release = inp - (n_end - n)
            if release < 0.0:  # round-off only (release >= 0 in exact arithmetic)
                release = 0.0
                n_end = n + inp
            out_input[d, s] = inp
            out_release[d, s] = release
            out_storage[d + 1, s] = n_end
            n = n_end
            out_loads[d, s, DIFFUSE] = emc_mg_per_l[y, s] * quick_mm[d, s] * area_km2[s]
            out_loads[d, s, GROUNDWATER] = release
            out_loads[d, s, DOMESTIC] = domestic_kg_d[y, s]
            out_loads[d, s, LIVESTOCK] = livestock_kg_d[y, s]
            out_loads[d, s, POINT] = point_kg_d[y, s]
            out_loads[d, s, DEPOSITION] = deposition_kg_d[y, s]
        if baseflow_timing[s] > 0.5:
            start = 0
            while start < n_day:
                stop = start + 1
                while stop < n_day and year_index[stop] == year_index[start]:
                    stop += 1
                released = 0.0
                base = 0.0
                for d in range(start, stop):
                    released += out_release[d, s]
                    base += base_mm[d, s]
                if base > 0.0:
                    for d in range(start, stop):
                        out_loads[d, s, GROUNDWATER] = released * (base_mm[d, s] / base)
                start = stop
