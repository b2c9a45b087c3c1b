"""A source kind and a measure kind defined outside hydro/ (tests of the extension points: test_source_kind_contract.py,
test_plugins_outside_hydro.py); a module of its own so that a spawned worker can import it."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

import numpy as np

from hydro.scenarios.kinds.base import MeasureKind, Number
from hydro.sources import SourceKind
from hydro.sources.blocks import FRACTION, NONNEG, Block, Yearly, at, block_table
from hydro.sources.yearly import Origin


@dataclass(frozen=True)
class Tourism(Block):
    visitors_per_day: Yearly
    n_g_per_visitor: Yearly
    removal: Yearly
    origin: Origin = field(default=Origin(), compare=False, repr=False)
    _YEARLY: ClassVar[dict] = {"visitors_per_day": NONNEG, "n_g_per_visitor": NONNEG, "removal": FRACTION}


class TourismKind(SourceKind):
    """Visitor sewage at a constant rate; its inventory category ``tourism_sewage``."""

    name = key = "tourism"
    input_categories: ClassVar[dict] = {"tourism_sewage": 50}

    def read(self, src, origin):
        return Tourism.read(block_table(src, self.key, origin), origin.child(self.key))

    def rates(self, sub, years, days, area_km2):
        p = self.block(sub)
        if p is None:
            return {self.name: np.zeros(len(years))}
        return {self.name: at(p.visitors_per_day, years) * at(p.n_g_per_visitor, years) / 1000
                * (1 - at(p.removal, years))}

    def inputs(self, sub, years, days, ha, out):
        p = self.block(sub)
        if p is not None:
            out["tourism_sewage"] += at(p.visitors_per_day, years) * at(p.n_g_per_visitor, years) / 1000 * days


class TourismTreatment(MeasureKind):
    """Raise the removal of tourist sewage towards a target (a 'share' kind)."""

    kind = "tourism_treatment"
    unit = "visitor per day served"
    effect = "tourism.removal -> base + f * max(target - base, 0)"
    composition = "share"
    numbers = (Number("removal", 0.0, 1.0),)

    def apply(self, m, f, subs, comp):
        out = {}
        for i in subs:
            t = comp.info.sources(i).get("tourism")
            if t is None:
                continue
            base = comp.state.get(i, ("tourism", "removal"), t.get("removal"))
            comp.state.set(i, ("tourism", "removal"), base + f * np.maximum(m.numbers["removal"] - base, 0))
            out[i] = comp.state.get(i, ("tourism", "visitors_per_day"), t.get("visitors_per_day")) * f
        return out


TOURISM_TOML = """[subbasins.sources.tourism]
visitors_per_day = 20000
n_g_per_visitor = 10.0
removal = 0.2
"""


def basin_with_tourism(dest):
    """The shipped watershed example with a tourism table on its first subbasin."""
    import shutil

    from hydro.basin import ROOT

    shutil.copytree(ROOT / "configs" / "examples" / "watershed", dest)
    text = (dest / "basin.toml").read_text()
    first = text.index("[[subbasins]]")
    second = text.index("[[subbasins]]", first + 1)
    (dest / "basin.toml").write_text(text[:second] + TOURISM_TOML + "\n" + text[second:])
    return dest


class LinearReservoirPlugin:
    """The members a runoff model registers with (hydro.runoff_registry); never run here, only sent to workers."""

    name = "linear_reservoir_plugin"
    parameters = ()

    def initial_state(self, *args, **kwargs):
        raise NotImplementedError

    def prepare(self, *args, **kwargs):
        raise NotImplementedError

    def run(self, *args, **kwargs):
        raise NotImplementedError
