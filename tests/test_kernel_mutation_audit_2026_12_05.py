"""Pins mutants of hydro/_transport_kernels.py that an outside mutation audit (batch K, 2026-12-05)
found no existing test catching.  Each test passes on the code as it is and fails with the mutant named in
its docstring (both checked when written).  Expected values come from the documented rule or a physical
invariant, written out independently of the kernel."""

from __future__ import annotations

import numpy as np
import pytest

from hydro._transport_kernels import DISPERSION_STEP_COST, dispersion_every_day


def _documented_every(every, n_sub, n_c, m_d):
    """``dispersion_every_day``'s rule as its docstring states it, in plain Python: among ``m >= m_d``
    dispersion steps of ``k`` advection sub-steps each, ``k`` ODD (the dispersion at the middle of its
    ``k`` sub-steps, the Strang placement), ``k <= every`` (its largest odd value), ``m k >= n_c``, the pair
    of least ``m k + DISPERSION_STEP_COST m``; ``(n_sub, 1)`` where that is no gain."""
    k_max = every if every % 2 == 1 else every - 1
    best, best_m, best_k = (1.0 + DISPERSION_STEP_COST) * n_sub, n_sub, 1
    for m in range(max(m_d, -(-n_c // k_max)), n_c):
        k = -(-n_c // m)
        if k % 2 == 0:
            k += 1  # the smallest odd k with m k >= n_c
        if k <= k_max and m * k + DISPERSION_STEP_COST * m < best:
            best, best_m, best_k = m * k + DISPERSION_STEP_COST * m, m, k
    return (n_sub, 1) if best_k == 1 else (best_m * best_k, best_k)


@pytest.mark.parametrize(("every", "n_c", "m_d"), [(15, 48, 4), (15, 480, 32), (7, 100, 10), (9, 60, 6)])
def test_dispersion_every_k_sub_steps_takes_an_odd_k(every, n_c, m_d):
    """Mutant: ``dispersion_every_day``, ``k += 1 - k % 2`` -> ``k += 0``: an even ``k`` (12 for a day whose
    Courant limit asks 48 sub-steps and whose dispersion limit asks 4) accepted, so that the dispersion step
    no longer sits at the middle of its ``k`` advection sub-steps (after the ``(k - 1) / 2``-th, which for an
    even ``k`` is half a sub-step early): the multirate splitting loses its symmetric (Strang) placement.
    The documented rule gives 7 dispersion steps of 7 sub-steps (49) there, the mutant 4 of 12 (48).
    Integers only: the comparison is exact."""
    n_sub = max(n_c, m_d)  # day_hydraulics' count: the smaller of the two steps
    n_pad = 5
    vmin = np.full(n_pad, 1e4)
    fq = np.full(n_pad, 1.0)
    wdraw = np.zeros(n_pad)
    half_lw = np.zeros(n_pad)
    got = dispersion_every_day(every, n_sub, n_c, m_d, vmin, fq, wdraw, half_lw)
    want = _documented_every(every, n_sub, n_c, m_d)
    assert tuple(int(x) for x in got) == want
    assert want[1] % 2 == 1 and want[0] % want[1] == 0


def _pulse_final(every: int, dx: float) -> np.ndarray:
    """A Gaussian pulse (sigma 3 km at 25 km) on a 150 km reach at 1 m/s, D = 5 m2/s, k = 0.2 d-1, after
    one day with ``dispersion_every=every`` (the set-up of tests/test_dispersion_every.py's pulse)."""
    from hydro.transport import Constituent, simulate
    from hydro.validation.analytical import gaussian_cell_average
    from hydro.validation.problems import build, single_reach_problem

    length, x0, sigma0 = 150_000.0, 25_000.0, 3_000.0
    n = round(length / dx)
    net, kw = single_reach_problem(length, n, 1.0, 5.0, 1)
    x = (np.arange(n) + 0.5) * dx
    kw["init_conc"][:, 0] = gaussian_cell_average(x, dx, x0, sigma0)
    res = simulate(net, [Constituent("c", "c", river_removal_per_day=0.2)], build(kw), dispersion_every=every)
    return res.final_concentration[:, 0]


@pytest.mark.parametrize(("dx", "bound"), [(200.0, 1.5e-5), (400.0, 3e-5)])
def test_dispersion_every_three_sub_steps_sits_at_their_middle(dx, bound):
    """Mutant: ``simulate_kernel``, ``sub % k_disp == (k_disp - 1) // 2`` -> ``(k_disp + 1) // 2``: the
    dispersion step of ``k dt`` taken after the ``(k + 1) / 2``-th advection sub-step of its ``k``, one
    sub-step late, not at their middle (the Strang placement that ``dispersion_every_day`` chooses an odd
    ``k`` for).  The day's dispersion is the same in amount, so budgets, ranges and the pulse's variance
    do not see it; the splitting error does.

    Dispersion every 3 sub-steps (the Courant limit asks 480 a day, the dispersion 32, so ``k`` = 3) against
    every sub-step: with the dispersion centred the two differ by a second-order splitting error, 5.0e-6
    (dx 200 m) and 1.1e-5 (dx 400 m) of the peak when written; one sub-step off centre the error is first
    order, 3.3e-5 and 9.1e-5.  The bounds sit about 3x above the centred values and 2-3x below the
    off-centre ones (deterministic runs: no sampling noise to allow for)."""
    c1 = _pulse_final(1, dx)
    c3 = _pulse_final(3, dx)
    assert not np.array_equal(c1, c3)  # the option reached the solver
    assert np.abs(c3 - c1).max() / c1.max() <= bound
