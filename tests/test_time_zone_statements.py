"""The results say which clock their days are on (time review, 2026-12-05).

A results file's ``time`` is ``days since YYYY-MM-DD 00:00:00``: by CF-1.8 (section 4.4) a reference time
without a zone is UTC, while hydro's days are those of its inputs, Beijing days for the shipped basins
(and Miyun's weather joins three day conventions, which its header's ``time_zone`` records).  The time
variable's ``comment`` says so, and the weather header's ``time_zone`` reaches the results.
"""

from __future__ import annotations

import netCDF4
from cli_invoke import invoke


def test_results_say_which_clock_their_days_are_on(tmp_path):
    out = tmp_path / "m.nc"
    r = invoke("run", "miyun", "--set", "run.start=2016-07-01", "--set", "run.end=2016-07-03", "-o", out, "-q")
    assert r.exit_code == 0, r.output
    with netCDF4.Dataset(out) as ds:
        comment = ds["time"].comment
        zone = ds.getncattr("weather_time_zone")
    assert "UTC+8" in comment and "no time zone conversion" in comment
    assert "Beijing calendar day" in zone and "20:00-20:00" in zone  # (the header's words, as written)
