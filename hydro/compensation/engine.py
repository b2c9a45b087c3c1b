"""Evaluating an agreement on a monthly section series.

:func:`evaluate` checks that every section and parameter a rule names is in the series,
then turns each rule, year and section (and parameter) into a :class:`Payment`.

Annual values (a year's flow volume, an annual mean) need all 12 months (an annual mean fewer
where its rule's ``annual_mean_min_months`` says so); with too few they are undetermined and the
payment's amount is NaN.  Monthly evaluations use the months that
are there.  Either way the payment is ``complete=False``, its note lists the missing months.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import replace

import numpy as np

from hydro.compensation.agreement import Agreement
from hydro.compensation.amounts import clip_noted, linear
from hydro.compensation.direction import floor_lines, with_bounds
from hydro.compensation.payments import STRIVE_FOR, Payment, missing_note, month_list, rule_payment
from hydro.compensation.quality import quality_class_payments
from hydro.compensation.rules import (
    Baseline,
    QualityClassRule,
    QuantityRule,
    Rule,
    TargetRule,
    TnReductionRule,
    check_water,
    counted_volume,
)
from hydro.errors import HydroError, suggest
from hydro.monitoring import FLOW, SectionSeries
from hydro.monitoring_csv import missing_section


def unavailable(agreement: Agreement, series: SectionSeries) -> list[tuple[str, str, str]]:
    """``(rule key, section, parameter)`` of every rule parameter the series has no data for.

    A comparison with an inflow section needs the parameter at both: when the inflow
    lacks it, the compared section's parameter is listed too (it cannot be evaluated).
    """
    out = []
    for rule in agreement.rules:
        inflow = getattr(rule, "inflow_section", None)
        for section in rule.sections:
            for parameter in rule.parameters():
                if section in series.sections and not series.has(section, parameter):
                    out.append((f"{rule.where}.{rule.parameter_key}", section, parameter))
                elif (inflow and inflow in series.sections and section in series.sections
                      and not series.has(inflow, parameter)):
                    out.append((f"{rule.where}.inflow_section", section, parameter))
                    out.append((f"{rule.where}.inflow_section", inflow, parameter))
    return list(dict.fromkeys(out))


def evaluate(agreement: Agreement, series: SectionSeries, skip_unavailable: bool = False) -> list[Payment]:
    """Evaluate every rule of ``agreement`` in each year of its period the series covers.

    Parameters
    ----------
    agreement : Agreement
    series : SectionSeries
        Monthly concentrations (mg/L) and flow volumes (m³) per section.
    skip_unavailable : bool
        Leave out the rule parameters the series has no data for (e.g. TP when a
        model simulates TN only; :func:`unavailable` lists them) instead of
        raising.

    Returns
    -------
    list of Payment
        Sorted by year, then in the agreement's rule order; a one-way agreement's ``floor``
        line, then the fixed payments of every year of the period come last in their year
        (an advance as ``advance``, a funding flow as ``funding``: without a published
        amount only in the years the series covers).  A ``binding = false`` rule's lines
        have amount 0 and say in their note what it would have paid.

    Raises
    ------
    HydroError
        If a rule names a section or parameter the series lacks, a baseline's years lie
        outside the series, or the series covers no year of the agreement's period.
    """
    skipped = {(section, parameter) for _, section, parameter in unavailable(agreement, series)} \
        if skip_unavailable else set()
    _check_names(agreement, series, skipped)
    years = [y for y in series.years if agreement.period[0] <= y <= agreement.period[1]]
    if agreement.rules and not years:
        raise HydroError(
            f"{agreement.path}: key 'period': the agreement runs {agreement.period[0]}-{agreement.period[1]} "
            f"but {series.source} covers {series.years[0]}-{series.years[-1]}; "
            "evaluate it on a series that overlaps the period, or apply its rules to the series' years "
            f"with --set period=[{series.years[0]},{series.years[-1]}]")
    out: list[tuple[int, int, Payment]] = []
    for order, rule in enumerate(agreement.rules):
        evaluate_rule = _EVALUATORS[type(rule)]
        for year in years:
            if rule.applies(year):
                for payment in evaluate_rule(rule, series, year):
                    if not _skipped(payment, skipped):
                        out.append((year, order, with_bounds(rule, _strive(rule, payment))))
    fixed = []
    for f in agreement.fixed:
        if f.kind == "funding" and math.isnan(f.amount_yuan) and f.year not in years:
            continue  # an unpublished funding flow is listed in the years evaluated
        note = f.kind + (f": {f.description}" if f.description else "")
        component = f.kind if f.kind in ("advance", "funding") else "fixed"
        if f.kind == "advance":
            note += " (paid ahead of the year's settlement; not added to it)"
        elif f.kind == "funding" and math.isnan(f.amount_yuan):
            note += " (amount not published; listed, not invented)"
        fixed.append((f.year, len(agreement.rules), Payment(
            f.year, "", component, "", f.payer, f.payee, f.amount_yuan, True, f.assumed, f.where, note)))
    # a one-way agreement's floor lines (of the rules and the fixed lines), before the fixed lines of their year
    out += [(p.year, len(agreement.rules), p) for p in floor_lines(agreement, [p for *_, p in out + fixed])]
    out += fixed
    out.sort(key=lambda item: (item[0], item[1]))
    return [replace(p, parties=(agreement.payer, agreement.payee)) for _, _, p in out]  # (its pair, for nets)


def _skipped(payment: Payment, skipped) -> bool:
    """Whether a line reads what the series lacks (``--skip-unavailable``): a line of summed sections
    ("a+b") where every section lacks its parameter, a section judged on several parameters
    ("codmn+nh3n+tp") where any is lacking (its class cannot be told without it)."""
    return all(any((x, p) in skipped for p in payment.parameter.split("+")) for x in payment.section.split("+"))


def _strive(rule: Rule, payment: Payment) -> Payment:
    """A "strive for" (non-binding) term: reported, its amount 0."""
    if rule.binding:
        return payment
    would = ("undetermined" if math.isnan(payment.amount_yuan)
             else f"{payment.amount_yuan:,.0f} yuan" if payment.amount_yuan else "nothing")
    note = f"{STRIVE_FOR}; as a binding term it would pay {would}): {payment.note}"
    return replace(payment, amount_yuan=0.0 if not math.isnan(payment.amount_yuan) else math.nan, note=note)


# -- names and years ------------------------------------------------------------
def _check_names(agreement: Agreement, series: SectionSeries, skipped=frozenset()) -> None:
    file = agreement.path
    known = series.sections
    for rule in agreement.rules:
        named = [(f"{rule.where}.{rule.section_key}", s) for s in rule.sections]
        if isinstance(rule, QualityClassRule) and rule.inflow_section:
            named.append((f"{rule.where}.inflow_section", rule.inflow_section))
        for key, section in named:
            if section not in known:
                if str(series.source).lower().endswith(".csv"):  # the CSV's typo as likely as the file's
                    raise missing_section(series, section, f"which {file} names (key '{key}')")
                raise HydroError(f"{file}: key '{key}': section '{section}' is not in {series.source}"
                                 + suggest(section, known) + "; known sections: " + ", ".join(known)
                                 + "; evaluate the agreement on a series that holds it (results written without "
                                 "--locations or --variables leaving it out: a reservoir needs reservoir_inflow), "
                                 "or name a section the series has")
            for parameter in rule.parameters():
                if not series.has(section, parameter) and (section, parameter) not in skipped \
                        and not (key.endswith("inflow_section") and any(
                            (s, parameter) in skipped for s in rule.sections)):
                    pkey = f"{rule.where}.{rule.parameter_key}" if parameter != FLOW else key
                    have = series.parameters(section)
                    raise HydroError(
                        f"{file}: key '{pkey}': parameter '{parameter}' has no data at section "
                        f"'{section}' in {series.source}" + suggest(parameter, have)
                        + "; known parameters there: " + ", ".join(have)
                        + "; evaluate the agreement on a series that carries it (results written without "
                        "--variables), or leave out what the series lacks with --skip-unavailable "
                        "(skip_unavailable=True in Python)")
        if getattr(rule, "statistic", "annual_mean") == "flow_normalised" and series.daily is None:
            raise HydroError(
                f"{file}: key '{rule.where}.statistic': \"flow_normalised\" needs a results file or "
                f"daily samples (daily concentration and discharge), and {series.source} holds "
                "monthly means only; evaluate the agreement on a hydro results file (.nc), "
                "flow-normalise daily samples with python -m hydro.flownorm, or use "
                "statistic = \"annual_mean\"")
        check_water(rule, series, file)
        baseline = getattr(rule, "baseline", None)
        if baseline is not None and baseline.mean_of_years is not None:
            first, last = baseline.mean_of_years
            if first < series.years[0] or last > series.years[-1]:
                raise HydroError(
                    f"{file}: key '{baseline.key}': years {first}-{last} reach outside "
                    f"{series.source}, which covers {series.years[0]}-{series.years[-1]}; "
                    "give a series that spans the baseline years, or a fixed baseline value")


def _baseline_value(baseline: Baseline, annual: Callable[[int], float], year: int,
                    unit: str) -> tuple[float, bool, str]:
    """The baseline for ``year``: (value, complete, note)."""
    if baseline.value is not None:
        return baseline.value, True, f"baseline {baseline.value:.6g} {unit}"
    if baseline.previous_year:
        value = annual(year - 1)
        if math.isnan(value):
            return math.nan, False, f"previous year {year - 1} is incomplete or outside the series"
        return value, True, f"previous year {year - 1}: {value:.6g} {unit}"
    first, last = baseline.mean_of_years
    values = {y: annual(y) for y in range(first, last + 1)}
    good = [v for v in values.values() if not math.isnan(v)]
    bad = [y for y, v in values.items() if math.isnan(v)]
    if not good:
        return math.nan, False, f"no complete year in baseline years {first}-{last}"
    value = float(np.mean(good))
    note = f"baseline mean of {first}-{last}: {value:.6g} {unit}"
    if bad:
        note += f" (years with missing months left out: {', '.join(map(str, bad))})"
    return value, not bad, note


def _annual_value(rule: TnReductionRule | TargetRule, series: SectionSeries, section: str,
                  parameter: str) -> Callable[[int], float]:
    """A year's value of a concentration as the rule's ``statistic`` takes it (mg/L)."""
    if rule.statistic == "flow_normalised":
        return lambda y: series.flow_normalised_mean(section, parameter, y)
    return lambda y: series.annual_mean(section, parameter, y, rule.annual_mean_min_months)


_LABEL = {"annual_mean": "annual mean", "flow_normalised": "flow-normalised annual mean"}


# -- rules ---------------------------------------------------------------------
def _quantity(rule: QuantityRule, series: SectionSeries, year: int) -> list[Payment]:
    out = []
    groups = [rule.sections] if rule.basis == "total" else [(s,) for s in rule.sections]
    for group in groups:
        s = "+".join(group)

        def annual(y, group=group):
            return float(sum(counted_volume(rule, series, x, y)[0] for x in group))

        volume, moved = annual(year), sum(counted_volume(rule, series, x, year)[1] for x in group)
        base, base_ok, base_note = _baseline_value(rule.baseline, annual, year, "m3")
        missing = missing_note(series, [(x, FLOW) for x in group], year)
        if math.isnan(volume) or math.isnan(base):
            amount = math.nan
            note = "; ".join(x for x in ("annual volume undetermined", missing, base_note) if x)
        else:
            amount, capped = clip_noted(linear(volume - base, rule.reward_per_m3_above_yuan,
                                           rule.penalty_per_m3_below_yuan), rule)
            note = f"volume {volume:.6g} m3" + (f" (natural water: {moved:.6g} m3 transferred from outside left out)"
                                                 if rule.water == "natural" else "") + f" vs {base_note}{capped}"
        out.append(rule_payment(rule, year, s, FLOW, amount, not missing and base_ok, note))
    return out


def _tn_reduction(rule: TnReductionRule, series: SectionSeries, year: int) -> list[Payment]:
    out = []
    p = rule.parameter
    label = _LABEL[rule.statistic]
    for s in rule.sections:
        annual = _annual_value(rule, series, s, p)
        mean = annual(year)
        base, base_ok, base_note = _baseline_value(rule.baseline, annual, year, "mg/L")
        missing = missing_note(series, [(s, p)], year)
        if math.isnan(mean) or math.isnan(base):
            amount = math.nan
            note = "; ".join(x for x in (f"{label} undetermined", missing, base_note) if x)
        else:
            amount, capped = clip_noted(linear(base - mean, rule.reward_per_mg_per_l_yuan,
                                           rule.penalty_per_mg_per_l_yuan), rule)
            note = f"{label} {mean:.6g} mg/L vs {base_note} (decrease {base - mean:.6g} mg/L){capped}"
            note += f"; {missing}" if missing else ""
        out.append(rule_payment(rule, year, s, p, amount, not missing and base_ok, note))
    return out


def _target(rule: TargetRule, series: SectionSeries, year: int) -> list[Payment]:
    out = []
    p = rule.parameter
    for s in rule.sections:
        missing = missing_note(series, [(s, p)], year)
        failed: list[str] = []
        undetermined: list[str] = []
        failed_months = 0
        if p == FLOW:
            annual_checks = [("annual volume" + (" of natural water" if rule.water == "natural" else ""),
                              counted_volume(rule, series, s, year)[0], rule.annual_volume_min_m3, ">=")]
        else:
            label = _LABEL[rule.statistic]
            has_annual = rule.annual_mean_max is not None or rule.annual_mean_min is not None
            mean = _annual_value(rule, series, s, p)(year) if has_annual else math.nan
            annual_checks = [(label, mean, rule.annual_mean_max, "<="),
                             (label, mean, rule.annual_mean_min, ">=")]
        for label, value, limit, op in annual_checks:
            if limit is None:
                continue
            if math.isnan(value):
                undetermined.append(f"{label} {op} {limit:.6g}")
            elif not (value <= limit if op == "<=" else value >= limit):
                failed.append(f"{label} {value:.6g} not {op} {limit:.6g}")
        if p != FLOW and (rule.monthly_max is not None or rule.monthly_min is not None):
            values = series.monthly(s, p, year)
            bad = np.zeros(12, dtype=bool)
            if rule.monthly_max is not None:
                bad |= values > rule.monthly_max
            if rule.monthly_min is not None:
                bad |= values < rule.monthly_min
            failed_months = int(bad.sum())
            if failed_months:
                failed.append(f"monthly limit missed in {month_list(year, np.flatnonzero(bad) + 1)}")
            if np.isnan(values).any():
                undetermined.append("monthly checks")
        if failed:
            amount = -(rule.penalty_yuan + rule.penalty_per_failed_month_yuan * failed_months)
            note = "failed: " + "; ".join(failed)
        elif undetermined:
            amount = math.nan
            note = "undetermined: " + "; ".join(undetermined)
        else:
            amount = rule.bonus_yuan
            note = "all checks met"
        if missing:
            note += "; " + missing
        out.append(rule_payment(rule, year, s, p, amount, not missing, note))
    return out


_EVALUATORS: dict[type, Callable[[Rule, SectionSeries, int], list[Payment]]] = {
    QuantityRule: _quantity,
    QualityClassRule: quality_class_payments,
    TnReductionRule: _tn_reduction,
    TargetRule: _target,
}
