"""Backward compatibility (review 2026-12-06; failed before the fix): aggregated files written before
81153a7/e9ecd7e (2026-12-06) hold
every variable as the period's MEAN, storages included (``cell_methods = "time: mean"``, long name "... at the
end of the day").  The readers took the meaning from the current declaration, not from the file:

* ``hydro.open_results`` / ``Results.to_xarray`` relabel such a storage ``cell_methods = "time: point"`` and
  "at the end of the period; its value on the period's last simulated day" -- a monthly mean presented as an
  end-of-month state (a water budget closed from it is off by the storages' mean-vs-end difference);
* ``load_results(old_monthly).to_netcdf(yearly)`` takes December's mean as the year's end state and writes it
  as ``time: point``;
* the report's reservoir table labels it "day-weighted mean of the periods' end storage".

Synthesised here from a new monthly file by restoring the two attributes an older file had.  The readers now
refuse such a file naming the change and what to do (hydro.results_checks.check_period_states)."""
from __future__ import annotations

from datetime import date

import netCDF4
import pytest
import xarray as xr

from hydro.basin import ROOT, Basin
from hydro.errors import HydroError
from hydro.outputspec import OutputSpec
from hydro.results import load_results, open_results
from hydro.simulation import run

OLD_LONG = "reservoir storage at the end of the day"


@pytest.fixture(scope="module")
def old_monthly(tmp_path_factory):
    res = run(Basin.load(ROOT / "configs" / "examples" / "watershed"), start=date(2001, 1, 1),
              end=date(2001, 12, 31))
    path = res.to_netcdf(tmp_path_factory.mktemp("bc") / "old_monthly.nc", spec=OutputSpec(aggregate="monthly"))
    with netCDF4.Dataset(path, "a") as nc:  # what a file written before 2026-12-06 says of its storages
        for name in ("reservoir_storage", "subbasin_water_storage", "groundwater_n_storage"):
            if name in nc.variables:
                nc.variables[name].setncattr("cell_methods", "time: mean")
                nc.variables[name].setncattr("long_name", OLD_LONG if name == "reservoir_storage"
                                             else nc.variables[name].long_name)
    return path


def test_an_older_aggregated_file_is_refused_naming_its_mean_storages(old_monthly):
    with xr.open_dataset(old_monthly) as raw:
        assert raw["reservoir_storage"].attrs["cell_methods"] == "time: mean"
    for read in (open_results, load_results):
        with pytest.raises(HydroError, match=r"written before 2026-12-06, its storages \(.*reservoir_storage.*\) "
                                             r"are each period's mean .*aggregate the daily file again"):
            read(old_monthly)


def test_a_new_aggregated_file_reads(tmp_path):
    """The check reads the file's own cell_methods: today's monthly file (storages at the period's end) loads."""
    res = run(Basin.load(ROOT / "configs" / "examples" / "watershed"), start=date(2001, 1, 1), end=date(2001, 3, 31))
    path = res.to_netcdf(tmp_path / "m.nc", spec=OutputSpec(aggregate="monthly"))
    assert open_results(path)["reservoir_storage"].attrs["cell_methods"] == "time: point"
