"""What keeps an output from being lost, pinned where an outside mutation audit (2026-12-05) found no test:
an ``--overwrite`` that replaces atomically, a dangling link or a read-only file at the target, and a
folder named as the output, each refused before anything is computed."""

from __future__ import annotations

import os

import pytest
from cli_invoke import invoke

from hydro import outputs
from hydro.errors import HydroError


def test_an_overwrite_replaces_the_file_whole_never_in_place(tmp_path):
    """A reader holding the old file (a hard link stands for it) keeps the old bytes; the name points to a
    new file (mutant: the new bytes copied into the old file, which a crash leaves half-written)."""
    target, keep = tmp_path / "r.csv", tmp_path / "keep.csv"
    outputs.write_text(target, "old")
    os.link(target, keep)
    before = target.stat().st_ino
    outputs.write_text(target, "new", overwrite=True)
    assert keep.read_text() == "old" and target.read_text() == "new" and target.stat().st_ino != before


def test_a_dangling_link_at_the_target_is_refused_before_the_run(tmp_path):
    """A link to a missing file is a name in use: refused as existing (mutant: accepted, then refused at
    the commit after all the computing, as 'written meanwhile by another process')."""
    os.symlink(tmp_path / "nowhere.nc", tmp_path / "r.nc")
    with pytest.raises(HydroError, match=r"r\.nc exists; pass --overwrite to replace it"):
        outputs.check_output(tmp_path / "r.nc")


def test_a_read_only_target_is_refused_even_with_overwrite(tmp_path, monkeypatch):
    """(As root every file is writable: the check is exercised through ``os.access``.)"""
    target = tmp_path / "r.nc"
    target.write_bytes(b"x")
    real = os.access
    monkeypatch.setattr(outputs.os, "access", lambda p, mode: False if (mode == os.W_OK and str(p) == str(target))
                        else real(p, mode))
    with pytest.raises(HydroError, match=r"r\.nc: file is read-only; make it writable or choose another -o"):
        outputs.check_output(target, overwrite=True)


@pytest.mark.parametrize("overwrite", [False, True])
def test_a_folder_named_as_the_output_is_refused(tmp_path, overwrite):
    """With or without ``overwrite`` (mutant: the folder check dropped: a caller that gives a folder, as the
    Python API may, computed everything and died on the rename with a traceback; the CLI's ``-o`` refuses a
    folder itself, click's check)."""
    (tmp_path / "d.nc").mkdir()
    with pytest.raises(HydroError, match=r"d\.nc: is a folder; give -o a file name"):
        outputs.check_output(tmp_path / "d.nc", overwrite=overwrite)
    run = invoke("run", "tiny", "-o", str(tmp_path / "d.nc"), "-q", "--overwrite")
    assert run.exit_code == 2 and "is a directory" in run.output
