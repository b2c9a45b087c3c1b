"""Converting land from one class to another: afforestation and reservoir protection zones."""

from __future__ import annotations

import numpy as np

from hydro.errors import HydroError
from hydro.scenarios.kinds.base import MeasureKind, Number
from hydro.sources.blocks import MAX_EMC_MG_L


class Afforestation(MeasureKind):
    """Move a share of ``from_class`` (cropland) to ``to_class`` (forest), adding it where absent."""

    kind = "afforestation"
    composition = "adds"
    unit = "ha converted"
    effect = ("land_use shares: from_class -> base - d, to_class -> base + d, "
              "d = f * converted_share (or f * fraction_of_class * from share in the first year), at most "
              "the from_class share")
    numbers = (Number("converted_share", 0.0, 1.0, required=False),
               Number("fraction_of_class", 0.0, 1.0, required=False),
               Number("to_emc_mg_per_l", 0.0, MAX_EMC_MG_L, required=False))  # as a land use's
    strings = (("from_class", "cropland"), ("to_class", "forest"))

    def check(self, t, numbers, strings):
        if ("converted_share" in numbers) == ("fraction_of_class" in numbers):
            raise t.error("converted_share", "give exactly one of 'converted_share' (share of the "
                                             "subbasin area) or 'fraction_of_class' (share of the "
                                             "from_class area)")
        if strings["from_class"] == strings["to_class"]:
            raise t.error("to_class", "from_class and to_class must differ")

    def apply(self, m, f, subs, comp):
        out = {}
        info, state, num = comp.info, comp.state, m.numbers
        src, dst = m.strings["from_class"], m.strings["to_class"]
        present = {c for i in subs for c in info.sources(i).get("land_use", {})}
        if src not in present:
            raise comp.unknown(m, "from_class", "land-use class", src, present)
        short = {}  # subbasin: the least share of its area left in from_class, where less than asked
        dirtier = {}  # subbasin: (from EMC, to EMC) where to_class's EMC is the higher, mg/L
        fertilised = {}  # subbasin: (from, to) fertiliser rates where to_class's is the higher, kg N/ha/yr
        for i in subs:
            lu = info.sources(i).get("land_use", {})
            if src not in lu:
                continue
            s0 = state.get(i, ("land_use", src, "share"), lu[src].get("share"))
            if "converted_share" in num:
                asked = f * num["converted_share"]
                d = np.minimum(asked, s0)
                if np.any(asked > s0):
                    short[info.ids[i]] = float(np.min(s0[asked > s0]))
            else:
                start = min(int(np.searchsorted(state.years, m.years[0])), len(s0) - 1)
                d = np.minimum(f * num["fraction_of_class"] * s0[start], s0)
            state.set(i, ("land_use", src, "share"), s0 - d)
            if dst in lu or (i, dst) in state.new_classes:
                t0 = state.get(i, ("land_use", dst, "share"), lu.get(dst, {}).get("share"))
            else:
                if "to_emc_mg_per_l" not in num:
                    raise HydroError(f"{comp.file}: key '{m.key}.to_emc_mg_per_l': subbasin "
                                     f"'{info.ids[i]}' has no land-use class '{dst}'; give "
                                     "to_emc_mg_per_l (the EMC of the new class) so it can be added")
                state.new_classes[(i, dst)] = num["to_emc_mg_per_l"]
                t0 = np.zeros(len(f))
            state.set(i, ("land_use", dst, "share"), t0 + d)
            emcs = _dirtier(state, i, lu, src, dst, d)
            if emcs is not None:
                dirtier[info.ids[i]] = emcs
            rates = _dirtier(state, i, lu, src, dst, d, "fertiliser_kg_per_ha_yr")
            if rates is not None:
                fertilised[info.ids[i]] = rates
            out[i] = d * info.area_km2[i] * 100.0
        if short:
            where = ", ".join(f"{k} ({v:.3g})" for k, v in sorted(short.items()))
            comp.notes.append(
                f"{m.id}: converted_share {num['converted_share']:g} of the subbasin area is more than the "
                f"{src} there in {len(short)} subbasin(s): {where} (the least {src} share of the area, in a year "
                f"the measure acts); all of it converted there, which the cost and N count (give a smaller "
                "converted_share, or fraction_of_class: a share of the class)")
        if dirtier:
            where = ", ".join(f"{k} ({a:g} -> {b:g} mg/L)" for k, (a, b) in sorted(dirtier.items()))
            comp.notes.append(
                f"{m.id}: converting {src} to {dst} adds N in {len(dirtier)} subbasin(s): {where} (the EMC of "
                f"{src} -> that of {dst}, in the first year the measure converts land there): the converted land's "
                "runoff carries more N than before, yet its cost counts (give a to_class, or a to_emc_mg_per_l, "
                f"below {src}'s EMC)")
        if fertilised:  # its soil surplus, and the N it sends to groundwater, grow (review, 2026-12-06)
            where = ", ".join(f"{k} ({a:g} -> {b:g} kg N/ha/yr)" for k, (a, b) in sorted(fertilised.items()))
            comp.notes.append(
                f"{m.id}: converting {src} to {dst} spreads more fertiliser in {len(fertilised)} subbasin(s): "
                f"{where} (in the first year the measure converts land there): a larger soil surplus, more N to "
                "the groundwater, yet its cost counts")
        return out


def _dirtier(state, i: int, lu: dict, src: str, dst: str, d: np.ndarray,
             key: str = "emc_mg_per_l") -> tuple[float, float] | None:
    """(from_class's ``key``, to_class's) in the first year ``d > 0`` converts land of subbasin ``i`` into a
    class with a higher value of ``key`` (its EMC, mg/L, or fertiliser rate, kg N/ha/yr), an existing class or
    one a measure added (its EMC is the measure's ``to_emc_mg_per_l``; it has no fertiliser), or None where
    none does."""
    none = None if key == "emc_mg_per_l" else 0.0  # every class has an EMC; fertiliser only where spread
    e_src = state.get(i, ("land_use", src, key), lu[src].get(key), none)
    if dst in lu:
        e_dst = state.get(i, ("land_use", dst, key), lu[dst].get(key), none)
    else:
        e_dst = np.full(len(d), float(state.new_classes[(i, dst)]) if key == "emc_mg_per_l" else 0.0)
    worse = np.flatnonzero((d > 0) & (e_dst > e_src))
    return None if not worse.size else (float(e_src[worse[0]]), float(e_dst[worse[0]]))


class ProtectionZone(Afforestation):
    """A protection zone: land converted as by afforestation, on the subbasins draining into a reservoir."""

    kind = "protection_zone"
    composition = "adds"
    effect = "as afforestation, on the subbasins draining into a reservoir"


__all__ = ["Afforestation", "ProtectionZone"]
