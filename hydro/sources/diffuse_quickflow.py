"""Source ``diffuse_quickflow``: export from land carried by quick flow, one table per land-use class.

Load (kg/d) = sum over classes of share x EMC (mg/L) x quick flow (mm/d) x area
(km2), since ``1 mg/L x 1 mm/d x 1 km2 = 1 kg/d``; the kernel multiplies by the
day's quick flow (its ``quickflow`` column).  The classes also carry the soil
N surplus (fertiliser, manure, fixation, uptake) that feeds the groundwater
store (:mod:`hydro.sources.groundwater`) and the inventory's ``fertiliser``
and ``fixation``.  TP and CODMn are event-mean concentrations by class.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np

from hydro.errors import HydroError, suggest
from hydro.sources.blocks import (
    AREAL_RATE,
    FRACTION,
    TN_MG_L,
    Block,
    Yearly,
    at,
    named_table,
    table_names,
)
from hydro.sources.registry import SourceKind
from hydro.sources.yearly import Origin, YearSeries

if TYPE_CHECKING:
    from hydro.sources.quality_table import LandUseQuality, QualityTable
    from hydro.tomlio import Table


@dataclass(frozen=True)
class LandUse(Block):
    """One land-use class of a subbasin: quick-flow export and soil N surplus.

    Attributes
    ----------
    name : str
        Class name (the TOML key), e.g. ``cropland``.
    share : yearly, 1
        Share of the subbasin area, [0, 1]; the shares of a subbasin sum to 1.
    emc_mg_per_l : yearly, mg/L
        Event-mean TN concentration of quick flow from this class.
    fertiliser_kg_per_ha_yr, manure_kg_per_ha_yr, fixation_kg_per_ha_yr : yearly, kg N/ha/yr
        N applied as mineral fertiliser and manure, and biologically fixed.
    uptake_kg_per_ha_yr : yearly, kg N/ha/yr
        N removed with the harvested crop.
    deposition_kg_per_ha_yr : yearly, kg N/ha/yr, optional
        Atmospheric deposition on this class; default the subbasin's
        ``deposition.land_rate_kg_per_ha_yr``.
    """

    name: str
    share: Yearly
    emc_mg_per_l: Yearly
    fertiliser_kg_per_ha_yr: Yearly = 0.0
    manure_kg_per_ha_yr: Yearly = 0.0
    fixation_kg_per_ha_yr: Yearly = 0.0
    uptake_kg_per_ha_yr: Yearly = 0.0
    deposition_kg_per_ha_yr: Yearly | None = None
    origin: Origin = field(default=Origin(), compare=False, repr=False)

    _YEARLY: ClassVar[dict[str, dict]] = {
        "share": FRACTION, "emc_mg_per_l": TN_MG_L, "fertiliser_kg_per_ha_yr": AREAL_RATE,
        "manure_kg_per_ha_yr": AREAL_RATE, "fixation_kg_per_ha_yr": AREAL_RATE, "uptake_kg_per_ha_yr": AREAL_RATE,
        "deposition_kg_per_ha_yr": AREAL_RATE}

    @property
    def has_surplus_terms(self) -> bool:
        """Whether any fertiliser, manure or fixation is given."""
        terms = (self.fertiliser_kg_per_ha_yr, self.manure_kg_per_ha_yr, self.fixation_kg_per_ha_yr)
        return any(isinstance(s, YearSeries) and s.high > 0 for s in terms)


def _class(table: QualityTable, name: str, sub) -> LandUseQuality:
    if name not in table.land_use:
        raise HydroError(f"{table.path or 'quality table'}: subbasin '{sub.subbasin}' has land-use class "
                         f"'{name}', which has no [land_use.{name}] in the table" + suggest(name, table.land_use)
                         + f"; add it (known: {', '.join(table.land_use)}) or rename the class")
    return table.land_use[name]


def quickflow_quality(table: QualityTable, sub, years: np.ndarray):
    """Yearly TN split, TP EMC (mg/L), particulate share and CODMn EMC (mg/L) of a subbasin's quick flow.

    The split weights each class by its share of the quick-flow TN (share x TN EMC); by area
    where no class carries TN; all nitrate where there is no land use (the TN is then 0).
    """
    n = len(years)
    split, split_area = np.zeros((n, 3)), np.zeros((n, 3))
    w_tn, w_area, tp, pp, cod = np.zeros(n), np.zeros(n), np.zeros(n), np.zeros(n), np.zeros(n)
    for lu in sub.land_use:
        q = _class(table, lu.name, sub)
        sh = at(lu.share, years)
        w = sh * at(lu.emc_mg_per_l, years)
        shares = np.array(q.tn.as_tuple())
        w_tn, split = w_tn + w, split + w[:, None] * shares
        w_area, split_area = w_area + sh, split_area + sh[:, None] * shares
        tp, pp = tp + sh * q.tp_emc_mg_per_l, pp + sh * q.tp_emc_mg_per_l * q.pp_share
        cod = cod + sh * q.codmn_emc_mg_per_l
    by_area = np.where(w_area[:, None] > 0, split_area / np.where(w_area > 0, w_area, 1.0)[:, None], [0.0, 0.0, 1.0])
    out = np.where(w_tn[:, None] > 0, split / np.where(w_tn > 0, w_tn, 1.0)[:, None], by_area)
    return out, tp, np.where(tp > 0, pp / np.where(tp > 0, tp, 1.0), 0.0), cod


class DiffuseQuickflowSourceKind(SourceKind):
    """Event-mean concentrations of the land-use classes on quick flow (the kernel's ``quickflow`` column)."""

    name = "diffuse_quickflow"
    key = "land_use"
    empty = ()
    read_rank = 0
    delivery = "quickflow"
    input_categories: ClassVar[dict[str, int]] = {"fertiliser": 0, "fixation": 1}

    def read(self, src: Table, origin: Origin) -> Any:
        return tuple(LandUse.read(named_table(src, self.key, name), origin.child(f"{self.key}.{name}"), name=name)
                     for name in table_names(src, self.key, origin))

    def rates(self, sub, years, days, area_km2):
        """``emc_mg_per_l``: the area-weighted event-mean TN concentration of quick flow."""
        emc = np.zeros(len(years))
        for lu in sub.land_use:
            emc += at(lu.share, years) * at(lu.emc_mg_per_l, years)
        return {"emc_mg_per_l": emc}

    def inputs(self, sub, years, days, ha, out):
        for lu in sub.land_use:
            share = at(lu.share, years) * ha
            out["fertiliser"] += share * at(lu.fertiliser_kg_per_ha_yr, years)
            out["fixation"] += share * at(lu.fixation_kg_per_ha_yr, years)

    def quality(self, table: QualityTable, sub, years: np.ndarray, days: np.ndarray) -> dict[str, np.ndarray]:
        q = super().quality(table, sub, years, days)
        q["share"], q["tp_mg_per_l"], q["pp"], q["cod_mg_per_l"] = quickflow_quality(table, sub, years)
        return q
