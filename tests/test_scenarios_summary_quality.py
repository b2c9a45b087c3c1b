"""Issue 14: scenarios report their effect on each parameter and on the quality part of each payment."""

from datetime import date
from pathlib import Path

import numpy as np
import pytest
from synthetic_quality import write_quality_results

from hydro.compensation import Agreement, evaluate
from hydro.monitoring import read_series
from hydro.scenarios import run_scenarios
from hydro.scenarios.summary import (
    EFFECT_COLUMNS,
    effects_output,
    format_effects,
    format_summary,
    quality_effects,
    summarise,
)

ROOT = Path(__file__).resolve().parents[1]
PHASE1 = ROOT / "configs/agreements/miyun_chaobai_phase1_2018.toml"


@pytest.fixture(scope="module")
def scenarios_nc(tmp_path_factory):
    """A baseline and a scenario with every concentration 20 % lower, all four parameters."""
    return write_quality_results(tmp_path_factory.mktemp("s") / "s.nc", start="2017-01-01", end="2020-12-31",
                                 scenarios=["baseline", "cut"], scale=[1.0, 0.8])


def _row(rows, **match):
    (r,) = [r for r in rows if all(r[k] == v for k, v in match.items())]
    return r


def test_every_parameter_changes_at_the_agreement_sections(scenarios_nc):
    rows = quality_effects(scenarios_nc, PHASE1)
    assert all(set(r) == set(EFFECT_COLUMNS) for r in rows)
    sections = {"gubeikou", "baihe_border", "qingshui_outlet"}
    means = [r for r in rows if r["quantity"] == "mean_concentration"]
    assert {(r["location"], r["parameter"]) for r in means} == {(s, p) for s in sections
                                                                for p in ("tn", "nh3n", "tp", "codmn")}
    for s in sections:
        for p in ("tn", "nh3n", "tp", "codmn"):
            base = _row(rows, scenario="baseline", quantity="mean_concentration", location=s, parameter=p)
            cut = _row(rows, scenario="cut", quantity="mean_concentration", location=s, parameter=p)
            assert base["change"] == 0
            # the same flow, every concentration x 0.8 up to the 2 % noise of each scenario's draw
            assert cut["change"] == pytest.approx(-0.2 * base["value"], rel=0.02)
            load = _row(rows, scenario="cut", quantity="mean_load", location=s, parameter=p)
            assert load["change"] < 0 and load["unit"] == "kg d-1"


def test_the_load_is_the_mean_of_the_days_discharge_times_concentration(scenarios_nc):
    """Over the agreement's years in the run (phase 1: 2018-2020 of a 2017-2020 run), the years its
    payments judge (found in review, 2026-12-05: the whole run's mean beside them read as theirs); the
    days' Q x C, as the months are now means over days (a month's mean x its volume is not its load)."""
    rows = quality_effects(scenarios_nc, PHASE1)
    s = read_series(scenarios_nc, scenario="baseline")
    judged = [y for y in s.years if 2018 <= y <= 2020]
    assert s.years[0] == 2017 and judged == [2018, 2019, 2020]
    c = np.concatenate([s.monthly("gubeikou", "tp", y) for y in judged])
    d = s.daily
    in_years = (d.dates >= np.datetime64("2018-01-01")) & (d.dates <= np.datetime64("2020-12-31"))
    assert in_years.sum() == (date(2020, 12, 31) - date(2018, 1, 1)).days + 1
    # m3/s x mg/L = g/s; x 86,400 s / 1e3 = kg/d
    expected = float(np.mean(d.q["gubeikou"][in_years] * d.conc["gubeikou"]["tp"][in_years]) * 86.4)
    row = _row(rows, scenario="baseline", quantity="mean_load", location="gubeikou", parameter="tp")
    assert row["value"] == pytest.approx(expected, rel=1e-12) and row["year"] == "2018-2020"
    mean = _row(rows, scenario="baseline", quantity="mean_concentration", location="gubeikou", parameter="tp")
    assert mean["value"] == pytest.approx(float(np.nanmean(c)), rel=1e-12) and mean["year"] == "2018-2020"
    assert "(mean over 2018-2020, the agreement's years in the run;" in format_effects(rows)
    one = quality_effects(scenarios_nc, Agreement.from_toml(PHASE1, overrides=[
        "period=[2018,2018]", "fixed[2].year=2018"]))
    assert {r["year"] for r in one if r["quantity"] == "mean_load"} == {"2018"}  # not "2018-2018"


def test_the_quality_part_of_each_payment(scenarios_nc):
    rows = quality_effects(scenarios_nc, PHASE1)
    a = Agreement.from_toml(PHASE1)
    pays = evaluate(a, read_series(scenarios_nc, scenario="cut"))
    base = evaluate(a, read_series(scenarios_nc, scenario="baseline"))
    for year in (2018, 2019, 2020):
        for p in ("tn", "nh3n", "tp", "codmn"):
            def total(payments, year=year, p=p):
                return sum(x.amount_yuan for x in payments if x.year == year and x.parameter == p
                           and x.component in ("quality_class", "tn_reduction", "target"))
            r = _row(rows, scenario="cut", quantity="quality_payment", year=year, parameter=p)
            assert r["value"] == pytest.approx(total(pays)) and r["unit"] == "yuan"
            assert r["change"] == pytest.approx(total(pays) - total(base))
        parts = [r for r in rows if r["scenario"] == "cut" and r["quantity"] == "quality_payment"
                 and r["year"] == year and r["parameter"] != "all"]
        everything = _row(rows, scenario="cut", quantity="quality_payment", year=year, parameter="all")
        assert everything["value"] == pytest.approx(sum(r["value"] for r in parts))
        assert everything["payer"] == "beijing" and everything["payee"] == "chengde_zhangjiakou"
    # cleaner water earns more under the class bonus (CODMn, NH3-N, TP)
    assert _row(rows, scenario="cut", quantity="quality_payment", year=2019, parameter="tp")["change"] > 0
    # the quantity rule (flow) is no part of it
    assert not any(r["parameter"] == "flow" for r in rows)


def test_text_and_json_outputs(scenarios_nc):
    rows = quality_effects(scenarios_nc, PHASE1)
    text = format_effects(rows)
    assert "Effect on each parameter" in text and "Quality part of the payments" in text
    assert "NH3-N" in text and "CODMn" in text and "all parameters" in text
    assert effects_output(scenarios_nc, PHASE1).strip() == text
    assert effects_output(scenarios_nc, PHASE1, as_json=True) == ""  # the JSON list of incentives stays as it was


def test_hydro_scenarios_summary_reports_each_constituent():
    run = run_scenarios(ROOT / "configs/examples/watershed", ROOT / "configs/scenarios/watershed.toml",
                        date(2001, 1, 1), date(2002, 12, 31))
    rows = summarise(run)
    base, other = run.names[0], run.names[1]
    got = [r for r in rows if r["quantity"] == "mean_concentration" and r["scenario"] == other]
    assert got and {r["source"] for r in got} == set(run.results[0].constituents) & {"tn", "tp", "nh3n", "codmn"}
    for r in got:
        (b,) = [x for x in rows if x["quantity"] == "mean_concentration" and x["scenario"] == base
                and x["location"] == r["location"] and x["source"] == r["source"]]
        (c,) = [x for x in rows if x["quantity"] == "mean_concentration_change" and x["scenario"] == other
                and x["location"] == r["location"] and x["source"] == r["source"]]
        assert c["value"] == pytest.approx(r["value"] - b["value"], abs=1e-12)
    assert all(r["value"] == 0 for r in rows if r["scenario"] == base and r["quantity"].endswith("_change")
               and r["quantity"].startswith("mean_"))
    text = format_summary(rows)
    assert "change of the run mean against the baseline: TN" in text


AGREEMENT = '''name = "watershed test"
source = "test case"
period = [2001, 2002]
payer = "downstream"
payee = "upstream"

[[quality_class]]
section = "border"
parameter = "tn"
waterbody = "lake"
evaluation = "monthly"
target_class = "V"
bonus_yuan = 1000
penalty_per_class_yuan = 500

[[tn_reduction]]
section = "border"
parameter = "tn"
baseline_mg_per_l = 10.0
reward_per_mg_per_l_yuan = 100
'''


def test_compensate_scenarios_prints_the_effects_and_json_quality(tmp_path):
    import json

    from click.testing import CliRunner

    from hydro.cli import main
    from hydro.scenarios import write_scenarios

    scen = ROOT / "configs/scenarios/watershed.toml"
    run = run_scenarios(ROOT / "configs/examples/watershed", scen, date(2001, 1, 1), date(2002, 12, 31))
    out = write_scenarios(run, tmp_path / "scen.nc") or tmp_path / "scen.nc"
    (tmp_path / "a.toml").write_text(AGREEMENT, encoding="utf-8")
    args = ["compensate", "--scenarios", str(out), str(tmp_path / "a.toml"), "--scenario-file", str(scen)]
    text = CliRunner().invoke(main, args)
    assert text.exit_code == 0, text.output
    assert "net gain" in text.stdout and "Quality part of the payments" in text.stdout
    plain = CliRunner().invoke(main, args + ["--json"])
    assert isinstance(json.loads(plain.stdout), list)  # the incentive rows, as before
    both = CliRunner().invoke(main, args + ["--json", "--quality"])
    assert both.exit_code == 0, both.output
    data = json.loads(both.stdout)
    assert set(data) == {"incentives", "effects", "notes", "provenance"}  # provenance: review F1, 2026-12-05
    assert data["incentives"] == json.loads(plain.stdout)
    import hashlib

    sha = hashlib.sha256((tmp_path / "a.toml").read_bytes()).hexdigest()
    assert data["provenance"]["agreement"]["sha256"] == sha and f"(sha256 {sha})" in text.stdout
    rows = data["effects"]
    assert {r["quantity"] for r in rows} == {"mean_concentration", "mean_load", "quality_payment"}
    assert {r["location"] for r in rows if r["quantity"] != "quality_payment"} == {"border"}
    assert {r["scenario"] for r in rows} == set(run.names)


def test_years_outside_the_agreements_period_are_not_in_force(tmp_path):
    """A year the agreement does not cover pays nothing: its rows say so (``in_force`` false, "not in
    force" in the text) rather than showing a payment of 0, and its net gain is minus the cost (found in
    review, 2026-12-05: the README's ``period=[2013,2017]`` printed 2000-2012 as payments of 0)."""
    import json

    from click.testing import CliRunner

    from hydro.cli import main
    from hydro.scenarios import write_scenarios

    scen = ROOT / "configs/scenarios/watershed.toml"
    run = run_scenarios(ROOT / "configs/examples/watershed", scen, date(2001, 1, 1), date(2002, 12, 31),
                        scenarios=["baseline", "all_measures"])
    out = write_scenarios(run, tmp_path / "scen.nc") or tmp_path / "scen.nc"
    (tmp_path / "a.toml").write_text(AGREEMENT, encoding="utf-8")
    args = ["compensate", "--scenarios", str(out), str(tmp_path / "a.toml"), "--scenario-file", str(scen),
            "--set", "period=[2001,2001]"]
    rows = json.loads(CliRunner().invoke(main, [*args, "--json"]).stdout)
    assert {r["year"] for r in rows} == {2001, 2002}
    assert all(r["in_force"] == (r["year"] == 2001) for r in rows)
    for r in rows:
        if r["year"] == 2002:
            assert r["received_yuan"] == 0 and r["net_gain_yuan"] == -r["measure_cost_yuan"]
    assert any(r["year"] == 2002 and r["measure_cost_yuan"] > 0 for r in rows)  # (a cost the agreement does not meet)
    text = CliRunner().invoke(main, args).stdout
    lines = [ln for ln in text.splitlines() if ln.startswith(("baseline ", "all_measures "))]
    assert lines and all(("not in force" in ln) == (" 2002 " in ln) for ln in lines)
    assert "received yuan" in text and "net gain yuan" in text
    assert "not in force: a year outside the agreement's period" in text
