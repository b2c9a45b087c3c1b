"""Nitrification in the wash-off store: the ammonium of the N left on the land turns to nitrate (issue 14).

Rural domestic and livestock N (and deposition, the washed kinds, :func:`hydro.sources.washoff.washed_sources`)
wait on the land in the wash-off store for weeks to months (:mod:`hydro.sources.washoff_store`).  Without
this process they leave it with the species split they were built up with (``tn_species`` of the regional
table); with it, the store's ammonium nitrifies while it waits, first order, at the rate of SWAT's soil
nitrification (Neitsch et al. 2011, SWAT 2009 theoretical documentation, TR-406, section 3:1.3,
eq. 3:1.3.1, and its routine ``nitvol``)::

    eta_d = c max(T_d - T_0, 0);   n_d = 1 - exp(-eta_d)

with ``T_d`` the day's mean air temperature of the subbasin (deg C, for the soil temperature of the surface
layer), ``c = 0.041`` 1/(d degC) and ``T_0 = 5`` degC in SWAT (``0.41 (T - 5) / 10``), and SWAT's soil-water
factor taken as 1 (a wet surface store: SWAT's factor is 1 above a quarter of the available water).  Each
day, per subbasin and washed channel (the order of the TN store's own day, then the transfer)::

    S += B;  Sh += B f_h;  So += B f_o;      (f: the build-up's tn_species shares)
    (washed off and lost: every species by the same shares as TN, keep = (1 - w_d) exp(-lam))
    S *= keep;  So *= keep;  Sh *= keep (1 - n_d)          (N nitrified: Sh keep n_d, to nitrate)

The nitrate is ``S - So - Sh``.  A day's washed-off N has the species shares of the store just before it is
washed (``Sh / S``, ``So / S`` after the build-up), applied to TN's washed-off load, so the three species
still add up to TN for every source to round-off; TN, its store and its budget (``washoff_n_storage``) do not
change: nitrification moves N between species only.  Ammonification (organic N to ammonium), ammonia
volatilisation (a loss of one species, which TN's store cannot see) and the surface-applied fertiliser
channel (split as the quick flow's EMC) are not modelled here.

Off unless the regional table has ``[washoff_store] nitrification_per_degc_day > 0``: every output is then
the same bit for bit.  The store's ammonium and organic N are carried from block to block
(``stores["washoff_species"]``); a run that does not continue one starts them at the steady state of the
first year's (at most 365 days') shares under the mean washed share, loss and nitrified share
(:func:`steady_fractions`) times TN's own start.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from hydro.errors import HydroError
from hydro.tomlio import Table

#: The key of ``stores`` under which the store's organic N and ammonium come to the next block (kg).
CARRY_KEY = "washoff_species"
#: The table of the regional file holding the options.
TABLE = "washoff_store"


@dataclass(frozen=True)
class StoreNitrification:
    """Nitrification of the wash-off store's ammonium (``[washoff_store]`` of the regional table).

    Attributes
    ----------
    per_degc_day : float, 1/(d degC)
        ``c``: the first-order rate per degree above ``min_temp_c`` (SWAT 0.041); 0: off.
    min_temp_c : float, degC
        ``T_0``: no nitrification at or below it (SWAT 5).
    """

    per_degc_day: float = 0.0
    min_temp_c: float = 5.0

    @property
    def on(self) -> bool:
        """Whether the store nitrifies at all."""
        return self.per_degc_day > 0.0


def read_store_nitrification(root: Table) -> StoreNitrification:
    """The ``[washoff_store]`` table of the regional file (absent: off), with located errors."""
    if not root.has(TABLE):
        return StoreNitrification()
    t = root.table(TABLE)
    rate = t.float("nitrification_per_degc_day", 0.0, minimum=0.0, maximum=1.0)
    low = t.float("nitrification_min_temp_c", 5.0, minimum=-50.0, maximum=50.0)
    t.finish()
    return StoreNitrification(float(rate), float(low))


def nitrified_share(air_temp_c: np.ndarray, nit: StoreNitrification) -> np.ndarray:
    """Share of the store's ammonium nitrified each day, ``1 - exp(-c max(T - T_0, 0))`` (1), as ``air_temp_c``."""
    eta = nit.per_degc_day * np.maximum(np.asarray(air_temp_c, dtype=np.float64) - nit.min_temp_c, 0.0)
    return -np.expm1(-eta)


def steady_fractions(share: np.ndarray, keep: np.ndarray, nitrified: np.ndarray) -> np.ndarray:
    """Organic N and ammonium shares of a store in balance (1) [..., 2].

    ``share`` [..., 2]: the build-up's organic N and ammonium shares; ``keep`` and ``nitrified`` [...]: the
    share of the store kept over a day (``r``) and of its ammonium nitrified.  From ``S = r (S + B)`` and
    ``Sh = r (1 - n) (Sh + B f_h)``: ``So / S = f_o`` and ``Sh / S = f_h (1 - r)(1 - n) / (1 - r (1 - n))``
    (``f_h`` where nothing leaves the store and nothing nitrifies).
    """
    r = np.asarray(keep, dtype=np.float64)
    kept = r * (1.0 - np.asarray(nitrified, dtype=np.float64))
    gone = 1.0 - kept
    h = np.where(gone > 0.0, share[..., 1] * (1.0 - nitrified) * (1.0 - r) / np.where(gone > 0.0, gone, 1.0),
                 share[..., 1])
    return np.stack([share[..., 0], h], axis=-1)


def aged_store(buildup: np.ndarray, share: np.ndarray, keep: np.ndarray, nitrified: np.ndarray,
               start_kg: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Run the store's organic N and ammonium beside its TN (module docstring), over every channel at once.

    Parameters
    ----------
    buildup : float [n_day, n_sub, n_channel]
        TN building up each day (kg/d).
    share : float [n_day, n_sub, n_channel, 2]
        Organic N and ammonium shares of the build-up (1).
    keep : float [n_day, n_sub]
        Share of the store kept over the day after wash-off and loss, ``(1 - w_d) exp(-lam)`` (1).
    nitrified : float [n_day, n_sub]
        Share of the kept ammonium nitrified that day (:func:`nitrified_share`) (1).
    start_kg : float [n_sub, n_channel, 3]
        TN, organic N and ammonium in the store on the first day (kg).

    Returns
    -------
    fractions : float [n_day, n_sub, n_channel, 2]
        Organic N and ammonium shares of what the day washes off (the store after the build-up); the
        build-up's shares where the store is empty.
    content : float [n_day + 1, n_sub, n_channel, 3]
        TN, organic N and ammonium in the store at the start of each day and the end of the last (kg).
    """
    from hydro import _sources_kernels as _k  # numba: imported when first used

    c = np.ascontiguousarray
    content = np.empty((buildup.shape[0] + 1,) + start_kg.shape)
    fractions = np.empty(buildup.shape + (2,))
    _k.aged_store_kernel(c(buildup, dtype=np.float64), c(share, dtype=np.float64), c(keep, dtype=np.float64),
                         c(nitrified, dtype=np.float64), c(start_kg, dtype=np.float64), fractions, content)
    return fractions, content


def age_species(diffuse: dict, tn: np.ndarray, subs, shares: np.ndarray, year_index: np.ndarray, tn_store,
                wash_mm: np.ndarray, air_temp_c, nit: StoreNitrification, stores: dict | None, mean_washed,
                mean_nitrified=None) -> None:
    """Give the washed sources of the wash-off subbasins their store's N species, in place.

    ``diffuse``: the species loads of :func:`hydro.sources.quality.quality_loads` (``orgn``, ``nh3n``,
    ``no3n`` [n_day, n_sub, n_source], kg/d), whose washed sources' columns
    (:func:`hydro.sources.washoff.washed_sources`) of the wash-off subbasins become ``tn`` (the TN loads) times
    the store's shares; ``shares`` [n_year, n_sub, n_source, 3] the yearly ``tn_species``; ``tn_store`` TN's
    :class:`hydro.sources.washoff_store.WashoffStore` (its build-up and start); ``wash_mm`` [n_day, n_sub] the
    flow that washes the store (mm/d, :func:`hydro.sources.washoff.washoff_flow_mm`); ``air_temp_c`` [n_day,
    n_sub] the day's air temperature (deg C); ``stores`` carries the store (:data:`CARRY_KEY`);
    ``mean_washed`` [n_sub] the mean washed share of TN's start, or None (these days'), and ``mean_nitrified``
    [n_sub] the mean nitrified share of the species' start, or None (these days'): both the basin's period's
    (:func:`hydro.store_climate.store_means`) so that no day depends on where a run ends.
    """
    idx = [s for s, sub in enumerate(subs) if sub.delivery_timing == "washoff"]
    if not idx or not nit.on:
        return
    if tn_store is None or air_temp_c is None:
        raise HydroError("the wash-off store's nitrification ([washoff_store] of the regional quality table) needs "
                         "TN's wash-off store and the day's air temperature of every subbasin: give quality_loads "
                         "tn_store= (stores['washoff_tn_store'] of daily_loads) and air_temp_c= (deg C, [day, "
                         "subbasin]), or set nitrification_per_degc_day = 0")
    temp = np.asarray(air_temp_c, dtype=np.float64)
    if temp.shape != tn.shape[:2] or not np.all(np.isfinite(temp)):
        raise HydroError(f"argument 'air_temp_c': expected finite temperatures (deg C) of shape [day, subbasin] = "
                         f"{tn.shape[:2]}, got shape {temp.shape}")
    from hydro.sources.registry import source_names
    from hydro.sources.washoff import washed_sources, washoff_coefficients
    from hydro.sources.washoff_store import washed_fraction, washoff_losses

    cols = [source_names().index(n) for n in washed_sources()]
    n_ch = len(cols)
    wash_share = washed_fraction(np.ascontiguousarray(wash_mm[:, idx]), washoff_coefficients(subs)[idx])
    loss_per_day = washoff_losses(subs)[idx]
    build = tn_store.buildup_kg_per_day[:, :, :n_ch]
    share = shares[:, idx][:, :, cols, :2][year_index]                      # [n_day, n_washoff, n_ch, 2]
    keep = (1.0 - wash_share) * np.exp(-np.asarray(loss_per_day, dtype=np.float64))[None, :]
    nitrified = nitrified_share(temp[:, idx], nit)
    carried = None if stores is None else stores.get(CARRY_KEY)
    total0 = tn_store.storage_kg[0][:, :n_ch]
    if carried is None:
        first = slice(0, min(365, build.shape[0]))
        mean_w = (wash_share.mean(axis=0) if mean_washed is None   # as TN's start (washoff_store.steady_start)
                  else np.asarray(mean_washed, dtype=np.float64)[idx])
        r = (1.0 - mean_w) * np.exp(-np.asarray(loss_per_day, dtype=np.float64))
        mean_n = (nitrified.mean(axis=0) if mean_nitrified is None   # as mean_w: these days' or the basin's
                  else np.asarray(mean_nitrified, dtype=np.float64)[idx])
        frac = steady_fractions(share[first].mean(axis=0), r[:, None], mean_n[:, None])
        carried = total0[..., None] * frac
    start = np.concatenate([total0[..., None], carried], axis=-1)
    fractions, content = aged_store(build, share, keep, nitrified, start)
    if stores is not None:
        stores[CARRY_KEY] = content[-1][..., 1:].copy()
    for j, s in enumerate(idx):
        t = tn[:, s, cols]
        o, h = fractions[:, j, :, 0], fractions[:, j, :, 1]
        diffuse["orgn"][:, s, cols] = t * o
        diffuse["nh3n"][:, s, cols] = t * h
        diffuse["no3n"][:, s, cols] = t * np.maximum(1.0 - o - h, 0.0)
