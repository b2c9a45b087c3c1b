"""Calibration throughput: model evaluations per second on local worker processes.

Run ``python benchmarks/calibration.py [--json] [--basin miyun|watershed]``.  The
problem is a twin experiment (``hydro.calibration.twin``), scored exactly as
``hydro calibrate`` evaluates it: on Miyun (the default) the whole real-weather
record, 2013-03 to 2017-02 (four years: the station record is no longer), two
sections observed, three parameters; on the example watershed a 5-year run
(2001-2005).  Latin-hypercube
vectors are evaluated on a process pool of 1 and of 2 workers, each timed warm
(after every worker has run once).  Records:

* ``evaluations_per_second_2_workers`` against the goal of 10 /s;
* ``speedup_1_to_2_workers`` against the goal of 1.7 (reference: the 1-worker
  rate measured in the same process);
* ``projected_2000_evaluations_minutes`` against the goal of 10 min.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import emit, record  # noqa: E402

GOAL_RATE = 10.0
GOAL_SPEEDUP = 1.7
GOAL_MINUTES = 10.0


def rate(problem, workers: int, n: int, seed: int) -> float:
    """Warm evaluations per second of ``n`` LHS vectors on ``workers`` processes."""
    from hydro.calibration.executors import ProcessExecutor
    from hydro.calibration.runner import _lhs

    ex = ProcessExecutor(problem, workers)
    try:
        warm = _lhs(problem, 2 * workers, seed + 1)
        list(ex.map_unordered(warm))  # each worker builds the model and loads the compiled kernels
        vectors = _lhs(problem, n, seed)
        t0 = time.perf_counter()
        results = list(ex.map_unordered(vectors))
        elapsed = time.perf_counter() - t0
    finally:
        ex.close()
    failed = sum(r["status"] != "ok" for _, r in results)
    if failed:
        raise RuntimeError(f"{failed} benchmark evaluations failed: {results[0][1].get('error')}")
    return n / elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print JSON records")
    parser.add_argument("--evaluations", type=int, default=60, help="evaluations per worker timed")
    parser.add_argument("--basin", choices=("miyun", "watershed"), default="miyun")
    args = parser.parse_args()
    from datetime import date

    from hydro.calibration import CalibrationConfig, Problem
    from hydro.calibration.twin import MIYUN_SECTIONS, make_twin, miyun_parameters

    with tempfile.TemporaryDirectory() as tmp:
        if args.basin == "miyun":
            config, _ = make_twin(Path(tmp) / "twin", "miyun", start=date(2013, 3, 1),
                                  calibration=(date(2013, 3, 1), date(2017, 2, 28)),
                                  parameters=miyun_parameters(), sections=MIYUN_SECTIONS)
        else:
            config, _ = make_twin(Path(tmp) / "twin")
        problem = Problem(CalibrationConfig.from_toml(config))
        problem.prepare()
        one = rate(problem, 1, args.evaluations, seed=11)
        two = rate(problem, 2, 2 * args.evaluations, seed=12)
    minutes = 2000.0 / two / 60.0
    records = [
        record("evaluations_per_second_2_workers", two, "1/s", GOAL_RATE, two / GOAL_RATE),
        record("evaluations_per_second_1_worker", one, "1/s", GOAL_RATE / GOAL_SPEEDUP,
               one / (GOAL_RATE / GOAL_SPEEDUP)),
        record("speedup_1_to_2_workers", two / one, "1", one, (two / one) / GOAL_SPEEDUP),
        record("projected_2000_evaluations_minutes", minutes, "min", GOAL_MINUTES, minutes / GOAL_MINUTES),
    ]
    emit(records, args.json)


if __name__ == "__main__":
    main()
