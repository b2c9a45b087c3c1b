"""Adversarial review of hydro from Python: what a researcher hands ``hydro.Model`` and what
the returned dataset writes (dates as results' values, missing dates, wrong types, units of
values in keyed tables, the dtypes and time encoding of ``ds.to_netcdf()``)."""

from __future__ import annotations

import netCDF4
import numpy as np
import pandas as pd
import pytest
import xarray as xr

import hydro
from hydro.errors import HydroError


@pytest.fixture(scope="module")
def tiny():
    return hydro.Model.from_basin("tiny")


@pytest.fixture(scope="module")
def week(tiny):
    return tiny.run("2020-01-01", "2020-01-07")


def test_run_takes_a_0d_dataarray_of_the_results_time(tiny, week):
    # ds.time[0] is what a notebook has in hand; it was refused as "expected a date".
    again = tiny.run(week.time[2], week.time.isel(time=-1))
    assert str(again.time.values[0])[:10] == "2020-01-03" and again.sizes["time"] == 5
    expected = tiny.run("2020-01-03", "2020-01-07")
    expected.attrs["history"] = again.attrs["history"]  # the call, with the dates as ISO strings
    xr.testing.assert_identical(again, expected)

@pytest.mark.parametrize("missing", [pd.NaT, np.datetime64("NaT")])
def test_a_missing_date_is_a_hydro_error_naming_the_argument(tiny, missing):
    # pandas.NaT is a datetime whose .date() is NaT: a TypeError traceback in check_dates.
    with pytest.raises(HydroError, match=r"^start: expected a date .*missing date \(NaT\)"):
        tiny.run(missing, "2020-01-05")


def test_an_array_of_dates_is_refused_in_one_line(tiny, week):
    with pytest.raises(HydroError) as err:
        tiny.run(week.time[:2])
    assert str(err.value).startswith("start: expected a date") and "\n" not in str(err.value)


@pytest.mark.parametrize("spec", [None, 3])
def test_from_basin_of_no_name_is_a_hydro_error(spec):
    with pytest.raises(HydroError, match=r"Model.from_basin: expected a shipped basin's name"):
        hydro.Model.from_basin(spec)
    with pytest.raises(HydroError, match=r"open_basin: expected a shipped basin's name"):
        hydro.open_basin(spec)


def test_parameter_of_a_non_string_path_is_a_hydro_error(tiny):
    with pytest.raises(HydroError, match=r"parameter: expected a dotted path"):
        tiny.parameter(3)


def test_with_parameters_takes_a_0d_dataarray(tiny):
    path = "constituents.tn.river_removal_per_day"
    assert tiny.with_parameters({path: xr.DataArray(0.3)}).parameter(path).value == 0.3


def test_values_in_tables_keyed_by_id_or_year_have_the_unit_their_key_names():
    units = {p.path: p.unit for p in hydro.Model.from_basin("tiny").parameters}
    assert units["forcing.lateral_load_kg_per_day.tn.north_upper"] == "kg d-1"  # was ''
    assert units["forcing.lateral_inflow_m3_s.east"] == "m3 s-1"
    assert units["reaches.east.length_km"] == "km"
    ws = {p.path: p.unit for p in hydro.Model.from_basin("watershed").parameters}
    assert ws["subbasins.w1.sources.land_use.cropland.fertiliser_kg_per_ha_yr.2001"] == "kg ha-1 yr-1"
    assert ws["subbasins.w2.sources.point.West town WWTP.tn_mg_per_l.2001"] == "mg L-1"
    assert ws["runoff.x1_mm"] == "mm"
    # a table's id is not a key: Guanting's reach 'sanggan_head' does not give 'head'
    gt = {p.path: p.unit for p in hydro.Model.from_basin("guanting").parameters}
    assert gt["reaches.sanggan_head.velocity_coeff"] == ""


def test_dataset_dtypes_equal_the_written_files(tiny, tmp_path):
    results = tiny.run_results("2020-01-01", "2020-01-07")
    results.to_netcdf(tmp_path / "r.nc")
    mem, back = results.to_xarray(), xr.open_dataset(tmp_path / "r.nc")
    for name in mem.variables:
        if mem[name].dtype.kind in "iuf":  # ints were int64 in memory, int32 in the file
            assert mem[name].dtype == back[name].dtype, name


def test_to_netcdf_of_the_dataset_encodes_time_and_integers_as_hydro_does(week, tmp_path):
    week.to_netcdf(tmp_path / "mine.nc")
    with netCDF4.Dataset(tmp_path / "mine.nc") as nc:
        assert nc["time"].dtype == np.float64 and nc["time"].calendar == "standard"  # was int64, proleptic_gregorian
        assert nc["time"].units.startswith("days since 2020-01-01")
        assert nc["budget_year"].dtype == np.int32 and nc["transport_substeps"].dtype == np.int32
    xr.testing.assert_identical(hydro.open_results(tmp_path / "mine.nc"), week)


@pytest.mark.parametrize("weather", ["configs/examples/watershed/weather.csv", pd.DataFrame({"precip_mm": [0.0]})])
def test_weather_that_is_not_a_daily_forcing_is_a_hydro_error(weather):
    # it was an AttributeError ('str' object has no attribute 'metadata') deep in the pipeline
    with pytest.raises(HydroError, match=r"^weather: expected a hydro.weather.DailyForcing .*read_forcing_csv"):
        hydro.Model.from_basin("watershed").run("2004-01-01", "2004-01-10", weather=weather)


def test_weather_of_an_ensemble_or_too_short_is_a_hydro_error_naming_weather():
    import datetime as dt

    from hydro.ensemble import weather_generator
    from hydro.weathergen import generate

    model = hydro.Model.from_basin("watershed")
    params = weather_generator(model.basin)
    ensemble = generate(params, "2003-01-01", "2004-01-31", seed=3, n_members=2)
    with pytest.raises(HydroError, match=r"^weather: holds several series .*weather.series\(k\)"):
        model.run("2004-01-01", "2004-01-31", weather=ensemble)  # was a numpy broadcasting ValueError
    with pytest.raises(HydroError, match=r"^weather: covers 2003-01-01 to 2004-01-31, the run needs 2004-01-01 "
                                         r"to 2004-03-31"):  # was told as the basin's weather.csv and --start/--end
        model.run("2004-01-01", "2004-03-31", weather=ensemble.series(0))
    assert model.run(dt.date(2004, 1, 1), "2004-01-31", weather=ensemble.series(1)).sizes["time"] == 31


def test_with_parameters_sets_an_array_from_a_numpy_array(tiny):
    # twelve monthly targets from numpy: was "expected a number, got array([...])"
    path = "reservoirs.lake.target_release_m3_s"
    variant = tiny.with_parameters({path: np.full(12, 5.0)})
    assert variant.changes[path] == [5.0] * 12
    assert variant.changes == tiny.with_parameters({path: [5.0] * 12}).changes
    with pytest.raises(HydroError, match=r"key 'reservoirs\.lake\.target_release_m3_s' "
                       r"\[file key reservoirs\[0\]\.target_release_m3_s\]: expected 12 values, got 11"):
        tiny.with_parameters({path: np.full(11, 5.0)})


def test_open_results_of_a_file_reshaped_by_xarray_names_the_variable(week, tmp_path):
    # resampling a whole results dataset gives the yearly budgets a time axis; open_results
    # failed with xarray's "Could not convert tuple of form (dims, data...)" ValueError
    week.resample(time="MS").mean().to_netcdf(tmp_path / "resampled.nc")
    with pytest.raises(HydroError, match=r"variable 'tn_budget_reach' has dimensions \('time', 'budget_year', "
                                         r"'reach', 'budget_term'\), where hydro writes \('budget_year', 'reach', "
                                         r"'budget_term'\)"):
        hydro.open_results(tmp_path / "resampled.nc")


def test_open_results_of_a_reshaped_file_names_the_reshaped_variable_whatever_comes_first(week, tmp_path):
    # where a reshaped budget came first in the file (codmn_budget_reach of a Miyun run), its extra
    # 'time' was taken for a stacked dimension of every variable: "variable 'codmn_concentration' has
    # dimensions ('time', 'reach'), where hydro writes ('time', 'time', 'reach')"
    resampled = week.resample(time="MS").mean()
    first = ["tn_budget_reach", *sorted(n for n in resampled.data_vars if n != "tn_budget_reach")]
    resampled[first].to_netcdf(tmp_path / "resampled.nc")
    assert next(iter(netCDF4.Dataset(tmp_path / "resampled.nc").variables)) in ("time", "tn_budget_reach")
    with pytest.raises(HydroError, match=r"variable 'tn_budget_reach' has dimensions \('time', 'budget_year', "
                                         r"'reach', 'budget_term'\), where hydro writes \('budget_year', 'reach', "
                                         r"'budget_term'\)"):
        hydro.open_results(tmp_path / "resampled.nc")


def test_class_table_of_a_monthly_file_is_refused_not_empty(tiny, tmp_path):
    # class_table_of(PATH) of a monthly file returned [] without a word, where the same file's
    # Results, `hydro plot ... classes` and `hydro compensate` refuse it
    from hydro.classes import class_table_of
    from hydro.outputspec import OutputSpec

    run = tiny.run_results("2020-01-01", "2020-03-31")
    run.to_netcdf(tmp_path / "daily.nc")
    run.to_netcdf(tmp_path / "monthly.nc", spec=OutputSpec(aggregate="monthly"))
    assert len(class_table_of(tmp_path / "daily.nc")) > 0
    with pytest.raises(HydroError, match=r"monthly\.nc: holds monthly means"):
        class_table_of(tmp_path / "monthly.nc")


def test_run_takes_a_printed_time_of_the_results_and_one_name_as_a_string(tiny, week, tmp_path):
    # str(ds.time.values[0]) ('2020-01-01T00:00:00.000000000', what print and f-strings give) was refused;
    # OutputSpec(variables="section_tn_concentration") was read letter by letter ("no variable 's'")
    from hydro.outputspec import OutputSpec

    first, last = str(week.time.values[2]), str(week.time.values[-1])
    assert first == "2020-01-03T00:00:00.000000000"
    again = tiny.run(first, last)
    assert again.sizes["time"] == 5 and str(again.time.values[0])[:10] == "2020-01-03"
    assert tiny.run("2020-01-03 00:00", "2020-01-04T00:00:00").sizes["time"] == 2
    with pytest.raises(HydroError, match="start: expected a date"):
        tiny.run("2020-01-03T12:00", "2020-01-05")  # a time of day is not a day
    path = tiny.run_results("2020-01-01", "2020-01-03").to_netcdf(
        tmp_path / "one.nc", spec=OutputSpec(variables="section_tn_concentration"))
    assert "section_tn_concentration" in xr.open_dataset(path).data_vars
    assert OutputSpec(variables=["a", "b"]).variables == ("a", "b")


def test_with_parameters_names_the_key_as_written_for_none_and_list_values(tiny):
    # None and a list of numbers were named by the file's positions only ('constituents[0]...',
    # 'reservoirs[0].target_release_m3_s[0]'), where python-api.md promises the key as written
    for path, value, shown in (("constituents.tn.river_removal_per_day", None, "constituents.tn.river_removal_per_day"),
                               ("reservoirs.lake.target_release_m3_s", [-2.0] * 12,
                                "reservoirs.lake.target_release_m3_s[0]")):
        with pytest.raises(HydroError) as err:
            tiny.with_parameters({path: value})
        assert f"key '{shown}' [file key " in str(err.value), str(err.value)
