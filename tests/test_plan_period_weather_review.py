"""Plan periods that start on the station record and end after it (issue 13/16 follow-up): the days on
the record take its observed weather, the same in every member and equal to the plain run there, the
days after it each member's own generated weather, the state carried across the join.  Here the
example watershed, whose record ends 2010-12-31 (basin period 2001-2010), run 2009-2012."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pytest

from hydro.basin import Basin

START, END, LAST = date(2009, 1, 1), date(2012, 12, 31), date(2010, 12, 31)
VARIABLES = ("section_tn_concentration", "discharge", "reservoir_storage", "reservoir_tn_concentration",
             "subbasin_runoff")


@pytest.fixture(scope="module")
def basin():
    return Basin.load("watershed")


@pytest.fixture(scope="module")
def plain(basin):
    from hydro.simulation import run

    return run(basin, START, LAST)


@pytest.fixture(scope="module")
def ensemble():
    from hydro.ensemble import run_ensemble

    return run_ensemble("watershed", 3, 1, START, END, workers=1, variables=VARIABLES, quiet=True)


def test_members_agree_on_the_record_and_equal_the_plain_run_there(ensemble, plain):
    n = len(plain.dates)
    assert ensemble.dates[n - 1] == LAST and ensemble.dates[n] == LAST + timedelta(days=1)
    for name in VARIABLES:
        got, want = np.asarray(ensemble[name]), np.asarray(plain[name])
        scale = np.max(np.abs(want))
        for m in range(3):
            # the same days on the same weather from the same state: equal to round-off (to the bit
            # here; 1e-12 of the variable's largest value leaves room for a different summation order)
            assert np.max(np.abs(got[m, :n] - want)) <= 1e-12 * scale, (name, m)
        # after the record each member goes on on its own weather (its years differ from its neighbour's)
        assert np.max(np.abs(got[0, n:] - got[1, n:])) > 1e-3 * scale, name


def test_a_member_is_one_run_over_the_record_and_its_weather_after(basin):
    """A member equals a continuous run from the basin's start on the station record followed by the
    member's generated weather (the weather given, read as a file would be: no spin-up on the record,
    no splice), so its state is carried across the record's end."""
    from hydro.daily_forcing import DailyForcing
    from hydro.ensemble import member_weather, weather_generator
    from hydro.pipeline import run_watershed
    from hydro.runoff_warm_up import years_before
    from hydro.weather import read_forcing_csv
    from hydro.weathergen import generate

    member = run_watershed(basin, START, END, weather=member_weather(basin, START, END, 4))
    record = read_forcing_csv(basin.folder / "weather.csv")
    after = generate(weather_generator(basin), years_before(START, 3).isoformat(), END.isoformat(),
                     seed=4).between(LAST + timedelta(days=1), END)
    joined = DailyForcing(np.concatenate([record.dates, after.dates]),
                          *(np.concatenate([getattr(record, k), getattr(after, k)])
                            for k in ("precip_mm", "tmean_c", "tmin_c", "tmax_c")),
                          metadata={"synthetic": False}, path=Path("joined.csv"))
    whole = run_watershed(basin, basin.settings.start, END, weather=joined)
    k = len(whole.dates) - len(member.dates)
    assert whole.dates[k] == START
    for name in VARIABLES:
        want = np.asarray(whole[name])[k:]
        # one run in one block against the spin-up and the run in two: the same days from the same state,
        # equal to round-off (1e-9 of the largest value: the transport's sums carried over 8 years)
        assert np.max(np.abs(np.asarray(member[name]) - want)) <= 1e-9 * np.max(np.abs(want)), name


def test_metadata_says_which_days_are_generated(basin):
    from hydro.ensemble import member_weather
    from hydro.pipeline import run_watershed

    res = run_watershed(basin, date(2010, 6, 1), date(2011, 3, 31),
                        weather=member_weather(basin, date(2010, 6, 1), date(2011, 3, 31), 2))
    a = res.attrs
    assert a["weather_synthetic"] == "true" and a["weather_generated_from"] == "2011-01-01"
    assert a["weather"].startswith("weather.csv (observed) to 2010-12-31, then synthetic:"), a["weather"]
    assert "the run itself on the station record's observed weather to 2010-12-31 and generated weather from " \
        "2011-01-01" in a["initial_state"], a["initial_state"]


def test_wholly_on_or_after_the_record_unchanged(basin):
    """Within the record the members ARE generated weather (run.md); past it, generated from the start."""
    from hydro.ensemble import member_weather
    from hydro.weather import station_record

    record = station_record(basin.folder / "weather.csv")
    for first, last in ((date(2009, 1, 1), date(2010, 12, 31)), (date(2011, 1, 1), date(2012, 12, 31))):
        w = member_weather(basin, first, last, 1)
        assert w.metadata["weather_generated_from"] == first.isoformat()
        assert w.metadata["source_file"].startswith("synthetic:")
        on = (record.dates >= np.datetime64(first)) & (record.dates <= np.datetime64(last))
        if on.any():  # generated, not the record's
            mine = w.between(first, last)
            assert not np.array_equal(mine.precip_mm, record.precip_mm[on])
