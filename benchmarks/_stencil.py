"""Reference stencils for ``benchmarks/transport.py`` (plain Numba, one long channel).

The practical speed limit of a cell update under hydro's numerics (the bare upwind
reference is ``hydro._transport_kernels.upwind_reference_kernel``):

* :func:`mc_lw_kernel` -- hydro's own numerics on one channel with uniform cells and
  steady flow, step for step (the benchmark checks that it agrees with hydro to
  rounding):

  - Strang splitting over each day of ``n_sub`` sub-steps: advection over dt/2,
    then [dispersion and removal over dt, advection over dt] ..., the last
    advection over dt/2 (``n_sub + 1`` advection steps, ``n_sub`` dispersion steps);
  - advection: flux-limited Lax-Wendroff with the monotonized-central limiter (van
    Leer 1977), written exactly as hydro's ``advective_fluxes``; over a half step
    the Courant number is halved and the Lax-Wendroff factor is hydro's
    ``0.25 + 0.5 * 0.5 (1 - nu)``; the outlet face is upwind (its ghost repeats
    the last cell);
  - dispersion: central differences by Heun's method (two forward Euler stages,
    ``c' = c + L(c)``, ``c <- (c + c')/2 + L(c')/2``), no dispersive flux through
    the outlet, then exact first-order decay;
  - hydro's flux (Danckwerts) inlet: the dispersion step takes the dispersive
    part of the inflow, ``H (c_in - c_1)`` with ``H = Q g / (Q + g)``,
    ``g = D A / (dx/2)`` (in both Heun stages; here ``eta = H dt / V =
    2 nu disp / (nu + 2 disp)``), and each advection step the rest: its inflow
    face carries ``c_in`` less the share ``s`` of what the dispersion steps brought
    in, ``s`` = the debt not yet taken off plus a prediction of half the next
    dispersion step's inlet mass (the first step of a day: ``dt/2 H (c_in - c_1)``
    from the current state; the last: none; otherwise half the last step's),
    clamped so the inflow value stays between ``c_in`` and ``c_1`` (what is held
    back stays owed, across days too).  These scalar updates are hydro's
    ``_inlet_split`` in concentration units; the limiter still sees ``c_in``
    upstream.

  Each sub-step (advection, then both Heun stages and decay) is one fused sweep
  over the channel, tile by tile, each stage a short vectorised loop on buffers
  that stay in L1 (the Heun stages need two more halo cells: a tile of ``m``
  cells advects ``m + 4`` and takes its first stage on ``m + 2``); the day's last
  half advection is a sweep of its own.  The inlet scalars are updated between
  sweeps, and inside the first tile for the dispersion step's inlet mass.

Neither is compiled with hydro's policy module on purpose: they are the yardsticks,
compiled with plain ``numba.njit(cache=True)`` (no fastmath, like hydro).
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit


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
def _heun_first(a, b, disp):
    """``b[k]``: first Heun stage (forward Euler) of ``a[k + 1]``, neighbours ``a[k]``, ``a[k + 2]``."""
    for k in range(b.shape[0]):
        b[k] = a[k + 1] + disp * ((a[k] - a[k + 1]) + (a[k + 2] - a[k + 1]))


@njit(cache=True)
def _heun_second(a, b, out, half_disp, keep):
    """``out[k]``: second Heun stage of cell ``k`` (``a[k + 2]``, stage one ``b[k + 1]``), then decay."""
    for k in range(out.shape[0]):
        lap = (b[k] - b[k + 1]) + (b[k + 2] - b[k + 1])
        out[k] = (0.5 * (a[k + 2] + b[k + 1]) + half_disp * lap) * keep


@njit(cache=True)
def _sweep(c, out, f_in, c_in, h, nu, disp, eta, keep, disperse, f, a, b, tile):
    """One sub-step: advection (Courant ``nu``, Lax-Wendroff factor ``h``, inflow face value
    ``f_in``), then, if ``disperse``, dispersion by Heun's method and decay: ``c`` -> ``out``.

    ``c[j + 4]`` is cell j; four inlet ghosts at ``c_in`` (the limiter's upstream
    value), four outlet ghosts repeating the last cell.  Returns the dispersion
    step's inlet mass over the cell volume, ``dt/2 H (c_in - c_1) + dt/2 H
    (c_in - c_1')`` (``c_1'`` after the first stage), or 0 without dispersion.
    """
    n = c.shape[0] - 8
    half_disp = 0.5 * disp
    half_eta = 0.5 * eta
    rr = 0.0
    for i0 in range(0, n, tile):
        m = min(n, i0 + tile) - i0
        # faces i0-3 .. i0+m+1 (f[k]: face after cell i0-3+k), then cells i0-2 .. i0+m+1
        _faces(c[i0:i0 + m + 7], f[:m + 5], h)
        if i0 <= 2:
            f[2 - i0] = f_in  # the inflow face (after inlet ghost -1)
        if not disperse:
            _advect(c[i0 + 4:i0 + m + 4], f[2:m + 3], out[i0 + 4:i0 + m + 4], nu)
            continue
        _advect(c[i0 + 2:i0 + m + 6], f[:m + 5], a[:m + 4], nu)  # a[k]: cell i0-2+k
        # the halo may reach past either end (also in the tile next to the last or
        # the first): no dispersive flux through the inlet face nor the outlet
        lo = 1 - i0  # a[lo]: inlet ghost -1, b[lo]: cell 0
        hi = n + 2 - i0  # a[hi]: outlet ghost n
        if lo >= 0:
            a[lo] = a[lo + 1]
        if hi <= m + 3:
            a[hi] = a[hi - 1]
        _heun_first(a[:m + 4], b[:m + 2], disp)  # b[k]: cell i0-1+k
        if lo >= 0:  # cell 0 takes the dispersive part of the inflow
            a0 = a[lo + 1]
            x = c_in - a0
            if i0 == 0:
                rr += half_eta * x
            b[lo] = (a0 + eta * x) + disp * (a[lo + 2] - a0)
            if lo > 0:
                b[lo - 1] = b[lo]
        if hi <= m + 2:
            b[hi - 1] = b[hi - 2]
        _heun_second(a[:m + 4], b[:m + 2], out[i0 + 4:i0 + m + 4], half_disp, keep)
        if i0 == 0:
            b0 = b[1]
            x = c_in - b0
            rr += half_eta * x
            out[4] = ((0.5 * (a[2] + b0) + half_eta * x) + half_disp * (b[2] - b0)) * keep
    last = out[n + 3]
    for k in range(4):
        out[n + 4 + k] = last
    return rr


@njit(cache=True)
def mc_lw_kernel(conc, c_in, nu, disp, k_dt, substeps, tile=1024):
    """Advance ``conc`` (N,) in place by hydro's scheme on one channel, day after day.

    ``substeps`` (D,) int: the sub-steps of each day (a Strang-split day each, see
    the module docstring); ``c_in``: the concentration of the inflow at the flux
    (Danckwerts) inlet; ``nu = Q dt / V`` the cell Courant number; ``disp =
    D dt / dx**2`` the dispersion number (conductance ``D A / dx`` times ``dt / V``);
    ``k_dt`` the decay rate times the sub-step.  The inlet's dispersive conductance
    is hydro's ``H = Q g / (Q + g)``, ``g = D A / (dx/2)``, so ``H dt / V = 2 nu
    disp / (nu + 2 disp)``.  Within range for ``nu <= 1`` and ``2 disp + H dt / V
    <= 1`` (hydro's limits).

    Fused: each sub-step is one sweep over the channel, ``tile`` cells at a time; in
    a tile the stages are short loops on L1-resident buffers, each of which
    vectorises (one loop carrying the previous faces in registers does not
    vectorise and is about three times slower; recomputing them in one loop is
    about twice slower).
    """
    n = conc.shape[0]
    h = 0.5 * (1.0 - nu)
    h_half = 0.25 + 0.5 * h  # hydro's Lax-Wendroff factor of a half sub-step
    nu_half = 0.5 * nu
    eta = 2.0 * nu * disp / (nu + 2.0 * disp) if disp > 0.0 and nu > 0.0 else 0.0
    keep = math.exp(-k_dt)
    c = np.empty(n + 8)
    c[:4] = c_in
    c[4:n + 4] = conc
    c[n + 4:] = conc[n - 1]
    out = c.copy()
    f = np.empty(tile + 5)
    a = np.empty(tile + 4)
    b = np.empty(tile + 2)
    debt = 0.0  # inlet mass (over V) the dispersion steps brought in, not yet taken off the inflow
    r_prev = 0.0  # the last dispersion step's inlet mass
    for day in range(substeps.shape[0]):
        n_sub = substeps[day]
        for sub in range(n_sub + 1):
            ends = sub == 0 or sub == n_sub
            nu_s = nu_half if ends else nu
            c1 = c[4]
            if sub == 0:
                pred = 0.5 * eta * (c_in - c1)
            elif sub == n_sub:
                pred = 0.0
            else:
                pred = 0.5 * r_prev
            x = debt + pred
            room = nu_s * (c_in - c1)
            theta = 1.0
            if x > max(room, 0.0):
                theta = max(room, 0.0) / x
            elif x < min(room, 0.0):
                theta = min(room, 0.0) / x
            x *= theta
            debt -= x
            f_in = c_in - x / nu_s if nu_s > 0.0 else c_in
            rr = _sweep(c, out, f_in, c_in, h_half if ends else h, nu_s, disp, eta, keep, sub < n_sub,
                        f, a, b, tile)
            if sub < n_sub:
                r_prev = rr
                debt += rr
            c, out = out, c
    conc[:] = c[4:n + 4]
    return conc
