"""Fitting the WRTDS concentration surface: weighted (and censored) regressions on a grid.

The first half of WRTDS (Hirsch, Moyer & Archfield 2010; EGRET's ``estSurfaces``),
described in :mod:`hydro.flownorm`, which applies the surface to days and years:
:class:`Settings` (windows and minimum sample counts), :func:`decimal_year`,
:func:`estimate_surface` (the tricube-weighted regression at every grid point,
censored-normal where samples are below a reporting limit) and :class:`Surface`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import special


@dataclass(frozen=True)
class Settings:
    """WRTDS settings; the defaults are EGRET's.

    Attributes
    ----------
    window_year : float
        Half-window in time (years).
    window_q : float
        Half-window in natural-log discharge.
    window_season : float
        Half-window in season (years). Up to 0.5 it widens with the others (to 0.5 at
        most); a larger value (every season weighted) stays as given, as in EGRET.
    min_obs : int
        Samples with a non-zero weight each regression needs (windows widen until met).
    min_uncensored : int
        Uncensored samples with a non-zero weight each regression needs.
    edge_adjust : bool
        Widen the time window near the ends of the sample record.
    n_logq : int
        Number of ln Q values of the estimation grid.
    per_year : int
        Estimation grid points per year.
    """

    window_year: float = 7.0
    window_q: float = 2.0
    window_season: float = 0.5
    min_obs: int = 100
    min_uncensored: int = 50
    edge_adjust: bool = True
    n_logq: int = 14
    per_year: int = 16

    def __post_init__(self) -> None:
        if min(self.window_year, self.window_q, self.window_season) <= 0:
            raise ValueError("WRTDS windows must be positive")
        if self.min_obs < 6:
            raise ValueError("min_obs must be at least 6 (five coefficients and a variance)")
        if self.n_logq < 2 or self.per_year < 1:
            raise ValueError("the estimation grid needs n_logq >= 2 and per_year >= 1")


@dataclass(frozen=True)
class Surface:
    """Fitted WRTDS surfaces on the (decimal year, ln Q) grid.

    ``yhat``, ``scale`` and ``conc`` have shape ``(len(logq), len(years))``.
    """

    logq: np.ndarray
    years: np.ndarray
    yhat: np.ndarray
    scale: np.ndarray
    conc: np.ndarray

    def interpolate(self, t: np.ndarray, logq: np.ndarray) -> np.ndarray:
        """Bilinear interpolation of the concentration surface at (t, ln Q)."""
        return _bilinear(self.conc, self.years, self.logq, t, logq)


#: The settings EGRET uses by default.
DEFAULT_SETTINGS = Settings()


def decimal_year(dates: np.ndarray | Sequence) -> np.ndarray:
    """EGRET's decimal year: ``year + (day_of_year - 0.5) / days_in_year``."""
    d = np.asarray(dates, dtype="datetime64[D]")
    years = d.astype("datetime64[Y]")
    start = years.astype("datetime64[D]")
    length = ((years + 1).astype("datetime64[D]") - start).astype(float)
    doy = (d - start).astype(float)  # 0-based
    return years.astype(int) + 1970 + (doy + 0.5) / length


def _tricube(d: np.ndarray, h: np.ndarray) -> np.ndarray:
    u = np.minimum(np.abs(d) / h, 1.0)
    u = 1.0 - u * u * u
    return u * u * u


def _design(t: np.ndarray, logq: np.ndarray, t0: float) -> np.ndarray:
    return np.column_stack([np.ones_like(t), t - t0, logq, np.sin(2 * np.pi * t),
                            np.cos(2 * np.pi * t)])


def _censored_em(w: np.ndarray, X: np.ndarray, y: np.ndarray, cens: np.ndarray,
                 beta: np.ndarray, scale: np.ndarray, tol: float = 1e-12,
                 max_iter: int = 5000) -> tuple[np.ndarray, np.ndarray]:
    """Weighted maximum likelihood with left-censored values (EM for the Tobit model).

    ``y`` holds ln(value) for detected samples and ln(reporting limit) for censored
    ones; ``w`` is (points, samples). The result is the maximum-likelihood estimate
    that EGRET's ``survreg`` returns.
    """
    u, c = ~cens, cens
    XXu = (X[u, :, None] * X[u, None, :]).reshape(-1, 25)
    XXc = (X[c, :, None] * X[c, None, :]).reshape(-1, 25)
    wu, wc = w[:, u], w[:, c]
    Au = (wu @ XXu).reshape(-1, 5, 5)
    A = Au + (wc @ XXc).reshape(-1, 5, 5)
    bu = wu @ (X[u] * y[u, None])
    yyu = wu @ (y[u] ** 2)
    sw = w.sum(axis=1)
    Xc, yc = X[c], y[c]
    for _ in range(max_iter):
        mu = beta @ Xc.T  # (m, nc)
        z = (yc[None, :] - mu) / scale[:, None]
        lam = np.exp(-0.5 * z * z - 0.5 * np.log(2 * np.pi) - special.log_ndtr(z))
        ey = mu - scale[:, None] * lam
        vy = scale[:, None] ** 2 * (1 - z * lam - lam ** 2)
        b = bu + (wc * ey) @ Xc
        new_beta = np.linalg.solve(A, b[:, :, None])[:, :, 0]
        ssu = yyu - 2 * (new_beta * bu).sum(axis=1) + np.einsum("mk,mkl,ml->m", new_beta, Au,
                                                                  new_beta)
        ssc = (wc * ((ey - new_beta @ Xc.T) ** 2 + vy)).sum(axis=1)
        new_scale = np.sqrt(np.maximum(ssu + ssc, 0.0) / sw)
        done = (np.abs(new_beta - beta).max() < tol) and (np.abs(new_scale - scale).max() < tol)
        beta, scale = new_beta, new_scale
        if done:
            break
    return beta, scale


#: Condition number, after scaling each matrix to a unit diagonal, above which a grid point's
#: normal equations count as singular. Exact collinearity (a constant ln Q beside the intercept)
#: leaves a condition of order 1e16 that LAPACK may or may not turn into an error, depending on the
#: machine's summation order; real records stay far below (a ln Q spread of 0.1 around a mean of 5
#: gives about 1e4), so 1e12 separates the two with margin on both sides.
SINGULAR_CONDITION = 1e12


def _near_singular(A: np.ndarray) -> bool:
    """Whether any of the (m, 5, 5) weighted normal-equation matrices ``A`` is (nearly) singular."""
    d = np.sqrt(np.einsum("mii->mi", A))
    if not np.all(d > 0):
        return True
    cond = np.linalg.cond(A / d[:, :, None] / d[:, None, :])
    return bool(not np.all(cond < SINGULAR_CONDITION))


_SINGULAR = ("WRTDS: a weighted regression is singular: the samples weighted at some grid "
             "point do not vary enough in discharge (or in time and season) to fit "
             "ln C = b0 + b1 t + b2 ln Q + b3 sin + b4 cos; WRTDS needs a varying discharge "
             "(a constant one, e.g. a fixed release, cannot be flow-normalised)")


def _fit_points(ts: np.ndarray, lq: np.ndarray, y: np.ndarray, gt: np.ndarray, gq: np.ndarray,
                settings: Settings, cens: np.ndarray | None = None,
                edges: tuple[float, float] | None = None, chunk: int = 4_000_000
                ) -> tuple[np.ndarray, np.ndarray]:
    """Weighted regressions at the points (gt, gq); returns yhat and the scale.

    ``cens`` marks left-censored samples (``y`` is then the ln reporting limit).
    """
    n = ts.size
    cens = np.zeros(n, bool) if cens is None else np.asarray(cens, bool)
    t0 = float(np.mean(ts))
    X = _design(ts, lq, t0)  # (n, 5)
    XX = (X[:, :, None] * X[:, None, :]).reshape(n, 25)
    Xy = X * y[:, None]
    low, high = (float(ts.min()), float(ts.max())) if edges is None else edges
    dist_edge = np.minimum(gt - low, high - gt)
    win_y0 = np.full(gt.shape, float(settings.window_year))
    if settings.edge_adjust:
        win_y0 = np.where(dist_edge > settings.window_year, float(settings.window_year),
                          2 * settings.window_year - dist_edge)
    yhat = np.empty(gt.size)
    scale = np.empty(gt.size)
    step = max(1, chunk // max(n, 1))
    for s0 in range(0, gt.size, step):
        sl = slice(s0, s0 + step)
        pt, pq = gt[sl], gq[sl]
        dt = np.abs(ts[None, :] - pt[:, None])
        ds = np.minimum(np.ceil(dt) - dt, dt - np.floor(dt))
        dq = lq[None, :] - pq[:, None]
        wy = win_y0[sl].copy()
        wq = np.full(pt.size, float(settings.window_q))
        ws = np.full(pt.size, float(settings.window_season))
        w = np.empty_like(dt)
        todo = np.ones(pt.size, bool)
        for _ in range(200):
            idx = np.flatnonzero(todo)
            w[idx] = (_tricube(dt[idx], wy[idx, None]) * _tricube(dq[idx], wq[idx, None])
                      * _tricube(ds[idx], ws[idx, None]))
            positive = w[idx] > 0
            short = ((positive.sum(axis=1) < settings.min_obs)
                     | ((positive & ~cens).sum(axis=1) < settings.min_uncensored))
            if not short.any():
                break
            todo[:] = False
            todo[idx[short]] = True
            wy[todo] *= 1.1
            wq[todo] *= 1.1
            if settings.window_season <= 0.5:
                ws[todo] = np.minimum(ws[todo] * 1.1, 0.5)
        else:  # 1.1**200: only samples exactly half a year away in season stay at weight 0
            raise ValueError(f"WRTDS: the windows widened 200 times and still gave fewer than "
                             f"{settings.min_obs} samples ({settings.min_uncensored} uncensored) "
                             "a weight at some grid point; lower Settings.min_obs or "
                             "min_uncensored, or give more samples")
        # weighted normal equations as matrix products: A = sum w x x', b = sum w x y
        A = (w @ XX).reshape(-1, 5, 5)
        b = w @ Xy
        if _near_singular(A):
            raise ValueError(_SINGULAR)
        beta = np.linalg.solve(A, b[:, :, None])[:, :, 0]  # (m, 5)
        resid = y[None, :] - beta @ X.T
        sc = np.sqrt((w * resid * resid).sum(axis=1) / w.sum(axis=1))
        if cens.any():
            hit = np.flatnonzero((w[:, cens] > 0).any(axis=1))
            if hit.size:
                beta[hit], sc[hit] = _censored_em(w[hit], X, y, cens, beta[hit], sc[hit])
        scale[sl] = sc
        x0 = np.column_stack([np.ones_like(pt), pt - t0, pq, np.sin(2 * np.pi * pt),
                              np.cos(2 * np.pi * pt)])
        yhat[sl] = (x0 * beta).sum(axis=1)
    return yhat, scale


def estimate_surface(sample_t: np.ndarray, sample_logq: np.ndarray, sample_conc: np.ndarray,
                     daily_t: np.ndarray, daily_logq: np.ndarray,
                     settings: Settings = Settings(), censored=None,
                     edges: tuple[float, float] | None = None) -> Surface:
    """Fit the WRTDS surfaces on EGRET's grid spanning the daily record.

    ``censored`` marks samples below a reporting limit (``sample_conc`` is then the limit);
    ``edges`` are the decimal years of the start and end of the sample record used by
    the edge adjustment (default: the first and last sample).
    """
    y = np.log(np.asarray(sample_conc, float))
    ts = np.asarray(sample_t, float)
    lq = np.asarray(sample_logq, float)
    cens = None if censored is None else np.asarray(censored, bool)
    n_uncens = ts.size - (0 if cens is None else int(cens.sum()))
    if ts.size < settings.min_obs or n_uncens < settings.min_uncensored:
        raise ValueError(f"WRTDS needs at least {settings.min_obs} samples of which "
                         f"{settings.min_uncensored} uncensored (EGRET's minNumObs, "
                         f"minNumUncen); got {ts.size} samples, {n_uncens} uncensored")
    bottom, top = float(np.min(daily_logq)) - 0.05, float(np.max(daily_logq)) + 0.05
    logq = np.linspace(bottom, top, settings.n_logq)
    y0, y1 = np.floor(np.min(daily_t)), np.ceil(np.max(daily_t))
    years = y0 + np.arange(round((y1 - y0) * settings.per_year) + 1) / settings.per_year
    gq, gt = np.meshgrid(logq, years, indexing="ij")
    yhat, scale = _fit_points(ts, lq, y, gt.ravel(), gq.ravel(), settings, cens, edges)
    yhat = yhat.reshape(gq.shape)
    scale = scale.reshape(gq.shape)
    return Surface(logq, years, yhat, scale, np.exp(yhat + scale ** 2 / 2))


def _bilinear(grid: np.ndarray, years: np.ndarray, logq: np.ndarray, t: np.ndarray,
              lq: np.ndarray) -> np.ndarray:
    fy = np.clip((np.asarray(t) - years[0]) / (years[1] - years[0]), 0, years.size - 1)
    fq = np.clip((np.asarray(lq) - logq[0]) / (logq[1] - logq[0]), 0, logq.size - 1)
    iy = np.minimum(np.floor(fy).astype(int), years.size - 2)
    iq = np.minimum(np.floor(fq).astype(int), logq.size - 2)
    ay, aq = fy - iy, fq - iq
    return ((1 - aq) * (1 - ay) * grid[iq, iy] + (1 - aq) * ay * grid[iq, iy + 1]
            + aq * (1 - ay) * grid[iq + 1, iy] + aq * ay * grid[iq + 1, iy + 1])
