"""The snow bands take the basin's own lapse rate (cold-season review, 2026-12-06): ``[weather]
lapse_c_per_km`` moved the station's air to each subbasin while the bands around it kept CemaNeige's Excel
-0.0065 degC/m, so a basin with another rate (or none) had two rates at once."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import timedelta

import numpy as np
import pytest

import hydro.snow as snow
from hydro.model import model_variant


@contextmanager
def bands_made():
    """The snow bands built while the block runs (spied on as they are made), in a list it fills."""
    made, orig = [], snow.SnowBands.__post_init__

    def spy(self):
        orig(self)
        made.append(self)

    snow.SnowBands.__post_init__ = spy
    try:
        yield made
    finally:
        snow.SnowBands.__post_init__ = orig


def _bands(overrides):
    """The snow bands a watershed run builds."""
    from hydro.watershed import subbasin_runoff, subbasin_weather

    basin = model_variant("watershed", overrides).basin
    with bands_made() as made:
        dates = [basin.settings.start + timedelta(d) for d in range(5)]
        subbasin_runoff(basin.watershed, subbasin_weather(basin.watershed, dates), dates)
    assert made, "no snow bands built"
    return made


@pytest.mark.parametrize("rate", [0.0, 4.0, 6.5, 9.8])
def test_the_bands_are_moved_by_the_basins_lapse_rate(rate):
    for band in _bands([f"weather.lapse_c_per_km={rate}"]):
        z = np.asarray(band.band_elevations_m) - band.station_elevation_m
        # the offsets are the rate times the bands' heights above the subbasin's mean (1e-12: round-off)
        np.testing.assert_allclose(band.temp_offsets(), -rate / 1000.0 * z, rtol=1e-12, atol=1e-12)


def test_the_snow_threshold_takes_the_same_bands():
    # the mean annual solid precipitation (CemaNeige's threshold) comes from the same bands: with another lapse
    # rate its bands' temperatures, so their snow, move with it
    from hydro.watershed import snow_thresholds

    with bands_made() as made:
        snow_thresholds(model_variant("watershed", ["weather.lapse_c_per_km=0"]).basin.watershed)
    assert made and all(np.all(b.temp_offsets() == 0.0) for b in made)
