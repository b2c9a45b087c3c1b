"""`hydro report` on a copy of a run's results cut after writing (xarray's ``isel``/``sel``, then
``to_netcdf``): the copy keeps the run's global attributes, which list every element and the run's
days, so the tables of fewer reaches, or of part of a year beside that year's whole budget, read as
the whole run's.  `hydro gep` refuses such a copy (tests/test_gep_cut_files.py); a report may fairly
be made of a cut, so it says so in its "At a glance" section (hydro.gep_checks.cut_after_writing).
One one-year run of the shipped `watershed` example."""

from __future__ import annotations

import pytest
import xarray as xr

import hydro
from hydro.report import build_report

CALLOUT = "A cut copy of a run."


@pytest.fixture(scope="module")
def original(tmp_path_factory):
    path = tmp_path_factory.mktemp("report_cut") / "ws.nc"
    hydro.Model.from_basin("watershed").run_results("2001-01-01", "2001-12-31").to_netcdf(path)
    return path


def _page(path, tmp_path) -> str:
    out = build_report(path, tmp_path / f"{path.stem}.html")
    return out.read_text(encoding="utf-8")


def test_the_whole_run_has_no_cut_callout(original, tmp_path):
    """The guard: the file as hydro wrote it is no cut copy."""
    assert CALLOUT not in _page(original, tmp_path)


def test_a_copy_cut_along_reach_says_what_it_holds(original, tmp_path):
    out = tmp_path / "five.nc"
    with xr.open_dataset(original) as ds:
        n = ds.sizes["reach"]
        ds.isel(reach=slice(0, 5)).drop_encoding().to_netcdf(out)
    page = _page(out, tmp_path)
    assert CALLOUT in page
    assert n == 6  # docs/commands/report.md's example: holds 5 of the run's 6 reach ids
    assert "holds 5 of the run&#x27;s 6 reach ids" in page  # (the page escapes the apostrophe)


def test_a_copy_cut_along_time_says_which_days_it_holds(original, tmp_path):
    out = tmp_path / "half.nc"
    with xr.open_dataset(original) as ds:
        ds.sel(time=slice("2001-07-01", None)).to_netcdf(out)
    page = _page(out, tmp_path)
    assert CALLOUT in page and "holds 184 days of 2001" in page
