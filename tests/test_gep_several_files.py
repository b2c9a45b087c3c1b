"""`hydro gep` of several basins' results together (a planner's review, 2026-12-06: a county in two basins,
Yanqing in Miyun's and Guanting's, was summed by hand from two CSVs): rows of both, a county's rows summed with
--by county, and results that cannot add up (one basin twice, other days, other scenarios) refused."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest
from click.testing import CliRunner

from hydro.basin import shipped_basins
from hydro.cli import main

PERIOD = ["--start", "2001-01-01", "--end", "2002-12-31"]


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    """The example watershed and a copy of it under another basin name (so every county lies in both), over
    2001-2002, the copy over 2001 alone, the copy with the example's `domestic` scenario, and the example's
    scenarios."""
    d = tmp_path_factory.mktemp("gep_several")
    twin = d / "twin"
    shutil.copytree(shipped_basins()["watershed"], twin)
    toml = twin / "basin.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace('name = "watershed"', 'name = "twin"', 1),
                    encoding="utf-8")
    root = shipped_basins()["watershed"].parents[2]
    scen = d / "twin_scenarios.toml"  # the example's scenarios, written for the copy
    scen.write_text((root / "configs/scenarios/watershed.toml").read_text(encoding="utf-8")
                    .replace('basin = "watershed"', 'basin = "twin"'), encoding="utf-8")
    r = CliRunner()
    for args in (["run", str(twin), "--scenario", "domestic", "--scenario-file", str(scen), *PERIOD,
                  "-o", str(d / "domestic.nc"), "-q"],
                 ["run", "watershed", *PERIOD, "-o", str(d / "a.nc"), "-q"],
                 ["run", str(twin), *PERIOD, "-o", str(d / "b.nc"), "-q"],
                 ["scenarios", "watershed", str(root / "configs/scenarios/watershed.toml"), *PERIOD,
                  "-o", str(d / "sc.nc"), "-q"],
                 ["run", str(twin), "--start", "2001-01-01", "--end", "2001-12-31", "-o", str(d / "short.nc"), "-q"]):
        res = r.invoke(main, args)
        assert res.exit_code == 0, res.output
    return d


def _csv(files, *args):
    out = files / "out.csv"
    res = CliRunner().invoke(main, ["gep", *map(str, args), "-o", str(out), "--overwrite"])
    assert res.exit_code == 0, res.output
    return pd.read_csv(out), res


def test_a_county_in_two_basins_is_summed_over_both(files):
    one, _ = _csv(files, files / "a.nc", "--by", "county")
    both, res = _csv(files, files / "a.nc", files / "b.nc", "--by", "county")
    key = ["year", "county", "pollutant"]
    assert len(both) == len(one)  # the same counties: one row each, not one per file
    merged = one.merge(both, on=key, suffixes=("_one", "_both"))
    for col in ("area_km2", "water_conservation_m3", "water_conservation_yuan", "n_purified_kg", "gep_yuan"):
        # the twin is the same model under another name: its rows double each county's (1e-12: one sum)
        pd.testing.assert_series_equal(merged[f"{col}_both"], 2 * merged[f"{col}_one"], check_names=False, rtol=1e-12)
    assert (merged["precipitation_mm_both"] - merged["precipitation_mm_one"]).abs().max() < 1e-9  # mm: means
    assert "2 basins' results together (watershed, twin)" in res.stderr
    assert "lie in more than one basin" in res.stderr
    assert both["input"].iloc[0] == f"{(files / 'a.nc').resolve()}; {(files / 'b.nc').resolve()}"


def test_rows_by_subbasin_keep_each_files_rows(files):
    one, _ = _csv(files, files / "a.nc")
    both, _ = _csv(files, files / "a.nc", files / "b.nc")
    assert len(both) == 2 * len(one)


@pytest.mark.parametrize(("second", "extra", "says"), [
    ("a.nc", [], "counted twice"),
    ("short.nc", [], "must cover the same days"),
    ("domestic.nc", [], "its scenarios (domestic) are not those of"),
    ("b.nc", ["--basin", "watershed"], "--basin goes with one results file"),
])
def test_results_that_cannot_add_up_are_refused(files, second, extra, says):
    res = CliRunner().invoke(main, ["gep", str(files / "a.nc"), str(files / second), *extra])
    assert res.exit_code == 2, res.output
    assert says in res.output and "Traceback" not in res.output


# -- from a review of the several-file GEP (2026-12-06) --------------------------------------------

def test_rows_by_subbasin_of_several_files_say_which_basin_they_are_of(files):
    """By subbasin, two basins' rows share one CSV with nothing telling them apart (no basin column; `input`
    lists both files on every row): subbasin 'w1' of the watershed and of the twin are two identical keys."""
    both, _ = _csv(files, files / "a.nc", files / "b.nc")
    assert "basin" in both.columns
    assert not both.duplicated(["basin", "scenario", "year", "subbasin", "pollutant"]).any()


def test_the_weather_seed_of_station_runs_is_empty(tmp_path):
    """docs/commands/gep.md: input_weather_seed is empty for a run on the station record; of two such files
    (Miyun and Guanting on their station records) it is '; '."""
    for basin in ("miyun", "guanting"):
        res = CliRunner().invoke(main, ["run", basin, "--start", "2015-01-01", "--end", "2015-12-31",
                                        "-o", str(tmp_path / f"{basin}.nc"), "-q"])
        assert res.exit_code == 0, res.output
    both, _ = _csv(tmp_path, tmp_path / "miyun.nc", tmp_path / "guanting.nc", "--by", "county")
    assert both["input_weather_seed"].isna().all()  # empty cells


def test_scenarios_the_files_share_are_chosen_with_scenario(files):
    # the review's limitation: Miyun's and Guanting's scenario files share some scenarios only, and were refused
    refused = CliRunner().invoke(main, ["gep", str(files / "sc.nc"), str(files / "domestic.nc")])
    assert refused.exit_code == 2 and "--scenario S picks those they share" in refused.output
    both, _ = _csv(files, files / "sc.nc", files / "domestic.nc", "--scenario", "domestic", "--by", "county")
    one, _ = _csv(files, files / "sc.nc", "--scenario", "domestic", "--by", "county")
    assert set(both["scenario"]) == set(one["scenario"]) == {"domestic"}
    merged = one.merge(both, on=["year", "county", "pollutant"], suffixes=("_one", "_both"))
    # the copy runs the same scenario: each county's GEP doubles (1e-12: one sum)
    pd.testing.assert_series_equal(merged["gep_yuan_both"], 2 * merged["gep_yuan_one"], check_names=False, rtol=1e-12)
    missing = CliRunner().invoke(main, ["gep", str(files / "sc.nc"), str(files / "domestic.nc"), "--scenario",
                                        "agriculture"])
    assert missing.exit_code == 2 and "domestic.nc holds no scenario 'agriculture'" in missing.output


def test_a_county_in_two_basins_names_both_basins(files):
    both, _ = _csv(files, files / "a.nc", files / "b.nc", "--by", "county")
    assert set(both["basin"]) == {"watershed, twin"}
    one, _ = _csv(files, files / "a.nc", "--by", "county")
    assert set(one["basin"]) == {"watershed"}
