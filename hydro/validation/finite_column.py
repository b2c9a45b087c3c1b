"""Flux-inlet solutions on a finite column: the steady Danckwerts profile and the transient.

A column of length ``L`` with a flux (Danckwerts 1953) inlet and a zero-gradient
outlet (Brenner 1962; Wexler 1992, USGS TWRI 3-B7), with first-order decay:
:func:`danckwerts_steady_cell_average` (the steady profile) and
:func:`flux_inlet_finite` (the steady profile plus an eigenfunction series, for
column Peclet numbers ``uL/D`` up to ~40), as cell averages
(:func:`~hydro.validation.flux_inlet_solution.panel_average`).  The semi-infinite
solution is :mod:`hydro.validation.flux_inlet_solution`.
"""

from __future__ import annotations

import math

import numpy as np


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
