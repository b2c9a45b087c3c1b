"""GEP accounts on a tiny synthetic Results, computed by hand.

Every expected value is a product of a few exact decimals, so the tolerance is 1e-12 relative.
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pytest

from hydro.errors import HydroError
from hydro.gep import GepPrices, by_county, gep, landscape_retention
from hydro.results import Results
from hydro.variables import BUDGET_TERMS


def tiny(with_landscape=True) -> Results:
    days = [date(2001, 1, 1) + timedelta(days=i) for i in range(365)]
    res = Results(coords={"time": days, "subbasin": ["a", "b"], "reach": ["r"], "reservoir": ["res"],
                          "year": [2001], "budget_term": list(BUDGET_TERMS)},
                  attrs={"subbasin_area_km2": "a=10;b=30", "subbasin_drains_to": "a=r;b=res",
                         "subbasin_county": "a=X;b=X", "subbasin_province": "a=P;b=P", "scenario": "base"})
    res.data["subbasin_precipitation"] = np.tile([2.0, 1.0], (365, 1))   # mm/d
    res.data["subbasin_quickflow"] = np.tile([0.5, 0.1], (365, 1))
    res.data["subbasin_aet"] = np.tile([1.0, 0.8], (365, 1))
    br = np.zeros((1, 1, len(BUDGET_TERMS)))
    br[0, 0, BUDGET_TERMS.index("removal")] = 2000.0                   # kg
    bs = np.zeros((1, 1, len(BUDGET_TERMS)))
    bs[0, 0, BUDGET_TERMS.index("removal")] = 5000.0
    res.data["tn_budget_reach"] = br
    res.data["tn_budget_reservoir"] = bs
    if with_landscape:
        res.data["subbasin_tn_landscape_retention"] = np.array([[1000.0, 3000.0]])
    return res


def test_gep_by_hand():
    rows = {r["subbasin"]: r for r in gep(tiny())}
    a, b = rows["a"], rows["b"]
    # conservation: (2 - 0.5 - 1) mm/d * 365 d * 10 km2 * 1000 m3/(mm km2) = 1.825e6 m3
    assert a["water_conservation_m3"] == pytest.approx(0.5 * 365 * 10 * 1000, rel=1e-12)
    assert b["water_conservation_m3"] == pytest.approx(0.1 * 365 * 30 * 1000, rel=1e-12)
    assert a["water_conservation_yuan"] == pytest.approx(0.5 * 365 * 10 * 1000 * 7.06, rel=1e-12)
    # purification: a gets the reach (1000 + 2000 kg), b the reservoir (3000 + 5000 kg)
    assert a["n_removed_river_kg"] == 2000.0 and b["n_removed_reservoir_kg"] == 5000.0
    assert a["water_purification_yuan"] == pytest.approx(3.0 * 875.0, rel=1e-12)
    assert b["water_purification_yuan"] == pytest.approx(8.0 * 875.0, rel=1e-12)
    assert a["gep_yuan"] == pytest.approx(a["water_conservation_yuan"] + a["water_purification_yuan"], rel=1e-12)
    (county,) = by_county(list(rows.values()))
    assert county["gep_yuan"] == pytest.approx(a["gep_yuan"] + b["gep_yuan"], rel=1e-12)


def test_prices_and_unattributed(tmp_path):
    res = tiny()
    res.attrs["subbasin_drains_to"] = "a=r;b=r"   # nobody drains into the reservoir
    p = tmp_path / "prices.toml"
    p.write_text("[water_conservation]\nyuan_per_m3 = 1.0\n[water_purification]\nyuan_per_t_n = 1000.0\n")
    rows = gep(res, GepPrices.from_toml(p))
    sub = {r["subbasin"]: r for r in rows if r["subbasin"]}
    # reach removal shared by area 10:30
    assert sub["a"]["n_removed_river_kg"] == pytest.approx(500.0, rel=1e-12)
    assert sub["b"]["n_removed_river_kg"] == pytest.approx(1500.0, rel=1e-12)
    (orphan,) = [r for r in rows if not r["subbasin"]]
    assert orphan["n_removed_reservoir_kg"] == 5000.0 and "res" in orphan["note"]
    assert orphan["gep_yuan"] == pytest.approx(5000.0, rel=1e-12)
    p.write_text("[water_conservation]\nyuan_per_m3 = -1.0\n")
    with pytest.raises(HydroError, match="yuan_per_m3"):
        GepPrices.from_toml(p)


def test_scenario_axis():
    res = tiny()
    res.coords["scenario"] = ["s1", "s2"]
    for k, v in list(res.data.items()):
        res.data[k] = np.stack([v, 2 * v])
    rows = gep(res)
    a1, a2 = ([r for r in rows if r["scenario"] == s and r["subbasin"] == "a"][0] for s in ("s1", "s2"))
    assert a2["water_conservation_m3"] == pytest.approx(2 * a1["water_conservation_m3"], rel=1e-12)
    assert a2["n_removed_river_kg"] == pytest.approx(2 * a1["n_removed_river_kg"], rel=1e-12)


def test_landscape_retention_by_hand():
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
    _, kg = landscape_retention(SourceParameters((sub,)), years, quick, np.array([2.0]),
                                buffer_removed_mg_per_l=np.array([[0.5]]))
    soil = 0.8 * 50.0 * 100 * 2.0                       # (1 - leach) * surplus * ha
    dom = 1000 * 10e-3 * 365 * (1 - 0.5 * 0.4) * 0.75  # generated after treatment, not delivered
    liv = 100 * 6.0 * 0.5 * 0.9                         # unmanaged, not lost
    buf = 0.5 * 0.2 * 365 * 2.0                         # mg/L * mm * km2 = kg
    assert kg[0, 0] == pytest.approx(soil + dom + liv + buf, rel=1e-12)


def test_missing_areas_is_an_error():
    res = tiny()
    del res.attrs["subbasin_area_km2"]
    res.attrs["basin"] = "no_such_basin"
    with pytest.raises(HydroError, match="--basin"):
        gep(res)
