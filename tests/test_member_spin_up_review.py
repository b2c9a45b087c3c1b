"""Runs on generated weather that start after the basin's ``[run] start`` are spun up on the station record.

An ensemble member, ``hydro run --synthetic-weather``, a scenario-ensemble member and a payment draw
generate their weather from ``[run] runoff_warm_up_years`` before their start; they started every
store and reservoir from the basin file's state (given for the basin's start) whatever their start.
Now the whole model runs on the station record from the basin's start to the day before the run's
(the spin-up an observed run from that start makes), once per process and configuration
(:func:`hydro.blocked.record_spin_up`), and every member continues from that state on its own weather.
"""

from __future__ import annotations

import dataclasses
from datetime import date

import numpy as np
import pytest

import hydro.blocked
from hydro.basin import Basin
from hydro.blocked import record_spin_up, spin_up_plan
from hydro.ensemble import member_weather, run_ensemble
from hydro.pipeline import run_watershed
from hydro.pipeline_steps import carried_constituents
from hydro.runoff_warm_up import START_ATTRIBUTE

#: A member on the station record itself (marked generated) equals the observed run from its start:
#: the same spin-up, numerics and stores' means; the stores' means are the record's in one and the
#: run's own (the same days, summed block by block) in the other, equal to round-off, as a run in
#: blocks equals one block (tests/test_blocked.py: same bound and reasons).
ROUND_OFF = 1e-12


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    """A synthetic watershed of 5 reaches and a reservoir over 3 years (2001-2003)."""
    from hydro.validation.problems import synthetic_watershed

    return synthetic_watershed(tmp_path_factory.mktemp("member-spin"), n_subbasin=5, n_reservoir=1, years=3)


def _as_generated(basin):
    """The basin's station record as if generated (``synthetic`` and read from no file)."""
    from hydro.watershed import Watershed
    from hydro.weather import station_record

    record = station_record(Watershed.from_basin(basin).weather.csv)
    return dataclasses.replace(record, metadata={**record.metadata, "synthetic": True}, path=None)


def test_a_member_on_the_record_is_the_observed_run_from_its_start(small, counted):
    """The spin-up is exactly the observed run's: a 'member' whose generated weather is the record
    itself equals the observed run from the same start on every day, and its start state is the
    state the run from the basin's start reaches on the day before (reservoir storage)."""
    basin = Basin.load(small)
    first, end = date(2002, 1, 1), basin.settings.end
    observed = run_watershed(basin, first, end, constituents=("tn",))
    member = run_watershed(basin, first, end, weather=_as_generated(basin), constituents=("tn",))
    assert counted == [first]
    for name in ("reservoir_storage", "reservoir_tn_concentration", "tn_concentration", "discharge",
                 "groundwater_n_storage", "subbasin_runoff", "reach_tn_source_load"):
        a = observed.data[name]
        np.testing.assert_allclose(member.data[name], a, rtol=0, atol=ROUND_OFF * float(np.nanmax(np.abs(a))),
                                   err_msg=name)
    assert member.attrs[START_ATTRIBUTE] == (
        "spun up: the whole model run from the basin's [run] start 2001-01-01 over 2001-01-01..2001-12-31 "
        "on the basin's station record; the run itself on generated weather")
    full = run_watershed(basin, basin.settings.start, end, constituents=("tn",))
    plan = spin_up_plan(basin, first, generated=True)
    spun = record_spin_up(basin, plan, first, carried_constituents(basin, ("tn",)), True, (False, False))
    volume = spun.state.routing.res_volume if hasattr(spun.state.routing, "res_volume") else spun.state.routing
    day_before = full.dates.index(first) - 1
    np.testing.assert_allclose(volume, full["reservoir_storage"][day_before], rtol=1e-12)
    assert counted == [first]  # the run above and this call: one spin-up


def test_members_share_one_spin_up_and_stay_reproducible(small, counted):
    """Two members of an ensemble from a late start: one spin-up for both; each member alone (a
    fresh process's cache) is the ensemble's to the bit; on its first day a member holds about the
    spun-up storage, not the basin file's."""
    basin = Basin.load(small)
    first, end = date(2002, 1, 1), date(2002, 2, 28)
    ens = run_ensemble(small, 2, 7, first, end, workers=1, quiet=True,
                       variables=("reservoir_storage", "reservoir_tn_concentration"))
    assert counted == [first]
    hydro.blocked._SPUN.clear()
    alone = run_watershed(basin, first, end, weather=member_weather(basin, first, end, 8), constituents=("tn",))
    assert counted == [first, first]
    np.testing.assert_array_equal(ens["reservoir_storage"][1], alone["reservoir_storage"])
    np.testing.assert_array_equal(ens["reservoir_tn_concentration"][1], alone["reservoir_tn_concentration"])
    assert not np.array_equal(ens["reservoir_storage"][0], ens["reservoir_storage"][1])  # their own weather
    full = run_watershed(basin, basin.settings.start, date(2001, 12, 31), constituents=("tn",))
    spun, filed = full["reservoir_storage"][-1, 0], basin.network.reservoirs[0].initial_storage_m3
    # one day's net inflow at most separates the first day's storage from the spun-up state (the
    # spun-up and filed storages are far more apart than that: checked first)
    assert abs(spun - filed) > 0.2 * filed
    for m in (0, 1):
        assert abs(ens["reservoir_storage"][m][0, 0] - spun) < 0.05 * abs(spun - filed)
    assert "on the basin's station record" in ens.attrs[START_ATTRIBUTE]


def test_a_member_from_the_basins_start_is_not_spun_up(small, counted):
    """On the basin's start a member starts from the basin file's state, its runoff stores warmed
    up on its generated years before, as before: no spin-up is computed."""
    basin = Basin.load(small)
    first = basin.settings.start
    weather = member_weather(basin, first, date(2001, 1, 31), 3)
    res = run_watershed(basin, first, date(2001, 1, 31), weather=weather, constituents=("tn",))
    assert counted == []
    assert res.attrs[START_ATTRIBUTE] == "the basin file's initial state, given for its [run] start 2001-01-01"
    assert res.attrs["runoff_warm_up"] == "1998-01-01..2000-12-31"


def test_a_storage_given_with_set_wins_over_the_spin_up(small, counted):
    """``--set reservoirs.<id>.initial_storage_mcm`` is the storage on the member's start; the
    rest (runoff, concentrations) is spun up as without it."""
    plain = Basin.load(small)
    res = plain.network.reservoirs[0]
    given = 0.37 * res.initial_storage_m3 / 1e6
    basin = Basin.load(small, overrides=[f"reservoirs.{res.id}.initial_storage_mcm={given}"])
    first, end = date(2002, 1, 1), date(2002, 1, 31)
    weather = member_weather(plain, first, end, 4)
    told = run_watershed(basin, first, end, weather=weather, constituents=("tn",))
    spun = run_watershed(plain, first, end, weather=weather, constituents=("tn",))
    assert len(counted) == 2  # two configurations, two spin-ups
    assert told.attrs[START_ATTRIBUTE].endswith(f"; given for 2002-01-01: reservoirs.{res.id}.initial_storage_mcm")
    day = (spun["reservoir_inflow"][0, 0] - spun["reservoir_release"][0, 0] - spun["reservoir_spill"][0, 0]) * 86400
    assert abs(told["reservoir_storage"][0, 0] - given * 1e6) < abs(day) + 0.05 * given * 1e6
    assert abs(spun["reservoir_storage"][0, 0] - told["reservoir_storage"][0, 0]) > 0.1 * given * 1e6
    np.testing.assert_array_equal(told["subbasin_runoff"], spun["subbasin_runoff"])


def test_a_start_past_the_record_is_spun_up_on_the_record_to_its_end(small):
    """Past the record's end the spin-up goes on on the member's own weather
    (tests/test_spin_up_past_record_review.py)."""
    basin = Basin.load(small)
    plan = spin_up_plan(basin, date(2005, 1, 1), generated=True)
    assert plan.on_record and plan.last == date(2004, 12, 31) and plan.record_end == date(2003, 12, 31)
    plan = spin_up_plan(basin, date(2003, 6, 1), generated=True)
    assert plan.on_record and plan.record_end is None


def test_the_note_says_generated_weather_is_spun_up_on_the_record(small, capsys):
    from hydro.clitools import note_late_start

    note_late_start(Basin.load(small), date(2002, 1, 1), generated=True)
    err = capsys.readouterr().err
    assert "the whole model runs 2001-01-01..2001-12-31 on the basin's station record first" in err
    assert "with the generated weather" in err


def test_members_on_worker_processes_equal_members_in_this_process(small):
    """Each worker process computes the spin-up once (its own cache) and its members equal those
    run in this process to the bit: a member depends on its seed and period alone."""
    first, end = date(2002, 1, 1), date(2002, 1, 31)
    kept = ("reservoir_storage", "reservoir_tn_concentration")
    here = run_ensemble(small, 3, 11, first, end, workers=1, quiet=True, variables=kept)
    there = run_ensemble(small, 3, 11, first, end, workers=2, quiet=True, variables=kept)
    for name in kept:
        np.testing.assert_array_equal(there[name], here[name], err_msg=name)


def test_a_file_of_synthetic_weather_is_weather_given(small):
    """A station file marked synthetic (the example basin's) read from disk, as a calibration
    passes it, is the run's own weather: spun up on itself where it covers the spin-up, as before."""
    import dataclasses as dc

    from hydro.watershed import Watershed
    from hydro.weather import read_forcing_csv

    basin = Basin.load(small)
    record = read_forcing_csv(Watershed.from_basin(basin).weather.csv)
    marked = dc.replace(record, metadata={**record.metadata, "synthetic": True})
    plan = spin_up_plan(basin, date(2002, 1, 1), marked)
    assert plan.first == basin.settings.start and not plan.on_record
    assert spin_up_plan(basin, date(2002, 1, 1), dc.replace(marked, path=None)).on_record

