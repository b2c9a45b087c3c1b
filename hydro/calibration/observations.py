"""Observed series and their alignment with a daily simulation.

:func:`read_observation_csv` reads one observation CSV (dates and values, NaN
and sparse samples allowed); :class:`Alignment` maps the simulated days onto
the observation's bins (a day, a month or a year) inside each scored period,
so that scoring an evaluation is a ``bincount`` and a metric call.

Binning rules:

* ``daily``: a bin per day with an observation; several samples on one day are
  averaged; days without an observation are skipped (sparse sampling).
* ``monthly`` / ``annual``: rows dated ``YYYY-MM`` / ``YYYY`` are means of
  calendar months or years, and the simulation is averaged over the same
  calendar month or year; rows dated by day are averaged over the days given
  (each day once, its samples first averaged), and the simulation over the
  same days.  A month or year is scored only when the simulation covers all of
  it and it lies entirely within the period.
* ``points`` (published figures given in the configuration,
  :meth:`Alignment.from_points`): a bin per point, over the point's own span
  of days; the simulation is averaged over the span (``statistic = "mean"``)
  or totalled per year (``"annual_total"``).  A point is scored when the
  simulation covers its whole span, in a period that holds its whole span;
  one point is enough.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import numpy as np

from hydro.calibration.config import QUALITY_VARIABLE, Observation, day_total
from hydro.dates import PLAUSIBLE_YEARS, date_advice, split_day
from hydro.errors import HydroError

_MISSING = ("", "na", "nan", "null", "-")
#: Variables that cannot be negative: a negative value in their CSV is a mistake (a -999 code).
_NON_NEGATIVE = ("discharge", "discharge_mm", "tn_concentration", "tn_load", "reservoir_storage")
#: The largest magnitude an observed value may have, in its variable's unit (m3 s-1, mm d-1, mg L-1, kg d-1,
#: m3): the Three Gorges hold 3.9e10 m3 and the Amazon carries 2.1e5 m3 s-1, so 1e15 is no measurement
#: but a typing or unit slip (1e300 was read and fitted to).
_LARGEST = 1.0e15
#: The clock of hydro's days (docs/calibration.md): an observation's time with an offset is converted to it.
BEIJING = timezone(timedelta(hours=8), "UTC+8")
#: A time of day after a day's date, with an optional zone: ``Z``, ``+08:00``, ``-0500``, ``UTC``, ``GMT``.
_TIME = re.compile(r"(?P<time>\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)\s*(?P<zone>Z|UTC|GMT|[+-]\d{2}(?::?\d{2})?)?",
                   re.IGNORECASE)


def _parse_date(text: str, aggregate: str) -> date | None:
    """A date from ``YYYY-MM-DD[ time]`` (or year first as Excel writes it, :func:`hydro.dates.split_day`),
    ``YYYY-MM`` (monthly) or ``YYYY`` (annual); None if none.

    A bare time is Beijing time (UTC+8) and is ignored; a time with a zone (``Z``, ``UTC``, ``GMT``,
    ``+00:00``) is converted to Beijing time first, so ``2013-08-06T20:00:00Z`` is on 7 August; other
    text after the day (``2015-01-011``) makes no date."""
    text = text.strip()
    try:
        if _is_day(text):
            day, rest = split_day(text)
            if not rest.strip():
                return day
            if rest[0] not in " Tt":  # (the day runs into what follows: '2015-01-0112:00')
                return None
            rest = rest[1:].strip()
            found = _TIME.fullmatch(rest)  # (anything else after the day is no time: '2015-01-011' is refused)
            if not found:
                return None
            zone = (found["zone"] or "").upper()
            if not zone:
                return day
            offset = "+00:00" if zone in ("Z", "UTC", "GMT") else zone
            stamp = datetime.fromisoformat(f"{day.isoformat()}T{found['time'].zfill(5)}{offset}")
            return stamp.astimezone(BEIJING).date()
        if aggregate == "monthly" and len(text) == 7:
            return date(int(text[:4]), int(text[5:7]), 1)
        if aggregate == "annual" and len(text) == 4:
            return date(int(text), 1, 1)
    except ValueError:
        return None
    return None


def _is_day(text: str) -> bool:
    """Whether a date cell names a day (``YYYY-MM`` and ``YYYY`` are 7 and 4 characters, a day 8 or more)."""
    return len(text.strip()) > 7


def read_observation_csv(obs: Observation) -> tuple[np.ndarray, np.ndarray, bool]:
    """Dates (datetime64[D]) and values (scaled, NaN where missing) of an observation CSV, and
    whether its rows are days (``YYYY-MM-DD``; False for ``aggregate = "monthly"`` or ``"annual"``
    rows written ``YYYY-MM`` or ``YYYY``, a value for the whole month or year).

    Blank lines, rows of commas only and ``#`` comments are skipped; lines are named as the file
    numbers them.

    Raises
    ------
    HydroError
        Naming the file, column and line for a missing or unnamed column, a bad date, a day among
        monthly or yearly rows (or the reverse), or a value that is not a number.
    """
    path = Path(obs.csv)
    from hydro.textfile import read_text  # UTF-8 with or without BOM; else "save it as UTF-8"
    from hydro.weather_csv import check_named, check_row, csv_rows

    rows = csv_rows(read_text(path, "observations CSV").splitlines(), path)
    if len(rows) < 2:
        raise HydroError(f"{path}: expected a header line and at least one data line")
    header = [h.strip() for h in rows[0][1]]
    check_named(path, rows[0][0], header)
    cols = []
    for wanted, key in ((obs.date_column, "date_column"), (obs.column, "column")):
        if wanted not in header:
            raise HydroError(f"{path}: no column '{wanted}' (observation '{obs.name}', key "
                             f"'{key}'); the header has {', '.join(header)}")
        cols.append(header.index(wanted))
    jd, jv = cols
    dates, values, forms = [], [], set()
    seen: dict[date, int] = {}  # line of each month or year given as a whole (YYYY-MM, YYYY)
    for k, row in rows[1:]:
        check_row(path, k, row, header)
        d = _parse_date(row[jd], obs.aggregate)
        if d is None:
            raise HydroError(f"{path}: column '{obs.date_column}', line {k}: '{row[jd]}' is not a "
                             "date YYYY-MM-DD" + (" or YYYY-MM" if obs.aggregate == "monthly" else "")
                             + (" or YYYY" if obs.aggregate == "annual" else "") + f"; {date_advice(row[jd])}")
        forms.add(_is_day(row[jd]))
        if len(forms) > 1:
            form = "YYYY-MM" if obs.aggregate == "monthly" else "YYYY"
            raise HydroError(f"{path}: column '{obs.date_column}', line {k}: '{row[jd].strip()}' mixes days "
                             f"(YYYY-MM-DD) with {obs.aggregate} rows ({form}) in one file; give every row "
                             "one way (days are averaged over the days given)")
        if not PLAUSIBLE_YEARS[0] <= d.year <= PLAUSIBLE_YEARS[1]:  # 0022-10-05 was dropped without a word
            raise HydroError(f"{path}: column '{obs.date_column}', line {k}: the year of '{row[jd]}' is outside "
                             f"{PLAUSIBLE_YEARS[0]}..{PLAUSIBLE_YEARS[1]}; write the four-digit year of the sample")
        if not _is_day(row[jd]) and d in seen:  # averaged with the first without a word
            raise HydroError(f"{path}: column '{obs.date_column}', line {k}: a second value for "
                             f"{row[jd].strip()} (first on line {seen[d]}); keep one row per "
                             f"{'month' if obs.aggregate == 'monthly' else 'year'}")
        seen[d] = k
        dates.append(d)
        values.append(_value(path, obs, k, row[jv].strip()) * obs.scale)
    return np.array(dates, dtype="datetime64[D]"), np.array(values, dtype=np.float64), forms != {False}


def _value(path: Path, obs: Observation, k: int, text: str) -> float:
    """The value of line ``k`` (NaN where missing), unscaled; an error names the file, column and line."""
    if text.lower() in _MISSING:
        return math.nan
    try:
        v = float(text)
    except ValueError:
        raise HydroError(f"{path}: column '{obs.column}', line {k}: '{text}' is not a "
                         "number (leave the cell empty or write NA for a missing value)") from None
    if math.isinf(v) or abs(v) > _LARGEST:
        raise HydroError(f"{path}: column '{obs.column}', line {k}: {text} is "
                         + ("infinite" if math.isinf(v) else f"beyond {_LARGEST:.0e}, more than any "
                            f"{obs.variable} measured") + "; check the value and its unit")
    if v < 0 and (obs.variable in _NON_NEGATIVE or QUALITY_VARIABLE.match(obs.variable)):
        raise HydroError(f"{path}: column '{obs.column}', line {k}: {text} is negative, and a "
                         f"{obs.variable} is not (a missing-value code such as -999? leave the cell "
                         "empty or write NA)")
    return v


def _bin_start(days: np.ndarray, aggregate: str) -> np.ndarray:
    """First day of each day's bin (datetime64[D])."""
    if aggregate == "daily":
        return days
    unit = "M" if aggregate == "monthly" else "Y"
    return days.astype(f"datetime64[{unit}]").astype("datetime64[D]")


def _bin_end(starts: np.ndarray, aggregate: str) -> np.ndarray:
    """Last day of the bins starting on ``starts``."""
    if aggregate == "daily":
        return starts
    unit = "M" if aggregate == "monthly" else "Y"
    return (starts.astype(f"datetime64[{unit}]") + 1).astype("datetime64[D]") - 1


@dataclass(frozen=True)
class Alignment:
    """Where one observation's bins fall on the simulated days, per period.

    Attributes
    ----------
    bin_of_day : ndarray of int [n_day]
        Index of the bin each simulated day belongs to, -1 for none.
    n_bins : int
    observed : ndarray [n_bins]
        Observed value of each bin.
    bin_dates : ndarray of datetime64[D] [n_bins]
        First day of each bin.
    in_period : dict of str -> bool ndarray [n_bins]
        Bins scored in each named period.
    factor : ndarray [n_bins] or None
        Multiplies the binned mean (``annual_total`` points: days per year of
        the span times the day total of the variable); None for 1.
    min_bins : int
        Fewest bins a period must hold to be scored (2 for a series, 1 for points).
    """

    bin_of_day: np.ndarray
    n_bins: int
    observed: np.ndarray
    bin_dates: np.ndarray
    in_period: dict
    factor: np.ndarray | None = None
    min_bins: int = 2
    #: Simulated days binned (``bin_of_day >= 0``), their bins and the days per bin,
    #: computed once; ``day_of_bin`` when every bin holds exactly one day (daily
    #: observations), so that binning is an index.
    _days: np.ndarray = field(init=False, repr=False, compare=False)
    _bins: np.ndarray = field(init=False, repr=False, compare=False)
    _counts: np.ndarray = field(init=False, repr=False, compare=False)
    day_of_bin: np.ndarray | None = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        days = np.flatnonzero(self.bin_of_day >= 0)
        bins = self.bin_of_day[days]
        counts = np.bincount(bins, minlength=self.n_bins)
        one = None
        if counts.size and bool(np.all(counts == 1)):
            one = np.empty(self.n_bins, dtype=np.int64)
            one[bins] = days
        object.__setattr__(self, "_days", days)
        object.__setattr__(self, "_bins", bins)
        object.__setattr__(self, "_counts", counts)
        object.__setattr__(self, "day_of_bin", one)

    @classmethod
    def build(cls, obs: Observation, dates: np.ndarray, values: np.ndarray, sim_days: np.ndarray,
              periods: dict[str, tuple[date, date]], per_day: bool = False) -> "Alignment":
        """Align observations (``dates``, ``values``) with the simulated days ``sim_days``.

        With ``per_day`` the observed rows are days, and a month's or year's bin
        (``aggregate = "monthly"`` or ``"annual"``) compares the mean of the days observed with
        the simulation's mean over those same days, not over the whole month (days 1-3 of each
        month against whole months scored the true parameters NSE -0.57 instead of 0.998; an
        outside review of 2026-12-05).  Without it a row is the whole bin's value.

        Raises
        ------
        HydroError
            When no observation falls inside the calibration period (or the
            simulated days): the observations are outside the run period.
        """
        valid = ~np.isnan(values)
        days, vals = dates[valid], values[valid]
        by_days = per_day and obs.aggregate != "daily"  # rows of days in months or years
        if by_days:  # each day once: a day sampled twice is its mean
            days, which = np.unique(days, return_inverse=True)
            vals = np.bincount(which, weights=vals) / np.bincount(which)
        starts = _bin_start(days, obs.aggregate)
        uniq, inverse = np.unique(starts, return_inverse=True)
        sums = np.bincount(inverse, weights=vals, minlength=uniq.size)
        counts = np.bincount(inverse, minlength=uniq.size)
        observed = sums / np.maximum(counts, 1)
        ends = _bin_end(uniq, obs.aggregate)
        covered = (uniq >= sim_days[0]) & (ends <= sim_days[-1])
        uniq, ends, observed = uniq[covered], ends[covered], observed[covered]
        day_bin = _bin_start(sim_days, obs.aggregate)
        pos = np.searchsorted(uniq, day_bin)
        pos_c = np.minimum(pos, max(uniq.size - 1, 0))
        hit = (uniq.size > 0) & (pos < uniq.size)
        hit = hit & (uniq[pos_c] == day_bin) if uniq.size else np.zeros(sim_days.size, bool)
        if by_days:  # the days observed only
            hit &= np.isin(sim_days, days)
        bin_of_day = np.where(hit, pos_c, -1).astype(np.int64)
        in_period = {}
        for label, (first, last) in periods.items():
            in_period[label] = (uniq >= np.datetime64(first, "D")) & (ends <= np.datetime64(last, "D"))
        where = str(obs.csv) if obs.csv else "the forcing CSV"
        n_cal = int(in_period["calibration"].sum())
        if n_cal < 2:
            span = (f"{dates[valid].min()} to {dates[valid].max()}" if valid.any()
                    else "no valid value at all")
            cal = periods["calibration"]
            apart = not valid.any() or (dates[valid].max() < np.datetime64(cal[0], "D")
                                        or dates[valid].min() > np.datetime64(cal[1], "D"))
            raise HydroError(
                f"observation '{obs.name}' ({where}): {n_cal} {obs.aggregate} value(s) inside the "
                f"calibration period {cal[0]} to {cal[1]} (the observations cover {span}); at least 2 "
                "are needed. " + ("The observations lie outside the run period: fix [periods] "
                                  "calibration or the file" if apart else
                                  "Lengthen [periods] calibration or give more observations inside it"))
        return cls(bin_of_day, int(uniq.size), observed, uniq, in_period)

    @classmethod
    def from_points(cls, obs: Observation, sim_days: np.ndarray,
                    periods: dict[str, tuple[date, date]]) -> "Alignment":
        """Align the published ``obs.points`` with the simulated days (see the module doc).

        Raises
        ------
        HydroError
            When no point's span lies inside both the simulated days and the
            calibration period.
        """
        pts = [q for q in (obs.points or ())
               if np.datetime64(q.first, "D") >= sim_days[0] and np.datetime64(q.last, "D") <= sim_days[-1]]
        first = np.array([q.first for q in pts], dtype="datetime64[D]")
        last = np.array([q.last for q in pts], dtype="datetime64[D]")
        observed = np.array([q.value for q in pts], dtype=np.float64)
        bin_of_day = np.full(sim_days.size, -1, dtype=np.int64)
        for k in range(len(pts)):
            bin_of_day[(sim_days >= first[k]) & (sim_days <= last[k])] = k
        factor = None
        if obs.statistic == "annual_total":
            days = (last - first).astype(np.int64) + 1
            years = (last.astype("datetime64[Y]") - first.astype("datetime64[Y]")).astype(np.int64) + 1
            factor = days * day_total(obs.variable) / years
        in_period = {label: (first >= np.datetime64(a, "D")) & (last <= np.datetime64(b, "D"))
                     for label, (a, b) in periods.items()}
        if not in_period["calibration"].any():
            cal = periods["calibration"]
            given = ", ".join(f"{q.first}" + ("" if q.last == q.first else f"..{q.last}")
                              for q in (obs.points or ()))
            raise HydroError(
                f"observation '{obs.name}': no point lies inside the calibration period {cal[0]} "
                f"to {cal[1]} and the simulated days {sim_days[0]} to {sim_days[-1]} (points: "
                f"{given}); a point counts when its whole span does. Fix [periods] or the points")
        return cls(bin_of_day, len(pts), observed, first, in_period, factor, 1)

    def simulated(self, daily: np.ndarray) -> np.ndarray:
        """The simulated daily series averaged onto the bins (times :attr:`factor`).

        A bin's mean is that of its days where the simulation is a number: a NaN day (a concentration
        at zero flow) is left out, as a missing observed day is, so one dry day no longer makes its
        month's or year's mean NaN (review fr D2). A bin with no simulated number on any of its days
        stays NaN (the scores count it as unpaired, :mod:`~hydro.calibration.scoring`)."""
        daily = np.asarray(daily, dtype=np.float64)
        if self.day_of_bin is not None:  # one day per bin: the mean is the value
            out = daily[self.day_of_bin]
        else:
            values = daily[self._days]
            counts = self._counts
            nan = np.isnan(values)
            if nan.any():  # the mean of each bin's numbers only
                values = np.where(nan, 0.0, values)
                counts = np.bincount(self._bins, weights=~nan, minlength=self.n_bins)
            sums = np.bincount(self._bins, weights=values, minlength=self.n_bins)
            with np.errstate(invalid="ignore", divide="ignore"):
                out = np.where(counts > 0, sums / np.maximum(counts, 1), np.nan)
        return out if self.factor is None else out * self.factor

    def pair(self, daily: np.ndarray, period: str) -> tuple[np.ndarray, np.ndarray]:
        """``(sim, obs)`` bins of ``period``."""
        mask = self.in_period[period]
        return self.simulated(daily)[mask], self.observed[mask]
