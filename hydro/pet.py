"""Potential evapotranspiration: Oudin et al. (2005) on FAO-56 extraterrestrial radiation.

The formula of Oudin et al. (2005): ``PE = Re / (lambda rho) (T + 5) / 100`` if
  ``T + 5 > 0`` else 0, with ``Re`` the extraterrestrial radiation of FAO-56
  (Allen et al. 1998, eqs. 21-25), ``lambda = 2.45 MJ/kg``, ``rho = 1000 kg/m3``.
"""

from __future__ import annotations

import numpy as np

from hydro.errors import HydroError
from hydro.runoff_inputs import forcing_array

#: Latent heat of vaporisation used by Oudin et al. (2005), MJ kg-1.
LATENT_HEAT_MJ_PER_KG = 2.45
#: Density of water, kg m-3.
WATER_DENSITY_KG_PER_M3 = 1000.0
#: Solar constant, MJ m-2 min-1 (FAO-56 eq. 21).
SOLAR_CONSTANT_MJ_PER_M2_MIN = 0.0820


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
        forcing_array("temp_c", t, dates)
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
