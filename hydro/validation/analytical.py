"""Analytical and conservation cases of the transport solver.

Each case runs the solver users run (:func:`hydro.transport.simulate`) on a
problem with a closed-form answer and returns :class:`Check` records.  The
tolerances are the acceptance criteria of the transport engine; the comment
beside each says why it is the right size.
"""

from __future__ import annotations

import itertools
import time

import numpy as np
from scipy.special import erf, erfc, erfcx

from hydro.network import Network
from hydro.transport import Constituent, simulate
from hydro.validation.finite_column import danckwerts_steady_cell_average
from hydro.validation.flux_inlet_solution import panel_average
from hydro.validation.problems import (build, empty_inputs, mixed_tank_problem, single_reach_problem,
                                       uniform_reach)
from hydro.validation.registry import Check, case

from hydro.units import SECONDS_PER_DAY as DAY


# ----------------------------------------------------------------------------- solutions
def ogata_banks(x, t, u, d, c0=1.0):
    """Ogata & Banks (1961): continuous injection at x = 0 into a semi-infinite column.

    ``C/C0 = 1/2 [erfc((x - ut)/(2 sqrt(Dt))) + exp(ux/D) erfc((x + ut)/(2 sqrt(Dt)))]``;
    the second term is evaluated as ``exp(ux/D - z^2) erfcx(z)`` to avoid overflow.

    Parameters
    ----------
    x : array  distance from the inlet, m
    t : float  time since the injection started, s
    u : float  velocity, m s-1
    d : float  dispersion coefficient, m2 s-1
    c0 : float  inlet concentration, mg L-1
    """
    s = 2.0 * np.sqrt(d * t)
    z1 = (x - u * t) / s
    z2 = (x + u * t) / s
    return 0.5 * c0 * (erfc(z1) + np.exp(u * x / d - z2**2) * erfcx(z2))


def danckwerts_steady(x, length, u, d, k, c_in):
    """Steady advection-dispersion-decay on [0, L] with a flux (Danckwerts) inlet and dc/dx = 0 at L.

    ``u c_in = u c(0) - D c'(0)``; ``c = A exp(l1 (x - L)) + B exp(l2 x)`` with
    ``l1,2 = u (1 +- sqrt(1 + 4kD/u^2)) / (2D)`` (written so no exponential overflows).

    Parameters
    ----------
    x : array  distance, m;  length : float  domain length, m;  u : m s-1;  d : m2 s-1;
    k : float  first-order rate, s-1;  c_in : float  inflow concentration, mg L-1
    """
    b = np.sqrt(1.0 + 4.0 * k * d / u**2)
    l1 = u * (1.0 + b) / (2.0 * d)
    l2 = u * (1.0 - b) / (2.0 * d)
    m = np.array([[(u - d * l1) * np.exp(-l1 * length), u - d * l2],
                  [l1, l2 * np.exp(l2 * length)]])
    a, bb = np.linalg.solve(m, [u * c_in, 0.0])
    return a * np.exp(l1 * (x - length)) + bb * np.exp(l2 * x)


def gaussian_cell_average(x, dx, centre, sigma):
    """Cell averages (over [x - dx/2, x + dx/2]) of ``exp(-(x - centre)^2 / (2 sigma^2))``."""
    lo, hi = x - dx / 2, x + dx / 2
    r2 = np.sqrt(2.0) * sigma
    return 0.5 * (erf((hi - centre) / r2) - erf((lo - centre) / r2)) * sigma * np.sqrt(2 * np.pi) / dx


# ----------------------------------------------------------------------------- runners
def ogata_banks_cell_average(lo, hi, t, u, d, c0=1.0):
    """Averages of :func:`ogata_banks` over cells ``[lo, hi]`` (m), mg L-1.

    The solver holds cell averages; at 100 m cells the point value at the centre
    differs from the average by up to 6e-5 C0 (``dx^2 C''/24`` at the front), a
    sixth of the solver's own error, so the comparison is with averages
    (composite Gauss-Legendre on panels a quarter of the front width ``sqrt(D t)``).
    """
    return panel_average(lambda x: ogata_banks(x, t, u, d, c0), lo, hi, 0.25 * np.sqrt(d * t))


def ogata_banks_study(dx, courant, u=0.5, d=10.0, length=80_000.0):
    """One Ogata-Banks run: (max |error| / C0 against cell averages, seconds, Courant number used).

    Continuous injection at C0 = 1 mg/L through a concentration (first-type) inlet
    (``dispersive_inlet``), compared after one day; the reach (80 km) is long enough
    that the front (43 km, width ``sqrt(D t)`` = 930 m) never meets its outlet.
    """
    n = int(round(length / dx))
    net, kw = single_reach_problem(length, n, u, d, 1)
    kw["boundary_flux"][:] = 10.0 * 1.0  # Q C0, g s-1
    kw["boundary_conc"][:] = 1.0
    kw["dispersive_inlet"][:] = True
    t0 = time.perf_counter()
    res = simulate(net, [Constituent("c", "c")], build(kw), courant=courant)
    seconds = time.perf_counter() - t0
    lo = np.arange(n) * dx
    exact = ogata_banks_cell_average(lo, lo + dx, DAY, u, d)
    used = u * DAY / res.substeps[-1] / dx
    return float(np.abs(res.final_concentration[:, 0] - exact).max()), seconds, float(used)


def run_ogata_banks(dx, courant, u=0.5, d=10.0, length=80_000.0):
    """Max |error| / C0 after one day of continuous injection at C0 = 1 mg/L; and seconds."""
    err, seconds, _ = ogata_banks_study(dx, courant, u, d, length)
    return err, seconds


def run_gaussian_pulse(dx, k_per_day=0.2, temperature=20.0, theta=1.047, u=0.5, d=5.0,
                       length=120_000.0, x0=20_000.0, sigma0=3_000.0):
    """A Gaussian pulse advected, dispersed and decayed for one day.

    Returns (L1 error in mg L-1 m, peak relative error, centroid error / dx,
    relative mass error against M0 exp(-k t)).
    """
    n = int(round(length / dx))
    net, kw = single_reach_problem(length, n, u, d, 1)
    x = (np.arange(n) + 0.5) * dx
    kw["init_conc"][:, 0] = gaussian_cell_average(x, dx, x0, sigma0)
    kw["reach_temp"][:] = temperature
    tracer = Constituent("c", "c", river_removal_per_day=k_per_day, river_theta=theta)
    res = simulate(net, [tracer], build(kw), courant=0.9)
    k = k_per_day * theta ** (temperature - 20.0)
    sigma = np.sqrt(sigma0**2 + 2 * d * DAY)
    exact = gaussian_cell_average(x, dx, x0 + u * DAY, sigma) * sigma0 / sigma * np.exp(-k)
    c = res.final_concentration[:, 0]
    m0 = kw["init_conc"][:, 0].sum()
    l1 = float(np.abs(c - exact).sum() * dx)
    peak = float(c.max() / exact.max() - 1.0)
    centroid = float(((c * x).sum() / c.sum() - (x0 + u * DAY)) / dx)
    mass = float(c.sum() / (m0 * np.exp(-k)) - 1.0)
    return l1, peak, centroid, mass


# ----------------------------------------------------------------------------- cases
#: Ogata-Banks refinement: 400, 200, 100 m at Courant 0.9, a whole number of sub-steps a day
#: (120, 240, 480) and cell Peclet numbers u dx / D = 20, 10, 5 >= 2 x 0.9, so the Courant bound,
#: not the explicit dispersion step's dx^2/(2D), sets the step and the Courant number stays 0.9
#: (checked).  Below ~40 m the dispersion bound takes over, the Courant number falls with dx and
#: the error of a Lax-Wendroff-type scheme grows as it falls (measured: 1.4e-4 at 50 m, 2.6e-4
#: at 25 m, 1.7e-4 at 12.5 m), so finer grids are not in a fixed-Courant study.
OGATA_BANKS_DX = (400.0, 200.0, 100.0)


@case("ogata_banks", layer="analytical")
def ogata_banks_case():
    """Continuous injection (Ogata-Banks): error <= 2e-3 C0 at Courant 0.5-0.9, order >= 1.5 at Courant 0.9."""
    checks = []
    # Grid Peclet u dx / D = 5 at dx = 100 m.  Measured against cell averages: 9.5e-4,
    # 5.4e-4, 3.4e-4 C0 at Courant 0.5, 0.7, 0.9.  2e-3 C0 fails what a referee would
    # call a wrong solver (measured on mutated kernels, Courant 0.5 / 0.7 / 0.9): the
    # minmod limiter instead of MC 6.8e-3 / 4.4e-3 / 1.5e-3, unlimited Lax-Wendroff
    # 9.4e-3 / 6.4e-3 / 2.4e-3, the day's last half advection step dropped 6.9e-3 /
    # 1.1e-2 / 1.4e-2, first-order upwind 9.8e-2 / 6.8e-2 / 2.7e-2, D x 1.02 3.3e-3 /
    # 2.9e-3 / 2.5e-3.  (The bound was 1e-2, which passed all but upwind.)
    for courant in (0.5, 0.7, 0.9):
        err, _, _ = ogata_banks_study(100.0, courant)
        checks.append(Check.at_most("ogata_banks", f"max_abs_error_over_c0_courant_{courant}", err, 2e-3))
    runs = [ogata_banks_study(dx, 0.9) for dx in OGATA_BANKS_DX]
    # the study is what it claims: Courant 0.9 on every grid (OGATA_BANKS_DX)
    checks.append(Check.within("ogata_banks", "courant_deviation", max(abs(r[2] - 0.9) for r in runs), 1e-9))
    errors = np.array([r[0] for r in runs])
    orders = np.log2(errors[:-1] / errors[1:])
    for order, (a, b) in zip(orders, itertools.pairwise(OGATA_BANKS_DX), strict=True):
        # Measured 2.20 and 2.33 (errors 7.9e-3, 1.7e-3, 3.4e-4 C0, far above round-off);
        # the limiter clips the front's curvature, so a TVD scheme shows 1.5-2.3 and
        # 1.5 is the engine's bound, as for the Gaussian pulse; first-order upwind
        # shows 0.8-0.9 and a dispersion coefficient 2 % off stalls the finest pair.
        checks.append(Check.at_least("ogata_banks", f"observed_order_{a:g}m_to_{b:g}m", order, 1.5))
    return checks


@case("gaussian_convergence", layer="analytical")
def gaussian_convergence_case():
    """Observed order of accuracy on a smooth Gaussian pulse (dx 400, 200, 100 m): >= 1.5."""
    errors = [run_gaussian_pulse(dx)[0] for dx in (400.0, 200.0, 100.0)]
    orders = np.log2(np.array(errors[:-1]) / np.array(errors[1:]))
    # The limiter clips smooth extrema, so a TVD scheme shows between 1.5 and 2;
    # 1.5 is the engine's acceptance bound.
    return [Check.at_least("gaussian_convergence", "observed_order_400_200m", orders[0], 1.5),
            Check.at_least("gaussian_convergence", "observed_order_200_100m", orders[1], 1.5)]


@case("gaussian_pulse", layer="analytical")
def gaussian_pulse_case():
    """Gaussian pulse with advection, dispersion and decay: peak, centroid and exact mass."""
    _, peak, centroid, mass = run_gaussian_pulse(200.0)
    _, _, _, mass_cold = run_gaussian_pulse(200.0, temperature=8.0)
    return [
        # Peak: measured -6.0e-4 (the limiter clips the smooth extremum); 2e-3 fails the
        # minmod limiter (-6.0e-3) and first-order upwind (-4.2e-2).  The bound was 1e-2.
        Check.within("gaussian_pulse", "peak_relative_error", peak, 2e-3),
        # Centroid: a conservative scheme at constant velocity moves the first moment by
        # u t whatever its limiter (measured 1.7e-4 cells); dropping the day's last half
        # advection step (1/480 of the day, 90 m) shows -0.45 cells, which the old bound
        # of 0.5 cells passed.  0.01 cells is 2 m, about 1/20,000 of a day's travel.
        Check.within("gaussian_pulse", "centroid_error_cells", centroid, 0.01),
        # Mass only changes by exact exponential decay: round-off over ~500 sub-steps
        # of 600 cells stays far below 1e-10.
        Check.within("gaussian_pulse", "mass_relative_error", mass, 1e-10),
        Check.within("gaussian_pulse", "mass_relative_error_at_8C_theta_1.047", mass_cold, 1e-10),
    ]


@case("danckwerts_steady", layer="analytical")
def danckwerts_case():
    """Steady decay with a flux (Danckwerts) inlet: relative error <= 3e-4 on a 50 m grid."""
    u, d, length, k_day, dx = 0.5, 20.0, 40_000.0, 0.5, 50.0
    n = int(length / dx)
    net, kw = single_reach_problem(length, n, u, d, 4)  # 4 days: > 4 travel times
    kw["boundary_flux"][:] = 10.0 * 2.0
    kw["boundary_conc"][:] = 2.0
    res = simulate(net, [Constituent("c", "c", river_removal_per_day=k_day)], build(kw), courant=0.9)
    lo = np.arange(n) * dx
    exact = danckwerts_steady_cell_average(lo, lo + dx, length, u, d, k_day / DAY, 2.0)
    rel = float(np.abs(res.final_concentration[:, 0] / exact - 1.0).max())
    # Measured 1.1e-4.  The profile falls by exp(-k L / u) = exp(-0.46) along the reach,
    # so a decay rate 1 % off moves the outlet by 4.6e-3 (measured), and a leak of 1e-6
    # of the mass per sub-step by 1.3e-3, cells 0.2 % too large (the velocity 0.2 % slow)
    # by 9.5e-4; 3e-4 fails all three (the bound was 1e-3, which passed the last).
    return [Check.at_most("danckwerts_steady", "max_relative_error", rel, 3e-4)]


def run_mixed_tank(temperature=20.0, theta=1.047):
    """The mixed tank with settling and decay at ``temperature`` (deg C) for 400 days.

    Returns (simulated daily concentrations, exact ones, exact steady state, all mg L-1,
    and the :class:`~hydro.transport.TransportResult`); the decay rate is
    ``0.01 theta**(T - 20)`` d-1.
    """
    volume, area, flow, c_in, n_day = 5e7, 1e7, 20.0, 2.0, 400
    settling, k_day = 0.05, 0.01
    net, kw = mixed_tank_problem(volume, area, flow, c_in, n_day)
    kw["res_temp"][:] = temperature
    tracer = Constituent("c", "c", settling_velocity_m_per_day=settling, reservoir_removal_per_day=k_day,
                         reservoir_theta=theta)
    res = simulate(net, [tracer], build(kw))
    rate = flow / volume + settling / DAY * area / volume + k_day * theta ** (temperature - 20.0) / DAY
    steady = flow * c_in / (volume * rate)
    t = np.arange(1, n_day + 1) * DAY
    return res.reservoir_concentration[:, 0, 0], steady * (1.0 - np.exp(-rate * t)), steady, res


@case("mixed_tank", layer="analytical")
def mixed_tank_case():
    """Reservoir as a mixed tank: step response to 1e-12 at 20 and 8 deg C, and steady state (relative)."""
    c, exact, steady, res = run_mixed_tank()
    cold, cold_exact, _, _ = run_mixed_tank(temperature=8.0)
    # The tank is integrated exactly over each sub-step (an exponential), so the step
    # response is round-off: measured 2.4e-15; 1e-12 leaves 400x for other libm builds
    # (the bound was 1e-6: a removal rate 1e-6 off would have passed).  At 8 deg C the
    # removal is 0.01 x 1.047^-12 d-1: a reservoir rate taken at 20 deg C shows 7.8e-2.
    # After 400 days the exact solution is still exp(-21.8) = 3.3e-10 short of its
    # steady state, which is what the steady-state check measures (3.33e-10): 1e-9.
    return [
        Check.at_most("mixed_tank", "step_response_max_relative_error", float(np.abs(c / exact - 1).max()), 1e-12),
        Check.at_most("mixed_tank", "step_response_max_relative_error_at_8C_theta_1.047",
                      float(np.abs(cold / cold_exact - 1).max()), 1e-12),
        Check.at_most("mixed_tank", "steady_state_relative_error", abs(c[-1] / steady - 1), 1e-9),
        Check.at_most("mixed_tank", "budget_closure", res.closure("reservoir"), 1e-10),
    ]


@case("junction_mixing", layer="analytical")
def junction_mixing_case():
    """Two branches meeting: the flow-weighted concentration exact to round-off."""
    a = uniform_reach(5000.0, 10, 0.5, 0.0, rid="a", downstream="c")
    b = uniform_reach(7000.0, 7, 0.4, 0.0, rid="b", downstream="c")
    c = uniform_reach(9000.0, 9, 0.6, 0.0, rid="c")
    net = Network((a, b, c))
    q = np.array([3.0, 5.0, 8.0])
    kw = empty_inputs(net, 3, 1, q)
    kw["boundary_flux"][:, 0, 0] = 3.0 * 1.7
    kw["boundary_flux"][:, 1, 0] = 5.0 * 0.3
    res = simulate(net, [Constituent("c", "c")], build(kw))
    expected = (3.0 * 1.7 + 5.0 * 0.3) / 8.0
    # After two days of constant flow every cell holds the steady value; the
    # remaining error is a few units of round-off (sums and one division).
    err = abs(res.reach_concentration[-1, 2, 0] / expected - 1.0)
    return [Check.at_most("junction_mixing", "relative_error", err, 1e-13)]


@case("point_source", layer="analytical")
def point_source_case():
    """A point load into cell 30 of 100: nothing above it, exactly W/Q from it down, the load at the outlet."""
    net, _ = single_reach_problem(20_000.0, 100, 0.5, 0.0, 3)
    kw = empty_inputs(net, 3, 1, 10.0, n_point=1)
    kw["point_cell"][:] = 30
    kw["point_load"][:] = 5.0  # W, g s-1, into Q = 10 m3 s-1: 0.5 mg/L below it
    res = simulate(net, [Constituent("c", "c")], build(kw))
    c = res.final_concentration[:, 0]
    # Without dispersion or decay the steady profile is a step at the load's own cell
    # (the limiter sees a flat field on each side), so every value is W/Q or 0 to
    # round-off (measured 0 and 1e-16); a load put one cell off, or lost, shows as 1.
    above, below = float(np.abs(c[:30]).max()), float(np.abs(c[30:] / 0.5 - 1).max())
    return [Check.at_most("point_source", "max_concentration_above_the_load_mg_per_l", above, 1e-15),
            Check.at_most("point_source", "max_relative_error_from_the_load_down", below, 1e-12),
            Check.at_most("point_source", "outlet_load_relative_error",
                          abs(float(res.reach_load[-1, 0, 0]) / (5.0 * DAY * 1e-3) - 1.0), 1e-12)]


@case("example_budget", layer="conservation")
def example_budget_case():
    """The shipped example network: water and mass budgets close to round-off."""
    from hydro.basin import Basin
    from hydro.simulation import run
    from hydro.run_summary import budget_closure

    res = run(Basin.load("tiny"))
    # Budgets are judged relative to the mass that was there or entered (hydro.summary);
    # measured 1e-14 to 2e-14 over the example's years of daily sub-steps, so 1e-10 is
    # round-off with room, while one day's load lost or counted twice shows at 1e-3.
    # The reservoir's water balance is one subtraction a day: 1e-16 measured, 1e-12 bound.
    checks = [Check.at_most("example_budget", f"{c}_budget_closure", budget_closure(res, c), 1e-10)
              for c in res.constituents]
    inflow = res["reservoir_inflow"][:, 0] * DAY
    out = (res["reservoir_release"][:, 0] + res["reservoir_spill"][:, 0]) * DAY
    storage = np.concatenate([[Basin.load("tiny").network.reservoirs[0].initial_storage_m3],
                              res["reservoir_storage"][:, 0]])
    water = np.abs(np.diff(storage) - (inflow - out - res["reservoir_evaporation"][:, 0])) / storage[:-1]
    checks.append(Check.at_most("example_budget", "reservoir_water_balance", float(water.max()), 1e-12))
    return checks
