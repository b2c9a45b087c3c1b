"""The results step's naming of the tracers (``hydro.tracers.split_results``): NumPy's sums, and whole-array ones.

Run ``python benchmarks/split.py [--json] [--repeat N]``.  Runs the shipped Miyun basin (2000-2017)
once in this process, keeps the transport result that its results step splits (49 tracers: TN, TP and
CODMn by species and source), then times ``split_results`` on it, taking turns, best of ``--repeat``,
wall seconds: as before 2 December 2026 (NumPy's ``sum`` over each block of tags: the reference) and
with :func:`hydro.tag_sums.block_sums` (NumPy's additions in NumPy's order as whole-array
operations); the two are checked to give the same arrays to the bit first.  A ratio below 1 pays.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import emit, interleaved_best, record


def miyun_split_args() -> tuple:
    """The arguments of a ``split_results`` call naming every tracer of a whole Miyun run at once, as the
    results step made it until 2 December 2026 (since then each output is named as its lane of the
    transport ends: :mod:`hydro.lane_results`)."""
    import hydro.pipeline_steps as steps
    from hydro.clitools import load_basin
    from hydro.simulation import run
    from hydro.tracers import select

    seen, real = [], steps.transport

    def keep(*args, **kwargs):
        seen.append(real(*args, **kwargs))
        return seen[-1]

    steps.transport = keep
    try:
        basin = load_basin("miyun", (), None, 0)
        results = run(basin, basin.settings.start, basin.settings.end)
    finally:
        steps.transport = real
    n_tracer = seen[-1].reach_load.shape[-1] - ("section_transfer_discharge" in results.data)  # the water's last
    return select(seen[-1], slice(0, n_tracer)), list(basin.constituents), len(results.coords["source"])


def same_bits(a, b) -> bool:
    """Whether two ``NamedResults`` hold the same arrays, in the same order, to the bit."""
    def arrays(named):
        for tr in (named.total, *named.by_source.values()):
            for f in dataclasses.fields(tr):
                value = getattr(tr, f.name)
                if hasattr(value, "tobytes"):
                    yield value.tobytes()
    return a.names == b.names and list(a.by_source) == list(b.by_source) and list(arrays(a)) == list(arrays(b))


def main() -> None:
    from hydro.tracers import split_results

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--repeat", type=int, default=7)
    opts = parser.parse_args()
    args = miyun_split_args()
    variants = {"numpy_sums": lambda: numpy_sums(args), "block_sums": lambda: split_results(*args)}
    ref = variants["numpy_sums"]()
    if not all(same_bits(ref, run()) for run in variants.values()):
        raise SystemExit("split_results differs from its reference")
    best = interleaved_best(variants, opts.repeat)
    emit([record(f"miyun_split_results_{name}", value, "s", best["numpy_sums"], value / best["numpy_sums"])
          for name, value in best.items()], opts.json)


def numpy_sums(args):
    """``split_results`` as it was: NumPy's ``sum`` over each block of tags."""
    import hydro.tracers as tracers
    from hydro.tracers import split_results

    real = tracers.block_sums
    tracers.block_sums = lambda value, n: value.reshape(value.shape[:-1] + (value.shape[-1] // n, n)).sum(axis=-1)
    try:
        return split_results(*args)
    finally:
        tracers.block_sums = real


if __name__ == "__main__":
    main()
