"""Start-up of the ``hydro`` command, cold and warm, as ratios to bare Python in the same run.

Run ``python benchmarks/startup.py [--json] [--repeat N] [--skip-cold]``.  Each command
runs in a fresh process; the references, ``python -c pass`` and ``python -c "import
numpy"``, are measured in the same run, in the same way.  Measured (wall seconds, best
of ``--repeat``; CPU seconds from ``resource.getrusage(RUSAGE_CHILDREN)``, user + system):

* ``hydro --help``: imports nothing heavy (no Numba, matplotlib, netCDF4, xarray, dask);
* warm ``hydro run tiny -o tmp.nc --overwrite -q``: kernels cached (the issue's target:
  at most 3x ``python -c "import numpy"``);
* warm ``hydro run miyun -o tmp.nc --overwrite -q``;
* cold ``hydro run miyun -o tmp.nc --overwrite -q``: an empty kernel cache
  (``NUMBA_CACHE_DIR`` set to a fresh temporary folder), so every kernel it uses is
  compiled; its CPU seconds against the issue's target of 5 s.  ``--skip-cold``
  leaves it out (it takes 10-40 s).

Records whose reference is a target rather than a measurement say so in their name
(``..._vs_target``).  Nothing here asserts a speed: it reports what it measured.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import emit, record

#: Targets of issue 16 (start-up).
COLD_MIYUN_CPU_TARGET_S = 5.0
WARM_TINY_VS_NUMPY_TARGET = 3.0


def hydro_command() -> list[str]:
    """The ``hydro`` console script of this interpreter (not a shell shim that would add its own
    start-up), else ``python -m hydro``."""
    script = Path(sys.executable).parent / "hydro"
    return [str(script)] if script.is_file() else [sys.executable, "-m", "hydro"]


def run_once(cmd: list[str], env: dict | None = None, cwd: str | None = None) -> tuple[float, float]:
    """Run ``cmd`` to completion: (wall seconds, CPU seconds of the child and its children)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed (status {proc.returncode}):\n{proc.stderr}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def best_of(cmd: list[str], repeat: int, warmup: int = 1, **kw) -> tuple[float, float]:
    """Fastest wall time of ``repeat`` runs after ``warmup`` runs, and the CPU time of that run."""
    for _ in range(warmup):
        run_once(cmd, **kw)
    return min(run_once(cmd, **kw) for _ in range(repeat))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print JSON records")
    parser.add_argument("--repeat", type=int, default=5, help="runs of each warm command (the fastest is kept)")
    parser.add_argument("--skip-cold", action="store_true", help="leave out the cold (empty-cache) Miyun run")
    args = parser.parse_args()
    hydro = hydro_command()
    py = sys.executable
    records = []

    def note(msg: str) -> None:
        print(msg, file=sys.stderr, flush=True)

    with tempfile.TemporaryDirectory() as tmp:
        out = str(Path(tmp) / "tmp.nc")
        bare, bare_cpu = best_of([py, "-c", "pass"], args.repeat)
        numpy_, numpy_cpu = best_of([py, "-c", "import numpy"], args.repeat)
        note(f"python -c pass {bare:.3f} s; python -c 'import numpy' {numpy_:.3f} s")
        records += [record("startup_python_pass_seconds", bare, "s", None, None),
                    record("startup_import_numpy_seconds", numpy_, "s", bare, numpy_ / bare)]

        help_, _ = best_of(hydro + ["--help"], args.repeat)
        note(f"hydro --help {help_:.3f} s")
        records += [record("startup_help_seconds", help_, "s", bare, help_ / bare),
                    record("startup_help_vs_import_numpy", help_, "s", numpy_, help_ / numpy_)]

        tiny, tiny_cpu = best_of(hydro + ["run", "tiny", "-o", out, "--overwrite", "-q"], args.repeat, cwd=tmp)
        note(f"warm hydro run tiny {tiny:.3f} s ({tiny / numpy_:.2f}x import numpy; "
             f"target <= {WARM_TINY_VS_NUMPY_TARGET:g}x)")
        records += [record("startup_warm_run_tiny_seconds", tiny, "s", bare, tiny / bare),
                    record("startup_warm_run_tiny_vs_import_numpy", tiny, "s", numpy_, tiny / numpy_),
                    record("startup_warm_run_tiny_cpu_seconds", tiny_cpu, "s", numpy_cpu, tiny_cpu / numpy_cpu)]

        miyun_cmd = hydro + ["run", "miyun", "-o", out, "--overwrite", "-q"]
        miyun, miyun_cpu = best_of(miyun_cmd, max(1, args.repeat // 2), cwd=tmp)
        note(f"warm hydro run miyun {miyun:.3f} s, {miyun_cpu:.3f} s CPU")
        records += [record("startup_warm_run_miyun_seconds", miyun, "s", bare, miyun / bare),
                    record("startup_warm_run_miyun_cpu_seconds", miyun_cpu, "s", bare_cpu, miyun_cpu / bare_cpu)]

        if not args.skip_cold:
            cache = Path(tmp) / "numba-cache"
            cache.mkdir()
            env = dict(os.environ, NUMBA_CACHE_DIR=str(cache))
            note("cold hydro run miyun (empty kernel cache: compiles every kernel it uses)...")
            cold, cold_cpu = run_once(miyun_cmd, env=env, cwd=tmp)
            rewarm, rewarm_cpu = run_once(miyun_cmd, env=env, cwd=tmp)  # the same cache, now filled
            note(f"cold hydro run miyun {cold:.2f} s, {cold_cpu:.2f} s CPU (target <= "
                 f"{COLD_MIYUN_CPU_TARGET_S:g} s CPU); then warm {rewarm:.2f} s, {rewarm_cpu:.2f} s CPU")
            records += [
                record("startup_cold_run_miyun_cpu_vs_target", cold_cpu, "s", COLD_MIYUN_CPU_TARGET_S,
                       cold_cpu / COLD_MIYUN_CPU_TARGET_S),
                record("startup_cold_run_miyun_cpu_seconds", cold_cpu, "s", bare_cpu, cold_cpu / bare_cpu),
                record("startup_cold_run_miyun_seconds", cold, "s", bare, cold / bare),
                record("startup_cold_vs_warm_run_miyun_cpu", cold_cpu, "s", rewarm_cpu, cold_cpu / rewarm_cpu),
            ]
    emit(records, args.json)


if __name__ == "__main__":
    main()
