"""A review of the session's user-facing text (2026-12-06), finding 1 (defect):
the refusal of an older aggregated file gives a Python recipe,
``load_results(daily).to_netcdf(..., OutputSpec(aggregate=...))``, that passes the spec as the second
positional argument -- ``overwrite`` -- so it silently writes a DAILY file (and overwrites), not an aggregated
one.  The recipe must name ``spec=``; and 'hydro run --aggregate' re-runs the basin, it does not aggregate a
daily file."""
from __future__ import annotations

from datetime import date

import netCDF4
import pytest

from hydro.basin import ROOT, Basin
from hydro.errors import HydroError
from hydro.outputspec import OutputSpec
from hydro.results import load_results
from hydro.simulation import run


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    d = tmp_path_factory.mktemp("agg")
    res = run(Basin.load(ROOT / "configs" / "examples" / "watershed"), start=date(2001, 1, 1),
              end=date(2001, 3, 31))
    daily = res.to_netcdf(d / "daily.nc")
    old = res.to_netcdf(d / "old.nc", spec=OutputSpec(aggregate="monthly"))
    with netCDF4.Dataset(old, "a") as nc:
        nc.variables["reservoir_storage"].setncattr("cell_methods", "time: mean")
    return d, daily, old


def test_the_refusal_names_spec_keyword(files):
    _, _, old = files
    with pytest.raises(HydroError) as info:
        load_results(old)
    said = str(info.value)
    assert "OutputSpec(" in said
    assert "spec=OutputSpec(" in said, said  # it said 'to_netcdf(..., OutputSpec(aggregate=...))'


def test_a_spec_given_as_overwrite_is_not_silently_a_daily_file(files):
    """Follow the message literally (spec positional): today it writes a DAILY file (90 days) without a word.
    Either the spec is honoured or the call is refused (overwrite must be a bool)."""
    d, daily, _ = files
    try:
        out = load_results(daily).to_netcdf(d / "again.nc", OutputSpec(aggregate="monthly"))
    except (HydroError, TypeError):
        return
    with netCDF4.Dataset(out) as nc:
        assert len(nc.dimensions["time"]) == 3, "the recipe wrote a daily file: OutputSpec went to `overwrite`"
