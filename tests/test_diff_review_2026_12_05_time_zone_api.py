"""Review of ca5c3ad..s43: the time zone statements on the Python API path.  test_time_zone_statements.py reads a
`hydro run` netCDF file only: mutants TZ2 (no ``comment`` on ``time`` in Results.to_xarray, what Model.run
returns) and TZ4 (weather_time_zone kept on a run on ``weather=``, whose days are the caller's) are checked here."""

from __future__ import annotations

from pathlib import Path

import hydro

ROOT = Path(hydro.__file__).resolve().parents[1]


def test_model_run_says_which_clock_its_days_are_on():
    ds = hydro.Model.from_basin("miyun").run("2016-07-01", "2016-07-03", apportion=False)
    assert "no time zone conversion" in ds["time"].attrs.get("comment", "")
    assert "Beijing calendar day" in ds.attrs["weather_time_zone"]


def test_own_weather_drops_the_station_files_time_zone():
    from hydro.weather import station_record

    m = hydro.Model.from_basin("miyun")
    rec = station_record(ROOT / "basins" / "miyun" / "forcing" / "huairou_beijing_basin_scaled_2000_2017.csv")
    ds = m.run("2018-01-01", "2018-01-05", weather=rec, apportion=False)
    assert "weather_time_zone" not in ds.attrs
