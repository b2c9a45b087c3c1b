"""The subbasins' air temperature, PET and CemaNeige's snow in the results (cold-season review, 2026-12-06:
a snow hydrologist had to call private kernels to see the snow the runoff came from)."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from hydro.basin import Basin
from hydro.simulation import run

PERIOD = (date(2001, 1, 1), date(2001, 12, 31))


@pytest.fixture(scope="module")
def res():
    return run(Basin.load("watershed"), *PERIOD)


def test_the_snow_pack_changes_by_snowfall_less_melt(res):
    pack, fall, melt = (res[v] for v in ("subbasin_snow_water_equivalent", "subbasin_snowfall", "subbasin_snowmelt"))
    assert fall.sum() > 0 and melt.sum() > 0  # a winter with snow, or the balance proves little
    # CemaNeige's pack gains the day's snowfall and loses its melt (per band; the bands' area mean is linear):
    # round-off of the packs (1e-9 mm, far below a snowfall's 0.1 mm)
    np.testing.assert_allclose(np.diff(pack, axis=0), (fall - melt)[1:], rtol=0, atol=1e-9)
    assert (pack >= 0).all() and (fall >= 0).all() and (melt >= 0).all()
    assert (fall <= res["subbasin_precipitation"] + 1e-12).all()  # snow is part of the precipitation


def test_the_air_temperature_follows_the_lapse_rate_between_subbasins(res):
    basin = Basin.load("watershed")
    z = np.array([s.elevation_m for s in basin.watershed.subbasins])
    t = res["subbasin_air_temperature"]
    rate = basin.watershed.weather.lapse_c_per_km / 1000.0
    np.testing.assert_allclose(t - t[:, :1], np.broadcast_to(-rate * (z - z[0]), t.shape), rtol=0, atol=1e-9)


def test_pet_is_oudins_zero_below_minus_five(res):
    t, pet = res["subbasin_air_temperature"], res["subbasin_pet"]
    assert (pet >= 0).all() and (pet[t + 5.0 <= 0.0] == 0.0).all() and (pet[t > 0.0] > 0.0).all()


def test_a_run_without_snow_has_no_snow_variables():
    res = run(Basin.load("watershed", ["runoff.snow=false"]), date(2001, 1, 1), date(2001, 1, 31))
    assert "subbasin_air_temperature" in res.data and "subbasin_pet" in res.data
    assert not {"subbasin_snow_water_equivalent", "subbasin_snowfall", "subbasin_snowmelt"} & set(res.data)
