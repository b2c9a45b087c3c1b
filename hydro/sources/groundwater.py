"""Source ``groundwater``: legacy N released from a groundwater store.

The store is fed by the leached share of the positive soil N surplus of the
land-use classes (fertiliser + manure + deposition on land, not on the water
surface in a class, + fixation - uptake, kg N/ha/yr) and obeys ``dN/dt = I - N / tau``, integrated exactly per day by
the kernel (:mod:`hydro._sources_kernels`); its timing (``store``,
``baseflow``, ``flow``) is the table's ``timing``.  TP and CODMn are base-flow
concentrations x base flow.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np

from hydro.errors import suggest
from hydro.sources.blocks import FRACTION, RESIDENCE_YEARS, Block, Yearly, at, block_table, read_str
from hydro.sources.deposition import land_deposition, land_fractions
from hydro.sources.registry import SourceKind
from hydro.sources.yearly import Origin
from hydro.units import HA_PER_KM2

if TYPE_CHECKING:
    from hydro.sources.quality_table import QualityTable
    from hydro.tomlio import Table

#: Groundwater timing options.
GROUNDWATER_TIMINGS = ("store", "baseflow", "flow")
#: Days per year used to convert the residence time to days.
DAYS_PER_YEAR_TAU = 365.25
#: Residence time used for a subbasin without a store (no input, empty store), d.
_NO_STORE_TAU_DAYS = DAYS_PER_YEAR_TAU


@dataclass(frozen=True)
class Groundwater(Block):
    """The groundwater store of legacy nitrogen.

    Attributes
    ----------
    leaching_fraction : yearly, 1
        Share of the positive soil N surplus that reaches the store, [0, 1].
    residence_years : yearly, yr
        Mean residence time tau of N in the store, > 0.
    initial_kg : float, optional
        Store content on the first day (kg); default the steady state
        ``I tau`` for the first day's input.
    timing : {"store", "baseflow", "flow"}
        Deliver the store's release as it leaves (``store``), redistributed
        within each calendar year in proportion to base flow (``baseflow``), or
        let the store drain with the day's base flow (``flow``,
        :mod:`hydro.sources.timing`).
    """

    leaching_fraction: Yearly
    residence_years: Yearly
    initial_kg: float | None = None
    timing: str = "store"
    origin: Origin = field(default=Origin(), compare=False, repr=False)

    _YEARLY: ClassVar[dict[str, dict]] = {
        "leaching_fraction": FRACTION, "residence_years": RESIDENCE_YEARS}
    _PLAIN: ClassVar[tuple[str, ...]] = ("initial_kg", "timing")

    def __post_init__(self):
        super().__post_init__()
        if self.timing not in GROUNDWATER_TIMINGS:
            raise self.origin.error("timing", f"expected one of {GROUNDWATER_TIMINGS}, got {self.timing!r}"
                                    + suggest(str(self.timing), GROUNDWATER_TIMINGS))
        if self.initial_kg is not None:
            v = self.initial_kg
            if isinstance(v, bool) or not isinstance(v, (int, float)) or not np.isfinite(v) or v < 0:
                raise self.origin.error("initial_kg", f"expected a finite number >= 0 kg, got {v!r}")
            object.__setattr__(self, "initial_kg", float(v))

    @classmethod
    def _read_plain(cls, table, origin):
        out = {"timing": read_str(table, origin, "timing", "store", required=False)}
        if table.has("initial_kg"):
            out["initial_kg"] = table.raw("initial_kg")
        return out


def soil_classes(sub, years: np.ndarray, area_km2) -> list[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]]:
    """Each land-use class's soil N balance: (share (1), applied, uptake, manure (kg N/ha/yr of the class))
    [n_year] each, applied = (fertiliser + manure) x (1 - ``surface_fraction``) + deposition on its land +
    fixation; ``manure`` is all the class's (the excreta spread, on the soil or the surface).

    A class's deposition falls on its land only (:func:`hydro.sources.deposition.land_fractions`:
    the water surface in it takes the water rate, delivered by source ``deposition``), so it enters
    per hectare of the class times its land fraction; ``area_km2`` (km2, float or [n_year]) is the
    subbasin's area.  The one reading of the classes for :func:`surplus` and the land budget
    (:mod:`hydro.land_budget`).
    """
    land_dep = land_deposition(sub, years)
    soil = 1.0 - sub.surface_fraction  # the rest lies on the surface, in the wash-off store
    out = []
    for lu, land in zip(sub.land_use, land_fractions(sub, years, area_km2), strict=True):
        d = (land_dep if lu.deposition_kg_per_ha_yr is None else at(lu.deposition_kg_per_ha_yr, years)) * land
        manure = at(lu.manure_kg_per_ha_yr, years)
        fert = at(lu.fertiliser_kg_per_ha_yr, years)
        applied = (fert + manure) * soil + d + at(lu.fixation_kg_per_ha_yr, years) if soil < 1.0 else (
            fert + manure + d + at(lu.fixation_kg_per_ha_yr, years))  # bit for bit without a surface share
        out.append((at(lu.share, years), applied, at(lu.uptake_kg_per_ha_yr, years), manure))
    return out


def surplus(sub, years: np.ndarray, area_km2) -> np.ndarray:
    """Area-weighted positive soil N surplus of the land-use classes (kg N/ha/yr of the subbasin) [n_year]:
    Σ share x max(applied - uptake, 0) of :func:`soil_classes`."""
    out = np.zeros(len(years))
    for share, applied, uptake, _ in soil_classes(sub, years, area_km2):
        out += share * np.maximum(applied - uptake, 0.0)
    return out


class GroundwaterSourceKind(SourceKind):
    """The release of the groundwater store (the kernel's ``store`` column)."""

    name = "groundwater"
    key = "groundwater"
    read_rank = 3
    delivery = "store"

    def read(self, src: Table, origin: Origin) -> Any:
        return Groundwater.read(block_table(src, self.key, origin), origin.child(self.key))

    def rates(self, sub, years, days, area_km2):
        """``gw_input_kg_d`` (leached surplus, kg/d), ``tau_days`` and ``surplus_kg_per_ha_yr``."""
        n = len(years)
        s = surplus(sub, years, area_km2)
        gw = sub.groundwater
        if gw is None:
            gw_input = np.zeros(n)
            tau = np.full(n, _NO_STORE_TAU_DAYS)
        else:
            gw_input = at(gw.leaching_fraction, years) * s * (HA_PER_KM2 * area_km2) / days
            tau = DAYS_PER_YEAR_TAU * at(gw.residence_years, years)
        return {"gw_input_kg_d": gw_input, "tau_days": tau, "surplus_kg_per_ha_yr": s}

    def quality(self, table: QualityTable, sub, years: np.ndarray, days: np.ndarray) -> dict[str, np.ndarray]:
        q = super().quality(table, sub, years, days)
        q["share"][:] = table.groundwater.tn.as_tuple()
        q["pp"][:] = table.groundwater.pp_share
        q["tp_mg_per_l"] = np.full(len(years), table.groundwater.tp_mg_per_l)
        q["cod_mg_per_l"] = np.full(len(years), table.groundwater.codmn_mg_per_l)
        return q
