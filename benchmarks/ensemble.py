"""Speed of a weather ensemble: 100 members x 5 years of a basin on all cores.

Run ``python benchmarks/ensemble.py [--json] [--basin NAME] [--members N]``.  The
basin defaults to Miyun when it is shipped, else the example watershed; the
reference is the goal of 120 s (two minutes on two cores).
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import emit, record  # noqa: E402

from hydro.basin import shipped_basins  # noqa: E402
from hydro.ensemble import run_ensemble  # noqa: E402

GOAL_SECONDS = 120.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--basin", default="miyun" if "miyun" in shipped_basins() else "watershed")
    parser.add_argument("--members", type=int, default=100)
    parser.add_argument("--years", type=int, default=5)
    args = parser.parse_args()
    start, end = date(2021, 1, 1), date(2021 + args.years - 1, 12, 31)
    run_ensemble(args.basin, 2, 1, start, date(2021, 3, 31), quiet=True)  # warm the JIT caches
    t0 = time.perf_counter()
    run_ensemble(args.basin, args.members, 1, start, end, quiet=args.json)
    seconds = time.perf_counter() - t0
    emit([record(f"ensemble_{args.members}x{args.years}y_{args.basin}_seconds", seconds, "s", GOAL_SECONDS,
                 seconds / GOAL_SECONDS)], args.json)


if __name__ == "__main__":
    main()
