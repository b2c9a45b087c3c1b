"""Sums over a few consecutive tracers, NumPy's own additions in NumPy's order, without its per-row cost.

``value.reshape(..., blocks, n).sum(axis=-1)`` over a transport result's tags (n = 8 on Miyun) makes
NumPy run its reduction loop once per output value: on Miyun's 49 tracers about 50 ms per name, 0.29
of the 0.3 s the results step spent naming the tracers (``hydro.tracers.split_results``).
:func:`block_sums` makes the same additions as whole-array operations, one per tag: NumPy sums a
contiguous row of n float64 values as ``+0.0 + pairwise(row)``, its pairwise summation adding up to
seven values in turn, eight to 128 in eight running sums combined as ``((r0+r1)+(r2+r3))+((r4+r5)+(r6+r7))``
plus the rest in turn, and more by halves (cut at a multiple of eight).  Since the order of additions
decides the last bits, each block size is checked once per process against NumPy's own sum on values
spread over 24 orders of magnitude with signed zeros (:func:`_agrees`); where it differs (another
NumPy), or the tags are not contiguous, or the values not float64, NumPy's sum is used as before.
"""

from __future__ import annotations

import numpy as np

#: NumPy's pairwise summation: blocks of at most this many values are summed in eight running sums.
_PAIRWISE_BLOCK = 128

_checked: dict[int, bool] = {}


def block_sums(value: np.ndarray, n: int) -> np.ndarray:
    """``value`` (..., blocks * n) summed over consecutive blocks of ``n`` along its last axis:
    ``value.reshape(value.shape[:-1] + (blocks, n)).sum(axis=-1)``, to the bit."""
    blocks = value.reshape(value.shape[:-1] + (value.shape[-1] // n, n))
    if value.dtype != np.float64 or value.strides[-1] != value.itemsize or not _agrees(n):
        return blocks.sum(axis=-1)
    return _pairwise_sum(blocks, n)


def _pairwise_sum(blocks: np.ndarray, n: int) -> np.ndarray:
    """``+0.0 + pairwise(row)`` of every row of ``blocks`` (..., n), as whole-array additions."""
    return np.add(0.0, _pairwise([blocks[..., k] for k in range(n)]))


def _pairwise(cols: list[np.ndarray]) -> np.ndarray:
    """NumPy's pairwise summation (``pairwise_sum`` of its ``loops_utils``) of the values ``cols``, in order."""
    n = len(cols)
    if n < 8:
        res = np.add(-0.0, cols[0])  # NumPy starts from -0.0, which keeps a first -0.0
        for col in cols[1:]:
            res = res + col
        return res
    if n <= _PAIRWISE_BLOCK:
        r = [cols[j] for j in range(8)]
        i = 8
        while i < n - n % 8:
            r = [r[j] + cols[i + j] for j in range(8)]
            i += 8
        res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]))
        for col in cols[i:]:
            res = res + col
        return res
    half = n // 2
    half -= half % 8
    return _pairwise(cols[:half]) + _pairwise(cols[half:])


def _agrees(n: int) -> bool:
    """Whether :func:`_pairwise_sum` gives NumPy's sums of blocks of ``n`` to the bit (checked once per ``n``)."""
    if n not in _checked:
        rng = np.random.default_rng(n)
        wide = rng.standard_normal((512, n + 5)) * 10.0 ** rng.uniform(-12, 12, (512, n + 5))
        wide[rng.random(wide.shape) < 0.15] = 0.0
        wide[rng.random(wide.shape) < 0.15] = -0.0
        wide[:4, :] = -0.0  # rows of signed zeros only
        rows = wide[:, 2:2 + n]  # contiguous within a row, rows apart, as a block of tags is
        _checked[n] = _pairwise_sum(rows, n).tobytes() == rows.sum(axis=-1).tobytes()
    return _checked[n]
