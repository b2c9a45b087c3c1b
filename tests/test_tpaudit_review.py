"""Issue 14: the audit of the Chao inlet's TP and NH3-N (basins/miyun/SOURCES.md, 'TP and NH3-N at
the Chao inlet, audited (2026-12-02)').

The audit recomputes, by hand from the raw TOML of ``basins/miyun/basin.toml`` and
``basins/region/quality.toml`` (``tomllib``, no hydro parsing), the yearly TP and NH3-N of the
sources that do not depend on flow (livestock, rural domestic, deposition on water, the point
source) over the eight ``chao_*`` subbasins, and finds the load per km2 below the one published
export figure of the basin.  These tests hold the shipped coefficients, ``hydro.sources`` and the
section's text to that:

- ``hydro.sources`` gives the hand values (a unit, delivery or double-counting change in either
  breaks it);
- the section quotes them (a coefficient change names the sentence to update);
- the Chao's flow-independent TP per km2 stays below Wang Xiaoyan et al. (2002)'s 40.70 t / 1,400 km2,
  the audit's reason for keeping every coefficient.

Tolerances: the same arithmetic in another order, relative 1e-12 (round-off only); the text quotes
t/yr to 0.01, so a quoted figure is compared after rounding to 2 decimals.
"""

from __future__ import annotations

import re
import tomllib

import numpy as np
import pytest

from hydro.basin import ROOT, Basin
from hydro.sources import SourceParameters, point_loads, quality_table_of
from hydro.sources.quality_points import point_species
from hydro.sources.registry import kinds

REL = 1e-12
DAYS = 365.25  # the audit's yearly figures: kg/d x 365.25 (a mean year)
SECTION = "## TP and NH3-N at the Chao inlet, audited (2026-12-02)"


def _toml(*parts):
    return tomllib.loads(ROOT.joinpath(*parts).read_text(encoding="utf-8"))


def _in_2019(value) -> float:
    """A yearly field's 2019 value from the raw TOML: a number, or ``{year = value}`` interpolated
    in the year and held outside (hydro/sources/yearly.py); the audit's year is 2019."""
    if not isinstance(value, dict):
        return float(value)
    return float(np.interp(2019, [int(y) for y in value], [float(v) for v in value.values()]))


def _hand() -> dict[str, float]:
    """The Chao subbasins' yearly TP and NH3-N (t/yr) of the flow-independent sources, by hand."""
    basin, table = _toml("basins", "miyun", "basin.toml"), _toml("basins", "region", "quality.toml")
    lv_q, rd_q, dep_q = table["livestock"], table["rural_domestic"], table["deposition"]
    grade = next(g for g in table["effluent"]["grades"].values() if g["tn_mg_per_l"] == 15.0)  # GB 18918 1A
    out = dict.fromkeys(("livestock_tp", "rural_tp", "deposition_tp", "deposition_nh3n", "point_tp",
                         "point_nh3n"), 0.0)
    for sub in (s for s in basin["subbasins"] if s["id"].startswith("chao_")):
        src = sub["sources"]
        for kind, lv in src["livestock"].items():
            out["livestock_tp"] += (lv["head"] * lv_q["kinds"][kind]["p_kg_per_head_yr"] * lv["loss_fraction"]
                                    * lv_q["p_delivery_ratio"])
        rd = src["rural_domestic"]
        out["rural_tp"] += (rd["population"] * rd_q["per_capita_p_g_per_day"] * 1e-3 * DAYS
                            * rd["delivery_fraction"] * rd_q["p_delivery_ratio"])
        ha = src["deposition"]["water_area_km2"] * 100.0
        out["deposition_tp"] += ha * dep_q["tp_kg_per_ha_yr"]
        out["deposition_nh3n"] += ha * src["deposition"]["rate_kg_per_ha_yr"] * dep_q["tn_species"]["nh3n"]
        for p in src.get("point", []):
            assert _in_2019(p["tn_mg_per_l"]) == grade["tn_mg_per_l"], p  # the audit reads the plant as class 1A
            out["point_tp"] += _in_2019(p["discharge_m3_per_day"]) * grade["tp_mg_per_l"] * 1e-3 * DAYS
            out["point_nh3n"] += _in_2019(p["discharge_m3_per_day"]) * grade["nh3n_mg_per_l"] * 1e-3 * DAYS
    return {k: v / 1000.0 for k, v in out.items()}


@pytest.fixture(scope="module")
def hand():
    return _hand()


@pytest.fixture(scope="module")
def model() -> dict[str, float]:
    """The same from ``hydro.sources``: each kind's yearly rates (no timing) and the point species."""
    basin = Basin.load("miyun")
    params = SourceParameters.from_subbasin_tables(basin.subbasin_tables)
    table = quality_table_of(basin)
    years, days = np.array([2019]), np.array([DAYS])  # kg/d x DAYS = the yearly figure
    tp = {}
    for sub in (s for s in params.subbasins if s.subbasin.startswith("chao_")):
        for kind in kinds():
            q = kind.quality(table, sub, years, days)
            tp[kind.name] = tp.get(kind.name, 0.0) + float(np.asarray(q["tp"])[0])
    dep_nh3 = sum(float(np.asarray(kind.rates(sub, years, days, 1.0)["deposition"])[0])
                  for sub in params.subbasins if sub.subbasin.startswith("chao_")
                  for kind in kinds() if kind.name == "deposition") * table.deposition.tn.nh3n
    day_years = np.full(365, 2019)
    pts = point_loads(params, day_years)
    species, _, owner = point_species(table, params, years, np.zeros(365, dtype=int), pts)
    chao = [k for k, s in enumerate(owner) if params.subbasins[s].subbasin.startswith("chao_")]
    assert chao, "the Chao has no point source"
    point = {sp: float(species[sp][0, chao].sum()) for sp in ("dp", "pp", "nh3n")}
    t_yr = DAYS / 1000.0  # kg/d -> t/yr
    return {"livestock_tp": tp["livestock"] * t_yr, "rural_tp": tp["rural_domestic"] * t_yr,
            "deposition_tp": tp["deposition"] * t_yr, "deposition_nh3n": dep_nh3 * t_yr,
            "point_tp": (point["dp"] + point["pp"]) * t_yr, "point_nh3n": point["nh3n"] * t_yr}


def test_hydro_sources_give_the_hand_values(hand, model):
    assert set(hand) == set(model)
    for key in hand:
        assert model[key] == pytest.approx(hand[key], rel=REL), key


def test_the_audit_quotes_the_hand_values(hand):
    text = (ROOT / "basins" / "miyun" / "SOURCES.md").read_text(encoding="utf-8")
    assert SECTION in text, "basins/miyun/SOURCES.md lost the audit section"
    section = text.split(SECTION, 1)[1].split("\n## ", 1)[0]
    quoted = {"livestock_tp": r"8\.56 t/yr delivered", "rural_tp": r"= 1\.27 t",
              "deposition_tp": r"1\.952 = 1\.29 t TP", "deposition_nh3n": r"0\.54 = 15\.38 t NH3-N",
              "point_tp": r"= 2\.74 t TP/yr", "point_nh3n": r"= 27\.39 t NH3-N/yr"}
    for key, pattern in quoted.items():
        match = re.search(pattern, section)
        assert match, f"the audit no longer quotes {key} as /{pattern}/"
        figure = float(re.findall(r"\d+\.\d+", match.group(0))[-1])
        assert figure == round(hand[key], 2), (f"{key}: the audit says {figure} t/yr, the coefficients give "
                                               f"{hand[key]:.2f}; update the section")


def test_the_chao_load_per_km2_stays_below_the_published_export(hand):
    """The audit keeps every coefficient because the Chao's TP per km2 is a ninth of the basin's one
    published export figure or less; the flow-independent sources give 2.6 kg/km2/yr of it. Should they
    reach a fifth of the published 29 kg/km2/yr, that reason no longer holds: redo the audit."""
    area = sum(s["area_km2"] for s in _toml("basins", "miyun", "basin.toml")["subbasins"]
               if s["id"].startswith("chao_"))
    published = 40.70e3 / 1400.0  # kg TP/km2/yr, Wang Xiaoyan et al. (2002), Miyun SOURCES section 3
    constant = sum(v for k, v in hand.items() if k.endswith("_tp")) * 1000.0 / area
    assert constant < published / 5, (constant, published)
