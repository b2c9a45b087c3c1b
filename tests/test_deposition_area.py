"""The water surface is part of a subbasin's area (hydro.sources.deposition, docs/sources.md "Area rule").

``water_area_km2`` used to be counted on top of land-use shares that already cover the whole
``area_km2``: the water surface took the land rate and the water rate.  These tests hold the rule:
the areas deposition is counted on add up to the subbasin's area, land deposition falls on the land
only (inventory, soil surplus, wash-off applied N), the water surface fills a class named ``water``
first, and the stacked path (many subbasins at once) agrees with one subbasin at a time.
"""

from __future__ import annotations

import numpy as np
import pytest

from hydro.sources import (
    INPUT_NAMES,
    Deposition,
    Groundwater,
    LandUse,
    SourceParameters,
    SubbasinSources,
    gross_inputs,
)
from hydro.sources.deposition import counted_surfaces, land_fractions
from hydro.sources.groundwater import surplus
from hydro.sources.loads import yearly_rates
from hydro.sources.stacked import rates as stacked_rates
from hydro.sources.washoff import applied_n

YEARS = np.array([2015, 2016])
DAYS = np.array([365.0, 366.0])


def _sub(classes, water_km2, land_rate=20.0, name="s"):
    """A subbasin of ``classes`` ((name, share, fertiliser) each) with ``water_km2`` of water surface."""
    lus = tuple(LandUse(n, sh, 1.0, fertiliser_kg_per_ha_yr=f) for n, sh, f in classes)
    return SubbasinSources(name, land_use=lus, groundwater=Groundwater(0.5, 2.0),
                           deposition=Deposition(40.0, water_km2, land_rate_kg_per_ha_yr=land_rate))


def _inventory(sub, area_km2):
    row = gross_inputs(SourceParameters((sub,)), [2015], [area_km2])[0, 0]
    return dict(zip(INPUT_NAMES, row, strict=True))


@pytest.mark.parametrize("seed", range(30))
def test_counted_areas_add_up_to_the_subbasin_area(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 5))
    shares = rng.dirichlet(np.ones(n))
    shares[-1] = 1.0 - shares[:-1].sum()
    names = [f"c{i}" for i in range(n)]
    if rng.random() < 0.5:
        names[int(rng.integers(n))] = "water"
    area = float(rng.uniform(1.0, 3000.0))
    water = float(rng.uniform(0.0, 1.0)) * area * float(rng.choice([0.001, 0.05, 1.0]))
    sub = _sub(list(zip(names, shares, np.zeros(n), strict=True)), water)
    ha = area * 100.0
    parts = counted_surfaces(sub, YEARS, ha)
    total = sum(a for a, _ in parts)
    np.testing.assert_allclose(total, ha, rtol=1e-12)
    assert all((np.asarray(a) >= 0).all() for a, _ in parts)
    np.testing.assert_allclose(parts[-1][0], water * 100.0, rtol=1e-15)  # the water surface, last
    for f in land_fractions(sub, YEARS, area):
        assert ((f >= 0.0) & (f <= 1.0)).all()


def test_no_classes_counts_the_land_less_the_water():
    sub = SubbasinSources("s", deposition=Deposition(40.0, 2.0, land_rate_kg_per_ha_yr=20.0))
    parts = counted_surfaces(sub, YEARS, 10_000.0)
    np.testing.assert_allclose([a for a, _ in parts], [[9_800.0] * 2, [200.0] * 2])


def test_water_surface_is_not_counted_twice_in_a_small_basin():
    """10 km2 of cropland (share 1) holding 1 km2 of river: land 900 ha at 20, water 100 ha at 40."""
    sub = _sub([("crop", 1.0, 0.0)], 1.0)
    row = _inventory(sub, 10.0)
    assert row["deposition"] == pytest.approx(900 * 20.0 + 100 * 40.0, rel=1e-14)  # was 1000 x 20 + 100 x 40
    # the soil surplus (per ha of the subbasin) has deposition on the land only: 20 x 0.9
    np.testing.assert_allclose(surplus(sub, YEARS, 10.0), [18.0, 18.0], rtol=1e-14)
    r = yearly_rates(sub, YEARS, 10.0)
    np.testing.assert_allclose(r["gw_input_kg_d"], 0.5 * 18.0 * 1000.0 / DAYS, rtol=1e-14)
    # wash-off's applied N (other: deposition on land and fixation), kg/d
    np.testing.assert_allclose(applied_n(sub, YEARS, 10.0)[2], 900 * 20.0 / DAYS, rtol=1e-14)
    # the water surface's own deposition is delivered as before: 100 ha x 40
    np.testing.assert_allclose(r["deposition"], 100 * 40.0 / DAYS, rtol=1e-14)


def test_fertiliser_and_other_class_rates_keep_the_whole_share():
    sub = _sub([("crop", 0.5, 200.0), ("forest", 0.5, 0.0)], 1.0)
    assert _inventory(sub, 10.0)["fertiliser"] == pytest.approx(500 * 200.0, rel=1e-14)


def test_water_class_holds_the_water_surface_first():
    # water class 1 km2 of 10, water surface 0.4 km2: the class's other 0.6 km2 take the land rate
    sub = _sub([("crop", 0.9, 0.0), ("water", 0.1, 0.0)], 0.4)
    fr = land_fractions(sub, YEARS, 10.0)
    np.testing.assert_allclose(fr, [[1.0, 1.0], [0.6, 0.6]], rtol=1e-14)
    assert _inventory(sub, 10.0)["deposition"] == pytest.approx((900 + 60) * 20.0 + 40 * 40.0, rel=1e-14)
    # water surface 2.9 km2 > the class's 1 km2: the class is all water, 1.9 km2 lie in the crop's 9
    sub = _sub([("crop", 0.9, 0.0), ("water", 0.1, 0.0)], 2.9)
    fr = land_fractions(sub, YEARS, 10.0)
    np.testing.assert_allclose(fr, [[1.0 - 1.9 / 9.0] * 2, [0.0, 0.0]], rtol=1e-14)
    assert _inventory(sub, 10.0)["deposition"] == pytest.approx(710 * 20.0 + 290 * 40.0, rel=1e-13)


def test_water_class_rate_override_applies_to_its_land_part_only():
    """Guanting's pattern: a water class at deposition 0 larger than the water surface."""
    lus = (LandUse("crop", 0.9, 1.0), LandUse("water", 0.1, 0.0, deposition_kg_per_ha_yr=0.0))
    sub = SubbasinSources("s", land_use=lus, groundwater=Groundwater(0.5, 2.0),
                          deposition=Deposition(40.0, 0.4, land_rate_kg_per_ha_yr=20.0))
    assert _inventory(sub, 10.0)["deposition"] == pytest.approx(900 * 20.0 + 40 * 40.0, rel=1e-14)


def _two(second, water_km2, name):
    """Cropland 0.7 (fertiliser 100) and ``second`` 0.3 with no deposition of its own (Guanting's water class)."""
    lus = (LandUse("crop", 0.7, 1.0, fertiliser_kg_per_ha_yr=100.0),
           LandUse(second, 0.3, 0.0, deposition_kg_per_ha_yr=0.0))
    return SubbasinSources(name, land_use=lus, groundwater=Groundwater(0.5, 2.0),
                           deposition=Deposition(40.0, water_km2, land_rate_kg_per_ha_yr=20.0))


def test_stacked_group_agrees_with_one_subbasin_at_a_time():
    """Same structure but a class named water in one and not the other: the water class must not be
    lost when many subbasins are computed together (hydro.sources.stacked groups them apart)."""
    subs = (_two("water", 5.0, "a"), _two("wetland", 5.0, "b"), _two("water", 1.0, "c"),
            _sub([("grass", 0.6, 100.0), ("forest", 0.4, 0.0)], 3.0, name="d"))
    area = np.array([20.0, 20.0, 30.0, 15.0])
    together = stacked_rates(subs, YEARS, DAYS, area, ["surplus_kg_per_ha_yr", "gw_input_kg_d"],
                             lambda s, y, a: yearly_rates(s, y, a))
    inv = gross_inputs(SourceParameters(subs), YEARS, area)
    for s, sub in enumerate(subs):
        alone = yearly_rates(sub, YEARS, float(area[s]))
        np.testing.assert_array_equal(together["surplus_kg_per_ha_yr"][:, s], alone["surplus_kg_per_ha_yr"])
        np.testing.assert_array_equal(inv[:, s], gross_inputs(SourceParameters((sub,)), YEARS, area[s:s + 1])[:, 0])
    # a and b differ only by the class's name: a's 5 km2 of water lie in its water class (crop all land),
    # b's in both classes (a quarter of each)
    a, b = (float(together["surplus_kg_per_ha_yr"][0, s]) for s in (0, 1))
    assert a == pytest.approx(0.7 * (100.0 + 20.0), rel=1e-14)
    assert b == pytest.approx(0.7 * (100.0 + 20.0 * 0.75), rel=1e-14)
    assert inv[0, 0, INPUT_NAMES.index("deposition")] == pytest.approx(1400 * 20.0 + 500 * 40.0, rel=1e-14)
    assert inv[0, 1, INPUT_NAMES.index("deposition")] == pytest.approx(1050 * 20.0 + 500 * 40.0, rel=1e-14)
