"""``benchmarks/dispersion_threshold.py``: its ``--species`` basins carry the shipped basins' constituents,
species and reactions (what "with species" measured: docs/solver.md, "Dispersion every K: the default"),
and a tiny run gives one record of K against 1 (no timing asserted)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[1] / "benchmarks"
if str(BENCH) not in sys.path:
    sys.path.insert(0, str(BENCH))


def test_species_basin_has_miyuns_constituents_and_reactions(tmp_path):
    import dispersion_threshold
    from _common import build

    from hydro.basin import Basin

    path = build(tmp_path / "b", 12, 1, shape="hack")
    dispersion_threshold.with_species(path)
    basin = Basin.load(path)
    miyun = Basin.load("miyun")
    assert [c.name for c in basin.constituents] == [c.name for c in miyun.constituents] == ["tn", "tp", "codmn"]
    assert [s.name for c in basin.constituents for s in c.species] == \
        [s.name for c in miyun.constituents for s in c.species]
    assert sum(len(c.reactions) for c in basin.constituents) == 3
    assert len(basin.network.reaches) == 12


def test_a_tiny_run_gives_one_ratio_record(tmp_path):
    done = subprocess.run([sys.executable, str(BENCH / "dispersion_threshold.py"), "--sizes", "8", "--rounds", "1",
                           "--json"], capture_output=True, text=True, check=True)
    (rec,) = json.loads(done.stdout)
    assert rec["name"] == "dispersion_threshold_whole_cpu_seconds_8r"
    assert rec["ratio"] == rec["value"] / rec["reference"] > 0
    assert "every 7" in done.stderr
