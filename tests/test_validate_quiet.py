"""`hydro validate -q`: no progress on stderr, the table's failed checks and the count only
(docs/commands/validate.md, Options)."""

from __future__ import annotations

import json

from click.testing import CliRunner

from hydro import validation
from hydro.cli import main
from hydro.validation import Check


def _validate(*args):
    return CliRunner().invoke(main, ["validate", *args])


def test_quiet_prints_the_count_alone_when_every_check_passes():
    loud, quiet = _validate("mixed_tank"), _validate("mixed_tank", "-q")
    assert loud.exit_code == quiet.exit_code == 0, (loud.output, quiet.output)
    assert "-- mixed_tank" in loud.stderr and "PASS" in loud.stdout
    assert quiet.stderr == ""  # no progress line, no compile notice
    assert quiet.stdout.strip() == loud.stdout.strip().splitlines()[-1]
    assert quiet.stdout.strip().endswith(" passed, 0 failed")


def test_quiet_keeps_the_failed_checks_and_the_json_keeps_every_check(monkeypatch):
    checks = [Check.at_most("a_case", "error", 1.0, 2.0), Check.at_most("b_case", "error", 3.0, 2.0)]
    monkeypatch.setattr(validation, "run_cases", lambda cases, quick, progress: checks)
    quiet = _validate("-q")
    assert quiet.exit_code == 1
    assert [line.split()[:2] for line in quiet.stdout.splitlines()] == [["FAIL", "b_case"], ["1", "passed,"]]
    as_json = _validate("-q", "--json")
    assert as_json.exit_code == 1 and [c["case"] for c in json.loads(as_json.stdout)] == ["a_case", "b_case"]
