"""Why a member or a scenario failed is kept with the results, not only printed on stderr.

Review of 2026-12-05 (F6): the file named the failed runs (``members_failed``,
``scenarios_failed``) but the reasons went to stderr only, and the scenarios' summary CSV did not
mention a failed scenario at all, so a batch whose stderr was lost (a scheduler's log rotated,
``2>/dev/null``) left results that could not say why they were incomplete.  The failures are
those of ``HYDRO_TEST_FAIL_TASKS`` (:data:`hydro.batch.FAIL_ENV`), in this process (``--workers 1``);
the runs are the example watershed over a few months: a few seconds each.
"""

from __future__ import annotations

import csv
from pathlib import Path

import netCDF4
from click.testing import CliRunner

from hydro.batch import EXIT_PARTIAL, FAIL_ENV
from hydro.cli import main
from hydro.run_attributes import failure_reasons

SCENARIOS = Path(__file__).resolve().parents[1] / "configs" / "scenarios" / "watershed.toml"
REASON = f"RuntimeError: task 1 failed on purpose ({FAIL_ENV})"


def _attrs(path: Path) -> dict[str, str]:
    with netCDF4.Dataset(path) as nc:
        return {k: str(nc.getncattr(k)) for k in nc.ncattrs()}


def test_the_reasons_attribute_has_one_line_per_run():
    assert failure_reasons({1: "RuntimeError: a\n  b", "x": "died"}) == "1: RuntimeError: a b\nx: died"


def test_the_ensemble_file_says_why_a_member_failed(tmp_path, monkeypatch):
    monkeypatch.setenv(FAIL_ENV, "1")
    out = tmp_path / "ens.nc"
    r = CliRunner().invoke(main, ["run", "watershed", "--members", "3", "--workers", "1", "--start", "2001-01-01",
                                  "--end", "2001-02-28", "-o", str(out), "-q"])
    assert r.exit_code == EXIT_PARTIAL, r.output
    attrs = _attrs(out)
    assert attrs["members_failed"] == "1"
    assert attrs["members_failed_reasons"].startswith("1: ") and REASON in attrs["members_failed_reasons"]


def test_the_scenario_file_and_table_say_why_a_scenario_failed(tmp_path, monkeypatch):
    monkeypatch.setenv(FAIL_ENV, "1")
    out = tmp_path / "s.nc"
    r = CliRunner().invoke(main, ["scenarios", "watershed", str(SCENARIOS), "-o", str(out), "--start", "2005-01-01",
                                  "--end", "2005-12-31", "-q", "--workers", "1"])
    assert r.exit_code == EXIT_PARTIAL, r.output
    attrs = _attrs(out)
    failed = attrs["scenarios_failed"]
    assert attrs["scenarios_failed_reasons"] == f"{failed}: {REASON}"
    with open(tmp_path / "s.summary.csv", encoding="utf-8", newline="") as fh:
        rows = [row for row in csv.DictReader(fh) if row["scenario"] == failed]
    assert [(r["quantity"], r["source"], r["value"]) for r in rows] == [("failed", REASON, "")]
