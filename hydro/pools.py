"""Shutting a process pool down, at the end of a batch or at once on Ctrl-C or SIGTERM
(:class:`hydro.batch.ProcessExecutor`)."""

from __future__ import annotations

import contextlib


def shutdown_pool(pool, abort: bool = False) -> None:
    """Shut a ``ProcessPoolExecutor`` down; ``abort`` (Ctrl-C, SIGTERM) terminates the running
    workers at once (then kills any left after 5 s) instead of waiting for their tasks.
    Shared by the batch and calibration executors."""
    if abort:
        processes = list((getattr(pool, "_processes", None) or {}).values())
        results, manager = getattr(pool, "_result_queue", None), getattr(pool, "_executor_manager_thread", None)
        pool.shutdown(wait=False, cancel_futures=True)  # (forgets both)
        for p in processes:
            if p.is_alive():
                p.terminate()
        for p in processes:
            p.join(timeout=5)
            if p.is_alive():
                p.kill()
                p.join(timeout=5)
        _release_result_reader(results, manager)
        return
    pool.shutdown(wait=True, cancel_futures=True)


def _release_result_reader(queue, thread) -> None:
    """After an abort, end the pool's manager thread if a killed worker left half a result in the
    result pipe: the thread waits for the rest of it, which never comes while this process holds the
    pipe's writing end, and Python joins the thread at exit, so a Ctrl-C'd batch hung after saying
    it stopped (2 in 13 tries of `hydro scenarios --workers 2`; review of 2026-12-04).  Closing the
    writing end (every worker is dead: none writes any more) gives the thread end-of-file.  ``queue``
    and ``thread``: the pool's result queue and manager thread, taken before its shutdown forgets them."""
    writer = getattr(queue, "_writer", None)
    if writer is not None:
        with contextlib.suppress(OSError):
            writer.close()
    if thread is not None:
        thread.join(timeout=5)
