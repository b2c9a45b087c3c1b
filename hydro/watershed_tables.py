"""A watershed basin's tables, parsed when the basin loads: ``[weather]``, ``[runoff]``, ``[[subbasins]]``.

:func:`parse_watershed` turns them (with each subbasin's ``[subbasins.sources]``, read
by :meth:`hydro.sources.SourceParameters.from_subbasin_tables`) into a frozen
:class:`Watershed`, kept as :attr:`hydro.basin.Basin.watershed`; every error in them
is raised by :meth:`hydro.basin.Basin.load`.  The weather CSV is checked at load for
its existence and header (its values are read when a run needs them,
:func:`hydro.watershed.subbasin_weather`).  The keys are described in
:mod:`hydro.watershed` and ``docs/basin-file.md``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from hydro.basin_tables import csv_header
from hydro.errors import HydroError, repeated, suggest
from hydro.gr4j_parameters import (
    GR4J_CEMANEIGE,
    SOLID_FRACTION_METHODS,
    RunoffParameters,
    read_band_elevations,
)
from hydro.tomlio import Table
from hydro.units import ELEVATION_RANGE_M, MAX_SUBBASIN_AREA_KM2

if TYPE_CHECKING:
    from hydro.sources.parameters import SourceParameters

#: What a watershed's sources can deliver: TN, its species, and the regional
#: table's other species and their totals (hydro.sources.quality).
WATERSHED_PARTS = ("tn", "orgn", "nh3n", "no3n", "tp", "dp", "pp", "codmn")


#: Largest ``precip_factor`` (subbasin precipitation over the station's): mountains take two to three times a
#: valley station's precipitation at most, so 5 leaves room; 95 for 0.95 (a percentage) gave 70,000 mm a year.
MAX_PRECIP_FACTOR = 5.0


@dataclass(frozen=True)
class Subbasin:
    """A subbasin: where it drains, its terrain, its weather scaling and runoff parameters.

    Attributes
    ----------
    id, name : str
    area_km2 : float
        Area, km2.
    reach, reservoir : str or None
        Exactly one is set: the reach its runoff enters (spread along it) or the
        reservoir it drains into directly.
    elevation_m : float
        Mean elevation, m a.s.l.
    band_elevations_m : tuple of float
        Median elevations of the snow bands (equal areas), m a.s.l.
    precip_factor : float
        Subbasin precipitation over station precipitation (-).
    latitude_deg : float
        Latitude for Oudin PET, degrees north.
    county, province : str
        Administrative units (for reports and compensation).
    runoff : RunoffParameters or dict
        Parameters of the runoff model: a :class:`RunoffParameters` for GR4J +
        CemaNeige, name -> value for another registered model.
    """

    id: str
    name: str
    area_km2: float
    reach: str | None
    reservoir: str | None
    elevation_m: float
    band_elevations_m: tuple[float, ...]
    precip_factor: float
    latitude_deg: float
    county: str
    province: str
    runoff: RunoffParameters | dict[str, float]


@dataclass(frozen=True)
class WeatherSettings:
    """The weather station that drives a watershed basin (``[weather]``).

    Attributes
    ----------
    csv : Path
        Daily forcing CSV (:func:`hydro.weather.read_forcing_csv`).
    elevation_m : float
        Station elevation, m a.s.l.
    latitude_deg : float
        Station latitude, degrees north.
    lapse_c_per_km : float
        Air-temperature decrease with height, deg C km-1.
    """

    csv: Path
    elevation_m: float
    latitude_deg: float
    lapse_c_per_km: float = 6.5

    @property
    def lapse_c_per_m(self) -> float:
        """The change of air temperature with height, deg C m-1 (negative: colder upward)."""
        return -self.lapse_c_per_km / 1000.0

    def air_shift_c(self, elevation_m):
        """Air temperature at ``elevation_m`` (m a.s.l., float or array) less the station's, deg C: the one
        lapse shift of subbasins, snow bands, reaches and lakes."""
        return self.lapse_c_per_m * (elevation_m - self.elevation_m)


@dataclass(frozen=True)
class Watershed:
    """The subbasins, weather, runoff settings and sources of a watershed basin.

    ``snow`` runs CemaNeige on each subbasin's bands before GR4J, with the
    ``solid_fraction`` formulation of :class:`hydro.snow.SnowBands` (as a lumped catchment's);
    ``runoff_model`` is the registered runoff model (``[runoff] model``, :mod:`hydro.runoff_registry`).
    """

    subbasins: tuple[Subbasin, ...]
    weather: WeatherSettings
    snow: bool
    initial_production_fraction: float
    initial_routing_fraction: float
    sources: SourceParameters
    solid_fraction: str = "hydrotel"
    runoff_model: str = GR4J_CEMANEIGE

    @classmethod
    def from_basin(cls, basin) -> Watershed:
        """The watershed of a basin, parsed and checked when the basin loaded (:attr:`Basin.watershed`)."""
        if basin.watershed is None:
            raise HydroError(f"{basin.path}: not a watershed basin (it has no [[subbasins]])")
        return basin.watershed


#: The lapse rates ``[weather] lapse_c_per_km`` accepts, degC per km: 0 (none), or from the least a
#: year's mean air takes (about 1) to the dry adiabat's 9.8 (6.5 is the standard atmosphere's); 0.0065 (per
#: metre) or 0.65 (per 100 m) would keep a mountain as warm as its station (error-message review, 2026-12-06).
LAPSE_RANGE_C_PER_KM = (1.0, 10.0)


def lapse_rate(w: Table) -> float:
    """``[weather] lapse_c_per_km`` (default 6.5), 0 or within :data:`LAPSE_RANGE_C_PER_KM`."""
    low, high = LAPSE_RANGE_C_PER_KM
    value = w.float("lapse_c_per_km", 6.5, minimum=0.0, maximum=high,
                    why="degrees C per km of height (6.5 is the standard atmosphere's, 9.8 the dry adiabat's)")
    if 0.0 < value < low:
        raise w.error("lapse_c_per_km", f"{value:g} degC per km is below any atmosphere's ({low:g} to {high:g}; 6.5 "
                                        f"standard): in degC per metre or per 100 m? give it per km ({value * 1000:g} "
                                        f"or {value * 100:g}), or 0 for no lapse")
    return value


def weather_settings(w: Table, folder: Path) -> WeatherSettings:
    """``[weather]``, with the CSV's existence and header checked (its values are read by a run)."""
    from hydro.forcing_csv import check_weather_header

    weather = WeatherSettings(csv=folder / w.str("csv"), elevation_m=w.float("elevation_m", **ELEVATION_RANGE_M),
                              latitude_deg=w.float("latitude_deg", minimum=-90, maximum=90),
                              lapse_c_per_km=lapse_rate(w))
    w.finish()
    check_weather_header(weather.csv, *csv_header(weather.csv, f"[weather] csv in {w.file}"))
    return weather


#: How much a subbasin may exceed the area ``[[counties]]`` gives its county (digitising and a border drawn
#: along a river); 90,000 km2 in Fengning (8,765) ran: hectares as km2 (error-message review, 2026-12-06).
COUNTY_AREA_SLACK = 1.1
#: How far a subbasin's ``elevation_m`` (its mean) may lie outside its snow bands' elevations, m: bands in
#: km beside an elevation in m, or an elevation in feet, ran (error-message review, 2026-12-06).
BAND_MARGIN_M = 500.0


def subbasin(t: Table, network, counties: dict, weather: WeatherSettings, read_runoff) -> Subbasin:
    """One ``[[subbasins]]`` table (its ``sources`` are read with the others'; ``read_runoff``
    reads its ``[subbasins.runoff]`` table over the ``[runoff]`` defaults)."""
    sid = t.str("id")
    reach = t.str("reach", None)
    reservoir = t.str("reservoir", None)
    if (reach is None) == (reservoir is None):
        raise t.error("reach", "give exactly one of 'reach' or 'reservoir' (where the subbasin drains)")
    if reach is not None:
        network.reach_index(reach, f"{t.file}: {t.path('reach')}")
    else:
        network.reservoir_index(reservoir, f"{t.file}: {t.path('reservoir')}")
    elevation = t.float("elevation_m", **ELEVATION_RANGE_M)
    bands = tuple(read_band_elevations(t, [elevation]))
    if not min(bands) - BAND_MARGIN_M <= elevation <= max(bands) + BAND_MARGIN_M:
        raise t.error("band_elevations_m", f"{min(bands):g} to {max(bands):g} m, but the subbasin's elevation_m is "
                                           f"{elevation:g} m: its mean elevation lies among its bands (within "
                                           f"{BAND_MARGIN_M:g} m); one of them in km or feet? give both in metres")
    runoff_table = t.table("runoff", None)
    county, province = t.str("county", ""), t.str("province", "")
    if counties:
        if county not in counties:
            raise t.error("county", f"unknown county '{county}'" + suggest(county, counties)
                          + f"; the basin's [[counties]] are {', '.join(counties)}")
        registered = counties[county][1]
        if province and province != registered:
            raise t.error("province", f"'{province}' but county '{county}' is in {registered}")
        province = province or registered
        whole = counties[county][2] if len(counties[county]) > 2 else None
        area = t.float("area_km2", positive=True, maximum=MAX_SUBBASIN_AREA_KM2)
        if whole is not None and area > whole * COUNTY_AREA_SLACK:
            raise t.error("area_km2", f"{area:g} km2 is more than the whole of county '{county}' ({whole:g} km2 in "
                                      "[[counties]]): hectares written as km2? give it in km2, or check the county")
    sub = Subbasin(
        id=sid, name=t.str("name", sid), area_km2=t.float("area_km2", positive=True, maximum=MAX_SUBBASIN_AREA_KM2),
        reach=reach, reservoir=reservoir, elevation_m=elevation, band_elevations_m=bands,
        precip_factor=t.float("precip_factor", 1.0, positive=True, maximum=MAX_PRECIP_FACTOR,
                              why="a ratio to the station's precipitation (1 = the same), not a percentage"),
        latitude_deg=t.float("latitude_deg", weather.latitude_deg, minimum=-90, maximum=90),
        county=county, province=province, runoff=read_runoff(runoff_table))
    runoff_table.finish()
    return sub


def check_parts(basin):
    """A watershed basin's constituents against what its sources deliver; returns its quality table.

    Every part must be one of :data:`WATERSHED_PARTS`; parts other than TN need the
    regional water-quality table (``[quality]``), which is read and checked here
    (:func:`hydro.sources.quality_table_of`: the file, its grades, the point grades) and
    returned (a ``QualityTable``, or None without ``[quality]``).
    """
    from hydro.sources import quality_table_of

    parts = [p.name for c in basin.constituents for p in c.parts]
    for name in parts:
        if name not in WATERSHED_PARTS:
            raise HydroError(f"{basin.path}: [[constituents]] '{name}': a watershed basin's sources "
                             f"deliver {', '.join(WATERSHED_PARTS)}" + suggest(name, WATERSHED_PARTS))
    others = [n for n in parts if n != "tn"]
    if others and not basin.quality:
        raise HydroError(f"{basin.path}: constituent '{others[0]}' needs the regional water-quality table; "
                         "add [quality] table = \"../region/quality.toml\" (see basins/region/SOURCES.md)")
    return quality_table_of(basin) if basin.quality else None


def parse_watershed(path: Path, network, tables: list[Table], weather_table: Table, runoff: Table,
                    counties: dict) -> Watershed:
    """Read ``[weather]``, ``[runoff]`` and ``[[subbasins]]`` (with their sources) and check them."""
    from hydro.drainage_checks import check_shore_areas
    from hydro.sources import SourceParameters
    from hydro.sources.deposition import check_water_area

    weather = weather_settings(weather_table, path.parent)
    model, read_runoff = _runoff_parameters(runoff)
    snow = runoff.bool("snow", True)
    solid_fraction = runoff.str("solid_fraction", "hydrotel")
    if solid_fraction not in SOLID_FRACTION_METHODS:
        raise runoff.error("solid_fraction", f"unknown formulation '{solid_fraction}'"
                           + suggest(solid_fraction, SOLID_FRACTION_METHODS)
                           + f"; use {', '.join(SOLID_FRACTION_METHODS)}")
    prod = runoff.float("initial_production_fraction", 0.3, minimum=0.0, maximum=1.0)
    rout = runoff.float("initial_routing_fraction", 0.5, minimum=0.0, maximum=1.0)
    runoff.finish()
    subs = [subbasin(t, network, counties, weather, read_runoff) for t in tables]
    ids = [s.id for s in subs]
    if len(set(ids)) != len(ids):
        twice = repeated(ids)
        raise HydroError(f"{path}: subbasin ids must be unique; listed twice: {', '.join(twice)}")
    check_shore_areas(path, network, subs)
    sources = SourceParameters.from_subbasin_tables(tables)
    for t in tables:
        t.finish()
    area = {s.id: s.area_km2 for s in subs}
    for sub in sources.subbasins:
        check_water_area(sub, area[sub.subbasin])
        for plant in sub.point:
            network.reach_index(plant.reach, f"{path}: subbasin '{sub.subbasin}' point source '{plant.name}'")
    fed = {s.reach for s in subs if s.reach}
    for i, reach in enumerate(network.reaches):
        if network.layout.headwater[i] and reach.id not in fed:
            raise HydroError(f"{path}: headwater reach '{reach.id}' receives no subbasin, so it would "
                             f"carry no water; add a subbasin with reach = \"{reach.id}\"")
    return Watershed(tuple(subs), weather, snow, prod, rout, sources, solid_fraction, model)


def _runoff_parameters(runoff: Table):
    """``[runoff] model`` and a reader of a subbasin's runoff table over the ``[runoff]`` defaults.

    GR4J + CemaNeige (the default) reads :class:`RunoffParameters`; another model
    registered in :mod:`hydro.runoff_registry` reads its own parameters (their
    names, defaults and bounds), as name -> value.
    """
    from hydro.runoff_model import read_parameters

    model = runoff.str("model", GR4J_CEMANEIGE)
    if model == GR4J_CEMANEIGE:  # without the registry: loading a basin stays free of the kernels
        gr4j = RunoffParameters.from_table(runoff, RunoffParameters())
        return model, lambda t: RunoffParameters.from_table(t, gr4j)
    from hydro.runoff_registry import runoff_model_class

    try:
        specs = runoff_model_class(model).parameters
    except HydroError as exc:
        raise runoff.error("model", str(exc)) from None
    defaults = read_parameters(runoff, specs, {s.name: s.default for s in specs})
    return model, lambda t: read_parameters(t, specs, defaults)
