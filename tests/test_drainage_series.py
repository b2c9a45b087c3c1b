"""A withdrawal's ``flow_m3_s`` read from a CSV column is bounded by its reach's drainage, as a constant is.

A constant or twelve monthly values in m3 a day are refused at load (:func:`hydro.drainage_checks.
check_drainage`); the same slip in a CSV column ran, the request's ``max_share`` taking 90 % of the
reach's water on every day it asked more (left from the forty-second session).  The column is checked
when a run reads it, by the month: a month's mean above the reach's drainage at 10,000 mm a year.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

import hydro
from hydro.errors import HydroError

ROOT = Path(__file__).resolve().parents[1]
WATERSHED = ROOT / "configs" / "examples" / "watershed"
WITHDRAWAL = ('\n[[withdrawals]]\nid = "irrig"\nreach = "main"\n'
              'flow_m3_s = { csv = "irrigation.csv", column = "flow" }\n')


def _basin(tmp_path: Path, july_flow: float, transfer: str = "") -> Path:
    """The example watershed with a withdrawal from 'main' of 0.5 m3/s, ``july_flow`` in July 2001."""
    dest = tmp_path / "ws"
    shutil.copytree(WATERSHED, dest)
    day, rows = dt.date(2001, 1, 1), []
    while day <= dt.date(2010, 12, 31):  # (the basin's [run] period: a run reads its store climate there)
        rows.append(f"{day},{july_flow if (day.year, day.month) == (2001, 7) else 0.5}")
        day += dt.timedelta(days=1)
    (dest / "irrigation.csv").write_text("date,flow\n" + "\n".join(rows) + "\n", encoding="utf-8")
    (dest / "t.csv").write_text("date,flow_m3_s\n2001-01-01,1.0\n2010-12-31,1.0\n", encoding="utf-8")
    path = dest / "basin.toml"
    path.write_text(path.read_text(encoding="utf-8") + WITHDRAWAL + transfer, encoding="utf-8")
    return dest


def test_a_column_in_m3_a_day_is_refused_naming_the_file_column_and_month(tmp_path):
    """0.5 m3/s written as 43,200 (m3 a day) in July: 'main' drains far less (the example's subbasins above
    it: a few hundred km2, under 100 m3/s at 10,000 mm a year)."""
    model = hydro.Model.from_basin(_basin(tmp_path, 43200.0))
    with pytest.raises(HydroError) as err:
        model.run("2001-01-01", "2001-12-31", apportion=False)
    msg = str(err.value)
    for fragment in ("irrigation.csv", "withdrawal 'irrig'", "column 'flow'", "2001-07", "43200 m3/s",
                     "draining to 'main'", "m3 a day / 86,400"):
        assert fragment in msg, (fragment, msg)


def test_a_column_within_the_drainage_runs(tmp_path):
    """The same column at 2 m3/s in July (a plausible diversion) runs and takes water."""
    ds = hydro.Model.from_basin(_basin(tmp_path, 2.0)).run("2001-01-01", "2001-12-31", apportion=False)
    assert ds.sizes["time"] == 365


def test_a_transfer_into_the_reach_spares_the_column(tmp_path):
    """Water brought from outside into 'main' is not bounded by its drainage, as for a constant."""
    transfer = ('\n[[transfers]]\nid = "pump"\nkind = "inflow"\nreach = "main"\ncsv = "t.csv"\n'
                'tn_mg_per_l = 1.0\n')
    ds = hydro.Model.from_basin(_basin(tmp_path, 43200.0, transfer)).run("2001-01-01", "2001-12-31",
                                                                          apportion=False)
    assert ds.sizes["time"] == 365
