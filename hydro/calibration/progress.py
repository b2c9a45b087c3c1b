"""A one-line progress bar on stderr: evaluations, best loss, elapsed and time left."""

from __future__ import annotations

import sys
import time


def _clock(seconds: float) -> str:
    seconds = max(0, int(round(seconds)))
    h, rest = divmod(seconds, 3600)
    m, s = divmod(rest, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"


class Progress:
    """Redraws one stderr line at most every ``interval`` seconds; silent when ``quiet``.

    Parameters
    ----------
    total : int
        Evaluations planned (an upper bound for DE).
    done : int
        Evaluations already stored (``--resume``).
    quiet : bool
        Draw nothing.
    """

    def __init__(self, total: int, done: int = 0, quiet: bool = False, stream=None,
                 interval: float = 0.2):
        self.total = max(int(total), 1)
        self.done = int(done)
        self.start_done = int(done)
        self.quiet = quiet
        self.stream = stream or sys.stderr
        self.interval = interval
        self.best: float | None = None
        self.failed = 0
        self.t0 = time.perf_counter()
        self._last = 0.0

    def update(self, loss: float | None, failed: bool = False, count: int = 1) -> None:
        """Count ``count`` finished evaluations, the last with ``loss``."""
        self.done += count
        self.failed += int(failed)
        if loss is not None and (self.best is None or loss < self.best):
            self.best = loss
        now = time.perf_counter()
        if now - self._last >= self.interval or self.done >= self.total:
            self._last = now
            self.draw()

    def line(self) -> str:
        """The current progress line."""
        elapsed = time.perf_counter() - self.t0
        new = self.done - self.start_done
        rate = new / elapsed if elapsed > 0 else 0.0
        left = (self.total - self.done) / rate if rate > 0 else float("nan")
        width = 24
        filled = int(width * min(self.done / self.total, 1.0))
        best = "-" if self.best is None else f"{self.best:.4g}"
        eta = _clock(left) if left == left else "?"
        fails = f" | failed {self.failed}" if self.failed else ""
        return (f"[{'#' * filled}{'.' * (width - filled)}] {self.done}/{self.total} evaluations | "
                f"best loss {best}{fails} | {rate:.1f}/s | elapsed {_clock(elapsed)} | left ~{eta}")

    def draw(self) -> None:
        """Redraw the line."""
        if not self.quiet:
            self.stream.write("\r" + self.line() + "\x1b[K")
            self.stream.flush()

    def finish(self, message: str = "") -> None:
        """End the line (and print ``message`` on its own line)."""
        if not self.quiet:
            self.draw()
            self.stream.write("\n" + (message + "\n" if message else ""))
            self.stream.flush()
