"""A water-authority engineer's plan-period batches (review, issue 13/14).

What the review found by running the plan-period files: a measure whose years fall after the run
changed nothing and said nothing; a scenario whose measures state no cost printed "cost per kg kept
out 0.0 yuan/kg" as if the measures were free; a party naming a province the basin lacks silently
left its costs "unassigned"; the text table gave the cost per kg kept out but never the kg it
divides by (only the load delivered to the rivers, a larger figure).  Compiling is arithmetic on a
few numbers of the example watershed; the summary test runs it over 2001-2003 (about a second).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np
import pytest

from hydro.errors import HydroError
from hydro.scenarios import BasinInfo, ScenarioFile, compile_scenario, run_scenarios
from hydro.scenarios.summary import format_summary, summarise

ROOT = Path(__file__).resolve().parents[1]
WATERSHED = ROOT / "configs" / "examples" / "watershed"
HEAD = '[scenario_set]\nname = "t"\ncost_method = "spent"\nassumption = true\nnote = "test"\n'


def _sewage(years="[2002, 2004]", costs="capital_yuan_per_unit = 100.0", parties="", where="e1"):
    return HEAD + parties + f"""
[[measures]]
id = "m"
kind = "sewage_connection"
where = {{ subbasins = ["{where}"] }}
years = {years}
connected_share = 0.5
[measures.costs]
{costs}
[[scenarios]]
id = "s"
measures = ["m"]
"""


def _compile(tmp_path, text, years):
    p = tmp_path / "s.toml"
    p.write_text(text)
    return compile_scenario(BasinInfo.load(WATERSHED), ScenarioFile.from_toml(p), "s", list(years))


def test_a_measure_after_the_run_says_it_changes_nothing(tmp_path):
    comp = _compile(tmp_path, _sewage("[2033, 2035]"), (2001, 2002, 2003))
    assert not any(o.startswith("subbasins.e1.sources.rural_domestic.connected_share") and "0.5" in o
                   for o in comp.overrides)
    (note,) = [n for n in comp.notes if n.startswith("m:")]
    assert "2033" in note and "2003" in note and "nothing" in note


def _timing(notes):
    """The measure's notes but those on its treated effluent (tests/test_rural_sewage_effluent.py)."""
    return [n for n in notes if n.startswith("m:") and "treated effluent" not in n]


def test_a_ramp_past_the_run_says_how_far_it_gets(tmp_path):
    comp = _compile(tmp_path, _sewage("[2002, 2005]"), (2001, 2002, 2003))
    (note,) = _timing(comp.notes)
    assert "50 %" in note and "2005" in note  # f(2003) = (2003 - 2002 + 1) / 4
    assert not _timing(_compile(tmp_path, _sewage("[2002, 2003]"), (2001, 2002, 2003)).notes)


def test_a_scenario_without_costs_says_its_price_is_not_stated(tmp_path):
    comp = _compile(tmp_path, _sewage(costs=""), (2001, 2002, 2003))
    assert np.all(comp.cost() == 0)
    assert any(n.startswith("m: states no cost") and "free" in n for n in comp.notes)
    assert not any("states no cost" in n for n in _compile(tmp_path, _sewage(), (2001, 2002, 2003)).notes)


def test_the_plan_files_say_they_carry_no_price():
    for name in ("miyun", "guanting"):
        sfile = ScenarioFile.from_toml(ROOT / "configs" / "scenarios" / f"{name}_plan_2023_2027.toml")
        comp = compile_scenario(BasinInfo.load(name), sfile, "hebei_plan_2025", range(2023, 2028))
        assert any(n.startswith("hebei_manure_2025: states no cost") for n in comp.notes), name


@pytest.mark.parametrize("where, words", [
    ('provinces = ["upstream province"]', "parties.upstream.provinces"),
    ('counties = ["Nowhere"]', "parties.upstream.counties"),
    ('reservoir = "no_such"', "parties.upstream.reservoir"),
])
def test_a_party_naming_what_the_basin_lacks_is_refused_before_any_run(tmp_path, where, words):
    p = tmp_path / "s.toml"
    p.write_text(_sewage(parties=f"[parties.upstream]\n{where}\n"))
    with pytest.raises(HydroError, match=words.replace(".", r"\.")):
        # a period the weather lacks: were the parties checked after the runs, this would fail otherwise
        run_scenarios(WATERSHED, p, date(1900, 1, 1), date(1900, 12, 31))


def test_a_party_matching_no_subbasin_is_allowed(tmp_path):
    """A payer that bears no measure (its province exists, no measure there) is not a mistake."""
    p = tmp_path / "s.toml"
    p.write_text(_sewage(parties='[parties.both]\nprovinces = ["Upstream province"]\ncounties = ["Lake district"]\n'))
    from hydro.scenarios.measures import check_parties

    check_parties(BasinInfo.load(WATERSHED), ScenarioFile.from_toml(p))


def test_the_table_states_the_n_kept_out_its_cost_per_kg_divides_by(tmp_path):
    p = tmp_path / "s.toml"
    p.write_text(_sewage("[2001, 2001]", "capital_yuan_per_unit = 100.0\noperating_yuan_per_unit_yr = 2.0",
                         where="w1"))  # upstream of the lake
    run = run_scenarios(WATERSHED, p, date(2001, 1, 1), date(2003, 12, 31))
    rows = summarise(run)
    per_reservoir = {r["location"]: r["value"] for r in rows
                     if r["scenario"] == "s" and r["quantity"] == "n_kept_out" and r["location"]}
    (total,) = [r["value"] for r in rows if r["scenario"] == "s" and r["quantity"] == "n_kept_out"
                and r["location"] == ""]
    # the foot of the cascade only, as the cost per kg counts it: exact sums of the same numbers
    assert total == sum(per_reservoir[k] for k in run.kept_out) and total > 0
    (cpk,) = [r["value"] for r in rows if r["scenario"] == "s" and r["quantity"] == "cost_per_kg_kept_out"]
    (cost,) = [r["value"] for r in rows if r["scenario"] == "s" and r["quantity"] == "cost" and r["year"] == "all"]
    assert cpk == pytest.approx(cost / total, rel=1e-12)
    text = format_summary(rows)
    line = next(t for t in text.splitlines() if t.startswith("s:"))
    assert f"N kept out of the reservoirs {total:,.0f} kg" in line


def test_no_n_held_upstream_is_not_called_negative():
    rows = [{"scenario": s, "quantity": q, "location": "", "source": "", "year": "all", "value": v, "unit": "kg"}
            for s in ("baseline", "s") for q, v in (("cost", 0.0), ("cost_per_kg_kept_out", np.nan),
                                                     ("n_kept_out", 5.0), ("n_kept_out_in_storage", 0.0),
                                                     ("cost_per_kg_kept_out_net_of_storage", np.nan))]
    rows.append({"scenario": "s", "quantity": "load_reduction", "location": "", "source": "total", "year": "all",
                 "value": 9.0, "unit": "kg"})
    text = format_summary(rows)
    assert "negative" not in text and "held back" not in text
    assert "N held upstream at the end of the run beyond the baseline's: none" in text


def test_incentive_rows_of_a_partial_year_count_the_cost_of_its_days(tmp_path):
    """A run ending on 28 February (the README's Miyun run, 2017 Jan-Feb): the incentive row of that
    year set a whole year's measure cost against two months' payments and N kept out, and the rows
    summed to more than the summary's whole-run cost (2,062 M against 1,555 M yuan, all_measures)."""
    from hydro.scenarios import write_scenarios
    from hydro.scenarios.incentives import incentives

    p = tmp_path / "s.toml"
    p.write_text(_sewage("[2001, 2001]", "capital_yuan_per_unit = 100.0\noperating_yuan_per_unit_yr = 2.0",
                         parties='[parties.upstream]\nprovinces = ["Upstream province"]\n', where="w1"))
    run = run_scenarios(WATERSHED, p, date(2001, 1, 1), date(2002, 2, 28))
    nc = write_scenarios(run, tmp_path / "s.nc")
    agreement = tmp_path / "a.toml"
    agreement.write_text('name = "t"\nsource = "synthetic"\nperiod = [2001, 2002]\npayer = "downstream"\n'
                         'payee = "upstream"\n[[fixed]]\nyear = 2001\namount_yuan = 1000.0\n')
    rows = [r for r in incentives(nc, agreement) if r["scenario"] == "s"]
    (whole,) = [r["value"] for r in summarise(run) if r["scenario"] == "s" and r["quantity"] == "cost"
                and r["year"] == "all"]
    assert sum(r["measure_cost_yuan"] for r in rows) == pytest.approx(whole, rel=1e-12)  # the same sums
    year_cost = run.compiled[1].cost()[list(run.compiled[1].years).index(2002)]  # operating, a whole year
    (r,) = [r for r in rows if r["year"] == 2002 and r["party"] == "upstream"]
    assert year_cost > 0 and r["year_part"]
    assert r["measure_cost_yuan"] == pytest.approx(year_cost * 59 / 365, rel=1e-12)
    assert r["net_gain_yuan"] == pytest.approx(r["received_change_yuan"] - r["measure_cost_yuan"], rel=1e-12)


def test_a_target_due_after_the_run_is_not_judged_in_its_last_year(tmp_path):
    """The Guanting plan's Bahaoqiao target is due in 2025; a run ending in 2024 printed
    'P(met in 2024) = 1.00' for it, the last year standing in for the due year unsaid."""
    from hydro.scenarios.run import run_scenario_ensemble
    from hydro.scenarios.summary import ensemble_probabilities

    p = tmp_path / "s.toml"
    p.write_text(_sewage("[2001, 2001]", where="w1") + '[[targets]]\nid = "due"\nlocation = "lake"\nyear = 2005\n'
                 'annual_mean_max_mg_per_l = 20.0\n[[targets]]\nid = "last"\nlocation = "lake"\n'
                 'annual_mean_max_mg_per_l = 20.0\n')
    run = run_scenarios(WATERSHED, p, date(2001, 1, 1), date(2002, 12, 31))
    run_scenario_ensemble(run, 1, 3)
    got = {(r["scenario"], r["source"]): r for r in ensemble_probabilities(run)}
    assert got[("s", "due")]["year"] == 2005 and np.isnan(got[("s", "due")]["value"])
    assert got[("s", "last")]["year"] == 2002 and got[("s", "last")]["value"] == 1.0  # 20 mg/L: met
    text = format_summary(summarise(run))
    assert "target due (lake): P(met in 2005) = n/a (2005 is not a complete year of the run)" in text
    assert "target last (lake): P(met in 2002) = 1.00" in text
