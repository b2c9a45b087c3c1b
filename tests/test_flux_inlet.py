"""The flux-inlet (third-type, Danckwerts) analytical solution and its verification cases.

The double-precision evaluation in :mod:`hydro.validation.flux_inlet` is checked
against the published forms (Lindstrom et al. 1967; van Genuchten & Alves 1982)
evaluated by mpmath at 50 significant digits, where neither overflow nor
cancellation can hurt; the published form itself is checked against a numerical
inversion of the Laplace-domain solution.  Units: x in m, t in s, u in m s-1,
D in m2 s-1, k in s-1, concentrations relative to C0 (C0 = 1 mg L-1).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from hydro.validation.analytical import danckwerts_steady
from hydro.validation.flux_inlet import (
    danckwerts_steady_cell_average,
    flux_inlet_cell_average,
    flux_inlet_semi_infinite,
    scaled_ierfc,
)
from hydro.validation.registry import Check, all_cases, run_cases

mp = pytest.importorskip("mpmath")

EPS = np.finfo(float).eps


def published(x, t, u, d, k, dps=50):
    """The published solution, evaluated in mpmath.

    Parameters
    ----------
    x, t, u, d, k : float
        Distance (m), time (s), velocity (m s-1), dispersion (m2 s-1), decay (s-1).
    dps : int
        Decimal digits of the working precision.

    Returns
    -------
    mpmath.mpf
        C / C0, dimensionless: Lindstrom et al. (1967) for ``k = 0``, van Genuchten &
        Alves (1982) otherwise, term by term as printed (the 1/k terms cancel to
        about ``log10(u^2 / (k D))`` digits, far fewer than the 50 carried).
    """
    with mp.workdps(dps):
        x, t, u, d, k = (mp.mpf(float(v)) for v in (x, t, u, d, k))
        s = 2 * mp.sqrt(d * t)
        if k == 0:
            return (mp.erfc((x - u * t) / s) / 2
                    + mp.sqrt(u * u * t / (mp.pi * d)) * mp.exp(-(x - u * t) ** 2 / (4 * d * t))
                    - (1 + u * x / d + u * u * t / d) / 2 * mp.exp(u * x / d) * mp.erfc((x + u * t) / s))
        w = u * mp.sqrt(1 + 4 * k * d / u**2)
        return (u / (u + w) * mp.exp((u - w) * x / (2 * d)) * mp.erfc((x - w * t) / s)
                + u / (u - w) * mp.exp((u + w) * x / (2 * d)) * mp.erfc((x + w * t) / s)
                + u * u / (2 * k * d) * mp.exp(u * x / d - k * t) * mp.erfc((x + u * t) / s))


def _grid():
    """Points (x, t, u, D, k) spanning column Peclet u^2 t / D from 1e-2 to 1e4.

    Damkoehler numbers k D / u^2 from 0 to 3, and positions from the inlet to 20
    front widths past the front.
    """
    u, d = 0.5, 10.0
    for peclet in (1e-2, 1.0, 30.0, 1e3, 1e4):
        t = peclet * d / u**2
        for damkoehler in (0.0, 1e-8, 1e-3, 0.1, 3.0):
            k = damkoehler * u * u / d
            for xi in (0.0, 0.1, 0.5, 0.9, 1.0, 1.1, 1.5, 3.0):
                for widths in (0.0, 1.0, 5.0, 20.0):
                    x = xi * u * t + widths * 2.0 * math.sqrt(d * t)
                    yield x, t, u, d, k


def test_scaled_ierfc_matches_mpmath():
    """h(z) = exp(z^2) ierfc(z) to a few ulp for z from 0 to 1e8 (dimensionless)."""
    z = np.concatenate([np.linspace(0.0, 6.0, 61), np.geomspace(6.0, 1e8, 30)])
    ours = scaled_ierfc(z)
    with mp.workdps(50):
        ref = np.array([float(1 / mp.sqrt(mp.pi) - mp.mpf(v) * mp.exp(mp.mpf(v) ** 2) * mp.erfc(mp.mpf(v)))
                        for v in z])
    # Direct form below z = 2 loses at most a factor ~10 (h(2) ~ 0.05 against 0.56);
    # the continued fraction above is exact to a few operations: 32 ulp covers both.
    np.testing.assert_allclose(ours, ref, rtol=32 * EPS, atol=0)


def test_semi_infinite_matches_published_form_at_50_digits():
    """The double-precision evaluation agrees with the published form to its condition number.

    Over column Peclet numbers u^2 t / D up to 1e4 and decay k D / u^2 up to 3.
    The relative error allowed is ``64 eps (1 + |E|)``, ``E = -(x - ut)^2 / (4 D t) - k t``:
    ``exp(E)`` carries the rounding of its argument times ``|E|`` (the solution's
    own condition number with respect to x and t, which no double evaluation can
    beat), and 64 covers the ~20 roundings plus the factor <= 10 lost behind the
    front at u^2 t / D = 0.01 (there C ~ sqrt(u^2 t / D) is a difference of O(1)
    terms).  Measured: at most 33 eps (1 + |E|).
    """
    worst = 0.0
    n = 0
    for x, t, u, d, k in _grid():
        ref = published(x, t, u, d, k)
        ours = float(flux_inlet_semi_infinite(x, t, u, d, k))
        assert math.isfinite(ours)
        if ref < mp.mpf("1e-290"):  # beyond double's normal range: only ask for ~0
            assert 0.0 <= ours < 1e-280
            continue
        e_abs = (x - u * t) ** 2 / (4 * d * t) + k * t
        rel = abs(ours / float(ref) - 1.0) / (EPS * (1.0 + e_abs))
        worst = max(worst, rel)
        n += 1
    assert n > 500
    assert worst <= 64.0, worst


@pytest.mark.parametrize("x, t, u, d, k", [(100.0, 3600.0, 0.05, 2.0, 1e-4), (0.0, 1000.0, 0.1, 5.0, 0.0),
                                           (500.0, 5000.0, 0.1, 5.0, 1e-3), (50.0, 2e4, 0.01, 0.5, 1e-5)])
def test_published_form_inverts_the_laplace_solution(x, t, u, d, k):
    """The published form is the solution of the stated problem (Talbot inversion, 30 digits).

    The Laplace transform of the problem ``C_t = D C_xx - u C_x - k C``, ``C(x,0) = 0``,
    ``u C - D C_x = u C0`` at x = 0 is ``2 u C0 exp(r x) / (s (u + sqrt(u^2 + 4 D (s + k))))``
    with ``r = (u - sqrt(u^2 + 4 D (s + k))) / (2 D)``; 1e-12 is far above Talbot's
    error at 30 digits and far below any mistake in a term.
    """
    with mp.workdps(30):
        uu, dd, kk, xx = (mp.mpf(v) for v in (u, d, k, x))

        def laplace(s):
            root = mp.sqrt(uu * uu + 4 * dd * (s + kk))
            return 2 * uu * mp.exp((uu - root) * xx / (2 * dd)) / (s * (uu + root))

        inverted = mp.invertlaplace(laplace, t, method="talbot")
    assert float(abs(inverted / published(x, t, u, d, k) - 1)) < 1e-12
    assert flux_inlet_semi_infinite(x, t, u, d, k) == pytest.approx(float(inverted), rel=1e-13)


def test_long_time_limits():
    """t -> infinity: C -> C0 everywhere without decay, the Danckwerts steady profile with it.

    Steady semi-infinite profile with decay: ``C/C0 = 2u/(u+w) exp((u-w) x / (2D))``,
    ``w = u sqrt(1 + 4kD/u^2)`` (x in m, k in s-1).
    """
    x = np.linspace(0.0, 2000.0, 41)
    u, d = 0.5, 20.0
    t = 1e7  # u^2 t / D = 1.25e5: the front is 5e6 m away
    np.testing.assert_allclose(flux_inlet_semi_infinite(x, t, u, d, 0.0), 1.0, rtol=0, atol=4 * EPS)
    k = 1e-3
    w = u * math.sqrt(1 + 4 * k * d / u**2)
    steady = 2 * u / (u + w) * np.exp((u - w) * x / (2 * d))
    np.testing.assert_allclose(flux_inlet_semi_infinite(x, t, u, d, k), steady, rtol=1e-14)
    # nothing has entered at t = 0, and k -> 0 joins the k = 0 form continuously
    assert np.all(flux_inlet_semi_infinite(x[1:], 0.0, u, d, k) == 0.0)
    np.testing.assert_allclose(flux_inlet_semi_infinite(x, 3600.0, u, d, 1e-300),
                               flux_inlet_semi_infinite(x, 3600.0, u, d, 0.0), rtol=1e-15, atol=0)


@pytest.mark.parametrize("u, d, t", [(0.5, 10.0, 86400.0), (0.05, 54.0, 86400.0), (1.0, 0.01, 100.0)])
def test_mass_balance(u, d, t):
    """Mass in the column equals what the inlet let in (g per m2 of cross-section).

    Without decay ``integral C dx = u C0 t``; with decay ``dM/dt = u C0 - k M``, so
    ``M = u C0 (1 - exp(-k t)) / k``.  The integral is the sum of cell averages
    times cell lengths over [0, ut + 30 sqrt(Dt)] (beyond it C < 1e-190); the last
    case has u^2 t / D = 1e4.
    """
    length = u * t + 30.0 * math.sqrt(d * t)
    edges = np.linspace(0.0, length, 401)
    for k in (0.0, 2e-5):
        avg = flux_inlet_cell_average(edges[:-1], edges[1:], t, u, d, k)
        mass = float((avg * np.diff(edges)).sum())
        expected = u * t if k == 0 else u * -math.expm1(-k * t) / k
        assert mass == pytest.approx(expected, rel=1e-12)


def test_cell_average_matches_mpmath_quadrature():
    """Cell averages (mg L-1) of the transient agree with mpmath quadrature of the published form."""
    t, u, d, k = 86400.0, 0.05, 54.0, 1e-5
    lo = np.array([0.0, 3000.0, 9000.0])
    hi = lo + np.array([32.0, 2000.0, 4000.0])
    ours = flux_inlet_cell_average(lo, hi, t, u, d, k)
    with mp.workdps(20):
        ref = [float(mp.quad(lambda x: published(x, t, u, d, k, dps=20), [a, b]) / (b - a))
               for a, b in zip(lo, hi, strict=True)]
    np.testing.assert_allclose(ours, ref, rtol=1e-13)


def test_steady_cell_average_is_the_mean_of_the_point_solution():
    """Exact cell averages (mg L-1) of the steady Danckwerts profile match Gauss-Legendre means."""
    u, d, k, length = 0.05, 2.0, 27.0 / 86400.0, 648.0
    edges = np.linspace(0.0, length, 61)
    ours = danckwerts_steady_cell_average(edges[:-1], edges[1:], length, u, d, k, 2.0)
    gx, gw = np.polynomial.legendre.leggauss(20)
    mid, half = 0.5 * (edges[1:] + edges[:-1]), 0.5 * np.diff(edges)
    pts = mid[:, None] + half[:, None] * gx
    ref = (danckwerts_steady(pts.ravel(), length, u, d, k, 2.0).reshape(pts.shape) * gw).sum(axis=1) / 2
    np.testing.assert_allclose(ours, ref, rtol=1e-13)


@pytest.mark.parametrize("name", ["flux_inlet_order", "flux_inlet_steady_order"])
def test_registered_case_produces_its_checks(name):
    """The cases are registered, quick, and return finite, named checks (pass or not).

    Whether they pass depends on the kernel's time integration at the inlet; this
    test only holds their structure.
    """
    cases = all_cases()
    assert name in cases and cases[name].quick and cases[name].layer == "analytical"
    checks = run_cases([name])
    assert all(isinstance(c, Check) and c.case == name for c in checks)
    metrics = [c.metric for c in checks]
    assert len(metrics) == len(set(metrics)) == 7
    assert "courant_deviation" in metrics
    assert sum(m.startswith("first_cell_observed_order_") for m in metrics) == 2
    assert sum(m.startswith("first_cell_error_over_c0_dx_") for m in metrics) == 1
    assert all(math.isfinite(c.value) and c.tolerance > 0 for c in checks)
    assert next(c for c in checks if c.metric == "courant_deviation").passed


def finite_column_laplace(x, t, length, u, d, k, dps=30):
    """The finite flux-inlet column by Talbot inversion of its Laplace-domain solution.

    Parameters
    ----------
    x, t, length, u, d, k : float
        Distance (m), time (s), column length (m), velocity (m s-1), dispersion
        (m2 s-1), decay (s-1).
    dps : int
        Decimal digits of the working precision.

    Returns
    -------
    float
        C / C0: ``A exp(r1 (x - L)) + B exp(r2 x)`` with ``r1,2 = (u +- sqrt(u^2 + 4D(s+k)))/(2D)``,
        ``u C - D C' = u/s`` at 0 and ``C' = 0`` at L, inverted numerically.
    """
    with mp.workdps(dps):
        xx, ll, uu, dd, kk = (mp.mpf(v) for v in (x, length, u, d, k))

        def laplace(s):
            root = mp.sqrt(uu * uu + 4 * dd * (s + kk))
            r1, r2 = (uu + root) / (2 * dd), (uu - root) / (2 * dd)
            m = mp.matrix([[mp.exp(-r1 * ll) * (uu - dd * r1), uu - dd * r2], [r1, r2 * mp.exp(r2 * ll)]])
            a, b = mp.lu_solve(m, mp.matrix([uu / s, 0]))
            return a * mp.exp(r1 * (xx - ll)) + b * mp.exp(r2 * xx)

        return float(mp.invertlaplace(laplace, t, method="talbot"))


@pytest.mark.parametrize("length, u, d, k, t", [(100.0, 0.1, 1.0, 0.0, 500.0), (100.0, 0.1, 1.0, 1e-3, 500.0),
                                                (1000.0, 0.1, 5.0, 1e-4, 3000.0), (50.0, 0.01, 0.5, 0.0, 2000.0),
                                                (400.0, 0.1, 1.0, 0.0, 2000.0)])
def test_finite_column_matches_laplace_inversion(length, u, d, k, t):
    """The finite column's series against Talbot inversion at 30 digits, uL/D from 1 to 40.

    The series' terms carry ``exp(uL/(2D))`` and cancel, so the allowed absolute error
    (over C0) is ``64 eps exp(uL/(2D))`` (measured: 7e-15 at uL/D = 10, 1.5e-10 at 40).
    """
    from hydro.validation.flux_inlet import flux_inlet_finite

    x = np.array([0.0, 0.3, 0.7, 1.0]) * length
    ref = np.array([finite_column_laplace(v, t, length, u, d, k) for v in x])
    tol = 64 * EPS * math.exp(u * length / (2 * d))
    np.testing.assert_allclose(flux_inlet_finite(x, t, length, u, d, k), ref, rtol=0, atol=tol)


def test_finite_column_limits():
    """Late times give the steady Danckwerts profile; a long column the semi-infinite solution.

    Concentrations over C0; x in m, t in s.
    """
    from hydro.validation.flux_inlet import flux_inlet_finite

    length, u, d, k = 100.0, 0.1, 1.0, 1e-3
    x = np.linspace(0.0, length, 11)
    np.testing.assert_allclose(flux_inlet_finite(x, 1e6, length, u, d, k),
                               danckwerts_steady(x, length, u, d, k, 1.0), rtol=1e-13)
    # front at 10 m, sqrt(Dt) = 10 m: the outlet at 100 m is 4.5 front widths away
    np.testing.assert_allclose(flux_inlet_finite(x, 100.0, length, u, d, 0.0),
                               flux_inlet_semi_infinite(x, 100.0, u, d, 0.0), rtol=0, atol=1e-10)
    with pytest.raises(ValueError, match="semi_infinite"):
        flux_inlet_finite(x, 100.0, 1000.0, u, d)
