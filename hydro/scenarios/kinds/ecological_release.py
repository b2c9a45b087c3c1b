"""A higher ecological minimum release from a reservoir, from 1 January of the measure's first year."""

from __future__ import annotations

import numpy as np

from hydro.errors import HydroError, suggest
from hydro.scenarios.fields import REQUIRED, Where
from hydro.scenarios.kinds.base import MeasureKind, Number, ramp_up
from hydro.sources.timing import days_in_years
from hydro.sources.yearly import Origin, as_series
from hydro.units import MAX_FLOW_M3_S, SECONDS_PER_DAY

#: Relative change of a release capacity taken as round-off, not as capacity bought or sold: a
#: leap year's volume rescaled to 365 days differs from the year before's by an ulp or so.
_ROUND_OFF = 1e-9


class EcologicalRelease(MeasureKind):
    """Raise a reservoir's ecological minimum release, year by year.

    The minimum becomes a table of years (``reservoirs.<id>.ecological_min_m3_s={2013=0.3,
    2014=3.0,...}``): each day the value of its calendar year, base + f·max(value − base, 0),
    so the release acts from 1 January of the measure's first year and never before it
    (the reservoir operations raise each day's target to it, :mod:`hydro.ecological_minimum`).
    Its quantity, the extra volume released per year, is shared among the selected
    subbasins by area (default: those draining into the reservoir).
    """

    kind = "ecological_release"
    composition = "share"
    unit = "m3 released above the former ecological minimum per year"
    effect = "reservoirs.<id>.ecological_min_m3_s -> base + f·max(value − base, 0), by year"
    # at most the largest flow a basin takes (about the Yangtze's floods): 1e9 m3/s was accepted
    numbers = (Number("ecological_min_m3_s", 0.0, MAX_FLOW_M3_S),)
    strings = (("reservoir", REQUIRED),)
    where_optional = True

    def default_where(self, strings):
        return Where(reservoir=strings["reservoir"])

    def apply(self, m, f, subs, comp):
        info, years = comp.info, comp.state.years
        rid = m.strings["reservoir"]
        res = [r for r in info.raw.get("reservoirs", []) if r["id"] == rid]
        if not res:
            raise HydroError(f"{comp.file}: key '{m.key}.reservoir': unknown reservoir '{rid}'"
                             + suggest(rid, info.reservoir_ids)
                             + f"; the basin has: {', '.join(info.reservoir_ids) or 'none'}")
        key = f"reservoirs.{rid}.ecological_min_m3_s"
        base = comp.reservoir_minimum.get(rid)
        if base is None:  # the basin's own: a number or a table of years
            k = info.reservoir_ids.index(rid)
            origin = Origin(str(info.path), "", f"reservoirs[{k}]")
            base = as_series(res[0].get("ecological_min_m3_s", 0.0), origin, "ecological_min_m3_s").at(years)
        new = ramp_up(base, m.numbers["ecological_min_m3_s"], f)
        if np.array_equal(new, base):  # not raised in any year: the baseline's operations
            return dict.fromkeys(subs, 0.0)
        comp.reservoir_minimum[rid] = new
        comp.overrides[:] = [o for o in comp.overrides if not o.startswith(key + "=")]
        comp.overrides.append(f"{key}={comp.state.table(new)}")
        total = (new - base) * SECONDS_PER_DAY * days_in_years(years)
        a = info.area_km2[subs]
        return {i: total * a[j] / a.sum() for j, i in enumerate(subs)}

    def costs(self, m, quantity, cost_method, discount_rate, years=None):
        """Capital on the release capacity (the raise's volume over a 365-day year), operating on
        the volume of each year.

        The yearly volume grows by a day in leap years: capital counted on it would buy the
        same release again every fourth year, so capital counts growth of the capacity."""
        q = np.asarray(quantity, dtype=float)
        if years is None:
            raise ValueError("ecological_release costs need the years of the quantity")
        capacity = q * (365.0 / days_in_years(years))
        grown = np.diff(capacity, prepend=0.0)
        grown[np.abs(grown) <= _ROUND_OFF * capacity] = 0.0
        capital, _ = super().costs(m, np.cumsum(grown), cost_method, discount_rate)
        return capital, q * m.costs.operating_yuan_per_unit_yr


__all__ = ["EcologicalRelease"]
