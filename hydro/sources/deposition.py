"""Source ``deposition``: atmospheric N deposition on reservoir and river surfaces.

Load (kg/d) = rate (kg N/ha/yr) x water area (km2) x 100 / days in the year.
Its table ``[subbasins.sources.deposition]`` also gives the deposition on land
(:func:`land_deposition`), an input of the soil surplus that feeds the
groundwater store (:mod:`hydro.sources.groundwater`), and the oxidised part
that labels the inventory (category ``deposition_oxidised``).

Area rule: the land-use shares are shares of the subbasin's whole ``area_km2``,
and the water surface ``water_area_km2`` is part of that area, not on top of it.
It lies in the land-use class named ``water`` (:data:`WATER_CLASS`) up to that
class's area; what does not fit (all of it without such a class) lies in the
other classes in proportion to their shares (:func:`land_fractions`).  The water
rate falls on the water surface, the land rate (or a class's own
``deposition_kg_per_ha_yr``) on each class's area less the water surface in it,
so the areas deposition is counted on add up to the subbasin's area
(:func:`counted_surfaces`).  The classes' other per-hectare rates (fertiliser,
manure, fixation, uptake, EMC) are the class's own and act on its whole share.
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
        Area of reservoir and river surfaces in the subbasin, part of its ``area_km2``
        (in the ``water`` land-use class first: module docstring); the land rate falls on the rest.
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


#: The land-use class whose area holds the water surface first (:func:`land_fractions`).
WATER_CLASS = "water"


def is_water_class(lu) -> bool:
    """Whether land-use class ``lu`` is the :data:`WATER_CLASS`.  In a stacked group
    (:mod:`hydro.sources.stacked`, whose structure includes this flag) a name that differs
    between the group's subbasins is not a string: the class is then not the water class in any."""
    return isinstance(lu.name, str) and lu.name == WATER_CLASS


def land_fractions(sub, years: np.ndarray, area_km2) -> list[np.ndarray]:
    """Share of each land-use class's area that is land, not water surface (1) [n_class][n_year].

    The water surface ``w`` (``water_area_km2 / area_km2``) fills the class named ``water``
    (share ``s_w``) first: ``min(w, s_w)`` of the subbasin; the rest, ``w - min(w, s_w)``, is
    spread over the other classes in proportion to their shares (a share ``r / (1 - s_w)`` of
    each).  Without a ``[deposition]`` table every class is all land.

    Parameters
    ----------
    sub : SubbasinSources
        The subbasin (or a stacked group's stand-in).
    years : ndarray [n_year]
        Calendar years.
    area_km2 : float or ndarray [n_year]
        The subbasin's area, km2.
    """
    n = len(years)
    shares = [at(lu.share, years) for lu in sub.land_use]
    if sub.deposition is None:
        return [np.ones(n) for _ in shares]
    water = np.minimum(at(sub.deposition.water_area_km2, years) / area_km2, 1.0)
    w_class = next((i for i, lu in enumerate(sub.land_use) if is_water_class(lu)), None)
    in_class = np.zeros(n) if w_class is None else np.minimum(water, shares[w_class])
    others = 1.0 - (0.0 if w_class is None else shares[w_class])
    spread = np.divide(water - in_class, others, out=np.zeros(n), where=others > 0.0)
    out = []
    for i, share in enumerate(shares):
        wet = spread if i != w_class else np.divide(in_class, share, out=np.zeros(n), where=share > 0.0)
        out.append(np.clip(1.0 - wet, 0.0, 1.0))
    return out


def land_deposition(sub, years: np.ndarray) -> np.ndarray:
    """Deposition on land (kg N/ha/yr) [n_year]: ``land_rate_kg_per_ha_yr``, else the water rate; 0 without a table."""
    dep = sub.deposition
    if dep is None:
        return np.zeros(len(years))
    if dep.land_rate_kg_per_ha_yr is None:
        return at(dep.rate_kg_per_ha_yr, years)
    return at(dep.land_rate_kg_per_ha_yr, years)


def counted_surfaces(sub, years: np.ndarray, ha) -> list[tuple[np.ndarray, np.ndarray]]:
    """The surfaces the deposition is counted on: (area in ha, rate in kg N/ha/yr) [n_year] each.

    Each land-use class's land (its share of ``ha`` times :func:`land_fractions`) at its own
    ``deposition_kg_per_ha_yr`` or the land rate (the whole land, ``ha`` less the water, without
    classes), then the water surface at ``rate_kg_per_ha_yr``.  The areas add up to ``ha``
    (``water_area_km2`` at most the subbasin's area: :func:`check_water_area`).  Empty without a
    ``[deposition]`` table.

    Parameters
    ----------
    sub : SubbasinSources
    years : ndarray [n_year]
    ha : float or ndarray [n_year]
        The subbasin's area, ha.
    """
    dep = sub.deposition
    if dep is None:
        return []
    land_rate = land_deposition(sub, years)
    water_ha = at(dep.water_area_km2, years) * HA_PER_KM2
    fractions = land_fractions(sub, years, ha / HA_PER_KM2)
    out: list[tuple[Any, np.ndarray]] = [
        (at(lu.share, years) * ha * f, land_rate if lu.deposition_kg_per_ha_yr is None
         else at(lu.deposition_kg_per_ha_yr, years)) for lu, f in zip(sub.land_use, fractions, strict=True)]
    if not out:
        out.append((np.maximum(ha - water_ha, 0.0), land_rate))
    out.append((water_ha, at(dep.rate_kg_per_ha_yr, years)))
    return out


def deposition_inputs(sub, years: np.ndarray, ha: float) -> tuple[np.ndarray, np.ndarray]:
    """Deposition counted on land (class or land rate) and water (kg/yr), on the surfaces of
    :func:`counted_surfaces`, and its oxidised part (``oxidised_kg_per_ha_yr`` where given, at
    most the rate counted there)."""
    dep, n = sub.deposition, len(years)
    if dep is None:
        return np.zeros(n), np.zeros(n)
    ox = None if dep.oxidised_kg_per_ha_yr is None else at(dep.oxidised_kg_per_ha_yr, years)
    counted, oxidised = np.zeros(n), np.zeros(n)
    for area, rate in counted_surfaces(sub, years, ha):
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
