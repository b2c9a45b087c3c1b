"""The registry of source kinds (issue 12): a new source is a new class, nothing else edited.

The built-in kinds keep the historical order of the ``source`` axis; a kind registered by a
test (fish ponds: feed N lost from aquaculture ponds, delivered at a constant rate) is read
from the basin file, becomes the last column of the loads, has its inventory category, takes
the timing machinery (blended years, runoff sharing) like the built-in constant sources, and
is a value of the results' ``source`` coordinate of a watershed run; unknown keys suggest it.
"""

from __future__ import annotations

import shutil
import tomllib
from dataclasses import dataclass, field
from typing import ClassVar

import numpy as np
import pytest

import hydro.sources as hs
from hydro.basin import ROOT, Basin
from hydro.errors import HydroError
from hydro.simulation import run
from hydro.sources import SourceKind, SourceParameters, daily_loads, gross_inputs, register, unregister
from hydro.sources.blocks import FRACTION, NONNEG, Block, Yearly, at, block_table
from hydro.sources.registry import column, delivered_by, kinds
from hydro.sources.yearly import Origin
from hydro.tomlio import Table

BUILTIN = ("diffuse_quickflow", "groundwater", "rural_domestic", "livestock", "point", "deposition")
EXAMPLE = ROOT / "configs" / "examples" / "watershed"


@dataclass(frozen=True)
class FishPonds(Block):
    """Aquaculture ponds: feed N (kg N/ha/yr) over the pond area, a share of it lost to the river."""

    area_ha: Yearly
    feed_kg_per_ha_yr: Yearly
    loss_fraction: Yearly
    origin: Origin = field(default=Origin(), compare=False, repr=False)

    _YEARLY: ClassVar[dict[str, dict]] = {"area_ha": NONNEG, "feed_kg_per_ha_yr": NONNEG,
                                          "loss_fraction": FRACTION}


class FishPondsKind(SourceKind):
    """The whole of a new source: its name, table, rate and inventory category."""

    name = "fish_ponds"
    key = "fish_ponds"
    scattered = True
    input_categories: ClassVar[dict[str, int]] = {"aquaculture_feed": 100}

    def read(self, src, origin):
        return FishPonds.read(block_table(src, self.key, origin), origin.child(self.key))

    def rates(self, sub, years, days, area_km2):
        p = self.block(sub)
        if p is None:
            return {self.name: np.zeros(len(years))}
        return {self.name: at(p.area_ha, years) * at(p.feed_kg_per_ha_yr, years) * at(p.loss_fraction, years)
                / days}

    def inputs(self, sub, years, days, ha, out):
        p = self.block(sub)
        if p is not None:
            out["aquaculture_feed"] += at(p.area_ha, years) * at(p.feed_kg_per_ha_yr, years)


@pytest.fixture()
def fish_ponds():
    register(FishPondsKind)
    yield
    unregister("fish_ponds")


PONDS = """
[subbasins.sources.fish_ponds]
area_ha = 20.0
feed_kg_per_ha_yr = 730.0
loss_fraction = 0.5
"""

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
""" + PONDS + """
[[subbasins]]
id = "b"
[subbasins.sources.land_use.forest]
share = 1.0
emc_mg_per_l = 2.0
"""


def params_from(text: str) -> SourceParameters:
    return SourceParameters.from_table(Table(tomllib.loads(text), "basin.toml"))


def test_builtin_kinds_keep_the_source_order_and_columns():
    assert hs.SOURCE_NAMES == BUILTIN
    assert tuple(k.name for k in kinds()) == BUILTIN
    assert [column(n) for n in BUILTIN] == list(range(6))
    assert (delivered_by("quickflow"), delivered_by("store")) == (0, 1)
    assert hs.INPUT_NAMES == ("fertiliser", "fixation", "deposition", "livestock", "rural_domestic", "point",
                              "deposition_oxidised")


def test_a_registered_kind_is_read_and_is_the_last_column_of_the_loads(fish_ponds):
    assert (*BUILTIN, "fish_ponds") == hs.SOURCE_NAMES
    params = params_from(BASIN)
    assert params.subbasins[0].block("fish_ponds").area_ha.at([2020])[0] == 20.0
    assert params.subbasins[1].block("fish_ponds") is None
    years = np.repeat([2019, 2020], [365, 366])
    n = len(years)
    quick, base = np.full((n, 2), 0.5), np.full((n, 2), 0.2)
    loads, names, _ = daily_loads(params, years, quick, base, [10.0, 5.0])
    assert names == (*BUILTIN, "fish_ponds") and loads.shape == (n, 2, 7)
    k = names.index("fish_ponds")
    # 20 ha x 730 kg/ha/yr x 0.5 / days in the year
    np.testing.assert_allclose(loads[:365, 0, k], 20.0 * 730.0 * 0.5 / 365, rtol=1e-14)
    np.testing.assert_allclose(loads[365:, 0, k], 20.0 * 730.0 * 0.5 / 366, rtol=1e-14)
    assert np.all(loads[:, 1, k] == 0)
    # the other sources are what they were without it
    unregister("fish_ponds")
    plain, _, _ = daily_loads(params_from(BASIN.replace(PONDS, "")), years, quick, base, [10.0, 5.0])
    register(FishPondsKind)
    assert np.array_equal(loads[:, :, :6], plain)
    inputs = gross_inputs(params, [2019, 2020], [10.0, 5.0])
    assert hs.INPUT_NAMES[-1] == "aquaculture_feed"
    np.testing.assert_allclose(inputs[:, 0, -1], 20.0 * 730.0)


def test_a_registered_kind_takes_the_timing_of_the_constant_sources(fish_ponds):
    timed = BASIN.replace('id = "a"\n', 'id = "a"\n[subbasins.sources]\ndelivery_timing = "runoff"\n', 1)
    params = params_from(timed)
    years = np.repeat([2019], 365)
    quick = np.linspace(0.0, 2.0, 365)[:, None].repeat(2, axis=1)
    loads, names, _ = daily_loads(params, years, quick, quick * 0.0, [10.0, 5.0])
    k = names.index("fish_ponds")
    # shared out in proportion to runoff, the year's total kept
    np.testing.assert_allclose(loads[:, 0, k].sum(), 20.0 * 730.0 * 0.5, rtol=1e-12)
    np.testing.assert_allclose(loads[:, 0, k] / loads[-1, 0, k], quick[:, 0] / quick[-1, 0], rtol=1e-12)


def test_unknown_keys_suggest_the_registered_kind(fish_ponds):
    with pytest.raises(HydroError, match=r"unknown key.*fish_ponds"):
        params_from(BASIN.replace("[subbasins.sources.fish_ponds]", "[subbasins.sources.fish_pond]"))
    with pytest.raises(HydroError, match=r"fish_ponds.loss_fraction.*<= 1"):
        params_from(BASIN.replace("loss_fraction = 0.5", "loss_fraction = 1.5"))


def test_without_the_kind_its_table_is_an_unknown_key():
    with pytest.raises(HydroError, match=r"'a'.*fish_ponds.*unknown key"):
        params_from(BASIN)


def test_a_kind_cannot_take_a_registered_name_or_key(fish_ponds):
    with pytest.raises(HydroError, match="registered already"):
        register(FishPondsKind)

    class Nameless(SourceKind):
        key = "nameless"

    with pytest.raises(HydroError, match="set its name and key"):
        register(Nameless)


def test_a_registered_kind_reaches_the_results_source_coordinate(fish_ponds, tmp_path):
    dest = tmp_path / "ws"
    shutil.copytree(EXAMPLE, dest)
    text = (dest / "basin.toml").read_text()
    first = text.index("[[subbasins]]")
    second = text.index("[[subbasins]]", first + 1)
    (dest / "basin.toml").write_text(text[:second] + PONDS.lstrip() + "\n" + text[second:])
    res = run(Basin.load(dest, overrides=["run.end=2001-03-31"]))
    sources = list(res.coords["source"])
    assert sources[:7] == [*BUILTIN, "fish_ponds"]
    k, sub = sources.index("fish_ponds"), list(res.coords["subbasin"]).index("w1")
    delivered = np.asarray(res["subbasin_tn_source_input"])[:, sub, k]
    np.testing.assert_allclose(delivered, 20.0 * 730.0 * 0.5 / 365, rtol=1e-12)
    assert np.asarray(res["tn_source_load"])[:, :, k].max() > 0
