"""Seasonal source timing on runs and blocks that do not start on 1 January (found in review,
2026-12-01): a block of a longer run (the late-start spin-up's run block from 2013-03-01, whose
years index the whole run's) took its first year to start on 1 January, and a run inside one
calendar year had no way to say where it starts; fertiliser at sowing moved by the days missed."""

from __future__ import annotations

import numpy as np
from test_source_timing import calendar_days, subbasin

from hydro.sources import SourceParameters, daily_loads
from hydro.sources.timing import run_day_of_year


def test_a_blocks_first_year_ends_on_31_december_whatever_its_index():
    run_years = np.arange(2000, 2018)
    index = np.concatenate([np.full(306, 13), np.full(365, 14)])  # 2013-03-01..2014-12-31 of 2000-2017
    doy = run_day_of_year(run_years, index)
    assert doy[0] == 60 and doy[305] == 365 and doy[306] == 1


def test_the_first_day_of_year_given_places_a_run_inside_one_year():
    index = np.zeros(214, dtype=np.int64)  # 2013-03-01..2013-09-30
    assert run_day_of_year(np.array([2013]), index)[0] == 1  # inferred: cannot be told
    doy = run_day_of_year(np.array([2013]), index, first_doy=60)
    assert doy[0] == 60 and doy[-1] == 273


def test_fertiliser_of_a_march_to_september_run_falls_on_the_days_of_the_whole_year_run():
    # the leached fertiliser entering the groundwater store follows the sowing months (FERT): a run
    # of March-September must give those days the rates the whole year gives them; before, March
    # was read as January (no fertiliser) and the April-May sowing fell in June-July
    years, season = calendar_days(2013, 1)
    quick, base = 0.5 * season, 0.2 + season
    sub = subbasin(delivery="runoff")
    part = slice(59, 273)  # 1 March to 30 September 2013
    whole = _leached(sub, years, quick, base)
    cut = _leached(sub, years[part], quick[part], base[part], first_doy=60)
    assert whole[59] < whole[120]  # the case is not vacuous: sowing in April-May
    assert np.allclose(cut, whole[part], rtol=1e-12)


def _leached(sub, years, quick, base, first_doy=None):
    """Daily input of leached N to the groundwater store (kg/d) of the one subbasin."""
    _, _, gw = daily_loads(SourceParameters((sub,)), years, quick[:, None], base[:, None], [100.0],
                           first_doy=first_doy)
    return gw.input_kg_per_day[:, 0]
