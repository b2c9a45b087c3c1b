"""Upgrading wastewater treatment plants (point sources) to a lower effluent TN."""

from __future__ import annotations

import numpy as np

from hydro.scenarios.kinds.base import MeasureKind, Number


class WwtpUpgrade(MeasureKind):
    """Lower the effluent TN of the plants named (all in the selected subbasins by default)."""

    kind = "wwtp_upgrade"
    composition = "target"
    unit = "m3/d of plant capacity upgraded"
    effect = "point[plant].tn_mg_per_l -> base - f*max(base - target, 0)"
    numbers = (Number("tn_mg_per_l", 0.0, None),)
    #: a target above untreated sewage's TN (40-60 mg/L; 42 at Fengning's outfall, Miyun SOURCES) upgrades
    #: nothing: above this it is a unit slip (15000 for 15 mg/L written in ug/L; review of 2026-12-04), mg/L
    MAX_TARGET_MG_L = 100.0
    lists = ("plants",)

    def check(self, t, numbers, strings):
        if numbers["tn_mg_per_l"] > self.MAX_TARGET_MG_L:
            raise t.error("tn_mg_per_l", f"{numbers['tn_mg_per_l']:g} mg/L is above untreated sewage's TN (40-60 "
                                         f"mg/L), so it would upgrade nothing: a unit slip (ug/L for mg/L?); give "
                                         f"the plants' target effluent TN in mg/L, at most {self.MAX_TARGET_MG_L:g}")

    def apply(self, m, f, subs, comp):
        out = {}
        info, state, target = comp.info, comp.state, m.numbers["tn_mg_per_l"]
        wanted = m.lists.get("plants")
        seen, upgraded, overtaken = set(), set(), {}
        for i in subs:
            for p in info.sources(i).get("point", []):
                if wanted is not None and p["name"] not in wanted:
                    continue
                seen.add(p["name"])
                path = ("point", p["name"], "tn_mg_per_l")
                c0 = state.get(i, path, p.get("tn_mg_per_l"))
                state.set(i, path, c0 - f * np.maximum(c0 - target, 0.0))
                q = state.get(i, ("point", p["name"], "discharge_m3_per_day"), p.get("discharge_m3_per_day"))
                out[i] = out.get(i, 0.0) + q * f * (c0 > target)
                if np.any((c0 > target) & (f > 0)):
                    upgraded.add(p["name"])
                    # the baseline's own schedule reaching the target while the measure is on
                    later = np.flatnonzero((c0 <= target) & (f > 0) & (np.cumsum((c0 > target) & (f > 0)) > 0))
                    if later.size:
                        overtaken[p["name"]] = int(comp.state.years[later[0]])
        for name in wanted or ():
            if name not in seen:
                raise comp.unknown(m, "plants", "plant", name,
                                   [p["name"] for i in subs for p in info.sources(i).get("point", [])])
        if not seen:
            comp.notes.append(f"{m.id}: no point source in the selected subbasins; nothing upgraded")
        elif seen - upgraded and (f > 0).any():  # (a measure that starts after the run changes nothing yet)
            comp.notes.append(f"{m.id}: {', '.join(sorted(seen - upgraded))} already at or below "
                              f"{target:g} mg/L TN in the measure's years; nothing upgraded there (no effect, no cost)")
        for name, year in sorted(overtaken.items()):
            comp.notes.append(f"{m.id}: {name} reaches {target:g} mg/L TN in the baseline itself from {year} (its own "
                              "schedule): the measure brings the upgrade forward; from then it changes nothing, "
                              "while its capital annuity runs on")
        return out


__all__ = ["WwtpUpgrade"]
