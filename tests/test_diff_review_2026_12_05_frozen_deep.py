"""Review of ca5c3ad..s43: a loaded basin is said to be "read-only to the bottom" (hydro/frozen.py,
Basin.__post_init__), yet the ``Table`` objects it holds (``subbasin_tables``, ``withdrawal_tables``,
``transfer_tables``, ``weather``, ``runoff``) keep a plain, editable ``.data`` dict; scenario runs read
``basin.subbasin_tables`` again (hydro/scenarios/run.py: SourceParameters.from_subbasin_tables) and the
ensemble reads ``basin.weather.raw('csv')``.  Also pins FrozenDict's refusals that no test exercised
(clear, popitem, del) and the tuple of withdrawal tables (mutants FR1, FR2, FR3, FR4 survived)."""

from __future__ import annotations

import pytest

import hydro
from hydro.frozen import FrozenDict, frozen


@pytest.fixture(scope="module")
def basin():
    return hydro.Model.from_basin("miyun").basin


# -- defect: Table.data is open ---------------------------------------------------------------------------
def test_a_subbasin_tables_data_refuses_an_edit(basin):
    rd = basin.subbasin_tables[0].data["sources"]["rural_domestic"]
    with pytest.raises(TypeError, match="with_parameters"):
        rd["population"] = 1


def test_the_weather_tables_data_refuses_an_edit(basin):
    with pytest.raises(TypeError, match="with_parameters"):
        basin.weather.data["csv"] = "elsewhere.csv"


# -- mutant killers -----------------------------------------------------------------------------------------
def test_withdrawal_tables_are_frozen_even_when_empty(basin):
    from hydro.frozen import FrozenList

    assert isinstance(basin.withdrawal_tables, FrozenList)
    assert isinstance(basin.transfer_tables, FrozenList) and isinstance(basin.subbasin_tables, FrozenList)


@pytest.mark.parametrize("edit", [
    lambda d: d.clear(),
    lambda d: d.popitem(),
    lambda d: d.__delitem__("a"),
    lambda d: d.pop("a"),
])
def test_every_changing_method_of_a_frozen_dict_is_refused(edit):
    d = frozen({"a": 1, "b": 2})
    with pytest.raises(TypeError):
        edit(d)
    assert d == {"a": 1, "b": 2}


def test_frozen_descends_into_tuples():
    d = frozen(({"a": [1]},))
    assert isinstance(d[0], FrozenDict) and d[0]["a"] == [1]
    with pytest.raises(TypeError):
        d[0]["a"].append(2)
