"""Analytical solutions for the flux (third-type, Danckwerts) inlet, as cell averages.

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
TWRI 3-B7), here with decay too, is :func:`hydro.validation.finite_column.flux_inlet_finite`: the steady profile
plus an eigenfunction series, for column Peclet numbers ``uL/D`` up to ~40 (its
terms carry ``exp(uL/(2D))`` and cancel; longer columns are semi-infinite).

The solver holds cell averages, so it is compared with cell averages of the
solution (composite Gauss-Legendre over each cell), never with point values.
The cases that compare the solver with them are :mod:`hydro.validation.flux_inlet`.

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


def panel_average(func, lo, hi, scale, nodes=8):
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
    return panel_average(lambda x: flux_inlet_semi_infinite(x, t, u, d, k, c0), lo, hi, scale)
