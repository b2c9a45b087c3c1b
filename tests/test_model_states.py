"""Saved states from the Python API (forecaster review, 2026-12-06: only ``hydro run`` could save or continue
one): ``Model.run(from_state=, save_state=)`` reads and writes the files of ``hydro run --from-state/--save-state``,
so that either continues the other's to the bit, refuses what the command refuses, and records the
parameter changes the same way (``700`` and ``700.0`` one value)."""

from __future__ import annotations

import numpy as np
import pytest
from click.testing import CliRunner

import hydro
from hydro.cli import main
from hydro.errors import HydroError
from hydro.state_fit import parameters_of

JUNE = ("2001-06-01", "2001-06-30")


def invoke(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


@pytest.fixture(scope="module")
def saved(tmp_path_factory):
    """May's end state saved by the command and by the API, and June spun up by the command (its file)."""
    d = tmp_path_factory.mktemp("api_states")
    r = invoke("run", "watershed", "--end", "2001-05-31", "-o", d / "may.nc", "--save-state", d / "cli.npz", "-q")
    assert r.exit_code == 0, r.output
    hydro.Model.from_basin("watershed").run(None, "2001-05-31", save_state=d / "api.npz")
    r = invoke("run", "watershed", "--start", JUNE[0], "--end", JUNE[1], "-o", d / "spun.nc", "-q")
    assert r.exit_code == 0, r.output
    return d


def _differ(a, b) -> list[str]:
    assert set(a.data_vars) == set(b.data_vars)
    return [v for v in a.data_vars if not np.array_equal(a[v].values, b[v].values, equal_nan=True)]


@pytest.fixture(scope="module")
def spun_june():
    """June spun up from the basin's start, in memory (a file stores the source variables as float32)."""
    return hydro.Model.from_basin("watershed").run(*JUNE)


@pytest.mark.parametrize("state", ["cli.npz", "api.npz"])
def test_the_api_continues_either_state_to_the_spun_up_month_to_the_bit(saved, spun_june, state):
    ds = hydro.Model.from_basin("watershed").run(*JUNE, from_state=saved / state)
    assert _differ(ds, spun_june) == []
    assert ds.attrs["initial_state"] == f"continued from the state in {saved / state} (of 2001-06-01)"
    assert f"from_state={str(saved / state)!r}" in ds.attrs["history"]


def test_the_command_continues_the_api_s_state(saved):
    r = invoke("run", "watershed", "--start", JUNE[0], "--end", JUNE[1], "-o", saved / "from_api.nc", "-q",
               "--from-state", saved / "api.npz")
    assert r.exit_code == 0, r.output
    import xarray as xr

    with xr.open_dataset(saved / "from_api.nc") as ds, xr.open_dataset(saved / "spun.nc") as spun:
        assert _differ(ds, spun) == []


def test_an_existing_state_is_kept_without_overwrite_and_replaced_with_it(saved, tmp_path):
    model = hydro.Model.from_basin("watershed")
    target = tmp_path / "s.npz"
    target.write_bytes((saved / "api.npz").read_bytes())
    with pytest.raises(HydroError, match="overwrite=True"):
        model.run(*JUNE, from_state=saved / "api.npz", save_state=target)
    model.run(*JUNE, from_state=saved / "api.npz", save_state=target, overwrite=True)
    july = model.run("2001-07-01", "2001-07-03", from_state=target)  # June's end: it was replaced
    assert july.attrs["initial_state"].endswith("(of 2001-07-01)")
    other = tmp_path / "notes.txt"
    other.write_text("mine\n")
    with pytest.raises(HydroError, match="not a hydro state file"):
        model.run(*JUNE, from_state=saved / "api.npz", save_state=other, overwrite=True)
    assert other.read_text() == "mine\n"


def test_a_state_of_other_parameters_is_refused_and_the_same_ones_fit(saved, tmp_path):
    base = hydro.Model.from_basin("watershed")
    with pytest.raises(HydroError, match=r"runoff\.x1_mm"):
        base.with_parameters({"runoff.x1_mm": 600}).run(*JUNE, from_state=saved / "api.npz")
    r = invoke("run", "watershed", "--end", "2001-05-31", "-o", tmp_path / "m.nc", "-q", "--set", "runoff.x1_mm=600",
               "--save-state", tmp_path / "x1.npz")
    assert r.exit_code == 0, r.output
    # the command's text 600 and the API's 600.0 are one value
    ds = base.with_parameters({"runoff.x1_mm": 600.0}).run(*JUNE, from_state=tmp_path / "x1.npz")
    assert ds.attrs["initial_state"].startswith("continued from the state")


def test_states_need_a_watershed_basin_on_its_own_weather(saved):
    with pytest.raises(HydroError, match="flow-driven"):
        hydro.Model.from_basin("tiny").run(from_state=saved / "api.npz")
    from datetime import date

    from hydro.ensemble import member_weather

    model = hydro.Model.from_basin("watershed")
    weather = member_weather(model.basin, date(2001, 6, 1), date(2001, 6, 30), 1)
    with pytest.raises(HydroError, match="leave out weather="):
        model.run(*JUNE, weather=weather, from_state=saved / "api.npz")
    with pytest.raises(HydroError, match=r"this basin's cannot \(flow-driven"):  # a state is a block's end
        model.with_parameters({"run.flow_driven": True}).run(*JUNE, from_state=saved / "api.npz")
    r = invoke("run", "watershed", *("--start", JUNE[0], "--end", JUNE[1]), "--set", "run.flow_driven=true", "-q",
               "--from-state", saved / "api.npz", "-o", saved / "fd.nc")
    assert r.exit_code == 2 and "--from-state and --save-state continue a run that can be cut" in r.output, r.output
    with pytest.raises(HydroError, match="expected a file path"):
        hydro.Model.from_basin("watershed").run(*JUNE, from_state=3)


@pytest.mark.parametrize(("changes", "record"), [
    ({"runoff.x1_mm": 700}, ["runoff.x1_mm=700.0"]),
    (["runoff.x1_mm=700.0"], ["runoff.x1_mm=700.0"]),
    (["b=1", "a=true", "b=2"], ["a=true", "b=2.0"]),  # sorted, the last of a key given twice
    (["initial.tn_mg_l=1.0", "reservoirs.r.initial_storage_mcm=5", "c=[1, 2]"], ["c=[1.0, 2.0]"]),
    ({"name": "text"}, ['name="text"']),
])
def test_parameters_are_recorded_alike_from_text_and_from_values(changes, record):
    assert parameters_of(changes) == record
