"""A climate-impact review, 2026-12-05 (F5): a watershed run whose weather file starts on the run's first day
(after the basin's start) has no weather before it, so no runoff warm-up (results: runoff_warm_up =
'none: ...'); the stderr note should not say that 'the runoff stores warm up on the weather before'."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import xarray as xr

REPO = Path(__file__).resolve().parents[1]


def test_note_does_not_claim_a_warm_up_without_weather_before(tmp_path):
    basin = tmp_path / "ws"
    shutil.copytree(REPO / "configs" / "examples" / "watershed", basin)
    csv = basin / "weather.csv"
    lines = csv.read_text().splitlines(keepends=True)
    kept = [ln for ln in lines if ln.startswith("#") or ln.startswith("date") or ln[:4] >= "2005"]
    csv.write_text("".join(kept))
    out = tmp_path / "r.nc"
    p = subprocess.run([sys.executable, "-m", "hydro", "run", str(basin), "--start", "2005-01-01",
                        "--end", "2005-03-31", "-o", str(out), "--overwrite", "-q"],
                       capture_output=True, text=True, cwd=REPO)
    assert p.returncode == 0, p.stderr
    warm = xr.open_dataset(out).attrs["runoff_warm_up"]
    assert warm.startswith("none"), warm
    assert "warm up on the weather before" not in p.stderr, p.stderr
    said = "the runoff stores too start from their initial fillings: the weather has no day before 2005-01-01"
    assert said in p.stderr, p.stderr
