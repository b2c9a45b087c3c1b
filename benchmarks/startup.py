"""Start-up of the ``hydro`` command, cold and warm, as ratios to bare Python in the same run.

Run ``python benchmarks/startup.py [--json] [--repeat N] [--skip-cold] [--kernels]``.  Each command
runs in a fresh process; the references, ``python -c pass`` and ``python -c "import
numpy"``, are measured in the same run, in the same way.  Measured (wall seconds, best
of ``--repeat``; CPU seconds from ``resource.getrusage(RUSAGE_CHILDREN)``, user + system):

* ``hydro --help``: imports nothing heavy (no Numba, matplotlib, netCDF4, xarray, dask);
* the Numba floor: a fresh process that imports :mod:`hydro._compile` (Numba, with
  hydro's compile policy) and calls one trivial cached kernel, what any warm command
  that runs a kernel pays before its own work (``..._vs_numba_floor``);
* warm ``hydro run tiny -o tmp.nc --overwrite -q``: kernels cached (the issue's target:
  at most 3x ``python -c "import numpy"``);
* warm ``hydro run miyun -o tmp.nc --overwrite -q`` (2000-2017), also as a ratio to ``python -c
  "import numpy"`` and to the issues' target (issue 14: 3 s; issue 13 asks 2 s), and the same
  with ``--codec zstd``, with ``--variables all`` (the default file until 2026-12-01, with
  the ``species_sources``) and with NumPy's transparent-huge-page advice on
  (``NUMPY_MADVISE_HUGEPAGE=1``; ``hydro run`` turns it off), the four taking turns;
* Miyun run once in-process: the first calls of its kernels, which load them from the disk cache
  (``Dispatcher._compile_for_args``; since 3 December 2026 without Numba's registries,
  :class:`hydro._compile._WarmCache`), as a share of the run; the transport's seconds outside its
  kernel (the lanes' copies, the results' units and, since 2 December 2026, each lane's naming of
  its outputs: ``hydro.lane_results``), and of them (since 3 December 2026) those before the first
  lane's kernel call and after the last kernel returned, and the results step's (what is left: the
  outputs added to the results), as shares of the run, and its peak resident memory;
* the writing of that run's results file alone (``hydro.netcdf.write_results``, best of
  ``--repeat`` in one process that ran the model once, the writes taking turns), with the
  default zlib, with ``codec = "zstd"``, with ``variables = ["all"]``, with the chunks of up
  to 850 kB written before ``hydro.netcdf_chunks.CHUNK_MAX_BYTES`` and with zlib on every
  variable (before ``hydro.netcdf_chunks.worth_compressing``), as shares of the warm command
  (``all``, the uncapped chunks and zlib everywhere: as ratios to the default write too);
* cold ``hydro run miyun -o tmp.nc --overwrite -q``: an empty kernel cache
  (``NUMBA_CACHE_DIR`` set to a fresh temporary folder), so every kernel it uses is
  compiled; its CPU seconds against the issue's target of 5 s, and the compiling
  alone: its CPU seconds less those of the same command run again warm.  ``--skip-cold``
  leaves it out (it takes 10-40 s);
* ``--kernels``: one more cold ``hydro run miyun`` run in-process by
  ``_kernel_compiles.py``, printing each compiled function's compilations,
  signatures and seconds (on stderr) and its total.

Records whose reference is a target rather than a measurement say so in their name
(``..._vs_target``).  Nothing here asserts a speed: it reports what it measured.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import best_child, emit, record, run_child

HERE = Path(__file__).resolve().parent

#: Targets of issue 16 (start-up).
COLD_MIYUN_CPU_TARGET_S = 5.0
WARM_TINY_VS_NUMPY_TARGET = 3.0
#: Issue 14's target for the warm ``hydro run miyun`` (2000-2017), seconds of wall time.
WARM_MIYUN_TARGET_S = 3.0


def hydro_command() -> list[str]:
    """The ``hydro`` console script of this interpreter (not a shell shim that would add its own
    start-up), else ``python -m hydro``."""
    script = Path(sys.executable).parent / "hydro"
    return [str(script)] if script.is_file() else [sys.executable, "-m", "hydro"]


#: A trivial kernel under hydro's compile policy: the floor of a warm command that runs kernels.
FLOOR_SCRIPT = """
import numpy as np
from hydro._compile import kernel

@kernel
def total(a):
    s = 0.0
    for x in a:
        s += x
    return s

total(np.ones(3))
"""


#: Runs Miyun once in-process (its steps' seconds, the transport kernel's, the peak resident
#: memory), then times writing its results file: best wall and CPU seconds of each codec over
#: argv[2] writes into argv[1] (a folder), as JSON on stdout.
WRITE_SCRIPT = """
import json, resource, sys, time
from pathlib import Path
from hydro import _transport_kernels as kernels
from hydro import pipeline_steps, transport
from hydro.clitools import load_basin
from hydro.outputspec import spec_for_run
from hydro.pipeline import run_watershed
from numba.core.dispatcher import Dispatcher
from numba.core.registry import cpu_target
basin, steps, lanes, loads = load_basin("miyun"), {}, [], []
first_call = Dispatcher._compile_for_args  # a kernel's first call in the process: its load from the cache
def loading(self, *args, **kws):
    t0 = time.perf_counter()
    try:
        return first_call(self, *args, **kws)
    finally:
        loads.append(time.perf_counter() - t0)
Dispatcher._compile_for_args = loading
real = kernels.simulate_kernel
spans, simulate = [], transport.simulate  # each lane's kernel call (its load from the cache in it), the transport's
def timed(*args):
    t0 = time.perf_counter()
    real(*args)
    lanes.append(time.perf_counter() - t0)
    spans.append((t0, time.perf_counter()))
def transport_timed(*args, **kws):
    t0 = time.perf_counter()
    try:
        return simulate(*args, **kws)
    finally:
        steps.update(transport_start=t0, transport_end=time.perf_counter())
kernels.simulate_kernel, pipeline_steps.simulate = timed, transport_timed
wall = time.perf_counter()
results = run_watershed(basin, basin.settings.start, basin.settings.end, timings=steps)
# the transport's own work before its first kernel call (checks, cells, dead sources, each lane's copies) and after
# its last kernel returned (the last lane's naming, the run's result), the run's critical path
steps.update(before_kernels=min(a for a, _ in spans) - steps.pop("transport_start"),
             after_kernels=steps.pop("transport_end") - max(b for _, b in spans))
steps.update(run=time.perf_counter() - wall, kernel=max(lanes),
             peak_mb=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,  # kB (Linux)
             results_mb=sum(v.nbytes for v in results.data.values()) / 2**20,  # what the run hands back
             kernel_loads=sum(loads), kernels_loaded=len(loads),  # both lanes count (one waits for the load)
             registries=len(cpu_target.target_context._registries))  # Numba's, installed by the run (0: none)
Dispatcher._compile_for_args = first_call
kernels.simulate_kernel, pipeline_steps.simulate = real, simulate
from hydro import netcdf_chunks
cap, keeps = netcdf_chunks.CHUNK_MAX_BYTES, netcdf_chunks.ZLIB_KEEPS_AT_MOST
specs = {"zlib": spec_for_run(basin), "zstd": spec_for_run(basin, codec="zstd"),
         "zlib_all_variables": spec_for_run(basin, variables="all"),
         "zlib_uncapped_chunks": spec_for_run(basin),  # chunks as before CHUNK_MAX_BYTES (up to 850 kB)
         "zlib_every_variable": spec_for_run(basin)}  # zlib wherever it shrinks nothing, as before 2 Dec 2026
out = dict.fromkeys(specs, (float("inf"), 0.0))
for _ in range(int(sys.argv[2])):  # taking turns: a passing load weighs on every case alike
    for case, spec in specs.items():
        netcdf_chunks.CHUNK_MAX_BYTES = 1 << 62 if case == "zlib_uncapped_chunks" else cap
        netcdf_chunks.ZLIB_KEEPS_AT_MOST = float("inf") if case == "zlib_every_variable" else keeps
        wall, cpu = time.perf_counter(), time.process_time()
        results.to_netcdf(Path(sys.argv[1]) / "write.nc", overwrite=True, spec=spec)
        out[case] = min(out[case], (time.perf_counter() - wall, time.process_time() - cpu))
netcdf_chunks.CHUNK_MAX_BYTES, netcdf_chunks.ZLIB_KEEPS_AT_MOST = cap, keeps
print(json.dumps({"writes": out, "steps": steps}))
"""


def note(msg: str) -> None:
    """Progress on stderr (stdout carries the records)."""
    print(msg, file=sys.stderr, flush=True)


def warm_records(hydro: list[str], tmp: str, repeat: int) -> tuple[list[dict], dict]:
    """References, ``hydro --help``, the Numba floor and the warm runs; also the references' values."""
    py = sys.executable
    out = str(Path(tmp) / "tmp.nc")
    bare, bare_cpu = best_child([py, "-c", "pass"], repeat)[:2]
    numpy_, numpy_cpu = best_child([py, "-c", "import numpy"], repeat)[:2]
    note(f"python -c pass {bare:.3f} s; python -c 'import numpy' {numpy_:.3f} s")
    records = [record("startup_python_pass_seconds", bare, "s", None, None),
               record("startup_import_numpy_seconds", numpy_, "s", bare, numpy_ / bare)]

    help_, _ = best_child(hydro + ["--help"], repeat)[:2]
    note(f"hydro --help {help_:.3f} s")
    records += [record("startup_help_seconds", help_, "s", bare, help_ / bare),
                record("startup_help_vs_import_numpy", help_, "s", numpy_, help_ / numpy_)]

    floor_file = Path(tmp) / "numba_floor.py"
    floor_file.write_text(FLOOR_SCRIPT)
    floor, floor_cpu = best_child([py, str(floor_file)], repeat, cwd=tmp)[:2]
    note(f"Numba floor (one cached kernel) {floor:.3f} s ({floor / numpy_:.2f}x import numpy)")
    records += [record("startup_numba_floor_seconds", floor, "s", numpy_, floor / numpy_),
                record("startup_numba_floor_cpu_seconds", floor_cpu, "s", numpy_cpu, floor_cpu / numpy_cpu)]

    tiny, tiny_cpu = best_child(hydro + ["run", "tiny", "-o", out, "--overwrite", "-q"], repeat, cwd=tmp)[:2]
    note(f"warm hydro run tiny {tiny:.3f} s ({tiny / numpy_:.2f}x import numpy; "
         f"target <= {WARM_TINY_VS_NUMPY_TARGET:g}x; {tiny / floor:.2f}x the Numba floor)")
    records += [record("startup_warm_run_tiny_seconds", tiny, "s", bare, tiny / bare),
                record("startup_warm_run_tiny_vs_import_numpy", tiny, "s", numpy_, tiny / numpy_),
                record("startup_warm_run_tiny_vs_numba_floor", tiny, "s", floor, tiny / floor),
                record("startup_warm_run_tiny_cpu_seconds", tiny_cpu, "s", numpy_cpu, tiny_cpu / numpy_cpu)]

    records += miyun_records(hydro, tmp, repeat, bare, bare_cpu, numpy_)
    return records, {"bare": bare, "bare_cpu": bare_cpu}


def miyun_records(hydro: list[str], tmp: str, repeat: int, bare: float, bare_cpu: float,
                  numpy_: float) -> list[dict]:
    """The warm ``hydro run miyun`` (default, ``--codec zstd``, ``--variables all``) and the writing
    of its file."""
    out = str(Path(tmp) / "tmp.nc")
    cmd = hydro + ["run", "miyun", "-o", out, "--overwrite", "-q"]
    runs = interleaved_children({"default": cmd, "zstd": cmd + ["--codec", "zstd"],
                                 "all": cmd + ["--variables", "all"],
                                 "huge_pages": ["env", "NUMPY_MADVISE_HUGEPAGE=1", *cmd]}, max(1, repeat // 2), cwd=tmp)
    (miyun, miyun_cpu), (zstd, _), (every, every_cpu) = runs["default"], runs["zstd"], runs["all"]
    huge, huge_cpu = runs["huge_pages"]
    note(f"warm hydro run miyun {miyun:.3f} s, {miyun_cpu:.3f} s CPU ({miyun / numpy_:.1f}x import numpy; "
         f"target <= {WARM_MIYUN_TARGET_S:g} s); with --codec zstd {zstd:.3f} s; with --variables all "
         f"{every:.3f} s, {every_cpu:.3f} s CPU; with NumPy's huge-page advice {huge:.3f} s, {huge_cpu:.3f} s CPU")
    records = [record("startup_warm_run_miyun_seconds", miyun, "s", bare, miyun / bare),
               record("startup_warm_run_miyun_vs_import_numpy", miyun, "s", numpy_, miyun / numpy_),
               record("startup_warm_run_miyun_vs_target", miyun, "s", WARM_MIYUN_TARGET_S,
                      miyun / WARM_MIYUN_TARGET_S),
               record("startup_warm_run_miyun_cpu_seconds", miyun_cpu, "s", bare_cpu, miyun_cpu / bare_cpu),
               record("startup_warm_run_miyun_zstd_seconds", zstd, "s", miyun, zstd / miyun),
               record("startup_warm_run_miyun_all_variables_seconds", every, "s", miyun, every / miyun),
               record("startup_warm_run_miyun_all_variables_cpu_seconds", every_cpu, "s", miyun_cpu,
                      every_cpu / miyun_cpu),
               # hydro run turns NumPy's transparent-huge-page advice off (hydro.cli._small_pages); with it:
               record("startup_warm_run_miyun_huge_pages_seconds", huge, "s", miyun, huge / miyun),
               record("startup_warm_run_miyun_huge_pages_cpu_seconds", huge_cpu, "s", miyun_cpu, huge_cpu / miyun_cpu)]
    script = Path(tmp) / "write_miyun.py"
    script.write_text(WRITE_SCRIPT)
    proc = subprocess.run([sys.executable, str(script), tmp, str(max(1, repeat // 2))], cwd=tmp,
                          capture_output=True, text=True, check=True)
    measured = json.loads(proc.stdout.strip().splitlines()[-1])
    records += step_records(measured["steps"])
    writes = measured["writes"]
    for codec, (wall, cpu) in writes.items():
        note(f"writing Miyun's results ({codec}) {wall:.3f} s, {cpu:.3f} s CPU ({wall / miyun:.0%} of the run)")
        records += [record(f"startup_miyun_write_{codec}_seconds", wall, "s", miyun, wall / miyun),
                    record(f"startup_miyun_write_{codec}_cpu_seconds", cpu, "s", miyun_cpu, cpu / miyun_cpu)]
    every, every_cpu = writes["zlib_all_variables"]
    records.append(record("startup_miyun_write_all_variables_vs_default_cpu", every_cpu, "s",
                          writes["zlib"][1], every_cpu / writes["zlib"][1]))
    # the chunk cap (hydro.netcdf_chunks.CHUNK_MAX_BYTES) against the chunks before it, same values
    uncapped_cpu = writes["zlib_uncapped_chunks"][1]
    records.append(record("startup_miyun_write_zlib_vs_uncapped_chunks_cpu", writes["zlib"][1], "s",
                          uncapped_cpu, writes["zlib"][1] / uncapped_cpu))
    # zlib only where it pays (hydro.netcdf_chunks.worth_compressing) against zlib on every variable
    every_cpu = writes["zlib_every_variable"][1]
    records.append(record("startup_miyun_write_zlib_vs_every_variable_cpu", writes["zlib"][1], "s",
                          every_cpu, writes["zlib"][1] / every_cpu))
    return records


def step_records(steps: dict) -> list[dict]:
    """Miyun's run in one process: the transport outside its kernel (lanes' copies, the results'
    units, each lane's naming of its outputs: species' and tags' sums) and the results step (the
    outputs added to the results) as shares of the run, its peak resident memory against the size of
    the results it hands back."""
    outside = steps["transport"] - steps["kernel"]
    note(f"Miyun in-process: run {steps['run']:.3f} s, transport {steps['transport']:.3f} s of which "
         f"{outside:.3f} s outside the kernel ({steps['before_kernels']:.3f} s before the first lane's kernel "
         f"call, {steps['after_kernels']:.3f} s after the last returned), results step {steps['results']:.3f} s; "
         f"peak RSS "
         f"{steps['peak_mb']:.0f} MB; {steps['kernels_loaded']} kernel calls loading from the cache "
         f"{steps['kernel_loads']:.3f} s (Numba registries installed: {steps['registries']})")
    return [record("startup_miyun_kernel_loads_seconds", steps["kernel_loads"], "s", steps["run"],
                   steps["kernel_loads"] / steps["run"]),
            record("startup_miyun_transport_outside_kernel_seconds", outside, "s", steps["run"],
                   outside / steps["run"]),
            # since 3 December 2026: the transport's main-thread and lanes' work before the kernels and after them
            record("startup_miyun_transport_before_kernels_seconds", steps["before_kernels"], "s", steps["run"],
                   steps["before_kernels"] / steps["run"]),
            record("startup_miyun_transport_after_kernels_seconds", steps["after_kernels"], "s", steps["run"],
                   steps["after_kernels"] / steps["run"]),
            record("startup_miyun_results_step_seconds", steps["results"], "s", steps["run"],
                   steps["results"] / steps["run"]),
            record("startup_miyun_run_peak_rss_mb", steps["peak_mb"], "MB", steps["results_mb"],
                   steps["peak_mb"] / steps["results_mb"])]


def interleaved_children(cmds: dict[str, list[str]], repeat: int, cwd: str) -> dict[str, tuple[float, float]]:
    """Best (wall, CPU) seconds of each command (by wall time) over ``repeat`` rounds after one warm-up
    run of each; in every round each runs once, in turn (``_common.interleaved_best``'s reason)."""
    for cmd in cmds.values():
        run_child(cmd, cwd=cwd)
    best = dict.fromkeys(cmds, (float("inf"), 0.0))
    for _ in range(repeat):
        for name, cmd in cmds.items():
            best[name] = min(best[name], run_child(cmd, cwd=cwd)[:2])
    return best


def cold_records(hydro: list[str], tmp: str, ref: dict) -> list[dict]:
    """A cold ``hydro run miyun`` (empty kernel cache), then the same again warm."""
    miyun_cmd = hydro + ["run", "miyun", "-o", str(Path(tmp) / "tmp.nc"), "--overwrite", "-q"]
    cache = Path(tmp) / "numba-cache"
    cache.mkdir()
    env = dict(os.environ, NUMBA_CACHE_DIR=str(cache))
    note("cold hydro run miyun (empty kernel cache: compiles every kernel it uses)...")
    cold, cold_cpu = run_child(miyun_cmd, env=env, cwd=tmp)[:2]
    rewarm, rewarm_cpu = run_child(miyun_cmd, env=env, cwd=tmp)[:2]  # the same cache, now filled
    note(f"cold hydro run miyun {cold:.2f} s, {cold_cpu:.2f} s CPU (target <= "
         f"{COLD_MIYUN_CPU_TARGET_S:g} s CPU); then warm {rewarm:.2f} s, {rewarm_cpu:.2f} s CPU: "
         f"compiling {cold_cpu - rewarm_cpu:.2f} s CPU")
    return [
        record("startup_cold_run_miyun_cpu_vs_target", cold_cpu, "s", COLD_MIYUN_CPU_TARGET_S,
               cold_cpu / COLD_MIYUN_CPU_TARGET_S),
        record("startup_cold_run_miyun_cpu_seconds", cold_cpu, "s", ref["bare_cpu"], cold_cpu / ref["bare_cpu"]),
        record("startup_cold_run_miyun_seconds", cold, "s", ref["bare"], cold / ref["bare"]),
        record("startup_cold_vs_warm_run_miyun_cpu", cold_cpu, "s", rewarm_cpu, cold_cpu / rewarm_cpu),
        record("startup_cold_compile_miyun_cpu_seconds", cold_cpu - rewarm_cpu, "s", rewarm_cpu,
               (cold_cpu - rewarm_cpu) / rewarm_cpu),
    ]


def kernel_records(tmp: str) -> list[dict]:
    """Per-kernel compilations of a cold ``hydro run miyun`` (``_kernel_compiles.py``), printed on stderr."""
    cache = Path(tmp) / "numba-cache-kernels"
    cache.mkdir()
    table = Path(tmp) / "kernels.json"
    cmd = [sys.executable, str(HERE / "_kernel_compiles.py"), str(table),
           "run", "miyun", "-o", str(Path(tmp) / "tmp.nc"), "--overwrite", "-q"]
    note("cold hydro run miyun, kernel by kernel...")
    run_child(cmd, env=dict(os.environ, NUMBA_CACHE_DIR=str(cache)), cwd=tmp)
    result = json.loads(table.read_text())
    note(f"{'compiled function':64s} {'sigs':>4s} {'compiles':>8s} {'excl. s':>8s} {'incl. s':>8s}")
    for row in result["kernels"]:
        note(f"{row['kernel']:64s} {len(row['signatures']):4d} {row['compiles']:8d} "
             f"{row['exclusive_s']:8.2f} {row['inclusive_s']:8.2f}")
    repeated = [row["kernel"] for row in result["kernels"] if len(row["signatures"]) > 1]
    note(f"compiling {result['compile_s']:.2f} s of {result['cpu_s']:.2f} s CPU; kernels compiled for "
         f"more than one signature: {', '.join(repeated) or 'none'}")
    return [record("startup_cold_kernel_compile_seconds", result["compile_s"], "s", result["cpu_s"],
                   result["compile_s"] / result["cpu_s"]),
            record("startup_cold_kernels_with_several_signatures", len(repeated), "count", None, None)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print JSON records")
    parser.add_argument("--repeat", type=int, default=5, help="runs of each warm command (the fastest is kept)")
    parser.add_argument("--skip-cold", action="store_true", help="leave out the cold (empty-cache) Miyun run")
    parser.add_argument("--kernels", action="store_true",
                        help="also compile kernel by kernel and print each one's signatures and seconds")
    args = parser.parse_args()
    hydro = hydro_command()
    with tempfile.TemporaryDirectory() as tmp:
        records, ref = warm_records(hydro, tmp, args.repeat)
        if not args.skip_cold:
            records += cold_records(hydro, tmp, ref)
        if args.kernels:
            records += kernel_records(tmp)
    emit(records, args.json)


if __name__ == "__main__":
    main()
