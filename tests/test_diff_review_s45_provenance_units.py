"""Unit tests of hydro.provenance (passes on s45).

test_an_initial_storage_from_the_params_file_is_named: kills mutant M25 (sets_initial_state reduced to
``key == "run.start"``): the docs (docs/results.md) say a --params file's initial storage is named in
``initial_state``, but the shipped test only sets run.start.
test_the_seed_cell_is_empty_for_station_weather: kills mutant M26 (provenance_cells' seed taken whatever
``weather_synthetic`` says).
test_an_assignment_inside_another_rule_is_not_flagged: kills mutant M27 (overridden_by's "key of no one
rule" branch dropped / widened).
"""

from __future__ import annotations

import json

from hydro.provenance import FILE_STATE, overridden_by, params_attributes, provenance_cells


def test_an_initial_storage_from_the_params_file_is_named(tmp_path):
    params = tmp_path / "best_params.toml"
    params.write_text("x = 1\n")
    given = ["reservoirs.miyun.initial_storage_mcm=1100", "runoff.x1=300"]
    out = params_attributes(params, given, f"{FILE_STATE} 2000-01-01")
    assert json.loads(out["params_overrides"]) == given
    assert out["initial_state"] == ("the basin file's initial state with the --params file's "
                                    "reservoirs.miyun.initial_storage_mcm=1100, given for that [run] start 2000-01-01")


def test_parameters_alone_leave_initial_state_alone(tmp_path):
    params = tmp_path / "best_params.toml"
    params.write_text("x = 1\n")
    assert "initial_state" not in params_attributes(params, ["runoff.x1=300"], f"{FILE_STATE} 2000-01-01")


def _record(synthetic: str):
    return {"input": {"path": "/r.nc", "sha256": "aa", "config_sha256": "cc", "weather_synthetic": synthetic,
                      "weather_seed": "7"},
            "agreement": {"path": "/a.toml", "sha256": "bb"}, "overrides": ["quality_class[0].bonus_yuan=1"],
            "hydro_version": "0.1.0", "source_revision": ""}


def test_the_seed_cell_is_empty_for_station_weather():
    assert provenance_cells("", _record("false"))[4] == ""
    assert provenance_cells("", _record("true"))[4] == "7"


def test_an_assignment_inside_another_rule_is_not_flagged():
    sets = ["quality_class[0].bonus_yuan=1", "period=[2013, 2017]"]
    assert overridden_by("quality_class[1]", sets) == ["period=[2013, 2017]"]
    assert overridden_by("quality_class[0]", sets) == sets
    assert overridden_by("", sets) == ["period=[2013, 2017]"]
