"""A date written as YYYY-MM-DD that names no day is refused with what is wrong with it, not with the
format it already has (the researcher's review of 2026-12-04: ``--start 2014-02-30`` was answered
"expected a date YYYY-MM-DD")."""

from __future__ import annotations

import pytest
from cli_invoke import invoke, user_error

import hydro
from hydro.dates import no_such_day
from hydro.errors import HydroError
from hydro.tomlio import Table


@pytest.mark.parametrize(("text", "why"), [("2014-02-30", "February 2014 has 28 days"),
                                           ("2016-02-30", "February 2016 has 29 days"),
                                           ("2014-04-31", "April 2014 has 30 days"),
                                           ("2014-13-01", "there is no month 13 (01-12)"),
                                           ("2014-00-10", "there is no month 0 (01-12)"),
                                           ("2014-01-00", "January 2014 has 31 days"),
                                           ("2014-02-28", ""), ("2014-2-28", ""), ("20140228", "")])
def test_why_a_day_is_no_day(text, why):
    assert no_such_day(text) == why


def test_the_command_line_the_python_api_and_a_toml_string_say_why():
    user_error(invoke("run", "tiny", "--start", "2014-02-30"),
               "--start: '2014-02-30' is no day: February 2014 has 28 days")
    user_error(invoke("run", "tiny", "--end", "2014-2-3"), "--end: expected a date YYYY-MM-DD, got '2014-2-3'")
    with pytest.raises(HydroError, match="start: '2020-02-30' is no day: February 2020 has 29 days"):
        hydro.Model.from_basin("tiny").run("2020-02-30")
    with pytest.raises(HydroError, match="'2015-06-31' is no day: June 2015 has 30 days"):
        Table({"start": "2015-06-31"}, "f.toml").date("start")
