"""Mistakes a new user made, each said where it is (a new user's review, 2026-12-04)."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from cli_invoke import invoke, user_error  # exit 2, no traceback, every fragment said

from hydro.errors import HydroError

ROOT = Path(__file__).resolve().parents[1]
PHASE2 = ROOT / "configs/agreements/miyun_chaobai_phase2_2022.toml"
SCENARIOS = ROOT / "configs/scenarios/watershed.toml"


def test_a_bad_set_value_of_an_agreement_is_blamed_on_the_set_not_the_file(tmp_path):
    # it said "<agreement>.toml: key 'period': expected ...": the user looked in a file that was right
    csv = tmp_path / "m.csv"
    csv.write_text("section,year,month,parameter,value,unit\ngubeikou,2018,1,tn,5.1,mg/L\n")
    user_error(invoke("compensate", csv, PHASE2, "--set", "period=2013-2017"),
            "--set period=2013-2017: ", "key 'period': expected [first_year, last_year]")


def test_a_section_misspelt_in_a_monitoring_csv_is_said_to_be_the_csvs(tmp_path):
    # the advice was to rename the agreement's section to the CSV's typo, and about netCDF variables
    csv = tmp_path / "m.csv"
    csv.write_text("section,year,month,parameter,value,unit\ngubeiko,2018,1,tn,5.1,mg/L\n")
    result = invoke("compensate", csv, PHASE2)
    user_error(result, "m.csv: no section 'gubeikou'", "is 'gubeiko' in the CSV a misspelling of 'gubeikou'?")
    assert "did you mean 'gubeiko'" not in result.output and "--variables" not in result.output


def test_a_lifetime_of_a_fraction_of_a_year_is_user_error(tmp_path):
    text = SCENARIOS.read_text()
    first = re.search(r"lifetime_years = \d+(\.0)?", text)
    assert first
    changed = tmp_path / "s.toml"
    changed.write_text(text[:first.start()] + "lifetime_years = 15.5" + text[first.end():])
    from hydro.scenarios.spec import ScenarioFile

    with pytest.raises(HydroError, match=r"lifetime_years': expected a whole number of years, got 15.5"):
        ScenarioFile.from_toml(changed)


def test_a_csv_output_name_is_refused_as_such_even_where_its_summary_exists(tmp_path, monkeypatch):
    # with NAME.summary.csv there it said "exists; pass --overwrite", and --overwrite then hit the suffix
    monkeypatch.chdir(tmp_path)
    (tmp_path / "ws.summary.csv").write_text("x\n")
    user_error(invoke("scenarios", "watershed", SCENARIOS, "-o", "ws.csv"), "-o ws.csv: ", "a name ending in .nc")
    assert (tmp_path / "ws.summary.csv").read_text() == "x\n"


def test_the_scenario_file_templates_run_period_lines_are_toml_when_uncommented():
    page = (ROOT / "docs/scenarios.md").read_text()
    lines = [line.lstrip("# ") for line in page.splitlines() if re.match(r"# (start|end) = \d{4}-", line)]
    assert len(lines) == 2
    assert set(tomllib.loads("\n".join(lines))) == {"start", "end"}
