"""Local steps' accuracy against a refined solution, not against the global step (docs/solver.md,
"Accuracy against a refined solution"; ``benchmarks/scaling.py --lts-accuracy``).

The reference is the same network with every reach's cells refined (``benchmarks/lts_accuracy.py``'s
``refined``: the same water, loads and initial state on finer cells), run on the global step.  On the
steep junction of tests/test_lts_review_exchange.py (a junction-limited tributary joining a river two
or three classes coarser, local steps forced on every day) local steps are as close to it as the global
step, reach by reach; and since the side junction's face is the tributary's mouth (half-cells in series)
the default ``exchange_limit`` (0.1) refines no chain there, as on every network measured, so it gives
``math.inf``'s results to the bit.
"""

from __future__ import annotations

import math
import sys
from pathlib import Path

import numpy as np
from test_lts_kernel import ALWAYS
from test_lts_review_exchange import steep_junction

from hydro.transport import Constituent, TransportInputs, simulate
from hydro.transport_args import LTS_COUNTS, LocalSteps

BENCH = Path(__file__).resolve().parents[1] / "benchmarks"
if str(BENCH) not in sys.path:
    sys.path.insert(0, str(BENCH))

from lts_accuracy import refined  # noqa: E402

TN = [Constituent("c", "c")]


def run(net, inputs, steps=None):
    return simulate(net, TN, inputs, courant=1.0, max_substeps=None, local_steps=steps)


def test_refined_inputs_carry_the_same_mass_and_loads():
    """Each cell becomes k cells of its concentration (the same mass: the cells' volumes split with
    their length), a point load is shared by the k cells of its cell, sections keep their place."""
    from hydro.validation.problems import varying_case

    net, kw, *_ = varying_case(3, 6, 2, dispersion=True, reservoir=True)
    kw["point_cell"] = np.array([0, 4], dtype=np.int64)
    kw["point_load"] = np.ones((2, 2, 1))
    coarse = TransportInputs(**kw)
    fine_net, fine = refined(net, coarse, 4)
    assert fine_net.layout.n_cells == 4 * net.layout.n_cells
    assert np.array_equal(fine.point_cell.reshape(2, 4) // 4, np.array([[0] * 4, [4] * 4]))  # 4x cells each
    assert np.allclose(fine.point_load.sum(axis=1), coarse.point_load.sum(axis=1), rtol=1e-15)
    a, b = run(net, coarse), run(fine_net, fine)
    # the same starting mass in every reach (round-off of the volumes' sums)
    assert np.allclose(a.storage_reach[0], b.storage_reach[0], rtol=1e-12)
    assert b.closure() <= 1e-12


def test_local_steps_are_as_close_to_a_refined_solution_as_the_global_step():
    """At every reach outlet the local steps' largest error against the 16x refined run is within 2 % of
    the global step's (measured 0.9-1.01 times; the 4x refined run is itself 0.48 g/m3 from the 16x one
    at the tributary, so the tolerance is far below the reference's own uncertainty, not above it)."""
    net, kw = steep_junction(3)
    inputs = TransportInputs(**kw)
    reference = run(*refined(net, inputs, 16)).reach_concentration[..., 0]
    counts = np.zeros((3, LTS_COUNTS), dtype=np.int64)
    glob = run(net, inputs).reach_concentration[..., 0]
    local = run(net, inputs, LocalSteps(min_gain=ALWAYS, counts=counts)).reach_concentration[..., 0]
    assert np.all(counts[:, 2:5].sum(axis=1) == 1)  # every day two classes: the river coarser
    err_glob = np.abs(glob - reference).max(axis=0)
    err_local = np.abs(local - reference).max(axis=0)
    assert np.all(err_local <= 1.02 * err_glob), (err_local, err_glob)
    assert not np.allclose(local, glob, rtol=1e-6)  # a different scheme, not the global one


def test_the_default_exchange_limit_refines_no_chain_at_the_steep_junction():
    """``exchange_limit`` 0.1 (default) and ``math.inf`` give the same bits: the mouth face's conductance
    over the river's coarse step stays within a tenth of either cell's limit; 0 (no exchange between
    classes) refines the river to the tributary's class, the global scheme."""
    net, kw = steep_junction(3)
    inputs = TransportInputs(**kw)
    out = {x: run(net, inputs, LocalSteps(min_gain=ALWAYS, exchange_limit=x)).final_concentration
           for x in (0.1, math.inf, 0.0)}
    assert np.array_equal(out[0.1], out[math.inf])
    assert np.array_equal(out[0.0], run(net, inputs).final_concentration)
    assert LocalSteps().exchange_limit == 0.1
