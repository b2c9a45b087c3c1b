"""Speed and memory of a weather ensemble: N members x 5 years of a basin on all cores.

Run ``python benchmarks/ensemble.py [--json] [--basin NAME] [--members N] [--years Y]``.
The ensemble runs as ``hydro run BASIN --members N -o FILE`` runs it
(:func:`hydro.ensemble.write_ensemble`: members on local worker processes, each member
written into the file as it arrives), into a temporary folder.  The basin defaults to
Miyun when it is shipped, else the example watershed.  Records:

* ``ensemble_NxYy_BASIN_seconds``: wall seconds, against issue 16's goal scaled to N
  (1,000 members x 5 years within 10 minutes on two cores: 0.6 s a member);
* ``..._parent_peak_rss_mb`` and ``..._worker_peak_rss_mb``: the peak resident memory of
  this process and of the largest worker (``getrusage``), which must not grow with N
  (compare two sizes, e.g. ``--members 50`` and ``--members 200``).

Measured on this 2-core machine (2026-11-30): 1,000 x 5 years of Miyun in 333 s (0.55 of the
goal), the parent's peak 121 MB and a worker's 306 MB; 40 and 160 members: parent 115 and
118 MB (before the writer reopened its file, 139 and 261 MB: ``hydro.netcdf.REOPEN_EVERY``).
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import emit, record  # noqa: E402

from hydro.basin import shipped_basins  # noqa: E402
from hydro.ensemble import run_ensemble, write_ensemble  # noqa: E402

GOAL_SECONDS_PER_MEMBER = 0.6  # issue 16: 1,000 members x 5 years in 10 minutes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--basin", default="miyun" if "miyun" in shipped_basins() else "watershed")
    parser.add_argument("--members", type=int, default=100)
    parser.add_argument("--years", type=int, default=5)
    args = parser.parse_args()
    start, end = date(2021, 1, 1), date(2021 + args.years - 1, 12, 31)
    run_ensemble(args.basin, 2, 1, start, date(2021, 3, 31), quiet=True)  # warm the JIT caches
    goal = GOAL_SECONDS_PER_MEMBER * args.members
    with tempfile.TemporaryDirectory() as folder:
        t0 = time.perf_counter()
        write_ensemble(args.basin, args.members, 1, Path(folder) / "ensemble.nc", start, end, quiet=args.json)
        seconds = time.perf_counter() - t0
    name = f"ensemble_{args.members}x{args.years}y_{args.basin}"
    parent = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB -> MB (Linux)
    worker = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    emit([record(f"{name}_seconds", seconds, "s", goal, seconds / goal),
          record(f"{name}_parent_peak_rss_mb", parent, "MB", None, None),
          record(f"{name}_worker_peak_rss_mb", worker, "MB", None, None)], args.json)


if __name__ == "__main__":
    main()
