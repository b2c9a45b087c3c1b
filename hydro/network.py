"""The river network: reaches, reservoirs, sections and their layout in arrays.

A :class:`Network` is read from the ``[[reaches]]``, ``[[reservoirs]]`` and
``[[sections]]`` tables of a basin file, validated (unknown ids, cycles, orphans,
non-positive lengths are errors), and turned once into the flat arrays the
kernels walk.  Reading, checking and the layout take time linear in the number
of elements: every lookup by id goes through a dict, and cycles are found by
one topological sort (:func:`topological_order`).  A reach's hydraulics are a
power law or a surveyed :class:`~hydro.channel.Channel`.  The layout holds the
topological order, reach -> cell offsets, downstream links and the dispersive
faces between cells (inside reaches, across junctions and at concentration
inlets).  Junctions are implicit: a reach or reservoir with
several upstream elements mixes their inflows in proportion to flow.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from hydro.channel import SHAPES, Channel
from hydro.errors import HydroError, suggest
from hydro.tomlio import Table

DOWN_OUTLET, DOWN_REACH, DOWN_RESERVOIR = 0, 1, 2


@dataclass(frozen=True)
class Reach:
    """A river reach: power-law hydraulic geometry or a surveyed channel.

    A reach's hydraulics come from one of two descriptions:

    * a power law (``channel`` is None): ``v = velocity_coeff * Q**velocity_exp``
      and ``w = width_coeff * Q**width_exp``;
    * a prismatic :class:`~hydro.channel.Channel` (rectangle or trapezoid with
      Manning roughness) at normal depth.  The four power-law fields are then
      left out and filled with the channel's equivalent power law
      (:meth:`~hydro.channel.Channel.power_law`, tangent at 1 m depth) for code
      that still reads power laws; :meth:`velocity`, :meth:`width`,
      :meth:`depth` and :meth:`cross_section_m2` use the channel.

    Attributes
    ----------
    id : str
        Unique id.
    name : str
        Display name.
    length_m : float
        Length along the channel, m.
    downstream : str or None
        Id of the reach or reservoir it flows into; None at the outlet.
    velocity_coeff, velocity_exp : float
        Mean velocity ``v = velocity_coeff * Q**velocity_exp`` (m s-1, Q in m3 s-1).
    width_coeff, width_exp : float
        Top width ``w = width_coeff * Q**width_exp`` (m); depth is ``Q / (w v)``.
    dispersion_m2_s : float
        Longitudinal dispersion coefficient, m2 s-1.
    n_cells : int
        Finite-volume cells along the reach.
    slope_m_per_m : float or None
        Bed slope (m m-1), needed by Muskingum-Cunge routing and by a channel;
        None when unknown.  With a channel it defaults to the channel's slope
        and must equal it.
    channel : Channel or None
        Surveyed channel geometry; None for a power-law reach.

    Raises
    ------
    ValueError
        When both or neither of the power law and the channel are given.
    """

    id: str
    name: str
    length_m: float
    downstream: str | None
    velocity_coeff: float | None = None
    velocity_exp: float | None = None
    width_coeff: float | None = None
    width_exp: float | None = None
    dispersion_m2_s: float = 0.0
    n_cells: int = 1
    slope_m_per_m: float | None = None
    channel: Channel | None = None

    def __post_init__(self):
        laws = (self.velocity_coeff, self.velocity_exp, self.width_coeff, self.width_exp)
        if self.channel is None:
            if any(v is None for v in laws):
                raise ValueError(f"reach '{self.id}': give velocity_coeff, velocity_exp, width_coeff "
                                 "and width_exp, or a channel")
            return
        if any(v is not None for v in laws):
            raise ValueError(f"reach '{self.id}': give either the power law or a channel, not both")
        if self.slope_m_per_m is None:
            object.__setattr__(self, "slope_m_per_m", self.channel.slope_m_per_m)
        elif self.slope_m_per_m != self.channel.slope_m_per_m:
            raise ValueError(f"reach '{self.id}': slope_m_per_m {self.slope_m_per_m} differs from "
                             f"its channel's {self.channel.slope_m_per_m}")
        for name, value in zip(("velocity_coeff", "velocity_exp", "width_coeff", "width_exp"),
                               self.channel.power_law()):
            object.__setattr__(self, name, float(value))

    def velocity(self, q):
        """Mean velocity (m s-1) at discharge ``q`` (m3 s-1)."""
        if self.channel is not None:
            return self.channel.velocity(q)
        return self.velocity_coeff * np.asarray(q, dtype=float) ** self.velocity_exp

    def width(self, q):
        """Top width (m) at discharge ``q`` (m3 s-1)."""
        if self.channel is not None:
            return self.channel.top_width(q)
        return self.width_coeff * np.asarray(q, dtype=float) ** self.width_exp

    def cross_section_m2(self, q):
        """Wetted cross-section area (m2) at discharge ``q`` (m3 s-1), vectorised.

        Power law: ``A = Q / v(Q)`` (continuity); channel: ``A = (b + z y) y`` at
        the Manning normal depth ``y``.  Both are 0 at ``q = 0``.
        """
        if self.channel is not None:
            return self.channel.area(q)
        q = np.asarray(q, dtype=float)
        with np.errstate(divide="ignore", invalid="ignore"):
            area = q / self.velocity(q)
        return np.where(q == 0, 0.0, area)

    def depth(self, q):
        """Mean (hydraulic) depth ``A / w`` (m) at discharge ``q`` (m3 s-1); 0 at ``q = 0``.

        Power law: from continuity ``Q = w d v``; channel: area over top width at
        normal depth (equal to the normal depth for a rectangle).
        """
        if self.channel is not None:
            return self.channel.hydraulic_depth(q)
        q = np.asarray(q, dtype=float)
        with np.errstate(divide="ignore", invalid="ignore"):
            d = q / (self.width(q) * self.velocity(q))
        return np.where(q == 0, 0.0, d)

    def celerity(self, q):
        """Kinematic-wave celerity ``dQ/dA`` (m s-1) at discharge ``q`` (m3 s-1).

        Power law: ``v / (1 - velocity_exp)``; channel: the exact Manning value
        (:meth:`~hydro.channel.Channel.celerity`).
        """
        if self.channel is not None:
            return self.channel.celerity(q)
        return self.velocity(q) / (1.0 - self.velocity_exp)


@dataclass(frozen=True)
class Reservoir:
    """A reservoir: level-area-storage curve and release rules.

    Attributes
    ----------
    id, name : str
    downstream : str or None
        Reach it releases into; None if it is the network outlet.
    level_m, area_m2, storage_m3 : tuple of float
        Level-area-storage curve (m a.s.l., m2, m3), increasing.
    full_supply_level_m : float
        Above the full-supply storage, water spills.
    dead_storage_m3 : float
        No release below this storage.
    initial_storage_m3 : float
        Storage at the start of a run.
    target_release_m3_s : tuple of 12 float
        Target release by calendar month, m3 s-1.
    ecological_min_m3_s : float
        Minimum release while water is above dead storage, m3 s-1.
    """

    id: str
    name: str
    downstream: str | None
    level_m: tuple[float, ...]
    area_m2: tuple[float, ...]
    storage_m3: tuple[float, ...]
    full_supply_level_m: float
    dead_storage_m3: float
    initial_storage_m3: float
    target_release_m3_s: tuple[float, ...]
    ecological_min_m3_s: float

    @property
    def full_supply_storage_m3(self) -> float:
        """Storage at the full-supply level, m3."""
        return float(np.interp(self.full_supply_level_m, self.level_m, self.storage_m3))

    def area_at(self, storage_m3):
        """Surface area (m2) at a storage (m3), linear in the curve."""
        return np.interp(storage_m3, self.storage_m3, self.area_m2)

    def level_at(self, storage_m3):
        """Water level (m) at a storage (m3), linear in the curve."""
        return np.interp(storage_m3, self.storage_m3, self.level_m)


@dataclass(frozen=True)
class Section:
    """A monitoring section on a reach.

    Attributes
    ----------
    id, name : str
    reach : str
        Reach it lies on.
    position : float
        Distance from the reach inlet as a fraction of its length (0-1]; the
        section is placed on the nearest cell outflow face at or above it.
    """

    id: str
    name: str
    reach: str
    position: float


@dataclass(frozen=True)
class Gauge(Section):
    """A flow gauge on a reach: placed like a :class:`Section`, with an optional record.

    Attributes
    ----------
    observed : object or None
        The ``observed_discharge_m3_s`` value as written in the basin file (a
        number or ``{csv = ..., column = ...}``), read onto the run's days by
        the model; None when the gauge has no record.
    """

    observed: object = None


@dataclass(frozen=True)
class Network:
    """A validated tree of reaches and reservoirs with its array layout.

    Build it with :meth:`from_tables`; the layout properties are computed once.
    """

    reaches: tuple[Reach, ...]
    reservoirs: tuple[Reservoir, ...] = ()
    sections: tuple[Section, ...] = ()
    source: str = "<memory>"
    gauges: tuple[Gauge, ...] = ()

    def __post_init__(self):
        _check_topology(self)

    # ---- reading ----------------------------------------------------------------
    @classmethod
    def from_tables(cls, root: Table, default_cell_length_m: float = 2000.0) -> "Network":
        """Read ``[[reaches]]``, ``[[reservoirs]]`` and ``[[sections]]`` from a basin file."""
        reaches = tuple(_read_reach(t, default_cell_length_m) for t in root.tables("reaches"))
        reservoirs = tuple(_read_reservoir(t) for t in root.tables("reservoirs", default=[]))
        sections = tuple(_read_section(t) for t in root.tables("sections", default=[]))
        gauges = tuple(_read_gauge(t) for t in root.tables("gauges", default=[]))
        return cls(reaches, reservoirs, sections, source=str(root.file), gauges=gauges)

    # ---- lookups ----------------------------------------------------------------
    @cached_property
    def reach_ids(self) -> list[str]:
        """Reach ids in input order (the order of the ``reach`` dimension)."""
        return [r.id for r in self.reaches]

    @cached_property
    def reservoir_ids(self) -> list[str]:
        """Reservoir ids in input order."""
        return [r.id for r in self.reservoirs]

    @cached_property
    def _reach_position(self) -> dict[str, int]:
        return {rid: i for i, rid in enumerate(self.reach_ids)}

    @cached_property
    def _reservoir_position(self) -> dict[str, int]:
        return {rid: i for i, rid in enumerate(self.reservoir_ids)}

    def has_reach(self, element_id: str) -> bool:
        """Whether ``element_id`` is the id of a reach (a dict lookup, unlike ``in reach_ids``)."""
        return element_id in self._reach_position

    def has_reservoir(self, element_id: str) -> bool:
        """Whether ``element_id`` is the id of a reservoir (a dict lookup)."""
        return element_id in self._reservoir_position

    def reach_index(self, reach_id: str, where: str = "") -> int:
        """Index of a reach id (a dict lookup); unknown ids are a :class:`HydroError` naming ``where``."""
        try:
            return self._reach_position[reach_id]
        except (KeyError, TypeError):
            ids = self.reach_ids
            raise HydroError(f"{where or self.source}: unknown reach '{reach_id}'"
                             + suggest(reach_id, ids) + f"; known reaches: {', '.join(ids)}") from None

    def reservoir_index(self, reservoir_id: str, where: str = "") -> int:
        """Index of a reservoir id (a dict lookup); unknown ids are a :class:`HydroError`."""
        try:
            return self._reservoir_position[reservoir_id]
        except (KeyError, TypeError):
            ids = self.reservoir_ids
            raise HydroError(f"{where or self.source}: unknown reservoir '{reservoir_id}'"
                             + suggest(reservoir_id, ids) + f"; known reservoirs: {', '.join(ids)}") from None

    # ---- layout (built once) ----------------------------------------------------
    @cached_property
    def layout(self) -> "Layout":
        """The flat arrays the kernels use."""
        return _build_layout(self)


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


# ---------------------------------------------------------------------------------
#: The keys of a power-law reach (all four, or a ``channel`` instead).
POWER_LAW_KEYS = ("velocity_coeff", "velocity_exp", "width_coeff", "width_exp")

_CHANNEL_EXAMPLE = ('channel = { shape = "trapezoid", bottom_width_m = 12, side_slope = 2, '
                    'manning_n = 0.035 } with slope_m_per_m')


def _read_reach(t: Table, default_cell_length_m: float) -> Reach:
    rid = t.str("id")
    length_m = 1000.0 * t.float("length_km", positive=True)
    cells = t.int("cells", default=None, minimum=1)
    if cells is None:
        cells = max(1, int(round(length_m / default_cell_length_m)))
    slope = t.float("slope_m_per_m", default=None, positive=True)
    given = [k for k in POWER_LAW_KEYS if k in t.data]
    law: dict[str, float | None] = dict.fromkeys(POWER_LAW_KEYS)
    channel = None
    if t.has("channel"):
        if given:
            raise t.error(given[0], f"reach '{rid}' has a channel, so its velocity and width come "
                                    "from Manning's equation; remove "
                                    f"{', '.join(given)} or remove the channel")
        channel = _read_channel(t, rid, slope)
    elif not given:
        raise t.error("channel", f"missing; reach '{rid}' needs its hydraulic geometry: either "
                                 f"{_CHANNEL_EXAMPLE}, or the power law {', '.join(POWER_LAW_KEYS)}")
    else:
        missing = [k for k in POWER_LAW_KEYS if k not in t.data]
        if missing:
            raise t.error(missing[0], f"missing; reach '{rid}' gives {', '.join(given)}: a power-law "
                                      f"reach needs all of {', '.join(POWER_LAW_KEYS)} "
                                      f"(or replace them by {_CHANNEL_EXAMPLE})")
        law = dict(
            velocity_coeff=t.float("velocity_coeff", positive=True),
            velocity_exp=t.float("velocity_exp", minimum=0.0, maximum=0.99),
            width_coeff=t.float("width_coeff", positive=True),
            width_exp=t.float("width_exp", minimum=0.0, maximum=0.99),
        )
    reach = Reach(
        id=rid,
        name=t.str("name", default=rid),
        length_m=length_m,
        downstream=t.str("downstream", default=None),
        dispersion_m2_s=t.float("dispersion_m2_s", default=0.0, minimum=0.0),
        n_cells=cells,
        slope_m_per_m=slope,
        channel=channel,
        **law,
    )
    t.finish()
    return reach


def _read_channel(reach: Table, rid: str, slope: float | None) -> Channel:
    """The ``channel`` table of reach ``rid`` (its bed slope is the reach's ``slope_m_per_m``)."""
    t = reach.table("channel")
    shape = t.str("shape")
    if shape not in SHAPES:
        raise t.error("shape", f"reach '{rid}': expected one of {', '.join(repr(s) for s in SHAPES)}, "
                               f"got '{shape}'" + suggest(shape, SHAPES))
    if shape == "rectangle":
        width = t.float("bottom_width_m", positive=True)
        side = t.float("side_slope", default=0.0, minimum=0.0)
        if side != 0.0:
            raise t.error("side_slope", f"reach '{rid}': a rectangle has vertical banks (side_slope 0); "
                                        'use shape = "trapezoid" for sloping banks')
    else:
        width = t.float("bottom_width_m", minimum=0.0)
        side = t.float("side_slope", minimum=0.0)
        if width == 0.0 and side == 0.0:
            raise t.error("side_slope", f"reach '{rid}': a trapezoid with bottom_width_m = 0 needs "
                                        "side_slope > 0 (a triangle)")
    manning_n = t.float("manning_n", positive=True)
    if slope is None:
        raise reach.error("slope_m_per_m", f"missing; reach '{rid}' has a channel, and Manning's "
                                           "equation needs the bed slope (m per m, e.g. 0.001 for "
                                           "1 m/km); add slope_m_per_m to the reach")
    t.finish()
    return Channel(shape=shape, bottom_width_m=width, side_slope=side, manning_n=manning_n,
                   slope_m_per_m=slope)


def _read_reservoir(t: Table) -> Reservoir:
    rid = t.str("id")
    level = t.floats("level_m")
    n = len(level)
    area = [1e6 * a for a in t.floats("area_km2", length=n, minimum=0.0)]
    storage = [1e6 * v for v in t.floats("storage_mcm", length=n, minimum=0.0)]
    for key, values in (("level_m", level), ("area_km2", area), ("storage_mcm", storage)):
        if n < 2 or np.any(np.diff(values) <= 0) and key != "area_km2":
            raise t.error(key, "expected at least two strictly increasing values for the "
                               "level-area-storage curve")
        if key == "area_km2" and np.any(np.diff(values) < 0):
            raise t.error(key, "areas must not decrease with level")
    fsl = t.float("full_supply_level_m")
    if not level[0] <= fsl <= level[-1]:
        raise t.error("full_supply_level_m", f"{fsl} m lies outside the curve "
                                              f"({level[0]} to {level[-1]} m); extend the curve")
    dead = 1e6 * t.float("dead_storage_mcm", default=0.0, minimum=0.0)
    initial = 1e6 * t.float("initial_storage_mcm", minimum=0.0)
    if not storage[0] <= initial <= storage[-1]:
        raise t.error("initial_storage_mcm", "must lie within the storage curve")
    release = t.raw("target_release_m3_s")
    if isinstance(release, list):
        release = t.floats("target_release_m3_s", length=12, minimum=0.0)
    else:
        release = [t.float("target_release_m3_s", minimum=0.0)] * 12
    res = Reservoir(
        id=rid,
        name=t.str("name", default=rid),
        downstream=t.str("downstream", default=None),
        level_m=tuple(level),
        area_m2=tuple(area),
        storage_m3=tuple(storage),
        full_supply_level_m=fsl,
        dead_storage_m3=dead,
        initial_storage_m3=initial,
        target_release_m3_s=tuple(release),
        ecological_min_m3_s=t.float("ecological_min_m3_s", default=0.0, minimum=0.0),
    )
    t.finish()
    return res


def _read_place(t: Table, cls, **extra):
    """A section or gauge: id, name, reach and position (plus ``extra`` fields)."""
    pid = t.str("id")
    place = cls(id=pid, name=t.str("name", default=pid), reach=t.str("reach"),
                position=t.float("position", default=1.0, minimum=0.0, maximum=1.0), **extra)
    if place.position <= 0:
        raise t.error("position", "must be > 0 (a fraction of the reach length from its inlet)")
    t.finish()
    return place


def _read_section(t: Table) -> Section:
    return _read_place(t, Section)


def _read_gauge(t: Table) -> Gauge:
    return _read_place(t, Gauge, observed=t.raw("observed_discharge_m3_s", default=None))


def _check_topology(net: Network) -> None:
    """Unique ids, known downstream ids, one outlet, no cycles, sections on reaches."""
    where = net.source
    if not net.reaches:
        raise HydroError(f"{where}: the network has no reaches; add at least one [[reaches]] table")
    ids: dict[str, str] = {}
    for kind, elements in (("reach", net.reaches), ("reservoir", net.reservoirs)):
        for e in elements:
            if e.id in ids:
                raise HydroError(f"{where}: id '{e.id}' is used by more than one reach or reservoir; "
                                 "ids must be unique")
            ids[e.id] = kind
    for e in (*net.reaches, *net.reservoirs):
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
    down = {e.id: e.downstream for e in (*net.reaches, *net.reservoirs)}
    if len(topological_order(down)) < len(down):
        _raise_cycle(where, down)
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
        raise HydroError(f"{where}: section ids must be unique")
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


def _raise_cycle(where: str, down: dict) -> None:
    """Name the cycle reached first from the elements in input order (linear time).

    Elements upstream of a cycle are sorted by :func:`topological_order`, the
    cycle's are not; taking the sorted ones downstream first, each learns
    whether it drains into a cycle from the element below it.  The first element
    in input order that does is followed down to the cycle, which is named from
    the element where the walk enters it.
    """
    order = topological_order(down)
    into_cycle = {e: True for e in down}
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


def _build_layout(net: Network) -> Layout:
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
    downs = {n: (k, j) for n, (k, j) in zip(nodes, rk.tolist() + sk.tolist())}
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
        order=order, headwater=headwater, section_cell=np.zeros(0, dtype=np.int64),
        gauge_cell=np.zeros(0, dtype=np.int64),
    )
    sec_cells = np.array([layout.cell_at(reach_pos[s.reach], s.position) for s in net.sections],
                         dtype=np.int64)
    object.__setattr__(layout, "section_cell", sec_cells)
    object.__setattr__(layout, "gauge_cell", np.array(
        [layout.cell_at(reach_pos[g.reach], g.position) for g in net.gauges], dtype=np.int64))
    return layout
