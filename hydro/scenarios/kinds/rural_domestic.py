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
    composition = "share"
    unit = "person connected to treatment"
    effect = ("rural_domestic.connected_share -> base + f*max(target - base, 0); the newly "
              "connected get treatment_removal when given (those connected before keep theirs)")
    numbers = (Number("connected_share", 0.0, 1.0), Number("treatment_removal", 0.0, 1.0, required=False))

    def apply(self, m, f, subs, comp):
        out = {}
        state, num = comp.state, m.numbers
        idle, adding, resting = [], [], []
        for i, rd, pop in _households(m, subs, comp):
            c0 = state.get(i, ("rural_domestic", "connected_share"), rd.get("connected_share"), 0.0)
            c1 = ramp_up(c0, num["connected_share"], f)
            state.set(i, ("rural_domestic", "connected_share"), c1)
            r0 = state.get(i, ("rural_domestic", "treatment_removal"), rd.get("treatment_removal"), 0.0)
            if "treatment_removal" in num:
                # only the newly connected are paid for, so only they get the new removal: raising
                # the removal of those connected before would be an upgrade that costs nothing
                with np.errstate(invalid="ignore", divide="ignore"):
                    r1 = np.where(c1 > 0, (c0 * r0 + (c1 - c0) * num["treatment_removal"]) / c1, r0)
                state.set(i, ("rural_domestic", "treatment_removal"), r1)
            new = c1 > c0
            if new.any():
                # a newly connected person's N reached the reach at d, now at (1 - r) e: kept out only if less
                r = num.get("treatment_removal", r0)
                d = state.get(i, ("rural_domestic", "delivery_fraction"), rd.get("delivery_fraction"))
                given = rd.get("effluent_delivery_fraction")
                e = d if given is None else state.get(i, ("rural_domestic", "effluent_delivery_fraction"), given)
                if np.any(((1.0 - r) * e > d)[new]):
                    adding.append(comp.info.ids[i])
                elif np.all(((1.0 - r) * e >= d)[new]):
                    idle.append(comp.info.ids[i])
                elif given is None and np.any((r < 1.0 - d)[new]):
                    resting.append(comp.info.ids[i])
            out[i] = pop * (c1 - c0)
        _effect_notes(m, comp, idle, adding, resting)
        return out


def _effect_notes(m, comp: Compilation, idle: list[str], adding: list[str], resting: list[str]) -> None:
    """Say where connecting people keeps no N out, where it adds N, and where what it keeps out rests on the
    effluent's delivery."""
    if adding:
        comp.notes.append(
            f"{m.id}: connecting people adds N in {', '.join(adding)}: their treated effluent's N reaches the rivers "
            "at (1 - treatment_removal) x effluent_delivery_fraction, more than the scattered sewage's "
            "delivery_fraction in a year the measure connects people, so the more are connected, the more N "
            "reaches the rivers there (treatment_removal not given: the basin's, 0 when it has none); its cost "
            "still counts (give a treatment_removal above 1 - delivery_fraction / effluent_delivery_fraction)")
    if idle:
        comp.notes.append(
            f"{m.id}: connecting people keeps no N out in {', '.join(idle)}: their treated effluent's N reaches the "
            "rivers at (1 - treatment_removal) x effluent delivery, as much as the scattered sewage's "
            "delivery_fraction (treatment_removal not given: the basin's, 0 when it has none); its cost still counts")
    if resting:
        comp.notes.append(
            f"{m.id}: in {', '.join(resting)} the N it keeps out rests on the treated effluent reaching the rivers at "
            "the scattered sewage's delivery_fraction (the basin gives no effluent_delivery_fraction); a plant's "
            "outfall delivers nearly all, and with effluent_delivery_fraction = 1 connecting would add N unless "
            "treatment_removal > 1 - delivery_fraction (docs/scenarios.md, sewage_connection)")


class ToiletUpgrade(MeasureKind):
    """Upgrade household toilets: less of the domestic load reaches the streams."""

    kind = "toilet_upgrade"
    composition = "multiplies"
    unit = "household with an upgraded toilet"
    effect = "rural_domestic.delivery_fraction -> base * (1 - delivery_reduction * coverage * f)"
    numbers = (Number("coverage", 0.0, 1.0), Number("delivery_reduction", 0.0, 1.0),
               Number("persons_per_household", 1e-9, None))

    def apply(self, m, f, subs, comp):
        out = {}
        num = m.numbers
        sewered, counted = [], []
        for i, rd, pop in _households(m, subs, comp):
            d0 = comp.state.get(i, ("rural_domestic", "delivery_fraction"), rd.get("delivery_fraction"))
            share = num["coverage"] * f
            comp.state.set(i, ("rural_domestic", "delivery_fraction"),
                           d0 * (1.0 - num["delivery_reduction"] * share))
            out[i] = pop * share / num["persons_per_household"]
            connected = comp.state.get(i, ("rural_domestic", "connected_share"), rd.get("connected_share"), 0.0)
            if np.any((connected > 0) & (share > 0)):
                (sewered if rd.get("effluent_delivery_fraction") is None else counted).append(comp.info.ids[i])
        where = "part of the people are connected to treatment (connected_share, as the basin or a measure before " \
                "this one sets it): "
        if sewered:
            comp.notes.append(
                f"{m.id}: in {', '.join(sewered)} {where}the toilets' cut of delivery_fraction also cuts their treated "
                "effluent's N, and coverage counts their households; give the basin's effluent_delivery_fraction "
                "to confine the cut to the scattered sewage")
        if counted:
            comp.notes.append(
                f"{m.id}: in {', '.join(counted)} {where}the toilets cut the scattered sewage's delivery only, while "
                "coverage counts the households of all (give a coverage of the unconnected households to pay for "
                "those the cut acts on)")
        return out


__all__ = ["SewageConnection", "ToiletUpgrade"]
