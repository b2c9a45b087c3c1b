"""The compensation rule engine: hand-computed payments for every component, missing
months, name errors, the monitoring CSV and results-file readers, shipped agreements."""

import io
import json
import math
from pathlib import Path

import netCDF4
import numpy as np
import pytest

from hydro.compensation import (
    COLUMNS,
    Agreement,
    Payment,
    evaluate,
    format_payments,
    payments_as_json,
    payments_to_csv,
    totals,
    write_payments_csv,
)
from hydro.errors import HydroError
from hydro.monitoring import SectionSeries, read_monitoring_csv, read_results, read_series

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = sorted((ROOT / "configs" / "agreements").glob("*.toml"))

HEAD = 'name = "test"\nsource = "test case"\nperiod = [2019, 2020]\npayer = "up"\npayee = "down"\n'


def agreement(tmp_path, body, head=HEAD, name="a.toml") -> Agreement:
    path = tmp_path / name
    path.write_text(head + body, encoding="utf-8")
    return Agreement.from_toml(path)


def monthly(*years):
    """Concatenate per-year values: a scalar fills 12 months, a list gives them."""
    out = []
    for y in years:
        out.extend([y] * 12 if np.isscalar(y) else y)
    return np.array(out, dtype=float)


def amounts(payments, **match):
    return [p.amount_yuan for p in payments if all(getattr(p, k) == v for k, v in match.items())]


# ---------------------------------------------------------------------------------
# quantity
# ---------------------------------------------------------------------------------
# Section "a": 2019 has 1e7 m3 every month (V = 1.2e8 m3), 2020 has 5e6 (V = 6e7 m3).
FLOW_SERIES = SectionSeries(2019, {"a": {"flow": monthly(1e7, 5e6)}}, source="synthetic")


#: A quantity rule at "a" with both caps: 1.2e8 m3 in 2019 pays 1e7, held at 5e6.
CAPPED_QUANTITY = """
[[quantity]]
section = "a"
baseline_m3 = 1e8
reward_per_m3_above_yuan = 0.5
penalty_per_m3_below_yuan = 0.2
max_yuan = 5e6
min_yuan = -1e7
"""


def test_quantity_fixed_baseline_with_caps(tmp_path):
    a = agreement(tmp_path, CAPPED_QUANTITY)
    pay = evaluate(a, FLOW_SERIES)
    # 2019: (1.2e8 - 1e8) * 0.5 = 1e7, capped at 5e6.
    # 2020: (6e7 - 1e8) * 0.2 = -8e6, inside the floor of -1e7.
    assert amounts(pay, year=2019) == [5e6]
    assert amounts(pay, year=2020) == [pytest.approx(-8e6)]
    p = pay[0]
    assert (p.section, p.component, p.parameter, p.payer, p.payee, p.complete) == \
        ("a", "quantity", "flow", "up", "down", True)


def test_quantity_previous_year_and_mean_of_years(tmp_path):
    a = agreement(tmp_path, """
[[quantity]]
section = "a"
baseline = "previous_year"
reward_per_m3_above_yuan = 0.5
penalty_per_m3_below_yuan = 0.2
min_yuan = -1e7
""")
    pay = evaluate(a, FLOW_SERIES)
    # 2019: the previous year 2018 is not in the series: undetermined, incomplete.
    assert math.isnan(pay[0].amount_yuan) and not pay[0].complete
    assert "2018" in pay[0].note
    # 2020: (6e7 - 1.2e8) * 0.2 = -1.2e7, floored at -1e7.
    assert pay[1].amount_yuan == -1e7 and pay[1].complete

    b = agreement(tmp_path, """
[[quantity]]
section = "a"
baseline_mean_of_years = [2019, 2020]
reward_per_m3_above_yuan = 0.5
penalty_per_m3_below_yuan = 0.2
""", name="b.toml")
    # Baseline (1.2e8 + 6e7) / 2 = 9e7. 2019: 3e7 * 0.5 = 1.5e7. 2020: -3e7 * 0.2 = -6e6.
    assert [p.amount_yuan for p in evaluate(b, FLOW_SERIES)] == [pytest.approx(1.5e7), pytest.approx(-6e6)]


def test_quantity_baseline_years_outside_the_series_is_an_error(tmp_path):
    a = agreement(tmp_path, """
[[quantity]]
section = "a"
baseline_mean_of_years = [2000, 2017]
reward_per_m3_above_yuan = 0.5
""")
    with pytest.raises(HydroError, match=r"a\.toml: key 'quantity\[0\]\.baseline_mean_of_years'.*2019-2020"):
        evaluate(a, FLOW_SERIES)


# ---------------------------------------------------------------------------------
# quality_class
# ---------------------------------------------------------------------------------
CODMN_2019 = [4.0, 4.01, 10.0, 15.5, 2.0, 3, 3, 3, 3, 3, 3, 3]


def test_quality_class_monthly_against_target(tmp_path):
    series = SectionSeries(2019, {"s": {"codmn": monthly(CODMN_2019, 3.0), "nh3n": monthly(0.5, 0.5)}})
    a = agreement(tmp_path, """
[[quality_class]]
section = "s"
parameters = ["codmn", "nh3n"]
target_class = "II"
penalty_per_class_yuan = 300000
reward_per_class_yuan = 100000
""")
    pay = evaluate(a, series)
    # codmn 2019, target II (<= 4 mg/L):
    #   Jan 4.0  = II exactly            ->        0
    #   Feb 4.01 = III, 1 class short    ->  -300,000
    #   Mar 10.0 = IV exactly, 2 short   ->  -600,000
    #   Apr 15.5 = worse than V, 4 short -> -1,200,000
    #   May 2.0  = I exactly, 1 better   ->  +100,000
    #   rest 3.0 = II                    ->        0
    #   total -2,000,000
    assert amounts(pay, year=2019, parameter="codmn") == [pytest.approx(-2_000_000)]
    # nh3n 0.5 mg/L is Class II exactly: nothing, in both years.
    assert amounts(pay, parameter="nh3n") == [0.0, 0.0]
    assert amounts(pay, year=2020, parameter="codmn") == [0.0]
    assert all(p.complete for p in pay)


#: NH3-N at "out" judged against Class III and its inflow "in" (also tests/test_compensation_engine_branches.py)
INFLOW_RULE = """
[[quality_class]]
section = "out"
inflow_section = "in"
parameter = "nh3n"
target_class = 3
penalty_per_class_yuan = 300000
penalty_per_class_no_worse_than_inflow_yuan = 150000
"""
ONE_YEAR = HEAD.replace("[2019, 2020]", "[2019, 2019]")


def test_quality_class_against_inflow(tmp_path):
    inflow = [0.5, 2.0, 0.15, 1.5] + [0.5] * 8
    out = [1.5, 2.0, 0.5, 1.0] + [0.5] * 8
    series = SectionSeries(2019, {"in": {"nh3n": monthly(inflow)}, "out": {"nh3n": monthly(out)}})
    a = agreement(tmp_path, INFLOW_RULE, head=ONE_YEAR)
    # target III.
    #   Jan: in II, out IV -> worse than inflow: max(4-2, 4-3) = 2 classes * 300,000 = -600,000
    #   Feb: in V,  out V  -> no worse, misses target by 2: 2 * 150,000           = -300,000
    #   Mar: in I,  out II -> worse by 1 though within target: 1 * 300,000        = -300,000
    #   Apr: in IV, out III-> better than inflow, meets target                    =        0
    #   rest II/II         ->                                                            0
    #   total -1,200,000
    (p,) = evaluate(a, series)
    assert p.amount_yuan == pytest.approx(-1_200_000)
    assert "01:IV/in II" in p.note


def test_quality_class_annual_mean(tmp_path):
    tp = [0.2] * 6 + [0.3] * 6                       # annual mean 0.25 mg/L -> Class IV (river)
    series = SectionSeries(2019, {"s": {"tp": monthly(tp, 0.1)}})  # 2020: 0.1 -> Class II
    a = agreement(tmp_path, """
[[quality_class]]
section = "s"
parameter = "tp"
evaluation = "annual"
target_class = "III"
penalty_per_class_yuan = 3600000
reward_per_class_yuan = 1000000
""")
    # 2019: IV vs III: -1 * 3,600,000. 2020: II vs III, one class better: +1,000,000.
    assert [p.amount_yuan for p in evaluate(a, series)] == [-3_600_000, 1_000_000]


def test_tn_class_in_a_river_needs_waterbody_lake(tmp_path):
    with pytest.raises(HydroError, match=r"key 'quality_class\[0\]\.waterbody'.*lake"):
        agreement(tmp_path, """
[[quality_class]]
section = "s"
parameter = "tn"
target_class = "III"
""")


# ---------------------------------------------------------------------------------
# tn_reduction and target
# ---------------------------------------------------------------------------------
def test_tn_reduction_fixed_baseline_and_previous_year(tmp_path):
    series = SectionSeries(2019, {"s": {"tn": monthly(4.5, 4.8)}})
    a = agreement(tmp_path, """
[[tn_reduction]]
section = "s"
baseline_mg_per_l = 5.0
reward_per_mg_per_l_yuan = 1e7
max_yuan = 3e6

[[tn_reduction]]
section = "s"
baseline = "previous_year"
reward_per_mg_per_l_yuan = 1e7
penalty_per_mg_per_l_yuan = 2e7
""")
    pay = evaluate(a, series)
    fixed = amounts(pay, rule="tn_reduction[0]")
    prev = amounts(pay, rule="tn_reduction[1]")
    # Fixed baseline 5.0: 2019 decrease 0.5 mg/L * 1e7 = 5e6, capped at 3e6;
    #                     2020 decrease 0.2 mg/L * 1e7 = 2e6.
    assert fixed == [3e6, pytest.approx(2e6)]
    # Previous year: 2019 has no 2018 (undetermined); 2020: 4.5 - 4.8 = -0.3 mg/L * 2e7 = -6e6.
    assert math.isnan(prev[0]) and prev[1] == pytest.approx(-6e6)


#: Bahaoqiao's 2025 TN targets as a rule at section "b" (also tests/test_compensation_engine_branches.py)
TN_TARGET = """
[[target]]
section = "b"
parameter = "tn"
annual_mean_max = 4.10
monthly_max = 6.0
bonus_yuan = 2e7
penalty_yuan = 2e7
penalty_per_failed_month_yuan = 1e6
"""


def test_target_checks_bonus_and_penalties(tmp_path):
    tn_2020 = [4.0] * 11 + [6.5]
    series = SectionSeries(2019, {"b": {"tn": monthly(4.0, tn_2020), "flow": monthly(1e7, 5e6)}})
    a = agreement(tmp_path, TN_TARGET + """
[[target]]
section = "b"
parameter = "flow"
annual_volume_min_m3 = 1e8
bonus_yuan = 1e7
penalty_yuan = 1e7
""")
    pay = evaluate(a, series)
    # TN 2019: mean 4.0 <= 4.10, every month <= 6: bonus +2e7.
    # TN 2020: mean (11*4.0 + 6.5)/12 = 4.208 > 4.10 and December 6.5 > 6:
    #          -(2e7 + 1 month * 1e6) = -2.1e7.
    assert amounts(pay, parameter="tn") == [2e7, -2.1e7]
    assert "2020-12" in [p for p in pay if p.year == 2020 and p.parameter == "tn"][0].note
    # Flow: 2019 1.2e8 >= 1e8: +1e7; 2020 6e7 < 1e8: -1e7.
    assert amounts(pay, parameter="flow") == [1e7, -1e7]


def test_target_years_limit_when_a_rule_applies(tmp_path):
    series = SectionSeries(2019, {"b": {"tn": monthly(4.0, 4.0)}})
    a = agreement(tmp_path, """
[[target]]
section = "b"
years = [2020, 2020]
annual_mean_max = 4.10
bonus_yuan = 5
""")
    assert [(p.year, p.amount_yuan) for p in evaluate(a, series)] == [(2020, 5.0)]


# ---------------------------------------------------------------------------------
# fixed, ordering, tables
# ---------------------------------------------------------------------------------
def test_fixed_payments_and_totals(tmp_path):
    a = agreement(tmp_path, """
[[quantity]]
section = "a"
baseline_m3 = 1e8
reward_per_m3_above_yuan = 0.5
penalty_per_m3_below_yuan = 0.2

[[fixed]]
year = 2019
amount_yuan = 2e8
kind = "prepayment"
description = "advance"

[[fixed]]
year = 2019
amount_yuan = 1e8
payer = "third"
""")
    pay = evaluate(a, FLOW_SERIES)
    assert [(p.year, p.component) for p in pay] == [
        (2019, "quantity"), (2019, "fixed"), (2019, "fixed"), (2020, "quantity")]
    assert pay[1].note == "prepayment: advance" and pay[2].payer == "third"
    t = {(r["year"], r["payer"], r["payee"]): r for r in totals(pay)}
    # 2019 up -> down: quantity 1e7 + prepayment 2e8; each pair named as its lines name it
    # (not alphabetically, which printed "down -> up: -210,000,000" and "down -> third: -1e8")
    assert t[(2019, "up", "down")]["net_yuan"] == pytest.approx(1e7 + 2e8)
    assert t[(2019, "third", "down")]["fixed_yuan"] == pytest.approx(1e8)
    assert t[(2020, "up", "down")]["performance_yuan"] == pytest.approx(-8e6)  # volume below: a penalty
    assert set(t) == {(2019, "up", "down"), (2019, "third", "down"), (2020, "up", "down")}
    assert "2019  third -> down: 100,000,000 yuan" in format_payments(pay)


def test_csv_and_json_tables():
    pay = [Payment(2019, "s", "quantity", "flow", "up", "down", 1.5e6, True, True, "quantity[0]", "n"),
           Payment(2020, "s", "quantity", "flow", "up", "down", math.nan, False, False, "quantity[0]", "m")]
    records = payments_as_json(pay)
    assert list(records[0]) == list(COLUMNS)
    assert records[1]["amount_yuan"] is None
    json.dumps(records, allow_nan=False)
    text = payments_to_csv(pay)
    lines = text.strip().splitlines()
    assert lines[0] == ",".join(COLUMNS)
    assert lines[1].startswith("2019,s,quantity,flow,up,down,1500000.0,true,true")
    assert lines[2].startswith("2020,s,quantity,flow,up,down,,false,false")
    buf = io.StringIO()
    write_payments_csv(pay, buf)
    assert buf.getvalue() == text
    assert "undetermined" in format_payments(pay)


# ---------------------------------------------------------------------------------
# missing months
# ---------------------------------------------------------------------------------
def test_missing_months_are_reported_never_filled(tmp_path):
    codmn = monthly(CODMN_2019)
    codmn[2] = np.nan                                 # March 2019 missing (the -600,000 month)
    flow = monthly(1e7)
    flow[6] = np.nan                                  # July 2019 missing
    series = SectionSeries(2019, {"s": {"codmn": codmn, "flow": flow}})
    assert series.missing() == [{"section": "s", "parameter": "codmn", "year": 2019, "months": [3]},
                                {"section": "s", "parameter": "flow", "year": 2019, "months": [7]}]
    a = agreement(tmp_path, """
[[quality_class]]
section = "s"
parameter = "codmn"
target_class = "II"
penalty_per_class_yuan = 300000
reward_per_class_yuan = 100000

[[quantity]]
section = "s"
baseline_m3 = 1e8
reward_per_m3_above_yuan = 0.5
""", head=HEAD.replace("[2019, 2020]", "[2019, 2019]"))
    quantity, quality = evaluate(a, series)           # rules run kind by kind: quantity first
    # Monthly rules use the months there: -2,000,000 without March's -600,000 = -1,400,000.
    assert quality.amount_yuan == pytest.approx(-1_400_000)
    assert not quality.complete and "2019-03" in quality.note
    # The annual volume needs all 12 months: undetermined.
    assert math.isnan(quantity.amount_yuan) and not quantity.complete and "2019-07" in quantity.note


# ---------------------------------------------------------------------------------
# names the series lacks; agreement file errors
# ---------------------------------------------------------------------------------
def test_unknown_section_names_file_key_name_and_known(tmp_path):
    a = agreement(tmp_path, '[[quantity]]\nsection = "gubeikuo"\nbaseline_m3 = 1\n')
    series = SectionSeries(2019, {"gubeikou": {"flow": monthly(1.0, 1.0)},
                                  "baihe_border": {"flow": monthly(1.0, 1.0)}})
    with pytest.raises(HydroError) as exc:
        evaluate(a, series)
    msg = str(exc.value)
    for part in ("a.toml", "key 'quantity[0].section'", "'gubeikuo'", "did you mean 'gubeikou'",
                 "known sections: baihe_border, gubeikou"):
        assert part in msg


def test_unknown_parameter_names_file_key_name_and_known(tmp_path):
    a = agreement(tmp_path, '[[quality_class]]\nsection = "s"\nparameters = ["codmn", "tp"]\n'
                            'target_class = 2\n')
    series = SectionSeries(2019, {"s": {"codmn": monthly(1.0, 1.0), "flow": monthly(1.0, 1.0)}})
    with pytest.raises(HydroError, match=r"a\.toml: key 'quality_class\[0\]\.parameters': parameter 'tp'"
                                         r".*known parameters there: codmn, flow"):
        evaluate(a, series)


def test_unknown_parameter_in_the_agreement_itself(tmp_path):
    with pytest.raises(HydroError, match=r"key 'tn_reduction\[0\]\.parameter'.*'tnn'.*did you mean 'tn'"):
        agreement(tmp_path, '[[tn_reduction]]\nsection = "s"\nparameter = "tnn"\nbaseline_mg_per_l = 1\n')


@pytest.mark.parametrize("body,match", [
    ('[[quantity]]\nsection = "s"\nbaseline_m3 = 1\nreward_per_m3_abov_yuan = 1\n',
     r"quantity\[0\]\.reward_per_m3_abov_yuan'.*did you mean 'reward_per_m3_above_yuan'"),
    ('[[quantity]]\nsection = "s"\n', r"give exactly one baseline"),
    ('[[quantity]]\nsection = "s"\nbaseline_m3 = 1\nbaseline = "previous_year"\n', r"exactly one baseline"),
    ('[[quantity]]\nsections = ["s"]\nsection = "s"\nbaseline_m3 = 1\n', r"either 'section' or 'sections'"),
    ('[[quantity]]\nsection = "s"\nbaseline_m3 = { value = 1, assumption = true }\n', r"needs a 'note'"),
    ('[[quantity]]\nsection = "s"\nbaseline_m3 = { value = 1 }\n', r"give 'source'"),
    ('[[quality_class]]\nsection = "s"\nparameter = "tp"\ntarget_class = "VI"\n', r"target_class.*class 1\.\.5"),
    ('[[quality_class]]\nsection = "s"\nparameter = "tp"\ntarget_class = 2\nevaluation = "weekly"\n',
     r"'monthly' or 'annual'"),
    ('[[fixed]]\nyear = 2030\namount_yuan = 1\n', r"fixed\[0\]\.year'.*outside the agreement's period"),
    ('[[target]]\nsection = "s"\nparameter = "flow"\nmonthly_max = 1\n', r"flow targets"),
    ('', r"no components"),
])
def test_agreement_file_errors(tmp_path, body, match):
    with pytest.raises(HydroError, match=match):
        agreement(tmp_path, body)


def test_series_outside_the_period_is_an_error(tmp_path):
    a = agreement(tmp_path, '[[quantity]]\nsection = "a"\nbaseline_m3 = 1\n',
                  head=HEAD.replace("[2019, 2020]", "[2030, 2031]"))
    with pytest.raises(HydroError, match="key 'period'.*2030-2031.*2019-2020"):
        evaluate(a, FLOW_SERIES)


# ---------------------------------------------------------------------------------
# monitoring CSV
# ---------------------------------------------------------------------------------
def write(tmp_path, text, name="m.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_monitoring_csv_reads_units_aliases_and_gaps(tmp_path):
    path = write(tmp_path, """# a comment
section,year,month,parameter,value,unit
gubeikou,2019,1,TN,5.1,mg/L
gubeikou,2019,2,NH3-N,0.4,mg/l
gubeikou,2019,2,flow,10,m3/s
gubeikou,2019,3,flow,2.5e7,m3
gubeikou,2020,1,CODMn,,mg/L
""")
    s = read_monitoring_csv(path)
    assert s.years == [2019, 2020] and s.sections == ["gubeikou"]
    assert s.parameters("gubeikou") == ["codmn", "flow", "nh3n", "tn"]
    assert s.monthly("gubeikou", "tn", 2019)[0] == 5.1
    # February 2019: 10 m3/s * 28 days * 86,400 s = 24,192,000 m3.
    assert s.monthly("gubeikou", "flow", 2019)[1] == pytest.approx(24_192_000)
    assert s.monthly("gubeikou", "flow", 2019)[2] == 2.5e7
    assert s.missing_months("gubeikou", "flow", 2019) == [1] + list(range(4, 13))
    assert s.missing_months("gubeikou", "codmn", 2020) == list(range(1, 13))
    assert read_series(path).sections == ["gubeikou"]


@pytest.mark.parametrize("row,match", [
    ("gubeikou,2019,1,tn,5.1,mmol/L", r"line 2: unit 'mmol/L' for tn.*mg/L"),
    ("gubeikou,2019,1,flow,5.1,l/s", r"line 2: unit 'l/s' for flow.*'m3'.*'m3/s'"),
    ("gubeikou,2019,1,tnn,5.1,mg/L", r"line 2: unknown parameter 'tnn'.*did you mean 'tn'"),
    ("gubeikou,2019,13,tn,5.1,mg/L", r"line 2: month 13 is outside 1\.\.12"),
    ("gubeikou,20x9,1,tn,5.1,mg/L", r"line 2: year '20x9' is not an integer"),
    ("gubeikou,2019,1,tn,five,mg/L", r"line 2: value 'five' is not a number"),
    ("gubeikou,2019,1,tn,-1,mg/L", r"line 2: value -1 must be"),
    ("gubeikou,2019,1,tn,5.1", r"line 2: expected 6 cells"),
    ("gubeikou,2019,1,tn,5.1,mg/L\ngubeikou,2019,1,tn,5.2,mg/L", r"line 3: a second value.*first on line 2"),
])
def test_monitoring_csv_errors_name_file_line_and_value(tmp_path, row, match):
    path = write(tmp_path, "section,year,month,parameter,value,unit\n" + row + "\n")
    with pytest.raises(HydroError, match=r"m\.csv: " + match):
        read_monitoring_csv(path)


def test_monitoring_csv_header_errors(tmp_path):
    with pytest.raises(HydroError, match=r"line 1: unknown column 'valu'.*did you mean 'value'"):
        read_monitoring_csv(write(tmp_path, "section,year,month,parameter,valu,unit\n"))
    with pytest.raises(HydroError, match="missing: unit"):
        read_monitoring_csv(write(tmp_path, "section,year,month,parameter,value\n"))
    with pytest.raises(HydroError, match="no data rows"):
        read_monitoring_csv(write(tmp_path, "section,year,month,parameter,value,unit\n"))
    with pytest.raises(HydroError, match="file not found"):
        read_monitoring_csv(tmp_path / "nope.csv")
    with pytest.raises(HydroError, match="unknown kind of file"):
        read_series(tmp_path / "x.xlsx")


# ---------------------------------------------------------------------------------
# results netCDF
# ---------------------------------------------------------------------------------
def write_results(path, days=365, start="2019-01-01", q=None, c=None, units="m3 s-1", masked_day=None):
    """A tiny results file in the fixed schema: daily time, two sections."""
    q = np.ones((days, 2)) if q is None else q
    c = np.full((days, 2), 2.0) if c is None else c
    with netCDF4.Dataset(path, "w") as ds:
        ds.basin = "miyun"
        ds.createDimension("time", days)
        ds.createDimension("section", 2)
        t = ds.createVariable("time", "f8", ("time",))
        t.units = f"days since {start}"
        t.calendar = "standard"
        t[:] = np.arange(days)
        s = ds.createVariable("section", str, ("section",))
        s[0], s[1] = "gubeikou", "baihe_border"
        v = ds.createVariable("section_discharge", "f8", ("time", "section"), fill_value=-9999.0)
        v.units, v.long_name = units, "discharge at section"
        v[:] = q
        if masked_day is not None:
            v[masked_day, 0] = np.ma.masked
        w = ds.createVariable("section_tn_concentration", "f8", ("time", "section"))
        w.units, w.long_name = "mg L-1", "TN concentration at section"
        w[:] = c
        load = ds.createVariable("section_tn_load", "f8", ("time", "section"))
        load.units = "kg d-1"
        load[:] = q * c * 86.4
    return path


def test_results_reader_time_mean_months_and_volumes(tmp_path):
    q = np.ones((365, 2))
    c = np.full((365, 2), 2.0)
    q[15:31, 0], c[15:31, 0] = 3.0, 4.0               # Jan 16-31 at gubeikou
    s = read_results(write_results(tmp_path / "r.nc", q=q, c=c))
    assert s.years == [2019] and s.sections == ["baihe_border", "gubeikou"]
    assert s.parameters("gubeikou") == ["flow", "tn"]
    # January at gubeikou: 15 days Q=1 C=2, 16 days Q=3 C=4.
    # The monitoring's monthly mean is the mean over the days, (15*2 + 16*4)/31 = 3.032 mg/L
    # (flow-weighted it would be (15*1*2 + 16*3*4) / (15*1 + 16*3) = 222 / 63 = 3.52, as before 2026-12-05).
    assert s.monthly("gubeikou", "tn", 2019)[0] == pytest.approx(94 / 31)
    # Volume = (15*1 + 16*3) m3/s-days * 86,400 s = 5,443,200 m3.
    assert s.monthly("gubeikou", "flow", 2019)[0] == pytest.approx(63 * 86400)
    # February at baihe_border: 28 days * 1 m3/s * 86,400 s.
    assert s.monthly("baihe_border", "flow", 2019)[1] == pytest.approx(28 * 86400)
    assert s.annual_mean("baihe_border", "tn", 2019) == pytest.approx(2.0)
    assert s.missing() == []
    assert read_series(tmp_path / "r.nc").sections == s.sections


def test_results_reader_marks_partial_and_masked_months_missing(tmp_path):
    # 2019-01-01 .. 2019-12-15 (349 days): December is partial; 10 March is a fill value.
    s = read_results(write_results(tmp_path / "r.nc", days=349, masked_day=68))
    assert s.missing_months("gubeikou", "flow", 2019) == [3, 12]
    # (a month's mean is over its days' concentrations: a day without discharge leaves its volume missing only,
    # payments review 2026-12-05, F3)
    assert s.missing_months("gubeikou", "tn", 2019) == [12]
    assert s.missing_months("baihe_border", "flow", 2019) == [12]


def test_results_reader_errors(tmp_path):
    with pytest.raises(HydroError, match=r"section_discharge': units 'l s-1'; expected 'm3 s-1'"):
        read_results(write_results(tmp_path / "r.nc", units="l s-1"))
    path = tmp_path / "empty.nc"
    with netCDF4.Dataset(path, "w") as ds:
        ds.createDimension("time", 1)
        ds.createVariable("time", "f8", ("time",)).units = "hours since 2019-01-01"
    with pytest.raises(HydroError, match="'days since YYYY-MM-DD'"):
        read_results(path)
    with pytest.raises(HydroError, match="file not found"):
        read_results(tmp_path / "nope.nc")


def test_results_file_evaluates_end_to_end(tmp_path):
    series = read_results(write_results(tmp_path / "r.nc"))
    a = agreement(tmp_path, """
[[target]]
section = "gubeikou"
parameter = "flow"
annual_volume_min_m3 = 1e7
bonus_yuan = 1000
""", head=HEAD.replace("[2019, 2020]", "[2019, 2019]"))
    # 365 days * 1 m3/s * 86,400 s = 31,536,000 m3 >= 1e7: bonus 1,000 yuan.
    (p,) = evaluate(a, series)
    assert p.amount_yuan == 1000 and p.complete


# ---------------------------------------------------------------------------------
# shipped agreements
# ---------------------------------------------------------------------------------
SECTIONS = ["gubeikou", "baihe_border", "qingshui_outlet", "hei_outlet", "tang_outlet", "miyun",
            "bahaoqiao", "xiangshuibao", "shixiali", "guanting", "guishui_outlet"]


def synthetic_series(first=2000, last=2027):
    """Every section and parameter, with a seasonal cycle and a slow trend."""
    n = 12 * (last - first + 1)
    t = np.arange(n)
    season = 1 + 0.3 * np.sin(2 * np.pi * t / 12)
    trend = 1 - 0.005 * t / 12
    base = {"tn": 3.0, "tp": 0.08, "nh3n": 0.4, "codmn": 3.5, "do": 8.0, "flow": 2e7}
    data = {s: {p: v * season * trend * (1 + 0.1 * i) for p, v in base.items()} for i, s in enumerate(SECTIONS)}
    return SectionSeries(first, data, source="synthetic")


def test_the_five_agreements_are_shipped():
    assert {p.name for p in SHIPPED} >= {
        "miyun_chaobai_phase1_2018.toml", "miyun_chaobai_phase2_2022.toml", "guanting_yongding_2023.toml",
        "beijing_internal_2015.toml", "miyun_strategic_reserve.toml"}


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_shipped_agreement_loads_and_evaluates(path):
    a = Agreement.from_toml(path)
    assert a.unstated() == [], f"numbers neither cited nor assumed: {a.unstated()}"
    for prov in a.provenance:
        assert prov.text.strip(), f"{prov.key} has no citation or note"
    pay = evaluate(a, synthetic_series())
    rules = [p for p in pay if p.component not in ("fixed", "advance", "funding")]
    assert rules, "no rule produced a payment"
    # only a funding flow whose amount is unpublished has no amount (never invented)
    assert all(math.isfinite(p.amount_yuan) for p in pay if p.component != "funding")
    assert all(p.complete for p in pay)
    assert {p.year for p in rules} <= set(range(a.period[0], a.period[1] + 1))
    json.dumps(payments_as_json(pay), allow_nan=False)


def test_strategic_reserve_is_all_assumption():
    a = Agreement.from_toml(ROOT / "configs/agreements/miyun_strategic_reserve.toml")
    assert a.assumption
    cited = [p.key for p in a.provenance if p.status == "cited"]
    assert cited == ["tn_reduction[0].baseline_mg_per_l"]  # the 1991-2011 mean TN, used by assumption
    assert all(r.assumed for r in a.rules) and all(f.assumed for f in a.fixed)


def test_guanting_cites_the_bahaoqiao_targets():
    a = Agreement.from_toml(ROOT / "configs/agreements/guanting_yongding_2023.toml")
    cited = {p.key: p.value for p in a.provenance if p.status == "cited"}
    assert cited["target[0].annual_volume_min_m3"] == 1e8
    assert cited["target[1].monthly_max"] == 6.0
    assert cited["target[1].annual_mean_max"] == 4.10
    targets = [r for r in a.rules if r.kind == "target"]
    assert not targets[0].binding            # runoff >= 1e8 m3 is "strive for"
    assert targets[1].years == (2025, 2025)  # TN limits apply by 2025


def test_results_reader_selects_a_scenario(tmp_path):
    path = tmp_path / "s.nc"
    with netCDF4.Dataset(path, "w") as ds:
        ds.createDimension("scenario", 2)
        ds.createDimension("time", 31)
        ds.createDimension("section", 1)
        sc = ds.createVariable("scenario", str, ("scenario",))
        sc[0], sc[1] = "baseline", "wwtp"
        t = ds.createVariable("time", "i4", ("time",))
        t.units = "days since 2019-01-01 00:00:00"
        t[:] = np.arange(31)
        s = ds.createVariable("section", str, ("section",))
        s[0] = "bahaoqiao"
        v = ds.createVariable("section_discharge", "f8", ("scenario", "time", "section"))
        v.units = "m3 s-1"
        v[0], v[1] = np.ones((31, 1)), np.full((31, 1), 2.0)
    # January of scenario "wwtp": 31 days * 2 m3/s * 86,400 s.
    assert read_results(path, "wwtp").monthly("bahaoqiao", "flow", 2019)[0] == pytest.approx(31 * 2 * 86400)
    assert read_results(path, 0).monthly("bahaoqiao", "flow", 2019)[0] == pytest.approx(31 * 86400)
    with pytest.raises(HydroError, match="holds 2 scenarios"):
        read_results(path)
    with pytest.raises(HydroError, match="unknown scenario 'wwpt'.*did you mean 'wwtp'"):
        read_results(path, "wwpt")


def test_skip_unavailable_leaves_out_parameters_without_data(tmp_path):
    from hydro.compensation.engine import unavailable

    a = agreement(tmp_path, '[[quality_class]]\nsection = "s"\nparameters = ["codmn", "tp"]\n'
                            'target_class = 2\npenalty_per_class_yuan = 100.0\nevaluation = "annual"\n')
    series = SectionSeries(2019, {"s": {"codmn": monthly(1.0, 1.0), "flow": monthly(1.0, 1.0)}})
    assert unavailable(a, series) == [("quality_class[0].parameters", "s", "tp")]
    payments = evaluate(a, series, skip_unavailable=True)
    assert payments and {p.parameter for p in payments} == {"codmn"}


def test_a_payment_cut_by_its_rules_cap_says_so(tmp_path):
    """A line at ``max_yuan`` or ``min_yuan`` says what the formula gave (its note; "capped" in the text
    table, and the lines listed after the nets): such a payment does not follow the water beyond the cap
    (found in review, 2026-12-05: Miyun's 2016 TN rewards at their 10 M cap at 4 of 5 sections, unsaid)."""
    a = agreement(tmp_path, CAPPED_QUANTITY + """
[[quality_class]]
section = "a2"
parameter = "codmn"
target_class = "III"
penalty_per_class_yuan = 1e6
min_yuan = -1.5e6
""")
    series = SectionSeries(2019, {"a": {"flow": monthly(1e7, 5e6)}, "a2": {"codmn": monthly(2.0, 10.0)}})
    pay = evaluate(a, series)
    capped = {(p.year, p.component): p.note for p in pay if "capped at" in p.note}
    # quantity 2019: 1e7 capped at 5e6; 2020: -8e6 inside [-1e7, 5e6]. CODMn 2020 class IV (10 mg/L, limit
    # 6 for III and 10 for IV): 12 months x -1e6 = -1.2e7, held at -1.5e6; 2019 class I, no amount
    assert set(capped) == {(2019, "quantity"), (2020, "quality_class")}
    assert capped[(2019, "quantity")].endswith("; capped at max_yuan 5,000,000 (the formula gives 10,000,000)")
    assert capped[(2020, "quality_class")].endswith(
        "; capped at min_yuan -1,500,000 (the formula gives -12,000,000)")
    text = format_payments(pay)
    flagged = [ln for ln in text.splitlines() if ln.startswith(("2019", "2020")) and ln.endswith("capped")]
    assert len(flagged) == 2
    listed = text.split("lines at a cap of their rule")[1]
    assert "2019 a quantity flow: " in listed and "2020 a2 quality_class codmn: " in listed
    assert "capped" not in format_payments([p for p in pay if "capped at" not in p.note])
