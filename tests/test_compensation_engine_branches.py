"""Branches of the compensation rules that no test reached (mutation audit of 2026-12-04):
each case below is one a wrong rule pays differently, worked out by hand in its comment."""

from __future__ import annotations

import numpy as np
import pytest
from test_compensation import INFLOW_RULE, ONE_YEAR, TN_TARGET, agreement, amounts, monthly

from hydro.compensation import evaluate
from hydro.monitoring import SectionSeries


def test_a_section_worse_than_an_inflow_already_worse_than_the_target(tmp_path):
    """Rule: max(class - inflow class, class - target class) classes at the full rate."""
    inflow = [1.2] + [0.4] * 11    # NH3-N river classes (GB 3838): 1.2 -> IV, 0.4 -> II
    out = [1.8] + [0.4] * 11       # 1.8 -> V
    series = SectionSeries(2019, {"in": {"nh3n": monthly(inflow)}, "out": {"nh3n": monthly(out)}})
    a = agreement(tmp_path, INFLOW_RULE, head=ONE_YEAR)
    # Jan: in IV, out V, target III -> worse than its inflow: max(5 - 4, 5 - 3) = 2 classes x 300,000
    # (the inflow's class alone would charge 1); the rest II/II: 0
    (p,) = evaluate(a, series)
    assert p.amount_yuan == pytest.approx(-600_000)


@pytest.mark.parametrize(("values", "expected", "why"), [
    # DO (a minimum): annual mean 6.0 >= 5, every month >= 4: the bonus
    ([6.0] * 12, 1e6, "met"),
    # at the minimum exactly: met (a limit is a bound the value may equal)
    ([5.0] * 12, 1e6, "at the limits"),
    # three months at 3.0 < 4: mean (9 x 6 + 3 x 3) / 12 = 5.25 >= 5, but 3 failed months:
    # -(2e6 + 3 x 1e5)
    ([6.0] * 9 + [3.0] * 3, -2.3e6, "months"),
    # mean 4.5 < 5 with no month below 4: the penalty alone, -(2e6 + 0 x 1e5)
    ([4.5] * 12, -2e6, "annual"),
])
def test_a_target_minimum_is_judged(tmp_path, values, expected, why):
    series = SectionSeries(2019, {"s": {"do": np.array(values, dtype=float)}})
    a = agreement(tmp_path, """
[[target]]
section = "s"
parameter = "do"
annual_mean_min = 5.0
monthly_min = 4.0
bonus_yuan = 1e6
penalty_yuan = 2e6
penalty_per_failed_month_yuan = 1e5
""", head=ONE_YEAR)
    assert amounts(evaluate(a, series)) == [pytest.approx(expected)], why


def test_the_per_month_penalty_counts_every_failed_month(tmp_path):
    # TN: five months at 6.5 > 6: mean (7 x 4 + 5 x 6.5) / 12 = 5.04 > 4.10 -> -(2e7 + 5 x 1e6)
    series = SectionSeries(2019, {"b": {"tn": monthly([4.0] * 7 + [6.5] * 5)}})
    a = agreement(tmp_path, TN_TARGET, head=ONE_YEAR)
    assert amounts(evaluate(a, series)) == [pytest.approx(-2.5e7)]
