"""A county named with a bracket in one subbasin's label and without it in another's is one county to
a measure and a party (the engineer's review of 2026-12-04: Guanting labels Yunzhou "Yunzhou (Datong
county)" and "Yunzhou, Yanggao", and ``counties = ["Yunzhou"]`` took one of its two subbasins)."""

from __future__ import annotations

import pytest

from hydro.basin import ROOT, resolve_basin
from hydro.errors import HydroError
from hydro.scenarios.fields import Where, county_parts, in_counties
from hydro.scenarios.measures import BasinInfo, select_subbasins


@pytest.fixture(scope="module")
def guanting():
    return BasinInfo.load(resolve_basin("guanting"))


def _selected(info, *counties):
    ids = [s["id"] for s in info.subbasins]
    return [ids[i] for i in select_subbasins(info, Where(counties=counties), "s.toml", "measures[0]")]


def test_a_county_is_one_name_with_or_without_its_bracket():
    assert county_parts("Yunzhou (Datong county)") == ["Yunzhou"]
    assert county_parts("Datong city (Pingcheng, Yungang)") == ["Datong city"]
    assert county_parts("Zhuolu, Huailai") == ["Zhuolu", "Huailai"]
    assert in_counties("Yunzhou (Datong county)", ["Yunzhou"]) and in_counties("Yunzhou, Yanggao", ["Yunzhou"])
    assert in_counties("Datong city (Pingcheng, Yungang)", ["Datong city (Pingcheng, Yungang)"])  # whole, as before


def test_guanting_counties_named_two_ways_select_all_their_subbasins(guanting):
    labels = dict(zip((s["id"] for s in guanting.subbasins), guanting.attr("county"), strict=True))
    assert (labels["sg07"], labels["sg08"]) == ("Yunzhou (Datong county)", "Yunzhou, Yanggao")
    assert _selected(guanting, "Yunzhou") == ["sg07", "sg08"]
    assert _selected(guanting, "Shuozhou") == ["sg01", "sg02"]
    assert _selected(guanting, "Datong city") == _selected(guanting, "Datong city (Pingcheng, Yungang)") == ["sg06"]


def test_an_unknown_county_lists_each_county_once(guanting):
    with pytest.raises(HydroError) as info:
        _selected(guanting, "Zhangjiakou")
    listed = str(info.value).split("the basin has: ")[1].split("; ")
    assert len(listed) == len(set(listed)) and "Yunzhou" in listed and "Qiaodong" in listed
    assert not any("(" in name or "," in name for name in listed)


def test_a_plant_target_beyond_raw_sewage_is_refused_as_a_unit_slip(tmp_path):
    """15000 for 15 mg/L (written in ug/L) ran as 'already at or below 15000 mg/L: nothing upgraded'."""
    from hydro.scenarios.spec import ScenarioFile

    text = (ROOT / "configs" / "scenarios" / "watershed.toml").read_text(encoding="utf-8")
    assert "tn_mg_per_l = 10.0" in text
    path = tmp_path / "s.toml"
    path.write_text(text.replace("tn_mg_per_l = 10.0", "tn_mg_per_l = 15000.0"), encoding="utf-8")
    with pytest.raises(HydroError, match=r"tn_mg_per_l': 15000 mg/L is above untreated sewage's TN .* a unit slip"):
        ScenarioFile.from_toml(path)


def test_the_incentives_table_says_n_kept_out_is_the_scenarios_on_every_party_row():
    """The engineer added the column up over three parties' rows and tripled the N kept out."""
    from hydro.scenarios.incentives import format_incentives

    row = {"scenario": "s", "year": 2014, "received_yuan": 1.0, "received_change_yuan": 0.0,
           "measure_cost_yuan": 0.0, "net_gain_yuan": 1.0, "n_kept_out_kg": 500.0}
    two = format_incentives([{**row, "party": "beijing"}, {**row, "party": "hebei"}])
    assert "the same on each party's row (not to be added up over parties)" in two
    assert "not to be added up" not in format_incentives([{**row, "party": "hebei"}])


WWTP_FILE = """[scenario_set]
name = "test"
basin = "guanting"
cost_method = "annualised"
discount_rate = { value = 0.08, source = "test" }

[[measures]]
id = "zjk_1a"
kind = "wwtp_upgrade"
where = { subbasins = ["yg08"] }
plants = ["Zhangjiakou city WWTPs"]
years = [2014, 2014]
tn_mg_per_l = TARGET
assumption = true
note = "test"
[measures.costs]
capital_yuan_per_unit = 1200.0
operating_yuan_per_unit_yr = 100.0
lifetime_years = 20

[[scenarios]]
id = "up"
measures = ["zjk_1a"]
"""


@pytest.mark.parametrize(("target", "noted"), [(15.0, True), (10.0, False)])
def test_a_plant_upgrade_the_baseline_overtakes_is_noted(tmp_path, guanting, target, noted):
    """Zhangjiakou's plants move to 15 mg/L in the baseline itself in 2016 (their own schedule): a 1A
    upgrade from 2014 only brings that forward, and from 2016 changes nothing while its annuity runs on,
    which nothing said (the engineer's review of 2026-12-04); a 10 mg/L target stays ahead of it."""
    from hydro.scenarios.measures import compile_scenario
    from hydro.scenarios.spec import ScenarioFile

    path = tmp_path / "s.toml"
    path.write_text(WWTP_FILE.replace("TARGET", str(target)), encoding="utf-8")
    notes = compile_scenario(guanting, ScenarioFile.from_toml(path), "up", range(2013, 2018)).notes
    said = "zjk_1a: Zhangjiakou city WWTPs reaches 15 mg/L TN in the baseline itself from 2016"
    assert any(said in n for n in notes) == noted, notes
