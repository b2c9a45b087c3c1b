"""A run continued from the state another run saved (``--save-state`` / ``--from-state``; forecaster review,
2026-12-06: each month's run spun the model up from the basin's start again). A month run from the state of
the run before equals, to the bit, the month spun up the same way; a state is refused where it does not fit
the run; values given for the start still win; a state file holds no pickle."""

from __future__ import annotations

import json
import shutil

import numpy as np
import pytest
from click.testing import CliRunner

from hydro.cli import main


def invoke(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def _same(a, b) -> list[str]:
    import xarray as xr

    with xr.open_dataset(a) as x, xr.open_dataset(b) as y:
        assert set(x.data_vars) == set(y.data_vars)
        return [v for v in x.data_vars if not np.array_equal(x[v].values, y[v].values, equal_nan=True)]


@pytest.fixture(scope="module")
def may(tmp_path_factory):
    d = tmp_path_factory.mktemp("states")
    result = invoke("run", "watershed", "--end", "2001-05-31", "-o", d / "may.nc", "--save-state", d / "may.npz", "-q")
    assert result.exit_code == 0, result.output
    return d


def test_a_month_from_the_saved_state_is_the_spun_up_month_to_the_bit(may):
    june = ("run", "watershed", "--start", "2001-06-01", "--end", "2001-06-30", "-q")
    assert invoke(*june, "-o", may / "from.nc", "--from-state", may / "may.npz").exit_code == 0
    assert invoke(*june, "-o", may / "spun.nc").exit_code == 0
    assert _same(may / "from.nc", may / "spun.nc") == []
    import xarray as xr

    with xr.open_dataset(may / "from.nc") as ds:
        assert ds.attrs["initial_state"] == f"continued from the state in {may / 'may.npz'} (of 2001-06-01)"


def test_the_states_of_two_months_chain(may):
    # June saves its end: July from it equals July spun up
    june = ("run", "watershed", "--start", "2001-06-01", "--end", "2001-06-30", "-q", "--from-state", may / "may.npz")
    assert invoke(*june, "-o", may / "j.nc", "--save-state", may / "june.npz").exit_code == 0
    july = ("run", "watershed", "--start", "2001-07-01", "--end", "2001-07-31", "-q")
    assert invoke(*july, "-o", may / "jf.nc", "--from-state", may / "june.npz").exit_code == 0
    assert invoke(*july, "-o", may / "js.nc").exit_code == 0
    # the chained run spun up in two blocks (to May, June), the plain one in one: equal to round-off
    import xarray as xr

    with xr.open_dataset(may / "jf.nc") as a, xr.open_dataset(may / "js.nc") as b:
        np.testing.assert_allclose(a["tn_concentration"].values, b["tn_concentration"].values, rtol=1e-12)


def test_a_storage_given_with_set_wins_over_the_state(may):
    from hydro.basin import Basin

    rid = Basin.load("watershed").network.reservoirs[0].id
    args = ("run", "watershed", "--start", "2001-06-01", "--end", "2001-06-03", "-q", "--from-state", may / "may.npz")
    assert invoke(*args, "-o", may / "g.nc", "--set", f"reservoirs.{rid}.initial_storage_mcm=60").exit_code == 0
    import xarray as xr

    with xr.open_dataset(may / "g.nc") as ds:  # within a day's balance of the 60 mcm given
        assert abs(float(ds["reservoir_storage"].values[0, 0]) / 1e6 - 60.0) < 1.0


def test_a_state_of_another_day_is_refused(may):
    result = invoke("run", "watershed", "--start", "2001-07-01", "--end", "2001-07-02", "-o", may / "x.nc", "-q",
                    "--from-state", may / "may.npz")
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert "it is the state of 2001-06-01, the run starts on 2001-07-01: start the run the day after" in result.output


def test_a_state_of_a_changed_basin_file_is_refused(tmp_path):
    from pathlib import Path

    folder = tmp_path / "ws"
    shutil.copytree(Path(__file__).resolve().parents[1] / "configs" / "examples" / "watershed", folder)
    assert invoke("run", folder, "--end", "2001-05-31", "-o", tmp_path / "a.nc", "-q",
                  "--save-state", tmp_path / "s.npz").exit_code == 0
    basin = folder / "basin.toml"
    text = basin.read_text(encoding="utf-8")
    basin.write_text(text.replace("tn_mg_per_l = 1.5", "tn_mg_per_l = 1.6", 1), encoding="utf-8")
    result = invoke("run", folder, "--start", "2001-06-01", "--end", "2001-06-02", "-o", tmp_path / "b.nc", "-q",
                    "--from-state", tmp_path / "s.npz")
    assert result.exit_code == 2 and "the basin file (or a file it names) changed since it was saved" in result.output


def test_a_file_that_is_not_a_state_is_refused(may, tmp_path):
    (tmp_path / "x.npz").write_text("not a state", encoding="utf-8")
    for path in (tmp_path / "x.npz", may / "may.nc", tmp_path / "none.npz"):
        result = invoke("run", "watershed", "--start", "2001-06-01", "--end", "2001-06-02", "-o", tmp_path / "o.nc",
                        "-q", "--from-state", path)
        assert result.exit_code == 2 and ("not a hydro state file" in result.output
                                          or "file not found" in result.output), result.output


def test_an_existing_state_file_needs_overwrite_and_no_pickle_is_read(may, tmp_path):
    result = invoke("run", "watershed", "--end", "2001-01-31", "-o", tmp_path / "a.nc", "-q",
                    "--save-state", may / "may.npz")
    assert result.exit_code == 2 and "--overwrite" in result.output and not (tmp_path / "a.nc").exists()
    with np.load(may / "may.npz", allow_pickle=False) as npz:  # every entry reads without pickle
        assert all(npz[k].dtype != object for k in npz.files)


def test_state_files_are_refused_with_generated_weather_and_ensembles(may, tmp_path):
    for extra in (("--synthetic-weather", "3"), ("--members", "2")):
        result = invoke("run", "watershed", "--start", "2001-06-01", "--end", "2001-06-02", "-o", tmp_path / "o.nc",
                        "-q", "--from-state", may / "may.npz", *extra)
        assert result.exit_code == 2 and "--from-state" in result.output, result.output


def test_hydro_info_describes_a_state_file(may, tmp_path):
    result = invoke("info", may / "may.npz")
    assert result.exit_code == 0, result.output
    text = " ".join(result.output.split())  # (lines wrapped at 100 characters)
    assert f"continue with --start 2001-06-01 --from-state {may / 'may.npz'}" in text
    assert "constituents carried: tn" in result.output and "parameters: none" in result.output
    (tmp_path / "bad.npz").write_text("x", encoding="utf-8")
    bad = invoke("info", tmp_path / "bad.npz")
    assert bad.exit_code == 2 and "not a hydro state file" in bad.output


# -- A review that tried to break the feature (2026-12-06): each test below failed on a03157c, the commit that added
# the options, and holds since: a state never replaces an input or a file not a state; catchments refuse the
# options; a state of other parameters is refused; --set values for the start are recorded; -o and the state are
# different files; a run that fails writing its results leaves no state; a malformed state or another basin's is
# refused naming it.
JUNE = ("--start", "2001-06-01", "--end", "2001-06-30", "-q")


def test_f1_save_state_never_replaces_the_basin_file(tmp_path):
    """F1: --save-state BASIN.toml --overwrite replaced the basin file with an npz (exit 0)."""
    from hydro.basin import Basin

    folder = tmp_path / "ws"
    shutil.copytree(Basin.load("watershed").path.parent, folder)
    before = (folder / "basin.toml").read_bytes()
    r = invoke("run", folder, "--end", "2001-01-31", "-o", tmp_path / "o.nc",
               "--save-state", folder / "basin.toml", "--overwrite", "-q")
    assert (folder / "basin.toml").read_bytes() == before
    assert r.exit_code == 2


def test_f2_catchment_file_refuses_state_options(tmp_path):
    """F2: a catchment TOML ignored --from-state (even a missing file) and --save-state, exit 0."""
    import datetime
    import math

    lines = ["date,precip_mm,tmean_c,tmin_c,tmax_c"]
    d0 = datetime.date(2010, 1, 1)
    for i in range(400):
        t = 10 * math.sin(i / 58)
        lines.append(f"{d0 + datetime.timedelta(i)},{(i % 7 == 0) * 5.0},{t},{t - 4},{t + 4}")
    (tmp_path / "forcing.csv").write_text("\n".join(lines) + "\n")
    (tmp_path / "c.toml").write_text(
        'area_km2 = 120.0\nlatitude_deg = 40.5\nforcing = "forcing.csv"\n'
        "[gr4j]\nx1_mm = 420.0\nx2_mm_per_day = -0.6\nx3_mm = 85.0\nx4_days = 1.9\n"
        "[initial]\nproduction_fraction = 0.4\nrouting_fraction = 0.6\n")
    r = invoke("run", tmp_path / "c.toml", "--start", "2010-03-01", "-o", tmp_path / "o.nc",
               "--from-state", tmp_path / "missing.npz", "-q")
    assert r.exit_code == 2, r.output
    r = invoke("run", tmp_path / "c.toml", "-o", tmp_path / "o2.nc", "--save-state", tmp_path / "s.npz", "-q")
    assert r.exit_code == 2 or (tmp_path / "s.npz").exists(), r.output


def test_f3_state_of_other_parameters_is_refused_or_said(may):
    """F3: a state saved with --set runoff.x1_mm=600 continued with the file's x1 (450): silently accepted,
    the file saying only 'continued from the state in ...'."""
    d = may
    r = invoke("run", "watershed", "--end", "2001-05-31", "-o", d / "p.nc", "--save-state", d / "p.npz", "-q",
               "--set", "runoff.x1_mm=600")
    assert r.exit_code == 0, r.output
    r = invoke("run", "watershed", *JUNE, "-o", d / "p_june.nc", "--from-state", d / "p.npz")
    if r.exit_code == 0:
        import xarray as xr

        with xr.open_dataset(d / "p_june.nc") as ds:
            assert "x1_mm" in ds.attrs["initial_state"], ds.attrs["initial_state"]
    else:
        assert r.exit_code == 2 and "x1_mm" in r.output, r.output


def test_f4_from_state_initial_state_names_set_values(may):
    """F4: with --from-state, a storage given with --set is not named in initial_state (the spun-up run's is)."""
    import xarray as xr

    from hydro.basin import Basin

    rid = Basin.load("watershed").network.reservoirs[0].id
    r = invoke("run", "watershed", *JUNE, "-o", may / "g4.nc", "--from-state", may / "may.npz",
               "--set", f"reservoirs.{rid}.initial_storage_mcm=60")
    assert r.exit_code == 0, r.output
    with xr.open_dataset(may / "g4.nc") as ds:
        assert "initial_storage_mcm" in ds.attrs["initial_state"], ds.attrs["initial_state"]


def test_f5_save_state_on_the_output_path_is_refused_before_the_run(may, tmp_path):
    """F5: -o X.nc --save-state X.nc ran the whole month, wrote the state to X.nc and then failed on the
    netCDF (exit 2): the results lost, a state file named .nc left."""
    out = tmp_path / "same.nc"
    r = invoke("run", "watershed", *JUNE, "-o", out, "--from-state", may / "may.npz", "--save-state", out)
    assert r.exit_code == 2
    assert not out.exists(), "the run went ahead and left the state under the -o name"


def test_f6_a_run_that_fails_writing_its_results_leaves_no_state(may, tmp_path, monkeypatch):
    """F6: the state is written (on_end, inside the block loop) before the netCDF is committed: a run that
    fails or is interrupted after that leaves a state whose results were never written."""
    from hydro import netcdf
    from hydro.errors import HydroError

    def fail(self, attrs):
        raise HydroError("disk full (simulated)")

    monkeypatch.setattr(netcdf.BlockWriter, "set_attrs", fail)
    r = invoke("run", "watershed", *JUNE, "-o", tmp_path / "f.nc", "--from-state", may / "may.npz",
               "--save-state", tmp_path / "f.npz")
    assert r.exit_code != 0
    assert not (tmp_path / "f.nc").exists()
    assert not (tmp_path / "f.npz").exists(), "a state was left for results that were never written"


def test_f7_malformed_state_is_a_hydro_error_not_a_traceback(may, tmp_path):
    """F7: a state file of the right format whose state is not a BlockState crashed (AttributeError)."""
    z = dict(np.load(may / "may.npz"))
    meta = json.loads(bytes(z["meta_json"]).decode())
    meta["state"] = 5
    z["meta_json"] = np.frombuffer(json.dumps(meta).encode(), dtype=np.uint8)
    np.savez(tmp_path / "bad.npz", **z)
    r = invoke("run", "watershed", *JUNE, "-o", tmp_path / "b.nc", "--from-state", tmp_path / "bad.npz")
    assert r.exit_code == 2, (r.exit_code, repr(r.exception))


def test_f8_another_basins_state_names_the_basin(may, tmp_path):
    """F8: a state of basin 'watershed' given to miyun is refused as 'the basin file ... changed' (and
    'other transferred water'), not as the state of another basin."""
    r = invoke("run", "miyun", "--start", "2001-06-01", "--end", "2001-06-30", "-q", "-o", tmp_path / "m.nc",
               "--from-state", may / "may.npz")
    assert r.exit_code == 2
    assert "watershed" in r.output and "changed since" not in r.output, r.output
