"""The surface wash-off store (issue 13): build-up, wash-off by quick flow and an optional first-order loss.

Each day, per subbasin and channel (TN's sources; the other species' in :mod:`hydro.sources.quality`)::

    S += B_d;   W_d = S (1 - exp(-k q_d));   S -= W_d;   L_d = S (1 - exp(-lam));   S -= L_d

with ``B_d`` the day's build-up (kg/d), ``q_d`` its quick flow (mm/d), ``k`` the wash-off coefficient
(1/mm, ``washoff_per_mm``) and ``lam`` the loss rate (1/d, ``washoff_loss_per_day``, default 0: no
loss, the store of issue 13 unchanged bit for bit).  What is lost (``L``) leaves the river's budget:
N volatilised as NH3, denitrified or taken into the soil, manure and sewage N that never reaches a
river.  Every kilogram built up is washed off, lost or left in the store:
``sum B = sum W + sum L + S_end - S_0`` to round-off.  Without quick flow and with a constant
build-up ``B`` the store tends to ``B exp(-lam) / (1 - exp(-lam))`` at the start of a day
(``~ B / lam`` for ``lam << 1``); a pulse decays as ``exp(-lam t)``; the half-life is ``ln 2 / lam``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

#: Days from the run's first whose build-up the wash-off store starts in balance with (:func:`steady_start`).
START_DAYS = 365


@dataclass(frozen=True)
class WashoffStore:
    """The surface wash-off store over a run.

    Attributes
    ----------
    buildup_kg_per_day : ndarray [n_day, n_sub, n_channel]
        N (or P, O2) building up on the surface each day (kg/d).
    washed_kg_per_day : ndarray [n_day, n_sub, n_channel]
        Washed off by quick flow each day (kg/d).
    storage_kg : ndarray [n_day + 1, n_sub, n_channel]
        Content at the start of each day and at the end of the last (kg).
    lost_kg_per_day : ndarray [n_day, n_sub, n_channel] or None
        Lost to the atmosphere and soil each day (kg/d); None: a store without loss.

    Notes
    -----
    ``buildup.sum(0) = washed.sum(0) + lost.sum(0) + storage[-1] - storage[0]`` to round-off.
    """

    buildup_kg_per_day: np.ndarray
    washed_kg_per_day: np.ndarray
    storage_kg: np.ndarray
    lost_kg_per_day: np.ndarray | None = None


def washed_fraction(quick_mm: np.ndarray, k_per_mm: np.ndarray) -> np.ndarray:
    """Share of the store each day's quick flow washes off, ``1 - exp(-k q)`` [n_day, n_sub] (1)."""
    q = np.asarray(quick_mm, dtype=np.float64)
    return -np.expm1(-np.asarray(k_per_mm, dtype=np.float64)[None, :] * q)


def _has_loss(loss_per_day) -> bool:
    return loss_per_day is not None and bool(np.any(np.asarray(loss_per_day) > 0.0))


def steady_start(buildup: np.ndarray, mean_fraction: np.ndarray, year_days: int = START_DAYS,
                 loss_per_day: np.ndarray | None = None) -> np.ndarray:
    """The store's content in equilibrium with the run's first year (kg) [n_sub, n_channel].

    What builds up over the first ``year_days`` days (d), on average ``B`` per day, is in
    balance with what the run's mean washed share ``a`` (per day) removes:
    ``S_0 = B (1 - a) / a``, the content at the start of a day that ``S += B; S -= a S``
    leaves unchanged, so that what the store delivers is on average what builds up from
    the first day, as the groundwater store starts at ``I tau``.  The store's time constant is 1/a days;
    where it is many years (little quick flow), any spin-up pass over the run's own
    days leaves the store far below this and its delivery rising all run (issue 13,
    docs/sources.md "Wash-off").  A subbasin whose quick flow is zero all run washes
    nothing off; its store starts empty.  With a loss ``lam`` (1/d) the day keeps the share
    ``r = (1 - a) exp(-lam)`` and ``S_0 = B r / (1 - r)``, in balance with wash-off and loss
    together (also where nothing is washed off).

    Parameters
    ----------
    buildup : float [n_day, n_sub, n_channel]
        Daily build-up (kg/d).
    mean_fraction : float [n_sub]
        Mean over the whole run of the share washed off each day (:func:`washed_fraction`), 1/d.
    year_days : int
        Days of build-up averaged (d): the run's first year.
    loss_per_day : float [n_sub], optional
        Loss rate ``lam`` (1/d), >= 0; None or all 0: no loss (the formula above, bit for bit).
    """
    mean_build = np.asarray(buildup[:year_days], dtype=np.float64).mean(axis=0)
    a = np.asarray(mean_fraction, dtype=np.float64)[:, None]
    if not _has_loss(loss_per_day):
        return np.where(a > 0.0, mean_build * (1.0 - a) / np.where(a > 0.0, a, 1.0), 0.0)
    lam = np.asarray(loss_per_day, dtype=np.float64)[:, None]
    gone = -np.expm1(np.log1p(-np.minimum(a, 1.0)) - lam)     # 1 - r, computed without cancellation
    return np.where(gone > 0.0, mean_build * (1.0 - gone) / np.where(gone > 0.0, gone, 1.0), 0.0)


def washoff(buildup: np.ndarray, quick_mm: np.ndarray, k_per_mm: np.ndarray,
            initial_kg: np.ndarray | None = None, mean_fraction: np.ndarray | None = None,
            loss_per_day: np.ndarray | None = None) -> WashoffStore:
    """Run the exponential wash-off store of every subbasin and channel.

    Parameters
    ----------
    buildup : float [n_day, n_sub, n_channel]
        Daily build-up (kg/d), >= 0.
    quick_mm : float [n_day, n_sub]
        Quick flow (mm/d), >= 0.
    k_per_mm : float [n_sub]
        Wash-off coefficient (1/mm), > 0.
    initial_kg : float [n_sub, n_channel], optional
        Content on the first day (kg); default the steady state of the first year's build-up (:func:`steady_start`).
    mean_fraction : float [n_sub], optional
        The whole run's mean share washed off per day (1/d) for that steady state; default these days'.
    loss_per_day : float [n_sub], optional
        First-order loss rate of the store (1/d), >= 0 (module docstring); None or all 0: no loss,
        the compiled store unchanged (``lost_kg_per_day`` None).

    Returns
    -------
    WashoffStore
    """
    b = np.ascontiguousarray(buildup, dtype=np.float64)
    q = np.ascontiguousarray(quick_mm, dtype=np.float64)
    k = np.ascontiguousarray(k_per_mm, dtype=np.float64)
    n_day = b.shape[0]
    if initial_kg is None:
        if mean_fraction is None:
            mean_fraction = washed_fraction(q, k).mean(axis=0)
        initial_kg = steady_start(b, mean_fraction, loss_per_day=loss_per_day)
    washed = np.zeros_like(b)
    storage = np.zeros((n_day + 1,) + b.shape[1:])
    s0 = np.ascontiguousarray(initial_kg, dtype=np.float64)
    if _has_loss(loss_per_day):
        lost = np.zeros_like(b)
        _lossy_store(b, washed_fraction(q, k), -np.expm1(-np.asarray(loss_per_day, dtype=np.float64)),
                     s0, washed, lost, storage)
        return WashoffStore(b, washed, storage, lost)
    from hydro import _sources_kernels as _k  # numba: imported when first used

    _k.washoff_kernel(b, q, k, s0, washed, storage)
    return WashoffStore(b, washed, storage)


def _lossy_store(b: np.ndarray, washed_share: np.ndarray, lost_share: np.ndarray, s0: np.ndarray,
                 washed: np.ndarray, lost: np.ndarray, storage: np.ndarray) -> None:
    """The store with a loss (module docstring), day by day over every subbasin and channel at once, in place.

    ``washed_share`` [n_day, n_sub] (1 - exp(-k q)), ``lost_share`` [n_sub] (1 - exp(-lam)); fills
    ``washed``, ``lost`` (kg/d) and ``storage`` (kg) as :func:`hydro._sources_kernels.washoff_kernel`.
    """
    store = s0.copy()
    storage[0] = store
    keep = lost_share[:, None]
    for d in range(b.shape[0]):
        store += b[d]
        washed[d] = store * washed_share[d][:, None]
        store -= washed[d]
        lost[d] = store * keep
        store -= lost[d]
        np.maximum(store, 0.0, out=store)    # round-off only: both shares are in [0, 1]
        storage[d + 1] = store


def washoff_losses(subs) -> np.ndarray:
    """Loss rate of every subbasin's wash-off store (1/d) [n_sub]: ``washoff_loss_per_day``, 0 where none."""
    return np.array([s.timing.washoff_loss_per_day if s.delivery_timing == "washoff" else 0.0 for s in subs],
                    dtype=np.float64)
