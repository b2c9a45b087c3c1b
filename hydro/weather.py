"""Daily weather forcing: hourly station records to daily values, and the forcing CSV.

This module is where the weather formats are described and their functions are
imported from (the code is in :mod:`hydro.daily_forcing` for the
:class:`DailyForcing` container, :mod:`hydro.station_hourly` for hourly records,
:mod:`hydro.forcing_csv` for the daily CSV and :mod:`hydro.weather_csv` for the
parsing they share).  Two things:

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
   optionally ``pet_mm`` (mm d-1, >= 0; a lumped catchment's only: a watershed computes PET
   for each subbasin and refuses it, :func:`hydro.forcing_csv.check_weather_header`).  Missing
   values are written ``NA``.
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
``filled_dates``, the first and last filled day), and a watershed run's results say it
(``weather_filled_*``, :func:`hydro.weather_provenance.fill_attributes`).  The file
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

from hydro.daily_forcing import DailyForcing, annual_totals
from hydro.forcing_csv import FILL_RULES, FORCING_COLUMNS, read_forcing_csv, write_forcing_csv
from hydro.station_hourly import HOURLY_REQUIRED, MAX_MISSING_HOURS, StationDaily, read_hourly_station
from hydro.weather_csv import MISSING_TOKENS

__all__ = ["FILL_RULES", "FORCING_COLUMNS", "HOURLY_REQUIRED", "MAX_MISSING_HOURS", "MISSING_TOKENS",
           "DailyForcing", "StationDaily", "annual_totals", "read_forcing_csv", "read_hourly_station",
           "station_record", "write_forcing_csv"]

#: Station records read in this process: resolved path -> ((modification time, size), forcing).
_RECORDS: dict[str, tuple[tuple[int, int], DailyForcing]] = {}


def station_stamp(path) -> tuple[str, int, int]:
    """What identifies a station file's content for the process's caches: its resolved path,
    modification time (ns) and size.  Caches of results computed from a basin's record key on
    this, not on the path alone, so that an edited weather file is never answered from the
    results of its earlier content (review of 2026-12-04)."""
    from pathlib import Path

    p = Path(path).resolve()
    st = p.stat()
    return (str(p), st.st_mtime_ns, st.st_size)


def station_record(path) -> DailyForcing:
    """A basin's station record (its weather file), read once per process and again when the file
    changes: the weather of a watershed run given none (:func:`hydro.runoff_warm_up.run_start`) and
    what :func:`hydro.watershed.snow_thresholds` takes CemaNeige's snowfall of full cover from on
    every run, calibration evaluation and ensemble member (shared: not to be modified)."""
    from pathlib import Path

    name, mtime_ns, size = station_stamp(path)
    cached = _RECORDS.get(name)
    if cached is None or cached[0] != (mtime_ns, size):
        cached = ((mtime_ns, size), read_forcing_csv(Path(name)))
        _RECORDS[name] = cached
    return cached[1]
