"""Review of ca5c3ad..s43: `hydro compensate --scenarios --quality`'s ``mean_load`` ("the section load (kg/d)",
docs/commands/compensate.md) is each month's mean concentration x its volume (hydro/scenarios/summary.py
_series_means).  With flow-weighted months that product was the month's load exactly; with months averaged
over their days it is not (a flood day: x3 in tests/test_time_monthly_mean_convention.py's January), while
`hydro scenarios`' own ``mean_load`` stays the load the results carry (section_<p>_load).  The same name now
means two things; this test asks for the load the results carry.  It fails at s43."""

from __future__ import annotations

from pathlib import Path

import netCDF4
import numpy as np
import pytest
from synthetic_quality import write_quality_results

import hydro
from hydro.scenarios.summary import quality_effects

ROOT = Path(hydro.__file__).resolve().parents[1]  # the checkout
PHASE1 = ROOT / "configs/agreements/miyun_chaobai_phase1_2018.toml"


@pytest.fixture(scope="module")
def scenarios_nc(tmp_path_factory):
    return write_quality_results(tmp_path_factory.mktemp("s") / "s.nc", start="2017-01-01", end="2020-12-31",
                                 scenarios=["baseline", "cut"], scale=[1.0, 0.8])


def test_mean_load_is_the_section_load_the_results_carry(scenarios_nc):
    rows = quality_effects(scenarios_nc, PHASE1)
    (row,) = [r for r in rows if r["scenario"] == "baseline" and r["quantity"] == "mean_load"
              and r["location"] == "gubeikou" and r["parameter"] == "tp"]
    with netCDF4.Dataset(scenarios_nc) as ds:
        sections = [str(s) for s in ds["section"][:]]
        t = np.asarray(ds["time"][:])
        load = np.asarray(ds["section_tp_load"][0, :, sections.index("gubeikou")])  # kg/d, scenario 0
        first = netCDF4.num2date(t, ds["time"].units, only_use_cftime_datetimes=False)
    judged = np.array([2018 <= d.year <= 2020 for d in first])
    assert row["value"] == pytest.approx(float(load[judged].mean()), rel=1e-9)
