"""Review of s49 (hydro/gep_inputs.py subbasin_metadata, the branch for results without the subbasin
attributes): the reservoir's county is read by ``Basin.load(info.path)``.  Mutant returning no locations
there survived the shipped tests."""
from __future__ import annotations

import copy
import shutil
from datetime import date

import pytest

from hydro.basin import ROOT, Basin
from hydro.gep import gep
from hydro.simulation import run

DROP = ("subbasin_area_km2", "subbasin_drains_to", "reservoir_county", "reservoir_province",
        "reservoir_county_water_share")


@pytest.fixture(scope="module")
def case(tmp_path_factory):
    folder = tmp_path_factory.mktemp("gep") / "ws"
    shutil.copytree(ROOT / "configs" / "examples" / "watershed", folder)
    path = folder / "basin.toml"
    text = path.read_text(encoding="utf-8")
    old = 'id = "lake"\n'
    assert old in text
    path.write_text(text.replace(old, old + 'county = "Lake district"\n', 1), encoding="utf-8")
    res = run(Basin.load(folder), start=date(2001, 1, 1), end=date(2001, 12, 31))
    older = copy.copy(res)
    older.attrs = {k: v for k, v in res.attrs.items() if k not in DROP}
    return folder, older


def test_results_without_attributes_take_the_reservoir_county_from_the_basin(case):
    folder, older = case
    rows = gep(older, basin=folder / "basin.toml")
    own = [r for r in rows if r["subbasin"] == "" and "reservoir lake" in r["note"]]
    assert own and {r["county"] for r in own} == {"Lake district"}

