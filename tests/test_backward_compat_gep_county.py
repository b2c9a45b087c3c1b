"""Backward compatibility (review 2026-12-06): a results file written before 171bc3d (2026-12-05) carries the
subbasin attributes (subbasin_area_km2, subbasin_drains_to, subbasin_county ...) but no reservoir_county /
reservoir_province / reservoir_county_water_share.  hydro gep took every subbasin attribute from the file
and found no reservoir location, so a reservoir's purification was silently credited by area to the subbasins
draining into it (the pre-171bc3d method: Miyun's Xinglong got 6.4 M of 2015's 47.5 M yuan), even where the
basin file (shipped, or given with --basin) names the reservoir's county.  Expected: the location is taken from
the basin where the file lacks it (hydro.gep_inputs._basin_locations); failed before."""
from __future__ import annotations

import copy
import shutil
from datetime import date

import pytest

from hydro.basin import ROOT, Basin
from hydro.gep import gep
from hydro.simulation import run

# only the attributes 171bc3d added; the subbasin attributes stay, as in a file of 2026-12-03/04
DROP = ("reservoir_county", "reservoir_province", "reservoir_county_water_share")


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
    assert "subbasin_area_km2" in res.attrs and "reservoir_county" in res.attrs
    older = copy.copy(res)
    older.attrs = {k: v for k, v in res.attrs.items() if k not in DROP}
    return folder, res, older


def _own(rows):
    return [r for r in rows if r["subbasin"] == "" and "reservoir lake" in r["note"]]


def test_new_file_credits_the_lake_county(case):
    folder, res, _ = case
    own = _own(gep(res, basin=folder / "basin.toml"))
    assert own and {r["county"] for r in own} == {"Lake district"}


def test_older_file_with_basin_given_credits_the_lake_county(case):
    """The basin given (--basin) names the reservoir's county; the older file has subbasin attributes only."""
    folder, _, older = case
    own = _own(gep(older, basin=folder / "basin.toml"))
    assert own and {r["county"] for r in own} == {"Lake district"}
