"""Speed review of the global path's loops over chains and junctions (issue 11): no sign tests.

Numba tests a signed array index for a negative value (which wraps around).  The loops of a
sub-step over chains and junctions (ghosts, the flux-inlet split, advect's inflows and
bookings, disperse's exchanges) read their slots from index arrays, where LLVM cannot drop that
test: about eight integer instructions per index, sampled with ``perf`` on the benchmark's
2,500-cell tree (docs/solver.md).  They now index with ``np.uint64`` (``_SLOT_INDEX`` in
``hydro._transport_kernels``).  These tests read the compiled code: the sign tests
(``icmp slt i64 %x, 0``) left in each helper.  What remains are row indices from the tag
offset ``t0`` (an argument) and the few section bookings, each once per loop, not per slot.
"""

from __future__ import annotations

import re

import numba
import numpy as np
import pytest
from test_lts_review_speed import compiled_bodies
from test_transport_speed_review import _f, _i

from hydro import _transport_kernels as K

compiled_only = pytest.mark.skipif(numba.config.DISABLE_JIT, reason="reads compiled code (NUMBA_DISABLE_JIT=1 runs "
                                   "the kernels as plain Python)")


def sign_tests(helper, *args) -> int:
    """Tests of a 64-bit integer for a negative value in the compiled body of ``helper``
    (:func:`test_lts_review_speed.compiled_bodies`)."""
    return sum(len(re.findall(r"icmp slt i64 %[\w.]+, 0\b", body)) for body in compiled_bodies(helper, *args))


N = 6


@compiled_only
def test_fill_ghosts_tests_no_sign():
    # (was 50)
    args = (_f(2, N), 2, _i(1), _i(1), _i(1), _i(1), _i(1), _f(2, 1), np.ones(1), _i(), _i(1), _i(1), _f(2, 1))
    assert sign_tests(K.fill_ghosts, *args) == 0


@compiled_only
def test_inlet_split_one_tests_only_its_tag():
    # (was 4; the one left: the row t0 of inlet_debt, once per call)
    args = (2, 10.0, 20.0, 0, _f(1, 1), np.ones(1), _i(1), _i(1), _f(1), _f(1, N), _f(1, 1), _f(1, 1), _f(1, 1),
            _f(1, 1), _f(N))
    assert sign_tests(K._inlet_split_one, *args) <= 1


@compiled_only
def test_disperse_junction_loops_test_no_sign():
    # (was 113 at 98e468f, 13 after; the bound leaves room for a compiler's reordering, not for
    # the junction loops' indices, which made up about a hundred)
    args = (_f(2, N), _f(2, N), 0, 2, _f(N), _f(N), _f(N), 10.0, np.ones(N), np.ones(N), _f(2, N), _i(), _i(),
            _f(0), _f(2, 0), _i(), _f(2, 0), _i(), _i(1), _f(0), _f(2, 1, 2), 0, _f(2, 1), (_i(), _i(), _i()),
            _f(2, 0), _i(1), _f(1), _f(2, 1), (_f(2, 1), _f(2, 1), _f(2, 1), _f(2, N)),
            np.zeros(2, np.bool_))
    assert sign_tests(K.disperse, *args) <= 20


@compiled_only
def test_advect_inflow_loops_test_no_sign():
    # (was 53 at 98e468f, 20 after: the mass rows t = t0 + k of its four update passes)
    args = (_f(2, N), _f(2, N), 0, 2, _f(N), _f(N), _f(2, 1), _f(2, 1), 10.0, _i(1), _i(), _i(), _i(),
            _f(2, 3), _i(1), _f(2, N), False, _f(N), _f(2, N), False, np.ones(N), _f(2, N), _f(2, N), np.ones(N), True)
    assert sign_tests(K.advect, *args) <= 28
