"""Daily weather forcing: hourly station records to daily values, and the forcing CSV.

This module owns two things:

1. **Hourly station CSV → daily.**  :func:`read_hourly_station` reads the hourly
   records of the Beijing Multi-Site Air-Quality data set (columns ``year, month,
   day, hour`` in Beijing time, ``TEMP`` °C, ``PRES`` hPa, ``DEWP`` °C, ``RAIN``
   mm in the hour, ``WSPM`` m s-1; ``NA`` marks a missing value) and aggregates
   them to daily precipitation (mm d-1) and daily mean, minimum and maximum air
   temperature (°C).  The missing-data rule is :data:`MAX_MISSING_HOURS`; see
   "Missing-data rule" below.
2. **hydro's daily forcing CSV.**  :func:`read_forcing_csv` and
   :func:`write_forcing_csv` read and write the format every basin uses::

       # hydro daily forcing
       # station: Huairou
       # synthetic: false
       date,precip_mm,tmean_c,tmin_c,tmax_c
       2013-03-01,0.00,0.02,-5.90,5.70

   Columns ``date`` (ISO ``YYYY-MM-DD``, consecutive days), ``precip_mm`` (mm d-1,
   >= 0), ``tmean_c``, ``tmin_c``, ``tmax_c`` (°C, tmin <= tmean <= tmax) and
   optionally ``pet_mm`` (mm d-1, >= 0).  Missing values are written ``NA``.
   The comment block at the top (lines starting with ``#``) carries provenance as
   ``# key: value`` lines; they become :attr:`DailyForcing.metadata`.  Generated
   series carry ``synthetic: true`` and their ``seed``.

   A joined record (several stations one after the other) may add a text column
   ``station`` naming, day by day, where the values come from (a code that the
   header explains).  The reader keeps it as the metadata line ``station_days``
   (each code with its first and last day, e.g. ``beijing_54511 2000-01-01..2012-12-31;
   huairou 2013-03-01..2017-02-28``); :func:`write_forcing_csv` writes that summary
   back as a header line, not the column.

Days without an observation
---------------------------
A missing value is written ``NA``.  ``read_forcing_csv(path, allow_missing=True)``
returns the file as written (NaN on those days).  A simulation reads with
``allow_missing=False``: then a missing value is an error naming its line, **unless**
the file's header declares how the simulation fills it, with the line
``# fill_missing: RULE[, RULE]``:

* ``precip_zero`` — a missing ``precip_mm`` is taken as 0 mm (the day's total is then
  a lower bound, as for partially observed hourly days above; the file's header should
  say how much precipitation that may miss);
* ``temp_range_monthly`` — a missing ``tmin_c`` (``tmax_c``) on a day with a ``tmean_c``
  is ``tmean_c`` minus (plus) the mean of ``tmean_c - tmin_c`` (``tmax_c - tmean_c``)
  over the file's days of the same calendar month that have all three values.

``tmean_c`` is never filled.  What was filled is recorded in the metadata
(``filled_precip_days``, ``filled_tmin_days``, ``filled_tmax_days`` and
``filled_dates``, the first and last filled day), so results can say it.  The file
itself keeps ``NA``: nothing is written that was not observed.

Missing-data rule
-----------------
The day is the calendar day in Beijing time (hours 00–23), the convention of the
source file and of the published annual totals; note that the China Meteorological
Administration's precipitation day runs 20:00–20:00 instead.

* **Precipitation.**  A day with more than :data:`MAX_MISSING_HOURS` (6, a quarter
  of the day) missing hourly ``RAIN`` values — ``NA`` or an hour absent from the
  file — is missing (NaN).  Otherwise the daily total is the **plain sum of the
  available hours, not scaled** by 24 / (hours present).  Rain is intermittent
  (about 95% of hours in these records are dry), so the expected rain in a missing
  hour is close to zero; scaling would instead multiply whatever rain fell in the
  other hours, inflating precisely the wet days.  The sum is therefore a lower
  bound; :attr:`StationDaily.missed_rain_estimate_mm` estimates what may be lost
  (missing hours × the station's mean hourly rain in that calendar month).
* **Temperature.**  Same limit on missing ``TEMP`` hours; otherwise the daily
  mean is the mean of the available hourly values and the minimum and maximum
  are taken over the available hours (with up to 6 hours missing they can
  understate the diurnal range a little).

In the two shipped station files no day has more than 6 missing hours of either
variable (the worst are 2017-01-19 at both stations), so the rule leaves no
missing day; the roughly 30 partially observed days per station are reported by
:meth:`StationDaily.missing_report`.
"""

from __future__ import annotations

import csv
import hashlib
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from hydro.errors import HydroError, suggest

#: At most this many missing hourly values (``NA`` or absent hours) for a day's
#: value to be computed; a day with more is NaN.  Six hours is a quarter of the day.
MAX_MISSING_HOURS = 6

#: Columns an hourly station file must have (others, such as PRES, are ignored).
HOURLY_REQUIRED = ("year", "month", "day", "hour", "TEMP", "RAIN")
#: Tokens that mark a missing value in input files.
MISSING_TOKENS = ("NA", "")

#: Forcing CSV columns: name → (required, long name with units).
FORCING_COLUMNS: dict[str, tuple[bool, str]] = {
    "date": (True, "calendar day, ISO YYYY-MM-DD"),
    "precip_mm": (True, "precipitation, mm d-1"),
    "tmean_c": (True, "daily mean air temperature, degC"),
    "tmin_c": (True, "daily minimum air temperature, degC"),
    "tmax_c": (True, "daily maximum air temperature, degC"),
    "pet_mm": (False, "potential evapotranspiration, mm d-1"),
    "station": (False, "where the day's values come from: a code explained in the header (text)"),
}

#: Rules a forcing file may declare in ``# fill_missing:`` (see the module docstring).
FILL_RULES = {
    "precip_zero": "a missing precip_mm is 0 mm (a lower bound)",
    "temp_range_monthly": "a missing tmin_c/tmax_c is tmean_c -/+ the calendar month's mean "
                          "tmean-tmin/tmax-tmean over the file's complete days",
}
_TITLE = "hydro daily forcing"
_VALUE_COLUMNS = ("precip_mm", "tmean_c", "tmin_c", "tmax_c", "pet_mm")

#: Plausibility bounds for input values (outside is an error, not a missing value).
_TEMP_RANGE_C = (-70.0, 60.0)
_MAX_HOURLY_RAIN_MM = 300.0
_MAX_DAILY_PRECIP_MM = 2000.0


# ---------------------------------------------------------------------------------
# The daily forcing container
# ---------------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class DailyForcing:
    """Daily weather: precipitation and air temperature (and optionally PET).

    Value arrays have time as their last axis: shape ``(n_day,)`` for one series,
    ``(n_subbasin, n_day)`` or ``(n_member, n_subbasin, n_day)`` for generated
    ensembles.  Arrays are stored read-only as float64; NaN marks a missing day.

    Attributes
    ----------
    dates : numpy.ndarray of datetime64[D], shape (n_day,)
        Consecutive calendar days.
    precip_mm : numpy.ndarray
        Precipitation, mm d-1.
    tmean_c, tmin_c, tmax_c : numpy.ndarray
        Daily mean, minimum and maximum air temperature, °C.
    pet_mm : numpy.ndarray or None
        Potential evapotranspiration, mm d-1, when given.
    metadata : dict
        Provenance (``source``, ``station``, ``synthetic``, ``seed`` …); written as
        the CSV comment header.
    """

    dates: np.ndarray
    precip_mm: np.ndarray
    tmean_c: np.ndarray
    tmin_c: np.ndarray
    tmax_c: np.ndarray
    pet_mm: np.ndarray | None = None
    metadata: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self):
        dates = np.asarray(self.dates)
        if dates.ndim != 1 or dates.size == 0:
            raise ValueError(f"dates: expected a non-empty 1-D array, got shape {dates.shape}")
        try:
            dates = dates.astype("datetime64[D]")
        except (TypeError, ValueError) as exc:
            raise TypeError(f"dates: expected datetime64 values, got {dates.dtype}") from exc
        if dates.size > 1 and np.any(np.diff(dates) != np.timedelta64(1, "D")):
            i = int(np.flatnonzero(np.diff(dates) != np.timedelta64(1, "D"))[0])
            raise ValueError(f"dates: expected consecutive days, got {dates[i]} then {dates[i + 1]}")
        dates.flags.writeable = False
        object.__setattr__(self, "dates", dates)
        shape = None
        for name in _VALUE_COLUMNS:
            value = getattr(self, name)
            if value is None:
                if name != "pet_mm":
                    raise TypeError(f"{name}: required")
                continue
            arr = np.array(value, dtype=np.float64)  # a private copy
            if arr.ndim == 0 or arr.shape[-1] != dates.size:
                raise ValueError(
                    f"{name}: expected time as the last axis with {dates.size} days, got shape {arr.shape}"
                )
            if shape is None:
                shape = arr.shape
            elif arr.shape != shape:
                raise ValueError(f"{name}: shape {arr.shape} differs from precip_mm's {shape}")
            arr.flags.writeable = False
            object.__setattr__(self, name, arr)
        object.__setattr__(self, "metadata", dict(self.metadata))

    # -- shape ----------------------------------------------------------------------
    @property
    def n_days(self) -> int:
        """Number of days."""
        return int(self.dates.size)

    @property
    def shape(self) -> tuple[int, ...]:
        """Shape of each value array, time last."""
        return self.precip_mm.shape

    @property
    def months(self) -> np.ndarray:
        """Calendar month of each day, 1–12 (int array, shape (n_day,))."""
        return _months(self.dates)

    @property
    def years(self) -> np.ndarray:
        """Calendar year of each day (int array, shape (n_day,))."""
        return self.dates.astype("datetime64[Y]").astype(np.int64) + 1970

    def series(self, *index: int) -> "DailyForcing":
        """One series of an ensemble, e.g. ``forcing.series(member, subbasin)``.

        Parameters
        ----------
        *index : int
            One index per leading axis (all of them), so the result is 1-D in time.

        Returns
        -------
        DailyForcing
            The selected series.  Its metadata records the index, and list-valued
            metadata as long as the subbasin axis (per-subbasin values such as
            ``annual_precip_mm``) are reduced to the selected subbasin's value.
        """
        lead = self.shape[:-1]
        if len(index) != len(lead):
            raise ValueError(f"series: expected {len(lead)} indices for shape {self.shape}, got {len(index)}")
        meta = dict(self.metadata)
        names = ("member", "subbasin") if len(lead) == 2 else ("subbasin",) if len(lead) == 1 else ()
        for name, i, n in zip(names, index, lead):
            if not 0 <= i < n:
                raise IndexError(f"series: {name} index {i} outside 0..{n - 1}")
            meta[f"{name}_index"] = int(i)
            if name == "subbasin":
                for key, value in self.metadata.items():
                    if isinstance(value, list) and len(value) == n:
                        meta[key] = value[i]
        return DailyForcing(
            self.dates,
            self.precip_mm[index],
            self.tmean_c[index],
            self.tmin_c[index],
            self.tmax_c[index],
            None if self.pet_mm is None else self.pet_mm[index],
            meta,
        )


def _months(dates: np.ndarray) -> np.ndarray:
    return dates.astype("datetime64[M]").astype(np.int64) % 12 + 1


def annual_totals(forcing: DailyForcing) -> dict[int, tuple[float, int, int]]:
    """Annual precipitation of a single series.

    Parameters
    ----------
    forcing : DailyForcing
        A 1-D series.

    Returns
    -------
    dict
        ``{year: (total_mm, n_days, n_missing_days)}``; ``total_mm`` (mm) sums the
        days that are present, so with missing days (or a partial year) it is a
        lower bound of the year's precipitation.
    """
    if len(forcing.shape) != 1:
        raise ValueError(f"annual_totals: expected one series, got shape {forcing.shape}; use .series(...)")
    years = forcing.years
    out = {}
    for year in np.unique(years):
        sel = years == year
        p = forcing.precip_mm[sel]
        out[int(year)] = (float(np.nansum(p)), int(sel.sum()), int(np.isnan(p).sum()))
    return out


# ---------------------------------------------------------------------------------
# Parsing helpers (shared by both readers)
# ---------------------------------------------------------------------------------
def _read_text_lines(path: Path) -> list[str]:
    from hydro.tomlio import read_text  # UTF-8 with or without BOM; else "save it as UTF-8"

    return read_text(path, "CSV").splitlines()


def _parse_rows(path: Path, lines: list[str], first: int) -> tuple[list[str], list[list[str]], list[int]]:
    """Split CSV lines (from index ``first``, the header) into header and rows.

    Returns the header, the rows and each row's 1-based line number.  Blank
    lines are skipped; a row with the wrong number of fields is an error.
    """
    reader = csv.reader(lines[first:])
    header = [h.strip() for h in next(reader)]
    rows, numbers = [], []
    for offset, row in enumerate(reader, start=first + 2):
        if not row or (len(row) == 1 and not row[0].strip()):
            continue
        if len(row) != len(header):
            raise HydroError(
                f"{path}: line {offset}: expected {len(header)} comma-separated fields "
                f"({', '.join(header)}), got {len(row)}; fix or remove that line"
            )
        rows.append(row)
        numbers.append(offset)
    return header, rows, numbers


def _check_header(path: Path, header: list[str], required, optional=()) -> None:
    seen = set()
    for name in header:
        if name in seen:
            raise HydroError(f"{path}: header: column '{name}' appears twice; keep one")
        seen.add(name)
    for name in required:
        if name not in seen:
            near = suggest(name, [h for h in header if h not in required])
            raise HydroError(
                f"{path}: header: missing column '{name}'{near}; expected columns "
                f"{', '.join(required)}" + (f" (optional {', '.join(optional)})" if optional else "")
            )


def _column(path, header, rows, numbers, name, *, allow_missing=True, what="a number",
            gaps: bool | None = None) -> np.ndarray:
    """Column ``name`` as float64, missing tokens → NaN; a bad value names its line.  Its
    message suggests NA only where the reader accepts a gap (``gaps``, default
    ``allow_missing``)."""
    gaps = allow_missing if gaps is None else gaps
    j = header.index(name)
    raw = [row[j].strip() for row in rows]
    values = np.empty(len(raw), dtype=np.float64)
    for i, text in enumerate(raw):
        if text in MISSING_TOKENS:
            if not allow_missing:
                raise HydroError(
                    f"{path}: line {numbers[i]}, column '{name}': value missing ('{text}'); expected {what}"
                    + ("; fill the gap (a simulation needs a value on every day)" if name != "year" else "")
                )
            values[i] = np.nan
            continue
        try:
            v = float(text)
        except ValueError:
            raise HydroError(
                f"{path}: line {numbers[i]}, column '{name}': expected {what} or NA, got '{text}'; fix that value"
            ) from None
        if not math.isfinite(v):
            raise HydroError(
                f"{path}: line {numbers[i]}, column '{name}': expected a finite number"
                + (f" or NA, got '{text}'; write NA for a missing value" if gaps
                   else f", got '{text}'; write the measured value (a simulation needs one on every day)")
            )
        values[i] = v
    return values


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# ---------------------------------------------------------------------------------
# Hourly station records → daily
# ---------------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class StationDaily:
    """Daily values aggregated from an hourly station file, with the missing-data record.

    Attributes
    ----------
    forcing : DailyForcing
        The daily series (1-D); NaN on days the missing-data rule rejects.
    missing_rain_hours : numpy.ndarray of int, shape (n_day,)
        Hours of the day (of 24) without a RAIN value (``NA`` or absent).
    missing_temp_hours : numpy.ndarray of int, shape (n_day,)
        Hours of the day without a TEMP value.
    missed_rain_estimate_mm : numpy.ndarray, shape (n_day,)
        Rain the day's total may lack, mm: missing hours (24 on a rejected day)
        times the station's mean hourly rain in that calendar month over the file.
    max_missing_hours : int
        The rule applied: a day with more missing hours is NaN.
    """

    forcing: DailyForcing
    missing_rain_hours: np.ndarray
    missing_temp_hours: np.ndarray
    missed_rain_estimate_mm: np.ndarray
    max_missing_hours: int

    @property
    def n_missing_precip_days(self) -> int:
        """Days whose precipitation is NaN under the rule."""
        return int(np.isnan(self.forcing.precip_mm).sum())

    @property
    def n_missing_temp_days(self) -> int:
        """Days whose temperatures are NaN under the rule."""
        return int(np.isnan(self.forcing.tmean_c).sum())

    @property
    def n_partial_precip_days(self) -> int:
        """Days kept although 1..max_missing_hours RAIN hours are missing."""
        m = self.missing_rain_hours
        return int(((m > 0) & (m <= self.max_missing_hours)).sum())

    @property
    def n_partial_temp_days(self) -> int:
        """Days kept although 1..max_missing_hours TEMP hours are missing."""
        m = self.missing_temp_hours
        return int(((m > 0) & (m <= self.max_missing_hours)).sum())

    def missed_rain_by_year(self) -> dict[int, float]:
        """Estimated rain missing from each calendar year's total, mm."""
        years = self.forcing.years
        return {int(y): float(self.missed_rain_estimate_mm[years == y].sum()) for y in np.unique(years)}

    def missing_report(self) -> str:
        """A few lines on what is missing, for logs and the CSV header."""
        f = self.forcing
        worst = int(np.argmax(self.missing_rain_hours))
        return (
            f"{f.n_days} days {f.dates[0]}..{f.dates[-1]}; rule: a day with more than "
            f"{self.max_missing_hours} of 24 hourly values missing is NA, otherwise rain is the "
            f"unscaled sum and temperature the mean/min/max of available hours; "
            f"precipitation: {self.n_missing_precip_days} missing days, {self.n_partial_precip_days} "
            f"partial days ({int(self.missing_rain_hours.sum())} missing hours, most on "
            f"{f.dates[worst]}: {int(self.missing_rain_hours[worst])}), estimated missed rain "
            f"{float(self.missed_rain_estimate_mm.sum()):.2f} mm in all; temperature: "
            f"{self.n_missing_temp_days} missing days, {self.n_partial_temp_days} partial days "
            f"({int(self.missing_temp_hours.sum())} missing hours)"
        )


def read_hourly_station(
    path: str | Path,
    *,
    max_missing_hours: int = MAX_MISSING_HOURS,
    station: str | None = None,
) -> StationDaily:
    """Read an hourly station CSV and aggregate it to daily values.

    Parameters
    ----------
    path : str or Path
        CSV with header columns ``year, month, day, hour`` (Beijing time, hour
        0–23), ``TEMP`` (°C) and ``RAIN`` (mm in the hour); other columns (PRES,
        DEWP, WSPM) are ignored.  ``NA`` or an empty field marks a missing value.
        Rows must be in time order without duplicates; absent hours count as missing.
    max_missing_hours : int, optional
        A day with more missing hourly values of a variable is NaN for that
        variable (default :data:`MAX_MISSING_HOURS` = 6).  See the module docstring.
    station : str, optional
        Station name for the metadata (default: the file name).

    Returns
    -------
    StationDaily
        Daily precipitation (mm d-1), mean/min/max temperature (°C) from the first
        to the last day in the file, and per-day missing-hour counts.

    Raises
    ------
    HydroError
        For a missing file or column, a non-numeric value, an impossible date or
        hour, rows out of order or duplicated, negative or implausible rain, or an
        implausible temperature; the message names the file, column and line.
    """
    path = Path(path)
    if isinstance(max_missing_hours, bool) or not isinstance(max_missing_hours, int) or not 0 <= max_missing_hours <= 24:
        raise HydroError(f"max_missing_hours: expected an integer 0..24, got {max_missing_hours!r}")
    lines = _read_text_lines(path)
    if not lines:
        raise HydroError(f"{path}: empty file; expected a header line {','.join(HOURLY_REQUIRED)} and hourly rows")
    header, rows, numbers = _parse_rows(path, lines, 0)
    _check_header(path, header, HOURLY_REQUIRED)
    if not rows:
        raise HydroError(f"{path}: no data rows after the header; expected hourly records")

    cols = {}
    for name in ("year", "month", "day", "hour"):
        v = _column(path, header, rows, numbers, name, allow_missing=False, what="an integer")
        bad = np.flatnonzero(v != np.round(v))
        if bad.size:
            i = bad[0]
            raise HydroError(f"{path}: line {numbers[i]}, column '{name}': expected an integer, got {v[i]:g}")
        cols[name] = v.astype(np.int64)
    for name, lo, hi in (("month", 1, 12), ("day", 1, 31), ("hour", 0, 23), ("year", 1800, 2200)):
        bad = np.flatnonzero((cols[name] < lo) | (cols[name] > hi))
        if bad.size:
            i = bad[0]
            raise HydroError(
                f"{path}: line {numbers[i]}, column '{name}': expected {lo}..{hi}, got {cols[name][i]}"
                + ("; hours run 0..23 in Beijing time" if name == "hour" else "")
            )
    month_start = ((cols["year"] - 1970) * 12 + cols["month"] - 1).astype("datetime64[M]")
    days = month_start.astype("datetime64[D]") + (cols["day"] - 1).astype("timedelta64[D]")
    bad = np.flatnonzero(days.astype("datetime64[M]") != month_start)
    if bad.size:
        i = bad[0]
        raise HydroError(
            f"{path}: line {numbers[i]}: no such date {cols['year'][i]}-{cols['month'][i]:02d}-{cols['day'][i]:02d}; "
            "fix the year, month or day"
        )
    stamp = days.astype(np.int64) * 24 + cols["hour"]
    step = np.diff(stamp)
    bad = np.flatnonzero(step <= 0)
    if bad.size:
        i = bad[0] + 1
        kind = "repeats the previous hour" if step[bad[0]] == 0 else "is earlier than the line before"
        raise HydroError(
            f"{path}: line {numbers[i]}: {days[i]} hour {cols['hour'][i]} {kind}; "
            "expected rows in time order, one per hour"
        )

    rain = _column(path, header, rows, numbers, "RAIN")
    temp = _column(path, header, rows, numbers, "TEMP")
    bad = np.flatnonzero((rain < 0) | (rain > _MAX_HOURLY_RAIN_MM))
    if bad.size:
        i = bad[0]
        raise HydroError(
            f"{path}: line {numbers[i]} ({days[i]} hour {cols['hour'][i]}), column 'RAIN': expected "
            f"0..{_MAX_HOURLY_RAIN_MM:g} mm in the hour, got {rain[i]:g}; write NA if unknown"
        )
    bad = np.flatnonzero((temp < _TEMP_RANGE_C[0]) | (temp > _TEMP_RANGE_C[1]))
    if bad.size:
        i = bad[0]
        raise HydroError(
            f"{path}: line {numbers[i]} ({days[i]} hour {cols['hour'][i]}), column 'TEMP': expected "
            f"{_TEMP_RANGE_C[0]:g}..{_TEMP_RANGE_C[1]:g} degC, got {temp[i]:g}; write NA if unknown"
        )

    # Aggregate: index days from the first calendar day in the file.
    d0, d1 = days[0], days[-1]
    n_day = int((d1 - d0).astype(np.int64)) + 1
    k = (days - d0).astype(np.int64)
    rain_ok = ~np.isnan(rain)
    temp_ok = ~np.isnan(temp)
    n_rain = np.bincount(k, weights=rain_ok, minlength=n_day)
    n_temp = np.bincount(k, weights=temp_ok, minlength=n_day)
    rain_sum = np.bincount(k, weights=np.where(rain_ok, rain, 0.0), minlength=n_day)
    temp_sum = np.bincount(k, weights=np.where(temp_ok, temp, 0.0), minlength=n_day)
    tmin = np.full(n_day, np.inf)
    tmax = np.full(n_day, -np.inf)
    np.minimum.at(tmin, k[temp_ok], temp[temp_ok])
    np.maximum.at(tmax, k[temp_ok], temp[temp_ok])
    missing_rain = (24 - n_rain).astype(np.int64)
    missing_temp = (24 - n_temp).astype(np.int64)

    precip = np.where(missing_rain <= max_missing_hours, rain_sum, np.nan)
    temp_kept = (missing_temp <= max_missing_hours) & (n_temp > 0)
    with np.errstate(invalid="ignore", divide="ignore"):
        tmean = np.where(temp_kept, temp_sum / n_temp, np.nan)
    tmin = np.where(temp_kept, tmin, np.nan)
    tmax = np.where(temp_kept, tmax, np.nan)

    # The station's mean hourly rain per calendar month, for the missed-rain estimate.
    dates = d0 + np.arange(n_day).astype("timedelta64[D]")
    row_month = cols["month"] - 1
    month_rain = np.bincount(row_month[rain_ok], weights=rain[rain_ok], minlength=12)
    month_hours = np.bincount(row_month[rain_ok], minlength=12)
    with np.errstate(invalid="ignore", divide="ignore"):
        hourly_mean = np.where(month_hours > 0, month_rain / np.maximum(month_hours, 1), 0.0)
    lost_hours = np.where(np.isnan(precip), 24, missing_rain)
    missed = lost_hours * hourly_mean[_months(dates) - 1]

    meta = {
        "station": station or path.stem,
        "source_file": path.name,
        "source_sha256": _sha256(path),
        "synthetic": False,
        "time_zone": "Beijing time (UTC+8); day = hours 00-23",
        "aggregation": (
            f"precip_mm = sum of hourly RAIN (unscaled), tmean_c/tmin_c/tmax_c = mean/min/max of "
            f"hourly TEMP; a day with more than {max_missing_hours} of 24 hourly values missing is NA"
        ),
    }
    forcing = DailyForcing(dates, precip, tmean, tmin, tmax, None, meta)
    result = StationDaily(forcing, missing_rain, missing_temp, missed, max_missing_hours)
    forcing.metadata.update(
        {
            "missing_precip_days": result.n_missing_precip_days,
            "partial_precip_days": result.n_partial_precip_days,
            "missing_rain_hours": int(missing_rain.sum()),
            "missed_rain_estimate_mm": round(float(missed.sum()), 2),
            "missing_temp_days": result.n_missing_temp_days,
            "partial_temp_days": result.n_partial_temp_days,
            "missing_temp_hours": int(missing_temp.sum()),
        }
    )
    return result


# ---------------------------------------------------------------------------------
# hydro's daily forcing CSV
# ---------------------------------------------------------------------------------
def _parse_meta_value(path: Path, lineno: int, key: str, text: str) -> Any:
    if key == "synthetic":
        if text.lower() in ("true", "false"):
            return text.lower() == "true"
        raise HydroError(f"{path}: line {lineno}: 'synthetic' must be true or false, got '{text}'")
    if key == "seed":
        try:
            return int(text)
        except ValueError:
            raise HydroError(f"{path}: line {lineno}: 'seed' must be an integer, got '{text}'") from None
    return text


def _fill_rules(path: Path, meta: dict[str, Any]) -> tuple[str, ...]:
    """The rules of the header line ``fill_missing`` (empty without it); unknown ones are errors."""
    text = meta.get("fill_missing")
    if text is None:
        return ()
    rules = tuple(r.strip() for r in str(text).split(",") if r.strip())
    for rule in rules:
        if rule not in FILL_RULES:
            raise HydroError(
                f"{path}: header 'fill_missing': unknown rule '{rule}'{suggest(rule, FILL_RULES)}; "
                f"expected one or more of {', '.join(FILL_RULES)} separated by commas"
            )
    return rules


def _station_days(path: Path, header: list[str], rows: list[list[str]], numbers: list[int],
                  dates: np.ndarray) -> str:
    """The ``station`` column as runs of one code: ``code first..last; ...``."""
    j = header.index("station")
    codes = [row[j].strip() for row in rows]
    for i, code in enumerate(codes):
        if not code or code in MISSING_TOKENS or "," in code or ";" in code:
            raise HydroError(
                f"{path}: line {numbers[i]} ({dates[i]}), column 'station': expected a code naming where "
                f"the day's values come from (explained in the header), got '{code}'"
            )
    runs = []
    start = 0
    for i in range(1, len(codes) + 1):
        if i == len(codes) or codes[i] != codes[start]:
            runs.append(f"{codes[start]} {dates[start]}..{dates[i - 1]}")
            start = i
    return "; ".join(runs)


def _fill_missing(values: dict[str, Any], dates: np.ndarray, rules: tuple[str, ...],
                  meta: dict[str, Any]) -> None:
    """Apply the header's fill rules in place and record what was filled in ``meta``."""
    filled = np.zeros(dates.size, dtype=bool)
    if "precip_zero" in rules:
        miss = np.isnan(values["precip_mm"])
        values["precip_mm"] = np.where(miss, 0.0, values["precip_mm"])
        meta["filled_precip_days"] = int(miss.sum())
        filled |= miss
    if "temp_range_monthly" in rules:
        tmean, tmin, tmax = values["tmean_c"], values["tmin_c"], values["tmax_c"]
        complete = ~(np.isnan(tmean) | np.isnan(tmin) | np.isnan(tmax))
        months = _months(dates)
        for name, sign in (("tmin_c", -1.0), ("tmax_c", 1.0)):
            v = values[name]
            miss = np.isnan(v) & ~np.isnan(tmean)
            offset = np.full(13, np.nan)
            for m in np.unique(months[miss]):
                sel = complete & (months == m)
                if sel.any():
                    offset[m] = float(np.mean(np.abs(v[sel] - tmean[sel])))
            fill = tmean + sign * offset[months]
            ok = miss & ~np.isnan(fill)
            values[name] = np.where(ok, fill, v)
            meta[f"filled_{name.split('_')[0]}_days"] = int(ok.sum())
            filled |= ok
    if filled.any():
        idx = np.flatnonzero(filled)
        meta["filled_dates"] = f"{dates[idx[0]]}..{dates[idx[-1]]}"


def read_forcing_csv(path: str | Path, *, allow_missing: bool = False) -> DailyForcing:
    """Read a hydro daily forcing CSV.

    Parameters
    ----------
    path : str or Path
        The file (format in the module docstring).
    allow_missing : bool, optional
        Accept ``NA`` (or empty) values as NaN and return the file as written.
        Default False: a model run needs every day, so a gap is an error naming its
        line and date, unless the header's ``fill_missing`` rules cover it (then the
        gap is filled and the metadata record ``filled_*``; module docstring).

    Returns
    -------
    DailyForcing
        A 1-D series with the header's ``key: value`` lines as metadata
        (``synthetic`` as bool, ``seed`` as int, the rest as strings).

    Raises
    ------
    HydroError
        For a missing file, a missing, unknown or repeated column, a bad or
        non-consecutive date, a non-numeric or out-of-range value, a missing value
        (unless ``allow_missing``), or tmin <= tmean <= tmax violated; the message
        names the file, column, line and date.
    """
    path = Path(path)
    lines = _read_text_lines(path)
    meta: dict[str, Any] = {}
    notes = []
    first = 0
    while first < len(lines) and (lines[first].startswith("#") or not lines[first].strip()):
        text = lines[first].lstrip("#").strip()
        if text == _TITLE:
            pass
        elif ":" in text:
            key, value = (s.strip() for s in text.split(":", 1))
            if key != "columns":  # the writer's column legend, regenerated on writing
                meta[key] = _parse_meta_value(path, first + 1, key, value)
        elif text:
            notes.append(text)
        first += 1
    if notes:
        meta.setdefault("notes", " ".join(notes))
    if first == len(lines):
        raise HydroError(
            f"{path}: no header line; expected 'date,precip_mm,tmean_c,tmin_c,tmax_c' after the '#' comments"
        )
    header, rows, numbers = _parse_rows(path, lines, first)
    required = [k for k, (req, _) in FORCING_COLUMNS.items() if req]
    optional = [k for k, (req, _) in FORCING_COLUMNS.items() if not req]
    for name in header:
        if name not in FORCING_COLUMNS:
            raise HydroError(
                f"{path}: header (line {first + 1}): unknown column '{name}'"
                f"{suggest(name, FORCING_COLUMNS)}; expected {', '.join(required)} and optionally "
                f"{', '.join(optional)}"
            )
    _check_header(path, header, required, optional)
    if not rows:
        raise HydroError(f"{path}: no data rows after the header; expected one row per day")

    j = header.index("date")
    dates = np.empty(len(rows), dtype="datetime64[D]")
    for i, row in enumerate(rows):
        text = row[j].strip()
        try:
            if len(text) != 10:
                raise ValueError
            dates[i] = np.datetime64(text, "D")
        except ValueError:
            raise HydroError(
                f"{path}: line {numbers[i]}, column 'date': expected a date YYYY-MM-DD, got '{text}'"
            ) from None
    step = np.diff(dates).astype(np.int64)
    bad = np.flatnonzero(step != 1)
    if bad.size:
        i = bad[0] + 1
        problem = "repeats" if step[bad[0]] == 0 else "goes back in time after" if step[bad[0]] < 0 else "skips days after"
        raise HydroError(
            f"{path}: line {numbers[i]}, column 'date': {dates[i]} {problem} {dates[i - 1]}; "
            "expected one row per consecutive day"
        )

    rules = _fill_rules(path, meta)
    if "station" in header:
        meta["station_days"] = _station_days(path, header, rows, numbers, dates)
    values = {}
    for name in _VALUE_COLUMNS:
        if name not in header:
            values[name] = None
            continue
        values[name] = _column(path, header, rows, numbers, name, allow_missing=True,
                               gaps=allow_missing or bool(rules))
    if not allow_missing and rules:
        _fill_missing(values, dates, rules, meta)
    for name in _VALUE_COLUMNS:
        v = values[name]
        if not allow_missing and v is not None and np.isnan(v).any():
            i = int(np.flatnonzero(np.isnan(v))[0])
            raise HydroError(
                f"{path}: line {numbers[i]} ({dates[i]}), column '{name}': value missing; a simulation needs "
                "a value on every day: fill the gap (from a nearby station, or by interpolation)"
                + (f"; the header's fill_missing ({', '.join(rules)}) does not cover it" if rules else "")
            )

    def first_bad(mask, name, expected):
        idx = np.flatnonzero(mask)
        if idx.size:
            i = idx[0]
            raise HydroError(
                f"{path}: line {numbers[i]} ({dates[i]}), column '{name}': expected {expected}, "
                f"got {values[name][i]:g}; fix that value"
            )

    with np.errstate(invalid="ignore"):
        first_bad(values["precip_mm"] < 0, "precip_mm", "precipitation >= 0 mm")
        first_bad(values["precip_mm"] > _MAX_DAILY_PRECIP_MM, "precip_mm", f"at most {_MAX_DAILY_PRECIP_MM:g} mm/d")
        if values["pet_mm"] is not None:
            first_bad(values["pet_mm"] < 0, "pet_mm", "PET >= 0 mm")
        for name in ("tmean_c", "tmin_c", "tmax_c"):
            v = values[name]
            first_bad((v < _TEMP_RANGE_C[0]) | (v > _TEMP_RANGE_C[1]), name,
                      f"{_TEMP_RANGE_C[0]:g}..{_TEMP_RANGE_C[1]:g} degC")
        first_bad(values["tmin_c"] > values["tmean_c"], "tmin_c", "tmin_c <= tmean_c")
        first_bad(values["tmax_c"] < values["tmean_c"], "tmax_c", "tmax_c >= tmean_c")
    return DailyForcing(dates, values["precip_mm"], values["tmean_c"], values["tmin_c"], values["tmax_c"],
                        values["pet_mm"], meta)


def _format_meta_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple, np.ndarray)):
        return "[" + ", ".join(_format_meta_value(v) for v in np.asarray(value).tolist()) + "]"
    if isinstance(value, float):
        return repr(value)
    return " ".join(str(value).split())  # one line


def write_forcing_csv(
    forcing: DailyForcing,
    path: str | Path,
    *,
    metadata: Mapping[str, Any] | None = None,
    decimals: int = 2,
    overwrite: bool = True,
) -> Path:
    """Write a single daily series in hydro's forcing CSV format.

    Parameters
    ----------
    forcing : DailyForcing
        A 1-D series (select one of an ensemble with :meth:`DailyForcing.series`).
    path : str or Path
        Output file; its folder is created if needed.
    metadata : mapping, optional
        Extra ``key: value`` header lines, added to (and overriding) ``forcing.metadata``.
    decimals : int, optional
        Decimal places for values (default 2: 0.01 mm, 0.01 °C).  Rounding is
        monotone, so tmin <= tmean <= tmax survives it.
    overwrite : bool, optional
        Replace an existing file (default True).

    Returns
    -------
    Path
        The path written.
    """
    if len(forcing.shape) != 1:
        raise ValueError(f"write_forcing_csv: expected one series, got shape {forcing.shape}; use .series(...)")
    path = Path(path)
    if path.exists() and not overwrite:
        raise HydroError(f"{path}: exists; pass overwrite=True or choose another name")
    meta = dict(forcing.metadata)
    meta.update(metadata or {})
    for key in meta:
        if ":" in key or "\n" in key or not key.strip():
            raise ValueError(f"metadata key {key!r}: must be non-empty without ':' or newlines")
    columns = ["date", "precip_mm", "tmean_c", "tmin_c", "tmax_c"] + (["pet_mm"] if forcing.pet_mm is not None else [])
    arrays = [getattr(forcing, c) for c in columns[1:]]
    fmt = f"{{:.{int(decimals)}f}}"
    out = [f"# {_TITLE}"]
    out += [f"# {key}: {_format_meta_value(value)}" for key, value in meta.items() if key != "columns"]
    out.append("# columns: " + "; ".join(f"{c} = {FORCING_COLUMNS[c][1]}" for c in columns))
    out.append(",".join(columns))
    text_cols = [np.where(np.isnan(a), "NA", np.char.mod(f"%.{int(decimals)}f", np.where(np.isnan(a), 0.0, a)))
                 for a in arrays]
    # "-0.00" reads back as 0 but looks odd; normalise it.
    zero = fmt.format(0.0)
    text_cols = [np.where(t == "-" + zero, zero, t) for t in text_cols]
    date_text = forcing.dates.astype(str)
    for i in range(forcing.n_days):
        out.append(",".join([date_text[i]] + [t[i] for t in text_cols]))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(out) + "\n", encoding="utf-8")
    return path
