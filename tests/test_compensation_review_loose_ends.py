"""Review of payments' loose ends (issues 13, 14): a net that no open line can change is complete.

A year's net was marked "(incomplete)" whenever a line of the year was undetermined, even where
nothing those lines can pay changes the net: Miyun phase 2 on a 2022 plan-period run (its TN
reductions need 2021, outside the run) had rules of -53.1 M yuan, the open rewards capped at
50 M, so a one-way agreement's year nets 0 whatever they turn out to be.  The net is now judged
as the floor line is: from the amounts the open lines' rules can give
(:func:`hydro.compensation.direction.amount_bounds`), complete when its lowest and highest agree.
"""

import json
import math
from pathlib import Path

import netCDF4
import pytest
from cli_invoke import invoke
from click.testing import CliRunner
from synthetic_quality import write_quality_results
from test_compensation import HEAD, agreement, monthly

from hydro.cli import main
from hydro.compensation import evaluate, format_payments, totals
from hydro.compensation.payments import Payment, net_bounds
from hydro.monitoring import SectionSeries

ONE_WAY = HEAD + 'direction = "one_way"\n'

# CODMn 5.0 mg/L every month: river Class III against a Class II target, one class short in each of
# 12 months at 500,000 yuan = -6e6 yuan.  TN reduction: reward only, capped at {cap} yuan, against
# the previous year (2018, outside a 2019 series): undetermined.
RULES = """
[[quality_class]]
section = "s"
parameter = "codmn"
waterbody = "river"
evaluation = "monthly"
target_class = "II"
penalty_per_class_yuan = 500000
source = "test"

[[tn_reduction]]
section = "s"
parameter = "tn"
baseline = "previous_year"
reward_per_mg_per_l_yuan = 1e7
max_yuan = {cap}
source = "test"
"""


def _series():
    return SectionSeries(2019, {"s": {"flow": monthly(1e7), "codmn": monthly(5.0), "tn": monthly(2.0)}},
                         source="synthetic")


def _net(pay, year=2019):
    (row,) = [t for t in totals(pay) if t["year"] == year]
    return row


def test_one_way_net_that_the_open_rewards_cannot_lift_is_complete(tmp_path):
    # -6e6 of deductions; the open reward adds at most 5e6: the rules stay below 0, floored to 0
    pay = evaluate(agreement(tmp_path, RULES.format(cap=5e6), head=ONE_WAY), _series())
    (red,) = [p for p in pay if p.component == "tn_reduction"]
    assert math.isnan(red.amount_yuan) and red.bounds == (0.0, 5e6)
    (floor,) = [p for p in pay if p.component == "floor"]
    # the floor line itself can move (6e6 today, 1e6 were the reward paid in full): still incomplete
    assert floor.amount_yuan == pytest.approx(6e6) and not floor.complete and floor.bounds == (1e6, 6e6)
    assert floor.note.endswith("which could change it (not the year's net: the rules stay below 0 whatever they "
                               "pay, and this line brings them to 0)")
    net = _net(pay)
    assert (net["net_yuan"], net["complete"]) == (0.0, True)
    text = format_payments(pay)
    assert "2019  up -> down: 0 yuan (rules 0, fixed 0)\n" in text + "\n"
    assert "(incomplete)" not in text


def test_one_way_net_that_an_open_reward_can_lift_stays_incomplete(tmp_path):
    # the reward can add up to 8e6 > 6e6: the year could net up to 2e6
    pay = evaluate(agreement(tmp_path, RULES.format(cap=8e6), head=ONE_WAY), _series())
    assert _net(pay)["complete"] is False
    (floor,) = [p for p in pay if p.component == "floor"]
    assert floor.note.endswith("which could change it")
    assert "2019  up -> down: 0 yuan (rules 0, fixed 0)  (incomplete)" in format_payments(pay)


def test_two_way_net_with_an_open_reward_stays_incomplete(tmp_path):
    # two-way: the reward adds to the net whatever its size
    pay = evaluate(agreement(tmp_path, RULES.format(cap=5e6)), _series())
    assert (_net(pay)["net_yuan"], _net(pay)["complete"]) == (pytest.approx(-6e6), False)


def test_an_open_strive_for_line_leaves_the_net_complete(tmp_path):
    # a "strive for" term pays 0 whatever it would have paid: its undetermined line cannot move the net
    body = RULES.format(cap=5e6).replace('max_yuan = 5000000.0\n', 'max_yuan = 5e6\nbinding = false\n')
    pay = evaluate(agreement(tmp_path, body), _series())
    (red,) = [p for p in pay if p.component == "tn_reduction"]
    assert not red.complete and red.bounds == (0.0, 0.0)
    assert (_net(pay)["net_yuan"], _net(pay)["complete"]) == (pytest.approx(-6e6), True)


def test_net_bounds_follow_the_pair_and_the_floor():
    line = Payment(2019, "s", "quantity", "flow", "a", "b", math.nan, False, bounds=(-1e6, 2e6))
    fixed = Payment(2019, "", "fixed", "", "a", "b", 3e6)
    assert net_bounds([(1.0, line), (1.0, fixed)]) == (2e6, 5e6)
    assert net_bounds([(-1.0, line), (1.0, fixed)]) == (1e6, 4e6)  # the line names the pair the other way
    floor = Payment(2019, "", "floor", "", "a", "b", 0.0, False)
    assert net_bounds([(1.0, line), (1.0, floor)]) == (0.0, 2e6)
    assert net_bounds([(1.0, Payment(2019, "s", "quantity", "flow", "a", "b", math.nan, False))]) \
        == (-math.inf, math.inf)  # a line without bounds: anything


def test_cli_text_and_uncertainty_json_agree(tmp_path):
    csv = tmp_path / "m.csv"
    rows = ["section,year,month,parameter,value,unit"]
    for m in range(1, 13):
        rows += [f"s,2019,{m},flow,1e7,m3", f"s,2019,{m},codmn,5.0,mg/L", f"s,2019,{m},tn,2.0,mg/L"]
    csv.write_text("\n".join(rows) + "\n", encoding="utf-8")
    toml = tmp_path / "a.toml"
    toml.write_text(ONE_WAY + RULES.format(cap=5e6), encoding="utf-8")
    res = CliRunner().invoke(main, ["compensate", str(csv), str(toml)])
    assert res.exit_code == 0, res.output
    assert "2019  up -> down: 0 yuan (rules 0, fixed 0)\n" in res.output
    res = CliRunner().invoke(main, ["compensate", str(csv), str(toml), "--uncertainty", "3", "--workers", "1",
                                    "--json"])
    assert res.exit_code == 0, res.output
    (net,) = [n for n in json.loads(res.stdout)["net"] if n["year"] == 2019]
    assert net["incomplete"] == 0


# ---------------------------------------------------------------------------------
# issue 14: the caveats text mode gives on stderr are in the JSON objects ("notes") too
# ---------------------------------------------------------------------------------
ROOT = Path(__file__).resolve().parents[1]
PHASE2 = ROOT / "configs" / "agreements" / "miyun_chaobai_phase2_2022.toml"


def _generated(path: Path) -> Path:
    """Mark a results file as a run on generated weather (seed 5), as hydro run --synthetic-weather does."""
    with netCDF4.Dataset(path, "a") as ds:
        ds.setncattr("weather_synthetic", "true")
        ds.setncattr("weather_seed", "5")
    return path


@pytest.fixture(scope="module")
def plan_nc(tmp_path_factory):
    """2022-2025 on generated weather: phase 2 is in force 2022-2026, so 2026 is not reached."""
    path = write_quality_results(tmp_path_factory.mktemp("n") / "plan.nc", start="2022-01-01", end="2025-12-31")
    return _generated(path)


def test_json_quality_carries_the_notes_text_mode_prints(plan_nc):
    text = invoke("compensate", plan_nc, PHASE2)
    assert text.exit_code == 0, text.output
    said = text.stderr.strip().splitlines()
    # first, that the payments are of simulated water (Hebei-side review, 2026-12-06)
    assert said[0].startswith(f"note: {plan_nc}: payments of simulated water quality (basin synthetic)")
    assert len(said) == 4 and "generated weather (seed 5)" in said[1] and "so 2026 has no payment lines" in said[2]
    # the TN reductions compare with 2021, which the run does not hold: their 2022 lines are open whatever it pays
    assert said[3] == (f"note: {plan_nc} starts in 2022, the agreement's first year, and tn_reduction[0] compares "
                       "each year with the year before: the 2022 lines of tn_reduction[0] are undetermined; run from "
                       "2021 (read, not paid for) to determine them")
    both = invoke("compensate", plan_nc, PHASE2, "--json", "--quality")
    assert both.exit_code == 0, both.output
    data = json.loads(both.stdout)
    assert set(data) == {"payments", "classes", "notes", "provenance"} and data["notes"] == said  # the same words
    # the plain --json stays a list of payments (its contract): the notes come on stderr, no longer dropped
    plain = invoke("compensate", plan_nc, PHASE2, "--json")
    assert isinstance(json.loads(plain.stdout), list) and plain.stderr.strip().splitlines() == said


def test_uncertainty_json_carries_the_notes(plan_nc):
    res = invoke("compensate", plan_nc, PHASE2, "--uncertainty", "1", "--workers", "1", "--json")
    assert res.exit_code == 0, res.output
    notes = json.loads(res.stdout)["notes"]
    assert notes[0].startswith("note: the band is over 1 member")
    assert any("generated weather (seed 5)" in n for n in notes) and any("2026 has no payment lines" in n
                                                                          for n in notes)
    assert res.stderr.strip().splitlines() == notes


def test_scenarios_json_quality_carries_the_notes(tmp_path):
    from datetime import date

    from hydro.scenarios import run_scenarios, write_scenarios

    scen = ROOT / "configs/scenarios/watershed.toml"
    run = run_scenarios(ROOT / "configs/examples/watershed", scen, date(2001, 1, 1), date(2002, 12, 31))
    out = _generated(write_scenarios(run, tmp_path / "scen.nc") or tmp_path / "scen.nc")
    (tmp_path / "a.toml").write_text(WATERSHED_AGREEMENT, encoding="utf-8")
    args = ("compensate", "--scenarios", out, tmp_path / "a.toml", "--scenario-file", scen)
    text = invoke(*args)
    assert text.exit_code == 0, text.output
    simulated, said = text.stderr.strip().splitlines()  # first that the incentives are of simulated water
    assert simulated.startswith(f"note: {out}: payments of simulated water quality (basin ")
    assert "generated weather (seed 5): its incentives are of one draw" in said
    both = invoke(*args, "--json", "--quality")
    assert both.exit_code == 0, both.output
    assert json.loads(both.stdout)["notes"] == [simulated, said]
    plain = invoke(*args, "--json")
    assert isinstance(json.loads(plain.stdout), list) and plain.stderr.strip().splitlines() == [simulated, said]


WATERSHED_AGREEMENT = '''name = "watershed test"
source = "test"
period = [2001, 2002]
payer = "down"
payee = "up"

[[tn_reduction]]
section = "border"
parameter = "tn"
baseline_mg_per_l = 10.0
reward_per_mg_per_l_yuan = 100
source = "test"
'''


def test_the_notes_name_a_single_year_and_no_year_before_when_the_run_holds_it(tmp_path):
    from hydro.compensation import Agreement
    from hydro.compensation.notes import series_notes

    one = SectionSeries(2022, {"s": {"flow": monthly(1e7), "tn": monthly(2.0)}}, source="one year")
    rules = Agreement.from_toml(PHASE2)
    body = RULES.format(cap=5e6).replace("[2019, 2020]", "[2022, 2023]")
    notes = series_notes(agreement(tmp_path, body, head=HEAD.replace("[2019, 2020]", "[2022, 2023]")), one, "x.csv")
    assert notes == ["note: x.csv covers 2022; the agreement is in force 2022-2023, so 2023 has no payment lines "
                     "(evaluate a run that covers them)",
                     "note: x.csv starts in 2022, the agreement's first year, and tn_reduction[0] compares each year "
                     "with the year before: the 2022 lines of tn_reduction[0] are undetermined; run from 2021 (read, "
                     "not paid for) to determine them"]
    two = SectionSeries(2021, {"s": {"flow": monthly(1e7, 1e7), "tn": monthly(2.0, 2.0)}}, source="two years")
    assert not any("year before" in n for n in series_notes(rules, two, "x.csv"))


def test_one_way_net_named_the_other_way_round_is_judged_the_floor_s_way(tmp_path):
    # the first line (quality_class comes before tn_reduction) runs down -> up: a class bonus of 1e5 a month
    # the other way (CODMn Class III, target III), 1.2e6 from down to up; the net row is named as the floor
    # names the pair, the agreement's up -> down (audit review, 2026-12-06: it was named by the first line):
    # rules -1.2e6 + a reward of at most 5e5 -> 0
    body = """
[[quality_class]]
section = "s"
parameter = "codmn"
waterbody = "river"
evaluation = "monthly"
target_class = "III"
bonus_yuan = 1e5
payer = "down"
payee = "up"
source = "test"
""" + "[[tn_reduction]]" + RULES.format(cap=5e5).split("[[tn_reduction]]")[1]
    pay = evaluate(agreement(tmp_path, body, head=ONE_WAY), _series())
    (floor,) = [p for p in pay if p.component == "floor"]
    assert (floor.payer, floor.amount_yuan, floor.complete) == ("up", pytest.approx(1.2e6), False)
    (net,) = totals(pay)
    assert (net["payer"], net["net_yuan"], net["complete"]) == ("up", pytest.approx(0.0, abs=1e-6), True)
    # the subtotals carry the pair's sign as the net does (review of 2026-12-04: a mutation dropping
    # it from them survived): the class bonus down -> up and the floor up -> down cancel
    assert net["performance_yuan"] + net["fixed_yuan"] == pytest.approx(net["net_yuan"], abs=1e-6)
    assert net["performance_yuan"] == pytest.approx(0.0, abs=1e-6)
    # a reward that can outweigh the bonus leaves the year open
    pay = evaluate(agreement(tmp_path, body.replace("max_yuan = 500000.0", "max_yuan = 2e6"), head=ONE_WAY),
                   _series())
    assert totals(pay)[0]["complete"] is False


def test_years_not_reached_with_fixed_lines_say_the_fixed_lines_stand_alone():
    # phase 1 (2018-2020) on a 2019-2020 series: 2018's advance and Hebei's transfer are still listed
    # (the net shows 2018 hebei -> chengde_zhangjiakou 100,000,000 and no Beijing row): "no payment lines"
    # was wrong; and the 2019 TN reductions compare with 2018, which the series lacks
    from hydro.compensation import Agreement
    from hydro.compensation.notes import series_notes

    late = SectionSeries(2019, {"s": {"flow": monthly(1e7, 1e7)}}, source="2019-2020")
    notes = series_notes(Agreement.from_toml(ROOT / "configs/agreements/miyun_chaobai_phase1_2018.toml"), late, "x.csv")
    assert notes == ["note: x.csv covers 2019-2020; the agreement is in force 2018-2020, so 2018 has no lines from "
                     "the rules (2018: only the fixed lines, so a net there leaves the rules out) (evaluate a run "
                     "that covers them)",
                     "note: x.csv starts in 2019 and tn_reduction[0] compares each year with the year before: the "
                     "2019 lines of tn_reduction[0] are undetermined; run from 2018 to determine them"]
    # Guanting's yearly funding flow has no published amount: not listed in years not evaluated
    one = SectionSeries(2022, {"s": {"flow": monthly(1e7, 1e7)}}, source="2022-2023")
    notes = series_notes(Agreement.from_toml(ROOT / "configs/agreements/guanting_yongding_2023.toml"), one, "x.csv")
    assert notes == ["note: x.csv covers 2022-2023; the agreement is in force 2023-2025, so 2024-2025 have no "
                     "payment lines (evaluate a run that covers them)"]
