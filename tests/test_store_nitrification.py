"""Nitrification of the wash-off store's ammonium (issue 14, :mod:`hydro.sources.quality_store`).

Against closed forms (constant build-up and temperature, no wash-off; a store in balance), conservation
(TN and its store untouched, only species moved), exactness across blocks, and the switch: off, every
species is the same bit for bit.

Tolerances: the store is a product of ~10^3 daily factors, each rounded once (1e-16 relative), so the closed
forms and the block joins agree to ~1e-13 relative; REL = 1e-10 leaves room for that and nothing else.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from hydro.errors import HydroError
from hydro.sources import SourceParameters, daily_loads, point_loads, quality_loads, read_quality_table
from hydro.sources.quality_store import CARRY_KEY, StoreNitrification, aged_store, nitrified_share
from hydro.sources.timing import SourceTiming
from hydro.sources.washoff import CONTENT_KEY, washed_sources
from tests.test_source_timing import COL, REGION, calendar_days, subbasin

REL = 1e-10
#: SWAT 2009 eq. 3:1.3.1: 0.41 (T - 5) / 10 per day above 5 degC.
SWAT = "\n[washoff_store]\nnitrification_per_degc_day = 0.041\nnitrification_min_temp_c = 5.0\n"
WASHED = [COL[n] for n in washed_sources()]


def region_without_store() -> str:
    """The shipped regional table with its ``[washoff_store]`` block (R15) taken out: the process off."""
    text = REGION.read_text(encoding="utf-8")
    start = text.index("\n[washoff_store]\n")
    end = text.index("\n\n", start + 1)
    return text[:start] + text[end:]


def table(tmp_path: Path, extra: str = SWAT):
    path = tmp_path / "quality.toml"
    path.write_text(region_without_store() + extra, encoding="utf-8")
    return read_quality_table(path)


def store_off(tab):
    """``tab`` (a regional quality table) with the wash-off store's nitrification off (R15): for the tests of
    other properties that call ``quality_loads`` on the shipped table without the air temperature and TN's
    store it needs (this module tests the process itself, and a basin run with it on)."""
    import dataclasses

    return dataclasses.replace(tab, store_nitrification=StoreNitrification())


def species(tab, sub, years, quick, temp, stores=None, mean_washed=None, run_years=None, mean_nitrified=None):
    """TN and its species of one subbasin as the sources step computes them (kg/d), ``stores`` carried."""
    params = SourceParameters((sub,))
    stores = {} if stores is None else stores
    base = np.full_like(quick, 0.5)
    tn, _, _ = daily_loads(params, years, quick[:, None], base[:, None], [100.0], stores=stores,
                           mean_washed=mean_washed, run_years=run_years)
    store = stores.pop(CONTENT_KEY)
    q = quality_loads(tab, params, years, quick[:, None], base[:, None], [100.0], tn, point_loads(params, years),
                      run_years=run_years, stores=stores, mean_washed=mean_washed,
                      air_temp_c=np.asarray(temp, dtype=np.float64)[:, None], tn_store=store,
                      mean_nitrified=mean_nitrified)
    return tn, q, store


def calendar_sub():
    """Constant build-up on every day of a calendar year (no blending across years)."""
    return subbasin(timing=SourceTiming(years="calendar", washoff_per_mm=0.18))


def test_store_without_washoff_nitrifies_as_the_closed_form():
    n_day, b, temp = 200, 3.0, 15.0
    n = 1.0 - math.exp(-0.041 * (temp - 5.0))      # 0.336 of the ammonium per day at 15 degC
    share = np.broadcast_to(np.array([0.45, 0.45]), (n_day, 1, 1, 2))
    _, content = aged_store(np.full((n_day, 1, 1), b), share, np.ones((n_day, 1)), np.full((n_day, 1), n),
                            np.zeros((1, 1, 3)))
    days = np.arange(n_day + 1)
    nh3 = b * 0.45 * (1.0 - n) * (1.0 - (1.0 - n) ** days) / n
    np.testing.assert_allclose(content[:, 0, 0, 0], b * days, rtol=REL)
    np.testing.assert_allclose(content[:, 0, 0, 1], 0.45 * b * days, rtol=REL)
    np.testing.assert_allclose(content[:, 0, 0, 2], nh3, rtol=REL, atol=1e-12)
    no3 = content[:, 0, 0, 0] - content[:, 0, 0, 1] - content[:, 0, 0, 2]
    np.testing.assert_allclose(no3, b * days * 0.55 - nh3, rtol=REL, atol=1e-12)
    assert nitrified_share(np.array([4.0, 5.0, 15.0]), StoreNitrification(0.041)).tolist()[:2] == [0.0, 0.0]


def test_a_dry_year_ages_the_store_as_the_closed_form(tmp_path):
    """Through the sources step: no quick flow (nothing washed, the store starts empty), 15 degC every day."""
    years, _ = calendar_days(2015, 1)
    quick, temp = np.zeros(years.size), np.full(years.size, 15.0)
    stores: dict = {}
    tn, _, store = species(table(tmp_path), calendar_sub(), years, quick, temp, stores)
    n = 1.0 - math.exp(-0.041 * 10.0)
    days = years.size
    for j, col in enumerate(WASHED):
        b = store.buildup_kg_per_day[0, 0, j]
        assert np.all(store.buildup_kg_per_day[:, 0, j] == b) and np.all(tn[:, 0, col] == 0)
        region = read_quality_table(REGION)  # the build-up's split (R4, R5)
        f_o, f_h = {COL["rural_domestic"]: region.rural_domestic.tn,
                    COL["livestock"]: region.livestock.tn}[col].as_tuple()[:2]
        assert b == 0 or abs(store.storage_kg[-1, 0, j] - b * days) <= REL * b * days
        nh3 = b * f_h * (1 - n) * (1 - (1 - n) ** days) / n
        np.testing.assert_allclose(stores[CARRY_KEY][0, j], [f_o * b * days, nh3], rtol=REL, atol=1e-12)


def test_a_store_in_balance_washes_off_the_same_species_every_day(tmp_path):
    """Constant build-up, quick flow and temperature: the steady start is the store's balance, so the washed
    load's ammonium share is the same from the first day, ``f_h (1 - r) / (1 - r (1 - n))``."""
    years, _ = calendar_days(2015, 1)
    quick, temp = np.full(years.size, 0.8), np.full(years.size, 12.0)
    tn, q, _ = species(table(tmp_path), calendar_sub(), years, quick, temp)
    r, n = math.exp(-0.18 * 0.8), 1.0 - math.exp(-0.041 * 7.0)
    region = read_quality_table(REGION)
    for col, split in ((COL["rural_domestic"], region.rural_domestic.tn), (COL["livestock"], region.livestock.tn)):
        ratio = q.diffuse["nh3n"][:, 0, col] / tn[:, 0, col]
        np.testing.assert_allclose(ratio, split.nh3n * (1 - r) / (1 - r * (1 - n)), rtol=REL)
        np.testing.assert_allclose(q.diffuse["orgn"][:, 0, col] / tn[:, 0, col], split.orgn, rtol=REL)


def seasons(n_years: int = 2):
    years, season = calendar_days(2015, n_years)
    quick = np.where(season > 0.6, 3.0 * season, 0.05)
    return years, quick, -10.0 + 35.0 * season      # -10 degC in January, 25 degC in July


def test_nitrification_moves_ammonium_to_nitrate_and_keeps_tn(tmp_path):
    years, quick, temp = seasons()
    off_stores: dict = {}
    tn, off, store = species(table(tmp_path, ""), subbasin(), years, quick, temp, off_stores)
    tn_on, on, store_on = species(table(tmp_path), subbasin(), years, quick, temp)
    assert np.array_equal(tn_on, tn) and np.array_equal(store_on.storage_kg, store.storage_kg)  # TN untouched
    total = on.diffuse["orgn"] + on.diffuse["nh3n"] + on.diffuse["no3n"]
    np.testing.assert_allclose(total, tn, rtol=REL, atol=1e-12)            # every source and day
    others = [k for k in range(tn.shape[2]) if k not in WASHED]
    for sp in ("orgn", "nh3n", "no3n", "dp", "pp", "codmn"):
        assert np.array_equal(on.diffuse[sp][:, :, others], off.diffuse[sp][:, :, others]), sp
    moved = off.diffuse["nh3n"][:, 0, WASHED] - on.diffuse["nh3n"][:, 0, WASHED]
    assert np.all(moved >= -1e-12) and moved.sum() > 0.2 * off.diffuse["nh3n"][:, 0, WASHED].sum()
    np.testing.assert_allclose(on.diffuse["no3n"][:, 0, WASHED] - off.diffuse["no3n"][:, 0, WASHED], moved,
                               rtol=0, atol=REL * float(tn.max()))
    np.testing.assert_allclose(on.diffuse["orgn"], off.diffuse["orgn"], rtol=REL)   # no ammonification
    assert CARRY_KEY not in off_stores


def test_off_is_the_same_bit_for_bit(tmp_path):
    years, quick, temp = seasons()
    _, shipped, _ = species(table(tmp_path, ""), subbasin(), years, quick, temp)
    zero = table(tmp_path, "\n[washoff_store]\nnitrification_per_degc_day = 0.0\n")
    _, off, _ = species(zero, subbasin(), years, quick, temp)
    for sp, a in shipped.diffuse.items():
        assert np.array_equal(off.diffuse[sp], a), sp


def test_blocks_of_a_year_equal_one_run(tmp_path):
    years, quick, temp = seasons(3)
    tab, run_years = table(tmp_path), np.unique(years)
    from hydro.sources.washoff import washed_fraction

    mean = washed_fraction(quick[:, None], np.array([0.18])).mean(axis=0)   # the basin's, as store_means gives
    nit = nitrified_share(temp, StoreNitrification(0.041, 5.0)).mean()[None]   # likewise
    _, one, _ = species(tab, subbasin(), years, quick, temp, mean_washed=mean, run_years=run_years, mean_nitrified=nit)
    stores: dict = {}
    parts = []
    for y in run_years:
        d = years == y
        parts.append(species(tab, subbasin(), years[d], quick[d], temp[d], stores, mean, run_years, nit)[1])
    for sp in ("orgn", "nh3n", "no3n"):   # the washed sources (this harness does not carry groundwater's store)
        joined = np.concatenate([p.diffuse[sp][:, :, WASHED] for p in parts])
        want = one.diffuse[sp][:, :, WASHED]
        np.testing.assert_allclose(joined, want, rtol=0, atol=REL * float(want.max()), err_msg=sp)


@pytest.mark.parametrize("extra, words", [
    ("\n[washoff_store]\nnitrification_per_degc_day = -0.041\n",
     ["quality.toml", "washoff_store.nitrification_per_degc_day", ">= 0"]),
    ("\n[washoff_store]\nnitrification_per_degc = 0.041\n", ["quality.toml", "washoff_store.nitrification_per_degc"]),
    ("\n[washoff_store]\nnitrification_min_temp_c = \"5\"\n", ["washoff_store.nitrification_min_temp_c"]),
])
def test_bad_keys_name_the_file_and_key(tmp_path, extra, words):
    with pytest.raises(HydroError) as err:
        table(tmp_path, extra)
    for w in words:
        assert w in str(err.value), (w, str(err.value))


def test_on_without_temperature_is_a_clear_error(tmp_path):
    years, quick, _ = seasons(1)
    params = SourceParameters((subbasin(),))
    tn, _, _ = daily_loads(params, years, quick[:, None], quick[:, None], [100.0])
    with pytest.raises(HydroError, match="air temperature"):
        quality_loads(table(tmp_path), params, years, quick[:, None], quick[:, None], [100.0], tn,
                      point_loads(params, years))


def test_a_basin_run_nitrifies_its_stores_at_the_subbasins_temperature():
    """The sources step gives the store the subbasins' air temperature (hydro.pipeline_steps): Guanting's
    first year with the key on carries less NH3-N and more nitrate at every section, and the same TN
    (the transport's flux limiter acts on each species, so TN moves by round-off-sized amounts only)."""
    import dataclasses
    from datetime import timedelta

    from hydro.basin import ROOT, Basin
    from hydro.simulation import run

    basin = Basin.load(ROOT / "basins" / "guanting")
    assert basin.quality_table is not None
    assert basin.quality_table.store_nitrification == StoreNitrification(0.041, 5.0)   # shipped: SWAT's (R15)
    on = basin
    basin = dataclasses.replace(basin, quality_table=dataclasses.replace(
        basin.quality_table, store_nitrification=StoreNitrification()))
    start = basin.settings.start
    end = start + timedelta(days=364)
    off_run, on_run = run(basin, start, end), run(on, start, end)
    nh3_off, nh3_on = (r.data["section_nh3n_concentration"].mean(axis=0) for r in (off_run, on_run))
    no3_off, no3_on = (r.data["section_no3n_concentration"].mean(axis=0) for r in (off_run, on_run))
    assert np.all(nh3_on < nh3_off) and np.all(no3_on > no3_off)
    np.testing.assert_allclose(on_run.data["section_tn_concentration"], off_run.data["section_tn_concentration"],
                               rtol=1e-6)   # measured 3e-9 over 2000-2020


def test_a_short_run_is_a_longer_runs_first_days():
    """The store's species start from the basin's period's mean nitrified share (store_means), as its TN from
    the mean washed share: a run ending in March gives the NH3-N of a run ending in December on the days they
    share (before, the start took the run's own first days: up to 22 % apart at Miyun's sections)."""
    from datetime import date

    from hydro.basin import ROOT, Basin
    from hydro.simulation import run

    basin = Basin.load(ROOT / "basins" / "miyun")
    assert basin.quality_table is not None and basin.quality_table.store_nitrification.on   # shipped (R15)
    short, long = run(basin, date(2000, 1, 1), date(2000, 3, 31)), run(basin, date(2000, 1, 1), date(2000, 12, 31))
    n = len(short.dates)
    for name in ("section_nh3n_concentration", "section_no3n_concentration", "subbasin_nh3n_source_input"):
        a, b = np.asarray(short.data[name]), np.asarray(long.data[name])[:n]
        # the same days from the same inputs: round-off (the blend's clip check spans each calendar's years)
        np.testing.assert_allclose(a, b, rtol=1e-9, atol=1e-12, err_msg=name)
