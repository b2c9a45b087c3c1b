"""Review fr of ab3dbd4..8a67462: tests that kill the mutants no test killed (review fr, mutant table).

Each names the mutant it kills (review fr; mutants of 8a67462).  Helpers come from
test_calibration_methodology_s44.py, test_calibrate_overwrite_staged.py and
test_benchmark_run_survives_a_failing_script.py).  Seconds in all.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]


def _two_period_scorer(obs):
    """A Scorer of one daily series: calibration 2000-01..06, validation 2000-07..12."""
    from hydro.calibration.config import Objective, Observation
    from hydro.calibration.observations import Alignment
    from hydro.calibration.scoring import Scorer

    days = np.arange(np.datetime64("2000-01-01"), np.datetime64("2001-01-01"))
    periods = {"calibration": (date(2000, 1, 1), date(2000, 6, 30)),
               "validation": (date(2000, 7, 1), date(2000, 12, 31))}
    al = Alignment.build(Observation("q", "discharge"), days, obs, days, periods, True)
    return Scorer({"q": al}, [Objective("q", "nse", 1.0)], ["calibration", "validation"]), days


# ------------------------------------------------------------------ scoring.py (M11, M12)


def test_a_simulation_nan_on_exactly_half_the_bins_is_scored():
    """M11 (``n < MIN_COVERAGE * size`` -> ``<=``): the docs say 'more than half' fails."""
    from test_calibration_methodology_s44 import daily_scorer

    obs = np.random.default_rng(1).gamma(1.0, 5.0, 366)
    sim = obs * 1.01
    sim[::2] = np.nan  # 183 of 366
    _, s = daily_scorer(obs, ["nse"]).score({"q": sim})
    assert s["calibration"]["q:n_pairs"] == 183


def test_the_validation_period_is_counted_never_failed():
    """M12 (the coverage rule applied to every period): docs/calibration.md, 'The validation period is
    counted, never failed: it must not steer the search'."""
    obs = np.random.default_rng(2).gamma(1.0, 5.0, 366)
    sc, days = _two_period_scorer(obs)
    sim = obs * 1.01
    sim[days >= np.datetime64("2000-07-15")] = np.nan  # most of the validation period
    loss, s = sc.score({"q": sim})
    assert loss < 0.01
    assert 0 < s["validation"]["q:n_pairs"] < 0.5 * 184


# ------------------------------------------------------------------ cli.py (M23), diagnostics.py (M25)


def test_the_cli_prints_the_summary_notes_on_stderr(tmp_path):
    """M23 (the loop printing summary['notes'] removed): the warm-up note must reach the terminal."""
    from click.testing import CliRunner
    from test_calibration_methodology_s44 import leguer_config

    from hydro.cli import main

    cfg = leguer_config(tmp_path, periods="warmup_start = 1991-07-01\ncalibration = [1991-07-01, 1992-12-30]")
    r = CliRunner().invoke(main, ["calibrate", str(cfg), "-o", str(tmp_path / "out"), "--workers", "1", "-q"])
    assert r.exit_code == 0, r.output
    assert "note: " in r.output and "less than a year of warm-up" in r.output, r.output


def test_a_year_of_warm_up_exactly_is_not_noted(tmp_path):
    """M25 (MIN_WARM_UP_DAYS 365 -> 364): 365 days before the scored period are enough."""
    from test_calibration_methodology_s44 import leguer_config

    from hydro.calibration.config import CalibrationConfig
    from hydro.calibration.diagnostics import warm_up_days
    from hydro.calibration.problem import Problem

    cfg = leguer_config(tmp_path, periods="warmup_start = 1991-01-01\ncalibration = [1992-01-01, 1992-12-30]")
    days, notes = warm_up_days(Problem(CalibrationConfig.from_toml(cfg)))
    assert days == {"calibration": 365} and notes == []
    cfg = leguer_config(tmp_path, periods="warmup_start = 1991-01-02\ncalibration = [1992-01-01, 1992-12-30]")
    days, notes = warm_up_days(Problem(CalibrationConfig.from_toml(cfg)))
    assert days == {"calibration": 364} and len(notes) == 1


# ------------------------------------------------------------------ models.py (M29)


def test_a_basin_run_after_the_basins_start_counts_its_spin_up_as_warm_up(tmp_path):
    """M29 (``min(self.start, basin.settings.start)`` -> ``self.start``): Miyun from 2013-03-01 is spun
    up from the basin's start, 2000-01-01 (its weather's first day), so its stores start then, not
    three years before 2013-03-01."""
    from hydro.calibration.config import CalibrationConfig
    from hydro.calibration.models import build_model

    cfg = tmp_path / "c.toml"
    cfg.write_text('[model]\nkind = "basin"\npath = "miyun"\n\n[periods]\nwarmup_start = 2013-03-01\n'
                   'calibration = [2013-03-01, 2015-12-31]\n\n[[parameters]]\nname = "x3"\n'
                   'paths = ["runoff.x3_mm"]\nlower = 20.0\nupper = 300.0\n\n[[observations]]\nname = "s"\n'
                   'variable = "reservoir_storage"\nat = "miyun"\n'
                   'points = [{first = 2015-01-01, last = 2015-01-01, value = 1e9}]\n\n'
                   '[[objectives]]\nobservation = "s"\nmetric = "mare"\n')
    assert build_model(CalibrationConfig.from_toml(cfg)).stores_start() == date(2000, 1, 1)


# ------------------------------------------------------------------ folder.py (M31, M32, M38)


def _pending_swap(tmp_path):
    from test_calibrate_overwrite_staged import _leguer

    from hydro.calibration import calibrate
    from hydro.calibration import folder as staging

    out = tmp_path / "cal"
    calibrate(_leguer(tmp_path, 20, 1), out, serial=True)
    staged = out / staging.STAGING
    shutil.copytree(out, staged, ignore=shutil.ignore_patterns(staging.STAGING))
    wrote = [n for n in staging.RUN_OUTPUTS if (staged / n).exists()]
    (staged / staging.SWAP_NOTE).write_text(json.dumps(wrote))
    return out


@pytest.mark.skipif(os.name != "posix", reason="flock")
def test_a_cut_swap_is_not_finished_while_another_run_holds_the_folder(tmp_path):
    """M31 (finish_cut_swap without the lock): a run still swapping holds the folder; a second
    hydro calibrate must be refused, not rename the same files under it."""
    from hydro.calibration import folder as staging
    from hydro.calibration.store import lock_folder, release_folder
    from hydro.errors import HydroError

    out = _pending_swap(tmp_path)
    fd = lock_folder(out)
    try:
        with pytest.raises(HydroError, match="another hydro calibrate is running"):
            staging.finish_cut_swap(out)
        assert staging.swap_pending(out)
    finally:
        release_folder(fd)
    staging.finish_cut_swap(out)
    assert not staging.swap_pending(out) and (out / "run.json").exists()


def test_leftovers_of_a_finished_swap_do_not_fail_it(tmp_path, monkeypatch):
    """M32 (``shutil.rmtree(staged, ignore_errors=True)`` -> ``rmtree(staged)``): once the note is gone
    the swap is complete; a file left in .overwrite (held open) is no error."""
    from hydro.calibration import folder as staging

    out = _pending_swap(tmp_path)
    real = shutil.rmtree

    def held(path, ignore_errors=False, **kw):
        if Path(path).name == staging.STAGING and not ignore_errors:
            raise PermissionError(13, "being used by another process", str(path))
        return real(path, ignore_errors=ignore_errors, **kw)

    monkeypatch.setattr(staging.shutil, "rmtree", held)
    assert staging.finish_swap(out) is True
    assert not staging.swap_pending(out)


def test_a_staged_run_that_cannot_be_removed_is_a_message(tmp_path, monkeypatch):
    """M38 (_remove_staging's HydroError removed): --overwrite discarding a staged run it cannot remove
    says so (exit 2), never a raw PermissionError traceback."""
    from test_calibrate_overwrite_staged import _interrupt_second_batch, _leguer

    from hydro.calibration import calibrate
    from hydro.calibration import folder as staging
    from hydro.errors import HydroError

    out = tmp_path / "cal"
    calibrate(_leguer(tmp_path, 20, 1), out, serial=True)
    with monkeypatch.context() as m:
        _interrupt_second_batch(m)
        with pytest.raises(KeyboardInterrupt):
            calibrate(_leguer(tmp_path, 40, 2), out, serial=True, overwrite=True)
    assert staging.staged_run(out) is not None

    def held(path, *a, **k):
        raise PermissionError(13, "being used by another process", str(path))

    monkeypatch.setattr(staging.shutil, "rmtree", held)
    with pytest.raises(HydroError, match="cannot remove the staged run"):
        calibrate(_leguer(tmp_path, 20, 3), out, serial=True, overwrite=True)


# ------------------------------------------------------------------ benchmarks/run.py (M36)


def test_a_benchmark_record_without_a_value_counts_as_failed(tmp_path):
    """M36 (``{"name", "value"} <= keys`` -> ``{"name"}``): the docstring's 'objects with at least name and
    value'; the BRIEF's record is {name, value, unit, reference, ratio}."""
    from test_benchmark_run_survives_a_failing_script import SCRIPTS

    bench = tmp_path / "benchmarks"
    bench.mkdir()
    for name in ("run.py", "_common.py"):
        shutil.copy(ROOT / "benchmarks" / name, bench / name)
    for name in SCRIPTS:
        body = ('[{"name": "x"}]' if name == "model.py"
                else f'[{{"name": "{name}", "value": 1.0, "unit": "s", "reference": 2.0, "ratio": 0.5}}]')
        (bench / name).write_text(f"print({body!r})\n", encoding="utf-8")
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "PYTHONPATH": str(ROOT)}
    r = subprocess.run([sys.executable, str(bench / "run.py"), "--json", "--quick"], capture_output=True, text=True,
                       timeout=60, env=env)
    assert r.returncode == 1, (r.stdout, r.stderr)
    assert "benchmark model.py failed (its output is not a list of records)" in r.stderr, r.stderr

