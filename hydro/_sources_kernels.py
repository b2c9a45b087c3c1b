"""Compiled kernel of the nitrogen source model: daily loads and the groundwater store.

Private module.  The kernels take contiguous ``float64`` arrays, ``int64``
arrays (the year index and the rate row of each day) and scalars only; no configuration objects,
strings or dates.  The public layer (:mod:`hydro.sources`) evaluates the yearly
parameters, converts them to daily rates (kg/d) per year and subbasin, allocates
the outputs and calls :func:`daily_loads_kernel`.

Source columns of the output: the order of :data:`hydro.sources.SOURCE_NAMES`,
the registered source kinds (:mod:`hydro.sources.registry`).  The kernel fills
two of them, whose indices it is given: the quick-flow column (EMC x quick
flow, ``diffuse_quickflow``) and the store's column (``groundwater``); the
caller fills the columns of sources delivered at a given rate before the call.

Groundwater store (legacy nitrogen), per subbasin::

    dN/dt = I - N / tau

with ``I`` constant over each day (kg/d) and ``tau`` in days.  Each day is
integrated exactly (exponential integrator): with ``a = 1 - exp(-1/tau)``
(computed as ``-expm1(-1/tau)``)::

    N_end = N_start - a (N_start - I tau)
    R     = I - (N_end - N_start)            (kg released over the day)

so ``I - R = N_end - N_start`` holds by construction, to round-off, every day.
``R = I (1 - a tau) + a N_start >= 0`` because ``a <= 1/tau``.

Flow timing (``timing = "flow"``, per subbasin; issue 13): the store drains
faster on days of high base flow, ``dN/dt = I - N b_d / (b_mean tau)``, with
``b_mean`` the subbasin's mean base flow over the run, so the mean residence
time stays ``tau``.  With ``k = b_d / (b_mean tau)`` per day the same exact
step applies, ``N_end = N_start (1 - a) + I a / k`` with ``a = -expm1(-k)``
(``a / k = 1`` when ``k = 0``: nothing drains on a day without base flow), and
``R = I - (N_end - N_start) >= 0``.  The base-flow concentration of the release,
``R / b_d``, then follows the store's content and has no step on 1 January.

Base-flow timing (optional, per subbasin): the release of each block of
consecutive days that share a calendar year is redistributed over the block in
proportion to the day's base flow, ``D_d = R_block b_d / B_block``; a block with
no base flow keeps the store's own timing.  Block totals are kept, so the store
balance closes over every complete block.
"""

from __future__ import annotations

import math

from hydro._compile import kernel


@kernel
def daily_loads_kernel(year_index, row_index, emc_mg_per_l, gw_input_kg_d, tau_days, quick_mm, base_mm,
                       area_km2, gw_mode, mean_base_mm, storage0_kg, quick_col, store_col, out_loads,
                       out_storage, out_input, out_release):
    """Fill the quick-flow and store columns of the daily loads and the groundwater store, in place.

    Parameters
    ----------
    year_index : int64 [n_day]
        Calendar year of each day, as an index (blocks of base-flow timing).
    row_index : int64 [n_day]
        Row of the rate arrays that applies on each day: ``year_index`` for
        yearly rates [n_year, n_sub], ``arange(n_day)`` for daily ones.
    emc_mg_per_l : float64 [n_year, n_sub]
        Area-weighted event-mean concentration of quick flow (mg/L).
    gw_input_kg_d : float64 [n_year, n_sub]
        Leached N surplus entering the groundwater store (kg/d).
    tau_days : float64 [n_year, n_sub]
        Mean residence time of the store (d), > 0.
    quick_mm, base_mm : float64 [n_day, n_sub]
        Quick flow and base flow depths over the subbasin (mm/d), >= 0.
    area_km2 : float64 [n_sub]
        Subbasin area (km2).  ``1 mg/L x 1 mm/d x 1 km2 = 1 kg/d``.
    gw_mode : float64 [n_sub]
        0.0 the store's own timing, 1.0 base-flow timing (yearly blocks), 2.0
        flow timing (the store drains with base flow).
    mean_base_mm : float64 [n_sub]
        Mean base flow of the run (mm/d), used by flow timing; where it is 0
        the store keeps its own timing.
    storage0_kg : float64 [n_sub]
        Store content at the start of the first day (kg).
    quick_col, store_col : int
        Columns of ``out_loads`` of the quick-flow source and of the store's
        release; -1: no such source (not filled).
    out_loads : float64 [n_day, n_sub, n_source]
        Daily loads by source (kg/d); those two columns filled, the others left as given.
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
        flow = gw_mode[s] > 1.5 and mean_base_mm[s] > 0.0
        for d in range(n_day):
            y = row_index[d]
            tau = tau_days[y, s]
            inp = gw_input_kg_d[y, s]
            if flow:
                k = base_mm[d, s] / (mean_base_mm[s] * tau)
                a = -math.expm1(-k)
                a_over_k = a / k if k > 0.0 else 1.0
                n_end = n * (1.0 - a) + inp * a_over_k
            else:
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
            if quick_col >= 0:
                out_loads[d, s, quick_col] = emc_mg_per_l[y, s] * quick_mm[d, s] * area_km2[s]
            if store_col >= 0:
                out_loads[d, s, store_col] = release
        if 0.5 < gw_mode[s] < 1.5 and store_col >= 0:
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
                        out_loads[d, s, store_col] = released * (base_mm[d, s] / base)
                start = stop


@kernel
def washoff_kernel(buildup_kg_d, quick_mm, k_per_mm, store0_kg, out_washed, out_store):
    """Exponential wash-off store of each subbasin and channel, in place.

    Each day the day's build-up joins the store, then quick flow ``q`` washes
    off the share ``1 - exp(-k q)`` of it::

        S += B_d;   W_d = S (1 - exp(-k q_d));   S -= W_d

    so ``sum B = sum W + S_end - S_0`` by construction, to round-off.

    Parameters
    ----------
    buildup_kg_d : float64 [n_day, n_sub, n_channel]
        Build-up on the surface (kg/d).
    quick_mm : float64 [n_day, n_sub]
        Quick flow (mm/d), >= 0.
    k_per_mm : float64 [n_sub]
        Wash-off coefficient (1/mm), > 0.
    store0_kg : float64 [n_sub, n_channel]
        Content at the start of the first day (kg).
    out_washed : float64 [n_day, n_sub, n_channel]
        Washed off each day (kg/d), filled.
    out_store : float64 [n_day + 1, n_sub, n_channel]
        Content at the start of each day and at the end of the last (kg), filled.
    """
    n_day = buildup_kg_d.shape[0]
    n_sub = buildup_kg_d.shape[1]
    n_ch = buildup_kg_d.shape[2]
    for s in range(n_sub):
        k = k_per_mm[s]
        for c in range(n_ch):
            store = store0_kg[s, c]
            out_store[0, s, c] = store
            for d in range(n_day):
                store += buildup_kg_d[d, s, c]
                washed = -store * math.expm1(-k * quick_mm[d, s])
                store -= washed
                if store < 0.0:  # round-off only
                    washed += store
                    store = 0.0
                out_washed[d, s, c] = washed
                out_store[d + 1, s, c] = store


@kernel
def aged_store_kernel(buildup_kg_d, share, keep, nitrified, start_kg, out_fractions, out_content):
    """The wash-off store's organic N and ammonium beside its TN (:mod:`hydro.sources.quality_store`), in place.

    Each day, per subbasin and channel: the build-up joins the store (TN, and ``share`` of it as organic
    N and ammonium); the day's washed-off shares are the store's (``out_fractions``: organic N and ammonium
    over TN, the build-up's shares where the store is empty); then the store keeps ``keep`` of each and its
    ammonium a further ``1 - nitrified`` (turned to nitrate, which is TN less the other two).

    Parameters
    ----------
    buildup_kg_d : float64 [n_day, n_sub, n_channel]
        TN building up (kg/d).
    share : float64 [n_day, n_sub, n_channel, 2]
        Organic N and ammonium shares of the build-up (1).
    keep, nitrified : float64 [n_day, n_sub]
        Share of the store kept after wash-off and loss; share of the kept ammonium nitrified (1).
    start_kg : float64 [n_sub, n_channel, 3]
        TN, organic N and ammonium on the first day (kg).
    out_fractions : float64 [n_day, n_sub, n_channel, 2]
        Organic N and ammonium shares of what each day washes off (1), filled.
    out_content : float64 [n_day + 1, n_sub, n_channel, 3]
        TN, organic N and ammonium at the start of each day and the end of the last (kg), filled.
    """
    n_day = buildup_kg_d.shape[0]
    for s in range(buildup_kg_d.shape[1]):
        for c in range(buildup_kg_d.shape[2]):
            total = start_kg[s, c, 0]
            org = start_kg[s, c, 1]
            amm = start_kg[s, c, 2]
            out_content[0, s, c, 0] = total
            out_content[0, s, c, 1] = org
            out_content[0, s, c, 2] = amm
            for d in range(n_day):
                b = buildup_kg_d[d, s, c]
                total += b
                org += b * share[d, s, c, 0]
                amm += b * share[d, s, c, 1]
                if total > 0.0:
                    out_fractions[d, s, c, 0] = org / total
                    out_fractions[d, s, c, 1] = amm / total
                else:
                    out_fractions[d, s, c, 0] = share[d, s, c, 0]
                    out_fractions[d, s, c, 1] = share[d, s, c, 1]
                k = keep[d, s]
                total *= k
                org *= k
                amm *= k
                amm *= 1.0 - nitrified[d, s]
                out_content[d + 1, s, c, 0] = total
                out_content[d + 1, s, c, 1] = org
                out_content[d + 1, s, c, 2] = amm
