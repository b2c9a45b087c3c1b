"""Progress of long work (ensembles, scenario batches, calibration) on stderr.

One small class, :class:`Progress`: a bar with the count, an optional status
text (e.g. the best objective) and the time left, redrawn in place on a
terminal and printed every tenth of the way otherwise; silent when ``quiet``.
"""

from __future__ import annotations

import sys
import time


class Progress:
    """A progress bar for ``total`` steps.

    Parameters
    ----------
    total : int
        Number of steps.
    label : str
        What is counted (``"members"``, ``"evaluations"``).
    quiet : bool
        Print nothing.
    stream : file, optional
        Where to write (default ``sys.stderr``).
    """

    def __init__(self, total: int, label: str, quiet: bool = False, stream=None):
        self.total = max(int(total), 1)
        self.label = label
        self.quiet = quiet
        self.stream = stream or sys.stderr
        self.done = 0
        self.start = time.perf_counter()
        self._tty = hasattr(self.stream, "isatty") and self.stream.isatty()
        self._last_tenth = -1

    def update(self, steps: int = 1, status: str = "") -> None:
        """Count ``steps`` more and redraw (with ``status`` appended)."""
        self.done = min(self.done + steps, self.total)
        if self.quiet:
            return
        elapsed = time.perf_counter() - self.start
        left = elapsed / self.done * (self.total - self.done) if self.done else float("nan")
        width = 30
        filled = int(width * self.done / self.total)
        line = (f"[{'#' * filled}{'.' * (width - filled)}] {self.done}/{self.total} {self.label}"
                f"  {elapsed:5.0f} s, ~{left:4.0f} s left" + (f"  {status}" if status else ""))
        if self._tty:
            self.stream.write("\r" + line)
            if self.done == self.total:
                self.stream.write("\n")
        else:
            tenth = 10 * self.done // self.total
            if tenth != self._last_tenth:
                self._last_tenth = tenth
                self.stream.write(line + "\n")
        self.stream.flush()
