"""Verification cases for :mod:`hydro.flownorm` (WRTDS flow normalisation).

Peer cases, against EGRET (the reference implementation, DOI-USGS/EGRET 3.0.12, CC0),
on the Choptank River nitrate data it ships (``Choptank_eList``: 606 samples, one
censored, and 11,688 days of discharge, water years 1980-2011), copied to
``validation/reference/choptank_egret_*.csv`` (provenance in that folder's README):

* ``wrtds_egret_choptank``: EGRET's own test of ``modelEstimation`` with its default
  settings (``tests/testthat/tests_modelEstimation.R``) publishes, to four significant
  digits, the means of the daily yHat, SE, ConcDay, FluxDay, FNConc and FNFlux and the
  six-number summary of the three fitted surfaces; all twelve must agree at that
  precision.
* ``wrtds_egret_choptank_daily``: the daily ConcDay and FNConc stored in
  ``Choptank_eList`` (fitted by an older EGRET with windowY = 10 and no edge
  adjustment) must be reproduced day by day (relative 1e-7, the precision of the
  copied file), except FNConc on 28-29 February and 30-31 December (104 of 11,688
  days, off by up to 1 %), whose discharges that EGRET grouped otherwise; the current
  ``bin_Qs`` pools 28 and 29 February, as here, and the default-settings case above
  holds with it.

Synthetic case (no peer): ``wrtds_synthetic_trend``: a record with a known trend
and flow dependence, whose flow-normalised concentration must recover the trend.
"""

from __future__ import annotations

import csv
import math

import numpy as np

from hydro import flownorm, resources
from hydro.validation.registry import Check, case

#: EGRET's published values (tests_modelEstimation.R, "modelEstimation produces correct
#: values with default args"), each given to four significant digits.
EGRET_CHOPTANK_DEFAULT = {
    "daily_mean_yHat": 0.1189,
    "daily_mean_SE": 0.2681,
    "daily_mean_ConcDay": 1.198,
    "daily_mean_FluxDay": 366.5,
    "daily_mean_FNConc": 1.198,
    "daily_mean_FNFlux": 363.1,
    "surfaces_min": -2.317,
    "surfaces_q1": 0.1807,
    "surfaces_median": 0.3121,
    "surfaces_mean": 0.4082,
    "surfaces_q3": 0.7356,
    "surfaces_max": 3.452,
}


def signif(x: float, digits: int = 4) -> float:
    """``x`` rounded to ``digits`` significant digits (R's ``signif``)."""
    if x == 0 or not math.isfinite(x):
        return x
    return round(x, digits - 1 - math.floor(math.log10(abs(x))))


def load_choptank() -> dict[str, np.ndarray]:
    """The shipped Choptank records: daily and sample columns as arrays."""
    ref = resources.validation_dir("reference")
    with open(ref / "choptank_egret_daily.csv", newline="") as fh:
        daily = list(csv.DictReader(fh))
    with open(ref / "choptank_egret_sample.csv", newline="") as fh:
        sample = list(csv.DictReader(fh))
    uncen = np.array([r["uncensored"] == "1" for r in sample])
    return {
        "date": np.array([r["date"] for r in daily], dtype="datetime64[D]"),
        "q": np.array([float(r["q_m3s"]) for r in daily]),
        "dec_year": np.array([float(r["dec_year"]) for r in daily]),
        "conc_day_egret": np.array([float(r["conc_day_egret"]) for r in daily]),
        "fn_conc_egret": np.array([float(r["fn_conc_egret"]) for r in daily]),
        "sample_date": np.array([r["date"] for r in sample], dtype="datetime64[D]"),
        # a censored sample carries its reporting limit (conc_high); others their value
        "sample_conc": np.array([float(r["conc_high"]) for r in sample]),
        "sample_censored": ~uncen,
        "sample_dec_year": np.array([float(r["dec_year"]) for r in sample]),
    }


def run_choptank(settings: flownorm.Settings | None = None) -> flownorm.WRTDSResult:
    """WRTDS on the Choptank data with EGRET's stored decimal years (default settings)."""
    settings = flownorm.Settings() if settings is None else settings
    d = load_choptank()
    return flownorm.wrtds(d["sample_date"], d["sample_conc"], d["date"], d["q"],
                          censored=d["sample_censored"], settings=settings,
                          sample_decimal_year=d["sample_dec_year"],
                          daily_decimal_year=d["dec_year"])


def choptank_default_statistics(result: flownorm.WRTDSResult) -> dict[str, float]:
    """The statistics EGRET's test publishes, computed from ``result``."""
    s = result.surface
    t = flownorm.decimal_year(result.dates)
    d = load_choptank()
    t = d["dec_year"] if d["dec_year"].shape == t.shape else t
    lq = np.log(result.q)
    layers = np.concatenate([s.yhat.ravel(), s.scale.ravel(), s.conc.ravel()])
    return {
        "daily_mean_yHat": float(np.mean(flownorm._bilinear(s.yhat, s.years, s.logq, t, lq))),
        "daily_mean_SE": float(np.mean(flownorm._bilinear(s.scale, s.years, s.logq, t, lq))),
        "daily_mean_ConcDay": float(np.mean(result.conc)),
        "daily_mean_FluxDay": float(np.mean(result.flux)),
        "daily_mean_FNConc": float(np.mean(result.fn_conc)),
        "daily_mean_FNFlux": float(np.mean(result.fn_flux)),
        "surfaces_min": float(np.min(layers)),
        "surfaces_q1": float(np.percentile(layers, 25)),
        "surfaces_median": float(np.median(layers)),
        "surfaces_mean": float(np.mean(layers)),
        "surfaces_q3": float(np.percentile(layers, 75)),
        "surfaces_max": float(np.max(layers)),
    }


@case("wrtds_egret_choptank", layer="peer", quick=False)
def wrtds_egret_choptank() -> list[Check]:
    """WRTDS on EGRET's Choptank nitrate matches EGRET's published test values (4 digits)."""
    stats = choptank_default_statistics(run_choptank())
    checks = []
    for name, published in EGRET_CHOPTANK_DEFAULT.items():
        diff = signif(stats[name]) - published
        checks.append(Check.within("wrtds_egret_choptank", f"{name}_signif4_diff", diff, 1e-9))
    return checks


@case("wrtds_egret_choptank_daily", layer="peer", quick=False)
def wrtds_egret_choptank_daily() -> list[Check]:
    """Daily ConcDay and FNConc reproduce EGRET's stored Choptank_eList (windowY 10)."""
    d = load_choptank()
    r = run_choptank(flownorm.Settings(window_year=10, edge_adjust=False))
    binned_apart = _binned_apart(r.dates)
    conc_err = float(np.max(np.abs(r.conc / d["conc_day_egret"] - 1)))
    fn_err = float(np.max(np.abs(r.fn_conc / d["fn_conc_egret"] - 1)[~binned_apart]))
    name = "wrtds_egret_choptank_daily"
    # the stored file carries 10-12 significant digits, hence 1e-7
    return [Check.at_most(name, "conc_day_max_rel_diff", conc_err, 1e-7),
            Check.at_most(name, "fn_conc_max_rel_diff_other_days", fn_err, 1e-7)]


def _binned_apart(dates: np.ndarray) -> np.ndarray:
    """28-29 February and 30-31 December: the days whose discharges the EGRET that made
    ``Choptank_eList`` grouped otherwise for flow normalisation."""
    month = dates.astype("datetime64[M]")
    mday = (dates - month.astype("datetime64[D]")).astype(int) + 1
    mon = month.astype(int) % 12 + 1
    return ((mon == 2) & (mday >= 28)) | ((mon == 12) & (mday >= 30))


def synthetic_record(trend: float = 0.03, seed: int = 7, years: int = 20,
                     samples_per_month: int = 2, noise: float = 0.1
                     ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """A daily discharge record and samples with ``ln C = a + trend t - 0.3 ln Q + season + e``.

    Returns (days, Q m3/s, sample days, sample concentrations, the daily concentration
    without noise).
    """
    rng = np.random.default_rng(seed)
    days = np.arange(np.datetime64("2000-01-01"), np.datetime64(f"{2000 + years}-01-01"))
    t = flownorm.decimal_year(days)
    # log-discharge: seasonal cycle + AR(1) anomalies (stationary: no trend in flow)
    anomaly = np.zeros(days.size)
    shocks = rng.normal(0.0, 0.25, days.size)
    for i in range(1, days.size):
        anomaly[i] = 0.95 * anomaly[i - 1] + shocks[i]
    lq = 1.5 + 0.8 * np.sin(2 * np.pi * (t - 0.3)) + anomaly
    q = np.exp(lq)
    season = 0.2 * np.cos(2 * np.pi * t)
    clean = np.exp(0.5 + trend * (t - t[0]) - 0.3 * lq + season)
    month = days.astype("datetime64[M]")
    picks: list[int] = []
    for m in np.unique(month):
        idx = np.flatnonzero(month == m)
        picks.extend(rng.choice(idx, samples_per_month, replace=False))
    pick = np.sort(np.asarray(picks))
    conc = clean[pick] * np.exp(rng.normal(0.0, noise, pick.size))
    return days, q, days[pick], conc, clean


@case("wrtds_synthetic_trend", layer="analytical", quick=False)
def wrtds_synthetic_trend() -> list[Check]:
    """Flow-normalised concentration recovers a known 3 %/yr trend (synthetic)."""
    days, q, sdays, conc, _ = synthetic_record(trend=0.03)
    r = flownorm.wrtds(sdays, conc, days, q)
    table = flownorm.annual(r, start_month=1)
    slope = float(np.polyfit(table.year, np.log(table.fn_conc), 1)[0])
    days0, q0, sdays0, conc0, _ = synthetic_record(trend=0.0)
    flat = flownorm.annual(flownorm.wrtds(sdays0, conc0, days0, q0), start_month=1)
    spread = float(np.max(flat.fn_conc) / np.min(flat.fn_conc) - 1)
    return [Check.within("wrtds_synthetic_trend", "fn_conc_log_slope_minus_0.03", slope - 0.03,
                         0.003),
            Check.at_most("wrtds_synthetic_trend", "no_trend_fn_conc_relative_range", spread,
                          0.05)]
