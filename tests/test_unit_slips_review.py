"""A source rate typed in the wrong unit, and a year key missing a digit, are refused by name
(found in review, 2026-12-04: fertiliser 220,000 kg/ha for 220, per-capita N 8,000 g/day,
deposition 40,000 kg/ha/yr ran with exit 0 to TN of thousands of mg/L; a reach of 20,000 km
ran; ``{ 201 = 220.0, 2010 = 180.0 }`` was read as a line from the year 201).  A livestock farm's
outfall (1,000-3,000 mg/L) stays inside the effluent's bound."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import hydro
from hydro.errors import HydroError

ROOT = Path(__file__).resolve().parents[1]
W1 = "subbasins.w1.sources."


@pytest.mark.parametrize(("path", "slip", "said"), [
    (W1 + "land_use.cropland.fertiliser_kg_per_ha_yr.2001", 220000.0, "more than any land receives"),
    (W1 + "land_use.cropland.uptake_kg_per_ha_yr", 150000.0, "a unit slip"),
    (W1 + "deposition.rate_kg_per_ha_yr", 40000.0, "a unit slip"),
    (W1 + "rural_domestic.per_capita_n_g_per_day", 8000.0, "10-12 g N a day"),
    (W1 + "land_use.village.emc_mg_per_l", 8000.0, "more than any land.s runoff holds"),
    ("subbasins.w2.sources.point.West town WWTP.tn_mg_per_l.2001", 40000.0, "ug/L given as mg/L"),
])
def test_a_rate_beyond_what_is_physical_is_refused_by_name(path, slip, said):
    model = hydro.Model.from_basin("watershed")
    with pytest.raises(HydroError, match=said) as caught:
        model.with_parameters({path: slip})
    assert path.rsplit(".", 1)[-1] in str(caught.value)


@pytest.mark.parametrize("path", [W1 + "land_use.cropland.fertiliser_kg_per_ha_yr.2001",
                                  W1 + "rural_domestic.per_capita_n_g_per_day"])
def test_the_shipped_and_published_values_stay_inside(path):
    # the bounds sit far above real values: the heaviest fertiliser (about 2,000 kg N/ha), 12 g N a day
    model = hydro.Model.from_basin("watershed")
    model.with_parameters({path: 2000.0 if "fertiliser" in path else 12.0})


def test_a_year_key_missing_a_digit_is_refused(tmp_path):
    basin = tmp_path / "watershed"
    shutil.copytree(ROOT / "configs/examples/watershed", basin)
    text = (basin / "basin.toml").read_text()
    old = "fertiliser_kg_per_ha_yr = { 2001 = 220.0, 2010 = 180.0 }"
    assert old in text
    (basin / "basin.toml").write_text(text.replace(old, old.replace("2001", "201"), 1))
    with pytest.raises(HydroError, match=r"fertiliser_kg_per_ha_yr\.201': year 201 is outside 1900\.\.2100"):
        hydro.open_basin(basin)


def test_a_reach_longer_than_any_river_is_refused():
    with pytest.raises(HydroError, match=r"length_km.*<= 7000"):
        hydro.Model.from_basin("tiny").with_parameters({"reaches.north_upper.length_km": 20000.0})
