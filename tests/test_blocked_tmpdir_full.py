"""A full TMPDIR during a blocked run must be named as such (concurrency review, 2026-12-06, F4).

``hydro run --block-years N`` keeps each block's water in ``tempfile.TemporaryDirectory()``
(hydro/blocked_water.py:99, np.savez at :124).  When TMPDIR is full the error is reported as a failed
write of ``-o OUT.nc`` with the free space of OUT's disk ("No space left on device; 81262.1 MB free on
the disk of ."), which contradicts itself and hides the place to clean.  The full disk is simulated by
np.savez raising ENOSPC.  Watershed example, 2003-2004 in 1-year blocks: a few seconds warm.
"""

from __future__ import annotations

import errno
import tempfile

import numpy as np
from cli_invoke import invoke, user_error

import hydro.blocked_water
import hydro.store_climate


def test_full_tmpdir_in_blocked_run_names_tmpdir(tmp_path, monkeypatch):
    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))  # TMPDIR=scratch
    monkeypatch.setattr(hydro.blocked_water.np, "savez", full)
    monkeypatch.setattr(hydro.store_climate, "_WATER", {})  # the period's water is computed once per process
    out = tmp_path / "blk.nc"
    result = invoke("run", "watershed", "--block-years", "1", "--start", "2003-01-01", "--end", "2004-12-31",
                    "-o", out, "-q")
    assert np is hydro.blocked_water.np
    user_error(result, "No space left on device")
    assert "scratch" in result.output, result.output  # the full disk is TMPDIR's, not that of -o
    assert not out.exists()
