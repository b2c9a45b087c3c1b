"""Reading the fields of a scenario file's tables: cited numbers, identifiers, names, places.

This module owns how one value of a scenario file is read and checked (the file
as a whole is :class:`hydro.scenarios.spec.ScenarioFile`): numbers that carry
their provenance (:class:`Reader`, which logs one
:class:`~hydro.compensation.rules.Provenance` per number, as agreements do),
identifiers, lists of names, and ``where`` tables (:class:`Where`).  Measure
kinds (:mod:`hydro.scenarios.kinds`) read their parameters with these helpers, so
every kind reports bad input the same way.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from hydro.compensation.agreement import read_provenance
from hydro.compensation.rules import Provenance
from hydro.counties import county_parts as county_parts
from hydro.counties import in_counties as in_counties
from hydro.errors import HydroError
from hydro.tomlio import Table

#: Marks a key as required (no default) for :meth:`Reader.number` and ``Table.str``.
REQUIRED: Any = object()
#: Keys of ``where`` (all given criteria must hold).
WHERE_KEYS = ("subbasins", "counties", "provinces", "reservoir")


@dataclass(frozen=True)
class Where:
    """Where a measure acts: every given criterion must hold (None: not constrained)."""

    subbasins: tuple[str, ...] | None = None
    counties: tuple[str, ...] | None = None
    provinces: tuple[str, ...] | None = None
    reservoir: str | None = None
    everywhere: bool = False


class Reader:
    """Numbers of a table that may carry their own provenance.

    Parameters
    ----------
    table : Table
    default : (str, str) or None
        The table's provenance (``("cited", source)`` or ``("assumed", note)``),
        which a number without its own inherits; None: unstated.
    log : list of Provenance
        Every number read is appended here.
    """

    def __init__(self, table: Table, default, log: list[Provenance]):
        self.t = table
        self.default = default or ("unstated", "")
        self.log = log

    def number(self, key: str, default: Any = REQUIRED, *, minimum=None, maximum=None, positive=False,
               whole: str = ""):
        """Read ``key`` as a finite number within bounds, logging its provenance (``whole``: it must
        be a whole number of these, e.g. ``"years"``).

        Raises
        ------
        HydroError
            Naming the file and key, for a missing, non-numeric or out-of-bounds
            value, or a ``{ value = ... }`` table without its own provenance.
        """
        raw = self.t.raw(key) if default is REQUIRED else self.t.raw(key, default)  # required: "missing"
        if raw is default:
            return default
        prov = None
        if isinstance(raw, dict):
            sub = Table(raw, self.t.file, self.t.path(key))
            raw = sub.raw("value")
            prov = read_provenance(sub, None)
            sub.finish()
            if prov is None:
                raise sub.error("value", "give 'source' (a citation) or 'assumption = true' with a 'note'")
        if isinstance(raw, bool) or not isinstance(raw, (int, float)) or not math.isfinite(raw):
            raise self.t.error(key, f"expected a finite number, got {raw!r}")
        value = float(raw)
        if minimum is not None and value < minimum:
            what = "a cost" if "yuan" in key else "a value"
            raise self.t.error(key, f"expected {what} >= {minimum:g}, got {value:g}")
        if maximum is not None and value > maximum:
            raise self.t.error(key, f"expected a value <= {maximum:g}, got {value:g}"
                               + _percent_hint(key, value, maximum))
        if positive and value <= 0:
            raise self.t.error(key, f"expected a value > 0, got {value:g}")
        if whole and not value.is_integer():  # a lifetime of 15.5 years was annualised as such
            raise self.t.error(key, f"expected a whole number of {whole}, got {value!r}")
        status, text = prov or self.default
        self.log.append(Provenance(self.t.path(key), value, status, text))
        return value


def _percent_hint(key: str, value: float, maximum: float) -> str:
    """The likely slip behind a share or rate above its bound of 1: a percentage written for a fraction
    (``connected_share = 80`` for 0.8; review of 2026-12-05), with the value to write; else nothing."""
    if maximum != 1 or not 2 <= value <= 100:  # 1.5 is no likelier 1.5 % than a slip of 0.15
        return ""
    what = "rate" if key.endswith("rate") else "share"
    return f"; a {what} is a fraction: for {value:g} % write {value / 100:g}"


def read_ident(t: Table, key: str) -> str:
    """An identifier: a non-empty string without spaces, dots, ``=``, ``;`` or commas, not beginning with
    ``+``, ``-`` or ``@`` (a spreadsheet would take the summary table's cell for a formula)."""
    value = t.raw(key)
    if not isinstance(value, str) or not value.strip() or any(c in value for c in " .=;,\t\n\r") \
            or value.startswith(("+", "-", "@")):
        raise t.error(key, f"expected a non-empty identifier without spaces, dots, '=' or ';', not beginning with "
                           f"'+', '-' or '@', got {value!r}")
    return value


def read_names(t: Table, key: str) -> tuple[str, ...] | None:
    """A name or a non-empty list of names (None when the key is absent)."""
    value = t.raw(key, None)
    if value is None:
        return None
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not value or not all(isinstance(v, str) and v for v in value):
        raise t.error(key, f"expected a non-empty list of names, got {value!r}")
    return tuple(value)


def read_where(t: Table, where: str) -> Where:
    """A ``where`` table: ``all = true`` or criteria (:data:`WHERE_KEYS`), at key path ``where``."""
    if t.bool("all", False):
        for k in WHERE_KEYS:
            if t.has(k):
                raise t.error(k, "give either 'all = true' or criteria, not both")
        t.finish()
        return Where(everywhere=True)
    w = Where(subbasins=read_names(t, "subbasins"), counties=read_names(t, "counties"),
              provinces=read_names(t, "provinces"), reservoir=t.str("reservoir", None))
    t.finish()
    if all(getattr(w, k) is None for k in WHERE_KEYS):
        raise HydroError(f"{t.file}: key '{where}': say where: give subbasins, counties, provinces, "
                         "reservoir (subbasins draining into it) or all = true")
    return w


__all__ = ["REQUIRED", "WHERE_KEYS", "Provenance", "Reader", "Where", "read_ident", "read_names",
           "read_where"]
