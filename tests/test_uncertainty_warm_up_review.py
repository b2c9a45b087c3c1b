"""Payment-uncertainty draws warm the runoff stores up as ensemble members do (found in review,
2026-12-01: their weather started on 1 January of the first year, so the stores started from
their initial fillings: a Guanting draw had 31 % more runoff in its first year than warmed up)."""

from datetime import date

import numpy as np
import pytest

import hydro.pipeline
from hydro.compensation.uncertainty import simulated_series


class _Stop(Exception):
    pass


def test_a_draws_weather_starts_the_warm_up_years_before_its_first_year(monkeypatch):
    seen = {}

    def capture(basin, start, end, weather=None, **kwargs):
        seen["start"], seen["first_day"] = start, weather.dates[0]
        seen["warm_up"] = basin.settings.runoff_warm_up_years
        raise _Stop

    monkeypatch.setattr(hydro.pipeline, "run_watershed", capture)
    with pytest.raises(_Stop):
        simulated_series("miyun", 2018, 2018, seed=3)
    assert seen["start"] == date(2018, 1, 1)
    assert seen["warm_up"] >= 1
    assert seen["first_day"] == np.datetime64(date(2018 - seen["warm_up"], 1, 1))
