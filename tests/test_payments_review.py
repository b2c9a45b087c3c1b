"""A reviewer's checks of the payment figures: the shipped agreements recomputed by hand
from their published formulas on a small monitoring CSV, and the cases that once printed
a wrong or misleading figure (a "-0" payment, an uncertainty run on monthly-aggregated
results, an uncertainty net that hid its undetermined lines)."""

import math
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from test_compensation import agreement

from hydro.cli import main
from hydro.compensation import Agreement, evaluate, format_payments
from hydro.compensation.uncertainty import Setup, payment_uncertainty
from hydro.errors import HydroError
from hydro.monitoring import SectionSeries, read_monitoring_csv

ROOT = Path(__file__).resolve().parents[1]
GUANTING = ROOT / "configs" / "agreements" / "guanting_yongding_2023.toml"

HEAD = 'name = "t"\nsource = "test case"\nperiod = [2020, 2020]\npayer = "up"\npayee = "down"\n'


def test_a_failed_target_without_penalty_pays_plus_zero(tmp_path):
    """A bonus-only target that is missed withholds the bonus: 0 yuan, not -0 ("-0" in the
    table, -0.0 in JSON read as a deduction of nothing from the payee)."""
    a = agreement(tmp_path, """
[[target]]
section = "s"
parameter = "tn"
annual_mean_max = 4.1
monthly_max = 6.0
bonus_yuan = 2e7
source = "test"
""", head=HEAD)
    tn = np.full(12, 4.0)
    tn[2] = 6.5  # one month above 6 mg/L: failed
    (pay,) = evaluate(a, SectionSeries(2020, {"s": {"tn": tn}}, source="one year"))
    assert pay.amount_yuan == 0.0 and math.copysign(1.0, pay.amount_yuan) == 1.0
    assert "failed" in pay.note
    row = format_payments([pay]).splitlines()[1]
    assert row.split()[-1] == "0" and "-0" not in row


def _guanting_csv(path: Path, tn_2025) -> Path:
    """Bahaoqiao, Xiangshuibao and Shixiali 2024-2025: fixed monthly values, TN as given."""
    rows = ["section,year,month,parameter,value,unit"]
    values = {"bahaoqiao": {"codmn": 6.0, "nh3n": 1.0, "tp": 0.2},       # exactly at the Class III limits
              "xiangshuibao": {"codmn": 6.01, "nh3n": 0.5, "tp": 0.1},   # CODMn just worse than III
              "shixiali": {"codmn": 4.0, "nh3n": 1.5, "tp": 0.3}}       # NH3-N and TP Class IV
    for section, params in values.items():
        for year in (2024, 2025):
            for m in range(1, 13):
                for p, v in params.items():
                    rows.append(f"{section},{year},{m},{p},{v},mg/L")
                rows.append(f"{section},{year},{m},flow,4.0,m3/s")
                tn = 5.0 if year == 2024 else tn_2025[m - 1]
                rows.append(f"{section},{year},{m},tn,{tn},mg/L")
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def test_guanting_agreement_by_hand(tmp_path):
    """The shipped Guanting agreement on a hand-made CSV, each line from its published rule:
    Class III as an annual mean ("<=" the limit is the better class), the 2025 TN targets
    (annual mean <= 4.10, every month <= 6), year-on-year TN decrease, the non-binding flow
    target at 1e8 m3."""
    tn_2025 = [4.1] * 12  # exactly at the annual limit, every month under 6
    csv = _guanting_csv(tmp_path / "g.csv", tn_2025)
    pay = evaluate(Agreement.from_toml(GUANTING), read_monitoring_csv(csv))
    got = {(p.year, p.component, p.section, p.parameter): p.amount_yuan for p in pay}
    bonus = 6_000_000  # per section at Class III (judge = "section": the worst of CODMn, NH3-N, TP)
    judged = "codmn+nh3n+tp"
    for year in (2024, 2025):
        assert got[(year, "quality_class", "bahaoqiao", judged)] == bonus  # 6.0, 1.0, 0.2: all at the III limits
        assert got[(year, "quality_class", "xiangshuibao", judged)] == 0.0  # CODMn 6.01 is Class IV: a IV section
        assert got[(year, "quality_class", "shixiali", judged)] == 0.0      # NH3-N and TP Class IV
        assert got[(year, "target", "bahaoqiao", "flow")] == 0.0             # strive for: never paid
    # 4.0 m3/s all year: 365 x 86,400 x 4 = 1.26e8 m3 >= 1e8: met
    volume_note = next(p.note for p in pay if p.component == "target" and p.parameter == "flow" and p.year == 2025)
    assert "would pay nothing" in volume_note and "all checks met" in volume_note
    assert got[(2025, "target", "bahaoqiao", "tn")] == 20_000_000            # 4.10 <= 4.10
    # (5.0 - 4.1) mg/L x 1e7 yuan per mg/L = 9e6 (under the 2e7 cap)
    assert got[(2025, "tn_reduction", "bahaoqiao", "tn")] == pytest.approx(9_000_000, abs=1e-3)
    assert math.isnan(got[(2024, "tn_reduction", "bahaoqiao", "tn")])        # no 2023 in the series


def _uncertainty_setup(tmp_path, csv_text: str, body: str) -> Setup:
    (tmp_path / "s.csv").write_text(csv_text, encoding="utf-8")
    (tmp_path / "a.toml").write_text(HEAD + body, encoding="utf-8")
    return Setup(str(tmp_path / "a.toml"), series=str(tmp_path / "s.csv"), seed=1, weather=False)


def test_uncertainty_net_says_when_it_left_lines_out(tmp_path):
    """A year whose rule is undetermined (a month missing) must not show a clean net of 0:
    the net band counts the members in which it was incomplete, as the plain output marks
    "(incomplete)"."""
    from hydro.compensation.uncertainty import format_uncertainty

    csv_text = "section,year,month,parameter,value,unit\n" + "".join(
        f"s,2020,{m},tn,{'' if m == 5 else 2.0},mg/L\n" for m in range(1, 13))
    setup = _uncertainty_setup(tmp_path, csv_text, """
[[tn_reduction]]
section = "s"
baseline_mg_per_l = 3.0
reward_per_mg_per_l_yuan = 1e6
source = "test"
""")
    result = payment_uncertainty(setup, 3, workers=1, quiet=True)
    (row,) = result["rows"]
    assert row["undetermined"] == 3
    (net,) = result["net"]
    assert net["incomplete"] == 3
    assert "incomplete in 3 of 3 members" in format_uncertainty(result)


def test_uncertainty_refuses_monthly_aggregated_results(tmp_path):
    """`--uncertainty` on results written with --aggregate monthly: refused like the plain
    command (their monthly means leave every month missing, so every line would be
    undetermined and every net a silent 0)."""
    netCDF4 = pytest.importorskip("netCDF4")
    path = tmp_path / "agg.nc"
    with netCDF4.Dataset(path, "w") as ds:
        ds.time_aggregation = "monthly"
        ds.createDimension("time", 12)
        ds.createDimension("section", 1)
        t = ds.createVariable("time", "f8", ("time",))
        t.units = "days since 2020-01-01"
        t[:] = np.arange(12) * 30.0
        s = ds.createVariable("section", str, ("section",))
        s[0] = "s"
        q = ds.createVariable("section_discharge", "f8", ("time", "section"))
        q.units = "m3 s-1"
        q[:] = 1.0
    (tmp_path / "a.toml").write_text(HEAD + """
[[quantity]]
section = "s"
baseline_m3 = 1e6
reward_per_m3_above_yuan = 1.0
source = "test"
""", encoding="utf-8")
    with pytest.raises(HydroError, match=r"monthly means.*without --aggregate"):
        payment_uncertainty(Setup(str(tmp_path / "a.toml"), series=str(path), seed=0, weather=False), 2,
                            workers=1, quiet=True)
    result = CliRunner().invoke(main, ["compensate", str(path), str(tmp_path / "a.toml"), "--uncertainty", "2",
                                       "--workers", "1", "--json"])
    assert result.exit_code == 2, result.output
    assert "--aggregate" in result.output and not result.output.lstrip().startswith("{")


def test_the_table_never_prints_minus_zero():
    """An amount under half a yuan below zero (a TN rise of 1e-8 mg/L at 1e7 yuan per mg/L)
    rounds to "0" in the table and its net, not "-0"."""
    from hydro.compensation import Payment

    pay = [Payment(2020, "s", "tn_reduction", "tn", "up", "down", -0.1, True, False, "tn_reduction[0]", "n")]
    text = format_payments(pay)
    assert "-0" not in text
    assert text.splitlines()[1].split()[-1] == "0"
    assert "up -> down: 0 yuan (rules 0, fixed 0)" in text


INTERNAL = ROOT / "configs" / "agreements" / "beijing_internal_2015.toml"
PHASE1 = ROOT / "configs" / "agreements" / "miyun_chaobai_phase1_2018.toml"


def _csv(path: Path, rows: dict) -> Path:
    """``rows``: {(section, parameter): 12 monthly values of 2019 (flow in m3)}."""
    lines = ["section,year,month,parameter,value,unit"]
    for (section, parameter), values in rows.items():
        for m, v in enumerate(values, start=1):
            lines.append(f"{section},2019,{m},{parameter},{v},{'m3' if parameter == 'flow' else 'mg/L'}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_beijing_internal_2015_by_hand(tmp_path):
    """Beijing's 2015 rule (DOMAIN.md): 300,000 yuan per section, month and class the water
    worsens or misses its target, 150,000 when no worse than its inflow but missing it.
    Guanting (lake limits) against Bahaoqiao for NH3-N, target III:
    Jan in II out II: 0; Feb in II out IV (worse by 2, 1 short): -600,000; Mar in V out IV
    (better than inflow, 1 short): -150,000; Apr in III out 1.0 mg/L exactly (III, limit
    is the better class): 0; May in I out V (worse by 4): -1,200,000; the rest at I: 0."""
    nh3n_in = [0.4, 0.4, 1.8, 1.0, 0.1] + [0.1] * 7
    nh3n_out = [0.4, 1.2, 1.2, 1.0, 1.9] + [0.1] * 7
    guishui_tp = [0.2] * 11 + [0.31]  # river TP: 0.2 is III (target), 0.31 is V: 2 short
    rows = {("guanting", "nh3n"): nh3n_out, ("bahaoqiao", "nh3n"): nh3n_in,
            ("guanting", "codmn"): [4.0] * 12, ("bahaoqiao", "codmn"): [4.0] * 12,
            ("guishui_outlet", "tp"): guishui_tp, ("guishui_outlet", "codmn"): [6.0] * 12,
            ("guishui_outlet", "nh3n"): [1.0] * 12}
    pay = evaluate(Agreement.from_toml(INTERNAL), read_monitoring_csv(_csv(tmp_path / "b.csv", rows)))
    got = {(p.section, p.parameter): p.amount_yuan for p in pay}
    assert got[("guanting", "nh3n")] == -(600_000 + 150_000 + 1_200_000)
    assert got[("guanting", "codmn")] == 0.0
    assert got[("guishui_outlet", "tp")] == -600_000
    assert got[("guishui_outlet", "codmn")] == 0.0 and got[("guishui_outlet", "nh3n")] == 0.0


def test_miyun_phase1_by_hand(tmp_path):
    """Phase 1 as shipped, 2019 against 2018: quantity on the three rivers' summed volume
    ((V - 3.5e8) x 0.2 yuan/m3 above, nothing below), a bonus of 1,961,000 yuan per section,
    parameter and month at Class II or better, 1e7 yuan per mg/L of TN decrease (capped at
    1e7 per section, a rise pays nothing); the 2019 advance listed, not netted."""
    rows: dict = {}
    for s, flow, tn in (("gubeikou", 2e7, (5.0, 4.5)), ("baihe_border", 1.5e7, (2.0, 3.0)),
                        ("qingshui_outlet", 0.5e7, (2.0, 0.5))):
        rows[(s, "flow")] = [flow] * 12
        rows[(s, "codmn")] = [4.0] * 11 + [4.01]    # December Class III: no bonus that month
        rows[(s, "nh3n")] = [0.5] * 12
        rows[(s, "tp")] = [0.1] * 12
        rows[(s, "tn")] = [tn[1]] * 12
    path = _csv(tmp_path / "p.csv", rows)
    text = path.read_text(encoding="utf-8") + "".join(  # 2018 TN, for the year-on-year rule
        f"{s},2018,{m},tn,{tn},mg/L\n" for s, tn in (("gubeikou", 5.0), ("baihe_border", 2.0),
                                                     ("qingshui_outlet", 2.0)) for m in range(1, 13))
    path.write_text(text, encoding="utf-8")
    pay = [p for p in evaluate(Agreement.from_toml(PHASE1), read_monitoring_csv(path)) if p.year == 2019]
    got = {(p.component, p.section, p.parameter): p.amount_yuan for p in pay}
    volume = 12 * (2e7 + 1.5e7 + 0.5e7)                       # 4.8e8 m3
    assert got[("quantity", "gubeikou+baihe_border+qingshui_outlet", "flow")] == pytest.approx((volume - 3.5e8) * 0.2)
    assert got[("quality_class", "gubeikou", "codmn")] == 11 * 1_961_000
    assert got[("quality_class", "baihe_border", "tp")] == 12 * 1_961_000  # 0.1 mg/L: Class II for rivers
    assert got[("tn_reduction", "gubeikou", "tn")] == pytest.approx(5_000_000)
    assert got[("tn_reduction", "baihe_border", "tn")] == 0.0          # a rise: nothing
    assert got[("tn_reduction", "qingshui_outlet", "tn")] == 10_000_000  # 1.5 mg/L x 1e7, capped
    assert got[("advance", "", "")] == 177_850_000
    from hydro.compensation import totals

    (net,) = [t for t in totals(pay) if t["payer"] == "beijing"]
    assert net["net_yuan"] == pytest.approx(sum(a for (c, *_), a in got.items() if c != "advance"))


def test_set_reaches_a_rule_number_by_its_key_path(tmp_path):
    """`--set quantity[0].baseline_m3=...`: the key path payments and provenance use. It used
    to fail ("unknown key 'quantity[0]'"; 'quantity.0' found tables "named: None"), so no price
    of a shipped agreement could be varied from the command line. The number set is the
    user's: an assumption, whatever the file said."""
    a = Agreement.from_toml(INTERNAL, overrides=["quality_class[0].penalty_per_class_yuan=1000"])
    (rule,) = [r for r in a.rules if r.where == "quality_class[0]"]
    assert rule.penalty_per_class_yuan == 1000.0 and rule.assumed
    prov = {p.key: p for p in a.provenance}["quality_class[0].penalty_per_class_yuan"]
    assert prov.status == "assumed" and "--set" in prov.text and prov.range is None
    with pytest.raises(HydroError, match=r"has 0 \[\[quantity\]\] tables"):
        Agreement.from_toml(INTERNAL, overrides=["quantity[0].baseline_m3=1"])
    with pytest.raises(HydroError, match=r"give an index 0\.\.1"):
        Agreement.from_toml(INTERNAL, overrides=["quality_class[2].bonus_yuan=1"])
    phase1 = Agreement.from_toml(PHASE1, overrides=["quantity[0].baseline_m3=1e8", "period=[2018, 2019]"])
    assert phase1.rules[0].baseline.value == 1e8 and phase1.period == (2018, 2019)
