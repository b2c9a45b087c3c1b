"""Review of s49 (hydro/output_names.py check_writable_name): the too-long-name check relies on
``Path.is_dir()`` re-raising ENAMETOOLONG, which Python 3.11/3.12 do; Python 3.13's ``Path.is_dir`` is
``os.path.isdir`` (False on any OSError), and on Windows a long path reads as absent, so there the name
passes the check and the run fails at the final rename, after the whole simulation (ENAMETOOLONG is not a
disk errno of hydro.write_failures).  Emulated here by giving Path.is_dir 3.13's behaviour."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from hydro.errors import HydroError
from hydro.output_names import check_writable_name


def test_too_long_name_refused_without_is_dir_raising(tmp_path, monkeypatch):
    monkeypatch.setattr(Path, "is_dir", lambda self, **kw: os.path.isdir(self))  # Python >= 3.13
    with pytest.raises(HydroError, match="too long"):
        check_writable_name(tmp_path / ("r" * 260 + ".nc"), "-o")


def test_a_long_but_valid_name_passes(tmp_path, monkeypatch):
    monkeypatch.setattr(Path, "is_dir", lambda self, **kw: os.path.isdir(self))
    check_writable_name(tmp_path / ("r" * 240 + ".nc"), "-o")
