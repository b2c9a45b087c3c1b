"""A run continued from the state another run saved (``--save-state`` / ``--from-state``; forecaster review,
2026-12-06: each month's run spun the model up from the basin's start again). A month run from the state of
the run before equals, to the bit, the month spun up the same way; a state is refused where it does not fit
the run; values given for the start still win; a state file holds no pickle."""

from __future__ import annotations

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
    import shutil
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
