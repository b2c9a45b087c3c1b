"""Verification of the flux (third-type, Danckwerts) inlet and its grid-convergence order.

The problem is one-dimensional advection-dispersion with optional first-order
decay on ``x >= 0``, zero initial concentration and, for ``t > 0``, a *flux*
inlet: the total (advective + dispersive) flux through ``x = 0`` is that of the
inflow, ``u C - D dC/dx = u C0`` at ``x = 0``.  This is what the solver does at a
reach inlet that is not flagged ``dispersive_inlet``: the inflow ``Q C0`` enters
the first cell and no dispersive flux crosses the inlet face.

Analytical solution (semi-infinite column)
------------------------------------------
Lindstrom et al. (1967) for ``k = 0``; van Genuchten & Alves (1982, USDA Tech.
Bull. 1661) with first-order decay ``k``.  With ``w = u sqrt(1 + 4 k D / u^2)``,
``s = 2 sqrt(D t)``::

    C/C0 = u/(u+w) exp((u-w)x/(2D)) erfc((x - w t)/s)
         + u/(u-w) exp((u+w)x/(2D)) erfc((x + w t)/s)
         + u^2/(2kD) exp(ux/D - k t) erfc((x + u t)/s)

(and for ``k = 0``: ``1/2 erfc((x-ut)/s) + sqrt(u^2 t/(pi D)) exp(-(x-ut)^2/(4Dt))
- 1/2 (1 + ux/D + u^2 t/D) exp(ux/D) erfc((x+ut)/s)``).  Written like this it
cannot be evaluated in double precision at high Peclet numbers: ``exp(ux/D)``
overflows while ``erfc`` underflows, the last two terms are each of order
``1/k`` and cancel as ``k -> 0``, and at ``k = 0`` the last two terms of
Lindstrom's form cancel to a relative ``1/Pe``.  Here the exponentials are
combined before they are taken: both of the last two terms carry the same
factor ``exp(E)``, ``E = -(x - ut)^2/(4Dt) - kt``, and with ``a = (x+wt)/s``,
``b = (x+ut)/s``, ``q = u sqrt(t/D)``::

    C/C0 = u/(u+w) [ exp(-2kx/(u+w)) erfc((x - wt)/s) + exp(E) (2 q H(b, a) - erfcx(a)) ]

where ``H(b, a) = (erfcx(b) - erfcx(a)) / (2 (a - b))`` is the mean over
``[b, a]`` of ``h(z) = 1/sqrt(pi) - z erfcx(z) = exp(z^2) ierfc(z)`` (the scaled
first repeated integral of erfc).  ``h`` is evaluated without cancellation
(Laplace's continued fraction of erfc for ``z >= 2``), and ``H`` as an exact
difference when ``a - b`` is large and by Gauss-Legendre quadrature of ``h``
when it is small, so that no term is ever large, the ``1/k`` terms never appear
and ``k = 0`` is the limit ``H(b, b) = h(b)``.  Ahead of the front
(``x >= wt``) the first term is ``exp(E) erfcx((x - wt)/s)`` as well, and
``erfcx((x-wt)/s) - erfcx(a) = 2 w sqrt(t/D) H((x-wt)/s, a)``, so there the
solution is a sum of two positive terms however far into the tail.
``tests/test_flux_inlet.py`` checks it against the published form evaluated with
mpmath at 50 digits: within ``64 eps (1 + |E|)`` relative, ``|E|`` being the
solution's own condition number.

A finite column with a zero-gradient outlet (Brenner 1962; Wexler 1992, USGS
TWRI 3-B7), here with decay too, is :func:`flux_inlet_finite`: the steady profile
plus an eigenfunction series, for column Peclet numbers ``uL/D`` up to ~40 (its
terms carry ``exp(uL/(2D))`` and cancel; longer columns are semi-infinite).

The solver holds cell averages, so it is compared with cell averages of the
solution (composite Gauss-Legendre over each cell), never with point values.

Cases
-----
``flux_inlet_order``: the transient above on three grids (dx, dx/3, dx/9) with
the Courant number held fixed; first-cell and interior errors and the observed
orders.  ``flux_inlet_steady_order``: the steady Danckwerts problem with decay
on a finite reach (:func:`hydro.validation.analytical.danckwerts_steady`), the
same three-grid study.

References
----------
Lindstrom, F. T., Haque, R., Freed, V. H., Boersma, L. (1967). Theory on the
movement of some herbicides in soils. Environ. Sci. Technol. 1(7), 561-565.

van Genuchten, M. Th., Alves, W. J. (1982). Analytical solutions of the
one-dimensional convective-dispersive solute transport equation. USDA Technical
Bulletin 1661.

Brenner, H. (1962). The diffusion model of longitudinal mixing in beds of
finite length. Numerical values. Chem. Eng. Sci. 17(4), 229-243.

Wexler, E. J. (1992). Analytical solutions for one-, two-, and three-dimensional
solute transport in ground-water systems with uniform flow. USGS TWRI 3-B7.

Danckwerts, P. V. (1953). Continuous flow systems: distribution of residence
times. Chem. Eng. Sci. 2(1), 1-13.
"""

from __future__ import annotations

import math

import numpy as np
from scipy.special import erfc, erfcx

from hydro.transport import Constituent, simulate
from hydro.validation.analytical import DAY
from hydro.validation.problems import build, single_reach_problem
from hydro.validation.registry import Check, case

_INV_SQRT_PI = 1.0 / math.sqrt(math.pi)
#: Below this argument h(z) = 1/sqrt(pi) - z erfcx(z) is taken directly (it loses
#: at most a factor (1/sqrt(pi)) / h(2) ~ 10 to cancellation, i.e. ~2e-15).
_H_DIRECT_BELOW = 2.0
#: Depth of Laplace's continued fraction for z >= 2: 64 levels reach 1e-16 at z = 2
#: (measured against mpmath: 4e-13 with 40 levels, 0 with 80 levels).
_H_CF_DEPTH = 64
#: Gauss-Legendre nodes for H(b, a) when a - b < 0.5 max(1, b): h is entire and
#: varies on the scale max(1, z), so 12 nodes integrate it to round-off there.
_GL_X, _GL_W = np.polynomial.legendre.leggauss(12)


# ----------------------------------------------------------------------------- special functions
def scaled_ierfc(z):
    """``h(z) = exp(z^2) ierfc(z) = 1/sqrt(pi) - z erfcx(z)`` for ``z >= 0``, to round-off.

    Parameters
    ----------
    z : array_like
        Argument, dimensionless, >= 0.

    Returns
    -------
    ndarray
        ``h(z)``, dimensionless; ``h ~ 1/(2 sqrt(pi) z^2)`` for large ``z``.

    Notes
    -----
    For ``z >= 2`` the direct form cancels (a relative ``z^2`` of round-off); there
    ``sqrt(pi) erfcx(z) = 1/(z + K)`` with Laplace's continued fraction
    ``K = (1/2)/(z + 1/(z + (3/2)/(z + 2/(z + ...))))``, so
    ``h = K / (sqrt(pi) (z + K))`` with no subtraction.
    """
    z = np.asarray(z, dtype=float)
    out = _INV_SQRT_PI - z * erfcx(z)
    big = z >= _H_DIRECT_BELOW
    if np.any(big):
        zb = z[big]
        k = np.zeros_like(zb)
        for n in range(_H_CF_DEPTH, 0, -1):
            k = (0.5 * n) / (zb + k)
        out = np.array(out, dtype=float)
        out[big] = _INV_SQRT_PI * k / (zb + k)
    return out


def _mean_h(b, a):
    """``H(b, a) = (erfcx(b) - erfcx(a)) / (2 (a - b))``, the mean of ``h`` over ``[b, a]``.

    ``0 <= b <= a`` (arrays of one shape); ``H(b, b) = h(b)``.  When the interval is
    long (``a - b >= 0.5 max(1, b)``) the difference loses at most a factor ~3 to
    cancellation and is taken directly; otherwise ``h`` is integrated with 12-point
    Gauss-Legendre.
    """
    b = np.asarray(b, dtype=float)
    a = np.asarray(a, dtype=float)
    delta = a - b
    long_ = delta >= 0.5 * np.maximum(1.0, b)
    out = np.empty_like(b)
    with np.errstate(invalid="ignore", divide="ignore"):
        out[long_] = (erfcx(b[long_]) - erfcx(a[long_])) / (2.0 * delta[long_])
    short = ~long_
    if np.any(short):
        bs, ds = b[short], delta[short]
        nodes = bs[:, None] + 0.5 * ds[:, None] * (_GL_X[None, :] + 1.0)
        out[short] = 0.5 * (scaled_ierfc(nodes) * _GL_W[None, :]).sum(axis=1)
    return out


# ----------------------------------------------------------------------------- solutions
def flux_inlet_semi_infinite(x, t, u, d, k=0.0, c0=1.0):
    """Concentration in a semi-infinite column fed through a flux (third-type) inlet.

    Solves ``C_t = D C_xx - u C_x - k C`` on ``x >= 0`` with ``C(x, 0) = 0`` and
    ``u C - D C_x = u C0`` at ``x = 0`` (Lindstrom et al. 1967; van Genuchten &
    Alves 1982 with decay), evaluated without overflow or cancellation at any
    Peclet number (see the module docstring).

    Parameters
    ----------
    x : array_like
        Distance from the inlet, m (>= 0).
    t : array_like
        Time since the inflow started, s (>= 0).
    u : array_like
        Velocity, m s-1 (> 0).
    d : array_like
        Dispersion coefficient, m2 s-1 (> 0).
    k : array_like, optional
        First-order decay rate, s-1 (>= 0).
    c0 : float, optional
        Inflow concentration, mg L-1.

    Returns
    -------
    ndarray
        Concentration, mg L-1, broadcast over the arguments.
    """
    x, t, u, d, k = np.broadcast_arrays(*(np.asarray(v, dtype=float) for v in (x, t, u, d, k)))
    shape = x.shape
    x, t, u, d, k = (np.ravel(v) for v in (x, t, u, d, k))
    out = np.zeros(x.shape)
    pos = t > 0
    if np.any(pos):
        xp, tp, up, dp, kp = x[pos], t[pos], u[pos], d[pos], k[pos]
        w = up * np.sqrt(1.0 + 4.0 * kp * dp / up**2)
        upw = up + w
        s = 2.0 * np.sqrt(dp * tp)
        b = (xp + up * tp) / s
        delta = 2.0 * kp * np.sqrt(dp * tp) / upw  # a - b, without subtracting w - u
        a = b + delta
        q = up * np.sqrt(tp / dp)
        e = -((xp - up * tp) / s) ** 2 - kp * tp
        z1 = (xp - w * tp) / s
        ahead = z1 >= 0.0
        hb = _mean_h(b, a)
        # behind the front (z1 < 0) erfc(z1) is in (1, 2] and dominates
        behind = np.exp(-2.0 * kp * xp / upw) * erfc(z1) + np.exp(e) * (2.0 * q * hb - erfcx(a))
        # ahead of it exp(-2kx/(u+w)) erfc(z1) = exp(E) erfcx(z1), and
        # erfcx(z1) - erfcx(a) = 2 (a - z1) H(z1, a) with a - z1 = w sqrt(t/D): two
        # positive terms, nothing cancels however far into the tail
        z1a = np.where(ahead, z1, a)
        front = 2.0 * np.exp(e) * (w * np.sqrt(tp / dp) * _mean_h(z1a, a) + q * hb)
        out[pos] = up / upw * np.where(ahead, front, behind)
    return c0 * out.reshape(shape)


def _panel_average(func, lo, hi, scale, nodes=8):
    """Average of ``func(x)`` over ``[lo, hi]`` by composite Gauss-Legendre.

    Each interval is cut into panels no longer than ``scale`` (the length over
    which ``func`` varies), ``nodes`` points each: for smooth ``func`` the result
    is exact to round-off.
    """
    lo = np.asarray(lo, dtype=float)
    hi = np.asarray(hi, dtype=float)
    gx, gw = np.polynomial.legendre.leggauss(nodes)
    n_panel = max(1, int(np.ceil(np.max(hi - lo) / scale)))
    edges = lo[:, None] + (hi - lo)[:, None] * np.linspace(0.0, 1.0, n_panel + 1)[None, :]
    a, b = edges[:, :-1], edges[:, 1:]
    pts = 0.5 * (a + b)[..., None] + 0.5 * (b - a)[..., None] * gx
    vals = func(pts.ravel()).reshape(pts.shape)
    return (0.5 * (b - a)[..., None] * vals * gw).sum(axis=(1, 2)) / (hi - lo)


def flux_inlet_cell_average(lo, hi, t, u, d, k=0.0, c0=1.0):
    """Average of :func:`flux_inlet_semi_infinite` over cells ``[lo, hi]``.

    Parameters
    ----------
    lo, hi : array_like
        Cell faces, m (``0 <= lo < hi``).
    t : float
        Time, s (> 0).
    u, d, k : float
        Velocity (m s-1), dispersion (m2 s-1), decay rate (s-1).
    c0 : float, optional
        Inflow concentration, mg L-1.

    Returns
    -------
    ndarray
        Cell-average concentration, mg L-1.

    Notes
    -----
    Composite 8-point Gauss-Legendre on panels no longer than a quarter of the
    shortest length the solution varies over: the front width ``sqrt(D t)`` and
    the decay length ``(u + w)/(2 k)``.
    """
    w = u * math.sqrt(1.0 + 4.0 * k * d / u**2)
    scale = 0.25 * min(math.sqrt(d * t), (u + w) / (2.0 * k) if k > 0 else math.inf)
    return _panel_average(lambda x: flux_inlet_semi_infinite(x, t, u, d, k, c0), lo, hi, scale)


def _steady_coefficients(length, u, d, k, c_in):
    """``(l1, l2, A, B)`` of the steady profile ``A exp(l1 (x - L)) + B exp(l2 x)`` on ``[0, L]``.

    Flux inlet ``u C - D C' = u c_in`` at 0, ``C' = 0`` at ``L``; ``k >= 0`` (s-1),
    ``l1 = u (1 + b) / (2D)``, ``l2 = -2k / (u (1 + b))``, ``b = sqrt(1 + 4kD/u^2)`` (m-1).
    """
    b = math.sqrt(1.0 + 4.0 * k * d / u**2)
    l1 = u * (1.0 + b) / (2.0 * d)
    l2 = -2.0 * k / (u * (1.0 + b))  # u (1 - b)/(2D) without the subtraction
    m = np.array([[(u - d * l1) * math.exp(-l1 * length), u - d * l2],
                  [l1, l2 * math.exp(l2 * length)]])
    coef_a, coef_b = np.linalg.solve(m, [u * c_in, 0.0])
    return l1, l2, float(coef_a), float(coef_b)


def danckwerts_steady_cell_average(lo, hi, length, u, d, k, c_in):
    """Exact cell averages of :func:`hydro.validation.analytical.danckwerts_steady`.

    Parameters
    ----------
    lo, hi : array_like
        Cell faces, m.
    length : float
        Reach length, m (zero gradient at ``x = length``).
    u, d, k : float
        Velocity (m s-1), dispersion (m2 s-1), decay rate (s-1, >= 0).
    c_in : float
        Inflow concentration, mg L-1.

    Returns
    -------
    ndarray
        Cell averages, mg L-1, from the antiderivative of the two exponentials
        (``expm1`` keeps short cells exact).
    """
    lo = np.asarray(lo, dtype=float)
    hi = np.asarray(hi, dtype=float)
    l1, l2, coef_a, coef_b = _steady_coefficients(length, u, d, k, c_in)
    h = hi - lo
    # mean of e^{l (x - x0)} over [lo, hi] = e^{l (hi - x0)} * (-expm1(-l h)) / (l h)
    avg1 = np.exp(l1 * (hi - length)) * -np.expm1(-l1 * h) / (l1 * h)
    avg2 = np.exp(l2 * lo) * np.expm1(l2 * h) / (l2 * h) if l2 != 0.0 else 1.0
    return coef_a * avg1 + coef_b * avg2


def finite_column_eigenvalues(peclet_half, n_terms):
    """The first ``n_terms`` positive roots of ``(beta^2 - P^2) sin(beta) = 2 P beta cos(beta)``.

    ``P = u L / (2D)``.  These are ``lambda_m L`` of the flux-inlet, zero-gradient-outlet
    column (Brenner 1962; Wexler 1992, eq. for the finite third-type case, written here
    with ``P = uL/(2D)``): one root lies in each ``((m-1) pi, m pi)``, where the left side
    minus the right changes sign; 200 bisections pin it to round-off.

    Parameters
    ----------
    peclet_half : float
        ``u L / (2 D)``, dimensionless.
    n_terms : int
        Number of roots.

    Returns
    -------
    ndarray
        ``beta_m``, dimensionless, increasing.
    """
    p = float(peclet_half)
    m = np.arange(1, n_terms + 1, dtype=float)
    lo = (m - 1.0) * math.pi + 1e-300
    hi = m * math.pi

    def g(beta):
        return (beta * beta - p * p) * np.sin(beta) - 2.0 * p * beta * np.cos(beta)

    g_lo = g(lo)
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        g_mid = g(mid)
        same = np.sign(g_mid) == np.sign(g_lo)
        lo = np.where(same, mid, lo)
        g_lo = np.where(same, g_mid, g_lo)
        hi = np.where(same, hi, mid)
    return 0.5 * (lo + hi)


def flux_inlet_finite(x, t, length, u, d, k=0.0, c0=1.0, n_terms=None):
    """Concentration in a finite column with a flux inlet and a zero-gradient outlet.

    ``C_t = D C_xx - u C_x - k C`` on ``0 < x < L``, ``C(x, 0) = 0``,
    ``u C - D C_x = u C0`` at ``x = 0``, ``C_x = 0`` at ``x = L`` (Brenner 1962;
    Wexler 1992, USGS TWRI 3-B7, finite third-type case; here with decay).  The
    steady profile plus an eigenfunction series::

        C = C_s(x) - exp(a x) sum_m (I_m / N_m) phi_m(x) exp(-(D lambda_m^2 + u^2/(4D) + k) t)

    with ``a = u/(2D)``, ``phi_m = cos(lambda_m x) + (a/lambda_m) sin(lambda_m x)``,
    ``N_m`` its squared norm and ``I_m`` the projection of ``exp(-a x) C_s``, all in
    closed form.

    Parameters
    ----------
    x : array_like
        Distance from the inlet, m (``0 <= x <= length``).
    t : float
        Time, s (> 0).
    length : float
        Column length, m.
    u, d : float
        Velocity (m s-1) and dispersion coefficient (m2 s-1).
    k : float, optional
        First-order decay rate, s-1.
    c0 : float, optional
        Inflow concentration, mg L-1.
    n_terms : int, optional
        Terms of the series; default: enough that the first one left out has
        decayed by ``exp(-40)`` (at most 20000).

    Returns
    -------
    ndarray
        Concentration, mg L-1.

    Notes
    -----
    The terms carry ``exp(u x / (2D))`` and cancel to the solution, so the
    absolute error is about ``eps exp(u L / (2D))``: the series is for column
    Peclet numbers ``u L / D`` up to ~40 (error < 1e-7 C0; a ValueError above 60).
    Longer columns at higher Peclet numbers are semi-infinite for any practical
    time: use :func:`flux_inlet_semi_infinite`.
    """
    if u * length / d > 60.0:
        raise ValueError(f"column Peclet number uL/D = {u * length / d:.3g} > 60: the series "
                         "cancels; use flux_inlet_semi_infinite")
    x = np.asarray(x, dtype=float)
    a = u / (2.0 * d)
    if n_terms is None:
        n_terms = int(min(20000, math.ceil(length / math.pi * math.sqrt(40.0 / (d * t))) + 10))
    lam = finite_column_eigenvalues(a * length, n_terms) / length
    l1, l2, coef_a, coef_b = _steady_coefficients(length, u, d, k, 1.0)
    steady = coef_a * np.exp(l1 * (x - length)) + coef_b * np.exp(l2 * x)
    lam_l = lam * length
    int_cc = 0.5 * length + np.sin(2.0 * lam_l) / (4.0 * lam)
    int_ss = 0.5 * length - np.sin(2.0 * lam_l) / (4.0 * lam)
    int_cs = np.sin(lam_l) ** 2 / (2.0 * lam)
    norm = int_cc + 2.0 * (a / lam) * int_cs + (a / lam) ** 2 * int_ss

    def project(gamma, log_scale):
        """``exp(log_scale) * integral_0^L exp(gamma x) phi_m(x) dx`` without overflow."""
        z = gamma + 1j * lam
        # (exp(z L) - 1) / z, scaled by exp(log_scale)
        val = (np.exp(log_scale + z * length) - np.exp(log_scale)) / z
        return val.real + (a / lam) * val.imag

    # C_s exp(-a x) = A exp(-l1 L) exp((l1 - a) x) + B exp((l2 - a) x)
    proj = coef_a * project(l1 - a, -l1 * length) + coef_b * project(l2 - a, 0.0)
    rate = d * lam**2 + u * u / (4.0 * d) + k
    phi = np.cos(np.multiply.outer(x, lam)) + (a / lam) * np.sin(np.multiply.outer(x, lam))
    series = (phi * (proj / norm) * np.exp(np.add.outer(a * x, -rate * t))).sum(axis=-1)
    return c0 * (steady - series)


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
    res = simulate(net, [tracer], build(kw), courant=courant)
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
    res = simulate(net, [tracer], build(kw), courant=courant)
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
