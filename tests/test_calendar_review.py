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
from hydro.land_budget import LAND_TERMS


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


def test_two_halves_of_a_year_join_to_the_whole_year_as_run_md_says(tmp_path):
    m = hydro.Model.from_basin("watershed")
    state = tmp_path / "h1.npz"
    a = m.run("2001-01-01", "2001-06-30", save_state=state)
    b = m.run("2001-07-01", "2001-12-31", from_state=state)
    whole = m.run("2001-01-01", "2001-12-31")
    inventory = list(LAND_TERMS[:LAND_TERMS.index("inventory_unaccounted") + 1])
    yearly = [v for v in whole.data_vars if "time" not in whole[v].dims]
    assert {"tn_budget_reach", "tn_budget_reservoir", "subbasin_tn_land_budget"} <= set(yearly)
    for v in yearly:
        joined = a[v] + b[v]  # the flux and path terms
        if "budget_term" in whole[v].dims:  # the storages are states: the first start, the last end
            joined.loc[{"budget_term": "storage_start"}] = a[v].sel(budget_term="storage_start")
            joined.loc[{"budget_term": "storage_end"}] = b[v].sel(budget_term="storage_end")
        elif "land_term" in whole[v].dims:  # the inventory is the whole year's in each file: once
            joined.loc[{"land_term": inventory}] = a[v].sel(land_term=inventory)
            t = {k: joined.sel(land_term=k) for k in LAND_TERMS}
            joined.loc[{"land_term": "timing_remainder"}] = t["delivered_to_rivers"] - (
                t["emitted_to_rivers"] + t["surface_to_washoff"] + t["quickflow_export"]
                + t["leached_to_groundwater"] - t["groundwater_storage_change"] - t["washoff_loss"]
                - t["washoff_storage_change"])
        elif v == "subbasin_tn_gross_input":  # the whole calendar year's inventory
            joined = a[v]
        ref = whole[v].values
        err = float(np.nanmax(np.abs(joined.values - ref))) / max(float(np.nanmax(np.abs(ref))), 1e-30)
        # the halves chain through a state file: round-off of sums of ~180 days (measured <= 2e-15)
        assert err < 1e-12, (v, err)


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
