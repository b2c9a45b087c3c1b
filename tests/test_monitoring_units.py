"""A monitoring CSV's unit cell as reports and Chinese spreadsheets write it.

Monthly volumes are published in 10^4 or 10^8 m3 (万m³, 亿m³) and TP is often given in ug/L; before, every
spelling but ``m3``, ``m3/s`` and ``mg/L`` was refused, so a user converted by hand (and a factor of 10^4
slips easily). Each spelling below is read as the value in hydro's unit times its factor.
"""

import math

import pytest

from hydro.errors import HydroError
from hydro.monitoring import read_monitoring_csv
from hydro.monitoring_csv import read_unit

HEADER = "section,year,month,parameter,value,unit\n"


def read_one(tmp_path, parameter, value, unit, month=2):
    path = tmp_path / "m.csv"
    path.write_text(HEADER + f"s,2019,{month},{parameter},{value},{unit}\n", encoding="utf-8")
    return read_monitoring_csv(path).monthly("s", parameter, 2019)[month - 1]


@pytest.mark.parametrize("unit, expected_m3", [
    ("m3", 2.5), ("m³", 2.5), ("m^3", 2.5), ("立方米", 2.5),
    ("万m3", 2.5e4), ("万m³", 2.5e4), ("万立方米", 2.5e4), ("10^4 m3", 2.5e4),
    ("亿m³", 2.5e8), ("亿立方米", 2.5e8),
    # February 2019 has 28 days: 2.5 m3/s over them is 2.5 x 28 x 86,400 m3
    ("m3/s", 2.5 * 28 * 86400), ("m³/s", 2.5 * 28 * 86400), ("m3 s-1", 2.5 * 28 * 86400),
    ("m³·s-1", 2.5 * 28 * 86400), ("立方米/秒", 2.5 * 28 * 86400),
])
def test_flow_units(tmp_path, unit, expected_m3):
    assert read_one(tmp_path, "flow", 2.5, unit) == pytest.approx(expected_m3, rel=1e-15)


@pytest.mark.parametrize("unit, expected", [
    ("mg/L", 0.08), ("MG/L", 0.08), ("mg L-1", 0.08), ("毫克/升", 0.08),
    ("ug/L", 0.08e-3), ("µg/L", 0.08e-3), ("μg/L", 0.08e-3), ("微克/升", 0.08e-3),
])
def test_concentration_units(tmp_path, unit, expected):
    assert read_one(tmp_path, "tp", 0.08, unit) == pytest.approx(expected, rel=1e-15)


def test_a_volume_in_10_4_m3_is_bounded_as_its_m3(tmp_path):
    # 3e12 x 10^4 m3 in February is far above 4e5 m3/s over 28 days (9.7e11 m3); the message names the unit
    with pytest.raises(HydroError, match=r"is 3e8 万m3, above 9\.68e\+11 m3"):
        read_one(tmp_path, "flow", "3e8", "万m3")
    # 80 ug/L is 0.08 mg/L: read, not refused as 80 mg/L
    assert read_one(tmp_path, "tp", 80, "ug/L") == pytest.approx(0.08)


@pytest.mark.parametrize("parameter, unit, message", [
    ("flow", "L/s", r"unit 'L/s' for flow; expected 'm3' \(monthly volume; also 万m3, 亿m3\)"),
    ("tn", "mmol/L", r"unit 'mmol/L' for tn; concentrations must be in 'mg/L' or 'ug/L'"),
    ("tn", "m3", r"unit 'm3' for tn"),
    ("flow", "mg/L", r"unit 'mg/L' for flow"),
])
def test_other_units_are_refused_by_name(tmp_path, parameter, unit, message):
    with pytest.raises(HydroError, match=message):
        read_one(tmp_path, parameter, 1.0, unit)


def test_an_empty_value_stays_missing_whatever_its_unit(tmp_path):
    assert math.isnan(read_one(tmp_path, "flow", "", "万m3"))


def test_read_unit_leaves_an_unknown_spelling_for_the_caller_to_name():
    assert read_unit("furlong") == ("furlong", 1.0)
