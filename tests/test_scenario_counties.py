"""Selecting subbasins by county where a subbasin lies across a county border (review 2026-12-04).

Guanting labels such subbasins with every county they lie in ("Zhuolu, Huailai"): ``counties = ["Huailai"]``
silently left out two of the four subbasins in Huailai (1,567 km2), and ``["Zhuolu"]`` was refused as an
unknown county although the basin names it.
"""

from __future__ import annotations

import pytest

from hydro.errors import HydroError
from hydro.scenarios.basin_tables import BasinInfo
from hydro.scenarios.fields import county_parts, in_counties
from hydro.scenarios.incentives import party_of_subbasins
from hydro.scenarios.measures import select_subbasins
from hydro.scenarios.spec import Where


def test_a_label_names_its_counties_and_keeps_bracketed_districts_whole():
    assert county_parts("Zhuolu, Huailai") == ["Zhuolu", "Huailai"]
    # the bracket's commas name districts, not counties; the name is taken without it (a county named
    # with and without a bracket is one: tests/test_scenario_counties_review.py)
    assert county_parts("Datong city (Pingcheng, Yungang)") == ["Datong city"]
    assert in_counties("Xiahuayuan, Huailai", ("Huailai",)) and not in_counties("Xuanhua", ("Huailai",))


@pytest.mark.parametrize("county", ["Huailai", "Yangyuan", "Zhuolu", "Wanquan"])
def test_every_subbasin_in_a_county_is_selected(county):
    info = BasinInfo.load("guanting")
    expected = [i for i, s in enumerate(info.subbasins) if county in county_parts(s["county"])]
    assert expected  # the basin names the county
    assert select_subbasins(info, Where(counties=(county,)), "x.toml", "measures[0].where") == expected
    # and costs go to the party of that county alike
    labels = info.attr("county")
    owners = party_of_subbasins({"p": Where(counties=(county,))}, info.ids, labels, info.attr("province"),
                                [""] * len(labels))
    assert [i for i, o in enumerate(owners) if o == "p"] == expected


def test_an_unknown_county_is_still_refused():
    info = BasinInfo.load("guanting")
    with pytest.raises(HydroError, match=r"unknown county 'Huailay'.*did you mean 'Huailai'"):
        select_subbasins(info, Where(counties=("Huailay",)), "x.toml", "measures[0].where")


def test_a_measure_on_part_of_a_subbasins_counties_says_it_acts_on_all_of_it(tmp_path):
    from hydro.scenarios import compile_scenario
    from hydro.scenarios.spec import ScenarioFile

    path = tmp_path / "s.toml"
    path.write_text('[scenario_set]\nname = "t"\nbasin = "guanting"\nassumption = true\nnote = "test"\n'
                    '[[measures]]\nid = "toilets_huailai"\nkind = "toilet_upgrade"\n'
                    'where = { counties = ["Huailai"] }\nyears = [2015, 2015]\ncoverage = 0.5\n'
                    'delivery_reduction = 0.3\npersons_per_household = 2.8\n'
                    '[measures.costs]\ncapital_yuan_per_unit = 1.0\n'
                    '[[scenarios]]\nid = "s"\nmeasures = ["toilets_huailai"]\n', encoding="utf-8")
    comp = compile_scenario(BasinInfo.load("guanting"), ScenarioFile.from_toml(path), "s", [2015])
    spans = [n for n in comp.notes if "the measure acts on all of it" in n]
    assert any("spans Zhuolu, Huailai" in n and "Zhuolu lies outside" in n for n in spans), comp.notes


def test_two_programmes_of_one_kind_on_the_same_subbasins_are_noted(tmp_path):
    # a province-wide toilet programme and a second one on the same villages paid for 120 % of the
    # households, without a word (review 2026-12-04)
    from hydro.basin import ROOT
    from hydro.scenarios import compile_scenario
    from hydro.scenarios.spec import ScenarioFile

    text = (ROOT / "configs" / "scenarios" / "watershed.toml").read_text(encoding="utf-8")
    second = ('\n[[measures]]\nid = "toilets2"\nkind = "toilet_upgrade"\n'
              'where = { provinces = ["Upstream province"] }\n'
              'years = [2002, 2003]\ncoverage = 0.6\ndelivery_reduction = 0.3\npersons_per_household = 3.0\n'
              'assumption = true\nnote = "second programme"\n[measures.costs]\ncapital_yuan_per_unit = 3000.0\n'
              '\n[[scenarios]]\nid = "twice"\nmeasures = ["toilets", "toilets2"]\n')
    path = tmp_path / "twice.toml"
    path.write_text(text + second, encoding="utf-8")
    info, sfile = BasinInfo.load("watershed"), ScenarioFile.from_toml(path)
    notes = compile_scenario(info, sfile, "twice", list(range(2001, 2005))).notes
    assert any(n.startswith("toilets2: acts, as toilets does, as a toilet_upgrade on w1") and "120 %" in n
               for n in notes), notes
    assert not [n for n in compile_scenario(info, sfile, "domestic", list(range(2001, 2005))).notes
                if "acts, as" in n]
