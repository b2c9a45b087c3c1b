"""``--overwrite`` keeps a shared result's permissions and group (concurrency review, 2026-12-06: a 664 file came
back 644, and with the writer's group)."""

from __future__ import annotations

import os
import stat

import pytest

from hydro.outputs import write_text


@pytest.mark.skipif(os.name == "nt", reason="POSIX permissions")
def test_an_overwritten_file_keeps_its_mode_and_group(tmp_path):
    path = tmp_path / "shared.csv"
    write_text(path, "old\n")
    os.chmod(path, 0o664)
    groups = os.getgroups()
    gid = groups[-1] if groups else os.getgid()
    os.chown(path, -1, gid)
    write_text(path, "new\n", overwrite=True)
    after = os.stat(path)
    assert path.read_text() == "new\n"
    assert stat.S_IMODE(after.st_mode) == 0o664 and after.st_gid == gid


def test_a_new_file_takes_the_umask_s_mode(tmp_path):
    old = os.umask(0o022)
    try:
        write_text(tmp_path / "new.csv", "x\n")
    finally:
        os.umask(old)
    assert stat.S_IMODE(os.stat(tmp_path / "new.csv").st_mode) == 0o644
