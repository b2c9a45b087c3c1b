"""An aborted pool's manager thread ends even when a killed worker left half a result in the pipe
(review of 2026-12-04: `hydro scenarios --workers 2` hung at exit after Ctrl-C, 2 times in 13: the
thread waited for the rest of a 173 MB result, and Python joins it at exit)."""

from __future__ import annotations

import os
import struct
import time
from concurrent.futures import ProcessPoolExecutor

from hydro.pools import shutdown_pool


def _nap(seconds: float) -> float:
    time.sleep(seconds)
    return seconds


def test_abort_ends_the_manager_thread_blocked_on_half_a_result():
    pool = ProcessPoolExecutor(max_workers=1)
    future = pool.submit(_nap, 30.0)  # a worker busy, the manager thread running
    time.sleep(0.5)
    thread = pool._executor_manager_thread
    # what a worker killed mid-send leaves: a header announcing 1,000,000 bytes, 10 of them sent
    os.write(pool._result_queue._writer.fileno(), struct.pack("!i", 1_000_000) + b"x" * 10)
    time.sleep(0.5)
    assert thread.is_alive()  # waiting for the rest
    started = time.monotonic()
    shutdown_pool(pool, abort=True)
    thread.join(timeout=10)
    assert not thread.is_alive(), "the manager thread still waits: Python would hang at exit"
    assert time.monotonic() - started < 10
    assert future.done()
