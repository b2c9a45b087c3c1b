"""Dispersion every K against dispersion on every sub-step, size by size: where ``[run] dispersion_every =
"auto"`` should turn K on (``hydro.run_settings.DISPERSION_EVERY_AUTO_REACHES``).

Run ``python benchmarks/dispersion_threshold.py [--sizes 300,1000,2000,5000] [--every 7] [--rounds 2]
[--shipped] [--species] [--shape KIND] [--json]``.  Per size a synthetic one-year tree basin (as
``benchmarks/scaling.py`` builds it: one subbasin a reach, two reservoirs, SYNTHETIC weather, physical
hydraulics), and with ``--shipped`` copies of Miyun and Guanting (``basins/region`` beside them), are run
as ``hydro run BASIN -o OUT --overwrite -q --set run.dispersion_every=1`` and ``=K`` (``--every``, 7) in
fresh processes, the two taking turns (1, K, 1, K, ...) ``--rounds`` times, so that load from other
work weighs on both alike; the kernels are loaded once before (one run, untimed).  Printed per basin:
the best (least) CPU seconds of a whole process each way (``os.wait4``), their ratio (K over 1), the range
of the rounds' pairs (each K run over the 1 run just before it), the best wall seconds, and the load
average before and after.  ``--species`` gives the synthetic basins the shipped basins' constituents
(TN as organic N, NH3-N and nitrate with their reactions, TP as dissolved and particulate, CODMn; Miyun's
``[[constituents]]`` and its ``[quality]`` table) instead of TN alone, names suffixed ``_species``.
``--shape`` chooses the tree as ``scaling.py``'s does (``chain3``, the default, or ``hack``, names suffixed
``_hack``).  ``--json`` prints ``dispersion_threshold_whole_cpu_seconds_*`` records (K, against 1, same run).

Measured 2026-12-03 (docs/solver.md, "Dispersion every K: the default"), which set the threshold.
"""

from __future__ import annotations

import argparse
import math
import os
import re
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import SHAPE_SUFFIX, add_shape_argument, build, emit, record
from lts_threshold import shipped_copy
from scaling import timed_process

SIZES = (300, 1000, 2000, 5000)


def with_species(path: Path) -> None:
    """Give the generated basin at ``path`` Miyun's constituents (species, reactions) and ``[quality]`` table
    in place of its ``[[constituents]]`` table of TN alone."""
    from hydro.basin import ROOT

    miyun = (ROOT / "basins" / "miyun" / "basin.toml").read_text(encoding="utf-8")
    block = miyun[miyun.index("[quality]"):miyun.index("[initial]")]
    block = block.replace('"../region/quality.toml"', f'"{(ROOT / "basins" / "region" / "quality.toml").as_posix()}"')
    text, found = re.subn(r"\[\[constituents\]\]\n(?:[^\[\n].*\n)*", lambda _: block, path.read_text(), count=1)
    if not found:
        raise SystemExit(f"{path}: no [[constituents]] table to replace")
    path.write_text(text)


def measure(basin: Path, out: Path, every: int, rounds: int) -> dict:
    """Whole ``hydro run`` processes with ``dispersion_every`` 1 and ``every``, taking turns."""
    def run(k: int) -> tuple[float, float]:
        wall, cpu, _, _ = timed_process([sys.executable, "-m", "hydro", "run", str(basin), "-o", str(out),
                                         "--overwrite", "-q", "--set", f"run.dispersion_every={k}"],
                                        f"hydro run {basin} dispersion_every={k}")
        return cpu, wall

    run(1)  # the kernels loaded (or compiled) once, untimed
    found: dict = {"load_before": os.getloadavg(), "one": [], "every": [], "one_wall": [], "every_wall": []}
    for _ in range(rounds):
        for way, k in (("one", 1), ("every", every)):
            cpu, wall = run(k)
            found[way].append(cpu)
            found[f"{way}_wall"].append(wall)
    found["load_after"] = os.getloadavg()
    return found


def summary(name: str, f: dict, every: int) -> str:
    """One basin's line: best CPU each way, best over best, the range of the pairs' ratios, wall, load."""
    pairs = [b / a for a, b in zip(f["one"], f["every"], strict=True)]
    load = f"{f['load_before'][0]:.1f}, {f['load_before'][1]:.1f} -> {f['load_after'][0]:.1f}, {f['load_after'][1]:.1f}"
    return (f"{name:>18s}: whole run CPU every sub-step {min(f['one']):.2f} s, every {every} {min(f['every']):.2f} s, "
            f"{min(f['every']) / min(f['one']):.3f}x (pairs {min(pairs):.3f}-{max(pairs):.3f}); wall "
            f"{min(f['one_wall']):.2f} / {min(f['every_wall']):.2f} s; load (1, 5 min) {load}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default=",".join(map(str, SIZES)), help="reaches of the synthetic basins, "
                        "comma-separated (empty: none)")
    parser.add_argument("--every", type=int, default=7, help="the dispersion_every set against 1 (7)")
    parser.add_argument("--rounds", type=int, default=2, help="runs each way, taking turns (best of them kept)")
    parser.add_argument("--shipped", action="store_true", help="also copies of Miyun and Guanting")
    parser.add_argument("--species", action="store_true", help="the synthetic basins with Miyun's constituents")
    parser.add_argument("--json", action="store_true", help="print JSON records")
    add_shape_argument(parser)
    args = parser.parse_args()
    suffix = ("_species" if args.species else "") + SHAPE_SUFFIX[args.shape]
    records = []
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        basins = [(f"{n}r{suffix}", build(root / f"r{n}", n, 1, shape=args.shape))
                  for n in (int(s) for s in args.sizes.split(",") if s)]
        if args.species:
            for _, path in basins:
                with_species(path)
        if args.shipped:
            basins += [(name, shipped_copy(root, name)) for name in ("miyun", "guanting")]
        for name, path in basins:
            f = measure(path, root / "out.nc", args.every, args.rounds)
            print(summary(name, f, args.every), file=sys.stderr, flush=True)
            records.append(record(f"dispersion_threshold_whole_cpu_seconds_{name}", min(f["every"]), "s",
                                  min(f["one"]), min(f["every"]) / min(f["one"])))
    emit(records, args.json)
    if not math.isfinite(sum(r["ratio"] for r in records)):
        raise SystemExit("a ratio is not finite")


if __name__ == "__main__":
    main()
