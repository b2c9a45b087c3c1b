"""Measure kinds: one class per kind, registered by its ``kind`` name.

Each kind is a :class:`~hydro.scenarios.kinds.base.MeasureKind` subclass that
declares its parameters and unit, reads and checks its ``[[measures]]`` table,
changes the basin's yearly source parameters and reports its costs.  To add a
kind, write a module here with its class (and a test), and add the class to
:data:`KINDS` below; the scenario language (``docs/scenarios.md``) lists it.
"""

from __future__ import annotations

from hydro.errors import suggest
from hydro.scenarios.kinds.base import MeasureKind
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


def read_kind(t: Table) -> MeasureKind:
    """The kind named by ``kind = "..."`` of table ``t``; an unknown name is an error naming the key."""
    kind = t.str("kind")
    if kind not in KINDS:
        raise t.error("kind", f"unknown measure kind '{kind}'" + suggest(kind, KINDS)
                      + f"; known: {', '.join(KINDS)}")
    return KINDS[kind]


__all__ = ["KINDS", "MeasureKind", "read_kind"]
