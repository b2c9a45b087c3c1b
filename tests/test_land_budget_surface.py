"""Fertiliser and manure put on the wash-off store (``[sources.timing] surface_fraction``) in the land budget and in
the soil (a review of the land budget in every run mode, 2026-12-06): the surface share was counted in the soil's
surplus (crop uptake, leaching) *and* washed off to the rivers, 250 t a year twice in this made subbasin, while the
budget closed by hiding it; its path left build-up less wash-off in ``timing_remainder``.  Now the soil takes the
rest, ``surface_to_washoff`` is its own fate, and ``quickflow_export`` is the EMC x quick flow alone.

Tolerance: 1e-12 of the gross input, as tests/test_land_budget.py (ulps of sums of 365 daily loads)."""

from __future__ import annotations

import tomllib

import numpy as np

from hydro.land_budget import INVENTORY_FATES, LAND_TERMS, land_budget
from hydro.sources import SourceParameters, daily_loads, gross_inputs
from hydro.sources.washoff import surface_washed_by_subbasin
from hydro.tomlio import Table

T = {name: i for i, name in enumerate(LAND_TERMS)}
BASIN = """
[[subbasins]]
id = "a"
[subbasins.sources]
delivery_timing = "washoff"
[subbasins.sources.timing]
years = "calendar"
washoff_per_mm = 0.2
surface_fraction = {sf}
[subbasins.sources.groundwater]
leaching_fraction = 0.2
residence_years = 3.0
[subbasins.sources.land_use.cropland]
share = 1.0
emc_mg_per_l = 2.0
fertiliser_kg_per_ha_yr = 250.0
uptake_kg_per_ha_yr = 150.0
manure_kg_per_ha_yr = 40.0   # manure on the surface too (its share was not told apart from fertiliser)
[subbasins.sources.livestock.pig]
head = 20000
excretion_kg_per_head_yr = 6.1
loss_fraction = 0.1
"""
YEARS = np.array([2001, 2002])
AREA = np.array([200.0])
DAYS = np.repeat(YEARS, 365)


def _budget(sf: float):
    params = SourceParameters.from_table(Table(tomllib.loads(BASIN.format(sf=sf)), "basin.toml"))
    rng = np.random.default_rng(5)
    quick, base = rng.gamma(0.5, 1.0, (730, 1)), rng.gamma(2.0, 0.5, (730, 1))
    stores: dict = {}
    loads, _, gw = daily_loads(params, DAYS, quick, base, AREA, stores=stores)
    store = stores["washoff_tn_store"]
    storage = store.storage_kg.sum(axis=2)
    gross = gross_inputs(params, YEARS, AREA)
    table = land_budget(params, YEARS, AREA, gross, DAYS, loads, gw.storage_kg, storage, np.zeros((730, 1)),
                        surface_washed_by_subbasin(params.subbasins, store))
    return table, gross, quick


def test_the_surface_share_leaves_the_soil_and_is_its_own_fate():
    table, gross, _ = _budget(0.05)
    ha = 200.0 * 100.0
    # 5 % of 250 kg/ha of fertiliser and 40 of manure on 20,000 ha lies on the surface: 290 t a year; the soil keeps
    # 275.5 kg/ha, 125.5 above uptake
    np.testing.assert_allclose(table[:, 0, T["surface_to_washoff"]], 0.05 * (250.0 + 40.0) * ha, rtol=1e-12)
    np.testing.assert_allclose(table[:, 0, T["crop_uptake"]], 150.0 * ha, rtol=1e-12)
    np.testing.assert_allclose(table[:, 0, T["leached_to_groundwater"]] + table[:, 0, T["surplus_not_leached"]],
                               (0.95 * (250.0 + 40.0) - 150.0) * ha, rtol=1e-12)
    fates = table[..., [T[n] for n in INVENTORY_FATES]].sum(axis=-1)
    np.testing.assert_allclose(fates, gross.sum(axis=2), rtol=0, atol=1e-12 * gross.sum(axis=2).max())
    np.testing.assert_allclose(table[..., T["inventory_unaccounted"]], 0.0, atol=1e-12 * gross.sum(axis=2).max())


def test_the_path_closes_with_the_surface_n_and_the_emc_export_alone():
    table, gross, quick = _budget(0.05)
    # whole calendar years, no blend: nothing for the remainder
    np.testing.assert_allclose(table[..., T["timing_remainder"]], 0.0, atol=1e-12 * gross.sum(axis=2).max())
    emc_kg = np.array([(2.0 * quick[:, 0] * AREA[0])[y == DAYS].sum() for y in YEARS])  # 1 mg/L x 1 mm x 1 km2 = 1 kg
    np.testing.assert_allclose(table[:, 0, T["quickflow_export"]], emc_kg, rtol=1e-12)


def test_without_a_surface_share_nothing_changes():
    table, _, _ = _budget(0.0)
    assert not table[..., T["surface_to_washoff"]].any()
    np.testing.assert_allclose(table[:, 0, T["crop_uptake"]], 150.0 * 20000.0, rtol=1e-12)
