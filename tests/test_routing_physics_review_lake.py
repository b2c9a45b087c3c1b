"""Physics review of the routing (2026-12-01): rain and evaporation on a lake's surface, counted once.

The subbasins that drain straight into a reservoir hold its surface (``miyun_shore`` is "shore
and water surface", 1,418 km2 with a water class of 90 km2), and the runoff model makes runoff
over all of their area; the reservoir balance also adds rain on and evaporation from its surface.
Before the review the surface was counted both ways.  Now the runoff of the day's surface share
of that land is taken off the reservoir's inflow (:func:`hydro.watershed.land_area`,
:func:`hydro._hydraulics_kernels.land_under_surface`).
"""

from __future__ import annotations

import numpy as np
import pytest

from hydro.hydraulics import SECONDS_PER_DAY


def lake_network(area_m2=4e6):
    """A reach into a lake of constant surface ``area_m2`` (flat area curve) that releases nothing
    (target and ecological minimum 0, no dead storage, a full supply far above what it gets)."""
    from hydro.network import Network, Reach, Reservoir

    lake = Reservoir(id="lake", name="lake", downstream=None, level_m=(100.0, 110.0, 120.0),
                     area_m2=(area_m2, area_m2, area_m2), storage_m3=(0.0, 5e8, 1e9),
                     full_supply_level_m=120.0, dead_storage_m3=0.0, initial_storage_m3=1e8,
                     target_release_m3_s=(0.0,) * 12, ecological_min_m3_s=0.0)
    river = Reach(id="river", name="river", length_m=30e3, downstream="lake", velocity_coeff=0.3,
                  velocity_exp=0.3, width_coeff=10.0, width_exp=0.4, dispersion_m2_s=0.0, n_cells=1)
    return Network((river,), (lake,))


#: Shore subbasin 20 km2 holding a 4 km2 lake: 5 mm/d of land runoff over the whole subbasin,
#: 8 mm/d of rain and 3 mm/d of evaporation on the lake.
LAND_KM2, LAKE_M2, RUNOFF_MM, RAIN_MM, EVAP_MM = 20.0, 4e6, 5.0, 8.0, 3.0


@pytest.mark.parametrize("routed", [False, True])
def test_lake_surface_rain_and_evaporation_counted_once(routed):
    """The shore's runoff model covers the lake too; the lake's own balance replaces it there.

    By hand, per day: land 16 km2 x 5 mm = 80,000 m3, lake 4 km2 x (8 - 3) mm = 20,000 m3,
    river 1 m3/s = 86,400 m3: 186,400 m3 a day.  Counting the lake's surface as land as well
    (before 2026-12-01) gave 20 km2 x 5 mm = 100,000 m3 of runoff: 206,400 m3, 10.7 % more.
    """
    from hydro.hydraulics import accumulate, network_water_balance_error
    from hydro.routing import route

    n_day = 30
    net = lake_network(LAKE_M2)
    land_q = RUNOFF_MM * 1e-3 * LAND_KM2 * 1e6 / SECONDS_PER_DAY  # m3/s over the whole subbasin
    local = np.full((n_day, 1), land_q)
    forcing = dict(res_local_inflow=local, res_evap_mm=np.full((n_day, 1), EVAP_MM),
                   res_precip_mm=np.full((n_day, 1), RAIN_MM), months=np.ones(n_day, dtype=np.int64))
    land = dict(res_land_inflow=local, res_land_area=np.array([LAND_KM2 * 1e6]))
    lateral, boundary = np.ones((n_day, 1)), np.zeros((n_day, 1))
    if routed:
        h = route(net, np.array([1e-3]), lateral, boundary, **forcing, **land)
    else:
        h = accumulate(net, lateral, boundary, **forcing, **land)
    gain = np.diff(h.res_volume[:, 0])
    # sums of a few terms of order 1e5 m3 on volumes of 1e8 m3: round-off ~1e-8 m3 absolute,
    # 1e-6 relative on the daily gain leaves orders of margin (the double count is 0.107)
    np.testing.assert_allclose(gain, 80_000.0 + 20_000.0 + 86_400.0, rtol=1e-6)
    # the inflow is the land's runoff (16 km2) and the river; evaporation minus rain the lake's
    np.testing.assert_allclose(h.res_inflow[:, 0], 80_000.0 / SECONDS_PER_DAY + 1.0, rtol=1e-12)
    np.testing.assert_allclose(h.res_evaporated[:, 0], -20_000.0, rtol=1e-12)
    assert h.water_balance_error() < 1e-12
    # and the network's: what the local inflow brought is the land's share (round-off only)
    assert network_water_balance_error(net, h) < 1e-12


def test_lake_larger_than_its_land_takes_no_more_than_the_land_gives():
    """A lake as large as its shore subbasin or larger: the land makes no runoff, never less."""
    from hydro._hydraulics_kernels import land_under_surface

    assert land_under_surface(2.0, 10e6, 4e6) == pytest.approx(0.8, rel=1e-15)
    assert land_under_surface(2.0, 10e6, 25e6) == 2.0
    assert land_under_surface(2.0, 0.0, 4e6) == 0.0  # no land around it: nothing to take


def test_shipped_shore_subbasins_hold_their_lakes():
    """The convention :func:`hydro.watershed.land_area` rests on, in the shipped basins: the
    subbasins that drain straight into each reservoir are at least as large as its largest
    surface (Miyun: 1,718 km2 against 188 km2; Guanting: 1,191 against 310)."""
    from hydro.basin import Basin
    from hydro.watershed import land_area

    for name in ("miyun", "guanting"):
        basin = Basin.load(name)
        land = land_area(basin.network, basin.watershed)
        for s, res in enumerate(basin.network.reservoirs):
            assert land[s] >= max(res.area_m2), (name, res.id, land[s], max(res.area_m2))


def test_example_watershed_lake_inflow_leaves_out_its_surface_runoff():
    """End to end (runoff, flows, results): the example lake's inflow is what its reaches bring
    plus the shore subbasin's runoff from the land the lake does not cover that day."""
    from datetime import date

    from hydro.basin import Basin
    from hydro.pipeline import run_watershed
    from hydro.series import daily_dates
    from hydro.units import MM_KM2_PER_DAY_TO_M3_S
    from hydro.watershed import snow_thresholds, subbasin_runoff, subbasin_weather

    basin = Basin.load("configs/examples/watershed/basin.toml")
    start, end = date(2001, 1, 1), date(2001, 12, 31)
    res = run_watershed(basin, start, end, constituents=())
    ws, net = basin.watershed, basin.network
    dates = daily_dates(start, end)
    # (the run starts on the weather's first day: no warm-up; snow on the station record's threshold)
    runoff = subbasin_runoff(ws, subbasin_weather(ws, dates), dates, None, snow_thresholds(ws))
    shore = [i for i, s in enumerate(ws.subbasins) if s.reservoir == "lake"]
    assert shore and not basin.settings.flow_driven  # the shore's runoff is the model's, unscaled
    land_m2 = sum(ws.subbasins[i].area_km2 for i in shore) * 1e6  # 90 km2
    runoff_m3s = sum(runoff.q_mm[i] * ws.subbasins[i].area_km2 for i in shore) * MM_KM2_PER_DAY_TO_M3_S
    s = net.reservoir_index("lake")
    surface = res["reservoir_area"][:, s]  # 12.6-18.8 km2 in 2001: 14-21 % of the shore
    into = [r for r, reach in enumerate(net.reaches) if reach.downstream == "lake"]
    expected = res["discharge"][:, into].sum(axis=1) + runoff_m3s * (1.0 - np.minimum(surface / land_m2, 1.0))
    # the same sums in another order: round-off only (the surface's runoff is 14 % or more)
    np.testing.assert_allclose(res["reservoir_inflow"][:, s], expected, rtol=1e-9)
