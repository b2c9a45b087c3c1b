"""Where evaluations run: in this process, in local processes, or on a Dask cluster.

Every executor has the same two methods: :meth:`map_unordered` takes a list of
search-space vectors and yields ``(index, record)`` as each evaluation
finishes (so the caller can store it at once), and :meth:`close`.  Workers are
started once and kept for the whole run (every generation of DE); the problem
is sent to each worker once (the pool's initializer, Dask ``scatter``) and
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
    (:func:`_watch_parent`).
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterator

import numpy as np

from hydro.calibration.problem import Problem, evaluate_chunk, evaluate_task, install
from hydro.errors import HydroError

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


class SerialExecutor:
    """Evaluations one after the other in this process."""

    name = "serial"
    workers = 1
    seconds_per_evaluation: float | None = None

    def __init__(self, problem: Problem):
        self.problem = problem

    def map_unordered(self, vectors) -> Iterator[tuple[int, dict]]:
        for i, z in enumerate(vectors):
            yield i, evaluate_task(self.problem, z)

    def close(self, abort: bool = False) -> None:
        pass


class ProcessExecutor:
    """A pool of local worker processes."""

    name = "processes"
    seconds_per_evaluation: float | None = None

    def __init__(self, problem: Problem, workers: int | None = None):
        import multiprocessing as mp
        from concurrent.futures import ProcessPoolExecutor

        self.problem = problem
        self.workers = int(workers or os.cpu_count() or 1)
        if self.workers < 1:
            raise HydroError(f"--workers must be >= 1, got {workers}")
        from hydro.outputs import worker_init

        method = _start_method()
        # workers ignore Ctrl-C (the parent stops them: no worker tracebacks) and exit
        # when the parent dies (no orphans after kill -9)
        # (and get the problem once, built before the first task)
        self.pool = ProcessPoolExecutor(max_workers=self.workers, mp_context=mp.get_context(method),
                                        initializer=_start_worker, initargs=(worker_init, problem))

    def map_unordered(self, vectors) -> Iterator[tuple[int, dict]]:
        from concurrent.futures import FIRST_COMPLETED, wait

        vectors = [np.asarray(z, float) for z in vectors]
        futures = {}
        for part in chunks(len(vectors), self.workers, self.seconds_per_evaluation):
            f = self.pool.submit(evaluate_chunk, self.problem.token, [(i, vectors[i]) for i in part])
            futures[f] = part
        try:
            pending = set(futures)
            while pending:
                done, pending = wait(pending, return_when=FIRST_COMPLETED)
                for f in done:
                    yield from _chunk_results(f.result, futures[f])
        finally:
            for f in futures:
                f.cancel()

    def close(self, abort: bool = False) -> None:
        """Shut the pool down; ``abort`` (Ctrl-C, SIGTERM) ends the running evaluations
        at once instead of waiting for them."""
        from hydro.batch import shutdown_pool

        shutdown_pool(self.pool, abort)


class DaskExecutor:
    """A Dask distributed client, on an existing scheduler or a local cluster."""

    name = "dask"
    seconds_per_evaluation: float | None = None

    def __init__(self, problem: Problem, scheduler: str | None = None, n_workers: int | None = None):
        from hydro.batch import connect_dask

        self.problem = problem
        self.client, self.cluster = connect_dask(scheduler, n_workers, dashboard_address=None)
        if self.cluster is not None:
            # nannies and workers of our own cluster end with this process, even after kill -9
            self.client.run(_watch_parent, os.getpid(), nanny=True)
            self.client.run(_watch_parent, os.getpid())
        info = self.client.scheduler_info()
        self.workers = sum(w.get("nthreads", 1) for w in info.get("workers", {}).values()) or 1
        self._problem_future = self.client.scatter(problem, broadcast=True)

    def map_unordered(self, vectors) -> Iterator[tuple[int, dict]]:
        from distributed import as_completed

        vectors = [np.asarray(z, float) for z in vectors]
        futures, parts = [], {}
        for part in chunks(len(vectors), self.workers, self.seconds_per_evaluation):
            f = self.client.submit(evaluate_chunk, self._problem_future,
                                   [(i, vectors[i]) for i in part], pure=False)
            futures.append(f)
            parts[f.key] = part
        try:
            for f in as_completed(futures, loop=self.client.loop):
                yield from _chunk_results(f.result, parts[f.key])
        finally:
            self.client.cancel([f for f in futures if not f.done()])

    def close(self, abort: bool = False) -> None:
        self.client.close()
        if self.cluster is not None:
            self.cluster.close()


def _start_method() -> str:
    """``fork`` while this process has a single thread (fast, no re-import of ``__main__``);
    ``forkserver`` when other threads run (a Dask client, a GUI), since forking a
    multi-threaded process can deadlock; ``spawn`` where neither exists."""
    import multiprocessing as mp
    import threading

    methods = mp.get_all_start_methods()
    if "fork" in methods and threading.active_count() == 1:
        return "fork"
    return "forkserver" if "forkserver" in methods else "spawn"


def _start_worker(init, problem: Problem) -> None:
    """Pool initializer: the signal and parent-death set-up, then the problem, built once."""
    init()
    install(problem)


def _watch_parent(pid: int) -> None:
    """In a process of a local Dask cluster: exit when process ``pid`` (the calibration)
    is gone.  Linux's parent-death signal covers a nanny at once; a thread polling
    ``pid`` covers the workers (children of the nannies) and other platforms."""
    import signal
    import sys
    import threading
    import time

    if os.getppid() == pid and sys.platform.startswith("linux"):
        try:
            import ctypes

            ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL, 0, 0, 0)  # PR_SET_PDEATHSIG
        except Exception:  # noqa: BLE001 - the thread below covers it
            pass

    def alive() -> bool:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True
        return True

    def watch():
        while alive():
            time.sleep(0.5)
        os._exit(1)

    if not any(t.name == "hydro-calibration-watchdog" for t in threading.enumerate()):
        threading.Thread(target=watch, name="hydro-calibration-watchdog", daemon=True).start()


def _chunk_results(get, part) -> Iterator[tuple[int, dict]]:
    """The records of one chunk; a crash of the task (not of the model) fails each of them."""
    results = _result(get)
    if isinstance(results, dict):  # the task itself failed: every evaluation of the chunk
        for i in part:
            yield i, dict(results)
        return
    yield from results


def _result(get) -> dict:
    """The task's record; a crash of the task itself (not of the model) becomes a failure."""
    try:
        return get()
    except KeyboardInterrupt:
        raise
    except Exception as exc:  # noqa: BLE001 - a lost worker is recorded like a failed model run
        return {"status": "failed", "loss": None, "scores": {}, "seconds": 0.0, "transient": True,
                "error": f"{type(exc).__name__} in the executor: {exc}"}


def make_executor(problem: Problem, *, workers: int | None = None, scheduler: str | None = None,
                  dask_workers: int | None = None, serial: bool = False):
    """The executor the options ask for (processes with all cores by default)."""
    chosen = [name for name, v in (("--workers", workers), ("--scheduler", scheduler),
                                   ("--dask-workers", dask_workers)) if v]
    if len(chosen) > 1:
        raise HydroError(f"{' and '.join(chosen)}: choose one way to run the evaluations")
    if serial or workers == 1:
        return SerialExecutor(problem)
    if scheduler or dask_workers:
        return DaskExecutor(problem, scheduler=scheduler, n_workers=dask_workers)
    return ProcessExecutor(problem, workers)


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
