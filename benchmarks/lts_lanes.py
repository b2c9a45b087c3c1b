"""Would two lanes of one constituent's tags pay?  A timing mock of issue 16's direction A.

Run ``python benchmarks/lts_lanes.py [--reaches 10000] [--rounds 2] [--one-thread] [--hydraulics KIND] [--json]``.
A synthetic one-year tree (as ``benchmarks/scaling.py`` builds it: one constituent of six source tags,
four of them live) is run by ``hydro run --set run.local_steps=true`` once to capture its transport
call; then, taking turns, that call as it is (one group, so one lane on one core) and a *mock* of the
split (:func:`split_call`): the live tags in two halves, each half a group of its own with a copy of
its first tag standing in for the constituent's total (the extra tracer from which each lane of the
real split would compute the group's limiter and flux-inlet bound), run on two threads (and with
``--one-thread`` on one, as a one-thread process, an ensemble worker, would run a split decided by the
problem).  The mock does the work of the real split (each lane ``n/2 + 1`` tags' passes, the water's
passes twice) but its results are wrong: each lane's limiter sees its own half's sum, not the total.
So it measures what the split could give before it is built, nothing else.  Timed by
``time.perf_counter`` (wall) and ``os.times`` (CPU of the process, all threads).  ``--hydraulics``
chooses the tree's reach hydraulics as ``benchmarks/scaling.py``'s does (``downstream``, the default: the
physical basin; ``at_a_station``: issue 16's, records suffixed ``_at_a_station``; ``both``: in turn).

Measured 2026-12-03 03:21-03:22 UTC on the physical basin (the default ``--hydraulics downstream``,
load 1.2-1.5, under the exclusive timing lock, the 2-core guest below), the 10,000-reach year, two
rounds: one lane 17.85 and 16.97 s wall (17.83, 16.96 s CPU); the mock on two threads 13.62 and 13.52 s
wall (25.19, 25.02 s CPU), 0.76x and 0.80x of the one lane's wall time (1.48x its CPU).
Measured 2026-12-02 16:31-16:37 UTC on issue 16's at_a_station basin (``--hydraulics at_a_station``
today) on the 2-core KVM guest (Intel Sapphire Rapids, 2 MB of L2 a core),
nothing else running (load 1.1-1.6, this benchmark's own threads), the 10,000-reach year, two rounds:
one lane 46.9 and 45.0 s wall (46.9, 45.0 s CPU); the mock on two threads 36.5 and 35.4 s wall (70.8,
67.6 s CPU), 0.78x and 0.79x of the one lane's wall time; on one thread 66.9 and 64.4 s (1.43x).  See
docs/solver.md, "Local time stepping", *Two lanes decided by the problem, measured before building*.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import SUFFIX, add_hydraulics_argument, build, emit, hydraulics_modes, record, transport_call

#: The inputs with a tracer axis (the last), as :class:`hydro.transport.TransportInputs` names them.
TRACER_AXIS_INPUTS = ("boundary_flux", "boundary_conc", "lateral_load", "point_load", "res_load", "init_conc",
                      "init_res_conc", "init_inlet_debt")


def live_tags(inputs) -> list[int]:
    """The tracers with any nonzero input (the others carry nothing all run: the kernel call leaves them out)."""
    import numpy as np

    n = inputs.init_conc.shape[-1]
    arrays = [getattr(inputs, name) for name in TRACER_AXIS_INPUTS if getattr(inputs, name, None) is not None]
    return [t for t in range(n) if any(np.any(x[..., t] != 0) for x in arrays)]


def split_call(network, tracers, inputs, kw) -> tuple:
    """The mock of the split: ``(network, tracers, inputs, kw)`` of a call whose groups are the two halves
    of the one group's live tags, each followed by a copy of its first tag (the stand-in for the total).

    Only for a call of one group of one species, no reactions (``benchmarks/scaling.py``'s trees)."""
    import numpy as np

    if kw.get("groups") not in (None, [len(tracers)]) or kw.get("reactions"):
        raise SystemExit(f"lts_lanes: the mock splits one group of one species, got groups {kw.get('groups')}")
    live = live_tags(inputs)
    if len(live) < 2:
        raise SystemExit(f"lts_lanes: the mock needs at least 2 live tags, found {live}")
    a, b = live[: len(live) // 2], live[len(live) // 2:]
    order = a + [a[0]] + b + [b[0]]
    changed = {name: np.ascontiguousarray(np.take(getattr(inputs, name), order, axis=-1))
               for name in TRACER_AXIS_INPUTS if getattr(inputs, name, None) is not None}
    kw2 = dict(kw, on_lane=None, groups=[len(a) + 1, len(b) + 1], group_species=[1, 1])
    return network, [tracers[t] for t in order], dataclasses.replace(inputs, **changed), kw2


def timed(call, threads: int | None = None) -> tuple[float, float]:
    """Wall and CPU seconds (the process, all threads) of one local-steps run of ``call``."""
    import hydro.transport
    from hydro.transport_args import LocalSteps

    network, tracers, inputs, kw = call
    extra = {} if threads is None else {"threads": threads}
    t0, c0 = time.perf_counter(), os.times()
    hydro.transport.simulate(network, tracers, inputs, local_steps=LocalSteps(), **kw, **extra)
    c1 = os.times()
    return time.perf_counter() - t0, (c1.user + c1.system) - (c0.user + c0.system)


def measure(reaches: int, rounds: int, one_thread: bool, hydraulics: str) -> list[dict]:
    """Build the tree (``hydraulics``: :func:`_common.build`), time its call and the mock (see the module's
    docstring), print the rounds and return the records (names suffixed as ``scaling.py``'s)."""
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory() as tmp:
        basin = build(Path(tmp) / "b", reaches, 1, hydraulics)
        call = transport_call(str(basin), str(Path(tmp) / "out.nc"), local_steps=True)
    mock = split_call(*call)
    ways = {"one_lane": (call, None), "mock_two_threads": (mock, 2)}
    if one_thread:
        ways["mock_one_thread"] = (mock, 1)
    # (not _common.interleaved_best: the CPU of all threads is wanted beside the wall time, and its warm-up
    # round would add a 45 s call of each way at 10,000 reaches; the capture has loaded the kernels)
    best = {name: (float("inf"), float("inf")) for name in ways}
    for r in range(rounds):
        for name, (c, threads) in ways.items():
            wall, cpu = timed(c, threads)
            print(f"round {r + 1} {name} ({hydraulics}): wall {wall:.2f} s, CPU {cpu:.2f} s, load "
                  f"{os.getloadavg()[0]:.2f}", file=sys.stderr)
            best[name] = min(best[name][0], wall), min(best[name][1], cpu)
    print(f"load average before {load_before}, after {os.getloadavg()}", file=sys.stderr)
    ref, ref_cpu, suffix = best["one_lane"][0], best["one_lane"][1], SUFFIX[hydraulics]
    return ([record(f"lts_lanes_wall_seconds_{name}{suffix}", w, "s", ref, w / ref) for name, (w, _) in best.items()]
            + [record(f"lts_lanes_cpu_seconds_{name}{suffix}", c, "s", ref_cpu, c / ref_cpu)
               for name, (_, c) in best.items()])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reaches", type=int, default=10000, help="reaches of the one-year tree")
    parser.add_argument("--rounds", type=int, default=2, help="runs of each way, taking turns (best kept)")
    parser.add_argument("--one-thread", action="store_true", help="also the mock on one thread")
    parser.add_argument("--json", action="store_true", help="print JSON records")
    add_hydraulics_argument(parser)
    args = parser.parse_args()
    emit([r for mode in hydraulics_modes(args.hydraulics)
          for r in measure(args.reaches, args.rounds, args.one_thread, mode)], args.json)


if __name__ == "__main__":
    main()
