"""Which way an agreement's rules may move money: two-way, or one-way with the year's net floored at 0.

An agreement's top-level ``direction`` (``docs/agreements.md``, "Direction"):

* ``"two_way"`` (the default): the rules' signed amounts stand; a year whose deductions
  exceed its rewards has the payee pay the payer (Xin'an River style "对赌": downstream
  pays when the target is met, upstream pays when it is not; or Beijing's internal rule,
  where a district pays for its missed classes).
* ``"one_way"``: only the payer pays.  Deductions reduce what the payer pays in a year but
  never below 0: per year and pair of parties, when the rules' lines add up to a negative
  amount, a ``floor`` line (component ``floor``, rule ``direction``) pays it back, so the
  year's net is 0.  This is how the published descriptions of the Miyun agreements read:
  Beijing compensates Chengde and Zhangjiakou and rewards results, and no text describes
  a payment from Hebei to Beijing.

:func:`floor_lines` gives, for a one-way agreement, one ``floor`` line per year and pair
with rule lines (amount 0 where the floor is not reached), so that every evaluation, and
every member of an uncertainty run, has the same lines; the text table
(:func:`~hydro.compensation.payments.format_payments`) says which rule was applied.
"""

from __future__ import annotations

import math

from hydro.compensation.payments import FLOOR, NOT_NETTED, Payment
from hydro.compensation.rules import (
    QualityClassRule,
    QuantityRule,
    Rule,
    TargetRule,
    TnReductionRule,
)

#: The rule key of a floor line (its component is :data:`~hydro.compensation.payments.FLOOR`).
DIRECTION_KEY = "direction"


def can_pay_back(rule: Rule) -> bool:
    """Whether ``rule`` can give a negative amount (a deduction the payee pays)."""
    if not rule.binding:
        return False
    if isinstance(rule, TargetRule):
        return rule.penalty_yuan > 0 or rule.penalty_per_failed_month_yuan > 0
    if isinstance(rule, QuantityRule):
        rate = rule.penalty_per_m3_below_yuan
    elif isinstance(rule, QualityClassRule):
        rate = max(rule.penalty_per_class_yuan, rule.penalty_per_class_no_worse_than_inflow_yuan or 0.0)
    elif isinstance(rule, TnReductionRule):
        rate = rule.penalty_per_mg_per_l_yuan
    else:
        return True
    return rate > 0 and rule.min_yuan < 0


def floor_lines(agreement, payments: list[Payment]) -> list[Payment]:
    """The ``floor`` lines of a one-way agreement (none for a two-way one).

    Parameters
    ----------
    agreement : Agreement
        Its ``direction`` and rules.
    payments : list of Payment
        The rules' lines (fixed, advance and funding lines are not floored).

    Returns
    -------
    list of Payment
        Per year and pair of parties (the agreement's ``payer -> payee``; another pair as
        its first line names it): ``-S`` yuan when the rules' determined lines, signed
        that way, add up to ``S < 0``, else 0.  Undetermined (NaN) lines leave
        the floor undetermined (NaN) when the determined sum is negative or when one of
        them comes from a rule that can deduct; otherwise they cannot bring the net
        below 0 and the floor line is 0, marked incomplete.
    """
    if agreement.direction != "one_way":
        return []
    can_deduct = {r.where: can_pay_back(r) for r in agreement.rules}
    groups: dict[tuple[int, frozenset], list[Payment]] = {}
    # the agreement's own parties are floored the way it names them, whatever rule comes first
    named: dict[frozenset, tuple[str, str]] = {frozenset((agreement.payer, agreement.payee)):
                                               (agreement.payer, agreement.payee)}
    for p in payments:
        if p.component in NOT_NETTED or p.component in ("fixed", FLOOR):
            continue
        pair = frozenset((p.payer, p.payee))
        named.setdefault(pair, (p.payer, p.payee))
        groups.setdefault((p.year, pair), []).append(p)
    out = []
    for (year, pair), lines in groups.items():
        payer, payee = named[pair]
        signed = [(1.0 if (p.payer, p.payee) == (payer, payee) else -1.0) * p.amount_yuan for p in lines]
        net = float(sum(a for a in signed if math.isfinite(a)))
        open_lines = [p for p, a in zip(lines, signed, strict=True) if not math.isfinite(a)]
        complete = all(p.complete for p in lines)
        if open_lines and (net < 0 or any(can_deduct.get(p.rule, True) for p in open_lines)):
            amount = math.nan
            note = (f"one-way agreement: the rules' net is undetermined ({len(open_lines)} undetermined "
                    f"line{'s' if len(open_lines) > 1 else ''}, the others {net:,.0f} yuan), so is the floor at 0")
        elif net < 0:
            amount = -net
            note = (f"one-way agreement: the rules net {net:,.0f} yuan, deductions beyond the rewards; the payee "
                    f"never pays the payer, so this line brings the year's rules to 0 (floor {amount:,.0f} yuan)")
        else:
            amount = 0.0
            note = f"one-way agreement: the rules net {net:,.0f} yuan >= 0; the floor at 0 is not reached"
        out.append(Payment(year, "", FLOOR, "", payer, payee, amount + 0.0, complete and not open_lines,
                           agreement.direction_assumed, DIRECTION_KEY, note))
    return out
