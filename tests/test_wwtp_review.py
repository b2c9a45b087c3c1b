"""Issues 13/14: the Fengning county-town plant's history (basins/miyun/SOURCES.md section 8.11).

Since 2026-12-02 the Fengning (Dage) point source carries the town's sewage untreated to 2009, at
the composition measured at its outfall in 2006 (region R8 grade ``untreated``, Yu Yilei 2008), and
treated at the GB 18918 class 1A limits from 2010 (Chengde's county plants came in 2009, every Hebei
county town had one by the end of 2010).  These tests fail if the yearly values are lost (a constant
written back, a year shifted), if TN 42 stops selecting the ``untreated`` grade's TP and NH3-N, or if
section 8.11 no longer quotes the series the basin file ships.

Tolerances: the species are discharge x concentration x 1e-3 by hand against ``hydro.sources`` over
one year (no blending across years): relative 1e-12, round-off only.
"""

from __future__ import annotations

import tomllib

import numpy as np
import pytest

from hydro.basin import ROOT, Basin
from hydro.sources import SourceParameters, point_loads, quality_table_of
from hydro.sources.blocks import at
from hydro.sources.quality_points import point_species

FENGNING = "Fengning county town WWTP (Dage)"
CHICHENG = "Chicheng county town WWTP"
YEARS = np.arange(2000, 2021)
REL = 1e-12


@pytest.fixture(scope="module")
def shipped():
    basin = Basin.load("miyun")
    params = SourceParameters.from_subbasin_tables(basin.subbasin_tables)
    return params, quality_table_of(basin)


def _plant(params, name):
    return next(p for sub in params.subbasins for p in sub.point if p.name == name)


def _grades() -> dict:
    text = (ROOT / "basins" / "region" / "quality.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)["effluent"]["grades"]


def test_fengning_is_raw_sewage_to_2009_and_class_1a_from_2010(shipped):
    params, _ = shipped
    plant = _plant(params, FENGNING)
    tn = at(plant.tn_mg_per_l, YEARS)
    grades = _grades()
    raw, treated = YEARS <= 2009, YEARS >= 2010
    by_year = dict(zip(YEARS.tolist(), tn.tolist(), strict=True))
    assert np.all(tn[raw] == grades["untreated"]["tn_mg_per_l"]), by_year
    assert np.all(tn[treated] == grades["gb18918_1a"]["tn_mg_per_l"]), by_year
    assert np.all(at(plant.discharge_m3_per_day, YEARS) == 15000.0)  # the town's sewage, every year (ESTIMATE)


def test_chicheng_stays_treated_from_2000(shipped):
    """No start year was found for Chicheng (section 8.11): 10,000 m3/d at class 1A in every year."""
    params, _ = shipped
    plant = _plant(params, CHICHENG)
    assert np.all(at(plant.tn_mg_per_l, YEARS) == 15.0)
    assert np.all(at(plant.discharge_m3_per_day, YEARS) == 10000.0)


@pytest.mark.parametrize(("year", "grade"), [(2006, "untreated"), (2009, "untreated"), (2010, "gb18918_1a"),
                                             (2019, "gb18918_1a")])
def test_fengning_tp_and_nh3n_follow_the_year_s_grade(shipped, year, grade):
    params, table = shipped
    years = np.array([year])
    species, _, _ = point_species(table, params, years, np.zeros(365, dtype=int),
                                  point_loads(params, np.full(365, year)))
    names = [p.name for sub in params.subbasins for p in sub.point]
    k = names.index(FENGNING)
    g = _grades()[grade]
    m3_d = 15000.0
    tp = float(species["dp"][0, k] + species["pp"][0, k])
    assert tp == pytest.approx(m3_d * g["tp_mg_per_l"] * 1e-3, rel=REL)  # untreated 24 kg/d, 1A 7.5 kg/d
    assert float(species["nh3n"][0, k]) == pytest.approx(m3_d * g["nh3n_mg_per_l"] * 1e-3, rel=REL)


def test_section_8_11_quotes_the_shipped_series():
    basin = (ROOT / "basins" / "miyun" / "basin.toml").read_text(encoding="utf-8")
    sources = (ROOT / "basins" / "miyun" / "SOURCES.md").read_text(encoding="utf-8")
    table = basin.split(f'name = "{FENGNING}"', 1)[1].split("[subbasins.sources.", 1)[0]
    line = next(s for s in table.splitlines() if s.startswith("tn_mg_per_l"))
    series = line.split("=", 1)[1].split("#", 1)[0].strip()
    section = sources.split("**8.11 WWTPs", 1)[1].split("**8.12", 1)[0]
    assert f"`tn_mg_per_l = {series}`" in section, f"section 8.11 does not quote the shipped {series}"
