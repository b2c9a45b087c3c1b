"""Source ``point``: wastewater treatment plants and other point discharges.

Load (kg/d) = effluent discharge (m3/d) x effluent TN (mg/L) x 1e-3.  The
``point`` column of the loads is the sum of a subbasin's plants, each timed
plant by plant (:func:`hydro.sources.washoff.timed_point`) so that
:func:`hydro.sources.point_loads` (the same loads with each plant's reach) and
the column stay equal.  Its water-quality species come from each plant's
treatment grade (:mod:`hydro.sources.quality_points`), so the column's own
coefficients are the defaults (replaced plant by plant).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np

from hydro.sources.blocks import EFFLUENT_M3_PER_DAY, EFFLUENT_TN_MG_L, Block, Yearly, at, read_str
from hydro.sources.registry import SourceKind
from hydro.sources.washoff import timed_point
from hydro.sources.yearly import Origin
from hydro.tomlio import not_tables_message

if TYPE_CHECKING:
    from hydro.tomlio import Table


@dataclass(frozen=True)
class PointSource(Block):
    """A wastewater treatment plant (or other point discharge).

    Attributes
    ----------
    name : str
        Plant name.
    reach : str
        Id of the reach receiving the discharge (checked by the network).
    discharge_m3_per_day : yearly, m3/d
        Effluent discharge.
    tn_mg_per_l : yearly, mg/L
        Effluent TN concentration.
    """

    name: str
    reach: str
    discharge_m3_per_day: Yearly
    tn_mg_per_l: Yearly
    origin: Origin = field(default=Origin(), compare=False, repr=False)

    _YEARLY: ClassVar[dict[str, dict]] = {
        "discharge_m3_per_day": EFFLUENT_M3_PER_DAY, "tn_mg_per_l": EFFLUENT_TN_MG_L}
    _PLAIN: ClassVar[tuple[str, ...]] = ("name", "reach")

    @classmethod
    def _read_plain(cls, table, origin):
        return {"name": read_str(table, origin, "name"), "reach": read_str(table, origin, "reach")}


def plant_rate(ps: PointSource, years: np.ndarray) -> np.ndarray:
    """A plant's TN load in each year (kg/d): m3/d x mg/L x 1e-3."""
    return at(ps.discharge_m3_per_day, years) * at(ps.tn_mg_per_l, years) * 1e-3


def reference_plant(sub, ps: PointSource) -> PointSource | None:
    """The plant ``ps`` of ``sub`` without a scenario's measures (``sub.reference``), or None without one."""
    if sub.reference is None:
        return None
    return next((p for p in sub.reference.point if p.name == ps.name), None)


class PointSourceKind(SourceKind):
    """The point sources of a subbasin, summed; timed plant by plant."""

    name = "point"
    key = "point"
    empty = ()
    read_rank = 2
    own_timing = True
    input_categories: ClassVar[dict[str, int]] = {"point": 5}

    def read(self, src: Table, origin: Origin) -> Any:
        value = src.raw(self.key)
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            raise origin.error(self.key, not_tables_message("subbasins.sources.point", value))
        return tuple(PointSource.read(t, origin.child(f"point[{i}]")) for i, t in enumerate(src.tables(self.key)))

    def rates(self, sub, years, days, area_km2):
        out = np.zeros(len(years))
        for ps in sub.point:
            out += plant_rate(ps, years)
        return {self.name: out}

    def daily(self, sub, years, year_index, doy=None):
        out = np.zeros(year_index.shape[0])
        for ps in sub.point:
            ref = reference_plant(sub, ps)
            out += timed_point(sub, plant_rate(ps, years), years, year_index,
                               None if ref is None else plant_rate(ref, years), doy)
        return out

    def inputs(self, sub, years, days, ha, out):
        for ps in sub.point:
            out["point"] += plant_rate(ps, years) * days
