"""A run from the basin's start on its own weather starts its transport cells in the same relation to
their channel's geometry as the basin's period on the station record (hydro.transport_volumes.on_own_first_day).

The cells' water is set once, on the basin's period on its record (hydro.store_climate), and later
days change it only by the water balance. A member warmed up on its own generated years starts with
far less water in the rivers than the record's run, which drains the runoff stores' fillings: without
the shift the member kept the record's first-day water all run, too much water in every reach (Miyun
2003: 1.9-5.2 times the geometric volume), more removal and 1.8 times less TN at the sections
(2026-12-01, docs/commands/run.md "Nitrogen on generated against observed weather").
"""

from __future__ import annotations

from datetime import date

import numpy as np

import hydro.pipeline_steps as steps
from hydro.basin import Basin
from hydro.ensemble import member_weather
from hydro.pipeline import run_watershed


def _last_two_years_tn(basin, weather, start, end):
    r = run_watershed(basin, start, end, weather=weather, constituents=("tn",))
    return r.data["section_tn_load"][-730:].sum(axis=0)


def test_a_member_with_or_without_its_warm_up_years_carries_the_same_tn_years_later(monkeypatch):
    # the same generated weather with its three warm-up years before the basin's start and without
    # them: the runoff stores start apart (and rejoin within about two years); years later the
    # sections' TN differs only by that (0.4-1.1 % on 2026-12-01). Without the shift 4.4-6.4 %
    # (Miyun: 9-31 %), the level of the cells' water set by the record's first-day flows
    b = Basin.load("watershed")
    start, end = b.settings.start, date(b.settings.start.year + 6, 12, 31)
    weather = member_weather(b, start, end, 2)
    assert weather.dates[0] < np.datetime64(start)  # it has warm-up years
    ratio = (_last_two_years_tn(b, weather, start, end)
             / _last_two_years_tn(b, weather.between(start, end), start, end))
    assert np.all(np.abs(ratio - 1.0) < 0.025), ratio
    monkeypatch.setattr(steps, "on_own_first_day", lambda net, water, q_in, q_out: water)
    before = (_last_two_years_tn(b, weather, start, end)
              / _last_two_years_tn(b, weather.between(start, end), start, end))
    assert np.all(np.abs(before - 1.0) > 0.03), before  # the fault this guards against


def test_a_run_on_the_record_from_the_basins_start_is_not_shifted(monkeypatch):
    # its first day's flows are the basin period's own: the shift is exactly 0, the water the same object
    seen = []
    original = steps.on_own_first_day

    def spy(net, water, q_in, q_out):
        out = original(net, water, q_in, q_out)
        seen.append((out is water, water.first_geometric is not None))
        return out

    monkeypatch.setattr(steps, "on_own_first_day", spy)
    b = Basin.load("watershed")
    run_watershed(b, b.settings.start, date(b.settings.start.year + 1, 12, 31), constituents=("tn",))
    assert seen == [(True, True)]
