"""A target met once before the measures is not a target reached (a review of the summary).

The shipped Miyun baseline meets its reservoir targets in 2000-2003 and misses them from
2004 on; ``first_year_met`` alone read "first met 2000", for every scenario alike.
"""

from __future__ import annotations

import numpy as np

from hydro.scenarios.summary import format_summary


def _row(q, year, value, loc="gate", source=""):
    return {"scenario": "baseline", "quantity": q, "location": loc, "source": source, "year": year,
            "value": value, "unit": "year"}


def test_met_every_year_from_is_printed_with_first_met():
    rows = [_row("tn_annual_mean", 2000, 0.9), _row("tn_max_monthly_mean", 2000, 1.0),
            _row("first_year_met", "all", 2000.0, source="t1"),
            _row("met_every_year_from", "all", float("nan"), source="t1"),
            _row("first_year_met", "all", 2000.0, source="t2"),
            _row("met_every_year_from", "all", 2015.0, source="t2")]
    text = format_summary(rows)
    # 2000 is the run's first complete year: what the lake starts from may decide it (legacy-N review F7)
    first = "; the run's first complete year: the initial state it starts from may decide that year"
    assert "target t1 (gate): first met 2000; not met in the last complete year" + first in text
    assert "target t2 (gate): first met 2000; met every later year from 2015" + first in text
    later = format_summary([_row("tn_annual_mean", 2000, 0.9), _row("tn_annual_mean", 2001, 0.9),
                            _row("tn_max_monthly_mean", 2001, 1.0), _row("first_year_met", "all", 2001.0, source="t3"),
                            _row("met_every_year_from", "all", 2001.0, source="t3")])
    assert "target t3 (gate): first met 2001; met every later year from 2001\n" in later + "\n"


def test_summarise_gives_the_year_from_which_a_target_holds():
    from datetime import date
    from pathlib import Path

    from hydro.scenarios import run_scenarios
    from hydro.scenarios.summary import summarise

    root = Path(__file__).resolve().parents[1]
    run = run_scenarios(root / "configs" / "examples" / "watershed", root / "configs" / "scenarios" / "watershed.toml",
                        date(2001, 1, 1), date(2003, 12, 31), scenarios=["domestic"])
    rows = summarise(run)
    for t in run.sfile.targets:
        for sid in run.names:
            mine = {r["quantity"]: r["value"] for r in rows if r["scenario"] == sid and r["source"] == t.id}
            annual = {r["year"]: r["value"] for r in rows if r["scenario"] == sid
                      and r["quantity"] == "tn_annual_mean" and r["location"] == t.location}
            high = {r["year"]: r["value"] for r in rows if r["scenario"] == sid
                    and r["quantity"] == "tn_max_monthly_mean" and r["location"] == t.location}
            ok = [y for y in sorted(annual)
                  if annual[y] <= t.checks.get("annual_mean_max_mg_per_l", np.inf) + 1e-12
                  and high[y] <= t.checks.get("monthly_max_mg_per_l", np.inf) + 1e-12]
            held = [y for y in sorted(annual) if all(z in ok for z in annual if z >= y)]
            assert mine["met_every_year_from"] == (held[0] if held else None) or (
                not held and np.isnan(mine["met_every_year_from"]))
            assert mine["first_year_met"] == (ok[0] if ok else None) or (not ok and np.isnan(mine["first_year_met"]))
