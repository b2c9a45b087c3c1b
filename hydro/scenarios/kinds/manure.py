"""Managing livestock manure: a larger managed share, optionally with lower losses."""

from __future__ import annotations

import numpy as np

from hydro.scenarios.kinds.base import MeasureKind, Number, ramp_up


class ManureManagement(MeasureKind):
    """Manage more of the excreta of the livestock types named (all by default)."""

    kind = "manure_management"
    composition = "share"
    unit = "head whose excreta are newly managed"
    effect = ("livestock.<type>.managed_share -> base + f*max(target - base, 0); the newly "
              "managed excreta lose min(managed_loss_fraction, loss_fraction) (managed_loss_fraction "
              "default: the base managed loss)")
    numbers = (Number("managed_share", 0.0, 1.0), Number("managed_loss_fraction", 0.0, 1.0, required=False))
    lists = ("types",)

    def apply(self, m, f, subs, comp):
        out = {}
        idle: dict = {}  # livestock type -> the managed loss is not below its loss anywhere so far
        info, state, num = comp.info, comp.state, m.numbers
        wanted = m.lists.get("types")
        present = {t for i in subs for t in info.sources(i).get("livestock", {})}
        for name in wanted or ():
            if name not in present:
                raise comp.unknown(m, "types", "livestock type", name, present)
        for i in subs:
            ls = info.sources(i).get("livestock", {})
            for t in ls:
                if wanted and t not in wanted:
                    continue
                base = ("livestock", t)
                m0 = state.get(i, base + ("managed_share",), ls[t].get("managed_share"), 0.0)
                l0 = state.get(i, base + ("managed_loss_fraction",), ls[t].get("managed_loss_fraction"), 0.0)
                m1 = ramp_up(m0, num["managed_share"], f)
                given = num.get("managed_loss_fraction")
                l_new = l0 if given is None else given  # by default the base managed loss
                # never worse than leaving the excreta unmanaged
                lf = state.get(i, base + ("loss_fraction",), ls[t].get("loss_fraction"))
                idle[t] = idle.get(t, True) and bool(np.all(np.asarray(l_new) >= lf))
                if given is not None or np.any(l0 > lf):  # (a base loss below the unmanaged one is left alone)
                    l_new = np.minimum(l_new, lf)
                    with np.errstate(invalid="ignore", divide="ignore"):
                        l1 = np.where(m1 > 0, (m0 * l0 + (m1 - m0) * l_new) / m1, l0)
                    state.set(i, base + ("managed_loss_fraction",), l1)
                state.set(i, base + ("managed_share",), m1)
                head = state.get(i, base + ("head",), ls[t].get("head"))
                out[i] = out.get(i, 0.0) + head * (m1 - m0)
        idle_types = sorted(t for t, none_kept in idle.items() if none_kept)
        if idle_types:
            given = num.get("managed_loss_fraction")
            loss = ("the basin's managed_loss_fraction (the measure gives none)" if given is None
                    else f"managed_loss_fraction {given}")
            comp.notes.append(
                f"{m.id}: {loss} is not below the loss_fraction "
                f"of unmanaged {', '.join(idle_types)} excreta in any selected subbasin or year: the newly "
                "managed excreta lose what they lost unmanaged, so the measure keeps no N out of the water, yet its "
                "costs count (give a managed_loss_fraction below the basin's loss_fraction)")
        return out


__all__ = ["ManureManagement"]
