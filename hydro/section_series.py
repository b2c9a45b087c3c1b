"""Monthly section series: what the compensation rule engine reads.

This module owns :class:`SectionSeries` (monthly mean concentrations per
parameter and monthly flow volume at named monitoring sections, on whole
calendar years) and :class:`DailySections` (the daily values kept beside a series
read from a results file, for flow normalisation).  The readers that make a
series from a monitoring CSV or a results file are in :mod:`hydro.monitoring`.
"""

from __future__ import annotations

import calendar
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from hydro.errors import HydroError, suggest
from hydro.standards import PARAMETERS

#: The parameter id of the monthly flow volume (m³) in a :class:`SectionSeries`.
FLOW = "flow"

#: Every parameter id a :class:`SectionSeries` may hold.
SERIES_PARAMETERS: tuple[str, ...] = PARAMETERS + (FLOW,)


def round_significant(x, digits: int = 12):
    """``x`` (a float or array) rounded to ``digits`` significant digits; NaN stays NaN."""
    if np.ndim(x) == 0:
        return float(f"{float(x):.{digits}g}")
    return np.array([float(f"{v:.{digits}g}") for v in np.ravel(x)]).reshape(np.shape(x))


def days_in_months(first_year: int, n_years: int) -> np.ndarray:
    """Length (days) of every month from January ``first_year``, over ``n_years`` years."""
    return np.array(
        [calendar.monthrange(first_year + i // 12, i % 12 + 1)[1] for i in range(12 * n_years)],
        dtype=np.float64,
    )


def complete_month_means(month_index: np.ndarray, days_in_month: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Each month's mean of the daily ``values`` over its days (the monitoring's monthly mean, weighted by no
    flow), :func:`round_significant`; NaN for a month with a day absent or not finite (never filled).

    ``month_index``: each value's month, counted from January of the first year (0-based);
    ``days_in_month``: the months' lengths (:func:`days_in_months`)."""
    ok = np.isfinite(values)
    count = np.bincount(month_index[ok], minlength=days_in_month.size)
    mean = np.bincount(month_index[ok], weights=values[ok], minlength=days_in_month.size) / np.maximum(count, 1)
    return round_significant(np.where(count == days_in_month, mean, np.nan))


class DailySections:
    """Daily discharge (m3/s) and concentrations (mg/L) at sections, kept beside a
    :class:`SectionSeries` read from a results file, for flow normalisation.

    Parameters
    ----------
    dates : numpy.ndarray
        Consecutive days (``datetime64[D]``).
    q : mapping
        ``{section: daily discharge}``.
    conc : mapping
        ``{section: {parameter: daily concentration}}``.
    """

    def __init__(self, dates: np.ndarray, q: Mapping[str, np.ndarray],
                 conc: Mapping[str, Mapping[str, np.ndarray]]):
        self.dates = np.asarray(dates, dtype="datetime64[D]")
        self.q = dict(q)
        self.conc = {s: dict(p) for s, p in conc.items()}
        self._cache: dict[tuple[str, str], dict[int, float]] = {}

    def flow_normalised(self, section: str, parameter: str, source: str = "series") -> dict[int, float]:
        """``{calendar year: flow-normalised annual mean concentration}`` (complete years)."""
        key = (section, parameter)
        if key not in self._cache:
            from hydro import flownorm

            q = self.q.get(section)
            c = self.conc.get(section, {}).get(parameter)
            if q is None or c is None:
                raise HydroError(f"{source}: no daily {parameter} and discharge at '{section}' "
                                 "to flow-normalise")
            ok = np.isfinite(q) & (q > 0)
            if not ok.all():
                raise HydroError(f"{source}: section '{section}' has {int((~ok).sum())} days without "
                                 "positive discharge; flow normalisation (WRTDS) needs ln Q on every day")
            try:
                table = flownorm.annual(flownorm.wrtds_daily(self.dates, q, c), start_month=1)
            except ValueError as exc:
                raise HydroError(f"{source}: section '{section}', {parameter}: flow normalisation "
                                 f"failed: {exc}") from None
            self._cache[key] = {int(y): float(v) for y, v in zip(table.year, table.fn_conc, strict=True)}
        return self._cache[key]


@dataclass(frozen=True)
class SectionSeries:
    """Monthly values at monitoring sections, on whole calendar years.

    Parameters
    ----------
    first_year : int
        The first calendar year; the index runs January ``first_year`` to December
        of the last year, ``12 * n_years`` months.
    data : mapping
        ``{section: {parameter: array}}``.  Concentrations (``tn``, ``tp``, ``nh3n``,
        ``codmn``, ``do``) are monthly means in mg/L; ``flow`` is the month's volume
        in m³.  Each array has one value per month of the index; NaN marks a
        missing month.
    source : str
        Where the series came from (a file name), for messages.

    daily : DailySections, optional
        The daily section values the monthly means were made from (a results file),
        which :meth:`flow_normalised_mean` needs; None for monthly monitoring data.
    transferred : mapping, optional
        ``{id: array}``: the part of each month's ``flow`` volume that is water transferred from
        outside the basin (m³, a results file's tracer, :func:`hydro.monitoring.read_results`), or
        ``{id: str}``, why it is not known there; None where the source cannot tell (monitoring
        data).  What ``water = "natural"`` quantity rules subtract (:meth:`annual_transferred`).

    Raises
    ------
    HydroError
        For unknown parameters, arrays of the wrong length, or negative values.
    """

    first_year: int
    data: Mapping[str, Mapping[str, np.ndarray]]
    source: str = "series"
    daily: DailySections | None = field(default=None, compare=False, repr=False)
    transferred: Mapping[str, Any] | None = field(default=None, compare=False, repr=False)
    n_years: int = field(init=False)

    def __post_init__(self):
        lengths = {np.asarray(a).shape for p in self.data.values() for a in p.values()}
        if not lengths:
            raise HydroError(f"{self.source}: no section values; the series is empty")
        if len(lengths) != 1 or len(next(iter(lengths))) != 1 or next(iter(lengths))[0] % 12:
            raise HydroError(
                f"{self.source}: every section series must be one value per month over whole "
                f"years (a length that is a multiple of 12); got shapes {sorted(lengths)}"
            )
        n = next(iter(lengths))[0]
        clean: dict[str, dict[str, np.ndarray]] = {}
        for section, params in self.data.items():
            clean[section] = {}
            for parameter, values in params.items():
                if parameter not in SERIES_PARAMETERS:
                    raise HydroError(
                        f"{self.source}: section '{section}': unknown parameter '{parameter}'"
                        + suggest(parameter, SERIES_PARAMETERS)
                        + "; known: " + ", ".join(SERIES_PARAMETERS)
                    )
                arr = np.array(values, dtype=np.float64)
                if np.any(arr[np.isfinite(arr)] < 0):
                    raise HydroError(f"{self.source}: section '{section}', {parameter}: negative values")
                arr[~np.isfinite(arr)] = np.nan
                arr.setflags(write=False)
                clean[section][parameter] = arr
        object.__setattr__(self, "data", clean)
        object.__setattr__(self, "n_years", n // 12)

    # -- index --------------------------------------------------------------------
    @property
    def years(self) -> list[int]:
        """The calendar years of the index."""
        return list(range(self.first_year, self.first_year + self.n_years))

    @property
    def sections(self) -> list[str]:
        """Section ids, sorted."""
        return sorted(self.data)

    def parameters(self, section: str) -> list[str]:
        """Parameter ids held at ``section``, sorted."""
        return sorted(self.data[section])

    def has(self, section: str, parameter: str) -> bool:
        """Whether ``parameter`` has a series at ``section``."""
        return section in self.data and parameter in self.data[section]

    # -- values -------------------------------------------------------------------
    def monthly(self, section: str, parameter: str, year: int) -> np.ndarray:
        """The 12 monthly values of ``year`` (mg/L, or m³ for ``flow``); NaN where missing.

        A year outside the index, or a parameter the section has no data for, gives 12 NaN.
        """
        i = year - self.first_year
        values = self.data.get(section, {}).get(parameter)
        if values is None or not 0 <= i < self.n_years:
            return np.full(12, np.nan)
        return values[12 * i:12 * i + 12]

    def missing_months(self, section: str, parameter: str, year: int) -> list[int]:
        """Months (1..12) of ``year`` without a value."""
        return [int(m) + 1 for m in np.flatnonzero(np.isnan(self.monthly(section, parameter, year)))]

    def annual_mean(self, section: str, parameter: str, year: int, min_months: int = 12) -> float:
        """The arithmetic mean of the year's monthly means (mg/L); NaN if fewer than ``min_months``
        of its 12 months have a value (by default all 12 must).

        Rounded to 12 significant digits, so that round-off never moves a mean across
        a class limit or target (twelve months of 0.1 mg/L average to 0.1, not
        0.10000000000000002).
        """
        v = self.monthly(section, parameter, year)
        present = v[~np.isnan(v)]
        return round_significant(float(present.mean())) if present.size >= max(min_months, 1) else math.nan

    def annual_volume(self, section: str, year: int) -> float:
        """The year's flow volume (m³), the sum of 12 monthly volumes; NaN if any is missing."""
        v = self.monthly(section, FLOW, year)
        return float(v.sum()) if not np.isnan(v).any() else math.nan

    def annual_transferred(self, section: str, year: int) -> float:
        """The year's volume of water transferred from outside the basin at ``section`` (m³; NaN if
        a month is missing).

        Raises
        ------
        HydroError
            Where the series cannot tell it (:attr:`transferred`), with the reason.
        """
        known = self.transferred.get(section) if self.transferred is not None else None
        if known is None or isinstance(known, str):
            why = known or ("a monitoring series holds the whole flow; evaluate the agreement on a hydro "
                            "results file, whose section_transfer_discharge gives the transferred part")
            raise HydroError(f"{self.source}: the water transferred from outside the basin at '{section}' "
                             f"is not known: {why}")
        i = year - self.first_year
        v = np.asarray(known)[12 * i:12 * i + 12] if 0 <= i < self.n_years else np.full(12, np.nan)
        return float(v.sum()) if not np.isnan(v).any() else math.nan

    def flow_normalised_mean(self, section: str, parameter: str, year: int) -> float:
        """The WRTDS flow-normalised mean concentration (mg/L) of calendar ``year``.

        Computed (:func:`hydro.flownorm.wrtds_daily`, once per section and parameter)
        from the daily concentration and discharge in :attr:`daily`; NaN for a year the
        daily record does not cover completely.

        Raises
        ------
        HydroError
            If the series has no daily values (a monitoring CSV of monthly means), or
            the section has none for ``parameter``, or WRTDS cannot be fitted.
        """
        if self.daily is None:
            raise HydroError(f"{self.source}: flow normalisation needs daily concentration and "
                             "discharge (a hydro results file); this series holds monthly means only")
        table = self.daily.flow_normalised(section, parameter, self.source)
        value = table.get(year, math.nan)
        return round_significant(value) if not math.isnan(value) else math.nan

    def missing(self) -> list[dict]:
        """Every gap: ``{"section", "parameter", "year", "months"}`` per year with missing months."""
        out = []
        for section in self.sections:
            for parameter in self.parameters(section):
                for year in self.years:
                    months = self.missing_months(section, parameter, year)
                    if months:
                        out.append({"section": section, "parameter": parameter, "year": year,
                                    "months": months})
        return out


def normalise_parameter(name: str) -> str:
    """``"NH3-N"`` -> ``"nh3n"``: lower case without ``-``, ``_`` or spaces."""
    return re.sub(r"[-_\s]", "", str(name)).lower()
