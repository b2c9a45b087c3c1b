"""What a run on weather given to ``hydro.Model.run`` says of it (a climate-impact review, 2026-12-05):
the series' own adjustments (a delta change was labelled as the station's record) and the climate the
stores' means come from (the basin's period on its record, not the weather given)."""

from __future__ import annotations

import dataclasses

import pytest

import hydro
from hydro.weather import read_forcing_csv


@pytest.fixture(scope="module")
def model():
    return hydro.Model.from_basin("watershed")


def _warmer(record, **meta):
    return dataclasses.replace(record, tmean_c=record.tmean_c + 2.0, tmin_c=record.tmin_c + 2.0,
                               tmax_c=record.tmax_c + 2.0, metadata={**record.metadata, **meta})


def test_a_delta_change_says_so_and_names_the_climate_of_the_stores(model):
    record = read_forcing_csv(model.basin.watershed.weather.csv)
    ds = model.run("2001-01-01", "2001-03-31", weather=_warmer(record, temperature_adjustment="delta change +2 K"))
    assert ds.attrs["weather_adjustments"] == "temperature_adjustment: delta change +2 K"
    s = model.basin.settings
    assert ds.attrs["store_climate"].startswith(f"the basin's [run] period {s.start}..{s.end} on its station record")
    assert "not the weather given" in ds.attrs["store_climate"]
    assert ds.attrs["weather"].startswith("given to Model.run (weather=)")


def test_a_series_without_adjustments_has_none_and_the_basins_own_run_no_store_climate(model):
    record = read_forcing_csv(model.basin.watershed.weather.csv)
    given = model.run("2001-01-01", "2001-01-31", weather=_warmer(record))
    assert "weather_adjustments" not in given.attrs and "store_climate" in given.attrs
    own = model.run("2001-01-01", "2001-01-31")
    assert "store_climate" not in own.attrs  # on its own file: the stores are the basin's own record's
