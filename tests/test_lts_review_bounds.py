"""Fewer extra bounds (issue 16; docs/solver.md, "Fewer extra bounds").

A finer chain takes an extra bound at each exchange time of a coarser neighbour across a side
junction; ``lts_cheaper_classes`` (the kernel) and ``cheaper_classes`` (``tests/lts_prototype.py``)
refine coarser chains where that costs fewer cell updates a day.  Checked here on random trees of
chains: the kernel's choice is the prototype's, classes only go down (so every chain stays within
its limits), the day's cell updates never grow, and a main stem's small coarse tributaries are
refined to its class while a large one is not.  The local steps' results with the choice are
checked by the property tests of ``tests/test_lts_kernel.py`` (which run it on every day).
"""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from lts_prototype import cheaper_classes

from hydro._transport_kernels import lts_cheaper_classes


def tree_case(parents, sizes, levels, heads):
    """Chain ``j`` (of ``sizes[j]`` cells, class ``levels[j]``, head reach ``heads[j]``) joins chain
    ``parents[j]`` at a side junction (``-1``: the outlet chain), both as the kernel lays them out
    (slots with a ghost at each end) and as the prototype lists them (one reach per chain)."""
    n = len(sizes)
    ghost_up = np.zeros(n, dtype=np.int64)
    ghost_dn = np.zeros(n, dtype=np.int64)
    slots = []
    p = 0
    for j in range(n):
        ghost_up[j] = p
        ghost_dn[j] = p + sizes[j] + 1
        slots.extend([j] * (sizes[j] + 2))
        p += sizes[j] + 2
    chain_of_slot = np.array(slots, dtype=np.int64)
    sj_a = np.array([ghost_dn[j] - 1 for j in range(n) if parents[j] >= 0], dtype=np.int64)
    sj_b = np.array([ghost_up[parents[j]] + 1 for j in range(n) if parents[j] >= 0], dtype=np.int64)
    kernel = (np.array(levels, dtype=np.int64), ghost_up, ghost_dn, np.array(heads, dtype=np.int64), sj_a, sj_b,
              chain_of_slot)
    chains = [[heads[j]] for j in range(n)]
    chain_of = {heads[j]: j for j in range(n)}
    level = {heads[j]: levels[j] for j in range(n)}
    junctions = [(heads[j], 0, 0, 1.0) for j in range(n) if parents[j] >= 0]
    down = {heads[j]: (1, heads[parents[j]]) for j in range(n) if parents[j] >= 0}
    cells = {heads[j]: list(range(sizes[j])) for j in range(n)}
    return kernel, (chains, chain_of, level, junctions, down, cells)


def updates(parents, sizes, levels):
    """Cell updates a day in eighths of ``n_f``: each chain's dispersion steps and its advection
    bounds, those of its class and of every coarser neighbour's (the kernel's ``mask``)."""
    n = len(sizes)
    bits = [{levels[j]} for j in range(n)]
    for j in range(n):
        p = parents[j]
        if p >= 0 and levels[j] != levels[p]:
            fine, coarse = (j, p) if levels[j] < levels[p] else (p, j)
            bits[fine].add(levels[coarse])
    return sum(sizes[j] * (2 ** (3 - levels[j]) + sum(2 ** (3 - b) for b in bits[j])) for j in range(n))


@st.composite
def trees(draw):
    n = draw(st.integers(1, 25))
    parents = [-1] + [draw(st.integers(0, j - 1)) for j in range(1, n)]
    sizes = [draw(st.integers(1, 30)) for _ in range(n)]
    levels = [draw(st.integers(0, 3)) for _ in range(n)]
    heads = draw(st.permutations(list(range(n))))
    return parents, sizes, levels, list(heads)


@settings(max_examples=200, deadline=None)
@given(trees())
def test_the_kernel_refines_as_the_prototype_only_down_and_never_costs_more(case):
    parents, sizes, levels, heads = case
    kernel, proto = tree_case(parents, sizes, levels, heads)
    lts_cheaper_classes(*kernel)
    cheaper_classes(*proto)
    got = [int(x) for x in kernel[0]]
    assert got == [proto[2][heads[j]] for j in range(len(sizes))]
    assert all(g <= old for g, old in zip(got, levels, strict=True))
    assert updates(parents, sizes, got) <= updates(parents, sizes, levels)


def test_a_main_stems_small_coarse_tributaries_take_its_class_and_a_large_one_keeps_its_own():
    # a 40-cell main stem in class 0: three 2-cell tributaries in class 2 give it their bounds (40 x 2
    # eighths of n_f a day), refining them to class 0 costs 3 x 2 x (16 - 4) = 72; a 200-cell tributary
    # in class 3 gives it 40 x 1, and refining it to class 2 would cost 200 x (4 - 2) = 400
    parents = [-1, 0, 0, 0, 0]
    sizes = [40, 2, 2, 2, 200]
    levels = [0, 2, 2, 2, 3]
    kernel, proto = tree_case(parents, sizes, levels, [4, 3, 2, 1, 0])
    lts_cheaper_classes(*kernel)
    cheaper_classes(*proto)
    assert list(kernel[0]) == [0, 0, 0, 0, 3]
    assert [proto[2][h] for h in [4, 3, 2, 1, 0]] == [0, 0, 0, 0, 3]
    assert updates(parents, sizes, list(kernel[0])) < updates(parents, sizes, levels)
