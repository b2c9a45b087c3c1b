"""Floods and extreme rain (an outside review, 2026-12-06): a rain the weather reader accepts runs through the
transport, and a day past the sub-step limit is told as a possible flood, not only as short cells or a unit slip."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from hydro.errors import HydroError
from hydro.forcing_csv import MAX_DAILY_PRECIP_MM
from hydro.transport_checks import MAX_SUBSTEPS, check_substeps

EXAMPLE = Path(__file__).resolve().parents[1] / "configs" / "examples" / "watershed"


def test_a_flood_day_at_the_accepted_rain_runs_on_half_kilometre_cells(tmp_path):
    """2,000 mm on one day (the reader's cap) on the example's cells cut to 0.5 km: its first day needed 179,662
    sub-steps against a limit of 100,000, and the run stopped telling of cells far too short and units; the
    count follows the flood's flow against the cells' volume before it (docs/solver.md, 'Sub-steps')."""
    basin = tmp_path / "ws"
    shutil.copytree(EXAMPLE, basin)
    weather = basin / "weather.csv"
    lines = weather.read_text(encoding="utf-8").splitlines(keepends=True)
    day = next(i for i, line in enumerate(lines) if line.startswith("2005-07-21,"))
    parts = lines[day].split(",")
    parts[1] = f"{MAX_DAILY_PRECIP_MM:g}"
    lines[day] = ",".join(parts)
    weather.write_text("".join(lines), encoding="utf-8")
    r = subprocess.run([sys.executable, "-m", "hydro", "run", str(basin / "basin.toml"), "--start", "2005-07-01",
                        "--end", "2005-08-31", "--set", "run.cell_length_km=0.5", "-o", str(tmp_path / "out.nc")],
                       capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr[-2000:]
    most = max(int(n) for n in r.stdout.split("transport sub-steps per day: ")[1].split()[0].split("-"))
    assert 100_000 < most <= MAX_SUBSTEPS, most  # past the old limit, inside the new one


def test_a_day_past_the_limit_with_a_flood_says_it_may_be_one():
    """The refusal named only short cells and a unit slip; a day whose inflow is far above its reach's median
    may be a real flood's first day: the message says so and what lets it through."""
    from test_transport import random_case

    net, _, _ = random_case(1, 3, reservoir=False)
    q_in = np.ones((10, len(net.reaches)))
    q_in[6, 0] = 5_000.0
    with pytest.raises(HydroError) as refused:
        check_substeps(net, np.array([5] * 6 + [2_000_000] + [5] * 3), MAX_SUBSTEPS, None, q_in)
    text = str(refused.value)
    assert "day 7 of the run would need 2,000,000 sub-steps" in text
    assert "a flood's first day on a low river" in text and "a real flood passes on coarser cells" in text
