"""The report's land nitrogen budget (a review of the land budget, 2026-12-06: `hydro report` showed nothing of it):
the whole basin's terms over the calendar years the run covers whole, in t per year and % of the gross input."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from hydro.basin import Basin
from hydro.report import build_report
from hydro.report.tables import land_budget_table
from hydro.simulation import run


@pytest.fixture(scope="module")
def results():
    # 2001 whole, 2002 from January to March: only 2001 is averaged
    return run(Basin.load("watershed"), date(2001, 1, 1), date(2002, 3, 31))


def test_the_table_is_the_whole_years_basin_sums(results):
    t = land_budget_table(results)
    rows = {r[0]: r for r in t.rows}
    table = results.data["subbasin_tn_land_budget"][0].sum(axis=0)  # 2001, kg, summed over subbasins
    terms = list(results.coords["land_term"])
    for term in ("gross_input", "crop_uptake", "emitted_to_rivers", "delivered_to_rivers"):
        assert rows[term][1] == pytest.approx(table[terms.index(term)] / 1000.0, rel=1e-12)  # t
    fates = terms[1:terms.index("inventory_unaccounted") + 1]
    assert sum(rows[f][2] for f in fates) == pytest.approx(100.0, rel=1e-9)  # the fates are the gross input
    assert "1 whole year(s)" in t.note


def test_the_report_has_the_section_and_a_partial_year_alone_has_none(results, tmp_path):
    path = results.to_netcdf(tmp_path / "r.nc")
    build_report(path, tmp_path / "r.html")
    assert 'id="tn-land-budget"' in (tmp_path / "r.html").read_text(encoding="utf-8")
    part = run(Basin.load("watershed"), date(2001, 11, 1), date(2002, 2, 28))
    assert land_budget_table(part) is None
    assert np.isfinite(part.data["subbasin_tn_land_budget"]).all()
