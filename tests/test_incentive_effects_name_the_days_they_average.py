"""`hydro compensate --scenarios` prints "Effect on each parameter ... (mean over 2001-2003, the agreement's
years in the run)" and its JSON effect rows say `year: "2001-2003"`, but on a run of 2001-03-01..2003-06-30 the
mean is over those days (Mar 2001 - Jun 2003), the same number the scenarios summary CSV labels
`2001-03-01..2003-06-30`; and the payments beside it call 2001 and 2003 partial ('*', undetermined).
(watershed, lake TN: 1.749 mg/L in both places, labelled differently.)

Review "one number, many places", 2026-12-06.
"""
from __future__ import annotations

import csv
import json
from pathlib import Path

from click.testing import CliRunner

from hydro.cli import main

ROOT = Path(__file__).resolve().parents[1]

AGREEMENT = """name = "t"
source = "synthetic"
period = [2001, 2003]
payer = "downstream"
payee = "upstream"
[[tn_reduction]]
section = "lake_inlet"
baseline_mg_per_l = 20.0
reward_per_mg_per_l_yuan = 1e6
"""


def test_effect_means_of_a_partial_run_name_the_days_they_cover(tmp_path):
    out = tmp_path / "wsp.nc"
    res = CliRunner().invoke(main, ["scenarios", "watershed", str(ROOT / "configs/scenarios/watershed.toml"),
                                    "--start", "2001-03-01", "--end", "2003-06-30", "-o", str(out), "-q"])
    assert res.exit_code == 0, res.output
    ag = tmp_path / "a.toml"
    ag.write_text(AGREEMENT)
    res = CliRunner().invoke(main, ["compensate", "--scenarios", str(out), str(ag), "--json", "--quality"])
    assert res.exit_code == 0, res.output
    effects = [e for e in json.loads(res.stdout)["effects"]
               if (e["quantity"], e["scenario"], e["location"]) == ("mean_concentration", "baseline", "lake_inlet")]
    assert effects
    summary = out.with_name("wsp.summary.csv")
    with open(summary, newline="") as fh:
        row = next(r for r in csv.DictReader(fh) if r["scenario"] == "baseline"
                   and r["quantity"] == "mean_concentration" and r["location"] == "lake_inlet")
    assert abs(float(row["value"]) - effects[0]["value"]) < 1e-9  # the same number ...
    # ... so the same span: not whole calendar years 2001-2003 when the run covers Mar 2001 - Jun 2003
    assert effects[0]["year"] == "2001-03..2003-06", (effects[0]["year"], row["year"])
    with open(summary, newline="") as fh:  # the per-year cost rows are whole years': the partial ones say so
        costs = {r["year"]: r["source"] for r in csv.DictReader(fh) if r["scenario"] == "domestic"
                 and r["quantity"] == "cost"}
    assert costs["2001"] == "whole year; the run covers Mar-Dec only" and costs["2002"] == ""
    assert costs["2003"] == "whole year; the run covers Jan-Jun only" and costs["all"] == ""
    text = CliRunner().invoke(main, ["compensate", "--scenarios", str(out), str(ag)]).output
    assert "mean over 2001-03..2003-06, the agreement's years in the run" in text
