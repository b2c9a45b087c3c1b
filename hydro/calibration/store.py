"""The append-only record of every evaluation (``evaluations.jsonl``) and its CSV copy.

One JSON object per line, appended as soon as an evaluation finishes and
handed to the operating system at once (a ``write``, no ``fsync``), so that a
killed process (Ctrl-C, ``kill -9``, a lost cluster) loses nothing already
evaluated; the file is ``fsync``'ed once per batch (a DE generation, a GLUE or
sensitivity sample) and at least every :data:`SYNC_SECONDS`, so that even a
crash of the machine loses at most that.  Records are only ever appended: a
resumed run cuts a torn last line (the process died mid-write) off the end of
the file and appends after it, so every line written before is kept byte for
byte.  ``evaluations.csv`` is written atomically (whole or not at all).

A record::

    {"id": 17, "key": "0x1.9p+8,...", "z": [...], "params": {"x1": 412.3, ...},
     "status": "ok", "loss": 0.081, "scores": {"calibration": {"q:nse": 0.919}, ...},
     "error": null, "seconds": 0.012, "phase": "search"}

``key`` is the search-space vector written with :meth:`float.hex`: exact, so a
resumed run recognises a vector it has already evaluated bit for bit.
"""

from __future__ import annotations

import contextlib
import csv
import json
import math
import os
import time
from pathlib import Path

import numpy as np

from hydro.errors import HydroError

EVALUATIONS = "evaluations.jsonl"
EVALUATIONS_CSV = "evaluations.csv"
#: Longest time between two fsyncs of the evaluation log while evaluations arrive.
SYNC_SECONDS = 5.0

#: Descriptors of the folders this process holds (:func:`lock_folder`).
_HELD: set[int] = set()


def _drop_held_in_child() -> None:
    """In a process forked from one that holds folders (a pool's worker): close its copies of
    the held descriptors.  A ``flock`` belongs to the open file, which a fork shares, so a
    worker keeping its copy would keep the folder held after its parent died (until the worker
    too had exited, threads and all); closing a copy leaves the parent's hold as it is."""
    for fd in _HELD:
        with contextlib.suppress(OSError):
            os.close(fd)
    _HELD.clear()


if hasattr(os, "register_at_fork"):  # POSIX
    os.register_at_fork(after_in_child=_drop_held_in_child)


def vector_key(z) -> str:
    """Exact text key of a search-space vector."""
    return ",".join(float(v).hex() for v in np.asarray(z, dtype=float).ravel())


def lock_folder(folder: Path) -> int | None:
    """Hold ``folder`` for this run: an exclusive ``flock`` on the folder itself (no file is
    added), so that a second ``hydro calibrate`` on it (the same command in another terminal, a
    job retried while the first still runs) is refused instead of appending to the same log or,
    with ``--overwrite``, deleting it.  The lock goes with the process (even ``kill -9``);
    processes forked from it (a pool's workers) do not share it.

    Returns
    -------
    int or None
        The descriptor to give to :func:`release_folder`; None where the system has no
        ``flock`` for folders (the run goes on unlocked).

    Raises
    ------
    HydroError
        Another process holds the folder.
    """
    try:
        import fcntl
    except ImportError:  # not POSIX
        return None
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        raise HydroError(f"{folder}: another hydro calibrate is running in this folder; wait for it to "
                         "end (--resume then continues it if it was stopped), or choose another output "
                         "folder (-o)") from None
    except OSError:  # a file system without flock (some network mounts): unlocked
        os.close(fd)
        return None
    _HELD.add(fd)
    return fd


def release_folder(fd: int | None) -> None:
    """Release the hold :func:`lock_folder` took (None: nothing to do)."""
    if fd is not None:
        _HELD.discard(fd)
        os.close(fd)


class EvaluationStore:
    """Evaluations of one run: those read back from disk and those added now.

    Parameters
    ----------
    folder : Path
        Output folder.
    resume : bool
        Read the existing file (``--resume``); otherwise the file must not exist.
    """

    def __init__(self, folder: Path, resume: bool):
        self.path = Path(folder) / EVALUATIONS
        self.records: list[dict] = []
        self.by_key: dict[str, dict] = {}
        self._next_id = 0  # one more than the largest id stored (kept as records are added)
        if self.path.exists():
            if not resume:
                raise HydroError(f"{self.path} exists: a run is already stored in {folder}; pass "
                                 "--resume to continue it, or choose another output folder (-o)")
            self._read()
        #: How many records were read back from disk.
        self.n_resumed = len(self.records)
        self._fh = open(self.path, "a", encoding="utf-8")
        self._synced = time.monotonic()
        self._dirty = False
        self._broken = False  # a write failed (a full disk): close without syncing

    def _read(self) -> None:
        with open(self.path, "rb") as fh:
            data = fh.read()
        lines = data.split(b"\n")
        good = 0  # bytes of whole, valid lines: what is kept
        for k, line in enumerate(lines):
            if not line.strip():
                good += len(line) + (k < len(lines) - 1)
                continue
            try:
                rec = json.loads(line)
                if not isinstance(rec, dict) or k == len(lines) - 1:  # no newline: torn
                    raise json.JSONDecodeError("torn", "", 0)
            except (json.JSONDecodeError, UnicodeDecodeError):
                if k >= len(lines) - 2:  # a torn last line from an interrupted write
                    break
                raise HydroError(f"{self.path}: line {k + 1} is not JSON; the file is damaged") from None
            self._add(rec)
            good += len(line) + 1
        if good < len(data):  # cut the torn tail so that appends start on a fresh line
            with open(self.path, "r+b") as fh:
                fh.truncate(good)
                fh.flush()
                os.fsync(fh.fileno())

    def _add(self, rec: dict) -> None:
        self.records.append(rec)
        self._next_id = max(self._next_id, int(rec["id"]) + 1)
        if not rec.get("transient"):  # a lost worker is retried by --resume; a model error is not
            self.by_key[rec["key"]] = rec

    def get(self, z) -> dict | None:
        """The stored record of vector ``z``, if any."""
        return self.by_key.get(vector_key(z))

    def next_id(self) -> int:
        """The first id not used by a stored record: a batch numbers its evaluations from it in the
        order they were proposed (``first + index``), so that the log of one run is the same on every
        executor (review of 2026-12-05, F8: ids followed the order evaluations finished)."""
        return self._next_id  # kept by _add: a max over every record per batch was O(records x batches)

    def append(self, rec: dict) -> dict:
        """Store a record now: written to the operating system before returning (a killed
        process loses nothing), synced to disk by :meth:`sync` (at least every
        :data:`SYNC_SECONDS`).  Its ``id`` is the one ``rec`` carries (:meth:`next_id`), else the
        number of records stored before it."""
        rec = {"id": len(self.records), **rec}
        try:
            line = json.dumps(rec, allow_nan=False, default=_jsonable)
        except ValueError:  # NaN or infinity somewhere: JSON has none, store null
            rec = json_finite(rec)
            line = json.dumps(rec, allow_nan=False, default=_jsonable)
        try:
            self._fh.write(line + "\n")
            self._fh.flush()
        except OSError as exc:  # a full disk: a message, not a traceback (review of 2026-12-04)
            self._broken = True
            raise HydroError(f"{self.path}: storing evaluation {rec['id']} failed ({exc.strerror or exc}); the "
                             f"{len(self.records)} stored before it are kept: free disk space and continue "
                             "with --resume") from None
        self._dirty = True
        self._add(rec)
        if time.monotonic() - self._synced > SYNC_SECONDS:
            self.sync()
        return rec

    def sync(self) -> None:
        """Make every record appended so far durable (``fsync``; once per batch)."""
        if self._dirty and not self._fh.closed:
            self._fh.flush()
            os.fsync(self._fh.fileno())
            self._dirty = False
        self._synced = time.monotonic()

    def close(self) -> None:
        """Sync and close the file (after a failed write, close it only: its error is on its way)."""
        if not self._fh.closed and self._broken:
            with contextlib.suppress(OSError):
                self._fh.close()
        elif not self._fh.closed:
            self.sync()
            self._fh.close()

    def best(self, phase: str | None = None) -> dict | None:
        """The successful record with the smallest loss."""
        ok = [r for r in self.records if r["status"] == "ok" and (phase is None or r.get("phase") == phase)]
        return min(ok, key=lambda r: (r["loss"], r["id"])) if ok else None  # a tie: the first proposed

    def write_csv(self, names: list[str], path: Path | None = None) -> Path:
        """Every evaluation as CSV, in the order of their ids (the order proposed): id, phase, status,
        loss, parameters, scores, error."""
        path = Path(path or self.path.with_name(EVALUATIONS_CSV))
        labels = []
        for r in self.records:
            for period, sc in r.get("scores", {}).items():
                for k in sc:
                    if f"{period}:{k}" not in labels:
                        labels.append(f"{period}:{k}")
        from hydro.outputs import atomic_open

        with atomic_open(path, overwrite=True) as fh:  # whole or not at all
            w = csv.writer(fh)
            w.writerow(["id", "phase", "status", "loss", *names, *labels, "seconds", "error"])
            for r in sorted(self.records, key=lambda r: r["id"]):
                flat = {f"{p}:{k}": v for p, sc in r.get("scores", {}).items() for k, v in sc.items()}
                w.writerow([r["id"], r.get("phase", ""), r["status"], _num(r["loss"]),
                            *[_num(r["params"].get(n)) for n in names],
                            *[_num(flat.get(lab)) for lab in labels], f"{r.get('seconds', 0):.4f}",
                            r.get("error") or ""])
        return path


def _num(v) -> str:
    if v is None:
        return ""
    return repr(float(v)) if math.isfinite(v) else ""


def json_finite(v):
    """Replace non-finite floats (NaN, inf) by None, recursively (JSON has no NaN)."""
    if isinstance(v, dict):
        return {k: json_finite(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [json_finite(x) for x in v]
    if isinstance(v, (float, np.floating)):
        return float(v) if math.isfinite(v) else None
    return v


def _jsonable(v):
    if isinstance(v, (np.floating, np.integer)):
        return v.item()
    if isinstance(v, np.ndarray):
        return v.tolist()
    raise TypeError(f"not JSON serialisable: {type(v).__name__}")
