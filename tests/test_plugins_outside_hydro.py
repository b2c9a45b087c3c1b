"""A source kind and a measure kind registered from outside hydro/ (the documented extension points) keep
working where hydro runs them: overlapping measures, and process pools started by forkserver or spawn (a
notebook, a threaded parent). A new contributor's review, 2026-12-06; each test failed before the fix."""
from __future__ import annotations

import pytest
from plugin_tourism import TourismKind, TourismTreatment, basin_with_tourism

import hydro.batch as batch
from hydro.errors import HydroError
from hydro.scenarios import BasinInfo, ScenarioFile, compile_scenario
from hydro.scenarios.kinds import KINDS, register_measure_kind, unregister_measure_kind
from hydro.sources import register, unregister
from hydro.sources.registry import column

HEAD = ('[scenario_set]\nname = "t"\ncost_method = "spent"\nassumption = true\nnote = "test"\n')


def _measure(mid: str) -> str:
    return (f'[[measures]]\nid = "{mid}"\nkind = "tourism_treatment"\nwhere = "all"\nyears = [2001, 2002]\n'
            'removal = 0.9\n[measures.costs]\ncapital_yuan_per_unit = 10.0\noperating_yuan_per_unit_yr = 1.0\n')


@pytest.fixture()
def tourism():
    register(TourismKind)
    yield
    unregister("tourism")


def test_two_overlapping_measures_of_a_kind_added_at_run_time_compile(tourism, tmp_path):
    """Before: ``KeyError: 'tourism_treatment'`` in measures._same_kind_again, because COMPOSITION (and
    EFFECTS) are snapshots of KINDS taken at import; test_measure_kinds.py's own plug-in
    (``monkeypatch.setitem(KINDS, ...)``) never put two such measures on one subbasin."""
    register_measure_kind(TourismTreatment)
    d = basin_with_tourism(tmp_path / "ws")
    p = tmp_path / "s.toml"
    p.write_text(HEAD + _measure("a") + _measure("b") + '[[scenarios]]\nid = "s"\nmeasures = ["a", "b"]\n')
    try:
        c = compile_scenario(BasinInfo.load(d), ScenarioFile.from_toml(p), "s", [2001, 2002])
    finally:
        unregister_measure_kind("tourism_treatment")
    assert any("b: acts, as a does" in n and "the larger target holds" in n for n in c.notes), c.notes


def test_a_registered_source_kind_reaches_forkserver_workers(tourism, monkeypatch):
    """Before: the worker's registry had only the built-in kinds (``ValueError: tuple.index(x)``); a
    scenario batch or ensemble from a notebook (several threads: forkserver) then failed with
    "key 'subbasins[0].sources.tourism': unknown key ... remove or rename it"."""
    if "forkserver" not in __import__("multiprocessing").get_all_start_methods():
        pytest.skip("no forkserver here")
    monkeypatch.setattr(batch, "_start_method", lambda: "forkserver")
    outcomes = dict(batch.run_batch(column, ["tourism", "tourism"], workers=2))  # two tasks: a real pool
    assert all(o.ok for o in outcomes.values()), [o.error for o in outcomes.values()]
    assert [o.value for _, o in sorted(outcomes.items())] == [column("tourism")] * 2


def _measure_kinds_in_worker(_):
    return "tourism_treatment" in KINDS


def test_a_registered_measure_kind_reaches_spawned_workers(monkeypatch):
    """A measure kind registered in the parent is registered in a spawned worker too (hydro.plugins)."""
    register_measure_kind(TourismTreatment)
    try:
        monkeypatch.setattr(batch, "_start_method", lambda: "spawn")
        outcomes = dict(batch.run_batch(_measure_kinds_in_worker, [0, 1], workers=2))
    finally:
        unregister_measure_kind("tourism_treatment")
    assert [o.value for _, o in sorted(outcomes.items())] == [True, True], [o.error for o in outcomes.values()]


def test_a_measure_kind_is_checked_when_registered():
    """A composition outside the four (the overlap note and the second measure's cost need one), a name taken
    or a built-in kind removed are refused."""
    bad = type("Bad", (TourismTreatment,), {"composition": "replaces"})
    with pytest.raises(HydroError, match=r"composition 'replaces', expected one of \('share'"):
        register_measure_kind(bad)
    assert "tourism_treatment" not in KINDS
    with pytest.raises(HydroError, match="'sewage_connection': a kind of that name is registered already"):
        register_measure_kind(type("Again", (TourismTreatment,), {"kind": "sewage_connection"}))
    with pytest.raises(HydroError, match="built in"):
        unregister_measure_kind("sewage_connection")


def test_a_kind_a_worker_cannot_import_is_named_before_the_pool_starts(monkeypatch):
    """A kind defined in __main__ (a notebook cell) cannot reach a spawned worker: the pool's start says which
    kind and what to do, not a pickling traceback from the pool."""
    kind = type("InMain", (TourismKind,), {"name": "tourism", "key": "tourism", "__module__": "__main__"})
    register(kind)
    monkeypatch.setattr(batch, "_start_method", lambda: "forkserver")
    try:
        with pytest.raises(HydroError, match=r"source kind 'tourism' \(InMain of module __main__\) cannot be sent "
                                             r"to the worker processes.*workers=1"):
            list(batch.run_batch(column, ["tourism", "tourism"], workers=2))
    finally:
        unregister("tourism")


def test_a_kind_of_main_runs_in_forked_workers(monkeypatch):
    """A forked worker has its parent's kinds, one defined in a script's __main__ too: nothing is sent, nothing
    refused (a re-read of the diff, 2026-12-06: registered() refused it whatever the start method)."""
    if "fork" not in __import__("multiprocessing").get_all_start_methods():
        pytest.skip("no fork here")
    kind = type("InMain", (TourismKind,), {"name": "tourism", "key": "tourism", "__module__": "__main__"})
    register(kind)
    monkeypatch.setattr(batch, "_start_method", lambda: "fork")
    try:
        outcomes = dict(batch.run_batch(column, ["tourism", "tourism"], workers=2))
    finally:
        unregister("tourism")
    assert all(o.ok for o in outcomes.values()), [o.error for o in outcomes.values()]


def _runoff_models_in_worker(_):
    from hydro.runoff_registry import runoff_model_names

    return "linear_reservoir_plugin" in runoff_model_names()


def test_a_registered_runoff_model_reaches_spawned_workers(monkeypatch):
    """A runoff model registered in the parent is registered in a spawned worker too (re-read of the diff,
    2026-12-06: only source and measure kinds were sent)."""
    from plugin_tourism import LinearReservoirPlugin

    from hydro.runoff_registry import register_runoff_model, unregister_runoff_model

    register_runoff_model(LinearReservoirPlugin)
    try:
        monkeypatch.setattr(batch, "_start_method", lambda: "spawn")
        outcomes = dict(batch.run_batch(_runoff_models_in_worker, [0, 1], workers=2))
    finally:
        unregister_runoff_model("linear_reservoir_plugin")
    assert [o.value for _, o in sorted(outcomes.items())] == [True, True], [o.error for o in outcomes.values()]
