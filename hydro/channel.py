"""Surveyed channel geometry: rectangular and trapezoidal sections at Manning normal depth.

A :class:`Channel` describes a prismatic cross-section (bottom width ``b``, side
slope ``z`` horizontal : vertical, ``z = 0`` for a rectangle), its Manning
roughness ``n`` and the bed slope ``S``, as in QUAL2K, HEC-RAS and SWAT.  At a
discharge ``Q`` the flow is taken at *normal depth* ``y``, the depth at which
Manning's equation holds:

    Q = (1/n) A R^(2/3) S^(1/2),   A = (b + z y) y,   P = b + 2 y sqrt(1 + z^2),   R = A / P

(SI units: Q in m3 s-1, lengths in m).  Every other quantity follows from ``y``:
wetted area ``A``, top width ``T = b + 2 z y``, mean velocity ``V = Q / A`` and the
kinematic-wave celerity ``c = dQ/dA``.

The solver
----------
:func:`normal_depth` solves Manning's equation for arrays of discharges at once.
It works on ``u = ln y``: ``h(u) = ln Q(e^u) - ln Q`` is increasing, and its slope
(the elasticity ``d ln Q / d ln y = 5/3 yT/A - 2/3 yP'/P``) lies in ``[1, 10/3]``
for every rectangle and trapezoid (``yT/A`` lies in ``[1, 2]`` and ``yP'/P`` in
``[0, 1)``).  One evaluation at any first guess ``u0`` therefore brackets the
root: it lies between ``u0 - h0`` and ``u0 - 0.3 h0``.  Newton steps in ``u`` are
taken inside that bracket, and a step that would leave it is replaced by
bisection, so the iteration converges for any discharge from ``1e-300`` to
``1e300`` m3 s-1, quadratically near the root; it stops when the step in ``ln y``
is below ``1e-13`` (depth to about 1e-13 relative).  ``Q = 0`` gives ``y = 0``;
a negative or NaN discharge gives NaN.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

#: Channel shapes a basin file can name.
SHAPES = ("rectangle", "trapezoid")

#: Convergence of :func:`normal_depth`: largest step in ln(depth) accepted as converged.
TOLERANCE = 1e-13

#: Depth at which :meth:`Channel.power_law` fits the equivalent power law by default, m.
REFERENCE_DEPTH_M = 1.0

_MAX_ITER = 200


@dataclass(frozen=True)
class Channel:
    """A prismatic channel at Manning normal depth.

    Attributes
    ----------
    shape : str
        ``"rectangle"`` or ``"trapezoid"``.
    bottom_width_m : float
        Bottom width ``b``, m (> 0 for a rectangle, >= 0 for a trapezoid; ``b = 0``
        with ``z > 0`` is a triangle).
    side_slope : float
        Side slope ``z``, horizontal : vertical (m per m); 0 for a rectangle.
    manning_n : float
        Manning roughness ``n``, s m-1/3 (> 0; about 0.025-0.05 for natural rivers).
    slope_m_per_m : float
        Bed (friction) slope ``S``, m m-1 (> 0).

    Raises
    ------
    ValueError
        On an unknown shape or a value out of range (the basin-file reader reports
        these as a :class:`~hydro.errors.HydroError` naming the key first).
    """

    shape: str
    bottom_width_m: float
    side_slope: float
    manning_n: float
    slope_m_per_m: float

    def __post_init__(self):
        if self.shape not in SHAPES:
            raise ValueError(f"channel shape must be one of {', '.join(SHAPES)}, got {self.shape!r}")
        b, z = float(self.bottom_width_m), float(self.side_slope)
        for name in ("bottom_width_m", "side_slope", "manning_n", "slope_m_per_m"):
            value = float(getattr(self, name))
            if not np.isfinite(value):
                raise ValueError(f"channel {name} must be finite, got {value}")
            object.__setattr__(self, name, value)
        if self.manning_n <= 0 or self.slope_m_per_m <= 0:
            raise ValueError("channel manning_n and slope_m_per_m must be > 0")
        if self.shape == "rectangle" and (z != 0 or b <= 0):
            raise ValueError("a rectangular channel has side_slope 0 and bottom_width_m > 0")
        if self.shape == "trapezoid" and (b < 0 or z < 0 or b + z <= 0):
            raise ValueError("a trapezoidal channel has bottom_width_m >= 0 and side_slope >= 0, "
                             "not both 0")

    # ---- geometry at a depth ------------------------------------------------------
    @property
    def conveyance_factor(self) -> float:
        """``sqrt(S) / n``, m1/3 s-1: ``Q = conveyance_factor * A**(5/3) / P**(2/3)``."""
        return float(np.sqrt(self.slope_m_per_m) / self.manning_n)

    def area_at(self, y):
        """Wetted area ``(b + z y) y`` (m2) at depth ``y`` (m)."""
        y = np.asarray(y, dtype=float)
        return (self.bottom_width_m + self.side_slope * y) * y

    def perimeter_at(self, y):
        """Wetted perimeter ``b + 2 y sqrt(1 + z^2)`` (m) at depth ``y`` (m)."""
        y = np.asarray(y, dtype=float)
        return self.bottom_width_m + 2.0 * np.sqrt(1.0 + self.side_slope ** 2) * y

    def top_width_at(self, y):
        """Top width ``b + 2 z y`` (m) at depth ``y`` (m)."""
        y = np.asarray(y, dtype=float)
        return self.bottom_width_m + 2.0 * self.side_slope * y

    def discharge_at(self, y):
        """Manning discharge (m3 s-1) at normal depth ``y`` (m); 0 at ``y = 0``."""
        y = np.asarray(y, dtype=float)
        a, p = self.area_at(y), self.perimeter_at(y)
        with np.errstate(divide="ignore", invalid="ignore"):
            q = self.conveyance_factor * a * np.cbrt((a / p) ** 2)
        return np.where(y > 0, q, np.where(y == 0, 0.0, np.nan))

    # ---- geometry at a discharge ----------------------------------------------------
    def depth(self, q):
        """Normal depth (m) at discharge ``q`` (m3 s-1); see :func:`normal_depth`."""
        return normal_depth(q, self.bottom_width_m, self.side_slope, self.manning_n,
                            self.slope_m_per_m)

    def area(self, q):
        """Wetted cross-section area (m2) at discharge ``q`` (m3 s-1); 0 at ``q = 0``."""
        return self.area_at(self.depth(q))

    def top_width(self, q):
        """Top (water-surface) width (m) at discharge ``q`` (m3 s-1); ``b`` at ``q = 0``."""
        return self.top_width_at(self.depth(q))

    def hydraulic_depth(self, q):
        """Hydraulic (mean) depth ``A / T`` (m) at discharge ``q`` (m3 s-1); 0 at ``q = 0``."""
        y = self.depth(q)
        with np.errstate(divide="ignore", invalid="ignore"):
            d = self.area_at(y) / self.top_width_at(y)
        return np.where(y == 0, 0.0, d)

    def velocity(self, q):
        """Mean velocity ``Q / A`` (m s-1) at discharge ``q`` (m3 s-1); 0 at ``q = 0``."""
        q = np.asarray(q, dtype=float)
        a = self.area(q)
        with np.errstate(divide="ignore", invalid="ignore"):
            v = q / a
        return np.where(q == 0, 0.0, v)

    def celerity(self, q):
        """Kinematic-wave celerity ``dQ/dA`` (m s-1) at discharge ``q`` (m3 s-1).

        ``c = V (5/3 - 2/3 A P' / (T P))`` with ``P' = dP/dy = 2 sqrt(1 + z^2)``:
        5/3 V for a wide rectangle, 4/3 V for a triangle; 0 at ``q = 0``.
        """
        q = np.asarray(q, dtype=float)
        y = self.depth(q)
        a, p, t = self.area_at(y), self.perimeter_at(y), self.top_width_at(y)
        dp = 2.0 * np.sqrt(1.0 + self.side_slope ** 2)
        with np.errstate(divide="ignore", invalid="ignore"):
            c = q / a * (5.0 / 3.0 - 2.0 / 3.0 * a * dp / (t * p))
        return np.where(q == 0, 0.0, c)

    def power_law(self, q_ref=None):
        """The power laws ``v = a Q**b`` and ``w = c Q**d`` tangent (in log-log) at ``q_ref``.

        Used where code still needs a power law (the network layout's
        ``vel_coeff``/``vel_exp``); the hydraulics of a channel reach come from the
        channel itself.

        Parameters
        ----------
        q_ref : float, optional
            Discharge of the fit, m3 s-1 (> 0).  Default: the discharge at
            :data:`REFERENCE_DEPTH_M` (1 m) normal depth.

        Returns
        -------
        velocity_coeff, velocity_exp, width_coeff, width_exp : float
            ``b = d ln V / d ln Q`` (in ``[0, 1)``), ``d = d ln T / d ln Q`` (in ``[0, 1)``),
            and the coefficients that make both laws exact at ``q_ref``.
        """
        q = float(self.discharge_at(REFERENCE_DEPTH_M) if q_ref is None else q_ref)
        if not q > 0:
            raise ValueError(f"q_ref must be > 0, got {q_ref}")
        y = float(self.depth(q))
        a, p, t = (float(f(y)) for f in (self.area_at, self.perimeter_at, self.top_width_at))
        dp = 2.0 * np.sqrt(1.0 + self.side_slope ** 2)
        elasticity = y * (5.0 / 3.0 * t / a - 2.0 / 3.0 * dp / p)  # d ln Q / d ln y
        b_w = y * 2.0 * self.side_slope / t / elasticity           # d ln T / d ln Q
        b_v = 1.0 - y * t / a / elasticity                         # d ln V / d ln Q = 1 - d ln A / d ln Q
        v = q / a
        return v / q ** b_v, b_v, t / q ** b_w, b_w


def normal_depth(q, bottom_width_m, side_slope, manning_n, slope_m_per_m):
    """Manning normal depth of rectangular or trapezoidal channels, vectorised.

    Solves ``Q = (1/n) A R^(2/3) S^(1/2)`` for the depth ``y`` with
    ``A = (b + z y) y`` and ``P = b + 2 y sqrt(1 + z^2)`` by bracketed Newton
    iteration on ``ln y`` (see the module docstring for why it always converges).

    Parameters
    ----------
    q : array_like
        Discharge, m3 s-1.
    bottom_width_m, side_slope, manning_n, slope_m_per_m : array_like
        Bottom width ``b`` (m), side slope ``z`` (H:V), Manning ``n`` (s m-1/3) and
        bed slope ``S`` (m m-1); broadcast against ``q``.

    Returns
    -------
    ndarray
        Normal depth, m, the broadcast shape of the inputs: 0 where ``q = 0``, NaN
        where ``q`` is negative or NaN, inf where ``q`` is inf.  Converged to a step
        in ``ln y`` below :data:`TOLERANCE` (about 1e-13 relative).
    """
    q, b, z, n, s = np.broadcast_arrays(*(np.asarray(x, dtype=float) for x in
                                          (q, bottom_width_m, side_slope, manning_n, slope_m_per_m)))
    shape = q.shape
    q, b, z, n, s = (x.ravel() for x in (q, b, z, n, s))
    y = np.full(q.shape, np.nan)
    y[q == 0] = 0.0
    y[q == np.inf] = np.inf
    live = np.flatnonzero((q > 0) & np.isfinite(q))
    if live.size:
        y[live] = _solve(q[live], b[live], z[live], n[live], s[live])
    return y.reshape(shape) if shape else y[0]


def _log_discharge(u, b, z, k_log, root):
    """``ln Q`` at ``y = e^u`` and its derivative ``d ln Q / d u`` (arrays).

    Written without forming ``A`` so that depths up to 1e300 m do not overflow:
    ``ln A = ln(b + z y) + u`` and ``y T / A = (b + 2 z y) / (b + z y)``.
    """
    y = np.exp(u)
    bzy = b + z * y
    p = b + 2.0 * root * y
    log_q = k_log + 5.0 / 3.0 * (np.log(bzy) + u) - 2.0 / 3.0 * np.log(p)
    slope = 5.0 / 3.0 * (bzy + z * y) / bzy - 4.0 / 3.0 * root * y / p
    return log_q, slope


def _solve(q, b, z, n, s):
    """Bracketed Newton on ``u = ln y`` for positive finite discharges (1-D arrays)."""
    k_log = 0.5 * np.log(s) - np.log(n)  # ln(sqrt(S)/n)
    root = np.sqrt(1.0 + z * z)
    target = np.log(q)
    kq = q * n / np.sqrt(s)  # A^(5/3) P^(-2/3)
    # first guess: the wide rectangle y = (nQ / (b sqrt S))^(3/5), or the triangle
    # y = (kq^3 (2 root)^2 / z^5)^(1/8) where that is shallower (steep, narrow sections)
    with np.errstate(divide="ignore", over="ignore"):
        u_rect = np.where(b > 0, 0.6 * (np.log(kq) - np.log(b)), np.inf)
        u_tri = np.where(z > 0, (3.0 * np.log(kq) + 2.0 * np.log(2.0 * root) - 5.0 * np.log(z)) / 8.0,
                         np.inf)
    u = np.minimum(u_rect, u_tri)
    h, dh = _log_discharge(u, b, z, k_log, root)
    h -= target
    # the elasticity d ln Q / d ln y lies in [1, 10/3]: one evaluation brackets the root
    lo = np.where(h > 0, u - h, u - 0.3 * h)
    hi = np.where(h > 0, u - 0.3 * h, u - h)
    # widen by a few ulps so round-off in h cannot put the root outside
    pad = 1e-12 * (1.0 + np.abs(u))
    lo -= pad
    hi += pad
    todo = np.arange(q.size)
    for _ in range(_MAX_ITER):
        step = -h / dh
        new = u + step
        outside = ~((new > lo) & (new < hi))
        new = np.where(outside, 0.5 * (lo + hi), new)
        done = np.abs(new - u) <= TOLERANCE * np.maximum(1.0, np.abs(u))
        u = new
        u_out = u[done]
        if done.any():
            idx = todo[done]
            q[idx] = np.exp(u_out)  # reuse q as the output buffer
        keep = ~done
        if not keep.any():
            todo = todo[:0]
            break
        todo, u, lo, hi = todo[keep], u[keep], lo[keep], hi[keep]
        b, z, k_log, root, target = b[keep], z[keep], k_log[keep], root[keep], target[keep]
        h, dh = _log_discharge(u, b, z, k_log, root)
        h -= target
        lo = np.where(h < 0, np.maximum(lo, u), lo)
        hi = np.where(h > 0, np.minimum(hi, u), hi)
        # an exact hit: collapse the bracket
        exact = h == 0
        lo = np.where(exact, u, lo)
        hi = np.where(exact, u, hi)
    if todo.size:  # pragma: no cover - the bracket halves at worst every step
        q[todo] = np.exp(0.5 * (lo + hi))
    return q
