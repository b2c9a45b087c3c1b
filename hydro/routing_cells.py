"""How many Muskingum-Cunge cells ("sub-reaches") each reach is cut into (:func:`hydro.routing.route`).

A cell is about one day's kinematic travel at a reference discharge (the mean flow over the
basin's ``[run]`` period, :func:`hydro.store_climate.period_numerics`; a run of that period, or
one that does not start from the basin's start, takes its own), between 1 and
:data:`MAX_SUB_REACHES`: shorter cells would add sub-steps without resolving anything a daily
model reports, longer ones would smear a flood over more than a day's travel.
"""

from __future__ import annotations

import numpy as np

from hydro.errors import HydroError
from hydro.hydraulics import SECONDS_PER_DAY

#: Default cap on cells per reach.
MAX_SUB_REACHES = 64


def default_cells(network, q_ref) -> np.ndarray:
    """:func:`default_sub_reaches` of ``network``'s reaches at the reference discharge
    ``q_ref`` (R,) (m3 s-1), with the channels' celerity where a reach has a channel."""
    reaches = network.reaches
    length, vel_coeff, vel_exp = (np.array([getattr(r, a) for r in reaches], dtype=float)
                                  for a in ("length_m", "velocity_coeff", "velocity_exp"))
    q_floor = np.maximum(q_ref, 1e-3)
    celerity = np.array([r.channel.celerity(q_floor[i]) if r.channel is not None else np.nan
                         for i, r in enumerate(reaches)], dtype=float)
    return default_sub_reaches(length, vel_coeff, vel_exp, q_ref, celerity=celerity)


def given_cells(sub_reaches, n_reach: int) -> np.ndarray:
    """``sub_reaches`` checked: one integer >= 1 per reach."""
    cells = np.asarray(sub_reaches)
    if cells.shape != (n_reach,) or not np.issubdtype(cells.dtype, np.integer) or (cells < 1).any():
        raise HydroError(f"sub_reaches: expected {n_reach} integers >= 1, got {cells!r}")
    return cells.astype(np.int64)


def default_sub_reaches(length_m, vel_coeff, vel_exp, q_ref, celerity=None) -> np.ndarray:
    """Cells per reach: about one day's kinematic travel each at ``q_ref``.

    Parameters
    ----------
    length_m : (R,) array
        Reach lengths, m.
    vel_coeff, vel_exp : (R,) array
        Velocity power law ``v = a Q**b`` (m s-1 from m3 s-1).
    q_ref : (R,) array
        Reference discharge, m3 s-1 (e.g. the mean flow), floored at 1e-3.
    celerity : (R,) array, optional
        Celerity at the floored ``q_ref`` (m s-1) where it is known otherwise
        (a channel reach's Manning celerity); NaN entries, or all when omitted,
        come from the power law ``v / (1 - b)``.

    Returns
    -------
    (R,) int array
        ``ceil(L / (c(q_ref) 86400))`` between 1 and :data:`MAX_SUB_REACHES`.
    """
    q = np.maximum(np.asarray(q_ref, dtype=float), 1e-3)
    law = np.asarray(vel_coeff) * q ** np.asarray(vel_exp) / (1.0 - np.asarray(vel_exp))
    celerity = law if celerity is None else np.where(np.isnan(celerity), law, celerity)
    n = np.ceil(np.asarray(length_m) / (celerity * SECONDS_PER_DAY))
    return np.clip(n, 1, MAX_SUB_REACHES).astype(np.int64)
