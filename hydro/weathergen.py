"""A stochastic daily weather generator of the WGEN family (Richardson 1981).

This module owns fitting the generator to an observed daily series
(:func:`fit` → :class:`WeatherGeneratorParams`, saved to and read from TOML) and
generating synthetic daily forcing for one or many subbasins and ensemble members
(:func:`generate` → :class:`hydro.weather.DailyForcing`).

The model, per calendar month m (1–12):

* **Occurrence** — a first-order two-state Markov chain: the probability that day
  t is wet is ``p_wet_given_dry[m]`` after a dry day and ``p_wet_given_wet[m]``
  after a wet day (m is the month of day t).  A day is **wet when precipitation
  >= 0.1 mm** (:data:`WET_THRESHOLD_MM`): the smallest amount the hourly gauges
  record, the WMO trace limit, so every measured rain counts.
* **Amounts** — on a wet day ``threshold + X`` with X gamma-distributed with
  ``gamma_shape[m]`` (k) and ``gamma_scale_mm[m]`` (θ, mm): a gamma shifted to
  start at the threshold, so every generated wet day is wet by the same
  definition used in the fit.  k and θ come from the **method of moments** on the
  excesses over the threshold (k = mean²/var, θ = var/mean, sample variance
  with ddof=1).  Maximum likelihood is unusable here: the gauges record 0.1-mm
  steps, so many excesses are exactly 0 and the gamma log-likelihood is -inf
  there.  The moment fit reproduces the observed mean wet-day amount exactly,
  which is what the annual-precipitation scaling relies on.
* **Temperature** — daily mean ``tmean_c[m] + tstd_c[m]·z_t`` with z an AR(1)
  process of unit variance on standardized anomalies,
  ``z_t = ρ z_{t-1} + sqrt(1-ρ²) ε_t`` (ρ = ``temperature_lag1``, one value for
  the year); minimum and maximum are the mean ∓ ``half_range_c[m]`` (the month's
  mean of (tmax − tmin)/2).  Unlike the original WGEN, temperature does not
  depend on the wet/dry state and the seasonal cycle is monthly, not Fourier.

Sparse months: with four years of record a winter month may hold only a few wet
days.  When a month has fewer than :data:`MIN_SAMPLE` (10) days starting from a
wet day, or fewer than 10 wet days, its transition probability or gamma fit
pools the neighbouring months (±1, ±2, … around the calendar) until there are;
:attr:`WeatherGeneratorParams.notes` records which months were pooled.

Scaling to a subbasin (``generate``): wet-day amounts are multiplied by
``annual_precip_mm / expected_annual_precip_mm(params)`` so the expected annual
precipitation equals the subbasin's published value; temperatures are shifted by
``-lapse_rate_c_per_km · (elevation_m - reference_elevation_m) / 1000``.

Random numbers: ``numpy.random.default_rng(seed)`` draws three standard normal
fields (occurrence, amount, temperature innovation).  With ``spatial_correlation``
r > 0 each is ``sqrt(r)·c + sqrt(1-r)·e_j``, c common to all subbasins of a member
on that day and e_j independent, so the normals of two subbasins have
correlation r.  Normals become uniforms by the normal CDF (occurrence: wet when
the uniform is below the transition probability) and gamma amounts by the
inverse gamma CDF (a Gaussian copula), so the correlation carries over to
occurrence, amounts and temperature anomalies (weaker than r for occurrence and
amounts, exactly r for the temperature anomalies).  r = 0 gives independent
subbasins, r = 1 identical anomalies.

References
----------
Richardson, C. W. (1981). Stochastic simulation of daily precipitation,
temperature, and solar radiation. Water Resources Research 17(1), 182–190.
Wilks, D. S. (1998). Multisite generalization of a daily stochastic
precipitation generation model. Journal of Hydrology 210, 178–191.
"""

from __future__ import annotations

import datetime as _dt
import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from scipy import signal, special

from hydro.errors import HydroError
from hydro.tomlio import Table, load_toml
from hydro.weather import DailyForcing

#: A day is wet when its precipitation is at least this, mm.
WET_THRESHOLD_MM = 0.1
#: Fewest days (from-wet transitions, wet days) behind a monthly estimate before
#: neighbouring months are pooled in.
MIN_SAMPLE = 10
#: Fewest days with data per calendar month for a fit.
MIN_DAYS_PER_MONTH = 20

_MONTH_NAMES = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_MONTHLY = ("p_wet_given_dry", "p_wet_given_wet", "gamma_shape", "gamma_scale_mm", "tmean_c", "tstd_c", "half_range_c")


@dataclass(frozen=True)
class WeatherGeneratorParams:
    """Monthly parameters of the weather generator (see the module docstring).

    Attributes
    ----------
    p_wet_given_dry, p_wet_given_wet : tuple of 12 float
        Probability that a day of month m is wet after a dry / a wet day (-).
    gamma_shape : tuple of 12 float
        Shape k of the gamma distribution of wet-day excess over the threshold (-).
    gamma_scale_mm : tuple of 12 float
        Scale θ of that gamma distribution, mm.
    tmean_c, tstd_c : tuple of 12 float
        Mean and standard deviation of daily mean air temperature, °C.
    half_range_c : tuple of 12 float
        Mean of (tmax − tmin) / 2, °C.
    temperature_lag1 : float
        Lag-1 autocorrelation ρ of standardized temperature anomalies (-).
    wet_threshold_mm : float
        Wet-day threshold, mm (default 0.1).
    reference_elevation_m : float or None
        Elevation of the station the parameters describe, m a.s.l.; the default
        reference for lapse-rate shifts.
    station, source, fit_period, notes : str
        Provenance: station name, data source, the fitted period, pooling notes.
    """

    p_wet_given_dry: tuple[float, ...]
    p_wet_given_wet: tuple[float, ...]
    gamma_shape: tuple[float, ...]
    gamma_scale_mm: tuple[float, ...]
    tmean_c: tuple[float, ...]
    tstd_c: tuple[float, ...]
    half_range_c: tuple[float, ...]
    temperature_lag1: float
    wet_threshold_mm: float = WET_THRESHOLD_MM
    reference_elevation_m: float | None = None
    station: str = ""
    source: str = ""
    fit_period: str = ""
    notes: str = ""

    def __post_init__(self):
        for name in _MONTHLY:
            value = tuple(float(v) for v in getattr(self, name))
            if len(value) != 12:
                raise ValueError(f"{name}: expected 12 monthly values, got {len(value)}")
            if not all(math.isfinite(v) for v in value):
                raise ValueError(f"{name}: expected finite values, got {value}")
            object.__setattr__(self, name, value)
        for name in ("p_wet_given_dry", "p_wet_given_wet"):
            if not all(0.0 <= v <= 1.0 for v in getattr(self, name)):
                raise ValueError(f"{name}: expected probabilities in [0, 1], got {getattr(self, name)}")
        for name in ("gamma_shape", "gamma_scale_mm", "tstd_c"):
            if not all(v > 0 for v in getattr(self, name)):
                raise ValueError(f"{name}: expected positive values, got {getattr(self, name)}")
        if not all(v >= 0 for v in self.half_range_c):
            raise ValueError(f"half_range_c: expected values >= 0, got {self.half_range_c}")
        rho = float(self.temperature_lag1)
        if not -1.0 < rho < 1.0:
            raise ValueError(f"temperature_lag1: expected -1 < rho < 1, got {rho}")
        object.__setattr__(self, "temperature_lag1", rho)
        thr = float(self.wet_threshold_mm)
        if not (math.isfinite(thr) and thr >= 0):
            raise ValueError(f"wet_threshold_mm: expected a finite value >= 0, got {thr}")
        object.__setattr__(self, "wet_threshold_mm", thr)
        if self.reference_elevation_m is not None:
            z = float(self.reference_elevation_m)
            if not math.isfinite(z):
                raise ValueError(f"reference_elevation_m: expected a finite value, got {z}")
            object.__setattr__(self, "reference_elevation_m", z)

    # -- derived ---------------------------------------------------------------------
    @property
    def mean_wet_day_mm(self) -> np.ndarray:
        """Expected precipitation on a wet day per month, mm (threshold + kθ), shape (12,)."""
        return self.wet_threshold_mm + np.asarray(self.gamma_shape) * np.asarray(self.gamma_scale_mm)

    @property
    def stationary_wet_probability(self) -> np.ndarray:
        """Long-run wet-day probability of each month's chain, p01 / (1 + p01 − p11), shape (12,)."""
        p01 = np.asarray(self.p_wet_given_dry)
        p11 = np.asarray(self.p_wet_given_wet)
        denom = 1.0 + p01 - p11
        return np.where(denom > 0, p01 / np.where(denom > 0, denom, 1.0), 1.0)

    # -- TOML --------------------------------------------------------------------------
    def to_toml(self, path: str | Path) -> Path:
        """Write the parameters as TOML (floats in shortest round-trip form).

        Parameters
        ----------
        path : str or Path
            Output file.

        Returns
        -------
        Path
            The path written.
        """
        path = Path(path)
        lines = [
            "# hydro weather-generator parameters (hydro.weathergen); months Jan..Dec",
            "# units: probabilities -, gamma_scale_mm mm, temperatures degC, elevation m a.s.l.",
            f"station = {json.dumps(self.station)}",
            f"source = {json.dumps(self.source)}",
            f"fit_period = {json.dumps(self.fit_period)}",
            f"notes = {json.dumps(self.notes)}",
            f"wet_threshold_mm = {self.wet_threshold_mm!r}",
            f"temperature_lag1 = {self.temperature_lag1!r}",
        ]
        if self.reference_elevation_m is not None:
            lines.append(f"reference_elevation_m = {self.reference_elevation_m!r}")
        lines += ["", "[monthly]"]
        for name in _MONTHLY:
            lines.append(f"{name} = [{', '.join(repr(v) for v in getattr(self, name))}]")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        return path

    @classmethod
    def from_toml(cls, path: str | Path) -> "WeatherGeneratorParams":
        """Read parameters written by :meth:`to_toml`.

        Raises
        ------
        HydroError
            For a missing file, malformed TOML, a missing or unknown key, a list
            without 12 values, or a value out of range; the message names the key.
        """
        path = Path(path)
        top = Table(load_toml(path), path)
        kw: dict[str, Any] = {
            "station": top.str("station", ""),
            "source": top.str("source", ""),
            "fit_period": top.str("fit_period", ""),
            "notes": top.str("notes", ""),
            "wet_threshold_mm": top.float("wet_threshold_mm", WET_THRESHOLD_MM, minimum=0.0),
            "temperature_lag1": top.float("temperature_lag1", minimum=-0.999999, maximum=0.999999),
            "reference_elevation_m": top.float("reference_elevation_m", None),
        }
        monthly = top.table("monthly")
        for name in _MONTHLY:
            positive = name in ("gamma_shape", "gamma_scale_mm", "tstd_c")
            minimum = 0.0 if name in ("p_wet_given_dry", "p_wet_given_wet", "half_range_c") else None
            values = monthly.floats(name, length=12, minimum=minimum, positive=positive)
            if name.startswith("p_wet") and any(v > 1 for v in values):
                raise monthly.error(name, f"expected probabilities in [0, 1], got {values}")
            kw[name] = tuple(values)
        monthly.finish()
        top.finish()
        return cls(**kw)


# ---------------------------------------------------------------------------------
# Expected values implied by the parameters
# ---------------------------------------------------------------------------------
def _month_index(dates: np.ndarray) -> np.ndarray:
    return dates.astype("datetime64[M]").astype(np.int64) % 12


def daily_wet_probability(params: WeatherGeneratorParams, dates: np.ndarray) -> np.ndarray:
    """Marginal wet-day probability of each date in a series made by :func:`generate`.

    The chain starts from the stationary probability of the first day's month and
    then follows p_t = p01 + (p11 − p01)·p_{t−1} with day t's month; this is the
    exact expectation of the generated wet/dry indicator.

    Parameters
    ----------
    params : WeatherGeneratorParams
    dates : array of datetime64[D]
        Consecutive days.

    Returns
    -------
    numpy.ndarray, shape (n_day,)
        Probability (-).
    """
    m = _month_index(np.asarray(dates, dtype="datetime64[D]"))
    p01 = np.asarray(params.p_wet_given_dry)[m]
    d = np.asarray(params.p_wet_given_wet)[m] - p01
    p = np.empty(m.size)
    prev = params.stationary_wet_probability[m[0]]
    p[0] = prev
    for t in range(1, m.size):
        prev = p01[t] + d[t] * prev
        p[t] = prev
    return p


def expected_annual_precip_mm(params: WeatherGeneratorParams) -> float:
    """Long-run mean annual precipitation of the (unscaled) generator, mm yr-1.

    Computed exactly (to ~|p11 − p01|^365) for the chain: the wet-day probability
    is run over a common year until it repeats, then over a leap year from that
    state; each day's probability times its month's mean wet-day amount is summed
    and the two years are weighted by the Gregorian calendar (303 common and 97
    leap years in 400).
    """
    def one_year(year: str, prev: float) -> tuple[float, float]:
        dates = np.arange(np.datetime64(f"{year}-01-01"), np.datetime64(f"{int(year) + 1}-01-01"))
        m = _month_index(dates)
        p01 = np.asarray(params.p_wet_given_dry)[m].tolist()
        d = (np.asarray(params.p_wet_given_wet)[m] - np.asarray(params.p_wet_given_dry)[m]).tolist()
        amount = params.mean_wet_day_mm[m].tolist()
        total = 0.0
        for t in range(len(p01)):
            prev = p01[t] + d[t] * prev
            total += prev * amount[t]
        return total, prev

    state = float(params.stationary_wet_probability[11])
    for _ in range(3):  # |p11 - p01| < 1: the starting state is forgotten within weeks
        common, state = one_year("2001", state)
    leap, _ = one_year("2004", state)
    return (303.0 * common + 97.0 * leap) / 400.0


# ---------------------------------------------------------------------------------
# Fitting
# ---------------------------------------------------------------------------------
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
) -> WeatherGeneratorParams:
    """Fit the generator to an observed daily series.

    Parameters
    ----------
    daily : DailyForcing
        One observed series (1-D); NaN days are skipped (a transition needs both
        days present).  Every calendar month needs at least
        :data:`MIN_DAYS_PER_MONTH` days with data.
    wet_threshold_mm : float, optional
        Wet-day threshold, mm (default 0.1).
    reference_elevation_m : float, optional
        Station elevation, m a.s.l., stored as the default lapse-rate reference.
    station : str, optional
        Station name (default ``daily.metadata['station']``).

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
    if not (math.isfinite(thr) and thr >= 0):
        raise HydroError(f"wet_threshold_mm: expected a finite value >= 0 mm, got {wet_threshold_mm!r}")
    where = daily.metadata.get("source_file") or daily.metadata.get("station") or "fit"
    m = _month_index(daily.dates)
    p = daily.precip_mm
    ok = ~np.isnan(p)
    for name, valid in (("precip_mm", ok), ("tmean_c", ~np.isnan(daily.tmean_c))):
        n = np.bincount(m[valid], minlength=12)
        if n.min() < MIN_DAYS_PER_MONTH:
            k = int(np.argmin(n))
            raise HydroError(
                f"{where}: column '{name}': {_MONTH_NAMES[k]} has {n[k]} days with data; the fit needs at "
                f"least {MIN_DAYS_PER_MONTH} in every calendar month; give a longer record"
            )
    wet = ok & (p >= thr)
    notes = []

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
                f"{_MONTH_NAMES[k]} ±{w}" for k, w in enumerate(widths) if w))

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
        notes.append("gamma pooled: " + ", ".join(f"{_MONTH_NAMES[k]} ±{w}" for k, w in enumerate(widths) if w))

    # Temperature.
    t = daily.tmean_c
    tok = ~np.isnan(t)
    n_t = np.bincount(m[tok], minlength=12).astype(float)
    mu = np.bincount(m[tok], weights=t[tok], minlength=12) / n_t
    dev = np.where(tok, t - mu[m], 0.0)
    sd = np.sqrt(np.bincount(m[tok], weights=dev[tok] ** 2, minlength=12) / (n_t - 1))
    if (sd <= 0).any():
        k = int(np.argmin(sd))
        raise HydroError(f"{where}: column 'tmean_c': constant temperature in {_MONTH_NAMES[k]}; check the data")
    z = dev / sd[m]
    zp = tok[:-1] & tok[1:]
    a, b = z[:-1][zp], z[1:][zp]
    rho = float(np.clip(np.corrcoef(a, b)[0, 1], -0.99, 0.99))
    hok = ~np.isnan(daily.tmin_c) & ~np.isnan(daily.tmax_c)
    half = (daily.tmax_c - daily.tmin_c) / 2.0
    n_h = np.bincount(m[hok], minlength=12).astype(float)
    half_range = np.bincount(m[hok], weights=half[hok], minlength=12) / np.maximum(n_h, 1)

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


# ---------------------------------------------------------------------------------
# Generating
# ---------------------------------------------------------------------------------
def _as_day(value: Any, name: str) -> np.datetime64:
    if isinstance(value, np.datetime64):
        return value.astype("datetime64[D]")
    if isinstance(value, _dt.datetime):
        value = value.date()
    if isinstance(value, _dt.date):
        return np.datetime64(value.isoformat(), "D")
    if isinstance(value, str):
        try:
            if len(value) != 10:
                raise ValueError
            return np.datetime64(value, "D")
        except ValueError:
            pass
    raise HydroError(f"{name}: expected a date YYYY-MM-DD, got {value!r}")


def _per_subbasin(value: Any, name: str, *, positive: bool = False) -> np.ndarray | None:
    if value is None:
        return None
    arr = np.asarray(value, dtype=np.float64) if not isinstance(value, str) else None
    if arr is None or arr.ndim > 1:
        raise HydroError(f"{name}: expected a number or a 1-D list of numbers (one per subbasin), got {value!r}")
    if arr.ndim == 1 and arr.size == 0:
        raise HydroError(f"{name}: expected at least one subbasin value, got an empty list")
    if not np.all(np.isfinite(arr)):
        raise HydroError(f"{name}: expected finite numbers, got {value!r}")
    if positive and np.any(arr <= 0):
        raise HydroError(f"{name}: expected positive values (mm per year), got {value!r}")
    return arr


def generate(
    params: WeatherGeneratorParams,
    start: Any,
    end: Any,
    seed: int | None = None,
    annual_precip_mm: float | Any = None,
    elevation_m: float | Any = None,
    reference_elevation_m: float | None = None,
    lapse_rate_c_per_km: float = 6.5,
    *,
    n_subbasins: int | None = None,
    n_members: int | None = None,
    spatial_correlation: float = 0.0,
) -> DailyForcing:
    """Generate synthetic daily weather.

    Parameters
    ----------
    params : WeatherGeneratorParams
        Fitted parameters of the reference station.
    start, end : str, datetime.date or numpy.datetime64
        First and last day (inclusive).
    seed : int, optional
        Seed for ``numpy.random.default_rng``; the same seed (and arguments) gives
        the same series.  None draws fresh entropy and records it, so the output is
        still reproducible from its metadata.
    annual_precip_mm : float or sequence of float, optional
        Expected annual precipitation per subbasin, mm yr-1; wet-day amounts are
        scaled by ``annual_precip_mm / expected_annual_precip_mm(params)``.  None
        keeps the station's amounts.
    elevation_m : float or sequence of float, optional
        Subbasin mean elevation, m a.s.l.; temperatures are shifted by
        ``-lapse_rate_c_per_km * (elevation_m - reference_elevation_m) / 1000`` °C.
    reference_elevation_m : float, optional
        Station elevation, m a.s.l. (default ``params.reference_elevation_m``);
        required when ``elevation_m`` is given.
    lapse_rate_c_per_km : float, optional
        Temperature decrease with height, °C km-1 (default 6.5).
    n_subbasins : int, optional
        Number of subbasins when neither ``annual_precip_mm`` nor ``elevation_m``
        is a sequence (their scalar values then apply to all).
    n_members : int, optional
        Number of ensemble members; adds a leading member axis.
    spatial_correlation : float, optional
        r in [0, 1]: the share of each standard normal drawn from a component
        common to all subbasins of a member (see the module docstring).  Default 0.

    Returns
    -------
    DailyForcing
        Arrays of shape ``(n_day,)``, ``(n_subbasin, n_day)`` or
        ``(n_member, n_subbasin, n_day)`` (a member-only ensemble is
        ``(n_member, n_day)``); ``metadata`` has ``synthetic: True`` and ``seed``.

    Raises
    ------
    HydroError
        For a bad date, ``end`` before ``start``, a bad seed, subbasin arrays of
        different lengths, a missing reference elevation, or an out-of-range value.
    """
    if not isinstance(params, WeatherGeneratorParams):
        raise TypeError(f"generate: expected WeatherGeneratorParams, got {type(params).__name__}")
    d0, d1 = _as_day(start, "start"), _as_day(end, "end")
    if d1 < d0:
        raise HydroError(f"end: {d1} is before start {d0}; give end >= start")
    if seed is None:
        seed = int(np.random.SeedSequence().entropy)
    elif isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise HydroError(f"seed: expected a non-negative integer, got {seed!r}")
    seed = int(seed)
    r = spatial_correlation
    if isinstance(r, bool) or not isinstance(r, (int, float, np.floating)) or not 0.0 <= float(r) <= 1.0:
        raise HydroError(f"spatial_correlation: expected a number in [0, 1], got {r!r}")
    r = float(r)
    lapse = lapse_rate_c_per_km
    if isinstance(lapse, bool) or not isinstance(lapse, (int, float, np.floating)) or not math.isfinite(lapse):
        raise HydroError(f"lapse_rate_c_per_km: expected a finite number (degC per km), got {lapse!r}")
    for name, n in (("n_subbasins", n_subbasins), ("n_members", n_members)):
        if n is not None and (isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1):
            raise HydroError(f"{name}: expected a positive integer, got {n!r}")

    target = _per_subbasin(annual_precip_mm, "annual_precip_mm", positive=True)
    elev = _per_subbasin(elevation_m, "elevation_m")
    lengths = {name: a.size for name, a in (("annual_precip_mm", target), ("elevation_m", elev))
               if a is not None and a.ndim == 1}
    if n_subbasins is not None:
        lengths["n_subbasins"] = int(n_subbasins)
    if len(set(lengths.values())) > 1:
        raise HydroError(
            "subbasin counts disagree: " + ", ".join(f"{k} has {v}" for k, v in lengths.items())
            + "; give one value per subbasin everywhere"
        )
    has_sub = bool(lengths)
    S = next(iter(lengths.values())) if lengths else 1
    M = int(n_members) if n_members is not None else 1

    ref = reference_elevation_m if reference_elevation_m is not None else params.reference_elevation_m
    if elev is not None:
        if ref is None:
            raise HydroError(
                "reference_elevation_m: needed with elevation_m (the station elevation the parameters "
                "describe); pass it, or set it in the parameters"
            )
        ref = float(ref)
        if not math.isfinite(ref):
            raise HydroError(f"reference_elevation_m: expected a finite number, got {ref!r}")
        shift = np.broadcast_to(-float(lapse) * (elev - ref) / 1000.0, (S,))
    else:
        shift = np.zeros(S)
    expected = expected_annual_precip_mm(params)
    scale = np.broadcast_to(target / expected, (S,)) if target is not None else np.ones(S)

    dates = np.arange(d0, d1 + np.timedelta64(1, "D"))
    N = dates.size
    K = M * S
    mon = _month_index(dates)

    # Random numbers, time first so each day's slice is contiguous: (field, day, member, subbasin).
    rng = np.random.default_rng(seed)
    common = rng.standard_normal((3, N, M, 1))
    eps = rng.standard_normal((3, N, M, S))
    if r > 0.0:
        eps *= math.sqrt(1.0 - r)
        eps += math.sqrt(r) * common
    eps = eps.reshape(3, N, K)

    # Occurrence: wet when u < p(wet | yesterday); u = Phi(normal).
    u = special.ndtr(eps[0])
    p01 = np.asarray(params.p_wet_given_dry)[mon]
    dp = np.asarray(params.p_wet_given_wet)[mon] - p01
    wet = np.empty((N, K), dtype=bool)
    np.less(u[0], params.stationary_wet_probability[mon[0]], out=wet[0])
    for t in range(1, N):
        np.less(u[t], p01[t] + dp[t] * wet[t - 1], out=wet[t])
    del u

    # Amounts: threshold + gamma quantile of Phi(normal) (Gaussian copula), then scaled.
    precip = np.zeros((N, K))
    tt, kk = np.nonzero(wet)
    z = eps[1][tt, kk]
    mw = mon[tt]
    x = np.empty(z.size)
    for k in range(12):
        sel = mw == k
        if not sel.any():
            continue
        zk = z[sel]
        g = np.empty(zk.size)
        # Beyond z = 5 (probability 3e-7) go through the survival function, which stays
        # accurate far into the tail; it is ~20x slower, so only there.
        lo = zk <= 5.0
        g[lo] = special.gammaincinv(params.gamma_shape[k], special.ndtr(zk[lo]))
        g[~lo] = special.gammainccinv(params.gamma_shape[k], special.ndtr(-zk[~lo]))
        x[sel] = params.wet_threshold_mm + params.gamma_scale_mm[k] * g
    precip[tt, kk] = x * scale[kk % S]
    del tt, kk, z, mw, x, wet

    # Temperature: AR(1) standardized anomalies.
    rho = params.temperature_lag1
    za = np.empty((N, K))
    za[0] = eps[2][0]
    if N > 1:
        za[1:], _ = signal.lfilter([math.sqrt(1.0 - rho * rho)], [1.0, -rho], eps[2][1:], axis=0,
                                   zi=(rho * za[0])[None, :])
    del eps
    tmean = np.asarray(params.tmean_c)[mon][:, None] + np.asarray(params.tstd_c)[mon][:, None] * za
    tmean += np.tile(shift, M)[None, :]
    half = np.asarray(params.half_range_c)[mon][:, None]
    tmin = tmean - half
    tmax = tmean + half

    lead = ((M,) if n_members is not None else ()) + ((S,) if has_sub else ())

    def shaped(a):  # (N, M*S) -> (*lead, N)
        return np.ascontiguousarray(np.moveaxis(a.reshape(N, M, S), 0, -1)).reshape(lead + (N,))

    meta: dict[str, Any] = {
        "synthetic": True,
        "seed": seed,
        "generator": "hydro.weathergen (WGEN family: Markov-chain occurrence, gamma amounts, AR(1) temperature)",
        "station": params.station,
        "fit_period": params.fit_period,
        "dims": ", ".join((["member"] if n_members is not None else []) + (["subbasin"] if has_sub else []) + ["time"]),
        "spatial_correlation": r,
        "wet_threshold_mm": params.wet_threshold_mm,
        "expected_annual_precip_station_mm": round(expected, 3),
    }
    if target is not None:
        meta["annual_precip_mm"] = target.tolist() if target.ndim else float(target)
        meta["precip_scale_factor"] = [round(float(s), 6) for s in scale] if has_sub else round(float(scale[0]), 6)
    if elev is not None:
        meta["elevation_m"] = elev.tolist() if elev.ndim else float(elev)
        meta["reference_elevation_m"] = ref
        meta["lapse_rate_c_per_km"] = float(lapse)
    return DailyForcing(dates, shaped(precip), shaped(tmean), shaped(tmin), shaped(tmax), None, meta)
