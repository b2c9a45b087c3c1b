"""Reading the network's tables of a basin file: ``[[reaches]]``, ``[[reservoirs]]``,
``[[sections]]`` and ``[[gauges]]``, each into its element (:mod:`hydro.network_elements`).

Every error names the file, the key and the element, and says what to give instead.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from hydro.channel import SHAPES, Channel
from hydro.errors import suggest
from hydro.flood_season import read_flood_season
from hydro.network_elements import Gauge, Reach, Reservoir, Section
from hydro.reservoir_location import read_location
from hydro.sources.yearly import Origin, as_series, check_range
from hydro.tomlio import Table
from hydro.units import MAX_FLOW_M3_S

#: The longest a reach may be, km: more than the longest river (the Nile, about 6,650 km).
MAX_REACH_LENGTH_KM = 7000.0

#: The largest power-law ``velocity_coeff`` (a in v = a Q^b; m/s at 1 m3/s): the fastest rivers flow at
#: about 5-10 m/s in flood, the shipped reaches give 0.22-0.59; 1e30 ran to a division by zero, 1e300 to
#: inf mg/L (fuzz review, 2026-12-06).  A hundred leaves room for a fit on flows well below 1 m3/s.
MAX_VELOCITY_COEFF = 100.0
#: The widest a river may be, m: ``width_coeff`` (c in w = c Q^f; m at 1 m3/s; shipped 5-16.5) and a
#: channel's ``bottom_width_m``.  The Amazon's main channel is a few km wide, its flooded reach at most about
#: 50 km: 100 km is twice that (6,000 km, a width in mm, ran).
MAX_WIDTH_M = 1.0e5
#: The largest ``dispersion_m2_s``: measured longitudinal dispersion in rivers stays below about 1,500 m2/s
#: (the Missouri; Fischer et al. 1979, Deng et al. 2001), the shipped reaches 0.5-61; 1e300 ran to
#: negative and 1e284 mg/L (fuzz review, 2026-12-06).  1e5 is over 60 times the largest measured.
MAX_DISPERSION_M2_S = 1.0e5
#: The steepest bed ``slope_m_per_m``: 1 m/m is 45 degrees, steeper than any channel (mountain torrents
#: reach about 0.2-0.3; shipped 0.0006-0.013); 4000 (m per km given as m per m, times 1000) ran.
MAX_SLOPE_M_PER_M = 1.0

#: The keys of a power-law reach (all four, or a ``channel`` instead).
POWER_LAW_KEYS = ("velocity_coeff", "velocity_exp", "width_coeff", "width_exp")

_WIDER = "wider than any river (the Amazon: a few km); the key is in m"
_CHANNEL_EXAMPLE = ('channel = { shape = "trapezoid", bottom_width_m = 12, side_slope = 2, '
                    'manning_n = 0.035 } with slope_m_per_m')


def read_reach(t: Table, default_cell_length_m: float) -> Reach:
    rid = t.str("id")
    # no river is longer than the Nile's 6,650 km: a length in m given as km (20000 for 20) is refused
    length_m = 1000.0 * t.float("length_km", positive=True, maximum=MAX_REACH_LENGTH_KM)
    cells = t.int("cells", default=None, minimum=1)
    if cells is None:
        cells = max(1, round(length_m / default_cell_length_m))
    slope = t.float("slope_m_per_m", default=None, positive=True, maximum=MAX_SLOPE_M_PER_M,
                    why="1 m/m is 45 degrees, steeper than any river bed; the key is in m per m, 0.001 for 1 m/km")
    given = [k for k in POWER_LAW_KEYS if k in t.data]
    law: dict[str, float | None] = dict.fromkeys(POWER_LAW_KEYS)
    channel = None
    if t.has("channel"):
        if given:
            raise t.error(given[0], f"reach '{rid}' has a channel, so its velocity and width come "
                                    "from Manning's equation; remove "
                                    f"{', '.join(given)} or remove the channel")
        channel = read_channel(t, rid, slope)
    elif not given:
        raise t.error("channel", f"missing; reach '{rid}' needs its hydraulic geometry: either "
                                 f"{_CHANNEL_EXAMPLE}, or the power law {', '.join(POWER_LAW_KEYS)}")
    else:
        missing = [k for k in POWER_LAW_KEYS if k not in t.data]
        if missing:
            raise t.error(missing[0], f"missing; reach '{rid}' gives {', '.join(given)}: a power-law "
                                      f"reach needs all of {', '.join(POWER_LAW_KEYS)} "
                                      f"(or replace them by {_CHANNEL_EXAMPLE})")
        law = dict(
            velocity_coeff=t.float("velocity_coeff", positive=True, maximum=MAX_VELOCITY_COEFF,
                                   why="m/s at 1 m3/s: faster than any river (about 5-10 m/s in flood)"),
            velocity_exp=t.float("velocity_exp", minimum=0.0, maximum=0.99),
            width_coeff=t.float("width_coeff", positive=True, maximum=MAX_WIDTH_M,
                                why="m at 1 m3/s: wider than any river (the Amazon: a few km)"),
            width_exp=t.float("width_exp", minimum=0.0, maximum=0.99),
        )
        depth_exp = 1.0 - float(law["velocity_exp"] or 0.0) - float(law["width_exp"] or 0.0)
        if depth_exp < -1e-12:  # Leopold & Maddock (1953): w v d = Q, so their exponents add up to 1
            raise t.error("width_exp", f"velocity_exp + width_exp = {1.0 - depth_exp:g} > 1: the depth "
                                       f"Q/(w v) of reach '{rid}' would fall as its flow rises (exponent "
                                       f"{depth_exp:.3g}); give exponents that add up to at most 1")
    reach = Reach(
        id=rid,
        name=t.str("name", default=rid),
        length_m=length_m,
        downstream=t.str("downstream", default=None),
        dispersion_m2_s=t.float("dispersion_m2_s", default=0.0, minimum=0.0, maximum=MAX_DISPERSION_M2_S,
                                why="rivers measure up to about 1,500 m2/s (Fischer et al. 1979)"),
        n_cells=cells,
        slope_m_per_m=slope,
        channel=channel,
        **law,
    )
    t.finish()
    return reach


def read_channel(reach: Table, rid: str, slope: float | None) -> Channel:
    """The ``channel`` table of reach ``rid`` (its bed slope is the reach's ``slope_m_per_m``)."""
    t = reach.table("channel")
    shape = t.str("shape")
    if shape not in SHAPES:
        raise t.error("shape", f"reach '{rid}': expected one of {', '.join(repr(s) for s in SHAPES)}, "
                               f"got '{shape}'" + suggest(shape, SHAPES))
    if shape == "rectangle":
        width = t.float("bottom_width_m", positive=True, maximum=MAX_WIDTH_M, why=_WIDER)
        side = t.float("side_slope", default=0.0, minimum=0.0)
        if side != 0.0:
            raise t.error("side_slope", f"reach '{rid}': a rectangle has vertical banks (side_slope 0); "
                                        'use shape = "trapezoid" for sloping banks')
    else:
        width = t.float("bottom_width_m", minimum=0.0, maximum=MAX_WIDTH_M, why=_WIDER)
        side = t.float("side_slope", minimum=0.0)
        if width == 0.0 and side == 0.0:
            raise t.error("side_slope", f"reach '{rid}': a trapezoid with bottom_width_m = 0 needs "
                                        "side_slope > 0 (a triangle)")
    manning_n = t.float("manning_n", positive=True)
    if slope is None:
        raise reach.error("slope_m_per_m", f"missing; reach '{rid}' has a channel, and Manning's "
                                           "equation needs the bed slope (m per m, e.g. 0.001 for "
                                           "1 m/km); add slope_m_per_m to the reach")
    t.finish()
    return Channel(shape=shape, bottom_width_m=width, side_slope=side, manning_n=manning_n,
                   slope_m_per_m=slope)


def read_reservoir(t: Table, counties: dict | None = None, where: str = "[[counties]]") -> Reservoir:
    """One ``[[reservoirs]]`` table (``counties``: the counties the basin knows, county -> (name, province),
    and ``where`` they come from, for its ``county``: :func:`hydro.reservoir_location.read_location`)."""
    rid = t.str("id")
    level = t.floats("level_m")
    n = len(level)
    area = [1e6 * a for a in t.floats("area_km2", length=n, minimum=0.0)]
    storage = [1e6 * v for v in t.floats("storage_mcm", length=n, minimum=0.0)]
    for key, values in (("level_m", level), ("area_km2", area), ("storage_mcm", storage)):
        if n < 2 or (np.any(np.diff(values) <= 0) and key != "area_km2"):
            raise t.error(key, "expected at least two strictly increasing values for the "
                               "level-area-storage curve")
        if key == "area_km2" and np.any(np.diff(values) < 0):
            raise t.error(key, "areas must not decrease with level")
    _check_curve(t, level, area, storage)
    fsl = t.float("full_supply_level_m")
    if not level[0] <= fsl <= level[-1]:
        raise t.error("full_supply_level_m", f"{fsl} m lies outside the curve "
                                              f"({level[0]} to {level[-1]} m); extend the curve")
    dead = 1e6 * t.float("dead_storage_mcm", default=0.0, minimum=0.0)
    full = float(np.interp(fsl, level, storage))
    if dead > full:  # the dead storage lies below the lowest outlet, under the full supply level
        raise t.error("dead_storage_mcm", f"{dead / 1e6:g} mcm is above the storage at full_supply_level_m "
                                           f"({full / 1e6:g} mcm on the curve); check the value and its unit (10^6 m3)")
    initial = 1e6 * t.float("initial_storage_mcm", minimum=0.0)
    if not storage[0] <= initial <= storage[-1]:
        raise t.error("initial_storage_mcm", f"{initial / 1e6:g} mcm lies outside the storage curve "
                                             f"({storage[0] / 1e6:g} to {storage[-1] / 1e6:g} mcm, 10^6 m3)")
    if initial > full * (1.0 + 1e-9):  # all above spills on the first day: a flood the rivers never had
        raise t.error("initial_storage_mcm", f"{initial / 1e6:g} mcm is above the storage at full_supply_level_m "
                                             f"({full / 1e6:g} mcm on the curve): the {(initial - full) / 1e6:g} mcm "
                                             f"above it would spill on the first day ({(initial - full) / 86400:.3g} "
                                             "m3/s more); give at most the full supply storage, or check the value "
                                             "and its unit (10^6 m3)")
    season = read_flood_season(t, level, storage, full, dead)
    release = t.raw("target_release_m3_s")
    bound: dict[str, Any] = {"minimum": 0.0, "maximum": MAX_FLOW_M3_S,
                             "why": "above any river's flood; the key is in m3 per second"}
    if isinstance(release, list):
        release = t.floats("target_release_m3_s", length=12, **bound)
    else:
        release = [t.float("target_release_m3_s", **bound)] * 12
    res = Reservoir(
        id=rid,
        name=t.str("name", default=rid),
        downstream=t.str("downstream", default=None),
        level_m=tuple(level),
        area_m2=tuple(area),
        storage_m3=tuple(storage),
        full_supply_level_m=fsl,
        dead_storage_m3=dead,
        initial_storage_m3=initial,
        target_release_m3_s=tuple(release),
        **_ecological_min(t),
        **season,
        **read_location(t, counties or {}, where),
    )
    t.finish()
    return res


#: The storage rise of one segment of a level-area-storage curve over what its areas hold (trapezoid rule),
#: relative to the median of its segments', that :func:`_check_curve` accepts: a wedge from a zero area holds
#: about 2/3 of its trapezoid, the shipped curves' segments 0.73-1.11 of theirs; Yunzhou's and Baihebao's top
#: segments at 0.35 and 0.31 (0.39 and 0.35 of their segments' median: a lake three times too wide there, on
#: 490 days of Baihebao's run) passed the whole curve's factor of 3 (units review, 2026-12-06).
SEGMENT_RATIO = (0.5, 2.0)


def _check_curve(t: Table, level: list, area_m2: list, storage_m3: list) -> None:
    """Refuse a level-area-storage curve whose areas cannot hold its storage: a lake needs a surface
    above its lowest level (else it neither evaporates nor settles), and the storage between the
    lowest and highest level must be that of the areas over the levels (trapezoid rule) within a
    factor of 3, and each segment's within :data:`SEGMENT_RATIO` of its segments' median.  Published curves
    keep it within 25 % (the shipped lakes: 0.76-1.00); hectares written as km2 give 0.01, a lake 0.1 m
    deep.  (Without the check, both ran: lake TN 35 % high without a surface, 10 times too low with areas
    100 times too large.)"""
    if min(area_m2[1:]) <= 0.0:
        raise t.error("area_km2", "a reservoir needs a water surface (> 0 km2) above its lowest level: "
                                  "it evaporates and its nitrogen settles through it")
    h, a = np.asarray(level), np.asarray(area_m2)
    held = float(np.sum(np.diff(h) * 0.5 * (a[1:] + a[:-1])))
    rise = storage_m3[-1] - storage_m3[0]
    if not 1.0 / 3.0 <= rise / held <= 3.0:
        raise t.error("area_km2", f"the areas hold {held / 1e6:g} mcm between {h[0]:g} and {h[-1]:g} m (mean area "
                                  f"times depth) where storage_mcm rises by {rise / 1e6:g}; "
                                  "check the units (km2, 10^6 m3, m; 1 km2 = 100 ha)")
    each = np.diff(h) * 0.5 * (a[1:] + a[:-1])
    rises = np.diff(np.asarray(storage_m3, dtype=float))
    ratios = np.where(each > 0, rises / np.where(each > 0, each, 1.0), np.nan)
    # the segments' median as the curve's own (the whole curve's ratio leans to its bad segment, and named a
    # sound one where the bad one was large)
    typical = float(np.nanmedian(ratios)) if np.isfinite(ratios).any() else rise / held
    for k in range(len(each)):  # a segment: a wedge from a zero area holds 2/3 of its trapezoid
        if np.isfinite(ratios[k]) and not SEGMENT_RATIO[0] <= ratios[k] / typical <= SEGMENT_RATIO[1]:
            raise t.error("area_km2", f"between {h[k]:g} and {h[k + 1]:g} m the areas hold {each[k] / 1e6:g} mcm "
                                      f"(mean area times depth) where storage_mcm rises by {rises[k] / 1e6:g}, "
                                      f"{ratios[k]:.2f} of it against {typical:.2f} in the curve's other segments "
                                      "(their median): the curve contradicts itself there; correct that segment's "
                                      "area or storage")


def _ecological_min(t: Table) -> dict:
    """A reservoir's ``ecological_min_m3_s``: a number, or a table of years (each day the value
    of its calendar year: a scenario's ecological release acts from 1 January of its first year)."""
    value = t.raw("ecological_min_m3_s", 0.0)
    if not isinstance(value, dict):
        return {"ecological_min_m3_s": t.float("ecological_min_m3_s", default=0.0, minimum=0.0,
                                               maximum=MAX_FLOW_M3_S)}
    origin = Origin(str(t.file), "", t.where)
    series = as_series(value, origin, "ecological_min_m3_s")
    check_range(series, origin, "ecological_min_m3_s", minimum=0.0, maximum=MAX_FLOW_M3_S, unit="m3/s")
    return {"ecological_min_m3_s": series.low, "ecological_min_by_year": series}


def read_place(t: Table, cls, **extra):
    """A section or gauge: id, name, reach and position (plus ``extra`` fields)."""
    pid = t.str("id")
    place = cls(id=pid, name=t.str("name", default=pid), reach=t.str("reach"),
                position=t.float("position", default=1.0, minimum=0.0, maximum=1.0), **extra)
    if place.position <= 0:
        raise t.error("position", "must be > 0 (a fraction of the reach length from its inlet)")
    t.finish()
    return place


def read_section(t: Table) -> Section:
    return read_place(t, Section)


def read_gauge(t: Table) -> Gauge:
    return read_place(t, Gauge, observed=t.raw("observed_discharge_m3_s", default=None))
