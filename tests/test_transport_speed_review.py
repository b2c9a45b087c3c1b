"""Speed review of the transport kernels (issues 11, 13, 14): what the speed rests on, not timings.

Numba counts references to arrays with atomic operations and prunes the pairs it can prove
useless; a pair that survives at the top of a sub-step kernel costs two atomic operations per
array argument and call, and lanes running side by side on one array contend for its header
(module docstring of ``hydro._transport_kernels``, *Reference counts*).  Timings belong to
``benchmarks/transport.py``; these tests check the structure: the sub-step kernels compile
without reference counts, and each lane of a threaded run has its own network arrays.
"""

from __future__ import annotations

import re

import numba
import numpy as np
import pytest
from test_transport import random_case

from hydro import _transport_kernels as K
from hydro import transport_args
from hydro.transport import TransportInputs, simulate
from hydro.transport_volumes import cell_water, through_shares


def _f(*shape):
    return np.zeros(shape)


def _i(n=0):
    return np.zeros(n, dtype=np.int64)


compiled_only = pytest.mark.skipif(numba.config.DISABLE_JIT, reason="reads compiled code (NUMBA_DISABLE_JIT=1 runs "
                                   "the kernels as plain Python)")


def incref_count(helper, *args) -> int:
    """``NRT_incref`` calls left in the compiled body of ``helper`` (its Python-callable twin,
    compiled without the disk cache so that its LLVM IR can be read) for these argument types."""
    helper(*args)
    twin = helper._python_twin
    ir = "\n".join(twin.inspect_llvm().values())
    name = helper.py_func.__name__
    bodies = re.split(r"\n(?=define )", ir)
    own = [b for b in bodies if b.startswith("define") and re.search(rf"\d{name}B", b.split("\n", 1)[0])
           and "cpython" not in b.split("\n", 1)[0]]
    assert own, f"no compiled body of {name} found"
    return sum(line.count("NRT_incref") for body in own for line in body.splitlines() if " call " in line)


@compiled_only
def test_advect_keeps_no_reference_counts():
    # (was 24: a `/` whose zero test raises, an array chosen by a condition, views in branches)
    n = 6
    args = (_f(2, n), _f(2, n), 0, 2, _f(n), _f(n), _f(2, 1), _f(2, 1), 10.0, _i(1), _i(), _i(), _i(),
            _f(2, 3), _i(1), _f(2, n), False, _f(n), _f(2, n), False, np.ones(n), _f(2, n), _f(2, n), np.ones(n), True)
    assert incref_count(K.advect, *args) == 0


@compiled_only
def test_react_keeps_no_reference_counts():
    # (was 11: rows taken as views inside the branches by species)
    n = 5
    args = (_f(6, n), _f(6, n), np.ones((3, 3, n)), 0, 3, 2, np.ones(n), _f(6, n), _f(n), np.zeros(6, np.bool_))
    assert incref_count(K.react, *args) == 0


@compiled_only
def test_reservoir_tanks_keeps_no_reference_counts():
    # (was 37: divisions, an integer division per tag, an allocation per call, and the call of
    # the tank's pieces loop, which may raise and so kept every argument's count)
    d, s, r, t, x, n = 2, 1, 2, 2, 1, 6
    links = (_i(1), _i(r), _i(r), _i(1), _i(s), _i(s), _i(r), _i(r))
    tanks = (np.ones((d + 1, s)), _f(d, s, t), _f(d, s, t), _f(d, s), _f(d, s), _f(t), _f(d, s), _f(t))
    rx = (_i(x), _i(x), _f(d, s, x), _f(s, 1))
    work = (_f(s), _f(s), _f(s), _f(s), _f(s, 6), np.ones(s, dtype=np.int64), _f(s), np.zeros(t, np.bool_))
    args = (0, 10.0, 0.0, 0.5, 0, t, 1, True, 0, x, _f(t, n), _f(t, n), _f(n), _f(n), links, tanks, rx, work,
            np.ones((s, t)), _f(t, s, K.TANK_PIECES_MAX), _f(t, s), _f(t, s), _f(t, s), _f(t, 1), _f(d, r, t),
            _f(t, r), False)
    assert incref_count(K.reservoir_tanks, *args) == 0


@compiled_only
def test_disperse_keeps_no_reference_counts():
    n = 6
    args = (_f(2, n), _f(2, n), 0, 2, _f(n), _f(n), _f(n), 10.0, np.ones(n), np.ones(n), _f(2, n), _i(), _i(),
            _f(0), _f(2, 0), _i(), _f(2, 0), _i(), _i(1), _f(0), _f(2, 1, 2), 0, _f(2, 1), (_i(), _i(), _i()),
            _f(2, 0), _i(1), _f(1), _f(2, 1), (_f(2, 1), _f(2, 1), _f(2, 1), _f(2, n)),
            np.zeros(2, np.bool_))
    assert incref_count(K.disperse, *args) == 0


def arrays_of(value):
    """Every array in a tuple (named or not) of arrays, tuples and scalars, in order."""
    if isinstance(value, np.ndarray):
        return [value]
    if isinstance(value, tuple):
        return [a for v in value for a in arrays_of(v)]
    return []


def test_lane_copy_copies_every_array_and_keeps_the_tuples():
    net, _, kw = random_case(2, 4)
    inputs = TransportInputs(**kw)
    water = cell_water(net, inputs.q_in, inputs.q_out, inputs.q_out - inputs.q_in)
    shared = transport_args.network_args(net, inputs.dispersive_inlet, inputs.point_cell, water.volume,
                                         water.share, through_shares(net.layout.reach_cell_start, water.share))
    copied = transport_args.lane_copy(shared)
    assert type(copied[0]) is type(shared[0]) and type(copied[1]) is tuple
    pairs = list(zip(arrays_of(shared), arrays_of(copied), strict=True))
    assert pairs and all(np.array_equal(a, b) and a.dtype == b.dtype and not np.shares_memory(a, b)
                         for a, b in pairs)


class _Stop(Exception):
    pass


def test_each_lane_runs_on_its_own_network_arrays(monkeypatch):
    """Two lanes: the network, layout and water arrays the kernel gets are copies, not shared."""
    net, tracers, kw = random_case(3, 4, n_tracer=4)
    calls = []

    def record(network, static, water, *rest):
        calls.append((network, static, water))
        raise _Stop

    monkeypatch.setattr(K, "simulate_kernel", record)
    with pytest.raises(_Stop):
        simulate(net, tracers, TransportInputs(**kw), groups=[2, 2], threads=2)
    assert len(calls) == 2
    first, second = (arrays_of(c) for c in calls)
    assert len(first) == len(second) > 20
    assert not any(np.shares_memory(a, b) for a, b in zip(first, second, strict=True) if a.size)
