"""Review of transfer series files (issue 13): what a user gets wrong.

- a date in the right form that the calendar lacks (29 February 2001, month 13) is named as such,
  not as a date in the wrong form;
- a value far above any river's flow (m3 written in ``volume_mcm``) is refused at its line, not
  left to the transport, which blamed the reaches' cells.
"""

from __future__ import annotations

from datetime import date

import pytest

from hydro.errors import HydroError
from hydro.series import daily_dates
from hydro.transfers import read_transfer_series

DAYS = daily_dates(date(2001, 1, 1), date(2001, 12, 31))


def series(tmp_path, *lines: str):
    path = tmp_path / "t.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize(("lines", "fragment"), [
    (("date,flow_m3_s", "2001-02-28,1", "2001-02-29,1"), "line 3, column 'date': '2001-02-29' has the form of a "
                                                         "day YYYY-MM-DD but no such day exists (2001-02 has 28 days)"),
    (("date,flow_m3_s", "2001-04-31,1"), "(2001-04 has 30 days)"),
    (("date,volume_mcm", "2001-13,1"), "'2001-13' has the form of a month YYYY-MM but no such month exists "
                                       "(months are 01-12)"),
    (("date,flow_m3_s", "2001-00-10,1"), "(months are 01-12)"),
])
def test_a_date_the_calendar_lacks_is_named_as_such(tmp_path, lines, fragment):
    """Before: "'2001-02-29' is neither a day YYYY-MM-DD nor a month YYYY-MM", which it is."""
    with pytest.raises(HydroError) as e:
        read_transfer_series(series(tmp_path, *lines), DAYS, allow_tn=True)
    assert "t.csv" in str(e.value) and fragment in str(e.value)


def test_a_leap_day_and_wrong_forms_still_read_as_before(tmp_path):
    got = read_transfer_series(series(tmp_path, "date,flow_m3_s", "2004-02-29,1"),
                               daily_dates(date(2004, 2, 1), date(2004, 3, 31)), allow_tn=True)
    assert got.volume_m3 == 86400.0
    with pytest.raises(HydroError, match="'01/06/2001' is neither a day YYYY-MM-DD nor a month YYYY-MM"):
        read_transfer_series(series(tmp_path, "date,flow_m3_s", "01/06/2001,1"), DAYS, allow_tn=True)


@pytest.mark.parametrize(("lines", "fragment"), [
    # 53.913e6 m3 in June written as m3: 2.08e7 m3/s
    (("date,volume_mcm", "2001-05,0", "2001-06,53913000"), "line 3, column 'volume_mcm': 5.3913e+07 is a mean "
                                                           "flow of 2.08e+07 m3/s over the line's 30 day(s)"),
    (("date,flow_m3_s", "2001-06-01,2500000"), "line 2, column 'flow_m3_s': 2.5e+06 is a mean flow"),
])
def test_a_unit_mixup_is_refused_at_its_line(tmp_path, lines, fragment):
    """Before: read, and the run ended in the transport ('would need 118,842,005 sub-steps ... give
    such reaches fewer cells'), naming neither the file nor the unit."""
    with pytest.raises(HydroError) as e:
        read_transfer_series(series(tmp_path, *lines), DAYS, allow_tn=True)
    assert "t.csv" in str(e.value) and fragment in str(e.value) and "check the unit" in str(e.value)


def test_the_largest_real_flows_still_read(tmp_path):
    """The bound is above the greatest floods (1e5 m3/s); a flood release of 1e4 m3/s reads."""
    got = read_transfer_series(series(tmp_path, "date,flow_m3_s", "2001-06-01,10000"), DAYS, allow_tn=False)
    assert got.flow.max() == 1e4
