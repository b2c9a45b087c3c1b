"""Yearly parameter values: a constant or a table of years, interpolated per year.

A yearly value is written in TOML either as a number (the same every year) or as
a table of years, ``{ 2015 = 30000, 2020 = 26000 }``.  Between two given years
the value is interpolated linearly in the year number; before the first and
after the last given year it is held constant at that year's value.  A model
day takes the value of its calendar year (values are constant within a year),
so a measure that changes a value from a given year acts from 1 January.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from hydro.dates import PLAUSIBLE_YEARS
from hydro.errors import HydroError

_YEAR_KEY = re.compile(r"^[+-]?[0-9]+$")


@dataclass(frozen=True)
class Origin:
    """Where a parameter block came from, for error messages.

    Attributes
    ----------
    file : str
        The TOML file ("" when built in Python).
    subbasin : str
        The subbasin id.
    path : str
        The key path of the block inside the file, e.g. ``subbasins[2].sources.livestock.pig``.
    """

    file: str = ""
    subbasin: str = ""
    path: str = ""

    def child(self, key: str) -> "Origin":
        """The origin of sub-block ``key``."""
        return Origin(self.file, self.subbasin, f"{self.path}.{key}" if self.path else key)

    def error(self, key: str, message: str) -> HydroError:
        """A :class:`HydroError` naming the file, the subbasin and ``key``."""
        parts = []
        if self.file:
            parts.append(self.file)
        if self.subbasin:
            parts.append(f"subbasin '{self.subbasin}'")
        full = f"{self.path}.{key}" if self.path and key else (self.path or key)
        if full:
            parts.append(f"key '{full}'")
        return HydroError(": ".join(parts + [message]))


@dataclass(frozen=True)
class YearSeries:
    """A value that may change from year to year.

    Attributes
    ----------
    years : tuple of int
        Years with a given value, strictly increasing; empty for a constant.
    values : tuple of float
        The given values (one, for a constant).

    Notes
    -----
    :meth:`at` interpolates linearly between given years and holds the first and
    last values constant outside them (``numpy.interp``).
    """

    years: tuple[int, ...]
    values: tuple[float, ...]

    def __post_init__(self):
        years = tuple(int(y) for y in self.years)
        values = tuple(float(v) for v in self.values)
        if len(values) != max(len(years), 1):
            raise HydroError(f"YearSeries: {len(years)} years but {len(values)} values")
        if any(b <= a for a, b in zip(years, years[1:])):
            raise HydroError(f"YearSeries: years must increase strictly, got {years}")
        if not all(math.isfinite(v) for v in values):  # math, not numpy: 10,000-reach basins make 1e5 of these
            raise HydroError(f"YearSeries: values must be finite, got {values}")
        object.__setattr__(self, "years", years)
        object.__setattr__(self, "values", values)

    @classmethod
    def constant(cls, value: float) -> "YearSeries":
        """The same value every year."""
        v = float(value)
        if not math.isfinite(v):
            raise HydroError(f"YearSeries: values must be finite, got {(v,)}")
        # the checks of __post_init__ reduce to the one above: skip them (a 10,000-reach
        # basin builds some 2e5 constants while it loads)
        series = object.__new__(cls)
        object.__setattr__(series, "years", ())
        object.__setattr__(series, "values", (v,))
        return series

    def at(self, years) -> np.ndarray:
        """The values in the given calendar years (float64 array of the same shape)."""
        y = np.asarray(years, dtype=np.float64)
        if not self.years:
            return np.full(y.shape, self.values[0])
        return np.interp(y, np.asarray(self.years, dtype=np.float64), np.asarray(self.values))

    @property
    def low(self) -> float:
        """The smallest value it takes (interpolation stays within the given values)."""
        return min(self.values)

    @property
    def high(self) -> float:
        """The largest value it takes."""
        return max(self.values)


def as_series(value, origin: Origin, key: str) -> YearSeries:
    """Coerce a number, a ``{year: value}`` mapping or a :class:`YearSeries`.

    Raises
    ------
    HydroError
        For a non-number, an empty table, a key that is not an integer year or a
        non-finite value; the message names the subbasin and ``key``.
    """
    if isinstance(value, YearSeries):
        return value
    if isinstance(value, bool):
        raise origin.error(key, f"expected a number or a table of years, got {value!r}")
    if isinstance(value, (int, float, np.integer, np.floating)):
        if not math.isfinite(value):
            raise origin.error(key, f"expected a finite number, got {value}")
        return YearSeries.constant(float(value))
    if isinstance(value, Mapping):
        if not value:
            raise origin.error(key, "empty table of years; give { 2015 = x, 2020 = y } or a number")
        pairs = []
        first, last = PLAUSIBLE_YEARS
        for year, v in value.items():
            if isinstance(year, bool) or not (
                isinstance(year, (int, np.integer)) or (isinstance(year, str) and _YEAR_KEY.match(year))
            ):
                raise origin.error(f"{key}.{year}", f"'{year}' is not a year; the keys of a table "
                                   "of years are integers such as 2015")
            if isinstance(v, bool) or not isinstance(v, (int, float, np.integer, np.floating)):
                raise origin.error(f"{key}.{year}", f"expected a number, got {v!r}")
            if not math.isfinite(v):
                raise origin.error(f"{key}.{year}", f"expected a finite number, got {v}")
            if not first <= int(year) <= last:  # 201 for 2010 bent the line from year 201
                raise origin.error(f"{key}.{year}", f"year {year} is outside {first}..{last}; "
                                   "write four-digit years (2015, not 15)")
            pairs.append((int(year), float(v)))
        pairs.sort()
        years = [p[0] for p in pairs]
        if len(set(years)) != len(years):
            raise origin.error(key, f"year given twice in {sorted(years)}")
        return YearSeries(tuple(years), tuple(p[1] for p in pairs))
    raise origin.error(key, f"expected a number or a table of years {{ 2015 = x }}, got {value!r}")


def check_range(series: YearSeries, origin: Origin, key: str, *, minimum: float | None = None,
                maximum: float | None = None, positive: bool = False, unit: str = "", why: str = "") -> None:
    """Raise a located :class:`HydroError` if any value is out of bounds (``why``: what a value
    beyond ``maximum`` means, added to the message)."""
    for year, v in zip(series.years or (None,), series.values):
        if positive and v <= 0:
            expected = "> 0"
        elif minimum is not None and v < minimum:
            expected = f">= {minimum}"
        elif maximum is not None and v > maximum:
            expected = f"<= {maximum}"
        else:
            continue
        where = key if year is None else f"{key}.{year}"
        said = f"; {why}" if why and expected.startswith("<=") else ""
        raise origin.error(where, f"expected a value {expected}{' ' + unit if unit else ''}, got {v}{said}")
