"""``benchmarks/scaling.py --repeat N``: every case run N times (the 100 x 1 reference at least three), each
one's run of least model CPU kept, and the range of its runs printed (no timing: the runs are stubbed)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[1] / "benchmarks"
if str(BENCH) not in sys.path:
    sys.path.insert(0, str(BENCH))

import scaling  # noqa: E402


def _stub(monkeypatch, tmp_path, cpus: dict[int, list[float]]):
    """Basins built as files that name their size; each run of a case takes its next model CPU of ``cpus``."""
    calls: list[int] = []

    def build(folder, reaches, years, mode, shape=None):
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "basin.toml").write_text(f"# {reaches}\n[run]\n")
        return folder / "basin.toml"

    def run_case(basin, out, *args):
        reaches = int(basin.read_text().split()[1])
        out.write_text("")
        if out.name == "warmup.nc":
            return {}
        calls.append(reaches)
        cpu = cpus[reaches][sum(1 for r in calls if r == reaches) - 1]
        return {"model_cpu": cpu, "transport_cpu": cpu / 2, "whole": cpu + 1, "whole_cpu": cpu + 1, "days": 365,
                "cells": reaches, "substeps": 10, "load": 0.01, "kernel_load": 0.3, "peak_rss_mb": 100.0,
                "output_mb": 1.0}

    monkeypatch.setattr(scaling, "build", build)
    monkeypatch.setattr(scaling, "run_case", run_case)
    return calls


def test_repeat_runs_every_case_and_keeps_its_least_model_cpu(monkeypatch, tmp_path, capsys):
    calls = _stub(monkeypatch, tmp_path, {100: [0.2, 0.1, 0.3, 0.4], 300: [0.9, 0.6]})
    monkeypatch.setattr(sys, "argv", ["scaling.py", "--cases", "100:1,300:1", "--repeat", "2", "--json"])
    scaling.main()
    assert calls == [100, 100, 100, 300, 300]  # the reference three times (at least), the other case twice
    out = capsys.readouterr()
    records = {r["name"]: r for r in json.loads(out.out)}
    assert records["scaling_model_cpu_seconds_100r_1y"]["value"] == 0.1
    assert records["scaling_model_cpu_seconds_300r_1y"]["value"] == 0.6
    cost = records["scaling_reach_day_cost_300_vs_100_vs_target"]["value"]
    assert cost == pytest.approx((0.6 / 300) / (0.1 / 100))  # the ratio of the two least runs
    assert "the least of 3 runs, whose model took 0.10-0.30 s CPU" in out.err
    assert "the least of 2 runs, whose model took 0.60-0.90 s CPU" in out.err


def test_without_repeat_the_reference_is_run_three_times_and_the_rest_once(monkeypatch, tmp_path, capsys):
    calls = _stub(monkeypatch, tmp_path, {100: [0.2, 0.1, 0.3], 300: [0.9]})
    monkeypatch.setattr(sys, "argv", ["scaling.py", "--cases", "100:1,300:1", "--json"])
    scaling.main()
    assert calls == [100, 100, 100, 300]
    assert "the least of" not in capsys.readouterr().err.split("300 x")[1]


def test_repeat_below_one_is_refused(monkeypatch, capsys):
    monkeypatch.setattr(sys, "argv", ["scaling.py", "--repeat", "0"])
    with pytest.raises(SystemExit) as exc:
        scaling.main()
    assert exc.value.code == 2
    assert "--repeat: expected a number of runs >= 1, got 0" in capsys.readouterr().err
