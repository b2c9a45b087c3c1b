"""Water taken out of reaches: the requests of a run, and their accumulation-routed amounts.

A basin's ``[[withdrawals]]`` (diversions, supply intakes, channel losses) and its
``[[transfers]]`` abstractions from reaches are *requests*: each asks for a flow on every
day and never takes more than a share of the water available in its reach that day (the
inflow at the reach inlet plus what forms along it).  How much is available depends on the
routing, so the routing takes the water:

* Muskingum-Cunge (:func:`hydro.routing.route`) takes each request from the *routed* inflow
  of the day, in the same pass that routes the reach (the kernel
  :func:`hydro._routing_kernels.route_network`), so a diversion sees the flood when it
  arrives, attenuated and delayed as the river carries it;
* accumulation (no storage, each day steady) takes them by :func:`withdrawn_lateral`,
  which accumulates the flows once per request, with the requests further up already taken.

Both count the available water the same way, so on steady flows they take the same water.
In flow-driven runs (accumulation) the flows are those of the runoff matched to the gauges,
and the match itself takes the requests above each gauge from the flows it scales
(:func:`hydro.gauge_matching.match_gauges`): a gauge records what the withdrawals left.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np

from hydro.errors import HydroError


@dataclass(frozen=True)
class WithdrawalRequests:
    """The water a run's withdrawals ask for, request by request.

    Attributes
    ----------
    reach : (n,) int
        Index of the reach each request takes from.
    flow : (n, D) float
        Flow asked on each day, m3 s-1 (``inf``: the share alone decides, a channel loss).
    share : (n,) float
        Most a request takes of the water available in its reach that day (0-1).

    Requests are taken upstream first; on one reach in their order here, each from what the
    ones before it left.
    """

    reach: np.ndarray
    flow: np.ndarray
    share: np.ndarray

    @property
    def any(self) -> bool:
        """Whether there is any request."""
        return bool(self.reach.size)

    def by_reach(self, n_reach: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The requests grouped by reach for the routing kernel: ``(start, flow, share)``,
        reach ``j``'s requests being rows ``start[j]`` to ``start[j + 1] - 1`` in their order."""
        order = np.argsort(self.reach, kind="stable")
        counts = np.bincount(self.reach, minlength=n_reach)
        start = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
        return start, np.ascontiguousarray(self.flow[order]), np.ascontiguousarray(self.share[order])


def checked_requests(requests: WithdrawalRequests, reach_ids, n_day: int) -> WithdrawalRequests:
    """``requests`` checked against a run of ``n_day`` days on reaches ``reach_ids``: a reach
    index in range, a flow per day >= 0 (``inf``: the share alone), a share in 0-1; else a
    HydroError.  (The routing kernel reads ``flow[k, d]`` unchecked: a shorter series would be
    read past its end, and a reach out of range or a NaN flow would take nothing, silently.)"""
    reach = np.asarray(requests.reach)
    flow = np.ascontiguousarray(np.asarray(requests.flow, dtype=float))
    share = np.asarray(requests.share, dtype=float)
    n = reach.shape[0] if reach.ndim == 1 else -1
    if n < 0 or not np.issubdtype(reach.dtype, np.integer) or flow.shape != (n, n_day) or share.shape != (n,):
        raise HydroError(f"withdrawal requests: expected reach (n,) integers, flow (n, {n_day}) m3/s (one a "
                         f"day of the run) and share (n,); got {reach.shape} {reach.dtype}, {flow.shape}, "
                         f"{share.shape}")
    bad = np.flatnonzero((reach < 0) | (reach >= len(reach_ids)))
    if bad.size:
        raise HydroError(f"withdrawal request {bad[0]}: reach index {reach[bad[0]]} is not one of the "
                         f"{len(reach_ids)} reaches")
    nok = np.isnan(flow) | (flow < 0)
    if nok.any():
        k, d = np.argwhere(nok)[0]
        raise HydroError(f"withdrawal request {k} on reach '{reach_ids[reach[k]]}' asks {flow[k, d]:g} m3/s "
                         f"on day {d}; a requested flow is >= 0 (inf: the share alone decides)")
    bad = np.flatnonzero(~((share >= 0) & (share <= 1)))
    if bad.size:
        k = bad[0]
        raise HydroError(f"withdrawal request {k} on reach '{reach_ids[reach[k]]}' has share {share[k]:g}; "
                         "a share of the available water is 0-1")
    return WithdrawalRequests(reach.astype(np.int64), flow, share)


def no_requests(n_day: int) -> WithdrawalRequests:
    """A run without withdrawals (``n_day`` days)."""
    return WithdrawalRequests(np.zeros(0, dtype=np.int64), np.zeros((0, n_day)), np.zeros(0))


def withdrawal_requests(basin, dates: list[date], months: np.ndarray, extra: list | tuple = ()
                        ) -> WithdrawalRequests:
    """The requests of ``basin``'s ``[[withdrawals]]`` and of ``extra`` on ``dates``.

    Each ``[[withdrawals]]`` table (parsed at load, :class:`hydro.basin_tables.Withdrawal`)
    asks for one of

    - ``flow_m3_s`` (a number, twelve monthly values or ``{csv, column}``): a requested
      flow (an irrigation diversion, a supply intake), with ``max_share`` (default 0.9);
    - ``loss_share``: that share of the available water, every day (the transmission
      losses of a losing channel).

    Parameters
    ----------
    basin : hydro.basin.Basin
    dates : list of date
        The run's days.
    months : (D,) int array
        Calendar month of each day.
    extra : list of (reach index, flow (D,), max_share)
        Abstractions from reaches given as ``[[transfers]]`` series, requested like
        ``flow_m3_s`` withdrawals and taken after them.

    Returns
    -------
    WithdrawalRequests
        In the order they are taken: upstream first (the network's topological order), and
        on one reach in the order they are listed.
    """
    from hydro.drainage_checks import check_series_drainage
    from hydro.series import SeriesReader

    if not basin.withdrawals and not extra:
        return no_requests(len(dates))
    reader = SeriesReader(basin.folder, dates)
    listed = []
    for w in basin.withdrawals:
        if w.loss_share is not None:
            flow = np.full(len(dates), np.inf)  # the share alone decides
        elif w.flow is not None:
            flow = np.asarray(w.flow.read(reader), dtype=float)
            if w.flow.csv is not None:
                check_series_drainage(basin, w, flow, dates)
        else:  # twelve monthly values
            flow = np.array(w.monthly, dtype=float)[months - 1]
        listed.append((w.reach_index, flow, w.max_share))
    listed += [(r, np.asarray(flow, dtype=float), share) for r, flow, share in extra]
    listed = [listed[k] for k in upstream_first(basin.network, [r for r, _, _ in listed])]
    return WithdrawalRequests(np.array([r for r, _, _ in listed], dtype=np.int64),
                              np.array([f for _, f, _ in listed], dtype=float).reshape(len(listed), len(dates)),
                              np.array([s for _, _, s in listed], dtype=float))


def upstream_first(network, reaches) -> list[int]:
    """Positions of ``reaches`` (reach indices) in the order requests on them are taken: the
    network's topological order (upstream first), one reach's in the order given."""
    position = {i: k for k, (kind, i) in enumerate(network.layout.order) if kind == 1}
    return sorted(range(len(reaches)), key=lambda k: position[int(reaches[k])])


def withdrawn_lateral(network, requests: WithdrawalRequests, lateral: np.ndarray,
                      res_local: np.ndarray, evap: np.ndarray, rain: np.ndarray, months: np.ndarray,
                      target_release: np.ndarray | None = None, stores: dict | None = None,
                      res_land_inflow: np.ndarray | None = None,
                      res_land_area: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """The lateral inflow left to each reach where flows are accumulated (no storage) once the requests
    took their water, and the water they took, m3 s-1 per day and reach.

    Available water is counted from flows accumulated (:func:`hydro.hydraulics.accumulate`)
    with the requests further up already taken; the water leaves at the reach's
    concentration, so its nitrogen leaves too (the budgets' ``withdrawal`` term).  On a day
    the requests on a reach take all of its water (a ``max_share`` of 1 asking more than there
    is), the lateral inflow left is minus the reach's inflow, so that accumulating it gives an
    outflow of exactly 0: ``lateral - taken`` would leave the round-off of ``inflow + lateral -
    taken``, which may be below 0 (-4.4e-16 m3 s-1), and the reach below would then be
    refused for a negative inflow, as if the reach itself were not the one dried
    (watershed fuzzing review, 2026-12-05).

    Parameters
    ----------
    network : hydro.network.Network
    requests : WithdrawalRequests
    lateral : (D, R) array
        Inflow along each reach before any withdrawal (runoff, effluent, transfers), m3 s-1.
    res_local : (D, S) array
        Inflow straight into each reservoir, m3 s-1.
    evap, rain : (D, S) array
        Open-water evaporation and rain on each reservoir, mm d-1.
    months : (D,) array
        The days' calendar months, or their dates (:func:`hydro.hydraulics.accumulate`'s ``months``).
    target_release : (D, S) array, optional
        Reservoir target releases by day (:mod:`hydro.transfers`).
    stores : dict, optional
        Carries the reservoir volumes of each request's accumulation from one block of a
        run to the next (``"withdrawal_res_volumes"``, :mod:`hydro.blocked`).
    res_land_inflow, res_land_area : (D, S) and (S,) array, optional
        The land around each reservoir, its runoff (m3 s-1, part of ``res_local``) and
        area (m2), as :func:`hydro.hydraulics.accumulate` takes them.

    Returns
    -------
    left : (D, R) array
        Lateral inflow left to each reach (``lateral - taken``, but ``-inflow`` where the
        requests took all of the water), m3 s-1.
    taken : (D, R) array
        Water taken, m3 s-1.
    """
    from hydro.hydraulics import accumulate

    taken = np.zeros_like(lateral)
    left = np.array(lateral, dtype=float)
    if not requests.any:
        return left, taken
    requests = checked_requests(requests, network.reach_ids, lateral.shape[0])
    boundary = np.zeros_like(lateral)
    start = None if stores is None else stores.get("withdrawal_res_volumes")
    ends = []
    dry = np.zeros(lateral.shape, dtype=bool)  # the requests took all of the reach's water that day
    for n, k in enumerate(upstream_first(network, requests.reach)):
        r = requests.reach[k]
        # a block continuing a run: each request's accumulation from where it ended
        hyd = accumulate(network, left, boundary, res_local, evap, rain, months, target_release,
                         res_volume=None if start is None else start[n], res_land_inflow=res_land_inflow,
                         res_land_area=res_land_area)
        ends.append(hyd.res_volume[-1].copy())
        # the requests before on this reach took from its inflow too where they took more than
        # its lateral inflow: the rest of both is what is left
        available = np.maximum(hyd.q_in[:, r] + np.maximum(lateral[:, r], 0.0) - taken[:, r], 0.0)
        take = np.minimum(requests.flow[k], requests.share[k] * available)
        taken[:, r] += take
        # all of it taken (a negative lateral inflow is a deficit of its own, left to show)
        dry[:, r] |= (take > 0.0) & (take >= available) & (lateral[:, r] >= 0.0)
        left[:, r] = np.where(dry[:, r], -hyd.q_in[:, r], lateral[:, r] - taken[:, r])
    if stores is not None:
        stores["withdrawal_res_volumes"] = ends
    return left, taken
