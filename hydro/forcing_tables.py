"""A flow-driven basin's ``[forcing]``, parsed when the basin loads (:func:`flow_forcing`).

The keys are described in :mod:`hydro.simulation`.  At load every reach, reservoir and
constituent named is checked against the network and the constituents, conditions and
positions are checked, and every series (:class:`hydro.basin_tables.SeriesSpec`: a
number, or a CSV column whose file and header are checked) is kept; a run reads the
series onto its days (:func:`hydro.simulation.read_forcing`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from hydro.basin_tables import SeriesSpec, series_spec
from hydro.errors import HydroError, suggest
from hydro.forcing_csv import MAX_DAILY_PET_MM, MAX_DAILY_PRECIP_MM
from hydro.sources.blocks import MAX_EFFLUENT_M3_PER_DAY, MAX_EFFLUENT_TN_MG_L
from hydro.tomlio import Table
from hydro.units import G_PER_S_PER_KG_PER_DAY, MAX_FLOW_M3_S, SECONDS_PER_DAY, WATER_MAX_MG_L

#: Lowest water temperature a ``[forcing]`` takes (deg C).  River and reservoir water is liquid:
#: it freezes at 0 deg C, and supercooled (frazil) water is at most a few hundredths of a degree
#: below it; -0.5 leaves room for the error of a field thermistor (+-0.2 to 0.5 deg C) near ice.
#: Below that a value is a data error (an air temperature, a unit or sign slip), which -5 let
#: through into the temperature correction of every removal rate.
WATER_TEMP_MIN_C = -0.5
#: Highest water temperature a ``[forcing]`` takes (deg C): the warmest natural surface waters
#: (shallow tropical ponds and rivers) reach about 40 deg C; above 45 a value is a unit slip
#: (deg F, kelvin) or a code.  There was no bound: 1e6 overflowed theta**(T - 20) and every
#: concentration came out NaN, exit 0; 99 multiplied every removal rate by 1.047**79 = 38.
WATER_TEMP_MAX_C = 45.0
#: (The largest flow a ``[forcing]`` takes, either way, is :data:`hydro.units.MAX_FLOW_M3_S`.  There was
#: none: a lateral inflow of 1e300 gave TN of -inf mg/L (exit 0), or a ZeroDivisionError traceback.)
#: Largest flow of a ``[forcing]`` point source, m3 s-1: a watershed plant's bound, 1e7 m3 a day
#: (:data:`hydro.sources.blocks.MAX_EFFLUENT_M3_PER_DAY`, rounded up; the largest plants discharge a few million).
MAX_POINT_FLOW_M3_S = float(math.ceil(MAX_EFFLUENT_M3_PER_DAY / SECONDS_PER_DAY))  # (116)
#: How much richer than a river's water a point source's effluent may be (a watershed plant's TN bound,
#: :data:`hydro.sources.blocks.EFFLUENT_TN_MG_L`, over the river's).
EFFLUENT_FACTOR = MAX_EFFLUENT_TN_MG_L / WATER_MAX_MG_L["tn"]
#: Largest load a ``[forcing]`` takes, kg d-1: a million tonnes a day, more than all of China's rivers
#: carry to the sea in a year (a few million tonnes of N); more is a unit slip (g for kg) or a typing error.
MAX_LOAD_KG_PER_DAY = 1.0e9
#: Largest concentration a ``[forcing]`` takes, mg L-1: 1e6 mg/L is a litre's whole mass of 1 kg.  A part
#: of a known name is bounded by what water of its kind can hold: an inflow's (a river's) by
#: :data:`hydro.units.WATER_MAX_MG_L` (above raw sewage's: TN 100 mg/L), a point source's by
#: :data:`EFFLUENT_FACTOR` times that (raw slurry; TN 10,000 as a watershed plant's effluent).  ug/L given
#: as mg/L ran: an inflow's TN of 3 as 3,000 made the outlet's 300 times too high.
MAX_CONCENTRATION_MG_L = 1.0e6
#: Largest constant precipitation on the reservoirs, mm d-1: a constant holds on every day of the run, and the
#: wettest month on average (Cherrapunji's or Mawsynram's July, about 3,000 mm) gives about 100 a day (the record
#: month, Cherrapunji's July 1861, 9,300 mm, about 300), so 150 leaves room for a
#: design storm's week; a year's total given as the daily value (438) ran, 15 times the outlet's flow.
MAX_MEAN_PRECIP_MM = 150.0
#: An input given per constituent: (index of the part, ``"conc"`` (mg L-1) or ``"load"`` (kg d-1), series).
PartInput = tuple[int, str, SeriesSpec]


@dataclass(frozen=True)
class Inflow:
    """One ``[[forcing.inflows]]``: water and constituents entering at a reach inlet or a reservoir.

    Attributes
    ----------
    reach, reservoir : int or None
        Where it enters (exactly one set).
    flow : SeriesSpec
        m3 s-1.
    condition : str
        ``"flux"`` or ``"concentration"`` (a headwater inlet held at a concentration).
    inputs : tuple of PartInput
    """

    reach: int | None
    reservoir: int | None
    flow: SeriesSpec
    condition: str
    inputs: tuple[PartInput, ...]


@dataclass(frozen=True)
class PointInput:
    """One ``[[forcing.point_sources]]``: a reach, a position along it (0-1], a flow and its inputs."""

    reach: int
    position: float
    flow: SeriesSpec
    inputs: tuple[PartInput, ...]


@dataclass(frozen=True)
class FlowForcing:
    """The ``[forcing]`` of a flow-driven basin, parsed.

    Attributes
    ----------
    water_temperature, evaporation, precipitation : SeriesSpec
        deg C, mm d-1, mm d-1 for the whole basin.
    lateral : tuple of (reach index, SeriesSpec)
        Lateral inflow, m3 s-1.
    lateral_loads, reservoir_loads : tuple of (part index, element index, SeriesSpec)
        Loads along reaches and into reservoirs, kg d-1.
    inflows : tuple of Inflow
    point_sources : tuple of PointInput
    """

    water_temperature: SeriesSpec
    evaporation: SeriesSpec
    precipitation: SeriesSpec
    lateral: tuple[tuple[int, SeriesSpec], ...]
    lateral_loads: tuple[tuple[int, int, SeriesSpec], ...]
    reservoir_loads: tuple[tuple[int, int, SeriesSpec], ...]
    inflows: tuple[Inflow, ...]
    point_sources: tuple[PointInput, ...]


def _per_element(table: Table, kind: str, network, folder: Path) -> list[tuple[int, SeriesSpec]]:
    """Series per reach (or reservoir) id of a table; other ids are errors."""
    out = []
    for key in list(table.data):
        where = f"{table.file}: {table.path(key)}"
        idx = network.reach_index(key, where) if kind == "reach" else network.reservoir_index(key, where)
        bounds = (0.0, MAX_LOAD_KG_PER_DAY) if "load" in table.where else (-MAX_FLOW_M3_S, MAX_FLOW_M3_S)
        out.append((idx, series_spec(table, key, folder, minimum=bounds[0], maximum=bounds[1])))
    table.finish()
    return out


def _loads(f: Table, key: str, kind: str, names: list[str], network, folder: Path):
    loads = f.table(key, default=None)
    out = []
    for c in list(loads.data):
        if c not in names:
            raise loads.error(c, f"unknown constituent; the basin has {', '.join(names)}")
        out += [(names.index(c), i, s) for i, s in _per_element(loads.table(c), kind, network, folder)]
    loads.finish()
    return tuple(out)


def _part_inputs(t: Table, names: list[str], folder: Path, effluent: bool = False) -> tuple[PartInput, ...]:
    """``<c>_mg_per_l`` or ``<c>_kg_per_day`` of each part (not both; absent: none); ``effluent``: of a
    point source (:data:`MAX_CONCENTRATION_MG_L` gives the bounds)."""
    out = []
    for k, c in enumerate(names):
        has_c, has_l = t.has(f"{c}_mg_per_l"), t.has(f"{c}_kg_per_day")
        if has_c and has_l:
            raise t.error(f"{c}_kg_per_day", f"give either {c}_mg_per_l or {c}_kg_per_day, not both")
        if has_c:
            most = WATER_MAX_MG_L[c] * (EFFLUENT_FACTOR if effluent and c != "do" else 1.0) \
                if c in WATER_MAX_MG_L else MAX_CONCENTRATION_MG_L  # (no water holds more oxygen)
            out.append((k, "conc", series_spec(t, f"{c}_mg_per_l", folder, minimum=0.0, maximum=most,
                                               why="more than such water holds; ug/L given as mg/L?")))
        elif has_l:
            out.append((k, "load", series_spec(t, f"{c}_kg_per_day", folder, minimum=0.0,
                                                        maximum=MAX_LOAD_KG_PER_DAY)))
    return tuple(out)


def _inflow(t: Table, names: list[str], network, folder: Path) -> Inflow:
    at = t.str("at")
    flow = series_spec(t, "flow_m3_s", folder, minimum=0.0, maximum=MAX_FLOW_M3_S)
    condition = t.str("condition", default="flux")
    if condition not in ("flux", "concentration"):
        raise t.error("condition", f"expected 'flux' or 'concentration', got '{condition}'")
    inputs = _part_inputs(t, names, folder)
    r = s = None
    if network.has_reach(at):
        r = network.reach_index(at)
        if not network.layout.headwater[r] and condition == "concentration":
            raise t.error("condition", f"reach '{at}' has upstream elements; a concentration "
                                       "inlet is only possible on a headwater reach")
    elif network.has_reservoir(at):
        s = network.reservoir_index(at)
    else:  # an inflow enters a reach or a reservoir: the message names both kinds
        ids = [*network.reach_ids, *network.reservoir_ids]
        raise t.error("at", f"unknown reach or reservoir '{at}'" + suggest(at, ids)
                      + f"; reaches: {', '.join(network.reach_ids)}; reservoirs: "
                      + (", ".join(network.reservoir_ids) or "none"))
    t.finish()
    return Inflow(reach=r, reservoir=s, flow=flow, condition=condition, inputs=inputs)


def _point(t: Table, names: list[str], network, folder: Path) -> PointInput:
    t.str("id")
    t.str("name", default="")
    r = network.reach_index(t.str("reach"), f"{t.file}: {t.path('reach')}")
    flow = series_spec(t, "flow_m3_s", folder, default=0.0, minimum=0.0, maximum=MAX_POINT_FLOW_M3_S,
                       why="more than the largest treatment plants discharge; m3 a day given as m3 a second?")
    inputs = _part_inputs(t, names, folder, effluent=True)
    position = t.float("position", default=1.0, minimum=1e-9, maximum=1.0)
    t.finish()
    return PointInput(reach=r, position=position, flow=flow, inputs=inputs)


def flow_forcing(f: Table, names: list[str], network, folder: Path) -> FlowForcing:
    """Parse ``[forcing]`` for the transported parts ``names`` (unknown keys are errors)."""
    parsed = FlowForcing(
        water_temperature=series_spec(f, "water_temperature_c", folder, default=20.0, minimum=WATER_TEMP_MIN_C,
                                      maximum=WATER_TEMP_MAX_C),
        evaporation=series_spec(f, "evaporation_mm_per_day", folder, default=0.0, minimum=0.0,
                                maximum=MAX_DAILY_PET_MM),
        precipitation=series_spec(f, "precipitation_mm_per_day", folder, default=0.0, minimum=0.0,
                                  maximum=MAX_DAILY_PRECIP_MM, constant_maximum=MAX_MEAN_PRECIP_MM,
                                  why="a constant is every day's: the wettest place's wettest month averages about "
                                      "100 mm a day; a year's total given?"),
        lateral=tuple(_per_element(f.table("lateral_inflow_m3_s", default=None), "reach", network, folder)),
        lateral_loads=_loads(f, "lateral_load_kg_per_day", "reach", names, network, folder),
        reservoir_loads=_loads(f, "reservoir_load_kg_per_day", "reservoir", names, network, folder),
        inflows=tuple(_inflow(t, names, network, folder) for t in f.tables("inflows", default=[])),
        point_sources=tuple(_point(t, names, network, folder) for t in f.tables("point_sources", default=[])),
    )
    f.finish()
    _check_lateral_concentration(parsed, names, network, f)
    return parsed


def _check_lateral_concentration(forcing: FlowForcing, names: list[str], network, f: Table) -> None:
    """Refuse a constant lateral load that the water through its reach (the constant lateral inflows and
    inflows at and above it) would carry at more than what a river's water holds
    (:data:`hydro.units.WATER_MAX_MG_L`; TN 100 mg/L, above raw sewage's): g a day given as kg a day made the
    outlet's TN 90 times too high, and no absolute bound on a load can tell.  Not checked: a load given as a
    series, or on a reach with a series among the water above it (read only when a run needs it)."""
    water = _constant_water(forcing, network)
    for k, r, spec in forcing.lateral_loads:
        reach = network.reaches[r].id
        q = water[reach]
        if isinstance(spec.value, dict) or not q > 0.0 or names[k] not in WATER_MAX_MG_L:  # (NaN: not known)
            continue
        conc = spec.value * G_PER_S_PER_KG_PER_DAY / q  # kg d-1 over m3 s-1: g m-3 = mg L-1
        if conc > WATER_MAX_MG_L[names[k]]:
            raise HydroError(f"{f.file}: key 'forcing.lateral_load_kg_per_day.{names[k]}.{reach}': {spec.value:g} kg/d "
                             f"in the {q:g} m3/s through the reach (its lateral inflow and what flows in above) is "
                             f"{conc:.4g} mg/L, more than a river's water holds (raw sewage's); g a day given as kg "
                             "a day?")


def _constant_water(forcing: FlowForcing, network) -> dict[str, float]:
    """Element id -> the constant water entering it and above it, m3 s-1 (positive lateral inflows and
    inflows; NaN where a series is among them)."""
    from hydro.network_layout import accumulate_downstream

    own: dict[str, float] = {}
    entering = [(network.reaches[r].id, spec) for r, spec in forcing.lateral] + [
        (network.reaches[i.reach].id if i.reach is not None else network.reservoirs[i.reservoir].id, i.flow)
        for i in forcing.inflows]
    for element, spec in entering:
        q = math.nan if isinstance(spec.value, dict) else max(float(spec.value), 0.0)
        own[element] = own.get(element, 0.0) + q
    return accumulate_downstream(network, own)


def check_covered(forcing: FlowForcing, folder: Path, first: date, last: date) -> None:
    """Refuse a period from ``first`` to ``last`` that a CSV series of ``forcing`` does not cover,
    naming the file, column and the days it covers: ``hydro run tiny --start 1900-01-01`` said so only
    after its start line, when the run read the series.  Reads each series on the two end days (a
    series file has every day between its first and last, :class:`hydro.series.SeriesReader`), and
    where one fails on every day, for the run's own message (the first day missing, or wrong)."""
    from hydro.errors import HydroError
    from hydro.series import SeriesReader, daily_dates

    try:
        _read_csv_series(forcing, SeriesReader(folder, [first, last]))
    except HydroError:
        _read_csv_series(forcing, SeriesReader(folder, daily_dates(first, last)))
        raise


def _read_csv_series(forcing: FlowForcing, reader) -> None:
    """Read every CSV series of ``forcing`` with ``reader`` (constants were checked at load)."""
    specs = [forcing.water_temperature, forcing.evaporation, forcing.precipitation,
             *(spec for _, spec in forcing.lateral), *(spec for *_, spec in forcing.lateral_loads),
             *(spec for *_, spec in forcing.reservoir_loads)]
    inlets: list[Inflow | PointInput] = [*forcing.inflows, *forcing.point_sources]
    for inlet in inlets:
        specs += [inlet.flow, *(spec for *_, spec in inlet.inputs)]
    for spec in specs:
        if spec.csv is not None:
            spec.read(reader)
