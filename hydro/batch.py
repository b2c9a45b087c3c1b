"""Where the runs of a batch go: this process, local processes or a Dask cluster.

Weather ensembles (``hydro run BASIN --members N``) and scenario batches
(``hydro scenarios``) run their members as independent tasks on the same three
kinds of executor as calibration (:mod:`hydro.calibration.executors` runs its
evaluations on these), chosen by the same options:

``serial`` (``--workers 1``)
    One task after the other in this process.
``processes`` (default; ``--workers N``, default one per core)
    A :class:`concurrent.futures.ProcessPoolExecutor` started by ``fork`` while
    this process runs one thread (``forkserver`` otherwise); its workers run
    :func:`hydro.outputs.worker_init`: they leave Ctrl-C to the parent and die
    with it (no orphans, even after ``kill -9`` of the parent).
``dask`` (``--scheduler ADDRESS`` or ``--dask-workers N``)
    A :class:`distributed.Client` on a running scheduler, or on a
    :class:`distributed.LocalCluster` of N one-thread worker processes that it
    starts and stops.  Workers of an existing cluster must import the same
    ``hydro`` and see the basin files at the same paths.

A task is a module-level function and its argument (both pickled); it returns a
*reduced* result (an ensemble member's chosen variables, aggregated as the
output asks: :func:`hydro.outputspec.reduce`), never a whole run.
:meth:`Executor.run` yields ``(index, TaskOutcome)`` as tasks finish: a task that
raises (or whose worker dies) gives an outcome with ``error`` set and the batch
goes on; the caller reports the failures and ends with :data:`EXIT_PARTIAL`.

Tests only: ``HYDRO_TEST_FAIL_TASKS=1,3`` makes the batch tasks with these indices
raise (see :func:`maybe_fail`).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from hydro.errors import HydroError
from hydro.pools import shutdown_pool

#: Exit status of a batch command when some (not all) members failed; the file is
#: written without them (see docs/commands/run.md).
EXIT_PARTIAL = 3

#: Environment variable (tests only): comma-separated task indices that raise.
FAIL_ENV = "HYDRO_TEST_FAIL_TASKS"

#: Seconds allowed to connect to a scheduler.
CONNECT_TIMEOUT_S = 10


@dataclass
class TaskOutcome:
    """What one task gave: its ``value``, or the ``error`` (one line) that stopped it."""

    value: Any = None
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


class BatchFailed(HydroError):
    """Every task of a batch failed (nothing to write)."""


def maybe_fail(index: int) -> None:
    """Raise in task ``index`` when :data:`FAIL_ENV` lists it (tests only)."""
    text = os.environ.get(FAIL_ENV, "")
    if text and str(index) in {x.strip() for x in text.split(",")}:
        raise RuntimeError(f"task {index} failed on purpose ({FAIL_ENV})")


def _describe(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0] if text else ''}".rstrip(": ")


def _call(fn: Callable, arg, context=None) -> TaskOutcome:
    try:
        return TaskOutcome(fn(arg) if context is None else fn(context, arg))
    except KeyboardInterrupt:
        raise
    except Exception as exc:  # a failed member is reported, the batch goes on
        return TaskOutcome(error=_describe(exc))


class SerialExecutor:
    """Tasks one after the other in this process."""

    name = "serial"
    workers = 1

    def run(self, fn: Callable, args: list, context=None) -> Iterator[tuple[int, TaskOutcome]]:
        for i, a in enumerate(args):
            yield i, _call(fn, a, context)

    def share(self, obj):
        """``obj`` as a task ``context`` (see :meth:`DaskExecutor.share`): itself here."""
        return obj

    def close(self, abort: bool = False) -> None:
        pass


class ProcessExecutor:
    """A pool of local worker processes that die with their parent.

    ``setup``, a ``(function, args)`` pair, runs once in each worker as it starts (after
    :func:`hydro.workers.worker_init`), e.g. to build a calibration problem there once.
    """

    name = "processes"

    def __init__(self, workers: int | None = None, setup: tuple[Callable, tuple] | None = None):
        self.workers = int(workers or os.cpu_count() or 1)
        if self.workers < 1:
            raise HydroError(f"--workers must be >= 1, got {workers}")
        self.setup = setup
        self.pool = self._new_pool()

    def _new_pool(self):
        import multiprocessing as mp
        from concurrent.futures import ProcessPoolExecutor

        from hydro.plugins import registered

        method = _start_method()  # a forked worker has its parent's kinds (one defined in __main__ too)
        plugins = ((), (), ()) if method == "fork" else registered()
        return ProcessPoolExecutor(max_workers=self.workers, mp_context=mp.get_context(method),
                                   initializer=_start_worker, initargs=(self.setup, plugins))

    def run(self, fn: Callable, args: list, context=None) -> Iterator[tuple[int, TaskOutcome]]:
        """Yield ``(index, outcome)`` as the tasks finish.  A worker that dies (killed, out of
        memory, a crash in compiled code) breaks the whole pool and every task running in it:
        a new pool is started and those tasks are run again one at a time, so that only the
        task that kills its worker fails and the batch (and the next one) goes on.

        Finished futures arrive through a :class:`queue.SimpleQueue` fed by their callbacks,
        not :func:`concurrent.futures.wait`: ``wait`` takes the lock of every pending future,
        and a Ctrl-C landing while it does so left one taken; the pool's thread then blocked
        on it while shutting down, and the process hung at exit (seen: 1 in about 7 runs of
        tests/test_faults.py's SIGINT case: once in 8 runs on a loaded machine)."""
        import queue
        from concurrent.futures.process import BrokenProcessPool

        self._restart_if_broken()  # by the last task of a run before, or a worker killed meanwhile
        broken: list[int] = []
        futures = {}
        finished: queue.SimpleQueue = queue.SimpleQueue()  # put() takes no Python-level lock
        try:
            for i, a in enumerate(args):
                try:
                    f = self.pool.submit(_call, fn, a, context)
                except BrokenProcessPool:  # broken by a task submitted before
                    broken.append(i)
                    continue
                futures[f] = i
                f.add_done_callback(finished.put)
            while futures:
                f = finished.get()
                i = futures.pop(f)  # drop the future: its result is the caller's now
                if isinstance(f.exception(), BrokenProcessPool):
                    broken.append(i)
                    continue
                yield i, _outcome(f.result)
        finally:
            for f in futures:
                f.cancel()
        for i in sorted(broken):  # one at a time on a new pool: only the culprit fails
            self._restart_if_broken()
            f = self.pool.submit(_call, fn, args[i], context)
            if isinstance(f.exception(), BrokenProcessPool):
                yield i, TaskOutcome(error="its worker process died (killed, out of memory, or a crash in "
                                           "compiled code)")
                continue
            yield i, _outcome(f.result)

    def _restart_if_broken(self) -> None:
        """A new pool in place of one a dead worker broke (every submit to it would fail)."""
        if getattr(self.pool, "_broken", False):
            manager = getattr(self.pool, "_executor_manager_thread", None)
            shutdown_pool(self.pool, abort=True)
            if manager is not None:  # its thread ends, so that the new pool may fork again
                manager.join(timeout=5)
            self.pool = self._new_pool()

    def share(self, obj):
        """``obj`` as a task ``context``: sent (pickled) with every task."""
        return obj

    def close(self, abort: bool = False) -> None:
        """Shut the pool down; ``abort`` (Ctrl-C, SIGTERM) ends running tasks at once."""
        shutdown_pool(self.pool, abort)


def _start_worker(setup: tuple[Callable, tuple] | None, plugins=((), (), ())) -> None:
    """Pool initializer: the signal and parent-death set-up, the kinds the parent registered
    (:mod:`hydro.plugins`), then the pool's ``setup``."""
    from hydro.plugins import install_kinds
    from hydro.workers import worker_init

    worker_init()
    install_kinds(plugins)
    if setup is not None:
        setup[0](*setup[1])


def connect_dask(scheduler: str | None, n_workers: int | None, dashboard_address: str | None = ":0"):
    """A Dask client on ``scheduler``, or on a local cluster of ``n_workers`` processes it starts.

    Shared by the batch and calibration executors.  ``dashboard_address`` of a local
    cluster: ``":0"`` a free port (never a clash with a busy 8787), None none.

    Returns
    -------
    (distributed.Client, distributed.LocalCluster or None)
    """
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise HydroError("--scheduler / --dask-workers need the 'distributed' package: "
                         "pip install 'hydro-tn[calibration]'") from None
    if scheduler:
        _check_address(scheduler)
        try:
            return Client(scheduler, timeout=f"{CONNECT_TIMEOUT_S}s", set_as_default=False), None
        except (OSError, TimeoutError, ValueError) as exc:
            raise HydroError(f"--scheduler {scheduler}: cannot reach the Dask scheduler within "
                             f"{CONNECT_TIMEOUT_S} s ({type(exc).__name__}: {exc}); check the "
                             "address (tcp://host:8786) and that the scheduler is running") from None
    n = int(n_workers or os.cpu_count() or 1)
    if n < 1:
        raise HydroError(f"--dask-workers must be >= 1, got {n_workers}")
    cluster = LocalCluster(n_workers=n, threads_per_worker=1, processes=True,
                           dashboard_address=dashboard_address, host="127.0.0.1")
    return Client(cluster, set_as_default=False), cluster


def _check_address(scheduler: str) -> None:
    """Refuse a malformed scheduler address before a Client is made of it: such a Client
    fails half-built and, at exit, waits 20 s and prints a traceback while it closes."""
    from distributed.comm import get_address_host_port
    from distributed.comm.registry import backends

    scheme = scheduler.split("://", 1)[0] if "://" in scheduler else "tcp"
    try:
        if scheme not in backends:
            raise ValueError(f"unknown scheme '{scheme}'; known: {', '.join(backends)}")
        if scheme in ("tcp", "tls", "ws", "wss"):
            get_address_host_port(scheduler)
    except ValueError as exc:
        raise HydroError(f"--scheduler {scheduler}: not a scheduler address ({exc}); give it as "
                         "tcp://host:8786 (the address the scheduler prints when it starts)") from None


class DaskExecutor:
    """A Dask distributed client on a scheduler, or on a local cluster it starts.

    The processes of a local cluster end when this process dies, even by ``kill -9``
    (:func:`hydro.workers.watch_parent`).
    """

    name = "dask"

    def __init__(self, scheduler: str | None = None, n_workers: int | None = None,
                 dashboard_address: str | None = ":0"):
        from hydro.workers import one_transport_thread, watch_parent

        self.client, self.cluster = connect_dask(scheduler, n_workers, dashboard_address)
        if self.cluster is not None:  # nannies and workers of our own cluster end with this process
            self.client.run(watch_parent, os.getpid(), nanny=True)
            self.client.run(watch_parent, os.getpid())
        self.client.run(one_transport_thread)  # the workers fill the cores
        info = self.client.scheduler_info()
        self.workers = sum(w.get("nthreads", 1) for w in info.get("workers", {}).values()) or 1

    def share(self, obj):
        """``obj`` sent once to every worker (``scatter``), as a task ``context``."""
        return self.client.scatter(obj, broadcast=True)

    def run(self, fn: Callable, args: list, context=None) -> Iterator[tuple[int, TaskOutcome]]:
        """Yield ``(index, outcome)`` of ``fn(arg)`` (``fn(context, arg)`` with a context,
        e.g. from :meth:`share`) as the tasks finish."""
        from distributed import as_completed

        futures = [self.client.submit(_call, fn, a, context, pure=False) for a in args]
        index = {f.key: i for i, f in enumerate(futures)}
        pending = {f.key: f for f in futures}
        del futures
        try:
            for f in as_completed(list(pending.values()), loop=self.client.loop):
                pending.pop(f.key, None)
                outcome = _outcome(f.result)
                f.release()  # the result is the caller's now: free it on the cluster
                yield index[f.key], outcome
        finally:
            self.client.cancel([f for f in pending.values() if not f.done()])

    def close(self, abort: bool = False) -> None:
        self.client.close()
        if self.cluster is not None:
            self.cluster.close()


def _start_method() -> str:
    """``fork`` while this process runs a single thread; ``forkserver`` (or ``spawn``)
    otherwise (forking a multi-threaded process can deadlock)."""
    import multiprocessing as mp
    import threading

    methods = mp.get_all_start_methods()
    if "fork" in methods and threading.active_count() == 1:
        return "fork"
    return "forkserver" if "forkserver" in methods else "spawn"


def _outcome(get) -> TaskOutcome:
    """The task's outcome; a lost worker or a result that cannot come back is a failure."""
    try:
        return get()
    except KeyboardInterrupt:
        raise
    except Exception as exc:  # recorded like a failed member
        return TaskOutcome(error=f"in the executor: {_describe(exc)}")


def make_executor(*, workers: int | None = None, scheduler: str | None = None,
                  dask_workers: int | None = None, tasks: int | None = None,
                  setup: tuple[Callable, tuple] | None = None, dashboard_address: str | None = ":0",
                  what: str = "the batch"):
    """The executor the options ask for: ``--workers 1`` (or a single task) serial,
    ``--scheduler`` / ``--dask-workers`` Dask, otherwise local processes (``workers``,
    default one per core, never more than ``tasks``; ``setup`` run in each as it starts).
    ``what`` names the job in the error for conflicting options."""
    chosen = [name for name, v in (("--workers", workers), ("--scheduler", scheduler),
                                   ("--dask-workers", dask_workers)) if v]
    if len(chosen) > 1:
        raise HydroError(f"{' and '.join(chosen)}: choose one way to run {what}")
    if workers is not None and workers < 1:
        raise HydroError(f"--workers must be >= 1, got {workers}")
    if scheduler or dask_workers:
        return DaskExecutor(scheduler=scheduler, n_workers=dask_workers, dashboard_address=dashboard_address)
    n = int(workers or os.cpu_count() or 1)
    if tasks is not None:
        n = min(n, max(int(tasks), 1))
    if n == 1:
        return SerialExecutor()
    return ProcessExecutor(n, setup)


def run_batch(fn: Callable, args: list, executor=None, progress=None, **options) -> Iterator[tuple[int, TaskOutcome]]:
    """Run ``fn(arg)`` for every ``arg`` on ``executor`` (or one made from ``options``, see
    :func:`make_executor`, and closed at the end); yield ``(index, TaskOutcome)`` as tasks
    finish.  ``progress`` (a :class:`hydro.progress.Progress`) is updated per task.
    On Ctrl-C or SIGTERM running tasks are stopped at once."""
    own = executor is None
    if own:
        executor = make_executor(tasks=len(args), **options)
    aborted = True
    try:
        for i, outcome in executor.run(fn, args):
            if progress is not None:
                progress.update()
            yield i, outcome
        aborted = False
    finally:
        if own:
            executor.close(abort=aborted)


def report_failures(failures: dict, label: str, echo=None) -> None:
    """Print one line per failed task: ``member 3 failed: RuntimeError: ...``."""
    import sys

    echo = echo or (lambda text: print(text, file=sys.stderr))
    for key in sorted(failures, key=str):
        echo(f"{label} {key} failed: {failures[key]}")
