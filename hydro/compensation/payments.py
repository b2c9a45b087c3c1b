"""Payment records and their tables: CSV, JSON-ready dicts, text, and totals.

A :class:`Payment` is one line of an evaluated agreement: a year, a section, a
component and parameter, the parties and a signed amount in yuan.  A positive amount
goes from payer to payee; a negative one (a deduction or penalty) from payee to payer.
An amount that cannot be determined (an annual value with a missing month) is NaN,
written as an empty CSV cell and as JSON ``null``.
"""

from __future__ import annotations

import io
import math
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import IO

from hydro.csv_cells import SpreadsheetWriter

#: Column order of the CSV table and keys of the JSON records.
COLUMNS: tuple[str, ...] = ("year", "section", "component", "parameter", "payer", "payee",
                            "amount_yuan", "complete", "assumed", "rule", "note")


@dataclass(frozen=True)
class Payment:
    """One evaluated payment line.

    Attributes
    ----------
    year : int
    section : str
        Section id, ``"a+b+c"`` for a quantity rule on the sections' total, or ``""``
        for fixed payments.
    component : str
        ``quantity``, ``quality_class``, ``tn_reduction``, ``target``, ``fixed``,
        ``advance`` (paid ahead of a settlement; not netted), ``funding`` (a
        funding flow, amount often unpublished; not netted) or ``floor`` (a one-way
        agreement's year brought back to 0; :mod:`hydro.compensation.direction`).
    parameter : str
        ``tn``, ``tp``, ``nh3n``, ``codmn``, ``do``, ``flow``, ``"codmn+nh3n+tp"`` for a class rule
        judging the section's class over those parameters (``judge = "section"``), or ``""``.
    payer, payee : str
    amount_yuan : float
        Signed amount (yuan): > 0 payer pays payee, < 0 payee pays payer; NaN if it
        could not be determined.
    complete : bool
        False when months the rule needs were missing; ``note`` says which.
    assumed : bool
        Whether the rule rests on a number marked as an assumption.
    rule : str
        The rule's key path in the agreement file, e.g. ``quality_class[0]``.
    note : str
        How the amount came about, and any missing months.
    bounds : tuple of float, or None
        For an undetermined or partial line, the lowest and highest amount (yuan) its rule can
        give (:func:`hydro.compensation.direction.amount_bounds`; set by the engine, a floor line's
        from the year's); None where not known (unbounded).  Not a column: :func:`totals` uses it
        to tell a net that no open line can change.
    parties : (str, str)
        The agreement's own ``(payer, payee)`` (set by :func:`hydro.compensation.evaluate`; ``("", "")``
        where it names none or the line was made elsewhere): :func:`pair_names` names that pair its way.
        Not a column: neither the CSV nor the JSON writes it, so lines read back from them lack it.
    """

    year: int
    section: str
    component: str
    parameter: str
    payer: str
    payee: str
    amount_yuan: float
    complete: bool = True
    assumed: bool = False
    rule: str = ""
    note: str = ""
    bounds: tuple[float, float] | None = field(default=None, compare=False, repr=False)
    parties: tuple[str, str] = field(default=("", ""), compare=False, repr=False)

    def as_json(self) -> dict:
        """A JSON-ready dict (NaN amount as None), keys in :data:`COLUMNS` order."""
        record = asdict(self)
        if not math.isfinite(record["amount_yuan"]):
            record["amount_yuan"] = None
        return {k: record[k] for k in COLUMNS}


def rule_payment(rule, year: int, section: str, parameter: str, amount: float, complete: bool,
                 note: str) -> Payment:
    """A rule's payment line (a :class:`~hydro.compensation.rules.Rule`'s kind, parties and key path)."""
    # + 0.0: a zero amount is never -0.0 (a failed target without a penalty, a missed class
    # without a price), which the table would print as "-0" and JSON as -0.0
    return Payment(year, section, rule.kind, parameter, rule.payer, rule.payee, float(amount) + 0.0,
                   bool(complete), rule.assumed, rule.where, note)


def month_list(year: int, months) -> str:
    """``"2019-03, 2019-04"`` for months 3 and 4 of 2019."""
    return ", ".join(f"{year}-{m:02d}" for m in months)


def missing_note(series, pairs, year: int) -> str:
    """``"missing months: gubeikou tn 2019-03, 2019-04"`` for the (section, parameter) pairs of a
    :class:`~hydro.monitoring.SectionSeries`; ``""`` when none is missing."""
    gaps = [(section, parameter, series.missing_months(section, parameter, year)) for section, parameter in pairs]
    parts = [f"{section} {parameter} {month_list(year, months)}" for section, parameter, months in gaps if months]
    return "missing months: " + "; ".join(parts) if parts else ""


def payments_as_json(payments: list[Payment]) -> list[dict]:
    """The list ``hydro compensate --json`` prints: one :meth:`Payment.as_json` per payment."""
    return [p.as_json() for p in payments]


def write_payments_csv(payments: list[Payment], out: str | Path | IO[str], overwrite: bool = False,
                       provenance: dict | None = None) -> None:
    """Write payments as CSV with the columns of :data:`COLUMNS` (NaN amount as an empty cell).

    Parameters
    ----------
    payments : list of Payment
    out : str, Path or text file
        A path to create (atomically, :mod:`hydro.outputs`) or an open text stream.
    overwrite : bool
        Replace an existing file at the path.
    provenance : dict, optional
        :func:`hydro.provenance.compensation_provenance`: the columns of
        :data:`hydro.provenance.PROVENANCE_COLUMNS`
        follow, on every row (the same values but ``overridden``, the ``--set`` assignments that can
        change that row), so the table stays one plain CSV that names its inputs.
    """
    if isinstance(out, (str, Path)):
        from hydro.outputs import atomic_open

        with atomic_open(out, overwrite, option="--csv") as fh:
            write_payments_csv(payments, fh, provenance=provenance)
        return
    from hydro.provenance import PROVENANCE_COLUMNS, provenance_cells

    writer = SpreadsheetWriter(out)
    writer.writerow(COLUMNS + (PROVENANCE_COLUMNS if provenance else ()))
    for p in payments:
        rec = p.as_json()
        rec["amount_yuan"] = "" if rec["amount_yuan"] is None else repr(float(rec["amount_yuan"]))
        rec["complete"] = str(rec["complete"]).lower()
        rec["assumed"] = str(rec["assumed"]).lower()
        writer.writerow([rec[c] for c in COLUMNS] + (provenance_cells(p.rule, provenance) if provenance else []))


def payments_to_csv(payments: list[Payment]) -> str:
    """The CSV table as a string (see :func:`write_payments_csv`)."""
    buf = io.StringIO()
    write_payments_csv(payments, buf)
    return buf.getvalue()


#: How the note of a "strive for" (``binding = false``) line begins: the engine writes it,
#: the text table lists those notes (whether the term was met) beside the amounts of 0.
STRIVE_FOR = "strive for (not binding, not paid"
#: How a payment's note says the rule's ``max_yuan`` or ``min_yuan`` cut its amount
#: (:func:`hydro.compensation.amounts.clip_noted`); the text table flags those lines.
CAPPED = "; capped at "

#: The component of a one-way agreement's floor line (:mod:`hydro.compensation.direction`): it
#: pays back a year's deductions beyond the rewards, so the rules never make the payee pay.
FLOOR = "floor"

#: Lines listed but never netted: advances (paid ahead of a settlement the rules
#: compute) and funding flows (who funds whom, often with no published amount).
NOT_NETTED: tuple[str, ...] = ("advance", "funding")


def totals(payments: list[Payment]) -> list[dict]:
    """Net amounts per year and pair of parties (advances and funding lines left out).

    Returns
    -------
    list of dict
        ``{"year", "payer", "payee", "performance_yuan", "fixed_yuan", "net_yuan",
        "complete"}`` sorted by year and parties.  A pair is named the way the agreement names
        it (:func:`pair_names`: its own payer and payee, else its floor line, else its first rule
        line, else its first fixed line, whatever year each falls in), so that a transfer from
        Hebei to the cities nets as ``hebei -> chengde_zhangjiakou``, not as a negative amount the
        other way, and a fixed line the other way in an earlier year does not turn the later years' nets round;
        amounts on the reversed pair are counted with the opposite sign.  ``performance_yuan``
        sums the determined amounts of the rules, ``fixed_yuan`` the fixed payments;
        ``complete`` is False when an amount was undetermined or incomplete and could change
        the net: the net's lowest and highest values over every amount the open lines' rules
        can give (their ``bounds``; a one-way agreement's year floored at 0, as its ``floor``
        line floors it) differ.
        A year of a one-way agreement whose determined deductions exceed everything its open
        rewards can add nets 0 whatever they turn out to be, and is complete.
    """
    rows: dict[tuple[int, str, str], dict] = {}
    lines: dict[tuple[int, str, str], list[tuple[float, Payment]]] = {}
    named = pair_names(payments)
    for p in payments:
        if p.component in NOT_NETTED:
            continue
        a, b = named[frozenset((p.payer, p.payee))]
        sign = 1.0 if (p.payer, p.payee) == (a, b) else -1.0
        row = rows.setdefault((p.year, a, b), {"year": p.year, "payer": a, "payee": b,
                                               "performance_yuan": 0.0, "fixed_yuan": 0.0,
                                               "net_yuan": 0.0, "complete": True})
        lines.setdefault((p.year, a, b), []).append((sign, p))
        if math.isfinite(p.amount_yuan):
            row["fixed_yuan" if p.component == "fixed" else "performance_yuan"] += sign * p.amount_yuan
            row["net_yuan"] += sign * p.amount_yuan
    for key, row in rows.items():
        if not all(p.complete and math.isfinite(p.amount_yuan) for _, p in lines[key]):
            low, high = net_bounds(lines[key])
            # settled when no open line can move it: the bounds meet, at the net shown (a sum of the
            # same amounts in another order: equal to 1e-12 of the amount, far below the yuan shown)
            row["complete"] = all(math.isclose(x, row["net_yuan"], rel_tol=1e-12, abs_tol=1e-6) for x in (low, high))
    return [rows[k] for k in sorted(rows)]


def pair_names(payments: list[Payment], parties: tuple[str, str] | None = None) -> dict[frozenset, tuple[str, str]]:
    """Each pair of parties the netted ``payments`` move money between -> ``(payer, payee)`` as the
    agreement names it: its own ``parties`` (default: the lines' :attr:`Payment.parties`) its way, another
    pair as a floor line names it, else as the first rule line between the two does, else the first
    fixed line (audit review, 2026-12-06: the first line in year order named it, so that a refund the
    other way in the first year turned every later year's net round and a two-way agreement's
    ``direction:`` sentence said the payee paid where the payer did; a rule of its own parties the
    other way, listed first, did so too until the agreement's pair came first)."""
    named: dict[frozenset, tuple[str, str]] = {}
    for pair in ([parties] if parties else []) + [p.parties for p in payments]:
        if all(pair):
            named.setdefault(frozenset(pair), (pair[0], pair[1]))
    netted = [p for p in payments if p.component not in NOT_NETTED]
    for first in (FLOOR, "rule", "fixed"):
        for p in netted:
            kind = p.component if p.component in (FLOOR, "fixed") else "rule"
            if kind == first:
                named.setdefault(frozenset((p.payer, p.payee)), (p.payer, p.payee))
    return named


def net_bounds(lines: list[tuple[float, Payment]]) -> tuple[float, float]:
    """The lowest and highest net (yuan) of a year and pair's ``(sign, line)`` pairs (sign +1
    where the line names the pair as the net does): determined lines as they are, an open one
    anywhere in its ``bounds`` (unbounded without), the rules floored at 0 the way a ``floor``
    line names the pair (a one-way agreement: :mod:`hydro.compensation.direction`)."""
    rules, fixed, floor = [0.0, 0.0], [0.0, 0.0], 0.0
    for sign, p in lines:
        if p.component == FLOOR:
            floor = sign
            continue
        lo, hi = ((p.amount_yuan, p.amount_yuan) if p.complete and math.isfinite(p.amount_yuan)
                  else p.bounds or (-math.inf, math.inf))
        lo, hi = (lo, hi) if sign > 0 else (-hi, -lo)
        into = fixed if p.component == "fixed" else rules
        into[0], into[1] = into[0] + lo, into[1] + hi
    if floor:  # the floor line's way round: max(0, rules); back in the net's way round
        lo, hi = (rules[0], rules[1]) if floor > 0 else (-rules[1], -rules[0])
        lo, hi = max(0.0, lo), max(0.0, hi)
        rules = [lo, hi] if floor > 0 else [-hi, -lo]
    return fixed[0] + rules[0], fixed[1] + rules[1]


def _yuan(amount: float) -> str:
    """Whole yuan with thousands separators; under half a yuan either way is "0", never "-0"."""
    return f"{amount if abs(amount) >= 0.5 else 0.0:,.0f}"


def format_payments(payments: list[Payment], overrides: list[str] | tuple[str, ...] = ()) -> str:
    """A plain-text table of payments followed by the net totals, for the terminal; a line that one of
    the ``--set`` ``overrides`` can change is flagged ``set``
    (:func:`hydro.provenance.overridden_by`)."""
    from hydro.provenance import overridden_by

    header = ("year", "section", "component", "parameter", "payer -> payee", "amount (yuan)", "")
    lines = []
    for p in payments:
        amount = ("unpublished" if p.component == "funding" else "undetermined") \
            if not math.isfinite(p.amount_yuan) else _yuan(p.amount_yuan)
        flags = (("incomplete " if not p.complete else "") + ("assumed " if p.assumed else "")
                 + ("capped " if CAPPED in p.note else "") + ("set" if overridden_by(p.rule, overrides) else ""))
        lines.append((str(p.year), p.section or "-", p.component, p.parameter or "-",
                      f"{p.payer} -> {p.payee}", amount, flags.strip()))
    widths = [max(len(r[i]) for r in [header, *lines]) for i in range(len(header))]
    out = ["  ".join(c.ljust(w) if i != 5 else c.rjust(w) for i, (c, w) in enumerate(zip(r, widths))).rstrip()
           for r in [header, *lines]]
    if not payments:
        out.append("(no payment lines: every rule parameter was left out, or no year of the period is in the series)")
    out.append("")
    out.append("net per year (positive: payer pays payee)")
    for t in totals(payments):
        mark = "" if t["complete"] else "  (incomplete)"
        out.append(f"  {t['year']}  {t['payer']} -> {t['payee']}: {_yuan(t['net_yuan'])} yuan "
                   f"(rules {_yuan(t['performance_yuan'])}, fixed {_yuan(t['fixed_yuan'])}){mark}")
    out.extend(advance_lines(payments))
    out.extend(_direction(payments))
    for title, noted in (("incomplete lines:", [p for p in payments if not p.complete]),
                         ('"strive for" terms (0 yuan; whether each was met):',
                          [p for p in payments if p.complete and p.note.startswith(STRIVE_FOR)]),
                         ("lines at a cap of their rule (max_yuan or min_yuan: the amount does not follow the water "
                          "beyond it):", [p for p in payments if CAPPED in p.note])):
        if noted:
            out.append("")
            out.append(title)
            out.extend(f"  {p.year} {p.section or '-'} {p.component} {p.parameter}: {p.note}" for p in noted)
    return "\n".join(out)


def advance_lines(payments: list[Payment]) -> list[str]:
    """The text output's lines setting each year's advances against its net (audit review, 2026-12-06: 2018 showed
    a 200 M advance beside a 156.88 M net, the 43.12 M to return never said): per year and pair with an ``advance``
    line, the advances (signed as the net names the pair), the net and the balance, net less advances; none
    where no line is an advance."""
    named = pair_names(payments)
    paid: dict[tuple[int, str, str], float] = {}
    for p in payments:
        if p.component == "advance":  # (an unpublished amount, NaN, makes the balance unknown, not 0)
            a, b = named.get(frozenset((p.payer, p.payee)), (p.payer, p.payee))
            key = (p.year, a, b)
            paid[key] = paid.get(key, 0.0) + (1.0 if (p.payer, p.payee) == (a, b) else -1.0) * p.amount_yuan
    if not paid:
        return []
    nets = {(t["year"], t["payer"], t["payee"]): t for t in totals(payments)}
    out = ["", "advances against the net (balance: net less advances; > 0 the payer owes it, < 0 the payee returns it)"]
    for (year, a, b), advance in sorted(paid.items()):
        t = nets.get((year, a, b))
        if not math.isfinite(advance):
            out.append(f"  {year}  {a} -> {b}: advance of unknown amount (not published): the balance is unknown")
            continue
        if t is None:
            out.append(f"  {year}  {a} -> {b}: advance {_yuan(advance)} yuan, no net (no line settles it)")
            continue
        balance = t["net_yuan"] - advance
        mark = "" if t["complete"] else "  (incomplete: the net may change)"
        out.append(f"  {year}  {a} -> {b}: advance {_yuan(advance)}, net {_yuan(t['net_yuan'])}: balance "
                   f"{_yuan(balance)} yuan{mark}")
    return out


def direction_note(payments: list[Payment]) -> str:
    """The ``direction:`` sentence the text output ends its nets with (which way the rules moved money,
    and in which years the floor acted or the payee paid), or "" where no rule line moved any."""
    lines = _direction(payments)
    return lines[-1] if lines else ""


def _direction(payments: list[Payment]) -> list[str]:
    """Which way the rules moved money (an agreement's ``direction``), when it mattered."""
    floors = [p for p in payments if p.component == FLOOR]
    if floors:
        paid = sorted({str(p.year) for p in floors if p.amount_yuan != 0})
        open_ = sorted({str(p.year) for p in floors if not p.complete})
        return ["", "direction: one-way (the agreement's 'direction'" + (", an assumption" if floors[0].assumed else "")
                + "): the rules' net per year and pair, less what the year's fixed payments between them "
                "cover, is floored at 0, the payee never pays the payer; "
                + (f"the floor line paid back deductions beyond the rewards in {', '.join(paid)}" if paid
                   else "no year needed the floor")
                + (f"; incomplete in {', '.join(open_)} (a line of the year undetermined or partial)" if open_ else "")]
    if not any(p.component not in NOT_NETTED and p.component != "fixed" for p in payments):
        return []  # no rule lines: nothing either way
    rows = totals(payments)
    negative = sorted({str(t["year"]) for t in rows if t["performance_yuan"] < 0})
    if not negative:
        return ["", "direction: two-way (signed amounts stand; no year's rules net below 0, so the payee pays "
                "nothing back)"]
    # the net with the fixed payments decides who pays: the rules alone may be negative under a positive net
    back = sorted({str(t["year"]) for t in rows if t["performance_yuan"] < 0 and t["net_yuan"] < 0})
    covered = [y for y in negative if y not in back]
    parts = []
    if back:
        parts.append(f"in {', '.join(back)} the rules' deductions exceed their rewards and the fixed payments, so "
                     "the payee pays the payer")
    if covered:
        parts.append(f"in {', '.join(covered)} the rules' deductions exceed their rewards, and the fixed payments "
                     "leave the net positive: the payer still pays")
    return ["", f"direction: two-way: {'; '.join(parts)}; an agreement with direction = \"one_way\" floors the "
            "rules' net at 0"]
