"""Scenario batches as a water-authority engineer runs them (review, issues 13/14).

What the review found: a scenarios file written for another basin ran on the one given without a word
(with targets, the error blamed an unknown location); ``-o x.csv`` wrote a netCDF file named ``.csv``;
a period before the station record failed only after every scenario had been tried; ``hydro run
--scenario -q`` hid the notes that ``hydro scenarios -q`` prints.  On the example watershed (its
record: 2001-01-01 to 2010-12-31); the refusals come before any run, the note test runs one year.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from cli_invoke import invoke, user_error

from hydro.errors import HydroError
from hydro.scenarios import BasinInfo, ScenarioFile, compile_scenario
from hydro.scenarios.measures import check_basin, check_parties
from hydro.scenarios.summary import check_target_locations

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = ROOT / "configs" / "scenarios"
WATERSHED_FILE = SHIPPED / "watershed.toml"


def _for_basin(tmp_path, name: str) -> Path:
    """The example's scenarios file, naming basin ``name`` (no other change)."""
    text = WATERSHED_FILE.read_text(encoding="utf-8")
    assert 'basin = "watershed"' in text
    path = tmp_path / f"for_{name}.toml"
    path.write_text(text.replace('basin = "watershed"', f'basin = "{name}"'), encoding="utf-8")
    return path


def test_a_file_for_another_basin_is_refused_before_any_run(tmp_path):
    # the watershed's own file, naming miyun: its measures all fit the watershed (it ran before, unsaid)
    path = _for_basin(tmp_path, "miyun")
    info = BasinInfo.load("watershed")
    wrong = r"basin = \"miyun\".*written for basin 'miyun'.*the basin given \(.*\) is basin 'watershed'"
    with pytest.raises(HydroError, match=wrong):
        compile_scenario(info, ScenarioFile.from_toml(path), "domestic", [2001, 2002])
    out = tmp_path / "s.nc"
    user_error(invoke("scenarios", "watershed", path, "-o", out, "--workers", "1"),
            str(path), "[scenario_set] basin", "'miyun'", "'watershed'", "hydro scenarios miyun")
    assert not out.exists()
    user_error(invoke("run", "watershed", "--scenario", "domestic", "--scenario-file", path, "-o", tmp_path / "r.nc"),
            "written for basin 'miyun'")
    assert not (tmp_path / "r.nc").exists()


def test_a_shipped_file_with_targets_names_its_basin_not_a_location(tmp_path):
    # Guanting's file on the watershed: the error said "unknown location 'bahaoqiao'" before
    result = invoke("scenarios", "watershed", SHIPPED / "guanting.toml", "-o", tmp_path / "s.nc")
    user_error(result, "written for basin 'guanting'", "is basin 'watershed'")
    assert "unknown location" not in result.output


def test_the_basin_is_checked_before_the_period(tmp_path):
    # a plan period past the record without --members / --synthetic-weather: the wrong basin is said
    # first (it was "add --members", and after adding it, the wrong basin)
    plan = SHIPPED / "guanting_plan_2023_2027.toml"
    period = ("--start", "2023-01-01", "--end", "2027-12-31")
    for args in (("scenarios", "miyun", plan, *period, "-o", tmp_path / "s.nc"),
                 ("run", "miyun", "--scenario", "hebei_plan_2025", "--scenario-file", plan, *period,
                  "-o", tmp_path / "r.nc")):
        result = invoke(*args)
        user_error(result, "written for basin 'guanting'", "is basin 'miyun'")
        assert "--members" not in result.output and "--synthetic-weather" not in result.output
    assert list(tmp_path.iterdir()) == []


def test_incentives_refuse_a_scenario_file_for_another_basin(tmp_path):
    # hydro compensate --scenarios --scenario-file: its parties would pick the other basin's subbasins (any
    # agreement will do: the file is checked before the agreement is evaluated)
    out = tmp_path / "s.nc"
    r = invoke("scenarios", "watershed", WATERSHED_FILE, "--scenario", "domestic", "--start", "2001-01-01",
               "--end", "2001-03-31", "--workers", "1", "-q", "-o", out)
    assert r.exit_code == 0, r.output
    agreement = ROOT / "configs" / "agreements" / "beijing_internal_2015.toml"
    other = _for_basin(tmp_path, "miyun")
    user_error(invoke("compensate", "--scenarios", out, agreement, "--scenario-file", other),
            str(other), "written for basin 'miyun'", f"{out}, the scenarios' results, is basin 'watershed'",
            "--scenario-file")
    # the right file passes this check (the agreement, written for Guanting's sections, then fails on its own)
    assert "written for basin" not in invoke("compensate", "--scenarios", out, agreement, "--scenario-file",
                                             WATERSHED_FILE).output


def test_the_basin_is_compared_without_case_and_a_file_naming_none_runs_anywhere(tmp_path):
    info = BasinInfo.load("watershed")
    check_basin(info, ScenarioFile.from_toml(_for_basin(tmp_path, "Watershed")))
    text = WATERSHED_FILE.read_text(encoding="utf-8").replace('basin = "watershed"\n', "")
    (tmp_path / "none.toml").write_text(text, encoding="utf-8")
    check_basin(info, ScenarioFile.from_toml(tmp_path / "none.toml"))


@pytest.mark.parametrize("path", sorted(SHIPPED.glob("*.toml")), ids=lambda p: p.name)
def test_every_shipped_file_names_the_basin_it_fits(path):
    # by its file name (miyun*.toml: miyun), and its targets and parties fit that basin
    sfile = ScenarioFile.from_toml(path)
    basin = path.stem.split("_")[0]
    assert sfile.basin == basin
    info = BasinInfo.load(basin)
    check_basin(info, sfile)
    check_target_locations(sfile, [str(s.get("id")) for s in info.raw.get("sections", [])] + info.reservoir_ids)
    check_parties(info, sfile)


@pytest.mark.parametrize("name", ["x.csv", "x", "x.summary.csv"])
def test_an_output_that_is_not_netcdf_by_its_suffix_is_refused(tmp_path, name):
    out = tmp_path / name
    user_error(invoke("scenarios", "watershed", WATERSHED_FILE, "-o", out, "--workers", "1",
                   "--start", "2001-01-01", "--end", "2001-03-31"), "ending in .nc", f"-o {out}")
    assert list(tmp_path.iterdir()) == []


def test_a_period_before_the_station_record_is_refused_once_before_the_batch(tmp_path):
    result = invoke("scenarios", "watershed", WATERSHED_FILE, "-o", tmp_path / "s.nc", "--workers", "1",
                    "--start", "2000-06-01", "--end", "2001-12-31")
    user_error(result, "the station record starts on 2001-01-01", "2000-06-01", "--start")
    assert "scenario baseline" not in result.output and "[1/" not in result.output  # no scenario was tried
    assert list(tmp_path.iterdir()) == []


def test_run_scenario_quiet_prints_the_notes_hydro_scenarios_quiet_prints(tmp_path):
    # a measure ramping to 2004 on a run ending 2001 is noted ("reaches N % of its target"): a caveat
    # on the results, printed under -q by both commands (progress, the start line and tables are not)
    period = ("--start", "2001-01-01", "--end", "2001-12-31")
    one = invoke("run", "watershed", "--scenario", "all_measures", *period, "-q", "-o", tmp_path / "r.nc")
    many = invoke("scenarios", "watershed", WATERSHED_FILE, "--scenario", "all_measures", *period, "-q",
                  "--workers", "1", "-o", tmp_path / "s.nc")
    assert one.exit_code == 0 and many.exit_code == 0, one.output + many.output
    notes = [line for line in one.output.splitlines() if line]
    assert notes and all(line.startswith("note: all_measures: ") for line in notes), one.output
    assert notes == re.findall(r"^note: all_measures: .*$", many.output, flags=re.M)
