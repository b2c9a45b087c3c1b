"""The append-only record of every evaluation (``evaluations.jsonl``) and its CSV copy.

One JSON object per line, written and flushed (and fsync'ed) as soon as an
evaluation finishes, so an interrupted run (Ctrl-C, a killed job, a lost
cluster) loses nothing already evaluated.  A torn last line (the process died
mid-write) is ignored when the file is read back.

A record::

    {"id": 17, "key": "0x1.9p+8,...", "z": [...], "params": {"x1": 412.3, ...},
     "status": "ok", "loss": 0.081, "scores": {"calibration": {"q:nse": 0.919}, ...},
     "error": null, "seconds": 0.012, "phase": "search"}

``key`` is the search-space vector written with :meth:`float.hex`: exact, so a
resumed run recognises a vector it has already evaluated bit for bit.
"""

from __future__ import annotations

import csv
import json
import math
import os
from pathlib import Path

import numpy as np

from hydro.errors import HydroError

EVALUATIONS = "evaluations.jsonl"
EVALUATIONS_CSV = "evaluations.csv"


def vector_key(z) -> str:
    """Exact text key of a search-space vector."""
    return ",".join(float(v).hex() for v in np.asarray(z, dtype=float).ravel())


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
        if self.path.exists():
            if not resume:
                raise HydroError(f"{self.path} exists: a run is already stored in {folder}; pass "
                                 "--resume to continue it, or choose another output folder (-o)")
            self._read()
        #: How many records were read back from disk.
        self.n_resumed = len(self.records)
        self._fh = open(self.path, "a", encoding="utf-8")

    def _read(self) -> None:
        with open(self.path, encoding="utf-8") as fh:
            lines = fh.read().split("\n")
        for k, line in enumerate(lines):
            if not line.strip():
                continue
            try:
                rec = json.loads(line)
            except json.JSONDecodeError:
                if k >= len(lines) - 2:  # a torn last line from an interrupted write
                    continue
                raise HydroError(f"{self.path}: line {k + 1} is not JSON; the file is damaged") from None
            self._add(rec)
        # rewrite without a torn tail so that appends start on a fresh line
        with open(self.path, "w", encoding="utf-8") as fh:
            for rec in self.records:
                fh.write(json.dumps(rec) + "\n")

    def _add(self, rec: dict) -> None:
        self.records.append(rec)
        if not rec.get("transient"):  # a lost worker is retried by --resume; a model error is not
            self.by_key[rec["key"]] = rec

    def get(self, z) -> dict | None:
        """The stored record of vector ``z``, if any."""
        return self.by_key.get(vector_key(z))

    def append(self, rec: dict) -> dict:
        """Store a record now (written, flushed and synced before returning)."""
        rec = _finite({"id": len(self.records), **rec})
        self._fh.write(json.dumps(rec, allow_nan=False, default=_jsonable) + "\n")
        self._fh.flush()
        os.fsync(self._fh.fileno())
        self._add(rec)
        return rec

    def close(self) -> None:
        """Close the file."""
        if not self._fh.closed:
            self._fh.close()

    def best(self, phase: str | None = None) -> dict | None:
        """The successful record with the smallest loss."""
        ok = [r for r in self.records if r["status"] == "ok" and (phase is None or r.get("phase") == phase)]
        return min(ok, key=lambda r: r["loss"]) if ok else None

    def write_csv(self, names: list[str], path: Path | None = None) -> Path:
        """Every evaluation as CSV: id, phase, status, loss, parameters, scores, error."""
        path = Path(path or self.path.with_name(EVALUATIONS_CSV))
        labels = []
        for r in self.records:
            for period, sc in r.get("scores", {}).items():
                for k in sc:
                    if f"{period}:{k}" not in labels:
                        labels.append(f"{period}:{k}")
        with open(path, "w", newline="", encoding="utf-8") as fh:
            w = csv.writer(fh)
            w.writerow(["id", "phase", "status", "loss", *names, *labels, "seconds", "error"])
            for r in self.records:
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


def _finite(v):
    """Replace non-finite floats (NaN, inf) by None, recursively (JSON has no NaN)."""
    if isinstance(v, dict):
        return {k: _finite(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [_finite(x) for x in v]
    if isinstance(v, (float, np.floating)):
        return float(v) if math.isfinite(v) else None
    return v


def _jsonable(v):
    if isinstance(v, (np.floating, np.integer)):
        return v.item()
    if isinstance(v, np.ndarray):
        return v.tolist()
    raise TypeError(f"not JSON serialisable: {type(v).__name__}")
