"""How the whole model scales with the size of the network and the length of the run.

Run ``python benchmarks/scaling.py [--json] [--large] [--cases R:Y,...] [--hydraulics KIND]
[--shape KIND] [--dispersion-every K]``.  Synthetic tree basins of R reaches (one subbasin each, two
reservoirs, SYNTHETIC weather) over Y years, built by :func:`hydro.validation.problems.synthetic_watershed`
as ``benchmarks/model.py`` builds its basin, are each run as ``hydro run BASIN -o OUT.nc --overwrite -q`` in a fresh
process (kernels already cached: one warm-up run first; the reference case, 100 x 1, is
run three times and its run of least model CPU kept; ``--repeat N`` runs every case N times, the
reference at least three, keeps each one's run of least model CPU and prints the range of its runs':
on a noisy machine the ratios of single runs move by a fifth).  Per case:

* ``whole``: wall seconds of the whole process (interpreter, imports, loading, model, output) of a
  plain ``hydro run`` in a process of its own, as a user runs it (since 2 Dec 2026: before, the
  instrumented process below, whose two-day run before the timed one added about 4 s at 10,000
  reaches); its CPU and peak RSS are that process's too;
* ``load``: seconds reading and checking the basin file (``Basin.load``);
* ``kernels``: seconds loading the cached kernels (a two-day run before the timed one, so
  that this fixed cost of a fresh process is not counted per reach-day);
* ``model``: CPU seconds of the simulation (weather to transport, results assembled), and
  the same per reach-day in nanoseconds;
* ``transport``: CPU seconds of the transport solver alone (``hydro.transport.simulate``, its
  share of ``model``), and the same per reach-day;
* ``substeps``: mean transport sub-steps per day;
* ``peak RSS``: the process's maximum resident set (``wait4``), MB; ``output``: file MB.

The instrumented child's JSON also has ``output`` (wall seconds of the writing after the run:
``OverlappedWrite.finish``, or a block's writing), ``writer_first_cpu`` (CPU seconds of the writer's
thread on the parts it writes before the whole results: the variables known before the transport,
written while it runs, since 2 Dec 2026, and each of the transport's outputs as its lane ends, since
later that day: taken out of ``model``) and ``output_cpu`` (the writer's CPU in all).

A run of more than 5 years and 500,000 reach-days (``hydro run``'s default, ``--block-years``) runs
and is written in time blocks (:mod:`hydro.blocked`); its ``model`` is the whole run less the
writing of its blocks, and the number of blocks is printed.

``--lts-bound`` adds, per case, what local time stepping could at best save (a cost model, no
solver runs it): cell updates per cell and day with the global sub-step (today), and with
sub-steps chosen per chain, per reach and per cell from their own Courant and dispersion limits
(the solver's ``day_hydraulics`` limits, slot by slot; chains and reaches in power-of-two classes
below the finest, each class ``n_sub / 2**l`` sub-steps).  The model replays the solver's sub-step
choice day by day and records whether its global count equals the solver's (``lts_check``).
It also prints the same with classes of at most 3 (the solver's) and the share of cells in the
finest class, and what sets the steps: per cell the updates its Courant limit alone would ask, its
dispersion limit alone (with and without the conductances of junction, inlet and head faces), and
the days whose global step is set by Courant or only by a junction, inlet or head face
(docs/solver.md, "What sets the steps").

``--lts`` runs each case's last transport call again in the same process, on the global sub-step and with
local time steps (``hydro.transport_args.LocalSteps()``, which ``hydro run`` uses by default from 20,000
reaches, from 1,000 on 2 Dec 2026): ``scaling_lts_transport_cpu_seconds_*`` is the local steps' CPU against
the global path's (docs/solver.md, "Local time stepping"), with the days on local steps and the largest
difference of outlet concentrations printed (and the same with ``exchange_limit=math.inf``, no chain refined
for an exchange across a junction), and the local steps' own counts (``LocalSteps(counts=...)``, means over
their days: runs of chains per class, runs per class's bounds, run visits a day, how often the classes
changed, and the tags a day skipped as dead, ``_dead_tags``). ``--cuts`` (with ``--lts``) adds local steps on
chains cut where the classes change (``LocalSteps(cut=...)``, ``exchange_limit=math.inf``;
:func:`lts_cut_runs`).

``--lts-accuracy[=K]`` runs each case's last transport call again against the same network with K (4)
times the cells in every reach, on the global step: the global step, local steps with ``exchange_limit``
0.1, 1 and ``math.inf``, and the global step at half the Courant number, each one's largest and mean
difference from it at reach outlets and sections (:mod:`lts_accuracy`; docs/solver.md, "Accuracy
against a refined solution").  The refined run is K**2 times the work: 3 minutes for ``--cases
100:1,1000:1`` on the shared 2-core machine; the 10,000-reach year with ``--child BASIN OUT
--lts-accuracy=2``.

Default cases (about a minute): 100 x 1, 1,000 x 1 and 100 x 100 (the memory target);
``--large`` adds 1,000 x 10 and 10,000 x 1 (three minutes and more on a busy two-core machine,
nearly all of it transport).  The basins leave ``[run] local_steps`` to its default, ``"auto"``:
a case runs on local time steps where the cost model of ``hydro.local_steps_auto`` says they pay on
its flows (since the afternoon of 3 Dec 2026: issue 16's at_a_station 10,000-reach year does, the physical
basins do not; before, by size: from 5,000 reaches on the morning of 2 Dec, 1,000 from its afternoon and
20,000 from 3 Dec: ``benchmarks/lts_threshold.py``), so its ``whole``, ``model``, ``transport`` and
``substeps`` figures are theirs (the solver's count on the days of local steps differs from the global
step's).  So the 10,000 x 1 figures below from the 2
December line that says so to 3 December, and the 1,000-reach ones from the threshold's re-decision to
3 December, are local steps'; the others, and every figure of these cases from 3 December to its afternoon
(no default case reaches 20,000), the global step's (the physical basins' still are); ``--lts-bound``'s
``lts_check`` compares its replay of the
global step with those sub-steps and is False on local steps.  ``--lts`` times both, whatever the default.
``--hydraulics`` chooses the basins' reach hydraulics (:mod:`hydro.validation.synthetic_basin`):
``downstream``, the default since the evening of 2 Dec 2026, velocities and widths that follow a
downstream hydraulic geometry at each reach's mean discharge (``v ~ Qm**0.1``, Leopold & Maddock
1953); ``at_a_station``, issue 16's basins, byte for byte, whose velocities grew as ``Qm**0.33`` down
the network (up to 13 m/s at 10,000 reaches: every figure below before the paragraph of 2 Dec
19:28 UTC is theirs); ``both``, each case built both ways and run in turn, the physical basin
first, the issue's records suffixed ``_at_a_station`` and their ratios against the issue's own
100 x 1.
``--shape`` chooses the basins' tree (:data:`hydro.validation.synthetic_basin.SHAPES`): ``chain3``,
issue 16's and the default, each reach draining into one of the next three (a near chain: its longest
river 82,000 km at 10,000 reaches); ``hack``, Shreve's random binary topology, whose longest river
follows Hack's law (4,700 km at 10,000 reaches, 276 of them) and whose bifurcation ratio is about 4,
every other value of the file as chain3's; its records, every case's, are suffixed ``_hack`` (after
``_at_a_station`` where both apply) and their ratios are against its own 100 x 1.
``--dispersion-every K`` writes ``[run] dispersion_every = K`` into every case's basin (the 100 x 1
reference's too): the transport disperses once every k <= K advection sub-steps where the Courant limit
sets the step (docs/solver.md, "Dispersion every K advection sub-steps"); its records are suffixed
``_dispersion_every_K``, their ratios against its own 100 x 1.  Without it the basins leave the key to
its default, ``"auto"`` (since 3 Dec 2026): 7 from ``hydro.run_settings.DISPERSION_EVERY_AUTO_REACHES``
(2,000) reaches up, so the 10,000 x 1 case disperses every 7 and the 100- and 1,000-reach cases on every
sub-step (docs/solver.md, "Dispersion every K: the default"); figures below from before that day were
measured with 1 everywhere.  ``--lts`` and ``--lts-accuracy`` compare with the global step dispersing on
every sub-step whatever the basin says.  ``--local-steps-from N`` writes ``[run] local_steps = true`` into
the cases of N reaches or more (the 100 x 1 reference stays on the global step unless N <= 100, as
``"auto"`` would choose at a threshold of N; records suffixed ``_local_from_N``): each class of chains
disperses once a block of at most the basin's K of its steps (docs/solver.md, "Dispersion every K steps
inside the local steps").
Issue 16's targets, reported as ``..._vs_target`` records (value / target,
never asserted): cost per reach-day at 10,000 reaches <= 1.3x that at 100; 10,000 x 1
whole process <= 30 s; peak RSS of 100 x 100 <= 500 MB.  Without ``--large`` the
per-reach-day ratio is reported at 1,000 reaches.

Measured (``--cases 100:1,10000:1`` on the 2-core development machine, shared with other
work, so +-10 %), 10,000 x 1 before and after the work outside the transport kernel of
2026-12-01 (linear loading, sources of subbasins alike computed together, runoff parts freed):
whole process 88.9 -> 90.0 s (transport 71 -> 73.5 s, unchanged work); loading 2.3 -> 1.5-1.6 s
(1.1 s on an idle machine); the model outside transport 7.0 -> 5.7 s (the pipeline's steps in one
run each: sources 2.9 -> 2.2 s, results 1.2 -> 0.3 s; weather, runoff, routing as before: 0.3, 1.8-2.2,
0.8 s); peak RSS 2.9 -> 2.7 GB.
Again on 2026-12-01 with ``--lts-bound`` (``--cases 100:1,10000:1``, the machine loaded by other work):
10,000 x 1 whole 82.5 s (59.4 s CPU), model 51.0 s CPU of which transport 47.4 s, 126 sub-steps a day,
13,962 ns per reach-day against 2,379 at 100 reaches (5.9x); cell updates per cell-day global 125.8,
per chain 70.1, per reach 52.3, per cell 33.7 (as in docs/solver.md).
Those sub-step counts were stale when written: the weather generator's per-year streams (13a63f5, an
earlier commit) had changed the synthetic basins' weather and flows, and the code of the commit that wrote
them (42da764) gives 207.5 sub-steps a day at 10,000 reaches (32.5 at 100, 84.3 at 1,000; the counts do
not depend on the machine).
Re-measured 2026-12-01 at HEAD (``--cases 100:1,10000:1 --lts-bound``, twice, the machine loaded by other
work, wall time well above CPU): 10,000 x 1 whole 157-183 s (100-103 s CPU), model 91-95 s CPU of which
transport 86-90 s, 207 sub-steps a day, 24,800-26,000 ns per reach-day against 4,070-4,100 at 100
reaches (6.1-6.3x); cell updates per cell-day global 207.5, per chain 111.8, per reach 81.6, per cell
53.3; peak RSS 2.2 GB.  Per cell update the transport costs about what it did (35-36 ns against 31 in the
numbers above): the growth is the sub-steps'.  ``tests/test_benchmarks_review.py`` checks the 100-reach
counts against docs/solver.md's table.
On 2026-12-02 (06:14-06:19 UTC, load 1.9-2.0), 10,000 x 1 by ``--child``, two runs of each version
taking turns, after the work outside the transport kernel of that day (snow thresholds and solar
radiation computed for many subbasins at once, the basin's objects frozen out of the garbage
collector's reach; docs/solver.md, "The warm run of a shipped basin"), against 2e0ac0e: whole 59.5-62.0 s
against 63.3-74.1 s (58.6-61.5 s of CPU against 62.6-73.0), most of the difference the transport's
(47.5-50.0 s of CPU against 50.5-60.8, its work unchanged: the other load); the model outside
the transport 2.65-2.72 s of CPU against 2.89-2.90; loading 0.82-0.86 s against 0.92-0.97; the
two-day run before the timed one 4.0 s either way (it computes the whole year's water for the
stores' means, as a run of part of a period does: a cost of this benchmark, not of ``hydro run``
of the whole period).  Issue 16's 30 s is out of reach outside the kernel: the model outside the
transport, the loading, the two-day run, the start and the writing come to about 12 s of the 60-74.
With local steps by default from 5,000 reaches ("auto") and fused junction faces at the mouth rule
(2026-12-02 07:06-07:09 UTC, ``--cases 100:1,10000:1`` twice on an idle machine, load 0.1-0.9):
10,000 x 1 whole 55.6 s (the first run 97.7 s, of which 49.8 s compiling the kernels' local-steps
variant, which the cache did not hold yet: a first run on a network on local steps, of 1,000 reaches
or more since the threshold's re-decision, pays it once), model 41.6-47.1 s of CPU of which transport
39.0-44.5 s, 194 sub-steps a day of the finest class, 11,404-12,909 ns per reach-day against
2,892-3,230 at 100 reaches (3.5-4.5x; issue 16 asks 1.3x), peak RSS 1.9-2.4 GB.
With the sources dead all run left out of the transport kernel (TN's ``livestock`` and ``point``: 4
tracers of 6 carried; docs/solver.md, "Dead sources left out"), 2026-12-02 08:19-08:50 UTC, ``--cases
100:1,10000:1`` eight times, this and the commit before (0159774) taking turns, the machine loaded by
other work (load 2.2-5.4): 10,000 x 1 transport 30.7-35.0 s of CPU against 49.9-69.2, model 33.4-38.1
against 52.7-72.2, whole 50.2-66.1 s (35.9-42.0 s of CPU) against 62.0-109.1 (52.0-61.2),
9,162-10,430 ns per reach-day against 14,429-19,774, 2.90-3.18x the 100-reach case against
4.59-6.56x; peak RSS 2,052 MB against 1,883 (the lane's copies of its four live tracers' inputs and
outputs). Then (08:53-08:56, load 0.9-1.4) the plain ``hydro run`` of the 10,000 x 1 basin, each
version twice (ABBA): 39.7-40.6 s wall (37.0-37.6 s user) against 52.0-52.4 (49.7-49.8), every
variable of the two files the same to the bit. Finding the dead sources costs about 0.2 s at
10,000 reaches.  Issue 16's 30 s whole is still about 10 s away.
With that and the local steps' own skip of tags dead on a day (docs/solver.md, "Where the local steps'
time goes"), 2026-12-02 09:45 UTC on an idle machine (load 0.4-1.1), ``--cases 100:1,10000:1``: 10,000 x 1
whole (a plain ``hydro run``) 32.6 s (32.6 s of CPU), model 28.0 s of CPU of which transport 25.4 s,
7,658 ns per reach-day against 3,002 at 100 reaches (2.55x; issue 16 asks 1.3x), peak RSS 2,050 MB,
output 236 MB.  Under cProfile (31.5 s) the rest is the writing (3.0 s), loading (1.8 s), the cells'
geometric volumes for the year (1.3 s, numpy's ``power`` on 11 million cell-days) and the water (1.0 s),
while the second core idles through the kernel's 20 s: the 30 s is about 3 s away.
With the variables known before the transport written on a thread while it runs, and the routing
beside the sources (hydro.netcdf_overlap, hydro.pipeline_steps.side_by_side; docs/solver.md, "Writing
while the transport runs"), 2026-12-02 12:17-12:21 UTC, the plain ``hydro run`` of the 10,000 x 1 basin,
this and d31a0d7 taking turns (ABBA, load 1.0-1.35): 44.9-45.6 s against 47.3-48.0 s (48.5-49.3 s of
CPU against 47.3-47.8), peak RSS 2,252 MB against 1,955. The machine ran the year slower this session
than at 09:45 (the transport 43 s of CPU against 25.4, both versions alike), so the 30 s was not
checked; the instrumented child: the writer's first part 2.5 s of CPU during the transport, the
writing after it 0.93 s of wall (3.0 s before).
On this session's machine (2026-12-02 12:56-13:00 UTC, load 2.5-4.5, ``--cases 100:1,10000:1``, nothing
changed): 10,000 x 1 whole 51.3 s (49.1 s of CPU), transport 45.8 s of CPU, 12,893 ns per reach-day of
the model against 3,566 at 100 reaches (3.62x; 2.55x at 09:45).  The compile target is not why (native
AVX-512, ``NUMBA_CPU_NAME=haswell`` and native without AVX-512 within 3 % of each other on the captured
call, the same bytes); the slowdown grows with the network, about 1.2x at 100 reaches and 1.4-1.7x at
10,000 against the morning's machine (docs/solver.md, "The machine, not the compile target").
The basins made physical (``--hydraulics``, above; docs/solver.md, "The synthetic basins' velocities,
made physical"), 2026-12-02 19:28-19:43 UTC on an idle machine (load 0.3-1.2 from these runs):
``--cases 100:1,1000:1 --hydraulics both`` twice, ``--cases 100:1,10000:1`` with ``both`` and then each
kind on its own (the issue's first), ``--cases 100:100,1000:10 --hydraulics both`` twice.  Physical
against issue 16's basin: 10,000 x 1 whole 22.2-22.9 s (25.5-26.0 s of CPU) against 45.1-45.8 s
(49.0-49.8), 43 sub-steps a day against 194, 5,681-5,944 ns per reach-day of the model against
12,155-12,374, 2.18-2.33x the 100-reach case against 3.54-3.60x, peak RSS 2,433 MB either way;
1,000 x 1 1.76-1.79 s against 2.55-2.56 s, 28 sub-steps against 88, 1.25-1.27x against 1.49-1.52x;
100 x 1 0.56-0.59 s against 0.60-0.61 s, 18 sub-steps against 32; 1,000 x 10 15.2-15.6 s against
20.4-20.5 s (25 and 69 sub-steps); 100 x 100 10.7-10.8 s against 12.8-12.9 s, 504 MB peak either way.
Issue 16's targets: the 10,000 x 1 whole process within 30 s is met on the physical basin (0.74-0.77
of it) and not on the issue's (1.50-1.53); 1.3x per reach-day is met by neither; 500 MB at 100 x 100
is missed by 4 MB by both.
On 2026-12-03 (03:18-03:21 UTC, load 1.6-1.9 left by other work): the 100 x 100 run's peak was CemaNeige's
snow thresholds over the century's station record, all 100 subbasins' band series at once before the
first block (``hydro.watershed.THRESHOLD_BAND_DAYS`` now bounds the groups; the file the same to the
bit): ``--cases 100:100`` twice, peak RSS 392-398 MB against 505 (0.78-0.80 of the 500 MB target, met).
``--cases 100:1,10000:1`` (and once at 02:39 UTC): 10,000 x 1 whole 20.6-20.9 s, 5,070-5,270 ns per
reach-day against 2,213-2,527 (2.09-2.29x; 1.3x not met), all of the growth the transport step's
(docs/solver.md, "Where the 10,000-reach year's cost per reach-day goes").
The basins' tree made a river network's (``--shape``, above; docs/solver.md, "The synthetic basins'
tree, made a river network's"), 2026-12-03 02:38-02:42 and 03:16-03:25 UTC (load 1.1-2.9, the machine
shared): ``--cases 100:1,1000:1,10000:1 --shape hack`` and then the same with chain3, twice in turn,
physical hydraulics both: 10,000 x 1 whole 19.6-20.1 s (22.6-22.9 s of CPU) against 20.7-21.4 s
(23.9-24.1), 34 sub-steps a day against 43, 4,706-4,737 ns per reach-day of the model against
5,127-5,199, 1.78-1.84x the same tree's 100-reach case against 1.97-2.01x (1.3x asked), peak RSS 2,439
MB against 2,433; 1,000 x 1 1.92-1.94 s against 1.83-2.11 s, 23 sub-steps against 28, 1.17-1.23x against
1.22-1.24x; 100 x 1 0.69 s either way, 17 sub-steps against 18. Chain3 stays the default.
With ``[run] dispersion_every = "auto"`` the default (every 7 from 2,000 reaches; docs/solver.md,
"Dispersion every K: the default"), 2026-12-03 09:36-09:48 UTC (load 1.1-1.4), ``--cases 100:1,10000:1``
with ``--shape hack`` and chain3 taking turns, twice: 10,000 x 1 whole 18.1-18.8 s on hack, 18.0-18.4 s
on chain3 (0.60-0.63 of issue 16's 30 s), 4,109-4,223 and 4,146-4,321 ns per reach-day of the model,
1.48-1.50x and 1.51-1.74x the 100-reach case (1.3x not met).
What the peak holds at 10,000 x 1 (tracemalloc at the transport kernel's entry, 2.3 GB traced, 2.6
GB resident, 2.8 GB in the kernel): transport's own arrays (0.5 GB: cell series, rates per
tracer) and its inputs laid out per tracer (``tracer_inputs``, 2 x 175 MB); the daily loads by
source (175 MB, kept to the end though read only by ``tracer_inputs``); every subbasin's
weather (146 MB, kept to the end though read only by the runoff step) and runoff (146 MB);
routed flows and stores (150 MB); the groundwater store (88 MB); the interpreter, compiled
kernels and the basin (about 0.3 GB).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import os
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import (
    SHAPE_SUFFIX,
    SUFFIX,
    add_hydraulics_argument,
    add_shape_argument,
    build,
    emit,
    hydraulics_modes,
    record,
)

DEFAULT_CASES = [(100, 1), (1000, 1), (100, 100)]
LARGE_CASES = [(1000, 10), (10000, 1)]

#: Targets of issue 16 (scale).
REACH_DAY_RATIO_TARGET = 1.3  # cost per reach-day, 10,000 vs 100 reaches
WHOLE_10000_TARGET_S = 30.0  # 10,000 reaches x 1 year, whole process
PEAK_RSS_100Y_TARGET_MB = 500.0  # 100 reaches x 100 years


def child(basin: str, out: str, lts: bool = False, lts_run: bool = False, lts_acc: int = 0,
          cuts: bool = False) -> None:
    """``hydro run BASIN -o OUT --overwrite -q`` in this process, timing its parts; prints one
    JSON line.  Loading, the model and the output are timed by wrapping the functions the
    command calls (each ``None`` if the command no longer calls it)."""
    import hydro.blocked_run
    import hydro.clitools
    import hydro.netcdf
    import hydro.pipeline_steps
    import hydro.simulation
    import hydro.transport
    from hydro.cli import main

    found: dict = {"load": None, "kernel_load": None, "model_cpu": None, "model_wall": None, "output": None,
                   "output_cpu": None, "writer_first_cpu": None, "days": None, "substeps": None,
                   "transport_cpu": None, "cells": None}
    seen: dict = {}

    def spy(network, tracers, inputs, **kw):  # the calls of the timed run add up (blocks: one each)
        c0 = time.process_time()
        result = hydro.transport.simulate(network, tracers, inputs, **kw)
        found["transport_cpu"] = (found["transport_cpu"] or 0.0) + time.process_time() - c0
        if lts or lts_run or lts_acc:
            # (not the run's on_lane: a call again would name every group into the finished run's results)
            seen.update(network=network, tracers=tracers, inputs=inputs, substeps=result.substeps,
                        kw={key: value for key, value in kw.items() if key != "on_lane"})
        return result

    hydro.simulation.simulate = spy  # type: ignore[attr-defined]
    hydro.pipeline_steps.simulate = spy  # type: ignore[attr-defined]

    def timed(func, key, cpu=False):
        def wrapper(*a, **k):
            t0, c0 = time.perf_counter(), time.process_time()
            value = func(*a, **k)
            found[key] = (found[key] or 0.0) + time.perf_counter() - t0
            if cpu:
                found["model_cpu"] = (found["model_cpu"] or 0.0) + time.process_time() - c0
            return value
        return wrapper

    run = timed(hydro.simulation.run, "model_wall", cpu=True)
    first_run = hydro.simulation.run

    def run_and_count(basin, start=None, end=None, *a, **k):
        # two days first, untimed apart: a fresh process loads its kernels from the cache on
        # their first call (0.3-0.4 s), a fixed cost that is start-up, not cost per reach-day
        first = start or basin.settings.start
        found["cells"] = basin.network.layout.n_cells
        t0 = time.perf_counter()
        first_run(basin, first, first + timedelta(days=1))
        found["kernel_load"] = time.perf_counter() - t0
        found["transport_cpu"] = None
        results = run(basin, start, end, *a, **k)
        try:
            steps = results["transport_substeps"]
            found["days"], found["substeps"] = len(steps), float(steps.mean())
        except Exception:  # a benchmark reports what it can
            pass
        return results

    # a long run goes block by block (hydro.blocked_run.write_blocked: the model and the
    # writing of each block interleaved): the model is the whole less BlockWriter.write
    first_blocked, write_block = hydro.blocked_run.write_blocked, hydro.netcdf.BlockWriter.write
    spent = {"cpu": 0.0}

    def written(self, res):
        t0, c0 = time.perf_counter(), time.process_time()
        write_block(self, res)
        found["output"] = (found["output"] or 0.0) + time.perf_counter() - t0
        spent["cpu"] += time.process_time() - c0

    def blocked_and_count(basin, start, end, path, **k):
        found["cells"] = basin.network.layout.n_cells
        t0 = time.perf_counter()
        first_run(basin, start, start + timedelta(days=1))
        found["kernel_load"] = time.perf_counter() - t0
        found["transport_cpu"] = None
        t0, c0 = time.perf_counter(), time.process_time()
        summary = first_blocked(basin, start, end, path, **k)
        found["model_wall"] = time.perf_counter() - t0 - (found["output"] or 0.0)
        found["model_cpu"] = time.process_time() - c0 - spent["cpu"]
        found["days"], found["substeps"] = summary.days, summary.substeps_total / summary.days
        found["blocks"] = summary.blocks
        return summary

    hydro.blocked_run.write_blocked = blocked_and_count  # type: ignore[assignment]
    hydro.netcdf.BlockWriter.write = written  # type: ignore[method-assign]
    hydro.clitools.load_basin = timed(hydro.clitools.load_basin, "load")  # type: ignore[assignment]
    hydro.simulation.run = run_and_count  # type: ignore[assignment]
    # ``hydro run`` of one block writes through OverlappedWrite: the variables known before the transport
    # on a thread while it runs, and each of the transport's outputs as its lane ends (that thread's CPU
    # then, ``writer_first_cpu``, is taken out of ``model_cpu``),
    # the rest at ``finish`` (``output``: its wall seconds; ``output_cpu``: the writer's CPU in all)
    overlapped_write(found)
    try:
        main(["run", basin, "-o", out, "--overwrite", "-q"], prog_name="hydro")
    except SystemExit as exc:
        if exc.code:
            raise
    if found.get("writer_first_cpu") is not None and found["model_cpu"] is not None:
        found["model_cpu"] -= found["writer_first_cpu"]
    found["output_mb"] = Path(out).stat().st_size / 1e6
    if seen and lts:
        kw = seen["kw"]
        found.update(lts_bound(seen["network"], seen["inputs"], kw.get("courant", 0.9),
                               kw.get("dispersion_limit", 1.0), seen["substeps"]))
    if seen and lts_run:
        found.update(lts_timed(seen["network"], seen["tracers"], seen["inputs"], seen["kw"], cuts))
    if seen and lts_acc:
        from lts_accuracy import accuracy, report

        found.update(accuracy(seen["network"], seen["tracers"], seen["inputs"], seen["kw"], lts_acc))
        print(report(found), file=sys.stderr, flush=True)
    print(json.dumps(found))


def overlapped_write(found: dict) -> None:
    """Time :class:`hydro.netcdf_overlap.OverlappedWrite` into ``found``: ``output`` (wall seconds of
    ``finish``), ``writer_first_cpu`` (thread CPU of the parts written before it) and
    ``output_cpu`` (that and the rest's)."""
    from hydro.netcdf_overlap import OverlappedWrite

    finish, write = OverlappedWrite.finish, OverlappedWrite._write

    def finished(self, results):
        t0, c0 = time.perf_counter(), time.thread_time()
        value = finish(self, results)
        found["output"] = time.perf_counter() - t0
        if found.get("writer_first_cpu") is None:  # one part, on this thread
            found["output_cpu"] = time.thread_time() - c0
        return value

    def written(self, early):
        parts = write(self, early)
        c0 = time.thread_time()
        next(parts)
        found["writer_first_cpu"] = time.thread_time() - c0
        while (item := (yield))[0] == "part":  # an output of the transport, as its lane ends
            c0 = time.thread_time()
            parts.send(item)
            found["writer_first_cpu"] += time.thread_time() - c0
        c0 = time.thread_time()
        with contextlib.suppress(StopIteration):
            parts.send(item)
        found["output_cpu"] = found["writer_first_cpu"] + time.thread_time() - c0

    OverlappedWrite.finish = finished  # type: ignore[method-assign]
    OverlappedWrite._write = written  # type: ignore[method-assign]


def lts_timed(network, tracers, inputs, kw, cuts: bool = False) -> dict:
    """The last transport run of the case again, on the global sub-step and with local time steps
    (:class:`hydro.transport_args.LocalSteps`, defaults), in this process one after the other:
    CPU seconds of each (``lts_global_cpu``, ``lts_local_cpu``; the least of three runs where one
    takes under 5 s), the same with ``exchange_limit=math.inf`` (``lts_local_inf_cpu``: no chain refined for
    an exchange), mean sub-steps of the finest class, days on local steps, and the largest
    difference of reach outlet concentrations relative to their largest value
    (``lts_max_rel_diff``: the schemes differ by their discretisation, not round-off)."""
    import numpy as np

    from hydro.transport import simulate
    from hydro.transport_args import LTS_COUNTS, LocalSteps

    # the global step dispersing on every sub-step, as --lts compared them before the default "auto"
    # dispersed every 7 from DISPERSION_EVERY_AUTO_REACHES up (local steps take 1 in any case)
    kw = {key: value for key, value in kw.items() if key not in ("local_steps", "dispersion_every")}
    out = {}
    runs = {}
    counts = np.zeros((inputs.q_in.shape[0], LTS_COUNTS), dtype=np.int64)
    for name, steps in (("global", None), ("local", LocalSteps(counts=counts)),
                        ("local_inf", LocalSteps(exchange_limit=math.inf))):
        # the best of three where a run is short: the first run of the local steps also loads their
        # kernels from the cache (0.1-0.4 s, more than the whole 100-reach year), which the global
        # path's run does not (the model loaded them)
        best = math.inf
        for _ in range(3):
            c0 = time.process_time()
            runs[name] = simulate(network, tracers, inputs, local_steps=steps, **kw)
            best = min(best, time.process_time() - c0)
            if best > 5.0:
                break
        out[f"lts_{name}_cpu"] = best
    a, b = runs["global"].reach_concentration, runs["local"].reach_concentration
    out["lts_max_rel_diff"] = float(np.nanmax(np.abs(a - b)) / max(np.nanmax(np.abs(a)), 1e-30))
    b = runs["local_inf"].reach_concentration
    out["lts_inf_max_rel_diff"] = float(np.nanmax(np.abs(a - b)) / max(np.nanmax(np.abs(a)), 1e-30))
    out["lts_inf_days_local"] = int((runs["local_inf"].substeps != runs["global"].substeps).sum())
    out["lts_days_local"] = int((runs["local"].substeps != runs["global"].substeps).sum())
    out["lts_closure"] = runs["local"].closure()
    out["lts_global_closure"] = runs["global"].closure()
    day = counts[counts[:, 0] > 0]  # the days of local steps: their counts (LocalSteps.counts)
    if len(day):
        steps = day[:, :1] // 2 ** np.arange(4)  # each class's steps a day
        out["lts_runs"] = day[:, 1:5].mean(axis=0).round(2).tolist()
        out["lts_bound_runs"] = day[:, 5:9].mean(axis=0).round(2).tolist()
        out["lts_run_visits"] = float((day[:, 1:5] * steps).sum(axis=1).mean())
        out["lts_counted_days"] = len(day)
        out["lts_changed_days"] = int((day[1:, 9] > 0).sum())
        out["lts_changed_chains"] = float(day[1:, 9].mean()) if len(day) > 1 else 0.0
        out["lts_dead_tags"] = float(day[:, 10].mean())  # tags a day skipped as dead (one lane's: see LocalSteps)
    if cuts:
        out.update(lts_cut_runs(network, tracers, inputs, kw, runs))
    return out


def lts_cut_runs(network, tracers, inputs, kw, runs) -> dict:
    """Local steps on chains cut where the classes change (``LocalSteps(cut=...)``), against the
    global path and the uncut local steps (``runs``: :func:`lts_timed`'s), both with
    ``exchange_limit=math.inf``.  A reach is cut from its main upstream reach where their classes
    (of at most 3, replayed by :func:`lts_bound`) differ on most days.  Returns the cut reaches
    (``lts_cut_reaches``), CPU (``lts_cut_cpu``, the least of three where a run takes under 5 s),
    days on local steps, the largest difference of reach outlet concentrations from the global
    path's and from the uncut local steps' (of the largest value), the closure, and cell updates per
    cell-day with classes per chain (of at most 3, the day's count ``n``; the bound, not counted in
    the solver) on the uncut and the cut chains (``lts_cut_bound``, ``lts_uncut_bound``) and the
    share of cells in the finest class."""
    import numpy as np

    from hydro import _transport_kernels as k
    from hydro.transport import simulate
    from hydro.transport_args import LocalSteps

    lay = network.layout
    days: list = []
    lts_bound(network, inputs, kw.get("courant", 0.9), kw.get("dispersion_limit", 1.0), None, days)
    up = k.chain_layout(lay.reach_cell_start, lay.reach_down_kind, lay.reach_down_index,
                        np.zeros(len(network.reaches), dtype=np.bool_), lay.reach_rank)[0]
    level = np.array([lv for _, lv in days])  # (D, R) each reach's class of the day
    has_up = up >= 0
    differs = np.zeros(level.shape, dtype=bool)
    differs[:, has_up] = level[:, has_up] != level[:, up[has_up]]
    cut = has_up & (differs.mean(axis=0) > 0.5)
    per_reach = np.diff(lay.reach_cell_start)
    out = {"lts_cut_reaches": int(cut.sum())}
    for name, mask in (("uncut", np.zeros_like(cut)), ("cut", cut)):
        chain = _chain_of_reach(k.chain_layout(lay.reach_cell_start, lay.reach_down_kind, lay.reach_down_index,
                                               mask, lay.reach_rank), lay)
        updates = fine = 0.0
        for n, lv in days:
            lc = np.full(chain.max() + 1, 3)
            np.minimum.at(lc, chain, lv)  # a chain's class: its finest reach's
            updates += float((per_reach * np.ceil(n / 2.0 ** lc[chain])).sum())
            fine += float(per_reach[lc[chain] == 0].sum())
        out[f"lts_{name}_bound"] = updates / (len(days) * lay.n_cells)
        out[f"lts_{name}_fine"] = fine / (len(days) * lay.n_cells)
    steps = LocalSteps(exchange_limit=math.inf, cut=cut)
    best = math.inf
    for _ in range(3):
        c0 = time.process_time()
        result = simulate(network, tracers, inputs, local_steps=steps, **kw)
        best = min(best, time.process_time() - c0)
        if best > 5.0:
            break
    out["lts_cut_cpu"] = best
    a, b, c = (runs["global"].reach_concentration, result.reach_concentration,
               runs["local_inf"].reach_concentration)
    scale = max(np.nanmax(np.abs(a)), 1e-30)
    out["lts_cut_max_rel_diff"] = float(np.nanmax(np.abs(a - b)) / scale)
    out["lts_cut_vs_uncut"] = float(np.nanmax(np.abs(c - b)) / scale)
    out["lts_cut_days_local"] = int((result.substeps != runs["global"].substeps).sum())
    out["lts_cut_closure"] = result.closure()
    return out


def _chain_of_reach(layout, lay):
    """The chain of every reach (a chain continues into the reach below while it is its main
    upstream), from ``main_up`` and ``chain_head``, items 0 and 2 of both
    :func:`hydro._transport_kernels.chain_layout` and ``static_layout``."""
    import numpy as np

    from hydro import _transport_kernels as k

    main_up, chain_head = layout[0], layout[2]
    chain = np.empty(len(main_up), dtype=np.int64)
    for j, r in enumerate(chain_head):
        while True:
            chain[r] = j
            d = lay.reach_down_index[r]
            if lay.reach_down_kind[r] != k.DOWN_REACH or main_up[d] != r:
                break
            r = d
    return chain


def lts_bound(network, inputs, courant: float, disp_limit: float, substeps, days: list | None = None) -> dict:
    """Cell updates per cell and day with the global sub-step and with local ones (a cost model).

    Replays the solver's per-day sub-step choice (``hydro._transport_kernels.day_hydraulics``)
    and takes each padded slot's own limit, ``min(courant V_min / out, disp_limit V_min /
    sum of conductances)`` (s), as the kernel does before taking the minimum over all slots.
    Chains and reaches get power-of-two classes below the day's finest count ``n`` (class ``l``:
    ``ceil(n / 2**l)`` sub-steps, ``l`` the largest with ``n / 2**l`` at least their own count);
    cells their own count.  Returns ``lts_global``, ``lts_chain``, ``lts_reach``, ``lts_cell``
    (updates per cell-day) and ``lts_check`` (the replayed counts equal the solver's).  ``days``:
    each day's ``(n, class of every reach, at most 3)`` appended to it (:func:`lts_cut_runs`).
    """
    import numpy as np

    from hydro import _transport_kernels as k
    from hydro.transport import cell_volumes
    from hydro.transport_checks import arrays
    from hydro.transport_volumes import through_shares
    from hydro.units import SECONDS_PER_DAY as DAY

    lay = network.layout
    arr, _, _ = arrays(network, inputs.init_conc.shape[1], inputs, None)
    vol, share, _ = cell_volumes(network, arr["q_in"], arr["q_out"], arr["lateral"])
    through = through_shares(lay.reach_cell_start, share)
    disp = np.array([r.dispersion_m2_s for r in network.reaches], dtype=float)
    inlet = np.ascontiguousarray(inputs.dispersive_inlet, dtype=np.bool_)
    st = k.static_layout(lay.reach_cell_start, lay.cell_dx, lay.reach_down_kind, lay.reach_down_index, disp,
                         inlet, lay.section_cell)
    pos, chain_head, first, last = st[1:5]
    sj_reach, face_coef, dinlets = st[14], st[17], st[18]
    n_chain, n_cell = len(chain_head), lay.n_cells
    n_pad = n_cell + 2 * n_chain
    slot_reach = np.full(n_pad, -1)
    slot_reach[pos] = lay.cell_reach
    chain_of_reach = _chain_of_reach(st, lay)  # static_layout starts (main_up, pos, chain_head, ...)
    per_reach = np.diff(lay.reach_cell_start)
    per_chain = np.bincount(chain_of_reach, weights=per_reach, minlength=n_chain)
    loss = arr["withdrawal"] + np.maximum(-(arr["lateral"] + arr["withdrawal"]), 0.0)
    vol0 = np.full(n_pad, np.inf)
    vol0[pos] = vol
    work = [np.zeros(n_pad) for _ in range(5)]
    sj_c, b_c, h_c = np.zeros(len(sj_reach)), np.zeros(len(dinlets)), np.zeros(n_chain)
    limits = (np.zeros(n_pad), np.zeros(n_pad), np.zeros(len(lay.reach_cell_start) - 1, dtype=np.int64))
    total = dict.fromkeys(("lts_global", "lts_chain", "lts_reach", "lts_cell", "lts_chain3", "lts_reach3",
                           "lts_chain3_fine", "lts_reach3_fine", "lts_cell_courant", "lts_cell_disp",
                           "lts_cell_disp_interior", "lts_cells_courant_bound", "lts_days_courant",
                           "lts_days_junction"), 0.0)
    replayed = []
    for d in range(arr["q_in"].shape[0]):
        fq, wd, dv, hl, cond = work
        n = k.day_hydraulics(arr["q_in"][d], arr["q_out"][d], arr["lateral"][d], loss[d], lay.reach_cell_start,
                             lay.cell_dx, share, through, first, vol0, disp, face_coef, lay.reach_down_index,
                             sj_reach, dinlets, chain_head, inlet, courant, disp_limit, fq, wd, dv, hl, cond,
                             sj_c, b_c, h_c, *limits)[0]
        replayed.append(n)
        vmin = np.minimum(vol0, vol0 + DAY * dv)
        g = np.zeros(n_pad)
        g[:-1] += cond[:-1]
        g[1:] += cond[:-1]
        np.add.at(g, first[dinlets], b_c)
        np.add.at(g, first[chain_head], h_c)
        np.add.at(g, last[sj_reach], sj_c)
        np.add.at(g, first[lay.reach_down_index[sj_reach]], sj_c)
        g_in = np.zeros(n_pad)  # the interior faces' conductances alone (no junction, inlet or head)
        g_in[:-1] += cond[:-1]
        g_in[1:] += cond[:-1]
        with np.errstate(divide="ignore", invalid="ignore"):
            lims = (np.where(fq + wd > 0, courant * vmin / (fq + wd), np.inf)[pos],
                    np.where(g > 0, disp_limit * vmin / g, np.inf)[pos],
                    np.where(g_in > 0, disp_limit * vmin / g_in, np.inf)[pos])
        own_c, own_d, own_i = (np.maximum(1.0, np.ceil(DAY / np.minimum(lim, DAY) - 1e-9)) for lim in lims)
        own = np.maximum(own_c, own_d)  # per cell
        _limit_kinds(total, n, own_c, own_d, own_i)
        for key, unit, counts in (("lts_reach", lay.cell_reach, per_reach),
                                  ("lts_chain", chain_of_reach[lay.cell_reach], per_chain)):
            need = np.zeros(len(counts))
            np.maximum.at(need, unit, own)
            level = np.maximum(np.floor(np.log2(n / need) + 1e-12), 0.0)
            total[key] += float((counts * np.ceil(n / 2.0 ** level)).sum())
            capped = np.minimum(level, 3.0)  # the solver's classes: at most 3 (LocalSteps.max_level)
            total[key + "3"] += float((counts * np.ceil(n / 2.0 ** capped)).sum())
            total[key + "3_fine"] += float(counts[capped == 0].sum())
            if days is not None and key == "lts_reach":
                days.append((n, capped.astype(np.int64)))
        total["lts_cell"] += float(own.sum())
        total["lts_global"] += float(n * n_cell)
        vol0 = vol0 + DAY * dv
    n_days = arr["q_in"].shape[0]
    out = {key: value / (n_days * (1 if key.startswith("lts_days") else n_cell)) for key, value in total.items()}
    out["lts_check"] = bool(np.array_equal(np.asarray(replayed), np.asarray(substeps)))
    return out


def _limit_kinds(total: dict, n: int, own_c, own_d, own_i) -> None:
    """Add one day to ``lts_bound``'s tallies of what sets the steps: per cell the counts its Courant
    limit alone asks (``own_c``), its dispersion limit (``own_d``, all its faces' conductances) and
    that limit over its interior faces only (``own_i``: junction, inlet and head faces left out);
    the day's count ``n`` set by Courant (some cell's ``own_c`` is ``n``), by a junction term (only
    ``own_d`` reaches ``n``, not ``own_i``); the cells whose own Courant count is at least their
    dispersion count."""
    total["lts_cell_courant"] += float(own_c.sum())
    total["lts_cell_disp"] += float(own_d.sum())
    total["lts_cell_disp_interior"] += float(own_i.sum())
    total["lts_cells_courant_bound"] += float((own_c >= own_d).sum())
    total["lts_days_courant"] += float(own_c.max() >= n)
    total["lts_days_junction"] += float(own_d.max() >= n > max(own_c.max(), own_i.max()))


def run_case(basin: Path, out: Path, lts: bool = False, lts_run: bool = False, lts_acc: int = 0,
             cuts: bool = False) -> dict:
    """Run :func:`child` in a fresh process (its timings; its wall time as ``instrumented_whole``),
    then a plain ``hydro run BASIN -o OUT --overwrite -q`` in another, nothing else in it, for
    ``whole``, ``whole_cpu`` and ``peak_rss_mb`` (:func:`timed_process`)."""
    command = [sys.executable, __file__, "--child", str(basin), str(out)] + (["--lts-bound"] if lts else []) \
        + (["--lts"] if lts_run else []) + ([f"--lts-accuracy={lts_acc}"] if lts_acc else []) \
        + (["--cuts"] if cuts else [])
    whole, _, _, stdout = timed_process(command, f"scaling case {basin}")
    found = json.loads(stdout.strip().splitlines()[-1])
    found["instrumented_whole"] = whole
    found["whole"], found["whole_cpu"], found["peak_rss_mb"], _ = timed_process(
        [sys.executable, "-m", "hydro", "run", str(basin), "-o", str(out), "--overwrite", "-q"], f"hydro run {basin}")
    return found


def timed_process(command: list[str], what: str) -> tuple[float, float, float, str]:
    """``command`` in a fresh process: its wall seconds, CPU seconds, peak RSS (MB, from ``os.wait4``
    per child: ``RUSAGE_CHILDREN`` keeps only the largest child so far) and standard output; its
    standard error in the message if it fails (``what`` names it)."""
    t0 = time.perf_counter()
    with tempfile.TemporaryFile("w+") as so, tempfile.TemporaryFile("w+") as se:
        proc = subprocess.Popen(command, stdout=so, stderr=se)
        _, status, usage = os.wait4(proc.pid, 0)
        whole = time.perf_counter() - t0
        so.seek(0)
        se.seek(0)
        if os.waitstatus_to_exitcode(status) != 0:
            raise SystemExit(f"{what} failed (status {os.waitstatus_to_exitcode(status)}):\n{se.read()}")
        stdout = so.read()
    return whole, usage.ru_utime + usage.ru_stime, usage.ru_maxrss * 1024 / 1e6, stdout  # ru_maxrss: kilobytes


def parse_cases(text: str) -> list[tuple[int, int]]:
    cases = []
    for item in text.split(","):
        r, y = item.split(":")
        cases.append((int(r), int(y)))
    return cases


def main() -> None:
    if len(sys.argv) >= 4 and sys.argv[1] == "--child":
        acc = [a.partition("=")[2] or "4" for a in sys.argv[4:] if a.startswith("--lts-accuracy")]
        child(sys.argv[2], sys.argv[3], lts="--lts-bound" in sys.argv[4:], lts_run="--lts" in sys.argv[4:],
              lts_acc=int(acc[0]) if acc else 0, cuts="--cuts" in sys.argv[4:])
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print JSON records")
    parser.add_argument("--large", action="store_true", help="add 1,000 x 10 and 10,000 x 1 (minutes)")
    parser.add_argument("--cases", help="reaches:years,... instead of the default cases (e.g. 100:1,300:1; "
                        "--large adds to them)")
    parser.add_argument("--lts-bound", action="store_true",
                        help="add the cost model of local time stepping (cell updates per cell-day)")
    parser.add_argument("--lts", action="store_true",
                        help="time each case's transport again on the global sub-step and with local time steps")
    parser.add_argument("--lts-accuracy", type=int, nargs="?", const=4, default=0, metavar="K",
                        help="each case's transport by the global step and local steps against the same network "
                             "with K (4) times the cells (benchmarks/lts_accuracy.py)")
    parser.add_argument("--cuts", action="store_true",
                        help="with --lts: local time steps on chains cut where the classes change")
    parser.add_argument("--dispersion-every", type=int, default=None, metavar="K",
                        help="write [run] dispersion_every = K into every case's basin (default: none, the "
                             "basin's \"auto\"; records suffixed _dispersion_every_K; docs/solver.md, "
                             "\"Dispersion every K advection sub-steps\")")
    parser.add_argument("--local-steps-from", type=int, default=0, metavar="N",
                        help="write [run] local_steps = true into the cases of N reaches or more (records suffixed "
                             "_local_from_N)")
    parser.add_argument("--repeat", type=int, default=1, metavar="N",
                        help="run every case N times (the 100 x 1 reference at least 3) and keep its run of least "
                             "model CPU; the range of the runs' is printed")
    add_hydraulics_argument(parser)
    add_shape_argument(parser)
    args = parser.parse_args()
    if args.repeat < 1:
        parser.error(f"--repeat: expected a number of runs >= 1, got {args.repeat}")
    modes = hydraulics_modes(args.hydraulics)
    cases = parse_cases(args.cases) if args.cases else list(DEFAULT_CASES)
    if args.large:
        cases += [c for c in LARGE_CASES if c not in cases]
    if (100, 1) not in cases:
        cases.insert(0, (100, 1))  # the reference of every ratio
    records = []
    measured: dict[tuple[int, int, str], dict] = {}
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        for (reaches, years), mode in [(c, m) for c in cases for m in modes]:
            t0 = time.perf_counter()
            basin = build(root / f"r{reaches}_y{years}_{mode}", reaches, years, mode, shape=args.shape)
            if args.dispersion_every is not None:
                text = basin.read_text()
                basin.write_text(text.replace("[run]\n", f"[run]\ndispersion_every = {args.dispersion_every}\n", 1))
            if args.local_steps_from and reaches >= args.local_steps_from:
                text = basin.read_text()
                basin.write_text(text.replace("[run]\n", "[run]\nlocal_steps = true\n", 1))
            print(f"built {reaches} reaches x {years} years ({mode} hydraulics, {args.shape} tree) in "
                  f"{time.perf_counter() - t0:.1f} s",
                  file=sys.stderr, flush=True)
            if not measured:
                run_case(basin, root / "warmup.nc")  # compile or load the kernels once
            # the reference case is short (its model ~0.2 s): the best of three at least, by model CPU
            n_runs = max(3, args.repeat) if (reaches, years) == (100, 1) else args.repeat
            tries = [run_case(basin, root / "out.nc", args.lts_bound, args.lts, args.lts_accuracy, args.cuts)
                     for _ in range(n_runs)]
            found = min(tries, key=lambda f: f["model_cpu"] if f["model_cpu"] is not None else f["whole"])
            cpus = [f["model_cpu"] for f in tries if f["model_cpu"] is not None]
            (root / "out.nc").unlink()
            found["reach_days"] = reaches * (found["days"] or 365 * years)
            found["ns_per_reach_day"] = (1e9 * found["model_cpu"] / found["reach_days"]
                                         if found["model_cpu"] is not None else None)
            found["transport_ns_per_reach_day"] = (1e9 * found["transport_cpu"] / found["reach_days"]
                                                   if found["transport_cpu"] is not None else None)
            # the solver's own cost: per cell and sub-step (all tracers), which local time stepping
            # would not change; the sub-steps a day are what it would cut
            updates = (found.get("cells") or 0) * (found["days"] or 365 * years) * (found["substeps"] or 0)
            found["transport_ns_per_cell_update"] = (1e9 * found["transport_cpu"] / updates
                                                     if found["transport_cpu"] is not None and updates else None)
            measured[(reaches, years, mode)] = found
            print(f"{reaches:6d} x {years:3d} y{SUFFIX[mode]}{SHAPE_SUFFIX[args.shape]}: whole {found['whole']:.2f} s "
                  f"({found['whole_cpu']:.2f} s CPU), "
                  f"load {found['load'] or 0:.3f} s, kernels {found['kernel_load'] or 0:.2f} s, "
                  f"model {found['model_cpu'] or 0:.2f} s CPU ({found['ns_per_reach_day'] or 0:.0f} ns/reach-day; "
                  f"transport {found['transport_cpu'] or 0:.2f} s, {found['transport_ns_per_reach_day'] or 0:.0f}), "
                  f"{found['substeps'] or 0:.0f} sub-steps/day, peak RSS {found['peak_rss_mb']:.0f} MB, "
                  f"output {found['output_mb']:.0f} MB"
                  + (f", {found['blocks']} time blocks" if found.get("blocks") else "")
                  + (f"; the least of {n_runs} runs, whose model took {min(cpus):.2f}-{max(cpus):.2f} s CPU"
                     if n_runs > 1 and cpus else ""),
                  file=sys.stderr, flush=True)
            if "lts_local_cpu" in found:
                print(f"    transport again: global {found['lts_global_cpu']:.2f} s CPU, local time steps "
                      f"{found['lts_local_cpu']:.2f} s ({found['lts_local_cpu'] / found['lts_global_cpu']:.2f}x; "
                      f"{found['lts_days_local']} days on local steps, outlet concentrations within "
                      f"{found['lts_max_rel_diff']:.1e} of the largest, closure {found['lts_closure']:.1e} against "
                      f"{found['lts_global_closure']:.1e}); with exchange_limit inf "
                      f"{found['lts_local_inf_cpu']:.2f} s "
                      f"({found['lts_local_inf_cpu'] / found['lts_global_cpu']:.2f}x; "
                      f"{found['lts_inf_days_local']} days, "
                      f"within {found['lts_inf_max_rel_diff']:.1e})",
                      file=sys.stderr, flush=True)
            if "lts_accuracy" in found:
                from lts_accuracy import report

                print(f"    against the {reaches}-reach network with {args.lts_accuracy}x the cells (global step):\n"
                      + report(found),
                      file=sys.stderr, flush=True)
            if "lts_cut_cpu" in found:
                print(f"    cut chains ({found['lts_cut_reaches']} cuts, exchange_limit inf): "
                      f"{found['lts_cut_cpu']:.2f} s ({found['lts_cut_cpu'] / found['lts_global_cpu']:.2f}x global, "
                      f"{found['lts_cut_cpu'] / found['lts_local_inf_cpu']:.2f}x uncut; "
                      f"{found['lts_cut_days_local']} days, within {found['lts_cut_max_rel_diff']:.1e} of the "
                      f"global path, {found['lts_cut_vs_uncut']:.1e} of the uncut, closure "
                      f"{found['lts_cut_closure']:.1e}); bound per cell-day uncut {found['lts_uncut_bound']:.1f} "
                      f"({100 * found['lts_uncut_fine']:.0f} % finest), cut {found['lts_cut_bound']:.1f} "
                      f"({100 * found['lts_cut_fine']:.0f} %)", file=sys.stderr, flush=True)
            if "lts_runs" in found:
                print(f"    local steps, means over their days: runs of chains per class {found['lts_runs']}, "
                      f"runs per class's bounds {found['lts_bound_runs']}, run visits a day "
                      f"{found['lts_run_visits']:.0f}; classes changed on {found['lts_changed_days']} of the "
                      f"{found['lts_counted_days'] - 1} days after the first, {found['lts_changed_chains']:.1f} "
                      f"chains a day; {found['lts_dead_tags']:.2f} tags a day skipped as dead", file=sys.stderr,
                      flush=True)
            if "lts_global" in found:
                print(f"    cell updates per cell-day: global {found['lts_global']:.1f}, per chain "
                      f"{found['lts_chain']:.1f}, per reach {found['lts_reach']:.1f}, per cell {found['lts_cell']:.1f} "
                      f"(replayed sub-steps equal the solver's: {found['lts_check']}); classes of at most 3: per chain "
                      f"{found['lts_chain3']:.1f} ({100 * found['lts_chain3_fine']:.0f} % of cells in the finest), "
                      f"per reach {found['lts_reach3']:.1f} ({100 * found['lts_reach3_fine']:.0f} %); what sets the "
                      f"steps: per cell, Courant alone {found['lts_cell_courant']:.1f} updates per cell-day, "
                      f"dispersion alone {found['lts_cell_disp']:.1f} ({found['lts_cell_disp_interior']:.1f} without "
                      f"junction, inlet and head faces), Courant binding in "
                      f"{100 * found['lts_cells_courant_bound']:.0f} % of cell-days; the day's step set by Courant on "
                      f"{100 * found['lts_days_courant']:.0f} % of "
                      f"days, by a junction, inlet or head face on {100 * found['lts_days_junction']:.0f} %",
                      file=sys.stderr, flush=True)
    every = f"_dispersion_every_{args.dispersion_every}" if args.dispersion_every is not None else ""
    for mode in modes:
        records += mode_records({(r, y): f for (r, y, m), f in measured.items() if m == mode},
                                SUFFIX[mode] + SHAPE_SUFFIX[args.shape] + every
                                + (f"_local_from_{args.local_steps_from}" if args.local_steps_from else ""))
    emit(records, args.json)


def mode_records(measured: dict[tuple[int, int], dict], suffix: str) -> list[dict]:
    """The records of one basin's cases (``measured``, by reaches and years), each name ending in
    ``suffix``; ratios against its own 100 x 1 case, and issue 16's targets."""
    records: list[dict] = []
    ref = measured[(100, 1)]
    for (reaches, years), f in measured.items():
        tag = f"{reaches}r_{years}y{suffix}"

        def vs_ref(name, key, unit, f=f):  # reference: the same quantity at 100 reaches x 1 year
            value, base = f[key], ref[key]
            return record(name, value, unit, base, value / base if value is not None and base else None)

        records += [
            vs_ref(f"scaling_whole_process_seconds_{tag}", "whole", "s"),
            vs_ref(f"scaling_whole_process_cpu_seconds_{tag}", "whole_cpu", "s"),
            record(f"scaling_load_seconds_{tag}", f["load"], "s", f["whole"],
                   None if f["load"] is None else f["load"] / f["whole"]),
            record(f"scaling_kernel_load_seconds_{tag}", f["kernel_load"], "s", f["whole"],
                   None if f["kernel_load"] is None else f["kernel_load"] / f["whole"]),
            record(f"scaling_model_cpu_seconds_{tag}", f["model_cpu"], "s", f["whole"],
                   None if f["model_cpu"] is None else f["model_cpu"] / f["whole"]),
            vs_ref(f"scaling_model_ns_per_reach_day_{tag}", "ns_per_reach_day", "ns"),
            record(f"scaling_transport_cpu_seconds_{tag}", f["transport_cpu"], "s", f["model_cpu"],
                   None if f["transport_cpu"] is None or not f["model_cpu"] else f["transport_cpu"] / f["model_cpu"]),
            vs_ref(f"scaling_transport_ns_per_reach_day_{tag}", "transport_ns_per_reach_day", "ns"),
            vs_ref(f"scaling_substeps_per_day_{tag}", "substeps", "1"),
            vs_ref(f"scaling_transport_ns_per_cell_update_{tag}", "transport_ns_per_cell_update", "ns"),
            vs_ref(f"scaling_peak_rss_mb_{tag}", "peak_rss_mb", "MB"),
            vs_ref(f"scaling_output_mb_{tag}", "output_mb", "MB"),
        ]
        if "lts_global" in f:  # local time stepping's bound: updates per cell-day against the global step's
            records += [record(f"scaling_lts_cell_updates_per_cell_day_{kind}_{tag}", f[f"lts_{kind}"], "1",
                               f["lts_global"], f[f"lts_{kind}"] / f["lts_global"])
                        for kind in ("global", "chain", "reach", "cell")]
        if "lts_local_cpu" in f:  # local time steps: the transport's CPU against the global path's, same process
            records.append(record(f"scaling_lts_transport_cpu_seconds_{tag}", f["lts_local_cpu"], "s",
                                  f["lts_global_cpu"], f["lts_local_cpu"] / f["lts_global_cpu"]))
    largest = max((r for r, y in measured if y == 1), default=100)
    if largest > 100 and ref["ns_per_reach_day"]:
        cost = measured[(largest, 1)]["ns_per_reach_day"] / ref["ns_per_reach_day"]
        records.append(record(f"scaling_reach_day_cost_{largest}_vs_100_vs_target{suffix}", cost, "1",
                              REACH_DAY_RATIO_TARGET, cost / REACH_DAY_RATIO_TARGET))
    if (10000, 1) in measured:
        whole = measured[(10000, 1)]["whole"]
        records.append(record(f"scaling_whole_process_10000r_1y_vs_target{suffix}", whole, "s", WHOLE_10000_TARGET_S,
                              whole / WHOLE_10000_TARGET_S))
    if (100, 100) in measured:
        rss = measured[(100, 100)]["peak_rss_mb"]
        records.append(record(f"scaling_peak_rss_100r_100y_vs_target{suffix}", rss, "MB", PEAK_RSS_100Y_TARGET_MB,
                              rss / PEAK_RSS_100Y_TARGET_MB))
    return records


if __name__ == "__main__":
    main()
