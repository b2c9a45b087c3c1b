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
Whether an undetermined (or partial) line could change a floor line is decided from the signs
its rule can give (:func:`amount_bounds`): a line that can only pay the payer's way cannot bring
a year that nets >= 0 down to the floor.
"""

from __future__ import annotations

import math
from dataclasses import replace

from hydro.compensation.payments import FLOOR, NOT_NETTED, Payment, pair_names
from hydro.compensation.rules import QualityClassRule, QuantityRule, TargetRule, TnReductionRule

#: The rule key of a floor line (its component is :data:`~hydro.compensation.payments.FLOOR`).
DIRECTION_KEY = "direction"


def floor_lines(agreement, payments: list[Payment]) -> list[Payment]:
    """The ``floor`` lines of a one-way agreement (none for a two-way one).

    Parameters
    ----------
    agreement : Agreement
        Its ``direction`` and rules.
    payments : list of Payment
        The rules' lines and the fixed ones (advance and funding lines are not netted; a fixed line,
        pre-payment, settlement or transfer, is not floored itself, but the rules' deductions reduce it
        before the floor pays any back).

    Returns
    -------
    list of Payment
        Per year and pair of parties that a rule pays between (the agreement's ``payer -> payee``;
        another pair as its first line names it): ``-S`` yuan when the rules' determined lines and the
        pair's fixed lines that year, signed that way, add up to ``S < 0``, else 0.  Undetermined
        (NaN) lines are left out, as
        :func:`~hydro.compensation.payments.totals` leaves them out of the net; the floor
        line is marked incomplete (its note says they could change it) unless the signs
        their rules can give (:func:`amount_bounds`) keep the year's net >= 0 whatever
        they turn out to be (reward-only lines on a year that nets >= 0 without them).
    """
    if agreement.direction != "one_way":
        return []
    groups: dict[tuple[int, frozenset], list[Payment]] = {}
    ruled = [p for p in payments if p.component not in NOT_NETTED and p.component not in ("fixed", FLOOR)]
    # the agreement's own parties are floored the way it names them, whatever rule comes first (as nets are)
    named = pair_names(ruled, (agreement.payer, agreement.payee))
    for p in ruled:
        groups.setdefault((p.year, frozenset((p.payer, p.payee))), []).append(p)
    fixed = _fixed_by_pair(payments, groups, named)
    out = []
    for (year, pair), lines in groups.items():
        payer, payee = named[pair]
        signed = [(1.0 if (p.payer, p.payee) == (payer, payee) else -1.0) * p.amount_yuan for p in lines]
        fx = fixed.get((year, pair), 0.0)
        rules = float(sum(a for a in signed if math.isfinite(a)))
        # the floor pays back the rules' deductions beyond the rewards and the fixed lines the payer pays
        # that year (a fixed line the other way is not floored: re-read of 2026-12-04); net: what that
        # floor brings to 0
        covered = max(fx, 0.0)
        net = rules + covered
        what = (f"the rules ({rules:,.0f} yuan) and the year's fixed payments ({fx:,.0f} yuan)" if fx
                else "the rules")
        shown = rules + fx
        open_lines = [p for p, a in zip(lines, signed, strict=True) if not math.isfinite(a)]
        complete = all(p.complete for p in lines) and not open_lines
        low, high = _net_range(lines, payer)
        low, high = low + covered, high + covered
        if not complete:  # settled after all if whatever the open lines turn out to be floors the same
            complete = max(0.0, -high) == max(0.0, -low) == max(0.0, -net)  # (reward-only lines on a net >= 0)
        if net < 0:
            amount = -net
            note = (f"one-way agreement: {what} net {shown:,.0f} yuan, deductions beyond the rewards; the payee "
                    f"never pays the payer, so this line brings the year's net to 0 (floor {amount:,.0f} yuan)")
        else:
            amount = 0.0
            note = f"one-way agreement: {what} net {shown:,.0f} yuan >= 0; the floor at 0 is not reached"
        if open_lines:  # as totals() nets them: the determined lines, the floor of their sum
            n = f"{len(open_lines)} undetermined line{'s' if len(open_lines) > 1 else ''}"
            note += (f"; {n} left out, which cannot change it (no amount their rules can give moves the "
                     "floor: reward-only, or 'strive for')" if complete else
                     f"; incomplete: {n} left out, which could change it"
                     + (" (not the year's net: the rules stay below 0 whatever they pay, and this line brings "
                        "them to 0)" if high <= 0 else ""))
        out.append(Payment(year, "", FLOOR, "", payer, payee, amount + 0.0, complete,
                           agreement.direction_assumed, DIRECTION_KEY, note, (max(0.0, -high), max(0.0, -low))))
    return out


def _fixed_by_pair(payments: list[Payment], groups, named) -> dict[tuple[int, frozenset], float]:
    """The fixed lines (pre-payment, settlement, transfer) of each year and pair a rule pays between,
    signed as ``named`` names the pair: what the rules adjust, so deductions reduce them before a floor
    pays any back (review of 2026-12-04: the floor took the rules alone, and a one-way year of 50 M
    pre-paid and 33.2 M deducted paid 50 M)."""
    fixed: dict[tuple[int, frozenset], float] = {}
    for p in payments:
        key = (p.year, frozenset((p.payer, p.payee)))
        if p.component == "fixed" and key in groups and math.isfinite(p.amount_yuan):
            payer = named[key[1]][0]
            fixed[key] = fixed.get(key, 0.0) + (1.0 if p.payer == payer else -1.0) * p.amount_yuan
    return fixed


def with_bounds(rule, payment: Payment) -> Payment:
    """``payment`` of ``rule``, an undetermined or partial one with the ``bounds`` of the amounts its
    rule can give (:func:`amount_bounds`), which the floor and the net (:func:`~hydro.compensation.
    payments.totals`) are judged by; a determined, complete line as it is."""
    if payment.complete and math.isfinite(payment.amount_yuan):
        return payment
    return replace(payment, bounds=amount_bounds(rule))


def _net_range(lines: list[Payment], payer: str) -> tuple[float, float]:
    """The lowest and highest the year's rule net (yuan, from ``payer``) can be: the complete
    lines as they are, every undetermined or partial line anywhere in its ``bounds`` (the amounts
    its rule can give: :func:`with_bounds`; unbounded without)."""
    low = high = 0.0
    for p in lines:
        sign = 1.0 if p.payer == payer else -1.0
        if p.complete and math.isfinite(p.amount_yuan):
            low, high = low + sign * p.amount_yuan, high + sign * p.amount_yuan
            continue
        lo, hi = p.bounds or (-math.inf, math.inf)
        low, high = (low + lo, high + hi) if sign > 0 else (low - hi, high - lo)
    return low, high


def _ray(rate: float, sign: float) -> tuple[float, float]:
    """The amounts ``d * rate`` can take for every ``d`` of sign ``sign`` (+1: d >= 0, -1: d < 0)."""
    s = sign * rate
    return (0.0, 0.0) if s == 0 else ((0.0, math.inf) if s > 0 else (-math.inf, 0.0))


def amount_bounds(rule) -> tuple[float, float]:
    """The lowest and highest amount (yuan, the rule's payer to payee) a rule's line can take,
    whatever the series: from the signs of its rates, bonuses and penalties (an infinite
    bound where a rate is unbounded), clipped to its ``[min_yuan, max_yuan]``.  A "strive for"
    (``binding = false``) line is always 0; a rule of a kind not known here is unbounded.
    """
    if not rule.binding:
        return 0.0, 0.0
    if isinstance(rule, TargetRule):  # a bonus, or the penalty with 0 to 12 failed months
        values = (rule.bonus_yuan, -rule.penalty_yuan, -rule.penalty_yuan - 12 * rule.penalty_per_failed_month_yuan)
        return min(values), max(values)
    if isinstance(rule, (QuantityRule, TnReductionRule)):  # amounts.linear: a gain at the reward, a loss at the penalty
        rate = rule.reward_per_m3_above_yuan if isinstance(rule, QuantityRule) else rule.reward_per_mg_per_l_yuan
        penalty = rule.penalty_per_m3_below_yuan if isinstance(rule, QuantityRule) else rule.penalty_per_mg_per_l_yuan
        rays = [_ray(rate, 1.0), _ray(penalty, -1.0)]
    elif isinstance(rule, QualityClassRule):  # a sum over periods of classes short (-k * a penalty), or better
        penalties = [rule.penalty_per_class_yuan]
        if rule.inflow_section and rule.penalty_per_class_no_worse_than_inflow_yuan is not None:
            penalties.append(rule.penalty_per_class_no_worse_than_inflow_yuan)
        rays = [_ray(p, -1.0) for p in penalties] + [_ray(rule.reward_per_class_yuan, 1.0),
                                                     _ray(rule.bonus_yuan, 1.0)]
    else:
        return -math.inf, math.inf
    lo, hi = min(r[0] for r in rays), max(r[1] for r in rays)
    return min(max(lo, rule.min_yuan), rule.max_yuan), min(max(hi, rule.min_yuan), rule.max_yuan)
