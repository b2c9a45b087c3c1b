"""The GB 3838 class table (hydro.classes): every parameter, place and month, with the right limits."""

import json
import math

import numpy as np
import pytest
from synthetic_quality import RESERVOIRS, SECTIONS, write_quality_results

from hydro.classes import (
    TN_RIVER_REFERENCE,
    agreement_places,
    class_table,
    class_table_of,
    classes_as_json,
    format_class_table,
)
from hydro.compensation import Agreement
from hydro.errors import HydroError
from hydro.monitoring import SectionSeries
from hydro.standards import water_class


def _series():
    # one year; river section "r" and reservoir "lake"; TP 0.1 mg/L exactly: river Class II, lake IV
    data = {"r": {"tn": np.full(12, 1.2), "tp": np.full(12, 0.1), "flow": np.full(12, 1e6)},
            "lake": {"tn": np.full(12, 1.2), "tp": np.full(12, 0.1)}}
    data["r"]["tp"][3] = np.nan  # April missing: no class, never filled
    return SectionSeries(2019, data, source="test")


def test_reservoirs_take_lake_limits_and_rivers_river_limits():
    rows = class_table(_series(), reservoirs=["lake"])
    tp = {(r.place, r.month): r for r in rows if r.parameter == "tp"}
    assert tp[("r", 1)].water_class == 2 and tp[("r", 1)].waterbody == "river"       # 0.1 <= 0.1 river II
    assert tp[("lake", 1)].water_class == 4 and tp[("lake", 1)].waterbody == "lake"  # lake: 0.05 < 0.1 <= 0.1 IV
    assert tp[("lake", 1)].kind == "reservoir" and tp[("r", 1)].kind == "section"
    # the classification is standards.water_class's, never a second copy of the limits
    assert tp[("r", 5)].water_class == water_class("tp", 0.1, "river")


def test_tn_at_a_river_is_a_labelled_reference_on_the_lake_limits():
    rows = class_table(_series(), reservoirs=["lake"])
    tn_r = next(r for r in rows if r.parameter == "tn" and r.place == "r")
    tn_l = next(r for r in rows if r.parameter == "tn" and r.place == "lake")
    # 1.2 mg/L: lake limits 1.0 < 1.2 <= 1.5, Class IV, at both; the river's only as a reference
    assert tn_r.water_class == tn_l.water_class == 4
    assert tn_r.reference and tn_r.waterbody == "lake" and tn_r.basis == TN_RIVER_REFERENCE
    assert not tn_l.reference and tn_l.basis == "GB 3838 lake/reservoir limits"
    text = format_class_table(rows)
    assert "TN*" in text and TN_RIVER_REFERENCE in text and "lake (reservoir)" in text


def test_missing_months_have_no_class_and_null_json():
    rows = class_table(_series(), reservoirs=["lake"])
    april = next(r for r in rows if r.parameter == "tp" and r.place == "r" and r.month == 4)
    assert april.water_class is None and math.isnan(april.concentration_mg_per_l)
    record = april.as_json()
    assert record["class"] is None and record["concentration_mg_per_l"] is None
    json.dumps(classes_as_json(rows), allow_nan=False)
    line = next(ln for ln in format_class_table(rows).splitlines() if ln.startswith("TP ") and " r " in ln)
    assert line.split()[2:8] == ["2019", "II", "II", "II", "-", "II"]
    assert line.endswith("-")  # no annual mean with a month missing


def test_places_parameters_and_errors():
    s = _series()
    rows = class_table(s, reservoirs=["lake"], places=["lake"], parameters=["tp"])
    assert {(r.place, r.parameter) for r in rows} == {("lake", "tp")} and len(rows) == 12
    with pytest.raises(HydroError, match=r"no section or reservoir 'laek'.*did you mean 'lake'"):
        class_table(s, places=["laek"])
    with pytest.raises(HydroError, match="no GB 3838 class limits for parameter 'cod'"):
        class_table(s, parameters=["cod"])
    # a section an agreement judges as a lake takes the lake limits
    tp = next(r for r in class_table(s, lakes=["r"]) if r.parameter == "tp" and r.place == "r")
    assert tp.waterbody == "lake" and tp.water_class == 4 and tp.kind == "section"


def test_all_four_parameters_of_a_results_file(tmp_path):
    path = write_quality_results(tmp_path / "q.nc", start="2019-01-01", end="2019-12-31")
    rows = class_table_of(path)
    assert {r.parameter for r in rows} == {"tn", "nh3n", "tp", "codmn"}
    assert {r.place for r in rows} == set(SECTIONS) | set(RESERVOIRS)
    assert len(rows) == 4 * (len(SECTIONS) + len(RESERVOIRS)) * 12
    assert {r.kind for r in rows if r.place in RESERVOIRS} == {"reservoir"}
    assert all(r.waterbody == "lake" for r in rows if r.place in RESERVOIRS)
    assert all(r.water_class in range(1, 7) for r in rows)
    # the rows' concentrations are the compensation engine's monthly means
    from hydro.monitoring import read_series

    s = read_series(path)
    r = next(r for r in rows if r.place == "gubeikou" and r.parameter == "codmn" and r.month == 7)
    assert r.concentration_mg_per_l == s.monthly("gubeikou", "codmn", 2019)[6]
    assert r.water_class == water_class("codmn", r.concentration_mg_per_l)


def test_agreement_places_and_lakes():
    from pathlib import Path

    a = Agreement.from_toml(Path(__file__).parents[1] / "configs/agreements/beijing_internal_2015.toml")
    places, lakes = agreement_places(a)
    assert places == ["guishui_outlet", "guanting", "bahaoqiao"]
    assert lakes == ["guanting"]  # the inflow section keeps its river limits


def test_results_in_memory_give_the_results_file_table(tmp_path):
    from hydro.results import load_results

    path = write_quality_results(tmp_path / "q.nc", start="2019-01-01", end="2019-12-20")
    from_file = class_table_of(path)
    in_memory = class_table_of(load_results(path))
    key = lambda r: (r.parameter, r.place, r.year, r.month)  # noqa: E731
    a, b = sorted(from_file, key=key), sorted(in_memory, key=key)
    assert [key(r) for r in a] == [key(r) for r in b]
    for x, y in zip(a, b, strict=True):
        assert x.water_class == y.water_class and x.kind == y.kind and x.waterbody == y.waterbody
        assert x.concentration_mg_per_l == pytest.approx(y.concentration_mg_per_l, rel=1e-11, nan_ok=True)
    assert {r.month for r in b} == set(range(1, 12))  # December is partial: no month mean, not in the table


def test_the_months_are_those_the_series_covers():
    # values from March 2019 to February 2020 only: the table runs March to February
    values = np.full(24, np.nan)
    values[2:14] = 0.3
    values[5] = np.nan  # June inside the span: a row without a class
    rows = class_table(SectionSeries(2019, {"r": {"nh3n": values}}, source="t"))
    assert [(r.year, r.month) for r in rows] == [(2019, m) for m in range(3, 13)] + [(2020, 1), (2020, 2)]
    assert [r.water_class for r in rows if r.month == 6] == [None]
