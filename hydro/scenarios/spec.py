"""Reading a scenario file: measures, named scenarios, targets and cost-bearing parties.

This module owns :class:`ScenarioFile` and :meth:`ScenarioFile.from_toml` (the
language is documented in ``docs/scenarios.md``).  Everything that can be checked
without the basin is checked here (kinds, keys, bounds, ramp years, costs,
scenario names); names of subbasins, counties, provinces, reservoirs, classes and
plants are checked against the basin when a scenario is compiled
(:mod:`hydro.scenarios.measures`).

Every number carries its provenance: a measure's ``source = "..."`` cites its
plain numbers, ``assumption = true`` with a ``note`` marks them assumed, and one
number may carry its own: ``{ value = 0.6, source = "..." }`` or
``{ value = 0.6, assumption = true, note = "why" }``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hydro.compensation.agreement import read_provenance as _provenance
from hydro.errors import HydroError, suggest
from hydro.scenarios.fields import Provenance, Reader, Where, read_ident, read_where
from hydro.scenarios.kinds import KINDS as KINDS  # re-exported by hydro.scenarios
from hydro.scenarios.kinds import read_kind
from hydro.scenarios.prices import PriceIndex, read_price_index, read_price_year, to_set_prices
from hydro.standards import target_ceiling
from hydro.tomlio import Table, load_toml

#: How capital is counted: in the year it is spent, or as an annuity over its lifetime.
COST_METHODS = ("spent", "annualised")
#: Scales a ``[measures.costs] unit`` may name, each with its factor (None: ``10^n``, read from the match):
#: Chinese plans give costs in 万元 (10^4 yuan), and a cost so written was read 10,000 times too small.
_SCALES = ((r"10\s*(?:\^|\*\*)\s*(\d+)", None), (r"\b1(?:\.0*)?e\+?0*(\d+)\b", None),
           ("10([⁰¹²³⁴⁵⁶⁷⁸⁹]+)", None), (r"\bwan\b", 10_000), (r"\bthousands?\b", 1_000), (r"\bmillions?\b", 1_000_000),
           (r"\bbillions?\b", 10 ** 9), ("百万", 1_000_000), ("万", 10_000), ("亿", 10 ** 8), ("千元", 1_000))
#: Target checks (mg/L; ``annual_mean`` is the mean of the 12 monthly means).
TARGET_CHECKS = ("annual_mean_max_mg_per_l", "monthly_max_mg_per_l")
BASELINE = "baseline"


@dataclass(frozen=True)
class Costs:
    """Unit costs of a measure (yuan), per the unit of its kind (:data:`hydro.scenarios.kinds.KINDS`).

    Attributes
    ----------
    capital_yuan_per_unit : float
        Spent once for every unit added.
    operating_yuan_per_unit_yr : float
        Every year for every unit in place.
    lifetime_years : float
        Life of the capital (for annualising).
    price_year : int or None
        The year whose prices the file gives them in (``[measures.costs] price_year``; None: the set's).
    price_factor : float
        What the file's capital and operating costs were multiplied by to be in the set's price year
        (``index[set year] / index[price_year]``: :func:`hydro.scenarios.prices.to_set_prices`); the two
        costs above are the converted ones.
    """

    capital_yuan_per_unit: float = 0.0
    operating_yuan_per_unit_yr: float = 0.0
    lifetime_years: float = 20.0
    price_year: int | None = None
    price_factor: float = 1.0


@dataclass(frozen=True)
class Measure:
    """One measure of a scenario file.

    Attributes
    ----------
    id, kind : str
    where : Where
    years : (int, int)
        First year with an effect and the year the target is reached; the effect
        ramps linearly: ``f(y) = (y - first + 1) / (full - first + 1)`` clipped to [0, 1].
    numbers : dict
        The kind's parameters (:data:`hydro.scenarios.kinds.KINDS`).
    strings, lists : dict
        Names (classes, plants, livestock types, the reservoir).
    costs : Costs
    key : str
        Key path in the file, ``measures[i]``.
    description : str
    """

    id: str
    kind: str
    where: Where
    years: tuple[int, int]
    numbers: dict
    strings: dict
    lists: dict
    costs: Costs
    key: str
    description: str = ""

    def ramp(self, year) -> float:
        """Share of the target reached in ``year`` (0 before the first year, 1 from the full year)."""
        first, full = self.years
        return float(min(1.0, max(0.0, (year - first + 1) / (full - first + 1))))


@dataclass(frozen=True)
class Target:
    """A water-quality target checked in every simulated year.

    Attributes
    ----------
    id, location : str
        Target id; the section or reservoir id it applies to.
    checks : dict
        ``annual_mean_max_mg_per_l`` and/or ``monthly_max_mg_per_l``.
    year : int or None
        The year the target is due (the ensemble probability is for this year;
        default the last simulated year).
    """

    id: str
    location: str
    checks: dict
    year: int | None = None
    description: str = ""


@dataclass(frozen=True)
class Scenario:
    """A named combination of measures (the baseline has none)."""

    id: str
    measures: tuple[str, ...]
    description: str = ""


@dataclass(frozen=True)
class ScenarioFile:
    """A scenario file, read and checked (without the basin).

    Attributes
    ----------
    path : Path
    name : str
    measures : dict
        Measure id -> :class:`Measure`, in file order.
    scenarios : tuple of Scenario
        The baseline first, then the file's scenarios in order.
    targets : tuple of Target
    parties : dict
        Party name -> :class:`Where` (which subbasins' measure costs it bears).
    cost_method : str
        ``"spent"`` or ``"annualised"``.
    discount_rate : float
        For annualising capital.
    start, end : date or None
        Run period (default the basin's ``[run]``).
    provenance : tuple of Provenance
    price_year : int or None
        The year whose prices the costs are in (``[scenario_set] price_year``; None: not stated, the
        costs summed as the file gives them).
    price_index : PriceIndex or None
        The file's ``[price_index]`` (:mod:`hydro.scenarios.prices`).
    """

    path: Path
    name: str
    measures: dict
    scenarios: tuple[Scenario, ...]
    targets: tuple[Target, ...]
    parties: dict
    cost_method: str = "annualised"
    discount_rate: float = 0.08
    start: Any = None
    end: Any = None
    basin: str = ""
    provenance: tuple[Provenance, ...] = field(default=(), repr=False)
    price_year: int | None = None
    price_index: PriceIndex | None = None

    @property
    def scenario_ids(self) -> list[str]:
        return [s.id for s in self.scenarios]

    def scenario(self, sid: str) -> Scenario:
        for s in self.scenarios:
            if s.id == sid:
                return s
        raise HydroError(f"{self.path}: no scenario '{sid}'" + suggest(sid, self.scenario_ids)
                         + f"; its scenarios: {', '.join(s.id for s in self.scenarios)}")

    def unstated(self) -> list[Provenance]:
        """Numbers that are neither cited nor marked as assumptions."""
        return [p for p in self.provenance if p.status == "unstated"]

    @classmethod
    def from_toml(cls, path: str | Path) -> "ScenarioFile":
        """Read a scenario file (``docs/scenarios.md``).

        Raises
        ------
        HydroError
            For malformed TOML, unknown or missing keys, an unknown measure kind,
            ramp years reversed, negative costs, parameters out of bounds, unknown
            measure ids in a scenario, duplicate ids; naming the file and key.
        """
        path = Path(path)
        top = Table(load_toml(path, expect="scenario file"), path)
        log: list[Provenance] = []
        head = top.table("scenario_set", default=None)
        name = head.str("name", path.stem)
        basin = head.str("basin", "")
        head.str("description", "")
        head_prov = _provenance(head, None)
        r = Reader(head, head_prov, log)
        cost_method = head.str("cost_method", "annualised")
        if cost_method not in COST_METHODS:
            raise head.error("cost_method", f"expected one of {', '.join(COST_METHODS)}, got "
                             f"{cost_method!r}" + suggest(str(cost_method), COST_METHODS))
        discount = r.number("discount_rate", 0.08, minimum=0.0, maximum=1.0)
        price_year = read_price_year(head)
        start = head.date("start", None)
        end = head.date("end", None)
        if start and end and end < start:
            raise head.error("end", f"{end} is before start {start}")
        head.finish()

        measures: dict[str, Measure] = {}
        for i, t in enumerate(top.tables("measures", [])):
            m = _read_measure(t, f"measures[{i}]", log)
            if m.id in measures:
                raise t.error("id", f"measure id '{m.id}' is used twice; ids must be unique")
            measures[m.id] = m
        index = read_price_index(top, log)
        measures = to_set_prices(measures, price_year, index, top)

        scenarios = [Scenario(BASELINE, (), "no measures: the basin as given")]
        for t in top.tables("scenarios", []):
            sid = read_ident(t, "id")
            if sid in [s.id for s in scenarios]:
                raise t.error("id", f"scenario '{sid}' is given twice" + (
                    " ('baseline' is added automatically, with no measures)" if sid == BASELINE else ""))
            value = t.raw("measures")
            if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
                raise t.error("measures", f"expected a non-empty list of measure ids, got {value!r}")
            for m in value:
                if m not in measures:
                    raise t.error("measures", f"unknown measure '{m}'" + suggest(m, measures)
                                  + f"; the file defines: {', '.join(measures) or 'none'}")
            if len(set(value)) != len(value):
                raise t.error("measures", f"a measure is listed twice in {value}")
            scenarios.append(Scenario(sid, tuple(value), t.str("description", "")))
            t.finish()

        targets = _read_targets(top, log)
        parties = {}
        pt = top.table("parties", default=None)
        for pname in list(pt.data):
            sub = pt.table(pname)
            parties[pname] = read_where(sub, pt.path(pname))
        pt.finish()
        top.finish()
        return cls(path, name, measures, tuple(scenarios), tuple(targets), parties, cost_method,
                   discount, start, end, basin, tuple(log), price_year=price_year, price_index=index)


# -- helpers ------------------------------------------------------------------------
def _read_targets(top: Table, log: list[Provenance]) -> list[Target]:
    targets: list[Target] = []
    for t in top.tables("targets", []):
        tid = read_ident(t, "id")
        if tid in [x.id for x in targets]:
            raise t.error("id", f"target '{tid}' is given twice")
        tr = Reader(t, _provenance(t, None), log)
        # TN, mg/L: 1000 for 1.0 was "first met 2013"
        checks = {k: tr.number(k, None, minimum=0.0, maximum=target_ceiling("tn")) for k in TARGET_CHECKS}
        checks = {k: v for k, v in checks.items() if v is not None}
        if not checks:
            raise t.error("annual_mean_max_mg_per_l", "a target needs at least one of " + ", ".join(TARGET_CHECKS))
        year = _read_due_year(t)
        targets.append(Target(tid, t.str("location"), checks, year, t.str("description", "")))
        t.finish()
    return targets


def _read_measure(t: Table, key: str, log: list[Provenance]) -> Measure:
    mid = read_ident(t, "id")
    kind = read_kind(t)
    prov = _provenance(t, None)
    description = t.str("description", "")
    years = _read_years(t, prov, log)
    if kind.where_optional and not t.has("where"):
        where = None
    else:
        w = t.raw("where")
        if w == "all":
            where = Where(everywhere=True)
        elif isinstance(w, dict):
            where = read_where(t.table("where"), t.path("where"))
        else:
            raise t.error("where", f"expected a table {{ subbasins = [...] }}, {{ counties = [...] }}, "
                                   f"{{ provinces = [...] }}, {{ reservoir = \"id\" }} or \"all\", got {w!r}")
    numbers, strings, lists = kind.read(t, Reader(t, prov, log))
    if where is None:
        where = kind.default_where(strings)
    ct = t.table("costs", default=None)
    cr = Reader(ct, _provenance(ct, prov), log)
    costs = Costs(
        capital_yuan_per_unit=cr.number("capital_yuan_per_unit", 0.0, minimum=0.0),
        operating_yuan_per_unit_yr=cr.number("operating_yuan_per_unit_yr", 0.0, minimum=0.0),
        lifetime_years=cr.number("lifetime_years", 20.0, positive=True, whole="years"),
        price_year=read_price_year(ct),
    )
    _check_cost_unit(ct, kind.unit)
    ct.finish()
    t.finish()
    return Measure(mid, kind.kind, where, years, numbers, strings, lists, costs, key, description)


def _check_cost_unit(ct: Table, unit: str) -> None:
    """``[measures.costs] unit``: free text for the reader of the file, but one naming a scale (``10^4 yuan``,
    ``万元``, ``million``) is refused: costs are read in yuan per ``unit`` (the kind's), whatever it says
    (review of 2026-12-05)."""
    text = ct.str("unit", "")
    for pattern, factor in _SCALES:
        found = re.search(pattern, text, flags=re.IGNORECASE)
        if found is None:
            continue
        word = found.group(0)
        if factor is None:  # 10^4, 1e4, 10⁴: the exponent
            factor = 10 ** int(found.group(1).translate(str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹", "0123456789")))
        # after a '/' or 'per' the scale is the unit's ("yuan per 10^4 m3/d", "元/万人"): divide, not multiply
        per = re.search(r"/|\bper\b|每", text[:found.start()], flags=re.IGNORECASE) is not None
        how = (f"a cost per {word} of units: divide it by {factor:,}" if per
               else f"a cost given in {word}: multiply it by {factor:,}")
        raise ct.error("unit", f"{text!r} names a scale ({word}): costs are in yuan per {unit}, whatever unit says; "
                               f"give them in yuan per {unit} ({how}) and write unit without the scale")


def _read_due_year(t: Table) -> int | None:
    """A target's due ``year`` (None: absent), a calendar year as a measure's ``years`` are: ``year = 25``
    for 2025 was accepted and never judged (review of 2026-12-05)."""
    from hydro.dates import PLAUSIBLE_YEARS

    year = t.int("year", None)
    if year is not None and not PLAUSIBLE_YEARS[0] <= year <= PLAUSIBLE_YEARS[1]:
        raise t.error("year", f"expected a calendar year {PLAUSIBLE_YEARS[0]}..{PLAUSIBLE_YEARS[1]}, got {year}; "
                              "write four-digit years (2025, not 25)")
    return year


def _read_years(t: Table, prov, log: list[Provenance]) -> tuple[int, int]:
    """A measure's ``years = [first, full]``, which may carry its own provenance."""
    years = t.raw("years")
    years_prov = prov
    if isinstance(years, dict):
        sub = Table(years, t.file, t.path("years"))
        years = sub.raw("value")
        years_prov = _provenance(sub, None)
        sub.finish()
        if years_prov is None:
            raise sub.error("value", "give 'source' (a citation) or 'assumption = true' with a 'note'")
    if (not isinstance(years, list) or len(years) != 2
            or not all(isinstance(y, int) and not isinstance(y, bool) for y in years)):
        raise t.error("years", f"expected [first_year, full_year] (integers), got {years!r}")
    from hydro.dates import PLAUSIBLE_YEARS

    if not all(PLAUSIBLE_YEARS[0] <= y <= PLAUSIBLE_YEARS[1] for y in years):  # [22, 24] acted all along
        raise t.error("years", f"expected calendar years {PLAUSIBLE_YEARS[0]}..{PLAUSIBLE_YEARS[1]}, got {years!r}; "
                               "write four-digit years (2022, not 22)")
    if years[1] < years[0]:
        raise t.error("years", f"ramp years reversed: the full effect ({years[1]}) comes before the "
                               f"first year ({years[0]}); write [{years[1]}, {years[0]}]")
    log.append(Provenance(t.path("years"), list(years), *(years_prov or ("unstated", ""))))
    return int(years[0]), int(years[1])
