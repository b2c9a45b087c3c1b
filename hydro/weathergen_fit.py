"""Fitting the weather generator to an observed daily series: :func:`fit`.

Monthly transition probabilities, gamma amounts by the method of moments and
AR(1) temperature (the model and its pooling of sparse months are described in
:mod:`hydro.weathergen`).
"""

from __future__ import annotations

import math

import numpy as np

from hydro.daily_forcing import DailyForcing
from hydro.dates import MONTHS
from hydro.errors import HydroError
from hydro.weathergen_params import (
    MIN_DAYS_PER_MONTH,
    MIN_SAMPLE,
    WET_THRESHOLD_MM,
    WeatherGeneratorParams,
    month_index,
)


def _pool(enough) -> np.ndarray:
    """For each month the half-width w (0..6) of the smallest window m±w where ``enough`` holds.

    ``enough(idx)`` gets the month indices of the window; -1 marks a month where
    even the whole year is not enough.
    """
    widths = np.full(12, -1, dtype=np.int64)
    for m in range(12):
        for w in range(7):
            if enough(_window(m, w)):
                widths[m] = w
                break
    return widths


def _window(m: int, w: int) -> np.ndarray:
    return np.array(sorted({(m + k) % 12 for k in range(-w, w + 1)}))


def fit(
    daily: DailyForcing,
    *,
    wet_threshold_mm: float = WET_THRESHOLD_MM,
    reference_elevation_m: float | None = None,
    station: str | None = None,
    where: str | None = None,
) -> WeatherGeneratorParams:
    """Fit the generator to an observed daily series.

    Parameters
    ----------
    daily : DailyForcing
        One observed series (1-D); NaN days are skipped (a transition needs both
        days present).  Every calendar month needs at least
        :data:`MIN_DAYS_PER_MONTH` days with data.  Read a CSV with its gaps
        (``read_forcing_csv(path, allow_missing=True)``): days filled by the file's
        ``fill_missing`` rules would be fitted as if observed (NA rain as dry days).
    wet_threshold_mm : float, optional
        Wet-day threshold, mm (default 0.1); must be above 0 (at 0 every day is wet).
    reference_elevation_m : float, optional
        Station elevation, m a.s.l., stored as the default lapse-rate reference.
    station : str, optional
        Station name (default ``daily.metadata['station']``).
    where : str, optional
        What error messages name: the file read (default the series' ``source_file``
        or ``station`` metadata, which in a hydro forcing CSV describe its source).

    Returns
    -------
    WeatherGeneratorParams

    Raises
    ------
    HydroError
        When a month has too few days, or the whole record too few wet days, to
        estimate a parameter.
    """
    if not isinstance(daily, DailyForcing):
        raise TypeError(f"fit: expected a DailyForcing, got {type(daily).__name__}")
    if len(daily.shape) != 1:
        raise ValueError(f"fit: expected one observed series, got shape {daily.shape}; use .series(...)")
    thr = float(wet_threshold_mm)
    if not (math.isfinite(thr) and thr > 0):
        raise HydroError(f"wet_threshold_mm: expected a finite value above 0 mm (a day is wet from it; at 0 "
                         f"every day would be), got {wet_threshold_mm!r}")
    where = where or daily.metadata.get("source_file") or daily.metadata.get("station") or "fit"
    m = month_index(daily.dates)
    p = daily.precip_mm
    ok = ~np.isnan(p)
    extremes = ~np.isnan(daily.tmin_c) & ~np.isnan(daily.tmax_c)
    _check_months(where, m, {"column 'precip_mm'": ok, "column 'tmean_c'": ~np.isnan(daily.tmean_c),
                             "columns 'tmin_c' and 'tmax_c' (days with both)": extremes})
    wet = ok & (p >= thr)
    notes: list[str] = []
    probs = _fit_occurrence(where, m, ok, wet, notes)
    shape, scale = _fit_amounts(where, m, p, wet, thr, notes)
    mu, sd, rho, half_range = _fit_temperature(where, m, daily, extremes)

    meta = daily.metadata
    return WeatherGeneratorParams(
        p_wet_given_dry=probs["p_wet_given_dry"],
        p_wet_given_wet=probs["p_wet_given_wet"],
        gamma_shape=tuple(shape),
        gamma_scale_mm=tuple(scale),
        tmean_c=tuple(mu),
        tstd_c=tuple(sd),
        half_range_c=tuple(half_range),
        temperature_lag1=rho,
        wet_threshold_mm=thr,
        reference_elevation_m=reference_elevation_m,
        station=str(station if station is not None else meta.get("station", "")),
        source=str(meta.get("source") or meta.get("source_file") or ""),
        fit_period=f"{daily.dates[0]}..{daily.dates[-1]}",
        notes="; ".join(notes),
    )


def _check_months(where: str, m: np.ndarray, valid: dict[str, np.ndarray]) -> None:
    """Every calendar month has :data:`MIN_DAYS_PER_MONTH` days where each mask of ``valid``
    (what the error names -> days with data) holds.  The extremes count too: a month without
    them was fitted a half range of 0 degC (tmin = tmax = tmean), unsaid."""
    for what, days in valid.items():
        n = np.bincount(m[days], minlength=12)
        if n.min() < MIN_DAYS_PER_MONTH:
            k = int(np.argmin(n))
            raise HydroError(
                f"{where}: {what}: {MONTHS[k]} has {n[k]} days with data; the weather generator's fit "
                f"needs at least {MIN_DAYS_PER_MONTH} in every calendar month; give a longer record (or one "
                f"with these values)"
            )


def _fit_occurrence(where: str, m: np.ndarray, ok: np.ndarray, wet: np.ndarray, notes: list[str]) -> dict:
    """``p_wet_given_dry`` and ``p_wet_given_wet`` per month from the transitions into each day,
    pooling neighbouring months where a month has too few (noted in ``notes``)."""
    # Occurrence: transitions into day t, by the month of day t.
    pair = ok[:-1] & ok[1:]
    mt = m[1:][pair]
    from_wet = wet[:-1][pair]
    to_wet = wet[1:][pair]
    n_dry = np.bincount(mt[~from_wet], minlength=12).astype(float)
    n_dw = np.bincount(mt[~from_wet & to_wet], minlength=12).astype(float)
    n_wet = np.bincount(mt[from_wet], minlength=12).astype(float)
    n_ww = np.bincount(mt[from_wet & to_wet], minlength=12).astype(float)
    probs = {}
    for name, num, den in (("p_wet_given_dry", n_dw, n_dry), ("p_wet_given_wet", n_ww, n_wet)):
        widths = _pool(lambda idx, den=den: den[idx].sum() >= MIN_SAMPLE)
        if (widths < 0).any():
            raise HydroError(
                f"{where}: column 'precip_mm': only {int(den.sum())} days follow a "
                f"{'dry' if name.endswith('dry') else 'wet'} day in the whole record; {name} needs at least "
                f"{MIN_SAMPLE}; give a longer record or a lower wet_threshold_mm"
            )
        probs[name] = tuple(float(num[_window(k, w)].sum() / den[_window(k, w)].sum()) for k, w in enumerate(widths))
        if widths.any():
            notes.append(f"{name} pooled: " + ", ".join(
                f"{MONTHS[k]} ±{w}" for k, w in enumerate(widths) if w))
    return probs


def _fit_amounts(where: str, m: np.ndarray, p: np.ndarray, wet: np.ndarray, thr: float, notes: list[str]):
    """Gamma shape and scale (mm) per month by the moments of the wet-day excess over the
    threshold, pooling neighbouring months where a month has too few (noted in ``notes``)."""
    # Amounts: moments of the excess over the threshold.
    excess = p[wet] - thr
    mw = m[wet]
    n_a = np.bincount(mw, minlength=12).astype(float)
    s1 = np.bincount(mw, weights=excess, minlength=12)
    s2 = np.bincount(mw, weights=excess**2, minlength=12)

    def moments(idx):
        n = n_a[idx].sum()
        if n < 2:
            return n, 0.0, 0.0
        mean = s1[idx].sum() / n
        var = (s2[idx].sum() - n * mean**2) / (n - 1)
        return n, mean, var

    def enough(idx):
        n, mean, var = moments(idx)
        return n >= MIN_SAMPLE and mean > 0 and var > 1e-12 * max(mean**2, 1e-300)

    widths = _pool(enough)
    if (widths < 0).any():
        raise HydroError(
            f"{where}: column 'precip_mm': {int(n_a.sum())} wet days (>= {thr:g} mm) with varied amounts in the "
            f"whole record; the gamma fit needs at least {MIN_SAMPLE}; give a longer record"
        )
    shape, scale = [], []
    for k, w in enumerate(widths):
        _, mean, var = moments(_window(k, w))
        shape.append(mean**2 / var)
        scale.append(var / mean)
    if widths.any():
        notes.append("gamma pooled: " + ", ".join(f"{MONTHS[k]} ±{w}" for k, w in enumerate(widths) if w))
    return shape, scale


def _fit_temperature(where: str, m: np.ndarray, daily: DailyForcing, extremes: np.ndarray):
    """Monthly mean and standard deviation of the daily mean temperature (degC), the lag-1
    correlation of its standardized anomalies and the monthly mean half range (degC) over the
    ``extremes`` days (with both minimum and maximum)."""
    # Temperature.
    t = daily.tmean_c
    tok = ~np.isnan(t)
    n_t = np.bincount(m[tok], minlength=12).astype(float)
    mu = np.bincount(m[tok], weights=t[tok], minlength=12) / n_t
    dev = np.where(tok, t - mu[m], 0.0)
    sd = np.sqrt(np.bincount(m[tok], weights=dev[tok] ** 2, minlength=12) / (n_t - 1))
    if (sd <= 0).any():
        k = int(np.argmin(sd))
        raise HydroError(f"{where}: column 'tmean_c': every {MONTHS[k]} day of the record has the same value "
                         f"({mu[k]:g} degC); the weather generator fits each calendar month's day-to-day spread "
                         "of the temperature, and a constant has none: check the column (a block filled with one "
                         "value?) and give the measured temperatures")
    z = dev / sd[m]
    zp = tok[:-1] & tok[1:]
    a, b = z[:-1][zp], z[1:][zp]
    rho = float(np.clip(np.corrcoef(a, b)[0, 1], -0.99, 0.99))
    n_h = np.bincount(m[extremes], minlength=12).astype(float)
    half = (daily.tmax_c - daily.tmin_c)[extremes] / 2.0
    half_range = np.bincount(m[extremes], weights=half, minlength=12) / n_h
    return mu, sd, rho, half_range
