"""The weather generator's parameters: :class:`WeatherGeneratorParams`, and what they imply.

The parameters (per calendar month, the model of :mod:`hydro.weathergen`) with
their TOML form, and the expectations they imply: the wet-day probability of each
day (:func:`daily_wet_probability`) and the long-run annual precipitation
(:func:`expected_annual_precip_mm`).  Fitting them is :mod:`hydro.weathergen_fit`.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from hydro.tomlio import Table, load_toml

#: A day is wet when its precipitation is at least this, mm.
WET_THRESHOLD_MM = 0.1
#: Fewest days (from-wet transitions, wet days) behind a monthly estimate before
#: neighbouring months are pooled in.
MIN_SAMPLE = 10
#: Fewest days with data per calendar month for a fit.
MIN_DAYS_PER_MONTH = 20

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
        Wet-day threshold, mm, above 0 (default 0.1).
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
        if not (math.isfinite(thr) and thr > 0):
            raise ValueError(f"wet_threshold_mm: expected a finite value above 0 (at 0 every day is wet), got {thr}")
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
    def from_toml(cls, path: str | Path) -> WeatherGeneratorParams:
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
            "wet_threshold_mm": top.float("wet_threshold_mm", WET_THRESHOLD_MM, positive=True),
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


def month_index(dates: np.ndarray) -> np.ndarray:
    """Month (0 = January ... 11) of each ``datetime64`` date."""
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
    m = month_index(np.asarray(dates, dtype="datetime64[D]"))
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
        m = month_index(dates)
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
