"""Weather ensembles: reproducible members, a member dimension, synthetic metadata."""

from datetime import date

import numpy as np
import pytest

import hydro
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


def test_member_weather_and_ensembles_take_iso_strings(ensemble):
    # member_weather(basin, "2021-01-01", ...) and run_ensemble(..., "2021-01-01") stopped on
    # AttributeError: 'str' object has no attribute 'year'; Model.run takes ISO strings
    basin = Basin.load("watershed")
    given = member_weather(basin, "2021-01-01", "2021-06-30", 41)
    assert given.precip_mm.tolist() == member_weather(basin, START, END, 41).precip_mm.tolist()
    strings = run_ensemble("watershed", 2, 40, "2021-01-01", "2021-06-30", workers=1, quiet=True)
    np.testing.assert_array_equal(strings["section_tn_concentration"], ensemble["section_tn_concentration"][:2])
    with pytest.raises(HydroError, match=r"start: .*2021-13-01"):
        member_weather(basin, "2021-13-01", "2021-06-30", 41)
    # a reversed period was generated from the end's warm-up years to the start; the basin as a name,
    # a path or a Model stopped on AttributeError ('str' object has no attribute 'folder')
    with pytest.raises(HydroError, match=r"ends \(2021-01-01\) before it starts \(2021-06-30\)"):
        member_weather(basin, "2021-06-30", "2021-01-01", 41)
    for spec in ("watershed", basin.path, hydro.Model.from_basin("watershed")):
        assert member_weather(spec, START, END, 41).precip_mm.tolist() == given.precip_mm.tolist()
    with pytest.raises(HydroError, match="member_weather: basin: expected a Basin"):
        member_weather(3, START, END, 41)
    # the results say the call that made them (they said `hydro run BASIN`, which reruns no ensemble)
    assert ensemble.attrs["history"] == (f"hydro.ensemble.run_ensemble({str(basin.path)!r}, 3, 40, '2021-01-01', "
                                         "'2021-06-30')")


def test_ensemble_file_has_a_member_dimension(ensemble, tmp_path):
    xr = pytest.importorskip("xarray")
    ensemble.to_netcdf(tmp_path / "e.nc")
    ds = xr.open_dataset(tmp_path / "e.nc")
    assert ds["section_tn_load"].dims == ("member", "time", "section")
    assert ds.attrs["weather_synthetic"] == "true" and ds.attrs["weather_seed"] == "40+member"


def test_flow_driven_basins_cannot_make_ensembles():
    with pytest.raises(HydroError, match="needs a watershed basin"):
        run_ensemble("tiny", 2, 1, quiet=True)


def test_a_worker_parses_the_basin_once_and_again_when_it_changes(tmp_path):
    """Batch members in one process share the parsed basin (variants derived in memory) and
    the fitted weather generator; an edited basin or weather file is read again (a
    long-lived Dask worker must not run stale inputs)."""
    import os
    import shutil

    from hydro.basin import ROOT
    from hydro.ensemble import weather_generator
    from hydro.model import model_variant

    folder = tmp_path / "ws"
    shutil.copytree(ROOT / "configs" / "examples" / "watershed", folder)
    spec = folder / "basin.toml"
    first = model_variant(spec)
    assert model_variant(spec) is first and model_variant(str(folder)) is first
    changed = model_variant(spec, ["run.end=2001-02-01"])
    assert changed.basin.settings.end == date(2001, 2, 1) and first.basin.settings.end != date(2001, 2, 1)
    assert changed.changes == {"run.end": date(2001, 2, 1)}
    assert model_variant(spec, ["run.end=2001-02-01"]) is changed  # derived once per process
    params = weather_generator(first.basin)
    assert weather_generator(first.basin) is params
    st = os.stat(spec)
    os.utime(spec, ns=(st.st_atime_ns, st.st_mtime_ns + 10**9))
    assert model_variant(spec) is not first
    assert model_variant(spec, ["run.end=2001-02-01"]) is not changed  # the file changed: derived again
    csv = first.basin.folder / first.basin.weather.raw("csv")
    st = os.stat(csv)
    os.utime(csv, ns=(st.st_atime_ns, st.st_mtime_ns + 10**9))
    assert weather_generator(first.basin) is not params
    with pytest.raises(HydroError, match="no-such-key"):
        model_variant(spec, ["run.no-such-key=1"])
