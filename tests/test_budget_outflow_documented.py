"""A budget's `outflow` (and `inflow`) is the advective flux only, Σ 86.4·Q·C, while `<c>_load` is
advective plus dispersive: a year's Σ `tn_load` differs from the budget's `outflow` by up to 0.55 % on
Miyun and 4.7 % on Guanting (researcher-outputs review, 2026-12-05), and docs/results.md listed the
budget terms without saying what each holds.  Two years of the shipped `watershed` example (about 5 s).
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

import hydro

DOCS = Path(__file__).resolve().parents[1] / "docs" / "results.md"


@pytest.fixture(scope="module")
def ds():
    return hydro.Model.from_basin("watershed").run("2001-01-01", "2002-12-31")


def test_outflow_is_advective_only(ds):
    """The budget accumulates the same float64 products the check sums, in another order: 1e-12 relative
    is round-off over 365 days; the dispersive part it leaves out is 0.1-1.7 % here."""
    out = ds.tn_budget_reach.sel(budget_term="outflow")
    advective = (86.4 * ds.discharge * ds.tn_concentration).groupby("time.year").sum()
    np.testing.assert_allclose(advective.values, out.values, rtol=1e-12)
    loads = ds.tn_load.groupby("time.year").sum()
    assert float(abs(loads / out.where(out > 0) - 1).max()) > 1e-3  # the loads hold the dispersive flux too


def _budget_paragraph() -> str:
    text = DOCS.read_text(encoding="utf-8")
    para = text[text.index("The budget terms are"):]
    return para[:para.index("\n\n")]


def test_results_md_defines_the_terms():
    para = _budget_paragraph()
    assert re.search(r"`inflow` and `outflow` are the \*advective\* fluxes", para), para
    assert "`dispersive_exchange` is the net dispersive flux" in para, para
    assert re.search(r"`lateral_load` is what the subbasins deliver.*transferred", para, re.S), para
    assert re.search(r"`<c>_load` is advective \*plus\* dispersive", para), para
