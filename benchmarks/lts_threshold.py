"""Local time steps against the global sub-step, size by size: where ``[run] local_steps = "auto"``
should switch them on (``hydro.local_steps_auto``: its cost model's constants were fitted to these runs).

Run ``python benchmarks/lts_threshold.py [--sizes 100,200,500,1000,2000,5000] [--rounds 3] [--shipped]
[--span K] [--cell-km KM] [--seed S] [--no-whole] [--hydraulics KIND] [--shape KIND] [--json]``.  Per size a
synthetic one-year tree basin (as ``benchmarks/scaling.py`` and ``benchmarks/model.py`` build it: one subbasin a
reach, two reservoirs, SYNTHETIC weather), and with ``--shipped`` copies of Miyun and Guanting
(``basins/region`` beside them: their files refer to ``../region/quality.toml``), are timed two ways,
global and local always taking turns (global, local, global, local, ...) so that load from other work
weighs on both alike:

* ``transport``: in one fresh process, ``hydro run BASIN --set run.local_steps=false`` captures its
  transport call (``hydro.transport.simulate``'s arguments), then that call runs ``--rounds`` times
  each way (the global sub-step, ``local_steps=None``; local steps, ``LocalSteps()``, the defaults that
  ``true`` and ``"auto"`` give), timed by ``time.process_time`` (CPU of all the process's threads: the
  kernel runs in up to ``HYDRO_TRANSPORT_THREADS`` lanes).  A call of under 3 s runs once each way
  first, untimed (the local steps' first call loads their kernels from the cache, 0.1-0.4 s);
* ``whole`` (unless ``--no-whole``): ``hydro run BASIN -o OUT --overwrite -q --set
  run.local_steps=false`` and ``=true`` (both with ``--set run.dispersion_every=1``: the global sub-step
  dispersing on every sub-step, as the threshold was measured) in fresh processes, ``--rounds`` times
  each, taking turns: CPU seconds of each process (``os.wait4``) and its wall time.

``--dispersion-every auto`` runs the whole runs with the basins' default instead (7 from 2,000 reaches on both
ways: the runs ``hydro.local_steps_auto``'s constants were fitted to).
Printed per basin: what ``"auto"`` decides by (the estimated gain, the estimated sub-steps a day and the cost
model's ratio, from the global run's cell water), the best (least) CPU each way and their ratio (local /
global), the range of the
ratios of the rounds' pairs (each local run over the global run just before it), the same for the
whole process, and the load average (``os.getloadavg``, as ``uptime`` prints it) before and after.
``--span K`` redraws each synthetic reach's downstream reach among the next ``K`` (the generator's is
3: long chains; a large ``K`` gives a bushier tree of shorter chains), ``--cell-km`` sets the basin's
``cell_length_km`` (the generator's 5 km) and ``--seed`` the generator's seed (7, as ``scaling.py``'s:
another random tree and weather); all three only for this benchmark's basins, to see whether the
answer depends on the tree's shape.  (``--span`` redraws the tree after the generator has set each
reach's velocity and width coefficients from its mean discharge in the tree as drawn: on the physical
basins a redrawn tree's large rivers keep small rivers' coefficients, 124 sub-steps a day at 10,000
reaches against 40, so its basins are not physical; ``--seed`` and ``--cell-km`` are.)  ``--json``
prints ``lts_threshold_transport_cpu_seconds_*`` and ``lts_threshold_whole_cpu_seconds_*`` records
(local, against the global step's, same run).
``--shape`` chooses the synthetic basins' tree as ``benchmarks/scaling.py``'s does (``chain3``, the default:
issue 16's near chain; ``hack``: a random binary network whose main stem follows Hack's law, names and
records suffixed ``_hack``).
``--hydraulics`` chooses the synthetic basins' reach hydraulics as ``benchmarks/scaling.py``'s does
(``downstream``, the default: the physical basins; ``at_a_station``: issue 16's basins, byte for byte,
their basins' names and records suffixed ``_at_a_station``; ``both``: each size built both ways and
timed in turn, the physical first); the shipped basins are timed once whatever it says.

Measured 2026-12-02 on issue 16's at_a_station basins, the only synthetic basins then (``--hydraulics
at_a_station`` today; the figures and the threshold of 1,000 reaches they chose: docs/solver.md, "The
threshold of auto, re-decided"): a whole run's local over global CPU 0.80x at 1,000 reaches and 0.64x
at 5,000 (the generator's long chains).  Measured again 2026-12-03 02:28-02:51 UTC on the physical basins
(the default ``--hydraulics downstream``; ``--sizes 100,300,500,1000,2000,5000``, ``10000,5000,2000,1000``
and ``20000``, ``--rounds 2`` each, load 1.1-3.0, the 2-core KVM guest, Intel Sapphire Rapids): whole
run 1.07x at 100 reaches, 1.04x at 300, 1.02x at 500, 1.01-1.02x at 1,000, 1.00-1.05x at 2,000,
0.97-0.98x at 5,000, 0.93x at 10,000, 0.80x at 20,000 (transport call 1.11, 1.07, 1.04, 0.95-0.99,
1.03-1.04, 0.96-0.97, 0.90, 0.73x), which moved the threshold to 20,000 (docs/solver.md, "The threshold
of auto, on the physical basins").
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import (
    SHAPE_SUFFIX,
    SUFFIX,
    add_hydraulics_argument,
    add_shape_argument,
    build,
    emit,
    hydraulics_modes,
    record,
    transport_call,
)
from scaling import timed_process

SIZES = (100, 200, 500, 1000, 2000, 5000)
SHIPPED = ("miyun", "guanting")
WARM_UP_BELOW_S = 3.0  # a global call shorter than this runs once each way before the timed rounds


def child(basin: str, out: str, rounds: int) -> None:
    """In this process: ``hydro run BASIN`` on the global step, its transport call captured, then the
    call ``rounds`` times each way, taking turns; prints one JSON line (CPU seconds per run)."""
    import hydro.transport
    from hydro.local_steps_auto import cost_ratio
    from hydro.transport_args import LocalSteps

    network, tracers, inputs, kw = transport_call(basin, out, local_steps=False)
    ways = {"global": None, "local": LocalSteps()}

    def once(way):
        c0, t0 = time.process_time(), time.perf_counter()
        result = hydro.transport.simulate(network, tracers, inputs, local_steps=ways[way], **kw)
        return time.process_time() - c0, time.perf_counter() - t0, result

    found: dict = {"reaches": len(network.reaches), "cells": network.layout.n_cells,
                   "global": [], "local": [], "global_wall": [], "local_wall": []}
    if once("global")[0] < WARM_UP_BELOW_S:
        once("local")
    results = {}
    for _ in range(rounds):
        for way in ways:
            cpu, wall, results[way] = once(way)
            found[way].append(cpu)
            found[f"{way}_wall"].append(wall)
    found["days_local"] = int((results["local"].substeps != results["global"].substeps).sum())
    found["substeps"] = float(results["global"].substeps.mean())
    steps = results["global"].start_water.step_estimate  # what "auto" decides by (hydro.local_steps_auto)
    found["estimate"] = [steps.gain, steps.substeps, cost_ratio(steps)]
    print(json.dumps(found))


def reshape(path: Path, span: int, cell_km: float | None, seed: int = 11) -> None:
    """Redraw each reach's downstream reach of a generated basin among the next ``span`` reaches (not
    the reaches that flow into a reservoir, nor the outlet) and set its ``cell_length_km``."""
    import numpy as np

    rng = np.random.default_rng(seed)
    text = path.read_text()
    n = len(re.findall(r"^\[\[reaches\]\]$", text, flags=re.M))

    def redraw(m):
        i = int(m.group(1))
        return f'id = "r{i}"{m.group(2)}downstream = "r{int(rng.integers(i + 1, min(n, i + 1 + span)))}"'

    if span:
        text = re.sub(r'id = "r(\d+)"(\nlength_km = [\d.]+\n)downstream = "r\d+"', redraw, text)
    if cell_km is not None:
        text = re.sub(r"^cell_length_km = .*$", f"cell_length_km = {cell_km}", text, flags=re.M)
    path.write_text(text)


def shipped_copy(root: Path, name: str) -> Path:
    """A copy of shipped basin ``name`` with ``basins/region`` beside it; its basin.toml path."""
    from hydro.basin import ROOT

    for folder in (name, "region"):
        if not (root / folder).exists():
            shutil.copytree(ROOT / "basins" / folder, root / folder)
    return root / name / "basin.toml"


def measure(basin: Path, out: Path, rounds: int, whole: bool, every: str = "1") -> dict:
    """Both timings of one basin (see the module's docstring), with the load before and after."""
    found: dict = {"load_before": os.getloadavg()}
    _, _, _, stdout = timed_process([sys.executable, __file__, "--child", str(basin), str(out), str(rounds)],
                                    f"transport of {basin}")
    found.update(json.loads(stdout.strip().splitlines()[-1]))
    if whole:
        for way in ("false", "true"):
            found[f"whole_{way}"], found[f"whole_{way}_wall"] = [], []
        for _ in range(rounds):
            for way in ("false", "true"):
                wall, cpu, _, _ = timed_process([sys.executable, "-m", "hydro", "run", str(basin), "-o", str(out),
                                                 "--overwrite", "-q", "--set", f"run.local_steps={way}",
                                                 "--set", f"run.dispersion_every={every}"],
                                                f"hydro run {basin} local_steps={way}")
                found[f"whole_{way}"].append(cpu)
                found[f"whole_{way}_wall"].append(wall)
    found["load_after"] = os.getloadavg()
    return found


def summary(name: str, f: dict) -> str:
    """One basin's line: best CPU each way, best over best, the range of the pairs' ratios, load."""
    pairs = [b / a for a, b in zip(f["global"], f["local"], strict=True)]
    line = (f"{name:>18s} ({f['reaches']} reaches, {f['cells']} cells, {f['substeps']:.0f} sub-steps/day, "
            f"{f['days_local']} days local; estimated gain {f['estimate'][0]:.2f} at "
            f"{f['estimate'][1]:.0f} sub-steps/day, cost {f['estimate'][2]:.2f}x): "
            f"transport CPU global {min(f['global']):.3f} s, local "
            f"{min(f['local']):.3f} s, {min(f['local']) / min(f['global']):.2f}x (pairs {min(pairs):.2f}-"
            f"{max(pairs):.2f})")
    if "whole_false" in f:
        pairs = [b / a for a, b in zip(f["whole_false"], f["whole_true"], strict=True)]
        line += (f"; whole run CPU {min(f['whole_false']):.2f} s against {min(f['whole_true']):.2f} s, "
                 f"{min(f['whole_true']) / min(f['whole_false']):.2f}x (pairs {min(pairs):.2f}-{max(pairs):.2f}; "
                 f"wall {min(f['whole_false_wall']):.2f} / {min(f['whole_true_wall']):.2f} s)")
    load = f"{f['load_before'][0]:.1f}, {f['load_before'][1]:.1f} -> {f['load_after'][0]:.1f}, {f['load_after'][1]:.1f}"
    return line + f"; load (1, 5 min) {load}"


def records(name: str, f: dict) -> list[dict]:
    """The ``--json`` records of one basin: local steps' best CPU against the global step's."""
    out = [record(f"lts_threshold_transport_cpu_seconds_{name}", min(f["local"]), "s", min(f["global"]),
                  min(f["local"]) / min(f["global"]))]
    if "whole_false" in f:
        out.append(record(f"lts_threshold_whole_cpu_seconds_{name}", min(f["whole_true"]), "s",
                          min(f["whole_false"]), min(f["whole_true"]) / min(f["whole_false"])))
    return out


def main() -> None:
    if len(sys.argv) == 5 and sys.argv[1] == "--child":
        child(sys.argv[2], sys.argv[3], int(sys.argv[4]))
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default=",".join(map(str, SIZES)), help="reaches of the synthetic basins, "
                        "comma-separated (empty: none)")
    parser.add_argument("--rounds", type=int, default=3, help="runs each way, taking turns (best of them kept)")
    parser.add_argument("--shipped", action="store_true", help="also copies of Miyun and Guanting")
    parser.add_argument("--span", type=int, default=0, help="redraw each reach's downstream among the next K")
    parser.add_argument("--cell-km", type=float, default=None, help="the synthetic basins' cell_length_km")
    parser.add_argument("--seed", type=int, default=7, help="the generator's seed (scaling.py's: 7)")
    parser.add_argument("--no-whole", action="store_true", help="time the transport call only")
    parser.add_argument("--dispersion-every", default="1", metavar="K",
                        help="the whole runs' run.dispersion_every, both ways (1, the default, as the threshold was "
                             "first measured; \"auto\": the basins' default)")
    parser.add_argument("--json", action="store_true", help="print JSON records")
    add_hydraulics_argument(parser)
    add_shape_argument(parser)
    args = parser.parse_args()

    sizes = [int(s) for s in args.sizes.split(",") if s]
    shape = (f"_span{args.span}" if args.span else "") + (f"_cell{args.cell_km:g}km" if args.cell_km else "") \
        + (f"_seed{args.seed}" if args.seed != 7 else "")
    found = []
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        basins = [(f"{n}r{shape}{SUFFIX[mode]}{SHAPE_SUFFIX[args.shape]}",
                   build(root / f"r{n}_{mode}", n, 1, mode, args.seed, args.shape))
                  for n in sizes for mode in hydraulics_modes(args.hydraulics)]
        for _, path in basins:
            reshape(path, args.span, args.cell_km)
        if args.shipped:
            basins += [(name, shipped_copy(root, name)) for name in SHIPPED]
        for name, path in basins:
            f = measure(path, root / "out.nc", args.rounds, not args.no_whole, args.dispersion_every)
            print(summary(name, f), file=sys.stderr, flush=True)
            found += records(name, f)
    emit(found, args.json)
    if not math.isfinite(sum(r["ratio"] for r in found)):
        raise SystemExit("a ratio is not finite")


if __name__ == "__main__":
    main()
