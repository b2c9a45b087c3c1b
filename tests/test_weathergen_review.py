"""Review of the weather generator against the station record it is fitted to (second pass,
after tests/test_ensemble_review.py): the fit's input checks, and the statistics
docs/commands/run.md adds to its table (variance of monthly and annual totals, spells,
annual maxima, the temperature's day-to-day memory by month, the mid-range of the
extremes), each recomputed from the CSV with pandas, independently of ``hydro.weathergen``.

The generated side uses seed 1 over fixed years, so every comparison is deterministic; a
tolerance that asks whether the record is consistent with the generator is its sampling
error, given at the assert.
"""

from __future__ import annotations

import dataclasses
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from hydro.basin import Basin
from hydro.ensemble import weather_generator
from hydro.errors import HydroError
from hydro.weather import read_forcing_csv
from hydro.weathergen import WeatherGeneratorParams, fit, generate

ROOT = Path(__file__).resolve().parents[1]
MIYUN_CSV = ROOT / "basins" / "miyun" / "forcing" / "huairou_beijing_basin_scaled_2000_2017.csv"
BLOCKS = 50  # generated 21-year records, 1,050 years


@pytest.fixture(scope="module")
def record() -> pd.DataFrame:
    d = pd.read_csv(MIYUN_CSV, comment="#", na_values=["NA"], parse_dates=["date"])
    assert (d.date.dt.year.min(), d.date.dt.year.max()) == (2000, 2020)  # 21 full years
    return d


@pytest.fixture(scope="module")
def params() -> WeatherGeneratorParams:
    return weather_generator(Basin.load("miyun"))


@pytest.fixture(scope="module")
def generated(params) -> pd.DataFrame:
    g = generate(params, "3001-01-01", f"{3000 + 21 * BLOCKS}-12-31", seed=1)
    return pd.DataFrame({"date": pd.to_datetime(g.dates), "precip_mm": g.precip_mm, "tmean_c": g.tmean_c,
                         "tmin_c": g.tmin_c, "tmax_c": g.tmax_c})


# -- the fit's input ------------------------------------------------------------------------

def test_a_month_without_extremes_is_an_error_not_a_zero_half_range():
    """A record whose January has no minimum or maximum (all NA) was fitted with a January half
    range of 0 degC, unsaid: every generated January day had tmin = tmax = tmean, which the
    snow model's solid fraction reads.  Now the fit refuses it as it refuses a month without
    rain or mean temperature, naming the columns and the month."""
    daily = read_forcing_csv(MIYUN_CSV, allow_missing=True)
    january = daily.dates.astype("datetime64[M]").astype(int) % 12 == 0
    for column in ("tmin_c", "tmax_c"):
        gap = dataclasses.replace(daily, **{column: np.where(january, np.nan, getattr(daily, column))})
        with pytest.raises(HydroError, match=r"rec\.csv: columns 'tmin_c' and 'tmax_c' \(days with both\): "
                                             r"Jan has 0 days with data; .* at least 20"):
            fit(gap, where="rec.csv")


def test_a_zero_wet_threshold_is_refused():
    """At 0 mm every day is 'wet' (p >= 0): the fit then failed with 'only 0 days follow a dry
    day ... give a lower wet_threshold_mm' (impossible), and parameters with threshold 0 were
    accepted from Python and from TOML.  Now each says the threshold must be above 0."""
    daily = read_forcing_csv(MIYUN_CSV, allow_missing=True)
    with pytest.raises(HydroError, match=r"wet_threshold_mm: expected a finite value above 0 mm"):
        fit(daily, wet_threshold_mm=0.0)
    p = fit(daily)
    with pytest.raises(ValueError, match=r"wet_threshold_mm: expected a finite value above 0"):
        dataclasses.replace(p, wet_threshold_mm=0.0)


def test_a_zero_wet_threshold_in_toml_names_the_key(tmp_path, params):
    path = params.to_toml(tmp_path / "p.toml")
    text = path.read_text().replace("wet_threshold_mm = 0.1", "wet_threshold_mm = 0.0")
    assert "wet_threshold_mm = 0.0" in text
    path.write_text(text)
    with pytest.raises(HydroError, match=r"p\.toml: key 'wet_threshold_mm'"):
        WeatherGeneratorParams.from_toml(path)


@pytest.mark.parametrize("which", ["start", "end"])
def test_a_not_a_time_date_is_named(params, which):
    """``generate(params, numpy.datetime64('NaT'), ...)`` was numpy's 'arange: cannot use NaT'
    ValueError, naming neither argument."""
    days = {"start": "2001-01-01", "end": "2001-12-31"} | {which: np.datetime64("NaT")}
    with pytest.raises(HydroError, match=rf"^{which}: expected a date YYYY-MM-DD, got NaT"):
        generate(params, days["start"], days["end"], seed=1)


# -- what run.md documents ---------------------------------------------------------------------

def totals(d: pd.DataFrame) -> pd.DataFrame:
    """Precipitation totals, mm: a row per year, a column per month and 'year'."""
    t = d.groupby([d.date.dt.year, d.date.dt.month]).precip_mm.sum().unstack()
    t["year"] = t.sum(axis=1)
    return t


def test_variance_of_monthly_and_annual_totals(record, generated):
    """The record's standard deviation between years of every month's total and of the annual
    total lies within the spread of 21-year samples of the generator: on the log scale, within
    3 standard deviations of the 50 generated 21-year blocks' (13 comparisons: a correct
    generator exceeds 3 in one of them with probability about 3.5 %, and seed 1 gives at most
    1.0).  Overdispersion (generated variance too low) would show as large positive z.  The
    ratios generated / record (all 1,050 years) are run.md's 0.81 (Nov) - 1.23 (May)."""
    obs, gen = totals(record), totals(generated)
    z = {}
    for col in obs.columns:
        blocks = np.log(gen[col].to_numpy().reshape(BLOCKS, 21).std(axis=1, ddof=1))
        z[col] = (math.log(obs[col].std()) - blocks.mean()) / blocks.std(ddof=1)
    assert max(abs(v) for v in z.values()) <= 3.0, z
    assert round(max(abs(v) for v in z.values()), 1) == round(z[11], 1) == 1.0  # run.md: "within 1.0 sd"
    ratio = gen.std() / obs.std()
    months = ratio.drop("year")
    assert (round(months.min(), 2), months.idxmin(), round(months.max(), 2), months.idxmax()) == (0.81, 11, 1.23, 5)


def spells(wet: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Lengths of the wet and of the dry runs, days (the first and last run left out)."""
    w = wet.astype(int)
    edges = np.flatnonzero(np.diff(np.r_[-1, w, -1]) != 0)
    lengths, state = np.diff(edges)[1:-1], w[edges[:-1]][1:-1]
    return lengths[state == 1], lengths[state == 0]


def test_spells_and_annual_maxima(record, generated):
    """run.md: wet spells 1.75 / 1.76 days on average, five days or more 2.4 % / 3.8 % of wet
    spells (the one-day memory of the chain), the longest 8 days in 21 years (16 in 1,050
    generated); dry spells 7.7 / 7.8 days, 30 days or more 4.2 % / 4.3 %; annual maximum day
    40 / 38, 58 / 60 and 104 / 105 mm at the 10, 50 and 90 % quantiles, the record's largest
    114 mm reached in 37 of the 50 21-year blocks (record / generated; NA rain days, 39, count
    as dry here)."""
    ow, od = spells((record.precip_mm.fillna(0.0) >= 0.1).to_numpy())
    gw, gd = spells((generated.precip_mm >= 0.1).to_numpy())
    assert (round(ow.mean(), 2), round(gw.mean(), 2)) == (1.75, 1.76)
    assert (round((ow >= 5).mean(), 3), round((gw >= 5).mean(), 3), ow.max()) == (0.024, 0.038, 8)
    assert (gw.max(), int((gw >= 8).sum())) == (16, 3 * BLOCKS)  # 8 days or more 3 times in 21 years
    assert (round(od.mean(), 1), round(gd.mean(), 1)) == (7.7, 7.8)
    assert (round((od >= 30).mean(), 3), round((gd >= 30).mean(), 3)) == (0.042, 0.043)
    # 90 days or more: 3 in the record, 0.86 per 21 generated years; a Poisson count of mean
    # 0.86 reaches 3 with probability 5.6 %, so the record's 3 is a departure of borderline
    # significance (run.md: "long winter droughts are rarer")
    assert (int((od >= 90).sum()), int((gd >= 90).sum())) == (3, 43)
    mean = 43 / BLOCKS
    assert round(1 - math.exp(-mean) * (1 + mean + mean**2 / 2), 3) == 0.056
    oam = record.groupby(record.date.dt.year).precip_mm.max().to_numpy()
    gam = generated.groupby(generated.date.dt.year).precip_mm.max().to_numpy()
    q = (10, 50, 90)
    assert tuple(np.percentile(oam, q).round()) == (40, 58, 104)
    assert tuple(np.percentile(gam, q).round()) == (38, 60, 105)
    assert round(oam.max()) == 114 and int((gam.reshape(BLOCKS, 21).max(axis=1) >= oam.max()).sum()) == 37


def monthly_lag1(d: pd.DataFrame) -> pd.Series:
    """Lag-1 correlation of the daily mean temperature's standardized monthly anomalies, by the
    month of the later day."""
    m = d.date.dt.month
    z = (d.tmean_c - d.groupby(m).tmean_c.transform("mean")) / d.groupby(m).tmean_c.transform("std")
    pairs = pd.DataFrame({"a": z.shift(1), "b": z, "m": m}).dropna()
    return pairs.groupby("m").apply(lambda x: x.a.corr(x.b), include_groups=False)


def test_temperature_memory_and_extremes(record, generated, params):
    """run.md: one day-to-day correlation for the year, 0.69, while the record's runs from 0.58
    (July) to 0.78 (February), 0.76-0.78 in January-March: winter anomalies persist less than
    observed.  Each generated
    lag-1 correlation is within 0.02 of 0.69 (SE sqrt((1 - 0.48) / 32,000) = 0.004 per month).
    The extremes are the daily mean -/+ the half range, while the record's mid-range
    (tmin + tmax) / 2 lies 0.28-0.37 degC above its daily mean in October-February: generated
    winter minima and maxima are that much colder on average."""
    obs, gen = monthly_lag1(record), monthly_lag1(generated)
    assert (round(obs.min(), 2), obs.idxmin(), round(obs.max(), 2), obs.idxmax()) == (0.58, 7, 0.78, 2)
    assert (round(obs.loc[1:3].min(), 2), round(obs.loc[1:3].max(), 2)) == (0.76, 0.78)
    assert round(params.temperature_lag1, 2) == 0.69
    assert (gen - params.temperature_lag1).abs().max() <= 0.02
    ok = record.tmin_c.notna() & record.tmax_c.notna()
    r = record[ok]
    mid = ((r.tmin_c + r.tmax_c) / 2 - r.tmean_c).groupby(r.date.dt.month).mean()
    winter = mid.loc[[10, 11, 12, 1, 2]]
    assert (round(winter.min(), 2), round(winter.max(), 2)) == (0.28, 0.37)
    np.testing.assert_allclose((generated.tmin_c + generated.tmax_c) / 2, generated.tmean_c, atol=1e-9)
