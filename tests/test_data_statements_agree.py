"""Statements about the same data agree across READMEs and SOURCES.md (data review, 2026-12-06): the stations'
README said absent GHCN-D days were never taken as dry while the joined forcing files write 0 mm on 740 of
them (an ESTIMATE), and Miyun's SOURCES called the 2018-2023 Hebei outflow (2.762e9 m3) phase 1's."""

from __future__ import annotations

import csv
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _rows(path: Path) -> list[dict[str, str]]:
    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if not line.startswith("#")]
    return list(csv.DictReader(lines))


def test_the_stations_readme_says_what_the_files_do_with_absent_days():
    text = (ROOT / "basins/_stations/README.md").read_text(encoding="utf-8")
    dry = [r for r in _rows(ROOT / "basins/guanting/forcing/dingling_beijing_daily_2000_2017.csv")
           if r["station"] == "bj54511_synop_est0"]
    assert dry and all(r["precip_mm"] == "0.00" for r in dry)
    assert "never as dry" not in text and "bj54511_synop_est0" in text


def test_the_2018_2023_outflow_is_not_called_phase_1_s():
    lines = (ROOT / "basins/miyun/SOURCES.md").read_text(encoding="utf-8").splitlines()
    bad = [i + 1 for i, line in enumerate(lines) if "2.762" in line and "phase 1" in line.lower()
           and "2018 to September 2023" not in line and "2018–2023" not in line]
    assert not bad, f"basins/miyun/SOURCES.md lines {bad}: 2.762e9 m3 is 2018-2023's, phase 1's is 2.48e9"
