"""Parameter blocks of the source kinds: yearly fields coerced and range-checked when built.

A block is one table of ``[subbasins.sources]`` (``[groundwater]``, one
``[livestock.<type>]``, one ``[[point]]`` ...) as a frozen dataclass
(:class:`Block`); each source kind (:mod:`hydro.sources.kinds`) defines its own
and reads it with :meth:`Block.read`.  Checks run when a block is built, so
blocks made in Python are checked like those read from a file.  This module
also holds the reading helpers the kinds share (unknown keys, strings, tables
of named classes).
"""

from __future__ import annotations

import dataclasses
import math
import sys
from collections.abc import Set as AbstractSet
from typing import Any, ClassVar

import numpy as np

from hydro.errors import suggest
from hydro.sources.yearly import Origin, YearSeries, as_series, check_range
from hydro.tomlio import Table

#: Bounds of a share or fraction, and of a value >= 0.  No inventory value of a subbasin reaches 1e10 in
#: its unit: people and head (the world has 8e9 people), m3 of effluent a day (1e5 m3 s-1, the Yangtze's
#: floods, is 8.6e9), kg/ha/yr, mg/L, g/day; more is a typing slip.  There was no bound: 1e300 head or
#: people, or kg/ha/yr of deposition, gave TN of 1e200 mg/L, exit 0.
FRACTION = {"minimum": 0.0, "maximum": 1.0}
NONNEG = {"minimum": 0.0, "maximum": 1.0e10}
#: Bounds of N a hectare receives or loses a year (fertiliser, manure, fixation, uptake, deposition),
#: kg ha-1 yr-1: the heaviest-fertilised land, greenhouse vegetables in North China, takes of the order of
#: 1,000-2,000 kg N/ha a year, so 5,000 leaves room; more is a unit slip (220,000 for 220: g for kg).
AREAL_RATE = {"minimum": 0.0, "maximum": 5000.0, "why": "more than any land receives; a unit slip (g for kg)?"}
#: Bounds of the N a person excretes a day, g: about 10-12 (region I5: 11.8); 100 is eight times it.
PER_CAPITA_N = {"minimum": 0.0, "maximum": 100.0, "why": "a person excretes about 10-12 g N a day; a unit slip?"}
#: Bounds of the TN event-mean concentration of a land use's quick flow, mg/L: runoff from villages and towns, the
#: richest diffuse runoff, holds about 2-20 (a feedlot's outfall is a point source, bounded as effluent), so 100
#: leaves room.  It was 1,000: a forest's 0.8 mg/L given as 800 ug/L ran, the outlet's TN 3.4 times too high.
MAX_EMC_MG_L = 100.0
TN_MG_L = {"minimum": 0.0, "maximum": MAX_EMC_MG_L,
           "why": "more than any land's runoff holds (village runoff: about 10); ug/L given as mg/L?"}
#: Bounds of the N a head of livestock excretes a year, kg: a high-yield dairy cow excretes 130-160, so 250 leaves
#: room; g given as kg (a pig's 6.1 kg as 6,100) made a border section's TN 33 times too high, exit 0.
EXCRETION_KG_PER_HEAD_YR = {"minimum": 0.0, "maximum": 250.0,
                            "why": "more than any animal excretes (a dairy cow: 130-160 kg N a year); g given as kg?"}
#: Bounds of a point source's effluent TN, mg/L: raw sewage holds 20-85 (TN), a livestock farm's outfall up to a
#: few thousand (raw pig slurry); 10,000 leaves room, and ug/L given as mg/L is a thousand times the value.
MAX_EFFLUENT_TN_MG_L = 10000.0
EFFLUENT_TN_MG_L = {"minimum": 0.0, "maximum": MAX_EFFLUENT_TN_MG_L,
                    "why": "more than even raw slurry holds; ug/L given as mg/L?"}
#: Bounds of a point source's effluent, m3 d-1: the largest treatment plants in the world take a few million
#: m3 a day (Egypt's New Delta 7.5e6, Shanghai's Bailonggang 2.8e6; Beijing's largest, Gaobeidian, 1e6), so
#: 1e7 (116 m3 s-1) leaves room; more is m3 a year given as m3 a day or a typing slip.  It was bounded at 1e10:
#: 1e8 m3 a day from one plant ran, its effluent a river.
MAX_EFFLUENT_M3_PER_DAY = 1.0e7
EFFLUENT_M3_PER_DAY = {"minimum": 0.0, "maximum": MAX_EFFLUENT_M3_PER_DAY,
                       "why": "more than the largest treatment plants discharge; m3 a year given as m3 a day?"}
#: Bounds of the groundwater store's mean residence time, years: legacy-N studies find lags of years to decades
#: (up to about 30 years behind stream N, Van Meter & Basu 2015; deep aquifers hold older water, but it no longer
#: feeds a river's baseflow within a run), so 1,000 leaves room; 8e6 or 1e300 ran (a store that never drains).
RESIDENCE_YEARS = {"positive": True, "maximum": 1000.0,
                   "why": "a store that would drain over more than a millennium; days or months given as years?"}
#: What a yearly field may be given as: a number, a ``{year: value}`` dict or a YearSeries.
Yearly = YearSeries | float | dict


class Block:
    """A parameter block: yearly fields coerced and range-checked at construction.

    Subclasses list their yearly fields in ``_YEARLY`` (name -> bounds) and may
    read plain (non-yearly) fields in ``_read_plain``.
    """

    _YEARLY: ClassVar[dict[str, dict]] = {}
    _PLAIN: ClassVar[tuple[str, ...]] = ()

    def __post_init__(self):
        constant = _constant
        for name, bounds, low, high in _checks(type(self)):
            value = getattr(self, name)
            if value is None:
                continue
            kind = type(value)
            # a plain number within bounds (almost every field of a file): the checks of
            # as_series and check_range reduce to one comparison (NaN and inf fail it)
            if (kind is float or kind is int) and low <= value <= high:
                series = constant(value)
            else:  # anything else, and every error, the general way (and its messages)
                series = as_series(value, self.origin, name)
                check_range(series, self.origin, name, **bounds)
            object.__setattr__(self, name, series)

    @classmethod
    def _read_plain(cls, table: Table, origin: Origin) -> dict[str, Any]:
        return {}

    @classmethod
    def read(cls, table: Table, origin: Origin, **given) -> Block:
        """Build from a TOML table; unknown keys are errors naming the subbasin."""
        known, required = _keys(cls)
        finish_keys(table, origin, known)  # a typo explains a missing key
        kwargs = dict(given)
        data = table.data
        table.mark(cls._YEARLY)
        for name in cls._YEARLY:
            if name in data:
                kwargs[name] = data[name]
            elif name in required:
                raise origin.error(name, "missing; add it to this table")
        kwargs.update(cls._read_plain(table, origin))
        return cls(**kwargs, origin=origin)  # type: ignore[call-arg]


#: Constant yearly values shared between blocks (a YearSeries is immutable): a 10,000-reach
#: basin's 2.1e5 constants hold some 1.6e4 distinct values; at most _SHARED_MAX are kept.
_SHARED: dict[float, YearSeries] = {}
_SHARED_MAX = 4096


def _constant(value: float) -> YearSeries:
    """``YearSeries.constant(value)`` for a finite number, shared with the blocks built before."""
    if value == 0.0 and math.copysign(1.0, value) < 0.0:  # -0.0 would find 0.0's: never shared
        return YearSeries.constant(value)
    series = _SHARED.get(value)
    if series is None:
        series = YearSeries.constant(value)
        if len(_SHARED) < _SHARED_MAX:
            _SHARED[value] = series
    return series


_CHECKS: dict[type[Block], tuple[tuple[str, dict, float, float], ...]] = {}
_KEYS: dict[type[Block], tuple[frozenset[str], frozenset[str]]] = {}


def _checks(cls: type[Block]) -> tuple[tuple[str, dict, float, float], ...]:
    """Per yearly field of ``cls``: its name, its bounds (``check_range``'s keywords) and the
    closed interval ``[low, high]`` a number within them lies in (finite: inf is outside)."""
    found = _CHECKS.get(cls)
    if found is None:
        found = _CHECKS[cls] = tuple((name, bounds, *_interval(**bounds)) for name, bounds in cls._YEARLY.items())
    return found


def _interval(minimum: float | None = None, maximum: float | None = None, positive: bool = False,
              unit: str = "", why: str = "") -> tuple[float, float]:
    """``[low, high]`` holding exactly the finite values :func:`check_range` accepts."""
    low = -sys.float_info.max if minimum is None else float(minimum)
    if positive:  # v > 0 is v >= the smallest positive double
        low = max(low, math.ulp(0.0))
    high = sys.float_info.max if maximum is None else float(maximum)
    return low, high


def _keys(cls: type[Block]) -> tuple[frozenset[str], frozenset[str]]:
    """The keys a block's table may hold and the yearly fields it must hold."""
    found = _KEYS.get(cls)
    if found is None:
        fields = {f.name: f for f in dataclasses.fields(cls)}  # type: ignore[arg-type]
        required = frozenset(n for n in cls._YEARLY if fields[n].default is dataclasses.MISSING)
        found = _KEYS[cls] = (frozenset(cls._YEARLY) | frozenset(cls._PLAIN), required)
    return found


def finish_keys(table: Table, origin: Origin, known: AbstractSet[str]) -> None:
    """Raise a located error for a key of ``table`` not in ``known`` (the nearest known key, else all of them)."""
    for key in table.data:
        if key not in known:
            hint = suggest(key, sorted(known)) or f" (known keys: {', '.join(sorted(known))})"
            raise origin.error(key, "unknown key" + hint + "; remove or rename it")


def read_str(table: Table, origin: Origin, key: str, default: Any = None, required: bool = True) -> str:
    """A non-empty string at ``key``; ``default`` when absent and not ``required``."""
    if not table.has(key):
        if required:
            raise origin.error(key, "missing; add it to this table")
        return default
    value = table.raw(key)
    if not isinstance(value, str) or not value:
        raise origin.error(key, f"expected a non-empty string, got {value!r}")
    return value


def table_names(src: Table, key: str, origin: Origin) -> list[str]:
    """The names of the ``[subbasins.sources.<key>.<name>]`` tables (a located error if not tables)."""
    value = src.raw(key)
    if not isinstance(value, dict) or not all(isinstance(v, dict) for v in value.values()):
        raise origin.error(key, f"expected tables [subbasins.sources.{key}.<name>], one per class")
    return list(value)


def named_table(src: Table, key: str, name: str) -> Table:
    """The table ``[subbasins.sources.<key>.<name>]``."""
    return Table(src.raw(key)[name], src.file, f"{src.path(key)}.{name}")


def block_table(src: Table, key: str, origin: Origin) -> Table:
    """The table ``[subbasins.sources.<key>]`` (a located error if it is not a table)."""
    if not isinstance(src.raw(key), dict):
        raise origin.error(key, f"expected a table [subbasins.sources.{key}]")
    return src.table(key)


def at(value: object, years: np.ndarray) -> np.ndarray:
    """A yearly field's values in ``years`` (fields are coerced to YearSeries when a block is built)."""
    if not isinstance(value, YearSeries):
        raise TypeError(f"expected a YearSeries, got {type(value).__name__}")
    return value.at(years)
