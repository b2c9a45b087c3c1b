"""Verification cases for reactions between species (issue 14).

A constituent such as total nitrogen is carried as its species (organic N,
NH3-N, nitrate) that turn into each other by first-order reactions
(:class:`hydro.transport.Reaction`).  Three analytical checks:

* **Bateman chain in a river** (:func:`bateman_chain_errors`): a steady,
  uniform channel without dispersion fed at constant concentrations; at steady
  state the outlet concentrations are the Bateman solution at the travel time,
  ``c(L) = exp(K L / u) c_in`` (``K`` the reaction matrix).  The species travel
  as shares of their constituent's limited flux (so that they add up to it to
  round-off and stay positive), which upwinds the *composition*: the error is
  first order in the grid, while the constituent's total stays second order.
* **Steady reservoir with settling** (:func:`reservoir_chain_errors`): a mixed
  tank in which particulate P settles and turns into dissolved P, which decays;
  the steady state is ``c_pp = Q c_pp,in / (Q + vs A + k V)`` and ``c_dp = (Q
  c_dp,in + k V c_pp) / (Q + k_dp V)``.
* **The species add up to the constituent** (:func:`species_sum_deviation`): on
  the random 200-reach tree with daily-varying flows, species that share one
  sink and only turn into each other carry exactly the constituent's mass: their
  sum equals a run of the constituent alone to round-off (rivers; the tank takes
  each reaction's product as a constant source over a piece of a sub-step with
  k dt <= 0.02, exact at steady state but not in transients, so the tree here has
  no reservoir).
"""

from __future__ import annotations

import numpy as np
from scipy.linalg import expm

from hydro.transport import Constituent, Reaction, TransportResult, simulate, tracer_layout
from hydro.units import SECONDS_PER_DAY
from hydro.validation.problems import (
    build,
    mixed_tank_problem,
    single_reach_problem,
    uniform_inputs,
    varying_case,
)
from hydro.validation.registry import Check, case

_PER_TRACER = ("boundary_flux", "boundary_conc", "lateral_load", "point_load", "res_load", "init_conc",
               "init_res_conc")


def nitrogen_chain(sink_orgn: float = 0.05, sink_no3n: float = 0.1) -> Constituent:
    """TN as organic N -> NH3-N -> nitrate, with settling of organic N and denitrification (d-1)."""
    species = (Constituent("orgn", "organic N", river_removal_per_day=sink_orgn),
               Constituent("nh3n", "ammonia N"),
               Constituent("no3n", "nitrate N", river_removal_per_day=sink_no3n))
    reactions = (Reaction("orgn", "nh3n", river_rate_per_day=0.2),
                 Reaction("nh3n", "no3n", river_rate_per_day=0.5))
    return Constituent("tn", "total nitrogen", species=species, reactions=reactions)


def _species_inputs(kw: dict, n: int) -> dict:
    """One tracer's inputs repeated for ``n`` species."""
    return {**kw, **{k: np.repeat(kw[k], n, axis=-1) for k in _PER_TRACER}}


def _run(net, constituents, kw) -> TransportResult:
    lay = tracer_layout(constituents, ["all"])
    return simulate(net, lay.tracers, build(kw), groups=lay.groups, group_species=lay.group_species,
                    reactions=lay.reactions)


def bateman_chain_errors(cells=(50, 100, 200), u: float = 0.5, length: float = 40_000.0,
                         temperature: float = 20.0) -> list[float]:
    """Largest relative error of the steady outlet concentrations, per grid (cells over ``length`` m).

    ``temperature`` (deg C) is the water's; every rate (removal and reaction, theta 1.047)
    is ``k20 1.047**(T - 20)``.
    """
    c_in = np.array([2.0, 1.0, 0.5])
    k = np.array([[-0.25, 0.0, 0.0], [0.2, -0.5, 0.0], [0.0, 0.5, -0.1]]) / SECONDS_PER_DAY
    k = k * 1.047 ** (temperature - 20.0)
    exact = expm(k * length / u) @ c_in
    errors = []
    for n in cells:
        net, kw = single_reach_problem(length, n, u, 0.0, 4)  # 4 days: > 4 travel times
        kw = _species_inputs(kw, 3)
        kw["boundary_flux"][:] = 10.0 * c_in
        kw["reach_temp"][:] = temperature
        res = _run(net, [nitrogen_chain()], kw)
        errors.append(float(np.abs(res.reach_concentration[-1, 0, :] / exact - 1.0).max()))
    return errors


def reservoir_chain_errors(n_day: int = 600, temperature: float = 20.0) -> tuple[float, float]:
    """(largest relative error of the steady state, budget closure) of the settling tank.

    ``temperature`` (deg C) is the water's: the reaction and the removal run at
    ``k20 1.047**(T - 20)``; settling does not depend on it.
    """
    volume, area, flow = 5e7, 1e7, 20.0
    c_in = np.array([0.3, 0.1])
    vs, k_pp, k_dp = 0.1, 0.05, 0.02  # m/d, d-1, d-1
    tp = Constituent("tp", "total phosphorus",
                     species=(Constituent("pp", "particulate P", settling_velocity_m_per_day=vs),
                              Constituent("dp", "dissolved P", reservoir_removal_per_day=k_dp)),
                     reactions=(Reaction("pp", "dp", reservoir_rate_per_day=k_pp),))
    net, kw = mixed_tank_problem(volume, area, flow, 1.0, n_day)
    kw = _species_inputs(kw, 2)
    kw["res_load"][:] = flow * c_in
    kw["res_temp"][:] = temperature
    res = _run(net, [tp], kw)
    day = SECONDS_PER_DAY
    k_pp, k_dp = (k * 1.047 ** (temperature - 20.0) for k in (k_pp, k_dp))
    c_pp = flow * c_in[0] / (flow + vs / day * area + k_pp / day * volume)
    c_dp = (flow * c_in[1] + k_pp / day * volume * c_pp) / (flow + k_dp / day * volume)
    err = np.abs(res.reservoir_concentration[-1, 0, :] / np.array([c_pp, c_dp]) - 1.0).max()
    return float(err), res.closure("reservoir")


def species_sum_deviation(seed: int = 5, n_reach: int = 200, n_day: int = 10) -> float:
    """Largest relative difference between the species summed and the constituent run alone."""
    net, kw, gross, local, boundary = varying_case(seed, n_reach, n_day, reservoir=False)
    rng = np.random.default_rng(seed)
    kw = uniform_inputs(kw, gross, local, boundary)
    kw["lateral_load"] = kw["lateral_load"] * rng.uniform(0.5, 3.0, kw["lateral_load"].shape)
    kw["reach_temp"] = rng.uniform(2.0, 28.0, kw["reach_temp"].shape)
    alone = simulate(net, [Constituent("tn", "tn", river_removal_per_day=0.1, river_theta=1.05)], build(kw))
    species = tuple(Constituent(n, n, river_removal_per_day=0.1, river_theta=1.05) for n in ("orgn", "nh3n", "no3n"))
    chain = Constituent("tn", "tn", species=species,
                        reactions=(Reaction("orgn", "nh3n", river_rate_per_day=0.3, river_theta=1.02),
                                   Reaction("nh3n", "no3n", river_rate_per_day=1.5, river_theta=1.08)))
    split = _species_inputs(kw, 3)
    shares = np.array([0.5, 0.3, 0.2])  # the loads and initial state split among the species
    for key in _PER_TRACER:
        split[key] = kw[key] * shares
    res = _run(net, [chain], split)
    worst = 0.0
    for name in ("reach_load", "final_concentration", "section_load"):
        a, b = getattr(res, name).sum(axis=-1), getattr(alone, name)[..., 0]
        if b.size:
            worst = max(worst, float(np.abs(a - b).max() / max(np.abs(b).max(), 1e-30)))
    return worst


@case("reaction_chain_bateman", layer="analytical")
def reaction_chain_bateman_case():
    """Organic N -> NH3-N -> nitrate down a steady channel: the Bateman solution at the travel time."""
    errors = bateman_chain_errors()
    order = float(np.log2(errors[-2] / errors[-1]))
    # 5e-5: the composition is upwinded (module docstring), first order: 2.1e-5 at 200
    # cells of 200 m; a wrong rate, theta or product shows at 1e-2 or more.
    # Order >= 0.9: first order as designed; a scheme error would stall it near 0.
    # At 12 deg C every rate is 0.69 of its k20 (theta 1.047): a reaction rate taken at
    # 20 deg C shows 0.16; measured 1.1e-5.
    cold = bateman_chain_errors(cells=(200,), temperature=12.0)[0]
    return [Check.at_most("reaction_chain_bateman", "max_relative_error_200_cells", errors[-1], 5e-5),
            Check.at_least("reaction_chain_bateman", "observed_order", order, 0.9),
            Check.at_most("reaction_chain_bateman", "max_relative_error_200_cells_at_12C", cold, 5e-5)]


@case("reservoir_chain_steady", layer="analytical")
def reservoir_chain_steady_case():
    """Particulate P settling and turning into dissolved P in a tank: the steady state exactly."""
    err, closure = reservoir_chain_errors()
    cold, _ = reservoir_chain_errors(n_day=900, temperature=8.0)  # slower at 8 deg C: 900 days
    # The tank is exact and the product's source is constant at steady state; 600 days
    # leave exp(-32.7) = 6e-15 of the dissolved P transient.  Measured 1.2e-13 (round-off
    # of the 600 days' updates): 1e-11 (the bound was 1e-6).  Closure: round-off.
    return [Check.at_most("reservoir_chain_steady", "steady_state_relative_error", err, 1e-11),
            Check.at_most("reservoir_chain_steady", "budget_closure", closure, 1e-10),
            # at 8 deg C the dissolved P transient leaves exp(-41) after 900 days (it would
            # leave 1e-12 after 600); rates taken at 20 deg C whatever the temperature show 0.2
            Check.at_most("reservoir_chain_steady", "steady_state_relative_error_at_8C", cold, 1e-11)]


@case("species_sum", layer="analytical")
def species_sum_case():
    """Species that only turn into each other carry the constituent exactly (200-reach varying tree)."""
    # 1e-12: the reaction propagators' columns sum to 1 to ~1e-16 and the species
    # share the constituent's limited flux; anything that lost or made mass shows at
    # the size of the reaction rates' effect, 1e-2 or more.
    return [Check.at_most("species_sum", "max_relative_difference_to_constituent_alone",
                          species_sum_deviation(), 1e-12)]
