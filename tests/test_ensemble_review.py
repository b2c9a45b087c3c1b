"""The fitted weather generator against the station record it is fitted to (review of weather
ensembles): every statistic recomputed from the CSV with pandas, independently of
``hydro.weathergen``, and compared with 1,000 generated years, as docs/commands/run.md
("The weather generator: what it reproduces") reports them.

The generated side uses seed 1 (the documented run), so the comparisons are deterministic;
the tolerances are the documented roundings or, where the test asks whether the record is
consistent with the generator, its sampling error (given at each assert).
"""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest

from hydro.basin import Basin
from hydro.ensemble import weather_generator
from hydro.snow import solid_fraction_hydrotel
from hydro.weathergen import generate

ROOT = Path(__file__).resolve().parents[1]
MIYUN_CSV = ROOT / "basins" / "miyun" / "forcing" / "huairou_beijing_basin_scaled_2000_2017.csv"
YEARS = 1000


def frame(dates, precip, tmean, tmin, tmax) -> pd.DataFrame:
    d = pd.DataFrame({"date": pd.to_datetime(dates), "p": precip, "t": tmean, "tmin": tmin, "tmax": tmax})
    d["m"] = d.date.dt.month
    d["y"] = d.date.dt.year
    d["wet"] = (d.p >= 0.1).where(d.p.notna())  # NA: unknown, not dry
    d["prev"] = d.wet.shift(1)
    d["prev2"] = d.wet.shift(2)
    return d


@pytest.fixture(scope="module")
def record() -> pd.DataFrame:
    raw = pd.read_csv(MIYUN_CSV, comment="#", na_values=["NA"])
    return frame(raw.date, raw.precip_mm, raw.tmean_c, raw.tmin_c, raw.tmax_c)


@pytest.fixture(scope="module")
def params():
    return weather_generator(Basin.load("miyun"))


@pytest.fixture(scope="module")
def generated(params) -> pd.DataFrame:
    g = generate(params, "3001-01-01", f"{3000 + YEARS}-12-31", seed=1)
    return frame(g.dates, g.precip_mm, g.tmean_c, g.tmin_c, g.tmax_c)


def monthly(d: pd.DataFrame) -> pd.DataFrame:
    g = d.groupby("m")
    return pd.DataFrame({
        "pwet": g.wet.mean(),
        "amount": d[d.wet == 1].groupby("m").p.mean(),
        "p01": d[(d.prev == 0) & d.wet.notna()].groupby("m").wet.mean(),
        "p11": d[(d.prev == 1) & d.wet.notna()].groupby("m").wet.mean(),
        "tmean": g.t.mean(), "tsd": g.t.std(),
        "half": d[d.tmin.notna() & d.tmax.notna()].assign(h=lambda x: (x.tmax - x.tmin) / 2).groupby("m").h.mean(),
    })


def annual(d: pd.DataFrame) -> pd.DataFrame:
    return d.groupby("y").agg(p=("p", "sum"), t=("t", "mean"), wet=("wet", "sum"), pmax=("p", "max"))


def standard_errors(generated: pd.DataFrame, obs: pd.DataFrame, params) -> pd.DataFrame:
    """Each month's standard error of the generated statistics of :func:`monthly` about the
    fitted values: binomial for the transition probabilities (Bernoulli given the day before),
    inflated by (1 + lambda) / (1 - lambda) for the wet-day frequency (lambda = p11 - p01, the
    chain's lag-1 correlation), sd / sqrt(n) for the wet-day amounts, and AR(1) variance
    inflation with the fitted lag-1 correlation rho for the temperature mean
    ((1 + rho) / (1 - rho)) and sd ((1 + rho^2) / (1 - rho^2), over 2n)."""
    rho = params.temperature_lag1
    rows = {}
    for m in range(1, 13):
        g = generated[generated.m == m]
        n = len(g)
        lam = params.p_wet_given_wet[m - 1] - params.p_wet_given_dry[m - 1]
        pw = float(obs.pwet[m])
        se = {"pwet": math.sqrt(pw * (1 - pw) / n * (1 + lam) / (1 - lam))}
        for key, prev in (("p01", 0), ("p11", 1)):
            q, k = float(obs[key][m]), int(((g.prev == prev) & g.wet.notna()).sum())
            se[key] = math.sqrt(q * (1 - q) / k)
        wet = g[g.wet == 1].p
        se["amount"] = wet.std() / math.sqrt(len(wet))
        sd = g.t.std()
        se["tmean"] = sd * math.sqrt((1 + rho) / (1 - rho) / n)
        se["tsd"] = sd * math.sqrt((1 + rho * rho) / (1 - rho * rho) / (2 * n))
        rows[m] = se
    return pd.DataFrame(rows).T


def test_monthly_statistics_are_the_records(record, generated, params):
    """The documented table: every month's wet-day frequency, wet-day amount, transition
    probabilities and temperature mean and sd of 1,000 generated years within 4 standard
    errors of the record's values the generator was fitted to (72 comparisons: at 4 SE a
    correct generator fails one with probability under 0.5 %; seed 1 gives at most 2.8), and
    the diurnal half range equal to the mean of the record's days with both extremes (the fit
    skips the days the file's fill_missing rules would fill).  The largest differences are
    the table's (seed 1): 0.006, 0.16 mm, 0.005 / 0.028, 0.15 / 0.023 degC."""
    obs, gen = monthly(record), monthly(generated)
    z = ((gen - obs)[["pwet", "amount", "p01", "p11", "tmean", "tsd"]].astype(float)
         / standard_errors(generated, obs, params)).abs()
    assert float(z.max().max()) <= 4.0, z.max()
    diff = (gen - obs).abs().max()
    assert (round(diff.pwet, 3), round(diff.amount, 2)) == (0.006, 0.16), diff
    assert (round(diff.p01, 3), round(diff.p11, 3)) == (0.005, 0.028), diff
    assert (round(diff.tmean, 2), round(diff.tsd, 3)) == (0.15, 0.023), diff
    # Before the fit read the record with its gaps it fitted 990 filled minima and 1,147
    # filled maxima as observed: the half range was 0.05-0.14 degC too wide in every month.
    assert diff.half <= 1e-9, diff
    assert (round(obs.pwet.min(), 2), round(obs.pwet.max(), 2)) == (0.06, 0.37)  # "0.06 (Dec) - 0.37 (Jul)"


def test_unknown_days_are_not_fitted_as_dry(record, params):
    """January-February 2013 has 39 days without a rain record; a simulation reads them as
    0 mm (the file's fill rule), the fit must not: its January and February transition
    counts are those of the recorded days only (recomputed here by hand)."""
    for k in (0, 1):
        d = record[(record.m == k + 1) & record.wet.notna() & record.prev.notna()]
        p01 = d[d.prev == 0].wet.mean()
        assert math.isclose(params.p_wet_given_dry[k], p01, rel_tol=1e-12), (k, params.p_wet_given_dry[k], p01)


def test_variance_between_years_is_not_underestimated(record, generated):
    """Annual totals: mean 510 / 508 mm, sd 118 / 123 mm (record / generated).  The record's
    21 full years estimate an sd with relative standard error 1/sqrt(2 (n - 1)) = 0.16, so
    the generated sd is consistent with it when the log ratio is within 3 of those."""
    obs = annual(record[(record.y >= 2000) & (record.y <= 2020)])
    gen = annual(generated)
    assert len(obs) == 21
    assert round(obs.p.mean()) == 510 and round(gen.p.mean()) == 508
    assert round(obs.p.std()) == 118 and round(gen.p.std()) == 123
    assert abs(math.log(gen.p.std() / obs.p.std())) <= 3 / math.sqrt(2 * (len(obs) - 1))
    # annual mean temperature: 0.47 vs 0.41 degC; the record's SE of the sd about 0.07
    assert round(obs.t.std(), 2) == 0.47 and round(gen.t.std(), 2) == 0.41
    assert abs(gen.t.std() - obs.t.std()) <= 3 * obs.t.std() / math.sqrt(2 * (len(obs) - 1))
    # wet days a year and the annual maximum day
    assert (round(obs.wet.mean(), 1), round(obs.wet.std(), 1)) == (67.2, 7.9)
    assert (round(gen.wet.mean(), 1), round(gen.wet.std(), 1)) == (67.2, 8.9)
    assert round(obs.pmax.median()) == 58 and round(gen.pmax.median()) == 60


def test_documented_departures(record, generated):
    """What the generator does not reproduce, with the numbers the docs give."""
    def after_two_wet(d):
        sel = (d.prev == 1) & (d.prev2 == 1) & d.wet.notna()
        return d.wet[sel].mean(), int(sel.sum())

    (obs, n), (gen, _) = after_two_wet(record), after_two_wet(generated)
    assert round(obs, 3) == 0.375 and round(gen, 2) == 0.44
    se = math.sqrt(obs * (1 - obs) / n)
    assert round(se, 2) == 0.02 and gen - obs > 3 * se  # a real departure, not sampling error
    # wet days cooler than dry days in the record (1.4-3.1 degC Mar-Sep, 0.5-1.4 Oct-Feb but
    # Dec); not generated (each month's difference has an SE under 0.1 degC over 1,000 years)
    def wet_cooling(d):
        return d[d.wet == 0].groupby("m").t.mean() - d[d.wet == 1].groupby("m").t.mean()

    cool = wet_cooling(record).round(1)
    assert (cool.loc[3:9].min(), cool.loc[3:9].max()) == (1.4, 3.1)
    assert (cool.loc[[10, 11, 1, 2]].min(), cool.loc[[10, 11, 1, 2]].max()) == (0.5, 1.4)
    assert abs(cool.loc[12]) <= 0.1  # December: none to speak of
    assert wet_cooling(generated).abs().max() < 0.3
    # the diurnal half range of wet and dry days, Dec-Feb: 2.4-2.9 and 4.6-5.5 degC
    winter = record[record.m.isin([12, 1, 2])]
    half = ((winter.tmax - winter.tmin) / 2).groupby([winter.wet, winter.m]).mean().round(1)
    assert (half.loc[True].min(), half.loc[True].max(), half.loc[False].min(), half.loc[False].max()) == (
        2.4, 2.9, 4.6, 5.5)
    # the solid precipitation of the hydrotel fraction, mm a year, at the station and 6.5 degC colder
    for shift, expected in ((0.0, (9.7, 11.1)), (-6.5, (32.3, 28.9))):
        got = tuple(round(solid(d, shift), 1) for d in (record, generated))
        assert got == expected, (shift, got)
    # the month's mean temperature on every day of March: the record's first and last ten days
    march = record[record.m == 3]
    first, last = march[march.date.dt.day <= 10].t.mean(), march[march.date.dt.day >= 22].t.mean()
    assert (round(first, 1), round(last, 1)) == (3.9, 10.4)
    gm = generated[generated.m == 3]
    # generated: both tens at March's mean; each ten-day mean of 10,000 AR(1) days has an SE of
    # 4.3 * sqrt(1.69 / (0.31 * 10000)) = 0.10 degC, so 0.5 is over 3 SE of the difference
    assert abs(gm[gm.date.dt.day <= 10].t.mean() - gm[gm.date.dt.day >= 22].t.mean()) < 0.5


def solid(d: pd.DataFrame, shift: float) -> float:
    ok = d.p.notna() & d.tmin.notna() & d.tmax.notna()
    x = d[ok]
    return float((x.p * solid_fraction_hydrotel(x.tmin + shift, x.tmax + shift)).sum() / (ok.sum() / 365.25))


def test_guanting_figures_the_docs_quote():
    """Guanting's record (run.md): annual sd 132 mm against 123 generated (seed 1, 1,000 years),
    rain after two wet days 0.373 against 0.435."""
    basin = Basin.load("guanting")
    raw = pd.read_csv(basin.folder / basin.weather.raw("csv"), comment="#", na_values=["NA"])
    rec = frame(raw.date, raw.precip_mm, raw.tmean_c, raw.tmin_c, raw.tmax_c)
    g = generate(weather_generator(basin), "3001-01-01", f"{3000 + YEARS}-12-31", seed=1)
    gen = frame(g.dates, g.precip_mm, g.tmean_c, g.tmin_c, g.tmax_c)
    assert round(annual(rec[(rec.y >= 2000) & (rec.y <= 2020)]).p.std()) == 132
    assert round(annual(gen).p.std()) == 123
    for d, expected in ((rec, 0.373), (gen, 0.435)):
        sel = (d.prev == 1) & (d.prev2 == 1) & d.wet.notna()
        assert round(d.wet[sel].mean(), 3) == expected
