"""Treated rural sewage: where its N goes, and what the scenarios say of connecting people.

A scenario review (2026-12-05) found that a ``sewage_connection`` credits connecting people with the N
that their treated effluent no longer carries, while the source model delivers that effluent at the
scattered sewage's ``delivery_fraction`` (Miyun 0.15, Guanting 0.06): a plant's outfall delivers nearly
all of it, so with a 60 % removal connecting would add N. The basin may now give the effluent's own
``effluent_delivery_fraction``; without it the model is as before (the same floating-point products), and
the scenario says where its benefit rests on that assumption, or where connecting keeps no N out.
"""

import shutil
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

from hydro.basin import Basin
from hydro.errors import HydroError
from hydro.scenarios import BasinInfo, ScenarioFile, compile_scenario
from hydro.sources.rural_domestic import RuralDomestic, RuralDomesticSourceKind

ROOT = Path(__file__).resolve().parents[1]
WATERSHED = ROOT / "configs" / "examples" / "watershed"
YEARS = np.array([2001, 2002])


def rate(**given) -> float:
    rd = RuralDomestic(population=1000.0, per_capita_n_g_per_day=10.0, delivery_fraction=0.15, **given)
    return float(RuralDomesticSourceKind().rates(SimpleNamespace(rural_domestic=rd), YEARS, None, 1.0)
                 ["rural_domestic"][0])


def test_without_the_key_the_load_is_the_models_before_it_bit_for_bit():
    assert rate(connected_share=0.2, treatment_removal=0.5) == 1000.0 * 10.0 * 1e-3 * (1.0 - 0.2 * 0.5) * 0.15


def test_with_it_the_connected_effluent_is_delivered_at_its_own_share():
    # 10 kg/d excreted: 8 kg/d scattered at 0.15 (1.2) + 2 kg/d treated, half removed, all delivered (1.0)
    assert rate(connected_share=0.2, treatment_removal=0.5, effluent_delivery_fraction=1.0) == pytest.approx(2.2)
    # at the scattered share it is the model without the key (to round-off)
    assert rate(connected_share=0.2, treatment_removal=0.5, effluent_delivery_fraction=0.15) == pytest.approx(
        rate(connected_share=0.2, treatment_removal=0.5), rel=1e-15)


def watershed_with(tmp_path, line: str):
    folder = tmp_path / "ws"
    shutil.copytree(WATERSHED, folder)
    path = folder / "basin.toml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("treatment_removal = 0.5\n", f"treatment_removal = 0.5\n{line}\n", 1),
                    encoding="utf-8")
    return folder


def test_the_basin_file_takes_it_bounded_as_a_share(tmp_path):
    basin = Basin.load(watershed_with(tmp_path, "effluent_delivery_fraction = 1.0"))
    rd = basin.watershed.sources.subbasins[0].rural_domestic
    assert rd.effluent_delivery_fraction.at(YEARS).tolist() == [1.0, 1.0]
    with pytest.raises(HydroError, match=r"effluent_delivery_fraction"):
        Basin.load(watershed_with(tmp_path / "bad", "effluent_delivery_fraction = 1.5"))


def compile_notes(tmp_path, basin, measures: str, ids=("sewers",)) -> list[str]:
    text = ('[scenario_set]\nname = "t"\nbasin = "watershed"\nassumption = true\nnote = "test"\n' + measures
            + '\n[[scenarios]]\nid = "s"\nmeasures = [' + ", ".join(f'"{i}"' for i in ids) + "]\n")
    path = tmp_path / "s.toml"
    path.write_text(text, encoding="utf-8")
    return compile_scenario(BasinInfo.load(basin), ScenarioFile.from_toml(path), "s", [2001, 2002, 2003]).notes


def sewers(extra: str = "treatment_removal = 0.6") -> str:
    return ('\n[[measures]]\nid = "sewers"\nkind = "sewage_connection"\nwhere = { subbasins = ["w1"] }\n'
            f'years = [2002, 2002]\nconnected_share = 0.6\n{extra}\n'
            '[measures.costs]\ncapital_yuan_per_unit = 3000.0\n')


def test_a_benefit_resting_on_the_effluents_delivery_is_said(tmp_path):
    # the watershed's w1 delivers 0.3 of scattered sewage: a removal of 0.6 < 1 - 0.3 keeps N out only
    # because the effluent is delivered at 0.3 too
    notes = compile_notes(tmp_path, WATERSHED, sewers())
    assert any(n.startswith("sewers: in w1 the N it keeps out rests on the treated effluent") for n in notes), notes
    # above 1 - 0.3 it keeps N out whatever the outfall delivers: nothing to say
    notes = compile_notes(tmp_path, WATERSHED, sewers("treatment_removal = 0.8"))
    assert not any(n.startswith("sewers:") for n in notes), notes


def test_connecting_that_adds_n_is_said(tmp_path):
    basin = watershed_with(tmp_path, "effluent_delivery_fraction = 1.0")
    # (1 - 0.6) x 1.0 = 0.4 of a connected person's N reaches the river, against 0.3 scattered: more N,
    # which the note says (it said "keeps no N out" until the review of 2026-12-06)
    notes = compile_notes(tmp_path, basin, sewers())
    assert any(n.startswith("sewers: connecting people adds N in w1") for n in notes), notes
    assert not any("keeps no N out" in n for n in notes), notes
    notes = compile_notes(tmp_path, basin, sewers("treatment_removal = 0.9"))  # 0.1 < 0.3: kept out
    assert not any(n.startswith("sewers:") for n in notes), notes


def test_a_connection_without_removal_on_a_basin_without_one_keeps_no_n_out(tmp_path):
    folder = tmp_path / "ws"
    shutil.copytree(WATERSHED, folder)
    path = folder / "basin.toml"
    path.write_text(path.read_text(encoding="utf-8").replace("treatment_removal = 0.5\n", ""), encoding="utf-8")
    notes = compile_notes(tmp_path, folder, sewers(""))
    assert any(n.startswith("sewers: connecting people keeps no N out in w1") and "its cost still counts" in n
               for n in notes), notes


def test_toilets_where_people_are_connected_say_they_cut_the_effluent_too(tmp_path):
    toilets = ('\n[[measures]]\nid = "toilets"\nkind = "toilet_upgrade"\nwhere = { subbasins = ["w1"] }\n'
               'years = [2002, 2002]\ncoverage = 0.7\ndelivery_reduction = 0.3\npersons_per_household = 2.8\n'
               '[measures.costs]\ncapital_yuan_per_unit = 100.0\n')
    notes = compile_notes(tmp_path, WATERSHED, toilets, ids=("toilets",))  # w1: connected_share 0.1
    assert any(n.startswith("toilets: in w1 part of the people are connected") for n in notes), notes
    notes = compile_notes(tmp_path, watershed_with(tmp_path, "effluent_delivery_fraction = 0.9"), toilets,
                          ids=("toilets",))
    # with the effluent's own delivery the cut acts on the scattered sewage only; coverage still counts all
    (note,) = [n for n in notes if n.startswith("toilets:")]
    assert "cut the scattered sewage's delivery only" in note and "coverage counts the households of all" in note
