"""Water-quality species beside TN (hydro.sources.quality): the regional table, the split of
the TN loads into species, TP and CODMn loads from the same drivers, and the point sources.

Layers: the shipped regional table covers every land-use class and livestock kind of both
shipped basins; on both basins (2000-2017 days, random flows) the N species add up to the TN
loads of every source and every point, and TN itself is not touched; hand-computed loads of
each source on a one-subbasin case; the runoff timing keeps yearly totals and follows TN's;
the effluent grades; and the errors for bad tables, basins and arguments.

Tolerances: the species are the TN loads times shares that sum to 1 (the nitrate share is
computed as 1 - the others), so a sum differs from TN by a few ulps: relative 1e-12 allows
~4500 ulps, far below any modelling effect and far above round-off.  Hand-computed loads
repeat the same arithmetic in another order: relative 1e-12.
"""

from __future__ import annotations

import dataclasses
import math
import shutil
import tomllib
from pathlib import Path

import numpy as np
import pytest

from hydro.basin import ROOT, Basin
from hydro.errors import HydroError
from hydro.sources import (
    SOURCE_NAMES,
    SPECIES,
    SPECIES_OF,
    Deposition,
    LandUse,
    Livestock,
    PointSource,
    RuralDomestic,
    SourceParameters,
    SubbasinSources,
    daily_loads,
    point_loads,
    quality_loads,
    quality_table_of,
    read_quality_table,
)
from hydro.tomlio import load_toml
from tests.test_store_nitrification import store_off

REGION = ROOT / "basins" / "region" / "quality.toml"
S = {name: i for i, name in enumerate(SOURCE_NAMES)}
REL = 1e-12


@pytest.fixture(scope="module")
def table():
    return read_quality_table(REGION)


# -- the regional table -------------------------------------------------------------------

def test_contract_names():
    assert SPECIES == ("orgn", "nh3n", "no3n", "dp", "pp", "codmn")
    assert SPECIES_OF == {"tn": ("orgn", "nh3n", "no3n"), "tp": ("dp", "pp"), "codmn": ("codmn",)}


@pytest.mark.parametrize("name", ["miyun", "guanting"])
def test_shipped_basins_name_the_one_regional_table(name, table):
    """Both basins read the same file, and it covers every land-use class and livestock kind
    they use (a class it lacked would stop a run)."""
    basin = Basin.load(name)
    assert basin.quality["table"] == REGION.resolve()
    own = quality_table_of(basin)
    assert own is not None and own.path == str(REGION.resolve())
    raw = load_toml(ROOT / "basins" / name / "basin.toml")
    classes = {c for s in raw["subbasins"] for c in s["sources"].get("land_use", {})}
    kinds = {k for s in raw["subbasins"] for k in s["sources"].get("livestock", {})}
    assert classes and classes <= set(table.land_use), classes - set(table.land_use)
    assert kinds and kinds <= set(table.livestock.kinds), kinds - set(table.livestock.kinds)


def test_guanting_maps_its_beijing_plant_to_the_beijing_standard_from_2013():
    """DB11/890-2012 is in force from 2012-07-01: before 2013 the plant is at GB 18918 class 1B."""
    own = quality_table_of(Basin.load("guanting"))
    assert own.point_grades == {"Yanqing WWTP": {2000: "gb18918_1b", 2013: "db11_890_b"}}


def test_grades_that_change_hold_each_from_its_year_on(table):
    """A year table of grades is a step (grades do not blend): the first also before its year."""
    years = np.repeat(np.arange(2010, 2016), 365)
    n = len(years)
    params = SourceParameters((_one(points=(_plant("p", 15.0),)),))
    tn, _, _ = daily_loads(params, years, np.zeros((n, 1)), np.full((n, 1), 0.1), [100.0])
    own = dataclasses.replace(table, point_grades={"p": {2012: "gb18918_1b", 2014: "db11_890_b"}})
    q = quality_loads(own, params, years, np.zeros((n, 1)), np.full((n, 1), 0.1), [100.0], tn,
                      point_loads(params, years))
    assert q.point_grades == ("gb18918_1b, db11_890_b from 2014",)
    b, beijing = table.effluent["gb18918_1b"], table.effluent["db11_890_b"]
    tp = (q.point["dp"] + q.point["pp"])[:, 0] / 10.0  # 10,000 m3/d x 1 mg/L = 10 kg/d
    np.testing.assert_allclose(tp[years < 2014], b.tp_mg_per_l, rtol=REL)  # 2010-2011 too: the first grade
    np.testing.assert_allclose(tp[years >= 2014], beijing.tp_mg_per_l, rtol=REL)


def test_table_values_are_what_sources_md_cites(table):
    """A few anchors of basins/region/SOURCES.md: GB 18918-2002 class 1A/1B limits, the Tumen
    Xigou TP deposition, and the splits summing to 1."""
    a, b = table.effluent["gb18918_1a"], table.effluent["gb18918_1b"]
    assert (a.tn_mg_per_l, a.nh3n_mg_per_l, a.tp_mg_per_l, a.codcr_mg_per_l) == (15.0, 5.0, 0.5, 50.0)
    assert (b.tn_mg_per_l, b.nh3n_mg_per_l, b.tp_mg_per_l, b.codcr_mg_per_l) == (20.0, 8.0, 1.0, 60.0)
    assert table.deposition.tp_kg_per_ha_yr == 1.952
    for split in [lu.tn for lu in table.land_use.values()] + [table.groundwater.tn, table.rural_domestic.tn,
                                                              table.livestock.tn, table.deposition.tn]:
        assert sum(split.as_tuple()) == pytest.approx(1.0, abs=1e-15)


# -- the two shipped basins: TN is split, never changed -----------------------------------

def _flows(n_day, n_sub, seed=0):
    rng = np.random.default_rng(seed)
    quick = rng.exponential(0.4, (n_day, n_sub)) * (rng.random((n_day, n_sub)) < 0.2)
    base = rng.exponential(0.2, (n_day, n_sub))
    return quick, base


def _years(start="2000-01-01", end="2017-03-01"):
    dates = np.arange(np.datetime64(start), np.datetime64(end))
    return dates.astype("datetime64[Y]").astype(int) + 1970


@pytest.mark.parametrize("name", ["miyun", "guanting"])
def test_n_species_add_up_to_tn_for_every_source_and_point(name):
    from hydro.watershed import Watershed

    basin = Basin.load(name)
    ws = Watershed.from_basin(basin)
    years = _years()
    area = np.array([s.area_km2 for s in ws.subbasins])
    quick, base = _flows(len(years), len(area))
    tn, _, _ = daily_loads(ws.sources, years, quick, base, area)
    tn_copy = tn.copy()
    points = point_loads(ws.sources, years)
    q = quality_loads(store_off(quality_table_of(basin)), ws.sources, years, quick, base, area, tn, points)
    total = q.diffuse["orgn"] + q.diffuse["nh3n"] + q.diffuse["no3n"]
    np.testing.assert_allclose(total, tn, rtol=REL, atol=1e-12 * tn.max())
    np.testing.assert_array_equal(tn, tn_copy)  # the TN loads are read, never written
    pts = q.point["orgn"] + q.point["nh3n"] + q.point["no3n"]
    np.testing.assert_allclose(pts, points.loads_kg_per_day, rtol=REL)
    for sp in SPECIES:
        assert q.diffuse[sp].shape == tn.shape and q.point[sp].shape == points.loads_kg_per_day.shape
        assert np.all(q.diffuse[sp] >= 0) and np.all(np.isfinite(q.diffuse[sp]))
        assert np.all(q.point[sp] >= 0)
    # every source that carries TN carries TP (deposition and the rest), and CODMn except deposition
    tp, _ = q.constituent("tp")
    for k, source in enumerate(SOURCE_NAMES):
        if tn[:, :, k].sum() > 0:
            assert tp[:, :, k].sum() > 0, source
    # the point column is the subbasins' point sources summed, for TP as for TN
    owner = {n: s for s, sub in enumerate(ws.sources.subbasins) for n in (p.name for p in sub.point)}
    for s in set(owner.values()):
        mine = [k for k, n in enumerate(points.names) if owner[n] == s]
        np.testing.assert_allclose(tp[:, s, S["point"]], q.point["dp"][:, mine].sum(1) + q.point["pp"][:, mine].sum(1),
                                   rtol=REL)


# -- one subbasin, by hand ----------------------------------------------------------------

def _one(timing="constant", points=()):
    return SubbasinSources(
        subbasin="s1",
        land_use=(LandUse("cropland", share=0.4, emc_mg_per_l=3.0), LandUse("forest", share=0.6, emc_mg_per_l=1.0)),
        rural_domestic=RuralDomestic(population=1000, per_capita_n_g_per_day=10.0, delivery_fraction=0.2,
                                     connected_share=0.5, treatment_removal=0.4),
        livestock=(Livestock("pig", head=200, excretion_kg_per_head_yr=10.0, loss_fraction=0.1,
                             managed_share=0.5, managed_loss_fraction=0.02),),
        point=tuple(points),
        deposition=Deposition(rate_kg_per_ha_yr=40.0, water_area_km2=2.0),
        delivery_timing=timing)


def _run(table, sub, years, quick, base, area=100.0):
    params = SourceParameters((sub,))
    tn, _, _ = daily_loads(params, years, quick, base, [area])
    return tn, quality_loads(table, params, years, quick, base, [area], tn, point_loads(params, years))


def test_hand_computed_loads_of_each_source(table):
    years = np.array([2015] * 365 + [2016] * 366)
    n = len(years)
    quick = np.linspace(0.0, 2.0, n)[:, None]
    base = np.linspace(0.5, 0.1, n)[:, None]
    area = 100.0
    tn, q = _run(table, _one(), years, quick, base, area)
    crop, forest = table.land_use["cropland"], table.land_use["forest"]
    # quick flow: 1 mg/L x 1 mm/d x 1 km2 = 1 kg/d; the share-weighted EMC
    tp_emc = 0.4 * crop.tp_emc_mg_per_l + 0.6 * forest.tp_emc_mg_per_l
    pp_emc = 0.4 * crop.tp_emc_mg_per_l * crop.pp_share + 0.6 * forest.tp_emc_mg_per_l * forest.pp_share
    iq = S["diffuse_quickflow"]
    np.testing.assert_allclose(q.diffuse["pp"][:, 0, iq] + q.diffuse["dp"][:, 0, iq], tp_emc * quick[:, 0] * area,
                               rtol=REL)
    np.testing.assert_allclose(q.diffuse["pp"][:, 0, iq], pp_emc * quick[:, 0] * area, rtol=REL)
    cod_emc = 0.4 * crop.codmn_emc_mg_per_l + 0.6 * forest.codmn_emc_mg_per_l
    np.testing.assert_allclose(q.diffuse["codmn"][:, 0, iq], cod_emc * quick[:, 0] * area, rtol=REL)
    # the TN split of quick flow: weighted by each class's share of the TN (share x EMC)
    w_crop, w_forest = 0.4 * 3.0, 0.6 * 1.0
    f_nh3 = (w_crop * crop.tn.nh3n + w_forest * forest.tn.nh3n) / (w_crop + w_forest)
    np.testing.assert_allclose(q.diffuse["nh3n"][:, 0, iq], f_nh3 * tn[:, 0, iq], rtol=REL)
    # base flow
    ig, gw = S["groundwater"], table.groundwater
    np.testing.assert_allclose(q.diffuse["dp"][:, 0, ig], gw.tp_mg_per_l * (1 - gw.pp_share) * base[:, 0] * area,
                               rtol=REL)
    np.testing.assert_allclose(q.diffuse["codmn"][:, 0, ig], gw.codmn_mg_per_l * base[:, 0] * area, rtol=REL)
    np.testing.assert_allclose(q.diffuse["no3n"][:, 0, ig], gw.tn.no3n * tn[:, 0, ig], rtol=REL)
    # rural domestic: 1000 persons x (1 - 0.5 x 0.4) x 0.2 delivered, per-capita g/d -> kg/d
    rd = table.rural_domestic
    persons = 1000 * (1 - 0.5 * 0.4) * 0.2
    ir = S["rural_domestic"]
    np.testing.assert_allclose(q.diffuse["dp"][:, 0, ir] + q.diffuse["pp"][:, 0, ir],
                               persons * rd.per_capita_p_g_per_day * rd.p_delivery_ratio * 1e-3, rtol=REL)
    np.testing.assert_allclose(q.diffuse["codmn"][:, 0, ir],
                               persons * rd.per_capita_codcr_g_per_day * 1e-3 * table.codmn_per_codcr, rtol=REL)
    # livestock: 200 head x ((1 - 0.5) 0.1 + 0.5 x 0.02) per year, over 365 or 366 days
    pig = table.livestock.kinds["pig"]
    days = np.where(years == 2016, 366.0, 365.0)
    il = S["livestock"]
    ratio = table.livestock.p_delivery_ratio   # P lost per unit of the N loss fractions (region R4a)
    np.testing.assert_allclose(q.diffuse["pp"][:, 0, il], 200 * (0.5 * 0.1 + 0.5 * 0.02) * pig.p_kg_per_head_yr
                               * ratio / days * table.livestock.pp_share, rtol=REL)
    # yearly totals: 2016 (366 d) and 2015 (365 d) each sum to the yearly coefficient
    assert q.diffuse["dp"][years == 2016, 0, il].sum() + q.diffuse["pp"][years == 2016, 0, il].sum() == \
        pytest.approx(200 * 0.06 * pig.p_kg_per_head_yr * ratio, rel=REL)
    # deposition: rate x 2 km2 x 100 ha/km2 over the days of the year; no CODMn
    idp = S["deposition"]
    np.testing.assert_allclose(q.diffuse["dp"][:, 0, idp] + q.diffuse["pp"][:, 0, idp],
                               table.deposition.tp_kg_per_ha_yr * 200.0 / days, rtol=REL)
    assert not q.diffuse["codmn"][:, 0, idp].any()


def test_runoff_timing_keeps_yearly_totals_and_follows_tn(table):
    """With delivery_timing = "runoff" the P and CODMn of people and livestock reach the river
    on the days TN does, in the same proportions, and each year's total is the constant rate's."""
    years = np.array([2015] * 365 + [2016] * 366)
    n = len(years)
    rng = np.random.default_rng(3)
    quick = (rng.exponential(1.0, n) * (rng.random(n) < 0.3))[:, None]
    base = rng.exponential(0.1, n)[:, None]
    tn_c, q_c = _run(table, _one("constant"), years, quick, base)
    tn_r, q_r = _run(table, _one("runoff"), years, quick, base)
    for k in (S["rural_domestic"], S["livestock"]):
        assert not np.allclose(q_r.diffuse["dp"][:, 0, k], q_c.diffuse["dp"][:, 0, k])  # timing changed
        for sp in ("dp", "pp", "codmn"):
            for y in (2015, 2016):
                d = years == y
                assert q_r.diffuse[sp][d, 0, k].sum() == pytest.approx(q_c.diffuse[sp][d, 0, k].sum(), rel=REL)
            ratio = q_r.diffuse[sp][:, 0, k] / q_c.diffuse[sp][:, 0, k]
            np.testing.assert_allclose(ratio, tn_r[:, 0, k] / tn_c[:, 0, k], rtol=1e-10)


# -- point sources ------------------------------------------------------------------------

def _plant(name, tn):
    return PointSource(name=name, reach="r1", discharge_m3_per_day=10000.0, tn_mg_per_l=tn)


def test_point_effluent_by_grade(table):
    years = np.array([2013] * 365 + [2014] * 365 + [2015] * 365 + [2016] * 366)
    n = len(years)
    quick = np.zeros((n, 1))
    base = np.full((n, 1), 0.1)
    plants = (_plant("a", 15.0), _plant("b", {2013: 20.0, 2016: 15.0}), _plant("c", 15.0), _plant("raw", 50.0))
    sub = _one(points=plants)
    params = SourceParameters((sub,))
    tn, _, _ = daily_loads(params, years, quick, base, [100.0])
    pts = point_loads(params, years)
    own = dataclasses.replace(table, point_grades={"c": "db11_890_b"})
    q = quality_loads(own, params, years, quick, base, [100.0], tn, pts)
    assert q.point_grades == ("interpolated", "interpolated", "db11_890_b", "interpolated")
    tp = q.point["dp"] + q.point["pp"]
    # 10,000 m3/d x 1 mg/L = 10 kg/d
    a, b, beijing = table.effluent["gb18918_1a"], table.effluent["gb18918_1b"], table.effluent["db11_890_b"]
    np.testing.assert_allclose(tp[:, 0], 10.0 * a.tp_mg_per_l, rtol=REL)              # TN 15: class 1A
    np.testing.assert_allclose(tp[years == 2013, 1], 10.0 * b.tp_mg_per_l, rtol=REL)  # TN 20: class 1B
    np.testing.assert_allclose(tp[years == 2016, 1], 10.0 * a.tp_mg_per_l, rtol=REL)  # upgraded in 2016
    mid = tp[years == 2014, 1][0] / 10.0  # TN 18.33: 2/3 of the way from 1A to 1B
    assert mid == pytest.approx(a.tp_mg_per_l + (b.tp_mg_per_l - a.tp_mg_per_l) * (18.0 + 1 / 3 - 15) / 5, rel=1e-9)
    np.testing.assert_allclose(tp[:, 2], 10.0 * beijing.tp_mg_per_l, rtol=REL)         # the grade given
    np.testing.assert_allclose(q.point["nh3n"][:, 2], 10.0 * beijing.nh3n_mg_per_l, rtol=REL)
    np.testing.assert_allclose(q.point["codmn"][:, 0], 10.0 * a.codcr_mg_per_l * table.codmn_per_codcr, rtol=REL)
    # TN 50 mg/L: above the last grade (untreated sewage), its concentrations held; nitrate takes the rest
    raw = table.effluent["untreated"]
    np.testing.assert_allclose(q.point["orgn"][:, 3], 10.0 * raw.orgn_mg_per_l, rtol=REL)
    np.testing.assert_allclose(q.point["no3n"][:, 3], 10.0 * (50.0 - raw.orgn_mg_per_l - raw.nh3n_mg_per_l),
                               rtol=1e-9)
    total = q.point["orgn"] + q.point["nh3n"] + q.point["no3n"]
    np.testing.assert_allclose(total, pts.loads_kg_per_day, rtol=REL)
    # the subbasin's point column of TN species is the plants' sum
    np.testing.assert_allclose(q.diffuse["nh3n"][:, 0, S["point"]], q.point["nh3n"].sum(1), rtol=REL)


def test_point_ammonia_never_exceeds_a_low_tn(table):
    """A plant whose TN is below its grade's NH3-N limit puts all its N in NH3-N, none negative."""
    years = np.array([2015] * 365)
    sub = _one(points=(_plant("low", 0.5),))
    params = SourceParameters((sub,))
    zeros = np.zeros((365, 1))
    tn, _, _ = daily_loads(params, years, zeros, zeros, [100.0])
    q = quality_loads(table, params, years, zeros, zeros, [100.0], tn, point_loads(params, years))
    np.testing.assert_allclose(q.point["nh3n"][:, 0], 10.0 * 0.5, rtol=REL)
    assert not q.point["orgn"].any() and not q.point["no3n"].any()


# -- errors -------------------------------------------------------------------------------

def _bad_table(tmp_path, old, new):
    text = REGION.read_text()
    assert old in text, old
    path = tmp_path / "quality.toml"
    path.write_text(text.replace(old, new, 1))
    return path


@pytest.mark.parametrize("old, new, match", [
    ("tn_species = { orgn = 0.45, nh3n = 0.10, no3n = 0.45 }",
     "tn_species = { orgn = 0.45, nh3n = 0.10, no3n = 0.55 }", r"land_use.forest.tn_species'.*sum to 1.1"),
    ("tp_emc_mg_per_l = 0.10", "tp_emc_mg_per_l = -0.10", r"land_use.forest.tp_emc_mg_per_l'.*\[0, 20\]"),
    ("pp_share = 0.60", "pp_share = 1.6", r"land_use.forest.pp_share'.*\[0, 1\]"),
    ("tp_emc_mg_per_l = 0.10", "tp_emc = 0.10", r"land_use.forest.tp_emc_mg_per_l'.*missing"),
    ("codmn_per_codcr = 0.26", "codmn_per_codcr = 0.26\ncod_ratio = 1", r"'cod_ratio'.*unknown key"),
    ('default_grades = ["gb18918_1a", "gb18918_1b"', 'default_grades = ["gb18918_1b", "gb18918_1a"',
     r"default_grades'.*increase"),
    ('default_grades = ["gb18918_1a"', 'default_grades = ["gb18918_1c"', r"'gb18918_1c' is not defined.*did you mean"),
    ("p_kg_per_head_yr = 3.18", 'p_kg_per_head_yr = "3.18"', r"livestock.kinds.pig.p_kg_per_head_yr'.*finite number"),
    ("nh3n_mg_per_l = 5.0", "nh3n_mg_per_l = 50.0", r"exceed TN 15"),
])
def test_bad_table_is_refused_with_file_and_key(tmp_path, old, new, match):
    path = _bad_table(tmp_path, old, new)
    with pytest.raises(HydroError, match=match) as err:
        read_quality_table(path)
    assert str(path) in str(err.value)


def test_missing_or_malformed_table_file(tmp_path):
    with pytest.raises(HydroError, match=r"quality\.toml"):
        read_quality_table(tmp_path / "quality.toml")
    bad = tmp_path / "bad.toml"
    bad.write_text("codmn_per_codcr = \n")
    with pytest.raises(HydroError, match="malformed TOML"):
        read_quality_table(bad)


def _basin_with(tmp_path, quality_lines):
    """The tiny example basin with a [quality] table (first, so a bare key stays top-level)."""
    src = ROOT / "configs" / "examples" / "tiny" / "basin.toml"
    path = tmp_path / "basin.toml"
    path.write_text(quality_lines + "\n\n" + src.read_text())
    shutil.copy(src.parent / "forcing.csv", tmp_path)  # its series are checked when the basin loads
    (tmp_path / "region").mkdir(exist_ok=True)
    (tmp_path / "region" / "quality.toml").write_text(REGION.read_text())
    return path


def test_basin_without_quality_has_none():
    assert quality_table_of(Basin.load("tiny")) is None


@pytest.mark.parametrize("lines, match", [
    ('[quality]\ntable = "missing/quality.toml"', r"key 'quality.table': no such file"),
    ("[quality]\ntable = 3", r"key 'quality.table': expected the path"),
    ("[quality]\npath = \"region/quality.toml\"", r"key 'quality.table': missing"),
    ('[quality]\ntable = "region/quality.toml"\ntables = 1', r"key 'quality.tables': unknown key"),
    ('quality = "region/quality.toml"', r"key 'quality': expected a table"),
    ('[quality]\ntable = "region/quality.toml"\npoint_grades = 3', r"quality.point_grades'.*plant name"),
    ('[quality]\ntable = "region/quality.toml"\npoint_grades = { a = 1 }',
     r"quality.point_grades.\"a\"'.*expected a grade.*each from its year on"),
    ('[quality]\ntable = "region/quality.toml"\npoint_grades = { a = { x2013 = "gb18918_1b" } }',
     r"quality.point_grades.\"a\".x2013'.*'x2013' is not a year"),
    ('[quality]\ntable = "region/quality.toml"\npoint_grades = { a = { 20 = "gb18918_1b", 213 = "gb18918_1a" } }',
     r"quality.point_grades.\"a\".20'.*four-digit years"),
    ('[quality]\ntable = "region/quality.toml"\npoint_grades = { a = { 2013 = 5 } }',
     r"quality.point_grades.\"a\".2013'.*expected a grade name"),
    ('[quality]\ntable = "region/quality.toml"\npoint_grades = { a = "gb18918_1b", b = 1 }',
     r"quality.point_grades.\"b\"'.*expected a grade"),                  # one bad plant among good ones
    ('[quality]\ntable = "region/quality.toml"\npoint_grades = { a = {} }',
     r"quality.point_grades.\"a\"'.*expected a grade"),
])
def test_bad_quality_table_in_a_basin(tmp_path, lines, match):
    path = _basin_with(tmp_path, lines)
    with pytest.raises(HydroError, match=match) as err:
        Basin.load(path)
    assert str(path) in str(err.value)


def test_unknown_point_grade_and_plant(tmp_path, table):
    path = _basin_with(tmp_path, '[quality]\ntable = "region/quality.toml"\n[quality.point_grades]\nx = "gb18918_1c"')
    with pytest.raises(HydroError, match=r"quality.point_grades.\"x\"'.*'gb18918_1c'.*did you mean"):
        quality_table_of(Basin.load(path))
    path = _basin_with(tmp_path, '[quality]\ntable = "region/quality.toml"\n[quality.point_grades]\n'
                                 'x = { 2013 = "db11_890_c", 2000 = "gb18918_1b" }')
    assert Basin.load(path).quality["point_grades"] == {"x": {2000: "gb18918_1b", 2013: "db11_890_c"}}  # sorted
    with pytest.raises(HydroError, match=r"quality.point_grades.\"x\"'.*'db11_890_c'.*did you mean"):
        quality_table_of(Basin.load(path))
    years = np.array([2015] * 365)
    zeros = np.zeros((365, 1))
    params = SourceParameters((_one(points=(_plant("Fengning WWTP", 15.0),)),))
    tn, _, _ = daily_loads(params, years, zeros, zeros, [100.0])
    own = dataclasses.replace(table, point_grades={"Fengning WWTP ": "gb18918_1a"})
    with pytest.raises(HydroError, match=r"not a point source.*did you mean 'Fengning WWTP'"):
        quality_loads(own, params, years, zeros, zeros, [100.0], tn, point_loads(params, years))


def test_unknown_land_use_or_livestock(table):
    years = np.array([2015] * 365)
    zeros = np.zeros((365, 1))
    sub = dataclasses.replace(_one(), land_use=(LandUse("orchard", share=1.0, emc_mg_per_l=2.0),))
    params = SourceParameters((sub,))
    tn, _, _ = daily_loads(params, years, zeros, zeros, [100.0])
    with pytest.raises(HydroError, match=r"'s1'.*'orchard'.*\[land_use.orchard\]"):
        quality_loads(table, params, years, zeros, zeros, [100.0], tn, point_loads(params, years))
    sub = dataclasses.replace(_one(), livestock=(Livestock("goat", head=1, excretion_kg_per_head_yr=1.0,
                                                           loss_fraction=0.1),))
    params = SourceParameters((sub,))
    with pytest.raises(HydroError, match=r"'goat'.*\[livestock.kinds.goat\]"):
        quality_loads(table, params, years, zeros, zeros, [100.0], tn, point_loads(params, years))


def test_bad_arguments(table):
    years = np.array([2015] * 365)
    zeros = np.zeros((365, 1))
    params = SourceParameters((_one(points=(_plant("p", 15.0),)),))
    tn, _, _ = daily_loads(params, years, zeros, zeros, [100.0])
    pts = point_loads(params, years)
    with pytest.raises(HydroError, match=r"'tn_loads': expected shape \[day, subbasin, source\]"):
        quality_loads(table, params, years, zeros, zeros, [100.0], tn[:, :, :5], pts)
    with pytest.raises(HydroError, match=r"'tn_loads': expected finite loads"):
        quality_loads(table, params, years, zeros, zeros, [100.0], -tn - 1, pts)
    other = point_loads(SourceParameters((_one(points=(_plant("q", 15.0),)),)), years)
    with pytest.raises(HydroError, match=r"'points'.*not those of 'params'"):
        quality_loads(table, params, years, zeros, zeros, [100.0], tn, other)
    with pytest.raises(HydroError, match=r"'quick_mm'"):
        quality_loads(table, params, years, zeros[:10], zeros, [100.0], tn, pts)
    with pytest.raises(HydroError, match=r"'area_km2'"):
        quality_loads(table, params, years, zeros, zeros, [0.0], tn, pts)
    q = quality_loads(table, params, years, zeros, zeros, [100.0], tn, pts)
    with pytest.raises(HydroError, match=r"'nh3': expected one of tn, tp, codmn"):
        q.constituent("nh3")


def test_codmn_is_codcr_times_the_conversion(table):
    """Halving codmn_per_codcr halves every CODMn load that comes from a CODCr coefficient
    (people, livestock, effluent) and leaves the EMC-based ones (CODMn already)."""
    years = np.array([2015] * 365)
    quick = np.full((365, 1), 0.5)
    base = np.full((365, 1), 0.2)
    params = SourceParameters((_one(points=(_plant("p", 15.0),)),))
    tn, _, _ = daily_loads(params, years, quick, base, [100.0])
    pts = point_loads(params, years)
    full = quality_loads(table, params, years, quick, base, [100.0], tn, pts)
    half = quality_loads(dataclasses.replace(table, codmn_per_codcr=table.codmn_per_codcr / 2), params, years, quick,
                         base, [100.0], tn, pts)
    for source in ("rural_domestic", "livestock", "point"):
        k = S[source]
        np.testing.assert_allclose(half.diffuse["codmn"][:, 0, k], full.diffuse["codmn"][:, 0, k] / 2, rtol=REL)
    for source in ("diffuse_quickflow", "groundwater"):
        k = S[source]
        np.testing.assert_array_equal(half.diffuse["codmn"][:, 0, k], full.diffuse["codmn"][:, 0, k])
    assert math.isclose(half.point["codmn"][0, 0], full.point["codmn"][0, 0] / 2, rel_tol=REL)


def test_p_delivery_ratio_scales_only_the_p_of_people_and_livestock(table):
    """Region R4a: P of rural domestic and livestock is the basin's delivery times p_delivery_ratio;
    TN and CODMn keep the basin's fractions; a table without the key applies TN's (ratio 1)."""
    assert 0 < table.rural_domestic.p_delivery_ratio < 1 and 0 < table.livestock.p_delivery_ratio < 1
    years = np.array([2015] * 365)
    quick, base = _flows(365, 1, seed=3)
    one = dataclasses.replace(table, rural_domestic=dataclasses.replace(table.rural_domestic, p_delivery_ratio=1.0),
                              livestock=dataclasses.replace(table.livestock, p_delivery_ratio=1.0))
    _, q = _run(table, _one(), years, quick, base)
    _, q1 = _run(one, _one(), years, quick, base)
    for src, ratio in (("rural_domestic", table.rural_domestic.p_delivery_ratio),
                       ("livestock", table.livestock.p_delivery_ratio)):
        k = S[src]
        for sp in ("dp", "pp"):
            np.testing.assert_allclose(q.diffuse[sp][:, 0, k], ratio * q1.diffuse[sp][:, 0, k], rtol=REL)
        for sp in ("orgn", "nh3n", "no3n", "codmn"):
            np.testing.assert_array_equal(q.diffuse[sp][:, 0, k], q1.diffuse[sp][:, 0, k])



def test_a_table_without_p_delivery_ratio_applies_tn_fractions(tmp_path):
    text = REGION.read_text().replace("p_delivery_ratio = 0.25\n", "")
    (tmp_path / "quality.toml").write_text(text)
    bare = read_quality_table(tmp_path / "quality.toml")
    assert bare.rural_domestic.p_delivery_ratio == 1.0 and bare.livestock.p_delivery_ratio == 1.0
    bad = REGION.read_text().replace("p_delivery_ratio = 0.25", "p_delivery_ratio = 1.5", 1)
    (tmp_path / "bad.toml").write_text(bad)
    with pytest.raises(HydroError, match="p_delivery_ratio"):
        read_quality_table(tmp_path / "bad.toml")


def test_both_basins_take_one_regional_inventory():
    """Issue 13: per-capita N, N per head and livestock per rural resident of both basin files come
    from basins/region/inventory.toml, so the same kind of animal or person counts the same in both."""
    inventory = tomllib.loads((ROOT / "basins" / "region" / "inventory.toml").read_text(encoding="utf-8"))
    per_head = inventory["livestock_n_kg_per_head_yr"]
    for name in ("miyun", "guanting"):
        basin = tomllib.loads((ROOT / "basins" / name / "basin.toml").read_text(encoding="utf-8"))
        for sub in basin["subbasins"]:
            src = sub["sources"]
            per_capita = src["rural_domestic"]["per_capita_n_g_per_day"]
            assert per_capita == inventory["rural_domestic"]["per_capita_n_g_per_day"]
            for kind, lv in src["livestock"].items():
                assert lv["excretion_kg_per_head_yr"] == per_head[kind], (name, sub["id"], kind)
            dep = src["deposition"]
            share = inventory["deposition"]["oxidised_share"]
            assert dep["oxidised_kg_per_ha_yr"] == pytest.approx(share * dep["rate_kg_per_ha_yr"], rel=1e-3)
            assert dep["land_rate_kg_per_ha_yr"] == dep["oxidised_kg_per_ha_yr"]


def test_sources_md_cites_every_section_the_table_names():
    """quality.toml points to sections R1-R10 of basins/region/SOURCES.md; each exists."""
    text = (ROOT / "basins" / "region" / "SOURCES.md").read_text()
    refs = {int(r) for r in __import__("re").findall(r"\(R(\d+)\)", REGION.read_text())}
    assert refs, "quality.toml names no section"
    for r in sorted(refs):
        assert f"## R{r}." in text, f"basins/region/SOURCES.md has no section R{r}"


def test_region_folder_is_shipped_data():
    """basins/region travels with the wheel (tests/test_install.py checks the list)."""
    assert Path(ROOT / "basins" / "region" / "quality.toml").is_file()


# -- the basins' constituent tables (make_basin.py) ----------------------------------------

def _make_basin(name):
    import importlib.util

    spec = importlib.util.spec_from_file_location(f"make_basin_{name}", ROOT / "basins" / name / "make_basin.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("name, tn", [
    ("miyun", dict(river_removal_per_day=0.10, reservoir_removal_per_day=0.0, settling_velocity_m_per_day=0.027)),
    ("guanting", dict(river_removal_per_day=0.3, reservoir_removal_per_day=0.002, settling_velocity_m_per_day=0.03)),
])
def test_species_keep_the_calibrated_tn_removal(name, tn):
    """Every N species is removed at the basin's calibrated TN rates (region SOURCES R9), so TN's
    net removal is unchanged whatever the split; reactions run from an earlier-listed species to
    a later one of the same constituent; the species are those of SPECIES_OF."""
    mb = _make_basin(name)
    constituents = {c[0]: c for c in mb.QUALITY_CONSTITUENTS}
    assert set(constituents) == set(SPECIES_OF)
    for cname, _, species, reactions, _own in mb.QUALITY_CONSTITUENTS:
        names = [s[0] for s in species]
        assert tuple(names or [cname]) == SPECIES_OF[cname]
        for src, dst, keys in reactions:
            assert names.index(src) < names.index(dst), (cname, src, dst)
            assert all(v >= 0 for v in keys.values())
    for _, _, keys in constituents["tn"][2]:
        assert {k: keys[k] for k in tn} == tn
        assert keys["river_theta"] == keys["reservoir_theta"] == 1.047
