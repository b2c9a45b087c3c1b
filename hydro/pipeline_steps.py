"""The six steps of a watershed run, and the one function that orders them (:func:`six_steps`).

:func:`hydro.pipeline.run_watershed` runs them over a whole run, :mod:`hydro.blocked` over each
block of a run in time blocks (and over the spin-up of a run that starts after its basin's
``[run] start``); each step is a function of this module that takes what the steps before it made:

1. **weather** (:func:`hydro.watershed.subbasin_weather`): the station record,
   or a synthetic series, carried to every subbasin;
2. **runoff** (:func:`water`): CemaNeige and GR4J per subbasin, point-source
   effluent, transfers and releases (:mod:`hydro.transfers`), withdrawals, and
   for flow-driven basins the runoff matched to the gauges; the water each
   reach and reservoir receives;
3. **sources** (:func:`loads`): every carried constituent's species by source
   (:mod:`hydro.sources`, :mod:`hydro.sources.quality`), laid out as transport
   tracers (:mod:`hydro.tracers`);
4. **routing** (:func:`hydro.watershed.flows`): daily flows down the network; Muskingum-Cunge
   routing takes the withdrawals from the routed flows (:func:`routed_water`);
5. **transport** (:func:`transport`): the tracers down the network
   (:func:`hydro.transport.simulate`), with a conservative tracer of
   transferred water where water comes from outside the basin;
6. **results** (:func:`results`): named variables, coordinates and provenance.

The helpers each step calls live in :mod:`hydro.watershed` (the watershed's
tables and processes); this module only orders them.  (It was the body of
:mod:`hydro.pipeline` until a run's start state needed the blocks: the entry point
imports :mod:`hydro.blocked`, which imports these steps.)

Size: the six steps and the one function that orders them stay together (about 520 lines).
"""

from __future__ import annotations

import dataclasses
import time
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np

from hydro.basin import Basin
from hydro.errors import HydroError
from hydro.flood_season import calendar_days
from hydro.gauge_matching import match_gauges
from hydro.pet import day_of_year
from hydro.reference_numerics import reference_numerics
from hydro.results import Results
from hydro.runoff_warm_up import ATTRIBUTE as WARM_UP_ATTRIBUTE
from hydro.runoff_warm_up import START_ATTRIBUTE, WarmUp
from hydro.tracers import TracerInputs, part_loads, tracer_inputs
from hydro.transport import Constituent, TransportInputs, TransportResult, along_reach, simulate
from hydro.transport_volumes import on_own_first_day
from hydro.units import SECONDS_PER_DAY
from hydro.water_temperature import water_temperatures
from hydro.watershed import (
    MM_KM2_PER_DAY_TO_M3_S,
    SUBBASIN_SERIES,
    Watershed,
    _lateral,
    flows,
    gauge_observations,
    land_area,
    reservoir_pet,
    reservoir_precip_factors,
    routing_method,
    subbasin_runoff,
    subbasin_weather,
)
from hydro.withdrawal_requests import WithdrawalRequests, withdrawal_requests, withdrawn_lateral


@dataclass(frozen=True)
class Continuation:
    """What a run that continues one ending the day before takes (a block of :mod:`hydro.blocked`),
    and what a block computes over the whole run; all None (the default): a run from the start.
    The fields are the optional arguments of the steps they go to, named as there."""

    runoff_state: Any = None
    snow_threshold: Any = None
    run_years: Any = None
    water_in: Any = None
    stores: dict | None = None
    groundwater_kg: Any = None
    mean_base_mm: Any = None
    mean_washed: Any = None
    mean_nitrified: Any = None
    routing_state: Any = None
    sub_reaches: Any = None
    transport_start: Any = None
    runoff_warm_up: str | None = None
    initial_state: str | None = None  # what the run started from (the results' initial_state)


@dataclass(frozen=True)
class Steps:
    """What the six steps made (the inputs a block's end state is taken from)."""

    water: Water
    loads: Loads
    hydraulics: Any
    transport: TransportResult
    results: Results


def six_steps(basin: Basin, ws: Watershed, dates: list[date], weather, carried: list[Constituent],
              apportion: bool, names: tuple[str, str], step, c: Continuation = Continuation(),
              on_water=None) -> Steps:
    """The six steps in order over ``dates`` (:func:`hydro.pipeline.run_watershed`'s arguments; ``names`` the
    scenario and history, ``step`` a :class:`_Steps`), continuing from ``c``.  The results step is
    split: what is known before the transport (:func:`water_results`, given to ``on_water`` if not None,
    every global attribute set) and the transport's variables added to it, each group's as its lane ends
    (:func:`lane_naming`; ``on_water`` may return a callable that is given them, on the lane's thread)."""
    station = step("weather", subbasin_weather, ws, dates, weather)
    w = step("runoff", water, basin, ws, dates, station, c.runoff_state, c.snow_threshold, c.run_years,
             c.water_in, c.stores)
    air_c = station.tmean_c.T  # the subbasins' air temperature: the wash-off store's nitrification
    station = station.at_station()  # the subbasins' series were the runoff and sources steps' alone
    (hyd, start_water), src = side_by_side(  # neither writes what the other reads
        lambda: _routing(basin, w, c, step),
        lambda: step("sources", loads, basin, ws, w, carried, apportion, c.groundwater_kg, c.mean_base_mm,
                     c.stores, c.mean_washed, air_c, c.mean_nitrified))
    w = routed_water(w, hyd)
    res = step("results", water_results, basin, ws, w, src, hyd, station, carried, *names)
    res.attrs[WARM_UP_ATTRIBUTE] = c.runoff_warm_up or WarmUp().describe()
    if c.initial_state:
        res.attrs[START_ATTRIBUTE] = c.initial_state
    on_part = None if on_water is None else on_water(res)  # written while the transport runs (netcdf_overlap)
    naming = lane_naming(basin, w, src, carried, res, on_part)  # each group named as its lane ends
    tr = step("transport", transport, basin, w, src, hyd, station, c.transport_start, start_water, naming)
    res = step("results", naming.finish, tr)
    return Steps(w, src, hyd, tr, res)


def _routing(basin: Basin, w: Water, c: Continuation, step):
    """The routing step (:func:`hydro.watershed.flows`) of :func:`six_steps`, with the numerics of a
    reservoir minimum by year first: the hydraulics and the transport cells' starting water (None: the
    run's own)."""
    sub_reaches, start_water = c.sub_reaches, None
    if c.routing_state is None and c.transport_start is None:  # a minimum by year: the numerics without it
        sub_reaches, start_water = step("routing", reference_numerics, basin, w, c.sub_reaches)
    hyd = step("routing", flows, basin, w.lateral, w.res_local, w.evap, w.rain, w.calendar, w.res_land,
               target_release=w.target, requests=w.requests, state=c.routing_state, sub_reaches=sub_reaches)
    return hyd, start_water


def side_by_side(first, second):
    """``(first(), second())``, ``first`` on a thread of its own while ``second`` runs on this one where the
    transport has two threads (:data:`hydro.transport.TRANSPORT_THREADS`; the routing kernel releases
    Python's lock, the sources step is mostly Python): at 10,000 reaches the routing's 0.9 s beside the
    sources' 0.75.  Neither may write what the other reads; the results are the same either way."""
    from hydro.transport import TRANSPORT_THREADS

    if TRANSPORT_THREADS < 2:
        return first(), second()
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(1, thread_name_prefix="hydro-routing") as pool:
        done = pool.submit(first)
        other = second()
        return done.result(), other


class _Steps:
    """Calls a step and adds its wall time to ``timings[name]``."""

    def __init__(self, timings: dict | None):
        self.timings = timings

    def __call__(self, name: str, func, *args, **kwargs):
        t0 = time.perf_counter()
        out = func(*args, **kwargs)
        if self.timings is not None:
            self.timings[name] = self.timings.get(name, 0.0) + time.perf_counter() - t0
        return out


def carried_constituents(basin: Basin, names: tuple[str, ...] | None) -> list[Constituent]:
    """The basin's constituents a run carries (``names``; None: all).

    That sources deliver every part was checked when the basin loaded
    (:func:`hydro.watershed_tables.check_parts`).
    """
    every = list(basin.constituents)
    if not every:
        raise HydroError(f"{basin.path}: a watershed basin needs a [[constituents]] table, e.g. name = \"tn\"")
    if names is None:
        return every
    unknown = sorted(set(names) - {c.name for c in every})
    if unknown:
        raise HydroError(f"{basin.path}: no constituent {', '.join(unknown)} to carry; the basin has "
                         f"{', '.join(c.name for c in every)}")
    return [c for c in every if c.name in names]


@dataclass(frozen=True)
class Water:
    """What the runoff step gives: the water of every subbasin, reach and reservoir (per day).

    Attributes
    ----------
    dates, years : list of date, (D,) int
        The run's days and their calendar years.
    calendar : (D,) datetime64[D]
        The days again, as the reservoirs' rules take them (:mod:`hydro.flood_season`).
    simulated, runoff : SubbasinRunoff
        The runoff model's output, and what the network receives (the same, or
        matched to the gauges in a flow-driven basin).
    observed : (D, G) float
        Observed discharge at the gauges, m3 s-1 (NaN: no record).
    points : PointLoads
        Point sources (:func:`hydro.sources.point_loads`).
    evap, rain : (D, S) float
        Evaporation and rain on the reservoirs, mm d-1.
    area : (n_sub,) float
        Subbasin areas, km2.
    transfers : Transfers
        Transfers and operations (:func:`hydro.transfers.read_transfers`).
    target : (D, S) float or None
        Reservoir target releases by day, m3 s-1.
    withdrawn : (D, R) float
        Water taken out of each reach, m3 s-1.  Where Muskingum-Cunge routing takes the
        withdrawals (:func:`hydro.watershed.flows`), zeros until the routing step has
        taken them (:func:`routed_water`).
    lateral, res_local : (D, R), (D, S) float
        Water entering each reach along its length (less ``withdrawn``) and each reservoir
        directly, m3 s-1.
    res_land : (D, S) float
        The part of ``res_local`` that is runoff of the land around each reservoir, m3 s-1
        (:func:`hydro.watershed.land_area`: its surface share makes none).
    effluent : (D, R) float
        Point sources' effluent water joining each reach, m3 s-1 (part of ``lateral``; a town's sewage
        is water the runoff model does not see).
    requests : WithdrawalRequests
        What the withdrawals ask for (:mod:`hydro.withdrawal_requests`); taken by the routing
        step where flows are routed, else already in ``withdrawn``.
    run_years : (Y,) int or None
        The calendar years of the whole run these days are a block of (None: these days'
        years): what is spread or blended across years is computed over them.
    water_in : (bool, bool) or None
        Whether water enters from outside the basin, and into reaches, on any day of the
        whole run these days are a block of (None: of these days, :func:`water_enters`).
    """

    dates: list[date]
    years: np.ndarray
    calendar: np.ndarray
    simulated: Any
    runoff: Any
    observed: np.ndarray
    points: Any
    evap: np.ndarray
    rain: np.ndarray
    area: np.ndarray
    transfers: Any
    target: np.ndarray | None
    withdrawn: np.ndarray
    lateral: np.ndarray
    res_local: np.ndarray
    res_land: np.ndarray
    effluent: np.ndarray
    requests: WithdrawalRequests
    run_years: np.ndarray | None = None
    water_in: tuple[bool, bool] | None = None

    @property
    def months(self) -> np.ndarray:
        """The days' calendar months (1-12), (D,) int: ``calendar``'s, for callers of before 2026-12-05."""
        return calendar_days(self.calendar)[0]


def water(basin: Basin, ws: Watershed, dates: list[date], station, runoff_state=None,
          snow_threshold=None, run_years=None, water_in=None, stores: dict | None = None) -> Water:
    """Runoff of every subbasin, effluent, transfers and withdrawals: the water each element receives.

    ``runoff_state`` and ``snow_threshold`` continue a run (:func:`hydro.watershed.subbasin_runoff`);
    ``run_years`` and ``water_in`` describe the whole run (:class:`Water`); ``stores`` carries the
    withdrawals' reservoir volumes between blocks
    (:func:`hydro.withdrawal_requests.withdrawn_lateral`).  A flow-driven run matches the
    runoff to the gauges first (:func:`hydro.gauge_matching.match_gauges`, which takes the
    withdrawals from the flows it scales), and the withdrawals are then those of the matched flows.
    """
    from hydro.hydraulics import reservoir_arrays
    from hydro.sources import point_loads
    from hydro.transfers import read_transfers

    net = basin.network
    n_day, n_reach = len(dates), len(net.reaches)
    simulated = runoff = subbasin_runoff(ws, station, dates, runoff_state, snow_threshold)
    observed = gauge_observations(basin, dates)
    years = np.array([d.year for d in dates])
    points = point_loads(ws.sources, years, run_years, first_doy=int(day_of_year(dates[:1])[0]))
    # effluent water joins its reach with the load (a town's sewage is water the
    # runoff model does not see: supply from outside or from groundwater)
    effluent = np.zeros((n_day, n_reach))
    for k, reach in enumerate(points.reaches):
        effluent[:, net.reach_index(reach)] += points.discharge_m3_per_day[:, k] / SECONDS_PER_DAY
    evap = reservoir_pet(net, ws, station, dates)  # at each lake's own elevation
    rain = station.station_precip_mm[:, None] * reservoir_precip_factors(net, ws)[None, :]  # the shores' rain
    months = np.array([d.month for d in dates])
    calendar = np.array(dates, dtype="datetime64[D]")
    area = np.array([s.area_km2 for s in ws.subbasins])
    # transfers and operations: water from outside the basin into reservoirs and
    # reaches, release and ecological series, abstractions
    transfers = read_transfers(basin, dates)
    target = (transfers.target_release(reservoir_arrays(net, calendar)["target"])
              if transfers.sets_target else None)
    requests = withdrawal_requests(basin, dates, months, transfers.reach_abstraction)
    if basin.settings.flow_driven:  # the withdrawals above each gauge are taken from the matched flows
        runoff = match_gauges(basin, ws, simulated, observed, (evap, rain, calendar),
                              effluent + transfers.reach_inflow, res_extra=transfers.res_inflow,
                              target_release=target, requests=requests)
    # subbasins -> reaches and reservoirs (plus the water transferred in)
    lateral, res_land = _lateral(net, ws, (runoff.q_mm * area[:, None] * MM_KM2_PER_DAY_TO_M3_S).T)
    withdrawn = np.zeros((n_day, n_reach))
    lateral = lateral + effluent + transfers.reach_inflow
    if routing_method(basin) == "accumulate":  # else the routing takes them from the routed flows
        lateral, withdrawn = withdrawn_lateral(net, requests, lateral, res_land + transfers.res_inflow, evap,
                                               rain, calendar, target_release=target, stores=stores,
                                               res_land_inflow=res_land, res_land_area=land_area(net, ws))
    res_local = res_land + transfers.res_inflow
    return Water(dates=dates, years=years, calendar=calendar, simulated=simulated, runoff=runoff,
                 observed=observed, points=points, evap=evap, rain=rain, area=area, transfers=transfers,
                 target=target, withdrawn=withdrawn, lateral=lateral, res_local=res_local, res_land=res_land,
                 effluent=effluent, requests=requests,
                 run_years=None if run_years is None else np.asarray(run_years, dtype=np.int64),
                 water_in=water_in)


def routed_water(w: Water, hyd) -> Water:
    """``w`` with the water the routing took: where Muskingum-Cunge routing took the
    withdrawals from the routed flows (``hyd.withdrawn``), they and the lateral inflows the
    reaches were routed with replace ``w``'s; else ``w``."""
    taken = getattr(hyd, "withdrawn", None)
    if taken is None:
        return w
    return dataclasses.replace(w, withdrawn=taken, lateral=hyd.lateral)


def water_enters(w: Water) -> tuple[bool, bool]:
    """Whether water enters from outside the basin (transfers into reservoirs or reaches), and
    into reaches: over the whole run where ``w`` is a block of one (:attr:`Water.water_in`)."""
    if w.water_in is not None:
        return w.water_in
    return w.transfers.carries_water_in, bool(np.any(w.transfers.reach_inflow > 0))


@dataclass(frozen=True)
class Loads:
    """What the sources step gives: the tracers' inputs, and the groundwater N store behind them.

    The daily TN loads by subbasin and source, (D, n_sub, n_source) kg d-1, are not kept: the
    tracers' inputs hold them, and at 10,000 subbasins a year of them is 175 MB that nothing
    read again before the run ended.
    """

    tracers: TracerInputs
    groundwater: Any  # hydro.sources.GroundwaterStore
    #: TN in the wash-off stores by subbasin (kg) [n_day + 1, n_sub], at the start of each day and the end
    #: of the last; None: no subbasin has one (:func:`hydro.sources.washoff.content_by_subbasin`)
    washoff_kg: Any = None
    #: The wash-off stores' daily build-up and loss by subbasin (kg/d) and their relative closure
    #: (:func:`hydro.sources.washoff.flows_by_subbasin`); None: no subbasin has one
    washoff_flows: Any = None
    #: The surface-applied N the wash-off stores washed off, by subbasin (kg/d) [n_day, n_sub]; None: none
    #: (:func:`hydro.sources.washoff.surface_washed_by_subbasin`)
    washoff_surface: Any = None


def loads(basin: Basin, ws: Watershed, w: Water, carried: list[Constituent], apportion: bool,
          groundwater_kg=None, mean_base_mm=None, stores: dict | None = None, mean_washed=None,
          air_temp_c=None, mean_nitrified=None) -> Loads:
    """Loads of every carried constituent's species by source (kg/d), laid out as tracers (g/s).

    ``groundwater_kg`` (per subbasin, kg) starts the groundwater N stores (a run continued);
    ``mean_base_mm`` is the stores' mean base flow, ``mean_washed`` the wash-off stores' mean share
    washed off per day (:func:`hydro.store_climate.store_means`; None: this run's) and ``stores``
    carries the wash-off stores (:func:`hydro.sources.daily_loads`); ``air_temp_c`` [n_day, n_sub] (deg C)
    nitrifies their ammonium where the quality table says so (:mod:`hydro.sources.quality_store`), whose
    start takes ``mean_nitrified`` [n_sub] (as ``mean_washed``).
    """
    from hydro.sources import SOURCE_NAMES, daily_loads
    from hydro.sources.washoff import (
        CONTENT_KEY,
        content_by_subbasin,
        flows_by_subbasin,
        surface_washed_by_subbasin,
    )

    stores = {} if stores is None else stores  # as a first block's: the wash-off store's content comes out in it
    quick, base = w.runoff.q_direct_mm.T, w.runoff.q_routed_mm.T
    first_doy = int(day_of_year(w.dates[:1])[0])  # where the first year starts (seasonal timing)
    tn, _, gw = daily_loads(ws.sources, w.years, quick, base, w.area, initial_gw_kg=groundwater_kg,
                            mean_base_mm=mean_base_mm, run_years=w.run_years, stores=stores,
                            mean_washed=mean_washed, first_doy=first_doy)
    washoff = stores.pop(CONTENT_KEY, None)  # not carried to the next block
    washoff_kg = None if washoff is None else content_by_subbasin(ws.sources.subbasins, washoff)
    washoff_flows = None if washoff is None else flows_by_subbasin(ws.sources.subbasins, washoff)
    washoff_surface = None if washoff is None else surface_washed_by_subbasin(ws.sources.subbasins, washoff)
    quality = None
    if any(p.name != "tn" for c in carried for p in c.parts):
        from hydro.sources.quality import quality_loads

        if basin.quality_table is not None:
            quality = quality_loads(basin.quality_table, ws.sources, w.years, quick, base, w.area, tn, w.points,
                                    run_years=w.run_years, stores=stores, mean_washed=mean_washed,
                                    first_doy=first_doy, air_temp_c=air_temp_c, tn_store=washoff,
                                    mean_nitrified=mean_nitrified)
    parts = part_loads(basin, carried, tn, w.points.loads_kg_per_day, quality, w.transfers)
    tags = list(SOURCE_NAMES)
    if water_enters(w)[0] or any(t.kind == "inflow" for t in w.transfers.items):
        # brought by water from outside the basin; kept (zeros) in a period none enters, so that every run
        # of a basin with inflows has one source set (a tag without inputs is skipped by the transport)
        tags.append("transfer")
    if any(p.init_river > 0 or np.any(p.init_reservoir > 0) for p in parts):
        tags.append("initial")  # present at the start, followed until it leaves
    tin = tracer_inputs(basin.network, ws.subbasins, carried, parts, tags, apportion, len(w.dates),
                        len(w.points.reaches), water=((w.transfers.reach_inflow, w.transfers.res_inflow)
                                                      if water_enters(w)[0] else None))
    return Loads(tracers=tin, groundwater=gw, washoff_kg=washoff_kg, washoff_flows=washoff_flows,
                 washoff_surface=washoff_surface)


def transport(basin: Basin, w: Water, src: Loads, hyd, station, start=None, water=None,
              on_lane=None) -> TransportResult:
    """Every tracer down the network; the transferred water's tracer last, where there is one.

    ``start`` (:class:`hydro.blocked.TransportStart`) continues a run: the cells' water and
    every cell's and reservoir's concentration of every tracer at the end of the day before.
    ``water`` (:class:`hydro.transport_volumes.CellWater`) gives the cells' water at the start
    of a run from its start (:func:`hydro.reference_numerics.reference_numerics`).  ``on_lane``: as
    :func:`hydro.transport.simulate`'s (:func:`lane_naming`).
    """
    net = basin.network
    n_reach = len(net.reaches)
    tin = src.tracers
    reach_temp, res_temp = water_temperatures(station.station_tmean_c, net, basin.watershed)
    year_list = sorted(set(w.years.tolist()))
    period = np.searchsorted(year_list, w.years).astype(np.int64)
    tracers, groups = list(tin.layout.tracers), list(tin.layout.groups)
    species = list(tin.layout.group_species)
    lateral_load, res_load, point_load = tin.lateral_load, tin.res_load, tin.point_load
    init_conc, init_res_conc = tin.init_conc, tin.init_res_conc
    if tin.water:
        # transferred water as a conservative tracer of 1 g/m3 (its own group, the last of
        # tin's arrays): its concentration is the share of transferred water, its flux the
        # transferred flow
        tracers.append(Constituent(name="transferred_water", long_name="water transferred from "
                                   "outside the basin (tracer, 1 g m-3)", evaporates=True))
        groups.append(1)
        species.append(1)
    init_water = water if start is None else start.water
    if start is not None and start.conc is None:  # from the run's start on the basin's period's water
        init_water = on_own_first_day(net, init_water, hyd.q_in[:1], hyd.q_out[:1])
    debt = None if start is None else start.inlet_debt
    if start is not None and start.conc is not None:  # None: the run's start (the basin's [initial])
        init_conc, init_res_conc = start.conc, start.res_conc
    # a plant's water joins its reach's lateral inflow (water()): its load enters with it, along the reach
    point_cell = np.array([along_reach(net.reach_index(r)) for r in w.points.reaches], dtype=np.int64)
    inputs = TransportInputs(  # nothing enters at the reaches' inlets from outside the network: no boundaries
        q_in=hyd.q_in, q_out=hyd.q_out, res_volume=hyd.res_volume, res_outflow=hyd.res_outflow,
        res_area=hyd.res_area, boundary_flux=None, boundary_conc=None, dispersive_inlet=np.zeros(n_reach, bool),
        lateral_load=lateral_load, point_cell=point_cell, point_load=point_load, res_load=res_load,
        reach_temp=reach_temp, res_temp=res_temp,
        init_conc=init_conc, init_res_conc=init_res_conc,
        period_of_day=period, withdrawal=w.withdrawn, lateral=hyd.lateral, init_water=init_water,
        init_inlet_debt=debt, res_evaporation=lake_evaporation(hyd, w.rain))
    return simulate(net, tracers, inputs, courant=basin.settings.courant,
                    dispersion_limit=basin.settings.dispersion_limit, groups=groups,
                    day_labels=[d.isoformat() for d in w.dates], group_species=species,
                    reactions=tin.layout.reactions, local_steps=basin.settings.transport_local_steps(),
                    on_lane=on_lane, dispersion_every=basin.settings.dispersion_every)


def lake_evaporation(hyd, rain_mm: np.ndarray) -> np.ndarray:
    """The water each reservoir's surface evaporates, m3 s-1 (D, S): the water balance's net loss
    (``hyd.res_evaporated``, evaporation less rain, m3 d-1; all the lake held on a day it ran dry) plus
    the day's rain on the surface it used (``rain_mm``, mm d-1, on ``hyd.res_area``, m2), never below 0."""
    rain = rain_mm * 1e-3 * hyd.res_area  # m3 d-1
    return np.maximum(hyd.res_evaporated + rain, 0.0) / SECONDS_PER_DAY


def water_results(basin: Basin, ws: Watershed, w: Water, src: Loads, hyd, station, carried: list[Constituent],
                  scenario: str, history: str) -> Results:
    """The results known before the transport (:func:`results` adds the rest): hydraulics, subbasins,
    what the subbasins deliver, every coordinate and global attribute but :func:`six_steps`' last two."""
    from hydro.assembly import (
        add_source_inputs,
        add_transfer_results,
        hydraulic_results,
        watershed_provenance,
    )
    from hydro.hydraulics import network_water_balance_error
    from hydro.land_budget import add_land_budget
    from hydro.sources import INPUT_NAMES, gross_inputs
    from hydro.tracers import output_names
    from hydro.water_budget import add_water_budget

    net = basin.network
    lay = net.layout
    tin = src.tracers
    year_list = sorted(set(w.years.tolist()))
    names = output_names(carried)
    res = hydraulic_results(basin, w.dates, year_list, hyd, scenario, history, names)
    if len(names) > len(carried):
        res.attrs["species"] = ";".join(f"{c.name}={','.join(p.name for p in c.species)}"
                                        for c in carried if c.species)
    res.coords["subbasin"] = [s.id for s in ws.subbasins]
    res.coords["source"] = tin.tags
    res.attrs.update(watershed_provenance(ws, station, basin.folder))
    gw = src.groundwater
    gw_in, gw_out = gw.input_kg_per_day.sum(), gw.release_kg_per_day.sum()
    gw_change = float(np.sum(gw.storage_kg[-1] - gw.storage_kg[0]))
    # the runoff model's own balance (before any flow-driven scaling) and the network's
    res.attrs["water_balance_closure"] = (f"{max(w.simulated.water_balance_error(), network_water_balance_error(net, hyd), hyd.water_balance_error()):.3e}")  # noqa: E501
    if basin.settings.flow_driven:
        added = float(((w.runoff.q_mm - w.simulated.q_mm) * w.area[:, None]).sum()) * 1e3
        res.attrs["flow_driven_added_water_m3"] = f"{added:.6e}"
    res.attrs["groundwater_n_balance_closure"] = f"{abs(gw_in - gw_out - gw_change) / max(gw_in, 1e-300):.3e}"
    if basin.withdrawal_tables or w.transfers.reach_abstraction:
        res.add("reach_withdrawal", w.withdrawn)
    if net.gauges:
        res.coords["gauge"] = [g.id for g in net.gauges]
        res.add("gauge_discharge", lay.face_discharge(lay.gauge_cell, hyd.q_in, hyd.q_out))
        res.add("gauge_observed_discharge", w.observed)
        res.attrs["flow_driven"] = str(basin.settings.flow_driven).lower()
    res.add("subbasin_runoff", w.runoff.q_mm.T)
    res.add("subbasin_quickflow", w.runoff.q_direct_mm.T)
    res.add("subbasin_precipitation", w.runoff.precip_mm.T)
    res.add("subbasin_aet", w.runoff.aet_mm.T)
    add_water_budget(res, w, hyd, len(net.reservoirs))
    for name, part in SUBBASIN_SERIES.items():  # the model's own (before a flow-driven run's scaling)
        if part in w.simulated.parts:
            res.add(name, np.asarray(w.simulated.parts[part]).T)
    add_source_inputs(res, names, tin.inputs_by_tag, carried)
    res.coords["input"] = list(INPUT_NAMES)
    res.add("subbasin_tn_gross_input", gross_inputs(ws.sources, year_list, w.area))
    res.add("groundwater_n_storage", gw.storage_kg[1:])
    res.add("groundwater_n_input", gw.input_kg_per_day)
    res.add("groundwater_n_release", gw.release_kg_per_day)
    res.add("washoff_n_storage", np.zeros_like(gw.storage_kg[1:]) if src.washoff_kg is None else src.washoff_kg[1:])
    none = np.zeros_like(gw.input_kg_per_day)  # (no wash-off store)
    buildup, lost, closure = (none, none, 0.0) if src.washoff_flows is None else src.washoff_flows
    res.add("washoff_n_buildup", buildup)
    res.add("washoff_n_loss", lost)
    if src.washoff_flows is not None:
        res.attrs["washoff_n_balance_closure"] = f"{closure:.3e}"
    add_land_budget(res, ws.sources, year_list, w.area, w.years, gw.storage_kg, src.washoff_kg, src.washoff_surface)
    if w.transfers.any:
        add_transfer_results(res, w.transfers, hyd, w.target, len(net.reservoirs), water_enters(w)[1])
    return res


def lane_naming(basin: Basin, w: Water, src: Loads, carried: list[Constituent], res: Results, on_part=None):
    """What names the transport's results (every constituent and species, and by source) into ``res``
    (:func:`water_results`, completed in place by its ``finish``), each group as its lane ends
    (:class:`hydro.lane_results.LaneNaming`; ``on_part``: given each group's variables)."""
    from hydro.lane_results import LaneNaming

    tin = src.tracers
    groups = list(tin.layout.groups) + [1] * tin.water  # as transport() lays them out
    return LaneNaming(res, carried, groups, len(tin.tags), len(basin.network.reservoirs), tin.water,
                      w.transfers.any, on_part)
