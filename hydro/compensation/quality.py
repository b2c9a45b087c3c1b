"""Evaluating a ``[[quality_class]]`` rule: GB 3838 classes against a target, per parameter or per section.

With ``judge = "parameter"`` (default) each parameter of a section is its own payment line, and the
amounts add across parameters (Beijing 2015: "amounts add across pollutants").  With
``judge = "section"`` a period's class is the section's: the worst class over the rule's parameters,
GB 3838-2002's single-factor evaluation ("单因子评价"; the 2011 evaluation method takes a section's class
from "the parameter of the highest class"), and the section has one line, its parameter the ids joined
with ``+`` (``"codmn+nh3n+tp"``).  A period counts where every parameter of the line has a value (at the
inflow section too, when the rule compares with one); an annual rule with a parameter's month missing
is undetermined, as an annual mean with a month missing is (unless the rule's ``annual_mean_min_months``
takes fewer than 12).
"""

from __future__ import annotations

import math

import numpy as np

from hydro.compensation.amounts import class_amounts, clip_noted
from hydro.compensation.payments import Payment, missing_note, rule_payment
from hydro.compensation.rules import QualityClassRule
from hydro.monitoring import SectionSeries
from hydro.standards import class_name, reported, water_class


def quality_class_payments(rule: QualityClassRule, series: SectionSeries, year: int) -> list[Payment]:
    """The rule's payment lines of ``year``: per section and parameter, or per section (``judge``).

    Parameters
    ----------
    rule : QualityClassRule
    series : SectionSeries
        Monthly concentrations (mg/L) at the rule's sections (and its inflow section).
    year : int

    Returns
    -------
    list of Payment
        In section order, then parameter order; an undetermined line has amount NaN and
        ``complete=False``, its note naming the missing months.
    """
    return [_line(rule, series, year, section, group) for section in rule.sections for group in rule.groups()]


def _values(rule: QualityClassRule, series: SectionSeries, section: str, group, year: int) -> np.ndarray:
    """``(parameters, periods)`` values (mg/L): the annual means (one period) or the 12 monthly means, each
    parameter of the rule's ``reported_decimals`` rounded as reported."""
    if rule.evaluation == "annual":
        values = np.array([[series.annual_mean(section, p, year, rule.annual_mean_min_months)] for p in group],
                          dtype=float)
    else:
        values = np.array([series.monthly(section, p, year) for p in group], dtype=float)
    places = dict(rule.reported_decimals)
    for i, p in enumerate(group):
        if p in places:
            values[i] = reported(values[i], places[p])
    return values


def _classes(group, values: np.ndarray, waterbody: str) -> tuple[np.ndarray, np.ndarray]:
    """Each parameter's class of each period (rows: parameters) on ``waterbody``'s limits (TN on the lake
    limits, the only ones GB 3838 gives it: a river inflow's TN as the class table shows it, a reference),
    and each period's worst class."""
    each = np.array([water_class(p, v, "lake" if p == "tn" else waterbody)
                     for p, v in zip(group, values, strict=True)], dtype=int)
    return each, each.max(axis=0)


def _line(rule: QualityClassRule, series: SectionSeries, year: int, section: str, group) -> Payment:
    """One payment line: ``section`` judged on the parameters of ``group`` (one, or the rule's all)."""
    target = class_name(rule.target_class)
    inflow_id = rule.inflow_section
    pairs = [(section, p) for p in group] + ([(inflow_id, p) for p in group] if inflow_id else [])
    missing = missing_note(series, pairs, year)
    values = _values(rule, series, section, group, year)
    inflow = _values(rule, series, inflow_id, group, year) if inflow_id else None
    ok = np.isfinite(values).all(axis=0)
    if inflow is not None:
        ok &= np.isfinite(inflow).all(axis=0)
    parameter = "+".join(group)
    if not ok.any():
        what = f"no {rule.evaluation} value" + (" of every parameter: section class undetermined"
                                                  if len(group) > 1 else "")
        return rule_payment(rule, year, section, parameter, math.nan, False, f"target {target}; {what}; {missing}")
    each, cls = _classes(group, values[:, ok], rule.waterbody)
    cin = _classes(group, inflow[:, ok], rule.inflow_waterbody)[1] if inflow is not None else None
    amounts = class_amounts(rule, cls, cin)
    amount, capped = clip_noted(float(amounts.sum()), rule)
    note = _note(rule, group, values[:, ok], each, cls, cin, amounts, np.flatnonzero(ok) + 1) + capped
    if missing:
        note += "; " + missing
    return rule_payment(rule, year, section, parameter, amount, not missing, note)


def _note(rule: QualityClassRule, group, values: np.ndarray, each: np.ndarray, cls: np.ndarray,
          cin: np.ndarray | None, amounts: np.ndarray, months: np.ndarray) -> str:
    """How the line's amount came about: the annual class(es), or the months that carry an amount."""
    target = class_name(rule.target_class)
    section = len(group) > 1
    if rule.evaluation == "annual":
        if section:
            means = ", ".join(f"{p} {v:.6g} mg/L ({class_name(c)})"
                              for p, v, c in zip(group, values[:, 0], each[:, 0], strict=True))
            note = f"annual means {means}: section class {class_name(cls[0])}, target {target}"
        else:
            note = f"annual mean {values[0, 0]:.6g} mg/L: class {class_name(cls[0])}, target {target}"
        if cin is not None:
            note += f", inflow {rule.inflow_section} class {class_name(cin[0])}"
        return note
    worst = [group[int(k)] for k in each.argmax(axis=0)]
    charged = [f"{m:02d}:{class_name(c)}" + (f"({w})" if section else "")
               + (f"/in {class_name(ci)}" if cin is not None else "")
               for m, c, w, ci, a in zip(months, cls, worst, cin if cin is not None else cls, amounts, strict=True)
               if a]
    judged = f"section class the worst of {', '.join(group)}; " if section else ""
    return f"target {target}; {judged}months with amounts: " + (", ".join(charged) or "none")
