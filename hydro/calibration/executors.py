"""Where evaluations run: in this process, in local processes, or on a Dask cluster.

Evaluations run on the batch executors of :mod:`hydro.batch` (one implementation of
serial, process-pool and Dask execution for batches and calibration), wrapped in
:class:`Evaluations`: :meth:`~Evaluations.map_unordered` takes a list of
search-space vectors and yields ``(index, record)`` as each evaluation
finishes (so the caller can store it at once), and :meth:`~Evaluations.close`.  Workers are
started once and kept for the whole run (every generation of DE); the problem
is sent to each worker once (the pool's ``setup``, Dask ``scatter``) and
built there once, so a task carries only its vectors
(:func:`hydro.calibration.problem.evaluate_chunk`).  Vectors travel in chunks
sized so that a chunk takes about :data:`CHUNK_SECONDS` (known from
:attr:`seconds_per_evaluation`, set by the runner from a timed evaluation), so
fast models are not dominated by the cost of a round trip per evaluation and
slow ones are still spread one evaluation at a time.

:func:`choose_executor` picks the executor when the user names none: in this
process when the whole job is short (:data:`SERIAL_BELOW_S`), else local
processes.

``serial``
    In the calling process; for debugging and tiny problems.
``processes``
    :class:`concurrent.futures.ProcessPoolExecutor`, started by ``fork`` when
    this process runs a single thread, else by ``forkserver`` (or ``spawn``),
    so that workers never inherit another thread's locks.  With ``fork`` the
    workers inherit the model this process has already built and the kernels
    it has loaded.  One worker per core by default.  With
    ``forkserver``/``spawn`` the main script is re-imported in the workers:
    guard it with ``if __name__ == "__main__":``.
``dask``
    :class:`distributed.Client` on an existing scheduler (``--scheduler
    ADDRESS``) or on a :class:`distributed.LocalCluster` it starts
    (``--dask-workers N``, one thread per worker process).  Workers of an
    existing cluster must see the configuration, model and observation files
    at the same paths (a shared file system).  The processes of a local
    cluster end when the calibration process dies, even by ``kill -9``
    (:func:`hydro.workers.watch_parent`).
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterator

import numpy as np

from hydro.batch import DaskExecutor, ProcessExecutor, SerialExecutor, make_executor
from hydro.calibration.problem import Problem, evaluate_chunk, install

#: Target duration of one task (a chunk of evaluations), seconds.
CHUNK_SECONDS = 0.05
#: Jobs whose evaluations would take less than this in one process run serially
#: when the user names no executor: starting, feeding and stopping worker
#: processes costs more than it saves (measured: docs/calibration.md).
SERIAL_BELOW_S = 3.0


def chunks(n: int, workers: int, seconds_per_evaluation: float | None) -> list[range]:
    """Split ``n`` evaluations into consecutive chunks of about :data:`CHUNK_SECONDS` each,
    at least four per worker where there are enough, one evaluation each when their time
    is unknown."""
    if n <= 0:
        return []
    if seconds_per_evaluation is None or seconds_per_evaluation <= 0:
        size = 1
    else:
        size = max(1, int(CHUNK_SECONDS / seconds_per_evaluation))
        size = min(size, max(1, math.ceil(n / (4 * max(workers, 1)))))
    return [range(a, min(a + size, n)) for a in range(0, n, size)]


class Evaluations:
    """The evaluations of one calibration problem on a batch executor, in chunks.

    Parameters
    ----------
    executor : hydro.batch.SerialExecutor, ProcessExecutor or DaskExecutor
        Where the chunks run; closed by :meth:`close`.
    problem : Problem
        The problem evaluated.
    context : optional
        What each task is given to find the problem: the problem itself (default), its
        :attr:`Problem.token` where the workers installed it at start, or a Dask future.
    """

    #: Seconds one evaluation takes (set by the runner from a timed run): sizes the chunks.
    seconds_per_evaluation: float | None = None

    def __init__(self, executor, problem: Problem, context=None):
        self.executor, self.problem = executor, problem
        self.name, self.workers = executor.name, executor.workers
        self.context = problem if context is None else context

    def map_unordered(self, vectors) -> Iterator[tuple[int, dict]]:
        """Yield ``(index, record)`` for every vector, as its chunk finishes."""
        vectors = [np.asarray(z, float) for z in vectors]
        parts: list = chunks(len(vectors), self.workers, self.seconds_per_evaluation)
        lost: list[int] = []
        for _ in range(2):  # the chunks, then the evaluations of a lost chunk one per task
            tasks = [[(i, vectors[i]) for i in part] for part in parts]
            for k, outcome in self.executor.run(evaluate_chunk, tasks, context=self.context):
                if outcome.ok:
                    yield from outcome.value
                elif len(parts[k]) > 1:  # lost in the executor (a worker died): retry its evaluations
                    lost.extend(parts[k])  # alone, so that only the one that kills its worker fails
                else:  # the task itself failed (not the model)
                    yield parts[k][0], {"status": "failed", "loss": None, "scores": {}, "seconds": 0.0,
                                        "transient": True, "error": f"in the executor: {outcome.error}"}
            parts, lost = [[i] for i in sorted(lost)], []
            if not parts:
                break

    def close(self, abort: bool = False) -> None:
        """Close the executor; ``abort`` (Ctrl-C, SIGTERM) ends running evaluations at once."""
        self.executor.close(abort)


def make_evaluations(problem: Problem, *, workers: int | None = None, scheduler: str | None = None,
                     dask_workers: int | None = None, serial: bool = False) -> Evaluations:
    """The evaluations the options ask for (processes with all cores by default)."""
    if serial:
        return Evaluations(SerialExecutor(), problem)
    executor = make_executor(workers=workers, scheduler=scheduler, dask_workers=dask_workers,
                             setup=(install, (problem,)), dashboard_address=None, what="the evaluations")
    if isinstance(executor, ProcessExecutor):  # the workers installed the problem as they started
        return Evaluations(executor, problem, problem.token)
    if isinstance(executor, DaskExecutor):
        return Evaluations(executor, problem, executor.share(problem))
    return Evaluations(executor, problem)


def choose_executor(problem: Problem, planned: int, seconds_per_evaluation: float) -> tuple[str, int]:
    """``("serial", 1)`` or ``("processes", n)`` for a job of ``planned`` evaluations.

    Serial when ``planned x seconds_per_evaluation`` is below :data:`SERIAL_BELOW_S`
    or there is one core; otherwise one process per core, but no more than keeps
    each busy for :data:`SERIAL_BELOW_S` seconds (a worker costs a start and a
    share of every generation's hand-offs).
    """
    cores = os.cpu_count() or 1
    total = planned * max(seconds_per_evaluation, 0.0)
    if cores == 1 or total < SERIAL_BELOW_S:
        return "serial", 1
    return "processes", max(2, min(cores, int(total / SERIAL_BELOW_S)))
