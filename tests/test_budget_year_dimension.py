"""The yearly budgets are on ``budget_year``, not ``year`` (an outside review, 2026-12-06): xarray names the groups
of ``ds.groupby("time.year")`` ``year`` too, so a whole results file's ``groupby("time.year").mean()`` silently gave
4 year labels for 2 years ([2013, 2014, 2013, 2014], the second 2014 row holding 2013's means).  Files written
before (``year``) are still read, their ``year`` as ``budget_year``."""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr
from click.testing import CliRunner

import hydro
from hydro.cli import main
from hydro.results import load_results
from hydro.variables import declared

BUDGETS = ("tn_budget_reach", "tn_budget_reservoir", "subbasin_tn_gross_input", "subbasin_tn_land_budget",
           "measure_capital_cost")
#: The yearly variables of the tiny basin's file (a network without subbasins).
WRITTEN = ("tn_budget_reach", "tn_budget_reservoir", "tp_budget_reach", "tp_budget_reservoir")


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    """The tiny basin's daily results of its whole run, written."""
    path = tmp_path_factory.mktemp("budget_year") / "tiny.nc"
    hydro.Model.from_basin("tiny").run_results(None, None).to_netcdf(path)
    return path


@pytest.fixture(scope="module")
def old_file(written, tmp_path_factory):
    """The same file as one written before the rename holds it: the budgets on ``year`` (rewritten with xarray:
    netCDF4's renameDimension of a netCDF-4 file's coordinate dimension loses its values, netCDF-C's known bug)."""
    import netCDF4

    path = tmp_path_factory.mktemp("budget_year_old") / "old.nc"
    with xr.open_dataset(written) as ds:
        ds.load().rename({"budget_year": "year"}).assign_attrs(results_format="2026-12-06").to_netcdf(path)
    with netCDF4.Dataset(path) as nc:  # (as an older file has it)
        assert "year" in nc.dimensions and "budget_year" not in nc.dimensions
        assert nc.variables["tn_budget_reach"].dimensions[0] == "year"
    return path


def test_no_declared_variable_is_on_year():
    assert not [v.name for v in declared() if "year" in v.dims]
    on = {v.name.replace("{c}", "tn") for v in declared() if "budget_year" in v.dims}  # ({c}_budget_reach ...)
    assert on >= set(BUDGETS)


def test_groupby_time_year_of_a_whole_file_gives_one_row_per_year(written):
    with xr.open_dataset(written) as ds:
        years = sorted(set(ds["time"].dt.year.values.tolist()))
        assert len(years) >= 2  # (the tiny basin's run spans two calendar years)
        means = ds.groupby("time.year").mean()
        assert means["year"].values.tolist() == years  # was [2013, 2014, 2013, 2014]
        assert "budget_year" in means.dims and means.sizes["budget_year"] == ds.sizes["budget_year"]
        daily = ds["discharge"]
        for y in years:
            want = daily.values[ds["time"].dt.year.values == y].mean(axis=0)
            np.testing.assert_allclose(means["discharge"].sel(year=y).values, want, rtol=1e-12)


def test_budgets_are_on_budget_year(written):
    with xr.open_dataset(written) as ds:
        assert "year" not in ds.dims
        assert {n for n in ds.data_vars if "budget_year" in ds[n].dims} == set(WRITTEN)
        for name in WRITTEN:
            assert ds[name].dims[0] == "budget_year", name
        assert ds["budget_year"].values.tolist() == sorted(set(ds["time"].dt.year.values.tolist()))
    res = load_results(written)
    assert "year" not in res.coords and res.dims("tn_budget_reach")[0] == "budget_year"


def test_a_file_written_with_year_is_read_with_the_same_budgets(written, old_file):
    new, old = load_results(written), load_results(old_file)
    assert old.coords["budget_year"] == new.coords["budget_year"] and "year" not in old.coords
    for name in WRITTEN:
        np.testing.assert_array_equal(old[name], new[name], err_msg=name)
    ds_new, ds_old = hydro.open_results(written), hydro.open_results(old_file)
    assert "year" not in ds_old.dims
    for name in WRITTEN:
        assert ds_old[name].dims == ds_new[name].dims
        np.testing.assert_array_equal(ds_old[name].values, ds_new[name].values, err_msg=name)
    with xr.open_dataset(old_file) as ds:  # a dataset of the older file, given to what takes results
        from hydro.results_xarray import from_xarray

        back = from_xarray(ds)
        assert back.coords["budget_year"] == new.coords["budget_year"]
        np.testing.assert_array_equal(back["tn_budget_reach"], new["tn_budget_reach"])


def test_hydro_info_reads_an_older_file(written, old_file):
    r_old = CliRunner().invoke(main, ["info", str(old_file)])
    r_new = CliRunner().invoke(main, ["info", str(written)])
    assert r_old.exit_code == 0 == r_new.exit_code, r_old.output
    assert "(budget_year, reach, budget_term)" in r_old.output
    assert "budget_year=" in r_old.output and "year=" not in r_old.output.replace("budget_year=", "")
    def listed(output):  # the dimensions, and the yearly variables' lines, as info lists them
        out = output.splitlines()
        dims = next(ln for ln in out if ln.startswith("  dimensions:")).split(":", 1)[1]
        return sorted(dims.replace(",", " ").split()), [ln for ln in out if ln.split()[:1] in [[n] for n in WRITTEN]]

    assert len(listed(r_new.output)[1]) == len(WRITTEN) and listed(r_old.output) == listed(r_new.output)
