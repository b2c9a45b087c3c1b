"""Calibration throughput: evaluations per second, against the previous evaluation path.

Run ``python benchmarks/calibration.py [--json] [--case lumped|miyun|watershed|all]``
(default ``all`` = lumped and Miyun).  Every reference is measured in the same run.

``lumped``: a 35-year daily GR4J + CemaNeige twin
(:func:`hydro.calibration.twin.make_lumped_twin`: five snow bands, Oudin PET,
six parameters, NSE + KGE + PBIAS in a calibration and a validation period).

* ``lumped_model_ms``: the compiled kernels alone (CemaNeige + GR4J) per run;
* ``lumped_previous_evaluation_ms`` / ``lumped_evaluation_ms``: one evaluation
  in this process (the best of 40, the two ways taking turns) the previous way (``run_catchment``, PET and snow bands
  recomputed, every metric re-binned per period) and now;
* ``lumped_evaluations_per_second_2_workers``: a whole DE calibration
  (:func:`hydro.calibration.calibrate`, ``--workers 2``: pool start, DE, the
  evaluation log, outputs) against the goal of 400 /s;
  ``lumped_evaluations_per_second_serial`` and ``..._default`` (the executor
  chosen by the job's size) for comparison.

``miyun`` (or ``watershed``): the twin experiment of ``hydro.calibration.twin``
on the real-weather record (Miyun 2013-03 to 2017-02, two sections observed,
three parameters; the example watershed 2001-2005).  Latin-hypercube vectors
evaluated on a warm process pool of 1 and 2 workers, now and the previous way
(the basin file re-read and re-parsed with ``--set`` strings, weather re-read,
metrics re-binned; one task per evaluation), the best of ``--rounds`` rounds in
which the three take turns:

* ``*_evaluations_per_second_2_workers`` against 2x the previous way's rate
  (the goal);
* ``*_speedup_1_to_2_workers`` against the goal of 1.8.

On a machine whose cores are shared with other work the worker rates and the
speed-up measure the machine, not the code: compare the ``*_evaluation_ms``
records (one process, best of several, the two ways taking turns) too.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import emit, progress, record  # noqa: E402

GOAL_LUMPED_RATE = 400.0
GOAL_BASIN_RATIO = 2.0
GOAL_SPEEDUP = 1.8

from hydro.calibration.problem import Problem  # noqa: E402


class PreviousProblem(Problem):
    """The evaluation path before issue 12, for the reference rates: the basin file read
    and parsed with ``--set`` strings per evaluation (``Basin.load``), the weather re-read,
    ``run_catchment`` recomputing PET and the snow bands, and every metric re-binning
    the simulation for every period (``Alignment`` with ``bincount``)."""

    def simulate(self, z):
        from hydro.calibration.models import format_assignment

        cfg = self.config
        model = self.prepare().model
        assignments = self.assignments(z)
        if cfg.kind == "catchment":
            from hydro.catchment import run_catchment

            r = run_catchment(model._apply(assignments), model.forcing)
            return {o.name: (r.q_mm if o.variable == "discharge_mm" else r.q_m3s) for o in cfg.observations}
        from hydro.basin import Basin
        from hydro.simulation import run

        items = list(cfg.overrides) + [format_assignment(k, v) for k, v in assignments.items()]
        res = run(Basin.load(model.path, overrides=items), model.start, model.end)
        sections = list(res.coords["section"])
        return {o.name: np.asarray(res[model.VARIABLE[o.variable]][:, sections.index(o.at)], dtype=float)
                for o in cfg.observations}

    def score(self, series):
        from hydro.metrics import metric

        prep = self.prepare()
        scores = {}
        for label in self.config.periods.named():
            scores[label] = {}
            for obj in self.config.objectives:
                al = prep.alignments[obj.observation]
                daily = series[obj.observation]
                keep = al.bin_of_day >= 0
                idx = al.bin_of_day[keep]
                sums = np.bincount(idx, weights=daily[keep], minlength=al.n_bins)
                counts = np.bincount(idx, minlength=al.n_bins)
                with np.errstate(invalid="ignore", divide="ignore"):
                    sim = np.where(counts > 0, sums / np.maximum(counts, 1), np.nan)
                mask = al.in_period[label]
                scores[label][obj.label] = float(metric(obj.metric)(sim[mask], al.observed[mask]))
        total = sum(o.weight for o in self.config.objectives)
        loss = 0.0
        for obj in self.config.objectives:
            loss += obj.weight * metric(obj.metric).loss_of(scores["calibration"][obj.label])
        return loss / total, scores


def _per_evaluation(problems, vectors) -> list[float]:
    """Seconds per evaluation in this process of each problem: the smallest over the
    vectors, the problems taking turns on each vector (so that a machine whose load changes
    during the measurement affects them alike), after one warm-up each."""
    for p in problems:
        p.evaluate(vectors[0])
    best = [float("inf")] * len(problems)
    for z in vectors:
        for k, p in enumerate(problems):
            t0 = time.perf_counter()
            r = p.evaluate(z)
            best[k] = min(best[k], time.perf_counter() - t0)
            if r["status"] != "ok":
                raise RuntimeError(f"benchmark evaluation failed: {r['error']}")
    return best


def pool_rate(problem: Problem, workers: int, n: int, seed: int, chunked: bool) -> float:
    """Warm evaluations per second of ``n`` LHS vectors on ``workers`` processes."""
    from hydro.batch import ProcessExecutor
    from hydro.calibration.executors import Evaluations
    from hydro.calibration.problem import install
    from hydro.calibration.runner import _lhs

    # a real pool even of one worker (not the serial path), each worker given this problem
    ex = Evaluations(ProcessExecutor(workers, setup=(install, (problem,))), problem, problem.token)
    try:
        list(ex.map_unordered(_lhs(problem, 2 * workers, seed + 1)))  # every worker has run once
        if chunked:
            ex.seconds_per_evaluation = _per_evaluation([problem], _lhs(problem, 2, seed + 2))[0]
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


def lumped(tmp: Path, evaluations: int) -> list[dict]:
    from hydro.calibration import CalibrationConfig, calibrate
    from hydro.calibration.runner import _lhs
    from hydro.calibration.twin import make_lumped_twin

    progress("lumped: building the 35-year twin")
    config_path, _ = make_lumped_twin(tmp / "lumped", years=35, max_evaluations=evaluations)
    config = CalibrationConfig.from_toml(config_path)
    now, before = Problem(config), PreviousProblem(config)
    vectors = _lhs(now, 40, 3)
    model = now.prepare().model
    model.simulate(now.assignments(vectors[0]))
    prepared = model._prepared
    catchment = model._apply(now.assignments(vectors[0]))
    model_s = float("inf")
    for _ in range(40):  # the best of 40, like the evaluations
        t0 = time.perf_counter()
        prepared.q_mm(catchment)
        model_s = min(model_s, time.perf_counter() - t0)
    progress("lumped: one evaluation, the previous way and now (best of 40)")
    new_s, old_s = _per_evaluation([now, before], vectors)
    rates = {}
    for label, kw in (("serial", {"serial": True}), ("2_workers", {"workers": 2}), ("default", {})):
        progress(f"lumped: a DE calibration of {evaluations} evaluations, {label.replace('_', ' ')}")
        r = calibrate(config, tmp / f"lumped-{label}", **kw)
        rates[label] = r.summary["evaluated_now"] / r.summary["seconds"]
        rates[label + "_executor"] = f"{r.summary['executor']} x{r.summary['workers']}"
    two = rates["2_workers"]
    return [
        record("lumped_model_ms", model_s * 1e3, "ms", None, None),
        record("lumped_previous_evaluation_ms", old_s * 1e3, "ms", model_s * 1e3, old_s / model_s),
        record("lumped_evaluation_ms", new_s * 1e3, "ms", old_s * 1e3, new_s / old_s),
        record("lumped_evaluations_per_second_2_workers", two, "1/s", GOAL_LUMPED_RATE, two / GOAL_LUMPED_RATE),
        record("lumped_evaluations_per_second_serial", rates["serial"], "1/s", GOAL_LUMPED_RATE,
               rates["serial"] / GOAL_LUMPED_RATE),
        record(f"lumped_evaluations_per_second_default ({rates['default_executor']})", rates["default"], "1/s",
               rates["serial"], rates["default"] / rates["serial"]),
    ]


def basin(tmp: Path, name: str, evaluations: int, rounds: int = 2) -> list[dict]:
    from datetime import date

    from hydro.calibration import CalibrationConfig
    from hydro.calibration.runner import _lhs
    from hydro.calibration.twin import MIYUN_SECTIONS, make_twin, miyun_parameters

    progress(f"{name}: building the twin")
    if name == "miyun":
        config_path, _ = make_twin(tmp / "twin", "miyun", start=date(2013, 3, 1),
                                   calibration=(date(2013, 3, 1), date(2017, 2, 28)),
                                   parameters=miyun_parameters(), sections=MIYUN_SECTIONS)
    else:
        config_path, _ = make_twin(tmp / "twin")
    config = CalibrationConfig.from_toml(config_path)
    now, before = Problem(config), PreviousProblem(config)
    now.prepare()
    before.prepare()
    new_s, old_s = _per_evaluation([now, before], _lhs(now, 4, 5))
    old_two = one = two = 0.0
    for k in range(rounds):  # the best of each, the three taking turns (a shared machine's load varies)
        progress(f"{name}: pool rates, round {k + 1}/{rounds} (previous way x2, now x1, now x2)")
        old_two = max(old_two, pool_rate(before, 2, 2 * evaluations, seed=12, chunked=False))
        one = max(one, pool_rate(now, 1, evaluations, seed=11, chunked=True))
        two = max(two, pool_rate(now, 2, 2 * evaluations, seed=12, chunked=True))
    goal = GOAL_BASIN_RATIO * old_two
    return [
        record(f"{name}_previous_evaluation_ms", old_s * 1e3, "ms", None, None),
        record(f"{name}_evaluation_ms", new_s * 1e3, "ms", old_s * 1e3, new_s / old_s),
        record(f"{name}_previous_evaluations_per_second_2_workers", old_two, "1/s", None, None),
        record(f"{name}_evaluations_per_second_2_workers", two, "1/s", goal, two / goal),
        record(f"{name}_evaluations_per_second_1_worker", one, "1/s", None, None),
        record(f"{name}_speedup_1_to_2_workers", two / one, "1", GOAL_SPEEDUP, (two / one) / GOAL_SPEEDUP),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print JSON records")
    parser.add_argument("--case", choices=("lumped", "miyun", "watershed", "all"), default="all")
    parser.add_argument("--evaluations", type=int, default=10,
                        help="basin evaluations per worker timed (default 10)")
    parser.add_argument("--rounds", type=int, default=2,
                        help="basin pool rates: best of this many rounds (default 2)")
    parser.add_argument("--lumped-evaluations", type=int, default=1500,
                        help="DE budget of each lumped calibration (default 1500)")
    args = parser.parse_args()
    records: list[dict] = []
    with tempfile.TemporaryDirectory() as tmp:
        if args.case in ("lumped", "all"):
            records += lumped(Path(tmp), args.lumped_evaluations)
        if args.case in ("miyun", "all"):
            records += basin(Path(tmp), "miyun", args.evaluations, args.rounds)
        if args.case == "watershed":
            records += basin(Path(tmp), "watershed", args.evaluations, args.rounds)
    emit(records, args.json)


if __name__ == "__main__":
    main()
