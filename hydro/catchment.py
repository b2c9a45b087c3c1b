"""Lumped single-catchment mode: one catchment, a forcing CSV and a small TOML.

This module owns the user-facing files of a single catchment (format in
``docs/catchment-csv.md``): :func:`read_forcing_csv` (:mod:`hydro.catchment_csv`,
re-exported here) reads and checks the daily forcing table,
:meth:`Catchment.from_toml` the description (area, latitude, elevation bands,
parameters, initial stores), and :func:`run_catchment` runs
CemaNeige (when bands are given) and GR4J, with Oudin PET when the CSV has no
``pet_mm`` column.  Calibration builds on :func:`run_catchment`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from hydro.catchment_csv import KNOWN_COLUMNS as KNOWN_COLUMNS
from hydro.catchment_csv import MISSING as MISSING
from hydro.catchment_csv import Forcing as Forcing
from hydro.catchment_csv import read_forcing_csv as read_forcing_csv
from hydro.errors import HydroError, suggest
from hydro.runoff import (
    GR4JParameters,
    GR4JResult,
    SnowBands,
    SnowResult,
    cemaneige,
    day_of_year,
    gr4j,
    oudin_pet,
)
from hydro.tomlio import Table, load_toml
from hydro.units import MM_KM2_PER_DAY_TO_M3_S

#: mm/d over 1 km2 to m3/s: 1 mm x 1e6 m2 / 1000 / 86400 s (defined in hydro.units).
MM_PER_DAY_KM2_TO_M3S = MM_KM2_PER_DAY_TO_M3_S


@dataclass(frozen=True)
class SnowParameters:
    """CemaNeige parameters and bands of a catchment.

    Attributes
    ----------
    bands : SnowBands
        Elevation bands and extrapolation of the forcing.
    ctg : float
        Thermal-state weighting coefficient (-), 0..1.
    kf_mm_per_c_per_day : float
        Degree-day melt factor (mm deg C-1 d-1).
    snow_pack_mm : float
        Initial snow pack of every band (mm).
    thermal_state_c : float
        Initial thermal state of every band (deg C, <= 0).
    """

    bands: SnowBands
    ctg: float
    kf_mm_per_c_per_day: float
    snow_pack_mm: float = 0.0
    thermal_state_c: float = 0.0


@dataclass(frozen=True)
class Catchment:
    """One lumped catchment, as described by its TOML file.

    Attributes
    ----------
    name : str
        Label.
    area_km2 : float
        Catchment area (km2).
    latitude_deg : float
        Latitude of the centroid (degrees north), for Oudin PET.
    params : GR4JParameters
        GR4J parameters.
    snow : SnowParameters or None
        CemaNeige set-up; None runs GR4J on precipitation directly.
    production_fraction, routing_fraction : float
        Initial filling of the production (S/x1) and routing (R/x3) stores (-).
    forcing : Path or None
        The forcing CSV named in the TOML, resolved relative to the TOML.
    source : Path or None
        The TOML file.
    """

    name: str
    area_km2: float
    latitude_deg: float
    params: GR4JParameters
    snow: SnowParameters | None = None
    production_fraction: float = 0.3
    routing_fraction: float = 0.5
    forcing: Path | None = None
    source: Path | None = None

    @classmethod
    def from_toml(cls, path: str | Path) -> "Catchment":
        """Read a catchment TOML (format in ``docs/catchment-csv.md``)."""
        path = Path(path)
        top = Table(load_toml(path), path)
        name = top.str("name", path.stem)
        area = top.float("area_km2", positive=True)
        lat = top.float("latitude_deg", minimum=-90.0, maximum=90.0)
        forcing = top.str("forcing", None)
        p = top.table("gr4j")
        params = GR4JParameters(p.float("x1_mm", positive=True), p.float("x2_mm_per_day"),
                                p.float("x3_mm", positive=True), p.float("x4_days", minimum=0.5))
        p.finish()
        init = top.table("initial", None)
        prod = init.float("production_fraction", 0.3, minimum=0.0, maximum=1.0)
        rout = init.float("routing_fraction", 0.5, minimum=0.0, maximum=1.0)
        g0 = init.float("snow_pack_mm", 0.0, minimum=0.0)
        etg0 = init.float("thermal_state_c", 0.0, maximum=0.0)
        init.finish()
        snow = None
        if top.has("snow"):
            s = top.table("snow")
            zs = s.float("station_elevation_m")
            z = s.floats("band_elevations_m")
            if not z:
                raise s.error("band_elevations_m", "expected at least one band elevation")
            frac = s.floats("band_fractions", None, length=len(z), positive=True)
            if frac is not None and abs(sum(frac) - 1.0) > 1e-6:
                raise s.error("band_fractions", f"the shares sum to {sum(frac)}, expected 1")
            method = s.str("solid_fraction", "hydrotel")
            if method not in ("hydrotel", "usace", "auto"):
                raise s.error("solid_fraction", f"unknown formulation '{method}'"
                              + suggest(method, ("hydrotel", "usace", "auto"))
                              + "; use hydrotel, usace or auto")
            bands = SnowBands(zs, tuple(z), None if frac is None else tuple(f / sum(frac) for f in frac),
                              s.float("precip_gradient_per_m", 0.0004),
                              s.float("temp_lapse_c_per_m", -0.0065), method)
            snow = SnowParameters(bands, s.float("ctg", minimum=0.0, maximum=1.0),
                                  s.float("kf_mm_per_c_per_day", minimum=0.0), g0, etg0)
            if snow.ctg >= 1.0:
                raise s.error("ctg", "expected a value below 1 (1 freezes the thermal state)")
            s.finish()
        top.finish()
        return cls(name, area, lat, params, snow, prod, rout,
                   None if forcing is None else (path.parent / forcing), path)

    def read_forcing(self) -> Forcing:
        """Read the forcing CSV named in the TOML."""
        if self.forcing is None:
            raise HydroError(f"{self.source}: key 'forcing': missing; name the forcing CSV "
                             "(relative to the TOML) or pass the forcing explicitly")
        return read_forcing_csv(self.forcing, self.area_km2)


@dataclass(frozen=True)
class CatchmentRun:
    """Result of :func:`run_catchment`; daily arrays of length ``n_day``.

    Attributes
    ----------
    dates : ndarray of datetime64[D]
        The simulated days.
    q_mm : ndarray
        Simulated streamflow (mm/d).
    q_m3s : ndarray
        Simulated streamflow (m3/s).
    qobs_mm : ndarray or None
        Observed streamflow (mm/d), NaN where missing.
    pet_mm : ndarray
        PET used (mm/d), from the CSV or Oudin.
    gr4j : GR4JResult
        All GR4J outputs.
    snow : SnowResult or None
        CemaNeige outputs when the catchment has snow bands.
    """

    dates: np.ndarray
    q_mm: np.ndarray
    q_m3s: np.ndarray
    qobs_mm: np.ndarray | None
    pet_mm: np.ndarray
    gr4j: GR4JResult
    snow: SnowResult | None


def run_catchment(catchment: Catchment, forcing: Forcing | None = None, *,
                  params: GR4JParameters | None = None, start=None, end=None) -> CatchmentRun:
    """Run CemaNeige (if configured) and GR4J on one catchment.

    Parameters
    ----------
    catchment : Catchment
        The catchment description.
    forcing : Forcing, optional
        Forcing; read from the CSV named in the TOML when omitted.
    params : GR4JParameters, optional
        Parameters overriding those of the TOML (used by calibration).
    start, end : str or datetime64, optional
        First and last day to simulate (inclusive).

    Returns
    -------
    CatchmentRun
    """
    if forcing is None:
        forcing = catchment.read_forcing()
    if start is not None or end is not None:
        forcing = forcing.between(start, end)
    needs_temp = forcing.pet_mm is None or catchment.snow is not None
    if needs_temp and forcing.temp_c is None:
        why = "Oudin PET (no 'pet_mm' column)" if forcing.pet_mm is None else "the snow routine"
        raise HydroError(f"{forcing.path}: missing temperature column, needed by {why}; add "
                         "'temp_c' or 'tmin_c' and 'tmax_c'")
    pet = forcing.pet_mm
    if pet is None:
        pet = oudin_pet(forcing.temp_c, catchment.latitude_deg, day_of_year(forcing.dates),
                        dates=forcing.dates)
    liquid = forcing.precip_mm
    snow = None
    if catchment.snow is not None:
        sp = catchment.snow
        if sp.bands.method() == "hydrotel" and forcing.tmin_c is None:
            raise HydroError(f"{forcing.path}: the 'hydrotel' solid fraction needs columns "
                             "'tmin_c' and 'tmax_c'; add them, or set snow.solid_fraction = 'usace'")
        snow = cemaneige(forcing.precip_mm, forcing.temp_c, sp.bands, sp.ctg, sp.kf_mm_per_c_per_day,
                         tmin_c=forcing.tmin_c, tmax_c=forcing.tmax_c, snow_pack_mm=sp.snow_pack_mm,
                         thermal_state_c=sp.thermal_state_c, dates=forcing.dates)
        liquid = snow.liquid_water_mm
    flow = gr4j(liquid, pet, params or catchment.params,
                production_fraction=catchment.production_fraction,
                routing_fraction=catchment.routing_fraction, dates=forcing.dates)
    return CatchmentRun(forcing.dates, flow.q_mm, flow.q_mm * catchment.area_km2 * MM_PER_DAY_KM2_TO_M3S,
                        forcing.qobs_mm, pet, flow, snow)


__all__ = ["Catchment", "CatchmentRun", "Forcing", "SnowParameters", "read_forcing_csv",
           "run_catchment"]
