"""`hydro validate PATH`: a basin folder of one's own with an observations.toml is a case (a new
basin's author had no way to score it: "unknown validation case"; review of 2026-12-05)."""

from __future__ import annotations

import shutil
from pathlib import Path

from click.testing import CliRunner

from hydro.cli import main

ROOT = Path(__file__).resolve().parents[1]

TARGETS = """
[validation_run]
end = 2003-12-31

[[targets]]
id = "lake_inflow_2003"
variable = "reservoir_inflow"
location = "lake"
statistic = "annual_total"
period = [2003, 2003]
unit = "m3 yr-1"
range = [{low}, 1.0e12]
reference = "a test's bound, not a published figure"
"""


def _basin(tmp_path: Path, low: float | None) -> Path:
    folder = tmp_path / "mine"
    shutil.copytree(ROOT / "configs" / "examples" / "watershed", folder)
    if low is not None:
        (folder / "observations.toml").write_text(TARGETS.format(low=low), encoding="utf-8")
    return folder


def test_a_folder_with_observations_is_scored(tmp_path):
    """The example's 2003 lake inflow is 1.124e8 m3 (docs/commands/validate.md): a bound below it passes,
    one above fails, so the case really scores the run (exit 0 / 1)."""
    ok = CliRunner().invoke(main, ["validate", str(_basin(tmp_path / "a", 1.0e8))])
    assert ok.exit_code == 0, ok.output
    assert "PASS" in ok.output and "lake_inflow_2003" in ok.output and "1 passed" in ok.output
    bad = CliRunner().invoke(main, ["validate", str(_basin(tmp_path / "b", 1.2e8))])
    assert bad.exit_code == 1, bad.output
    assert "FAIL" in bad.output and "1 failed" in bad.output


def test_a_folder_without_observations_is_told_how_to_make_it_a_case(tmp_path):
    result = CliRunner().invoke(main, ["validate", str(_basin(tmp_path, None))])
    assert result.exit_code == 2
    assert "unknown validation case" in result.output and "observations.toml" in result.output


def test_a_mistake_in_ones_own_observations_is_told_before_the_run(tmp_path):
    folder = _basin(tmp_path, 1.0e8)
    path = folder / "observations.toml"
    path.write_text(path.read_text(encoding="utf-8").replace('location = "lake"', 'location = "lak"'),
                    encoding="utf-8")
    result = CliRunner().invoke(main, ["validate", str(folder)])
    assert result.exit_code == 2, result.output
    assert "observations.toml" in result.output and "lak" in result.output and "Traceback" not in result.output


def test_ones_own_case_is_neither_registered_nor_listed(tmp_path):
    """Validated twice in one process (a notebook), it is made again, not registered twice; the listing and
    a run of every case stay the shipped ones."""
    from hydro.validation.registry import all_cases

    folder = str(_basin(tmp_path, 1.0e8))
    for _ in range(2):
        assert CliRunner().invoke(main, ["validate", folder]).exit_code == 0
    assert folder not in all_cases()
    assert folder not in CliRunner().invoke(main, ["validate", "--list"]).output
