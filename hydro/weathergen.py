"""A stochastic daily weather generator of the WGEN family (Richardson 1981).

This module describes the model and owns generating synthetic daily forcing for
one or many subbasins and ensemble members (:func:`generate` →
:class:`hydro.weather.DailyForcing`); fitting it to an observed daily series is
:mod:`hydro.weathergen_fit` (:func:`fit` → :class:`WeatherGeneratorParams`, saved
to and read from TOML, :mod:`hydro.weathergen_params`), both re-exported here.

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

Random numbers: ``numpy.random.default_rng([seed, year])`` (below) draws three standard normal
fields (occurrence, amount, temperature innovation).  With ``spatial_correlation``
r > 0 each is ``sqrt(r)·c + sqrt(1-r)·e_j``, c common to all subbasins of a member
on that day and e_j independent, so the normals of two subbasins have
correlation r.  Normals become uniforms by the normal CDF (occurrence: wet when
the uniform is below the transition probability) and gamma amounts by the
inverse gamma CDF (a Gaussian copula), so the correlation carries over to
occurrence, amounts and temperature anomalies (weaker than r for occurrence and
amounts, exactly r for the temperature anomalies).  r = 0 gives independent
subbasins, r = 1 identical anomalies.  The members of one call (``n_members``) share
each year's stream: member m is not ``generate(seed=seed + m)``, which is what hydro's
weather ensembles run (:func:`hydro.ensemble.member_weather`).  Each calendar year
draws from its own stream, ``default_rng([seed, year])``, whole, so a calendar day gets
the same normals whatever the period of the call: two calls with the same seed over
overlapping periods give the same weather on the days they share, from a few days after
the later start on (the wet/dry chain and the temperature anomalies start from their
stationary distributions on a call's first day, and the two paths meet within days).

References
----------
Richardson, C. W. (1981). Stochastic simulation of daily precipitation,
temperature, and solar radiation. Water Resources Research 17(1), 182–190.
Wilks, D. S. (1998). Multisite generalization of a daily stochastic
precipitation generation model. Journal of Hydrology 210, 178–191.
"""

from __future__ import annotations

import datetime as _dt
import math
from typing import Any

import numpy as np
from scipy import signal, special

from hydro.daily_forcing import DailyForcing
from hydro.errors import HydroError
from hydro.weathergen_fit import fit as fit
from hydro.weathergen_params import MIN_DAYS_PER_MONTH as MIN_DAYS_PER_MONTH
from hydro.weathergen_params import MIN_SAMPLE as MIN_SAMPLE
from hydro.weathergen_params import WET_THRESHOLD_MM as WET_THRESHOLD_MM
from hydro.weathergen_params import WeatherGeneratorParams as WeatherGeneratorParams
from hydro.weathergen_params import daily_wet_probability as daily_wet_probability
from hydro.weathergen_params import expected_annual_precip_mm, month_index


def _as_day(value: Any, name: str) -> np.datetime64:
    if isinstance(value, np.datetime64):
        if np.isnat(value):  # numpy's arange then failed with a ValueError naming neither argument
            raise HydroError(f"{name}: expected a date YYYY-MM-DD, got NaT (not a time)")
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
    d0, d1, seed, r, lapse = _checked(params, start, end, seed, spatial_correlation, lapse_rate_c_per_km,
                                      n_subbasins, n_members)
    sub = _subbasins(params, annual_precip_mm, elevation_m, reference_elevation_m, lapse, n_subbasins, n_members)
    S, M = sub["S"], sub["M"]
    dates = np.arange(d0, d1 + np.timedelta64(1, "D"))
    N = dates.size
    mon = month_index(dates)
    eps = _normals(seed, dates, M, S, r)
    wet = _occurrence(params, eps[0], mon)
    precip = _amounts(params, wet, eps[1], mon, sub["scale"], S)
    del wet
    tmean, tmin, tmax = _temperature(params, eps[2], mon, sub["shift"], M)
    del eps
    lead = ((M,) if n_members is not None else ()) + ((S,) if sub["has_sub"] else ())

    def shaped(a):  # (N, M*S) -> (*lead, N)
        return np.ascontiguousarray(np.moveaxis(a.reshape(N, M, S), 0, -1)).reshape(lead + (N,))

    meta = _metadata(params, seed, r, sub, lapse, n_members)
    return DailyForcing(dates, shaped(precip), shaped(tmean), shaped(tmin), shaped(tmax), None, meta)


def _checked(params, start, end, seed, spatial_correlation, lapse_rate_c_per_km, n_subbasins, n_members):
    """The arguments of :func:`generate` checked: first and last day, seed (drawn when None),
    spatial correlation and lapse rate."""
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
    return d0, d1, seed, r, lapse


def _subbasins(params, annual_precip_mm, elevation_m, reference_elevation_m, lapse, n_subbasins, n_members) -> dict:
    """Subbasin count ``S``, member count ``M``, whether there is a subbasin axis, and per
    subbasin the precipitation scale factor and the temperature shift (degC)."""
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
    return {"S": S, "M": M, "has_sub": has_sub, "target": target, "elev": elev, "ref": ref, "shift": shift,
            "scale": scale, "expected": expected}


def _normals(seed: int, dates: np.ndarray, M: int, S: int, r: float) -> np.ndarray:
    """Three standard normal fields (occurrence, amount, temperature), ``(3, day, member*subbasin)``,
    correlated ``r`` between the subbasins of a member.

    Each calendar year has its own stream, ``default_rng([seed, year])``, drawn whole (365 or
    366 days) whatever part of it the run covers: a calendar day gets the same numbers in every
    run with the same seed (and members and subbasins), whatever the period.
    """
    years = dates.astype("datetime64[Y]").astype(np.int64) + 1970
    eps = np.empty((3, dates.size, M, S))
    for year in np.unique(years):
        days = np.flatnonzero(years == year)
        jan1 = np.datetime64(f"{int(year):04d}-01-01", "D")
        length = int((np.datetime64(f"{int(year) + 1:04d}-01-01", "D") - jan1).astype(np.int64))
        first = int((dates[days[0]] - jan1).astype(np.int64))
        # time first so each day's slice is contiguous: (field, day, member, subbasin)
        rng = np.random.default_rng([seed, int(year)])
        common = rng.standard_normal((3, length, M, 1))[:, first:first + days.size]
        part = rng.standard_normal((3, length, M, S))[:, first:first + days.size]
        if r > 0.0:
            part *= math.sqrt(1.0 - r)
            part += math.sqrt(r) * common
        eps[:, days] = part
    return eps.reshape(3, dates.size, M * S)


def _occurrence(params: WeatherGeneratorParams, normal: np.ndarray, mon: np.ndarray) -> np.ndarray:
    """Wet days ``(day, member*subbasin)``: the Markov chain driven by ``Phi(normal)``."""
    # Occurrence: wet when u < p(wet | yesterday); u = Phi(normal).
    u = special.ndtr(normal)
    p01 = np.asarray(params.p_wet_given_dry)[mon]
    dp = np.asarray(params.p_wet_given_wet)[mon] - p01
    N, K = normal.shape
    wet = np.empty((N, K), dtype=bool)
    np.less(u[0], params.stationary_wet_probability[mon[0]], out=wet[0])
    for t in range(1, N):
        np.less(u[t], p01[t] + dp[t] * wet[t - 1], out=wet[t])
    return wet


def _amounts(params: WeatherGeneratorParams, wet: np.ndarray, normal: np.ndarray, mon: np.ndarray,
             scale: np.ndarray, S: int) -> np.ndarray:
    """Precipitation ``(day, member*subbasin)``, mm: threshold + the gamma quantile of ``Phi(normal)``
    on wet days, times each subbasin's scale factor."""
    # Amounts: threshold + gamma quantile of Phi(normal) (Gaussian copula), then scaled.
    precip = np.zeros(wet.shape)
    tt, kk = np.nonzero(wet)
    z = normal[tt, kk]
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
    return precip


def _temperature(params: WeatherGeneratorParams, normal: np.ndarray, mon: np.ndarray, shift: np.ndarray,
                 M: int):
    """Daily mean, minimum and maximum temperature ``(day, member*subbasin)``, degC: AR(1)
    standardized anomalies driven by ``normal``, shifted per subbasin."""
    # Temperature: AR(1) standardized anomalies.
    rho = params.temperature_lag1
    N = normal.shape[0]
    za = np.empty(normal.shape)
    za[0] = normal[0]
    if N > 1:
        za[1:], _ = signal.lfilter([math.sqrt(1.0 - rho * rho)], [1.0, -rho], normal[1:], axis=0,
                                   zi=(rho * za[0])[None, :])
    tmean = np.asarray(params.tmean_c)[mon][:, None] + np.asarray(params.tstd_c)[mon][:, None] * za
    tmean += np.tile(shift, M)[None, :]
    half = np.asarray(params.half_range_c)[mon][:, None]
    tmin = tmean - half
    tmax = tmean + half
    return tmean, tmin, tmax


def _metadata(params: WeatherGeneratorParams, seed: int, r: float, sub: dict, lapse, n_members) -> dict[str, Any]:
    """The generated forcing's metadata: synthetic, seed, generator, scaling and elevations."""
    from hydro.provenance import weather_library_versions

    meta: dict[str, Any] = {
        "synthetic": True,
        "seed": seed,
        "libraries": weather_library_versions(),  # of these draws (a run reading a file made earlier: not its own)
        "generator": "hydro.weathergen (WGEN family: Markov-chain occurrence, gamma amounts, AR(1) temperature)",
        "station": params.station,
        "fit_period": params.fit_period,
        "dims": ", ".join((["member"] if n_members is not None else [])
                          + (["subbasin"] if sub["has_sub"] else []) + ["time"]),
        "spatial_correlation": r,
        "wet_threshold_mm": params.wet_threshold_mm,
        "expected_annual_precip_station_mm": round(sub["expected"], 3),
    }
    if sub["target"] is not None:
        meta["annual_precip_mm"] = sub["target"].tolist() if sub["target"].ndim else float(sub["target"])
        scale = sub["scale"]
        meta["precip_scale_factor"] = ([round(float(s), 6) for s in scale] if sub["has_sub"]
                                       else round(float(scale[0]), 6))
    if sub["elev"] is not None:
        meta["elevation_m"] = sub["elev"].tolist() if sub["elev"].ndim else float(sub["elev"])
        meta["reference_elevation_m"] = sub["ref"]
        meta["lapse_rate_c_per_km"] = float(lapse)
    return meta
