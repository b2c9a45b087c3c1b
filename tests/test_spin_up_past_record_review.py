"""Runs on generated weather that start past the station record's end are spun up too.

A run on generated weather (an ensemble member, ``--synthetic-weather``, a payment draw) is spun up
on the basin's station record (:func:`hydro.blocked.record_spin_up`).  Where the record ends before
the day before the run's start (the shipped records end 2020-12-31: Guanting's 2023 agreement draws
from 2022, ``--synthetic-weather --start 2023-01-01``), the run was not spun up and started from the
basin file's state for its ``[run] start``.  Now the spin-up runs on the record to its end (shared
by the members) and continues on each member's own generated weather from the day after to the day
before its start, so that each member starts where a continuous run over the record and then its
own weather stands on that day.

The synthetic watershed's station record covers 2001-2003; its reservoir's target release is set
to 0.3 m3/s so that its storage follows the weather (at the file's 3 m3/s it drains to its dead
storage, the same whatever the weather).
"""

from __future__ import annotations

import dataclasses
from datetime import date

import numpy as np
import pytest

from hydro.basin import Basin
from hydro.ensemble import member_weather, weather_generator
from hydro.pipeline import run_watershed
from hydro.runoff_warm_up import START_ATTRIBUTE
from hydro.spin_up import spin_up_plan

START, END = date(2005, 1, 1), date(2005, 3, 31)  # the record ends 2003-12-31: 2004 is generated
FOLLOWS = ["reservoirs.res0.target_release_m3_s=0.3"]

#: A member equals the continuous run to round-off: the same days of weather from the same state,
#: with the same numerics (the routing cells and the transport cells' water of the basin's [run]
#: period on the record, hydro.store_climate, in both: the member's spin-up takes them also where
#: it starts after the basin's [run] end).  What is left is the round-off of carrying the state
#: between the spin-up's blocks (the record's part, the generated part, the run) where the
#: continuous run is one block: 1.1e-16 of the largest reservoir and section TN seen, 0 for the
#: water; 1e-12 leaves room for other machines' summation order.  Until the spin-up took the
#: basin's period's numerics past its [run] end, the TN differed by those numerics: 2.9e-4 of the
#: reservoir TN, 2.4e-3 of the section TN (a basin period ending a year before the record,
#: ``ENDS``; the filed state instead puts the reservoir 3.5 times too full).
WATER = 1e-12
NUMERICS = 1e-12
#: The basin's [run] end: the station record's (the file's), and a year before it (as Miyun's
#: 2017-02-28 on a record to 2020), where the member's spin-up on the record runs past it.
ENDS = ([], ["run.end=2002-12-31"])


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    from hydro.validation.problems import synthetic_watershed

    return synthetic_watershed(tmp_path_factory.mktemp("past-record"), n_subbasin=5, n_reservoir=1, years=3)


def _record(basin):
    from hydro.watershed import Watershed
    from hydro.weather import station_record

    return station_record(Watershed.from_basin(basin).weather.csv)


def _record_then(record, weather):
    """The station record, then ``weather`` from the day after the record's end: weather given (not
    marked synthetic), for a continuous run from the basin's start."""
    k = int(np.flatnonzero(weather.dates == record.dates[-1] + np.timedelta64(1, "D"))[0])
    values = {n: np.concatenate([getattr(record, n), getattr(weather, n)[k:]])
              for n in ("precip_mm", "tmean_c", "tmin_c", "tmax_c")}
    return type(record)(np.concatenate([record.dates, weather.dates[k:]]), **values, metadata={"source": "test"})


def _spliced(weather, other, first: date):
    """``weather`` with ``other``'s values from ``first`` on (both generated over the same days)."""
    k = int(np.flatnonzero(weather.dates == np.datetime64(first))[0])
    values = {n: np.concatenate([getattr(weather, n)[:k], getattr(other, n)[k:]])
              for n in ("precip_mm", "tmean_c", "tmin_c", "tmax_c")}
    return dataclasses.replace(weather, **values)


@pytest.mark.parametrize("end", ENDS, ids=["end-of-record", "end-before-record"])
def test_a_member_past_the_record_starts_where_the_continuous_run_stands(small, counted, end):
    """Each member's days are those of the run from the basin's start over the record and then the
    member's own weather: its first-day reservoir storage, every day's discharge, reservoir and
    section TN to round-off; one spin-up on the record for both members."""
    basin = Basin.load(small, overrides=FOLLOWS + end)
    record, storages = _record(basin), []
    for seed in (5, 6):
        weather = member_weather(basin, START, END, seed)
        member = run_watershed(basin, START, END, weather=weather, constituents=("tn",))
        full = run_watershed(basin, basin.settings.start, END, weather=_record_then(record, weather),
                             constituents=("tn",))
        day = full.dates.index(START)
        for name, tol in (("reservoir_storage", WATER), ("discharge", WATER), ("reservoir_tn_concentration", NUMERICS),
                          ("tn_concentration", NUMERICS)):
            a = full[name][day:]
            np.testing.assert_allclose(member[name], a, rtol=0, atol=tol * float(np.max(np.abs(a))), err_msg=name)
        storages.append(float(member["reservoir_storage"][0, 0]))
        assert member.attrs[START_ATTRIBUTE] == (
            "spun up: the whole model run from the basin's [run] start 2001-01-01 over 2001-01-01..2004-12-31 "
            "on the basin's station record to its end, 2003-12-31, then on the run's own generated weather "
            "from 2004-01-01; the run itself on generated weather")
    assert counted == [START]  # the record's part shared by the members
    filed = basin.network.reservoirs[0].initial_storage_m3
    assert abs(storages[0] - storages[1]) > 1e-3 * storages[0]  # each member's own 2004
    assert all(abs(s - filed) > 0.5 * filed for s in storages)  # not the basin file's 2001 state


def test_members_differ_only_by_their_weather_after_the_record(small, counted):
    """A member's start state depends on its generated weather from the day after the record's end
    on alone: given another member's weather before that day it runs the same to the bit; given
    another member's weather from its start on, it starts from its own 2004 (the continuous run over
    the record, its 2004 and the other's 2005), not from the other's."""
    basin = Basin.load(small, overrides=FOLLOWS)
    five, six = (member_weather(basin, START, END, seed) for seed in (5, 6))
    base = run_watershed(basin, START, END, weather=five, constituents=("tn",))
    before = run_watershed(basin, START, END, weather=_spliced(six, five, date(2004, 1, 1)), constituents=("tn",))
    for name in ("reservoir_storage", "reservoir_tn_concentration", "discharge", "groundwater_n_storage"):
        np.testing.assert_array_equal(before[name], base[name], err_msg=name)
    mixed = _spliced(five, six, START)
    after = run_watershed(basin, START, END, weather=mixed, constituents=("tn",))
    full = run_watershed(basin, basin.settings.start, END, weather=_record_then(_record(basin), mixed),
                         constituents=("tn",))
    a = full["reservoir_storage"][full.dates.index(START):]
    np.testing.assert_allclose(after["reservoir_storage"], a, rtol=0, atol=WATER * float(np.max(a)))
    other = run_watershed(basin, START, END, weather=six, constituents=("tn",))
    assert abs(after["reservoir_storage"][0, 0] - other["reservoir_storage"][0, 0]) > 1e-3 * a[0, 0]
    assert counted == [START]


def test_a_storage_given_with_set_wins_past_the_record(small, counted):
    """``--set reservoirs.<id>.initial_storage_mcm`` is the storage on the run's start, after the
    spin-up's generated days too (not on the record's end)."""
    given = 55.0
    told = Basin.load(small, overrides=FOLLOWS + [f"reservoirs.res0.initial_storage_mcm={given}"])
    weather = member_weather(told, START, END, 5)
    res = run_watershed(told, START, END, weather=weather, constituents=("tn",))
    assert res.attrs[START_ATTRIBUTE].endswith("; given for 2005-01-01: reservoirs.res0.initial_storage_mcm")
    day = (res["reservoir_inflow"] - res["reservoir_release"] - res["reservoir_spill"])[0, 0] * 86400
    assert abs(res["reservoir_storage"][0, 0] - given * 1e6 - day) < 1e-6 * given * 1e6


def test_member_weather_begins_by_the_day_after_the_record(small):
    """A member that starts more than its warm-up years past the record's end is generated from the
    day after the record's end; one that starts within them, as before (the warm-up years)."""
    basin = Basin.load(small)
    late = member_weather(basin, date(2010, 1, 1), date(2010, 1, 31), 5)
    assert late.dates[0] == np.datetime64("2004-01-01")
    near = member_weather(basin, START, END, 5)
    assert near.dates[0] == np.datetime64("2002-01-01")  # runoff_warm_up_years = 3
    res = run_watershed(basin, date(2010, 1, 1), date(2010, 1, 31), weather=late, constituents=("tn",))
    assert "to its end, 2003-12-31, then on the run's own generated weather from 2004-01-01" in res.attrs[
        START_ATTRIBUTE]


def test_generated_weather_that_starts_too_late_is_not_spun_up_and_says_why(small):
    """Generated weather of one's own (not a member's) that starts after the day after the record's
    end cannot carry the spin-up on: the basin file's state, and the attribute says why."""
    from hydro.weathergen import generate

    basin = Basin.load(small)
    weather = generate(weather_generator(basin), "2004-06-01", END.isoformat(), seed=5)
    plan = spin_up_plan(basin, START, weather)
    assert plan.first is None and plan.why_not.startswith(
        "generated weather from 2004-06-01, after 2004-01-01: the station record, which a spin-up runs on, "
        "ends on 2003-12-31")
    res = run_watershed(basin, START, END, weather=weather, constituents=("tn",))
    assert "not spun up: generated weather from 2004-06-01" in res.attrs[START_ATTRIBUTE]


def test_blocks_past_the_record_equal_one_block(small, counted):
    """In blocks of one year (the spin-up's generated 2004 and the run's years) a member equals the
    same member in one block to round-off (tests/test_blocked.py's bound for the water)."""
    from hydro.blocked import run_blocks

    basin = Basin.load(small, overrides=FOLLOWS)
    end = date(2006, 6, 30)
    weather = member_weather(basin, START, end, 5)
    one = run_watershed(basin, START, end, weather=weather, constituents=("tn",))
    blocks = list(run_blocks(basin, START, end, 1, weather=weather, constituents=("tn",)))
    assert len(blocks) == 2 and "then on the run's own generated weather" in blocks[0].attrs[START_ATTRIBUTE]
    for name in ("reservoir_storage", "discharge"):
        joined = np.concatenate([b[name] for b in blocks])
        np.testing.assert_allclose(joined, one[name], rtol=1e-9, err_msg=name)


def test_the_note_says_where_the_spin_up_leaves_the_record(small, capsys):
    from hydro.clitools import note_late_start

    note_late_start(Basin.load(small), START, generated=True)
    err = capsys.readouterr().err
    assert ("the whole model runs 2001-01-01..2004-12-31 on the basin's station record to its end, 2003-12-31, "
            "then on the generated weather first") in err
