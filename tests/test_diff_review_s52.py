"""Proposed by an outside review of the s52 change (54c63d1..HEAD), 2026-12-06.

Each test fails on the reviewed code (or kills a mutation that survived the session's tests)."""

from __future__ import annotations

import sys
from datetime import date, timedelta
from pathlib import Path

import netCDF4
import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from cli_invoke import invoke

from hydro.basin import ROOT


# F1: annual_stats dropped every value of a file of monthly means (steps on each month's first day) --------------
def test_annual_stats_of_monthly_means_keeps_the_months():
    """hydro plot scenarios on a --aggregate monthly scenarios file (hydro/plotting/scenarios.py passes the
    month-first steps): in_whole_months counts 1 step per month, never the month's length, so nothing is left."""
    from hydro.scenarios.summary import annual_stats

    first = [date(2016 + (m - 1) // 12, (m - 1) % 12 + 1, 1) for m in range(1, 15)]  # 2016-01 .. 2017-02
    conc = np.ones((len(first), 1))
    conc[-1] = 3.0
    years, mean, _ = annual_stats(first, conc, whole=[True] * len(first))  # as plot scenarios passes them
    assert [int(y) for y in years] == [2016, 2017] and mean[1, 0] == 2.0, years  # 2017: Jan 1, Feb 3


def test_daily_annual_stats_still_drop_a_partly_covered_month():
    from hydro.scenarios.summary import annual_stats

    days = [date(2005, 1, 1) + timedelta(days=k) for k in range(31 + 28 + 10)]  # Jan, Feb, 10 days of March
    conc = np.ones((len(days), 1))
    conc[-10:] = 100.0  # March's 10 days: no monthly mean
    years, mean, high = annual_stats(days, conc)
    assert [int(y) for y in years] == [2005] and mean[0, 0] == 1.0 and high[0, 0] == 1.0


# F2: the flow-driven late-start note advises --from-state, which hydro refuses for a flow-driven basin ----------
def test_flow_driven_late_start_note_advises_only_what_runs(tmp_path):
    r = invoke("run", ROOT / "configs" / "examples" / "tiny", "--start", "2020-07-01", "--end", "2020-07-03",
               "-o", tmp_path / "t.nc", "-q")
    assert r.exit_code == 0, r.output
    note = next(line for line in r.output.splitlines() if "flow-driven basin is not spun up" in line)
    if "--from-state" in note:  # the advice must be a command hydro takes
        r2 = invoke("run", ROOT / "configs" / "examples" / "tiny", "--start", "2020-07-01", "--end", "2020-07-03",
                    "--from-state", tmp_path / "s.npz", "-o", tmp_path / "t2.nc", "-q")
        assert "continue one run of a watershed basin" not in r2.output, (note, r2.output)


# F3: logical_dims reads a variable's 'year' as budget_year in a file that has both dimensions ------------------
def test_logical_dims_keeps_year_where_the_file_also_has_budget_year(tmp_path):
    from hydro.netcdf_read import logical_dims

    path = tmp_path / "both.nc"
    with netCDF4.Dataset(path, "w") as nc:
        nc.createDimension("budget_year", 2)
        nc.createDimension("year", 3)  # e.g. a groupby("time.year") result added beside the budgets
        nc.createVariable("budget_year", "i4", ("budget_year",))[:] = [2001, 2002]
        nc.createVariable("year", "i4", ("year",))[:] = [2001, 2002, 2003]
        nc.createVariable("annual_q", "f8", ("year",))[:] = [1.0, 2.0, 3.0]
    with netCDF4.Dataset(path) as nc:
        # _read keeps the coordinate 'year' as 'year' (current_dim on the file's dimensions): the variable must agree
        assert logical_dims(nc.variables["annual_q"]) == ("year",)


# F4: the validate advice for a shipped basin's results written from another checkout --------------------------
def test_validate_hint_of_a_shipped_basin_whose_recorded_folder_is_gone():
    from hydro.compensation.notes import validate_hint

    hint = validate_hint("miyun", "/nonexistent/checkout/basins/miyun/basin.toml")
    assert hint == "`hydro validate miyun`", hint


# F6: a docs row still says the budgets' axis is `year` ---------------------------------------------------------
def test_results_md_names_no_budget_axis_year():
    text = (ROOT / "docs" / "results.md").read_text(encoding="utf-8")
    assert "same `year` axis" not in text


# Survivors of the mutation run -------------------------------------------------------------------------------
def test_a_daily_file_with_a_repeated_day_is_refused(tmp_path):
    """check_daily_steps: `d != 1` -> `d > 1` survived (two runs joined with one day overlapping)."""
    import xarray as xr

    import hydro
    from hydro.results import load_results

    src = tmp_path / "t.nc"
    hydro.Model.from_basin("tiny").run_results("2020-01-01", "2020-01-10").to_netcdf(src)
    with xr.open_dataset(src) as ds:
        ds = ds.load()
    daily = [v for v in ds.data_vars if "time" in ds[v].dims]
    joined = xr.concat([ds[daily].isel(time=slice(0, 6)), ds[daily].isel(time=slice(5, None))], dim="time")
    out = ds.drop_vars(daily).drop_dims("time").merge(joined)
    out.attrs = ds.attrs
    out.to_netcdf(tmp_path / "twice.nc")
    with pytest.raises(hydro.HydroError, match="not consecutive days"):
        load_results(tmp_path / "twice.nc")


# F7: the idle-class note says "no EMC" of a class that has one (emc_reduction = 0 given) -------------------------
def test_idle_note_does_not_deny_an_emc_the_class_has(tmp_path):
    from hydro.scenarios import BasinInfo, ScenarioFile, compile_scenario

    body = ('[scenario_set]\nname = "t"\ncost_method = "spent"\ndiscount_rate = 0.08\nassumption = true\n'
            'note = "test"\n[[measures]]\nid = "f"\nkind = "fertiliser_reduction"\nwhere = "all"\n'
            'years = [2002, 2002]\nreduction = 0.3\nemc_reduction = 0.0\nclasses = ["forest", "cropland"]\n'
            '[measures.costs]\noperating_yuan_per_unit_yr = 600.0\n[[scenarios]]\nid = "s"\nmeasures = ["f"]\n')
    p = tmp_path / "s.toml"
    p.write_text(body)
    comp = compile_scenario(BasinInfo.load(ROOT / "configs" / "examples" / "watershed", ()),
                            ScenarioFile.from_toml(p), "s", [2001, 2002, 2003])
    notes = [n for n in comp.notes if n.startswith("f:")]
    # the example's forest has an EMC (0.7-0.8 mg/L); emc_reduction = 0 cuts none of it
    assert not any("forest has no fertiliser and no EMC" in n for n in notes), notes


# F8: docs/results.md names hydro.load_results, which `import hydro` does not have ------------------------------
def test_results_md_names_only_functions_hydro_has():
    import hydro

    text = (ROOT / "docs" / "results.md").read_text(encoding="utf-8")
    if "`hydro.load_results`" in text:
        assert hasattr(hydro, "load_results")


# F9: a dataset grouped by time.year (no budgets in it) is reported on 'budget_year', a name the user never had ---
def test_groupby_year_dataset_is_refused_in_the_users_words():
    import hydro
    from hydro.results_xarray import from_xarray

    ds = hydro.Model.from_basin("tiny").run("2020-01-01", "2021-01-31")
    yearly = ds[["section_tn_concentration"]].groupby("time.year").mean()
    assert "year" in yearly.dims and "budget_year" not in yearly.dims
    with pytest.raises(hydro.HydroError) as err:
        from_xarray(yearly)
    assert "budget_year" not in str(err.value), str(err.value)


# Survivor killers ----------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def tiny_two_years(tmp_path_factory):
    import hydro

    path = tmp_path_factory.mktemp("tiny2") / "t.nc"
    hydro.Model.from_basin("tiny").run_results("2020-12-20", "2021-01-10").to_netcdf(path)
    return path


def test_a_file_with_year_and_budget_year_keeps_its_budget_axis(tiny_two_years, tmp_path):
    """M4 (current_dim renames 'year' even beside 'budget_year') survived."""
    import shutil

    from hydro.results import load_results

    path = tmp_path / "both.nc"
    shutil.copy(tiny_two_years, path)
    with netCDF4.Dataset(path, "a") as nc:
        nc.createDimension("year", 3)
        nc.createVariable("year", "i4", ("year",))[:] = [1990, 1991, 1992]
    res = load_results(path)
    assert res.coords["budget_year"] == [2020, 2021], res.coords.get("budget_year")


def test_from_xarray_takes_a_dataset_with_year_beside_budget_year(tiny_two_years):
    """M5 (renamed_dataset renames 'year' even beside 'budget_year': xarray's rename then fails) survived."""
    import xarray as xr

    from hydro.results_xarray import from_xarray

    with xr.open_dataset(tiny_two_years) as ds:
        ds = ds.load()
    both = ds.assign(annual_mean_q=ds["section_discharge"].groupby("time.year").mean())
    assert {"year", "budget_year"} <= set(both.dims)
    res = from_xarray(both)
    assert res.coords["budget_year"] == [2020, 2021]


def test_a_conversion_to_a_new_class_says_nothing_of_fertiliser(tmp_path):
    """M11 (a new class's fertiliser taken as its EMC) survived: a new class has no fertiliser."""
    from hydro.scenarios import BasinInfo, ScenarioFile, compile_scenario

    body = ('[scenario_set]\nname = "t"\ncost_method = "spent"\ndiscount_rate = 0.08\nassumption = true\n'
            'note = "test"\n[[measures]]\nid = "o"\nkind = "afforestation"\nwhere = { subbasins = ["w1"] }\n'
            'years = [2002, 2002]\nfrom_class = "forest"\nto_class = "orchard"\nconverted_share = 0.15\n'
            'to_emc_mg_per_l = 6.0\n[measures.costs]\ncapital_yuan_per_unit = 150.0\n'
            '[[scenarios]]\nid = "s"\nmeasures = ["o"]\n')
    p = tmp_path / "s.toml"
    p.write_text(body)
    comp = compile_scenario(BasinInfo.load(ROOT / "configs" / "examples" / "watershed", ()),
                            ScenarioFile.from_toml(p), "s", [2001, 2002, 2003])
    notes = [n for n in comp.notes if n.startswith("o:")]
    assert any("adds N" in n for n in notes), notes  # the EMC note (premise)
    assert not any("fertiliser" in n for n in notes), notes


def test_a_scenario_named_twice_is_taken_once():
    """M20 (chosen_scenarios without dict.fromkeys) survived."""
    from hydro.cli_output import chosen_scenarios

    assert chosen_scenarios("f.nc", ["baseline", "domestic"], ["domestic", "baseline", "domestic"]) == \
        ["domestic", "baseline"]


def test_a_zero_programme_says_only_no_effect(tmp_path):
    """M23 (the idle-class note without `acts and ... (f > 0).any()`) survived: a programme that cuts nothing
    says "no effect, no cost", not that every class 'has no fertiliser'."""
    from hydro.scenarios import BasinInfo, ScenarioFile, compile_scenario

    body = ('[scenario_set]\nname = "t"\ncost_method = "spent"\ndiscount_rate = 0.08\nassumption = true\n'
            'note = "test"\n[[measures]]\nid = "z"\nkind = "fertiliser_reduction"\nwhere = "all"\n'
            'years = [2002, 2002]\nreduction = 0.0\n[measures.costs]\noperating_yuan_per_unit_yr = 600.0\n'
            '[[scenarios]]\nid = "s"\nmeasures = ["z"]\n')
    p = tmp_path / "s.toml"
    p.write_text(body)
    comp = compile_scenario(BasinInfo.load(ROOT / "configs" / "examples" / "watershed", ()),
                            ScenarioFile.from_toml(p), "s", [2001, 2002, 2003])
    notes = [n for n in comp.notes if n.startswith("z:")]
    assert any("no effect, no cost" in n for n in notes), notes
    assert not any("has no fertiliser" in n for n in notes), notes
