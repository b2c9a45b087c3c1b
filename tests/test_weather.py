"""Daily weather: hourly aggregation, the forcing CSV, and the stochastic generator.

Statistical tolerances are derived from the sampling error of the generated
series and stated beside each check.  Seeds are fixed, so every test is
deterministic; the tolerances say how far a correct generator could drift, so a
failure is a real discrepancy rather than bad luck.  ``Z`` standard errors are
allowed: with about 100 statistical comparisons in this file, P(|N(0,1)| > 4.5)
= 7e-6 each keeps the chance that *any* would trip for a correct generator
below 0.1% for any seed.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from hydro.errors import HydroError
from hydro.weather import (
    DailyForcing,
    annual_totals,
    read_forcing_csv,
    read_hourly_station,
    write_forcing_csv,
)
from hydro.weathergen import (
    WeatherGeneratorParams,
    daily_wet_probability,
    expected_annual_precip_mm,
    fit,
    generate,
)

ROOT = Path(__file__).resolve().parents[1]
HUAIROU_HOURLY = ROOT / "basins" / "_stations" / "beijing_huairou_hourly_2013_2017.csv"
DINGLING_HOURLY = ROOT / "basins" / "_stations" / "beijing_dingling_hourly_2013_2017.csv"
HUAIROU_DAILY = ROOT / "basins" / "miyun" / "forcing" / "huairou_daily_2013_2017.csv"
DINGLING_DAILY = ROOT / "basins" / "guanting" / "forcing" / "dingling_daily_2013_2017.csv"

Z = 4.5  # standard errors allowed in statistical checks (see the module docstring)
HEADER = "year,month,day,hour,TEMP,PRES,DEWP,RAIN,WSPM"


# ---------------------------------------------------------------------------------
# Hourly → daily aggregation
# ---------------------------------------------------------------------------------
def _hourly_file(path: Path) -> Path:
    """Three days around a leap day, built so each daily value is easy by hand.

    2020-02-28: all 24 rows; RAIN 1.2 at 05h, 0.3 at 06h, NA at 10h, 0 else;
                TEMP = hour - 10, NA at 23h.
    2020-02-29: all 24 rows; RAIN NA in 7 hours (00h..06h), 0 else; TEMP 2.0.
    2020-03-01: rows for 00h..17h only (6 hours absent); RAIN 0.1 at 00h;
                TEMP = 0.5 * hour.
    """
    lines = [HEADER]
    for h in range(24):
        rain = {5: "1.2", 6: "0.3", 10: "NA"}.get(h, "0")
        temp = "NA" if h == 23 else str(h - 10)
        lines.append(f"2020,2,28,{h},{temp},1010,-5,{rain},1.0")
    for h in range(24):
        rain = "NA" if h < 7 else "0"
        lines.append(f"2020,2,29,{h},2.0,1010,-5,{rain},1.0")
    for h in range(18):
        rain = "0.1" if h == 0 else "0"
        lines.append(f"2020,3,1,{h},{0.5 * h},NA,NA,{rain},NA")
    path.write_text("\n".join(lines) + "\n")
    return path


def test_hourly_aggregation_by_hand(tmp_path):
    daily = read_hourly_station(_hourly_file(tmp_path / "h.csv"), station="test")
    f = daily.forcing
    assert f.dates.astype(str).tolist() == ["2020-02-28", "2020-02-29", "2020-03-01"]
    # Day 1: 1 rain hour missing (<= 6) -> plain sum 1.2 + 0.3, not scaled by 24/23.
    # Day 2: 7 rain hours missing (> 6) -> NaN.  Day 3: 6 absent rows -> kept, 0.1.
    np.testing.assert_allclose(f.precip_mm, [1.5, np.nan, 0.1], rtol=0, atol=1e-12)
    # Day 1 TEMP = h - 10 for h = 0..22: mean (253 - 230) / 23 = 1, min -10, max 12.
    # Day 2 constant 2.  Day 3 0.5 h for h = 0..17: mean 4.25, min 0, max 8.5.
    np.testing.assert_allclose(f.tmean_c, [1.0, 2.0, 4.25], rtol=0, atol=1e-12)
    np.testing.assert_allclose(f.tmin_c, [-10.0, 2.0, 0.0], rtol=0, atol=1e-12)
    np.testing.assert_allclose(f.tmax_c, [12.0, 2.0, 8.5], rtol=0, atol=1e-12)
    assert daily.missing_rain_hours.tolist() == [1, 7, 6]
    assert daily.missing_temp_hours.tolist() == [1, 0, 6]
    assert (daily.n_missing_precip_days, daily.n_partial_precip_days) == (1, 2)
    assert (daily.n_missing_temp_days, daily.n_partial_temp_days) == (0, 2)
    # Missed-rain estimate: February's mean hourly rain is 1.5 mm over 40 observed
    # hours; March's 0.1 mm over 18 hours.  Day 2 is NaN, so all 24 hours count.
    feb, mar = 1.5 / 40, 0.1 / 18
    np.testing.assert_allclose(daily.missed_rain_estimate_mm, [1 * feb, 24 * feb, 6 * mar], rtol=1e-12)
    assert f.metadata["synthetic"] is False
    assert f.metadata["missing_precip_days"] == 1


def test_missing_hour_limit_is_a_parameter(tmp_path):
    path = _hourly_file(tmp_path / "h.csv")
    strict = read_hourly_station(path, max_missing_hours=0).forcing
    assert np.isnan(strict.precip_mm).tolist() == [True, True, True]
    assert np.isnan(strict.tmean_c).tolist() == [True, False, True]
    lax = read_hourly_station(path, max_missing_hours=7).forcing
    np.testing.assert_allclose(lax.precip_mm, [1.5, 0.0, 0.1], atol=1e-12)


# ---------------------------------------------------------------------------------
# The real records
# ---------------------------------------------------------------------------------
def test_huairou_annual_totals_match_published_values():
    """Huairou: 531 (2013, from March 1), 460, 708, 674 mm (the data README).

    The published figures are whole millimetres, so they may differ by 0.5 mm;
    missing hours can only lower our sums, by at most about the estimated
    missed rain of that year (missing hours x the month's mean hourly rain).
    """
    daily = read_hourly_station(HUAIROU_HOURLY, station="Huairou")
    totals = annual_totals(daily.forcing)
    missed = daily.missed_rain_by_year()
    published = {2013: 531.0, 2014: 460.0, 2015: 708.0, 2016: 674.0}
    for year, value in published.items():
        total, n_days, n_missing = totals[year]
        assert n_missing == 0
        assert n_days == (306 if year == 2013 else 366 if year == 2016 else 365)
        allowed = 0.5 + missed[year]
        assert abs(total - value) <= allowed, f"{year}: {total:.1f} mm vs published {value} (allowed {allowed:.2f})"
    # The rule leaves no missing day in this record (at most 6 missing hours a day).
    assert daily.n_missing_precip_days == 0 and daily.n_missing_temp_days == 0
    assert int(daily.missing_rain_hours.max()) == 6


@pytest.mark.parametrize(("hourly", "shipped"), [(HUAIROU_HOURLY, HUAIROU_DAILY), (DINGLING_HOURLY, DINGLING_DAILY)])
def test_shipped_daily_files_match_a_fresh_aggregation(hourly, shipped):
    fresh = read_hourly_station(hourly).forcing
    ship = read_forcing_csv(shipped)
    assert ship.metadata["synthetic"] is False
    assert "Zhang" in ship.metadata["source"]
    assert ship.metadata["source_sha256"] == fresh.metadata["source_sha256"]
    np.testing.assert_array_equal(ship.dates, fresh.dates)
    for name in ("precip_mm", "tmean_c", "tmin_c", "tmax_c"):
        # written with 2 decimals: rounding error at most 0.005
        np.testing.assert_allclose(getattr(ship, name), getattr(fresh, name), rtol=0, atol=0.005 + 1e-9)


# ---------------------------------------------------------------------------------
# The forcing CSV
# ---------------------------------------------------------------------------------
def _small_forcing(n=10, pet=False, **meta):
    dates = np.arange(np.datetime64("2020-02-25"), np.datetime64("2020-02-25") + n)
    rng = np.random.default_rng(0)
    tmean = rng.normal(0, 3, n)
    return DailyForcing(
        dates,
        np.round(rng.gamma(0.5, 4, n), 2),
        np.round(tmean, 2),
        np.round(tmean - 4, 2),
        np.round(tmean + 5, 2),
        np.full(n, 1.25) if pet else None,
        meta,
    )


def test_forcing_csv_round_trip(tmp_path):
    f = _small_forcing(pet=True, station="X", synthetic=True, seed=42)
    path = write_forcing_csv(f, tmp_path / "f.csv", metadata={"note": "a: b"})
    text = path.read_text()
    assert "# synthetic: true\n" in text and "# seed: 42\n" in text
    g = read_forcing_csv(path)
    np.testing.assert_array_equal(g.dates, f.dates)
    for name in ("precip_mm", "tmean_c", "tmin_c", "tmax_c", "pet_mm"):
        np.testing.assert_allclose(getattr(g, name), getattr(f, name), rtol=0, atol=1e-12)
    assert g.metadata == {"station": "X", "synthetic": True, "seed": 42, "note": "a: b"}
    # Re-writing what was read gives the same file (header included).
    write_forcing_csv(g, tmp_path / "g.csv")
    assert (tmp_path / "g.csv").read_text() == text


def _write(tmp_path, body: str) -> Path:
    path = tmp_path / "bad.csv"
    path.write_text(body)
    return path


GOOD_ROWS = "date,precip_mm,tmean_c,tmin_c,tmax_c\n2020-01-01,0.0,1.0,-2.0,3.0\n2020-01-02,1.5,2.0,0.0,4.0\n"


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("# c\n" + GOOD_ROWS + "2020-01-04,0,0,-1,1\n", ["line 5", "'date'", "2020-01-04", "skips"]),
        (GOOD_ROWS + "2020-01-02,0,0,-1,1\n", ["line 4", "repeats"]),
        (GOOD_ROWS + "2020-13-03,0,0,-1,1\n", ["line 4", "'date'", "2020-13-03"]),
        (GOOD_ROWS + "2020-01-03,abc,0,-1,1\n", ["line 4", "'precip_mm'", "abc"]),
        (GOOD_ROWS + "2020-01-03,-1,0,-1,1\n", ["line 4", "2020-01-03", "'precip_mm'", ">= 0"]),
        (GOOD_ROWS + "2020-01-03,NA,0,-1,1\n", ["line 4", "2020-01-03", "'precip_mm'", "missing", "fill the gap"]),
        (GOOD_ROWS + "2020-01-03,0,0,1,2\n", ["line 4", "'tmin_c'", "tmin_c <= tmean_c"]),
        (GOOD_ROWS + "2020-01-03,0,0,-1\n", ["line 4", "expected 5"]),
        (GOOD_ROWS.replace("precip_mm", "precip"), ["unknown column 'precip'", "did you mean 'precip_mm'"]),
        (GOOD_ROWS.replace(",tmax_c", "").replace(",3.0\n", "\n").replace(",4.0\n", "\n"), ["missing column 'tmax_c'"]),
        ("# synthetic: maybe\n" + GOOD_ROWS, ["line 1", "'synthetic'", "true or false"]),
        ("# only comments\n", ["no header"]),
    ],
)
def test_bad_forcing_csv_is_a_located_hydro_error(tmp_path, body, expected):
    path = _write(tmp_path, body)
    with pytest.raises(HydroError) as info:
        read_forcing_csv(path)
    message = str(info.value)
    assert str(path) in message
    for piece in expected:
        assert piece in message, f"{piece!r} not in {message!r}"


def test_missing_values_allowed_on_request(tmp_path):
    path = _write(tmp_path, GOOD_ROWS + "2020-01-03,NA,NA,NA,NA\n")
    f = read_forcing_csv(path, allow_missing=True)
    assert np.isnan(f.precip_mm[2]) and np.isnan(f.tmax_c[2])


def test_missing_forcing_file(tmp_path):
    with pytest.raises(HydroError, match="file not found"):
        read_forcing_csv(tmp_path / "nope.csv")


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        (lambda t: t.replace("RAIN", "RAN"), ["missing column 'RAIN'", "did you mean 'RAN'"]),
        (lambda t: t.replace("2020,2,28,3,-7,", "2020,2,28,3,warm,"), ["line 5", "'TEMP'", "warm"]),
        (lambda t: t.replace("2020,2,28,3,", "2020,2,28,24,"), ["line 5", "'hour'", "0..23"]),
        (lambda t: t.replace("2020,2,28,3,", "2020,2,28,2,"), ["line 5", "repeats"]),
        (lambda t: t.replace("2020,2,28,3,", "2020,2,30,3,"), ["line 5", "no such date 2020-02-30"]),
        (lambda t: t.replace("2020,2,28,3,-7,1010,-5,0,", "2020,2,28,3,-7,1010,-5,-0.5,"), ["line 5", "'RAIN'", "-0.5"]),
        (lambda t: t.replace("2020,2,28,3,-7,1010,-5,0,1.0", "2020,2,28,3,-7,1010"), ["line 5", "expected 9"]),
        (lambda t: t.replace("2020,2,28,3,", "NA,2,28,3,"), ["line 5", "'year'", "missing"]),
    ],
)
def test_bad_hourly_file_is_a_located_hydro_error(tmp_path, mutate, expected):
    good = _hourly_file(tmp_path / "good.csv").read_text()
    bad = mutate(good)
    assert bad != good
    path = _write(tmp_path, bad)
    with pytest.raises(HydroError) as info:
        read_hourly_station(path)
    message = str(info.value)
    assert str(path) in message
    for piece in expected:
        assert piece in message, f"{piece!r} not in {message!r}"


# ---------------------------------------------------------------------------------
# The generator
# ---------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def params() -> WeatherGeneratorParams:
    return fit(read_forcing_csv(HUAIROU_DAILY), reference_elevation_m=None)


@pytest.fixture(scope="module")
def long_run(params) -> DailyForcing:
    # 200 years, one series: ~6,000 days per calendar month.
    return generate(params, "2001-01-01", "2200-12-31", seed=20240601)


def test_fit_is_plausible_for_huairou(params):
    daily = read_forcing_csv(HUAIROU_DAILY)
    p = daily.precip_mm
    m = daily.months - 1
    wet = p >= 0.1
    # Unpooled months reproduce the record's mean wet-day amount exactly (moment fit).
    for k in (5, 6, 7):  # Jun, Jul, Aug: never pooled
        assert math.isclose(params.mean_wet_day_mm[k], p[wet & (m == k)].mean(), rel_tol=1e-12)
        assert math.isclose(params.tmean_c[k], daily.tmean_c[m == k].mean(), rel_tol=1e-12)
    # Summer is the wet season (DOMAIN.md: most precipitation June-September).
    summer = params.stationary_wet_probability[5:9].mean()
    winter = params.stationary_wet_probability[[11, 0, 1]].mean()
    assert summer > 3 * winter
    assert 0.3 < params.temperature_lag1 < 0.95
    # The fitted climate's annual total lies among the record's full years (460-708 mm).
    assert 450 < expected_annual_precip_mm(params) < 720


def test_params_toml_round_trip(tmp_path, params):
    path = params.to_toml(tmp_path / "p.toml")
    assert WeatherGeneratorParams.from_toml(path) == params


def test_params_toml_errors(tmp_path, params):
    text = params.to_toml(tmp_path / "p.toml").read_text()
    bad = tmp_path / "bad.toml"
    bad.write_text(text.replace("wet_threshold_mm", "wet_treshold_mm"))
    with pytest.raises(HydroError, match=r"bad\.toml: key 'wet_treshold_mm': unknown key \(did you mean 'wet_threshold_mm'\?\)"):
        WeatherGeneratorParams.from_toml(bad)
    bad.write_text(text.replace("temperature_lag1", "temperature_lag"))
    with pytest.raises(HydroError, match=r"key 'temperature_lag1': missing"):
        WeatherGeneratorParams.from_toml(bad)
    bad.write_text(text.replace("gamma_shape = [", "gamma_shape = [1.0, "))
    with pytest.raises(HydroError, match=r"monthly\.gamma_shape.*expected 12 values, got 13"):
        WeatherGeneratorParams.from_toml(bad)


def test_monthly_statistics_match_the_fit(params, long_run):
    g = long_run
    m = g.months - 1
    wet = g.precip_mm > 0  # every generated wet day has >= the 0.1 mm threshold
    assert g.precip_mm[wet].min() >= params.wet_threshold_mm
    p_day = daily_wet_probability(params, g.dates)
    rho = params.temperature_lag1
    z = (g.tmean_c - np.asarray(params.tmean_c)[m]) / np.asarray(params.tstd_c)[m]
    for k in range(12):
        sel = m == k
        n = int(sel.sum())
        # Wet-day probability.  Expected: mean of the chain's exact daily
        # probabilities.  The wet/dry indicator is a Markov chain with lag-1
        # autocorrelation lam = p11 - p01, which inflates the binomial variance
        # pi(1-pi)/n by (1 + lam) / (1 - lam).
        pi = p_day[sel].mean()
        lam = params.p_wet_given_wet[k] - params.p_wet_given_dry[k]
        se = math.sqrt(pi * (1 - pi) / n * (1 + lam) / (1 - lam))
        frac = wet[sel].mean()
        assert abs(frac - pi) <= Z * se, f"month {k + 1}: wet fraction {frac:.4f} vs {pi:.4f} (SE {se:.4f})"
        # Mean wet-day amount: amounts are independent draws given occurrence, so
        # SE = sd / sqrt(n_wet) with sd = sqrt(k) * theta of the gamma.
        amounts = g.precip_mm[sel & wet]
        sd = math.sqrt(params.gamma_shape[k]) * params.gamma_scale_mm[k]
        se = sd / math.sqrt(amounts.size)
        mean = params.mean_wet_day_mm[k]
        assert abs(amounts.mean() - mean) <= Z * se, (
            f"month {k + 1}: mean wet-day amount {amounts.mean():.3f} vs {mean:.3f} mm (SE {se:.3f})"
        )
        # Monthly mean temperature.  Daily anomalies are AR(1) with rho; the variance
        # of a mean of n AR(1) values is at most sigma^2 / n * (1 + rho) / (1 - rho)
        # (the same month in different years is 11 months apart: independent).
        sigma = params.tstd_c[k]
        t = g.tmean_c[sel]
        se = sigma * math.sqrt((1 + rho) / ((1 - rho) * n))
        assert abs(t.mean() - params.tmean_c[k]) <= Z * se, (
            f"month {k + 1}: mean temperature {t.mean():.3f} vs {params.tmean_c[k]:.3f} degC (SE {se:.3f})"
        )
        # Temperature standard deviation.  Bartlett: var(s^2) ~ 2 sigma^4 / n *
        # (1 + rho^2) / (1 - rho^2) for an AR(1), so SE(s) = sigma * sqrt((1 + rho^2) /
        # (2 n (1 - rho^2))).
        se = sigma * math.sqrt((1 + rho**2) / (2 * n * (1 - rho**2)))
        assert abs(t.std(ddof=1) - sigma) <= Z * se, (
            f"month {k + 1}: temperature std {t.std(ddof=1):.3f} vs {sigma:.3f} degC (SE {se:.3f})"
        )
    # Lag-1 autocorrelation of standardized anomalies: SE ~ sqrt((1 - rho^2) / n).
    r1 = np.corrcoef(z[:-1], z[1:])[0, 1]
    assert abs(r1 - rho) <= Z * math.sqrt((1 - rho**2) / z.size)
    # Min and max are the mean -/+ the monthly half-range, exactly.
    half = np.asarray(params.half_range_c)[m]
    np.testing.assert_allclose(g.tmax_c - g.tmean_c, half, rtol=0, atol=1e-9)
    np.testing.assert_allclose(g.tmean_c - g.tmin_c, half, rtol=0, atol=1e-9)


def test_expected_annual_matches_the_daily_probabilities(params):
    # Brute force over 400 years from the generator's start; the start-up
    # transient of the chain decays within weeks, so they agree to ~1e-6.
    dates = np.arange(np.datetime64("2001-01-01"), np.datetime64("2401-01-01"))
    p = daily_wet_probability(params, dates)
    brute = float(np.sum(p * params.mean_wet_day_mm[dates.astype("datetime64[M]").astype(int) % 12]) / 400)
    assert math.isclose(expected_annual_precip_mm(params), brute, rel_tol=1e-6)


def test_annual_scaling_hits_the_target(params):
    targets = [380.0, 620.0]
    g = generate(params, "2001-01-01", "2200-12-31", seed=7, annual_precip_mm=targets)
    assert g.shape[0] == 2
    expected = expected_annual_precip_mm(params)
    years = g.years
    for j, target in enumerate(targets):
        # The scale factor makes the expectation exactly the target.
        assert math.isclose(g.metadata["precip_scale_factor"][j] * expected, target, rel_tol=1e-5)
        annual = np.bincount(years - years[0], weights=g.precip_mm[j])
        # 200 annual totals, independent from year to year (the chain forgets its
        # state within weeks): SE of their mean = std / sqrt(200).
        se = annual.std(ddof=1) / math.sqrt(annual.size)
        assert abs(annual.mean() - target) <= Z * se, f"{annual.mean():.1f} vs {target} mm (SE {se:.1f})"
    # Unscaled, the generated mean is the station's expectation.
    annual = np.bincount(years - years[0], weights=generate(params, "2001-01-01", "2200-12-31", seed=7).precip_mm)
    assert abs(annual.mean() - expected) <= Z * annual.std(ddof=1) / math.sqrt(annual.size)


def test_lapse_rate_shifts_temperature_exactly(params):
    base = generate(params, "2020-01-01", "2022-12-31", seed=3, n_subbasins=3)
    elev = [120.0, 600.0, 1500.0]
    high = generate(params, "2020-01-01", "2022-12-31", seed=3, elevation_m=elev, reference_elevation_m=120.0)
    shift = -6.5 * (np.asarray(elev) - 120.0) / 1000.0  # 0, -3.12, -8.97 degC
    for name in ("tmean_c", "tmin_c", "tmax_c"):
        np.testing.assert_allclose(getattr(high, name) - getattr(base, name),
                                   np.broadcast_to(shift[:, None], base.shape), rtol=0, atol=1e-12)
    np.testing.assert_allclose(high.tmean_c.mean(axis=1) - base.tmean_c.mean(axis=1), shift, rtol=0, atol=1e-12)
    np.testing.assert_array_equal(high.precip_mm, base.precip_mm)
    # A different lapse rate scales the shift linearly.
    other = generate(params, "2020-01-01", "2022-12-31", seed=3, elevation_m=elev, reference_elevation_m=120.0,
                     lapse_rate_c_per_km=5.0)
    np.testing.assert_allclose(other.tmean_c[2] - base.tmean_c[2], -5.0 * 1.38, rtol=0, atol=1e-12)


def test_same_seed_same_series_different_seed_differs(params):
    a = generate(params, "2020-01-01", "2021-12-31", seed=11, n_subbasins=2)
    b = generate(params, "2020-01-01", "2021-12-31", seed=11, n_subbasins=2)
    c = generate(params, "2020-01-01", "2021-12-31", seed=12, n_subbasins=2)
    for name in ("precip_mm", "tmean_c", "tmin_c", "tmax_c"):
        np.testing.assert_array_equal(getattr(a, name), getattr(b, name))
    assert (a.tmean_c != c.tmean_c).mean() > 0.99
    assert not np.array_equal(a.precip_mm, c.precip_mm)
    assert a.metadata["synthetic"] is True and a.metadata["seed"] == 11
    # Without a seed one is drawn and recorded, so the series can be remade.
    d = generate(params, "2020-01-01", "2020-03-31")
    e = generate(params, "2020-01-01", "2020-03-31", seed=d.metadata["seed"])
    np.testing.assert_array_equal(d.tmean_c, e.tmean_c)


def test_shapes_members_and_csv_label(tmp_path, params):
    g = generate(params, "2020-01-01", "2020-12-31", seed=5, n_members=3, annual_precip_mm=[400, 500])
    assert g.shape == (3, 2, 366) and g.metadata["dims"] == "member, subbasin, time"
    assert generate(params, "2020-01-01", "2020-01-10", seed=5, n_members=4).shape == (4, 10)
    assert generate(params, "2020-01-01", "2020-01-10", seed=5).shape == (10,)
    one = g.series(2, 1)
    np.testing.assert_array_equal(one.tmean_c, g.tmean_c[2, 1])
    path = write_forcing_csv(one, tmp_path / "synthetic.csv")
    back = read_forcing_csv(path)
    assert back.metadata["synthetic"] is True and back.metadata["seed"] == 5
    assert back.metadata["member_index"] == "2" and back.metadata["subbasin_index"] == "1"
    assert back.metadata["annual_precip_mm"] == "500.0"  # the selected subbasin's value
    np.testing.assert_allclose(back.tmean_c, one.tmean_c, atol=0.005 + 1e-9)


def test_spatial_correlation(params):
    n_years = 20
    for r in (0.0, 0.8):
        g = generate(params, "2001-01-01", f"{2000 + n_years}-12-31", seed=9, n_subbasins=2, spatial_correlation=r)
        m = g.months - 1
        z = (g.tmean_c - np.asarray(params.tmean_c)[m]) / np.asarray(params.tstd_c)[m]
        corr = np.corrcoef(z[0], z[1])[0, 1]
        # Both anomaly series are AR(1) with rho, so the sample correlation has
        # SE ~ (1 - r^2) / sqrt(n_eff), n_eff = n (1 - rho^2) / (1 + rho^2).
        rho = params.temperature_lag1
        n_eff = z.shape[1] * (1 - rho**2) / (1 + rho**2)
        se = (1 - r**2) / math.sqrt(n_eff)
        assert abs(corr - r) <= Z * se, f"r={r}: anomaly correlation {corr:.3f} (SE {se:.3f})"
        # Occurrence: correlate departures from the chain's daily wet probability
        # (both subbasins share the seasonal cycle, which alone correlates the raw
        # indicators).  Independent chains: SE ~ sqrt((1 + lam^2) / (1 - lam^2) / n)
        # with lam <= 0.4 (the largest p11 - p01 of the fit, October); so <= 1.25 / sqrt(n).
        resid = (g.precip_mm > 0) - daily_wet_probability(params, g.dates)
        wet_corr = np.corrcoef(resid[0], resid[1])[0, 1]
        if r == 0.0:
            assert abs(wet_corr) <= Z * 1.25 / math.sqrt(z.shape[1]), f"r=0: occurrence correlation {wet_corr:.3f}"
        else:
            # The latent normals have correlation 0.8; thresholding weakens it (an
            # indicator correlation of about 0.5 for wet probabilities 0.05-0.45).
            assert 0.3 < wet_corr < 0.8, f"r=0.8: occurrence correlation {wet_corr:.3f}"


def test_ensemble_shape_members_subbasins_days(params):
    # (speed of this ensemble is measured in benchmarks/, not here)
    g = generate(params, "2021-01-01", "2025-12-31", seed=1, n_members=100,
                 annual_precip_mm=np.linspace(370, 620, 25), spatial_correlation=0.7)
    assert g.shape == (100, 25, 1826)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"seed": -1}, "seed: expected a non-negative integer"),
        ({"seed": 1.5}, "seed"),
        ({"seed": True}, "seed"),
        ({"end": "2019-12-31"}, "end: 2019-12-31 is before start"),
        ({"start": "2020/01/01"}, "start: expected a date YYYY-MM-DD"),
        ({"annual_precip_mm": [400, 500], "elevation_m": [1, 2, 3], "reference_elevation_m": 0},
         "subbasin counts disagree"),
        ({"annual_precip_mm": [400, -5]}, "annual_precip_mm: expected positive"),
        ({"elevation_m": 800.0}, "reference_elevation_m: needed"),
        ({"spatial_correlation": 1.5}, "spatial_correlation"),
        ({"n_members": 0}, "n_members"),
        ({"lapse_rate_c_per_km": float("nan")}, "lapse_rate_c_per_km"),
    ],
)
def test_bad_generator_arguments(params, kwargs, match):
    args = {"start": "2020-01-01", "end": "2020-12-31", "seed": 1} | kwargs
    with pytest.raises(HydroError, match=match):
        generate(params, **args)


def test_fit_rejects_too_short_a_record():
    f = _small_forcing(n=40, source_file="short.csv")
    with pytest.raises(HydroError, match=r"short\.csv.*days with data.*at least 20"):
        fit(f)
