"""A reviewer's checks of the payment figures: the shipped agreements recomputed by hand
from their published formulas on a small monitoring CSV, and the cases that once printed
a wrong or misleading figure (a "-0" payment, an uncertainty run on monthly-aggregated
results, an uncertainty net that hid its undetermined lines)."""

import math
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from hydro.cli import main
from hydro.compensation import Agreement, evaluate, format_payments
from hydro.compensation.uncertainty import Setup, payment_uncertainty
from hydro.errors import HydroError
from hydro.monitoring import SectionSeries, read_monitoring_csv

ROOT = Path(__file__).resolve().parents[1]
GUANTING = ROOT / "configs" / "agreements" / "guanting_yongding_2023.toml"

HEAD = 'name = "t"\nsource = "test case"\nperiod = [2020, 2020]\npayer = "up"\npayee = "down"\n'


def _agreement(tmp_path, body) -> Agreement:
    path = tmp_path / "a.toml"
    path.write_text(HEAD + body, encoding="utf-8")
    return Agreement.from_toml(path)


def test_a_failed_target_without_penalty_pays_plus_zero(tmp_path):
    """A bonus-only target that is missed withholds the bonus: 0 yuan, not -0 ("-0" in the
    table, -0.0 in JSON read as a deduction of nothing from the payee)."""
    a = _agreement(tmp_path, """
[[target]]
section = "s"
parameter = "tn"
annual_mean_max = 4.1
monthly_max = 6.0
bonus_yuan = 2e7
source = "test"
""")
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
    bonus = 2_000_000
    for year in (2024, 2025):
        assert got[(year, "quality_class", "bahaoqiao", "codmn")] == bonus  # 6.0 is Class III
        assert got[(year, "quality_class", "bahaoqiao", "tp")] == bonus      # 0.2 river TP is Class III
        assert got[(year, "quality_class", "xiangshuibao", "codmn")] == 0.0  # 6.01 is Class IV
        assert got[(year, "quality_class", "shixiali", "nh3n")] == 0.0
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
