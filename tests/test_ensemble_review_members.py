"""Weather-ensemble members (review): independent streams, the same member whatever the
worker count, leap days and periods far from the record, synthetic labels, bad counts."""

from __future__ import annotations

import itertools
import math
from datetime import date

import numpy as np
import pytest
from cli_invoke import invoke

from hydro.basin import Basin
from hydro.ensemble import member_weather, run_ensemble, weather_generator
from hydro.weathergen import _normals, daily_wet_probability

START, END = date(2021, 1, 1), date(2021, 3, 31)


def test_members_are_independent_streams():
    """Members 0..19 of seed 7 (seeds 7..26): no two share a stream.  For independent series
    the correlation of n days has SE sqrt((1 + r1 r2) / (1 - r1 r2) / n) (Bartlett), r1 and r2
    their lag-1 autocorrelations: the temperature anomalies' fitted rho (0.69 on this record,
    so 1.7 / sqrt(n)), the wet-day chain's p11 - p01 (its largest month's, 0.42 here); 4.5 SE
    bounds all 380 pairs (precipitation and temperature) with a false-alarm chance under 0.3 %
    (Bonferroni), and the seeds are fixed, so the test is deterministic."""
    basin = Basin.load("watershed")
    start, end = date(2011, 1, 1), date(2040, 12, 31)  # after the record (to 2010): generated weather alone
    params = weather_generator(basin)
    series = [member_weather(basin, start, end, 7 + m) for m in range(20)]
    n = series[0].dates.size
    month = series[0].months - 1
    # anomalies from the exact seasonal expectations (the season alone correlates raw series):
    # wet-day indicator minus its daily probability, standardized temperature
    wet = np.array([s.precip_mm > 0 for s in series]) - daily_wet_probability(params, series[0].dates)
    temp = np.array([s.tmean_c for s in series])
    temp = (temp - np.asarray(params.tmean_c)[month]) / np.asarray(params.tstd_c)[month]
    rho = params.temperature_lag1
    chain = float(np.max(np.asarray(params.p_wet_given_wet) - np.asarray(params.p_wet_given_dry)))
    for field, x, lag1 in (("wet days", wet, chain), ("temperature", temp, rho)):
        r = np.corrcoef(x)
        worst = max(abs(r[i, j]) for i, j in itertools.combinations(range(20), 2))
        se = math.sqrt((1 + lag1 * lag1) / (1 - lag1 * lag1) / n)
        assert worst <= 4.5 * se, (field, worst, se)
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
    # the run's days and, before them, every day from the record's end (2010-12-31): the spin-up
    # continues on the member's own weather from there (hydro.spin_up, b7aee64; before it, the
    # three years that warm the runoff stores up, from 2084-12-30)
    assert w.dates[0] == np.datetime64("2011-01-01")
    assert np.sum(w.dates >= np.datetime64("2087-12-30")) == 2 + 31 + 29 + 2
    assert np.all(np.diff(w.dates) == np.timedelta64(1, "D")) and np.datetime64("2088-02-29") in w.dates
    for field in (w.precip_mm, w.tmean_c, w.tmin_c, w.tmax_c):
        assert np.isfinite(field).all()
    assert np.all(w.tmin_c <= w.tmean_c) and np.all(w.tmean_c <= w.tmax_c)


def test_runs_of_different_periods_share_their_calendar_days():
    """docs/commands/run.md: each calendar year draws its own numbers, so with one seed a
    2017-03-15..2020 run and a 2019..2022 run have the same normals on every shared day (and
    other years, or another seed, do not); their weather is the same rain on every shared day
    and the same temperature from a few days after the later generated start (the AR(1) anomalies start
    from their stationary state: with lag-1 correlation rho the difference shrinks as rho^t)."""
    days = lambda a, b: np.arange(np.datetime64(a), np.datetime64(b) + 1)  # noqa: E731
    a, b = days("2017-03-15", "2020-12-31"), days("2019-01-01", "2022-12-31")
    na, nb = _normals(5, a, 1, 1, 0.0), _normals(5, b, 1, 1, 0.0)
    shared = a.size - (b[0] - a[0]).astype(int)
    np.testing.assert_array_equal(na[:, -shared:], nb[:, :shared])
    assert not np.array_equal(_normals(6, b, 1, 1, 0.0)[:, :shared], na[:, -shared:])
    # a year's numbers are not another's (2019 against 2020, the first 365 days)
    assert abs(np.corrcoef(nb[0, :365, 0], nb[0, 365:730, 0])[0, 1]) < 4.5 / math.sqrt(365)
    basin = Basin.load("miyun")
    wa = member_weather(basin, date(2017, 3, 15), date(2020, 12, 31), 5)
    # (on the record: a period that ends after it takes the record's weather on these days)
    wb = member_weather(basin, date(2019, 1, 1), date(2020, 12, 31), 5)
    # (each member's weather starts with the three years that warm its runoff stores up)
    ka, kb = (int(np.flatnonzero(w.dates == np.datetime64("2019-01-01"))[0]) for w in (wa, wb))
    assert kb == 3 * 365 + 1 and wa.dates.size - ka == shared
    np.testing.assert_array_equal(wa.precip_mm[..., ka:], wb.precip_mm[..., kb:kb + shared])
    gap = np.abs(wa.tmean_c[..., ka:] - wb.tmean_c[..., kb:kb + shared]).max(axis=tuple(range(wa.tmean_c.ndim - 1)))
    assert gap[90:].max() <= 1e-9, gap[90:].max()  # rho^90 < 1e-9 for rho <= 0.79
    # both generated series start three years before their runs: years before the shared days
    assert gap.max() <= 1e-9, gap.max()


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
