"""The built-in source kinds, registered in the order of the results' ``source`` coordinate.

``diffuse_quickflow, groundwater, rural_domestic, livestock, point, deposition``:
one module each (:mod:`hydro.sources.diffuse_quickflow`, ...), each with its
parameter blocks and its :class:`~hydro.sources.registry.SourceKind`.  Importing
this module registers them; the loads code imports it, so they are always
there before any kind a user registers (which come after them).
"""

from __future__ import annotations

from hydro.sources.deposition import DepositionSourceKind
from hydro.sources.diffuse_quickflow import DiffuseQuickflowSourceKind
from hydro.sources.groundwater import GroundwaterSourceKind
from hydro.sources.livestock import LivestockSourceKind
from hydro.sources.point import PointSourceKind
from hydro.sources.registry import SourceKind, kinds, register
from hydro.sources.rural_domestic import RuralDomesticSourceKind

#: The built-in kinds, in source order.
BUILTIN_KINDS: tuple[type[SourceKind], ...] = (
    DiffuseQuickflowSourceKind, GroundwaterSourceKind, RuralDomesticSourceKind, LivestockSourceKind,
    PointSourceKind, DepositionSourceKind)

if not kinds():
    for _kind in BUILTIN_KINDS:
        register(_kind)
