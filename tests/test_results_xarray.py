"""Results from the dataset Model.run returns, and the plots on it (review of 2026-12-04:
``plot_trajectory(ds)`` failed with a NumPy error, ``plot_sources(ds)`` with an AttributeError)."""

from __future__ import annotations

from pathlib import Path

import matplotlib
import numpy as np
import pytest

import hydro
from hydro.errors import HydroError
from hydro.outputspec import OutputSpec
from hydro.results import load_results, stack
from hydro.results_xarray import as_results, from_xarray

matplotlib.use("Agg")
WATERSHED = Path(__file__).resolve().parents[1] / "configs" / "examples" / "watershed" / "basin.toml"


@pytest.fixture(scope="module")
def results():
    return hydro.Model.from_basin(WATERSHED).run_results("2001-01-01", "2001-12-31")


def _same(a, b):
    assert a.coords == b.coords and a.leading == b.leading and a.time_bounds == b.time_bounds
    assert set(a.data) == set(b.data)
    for name in a.data:
        np.testing.assert_array_equal(np.asarray(a.data[name], float), np.asarray(b.data[name], float),
                                      err_msg=name)


def test_the_dataset_gives_back_the_results(results):
    _same(from_xarray(results.to_xarray()), results)


def test_stacked_and_monthly_results_come_back(results, tmp_path):
    both = stack([results, results], "scenario", ["a", "b"])
    _same(from_xarray(both.to_xarray()), both)
    results.to_netcdf(tmp_path / "m.nc", spec=OutputSpec(aggregate="monthly"))
    monthly = load_results(tmp_path / "m.nc")
    back = from_xarray(monthly.to_xarray())
    assert back.time_bounds is not None and len(back.time_bounds[0]) == 12
    _same(back, monthly)


def test_a_reshaped_dataset_is_refused_by_name(results):
    ds = results.to_xarray()
    ds["section_discharge"] = ds["section_discharge"].transpose()
    with pytest.raises(HydroError, match="'section_discharge' has dimensions"):
        from_xarray(ds)
    with pytest.raises(HydroError, match="got str"):
        as_results("results.nc")


@pytest.mark.parametrize("name", ["plot_trajectory", "plot_sources", "plot_reservoir", "plot_network"])
def test_each_plot_draws_the_dataset_as_the_results(results, name):
    import hydro.plotting as plotting

    func = getattr(plotting, name)
    by_ds, by_results = func(results.to_xarray()), func(results)
    lines = [[np.asarray(line.get_ydata(), float) for line in ax.get_lines()] for ax in by_ds.axes]
    expected = [[np.asarray(line.get_ydata(), float) for line in ax.get_lines()] for ax in by_results.axes]
    assert len(lines) == len(expected)
    for a, b in zip(lines, expected, strict=True):
        assert len(a) == len(b)
        for x, y in zip(a, b, strict=True):
            np.testing.assert_array_equal(x, y)


def test_stack_says_how_to_give_datasets_and_labels(results):
    """Review of 2026-12-04: stack([ds, ds], ...) raised AttributeError ('leading'), labels=None a TypeError:
    now each says what to give."""
    ds = results.to_xarray()
    with pytest.raises(HydroError, match=r"a dataset that Model.run returned converts with .*from_xarray"):
        stack([ds, ds], "scenario", ["a", "b"])
    back = from_xarray(ds)
    _same(stack([back, back], "scenario", ["a", "b"]), stack([results, results], "scenario", ["a", "b"]))
    with pytest.raises(HydroError, match="labels: expected one label per run"):
        stack([results, results], "scenario", None)


def test_two_periods_concatenated_along_time_are_results_again_the_way_the_message_says(results):
    """``xr.concat(dim="time")`` by default spreads the yearly variables over time: refused, saying
    how to concatenate instead (outside researcher, 2026-12-05); done that way, the daily variables
    come back whole."""
    import xarray as xr

    ds = results.to_xarray()
    first, second = ds.isel(time=slice(0, 100)), ds.isel(time=slice(100, None))
    with pytest.raises(HydroError, match="data_vars='minimal'") as err:
        from_xarray(xr.concat([first, second], dim="time", data_vars="all"))
    assert "on ('budget_year', " in str(err.value)
    parts = [p.drop_vars([v for v in p.data_vars if "time" not in p[v].dims]) for p in (first, second)]
    back = from_xarray(xr.concat(parts, dim="time", data_vars="minimal"))
    assert back.dates == results.dates
    np.testing.assert_array_equal(back.data["discharge"], results.data["discharge"])
