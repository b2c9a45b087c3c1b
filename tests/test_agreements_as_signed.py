"""The agreements as signed (issue 17): the rule-language extensions they need, each shipped
agreement's published terms, the published-figures CSV and the price inferred from it, a
run of each agreement's basin over its years, and every command of docs/commands/compensate.md."""

import json
import math
import re
import shlex
import tomllib
from pathlib import Path

import numpy as np
import pytest
from cli_invoke import invoke
from click.testing import CliRunner

from hydro.cli import main
from hydro.compensation import Agreement, evaluate, format_payments, totals
from hydro.compensation.inference import (
    compensate_published,
    infer,
    is_published_figures,
    read_published,
    rounding,
)
from hydro.errors import HydroError
from hydro.monitoring import SectionSeries

ROOT = Path(__file__).resolve().parents[1]
AGREEMENTS = ROOT / "configs" / "agreements"
PUBLISHED = ROOT / "configs" / "agreements" / "miyun_chaobai_published.csv"
PHASE1 = AGREEMENTS / "miyun_chaobai_phase1_2018.toml"
PHASE2 = AGREEMENTS / "miyun_chaobai_phase2_2022.toml"
GUANTING = AGREEMENTS / "guanting_yongding_2023.toml"
RESERVE = AGREEMENTS / "miyun_strategic_reserve.toml"
INTERNAL = AGREEMENTS / "beijing_internal_2015.toml"

HEAD = 'name = "t"\nsource = "test case"\nperiod = [2019, 2020]\npayer = "up"\npayee = "down"\n'


def agreement(tmp_path, body, head=HEAD) -> Agreement:
    path = tmp_path / "a.toml"
    path.write_text(head + body, encoding="utf-8")
    return Agreement.from_toml(path)


def months(*years):
    out = []
    for y in years:
        out.extend([y] * 12 if np.isscalar(y) else y)
    return np.array(out, dtype=float)


def section_ids(basin):
    return {s["id"] for s in tomllib.loads((ROOT / "basins" / basin / "basin.toml").read_text())["sections"]}


# ---------------------------------------------------------------------------------
# rule language: total basis, "strive for", bonus by results, advances, funding, ranges
# ---------------------------------------------------------------------------------
def test_quantity_on_the_total_of_several_sections(tmp_path):
    a = agreement(tmp_path, """
[[quantity]]
sections = ["a", "b"]
basis = "total"
baseline_m3 = 2e8
reward_per_m3_above_yuan = 0.5
""")
    # 2019: 1.2e8 + 1.2e8 = 2.4e8 m3 -> (2.4e8 - 2e8) * 0.5 = 2e7; 2020: 1.8e8 < 2e8 and no penalty -> 0
    series = SectionSeries(2019, {"a": {"flow": months(1e7, 5e6)}, "b": {"flow": months(1e7, 1e7)}})
    pay = evaluate(a, series)
    assert [(p.year, p.section, p.amount_yuan) for p in pay] == [(2019, "a+b", pytest.approx(2e7)),
                                                                  (2020, "a+b", 0.0)]
    assert "-0" not in format_payments(pay)


def test_strive_for_terms_are_reported_not_paid(tmp_path):
    a = agreement(tmp_path, """
[[target]]
section = "a"
parameter = "flow"
binding = false
annual_volume_min_m3 = 1.5e8
bonus_yuan = 1e6
penalty_yuan = 1e6
""")
    pay = evaluate(a, SectionSeries(2019, {"a": {"flow": months(1e7, 5e7)}}))
    assert [p.amount_yuan for p in pay] == [0.0, 0.0]
    assert "strive for" in pay[0].note and "failed" in pay[0].note and "-1,000,000" in pay[0].note
    assert "all checks met" in pay[1].note


def test_bonus_by_results_never_charges_the_payee(tmp_path):
    a = agreement(tmp_path, """
[[quality_class]]
section = "a"
parameter = "codmn"
target_class = "III"
evaluation = "annual"
bonus_yuan = 1e6
""")
    pay = evaluate(a, SectionSeries(2019, {"a": {"codmn": months(5.0, 12.0)}}))  # III, then V
    assert [p.amount_yuan for p in pay] == [1e6, 0.0]


def test_advances_are_listed_not_added_and_funding_has_no_invented_amount(tmp_path):
    a = agreement(tmp_path, """
[[tn_reduction]]
section = "a"
baseline_mg_per_l = 5.0
reward_per_mg_per_l_yuan = 1e6

[[fixed]]
year = 2019
amount_yuan = 3e6
kind = "advance"

[[fixed]]
years = [2019, 2020]
kind = "funding"
payer = "province"
source = "the province funds every year"
""")
    pay = evaluate(a, SectionSeries(2019, {"a": {"tn": months(4.0)}}, source="one year"))
    comps = [(p.year, p.component) for p in pay]
    assert comps == [(2019, "tn_reduction"), (2019, "advance"), (2019, "funding")]  # funding only where evaluated
    funding = pay[-1]
    assert math.isnan(funding.amount_yuan) and funding.payer == "province" and "not published" in funding.note
    assert totals(pay) == [{"year": 2019, "payer": "up", "payee": "down", "performance_yuan": 1e6,
                            "fixed_yuan": 0.0, "net_yuan": 1e6, "complete": True}]
    assert "unpublished" in format_payments(pay)


@pytest.mark.parametrize("body, match", [
    ('[[quantity]]\nsection = "a"\nbasis = "sum"\nbaseline_m3 = 1.0\n', "basis.*'total'"),
    ('[[quantity]]\nsection = "a"\nbasis = "total"\nbaseline_m3 = 1.0\n', "two or more"),
    ('[[quantity]]\nsection = "a"\nbaseline_m3 = { value = 1.0, source = "x", range = [0, 2] }\n',
     "range belongs to an assumption"),
    ('[[quantity]]\nsection = "a"\nbaseline_m3 = { value = 5.0, assumption = true, note = "n", range = [0, 2] }\n',
     "outside its range"),
    ('[[quantity]]\nsection = "a"\nbaseline_m3 = { value = 1.0, assumption = true, note = "n", range = [2, 0] }\n',
     r"expected \[low, high\]"),
    ('[[quantity]]\nsection = "a"\nbaseline_m3 = 1.0\nbinding = "no"\n', "binding.*true or false"),
    ('[[fixed]]\nyear = 2019\nyears = [2019, 2020]\namount_yuan = 1.0\n', "either 'year' or 'years'"),
    ('[[fixed]]\nyear = 2019\nkind = "advance"\n', "amount_yuan.*missing"),
    ('[[fixed]]\nyears = [2019, 2021]\nkind = "funding"\n', "outside the agreement's period"),
    ('[[quantity]]\nsection = "a"\nbaseline_m3 = 1.0\n[inference]\nfit = "quantity[0].baseline_m3"\nfit_year = 2019\n',
     "must be an assumption with a range"),
    ('[[quantity]]\nsection = "a"\nbaseline_m3 = 1.0\n[inference]\nfit = "quantity[0].baseline"\nfit_year = 2019\n',
     "not an assumed number"),
])
def test_bad_rule_files_say_what_is_wrong(tmp_path, body, match):
    with pytest.raises(HydroError, match=match) as err:
        agreement(tmp_path, body)
    assert "a.toml" in str(err.value)


def test_an_inflow_comparison_is_skipped_when_the_inflow_lacks_the_parameter(tmp_path):
    # the Beijing internal agreement compares Guanting with its inflow: a TN-only run has no CODMn
    series = SectionSeries(2015, {s: {"tn": months(1.0), "flow": months(1e6)}
                                  for s in ("guishui_outlet", "guanting", "bahaoqiao")})
    pay = evaluate(Agreement.from_toml(INTERNAL), series, skip_unavailable=True)
    assert pay == []
    with pytest.raises(HydroError, match="codmn"):
        evaluate(Agreement.from_toml(INTERNAL), series)


# ---------------------------------------------------------------------------------
# the shipped agreements' published terms
# ---------------------------------------------------------------------------------
def test_every_assumed_amount_has_a_range():
    for path in sorted(AGREEMENTS.glob("*.toml")):
        a = Agreement.from_toml(path)
        loose = [p.key for p in a.provenance if p.status == "assumed" and isinstance(p.value, float)
                 and p.range is None]
        assert not loose, f"{path.name}: assumed numbers without a range: {loose}"


def test_phase1_three_border_rivers_on_beijings_total_inflow():
    a = Agreement.from_toml(PHASE1)
    (quantity,) = [r for r in a.rules if r.kind == "quantity"]
    assert quantity.sections == ("gubeikou", "baihe_border", "qingshui_outlet") and quantity.basis == "total"
    assert quantity.penalty_per_m3_below_yuan == 0.0  # "more water, more reward": no deduction published
    assert set(quantity.sections) <= section_ids("miyun")
    assert {f.kind for f in a.fixed if f.payer == "beijing"} == {"advance"}
    assert sum(r.amount_yuan for r in a.reported if "two years" in r.description
               or "together" in r.description) == 500_000_000
    # the published totals carry the years they total, not one year (a review of 2026-12-05: the 500 M
    # of 2018-2019 and the 3.3945 bn of 2018-2023 were filed under 2019 and 2020)
    years = {r.amount_yuan: r.years for r in a.reported}
    assert years == {322_150_000: (2018, 2018), 500_000_000: (2018, 2019), 198_000_000: (2019, 2019),
                     3_394_500_000: (2018, 2023)}


@pytest.mark.parametrize(("lines", "message"), [
    ("year = 2018\nyears = [2018, 2019]\n", "one of the two"),
    ("", "one of the two"),
    ("years = [2019, 2018]\n", r"expected \[first_year, last_year\]"),
])
def test_a_reported_figure_gives_its_year_or_its_years(tmp_path, lines, message):
    path = tmp_path / "a.toml"
    path.write_text('name = "t"\nsource = "s"\nperiod = [2018, 2020]\npayer = "a"\npayee = "b"\n'
                    f'[[reported]]\n{lines}amount_yuan = 1.0\ndescription = "d"\nsource = "s"\n', encoding="utf-8")
    with pytest.raises(HydroError, match=message) as err:
        Agreement.from_toml(path)
    assert "reported" in str(err.value) and str(path) in str(err.value)


def test_phase2_uses_the_models_sections_for_all_five_rivers():
    a = Agreement.from_toml(PHASE2)
    for rule in a.rules:
        assert set(rule.sections) == {"gubeikou", "baihe_border", "qingshui_outlet", "hei_outlet", "tang_outlet"}
        assert set(rule.sections) <= section_ids("miyun")
    assert "no section id" not in PHASE2.read_text()


def test_guanting_pays_by_results_and_never_charges_zhangjiakou():
    a = Agreement.from_toml(GUANTING)
    assert [(f.payer, f.payee, f.kind) for f in a.fixed] == [("hebei", "zhangjiakou", "funding")] * 3
    (quality,) = [r for r in a.rules if r.kind == "quality_class"]
    assert set(quality.sections) <= section_ids("guanting") and len(quality.sections) == 3
    # worst case everywhere: nothing is negative, so Zhangjiakou never pays Beijing
    bad = {s: {"tn": months(9.0, 9.0, 9.0, 9.0), "codmn": months(20.0, 20.0, 20.0, 20.0),
               "nh3n": months(3.0, 3.0, 3.0, 3.0), "tp": months(1.0, 1.0, 1.0, 1.0), "flow": months(0.0, 0.0, 0.0, 0.0)}
           for s in ("bahaoqiao", "xiangshuibao", "shixiali")}
    pay = evaluate(a, SectionSeries(2022, bad))
    assert all(p.amount_yuan >= 0 for p in pay if p.component != "funding")
    assert not [p for p in pay if p.component == "target" and p.parameter == "tn" and p.year < 2025]


def test_strategic_reserve_judges_tn_apart_from_the_lake_class():
    a = Agreement.from_toml(RESERVE)
    (quality,) = [r for r in a.rules if r.kind == "quality_class"]
    assert "tn" not in quality.parameter_ids
    assert [r.kind for r in a.rules if "tn" in r.parameters()] == ["tn_reduction"]


# ---------------------------------------------------------------------------------
# published figures and the inferred price
# ---------------------------------------------------------------------------------
def test_the_published_figures_are_cited_and_documented():
    figures = read_published(PUBLISHED)
    assert is_published_figures(PUBLISHED) and not is_published_figures(PHASE1)
    assert all(f.source for f in figures)
    provenance = PUBLISHED.with_suffix(".md").read_text(encoding="utf-8")
    for f in figures:
        assert f"line {f.line}" in provenance, f"line {f.line} ({f.figure}) is not explained in the provenance"
    volume = [f for f in figures if f.figure == "outflow_volume" and f.first_year == 2018 and f.last_year == 2020]
    assert volume[0].value == 2.48e9
    assert rounding(322_150_000) == 5_000 and rounding(3_394_500_000) == 50_000


@pytest.fixture(scope="module")
def inference():
    return infer(Agreement.from_toml(PHASE1), read_published(PUBLISHED))


def test_the_2018_payment_is_reproduced_by_the_fit(inference):
    fit = [c for c in inference["checks"] if c["status"] == "fit"]
    assert len(fit) == 1 and fit[0]["years"] == [2018, 2018]
    assert fit[0]["predicted"] == pytest.approx(322_150_000, rel=0.01)
    inferred = inference["inferred"][0]
    assert inferred["key"] == "quality_class[0].bonus_yuan"
    assert inferred["p05"] < inferred["value"] < inferred["p95"]
    assert inferred["range"][0] <= inferred["p05"] and inferred["p95"] <= inferred["range"][1]
    assert inferred["consistent_share"] > 0.5
    # the shipped file carries the inferred value (rounded), so evaluating it reproduces 2018 within 1 %
    shipped = next(p.value for p in Agreement.from_toml(PHASE1).provenance if p.key == inferred["key"])
    assert shipped == pytest.approx(inferred["value"], rel=0.01)


def test_the_other_published_amounts_are_checks_with_reasons(inference):
    checks = {c["figure"]: c for c in inference["checks"] if c["status"] != "fit"}
    assert set(checks) == {"advance", "arranged_total", "received_total"}
    for c in checks.values():
        assert c["status"] in ("pass", "fail", "not checkable", "consistent", "uninformative") and c["reason"]
    # "322.15 + 177.85 million" are two years that make the published 500 million: arithmetic on published
    # figures (the fitted 2018 is the published 2018), so not a "pass" of the agreement (review 2026-12-04)
    arranged = checks["arranged_total"]
    assert arranged["status"] == "consistent" and "2 years" in arranged["reason"]
    assert "not a test of the agreement" in arranged["reason"]
    # 2018-2020 predicted from the published 24.8e8 m3 and Class II fits inside 3.3945 billion, but no draw
    # comes near it (about 40 %): a bound that cannot fail inside the ranges is reported as testing nothing
    received = checks["received_total"]
    assert received["status"] == "uninformative" and received["p95"] < 0.9 * 3_394_500_000
    assert "2021-2023" in received["reason"] and "it tests nothing" in received["reason"]
    # 2019's published figure is an advance, not a settlement: shown, not compared
    assert checks["advance"]["status"] == "not checkable" and checks["advance"]["predicted"] > 0


def test_inference_output_text_and_json():
    fewer = ["inference.samples=100"]
    text = compensate_published(PUBLISHED, PHASE1, overrides=fewer)
    assert "inferred (not published): quality_class[0].bonus_yuan" in text and "5-95 %" in text
    data = json.loads(compensate_published(PUBLISHED, PHASE1, overrides=fewer, as_json=True))
    assert {"inferred", "assumed", "checks", "unused"} <= set(data)


@pytest.mark.parametrize("row, match", [
    ("2018,2018,a->b,paid,1,euro,src", "unit 'euro'"),
    ("2018,2018,a->b,payd,1,yuan,src", "unknown figure 'payd'"),
    ("2018,2018,a->b,paid,1,yuan,", "empty source"),
    ("2019,2018,a->b,paid,1,yuan,src", "after last_year"),
    ("2018,2018,ab,paid,1,yuan,src", "payer->payee"),
    ("2018,2018,a,worst_class,VII,class,src", "VII"),
])
def test_published_csv_errors_name_file_and_line(tmp_path, row, match):
    path = tmp_path / "p.csv"
    path.write_text("first_year,last_year,scope,figure,value,unit,source\n" + row + "\n", encoding="utf-8")
    with pytest.raises(HydroError, match=match) as err:
        read_published(path)
    assert "p.csv: line 2" in str(err.value)


def test_inference_needs_the_fit_years_payment(tmp_path):
    path = tmp_path / "p.csv"
    path.write_text(PUBLISHED.read_text(encoding="utf-8").replace("2018,2018,beijing->chengde_zhangjiakou,paid",
                                                                  "2017,2017,beijing->chengde_zhangjiakou,paid"))
    with pytest.raises(HydroError, match="no 'paid' amount for 2018"):
        infer(Agreement.from_toml(PHASE1), read_published(path))


# ---------------------------------------------------------------------------------
# each agreement on a run of its basin over its years
# ---------------------------------------------------------------------------------
RUNS = {
    "miyun_chaobai_phase1_2018": ("miyun", "2017-01-01", "2020-12-31"),
    "miyun_chaobai_phase2_2022": ("miyun", "2021-01-01", "2026-12-31"),
    "miyun_strategic_reserve": ("miyun", "2021-01-01", "2026-12-31"),
    "guanting_yongding_2023": ("guanting", "2022-01-01", "2025-12-31"),
    "beijing_internal_2015": ("guanting", None, None),  # the real weather covers 2014-2016
}


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    folder = tmp_path_factory.mktemp("runs")
    out = {}
    for basin, start, end in sorted(set(RUNS.values()), key=str):
        path = folder / f"{basin}_{start}.nc"
        args = ["run", basin, "-o", path, "-q"]
        if start:
            args += ["--synthetic-weather", "5", "--start", start, "--end", end]
        result = invoke(*args)
        assert result.exit_code == 0, result.output
        out[(basin, start, end)] = path
    return out


@pytest.mark.parametrize("name", sorted(RUNS))
def test_every_shipped_agreement_evaluates_on_a_run_of_its_basin(runs, name):
    assert {p.stem for p in AGREEMENTS.glob("*.toml")} == set(RUNS)
    result = invoke("compensate", runs[RUNS[name]], AGREEMENTS / f"{name}.toml", "--skip-unavailable", "--json")
    assert result.exit_code == 0, result.output
    payments = json.loads(result.stdout)
    a = Agreement.from_toml(AGREEMENTS / f"{name}.toml")
    assert all(a.period[0] <= p["year"] <= a.period[1] for p in payments)
    if name != "beijing_internal_2015":  # TN-only runs leave nothing of the COD/NH3-N/TP rules
        assert [p for p in payments if p["component"] not in ("fixed", "advance", "funding")]


# ---------------------------------------------------------------------------------
# every command shown in docs/commands/compensate.md runs on what ships
# ---------------------------------------------------------------------------------
def _documented_commands(page):
    text = (ROOT / page).read_text(encoding="utf-8")
    out = []
    for block in re.findall(r"```bash\n(.*?)```", text, flags=re.S):
        out.extend(line.strip() for line in block.splitlines() if line.strip().startswith("hydro "))
    return out


def test_every_command_of_the_compensate_page_runs(tmp_path, monkeypatch):
    commands = _documented_commands("docs/commands/compensate.md")
    assert len(commands) >= 5
    (tmp_path / "configs").symlink_to(ROOT / "configs")
    monkeypatch.chdir(tmp_path)
    for command in commands:
        result = CliRunner().invoke(main, shlex.split(command)[1:])
        assert result.exit_code == 0, f"{command}\n{result.output}"

def test_inference_by_hand(tmp_path):
    """A quantity reward on a published two-year volume plus a fitted quality bonus.

    Central case: 2019 gets half of 4e8 m3, so the quantity rule pays (2e8 - 1e8) * 0.5 = 5e7
    and the two section bonuses make up the published 7e7: b = 1e7.  2020 then predicts
    2b + 0.5 * (4e8 - V2019 - 1e8) = 2.7e8 - V2019 = 7e7 (centrally), a band over the shares.
    """
    a = agreement(tmp_path, """
[[quantity]]
sections = ["a", "b"]
basis = "total"
baseline_m3 = 1e8
reward_per_m3_above_yuan = 0.5

[[quality_class]]
sections = ["a", "b"]
parameter = "codmn"
target_class = "II"
evaluation = "annual"
bonus_yuan = { value = 1e7, assumption = true, note = "fitted", range = [0.0, 4e7] }

[inference]
fit = "quality_class[0].bonus_yuan"
fit_year = 2019
samples = 200
volume_share = { value = 0.5, assumption = true, note = "unpublished", range = [0.4, 0.6] }
""")

    def figures(paid_2020):
        path = tmp_path / "p.csv"
        path.write_text("first_year,last_year,scope,figure,value,unit,source\n"
                        "2019,2020,a+b,outflow_volume,4e8,m3,s\n"
                        "2019,2020,a+b,worst_class,II,class,s\n"
                        "2019,2019,up->down,paid,70000000,yuan,s\n"
                        f"2020,2020,up->down,paid,{paid_2020},yuan,s\n", encoding="utf-8")
        return read_published(path)

    result = infer(a, figures(70_000_000))
    assert result["inferred"][0]["value"] == pytest.approx(1e7)
    (check,) = [c for c in result["checks"] if c["years"] == [2020, 2020]]
    assert check["predicted"] == pytest.approx(7e7) and check["status"] == "pass"
    assert 3e7 - 1 <= check["p05"] < 7e7 < check["p95"] <= 1.1e8 + 1
    (check,) = [c for c in infer(a, figures(200_000_000))["checks"] if c["years"] == [2020, 2020]]
    assert check["status"] == "fail"


def test_the_printed_inference_says_how_the_published_conditions_were_read():
    """The fit's band draws the assumed ranges, not the reading of the published conditions: phase 1's
    1.961 M rests on taking Hebei's 24.8e8 m3 of 2018-2020 as the three border rivers' volume (a domain
    review of 2026-12-05: the printed band left that out; docs/agreements.md discusses it)."""
    from hydro.compensation.inference import compensate_published

    text = compensate_published(ROOT / "configs/agreements/miyun_chaobai_published.csv", PHASE1)
    (line,) = [ln for ln in text.splitlines() if "published conditions read as" in ln]
    assert "line 5: outflow_volume 2018-2020 taken at gubeikou+baihe_border+qingshui_outlet" in line
    assert "not another reading of these figures" in line
    assert text.splitlines().index(line) == 2  # right under the fitted number and what it is fitted on
