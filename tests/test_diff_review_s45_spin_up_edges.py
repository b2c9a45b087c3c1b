"""Cyclic spin-up edges (hydro/runoff_warm_up.py warm_up / spin_up_cycles).

test_no_spin_up_where_the_weather_ends_before_the_run: kills mutant M16 (``and end <= last_weather``
dropped from warm_up's spin-up condition); passes on s45.  warm_up's docstring: a forcing that does not
reach the run's end gets no warm-up (the run says what it lacks).

test_one_day_of_weather_before_the_start_is_not_a_spin_up: documents finding F5 (passes on s45: it pins
the current, documented-as-opt-in behaviour; see FINDINGS.md): one day of weather before the start turns
20 requested cycles into a one-day warm-up, silently."""

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


def test_one_day_of_weather_before_the_start_is_not_a_spin_up():
    basin = _guanting(20)
    ws = Watershed.from_basin(basin)
    forcing = station_record(ws.weather.csv)
    start = forcing.dates[0].astype("datetime64[D]").item()
    later = date(start.year, start.month, start.day + 1)
    warm = warm_up(ws, forcing, later, date(start.year, 12, 31), 3, snow_thresholds(ws), 20)
    assert warm.cycles == 0 and (warm.first, warm.last) == (start, start)  # one day, not 20 years
