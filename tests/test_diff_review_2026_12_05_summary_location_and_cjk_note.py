"""Review of ca5c3ad..s43, mutant killers: SUM2 (hydro.scenarios.summary._location_series, rewritten as one loop
over the two kinds, returning the first column whatever the id) and STY2 (display_name without its early
return for a drawable id: the missing-font note printed for an id that every font draws) survived."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pytest

from hydro.plotting import style
from hydro.results import Results
from hydro.scenarios.summary import _location_series


def test_the_series_of_each_location_is_its_own_column():
    days = [date(2020, 1, 1) + timedelta(days=k) for k in range(3)]
    sec = np.array([[1.0, 2.0]] * 3)
    res_ = np.array([[7.0, 8.0]] * 3)
    res = Results(coords={"time": days, "section": ["s1", "s2"], "reservoir": ["r1", "r2"]},
                  data={"section_tn_concentration": sec, "reservoir_tn_concentration": res_})
    assert np.all(np.asarray(_location_series(res, "s2")) == 2.0)
    assert np.all(np.asarray(_location_series(res, "r2")) == 8.0)
    assert np.asarray(_location_series(res, "s1")).shape == (3, 1)
    assert _location_series(res, "nowhere") is None


@pytest.fixture
def no_cjk_font(monkeypatch):
    monkeypatch.setattr(style, "can_render", lambda text: all(ch.isascii() for ch in text))
    monkeypatch.setattr(style, "_FONT_NOTED", [])


def test_a_drawable_id_says_nothing_about_fonts(no_cjk_font, capsys):
    assert style.display_name("gubeikou", "古北口") == "gubeikou"
    assert capsys.readouterr().err == ""
