"""Cutting fertiliser on land-use classes (cropland by default)."""

from __future__ import annotations

import numpy as np

from hydro.scenarios.kinds.base import MeasureKind, Number


class FertiliserReduction(MeasureKind):
    """Less fertiliser (and optionally a lower runoff EMC) on the classes named."""

    kind = "fertiliser_reduction"
    unit = "ha of the land-use classes under the programme"
    effect = ("land_use.<class>.fertiliser_kg_per_ha_yr -> base * (1 - reduction * f); "
              "emc_mg_per_l -> base * (1 - emc_reduction * f) when given")
    numbers = (Number("reduction", 0.0, 1.0), Number("emc_reduction", 0.0, 1.0, required=False))
    lists = ("classes",)

    def apply(self, m, f, subs, comp):
        out = {}
        state, num, area = comp.state, m.numbers, comp.info.area_km2
        for i, lu, classes in comp.land_use_classes(m, subs, ("cropland",)):
            ha = np.zeros(len(f))
            for c in classes:
                fe = state.get(i, ("land_use", c, "fertiliser_kg_per_ha_yr"),
                               lu[c].get("fertiliser_kg_per_ha_yr"), 0.0)
                state.set(i, ("land_use", c, "fertiliser_kg_per_ha_yr"), fe * (1.0 - num["reduction"] * f))
                if "emc_reduction" in num:
                    emc = state.get(i, ("land_use", c, "emc_mg_per_l"), lu[c].get("emc_mg_per_l"))
                    state.set(i, ("land_use", c, "emc_mg_per_l"), emc * (1.0 - num["emc_reduction"] * f))
                share = state.get(i, ("land_use", c, "share"), lu[c].get("share"))
                ha = ha + share * area[i] * 100.0 * f
            if classes:
                out[i] = ha
        return out


__all__ = ["FertiliserReduction"]
