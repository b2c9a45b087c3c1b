"""A lake evaporates at its own elevation (water-budget review, 2026-12-06): Oudin PET of the station's
temperature moved by the basin's lapse rate to the lake's full supply level, not the station's PET."""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta

import numpy as np

from hydro.basin import Basin
from hydro.runoff import day_of_year, oudin_pet
from hydro.watershed import reservoir_pet, subbasin_weather


def test_each_lake_takes_the_pet_of_its_own_level():
    basin = Basin.load("basins/miyun/basin.toml")
    ws = basin.watershed
    dates = [date(2014, 1, 1) + timedelta(days=k) for k in range(365)]
    station = subbasin_weather(ws, dates)
    pet = reservoir_pet(basin.network, ws, station, dates)
    ids = [r.id for r in basin.network.reservoirs]
    assert pet.shape == (365, 3)
    levels = {r.id: r.full_supply_level_m for r in basin.network.reservoirs}
    doy = day_of_year(np.array(dates, dtype="datetime64[D]"))
    for j, rid in enumerate(ids):  # the station's day moved by 6.5 K/km to the lake's level
        t = station.station_tmean_c - ws.weather.lapse_c_per_km / 1000.0 * (levels[rid] - ws.weather.elevation_m)
        np.testing.assert_array_equal(pet[:, j], oudin_pet(t, ws.weather.latitude_deg, doy))
    yearly = dict(zip(ids, pet.sum(axis=0), strict=True))
    station_year = station.station_pet_mm.sum()
    # Yunzhou (1,032 m) about 6 K colder than the 60 m station: a clearly smaller evaporation; Miyun's
    # 157.5 m lake about 0.6 K colder, a little smaller
    assert yearly["yunzhou"] < yearly["baihebao"] < yearly["miyun"] < station_year
    assert yearly["miyun"] > 0.97 * station_year and yearly["yunzhou"] < 0.85 * station_year


def test_a_lake_at_the_station_s_elevation_takes_the_station_s_pet():
    basin = Basin.load("basins/miyun/basin.toml")
    ws = dataclasses.replace(basin.watershed, weather=dataclasses.replace(basin.watershed.weather, lapse_c_per_km=0.0))
    dates = [date(2014, 6, 1) + timedelta(days=k) for k in range(30)]
    station = subbasin_weather(ws, dates)
    pet = reservoir_pet(basin.network, ws, station, dates)
    for j in range(pet.shape[1]):  # no lapse: every lake the station's
        np.testing.assert_array_equal(pet[:, j], station.station_pet_mm)
