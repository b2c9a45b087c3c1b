"""Weather ensembles: reproducible members, a member dimension, synthetic metadata."""

from datetime import date

import numpy as np
import pytest

from hydro.basin import Basin
from hydro.ensemble import member_weather, run_ensemble
from hydro.errors import HydroError
from hydro.pipeline import run_watershed

START, END = date(2021, 1, 1), date(2021, 6, 30)


@pytest.fixture(scope="module")
def ensemble():
    return run_ensemble("watershed", 3, 40, START, END, workers=2, quiet=True)


def test_members_are_reproducible_and_distinct(ensemble):
    c = ensemble["section_tn_concentration"]
    assert ensemble.leading == ("member",) and c.shape[0] == 3
    assert not np.allclose(c[0], c[1])
    # member 1 alone (seed 40 + 1), serially, gives the same numbers
    basin = Basin.load("watershed")
    alone = run_watershed(basin, START, END, weather=member_weather(basin, START, END, 41))
    np.testing.assert_array_equal(alone["section_tn_concentration"], c[1])


def test_ensemble_file_has_a_member_dimension(ensemble, tmp_path):
    xr = pytest.importorskip("xarray")
    ensemble.to_netcdf(tmp_path / "e.nc")
    ds = xr.open_dataset(tmp_path / "e.nc")
    assert ds["section_tn_load"].dims == ("member", "time", "section")
    assert ds.attrs["weather_synthetic"] == "true" and ds.attrs["weather_seed"] == "40+member"


def test_flow_driven_basins_cannot_make_ensembles():
    with pytest.raises(HydroError, match="needs a watershed basin"):
        run_ensemble("tiny", 2, 1, quiet=True)


def test_a_worker_loads_the_basin_once_and_again_when_it_changes(tmp_path):
    """Members in one process share the loaded basin and fitted generator; an edited basin
    or weather file is read again (a long-lived Dask worker must not run stale inputs)."""
    import os
    import shutil

    from hydro.basin import ROOT
    from hydro.ensemble import _member_inputs

    folder = tmp_path / "ws"
    shutil.copytree(ROOT / "configs" / "examples" / "watershed", folder)
    spec = str(folder / "basin.toml")
    first = _member_inputs(spec, [])
    assert _member_inputs(spec, [])[0] is first[0] and _member_inputs(spec, [])[1] is first[1]
    assert _member_inputs(spec, ["run.end=2001-02-01"])[0] is not first[0]  # other overrides
    again = _member_inputs(spec, [])
    st = os.stat(spec)
    os.utime(spec, ns=(st.st_atime_ns, st.st_mtime_ns + 10**9))
    assert _member_inputs(spec, [])[0] is not again[0]
    third = _member_inputs(spec, [])
    csv = third[0].folder / third[0].weather.raw("csv")
    st = os.stat(csv)
    os.utime(csv, ns=(st.st_atime_ns, st.st_mtime_ns + 10**9))
    assert _member_inputs(spec, [])[1] is not third[1]
