"""Review of ca5c3ad..s43: a withdrawal's CSV column is bounded by *a calendar month's mean* (docs/basin-file.md,
check_series_drainage's docstring), not by its largest day: a one-day diversion above the bound, within it
over the month, runs.  Kills mutant DR1 (the daily maximum instead of the month's mean), which survived
tests/test_drainage_series.py (its July is at 43,200 every day, so mean and maximum agree)."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

import hydro
from hydro.errors import HydroError

ROOT = Path(hydro.__file__).resolve().parents[1]  # the checkout
WATERSHED = ROOT / "configs" / "examples" / "watershed"
WITHDRAWAL = ('\n[[withdrawals]]\nid = "irrig"\nreach = "main"\n'
              'flow_m3_s = { csv = "irrigation.csv", column = "flow" }\n')


def _basin(tmp_path: Path, spike: float, days: int) -> Path:
    """0.5 m3/s every day, ``spike`` m3/s on the first ``days`` days of July 2001."""
    dest = tmp_path / "ws"
    shutil.copytree(WATERSHED, dest)
    day, rows = dt.date(2001, 1, 1), []
    while day <= dt.date(2010, 12, 31):
        v = spike if (day.year, day.month) == (2001, 7) and day.day <= days else 0.5
        rows.append(f"{day},{v}")
        day += dt.timedelta(days=1)
    (dest / "irrigation.csv").write_text("date,flow\n" + "\n".join(rows) + "\n", encoding="utf-8")
    path = dest / "basin.toml"
    path.write_text(path.read_text(encoding="utf-8") + WITHDRAWAL, encoding="utf-8")
    return dest


def _bound(tmp_path) -> float:
    """The m3/s 'main' can give at 10,000 mm a year (the message of a refused July says it)."""
    model = hydro.Model.from_basin(_basin(tmp_path / "probe", 43200.0, 31))
    with pytest.raises(HydroError) as err:
        model.run("2001-01-01", "2001-12-31", apportion=False)
    import re

    return float(re.search(r"can give \(([0-9.e+]+) m3/s", str(err.value)).group(1))


def test_one_day_above_the_bound_within_it_over_the_month_runs(tmp_path):
    most = _bound(tmp_path)
    spike = 3.0 * most  # one day at three times the bound: the month's mean ~ most / 10
    ds = hydro.Model.from_basin(_basin(tmp_path / "ok", spike, 1)).run("2001-01-01", "2001-12-31",
                                                                          apportion=False)
    assert ds.sizes["time"] == 365
