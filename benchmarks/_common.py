"""Shared helpers of the benchmark scripts: timing and the ``--json`` record.

Each benchmark prints a list of ``{"name", "value", "unit", "reference", "ratio"}``
records (the BRIEF's contract); the reference is measured in the same process.
"""

from __future__ import annotations

import json
import sys
import time


def best_time(func, repeat: int = 3) -> float:
    """Smallest wall time (s) of ``repeat`` calls of ``func`` (after one warm-up call)."""
    func()
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        func()
        best = min(best, time.perf_counter() - t0)
    return best


def record(name: str, value: float, unit: str, reference: float | None, ratio: float | None) -> dict:
    """One benchmark result in the BRIEF's ``--json`` shape."""
    return {"name": name, "value": value, "unit": unit, "reference": reference, "ratio": ratio}


def emit(records: list[dict], as_json: bool) -> None:
    """Print the records as JSON (``--json``) or as an aligned table."""
    if as_json:
        json.dump(records, sys.stdout, indent=1)
        print()
        return
    for r in records:
        ref = "" if r["reference"] is None else f"reference {r['reference']:.4g}"
        ratio = "" if r["ratio"] is None else f"ratio {r['ratio']:.3g}"
        print(f"{r['name']:44s} {r['value']:12.4g} {r['unit']:14s} {ref:22s} {ratio}")
