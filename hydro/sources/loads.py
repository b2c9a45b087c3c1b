"""Daily TN loads by source: yearly parameters to kg/d, and the groundwater store.

:func:`daily_loads` evaluates every yearly parameter in the calendar years of the run
and the years either side (which the blend runs towards), turns them into daily rates per
year and subbasin, and calls the compiled kernel :func:`hydro._sources_kernels.daily_loads_kernel`,
which runs the groundwater store day by day.  Unit conversions (all exact):

* ``1 mg/L x 1 mm/d x 1 km2 = 1 kg/d`` (diffuse quick flow);
* ``1 km2 = 100 ha``; kg/yr to kg/d divides by the length of that calendar
  year (365 or 366 d), so a full calendar year of a constant source sums to
  its yearly value exactly;
* the residence time converts at 365.25 d/yr (``tau_days = 365.25 tau_years``);
* ``1 m3/d x 1 mg/L = 1e-3 kg/d``; ``1 g/d = 1e-3 kg/d``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from hydro.errors import HydroError
from hydro.sources import stacked
from hydro.sources.groundwater import DAYS_PER_YEAR_TAU
from hydro.sources.parameters import SourceParameters, SubbasinSources
from hydro.sources.point import plant_rate, reference_plant
from hydro.sources.registry import delivered_by, input_names, kinds, source_names
from hydro.sources.timing import days_in_years, run_day_of_year, with_neighbours
from hydro.sources.washoff import GW_MODES, deliver, timed_point, timed_rates, washoff_flow_mm, washoff_start

__all__ = ["DAYS_PER_YEAR_TAU", "GroundwaterStore", "PointLoads",
           "annual_loads", "daily_loads", "gross_inputs", "point_loads", "share_by_weight", "yearly_rates"]


def __getattr__(name: str):
    """``SOURCE_NAMES`` and ``INPUT_NAMES``: the registered kinds' names and inventory categories, now.

    Source names are in the order of the last axis of the loads array (the
    built-in kinds first: ``diffuse_quickflow, groundwater, rural_domestic,
    livestock, point, deposition``); the categories are those of
    :func:`gross_inputs` (``fertiliser, fixation, deposition, livestock,
    rural_domestic, point, deposition_oxidised``; ``deposition_oxidised`` is NANI's term).
    """
    if name == "SOURCE_NAMES":
        return source_names()
    if name == "INPUT_NAMES":
        return input_names()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


@dataclass(frozen=True)
class GroundwaterStore:
    """The groundwater (legacy N) store over a run, per subbasin.

    Attributes
    ----------
    storage_kg : ndarray [n_day + 1, n_sub]
        Content at the start of each day, and at the end of the last day (kg).
    input_kg_per_day : ndarray [n_day, n_sub]
        Leached surplus entering the store each day (kg/d).
    release_kg_per_day : ndarray [n_day, n_sub]
        N leaving the store each day, the integral of N/tau over the day (kg/d).
        With ``timing = "baseflow"`` the delivered load (the ``groundwater``
        source) is this release redistributed within each calendar year.

    Notes
    -----
    ``storage_kg[-1] - storage_kg[0] = input.sum(0) - release.sum(0)`` to round-off.
    """

    storage_kg: np.ndarray
    input_kg_per_day: np.ndarray
    release_kg_per_day: np.ndarray

    @property
    def final_kg(self) -> np.ndarray:
        """Content at the end of the run (kg), to start a following run."""
        return self.storage_kg[-1].copy()


@dataclass(frozen=True)
class PointLoads:
    """Daily loads of each point source, with the reach it discharges to.

    Attributes
    ----------
    names, reaches, subbasins : tuple of str
        Plant name, receiving reach id and subbasin id of each point source.
    loads_kg_per_day : ndarray [n_day, n_point]
    discharge_m3_per_day : ndarray [n_day, n_point]
        Effluent water of each plant (it joins the river with the load).
    """

    names: tuple[str, ...]
    reaches: tuple[str, ...]
    subbasins: tuple[str, ...]
    loads_kg_per_day: np.ndarray
    discharge_m3_per_day: np.ndarray


def _years(years_of_day, run_years=None, neighbours: bool = False) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Unique years, each day's index into them, and the calendar length of each.

    ``run_years`` (the calendar years of a whole run of which these days are a block,
    :mod:`hydro.blocked`) replaces the unique years, so that what is spread or blended
    across years is computed as for the whole run; ``neighbours``: with the years either side
    (:func:`hydro.sources.timing.with_neighbours`).
    """
    arr = np.asarray(years_of_day)
    if arr.ndim != 1 or arr.size == 0:
        raise HydroError(f"argument 'years_of_day': expected a non-empty 1-D array of years, got shape {arr.shape}")
    if not np.issubdtype(arr.dtype, np.integer):
        if not (np.issubdtype(arr.dtype, np.floating) and np.all(np.isfinite(arr)) and np.all(arr == np.round(arr))):
            raise HydroError("argument 'years_of_day': expected integer calendar years, "
                             "e.g. dates.astype('datetime64[Y]').astype(int) + 1970")
    arr = arr.astype(np.int64)
    if run_years is not None:
        unique = np.asarray(run_years, dtype=np.int64)
        index = np.searchsorted(unique, arr)
        if np.any(index >= unique.size) or np.any(unique[np.minimum(index, unique.size - 1)] != arr):
            raise HydroError("argument 'run_years': the run's years must include every day's year")
    else:
        unique, index = np.unique(arr, return_inverse=True)
    unique, index = with_neighbours(unique, index) if neighbours else (unique, index)  # the blend's neighbours
    return unique, np.ascontiguousarray(index, dtype=np.int64), days_in_years(unique).astype(np.float64)


def yearly_rates(sub: SubbasinSources, years: np.ndarray, area_km2: float) -> dict[str, np.ndarray]:
    """The daily rates of one subbasin in each of ``years``.

    Parameters
    ----------
    sub : SubbasinSources
    years : int array [n_year]
        Calendar years.
    area_km2 : float
        Subbasin area (km2).

    Returns
    -------
    dict of float64 [n_year]
        Every kind's rates (:meth:`hydro.sources.registry.SourceKind.rates`), in
        source order: ``emc_mg_per_l`` (area-weighted quick-flow EMC),
        ``gw_input_kg_d``, ``tau_days``, ``surplus_kg_per_ha_yr`` (area-weighted
        positive surplus), and the constant loads ``rural_domestic``,
        ``livestock``, ``point``, ``deposition`` (kg/d) and those of any kind
        registered after them.
    """
    days = days_in_years(years).astype(np.float64)
    out: dict[str, np.ndarray] = {}
    for kind in kinds():
        out.update(kind.rates(sub, years, days, area_km2))
    return out


def _flows(name: str, values, n_day: int, n_sub: int) -> np.ndarray:
    try:
        arr = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError):
        raise HydroError(f"argument '{name}': expected an array of numbers") from None
    if arr.ndim == 1 and n_sub == 1:
        arr = arr.reshape(-1, 1)
    if arr.shape != (n_day, n_sub):
        hint = (" (runoff results are [subbasin, day]: pass their transpose, .T)"
                if arr.shape == (n_sub, n_day) else "")
        raise HydroError(f"argument '{name}': expected shape [day, subbasin] = ({n_day}, {n_sub}), "
                         f"got {arr.shape}{hint}")
    bad = ~np.isfinite(arr) | (arr < 0)
    if bad.any():
        d, s = np.argwhere(bad)[0]
        raise HydroError(f"argument '{name}': expected finite depths >= 0 mm/d, got {arr[d, s]} "
                         f"on day {d} in subbasin {s}")
    return np.ascontiguousarray(arr)


def daily_loads(params: SourceParameters, years_of_day, quick_mm, base_mm, area_km2, *,
                initial_gw_kg=None, mean_base_mm=None, run_years=None,
                stores: dict | None = None, mean_washed=None, first_doy: int | None = None
                ) -> tuple[np.ndarray, tuple[str, ...], GroundwaterStore]:
    """Daily TN loads delivered to each subbasin's reach, by source.

    Parameters
    ----------
    params : SourceParameters
        Sources of ``n_sub`` subbasins.
    years_of_day : int array [n_day]
        Calendar year of each day (yearly values are taken in that year).
    quick_mm : array [n_day, n_sub]
        Quick flow (mm/d over the subbasin): GR4J's ``q_direct_mm``, transposed.
    base_mm : array [n_day, n_sub]
        Base flow (mm/d): GR4J's ``q_routed_mm``, transposed (``timing = "baseflow"``, ``"flow"``; runoff).
    area_km2 : array [n_sub]
        Subbasin areas (km2), > 0.
    initial_gw_kg : array [n_sub], optional
        Store contents on the first day (kg), e.g. ``gw_state.final_kg`` of a
        previous run; overrides ``groundwater.initial_kg`` and the steady state.
    mean_base_mm : array [n_sub], optional
        Mean base flow (mm/d) that ``timing = "flow"`` scales the release by; default this run's.
    run_years : int array, optional
        The calendar years of the whole run these days are a block of (:func:`_years`).
    stores : dict, optional
        The wash-off store carried between blocks: ``"washoff_tn"`` (kg) starts it, then holds its end.
    mean_washed : array [n_sub], optional
        Mean share of the wash-off store washed off per day (1/d) that its steady start divides the
        first year's build-up by; default this run's (:func:`hydro.sources.washoff.washed_fraction`).
    first_doy : int, optional
        Day of the year of the first day (1: 1 January); default inferred (``run_day_of_year``).

    Returns
    -------
    loads : ndarray [n_day, n_sub, n_source]
        Daily loads (kg/d), every one >= 0.
    source_names : tuple of str
        :data:`SOURCE_NAMES`, the registered kinds' names.
    gw_state : GroundwaterStore
        Store content, input and release.
    """
    subs = params.subbasins
    n_sub = len(subs)
    if n_sub == 0:
        raise HydroError("no subbasins with sources; add [[subbasins]] tables")
    years, year_index, _ = _years(years_of_day, run_years, neighbours=True)
    doy = run_day_of_year(years, year_index, first_doy)
    n_day = year_index.shape[0]
    quick = _flows("quick_mm", quick_mm, n_day, n_sub)
    base = _flows("base_mm", base_mm, n_day, n_sub)
    area = np.ascontiguousarray(np.atleast_1d(np.asarray(area_km2, dtype=np.float64)))
    if area.shape != (n_sub,) or not np.all(np.isfinite(area)) or np.any(area <= 0):
        raise HydroError(f"argument 'area_km2': expected {n_sub} finite areas > 0 km2 "
                         f"(one per subbasin: {', '.join(params.ids)}), got {np.asarray(area_km2)!r}")
    registered = kinds()
    names = source_names()
    rates = _yearly_rates(subs, years, area)
    timing = np.array([0.0 if s.groundwater is None else GW_MODES[s.groundwater.timing] for s in subs])
    reference = _reference_rates(subs, years, area)  # a scenario's measures: steps on the inventory's blend
    n0 = _initial_store(subs, rates if reference is None else reference, year_index[0], initial_gw_kg)
    loads = np.zeros((n_day, n_sub, len(names)))
    storage = np.zeros((n_day + 1, n_sub))
    inputs = np.zeros((n_day, n_sub))
    release = np.zeros((n_day, n_sub))
    from hydro import _sources_kernels as _k  # numba: imported when first used, not by `hydro --help`

    c, (rows, rates) = np.ascontiguousarray, timed_rates(subs, years, year_index, rates, area, doy, reference)
    for k, kind in enumerate(registered):
        if kind.delivery == "constant":
            loads[:, :, k] = rates[kind.name][rows]
    _k.daily_loads_kernel(year_index, rows, *(c(rates[k]) for k in ("emc_mg_per_l", "gw_input_kg_d", "tau_days")),
                          quick, base, area, timing, c(base.mean(axis=0) if mean_base_mm is None else mean_base_mm),
                          c(n0), delivered_by("quickflow"), delivered_by("store"), loads, storage, inputs, release)
    # over 365 days, without the measures (above for groundwater): ``reference`` where they are the run's years
    wash = washoff_flow_mm(subs, quick, base, stores)  # what washes the store (``washoff_flow``), carried
    stores = washoff_start(subs, (years, year_index, doy), lambda s, y: reference if reference is not None and
                           np.array_equal(y, years) else _yearly_rates(s, y, area), area, wash, stores, mean_washed)
    _time_scattered(loads, subs, names, quick, base, wash, year_index, rates.get("_surface"), stores, mean_washed)
    return loads, names, GroundwaterStore(storage, inputs, release)


def _time_scattered(loads, subs, names, quick, base, wash, year_index, surface, stores, mean_washed) -> None:
    """Share the scattered kinds' loads by runoff (``delivery_timing = "runoff"``) and pass them through the
    wash-off store (``"washoff"``) washed by ``wash`` (mm/d, :func:`washoff_flow_mm`), in place;
    ``stores["washoff_tn"]`` starts the store, then holds its end, ``"washoff_tn_store"`` the store (results)."""
    scattered = [k for k, kind in enumerate(kinds()) if kind.scattered]
    for s, sub in enumerate(subs):
        if sub.delivery_timing == "runoff":
            runoff = quick[:, s] + base[:, s]
            for k in scattered:
                loads[:, s, k] = share_by_weight(loads[:, s, k], runoff, year_index)
    store = deliver(loads, subs, names, wash, surface, (stores or {}).get("washoff_tn"), mean_washed)
    if stores is not None and store is not None:
        stores.update(washoff_tn=store.storage_kg[-1].copy(), washoff_tn_store=store)  # the store: not carried


#: Rates of the kernel's store and quick-flow columns (the constant kinds' rates are under their names).
_KERNEL_RATES = ("emc_mg_per_l", "gw_input_kg_d", "tau_days")


def _yearly_rates(subs, years: np.ndarray, area: np.ndarray) -> dict[str, np.ndarray]:
    """The kernel's rates and every constant kind's load, [n_year, n_sub] each."""
    names = _KERNEL_RATES + tuple(k.name for k in kinds() if k.delivery == "constant")
    return stacked.rates(subs, years, days_in_years(years).astype(np.float64), area, names, yearly_rates)


def _reference_rates(subs, years: np.ndarray, area: np.ndarray) -> dict[str, np.ndarray] | None:
    """:func:`_yearly_rates` without a scenario's measures (each subbasin's ``reference``), or None
    when no subbasin has one (:func:`hydro.sources.timing.stepped`)."""
    if all(s.reference is None for s in subs):
        return None
    return _yearly_rates([s.reference or s for s in subs], years, area)


def _initial_store(subs, rates: dict[str, np.ndarray], first: int, initial_gw_kg) -> np.ndarray:
    """Store contents on the first day (kg): the argument, else ``initial_kg``, else the steady state."""
    n0 = rates["gw_input_kg_d"][first] * rates["tau_days"][first]
    for s, sub in enumerate(subs):
        if sub.groundwater is not None and sub.groundwater.initial_kg is not None:
            n0[s] = sub.groundwater.initial_kg
    if initial_gw_kg is not None:
        n_sub = len(subs)
        given = np.atleast_1d(np.asarray(initial_gw_kg, dtype=np.float64))
        if given.shape != (n_sub,) or not np.all(np.isfinite(given)) or np.any(given < 0):
            raise HydroError(f"argument 'initial_gw_kg': expected {n_sub} finite values >= 0 kg, got {given!r}")
        n0 = given.copy()
    return n0


def share_by_weight(load: np.ndarray, weight: np.ndarray, year_index: np.ndarray) -> np.ndarray:
    """Share each year's total ``load`` over its days in proportion to ``weight``.

    The total of every year (the days of the run in it) is kept exactly up to
    round-off; a year whose weights are all zero keeps its own timing.
    """
    out = load.copy()
    for y in np.unique(year_index):
        days = year_index == y
        w = weight[days]
        if w.sum() > 0:
            out[days] = load[days].sum() * w / w.sum()
    return out


def point_loads(params: SourceParameters, years_of_day, run_years=None, first_doy: int | None = None) -> PointLoads:
    """Daily loads of every point source with its receiving reach.

    The ``point`` column of :func:`daily_loads` is the sum of these per
    subbasin; a model that places point sources on their own reach uses this
    instead of that column (never both).  ``run_years``, ``first_doy``: as :func:`daily_loads`'.
    """
    years, year_index, _ = _years(years_of_day, run_years, neighbours=True)
    doy = run_day_of_year(years, year_index, first_doy)
    names, reaches, owners, columns = [], [], [], []
    water = []
    for sub in params.subbasins:
        for ps in sub.point:
            names.append(ps.name)
            reaches.append(ps.reach)
            owners.append(sub.subbasin)
            per_year = plant_rate(ps, years)
            columns.append(timed_point(sub, per_year, years, year_index,  # blended years (issue 13)
                                       plant_rate(ref, years) if (ref := reference_plant(sub, ps)) else None, doy))
            water.append(ps.discharge_m3_per_day.at(years)[year_index])
    empty = np.zeros((len(year_index), 0))
    loads = np.stack(columns, axis=1) if columns else empty
    discharge = np.stack(water, axis=1) if water else empty
    return PointLoads(tuple(names), tuple(reaches), tuple(owners), loads, discharge)


def gross_inputs(params: SourceParameters, years, area_km2) -> np.ndarray:
    """Gross nitrogen inputs to each subbasin and year, before any loss or delivery (kg/yr).

    The inventory that source studies report (e.g. deposition as a share of
    inputs): mineral fertiliser and biological fixation on land, deposition on
    land and water, livestock excretion, rural domestic production (population
    x per-capita N) and point-source effluent.  Manure spread on fields is not
    counted again: it is livestock excretion already counted.  The deposition
    counted (land rates of the surplus, water-surface rate) is split into
    ``deposition_oxidised`` (where the basin gives ``oxidised_kg_per_ha_yr``)
    and the rest, ``deposition``.

    Parameters
    ----------
    params : SourceParameters
    years : int array [n_year]
        Calendar years.
    area_km2 : array [n_sub]
        Subbasin areas, km2.

    Returns
    -------
    ndarray [n_year, n_sub, len(INPUT_NAMES)]
        kg N per year by :data:`INPUT_NAMES` (each kind's categories,
        :meth:`hydro.sources.registry.SourceKind.inputs`).
    """
    years = np.asarray(years, dtype=np.int64)
    days = days_in_years(years).astype(np.float64)
    categories = input_names()
    return stacked.inputs(params.subbasins, years, days, np.asarray(area_km2, dtype=np.float64), categories)


def annual_loads(loads: np.ndarray, years_of_day) -> tuple[np.ndarray, np.ndarray]:
    """Sum daily loads over each calendar year present in the run.

    Parameters
    ----------
    loads : ndarray [n_day, ...]
        Daily loads (kg/d).
    years_of_day : int array [n_day]

    Returns
    -------
    years : int array [n_year]
    totals : ndarray [n_year, ...]
        kg per year (over the days of that year in the run).
    """
    years, index, _ = _years(years_of_day)
    loads = np.asarray(loads, dtype=np.float64)
    if loads.shape[0] != index.shape[0]:
        raise HydroError(f"argument 'loads': {loads.shape[0]} days but years_of_day has {index.shape[0]}")
    totals = np.zeros((len(years),) + loads.shape[1:])
    np.add.at(totals, index, loads)
    return years, totals
