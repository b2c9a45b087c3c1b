"""A scenario's measures act from their own start, not in the days before it (review).

The shipped basins blend yearly source rates across 1 January (``[sources.timing]``
``years = "blended"``, issue 13).  Blending a scenario's yearly rates made a measure
starting in year Y change the loads of Y-1 (and only part of its own effect in Y's first
months); the compiled scenario now carries the values without its measures
(``timing.before_measures``), the inventory keeps the baseline's blend, and each measure
scales it as a step on 1 January (docs/scenarios.md, "When a measure acts").

Tests on the shipped Miyun basin and its scenario file (measures from 2014; the WWTP
upgrade, 15 -> 10 mg/L, from 2015), on synthetic flows for the source model and on the
whole pipeline for the results.  Before the start: equal to the bit.  After: ratios and
yearly totals to 1e-12 relative (a quotient and a product of doubles, ~1e-16 each, and
sums over a year's 365 terms, ~1e-14; 1e-12 leaves room for that and nothing else).
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pytest

from hydro.errors import HydroError
from hydro.model import model_variant
from hydro.scenarios import BasinInfo, ScenarioFile, compile_scenario
from hydro.sources import SourceParameters, daily_loads, point_loads
from hydro.sources.loads import _yearly_rates
from hydro.sources.quality import quality_loads
from hydro.sources.quality_table import quality_table_of
from hydro.sources.timing import days_in_years, spread, stepped
from hydro.sources.washoff import blended_rates, timed_rates
from tests.test_store_nitrification import store_off

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = ROOT / "configs" / "scenarios" / "miyun.toml"
WATERSHED = ROOT / "configs" / "examples" / "watershed"
REL = 1e-12
START = 2014  # the first year of every measure of configs/scenarios/miyun.toml but the WWTP upgrade


@pytest.fixture(scope="module")
def miyun():
    """Baseline and ``all_measures`` sources of Miyun, and synthetic flows from 1 March 2013 to 2015
    (a start in March: the wash-off store's first 365 days reach into the measures' first year)."""
    info = BasinInfo.load("miyun")
    comp = compile_scenario(info, ScenarioFile.from_toml(SCENARIOS), "all_measures", range(2013, 2016))
    base = model_variant(info.path).basin
    scen = model_variant(info.path, comp.overrides).basin
    first = date(2013, 3, 1)
    days = [first + timedelta(k) for k in range((date(2015, 12, 31) - first).days + 1)]
    years = np.array([d.year for d in days])
    rng = np.random.default_rng(7)
    n = len(info.ids)
    quick = rng.gamma(0.3, 2.0, (len(days), n)) * (rng.random((len(days), n)) < 0.3)
    flows = (years, quick, np.full((len(days), n), 0.4), info.area_km2)
    return {"info": info, "comp": comp, "base": base, "scen": scen, "flows": flows,
            "pb": SourceParameters.from_subbasin_tables(base.subbasin_tables),
            "ps": SourceParameters.from_subbasin_tables(scen.subbasin_tables)}


def test_before_its_start_every_source_and_species_is_the_baseline_to_the_bit(miyun):
    years, quick, base, area = miyun["flows"]
    pb, ps = miyun["pb"], miyun["ps"]
    lb, names, gb = daily_loads(pb, years, quick, base, area)
    ls, _, gs = daily_loads(ps, years, quick, base, area)
    pre = years < START
    for j, name in enumerate(names):
        np.testing.assert_array_equal(ls[pre, :, j], lb[pre, :, j], err_msg=name)
    np.testing.assert_array_equal(gs.storage_kg[:pre.sum() + 1], gb.storage_kg[:pre.sum() + 1])
    table = store_off(quality_table_of(miyun["base"]))  # nitrification off: test_store_nitrification tests it
    pts_b, pts_s = point_loads(pb, years), point_loads(ps, years)
    qb = quality_loads(table, pb, years, quick, base, area, lb, pts_b)
    qs = quality_loads(table, ps, years, quick, base, area, ls, pts_s)
    for sp in qb.diffuse:
        np.testing.assert_array_equal(qs.diffuse[sp][pre], qb.diffuse[sp][pre], err_msg=sp)
        np.testing.assert_array_equal(qs.point[sp][years < 2015], qb.point[sp][years < 2015], err_msg=sp)
    # ... and the measures do act from their start
    assert np.all(ls[years == START].sum(axis=(0, 1)) <= lb[years == START].sum(axis=(0, 1)))
    assert ls[years == START].sum() < 0.995 * lb[years == START].sum()


def test_the_wwtp_upgrade_cuts_each_plant_by_its_stated_share_from_1_january(miyun):
    # wwtp_upgrade_1a: 15 -> 10 mg/L from 2015, the same effluent: 2/3 of the load on every day
    years = miyun["flows"][0]
    b, s = point_loads(miyun["pb"], years).loads_kg_per_day, point_loads(miyun["ps"], years).loads_kg_per_day
    assert b.shape[1] == 2
    np.testing.assert_array_equal(s[years < 2015], b[years < 2015])
    np.testing.assert_allclose(s[years >= 2015] / b[years >= 2015], 10.0 / 15.0, rtol=REL)


def test_after_its_start_each_blended_rate_is_the_baseline_times_the_years_ratio(miyun):
    years, _, _, area = miyun["flows"]
    pb, ps = miyun["pb"], miyun["ps"]
    run_years, index = np.unique(years, return_inverse=True)
    yb, ys = _yearly_rates(pb.subbasins, run_years, area), _yearly_rates(ps.subbasins, run_years, area)
    _, db = timed_rates(pb.subbasins, run_years, index, yb, area)
    _, ds = timed_rates(ps.subbasins, run_years, index, ys, area,
                        reference=_yearly_rates([s.reference or s for s in ps.subbasins], run_years, area))
    length = days_in_years(run_years)
    changed: set[str] = set()
    for key in blended_rates():
        for k, year in enumerate(run_years):
            days = index == k
            if year < START:
                np.testing.assert_array_equal(ds[key][days], db[key][days], err_msg=key)
                continue
            ratio = np.where(yb[key][k] > 0, ys[key][k] / np.where(yb[key][k] > 0, yb[key][k], 1.0), 1.0)
            np.testing.assert_allclose(ds[key][days], db[key][days] * ratio, rtol=REL, err_msg=f"{key} {year}")
            changed.update([key] if np.any(ratio != 1.0) else [])
            if days.sum() == length[k]:  # a whole calendar year keeps the scenario's yearly rate
                np.testing.assert_allclose(ds[key][days].sum(axis=0), ys[key][k] * length[k], rtol=REL,
                                           err_msg=f"{key} {year}")
    assert changed == {"emc_mg_per_l", "gw_input_kg_d", "rural_domestic", "livestock"}


def test_stepped_follows_the_reference_where_the_year_is_unchanged():
    means = np.array([[2.0, 0.0], [1.0, 3.0], [1.0, 3.0]])
    reference = np.array([[2.0, 0.0], [2.0, 0.0], [2.0, 3.0]])
    years = np.array([2001, 2002, 2003])
    index = np.repeat(np.arange(3), days_in_years(years))
    doy = np.concatenate([np.arange(1, int(n) + 1) for n in days_in_years(years)])
    daily_ref = spread(reference, years, index, doy, np.array([True, True]))
    out = stepped(means, reference, daily_ref, index)
    np.testing.assert_array_equal(out[index == 0], daily_ref[index == 0])        # unchanged: the reference
    np.testing.assert_array_equal(out[index == 2, 1], daily_ref[index == 2, 1])
    np.testing.assert_allclose(out[index == 1, 0], daily_ref[index == 1, 0] / 2.0, rtol=REL)  # halved
    np.testing.assert_array_equal(out[index == 1, 1], 3.0)    # a reference of 0: the year's rate
    np.testing.assert_allclose(out[index == 2, 0], daily_ref[index == 2, 0] / 2.0, rtol=REL)


def test_a_run_in_blocks_of_a_scenario_equals_one_block(miyun):
    # hydro.blocked: each block's days over the whole run's years, the stores carried; the
    # reference's blend and the steps are computed over the whole run's years in every block
    years, quick, base, area = miyun["flows"]
    ps = miyun["ps"]
    mean_base = base.mean(axis=0)
    from hydro.sources.washoff import washed_fraction, washoff_coefficients

    washed = washed_fraction(quick, washoff_coefficients(ps.subbasins)).mean(axis=0)
    one, _, _ = daily_loads(ps, years, quick, base, area, mean_base_mm=mean_base, mean_washed=washed)
    stores: dict = {}
    run_years = np.unique(years)
    parts, gw = [], None
    for block in (years <= 2014, years >= 2015):  # whole calendar years, the first at least a year long
        loads, _, state = daily_loads(ps, years[block], quick[block], base[block], area, initial_gw_kg=gw,
                                      mean_base_mm=mean_base, run_years=run_years, stores=stores,
                                      mean_washed=washed)
        parts.append(loads)
        gw = state.final_kg
    # the stores are carried exactly; the groundwater store's start is the previous end: round-off
    np.testing.assert_allclose(np.concatenate(parts), one, rtol=1e-12, atol=1e-9)


def test_the_compiled_scenario_carries_the_values_without_its_measures(miyun):
    comp, info = miyun["comp"], miyun["info"]
    lines = [o for o in comp.overrides if ".timing.before_measures=" in o]
    changed = {o.split(".")[1] for o in comp.overrides if ".sources." in o and "before_measures" not in o}
    assert {line.split(".")[1] for line in lines} == changed        # every changed subbasin, blended
    sub = next(s for s in miyun["ps"].subbasins if s.subbasin == "chao_dage")
    ref = sub.reference
    assert ref is not None and ref.reference is None
    base = next(s for s in miyun["pb"].subbasins if s.subbasin == "chao_dage")
    assert ref.point[0].tn_mg_per_l.at([2015])[0] == base.point[0].tn_mg_per_l.at([2015])[0] == 15.0
    assert sub.point[0].tn_mg_per_l.at([2015])[0] == 10.0
    assert info.ids  # the basin file itself is untouched: the baseline has no reference
    assert all(s.reference is None for s in miyun["pb"].subbasins)


def test_a_basin_without_blended_years_gets_no_reference(tmp_path):
    # the example watershed has no [sources.timing]: calendar-year constants, nothing to leak
    comp = compile_scenario(BasinInfo.load(WATERSHED), ScenarioFile.from_toml(ROOT / "configs" / "scenarios" /
                                                                             "watershed.toml"),
                            "all_measures", range(2001, 2011))
    assert comp.overrides and not any("before_measures" in o for o in comp.overrides)


def test_measure_costs_start_in_the_year_the_measure_acts(miyun):
    comp = miyun["comp"]
    cost = comp.cost()
    years = list(comp.years)
    assert cost[years.index(2013)] == 0.0 and cost[years.index(2014)] > 0.0
    for mid, m in ScenarioFile.from_toml(SCENARIOS).measures.items():
        c = comp.cost(mid)
        if c.any():
            assert years[int(np.flatnonzero(c)[0])] == m.years[0], mid


@pytest.mark.parametrize("value, words", [
    ("0.3", "expected a table of source parameter paths"),
    ('{"rural_domestic.no_such_key" = 0.3}', "no such parameter in this subbasin's sources"),
])
def test_a_bad_before_measures_table_is_a_located_error(miyun, value, words):
    sid = miyun["info"].ids[0]
    with pytest.raises(HydroError) as err:
        model_variant(miyun["info"].path, [f"subbasins.{sid}.sources.timing.before_measures={value}"])
    assert words in str(err.value) and sid in str(err.value) and "timing.before_measures" in str(err.value)


def test_a_scenario_run_equals_its_baseline_on_every_day_before_its_measures():
    # the whole pipeline (routing, reservoirs, transport, every species and source tag), with
    # the measures' costs: nothing before 2014, the sewage networks' capital in 2014
    from hydro.scenarios.run import run_one

    info, sfile = BasinInfo.load("miyun"), ScenarioFile.from_toml(SCENARIOS)
    start, end = date(2013, 1, 1), date(2014, 8, 31)
    base, _ = run_one(info, sfile, "baseline", start, end)
    scen, comp = run_one(info, sfile, "domestic", start, end)
    pre = np.array([d.year < START for d in base.dates])
    timed = [n for n in base.data if base.dims(n)[:1] == ("time",)]
    assert len(timed) > 50
    for name in timed:
        np.testing.assert_array_equal(np.asarray(scen[name])[pre], np.asarray(base[name])[pre], err_msg=name)
    loads = np.asarray(scen["subbasin_tn_source_input"])[~pre].sum() / np.asarray(
        base["subbasin_tn_source_input"])[~pre].sum()
    assert loads < 0.999
    assert comp.cost()[list(comp.years).index(2013)] == 0.0 < comp.cost()[list(comp.years).index(2014)]


def test_a_run_starting_with_its_measures_starts_its_stores_as_the_baseline(miyun):
    # the legacy N in the groundwater store (and the wash-off store's start) is what the years
    # before the measures left, not a steady state as if the measures had always been in place
    years, quick, base, area = miyun["flows"]
    late = years >= START
    args = (years[late], quick[late], base[late], area)
    _, _, gb = daily_loads(miyun["pb"], *args)
    _, _, gs = daily_loads(miyun["ps"], *args)
    np.testing.assert_array_equal(gs.storage_kg[0], gb.storage_kg[0])
    assert gs.input_kg_per_day[:365].sum() < gb.input_kg_per_day[:365].sum()


def test_a_weather_ensemble_member_sees_the_measures_from_their_start_only():
    # hydro scenarios --members: every scenario on one generated weather (run_one with weather)
    from hydro.ensemble import member_weather
    from hydro.scenarios.run import ENSEMBLE_VARIABLES, run_one

    info, sfile = BasinInfo.load("miyun"), ScenarioFile.from_toml(SCENARIOS)
    start, end = date(2013, 1, 1), date(2014, 8, 31)
    weather = member_weather(model_variant(info.path).basin, start, end, 3)
    base, _ = run_one(info, sfile, "baseline", start, end, weather=weather, constituents=("tn",))
    scen, _ = run_one(info, sfile, "all_measures", start, end, weather=weather, constituents=("tn",))
    pre = np.array([d.year < START for d in base.dates])
    for name in ENSEMBLE_VARIABLES:
        np.testing.assert_array_equal(np.asarray(scen[name])[pre], np.asarray(base[name])[pre], err_msg=name)
    assert not np.array_equal(np.asarray(scen["reservoir_tn_concentration"])[~pre],
                              np.asarray(base["reservoir_tn_concentration"])[~pre])
