"""Review of the leftovers (issues 13/16): a one-way agreement's floor line and undetermined lines.

The floor line of a year was marked incomplete ("could change it") whenever a line of the year
was undetermined, even when that line's rule can only pay the payer's way (a bonus, a reward
with no penalty) on a year whose determined lines already net >= 0: no value of it brings the
year down to the floor.  It is now decided from the signs of each rule's amounts
(:func:`hydro.compensation.direction.amount_bounds`).  The shipped Guanting agreement on a 2023
series (its tn_reduction needs 2022, outside the series) is the case found.
"""

import math
from pathlib import Path

import numpy as np
import pytest
from test_compensation import HEAD, agreement, monthly

from hydro.compensation import Agreement, evaluate, format_payments, totals
from hydro.compensation.direction import amount_bounds
from hydro.monitoring import SectionSeries

ROOT = Path(__file__).resolve().parents[1]
GUANTING = ROOT / "configs" / "agreements" / "guanting_yongding_2023.toml"
ONE_WAY = HEAD + 'direction = "one_way"\n'

# 2019: 1.2e8 m3 (quantity +2e6 against 1e8 m3 at 0.1 yuan/m3); CODMn 3.0 mg/L, Class II every month
# (quality: +100,000 a month at target = 1.2e6); TN 1.0 mg/L with 2018 outside the series (the
# previous-year reduction undetermined).
QUANTITY = """
[[quantity]]
section = "s"
baseline_m3 = 1.0e8
reward_per_m3_above_yuan = 0.1
{penalty}source = "test"
"""
REDUCTION = """
[[tn_reduction]]
section = "s"
parameter = "tn"
baseline = "previous_year"
reward_per_mg_per_l_yuan = 1e6
{penalty}source = "test"
"""


def _series(flow=1e7):
    return SectionSeries(2019, {"s": {"flow": monthly(flow, flow), "tn": monthly(1.0, 1.0)}}, source="synthetic")


def _floor(payments, year):
    (line,) = [p for p in payments if p.component == "floor" and p.year == year]
    return line


def test_a_reward_only_undetermined_line_cannot_reach_the_floor(tmp_path):
    # 2019: quantity +2e6 determined, the TN reduction undetermined (no 2018) but reward-only:
    # whatever it pays is >= 0, so the year's net stays >= 2e6 and the floor stays 0
    a = agreement(tmp_path, QUANTITY.format(penalty="") + REDUCTION.format(penalty=""), head=ONE_WAY)
    pay = evaluate(a, _series())
    (red,) = [p for p in pay if p.component == "tn_reduction" and p.year == 2019]
    assert math.isnan(red.amount_yuan)
    f19 = _floor(pay, 2019)
    assert (f19.amount_yuan, f19.complete) == (0.0, True)
    assert "cannot change it" in f19.note and "could change it" not in f19.note
    assert "incomplete in 2019" not in format_payments(pay)
    # the year's net itself is still incomplete: the reduction could add to it
    assert [t["complete"] for t in totals(pay) if t["year"] == 2019] == [False]


def test_an_undetermined_line_that_can_deduct_leaves_the_floor_open(tmp_path):
    # the same reduction with a penalty: a rebound deducts without bound, so it could bring 2019 below 0
    a = agreement(tmp_path, QUANTITY.format(penalty="") + REDUCTION.format(penalty="penalty_per_mg_per_l_yuan = 1e6\n"),
                  head=ONE_WAY)
    f19 = _floor(evaluate(a, _series()), 2019)
    assert (f19.amount_yuan, f19.complete) == (0.0, False)
    assert "incomplete: 1 undetermined line left out, which could change it" in f19.note


def test_a_reward_only_line_on_a_floored_year_leaves_the_floor_open(tmp_path):
    # 5e6 m3 a month: quantity with a penalty of 0.1 yuan/m3 below 1e8: -4e6 floored by 4e6; the
    # reward-only reduction (undetermined) could pay up to all of it back: the floor could shrink
    a = agreement(tmp_path, QUANTITY.format(penalty="penalty_per_m3_below_yuan = 0.1\n") + REDUCTION.format(penalty=""),
                  head=ONE_WAY)
    f19 = _floor(evaluate(a, _series(5e6)), 2019)
    assert f19.amount_yuan == pytest.approx(4e6) and not f19.complete


def test_a_strive_for_line_never_moves_the_floor(tmp_path):
    # a non-binding reduction (with a penalty) is 0 whatever it would pay: the floor of -4e6 is settled
    body = (QUANTITY.format(penalty="penalty_per_m3_below_yuan = 0.1\n")
            + REDUCTION.format(penalty="penalty_per_mg_per_l_yuan = 1e6\nbinding = false\n"))
    f19 = _floor(evaluate(agreement(tmp_path, body, head=ONE_WAY), _series(5e6)), 2019)
    assert f19.amount_yuan == pytest.approx(4e6) and f19.complete


def test_amount_bounds_follow_the_signs_of_each_rule(tmp_path):
    body = """
[[quality_class]]
section = "s"
parameter = "codmn"
target_class = "II"
bonus_yuan = 100000
max_yuan = 500000
source = "test"

[[quality_class]]
section = "s"
parameter = "codmn"
target_class = "II"
penalty_per_class_yuan = 300000
source = "test"

[[target]]
section = "s"
parameter = "tn"
annual_mean_max = 1.0
monthly_max = 2.0
bonus_yuan = 1e6
penalty_yuan = 2e5
penalty_per_failed_month_yuan = 1e4
source = "test"
""" + REDUCTION.format(penalty="max_yuan = 3e6\n")
    bounds = {r.where: amount_bounds(r) for r in agreement(tmp_path, body).rules}
    # the target: a bonus of 1e6, or -2e5 with 0 to 12 failed months at 1e4 (down to -3.2e5)
    assert bounds == {"quality_class[0]": (0.0, 5e5), "quality_class[1]": (-math.inf, 0.0),
                      "target[0]": (-3.2e5, 1e6), "tn_reduction[0]": (0.0, 3e6)}


def test_guanting_2023_floor_is_complete():
    # Guanting's rules are bonuses and capped rewards (no penalty; its flow target does not bind):
    # on a 2023 series the TN reduction needs 2022 and is undetermined, which cannot lower the net
    months = np.full(12, 1.0)
    conc = {"tn": 3.0, "codmn": 4.0, "nh3n": 0.5, "tp": 0.1}  # Class III but TN (not classed here)
    sections = {s: {"flow": months * 1e7, **{p: months * v for p, v in conc.items()}}
                for s in ("bahaoqiao", "xiangshuibao", "shixiali")}
    pay = evaluate(Agreement.from_toml(GUANTING), SectionSeries(2023, sections, source="synthetic 2023"))
    (red,) = [p for p in pay if p.component == "tn_reduction"]
    assert math.isnan(red.amount_yuan) and not red.complete
    f23 = _floor(pay, 2023)
    assert (f23.amount_yuan, f23.complete) == (0.0, True)
    assert "could change it" not in format_payments(pay)
