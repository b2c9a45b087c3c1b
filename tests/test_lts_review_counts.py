"""Local time steps: the counts of their passes (``LocalSteps(counts=...)``, docs/solver.md "Counted").

The local steps lay the chains out again each day, class by class (``lts_permute`` in
hydro/_transport_kernels.py), so that each event's passes visit one run of neighbouring chains
per class, where the global layout (chains by size) split a class into many short runs whose
per-visit set-up cost more than the cell updates saved.  These tests read the counts the kernel
records, not a time, so that the layout cannot silently fall back to many runs.
"""

from __future__ import annotations

import numpy as np
import pytest

from hydro.transport import Constituent, TransportInputs, simulate
from hydro.transport_args import LTS_COUNTS, LocalSteps
from hydro.validation.problems import ranged_inputs, varying_case


def interleaved(n_reach=40, n_day=4, seed=7):
    """A random tree of many chains whose reaches alternate between the finest step and eight times
    it (``refine``), so that in the global layout the chains of a class are not neighbours."""
    net, kw, gross, lateral, boundary = varying_case(seed, n_reach, n_day, dispersion=True, reservoir=True)
    kw = ranged_inputs(net, kw, gross, lateral, boundary, np.random.default_rng(seed), 0.5, 3.0)
    refine = np.where(np.arange(n_reach) % 2 == 0, 1, 8)
    return net, kw, refine


def two_tracers(kw, a, b):
    """Every input split into two tracers, ``a`` and ``b`` times it."""
    return TransportInputs(**{**kw, **{name: np.concatenate([kw[name] * a, kw[name] * b], axis=-1) for name in (
        "boundary_flux", "lateral_load", "res_load", "point_load", "init_conc", "init_res_conc", "boundary_conc")}})


def counted(net, kw, refine, n_day, **options):
    """A run of two source tags of one constituent (the gather and scatter of a group of tags) and its counts."""
    counts = np.zeros((n_day, LTS_COUNTS), dtype=np.int64)
    result = simulate(net, [Constituent("c", "c")] * 2, two_tracers(kw, 0.3, 0.7), groups=[2], courant=1.0,
                      max_substeps=None, local_steps=LocalSteps(refine=refine, counts=counts, **options))
    return counts, result


def test_each_class_is_one_run_of_chains_a_day():
    """On a tree whose classes interleave in the global layout (in that order the 40-reach tree
    below has 2 runs of class 0 on one day and 3 of class 3 on each: this test then fails), every
    day of local steps visits one run of chains per class present: the run visits a day (runs
    times their class's steps) are at most ``n_f (1 + 1/2 + 1/4 + 1/8)``."""
    n_day = 4
    net, kw, refine = interleaved(n_day=n_day)
    counts, result = counted(net, kw, refine, n_day, min_gain=1e-9)
    local = counts[:, 0] > 0
    assert local.all()  # (min_gain 1e-9: every day takes local steps)
    assert np.array_equal(counts[local, 0], result.substeps[local])
    runs, bounds = counts[:, 1:5], counts[:, 5:9]
    assert (runs.sum(axis=1) >= 2).all()  # several classes a day (else the test tests nothing)
    assert runs.max() == 1
    steps = counts[:, :1] // 2 ** np.arange(4)  # each class's steps a day
    visits = (runs * steps).sum(axis=1)
    assert (visits <= counts[:, 0] * 15 // 8).all()
    # bounds: a chain's own class and the coarser classes it exchanges with (at most 8 sets per class)
    assert (bounds >= runs).all() and bounds.max() <= 8
    # chains whose class or bounds changed: every chain on the first day (a chain starts at each reach
    # that no reach drains into), then at most all of them
    heads = len({r.id for r in net.reaches} - {r.downstream for r in net.reaches})
    assert counts[0, 9] == heads and (counts[1:, 9] <= heads).all()
    assert result.closure() <= 1e-12


def test_the_counts_are_the_same_on_two_lanes_and_left_alone_on_global_days():
    """Two constituents on two lanes write the same counts (the classes come from the water alone);
    a day of the global path leaves its row as it was; rows past the array's end are not written."""
    n_day = 4
    net, kw, refine = interleaved(n_day=n_day)
    inputs = TransportInputs(**kw)
    one = np.zeros((n_day, LTS_COUNTS), dtype=np.int64)
    simulate(net, [Constituent("c", "c")], inputs, courant=1.0, max_substeps=None, threads=1,
             local_steps=LocalSteps(min_gain=1e-9, refine=refine, counts=one))
    two_inputs = two_tracers(kw, 1.0, 2.0)
    two = np.zeros((n_day, LTS_COUNTS), dtype=np.int64)
    simulate(net, [Constituent("a", "a"), Constituent("b", "b")], two_inputs, courant=1.0, max_substeps=None,
             threads=2, local_steps=LocalSteps(min_gain=1e-9, refine=refine, counts=two))
    assert np.array_equal(one, two)
    never = np.full((n_day, LTS_COUNTS), -1, dtype=np.int64)
    simulate(net, [Constituent("c", "c")], inputs, local_steps=LocalSteps(min_gain=1e9, counts=never))
    assert (never == -1).all()
    short = np.zeros((1, LTS_COUNTS), dtype=np.int64)
    simulate(net, [Constituent("c", "c")], inputs, courant=1.0, max_substeps=None,
             local_steps=LocalSteps(min_gain=1e-9, refine=refine, counts=short))
    assert np.array_equal(short[0], one[0])


def test_bad_counts_are_refused():
    net, kw, _ = interleaved(n_day=2)
    inputs = TransportInputs(**kw)
    for bad in (np.zeros((2, LTS_COUNTS)), np.zeros((2, 3), dtype=np.int64), np.zeros(LTS_COUNTS, dtype=np.int64),
                [[0] * LTS_COUNTS]):
        with pytest.raises(ValueError, match="counts"):
            simulate(net, [Constituent("c", "c")], inputs, local_steps=LocalSteps(counts=bad))
