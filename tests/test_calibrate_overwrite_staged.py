"""``hydro calibrate --overwrite`` never destroys the stored run before a new, complete one exists.

Review of 2026-12-05 (F1): ``--overwrite`` deleted every file of the stored run before the first
evaluation, so an overwrite stopped by Ctrl-C, ``kill -9``, a crash or a full disk left no result,
or an "interrupted" ``best_params.toml`` of a few evaluations in place of a complete one.  The new
run is now staged in ``OUT/.overwrite`` and swapped in when it completes
(:mod:`hydro.calibration.folder`).  The configuration is the shipped Le Léguer one with a budget of
20 or 60 evaluations (DE, population 20): each test runs in a few seconds on one core.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from hydro.calibration import calibrate, runner
from hydro.calibration import folder as staging
from hydro.errors import HydroError

SHIPPED = Path(__file__).resolve().parents[1] / "configs" / "calibration" / "leguer.toml"
KEPT = ("best_params.toml", "summary.json", "scores.csv", "evaluations.csv", "evaluations.jsonl", "run.json")


def _leguer(tmp: Path, budget: int, seed: int) -> Path:
    """The shipped Le Léguer configuration: absolute catchment path, DE of ``budget`` evaluations."""
    text = SHIPPED.read_text(encoding="utf-8")
    text = re.sub(r'^path = "([^"]+)"', lambda m: f'path = "{(SHIPPED.parent / m.group(1)).resolve().as_posix()}"',
                  text, flags=re.M)
    method = f'[method]\nname = "de"\nseed = {seed}\nmax_evaluations = {budget}\npopsize = 5\n'
    text = text[:text.index("[method]")] + method
    path = tmp / f"leguer_{budget}_{seed}.toml"
    path.write_text(text, encoding="utf-8")
    return path


def _files(folder: Path) -> dict[str, bytes]:
    return {name: (folder / name).read_bytes() for name in KEPT}


def _interrupt_second_batch(monkeypatch) -> None:
    """Ctrl-C once the first batch (DE's initial population, 20 evaluations) is stored."""
    real = runner._Evaluator.batch
    calls = {"n": 0}

    def batch(self, vectors):
        calls["n"] += 1
        if calls["n"] == 2:
            raise KeyboardInterrupt
        return real(self, vectors)

    monkeypatch.setattr(runner._Evaluator, "batch", batch)


@pytest.fixture()
def stored(tmp_path) -> Path:
    """A complete run of 20 evaluations (seed 1) in ``tmp_path / "cal"``."""
    out = tmp_path / "cal"
    calibrate(_leguer(tmp_path, 20, 1), out, serial=True)
    return out


def test_an_interrupted_overwrite_keeps_the_previous_run(tmp_path, stored, monkeypatch):
    before = _files(stored)
    _interrupt_second_batch(monkeypatch)
    with pytest.raises(KeyboardInterrupt):
        calibrate(_leguer(tmp_path, 60, 2), stored, serial=True, overwrite=True)
    assert _files(stored) == before, "an interrupted --overwrite changed the previous run's files"
    staged = stored / staging.STAGING
    assert len((staged / "evaluations.jsonl").read_text().splitlines()) == 20  # the new run's first batch
    assert "interrupted = " in (staged / "best_params.toml").read_text()  # marked, and not in place
    monkeypatch.undo()
    with pytest.raises(HydroError, match=r"the run an --overwrite started and did not complete .*pass --resume"):
        calibrate(_leguer(tmp_path, 60, 2), stored, serial=True)  # neither option: refused, nothing touched
    assert _files(stored) == before


def test_resume_continues_the_staged_overwrite_and_swaps_it_in(tmp_path, stored, monkeypatch):
    new = _leguer(tmp_path, 60, 2)
    (stored / "notes.txt").write_text("mine")
    (stored / "sensitivity.csv").write_text("of the old run")  # an output the new run does not write
    _interrupt_second_batch(monkeypatch)
    with pytest.raises(KeyboardInterrupt):
        calibrate(new, stored, serial=True, overwrite=True)
    monkeypatch.undo()
    result = calibrate(new, stored, serial=True, resume=True)
    assert result.summary["resumed"] == 20 and not (stored / staging.STAGING).exists()
    fresh = calibrate(new, tmp_path / "fresh", serial=True)  # the same run, never interrupted
    assert (stored / "best_params.toml").read_bytes() == (tmp_path / "fresh" / "best_params.toml").read_bytes()
    assert (stored / "run.json").read_bytes() == (tmp_path / "fresh" / "run.json").read_bytes()
    assert json.loads((stored / "summary.json").read_text())["evaluations"] == fresh.summary["evaluations"]
    assert not (stored / "sensitivity.csv").exists()  # the old run's, removed with it
    assert (stored / "notes.txt").read_text() == "mine"  # not a run's file: left alone


def test_an_overwrite_stopped_by_an_error_keeps_the_previous_run(tmp_path, stored, monkeypatch):
    before = _files(stored)

    def broken(self, vectors):
        raise RuntimeError("the search failed")

    monkeypatch.setattr(runner._Evaluator, "batch", broken)
    with pytest.raises(RuntimeError, match="the search failed"):
        calibrate(_leguer(tmp_path, 60, 2), stored, serial=True, overwrite=True)
    assert _files(stored) == before
    monkeypatch.undo()
    calibrate(_leguer(tmp_path, 60, 2), stored, serial=True, overwrite=True)  # a new overwrite starts again
    assert json.loads((stored / "summary.json").read_text())["resumed"] == 0
    assert not (stored / staging.STAGING).exists()


def test_a_swap_cut_short_is_completed_by_the_next_run(tmp_path, stored, monkeypatch):
    """``kill -9`` in the middle of the swap (a few renames): the next run on the folder finishes it."""
    new = _leguer(tmp_path, 60, 2)
    real = staging.finish_swap

    def killed(folder):  # the first file moved, then the process is gone
        staged = folder / staging.STAGING
        if not (staged / staging.SWAP_NOTE).exists():  # the check before the run: nothing to finish
            return real(folder)
        (staged / "evaluations.jsonl").replace(folder / "evaluations.jsonl")
        raise KeyboardInterrupt

    monkeypatch.setattr(staging, "finish_swap", killed)
    with pytest.raises(KeyboardInterrupt):
        calibrate(new, stored, serial=True, overwrite=True)
    monkeypatch.setattr(staging, "finish_swap", real)
    result = calibrate(new, stored, serial=True, resume=True)
    assert result.summary["evaluated_now"] == 0 and result.summary["resumed"] == result.summary["evaluations"]
    fresh = calibrate(new, tmp_path / "fresh", serial=True)
    assert (stored / "best_params.toml").read_bytes() == (tmp_path / "fresh" / "best_params.toml").read_bytes()
    assert fresh.summary["evaluations"] == result.summary["evaluations"]
