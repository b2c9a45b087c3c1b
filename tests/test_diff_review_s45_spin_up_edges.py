"""Cyclic spin-up edges (hydro/runoff_warm_up.py warm_up / spin_up_cycles).

test_no_spin_up_where_the_weather_ends_before_the_run: kills mutant M16 (``and end <= last_weather``
dropped from warm_up's spin-up condition); passes on s45.  warm_up's docstring: a forcing that does not
reach the run's end gets no warm-up (the run says what it lacks).

test_less_than_a_year_of_weather_before_the_start_is_a_spin_up: finding F2 (fixed: under a year of weather
before the start, the cycles run)."""

from __future__ import annotations

from datetime import date

from hydro.model import Model
from hydro.runoff_warm_up import warm_up
from hydro.watershed import Watershed, snow_thresholds
from hydro.weather import station_record


def _guanting(cycles: int):
    return Model.from_basin("guanting").with_parameters({"run.runoff_spin_up_cycles": cycles}).basin


def test_no_spin_up_where_the_weather_ends_before_the_run():
    basin = _guanting(3)
    ws = Watershed.from_basin(basin)
    forcing = station_record(ws.weather.csv)
    last = forcing.dates[-1].astype("datetime64[D]").item()
    start = forcing.dates[0].astype("datetime64[D]").item()
    warm = warm_up(ws, forcing, start, date(last.year + 2, 12, 31), 3, snow_thresholds(ws), 3)
    assert warm.state is None and warm.cycles == 0
    # the same call ending within the weather spins up
    spun = warm_up(ws, forcing, start, date(start.year, 12, 31), 3, snow_thresholds(ws), 3)
    assert spun.cycles == 3 and spun.state is not None


def test_less_than_a_year_of_weather_before_the_start_is_a_spin_up():
    """Finding F2 of the re-read (fixed): one day of weather before the start turned 20 requested cycles
    into a one-day warm-up, the fillings' arbitrary state again.  Under a year of weather before the
    start, the stores are spun up over the run's first year; a year or more, the ordinary warm-up."""
    basin = _guanting(20)
    ws = Watershed.from_basin(basin)
    forcing = station_record(ws.weather.csv)
    start = forcing.dates[0].astype("datetime64[D]").item()
    later = date(start.year, start.month, start.day + 1)
    warm = warm_up(ws, forcing, later, date(start.year, 12, 31), 3, snow_thresholds(ws), 20)
    assert warm.cycles == 20 and warm.first == later  # the run's own first year, not the day before
    a_year_on = date(start.year + 1, start.month, start.day)
    warm = warm_up(ws, forcing, a_year_on, date(start.year + 1, 12, 31), 3, snow_thresholds(ws), 20)
    assert warm.cycles == 0 and (warm.first, warm.last) == (start, date(start.year, 12, 31))
