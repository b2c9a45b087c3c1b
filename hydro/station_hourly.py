"""Hourly station records to daily forcing: :func:`read_hourly_station` and :class:`StationDaily`.

The hourly format (the Beijing Multi-Site Air-Quality data set) and the
missing-data rule (:data:`MAX_MISSING_HOURS`) are described in :mod:`hydro.weather`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from hydro.daily_forcing import DailyForcing, calendar_months
from hydro.errors import HydroError
from hydro.weather_csv import (
    TEMP_RANGE_C,
    check_header,
    file_sha256,
    parse_rows,
    read_column,
    read_text_lines,
)

#: At most this many missing hourly values (``NA`` or absent hours) for a day's
#: value to be computed; a day with more is NaN.  Six hours is a quarter of the day.
MAX_MISSING_HOURS = 6

#: Columns an hourly station file must have (others, such as PRES, are ignored).
HOURLY_REQUIRED = ("year", "month", "day", "hour", "TEMP", "RAIN")
#: Most rain in one hour that is plausible, mm (more is an error, not a missing value).
MAX_HOURLY_RAIN_MM = 300.0


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
    if (isinstance(max_missing_hours, bool) or not isinstance(max_missing_hours, int)
            or not 0 <= max_missing_hours <= 24):
        raise HydroError(f"max_missing_hours: expected an integer 0..24, got {max_missing_hours!r}")
    lines = read_text_lines(path)
    first = next((i for i, line in enumerate(lines) if line.strip() and not line.startswith("#")), len(lines))
    if first == len(lines):
        raise HydroError(f"{path}: empty file; expected a header line {','.join(HOURLY_REQUIRED)} and hourly rows")
    header, rows, numbers = parse_rows(path, lines, first)  # '#' comment lines and blank lines before it
    check_header(path, header, HOURLY_REQUIRED)
    if not rows:
        raise HydroError(f"{path}: no data rows after the header; expected hourly records")
    cols, days = _read_times(path, header, rows, numbers)
    rain, temp = _read_values(path, header, rows, numbers, cols, days)
    return _to_daily(path, cols, days, rain, temp, max_missing_hours, station)


def _read_times(path: Path, header, rows, numbers):
    """The ``year, month, day, hour`` columns (checked: integers, a real date, in time order)
    and each row's day (``datetime64[D]``)."""
    cols = {}
    for name in ("year", "month", "day", "hour"):
        v = read_column(path, header, rows, numbers, name, allow_missing=False, what="an integer")
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

    return cols, days


def _read_values(path: Path, header, rows, numbers, cols, days):
    """Hourly ``RAIN`` (mm) and ``TEMP`` (degC), NaN where missing; implausible values are errors."""
    rain = read_column(path, header, rows, numbers, "RAIN")
    temp = read_column(path, header, rows, numbers, "TEMP")
    bad = np.flatnonzero((rain < 0) | (rain > MAX_HOURLY_RAIN_MM))
    if bad.size:
        i = bad[0]
        raise HydroError(
            f"{path}: line {numbers[i]} ({days[i]} hour {cols['hour'][i]}), column 'RAIN': expected "
            f"0..{MAX_HOURLY_RAIN_MM:g} mm in the hour, got {rain[i]:g}; write NA if unknown"
        )
    bad = np.flatnonzero((temp < TEMP_RANGE_C[0]) | (temp > TEMP_RANGE_C[1]))
    if bad.size:
        i = bad[0]
        raise HydroError(
            f"{path}: line {numbers[i]} ({days[i]} hour {cols['hour'][i]}), column 'TEMP': expected "
            f"{TEMP_RANGE_C[0]:g}..{TEMP_RANGE_C[1]:g} degC, got {temp[i]:g}; write NA if unknown"
        )
    return rain, temp


def _to_daily(path: Path, cols, days, rain, temp, max_missing_hours: int, station) -> StationDaily:
    """Hourly values aggregated to days (module docstring of :mod:`hydro.weather`)."""
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
    missed = lost_hours * hourly_mean[calendar_months(dates) - 1]

    meta = {
        "station": station or path.stem,
        "source_file": path.name,
        "source_sha256": file_sha256(path),
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
