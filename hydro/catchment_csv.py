"""The daily forcing CSV of a single (lumped) catchment: reading and checking it.

This module owns the format of ``docs/catchment-csv.md`` (columns
:data:`KNOWN_COLUMNS`): :func:`read_forcing_csv` returns a :class:`Forcing`, or
raises an error that names the file, the column and the first bad line.  The
catchment model that runs on it is :mod:`hydro.catchment`.
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass
from pathlib import Path
from typing import cast

import numpy as np

from hydro.errors import HydroError, suggest
from hydro.units import MM_KM2_PER_DAY_TO_M3_S as MM_PER_DAY_KM2_TO_M3S

#: Every column a forcing CSV may have.
KNOWN_COLUMNS = ("date", "precip_mm", "temp_c", "tmin_c", "tmax_c", "pet_mm", "qobs_mm", "qobs_m3s")
#: Cells read as a missing value.
MISSING = ("", "na", "nan", "null", "-")


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

    def between(self, start=None, end=None) -> Forcing:
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
    header, body = _read_table(path, area_km2)
    dates = _read_dates(path, body, header.index("date"))

    def column(name: str, *, allow_missing: bool = False, nonnegative: bool = False):
        if name not in header:
            return None
        return _read_column(path, name, [row[header.index(name)] for row in body], dates,
                            allow_missing=allow_missing, nonnegative=nonnegative)

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
    if "qobs_m3s" in header:  # _read_table checked that the area is given
        q_m3s = column("qobs_m3s", allow_missing=True, nonnegative=True)
        qobs = q_m3s / (cast(float, area_km2) * MM_PER_DAY_KM2_TO_M3S)
    return Forcing(path, dates, precip, temp, tmin, tmax, pet, qobs)


def _read_table(path: Path, area_km2: float | None) -> tuple[list[str], list[list[str]]]:
    """The header (checked: known, unique, required and consistent columns) and the data rows."""
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
    return header, body


def _read_dates(path: Path, body: list[list[str]], col: int) -> np.ndarray:
    """The ``date`` column: ISO dates, strictly consecutive days."""
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
    return dates


def _read_column(path: Path, name: str, cells: list[str], dates: np.ndarray, *, allow_missing: bool,
                 nonnegative: bool) -> np.ndarray:
    """One numeric column: finite numbers (>= 0 with ``nonnegative``), NaN for gaps only if allowed."""
    out = np.empty(len(cells))
    for k, cell in enumerate(cells):
        text = cell.strip()
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


__all__ = ["KNOWN_COLUMNS", "MISSING", "Forcing", "read_forcing_csv"]
