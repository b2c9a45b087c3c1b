"""Final review of 18d6671..s43: tests killing the surviving non-equivalent mutants (pass on s43)."""
from __future__ import annotations

import math

import numpy as np
import pytest

from hydro.errors import HydroError


# M02: _YEAR_FIRST's back-reference (one separator throughout)
@pytest.mark.parametrize("text", ["2015/01-31", "2015-1/31"])
def test_mixed_separators_are_refused(text):
    from hydro.dates import read_day

    with pytest.raises(ValueError):
        read_day(text)


# M05: no_day names a non-existent day also when the cell holds a time after a 'T'
def test_a_day_that_does_not_exist_is_named_with_a_t_time():
    from hydro.dates import not_a_day

    assert "February 2015 has 28 days" in not_a_day("2015-02-30T00:00:00")


def _discharge(tmp_path, text):
    from hydro.calibration.flowsources import _read_discharge

    path = tmp_path / "q.csv"
    path.write_text(text, encoding="utf-8")
    return _read_discharge(path, "q")


# M11: a repeated or backward day is no daily record
@pytest.mark.parametrize("second", ["2015-01-01", "2014-12-31"])
def test_discharge_with_a_repeated_or_backward_day_is_refused(tmp_path, second):
    with pytest.raises(HydroError, match="follows"):
        _discharge(tmp_path, f"date,q\n2015-01-01,1.0\n{second},2.0\n")


# M13: a first column without a name (pandas' index written by to_csv)
def test_a_leading_unnamed_column_is_refused(tmp_path):
    with pytest.raises(HydroError, match="unknown column ''"):
        _discharge(tmp_path, ",date,q\n0,2015-01-01,1.0\n1,2015-01-02,2.0\n")


def _monitoring(tmp_path, text):
    from hydro.monitoring_csv import read_monitoring_csv

    path = tmp_path / "m.csv"
    path.write_text(text, encoding="utf-8")
    return read_monitoring_csv(path)


_HEAD = "Section,Year,Month,Parameter,Value,Unit\n"


# M14: the monitoring header is read in any case, so is its repetition
def test_a_capitalised_monitoring_header_repeated_is_named_a_second_header(tmp_path):
    with pytest.raises(HydroError, match="second header"):
        _monitoring(tmp_path, _HEAD + "s,2015,1,tn,1.0,mg/L\n" + _HEAD + "s,2015,2,tn,1.0,mg/L\n")


# M15: two thousands separators without a decimal point
def test_thousands_separators_without_a_decimal_point(tmp_path):
    with pytest.raises(HydroError) as info:
        _monitoring(tmp_path, _HEAD + 's,2015,1,flow,"12,400,000",m3\n')
    assert "thousands separators: write 12400000" in str(info.value)


# M16: a look-alike in a comment is no syntax error
def test_a_lookalike_in_a_comment_is_not_named():
    from hydro.textfile import lookalike_hint

    assert lookalike_hint("x = 1 2  # \u201cnote\u201d") == ""
    assert "U+201C" in lookalike_hint("x = \u201ca\u201d  # note")


# M20: the inflow's class is its worst parameter's, not its first parameter's
def test_the_inflow_class_is_its_worst_parameter(tmp_path):
    from hydro.compensation import Agreement, evaluate
    from hydro.monitoring import SectionSeries

    path = tmp_path / "a.toml"
    path.write_text('name = "t"\nsource = "test"\nperiod = [2023, 2023]\npayer = "a"\npayee = "b"\n\n'
                    '[[quality_class]]\nsections = ["s"]\nparameters = ["codmn", "tp"]\nwaterbody = "river"\n'
                    'evaluation = "monthly"\ntarget_class = "II"\njudge = "section"\ninflow_section = "up"\n'
                    "penalty_per_class_yuan = 100\npenalty_per_class_no_worse_than_inflow_yuan = 50\n",
                    encoding="utf-8")
    series = SectionSeries(2023, {"s": {"codmn": np.full(12, 8.0), "tp": np.full(12, 0.05)},      # IV (codmn)
                                  "up": {"codmn": np.full(12, 3.0), "tp": np.full(12, 0.25)}},    # IV (tp)
                           source="synthetic")
    (line,) = evaluate(Agreement.from_toml(path), series)
    # section IV no worse than an inflow at IV: 2 classes short at the no-worse rate, 50 x 2 a month
    assert not math.isnan(line.amount_yuan) and line.amount_yuan == -12 * 100


# M26: an in-memory aggregated Results says its stamps are periods
def test_aggregated_results_time_comment_speaks_of_periods(tmp_path):
    pytest.importorskip("xarray")
    from cli_invoke import invoke  # tests/cli_invoke.py

    from hydro.results import load_results

    out = tmp_path / "monthly.nc"
    result = invoke("run", "tiny", "--end", "2020-02-29", "--aggregate", "monthly", "-o", out, "-q")
    assert result.exit_code == 0, result.output
    ds = load_results(out).to_xarray()
    assert "over its period" in ds["time"].attrs["comment"]
