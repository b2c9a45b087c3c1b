"""A rule's amount from what it measured (yuan): the linear reward or penalty of a change, the signed
amounts of water classes, and the rule's cap (``max_yuan``, ``min_yuan``), for
:mod:`hydro.compensation.engine` and :mod:`hydro.compensation.inference`."""

from __future__ import annotations

import math

import numpy as np

from hydro.compensation.payments import CAPPED
from hydro.compensation.rules import QualityClassRule


def linear(delta: float, reward: float, penalty: float) -> float:
    """``delta * reward`` for a gain (delta >= 0), ``delta * penalty`` (negative) for a loss."""
    return (delta * reward if delta >= 0 else delta * penalty) + 0.0  # never -0.0


def class_amounts(rule: QualityClassRule, cls: np.ndarray, inflow: np.ndarray | None) -> np.ndarray:
    """Signed amount (yuan) of each evaluation period, from its class and the inflow's."""
    short = cls - rule.target_class
    own = np.where(short > 0, -short * rule.penalty_per_class_yuan,
                   np.where(short < 0, -short * rule.reward_per_class_yuan, 0.0))
    own = own + np.where(short <= 0, rule.bonus_yuan, 0.0)
    if inflow is None:
        return own
    worse = cls > inflow
    n_worse = np.maximum(cls - inflow, short)
    rate = rule.penalty_per_class_no_worse_than_inflow_yuan
    rate = rule.penalty_per_class_yuan if rate is None else rate  # defaults to the penalty
    no_worse = np.where(short > 0, -short * rate, own)
    return np.where(worse, -n_worse * rule.penalty_per_class_yuan, no_worse)


def clip(amount: float, rule) -> float:
    """``amount`` (yuan) clipped to the rule's ``[min_yuan, max_yuan]`` (NaN stays NaN)."""
    if math.isnan(amount):
        return amount
    return float(min(max(amount, rule.min_yuan), rule.max_yuan))


def clip_noted(amount: float, rule) -> tuple[float, str]:
    """:func:`clip`, and what it did for the payment's note: "" or "; capped at max_yuan ... (the
    formula gives ...)" (a payment at its cap does not move with the water: an engineer reads a
    figure that a better or worse year would leave as it is)."""
    clipped = clip(amount, rule)
    if math.isnan(amount) or clipped == amount:
        return clipped, ""
    bound = "max_yuan" if amount > rule.max_yuan else "min_yuan"
    return clipped, f"{CAPPED}{bound} {clipped:,.0f} (the formula gives {amount:,.0f})"
