"""``hydro scenarios --members N``: the spread over the weather members of N kept out and of the cost
per kg kept out (median and 5-95 % band), not member 0's (or the record's) alone.

On the example watershed, 2009-2010, the shipped file's fertiliser measure from 2009 (scenario
``fert``), three members of seed 1: each member's N kept out is recomputed here independently,
from the reservoir budgets of a full run (every constituent, by source) of the baseline and the
scenario on that member's weather, and the summary's median and band are its percentiles.
"""

from __future__ import annotations

from datetime import date

import netCDF4
import numpy as np
import pytest

from tests.test_scenarios_future_review import scenario_file

PERIOD = (date(2009, 1, 1), date(2010, 12, 31))
MEMBERS, SEED = 3, 1


def _row(rows, scenario, quantity, location=""):
    got = [r for r in rows if (r["scenario"], r["quantity"], r["location"], r["year"])
           == (scenario, quantity, location, "all")]
    assert len(got) == 1, (scenario, quantity, location, got)
    return got[0]


@pytest.fixture(scope="module")
def ensemble(tmp_path_factory):
    from hydro.scenarios.run import run_scenario_ensemble, run_scenarios
    from hydro.scenarios.summary import summarise

    folder = tmp_path_factory.mktemp("spread")
    run = run_scenarios("watershed", scenario_file(folder, 2009), *PERIOD)
    run_scenario_ensemble(run, MEMBERS, SEED)
    return folder, run, summarise(run)


@pytest.fixture(scope="module")
def independent(ensemble):
    """Each member's N kept out of the example's one reservoir (``lake``, the foot of its cascade), kg,
    from the inflow + lateral + point terms of full runs' ``tn_budget_reservoir``."""
    from hydro.ensemble import member_weather
    from hydro.model import model_variant
    from hydro.scenarios.run import run_one

    _, run, _ = ensemble
    basin = model_variant(run.info.path).basin
    kept, lake_2010 = [], []
    for m in range(MEMBERS):
        weather = member_weather(basin, *PERIOD, SEED + m)
        n_in = []
        for sid in ("baseline", "fert"):
            res, _ = run_one(run.info, run.sfile, sid, *PERIOD, weather=weather)
            terms = list(res.coords["budget_term"])
            b = np.asarray(res["tn_budget_reservoir"])
            n_in.append(sum(b[:, 0, terms.index(t)].sum() for t in ("inflow", "lateral_load", "point_load")))
        kept.append(n_in[0] - n_in[1])
        # the lake's (time-mean) TN in 2010 under fert: the mean of its twelve monthly means
        tn = np.asarray(res["reservoir_tn_concentration"])[:, 0]
        months = [(d.year, d.month) for d in res.dates]
        lake_2010.append(np.mean([tn[[k for k, ym in enumerate(months) if ym == (2010, mo)]].mean()
                                  for mo in range(1, 13)]))
    return np.array(kept), np.array(lake_2010)


def test_the_median_and_band_are_those_of_the_members_own_kept_out(ensemble, independent):
    _, run, rows = ensemble
    independent = independent[0]
    assert run.kept_out == ["lake"]
    assert np.ptp(independent) > 0.01 * np.mean(independent)  # the weather moves it: a spread to report
    # the members carry TN alone, as totals; the full runs by source: the same terms summed in another
    # order, equal to round-off (1e-9 relative, far below the members' spread of over 1 %)
    for loc in ("", "lake"):
        for stat, q in (("median", 50), ("p05", 5), ("p95", 95)):
            row = _row(rows, "fert", f"n_kept_out_{stat}", loc)
            assert row["value"] == pytest.approx(np.percentile(independent, q), rel=1e-9), (loc, stat)
            assert row["source"] == "3 of 3 members" and row["unit"] == "kg"
    # the table's own n_kept_out (the station record's weather) is not the members' median
    assert _row(rows, "fert", "n_kept_out", "lake")["value"] != pytest.approx(np.median(independent), rel=1e-3)
    assert _row(rows, "baseline", "n_kept_out_median")["value"] == 0.0


def test_cost_per_kg_is_the_cost_over_the_members_kept_out(ensemble, independent):
    _, _, rows = ensemble
    independent = independent[0]
    cost = _row(rows, "fert", "cost")["value"]
    assert cost > 0
    per_kg = np.sort(cost / independent)  # each member's own cost per kg (3 members: the median is exact)
    assert _row(rows, "fert", "cost_per_kg_kept_out_median")["value"] == pytest.approx(per_kg[1], rel=1e-9)
    assert _row(rows, "fert", "cost_per_kg_kept_out_p05")["value"] == pytest.approx(
        cost / np.percentile(independent, 95), rel=1e-9)
    assert _row(rows, "fert", "cost_per_kg_kept_out_p95")["value"] == pytest.approx(
        cost / np.percentile(independent, 5), rel=1e-9)
    assert np.isnan(_row(rows, "baseline", "cost_per_kg_kept_out_median")["value"])  # nothing kept out


def test_the_table_and_the_file_give_the_spread(ensemble, independent):
    from hydro.scenarios.run import write_scenarios
    from hydro.scenarios.summary import format_summary

    folder, run, rows = ensemble
    independent = independent[0]
    text = format_summary(rows)
    assert f"over 3 of 3 members: N kept out median {np.median(independent):,.0f} kg" in text, text
    path = write_scenarios(run, folder / "out.nc")
    with netCDF4.Dataset(path) as ds:
        v = ds.variables["ensemble_n_kept_out"]
        assert v.dimensions == ("scenario", "member", "reservoir") and v.units == "kg" and v.long_name
        np.testing.assert_allclose(v[1, :, 0], independent, rtol=1e-9)
        assert "ensemble_n_kept_out_in_storage" in ds.variables


def test_the_annual_tn_spread_is_that_of_the_members_own_annual_means(ensemble, independent):
    _, _, rows = ensemble
    lake = independent[1]
    assert np.ptp(lake) > 0.001  # mg/L: the weather moves it
    for stat, q in (("median", 50), ("p05", 5), ("p95", 95)):
        got = [r for r in rows if (r["scenario"], r["quantity"], r["location"], r["year"])
               == ("fert", f"tn_annual_mean_{stat}", "lake", 2010)]
        assert len(got) == 1 and got[0]["source"] == "3 of 3 members" and got[0]["unit"] == "mg L-1"
        # TN alone, as totals, against the full run by source: round-off (1e-9 relative)
        assert got[0]["value"] == pytest.approx(np.percentile(lake, q), rel=1e-9), stat


def test_a_failed_member_is_left_out_and_counted(ensemble, monkeypatch):
    from hydro.batch import FAIL_ENV
    from hydro.scenarios.run import run_scenario_ensemble
    from hydro.scenarios.summary import summarise

    _, run, _ = ensemble
    monkeypatch.setenv(FAIL_ENV, "1")
    try:
        run_scenario_ensemble(run, MEMBERS, SEED)
        partial = summarise(run)
    finally:
        run.ensemble = None
    assert _row(partial, "fert", "n_kept_out_median")["source"] == "2 of 3 members"
    assert not any(r["quantity"].endswith("_median") for r in summarise(run))  # no members: no spread


def test_the_cost_band_is_open_where_some_weather_keeps_nothing_out():
    from types import SimpleNamespace

    from hydro.scenarios.kept_out import members_counted, spread_rows

    r_in = np.array([[[100.0], [100.0], [100.0]], [[105.0], [90.0], [80.0]]])  # (scenario, member, reservoir)
    ens = {"reservoir_n_input": r_in, "upstream_n_storage_change": np.zeros_like(r_in), "members": [0, 1, 2],
           "failed": {}}
    run = SimpleNamespace(ensemble=ens, names=["baseline", "s"], kept_out=["lake"],
                          results=[SimpleNamespace(coords={"reservoir": ["lake"]})])
    rows = spread_rows(run, [{"scenario": "s", "quantity": "cost", "location": "", "year": "all", "value": 100.0}])
    got = {r["quantity"]: r["value"] for r in rows if r["scenario"] == "s" and r["location"] == ""}
    # kept out -5, 10, 20 kg: percentiles 5/50/95 (linear) -3.5, 10, 19 kg
    assert got["n_kept_out_p05"] == pytest.approx(-3.5) and got["n_kept_out_p95"] == pytest.approx(19.0)
    assert got["cost_per_kg_kept_out_median"] == pytest.approx(10.0)
    assert got["cost_per_kg_kept_out_p05"] == pytest.approx(100.0 / 19.0)
    assert np.isnan(got["cost_per_kg_kept_out_p95"])  # in some weather nothing is kept out: no upper bound
    assert members_counted({"members": [0]}).startswith("1 of 1 member (one draw of the weather: no spread")
