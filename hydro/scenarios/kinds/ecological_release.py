"""A higher ecological minimum release from a reservoir."""

from __future__ import annotations

import numpy as np

from hydro.errors import HydroError, suggest
from hydro.scenarios.fields import REQUIRED, Where
from hydro.scenarios.kinds.base import MeasureKind, Number
from hydro.sources.timing import days_in_years
from hydro.units import SECONDS_PER_DAY


class EcologicalRelease(MeasureKind):
    """Raise a reservoir's ecological minimum release (over the whole run: it is not yearly).

    Its quantity, the extra volume released per year, is shared among the selected
    subbasins by area (default: those draining into the reservoir).
    """

    kind = "ecological_release"
    unit = "m3 released above the former ecological minimum per year"
    effect = "reservoirs.<id>.ecological_min_m3_s -> value (not yearly: the whole run)"
    numbers = (Number("ecological_min_m3_s", 0.0, None),)
    strings = (("reservoir", REQUIRED),)
    where_optional = True

    def default_where(self, strings):
        return Where(reservoir=strings["reservoir"])

    def apply(self, m, f, subs, comp):
        info = comp.info
        rid = m.strings["reservoir"]
        res = [r for r in info.raw.get("reservoirs", []) if r["id"] == rid]
        if not res:
            raise HydroError(f"{comp.file}: key '{m.key}.reservoir': unknown reservoir '{rid}'"
                             + suggest(rid, info.reservoir_ids)
                             + f"; the basin has: {', '.join(info.reservoir_ids) or 'none'}")
        old = float(res[0].get("ecological_min_m3_s", 0.0))
        new = max(old, m.numbers["ecological_min_m3_s"])
        comp.overrides.append(f"reservoirs.{rid}.ecological_min_m3_s={new!r}")
        comp.notes.append(f"{m.id}: the ecological minimum release of '{rid}' is not a yearly value; "
                          f"{new:g} m3/s applies over the whole run (costs counted every year)")
        total = (new - old) * SECONDS_PER_DAY * days_in_years(comp.state.years)
        total[0] = 0.0  # the year before the run and the measure: its capital falls on the next one
        a = info.area_km2[subs]
        return {i: total * a[j] / a.sum() for j, i in enumerate(subs)}

    def costs(self, m, quantity, cost_method, discount_rate):
        """Capital on the release capacity (a 365-day year's volume), operating on the volume.

        The yearly volume grows by a day in leap years: capital counted on it bought the
        same release again every fourth year."""
        q = np.asarray(quantity, dtype=float)
        capacity = np.where(q > 0, q[q > 0].min(), 0.0) if (q > 0).any() else q
        capital, _ = super().costs(m, capacity, cost_method, discount_rate)
        return capital, q * m.costs.operating_yuan_per_unit_yr


__all__ = ["EcologicalRelease"]
