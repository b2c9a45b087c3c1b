"""Review of hydro.flownorm (WRTDS): independent recomputation and bad-input messages.

The reference below is a plain transcription of EGRET's ``run_WRTDS`` loop for one
estimation point (edge adjustment, tricube weights, 10 % widening, weighted least
squares, ``exp(yHat + SE^2 / 2)``), written without any of hydro's code, and checked
against hydro's surface on the shipped Lamprey River nitrate data.
"""

from __future__ import annotations

import numpy as np
import pytest

from hydro import flownorm, resources
from hydro.validation import flownorm_cases

REF = resources.validation_dir("reference")
SAMPLES = REF / "lamprey_nitrate_samples.csv"
DISCHARGE = REF / "lamprey_daily_discharge.csv"


def _tricube(d, h):
    d = np.abs(d)
    return np.where(d < h, (1 - (d / h) ** 3) ** 3, 0.0)


def egret_point(t, lq, y, est_t, est_lq, low, high, window_y=7.0, window_q=2.0,
                window_s=0.5):
    """EGRET's run_WRTDS at one point: (yHat, SE, ConcHat, number of widenings)."""
    dist = min(est_t - low, high - est_t)
    wy = window_y if dist > window_y else 2 * window_y - dist
    wq, ws, widened = window_q, window_s, 0
    while True:
        dy = np.abs(t - est_t)
        ds = np.minimum(np.ceil(dy) - dy, dy - np.floor(dy))
        w = _tricube(dy, wy) * _tricube(lq - est_lq, wq) * _tricube(ds, ws)
        if (w > 0).sum() >= 100:
            break
        wy, wq, widened = wy * 1.1, wq * 1.1, widened + 1
        ws = min(ws * 1.1, 0.5) if window_s <= 0.5 else window_s
    X = np.column_stack([np.ones_like(t), t, lq, np.sin(2 * np.pi * t), np.cos(2 * np.pi * t)])
    sw = np.sqrt(w)
    beta = np.linalg.lstsq(X * sw[:, None], y * sw, rcond=None)[0]
    se = np.sqrt((w * (y - X @ beta) ** 2).sum() / w.sum())  # survreg's ML scale
    x0 = np.array([1, est_t, est_lq, np.sin(2 * np.pi * est_t), np.cos(2 * np.pi * est_t)])
    yhat = float(x0 @ beta)
    return yhat, float(se), float(np.exp(yhat + se ** 2 / 2)), widened


@pytest.fixture(scope="module")
def lamprey():
    """hydro's result and the raw arrays the independent reference needs."""
    r = flownorm.lamprey_example()
    sd, sc, _ = flownorm._read_csv(SAMPLES, "datetime", "no3_mg_per_l_as_n")
    pos = (sd - r.dates[0]).astype(int)
    return r, flownorm.decimal_year(sd), np.log(r.q[pos]), np.log(sc)


# points: both corners (edge adjustment, widening at the lowest/highest ln Q), the
# middle of the record and a mid-low discharge
POINTS = [(0, 0), (13, 100), (6, 104), (3, 200), (13, -1)]


def test_surface_matches_an_independent_egret_transcription(lamprey):
    r, t, lq, y = lamprey
    s = r.surface
    # the sampled water years 2000..2012 (decimalHighLow): 1999.75 .. 2012.75
    low, high = 1999.75, 2012.75
    widened = []
    for iq, iy in POINTS:
        yhat, se, conc, k = egret_point(t, lq, y, s.years[iy], s.logq[iq], low, high)
        widened.append(k)
        # same 5x5 weighted least squares solved two ways (normal equations with
        # centred time vs lstsq on uncentred years): agreement to ~1e-12 seen, 1e-9 allowed
        assert s.yhat[iq, iy] == pytest.approx(yhat, rel=1e-9, abs=1e-9)
        assert s.scale[iq, iy] == pytest.approx(se, rel=1e-9)
        assert s.conc[iq, iy] == pytest.approx(conc, rel=1e-9)
    assert max(widened) > 0 and min(widened) == 0  # both paths exercised


def test_flow_normalised_day_and_water_year_recomputed(lamprey):
    """FNConc of a day = mean over that calendar day's discharges in every year of
    the surface (bilinear, scipy's interpolator); an annual value = mean of its days."""
    from scipy.interpolate import RegularGridInterpolator

    r = lamprey[0]
    s = r.surface
    interp = RegularGridInterpolator((s.logq, s.years), s.conc)
    day = np.datetime64("2006-03-15")
    k = int(np.flatnonzero(r.dates == day)[0])
    same = np.array([np.datetime64(f"{y}-03-15") for y in range(2000, 2013)])
    qs = r.q[np.isin(r.dates, same)]
    assert qs.size == 13
    t = flownorm.decimal_year(np.array([day]))[0]
    c = interp(np.column_stack([np.log(qs), np.full(qs.size, t)]))
    assert r.fn_conc[k] == pytest.approx(c.mean(), rel=1e-12)  # same arithmetic
    assert r.fn_flux[k] == pytest.approx((c * qs).mean() * 86.4, rel=1e-12)
    wy = (r.dates >= np.datetime64("2005-10-01")) & (r.dates <= np.datetime64("2006-09-30"))
    row = {x["year"]: x for x in flownorm.annual(r).rows()}[2006]
    assert row["fn_conc"] == pytest.approx(r.fn_conc[wy].mean(), rel=1e-12)
    # kg/day from mg/L and ft3/s: 1 cfs = 0.028316846592 m3/s, 1 mg/L m3/s = 86.4 kg/d
    assert r.flux[k] == pytest.approx(r.conc[k] * r.q[k] * 86.4, rel=1e-12)


def test_a_seasonal_window_wider_than_half_a_year_is_kept(lamprey):
    """EGRET keeps windowS > 0.5 as given (every season weighted, less so the farther);
    hydro clamped it to 0.5 (Lamprey, windowS = 1: the surface then differs by up to
    87 % at its corners, the daily FNConc by up to 9 %)."""
    _, t, lq, y = lamprey
    r = flownorm.lamprey_example(settings=flownorm.Settings(window_season=1.0))
    s = r.surface
    for iq, iy in POINTS[1:4]:
        conc = egret_point(t, lq, y, s.years[iy], s.logq[iq], 1999.75, 2012.75,
                           window_s=1.0)[2]
        assert s.conc[iq, iy] == pytest.approx(conc, rel=1e-9)  # as above


def test_too_few_uncensored_samples_are_refused_at_once():
    """Fewer uncensored samples than min_uncensored can never be met: a clear
    ValueError up front (it was a RuntimeError after 200 widenings, ~8 s)."""
    days, q, sd, c, _ = flownorm_cases.synthetic_record(years=10)
    cens = np.ones(c.size, bool)
    cens[:40] = False
    with pytest.raises(ValueError, match="240 samples, 40 uncensored"):
        flownorm.wrtds(sd, c, days, q, censored=cens)


# -- the command line on bad files ---------------------------------------------------


def _lines(path):
    return path.read_text().splitlines()


def _run(capsys, *args):
    code = flownorm.main([str(a) for a in args])
    return code, capsys.readouterr().err


@pytest.mark.parametrize("bad, expect", [
    ("2010-01-01 10:00:00,80,NA,True", "line 557"),
    ("01/02/2010,80,0.1,True", "line 557"),
    (",80,0.1,True", "line 557"),
    ("2016-01-01 10:00:00,80,0.1,True", "first on 2016-01-01"),
    ("2010-01-01 10:00:00,80,0,True", "first on 2010-01-01"),
])
def test_a_bad_sample_line_is_named(tmp_path, capsys, bad, expect):
    f = tmp_path / "s.csv"
    f.write_text("\n".join(_lines(SAMPLES) + [bad]) + "\n")
    code, err = _run(capsys, f, DISCHARGE)
    assert code == 2 and expect in err and "Traceback" not in err, err


@pytest.mark.parametrize("edit, expect", [
    (lambda L: L[:100] + L[101:], "a gap after 2000-01-07 (next 2000-01-09)"),
    (lambda L: L[:100] + [L[99]] + L[100:], "a repeated or earlier day after 2000-01-07"),
    (lambda L: L[:100] + ["2000-01-08,0"] + L[101:], "first on 2000-01-08 (0)"),
    (lambda L: L[:100] + ["2000-01-08,<5"] + L[101:], "line 101"),
])
def test_a_bad_discharge_record_is_named(tmp_path, capsys, edit, expect):
    f = tmp_path / "q.csv"
    f.write_text("\n".join(edit(_lines(DISCHARGE))) + "\n")
    code, err = _run(capsys, SAMPLES, f)
    assert code == 2 and expect in err, err


def test_censored_values_in_a_file_are_fitted_as_censored(tmp_path, capsys):
    """'<x' in the concentration column is a value censored below x (EGRET's remark
    code), fitted as with censored= in Python; it was refused as not a number."""
    lines = _lines(SAMPLES)
    low = [i for i in range(1, len(lines)) if float(lines[i].split(",")[2]) < 0.09]
    assert len(low) >= 5
    for i in low:
        parts = lines[i].split(",")
        lines[i] = ",".join(parts[:2] + ["<0.09"] + parts[3:])
    f = tmp_path / "s.csv"
    f.write_text("\n".join(lines) + "\n")
    code, err = _run(capsys, f, DISCHARGE)
    assert code == 0, err
    sd, sc, cens = flownorm._read_csv(f, "datetime", "no3_mg_per_l_as_n", censorable=True)
    assert cens.sum() == len(low) and np.all(sc[cens] == 0.09)
    dd, dq, _ = flownorm._read_csv(DISCHARGE, "date", "discharge_cfs")
    fitted = flownorm.wrtds(sd, sc, dd, dq, censored=cens)
    plain = flownorm.wrtds(sd, sc, dd, dq)
    # censoring at the limit lowers the estimates below those that take the limit as a value
    assert fitted.conc.mean() < plain.conc.mean()


def test_years_without_samples_are_flagged(capsys):
    """The discharge file runs to 2014-11, the samples end 2012-09: water years 2013
    and 2014 are printed (as EGRET does) but are extrapolations, now said on stderr."""
    code, err = _run(capsys, SAMPLES, DISCHARGE)
    assert code == 0 and "no samples in year(s) 2013, 2014" in err


def test_a_constant_discharge_is_refused_with_a_reason():
    """A section with a fixed release (constant Q) makes every regression singular:
    a message that says why (it was numpy's bare 'Singular matrix')."""
    days = np.arange(np.datetime64("2000-01-01"), np.datetime64("2003-01-01"))
    conc = 1 + 0.1 * np.random.default_rng(1).random(days.size)
    with pytest.raises(ValueError, match="needs a varying discharge"):
        flownorm.wrtds_daily(days, np.full(days.size, 5.0), conc)


def test_a_non_positive_unit_factor_is_named(capsys):
    """--q-to-m3s 0 made every discharge 0 and the message blamed the file's first day."""
    code, err = _run(capsys, SAMPLES, DISCHARGE, "--q-to-m3s", "0")
    assert code == 2 and "conversion factor" in err, err


@pytest.mark.parametrize("first, last", [(2005, 2004), (1990, 1995)])
def test_lamprey_example_outside_its_record_is_refused(first, last):
    """An empty range of water years was an IndexError."""
    with pytest.raises(ValueError, match="not a range within the discharge record"):
        flownorm.lamprey_example(first, last)


def test_choptank_grid_is_egrets_published_grid():
    """EGRET's setUpEstimation test publishes the Choptank grid to 10 decimals:
    bottomLogQ -4.6641204979, stepLogQ 0.7862231099, bottomYear 1979, 529 years."""
    s = flownorm_cases.run_choptank().surface
    assert s.logq[0] == pytest.approx(-4.6641204979, abs=1e-10)  # published 10 decimals
    assert s.logq[1] - s.logq[0] == pytest.approx(0.7862231099, abs=1e-10)
    assert s.logq.size == 14 and s.years[0] == 1979 and s.years.size == 529
    assert s.years[1] - s.years[0] == 0.0625
