"""Source timing applied to the daily loads: blended and seasonal rates, the wash-off store (issue 13).

:func:`timed_rates` turns the yearly rates of :func:`hydro.sources.loads.daily_loads` into daily ones
for subbasins with a ``[sources.timing]`` table (blended years, the leached surplus timed by the N
applied); :func:`deliver` passes rural domestic and livestock N, and the surface-applied share of
fertiliser and manure, through the exponential wash-off store (:func:`washoff`, with its optional
loss, in :mod:`hydro.sources.washoff_store`) of subbasins with
``delivery_timing = "washoff"``, started by :func:`washoff_start` where a run's days do not do it;
:func:`species_timing` gives the TP and CODMn of those sources the same timing.  The formulas are in
:mod:`hydro.sources.timing`.
"""

from __future__ import annotations

import numpy as np

from hydro.sources.deposition import land_fractions
from hydro.sources.registry import kinds
from hydro.sources.timing import (
    days_in_years,
    first_days,
    month_lengths,
    month_weights,
    run_day_of_year,
    spread,
    spread_stepped,
)
from hydro.sources.washoff_store import (
    START_DAYS,
    WashoffStore,
    steady_start,
    washed_fraction,
    washoff,
    washoff_losses,
)
from hydro.units import HA_PER_KM2


def blended_rates() -> tuple[str, ...]:
    """Yearly rates that follow the year blending: the kernel's and the constant kinds' (not those timing
    themselves, like the point sources, plant by plant: :func:`timed_point`)."""
    return ("emc_mg_per_l", "gw_input_kg_d", "tau_days") + _timed_constant()


def _timed_constant() -> tuple[str, ...]:
    return tuple(k.name for k in kinds() if k.delivery == "constant" and not k.own_timing)


def washed_sources() -> tuple[str, ...]:
    """Sources that build up on the surface with ``delivery_timing = "washoff"`` (the scattered kinds)."""
    return tuple(k.name for k in kinds() if k.scattered)


def surface_source() -> str:
    """Where surface-applied N goes when washed off: the quick-flow kind (``diffuse_quickflow``)."""
    return next(k.name for k in kinds() if k.delivery == "quickflow")


# ------------------------------------------------------------------------------ applied N
def applied_n(sub, years: np.ndarray, area_km2: float) -> np.ndarray:
    """Fertiliser, manure and other (deposition on land, not on the water surface, and fixation) N on the land
    (kg/d) [3, n_year]."""
    days = days_in_years(years).astype(np.float64)
    dep = sub.deposition
    land = np.zeros(len(years)) if dep is None else (
        dep.rate_kg_per_ha_yr.at(years) if dep.land_rate_kg_per_ha_yr is None else dep.land_rate_kg_per_ha_yr.at(years))
    out = np.zeros((3, len(years)))
    for lu, dry in zip(sub.land_use, land_fractions(sub, years, area_km2), strict=True):
        ha = lu.share.at(years) * HA_PER_KM2 * area_km2 / days
        d = (land if lu.deposition_kg_per_ha_yr is None else lu.deposition_kg_per_ha_yr.at(years)) * dry
        out[0] += ha * lu.fertiliser_kg_per_ha_yr.at(years)
        out[1] += ha * lu.manure_kg_per_ha_yr.at(years)
        out[2] += ha * (d + lu.fixation_kg_per_ha_yr.at(years))
    return out


def _season_weights(subs, years: np.ndarray, applied: list[np.ndarray], parts: tuple[float, float, float]
                    ) -> list[np.ndarray]:
    """Seasonal weights [days of year, n_sub] per year: fertiliser, manure and even parts mixed by ``applied``.

    A month's share of the mix is ``(f p_F + m p_M + o len / D) / (f + m + o)`` with ``f, m, o`` the
    subbasin's applied N of that year times ``parts``; spread evenly over the month's days, so the
    weights have mean 1 over the year (an even spread where nothing is applied).
    """
    def shares(key):
        rows = [None if s.timing is None else s.timing.pattern(key) for s in subs]
        return np.array([np.zeros(12) if r is None else r for r in rows]), np.array([r is None for r in rows])

    (pf, f_even), (pm, m_even) = shares("fertiliser"), shares("manure")
    amounts = np.array(applied) * np.asarray(parts)[None, :, None]          # [n_sub, 3, n_year]
    total = amounts.sum(axis=1)
    safe = np.where(total > 0, total, 1.0)
    out = []
    for k, year in enumerate(years):
        lengths = month_lengths(year)
        even = lengths / lengths.sum()
        f, m = amounts[:, 0, k] / safe[:, k], amounts[:, 1, k] / safe[:, k]
        o = np.where(total[:, k] > 0, 1.0 - f - m, 1.0)
        mix = (f[:, None] * np.where(f_even[:, None], even, pf) + m[:, None] * np.where(m_even[:, None], even, pm)
               + o[:, None] * even)
        out.append(month_weights(mix, year).T)  # [days, n_sub]
    return out


def timed_rates(subs, years, year_index, rates: dict[str, np.ndarray], area: np.ndarray,
                doy: np.ndarray | None = None, reference: dict[str, np.ndarray] | None = None
                ) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Rows and rate arrays for the kernel: daily rates where a subbasin has a timing table.

    Returns ``(row_index, rates)``: ``year_index`` and the yearly rates unchanged
    when no subbasin has a ``[sources.timing]`` table; otherwise ``arange(n_day)``
    and daily rates [n_day, n_sub] (:func:`hydro.sources.timing.spread`).
    ``reference``: the same yearly rates without a scenario's measures (the subbasins'
    ``reference`` sources): blended rates follow their daily series, scaled by the
    measures as steps (:func:`hydro.sources.timing.spread_stepped`).
    """
    if all(s.timing is None for s in subs):
        return year_index, rates
    doy = run_day_of_year(years, year_index) if doy is None else np.asarray(doy, dtype=np.int64)
    blended = np.array([s.timing is not None and s.timing.years == "blended" for s in subs])
    ref_subs = [s.reference or s for s in subs]
    applied = [applied_n(s, years, float(area[i])) for i, s in enumerate(subs)]
    ref_applied = applied if reference is None else [applied_n(s, years, float(area[i]))
                                                     for i, s in enumerate(ref_subs)]
    out = {k: v[year_index] for k, v in rates.items()}
    plain = [k for k in blended_rates() if k != "gw_input_kg_d"]
    n_sub = len(subs)

    def columns(table):
        return None if table is None else np.concatenate([table[k] for k in plain], axis=1)

    both = spread_stepped(columns(rates), columns(reference), years, year_index, doy, np.tile(blended, len(plain)))
    for i, key in enumerate(plain):
        out[key] = both[:, i * n_sub:(i + 1) * n_sub]
    out["gw_input_kg_d"] = spread_stepped(rates["gw_input_kg_d"], None if reference is None else
                                          reference["gw_input_kg_d"], years, year_index, doy, blended,
                                          _season_weights(subs, years, applied, (1.0, 1.0, 1.0)),
                                          None if reference is None else
                                          _season_weights(ref_subs, years, ref_applied, (1.0, 1.0, 1.0)))
    for kind in kinds():
        if kind.own_timing:  # the point sources, plant by plant
            out[kind.name] = np.stack([kind.daily(s, years, year_index, doy) for s in subs], axis=1)
    out["_surface"] = np.zeros_like(out["emc_mg_per_l"])
    surface = np.array([0.0 if s.timing is None else s.timing.surface_fraction for s in subs])
    if np.any(surface > 0):
        def surface_n(amounts):
            return np.stack([a[0] + a[1] for a in amounts], axis=1) * surface
        out["_surface"] = spread_stepped(surface_n(applied), None if reference is None else surface_n(ref_applied),
                                         years, year_index, doy, blended,
                                         _season_weights(subs, years, applied, (1.0, 1.0, 0.0)),
                                         None if reference is None else
                                         _season_weights(ref_subs, years, ref_applied, (1.0, 1.0, 0.0)))
    return np.arange(year_index.shape[0], dtype=np.int64), out


def timed_point(sub, per_year: np.ndarray, years: np.ndarray, year_index: np.ndarray,
                reference: np.ndarray | None = None, doy: np.ndarray | None = None) -> np.ndarray:
    """Daily TN load [n_day] of one point source of ``sub`` from its yearly rate [n_year] (kg/d).

    Blended across years when the subbasin's timing table says so, else constant in each
    calendar year.  :func:`hydro.sources.point_loads` and the ``point`` column of
    :func:`hydro.sources.daily_loads` both use it, so the column stays the plants' sum.
    ``reference`` [n_year]: the plant's rate without a scenario's measures, whose blend the
    measures scale as steps (:func:`hydro.sources.timing.spread_stepped`).  ``doy``: each day's day of
    the year (default :func:`hydro.sources.timing.run_day_of_year`'s inference).
    """
    if sub.timing is None or sub.timing.years != "blended":
        return per_year[year_index]
    doy = run_day_of_year(years, year_index) if doy is None else doy
    ref = None if reference is None else np.asarray(reference, dtype=np.float64)[:, None]
    return spread_stepped(per_year[:, None], ref, years, year_index, doy, np.array([True]))[:, 0]


def washoff_flow_mm(subs, quick_mm: np.ndarray, base_mm: np.ndarray, stores: dict | None = None,
                    store: str = "tn") -> np.ndarray:
    """The quick flow that drives each subbasin's wash-off store (mm/d) [n_day, n_sub].

    ``quick_mm`` (the runoff model's direct flow) where ``washoff_flow = "direct"`` (the default: the
    same array, not a copy, when no subbasin filters, and ``stores`` untouched); where ``"filtered"``,
    the event part of the subbasin's total runoff ``quick + base`` by one forward pass of the Lyne &
    Hollick (1979) filter (alpha 0.925, :func:`hydro.runoff_observed.lyne_hollick`, the filter that
    splits observed streamflow): causal, a day's value depends on the days before it only, so no day
    depends on where the run ends.  ``stores`` carries the filter from block to block (and from a
    spin-up) as it carries the store it washes: ``stores["washoff_flow_" + store]`` [2, n_sub], the
    last day's total runoff and quick flow (mm/d), continues the filter where present and holds these
    days' last on return; absent, the filter starts on the first day (all base flow).  ``store``: the
    store it washes, ``"tn"`` (:func:`hydro.sources.daily_loads`) or ``"quality"`` (the other species,
    :func:`hydro.sources.quality_loads`), each carrying its own.
    """
    filtered = [s for s, sub in enumerate(subs) if sub.timing is not None and sub.timing.washoff_flow == "filtered"]
    if not filtered:
        return quick_mm
    from hydro.runoff_observed import lyne_hollick

    key = "washoff_flow_" + store
    before = None if stores is None else stores.get(key)
    out = np.array(quick_mm, dtype=np.float64)
    end = np.full((2, out.shape[1]), np.nan)
    for s in filtered:
        total = np.asarray(quick_mm[:, s], dtype=np.float64) + base_mm[:, s]
        out[:, s] = total - lyne_hollick(total, passes=1, before=None if before is None else before[:, s])
        end[:, s] = total[-1], out[-1, s]
    if stores is not None and out.shape[0]:
        stores[key] = end
    return out


def washoff_coefficients(subs) -> np.ndarray:
    """Wash-off coefficient k of every subbasin (1/mm) [n_sub]: 0 where it has no wash-off store."""
    return np.array([s.timing.washoff_per_mm if s.delivery_timing == "washoff" else 0.0 for s in subs],
                    dtype=np.float64)


def _stores_of(subs, build: np.ndarray, quick: np.ndarray, initial_kg, mean_fraction) -> tuple[list, WashoffStore]:
    """The wash-off subbasins' indices and their store run on ``build`` [n_day, n_washoff, n_channel]
    (kg/d) (:func:`deliver`, :func:`species_timing`); ``mean_fraction`` [n_sub] or None."""
    idx = [s for s, sub in enumerate(subs) if sub.delivery_timing == "washoff"]
    store = washoff(build, quick[:, idx], washoff_coefficients(subs)[idx], initial_kg,
                    None if mean_fraction is None else np.asarray(mean_fraction)[idx], washoff_losses(subs)[idx])
    return idx, store


def _steady_start_of(subs, idx: list, build: np.ndarray, quick: np.ndarray, mean_fraction) -> np.ndarray:
    """The start :func:`washoff` gives the store of subbasins ``idx`` on ``build`` [n_day, len(idx),
    n_channel] (kg/d): :func:`steady_start` under ``mean_fraction`` [n_sub] (default these days')."""
    mean = (washed_fraction(np.ascontiguousarray(quick[:, idx]), washoff_coefficients(subs)[idx]).mean(axis=0)
            if mean_fraction is None else np.asarray(mean_fraction)[idx])
    return steady_start(np.ascontiguousarray(build, dtype=np.float64), mean, loss_per_day=washoff_losses(subs)[idx])


def washoff_start(subs, calendar: tuple, rates_of, area: np.ndarray, quick: np.ndarray, stores: dict | None,
                  mean_fraction=None) -> dict | None:
    """``stores`` with the TN wash-off store starting in balance with the build-up of the 365 days from
    the run's first day without a scenario's measures (:func:`steady_start`), so that one starting in
    them does not change the days before it.  ``calendar``: the run's years, each day's index into them
    and day of the year; a run of fewer days takes the inventory's build-up past its end
    (:func:`hydro.sources.timing.first_days`): no day depends on where it ends.  ``rates_of(subs, years)``:
    the yearly rates (:func:`timed_rates`).  ``stores`` comes back as it is where the store is carried
    (``"washoff_tn"``) or a run of 365 days or more has no measures (:func:`washoff` starts it); else
    with the start set (a new dict when None)."""
    idx = [s for s, sub in enumerate(subs) if sub.delivery_timing == "washoff"]
    years, year_index, doy = first_days(calendar, START_DAYS)
    if not idx or (stores is not None and "washoff_tn" in stores) or (
            calendar[1].shape[0] >= START_DAYS and all(s.reference is None for s in subs)):
        return stores
    ref_subs = [s.reference or s for s in subs]
    rows, rates = timed_rates(ref_subs, years, year_index, rates_of(ref_subs, years), area, doy=doy)
    surface = rates.get("_surface", np.zeros((rows.shape[0], len(subs))))
    build = np.stack([rates[n][rows][:, idx] for n in washed_sources()] + [surface[:, idx]], axis=2)
    stores = {} if stores is None else stores
    stores["washoff_tn"] = _steady_start_of(subs, idx, build, quick, mean_fraction)
    return stores


def species_start(yearly: list[np.ndarray], subs, source_names, calendar: tuple[np.ndarray, np.ndarray, np.ndarray],
                  quick: np.ndarray, mean_fraction) -> np.ndarray:
    """The other species' store start (kg) [n_washoff, n_species x n_washed] as :func:`species_timing`
    runs it, over the days of ``calendar`` (:func:`hydro.sources.timing.first_days`), from ``yearly``
    [n_year, n_sub, n_source] of each species without a scenario's measures (as :func:`washoff_start`)."""
    idx = [s for s, sub in enumerate(subs) if sub.delivery_timing == "washoff"]
    cols, n_sub = [source_names.index(n) for n in washed_sources()], len(subs)
    blended = np.array([s.timing is not None and s.timing.years == "blended" for s in subs])
    daily = spread(np.concatenate([y[:, :, c] for y in yearly for c in cols], axis=1), *calendar,
                   np.tile(blended, len(yearly) * len(cols)))   # calendar-year values where not blended
    build = np.stack([daily[:, k * n_sub:(k + 1) * n_sub][:, idx] for k in range(len(yearly) * len(cols))], axis=2)
    return _steady_start_of(subs, idx, build, quick, mean_fraction)


def deliver(loads: np.ndarray, subs, source_names, quick: np.ndarray, surface: np.ndarray | None,
            initial_kg: np.ndarray | None = None, mean_fraction: np.ndarray | None = None) -> WashoffStore | None:
    """Pass the washed sources of ``delivery_timing = "washoff"`` subbasins through the store, in place.

    ``loads`` [n_day, n_sub, n_source] (kg/d) as the kernel filled it; ``surface``
    [n_day, n_sub] the surface-applied build-up (kg/d) or None; ``initial_kg`` the
    store's content on the first day (the last ``storage_kg`` of a run this one
    continues; default the steady state of the first year, :func:`steady_start`, under
    ``mean_fraction`` [n_sub], the whole run's mean of :func:`washed_fraction`, default these
    days').  Returns the store (channels:
    :func:`washed_sources`, then surface-applied N) of those subbasins, or None
    when there are none.
    """
    idx = [s for s, sub in enumerate(subs) if sub.delivery_timing == "washoff"]
    if not idx:
        return None
    cols = [source_names.index(n) for n in washed_sources()]
    build = np.zeros((loads.shape[0], len(idx), len(cols) + 1))
    build[:, :, :-1] = loads[:, :, cols][:, idx]
    if surface is not None:
        build[:, :, -1] = surface[:, idx]
    idx, store = _stores_of(subs, build, quick, initial_kg, mean_fraction)
    for j, s in enumerate(idx):
        loads[:, s, cols] = store.washed_kg_per_day[:, j, :-1]
        loads[:, s, source_names.index(surface_source())] += store.washed_kg_per_day[:, j, -1]
    return store


def species_timing(arrays: list[np.ndarray], yearly: list[np.ndarray], subs, source_names, years, year_index,
                   quick: np.ndarray, initial_kg: np.ndarray | None = None, mean_fraction: np.ndarray | None = None,
                   reference: list[np.ndarray] | None = None, doy: np.ndarray | None = None
                   ) -> WashoffStore | None:
    """Give other species' loads of the constant kinds (rural domestic, livestock, deposition) TN's timing, in place.

    ``arrays`` [n_day, n_sub, n_source] and their ``yearly`` rates [n_year, n_sub, n_source]
    (kg/d): blended across years where the subbasin's timing table says so, and
    passed through the wash-off store where ``delivery_timing = "washoff"`` (the
    same store, coefficient and start as TN's; surface-applied N carries TN only).
    ``initial_kg`` and ``mean_fraction`` start that store as :func:`deliver`'s; returns it
    (None without one).  ``reference``: ``yearly`` without a scenario's measures, whose blend
    the measures scale as steps (as TN's, :func:`timed_rates`); ``doy`` each day's day of the year.
    """
    if all(s.timing is None for s in subs):
        return None
    doy = run_day_of_year(years, year_index) if doy is None else doy
    blended = np.array([s.timing is not None and s.timing.years == "blended" for s in subs])
    runoff = np.array([s.delivery_timing == "runoff" for s in subs])  # shared by runoff already, as TN's
    timed_kinds = [k for k in kinds() if k.delivery == "constant" and not k.own_timing]
    keys = [source_names.index(k.name) for k in timed_kinds]
    n_sub, n_k = len(subs), len(keys)
    # one spread of every species and source, one store run with every species as channels
    def columns(rates):
        return None if rates is None else np.concatenate([rate[:, :, k] for rate in rates for k in keys], axis=1)

    timed = spread_stepped(columns(yearly), columns(reference), years, year_index, doy,
                           np.tile(blended, len(yearly) * n_k))
    for i, arr in enumerate(arrays):
        for j, k in enumerate(keys):
            mask = blended & ~runoff if timed_kinds[j].scattered else blended
            col = (i * n_k + j) * n_sub
            arr[:, mask, k] = timed[:, col:col + n_sub][:, mask]
    idx = [s for s, sub in enumerate(subs) if sub.delivery_timing == "washoff"]
    if not idx:
        return None
    cols = [source_names.index(n) for n in washed_sources()]
    build = np.concatenate([arr[:, :, cols][:, idx] for arr in arrays], axis=2)
    if reference is not None and initial_kg is None:  # the store starts as without the measures
        ref_timed = spread(columns(reference), years, year_index, doy, np.tile(blended, len(yearly) * n_k))
        ref_build = build.copy()
        for i in range(len(arrays)):
            for jj, col in enumerate(cols):
                j = keys.index(col)
                for p, s in enumerate(idx):
                    if blended[s]:
                        ref_build[:, p, i * len(cols) + jj] = ref_timed[:, (i * n_k + j) * n_sub + s]
        initial_kg = _steady_start_of(subs, idx, ref_build, quick, mean_fraction)
    idx, store = _stores_of(subs, build, quick, initial_kg, mean_fraction)
    for i, arr in enumerate(arrays):
        for j, s in enumerate(idx):
            arr[:, s, cols] = store.washed_kg_per_day[:, j, i * len(cols):(i + 1) * len(cols)]
    return store


#: Key of :func:`hydro.sources.daily_loads`' ``stores`` under which the TN wash-off store of the run comes
#: out (a :class:`WashoffStore`, for the results' ``washoff_n_storage``, :func:`content_by_subbasin`); the
#: sources step takes it out again: it is not carried from block to block.
CONTENT_KEY = "washoff_tn_store"


def content_by_subbasin(subs, store: WashoffStore) -> np.ndarray:
    """The wash-off store's N over every channel, by subbasin (kg) [n_day + 1, n_sub]: at the start of
    each day and the end of the last (``store.storage_kg``), 0 where a subbasin has no store."""
    idx = [s for s, sub in enumerate(subs) if sub.delivery_timing == "washoff"]
    out = np.zeros((store.storage_kg.shape[0], len(subs)))
    out[:, idx] = store.storage_kg.sum(axis=2)
    return out


def surface_washed_by_subbasin(subs, store: WashoffStore) -> np.ndarray | None:
    """The surface-applied N the store washed off each day, by subbasin (kg/d) [n_day, n_sub] (its last
    channel, :func:`deliver`, which adds it to the ``diffuse_quickflow`` source); None where no subbasin puts
    any on the surface (``surface_fraction`` 0)."""
    if not any(sub.surface_fraction > 0 for sub in subs):
        return None
    idx = [s for s, sub in enumerate(subs) if sub.delivery_timing == "washoff"]
    out = np.zeros((store.washed_kg_per_day.shape[0], len(subs)))
    out[:, idx] = store.washed_kg_per_day[:, :, -1]
    return out


def flows_by_subbasin(subs, store: WashoffStore) -> tuple[np.ndarray, np.ndarray, float]:
    """The wash-off store's daily build-up and loss over every channel, by subbasin (kg/d) [n_day, n_sub] (0
    where a subbasin has no store or, the loss, its store loses nothing), and the store's relative closure:
    build-up = washed off + lost + the change in content, over the run."""
    idx = [s for s, sub in enumerate(subs) if sub.delivery_timing == "washoff"]
    n_day = store.buildup_kg_per_day.shape[0]
    buildup, lost = np.zeros((n_day, len(subs))), np.zeros((n_day, len(subs)))
    buildup[:, idx] = store.buildup_kg_per_day.sum(axis=2)
    if store.lost_kg_per_day is not None:
        lost[:, idx] = store.lost_kg_per_day.sum(axis=2)
    gain, washed = float(store.buildup_kg_per_day.sum()), float(store.washed_kg_per_day.sum())
    first, last = float(store.storage_kg[0].sum()), float(store.storage_kg[-1].sum())
    error = gain - washed - float(lost.sum()) - (last - first)
    scale = max(gain + first, washed + float(lost.sum()) + last)  # what passes through the store (a block that
    return buildup, lost, abs(error) / scale if scale > 0 else 0.0  # builds nothing up still washes its content)


#: Kernel code of each groundwater timing (:func:`hydro._sources_kernels.daily_loads_kernel`).
GW_MODES = {"store": 0.0, "baseflow": 1.0, "flow": 2.0}
