"""Runoff generation per subbasin: GR4J, CemaNeige snow and Oudin PET.

This module owns the public runoff layer.  It checks and converts inputs,
allocates outputs, calls the compiled kernels of :mod:`hydro._runoff_kernels`
and returns frozen dataclasses of named arrays.  All depths are over the
subbasin area (mm, mm/d); temperatures are daily air temperatures (deg C).

Forcing arrays are either 1-D ``[n_day]`` (one catchment) or 2-D
``[n_subbasin, n_day]`` (many subbasins at once); results have the same shape.
Parameters are scalars or 1-D ``[n_subbasin]`` arrays.

What is implemented
-------------------
* **GR4J** (Perrin et al. 2003), daily: production store, percolation, unit
  hydrographs UH1 (time base ``x4``) and UH2 (``2 x4``) with the 90/10 split,
  groundwater exchange ``F = x2 (R/x3)^3.5`` applied to the routing store and to
  the direct flow, routing store with outflow ``R (1 - (1 + (R/x3)^4)^-1/4)``.
  The actual exchange (after the routing store and the direct flow are cut at
  zero) is returned, so the water balance closes exactly.
* **CemaNeige** (Valéry et al. 2014) on elevation bands, as in the authors'
  Excel sheet (which airGR follows for catchments below 1500 m):

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
* **Oudin PET** (Oudin et al. 2005): ``PE = Re / (lambda rho) (T + 5) / 100`` if
  ``T + 5 > 0`` else 0, with ``Re`` the extraterrestrial radiation of FAO-56
  (Allen et al. 1998, eqs. 21-25), ``lambda = 2.45 MJ/kg``, ``rho = 1000 kg/m3``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from hydro import _runoff_kernels as _k
from hydro.errors import HydroError

#: Latent heat of vaporisation used by Oudin et al. (2005), MJ kg-1.
LATENT_HEAT_MJ_PER_KG = 2.45
#: Density of water, kg m-3.
WATER_DENSITY_KG_PER_M3 = 1000.0
#: Solar constant, MJ m-2 min-1 (FAO-56 eq. 21).
SOLAR_CONSTANT_MJ_PER_M2_MIN = 0.0820
#: Precipitation gradient of the CemaNeige Excel sheet, m-1.
EXCEL_PRECIP_GRADIENT_PER_M = 0.0004
#: Temperature lapse rate of the CemaNeige Excel sheet, deg C m-1.
EXCEL_TEMP_LAPSE_C_PER_M = -0.0065
#: Elevation above which precipitation is no longer increased, m.
PRECIP_EXTRAPOLATION_CAP_M = 4000.0
#: Solid-fraction formulations accepted by :class:`SnowBands`.
SOLID_FRACTION_METHODS = ("hydrotel", "usace", "auto")
#: Below this station elevation ``"auto"`` uses hydrotel, above usace (airGR), m.
AUTO_SOLID_FRACTION_THRESHOLD_M = 1500.0


# --------------------------------------------------------------------------- input checks
def _label(index: int, dates) -> str:
    if dates is not None:
        return f"day {index} ({np.datetime_as_string(np.asarray(dates)[index], unit='D')})"
    return f"day {index}"


def _forcing(name: str, values, dates=None, *, nonnegative: bool = False,
             shape: tuple[int, ...] | None = None) -> np.ndarray:
    """Check one forcing array and return it as contiguous float64, 2-D."""
    try:
        arr = np.ascontiguousarray(values, dtype=np.float64)
    except (TypeError, ValueError):
        raise HydroError(f"argument '{name}': expected an array of numbers") from None
    if arr.ndim not in (1, 2):
        raise HydroError(f"argument '{name}': expected a 1-D [day] or 2-D [subbasin, day] "
                         f"array, got {arr.ndim} dimensions")
    arr2 = arr.reshape(1, -1) if arr.ndim == 1 else arr
    if shape is not None and arr2.shape != shape:
        raise HydroError(f"argument '{name}': {arr2.shape[0]} subbasin(s) x {arr2.shape[1]} days "
                         f"does not match precip_mm's {shape[0]} x {shape[1]}; "
                         "give every forcing the same subbasins and days")
    if arr2.shape[1] == 0:
        raise HydroError(f"argument '{name}': no days; give at least one day of forcing")
    bad = ~np.isfinite(arr2)
    if bad.any():
        i, t = np.argwhere(bad)[0]
        where = _label(int(t), dates) + (f", subbasin {i}" if arr.ndim == 2 else "")
        raise HydroError(f"argument '{name}': missing or non-finite value ({arr2[i, t]}) on {where}; "
                         "fill the gap before running the model")
    if nonnegative and (arr2 < 0).any():
        i, t = np.argwhere(arr2 < 0)[0]
        where = _label(int(t), dates) + (f", subbasin {i}" if arr.ndim == 2 else "")
        raise HydroError(f"argument '{name}': negative value {arr2[i, t]} on {where}; "
                         "expected a depth >= 0 mm")
    return arr2


def _per_subbasin(name: str, value, n_sub: int, *, minimum: float | None = None,
                  strict: bool = False, maximum: float | None = None,
                  max_strict: bool = False, unit: str = "subbasin") -> np.ndarray:
    """A scalar or ``[n_sub]`` parameter as contiguous float64 ``[n_sub]``."""
    arr = np.ascontiguousarray(np.atleast_1d(np.asarray(value, dtype=np.float64)))
    if arr.ndim != 1 or arr.shape[0] not in (1, n_sub):
        raise HydroError(f"parameter '{name}': expected a number or {n_sub} values "
                         f"(one per {unit}), got shape {np.shape(value)}")
    if arr.shape[0] == 1 and n_sub != 1:
        arr = np.full(n_sub, arr[0])
    if not np.isfinite(arr).all():
        raise HydroError(f"parameter '{name}': expected finite numbers, got {arr}")
    if minimum is not None:
        low = arr <= minimum if strict else arr < minimum
        if low.any():
            i = int(np.argmax(low))
            rel = ">" if strict else ">="
            raise HydroError(f"parameter '{name}': expected {rel} {minimum}, got {arr[i]}"
                             + (f" ({unit} {i})" if n_sub > 1 else ""))
    if maximum is not None:
        high = arr >= maximum if max_strict else arr > maximum
        if high.any():
            i = int(np.argmax(high))
            rel = "<" if max_strict else "<="
            raise HydroError(f"parameter '{name}': expected {rel} {maximum}, got {arr[i]}"
                             + (f" ({unit} {i})" if n_sub > 1 else ""))
    return arr


def _shape_out(arr2: np.ndarray, one_d: bool) -> np.ndarray:
    return arr2[0] if one_d else arr2


# --------------------------------------------------------------------------- GR4J
@dataclass(frozen=True)
class GR4JParameters:
    """GR4J parameters, one value or one per subbasin.

    Attributes
    ----------
    x1_mm : float or array
        Capacity of the production store (mm), > 0.
    x2_mm_per_day : float or array
        Groundwater exchange coefficient (mm/d); negative is a loss.
    x3_mm : float or array
        Capacity of the routing store (mm), > 0.
    x4_days : float or array
        Time base of unit hydrograph UH1 (d), >= 0.5.
    """

    x1_mm: float | np.ndarray
    x2_mm_per_day: float | np.ndarray
    x3_mm: float | np.ndarray
    x4_days: float | np.ndarray

    def arrays(self, n_sub: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """The four parameters as checked float64 arrays of length ``n_sub``."""
        return (_per_subbasin("x1_mm", self.x1_mm, n_sub, minimum=0.0, strict=True),
                _per_subbasin("x2_mm_per_day", self.x2_mm_per_day, n_sub),
                _per_subbasin("x3_mm", self.x3_mm, n_sub, minimum=0.0, strict=True),
                _per_subbasin("x4_days", self.x4_days, n_sub, minimum=0.5))


@dataclass(frozen=True)
class GR4JState:
    """Contents of the GR4J stores at one instant (all mm).

    Attributes
    ----------
    production_mm : ndarray [n_sub]
        Production store S (mm).
    routing_mm : ndarray [n_sub]
        Routing store R (mm).
    uh1_mm : ndarray [n_sub, n_uh1]
        Water in transit in UH1 (towards the routing store), entry ``k`` leaving
        on the ``k + 1``-th next day (mm).
    uh2_mm : ndarray [n_sub, n_uh2]
        Water in transit in UH2 (direct flow), likewise (mm).
    """

    production_mm: np.ndarray
    routing_mm: np.ndarray
    uh1_mm: np.ndarray
    uh2_mm: np.ndarray

    @classmethod
    def from_fractions(cls, params: GR4JParameters, n_sub: int = 1, production: float = 0.3,
                       routing: float = 0.5) -> "GR4JState":
        """Stores filled to ``production x1`` and ``routing x3``, empty unit hydrographs.

        The defaults 0.3 and 0.5 are airGR's; the reference sheets use 0.6 and 0.7.
        """
        x1, _, x3, x4 = params.arrays(n_sub)
        for name, value in (("production", production), ("routing", routing)):
            if not (0.0 <= value <= 1.0):
                raise HydroError(f"initial {name} store fraction: expected 0..1, got {value}")
        n1, n2 = _uh_lengths(x4)
        return cls(production * x1, routing * x3, np.zeros((n_sub, n1)), np.zeros((n_sub, n2)))

    def total_mm(self) -> np.ndarray:
        """Water held in all stores and unit hydrographs, per subbasin (mm)."""
        return (self.production_mm + self.routing_mm + self.uh1_mm.sum(axis=1)
                + self.uh2_mm.sum(axis=1))


def _uh_lengths(x4: np.ndarray) -> tuple[int, int]:
    return int(math.ceil(float(x4.max()))), int(math.ceil(2.0 * float(x4.max())))


@dataclass(frozen=True)
class GR4JResult:
    """Daily GR4J output; arrays are ``[n_day]`` or ``[n_subbasin, n_day]``.

    Attributes
    ----------
    q_mm : ndarray
        Total streamflow at the subbasin outlet, ``q_direct_mm + q_routed_mm`` (mm/d).
    q_direct_mm : ndarray
        Direct (quick) flow through UH2, after exchange (mm/d).
    q_routed_mm : ndarray
        Outflow of the routing store (slow flow; mm/d).
    aet_mm : ndarray
        Actual evapotranspiration: interception plus evaporation from the
        production store (mm/d).
    exchange_mm : ndarray
        Actual groundwater exchange with outside the catchment, gain positive (mm/d).
    production_store_mm, routing_store_mm : ndarray
        End-of-day contents of the production and routing stores (mm).
    initial, final : GR4JState
        Stores at the start of the first and end of the last day.
    """

    q_mm: np.ndarray
    q_direct_mm: np.ndarray
    q_routed_mm: np.ndarray
    aet_mm: np.ndarray
    exchange_mm: np.ndarray
    production_store_mm: np.ndarray
    routing_store_mm: np.ndarray
    initial: GR4JState = field(repr=False)
    final: GR4JState = field(repr=False)


def gr4j(precip_mm, pet_mm, params: GR4JParameters, *, initial: GR4JState | None = None,
         production_fraction: float = 0.3, routing_fraction: float = 0.5,
         dates=None) -> GR4JResult:
    """Run GR4J on one catchment or many subbasins.

    Parameters
    ----------
    precip_mm : array_like [n_day] or [n_subbasin, n_day]
        Liquid water reaching the soil: rain plus snow melt (mm/d), >= 0.
    pet_mm : array_like, same shape
        Potential evapotranspiration (mm/d), >= 0.
    params : GR4JParameters
        Parameters, scalars or one per subbasin.
    initial : GR4JState, optional
        Initial stores (e.g. ``result.final`` of a previous run).  Without it the
        production and routing stores start at ``production_fraction x1`` and
        ``routing_fraction x3`` and the unit hydrographs empty.
    production_fraction, routing_fraction : float
        Initial filling of the stores (-), used when ``initial`` is None.
    dates : array_like of datetime64, optional
        Dates of the days, only to name the day in error messages.

    Returns
    -------
    GR4JResult

    Raises
    ------
    HydroError
        For negative or missing forcing, mismatched shapes, or parameters out of
        range (x1, x3 > 0, x4 >= 0.5).
    """
    p = _forcing("precip_mm", precip_mm, dates, nonnegative=True)
    one_d = np.ndim(precip_mm) == 1
    e = _forcing("pet_mm", pet_mm, dates, nonnegative=True, shape=p.shape)
    n_sub, n_day = p.shape
    x1, x2, x3, x4 = params.arrays(n_sub)
    if initial is None:
        initial = GR4JState.from_fractions(params, n_sub, production_fraction, routing_fraction)
    prod = _per_subbasin("initial.production_mm", initial.production_mm, n_sub, minimum=0.0).copy()
    rout = _per_subbasin("initial.routing_mm", initial.routing_mm, n_sub, minimum=0.0).copy()
    n1, n2 = _uh_lengths(x4)
    uh1 = _uh_state("initial.uh1_mm", initial.uh1_mm, n_sub, n1)
    uh2 = _uh_state("initial.uh2_mm", initial.uh2_mm, n_sub, n2)
    start = GR4JState(prod.copy(), rout.copy(), uh1.copy(), uh2.copy())
    out = [np.empty((n_sub, n_day)) for _ in range(7)]
    _k.gr4j_run(p, e, x1, x2, x3, x4, prod, rout, uh1, uh2, *out)
    q, qd, qr, ae, ex, ss, rs = (_shape_out(a, one_d) for a in out)
    return GR4JResult(q, qd, qr, ae, ex, ss, rs, start, GR4JState(prod, rout, uh1, uh2))


def _uh_state(name: str, value, n_sub: int, length: int) -> np.ndarray:
    arr = np.asarray(value, dtype=np.float64)
    if arr.ndim == 1:
        arr = arr.reshape(1, -1)
    if arr.ndim != 2 or arr.shape[0] != n_sub or arr.shape[1] > length:
        raise HydroError(f"state '{name}': expected shape ({n_sub}, <= {length}), got {arr.shape}")
    if not np.isfinite(arr).all() or (arr < 0).any():
        raise HydroError(f"state '{name}': expected finite depths >= 0 mm")
    full = np.zeros((n_sub, length))
    full[:, : arr.shape[1]] = arr
    return full


# --------------------------------------------------------------------------- CemaNeige
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
        daily snowfall), as the Excel sheet and airGR do.
    dates : array_like of datetime64, optional
        Dates, only to name the day in error messages.

    Returns
    -------
    SnowResult
    """
    p = _forcing("precip_mm", precip_mm, dates, nonnegative=True)
    one_d = np.ndim(precip_mm) == 1
    t = _forcing("temp_c", temp_c, dates, shape=p.shape)
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
        tmin = _forcing("tmin_c", tmin_c, dates, shape=p.shape)
        tmax = _forcing("tmax_c", tmax_c, dates, shape=p.shape)
    ctg_s = _per_subbasin("ctg", ctg, n_sub, minimum=0.0, maximum=1.0, max_strict=True)
    kf_s = _per_subbasin("kf_mm_per_c_per_day", kf_mm_per_c_per_day, n_sub, minimum=0.0)

    counts = [b.elevations.size for b in band_list]
    n_band = sum(counts)
    owner = np.repeat(np.arange(n_sub, dtype=np.int64), counts)
    weight = np.ascontiguousarray(np.concatenate([b.fractions for b in band_list]))
    pf = np.concatenate([b.precip_factors() for b in band_list])
    dt = np.concatenate([b.temp_offsets() for b in band_list])
    pb = np.ascontiguousarray(p[owner] * pf[:, None])
    tb = np.ascontiguousarray(t[owner] + dt[:, None])
    sf = np.empty((n_band, n_day))
    start = 0
    for i, (b, n) in enumerate(zip(band_list, counts)):
        rows = slice(start, start + n)
        if b.method() == "hydrotel":
            sf[rows] = solid_fraction_hydrotel(tmin[i] + dt[rows, None], tmax[i] + dt[rows, None])
        else:
            sf[rows] = solid_fraction_usace(tb[rows])
        start += n
    if mean_annual_solid_precip_mm is None:
        g_thr = 0.9 * 365.25 * (pb * sf).mean(axis=1)
    else:
        g_thr = 0.9 * _per_subbasin("mean_annual_solid_precip_mm", mean_annual_solid_precip_mm,
                                    n_band, minimum=0.0, unit="band")
    g_thr = np.ascontiguousarray(g_thr)
    g0 = _per_subbasin("snow_pack_mm", snow_pack_mm, n_band, minimum=0.0, unit="band").copy()
    etg = _per_subbasin("thermal_state_c", thermal_state_c, n_band, maximum=0.0, unit="band").copy()
    initial = g0.copy()
    out = [np.zeros((n_sub, n_day)) for _ in range(5)]
    _k.cemaneige_run(pb, tb, sf, ctg_s[owner], kf_s[owner], g_thr, owner, weight, g0, etg, *out)
    liquid, melt, snow, swe, precip_sub = out
    return SnowResult(_shape_out(liquid, one_d), _shape_out(melt, one_d),
                      _shape_out(precip_sub, one_d), _shape_out(snow, one_d),
                      _shape_out(swe, one_d), initial, g0, etg, g_thr)


@dataclass(frozen=True)
class CemaNeigeGR4JResult:
    """CemaNeige followed by GR4J: the snow result and the GR4J result.

    Attributes
    ----------
    snow : SnowResult
        Output of the snow routine (its ``liquid_water_mm`` feeds GR4J).
    gr4j : GR4JResult
        Output of GR4J; ``gr4j.q_mm`` is the streamflow (mm/d).
    """

    snow: SnowResult
    gr4j: GR4JResult

    @property
    def q_mm(self) -> np.ndarray:
        """Total streamflow (mm/d)."""
        return self.gr4j.q_mm


def cemaneige_gr4j(precip_mm, temp_c, pet_mm, params: GR4JParameters, bands, ctg,
                   kf_mm_per_c_per_day, *, tmin_c=None, tmax_c=None, initial: GR4JState | None = None,
                   production_fraction: float = 0.3, routing_fraction: float = 0.5,
                   snow_pack_mm=0.0, thermal_state_c=0.0, mean_annual_solid_precip_mm=None,
                   dates=None) -> CemaNeigeGR4JResult:
    """Run CemaNeige, then GR4J on its liquid water output.

    Parameters are those of :func:`cemaneige` and :func:`gr4j`; ``pet_mm`` is the
    potential evapotranspiration (mm/d), same shape as ``precip_mm``.
    """
    snow = cemaneige(precip_mm, temp_c, bands, ctg, kf_mm_per_c_per_day, tmin_c=tmin_c,
                     tmax_c=tmax_c, snow_pack_mm=snow_pack_mm, thermal_state_c=thermal_state_c,
                     mean_annual_solid_precip_mm=mean_annual_solid_precip_mm, dates=dates)
    flow = gr4j(snow.liquid_water_mm, pet_mm, params, initial=initial,
                production_fraction=production_fraction, routing_fraction=routing_fraction,
                dates=dates)
    return CemaNeigeGR4JResult(snow, flow)


# --------------------------------------------------------------------------- Oudin PET
def extraterrestrial_radiation(latitude_deg, day_of_year) -> np.ndarray:
    """Daily extraterrestrial radiation Ra (MJ m-2 d-1), FAO-56 eqs. 21-25.

    Parameters
    ----------
    latitude_deg : float or array_like
        Latitude (degrees, north positive), -90..90.
    day_of_year : int or array_like
        Day of the year J, 1..366.

    Notes
    -----
    ``Ra = 24 60 / pi Gsc dr (ws sin(phi) sin(delta) + cos(phi) cos(delta) sin(ws))``
    with ``dr = 1 + 0.033 cos(2 pi J / 365)``, ``delta = 0.409 sin(2 pi J / 365 - 1.39)``
    and ``ws = arccos(-tan(phi) tan(delta))``; the argument of arccos is clipped to
    [-1, 1] so polar night gives 0 and polar day a 24-hour sun.
    """
    lat = np.asarray(latitude_deg, dtype=np.float64)
    doy = np.asarray(day_of_year, dtype=np.float64)
    if not np.isfinite(lat).all() or (np.abs(lat) > 90).any():
        raise HydroError(f"argument 'latitude_deg': expected degrees in -90..90, got {latitude_deg}")
    if not np.isfinite(doy).all() or (doy < 1).any() or (doy > 366).any():
        raise HydroError("argument 'day_of_year': expected days 1..366")
    phi = np.radians(lat)
    angle = 2.0 * np.pi * doy / 365.0
    dr = 1.0 + 0.033 * np.cos(angle)
    delta = 0.409 * np.sin(angle - 1.39)
    ws = np.arccos(np.clip(-np.tan(phi) * np.tan(delta), -1.0, 1.0))
    ra = (24.0 * 60.0 / np.pi * SOLAR_CONSTANT_MJ_PER_M2_MIN * dr
          * (ws * np.sin(phi) * np.sin(delta) + np.cos(phi) * np.cos(delta) * np.sin(ws)))
    return np.maximum(ra, 0.0)


def oudin_pet(temp_c, latitude_deg, day_of_year, dates=None) -> np.ndarray:
    """Potential evapotranspiration of Oudin et al. (2005) (mm/d).

    ``PE = Re / (lambda rho) (T + 5) / 100`` when ``T + 5 > 0``, else 0, with Re
    the extraterrestrial radiation (MJ m-2 d-1, :func:`extraterrestrial_radiation`),
    ``lambda = 2.45 MJ kg-1`` and ``rho = 1000 kg m-3``.

    Parameters
    ----------
    temp_c : array_like
        Daily mean air temperature (deg C).
    latitude_deg : float or array_like
        Latitude (degrees north), broadcast against ``temp_c`` (for 2-D
        ``[n_subbasin, n_day]`` temperatures give ``lat[:, None]``).
    day_of_year : array_like
        Day of the year (1..366) of each value, broadcast against ``temp_c``.
    dates : array_like of datetime64, optional
        Dates, only to name the day in error messages.

    Returns
    -------
    ndarray
        PE (mm/d), same shape as the broadcast inputs.
    """
    t = np.asarray(temp_c, dtype=np.float64)
    if t.ndim in (1, 2):
        _forcing("temp_c", t, dates)
    elif not np.isfinite(t).all():
        raise HydroError("argument 'temp_c': missing or non-finite value")
    ra = extraterrestrial_radiation(latitude_deg, day_of_year)
    # Re / (lambda rho) is m/d of water; x 1000 gives mm/d
    depth_mm = ra / (LATENT_HEAT_MJ_PER_KG * WATER_DENSITY_KG_PER_M3) * 1000.0
    return np.where(t + 5.0 > 0.0, depth_mm * (t + 5.0) / 100.0, 0.0)


def day_of_year(dates) -> np.ndarray:
    """Day of the year (1..366) of each ``datetime64`` date."""
    d = np.asarray(dates, dtype="datetime64[D]")
    return (d - d.astype("datetime64[Y]").astype("datetime64[D]")).astype(np.int64) + 1
