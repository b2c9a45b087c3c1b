"""Verification of the flux (third-type, Danckwerts) inlet and its grid-convergence order.

The problem is one-dimensional advection-dispersion with optional first-order
decay on ``x >= 0``, zero initial concentration and, for ``t > 0``, a *flux*
inlet: the total (advective + dispersive) flux through ``x = 0`` is that of the
inflow, ``u C - D dC/dx = u C0`` at ``x = 0``.  This is what the solver does at a
reach inlet that is not flagged ``dispersive_inlet``: the inflow ``Q C0`` enters
the first cell and no dispersive flux crosses the inlet face.  The analytical
solutions, as cell averages, are :mod:`hydro.validation.flux_inlet_solution`
(semi-infinite) and :mod:`hydro.validation.finite_column` (re-exported here).

Cases
-----
``flux_inlet_order``: the transient above on three grids (dx, dx/3, dx/9) with
the Courant number held fixed; first-cell and interior errors and the observed
orders.  ``flux_inlet_steady_order``: the steady Danckwerts problem with decay
on a finite reach (:func:`hydro.validation.analytical.danckwerts_steady`), the
same three-grid study.
"""

from __future__ import annotations

import math

import numpy as np

from hydro.transport import Constituent, simulate
from hydro.validation.analytical import DAY
from hydro.validation.finite_column import danckwerts_steady_cell_average as danckwerts_steady_cell_average
from hydro.validation.finite_column import finite_column_eigenvalues as finite_column_eigenvalues
from hydro.validation.finite_column import flux_inlet_finite as flux_inlet_finite
from hydro.validation.flux_inlet_solution import flux_inlet_cell_average as flux_inlet_cell_average
from hydro.validation.flux_inlet_solution import flux_inlet_semi_infinite as flux_inlet_semi_infinite
from hydro.validation.flux_inlet_solution import scaled_ierfc as scaled_ierfc
from hydro.validation.problems import build, single_reach_problem
from hydro.validation.registry import Check, case


# ----------------------------------------------------------------------------- runners
def _courant_of(res, dx, u):
    """Courant number ``u dt / dx`` of the last day's sub-steps, dimensionless."""
    return float(u * DAY / res.substeps[-1] / dx)


def run_flux_inlet(dx, *, u=0.05, d=2.0, k_per_day=0.0, n_day=1, courant=0.5, c0=1.0,
                   discharge=10.0, interior_from=None):
    """The transient flux-inlet problem on one grid, against the analytical cell averages.

    A prismatic reach (constant velocity and cross-section) starts empty; from
    ``t = 0`` water at ``c0`` flows in through a flux (Danckwerts) inlet.  The
    reach is long enough to count as semi-infinite (``u t + 40 sqrt(D t)``: 20
    front widths beyond the front, where C / C0 < 1e-170, so the outlet sees nothing).

    Parameters
    ----------
    dx : float
        Cell length, m.
    u : float, optional
        Velocity, m s-1.
    d : float, optional
        Dispersion coefficient, m2 s-1.
    k_per_day : float, optional
        First-order decay rate, d-1 (at 20 deg C).
    n_day : int, optional
        Days simulated; the comparison is at ``t = n_day`` days.
    courant : float, optional
        Courant number asked of the solver's sub-steps.
    c0 : float, optional
        Inflow concentration, mg L-1.
    discharge : float, optional
        Discharge, m3 s-1 (the cross-section is ``discharge / u``).
    interior_from : float, optional
        Distance from the inlet, m, where the interior starts (cells whose upstream
        face lies at or beyond it); default ``dx`` (every cell but the first).

    Returns
    -------
    dict
        ``first`` (|error| of the first cell / c0), ``interior`` (max |error| of the
        interior cells / c0), ``courant`` (the Courant number the solver used),
        ``cell_peclet`` (u dx / D), ``n_cells``, ``error`` (signed errors / c0 of
        every cell), ``x`` (cell centres, m).
    """
    t = n_day * DAY
    length_needed = u * t + 40.0 * math.sqrt(d * t)
    n = int(math.ceil(length_needed / dx))
    net, kw = single_reach_problem(n * dx, n, u, d, n_day, discharge)
    kw["boundary_flux"][:] = discharge * c0  # g s-1
    kw["boundary_conc"][:] = c0  # not used at a flux inlet
    kw["dispersive_inlet"][:] = False
    tracer = Constituent("c", "c", river_removal_per_day=k_per_day)
    # laboratory-scale grids (cm cells) take far more than a river's sub-steps in a day: no limit
    res = simulate(net, [tracer], build(kw), courant=courant, max_substeps=None)
    lo = np.arange(n) * dx
    exact = flux_inlet_cell_average(lo, lo + dx, t, u, d, k_per_day / DAY, c0)
    return _summary(res, exact, lo, dx, u, d, c0, interior_from)


def _summary(res, exact, lo, dx, u, d, c0, interior_from):
    """The dict :func:`run_flux_inlet` and :func:`run_steady` return."""
    err = (res.final_concentration[:, 0] - exact) / c0
    inner = lo >= (dx if interior_from is None else interior_from) - 1e-9 * dx
    return {"first": float(abs(err[0])), "interior": float(np.abs(err[inner]).max()),
            "courant": _courant_of(res, dx, u), "cell_peclet": u * dx / d, "n_cells": len(err),
            "error": err, "x": lo + 0.5 * dx}


def run_steady(dx, *, u=0.05, d=2.0, k_per_day=2.0, length=2_000.0, n_day=4, courant=0.5,
               c0=1.0, discharge=10.0, interior_from=None):
    """The steady flux-inlet problem with decay on a finite reach, against exact cell averages.

    The reach starts empty and is run for ``n_day`` days of constant inflow at
    ``c0`` through a flux inlet, long enough for the transient to leave (see the
    case); the outlet has zero gradient, like
    :func:`hydro.validation.analytical.danckwerts_steady`.

    Parameters
    ----------
    dx : float
        Cell length, m (``length / dx`` must be a whole number).
    u, d : float, optional
        Velocity (m s-1) and dispersion coefficient (m2 s-1).
    k_per_day : float, optional
        First-order decay rate, d-1.
    length : float, optional
        Reach length, m.
    n_day : int, optional
        Days simulated.
    courant : float, optional
        Courant number asked of the solver's sub-steps.
    c0 : float, optional
        Inflow concentration, mg L-1.
    discharge : float, optional
        Discharge, m3 s-1.
    interior_from : float, optional
        Where the interior starts, m (default ``dx``), as in :func:`run_flux_inlet`.

    Returns
    -------
    dict
        Same keys as :func:`run_flux_inlet`.
    """
    n = int(round(length / dx))
    net, kw = single_reach_problem(length, n, u, d, n_day, discharge)
    kw["boundary_flux"][:] = discharge * c0
    kw["boundary_conc"][:] = c0
    kw["dispersive_inlet"][:] = False
    tracer = Constituent("c", "c", river_removal_per_day=k_per_day)
    # laboratory-scale grids (cm cells) take far more than a river's sub-steps in a day: no limit
    res = simulate(net, [tracer], build(kw), courant=courant, max_substeps=None)
    lo = np.arange(n) * dx
    exact = danckwerts_steady_cell_average(lo, lo + dx, length, u, d, k_per_day / DAY, c0)
    return _summary(res, exact, lo, dx, u, d, c0, interior_from)


def observed_orders(errors, ratio=3.0):
    """Observed orders ``log(e_i / e_{i+1}) / log(ratio)`` between successive grids."""
    e = np.asarray(errors, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.log(e[:-1] / e[1:]) / math.log(ratio)


# ----------------------------------------------------------------------------- studies
#: The transient study: u^2 t / D = 4 (the front has moved two front widths, so the
#: inlet concentration is still well below C0 and its gradient is large), t = 1 day.
TRANSIENT = {"u": 0.05, "d": 54.0, "k_per_day": 0.0, "n_day": 1}
#: The steady study: Damkoehler number k D / u^2 = 0.25, so the inlet jump
#: C0 - C(0) is 17 % of C0; one day is 27 decay times and 6.7 passages of the reach.
STEADY = {"u": 0.05, "d": 2.0, "k_per_day": 27.0, "length": 648.0, "n_day": 1}
#: Courant number held on every grid.  The dispersion step is explicit, so a
#: sub-step is bounded by dx^2 / (2 D) as well as by C dx / u; the Courant bound
#: decides (and the Courant number stays fixed as dx shrinks) only while the cell
#: Peclet number u dx / D >= 2 C.  The first cell reaches its asymptotic range
#: only once u dx / D is well below 1 (a semi-discrete, time-exact run of the
#: same spatial stencil shows order ~2 there and not above), so C must be small:
#: 0.0125 keeps u dx / D >= 0.025 on the finest grids below.
COURANT = 0.0125
#: Cells, m: dx, dx/3, dx/9 with u DAY / (C dx) a whole number of sub-steps, so
#: the Courant number is exactly COURANT on all three (checked).  Transient:
#: dx / sqrt(D t) = 0.133, 0.044, 0.015 and u dx / D = 0.27, 0.089, 0.030.
#: Steady: dx / (D/u) = 0.27, 0.09, 0.03 and dx k / u = 0.068, 0.023, 0.0075.
TRANSIENT_DX = (288.0, 96.0, 32.0)
STEADY_DX = (10.8, 3.6, 1.2)


def convergence_study(kind="transient"):
    """Run one of the two three-grid studies.

    Parameters
    ----------
    kind : {"transient", "steady"}
        The transient semi-infinite problem (:data:`TRANSIENT`) or the steady
        problem with decay (:data:`STEADY`).

    Returns
    -------
    dict
        ``dx`` (m), ``first`` and ``interior`` (|error| / C0 per grid; the interior
        is every cell beyond the first cell of the coarsest grid, the same stretch
        of river on all three grids, so the inlet's own error is not counted twice),
        ``courant`` (used per grid), ``first_order`` and ``interior_order``
        (observed orders between successive grids, dimensionless).
    """
    if kind == "transient":
        runs = [run_flux_inlet(dx, courant=COURANT, interior_from=TRANSIENT_DX[0], **TRANSIENT)
                for dx in TRANSIENT_DX]
        dxs = TRANSIENT_DX
    elif kind == "steady":
        runs = [run_steady(dx, courant=COURANT, interior_from=STEADY_DX[0], **STEADY) for dx in STEADY_DX]
        dxs = STEADY_DX
    else:
        raise ValueError(f"kind must be 'transient' or 'steady', got {kind!r}")
    first = [r["first"] for r in runs]
    interior = [r["interior"] for r in runs]
    return {"dx": list(dxs), "first": first, "interior": interior,
            "courant": [r["courant"] for r in runs],
            "first_order": list(observed_orders(first)), "interior_order": list(observed_orders(interior))}


def _study_checks(name, study, first_tolerance):
    """Checks of a three-grid study (see the cases for the tolerances)."""
    dx = [f"{v:g}" for v in study["dx"]]
    pairs = [f"{dx[i]}_to_{dx[i + 1]}m" for i in range(len(dx) - 1)]
    checks = [
        # The study is what it claims: the same Courant number on every grid.
        Check.within(name, "courant_deviation", max(abs(c - COURANT) for c in study["courant"]), 1e-9),
        Check.at_most(name, f"first_cell_error_over_c0_dx_{dx[-1]}m", study["first"][-1], first_tolerance),
        Check.at_most(name, f"interior_max_error_over_c0_dx_{dx[-1]}m", study["interior"][-1],
                      first_tolerance),
    ]
    for pair, order in zip(pairs, study["first_order"], strict=True):
        # A second-order inlet shows 2 (the semi-discrete reference: 1.9-2.2 on
        # these grids); 1.8 leaves room for the pre-asymptotic part, and a first-order
        # error (Lie splitting) shows ~1 or less.
        checks.append(Check.at_least(name, f"first_cell_observed_order_{pair}", order, 1.8))
    for pair, order in zip(pairs, study["interior_order"], strict=True):
        # Reported, and held to first order only: along a fixed-Courant refinement an
        # explicit dispersion step (and Lax-Wendroff's time correction once dispersion
        # and decay act too) leaves O(dt) = O(dx) errors in the interior, so 2 is not
        # what the engine promises here.  Emulations of the kernel's stencil measured
        # 0.87-2.1 on the finer pair with Lie, Strang or unsplit stepping; below 0.8 the
        # interior is not converging.
        checks.append(Check.at_least(name, f"interior_observed_order_{pair}", order, 0.8))
    return checks


@case("flux_inlet_order", layer="analytical")
def flux_inlet_order_case():
    """Flux (Danckwerts) inlet, transient: first-cell error and observed order >= 1.8 at fixed Courant."""
    # Tolerance of the first cell (and of the interior) at dx = 32 m: 1e-4 C0, four
    # times what the same spatial stencil gives when integrated exactly in time
    # (semi-discrete reference, SSP-RK3 at a tiny step: first cell 2.8e-3, 2.5e-4,
    # 2.5e-5 on 288, 96, 32 m; interior 4.9e-4, 3.8e-5, 3.9e-6), so a second-order
    # time integration passes and an O(dt) splitting error at the inlet does not.
    # A numpy emulation of the kernel's stencil reproduces its Lie-split numbers
    # exactly (first cell 1.8e-3, 5.6e-4, 7.1e-4) and gives 3.7e-6 (orders 2.3, 3.7)
    # with Strang splitting and Crank-Nicolson dispersion, 1.6e-5 (2.3, 2.4) with
    # advection and dispersion from the same state, 1.9e-4 (non-convergent) with
    # Strang splitting and forward-Euler dispersion.  The kernel's Strang splitting
    # with Heun dispersion and the whole inflow given to advection stalled too
    # (2.8e-3, 2.7e-4, 1.9e-4; orders 2.1, 0.3): splitting order reduction at the
    # inhomogeneous inlet.  With the inflow shared between the sub-steps as the
    # Danckwerts relation does (see hydro._transport_kernels): 2.8e-3, 2.4e-4,
    # 3.1e-5 (2.2, 1.9), interior 3.7e-6 (2.3, 2.1).
    return _study_checks("flux_inlet_order", convergence_study("transient"), 1e-4)


@case("flux_inlet_steady_order", layer="analytical")
def flux_inlet_steady_order_case():
    """Flux (Danckwerts) inlet, steady with decay: first-cell error and observed order >= 1.8."""
    # Tolerance at dx = 1.2 m: 3e-4 C0, four times the semi-discrete reference of the
    # same stencil (first cell 5.8e-3, 6.9e-4, 7.8e-5 on 10.8, 3.6, 1.2 m; interior
    # 2.0e-4, 1.5e-5, 1.6e-6).  Emulated: Lie 2.1e-3 (orders 0.5, -0.2), Strang with
    # Crank-Nicolson dispersion 2.4e-5 (2.1, 2.8), unsplit 4.9e-5 (2.0, 2.3).  The
    # kernel: Strang with Heun dispersion and the whole inflow to advection 5.7e-4
    # (1.8, 0.27); with the inflow shared between the sub-steps 5.6e-3, 6.6e-4,
    # 8.7e-5 (1.9, 1.8), interior 5.5e-6 (2.3, 1.1).
    return _study_checks("flux_inlet_steady_order", convergence_study("steady"), 3e-4)


# ----------------------------------------------------------------------------- a changing inflow
def run_inlet_pulse(dx, dispersive_inlet, *, u=0.5, d=10.0, length=160_000.0):
    """One day of inflow at C0 = 1 mg/L, then two days of clean inflow, through either inlet.

    Every other transport case holds its inlet concentrations constant (the
    varying-flow cases change flows, at one concentration), so nothing else sees how
    a day's inlet values are taken (a day late, or the change split wrongly between
    the sub-steps).  The equation is linear, so the answer after three days is the
    continuous-injection solution at 3 days minus the same at 2 days (superposition):
    Ogata-Banks for a concentration inlet, van Genuchten & Alves for a flux inlet, as
    cell averages.

    Parameters
    ----------
    dx : float
        Cell length, m.
    dispersive_inlet : bool
        True: the inlet is held at the inflow concentration (first type); False: a
        flux (Danckwerts, third type) inlet.
    u, d : float, optional
        Velocity (m s-1) and dispersion coefficient (m2 s-1).
    length : float, optional
        Reach length, m (the pulse, 86-130 km down after three days, never reaches the outlet).

    Returns
    -------
    tuple of float
        (max |error| / C0 at the end of day 3, (simulated - exact) mass in the reach / the
        pulse's mass).
    """
    from hydro.validation.analytical import ogata_banks_cell_average

    n = int(round(length / dx))
    net, kw = single_reach_problem(length, n, u, d, 3)
    kw["boundary_flux"][0] = 10.0 * 1.0  # Q C0, g s-1, on the first day only
    kw["boundary_conc"][0] = 1.0
    kw["dispersive_inlet"][:] = dispersive_inlet
    res = simulate(net, [Constituent("c", "c")], build(kw), courant=0.9)
    lo = np.arange(n) * dx
    solution = ogata_banks_cell_average if dispersive_inlet else flux_inlet_cell_average
    exact = solution(lo, lo + dx, 3 * DAY, u, d) - solution(lo, lo + dx, 2 * DAY, u, d)
    c = res.final_concentration[:, 0]
    return float(np.abs(c - exact).max()), float(c.sum() / exact.sum() - 1.0)


@case("inlet_pulse", layer="analytical")
def inlet_pulse_case():
    """A one-day pulse through a concentration and a flux inlet: superposed analytical solutions at 3 days."""
    conc_err, _ = run_inlet_pulse(100.0, True)
    flux_err, flux_mass = run_inlet_pulse(100.0, False)
    # 100 m cells, Courant 0.9.  Measured (max error / C0): 2.4e-4 (concentration inlet;
    # 1.2e-3, 2.4e-4, 9.5e-5 on 200, 100, 50 m) and 1.5e-3 (flux inlet; 3.7e-3, 1.5e-3,
    # 2.6e-4).  Bounds twice those; inlet concentrations read a day late show 0.31 (and
    # pass every other case), inflow loads read a day late 1.0.
    # Mass: a flux inlet lets in exactly Q C0 over time except the inlet debt still owed
    # when the inflow stops (docs/solver.md, flux inlets: it is held back while the
    # advective inflow value would leave [c_in, c_1]); measured 6.4e-5 of the pulse at
    # 100 m (1.25e-4 at 200 m: first order in dx).  A lost or doubled sub-step of
    # inflow shows at 1e-3 (1/480 of the day).
    return [Check.at_most("inlet_pulse", "concentration_inlet_max_abs_error_over_c0", conc_err, 5e-4),
            Check.at_most("inlet_pulse", "flux_inlet_max_abs_error_over_c0", flux_err, 3e-3),
            Check.within("inlet_pulse", "flux_inlet_mass_relative_error", flux_mass, 2e-4)]
