"""``annual_mean_min_months``: an agreement's choice of how many monthly means make an annual mean.

A section whose monitoring misses a month (ice in January on the Chaobai's upper reaches, a lost
sample) had no annual mean, so no annual payment that year nor the next's previous-year baseline.
The key makes the choice explicit per rule; the default (12) keeps every shipped agreement's amounts.
Every figure below is computed by hand from the series written in the test.
"""

import math

import numpy as np
import pytest

from hydro.compensation import Agreement, evaluate
from hydro.errors import HydroError
from hydro.monitoring import SectionSeries

HEAD = 'name = "test"\nsource = "test case"\nperiod = [2019, 2020]\npayer = "up"\npayee = "down"\n'

#: 2019: January and February missing, ten months at 2.0 mg/L TN; 2020: twelve months at 1.5.
TN = np.array([np.nan, np.nan] + [2.0] * 10 + [1.5] * 12)
SERIES = SectionSeries(2019, {"s": {"tn": TN, "tp": TN / 20}}, source="synthetic")


def agreement(tmp_path, body) -> Agreement:
    path = tmp_path / "a.toml"
    path.write_text(HEAD + body, encoding="utf-8")
    return Agreement.from_toml(path)


def tn_reduction(min_months: str) -> str:
    return ('[[tn_reduction]]\nsection = "s"\nbaseline_mg_per_l = 2.5\nreward_per_mg_per_l_yuan = 1000.0\n'
            + min_months)


def test_by_default_a_year_with_a_month_missing_has_no_annual_mean(tmp_path):
    pay = evaluate(agreement(tmp_path, tn_reduction("")), SERIES)
    first = next(p for p in pay if p.year == 2019)
    assert math.isnan(first.amount_yuan) and not first.complete
    assert "2019-01, 2019-02" in first.note


def test_ten_months_make_an_annual_mean_when_the_agreement_takes_ten(tmp_path):
    pay = evaluate(agreement(tmp_path, tn_reduction("annual_mean_min_months = 10\n")), SERIES)
    first = next(p for p in pay if p.year == 2019)
    # mean of the ten months there: 2.0 mg/L; (2.5 - 2.0) x 1000 = 500 yuan
    assert first.amount_yuan == pytest.approx(500.0)
    # the gap stays visible: the line is not complete and its note names the months
    assert not first.complete and "missing months: s tn 2019-01, 2019-02" in first.note
    second = next(p for p in pay if p.year == 2020)
    assert second.amount_yuan == pytest.approx(1000.0) and second.complete


def test_eleven_are_not_ten(tmp_path):
    pay = evaluate(agreement(tmp_path, tn_reduction("annual_mean_min_months = 11\n")), SERIES)
    assert math.isnan(next(p for p in pay if p.year == 2019).amount_yuan)


def test_the_previous_year_baseline_takes_the_same_rule(tmp_path):
    body = ('[[tn_reduction]]\nsection = "s"\nbaseline = "previous_year"\nreward_per_mg_per_l_yuan = 1000.0\n'
            'annual_mean_min_months = 10\n')
    pay = evaluate(agreement(tmp_path, body), SERIES)
    # 2020 against 2019's ten-month mean: (2.0 - 1.5) x 1000 = 500 yuan
    assert [p.amount_yuan for p in pay if p.year == 2020] == [pytest.approx(500.0)]


def test_a_target_and_an_annual_class_take_it_too(tmp_path):
    body = ('[[target]]\nsection = "s"\nparameter = "tn"\nannual_mean_max = 1.9\npenalty_yuan = 7.0\n'
            'annual_mean_min_months = 10\n'
            '[[quality_class]]\nsection = "s"\nparameter = "tp"\nwaterbody = "river"\ntarget_class = 2\n'
            'penalty_per_class_yuan = 100.0\nevaluation = "annual"\nannual_mean_min_months = 10\n')
    pay = evaluate(agreement(tmp_path, body), SERIES)
    target = next(p for p in pay if p.year == 2019 and p.component == "target")
    assert target.amount_yuan == -7.0  # 2.0 > 1.9
    # TP 0.1 mg/L is river Class II's limit (GB 3838-2002): class II, the target: no deduction
    klass = next(p for p in pay if p.year == 2019 and p.component == "quality_class")
    assert klass.amount_yuan == 0.0 and "class II" in klass.note


@pytest.mark.parametrize("body, message", [
    (tn_reduction("annual_mean_min_months = 13\n"), r"a year has 12 months, got 13"),
    (tn_reduction("annual_mean_min_months = 0\n"), r"expected an integer >= 1"),
    (tn_reduction("annual_mean_min_months = 9.5\n"), r"expected an integer"),
    (tn_reduction('statistic = "flow_normalised"\nannual_mean_min_months = 10\n'), r"applies to an annual mean"),
    ('[[quality_class]]\nsection = "s"\nparameter = "tp"\ntarget_class = 2\npenalty_per_class_yuan = 1.0\n'
     'annual_mean_min_months = 10\n', r'evaluation = "annual"'),
    ('[[target]]\nsection = "s"\nparameter = "tn"\nmonthly_max = 3.0\nannual_mean_min_months = 10\n',
     r"annual_mean_max / annual_mean_min"),
    ('[[quantity]]\nsection = "s"\nbaseline_m3 = 1e8\nannual_mean_min_months = 10\n', r"annual_mean_min_months"),
])
def test_a_key_that_cannot_apply_is_refused_by_name(tmp_path, body, message):
    with pytest.raises(HydroError, match=message) as err:
        agreement(tmp_path, body)
    assert "a.toml" in str(err.value)


def test_its_provenance_is_recorded_like_every_number(tmp_path):
    a = agreement(tmp_path, tn_reduction(
        'annual_mean_min_months = { value = 8, assumption = true, note = "ice months" }\n'))
    assert a.rules[0].annual_mean_min_months == 8 and a.rules[0].assumed
    assert any(p.key.endswith("annual_mean_min_months") and p.value == 8 for p in a.provenance)
