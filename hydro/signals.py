"""Ctrl-C and SIGTERM in a hydro command: every ``finally`` runs, and one line says what stopped.

:func:`handle_signals` makes SIGTERM raise :class:`Terminated` (a :class:`KeyboardInterrupt`) so that
``finally`` blocks run (temporary files of :mod:`hydro.outputs`, worker processes); the command line
turns Ctrl-C into exit status 130 and SIGTERM into 143 with one line.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
from collections.abc import Iterator
from typing import Any


class Terminated(KeyboardInterrupt):
    """Raised in the main thread on SIGTERM (see :func:`handle_signals`)."""


#: The last signal :func:`handle_signals` saw (``signal.SIGINT`` / ``SIGTERM``), or None.
received: int | None = None

#: The process that installed the handlers (forked workers inherit them).
_owner_pid: int | None = None

#: Whether a :func:`handle_signals` block is running (the signal it saw stays in ``received`` after it,
#: for the exit status, but stops nothing more).
_active = False


def _on_signal(signum, frame):
    global received
    if os.getpid() != _owner_pid:
        # a forked worker (an ensemble's process pool) that inherited the handler: end
        # quietly, as SIGTERM would, and leave the message to the parent (no traceback)
        os._exit(128 + signum)
    received = signum
    if signum == signal.SIGTERM:
        raise Terminated()
    raise KeyboardInterrupt()


@contextlib.contextmanager
def handle_signals() -> Iterator[None]:
    """While the block runs (in the main thread), SIGINT raises KeyboardInterrupt and
    SIGTERM raises :class:`Terminated`, so that every ``finally`` (temporary files,
    worker processes) runs; the previous handlers are restored afterwards."""
    global received, _owner_pid, _active
    received = None
    _owner_pid = os.getpid()
    import threading

    if threading.current_thread() is not threading.main_thread():
        yield
        return
    old = {}
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(ValueError, OSError):  # not the main thread / platform
            old[sig] = signal.signal(sig, _on_signal)
    old_hook = threading.excepthook

    def quiet_after_signal(args):
        # once stopping on a signal, a background thread's error (a process pool's
        # manager thread finding its workers gone) is noise, not news
        if received is None:
            old_hook(args)

    old_unraisable = sys.unraisablehook

    def quiet_signal_in_finaliser(args):
        # the signal's exception raised inside a finaliser (__del__) is swallowed by Python, which
        # prints "Exception ignored in ..." and a traceback: the stop itself comes at the next
        # raise_if_signalled, with the command's one line
        if not (received is not None and isinstance(args.exc_value, (KeyboardInterrupt, Terminated))):
            old_unraisable(args)

    threading.excepthook = quiet_after_signal
    sys.unraisablehook = quiet_signal_in_finaliser
    outer, _active = _active, True
    try:
        yield
    finally:
        _active = outer
        if received is None:  # after a signal, keep it quiet until the process exits
            threading.excepthook = old_hook
            sys.unraisablehook = old_unraisable
        for sig, handler in old.items():
            with contextlib.suppress(ValueError, OSError):
                signal.signal(sig, handler)


def raise_if_signalled() -> None:
    """Raise :class:`Terminated` / KeyboardInterrupt if the running :func:`handle_signals` block saw a
    signal (its exception may have been swallowed by library code that catches everything).  Outside
    such a block nothing is raised: a signal that ended an earlier block (a command run from Python)
    does not stop later writes of the same process."""
    if not _active:
        return
    if received == signal.SIGTERM:
        raise Terminated()
    if received == signal.SIGINT:
        raise KeyboardInterrupt()


def exit_status(exc: BaseException | None = None) -> int:
    """130 for Ctrl-C (SIGINT), 143 for SIGTERM."""
    if isinstance(exc, Terminated) or received == signal.SIGTERM:
        return 128 + signal.SIGTERM
    return 128 + signal.SIGINT


@contextlib.contextmanager
def held() -> Iterator[None]:
    """Ctrl-C and SIGTERM held back while the block runs (a few renames), delivered after it: the
    block is never cut in half.

    The signals are caught by a handler that only notes them, and once the block is done the handlers
    that were there before are put back and the signal noted is raised again to them (SIGTERM if both
    came, so the exit status says SIGTERM).  (Masking the signals in this thread is not enough: a
    process-wide signal goes to any thread that does not mask it, and once a run has started the
    native threads of its libraries, Python's handler then still runs in the main thread mid-block.)
    Outside the main thread, where handlers cannot be set, the block runs as it is."""
    import threading

    if threading.current_thread() is not threading.main_thread():
        yield
        return
    noted: set[int] = set()
    old: dict[int, Any] = {}
    try:  # a signal between the two swaps still finds the first put back
        for sig in (signal.SIGINT, signal.SIGTERM):
            if signal.getsignal(sig) is not None:  # None: a handler set outside Python, not to be put back
                old[sig] = signal.signal(sig, lambda signum, frame: noted.add(signum))
        yield
    finally:
        _put_back(old)
        if noted:
            signal.raise_signal(signal.SIGTERM if signal.SIGTERM in noted else signal.SIGINT)


def _put_back(handlers: dict[int, Any]) -> None:
    """Set each signal's handler in ``handlers`` again, all of them even when one that is already back
    raises (a signal arriving between two), then raise what it raised."""
    left, raised = list(handlers.items()), None
    while left:
        try:
            signal.signal(*left[0])  # set again if the signal came after it and before the pop: no harm
            left.pop(0)
        except BaseException as exc:  # re-raised below, once every handler is back
            raised = raised or exc
    if raised is not None:
        raise raised
