"""The rule objects of a compensation agreement (what each component computes).

This module owns the frozen rule types: :class:`QuantityRule`, :class:`QualityClassRule`,
:class:`TnReductionRule`, :class:`TargetRule`, and :class:`FixedPayment`,
:class:`Reported` and :class:`Provenance`.  Reading them from TOML lives in
:mod:`hydro.compensation.agreement`; evaluating them in :mod:`hydro.compensation.engine`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from hydro.monitoring import FLOW

#: Component kinds, as TOML array-of-table names, in evaluation order.
COMPONENTS: tuple[str, ...] = ("quantity", "quality_class", "tn_reduction", "target", "fixed")


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
    """

    key: str
    value: Any
    status: str
    text: str

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
    """

    where: str
    sections: tuple[str, ...]
    payer: str
    payee: str
    years: tuple[int, int] | None
    assumed: bool
    section_key: str = "section"
    parameter_key: str = "parameter"

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
    when below; then clipped to ``[min_yuan, max_yuan]``.
    """

    baseline: Baseline = field(default_factory=Baseline)
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
    target, ``class - target`` classes at ``penalty_per_class_no_worse_than_inflow_yuan``.
    Amounts add across parameters (one payment line per parameter).
    """

    parameter_ids: tuple[str, ...] = ()
    waterbody: str = "river"
    target_class: int = 3
    evaluation: str = "monthly"
    penalty_per_class_yuan: float = 0.0
    reward_per_class_yuan: float = 0.0
    inflow_section: str | None = None
    penalty_per_class_no_worse_than_inflow_yuan: float = 0.0
    max_yuan: float = math.inf
    min_yuan: float = -math.inf

    kind = "quality_class"

    def parameters(self):
        return self.parameter_ids


@dataclass(frozen=True)
class TnReductionRule(Rule):
    """Reward per mg/L of decrease of a parameter's annual mean against a baseline.

    ``d = B - M`` (mg/L) with ``M`` the annual mean (mean of 12 monthly means);
    ``amount = d * reward_per_mg_per_l_yuan`` when ``d >= 0``, else
    ``d * penalty_per_mg_per_l_yuan`` (negative); clipped to ``[min_yuan, max_yuan]``.
    """

    parameter: str = "tn"
    baseline: Baseline = field(default_factory=Baseline)
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
    """

    parameter: str = "tn"
    annual_mean_max: float | None = None
    annual_mean_min: float | None = None
    monthly_max: float | None = None
    monthly_min: float | None = None
    annual_volume_min_m3: float | None = None
    bonus_yuan: float = 0.0
    penalty_yuan: float = 0.0
    penalty_per_failed_month_yuan: float = 0.0

    kind = "target"

    def parameters(self):
        return (self.parameter,)


@dataclass(frozen=True)
class FixedPayment:
    """A fixed transfer in one year: a pre-payment, a settlement or another transfer (yuan)."""

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
    """A published figure kept for comparison only (never paid by :func:`evaluate`)."""

    where: str
    year: int
    amount_yuan: float
    description: str
    source: str
