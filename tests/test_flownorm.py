"""WRTDS flow normalisation (hydro.flownorm).

Peer checks (against EGRET, the reference implementation, on the Choptank data it
ships) are in :mod:`hydro.validation.flownorm_cases`; synthetic checks (known trend,
no trend, invariances) and the worked example of docs/flow-normalisation.md are here.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from hydro import flownorm
from hydro.validation import flownorm_cases
from hydro.validation.registry import all_cases, run_cases

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def synthetic():
    return flownorm_cases.synthetic_record(trend=0.03)


@pytest.fixture(scope="module")
def synthetic_result(synthetic):
    days, q, sdays, conc, _ = synthetic
    return flownorm.wrtds(sdays, conc, days, q)


# -- peer: EGRET ----------------------------------------------------------------------


def test_egret_choptank_published_values():
    """EGRET's own modelEstimation test values (4 significant digits), all twelve."""
    checks = run_cases(["wrtds_egret_choptank"])
    assert len(checks) == 12
    assert all(c.passed for c in checks), [c for c in checks if not c.passed]


def test_egret_choptank_stored_daily_series():
    """The daily ConcDay / FNConc stored in EGRET's Choptank_eList, day by day."""
    checks = run_cases(["wrtds_egret_choptank_daily"])
    assert len(checks) == 2 and all(c.passed for c in checks), checks


def test_cases_are_registered():
    cases = all_cases()
    assert cases["wrtds_egret_choptank"].layer == "peer"
    assert cases["wrtds_synthetic_trend"].layer == "analytical"
    assert not any(cases[n].quick for n in ("wrtds_egret_choptank", "wrtds_egret_choptank_daily",
                                              "wrtds_synthetic_trend"))


def test_censored_fit_is_the_tobit_maximum_likelihood():
    """The EM fit with a left-censored value maximises the censored-normal likelihood."""
    from scipy import optimize, stats

    rng = np.random.default_rng(3)
    n = 120
    t = np.sort(rng.uniform(2000, 2010, n))
    lq = rng.normal(1, 1, n)
    y = 0.3 + 0.05 * (t - 2005) - 0.4 * lq + 0.2 * np.sin(2 * np.pi * t) + rng.normal(0, 0.3, n)
    limit = np.quantile(y, 0.2)
    cens = y < limit
    y = np.where(cens, limit, y)
    w = rng.uniform(0.1, 1, n)
    X = flownorm._design(t, lq, float(np.mean(t)))
    beta0 = np.linalg.lstsq(X, y, rcond=None)[0]
    beta, scale = flownorm._censored_em(w[None, :], X, y, cens, beta0[None, :],
                                        np.array([0.3]))

    def nll(p):
        mu, s = X @ p[:5], np.exp(p[5])
        ll = np.where(cens, stats.norm.logcdf((y - mu) / s), stats.norm.logpdf((y - mu) / s)
                      - np.log(s))
        return -(w * ll).sum()

    best = optimize.minimize(nll, np.r_[beta0, np.log(0.3)], method="BFGS",
                             options={"gtol": 1e-10})
    np.testing.assert_allclose(beta[0], best.x[:5], atol=1e-5)
    np.testing.assert_allclose(scale[0], np.exp(best.x[5]), rtol=1e-5)


# -- synthetic: known trend, no trend, invariances ------------------------------------


def test_flow_normalised_concentration_recovers_the_trend(synthetic_result):
    table = flownorm.annual(synthetic_result, start_month=1)
    assert table.year.tolist() == list(range(2000, 2020))
    slope = np.polyfit(table.year, np.log(table.fn_conc), 1)[0]
    assert slope == pytest.approx(0.03, abs=0.003)
    # the estimated (not normalised) series follows the weather; FN is far smoother
    assert np.std(np.diff(np.log(table.fn_conc))) < np.std(np.diff(np.log(table.conc)))


def test_daily_estimate_tracks_the_true_concentration(synthetic, synthetic_result):
    *_, clean = synthetic
    # samples carry 10 % log-normal noise, whose smearing factor exp(s^2/2) adds 0.5 %
    ratio = synthetic_result.conc / clean
    assert abs(np.median(ratio) - 1) < 0.02
    assert np.percentile(np.abs(np.log(ratio)), 90) < 0.08


def test_no_trend_gives_a_flat_flow_normalised_series():
    days, q, sdays, conc, _ = flownorm_cases.synthetic_record(trend=0.0)
    table = flownorm.annual(flownorm.wrtds(sdays, conc, days, q), start_month=1)
    assert table.fn_conc.max() / table.fn_conc.min() - 1 < 0.05
    assert abs(np.polyfit(table.year, np.log(table.fn_conc), 1)[0]) < 0.002


def test_scaling_discharge_leaves_concentration_unchanged(synthetic, synthetic_result):
    """ln Q shifts by a constant, which the intercept absorbs; windows and grid move with it."""
    days, q, sdays, conc, _ = synthetic
    scaled = flownorm.wrtds(sdays, conc, days, q * 35.3147)
    np.testing.assert_allclose(scaled.conc, synthetic_result.conc, rtol=1e-8)
    np.testing.assert_allclose(scaled.fn_conc, synthetic_result.fn_conc, rtol=1e-8)
    np.testing.assert_allclose(scaled.fn_flux, 35.3147 * synthetic_result.fn_flux, rtol=1e-8)


def test_q_unit_factor_scales_only_the_flux(synthetic, synthetic_result):
    days, q, sdays, conc, _ = synthetic
    cfs = flownorm.wrtds(sdays, conc, days, q / flownorm.CFS_TO_M3S, q_to_m3s=flownorm.CFS_TO_M3S)
    np.testing.assert_allclose(cfs.fn_conc, synthetic_result.fn_conc, rtol=1e-8)
    np.testing.assert_allclose(cfs.flux, synthetic_result.flux, rtol=1e-8)


def test_scaling_concentration_scales_every_output(synthetic, synthetic_result):
    days, q, sdays, conc, _ = synthetic
    r = flownorm.wrtds(sdays, 2.5 * conc, days, q)
    for key in ("conc", "fn_conc", "flux", "fn_flux"):
        np.testing.assert_allclose(getattr(r, key), 2.5 * getattr(synthetic_result, key),
                                   rtol=1e-8)


def test_flow_normalised_flux_is_flux_at_every_discharge_of_the_calendar_day(synthetic_result):
    r = synthetic_result
    day = np.flatnonzero(r.dates == np.datetime64("2010-07-04"))[0]
    same = np.flatnonzero(flownorm._calendar_day(r.dates) == flownorm._calendar_day(r.dates[day]))
    t = flownorm.decimal_year(r.dates[day:day + 1])
    c = r.surface.interpolate(np.repeat(t, same.size), np.log(r.q[same]))
    assert r.fn_conc[day] == pytest.approx(c.mean(), rel=1e-12)
    assert r.fn_flux[day] == pytest.approx((c * r.q[same]).mean() * 86.4, rel=1e-12)
    assert same.size == 20


def test_leap_day_pools_with_28_february():
    d = np.array(["2004-02-28", "2004-02-29", "2004-03-01", "2005-02-28", "2005-03-01",
                  "2004-12-31", "2005-12-31"], dtype="datetime64[D]")
    cal = flownorm._calendar_day(d)
    assert cal[0] == cal[1] == cal[3] == 58 and cal[2] == cal[4] == 59
    assert cal[5] == cal[6] == 364


def test_decimal_year_is_egrets_noon_convention():
    d = np.array(["2001-01-01", "2001-12-31", "2004-12-31"], dtype="datetime64[D]")
    np.testing.assert_allclose(flownorm.decimal_year(d),
                               [2001 + 0.5 / 365, 2001 + 364.5 / 365, 2004 + 365.5 / 366])


def test_windows_widen_to_reach_min_obs():
    """With sparse samples each regression still has >= min_obs non-zero weights."""
    days, q, sdays, conc, _ = flownorm_cases.synthetic_record(samples_per_month=1, years=12)
    s = flownorm.Settings(window_year=1.0, window_q=0.5, window_season=0.1)
    r = flownorm.wrtds(sdays, conc, days, q, settings=s)
    assert np.all(np.isfinite(r.fn_conc)) and np.all(r.fn_conc > 0)


# -- simulated daily series and the example -------------------------------------------


def test_daily_series_every_day_a_sample(synthetic):
    days, q, _, _, clean = synthetic
    sub = slice(0, 365 * 6)
    conc = clean[sub].copy()
    conc[10] = np.nan  # a gap in the simulation is skipped
    r = flownorm.wrtds_daily(days[sub], q[sub], conc)
    assert r.n_samples == 365 * 6 - 1  # every day but the gap
    assert abs(np.median(r.conc[sub] / clean[sub]) - 1) < 0.01


def test_lamprey_example_and_cli(capsys):
    r = flownorm.lamprey_example()
    table = flownorm.annual(r)
    assert table.year.tolist() == list(range(2000, 2013))
    assert r.n_samples == 555
    assert np.all((table.fn_conc > 0.1) & (table.fn_conc < 0.2))
    assert flownorm.main([]) == 0
    out = capsys.readouterr().out
    assert "Lamprey" in out and "FN conc" in out and len(out.splitlines()) == 15


def test_cli_reads_files(tmp_path, synthetic, capsys):
    days, q, sdays, conc, _ = synthetic
    (tmp_path / "s.csv").write_text("day,tn\n" + "".join(f"{d},{c}\n" for d, c in zip(sdays, conc, strict=True)))
    (tmp_path / "q.csv").write_text("date,q\n" + "".join(f"{d},{v}\n" for d, v in zip(days, q, strict=True)))
    code = flownorm.main([str(tmp_path / "s.csv"), str(tmp_path / "q.csv"),
                          "--sample-date-column", "day", "--conc-column", "tn",
                          "--q-column", "q", "--q-to-m3s", "1", "--start-month", "1"])
    assert code == 0
    assert len(capsys.readouterr().out.splitlines()) == 21
    assert flownorm.main([str(tmp_path / "s.csv"), str(tmp_path / "q.csv")]) == 2


@pytest.mark.parametrize("bad", ["zero_conc", "short_q", "gap", "few"])
def test_invalid_inputs_are_refused(synthetic, bad):
    days, q, sdays, conc, _ = synthetic
    conc = conc.copy()
    if bad == "zero_conc":
        conc[3] = 0
    elif bad == "short_q":
        days, q = days[100:], q[100:]
    elif bad == "gap":
        days, q = np.delete(days, 50), np.delete(q, 50)
    else:
        sdays, conc = sdays[:50], conc[:50]
    with pytest.raises(ValueError):
        flownorm.wrtds(sdays, conc, days, q)


def test_documented_example_runs():
    """The python block of docs/flow-normalisation.md runs as written."""
    text = (ROOT / "docs" / "flow-normalisation.md").read_text()
    blocks = re.findall(r"```python\n(.*?)```", text, re.S)
    assert blocks
    for block in blocks:
        exec(compile(block, "flow-normalisation.md", "exec"), {})


def test_from_results_flow_normalises_a_simulated_section(synthetic, tmp_path, capsys):
    """A dilution-driven TN series without trend: FN flat, raw concentration not."""
    from datetime import date, timedelta

    from hydro.errors import HydroError
    from hydro.results import Results

    _, q, *_ = synthetic
    n = 365 * 5 + 2  # 2000-2004
    dates = [date(2000, 1, 1) + timedelta(days=i) for i in range(n)]
    res = Results(coords={"time": dates, "section": ["up", "down"]},
                  constituents={"tn": "total nitrogen"})
    qq = np.column_stack([q[:n], 2 * q[:n]])
    res.add("section_discharge", qq)
    res.add("section_tn_concentration", 4.0 * qq ** -0.4)
    r = flownorm.from_results(res, "down")
    table = flownorm.annual(r, start_month=1)
    assert table.year.tolist() == [2000, 2001, 2002, 2003, 2004]
    assert table.fn_conc.max() / table.fn_conc.min() - 1 < 0.01
    assert table.conc.max() / table.conc.min() - 1 > 0.03
    with pytest.raises(HydroError, match="no section"):
        flownorm.from_results(res, "nowhere")
    path = tmp_path / "sim.nc"
    res.to_netcdf(path)
    assert flownorm.main(["--results", str(path), "--section", "up", "--start-month", "1"]) == 0
    assert "section up" in capsys.readouterr().out
