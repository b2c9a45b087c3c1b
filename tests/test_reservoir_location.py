"""A reservoir's county (``[[reservoirs]] county``): read and checked, carried in the results, and the place
GEP credits the reservoir's purification to (production locality), not the subbasins draining into it."""

from __future__ import annotations

import copy
from dataclasses import replace

import numpy as np
import pytest
from cli_invoke import invoke

from hydro.errors import HydroError
from hydro.gep import gep
from hydro.gep_inputs import reservoir_locations
from hydro.gep_tables import by_county
from hydro.network_tables import read_reservoir
from hydro.reservoir_location import location_attributes
from hydro.results import load_results
from hydro.tomlio import Table

REGISTRY = {"Miyun": ("Miyun", "Beijing"), "Xinglong": ("Xinglong", "Hebei")}


def _read(counties=None, **keys):
    data = {"id": "lake", "level_m": [100.0, 110.0, 120.0], "area_km2": [1.0, 5.0, 9.0],
            "storage_mcm": [0.0, 30.0, 100.0], "full_supply_level_m": 118.0, "dead_storage_mcm": 2.0,
            "initial_storage_mcm": 40.0, "target_release_m3_s": 5.0, **keys}
    return read_reservoir(Table(data, "basin.toml", "reservoirs[0]"), counties)


def test_one_county_or_several_with_their_shares():
    plain = _read()
    assert (plain.county, plain.province, plain.county_water_share) == ((), (), ())
    one = _read(county="Miyun", province="Beijing")
    assert (one.county, one.province, one.county_water_share) == (("Miyun",), ("Beijing",), (1.0,))
    two = _read(county=["Huailai", "Yanqing"], province=["Hebei", "Beijing"], county_water_share=[0.8, 0.2])
    assert two.county == ("Huailai", "Yanqing") and two.county_water_share == (0.8, 0.2)


def test_the_registry_gives_provinces_and_refuses_what_it_does_not_hold():
    assert _read(REGISTRY, county="Miyun").province == ("Beijing",)
    with pytest.raises(HydroError, match=r"reservoirs\[0\].county.*unknown county 'Miyn'.*Miyun"):
        _read(REGISTRY, county="Miyn")
    with pytest.raises(HydroError, match="'Hebei' but county 'Miyun' is in Beijing"):
        _read(REGISTRY, county="Miyun", province="Hebei")


@pytest.mark.parametrize(("keys", "message"), [
    ({"province": "Beijing"}, "a province without a county"),
    ({"county_water_share": [1.0]}, "shares without counties"),
    ({"county": ["A", "B"]}, "missing; the water surface lies in 2 counties"),
    ({"county": ["A", "B"], "county_water_share": [0.8, 0.3]}, r"sum to 1\.1; expected shares above 0"),
    ({"county": ["A", "B"], "county_water_share": [1.0, 0.0]}, "expected shares above 0"),
    ({"county": ["A", "B"], "county_water_share": [80, 20]}, "not a percentage"),
    ({"county": ["A", "B"], "county_water_share": [0.5]}, "expected 2 values"),
    ({"county": "A", "county_water_share": [1.0]}, "one county holds the whole water surface"),
    ({"county": ["A", "A"], "county_water_share": [0.5, 0.5]}, "a county named twice"),
    ({"county": ["A", "B"], "province": ["X"], "county_water_share": [0.5, 0.5]}, "1 provinces for 2 counties"),
    ({"county": "A|B"}, "without any of"),
    ({"county": " "}, "not empty"),
    ({"county": 3}, "expected a name or a list of names"),
])
def test_inconsistent_locations_are_refused(keys, message):
    with pytest.raises(HydroError, match=message):
        _read(**keys)


def test_the_attributes_give_back_the_locations():
    res = (_read(county="Miyun", province="Beijing"),
           _read(county=["Huailai", "Yanqing"], province=["Hebei", "Beijing"], county_water_share=[2 / 3, 1 / 3]),
           _read())
    res = tuple(replace(r, id=i) for r, i in zip(res, ("a", "b", "c"), strict=True))
    got = reservoir_locations(location_attributes(res))
    assert got == {"a": [("Miyun", "Beijing", 1.0)], "b": [("Huailai", "Hebei", 2 / 3), ("Yanqing", "Beijing", 1 / 3)]}
    assert location_attributes(res[2:]) == {}


@pytest.fixture(scope="module")
def miyun(tmp_path_factory):
    out = tmp_path_factory.mktemp("loc") / "miyun.nc"
    assert invoke("run", "miyun", "--end", "2000-12-31", "-o", str(out), "-q").exit_code == 0
    return load_results(out)


def _purified(rows, **match):
    return sum(r["purified_kg"] for r in rows if all(r[k] == v for k, v in match.items()))


def test_miyun_reservoir_is_credited_to_miyun_district_not_to_xinglong(miyun):
    """Miyun reservoir lies in Miyun district (SOURCES 'Where the reservoirs lie'); before 2026-12-06 its
    purification went by area to the two subbasins draining into it, Xinglong (Hebei) among them."""
    assert miyun.attrs["reservoir_county"] == "yunzhou=Chicheng;baihebao=Yanqing;miyun=Miyun"
    rows = gep(miyun)
    xinglong = [r for r in rows if r["subbasin"] == "anda_xinglong"]
    assert xinglong and all(r["removed_reservoir_kg"] == 0.0 for r in xinglong)
    own = [r for r in rows if r["subbasin"] == "" and "reservoir miyun" in r["note"]]
    assert {(r["county"], r["province"]) for r in own} == {("Miyun", "Beijing")}
    assert _purified(own, pollutant="tn") > 0
    counties = {r["county"]: r for r in by_county(rows) if r["pollutant"] == "tn"}
    assert counties["Xinglong"]["removed_reservoir_kg"] == 0.0
    budget = np.asarray(miyun["tn_budget_reservoir"])  # [year, reservoir, budget term]
    lake = budget[0, list(miyun.coords["reservoir"]).index("miyun"), list(miyun.coords["budget_term"]).index("removal")]
    assert counties["Miyun"]["removed_reservoir_kg"] == pytest.approx(lake, rel=1e-12)  # the whole lake's, no more


def test_the_credit_moves_and_the_totals_stay(miyun):
    """Without the attributes (files written before 2026-12-05) the lakes' counties come from the basin the
    results name (a backward-compatibility review, 2026-12-06); where it cannot be read, the older rule holds:
    by area to the subbasins draining in; either way every kg and yuan is counted once (sums equal to
    round-off)."""
    located = gep(miyun)
    older = copy.copy(miyun)
    older.attrs = {k: v for k, v in miyun.attrs.items() if not k.startswith("reservoir_county")
                   and k != "reservoir_province"}
    assert gep(older) == located  # the shipped basin it names gives the counties
    older.attrs["basin"] = "a basin no longer at hand"
    by_area = gep(older)
    assert _purified(by_area, subbasin="", pollutant="tn") == 0.0  # no element rows: each lake has subbasins
    assert sum(r["removed_reservoir_kg"] for r in by_area if r["subbasin"] == "anda_xinglong") > 0
    for col in ("removed_reservoir_kg", "purified_kg", "water_purification_yuan", "gep_yuan"):
        for p in ("tn", "nh3n", "tp", "codmn"):
            a = sum(r[col] for r in located if r["pollutant"] == p)
            b = sum(r[col] for r in by_area if r["pollutant"] == p)
            assert a == pytest.approx(b, rel=1e-12, abs=1e-9)  # the same numbers added in another order


def test_a_lake_across_a_border_is_split_by_its_water_surface(miyun):
    """Two counties (as Guanting: four fifths in Huailai, one fifth in Yanqing) share the credit by
    their parts of the water surface, each on a row of its own that says which part."""
    split = copy.copy(miyun)
    split.attrs = {**miyun.attrs, "reservoir_county": "miyun=Miyun|Xinglong",
                   "reservoir_province": "miyun=Beijing|Hebei", "reservoir_county_water_share": "miyun=0.75|0.25"}
    rows = [r for r in gep(split) if r["subbasin"] == "" and "reservoir miyun" in r["note"] and r["pollutant"] == "tn"]
    miyun_part = np.array([r["removed_reservoir_kg"] for r in rows if r["county"] == "Miyun"])
    xinglong_part = np.array([r["removed_reservoir_kg"] for r in rows if r["county"] == "Xinglong"])
    assert miyun_part.sum() > 0 and np.allclose(xinglong_part, miyun_part / 3, rtol=1e-12)
    assert all("(0.25 of its water surface)" in r["note"] for r in rows if r["county"] == "Xinglong")
