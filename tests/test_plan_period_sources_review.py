"""Second review of the plan-period transfer figures (issue 13, 2026-12-01).

The rows past 2020 of the shipped transfer series cite their sources in each file's header, but
the ``[[transfers]]`` blocks that load them (what ``hydro info`` and the run files name as the
series' ``reference``) still named only the sources of the rows up to 2020. Here: every source
of a row past 2020 is named in its block's reference, a release block's name says which
plan-period transfer it holds, and the volumes the SOURCES review tables give per year are what
hydro reads from the files.
"""

from __future__ import annotations

from datetime import date

import pytest

from hydro.basin import ROOT
from hydro.series import daily_dates
from hydro.tomlio import load_toml
from hydro.transfers import read_transfer_series

BASINS = ROOT / "basins"

#: (basin, transfer id): publication dates of the sources of its rows past 2020, as each
#: series file's header cites them (basins/*/SOURCES.md 'Plan period 2021-2027')
PLAN_PERIOD_SOURCES = {
    ("guanting", "yellow_river"): ["2021-04-27", "2022-04-19", "2023-01-11", "2023-02-14", "2024-10-01"],
    ("guanting", "cetian_to_guanting"): ["2022-03-29"],
    ("guanting", "guanting_release"): ["2022-09-22"],
    ("miyun", "miyun_supply"): ["2019-06-01", "2022-03-25"],
    ("miyun", "baihebao_to_miyun"): ["2024-02-06"],
}

#: a release block's name says which transfer past 2020 its file holds
PLAN_PERIOD_YEAR_IN_NAME = {
    ("guanting", "cetian_to_guanting"): "2022",
    ("guanting", "guanting_release"): "2022",
    ("miyun", "baihebao_to_miyun"): "2024",
}


def block(basin: str, transfer_id: str) -> dict:
    spec = load_toml(BASINS / basin / "basin.toml")
    (found,) = [t for t in spec["transfers"] if t["id"] == transfer_id]
    return found


@pytest.mark.parametrize(("basin", "transfer_id"), PLAN_PERIOD_SOURCES)
def test_the_block_reference_names_the_sources_of_its_rows_past_2020(basin, transfer_id):
    spec = block(basin, transfer_id)
    header = [x for x in (BASINS / basin / spec["csv"]).read_text(encoding="utf-8").splitlines()
              if x.startswith("#")]
    for day in PLAN_PERIOD_SOURCES[basin, transfer_id]:
        assert any(day in x for x in header), f"{day} is not a source the file cites"
        assert day in spec["reference"], f"{transfer_id}: reference lacks the source of {day}"


@pytest.mark.parametrize(("basin", "transfer_id"), PLAN_PERIOD_YEAR_IN_NAME)
def test_a_release_block_name_says_its_plan_period_transfer(basin, transfer_id):
    assert PLAN_PERIOD_YEAR_IN_NAME[basin, transfer_id] in block(basin, transfer_id)["name"]


#: (basin, file, year, m3) as the SOURCES review tables give the series sums; the files hold
#: monthly volumes to 1e3 m3 and flows to 3-4 decimals, so the sums are good to 1e-5 relative:
#: rel 1e-4 still fails a volume off by one day of its period (>= 0.9 %)
REVIEW_SUMS = [
    ("guanting", "yellow_river_monthly.csv", 2021, 206.001e6),
    ("guanting", "yellow_river_monthly.csv", 2022, 239.159e6),
    ("guanting", "yellow_river_monthly.csv", 2023, 165.0e6),
    ("guanting", "yellow_river_monthly.csv", 2024, 199.992e6),
    ("guanting", "cetian_release_daily.csv", 2022, 10.0e6),
    ("guanting", "guanting_release_daily.csv", 2022, 134.0e6),
    ("miyun", "baihebao_release_daily.csv", 2024, 9.3999e6),
    ("miyun", "miyun_supply_monthly.csv", 2021, 286.998e6),
]


@pytest.mark.parametrize(("basin", "name", "year", "m3"), REVIEW_SUMS)
def test_the_review_tables_give_what_hydro_reads(basin, name, year, m3):
    days = daily_dates(date(year, 1, 1), date(year, 12, 31))
    got = read_transfer_series(BASINS / basin / "transfers" / name, days, allow_tn=True).volume_m3
    assert got == pytest.approx(m3, rel=1e-4)
    text = (BASINS / basin / "SOURCES.md").read_text(encoding="utf-8")
    assert "Review of the plan-period figures (2026-12-01, second pass)" in text
