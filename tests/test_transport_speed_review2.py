"""Speed review 2 of the transport (issues 11, 14, 16): changes that keep every result to the bit.

``hydro.transport``'s results are computed in the kernel's output arrays rather than in fresh
ones (a fresh (D, R, T) array costs the first-touch zeroing of its pages again: about 0.28 s of
Miyun's 3 s transport), ``advect`` withdraws in the update's pass, and no call in
``simulate_kernel`` keeps the reference counts of its arguments around it (no boolean operator
among them, at most 30 of them: module docstring of ``hydro._transport_kernels``).  The tests pin
what the speed rests on and that the arithmetic is the one it replaced, operation for operation.
"""

from __future__ import annotations

import ast
import threading
import tracemalloc
from pathlib import Path

import numpy as np
import pytest
from test_transport import random_case

from hydro import _transport_kernels as K
from hydro import transport
from hydro.transport import TransportInputs, simulate


def test_results_are_computed_in_the_kernels_output_arrays(monkeypatch):
    # Before: (reach + reach_disp) * kg, reach / q, the same for sections: four fresh (D, R|K, T)
    # arrays and two temporaries, a peak of at least two (D, R, T) arrays.  Now what the conversion
    # to users' units (_convert, each lane's groups as it ends, then result()) allocates is (D, R|K)
    # sized (the discharges) and the small budgets: with 8 tracers about 0.3 of one (D, R, T) array,
    # so half of one separates the two with room on both sides.
    net, tracers, kw = random_case(3, n_reach=6, n_day=1500, n_tracer=8)
    peaks = []
    real = transport._KernelRun._convert

    def traced(self, t, o, kg):
        tracemalloc.start()
        try:
            return real(self, t, o, kg)
        finally:
            peaks.append(tracemalloc.get_traced_memory()[1])
            tracemalloc.stop()

    monkeypatch.setattr(transport._KernelRun, "_convert", traced)
    res = simulate(net, tracers, TransportInputs(**kw), threads=1)
    one = res.reach_load.nbytes
    assert peaks and max(peaks) < 0.5 * one, f"_convert allocated {max(peaks)} bytes, one (D, R, T) array is {one}"


@pytest.mark.parametrize("threads", [1, 2])
def test_results_in_place_equal_the_plain_expressions(threads):
    # the in-place operations are the expressions they replaced, to the bit, whether the tracers are
    # converted all at once (one lane) or lane by lane (two: each lane's groups as it ends, strided)
    net, tracers, kw = random_case(5, n_reach=5, n_day=30, n_tracer=3, withdrawals=True)
    groups = [2, 1] if threads == 2 else None  # two groups: a lane each on two threads
    raw: dict = {}
    lock = threading.Lock()
    real = transport._KernelRun._convert

    def keep_outputs(self, t, o, kg):  # the tracers t (a group's, or a run of them) as the kernel left them
        with lock:
            for name, a in self.outputs.items():
                raw.setdefault(name, np.full_like(a, np.nan))[..., t] = o[name]
            raw["q_out"] = self.arr["q_out"]
        return real(self, t, o, kg)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(transport._KernelRun, "_convert", keep_outputs)
        res = simulate(net, tracers, TransportInputs(**kw), threads=threads, groups=groups)
    o = raw
    assert not np.isnan(o["reach"]).any(), "a tracer was not converted"
    assert np.array_equal((o["reach"] + o["reach_disp"]) * 1e-3, res.reach_load)
    assert np.array_equal((o["sec"] + o["sec_disp"]) * 1e-3, res.section_load)
    assert np.array_equal(o["res_mass"] * 1e-3, res.reservoir_outflow_load)
    assert np.array_equal(o["b_reach"] * 1e-3, res.budget_reach)
    with np.errstate(invalid="ignore", divide="ignore"):
        conc = o["reach"] / (o["q_out"][:, :, None] * 86400.0)
    assert np.array_equal(conc, res.reach_concentration, equal_nan=True)


@pytest.mark.parametrize("removing", [False, True])
def test_advect_withdraws_as_a_pass_of_its_own_would(removing):
    # advect withdraws in the update's pass; the result is that of a withdrawal pass followed by
    # the update (each slot's withdrawal at its old concentration), operation for operation
    rng = np.random.default_rng(11)
    n, n_tag, tau = 40, 2, 900.0
    mass = rng.uniform(0, 5e3, (n_tag, n))
    c = rng.uniform(0, 3, (n_tag, n))
    fa = rng.uniform(0, 20, n)
    fa[0] = fa[n - 1] = 0.0
    wdraw = rng.uniform(0, 0.3, n) * (rng.random(n) < 0.6)
    wdraw[0] = 0.0  # a ghost slot: no water taken
    keep = rng.uniform(0.9, 1.0, n)
    lat = rng.uniform(0, 2, (n_tag, n))
    inv_v = 1.0 / rng.uniform(1e3, 5e3, n)
    ghost_up = np.array([0])
    inflow = np.array([[3.0], [1.5]])
    s_used = np.array([[100.0], [20.0]])
    empty = np.zeros(0, dtype=np.int64)
    acc_slots = np.array([0, n - 2])

    # the reference: the two passes in numpy (the same IEEE operations, in the same order)
    m_ref, c_ref = mass.copy(), c.copy()
    w_ref, r_ref = np.zeros((n_tag, n)), np.zeros((n_tag, n))
    for k in range(n_tag):
        fk = fa * c[k]
        fk[0] = inflow[k, 0] - s_used[k, 0] * (1.0 / tau)
        w = tau * wdraw * c[k]
        w_ref[k] += w
        m_ref[k] -= w
        after = m_ref[k, 1:] + tau * (fk[:-1] - fk[1:] + lat[k, 1:])
        mp = after * keep[1:] if removing else after
        if removing:
            r_ref[k, 1:] += after - mp
        m_ref[k, 1:] = mp
        c_ref[k, 1:] = mp * inv_v[1:]

    w_acc, r_acc = np.zeros((n_tag, n)), np.zeros((n_tag, n))
    K.advect(mass, c, 0, n_tag, fa, np.zeros(n), inflow, s_used, tau, ghost_up, empty, empty, empty,
             np.zeros((n_tag, 1)), acc_slots, np.zeros((n_tag, n)), True, wdraw, w_acc, removing, keep, r_acc,
             lat, inv_v, True)
    for got, want in ((mass, m_ref), (c, c_ref), (w_acc, w_ref), (r_acc, r_ref)):
        assert np.array_equal(got[:, 1:], want[:, 1:])  # slot 0 is a ghost: its mass is never read


def kernel_calls_in_simulate_kernel():
    """The calls of this module's kernels in the body of ``simulate_kernel`` (AST nodes)."""
    tree = ast.parse(Path(K.__file__).read_text(encoding="utf-8"))
    kernels = {node.name for node in tree.body if isinstance(node, ast.FunctionDef)}
    body = next(node for node in tree.body if isinstance(node, ast.FunctionDef) and node.name == "simulate_kernel")
    return [node for node in ast.walk(body)
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in kernels]


def test_simulate_kernel_calls_keep_no_reference_counts_around_them():
    # Numba counts each argument (a copy of its variable) before a call and releases it after; the
    # pair is pruned only where nothing splits the call's block.  A boolean operator or a
    # conditional among the arguments splits it (was: advect's removal flag, 15 arrays counted per
    # group and sub-step), and so does a call with more than 30 positional arguments, which Python
    # compiles with *args (CALL_FUNCTION_EX): its tuple counted every array in it (was disperse 31,
    # reservoir_tanks 47, day_outputs 42: about 80 pairs of atomic operations per group and sub-step,
    # read in simulate_kernel's LLVM IR; a tenth of Miyun's transport)
    calls = kernel_calls_in_simulate_kernel()
    assert {c.func.id for c in calls} >= {"advect", "disperse", "reservoir_tanks", "day_outputs", "fill_ghosts"}
    for call in calls:
        assert len(call.args) + 2 * len(call.keywords) <= 30, f"{call.func.id}: {len(call.args)} arguments"
        split = [a for a in call.args for n in ast.walk(a) if isinstance(n, (ast.BoolOp, ast.IfExp))]
        assert not split, f"{call.func.id} (line {call.lineno}): a boolean operator or conditional among its arguments"
