"""Measure kinds: one class per kind, registered by its ``kind`` name.

Each kind is a :class:`~hydro.scenarios.kinds.base.MeasureKind` subclass that
declares its parameters and unit, reads and checks its ``[[measures]]`` table,
changes the basin's yearly source parameters and reports its costs.  To add a
kind, write a module here with its class (and a test), and add the class to
:data:`KINDS` below; the scenario language (``docs/scenarios.md``) lists it.  A kind
of one's own, outside hydro, is added with :func:`register_measure_kind`.
"""

from __future__ import annotations

from hydro.errors import HydroError, suggest
from hydro.scenarios.kinds.base import COMPOSITIONS, MeasureKind
from hydro.scenarios.kinds.buffers import ConstructedWetland, RiparianBuffer
from hydro.scenarios.kinds.ecological_release import EcologicalRelease
from hydro.scenarios.kinds.fertiliser import FertiliserReduction
from hydro.scenarios.kinds.land_conversion import Afforestation, ProtectionZone
from hydro.scenarios.kinds.manure import ManureManagement
from hydro.scenarios.kinds.rural_domestic import SewageConnection, ToiletUpgrade
from hydro.scenarios.kinds.wwtp import WwtpUpgrade
from hydro.tomlio import Table

#: Kind name -> the kind, in the order the documentation lists them.
KINDS: dict[str, MeasureKind] = {k.kind: k() for k in (
    SewageConnection, ToiletUpgrade, WwtpUpgrade, FertiliserReduction, ManureManagement,
    RiparianBuffer, ConstructedWetland, Afforestation, ProtectionZone, EcologicalRelease)}
#: The kinds hydro brings (a worker process has them without being told).
BUILTIN_MEASURE_KINDS = tuple(KINDS)


def register_measure_kind(kind: MeasureKind | type[MeasureKind]) -> MeasureKind:
    """Add a measure kind (a class or an instance) after the built-in ones; return the instance.

    Raises
    ------
    HydroError
        For a kind without a name, a name already taken, or a ``composition`` not in
        :data:`~hydro.scenarios.kinds.base.COMPOSITIONS` (a second measure of it on the same
        subbasins could not say how the two compose, nor what the second pays).
    """
    kind = kind() if isinstance(kind, type) else kind
    name = getattr(kind, "kind", "")
    if not isinstance(name, str) or not name:
        raise HydroError(f"measure kind {type(kind).__name__}: set its 'kind' name")
    if name in KINDS:
        raise HydroError(f"measure kind '{name}': a kind of that name is registered already ({', '.join(KINDS)})")
    composition = getattr(kind, "composition", None)
    if composition not in COMPOSITIONS:
        raise HydroError(f"measure kind '{name}': composition {composition!r}, expected one of {COMPOSITIONS} "
                         "(MeasureKind.composition says what each means)")
    for attr in ("unit", "effect"):
        if not isinstance(getattr(kind, attr, None), str):
            raise HydroError(f"measure kind '{name}': set its '{attr}' (a line of text)")
    KINDS[name] = kind
    return kind


def unregister_measure_kind(name: str) -> None:
    """Remove the measure kind ``name`` (tests that register a kind of their own remove it after)."""
    if name in BUILTIN_MEASURE_KINDS:
        raise HydroError(f"measure kind '{name}' is built in; only a kind registered later can be removed")
    KINDS.pop(name, None)


def read_kind(t: Table) -> MeasureKind:
    """The kind named by ``kind = "..."`` of table ``t``; an unknown name is an error naming the key."""
    kind = t.str("kind")
    if kind not in KINDS:
        raise t.error("kind", f"unknown measure kind '{kind}'" + suggest(kind, KINDS)
                      + f"; known: {', '.join(KINDS)}")
    return KINDS[kind]


__all__ = ["BUILTIN_MEASURE_KINDS", "KINDS", "MeasureKind", "read_kind", "register_measure_kind",
           "unregister_measure_kind"]
