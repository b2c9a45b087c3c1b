"""Daily water temperature of every reach and reservoir of a watershed basin, from air temperature.

Stefan & Preud'homme (1993, JAWRA 29(1): 27-45) give a well-mixed stream's daily temperature as
``5.0 + 0.75 T_air`` (deg C), as SWAT+ takes it (theoretical documentation, eq. 1:1.3.13) with the day's
air temperature of the reach's own subbasin.  Here each reach and reservoir takes the air temperature
of the land that drains into it: the station's, shifted by the lapse rate to the area-weighted mean
elevation of its subbasins (the same shift the runoff model's subbasin weather has,
:func:`hydro.watershed.subbasin_weather`); an element with no subbasin of its own takes that of all
the land above it, and one with no land above it the station's; a reservoir its surface's, at its full
supply level (since 2026-12-06, as its evaporation).  Until 2026-12-05 every element took
the station's (Miyun's at 60 m, its subbasins at 300-1,450 m: headwaters 5-7 K too warm, nitrification
1.5-1.7 times too fast there).

Left out, as SWAT leaves it: a lake's thermal lag behind the air and its stratification (a reservoir
follows each day's air temperature like a stream), shading, groundwater and heat inputs.
"""

from __future__ import annotations

import numpy as np

from hydro.network_layout import accumulate_downstream

#: Stefan & Preud'homme (1993), JAWRA 29(1): 27-45: daily stream temperature from air.
WATER_TEMP_INTERCEPT_C = 5.0
WATER_TEMP_SLOPE = 0.75


def element_air_shift(net, ws) -> tuple[np.ndarray, np.ndarray]:
    """Each reach's and reservoir's air temperature less the station's, deg C: (R,) and (S,).

    A reach's: the lapse rate (``[weather] lapse_c_per_km``) times the height of the station above the
    area-weighted mean elevation of the subbasins that drain into it, or, where none does, of all those
    above it (0 where no land lies above it); a reservoir's at its own surface (:func:`lake_air_shift`).
    """
    area: dict[str, float] = {}
    height: dict[str, float] = {}  # area x elevation, km2 m
    for s in ws.subbasins:
        element = s.reach if s.reach is not None else s.reservoir
        area[element] = area.get(element, 0.0) + s.area_km2
        height[element] = height.get(element, 0.0) + s.area_km2 * s.elevation_m
    above_area, above_height = accumulate_downstream(net, area), accumulate_downstream(net, height)

    def shift(element: str) -> float:
        own = area.get(element, 0.0)
        if own > 0.0:
            mean = height[element] / own
        elif above_area[element] > 0.0:
            mean = above_height[element] / above_area[element]
        else:
            return 0.0
        return float(ws.weather.air_shift_c(mean))

    return np.array([shift(r.id) for r in net.reaches]), lake_air_shift(net, ws)


def lake_air_shift(net, ws) -> np.ndarray:
    """Each reservoir's air temperature less the station's, deg C (S,): the lapse rate times the height of the
    station above the lake's full supply level, its surface's elevation.  The lake's water temperature and
    its evaporation (:func:`hydro.watershed.reservoir_pet`) take it (until 2026-12-06 its water took the mean
    elevation of its shore subbasins, above the lake: the shipped basins' five lakes 0.5-2.0 K too cold, Miyun
    1.3 K)."""
    level = np.array([r.full_supply_level_m for r in net.reservoirs], dtype=float)
    return ws.weather.air_shift_c(level)


def water_temperatures(station_tmean_c: np.ndarray, net, ws) -> tuple[np.ndarray, np.ndarray]:
    """Daily water temperature of every reach (D, R) and reservoir (D, S), deg C (at least 0).

    ``station_tmean_c`` (D,) is the weather station's daily mean air temperature, deg C.
    """
    reach_shift, res_shift = element_air_shift(net, ws)
    air = np.asarray(station_tmean_c, dtype=float)[:, None]

    def water(shift: np.ndarray) -> np.ndarray:
        return np.maximum(0.0, WATER_TEMP_INTERCEPT_C + WATER_TEMP_SLOPE * (air + shift[None, :]))

    return water(reach_shift), water(res_shift)
