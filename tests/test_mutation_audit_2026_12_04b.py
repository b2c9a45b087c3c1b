"""Mutants that survived every test in a second audit (2026-12-04), each now killed here: a partial
year that starts on 1 January, a one-month label, Class V in a table cell, WRTDS on a discharge in
cfs, the Lamprey example's last day, a release short by 0.05 %, and a reservoir evaporated dry on a
day with inflow."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np

from hydro import flownorm
from hydro._hydraulics_kernels import reservoir_day
from hydro.basin import Basin
from hydro.classes import short_class_name
from hydro.dates import partial_years
from hydro.ecological_minimum import ecological_minimum, ecological_shortfall_days


def days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=k) for k in range((last - first).days + 1)]


def test_a_year_from_1_january_to_mid_december_is_partial():
    # "ends in December" was taken for a whole year: an 11.5-month mean shown as annual
    assert partial_years(days(date(2020, 1, 1), date(2020, 12, 15))) == {2020: "1 Jan-15 Dec only"}


def test_one_whole_month_is_named_once():
    assert partial_years(days(date(2021, 3, 1), date(2021, 3, 31))) == {2021: "Mar only"}


def test_class_v_is_v_in_a_table_cell_and_worse_is_beyond_it():
    assert [short_class_name(c) for c in (None, 1, 5, 6)] == ["-", "I", "V", ">V"]


def test_wrtds_daily_converts_a_discharge_in_cfs_once():
    rng = np.random.default_rng(3)
    dates = np.arange(np.datetime64("2001-01-01"), np.datetime64("2002-12-31"))
    q = np.exp(rng.normal(1.0, 0.6, dates.size))  # m3/s
    conc = 2.0 * q ** -0.3 * np.exp(rng.normal(0.0, 0.1, dates.size))
    in_m3s = flownorm.wrtds_daily(dates, q, conc)
    in_cfs = flownorm.wrtds_daily(dates, q / flownorm.CFS_TO_M3S, conc, q_to_m3s=flownorm.CFS_TO_M3S)
    np.testing.assert_allclose(in_cfs.q, q, rtol=1e-12)  # a second conversion scaled it by 0.0283
    np.testing.assert_allclose(in_cfs.flux, in_m3s.flux, rtol=1e-9)


def test_the_lamprey_example_keeps_its_water_years_only():
    result = flownorm.lamprey_example(2004, 2006)
    assert result.dates[0] == np.datetime64("2003-10-01") and result.dates[-1] == np.datetime64("2006-09-30")


def test_a_release_short_of_the_minimum_by_0_05_percent_is_counted():
    # round-off is 1e-9 relative; a release cut by dead storage to just under the minimum is a short day
    net = Basin.load("watershed").network
    years = np.full(10, 2001)
    minimum = ecological_minimum(net, years)
    outflow = minimum.copy()
    outflow[[2, 5, 7], 0] *= 1.0 - 5e-4
    outflow[4, 0] *= 1.0 - 1e-12  # round-off: not a short day
    assert ecological_shortfall_days(net, outflow, years) == f"{net.reservoirs[0].id}=3"


def test_a_reservoir_evaporated_dry_loses_its_inflow_too_and_balances():
    curve_v, curve_a = np.array([0.0, 1e6]), np.array([1e4, 1e5])
    v0, inflow = 1000.0, 0.01  # m3, m3/s: 864 m3 come in during the day
    v1, release, spill, evaporated, _ = reservoir_day(v0, inflow, 1000.0, 0.0, 1.0, 0.0, 0.0, 1e6,
                                                      curve_v, curve_a)
    assert v1 == 0.0 and release == 0.0 and spill == 0.0
    assert evaporated == v0 + inflow * 86400.0
    assert v0 + inflow * 86400.0 - evaporated - (release + spill) * 86400.0 == v1
