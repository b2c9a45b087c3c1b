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

#: The rule key of a floor line (its component is :data:`~hydro.compensation.payments.FLOOR`).
DIRECTION_KEY = "direction"


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
        that way, add up to ``S < 0``, else 0.  Undetermined (NaN) lines are left out, as
        :func:`~hydro.compensation.payments.totals` leaves them out of the net, and the
        floor line is then marked incomplete (its note says they could change it).
    """
    if agreement.direction != "one_way":
        return []
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
        complete = all(p.complete for p in lines) and not open_lines
        if net < 0:
            amount = -net
            note = (f"one-way agreement: the rules net {net:,.0f} yuan, deductions beyond the rewards; the payee "
                    f"never pays the payer, so this line brings the year's rules to 0 (floor {amount:,.0f} yuan)")
        else:
            amount = 0.0
            note = f"one-way agreement: the rules net {net:,.0f} yuan >= 0; the floor at 0 is not reached"
        if open_lines:  # as totals() nets them: the determined lines, the floor of their sum
            note += (f"; incomplete: {len(open_lines)} undetermined line{'s' if len(open_lines) > 1 else ''} "
                     "left out, which could change it")
        out.append(Payment(year, "", FLOOR, "", payer, payee, amount + 0.0, complete,
                           agreement.direction_assumed, DIRECTION_KEY, note))
    return out
