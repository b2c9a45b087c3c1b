"""Measures that keep no N out, or add N, say so; a measure with no effect costs nothing.

Review of 2026-12-06 (monotonicity), defects 2-5:

- ``manure_management`` without ``managed_loss_fraction`` on a basin whose managed excreta lose more than unmanaged
  ones (w1's pigs: 0.12 > 0.08) gave the newly managed the base managed loss: lake TN +0.0136 mg/L, the border
  section's +0.28 mg/L, -9,579 kg kept out, no note (docs/scenarios.md: "never more N than before");
- ``fertiliser_reduction`` with ``reduction = 0`` (``emc_reduction = 0``) and ``riparian_buffer`` with
  ``removal_efficiency = 0`` changed nothing but cost 2,536,071 and 143,719 yuan over 2001-2003, with no note
  (``wwtp_upgrade`` to a standard already met: "no effect, no cost");
- ``sewage_connection`` where (1 - r) e > d (e = 0.9, r = 0.6, d = 0.3) adds N, but its note said only "keeps no N out";
- ``afforestation`` into a class with a higher EMC (forest 0.8 -> orchard 6.0 mg/L) added N with no note.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import hydro
from hydro.scenarios import BasinInfo, ScenarioFile, compile_scenario
from hydro.scenarios.run import run_scenarios

WATERSHED = Path(hydro.__file__).resolve().parents[1] / "configs" / "examples" / "watershed"
YEARS = [2001, 2002, 2003]


def _head(cost_method="spent"):
    return f'[scenario_set]\nname = "t"\ncost_method = "{cost_method}"\ndiscount_rate = 0.08\nassumption = true\n' \
           'note = "test"\n'


def _compile(tmp_path, body, mid, overrides=()):
    p = tmp_path / "s.toml"
    p.write_text(_head() + body + f'[[scenarios]]\nid = "s"\nmeasures = ["{mid}"]\n')
    comp = compile_scenario(BasinInfo.load(WATERSHED, overrides), ScenarioFile.from_toml(p), "s", YEARS)
    return comp, [n for n in comp.notes if n.startswith(f"{mid}:")]


# --- manure_management without managed_loss_fraction (defect 2) -----------------------------------------------

MANURE = """
[[measures]]
id = "manure"
kind = "manure_management"
where = { subbasins = ["w1"] }
years = [2002, 2002]
managed_share = 0.8
assumption = true
note = "no managed_loss_fraction given: the newly managed lose the base managed loss"
[measures.costs]
capital_yuan_per_unit = 150.0
operating_yuan_per_unit_yr = 10.0
lifetime_years = 15
"""
PIG = "subbasins.w1.sources.livestock.pig."
MANURE_OVERRIDES = [PIG + "managed_share=0.1", PIG + "managed_loss_fraction=0.12"]  # loss_fraction 0.08


def test_managing_more_manure_never_adds_n(tmp_path):
    p = tmp_path / "s.toml"
    p.write_text(_head("annualised") + MANURE + '[[scenarios]]\nid = "m"\nmeasures = ["manure"]\n')
    run = run_scenarios("watershed", p, "2001-01-01", "2003-12-31", overrides=MANURE_OVERRIDES)
    base, scen = run.results[0], run.results[1]
    for var in ("reservoir_tn_concentration", "section_tn_concentration"):
        up = np.asarray(scen.data[var]) - np.asarray(base.data[var])
        assert np.nanmax(up) <= 1e-6, f"{var} rises by {np.nanmax(up):.4g} mg/L under a manure measure"
    notes = [n for c in run.compiled for n in c.notes if n.startswith("manure:")]
    assert any("keeps no N out" in n and "pig" in n for n in notes), notes


def test_default_managed_loss_is_clamped_to_the_unmanaged_loss(tmp_path):
    comp, notes = _compile(tmp_path, MANURE, "manure", MANURE_OVERRIDES)
    assert any("keeps no N out" in n and "pig" in n for n in notes), notes
    assert any(o.startswith(PIG + "managed_loss_fraction=") for o in comp.overrides), comp.overrides


def test_default_managed_loss_below_the_unmanaged_is_left_alone(tmp_path):
    comp, notes = _compile(tmp_path, MANURE, "manure", [PIG + "managed_loss_fraction=0.02"])
    assert not any("keeps no N out" in n for n in notes), notes
    assert not any(o.startswith(PIG + "managed_loss_fraction=") for o in comp.overrides), comp.overrides


# --- zero-strength fertiliser programme and buffer (defect 3) -------------------------------------------------

ZERO = {
    "fertiliser": """
[[measures]]
id = "m"
kind = "fertiliser_reduction"
where = "all"
years = [2002, 2002]
reduction = 0.0
emc_reduction = 0.0
[measures.costs]
operating_yuan_per_unit_yr = 600.0
""",
    "fertiliser_no_emc": """
[[measures]]
id = "m"
kind = "fertiliser_reduction"
where = "all"
years = [2002, 2002]
reduction = 0.0
[measures.costs]
operating_yuan_per_unit_yr = 600.0
""",
    "buffer": """
[[measures]]
id = "m"
kind = "riparian_buffer"
where = "all"
years = [2002, 2002]
removal_efficiency = 0.0
treated_share = 0.5
area_ha_per_km2 = 2.0
[measures.costs]
capital_yuan_per_unit = 45000.0
operating_yuan_per_unit_yr = 1500.0
lifetime_years = 25
""",
}


@pytest.mark.parametrize("kind", sorted(ZERO))
def test_a_measure_that_changes_nothing_costs_nothing_and_says_so(tmp_path, kind):
    comp, notes = _compile(tmp_path, ZERO[kind], "m")
    assert comp.cost().sum() == 0, comp.cost().sum()
    assert any("no effect, no cost" in n for n in notes), comp.notes


@pytest.mark.parametrize("body", [ZERO["fertiliser"].replace("emc_reduction = 0.0", "emc_reduction = 0.1"),
                                  ZERO["buffer"].replace("removal_efficiency = 0.0", "removal_efficiency = 0.3")])
def test_a_measure_with_an_effect_is_still_charged(tmp_path, body):
    comp, notes = _compile(tmp_path, body, "m")
    assert comp.cost().sum() > 0
    assert not any("no effect, no cost" in n for n in notes), notes


# --- a sewage connection that adds N (defect 4) ---------------------------------------------------------------

SEWERS = """
[[measures]]
id = "sewers"
kind = "sewage_connection"
where = { subbasins = ["w1", "w2"] }
years = [2002, 2002]
connected_share = 0.8
treatment_removal = 0.6
assumption = true
note = "x"
[measures.costs]
capital_yuan_per_unit = 100.0
operating_yuan_per_unit_yr = 10.0
lifetime_years = 20
"""


def _outfall(e):
    return [f"subbasins.{s}.sources.rural_domestic.effluent_delivery_fraction={e}" for s in ("w1", "w2")]


def test_a_connection_that_adds_n_says_it_adds_n(tmp_path):
    p = tmp_path / "s.toml"
    p.write_text(_head("annualised") + SEWERS + '[[scenarios]]\nid = "s"\nmeasures = ["sewers"]\n')
    run = run_scenarios("watershed", p, "2001-01-01", "2003-12-31", overrides=_outfall(0.9))
    base, scen = run.results[0], run.results[1]
    var = "section_tn_concentration"
    up = np.nanmax(np.asarray(scen.data[var]) - np.asarray(base.data[var]))
    assert up > 0.1  # the premise: the measure raises TN at the border section
    notes = [n for c in run.compiled for n in c.notes if n.startswith("sewers:")]
    assert any("adds N" in n and "w1, w2" in n for n in notes), notes
    assert not any("keeps no N out" in n for n in notes), notes


def test_a_connection_that_keeps_exactly_nothing_out_does_not_say_it_adds(tmp_path):
    # (1 - 0.5) x 0.6 = 0.3 = delivery_fraction (exactly): no N kept out, none added
    body = SEWERS.replace("treatment_removal = 0.6", "treatment_removal = 0.5")
    _, notes = _compile(tmp_path, body, "sewers", _outfall(0.6))
    assert any("keeps no N out" in n for n in notes), notes
    assert not any("adds N" in n for n in notes), notes


# --- a land conversion into a dirtier class (defect 5) --------------------------------------------------------

ORCHARD = """
[[measures]]
id = "orchard"
kind = "afforestation"
where = { subbasins = ["w1"] }
years = [2002, 2002]
from_class = "forest"
to_class = "orchard"
converted_share = 0.15
to_emc_mg_per_l = 6.0
[measures.costs]
capital_yuan_per_unit = 150.0
"""


def test_a_conversion_to_a_dirtier_new_class_says_so(tmp_path):
    comp, notes = _compile(tmp_path, ORCHARD, "orchard")
    assert any("adds N" in n and "w1 (0.8 -> 6 mg/L)" in n for n in notes), comp.notes


def test_a_conversion_to_a_dirtier_existing_class_says_so(tmp_path):
    body = ORCHARD.replace('to_class = "orchard"', 'to_class = "cropland"').replace("to_emc_mg_per_l = 6.0\n", "")
    comp, notes = _compile(tmp_path, body, "orchard")
    assert any("adds N" in n and "cropland" in n and "w1" in n for n in notes), comp.notes


def test_a_conversion_to_a_cleaner_class_says_nothing_of_it(tmp_path):
    body = ORCHARD.replace('from_class = "forest"', 'from_class = "cropland"') \
        .replace('to_class = "orchard"', 'to_class = "forest"').replace("to_emc_mg_per_l = 6.0\n", "")
    _, notes = _compile(tmp_path, body, "orchard")
    assert not any("adds N" in n for n in notes), notes


def test_a_conversion_to_a_class_of_the_same_emc_does_not_say_it_adds_n(tmp_path):
    body = ORCHARD.replace("to_emc_mg_per_l = 6.0", "to_emc_mg_per_l = 0.8")  # forest's own EMC in w1
    _, notes = _compile(tmp_path, body, "orchard")
    assert not any("adds N" in n for n in notes), notes


def test_a_managed_loss_equal_to_the_unmanaged_loss_keeps_nothing_out_and_says_so(tmp_path):
    body = MANURE.replace("managed_share = 0.8\n", "managed_share = 0.8\nmanaged_loss_fraction = 0.08\n")
    _, notes = _compile(tmp_path, body, "manure", MANURE_OVERRIDES)  # w1 pig loss_fraction 0.08
    assert any("managed_loss_fraction 0.08 is not below the loss_fraction" in n for n in notes), notes


# --- a fertiliser programme on land with no fertiliser (review of 2026-12-06, carried) ------------------------

FOREST = """
[[measures]]
id = "f"
kind = "fertiliser_reduction"
where = "all"
years = [2002, 2002]
reduction = 0.3
classes = ["forest", "cropland"]
[measures.costs]
operating_yuan_per_unit_yr = 600.0
"""


def _cost(tmp_path, body):
    comp, notes = _compile(tmp_path, body, "f")
    return float(comp.cost().sum()), notes


def test_a_fertiliser_programme_is_paid_only_where_there_is_fertiliser(tmp_path):
    # forest has no fertiliser in the example: the programme on forest and cropland costs what cropland alone does
    both, notes = _cost(tmp_path, FOREST)
    crop, crop_notes = _cost(tmp_path, FOREST.replace('"forest", ', ""))
    forest_only, _ = _cost(tmp_path, FOREST.replace('"forest", "cropland"', '"forest"'))
    assert crop > 0 and both == pytest.approx(crop, rel=1e-12), (both, crop)  # same hectares, same price
    assert forest_only == 0.0
    assert any("forest has no fertiliser to cut in w1, w2, e1, e2, m1, shore" in n and "no cost" in n
               for n in notes), notes
    # t1's cropland has no fertiliser rate either (it was paid for before)
    assert any("cropland has no fertiliser to cut in t1" in n for n in crop_notes), crop_notes


def test_an_emc_cut_on_unfertilised_land_is_still_paid(tmp_path):
    # forest has an EMC (0.7-0.8 mg/L): an EMC cut there changes it, so its hectares are under the programme
    body = FOREST.replace('"forest", "cropland"', '"forest"').replace("reduction = 0.3",
                                                                      "reduction = 0.3\nemc_reduction = 0.1")
    cost, notes = _cost(tmp_path, body)
    assert cost > 0 and not any("no fertiliser" in n for n in notes), notes


def test_converting_to_a_more_fertilised_class_says_so(tmp_path):
    # forest (no fertiliser) to cropland (180-250 kg N/ha/yr in the example) adds soil surplus; the reverse does not
    body = """
[[measures]]
id = "c"
kind = "afforestation"
where = { subbasins = ["w1"] }
years = [2002, 2002]
from_class = "FROM"
to_class = "TO"
fraction_of_class = 0.1
[measures.costs]
capital_yuan_per_unit = 100.0
lifetime_years = 20
"""
    _, notes = _compile(tmp_path, body.replace("FROM", "forest").replace("TO", "cropland"), "c")
    # w1's cropland: { 2001 = 220.0, 2010 = 180.0 }, 215.556 kg N/ha/yr in 2002 (a table of years interpolates)
    assert any("spreads more fertiliser in 1 subbasin(s): w1 (0 -> 215.556 kg N/ha/yr)" in n for n in notes), notes
    _, back = _compile(tmp_path, body.replace("FROM", "cropland").replace("TO", "forest"), "c")
    assert not any("more fertiliser" in n for n in back), back
