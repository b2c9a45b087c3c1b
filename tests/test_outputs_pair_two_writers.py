"""Two ``hydro scenarios ... -o OUT.nc --overwrite`` at once must never leave OUT.nc of one run and
OUT.summary.csv of the other (concurrency review, 2026-12-06, F1).

``hydro.outputs.written_together`` renames its files one after the other with no lock shared between
processes, so a second writer's pair can land between the first writer's two renames.  The window in
production is the folder fsync + link + rename between the two renames (milliseconds to more on a busy
or network file system); here writer A's ``_fsync_folder`` is slowed to 2 s to make it deterministic.
No model runs: the writers are ``written_together`` with two ``write_text`` calls, as ``hydro
scenarios`` writes its netCDF and its summary CSV.  About 3 s.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

WRITER = r"""
import sys, time
import hydro.outputs as o
who, slow, folder = sys.argv[1], sys.argv[2] == "slow", sys.argv[3]
if slow:
    real = o._fsync_folder
    def slowed(f):
        real(f)
        time.sleep(2.0)
    o._fsync_folder = slowed
with o.written_together():
    o.write_text(f"{folder}/out.nc", who, overwrite=True)
    o.write_text(f"{folder}/out.summary.csv", who, overwrite=True)
"""


def test_concurrent_overwrites_never_mix_a_pair(tmp_path):
    env = dict(os.environ, PYTHONPATH=str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    a = subprocess.Popen([sys.executable, "-c", WRITER, "A", "slow", str(tmp_path)], env=env)
    time.sleep(0.8)  # A has renamed out.nc and sits in its slowed folder fsync
    b = subprocess.run([sys.executable, "-c", WRITER, "B", "fast", str(tmp_path)], env=env, timeout=60)
    assert a.wait(timeout=60) == 0 and b.returncode == 0
    nc = (tmp_path / "out.nc").read_text()
    csv = (tmp_path / "out.summary.csv").read_text()
    assert nc == csv, f"mixed pair: out.nc from writer {nc}, out.summary.csv from writer {csv}"
    assert not [p.name for p in tmp_path.iterdir() if p.name.endswith(".part")]
