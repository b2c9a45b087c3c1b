"""Shared helpers of the benchmark scripts: timing and the ``--json`` record.

Each benchmark prints a list of ``{"name", "value", "unit", "reference", "ratio"}``
records (the BRIEF's contract); the reference is measured in the same process.
"""

from __future__ import annotations

import json
import math
import resource
import subprocess
import sys
import time
from pathlib import Path


def best_time(func, repeat: int = 3) -> float:
    """Smallest wall time (s) of ``repeat`` calls of ``func`` (after one warm-up call)."""
    func()
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        func()
        best = min(best, time.perf_counter() - t0)
    return best


def interleaved_best(funcs: dict, repeat: int = 3) -> dict:
    """Smallest wall time (s) of each of ``funcs`` (name: callable) over ``repeat`` rounds, after one
    warm-up call of each; in every round each runs once, in turn, so a load that comes and goes on a
    shared machine weighs on all of them alike (timed one after another, the first ones and the
    last ones would meet different loads, and their ratios would measure the machine)."""
    for func in funcs.values():
        func()
    best = dict.fromkeys(funcs, float("inf"))
    for _ in range(repeat):
        for name, func in funcs.items():
            t0 = time.perf_counter()
            func()
            best[name] = min(best[name], time.perf_counter() - t0)
    return best


def run_child(cmd: list[str], env: dict | None = None, cwd: str | None = None) -> tuple[float, float, str]:
    """Run ``cmd`` to completion in a fresh process: (wall seconds, CPU seconds of the child and
    its children, its standard error); a failure stops the benchmark with the error's tail."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed (status {proc.returncode}):\n{proc.stderr[-4000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, proc.stderr


def best_child(cmd: list[str], repeat: int, warmup: int = 1, **kw) -> tuple[float, float, str]:
    """The fastest (by wall time) of ``repeat`` :func:`run_child` runs after ``warmup`` runs."""
    for _ in range(warmup):
        run_child(cmd, **kw)
    return min((run_child(cmd, **kw) for _ in range(repeat)), key=lambda r: r[0])


def progress(message: str) -> None:
    """One line of progress on stderr (stdout holds the records): a benchmark of minutes shows it is alive."""
    print(message, file=sys.stderr, flush=True)


def record(name: str, value: float, unit: str, reference: float | None, ratio: float | None) -> dict:
    """One benchmark result in the BRIEF's ``--json`` shape; ``ratio`` is ``value / reference``
    (both None: the record is itself a reference, or context with no target)."""
    if reference and ratio is not None and value is not None and math.isfinite(value) \
            and not math.isclose(ratio, value / reference, rel_tol=1e-9):
        raise ValueError(f"{name}: ratio {ratio!r} is not value / reference ({value!r} / {reference!r})")
    return {"name": name, "value": value, "unit": unit, "reference": reference, "ratio": ratio}


def emit(records: list[dict], as_json: bool) -> None:
    """Print the records as JSON (``--json``) or as an aligned table."""
    if as_json:
        json.dump(records, sys.stdout, indent=1)
        print()
        return
    for r in records:
        ref = "" if r["reference"] is None else f"reference {r['reference']:.4g}"
        ratio = "" if r["ratio"] is None else f"ratio {r['ratio']:.3g}"
        print(f"{r['name']:44s} {r['value']:12.4g} {r['unit']:14s} {ref:22s} {ratio}")


def transport_call(basin: str, out: str, local_steps: bool | None) -> tuple:
    """The last transport call of ``hydro run BASIN -o OUT --set run.local_steps=... --set
    run.dispersion_every=1`` in this process: ``(network, tracers, inputs, kw)``, ``kw`` without
    ``local_steps`` (each benchmark gives its own), so that the transport alone can be timed on a run's own
    arguments.  The global sub-step disperses on every sub-step, as the local steps' benchmarks compared
    them before ``dispersion_every = "auto"`` became the default (3 Dec 2026).  ``local_steps`` None: the
    basin's own ``[run]`` settings, nothing set (``kw`` then has the run's ``dispersion_every`` and
    ``local_steps``).  ``kw`` never has the run's ``on_lane``: a call again would name every group once more
    into the finished run's results (``hydro.lane_results``), work that is not the transport's."""
    import hydro.pipeline_steps
    import hydro.simulation
    import hydro.transport
    from hydro.cli import main

    seen: list = []

    def spy(network, tracers, inputs, **kw):
        seen.append((network, tracers, inputs, kw))
        return hydro.transport.simulate(network, tracers, inputs, **kw)

    kept = hydro.simulation.simulate, hydro.pipeline_steps.simulate  # type: ignore[attr-defined]
    hydro.simulation.simulate = spy  # type: ignore[attr-defined]
    hydro.pipeline_steps.simulate = spy  # type: ignore[attr-defined]
    try:
        forced = [] if local_steps is None else [
            "--set", f"run.local_steps={'true' if local_steps else 'false'}", "--set", "run.dispersion_every=1"]
        main(["run", basin, "-o", out, "--overwrite", "-q", *forced], prog_name="hydro")
    except SystemExit as exc:
        if exc.code:
            raise
    finally:
        hydro.simulation.simulate, hydro.pipeline_steps.simulate = kept  # type: ignore[attr-defined]
    network, tracers, inputs, kw = seen[-1]  # the whole period's call (one block)
    dropped = ("on_lane",) if local_steps is None else ("on_lane", "local_steps")
    return network, tracers, inputs, {key: value for key, value in kw.items() if key not in dropped}


#: Suffix of the records of each basin's hydraulics (``--hydraulics``): none for the physical default.
SUFFIX = {"downstream": "", "at_a_station": "_at_a_station"}


def add_hydraulics_argument(parser) -> None:
    """Add ``--hydraulics downstream|at_a_station|both`` to a benchmark's ``argparse`` parser (the same
    choices and meaning in every script that builds synthetic basins; :func:`hydraulics_modes` reads it)."""
    parser.add_argument("--hydraulics", choices=(*SUFFIX, "both"), default="downstream",
                        help="the basins' reach hydraulics: downstream (physical, the default), at_a_station "
                             "(issue 16's basins; records suffixed _at_a_station) or both, case by case in turn")


#: Suffix of the records of each tree shape (``--shape``), after the hydraulics': none for issue 16's chain.
SHAPE_SUFFIX = {"chain3": "", "hack": "_hack"}


def add_shape_argument(parser) -> None:
    """Add ``--shape chain3|hack`` (the synthetic basins' tree, :data:`SHAPE_SUFFIX`) to a benchmark's parser."""
    parser.add_argument("--shape", choices=tuple(SHAPE_SUFFIX), default="chain3",
                        help="the basins' tree: chain3 (issue 16's near chain, the default) or hack (a random "
                             "binary network whose main stem follows Hack's law; records suffixed _hack)")


def hydraulics_modes(choice: str) -> list[str]:
    """The hydraulics ``--hydraulics choice`` stands for, in the order they run (physical first)."""
    return list(SUFFIX) if choice == "both" else [choice]


def build(folder: Path, reaches: int, years: int, hydraulics: str = "downstream", seed: int = 7,
          shape: str = "chain3") -> Path:
    """A synthetic basin of ``reaches`` reaches over ``years`` years (as benchmarks/model.py: one subbasin
    a reach, two reservoirs, SYNTHETIC weather, the generator's ``seed``), its reaches' hydraulics
    ``hydraulics`` (:data:`hydro.validation.synthetic_basin.HYDRAULICS`: ``"at_a_station"`` is issue 16's
    basin) and its tree ``shape`` (:data:`hydro.validation.synthetic_basin.SHAPES`: ``"chain3"`` is issue
    16's); its basin.toml path."""
    from hydro.validation.problems import synthetic_watershed

    return synthetic_watershed(folder, n_subbasin=reaches, n_reservoir=2, years=years, hydraulics=hydraulics,
                               seed=seed, shape=shape)
