"""Cutting fertiliser on land-use classes (cropland by default)."""

from __future__ import annotations

import numpy as np

from hydro.scenarios.kinds.base import MeasureKind, Number


class FertiliserReduction(MeasureKind):
    """Less fertiliser (and optionally a lower runoff EMC) on the classes named."""

    kind = "fertiliser_reduction"
    composition = "multiplies"
    unit = "ha of the land-use classes under the programme"
    effect = ("land_use.<class>.fertiliser_kg_per_ha_yr -> base * (1 - reduction * f); "
              "emc_mg_per_l -> base * (1 - emc_reduction * f) when given")
    numbers = (Number("reduction", 0.0, 1.0), Number("emc_reduction", 0.0, 1.0, required=False))
    lists = ("classes",)

    def apply(self, m, f, subs, comp):
        out = {}
        state, num, area = comp.state, m.numbers, comp.info.area_km2
        acts = num["reduction"] > 0 or num.get("emc_reduction", 0.0) > 0
        if not acts and (f > 0).any():  # (a measure that starts after the run changes nothing yet)
            emc = f"emc_reduction {num['emc_reduction']:g}" if "emc_reduction" in num else "no emc_reduction"
            comp.notes.append(f"{m.id}: reduction {num['reduction']:g} and {emc} change no fertiliser rate or "
                              "EMC; no programme there (no effect, no cost)")
        idle: dict[str, list[str]] = {}  # class -> subbasins where it has nothing this programme cuts
        for i, lu, classes in comp.land_use_classes(m, subs, ("cropland",)):
            cut = []
            for c in classes:
                fe = state.get(i, ("land_use", c, "fertiliser_kg_per_ha_yr"),
                               lu[c].get("fertiliser_kg_per_ha_yr"), 0.0)
                state.set(i, ("land_use", c, "fertiliser_kg_per_ha_yr"), fe * (1.0 - num["reduction"] * f))
                cuts = num["reduction"] > 0 and bool(np.any(fe > 0))
                if "emc_reduction" in num:
                    emc = state.get(i, ("land_use", c, "emc_mg_per_l"), lu[c].get("emc_mg_per_l"))
                    state.set(i, ("land_use", c, "emc_mg_per_l"), emc * (1.0 - num["emc_reduction"] * f))
                    cuts = cuts or (num["emc_reduction"] > 0 and bool(np.any(emc > 0)))
                if cuts:
                    cut.append(c)
                else:
                    idle.setdefault(c, []).append(comp.info.ids[i])
            if classes:
                out[i] = self._hectares(comp, i, lu, cut, area[i] * 100.0 * f) if acts and cut else 0.0
        if acts and idle and (f > 0).any():  # (a review, 2026-12-06: forest with no fertiliser was paid for)
            lacks = " and no ".join(w for w, k in (("fertiliser", "reduction"), ("EMC", "emc_reduction"))
                                    if num.get(k, 0.0) > 0)  # what the programme cuts, which the class lacks
            comp.notes.append(f"{m.id}: " + "; ".join(f"{c} has no {lacks} to cut in {', '.join(ids)}"
                                                      for c, ids in idle.items())
                              + ": not under the programme there (no cost)")
        return out

    @staticmethod
    def _hectares(comp, i, lu, classes, ha_per_share):
        """The hectares under the programme, read once every measure is applied (a callable):
        cropland that a later afforestation or protection zone converts is no longer farmed,
        so no fertiliser programme is paid on it."""
        def hectares():
            return sum(comp.state.get(i, ("land_use", c, "share"), lu[c].get("share")) for c in classes) * ha_per_share
        return hectares


__all__ = ["FertiliserReduction"]
