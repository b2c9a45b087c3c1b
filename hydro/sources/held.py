"""The sources' inventory past its tables' last year (long-horizon review, 2026-12-06): a yearly value is held
at its last given year's after it (:mod:`hydro.sources.yearly`), and one given as a number is the same every
year, so a run on generated weather to 2050 has the rural population, herds, fertiliser and plants of the last
year its tables give (the example watershed's fertiliser trend of 2001-2010 stays at its 2010 value to 2030)
or of the one number given.  Nothing in a run said so; a run on generated weather past that year now says it
on stderr (:func:`held_note`) and in the global attribute :data:`ATTRIBUTE`."""

from __future__ import annotations

import dataclasses
from datetime import date
from typing import Any

#: The global attribute: the year after which the sources' tables hold their last values, and how many of the
#: inventory's values are tables of years (``2010 (3 of 140 values are tables of years; the rest one number)``).
ATTRIBUTE = "source_inventory_held_after"


def _series(node: Any, out: list) -> None:
    """Every :class:`hydro.sources.yearly.YearSeries` under ``node`` (dataclasses, dicts, lists), into ``out``."""
    from hydro.sources.yearly import YearSeries

    if isinstance(node, YearSeries):
        out.append(node)
    elif dataclasses.is_dataclass(node) and not isinstance(node, type):
        for f in dataclasses.fields(node):
            _series(getattr(node, f.name), out)
    elif isinstance(node, dict):
        for value in node.values():
            _series(value, out)
    elif isinstance(node, (list, tuple)):
        for value in node:
            _series(value, out)


def inventory_years(basin) -> tuple[int | None, int, int]:
    """``(last year of any table of years or None, tables of years, values)`` of a watershed ``basin``'s
    sources (its ``[[subbasins]]`` blocks as the run reads them, measures applied)."""
    from hydro.sources.parameters import SourceParameters

    found: list = []
    _series(SourceParameters.from_subbasin_tables(basin.subbasin_tables), found)
    tables = [s for s in found if s.years]
    return max((s.years[-1] for s in tables), default=None), len(tables), len(found)


def _held(basin, last: date, generated: bool) -> tuple[int | None, int, int] | None:
    """:func:`inventory_years` where a run on generated weather (``generated``) to ``last`` goes past its last
    table year (or has no table), else None."""
    if not generated or basin.watershed is None:
        return None
    year, n_tables, n_values = inventory_years(basin)
    return (year, n_tables, n_values) if n_values and (year is None or last.year > year) else None


def held_attribute(basin, last: date, generated: bool) -> dict[str, str]:
    """:data:`ATTRIBUTE` of a run to ``last`` on generated weather (``generated``), ``{}`` where none is held."""
    held = _held(basin, last, generated)
    if held is None:
        return {}
    year, n_tables, n_values = held
    return {ATTRIBUTE: f"{year if year is not None else 'none'} ({n_tables} of {n_values} values are tables of "
                       "years; the rest one number for every year)"}


def held_note(basin, last: date, generated: bool) -> str:
    """The stderr note of a run to ``last`` on generated weather whose sources hold their inventory, or ``""``."""
    held = _held(basin, last, generated)
    if held is None:
        return ""
    year, n_tables, n_values = held
    tables = (f"its tables of years ({n_tables} of its {n_values} values) hold their {year} values after {year}, "
              "the rest is one number for every year" if year is not None
              else f"its {n_values} values are each one number for every year")
    return (f"note: the sources' inventory (population, livestock, fertiliser, plants) is not projected: {tables}; "
            f"the generated years to {last.year} keep it (give a table of years, or --set, for a trend)")
