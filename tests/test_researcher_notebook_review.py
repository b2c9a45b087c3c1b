"""Regression tests from an outside review, a researcher's notebook on hydro's results files (2026-12-06):
a monthly copy resampled with xarray was read as a daily file of 24 days (F3); TN's hand-declared variables did
not say "(as N)" as every other constituent's do (F4).
"""
import warnings

import numpy as np
import pytest
import xarray as xr

import hydro
from hydro import variables as V


@pytest.fixture(scope="module")
def tiny_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("tiny") / "tiny.nc"
    hydro.Model.from_basin("tiny").run_results(None, None).to_netcdf(path)
    return path


_TN_VARIABLES = ["tn_source_load", "reach_tn_source_load", "reservoir_tn_source_concentration",
                 "subbasin_tn_source_input", "reservoir_transfer_tn_load", "reach_transfer_tn_load",
                 "subbasin_tn_landscape_retention", "ensemble_section_tn_concentration",
                 "ensemble_reservoir_tn_concentration"]


@pytest.mark.parametrize("name", _TN_VARIABLES)
def test_tn_long_names_say_as_n_like_every_other_constituent(name):
    """docs/results.md: the masses of nitrogen's forms count nitrogen '... their long_names say
    so'. tp_source_load says '(as P)', nh3n_source_load '(as N)', section_tn_load '(as N)', but
    the TN by-source and transfer variables (declared by hand) say plain 'total nitrogen'."""
    decl = V.variable(name, {"tn": "total nitrogen", "tp": "total phosphorus"})
    assert "(as N)" in decl.long_name, decl.long_name


def test_open_results_refuses_a_copy_resampled_to_months_with_xarray(tiny_file, tmp_path):
    """A researcher's monthly copy (the daily variables resampled with xarray, the yearly budgets
    kept as they are) is read by hydro as a daily file of 24 days (`hydro info`: '24 days',
    'partial calendar years'; `hydro compensate`: every month 'missing'). docs/python-api.md says
    `open_results` raises HydroError for a file 'reshaped: resampled whole with xarray'; a file
    whose time steps are not days and that has no time_bnds/time_aggregation should be refused
    (or read as periods), not read as sparse days."""
    ds = xr.open_dataset(tiny_file)
    daily = [v for v in ds.data_vars if "time" in ds[v].dims]
    other = [v for v in ds.data_vars if "time" not in ds[v].dims]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        monthly = xr.merge([ds[daily].resample(time="MS").mean(keep_attrs=True), ds[other]],
                           combine_attrs="override")
    monthly.attrs = dict(ds.attrs)
    out = tmp_path / "monthly_by_xarray.nc"
    monthly.to_netcdf(out)
    assert (np.diff(monthly.time.values).astype("timedelta64[D]").astype(int) > 1).all()
    with pytest.raises(hydro.HydroError):
        hydro.open_results(out)
