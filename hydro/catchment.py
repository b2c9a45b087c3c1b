"""Lumped single-catchment mode: one catchment, a forcing CSV and a small TOML.

This module owns the catchment TOML (format in ``docs/catchment-csv.md``):
:meth:`Catchment.from_toml` reads the description (area, latitude, elevation
bands, parameters, initial stores), :meth:`Catchment.read_forcing` its forcing
CSV (hydro's one forcing format, :func:`hydro.forcing_csv.read_forcing_csv`), and
:func:`run_catchment` runs the runoff model on it as one unit: the same model, parameter
type (:class:`~hydro.runoff_gr4j.RunoffParameters`) and snow options as every
subbasin of a watershed (:mod:`hydro.runoff_registry`), with Oudin PET when the
CSV has no ``pet_mm`` column.  Calibration builds on :meth:`Catchment.prepare`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from hydro.daily_forcing import DailyForcing
from hydro.errors import HydroError, suggest
from hydro.forcing_csv import CATCHMENT_REQUIRED, read_forcing_csv
from hydro.gr4j_parameters import (
    SOLID_FRACTION_METHODS,
    RunoffParameters,
    read_band_elevations,
    read_store,
    read_x4,
    unit_slip,
)
from hydro.pet import day_of_year, oudin_pet
from hydro.runoff_model import RunoffModel, RunoffResult
from hydro.runoff_registry import DEFAULT_RUNOFF_MODEL, runoff_model
from hydro.snow import SnowBands
from hydro.tomlio import Table, load_toml
from hydro.units import ELEVATION_RANGE_M, MAX_SUBBASIN_AREA_KM2, MM_KM2_PER_DAY_TO_M3_S

#: mm/d over 1 km2 to m3/s: 1 mm x 1e6 m2 / 1000 / 86400 s (defined in hydro.units).
MM_PER_DAY_KM2_TO_M3S = MM_KM2_PER_DAY_TO_M3_S
#: Parameter paths of a catchment (calibration, ``--set``): path -> (table, field).
CATCHMENT_PATHS = {
    "gr4j.x1_mm": ("gr4j", "x1_mm"),
    "gr4j.x2_mm_per_day": ("gr4j", "x2_mm_per_day"),
    "gr4j.x3_mm": ("gr4j", "x3_mm"),
    "gr4j.x4_days": ("gr4j", "x4_days"),
    "initial.production_fraction": ("initial", "production_fraction"),
    "initial.routing_fraction": ("initial", "routing_fraction"),
    "snow.ctg": ("snow", "ctg"),
    "snow.kf_mm_per_c_per_day": ("snow", "kf_mm_per_c_per_day"),
}


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
    runoff : RunoffParameters
        GR4J (``[gr4j]``) and CemaNeige (``[snow]`` ``ctg``, ``kf_mm_per_c_per_day``)
        parameters, the type a watershed's subbasins hold.
    snow : SnowBands or None
        Elevation bands and snow options (``solid_fraction`` ...); None runs GR4J
        on precipitation directly.
    production_fraction, routing_fraction : float
        Initial filling of the production (S/x1) and routing (R/x3) stores (-).
    snow_pack_mm : float
        Initial snow pack of every band (mm).
    thermal_state_c : float
        Initial thermal state of every band (deg C, <= 0).
    forcing : Path or None
        The forcing CSV named in the TOML, resolved relative to the TOML.
    source : Path or None
        The TOML file.
    """

    name: str
    area_km2: float
    latitude_deg: float
    runoff: RunoffParameters
    snow: SnowBands | None = None
    production_fraction: float = 0.3
    routing_fraction: float = 0.5
    snow_pack_mm: float = 0.0
    thermal_state_c: float = 0.0
    forcing: Path | None = None
    source: Path | None = None

    @classmethod
    def from_toml(cls, path: str | Path) -> Catchment:
        """Read a catchment TOML (format in ``docs/catchment-csv.md``)."""
        path = Path(path)
        top = Table(load_toml(path), path)
        name = top.str("name", path.stem)
        area = top.float("area_km2", positive=True, maximum=MAX_SUBBASIN_AREA_KM2,
                         why="larger than the Amazon's basin (7e6 km2); the key is in km2")
        lat = top.float("latitude_deg", minimum=-90.0, maximum=90.0)
        forcing = top.str("forcing", None)
        p = top.table("gr4j")
        gr4j = RunoffParameters(read_store(p, "x1_mm"), p.float("x2_mm_per_day"), read_store(p, "x3_mm"), read_x4(p))
        p.finish()
        init = top.table("initial", None)
        prod = init.float("production_fraction", 0.3, minimum=0.0, maximum=1.0)
        rout = init.float("routing_fraction", 0.5, minimum=0.0, maximum=1.0)
        g0 = init.float("snow_pack_mm", 0.0, minimum=0.0)
        etg0 = init.float("thermal_state_c", 0.0, maximum=0.0)
        init.finish()
        bands, runoff = None, gr4j
        if top.has("snow"):
            bands, runoff = _snow_table(top.table("snow"), gr4j)
        top.finish()
        return cls(name, area, lat, runoff, bands, prod, rout, g0, etg0,
                   None if forcing is None else (path.parent / forcing), path)

    def with_parameters(self, values: Mapping[str, float]) -> Catchment:
        """A copy with parameters set by path (:data:`CATCHMENT_PATHS`: ``gr4j.x1_mm`` ...).

        Raises
        ------
        HydroError
            For an unknown path (the nearest suggested), a ``snow.`` path of a
            catchment without ``[snow]``, or a GR4J value in another unit (a store in metres, x4 in hours:
            :func:`hydro.gr4j_parameters.unit_slip`, as a catchment file is read).
        """
        runoff: dict[str, float] = {}
        top: dict[str, Any] = {}
        for path, value in values.items():
            if path not in CATCHMENT_PATHS:
                raise HydroError(f"a catchment has no parameter '{path}'" + suggest(path, CATCHMENT_PATHS)
                                 + f"; a catchment takes: {', '.join(CATCHMENT_PATHS)}")
            part, name = CATCHMENT_PATHS[path]
            if part == "snow" and self.snow is None:
                raise HydroError(f"parameter '{path}': the catchment {self.source or self.name} has no "
                                 "[snow] table")
            slip = unit_slip(name, float(value))
            if slip is not None:
                raise HydroError(f"parameter '{path}': {slip}")
            (top if part == "initial" else runoff)[name] = float(value)
        return dataclasses.replace(self, runoff=dataclasses.replace(self.runoff, **runoff), **top)

    def read_forcing(self) -> DailyForcing:
        """Read the forcing CSV named in the TOML (temperatures and observed flow optional)."""
        if self.forcing is None:
            raise HydroError(f"{self.source}: key 'forcing': missing; name the forcing CSV "
                             "(relative to the TOML) or pass the forcing explicitly")
        if not self.forcing.is_file():  # named after the key that gives it, as a basin's weather file is
            raise HydroError(f"{self.source}: key 'forcing': {self.forcing}: "
                             f"{'is a folder' if self.forcing.is_dir() else 'file not found'}; check the path "
                             "(relative to this file)")
        return read_forcing_csv(self.forcing, required=CATCHMENT_REQUIRED, area_km2=self.area_km2)

    def model(self, snow_threshold: np.ndarray | None = None) -> RunoffModel:
        """The runoff model of this catchment: one unit, its snow bands (``snow_threshold``: each band's
        mean yearly snowfall, mm/yr, :meth:`snow_threshold`; None: from the forcing it prepares)."""
        return runoff_model(DEFAULT_RUNOFF_MODEL, 1, self.snow, mean_annual_solid_precip_mm=snow_threshold)

    def snow_threshold(self, record: DailyForcing) -> np.ndarray | None:
        """Each snow band's mean yearly snowfall over ``record`` (mm/yr; None without ``[snow]``), from
        which CemaNeige takes its snowfall of full cover: a climate constant of the catchment, so a run
        or a calibration on part of the forcing file takes it from the whole file (``record``), and a
        day's snow does not depend on the days a run ends or starts on (as
        :func:`hydro.watershed.snow_thresholds` for a basin; runoff review 2026-12-05, F1: two years of a
        three-year file gave 5 % more flow cut than whole)."""
        from hydro.snow import mean_annual_snowfall

        if self.snow is None:
            return None
        shape = (1, len(record.dates))
        return mean_annual_snowfall(np.reshape(record.precip_mm, shape), np.reshape(record.tmean_c, shape),
                                    self.snow, tmin_c=np.reshape(record.tmin_c, shape),
                                    tmax_c=np.reshape(record.tmax_c, shape))

    def prepare(self, forcing: DailyForcing, record: DailyForcing | None = None
                ) -> tuple[RunoffModel, Any, np.ndarray]:
        """The model, its prepared forcing (PET, bands: done once) and the PET (mm/d).

        ``record`` is the whole forcing file where ``forcing`` is part of it: the snow bands' snowfall
        of full cover comes from it (:meth:`snow_threshold`); None: from ``forcing`` itself, as airGR
        takes it from all the input it is given.

        Raises
        ------
        HydroError
            Naming the forcing file, for a temperature that Oudin PET or the snow
            routine needs and the file does not give.
        """
        needs_temp = forcing.pet_mm is None or self.snow is not None
        if needs_temp and not forcing.has("tmean_c"):
            why = "Oudin PET (no 'pet_mm' column)" if forcing.pet_mm is None else "the snow routine"
            raise HydroError(f"{forcing.path}: missing temperature column, needed by {why}; add "
                             "'tmean_c' or 'tmin_c' and 'tmax_c'")
        if self.snow is not None and self.snow.method() == "hydrotel" and not forcing.has("tmin_c"):
            raise HydroError(f"{forcing.path}: the 'hydrotel' solid fraction needs columns "
                             "'tmin_c' and 'tmax_c'; add them, or set snow.solid_fraction = 'usace'")
        pet = forcing.pet_mm
        if pet is None:
            pet = oudin_pet(forcing.tmean_c, self.latitude_deg, day_of_year(forcing.dates),
                            dates=forcing.dates)
        pet = np.asarray(pet)
        model = self.model(None if record is None else self.snow_threshold(record))
        return model, model.prepare(dataclasses.replace(forcing, pet_mm=pet)), pet

    def run_prepared(self, model: RunoffModel, prepared: Any) -> RunoffResult:
        """Run ``model`` on ``prepared`` forcing with this catchment's parameters and initial state."""
        values = self.runoff.values()
        state = model.initial_state(values, production_fraction=self.production_fraction,
                                    routing_fraction=self.routing_fraction,
                                    snow_pack_mm=self.snow_pack_mm, thermal_state_c=self.thermal_state_c)
        return model.run(prepared, values, state)


def _snow_table(s: Table, gr4j: RunoffParameters) -> tuple[SnowBands, RunoffParameters]:
    """``[snow]``: the bands and options, and the parameters with ``ctg`` and ``kf``."""
    zs = s.float("station_elevation_m", **ELEVATION_RANGE_M)
    z = read_band_elevations(s)
    frac = s.floats("band_fractions", None, length=len(z), positive=True)
    if frac is not None and abs(sum(frac) - 1.0) > 1e-6:
        raise s.error("band_fractions", f"the shares sum to {sum(frac)}, expected 1")
    method = s.str("solid_fraction", "hydrotel")
    if method not in SOLID_FRACTION_METHODS:
        raise s.error("solid_fraction", f"unknown formulation '{method}'"
                      + suggest(method, SOLID_FRACTION_METHODS)
                      + f"; use {', '.join(SOLID_FRACTION_METHODS)}")
    bands = SnowBands(zs, tuple(z), None if frac is None else tuple(f / sum(frac) for f in frac),
                      s.float("precip_gradient_per_m", 0.0004),
                      s.float("temp_lapse_c_per_m", -0.0065), method)
    ctg = s.float("ctg", minimum=0.0, maximum=1.0)
    if ctg >= 1.0:
        raise s.error("ctg", "expected a value below 1 (1 freezes the thermal state)")
    runoff = dataclasses.replace(gr4j, ctg=ctg, kf_mm_per_c_per_day=s.float("kf_mm_per_c_per_day", minimum=0.0))
    s.finish()
    return bands, runoff


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
    runoff : RunoffResult
        Every output of the runoff model (one unit: arrays ``[1, n_day]``).
    """

    dates: np.ndarray
    q_mm: np.ndarray
    q_m3s: np.ndarray
    qobs_mm: np.ndarray | None
    pet_mm: np.ndarray
    runoff: RunoffResult


def run_catchment(catchment: Catchment, forcing: DailyForcing | None = None, *,
                  start=None, end=None) -> CatchmentRun:
    """Run the runoff model (CemaNeige if configured, then GR4J) on one catchment.

    Parameters
    ----------
    catchment : Catchment
        The catchment description (parameters changed with :meth:`Catchment.with_parameters`).
    forcing : DailyForcing, optional
        Forcing; read from the CSV named in the TOML when omitted.
    start, end : str or datetime64, optional
        First and last day to simulate (inclusive), inside the forcing (:meth:`DailyForcing.period`).

    Returns
    -------
    CatchmentRun
    """
    if forcing is None:
        forcing = catchment.read_forcing()
    record = None
    if start is not None or end is not None:  # the snow of full cover comes from all the forcing
        record, forcing = forcing, forcing.period(start, end)
    model, prepared, pet = catchment.prepare(forcing, record)
    res = catchment.run_prepared(model, prepared)
    q = res.q_mm[0]
    return CatchmentRun(forcing.dates, q, q * catchment.area_km2 * MM_PER_DAY_KM2_TO_M3S,
                        forcing.qobs_mm, pet, res)


__all__ = ["CATCHMENT_PATHS", "Catchment", "CatchmentRun", "run_catchment"]
