"""Aggregation review (2026-12-06): in a file written ``--aggregate monthly|yearly`` a state -- a storage at
the end of the day (:attr:`hydro.variables.Variable.state`) -- is its value on each period's last simulated
day (``cell_methods = "time: point"``); fluxes, daily means and the reservoirs' end-of-day concentrations (whose
period means monitoring compares with, and the plots draw) stay means over the period's days (``time: mean``).

Before, every variable on ``time`` was the period's mean: a water budget closed from a monthly file was
off by 134 mm on Miyun's land and 9.9e7 m3 on its reservoir (Δ storage must be end minus start).  The
budgets closed from a monthly file: tests/test_water_budget_file.py.
"""

from __future__ import annotations

import re
from datetime import date

import numpy as np
import pytest
import xarray as xr

from hydro.basin import ROOT, Basin
from hydro.outputspec import OutputSpec, reduce
from hydro.simulation import run
from hydro.variables import declared, period_long_name, variable

DOCS = ROOT / "docs" / "results.md"
END_OF_DAY = re.compile(r"end\s+of\s+the\s+day", re.IGNORECASE)


def test_every_variable_declared_at_the_end_of_the_day_is_a_state():
    """A new variable whose long name says "at the end of the day" cannot be averaged by mistake."""
    said = {v.name for v in declared() if END_OF_DAY.search(v.long_name) and v.units != "mg L-1"}
    states = {v.name for v in declared() if v.state}
    assert said == states
    assert {"reservoir_storage", "subbasin_water_storage", "reach_routing_storage", "groundwater_n_storage",
            "washoff_n_storage", "subbasin_snow_water_equivalent"} <= states
    assert all("time" in v.dims for v in declared() if v.state)
    # a constituent's variable keeps its template's state: a reservoir's concentration is averaged
    assert not variable("reservoir_tp_concentration", {"tp": "total phosphorus"}).state
    assert not variable("section_tp_load", {"tp": "total phosphorus"}).state


def test_every_variable_the_docs_say_is_at_the_end_of_the_day_is_a_state():
    """docs/results.md's variable tables: a row saying "end of the day" names a state."""
    rows = [line.split("|") for line in DOCS.read_text(encoding="utf-8").splitlines() if line.startswith("| `")]
    said = {re.sub(r"<(\w+)>", r"{\1}", cells[1].strip().strip("`")) for cells in rows
            if len(cells) > 4 and END_OF_DAY.search(cells[4]) and cells[3].strip() != "mg L-1"}
    assert "reservoir_storage" in said
    by_name = {v.name: v for v in declared()}
    assert {n for n in said if not by_name[n].state} == set()


def test_period_long_names():
    assert period_long_name("reservoir storage at the end of the day", True) == (
        "reservoir storage at the end of the period; its value on the period's last simulated day (time_bnds)")
    assert period_long_name("discharge (daily mean)").endswith(
        "; mean over each period (time_bnds) of its daily values")


@pytest.fixture(scope="module")
def res():
    return run(Basin.load(ROOT / "configs" / "examples" / "watershed"), start=date(2001, 1, 1),
               end=date(2002, 12, 31))


def _last_days(first_days: list[date], n: int, dates: list[date]) -> np.ndarray:
    """Index in ``dates`` of the last day of each period beginning on ``first_days``."""
    starts = [dates.index(d) for d in first_days]
    return np.array(starts[1:] + [n]) - 1


@pytest.mark.parametrize("aggregate", ["monthly", "yearly"])
def test_states_are_the_periods_last_days_and_fluxes_their_means(res, tmp_path, aggregate):
    path = res.to_netcdf(tmp_path / f"{aggregate}.nc", spec=OutputSpec(aggregate=aggregate))
    mem = reduce(res, OutputSpec(aggregate=aggregate)).to_xarray()
    dates = list(res.dates)
    with xr.open_dataset(path) as ds:
        last = _last_days([d.date() for d in ds["time"].to_index()], len(dates), dates)
        starts = np.array([0, *(last[:-1] + 1)])
        n_state = 0
        for name in ds.data_vars:
            if "time" not in ds[name].dims or name == "time_bnds":
                continue
            decl = res.declaration(name)
            daily = np.asarray(res.data[name], dtype=float)
            axis = res.dims(name).index("time")
            if decl.state:
                n_state += 1
                want = np.take(daily, last, axis=axis)
                assert ds[name].attrs["cell_methods"] == "time: point", name
                assert "at the end of the period" in ds[name].attrs["long_name"], name
            else:
                want = np.add.reduceat(daily, starts, axis=axis) / np.diff([*starts, len(dates)]).reshape(
                    [-1 if k == axis else 1 for k in range(daily.ndim)])
                assert ds[name].attrs["cell_methods"] == "time: mean", name
            got = ds[name].values.astype(float)
            tol = 1e-6 if ds[name].dtype == np.float32 else 1e-12
            np.testing.assert_allclose(got, want, rtol=tol, atol=tol * (np.nanmax(np.abs(want)) or 1.0), err_msg=name)
            # the in-memory reduction (a batch task's) says and holds the same
            assert mem[name].attrs == ds[name].attrs, name
            np.testing.assert_allclose(mem[name].values, want, rtol=1e-12, atol=1e-12 * (np.nanmax(np.abs(want)) or 1),
                                       err_msg=name)
        assert n_state >= 4  # the storages (reservoir, land, groundwater and wash-off N)


def test_a_monthly_file_written_yearly_keeps_the_years_ends(res, tmp_path):
    """Monthly results aggregated again to years: a state is the last month's (the year's end), a flux the
    mean over the days -- the same as a yearly file from the days."""
    from hydro.results import load_results

    monthly = res.to_netcdf(tmp_path / "m.nc", spec=OutputSpec(aggregate="monthly"))
    again = load_results(monthly).to_netcdf(tmp_path / "y2.nc", spec=OutputSpec(aggregate="yearly"))
    direct = res.to_netcdf(tmp_path / "y.nc", spec=OutputSpec(aggregate="yearly"))
    with xr.open_dataset(again) as a, xr.open_dataset(direct) as b:
        for name in ("reservoir_storage", "subbasin_water_storage", "reservoir_tn_concentration", "discharge",
                     "subbasin_runoff"):
            assert a[name].attrs == b[name].attrs, name
            np.testing.assert_allclose(a[name].values, b[name].values, rtol=1e-12, err_msg=name)


def test_a_daily_file_is_unchanged(res, tmp_path):
    """Daily files carry no cell_methods and the daily values themselves (bit for bit)."""
    path = res.to_netcdf(tmp_path / "d.nc")
    with xr.open_dataset(path) as ds:
        for name in ("reservoir_storage", "subbasin_water_storage", "discharge"):
            assert "cell_methods" not in ds[name].attrs
            assert ds[name].attrs["long_name"] == res.declaration(name).long_name
            np.testing.assert_array_equal(ds[name].values, res.data[name])
