"""A results file says which parts of its transfer series are estimates, as the files' headers do (data
review, 2026-12-06: Miyun's supply for 2000-2013 and 2017-2027 is ESTIMATE, and no attribute said so)."""

from __future__ import annotations

from datetime import date

import pytest

from hydro.basin import Basin
from hydro.run_attributes import id_values
from hydro.transfer_estimates import DAYS, estimated_parts
from hydro.transfers import read_transfers, series_dates


def test_miyun_s_supply_marks_its_estimated_years_and_not_its_published_ones():
    attrs = read_transfers(Basin.load("basins/miyun/basin.toml"),
                           series_dates(date(2014, 1, 1), date(2014, 1, 31))).attributes()
    parts = {k: v.split("|") for k, v in id_values(attrs["transfer_estimated"]).items()}
    supply = parts["miyun_supply"]
    assert supply[0] == DAYS  # each year's volume spread over its days: the header's ESTIMATE
    assert {str(y) for y in range(2000, 2014)} <= set(supply) and {str(y) for y in range(2017, 2028)} <= set(supply)
    assert not {"2014", "2015", "2016"} & set(supply)  # published by year (SOURCES)
    assert "2003-03-01..2003-03-31" in parts["baihebao_to_miyun"]  # 40e6 m3 published, spread evenly: ESTIMATE


@pytest.mark.parametrize("header, expected", [
    ("# a series\n#   2014: 1 m3 (published)\n#   2015: 2 m3 (ESTIMATE: half)\n", ("2015",)),
    ("# ESTIMATE spread over the days\n#   2014: 1 m3 (published)\n", (DAYS,)),
    ("# x\n#   2020-04-20..2020-05-12: 1 m3 published\n#   (ESTIMATE: the spreading).\n", ("2020-04-20..2020-05-12",)),
    ("# x\n#   2005-10-17..11-05: 60e6 m3, published\n", ()),
    ("", ()),
])
def test_the_header_s_periods_and_its_own_text(tmp_path, header, expected):
    path = tmp_path / "s.csv"
    path.write_text(header + "date,flow_m3_s\n2014-01-01,1.0\n", encoding="utf-8")
    assert estimated_parts(path) == expected


def test_a_year_to_a_day_line_is_a_period_of_its_own(tmp_path):
    """``#   2016 to 2016-11-09: ...`` (Miyun's supply header) was read as the line above's continuation, so its
    ESTIMATE marked that other period (docs review, 2026-12-06)."""
    f = tmp_path / "t.csv"
    f.write_text("# volumes\n"
                 "#   2015: 1.22e8 m3 (published)\n"
                 "#   2016 to 2016-11-09: 0.51e8 m3 (news; ESTIMATE: to the day before the item)\n"
                 "date,m3\n2015-01-01,1\n", encoding="utf-8")
    assert estimated_parts(f) == ("2016 to 2016-11-09",)
