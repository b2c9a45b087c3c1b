"""Bad data files refused clearly: the second 2026-12-02 review of the commands' input checks.

* A monitoring CSV took year 22 (a series stretched over two millennia, "covers 22-2018") and a
  TN of 1e300 mg/L (classed and paid on); years are now 1900-2100 and each value at most what
  water can hold, refused naming the file, line, column, value and what to do.
* A negative ``[forcing.lateral_inflow_m3_s]`` (a withdrawal along the reach) that dried the reach
  was said as "no flow at its outlet ... add lateral inflow", without naming the negative value.
* ``hydro compensate`` on a catchment run's results said "coordinate 'section' is missing", and on
  a basin or catchment file "unknown kind of file '.toml'"; each now says what was given and what
  to give instead.
"""

from pathlib import Path

import pytest
from click.testing import CliRunner

from hydro.cli import main

ROOT = Path(__file__).resolve().parents[1]
PHASE1 = ROOT / "configs" / "agreements" / "miyun_chaobai_phase1_2018.toml"


def _monitoring_csv(tmp_path: Path, replace: tuple[str, str] | None = None) -> Path:
    """A monitoring CSV of phase 1's three sections, 2017-2018, every parameter and flow; line 2
    is gubeikou's TN of 2017-01, line 62 its TN of 2018-01 (one header line, five rows a month)."""
    lines = ["section,year,month,parameter,value,unit"]
    for section in ("gubeikou", "baihe_border", "qingshui_outlet"):
        for year in (2017, 2018):
            for month in range(1, 13):
                lines += [f"{section},{year},{month},{p},{v},{u}" for p, v, u in
                          (("tn", 3.0, "mg/L"), ("tp", 0.05, "mg/L"), ("nh3n", 0.2, "mg/L"),
                           ("codmn", 2.0, "mg/L"), ("flow", 2e7, "m3"))]
    if replace:
        i = lines.index(replace[0])
        lines[i] = replace[1]
    path = tmp_path / "monitoring.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_monitoring_csv_as_built_is_taken(tmp_path):
    r = CliRunner().invoke(main, ["compensate", str(_monitoring_csv(tmp_path)), str(PHASE1)])
    assert r.exit_code == 0, r.output


@pytest.mark.parametrize("row, expected", [
    # was read: the series ran from year 22 (23,964 months), "covers 22-2018"
    ("gubeikou,22,1,tn,3.0,mg/L", "line 62: year 22 is outside 1900..2100; give the four-digit calendar year"),
    ("gubeikou,2101,1,tn,3.0,mg/L", "line 62: year 2101 is outside 1900..2100"),
    # was read and classed: TN 1e300 mg/L
    ("gubeikou,2018,1,tn,1e300,mg/L", "line 62, column 'value': tn 2018-01 is 1e300, above 1000 mg/L"),
    ("gubeikou,2018,1,tn,3000,mg/L", "check the unit (a value in ug/L is 1000 times its value in mg/L)"),
    ("gubeikou,2018,1,tp,150,mg/L", "line 63, column 'value': tp 2018-01 is 150, above 100 mg/L"),
    ("gubeikou,2018,1,do,71,mg/L", "line 66, column 'value': do 2018-01 is 71, above 70 mg/L"),
    ("gubeikou,2018,1,flow,5e5,m3/s", "line 66, column 'value': flow 2018-01 is 5e5, above 4e+05 m3/s"),
    ("gubeikou,2018,1,flow,1.1e12,m3", "above 1.07e+12 m3 in a month of 31 days"),
])
def test_monitoring_csv_year_and_value_out_of_range_are_refused(tmp_path, row, expected):
    parameter = row.split(",")[3]
    kept = {"tn": "3.0,mg/L", "tp": "0.05,mg/L", "do": None, "flow": "20000000.0,m3"}[parameter]
    if kept is None:  # no DO row in the file: replace the month's flow row by a DO row
        old = "gubeikou,2018,1,flow,20000000.0,m3"
    else:
        old = f"gubeikou,2018,1,{parameter},{kept}"
    path = _monitoring_csv(tmp_path, (old, row))
    r = CliRunner().invoke(main, ["compensate", str(path), str(PHASE1)])
    assert r.exit_code == 2, r.output
    assert f"{path}: " in r.output and expected in r.output, r.output
    assert "Traceback" not in r.output


@pytest.mark.parametrize("row", ["gubeikou,1900,1,tn,1000,mg/L", "gubeikou,2018,1,do,70,mg/L",
                                 "gubeikou,2018,1,flow,4e5,m3/s"])
def test_monitoring_csv_values_at_the_bounds_are_taken(tmp_path, row):
    from hydro.monitoring_csv import read_monitoring_csv

    path = tmp_path / "m.csv"
    path.write_text("section,year,month,parameter,value,unit\n" + row + "\n", encoding="utf-8")
    assert read_monitoring_csv(path).first_year == int(row.split(",")[1])


def test_negative_lateral_inflow_that_dries_a_reach_is_named_as_the_cause(tmp_path):
    # a negative [forcing.lateral_inflow_m3_s] is a withdrawal along the reach (docs/basin-file.md);
    # one larger than the water reaching it was said as "no flow at its outlet ... add lateral or
    # boundary inflow", without a word on the negative value that dried it
    r = CliRunner().invoke(main, ["run", "tiny", "--end", "2020-01-03", "--set",
                                  "forcing.lateral_inflow_m3_s.east=-0.8", "-o", str(tmp_path / "t.nc"), "-q"])
    assert r.exit_code == 2, r.output
    assert ("reach 'east' has no flow at its outlet on 2020-01-01 (-0.3 m3/s) after a lateral inflow of -0.8 m3/s, "
            "which takes that much out along the reach (negative is a withdrawal)") in r.output, r.output
    assert "take less ([forcing.lateral_inflow_m3_s] of a flow-driven basin closer to 0)" in r.output
    assert not (tmp_path / "t.nc").exists()


CATCHMENT = ROOT / "validation" / "calibration" / "leguer" / "catchment.toml"


def test_compensate_on_a_catchment_run_says_what_it_is(tmp_path):
    # said "coordinate variable 'section' (string ids) is missing; give the results as `hydro run` writes them"
    res = tmp_path / "c.nc"
    assert CliRunner().invoke(main, ["run", str(CATCHMENT), "--end", "1991-03-01", "-o", str(res), "-q"]).exit_code == 0
    r = CliRunner().invoke(main, ["compensate", str(res), str(PHASE1)])
    assert r.exit_code == 2, r.output
    assert (f"{res}: these are the results of a catchment run ({CATCHMENT}): a catchment model simulates the flow "
            "at its gauge, without monitoring sections") in r.output and "'section'" not in r.output, r.output


@pytest.mark.parametrize("first, said", [
    # each said only "unknown kind of file '.toml'" (or "''")
    (str(CATCHMENT), f"{CATCHMENT}: a catchment file, not a series (expected a monitoring CSV (.csv) or a hydro "
                     "results file (.nc)); a catchment model simulates the flow at its gauge"),
    ("tiny", "tiny: a shipped basin's name, not a series (expected a monitoring CSV (.csv) or a hydro results "
             "file (.nc)); run the basin first (`hydro run tiny -o OUT.nc`) and give OUT.nc, or add --uncertainty N"),
    (str(ROOT / "configs" / "examples" / "tiny"), "a basin folder, not a series"),
    (str(ROOT / "configs" / "examples" / "tiny" / "basin.toml"), "a basin file, not a series"),
])
def test_compensate_on_a_basin_or_catchment_file_says_what_it_is(tmp_path, monkeypatch, first, said):
    monkeypatch.chdir(tmp_path)
    r = CliRunner().invoke(main, ["compensate", first, str(PHASE1)])
    assert r.exit_code == 2 and said in r.output and "unknown kind" not in r.output, r.output
