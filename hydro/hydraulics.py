"""Daily flows through the network: accumulation of inflows and reservoir operation.

:func:`accumulate` turns lateral and boundary inflows (m3 s-1 per reach and day)
into the discharge at every reach inlet and outlet, and runs each reservoir's
water balance (inflow, evaporation, rain on the surface, target release by
month, ecological minimum, spill above the day's cap: full supply, or the flood limit in a flood
season).  The water budget of every reservoir closes to round-off (:meth:`Hydraulics.water_balance_error`).
Reach-scale routing with storage (Muskingum-Cunge) belongs to the watershed
model and produces the same :class:`Hydraulics` record.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from hydro import _hydraulics_kernels as _k
from hydro.errors import HydroError
from hydro.flood_season import calendar_days, seasonal_full_storage
from hydro.network import Network
from hydro.units import SECONDS_PER_DAY


@dataclass(frozen=True)
class Hydraulics:
    """Daily flows of a run (D days, R reaches, S reservoirs).

    Attributes
    ----------
    q_in, q_out : (D, R) float
        Discharge at reach inlets and outlets, m3 s-1.
    lateral : (D, R) float
        Lateral inflow along each reach, m3 s-1 (negative: withdrawal).
    res_volume : (D+1, S) float
        Reservoir storage at the start of each day and the end of the last, m3.
    res_inflow, res_release, res_spill : (D, S) float
        Reservoir inflow (reaches and local), release and spill, m3 s-1.
    res_local_inflow : (D, S) float
        Local (non-reach) inflow into each reservoir, m3 s-1: the given one less the runoff
        its land made on the day's surface (``res_land_inflow`` of :func:`accumulate`).
    res_evaporated : (D, S) float
        Evaporation minus rain on the surface, m3 d-1.
    res_area, res_level : (D, S) float
        Surface area (m2) and water level (m) at the start of each day.
    res_land_taken : (D, S) float
        Runoff the reservoir's land made on the day's water surface, taken off its local inflow,
        m3 s-1 (:func:`hydro._hydraulics_kernels.land_under_surface`).
    """

    q_in: np.ndarray
    q_out: np.ndarray
    lateral: np.ndarray
    res_volume: np.ndarray
    res_inflow: np.ndarray
    res_release: np.ndarray
    res_spill: np.ndarray
    res_local_inflow: np.ndarray
    res_evaporated: np.ndarray
    res_area: np.ndarray
    res_level: np.ndarray
    res_land_taken: np.ndarray

    @property
    def res_outflow(self) -> np.ndarray:
        """Release plus spill, m3 s-1."""
        return self.res_release + self.res_spill

    def water_balance_error(self) -> float:
        """Largest relative daily imbalance of any reservoir's water budget."""
        if self.res_volume.shape[1] == 0:
            return 0.0
        change = np.diff(self.res_volume, axis=0)
        net = (self.res_inflow - self.res_outflow) * SECONDS_PER_DAY - self.res_evaporated
        scale = np.maximum(self.res_volume[:-1], 1.0)
        return float(np.max(np.abs(change - net) / scale))


def network_water_balance_error(network: Network, hyd: Hydraulics, boundary: np.ndarray | None = None) -> float:
    """Relative imbalance of the whole network's water budget over a run.

    inflow (lateral, local reservoir and boundary inflow) = outflow at the
    outlet + evaporation from reservoirs + change in reservoir storage + change in
    reach storage (``hyd.reach_storage`` where the routing keeps one, else 0).
    """
    lay = network.layout
    day = SECONDS_PER_DAY
    inflow = (hyd.lateral.sum() + hyd.res_local_inflow.sum()
              + (0.0 if boundary is None else float(np.sum(boundary)))) * day
    outlet = [i for i in range(len(network.reaches)) if lay.reach_down_kind[i] == 0]
    out = hyd.q_out[:, outlet].sum() * day
    res_out = [s for s in range(len(network.reservoirs)) if lay.res_down_kind[s] == 0]
    out += hyd.res_outflow[:, res_out].sum() * day
    change = float(np.sum(hyd.res_volume[-1] - hyd.res_volume[0])) + float(hyd.res_evaporated.sum())
    storage = getattr(hyd, "reach_storage", None)
    if storage is not None:
        change += float(np.sum(storage[-1] - storage[0]))
    return abs(inflow - out - change) / max(inflow, 1e-300)


def accumulate(network: Network, lateral: np.ndarray, boundary: np.ndarray,
               res_local_inflow: np.ndarray, res_evap_mm: np.ndarray, res_precip_mm: np.ndarray,
               months: np.ndarray, target_release: np.ndarray | None = None,
               res_volume: np.ndarray | None = None, res_land_inflow: np.ndarray | None = None,
               res_land_area: np.ndarray | None = None) -> Hydraulics:
    """Daily flows by accumulation down the network.

    Parameters
    ----------
    network : Network
    lateral : (D, R) array
        Lateral inflow along each reach, m3 s-1.  Negative is water taken out; unlike
        :func:`hydro.routing.route`, accumulation does not cut a withdrawal larger than what
        reaches the reach: the reach's discharge (and a reservoir below it) goes negative, which
        the transport refuses, naming the reach and the day (:mod:`hydro.transport_checks`).
    boundary : (D, R) array
        Inflow at each reach inlet from outside the network, m3 s-1.
    res_local_inflow : (D, S) array
        Inflow straight into each reservoir from its local catchment, m3 s-1.
    res_evap_mm, res_precip_mm : (D, S) array
        Open-water evaporation and rain on each reservoir, mm d-1.
    months : (D,) array
        Calendar month (1-12) of each day, to pick the target release; or the days' dates
        (``datetime64[D]``), which a reservoir with a flood season needs to cap its storage
        at the flood-limit level on the season's days (:mod:`hydro.flood_season`).
    target_release : (D, S) array, optional
        Each day's target release of every reservoir, m3 s-1, replacing the
        reservoirs' ``target_release_m3_s`` rule (release series and ecological
        releases, :meth:`hydro.transfers.Transfers.target_release`).
    res_volume : (S,) array, optional
        Reservoir volumes on the first day, m3: those a run ended with, to continue
        it (a run in time blocks, :mod:`hydro.blocked`; the same as one run, bit for
        bit).  Default: the reservoirs' initial storage.
    res_land_inflow, res_land_area : (D, S) and (S,) array, optional
        Runoff of the land that drains straight into each reservoir (m3 s-1, part of
        ``res_local_inflow``) and that land's area (m2), which holds the reservoir's
        surface: the runoff the land model made on the day's surface is not inflow
        (:func:`hydro._hydraulics_kernels.land_under_surface`).  Default: none.

    Returns
    -------
    Hydraulics
    """
    lay = network.layout
    lateral = np.ascontiguousarray(lateral, dtype=float)
    n_day, n_reach = lateral.shape
    n_res = len(network.reservoirs)
    order_kind = np.array([k for k, _ in lay.order], dtype=np.int64)
    order_index = np.array([i for _, i in lay.order], dtype=np.int64)
    res = network.reservoirs
    arrays = reservoir_arrays(network, months, target_release, res_land_inflow, res_land_area)
    if res_volume is not None:
        arrays["v0"] = np.array(res_volume, dtype=float)
    q_in = np.zeros((n_day, n_reach))
    q_out = np.zeros((n_day, n_reach))
    volume = np.zeros((n_day + 1, n_res))
    release, spill, inflow, evaporated, area, land_taken = (np.zeros((n_day, n_res)) for _ in range(6))
    f64 = lambda a: np.ascontiguousarray(a, dtype=float)  # noqa: E731
    _k.accumulate_flows(
        order_kind, order_index, lay.reach_down_kind, lay.reach_down_index,
        lay.res_down_kind, lay.res_down_index, lateral, f64(boundary), f64(res_local_inflow),
        f64(res_evap_mm), f64(res_precip_mm), arrays["target"], arrays["eco_min"], arrays["dead"],
        arrays["full"], arrays["v0"], arrays["curve_offset"], arrays["curve_storage"],
        arrays["curve_area"], arrays["land_inflow"], arrays["land_area"],
        q_in, q_out, volume, release, spill, inflow, evaporated, area, land_taken)
    level = np.column_stack([r.level_at(volume[:-1, s]) for s, r in enumerate(res)]) \
        if n_res else np.zeros((n_day, 0))
    return Hydraulics(q_in=q_in, q_out=q_out, lateral=lateral, res_volume=volume, res_inflow=inflow,
                      res_release=release, res_spill=spill,
                      res_local_inflow=np.ascontiguousarray(res_local_inflow, dtype=float) - land_taken,
                      res_evaporated=evaporated, res_area=area, res_level=level, res_land_taken=land_taken)


def reservoir_arrays(network: Network, months: np.ndarray, target_release: np.ndarray | None = None,
                     land_inflow: np.ndarray | None = None,
                     land_area: np.ndarray | None = None) -> dict[str, np.ndarray]:
    """The reservoir arrays the daily balance kernel takes (:func:`hydro._hydraulics_kernels.reservoir_day`).

    ``target_release`` (D, S), m3 s-1, when given, replaces the target release
    the reservoirs' rules (``target_release_m3_s`` by month) would give.
    ``land_inflow`` (D, S), m3 s-1, and ``land_area`` (S,), m2: the runoff and area of
    the land around each reservoir (:func:`accumulate`'s ``res_land_*``; default zeros).

    ``months`` is the run's calendar: the days' calendar months (1-12), or their dates
    (``datetime64[D]``), which a reservoir with a flood season needs (:mod:`hydro.flood_season`).

    Keys: ``target`` (D, S) target release of each day (m3 s-1), ``full`` (D, S) each day's
    storage cap (m3: the flood-limit storage in a flood season), ``eco_min``,
    ``dead``, ``v0`` (S,) (m3 s-1, m3), and the concatenated
    level-area-storage curves ``curve_offset``, ``curve_storage`` (m3),
    ``curve_area`` (m2); reservoir s owns ``curve_offset[s]:curve_offset[s+1]``.
    """
    res = network.reservoirs
    n_res = len(res)
    months, month_day = calendar_days(months)
    by_month = np.array([r.target_release_m3_s for r in res], dtype=float).reshape(n_res, 12)
    target = by_month[:, np.asarray(months, dtype=np.int64) - 1].T
    if target_release is not None:
        given = np.asarray(target_release, dtype=float)
        if given.shape != target.shape or not np.all(np.isfinite(given)) or np.any(given < 0):
            raise HydroError(f"target_release: expected {target.shape} finite values >= 0 (m3/s, "
                             f"days x reservoirs), got shape {given.shape}")
        target = given
    land_inflow = _land_array("res_land_inflow", land_inflow, target.shape, "m3/s, days x reservoirs")
    land_area = _land_array("res_land_area", land_area, (n_res,), "m2, one per reservoir")
    return {
        "target": np.ascontiguousarray(target, dtype=float),
        "eco_min": np.array([r.ecological_min_m3_s for r in res], dtype=float),
        "dead": np.array([r.dead_storage_m3 for r in res], dtype=float),
        "full": seasonal_full_storage(res, month_day, target.shape[0]),
        "v0": np.array([r.initial_storage_m3 for r in res], dtype=float),
        "curve_offset": np.concatenate([[0], np.cumsum([len(r.storage_m3) for r in res])]).astype(np.int64),
        "curve_storage": np.array([v for r in res for v in r.storage_m3], dtype=float),
        "curve_area": np.array([a for r in res for a in r.area_m2], dtype=float),
        "land_inflow": land_inflow,
        "land_area": land_area,
    }


def _land_array(name: str, given, shape: tuple, unit: str) -> np.ndarray:
    """``given`` as a float array of ``shape`` (zeros when None), checked finite and >= 0."""
    if given is None:
        return np.zeros(shape)
    arr = np.ascontiguousarray(given, dtype=float)
    if arr.shape != shape or not np.all(np.isfinite(arr)) or np.any(arr < 0):
        raise HydroError(f"{name}: expected {shape} finite values >= 0 ({unit}), got shape {arr.shape}")
    return arr
