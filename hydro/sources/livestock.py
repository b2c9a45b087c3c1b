"""Source ``livestock``: livestock excreta, one table per animal type.

Load (kg/d) = sum over types of head x excretion (kg N/head/yr) x ((1 - managed
share) x loss fraction + managed share x managed loss fraction) / days in the
year; TP and CODCr (as CODMn) per head from the regional table.  A scattered
source: ``delivery_timing`` (runoff, wash-off) applies to it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np

from hydro.errors import HydroError, suggest
from hydro.sources.blocks import (
    EXCRETION_KG_PER_HEAD_YR,
    FRACTION,
    NONNEG,
    Block,
    Yearly,
    at,
    named_table,
    table_names,
)
from hydro.sources.registry import SourceKind
from hydro.sources.yearly import Origin

if TYPE_CHECKING:
    from hydro.sources.quality_table import LivestockKind, QualityTable
    from hydro.tomlio import Table


@dataclass(frozen=True)
class Livestock(Block):
    """One livestock type.

    Attributes
    ----------
    name : str
        Type (the TOML key), e.g. ``pig``.
    head : yearly, head
        Animals present (annual mean stock).
    excretion_kg_per_head_yr : yearly, kg N/head/yr
        N excreted per animal per year.
    loss_fraction : yearly, 1
        Share of unmanaged excreta N that reaches the reach, [0, 1].
    managed_share : yearly, 1
        Share of excreta handled by manure management, [0, 1].
    managed_loss_fraction : yearly, 1
        Share of managed excreta N that reaches the reach, [0, 1].
    """

    name: str
    head: Yearly
    excretion_kg_per_head_yr: Yearly
    loss_fraction: Yearly
    managed_share: Yearly = 0.0
    managed_loss_fraction: Yearly = 0.0
    origin: Origin = field(default=Origin(), compare=False, repr=False)

    _YEARLY: ClassVar[dict[str, dict]] = {
        "head": NONNEG, "excretion_kg_per_head_yr": EXCRETION_KG_PER_HEAD_YR, "loss_fraction": FRACTION,
        "managed_share": FRACTION, "managed_loss_fraction": FRACTION}


def _kind(table: QualityTable, name: str, sub) -> LivestockKind:
    kinds = table.livestock.kinds
    if name not in kinds:
        raise HydroError(f"{table.path or 'quality table'}: subbasin '{sub.subbasin}' has livestock "
                         f"'{name}', which has no [livestock.kinds.{name}] in the table" + suggest(name, kinds)
                         + f"; add it (known: {', '.join(kinds)})")
    return kinds[name]


class LivestockSourceKind(SourceKind):
    """Livestock excreta reaching the reach, summed over the animal types."""

    name = "livestock"
    key = "livestock"
    empty = ()
    read_rank = 1
    scattered = True
    input_categories: ClassVar[dict[str, int]] = {"livestock": 3}

    def read(self, src: Table, origin: Origin) -> Any:
        return tuple(Livestock.read(named_table(src, self.key, name), origin.child(f"{self.key}.{name}"), name=name)
                     for name in table_names(src, self.key, origin))

    def rates(self, sub, years, days, area_km2):
        out = np.zeros(len(years))
        for lv in sub.livestock:
            m = at(lv.managed_share, years)
            out += (at(lv.head, years) * at(lv.excretion_kg_per_head_yr, years)
                    * ((1.0 - m) * at(lv.loss_fraction, years) + m * at(lv.managed_loss_fraction, years))) / days
        return {self.name: out}

    def inputs(self, sub, years, days, ha, out):
        for lv in sub.livestock:
            out["livestock"] += at(lv.head, years) * at(lv.excretion_kg_per_head_yr, years)

    def quality(self, table: QualityTable, sub, years: np.ndarray, days: np.ndarray) -> dict[str, np.ndarray]:
        q = super().quality(table, sub, years, days)
        q["share"][:] = table.livestock.tn.as_tuple()
        q["pp"][:] = table.livestock.pp_share
        for lv in sub.livestock:
            kind = _kind(table, lv.name, sub)
            m = at(lv.managed_share, years)
            heads = at(lv.head, years) * ((1.0 - m) * at(lv.loss_fraction, years)
                                          + m * at(lv.managed_loss_fraction, years)) / days
            q["tp"] += heads * kind.p_kg_per_head_yr * table.livestock.p_delivery_ratio
            q["cod"] += heads * kind.codcr_kg_per_head_yr * table.codmn_per_codcr
        return q
