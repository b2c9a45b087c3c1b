"""Progress of long work (ensembles, scenario batches, calibration) on stderr.

One class, :class:`Progress`: a bar with the count, the rate, the time elapsed
and left, and an optional status text (e.g. the best objective), redrawn in place
on a terminal at most every ``interval`` seconds, printed every tenth of the way
otherwise; silent when ``quiet``.
"""

from __future__ import annotations

import sys
import time


def clock(seconds: float) -> str:
    """``m:ss`` or ``h:mm:ss`` for a duration in seconds ("?" when unknown)."""
    if seconds != seconds:  # NaN
        return "?"
    seconds = max(0, int(round(seconds)))
    h, rest = divmod(seconds, 3600)
    m, s = divmod(rest, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"


#: Least time over which the rate is measured before the time left is estimated, s.
MIN_SPAN_S = 1.0


class Progress:
    """A progress bar for ``total`` steps.

    Parameters
    ----------
    total : int
        Number of steps planned (an upper bound where the work may stop early).
    label : str
        What is counted (``"members"``, ``"evaluations"``).
    done : int
        Steps already done (e.g. stored evaluations when resuming).
    quiet : bool
        Print nothing.
    stream : file, optional
        Where to write (default ``sys.stderr``).
    interval : float
        Least time between two redraws on a terminal, s.
    """

    def __init__(self, total: int, label: str, done: int = 0, quiet: bool = False, stream=None,
                 interval: float = 0.2):
        self.total = max(int(total), 1)
        self.label = label
        self.done = int(done)
        self.start_done = int(done)
        self.quiet = quiet
        self.stream = stream or sys.stderr
        self.interval = interval
        self.status = ""
        self.start = time.perf_counter()
        self._tty = hasattr(self.stream, "isatty") and self.stream.isatty()
        self._last_draw = 0.0
        self._last_tenth = -1
        self._first: tuple[float, int] | None = None  # (time, done) at the first update

    def update(self, steps: int = 1, status: str | None = None) -> None:
        """Count ``steps`` more (and replace the status text) and redraw when due."""
        self.done = min(self.done + steps, self.total)
        if self._first is None:  # the rate is measured from here: the start-up (compiling kernels,
            self._first = (time.perf_counter(), self.done)  # starting workers) is no measure of it
        if status is not None:
            self.status = status
        if self.quiet:
            return
        if self._tty:
            now = time.perf_counter()
            if now - self._last_draw >= self.interval or self.done >= self.total:
                self._last_draw = now
                self.stream.write("\r" + self.line() + "\x1b[K")
                self.stream.flush()
        else:
            tenth = 10 * self.done // self.total
            if tenth != self._last_tenth:
                self._last_tenth = tenth
                self.stream.write(self.line() + "\n")
                self.stream.flush()

    def line(self) -> str:
        """The current progress line."""
        now = time.perf_counter()
        elapsed = now - self.start
        # Rate and time left from the steps after the first one, once they span MIN_SPAN_S: the
        # first step carries the start-up (kernels compiling, workers starting), which inflated
        # the estimate many times over (a 5-second calibration showed "left ~23:42"), and the
        # burst of results that follows it would deflate it; "?" until the rate is known.
        t0, d0 = self._first if self._first is not None else (now, self.done)
        new, span = self.done - d0, now - t0
        rate = new / span if new > 0 and span >= MIN_SPAN_S else float("nan")
        left = (self.total - self.done) / rate if rate > 0 else float("nan")
        width = 24
        filled = int(width * min(self.done / self.total, 1.0))
        status = f" | {self.status}" if self.status else ""
        shown = "?" if rate != rate else f"{rate:.1f}"
        return (f"[{'#' * filled}{'.' * (width - filled)}] {self.done}/{self.total} {self.label}{status}"
                f" | {shown}/s | elapsed {clock(elapsed)} | left ~{clock(left)}")

    def finish(self, message: str = "") -> None:
        """End the bar (on a terminal) and print ``message`` on its own line."""
        if self.quiet:
            return
        if self._tty:
            self.stream.write("\r" + self.line() + "\x1b[K\n")
        if message:
            self.stream.write(message + "\n")
        self.stream.flush()
