"""Review of the shipped transfer series (issue 13): each file's volume by year, summed by an
independent reader (the csv module and the calendar, no hydro code), is what hydro reads
(:func:`hydro.transfers.read_transfer_series`) and what SOURCES.md publishes or states as its
ESTIMATE, year by year.
"""

from __future__ import annotations

import calendar
import csv
from collections import defaultdict
from datetime import date

import pytest

from hydro.basin import ROOT
from hydro.series import daily_dates
from hydro.transfers import read_transfer_series

BASINS = ROOT / "basins"


def by_year(path) -> dict[int, float]:
    """m3 by calendar year: a month's volume or mean flow over its days, a day's flow x 86,400 s."""
    lines = [x for x in path.read_text(encoding="utf-8").splitlines() if x.strip() and not x.startswith("#")]
    out: dict[int, float] = defaultdict(float)
    for row in csv.DictReader(lines):
        y, m = int(row["date"][:4]), int(row["date"][5:7])
        days = calendar.monthrange(y, m)[1] if len(row["date"]) == 7 else 1
        out[y] += float(row["volume_mcm"]) * 1e6 if "volume_mcm" in row else float(row["flow_m3_s"]) * days * 86400
    return dict(out)


#: (basin, file) -> {year: m3} published or the stated ESTIMATE (SOURCES.md 'Transfers and operations',
#: section 17 and the files' headers); the files give flows to 4 decimals: rel 1e-4
EXPECTED = {
    # 2016: 1.91e8 at the stop on 10-26 less 0.53e8; 2017: to 3.64e8 on 11-19, plus 11 of the 499
    # April-November days of 2017-11-20..2019-12-12 that share 0.86e8; 2018, 2019: 244 of them each
    ("miyun", "snwd_miyun_daily.csv"): {2015: 0.53e8, 2016: 1.38e8, 2017: 1.749e8, 2018: 0.4205e8,
                                        2019: 0.4205e8, 2020: 0.5e8},
    ("miyun", "miyun_supply_monthly.csv"): {**dict.fromkeys(range(2000, 2005), 3.5e8),
                                            **dict.fromkeys(range(2005, 2011), 1.9e8), 2011: 3.5e8,
                                            2012: 4.0e8, 2013: 4.0e8, 2014: 6.62e8, 2015: 1.22e8, 2016: 0.70e8,
                                            2017: 0.365e8, 2018: 1.0e8, 2019: 1.0e8 + 4.88e6, 2020: 1.0e8,
                                            # past the record (SOURCES 'Plan period 2021-2027'): the
                                            # 1e8 ESTIMATE, 2021 with the spring trial release 1.87e8
                                            2021: 1.0e8 + 1.87e8, **dict.fromkeys(range(2022, 2028), 1.0e8)},
    ("miyun", "baihebao_release_daily.csv"): {2003: 40e6, 2013: 64e6, 2016: 84e6, 2017: 6e6, 2024: 9.4e6},
    # 2006 published (16e6); 2004-2012 but 2006 and 2009: (1.5e8 since 2004 - 10.22e6 - 16e6) / 7
    ("miyun", "yunzhou_release_daily.csv"): {2006: 16e6, 2009: 10.22e6, 2013: 32.5e6, 2014: 17.5e6,
                                             **dict.fromkeys((2004, 2005, 2007, 2008, 2010, 2011, 2012),
                                                             (1.5e8 - 10.22e6 - 16e6) / 7)},
    # 2021: plan 2.06e8; 2022: delivered 239.159e6; 2023: plan 1.65e8; 2024: delivered 199.991e6
    ("guanting", "yellow_river_monthly.csv"): {2019: 1.60e8, 2021: 2.06e8, 2022: 239.159e6, 2023: 1.65e8,
                                               2024: 199.991e6},
    ("guanting", "guanting_release_daily.csv"): {2007: 0.0, 2008: 0.0, 2020: 1.47e8, 2022: 1.34e8},
}


@pytest.mark.parametrize(("basin", "name"), EXPECTED)
def test_shipped_series_give_the_published_volumes_by_year(basin, name):
    path = BASINS / basin / "transfers" / name
    got = by_year(path)
    assert set(got) == set(EXPECTED[basin, name])
    for year, volume in EXPECTED[basin, name].items():
        assert got[year] == pytest.approx(volume, rel=1e-4, abs=1.0), year
        # hydro reads the same volume (the same numbers summed in another order: rel 1e-12)
        read = read_transfer_series(path, daily_dates(date(year, 1, 1), date(year, 12, 31)), allow_tn=True)
        assert read.volume_m3 == pytest.approx(got[year], rel=1e-12, abs=1e-6), year


def test_cetian_gives_the_published_transfers_on_the_rules_base():
    """Cetian: 0.5 m3/s, the rule's base, in 2000-2002 and in October-November of each transfer
    year outside the transfer; 60e6 m3 over 2005-10-17..11-05 (published), 18e6 over 2010-10-15..31
    and 17.5e6 over 2014-11-05..12-04 (ESTIMATE shares)."""
    path = BASINS / "guanting" / "transfers" / "cetian_release_daily.csv"
    got = by_year(path)
    base = 0.5 * 86400

    def read(a, b):
        return read_transfer_series(path, daily_dates(a, b), allow_tn=False).volume_m3

    assert got[2001] == pytest.approx(365 * base, rel=1e-12)
    assert read(date(2005, 10, 17), date(2005, 11, 5)) == pytest.approx(60e6, rel=1e-4)
    assert got[2005] == pytest.approx(60e6 + (16 + 25) * base, rel=1e-4)
    assert read(date(2010, 10, 15), date(2010, 10, 31)) == pytest.approx(18e6, rel=1e-4)
    assert read(date(2014, 11, 5), date(2014, 12, 4)) == pytest.approx(17.5e6, rel=1e-4)
