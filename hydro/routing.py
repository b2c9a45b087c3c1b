"""Daily flows through the network with in-reach storage: Muskingum-Cunge routing.

:func:`route` is the storage-aware counterpart of :func:`hydro.hydraulics.accumulate`:
same inputs plus the bed slope of every reach, same :class:`~hydro.hydraulics.Hydraulics`
record out (a :class:`RoutedHydraulics`, which adds the reach storage).  Each day,
in topological order, a reach routes the sum of what its upstream elements
release that day plus its boundary inflow; reservoirs run the same daily balance
as in :func:`~hydro.hydraulics.accumulate` (:func:`hydro._hydraulics_kernels.reservoir_day`).

The scheme
----------
Variable-parameter Muskingum-Cunge (Ponce & Yevjevich 1978) in *storage form*
(see :mod:`hydro._routing_kernels`): each sub-reach ("cell") keeps its storage
``S`` and outflow ``O`` as state, continuity is integrated exactly with the
trapezoidal rule and the Muskingum relation ``S = K (X I + (1 - X) O)`` closes
each step.  It reduces to the classical ``C0, C1, C2`` coefficients when K and X
are constant, and it conserves water to round-off when they vary with discharge,
which the classical coefficient form does not (Ponce & Chaganti 1994, Todini
2007).  This is why it was chosen over the coefficient form; it is also simpler
than Todini's MCT, whose extra cost buys consistency of the *level* with the
storage, which the daily model does not use.

* Celerity from the hydraulic geometry.  A power-law reach has
  ``A = Q / v(Q) = Q**(1-b) / a``, so ``c = dQ/dA = v / (1 - b)``.  A reach with a
  surveyed channel (rectangle or trapezoid with Manning ``n``, :mod:`hydro.channel`)
  gets the *exact* Manning celerity ``c = V (5/3 - 2/3 A P' / (T P))`` and top
  width ``T`` at the normal depth of the day's reference discharge, solved in the
  kernel (:func:`hydro._routing_kernels.channel_geometry`, one bracketed-Newton
  solve per reach and day, a negligible cost).  This was chosen over a power law
  fitted at a reference flow because such a fit is exact at one discharge only:
  a trapezoid's celerity exponent drifts with depth (from ``V``-like ``0.4`` in a
  wide shallow flow towards ``0.25`` in a deep narrow one), so a fit at the mean
  flow would misplace the timing of floods, exactly where routing matters.
  Manning uses the channel's own bed slope (the reach's ``slope_m_per_m``); the
  ``slope`` given to :func:`route` enters Cunge's ``X``.  ``K = dx / c``.
* Cunge's ``X = 1/2 - Q / (2 w S c dx)`` makes the scheme's numerical diffusion
  ``c dx (1/2 - X)`` equal the diffusion-wave ``D = Q / (2 w S)``.
* Parameters are evaluated per reach and day at the reach's mean discharge
  (the mean of its cells' mean outflow at the start of the day and the mean cell
  flow today's inflows give at steady state: Ponce & Yevjevich's three-point
  average at the reach-day scale, :func:`hydro._routing_kernels.reach_reference_q`),
  so the celerity follows the flow from day to day (a flood travels faster than
  the base flow).
* Stability and positivity at a daily step: each reach is cut into
  ``sub_reaches`` cells (default: about one day's travel at the mean flow),
  and each day into sub-steps chosen so the Courant number ``Cr = c dt / dx`` is
  near 1 at the reach's mean flow.  ``K >= dt/2`` and
  ``0 <= X <= min(1/2, Cr/2, 1 - Cr/2)`` are then enforced, which makes
  ``C0, C1, C2 >= 0``.  Where a limit binds, the scheme is *more* diffusive than
  the physics (``c dx (1/2 - X) > D``; ``X`` is cut to the Courant limit) or slightly
  slower (``K`` is raised to ``dt/2`` in reaches shorter than half a sub-step's
  travel).  Cunge's ``X`` is negative where a cell is shorter than ``2 D / c`` (a
  flat, wide river in a short reach); it is raised to 0, and the scheme is then
  *less* diffusive than the physics (``c dx / 2 < D``).  All three are trade-offs of
  a daily step, and none affects the water balance.

Storage and the transport solver
--------------------------------
The storage is the Muskingum storage ``sum K (X I + (1 - X) O)`` over a reach's
cells (m3).  At steady flow it equals ``K Q = (1 - b) A dx``, i.e. ``(1 - b)``
times the wetted volume: Muskingum storage is a linearisation, defined up to a
constant, and only its changes enter the balance, which closes exactly:
``storage[d+1] - storage[d] = (q_in + lateral - q_out)[d] * 86400``.

``q_in`` and ``q_out`` are daily means at the inlet and outlet.  The transport
solver treats ``q_out - q_in`` as the net lateral flow of a reach; with routing
this is ``lateral - dS/dt``, which is negative while a reach fills (a flood
front entering it) even when ``lateral >= 0``.  The transport solver handles
that as a withdrawal at the reach's concentration, which is right: the water
going into storage takes its nitrogen with it.

Withdrawals
-----------
Water taken out of reaches (``withdrawals``, :mod:`hydro.withdrawal_requests`) is
taken in the same pass, from the *routed* flows: before a reach is routed on a day,
each request on it takes ``min(flow, share * available)``, the available water being
the day's inflow at the inlet (what the reaches above released that day, after their
own withdrawals) plus what forms along the reach, less what the requests before it on
the reach took (from either part).  The total leaves along the reach
as a negative lateral inflow.  A cell never gives more than flows into it (its
inflow is never below zero): on a flood's first day the lower cells of a long reach
may still carry the base flow, and a request for most of the day's inflow then gets
what they pass (the result's ``withdrawn`` is what was taken, and ``lateral`` the
lateral inflow the reach was routed with).  A negative ``lateral`` given directly is
cut the same way.  Taking withdrawals from accumulated flows instead (as before
2026-12) passed floods undamped through the diverted rivers and, through the
transport's median-volume channels, made Guanting's transport take up to 1,790
sub-steps a day (251 routed).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from hydro import _routing_kernels as _k
from hydro.errors import HydroError
from hydro.hydraulics import SECONDS_PER_DAY, Hydraulics, accumulate, reservoir_arrays
from hydro.network import Network
from hydro.routing_cells import default_cells, given_cells
from hydro.withdrawal_requests import checked_requests, no_requests

#: Default cap on sub-steps per reach and day (a 15-minute sub-step).
DEFAULT_MAX_SUBSTEPS = 96
#: The global attribute that counts, reach by reach, the days routed at the cap (``r1=3;r2=1``): the scheme
#: attenuates a flood's peak there, still non-negative and conservative (floods review, 2026-12-06).
CAPPED_ATTRIBUTE = "routing_substep_cap_days"


def capped_days(reach_ids, substeps: np.ndarray, cap: int = DEFAULT_MAX_SUBSTEPS) -> str:
    """:data:`CAPPED_ATTRIBUTE`'s value from ``substeps`` [day, reach] (reaches never at ``cap`` left out)."""
    return ";".join(f"{r}={n}" for r, n in zip(reach_ids, (np.asarray(substeps) >= cap).sum(axis=0), strict=True) if n)


@dataclass(frozen=True)
class RoutingState:
    """What a Muskingum-Cunge run carries from one day to the next (start a later run from it):
    ``sub_reaches`` (R,) cells per reach, ``cell_outflow`` (N,) every cell's outflow (m3 s-1),
    ``cell_storage`` (N,) its storage (m3), ``res_volume`` (S,) reservoir volumes (m3)."""

    sub_reaches: np.ndarray
    cell_outflow: np.ndarray
    cell_storage: np.ndarray
    res_volume: np.ndarray


@dataclass(frozen=True)
class RoutedHydraulics(Hydraulics):
    """A :class:`~hydro.hydraulics.Hydraulics` record from :func:`route`, with reach storage.

    Attributes
    ----------
    reach_storage : (D+1, R) float
        Muskingum storage of each reach at the start of each day and the end of
        the last, m3 (see the module docstring for what it means).
    substeps : (D, R) int
        Sub-steps taken per reach and day.
    sub_reaches : (R,) int
        Cells per reach.
    slope : (R,) float
        Bed slope used, m m-1.
    final : RoutingState
        The routing's state after the last day (start a following run from it).
    withdrawn : (D, R) float
        Water the withdrawal requests took from each reach, m3 s-1 (already out of
        ``lateral``).
    """

    reach_storage: np.ndarray
    substeps: np.ndarray
    sub_reaches: np.ndarray
    slope: np.ndarray
    final: RoutingState | None = None
    withdrawn: np.ndarray | None = None

    def reach_water_balance_error(self) -> float:
        """Largest relative daily imbalance of any reach's water budget.

        ``|dS - (q_in + lateral - q_out) 86400|`` divided by the larger of the
        storage and the day's gross inflow volume (m3, at least 1 m3).
        """
        change = np.diff(self.reach_storage, axis=0)
        net = (self.q_in + self.lateral - self.q_out) * SECONDS_PER_DAY
        scale = np.maximum.reduce([
            np.abs(self.reach_storage[:-1]), np.abs(self.reach_storage[1:]),
            (np.abs(self.q_in) + np.abs(self.lateral)) * SECONDS_PER_DAY,
            np.ones_like(change)])
        return float(np.max(np.abs(change - net) / scale)) if change.size else 0.0


def route(network: Network, slope, lateral, boundary, res_local_inflow, res_evap_mm,
          res_precip_mm, months, initial_q=None, *, sub_reaches=None,
          max_substeps: int = DEFAULT_MAX_SUBSTEPS, target_release=None,
          state: RoutingState | None = None, withdrawals=None, res_land_inflow=None,
          res_land_area=None) -> RoutedHydraulics:
    """Daily flows by Muskingum-Cunge routing down the network.

    Size: 65 of its lines document its sixteen inputs and its result; the body (inputs
    checked by :func:`_checked_inputs` and :func:`hydro.withdrawal_requests.checked_requests`,
    cells chosen by :func:`hydro.routing_cells.default_cells`) is the one call of the
    compiled kernel with the arrays it fills.

    Parameters
    ----------
    network : Network
    slope : (R,) array
        Bed slope of each reach, m m-1 (> 0).
    lateral : (D, R) array
        Lateral inflow along each reach, m3 s-1 (negative: withdrawal); spread
        evenly along the reach.
    boundary : (D, R) array
        Inflow at each reach inlet from outside the network, m3 s-1 (>= 0).
    res_local_inflow : (D, S) array
        Inflow straight into each reservoir from its local catchment, m3 s-1.
    res_evap_mm, res_precip_mm : (D, S) array
        Open-water evaporation and rain on each reservoir, mm d-1.
    months : (D,) array
        Calendar month (1-12) of each day, or the days' dates (``datetime64[D]``), as
        :func:`hydro.hydraulics.accumulate` takes them.
    initial_q : (R,) array, optional
        Discharge in every reach at the start, m3 s-1 (>= 0), uniform along the
        reach.  Default: each reach starts in steady state with its first day's
        inflow and lateral inflow.
    sub_reaches : (R,) int array, optional
        Cells per reach.  Default: about one day's travel per cell at the mean
        discharge of the no-storage solution (:func:`~hydro.hydraulics.accumulate`),
        between 1 and 64.
    max_substeps : int, optional
        Most sub-steps per reach and day (default 96, i.e. 15 min).
    target_release : (D, S) array, optional
        Each day's target release of every reservoir (m3 s-1), replacing the
        reservoirs' rules, as in :func:`~hydro.hydraulics.accumulate`.
    state : RoutingState, optional
        Start from this state (``final`` of a run that ended the day before):
        its cells, cell outflows and storages, and reservoir volumes replace
        ``sub_reaches``, ``initial_q`` and the reservoirs' initial storage.
    withdrawals : hydro.withdrawal_requests.WithdrawalRequests, optional
        Water to take out of reaches, each request from the day's *routed* inflow at its
        reach plus what forms along the reach (``lateral``), never more than its share;
        taken along the reach like a negative lateral inflow.
    res_land_inflow, res_land_area : (D, S) and (S,) array, optional
        The land around each reservoir, its runoff and area, as in
        :func:`~hydro.hydraulics.accumulate`.

    Returns
    -------
    RoutedHydraulics
        ``q_in`` and ``q_out`` are daily means at the inlets and outlets, m3 s-1;
        ``q_out - q_in`` differs from ``lateral`` by the storage change.  ``lateral`` is
        the lateral inflow each reach was routed with (the given one less the water
        taken), and ``withdrawn`` the water the requests took, m3 s-1.  A withdrawal
        never takes more than flows into a cell: where a negative ``lateral`` or a
        request asks for more in a day's transient, what could not be taken is not
        (requests are cut first).

    Raises
    ------
    HydroError
        Wrong shapes, non-finite values, a slope that is not positive (naming the
        reach), negative boundary inflow or initial discharge, months outside 1-12.
    """
    slope, lateral, boundary, res_local_inflow, res_evap_mm, res_precip_mm, months, init, use_init = \
        _checked_inputs(network, slope, lateral, boundary, res_local_inflow, res_evap_mm, res_precip_mm,
                        months, initial_q, max_substeps)
    n_day, n_reach = lateral.shape
    n_res = len(network.reservoirs)
    lay = network.layout
    vel_coeff, vel_exp, width_coeff, width_exp, length = (
        np.array([getattr(r, a) for r in network.reaches], dtype=float)
        for a in ("velocity_coeff", "velocity_exp", "width_coeff", "width_exp", "length_m"))
    chan = channel_arrays(network)
    if state is not None:
        sub_reaches = state.sub_reaches
    if sub_reaches is None:
        q_ref = np.ones(n_reach)
        if n_day:
            hyd = accumulate(network, lateral, boundary, res_local_inflow, res_evap_mm,
                             res_precip_mm, months, target_release, res_land_inflow=res_land_inflow,
                             res_land_area=res_land_area)
            q_ref = np.mean(0.5 * (hyd.q_in + hyd.q_out), axis=0)
        cells = default_cells(network, q_ref)
    else:
        cells = given_cells(sub_reaches, n_reach)
    cell_start = np.concatenate([[0], np.cumsum(cells)]).astype(np.int64)

    order_kind = np.array([k for k, _ in lay.order], dtype=np.int64)
    order_index = np.array([i for _, i in lay.order], dtype=np.int64)
    res = reservoir_arrays(network, months, target_release, res_land_inflow, res_land_area)
    cell_out, cell_store = np.zeros(cell_start[-1]), np.zeros(cell_start[-1])
    if state is not None:
        cell_out, cell_store = state.cell_outflow.copy(), state.cell_storage.copy()
        res["v0"] = np.array(state.res_volume, dtype=float)
    withdrawals = no_requests(n_day) if withdrawals is None else checked_requests(withdrawals, network.reach_ids, n_day)
    req_start, req_flow, req_share = withdrawals.by_reach(n_reach)
    taken, lateral_used = np.zeros((n_day, n_reach)), lateral.copy()
    q_in = np.zeros((n_day, n_reach))
    q_out = np.zeros((n_day, n_reach))
    storage = np.zeros((n_day + 1, n_reach))
    substeps = np.zeros((n_day, n_reach), dtype=np.int64)
    volume = np.zeros((n_day + 1, n_res))
    release, spill, inflow, evaporated, area, land_taken = (np.zeros((n_day, n_res)) for _ in range(6))
    if n_day:
        _k.route_network(
            order_kind, order_index, lay.reach_down_kind, lay.reach_down_index,
            lay.res_down_kind, lay.res_down_index, cell_start, length / cells,
            vel_coeff, vel_exp, width_coeff, width_exp, chan["b"], chan["z"], chan["n"], chan["s"],
            slope, lateral, boundary, init, use_init, cell_out, cell_store, state is not None,
            int(max_substeps), res_local_inflow, res_evap_mm, res_precip_mm, res["target"],
            res["eco_min"], res["dead"], res["full"], res["v0"], res["curve_offset"],
            res["curve_storage"], res["curve_area"], res["land_inflow"], res["land_area"],
            req_start, req_flow, req_share,
            q_in, q_out, storage, substeps, volume, release, spill, inflow, evaporated, area,
            land_taken, taken, lateral_used)
    else:
        volume[0] = res["v0"]
    level = np.zeros((n_day, 0))
    if n_res:
        level = np.column_stack([r.level_at(volume[:-1, s])
                                 for s, r in enumerate(network.reservoirs)])
    return RoutedHydraulics(
        q_in=q_in, q_out=q_out, lateral=lateral_used, res_volume=volume, res_inflow=inflow,
        res_release=release, res_spill=spill, res_local_inflow=res_local_inflow - land_taken,
        res_evaporated=evaporated, res_area=area, res_level=level, res_land_taken=land_taken,
        reach_storage=storage, substeps=substeps, sub_reaches=cells, slope=slope,
        final=RoutingState(cells, cell_out, cell_store, volume[-1].copy()), withdrawn=taken)


def _checked_inputs(network: Network, slope, lateral, boundary, res_local_inflow, res_evap_mm,
                    res_precip_mm, months, initial_q, max_substeps):
    """The inputs of :func:`route`, checked (shapes, finite, signs) and as float arrays.

    Returns
    -------
    tuple
        ``slope, lateral, boundary, res_local_inflow, res_evap_mm, res_precip_mm,
        months, initial_q, use_initial_q`` (``initial_q`` zeros and
        ``use_initial_q`` False when none was given).
    """
    n_reach = len(network.reaches)
    n_res = len(network.reservoirs)
    lateral = np.asarray(lateral, dtype=float)
    if lateral.ndim != 2 or lateral.shape[1] != n_reach:
        raise HydroError(f"lateral: expected shape (days, {n_reach}) for {n_reach} reaches, "
                         f"got {lateral.shape}")
    n_day = lateral.shape[0]
    ids = network.reach_ids
    slope = _checked(network, "slope", slope, (n_reach,), "m/m")
    bad = np.flatnonzero(slope <= 0)
    if bad.size:
        r = bad[0]
        raise HydroError(f"slope of reach '{ids[r]}' is {slope[r]:g} m/m; the bed slope must be "
                         "> 0 (m per m, e.g. 0.001 for 1 m/km); fix the slope of that reach")
    lateral = _checked(network, "lateral", lateral, (n_day, n_reach), "m3/s")
    boundary = _checked(network, "boundary", boundary, (n_day, n_reach), "m3/s")
    if (boundary < 0).any():
        d, r = np.argwhere(boundary < 0)[0]
        raise HydroError(f"boundary inflow of reach '{ids[r]}' is {boundary[d, r]:g} m3/s "
                         f"on day {d}; "
                         "inflows must be >= 0 (put withdrawals in the lateral inflow)")
    res_local_inflow = _checked(network, "res_local_inflow", res_local_inflow, (n_day, n_res),
                                "m3/s")
    res_evap_mm = _checked(network, "res_evap_mm", res_evap_mm, (n_day, n_res), "mm/d")
    res_precip_mm = _checked(network, "res_precip_mm", res_precip_mm, (n_day, n_res), "mm/d")
    months = np.asarray(months)
    dated = np.issubdtype(months.dtype, np.datetime64)
    if months.shape != (n_day,) or not (dated or np.issubdtype(months.dtype, np.integer)) \
            or not dated and months.size and (months.min() < 1 or months.max() > 12):
        raise HydroError(f"months: expected {n_day} integers from 1 to 12 or {n_day} dates (datetime64, "
                         f"one per day), got shape {months.shape}, dtype {months.dtype}")
    if initial_q is None:
        init = np.zeros(n_reach)
        use_init = False
    else:
        init = _checked(network, "initial_q", initial_q, (n_reach,), "m3/s")
        if (init < 0).any():
            r = int(np.flatnonzero(init < 0)[0])
            raise HydroError(f"initial_q of reach '{ids[r]}' is {init[r]:g} m3/s; must be >= 0")
        use_init = True
    if int(max_substeps) < 1:
        raise HydroError(f"max_substeps must be >= 1, got {max_substeps}")
    return slope, lateral, boundary, res_local_inflow, res_evap_mm, res_precip_mm, months, init, use_init


def channel_arrays(network: Network) -> dict[str, np.ndarray]:
    """The channels of the reaches as the routing kernel takes them.

    Returns
    -------
    dict of (R,) float arrays
        ``b`` bottom width (m), ``z`` side slope, ``n`` Manning n (0 for a
        power-law reach, which is how the kernel tells them apart), ``s`` the
        channel's bed slope (m m-1).
    """
    rows = [(c.bottom_width_m, c.side_slope, c.manning_n, c.slope_m_per_m) if c is not None
            else (0.0, 0.0, 0.0, 0.0) for c in (r.channel for r in network.reaches)]
    arr = np.array(rows, dtype=float).reshape(-1, 4)
    return {k: np.ascontiguousarray(arr[:, i]) for i, k in enumerate("bzns")}


# ---------------------------------------------------------------------------------
def _checked(network: Network, name: str, a, shape: tuple[int, ...], unit: str) -> np.ndarray:
    """A contiguous float64 copy of ``a``: right shape and finite, else a HydroError."""
    arr = np.ascontiguousarray(np.asarray(a, dtype=float))
    if arr.shape != shape:
        raise HydroError(f"{name}: expected shape {shape} ({unit}), got {arr.shape}")
    bad = ~np.isfinite(arr)
    if bad.any():
        idx = tuple(int(i) for i in np.argwhere(bad)[0])
        where = f"index {idx}"
        n_reach = len(network.reaches)
        if name.startswith("res_") and arr.ndim == 2:
            where = f"reservoir '{network.reservoir_ids[idx[1]]}', day {idx[0]}"
        elif arr.ndim == 2 and shape[1] == n_reach:
            where = f"reach '{network.reach_ids[idx[1]]}', day {idx[0]}"
        elif arr.ndim == 1 and shape[0] == n_reach:
            where = f"reach '{network.reach_ids[idx[0]]}'"
        raise HydroError(f"{name} is not finite (NaN or inf) at {where}; fill the gap in the input")
    return arr

