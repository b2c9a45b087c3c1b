"""The rule objects of a compensation agreement (what each component computes).

This module owns the frozen rule types: :class:`QuantityRule`, :class:`QualityClassRule`,
:class:`TnReductionRule`, :class:`TargetRule`, and :class:`FixedPayment`,
:class:`Reported` and :class:`Provenance`.  Reading them from TOML lives in
:mod:`hydro.compensation.agreement`; evaluating them in :mod:`hydro.compensation.engine`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hydro.monitoring import FLOW

#: Component kinds, as TOML array-of-table names, in evaluation order.
COMPONENTS: tuple[str, ...] = ("quantity", "quality_class", "tn_reduction", "target", "fixed")

#: How a year's value of a concentration is taken by the rules that compare annual means
#: (``statistic`` of ``tn_reduction`` and of ``target``'s ``annual_mean_*`` checks): the
#: mean of the 12 monthly means, or the WRTDS flow-normalised annual mean concentration
#: (:mod:`hydro.flownorm`, from daily values), which takes the year's weather out.
STATISTICS: tuple[str, ...] = ("annual_mean", "flow_normalised")

#: Which way the rules may move money (an agreement's ``direction``; :mod:`hydro.compensation.direction`):
#: ``two_way`` (signed amounts stand) or ``one_way`` (the year's net floored at 0).
DIRECTIONS: tuple[str, ...] = ("two_way", "one_way")

#: What water a quantity rule counts (``water``): the whole flow, or the flow less the water
#: transferred from outside the basin that the results' tracer finds there (docs/agreements.md).
QUANTITY_WATER: tuple[str, ...] = ("all", "natural")

#: Quantity bases: each section against its baseline, or the sections' summed volume.
QUANTITY_BASES: tuple[str, ...] = ("section", "total")

#: What a class rule judges (``judge`` of ``quality_class``): each parameter's class, one payment line per
#: parameter (amounts add across parameters: Beijing 2015), or the section's class, the worst of its
#: parameters' (GB 3838-2002's single-factor evaluation), one line per section.
JUDGEMENTS: tuple[str, ...] = ("parameter", "section")


@dataclass(frozen=True)
class Provenance:
    """Where one number of an agreement comes from.

    Attributes
    ----------
    key : str
        Its key path in the TOML file, e.g. ``quality_class[0].penalty_per_class_yuan``.
    value : Any
        The number (or list of numbers).
    status : str
        ``"cited"``, ``"assumed"`` or ``"unstated"``.
    text : str
        The citation (cited) or the note explaining the assumption.
    range : tuple of float or None
        ``(low, high)``: the plausible range of an assumed (unpublished) number, from
        ``{ value = ..., assumption = true, note = "...", range = [low, high] }``.
    """

    key: str
    value: Any
    status: str
    text: str
    range: tuple[float, float] | None = None

@dataclass(frozen=True)
class Rule:
    """What every evaluated component shares.

    Attributes
    ----------
    where : str
        Its key path in the TOML file, e.g. ``quantity[0]``.
    sections : tuple of str
        Section ids it applies to (one payment line per section and year).
    payer, payee : str
        Parties; a positive amount goes from payer to payee, a negative one back.
    years : tuple of int or None
        ``(first, last)`` years it applies in (inside the agreement's period), or None.
    assumed : bool
        Whether any of its numbers is an assumption.
    section_key, parameter_key : str
        The keys the file used for sections and parameters (for messages).
    binding : bool
        False for a "strive for" term: evaluated and reported (the note says whether it
        was met and what it would have paid), but its amount is 0.
    """

    where: str
    sections: tuple[str, ...]
    payer: str
    payee: str
    years: tuple[int, int] | None
    assumed: bool
    section_key: str = "section"
    parameter_key: str = "parameter"
    binding: bool = True

    kind = ""

    def applies(self, year: int) -> bool:
        """Whether the rule is in force in ``year``."""
        return self.years is None or self.years[0] <= year <= self.years[1]

    def parameters(self) -> tuple[str, ...]:
        """Parameter ids the rule reads from the series."""
        return ()


@dataclass(frozen=True)
class Baseline:
    """A reference value: a fixed number, the mean over years of the input, or the previous year.

    Attributes
    ----------
    value : float or None
        The fixed value (m³ or mg/L), or None.
    mean_of_years : tuple of int or None
        ``(first, last)``: the mean of the annual values of those years of the input.
    previous_year : bool
        The annual value of the year before.
    key : str
        The key path, for messages.
    """

    value: float | None = None
    mean_of_years: tuple[int, int] | None = None
    previous_year: bool = False
    key: str = ""

@dataclass(frozen=True)
class QuantityRule(Rule):
    """Payment for the annual flow volume at a section against a baseline.

    ``amount = (V - B) * reward_per_m3_above_yuan`` when the year's volume ``V`` (m³) is
    at least the baseline ``B``, ``(V - B) * penalty_per_m3_below_yuan`` (negative)
    when below; then clipped to ``[min_yuan, max_yuan]``.  With ``basis = "total"`` the
    sections' volumes are summed and compared with one baseline (one payment line,
    section ``"a+b+c"``): Beijing's total inflow from Hebei, as the Miyun agreement
    counts it.  With ``water = "natural"`` each section's volume is its flow less the water
    transferred from outside the basin that reached it (:meth:`volume`).
    """

    baseline: Baseline = field(default_factory=Baseline)
    basis: str = "section"
    water: str = "all"
    reward_per_m3_above_yuan: float = 0.0
    penalty_per_m3_below_yuan: float = 0.0
    max_yuan: float = math.inf
    min_yuan: float = -math.inf

    kind = "quantity"

    def parameters(self):
        return (FLOW,)


@dataclass(frozen=True)
class QualityClassRule(Rule):
    """Deductions (and rewards) per GB 3838 class of difference from a target class.

    Per section, parameter and evaluation period (a month, or the year's annual mean):
    ``n = class - target_class`` classes short are charged ``penalty_per_class_yuan``
    each (a negative amount); ``target_class - class`` classes better earn
    ``reward_per_class_yuan`` each.  With ``inflow_section``: when the section is worse
    than its inflow, ``max(class - inflow class, class - target)`` classes are charged
    at ``penalty_per_class_yuan``; when it is no worse than the inflow but misses the
    target, ``class - target`` classes at ``penalty_per_class_no_worse_than_inflow_yuan``
    (None: at ``penalty_per_class_yuan``, whatever value that takes in a draw).  The inflow's
    class is on its own limits, ``inflow_waterbody`` (default ``"river"``: a reservoir's inflow
    section is a river's, and TP's limits differ), as a monitoring report classes each section.
    ``reported_decimals``: parameters whose values are rounded, half to even, to so many decimal places
    before they are classed (:func:`hydro.standards.reported`), as a monitoring report gives them (a model's
    0.1004 mg/L TP is the 0.10 a report would print); default none, every value as computed.
    ``bonus_yuan`` is paid for each period at or better than the target (a payment by
    results, with no deduction when the target is missed).
    With ``judge = "parameter"`` (default) each parameter's class is judged: amounts add across
    parameters (one payment line per parameter).  With ``judge = "section"`` the period's class is
    the section's, the worst class over ``parameter_ids`` (single-factor evaluation; a parameter
    without a value leaves it undetermined), and the amounts are per section (one payment line,
    parameter ``"codmn+nh3n+tp"``); an inflow's class is taken the same way.
    ``annual_mean_min_months``: with ``evaluation = "annual"``, how many of the year's monthly means an
    annual mean needs (default 12; the mean is then over the months there).
    """

    parameter_ids: tuple[str, ...] = ()
    waterbody: str = "river"
    target_class: int = 3
    evaluation: str = "monthly"
    penalty_per_class_yuan: float = 0.0
    reward_per_class_yuan: float = 0.0
    bonus_yuan: float = 0.0
    inflow_section: str | None = None
    inflow_waterbody: str = "river"
    reported_decimals: tuple[tuple[str, int], ...] = ()  # (parameter, places): classed as reported, GB/T 8170
    penalty_per_class_no_worse_than_inflow_yuan: float | None = None  # None: as penalty_per_class_yuan
    max_yuan: float = math.inf
    min_yuan: float = -math.inf
    judge: str = "parameter"
    annual_mean_min_months: int = 12

    kind = "quality_class"

    def groups(self) -> tuple[tuple[str, ...], ...]:
        """The parameters judged together on each payment line of a section: one each, or all of them."""
        if self.judge == "section":
            return (self.parameter_ids,)
        return tuple((p,) for p in self.parameter_ids)

    def parameters(self):
        return self.parameter_ids


@dataclass(frozen=True)
class TnReductionRule(Rule):
    """Reward per mg/L of decrease of a parameter's annual mean against a baseline.

    ``d = B - M`` (mg/L) with ``M`` the annual mean (mean of 12 monthly means);
    ``amount = d * reward_per_mg_per_l_yuan`` when ``d >= 0``, else
    ``d * penalty_per_mg_per_l_yuan`` (negative); clipped to ``[min_yuan, max_yuan]``.
    With ``statistic = "flow_normalised"`` ``M`` (and a baseline taken from the input's
    years) is the WRTDS flow-normalised annual mean concentration instead.
    ``annual_mean_min_months``: how many of a year's monthly means ``M`` needs (default 12: a year
    with a month missing has none; fewer: the mean over the months there).
    """

    parameter: str = "tn"
    baseline: Baseline = field(default_factory=Baseline)
    statistic: str = "annual_mean"
    annual_mean_min_months: int = 12
    reward_per_mg_per_l_yuan: float = 0.0
    penalty_per_mg_per_l_yuan: float = 0.0
    max_yuan: float = math.inf
    min_yuan: float = -math.inf

    kind = "tn_reduction"

    def parameters(self):
        return (self.parameter,)


@dataclass(frozen=True)
class TargetRule(Rule):
    """Checks of a year against fixed limits, with a bonus when all pass and penalties otherwise.

    Concentration checks (mg/L): ``annual_mean_max``, ``annual_mean_min``,
    ``monthly_max``, ``monthly_min``; flow check (``parameter = "flow"``, m³):
    ``annual_volume_min_m3``.  All pass: ``+bonus_yuan``.  Any fails: ``-penalty_yuan``,
    plus ``-penalty_per_failed_month_yuan`` for each month failing a monthly check.
    ``statistic = "flow_normalised"`` judges the ``annual_mean_*`` checks on the WRTDS
    flow-normalised annual mean (monthly checks stay on the monthly means); ``water`` is what
    a flow check counts, as a quantity rule's.  ``annual_mean_min_months``: how many of a year's
    monthly means the ``annual_mean_*`` checks need (default 12).
    """

    parameter: str = "tn"
    statistic: str = "annual_mean"
    annual_mean_min_months: int = 12
    annual_mean_max: float | None = None
    annual_mean_min: float | None = None
    monthly_max: float | None = None
    monthly_min: float | None = None
    annual_volume_min_m3: float | None = None
    water: str = "all"  # a flow check's water (QUANTITY_WATER, :func:`counted_volume`)
    bonus_yuan: float = 0.0
    penalty_yuan: float = 0.0
    penalty_per_failed_month_yuan: float = 0.0

    kind = "target"

    def parameters(self):
        return (self.parameter,)


@dataclass(frozen=True)
class FixedPayment:
    """A fixed transfer in one year (yuan).

    ``kind``: ``prepayment``, ``settlement`` or ``transfer`` are added to the rules'
    amounts in the year's net; an ``advance`` is money paid ahead of the year's
    settlement (the settlement is what the rules compute), so it is listed but not
    added; a ``funding`` line is a flow whose amount is unpublished (``amount_yuan`` is
    NaN), listed so that who funds whom is visible, never netted.
    """

    where: str
    year: int
    amount_yuan: float
    payer: str
    payee: str
    kind: str
    description: str
    assumed: bool


@dataclass(frozen=True)
class Reported:
    """A published figure kept for comparison only (never paid by :func:`evaluate`): of one year
    (``years`` = that year twice) or a total over the years ``years`` (first, last)."""

    where: str
    years: tuple[int, int]
    amount_yuan: float
    description: str
    source: str


@dataclass(frozen=True)
class Inference:
    """How an agreement's unpublished price is inferred from published figures.

    Attributes
    ----------
    where : str
        Its key path (``inference``).
    fit : str
        The key path of the fitted number (an assumption with a range), e.g.
        ``quality_class[0].bonus_yuan``.
    fit_year : int
        The year whose published payment the number is fitted to; the other published
        figures are checks.
    volume_share : tuple of float or None
        ``(value, low, high)``: a year's share of a multi-year published volume (not
        published itself; an assumption with its range).
    samples, seed : int
        Draws over the ranges of the assumed numbers, and the random seed.
    figures : Path or None
        The published-figures CSV the number is fitted on (``figures``, relative to the agreement
        file), where the file names it: ``--uncertainty`` then draws the agreement's numbers from
        the fit's consistent draws (:func:`hydro.compensation.inference.fitted_draws`) rather than
        the fitted one over its whole range.
    """

    where: str
    fit: str
    fit_year: int
    volume_share: tuple[float, float, float] | None
    samples: int = 2000
    seed: int = 0
    figures: Path | None = None


def used_pairs(rules) -> set[tuple[str, str]]:
    """``(section, parameter)`` of every series the rules (an agreement's ``rules``) may read: each
    rule's parameters (discharge, ``flow``, only for those that read volumes or flow-normalise: a
    concentration's month is a mean over its days, weighted by no flow since 2026-12-05), at its
    sections and at the inflow section it compares with."""
    out: set[tuple[str, str]] = set()
    for rule in rules:
        inflow = getattr(rule, "inflow_section", None)
        reads = (*rule.parameters(), *((FLOW,) if getattr(rule, "statistic", "") == "flow_normalised" else ()))
        for section in (*rule.sections, *([inflow] if inflow else [])):
            out.update((section, parameter) for parameter in reads)
    return out


def years_needed(agreement) -> tuple[int, int]:
    """The calendar years a simulation of an :class:`~hydro.compensation.Agreement` must cover: its
    period, the year before it when a rule compares with the previous year, and the years of a
    baseline mean."""
    first, last = agreement.period
    for rule in agreement.rules:
        baseline = getattr(rule, "baseline", None)
        if baseline is None:
            continue
        if baseline.previous_year:
            first = min(first, agreement.period[0] - 1)
        if baseline.mean_of_years is not None:
            first = min(first, baseline.mean_of_years[0])
            last = max(last, baseline.mean_of_years[1])
    return first, last


def counted_volume(rule, series, section: str, year: int) -> tuple[float, float]:
    """The year's volume a quantity rule or flow target counts at ``section`` and the transferred
    water left out of it (m³; 0 with ``water = "all"``; NaN with a month missing)."""
    total = series.annual_volume(section, year)
    moved = series.annual_transferred(section, year) if rule.water == "natural" else 0.0
    return (max(total - moved, 0.0) if not math.isnan(total + moved) else math.nan), moved


def check_water(rule, series, file) -> None:
    """Refuse ``water = "natural"`` on a series that cannot tell the transferred water at a
    section (a monitoring CSV; results without the tracer), naming the file, key and remedy."""
    from hydro.errors import HydroError

    for section in rule.sections if getattr(rule, "water", "all") == "natural" else ():
        try:
            series.annual_transferred(section, series.years[0])
        except HydroError as exc:
            raise HydroError(f"{file}: key '{rule.where}.water': \"natural\" counts the flow less the water "
                             f"transferred from outside the basin; {exc}; or count all the water (water = \"all\")"
                             ) from None  # each reason says its remedy: no file holds a reservoir's
