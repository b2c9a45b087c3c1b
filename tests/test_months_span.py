"""Kills mutations of hydro.scenarios.summary._months_span: a run from January to mid-year is not
labelled as whole years (the compensate effects' label, review 2026-12-06)."""

from __future__ import annotations

import numpy as np

from hydro.scenarios.summary import _months_span


class _Series:
    def __init__(self, have):  # have: {year: 12 bools}
        self.have = have
        self.sections = ["s"]

    def parameters(self, section):
        return ["tn"]

    def monthly(self, section, parameter, year):
        return np.where(self.have[year], 1.0, np.nan)


def _months(first, last):
    return np.array([first <= m <= last for m in range(1, 13)])


def test_whole_years_are_a_year_span():
    assert _months_span(_Series({2001: _months(1, 12), 2002: _months(1, 12)}), [2001, 2002]) == "2001-2002"
    assert _months_span(_Series({2001: _months(1, 12)}), [2001]) == "2001"


def test_a_run_from_january_to_june_names_its_last_month():
    s = _Series({2001: _months(1, 12), 2002: _months(1, 6)})
    assert _months_span(s, [2001, 2002]) == "2001-01..2002-06"


def test_a_run_from_march_to_december_names_its_first_month():
    s = _Series({2001: _months(3, 12), 2002: _months(1, 12)})
    assert _months_span(s, [2001, 2002]) == "2001-03..2002-12"


def test_no_years_is_none():
    assert _months_span(_Series({}), []) == "none"
