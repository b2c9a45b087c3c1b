"""A results file closes its own water budget (water-budget review, 2026-12-06): effluent water, the
runoff model's exchange and stores, runoff on a lake's surface and reach storage are written, so each
reach, each subbasin's land and each reservoir closes from the file alone, to round-off.

Before, Guanting's 2000-2017 file lacked 2.8e9 m3 (its plants' effluent, 75 % of the land runoff) and
its land budget 33 mm a year (GR4J's exchange), Miyun's 26 mm a year.
"""

from __future__ import annotations

import shutil
from datetime import date

import numpy as np
import pytest

from hydro.basin import ROOT, Basin
from hydro.simulation import run

EXAMPLE = ROOT / "configs" / "examples" / "watershed"
DAY = 86400.0


@pytest.fixture(scope="module")
def res():
    return run(Basin.load(EXAMPLE), start=date(2001, 1, 1), end=date(2002, 12, 31))


def _ds(res):
    return res.to_xarray()


def test_each_reach_closes_with_its_effluent_and_storage(res):
    """land runoff + effluent − withdrawal − (outlet − inlet) = Δ storage of the reach (routed)."""
    ds = _ds(res)
    assert float(ds["reach_point_inflow"].sum()) > 0  # the example's plant
    drains = dict(zip(ds["subbasin"].values.tolist(), ds["subbasin_drains_to"].values.tolist(), strict=True))
    area = ds["subbasin_area"].values * 1e6
    runoff = ds["subbasin_runoff"].values * 1e-3 * area[None, :] / DAY  # m3 s-1
    for r in ds["reach"].values.tolist():
        cols = [k for k, s in enumerate(ds["subbasin"].values.tolist()) if drains[s] == r]
        land = runoff[1:, cols].sum() if cols else 0.0
        later = {"time": slice(1, None)}  # storage is written at the end of each day: from the first's end
        eff = float(ds["reach_point_inflow"].sel(reach=r).isel(**later).sum())
        wd = float(ds["reach_withdrawal"].sel(reach=r).isel(**later).sum()) if "reach_withdrawal" in ds else 0.0
        gain = float((ds["discharge"].sel(reach=r) - ds["reach_inflow"].sel(reach=r)).isel(**later).sum())
        stored = float(ds["reach_routing_storage"].sel(reach=r).isel(time=-1)
                       - ds["reach_routing_storage"].sel(reach=r).isel(time=0)) / DAY
        # round-off of two years of daily sums of flows of order 10 m3/s
        assert land + eff - wd - gain == pytest.approx(stored, abs=1e-9 * max(land + eff, 1.0)), r


def test_land_budget_closes_from_the_file(res):
    """P − AET − Q + exchange = Δ storage (the runoff model's stores, snow included), every subbasin."""
    ds = _ds(res)
    later = dict(time=slice(1, None))  # from the end of the first day to the end of the last
    p, e, q, x = (ds[v].isel(**later).sum("time")
                  for v in ("subbasin_precipitation", "subbasin_aet", "subbasin_runoff", "subbasin_exchange"))
    change = ds["subbasin_water_storage"].isel(time=-1) - ds["subbasin_water_storage"].isel(time=0)
    assert float(np.abs(x).sum()) > 0  # the example's x2 exchanges water
    assert float(np.max(np.abs(p - e - q + x - change) / p)) < 1e-12  # round-off of 730 daily sums


def test_the_storage_is_the_model_s_own():
    """The written storage ends on the runoff model's own final stores (production, routing, unit
    hydrographs), not only on its own sums: 300 days of GR4J on two units, one losing to x2."""
    from hydro.daily_forcing import DailyForcing
    from hydro.runoff_registry import runoff_model
    from hydro.water_budget import runoff_storage

    rng = np.random.default_rng(3)
    n, days = 2, 300
    t = rng.normal(10.0, 5.0, (n, days))
    p = rng.gamma(0.5, 10.0, (n, days)) * (rng.random((n, days)) < 0.4)
    forcing = DailyForcing(np.datetime64("2019-01-01") + np.arange(days), p, t, t - 3, t + 3,
                           rng.uniform(0.0, 5.0, (n, days)))
    params = {"x1_mm": np.array([350.0, 600.0]), "x2_mm_per_day": np.array([-1.0, 0.5]),
              "x3_mm": np.array([90.0, 40.0]), "x4_days": np.array([1.7, 2.5]), "ctg": np.array([0.25, 0.25]),
              "kf_mm_per_c_per_day": np.array([3.0, 3.0])}
    result = runoff_model("gr4j_cemaneige", n, None).run(forcing, params)
    stored = runoff_storage(result)
    # 300 daily sums of terms up to ~100 mm: round-off ~1e-12 mm
    np.testing.assert_allclose(stored[:, -1], result.storage_end_mm, rtol=0, atol=1e-9)
    g = result.parts["gr4j"]  # each day at least what its production and routing stores hold
    assert np.all(stored >= g.production_store_mm + g.routing_store_mm - 1e-9)


def test_reservoir_inflow_closes_from_the_file(res):
    """A shore subbasin's area holds the lake (hydro/watershed.py:282-296): the runoff its land model
    makes on the day's lake surface is in ``subbasin_runoff`` but not in ``reservoir_inflow``
    (hydro/_hydraulics_kernels.land_under_surface); ``reservoir_surface_runoff`` says how much (Miyun 3.4e7 m3
    over 2000-2017, Guanting 9e6 m3)."""
    _reservoir_inflow_closes(_ds(res))


@pytest.fixture(scope="module")
def accumulated(tmp_path_factory):
    """The example routed by accumulation (as flow-driven runs are): its surface runoff comes from
    hydro.hydraulics.accumulate, not from the Muskingum-Cunge routing (diff review, 2026-12-06: zeroing it there
    survived)."""
    folder = tmp_path_factory.mktemp("acc") / "ws"
    shutil.copytree(EXAMPLE, folder)
    path = folder / "basin.toml"
    text = path.read_text(encoding="utf-8")
    assert 'routing = "auto"' in text
    path.write_text(text.replace('routing = "auto"', 'routing = "accumulate"', 1), encoding="utf-8")
    return run(Basin.load(folder), start=date(2001, 1, 1), end=date(2001, 12, 31)).to_xarray()


def test_reservoir_inflow_closes_under_accumulation(accumulated):
    assert "reach_routing_storage" not in accumulated  # accumulation holds no water in the reaches
    _reservoir_inflow_closes(accumulated)


def _reservoir_inflow_closes(ds) -> None:
    """Each reservoir's inflow over the run is its upstream reaches' discharge, its shore subbasins' runoff less
    the runoff on its surface, and the water transferred into it (round-off of a year of daily sums)."""
    drains = dict(zip(ds["subbasin"].values.tolist(), ds["subbasin_drains_to"].values.tolist(), strict=True))
    area = ds["subbasin_area"].values * 1e6
    for s in ds["reservoir"].values.tolist():
        cols = [k for k, b in enumerate(ds["subbasin"].values.tolist()) if drains[b] == s]
        ups = [r for r, d in zip(ds["reach"].values.tolist(), ds["reach_downstream"].values.tolist(), strict=True)
               if d == s]
        land = float((ds["subbasin_runoff"].isel(subbasin=cols) * 1e-3 * area[cols]).sum()) / DAY
        rivers = float(ds["discharge"].sel(reach=ups).sum()) if ups else 0.0
        moved = (float(ds["reservoir_transfer_inflow"].sel(reservoir=s).sum())
                 if "reservoir_transfer_inflow" in ds else 0.0)
        inflow = float(ds["reservoir_inflow"].sel(reservoir=s).sum())
        removed = float(ds["reservoir_surface_runoff"].sel(reservoir=s).sum())
        assert removed > 0.0  # the example's lake lies in its shore subbasin
        assert abs(rivers + land + moved - removed - inflow) <= 1e-9 * inflow, (s, rivers + land + moved - inflow)


@pytest.fixture(scope="module")
def flow_driven(tmp_path_factory):
    folder = tmp_path_factory.mktemp("fdw") / "watershed"
    shutil.copytree(EXAMPLE, folder)
    path = folder / "basin.toml"
    text = path.read_text(encoding="utf-8").replace('routing = "auto"', 'routing = "accumulate"\nflow_driven = true')
    text += ('\n[[gauges]]\nid = "g_west"\nname = "west gauge"\nreach = "west_lower"\nposition = 1.0\n'
             'observed_discharge_m3_s = 1.0\n')
    path.write_text(text, encoding="utf-8")
    out = run(Basin.load(path), start=date(2001, 1, 1), end=date(2002, 12, 31)).to_xarray()
    assert abs(float(out.attrs["flow_driven_added_water_m3"])) > 1e7  # the matching changed the water
    return out


def test_land_budget_closes_from_the_file_in_a_flow_driven_run(flow_driven):
    """A flow-driven run's subbasin_runoff is matched to the gauges: the land closes with subbasin_model_runoff
    (the example made flow-driven on one gauge was 19 % of precipitation out before it was written)."""
    ds = flow_driven
    q = ds["subbasin_model_runoff"]
    later = dict(time=slice(1, None))
    p, e, x = (ds[v].isel(**later).sum("time") for v in ("subbasin_precipitation", "subbasin_aet", "subbasin_exchange"))
    change = ds["subbasin_water_storage"].isel(time=-1) - ds["subbasin_water_storage"].isel(time=0)
    err = np.abs(p - e - q.isel(**later).sum("time") + x - change) / p
    assert float(err.max()) < 1e-12, f"land budget off by {float(err.max()):.3g} of P"


# -- a monthly file (aggregation review, 2026-12-06): states are the periods' ends, fluxes their means --------
@pytest.fixture(scope="module")
def monthly(res, tmp_path_factory):
    """The two years written ``aggregate monthly`` (as `hydro run --aggregate monthly`), read back."""
    import xarray as xr

    from hydro.outputspec import OutputSpec

    path = res.to_netcdf(tmp_path_factory.mktemp("monthly") / "monthly.nc", spec=OutputSpec(aggregate="monthly"))
    with xr.open_dataset(path) as ds:
        yield ds.load()


def _days(ds):
    """Each period's simulated days (time_bnds), as a float array along ``time``."""
    b = ds["time_bnds"].values
    return ((b[:, 1] - b[:, 0]) / np.timedelta64(1, "D")).astype(float)


def test_a_monthly_file_closes_each_reservoir_s_budget(monthly, res):
    """Δ reservoir_storage between month ends = (inflow − release − spill) × 86,400 × days − evaporation
    × days, the fluxes' monthly means times the month's days (before: means of the storage, off by
    9.9e7 m3 on Miyun)."""
    ds = monthly
    assert ds.sizes["time"] == 24 and ds.attrs["time_aggregation"] == "monthly"
    assert ds["reservoir_storage"].attrs["cell_methods"] == "time: point"
    assert ds["reservoir_inflow"].attrs["cell_methods"] == "time: mean"
    days = _days(ds)[:, None]
    s = ds["reservoir_storage"].values
    net = ((ds["reservoir_inflow"] - ds["reservoir_release"] - ds["reservoir_spill"]).values * DAY
           - ds["reservoir_evaporation"].values) * days
    change = s[1:] - s[:-1]
    assert float(np.abs(change).max()) > 1e5  # the storage moves
    np.testing.assert_allclose(change, net[1:], rtol=0, atol=1e-9 * float(np.abs(s).max()))
    # the end of each month is the daily file's value on its last day
    ends = np.cumsum(_days(ds)).astype(int) - 1
    np.testing.assert_array_equal(s, res.data["reservoir_storage"][ends])


def test_a_monthly_file_closes_each_subbasin_s_land_budget(monthly):
    """Δ subbasin_water_storage between month ends = (P − AET − Q + exchange) × days (mm; before: off by
    134 mm on Miyun's land from a monthly file)."""
    ds = monthly
    assert ds["subbasin_water_storage"].attrs["cell_methods"] == "time: point"
    days = _days(ds)[:, None]
    p, e, q, x = (ds[v].values for v in ("subbasin_precipitation", "subbasin_aet", "subbasin_runoff",
                                         "subbasin_exchange"))
    net = (p - e - q + x) * days
    s = ds["subbasin_water_storage"].values
    change = s[1:] - s[:-1]
    np.testing.assert_allclose(change, net[1:], rtol=0, atol=1e-10 * float(np.abs(p * days).sum()))
    # over the whole run from the first month's end: the same budget as the daily file's
    assert float(np.max(np.abs(change.sum(0) - net[1:].sum(0)) / (p[1:] * days[1:]).sum(0))) < 1e-12


def test_a_monthly_file_closes_each_reach_s_budget(monthly):
    """Δ reach_routing_storage between month ends / 86,400 = (land runoff + effluent − withdrawal −
    (outlet − inlet)) × days, the reaches' budget of the daily file."""
    ds = monthly
    drains = dict(zip(ds["subbasin"].values.tolist(), ds["subbasin_drains_to"].values.tolist(), strict=True))
    area = ds["subbasin_area"].values * 1e6
    runoff = ds["subbasin_runoff"].values * 1e-3 * area[None, :] / DAY
    days = _days(ds)
    for k, r in enumerate(ds["reach"].values.tolist()):
        cols = [j for j, s in enumerate(ds["subbasin"].values.tolist()) if drains[s] == r]
        land = runoff[:, cols].sum(1) if cols else 0.0
        wd = ds["reach_withdrawal"].values[:, k] if "reach_withdrawal" in ds else 0.0
        flux = (land + ds["reach_point_inflow"].values[:, k] - wd
                - (ds["discharge"].values[:, k] - ds["reach_inflow"].values[:, k])) * days
        s = ds["reach_routing_storage"].values[:, k] / DAY
        np.testing.assert_allclose(s[1:] - s[:-1], flux[1:], rtol=0,
                                   atol=1e-9 * max(float(np.abs(flux).max()), 1.0), err_msg=r)
