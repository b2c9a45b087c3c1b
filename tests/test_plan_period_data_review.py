"""Review of the transfer rows past the station record (issue 13, plan period 2021-2027).

The shipped series were extended past 2020 with published volumes and dated plans
(basins/*/SOURCES.md 'Plan period 2021-2027 (issue 13)'). Those rows act only on runs on
generated weather; the shipped validation runs end in 2020 and must not move. Here: the rows up
to 2020 are those of the files before the extension (commit e8f865a, pinned by hash), each
published figure past 2020 is read back by hydro's own reader on its published days, the basin
loader puts each series where SOURCES says, and the 2021 flood-driven release of Miyun is not
imposed on generated weather.
"""

from __future__ import annotations

import hashlib
from datetime import date

import numpy as np
import pytest

from hydro.basin import ROOT, Basin
from hydro.series import daily_dates
from hydro.transfers import read_transfer_series, read_transfers

BASINS = ROOT / "basins"
DAY = 86400.0

#: sha256 (first 16 hex digits) of the data rows dated up to 2020-12-31 of each file as shipped
#: before the plan-period rows (commit e8f865a): what the validation runs (2000-2020) read
UP_TO_2020 = {
    ("miyun", "baihebao_release_daily.csv"): (422, "11af6aa975cd6334"),
    ("miyun", "miyun_supply_monthly.csv"): (252, "3debdd005945b626"),
    ("miyun", "snwd_miyun_daily.csv"): (1814, "36db06c80cfe6b1e"),
    # since 2026-12-02 (the 2006 release as published, 31 days from 10-12): 330, b9e59f52bae4dd76 before
    ("miyun", "yunzhou_release_daily.csv"): (334, "046982b19569ad66"),
    ("guanting", "cetian_release_daily.csv"): (1283, "aa61f4be2e421754"),
    ("guanting", "guanting_release_daily.csv"): (187, "d5f78e96021e6690"),
    ("guanting", "yellow_river_monthly.csv"): (3, "8a5deee89ef452f3"),
}


@pytest.mark.parametrize(("basin", "name"), UP_TO_2020)
def test_rows_up_to_2020_are_those_the_validation_runs_read(basin, name):
    text = (BASINS / basin / "transfers" / name).read_text(encoding="utf-8")
    rows = [x + "\n" for x in text.splitlines() if x[:1].isdigit() and x[:4] <= "2020"]
    n, digest = UP_TO_2020[basin, name]
    assert len(rows) == n
    assert hashlib.sha256("".join(rows).encode()).hexdigest()[:16] == digest


def volume(basin: str, name: str, a: date, b: date) -> float:
    """m3 that hydro reads from a shipped series over a..b (both included)."""
    path = BASINS / basin / "transfers" / name
    return read_transfer_series(path, daily_dates(a, b), allow_tn=True).volume_m3


#: (basin, file, first day, last day, m3, what SOURCES cites); flows are written to 3-4
#: decimals and monthly volumes to 1e3 m3, so rel 1e-4 (a volume off by a day fails: >= 1 %)
PUBLISHED = [
    ("guanting", "yellow_river_monthly.csv", date(2024, 10, 1), date(2024, 12, 31), 1.25e8,
     "autumn 2024, Beijing Daily app 2024-10-01"),
    ("guanting", "yellow_river_monthly.csv", date(2022, 1, 1), date(2022, 12, 31), 239.159e6,
     "2022 delivered, Xinhua 2023-01-11"),
    ("guanting", "yellow_river_monthly.csv", date(2024, 1, 1), date(2024, 12, 31), 199.991e6,
     "2024 delivered, CCTV"),
    ("guanting", "yellow_river_monthly.csv", date(2021, 1, 1), date(2021, 3, 31), 80.93e6 * 90 / 110,
     "80.93e6 over 2021-01-01..04-20, Xinhua 2021-04-27 (Jan-Mar: 90 of its 110 days)"),
    ("guanting", "cetian_release_daily.csv", date(2022, 3, 15), date(2022, 3, 21), 10e6,
     "Cetian 2022-03-15..21, Beijing Daily 2022-03-29"),
    ("guanting", "guanting_release_daily.csv", date(2022, 9, 22), date(2022, 11, 21), 1.34e8,
     "Guanting autumn 2022, China News Service 2022-09-22"),
    ("miyun", "baihebao_release_daily.csv", date(2024, 2, 6), date(2024, 3, 31), 9.4e6,
     "Baihebao 37th transfer, Beijing Youth Daily 2024-02-06"),
    ("miyun", "miyun_supply_monthly.csv", date(2021, 5, 1), date(2021, 5, 31), 1.87e8 * 30 / 31 + 1.0e8 * 31 / 365,
     "the spring trial release 2021-04-30..05-30 (30 of its 31 days in May), Beijing Daily 2022-03-25, "
     "with the 1e8/yr supply ESTIMATE"),
]


@pytest.mark.parametrize(("basin", "name", "a", "b", "m3", "what"), PUBLISHED,
                         ids=[p[-1][:40] for p in PUBLISHED])
def test_published_figures_past_2020_are_read_on_their_days(basin, name, a, b, m3, what):
    assert volume(basin, name, a, b) == pytest.approx(m3, rel=1e-4), what


def test_cetian_and_guanting_follow_their_rules_outside_the_new_rows():
    """Rows are only on the published days: the day before and after each new pulse has none
    (a release series leaves the reservoir's rule on uncovered days)."""
    for name, a, b in [("cetian_release_daily.csv", date(2022, 3, 15), date(2022, 3, 21)),
                       ("guanting_release_daily.csv", date(2022, 9, 22), date(2022, 11, 21))]:
        path = BASINS / "guanting" / "transfers" / name
        days = daily_dates(date(a.year, a.month, a.day - 1), date(b.year, b.month, b.day + 1))
        covered = read_transfer_series(path, days, allow_tn=False).covered
        assert not covered[0] and not covered[-1] and covered[1:-1].all()


def test_the_2021_flood_release_is_not_imposed_on_generated_weather():
    """The >= 10e8 m3 Miyun let out from June 2021 to 2022-03-23 answered the 2021 record flood,
    which generated weather lacks (SOURCES 'Plan period 2021-2027'): over those days the outflow
    series holds only the supply ESTIMATE of 1e8 m3 a year."""
    a, b = date(2021, 6, 1), date(2022, 3, 31)
    got = volume("miyun", "miyun_supply_monthly.csv", a, b)
    assert got == pytest.approx(1.0e8 * ((b - a).days + 1) / 365, rel=1e-4)


@pytest.mark.parametrize("basin", ["miyun", "guanting"])
def test_the_basin_loader_reads_the_plan_period(basin):
    """The shipped basins load with a run in 2023-2024 and put each series where SOURCES says:
    Miyun's outflow 1e8 m3 a year with Baihebao's 2024 transfer and no South-to-North water;
    the Yellow River water into the Sanggan's head reach (2023 plan 1.65e8, 2024 1.99991e8)."""
    dates = daily_dates(date(2023, 1, 1), date(2024, 12, 31))
    b = Basin.load(basin, overrides=["run.start=2023-01-01", "run.end=2024-12-31"])
    tr = read_transfers(b, dates)
    net = b.network
    if basin == "miyun":
        ids = [r.id for r in net.reservoirs]
        miyun, baihebao = ids.index("miyun"), ids.index("baihebao")
        assert np.nansum(tr.release[:, miyun]) * DAY == pytest.approx(2.0e8, rel=1e-4)
        assert np.nansum(tr.release[:, baihebao]) * DAY == pytest.approx(9.4e6, rel=1e-4)
        assert np.isfinite(tr.release[:, baihebao]).sum() == 55
        assert tr.res_inflow.sum() == 0.0   # no South-to-North figure for Miyun past 2020-08-28
    else:
        head = [r.id for r in net.reaches].index("sanggan_head")
        per_year = [tr.reach_inflow[[d.year == y for d in dates], head].sum() * DAY for y in (2023, 2024)]
        assert per_year == pytest.approx([1.65e8, 199.991e6], rel=1e-4)
