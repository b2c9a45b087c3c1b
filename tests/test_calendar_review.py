"""Regression tests from an outside review of calendar and period edges (2026-12-06).

- F1: ``hydro report`` of an ``--aggregate monthly|yearly`` file counted its time steps as days and ended the
  period on the last period's first day ("3 days, 2020-01-15 to 2020-03-01" for 56 days to 2020-03-10);
- F2: docs/commands/run.md joined consecutive months' budgets "by summing them", which doubles the storages
  (states) and the land budget's whole-year inventory; the recipe now written there is tested here;
- F3: ``hydro scenarios``' partial-year rows weighed a month of 10 simulated days as a whole month, where
  compensate, the report's class tables and ``plot classes`` give such a month no value;
- F4: a later ``--start`` on a flow-driven basin took the basin file's initial state with no note.
"""

from __future__ import annotations

import re
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
import xarray as xr

import hydro


def _hydro(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "hydro", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=170)


@pytest.mark.parametrize("aggregate", ["monthly", "yearly"])
def test_report_period_of_an_aggregated_run_is_its_days(tmp_path, aggregate):
    r = _hydro("run", "tiny", "--start", "2020-01-15", "--end", "2020-03-10", "--aggregate", aggregate,
               "-o", "t.nc", "--overwrite", "-q", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    r = _hydro("report", "t.nc", "-o", "t.html", "--overwrite", "-q", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", (tmp_path / "t.html").read_text()))
    glance = text[text.find("At a glance The period"):][:400]
    assert "56 days" in glance and "2020-01-15 to 2020-03-10 (1 calendar year)" in glance, glance
    assert "2020-01-15 to 2020-03-10 (56 days)" in text  # the provenance table's period
    assert "2020-01-15 to 2020-03-10" in text[:text.find("At a glance")]  # the masthead


@pytest.fixture(scope="module")
def halves(tmp_path_factory):
    """The watershed example's 2001 in two runs chained through a state file, and in one run."""
    m = hydro.Model.from_basin("watershed")
    state = tmp_path_factory.mktemp("halves") / "h1.npz"
    a = m.run("2001-01-01", "2001-06-30", save_state=state)
    b = m.run("2001-07-01", "2001-12-31", from_state=state)
    return a, b, m.run("2001-01-01", "2001-12-31")


def test_two_halves_of_a_year_join_to_the_whole_year(halves):
    # hydro.join_runs does what docs/commands/run.md says (summing the files doubled the storages and the
    # year's inventory): every variable of the joined halves is the whole run's
    a, b, whole = halves
    joined = hydro.join_runs([a, b])
    assert set(joined.data_vars) == set(whole.data_vars)
    assert {"tn_budget_reach", "tn_budget_reservoir", "subbasin_tn_land_budget"} <= set(joined.data_vars)
    for v in whole.data_vars:
        ref = np.asarray(whole[v].values, dtype=float)
        got = np.asarray(joined[v].transpose(*whole[v].dims).values, dtype=float)
        err = float(np.nanmax(np.abs(got - ref))) / max(float(np.nanmax(np.abs(ref))), 1e-30)
        # the halves chain through a state file: round-off of sums of ~180 days (measured <= 2e-15)
        assert err < 1e-12, (v, err)
    assert joined.attrs["run_days"] == "2001-01-01..2001-12-31"


def test_joined_runs_are_valued_as_the_whole_run(halves, tmp_path):
    a, b, whole = halves
    hydro.join_runs([a, b]).to_netcdf(tmp_path / "joined.nc")
    whole.to_netcdf(tmp_path / "whole.nc")
    got = _hydro("gep", str(tmp_path / "joined.nc"), "-o", str(tmp_path / "joined.csv"))
    ref = _hydro("gep", str(tmp_path / "whole.nc"), "-o", str(tmp_path / "whole.csv"))
    assert got.returncode == 0 and ref.returncode == 0, got.stderr
    rows = [pd.read_csv(tmp_path / f, comment="#").select_dtypes("number") for f in ("joined.csv", "whole.csv")]
    np.testing.assert_allclose(rows[0].values, rows[1].values, rtol=1e-9)  # the same days, budgets to round-off


@pytest.mark.parametrize("case, message", [("gap", "consecutive runs start the day after"),
                                           ("one", "two or more"), ("monthly", "means over periods")])
def test_join_runs_refuses_what_it_cannot_join(halves, case, message):
    a, b, _ = halves
    parts = {"gap": [a, b.isel(time=slice(1, None))], "one": [a],
             "monthly": [a.assign_attrs(time_aggregation="monthly"), b]}[case]
    with pytest.raises(hydro.HydroError, match=message):
        hydro.join_runs(parts)


def test_partial_year_rows_use_whole_months_only(tmp_path):
    r = _hydro("scenarios", "watershed", "configs/scenarios/watershed.toml", "--start", "2004-12-20", "--end",
               "2005-03-10", "-o", str(tmp_path / "s.nc"), "--overwrite", "-q")
    assert r.returncode == 0, r.stderr
    summary = pd.read_csv(tmp_path / "s.summary.csv", comment="#")
    rows = summary[(summary.scenario == "baseline") & (summary.location == "border")]
    row = rows[(rows.quantity == "tn_partial_year_mean") & (rows.year.astype(str) == "2005")]
    with xr.open_dataset(tmp_path / "s.nc") as ds:
        c = ds["section_tn_concentration"].sel(section="border", scenario="baseline")
        whole = c.sel(time=slice("2005-01-01", "2005-02-28")).resample(time="MS").mean()  # Jan and Feb
    assert len(row) == 1 and np.isclose(float(row.value.iloc[0]), float(whole.mean()), rtol=1e-12)
    # 2004 holds 12 days of December only: no whole month, no row (compensate calls the month missing)
    assert rows[rows.year.astype(str) == "2004"].empty


def test_a_later_start_on_a_flow_driven_basin_says_it_is_not_spun_up(tmp_path):
    r = _hydro("run", "tiny", "--start", "2020-07-01", "--end", "2020-07-10", "-o", str(tmp_path / "t.nc"),
               "--overwrite")
    assert r.returncode == 0, r.stderr
    assert any(line.startswith("note:") and "flow-driven basin is not spun up" in line
               for line in r.stderr.splitlines()), r.stderr


def test_python_m_hydro_cli_is_the_hydro_command():
    # two reviews (2026-12-06) ran `python3 -m hydro.cli ...`: it printed nothing and exited 0
    r = subprocess.run([sys.executable, "-m", "hydro.cli", "info", "no_such_basin_x"], capture_output=True,
                       text=True, timeout=120)
    assert r.returncode == 2 and "no_such_basin_x" in r.stderr, (r.returncode, r.stderr)


def test_gep_on_two_runs_joined_in_time_says_joined_not_cut(tmp_path):
    # F5: the refusal was right but said "cut along 'time'" of a file that was joined
    m = hydro.Model.from_basin("watershed")
    state = tmp_path / "h1.npz"
    a = m.run("2001-01-01", "2001-06-30", save_state=state)
    b = m.run("2001-07-01", "2001-12-31", from_state=state)
    joined = xr.concat([a, b], dim="time", data_vars="minimal", coords="minimal", compat="override")
    joined.to_netcdf(tmp_path / "joined.nc")
    r = _hydro("gep", str(tmp_path / "joined.nc"))
    assert r.returncode == 2, (r.returncode, r.stderr)
    assert "joined with another run's days" in r.stderr and "cut along" not in r.stderr, r.stderr
