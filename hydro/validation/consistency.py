"""Verification cases for flows that change every day: consistency with continuity
and the discrete maximum principle.

A conservative finite-volume scheme must also be *consistent with continuity*
(Gross et al. 2002, Ocean Modelling 4): under any flow field whose water
balance closes, a uniform concentration stays uniform.  And for Courant <= 1 no
concentration may leave the range of the initial and input values (a discrete
maximum principle).  Both are checked on a random tree of 200 reaches with a
reservoir, daily flow changes of a factor e^(0.5 N(0,1)), reaches that store and
release water, and withdrawals (:func:`hydro.validation.problems.varying_case`).
"""

from __future__ import annotations

import numpy as np

from hydro.network import Network, Reach
from hydro.transport import Constituent, TransportInputs, simulate
from hydro.validation.problems import empty_inputs, ranged_inputs, uniform_inputs, varying_case
from hydro.validation.registry import Check, case

#: Network size and length of the random varying-flow case.
N_REACH, N_DAY = 200, 20


def uniform_river_deviation(seed: int = 7) -> float:
    """Largest |C - 1| (mg/L) anywhere, any day, on the random varying tree fed at 1 mg/L."""
    net, kw, gross, local, boundary = varying_case(seed, N_REACH, N_DAY)
    kw = uniform_inputs(kw, gross, local, boundary)
    kw["dispersive_inlet"] = net.layout.headwater & (np.arange(N_REACH) % 2 == 0)
    tr = simulate(net, [Constituent("c", "c")], TransportInputs(**kw))
    return float(max(np.abs(a - 1.0).max() for a in (tr.final_concentration, tr.reach_concentration,
                                                     tr.section_concentration, tr.reservoir_concentration)
                     if a.size))


def halved_flow_outlet() -> float:
    """Largest |C - 1| at the outlet of a uniform reach whose flow goes 10, 5, 10, 20 m3/s (the reviewer's case)."""
    reach = Reach(id="r", name="r", length_m=20_000.0, downstream=None, velocity_coeff=0.3, velocity_exp=0.4,
                  width_coeff=8.0, width_exp=0.4, dispersion_m2_s=5.0, n_cells=10)
    net = Network((reach,))
    q = np.array([10.0, 5.0, 10.0, 20.0])[:, None]
    kw = empty_inputs(net, 4, 1, q)
    kw["init_conc"][:] = 1.0
    kw["boundary_flux"] = q[:, :, None] * 1.0
    tr = simulate(net, [Constituent("c", "c")], TransportInputs(**kw))
    return float(np.abs(tr.reach_concentration[:, 0, 0] - 1.0).max())


def range_excursion(seed: int = 11, lo: float = 0.5, hi: float = 3.0) -> tuple[float, float]:
    """(lo - min, max - hi) of every concentration on the random varying tree, inputs in [lo, hi], Courant 1."""
    net, kw, gross, local, boundary = varying_case(seed, N_REACH, N_DAY)
    kw = ranged_inputs(net, kw, gross, local, boundary, np.random.default_rng(seed), lo, hi)
    tr = simulate(net, [Constituent("c", "c")], TransportInputs(**kw), courant=1.0)
    arrays = [a for a in (tr.final_concentration, tr.reach_concentration, tr.section_concentration,
                          tr.reservoir_concentration) if a.size]
    return float(lo - min(a.min() for a in arrays)), float(max(a.max() for a in arrays) - hi)


@case("varying_flow_consistency", layer="analytical")
def varying_flow_consistency_case():
    """A uniform river stays uniform under daily-varying flows, storage, withdrawals and a reservoir."""
    # 1e-12: round-off of a few thousand sub-steps at ~1e-16 each; any inconsistency
    # between volumes and fluxes shows at 1e-3 or more (0.32-3.62 before the fix)
    return [Check.at_most("varying_flow_consistency", "max_abs_deviation_200_reach_tree",
                          uniform_river_deviation(), 1e-12),
            Check.at_most("varying_flow_consistency", "max_abs_deviation_halved_then_doubled_flow",
                          halved_flow_outlet(), 1e-12)]


@case("maximum_principle", layer="analytical")
def maximum_principle_case():
    """No concentration leaves the range of the initial and input values at Courant 1."""
    below, above = range_excursion()
    # round-off only (values of order 1)
    return [Check.at_most("maximum_principle", "undershoot_below_input_minimum", below, 1e-12),
            Check.at_most("maximum_principle", "overshoot_above_input_maximum", above, 1e-12)]
