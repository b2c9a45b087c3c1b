"""A Hebei-side review of fairness (2026-12-06): what tilted payments against the upstream side without a word.
A fixed quantity baseline above every year's volume (every Miyun run: 1.09e8 m3 a year against 3.5e8) paid
nothing and was not said, while one a thousand times too low was; payments of simulated water read like a
settlement's; a transfer series ending before the years judged (Guanting's Yellow River water in 2025) was not
said by hydro compensate."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from hydro.cli import main
from hydro.compensation.notes import simulated_text, transfer_end_text

AGREEMENTS = Path(__file__).resolve().parents[1] / "configs" / "agreements"


def _monitoring_csv(path: Path, flow_m3_s: float) -> None:
    """Three phase-1 border sections, 2017-2020, all Class II, a steady flow."""
    rows = ["section,year,month,parameter,value,unit"]
    for s in ("gubeikou", "baihe_border", "qingshui_outlet"):
        for y in range(2017, 2021):
            for m in range(1, 13):
                rows += [f"{s},{y},{m},flow,{flow_m3_s},m3/s", f"{s},{y},{m},codmn,3.0,mg/L",
                         f"{s},{y},{m},nh3n,0.3,mg/L", f"{s},{y},{m},tp,0.05,mg/L",
                         f"{s},{y},{m},tn,{3.0 - 0.1 * (y - 2017)},mg/L"]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")


def test_a_fixed_quantity_baseline_above_every_year_is_noted(tmp_path):
    csv = tmp_path / "mon.csv"
    _monitoring_csv(csv, 1.0)  # 3 x 1 m3/s = 9.5e7 m3 a year, below the assumed 3.5e8
    r = CliRunner().invoke(main, ["compensate", str(csv), str(AGREEMENTS / "miyun_chaobai_phase1_2018.toml")])
    assert r.exit_code == 0, r.output
    assert ("note: quantity[0].baseline_m3 = 3.5e+08 m3 is above every year's volume at "
            "gubeikou+baihe_border+qingshui_outlet (at most 9.49e+07 m3): the rule pays nothing in any year; on "
            "model results, compare like with like: --set quantity[0].baseline_mean_of_years=[FIRST,LAST]") in r.output
    _monitoring_csv(csv, 10.0)  # 9.5e8 m3 a year: above the baseline in every year, nothing said
    r = CliRunner().invoke(main, ["compensate", str(csv), str(AGREEMENTS / "miyun_chaobai_phase1_2018.toml")])
    assert r.exit_code == 0 and "is above every year's volume" not in r.output, r.output
    # a monitoring CSV is no model's: no note of simulated water
    assert "simulated water quality" not in r.output


def test_simulated_water_and_ended_transfers_are_said_from_a_results_file_s_attributes():
    said = simulated_text("g.nc", {"basin": "guanting"})
    assert said.startswith("note: g.nc: payments of simulated water quality (basin guanting), not of monitoring")
    assert "hydro validate guanting" in said and simulated_text("m.csv", {}) == ""
    ended = transfer_end_text("g.nc", {"transfer_series_end_before_period_end": "yellow=2024-12-31"})
    assert ended.startswith("note: g.nc: transfer series end before the run does (yellow on 2024-12-31): the days "
                            "after have none of that transfer")
    assert transfer_end_text("g.nc", {}) == ""
