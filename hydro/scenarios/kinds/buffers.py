"""Riparian buffers and constructed wetlands: runoff from the classes named loses N on the way."""

from __future__ import annotations

from hydro.scenarios.kinds.base import MeasureKind, Number


class RiparianBuffer(MeasureKind):
    """A buffer strip that removes part of the quick-flow N of the classes it treats.

    The removed N is counted as landscape retention (``Compilation.buffer_factor``).
    """

    kind = "riparian_buffer"
    composition = "multiplies"
    unit = "ha of buffer or wetland"
    effect = "land_use.<class>.emc_mg_per_l -> base * (1 - removal_efficiency * treated_share * f)"
    numbers = (Number("removal_efficiency", 0.0, 0.95), Number("treated_share", 0.0, 1.0),
               Number("area_ha_per_km2", 0.0, 100.0))  # a km2 holds 100 ha
    lists = ("classes",)

    def apply(self, m, f, subs, comp):
        out = {}
        state, num, area = comp.state, m.numbers, comp.info.area_km2
        factor = 1.0 - num["removal_efficiency"] * num["treated_share"] * f
        acts = num["removal_efficiency"] * num["treated_share"] > 0
        if not acts and (f > 0).any():  # (a measure that starts after the run changes nothing yet)
            comp.notes.append(f"{m.id}: removal_efficiency {num['removal_efficiency']:g} x treated_share "
                              f"{num['treated_share']:g} is 0: no runoff N removed; nothing built "
                              "(no effect, no cost)")
        for i, lu, classes in comp.land_use_classes(m, subs, None):
            for c in classes:
                emc = state.get(i, ("land_use", c, "emc_mg_per_l"), lu[c].get("emc_mg_per_l"))
                state.set(i, ("land_use", c, "emc_mg_per_l"), emc * factor)
                comp.buffer_factor[(i, c)] = comp.buffer_factor.get((i, c), 1.0) * factor
            if classes:
                out[i] = num["area_ha_per_km2"] * area[i] * f * acts
        return out


class ConstructedWetland(RiparianBuffer):
    """A constructed wetland: acts and is costed as a riparian buffer."""

    kind = "constructed_wetland"
    composition = "multiplies"
    effect = "as riparian_buffer"


__all__ = ["ConstructedWetland", "RiparianBuffer"]
