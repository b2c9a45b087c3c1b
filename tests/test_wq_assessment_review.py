"""Water-quality assessment as the Chinese rules do it (water-quality assessment review, 2026-12-06).

A mean of values at a class limit stays in that limit's class in every caller of ``water_class``
(GB 3838-2002's "<="), and a monitoring CSV reads a result below the detection limit as half the
limit (MEE 2020 statistics rule, point 7; SL 219-2013, 12.2.5) instead of refusing it.
"""

import re

import numpy as np
import pytest

from hydro.errors import HydroError
from hydro.monitoring import read_monitoring_csv
from hydro.standards import water_class

HEADER = "section,year,month,parameter,value,unit\n"


@pytest.mark.parametrize(("parameter", "value", "n", "body", "expected"), [
    ("tp", 0.05, 31, "lake", 3),    # 31 days at the lake Class III limit: 0.05000000000000001 in binary
    ("tp", 0.025, 12, "lake", 2),   # 12 months at Class II
    ("tp", 0.2, 31, "lake", 5),     # Class V, not worse than V
    ("tp", 0.1, 7, "river", 2),
    ("do", 7.5, 31, "river", 1),    # a lower bound: a mean a hair below 7.5 in binary is still Class I
])
def test_a_mean_of_values_at_a_limit_is_in_that_limits_class(parameter, value, n, body, expected):
    mean = float(np.mean(np.full(n, value)))
    assert water_class(parameter, mean, body) == expected
    assert water_class(parameter, np.array([mean, mean]), body).tolist() == [expected] * 2


@pytest.mark.parametrize(("parameter", "value", "body", "expected"), [
    ("tp", 0.05 * (1 + 1e-9), "lake", 4),   # a real difference, however small, still counts
    ("tp", 0.1001, "river", 3),
    ("do", 7.5 * (1 - 1e-9), "river", 2),
])
def test_a_value_truly_past_a_limit_is_in_the_next_class(parameter, value, body, expected):
    assert water_class(parameter, value, body) == expected


def read_value(tmp_path, text, parameter="tp", unit="mg/L"):
    path = tmp_path / "m.csv"
    path.write_text(HEADER + "".join(f"s,2020,{m},{parameter},{text if m == 1 else '0.05'},{unit}\n"
                                     for m in range(1, 13)), encoding="utf-8")
    return read_monitoring_csv(path).monthly("s", parameter, 2020)


@pytest.mark.parametrize("text", ["0.01L", "0.01 L", "0.01l", "<0.01", "< 0.01", "＜0.01"])
def test_a_result_below_the_detection_limit_is_half_the_limit(tmp_path, text):
    months = read_value(tmp_path, text)
    assert months[0] == pytest.approx(0.005, rel=1e-15)
    assert not np.isnan(months).any()  # a measured month, not a missing one


def test_a_detection_limit_in_ug_per_litre_is_converted_before_halving(tmp_path):
    assert read_value(tmp_path, "10L", unit="ug/L")[0] == pytest.approx(0.005, rel=1e-15)


@pytest.mark.parametrize("text", ["ND", "nd", "未检出"])
def test_a_non_detect_without_its_limit_asks_for_the_limit(tmp_path, text):
    with pytest.raises(HydroError, match=r"line 2: value '.*' is a result below the detection limit without the "
                                         r"limit; write the limit with L \(0\.01L\)"):
        read_value(tmp_path, text)


@pytest.mark.parametrize(("text", "fragment"), [
    ("0L", "a detection limit must be > 0"),
    ("<-1", "must be a finite number >= 0"),
])
def test_a_bad_detection_limit_is_refused(tmp_path, text, fragment):
    with pytest.raises(HydroError, match=fragment):
        read_value(tmp_path, text)


def test_a_flow_below_a_limit_is_not_a_flow(tmp_path):
    with pytest.raises(HydroError, match="is not a number"):
        read_value(tmp_path, "<5", parameter="flow", unit="m3")


AGREEMENT = ('name = "t"\nsource = "t"\nperiod = [2015, 2015]\npayer = "a"\npayee = "b"\n'
             '[[quality_class]]\nsection = "res"\ninflow_section = "river_in"\nparameters = ["tp"]\n'
             'waterbody = "lake"\nevaluation = "monthly"\ntarget_class = "III"\n'
             'penalty_per_class_yuan = 300000\nsource = "t"\n{extra}')


@pytest.mark.parametrize(("extra", "inflow_class", "amount"), [
    # the reservoir at lake TP 0.05 (III) below a river at 0.08 (II on river limits): worse than its inflow,
    # max(III - II, III - III) = 1 class a month
    ("", 2, -12 * 300_000),
    # judged on lake limits the inflow is IV: the reservoir is no worse and meets its target
    ('inflow_waterbody = "lake"\n', 4, 0.0),
])
def test_an_inflow_section_is_judged_on_its_own_limits_in_the_payment_and_the_table(tmp_path, extra, inflow_class,
                                                                                     amount):
    from hydro.classes import agreement_class_table
    from hydro.compensation.agreement import Agreement
    from hydro.compensation.quality import quality_class_payments
    from hydro.section_series import SectionSeries

    path = tmp_path / "a.toml"
    path.write_text(AGREEMENT.format(extra=extra), encoding="utf-8")
    agreement = Agreement.from_toml(path)
    series = SectionSeries(2015, {"res": {"tp": np.full(12, 0.05)}, "river_in": {"tp": np.full(12, 0.08)}})
    table = {(r.place, r.month): r.water_class for r in agreement_class_table(agreement, series)
             if r.parameter == "tp"}
    assert (table[("res", 1)], table[("river_in", 1)]) == (3, inflow_class)
    assert quality_class_payments(agreement.rules[0], series, 2015)[0].amount_yuan == pytest.approx(amount)


@pytest.mark.parametrize(("extra", "fragment"), [
    ('inflow_waterbody = "sea"\n', "inflow_waterbody"),
])
def test_a_bad_inflow_waterbody_names_the_key(tmp_path, extra, fragment):
    from hydro.compensation.agreement import Agreement

    path = tmp_path / "a.toml"
    path.write_text(AGREEMENT.format(extra=extra), encoding="utf-8")
    with pytest.raises(HydroError, match=fragment):
        Agreement.from_toml(path)
    path.write_text(AGREEMENT.replace('inflow_section = "river_in"\n', "").format(extra='inflow_waterbody = "lake"\n'),
                    encoding="utf-8")
    with pytest.raises(HydroError, match=r"inflow_waterbody.*needs 'inflow_section'"):
        Agreement.from_toml(path)


@pytest.mark.parametrize(("parameter", "value", "body", "expected"), [
    ("tp", 0.41, "river", (0.41 - 0.2) / 0.2),     # worse than V: 1.05 times above Class III's 0.2
    ("tp", 4.0, "river", 19.0),                    # far worse than V, now told apart
    ("tn", 1.5, "lake", 0.5),                      # lake TN, Class IV
    ("tp", 0.2, "river", None),                    # Class III: no exceedance
    ("do", 1.0, "river", None),                    # a lower bound: not computed, as the method says
])
def test_a_month_worse_than_class_iii_has_its_exceedance_multiple(parameter, value, body, expected):
    from hydro.classes import ClassRow

    row = ClassRow("s", "section", 2020, 1, parameter, value, water_class(parameter, value, body), body)
    got = row.as_json()["exceedance_multiple"]
    assert got == (None if expected is None else pytest.approx(expected, rel=1e-12))


def test_a_river_inflows_tn_is_classed_on_the_lake_limits_gb_3838_gives_it(tmp_path):
    # GB 3838 gives TN lake limits only: a reservoir's TN rule compares its inflow's TN on them, as the class
    # table shows a river's TN (a reference); river limits for TN do not exist
    from hydro.compensation.agreement import Agreement
    from hydro.compensation.quality import quality_class_payments
    from hydro.section_series import SectionSeries

    path = tmp_path / "a.toml"
    path.write_text(AGREEMENT.replace('parameters = ["tp"]', 'parameters = ["tn"]').format(extra=""),
                    encoding="utf-8")
    series = SectionSeries(2015, {"res": {"tn": np.full(12, 0.9)}, "river_in": {"tn": np.full(12, 0.4)}})
    # III (0.9 on lake limits) below an inflow of II (0.4): one class worse, every month
    assert quality_class_payments(Agreement.from_toml(path).rules[0], series, 2015)[0].amount_yuan == \
        pytest.approx(-12 * 300_000)


@pytest.mark.parametrize(("value", "places", "expected"), [
    (0.1004, 2, 0.10), (0.105, 2, 0.10), (0.115, 2, 0.12), (0.125, 2, 0.12),   # half to even, on the decimal
    (6.04, 1, 6.0), (6.05, 1, 6.0), (6.15, 1, 6.2), (float("nan"), 2, float("nan")),
])
def test_reported_rounds_half_to_even_as_gb_t_8170(value, places, expected):
    from hydro.standards import reported

    got = reported(value, places)
    assert (np.isnan(got) and np.isnan(expected)) or got == expected


REPORTED = ('name = "t"\nsource = "t"\nperiod = [2015, 2015]\npayer = "a"\npayee = "b"\n'
            '[[quality_class]]\nsection = "s"\nparameters = ["tp"]\nwaterbody = "river"\nevaluation = "monthly"\n'
            'target_class = "II"\npenalty_per_class_yuan = 300000\nsource = "t"\n{extra}')


@pytest.mark.parametrize(("extra", "amount", "shown"), [
    ("", -12 * 300_000, 3),                                       # 0.1004 as computed: Class III, a class short
    ("reported_decimals = { tp = 2 }\n", 0.0, 2),                 # as a report prints it, 0.10: Class II
])
def test_reported_decimals_class_a_model_value_as_a_report_gives_it(tmp_path, extra, amount, shown):
    from hydro.classes import agreement_class_table
    from hydro.compensation.agreement import Agreement
    from hydro.compensation.quality import quality_class_payments
    from hydro.section_series import SectionSeries

    path = tmp_path / "a.toml"
    path.write_text(REPORTED.format(extra=extra), encoding="utf-8")
    agreement = Agreement.from_toml(path)
    series = SectionSeries(2015, {"s": {"tp": np.full(12, 0.1004)}})
    assert quality_class_payments(agreement.rules[0], series, 2015)[0].amount_yuan == pytest.approx(amount)
    rows = [r for r in agreement_class_table(agreement, series) if r.parameter == "tp"]
    assert {r.water_class for r in rows} == {shown}  # the table classes as the payment does


@pytest.mark.parametrize(("extra", "fragment"), [
    ("reported_decimals = { nh3n = 2 }\n", "'nh3n' is not one of the rule's parameters"),
    ("reported_decimals = { tp = 7 }\n", "expected the decimal places of the reported value, 0 to 4"),
    ("reported_decimals = { tp = 2.0 }\n", "expected the decimal places"),
    ("reported_decimals = 2\n", "expected a table of parameter = decimal places"),
])
def test_bad_reported_decimals_name_the_key(tmp_path, extra, fragment):
    from hydro.compensation.agreement import Agreement

    path = tmp_path / "a.toml"
    path.write_text(REPORTED.format(extra=extra), encoding="utf-8")
    with pytest.raises(HydroError, match=re.escape(fragment)):
        Agreement.from_toml(path)
