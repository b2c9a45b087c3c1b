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

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hydro.compensation.agreement import read_provenance as _provenance
from hydro.errors import HydroError, suggest
from hydro.tomlio import Table, load_toml

_REQ = object()

#: Measure kinds and, for each, its parameter keys (key -> (minimum, maximum, required)).
#: ``unit`` is what the costs are per (capital per unit added, operating per unit and year).
KINDS: dict[str, dict[str, Any]] = {
    "sewage_connection": {
        "unit": "person connected to treatment",
        "numbers": {"connected_share": (0.0, 1.0, True), "treatment_removal": (0.0, 1.0, False)},
    },
    "toilet_upgrade": {
        "unit": "household with an upgraded toilet",
        "numbers": {"coverage": (0.0, 1.0, True), "delivery_reduction": (0.0, 1.0, True),
                    "persons_per_household": (1e-9, None, True)},
    },
    "wwtp_upgrade": {
        "unit": "m3/d of plant capacity upgraded",
        "numbers": {"tn_mg_per_l": (0.0, None, True)},
        "lists": ("plants",),
    },
    "fertiliser_reduction": {
        "unit": "ha of the land-use classes under the programme",
        "numbers": {"reduction": (0.0, 1.0, True), "emc_reduction": (0.0, 1.0, False)},
        "lists": ("classes",),
    },
    "manure_management": {
        "unit": "head whose excreta are newly managed",
        "numbers": {"managed_share": (0.0, 1.0, True), "managed_loss_fraction": (0.0, 1.0, False)},
        "lists": ("types",),
    },
    "riparian_buffer": {
        "unit": "ha of buffer or wetland",
        "numbers": {"removal_efficiency": (0.0, 0.95, True), "treated_share": (0.0, 1.0, True),
                    "area_ha_per_km2": (0.0, None, True)},
        "lists": ("classes",),
    },
    "constructed_wetland": {
        "unit": "ha of buffer or wetland",
        "numbers": {"removal_efficiency": (0.0, 0.95, True), "treated_share": (0.0, 1.0, True),
                    "area_ha_per_km2": (0.0, None, True)},
        "lists": ("classes",),
    },
    "afforestation": {
        "unit": "ha converted",
        "numbers": {"converted_share": (0.0, 1.0, False), "fraction_of_class": (0.0, 1.0, False),
                    "to_emc_mg_per_l": (0.0, None, False)},
        "strings": ("from_class", "to_class"),
    },
    "protection_zone": {
        "unit": "ha converted",
        "numbers": {"converted_share": (0.0, 1.0, False), "fraction_of_class": (0.0, 1.0, False),
                    "to_emc_mg_per_l": (0.0, None, False)},
        "strings": ("from_class", "to_class"),
    },
    "ecological_release": {
        "unit": "m3 released above the former ecological minimum per year",
        "numbers": {"ecological_min_m3_s": (0.0, None, True)},
        "strings": ("reservoir",),
    },
}

#: Keys of ``where`` (all given criteria must hold).
WHERE_KEYS = ("subbasins", "counties", "provinces", "reservoir")
#: How capital is counted: in the year it is spent, or as an annuity over its lifetime.
COST_METHODS = ("spent", "annualised")
#: Target checks (mg/L; ``annual_mean`` is the mean of the 12 monthly means).
TARGET_CHECKS = ("annual_mean_max_mg_per_l", "monthly_max_mg_per_l")
BASELINE = "baseline"


@dataclass(frozen=True)
class Provenance:
    """Where one number of a scenario file comes from.

    Attributes
    ----------
    key : str
        Key path in the file, e.g. ``measures[2].costs.capital_yuan_per_unit``.
    value : Any
    status : str
        ``"cited"``, ``"assumed"`` or ``"unstated"``.
    text : str
        The citation or the note.
    """

    key: str
    value: Any
    status: str
    text: str


@dataclass(frozen=True)
class Where:
    """Where a measure acts: every given criterion must hold (None: not constrained)."""

    subbasins: tuple[str, ...] | None = None
    counties: tuple[str, ...] | None = None
    provinces: tuple[str, ...] | None = None
    reservoir: str | None = None
    everywhere: bool = False


@dataclass(frozen=True)
class Costs:
    """Unit costs of a measure (yuan), per the unit of its kind (:data:`KINDS`).

    Attributes
    ----------
    capital_yuan_per_unit : float
        Spent once for every unit added.
    operating_yuan_per_unit_yr : float
        Every year for every unit in place.
    lifetime_years : float
        Life of the capital (for annualising).
    """

    capital_yuan_per_unit: float = 0.0
    operating_yuan_per_unit_yr: float = 0.0
    lifetime_years: float = 20.0


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
        The kind's parameters (:data:`KINDS`).
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

    @property
    def scenario_ids(self) -> list[str]:
        return [s.id for s in self.scenarios]

    def scenario(self, sid: str) -> Scenario:
        for s in self.scenarios:
            if s.id == sid:
                return s
        raise HydroError(f"{self.path}: no scenario '{sid}'" + suggest(sid, self.scenario_ids))

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
        top = Table(load_toml(path), path)
        log: list[Provenance] = []
        head = top.table("scenario_set", default=None)
        name = head.str("name", path.stem)
        basin = head.str("basin", "")
        head.str("description", "")
        head_prov = _provenance(head, None)
        r = _Reader(head, head_prov, log)
        cost_method = head.str("cost_method", "annualised")
        if cost_method not in COST_METHODS:
            raise head.error("cost_method", f"expected one of {', '.join(COST_METHODS)}, got "
                             f"{cost_method!r}" + suggest(str(cost_method), COST_METHODS))
        discount = r.number("discount_rate", 0.08, minimum=0.0, maximum=1.0)
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

        scenarios = [Scenario(BASELINE, (), "no measures: the basin as given")]
        for t in top.tables("scenarios", []):
            sid = _ident(t, "id")
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

        targets = []
        for i, t in enumerate(top.tables("targets", [])):
            tid = _ident(t, "id")
            if tid in [x.id for x in targets]:
                raise t.error("id", f"target '{tid}' is given twice")
            tr = _Reader(t, _provenance(t, None), log)
            checks = {k: tr.number(k, None, minimum=0.0) for k in TARGET_CHECKS}
            checks = {k: v for k, v in checks.items() if v is not None}
            if not checks:
                raise t.error("annual_mean_max_mg_per_l", "a target needs at least one of "
                              + ", ".join(TARGET_CHECKS))
            year = t.int("year", None, minimum=1)
            targets.append(Target(tid, t.str("location"), checks, year, t.str("description", "")))
            t.finish()

        parties = {}
        pt = top.table("parties", default=None)
        for pname in list(pt.data):
            sub = pt.table(pname)
            parties[pname] = _read_where(sub, pt.path(pname), allow_all=True)
        pt.finish()
        top.finish()
        return cls(path, name, measures, tuple(scenarios), tuple(targets), parties, cost_method,
                   discount, start, end, basin, tuple(log))


# -- helpers ------------------------------------------------------------------------
class _Reader:
    """Numbers of a table that may carry their own provenance."""

    def __init__(self, table: Table, default, log: list[Provenance]):
        self.t = table
        self.default = default or ("unstated", "")
        self.log = log

    def number(self, key: str, default: Any = _REQ, *, minimum=None, maximum=None, positive=False):
        raw = self.t.raw(key, default)
        if raw is default:
            return default
        prov = None
        if isinstance(raw, dict):
            sub = Table(raw, self.t.file, self.t.path(key))
            raw = sub.raw("value")
            prov = _provenance(sub, None)
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
            raise self.t.error(key, f"expected a value <= {maximum:g}, got {value:g}")
        if positive and value <= 0:
            raise self.t.error(key, f"expected a value > 0, got {value:g}")
        status, text = prov or self.default
        self.log.append(Provenance(self.t.path(key), value, status, text))
        return value


def _ident(t: Table, key: str) -> str:
    value = t.raw(key)
    if not isinstance(value, str) or not value.strip() or any(c in value for c in " .=;,\t\n"):
        raise t.error(key, f"expected a non-empty identifier without spaces, dots, '=' or ';', got {value!r}")
    return value


def _names(t: Table, key: str) -> tuple[str, ...] | None:
    value = t.raw(key, None)
    if value is None:
        return None
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not value or not all(isinstance(v, str) and v for v in value):
        raise t.error(key, f"expected a non-empty list of names, got {value!r}")
    return tuple(value)


def _read_where(t: Table, where: str, allow_all: bool = True) -> Where:
    if t.bool("all", False):
        for k in WHERE_KEYS:
            if t.has(k):
                raise t.error(k, "give either 'all = true' or criteria, not both")
        t.finish()
        return Where(everywhere=True)
    w = Where(subbasins=_names(t, "subbasins"), counties=_names(t, "counties"),
              provinces=_names(t, "provinces"), reservoir=t.str("reservoir", None))
    t.finish()
    if all(getattr(w, k) is None for k in WHERE_KEYS):
        raise HydroError(f"{t.file}: key '{where}': say where: give subbasins, counties, provinces, "
                         "reservoir (subbasins draining into it) or all = true")
    return w


def _read_measure(t: Table, key: str, log: list[Provenance]) -> Measure:
    mid = _ident(t, "id")
    kind = t.str("kind")
    if kind not in KINDS:
        raise t.error("kind", f"unknown measure kind '{kind}'" + suggest(kind, KINDS)
                      + f"; known: {', '.join(KINDS)}")
    spec = KINDS[kind]
    prov = _provenance(t, None)
    r = _Reader(t, prov, log)
    description = t.str("description", "")
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
    if years[1] < years[0]:
        raise t.error("years", f"ramp years reversed: the full effect ({years[1]}) comes before the "
                               f"first year ({years[0]}); write [{years[1]}, {years[0]}]")
    log.append(Provenance(t.path("years"), list(years), *(years_prov or ("unstated", ""))))
    if kind == "ecological_release" and not t.has("where"):
        where = None
    else:
        w = t.raw("where")
        if w == "all":
            where = Where(everywhere=True)
        elif isinstance(w, dict):
            where = _read_where(t.table("where"), t.path("where"))
        else:
            raise t.error("where", f"expected a table {{ subbasins = [...] }}, {{ counties = [...] }}, "
                                   f"{{ provinces = [...] }}, {{ reservoir = \"id\" }} or \"all\", got {w!r}")
    numbers = {}
    for name, (lo, hi, required) in spec["numbers"].items():
        value = r.number(name, _REQ if required else None, minimum=lo, maximum=hi)
        if value is not None:
            numbers[name] = value
    strings = {}
    for name in spec.get("strings", ()):
        default = {"to_class": "forest", "from_class": "cropland"}.get(name, _REQ)
        strings[name] = t.str(name, default)
    lists = {name: _names(t, name) for name in spec.get("lists", ())}
    if kind in ("afforestation", "protection_zone"):
        if ("converted_share" in numbers) == ("fraction_of_class" in numbers):
            raise t.error("converted_share", "give exactly one of 'converted_share' (share of the "
                                             "subbasin area) or 'fraction_of_class' (share of the "
                                             "from_class area)")
        if strings["from_class"] == strings["to_class"]:
            raise t.error("to_class", "from_class and to_class must differ")
    if kind == "ecological_release" and where is None:
        where = Where(reservoir=strings["reservoir"])
    ct = t.table("costs", default=None)
    cr = _Reader(ct, _provenance(ct, prov), log)
    costs = Costs(
        capital_yuan_per_unit=cr.number("capital_yuan_per_unit", 0.0, minimum=0.0),
        operating_yuan_per_unit_yr=cr.number("operating_yuan_per_unit_yr", 0.0, minimum=0.0),
        lifetime_years=cr.number("lifetime_years", 20.0, positive=True),
    )
    ct.str("unit", "")  # free text, for the reader of the file
    ct.finish()
    t.finish()
    return Measure(mid, kind, where, (int(years[0]), int(years[1])), numbers, strings, lists, costs,
                   key, description)
