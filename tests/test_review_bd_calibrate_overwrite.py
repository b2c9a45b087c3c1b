"""Review bd of 23e1dfd..ab3dbd4: the staged ``hydro calibrate --overwrite`` (hydro/calibration/folder.py).

D1: an overwrite whose every evaluation failed swapped in a run without ``best_params.toml`` (the old one
was removed); D2: a swap cut by ``kill -9`` was not finished by a plain run, which said the old results
were unchanged; D3: a file that cannot be replaced (held open) left a half swap and tracebacks.  The
others pin mutants that survived the earlier tests (M01, M08, M15, M22, M23, M24).  Le Léguer, DE of
20-60 evaluations: a few seconds each.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner
from test_calibrate_overwrite_staged import _interrupt_second_batch, _leguer

from hydro.calibration import calibrate, runner
from hydro.calibration import folder as staging
from hydro.errors import HydroError


@pytest.fixture()
def stored(tmp_path) -> Path:
    out = tmp_path / "cal"
    calibrate(_leguer(tmp_path, 20, 1), out, serial=True)
    return out


def _cut_swap(tmp_path: Path, stored: Path, monkeypatch, moved: int) -> Path:
    """A complete overwrite (seed 2) whose swap was cut by kill -9 after ``moved`` of its renames."""
    new = _leguer(tmp_path, 20, 2)
    real = os.replace
    done = []

    def killed(src, dst):  # the swap's renames: out of the staging folder into the output folder
        if Path(src).parent.name == staging.STAGING and Path(dst).parent == stored:
            if len(done) == moved:
                raise KeyboardInterrupt  # stands for kill -9: nothing after this runs
            done.append(Path(dst).name)
        return real(src, dst)

    monkeypatch.setattr(staging.os, "replace", killed)
    with pytest.raises(KeyboardInterrupt):
        calibrate(new, stored, serial=True, overwrite=True)
    monkeypatch.setattr(staging.os, "replace", real)
    assert len(done) == moved
    return new


def test_an_overwrite_whose_every_evaluation_failed_keeps_the_previous_run(tmp_path, stored, monkeypatch):
    """D1: the 'complete' new run had no best_params.toml, and the swap removed the old one."""
    before = (stored / "best_params.toml").read_bytes()

    def broken(self, z):
        raise RuntimeError("the new configuration's model breaks")

    monkeypatch.setattr(runner.Problem, "simulate", broken)
    try:
        result = calibrate(_leguer(tmp_path, 20, 2), stored, serial=True, overwrite=True)
    except HydroError:
        result = None
    assert result is None or result.best is None
    assert (stored / "best_params.toml").read_bytes() == before, "a run with no result replaced a good one"


def test_the_cli_on_an_overwrite_whose_every_evaluation_failed_says_the_previous_run_stays(tmp_path, stored,
                                                                                           monkeypatch):
    """D1: exit 1, naming the staged log (kept for inspection) and the unchanged previous results."""
    from hydro.cli import main

    def broken(self, z):
        raise RuntimeError("the new configuration's model breaks")

    monkeypatch.setattr(runner.Problem, "simulate", broken)
    r = CliRunner().invoke(main, ["calibrate", str(_leguer(tmp_path, 20, 2)), "-o", str(stored), "--overwrite",
                                  "--workers", "1", "-q"])
    assert r.exit_code == 1, r.output
    assert str(stored / staging.STAGING / "evaluations.csv") in r.output and "unchanged" in r.output, r.output
    assert (stored / "best_params.toml").exists() and staging.staged_run(stored) is not None
    monkeypatch.undo()
    r = CliRunner().invoke(main, ["calibrate", str(_leguer(tmp_path, 20, 2)), "-o", str(stored), "-q"])
    assert r.exit_code == 2 and "did not complete or swap in" in r.output, r.output  # it completed, no result


@pytest.mark.parametrize("moved", [0, 1, 5])
def test_a_plain_run_after_a_cut_swap_does_not_say_the_old_results_are_unchanged(tmp_path, stored, monkeypatch,
                                                                                 moved):
    """D2: docs/calibration.md says 'the next hydro calibrate on the folder completes it'; a plain run was
    refused saying the overwrite 'did not complete' and 'the previous run's results ... are unchanged'
    while evaluations.jsonl was already the new run's.  It now finishes the swap (under the lock) first."""
    new = _cut_swap(tmp_path, stored, monkeypatch, moved=moved)
    with pytest.raises(HydroError) as info:
        calibrate(new, stored, serial=True)
    assert "unchanged" not in str(info.value) and "did not complete" not in str(info.value), str(info.value)
    assert "already holds a calibration run" in str(info.value), str(info.value)
    assert not (stored / staging.STAGING).exists(), "the cut swap was not completed"
    fresh = tmp_path / "fresh"
    calibrate(new, fresh, serial=True)
    for name in ("best_params.toml", "run.json"):
        assert (stored / name).read_bytes() == (fresh / name).read_bytes(), name
    keys = [[json.loads(line)["key"] for line in (f / "evaluations.jsonl").read_text().splitlines()]
            for f in (stored, fresh)]
    assert keys[0] == keys[1], "the log in place is not the new run's"


def test_a_half_swapped_folder_is_no_run_to_read(tmp_path, stored, monkeypatch):
    """D2: while a swap is cut, OUT/run.json is gone (removed first, the new one moved last), and
    hydro compensate --parameters-from refuses the folder saying why, instead of mapping the new log's
    vectors through the old run's configuration."""
    from hydro.compensation.uncertainty import parameter_sets

    _cut_swap(tmp_path, stored, monkeypatch, moved=2)
    assert not (stored / "run.json").exists() and staging.swap_pending(stored)
    with pytest.raises(HydroError, match="moving its results into the folder"):
        parameter_sets(stored, tmp_path / "any_basin")


def test_a_swap_that_fails_midway_says_where_things_are_and_never_tracebacks(tmp_path, stored, monkeypatch):
    """D3: a file of the old run that cannot be replaced (held open: Excel on Windows) stopped the swap half
    way; the message named .overwrite/evaluations.jsonl, already moved, and told to free disk space, and every
    later run on the folder raised a raw PermissionError from finish_swap (a traceback, not exit 2).  Now
    the message names the file to close and says --resume finishes the swap, and the next runs say so too."""
    from hydro.cli import main

    new = _leguer(tmp_path, 20, 2)
    real = os.replace

    def held_open(src, dst):
        if Path(dst) == stored / "scores.csv":
            raise PermissionError(13, "being used by another process", str(dst))
        return real(src, dst)

    monkeypatch.setattr(staging.os, "replace", held_open)
    with pytest.raises(staging.SwapError) as info:
        calibrate(new, stored, serial=True, overwrite=True)
    message = str(info.value)
    named = [Path(w.rstrip(":,;.")) for w in message.split() if w.endswith(("evaluations.jsonl",
                                                                            "evaluations.jsonl:"))]
    assert all(p.exists() for p in named), f"the message names a log that is not there: {message}"
    assert str(stored / "scores.csv") in message and "close scores.csv" in message, message
    assert "--resume" in message and "free disk space" not in message, message
    assert not (stored / "run.json").exists(), "a half-swapped folder reads as a run"
    for options in ({"resume": True}, {"overwrite": True}):
        with pytest.raises(HydroError, match=r"close scores\.csv"):  # not PermissionError
            calibrate(new, stored, serial=True, **options)
    r = CliRunner().invoke(main, ["calibrate", str(new), "-o", str(stored), "--resume", "--workers", "1", "-q"])
    assert r.exit_code == 2 and "close scores.csv" in r.output, r.output
    monkeypatch.setattr(staging.os, "replace", real)
    result = calibrate(new, stored, serial=True, resume=True)  # the file closed: the swap completes
    assert not (stored / staging.STAGING).exists()
    assert result.summary["evaluated_now"] == 0
    assert json.loads((stored / "run.json").read_text())["config"] == str(new)


def test_an_empty_staging_folder_is_no_staged_run(tmp_path, stored):
    """kill -9 between creating .overwrite and writing its run.json: the stored run is still the one (M01)."""
    (stored / staging.STAGING).mkdir()
    assert staging.staged_run(stored) is None
    with pytest.raises(HydroError, match=r"already holds a calibration run \(run.json\)"):
        calibrate(_leguer(tmp_path, 20, 2), stored, serial=True)


def test_the_swap_holds_ctrl_c_back(tmp_path, stored, monkeypatch):
    """The renames run inside hydro.signals.held (M08)."""
    import contextlib

    import hydro.signals

    entered = []
    real = hydro.signals.held

    @contextlib.contextmanager
    def spy():
        entered.append(True)
        with real():
            yield

    monkeypatch.setattr(hydro.signals, "held", spy)
    calibrate(_leguer(tmp_path, 20, 2), stored, serial=True, overwrite=True)
    assert entered


def test_a_folder_that_failed_to_open_is_released(tmp_path, monkeypatch):
    """An error after the lock in _open_folder releases it: the next run in this process is not refused as
    'another hydro calibrate is running' (M22)."""
    import hydro.outputs

    real = hydro.outputs.write_text

    def full(path, *a, **k):
        if Path(path).name == "run.json":
            raise HydroError(f"{path}: writing failed (No space left on device)")
        return real(path, *a, **k)

    monkeypatch.setattr(hydro.outputs, "write_text", full)
    config = _leguer(tmp_path, 20, 1)
    with pytest.raises(HydroError, match="No space left"):
        calibrate(config, tmp_path / "cal", serial=True)
    monkeypatch.setattr(hydro.outputs, "write_text", real)
    calibrate(config, tmp_path / "cal", serial=True)


def test_outputs_that_cannot_be_written_do_not_say_run_again(tmp_path, monkeypatch):
    """write_failure's own advice ('nothing was written ... run again') is cut from the message (M15)."""
    import errno

    import hydro.outputs

    real = hydro.outputs.atomic_path

    def atomic_path(path, *a, **k):
        if Path(path).name == "evaluations.csv":
            raise hydro.outputs.write_failure(Path(path), Path(path).parent, OSError(errno.ENOSPC, "No space"))
        return real(path, *a, **k)

    monkeypatch.setattr(hydro.outputs, "atomic_path", atomic_path)
    with pytest.raises(HydroError) as info:
        calibrate(_leguer(tmp_path, 20, 1), tmp_path / "cal", serial=True)
    assert "with --resume" in str(info.value) and "nothing was written" not in str(info.value), str(info.value)


def test_the_cli_on_an_interrupted_overwrite_names_the_staged_log_and_resumes_it(tmp_path, monkeypatch):
    """Ctrl-C names .overwrite/evaluations.jsonl (M24); --resume of it says no 'holds no run' note (M23).
    The folder held stray outputs without run.json, so it has no run.json of its own."""
    from hydro.cli import main

    out = tmp_path / "cal"
    out.mkdir()
    (out / "evaluations.csv").write_text("not a run's\n")
    config = _leguer(tmp_path, 60, 2)
    _interrupt_second_batch(monkeypatch)
    r = CliRunner().invoke(main, ["calibrate", str(config), "-o", str(out), "--overwrite", "--workers", "1", "-q"])
    assert r.exit_code == 130, r.output
    assert str(out / staging.STAGING / "evaluations.jsonl") in r.output and "unchanged" in r.output, r.output
    monkeypatch.undo()
    r = CliRunner().invoke(main, ["calibrate", str(config), "-o", str(out), "--resume", "--workers", "1", "-q"])
    assert r.exit_code == 0, r.output
    assert "holds no run to continue" not in r.output, r.output


def test_ctrl_c_during_the_swap_says_the_run_completed(tmp_path, stored, monkeypatch):
    """D4: a Ctrl-C held back during the swap and raised after it was reported as 'interrupted: the
    evaluations so far are in ...; continue with ... --resume' although the run had completed and was in
    place; now the run's results are reported and only the exit status (130) says Ctrl-C came."""
    import signal

    from hydro.cli import main

    real = staging.finish_swap

    def pressed(folder):
        if staging.swap_pending(folder):  # Ctrl-C in the middle of the renames: held back
            os.kill(os.getpid(), signal.SIGINT)
        return real(folder)

    monkeypatch.setattr(staging, "finish_swap", pressed)
    r = CliRunner().invoke(main, ["calibrate", str(_leguer(tmp_path, 20, 2)), "-o", str(stored), "--overwrite",
                                  "--workers", "1"])
    assert r.exit_code == 130, r.output
    assert "evaluations so far" not in r.output and f"written: {stored / 'best_params.toml'}" in r.output, r.output
    assert json.loads((stored / "run.json").read_text())["config"].endswith("leguer_20_2.toml")


def test_resume_with_the_previous_config_names_the_staged_run(tmp_path, stored, monkeypatch):
    """D4: --resume with the configuration of the run in OUT while an interrupted overwrite is staged
    compared it with the staged run but said 'OUT holds a run of ...'; it names the staged run now, and
    how to continue the previous one."""
    _interrupt_second_batch(monkeypatch)
    with pytest.raises(KeyboardInterrupt):
        calibrate(_leguer(tmp_path, 60, 2), stored, serial=True, overwrite=True)
    monkeypatch.undo()
    with pytest.raises(HydroError) as info:
        calibrate(_leguer(tmp_path, 20, 1), stored, serial=True, resume=True)
    message = str(info.value)
    assert f"{stored / staging.STAGING} (the run an --overwrite started" in message, message
    assert f"delete {stored / staging.STAGING} first" in message, message
