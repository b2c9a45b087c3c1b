"""The price year of a scenario file's costs: measures priced in different years' yuan, in one year's.

A scenario file may say the year whose prices its results are in (``[scenario_set] price_year = 2020``),
each measure the year its unit costs are in (``[measures.costs] price_year = 2015``), and the price
index that converts them (``[price_index]``: ``2015 = 100.0``, ``2020 = 108.3``, with the ``source`` of
the series, or ``assumption = true`` and a ``note``)::

    cost in the set's year = cost x index[set year] / index[cost year]

A measure without a ``price_year`` of its own is in the set's prices.  hydro ships no index: the
user gives the series, citing it.  Refused, naming the file, the key and the fix: a measure's
``price_year`` without the set's, a ``[price_index]`` without the set's ``price_year``, a measure in
another year's prices without an index or with a year the index lacks, and an index value that is
not a positive number.  A file without any ``price_year`` is read, run and summed as before (costs as
the file gives them, untouched, and the results say no year); until 2026-12-05 no year was read,
and costs written in different years' yuan were summed as if equal.
"""

from __future__ import annotations

import dataclasses
import math
import re
from dataclasses import dataclass
from typing import Any

from hydro.compensation.agreement import read_provenance
from hydro.compensation.rules import Provenance
from hydro.dates import PLAUSIBLE_YEARS
from hydro.tomlio import Table

#: The key naming a price year (``[scenario_set]``, ``[measures.costs]``).
KEY = "price_year"
#: The table of the price index.
INDEX = "price_index"


@dataclass(frozen=True)
class PriceIndex:
    """A price index the user gives: year -> index value (any base), and where it is from.

    Attributes
    ----------
    values : dict
        ``{year: index value}``, each positive.
    source : str
        Its citation (``status == "cited"``) or the note of an assumption (``"assumed"``).
    status : str
    """

    values: dict
    source: str
    status: str = "cited"

    def factor(self, to_year: int, from_year: int) -> float:
        """What a cost in ``from_year``'s prices is multiplied by to be in ``to_year``'s."""
        return self.values[to_year] / self.values[from_year]


def read_price_year(t: Table) -> int | None:
    """``price_year`` of ``t`` (None: absent), a calendar year as a measure's ``years`` are."""
    year = t.int(KEY, None)
    if year is not None and not PLAUSIBLE_YEARS[0] <= year <= PLAUSIBLE_YEARS[1]:
        raise t.error(KEY, f"expected a calendar year {PLAUSIBLE_YEARS[0]}..{PLAUSIBLE_YEARS[1]}, got {year}; "
                           "write the four-digit year whose prices the costs are in (2020, not 20)")
    return year


def read_price_index(top: Table, log: list[Provenance]) -> PriceIndex | None:
    """The file's ``[price_index]`` (None: absent): ``YEAR = value`` for each year, and its ``source``
    (or ``assumption = true`` with a ``note``), each value logged as a number of the file."""
    if not top.has(INDEX):
        return None
    t = top.table(INDEX)
    prov = read_provenance(t, None)
    if prov is None:
        raise top.error(INDEX, "give the index's 'source' (the published series, e.g. the statistical "
                               "yearbook's table) or 'assumption = true' with a 'note'")
    values: dict[int, float] = {}
    for key in [k for k in t.data if k not in ("source", "assumption", "note")]:
        value = t.raw(key)
        if not re.fullmatch(r"\d{4}", key) or not PLAUSIBLE_YEARS[0] <= int(key) <= PLAUSIBLE_YEARS[1]:
            raise t.error(key, f"expected a four-digit year as the key (2015 = 100.0), got {key!r}")
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value <= 0:
            raise t.error(key, f"expected a positive index value (any base: 2015 = 100.0), got {value!r}; "
                               "an index of 0 or less converts no price")
        values[int(key)] = float(value)
        log.append(Provenance(t.path(key), float(value), *prov))
    t.finish()
    if not values:
        raise top.error(INDEX, "no years given: write one line per year, YEAR = index value (2015 = 100.0)")
    return PriceIndex(values, prov[1], prov[0])


def to_set_prices(measures: dict, set_year: int | None, index: PriceIndex | None, top: Table) -> dict:
    """``measures`` (id -> :class:`~hydro.scenarios.spec.Measure`) with their costs in ``set_year``'s prices.

    A measure whose ``costs.price_year`` is another year has its unit capital and operating costs
    multiplied by ``index.factor(set_year, year)`` (its ``costs.price_factor`` records it); one in the
    set's year, or without a year, is returned as it is (so is every measure of a file without price years).

    Raises
    ------
    HydroError
        Naming ``top``'s file and the key (``measures[2].costs.price_year``, ``price_index``) for a
        measure's year without ``[scenario_set] price_year``, an index without it, a measure in another
        year's prices without an index, or a year (the measure's or the set's) the index lacks.
    """
    out = {}
    for mid, m in measures.items():
        year = m.costs.price_year
        where = Table({}, top.file, f"{m.key}.costs")  # for the error's key path
        if year is not None and set_year is None:
            raise where.error(KEY, f"the costs are in {year} prices, but [scenario_set] has no price_year: add "
                                   f"price_year = YEAR to [scenario_set] (the year whose prices the results are "
                                   f"in: {year} to keep these), and a [price_index] for measures in other years")
        if year is None or year == set_year:
            out[mid] = m
            continue
        assert set_year is not None  # (raised above)
        if index is None:
            raise where.error(KEY, f"the costs are in {year} prices and [scenario_set] price_year = {set_year}: "
                                   f"give a [price_index] with {year} and {set_year} (a published series, with its "
                                   f"source) to convert them, or give the costs in {set_year} prices and drop "
                                   "this price_year; costs in different years' yuan are not summed as if equal")
        missing = [y for y in (year, set_year) if y not in index.values]
        if missing:
            raise where.error(KEY, f"[price_index] has no value for {' and '.join(map(str, missing))} (it gives "
                                   f"{', '.join(map(str, sorted(index.values)))}): add "
                                   + " and ".join(f"{y} = ..." for y in missing)
                                   + f" to [price_index] to convert {year} prices to {set_year}'s")
        f = index.factor(set_year, year)
        costs = dataclasses.replace(m.costs, capital_yuan_per_unit=m.costs.capital_yuan_per_unit * f,
                                    operating_yuan_per_unit_yr=m.costs.operating_yuan_per_unit_yr * f,
                                    price_factor=f)
        out[mid] = dataclasses.replace(m, costs=costs)
    if index is not None and set_year is None:
        raise top.error(INDEX, "a price index converts the measures' costs to the year [scenario_set] price_year "
                               "names, and it names none: add price_year = YEAR to [scenario_set]")
    return out


def price_notes(measures, set_year: int | None, index: PriceIndex | None) -> list[str]:
    """A note for each of ``measures`` whose costs were converted to ``set_year``'s prices, with the factor."""
    out = []
    for m in measures:
        if m.costs.price_year not in (None, set_year):
            out.append(f"{m.id}: unit costs given in {m.costs.price_year} prices, counted in {set_year} prices "
                       f"(x {m.costs.price_factor:.6g} = index {set_year} / index {m.costs.price_year}, "
                       f"[price_index]: {index.source if index else ''})")
    return out


def priced(unit: str, year: Any) -> str:
    """``unit`` with the price year after its first part (``yuan`` -> ``yuan (2020 prices)``; ``yuan kg-1
    (cost_method spent: ...)`` -> ``yuan kg-1 (2020 prices) (cost_method spent: ...)``); as it is without a year."""
    if year is None or year == "":
        return unit
    head, sep, rest = unit.partition(" (")
    return f"{head} ({year} prices)" + (f" ({rest}" if sep else "")


def unpriced(unit: str) -> str:
    """``unit`` without the price year :func:`priced` adds."""
    return re.sub(r" \(\d{4} prices\)", "", unit, count=1)


def prices_text(unit: str) -> str:
    """`` (2020 prices)`` where ``unit`` carries a price year (:func:`priced`), else ``""``: for printed lines."""
    found = re.search(r" \(\d{4} prices\)", unit)
    return found.group(0) if found else ""


def attributes(sfile) -> dict[str, str]:
    """The results' attributes saying the price year of the costs (none for a file without one):
    ``price_year``, ``price_index`` (``2015=100;2020=108.3``), ``price_index_source`` and
    ``measure_price_years`` (``id=year`` of each measure's unit costs as given)."""
    year = sfile.price_year
    if year is None:
        return {}
    out = {KEY: str(year),
           "measure_price_years": ";".join(f"{m.id}={m.costs.price_year or year}" for m in sfile.measures.values())}
    if sfile.price_index is not None:
        out[INDEX] = ";".join(f"{y}={v!r}" for y, v in sorted(sfile.price_index.values.items()))
        out["price_index_source"] = sfile.price_index.source
    return out


__all__ = ["INDEX", "KEY", "PriceIndex", "attributes", "price_notes", "priced", "prices_text", "read_price_index",
           "read_price_year", "to_set_prices", "unpriced"]
