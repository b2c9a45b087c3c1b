"""Speed of the whole watershed model, with the share of time per component.

Run ``python benchmarks/model.py [--json]``.  A 20-year daily run of a synthetic
50-subbasin, 50-reach network with two reservoirs (one TN constituent carried as
six source tags), timed warm; the reference is the goal of 1 s.  The basin is
:func:`hydro.validation.problems.synthetic_watershed`'s default: since 2 Dec 2026 its reaches'
velocities and widths follow a downstream hydraulic geometry at their mean discharge (18 of the
50 reaches' coefficients changed, every other value the same; ``hydraulics="at_a_station"`` builds
the basin of the figures measured before).  Each component's
share of the time (weather, runoff, sources, routing, transport, results,
output) is reported as its own record ``stage_NAME_seconds``: its seconds, its reference the
total, so that its ratio is the share.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import emit, record  # noqa: E402

from hydro.basin import Basin  # noqa: E402
from hydro.pipeline import run_watershed  # noqa: E402
from hydro.validation.problems import synthetic_watershed  # noqa: E402

GOAL_SECONDS = 1.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print JSON records")
    parser.add_argument("--repeat", type=int, default=3, help="warm runs (the fastest is kept)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        basin = Basin.load(synthetic_watershed(Path(tmp), n_subbasin=50, n_reservoir=2, years=20))
        s, e = basin.settings.start, basin.settings.end
        run_watershed(basin, s, e)  # compile / warm the caches
        best, best_t = float("inf"), {}
        for _ in range(args.repeat):
            timings: dict[str, float] = {}
            t0 = time.perf_counter()
            results = run_watershed(Basin.load(basin.path), s, e, timings=timings)
            t1 = time.perf_counter()
            results.to_netcdf(Path(tmp) / "out.nc", overwrite=True)
            timings["output"] = time.perf_counter() - t1
            total = time.perf_counter() - t0
            if total < best:
                best, best_t = total, timings
    records = [record("model_20y_50_subbasins_seconds", best, "s", GOAL_SECONDS, best / GOAL_SECONDS)]
    for name, seconds in best_t.items():
        # a stage's seconds against the whole run's: the ratio is its share of the run
        records.append(record(f"stage_{name}_seconds", seconds, "s", best, seconds / best))
    emit(records, args.json)


if __name__ == "__main__":
    main()
