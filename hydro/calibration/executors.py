"""Where evaluations run: in this process, in local processes, or on a Dask cluster.

Every executor has the same two methods: :meth:`map_unordered` takes a list of
search-space vectors and yields ``(index, record)`` as each evaluation
finishes (so the caller can store it at once), and :meth:`close`.  The task
is :func:`hydro.calibration.problem.evaluate_task`; the problem is sent once
per worker where the executor allows it (Dask ``scatter``) and is otherwise
small to pickle (its configuration only; see :class:`Problem`).

``serial``
    In the calling process; for debugging and tiny problems.
``processes``
    :class:`concurrent.futures.ProcessPoolExecutor`, started by ``fork`` when
    this process runs a single thread, else by ``forkserver`` (or ``spawn``),
    so that workers never inherit another thread's locks.  Default, with one
    worker per core.  With ``forkserver``/``spawn`` the main script is
    re-imported in the workers: guard it with ``if __name__ == "__main__":``.
``dask``
    :class:`distributed.Client` on an existing scheduler (``--scheduler
    ADDRESS``) or on a :class:`distributed.LocalCluster` it starts
    (``--dask-workers N``, one thread per worker process).  Workers of an
    existing cluster must see the configuration, model and observation files
    at the same paths (a shared file system).
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import numpy as np

from hydro.calibration.problem import Problem, evaluate_task
from hydro.errors import HydroError

#: Seconds allowed to connect to a scheduler before giving up.
CONNECT_TIMEOUT_S = 10


class SerialExecutor:
    """Evaluations one after the other in this process."""

    name = "serial"
    workers = 1

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
        self.pool = ProcessPoolExecutor(max_workers=self.workers, mp_context=mp.get_context(method),
                                        initializer=worker_init)

    def map_unordered(self, vectors) -> Iterator[tuple[int, dict]]:
        from concurrent.futures import FIRST_COMPLETED, wait

        futures = {self.pool.submit(evaluate_task, self.problem, np.asarray(z, float)): i
                   for i, z in enumerate(vectors)}
        try:
            pending = set(futures)
            while pending:
                done, pending = wait(pending, return_when=FIRST_COMPLETED)
                for f in done:
                    yield futures[f], _result(f.result)
        finally:
            for f in futures:
                f.cancel()

    def close(self, abort: bool = False) -> None:
        """Shut the pool down; ``abort`` (Ctrl-C, SIGTERM) ends the running evaluations
        at once instead of waiting for them."""
        if abort:
            processes = list((getattr(self.pool, "_processes", None) or {}).values())
            self.pool.shutdown(wait=False, cancel_futures=True)
            for p in processes:
                if p.is_alive():
                    p.terminate()
            for p in processes:
                p.join(timeout=5)
                if p.is_alive():
                    p.kill()
            return
        self.pool.shutdown(wait=True, cancel_futures=True)


class DaskExecutor:
    """A Dask distributed client, on an existing scheduler or a local cluster."""

    name = "dask"

    def __init__(self, problem: Problem, scheduler: str | None = None, n_workers: int | None = None):
        try:
            from distributed import Client, LocalCluster
        except ImportError:
            raise HydroError("Dask execution needs the 'distributed' package: "
                             "pip install 'hydro[calibration]'") from None
        self.problem = problem
        self.cluster = None
        if scheduler:
            try:
                self.client = Client(scheduler, timeout=f"{CONNECT_TIMEOUT_S}s", set_as_default=False)
            except (OSError, TimeoutError, ValueError) as exc:
                raise HydroError(f"--scheduler {scheduler}: cannot reach the Dask scheduler within "
                                 f"{CONNECT_TIMEOUT_S} s ({type(exc).__name__}: {exc}); check the "
                                 "address (tcp://host:8786) and that the scheduler is running") from None
        else:
            n = int(n_workers or os.cpu_count() or 1)
            if n < 1:
                raise HydroError(f"--dask-workers must be >= 1, got {n_workers}")
            self.cluster = LocalCluster(n_workers=n, threads_per_worker=1, processes=True,
                                        dashboard_address=None, host="127.0.0.1")
            self.client = Client(self.cluster, set_as_default=False)
        info = self.client.scheduler_info()
        self.workers = sum(w.get("nthreads", 1) for w in info.get("workers", {}).values()) or 1
        self._problem_future = self.client.scatter(problem, broadcast=True)

    def map_unordered(self, vectors) -> Iterator[tuple[int, dict]]:
        from distributed import as_completed

        futures = [self.client.submit(evaluate_task, self._problem_future, np.asarray(z, float),
                                      pure=False) for z in vectors]
        index = {f.key: i for i, f in enumerate(futures)}
        try:
            for f in as_completed(futures, loop=self.client.loop):
                yield index[f.key], _result(f.result)
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
