"""Source ``deposition``: atmospheric N deposition on reservoir and river surfaces.

Load (kg/d) = rate (kg N/ha/yr) x water area (km2) x 100 / days in the year.
Its table ``[subbasins.sources.deposition]`` also gives the deposition on land
(:func:`land_deposition`), an input of the soil surplus that feeds the
groundwater store (:mod:`hydro.sources.groundwater`), and the oxidised part
that labels the inventory (category ``deposition_oxidised``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np

from hydro.sources.blocks import AREAL_RATE, NONNEG, Block, Yearly, at, block_table
from hydro.sources.registry import SourceKind
from hydro.sources.yearly import Origin
from hydro.units import HA_PER_KM2

if TYPE_CHECKING:
    from hydro.sources.quality_table import QualityTable
    from hydro.tomlio import Table


@dataclass(frozen=True)
class Deposition(Block):
    """Atmospheric N deposition (wet and dry).

    Attributes
    ----------
    rate_kg_per_ha_yr : yearly, kg N/ha/yr
        Deposition on water surfaces (delivered directly as source ``deposition``).
    water_area_km2 : yearly, km2
        Area of reservoir and river surfaces in the subbasin.
    land_rate_kg_per_ha_yr : yearly, kg N/ha/yr, optional
        Deposition on land, an input of the soil N surplus; default ``rate_kg_per_ha_yr``.
    oxidised_kg_per_ha_yr : yearly, kg N/ha/yr, optional
        The oxidised (NOy) part of the deposition, the "new" N from outside that
        NANI counts (Howarth et al. 1996).  It only labels the inventory
        (:func:`hydro.sources.gross_inputs` reports it as ``deposition_oxidised``,
        the rest of the counted deposition as ``deposition``); the loads use
        ``rate_kg_per_ha_yr`` and ``land_rate_kg_per_ha_yr``.  Default: not known
        (all deposition is reported as ``deposition``).
    """

    rate_kg_per_ha_yr: Yearly
    water_area_km2: Yearly
    land_rate_kg_per_ha_yr: Yearly | None = None
    oxidised_kg_per_ha_yr: Yearly | None = None
    origin: Origin = field(default=Origin(), compare=False, repr=False)

    _YEARLY: ClassVar[dict[str, dict]] = {
        "rate_kg_per_ha_yr": AREAL_RATE, "water_area_km2": NONNEG, "land_rate_kg_per_ha_yr": AREAL_RATE,
        "oxidised_kg_per_ha_yr": AREAL_RATE}


def land_deposition(sub, years: np.ndarray) -> np.ndarray:
    """Deposition on land (kg N/ha/yr) [n_year]: ``land_rate_kg_per_ha_yr``, else the water rate; 0 without a table."""
    dep = sub.deposition
    if dep is None:
        return np.zeros(len(years))
    if dep.land_rate_kg_per_ha_yr is None:
        return at(dep.rate_kg_per_ha_yr, years)
    return at(dep.land_rate_kg_per_ha_yr, years)


def deposition_inputs(sub, years: np.ndarray, ha: float) -> tuple[np.ndarray, np.ndarray]:
    """Deposition counted on land (class or land rate) and water (kg/yr), and its oxidised part
    (``oxidised_kg_per_ha_yr`` where given, at most the rate counted there)."""
    dep, n = sub.deposition, len(years)
    if dep is None:
        return np.zeros(n), np.zeros(n)
    land_rate = land_deposition(sub, years)
    ox = None if dep.oxidised_kg_per_ha_yr is None else at(dep.oxidised_kg_per_ha_yr, years)
    classes: list[tuple[Any, np.ndarray]] = [(at(lu.share, years) * ha, land_rate if lu.deposition_kg_per_ha_yr is None
                else at(lu.deposition_kg_per_ha_yr, years)) for lu in sub.land_use] or [(ha, land_rate)]
    classes.append((at(dep.water_area_km2, years) * HA_PER_KM2, at(dep.rate_kg_per_ha_yr, years)))
    counted, oxidised = np.zeros(n), np.zeros(n)
    for area, rate in classes:
        counted += area * rate
        if ox is not None:
            oxidised += area * np.minimum(ox, rate)
    return counted, oxidised


def check_water_area(sub, area_km2: float) -> None:
    """Refuse deposition on more water than the subbasin holds (``water_area_km2`` above its ``area_km2``:
    hectares written as km2 put 100 times the deposition on the lake, TN 7 times too high, without a word)."""
    dep = sub.deposition
    if dep is not None and max(dep.water_area_km2.values) > area_km2:
        raise dep.origin.error("water_area_km2", f"{max(dep.water_area_km2.values):g} km2 of water in a subbasin of "
                                                 f"{area_km2:g} km2; the key is in km2 (1 km2 = 100 ha)")


class DepositionSourceKind(SourceKind):
    """Deposition on water surfaces, delivered directly at a constant (or blended) rate."""

    name = "deposition"
    key = "deposition"
    read_rank = 5
    input_categories: ClassVar[dict[str, int]] = {"deposition": 2, "deposition_oxidised": 6}

    def read(self, src: Table, origin: Origin) -> Any:
        return Deposition.read(block_table(src, self.key, origin), origin.child(self.key))

    def rates(self, sub, years, days, area_km2):
        dep = sub.deposition
        if dep is None:
            return {self.name: np.zeros(len(years))}
        return {self.name: at(dep.rate_kg_per_ha_yr, years) * at(dep.water_area_km2, years) * HA_PER_KM2 / days}

    def inputs(self, sub, years, days, ha, out):
        counted, oxidised = deposition_inputs(sub, years, ha)
        out["deposition"] += counted - oxidised
        out["deposition_oxidised"] += oxidised

    def quality(self, table: QualityTable, sub, years: np.ndarray, days: np.ndarray) -> dict[str, np.ndarray]:
        q = super().quality(table, sub, years, days)
        q["share"][:] = table.deposition.tn.as_tuple()
        q["pp"][:] = table.deposition.pp_share
        if sub.deposition is not None:
            water_ha = at(sub.deposition.water_area_km2, years) * HA_PER_KM2
            q["tp"] = table.deposition.tp_kg_per_ha_yr * water_ha / days
        return q
