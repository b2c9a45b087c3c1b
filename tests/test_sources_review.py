"""Review of the nutrient sources (hydro.sources): point-source species timed as their TN.

A plant's TN is blended across years where its subbasin has a ``[sources.timing]`` table
(``docs/sources.md``, "Timing within the year"), so it has no step on 1 January.  Its TP,
CODMn and N species used to be the calendar-year rate (discharge x the grade's
concentration of that year): at a plant upgraded from GB 18918 class 1B to 1A (TN 20 -> 15
mg/L over 2013-2016, as the shipped Guanting plants) the point TP dropped by 17-25 % every
1 January while TN moved by 0.04 %.  Now every species of a plant is timed as its TN.

Tolerances: the yearly totals of a blended series equal rate x days up to the round-off of
a sum of ~365 terms (relative 1e-12); "no step" compares the 1 January change with the
day-to-day change inside the year (a smooth quadratic: the same order), where a calendar
step is ~100 times larger.
"""

from __future__ import annotations

import numpy as np
import pytest

from hydro.basin import ROOT
from hydro.sources import (
    PointSource,
    SourceParameters,
    SubbasinSources,
    daily_loads,
    point_loads,
    quality_loads,
    read_quality_table,
)
from hydro.sources.timing import SourceTiming

REGION = ROOT / "basins" / "region" / "quality.toml"
YEARS = np.array([2013] * 365 + [2014] * 365 + [2015] * 365 + [2016] * 366)
M3_D = 64900.0  # the Shuozhou plant's effluent (basins/guanting/basin.toml)


def _plant_run(years_mode: str):
    plant = PointSource(name="wwtp", reach="r1", discharge_m3_per_day=M3_D, tn_mg_per_l={2013: 20.0, 2016: 15.0})
    sub = SubbasinSources(subbasin="s1", point=(plant,), timing=SourceTiming(years=years_mode))
    params = SourceParameters((sub,))
    n = len(YEARS)
    quick, base = np.zeros((n, 1)), np.full((n, 1), 0.1)
    tn, _, _ = daily_loads(params, YEARS, quick, base, [100.0])
    pts = point_loads(params, YEARS)
    q = quality_loads(read_quality_table(REGION), params, YEARS, quick, base, [100.0], tn, pts)
    return pts, q


@pytest.mark.parametrize("species", ["dp", "pp", "codmn", "nh3n", "orgn", "no3n"])
def test_blended_plant_species_have_no_step_on_1_january(species):
    pts, q = _plant_run("blended")
    x = q.point[species][:, 0]
    tn = pts.loads_kg_per_day[:, 0]
    for first_jan in np.flatnonzero(np.diff(YEARS)) + 1:
        jump = abs(x[first_jan] - x[first_jan - 1])
        inside = abs(x[first_jan - 1] - x[first_jan - 2]) + abs(x[first_jan + 1] - x[first_jan])
        # calendar rates jump by ~5-25 % of the load; a blended series changes by a day's slope
        assert jump <= 2.0 * inside + 1e-12 * x[first_jan], (species, int(YEARS[first_jan]), jump, inside)
        tn_jump = abs(tn[first_jan] - tn[first_jan - 1])
        assert tn_jump <= 2.0 * abs(tn[first_jan - 1] - tn[first_jan - 2]) + 1e-12 * tn[first_jan]


def test_blended_plant_species_keep_yearly_totals_and_add_up_to_tn():
    """Blending moves load within and between neighbouring days, never in or out of a year."""
    pts_b, qb = _plant_run("blended")
    pts_c, qc = _plant_run("calendar")
    for sp in ("dp", "pp", "codmn"):
        for y in np.unique(YEARS):
            days = np.equal(YEARS, y)
            np.testing.assert_allclose(qb.point[sp][days, 0].sum(), qc.point[sp][days, 0].sum(), rtol=1e-12)
    for q, pts in ((qb, pts_b), (qc, pts_c)):
        total = q.point["orgn"] + q.point["nh3n"] + q.point["no3n"]
        np.testing.assert_allclose(total, pts.loads_kg_per_day, rtol=1e-12)
        assert all(np.all(q.point[sp] >= 0) for sp in q.point)


def test_calendar_plant_keeps_the_grade_of_each_year():
    """``years = "calendar"``: TP is discharge x the class of that year's TN (1B in 2013, 1A in 2016)."""
    _, q = _plant_run("calendar")
    tp = (q.point["dp"] + q.point["pp"])[:, 0]
    np.testing.assert_allclose(tp[YEARS == 2013], M3_D * 1.0e-3, rtol=1e-12)   # GB 18918 1B: TP 1.0 mg/L
    np.testing.assert_allclose(tp[YEARS == 2016], M3_D * 0.5e-3, rtol=1e-12)   # 1A: TP 0.5 mg/L


# -- quick-flow TP and CODMn follow TN's blended EMC ----------------------------------------------
# With a timing table TN's event-mean concentration is blended across years; TP's and CODMn's were
# the calendar year's, so a land-use change (an afforestation scenario) moved TN over two years and
# TP and CODMn on 1 January.

def _land_run(years_mode: str):
    from hydro.sources import LandUse

    crop = {2013: 0.4, 2014: 0.4, 2015: 0.2}          # cropland turned to forest in 2015
    forest = {2013: 0.6, 2014: 0.6, 2015: 0.8}
    sub = SubbasinSources(subbasin="s1", land_use=(LandUse("cropland", share=crop, emc_mg_per_l=3.0),
                                                   LandUse("forest", share=forest, emc_mg_per_l=1.0)),
                          timing=SourceTiming(years=years_mode))
    params = SourceParameters((sub,))
    n = len(YEARS)
    quick, base = np.full((n, 1), 0.5), np.full((n, 1), 0.1)
    tn, names, _ = daily_loads(params, YEARS, quick, base, [100.0])
    q = quality_loads(read_quality_table(REGION), params, YEARS, quick, base, [100.0], tn, point_loads(params, YEARS))
    k = names.index("diffuse_quickflow")
    return tn[:, 0, k], {sp: q.diffuse[sp][:, 0, k] for sp in ("dp", "pp", "codmn")}


def test_blended_quickflow_tp_and_codmn_move_with_tn():
    tn, q = _land_run("blended")
    tp = q["dp"] + q["pp"]
    for x in (tn, tp, q["codmn"]):
        for first_jan in np.flatnonzero(np.diff(YEARS)) + 1:
            jump = abs(x[first_jan] - x[first_jan - 1])
            inside = abs(x[first_jan - 1] - x[first_jan - 2]) + abs(x[first_jan + 1] - x[first_jan])
            assert jump <= 2.0 * inside + 1e-12 * x[first_jan]
    # constant quick flow: TP / TN is the ratio of the EMCs, which now change on the same days
    assert np.all(np.diff(tp[YEARS < 2014]) == 0) and np.all(np.diff(tn[YEARS < 2014]) == 0)
    # the change of 2015 starts inside 2014 for both (TN's blending, docs/sources.md), not on 1 January 2015
    in_2014 = np.equal(YEARS, 2014)
    assert np.ptp(tn[in_2014]) > 0.01 * tn[0] and np.ptp(tp[in_2014]) > 0.01 * tp[0]


def test_quickflow_tp_yearly_totals_kept_by_blending():
    _, qb = _land_run("blended")
    _, qc = _land_run("calendar")
    for sp in ("dp", "pp", "codmn"):
        for y in np.unique(YEARS):
            days = np.equal(YEARS, y)
            # the particulate share is the calendar year's, TP's total is kept: compare dp + pp, codmn
            total_b = (qb["dp"] + qb["pp"] if sp != "codmn" else qb[sp])[days].sum()
            total_c = (qc["dp"] + qc["pp"] if sp != "codmn" else qc[sp])[days].sum()
            np.testing.assert_allclose(total_b, total_c, rtol=1e-12)


# -- an unknown source table names the known ones --------------------------------------------------

def test_unknown_source_kind_lists_the_known_keys():
    """A table no kind reads (``fishpond``, nothing near it) used to say only "unknown key"; the
    message now lists what ``[subbasins.sources]`` accepts, so the user can see which to use."""
    import tomllib

    from hydro.errors import HydroError
    from hydro.tomlio import Table

    text = '[[subbasins]]\nid = "a"\n[subbasins.sources.fishpond]\nkg = 3\n'
    with pytest.raises(HydroError) as err:
        SourceParameters.from_table(Table(tomllib.loads(text), "basin.toml"))
    msg = str(err.value)
    assert "basin.toml" in msg and "subbasin 'a'" in msg and "sources.fishpond" in msg, msg
    assert "known keys:" in msg and "livestock" in msg and "rural_domestic" in msg, msg
