"""hydro.tag_sums.block_sums: NumPy's sums over blocks of tags, to the bit, and NumPy's own where unsure."""

from __future__ import annotations

import numpy as np
import pytest

from hydro import tag_sums
from hydro.tag_sums import block_sums


def tags(n_block: int, n: int, seed: int, rows: int = 300) -> np.ndarray:
    """(rows, 3, n_block * n) values over 24 orders of magnitude with signed zeros, a slice of a wider
    array (tags contiguous, rows apart), as a block of a transport result's tracers is."""
    rng = np.random.default_rng(seed)
    shape = (rows, 3, n_block * n + 7)
    wide = rng.standard_normal(shape) * 10.0 ** rng.uniform(-12, 12, shape)
    wide[rng.random(shape) < 0.15] = 0.0
    wide[rng.random(shape) < 0.15] = -0.0
    wide[:3] = -0.0  # rows of signed zeros only: NumPy's sum keeps or drops their sign its own way
    return wide[..., 4:4 + n_block * n]


@pytest.mark.parametrize("n", [*range(1, 20), 24, 31, 64, 128, 129, 200, 300])
def test_block_sums_are_numpys_to_the_bit(n):
    for n_block in (1, 3):
        value = tags(n_block, n, seed=n)
        want = value.reshape(value.shape[:-1] + (n_block, n)).sum(axis=-1)
        got = block_sums(value, n)
        assert got.shape == want.shape and got.tobytes() == want.tobytes(), (n, n_block)


def test_the_values_would_show_another_order_of_additions():
    # the test above can fail: these values summed tag after tag (no pairwise order), or without
    # NumPy's starting +0.0, differ from NumPy's sum in some bits
    n = 8
    value = tags(1, n, seed=5)
    want = value.sum(axis=-1)
    in_turn = value[..., 0].copy()
    for k in range(1, n):
        in_turn = in_turn + value[..., k]
    assert in_turn.tobytes() != want.tobytes()
    assert tag_sums._pairwise([value[..., k] for k in range(n)]).tobytes() != want.tobytes()  # no +0.0


def test_numpys_own_sum_where_the_check_fails_or_the_layout_differs(monkeypatch):
    def refuse(*_):
        raise AssertionError("the whole-array additions were used")

    value = tags(2, 8, seed=1)
    want = value.reshape(value.shape[:-1] + (2, 8)).sum(axis=-1)
    monkeypatch.setattr(tag_sums, "_pairwise_sum", refuse)
    monkeypatch.setitem(tag_sums._checked, 8, False)  # another NumPy, whose order differs
    assert block_sums(value, 8).tobytes() == want.tobytes()
    monkeypatch.setitem(tag_sums._checked, 8, True)
    outer = np.moveaxis(np.ascontiguousarray(np.moveaxis(value, -1, 0)), 0, -1)  # tags outermost in memory
    # (NumPy adds such tags in turn, not pairwise: its own sum of this layout, which differs from want)
    assert block_sums(outer, 8).tobytes() == outer.reshape(outer.shape[:-1] + (2, 8)).sum(axis=-1).tobytes()
    ints = np.arange(48).reshape(3, 16)
    assert np.array_equal(block_sums(ints, 8), ints.reshape(3, 2, 8).sum(axis=-1))


def test_the_check_finds_an_order_that_differs(monkeypatch):
    # _agrees compares with NumPy: an order of additions other than NumPy's is refused
    monkeypatch.setattr(tag_sums, "_checked", {})
    monkeypatch.setattr(tag_sums, "_pairwise", lambda cols: sum(cols[1:], cols[0]))
    assert not tag_sums._agrees(8)
