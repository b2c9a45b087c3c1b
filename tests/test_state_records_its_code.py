"""A saved state records the code that saved it, and a run continuing it under other code says so (a
backward-compatibility review, 2026-12-06: a state of two days before continued under that day's model without a
word, section TN 0.17 % and groundwater N 0.28 % off today's own state); a state saved before states recorded
their parameter changes is refused rather than read as having none."""

from __future__ import annotations

import json

import numpy as np
import pytest
from click.testing import CliRunner

import hydro.provenance
from hydro.cli import main
from hydro.provenance import code_record


def invoke(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def _meta(path) -> dict:
    with np.load(path, allow_pickle=False) as z:
        return json.loads(bytes(z["meta_json"]).decode("utf-8"))


@pytest.fixture(scope="module")
def january(tmp_path_factory):
    d = tmp_path_factory.mktemp("code")
    result = invoke("run", "watershed", "--end", "2001-01-31", "-o", d / "jan.nc", "--save-state", d / "jan.npz", "-q")
    assert result.exit_code == 0, result.output
    return d


def test_a_saved_state_records_the_code_and_a_run_of_the_same_code_says_nothing_of_it(january):
    meta = _meta(january / "jan.npz")
    assert {k: meta[k] for k in ("hydro_version", "source_revision")} == code_record()
    result = invoke("run", "watershed", "--end", "2001-02-28", "--from-state", january / "jan.npz",
                    "-o", january / "feb.nc", "-q")
    assert result.exit_code == 0, result.output
    import netCDF4

    with netCDF4.Dataset(january / "feb.nc") as nc:
        assert "saved by" not in nc.getncattr("initial_state")
    assert "saved by: hydro " in invoke("info", january / "jan.npz").output


def test_a_state_of_other_code_is_named_in_the_continued_run(january, monkeypatch, tmp_path):
    monkeypatch.setattr(hydro.provenance, "code_record",
                        lambda: {"hydro_version": "0.0.9", "source_revision": "git 0123abc"})
    result = invoke("run", "watershed", "--end", "2001-01-31", "-o", tmp_path / "jan.nc",
                    "--save-state", tmp_path / "old.npz", "-q")
    assert result.exit_code == 0, result.output
    monkeypatch.undo()
    result = invoke("run", "watershed", "--end", "2001-02-28", "--from-state", tmp_path / "old.npz",
                    "-o", tmp_path / "feb.nc", "-q")
    assert result.exit_code == 0, result.output
    import netCDF4

    with netCDF4.Dataset(tmp_path / "feb.nc") as nc:
        assert "saved by hydro 0.0.9 at git 0123abc, not this run's code" in nc.getncattr("initial_state")


def test_a_state_without_its_parameter_record_is_refused(january, tmp_path):
    """A state of before the record (2026-12-06) was read as saved with no changes: a run repeating the
    --set it was saved with was refused as 'saved with the parameter changes none'."""
    from hydro.state_fit import check_state_parameters

    meta = {k: v for k, v in _meta(january / "jan.npz").items() if k != "parameters"}
    with pytest.raises(hydro.HydroError, match=r"saved before states recorded their parameter changes .*save the "
                                               r"state again"):
        check_state_parameters("old.npz", meta, [])
