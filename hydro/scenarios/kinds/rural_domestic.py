"""Measures on rural households: sewage connection and toilet upgrades."""

from __future__ import annotations

import numpy as np

from hydro.scenarios.kinds.base import Compilation, MeasureKind, Number, ramp_up


def _households(m, subs: list[int], comp: Compilation):
    """(index, rural_domestic table, population per year) of the subbasins that have the source."""
    for i in subs:
        rd = comp.info.sources(i).get("rural_domestic")
        if rd is None:
            comp.notes.append(f"{m.id}: subbasin {comp.info.ids[i]} has no rural_domestic source; skipped")
            continue
        yield i, rd, comp.state.get(i, ("rural_domestic", "population"), rd.get("population"))


class SewageConnection(MeasureKind):
    """Connect rural residents to treatment: a higher connected share (and removal)."""

    kind = "sewage_connection"
    unit = "person connected to treatment"
    effect = ("rural_domestic.connected_share -> base + f*max(target - base, 0); the newly "
              "connected get treatment_removal when given (those connected before keep theirs)")
    numbers = (Number("connected_share", 0.0, 1.0), Number("treatment_removal", 0.0, 1.0, required=False))

    def apply(self, m, f, subs, comp):
        out = {}
        state, num = comp.state, m.numbers
        for i, rd, pop in _households(m, subs, comp):
            c0 = state.get(i, ("rural_domestic", "connected_share"), rd.get("connected_share"), 0.0)
            c1 = ramp_up(c0, num["connected_share"], f)
            state.set(i, ("rural_domestic", "connected_share"), c1)
            if "treatment_removal" in num:
                # only the newly connected are paid for, so only they get the new removal: raising
                # the removal of those connected before would be an upgrade that costs nothing
                r0 = state.get(i, ("rural_domestic", "treatment_removal"), rd.get("treatment_removal"), 0.0)
                with np.errstate(invalid="ignore", divide="ignore"):
                    r1 = np.where(c1 > 0, (c0 * r0 + (c1 - c0) * num["treatment_removal"]) / c1, r0)
                state.set(i, ("rural_domestic", "treatment_removal"), r1)
            out[i] = pop * (c1 - c0)
        return out


class ToiletUpgrade(MeasureKind):
    """Upgrade household toilets: less of the domestic load reaches the streams."""

    kind = "toilet_upgrade"
    unit = "household with an upgraded toilet"
    effect = "rural_domestic.delivery_fraction -> base * (1 - delivery_reduction * coverage * f)"
    numbers = (Number("coverage", 0.0, 1.0), Number("delivery_reduction", 0.0, 1.0),
               Number("persons_per_household", 1e-9, None))

    def apply(self, m, f, subs, comp):
        out = {}
        num = m.numbers
        for i, rd, pop in _households(m, subs, comp):
            d0 = comp.state.get(i, ("rural_domestic", "delivery_fraction"), rd.get("delivery_fraction"))
            share = num["coverage"] * f
            comp.state.set(i, ("rural_domestic", "delivery_fraction"),
                           d0 * (1.0 - num["delivery_reduction"] * share))
            out[i] = pop * share / num["persons_per_household"]
        return out


__all__ = ["SewageConnection", "ToiletUpgrade"]
