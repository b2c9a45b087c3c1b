"""From a re-read and mutation test of the session's diff (2026-12-06): each kills a mutation that the other
tests let survive."""
from __future__ import annotations

from datetime import date

import netCDF4
import pytest

from hydro.errors import HydroError


# --- M21: saved_by compares version AND revision (mutation: ``and`` -> ``or``) -------------------------------
@pytest.mark.parametrize("differs", ["hydro_version", "source_revision"])
def test_saved_by_names_a_state_of_other_code_when_only_one_of_the_two_differs(differs):
    from hydro.provenance import code_record
    from hydro.state_fit import saved_by

    meta = dict(code_record())
    assert saved_by(meta) == ""
    meta[differs] = "something else"
    assert "not this run's code" in saved_by(meta)


# --- M34: a kind that cannot be pickled is named before the pool starts (mutation: no pickle round trip) -----
def test_a_kind_holding_what_cannot_be_pickled_is_named():
    from plugin_tourism import TourismKind

    from hydro.plugins import registered
    from hydro.sources import register, unregister

    kind = TourismKind()
    kind.hook = lambda x: x  # a notebook's lambda on the instance: the class imports, the instance does not pickle
    register(kind)
    try:
        with pytest.raises(HydroError, match="cannot be sent to the worker processes"):
            registered()
    finally:
        unregister("tourism")


# --- M18: a DAILY file whose storages say "time: mean" (the daily layout before 2026-12-06) still reads --------
@pytest.fixture(scope="module")
def old_daily(tmp_path_factory):
    from hydro.basin import ROOT, Basin
    from hydro.simulation import run

    res = run(Basin.load(ROOT / "configs" / "examples" / "watershed"), start=date(2001, 1, 1), end=date(2001, 2, 28))
    path = res.to_netcdf(tmp_path_factory.mktemp("bcd") / "old_daily.nc")
    with netCDF4.Dataset(path, "a") as nc:
        for name in ("reservoir_storage", "subbasin_water_storage", "groundwater_n_storage"):
            if name in nc.variables:
                nc.variables[name].setncattr("cell_methods", "time: mean")
    return path


def test_an_older_daily_file_with_mean_storages_still_reads(old_daily):
    """A day's storage is its end state whatever the label: only aggregated files are refused."""
    from hydro.results import load_results

    res = load_results(old_daily)
    assert "reservoir_storage" in res.data
