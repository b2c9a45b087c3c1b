"""Past ``ulimit -f`` the netCDF write must say so, not "free disk space" (concurrency review, 2026-12-06, F3).

netCDF-C reports the EFBIG of a process file-size limit as ``NetCDF: HDF error`` (a RuntimeError),
so :func:`hydro.outputs.write_failure` never reaches its EFBIG branch and tells the user to free disk
space while the disk has gigabytes free.  ``hydro run tiny`` under a 100 kB limit (the file is
~320 kB): about 2 s warm.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def _limit():
    resource.setrlimit(resource.RLIMIT_FSIZE, (100_000, 100_000))


def test_netcdf_past_file_size_limit_names_the_limit(tmp_path):
    keep = tmp_path / "out.nc"
    env = dict(os.environ, PYTHONPATH=str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    r = subprocess.run([sys.executable, "-m", "hydro", "run", "tiny", "-o", str(keep), "-q"],
                       cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300, preexec_fn=_limit)
    assert r.returncode == 2, r.stderr
    assert "Traceback" not in r.stderr
    assert not keep.exists()
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".part")]
    assert "ulimit -f" in r.stderr or "file-size limit" in r.stderr, r.stderr
