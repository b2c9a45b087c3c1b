"""A loaded basin is read-only to the bottom (hydro/frozen.py), and still a plain dataclass to copy.

An edit in place of one of a model's basin's dicts changed every later run while the results'
provenance named the file's values (researcher's review, 2026-12-05: ``initial`` was made read-only
then, with a mapping proxy that ``dataclasses.asdict`` could not copy; the other dicts stayed open).
"""

from __future__ import annotations

import copy
import dataclasses
import json
import pickle

import pytest

import hydro
from hydro.frozen import READ_ONLY, FrozenDict, FrozenList, frozen


@pytest.fixture(scope="module")
def basin():
    """Miyun: the shipped basin with counties, a [quality] table, point grades and transfers."""
    b = hydro.Model.from_basin("miyun").basin
    assert b.counties and b.quality["table"] and b.transfer_tables  # (what the edits below try)
    return b


@pytest.mark.parametrize("edit", [
    lambda b: b.initial.river.__setitem__("tn", 50.0),
    lambda b: b.initial.reservoirs.update({"x": {}}),
    lambda b: b.counties.pop(next(iter(b.counties))),
    lambda b: b.quality["point_grades"].update(x="db11_890_b"),
    lambda b: b.quality.setdefault("table", None),
    lambda b: b.output.__setitem__("variables", ["tn"]),
    lambda b: b.subbasin_tables.append(None),
    lambda b: b.transfer_tables.append(None),
])
def test_every_container_of_a_loaded_basin_refuses_an_edit(basin, edit):
    before = pickle.dumps(basin)
    with pytest.raises(TypeError):
        edit(basin)
    assert pickle.dumps(basin) == before


def test_the_refusal_says_how_to_change_a_value(basin):
    with pytest.raises(TypeError, match="with_parameters"):
        basin.initial.river["tn"] = 50.0


def test_asdict_pickle_deepcopy_and_replace_work(basin):
    as_dict = dataclasses.asdict(basin)  # (a mapping proxy failed: "cannot pickle 'mappingproxy' object")
    assert as_dict["initial"]["river"] == dict(basin.initial.river)
    assert as_dict["counties"] == basin.counties
    assert pickle.loads(pickle.dumps(basin)).initial == basin.initial
    deep = copy.deepcopy(basin)
    assert isinstance(deep.counties, FrozenDict) and deep.counties == basin.counties
    assert dataclasses.replace(basin, name="x").quality == basin.quality


def test_a_frozen_dict_is_a_dict_to_readers():
    d = frozen({"a": {"b": [1, 2]}, "c": 1.5})
    assert d == {"a": {"b": [1, 2]}, "c": 1.5} and isinstance(d, dict) and isinstance(d["a"]["b"], list)
    assert json.loads(json.dumps(d)) == {"a": {"b": [1, 2]}, "c": 1.5}
    assert type(copy.copy(d)) is FrozenDict and type(pickle.loads(pickle.dumps(d))["a"]) is FrozenDict
    assert type(copy.deepcopy(d)["a"]["b"]) is FrozenList
    assert d | {"e": 2} == {"a": {"b": [1, 2]}, "c": 1.5, "e": 2}  # (a new plain dict: reading is free)
    assert d["a"]["b"] + [3] == [1, 2, 3]  # (a new plain list)
    with pytest.raises(TypeError, match=READ_ONLY[:20]):
        d |= {"e": 2}
    for edit in (lambda x: x.append(3), lambda x: x.__setitem__(0, 9), lambda x: x.sort(), lambda x: x.__iadd__([3])):
        with pytest.raises(TypeError, match=READ_ONLY[:20]):
            edit(d["a"]["b"])
    assert d["a"]["b"] == [1, 2]


def test_a_model_run_is_unchanged_by_an_attempted_edit():
    """The edit is refused before it lands, so the next run is the file's."""
    model = hydro.Model.from_basin("tiny")
    first = model.run(apportion=False)
    with pytest.raises(TypeError):
        model.basin.initial.river["tn"] = 50.0
    again = model.run(apportion=False)
    name = next(v for v in first.data_vars if first[v].dims and first[v].dtype.kind == "f")
    assert (first[name].values == again[name].values).all()


def test_thawed_gives_an_editable_copy_and_leaves_the_frozen_one():
    """A scenario's sources without its measures edit a copy of a subbasin's frozen table (CI of 2026-12-05:
    copy.deepcopy kept it frozen, and every scenario with measures failed)."""
    from hydro.frozen import thawed

    d = frozen({"a": {"b": [1, 2]}})
    t = thawed(d)
    t["a"]["b"].append(3)
    t["a"]["c"] = 1
    assert type(t) is dict and type(t["a"]["b"]) is list and d == {"a": {"b": [1, 2]}}


def test_a_made_frozen_container_cannot_be_refilled_by_calling_init_again():
    """Diff review of 2026-12-05 (F8): ``d.__init__({...})`` changed a frozen dict in place."""
    d = frozen({"a": [1]})
    with pytest.raises(TypeError, match=READ_ONLY[:20]):
        d.__init__({"x": 1})
    with pytest.raises(TypeError, match=READ_ONLY[:20]):
        d["a"].__init__([9])
    assert d == {"a": [1]}
    assert pickle.loads(pickle.dumps(d)) == d and copy.deepcopy(d) == d and dataclasses.replace(
        hydro.Model.from_basin("tiny").basin, name="x").name == "x"
