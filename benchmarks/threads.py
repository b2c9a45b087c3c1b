"""Would the transport's source tags or chains pay on two threads?  A measurement (issue 11).

Run ``python benchmarks/threads.py [--json] [--repeat N]``.  Nothing in ``hydro/`` changes.

Issue 11 asks to measure whether running tags or chains on two threads pays, a Numba parallel
region costing about a microsecond against 7-59 us of work per sub-step.  Today the solver runs
*constituents* on threads (``hydro.transport.simulate``'s lanes: groups never interact), and a
group's tags one after another.  Within a group the tags share only the limiter (computed from
their sum before the tags' passes), so everything after it is independent tag by tag; chains
are independent within a pass but dispersion couples neighbours across the split at every
stage.  This script times one sub-step's per-tag work, written as the solver's passes are (each
tag's flux share, the advective update with removal, two Heun stages of central dispersion:
the four flat passes, about 65 % of a tree's kernel time, docs/solver.md), over padded arrays of
the sizes hydro meets:

* ``tree2500``: the benchmark tree of ``benchmarks/transport.py`` (2,702 padded slots), 1 and
  8 tags;
* ``miyun``: a lane of the shipped Miyun run (210 slots, 24 tags: TN's three species by eight
  sources);
* ``scale10000``: the 10,000-reach synthetic tree of ``benchmarks/scaling.py`` (about 33,300
  slots), 1 and 8 tags.

Three ways, each a compiled function called once per sub-step (best of ``--repeat`` timings of
many calls, interleaved): ``serial`` (tags in turn, as the solver does); ``tags`` (``prange``
over the tags, one parallel region per sub-step, the tags split between the threads); ``halves``
(the slots cut in two halves run side by side, a parallel region per pass, since the dispersion
stages need their neighbours' values of the stage before: four regions a sub-step).  Also the cost
of an empty parallel region.  Records: microseconds per sub-step of each, and the speed-up of
``tags`` and ``halves`` over ``serial`` (ratio > 1: pays).  All three compute the same numbers
(checked before timing: same arrays to the bit).

The passes are one function each (``_share``, ``_advect``, ``_heun1``, ``_heun2``), called over all
slots by ``serial`` and ``tags`` and over each half by ``halves``.  Measured (1 Dec 2026, two cores
shared with other work, best of seven, two runs): an empty region 1.5-1.6 us; tags on two threads
1.6-1.8x on the tree with 8 tags, 1.5-1.6x on a Miyun lane (whose constituents already run as two
lanes, one a core) and 1.9-2.4x on the 10,000-reach tree with 8 tags, nothing with one tag; halves
0.08-0.55x everywhere.  What this means for the solver: docs/solver.md (kernel layout
and speed, "Tags or chains on two threads").
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numba
import numpy as np
from numba import prange

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import emit, record

#: Seconds to wait before each timing: OpenMP's threads keep spinning for a while after a parallel
#: region (GOMP_SPINCOUNT), and on two cores that spinning takes a core from whatever runs next; the
#: serial timings were up to 3x slower right after a parallel one without this pause.
SETTLE_S = 0.2

#: (name, padded slots, tags)
CASES = [("tree2500", 2702, 1), ("tree2500", 2702, 8), ("miyun", 210, 24),
         ("scale10000", 33300, 1), ("scale10000", 33300, 8)]


@numba.njit(nogil=True)
def _share(lo, hi, fa, ck, fkk):
    """Pass 1: the tag's share of the group's face fluxes on slots ``lo..hi-1``."""
    for p in range(lo, hi):
        fkk[p] = fa[p] * ck[p]


@numba.njit(nogil=True)
def _advect(lo, hi, fkk, latk, keep, inv_v, mk, ck, rk, tau):
    """Pass 2: the advective update with removal and its booking."""
    for p in range(lo, hi):
        after = mk[p] + tau * (fkk[p - 1] - fkk[p] + latk[p])
        mp = after * keep[p]
        rk[p] += after - mp
        mk[p] = mp
        ck[p] = mp * inv_v[p]


@numba.njit(nogil=True)
def _heun1(lo, hi, cond, inv_v, mk, ck, mwk, cwk, tau):
    """Pass 3: the first Heun stage of central dispersion."""
    for p in range(lo, hi):
        mwk[p] = mk[p] + tau * (cond[p - 1] * (ck[p - 1] - ck[p]) + cond[p] * (ck[p + 1] - ck[p]))
        cwk[p] = mwk[p] * inv_v[p]


@numba.njit(nogil=True)
def _heun2(lo, hi, cond, inv_v, mk, ck, mwk, cwk, tau):
    """Pass 4: the second Heun stage."""
    for p in range(lo, hi):
        mk[p] = 0.5 * (mk[p] + mwk[p] + tau * (cond[p - 1] * (cwk[p - 1] - cwk[p]) + cond[p] * (cwk[p + 1] - cwk[p])))
        ck[p] = mk[p] * inv_v[p]


@numba.njit(nogil=True)
def _tag(k, fa, c, m, lat, keep, inv_v, cond, rem, fk, mw, cw, tau):
    """One tag's four passes of a sub-step on every slot (0 and n-1 are ghosts)."""
    n = fa.shape[0]
    _share(0, n, fa, c[k], fk[k])
    _advect(1, n - 1, fk[k], lat[k], keep, inv_v, m[k], c[k], rem[k], tau)
    _heun1(1, n - 1, cond, inv_v, m[k], c[k], mw[k], cw[k], tau)
    _heun2(1, n - 1, cond, inv_v, m[k], c[k], mw[k], cw[k], tau)


@numba.njit(nogil=True)
def serial(fa, c, m, lat, keep, inv_v, cond, rem, fk, mw, cw, tau):
    for k in range(c.shape[0]):
        _tag(k, fa, c, m, lat, keep, inv_v, cond, rem, fk, mw, cw, tau)


@numba.njit(nogil=True, parallel=True)
def tags(fa, c, m, lat, keep, inv_v, cond, rem, fk, mw, cw, tau):
    for k in prange(c.shape[0]):
        _tag(k, fa, c, m, lat, keep, inv_v, cond, rem, fk, mw, cw, tau)


@numba.njit(nogil=True)
def _span(k, lo, hi, stage, fa, c, m, lat, keep, inv_v, cond, rem, fk, mw, cw, tau):
    """One pass (``stage`` 0-3 of :func:`_tag`) of tag ``k`` over slots ``lo..hi-1``."""
    ck, mk, fkk, mwk, cwk, rk = c[k], m[k], fk[k], mw[k], cw[k], rem[k]
    if stage == 0:
        for p in range(lo, hi):
            fkk[p] = fa[p] * ck[p]
    elif stage == 1:
        for p in range(lo, hi):
            after = mk[p] + tau * (fkk[p - 1] - fkk[p] + lat[k, p])
            mp = after * keep[p]
            rk[p] += after - mp
            mk[p] = mp
            ck[p] = mp * inv_v[p]
    elif stage == 2:
        for p in range(lo, hi):
            mwk[p] = mk[p] + tau * (cond[p - 1] * (ck[p - 1] - ck[p]) + cond[p] * (ck[p + 1] - ck[p]))
            cwk[p] = mwk[p] * inv_v[p]
    else:
        for p in range(lo, hi):
            mk[p] = 0.5 * (mk[p] + mwk[p] + tau * (cond[p - 1] * (cwk[p - 1] - cwk[p])
                                                 + cond[p] * (cwk[p + 1] - cwk[p])))
            ck[p] = mk[p] * inv_v[p]


@numba.njit(nogil=True, parallel=True)
def halves(fa, c, m, lat, keep, inv_v, cond, rem, fk, mw, cw, tau):
    n = fa.shape[0]
    cut = n // 2
    for k in range(c.shape[0]):  # each pass needs the whole previous pass: a region per pass
        ck, mk, fkk, mwk, cwk = c[k], m[k], fk[k], mw[k], cw[k]
        for h in prange(2):
            _share(0 if h == 0 else cut, cut if h == 0 else n, fa, ck, fkk)
        for h in prange(2):
            _advect(1 if h == 0 else cut, cut if h == 0 else n - 1, fkk, lat[k], keep, inv_v, mk, ck, rem[k], tau)
        for h in prange(2):
            _heun1(1 if h == 0 else cut, cut if h == 0 else n - 1, cond, inv_v, mk, ck, mwk, cwk, tau)
        for h in prange(2):
            _heun2(1 if h == 0 else cut, cut if h == 0 else n - 1, cond, inv_v, mk, ck, mwk, cwk, tau)


@numba.njit(nogil=True, parallel=True)
def empty_region(x):
    for h in prange(2):
        x[h] += 1.0


def _state(n: int, n_tag: int, seed: int = 3):
    """Arrays of a padded network of ``n`` slots and ``n_tag`` tags, values as in a river day."""
    rng = np.random.default_rng(seed)
    vol = rng.uniform(2e4, 2e5, n)
    vol[0] = vol[-1] = np.inf
    inv_v = 1.0 / vol
    q = rng.uniform(1.0, 5.0, n)
    fa = q.copy()
    fa[0] = fa[-1] = 0.0
    c = rng.uniform(0.5, 5.0, (n_tag, n))
    m = c * np.where(np.isfinite(vol), vol, 0.0)
    lat = rng.uniform(0.0, 0.1, (n_tag, n))
    keep = np.full(n, np.exp(-1e-6 * 600.0))
    cond = rng.uniform(0.0, 20.0, n)
    cond[0] = cond[-1] = 0.0
    zeros = [np.zeros((n_tag, n)) for _ in range(4)]
    return [fa, c, m, lat, keep, inv_v, cond, *zeros, 600.0]


def _per_call(func, args, calls: int) -> float:
    t0 = time.perf_counter()
    for _ in range(calls):
        func(*args)
    return (time.perf_counter() - t0) / calls


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    print(f"threads: {numba.config.NUMBA_NUM_THREADS}, layer: ", end="", file=sys.stderr)
    x = np.zeros(2)
    empty_region(x)
    print(numba.threading_layer(), file=sys.stderr)
    records = [record("threads_numba_threads", float(numba.config.NUMBA_NUM_THREADS), "threads", None, None)]
    best_empty = min(_per_call(empty_region, (x,), 20000) for _ in range(args.repeat))
    records.append(record("threads_empty_region_us", best_empty * 1e6, "us", None, None))
    for name, n, n_tag in CASES:
        runs = {}
        for label, func in (("serial", serial), ("tags", tags), ("halves", halves)):
            state = _state(n, n_tag)
            func(*state)
            runs[label] = state
        same = all(np.array_equal(runs["serial"][i], runs[k][i]) for k in ("tags", "halves") for i in (1, 2, 7))
        if not same:
            raise SystemExit(f"{name}: the parallel versions do not compute the serial numbers")
        calls = max(20, int(2e6 // (n * n_tag)))
        best = {label: float("inf") for label in runs}
        for _ in range(args.repeat):  # interleaved, so a passing load weighs on every variant
            for label, func in (("serial", serial), ("tags", tags), ("halves", halves)):
                time.sleep(SETTLE_S)  # let the last region's threads stop spinning (see below)
                best[label] = min(best[label], _per_call(func, runs[label], calls))
        key = f"threads_{name}_{n_tag}tag"
        print(f"{key}: serial {best['serial'] * 1e6:.1f} us, tags {best['tags'] * 1e6:.1f} us, "
              f"halves {best['halves'] * 1e6:.1f} us per sub-step", file=sys.stderr)
        records += [record(f"{key}_serial_us", best["serial"] * 1e6, "us", None, None),
                    record(f"{key}_tags_speedup", best["serial"] / best["tags"], "ratio", None, None),
                    record(f"{key}_halves_speedup", best["serial"] / best["halves"], "ratio", None, None)]
    emit(records, args.json)


if __name__ == "__main__":
    main()
