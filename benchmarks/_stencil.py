"""Reference stencils for ``benchmarks/transport.py`` (plain Numba, one long channel).

Two kernels, each the practical speed limit of a cell update under some numerics:

* :func:`upwind_kernel` -- first-order upwind advection, one multiply-add per cell
  and step.  A copy of ``hydro._transport_kernels.upwind_reference_kernel``, used
  only if that kernel disappears from hydro.
* :func:`mc_lw_kernel` -- hydro's own numerics on one channel with uniform cells and
  steady flow: flux-limited Lax-Wendroff advection with the monotonized-central
  limiter (van Leer 1977), written exactly as hydro's ``_advective_fluxes``;
  explicit central dispersion (forward Euler, no dispersive flux through either end,
  as hydro does at a flux inlet and at an outlet); exact first-order decay.  The
  three are fused in one sweep over the channel per step, tile by tile, each stage
  a short vectorised loop on buffers that stay in L1.  Both splittings hydro has
  used are here: Lie (advection, dispersion, decay every step) and the symmetric
  pairs of its rewritten kernel (A, D, R over two steps | D, A).

Neither is compiled with hydro's policy module on purpose: they are the yardsticks,
compiled with plain ``numba.njit(cache=True)`` (no fastmath, like hydro).
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit


@njit(cache=True)
def upwind_kernel(conc, courant, n_steps):
    """Minimal first-order upwind stencil on one long reach (copy of hydro's reference)."""
    n = conc.shape[0]
    new = np.empty(n)
    for _ in range(n_steps):
        new[0] = conc[0]
        for i in range(1, n):
            new[i] = conc[i] - courant * (conc[i] - conc[i - 1])
        for i in range(n):
            conc[i] = new[i]
    return conc


@njit(cache=True, inline="always")
def _face(cm, c0, cp, half_lw):
    """Outflow-face value of a cell over Q: ``c + 0.5 (1 - nu) s``, MC slope as in hydro."""
    dm = c0 - cm
    dp = cp - c0
    same_sign = 0.5 * (math.copysign(1.0, dm) + math.copysign(1.0, dp))
    size = min(2.0 * abs(dm), min(2.0 * abs(dp), 0.5 * abs(dm + dp)))
    return c0 + half_lw * same_sign * size


@njit(cache=True)
def _faces(c, f, half_lw):
    """``f[k]`` = face value over Q after ``c[k + 1]`` (its neighbours ``c[k]``, ``c[k + 2]``)."""
    for k in range(f.shape[0]):
        f[k] = _face(c[k], c[k + 1], c[k + 2], half_lw)


@njit(cache=True)
def _advect(c, f, a, nu):
    """``a[k] = c[k] + nu (f[k] - f[k + 1])``: the advected concentration."""
    for k in range(a.shape[0]):
        a[k] = c[k] + nu * (f[k] - f[k + 1])


@njit(cache=True)
def _disperse_decay(a, out, disp, keep):
    """``out[k]``: dispersion (forward Euler) of ``a[k + 1]``, then exact decay."""
    for k in range(out.shape[0]):
        out[k] = keep * (a[k + 1] + disp * ((a[k] - a[k + 1]) + (a[k + 2] - a[k + 1])))


@njit(cache=True)
def _disperse(c, d, disp):
    """``d[k]``: ``c[k + 1]`` after one explicit dispersion step (neighbours ``c[k]``, ``c[k + 2]``)."""
    for k in range(d.shape[0]):
        d[k] = c[k + 1] + disp * ((c[k] - c[k + 1]) + (c[k + 2] - c[k + 1]))


@njit(cache=True)
def _advect_disperse_decay(c, out, c_in, h, nu, disp, keep, f, a, tile):
    """One pass of advection, then dispersion, then decay by ``keep``: ``c`` -> ``out``."""
    n = c.shape[0] - 5
    for i0 in range(0, n, tile):
        m = min(n, i0 + tile) - i0
        _faces(c[i0:i0 + m + 5], f[:m + 3], h)  # faces i0-2 .. i0+m
        _advect(c[i0 + 2:i0 + m + 4], f[:m + 3], a[:m + 2], nu)  # cells i0-1 .. i0+m
        if i0 == 0:
            a[0] = a[1]  # no dispersive flux through the inlet
        if i0 + m == n:
            a[m + 1] = a[m]  # nor through the outlet
        _disperse_decay(a[:m + 2], out[i0 + 3:i0 + m + 3], disp, keep)
    out[n + 3] = out[n + 2]
    out[n + 4] = out[n + 2]


@njit(cache=True)
def _end_dispersion(c, j, n, disp):
    """Cell ``j`` (0 or n-1) after a dispersion step without flux through the ends."""
    cj = c[j + 3]
    left = c[j + 2] - cj if j > 0 else 0.0
    right = c[j + 4] - cj if j < n - 1 else 0.0
    return cj + disp * (left + right)


@njit(cache=True)
def _disperse_advect(c, out, c_in, h, nu, disp, d, f, tile):
    """One pass of dispersion, then advection: ``c`` -> ``out``."""
    n = c.shape[0] - 5
    for i0 in range(0, n, tile):
        m = min(n, i0 + tile) - i0
        _disperse(c[i0:i0 + m + 5], d[:m + 3], disp)  # cells i0-2 .. i0+m
        if i0 == 0:
            d[2] = _end_dispersion(c, 0, n, disp)
            d[0] = c_in  # the inlet ghosts hold the inflow's concentration
            d[1] = c_in
        if i0 + m == n:
            d[m + 1] = _end_dispersion(c, n - 1, n, disp)
            d[m + 2] = d[m + 1]  # the outlet ghost repeats the last cell
        _faces(d[:m + 3], f[:m + 1], h)  # faces i0-1 .. i0+m-1
        _advect(d[2:m + 2], f[:m + 1], out[i0 + 3:i0 + m + 3], nu)
    out[n + 3] = out[n + 2]
    out[n + 4] = out[n + 2]


@njit(cache=True)
def mc_lw_kernel(conc, c_in, nu, disp, k_dt, n_steps, symmetric, tile=1024):
    """Advance ``conc`` (N,) in place by ``n_steps`` steps of hydro's scheme on one channel.

    ``c_in``: concentration of the inflow (a flux inlet: the inflow face carries
    ``Q c_in``); ``nu = Q dt / V`` the cell Courant number; ``disp = D dt / dx**2``
    the dispersion number; ``k_dt`` the decay rate times the step.  With ``f_i``
    the outflow face value of cell i over Q (``f_-1 = c_in``; the outlet ghost
    repeats the last cell, so its face is upwind), advection A, dispersion D
    and decay R are

        A: c_i <- c_i + nu (f_{i-1} - f_i)
        D: c_i <- c_i + disp ((c_{i-1} - c_i) + (c_{i+1} - c_i))   (no term through an end)
        R: c_i <- c_i exp(-k dt)

    ``symmetric=False``: every step is A, D, R (Lie splitting).  ``symmetric=True``:
    steps go in pairs, A, D, R over 2 dt, then D, A (hydro's symmetric splitting;
    ``n_steps`` must be even).  Positive for nu <= 1 and 2 disp <= 1.

    Fused: each step is one sweep over the channel, ``tile`` cells at a time; in
    a tile the stages are short loops on L1-resident buffers, each of which
    vectorises (one loop carrying the previous faces in registers does not
    vectorise and is about three times slower; recomputing them in one loop is
    about twice slower).
    """
    n = conc.shape[0]
    h = 0.5 * (1.0 - nu)
    # c[j + 3] is cell j; three inlet ghosts at c_in (so f_-1 = c_in exactly), two
    # outlet ghosts repeating the last cell
    c = np.empty(n + 5)
    c[:3] = c_in
    c[3:n + 3] = conc
    c[n + 3:] = conc[n - 1]
    out = c.copy()
    f = np.empty(tile + 3)
    a = np.empty(tile + 3)
    if symmetric:
        if n_steps % 2:
            raise ValueError("the symmetric splitting takes an even number of steps")
        keep2 = math.exp(-k_dt * 2.0)
        for _ in range(n_steps // 2):
            _advect_disperse_decay(c, out, c_in, h, nu, disp, keep2, f, a, tile)
            _disperse_advect(out, c, c_in, h, nu, disp, a, f, tile)
    else:
        keep = math.exp(-k_dt)
        for _ in range(n_steps):
            _advect_disperse_decay(c, out, c_in, h, nu, disp, keep, f, a, tile)
            c, out = out, c
    conc[:] = c[3:n + 3]
    return conc
