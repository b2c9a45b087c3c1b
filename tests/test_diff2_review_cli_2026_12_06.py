"""The second diff review of 2026-12-06 (c9d0a78..ffb151b): each test failed then (on ffb151b) or killed a
surviving mutant."""

from __future__ import annotations

import subprocess
from pathlib import Path

import netCDF4
from cli_invoke import invoke
from synthetic_quality import write_quality_results

ROOT = Path(__file__).resolve().parents[1]
PHASE2 = ROOT / "configs" / "agreements" / "miyun_chaobai_phase2_2022.toml"


def test_compensate_on_a_results_file_says_its_transfer_series_ended(tmp_path):
    """Kills M36 (transfer_end_text dropped from series_notes): only the helper was tested."""
    path = write_quality_results(tmp_path / "plan.nc", start="2022-01-01", end="2025-12-31")
    with netCDF4.Dataset(path, "a") as ds:
        ds.setncattr("transfer_series_end_before_period_end", "yellow=2024-12-31")
    r = invoke("compensate", path, PHASE2)
    assert r.exit_code == 0, r.output
    assert "transfer series end before the run does (yellow on 2024-12-31)" in r.stderr, r.stderr


def test_run_from_state_without_start_starts_on_the_state_s_day(tmp_path):
    """Kills M39 (cli.py's `s = s or _state_start(from_state)` removed): no test ran --from-state without --start."""
    r = invoke("run", "watershed", "--end", "2001-05-31", "-o", tmp_path / "may.nc", "--save-state",
               tmp_path / "may.npz", "-q")
    assert r.exit_code == 0, r.output
    r = invoke("run", "watershed", "--end", "2001-06-03", "-o", tmp_path / "june.nc", "--from-state",
               tmp_path / "may.npz", "-q")
    assert r.exit_code == 0, r.output
    with netCDF4.Dataset(tmp_path / "june.nc") as nc:
        t = nc["time"]
        assert str(netCDF4.num2date(t[0], t.units))[:10] == "2001-06-01" and len(t) == 3


def test_source_revision_of_an_edited_non_utf8_file_does_not_crash(tmp_path):
    """failed then (finding F1): `git diff HEAD` of a tracked non-UTF-8 text file (a GBK-encoded yearbook CSV)
    is decoded as UTF-8 by subprocess.run(text=True): UnicodeDecodeError, not caught, out of every run."""
    from hydro.code_revision import revision_of

    def git(*a):
        subprocess.run(["git", "-C", str(tmp_path), *a], check=True, capture_output=True)

    git("init", "-q")
    git("config", "user.email", "a@b")
    git("config", "user.name", "a")
    (tmp_path / "t.csv").write_bytes("县,面积\n".encode("gbk"))
    git("add", "t.csv")
    git("commit", "-q", "-m", "first")
    (tmp_path / "t.csv").write_bytes("县,面积\n密云,2229\n".encode("gbk"))
    said = revision_of(tmp_path)
    assert ", with uncommitted changes" in said, said


def test_source_revision_hash_does_not_depend_on_the_user_s_diff_config(tmp_path):
    """failed then (finding F2): 'the same for the same edits' fails across git configurations: diff.noprefix
    (or diff.mnemonicPrefix, diff.algorithm, diff.renames, a textconv driver) changes `git diff`'s text."""
    from hydro.code_revision import revision_of

    def git(*a):
        subprocess.run(["git", "-C", str(tmp_path), *a], check=True, capture_output=True)

    git("init", "-q")
    git("config", "user.email", "a@b")
    git("config", "user.name", "a")
    (tmp_path / "a.txt").write_text("1\n")
    git("add", "a.txt")
    git("commit", "-q", "-m", "first")
    (tmp_path / "a.txt").write_text("2\n")
    plain = revision_of(tmp_path)
    git("config", "diff.noprefix", "true")
    assert revision_of(tmp_path) == plain
