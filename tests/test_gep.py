"""GEP accounts (hydro.gep): the specification's formulas on hand-computed cases, prices by year,
fertiliser no longer raising purification, partial years, and every command of docs/commands/gep.md.

Expected values are products of a few exact decimals, so the tolerance is 1e-12 relative.
"""

from __future__ import annotations

import re
import shlex
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pytest

from hydro.errors import HydroError
from hydro.gep import (GepPrices, by_county, capacity_share, format_table, gep, landscape_retention,
                       retention_components, gep_totals)
from hydro.results import Results
from hydro.variables import BUDGET_TERMS

ROOT = Path(__file__).resolve().parents[1]


def tiny(start=date(2001, 1, 1), n_days=365, with_riparian=True, with_concentration=False) -> Results:
    """Two subbasins: a drains reach r, b drains reservoir res (r flows into res)."""
    days = [start + timedelta(days=i) for i in range(n_days)]
    years = sorted({d.year for d in days})
    res = Results(coords={"time": days, "subbasin": ["a", "b"], "reach": ["r"], "reservoir": ["res"],
                          "budget_year": years, "budget_term": list(BUDGET_TERMS)},
                  attrs={"subbasin_area_km2": "a=10;b=30", "subbasin_drains_to": "a=r;b=res",
                         "subbasin_county": "a=X;b=X", "subbasin_province": "a=P;b=P", "scenario": "base",
                         "network_downstream": "r=res"})
    res.data["subbasin_precipitation"] = np.tile([2.0, 1.0], (n_days, 1))   # mm/d
    res.data["subbasin_quickflow"] = np.tile([0.5, 0.1], (n_days, 1))
    res.data["subbasin_aet"] = np.tile([1.0, 0.8], (n_days, 1))
    res.data["subbasin_runoff"] = np.tile([0.7, 0.3], (n_days, 1))          # slow = 0.2 mm/d each
    k = BUDGET_TERMS.index("removal")
    br = np.zeros((len(years), 1, len(BUDGET_TERMS)))
    br[:, 0, k] = 2000.0                                                      # kg per year
    bs = np.zeros((len(years), 1, len(BUDGET_TERMS)))
    bs[:, 0, k] = 5000.0
    res.data["tn_budget_reach"] = br
    res.data["tn_budget_reservoir"] = bs
    if with_riparian:
        res.data["subbasin_tn_landscape_retention"] = np.tile([1000.0, 3000.0], (len(years), 1))
    if with_concentration:
        # reach: 17.28 kg/d in 0.1 m3/s = 8640 m3/d -> 2.0 mg/L, twice the Class III target (1.0)
        res.data["tn_load"] = np.full((n_days, 1), 17.28)
        res.data["discharge"] = np.full((n_days, 1), 0.1)
        # reservoir: 0.25 mg/L, below its Class II target (0.5)
        res.data["reservoir_storage"] = np.full((n_days, 1), 1e6)
        res.data["reservoir_tn_concentration"] = np.full((n_days, 1), 0.25)
    return res


def rows_by_sub(rows):
    return {r["subbasin"]: r for r in rows}


def add_pollutant(res: Results, p: str, reach_kg: float, reservoir_kg: float, reach_mg_per_l: float,
                  reservoir_mg_per_l: float) -> Results:
    """Budgets (removal, kg per year) and mean concentrations of pollutant ``p`` in tiny()'s r and res."""
    n_days, n_years = len(res.coords["time"]), len(res.coords["budget_year"])
    k = BUDGET_TERMS.index("removal")
    for kind, kg in (("reach", reach_kg), ("reservoir", reservoir_kg)):
        b = np.zeros((n_years, 1, len(BUDGET_TERMS)))
        b[:, 0, k] = kg
        res.data[f"{p}_budget_{kind}"] = b
    res.data["discharge"] = np.full((n_days, 1), 0.1)                          # 8640 m3/d
    res.data[f"{p}_load"] = np.full((n_days, 1), reach_mg_per_l * 8.64)       # kg/d
    res.data["reservoir_storage"] = np.full((n_days, 1), 1e6)
    res.data[f"reservoir_{p}_concentration"] = np.full((n_days, 1), reservoir_mg_per_l)
    return res


def every_pollutant(with_tn=True) -> Results:
    """tiny() (TN: reach 2000, reservoir 5000 kg, riparian 1000/3000 kg, no concentrations) with NH3-N,
    TP and CODMn of known removals and concentrations."""
    res = tiny()
    if not with_tn:
        for k in ("tn_budget_reach", "tn_budget_reservoir", "subbasin_tn_landscape_retention"):
            del res.data[k]
    add_pollutant(res, "nh3n", 1000.0, 400.0, 2.0, 0.25)     # targets 1.0 (III) and 0.5 (II)
    add_pollutant(res, "tp", 100.0, 50.0, 0.4, 0.1)          # targets 0.2 (III river) and 0.025 (II lake)
    add_pollutant(res, "codmn", 30000.0, 20000.0, 3.0, 8.0)  # targets 6 (III) and 4 (II)
    return res


def by_key(rows):
    return {(r["subbasin"], r["pollutant"]): r for r in rows}


# -- the specification's formulas, by hand --------------------------------------------------

def test_conservation_and_purification_by_hand():
    rows = rows_by_sub(gep(tiny()))
    a, b = rows["a"], rows["b"]
    # water conservation, released form: slow runoff (runoff - quick flow) * A
    # a: (0.7 - 0.5) mm/d * 365 d * 10 km2 * 1000 m3/(mm km2)
    assert a["water_conservation_m3"] == pytest.approx(0.2 * 365 * 10 * 1000, rel=1e-12)
    assert b["water_conservation_m3"] == pytest.approx(0.2 * 365 * 30 * 1000, rel=1e-12)
    assert a["conservation_yuan_per_m3"] == 7.06
    assert a["water_conservation_yuan"] == pytest.approx(0.2 * 365 * 10 * 1000 * 7.06, rel=1e-12)
    # the balance P - R - ET, and what separates it from the released form
    assert a["precipitation_mm"] - a["surface_runoff_mm"] - a["evapotranspiration_mm"] == pytest.approx(0.5 * 365)
    assert a["storage_and_exchange_mm"] == pytest.approx((0.5 - 0.2) * 365, rel=1e-12)
    # purification: a gets the reach (2000) and its riparian 1000 kg, b the reservoir (5000) and 3000 kg;
    # 2001 is priced at 0.7 yuan per equivalent, TN as NH3-N (0.8 kg) = 875 yuan/t
    assert a["purification_yuan_per_t"] == pytest.approx(875.0, rel=1e-12)
    assert a["n_removed_river_kg"] == 2000.0 and b["n_removed_reservoir_kg"] == 5000.0
    assert a["n_purified_kg"] == pytest.approx(3000.0, rel=1e-12)
    assert a["water_purification_yuan"] == pytest.approx(3.0 * 875.0, rel=1e-12)
    assert b["water_purification_yuan"] == pytest.approx(8.0 * 875.0, rel=1e-12)
    assert a["gep_yuan"] == pytest.approx(a["water_conservation_yuan"] + a["water_purification_yuan"], rel=1e-12)
    assert not a["partial"] and a["days"] == 365 and a["note"] == ""
    (county,) = by_county(list(rows.values()))
    assert county["gep_yuan"] == pytest.approx(a["gep_yuan"] + b["gep_yuan"], rel=1e-12)
    assert county["precipitation_mm"] == pytest.approx((2.0 * 10 + 1.0 * 30) / 40 * 365, rel=1e-12)


def test_balance_form(tmp_path):
    p = tmp_path / "prices.toml"
    p.write_text('[water_conservation]\nform = "balance"\n')
    a = rows_by_sub(gep(tiny(), GepPrices.from_toml(p)))["a"]
    # (2 - 0.5 - 1) mm/d * 365 d * 10 km2 * 1000
    assert a["water_conservation_m3"] == pytest.approx(0.5 * 365 * 10 * 1000, rel=1e-12)
    p.write_text('[water_conservation]\nform = "rain"\n')
    with pytest.raises(HydroError, match="form"):
        GepPrices.from_toml(p)


def test_capacity_at_the_target_concentration():
    rows = rows_by_sub(gep(tiny(with_riparian=False, with_concentration=True)))
    # reach at 2.0 mg/L, target 1.0: half of the 2000 kg removed is purification within capacity
    assert rows["a"]["n_removed_river_kg"] == 2000.0
    assert rows["a"]["n_purified_kg"] == pytest.approx(1000.0, rel=1e-12)
    # reservoir at 0.25 mg/L, below its 0.5 target: all of it
    assert rows["b"]["n_purified_kg"] == pytest.approx(5000.0, rel=1e-12)
    np.testing.assert_allclose(capacity_share([0.5, 1.0, 4.0], 1.0), [1.0, 1.0, 0.25], rtol=1e-12)


def test_abstracted_water_is_not_counted():
    res = tiny()
    res.data["reach_withdrawal"] = np.full((365, 1), 0.01)      # m3/s from reach r
    rows = rows_by_sub(gep(res))
    taken = 0.01 * 86400 * 365
    # r is fed by a only (b drains the reservoir downstream of r)
    assert rows["a"]["water_abstracted_m3"] == pytest.approx(taken, rel=1e-12)
    assert rows["a"]["water_conservation_m3"] == pytest.approx(0.2 * 365 * 10 * 1000 - taken, rel=1e-12)
    assert rows["b"]["water_abstracted_m3"] == 0.0


def test_scenario_axis():
    res = tiny()
    res.coords["scenario"] = ["s1", "s2"]
    for k, v in list(res.data.items()):
        res.data[k] = np.stack([v, 2 * v])
    rows = gep(res)
    a1, a2 = ([r for r in rows if r["scenario"] == s and r["subbasin"] == "a"][0] for s in ("s1", "s2"))
    assert a2["water_conservation_m3"] == pytest.approx(2 * a1["water_conservation_m3"], rel=1e-12)
    assert a2["n_removed_river_kg"] == pytest.approx(2 * a1["n_removed_river_kg"], rel=1e-12)


def test_unattributed_elements():
    res = tiny()
    res.attrs["subbasin_drains_to"] = "a=r;b=r"   # nobody drains into the reservoir
    rows = gep(res)
    sub = rows_by_sub([r for r in rows if r["subbasin"]])
    # reach removal shared by area 10:30
    assert sub["a"]["n_removed_river_kg"] == pytest.approx(500.0, rel=1e-12)
    assert sub["b"]["n_removed_river_kg"] == pytest.approx(1500.0, rel=1e-12)
    (orphan,) = [r for r in rows if not r["subbasin"]]
    assert orphan["n_removed_reservoir_kg"] == 5000.0 and "res" in orphan["note"]
    assert orphan["gep_yuan"] == pytest.approx(5.0 * 875.0, rel=1e-12)


# -- NH3-N, TP and COD(Mn) ---------------------------------------------------------------------

def test_targets_are_gb3838_classes_from_the_standards():
    from hydro.gep_prices import target_mg_per_l
    from hydro.standards import class_limits

    for p in ("nh3n", "tp", "codmn"):
        assert target_mg_per_l(p, "reach") == class_limits(p, "river")[2]       # Class III
        assert target_mg_per_l(p, "reservoir") == class_limits(p, "lake")[1]    # Class II
    assert GepPrices().target_mg_per_l("tn", "reach") == class_limits("tn", "lake")[2] == 1.0
    assert GepPrices().target_mg_per_l("tn", "reservoir") == class_limits("tn", "lake")[1] == 0.5
    assert (target_mg_per_l("tp", "reach"), target_mg_per_l("tp", "reservoir")) == (0.2, 0.025)
    assert (target_mg_per_l("codmn", "reach"), target_mg_per_l("codmn", "reservoir")) == (6.0, 4.0)


def test_every_pollutant_capacity_and_equivalents():
    rows = by_key(gep(every_pollutant()))
    assert {p for _, p in rows} == {"tn", "nh3n", "tp", "codmn"}
    # capacity: removal * min(1, C*/C): NH3-N reach 2.0 mg/L vs 1.0 -> half; reservoir 0.25 vs 0.5 -> all
    assert rows["a", "nh3n"]["removed_river_kg"] == 1000.0
    assert rows["a", "nh3n"]["purified_kg"] == pytest.approx(500.0, rel=1e-12)
    assert rows["b", "nh3n"]["purified_kg"] == pytest.approx(400.0, rel=1e-12)
    # TP: 0.4 vs 0.2 -> half of 100; reservoir 0.1 vs 0.025 -> a quarter of 50
    assert rows["a", "tp"]["purified_kg"] == pytest.approx(50.0, rel=1e-12)
    assert rows["b", "tp"]["purified_kg"] == pytest.approx(12.5, rel=1e-12)
    # CODMn: 3 below 6 -> all; reservoir 8 vs 4 -> half
    assert rows["a", "codmn"]["purified_kg"] == pytest.approx(30000.0, rel=1e-12)
    assert rows["b", "codmn"]["purified_kg"] == pytest.approx(10000.0, rel=1e-12)
    # pollution equivalents: NH3-N 0.8, TP 0.25, COD 1 kg of COD(Cr) = 0.26 kg CODMn (the region's ratio, R7;
    # unconverted 1.0 until 2026-12-06); 0.7 yuan each in 2001
    for (sub, p), kg_eq, eq in ((("a", "nh3n"), 0.8, 625.0), (("b", "nh3n"), 0.8, 500.0),
                               (("a", "tp"), 0.25, 200.0), (("b", "tp"), 0.25, 50.0),
                               (("a", "codmn"), 0.26, 30000.0 / 0.26), (("b", "codmn"), 0.26, 10000.0 / 0.26)):
        r = rows[sub, p]
        assert r["kg_per_equivalent"] == kg_eq and r["equivalents"] == pytest.approx(eq, rel=1e-12)
        assert r["purification_yuan_per_t"] == pytest.approx(0.7 * 1000 / kg_eq, rel=1e-12)
        assert r["water_purification_yuan"] == pytest.approx(0.7 * eq, rel=1e-12)
        assert r["n_purified_kg"] == 0.0 and r["water_conservation_m3"] == 0.0 and r["area_km2"] == 0.0


def test_nitrogen_is_not_counted_twice():
    rows = gep(every_pollutant())
    k = by_key(rows)
    # TN keeps its amounts (reach 2000 + riparian 1000 kg in a) but is not valued when NH3-N is
    assert k["a", "tn"]["n_purified_kg"] == k["a", "tn"]["purified_kg"] == pytest.approx(3000.0, rel=1e-12)
    assert k["a", "tn"]["water_purification_yuan"] == 0.0 and k["a", "tn"]["equivalents"] == 0.0
    assert "TN not valued" in k["a", "tn"]["note"]
    # the water columns are counted once per subbasin, on TN's row
    tn_only = rows_by_sub(gep(tiny()))
    assert k["a", "tn"]["water_conservation_yuan"] == tn_only["a"]["water_conservation_yuan"]
    (t,) = gep_totals(rows).values()
    assert t["water_conservation_m3"] == pytest.approx(0.2 * 365 * 40 * 1000, rel=1e-12)
    assert t["area_km2"] == 40.0
    eq = (625 + 500) + (200 + 50) + (30000 + 10000) / 0.26  # COD(Cr) equivalents of the CODMn
    assert t["equivalents"] == pytest.approx(eq, rel=1e-12)
    assert t["water_purification_yuan"] == pytest.approx(0.7 * eq, rel=1e-12)
    # by county: one row per pollutant, the water on TN's
    county = {r["pollutant"]: r for r in by_county(rows)}
    assert county["tn"]["water_conservation_m3"] == t["water_conservation_m3"]
    assert county["tp"]["purified_kg"] == pytest.approx(62.5, rel=1e-12) and county["tp"]["area_km2"] == 0.0
    assert "equivalents" in format_table(rows)


def test_a_parameter_missing_from_the_results_has_no_rows():
    res = tiny()
    add_pollutant(res, "tp", 100.0, 50.0, 0.4, 0.1)
    rows = gep(res)
    assert {r["pollutant"] for r in rows} == {"tn", "tp"}
    # without NH3-N, TN is valued as NH3-N as before
    assert rows_by_sub([r for r in rows if r["pollutant"] == "tn"])["a"]["water_purification_yuan"] == \
        pytest.approx(3.0 * 875.0, rel=1e-12)
    # without TN, the water columns are on the first pollutant's row (NH3-N's)
    k = by_key(gep(every_pollutant(with_tn=False)))
    assert {p for _, p in k} == {"nh3n", "tp", "codmn"}
    assert k["a", "nh3n"]["water_conservation_m3"] == pytest.approx(0.2 * 365 * 10 * 1000, rel=1e-12)
    assert k["a", "tp"]["water_conservation_m3"] == 0.0


def test_tn_only_results_give_the_old_table():
    from hydro.gep import COLUMNS

    rows = gep(tiny(with_concentration=True))
    assert [r["pollutant"] for r in rows] == ["tn", "tn"] and all(set(r) == set(COLUMNS) for r in rows)
    a = rows_by_sub(rows)["a"]
    # the old columns hold the old values: 2000 kg at 2 mg/L -> 1000 + 1000 riparian, 875 yuan/t
    assert a["n_removed_river_kg"] == a["removed_river_kg"] == 2000.0
    assert a["n_purified_kg"] == a["purified_kg"] == pytest.approx(2000.0, rel=1e-12)
    assert a["purification_yuan_per_t"] == pytest.approx(875.0, rel=1e-12)
    assert a["water_purification_yuan"] == pytest.approx(2.0 * 875.0, rel=1e-12) and a["note"] == ""
    assert a["equivalents"] == pytest.approx(2000.0 / 0.8, rel=1e-12)


# -- prices by year ---------------------------------------------------------------------------

def test_prices_by_year():
    p = GepPrices()
    # 0.7 yuan per equivalent (national fee), 9.6 (Beijing fee, NH3-N 12 yuan/kg), 14 (tax from 2018)
    assert p.purification_yuan_per_t_n(2013) == pytest.approx(875.0, rel=1e-12)
    assert p.purification_yuan_per_t_n(2014) == pytest.approx(12000.0, rel=1e-12)
    assert p.purification_yuan_per_t_n(2017) == pytest.approx(12000.0, rel=1e-12)
    assert p.purification_yuan_per_t_n(2018) == pytest.approx(17500.0, rel=1e-12)
    assert p.purification_yuan_per_t_n(2025) == pytest.approx(17500.0, rel=1e-12)
    assert p.conservation_yuan_per_m3(2016) == 7.06
    # rows carry their year's price
    rows = gep(tiny(start=date(2017, 1, 1), n_days=730))
    price = {r["year"]: r["purification_yuan_per_t"] for r in rows}
    assert price == {2017: pytest.approx(12000.0), 2018: pytest.approx(17500.0)}
    a18 = [r for r in rows if r["year"] == 2018 and r["subbasin"] == "a"][0]
    assert a18["water_purification_yuan"] == pytest.approx(3.0 * 17500.0, rel=1e-12)


def test_prices_toml(tmp_path):
    p = tmp_path / "prices.toml"
    p.write_text('[water_conservation]\nyuan_per_m3 = 1.0\n[water_purification]\nyuan_per_t_n = 1000.0\n')
    prices = GepPrices.from_toml(p)
    assert prices.purification_yuan_per_t_n(2030) == pytest.approx(1000.0, rel=1e-12)
    assert prices.conservation_yuan_per_m3(1990) == 1.0
    p.write_text('[water_purification.by_year]\n"2015" = 2.8\n"2017" = 5.6\n')
    prices = GepPrices.from_toml(p)
    assert prices.purification_yuan_per_t_n(2016) == pytest.approx(3500.0, rel=1e-12)
    assert prices.purification_yuan_per_t_n(2019) == pytest.approx(7000.0, rel=1e-12)
    with pytest.raises(ValueError, match="2014"):
        prices.purification_yuan_per_t_n(2014)
    p.write_text("[water_purification]\nyuan_per_equivalent = 14.0\nyuan_per_t_n = 1.0\n")
    with pytest.raises(HydroError, match="one of"):
        GepPrices.from_toml(p)
    p.write_text("[water_conservation]\nyuan_per_m3 = -1.0\n")
    with pytest.raises(HydroError, match="yuan_per_m3"):
        GepPrices.from_toml(p)


# -- fertiliser no longer raises purification -------------------------------------------------

def test_more_nitrogen_in_a_polluted_river_adds_no_purification():
    base = rows_by_sub(gep(tiny(with_riparian=False, with_concentration=True)))
    more = tiny(with_riparian=False, with_concentration=True)
    for k in ("tn_load", "tn_budget_reach"):      # twice the load: twice the first-order removal
        more.data[k] = 2 * more.data[k]
    more = rows_by_sub(gep(more))
    assert more["a"]["n_removed_river_kg"] == pytest.approx(2 * base["a"]["n_removed_river_kg"], rel=1e-12)
    assert more["a"]["water_purification_yuan"] == pytest.approx(base["a"]["water_purification_yuan"], rel=1e-12)


def test_more_fertiliser_does_not_raise_purification_gep():
    from hydro.basin import Basin
    from hydro.model import Model
    from hydro.simulation import run
    from hydro.sources import SourceParameters

    start, end = date(2001, 1, 1), date(2002, 12, 31)
    paths = [p for p in Model.from_basin("watershed").parameters if "fertiliser" in p.path]
    b0 = Basin.load("watershed")
    b1 = Basin.load("watershed", overrides=[f"{p.path}={2 * p.value}" for p in paths])
    r0, r1 = run(b0, start, end), run(b1, start, end)
    t0, t1 = gep_totals(gep(r0)), gep_totals(gep(r1))
    for key in t0:
        removed0 = t0[key]["n_removed_river_kg"] + t0[key]["n_removed_reservoir_kg"]
        removed1 = t1[key]["n_removed_river_kg"] + t1[key]["n_removed_reservoir_kg"]
        assert removed1 > 1.2 * removed0                           # the rivers do remove more ...
        assert t1[key]["water_purification_yuan"] <= t0[key]["water_purification_yuan"] * (1 + 1e-9)  # ... not GEP
    # the retired account grew with the surplus
    years = np.array([d.year for d in r0.dates])
    area = np.array([float(v.split("=")[1]) for v in r0.attrs["subbasin_area_km2"].split(";")])
    soil = [retention_components(SourceParameters.from_subbasin_tables(b.subbasin_tables), years,
                                 r0["subbasin_quickflow"], area)[1]["soil"].sum() for b in (b0, b1)]
    assert soil[1] > 1.5 * soil[0]


def test_land_retention_components_by_hand():
    from hydro.sources import Groundwater, LandUse, Livestock, RuralDomestic, SourceParameters, SubbasinSources

    sub = SubbasinSources(
        "a", land_use=(LandUse("crop", share=1.0, emc_mg_per_l=2.0, fertiliser_kg_per_ha_yr=150.0,
                               uptake_kg_per_ha_yr=100.0),),
        groundwater=Groundwater(leaching_fraction=0.2, residence_years=5.0),
        rural_domestic=RuralDomestic(population=1000, per_capita_n_g_per_day=10.0, delivery_fraction=0.25,
                                     connected_share=0.5, treatment_removal=0.4),
        livestock=(Livestock("pig", head=100, excretion_kg_per_head_yr=6.0, loss_fraction=0.1,
                             managed_share=0.5),))
    years = np.full(365, 2001)
    quick = np.full((365, 1), 0.2)
    src = SourceParameters((sub,))
    _, parts = retention_components(src, years, quick, np.array([2.0]), buffer_removed_mg_per_l=np.array([[0.5]]))
    assert parts["soil"][0, 0] == pytest.approx(0.8 * 50.0 * 100 * 2.0, rel=1e-12)      # (1 - leach) surplus ha
    assert parts["domestic"][0, 0] == pytest.approx(1000 * 10e-3 * 365 * (1 - 0.5 * 0.4) * 0.75, rel=1e-12)
    assert parts["livestock"][0, 0] == pytest.approx(100 * 6.0 * 0.5 * 0.9, rel=1e-12)
    buf = 0.5 * 0.2 * 365 * 2.0                                                         # mg/L * mm * km2 = kg
    assert parts["riparian"][0, 0] == pytest.approx(buf, rel=1e-12)
    # only the riparian buffers are purification by an ecosystem
    _, kg = landscape_retention(src, years, quick, np.array([2.0]), buffer_removed_mg_per_l=np.array([[0.5]]))
    assert kg[0, 0] == pytest.approx(buf, rel=1e-12)
    _, none = landscape_retention(src, years, quick, np.array([2.0]))
    assert none[0, 0] == 0.0


# -- partial years and negative amounts -------------------------------------------------------

def test_partial_years_are_labelled_or_left_out():
    res = tiny(start=date(2001, 7, 1), n_days=549)          # 2001-07-01 .. 2002-12-31
    rows = gep(res)
    y2001 = [r for r in rows if r["year"] == 2001]
    assert all(r["partial"] and r["days"] == 184 for r in y2001)
    assert all("partial year: 184 of 365 days" in r["note"] for r in y2001)
    assert not any(r["partial"] for r in rows if r["year"] == 2002)
    assert "* partial year (2001)" in format_table(rows)
    kept = gep(res, partial_years="omit")
    assert {r["year"] for r in kept} == {2002}
    with pytest.raises(HydroError, match="partial_years"):
        gep(res, partial_years="scale")


def test_one_day_run_is_never_silently_negative():
    res = tiny(n_days=1)
    res.data["reach_withdrawal"] = np.full((1, 1), 1.0)    # 86,400 m3 taken, 2,000 m3 released by a
    rows = gep(res)
    a = rows_by_sub(rows)["a"]
    assert a["water_conservation_m3"] == pytest.approx(0.2 * 10 * 1000 - 86400.0, rel=1e-12)
    assert a["gep_yuan"] < 0 and "negative" in a["note"] and "partial year: 1 of 365" in a["note"]
    table = format_table(rows)
    assert "warning: negative" in table and "*" in table


def test_missing_areas_is_an_error():
    res = tiny()
    del res.attrs["subbasin_area_km2"]
    res.attrs["basin"] = "no_such_basin"
    with pytest.raises(HydroError, match="--basin"):
        gep(res)


def test_results_gep_cannot_value_are_refused_by_the_function_the_command_calls():
    # hydro gep checked both itself too, in other words than gep() (the command now only passes the file)
    res = tiny()
    res.attrs["time_aggregation"] = "monthly"
    with pytest.raises(HydroError, match=r"^run.nc: holds monthly means \(written with --aggregate monthly\); "
                                         "GEP sums the days"):
        gep(res, where="run.nc")
    with pytest.raises(HydroError, match=r"^these results: holds monthly means"):
        gep(res)
    res.coords["subbasin"] = []
    with pytest.raises(HydroError, match=r"^run.nc: GEP needs a watershed run .* `hydro run miyun`"):
        gep(res, where="run.nc")


# -- every command of docs/commands/gep.md runs ----------------------------------------------

def _doc_blocks(lang: str) -> list[str]:
    text = (ROOT / "docs" / "commands" / "gep.md").read_text(encoding="utf-8")
    return re.findall(rf"```{lang}\n(.*?)```", text, flags=re.S)


def test_every_command_in_the_docs_runs(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from hydro.cli import main

    monkeypatch.chdir(tmp_path)
    (tmp_path / "configs").symlink_to(ROOT / "configs")
    for toml in _doc_blocks("toml"):
        name = re.search(r"^# (\S+\.toml)", toml, flags=re.M).group(1)
        (tmp_path / name).write_text(toml, encoding="utf-8")
    commands = [line.split("#")[0].strip() for block in _doc_blocks("bash") for line in block.splitlines()]
    commands = [c for c in commands if c]
    assert len(commands) >= 4
    for cmd in commands:
        args = shlex.split(cmd)
        assert args[0] == "hydro", cmd
        result = CliRunner().invoke(main, args[1:])
        assert result.exit_code == 0, f"{cmd}\n{result.output}"
    assert (tmp_path / "gep.csv").read_text().startswith("scenario,year,days,partial,subbasin")


def test_negative_purification_is_named_in_the_rows_and_under_the_table():
    # NH3-N's net removal is negative where organic N mineralises faster than NH3-N is nitrified and taken
    # up: 10 of Miyun's 24 subbasins in 2013 had negative NH3-N rows with an empty note and no warning,
    # where docs/gep.md says a negative row is named in its note and under the table (review, 2026-12-04)
    res = add_pollutant(tiny(), "nh3n", -300.0, 100.0, 0.5, 0.2)  # the reach makes 300 kg a year
    rows = [r for r in gep(res) if r["pollutant"] == "nh3n"]
    a = rows_by_sub(rows)["a"]
    assert a["purified_kg"] < 0 and a["water_purification_yuan"] < 0
    assert "negative purification" in a["note"]
    assert "negative purification" not in rows_by_sub(rows)["b"]["note"]  # b drains the reservoir: positive
    assert "warning: negative purification in some subbasins' rows (base 2001 nh3n)" in format_table(gep(res))


def test_buffers_nitrogen_species_kept_follow_the_quick_flows_mix_and_are_valued():
    # GEP valued riparian buffers at 0 where NH3-N replaces TN in the value: only TN's retention was stored
    from hydro.gep_retention import species_retention

    res = every_pollutant()
    n_days = len(res.coords["time"])
    res.attrs["species"] = "tn=orgn,nh3n,no3n;tp=dp,pp"
    res.coords["source"] = ["point", "diffuse_quickflow"]
    quick = {"orgn": [3.0, 1.0], "nh3n": [1.0, 0.0], "no3n": [6.0, 1.0]}   # kg/d by subbasin a, b
    for s, q in quick.items():
        daily = np.zeros((n_days, 2, 2))
        daily[:, :, 0] = 50.0                    # point sources: not the buffers' mix
        daily[:, :, 1] = q
        res.data[f"subbasin_{s}_source_input"] = daily
    res.data["subbasin_tn_source_input"] = sum(res.data[f"subbasin_{s}_source_input"] for s in quick)
    kept = species_retention(res.data["subbasin_tn_landscape_retention"], res, [2001])
    # tiny() keeps 1000 kg of TN in a and 3000 in b; a's quick-flow N is 10 kg/d: 10 % NH3-N, b's 2: none
    np.testing.assert_allclose(kept["nh3n"], [[100.0, 0.0]], rtol=1e-12)
    np.testing.assert_allclose(kept["orgn"], [[300.0, 1500.0]], rtol=1e-12)
    np.testing.assert_allclose(sum(kept.values()), res.data["subbasin_tn_landscape_retention"], rtol=1e-12)
    res.data["subbasin_nh3n_landscape_retention"] = kept["nh3n"]
    rows = by_key(gep(res))
    assert rows[("a", "nh3n")]["removed_riparian_kg"] == pytest.approx(100.0, rel=1e-12)
    assert rows[("b", "nh3n")]["removed_riparian_kg"] == 0.0
    # a run without its sources, or without quick flow's, gives none
    res.coords["source"] = ["point", "groundwater"]
    assert species_retention(res.data["subbasin_tn_landscape_retention"], res, [2001]) == {}


def test_constant_prices_value_every_year_at_one_years_prices(tmp_path):
    # each year at its own prices made purification jump tenfold from 2013 to 2014 with no change in the
    # ecosystems (outside review, 2026-12-04): --price-year holds every schedule at one year's
    from hydro.gep_prices import GepPrices

    res = every_pollutant()
    res.coords["time"] = [date(2013, 1, 1) + timedelta(days=i) for i in range(len(res.coords["time"]))]
    res.coords["budget_year"] = [2013]
    prices = GepPrices()
    own = gep_totals(gep(res, prices))
    at_2018 = gep_totals(gep(res, prices.at_year(2018)))
    ratio = 14.0 / 0.7  # Beijing's yuan per equivalent, 2018 on and to 2013 (docs/gep.md, "Prices")
    for key in own:
        assert at_2018[key]["water_purification_yuan"] == pytest.approx(ratio * own[key]["water_purification_yuan"],
                                                                      rel=1e-12)
        assert at_2018[key]["water_conservation_yuan"] == pytest.approx(own[key]["water_conservation_yuan"],
                                                                      rel=1e-12)
    # the year's own prices, held: the same numbers
    assert gep_totals(gep(res, prices.at_year(2013))) == own


@pytest.mark.parametrize(("runoff_b", "share_a"), [
    # slow runoff (runoff - quick flow): a 0.2 mm/d x 10 km2 = 2, b 0.4 x 30 = 12 -> a 2/14
    (0.5, 2.0 / 14.0),
    # no slow runoff anywhere: by area, 10 / 40
    (None, 0.25),
])
def test_abstraction_is_shared_among_the_subbasins_above_by_slow_runoff(runoff_b, share_a):
    """Mutation audit of 2026-12-04: every abstraction test had one subbasin above the reach, so
    a split by area (or weight 1 each, counting the water twice) went unnoticed."""
    res = tiny()
    res.attrs["subbasin_drains_to"] = "a=r;b=r"
    if runoff_b is None:
        res.data["subbasin_runoff"] = res.data["subbasin_quickflow"].copy()
    else:
        res.data["subbasin_runoff"][:, 1] = runoff_b
    res.data["reach_withdrawal"] = np.full((365, 1), 0.01)      # m3/s from reach r
    rows = rows_by_sub([r for r in gep(res) if r["subbasin"]])
    taken = 0.01 * 86400 * 365
    assert rows["a"]["water_abstracted_m3"] == pytest.approx(share_a * taken, rel=1e-12)
    assert rows["b"]["water_abstracted_m3"] == pytest.approx((1.0 - share_a) * taken, rel=1e-12)


def test_water_taken_from_a_reach_is_shared_with_everything_upstream():
    """a drains r1, c drains r2 (r1 -> r2 -> res): water taken from r2 came from both, shared by their
    slow-runoff volumes (a: 0.2 mm/d on 10 km2, c: 0.2 mm/d on 30 km2: a quarter and three quarters);
    water taken from r1 is a's alone (mutation audit 2026-12-05: the share of what lies upstream unpinned)."""
    res = tiny()
    res.coords["reach"] = ["r1", "r2"]
    res.coords["subbasin"] = ["a", "c"]
    res.attrs.update({"subbasin_area_km2": "a=10;c=30", "subbasin_drains_to": "a=r1;c=r2",
                      "subbasin_county": "a=X;c=X", "subbasin_province": "a=P;c=P",
                      "network_downstream": "r1=r2;r2=res"})
    res.data["subbasin_runoff"] = np.tile([0.7, 0.3], (365, 1))  # slow runoff 0.2 mm/d each
    for name in ("tn_budget_reach",):
        res.data[name] = np.concatenate([res.data[name], res.data[name]], axis=1)
    res.data["reach_withdrawal"] = np.tile([0.0, 0.04], (365, 1))  # m3/s from r2
    rows = rows_by_sub(gep(res))
    taken = 0.04 * 86400 * 365
    assert rows["a"]["water_abstracted_m3"] == pytest.approx(0.25 * taken, rel=1e-12)
    assert rows["c"]["water_abstracted_m3"] == pytest.approx(0.75 * taken, rel=1e-12)
    res.data["reach_withdrawal"] = np.tile([0.04, 0.0], (365, 1))  # from r1: a's water only
    rows = rows_by_sub(gep(res))
    assert rows["a"]["water_abstracted_m3"] == pytest.approx(taken, rel=1e-12)
    assert rows["c"]["water_abstracted_m3"] == 0.0


def test_a_year_one_day_short_is_partial():
    """A run ending on 30 December covers 364 of 365 days: partial, labelled (mutation audit 2026-12-05:
    one day short passed for a whole year)."""
    rows = rows_by_sub(gep(tiny(n_days=364)))
    assert rows["a"]["partial"] and rows["a"]["days"] == 364 and "partial year: 364 of 365 days" in rows["a"]["note"]
    assert not rows_by_sub(gep(tiny(n_days=365)))["a"]["partial"]


def test_codmn_is_priced_in_codcr_equivalents_at_the_regions_ratio(tmp_path):
    """GEP and units reviews, 2026-12-06: the sources turn COD(Cr) into CODMn at the region's 0.26, the prices
    took a kg of CODMn for a kg of COD(Cr); the ratio is the region table's, and a prices file may give another."""
    import tomllib
    from pathlib import Path

    from hydro.gep_prices import CODMN_PER_CODCR, GepPrices

    region = tomllib.loads((Path(__file__).resolve().parents[1] / "basins" / "region" / "quality.toml").read_text())
    assert region["codmn_per_codcr"] == CODMN_PER_CODCR
    assert GepPrices().kg_per_equivalent("codmn") == 0.26
    (tmp_path / "p.toml").write_text("[water_purification]\ncodmn_per_codcr = 0.4\n")
    assert GepPrices.from_toml(tmp_path / "p.toml").kg_per_equivalent("codmn") == 0.4
    (tmp_path / "bad.toml").write_text("[water_purification]\ncodmn_per_codcr = 2.6\n")
    with pytest.raises(HydroError, match="codmn_per_codcr"):
        GepPrices.from_toml(tmp_path / "bad.toml")
    (tmp_path / "pct.toml").write_text("[water_purification]\ncodmn_per_codcr = 26\n")  # a percentage: said so
    with pytest.raises(HydroError, match="not a percentage nor its inverse"):
        GepPrices.from_toml(tmp_path / "pct.toml")
