"""Numerics of the transport and routing core that an outside mutation audit (2026-12-05) of
hydro/_transport_kernels.py, hydro/_routing_kernels.py, hydro/_hydraulics_kernels.py and their Python
wrappers found no test pinning: each test here passes on the code as it is and fails with the mutant
named in its docstring (both checked when written).  Every expected value is derived independently of
the code (a closed-form steady state or a conservation law), never copied from a run."""

from __future__ import annotations

import numpy as np

from hydro.transport import Constituent, Reaction, TransportInputs, simulate, tracer_layout
from hydro.units import SECONDS_PER_DAY
from hydro.validation.problems import mixed_tank_problem


def test_species_of_a_tank_with_different_removal_keep_their_own_steady_states():
    """Mutant: hydro/_transport_kernels.py:1354 (reservoir_tanks), ``k == k_first or rate != res_coef[s, 0]
    or area != res_coef[s, 1]`` -> ``k == k_first or area != res_coef[s, 1]``: the tank's cached
    coefficients (removal, decay) of the first species reused for a later species whose removal rate
    differs (a sink-only reaction makes it differ; no product, so the step is not cut into pieces).

    A well-mixed tank of constant volume V fed Q c_in and releasing Q has the steady state
    c = Q c_in / (Q + k V + vs A) for each species (k its removal plus its reactions out, per second).
    Started there, the exact tank solution keeps it to round-off."""
    V, A, Q, c_in, n_day = 5e6, 1e6, 10.0, 2.0, 3
    a = Constituent("a", "a", reservoir_removal_per_day=0.05, reservoir_theta=1.0)
    b = Constituent("b", "b", reservoir_removal_per_day=0.4, reservoir_theta=1.0, settling_velocity_m_per_day=0.0)
    chain = Constituent("t", "t", species=(a, b),
                        reactions=(Reaction("b", None, river_rate_per_day=0.0, reservoir_rate_per_day=0.3,
                                            reservoir_theta=1.0),))
    lay = tracer_layout([chain], ["x"])
    net, kw = mixed_tank_problem(V, A, Q, c_in, n_day)
    kw = {k: (np.repeat(v, 2, axis=-1) if k in ("boundary_flux", "boundary_conc", "lateral_load", "res_load",
                                                "init_conc", "init_res_conc", "point_load") else v)
          for k, v in kw.items()}
    k_a = 0.05 / SECONDS_PER_DAY
    k_b = (0.4 + 0.3) / SECONDS_PER_DAY
    steady = np.array([Q * c_in / (Q + k_a * V), Q * c_in / (Q + k_b * V)])
    kw["init_res_conc"] = steady[None, :].copy()
    tr = simulate(net, lay.tracers, TransportInputs(**kw), groups=lay.groups, group_species=lay.group_species,
                  reactions=lay.reactions)
    # round-off of a few hundred exact tank steps
    np.testing.assert_allclose(tr.reservoir_concentration[:, 0, :], np.broadcast_to(steady, (n_day, 2)), rtol=1e-10)


def test_routing_takes_the_sub_steps_of_a_courant_number_nearest_one():
    """Mutant: hydro/_routing_kernels.py:295 (courant_substeps), ``int(rho + 0.5)`` -> ``int(rho)``: the
    sub-steps rounded down, not to the nearest, so the cell Courant number ``c dt / dx`` sat between 1
    and 2 rather than nearest 1 (the module docstring: ``round(c * 86400 / dx)``).

    A prismatic reach (velocity exponent 0: celerity = velocity, whatever the flow) of one cell with
    ``c * 86400 / dx = 2.6`` has 3 sub-steps (Courant 0.87), not 2 (1.3).  Its storage condition
    ``S0 >= dt/2 O0`` needs only ``ceil(2.6 / 2) = 2``, so it does not decide the count."""
    from hydro.network import Network, Reach
    from hydro.routing import route

    c, rho = 0.3, 2.6
    length = c * SECONDS_PER_DAY / rho
    net = Network((Reach(id="r", name="r", length_m=length, downstream=None, velocity_coeff=c, velocity_exp=0.0,
                         width_coeff=10.0, width_exp=0.0, dispersion_m2_s=0.0, n_cells=1),))
    n_day = 3
    z = np.zeros((n_day, 0))
    h = route(net, np.array([1e-3]), np.zeros((n_day, 1)), np.full((n_day, 1), 5.0), z, z, z,
              np.ones(n_day, dtype=np.int64), sub_reaches=[1])
    assert (h.substeps == 3).all()
    # a steady inflow stays steady: the outflow is the inflow, to round-off
    np.testing.assert_allclose(h.q_out, 5.0, rtol=1e-12)


def test_a_reach_without_outflow_is_refused():
    """Mutant: hydro/transport_checks.py:129 (_check_inputs), ``arr["q_out"] <= 0`` -> ``arr["q_out"] < 0``:
    a reach whose outlet carries exactly no water on a day let through (the inlet's zero is tested,
    the outlet's was not).  Every reach needs outflow > 0 (TransportInputs: ``q_out > 0``): a cell
    with no water leaving has no Courant limit and the budget of its outlet no meaning."""
    import pytest

    from hydro.errors import HydroError
    from hydro.validation.problems import single_reach_problem

    net, kw = single_reach_problem(5000.0, 3, 0.5, 10.0, 3)
    kw["q_out"][1, 0] = 0.0
    with pytest.raises(HydroError, match=r"reach 'reach' has no flow at its outlet on day"):
        simulate(net, [Constituent("c", "c")], TransportInputs(**kw))


def test_a_budget_period_cannot_be_skipped():
    """Mutant: hydro/transport_checks.py:67 (arrays), ``np.diff(period) > 1`` -> ``> 2``: a
    ``period_of_day`` that jumps from period 0 to 2 accepted, leaving period 1's budget and the storage at
    its start undefined (the kernel records storage only where the period changes)."""
    import pytest

    from hydro.errors import HydroError
    from hydro.validation.problems import single_reach_problem

    net, kw = single_reach_problem(5000.0, 3, 0.5, 10.0, 3)
    kw["period_of_day"] = np.array([0, 0, 2])
    with pytest.raises(HydroError, match="period_of_day must start at 0 and step by 0 or 1 each day"):
        simulate(net, [Constituent("c", "c")], TransportInputs(**kw))
