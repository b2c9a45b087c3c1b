"""Final review of 18d6671..s43: defects found (these FAIL on s43)."""
from __future__ import annotations

from datetime import date

import pytest

from hydro.calibration.observations import _parse_date
from hydro.dates import not_a_day


@pytest.mark.parametrize("text", ["2013-08-06 20:00:00 UTC", "2013-08-06 20:00 GMT"])
def test_a_time_with_a_named_zone_is_converted_or_refused_not_taken_as_beijing(text):
    # F1: only numeric offsets are recognised; '20:00 UTC' is 7 August in Beijing but is put on 6 August
    assert _parse_date(text, "daily") in (None, date(2013, 8, 7))


@pytest.mark.parametrize("text", ["2015-01-011", "2015-01-0112:00", "2015-01-01 junk"])
def test_text_after_the_day_that_is_no_time_is_refused(text):
    # F2: split_day takes the leading day and the rest is never checked: a typo for 11 January is read as 1 January
    assert _parse_date(text, "daily") is None


def test_a_lower_case_z_offset_is_read_as_the_regex_intends():
    # F3: _OFFSET is IGNORECASE, so 'z' is taken for an offset, but datetime.fromisoformat refuses it: 'not a date'
    assert _parse_date("2013-08-06T20:00:00z", "daily") == date(2013, 8, 7)


def test_a_time_other_than_midnight_is_named_as_such():
    # F4: read_day's docstring says not_a_day names "another time of day"; the message is the generic advice
    msg = not_a_day("2015-01-01 12:00")
    assert "12:00" in msg and ("time" in msg or "midnight" in msg), msg


def test_a_flow_normalised_rule_reads_discharge():
    # F5: used_pairs dropped discharge for every rule; a flow-normalised rule reads it (WRTDS)
    from types import SimpleNamespace

    from hydro.compensation.rules import used_pairs

    rule = SimpleNamespace(sections=["s"], parameters=lambda: ("tn",), statistic="flow_normalised")
    assert used_pairs([rule]) == {("s", "tn"), ("s", "flow")}
    plain = SimpleNamespace(sections=["s"], parameters=lambda: ("tn",), statistic="annual_mean")
    assert used_pairs([plain]) == {("s", "tn")}
