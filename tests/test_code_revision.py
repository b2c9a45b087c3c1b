"""The code revision in a results file's provenance (``source_revision``, :mod:`hydro.code_revision`)."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import netCDF4
import numpy as np
import pytest
from cli_invoke import invoke

from hydro.code_revision import code_revision, revision_of

ROOT = Path(__file__).resolve().parent.parent


def _git(root: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(root), "-c", "user.name=t", "-c", "user.email=t@t", *args],
                          capture_output=True, text=True, check=True).stdout.strip()


def test_a_checkout_names_its_commit_and_whether_tracked_files_changed(tmp_path):
    """A new repository: its commit; a tracked file edited: said; an untracked file (an output written
    into the folder): not; a folder that is no checkout: nothing."""
    _git(tmp_path, "init", "-q")
    (tmp_path / "a.txt").write_text("1\n")
    _git(tmp_path, "add", "a.txt")
    _git(tmp_path, "commit", "-q", "-m", "first")
    commit = _git(tmp_path, "rev-parse", "HEAD")
    assert revision_of(tmp_path) == f"git {commit}"
    (tmp_path / "out.nc").write_text("not tracked\n")
    assert revision_of(tmp_path) == f"git {commit}"
    (tmp_path / "a.txt").write_text("2\n")
    edited = revision_of(tmp_path)
    assert edited.startswith(f"git {commit}, with uncommitted changes (diff sha256 "), edited
    assert revision_of(tmp_path) == edited  # the same edits: the same text
    (tmp_path / "a.txt").write_text("3\n")  # other edits: another (audit review, 2026-12-06)
    assert revision_of(tmp_path) != edited and revision_of(tmp_path).startswith(f"git {commit}, with uncommitted")
    assert revision_of(tmp_path / "no_checkout") == ""
    (tmp_path / "broken").mkdir()
    (tmp_path / "broken" / ".git").mkdir()  # a .git git does not read: no commit to name
    assert revision_of(tmp_path / "broken") == ""


def test_asking_leaves_the_checkouts_index_alone(tmp_path):
    """``git status`` would refresh the index of a touched file (taking ``index.lock``: a user's own
    ``git add`` at that moment failed); the revision is asked without optional locks."""
    _git(tmp_path, "init", "-q")
    (tmp_path / "a.txt").write_text("1\n")
    _git(tmp_path, "add", "a.txt")
    _git(tmp_path, "commit", "-q", "-m", "first")
    index = tmp_path / ".git" / "index"
    before = index.stat().st_mtime_ns
    os.utime(tmp_path / "a.txt", ns=(before + 10**9, before + 10**9))  # touched, not changed: stat info stale
    assert revision_of(tmp_path).startswith("git ") and index.stat().st_mtime_ns == before


@pytest.mark.skipif(not (ROOT / ".git").exists(), reason="hydro is not imported from a git checkout here")
def test_a_results_file_names_the_commit_that_wrote_it(tmp_path):
    out = tmp_path / "ws.nc"
    assert invoke("run", "watershed", "--end", "2001-03-31", "-o", str(out), "-q").exit_code == 0
    with netCDF4.Dataset(out) as nc:
        written = nc.getncattr("source_revision")
    assert written == code_revision() and written.startswith(f"git {_git(ROOT, 'rev-parse', 'HEAD')}")


def test_a_file_written_again_keeps_the_revision_that_simulated_it(tmp_path):
    """The revision is the run's, not the writer's: a file read and written again (aggregated) keeps
    what it had, and a file without one (written before hydro recorded it) stays without."""
    from hydro.outputspec import OutputSpec
    from hydro.results import load_results

    out = tmp_path / "ws.nc"
    assert invoke("run", "watershed", "--end", "2001-03-31", "-o", str(out), "-q").exit_code == 0
    res = load_results(out)
    res.attrs["source_revision"] = "git 0123456789abcdef0123456789abcdef01234567"
    res.to_netcdf(tmp_path / "again.nc", spec=OutputSpec(aggregate="monthly"))
    with netCDF4.Dataset(tmp_path / "again.nc") as nc:
        assert nc.getncattr("source_revision") == res.attrs["source_revision"]
    del res.attrs["source_revision"]
    res.to_netcdf(tmp_path / "old.nc")
    with netCDF4.Dataset(tmp_path / "old.nc") as nc:
        assert "source_revision" not in nc.ncattrs()
    assert "source_revision" not in res.to_xarray().attrs


def test_a_status_git_cannot_give_is_not_claimed_clean(tmp_path, monkeypatch):
    """git names the commit but ``status`` fails (or times out): the revision says the changes are
    unknown rather than claiming the checkout clean (outside re-read, 2026-12-05)."""
    import hydro.code_revision as code

    (tmp_path / ".git").mkdir()
    answers = {"rev-parse": {"--show-toplevel": str(tmp_path), "HEAD": "f" * 40}}

    def fake_git(root, *args):
        if "status" in args:
            return None
        return answers["rev-parse"][args[-1]]

    monkeypatch.setattr(code, "_git", fake_git)
    assert revision_of(tmp_path) == f"git {'f' * 40}, changes unknown"


def test_a_catchment_run_and_stacked_runs_keep_the_revision():
    """A catchment run records the revision as a basin run does; runs of different revisions stack,
    their revisions listed (files written by two commits, read back and stacked)."""
    from datetime import date

    from hydro.catchment_cli import run_catchment_file
    from hydro.results import Results, stack

    res = run_catchment_file(ROOT / "validation" / "calibration" / "hymod" / "catchment.toml", end="2012-02-29")
    assert res.attrs.get("source_revision", "") == code_revision()
    runs = []
    for rev in ("git a", "git b"):
        r = Results(coords={"time": [date(2020, 1, 1)], "reach": ["r"]}, attrs={"source_revision": rev})
        r.add("discharge", np.ones((1, 1)))
        runs.append(r)
    stacked = stack(runs, "scenario", ["one", "two"])
    assert stacked.attrs["source_revision"] == "one=git a;two=git b"
