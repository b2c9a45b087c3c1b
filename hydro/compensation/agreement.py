"""Agreements read from TOML (the rule language is in ``docs/agreements.md``).

Size: one reader for the agreement TOML (rules, targets, fixed lines, inference) and its provenance rules;
splitting would scatter the rule language's keys.

This module owns :class:`Agreement` and :meth:`Agreement.from_toml`, and the
provenance of every number: each is *cited* (a ``source``) or an *assumption*
(``assumption = true`` with a ``note``), either for a whole component or for one
number written as ``{ value = ..., source = "..." }`` or
``{ value = ..., assumption = true, note = "..." }``.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from hydro.compensation.rules import (
    COMPONENTS,
    DIRECTIONS,
    JUDGEMENTS,
    QUANTITY_BASES,
    QUANTITY_WATER,
    STATISTICS,
    Baseline,
    FixedPayment,
    Inference,
    Provenance,
    QualityClassRule,
    QuantityRule,
    Reported,
    Rule,
    TargetRule,
    TnReductionRule,
)
from hydro.dates import PLAUSIBLE_YEARS
from hydro.errors import HydroError, suggest
from hydro.monitoring import FLOW
from hydro.overrides import apply_overrides, parse_assignment, set_path
from hydro.standards import PARAMETERS, class_limits, normalise_waterbody, parse_class, target_ceiling
from hydro.tomlio import Table, load_toml

_REQ = object()


@dataclass(frozen=True)
class Agreement:
    """A compensation agreement: parties, period, rules and fixed payments.

    Attributes
    ----------
    name, source : str
        Its name, and the citation of the agreement as a whole.
    period : tuple of int
        First and last year in force.
    payer, payee : str
        Default parties of its rules.
    rules : tuple of Rule
        Performance rules, in file order by kind.
    fixed : tuple of FixedPayment
    reported : tuple of Reported
    provenance : tuple of Provenance
        Every number with its citation or assumption note.
    path : Path
        The TOML file.
    note : str
        Free text.
    assumption : bool
        Whether the agreement as a whole is an assumption (no published formula).
    inference : Inference or None
        How its unpublished price is inferred from published figures (``[inference]``;
        :mod:`hydro.compensation.inference`).
    direction : str
        ``"two_way"`` (default: the rules' signed amounts stand) or ``"one_way"`` (the
        rules' net per year and pair floored at 0; :mod:`hydro.compensation.direction`).
    direction_assumed : bool
        Whether the direction is an assumption (its floor lines are then ``assumed``).
    term : tuple of int or None
        The period its file gives, before any ``--set`` (None: not two whole years there); a period
        moved past it is noted (:func:`hydro.compensation.notes.past_term`).
    """

    name: str
    source: str
    period: tuple[int, int]
    payer: str
    payee: str
    rules: tuple[Rule, ...]
    fixed: tuple[FixedPayment, ...]
    reported: tuple[Reported, ...]
    provenance: tuple[Provenance, ...]
    path: Path
    note: str = ""
    assumption: bool = False
    inference: "Inference | None" = None
    direction: str = "two_way"
    direction_assumed: bool = False
    term: tuple[int, int] | None = None

    @classmethod
    def from_toml(cls, path: str | Path, overrides: list[str] | None = None) -> "Agreement":
        """Read an agreement file (see ``docs/agreements.md``).

        ``overrides`` are ``key.path=value`` assignments applied first (``--set``),
        e.g. ``period=[2013, 2017]`` to apply the rules to other years.

        Raises
        ------
        HydroError
            For malformed TOML, missing or unknown keys, and values of the wrong kind;
            the message names the file and key, and the ``--set`` assignments where the file
            alone reads (the file was blamed for ``--set period=2013-2017``).
        """
        overrides = list(overrides or [])
        try:
            return cls._read(Path(path), overrides)
        except HydroError as exc:
            if not overrides or str(exc).startswith("--set "):  # apply_overrides named it already
                raise
            cls._read(Path(path), [])  # a mistake in the file itself is reported as it is
            given = " ".join(f"--set {text}" for text in overrides)
            raise HydroError(f"{given}: {exc}") from None

    @classmethod
    def _read(cls, path: Path, overrides: list[str]) -> "Agreement":
        """:meth:`from_toml` without naming the ``--set`` assignment at fault."""
        data = load_toml(path, expect="agreement")
        own = data.get("period")  # the file's term, before --set moves it (a cited table's value)
        own = own.get("value") if isinstance(own, dict) else own
        term = (int(own[0]), int(own[1])) if isinstance(own, list) and len(own) == 2 and all(
            isinstance(y, int) and not isinstance(y, bool) for y in own) else None
        rest = _set_indexed(data, list(overrides or []), path)
        top = Table(apply_overrides(data, rest, path), path)
        log: list[Provenance] = []
        name = top.str("name")
        source = top.str("source")
        assumption = top.bool("assumption", False)
        note = top.str("note", "")
        if assumption and not note:
            raise top.error("assumption", "an assumed agreement needs a 'note' that says why")
        agreement_prov = ("assumed", note) if assumption else None
        reader = _Reader(top, agreement_prov or ("cited", source), log)
        period = reader.year_range("period")
        payer = top.str("payer", "")
        payee = top.str("payee", "")
        direction = reader.choice("direction", DIRECTIONS, "two_way")
        direction_assumed = any(p.key == "direction" and p.status == "assumed" for p in log) or any(
            o.split("=", 1)[0].strip() == "direction" for o in rest)  # --set direction=...: the user's reading
        _all_outside_period(top, period)
        rules: list[Rule] = []
        for kind in COMPONENTS[:-1]:
            for t in _no_rule_twice(top.tables(kind, [])):
                rules.append(_read_rule(kind, t, payer, payee, period, agreement_prov, log))
        fixed = tuple(f for t in _no_rule_twice(top.tables("fixed", []))
                      for f in _read_fixed(t, payer, payee, period, agreement_prov, log))
        reported = tuple(_read_reported(t) for t in top.tables("reported", []))
        inference = (_read_inference(top.table("inference"), rules, log, period) if top.has("inference")
                     else None)
        top.finish()
        if not rules and not fixed:
            raise top.error("quantity", "the agreement has no components; add at least one of "
                            + ", ".join(f"[[{k}]]" for k in COMPONENTS))
        return cls(name, source, period, payer, payee, tuple(rules), fixed, reported, tuple(log),
                   path, note, assumption, inference, direction, direction_assumed, term)

    def unstated(self) -> list[Provenance]:
        """Numbers that are neither cited nor marked as assumptions."""
        return [p for p in self.provenance if p.status == "unstated"]

#: ``kind[i].key=value``: a number of the i-th component of a kind, by the key path that
#: payments (``rule``), provenance and ``[inference]`` name it with.
_INDEXED = re.compile(r"^\s*([a-z_]+)\[(\d+)\]\.([A-Za-z_][\w.]*)\s*=(.*)$", re.S)


def _set_indexed(data: dict, overrides: list[str], path: Path) -> list[str]:
    """Apply the ``kind[i].key=value`` overrides (``--set quantity[0].baseline_m3=2e8``) to the
    parsed file, in place; return the others (``period=[2013, 2017]``) for
    :func:`hydro.overrides.apply_overrides`.  A number set so is the user's, not the file's:
    it becomes an assumption (``assumed`` on its payment lines) without the file's range.  A
    baseline key replaces the file's baseline, whichever key gave it (one baseline per rule)."""
    rest = []
    for text in overrides:
        m = _INDEXED.match(text)
        if not m:
            rest.append(text)
            continue
        kind, index, key = m.group(1), int(m.group(2)), m.group(3)
        label = f"--set {text.strip()}"
        tables = data.get(kind)
        if not isinstance(tables, list):
            tables = []
        count = len(tables)
        if not 0 <= index < count:
            raise HydroError(f"{label}: {path} has {count} [[{kind}]] table{'' if count == 1 else 's'}"
                             + (f"; give an index 0..{count - 1}" if count else ""))
        _, value = parse_assignment(f"{key}={m.group(4)}", label)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            value = {"value": value, "assumption": True,
                     "note": f"set on the command line ({label}), not the file's value"}
        if key in _BASELINE_KEYS and isinstance(tables[index], dict):  # a baseline replaces the file's
            for other in _BASELINE_KEYS:  # (--set quantity[0].baseline_mean_of_years=[2000,2016])
                tables[index].pop(other, None)
        set_path(tables[index], key, value, path, label)
    return rest


#: The keys that give a rule's baseline; exactly one per rule (a --set of one replaces the others).
_BASELINE_KEYS = ("baseline_m3", "baseline_mg_per_l", "baseline_mean_of_years", "baseline")


class _Reader:
    """A :class:`Table` whose numbers may carry provenance (``{ value, source | assumption, note }``)."""

    def __init__(self, table: Table, default: tuple[str, str], log: list[Provenance]):
        self.t = table
        self.default = default
        self.log = log
        self.assumed = False

    def _unwrap(self, key: str, default: Any):
        raw = self.t.raw(key) if default is _REQ else self.t.raw(key, default)  # required: "missing" error
        if raw is default:
            return raw, None
        if isinstance(raw, dict):
            sub = Table(raw, self.t.file, self.t.path(key))
            value = sub.raw("value")
            prov = read_provenance(sub, None)
            span = read_range(sub, value, prov)
            sub.finish()
            if prov is None:
                raise sub.error("value", "give 'source' (a citation) or 'assumption = true' with a 'note'")
            self.t.data = {**self.t.data, key: value}
            return value, (*prov, span)
        return raw, None

    def _record(self, key: str, value: Any, prov) -> None:
        status, text, *span = prov or self.default
        self.assumed |= status == "assumed"
        self.log.append(Provenance(self.t.path(key), value, status, text, span[0] if span else None))

    def number(self, key: str, default: Any = _REQ, **bounds) -> float:
        raw, prov = self._unwrap(key, default)
        if raw is default:
            return default
        value = self.t.float(key, **bounds)
        self._record(key, value, prov)
        return value

    def integer(self, key: str, default: Any = _REQ, minimum: int | None = None) -> int:
        raw, prov = self._unwrap(key, default)
        if raw is default:
            return default
        value = self.t.int(key, minimum=minimum)
        self._record(key, value, prov)
        return value

    def year_range(self, key: str, default: Any = _REQ) -> tuple[int, int] | Any:
        raw, prov = self._unwrap(key, default)
        if raw is default:
            return default
        if (not isinstance(raw, list) or len(raw) != 2
                or not all(isinstance(y, int) and not isinstance(y, bool) for y in raw) or raw[0] > raw[1]):
            raise self.t.error(key, f"expected [first_year, last_year] (integers, first <= last), got {raw!r}")
        if not all(PLAUSIBLE_YEARS[0] <= y <= PLAUSIBLE_YEARS[1] for y in raw):  # [22, 24]: a typing slip
            raise self.t.error(key, f"expected calendar years {PLAUSIBLE_YEARS[0]}..{PLAUSIBLE_YEARS[1]}, got "
                                    f"{raw!r}; write four-digit years (2022, not 22)")
        self._record(key, list(raw), prov)
        return int(raw[0]), int(raw[1])

    def choice(self, key: str, allowed: tuple[str, ...], default: str) -> str:
        """A word out of ``allowed`` (``direction = "one_way"``), with provenance like a number."""
        raw, prov = self._unwrap(key, None)
        if raw is None:
            return default
        if raw not in allowed:
            raise self.t.error(key, f"expected one of {', '.join(repr(a) for a in allowed)}, got {raw!r}"
                               + (suggest(raw, allowed) if isinstance(raw, str) else ""))
        self._record(key, raw, prov)
        return raw

    def target_class(self, key: str) -> int:
        raw, prov = self._unwrap(key, _REQ)
        try:
            value = parse_class(raw)
        except HydroError as exc:
            raise self.t.error(key, str(exc)) from None
        self._record(key, value, prov)
        return value


def read_provenance(t: Table, inherited: tuple[str, str] | None) -> tuple[str, str] | None:
    """Read ``source`` / ``assumption`` / ``note`` of a table; ``inherited`` when it has none.

    Returns ``("cited", source)``, ``("assumed", note)`` or ``inherited``: the
    convention every shipped number follows (agreements, scenario measures).
    """
    source = t.str("source", None)
    assumption = t.bool("assumption", False)
    note = t.str("note", None)
    if assumption:
        if not note:
            raise t.error("assumption", "an assumption needs a 'note' that explains it")
        return ("assumed", note)
    if source:
        return ("cited", source)
    return inherited


def read_range(t: Table, value: Any, prov: tuple[str, str] | None) -> tuple[float, float] | None:
    """``range = [low, high]`` of an assumed number: a plausible span that holds ``value``."""
    if not t.has("range"):
        return None
    raw = t.raw("range")
    if prov is None or prov[0] != "assumed":
        raise t.error("range", "a range belongs to an assumption; add 'assumption = true' and a 'note'")
    if (not isinstance(raw, list) or len(raw) != 2
            or not all(isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v) for v in raw)
            or raw[0] > raw[1]):
        raise t.error("range", f"expected [low, high] (finite numbers, low <= high), got {raw!r}")
    if isinstance(value, (int, float)) and not isinstance(value, bool) and not raw[0] <= value <= raw[1]:
        raise t.error("range", f"the value {value} lies outside its range {raw}")
    return float(raw[0]), float(raw[1])


def _names(t: Table, single: str, plural: str, where: str) -> tuple[str, ...]:
    """``section = "x"`` or ``sections = ["x", "y"]`` (exactly one of them)."""
    one, many = t.has(single), t.has(plural)
    if one == many:
        raise t.error(single, f"give either '{single}' or '{plural}' (a list) in {where}")
    if one:
        value = t.str(single)
        if not value:
            raise t.error(single, "empty name")
        return (value,)
    value = t.raw(plural)
    if not isinstance(value, list) or not value or not all(isinstance(v, str) and v for v in value):
        raise t.error(plural, f"expected a non-empty list of names, got {value!r}")
    if len(set(value)) != len(value):
        raise t.error(plural, f"a name is repeated: {value}")
    return tuple(value)


def _parameter(t: Table, key: str, value: str, allowed: tuple[str, ...]) -> str:
    if value not in allowed:
        raise t.error(key, f"unknown parameter '{value}'" + suggest(value, allowed)
                      + "; expected one of " + ", ".join(allowed))
    return value

def _baseline(r: _Reader, value_key: str, allow_previous: bool) -> Baseline:
    t = r.t
    given = [k for k in (value_key, "baseline_mean_of_years", "baseline") if k in t.data]
    options = f"'{value_key}' (a number), 'baseline_mean_of_years' ([first, last])" + (
        " or baseline = \"previous_year\"" if allow_previous else "")
    if len(given) != 1:
        raise t.error(value_key, f"give exactly one baseline: {options}")
    key = given[0]
    if key == value_key:
        top = target_ceiling("tn") if value_key.endswith("_mg_per_l") else None  # TN reduction's baseline
        return Baseline(value=r.number(value_key, minimum=0.0, maximum=top), key=t.path(key))
    if key == "baseline_mean_of_years":
        return Baseline(mean_of_years=r.year_range(key), key=t.path(key))
    text = t.str("baseline")
    if not allow_previous or text != "previous_year":
        raise t.error("baseline", f"unknown baseline {text!r}; expected {options}")
    return Baseline(previous_year=True, key=t.path(key))

def _parties(t: Table, payer: str, payee: str) -> tuple[str, str]:
    payer = t.str("payer", payer)
    payee = t.str("payee", payee)
    if not payer or not payee:
        raise t.error("payer" if not payer else "payee",
                      "missing; set payer and payee at the top of the file or in this component")
    if payer == payee:
        raise t.error("payee", f"payer and payee are both '{payer}'")
    return payer, payee


def _years(r: _Reader, period: tuple[int, int]) -> tuple[int, int] | None:
    years = r.year_range("years", None)
    if years is not None and (years[0] < period[0] or years[1] > period[1]):
        raise _outside_period(r.t, "years", list(years), period)
    return years


def _outside_period(t: Table, key: str, value: Any, period: tuple[int, int]) -> HydroError:
    """A dated line (a rule's ``years``, a fixed payment's ``year``) outside the period: say how to
    move either (a period moved by ``--set period=`` leaves the file's dated lines behind)."""
    example, what = (f"[{period[0]},{period[1]}]", "years") if key == "years" else (str(period[0]), "a year")
    return t.error(key, f"{value} is outside the agreement's period {list(period)}; give {what} inside it "
                   f"(in the file, or --set {t.where}.{key}={example}), or a period that holds it")


def _all_outside_period(top: Table, period: tuple[int, int]) -> None:
    """Where more than one dated line lies outside the period (``--set period=`` leaves the file's lines
    behind: Guanting's 2023 file moved to 2014-2016 has a target's and a funding line's), one error
    naming every ``--set`` that moves them, not one line per try (the readers name a single one)."""
    out = []
    for kind in COMPONENTS:
        for k, raw in enumerate(top.data.get(kind) or []):
            for key in ("years", "year"):
                v = raw.get(key) if isinstance(raw, dict) else None
                y = [v, v] if isinstance(v, int) and not isinstance(v, bool) else v
                if isinstance(y, list) and len(y) == 2 and all(type(x) is int for x in y) and (
                        y[0] < period[0] or y[1] > period[1]):
                    move = f"[{period[0]},{period[1]}]" if key == "years" else str(period[0])
                    out.append((f"{kind}[{k}].{key} {v}", f"--set {kind}[{k}].{key}={move}"))
    if len(out) > 1:
        raise HydroError(f"{top.file}: key 'period': {list(period)} leaves {len(out)} dated lines outside it: "
                         + ", ".join(w for w, _ in out) + "; give them years inside it (in the file, or "
                         + " ".join(m for _, m in out) + "), or a period that holds them")


def _caps(r: _Reader) -> dict[str, float]:
    caps = {"max_yuan": r.number("max_yuan", math.inf), "min_yuan": r.number("min_yuan", -math.inf)}
    if caps["min_yuan"] > caps["max_yuan"]:
        raise r.t.error("min_yuan", f"min_yuan {caps['min_yuan']} exceeds max_yuan {caps['max_yuan']}")
    return caps


def _no_rule_twice(tables: list[Table]) -> list[Table]:
    """``tables`` (one kind's ``[[...]]`` rules), refusing one given twice word for word: a
    ``[[quality_class]]`` pasted again was charged twice (-25,200,000 yuan for -18,000,000; fuzz review,
    2026-12-06), as a scenario's ``[[measures]]`` given twice is refused."""
    for j, t in enumerate(tables):
        for first in tables[:j]:
            if first.data == t.data:
                raise HydroError(f"{t.file}: {first.where} and {t.where} are the same rule, which would be "
                                 "charged twice; remove one (or make them differ where the agreement has two)")
    return tables


def _read_rule(kind, t: Table, payer, payee, period, agreement_prov, log) -> Rule:
    prov = read_provenance(t, agreement_prov) or ("unstated", "")
    r = _Reader(t, prov, log)
    sections = _names(t, "section", "sections", t.where)
    payer, payee = _parties(t, payer, payee)
    years = _years(r, period)
    common: dict[str, Any] = dict(where=t.where, sections=sections, payer=payer, payee=payee, years=years,
                                  section_key="section" if "section" in t.data else "sections",
                                  binding=t.bool("binding", True))
    if kind == "quantity":
        basis = t.str("basis", "section")
        if basis not in QUANTITY_BASES:
            raise t.error("basis", f"expected one of {', '.join(QUANTITY_BASES)} "
                          f"('total': the sections' volumes summed against one baseline), got {basis!r}")
        if basis == "total" and len(sections) < 2:
            raise t.error("basis", "'total' sums several sections; give 'sections' with two or more ids")
        rule: Rule = QuantityRule(
            **common, assumed=False, basis=basis, water=_water(t),
            baseline=_baseline(r, "baseline_m3", allow_previous=True),
            reward_per_m3_above_yuan=r.number("reward_per_m3_above_yuan", 0.0, minimum=0.0),
            penalty_per_m3_below_yuan=r.number("penalty_per_m3_below_yuan", 0.0, minimum=0.0),
            **_caps(r))
    elif kind == "quality_class":
        rule = _read_quality_class(t, r, common)
    elif kind == "tn_reduction":
        statistic = _statistic(t)
        rule = TnReductionRule(
            **common, assumed=False, statistic=statistic,
            annual_mean_min_months=_min_months(t, r, statistic == "annual_mean", "the annual mean"),
            parameter=_parameter(t, "parameter", t.str("parameter", "tn"), PARAMETERS),
            baseline=_baseline(r, "baseline_mg_per_l", allow_previous=True),
            reward_per_mg_per_l_yuan=r.number("reward_per_mg_per_l_yuan", 0.0, minimum=0.0),
            penalty_per_mg_per_l_yuan=r.number("penalty_per_mg_per_l_yuan", 0.0, minimum=0.0),
            **_caps(r))
    else:
        rule = _read_target(t, r, common)
    t.finish()
    return _with_assumed(rule, r.assumed or prov[0] == "assumed")


def _read_quality_class(t: Table, r: _Reader, common) -> QualityClassRule:
    sections = common["sections"]
    params = _names(t, "parameter", "parameters", t.where)
    for p in params:
        _parameter(t, "parameters", p, PARAMETERS)
    body = t.str("waterbody", "river")
    try:
        body = normalise_waterbody(body)
        for p in params:
            class_limits(p, body)
    except HydroError as exc:
        raise t.error("waterbody", str(exc)) from None
    evaluation = t.str("evaluation", "monthly")
    if evaluation not in ("monthly", "annual"):
        raise t.error("evaluation", f"expected 'monthly' or 'annual', got {evaluation!r}")
    inflow = t.str("inflow_section", None)
    penalty = r.number("penalty_per_class_yuan", 0.0, minimum=0.0)
    no_worse = r.number("penalty_per_class_no_worse_than_inflow_yuan", None, minimum=0.0)
    if no_worse is not None and inflow is None:
        raise t.error("penalty_per_class_no_worse_than_inflow_yuan", "needs 'inflow_section'")
    if inflow is not None and inflow in sections:
        raise t.error("inflow_section", f"'{inflow}' is also one of the evaluated sections")
    if t.has("inflow_waterbody") and inflow is None:
        raise t.error("inflow_waterbody", "needs 'inflow_section'")
    try:  # the inflow is judged on its own limits (a river above a reservoir: TP's river column; TN: the lake's)
        inflow_body = normalise_waterbody(t.str("inflow_waterbody", "river"))
    except HydroError as exc:
        raise t.error("inflow_waterbody", str(exc)) from None
    return QualityClassRule(
        **common, assumed=False, parameter_ids=params,
        parameter_key="parameter" if "parameter" in t.data else "parameters", waterbody=body,
        target_class=r.target_class("target_class"), evaluation=evaluation, judge=_judge(t),
        annual_mean_min_months=_min_months(t, r, evaluation == "annual", 'evaluation = "annual"'),
        penalty_per_class_yuan=penalty,
        reward_per_class_yuan=r.number("reward_per_class_yuan", 0.0, minimum=0.0),
        bonus_yuan=r.number("bonus_yuan", 0.0, minimum=0.0),
        inflow_section=inflow, inflow_waterbody=inflow_body, reported_decimals=_decimals(t, params),
        penalty_per_class_no_worse_than_inflow_yuan=no_worse,
        **_caps(r))


def _decimals(t: Table, params) -> tuple[tuple[str, int], ...]:
    """``reported_decimals = { tp = 2, nh3n = 2 }``: the decimal places each parameter is reported to (0-4)."""
    if t.has("reported_decimals") and not isinstance(t.raw("reported_decimals"), dict):
        raise t.error("reported_decimals", "expected a table of parameter = decimal places, e.g. { tp = 2, nh3n = 2 }")
    table = t.table("reported_decimals", None)
    out = []
    for p, d in table.data.items():
        if p not in params:
            raise table.error(p, f"'{p}' is not one of the rule's parameters ({', '.join(params)})")
        if isinstance(d, bool) or not isinstance(d, int) or not 0 <= d <= 4:
            raise table.error(p, f"expected the decimal places of the reported value, 0 to 4 (TP 0.01 mg/L: 2), "
                                 f"got {d!r}")
        out.append((p, d))
    return tuple(out)


def _judge(t: Table) -> str:
    """``judge``: what a class rule's period class is of (:data:`JUDGEMENTS`)."""
    judge = t.raw("judge", "parameter")
    if not isinstance(judge, str) or judge not in JUDGEMENTS:
        hint = suggest(judge, JUDGEMENTS) if isinstance(judge, str) else ""
        raise t.error("judge", f"unknown judgement {judge!r}{hint}; expected one of \"parameter\" (each "
                      "parameter's class, one payment line per parameter: amounts add across parameters) or "
                      "\"section\" (the section's class, the worst of its parameters': one line per section); "
                      "see docs/agreements.md, [[quality_class]]")
    return judge


def _read_target(t: Table, r: _Reader, common) -> TargetRule:
    parameter = _parameter(t, "parameter", t.str("parameter", "tn"), PARAMETERS + (FLOW,))
    conc_keys = ("annual_mean_max", "annual_mean_min", "monthly_max", "monthly_min")
    top = None if parameter == FLOW else target_ceiling(parameter)  # 4100 for 4.10 mg/L paid out
    checks = {k: r.number(k, None, minimum=0.0, maximum=top) for k in conc_keys}
    volume = r.number("annual_volume_min_m3", None, minimum=0.0)
    if parameter == FLOW:
        bad = [k for k, v in checks.items() if v is not None]
        if bad:
            raise t.error(bad[0], "flow targets take 'annual_volume_min_m3' (m³); "
                          "concentration checks need a concentration parameter")
    elif volume is not None:
        raise t.error("annual_volume_min_m3", "needs parameter = \"flow\"")
    for kind in ("annual_mean", "monthly"):
        low, high = checks[f"{kind}_min"], checks[f"{kind}_max"]
        if low is not None and high is not None and low > high:
            raise t.error(f"{kind}_min", f"{low} mg/L exceeds {kind}_max {high} mg/L: no value meets both, "
                          "so the target would fail every year; give a minimum at or below the maximum")
    if all(v is None for v in checks.values()) and volume is None:
        raise t.error("parameter", "no check given; add annual_mean_max, monthly_max, "
                      "annual_mean_min, monthly_min or (for flow) annual_volume_min_m3")
    statistic = _statistic(t)
    if statistic != "annual_mean" and parameter == FLOW:
        raise t.error("statistic", "applies to a concentration's annual mean checks, not to flow")
    if statistic != "annual_mean" and checks["annual_mean_max"] is None and checks["annual_mean_min"] is None:
        raise t.error("statistic", "applies to the annual_mean_max / annual_mean_min checks; "
                      "this target has none")
    if t.has("water") and parameter != FLOW:
        raise t.error("water", "applies to a flow target (parameter = \"flow\"), not to concentrations")
    has_annual_mean = checks["annual_mean_max"] is not None or checks["annual_mean_min"] is not None
    return TargetRule(
        **common, assumed=False, parameter=parameter, annual_volume_min_m3=volume, **checks, water=_water(t),
        statistic=statistic, annual_mean_min_months=_min_months(
            t, r, has_annual_mean and statistic == "annual_mean", "an annual_mean_max / annual_mean_min check"),
        bonus_yuan=r.number("bonus_yuan", 0.0, minimum=0.0),
        penalty_yuan=r.number("penalty_yuan", 0.0, minimum=0.0),
        penalty_per_failed_month_yuan=r.number("penalty_per_failed_month_yuan", 0.0, minimum=0.0))


def _water(t: Table) -> str:
    """``water``: what a quantity rule or flow target counts (:data:`QUANTITY_WATER`)."""
    water = t.raw("water", "all")
    if not isinstance(water, str) or water not in QUANTITY_WATER:
        raise t.error("water", f"expected \"all\" (each section's whole flow) or \"natural\" (the flow less "
                      f"the water transferred from outside the basin that reached it), got {water!r}; "
                      "see docs/agreements.md, [[quantity]]")
    return water


def _min_months(t: Table, r: _Reader, applies: bool, needs: str) -> int:
    """``annual_mean_min_months``: how many of a year's 12 monthly means an annual mean needs (1..12,
    default 12); refused on a rule that takes no annual mean of monthly means (``needs`` says which)."""
    if not t.has("annual_mean_min_months"):
        return 12
    if not applies:
        raise t.error("annual_mean_min_months", f"applies to an annual mean of monthly means ({needs}, with "
                      "statistic = \"annual_mean\"); this rule takes none: leave the key out")
    value = r.integer("annual_mean_min_months", 12, minimum=1)
    if value > 12:
        raise t.error("annual_mean_min_months", f"a year has 12 months, got {value}; give 1..12 (12, the "
                      "default: a year with a month missing has no annual mean)")
    return value


def _statistic(t: Table) -> str:
    """``statistic``: how a year's value is taken (``annual_mean`` or ``flow_normalised``)."""
    value = t.str("statistic", "annual_mean")
    if value not in STATISTICS:
        raise t.error("statistic", f"unknown statistic {value!r}" + suggest(value, STATISTICS)
                      + "; expected one of " + ", ".join(STATISTICS)
                      + " (flow_normalised: the WRTDS flow-normalised annual mean, from daily values)")
    return value


def _with_assumed(rule: Rule, assumed: bool) -> Rule:
    return replace(rule, assumed=assumed)


_FIXED_KINDS = ("prepayment", "settlement", "transfer", "advance", "funding")


def _read_fixed(t: Table, payer, payee, period, agreement_prov, log) -> list[FixedPayment]:
    prov = read_provenance(t, agreement_prov) or ("unstated", "")
    r = _Reader(t, prov, log)
    kind = t.str("kind", "transfer")
    if kind not in _FIXED_KINDS:
        raise t.error("kind", f"expected one of {', '.join(_FIXED_KINDS)}, got {kind!r}")
    if t.has("year") == t.has("years"):
        raise t.error("year", "give either 'year' or 'years' ([first, last]: the same line every year)")
    if t.has("year"):
        first = last = r.integer("year")
    else:
        first, last = r.year_range("years")
    if not (period[0] <= first and last <= period[1]):
        raise _outside_period(t, "years" if t.has("years") else "year",
                              [first, last] if t.has("years") else first, period)
    if kind == "funding" and not t.has("amount_yuan"):
        amount = math.nan  # a flow whose amount is not published: listed, never invented
    else:
        amount = r.number("amount_yuan")
    payer, payee = _parties(t, payer, payee)
    description = t.str("description", "")
    t.finish()
    return [FixedPayment(t.where, year, amount, payer, payee, kind, description,
                         r.assumed or prov[0] == "assumed") for year in range(first, last + 1)]


def _read_inference(t: Table, rules: list[Rule], log: list[Provenance], period: tuple[int, int]) -> Inference:
    """``[inference]``: which unpublished number is fitted to which published payment (of a year of the
    agreement's ``period``: the rules pay nothing outside it, so no price could be fitted there)."""
    fit = t.str("fit")
    numbers = {p.key: p for p in log}
    rule_keys = {r.where for r in rules}
    prov = numbers.get(fit)
    if prov is None or fit.split(".")[0] not in rule_keys:
        known = [k for k, p in numbers.items() if p.status == "assumed" and k.split(".")[0] in rule_keys]
        raise t.error("fit", f"'{fit}' is not an assumed number of a rule" + suggest(fit, known)
                      + ("; assumed rule numbers: " + ", ".join(known) if known else ""))
    if prov.status != "assumed" or prov.range is None:
        raise t.error("fit", f"'{fit}' must be an assumption with a range "
                      "({ value = ..., assumption = true, note = \"...\", range = [low, high] }): "
                      "only an unpublished number is inferred, and only inside a plausible range")
    fit_year = t.int("fit_year")
    if not period[0] <= fit_year <= period[1]:
        raise _outside_period(t, "fit_year", fit_year, period)
    named = t.str("figures", None)
    figures = None if named is None else t.file.parent / named
    if figures is not None and not figures.is_file():
        raise t.error("figures", f"file not found: {figures} (a published-figures CSV, relative to the "
                      "agreement file; docs/agreements.md, 'Published figures and inferred prices')")
    samples = t.int("samples", 2000, minimum=10)
    seed = t.int("seed", 0, minimum=0)
    share = t.raw("volume_share", None)
    volume_share = None
    if share is not None:
        sub = t.table("volume_share")
        value = sub.float("value", minimum=0.0, maximum=1.0)
        sprov = read_provenance(sub, None)
        if sprov is None or sprov[0] != "assumed":
            raise sub.error("value", "a year's share of a multi-year published volume is not published: "
                            "mark it 'assumption = true' with a 'note' and a 'range'")
        span = read_range(sub, value, sprov)
        if span is None:
            raise sub.error("range", "missing; give the plausible [low, high] of the share")
        sub.finish()
        log.append(Provenance(t.path("volume_share"), value, "assumed", sprov[1], span))
        volume_share = (value, *span)
    t.finish()
    return Inference(t.where, fit, fit_year, volume_share, samples, seed, figures)


def _read_reported(t: Table) -> Reported:
    """A published figure: of one ``year``, or a total over ``years = [first, last]`` (never both)."""
    if t.has("year") == t.has("years"):
        raise t.error("year", "give the year of the figure (year = 2018) or, for a total over several years, "
                              "years = [first, last]; one of the two")
    if t.has("year"):
        year = t.int("year")
        years = (year, year)
    else:
        years = _Reader(t, ("cited", ""), []).year_range("years")
    amount = t.float("amount_yuan")
    description = t.str("description")
    source = t.str("source")
    t.finish()
    return Reported(t.where, years, amount, description, source)
