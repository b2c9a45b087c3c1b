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

The elements are :mod:`hydro.network_elements`, reading them from a basin file
:mod:`hydro.network_tables`, the checks and the layout :mod:`hydro.network_layout`
(re-exported here).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from hydro.errors import HydroError, suggest
from hydro.network_elements import Gauge as Gauge
from hydro.network_elements import Reach as Reach
from hydro.network_elements import Reservoir as Reservoir
from hydro.network_elements import Section as Section
from hydro.network_layout import DOWN_OUTLET as DOWN_OUTLET
from hydro.network_layout import DOWN_REACH as DOWN_REACH
from hydro.network_layout import DOWN_RESERVOIR as DOWN_RESERVOIR
from hydro.network_layout import Layout, build_layout, check_topology
from hydro.network_layout import topological_order as topological_order
from hydro.network_tables import read_gauge, read_reach, read_reservoir, read_section
from hydro.tomlio import Table


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
        check_topology(self)

    # ---- reading ----------------------------------------------------------------
    @classmethod
    def from_tables(cls, root: Table, default_cell_length_m: float = 2000.0, counties=None) -> Network:
        """Read ``[[reaches]]``, ``[[reservoirs]]`` and ``[[sections]]`` from a basin file (``counties``: its
        ``[[counties]]`` registry, county id -> (name, province, area km2 or None); a reservoir's county is
        checked against it, or without one against the subbasins' counties:
        :func:`hydro.reservoir_location.known_counties`)."""
        from hydro.reservoir_location import known_counties

        known, where = known_counties(counties or {}, root.tables("subbasins", default=[]))
        reaches = tuple(read_reach(t, default_cell_length_m) for t in root.tables("reaches"))
        reservoirs = tuple(read_reservoir(t, known, where) for t in root.tables("reservoirs", default=[]))
        sections = tuple(read_section(t) for t in root.tables("sections", default=[]))
        gauges = tuple(read_gauge(t) for t in root.tables("gauges", default=[]))
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
    def layout(self) -> Layout:
        """The flat arrays the kernels use."""
        return build_layout(self)

    @cached_property
    def terminal_reservoirs(self) -> list[str]:
        """Ids of the reservoirs with no reservoir anywhere downstream (the foot of each cascade).

        Walks the layout's order from the outlet up: an element lies above a reservoir when
        the element it flows into is a reservoir or lies above one.
        """
        lay = self.layout
        down = {DOWN_REACH: (lay.reach_down_kind, lay.reach_down_index),
                DOWN_RESERVOIR: (lay.res_down_kind, lay.res_down_index)}
        above: dict[tuple[int, int], bool] = {}
        for kind, i in reversed(lay.order):
            dk, di = int(down[kind][0][i]), int(down[kind][1][i])
            above[(kind, i)] = dk == DOWN_RESERVOIR or (dk != DOWN_OUTLET and above[(dk, di)])
        return [r.id for i, r in enumerate(self.reservoirs) if not above[(DOWN_RESERVOIR, i)]]


