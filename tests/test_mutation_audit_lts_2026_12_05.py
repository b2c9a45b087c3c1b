"""Pins mutants from an outside audit of the LTS and tank kernels, 2026-12-05.

A mutation audit of the local time steps (``lts_*`` in hydro/_transport_kernels.py) and the
reservoir tanks found mutants that no test caught, or that only a slow comparison caught minutes
into a run.  Each test here checks a closed form or an invariant in seconds and names, in its
docstring, the mutant (file, line, change) that fails it.  The closing note of 2026-12-05 lists the mutants run.
"""

from __future__ import annotations

import numpy as np

from hydro._transport_kernels import _lts_levels


def _expected_class(own, n_glob, max_level):
    """The documented rule (docs/solver.md; ``lts_classes``): the largest ``l <= max_level`` with
    ``own 2**l <= n_glob``, written out independently of the kernel."""
    lv = 0
    for candidate in range(max_level + 1):
        if own * 2**candidate <= n_glob:
            lv = candidate
    return lv


def test_each_chain_takes_the_largest_class_whose_steps_fit_the_finest_count():
    """Mutant L01: hydro/_transport_kernels.py:2500 (``_lts_levels``),
    ``own[j] * 2 ** (lv + 1) <= n_glob`` -> ``< n_glob``.

    A chain whose own sub-step count times ``2**l`` equals the finest count exactly must take class
    ``l`` (its steps are then exactly as long as its own rule allows).  The mutant puts it one class
    finer: still stable and conservative, so every invariant test passed, and only the slow
    kernel-vs-prototype comparison (7 min here) caught it.  Integers, so the check is exact; no side
    junctions, so the exchange refinement does not move any class."""
    n_glob = 8
    own = np.array([8, 4, 2, 1, 3, 5, 7, 6], dtype=np.int64)  # exact halvings and counts in between
    empty = np.zeros(0, dtype=np.int64)
    for max_level in (0, 1, 2, 3):
        level = np.full(own.shape[0], -1, dtype=np.int64)
        _lts_levels(level, own, n_glob, max_level, empty, empty, np.zeros(1, dtype=np.int64), np.zeros(0),
                    np.ones(1), 1.0)
        want = [_expected_class(o, n_glob, max_level) for o in own]
        assert level.tolist() == want, (max_level, level.tolist(), want)
    # the exact halvings by hand: 8 -> 0, 4 -> 1, 2 -> 2, 1 -> 3 (max_level 3)
    assert [_expected_class(o, 8, 3) for o in (8, 4, 2, 1)] == [0, 1, 2, 3]


def test_a_uniform_field_of_a_trace_concentration_stays_uniform_and_is_not_flushed():
    """Mutant K32: hydro/_transport_kernels.py:173, ``TINY_MASS_G = 1e-250`` -> ``1e-6``.

    The end-of-day flush of tiny masses (``_flush_tiny``) is meant for subnormal tails only
    (1e-250 g is physically nothing).  Transport is linear in the concentrations, so a uniform field
    of a trace concentration, 1e-15 g m-3 (cell masses about 1e-12..1e-9 g, a reservoir of 2e6 m3
    about 2e-9 g), must stay uniform at that value exactly as a field of 1 g m-3 does.  A threshold
    raised anywhere near those masses zeroes them (booked as removal, so the budget still closes
    and no budget test notices).  Tolerance: rtol 1e-12 as the uniform-field tests of
    tests/test_lts_kernel.py (round-off of a few hundred sub-steps); the flush would give 0."""
    from hydro.transport import Constituent, TransportInputs, simulate
    from hydro.validation.problems import uniform_inputs, varying_case

    c0 = 1e-15
    for seed in (3, 11):
        net, kw, gross, lateral, boundary = varying_case(seed, 6, 2, reservoir=True)
        run = simulate(net, [Constituent("c", "c")], TransportInputs(**uniform_inputs(kw, gross, lateral, boundary,
                                                                                       c0=c0)))
        np.testing.assert_allclose(run.final_concentration, c0, rtol=1e-12)
        if run.reservoir_concentration.size:
            np.testing.assert_allclose(run.reservoir_concentration, c0, rtol=1e-12)
