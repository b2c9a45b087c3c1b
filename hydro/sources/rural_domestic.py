"""Source ``rural_domestic``: rural domestic sewage.

Load (kg/d) = population x per-capita N (g/d) x 1e-3 x (1 - connected share x
treatment removal) x delivery fraction; with ``effluent_delivery_fraction`` the
connected's treated effluent reaches the reach at that share instead (a sewer's
outfall delivers most of it, scattered sewage little): x ((1 - connected) x
delivery + connected x (1 - removal) x effluent delivery).  TP and CODCr (as
CODMn) follow the same people with the regional table's per-capita values.  A
scattered source: ``delivery_timing`` (runoff, wash-off) applies to it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np

from hydro.sources.blocks import FRACTION, NONNEG, PER_CAPITA_N, Block, Yearly, at, block_table
from hydro.sources.registry import SourceKind
from hydro.sources.yearly import Origin

if TYPE_CHECKING:
    from hydro.sources.quality_table import QualityTable
    from hydro.tomlio import Table


@dataclass(frozen=True)
class RuralDomestic(Block):
    """Rural domestic sewage.

    Attributes
    ----------
    population : yearly, persons
        Rural resident population.
    per_capita_n_g_per_day : yearly, g N/person/d
        N in domestic sewage per person.
    connected_share : yearly, 1
        Share of the population connected to treatment, [0, 1].
    treatment_removal : yearly, 1
        Share of N removed by that treatment, [0, 1].
    delivery_fraction : yearly, 1
        Share of the untreated (and, without ``effluent_delivery_fraction``, the treated) N that
        reaches the reach, [0, 1].
    effluent_delivery_fraction : yearly, 1, optional
        Share of the connected population's treated effluent N that reaches the reach, [0, 1];
        None: ``delivery_fraction`` (the effluent delivered as the scattered sewage).
    """

    population: Yearly
    per_capita_n_g_per_day: Yearly
    delivery_fraction: Yearly
    connected_share: Yearly = 0.0
    treatment_removal: Yearly = 0.0
    effluent_delivery_fraction: Yearly | None = None
    origin: Origin = field(default=Origin(), compare=False, repr=False)

    _YEARLY: ClassVar[dict[str, dict]] = {
        "population": NONNEG, "per_capita_n_g_per_day": PER_CAPITA_N, "delivery_fraction": FRACTION,
        "connected_share": FRACTION, "treatment_removal": FRACTION, "effluent_delivery_fraction": FRACTION}


def delivered(rd: RuralDomestic, years: np.ndarray, lead: np.ndarray) -> np.ndarray:
    """``lead`` (per person, per year) times the share of a person's N that reaches the reach:
    ``(1 - c r) d``, or ``(1 - c) d + c (1 - r) e`` with an ``effluent_delivery_fraction`` e
    (``c`` connected share, ``r`` treatment removal, ``d`` delivery fraction)."""
    c, r, d = at(rd.connected_share, years), at(rd.treatment_removal, years), at(rd.delivery_fraction, years)
    if rd.effluent_delivery_fraction is None:
        return lead * (1.0 - c * r) * d  # the order of the products of the model before the key (same round-off)
    return lead * ((1.0 - c) * d + c * (1.0 - r) * at(rd.effluent_delivery_fraction, years))


class RuralDomesticSourceKind(SourceKind):
    """Rural domestic sewage of a subbasin's resident population."""

    name = "rural_domestic"
    key = "rural_domestic"
    read_rank = 4
    scattered = True
    input_categories: ClassVar[dict[str, int]] = {"rural_domestic": 4}

    def read(self, src: Table, origin: Origin) -> Any:
        return RuralDomestic.read(block_table(src, self.key, origin), origin.child(self.key))

    def rates(self, sub, years, days, area_km2):
        rd = sub.rural_domestic
        if rd is None:
            return {self.name: np.zeros(len(years))}
        return {self.name: delivered(rd, years, at(rd.population, years) * at(rd.per_capita_n_g_per_day, years)
                                     * 1e-3)}

    def inputs(self, sub, years, days, ha, out):
        rd = sub.rural_domestic
        if rd is not None:
            out["rural_domestic"] += at(rd.population, years) * at(rd.per_capita_n_g_per_day, years) * 1e-3 * days

    def quality(self, table: QualityTable, sub, years: np.ndarray, days: np.ndarray) -> dict[str, np.ndarray]:
        q = super().quality(table, sub, years, days)
        rdq = table.rural_domestic
        q["share"][:] = rdq.tn.as_tuple()
        q["pp"][:] = rdq.pp_share
        rd = sub.rural_domestic
        if rd is not None:
            persons = delivered(rd, years, at(rd.population, years)) * 1e-3
            q["tp"] = persons * rdq.per_capita_p_g_per_day * rdq.p_delivery_ratio
            q["cod"] = persons * rdq.per_capita_codcr_g_per_day * table.codmn_per_codcr
        return q
