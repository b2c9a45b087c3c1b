"""CemaNeige snow accumulation and melt on elevation bands (Valéry et al. 2014).

As in the authors' Excel sheet (which airGR follows for catchments below 1500 m):

  - precipitation of a band ``P_b = P exp(beta (z_b - z_s))`` with
    ``beta = 0.0004 /m`` (Excel; airGR's ``DataAltiExtrapolation_Valery`` uses
    0.00041 and rescales to the catchment mean), no increase above 4000 m;
  - temperature of a band ``T_b = T + lapse (z_b - z_s)`` with
    ``lapse = -0.0065 deg C/m`` applied to mean, min and max temperature (airGR
    uses day-of-year dependent lapse rates);
  - solid fraction ``"hydrotel"`` (from min/max temperature: 1 if Tmax <= 0,
    0 if Tmin >= 0, else ``1 - Tmax / (Tmax - Tmin)``) or ``"usace"`` (from
    mean temperature: 1 below -1 deg C, 0 above 3 deg C, linear between);
    airGR uses hydrotel below 1500 m and usace above.  Only hydrotel
    reproduces the reference sheet (usace differs by up to 8 mm/d in flow);
  - thermal state ``eTG = min(0, CTG eTG + (1 - CTG) T)``, potential melt
    ``min(G, Kf T)`` when ``eTG = 0`` and ``T > 0``, actual melt
    ``(0.9 min(1, G/Gth) + 0.1)`` times it, with ``Gth`` = 0.9 of the mean
    annual solid precipitation of the band (computed from the record, as the
    sheet does, unless given);
  - the liquid water of the subbasin is the area-weighted mean over its bands.

The liquid water it gives is the input of GR4J; :class:`hydro.runoff_gr4j.GR4JCemaNeige` chains
the two (the runoff model of catchments and watersheds).
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from hydro import _runoff_kernels as _k
from hydro.errors import HydroError
from hydro.gr4j_parameters import SOLID_FRACTION_METHODS as SOLID_FRACTION_METHODS
from hydro.runoff_inputs import forcing_array, per_subbasin, shape_out

#: Precipitation gradient of the CemaNeige Excel sheet, m-1.
EXCEL_PRECIP_GRADIENT_PER_M = 0.0004
#: Temperature lapse rate of the CemaNeige Excel sheet, deg C m-1.
EXCEL_TEMP_LAPSE_C_PER_M = -0.0065
#: Elevation above which precipitation is no longer increased, m.
PRECIP_EXTRAPOLATION_CAP_M = 4000.0
#: Below this station elevation ``"auto"`` uses hydrotel, above usace (airGR), m.
AUTO_SOLID_FRACTION_THRESHOLD_M = 1500.0


@dataclass(frozen=True)
class SnowBands:
    """Elevation bands of one subbasin and how forcing is carried to them.

    Attributes
    ----------
    station_elevation_m : float
        Elevation of the forcing (station or catchment reference) (m a.s.l.).
    band_elevations_m : tuple of float
        Median elevation of each band (m a.s.l.).  CemaNeige's default is five
        bands of equal area.
    band_fractions : tuple of float, optional
        Area share of each band (-); equal shares when omitted.
    precip_gradient_per_m : float
        ``beta`` in ``P_b = P exp(beta (z_b - z_s))`` (m-1); Excel's 0.0004.
    temp_lapse_c_per_m : float
        Change of temperature with elevation (deg C m-1); Excel's -0.0065.
    solid_fraction : str
        ``"hydrotel"`` (min/max temperature), ``"usace"`` (mean temperature) or
        ``"auto"`` (hydrotel when the station is below 1500 m, as airGR).
    """

    station_elevation_m: float
    band_elevations_m: tuple[float, ...]
    band_fractions: tuple[float, ...] | None = None
    precip_gradient_per_m: float = EXCEL_PRECIP_GRADIENT_PER_M
    temp_lapse_c_per_m: float = EXCEL_TEMP_LAPSE_C_PER_M
    solid_fraction: str = "hydrotel"

    def __post_init__(self):
        z = np.asarray(self.band_elevations_m, dtype=np.float64)
        if z.ndim != 1 or z.size == 0 or not np.isfinite(z).all():
            raise HydroError("snow bands: 'band_elevations_m' must be a non-empty list of numbers")
        if not math.isfinite(self.station_elevation_m):
            raise HydroError("snow bands: 'station_elevation_m' must be a finite number")
        if self.band_fractions is not None:
            f = np.asarray(self.band_fractions, dtype=np.float64)
            if f.shape != z.shape or (f <= 0).any() or abs(f.sum() - 1.0) > 1e-9:
                raise HydroError("snow bands: 'band_fractions' must give one positive share per "
                                 f"band summing to 1, got {list(self.band_fractions)}")
        if self.solid_fraction not in SOLID_FRACTION_METHODS:
            from hydro.errors import suggest
            raise HydroError(f"snow bands: unknown solid_fraction '{self.solid_fraction}'"
                             + suggest(self.solid_fraction, SOLID_FRACTION_METHODS)
                             + f"; expected one of {', '.join(SOLID_FRACTION_METHODS)}")

    @property
    def elevations(self) -> np.ndarray:
        """Band elevations (m) as an array."""
        return np.asarray(self.band_elevations_m, dtype=np.float64)

    @property
    def fractions(self) -> np.ndarray:
        """Band area shares (-) as an array."""
        z = self.elevations
        if self.band_fractions is None:
            return np.full(z.size, 1.0 / z.size)
        return np.asarray(self.band_fractions, dtype=np.float64)

    def method(self) -> str:
        """The solid-fraction formulation actually used (resolves ``"auto"``)."""
        if self.solid_fraction != "auto":
            return self.solid_fraction
        return "hydrotel" if self.station_elevation_m < AUTO_SOLID_FRACTION_THRESHOLD_M else "usace"

    def precip_factors(self) -> np.ndarray:
        """Multipliers carrying station precipitation to each band (-)."""
        z = self.elevations
        zs = self.station_elevation_m
        cap = PRECIP_EXTRAPOLATION_CAP_M
        dz = np.where(z <= cap, z - zs, cap - zs if zs <= cap else 0.0)
        return np.exp(self.precip_gradient_per_m * dz)

    def temp_offsets(self) -> np.ndarray:
        """Temperature change from the station to each band (deg C)."""
        return self.temp_lapse_c_per_m * (self.elevations - self.station_elevation_m)


def solid_fraction_hydrotel(tmin_c, tmax_c) -> np.ndarray:
    """Solid share of precipitation from daily min and max temperature (-).

    1 when ``tmax <= 0``, 0 when ``tmin >= 0``, otherwise ``1 - tmax / (tmax - tmin)``
    (the share of the day's temperature range below 0 deg C).
    """
    tmin = np.asarray(tmin_c, dtype=np.float64)
    tmax = np.asarray(tmax_c, dtype=np.float64)
    span = np.where(tmax - tmin > 0.0, tmax - tmin, 1.0)
    mixed = 1.0 - tmax / span
    return np.where(tmax <= 0.0, 1.0, np.where(tmin >= 0.0, 0.0, mixed))


def solid_fraction_usace(temp_c) -> np.ndarray:
    """Solid share of precipitation from daily mean temperature (-), USACE (1956).

    1 at or below -1 deg C, 0 at or above 3 deg C, linear in between.
    """
    return np.clip(1.0 - (np.asarray(temp_c, dtype=np.float64) + 1.0) / 4.0, 0.0, 1.0)


#: Band-days :func:`_band_inputs` carries at once, at most (a temporary of them is 2 MB).
BAND_BLOCK_VALUES = 1 << 18


def _band_inputs(band_list: list[SnowBands], p: np.ndarray, t: np.ndarray, tmin, tmax):
    """Forcing carried from each subbasin's station to its bands.

    Returns
    -------
    owner : ndarray of int [n_band]
        The subbasin of each band.
    weight : ndarray [n_band]
        Area share of each band in its subbasin (-).
    precip, temp, solid : ndarray [n_band, n_day]
        Band precipitation (mm/d), mean temperature (deg C) and solid fraction (-).
    """
    counts = [b.elevations.size for b in band_list]
    owner = np.repeat(np.arange(len(band_list), dtype=np.int64), counts)
    weight = np.ascontiguousarray(np.concatenate([b.fractions for b in band_list]))
    pf = np.concatenate([b.precip_factors() for b in band_list])
    dt = np.concatenate([b.temp_offsets() for b in band_list])
    hydrotel = np.repeat([b.method() == "hydrotel" for b in band_list], counts)
    n_day = p.shape[1]
    pb, tb, sf = (np.empty((owner.size, n_day)) for _ in range(3))
    # in blocks of bands, so that the temporaries stay small (at 10,000 subbasins x 1 year a whole
    # one is 29 MB, and about nine of them were fresh pages); every operation is per value, so the
    # same bits as all bands at once
    step = max(1, BAND_BLOCK_VALUES // max(1, n_day))
    for first in range(0, owner.size, step):
        end = min(first + step, owner.size)
        rows = np.arange(first, end)
        np.multiply(p[owner[first:end]], pf[first:end, None], out=pb[first:end])
        np.add(t[owner[first:end]], dt[first:end, None], out=tb[first:end])
        # every band of one method at once: the same operations on each value as subbasin by subbasin
        hot = hydrotel[rows]
        if hot.any():
            r = rows[hot]
            sf[r] = solid_fraction_hydrotel(tmin[owner[r]] + dt[r, None], tmax[owner[r]] + dt[r, None])
        if not hot.all():
            r = rows[~hot]
            sf[r] = solid_fraction_usace(tb[r])
    return owner, weight, pb, tb, sf


@dataclass(frozen=True)
class SnowResult:
    """Daily CemaNeige output per subbasin; arrays are ``[n_day]`` or ``[n_subbasin, n_day]``.

    Attributes
    ----------
    liquid_water_mm : ndarray
        Rain plus melt leaving the snow routine, the input of GR4J (mm/d).
    melt_mm : ndarray
        Snow melt (mm/d).
    precip_mm : ndarray
        Total precipitation after extrapolation to the bands (mm/d).
    solid_precip_mm : ndarray
        Snowfall (mm/d).
    snow_pack_mm : ndarray
        End-of-day snow water equivalent, area mean of the bands (mm).
    initial_snow_pack_mm, final_snow_pack_mm : ndarray [n_band_total]
        Snow pack of each band before the first and after the last day (mm).
    final_thermal_state_c : ndarray [n_band_total]
        Thermal state of each band after the last day (deg C).
    g_threshold_mm : ndarray [n_band_total]
        Snow pack of full snow cover used for each band (mm).
    """

    liquid_water_mm: np.ndarray
    melt_mm: np.ndarray
    precip_mm: np.ndarray
    solid_precip_mm: np.ndarray
    snow_pack_mm: np.ndarray
    initial_snow_pack_mm: np.ndarray
    final_snow_pack_mm: np.ndarray
    final_thermal_state_c: np.ndarray
    g_threshold_mm: np.ndarray


@dataclass(frozen=True)
class BandForcing:
    """Forcing carried to the elevation bands of every subbasin: the parameter-free part of a run.

    Attributes
    ----------
    owner : ndarray of int [n_band]
        The subbasin of each band.
    weight : ndarray [n_band]
        Area share of each band in its subbasin (-).
    precip, temp, solid_fraction : ndarray [n_band, n_day]
        Band precipitation (mm/d), mean temperature (deg C) and solid fraction (-).
    g_threshold : ndarray [n_band]
        Snow pack of full snow cover of each band (mm).
    n_sub, n_day : int
        Number of subbasins and days.
    """

    owner: np.ndarray
    weight: np.ndarray
    precip: np.ndarray
    temp: np.ndarray
    solid_fraction: np.ndarray
    g_threshold: np.ndarray
    n_sub: int
    n_day: int


def band_forcing(precip_mm, temp_c, bands: SnowBands | Sequence[SnowBands], *, tmin_c=None,
                 tmax_c=None, mean_annual_solid_precip_mm=None, dates=None) -> BandForcing:
    """Check the forcing and carry it to the bands (arguments as :func:`cemaneige`)."""
    p = forcing_array("precip_mm", precip_mm, dates, nonnegative=True)
    t = forcing_array("temp_c", temp_c, dates, shape=p.shape)
    n_sub, n_day = p.shape
    band_list = [bands] * n_sub if isinstance(bands, SnowBands) else list(bands)
    if len(band_list) != n_sub or not all(isinstance(b, SnowBands) for b in band_list):
        raise HydroError(f"argument 'bands': expected one SnowBands or {n_sub} (one per subbasin)")
    methods = {b.method() for b in band_list}
    tmin = tmax = None
    if "hydrotel" in methods:
        if tmin_c is None or tmax_c is None:
            raise HydroError("arguments 'tmin_c' and 'tmax_c' are required by the 'hydrotel' solid "
                             "fraction; give them, or use solid_fraction = 'usace'")
        tmin = forcing_array("tmin_c", tmin_c, dates, shape=p.shape)
        tmax = forcing_array("tmax_c", tmax_c, dates, shape=p.shape)
    owner, weight, pb, tb, sf = _band_inputs(band_list, p, t, tmin, tmax)
    if mean_annual_solid_precip_mm is None:
        g_thr = 0.9 * 365.25 * (pb * sf).mean(axis=1)
    else:
        g_thr = 0.9 * per_subbasin("mean_annual_solid_precip_mm", mean_annual_solid_precip_mm,
                                    owner.size, minimum=0.0, unit="band")
    return BandForcing(owner, weight, pb, tb, sf, np.ascontiguousarray(g_thr), n_sub, n_day)


def mean_annual_snowfall(precip_mm, temp_c, bands: SnowBands | Sequence[SnowBands], *, tmin_c=None,
                         tmax_c=None) -> np.ndarray:
    """Each band's mean yearly snowfall over the days given, mm/yr (arguments as :func:`band_forcing`):
    CemaNeige's snowfall of full cover is 0.9 times it (``mean_annual_solid_precip_mm``)."""
    f = band_forcing(precip_mm, temp_c, bands, tmin_c=tmin_c, tmax_c=tmax_c)
    return 365.25 * (f.precip * f.solid_fraction).mean(axis=1)


def run_bands(f: BandForcing, ctg, kf_mm_per_c_per_day, *, snow_pack_mm=0.0,
              thermal_state_c=0.0) -> SnowResult:
    """CemaNeige on prepared band forcing; result arrays ``[n_subbasin, n_day]``.

    ``ctg``, ``kf_mm_per_c_per_day``, ``snow_pack_mm`` and ``thermal_state_c`` are
    those of :func:`cemaneige`.
    """
    n_sub, n_band = f.n_sub, f.owner.size
    ctg_s = per_subbasin("ctg", ctg, n_sub, minimum=0.0, maximum=1.0, max_strict=True)
    kf_s = per_subbasin("kf_mm_per_c_per_day", kf_mm_per_c_per_day, n_sub, minimum=0.0)
    g0 = per_subbasin("snow_pack_mm", snow_pack_mm, n_band, minimum=0.0, unit="band").copy()
    etg = per_subbasin("thermal_state_c", thermal_state_c, n_band, maximum=0.0, unit="band").copy()
    initial = g0.copy()
    out = [np.zeros((n_sub, f.n_day)) for _ in range(5)]
    _k.cemaneige_run(f.precip, f.temp, f.solid_fraction, ctg_s[f.owner], kf_s[f.owner], f.g_threshold,
                     f.owner, f.weight, g0, etg, *out)
    liquid, melt, snow, swe, precip_sub = out
    return SnowResult(liquid, melt, precip_sub, snow, swe, initial, g0, etg, f.g_threshold)


def cemaneige(precip_mm, temp_c, bands: SnowBands | Sequence[SnowBands], ctg, kf_mm_per_c_per_day,
              *, tmin_c=None, tmax_c=None, snow_pack_mm=0.0, thermal_state_c=0.0,
              mean_annual_solid_precip_mm=None, dates=None) -> SnowResult:
    """Run the CemaNeige snow routine on elevation bands.

    Parameters
    ----------
    precip_mm : array_like [n_day] or [n_subbasin, n_day]
        Total precipitation at the station elevation (mm/d), >= 0.
    temp_c : array_like, same shape
        Daily mean air temperature at the station elevation (deg C).
    bands : SnowBands or sequence of SnowBands
        Bands of every subbasin (one shared, or one per subbasin).
    ctg : float or array [n_subbasin]
        Thermal-state weighting coefficient (-), 0 <= ctg < 1.
    kf_mm_per_c_per_day : float or array [n_subbasin]
        Degree-day melt factor (mm deg C-1 d-1), >= 0.
    tmin_c, tmax_c : array_like, optional
        Daily minimum and maximum temperature (deg C); required by the
        ``"hydrotel"`` solid fraction.
    snow_pack_mm, thermal_state_c : float or array [n_band_total]
        Initial snow pack (mm) and thermal state (deg C, <= 0) of each band.
    mean_annual_solid_precip_mm : float or array [n_band_total], optional
        Mean annual snowfall of each band (mm/yr); the full-cover threshold is
        0.9 of it.  Default: computed from this record (``365.25`` times the mean
        daily snowfall), band by band as the Excel sheet does (airGR takes one value for all bands,
        their mean: the sheet then differs by up to 2.2 mm/d of flow; runoff review 2026-12-05, F4).
    dates : array_like of datetime64, optional
        Dates, only to name the day in error messages.

    Returns
    -------
    SnowResult
    """
    one_d = np.ndim(precip_mm) == 1
    f = band_forcing(precip_mm, temp_c, bands, tmin_c=tmin_c, tmax_c=tmax_c,
                     mean_annual_solid_precip_mm=mean_annual_solid_precip_mm, dates=dates)
    res = run_bands(f, ctg, kf_mm_per_c_per_day, snow_pack_mm=snow_pack_mm,
                    thermal_state_c=thermal_state_c)
    return dataclasses.replace(
        res, liquid_water_mm=shape_out(res.liquid_water_mm, one_d), melt_mm=shape_out(res.melt_mm, one_d),
        precip_mm=shape_out(res.precip_mm, one_d), solid_precip_mm=shape_out(res.solid_precip_mm, one_d),
        snow_pack_mm=shape_out(res.snow_pack_mm, one_d))
