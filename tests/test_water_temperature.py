"""Water temperature of each reach and reservoir from the air of the land draining to it
(:mod:`hydro.water_temperature`; a kinetics review of 2026-12-05, its finding F1).

Layers: the lapse-rate shift on a hand-made network against hand arithmetic (own subbasins, land
above only, no land), the old station formula recovered bit for bit where every subbasin lies at the
station's height, the 0 deg C floor, and a Miyun run whose headwater reach gets the water of its
1,350 m land while the transport is handed those temperatures.
"""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

from hydro.network import Network, Reach, Reservoir
from hydro.water_temperature import (
    WATER_TEMP_INTERCEPT_C,
    WATER_TEMP_SLOPE,
    element_air_shift,
    water_temperatures,
)
from hydro.watershed_tables import WeatherSettings


def _reach(rid, downstream):
    return Reach(id=rid, name=rid, length_m=10e3, downstream=downstream, velocity_coeff=0.3, velocity_exp=0.3,
                 width_coeff=10.0, width_exp=0.4, dispersion_m2_s=0.0, n_cells=1)


def _network():
    """head -> mid -> lake -> low (outlet); ``side`` -> low, with no land above it."""
    lake = Reservoir(id="lake", name="lake", downstream="low", level_m=(0.0, 10.0), area_m2=(1e6, 2e6),
                     storage_m3=(0.0, 1.5e7), full_supply_level_m=10.0, dead_storage_m3=0.0,
                     initial_storage_m3=1e7, target_release_m3_s=(1.0,) * 12, ecological_min_m3_s=0.0)
    return Network((_reach("head", "mid"), _reach("mid", "lake"), _reach("side", "low"), _reach("low", None)),
                   (lake,))


def _ws(subbasins, lapse=6.5, station_m=100.0):
    subs = [SimpleNamespace(area_km2=a, elevation_m=z, reach=r, reservoir=s) for a, z, r, s in subbasins]
    return SimpleNamespace(subbasins=subs, weather=WeatherSettings(Path("weather.csv"), station_m, 40.0, lapse))


def test_each_element_takes_the_mean_height_of_its_own_land_else_of_the_land_above_it():
    ws = _ws([(30.0, 1100.0, "head", None), (10.0, 700.0, "head", None),  # head: mean 1000 m
              (20.0, 400.0, None, "lake")])                               # the lake's shore: 400 m
    reach, res = element_air_shift(_network(), ws)
    # head: -6.5 K/km x (1.0 - 0.1) km; mid has no land of its own: the 40 km2 above it, the same;
    # low: the 60 km2 above it, mean (40 x 1000 + 20 x 400) / 60 = 800 m; side: no land, the station's
    np.testing.assert_allclose(reach, [-5.85, -5.85, 0.0, -6.5 * 0.7], rtol=1e-14, atol=0)
    # the lake at its own surface, its full supply level of 10 m, 90 m below the station (not its shore's 400 m:
    # since 2026-12-06, as its evaporation)
    np.testing.assert_allclose(res, [6.5 * 0.09], rtol=1e-14)


def test_subbasins_at_the_station_height_give_the_station_formula_bit_for_bit():
    ws = _ws([(5.0, 100.0, "head", None), (7.0, 100.0, None, "lake"), (2.0, 100.0, "low", None)])
    air = np.random.default_rng(2).uniform(-25.0, 35.0, 400)
    reach_t, res_t = water_temperatures(air, _network(), ws)
    station = np.maximum(0.0, WATER_TEMP_INTERCEPT_C + WATER_TEMP_SLOPE * air)
    assert reach_t.shape == (400, 4) and res_t.shape == (400, 1)
    for column in reach_t.T:
        np.testing.assert_array_equal(column, station)
    # the lake at its own surface (full supply level 10 m, 90 m below the station), whatever its shore's height
    lake = -6.5 / 1000.0 * (10.0 - 100.0)
    want = np.maximum(0.0, WATER_TEMP_INTERCEPT_C + WATER_TEMP_SLOPE * (air + lake))
    np.testing.assert_array_equal(res_t[:, 0], want)


def test_water_never_below_freezing_and_colder_land_gives_colder_water():
    ws = _ws([(5.0, 2100.0, "head", None)])  # 13 K colder air than the station's
    air = np.linspace(-10.0, 30.0, 81)
    reach_t, _ = water_temperatures(air, _network(), ws)
    assert reach_t.min() == 0.0
    warm = air > 13.0 - WATER_TEMP_INTERCEPT_C / WATER_TEMP_SLOPE + 1.0  # above the floor at both heights
    np.testing.assert_allclose(reach_t[warm, 2] - reach_t[warm, 0], 0.75 * 13.0, rtol=1e-12)


@pytest.fixture(scope="module")
def miyun_temperatures():
    """The reach temperatures a Miyun run over summer 2005 hands the transport, and the station's air."""
    from datetime import date, timedelta

    import hydro.pipeline_steps as ps
    from hydro.basin import Basin, resolve_basin
    from hydro.pipeline import run_watershed

    seen = {}
    real = ps.simulate

    def spy(net, tracers, inputs, *args, **kwargs):
        seen["reach"] = inputs.reach_temp.copy()  # the last call: the run's own days, after its spin-up
        return real(net, tracers, inputs, *args, **kwargs)

    basin = Basin.load(resolve_basin("miyun"))
    ps.simulate = spy
    try:
        run_watershed(basin, date(2005, 6, 1), date(2005, 8, 31))
    finally:
        ps.simulate = real
    assert len(seen["reach"]) == 92
    return basin, seen["reach"], [date(2005, 6, 1) + timedelta(days=k) for k in range(92)]


def test_miyun_headwaters_run_colder_than_the_plain(miyun_temperatures):
    from hydro.watershed import subbasin_weather

    basin, temp, dates = miyun_temperatures
    ws = basin.watershed
    head = [s for s in ws.subbasins if s.reach == "chao_upper"]  # the Chao's 1,350 m headwaters
    mean_m = sum(s.area_km2 * s.elevation_m for s in head) / sum(s.area_km2 for s in head)
    shift = -ws.weather.lapse_c_per_km / 1000.0 * (mean_m - ws.weather.elevation_m)  # K, by hand
    air = subbasin_weather(ws, dates).station_tmean_c
    want = np.maximum(0.0, 5.0 + 0.75 * (air + shift))
    got = temp[:, [r.id for r in basin.network.reaches].index("chao_upper")]
    np.testing.assert_allclose(got, want, rtol=1e-13, atol=0)  # the same few operations, reordered
    station = np.maximum(0.0, 5.0 + 0.75 * air)
    assert np.median(station - got) > 3.0  # over 1 km above the 60 m station: 0.75 x 6.5 K/km x 1.2 km
