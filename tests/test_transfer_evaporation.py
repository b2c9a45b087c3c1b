"""The transferred water's tracer leaves a lake with the water its surface evaporates; a solute stays.

Evaporation takes water, not what is dissolved in it: a lake's TN is concentrated by it, but the share of
its water that was transferred from outside the basin is not (all the lake's water evaporates alike).
Until 2026-12-06 the tracer was concentrated like a solute, so ``reservoir_transfer_share`` drifted high
(Miyun 2016-2020: 22 of the 447 mcm transferred never evaporated; operations review F1, 2026-12-05).
The sink is the water the surface evaporates, its net loss plus the rain on it
(:func:`hydro.pipeline_steps.lake_evaporation`), so a lake fed only transferred water holds share 1,
and with rain the share is the transferred part of what comes in.
"""

from __future__ import annotations

import naive_transport
import numpy as np
import pytest
from scipy.integrate import solve_ivp
from test_transport import assert_matches_reference, random_case

from hydro.errors import HydroError
from hydro.network import Network, Reservoir
from hydro.transport import Constituent, TransportInputs, simulate
from hydro.validation.problems import empty_inputs, uniform_reach

DAY = 86400.0
AREA = 1e6  # m2
WATER = Constituent("transferred_water", "transferred water (tracer, 1 g m-3)", evaporates=True)
SOLUTE = Constituent("tn", "a conservative solute")


def tank(volumes, inflow_m3_s: float, evaporation_m3_s, rain_m3_s, share_in: float = 1.0, share0: float = 1.0):
    """A lake of the given volumes (m3, D+1) fed ``inflow_m3_s`` of water that is ``share_in`` transferred, with
    the day's evaporation and rain on its surface (m3 s-1, D); its outflow closes each day's water balance.
    Returns the network, the inputs (tracers: the transferred water, then a solute at the same concentration)
    and the outflow (m3 s-1)."""
    vol = np.asarray(volumes, float)
    n_day = vol.size - 1
    evap = np.broadcast_to(np.asarray(evaporation_m3_s, float), (n_day,))
    rain = np.broadcast_to(np.asarray(rain_m3_s, float), (n_day,))
    outflow = inflow_m3_s - evap + rain - np.diff(vol) / DAY
    assert (outflow >= 0).all(), "the case's water balance needs an outflow >= 0"
    res = Reservoir(id="lake", name="lake", downstream="below", level_m=(0.0, 100.0), area_m2=(AREA, AREA),
                    storage_m3=(0.0, 1e9), full_supply_level_m=100.0, dead_storage_m3=0.0,
                    initial_storage_m3=float(vol[0]), target_release_m3_s=(1.0,) * 12, ecological_min_m3_s=0.0)
    # a long reach below keeps the rivers at one sub-step a day (the tank's longest step)
    net = Network((uniform_reach(500000.0, 5, 0.5, 0.0, rid="below"),), (res,))
    kw = empty_inputs(net, n_day, 2, np.maximum(outflow, 1e-3)[:, None])
    kw["res_volume"] = vol[:, None]
    kw["res_outflow"] = outflow[:, None]
    kw["res_area"] = np.full((n_day, 1), AREA)
    kw["res_evaporation"] = evap[:, None].copy()
    kw["res_load"] = np.full((n_day, 1, 2), inflow_m3_s * share_in)
    kw["init_res_conc"] = np.full((1, 2), share0)
    return net, kw, outflow


def shares(net, kw) -> tuple[np.ndarray, np.ndarray]:
    """The lake's end-of-day concentration of the transferred water's tracer and of the solute."""
    c = simulate(net, [WATER, SOLUTE], TransportInputs(**kw)).reservoir_concentration[:, 0, :]
    return c[:, 0], c[:, 1]


def test_a_lake_of_transferred_water_stays_transferred_water_however_much_evaporates():
    # all its water transferred: evaporation takes 5 of the 20 m3/s coming in, the lake falls and refills
    net, kw, _ = tank([1e7, 9e6, 1e7, 1e7, 1e7], 20.0, 5.0, 0.0)
    water, solute = shares(net, kw)
    # uniform stays uniform: round-off of the exact tank solution only
    np.testing.assert_allclose(water, 1.0, rtol=0, atol=1e-12)
    # the solute carried at the same concentration is concentrated (what the tracer did before)
    assert solute[-1] > 1.05


def test_without_the_evaporating_flag_the_tracer_is_concentrated_as_a_solute_is():
    # the flag, not the inputs, decides: a tracer built without it reproduces the solute bit for bit
    net, kw, _ = tank([1e7, 9e6, 1e7], 20.0, 5.0, 0.0)
    plain = simulate(net, [Constituent("w", "w"), SOLUTE], TransportInputs(**kw)).reservoir_concentration
    assert np.array_equal(plain[:, 0, 0], plain[:, 0, 1])
    assert plain[-1, 0, 0] > 1.05


@pytest.mark.parametrize(("volumes", "evap", "rain", "share_in"), [
    ([1e7, 1e7, 1e7, 1e7], 3.0, 0.0, 0.6),                 # constant volume, evaporation only
    ([1e7, 8e6, 9e6, 6e6], [4.0, 1.0, 0.0], [0.0, 2.0, 9.0], 1.0),  # falls, rises, falls: rain dilutes
    ([5e6, 5e6, 5e6], 0.0, 6.0, 0.8),                      # rain alone
])
def test_the_tank_with_evaporation_and_rain_matches_an_ode_solver(volumes, evap, rain, share_in):
    """``dm/dt = Q c_in - (Q_out + E) m / V`` with V linear over each day (DOP853, rtol 1e-12)."""
    net, kw, outflow = tank(volumes, 20.0, evap, rain, share_in, share0=0.3)
    water, _ = shares(net, kw)
    vol = np.asarray(volumes, float)
    e = np.broadcast_to(np.asarray(evap, float), outflow.shape)
    m, exact = 0.3 * vol[0], []
    for d in range(outflow.size):
        def rhs(t, m, d=d):
            v = vol[d] + (vol[d + 1] - vol[d]) * t / DAY
            return 20.0 * share_in - (outflow[d] + e[d]) * m / v
        m = solve_ivp(rhs, (0.0, DAY), [m], method="DOP853", rtol=1e-12, atol=1e-14).y[0, -1]
        exact.append(m / vol[d + 1])
    # 1e-9: the solver's rtol 1e-12 over three days and the exponentials' round-off, with margin (the sink is
    # a flow over the day, exact in the tank's solution as settling is: tests/test_tank_decay_volume.py)
    np.testing.assert_allclose(water, exact, rtol=1e-9)


def test_with_rain_the_steady_share_is_the_transferred_part_of_what_comes_in():
    # V constant, Q = 20 of share 1, rain 5, evaporation 2: V dc/dt = Q - (Q + P) c, so c -> Q / (Q + P) = 0.8
    net, kw, _ = tank([2e6] * 41, 20.0, 2.0, 5.0)
    water, solute = shares(net, kw)
    # 40 days of a lake renewed 12 times a day: the transient is gone to round-off
    assert water[-1] == pytest.approx(20.0 / 25.0, rel=1e-12)
    # the solute's steady state: Q / (Q_out) = 20 / 23 (evaporation leaves it behind)
    assert solute[-1] == pytest.approx(20.0 / 23.0, rel=1e-12)


@pytest.mark.parametrize("seed", range(12))
def test_the_share_never_leaves_the_range_of_its_inflows_and_the_budget_closes(seed):
    rng = np.random.default_rng(seed)
    n_day = 30
    vol = rng.uniform(1e5, 1e7, n_day + 1)
    inflow = 40.0
    evap = rng.uniform(0.0, 10.0, n_day) * (rng.random(n_day) < 0.7)
    rain = rng.uniform(0.0, 5.0, n_day) * (rng.random(n_day) < 0.3)
    for d in range(n_day):  # keep the outflow >= 0: the volume may rise by at most what the balance brings
        vol[d + 1] = min(vol[d + 1], vol[d] + 0.999 * (inflow - evap[d] + rain[d]) * DAY)
    share_in = rng.uniform(0.0, 1.0)
    share0 = rng.uniform(0.0, 1.0)
    net, kw, _ = tank(vol, inflow, evap, rain, share_in, share0)
    result = simulate(net, [WATER, SOLUTE], TransportInputs(**kw))
    water = result.reservoir_concentration[:, 0, 0]
    # the inputs: the inflow's share, the lake's first, and rain (none of it transferred)
    lo, hi = min(share_in, share0, 0.0 if rain.any() else 1.0), max(share_in, share0)
    # in range up to round-off of the exact solution (relative 1e-12 of a value <= 1)
    assert (water >= lo * (1 - 1e-12) - 1e-15).all() and (water <= hi * (1 + 1e-12)).all()
    # the mass evaporated is booked as the tank's removal: the budget closes as for any sink (1e-10: the
    # closure's relative round-off over 30 days, as tests/test_transport.py allows)
    assert result.closure("reservoir") < 1e-10


@pytest.mark.parametrize("seed", range(3))
def test_the_kernel_matches_the_plain_python_reference_with_an_evaporating_tracer(seed):
    net, tracers, kw = random_case(seed, n_reach=5, n_tracer=2)
    if not len(net.reservoirs):
        pytest.skip("no reservoir in this case")
    kw["res_evaporation"] = np.random.default_rng(seed).uniform(0.0, 0.5, kw["res_outflow"].shape)
    tracers = [tracers[0], Constituent("w", "water", evaporates=True)]
    inputs = TransportInputs(**kw)
    assert_matches_reference(simulate(net, tracers, inputs), naive_transport.run(net, tracers, inputs))


def test_a_negative_evaporation_names_the_reservoir_and_the_day():
    net, kw, _ = tank([1e7, 1e7], 20.0, 1.0, 0.0)
    kw["res_evaporation"][0, 0] = -1.0
    with pytest.raises(HydroError, match=r"reservoir 'lake' evaporates -1 m3/s on day 0.*>= 0"):
        simulate(net, [WATER, SOLUTE], TransportInputs(**kw))


def test_the_lake_evaporates_its_net_loss_plus_the_rain_on_it():
    from types import SimpleNamespace

    from hydro.pipeline_steps import lake_evaporation

    # net loss (evaporation less rain, m3 d-1) 8,640 on 1 km2 with 2 mm of rain: 8,640 + 2,000 evaporated;
    # rain beyond evaporation (net -1,000 with 3 mm): 2,000 evaporated; a wet day with nothing evaporating: 0
    hyd = SimpleNamespace(res_evaporated=np.array([[8640.0], [-1000.0], [-3000.0], [-3000.5]]),
                          res_area=np.full((4, 1), 1e6))
    got = lake_evaporation(hyd, np.array([[2.0], [3.0], [3.0], [3.0]]))
    # the last: a net gain a hair above the rain (round-off of the balance) evaporates nothing, never less
    np.testing.assert_allclose(got[:, 0], [10640.0 / DAY, 2000.0 / DAY, 0.0, 0.0], rtol=1e-15, atol=1e-18)
    assert (got >= 0).all()
