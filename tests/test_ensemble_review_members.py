"""Weather-ensemble members (review): independent streams, the same member whatever the
worker count, leap days and periods far from the record, synthetic labels, bad counts."""

from __future__ import annotations

import itertools
import math
from datetime import date

import numpy as np
import pytest
from click.testing import CliRunner

from hydro.basin import Basin
from hydro.cli import main
from hydro.ensemble import member_weather, run_ensemble, weather_generator
from hydro.weathergen import _normals, daily_wet_probability

START, END = date(2021, 1, 1), date(2021, 3, 31)


def invoke(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def test_members_are_independent_streams():
    """Members 0..19 of seed 7 (seeds 7..26): no two share a stream.  For independent series
    the correlation of n days has SE 1/sqrt(n); 4.5 SE bounds all 380 pairs (precipitation
    and temperature) with a false-alarm chance under 0.3 % (Bonferroni), and the seeds are
    fixed, so the test is deterministic."""
    basin = Basin.load("watershed")
    start, end = date(2001, 1, 1), date(2030, 12, 31)
    params = weather_generator(basin)
    series = [member_weather(basin, start, end, 7 + m) for m in range(20)]
    n = series[0].dates.size
    month = series[0].months - 1
    # anomalies from the exact seasonal expectations (the season alone correlates raw series):
    # wet-day indicator minus its daily probability, standardized temperature
    wet = np.array([s.precip_mm > 0 for s in series]) - daily_wet_probability(params, series[0].dates)
    temp = np.array([s.tmean_c for s in series])
    temp = (temp - np.asarray(params.tmean_c)[month]) / np.asarray(params.tstd_c)[month]
    for field, x in (("wet days", wet), ("temperature", temp)):
        r = np.corrcoef(x)
        worst = max(abs(r[i, j]) for i, j in itertools.combinations(range(20), 2))
        assert worst <= 4.5 / math.sqrt(n), (field, worst)
    assert len({s.precip_mm.tobytes() for s in series}) == 20


def test_a_member_is_the_same_with_any_number_of_workers():
    """Member m depends only on its seed: one worker (in this process) and two processes
    give the same numbers, bit for bit (test_ensemble.py compares a member run alone)."""
    one = run_ensemble("watershed", 3, 40, START, END, workers=1, quiet=True)
    two = run_ensemble("watershed", 3, 40, START, END, workers=2, quiet=True)
    for name in ("section_tn_concentration", "discharge", "reservoir_storage"):
        np.testing.assert_array_equal(one[name], two[name])


def test_leap_days_and_periods_far_from_the_record():
    """A member crossing a year end and a leap day, eighty years after the 2001-2010 record:
    every day once, February 29 included, finite values, tmin <= tmean <= tmax."""
    basin = Basin.load("watershed")
    w = member_weather(basin, date(2087, 12, 30), date(2088, 3, 2), 3)
    assert w.dates[0] == np.datetime64("2087-12-30") and w.dates.size == 2 + 31 + 29 + 2
    assert np.all(np.diff(w.dates) == np.timedelta64(1, "D")) and np.datetime64("2088-02-29") in w.dates
    for field in (w.precip_mm, w.tmean_c, w.tmin_c, w.tmax_c):
        assert np.isfinite(field).all()
    assert np.all(w.tmin_c <= w.tmean_c) and np.all(w.tmean_c <= w.tmax_c)


def test_runs_of_different_lengths_share_numbers_as_documented():
    """docs/commands/run.md: with one seed, a 2017-2020 run's amount numbers from 2018-12-31
    on are the occurrence numbers of a 2021-2026 run from its first day (so each period
    needs its own seed)."""
    n1 = (date(2020, 12, 31) - date(2017, 1, 1)).days + 1
    n2 = (date(2026, 12, 31) - date(2021, 1, 1)).days + 1
    a, b = _normals(5, n1, 1, 1, 0.0), _normals(5, n2, 1, 1, 0.0)
    first = (date(2018, 12, 31) - date(2017, 1, 1)).days
    np.testing.assert_array_equal(a[1, first:], b[0, :n1 - first])
    assert not np.array_equal(_normals(6, n2, 1, 1, 0.0)[0, :n1 - first], a[1, first:])


def test_synthetic_runs_say_so_and_name_the_fitted_record(tmp_path):
    """The file's ``weather`` attribute no longer names the observed CSV alone: it says the
    weather is synthetic and which record (file and period) the generator was fitted to."""
    xr = pytest.importorskip("xarray")
    label = "synthetic: hydro.weathergen fitted to weather.csv (2001-01-01..2010-12-31)"
    out = tmp_path / "e.nc"
    r = invoke("run", "watershed", "--members", 2, "--seed", 4, "--workers", 1, "--start", START,
               "--end", END, "-o", out, "-q")
    assert r.exit_code == 0, r.output
    with xr.open_dataset(out) as ds:
        assert ds.attrs["weather"] == label
        assert (ds.attrs["weather_synthetic"], ds.attrs["weather_seed"]) == ("true", "4+member")
    one = tmp_path / "s.nc"
    r = invoke("run", "watershed", "--synthetic-weather", 4, "--start", START, "--end", END, "-o", one, "-q")
    assert r.exit_code == 0, r.output
    with xr.open_dataset(one) as ds:
        assert ds.attrs["weather"] == label and ds.attrs["weather_seed"] == "4"


def test_zero_members_is_refused_not_run_on_observed_weather(tmp_path):
    """``--members 0`` used to run the basin once on its observed weather and exit 0."""
    out = tmp_path / "z.nc"
    r = invoke("run", "watershed", "--members", 0, "-o", out, "-q")
    assert r.exit_code == 2 and "'--members'" in r.output and "Traceback" not in r.output, r.output
    assert not out.exists()


def test_a_record_too_short_to_fit_is_one_user_error(tmp_path):
    """A weather CSV the generator cannot be fitted to (no November) used to fail every
    member alike ("every member of the ensemble failed", exit 3) and named the station, not
    the file; now one error before any member runs, naming the file and month (exit 2)."""
    import shutil

    from hydro.basin import ROOT

    folder = tmp_path / "ws"
    shutil.copytree(ROOT / "configs" / "examples" / "watershed", folder)
    csv = folder / "weather.csv"
    lines = csv.read_text().splitlines()
    first = next(i for i, line in enumerate(lines) if line.startswith("date"))
    csv.write_text("\n".join(lines[:first + 1 + 300]) + "\n")  # 2001-01-01..2001-10-27
    toml = folder / "basin.toml"
    toml.write_text(toml.read_text().replace("end = 2010-12-31", "end = 2001-10-27"))
    r = invoke("run", folder, "--members", 2, "--workers", 1, "-o", tmp_path / "x.nc", "-q")
    assert r.exit_code == 2, r.output
    assert "weather.csv: column 'precip_mm': Nov has 0 days" in r.output and "every member" not in r.output
    assert "Traceback" not in r.output and not (tmp_path / "x.nc").exists()


@pytest.mark.parametrize("members, seed, fragment", [(2, -3, "--seed"), (2, 1.5, "--seed"), (True, 1, "--members"),
                                                     (0, 1, "--members")])
def test_bad_counts_and_seeds_are_refused_before_any_member(members, seed, fragment):
    """From Python, a negative or fractional seed failed every member inside its task
    (BatchFailed: 'every member of the ensemble failed'); now one HydroError first."""
    from hydro.batch import BatchFailed
    from hydro.errors import HydroError

    with pytest.raises(HydroError, match=fragment) as err:
        run_ensemble("watershed", members, seed, START, END, workers=1, quiet=True)
    assert not isinstance(err.value, BatchFailed)
