"""``benchmarks/lts_cache.py`` compares like with like: a basin of K copies of a synthetic tree
(draining into one slow collector reach) does K times the single tree's transport work.

The benchmark's reading (CPU per copy against the single tree's: how much longer arrays cost per
cell update, docs/solver.md *Is it memory?*) holds only if every copy takes the single tree's
classes and updates each day.  Checked here on a small tree with local steps on every day of more
than one class: the same
sub-steps every day, the copies that join the collector alike the same reach concentrations and
loads to the bit, and every copy within 1e-3 of the single tree's (its outlet now has a cell below).
No timing.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

BENCH = Path(__file__).resolve().parents[1] / "benchmarks"
if str(BENCH) not in sys.path:
    sys.path.insert(0, str(BENCH))


def test_copies_do_the_single_trees_work(tmp_path):
    import lts_cache
    from _common import transport_call

    import hydro.transport
    from hydro.transport_args import LocalSteps
    from hydro.validation.problems import synthetic_watershed

    single = synthetic_watershed(tmp_path / "single", n_subbasin=40, n_reservoir=2, years=1)
    basin = lts_cache.copies(single, 3, tmp_path / "x3")
    text = basin.read_text()
    assert text.count("[[reaches]]") == 3 * 40 + 1 and text.count('downstream = "out"') == 3
    # min_gain near 0: every day of more than one class on local steps.  With the default 1.25 a day
    # takes them where the whole network's updates gain enough, and the collector's cells move that
    # ratio a little: on 4 of this tree's 365 days the copies took the global step and the single
    # tree local steps (the benchmark prints whether its own runs' sub-steps were the same)
    local = LocalSteps(min_gain=1e-9)
    runs = {}
    for name, path in (("single", single), ("copies", basin)):
        network, tracers, inputs, kw = transport_call(str(path), str(tmp_path / f"{name}.nc"), local_steps=True)
        runs[name] = network, hydro.transport.simulate(network, tracers, inputs, local_steps=local, **kw)
        if name == "single":  # local steps took some days (else this checks the global step only)
            glob = hydro.transport.simulate(network, tracers, inputs, local_steps=None, **kw)
            assert (runs[name][1].substeps != glob.substeps).sum() > 0
    (net1, one), (net3, three) = runs["single"], runs["copies"]
    assert np.array_equal(one.substeps, three.substeps)
    index = {rid: i for i, rid in enumerate(net3.reach_ids)}
    cols = [[index[f"c{j}{rid}"] for rid in net1.reach_ids] for j in range(3)]
    # copies 1 and 2 join the collector alike (side tributaries into its first cell): the same
    # operations on the same numbers, to the bit; copy 0 is its main upstream (its chain goes on
    # through the collector's cells), so it may differ from them
    for name in ("reach_concentration", "reach_load"):
        x = getattr(three, name)
        assert np.array_equal(x[:, cols[1]], x[:, cols[2]]), name
    # against the tree alone only the outlet differs: its cell now has a neighbour below (the limiter's
    # ghost and the dispersive exchange see the collector), which moves the copies' concentrations by
    # 1.4e-4 of the largest (measured, local steps and global step alike); 1e-3 bounds that
    for j in range(3):
        x, y = three.reach_concentration[:, cols[j]], one.reach_concentration
        assert np.abs(x - y).max() <= 1e-3 * np.abs(y).max()
