"""Managing livestock manure: a larger managed share, optionally with lower losses."""

from __future__ import annotations

import numpy as np

from hydro.scenarios.kinds.base import MeasureKind, Number, ramp_up


class ManureManagement(MeasureKind):
    """Manage more of the excreta of the livestock types named (all by default)."""

    kind = "manure_management"
    unit = "head whose excreta are newly managed"
    effect = ("livestock.<type>.managed_share -> base + f*max(target - base, 0); the newly "
              "managed excreta lose min(managed_loss_fraction, loss_fraction) (default: the "
              "base managed loss)")
    numbers = (Number("managed_share", 0.0, 1.0), Number("managed_loss_fraction", 0.0, 1.0, required=False))
    lists = ("types",)

    def apply(self, m, f, subs, comp):
        out = {}
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
                l_new = num.get("managed_loss_fraction")
                if l_new is not None:
                    # never worse than leaving the excreta unmanaged
                    lf = state.get(i, base + ("loss_fraction",), ls[t].get("loss_fraction"))
                    l_new = np.minimum(l_new, lf)
                    with np.errstate(invalid="ignore", divide="ignore"):
                        l1 = np.where(m1 > 0, (m0 * l0 + (m1 - m0) * l_new) / m1, l0)
                    state.set(i, base + ("managed_loss_fraction",), l1)
                state.set(i, base + ("managed_share",), m1)
                head = state.get(i, base + ("head",), ls[t].get("head"))
                out[i] = out.get(i, 0.0) + head * (m1 - m0)
        return out


__all__ = ["ManureManagement"]
