"""Review of the Miyun agreements' two open questions (2026-12-01).

1. Direction: phase 2's quality deductions exceed its rewards on the model in most years,
   which under signed amounts has Hebei pay Beijing.  No published text describes a payment
   from Hebei to Beijing (docs/agreements.md, "Direction"), so an agreement's ``direction``
   says which reading applies: ``two_way`` (signed amounts stand, the default) or ``one_way``
   (a ``floor`` line brings a year's negative net of the rules back to 0).  The Miyun files
   are one-way.
2. The quantity baseline: ``baseline_mean_of_years`` with ``basis = "total"`` against a hand
   computation, and a ``--set`` of it replacing the file's fixed ``baseline_m3`` (it was an
   error: "give exactly one baseline"), which is how model results get a like-for-like
   baseline from the shipped files.
"""

import json
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from test_compensation import HEAD, agreement, amounts, monthly

from hydro.cli import main
from hydro.compensation import Agreement, evaluate, format_payments, totals
from hydro.errors import HydroError
from hydro.monitoring import SectionSeries

ROOT = Path(__file__).resolve().parents[1]
PHASE1 = ROOT / "configs" / "agreements" / "miyun_chaobai_phase1_2018.toml"
PHASE2 = ROOT / "configs" / "agreements" / "miyun_chaobai_phase2_2022.toml"

# Section "s", 2019 and 2020: 1e7 m3 a month (V = 1.2e8 m3 a year); CODMn 6.5 mg/L (Class IV:
# two classes short of II) in every month of 2019, 3.0 (Class II) in 2020.
SERIES = SectionSeries(2019, {"s": {"flow": monthly(1e7, 1e7), "codmn": monthly(6.5, 3.0)}}, source="synthetic")

RULES = """
[[quantity]]
section = "s"
baseline_m3 = 1.0e8
reward_per_m3_above_yuan = 0.1
source = "test"

[[quality_class]]
section = "s"
parameter = "codmn"
target_class = "II"
penalty_per_class_yuan = 300000
source = "test"
"""
# quantity: (1.2e8 - 1e8) * 0.1 = 2e6 yuan each year.
# quality 2019: 12 months x 2 classes x 300,000 = -7.2e6; 2020: 0.
# rules' net: 2019 2e6 - 7.2e6 = -5.2e6; 2020 +2e6.


def _floor(payments, year):
    return [p for p in payments if p.component == "floor" and p.year == year]


def test_two_way_is_the_default_and_keeps_the_negative_net(tmp_path):
    pay = evaluate(agreement(tmp_path, RULES), SERIES)
    assert not [p for p in pay if p.component == "floor"]
    net = {t["year"]: t["net_yuan"] for t in totals(pay)}
    assert net == {2019: pytest.approx(-5.2e6), 2020: pytest.approx(2e6)}
    assert "direction: two-way: in 2019 the rules' deductions exceed their rewards and the fixed payments, so " \
        "the payee pays the payer" in format_payments(pay)


def test_two_way_with_fixed_payments_says_who_pays_by_the_net(tmp_path):
    # the rules net -5.2e6 in 2019 under a fixed 1e7: the net is +4.8e6, but the line said "the payee pays
    # the payer" (found in review with the strategic-reserve agreement, 2026-12-04)
    fixed = '\n[[fixed]]\nyear = 2019\namount_yuan = 1e7\nkind = "transfer"\nsource = "test"\n'
    text = RULES + fixed
    pay = evaluate(agreement(tmp_path, text), SERIES)
    net = {t["year"]: t["net_yuan"] for t in totals(pay)}
    assert net[2019] == pytest.approx(4.8e6)
    out = format_payments(pay)
    assert "in 2019 the rules' deductions exceed their rewards, and the fixed payments leave the net positive: " \
        "the payer still pays" in out and "payee pays the payer" not in out


def test_one_way_floors_the_year_at_zero(tmp_path):
    a = agreement(tmp_path, RULES, head=HEAD + 'direction = { value = "one_way", source = "test text" }\n')
    assert a.direction == "one_way" and not a.direction_assumed
    pay = evaluate(a, SERIES)
    # the rule lines are unchanged; the floor line pays back the 5.2e6 beyond the rewards
    assert amounts(pay, year=2019, component="quality_class") == [pytest.approx(-7.2e6)]
    (f19,) = _floor(pay, 2019)
    assert (f19.amount_yuan, f19.payer, f19.payee, f19.rule, f19.assumed) == (pytest.approx(5.2e6), "up", "down",
                                                                                 "direction", False)
    (f20,) = _floor(pay, 2020)
    assert f20.amount_yuan == 0.0 and f20.complete  # net +2e6: nothing to floor
    net = {t["year"]: t["net_yuan"] for t in totals(pay)}
    assert net == {2019: pytest.approx(0.0, abs=1e-6), 2020: pytest.approx(2e6)}
    text = format_payments(pay)
    assert "direction: one-way" in text and "in 2019" in text and "an assumption" not in text


def test_one_way_floor_comes_after_the_rules_and_before_fixed_lines(tmp_path):
    body = RULES + '\n[[fixed]]\nyear = 2019\namount_yuan = 1e6\nkind = "transfer"\nsource = "test"\n'
    pay = evaluate(agreement(tmp_path, body, head=HEAD + 'direction = "one_way"\n'), SERIES)
    assert [p.component for p in pay if p.year == 2019] == ["quantity", "quality_class", "floor", "fixed"]
    # a fixed transfer is not floored itself, but the rules' deductions (-5.2e6) reduce it first: the
    # floor pays back 4.2e6, and the year nets 0 (it netted the transfer alone, 1e6, until 2026-12-04)
    assert [p.amount_yuan for p in pay if p.year == 2019 and p.component == "floor"] == [pytest.approx(4.2e6)]
    assert [t["net_yuan"] for t in totals(pay) if t["year"] == 2019] == [pytest.approx(0.0, abs=1e-6)]


def test_one_way_floor_with_an_undetermined_line(tmp_path):
    # 2019 misses March's flow: the quantity line is undetermined (NaN) and, as in the net,
    # left out: the determined lines sum to -7.2e6, floored by 7.2e6, marked incomplete.
    flow = monthly(1e7, 1e7)
    flow[2] = np.nan
    series = SectionSeries(2019, {"s": {"flow": flow, "codmn": monthly(6.5, 3.0)}}, source="synthetic")
    pay = evaluate(agreement(tmp_path, RULES, head=HEAD + 'direction = "one_way"\n'), series)
    (f19,) = _floor(pay, 2019)
    assert f19.amount_yuan == pytest.approx(7.2e6) and not f19.complete
    assert "1 undetermined line left out" in f19.note
    assert [(t["net_yuan"], t["complete"]) for t in totals(pay) if t["year"] == 2019] == [
        (pytest.approx(0.0, abs=1e-6), False)]  # never a negative net, even an incomplete one
    assert "incomplete in 2019" in format_payments(pay)
    (f20,) = _floor(pay, 2020)
    assert f20.amount_yuan == 0.0 and f20.complete


def test_two_way_output_says_so_even_when_no_year_is_negative(tmp_path):
    pay = [p for p in evaluate(agreement(tmp_path, RULES), SERIES) if p.year == 2020]
    assert "direction: two-way (signed amounts stand; no year's rules net below 0" in format_payments(pay)
    assert "direction" not in format_payments([])


def test_direction_errors_name_the_key(tmp_path):
    with pytest.raises(HydroError, match=r"a\.toml: key 'direction': expected one of 'two_way', 'one_way', "
                                         r"got 'one way'.*one_way"):
        agreement(tmp_path, RULES, head=HEAD + 'direction = "one way"\n')
    with pytest.raises(HydroError, match=r"key 'direction\.value'.*source.*assumption"):
        agreement(tmp_path, RULES, head=HEAD + 'direction = { value = "one_way" }\n')


def test_shipped_miyun_agreements_are_one_way():
    p1, p2 = Agreement.from_toml(PHASE1), Agreement.from_toml(PHASE2)
    assert (p1.direction, p1.direction_assumed) == ("one_way", False)  # cited: Beijing rewards
    assert (p2.direction, p2.direction_assumed) == ("one_way", True)   # unpublished: an assumption
    assert not p1.unstated() and not p2.unstated()
    assert Agreement.from_toml(PHASE2, overrides=["direction=two_way"]).direction == "two_way"
    # a direction set on the command line is the user's reading, not the file's citation
    p1_set = Agreement.from_toml(PHASE1, overrides=["direction=one_way"])
    assert (p1_set.direction, p1_set.direction_assumed) == ("one_way", True)


def _phase2_series(codmn):
    """The five border sections of phase 2 in 2022-2023: 2e7 m3 a month each (V = 1.2e9 m3
    a year over five sections), CODMn ``codmn`` mg/L, NH3-N 0.1, TP 0.05 (Class I), TN 4 mg/L."""
    one = {"flow": monthly(2e7, 2e7), "codmn": monthly(codmn, codmn), "nh3n": monthly(0.1, 0.1),
           "tp": monthly(0.05, 0.05), "tn": monthly(4.0, 4.0)}
    names = ("gubeikou", "baihe_border", "qingshui_outlet", "hei_outlet", "tang_outlet")
    return SectionSeries(2022, {s: dict(one) for s in names}, source="synthetic")


def test_shipped_phase2_deductions_stop_at_zero():
    # five sections x 12 months x 3 classes short of II (CODMn 12 mg/L, Class V) x 300,000 =
    # -54e6; quantity (1.2e9 m3 - 4e8) x 0.4 = 3.2e8, capped at 6e8: 3.2e8; TN flat: 0 in 2023.
    a = Agreement.from_toml(PHASE2)
    pay = evaluate(a, _phase2_series(12.0))
    y23 = [p for p in pay if p.year == 2023]
    assert sum(p.amount_yuan for p in y23 if p.component == "quality_class") == pytest.approx(-54e6)
    assert [p.amount_yuan for p in y23 if p.component == "quantity"] == [pytest.approx(3.2e8)]
    assert [p.amount_yuan for p in _floor(pay, 2023)] == [0.0]  # net 2.66e8 > 0
    # the fixed baseline set to 1.4e9 m3: quantity pays 0, the deductions would net -54e6
    dry = Agreement.from_toml(PHASE2, overrides=["quantity[0].baseline_m3=1.4e9"])
    pay = evaluate(dry, _phase2_series(12.0))
    (f23,) = _floor(pay, 2023)
    assert f23.amount_yuan == pytest.approx(54e6) and f23.assumed
    assert [t["net_yuan"] for t in totals(pay) if t["year"] == 2023] == [pytest.approx(0.0, abs=1e-6)]
    two = Agreement.from_toml(PHASE2, overrides=["quantity[0].baseline_m3=1.4e9", "direction=two_way"])
    assert [t["net_yuan"] for t in totals(evaluate(two, _phase2_series(12.0))) if t["year"] == 2023] \
        == [pytest.approx(-54e6)]


def test_cli_json_and_text_show_the_floor(tmp_path):
    csv = tmp_path / "m.csv"
    rows = ["section,year,month,parameter,value,unit"]
    for i, (flow, codmn) in enumerate(zip(monthly(1e7, 1e7), monthly(6.5, 3.0), strict=True)):
        year, month = 2019 + i // 12, i % 12 + 1
        rows += [f"s,{year},{month},flow,{flow},m3", f"s,{year},{month},codmn,{codmn},mg/L"]
    csv.write_text("\n".join(rows) + "\n", encoding="utf-8")
    toml = tmp_path / "a.toml"
    toml.write_text(HEAD + 'direction = { value = "one_way", assumption = true, note = "test" }\n' + RULES,
                    encoding="utf-8")
    res = CliRunner().invoke(main, ["compensate", str(csv), str(toml), "--json"])
    assert res.exit_code == 0, res.output
    floor = [p for p in json.loads(res.output) if p["component"] == "floor"]
    assert [(p["year"], p["amount_yuan"], p["rule"], p["assumed"]) for p in floor] == [
        (2019, pytest.approx(5.2e6), "direction", True), (2020, 0.0, "direction", True)]
    res = CliRunner().invoke(main, ["compensate", str(csv), str(toml)])
    assert res.exit_code == 0, res.output
    assert "direction: one-way (the agreement's 'direction', an assumption)" in res.output
    assert "2019  up -> down: 0 yuan" in res.output


# ---------------------------------------------------------------------------------
# 2. the quantity baseline
# ---------------------------------------------------------------------------------
# Two sections, 2017-2020, monthly volumes (m3): a 1e7, 2e7, 3e7, 4e7; b 5e6 every year
# except a missing June 2018.  Annual sums a+b: 2017 1.8e8, 2018 undetermined, 2019 4.2e8,
# 2020 5.4e8.
FLOW_A = monthly(1e7, 2e7, 3e7, 4e7)
FLOW_B = monthly(5e6, 5e6, 5e6, 5e6)
FLOW_B[12 + 5] = np.nan
TOTAL = SectionSeries(2017, {"a": {"flow": FLOW_A}, "b": {"flow": FLOW_B}}, source="synthetic")


def test_baseline_mean_of_years_on_the_total_by_hand(tmp_path):
    a = agreement(tmp_path, """
[[quantity]]
sections = ["a", "b"]
basis = "total"
baseline_mean_of_years = [2017, 2019]
reward_per_m3_above_yuan = 0.2
penalty_per_m3_below_yuan = 0.1
source = "test"
""")
    pay = evaluate(a, TOTAL)
    # baseline: mean of the complete years' totals, 2017 and 2019 (2018 left out):
    # (1.8e8 + 4.2e8) / 2 = 3e8.  2019: (4.2e8 - 3e8) x 0.2 = 2.4e7; 2020: (5.4e8 - 3e8) x 0.2 = 4.8e7.
    assert amounts(pay, year=2019) == [pytest.approx(2.4e7)]
    assert amounts(pay, year=2020) == [pytest.approx(4.8e7)]
    assert all(p.section == "a+b" and not p.complete for p in pay)  # a baseline year was left out
    assert "baseline mean of 2017-2019: 3e+08 m3 (years with missing months left out: 2018)" in pay[0].note


def test_set_baseline_mean_of_years_replaces_the_files_baseline(tmp_path):
    path = tmp_path / "a.toml"
    path.write_text(HEAD + """
[[quantity]]
sections = ["a", "b"]
basis = "total"
baseline_m3 = { value = 3.5e8, assumption = true, note = "measured-world mean", range = [2e8, 6e8] }
reward_per_m3_above_yuan = 0.2
source = "test"
""", encoding="utf-8")
    fixed = evaluate(Agreement.from_toml(path), TOTAL)
    assert amounts(fixed, year=2019) == [pytest.approx(1.4e7)]  # (4.2e8 - 3.5e8) x 0.2
    own = Agreement.from_toml(path, overrides=["quantity[0].baseline_mean_of_years=[2017,2017]"])
    # the run's own 2017 total, 1.8e8: 2019 (4.2e8 - 1.8e8) x 0.2 = 4.8e7
    assert amounts(evaluate(own, TOTAL), year=2019) == [pytest.approx(4.8e7)]
    back = Agreement.from_toml(path, overrides=["quantity[0].baseline_mean_of_years=[2017,2017]",
                                                "quantity[0].baseline_m3=4e8"])  # the last one given wins
    assert amounts(evaluate(back, TOTAL), year=2019) == [pytest.approx(4e6)]


def test_shipped_phase1_takes_the_runs_own_baseline():
    # the documented command for model results (docs/agreements.md, "Which quantity baseline")
    a = Agreement.from_toml(PHASE1, overrides=["period=[2017,2020]",
                                               "quantity[0].baseline_mean_of_years=[2017,2018]"])
    (rule,) = [r for r in a.rules if r.kind == "quantity"]
    assert rule.baseline.value is None and rule.baseline.mean_of_years == (2017, 2018)


def test_inference_floors_a_one_way_settlement(tmp_path):
    """A dry-year penalty on a shared two-year volume: in draws that give 2020 little of the
    4e8 m3, 2020's settlement is negative two-way and 0 one-way.

    Central case: 2019 and 2020 get 2e8 m3 each; quantity (2e8 - 2.5e8) x 0.5 = -2.5e7, the
    two bonuses make up the published 7e7: b = 4.75e7, and 2020 predicts 7e7 too.  A draw with
    the 2019 share at 0.8 (3.2e8 m3) fits 2b = 7e7 - 3.5e7 = 3.5e7 and leaves 2020 0.8e8 m3:
    3.5e7 + (0.8e8 - 2.5e8) x 0.5 = -5e7 two-way, 0 one-way."""
    from hydro.compensation import infer, read_published

    body = """
[[quantity]]
sections = ["a", "b"]
basis = "total"
baseline_m3 = 2.5e8
reward_per_m3_above_yuan = 0.5
penalty_per_m3_below_yuan = 0.5
source = "test"

[[quality_class]]
sections = ["a", "b"]
parameter = "codmn"
target_class = "II"
evaluation = "annual"
bonus_yuan = { value = 4.75e7, assumption = true, note = "fitted", range = [0.0, 1e8] }
source = "test"

[inference]
fit = "quality_class[0].bonus_yuan"
fit_year = 2019
samples = 400
volume_share = { value = 0.5, assumption = true, note = "unpublished", range = [0.2, 0.8] }
"""
    path = tmp_path / "p.csv"
    path.write_text("first_year,last_year,scope,figure,value,unit,source\n"
                    "2019,2020,a+b,outflow_volume,4e8,m3,s\n"
                    "2019,2020,a+b,worst_class,II,class,s\n"
                    "2019,2019,up->down,paid,70000000,yuan,s\n"
                    "2020,2020,up->down,paid,70000000,yuan,s\n", encoding="utf-8")
    figures = read_published(path)

    def check_2020(head):
        result = infer(agreement(tmp_path, body, head=head), figures)
        assert result["inferred"][0]["value"] == pytest.approx(4.75e7)
        (check,) = [c for c in result["checks"] if c["years"] == [2020, 2020]]
        assert check["predicted"] == pytest.approx(7e7)
        return check["p05"]

    assert check_2020(HEAD) < -1e7                       # two-way: Hebei's side pays in dry draws
    assert check_2020(HEAD + 'direction = "one_way"\n') == 0.0  # one-way: floored at 0


def test_one_way_floors_the_agreements_own_direction_whatever_rule_comes_first(tmp_path):
    # the first rule names the pair the other way round (the payee's own charge, written
    # down -> up, paying 1e6); the agreement is up -> down: a 2019 net of
    # 2e6 - 7.2e6 - 1e6 = -6.2e6 (up -> down) is floored to 0, never counted down -> up.
    first = ('[[quantity]]\nsection = "s"\nbaseline_m3 = 1.0e8\nreward_per_m3_above_yuan = 0.05\n'
             'payer = "down"\npayee = "up"\nsource = "test"\n')
    pay = evaluate(agreement(tmp_path, first + RULES, head=HEAD + 'direction = "one_way"\n'), SERIES)
    (f19,) = _floor(pay, 2019)
    assert (f19.payer, f19.payee, f19.amount_yuan) == ("up", "down", pytest.approx(6.2e6))
    assert [t["net_yuan"] for t in totals(pay) if t["year"] == 2019] == [pytest.approx(0.0, abs=1e-6)]


@pytest.mark.parametrize("key", ["annual_mean_max", "monthly_max"])
def test_a_target_limit_in_ug_per_l_is_refused(tmp_path, key):
    # annual_mean_max = 4100 (ug/L for 4.10 mg/L) paid the target's 2e7 yuan in review (2026-12-04)
    from hydro.errors import HydroError

    text = RULES + f'\n[[target]]\nsection = "s"\nparameter = "codmn"\n{key} = 4100\namount_yuan = 1e6\nsource = "t"\n'
    with pytest.raises(HydroError, match=rf"key 'target\[0\]\.{key}': expected a number <= 150.0, got 4100"):
        agreement(tmp_path, text)


@pytest.mark.parametrize(("prepaid", "floor"), [(1e7, 0.0), (3e6, 2.2e6)])
def test_one_way_deductions_reduce_a_prepayment_before_the_floor(tmp_path, prepaid, floor):
    """docs/agreements.md: a pre-payment plus the rules' adjustments is what moves in that year, and
    one-way deductions reduce the year's payment to at most 0.  The floor took the rules alone, so a
    year pre-paid 50 M with 33 M deducted paid 50 M (the engineer's review of 2026-12-04); here 2019's
    rules net -5.2e6."""
    fixed = f'\n[[fixed]]\nyear = 2019\namount_yuan = {prepaid}\nkind = "prepayment"\nsource = "test"\n'
    a = agreement(tmp_path, RULES + fixed, head=HEAD + 'direction = { value = "one_way", source = "test text" }\n')
    pay = evaluate(a, SERIES)
    (f19,) = _floor(pay, 2019)
    assert f19.amount_yuan == pytest.approx(floor, abs=1e-6)
    assert f"the year's fixed payments ({prepaid:,.0f} yuan) net {prepaid - 5.2e6:,.0f} yuan" in f19.note
    net = {t["year"]: t["net_yuan"] for t in totals(pay)}
    assert net[2019] == pytest.approx(max(prepaid - 5.2e6, 0.0), abs=1e-6)


def test_one_way_floor_does_not_pay_back_a_fixed_line_the_other_way(tmp_path):
    """A fixed transfer from the payee to the payer is not floored: in 2020 the rules net +2e6 and
    the payee transfers 5e6, so the floor is 0 and the year nets -3e6 (the first version of the
    fixed lines' netting wrote a 3e6 floor; re-read of 2026-12-04); in 2019 (rules -5.2e6) the floor
    pays back the rules' deficit alone."""
    fixed = ('\n[[fixed]]\nyears = [2019, 2020]\namount_yuan = 5e6\nkind = "transfer"\npayer = "down"\n'
             'payee = "up"\nsource = "test"\n')
    a = agreement(tmp_path, RULES + fixed, head=HEAD + 'direction = { value = "one_way", source = "test text" }\n')
    pay = evaluate(a, SERIES)
    assert _floor(pay, 2020)[0].amount_yuan == 0.0
    assert _floor(pay, 2019)[0].amount_yuan == pytest.approx(5.2e6)
    net = {t["year"]: t["net_yuan"] for t in totals(pay)}
    assert net == {2019: pytest.approx(-5e6), 2020: pytest.approx(-3e6)}


def test_a_quantity_baseline_in_m3_per_second_is_noted(tmp_path):
    """baseline_m3 = 7.3 (a flow in m3/s) ran without a word and paid the rule's cap every year (the
    engineer's review of 2026-12-04); it is noted beside the payments (on stderr, with --json too), while
    a baseline of the series' own size is not."""
    from cli_invoke import invoke
    from synthetic_quality import write_quality_results

    nc = write_quality_results(tmp_path / "q.nc", start="2019-01-01", end="2020-12-31")
    for base, noted in ((7.3, True), (1e8, False)):
        path = tmp_path / f"a{base:g}.toml"
        path.write_text('name = "t"\nsource = "test"\nperiod = [2019, 2020]\npayer = "beijing"\npayee = "hebei"\n'
                        '[[quantity]]\nsection = "gubeikou"\n'
                        f'baseline_m3 = {base}\nreward_per_m3_above_yuan = 0.1\nmax_yuan = 1e7\n', encoding="utf-8")
        text, as_json = invoke("compensate", nc, path), invoke("compensate", nc, path, "--json")
        assert text.exit_code == 0 and as_json.exit_code == 0, text.output
        said = "quantity[0].baseline_m3 = 7.3 m3 is below a thousandth of every year's volume at gubeikou"
        assert (said in text.stderr) == noted and (said in as_json.stderr) == noted
        assert said not in as_json.stdout  # the JSON stays the payment records
