"""The watershed model's tables and processes: subbasins, weather, runoff, withdrawals, flows.

A *watershed* basin has ``[[subbasins]]``: each drains into a reach (its runoff
and loads spread along that reach) or straight into a reservoir.  A run
(:func:`hydro.pipeline.run_watershed`, which orders the steps) chains

weather (station CSV, carried to each subbasin by a precipitation factor and a
temperature lapse rate) -> Oudin PET -> CemaNeige snow on elevation bands ->
GR4J runoff -> nitrogen sources by subbasin and year (:mod:`hydro.sources`) ->
daily flows down the network (:mod:`hydro.hydraulics` or :mod:`hydro.routing`)
-> transport of TN with one tag per source (:mod:`hydro.transport`) ->
:class:`~hydro.results.Results`, with loads apportioned by source at every
reach, section and reservoir.

Basin-file tables (see ``docs/basin-file.md``), parsed and checked when the basin
loads (:mod:`hydro.watershed_tables`, :mod:`hydro.basin_tables`); a run reads only
the weather CSV and the series files onto its days:

``[weather]``
    ``csv`` (a hydro daily forcing CSV, :mod:`hydro.weather`), ``elevation_m`` and
    ``latitude_deg`` of the station, ``lapse_c_per_km`` (default 6.5).
``[runoff]``
    ``model`` (a registered runoff model, default ``"gr4j_cemaneige"``;
    ``docs/runoff-models.md``) and defaults of its parameters for every subbasin:
    ``x1_mm``, ``x2_mm_per_day``, ``x3_mm``, ``x4_days``, ``ctg``,
    ``kf_mm_per_c_per_day``; ``snow`` (true: CemaNeige before GR4J),
    ``solid_fraction`` (as a catchment's); ``initial_production_fraction``,
    ``initial_routing_fraction``.
``[[subbasins]]``
    ``id``, ``name``, ``area_km2``, ``reach`` or ``reservoir``, ``elevation_m``,
    ``band_elevations_m`` (snow bands, default one band at ``elevation_m``),
    ``precip_factor`` (station precipitation to subbasin, default 1),
    ``latitude_deg`` (default the station's), ``county``, ``province``, a
    ``[subbasins.runoff]`` table overriding ``[runoff]``, and
    ``[subbasins.sources]`` (:mod:`hydro.sources`).

Water temperature is estimated from air temperature with the regression of
Stefan & Preud'homme (1993), ``Tw = 5.0 + 0.75 Ta``, floored at 0 deg C (an
estimate, documented as such), with the air temperature of the land draining to
each reach and reservoir (:mod:`hydro.water_temperature`).  Open-water evaporation from reservoirs is taken
as Oudin PET at the station (an estimate).  A reservoir's surface lies in the
subbasins that drain straight into it; its balance takes the runoff of the day's
surface share of their area off its inflow (:func:`land_area`).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date

import numpy as np

from hydro.basin import Basin
from hydro.errors import HydroError, suggest
from hydro.results import Results
from hydro.runoff_model import RunoffResult
from hydro.units import MM_KM2_PER_DAY_TO_M3_S
from hydro.watershed_tables import (
    WATERSHED_PARTS,
    RunoffParameters,
    Watershed,
    WeatherSettings,
)


@dataclass(frozen=True)
class SubbasinWeather:
    """Daily weather carried to every subbasin, arrays ``[n_subbasin, n_day]``.

    Attributes
    ----------
    precip_mm, tmean_c, tmin_c, tmax_c, pet_mm : ndarray
        Precipitation (mm/d), air temperature (deg C) and Oudin PET (mm/d).
    station_precip_mm, station_tmean_c, station_pet_mm : ndarray [n_day]
        The station's own series (reservoir surfaces, water temperature).
    synthetic : bool
        Whether the station series is synthetic (generated).
    metadata : dict
        The forcing file's header.
    """

    precip_mm: np.ndarray
    tmean_c: np.ndarray
    tmin_c: np.ndarray
    tmax_c: np.ndarray
    pet_mm: np.ndarray
    station_precip_mm: np.ndarray
    station_tmean_c: np.ndarray
    station_pet_mm: np.ndarray
    synthetic: bool
    metadata: dict

    def at_station(self) -> SubbasinWeather:
        """This weather without its ``[n_subbasin, n_day]`` series (left with shape ``(0, n_day)``).

        Only the runoff step reads the subbasins' series; transport and results read the
        station's own and the metadata.  Keeping the rest to the end of a run held five
        ``[subbasin, day]`` arrays (146 MB at 10,000 subbasins x 1 year) for nothing.
        """
        empty = np.empty((0, self.station_tmean_c.size))
        return dataclasses.replace(self, precip_mm=empty, tmean_c=empty, tmin_c=empty, tmax_c=empty, pet_mm=empty)


def subbasin_weather(ws: Watershed, dates: list[date], forcing=None) -> SubbasinWeather:
    """Read the station CSV for the run (or take ``forcing``) and carry it to each subbasin.

    ``forcing`` is a 1-D :class:`hydro.weather.DailyForcing` that replaces the
    station file, e.g. one member of a generated ensemble.
    """
    from hydro.runoff import day_of_year, oudin_pet
    from hydro.weather import read_forcing_csv

    if forcing is None:
        forcing = read_forcing_csv(ws.weather.csv)
    wanted = np.array(dates, dtype="datetime64[D]")
    first, last = forcing.dates[0], forcing.dates[-1]
    if wanted[0] < first or wanted[-1] > last:
        raise HydroError(f"{ws.weather.csv}: the weather covers {first} to {last}, the run needs "
                         f"{wanted[0]} to {wanted[-1]}; shorten the run (--start/--end) or extend "
                         "the weather file")
    sl = slice(int((wanted[0] - first).astype(int)), int((wanted[-1] - first).astype(int)) + 1)
    p, tm, tn, tx = (np.asarray(a)[sl] for a in (forcing.precip_mm, forcing.tmean_c, forcing.tmin_c,
                                                  forcing.tmax_c))
    factor = np.array([s.precip_factor for s in ws.subbasins])[:, None]
    shift = ws.weather.air_shift_c(np.array([s.elevation_m for s in ws.subbasins]))[:, None]
    doy = day_of_year(wanted)
    lat = np.array([s.latitude_deg for s in ws.subbasins])[:, None]
    bits = lat.view(np.uint64)
    if bits.size and (bits == bits[0, 0]).all():  # one latitude (to the bit): its sun once a day, not per subbasin
        lat = lat[0, 0]
    tmean = tm[None, :] + shift
    pet = oudin_pet(tmean, lat, doy[None, :])
    station_pet = oudin_pet(tm, ws.weather.latitude_deg, doy)
    return SubbasinWeather(
        precip_mm=p[None, :] * factor, tmean_c=tmean, tmin_c=tn[None, :] + shift,
        tmax_c=tx[None, :] + shift, pet_mm=np.asarray(pet), station_precip_mm=p,
        station_tmean_c=tm, station_pet_mm=np.asarray(station_pet),
        synthetic=bool(forcing.metadata.get("synthetic", False)), metadata=dict(forcing.metadata))


#: What :func:`subbasin_runoff` returns: the runoff model's result, one row per subbasin.
Runoff = RunoffResult


def snow_thresholds(ws) -> np.ndarray | None:
    """CemaNeige's snowfall of full cover of every band (mm/yr): each band's mean yearly snowfall
    over every day of the basin's station record (its weather file, read once per process:
    :func:`hydro.weather.station_record`).

    A watershed run takes it from the station record whatever its period and weather (a
    generated member's too), as airGR takes ``MeanAnSolidPrecip`` from all the input it is
    given: a climate constant of the basin, so a run's snow on a day does not depend on the
    days it ends or starts on (it took the run's own days until 2026-12-01).  In groups of
    :data:`THRESHOLD_GROUP` subbasins (fewer where their bands' days pass :data:`THRESHOLD_BAND_DAYS`),
    so memory stays a few series of a group: each band's value
    the same, bit for bit, as one subbasin at a time (every operation is per value, and each
    band's mean over its own row), in a tenth of the time at 10,000 subbasins.  None without snow.
    """
    from hydro.snow import SnowBands, _band_inputs
    from hydro.weather import station_record

    if not ws.snow:
        return None
    forcing = station_record(ws.weather.csv)
    p, tm, tn, tx = (np.asarray(a) for a in (forcing.precip_mm, forcing.tmean_c, forcing.tmin_c, forcing.tmax_c))
    out = []
    subs = ws.subbasins
    most_bands = max(len(s.band_elevations_m) for s in subs)
    size = max(1, min(THRESHOLD_GROUP, THRESHOLD_BAND_DAYS // max(1, most_bands * len(p))))
    for first in range(0, len(subs), size):
        group = subs[first:first + size]
        bands = [SnowBands(station_elevation_m=s.elevation_m, band_elevations_m=s.band_elevations_m,
                           solid_fraction=ws.solid_fraction, temp_lapse_c_per_m=ws.weather.lapse_c_per_m) for s in group]
        shift = ws.weather.air_shift_c(np.array([s.elevation_m for s in group]))[:, None]
        factor = np.array([s.precip_factor for s in group], dtype=np.float64)[:, None]
        _, _, pb, _, sf = _band_inputs(bands, p[None, :] * factor, tm[None, :] + shift, tn[None, :] + shift,
                                       tx[None, :] + shift)
        out.append(365.25 * (pb * sf).mean(axis=1))
    return np.concatenate(out)


#: Subbasins whose snow thresholds :func:`snow_thresholds` computes together, at most.
THRESHOLD_GROUP = 256

#: Band-days (bands x days of the station record) :func:`snow_thresholds` computes together, at most
#: (fewer subbasins a group on a long record): a series of them is 8 MB and a group holds about ten
#: series at once, so a century's record takes about 0.1 GB (in groups of 256 it took 0.28 GB at 100
#: one-band subbasins, the peak of issue 16's 100-reach, 100-year run); a year's record keeps the groups
#: of 256 up to 10 bands a subbasin.
THRESHOLD_BAND_DAYS = 1_000_000


#: The results' subbasin variables from :func:`subbasin_runoff`'s ``parts``: variable -> part ([subbasin, day]).
SUBBASIN_SERIES = {"subbasin_air_temperature": "tmean_c", "subbasin_pet": "pet_mm",
                   "subbasin_snow_water_equivalent": "snow_pack_mm", "subbasin_snowfall": "snowfall_mm",
                   "subbasin_snowmelt": "melt_mm"}


def subbasin_runoff(ws: Watershed, weather: SubbasinWeather, dates: list[date], state=None,
                    snow_threshold=None) -> RunoffResult:
    """The runoff model (``[runoff] model``, :mod:`hydro.runoff_registry`) on every subbasin
    at once, one unit each.

    ``state`` (the ``final`` of a run that ended the day before) replaces the
    initial stores; ``snow_threshold`` (mm/yr per band) the snowfall of full
    cover that CemaNeige otherwise takes from this run's forcing (a watershed run
    gives the station record's, :func:`snow_thresholds`).

    Snow (``[runoff] snow``) gives each subbasin its elevation bands, with the
    ``solid_fraction`` of ``[runoff]``; the parameters are each subbasin's
    (:class:`~hydro.gr4j_parameters.RunoffParameters` for GR4J + CemaNeige, as a
    lumped catchment's).

    The result's ``parts`` are the series the results write beside the runoff (:data:`SUBBASIN_SERIES`: the
    subbasins' air temperature and PET, and with snow CemaNeige's snow pack, snowfall and melt, area means of
    each subbasin's bands); the model's other series (GR4J's store contents) are freed as soon as it returns
    (issue 16).
    """
    from hydro.daily_forcing import DailyForcing
    from hydro.runoff_model import stack_parameters
    from hydro.runoff_registry import runoff_model
    from hydro.snow import SnowBands

    subs = ws.subbasins
    bands = ([SnowBands(station_elevation_m=s.elevation_m, band_elevations_m=s.band_elevations_m,
                        solid_fraction=ws.solid_fraction, temp_lapse_c_per_m=ws.weather.lapse_c_per_m)
              for s in subs] if ws.snow else None)
    model = (runoff_model(ws.runoff_model, len(subs), bands) if snow_threshold is None else
             runoff_model(ws.runoff_model, len(subs), bands, mean_annual_solid_precip_mm=snow_threshold))
    params = stack_parameters([s.runoff for s in subs])
    if state is None:
        state = model.initial_state(params, production_fraction=ws.initial_production_fraction,
                                    routing_fraction=ws.initial_routing_fraction)
    forcing = DailyForcing(np.array(dates, dtype="datetime64[D]"), weather.precip_mm, weather.tmean_c,
                           weather.tmin_c, weather.tmax_c, weather.pet_mm, copy=False)
    result = model.run(forcing, params, state)
    parts = {"tmean_c": weather.tmean_c, "pet_mm": weather.pet_mm}
    snow = result.parts.get("snow")
    if snow is not None:
        parts.update(snow_pack_mm=snow.snow_pack_mm, snowfall_mm=snow.solid_precip_mm, melt_mm=snow.melt_mm)
    return dataclasses.replace(result, parts=parts)


def gauge_observations(basin: Basin, dates: list[date]) -> np.ndarray:
    """Observed discharge at every gauge on the run's days (m3 s-1; NaN: no record).

    A gauge's ``observed_discharge_m3_s`` is a number or ``{csv, column}``; CSV
    cells that are empty or ``NA`` are days without a record (gauges have gaps),
    not errors.
    """
    from hydro.series import SeriesReader

    net = basin.network
    out = np.full((len(dates), len(net.gauges)), np.nan)
    reader = SeriesReader(basin.folder, dates, allow_gaps=True)
    for k, spec in enumerate(basin.gauge_series):  # parsed at load (hydro.basin_tables)
        if spec is not None:
            out[:, k] = spec.read(reader)
    return out


def _lateral(net, ws: Watershed, flow_m3s: np.ndarray):
    """Lateral inflow per reach and local inflow per reservoir (m3 s-1) from subbasin flows [day, sub].

    The local inflow of a reservoir is the runoff of the land around it (the subbasins that
    drain straight into it, whose area :func:`land_area` gives), the ``res_land_inflow`` of
    :func:`hydro.hydraulics.accumulate`.
    """
    lateral = np.zeros((flow_m3s.shape[0], len(net.reaches)))
    res_local = np.zeros((flow_m3s.shape[0], len(net.reservoirs)))
    for k, s in enumerate(ws.subbasins):
        if s.reach is not None:
            lateral[:, net.reach_index(s.reach)] += flow_m3s[:, k]
        else:
            res_local[:, net.reservoir_index(s.reservoir)] += flow_m3s[:, k]
    return lateral, res_local


def land_area(net, ws: Watershed | None) -> np.ndarray:
    """Area of the land around each reservoir, m2 (S,): its subbasins with ``reservoir = id``.

    That land holds the reservoir's surface: a shore subbasin's area is its land and the lake
    together (``miyun_shore``, Guanting's ``gt01``/``gt02``, each with its water class), and the
    runoff model makes runoff over all of it.  The reservoir balance takes the runoff of the
    day's surface share of this area off its inflow and counts the surface's rain and
    evaporation as the lake's (:func:`hydro._hydraulics_kernels.land_under_surface`).  Zeros
    without subbasins (a flow-driven basin).
    """
    area = np.zeros(len(net.reservoirs))
    for s in ws.subbasins if ws is not None else ():
        if s.reservoir is not None:
            area[net.reservoir_index(s.reservoir)] += s.area_km2 * 1e6
    return area


def reservoir_pet(net, ws: Watershed, station: SubbasinWeather, dates) -> np.ndarray:
    """Open-water evaporation of each reservoir's surface, mm d-1 (D, S): Oudin PET of the station's
    temperature moved by ``[weather] lapse_c_per_km`` to the lake's full supply level (its surface's
    elevation, m a.s.l.), at the station's latitude.  Until 2026-12-06 every lake took the station's PET:
    Yunzhou's (1,032 m) and Cetian's (956 m) with the warmth of stations 900 m below them (water-budget
    review: Cetian 24 % above its shore's PET on dry summer days)."""
    from hydro.runoff import day_of_year, oudin_pet

    if not net.reservoirs:
        return np.zeros((len(dates), 0))
    from hydro.water_temperature import lake_air_shift

    shift = lake_air_shift(net, ws)
    doy = day_of_year(np.array(dates, dtype="datetime64[D]"))
    return np.asarray(oudin_pet(station.station_tmean_c[:, None] + shift[None, :], ws.weather.latitude_deg,
                                doy[:, None]))


def reservoir_precip_factors(net, ws: Watershed) -> np.ndarray:
    """Station-to-surface precipitation factor of each reservoir (S,): the area-weighted
    ``precip_factor`` of the subbasins that hold it (``reservoir = id``, whose land holds its
    surface, :func:`land_area`), so the lake takes the rain of the land around it; 1 where no
    subbasin holds it."""
    weight = np.zeros(len(net.reservoirs))  # precip_factor x area, m2
    for s in ws.subbasins:
        if s.reservoir is not None:
            weight[net.reservoir_index(s.reservoir)] += s.area_km2 * 1e6 * s.precip_factor
    area = land_area(net, ws)
    return np.divide(weight, area, out=np.ones_like(weight), where=area > 0)


def routing_method(basin: Basin) -> str:
    """``"muskingum-cunge"`` or ``"accumulate"``: how a watershed basin's flows are routed.

    ``[run] routing`` decides where it names a method (:func:`hydro.basin._check_routing`
    checked that it fits); ``"auto"`` routes by Muskingum-Cunge where every reach has a
    slope, except flow-driven runs, whose gauges match their records on each day only
    with flows accumulated within the day.
    """
    routing = basin.settings.routing
    if routing != "auto":
        return routing
    slopes = all(r.slope_m_per_m is not None for r in basin.network.reaches)
    return "muskingum-cunge" if slopes and not basin.settings.flow_driven else "accumulate"


def flows(basin: Basin, lateral, res_local, res_evap_mm, res_precip_mm, months, res_land=None, *,
          target_release=None, requests=None, state=None, sub_reaches=None):
    """Daily flows of a watershed basin by the routing its ``[run] routing`` asks for.

    Parameters are those of :func:`hydro.hydraulics.accumulate` without boundary
    inflows (a watershed's headwaters are fed by subbasins); ``res_land`` (D, S) is the
    part of ``res_local`` that is runoff of the land around each reservoir (m3 s-1; its
    area from :func:`land_area`: the lake's surface makes none); ``target_release``
    (D, S) gives the reservoirs' daily targets where ``[[transfers]]`` set them.
    ``requests`` (:class:`hydro.withdrawal_requests.WithdrawalRequests`) are the
    withdrawals that Muskingum-Cunge routing takes from the routed flows (the
    result's ``withdrawn`` and ``lateral`` then say what was taken); accumulated
    flows have them taken in ``lateral`` already
    (:func:`hydro.withdrawal_requests.withdrawn_lateral`).  ``state``
    (:class:`hydro.routing.RoutingState`) continues a routed run, and
    ``sub_reaches`` gives its cells (:func:`hydro.routing.route`); an
    accumulation's state is its reservoir volumes (m3).
    """
    from hydro.hydraulics import accumulate
    from hydro.routing import route

    net = basin.network
    boundary = np.zeros_like(lateral)
    land = {"res_land_inflow": res_land, "res_land_area": None if res_land is None else land_area(net, basin.watershed)}
    if routing_method(basin) == "accumulate":  # state: the reservoir volumes a run ended with (hydro.blocked)
        return accumulate(net, lateral, boundary, res_local, res_evap_mm, res_precip_mm, months,
                          target_release, res_volume=state, **land)
    slopes = np.array([r.slope_m_per_m for r in net.reaches], dtype=float)
    return route(net, slopes, lateral, boundary, res_local, res_evap_mm, res_precip_mm, months,
                 target_release=target_release, state=state, sub_reaches=sub_reaches, withdrawals=requests,
                 **land)
