"""A source kind of one's own (a new contributor's review, 2026-12-06): what the source model silently
mishandled is refused when registered, or counted right.  Each test failed before the fix."""
from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from typing import ClassVar

import numpy as np
import pytest
from plugin_tourism import TOURISM_TOML, TourismKind

from hydro.errors import HydroError
from hydro.sources import SourceParameters, daily_loads, gross_inputs, input_names, register, unregister
from hydro.sources.blocks import NONNEG, Block, Yearly, at, block_table
from hydro.sources.yearly import Origin
from hydro.tomlio import Table

BASIN = """
[[subbasins]]
id = "a"
[subbasins.sources.land_use.forest]
share = 1.0
emc_mg_per_l = 1.0
[subbasins.sources.rural_domestic]
population = 1000
per_capita_n_g_per_day = 10.0
delivery_fraction = 0.5
"""


def params(text):
    return SourceParameters.from_table(Table(tomllib.loads(text), "basin.toml"))


@dataclass(frozen=True)
class Urban(Block):
    emc_mg_per_l: Yearly
    origin: Origin = field(default=Origin(), compare=False, repr=False)
    _YEARLY: ClassVar[dict] = {"emc_mg_per_l": NONNEG}


class UrbanRunoff(TourismKind):
    """EMC x quick flow, the natural way to write urban runoff; 'quickflow' is held by diffuse_quickflow."""

    name = key = "urban_runoff"
    delivery = "quickflow"
    input_categories: ClassVar[dict] = {}

    def read(self, src, origin):
        return Urban.read(block_table(src, self.key, origin), origin.child(self.key))

    def rates(self, sub, years, days, area_km2):
        p = self.block(sub)
        return {} if p is None else {"emc_mg_per_l": at(p.emc_mg_per_l, years)}

    def inputs(self, sub, years, days, ha, out):
        pass


def test_a_second_quickflow_kind_is_refused_not_silently_merged():
    """Before: registered; its column stayed 0 and its EMC *replaced* diffuse_quickflow's (diffuse 3650 ->
    1825 kg/yr on BASIN with an urban EMC of 0.5 mg/L, urban_runoff 0): the kernel has one quick-flow column."""
    try:
        with pytest.raises(HydroError, match=r"delivery 'quickflow' is held by 'diffuse_quickflow'.*'constant'"):
            register(UrbanRunoff)
    finally:
        unregister("urban_runoff")
    years = np.repeat([2019], 365)
    loads, names, _ = daily_loads(params(BASIN), years, np.ones((365, 1)), np.zeros((365, 1)), [10.0])
    # 1 mg/L x 1 mm/d x 10 km2 = 10 kg/d: the built-in kind's own quick-flow load is untouched
    assert dict(zip(names, loads.sum(axis=(0, 1)), strict=True))["diffuse_quickflow"] == pytest.approx(3650.0)


class SharedCategory(TourismKind):
    """Tourist sewage counted in the existing inventory category rural_domestic."""

    input_categories: ClassVar[dict] = {"rural_domestic": 4}

    def inputs(self, sub, years, days, ha, out):
        if self.block(sub) is not None:
            out["rural_domestic"] += 1000.0


def test_an_inventory_category_two_kinds_share_is_counted_once():
    """Before: INPUT_NAMES listed rural_domestic twice and gross_inputs repeated its column (sum 9300, not
    4650 kg: 1000 people x 10 g/d x 365 d, plus the second kind's 1000 kg)."""
    register(SharedCategory)
    try:
        names = input_names()
        assert len(names) == len(set(names)), names
        g = gross_inputs(params(BASIN + TOURISM_TOML), [2019], [10.0])
        # 1e-9 relative: sums of a few floats
        assert g.sum() == pytest.approx(1000 * 10.0 * 365 / 1000 + 1000.0, rel=1e-9)
        assert g[0, 0, names.index("rural_domestic")] == pytest.approx(4650.0, rel=1e-9)
    finally:
        unregister("tourism")


@pytest.mark.parametrize("reserved", ["initial", "transfer"])
def test_a_kind_cannot_take_a_tag_the_pipeline_appends(reserved):
    """Before: a kind named 'initial' was registered; a run's ``source`` coordinate then held 'initial'
    twice and ``.sel(source="initial")`` mixed it with the initial-condition tracer."""
    kind = type("Reserved", (TourismKind,), {"name": reserved, "key": "tourism"})
    try:
        with pytest.raises(HydroError, match=rf"'{reserved}': the name is a tag a run adds of itself"):
            register(kind)
    finally:
        unregister(reserved)


def test_a_constant_kind_that_omits_its_rate_gets_a_hydro_error():
    """Before: a bare ``KeyError: 'tourism'`` from deep in hydro.sources.stacked/loads when ``rates`` returned
    {} for a subbasin without the table."""
    class Forgetful(TourismKind):
        def rates(self, sub, years, days, area_km2):
            return {} if self.block(sub) is None else super().rates(sub, years, days, area_km2)

    register(Forgetful)
    try:
        with pytest.raises(HydroError, match=r"no 'tourism' among .*zeros where the subbasin has no table"):
            daily_loads(params(BASIN), np.repeat([2019], 365), np.ones((365, 1)), np.zeros((365, 1)), [10.0])
    finally:
        unregister("tourism")
