"""The runoff stores warm up on the weather before a run's start (hydro.runoff_warm_up)."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from hydro.basin import Basin
from hydro.errors import HydroError
from hydro.runoff_warm_up import ATTRIBUTE, warm_up, years_before
from hydro.series import daily_dates
from hydro.watershed import Watershed, snow_thresholds, subbasin_runoff, subbasin_weather
from hydro.weather import read_forcing_csv


def test_years_before_keeps_the_day_and_moves_29_february():
    assert years_before(date(2013, 3, 1), 3) == date(2010, 3, 1)
    assert years_before(date(2016, 2, 29), 3) == date(2013, 2, 28)
    assert years_before(date(2016, 2, 29), 5000) == date.min   # runoff_warm_up_years = 5000: the whole file


def test_a_warmed_up_run_continues_the_run_over_its_warm_up_days_exactly():
    # the state the warm-up leaves is the runoff model's own state on the first day: a run from it
    # equals, day for day, the later days of one run over warm-up and run (same snow threshold)
    basin = Basin.load("watershed")
    ws = Watershed.from_basin(basin)
    forcing = read_forcing_csv(ws.weather.csv)
    first = forcing.dates[0].astype("datetime64[D]").item()
    start, end = date(first.year + 1, 5, 1), date(first.year + 2, 4, 30)
    threshold = snow_thresholds(ws)
    warm = warm_up(ws, forcing, start, end, 3, threshold)
    assert (warm.first, warm.last) == (first, date(first.year + 1, 4, 30))   # what the file holds of 3 years
    days = daily_dates(first, end)
    whole = subbasin_runoff(ws, subbasin_weather(ws, days, forcing), days, None, threshold)
    run_days = daily_dates(start, end)
    part = subbasin_runoff(ws, subbasin_weather(ws, run_days, forcing), run_days, warm.state, threshold)
    k = days.index(start)
    np.testing.assert_allclose(part.q_mm, whole.q_mm[:, k:], rtol=1e-12, atol=1e-15)


def test_no_warm_up_without_earlier_weather_or_with_zero_years():
    basin = Basin.load("watershed")
    ws = Watershed.from_basin(basin)
    forcing = read_forcing_csv(ws.weather.csv)
    first = forcing.dates[0].astype("datetime64[D]").item()
    threshold = snow_thresholds(ws)
    assert warm_up(ws, forcing, first, date(first.year, 12, 31), 3, threshold).state is None
    later = date(first.year + 1, 1, 1)
    assert warm_up(ws, forcing, later, date(first.year + 1, 12, 31), 0, threshold).state is None
    assert warm_up(ws, forcing, later, date(first.year + 1, 12, 31), 0, threshold).describe().startswith("none")


def test_guanting_from_2013_has_the_runoff_of_the_run_from_2000():
    # Guanting's large production store took years to forget its initial filling: a run from
    # 2013-03-01 had 31 % less runoff over 2013-03..2017-02 than those days of the run from 2000
    # (2026-12-01).  Warmed up on the three years before, 0.3 % more (measured; bound 2 %: what
    # three years leave of the initial filling, 0.6 % in the first year; one year left 8 %).
    basin = Basin.load("guanting")
    ws = Watershed.from_basin(basin)
    forcing = read_forcing_csv(ws.weather.csv)
    start, end = date(2013, 3, 1), date(2017, 2, 28)
    assert basin.settings.runoff_warm_up_years == 3
    first = forcing.dates[0].astype("datetime64[D]").item()
    days = daily_dates(first, end)
    threshold = snow_thresholds(ws)
    whole = subbasin_runoff(ws, subbasin_weather(ws, days, forcing), days, None, threshold)
    reference = whole.q_mm[:, days.index(start):].mean()
    run_days = daily_dates(start, end)
    weather = subbasin_weather(ws, run_days, forcing)
    cold = subbasin_runoff(ws, weather, run_days, None, threshold).q_mm.mean()
    warm = warm_up(ws, forcing, start, end, 3, threshold)
    warmed = subbasin_runoff(ws, weather, run_days, warm.state, threshold).q_mm.mean()
    assert cold < 0.8 * reference
    assert warmed == pytest.approx(reference, rel=0.02)


def test_the_results_say_which_days_warmed_the_stores_up():
    from hydro.pipeline import run_watershed

    basin = Basin.load("watershed")
    s = basin.settings.start
    res = run_watershed(basin, date(s.year + 1, 1, 1), date(s.year + 1, 1, 31))
    assert res.attrs[ATTRIBUTE] == f"{s.isoformat()}..{date(s.year, 12, 31).isoformat()}"
    assert run_watershed(basin, s, date(s.year, 1, 31)).attrs[ATTRIBUTE].startswith("none")


def test_a_bad_number_of_years_is_refused_with_its_key(tmp_path):
    from hydro.validation.problems import synthetic_watershed

    path = synthetic_watershed(tmp_path, n_subbasin=2, n_reservoir=0, years=1)
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("cell_length_km = 5.0\n", "cell_length_km = 5.0\nrunoff_warm_up_years = -1\n", 1),
                    encoding="utf-8")
    with pytest.raises(HydroError, match="runoff_warm_up_years"):
        Basin.load(path)


def test_an_ensemble_member_warms_up_on_its_own_synthetic_years():
    # generated weather started with the run, so every member started from the initial fillings
    # while the observed run was warmed up; the generator now makes the three years before too.
    # A member from the basin's [run] start (2001-01-01) or before: one that starts later is spun
    # up on the station record instead (tests/test_member_spin_up_review.py)
    from hydro.ensemble import member_weather
    from hydro.pipeline import run_watershed

    basin = Basin.load("watershed")
    start, end = date(2000, 3, 1), date(2000, 3, 31)
    weather = member_weather(basin, start, end, 7)
    assert weather.dates[0] == np.datetime64("1997-03-01")
    res = run_watershed(basin, start, end, weather=weather)
    assert res.attrs[ATTRIBUTE] == "1997-03-01..2000-02-29"
    assert res.dates[0] == start and len(res.dates) == 31


def test_snow_on_a_day_does_not_depend_on_the_day_the_run_ends():
    # CemaNeige's snowfall of full cover was the run's own mean yearly snowfall, so a run to June
    # and a run to the next year melted the same January differently; it is the station record's
    from hydro.pipeline import run_watershed

    basin = Basin.load("watershed")
    assert Watershed.from_basin(basin).snow
    s = basin.settings.start
    short = run_watershed(basin, s, date(s.year, 6, 30), apportion=False, constituents=())
    long = run_watershed(basin, s, date(s.year + 1, 12, 31), apportion=False, constituents=())
    n = len(short.dates)
    np.testing.assert_array_equal(np.asarray(short["subbasin_runoff"]), np.asarray(long["subbasin_runoff"])[:n])


def test_a_generated_member_takes_the_snow_threshold_of_the_station_record():
    from hydro.ensemble import member_weather

    basin = Basin.load("watershed")
    ws = Watershed.from_basin(basin)
    record = snow_thresholds(ws)
    # a member from the basin's [run] start, which is not spun up: its runoff warms up on its own
    # generated years (a later one is spun up on the station record, whose threshold it takes too)
    member = member_weather(basin, date(2001, 1, 1), date(2001, 12, 31), 2)
    assert member.metadata["synthetic"]
    from hydro.pipeline import run_watershed

    res = run_watershed(basin, date(2001, 1, 1), date(2001, 1, 31), weather=member, apportion=False,
                        constituents=())
    days = daily_dates(date(2001, 1, 1), date(2001, 1, 31))
    weather = subbasin_weather(ws, days, member)
    warm = warm_up(ws, member, days[0], days[-1], 3, record)
    expected = subbasin_runoff(ws, weather, days, warm.state, record).q_mm
    np.testing.assert_allclose(np.asarray(res["subbasin_runoff"]).T, expected, rtol=1e-12)


def test_hydro_run_says_what_a_later_start_starts_from(tmp_path):
    # the basin's initial state is given for its [run] start: a later start took it as it is
    # (Miyun from 2013-03-01 began with the 1,850 mcm of 2000-01-01); it is spun up from it now
    # (tests/test_late_start_review.py), which the run says
    from click.testing import CliRunner

    from hydro.cli import main

    s = Basin.load("watershed").settings.start
    later = date(s.year + 1, 2, 1)
    r = CliRunner().invoke(main, ["run", "watershed", "--start", later.isoformat(), "--end",
                                  date(s.year + 1, 2, 10).isoformat(), "-o", str(tmp_path / "a.nc")])
    assert r.exit_code == 0, r.output
    assert f"gives its initial state (reservoir storage, concentrations) for its [run] start, {s}" in r.output
    assert f"spun up from it: the whole model runs {s}..{date(s.year + 1, 1, 31)} first" in r.output
    r = CliRunner().invoke(main, ["run", "watershed", "--end", date(s.year, 1, 10).isoformat(), "-o",
                                  str(tmp_path / "b.nc")])
    assert r.exit_code == 0 and "initial state" not in r.output, r.output
