"""Rain on a reservoir is the rain of the land around it (found in review, 2026-12-01: it was the
station's, unscaled, while the shore subbasins holding the lake took their precip_factor: Miyun's
1.009 and 1.119, Yunzhou's 0.709, so Yunzhou's surface got 41 % more rain than its shore)."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from hydro.basin import Basin
from hydro.pipeline_steps import water
from hydro.runoff_warm_up import run_start
from hydro.series import daily_dates
from hydro.watershed import Watershed, reservoir_precip_factors, subbasin_weather


@pytest.fixture(scope="module")
def miyun():
    basin = Basin.load("miyun")
    return basin, Watershed.from_basin(basin)


def test_each_reservoir_takes_the_area_weighted_factor_of_its_shore(miyun):
    basin, ws = miyun
    factors = reservoir_precip_factors(basin.network, ws)
    for k, res in enumerate(basin.network.reservoirs):
        shore = [s for s in ws.subbasins if s.reservoir == res.id]
        assert shore, res.id  # the case is not vacuous: every Miyun reservoir has its shore
        area = sum(s.area_km2 for s in shore)
        assert factors[k] == pytest.approx(sum(s.area_km2 * s.precip_factor for s in shore) / area, rel=1e-14)
    assert factors.min() < 0.8 and factors.max() > 1.05  # Yunzhou's dry shore, Miyun's wet one


def test_the_reservoirs_rain_is_the_station_rain_times_that_factor(miyun):
    basin, ws = miyun
    dates = daily_dates(date(2013, 6, 1), date(2013, 8, 31))
    forcing, threshold, _ = run_start(basin, ws, dates[0], dates[-1])
    station = subbasin_weather(ws, dates, forcing)
    w = water(basin, ws, dates, station, None, threshold)
    want = station.station_precip_mm[:, None] * reservoir_precip_factors(basin.network, ws)[None, :]
    assert np.array_equal(w.rain, want) and w.rain.sum() > 0


def test_a_reservoir_without_a_shore_subbasin_takes_the_station_rain():
    class Net:
        reservoirs = (object(), object())

        @staticmethod
        def reservoir_index(rid):
            return {"a": 0}[rid]

    class Sub:
        def __init__(self, reservoir, area, factor):
            self.reservoir, self.area_km2, self.precip_factor = reservoir, area, factor

    class Ws:
        subbasins = (Sub("a", 100.0, 0.8), Sub("a", 300.0, 1.2), Sub(None, 50.0, 2.0))

    assert reservoir_precip_factors(Net, Ws).tolist() == pytest.approx([1.1, 1.0])
