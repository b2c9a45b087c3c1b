"""The flood season and element water temperature at their edges (a re-read of the session's diff
with mutants, 2026-12-05): each test kills a mutant that tests/test_flood_season.py and
tests/test_water_temperature.py let live (named in its docstring), and a start inside the season
above the flood limit is refused."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest
from test_flood_season import LAKE, SEASON, _table  # the lake of tests/test_flood_season.py

from hydro.errors import HydroError
from hydro.flood_season import in_season
from hydro.network_tables import read_reservoir
from hydro.tomlio import Table
from hydro.watershed_tables import WeatherSettings

ROOT = Path(__file__).resolve().parents[1]


def test_a_season_over_the_new_year_includes_both_ends():
    """Kills F5 (wrap: ``month_day > first``) and F6 (wrap: ``month_day < last``)."""
    days = np.array([1031, 1101, 1102, 130, 131, 201])
    assert in_season(days, (1101, 131)).tolist() == [False, True, True, True, True, False]


def test_a_one_day_season_is_that_day():
    """Kills F1 (``first < last``: a one-day season read as wrapping, every day of the year).
    (Equivalent for basin files, which refuse first == last; not for in_season's own contract.)"""
    assert in_season(np.array([531, 601, 602]), (601, 601)).tolist() == [False, True, False]


@pytest.mark.parametrize("level", [118.0, 120.0])
def test_the_flood_limit_may_equal_the_full_supply_level_and_the_curves_top(level):
    """Kills F12 (``limit >= full_m3``) with 118 m and F14 (``level < level_m[-1]``) with a curve whose
    top is the full supply level."""
    full = {"full_supply_level_m": level}
    r = read_reservoir(_table(flood_limit_level_m=level, flood_season=["06-01", "09-15"], **full))
    assert r.flood_limit_storage_m3 == r.full_supply_storage_m3


def test_the_flood_limit_may_hold_exactly_the_dead_storage_and_lie_at_the_curves_foot():
    """Kills F13 (``limit <= dead_m3``) and F15 (``level_m[0] < level``): 100 m holds 0 m3 = dead storage 0."""
    r = read_reservoir(_table(flood_limit_level_m=100.0, flood_season=["06-01", "09-15"], dead_storage_mcm=0.0))
    assert r.flood_limit_storage_m3 == 0.0


def test_three_days_are_not_a_season():
    """Kills F19 (``len(value) >= 2``: a ValueError, not the named HydroError)."""
    with pytest.raises(HydroError, match="expected two days as text"):
        read_reservoir(_table(flood_limit_level_m=112.0, flood_season=["06-01", "09-15", "10-01"]))


def test_one_key_without_the_other_says_to_give_both():
    """Kills F20 (the 'give both ... or neither' check dropped: the table's own 'missing' error remains)."""
    with pytest.raises(HydroError, match="give both"):
        read_reservoir(_table(flood_season=["06-01", "09-15"]))


def test_a_flow_driven_run_caps_the_lake_at_its_flood_limit_in_the_season():
    """Kills S1 (hydro.simulation.run passing calendar months: a flood season refused / ignored in a
    flow-driven [forcing] basin)."""
    from hydro.basin import Basin
    from hydro.flood_season import in_season as season_of
    from hydro.simulation import run

    basin = Basin.load(ROOT / "configs/examples/tiny", ["reservoirs.lake.flood_limit_level_m=115",
                                                       'reservoirs.lake.flood_season=["06-01","09-15"]'])
    r = run(basin)
    lake = basin.network.reservoirs[0]
    season = season_of(np.array([100 * d.month + d.day for d in r.dates]), (601, 915))
    storage = r.data["reservoir_storage"][:, 0]  # end of each day
    assert storage[season].max() <= lake.flood_limit_storage_m3
    assert storage[~season].max() > 1.5 * lake.flood_limit_storage_m3


def test_a_reservoirs_water_takes_its_surfaces_air():
    """Kills W9 (water_temperatures' reservoir columns without their shift): the lake's own surface, its full supply
    level (10 m, 90 m below the station; its shore's 1,100 m until 2026-12-06)."""
    from hydro.network import Network, Reach, Reservoir
    from hydro.water_temperature import water_temperatures

    lake = Reservoir(id="lake", name="lake", downstream="low", level_m=(0.0, 10.0), area_m2=(1e6, 2e6),
                     storage_m3=(0.0, 1.5e7), full_supply_level_m=10.0, dead_storage_m3=0.0,
                     initial_storage_m3=1e7, target_release_m3_s=(1.0,) * 12, ecological_min_m3_s=0.0)
    low = Reach(id="low", name="low", length_m=10e3, downstream=None, velocity_coeff=0.3, velocity_exp=0.3,
                width_coeff=10.0, width_exp=0.4, dispersion_m2_s=0.0, n_cells=1)
    ws = SimpleNamespace(subbasins=[SimpleNamespace(area_km2=5.0, elevation_m=1100.0, reach=None, reservoir="lake")],
                         weather=WeatherSettings(Path("weather.csv"), 100.0, 40.0, 6.5))
    air = np.array([20.0, 25.0])
    _, res_t = water_temperatures(air, Network((low,), (lake,)), ws)
    np.testing.assert_allclose(res_t[:, 0], 5.0 + 0.75 * (air + 6.5 * 0.09), rtol=1e-14)


def test_the_miyun_lake_is_handed_its_shores_water_temperature():
    """Kills W12 (the pipeline handing the transport the station's water temperature for reservoirs)."""
    from datetime import date, timedelta

    import hydro.pipeline_steps as ps
    from hydro.basin import Basin
    from hydro.pipeline import run_watershed
    from hydro.water_temperature import water_temperatures
    from hydro.watershed import subbasin_weather

    seen = {}
    real = ps.simulate

    def spy(net, tracers, inputs, *args, **kwargs):
        seen["res"] = inputs.res_temp.copy()
        return real(net, tracers, inputs, *args, **kwargs)

    basin = Basin.load("miyun")
    ps.simulate = spy
    try:
        run_watershed(basin, date(2005, 6, 1), date(2005, 6, 30))
    finally:
        ps.simulate = real
    dates = [date(2005, 6, 1) + timedelta(days=k) for k in range(30)]
    air = subbasin_weather(basin.watershed, dates).station_tmean_c
    _, want = water_temperatures(air, basin.network, basin.watershed)
    np.testing.assert_allclose(seen["res"], want, rtol=1e-13)
    # colder than the station's: Miyun's lake surface (157.5 m) 97.5 m above it, 0.475 K colder water; the others more
    assert (np.maximum(0.0, 5.0 + 0.75 * air)[:, None] - seen["res"]).min() > 0.47


def test_accumulate_routing_with_a_withdrawal_caps_the_lake_in_its_season(tmp_path):
    """Kills P1 (pipeline water() handing withdrawn_lateral calendar months under ``routing =
    "accumulate"``: a basin with a flood season and a withdrawal is refused)."""
    from hydro.basin import Basin
    from hydro.flood_season import in_season as season_of
    from hydro.pipeline import run_watershed
    from hydro.validation.problems import synthetic_watershed

    path = synthetic_watershed(tmp_path, n_subbasin=6, n_reservoir=1, years=2)
    text = path.read_text()
    text = text.replace("[run]\n", '[run]\nrouting = "accumulate"\n', 1)
    text = text.replace("full_supply_level_m = 126.0\n", 'full_supply_level_m = 126.0\nflood_limit_level_m = 110.0\n'
                        'flood_season = ["06-01", "09-15"]\n', 1)
    text += '\n[[withdrawals]]\nid = "w"\nreach = "r0"\nflow_m3_s = 0.05\n'
    path.write_text(text)
    basin = Basin.load(path)
    run = run_watershed(basin, basin.settings.start, basin.settings.end)
    lake = basin.network.reservoirs[0]
    season = season_of(np.array([100 * d.month + d.day for d in run.dates]), (601, 915))
    assert run.data["reservoir_storage"][season, 0].max() <= lake.flood_limit_storage_m3

def test_water_still_offers_months_for_existing_callers():
    """D1 (API side): code written against ``pipeline.water(...).months`` breaks; expected: a
    read-only ``months`` (the calendar's months) kept beside ``calendar``, or the callers updated."""
    from datetime import date, timedelta

    from hydro.basin import Basin
    from hydro.pipeline import water
    from hydro.watershed import Watershed, subbasin_weather

    basin = Basin.load("miyun")
    ws = Watershed.from_basin(basin)
    dates = [date(2001, 1, 1) + timedelta(days=k) for k in range(40)]
    w = water(basin, ws, dates, subbasin_weather(ws, dates))
    assert list(w.months) == [d.month for d in dates]


def test_initial_storage_above_the_flood_limit_on_a_start_inside_the_season_is_refused():
    """D2: tiny example, lake initial 90 mcm, flood limit 115 m = 52.5 mcm, run from 1 July (in season):
    s46 loads it and spills 37.5e6 m3 (435 m3/s) on the first day."""
    from hydro.basin import Basin

    with pytest.raises(HydroError, match=r"initial_storage_mcm 90 is above the storage at flood_limit_level_m "
                                         r"\(52\.5 mcm\), and \[run\] start 2020-07-01 lies in its flood season "
                                         r"\(06-01 to 09-15\)"):
        Basin.load(ROOT / "configs/examples/tiny", ["reservoirs.lake.flood_limit_level_m=115",
                                                   'reservoirs.lake.flood_season=["06-01","09-15"]',
                                                   "run.start=2020-07-01"])


# -- a drawdown before the season (a fuzzing review, 2026-12-05: a one-day spill of 308 mcm into a short
# reach needed 175,030 transport sub-steps and stopped the run, the message blaming the inflows' units)
def _lake(drawdown):
    from hydro.network import Reservoir

    return Reservoir(id="lake", name="lake", downstream="below", initial_storage_m3=5e7, flood_limit_level_m=112.0,
                     flood_season=SEASON, flood_drawdown_days=drawdown, **LAKE)


def test_the_cap_falls_by_equal_steps_over_the_drawdown_days():
    from datetime import date, timedelta

    from hydro.flood_season import calendar_days, seasonal_full_storage

    days = [date(2003, 5, 26) + timedelta(days=k) for k in range(8)]  # 26 May .. 2 June
    lake = _lake(4)
    full, limit = lake.full_supply_storage_m3, lake.flood_limit_storage_m3
    cap = seasonal_full_storage([lake], calendar_days(np.array(days, dtype="datetime64[D]"))[1], len(days))[:, 0]
    want = [full, full, limit + (full - limit) * 4 / 5, limit + (full - limit) * 3 / 5,
            limit + (full - limit) * 2 / 5, limit + (full - limit) / 5, limit, limit]
    np.testing.assert_allclose(cap, want, rtol=1e-15)
    no_ramp = seasonal_full_storage([_lake(0)], calendar_days(np.array(days, dtype="datetime64[D]"))[1], 8)[:, 0]
    np.testing.assert_array_equal(no_ramp, [full] * 6 + [limit] * 2)


def test_a_drawdown_spreads_the_season_start_spill(tmp_path):
    from hydro.basin import Basin
    from hydro.pipeline import run_watershed
    from hydro.validation.problems import synthetic_watershed

    spills = {}
    for days in (0, 30):
        path = synthetic_watershed(tmp_path / str(days), n_subbasin=6, n_reservoir=1, years=2)
        path.write_text(path.read_text().replace(
            "full_supply_level_m = 126.0\n", 'full_supply_level_m = 126.0\nflood_limit_level_m = 102.7\n'
            f'flood_season = ["06-01", "09-15"]\nflood_drawdown_days = {days}\n', 1))
        basin = Basin.load(path)
        run = run_watershed(basin, basin.settings.start, basin.settings.end)
        spills[days] = run.data["reservoir_spill"][:, 0]
        lake = basin.network.reservoirs[0]
        assert run.data["reservoir_storage"][:, 0].max() <= lake.full_supply_storage_m3
    assert spills[30].max() < 0.2 * spills[0].max()  # 895 -> 84 m3/s on the synthetic basin (2026-12-05)
    # the same water leaves, earlier: within a tenth (what the days before the season brought)
    assert spills[30].sum() == pytest.approx(spills[0].sum(), rel=0.1)


def test_a_day_with_too_many_sub_steps_names_the_reservoir_that_let_the_water_out():
    from hydro.network import Network, Reach
    from hydro.transport_checks import check_substeps

    below = Reach(id="below", name="below", length_m=2e3, downstream=None, velocity_coeff=0.3, velocity_exp=0.3,
                  width_coeff=10.0, width_exp=0.4, dispersion_m2_s=0.0, n_cells=2)
    net = Network((below,), (_lake(0),))
    q_in = np.full((10, 1), 5.0)
    q_in[6, 0] = 3569.0
    outflow = q_in.copy()
    with pytest.raises(HydroError) as err:
        check_substeps(net, np.array([5] * 6 + [175_030] + [5] * 3), 100_000, None, q_in, outflow)
    said = str(err.value)
    assert "3569 m3/s of it from reservoir 'lake'; its flood season (06-01 to 09-15)" in said
    assert "flood_drawdown_days spreads it" in said and "their unit" not in said


@pytest.mark.parametrize("keys, said", [
    ({"flood_drawdown_days": 10}, "give flood_limit_level_m and flood_season"),
    ({"flood_limit_level_m": 112.0, "flood_season": ["06-01", "09-15"], "flood_drawdown_days": 181}, "at most 180"),
    ({"flood_limit_level_m": 112.0, "flood_season": ["06-01", "09-15"], "flood_drawdown_days": -1}, "flood_drawdown"),
])
def test_drawdown_days_mistakes_are_named(keys, said):
    with pytest.raises(HydroError, match="flood_drawdown_days") as err:
        read_reservoir(_table(**keys))
    assert said in str(err.value)


def test_a_flood_limit_at_exactly_the_dead_storage_level_is_accepted():
    """A flood limit at the level holding exactly the dead storage was refused by round-off ("holds
    14.062 mcm, less than the dead storage (14.062 mcm)"; a fuzzing review, 2026-12-05)."""
    level = [100.0, 105.0, 110.0, 120.0, 130.0]
    storage = [0.0, 18.460841694053435, 43.639110321787314, 102.88273383090231, 174.24561988589065]
    dead = 14.061982492296904
    at_dead = float(np.interp(dead, storage, level))  # 103.80859733411465 m
    assert float(np.interp(at_dead, level, storage)) >= dead  # holds the dead storage in mcm
    t = Table({"id": "lake", "level_m": level, "area_km2": [2.5764863560816207, 4.807850321539753,
               5.263457129553799, 6.5852675722692, 7.687309638728468], "storage_mcm": storage,
               "full_supply_level_m": 125.66306564065938, "dead_storage_mcm": dead, "initial_storage_mcm": 68.0,
               "target_release_m3_s": 4.8744, "flood_limit_level_m": at_dead, "flood_season": ["09-25", "09-26"]},
              "basin.toml", "reservoirs[0]")
    r = read_reservoir(t)  # HydroError: holds 14.062 mcm, less than the dead storage (14.062 mcm)
    assert r.flood_limit_storage_m3 == pytest.approx(dead * 1e6, rel=1e-12)


# -- an operations review (2026-12-05): a later start is checked as the basin's own start is
def _tiny_with_a_flood_season(tmp_path):
    import shutil

    folder = tmp_path / "tiny"
    shutil.copytree(ROOT / "configs/examples/tiny", folder)
    path = folder / "basin.toml"
    text = path.read_text()
    assert text.count("full_supply_level_m = 125.0\n") == 1
    path.write_text(text.replace("full_supply_level_m = 125.0\n", 'full_supply_level_m = 125.0\n'
                                 'flood_limit_level_m = 115.0\nflood_season = ["06-01", "09-15"]\n'))
    return folder


def test_a_later_start_inside_the_season_above_the_flood_limit_is_refused(tmp_path):
    """The tiny example from 1 July spilled the 37.5e6 m3 above its flood limit (435 m3/s) on its first day."""
    import hydro

    model = hydro.Model.from_basin(_tiny_with_a_flood_season(tmp_path))
    with pytest.raises(HydroError, match=r"initial_storage_mcm 90 is above the storage at flood_limit_level_m "
                                         r"\(52\.5 mcm\), and the run's start 2020-07-01 lies in its flood season"):
        model.run(start="2020-07-01", end="2020-07-10")
    assert model.run(start="2020-10-01", end="2020-10-05")["reservoir_spill"].max() < 50.0  # outside: it runs


def test_a_storage_given_for_a_later_watershed_start_inside_the_season_is_refused():
    """Miyun from 2016-07-01 with 3,800 mcm given for that day spilled 8,753 m3/s on it."""
    import hydro

    model = hydro.Model.from_basin("miyun").with_parameters({"reservoirs.miyun.initial_storage_mcm": 3800})
    with pytest.raises(HydroError, match=r"reservoir 'miyun': initial_storage_mcm 3800 is above the storage at "
                                         r"flood_limit_level_m .*the run's start 2016-07-01 lies in its flood season"):
        model.run("2016-07-01", "2016-07-05", apportion=False)


def test_a_drawdown_longer_than_the_gap_between_seasons_is_refused():
    """A cap that never returned to the full supply level (the tiny lake topped out at 122 of 145 mcm)."""
    # 03-01 to 12-31: 1 January to 29 February lie between, 60 days on a leap year's calendar
    with pytest.raises(HydroError, match=r"flood_drawdown_days.*longer than the 60 days between the season's end "
                                         r"\(12-31\) and its next start \(03-01\)"):
        read_reservoir(_table(flood_limit_level_m=112.0, flood_season=["03-01", "12-31"], flood_drawdown_days=61))
    assert read_reservoir(_table(flood_limit_level_m=112.0, flood_season=["03-01", "12-31"],
                                 flood_drawdown_days=60)).flood_drawdown_days == 60


def test_hydro_info_shows_a_reservoirs_flood_season():
    """An operations review (2026-12-05): `hydro info` named the reservoirs and nothing of their season."""
    from cli_invoke import invoke

    shown = invoke("info", "miyun")
    assert shown.exit_code == 0, shown.output
    line = "    miyun: flood limit 152 m, 06-01 to 09-15 (full supply 157.5 m; 30 days' drawdown before)\n"
    assert line in shown.output
    assert "yunzhou: flood limit" not in shown.output  # no season: no line


def test_a_start_on_the_drawdown_above_that_days_cap_is_refused():
    """A start inside the drawdown before the season was checked against the full supply storage: tiny's lake at
    90 mcm from 30 May with a 10-day drawdown to a 52.5 mcm flood limit spilled the part above the 30 May cap
    on the first day.  The check takes that day's cap; a start before the drawdown loads."""
    from hydro.basin import Basin

    keys = ["reservoirs.lake.flood_limit_level_m=115", 'reservoirs.lake.flood_season=["06-01","09-15"]',
            "reservoirs.lake.flood_drawdown_days=10"]
    with pytest.raises(HydroError, match=r"initial_storage_mcm 90 is above [0-9.]+ mcm, the cap on \[run\] start "
                                         r"2020-05-30, day 2 before its flood season \(06-01 to 09-15\), as "
                                         r"flood_drawdown_days = 10 lowers it"):
        Basin.load(ROOT / "configs/examples/tiny", [*keys, "run.start=2020-05-30"])
    Basin.load(ROOT / "configs/examples/tiny", [*keys, "run.start=2020-05-20"])  # 12 days before: the full cap


def test_a_misspelt_flood_limit_key_is_named():
    """A typo of flood_limit_level_m beside flood_season: the message names the key the table has (error-message
    review, 2026-12-06: it said only that the level was missing)."""
    with pytest.raises(HydroError, match="the table has 'flood_limit_levl_m': is that it, misspelt"):
        read_reservoir(_table(flood_limit_levl_m=112.0, flood_season=["06-01", "09-15"]))
