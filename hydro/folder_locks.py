"""Locks on folders that processes writing into them share (``flock``; none on Windows or where a file
system lacks it)."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator


@contextlib.contextmanager
def folders_locked(folders) -> Iterator[None]:
    """Hold an exclusive ``flock`` on each folder (in one order: no deadlock) while a group of files is
    renamed into place, so that two processes writing the same pair (``hydro scenarios -o OUT.nc
    --overwrite`` twice at once) put theirs in one after the other: a pair is one run's, never
    ``OUT.nc`` of one and its summary of the other (concurrency review, 2026-12-06).  A file system
    without ``flock`` on folders (some network mounts), or Windows, goes unlocked."""
    try:
        import fcntl
    except ImportError:
        yield
        return
    held_fds = []
    try:
        for folder in sorted({os.path.realpath(f) for f in folders}):
            try:
                fd = os.open(folder, os.O_RDONLY)
            except OSError:
                continue
            held_fds.append(fd)
            with contextlib.suppress(OSError):
                fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        for fd in held_fds:
            os.close(fd)  # closing releases the lock
