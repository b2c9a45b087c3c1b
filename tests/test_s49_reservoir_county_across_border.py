"""Review of s49 (hydro/reservoir_location.py known_counties): without a [[counties]] registry a reservoir's
county may be any county a subbasin's label names, including one part of a label across a border
("Zhuolu, Huailai" names Huailai).  Mutant dropping ``county_parts`` survived the shipped tests."""
from __future__ import annotations

from hydro.network_tables import read_reservoir
from hydro.reservoir_location import known_counties
from hydro.tomlio import Table


def _sub(county, province):
    return Table({"id": "s", "county": county, "province": province}, "basin.toml", "subbasins[0]")


def test_a_part_of_a_label_across_a_border_is_a_known_county():
    labels = [_sub("Zhuolu, Huailai", "Hebei"), _sub("Datong city (Pingcheng, Yungang)", "Shanxi")]
    known, where = known_counties({}, labels)
    assert "Huailai" in known and "Zhuolu" in known and "Datong city" in known
    assert known["Huailai"][1] == "Hebei"
    t = Table({"id": "lake", "level_m": [100.0, 110.0, 120.0], "area_km2": [1.0, 5.0, 9.0],
               "storage_mcm": [0.0, 30.0, 100.0], "full_supply_level_m": 118.0, "dead_storage_mcm": 2.0,
               "initial_storage_mcm": 40.0, "target_release_m3_s": 5.0, "county": "Huailai"},
              "basin.toml", "reservoirs[0]")
    r = read_reservoir(t, known, where)
    assert r.county == ("Huailai",) and r.province == ("Hebei",)
