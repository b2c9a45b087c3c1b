"""The fixed contracts of the design brief, checked as a script relies on them.

The brief (CLI table, ``--json`` outputs, the results file's schema) is copied here as data, so
that a change that breaks one of its promises fails here, whatever else changed with it.
"""

from __future__ import annotations

import json
import re

import click
import netCDF4
import pytest
from cli_invoke import invoke
from click.testing import CliRunner

from hydro.cli import main
from hydro.variables import variable

#: The brief's CLI table: command -> (its arguments, in order; the options it names).
BRIEF_COMMANDS = {
    "run": (["basin"], ["--scenario", "--start", "--end", "-o", "--overwrite", "--set"]),
    "scenarios": (["basin", "scenario_file"], ["-o"]),
    "compensate": (["series_path", "agreement"], ["--json"]),
    "calibrate": (["config"], ["--workers", "--scheduler", "--resume"]),
    "validate": (["cases"], ["--quick", "--json"]),
    "plot": (["results", "kind"], ["-o"]),
    "report": (["results"], ["-o"]),
    "info": (["path"], []),
}

#: The brief's results-file table: variable -> (units, the dimensions it is on besides time).
BRIEF_VARIABLES = {
    "discharge": ("m3 s-1", ("time", "reach")),
    "tn_concentration": ("mg L-1", ("time", "reach")),
    "tn_load": ("kg d-1", ("time", "reach")),
    "section_tn_concentration": ("mg L-1", ("time", "section")),
    "section_tn_load": ("kg d-1", ("time", "section")),
    "reservoir_storage": ("m3", ("time", "reservoir")),
    "reservoir_tn_concentration": ("mg L-1", ("time", "reservoir")),
    "subbasin_runoff": ("mm d-1", ("time", "subbasin")),
    "tn_source_load": ("kg d-1", ("time", "section", "source")),
}
BRIEF_DIMENSIONS = ("time", "reach", "section", "reservoir", "subbasin", "source")
BRIEF_GLOBALS = ("Conventions", "source", "history", "basin", "scenario", "config_sha256")
VALIDATE_KEYS = ["case", "metric", "value", "tolerance", "passed"]


def _command(name: str) -> click.Command:
    command = main.get_command(click.Context(main), name)  # lazy commands load here
    assert command is not None, name
    return command


@pytest.mark.parametrize("name", sorted(BRIEF_COMMANDS))
def test_every_brief_command_takes_the_arguments_and_options_the_brief_names(name):
    arguments, options = BRIEF_COMMANDS[name]
    command = _command(name)
    assert [p.name for p in command.params if isinstance(p, click.Argument)] == arguments
    spelled = {o for p in command.params if isinstance(p, click.Option) for o in p.opts}
    assert set(options) <= spelled, f"hydro {name} lacks {set(options) - spelled}"


@pytest.mark.parametrize("name", sorted(BRIEF_COMMANDS) + ["gep"])
def test_help_shows_percent_signs_as_percent_signs(name):
    # click does not %-format option help: '5-95 %%' was shown as it was written
    result = invoke(name, "--help")
    assert result.exit_code == 0, result.output
    assert "%%" not in result.output


def test_run_scenario_of_a_basin_without_measures_is_a_user_error(tmp_path):
    # the brief's `hydro run BASIN --scenario S` runs scenario S of a scenario file
    # (tests/test_run_scenario_review.py); a flow-driven basin has no sources for measures to change
    result = invoke("run", "tiny", "--scenario", "land", "-o", tmp_path / "x.nc")
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert "scenarios need a watershed basin" in result.output
    assert not (tmp_path / "x.nc").exists()


@pytest.mark.parametrize("args", [
    ["run", "no_such_basin"],
    ["scenarios", "tiny", "{tmp}/none.toml"],
    ["compensate", "{tmp}/none.nc", "{tmp}/none.toml", "--json"],
    ["calibrate", "{tmp}/none.toml"],
    ["validate", "no_such_case", "--json"],
    ["plot", "{tmp}/none.nc", "trajectory", "-o", "{tmp}/f.png"],
    ["report", "{tmp}/none.nc", "-o", "{tmp}/r.html"],
    ["info", "{tmp}/none.nc"],
], ids=lambda a: a[0])
def test_a_user_mistake_in_every_brief_command_exits_2_without_a_traceback(tmp_path, args):
    result = invoke(*[a.format(tmp=tmp_path) for a in args])
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output and "Error:" in result.output
    assert not isinstance(result.exception, Exception) or isinstance(result.exception, SystemExit)


def test_validate_json_is_a_list_of_the_brief_records():
    result = CliRunner().invoke(main, ["validate", "junction_mixing", "--json"])
    assert result.exit_code == 0, result.output
    records = json.loads(result.stdout)  # progress goes to stderr: stdout is the JSON alone
    assert isinstance(records, list) and records
    for r in records:
        assert list(r) == VALIDATE_KEYS
        assert isinstance(r["case"], str) and isinstance(r["metric"], str)
        assert r["value"] is None or isinstance(r["value"], float)
        assert isinstance(r["tolerance"], float) and isinstance(r["passed"], bool)


def test_a_check_that_could_not_be_evaluated_is_strict_json():
    from hydro.validation.registry import Check

    record = Check.at_most("c", "m", float("nan"), 1.0).as_json()
    assert json.loads(json.dumps(record, allow_nan=False)) == {
        "case": "c", "metric": "m", "value": None, "tolerance": 1.0, "passed": False}


def test_the_declared_variables_carry_the_brief_units_and_dimensions():
    for name, (units, dims) in BRIEF_VARIABLES.items():
        declared = variable(name, {"tn": "total nitrogen"})
        assert (declared.units, declared.dims) == (units, dims), name
        assert declared.long_name


@pytest.fixture(scope="module")
def watershed_file(tmp_path_factory):
    out = tmp_path_factory.mktemp("contract") / "ws.nc"
    result = invoke("run", "watershed", "--start", "2003-01-01", "--end", "2003-01-20", "-o", out, "-q")
    assert result.exit_code == 0, result.output
    return out


def test_results_file_holds_the_brief_schema(watershed_file):
    with netCDF4.Dataset(watershed_file) as nc:
        assert nc.data_model == "NETCDF4"
        assert set(BRIEF_DIMENSIONS) <= set(nc.dimensions)
        for name, (units, dims) in BRIEF_VARIABLES.items():
            var = nc.variables[name]
            assert (var.units, var.dimensions) == (units, dims), name
        for name, var in nc.variables.items():
            assert re.fullmatch(r"[a-z][a-z0-9]*(_[a-z0-9]+)*", name), name
            assert var.long_name, name
            if name not in nc.dimensions:
                assert var.units, name
            else:  # CF: coordinate variables hold no missing values
                assert "_FillValue" not in var.ncattrs(), name
        attrs = nc.__dict__
        for key in BRIEF_GLOBALS:
            assert isinstance(attrs.get(key), str) and attrs[key], key
        assert attrs["Conventions"] == "CF-1.8, ACDD-1.3" and attrs["source"].startswith("hydro ")
        assert attrs["basin"] == "watershed" and attrs["scenario"] == "baseline"
        assert re.fullmatch(r"[0-9a-f]{64}", attrs["config_sha256"])
        assert attrs["history"].startswith("hydro run watershed ")
        time = nc.variables["time"]
        assert time.units == "days since 2003-01-01 00:00:00" and time.calendar == "standard"
        assert time[:].tolist() == list(range(20))


def test_results_file_opens_in_xarray_as_it_is(watershed_file):
    xr = pytest.importorskip("xarray")
    with xr.open_dataset(watershed_file) as ds:
        assert ds["time"].dtype.kind == "M"
        assert str(ds["time"].values[0])[:10] == "2003-01-01"
        assert ds["tn_source_load"].dims == ("time", "section", "source")


def test_time_bounds_of_an_aggregated_file_have_units_and_a_long_name(tmp_path):
    # the brief: every variable has units and long_name; time_bnds had neither (CF lets bounds
    # carry their parent's units and calendar, which xarray then decodes them with)
    out = tmp_path / "monthly.nc"
    result = invoke("run", "tiny", "--end", "2020-03-31", "--aggregate", "monthly", "-o", out, "-q")
    assert result.exit_code == 0, result.output
    with netCDF4.Dataset(out) as nc:
        time, bounds = nc.variables["time"], nc.variables["time_bnds"]
        assert (bounds.units, bounds.calendar) == (time.units, time.calendar)
        assert bounds.long_name and time.bounds == "time_bnds"
        assert bounds[:].tolist() == [[0, 31], [31, 60], [60, 91]]
    xr = pytest.importorskip("xarray")
    with xr.open_dataset(out) as ds:
        assert ds["time_bnds"].dtype.kind == "M" and ds["time_bnds"].attrs["long_name"] == bounds.long_name
        assert str(ds["time_bnds"].values[-1, 1])[:10] == "2020-04-01"


def test_every_option_of_every_command_is_on_its_docs_page():
    from hydro.basin import ROOT

    ctx = click.Context(main)
    for name in main.list_commands(ctx):
        command = main.get_command(ctx, name)
        assert command is not None
        page = (ROOT / "docs" / "commands" / f"{name}.md").read_text(encoding="utf-8")
        for p in command.params:
            if isinstance(p, click.Option) and not p.hidden and p.name != "help":
                spellings = p.opts + p.secondary_opts
                assert any(re.search(rf"(?<![\w-]){re.escape(s)}(?![\w-])", page) for s in spellings), \
                    f"docs/commands/{name}.md does not name {spellings}"
