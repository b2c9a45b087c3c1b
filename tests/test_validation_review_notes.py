"""The notes of the shipped observation targets quote the model's result of the current run.

Review of 2026-12-01: about 18 notes quoted how far the model was from the published figure on
an older run (``storage_2001_01`` said +5.4 % where the run gave +11.1 %, ``natural_inflow_2012_
to_08_06`` +164 % where it gave +60 %, ``bai_inflow_tn_2006`` "fails high" where it passed).

The rule the observation files now follow (their header comment): a note states its own target's
current result in one marker,

    (2026-12-01 run: fails low, 5.636e8, -19.5 %)

the status (``passes``, ``fails``, ``fails high``, ``fails low``), then the simulated value in the
target's unit and, for a target with a ``value``, the relative difference in percent; a class is
written ``class 3``.  Other model figures in a note carry the date of their run, and other
targets' results are referred to by id, not quoted.  This test runs each basin's validation
run once and checks every marker against it, to one unit of the last digit quoted (so rounding
and the last bits of a platform's arithmetic cannot fail it, while any real change of the model's
result does).  Every scored target must have exactly one marker, so a new target cannot skip it.
When a model change moves a result, this test names each note to update.

Why this and not notes without numbers: the reasoning of a note ("fails low because the dry
years' inflow is a third of the published") depends on the number, and a reader of the file
wants it there; a number that is checked cannot go stale.  The cost is one validation run per
basin (about 10 s each).
"""

from __future__ import annotations

import math
import re

import pytest

from hydro.tomlio import Table
from hydro.validation.basins import basin_targets

MARKER = re.compile(r"\((\d{4}-\d{2}-\d{2}) run: ([^()]*)\)")
STATUS = re.compile(r"^(passes|fails(?: high| low)?)(?:, (.*))?$")
NUMBER = r"[-+]?\d+(?:\.\d+)?(?:e[-+]?\d+)?"


def _unit_of_last_digit(text: str) -> float:
    """One unit of the last digit of a number as written ("0.5636e9" -> 1e5, "-19.5" -> 0.1)."""
    mantissa, _, exponent = text.lower().partition("e")
    decimals = len(mantissa.partition(".")[2])
    return 10.0 ** (int(exponent or 0) - decimals)


def parse_marker(body: str) -> dict:
    """The parts of a marker's text after "run: "."""
    m = STATUS.match(body.strip())
    if m is None:
        raise ValueError(f"marker '{body}': expected 'passes' or 'fails [high|low]', then ', value[, +x.x %]'")
    out: dict = {"status": m.group(1), "value": None, "percent": None, "not_scored": None}
    rest = (m.group(2) or "").strip()
    if rest.startswith(("not simulated", "not computable")):
        out["not_scored"] = rest
        return out
    if rest:
        value = re.match(rf"(?:class )?({NUMBER})", rest)
        if value is None:
            raise ValueError(f"marker '{body}': the value must follow the status")
        out["value"] = value.group(1)
        percent = re.search(rf"({NUMBER}) %", rest[value.end():])
        if percent:
            out["percent"] = percent.group(1)
    return out


def test_marker_parsing():
    p = parse_marker("fails low, 0.5636e9, -19.5 %")
    assert (p["status"], p["value"], p["percent"]) == ("fails low", "0.5636e9", "-19.5")
    assert parse_marker("passes, class 2")["value"] == "2"
    assert parse_marker("fails, not simulated")["not_scored"] == "not simulated"
    assert _unit_of_last_digit("0.5636e9") == pytest.approx(1e5)
    assert _unit_of_last_digit("-19.5") == pytest.approx(0.1) and _unit_of_last_digit("3") == 1.0
    with pytest.raises(ValueError, match="expected 'passes' or 'fails"):
        parse_marker("ok, 3")


def _run(name: str):
    return basin_targets(name)


def _problems(t: Table, outcome, check) -> list[str]:
    tid = t.data["id"]
    markers = MARKER.findall(t.data.get("note", ""))
    if not markers:
        return [] if outcome.reason else [f"{tid}: its note has no '(YYYY-MM-DD run: ...)' marker of its result"]
    if len(markers) > 1:
        return [f"{tid}: {len(markers)} result markers; one states the current result, history is written "
                "without the marker"]
    p = parse_marker(markers[0][1])
    value = outcome.value
    if outcome.reason:
        if p["not_scored"] is None or not outcome.reason.startswith(p["not_scored"]):
            return [f"{tid}: the run gives no value ({outcome.reason}); the marker says '{markers[0][1]}'"]
        return []
    bad = []
    status = "passes" if check.passed else "fails"
    if not check.passed:
        if "range" in t.data:
            side = "high" if value > t.data["range"][1] else "low"
        else:
            side = "high" if value > t.data["value"] else "low"
        if p["status"] not in (status, f"fails {side}"):
            bad.append(f"status '{p['status']}' but the run {status} ({side})")
    elif p["status"] != "passes":
        bad.append(f"status '{p['status']}' but the run passes")
    if p["value"] is None:
        bad.append("no simulated value after the status")
    elif abs(value - float(p["value"])) > _unit_of_last_digit(p["value"]) * (1 + 1e-9):
        bad.append(f"value {p['value']} but the run gives {value:.6g}")
    if "range" not in t.data and p["value"] is not None:
        rel = 100.0 * (value / t.data["value"] - 1.0)
        if p["percent"] is None:
            bad.append(f"no percentage (the run gives {rel:+.1f} %)")
        elif abs(rel - float(p["percent"])) > _unit_of_last_digit(p["percent"]) * (1 + 1e-9):
            bad.append(f"{p['percent']} % but the run gives {rel:+.1f} %")
    elif p["percent"] is not None:
        bad.append("a range target's marker quotes no percentage (say how far outside the range after it)")
    return [f"{tid}: {b} (marker '{markers[0][1]}')" for b in bad]


@pytest.mark.parametrize("name", ["miyun", "guanting"])
def test_every_note_quotes_the_current_result(name):
    problems = [msg for t, outcome, check in _run(name) for msg in _problems(t, outcome, check)]
    assert not problems, (f"basins/{name}/observations.toml: update these notes to the current run "
                          "(hydro validate " + name + "):\n  " + "\n  ".join(problems))


def test_a_stale_marker_is_found():
    """The check fails on the kind of note the review found (+5.4 % quoted, +11.1 % run)."""
    from hydro.validation.basins import Outcome

    t = Table({"id": "s", "value": 1.5e9, "note": "Passes (2026-11-30 run: passes, 1.580e9, +5.4 %)"}, "o.toml")
    out = Outcome(1.6667e9, "2001-01-01..2001-01-31")

    class Check:
        passed = True

    found = _problems(t, out, Check())
    assert len(found) == 2 and "value 1.580e9" in found[0] and "5.4 % but the run gives +11.1 %" in found[1]
    t = Table({"id": "s", "value": 1.5e9, "note": "Fails high (2026-12-01 run: fails high, 1.667e9, +11.1 %)"},
              "o.toml")
    assert "status 'fails high' but the run passes" in _problems(t, out, Check())[0]
    assert not _problems(Table({"id": "s", "value": 1.5e9, "note": "(2026-12-01 run: passes, 1.667e9, +11.1 %)"},
                               "o.toml"), out, Check())
    assert math.isclose(_unit_of_last_digit("1.667e9"), 1e6)


def test_a_figure_an_input_was_set_from_is_counted_apart():
    # Miyun's initial storage was set from its 2000-11-14 storage: the pass was counted as any other
    # (outside review, 2026-12-04); the check now says so and `hydro validate` counts such passes apart
    from click.testing import CliRunner

    import hydro.validation as validation
    from hydro.cli import main
    from hydro.validation.basins import Outcome, target_check

    t = Table({"id": "s", "value": 1.6e9, "reference": "r", "tolerance_relative": 0.15,
               "not_independent": "the initial storage was set from it"}, "o.toml")
    check = target_check("miyun", t, Outcome(1.711e9, "2000-11-14..2000-11-14"))
    assert check.passed and not check.independent
    assert check.metric.endswith("[not independent: the initial storage was set from it]")
    plain = target_check("miyun", Table({"id": "s", "value": 1.6e9, "reference": "r"}, "o.toml"),
                         Outcome(1.711e9, "w"))
    assert plain.independent

    def fake_run_cases(cases, quick=False, progress=None):
        return [check, plain, target_check("miyun", Table({"id": "f", "value": 1.0, "reference": "r"}, "o.toml"),
                                           Outcome(9.0, "w"))]

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(validation, "run_cases", fake_run_cases)
        out = CliRunner().invoke(main, ["validate", "miyun"]).output
    assert ("2 passed (1 of them not independent: fitted to the figure, an input set from it, or following from "
            "fitted figures), 1 failed") in out
