"""required_cut on hydro's own monthly (or yearly) results files: rows, or a HydroError -- never a silent [].

Review 2026-12-06 (planner's monotonicity/consistency angle): ``hydro run --aggregate monthly`` files carry
``reservoir_tn_source_concentration``, ``hydro.open_results`` opens them, and ``required_cut`` returned ``[]``
for them (every year taken as partial: ``hydro.dates.partial_years`` wants daily stamps to 31 December), so a
planner's loop printed nothing and raised nothing.
"""

from __future__ import annotations

import pytest

import hydro
from hydro.errors import HydroError
from hydro.outputspec import OutputSpec
from hydro.targets import required_cut


@pytest.mark.parametrize("aggregate", ["monthly", "yearly"])
def test_required_cut_on_an_aggregated_file_refuses_it(tmp_path, aggregate):
    model = hydro.Model.from_basin("watershed")
    res = model.run_results("2001-01-01", "2002-12-31")
    assert [r["year"] for r in required_cut(model.run("2001-01-01", "2002-12-31"), "lake", 1.0)] == [2001, 2002]
    path = tmp_path / f"agg_{aggregate}.nc"
    res.to_netcdf(path, spec=OutputSpec(aggregate=aggregate))
    with pytest.raises(HydroError, match=f"the results are {aggregate} means .*run without --aggregate"):
        required_cut(hydro.open_results(path), "lake", 1.0)
