"""Worker processes of hydro's process pools: how each one starts.

:func:`worker_init` is the initializer every pool passes to its workers
(:mod:`hydro.batch`, :mod:`hydro.calibration.executors`): Ctrl-C is left to the
parent (which stops cleanly, :func:`hydro.signals.handle_signals`), SIGTERM ends
the worker, and a worker ends when its parent dies.  :func:`watch_parent` does the
same for the nannies and workers of a local Dask cluster, which are not our children.
"""

from __future__ import annotations

import os
import signal
import time


def pid_alive(pid: int) -> bool:
    """Whether process ``pid`` exists (one we may not signal counts as alive)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    except OSError:
        return False
    return True


def one_transport_thread() -> None:
    """Run the transport on one thread in this process: a pool's workers already fill the
    cores, so each run's own threads (:data:`hydro.transport.TRANSPORT_THREADS`) would only
    oversubscribe them (measured: Miyun calibration on 2 workers, 1 -> 2 workers 1.6x with
    two threads per run).  Sets the environment for what imports the transport later and
    the module's value if it is imported (a forked worker inherits it)."""
    import sys

    os.environ["HYDRO_TRANSPORT_THREADS"] = "1"
    transport = sys.modules.get("hydro.transport")
    if transport is not None:
        transport.TRANSPORT_THREADS = 1  # type: ignore[attr-defined]


def worker_init() -> None:
    """Initializer of worker processes: leave Ctrl-C to the parent (no worker tracebacks),
    die on SIGTERM, exit when the parent dies (no orphans after ``kill -9``), and run the
    transport on one thread (:func:`one_transport_thread`)."""
    one_transport_thread()
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    parent = os.getppid()
    try:  # Linux: the kernel sends SIGKILL when the parent thread exits
        import ctypes
        import sys

        if sys.platform.startswith("linux"):
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(1, signal.SIGKILL, 0, 0, 0)  # PR_SET_PDEATHSIG
    except Exception:  # any failure: the watchdog below covers every platform
        pass
    if os.getppid() != parent:  # the parent died before prctl took effect
        os._exit(1)
    import threading

    def watchdog():
        while True:
            time.sleep(0.5)
            if os.getppid() != parent:
                os._exit(1)

    threading.Thread(target=watchdog, name="hydro-parent-watchdog", daemon=True).start()


def watch_parent(pid: int) -> None:
    """In a process of a local Dask cluster: exit when process ``pid`` (the batch or calibration)
    is gone.  Linux's parent-death signal covers a nanny at once; a thread polling
    ``pid`` covers the workers (children of the nannies) and other platforms."""
    import sys
    import threading

    if os.getppid() == pid and sys.platform.startswith("linux"):
        try:
            import ctypes

            ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL, 0, 0, 0)  # PR_SET_PDEATHSIG
        except Exception:
            pass

    def watch():
        while pid_alive(pid):
            time.sleep(0.5)
        os._exit(1)

    if not any(t.name == "hydro-cluster-watchdog" for t in threading.enumerate()):
        threading.Thread(target=watch, name="hydro-cluster-watchdog", daemon=True).start()
