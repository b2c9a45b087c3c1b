"""A watershed run that starts after its basin's ``[run] start`` is spun up from it.

The basin file gives its initial state (reservoir storages, ``[initial]`` concentrations) for
its ``[run] start``: Miyun's 1,850 mcm are for 2000-01-01, when a run from 2013 started from
them as they were (the reservoir ~75 % too full, its TN for years).  A later start now runs the
whole model from the basin's start to the day before its own and continues from that state
(:func:`hydro.blocked.spin_up_plan`), so its days are those of the run from the basin's start;
what the run is given for its own start (``--set reservoirs.<id>.initial_storage_mcm``,
``[initial]`` concentrations) wins.  The results' ``initial_state`` says what the run started from.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from hydro.basin import Basin
from hydro.blocked import run_blocks, spin_up_plan
from hydro.pipeline import run_watershed
from hydro.runoff_warm_up import START_ATTRIBUTE

#: Largest difference allowed between a spun-up run and the same days of the run from the basin's
#: start, relative to the largest magnitude of the variable: the spin-up and the run are two time
#: blocks, which equal one block to round-off (tests/test_blocked.py, same bound and reasons).
ROUND_OFF = 1e-12


def _same_days(full, late, first: date):
    """Every variable of ``late`` equals ``full``'s from ``first`` on (days and years)."""
    k = full.dates.index(first)
    assert late.dates == full.dates[k:]
    years = [y for y in full.coords["budget_year"] if y >= first.year]
    assert list(late.coords["budget_year"]) == years
    assert set(late.data) == set(full.data)
    for name in sorted(full.data):
        dims = full.dims(name)
        a = full.data[name]
        if "time" in dims:
            a = a[k:]
        elif "budget_year" in dims:
            a = a[len(full.coords["budget_year"]) - len(years):]
        c = late.data[name]
        assert a.shape == c.shape, name
        scale = float(np.nanmax(np.abs(a))) if a.size else 0.0
        np.testing.assert_allclose(c, a, rtol=0, atol=ROUND_OFF * scale, err_msg=name)


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    """A synthetic watershed of 5 reaches and a reservoir over 3 years (2001-2003)."""
    from hydro.validation.problems import synthetic_watershed

    return synthetic_watershed(tmp_path_factory.mktemp("late"), n_subbasin=5, n_reservoir=1, years=3)


def test_miyun_from_2013_is_the_run_from_2000s_2013_on():
    """The brief's case: Miyun reservoir's storage and TN (and every other variable) from
    2013-01-01 as in the run from the basin's start; without the spin-up the storage on the first
    day was the 1,850 mcm given for 2000-01-01."""
    miyun = Basin.load("miyun")
    first, end = date(2013, 1, 1), date(2013, 12, 31)
    full = run_watershed(miyun, miyun.settings.start, end, apportion=False, constituents=("tn",))
    late = run_watershed(miyun, first, end, apportion=False, constituents=("tn",))
    _same_days(full, late, first)
    k = list(late.coords["reservoir"]).index("miyun")
    assert late["reservoir_storage"][0, k] < 1.3e9  # spun up: about 1,000-1,100 mcm, not 1,850
    assert late.attrs[START_ATTRIBUTE].startswith("spun up: the whole model run from the basin's [run] "
                                                  "start 2000-01-01 over 2000-01-01..2012-12-31")
    assert late.attrs["runoff_warm_up"] == "2000-01-01..2012-12-31"
    assert full.attrs[START_ATTRIBUTE] == "the basin file's initial state, given for its [run] start 2000-01-01"
    # from another day than 1 January (the calibration's 2013-03-01) the spin-up ends inside a
    # year: the water is the same to the bit, the nitrogen within 2e-2 of its range (measured
    # 5.3e-3 on the reservoir's TN): the sources timed within a year (shared by runoff over the
    # year's days of a block, seasonal by day of the year) see the year 2013 as two blocks
    # (docs/basin-file.md, "A later start is spun up")
    march = date(2013, 3, 1)
    mid = run_watershed(miyun, march, end, apportion=False, constituents=("tn",))
    k = full.dates.index(march)
    for name in ("reservoir_storage", "discharge", "reservoir_release", "subbasin_runoff"):
        np.testing.assert_array_equal(mid[name], full[name][k:], err_msg=name)
    c = full["reservoir_tn_concentration"][k:]
    np.testing.assert_allclose(mid["reservoir_tn_concentration"], c, rtol=0, atol=2e-2 * float(np.max(c)))


def test_a_late_start_mid_year_equals_the_run_from_the_start_by_source(small):
    """Apportioned by source (the 'initial' tag followed through), a start in the middle of a
    year (the year's budgets are the run's own days); this basin's sources are not timed within
    the year, so a mid-year start is the run from the start to round-off too."""
    basin = Basin.load(small)
    first, end = date(2002, 7, 15), basin.settings.end
    full = run_watershed(basin, basin.settings.start, end)
    late = run_watershed(basin, first, end)
    k = full.dates.index(first)
    for name in ("reservoir_storage", "reservoir_tn_concentration", "tn_concentration", "reach_tn_source_load",
                 "groundwater_n_storage", "subbasin_runoff", "discharge"):
        a = full.data[name][k:]
        np.testing.assert_allclose(late.data[name], a, rtol=0, atol=ROUND_OFF * float(np.nanmax(np.abs(a))),
                                   err_msg=name)
    # the budget of 2002 is that of the run's days of 2002: its storage change is the difference
    # of the reservoir's TN mass at the end of 2002 and on the morning of 2002-07-15 (closure)
    assert late["tn_budget_reservoir"].shape[0] == 2


def test_a_late_start_in_blocks_equals_one_block(small):
    """hydro run's long runs (blocks) spin up as the one-block run does."""
    basin = Basin.load(small)
    first, end = date(2002, 3, 1), basin.settings.end
    one = run_watershed(basin, first, end)
    blocks = list(run_blocks(basin, first, end, 1))
    assert [d for b in blocks for d in b.dates] == one.dates
    for name in ("reservoir_storage", "reservoir_tn_concentration", "tn_concentration"):
        joined = np.concatenate([b.data[name] for b in blocks])
        scale = float(np.nanmax(np.abs(one.data[name])))
        np.testing.assert_allclose(joined, one.data[name], rtol=0, atol=ROUND_OFF * scale, err_msg=name)
    assert {b.attrs[START_ATTRIBUTE] for b in blocks} == {one.attrs[START_ATTRIBUTE]}


def test_a_storage_given_with_set_is_the_state_on_the_runs_start(small):
    """``--set reservoirs.<id>.initial_storage_mcm`` means the storage on the run's own start: it
    wins over the spin-up; the rest (the runoff stores, the concentrations) is spun up."""
    plain = Basin.load(small)
    res = plain.network.reservoirs[0]
    given = 0.37 * res.initial_storage_m3 / 1e6
    basin = Basin.load(small, overrides=[f"reservoirs.{res.id}.initial_storage_mcm={given}"])
    first, end = date(2002, 1, 1), date(2002, 12, 31)
    spun = run_watershed(plain, first, end)
    told = run_watershed(basin, first, end)
    plan = spin_up_plan(basin, first)
    assert plan.storages == (0,) and plan.given == (f"reservoirs.{res.id}.initial_storage_mcm",)
    assert told.attrs[START_ATTRIBUTE].endswith(f"; given for 2002-01-01: reservoirs.{res.id}.initial_storage_mcm")
    # the storage at the end of the first day: the given one plus one day's net inflow (m3);
    # the spun-up run's differs by the difference of the starts
    day = (spun["reservoir_inflow"][0, 0] - spun["reservoir_release"][0, 0] - spun["reservoir_spill"][0, 0]) * 86400
    assert abs(told["reservoir_storage"][0, 0] - given * 1e6) < abs(day) + 0.05 * given * 1e6
    assert abs(spun["reservoir_storage"][0, 0] - told["reservoir_storage"][0, 0]) > 0.1 * given * 1e6
    # the runoff was spun up in both
    np.testing.assert_array_equal(told["subbasin_runoff"], spun["subbasin_runoff"])


def test_initial_concentrations_given_with_set_start_every_concentration(small):
    """A ``--set initial....`` means the concentrations on the run's start: every cell and
    reservoir starts from the basin's ``[initial]`` (a tracer is not spun up in part)."""
    plain = Basin.load(small)
    basin = Basin.load(small, overrides=["initial.tn_mg_per_l=9.0"])
    first, end = date(2002, 1, 1), date(2002, 3, 31)
    plan = spin_up_plan(basin, first)
    assert plan.concentrations and not plan.storages and plan.first == plain.settings.start
    told = run_watershed(basin, first, end)
    spun = run_watershed(plain, first, end)
    np.testing.assert_array_equal(told["reservoir_storage"], spun["reservoir_storage"])
    # nine mg/L at the start: the first day's reservoir concentration is near it, not near the spun-up one
    c_told, c_spun = told["reservoir_tn_concentration"][0, 0], spun["reservoir_tn_concentration"][0, 0]
    assert abs(c_told - 9.0) < abs(c_spun - 9.0)


def test_a_start_before_the_basins_or_without_weather_before_is_not_spun_up(small):
    """Documented behaviour: the basin file's state taken for the run's start, and the
    attribute says why."""
    from hydro.ensemble import weather_generator
    from hydro.weathergen import generate

    basin = Basin.load(small, overrides=["run.start=2002-01-01"])
    early = run_watershed(basin, date(2001, 6, 1), date(2001, 8, 31))
    assert early.attrs[START_ATTRIBUTE] == ("the basin file's initial state, given for its [run] start 2002-01-01, "
                                            "taken for 2001-06-01 (the run starts before it)")
    import dataclasses

    plain = Basin.load(small)
    generated = generate(weather_generator(plain), "2002-01-01", "2002-03-31", seed=5)
    # weather given (not generated: its metadata says so) that starts after the basin's start
    late_weather = dataclasses.replace(generated, metadata={**generated.metadata, "synthetic": False})
    res = run_watershed(plain, date(2002, 2, 1), date(2002, 3, 31), weather=late_weather)
    assert res.attrs[START_ATTRIBUTE] == (
        "the basin file's initial state, given for its [run] start 2001-01-01, taken for 2002-02-01 "
        "(not spun up: the weather starts on 2002-01-01, after the basin's start)")
    # generated weather (an ensemble member's) is spun up on the station record
    # (tests/test_member_spin_up_review.py), past its end on the generated weather after it where
    # that covers the days (tests/test_spin_up_past_record_review.py), else not, and says why
    member = generate(weather_generator(plain), "2004-02-01", "2005-01-31", seed=5)
    res = run_watershed(plain, date(2005, 1, 1), date(2005, 1, 31), weather=member)
    assert res.attrs[START_ATTRIBUTE].endswith("(not spun up: generated weather from 2004-02-01, after 2004-01-01: "
                                               "the station record, which a spin-up runs on, ends on 2003-12-31 "
                                               "and the spin-up continues on the generated weather from the day "
                                               "after, where a member's weather (hydro.ensemble.member_weather) "
                                               "begins at the latest)")


def test_a_flow_driven_basin_says_it_is_not_spun_up(tmp_path):
    from hydro.validation.problems import synthetic_watershed

    path = synthetic_watershed(tmp_path, n_subbasin=3, n_reservoir=0, years=2)
    plan = spin_up_plan(Basin.load(path, overrides=["run.flow_driven=true"]), date(2002, 1, 1))
    assert plan.first is None and plan.why_not.startswith("flow-driven")


def test_the_note_on_stderr_says_what_the_run_starts_from(small, capsys):
    from hydro.clitools import note_late_start

    basin = Basin.load(small)
    note_late_start(basin, date(2002, 1, 1))
    err = capsys.readouterr().err
    assert "spun up from it: the whole model runs 2001-01-01..2001-12-31 first" in err
    note_late_start(basin, basin.settings.start)
    assert capsys.readouterr().err == ""
    note_late_start(Basin.load(small, overrides=["reservoirs.res0.initial_storage_mcm=1"]), date(2002, 1, 1))
    assert "(given: reservoirs.res0.initial_storage_mcm)" in capsys.readouterr().err


def test_a_long_spin_up_runs_in_blocks(small, monkeypatch):
    """A spin-up of more reach-days than one block holds runs in blocks (memory), to round-off."""
    import hydro.blocked

    basin = Basin.load(small)
    first, end = date(2003, 2, 1), date(2003, 4, 30)
    one = run_watershed(basin, first, end)
    monkeypatch.setattr(hydro.blocked, "ONE_BLOCK_REACH_DAYS", 10)
    monkeypatch.setattr(hydro.blocked, "DEFAULT_BLOCK_YEARS", 1)
    seen = []
    real = hydro.blocked._block

    def block(b, ws, dates, *rest):
        seen.append(dates[0])
        return real(b, ws, dates, *rest)

    monkeypatch.setattr(hydro.blocked, "_block", block)
    blocked = run_watershed(basin, first, end)
    assert seen == [date(2001, 1, 1), date(2002, 1, 1), date(2003, 1, 1), first]
    for name in ("reservoir_storage", "reservoir_tn_concentration", "tn_concentration"):
        scale = float(np.nanmax(np.abs(one.data[name])))
        np.testing.assert_allclose(blocked.data[name], one.data[name], rtol=0, atol=ROUND_OFF * scale, err_msg=name)
