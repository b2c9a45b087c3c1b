"""The code revision in a results file's provenance (``source_revision``, :mod:`hydro.code_revision`)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import netCDF4
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
    assert revision_of(tmp_path) == f"git {commit}, with uncommitted changes"
    assert revision_of(tmp_path / "no_checkout") == ""
    (tmp_path / "broken").mkdir()
    (tmp_path / "broken" / ".git").mkdir()  # a .git git does not read: no commit to name
    assert revision_of(tmp_path / "broken") == ""


@pytest.mark.skipif(not (ROOT / ".git").exists(), reason="hydro is not imported from a git checkout here")
def test_a_results_file_names_the_commit_that_wrote_it(tmp_path):
    out = tmp_path / "ws.nc"
    assert invoke("run", "watershed", "--end", "2001-03-31", "-o", str(out), "-q").exit_code == 0
    with netCDF4.Dataset(out) as nc:
        written = nc.getncattr("source_revision")
    assert written == code_revision() and written.startswith(f"git {_git(ROOT, 'rev-parse', 'HEAD')}")
