"""A reservoir's flood-limit level in its flood season (:mod:`hydro.flood_season`).

Layers: the calendar (months and month-days of every day 1999-2025 against ``datetime``), the
season's days (wrapping over the new year), the basin file's keys and their errors, the daily
balance with a seasonal cap (storage never above the day's cap, the excess spilled on the season's
first day, water closing to round-off) under accumulation and Muskingum-Cunge routing, a calendar of
months refused where a season needs days, and whole watershed runs: a cap that never binds changes
nothing bit for bit, one that binds keeps the season's storage at the flood limit, and a run in
yearly blocks equals one block.
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pytest

from hydro.basin import Basin
from hydro.errors import HydroError
from hydro.flood_season import calendar_days, in_season
from hydro.hydraulics import SECONDS_PER_DAY, accumulate
from hydro.network import Network, Reach, Reservoir
from hydro.network_tables import read_reservoir
from hydro.routing import route
from hydro.tomlio import Table

#: The lake of these tests: 1e8 m3 at 120 m, full supply 118 m (8.6e7 m3), flood limit 112 m (4.4e7 m3).
LAKE = dict(level_m=(100.0, 110.0, 120.0), area_m2=(1e6, 5e6, 9e6), storage_m3=(0.0, 3e7, 1e8),
            full_supply_level_m=118.0, dead_storage_m3=2e6, target_release_m3_s=(5.0,) * 12,
            ecological_min_m3_s=1.0)
SEASON = (601, 915)  # Beijing's flood season, 1 June to 15 September (Beijing Emergency Management Bureau)


def _days(first: date, n: int) -> list[date]:
    return [first + timedelta(days=k) for k in range(n)]


# ----------------------------------------------------------------------------- the calendar
def test_calendar_days_match_datetime_on_every_day_of_27_years():
    days = _days(date(1999, 1, 1), 365 * 27 + 7)  # seven leap days: 2000, 2004, ..., 2024
    for given in (np.array(days, dtype="datetime64[D]"), days, np.array(days, dtype="datetime64[s]")):
        months, month_day = calendar_days(given)
        assert months.tolist() == [d.month for d in days]
        assert month_day.tolist() == [100 * d.month + d.day for d in days]


def test_calendar_of_months_alone_has_no_days():
    months, month_day = calendar_days(np.array([1, 2, 12]))
    assert months.tolist() == [1, 2, 12] and month_day is None


def test_season_days_include_both_ends_and_may_run_over_the_new_year():
    days = np.array([531, 601, 915, 916, 1231, 101])
    assert in_season(days, (601, 915)).tolist() == [False, True, True, False, False, False]
    assert in_season(days, (1101, 131)).tolist() == [False, False, False, False, True, True]


# ----------------------------------------------------------------------------- the basin file
def _table(**keys):
    data = {"id": "lake", "level_m": [100.0, 110.0, 120.0], "area_km2": [1.0, 5.0, 9.0],
            "storage_mcm": [0.0, 30.0, 100.0], "full_supply_level_m": 118.0, "dead_storage_mcm": 2.0,
            "initial_storage_mcm": 40.0, "target_release_m3_s": 5.0}
    data.update(keys)
    return Table(data, "basin.toml", "reservoirs[0]")


def test_basin_file_keys_give_the_level_and_the_season():
    r = read_reservoir(_table(flood_limit_level_m=112.0, flood_season=["06-01", "09-15"]))
    assert r.flood_limit_level_m == 112.0 and r.flood_season == SEASON
    assert r.flood_limit_storage_m3 == pytest.approx(3e7 + 0.2 * 7e7, rel=1e-15)  # linear on the curve
    assert r.flood_season_text == "06-01 to 09-15"
    plain = read_reservoir(_table())
    assert plain.flood_season is None and plain.flood_limit_storage_m3 == plain.full_supply_storage_m3


@pytest.mark.parametrize("keys, said", [
    ({"flood_limit_level_m": 112.0}, "key 'reservoirs[0].flood_season': missing"),
    ({"flood_season": ["06-01", "09-15"]}, "key 'reservoirs[0].flood_limit_level_m': missing"),
    ({"flood_limit_level_m": 119.0, "flood_season": ["06-01", "09-15"]}, "is above full_supply_level_m"),
    ({"flood_limit_level_m": 121.0, "flood_season": ["06-01", "09-15"]}, "lies outside the curve"),
    ({"flood_limit_level_m": 100.1, "flood_season": ["06-01", "09-15"]}, "less than the dead storage"),
    ({"flood_limit_level_m": 112.0, "flood_season": ["06-01"]}, "expected two days as text"),
    ({"flood_limit_level_m": 112.0, "flood_season": "06-01 to 09-15"}, "expected two days as text"),
    ({"flood_limit_level_m": 112.0, "flood_season": ["06-31", "09-15"]}, "'06-31' is not a day of the year"),
    ({"flood_limit_level_m": 112.0, "flood_season": ["June 1", "09-15"]}, "'June 1' is not a day of the year"),
    ({"flood_limit_level_m": 112.0, "flood_season": ["06-01", "06-01"]}, "starts on the day it ends"),
])
def test_basin_file_mistakes_are_named(keys, said):
    with pytest.raises(HydroError, match=r"basin\.toml") as err:
        read_reservoir(_table(**keys))
    assert said in str(err.value)


def test_leap_day_is_a_day_of_the_season():
    assert read_reservoir(_table(flood_limit_level_m=112.0, flood_season=["02-29", "09-15"])).flood_season == (229, 915)


# ----------------------------------------------------------------------------- the daily balance
def _network(season=SEASON, initial=8.6e7):
    res = Reservoir(id="lake", name="lake", downstream="below", initial_storage_m3=initial,
                    flood_limit_level_m=112.0 if season else None, flood_season=season, **LAKE)
    reach = Reach(id="below", name="below", length_m=20e3, downstream=None, velocity_coeff=0.3,
                  velocity_exp=0.3, width_coeff=10.0, width_exp=0.4, dispersion_m2_s=0.0, n_cells=1)
    return Network((reach,), (res,))


def _forcing(n_day, seed=3):
    rng = np.random.default_rng(seed)
    return (np.zeros((n_day, 1)), np.zeros((n_day, 1)), rng.gamma(0.6, 12.0, (n_day, 1)),
            rng.uniform(0.0, 5.0, (n_day, 1)), rng.gamma(0.3, 6.0, (n_day, 1)))


def _balance_error(h) -> float:
    """Largest daily water-balance residual of the lake, m3, relative to its storage scale."""
    dv = np.diff(h.res_volume[:, 0])
    gain = (h.res_inflow[:, 0] - h.res_release[:, 0] - h.res_spill[:, 0]) * SECONDS_PER_DAY - h.res_evaporated[:, 0]
    return float(np.abs(dv - gain).max() / 1e8)


@pytest.mark.parametrize("routed", [False, True])
def test_storage_keeps_below_each_days_cap_and_the_excess_spills_on_the_seasons_first_day(routed):
    days = _days(date(2003, 1, 1), 3 * 365)
    lateral, boundary, local, evap, rain = _forcing(len(days))
    net = _network()
    calendar = np.array(days, dtype="datetime64[D]")
    if routed:
        h = route(net, np.array([1e-3]), lateral, boundary, local, evap, rain, calendar)
    else:
        h = accumulate(net, lateral, boundary, local, evap, rain, calendar)
    lake = net.reservoirs[0]
    season = in_season(calendar_days(calendar)[1], SEASON)
    end_of_day = h.res_volume[1:, 0]
    # at most the day's cap (the kernel sets the storage to the cap itself when it spills)
    assert end_of_day[season].max() <= lake.flood_limit_storage_m3
    assert end_of_day[~season].max() <= lake.full_supply_storage_m3
    assert end_of_day[~season].max() > lake.flood_limit_storage_m3 * 1.01  # the cap outside binds higher
    # the season's first day spills what was above the flood limit the evening before, with the day's
    # inflow less its evaporation and release (to 1e-6 m3: round-off of sums of ~1e8 m3)
    for k in np.flatnonzero(season[1:] & ~season[:-1]) + 1:
        above = h.res_volume[k, 0] - lake.flood_limit_storage_m3
        day = (h.res_inflow[k, 0] - h.res_release[k, 0]) * SECONDS_PER_DAY - h.res_evaporated[k, 0]
        assert above > 1e7 and h.res_spill[k, 0] * SECONDS_PER_DAY == pytest.approx(above + day, abs=1e-6)
        assert h.res_volume[k + 1, 0] == lake.flood_limit_storage_m3
    # 1e-12 of the lake's 1e8 m3: a day's balance is a handful of floating operations on ~1e8
    assert _balance_error(h) < 1e-12


def test_a_calendar_of_months_is_refused_where_a_season_needs_days():
    days = _days(date(2003, 1, 1), 40)
    forcing = _forcing(len(days))
    months = np.array([d.month for d in days])
    with pytest.raises(HydroError, match=r"reservoir 'lake' has a flood season \(06-01 to 09-15\): give the days"):
        accumulate(_network(), *forcing, months)
    h_months = accumulate(_network(season=None), *forcing, months)
    h_days = accumulate(_network(season=None), *forcing, np.array(days, dtype="datetime64[D]"))
    np.testing.assert_array_equal(h_days.res_volume, h_months.res_volume)  # no season: the days change nothing


def test_route_checks_a_dated_calendar_like_months():
    days = _days(date(2003, 1, 1), 10)
    with pytest.raises(HydroError, match="integers from 1 to 12 or 10 dates"):
        route(_network(), np.array([1e-3]), *_forcing(len(days)), np.arange(10, dtype=float))


# ----------------------------------------------------------------------------- whole runs
def _watershed(tmp_path, level: float | None, years: int = 2):
    """The synthetic watershed (one reservoir; full supply 126 m = 238 mcm) with a flood limit."""
    from hydro.validation.problems import synthetic_watershed

    path = synthetic_watershed(tmp_path, n_subbasin=6, n_reservoir=1, years=years)
    if level is not None:
        text = path.read_text()
        assert text.count("full_supply_level_m = 126.0\n") == 1
        path.write_text(text.replace("full_supply_level_m = 126.0\n", "full_supply_level_m = 126.0\n"
                                     f'flood_limit_level_m = {level}\nflood_season = ["06-01", "09-15"]\n'))
    return Basin.load(path)


@pytest.fixture(scope="module")
def plain_run(tmp_path_factory):
    from hydro.pipeline import run_watershed

    basin = _watershed(tmp_path_factory.mktemp("plain"), None)
    return run_watershed(basin, basin.settings.start, basin.settings.end)


def test_a_limit_that_never_binds_changes_nothing(tmp_path, plain_run):
    from hydro.pipeline import run_watershed

    storage = plain_run.data["reservoir_storage"]
    high = _watershed(tmp_path, 125.99)
    assert high.network.reservoirs[0].flood_limit_storage_m3 > storage.max()  # the limit is never reached
    run = run_watershed(high, high.settings.start, high.settings.end)
    for name in plain_run.data:
        np.testing.assert_array_equal(run.data[name], plain_run.data[name], err_msg=name)


def test_a_binding_limit_holds_the_seasons_storage(tmp_path, plain_run):
    from hydro.blocked import run_blocks
    from hydro.pipeline import run_watershed

    storage = plain_run.data["reservoir_storage"][:, 0]
    basin = _watershed(tmp_path, 110.0)  # 30 mcm, below the storage of the plain run
    lake = basin.network.reservoirs[0]
    assert storage.min() > lake.flood_limit_storage_m3
    run = run_watershed(basin, basin.settings.start, basin.settings.end)
    season = in_season(np.array([100 * d.month + d.day for d in run.dates]), SEASON)
    held = run.data["reservoir_storage"][:, 0]  # storage at the end of each day
    assert held[season].max() <= lake.flood_limit_storage_m3  # the first day's spill included
    assert held[~season].max() > lake.flood_limit_storage_m3  # it fills again after the season
    assert run.data["reservoir_spill"][season, 0].sum() > plain_run.data["reservoir_spill"][season, 0].sum()
    blocks = list(run_blocks(basin, basin.settings.start, basin.settings.end, 1))
    joined = np.concatenate([b.data["reservoir_storage"] for b in blocks])
    np.testing.assert_array_equal(joined, run.data["reservoir_storage"])  # the blocks carry the calendar
