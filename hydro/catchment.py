"""Lumped single-catchment mode: one catchment, a forcing CSV and a small TOML.

This module owns the user-facing files of a single catchment (format in
``docs/catchment-csv.md``): :func:`read_forcing_csv` reads and checks the daily
forcing table, :meth:`Catchment.from_toml` the description (area, latitude,
elevation bands, parameters, initial stores), and :func:`run_catchment` runs
CemaNeige (when bands are given) and GR4J, with Oudin PET when the CSV has no
``pet_mm`` column.  Calibration builds on :func:`run_catchment`.
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

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

#: Every column a forcing CSV may have.
KNOWN_COLUMNS = ("date", "precip_mm", "temp_c", "tmin_c", "tmax_c", "pet_mm", "qobs_mm", "qobs_m3s")
#: Cells read as a missing value.
MISSING = ("", "na", "nan", "null", "-")
#: mm/d over 1 km2 to m3/s: 1 mm x 1e6 m2 / 1000 / 86400 s (defined in hydro.units).
MM_PER_DAY_KM2_TO_M3S = MM_KM2_PER_DAY_TO_M3_S


@dataclass(frozen=True)
class Forcing:
    """Daily forcing of one catchment, as read from its CSV.

    Attributes
    ----------
    path : Path
        The CSV file.
    dates : ndarray of datetime64[D]
        Consecutive days.
    precip_mm : ndarray
        Precipitation (mm/d).
    temp_c, tmin_c, tmax_c : ndarray or None
        Daily mean, minimum and maximum air temperature (deg C); ``temp_c`` is
        ``(tmin_c + tmax_c) / 2`` when only the extremes are given.
    pet_mm : ndarray or None
        Potential evapotranspiration (mm/d), when given.
    qobs_mm : ndarray or None
        Observed streamflow (mm/d); NaN on days without an observation.
    """

    path: Path
    dates: np.ndarray
    precip_mm: np.ndarray
    temp_c: np.ndarray | None
    tmin_c: np.ndarray | None
    tmax_c: np.ndarray | None
    pet_mm: np.ndarray | None
    qobs_mm: np.ndarray | None

    def between(self, start=None, end=None) -> "Forcing":
        """The days from ``start`` to ``end`` inclusive (ISO strings or datetime64)."""
        keep = np.ones(self.dates.size, dtype=bool)
        if start is not None:
            keep &= self.dates >= np.datetime64(start, "D")
        if end is not None:
            keep &= self.dates <= np.datetime64(end, "D")
        if not keep.any():
            raise HydroError(f"{self.path}: no day between {start} and {end}; the file covers "
                             f"{self.dates[0]} to {self.dates[-1]}")

        def cut(a):
            return None if a is None else a[keep]

        return Forcing(self.path, self.dates[keep], self.precip_mm[keep], cut(self.temp_c),
                       cut(self.tmin_c), cut(self.tmax_c), cut(self.pet_mm), cut(self.qobs_mm))


def read_forcing_csv(path: str | Path, area_km2: float | None = None) -> Forcing:
    """Read and check a catchment forcing CSV (see ``docs/catchment-csv.md``).

    Parameters
    ----------
    path : str or Path
        The CSV file: header ``date,precip_mm,...``, one row per day.
    area_km2 : float, optional
        Catchment area (km2); needed to convert a ``qobs_m3s`` column to mm/d.

    Returns
    -------
    Forcing

    Raises
    ------
    HydroError
        Naming the file, the column and the first bad line or date, for: a
        missing file, unknown or duplicated columns, a missing required column,
        a bad date, dates not increasing by exactly one day, a gap (empty or
        ``NA`` cell) in a forcing column, a value that is not a number, or
        negative precipitation, PET or discharge.
    """
    path = Path(path)
    from hydro.tomlio import read_text  # UTF-8 with or without BOM; else "save it as UTF-8"

    rows = list(csv.reader(read_text(path, "CSV").splitlines()))
    # drop trailing blank lines, keep line numbers (header is line 1)
    while rows and not any(cell.strip() for cell in rows[-1]):
        rows.pop()
    if not rows:
        raise HydroError(f"{path}: empty file; expected a header line 'date,precip_mm,...'")
    header = [h.strip() for h in rows[0]]
    for i, name in enumerate(header):
        if name not in KNOWN_COLUMNS:
            raise HydroError(f"{path}: unknown column '{name}' (column {i + 1})"
                             + suggest(name, KNOWN_COLUMNS)
                             + f"; known columns are {', '.join(KNOWN_COLUMNS)}")
        if header.index(name) != i:
            raise HydroError(f"{path}: column '{name}' appears twice; keep one")
    for required in ("date", "precip_mm"):
        if required not in header:
            raise HydroError(f"{path}: missing column '{required}'; the header must contain "
                             "'date' and 'precip_mm'")
    if ("tmin_c" in header) != ("tmax_c" in header):
        given, missing = ("tmin_c", "tmax_c") if "tmin_c" in header else ("tmax_c", "tmin_c")
        raise HydroError(f"{path}: column '{given}' without '{missing}'; give both or use 'temp_c'")
    if "qobs_mm" in header and "qobs_m3s" in header:
        raise HydroError(f"{path}: both 'qobs_mm' and 'qobs_m3s'; keep one of them")
    if "qobs_m3s" in header and area_km2 is None:
        raise HydroError(f"{path}: column 'qobs_m3s' needs the catchment area to convert to mm/d; "
                         "give area_km2 (in the catchment TOML) or a 'qobs_mm' column")
    body = rows[1:]
    if not body:
        raise HydroError(f"{path}: no data lines after the header")
    for k, row in enumerate(body):
        if len(row) != len(header):
            raise HydroError(f"{path}: line {k + 2}: {len(row)} fields, the header has "
                             f"{len(header)}; fix that line")

    # dates: ISO, strictly consecutive days
    col = header.index("date")
    dates = np.empty(len(body), dtype="datetime64[D]")
    for k, row in enumerate(body):
        text = row[col].strip()
        try:
            if len(text) != 10:
                raise ValueError
            dates[k] = np.datetime64(text, "D")
        except ValueError:
            raise HydroError(f"{path}: column 'date', line {k + 2}: '{text}' is not a date "
                             "YYYY-MM-DD") from None
    if dates.size > 1:
        step = np.diff(dates).astype(np.int64)
        bad = np.flatnonzero(step != 1)
        if bad.size:
            k = int(bad[0])
            prev, here = dates[k], dates[k + 1]
            if step[k] <= 0:
                what = "is not after" if step[k] < 0 else "repeats"
                raise HydroError(f"{path}: column 'date', line {k + 3}: {here} {what} {prev} "
                                 "on the line before; sort the rows by date, one row per day")
            raise HydroError(f"{path}: column 'date', line {k + 3}: {here} follows {prev}, "
                             f"{int(step[k]) - 1} day(s) missing; the series must be daily "
                             "without gaps (add the missing days)")

    def column(name: str, *, allow_missing: bool = False, nonnegative: bool = False):
        if name not in header:
            return None
        j = header.index(name)
        out = np.empty(len(body))
        for k, row in enumerate(body):
            text = row[j].strip()
            if text.lower() in MISSING:
                if not allow_missing:
                    raise HydroError(f"{path}: column '{name}' has no value on {dates[k]} "
                                     f"(line {k + 2}); fill the gap: the model needs every day")
                out[k] = np.nan
                continue
            try:
                value = float(text)
            except ValueError:
                raise HydroError(f"{path}: column '{name}', line {k + 2} ({dates[k]}): "
                                 f"'{text}' is not a number") from None
            if not math.isfinite(value) or (nonnegative and value < 0):
                raise HydroError(f"{path}: column '{name}', line {k + 2} ({dates[k]}): {text}; "
                                 "expected a finite value" + (" >= 0" if nonnegative else ""))
            out[k] = value
        return out

    precip = column("precip_mm", nonnegative=True)
    tmin = column("tmin_c")
    tmax = column("tmax_c")
    temp = column("temp_c")
    if tmin is not None:
        bad = np.flatnonzero(tmin > tmax)
        if bad.size:
            k = int(bad[0])
            raise HydroError(f"{path}: columns 'tmin_c'/'tmax_c', line {k + 2} ({dates[k]}): "
                             f"tmin {tmin[k]} > tmax {tmax[k]}; check the columns are not swapped")
        if temp is None:
            temp = 0.5 * (tmin + tmax)
    pet = column("pet_mm", nonnegative=True)
    qobs = column("qobs_mm", allow_missing=True, nonnegative=True)
    if "qobs_m3s" in header:
        qobs = column("qobs_m3s", allow_missing=True, nonnegative=True) / (area_km2 * MM_PER_DAY_KM2_TO_M3S)
    return Forcing(path, dates, precip, temp, tmin, tmax, pet, qobs)


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
