"""Each lane hands its groups on (``simulate``'s ``on_lane``) as blocks of the lane's own arrays, converted to
users' units on its thread before they are put back in the run's arrays (:mod:`hydro.transport_run`): every
block is, to the bit and sign, its group's slice of the result ``simulate`` returns, whatever the thread
count, with sources left out of the kernel (their +0.0 in place: the kernel writes each tracer it carries to
its column) and without; and the returned result is the same on one thread and two."""

from __future__ import annotations

import dataclasses
import threading

import numpy as np
import pytest
from test_deadsrc_review import ARRAYS, LAYOUT, assert_identical, run, tagged_case

from hydro.tracers import select
from hydro.transport_run import TransportResult

START = np.concatenate([[0], np.cumsum(LAYOUT.groups)]).tolist()
#: a block's fields of its tracers (``substeps`` is the run's, filled by the lane of the first group, which
#: may still run when the other lane's blocks are given)
FIELDS = [n for n in ARRAYS if n != "substeps"]


def _with_blocks(net, inputs, skip: bool, threads: int):
    """The run's result and, for each group a lane ran, a copy of the block ``on_lane`` was given (taken
    when given: the lane's arrays are put back in the result's afterwards)."""
    given: dict[int, dict] = {}
    lock = threading.Lock()

    def on_lane(groups, block):
        for k in reversed(groups):  # any order: each block made when first asked for
            b = block(k)
            assert block(k) is b  # made once
            with lock:
                assert k not in given
                given[k] = {n: np.array(getattr(b, n), copy=True) for n in FIELDS}

    return run(net, inputs, skip, threads=threads, on_lane=on_lane), given


@pytest.mark.parametrize("dead", [[set(), set()], [{1}, {0, 2}], [{0, 2}, set()], [set(), {0, 1, 2}]],
                         ids=["none", "some", "tn", "group1"])
@pytest.mark.parametrize("skip", [True, False])
def test_lane_blocks_are_their_groups_of_the_result_whatever_the_threads(dead, skip):
    net, inputs = tagged_case(5, 7, 3, True, True, dead, True)
    results = {}
    for threads in (1, 2):
        tr, given = _with_blocks(net, inputs, skip, threads)
        whole_dead = [k for k, d in enumerate(dead) if skip and len(d) == 3]
        assert sorted(given) == [k for k in range(len(LAYOUT.groups)) if k not in whole_dead]
        for k, block in given.items():
            mine = select(tr, slice(START[k], START[k + 1]))
            for name in FIELDS:
                a, b = block[name], getattr(mine, name)
                assert a.shape == b.shape and np.array_equal(a, b, equal_nan=True), (k, name)
                assert np.array_equal(np.signbit(a), np.signbit(b)), (k, name)
        results[threads] = tr
    assert_identical(results[1], results[2])
    # against one lane of every tracer, whose outputs are the run's own arrays, converted in place (no block
    # put back): the blocks above are then the groups of an independent result too
    assert_identical(results[2], run(net, inputs, False, threads=1))
    assert isinstance(results[1], TransportResult) and dataclasses.is_dataclass(results[1])


def test_lanes_groups_put_back_when_a_field_is_first_read_by_any_means():
    """A run in two lanes hands its groups on and puts them back in the result's arrays field by field, when a
    field is first read (:class:`hydro.transport_run._PutBackWhenRead`): each field read alone, after a copy
    (``dataclasses.replace``) or a pickle, holds what one lane of every tracer computes, to the bit."""
    import pickle

    net, inputs = tagged_case(5, 7, 3, True, True, [{1}, {0, 2}], True)
    whole = run(net, inputs, False, threads=1)  # one lane: the run's own arrays, nothing to put back
    for how in ("field", "replace", "pickle"):
        tr, given = _with_blocks(net, inputs, True, threads=2)
        assert given and type(tr) is not TransportResult  # groups handed on: put back when read
        if how == "replace":
            tr = dataclasses.replace(tr, raised_reaches=tr.raised_reaches)
        elif how == "pickle":
            tr = pickle.loads(pickle.dumps(tr))
            assert type(tr) is TransportResult
        for name in reversed(ARRAYS):  # one field at a time, each put back alone
            a, b = getattr(tr, name), getattr(whole, name)
            assert a.shape == b.shape and np.array_equal(a, b, equal_nan=True), (how, name)
            assert np.array_equal(np.signbit(a), np.signbit(b)), (how, name)
            assert getattr(tr, name) is a  # put back once
