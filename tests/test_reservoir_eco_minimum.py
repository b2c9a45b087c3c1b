"""A reservoir that cannot release its ecological minimum (not enough water above dead storage)
is reported: the results' ``ecological_min_unmet_days`` attribute and a run-summary line (found by
the hydrology review: Miyun's Yunzhou lets out less than its 0.1 m3/s on 1,384 of 6,269 days, and
nothing said so)."""

from __future__ import annotations

from datetime import date

import numpy as np

from hydro.basin import Basin
from hydro.ecological_minimum import ECO_ATTRIBUTE
from hydro.run_summary import run_summary
from hydro.simulation import run

PERIOD = (date(2001, 1, 1), date(2001, 12, 31))


def test_days_below_the_minimum_are_counted_and_said():
    basin = Basin.load("watershed")
    rid = basin.network.reservoir_ids[0]
    base = run(basin, *PERIOD)
    # a minimum of 20 times the mean inflow: met while the storage lasts, then not
    minimum = float(np.mean(base["reservoir_inflow"][:, 0])) * 20.0
    res = run(Basin.load("watershed", overrides=[f"reservoirs.{rid}.ecological_min_m3_s={minimum!r}"]), *PERIOD)
    out = res["reservoir_release"][:, 0] + res["reservoir_spill"][:, 0]
    expected = int(np.count_nonzero(out < minimum * (1 - 1e-9)))
    assert 0 < expected < len(res.dates)  # the reservoir runs dry some days, or the test proves nothing
    assert res.attrs[ECO_ATTRIBUTE] == f"{rid}={expected}"
    assert f"{rid} on {expected:,} of {len(res.dates):,} days" in run_summary(res)
    assert ECO_ATTRIBUTE not in base.attrs or base.attrs[ECO_ATTRIBUTE] == ""


def test_days_below_dead_storage_are_counted_and_said():
    """A lake at dead storage releases nothing but still evaporates, so in a drought it sinks below it (Miyun
    on 267 days of 2005-2008 in the shipped run); the results and the run summary say so (drought review F5)."""
    from hydro.ecological_minimum import DEAD_ATTRIBUTE

    basin = Basin.load("watershed")
    rid = basin.network.reservoir_ids[0]
    base = run(basin, *PERIOD)
    storage = base["reservoir_storage"][:, 0]
    dead_m3 = float(np.quantile(storage, 0.3))  # a dead storage the lake falls to in the driest months
    res = run(Basin.load("watershed", overrides=[f"reservoirs.{rid}.dead_storage_mcm={dead_m3 / 1e6!r}"]), *PERIOD)
    low = res["reservoir_storage"][:, 0]
    expected = int(np.count_nonzero(low < dead_m3 * (1 - 1e-9)))
    assert 0 < expected < len(res.dates)  # it sinks below some days, or the test proves nothing
    assert res.attrs[DEAD_ATTRIBUTE] == f"{rid}={expected}"
    lowest = int(np.argmin(low))
    assert (f"{rid} on {expected:,} of {len(res.dates):,} days, lowest {low[lowest] / 1e6:,.6g} mcm on "
            f"{res.dates[lowest]}") in run_summary(res)
    assert DEAD_ATTRIBUTE not in base.attrs


def test_a_lake_held_at_exactly_its_dead_storage_is_not_below_it():
    from types import SimpleNamespace

    from hydro.ecological_minimum import below_dead_storage_days

    net = SimpleNamespace(reservoirs=[SimpleNamespace(id="a", dead_storage_m3=1e6)])
    at = np.array([[1e6], [1e6 * (1 - 1e-10)], [1e6 * (1 - 1e-6)], [0.5e6]])
    # at it, and a round-off (1e-10) under it, is not below; 1e-6 under and half of it are
    assert below_dead_storage_days(net, at) == "a=2"
    assert below_dead_storage_days(net, at[:2]) == ""
