"""``hydro run BASIN --scenario S``: one scenario of a scenario file as one simulation (the brief's
CLI contract), the same as the S member of ``hydro scenarios``, and what the other commands make
of such a file.  On the example watershed over two years (a few seconds each)."""

from __future__ import annotations

import shutil
from pathlib import Path

import netCDF4
import numpy as np
import pytest
from cli_invoke import invoke, user_error

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = ROOT / "configs" / "scenarios" / "watershed.toml"
PERIOD = ("--start", "2001-01-01", "--end", "2002-12-31")


def ok(result):
    assert result.exit_code == 0, result.output
    return result


def member(ds, name: str, k: int):
    v = ds.variables[name]
    data = v[k] if v.dimensions and v.dimensions[0] == "scenario" else v[:]
    numeric = v.dtype is not str and v.dtype.kind in "fiu"
    return np.ma.filled(np.asarray(data, dtype=float), np.nan) if numeric else np.asarray(data)


@pytest.fixture(scope="module")
def stacked(tmp_path_factory):
    """``hydro scenarios`` on the example watershed: the baseline and every scenario, two years."""
    path = tmp_path_factory.mktemp("scen") / "scen.nc"
    ok(invoke("scenarios", "watershed", SCENARIOS, *PERIOD, "--workers", "1", "-q", "-o", path))
    return path


def test_run_scenario_is_the_member_of_hydro_scenarios(tmp_path, stacked):
    # all_measures holds every measure kind of the file; the run compiles and runs it as hydro scenarios
    # does, in the same code, so every value is the same to the bit (compared with a 1e-12 relative
    # tolerance, round-off, so that the test says so should the two paths ever differ in order)
    out = tmp_path / "all.nc"
    quiet = ok(invoke("run", "watershed", "--scenario", "all_measures", *PERIOD, "-q", "-o", out))
    # -q: no start line nor summary; the notes on its results, as hydro scenarios -q prints them
    assert all(line.startswith("note: all_measures: ") for line in quiet.output.splitlines()), quiet.output
    with netCDF4.Dataset(out) as one, netCDF4.Dataset(stacked) as many:
        names = [str(s) for s in many.variables["scenario"][:]]
        k = names.index("all_measures")
        assert "scenario" not in one.dimensions  # a plain run file
        assert one.getncattr("scenario") == "all_measures"
        assert set(one.variables) == set(many.variables) - {"scenario", "scenario_description"}
        for name in one.variables:
            a, b = member(one, name, k), member(many, name, k)
            if a.dtype.kind == "f":
                np.testing.assert_allclose(a, b, rtol=1e-12, atol=0, equal_nan=True, err_msg=name)
            else:
                assert np.array_equal(a, b), name
        # the measures acted and cost something (a member equal to the baseline would pass the above too)
        assert np.nansum(member(one, "measure_capital_cost", k)) > 0
        base = names.index("baseline")
        assert not np.allclose(member(one, "tn_load", k), member(many, "tn_load", base))
        assert one.getncattr("scenario_measures").split() == \
            dict(p.split("=", 1) for p in many.getncattr("scenario_measures").split(";"))["all_measures"].split()


def test_baseline_is_the_plain_run(tmp_path):
    ok(invoke("run", "watershed", *PERIOD, "-q", "-o", tmp_path / "plain.nc"))
    ok(invoke("run", "watershed", "--scenario", "baseline", *PERIOD, "-q", "-o", tmp_path / "base.nc"))
    with netCDF4.Dataset(tmp_path / "plain.nc") as a, netCDF4.Dataset(tmp_path / "base.nc") as b:
        assert set(a.variables) == set(b.variables)
        assert "measure" not in b.dimensions and b.getncattr("scenario") == "baseline"
        for name in ("tn_load", "discharge", "reservoir_storage"):
            assert np.array_equal(a.variables[name][:], b.variables[name][:]), name


def test_unknown_scenario_lists_the_file_and_its_scenarios(tmp_path):
    user_error(invoke("run", "watershed", "--scenario", "domestc", "-o", tmp_path / "x.nc"),
               str(SCENARIOS), "no scenario 'domestc'", "domestic", "agriculture", "all_measures")
    assert not (tmp_path / "x.nc").exists()


def test_user_basin_without_a_shipped_file_says_what_to_pass(tmp_path):
    folder = tmp_path / "mine"
    shutil.copytree(ROOT / "configs" / "examples" / "watershed", folder)
    user_error(invoke("run", folder, "--scenario", "domestic", "-o", tmp_path / "x.nc"),
               "no scenario file is shipped for this basin", "--scenario-file SCENARIOS.toml")
    user_error(invoke("run", folder, "--scenario", "domestic", "--scenario-file", tmp_path / "none.toml",
                      "-o", tmp_path / "x.nc"), "--scenario-file", "none.toml", "no such file")
    out = tmp_path / "mine.nc"
    ok(invoke("run", folder, "--scenario", "domestic", "--scenario-file", SCENARIOS, *PERIOD, "-q", "-o", out))
    with netCDF4.Dataset(out) as ds:
        assert ds.getncattr("scenario") == "domestic"
        assert ds.getncattr("scenario_file") == str(SCENARIOS.resolve())


def test_the_scenario_files_period_is_the_default(tmp_path):
    # as for hydro scenarios: --start/--end, else the scenario file's start/end, else the basin's [run]
    text = SCENARIOS.read_text(encoding="utf-8")
    mine = tmp_path / "period.toml"
    mine.write_text(text.replace("[scenario_set]\n", "[scenario_set]\nstart = 2003-01-01\nend = 2003-12-31\n", 1),
                    encoding="utf-8")
    ok(invoke("run", "watershed", "--scenario", "domestic", "--scenario-file", mine, "-q", "-o", tmp_path / "a.nc"))
    ok(invoke("run", "watershed", "--scenario", "domestic", "--scenario-file", mine, "--end", "2003-01-31", "-q",
              "-o", tmp_path / "b.nc"))
    with netCDF4.Dataset(tmp_path / "a.nc") as a, netCDF4.Dataset(tmp_path / "b.nc") as b:
        assert (len(a.dimensions["time"]), len(b.dimensions["time"])) == (365, 31)


@pytest.mark.parametrize("args, fragments", [
    (["tiny", "--scenario", "land"], ["flow-driven basin", "scenarios need a watershed basin"]),
    (["watershed", "--scenario", "domestic", "--members", "2"], ["hydro scenarios", "--members N"]),
    (["watershed", "--scenario", "domestic", "--block-years", "1"], ["one block", "--block-years"]),
    (["watershed", "--scenario-file", str(SCENARIOS)], ["add --scenario S"]),
    ([str(ROOT / "validation" / "calibration" / "leguer" / "catchment.toml"), "--scenario", "x"],
     ["catchment file", "watershed basin"]),
], ids=["flow-driven", "members", "block-years", "file-alone", "catchment"])  # --synthetic-weather: runs
# (tests/test_scenarios_future_review.py)
def test_combinations_that_cannot_work_are_refused(tmp_path, args, fragments):
    user_error(invoke("run", *args, "-o", tmp_path / "x.nc"), *fragments)
    assert not (tmp_path / "x.nc").exists()


def test_set_changes_the_basin_the_measures_act_on(tmp_path):
    # --set is the basin as if its file said so: the same run as a copy of the basin with that value
    # written in its file (w1's connected share 0.1 -> 0.4), measures ramping from 0.4 (fewer persons
    # newly connected: a lower cost) -- not the file's 0.1, which the scenario's yearly tables would
    # otherwise write over the --set value
    folder = tmp_path / "edited"
    shutil.copytree(ROOT / "configs" / "examples" / "watershed", folder)
    text = (folder / "basin.toml").read_text(encoding="utf-8")
    assert text.count("connected_share = 0.1\n") == 1
    (folder / "basin.toml").write_text(text.replace("connected_share = 0.1\n", "connected_share = 0.4\n"),
                                       encoding="utf-8")
    common = ("--scenario", "domestic", "--scenario-file", SCENARIOS, *PERIOD, "-q")
    ok(invoke("run", "watershed", *common, "--set", "subbasins.w1.sources.rural_domestic.connected_share=0.4",
              "-o", tmp_path / "set.nc"))
    ok(invoke("run", folder, *common, "-o", tmp_path / "file.nc"))
    ok(invoke("run", "watershed", *common, "-o", tmp_path / "none.nc"))
    with netCDF4.Dataset(tmp_path / "set.nc") as a, netCDF4.Dataset(tmp_path / "file.nc") as b, \
            netCDF4.Dataset(tmp_path / "none.nc") as c:
        for name in ("measure_capital_cost", "measure_operating_cost", "tn_load", "tn_source_load"):
            np.testing.assert_allclose(a.variables[name][:], b.variables[name][:], rtol=1e-12, err_msg=name)
        assert np.sum(a.variables["measure_capital_cost"][:]) < np.sum(c.variables["measure_capital_cost"][:])


def test_output_options_choose_what_is_written(tmp_path):
    out = tmp_path / "cut.nc"
    ok(invoke("run", "watershed", "--scenario", "domestic", *PERIOD, "-q", "--variables",
              "measure_capital_cost,discharge", "--locations", "w1", "--aggregate", "yearly", "-o", out))
    with netCDF4.Dataset(out) as ds:
        assert {"measure_capital_cost", "discharge"} <= set(ds.variables)
        assert "tn_load" not in ds.variables and "measure_operating_cost" not in ds.variables
        assert len(ds.dimensions["subbasin"]) == 1 and len(ds.dimensions["time"]) == 2
    user_error(invoke("run", "watershed", "--scenario", "domestic", "--variables", "measure_cost",
                      "-o", tmp_path / "x.nc"), "no output variable 'measure_cost'")


def test_default_output_names_the_scenario(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    said = ok(invoke("run", "watershed", "--scenario", "domestic", *PERIOD)).output
    assert "scenario domestic" in said and "written: watershed_domestic.nc" in said
    assert (tmp_path / "watershed_domestic.nc").is_file() and not (tmp_path / "watershed.nc").exists()
    user_error(invoke("run", "watershed", "--scenario", "domestic", *PERIOD, "-q"), "--overwrite")


def test_gep_of_a_scenario_run_is_that_of_its_member(tmp_path, stacked):
    from hydro.gep import gep
    from hydro.results import load_results

    out = tmp_path / "dom.nc"
    ok(invoke("run", "watershed", "--scenario", "domestic", *PERIOD, "-q", "-o", out))
    mine = gep(load_results(out))
    theirs = [r for r in gep(load_results(stacked)) if r["scenario"] == "domestic"]
    assert mine and len(mine) == len(theirs)
    for a, b in zip(mine, theirs, strict=True):
        for key, value in a.items():
            if isinstance(value, float):
                assert value == pytest.approx(b[key], rel=1e-12, nan_ok=True), key
            else:
                assert value == b[key], key


def test_gep_rebuilds_the_basin_the_scenario_ran_with(tmp_path):
    # hydro gep rebuilds the run's basin (for its withdrawals) and checks it against config_sha256;
    # from `history` alone (--set, --params) it got the basin without the measures, and refused the file
    from hydro.gep_inputs import run_basin
    from hydro.results import load_results

    out = tmp_path / "dom.nc"
    ok(invoke("run", "watershed", "--scenario", "domestic", *PERIOD, "--set", "run.courant=0.8", "-q", "-o", out))
    res = load_results(out)
    b = run_basin(res)
    assert b.sha256 == res.attrs["config_sha256"]
    assert b.settings.courant == 0.8
