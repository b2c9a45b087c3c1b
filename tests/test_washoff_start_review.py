"""A run shorter than a year starts its wash-off stores as a longer one does (review, 2026-12-01).

The wash-off store starts in balance with the build-up of the 365 days from the run's first day
(``hydro.sources.washoff.steady_start``).  A run of fewer days averaged only its own, so its start,
and every later day, depended on where it ended: Miyun and Guanting runs from 2000-01-01 ending
2000-09-30 and 2001-12-31 differed by 1.6e-4 of a subbasin's source input (livestock) from the first
quick flow on.  The build-up is the inventory's (yearly rates, their blend and seasons: no weather),
so it is now taken over the 365 days past a short run's end, for TN's store and the other species'
(``timing.first_days``, ``washoff.washoff_start``, ``washoff.species_start``).

Tests on synthetic flows (the source model alone, Miyun's sources and scenario file) and on the
whole pipeline (``tests/test_store_climate_review.py``).  Tolerances: 1e-12 relative, where the
short run's start sums the same 365 days' build-up as the long run's on a calendar of other years
(the blend's clip check spans the run's years: a rescale by 1 +- a few 1e-16), and to the bit
where a scenario must equal its baseline.
"""

from __future__ import annotations

import time
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pytest

from hydro.model import model_variant
from hydro.scenarios import BasinInfo, ScenarioFile, compile_scenario
from hydro.sources import SourceParameters, daily_loads, point_loads
from hydro.sources.quality import quality_loads
from hydro.sources.quality_table import quality_table_of
from hydro.sources.timing import first_days, run_day_of_year, with_neighbours
from hydro.sources.washoff import washed_fraction, washoff_coefficients
from tests.test_store_nitrification import store_off

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = ROOT / "configs" / "scenarios" / "miyun.toml"
REL = 1e-12
FIRST = date(2013, 9, 1)  # the measures of configs/scenarios/miyun.toml start in 2014, within 365 days


@pytest.fixture(scope="module")
def miyun():
    info = BasinInfo.load("miyun")
    comp = compile_scenario(info, ScenarioFile.from_toml(SCENARIOS), "all_measures", range(2013, 2016))
    base = model_variant(info.path).basin
    scen = model_variant(info.path, comp.overrides).basin
    days = [FIRST + timedelta(k) for k in range((date(2015, 12, 31) - FIRST).days + 1)]
    rng = np.random.default_rng(11)
    n = len(info.ids)
    quick = rng.gamma(0.3, 2.0, (len(days), n)) * (rng.random((len(days), n)) < 0.3)
    pb = SourceParameters.from_subbasin_tables(base.subbasin_tables)
    washed = washed_fraction(quick, washoff_coefficients(pb.subbasins)).mean(axis=0)  # the basin's, not the run's
    ps = SourceParameters.from_subbasin_tables(scen.subbasin_tables)
    return {"table": store_off(quality_table_of(base)), "pb": pb, "ps": ps, "years": np.array([d.year for d in days]),
            "quick": quick, "base": np.full((len(days), n), 0.4), "area": info.area_km2, "washed": washed}


def _run(m, params, n_day):
    """TN and the other species' loads of the first ``n_day`` days from FIRST."""
    years, quick, base = m["years"][:n_day], m["quick"][:n_day], m["base"][:n_day]
    doy = FIRST.timetuple().tm_yday
    stores: dict = {}
    loads, _, _ = daily_loads(params, years, quick, base, m["area"], stores=stores, mean_washed=m["washed"],
                              first_doy=doy)
    points = point_loads(params, years, first_doy=doy)
    q = quality_loads(m["table"], params, years, quick, base, m["area"], loads, points, stores=stores,
                      mean_washed=m["washed"], first_doy=doy)
    return loads, q.diffuse


def _close(short, longer, what):
    n = short.shape[0]
    gap = float(np.max(np.abs(short - longer[:n]) / np.maximum(np.abs(longer[:n]), 1e-9)))
    assert gap < REL, (what, gap)


@pytest.mark.parametrize("n_day", [1, 122, 364])
def test_a_short_runs_loads_are_a_longer_runs_first_days(miyun, n_day):
    # before: 1, 122 and 364 days differed from the long run by 3.5e-4, 2.0e-4, 2.7e-7 (these flows)
    long_tn, long_q = _run(miyun, miyun["pb"], 365 * 2)
    tn, q = _run(miyun, miyun["pb"], n_day)
    _close(tn, long_tn, "tn")
    for sp in q:
        _close(q[sp], long_q[sp], sp)


def test_a_short_scenario_run_before_its_measures_is_its_baseline_to_the_bit(miyun):
    # 122 days, all of 2013; the measures start on 1 January 2014, within the store's 365 days
    tn_b, q_b = _run(miyun, miyun["pb"], 122)
    tn_s, q_s = _run(miyun, miyun["ps"], 122)
    np.testing.assert_array_equal(tn_s, tn_b)
    for sp in q_b:
        np.testing.assert_array_equal(q_s[sp], q_b[sp], err_msg=sp)


def test_a_one_day_run_stays_quick(miyun):
    _run(miyun, miyun["pb"], 1)  # compiled and warm
    t0 = time.perf_counter()
    _run(miyun, miyun["pb"], 1)
    one = time.perf_counter() - t0
    t0 = time.perf_counter()
    _run(miyun, miyun["pb"], 365)
    year = time.perf_counter() - t0
    assert one < max(1.5 * year, 0.5), (one, year)  # the start's 365 days cost no more than a year's run


@pytest.mark.parametrize("year, doy", [(2000, 1), (2000, 275), (2001, 60), (2003, 366 - 1)])
def test_first_days_are_the_365_calendar_days_from_the_first(year, doy):
    years, index, day = first_days((np.array([year]), np.array([0]), np.array([doy])), 365)
    start = date(year, 1, 1) + timedelta(doy - 1)
    dates = [start + timedelta(k) for k in range(365)]
    assert [years[i] for i in index] == [d.year for d in dates]
    assert list(day) == [d.timetuple().tm_yday for d in dates]
    assert years[0] == year - 1 and years[-1] == dates[-1].year + 1  # with the blend's neighbours
    own = [d.year for d in dates]
    uniq, inv = np.unique(own, return_inverse=True)
    np.testing.assert_array_equal(day, run_day_of_year(*with_neighbours(uniq, inv), first_doy=doy))


def test_first_days_keep_a_run_of_a_year_or_more():
    calendar = (np.arange(1999, 2003), np.repeat([1, 2], [366, 365]), np.ones(731, dtype=np.int64))
    assert first_days(calendar, 365) is calendar
