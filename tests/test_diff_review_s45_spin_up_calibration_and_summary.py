"""Kills two surviving mutants; both tests pass on s45.

test_a_calibration_starting_after_the_weathers_first_day_is_still_noted: mutant M34
(hydro/calibration/models.py spin_up_cycles: ``cycles if first >= min(start, basin start) else 0`` ->
``cycles``).  A basin with runoff_spin_up_cycles whose stores start a month after the weather's first day
(here a year, with runoff_warm_up_years = 0) starts cold, not spun up (warm_up spins up only where no
weather precedes the start), so hydro calibrate must still note the missing warm-up.

test_the_summary_adds_the_days_above_the_lake_maximum_over_blocks: mutant M36 (hydro/run_summary.py
``seen[0] += ...`` -> ``seen[0] = ...``): a blocked run's summary must count the days of every block.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]


def test_a_calibration_starting_after_the_weathers_first_day_is_still_noted(tmp_path):
    from hydro.calibration import CalibrationConfig, Problem
    from hydro.calibration.diagnostics import warm_up_days

    shipped = ROOT / "configs" / "calibration" / "guanting_water.toml"
    text = shipped.read_text()
    late_start = 'path = "guanting"\noverrides = ["run.start=2001-01-01", "run.runoff_warm_up_years=0"]'
    text = text.replace('path = "guanting"', late_start, 1)
    text = text.replace("warmup_start = 2000-01-01", "warmup_start = 2001-01-01")
    text = text.replace("calibration = [2000-01-01, 2005-12-31]", "calibration = [2001-01-01, 2005-12-31]")
    text = text.replace("{ first = 2000-01-01, last = 2005-12-31,", "{ first = 2001-01-01, last = 2005-12-31,")
    late = tmp_path / "guanting_late.toml"
    late.write_text(text)
    problem = Problem(CalibrationConfig.from_toml(late))
    assert problem.prepare().model.spin_up_cycles() == 0
    days, notes = warm_up_days(problem)
    assert days["calibration"] == 0 and any("less than a year of warm-up" in n for n in notes)


def test_the_summary_adds_the_days_above_the_lake_maximum_over_blocks(tmp_path):

    from test_reservoir_limits_review import film_lake_basin

    from hydro.basin import Basin
    from hydro.run_summary import RunSummary
    from hydro.simulation import run
    from hydro.units import WATER_MAX_MG_L

    folder = film_lake_basin(tmp_path / "b")
    res = run(Basin.load(folder))
    tn = np.asarray(res["reservoir_tn_concentration"], dtype=float)[:, 0]
    days = int(np.count_nonzero(tn > WATER_MAX_MG_L["tn"]))
    assert days > 0
    summary = RunSummary()
    summary.add(res)
    summary.add(res)  # a second block with the same days above
    assert summary.too_high[("tn", "lake")][0] == 2 * days
    assert f"on {2 * days:,} days" in summary.text()
