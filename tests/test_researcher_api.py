"""The Python side as a researcher meets it: dates as pandas and numpy give them, the history
of a run made in Python, open_results on files hydro did not write, the public docstrings."""

from __future__ import annotations

import datetime as dt
import inspect
import re

import netCDF4
import numpy as np
import pytest
import xarray as xr
from click.testing import CliRunner

import hydro
from hydro.cli import main
from hydro.errors import HydroError
from hydro.results import load_results

PATH = "constituents.tn.river_removal_per_day"


@pytest.fixture(scope="module")
def tiny():
    return hydro.Model.from_basin("tiny")


@pytest.fixture(scope="module")
def short(tiny):
    """Five days of tiny, started from ISO strings."""
    return tiny.run("2020-01-01", "2020-01-05")


@pytest.mark.parametrize("start, end", [
    (dt.datetime(2020, 1, 1, 12, 30), dt.datetime(2020, 1, 5)),  # was: "no value for 2020-01-01 00:00:00"
    (np.datetime64("2020-01-01T00:00:00.000000000"), np.datetime64("2020-01-05")),  # was: "expected a date"
    (dt.date(2020, 1, 1), " 2020-01-05 "),
], ids=["datetime", "datetime64", "date-and-padded-string"])
def test_run_takes_the_dates_numpy_and_the_standard_library_give(tiny, short, start, end):
    ds = tiny.run(start, end)
    np.testing.assert_array_equal(ds["time"].values, short["time"].values)
    np.testing.assert_array_equal(ds["section_tn_load"].values, short["section_tn_load"].values)


def test_run_takes_the_time_values_of_its_own_results(tiny, short):
    pd = pytest.importorskip("pandas")
    # a pandas Timestamp raised TypeError "Cannot compare Timestamp with datetime.date"
    ds = tiny.run(pd.Timestamp(short["time"].values[1]), short["time"].values[-1])
    assert ds.sizes["time"] == 4


@pytest.mark.parametrize("value", [2020, 2020.0, ["2020-01-01"], np.datetime64("NaT")])
def test_a_date_that_is_not_one_is_a_hydro_error_naming_the_argument(tiny, value):
    with pytest.raises(HydroError, match=r"^start: expected a date \(an ISO string 'YYYY-MM-DD'"):
        tiny.run(value, "2020-01-05")


def test_a_reversed_period_says_what_to_change_in_python_terms(tiny):
    # said "fix --start/--end or [run]": options a Python caller does not have
    with pytest.raises(HydroError, match=r"ends \(2020-01-01\) before it starts \(2020-02-01\); give "
                                         r"run\(start, end\) with start <= end \(the basin's \[run\] period: "
                                         r"2020-01-01 to 2021-12-31\)"):
        tiny.run("2020-02-01", "2020-01-01")


def test_history_is_the_python_call_and_reruns_the_same_results(tiny, short):
    # history said "hydro run .../basin.toml", a command that does not apply with_parameters
    variant = tiny.with_parameters({PATH: 0.2})
    ds = variant.run("2020-01-01", "2020-01-05")
    history = ds.attrs["history"]
    assert history.startswith("hydro.Model.from_basin(") and f".with_parameters({{'{PATH}': 0.2}})" in history
    again = eval(history, {"hydro": hydro})  # the string hydro itself wrote
    xr.testing.assert_identical(again, ds)
    assert short.attrs["history"].endswith(".run('2020-01-01', '2020-01-05')")
    assert "with_parameters" not in short.attrs["history"]
    assert "apportion=False" in hydro.Model.from_basin("watershed").run_results(
        "2003-01-01", "2003-01-03", apportion=False).attrs["history"]


def _foreign(path):
    xr.Dataset({"sst": ("time", np.arange(3.0))},
               coords={"time": np.arange("2020-01-01", "2020-01-04", dtype="datetime64[D]")}).to_netcdf(path)
    return path


def test_open_results_refuses_a_netcdf_file_hydro_did_not_write(tmp_path):
    # said "'sst' is not a declared output variable", naming neither the file nor what to do
    path = _foreign(tmp_path / "sst.nc")
    with pytest.raises(HydroError, match=r"sst\.nc: not a hydro results file \(it has no 'source = hydro \.\.\.' "
                                         r"attribute\).*xarray\.open_dataset"):
        hydro.open_results(path)
    r = CliRunner().invoke(main, ["info", str(path)])  # described it as "(hydro, CF)", exit 0
    assert r.exit_code == 2 and "sst.nc: not a hydro results file" in r.output


def test_open_results_names_a_variable_hydro_does_not_write(tiny, tmp_path):
    path = tmp_path / "derived.nc"
    ds = tiny.run("2020-01-01", "2020-01-05")
    ds["ratio"] = ds["section_tn_load"] / ds["section_tp_load"]
    ds.to_netcdf(path)
    with pytest.raises(HydroError, match=r"derived\.nc: variable 'ratio' is not one hydro writes \(was it added "
                                         r"to the file\?\); open the file with xarray\.open_dataset"):
        hydro.open_results(path)
    assert "ratio" in load_results(path).data  # the commands still read what they need
    del ds["ratio"]  # what Model.run returns, written by xarray, opens again
    ds.to_netcdf(tmp_path / "plain.nc")
    assert "section_tn_load" in hydro.open_results(tmp_path / "plain.nc")


def test_open_results_of_a_folder_says_it_is_one(tmp_path):
    with pytest.raises(HydroError, match=r": is a folder; give a results file"):  # said "file not found"
        hydro.open_results(tmp_path)


def test_a_misspelt_variable_of_results_gets_the_nearest_name(tiny):
    results = tiny.run_results("2020-01-01", "2020-01-02")
    with pytest.raises(HydroError, match=r"no variable 'tn_concentraton' in these results "
                                         r"\(did you mean 'tn_concentration'\?\)"):
        results["tn_concentraton"]
    # ``in`` asks the variables (it fell through to __getitem__ with 0 and failed inside difflib)
    assert "tn_concentration" in results and "tn_concentraton" not in results and 0 not in results


def _public_callables():
    out = [("hydro.open_basin", hydro.open_basin), ("hydro.open_results", hydro.open_results)]
    for name, member in vars(hydro.Model).items():
        if not name.startswith("_") and (callable(member) or isinstance(member, classmethod)):
            out.append((f"hydro.Model.{name}", getattr(hydro.Model, name)))
    return out


@pytest.mark.parametrize("name, func", _public_callables(), ids=[n for n, _ in _public_callables()])
def test_public_functions_have_numpy_docstrings(name, func):
    """Parameters (where there are any), Returns and Raises sections; from_basin, parameter,
    with_parameters, open_basin and open_results had one-line docstrings."""
    doc = inspect.getdoc(func) or ""
    params = [p for p in inspect.signature(func).parameters if p not in ("self", "cls")]
    if params:
        assert re.search(r"^Parameters\n-{10}$", doc, re.M), name
        for p in params:
            assert re.search(rf"^(\w+, )*{p}\b", doc, re.M), f"{name}: {p} is not described"
    assert re.search(r"^Returns\n-{7}$", doc, re.M), name
    if name != "hydro.Model.run_results":  # raises as run does, and says so
        assert re.search(r"^Raises\n-{6}\nHydroError$", doc, re.M), name


def test_parameter_docstring_gives_units_of_value_and_bounds():
    doc = inspect.getdoc(hydro.Parameter) or ""
    assert "in ``unit``" in doc and "UDUNITS" in doc


@pytest.fixture(scope="module")
def ws_file(tmp_path_factory):
    out = tmp_path_factory.mktemp("ws") / "ws.nc"
    r = CliRunner().invoke(main, ["run", "watershed", "--end", "2001-03-31", "-o", str(out), "-q"])
    assert r.exit_code == 0, r.output
    return out


def test_written_file_has_udunits_and_long_names_everywhere(ws_file):
    with netCDF4.Dataset(ws_file) as nc:
        units = {name: var.units for name, var in nc.variables.items() if name not in nc.dimensions}
        for name, var in nc.variables.items():
            if name not in nc.dimensions:
                assert var.units and var.long_name, name
    cf_units = pytest.importorskip("cf_units")
    for name, unit in units.items():
        assert not cf_units.Unit(unit).is_unknown(), (name, unit)


def test_written_file_sources_add_up_to_float32_rounding(ws_file):
    """Each load's sources (32-bit) add up to its total (64-bit) to float32 rounding."""
    with xr.open_dataset(ws_file) as ds:
        assert ds.attrs["Conventions"] == "CF-1.8, ACDD-1.3" and np.issubdtype(ds["time"].dtype, np.datetime64)
        for part, total in [("tn_source_load", "section_tn_load"), ("reach_tn_source_load", "tn_load"),
                            ("reservoir_tn_source_concentration", "reservoir_tn_concentration")]:
            assert ds[part].dtype == np.float32 and ds[total].dtype == np.float64
            parts = ds[part].astype("float64")
            gap = abs(parts.sum("source") - ds[total])
            # float32 keeps 24 bits: each part within 2**-24 of itself, so the sum within
            # 2**-24 of the sum of the parts' magnitudes (and of the 64-bit sum's rounding)
            assert float((gap - 2.0 ** -24 * abs(parts).sum("source")).max()) <= 1e-12, part


@pytest.mark.parametrize("value", [np.float32(0.25), np.int64(0), np.array(0.2), np.float64(0.2)],
                         ids=["float32", "int64", "0-d array", "float64"])
def test_with_parameters_takes_numpy_numbers_as_the_numbers_they_hold(tiny, value):
    # np.float32, np.int64 and 0-d arrays were refused: "expected a number, got np.int64(0)"
    variant = tiny.with_parameters({PATH: value})
    plain = tiny.with_parameters({PATH: value.item()})
    assert variant.changes == plain.changes and type(variant.changes[PATH]) is type(value.item())
    assert variant.basin.sha256 == plain.basin.sha256  # the same configuration, the same hash
    ds = variant.run("2020-01-01", "2020-01-03")
    xr.testing.assert_identical(eval(ds.attrs["history"], {"hydro": hydro}), ds)  # no np.float64(...) in it


def test_a_file_written_from_results_built_in_python_records_its_constituents(tmp_path):
    """A Results made by hand (constituents given, no 'constituents' attribute) wrote a file whose
    section_tn_concentration open_results could not name: the writer now records them."""
    from datetime import date, timedelta

    from hydro.results import Results

    res = Results(coords={"time": [date(2000, 1, 1) + timedelta(days=i) for i in range(3)], "section": ["s"]},
                  constituents={"tn": "total nitrogen"})
    res.add("section_tn_concentration", np.ones((3, 1)))
    res.to_netcdf(tmp_path / "hand.nc")
    ds = hydro.open_results(tmp_path / "hand.nc")
    assert ds.attrs["constituents"] == "tn=total nitrogen"
    assert ds["section_tn_concentration"].attrs["units"] == "mg L-1"


def test_python_writes_the_aggregated_file_hydro_run_writes(tmp_path):
    """python-api.md: results.to_netcdf(path, spec=OutputSpec(...)) writes what hydro run
    --aggregate/--variables/--locations does."""
    from hydro.outputspec import OutputSpec

    names, where = ["section_tn_load", "tn_source_load"], ["outlet"]
    mine = tmp_path / "py.nc"
    hydro.Model.from_basin("watershed").run_results("2003-01-01", "2003-04-30").to_netcdf(
        mine, spec=OutputSpec(aggregate="monthly", variables=names, locations=where))
    cli = tmp_path / "cli.nc"
    r = CliRunner().invoke(main, ["run", "watershed", "--start", "2003-01-01", "--end", "2003-04-30", "-o", str(cli),
                                  "--aggregate", "monthly", "--variables", ",".join(names),
                                  "--locations", ",".join(where), "-q"])
    assert r.exit_code == 0, r.output
    with xr.open_dataset(mine) as a, xr.open_dataset(cli) as b:
        assert set(a.data_vars) == set(b.data_vars) == {*names, "time_bnds"}
        for name in names:
            xr.testing.assert_equal(a[name], b[name])
            assert a[name].attrs["cell_methods"] == "time: mean"
        assert a.attrs["time_aggregation"] == "monthly"


def test_model_run_has_the_attributes_of_the_file_hydro_writes(tiny, tmp_path):
    """Every variable and coordinate of Model.run carries the attributes the written file has
    (reach, section and reservoir lacked the file's cf_role)."""
    ds = tiny.run("2020-01-01", "2020-01-05")
    tiny.run_results("2020-01-01", "2020-01-05").to_netcdf(tmp_path / "t.nc")
    with xr.open_dataset(tmp_path / "t.nc") as written:
        assert set(ds.variables) == set(written.variables)
        for name in ds.variables:
            assert ds[name].attrs == written[name].attrs, name
        assert ds.attrs == written.attrs
