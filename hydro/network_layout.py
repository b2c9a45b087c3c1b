"""The network's topology checked, and its layout in the flat arrays the kernels walk.

:func:`check_topology` finds unknown ids, cycles and orphans in linear time
(:func:`topological_order`); :func:`build_layout` builds the :class:`Layout` once:
topological order, reach -> cell offsets, downstream links and the cells of
sections and gauges.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from hydro.errors import HydroError, repeated, suggest
from hydro.network_elements import Reach

if TYPE_CHECKING:
    from hydro.network import Network
    from hydro.network_elements import Reservoir

DOWN_OUTLET, DOWN_REACH, DOWN_RESERVOIR = 0, 1, 2


@dataclass(frozen=True)
class Layout:
    """Network arrays for the kernels (see :func:`hydro._transport_kernels.simulate_kernel`)."""

    reach_cell_start: np.ndarray
    cell_reach: np.ndarray
    cell_dx: np.ndarray
    reach_down_kind: np.ndarray
    reach_down_index: np.ndarray
    res_down_kind: np.ndarray
    res_down_index: np.ndarray
    vel_coeff: np.ndarray
    vel_exp: np.ndarray
    order: list[tuple[int, int]]  # (kind, index) upstream to downstream; kind 1 reach, 2 reservoir
    reach_rank: np.ndarray  # (R,) int: each reach's place among the reach ids sorted (order-free tie-breaks)
    headwater: np.ndarray  # (R,) bool: reach has no upstream element
    section_cell: np.ndarray
    gauge_cell: np.ndarray

    @property
    def n_cells(self) -> int:
        """Number of cells in the network."""
        return int(self.cell_dx.shape[0])

    def face_discharge(self, cells: np.ndarray, q_in: np.ndarray, q_out: np.ndarray) -> np.ndarray:
        """Discharge (m3 s-1) on the outflow face of each of ``cells``, per day.

        Face discharges vary linearly along a reach from ``q_in`` to ``q_out``
        (``(D, R)`` arrays); returns ``(D, len(cells))``.
        """
        out = np.empty((q_in.shape[0], len(cells)))
        for k, cell in enumerate(cells):
            r = self.cell_reach[cell]
            start = self.reach_cell_start[r]
            n = self.reach_cell_start[r + 1] - start
            out[:, k] = q_in[:, r] + (q_out[:, r] - q_in[:, r]) * (cell - start + 1) / n
        return out

    def cell_at(self, reach_index: int, position: float) -> int:
        """Cell whose outflow face is the first at or below ``position`` (0-1] of a reach."""
        start, end = self.reach_cell_start[reach_index], self.reach_cell_start[reach_index + 1]
        n = end - start
        j = int(np.ceil(position * n - 1e-9)) - 1
        return int(start + min(max(j, 0), n - 1))


def check_topology(net: Network) -> None:
    """Unique ids, known downstream ids, one outlet, no cycles, sections on reaches."""
    where = net.source
    if not net.reaches:
        raise HydroError(f"{where}: the network has no reaches; add at least one [[reaches]] table")
    ids: dict[str, str] = {}
    elements: list[Reach | Reservoir] = [*net.reaches, *net.reservoirs]
    for e in elements:
        if e.id in ids:
            raise HydroError(f"{where}: id '{e.id}' is used by more than one reach or reservoir; "
                             "ids must be unique")
        ids[e.id] = "reach" if isinstance(e, Reach) else "reservoir"
    for e in elements:
        if e.downstream is not None and e.downstream not in ids:
            raise HydroError(f"{where}: '{e.id}' flows into unknown id '{e.downstream}'"
                             + suggest(e.downstream, ids) + "; fix 'downstream'")
        if e.downstream == e.id:
            raise HydroError(f"{where}: '{e.id}' flows into itself; fix 'downstream'")
    for res in net.reservoirs:
        if res.downstream is not None and ids[res.downstream] != "reach":
            raise HydroError(f"{where}: reservoir '{res.id}' releases into reservoir "
                             f"'{res.downstream}'; put a reach between them")
    # cycles: one topological sort (Kahn), linear in the number of elements
    down = downstream_map(net)
    if len(topological_order(down)) < len(down):
        raise_cycle(where, down)
    outlets = [e for e, d in down.items() if d is None]
    if len(outlets) != 1:
        raise HydroError(f"{where}: the network must drain to exactly one outlet, found "
                         f"{len(outlets)} elements without 'downstream': {', '.join(outlets)}; "
                         "connect the orphaned ones")
    reach_ids = {r.id for r in net.reaches}
    for sec in net.sections:
        if sec.reach not in reach_ids:
            raise HydroError(f"{where}: section '{sec.id}' lies on unknown reach '{sec.reach}'"
                             + suggest(sec.reach, reach_ids) + "; fix its 'reach'")
    sec_ids = [s.id for s in net.sections]
    if len(set(sec_ids)) != len(sec_ids):
        twice = repeated(sec_ids)
        raise HydroError(f"{where}: section ids must be unique; listed twice: {', '.join(twice)}")
    res_ids = {r.id for r in net.reservoirs}
    for sec in net.sections:
        if sec.id in res_ids:  # agreements and plots name sections and reservoirs by id, in one namespace
            raise HydroError(f"{where}: section '{sec.id}' has the id of a reservoir; an agreement names "
                             "monitoring points (sections and reservoirs) by id, so give the section its own id")
    for g in net.gauges:
        if g.reach not in reach_ids:
            raise HydroError(f"{where}: gauge '{g.id}' lies on unknown reach '{g.reach}'"
                             + suggest(g.reach, reach_ids) + "; fix its 'reach'")
    gauge_ids = [g.id for g in net.gauges]
    if len(set(gauge_ids)) != len(gauge_ids):
        raise HydroError(f"{where}: gauge ids must be unique")


def topological_order(down: dict) -> list:
    """Elements upstream first (Kahn's algorithm), in O(elements).

    Parameters
    ----------
    down : dict
        Element -> the element it flows into (None at an outlet); every value
        that is not None must be a key.

    Returns
    -------
    list
        The elements that drain to an outlet, each after everything upstream of
        it, ties in the order of ``down``; elements in or below a cycle are left
        out (so a shorter list than ``down`` means the network has a cycle).
    """
    n_up = dict.fromkeys(down, 0)
    for d in down.values():
        if d is not None:
            n_up[d] += 1
    ready = deque(e for e, n in n_up.items() if n == 0)
    order = []
    while ready:
        e = ready.popleft()
        order.append(e)
        d = down[e]
        if d is not None:
            n_up[d] -= 1
            if n_up[d] == 0:
                ready.append(d)
    return order


def downstream_map(net: Network) -> dict[str, str | None]:
    """Element id (the reaches, then the reservoirs) -> the id it flows into (None at the outlet)."""
    elements: list[Reach | Reservoir] = [*net.reaches, *net.reservoirs]
    return {e.id: e.downstream for e in elements}


def accumulate_downstream(net: Network, own: dict[str, float]) -> dict[str, float]:
    """Element id (reach or reservoir) -> its own value in ``own`` (0 where absent) plus those of every
    element above it: the area draining to it, the water entering at and above it.  A NaN (a value not
    known) is carried down as NaN."""
    down = downstream_map(net)
    total = {e: float(own.get(e, 0.0)) for e in down}
    for e in topological_order(down):  # upstream first: each adds its total to the element below
        below = down[e]
        if below is not None:
            total[below] += total[e]
    return total


def raise_cycle(where: str, down: dict) -> None:
    """Name the cycle reached first from the elements in input order (linear time).

    Elements upstream of a cycle are sorted by :func:`topological_order`, the
    cycle's are not; taking the sorted ones downstream first, each learns
    whether it drains into a cycle from the element below it.  The first element
    in input order that does is followed down to the cycle, which is named from
    the element where the walk enters it.
    """
    order = topological_order(down)
    into_cycle = dict.fromkeys(down, True)
    for e in reversed(order):
        d = down[e]
        into_cycle[e] = False if d is None else into_cycle[d]
    start = next(e for e in down if into_cycle[e])
    seen: dict = {}
    node = start
    while node not in seen:
        seen[node] = len(seen)
        node = down[node]
    path = list(seen)
    cycle = " -> ".join(path[seen[node]:] + [node])
    raise HydroError(f"{where}: the network has a cycle: {cycle}; "
                     "every element must drain to the outlet")


def build_layout(net: Network) -> Layout:
    reach_pos = {r.id: i for i, r in enumerate(net.reaches)}
    res_pos = {r.id: i for i, r in enumerate(net.reservoirs)}

    def link(downstream):
        if downstream is None:
            return DOWN_OUTLET, -1
        if downstream in reach_pos:
            return DOWN_REACH, reach_pos[downstream]
        return DOWN_RESERVOIR, res_pos[downstream]

    n_cells = np.array([r.n_cells for r in net.reaches], dtype=np.int64)
    start = np.concatenate([[0], np.cumsum(n_cells)]).astype(np.int64)
    cell_reach = np.repeat(np.arange(len(net.reaches), dtype=np.int64), n_cells)
    cell_dx = np.repeat([r.length_m / r.n_cells for r in net.reaches], n_cells).astype(float)
    rk = np.array([link(r.downstream) for r in net.reaches], dtype=np.int64).reshape(-1, 2)
    sk = np.array([link(r.downstream) for r in net.reservoirs], dtype=np.int64).reshape(-1, 2)

    # topological order (Kahn, linear): upstream elements first, ties in input order
    # (reaches, then reservoirs)
    nodes = [(1, i) for i in range(len(net.reaches))] + [(2, i) for i in range(len(net.reservoirs))]
    downs = {n: (k, j) for n, (k, j) in zip(nodes, rk.tolist() + sk.tolist(), strict=True)}
    n_up = dict.fromkeys(nodes, 0)
    for k, j in downs.values():
        if k != DOWN_OUTLET:
            n_up[(k, j)] += 1
    headwater = np.array([n_up[(1, i)] == 0 for i in range(len(net.reaches))], dtype=bool)
    ready = deque(n for n in nodes if n_up[n] == 0)
    order = []
    while ready:
        n = ready.popleft()
        order.append(n)
        down = downs[n]
        if down[0] != DOWN_OUTLET:
            n_up[down] -= 1
            if n_up[down] == 0:
                ready.append(down)
    layout = Layout(
        reach_cell_start=start, cell_reach=cell_reach, cell_dx=cell_dx,
        reach_down_kind=np.ascontiguousarray(rk[:, 0]), reach_down_index=np.ascontiguousarray(rk[:, 1]),
        res_down_kind=np.ascontiguousarray(sk[:, 0]), res_down_index=np.ascontiguousarray(sk[:, 1]),
        vel_coeff=np.array([r.velocity_coeff for r in net.reaches], dtype=float),
        vel_exp=np.array([r.velocity_exp for r in net.reaches], dtype=float),
        order=order, reach_rank=np.argsort(np.argsort(np.array(net.reach_ids, dtype=str), kind="stable")).astype(
            np.int64),
        headwater=headwater, section_cell=np.zeros(0, dtype=np.int64),
        gauge_cell=np.zeros(0, dtype=np.int64),
    )
    sec_cells = np.array([layout.cell_at(reach_pos[s.reach], s.position) for s in net.sections],
                         dtype=np.int64)
    object.__setattr__(layout, "section_cell", sec_cells)
    object.__setattr__(layout, "gauge_cell", np.array(
        [layout.cell_at(reach_pos[g.reach], g.position) for g in net.gauges], dtype=np.int64))
    return layout
