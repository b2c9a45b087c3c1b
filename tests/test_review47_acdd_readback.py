"""Review of s47 (494a1ea..HEAD): ACDD discovery attributes of a results file read back and written again.

writer_attributes() computes time_coverage_resolution (and the coverage) from the file being written, but
both writers then do ``attrs.update(results.attrs)``, and results read from a file hold the old file's
discovery attributes (WRITER_ATTRIBUTES says so).  A daily file read back and written monthly therefore says
``time_aggregation = monthly`` beside ``time_coverage_resolution = P1D``.
"""

import pytest

import hydro
from hydro.outputspec import OutputSpec, reduce
from hydro.results import load_results

xr = pytest.importorskip("xarray")


@pytest.fixture(scope="module")
def daily_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("acdd") / "d.nc"
    hydro.Model.from_basin("tiny").run_results("2020-01-01", "2020-02-29").to_netcdf(path)
    return path


def test_a_daily_file_read_back_and_written_monthly_says_p1m(daily_file, tmp_path):
    load_results(daily_file).to_netcdf(tmp_path / "m.nc", spec=OutputSpec(aggregate="monthly"))
    with xr.open_dataset(tmp_path / "m.nc") as ds:
        assert ds.attrs["time_aggregation"] == "monthly"
        assert ds.attrs["time_coverage_resolution"] == "P1M"  # fails: P1D, the read file's


def test_to_xarray_of_read_back_results_reduced_to_months_says_p1m(daily_file):
    monthly = reduce(load_results(daily_file), OutputSpec(aggregate="monthly"))
    assert monthly.to_xarray().attrs["time_coverage_resolution"] == "P1M"  # fails: P1D
