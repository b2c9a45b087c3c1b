"""The protocol every measure kind follows, and what its ``apply`` may use.

A measure kind (:class:`MeasureKind`) declares its parameters (numbers with
bounds, names, lists of names) and the unit its costs are per; it reads and
checks a ``[[measures]]`` table (:meth:`MeasureKind.read`), changes the basin's
yearly source parameters (:meth:`MeasureKind.apply`, returning its quantity per
subbasin and year) and turns that quantity into yearly costs
(:meth:`MeasureKind.costs`).  :class:`Compilation` is what ``apply`` works on.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np

from hydro.errors import HydroError, suggest
from hydro.scenarios.basin_tables import BasinInfo, YearlyParameters
from hydro.scenarios.fields import REQUIRED, Reader, Where, read_names
from hydro.tomlio import Table

if TYPE_CHECKING:
    from hydro.scenarios.spec import Measure


@dataclass
class Compilation:
    """What measures change while one scenario is compiled.

    Attributes
    ----------
    info : BasinInfo
    state : YearlyParameters
        The yearly source parameters (over the compiled years).
    file : Path
        The scenario file (for messages).
    buffer_factor : dict
        ``(subbasin index, land-use class) -> ndarray``: the product of the EMC
        factors of the buffers and wetlands on that class, per year.
    notes : list of str
        What was skipped or approximated, for the user.
    overrides : list of str
        Overrides that are not yearly source parameters (``reservoirs.<id>....``).
    reservoir_minimum : dict
        ``reservoir id -> ndarray``: its ecological minimum per year (m3 s-1) as the measures
        applied so far set it (a second release on the same reservoir starts from the first's).
    """

    info: BasinInfo
    state: YearlyParameters
    file: Path
    buffer_factor: dict = field(default_factory=dict)
    notes: list = field(default_factory=list)
    overrides: list = field(default_factory=list)
    reservoir_minimum: dict = field(default_factory=dict)

    def unknown(self, m: Measure, key: str, what: str, name: str, known) -> HydroError:
        """The error for a name of measure ``m`` (at ``key``) that the selected subbasins lack."""
        known = sorted(set(known))
        return HydroError(f"{self.file}: key '{m.key}.{key}': unknown {what} '{name}'" + suggest(name, known)
                          + f" in the selected subbasins; they have: {', '.join(known) or 'none'}")

    def land_use_classes(self, m: Measure, subs: list[int], default: tuple[str, ...] | None):
        """The land-use classes ``m`` names (``classes``, else ``default``), checked to exist.

        Returns
        -------
        list of (int, dict, list of str)
            For every selected subbasin: its index, its ``land_use`` table and the
            classes acted on there (all but ``water`` when none are named).
        """
        wanted = m.lists.get("classes") or default
        present = {c for i in subs for c in self.info.sources(i).get("land_use", {})}
        for name in wanted or ():
            if name not in present:
                raise self.unknown(m, "classes", "land-use class", name, present)
        out = []
        for i in subs:
            lu = self.info.sources(i).get("land_use", {})
            out.append((i, lu, [c for c in lu if (c in wanted if wanted else c != "water")]))
        return out


@dataclass(frozen=True)
class Number:
    """A numeric parameter of a measure kind: its key, bounds and whether it is required."""

    key: str
    minimum: float | None = None
    maximum: float | None = None
    required: bool = True


#: How a second measure of a kind can compose with an earlier one (:attr:`MeasureKind.composition`).
COMPOSITIONS = ("share", "target", "multiplies", "adds")


class MeasureKind:
    """One kind of measure.  A new kind is a subclass in a new module of this package.

    Class attributes
    ----------------
    kind : str
        The ``kind = "..."`` of the scenario file.
    unit : str
        What the costs are per (capital per unit added, operating per unit and year).
    effect : str
        What it changes, in one line (``f`` = the ramp share of the year, "base" =
        the value before the measure); listed in ``docs/scenarios.md``.
    numbers : tuple of Number
        Its numeric parameters.
    strings : tuple of (str, default)
        Keys that take one name, each with its default
        (:data:`~hydro.scenarios.fields.REQUIRED` when required).
    lists : tuple of str
        Keys that take a name or a list of names.
    where_optional : bool
        Whether ``where`` may be left out (then :meth:`default_where` applies).
    composition : str
        How a second measure of the kind composes with an earlier one on the same subbasins, and what it
        pays: ``"share"`` (the larger target holds; the second pays only what it adds), ``"target"``
        (the lower effluent TN holds), ``"multiplies"`` (factors multiply, each paying all its units) or
        ``"adds"`` (areas add); said in the overlap note (:func:`hydro.scenarios.measures.compile_scenario`).
    """

    kind: ClassVar[str]
    unit: ClassVar[str]
    effect: ClassVar[str]
    composition: ClassVar[str]
    numbers: ClassVar[tuple[Number, ...]]
    strings: ClassVar[tuple[tuple[str, Any], ...]] = ()
    lists: ClassVar[tuple[str, ...]] = ()
    where_optional: ClassVar[bool] = False

    def read(self, t: Table, reader: Reader) -> tuple[dict, dict, dict]:
        """Read and check the kind's parameters from a ``[[measures]]`` table.

        Returns
        -------
        numbers, strings, lists : dict
            The parameters given (numbers without a default are left out).

        Raises
        ------
        HydroError
            For a missing, mistyped or out-of-bounds parameter, naming the file and key.
        """
        numbers = {}
        for p in self.numbers:
            value = reader.number(p.key, REQUIRED if p.required else None, minimum=p.minimum, maximum=p.maximum)
            if value is not None:
                numbers[p.key] = value
        strings = {name: t.str(name) if default is REQUIRED else t.str(name, default)
                   for name, default in self.strings}
        lists = {name: read_names(t, name) for name in self.lists}
        self.check(t, numbers, strings)
        return numbers, strings, lists

    def check(self, t: Table, numbers: dict, strings: dict) -> None:
        """Checks across parameters (none by default); raise ``t.error(key, ...)``."""

    def default_where(self, strings: dict) -> Where:
        """Where the measure acts when ``where`` is left out (only with :attr:`where_optional`)."""
        raise NotImplementedError(self.kind)

    def apply(self, m: Measure, f: np.ndarray, subs: list[int], comp: Compilation) -> dict[int, Any]:
        """Change the yearly parameters of the subbasins ``subs`` by ramp shares ``f``.

        Returns
        -------
        dict
            Subbasin index -> the measure's quantity in :attr:`unit`, per year
            (an array over ``comp.state.years``, or a number for every year), or a
            callable returning it, called once every measure of the scenario is
            applied (for a quantity that later measures change, such as hectares farmed).
        """
        raise NotImplementedError(self.kind)

    def costs(self, m: Measure, quantity: np.ndarray, cost_method: str,
              discount_rate: float, years: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Capital and operating cost per year (yuan) of a yearly ``quantity`` in :attr:`unit`
        (``years``: the calendar year of each value, for kinds whose unit depends on it).

        Capital is ``capital_yuan_per_unit x max(Q(y) - Q(y-1), 0)`` spent in year
        y, and again for the units still in use at the end of their life
        (:func:`with_replacements`), counted in that year (``cost_method = "spent"``) or
        as an annuity over its life (``"annualised"``, :func:`annualise`); operating cost is
        ``operating_yuan_per_unit_yr x Q(y)``.
        """
        new = np.maximum(np.diff(quantity, prepend=0.0), 0.0)
        capital = with_replacements(new, quantity, m.costs.lifetime_years) * m.costs.capital_yuan_per_unit
        if cost_method == "annualised":
            capital = annualise(capital, m.costs.lifetime_years, discount_rate)
        return capital, quantity * m.costs.operating_yuan_per_unit_yr


def with_replacements(new: np.ndarray, quantity: np.ndarray, lifetime_years: float) -> np.ndarray:
    """Units bought each year: the ``new`` ones, and those bought ``L`` years before (``L`` the lifetime
    rounded to whole years, at least 1) bought again where the measure still uses them, at most the year's
    ``quantity`` (economist's review, 2026-12-05: units past their life went on acting with no capital,
    so the cost per kg kept out of a run longer than the life was understated)."""
    life = max(1, round(lifetime_years))
    q = np.asarray(quantity, dtype=float)
    out = np.asarray(new, dtype=float).copy()
    for t in range(life, out.size):
        out[t] += min(out[t - life], max(q[t], 0.0))
    return out


def annualise(spent: np.ndarray, lifetime_years: float, rate: float) -> np.ndarray:
    """Spread capital spent in each year as equal annuities over its life from that year.

    The annuity is ``C r / (1 - (1 + r)^-L)`` (``C / L`` when r = 0), L = lifetime
    rounded to whole years (at least 1); annuities past the last year are dropped.
    """
    life = max(1, round(lifetime_years))
    crf = 1.0 / life if rate == 0 else rate / (1.0 - (1.0 + rate) ** -life)
    out = np.zeros_like(spent, dtype=float)
    for t, c in enumerate(spent):
        if c:
            out[t:t + life] += c * crf
    return out


def ramp_up(base: np.ndarray, target: float, f: np.ndarray) -> np.ndarray:
    """``base + f * max(target - base, 0)``: raised towards ``target``, never lowered."""
    return base + f * np.maximum(target - base, 0.0)


__all__ = ["Compilation", "MeasureKind", "Number", "annualise", "ramp_up", "with_replacements"]
