"""Speed review of the local time steps' kernels (issue 16): what their speed rests on, not timings.

The passes over a run of chains once indexed ``x[p]`` for ``p`` from ``lo + 1``: Numba tests a
signed index for a negative value (which wraps around), LLVM kept that test in those loops and
vectorised them with gathers and scatters, four times slower than the global path's passes
(which start at a constant).  They now index views of the run or an unsigned slot index
(``_RUN_VIEWS`` in ``hydro._transport_kernels``), and ``lts_react``, whose sum over the species
inside the pass over the slots kept it scalar, has :func:`react`'s passes.  These tests read the
compiled code: no gather or scatter is left in the passes (where the processor has no gather
instructions LLVM emits none either way, and that test tells nothing), and ``lts_react``
multiplies vectors.
"""

from __future__ import annotations

import re

import numba
import numpy as np
import pytest

from hydro import _transport_kernels as K

compiled_only = pytest.mark.skipif(numba.config.DISABLE_JIT, reason="reads compiled code (NUMBA_DISABLE_JIT=1 runs "
                                   "the kernels as plain Python)")


def compiled_bodies(helper, *args) -> list[str]:
    """The LLVM IR of ``helper``'s own compiled bodies (its Python-callable twin, compiled without
    the disk cache so that its IR can be read), after one call on ``args``."""
    helper(*args)
    ir = "\n".join(helper._python_twin.inspect_llvm().values())
    name = helper.py_func.__name__
    bodies = re.split(r"\n(?=define )", ir)
    own = [b for b in bodies if b.startswith("define") and re.search(rf"\d{name}B", b.split("\n", 1)[0])
           and "cpython" not in b.split("\n", 1)[0]]
    assert own, f"no compiled body of {name} found"
    return own


def compiled(helper, *args) -> tuple[int, int]:
    """Masked gathers and scatters left in the compiled body of ``helper`` (:func:`compiled_bodies`),
    and its vector multiplications."""
    lines = [line for body in compiled_bodies(helper, *args) for line in body.splitlines()]
    return (sum(1 for line in lines if " call " in line and ("llvm.masked.gather" in line
                                                             or "llvm.masked.scatter" in line)),
            sum(1 for line in lines if re.search(r"fmul <\d+ x double>", line)))


def _one_chain(n_cell=6):
    """One chain of ``n_cell`` cells between two ghosts, all of class 0."""
    n_pad = n_cell + 2
    ghost_up = np.array([0])
    ghost_dn = np.array([n_pad - 1])
    idx = np.zeros((K.N_LISTS, 4, 2), dtype=np.int64)  # L_CHAIN, class 0: the run of chain 0
    cnt = np.zeros((K.N_LISTS, 4), dtype=np.int64)
    cnt[K.L_CHAIN, 0] = 1
    return n_pad, ghost_up, ghost_dn, idx, cnt


@compiled_only
def test_lts_react_passes_vectorise():
    # (was 0 vector multiplications: the species' sum inside the pass over the slots)
    n_pad, ghost_up, ghost_dn, idx, cnt = _one_chain()
    n_sp = 4
    mass = np.ones((n_sp, n_pad))
    c = np.ones((n_sp, n_pad))
    prop = np.zeros((4, n_sp, n_sp, n_pad))
    prop[0, 0, 0] = 1.0
    got = compiled(K.lts_react, 0, idx, cnt, ghost_up, ghost_dn, mass, c, prop[0], 0, n_sp, 1, np.ones(n_pad),
                  np.zeros((n_sp, n_pad)), np.zeros(n_pad), np.zeros(1, dtype=np.bool_))
    assert got[1] > 0


@compiled_only
def test_lts_fluxes_passes_have_no_gathers():
    # (was 17 with the loops from lo + 1; the one left reads the ghosts' neighbours,
    # c[k, dn_src[j]], an indirect read by nature)
    n_pad, ghost_up, ghost_dn, _, _ = _one_chain()
    i1 = np.zeros(1, dtype=np.int64)
    got = compiled(K.lts_fluxes, np.array([0, 0]), 1, 0, 4, 100.0, np.ones(1, dtype=np.int64), i1.copy(), 0.0, 0, 0,
                  2, np.ones((2, n_pad)), np.zeros(n_pad), np.zeros(n_pad), np.zeros(n_pad), np.ones(n_pad),
                  np.zeros(n_pad), ghost_up, ghost_dn, np.array([n_pad - 2]), np.zeros((2, 1)), np.zeros(1),
                  np.full(1, -1), np.zeros((0, 2)), np.zeros((2, 0)), ghost_up + 1,
                  np.zeros(1, dtype=np.int64), np.ones((4, 3), dtype=np.int64), np.full(1, -1),
                  np.zeros(0, dtype=np.int64), np.zeros((0, 2)))
    assert got[0] <= 1
