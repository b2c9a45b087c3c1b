"""A folder on a read-only file system is named as such, not as a permission to ask for (shared-server review,
2026-12-05: a read-only mount was told 'ask for write permission', which no one can give)."""

from __future__ import annotations

import os
from types import SimpleNamespace

import pytest

import hydro.outputs as outputs
from hydro.errors import HydroError
from hydro.outputs import check_folder


def _no_access(monkeypatch):
    monkeypatch.setattr(outputs.os, "access", lambda *a, **k: False)


@pytest.mark.skipif(not hasattr(os, "statvfs"), reason="needs statvfs")
def test_a_read_only_mount_is_named(tmp_path, monkeypatch):
    _no_access(monkeypatch)
    monkeypatch.setattr(outputs.os, "statvfs", lambda p: SimpleNamespace(f_flag=os.ST_RDONLY))
    with pytest.raises(HydroError, match=r"folder is on a read-only file system; choose another -o on a writable "
                                         r"disk"):
        check_folder(tmp_path)


@pytest.mark.skipif(not hasattr(os, "statvfs"), reason="needs statvfs")
def test_a_folder_without_permission_still_asks_for_it(tmp_path, monkeypatch):
    _no_access(monkeypatch)
    monkeypatch.setattr(outputs.os, "statvfs", lambda p: SimpleNamespace(f_flag=0))
    with pytest.raises(HydroError, match=r"not writable \(permission denied\).*ask for write permission"):
        check_folder(tmp_path)
