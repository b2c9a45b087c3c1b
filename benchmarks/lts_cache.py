"""Is the local steps' transport at 10,000 reaches memory-bound?  The same tree, copied.

Run ``python benchmarks/lts_cache.py [--reaches 1000] [--copies 1,2,4,10] [--rounds 3] [--hydraulics KIND]
[--json]``.
A synthetic one-year tree of ``--reaches`` reaches (as ``benchmarks/scaling.py`` builds it: one
subbasin a reach, two reservoirs, SYNTHETIC weather) is written once alone and, for each K of
``--copies``, K times in one basin: the K copies (ids prefixed ``cJ``) drain into one collector reach,
the network's outlet (a basin has one outlet), made slow enough (``velocity_coeff``) that it never
sets the finest step.  Every copy then takes the single tree's classes and cell updates each day
(printed: whether the transport's sub-steps a day equal the single tree's), so a K-copy run does K
times the single tree's work on arrays K times as long: only the size of what each pass sweeps
changes.  (The copies' results differ from the tree alone's by about 1e-4 of the largest, its outlet
now having a cell below; ``tests/test_lts_cache_bench.py``.)

In one process, ``hydro run BASIN --set run.local_steps=true`` captures each basin's transport call,
then the calls run ``--rounds`` times each, taking turns (1, K1, K2, ..., 1, K1, ...), timed by
``time.process_time`` (CPU of the process).  Printed per K: the best CPU, the CPU per copy against the
single tree's (1.00 if the cost is the work alone; more if the longer arrays cost more per update),
the cells and the local steps' sub-steps a day, and the load average before and after.
``--hydraulics`` chooses the tree's reach hydraulics as ``benchmarks/scaling.py``'s does (``downstream``,
the default: the physical basin; ``at_a_station``: issue 16's, records suffixed ``_at_a_station``;
``both``: the physical tree and its copies, then the issue's).

Measured 2026-12-03 03:22-03:24 UTC on the physical basin (the default ``--hydraulics downstream``;
``--rounds 2``, load 1.1-1.4, the same 2-core guest, under the exclusive timing lock): the 1,000-reach
tree (3,294 cells, 28.2 sub-steps a day) 0.87 s alone; per copy 1.08x at 2 copies, 1.18x at 4, 1.59x at
10, the sub-steps the single tree's in every run: the same growth as on issue 16's basin below.
Measured 2026-12-02 on issue 16's at_a_station basin (``--hydraulics at_a_station`` today) on the
2-core KVM guest of that day (Sapphire Rapids, 2 MB of L2 a core; other
helpers' work on the machine), the 1,000-reach tree (3,294 cells; the local steps' default options):
13:57-14:01 UTC, load 1.8-2.6: 1.63 s alone; per copy 1.09x at 2 copies, 1.20x at 4, 1.56x at 10
(32,942 cells, about the 10,000-reach year's 33,252); 14:12-14:22, load 2.0-3.1, 10 copies again, two
rounds each of the kernel as it is and of a blocked variant of its passes (reverted): 1.42x, 1.51x and
1.49x, 1.51x; 14:35-14:42 (load 1.1-1.2), the kernel as it is: 1.55x, 1.47x.  With every reach's
dispersion set to 0 (no dispersion pass; 14:23-14:25, load 2.0-2.3) 0.91 s alone and 1.82x per copy
at 10 copies.  15:05-15:13 (load 1.1-2.0), 10 copies, two rounds each of the kernel as it is and of a
timing mock of one pass per event over windows of 1,024 slots (a scratch copy, results wrong): 1.52x,
1.51x against 1.48x, 1.45x.  The sub-steps a day were the single tree's in every run.  See docs/solver.md, "Local
time stepping", *Is it memory?*.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import SUFFIX, add_hydraulics_argument, build, emit, hydraulics_modes, record, transport_call

#: The collector's velocity coefficient (m/s per (m3/s)**0.33): the copies' reaches draw 0.2-0.32;
#: carrying K copies' water (up to 10 times a copy's outlet) at a tenth of that keeps its Courant
#: limit above the copies' own (checked by the equal sub-steps, not assumed).
COLLECTOR_VELOCITY_COEFF = 0.03


def copies(single: Path, k: int, folder: Path) -> Path:
    """A basin of ``k`` copies of the generated basin ``single`` (its weather shared) draining into one
    collector reach; its basin.toml path."""
    text = single.read_text()
    head, sep, body = text.partition("[[reaches]]")
    n = len(re.findall(r"^\[\[reaches\]\]$", text, flags=re.M))
    parts = [head]
    for j in range(k):
        part = re.sub(r'"(r|b|res|s)(\d+)"', lambda m, j=j: f'"c{j}{m.group(1)}{m.group(2)}"', sep + body)
        outlet = f'id = "c{j}r{n - 1}"\n'
        at = part.index(outlet) + len(outlet)
        at = part.index("\n", at) + 1  # after its length_km line
        parts.append(part[:at] + 'downstream = "out"\n' + part[at:])
    parts.append('[[reaches]]\nid = "out"\nlength_km = 10.0\nslope_m_per_m = 0.001\n'
                 f"velocity_coeff = {COLLECTOR_VELOCITY_COEFF}\nvelocity_exp = 0.33\nwidth_coeff = 8.0\n"
                 "width_exp = 0.45\ndispersion_m2_s = 10.0\n")
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "weather.csv").write_bytes((single.parent / "weather.csv").read_bytes())
    path = folder / "basin.toml"
    path.write_text("\n".join(parts))
    return path


def measure(reaches: int, ks: list[int], rounds: int, hydraulics: str) -> list[dict]:
    """Build the tree of ``reaches`` reaches (``hydraulics``: :func:`_common.build`) and its copies, time
    their transport calls (see the module's docstring), print the lines and return the records."""
    import numpy as np

    import hydro.transport
    from hydro.transport_args import LocalSteps

    load_before = os.getloadavg()
    calls = {}
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        single = build(root / "single", reaches, 1, hydraulics)
        for k in ks:
            basin = single if k == 1 else copies(single, k, root / f"x{k}")
            calls[k] = transport_call(str(basin), str(root / "out.nc"), local_steps=True)
    best = dict.fromkeys(ks, float("inf"))
    sub = {}
    for k in ks:  # once each, untimed: the local steps' kernels loaded from the cache
        network, tracers, inputs, kw = calls[k]
        sub[k] = hydro.transport.simulate(network, tracers, inputs, local_steps=LocalSteps(), **kw).substeps
    for _ in range(rounds):
        for k in ks:
            network, tracers, inputs, kw = calls[k]
            c0 = time.process_time()
            hydro.transport.simulate(network, tracers, inputs, local_steps=LocalSteps(), **kw)
            best[k] = min(best[k], time.process_time() - c0)
    load_after = os.getloadavg()
    found = []
    for k in ks:
        network = calls[k][0]
        same = bool(np.array_equal(sub[k], sub[1]))
        per_copy = best[k] / k / best[1]
        print(f"{k:3d} copies ({hydraulics}): {network.layout.n_cells:7d} cells, {float(sub[k].mean()):6.1f} "
              f"sub-steps a day (the single tree's: {same}), best {best[k]:7.2f} s CPU, per copy {per_copy:5.2f}x "
              "the single tree's", file=sys.stderr)
        if not same:
            print(f"    {k} copies: the collector or a copy changed the steps; per copy is not the same work",
                  file=sys.stderr)
        found.append(record(f"lts_cache_transport_cpu_seconds_{k}copies{SUFFIX[hydraulics]}", best[k], "s",
                            best[1] * k, per_copy))
    print(f"load average before {load_before}, after {load_after}", file=sys.stderr)
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reaches", type=int, default=1000, help="reaches of the tree that is copied")
    parser.add_argument("--copies", default="1,2,4,10", help="numbers of copies, comma-separated")
    parser.add_argument("--rounds", type=int, default=3, help="runs of each call, taking turns (best kept)")
    parser.add_argument("--json", action="store_true", help="print JSON records")
    add_hydraulics_argument(parser)
    args = parser.parse_args()
    ks = sorted({1, *(int(x) for x in args.copies.split(",") if x)})
    found = [r for mode in hydraulics_modes(args.hydraulics) for r in measure(args.reaches, ks, args.rounds, mode)]
    emit(found, args.json)


if __name__ == "__main__":
    main()
