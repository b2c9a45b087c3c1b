"""The built-in kinds' yearly rates and gross inputs of many subbasins in one call each.

:meth:`~hydro.sources.registry.SourceKind.rates` and
:meth:`~hydro.sources.registry.SourceKind.inputs` take one subbasin and arrays over
its years; a loop over 10,000 subbasins made some 4e5 calls on one-element arrays
(about a second).  Here subbasins whose sources have the same structure (the same
numbers of land-use classes, livestock types and plants, the same optional tables
given) are one *group*, and each kind is called once per group on a stand-in
subbasin whose every yearly field is :class:`YearColumns`: the values of all the
group's subbasins side by side.  The years axis the kind sees is years x subbasins
flattened (year-major): ``years``, ``days``, the area repeated for each year.

The built-in kinds compute element by element (products, sums over classes in the
class order, ``maximum``, ``minimum``), so each value is computed by the same
operations on the same operands as one subbasin at a time: the results are the same
bit for bit (``tests/test_sources.py`` compares them).  A kind registered by a user
is called subbasin by subbasin as before, and so is a group any of whose plain
(non-yearly) values a kind asks for and that differ between its subbasins
(:class:`Unstackable`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from operator import attrgetter, itemgetter
from types import SimpleNamespace
from typing import Any

import numpy as np

from hydro.errors import HydroError
from hydro.sources.deposition import is_water_class
from hydro.sources.kinds import BUILTIN_KINDS
from hydro.sources.registry import kinds
from hydro.sources.yearly import YearSeries
from hydro.units import HA_PER_KM2


class Unstackable(Exception):
    """A group's subbasins cannot be computed together (a kind used a value that differs)."""


class _Varies:
    """Stands for a plain value that differs between a group's subbasins: any use raises."""

    def _fail(self, *args, **kwargs):
        raise Unstackable("a plain value differs between the subbasins of a group")

    __eq__ = __ne__ = __lt__ = __le__ = __gt__ = __ge__ = __bool__ = __float__ = __int__ = __index__ = _fail  # type: ignore[assignment]
    __hash__ = __str__ = __format__ = __len__ = __iter__ = __getattr__ = _fail  # type: ignore[assignment]


VARIES = _Varies()


class YearColumns(YearSeries):
    """Yearly values of a group of subbasins: :meth:`at` of a years axis flattened as
    years x subbasins (year-major) gives each subbasin's own value in each year.

    Parameters
    ----------
    members : sequence of YearSeries
        One per subbasin of the group, in its order.
    """

    members: tuple[YearSeries, ...]

    def __init__(self, members: Sequence[YearSeries]):  # frozen: set as YearSeries.constant does
        members = tuple(members)  # (map and attrgetter: loops in C over 10,000 members)
        if not all(issubclass(t, YearSeries) for t in set(map(type, members))):
            raise Unstackable("a yearly field is not a YearSeries in every subbasin")
        object.__setattr__(self, "members", members)
        object.__setattr__(self, "years", ())
        object.__setattr__(self, "values", ())  # see low and high
        constant = not any(map(attrgetter("years"), members))
        object.__setattr__(self, "_constant", np.fromiter(map(itemgetter(0), map(attrgetter("values"), members)),
                                                          np.float64, len(members)) if constant else None)

    @property
    def low(self) -> float:
        """The smallest value any member takes."""
        return min(m.low for m in self.members)

    @property
    def high(self) -> float:
        """The largest value any member takes."""
        return max(m.high for m in self.members)

    def at(self, years) -> np.ndarray:
        """Each member's value in each year (float64 [n_year x n_member], year-major, flattened)."""
        y = np.asarray(years, dtype=np.float64)
        n = len(self.members)
        calendar = y.reshape(-1, n)[:, 0]  # every member sees the same years
        out = np.empty((calendar.shape[0], n))
        if self._constant is not None:  # type: ignore[attr-defined]
            out[:] = self._constant  # type: ignore[attr-defined]
        else:
            for j, m in enumerate(self.members):
                out[:, j] = m.at(calendar)
        return out.reshape(y.shape)


def _column(values: list[Any]) -> Any:
    """One field across a group's subbasins: stacked when yearly, the value when all equal."""
    first = values[0]
    if isinstance(first, YearSeries):
        return YearColumns(values)
    if first is None:  # an optional table or yearly field: given in all or none (_structure)
        return None if values.count(None) == len(values) else VARIES
    if dataclasses.is_dataclass(first):
        return _stack(values)
    if isinstance(first, tuple):
        if set(map(type, values)) != {tuple} or set(map(len, values)) != {len(first)}:
            raise Unstackable("tables of different lengths")
        return tuple(_stack(list(map(itemgetter(i), values))) for i in range(len(first)))
    return first if values.count(first) == len(values) else VARIES


def _stack(blocks: list[Any], skip: tuple[str, ...] = ("origin",)) -> Any:
    """A stand-in for the blocks (one per subbasin, of one dataclass) with every field but
    ``skip`` stacked."""
    first = blocks[0]
    if not dataclasses.is_dataclass(first):
        return _column(blocks)
    if set(map(type, blocks)) != {type(first)}:
        raise Unstackable("blocks of different types")
    return SimpleNamespace(**{f.name: _column(list(map(attrgetter(f.name), blocks)))
                              for f in dataclasses.fields(first) if f.name not in skip})


def _structure(sub) -> tuple:
    """What the built-in kinds branch on: the subbasins of one group have the same."""
    dep = sub.deposition
    return (tuple((lu.deposition_kg_per_ha_yr is None, is_water_class(lu)) for lu in sub.land_use),
            sub.groundwater is None, sub.rural_domestic is None, len(sub.livestock), len(sub.point),
            sub.surface_fraction,
            None if dep is None else (dep.land_rate_kg_per_ha_yr is None, dep.oxidised_kg_per_ha_yr is None))


def groups(subs: Sequence[Any]) -> list[np.ndarray]:
    """The subbasins' indices by structure (:func:`_structure`), each group in subbasin order."""
    found: dict[tuple, list[int]] = {}
    for s, sub in enumerate(subs):
        found.setdefault(_structure(sub), []).append(s)
    return [np.array(v, dtype=np.int64) for v in found.values()]


def builtin(kind) -> bool:
    """Whether ``kind`` is one of the built-in kinds (computed element by element)."""
    return type(kind) in BUILTIN_KINDS


def each_group(subs: Sequence[Any], years: np.ndarray, days: np.ndarray, area: np.ndarray,
               call: Callable[[Any, np.ndarray, np.ndarray, np.ndarray, np.ndarray], None],
               one: Callable[[int], None]) -> None:
    """``call(stand_in, index, years_flat, days_flat, area_flat)`` per group of subbasins
    ``index`` (the years axis flattened year-major: module docstring); ``one(s)`` for every
    subbasin ``s`` of a group that cannot be stacked (:class:`Unstackable`, or a kind asking
    the stand-in for what it does not have), so ``call`` writes its results last."""
    for index in groups(subs):
        members = [subs[s] for s in index]
        try:
            stand_in = _stack(members, skip=("origin", "subbasin", "extra", "timing"))
            stand_in.surface_fraction = members[0].surface_fraction  # one in a group (_structure)
            n = len(index)
            call(stand_in, index, np.repeat(years, n), np.repeat(days, n), np.tile(area[index], len(years)))
        except (Unstackable, AttributeError):
            for s in index:
                one(int(s))


def by_group(subs: Sequence[Any], years: np.ndarray, days: np.ndarray, area: np.ndarray,
             group: Callable[[Any, np.ndarray, np.ndarray, np.ndarray, np.ndarray], None],
             one: Callable[[int], None]) -> None:
    """:func:`each_group` when every registered kind is built in, else ``one`` per subbasin."""
    if all(builtin(kind) for kind in kinds()):
        each_group(subs, years, days, area, group, one)
    else:
        for s in range(len(subs)):
            one(s)


def _all_rates(r: dict[str, np.ndarray], names: Sequence[str]) -> None:
    """Refuse rates a kind did not give (a registered kind whose ``rates`` returns ``{}`` for a subbasin
    without its table: a bare KeyError deep in the loads before)."""
    missing = [k for k in names if k not in r]
    if missing:
        raise HydroError(f"source kind rates: no {', '.join(repr(k) for k in missing)} among {sorted(r)}; a kind's "
                         "rates() gives its rates for every subbasin (zeros where the subbasin has no table of it: "
                         "docs/sources.md)")


def rates(subs: Sequence[Any], years: np.ndarray, days: np.ndarray, area: np.ndarray, names: Sequence[str],
          single: Callable[[Any, np.ndarray, float], dict[str, np.ndarray]]) -> dict[str, np.ndarray]:
    """The kinds' yearly rates ``names`` of every subbasin, [n_year, n_sub] each (kg/d, mg/L, d);
    ``single(sub, years, area_km2)`` gives one subbasin's (:func:`hydro.sources.loads.yearly_rates`)."""
    n_year = len(years)
    out = {k: np.zeros((n_year, len(subs))) for k in names}

    def one(s: int) -> None:
        r = single(subs[s], years, float(area[s]))
        _all_rates(r, names)
        for k in names:
            out[k][:, s] = r[k]

    def group(sub, index, y, d, a) -> None:
        r: dict[str, np.ndarray] = {}
        for kind in kinds():
            r.update(kind.rates(sub, y, d, a))
        _all_rates(r, names)
        for k in names:
            out[k][:, index] = r[k].reshape(n_year, len(index))

    by_group(subs, years, days, area, group, one)
    return out


def inputs(subs: Sequence[Any], years: np.ndarray, days: np.ndarray, area: np.ndarray,
           categories: Sequence[str]) -> np.ndarray:
    """Every subbasin's gross inputs by category, [n_year, n_sub, n_category] (kg N/yr;
    :func:`hydro.sources.loads.gross_inputs`); ``area`` in km2."""
    n_year = len(years)
    out = np.zeros((n_year, len(subs), len(categories)))

    def one(s: int) -> None:
        ha = HA_PER_KM2 * float(area[s])
        by_category = {name: np.zeros(n_year) for name in categories}
        for kind in kinds():
            kind.inputs(subs[s], years, days, ha, by_category)
        for k, name in enumerate(categories):
            out[:, s, k] = by_category[name]

    def group(sub, index, y, d, a) -> None:
        by_category = {name: np.zeros(len(y)) for name in categories}
        for kind in kinds():
            kind.inputs(sub, y, d, HA_PER_KM2 * a, by_category)
        for k, name in enumerate(categories):
            out[:, index, k] = by_category[name].reshape(n_year, len(index))

    by_group(subs, years, days, area, group, one)
    return out
