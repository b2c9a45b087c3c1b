"""``Model.parameter`` of a per-subbasin value the subbasin does not set says what it inherits and
how to set it (the researcher's review of 2026-12-04: "no parameter", suggesting ``area_km2``, while
``with_parameters`` takes the path and sets it for that subbasin alone)."""

from __future__ import annotations

import pytest

import hydro
from hydro.errors import HydroError


def test_an_inherited_runoff_parameter_names_the_basin_value_and_with_parameters_sets_it_alone():
    m = hydro.Model.from_basin("miyun")
    basin_x1 = m.parameter("runoff.x1_mm")
    with pytest.raises(HydroError, match=(r"subbasin 'chao_huangqi' does not set 'runoff.x1_mm' itself: it takes "
                                          rf"the basin's, parameter 'runoff.x1_mm' = {basin_x1.value:g} mm; "
                                          r"with_parameters\(\{'subbasins.chao_huangqi.runoff.x1_mm': value\}\)")):
        m.parameter("subbasins.chao_huangqi.runoff.x1_mm")
    changed = m.with_parameters({"subbasins.chao_huangqi.runoff.x1_mm": 500.0})
    assert changed.parameter("subbasins.chao_huangqi.runoff.x1_mm").value == 500.0
    runoff = {s.id: s.runoff.x1_mm for s in changed.basin.watershed.subbasins}
    assert runoff["chao_huangqi"] == 500.0 and runoff["chao_zhangbaiwan"] == basin_x1.value
    with pytest.raises(HydroError, match=r"no parameter 'subbasins\.nosuch\.runoff\.x1_mm'"):
        m.parameter("subbasins.nosuch.runoff.x1_mm")


def test_other_basin_wide_paths_under_a_subbasin_are_not_said_to_be_settable():
    """Only a runoff parameter has a per-subbasin override: ``subbasins.ID.run.courant`` is no parameter
    (with_parameters refuses it as an unknown key), not 'inherited'."""
    m = hydro.Model.from_basin("miyun")
    with pytest.raises(HydroError) as info:
        m.parameter("subbasins.chao_huangqi.run.courant")
    assert "no parameter 'subbasins.chao_huangqi.run.courant'" in str(info.value)
    assert "sets it for this subbasin alone" not in str(info.value)
