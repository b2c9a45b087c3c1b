"""N a scenario's measures keep off the rivers that is still on the land (``n_kept_out_on_land``).

On the shipped basins rural and livestock N washes off a surface store holding years of build-up
(issue 13): a manure measure acting in a run's last year sends the rivers little less N within the
run, most of what it stops losing is still missing from the store at the end.  ``n_kept_out`` (N
entering the reservoir less) and ``n_kept_out_in_storage`` (the part of it held in the water upstream)
did not count that N; ``n_kept_out_on_land`` does: the baseline's N in the wash-off and groundwater
stores upstream of each reservoir at the end of the run minus the scenario's.

The run: Miyun 2015-2016 on the record, Hebei's manure measure of the plan file in 2016 only.
Tolerances: the rows are sums of the same stored numbers as the check's, 1e-9 relative.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from hydro.basin import ROOT
from hydro.run_attributes import id_values, upstream_elements
from hydro.scenarios import run_scenarios
from hydro.scenarios.summary import summarise

SCENARIOS = """
[scenario_set]
name = "late manure measure"
basin = "miyun"
cost_method = "spent"
assumption = true
note = "test"
[[measures]]
id = "manure"
kind = "manure_management"
where = { provinces = ["Hebei"] }
types = ["pig", "cattle", "sheep", "layer"]
years = [2016, 2016]
managed_share = 0.5
managed_loss_fraction = 0.02
assumption = true
note = "test"
[[scenarios]]
id = "late"
measures = ["manure"]
"""


@pytest.fixture(scope="module")
def late(tmp_path_factory):
    path = tmp_path_factory.mktemp("late") / "s.toml"
    path.write_text(SCENARIOS, encoding="utf-8")
    run = run_scenarios(ROOT / "basins" / "miyun", path, date(2015, 1, 1), date(2016, 12, 31))
    assert not run.failed and run.kept_out == ["miyun"]
    return run, summarise(run)


def _value(rows, quantity, location=""):
    [v] = [r["value"] for r in rows if (r["scenario"], r["quantity"], r["location"], r["year"])
           == ("late", quantity, location, "all")]
    return v


def test_a_late_measure_keeps_most_of_its_n_on_the_land(late):
    run, rows = late
    kept, land = _value(rows, "n_kept_out"), _value(rows, "n_kept_out_on_land")
    base, scen = run.results[0], run.results[1]
    reduction = float(np.sum(base["subbasin_tn_source_input"]) - np.sum(scen["subbasin_tn_source_input"]))
    assert kept > 0.0 and reduction > 0.0
    # most of what the measure stops losing is still off the rivers' path at the end: on the land, more
    # than what the rivers received less (73,456 against 40,855 kg since Miyun's GR4J recalibration of
    # 2026-12-04; more than twice as much before it)
    assert land > reduction
    assert _value(rows, "n_kept_out_on_land", "miyun") == land  # Miyun is the one counted reservoir
    # independently: every subbasin draining to Miyun or above it, both stores at the end
    up = upstream_elements(base.attrs["network_downstream"])["miyun"] | {"miyun"}
    drains = id_values(base.attrs["subbasin_drains_to"])
    cols = [j for j, s in enumerate(base.coords["subbasin"]) if drains[str(s)] in up]
    assert len(cols) == len(base.coords["subbasin"])  # every Miyun subbasin drains to the reservoir

    def end(res):
        return float(sum(np.asarray(res[v])[-1, cols].sum() for v in ("washoff_n_storage", "groundwater_n_storage")))

    assert land == pytest.approx(end(base) - end(scen), rel=1e-9)
    # the wash-off store holds it (the groundwater store barely moves under a manure measure)
    washoff = float(np.asarray(base["washoff_n_storage"])[-1].sum() - np.asarray(scen["washoff_n_storage"])[-1].sum())
    assert washoff > 0.9 * land
    from hydro.scenarios.summary import format_summary

    assert f"still on the land upstream at the end of the run (wash-off and groundwater stores, beyond N kept out): " \
           f"{land:+,.0f} kg" in format_summary(rows)


def test_nan_without_the_stores(late):
    """A file without the stores (written before them, or an output spec that left them out): NaN, not 0."""
    from hydro.scenarios.kept_out import land_storage_end

    res = late[0].results[0]
    kept = dict(res.data)
    try:
        del res.data["washoff_n_storage"]
        assert np.all(np.isnan(land_storage_end(res)))
    finally:
        res.data.clear()
        res.data.update(kept)


def test_nan_for_a_file_cut_to_some_subbasins_or_aggregated(late, tmp_path):
    """A file with some subbasins only (``locations``) or monthly means would give a part or a mean:
    NaN instead, as the summary and the incentives say."""
    from hydro.netcdf import write_results
    from hydro.outputspec import OutputSpec
    from hydro.results import load_results
    from hydro.scenarios.kept_out import land_storage_end

    res = late[0].results[0]
    whole = land_storage_end(load_results(write_results(res, tmp_path / "all.nc")))
    assert np.all(np.isfinite(whole)) and whole[-1] > 0.0
    first = str(res.coords["subbasin"][0])
    for name, spec in (("cut", OutputSpec(locations=(first, "miyun"))), ("monthly", OutputSpec(aggregate="monthly"))):
        got = land_storage_end(load_results(write_results(res, tmp_path / f"{name}.nc", spec=spec)))
        assert got.size and np.all(np.isnan(got)), name  # Miyun kept: not an empty answer


def test_the_incentives_give_it_year_by_year(late, tmp_path):
    """``n_kept_out_on_land_kg`` (the incentives' column before ``complete``): 0 in 2015 (before the measure), and
    over the years the summary's total; read back from the scenarios file as written."""
    from hydro.scenarios import write_scenarios
    from hydro.scenarios.incentives import COLUMNS, incentives

    run, rows = late
    nc = write_scenarios(run, tmp_path / "late.nc")
    agreement = tmp_path / "a.toml"
    agreement.write_text('name = "t"\nsource = "synthetic"\nperiod = [2015, 2016]\npayer = "Beijing"\n'
                         'payee = "Hebei"\n[[fixed]]\nyear = 2015\namount_yuan = 1000.0\n', encoding="utf-8")
    table = [r for r in incentives(nc, agreement) if r["scenario"] == "late"]
    assert COLUMNS[-4:] == ("n_kept_out_on_land_kg", "floor_yuan", "in_force", "complete")  # complete stays last
    by_year = {r["year"]: r["n_kept_out_on_land_kg"] for r in table}
    assert by_year[2015] == 0.0
    assert by_year[2016] == pytest.approx(_value(rows, "n_kept_out_on_land"), rel=1e-9)


def test_the_members_spread_of_it(late, tmp_path):
    """With a weather ensemble every member's ``n_kept_out_on_land`` is in the file
    (``ensemble_n_kept_out_on_land``) and the summary gives its median and 5-95 % band over them
    (``numpy.percentile`` of the members' own values: exact).  Runs last: it adds the ensemble."""
    import xarray as xr

    from hydro.scenarios import write_scenarios
    from hydro.scenarios.run import run_scenario_ensemble

    run = late[0]
    run_scenario_ensemble(run, 2, 1)
    rows = summarise(run)
    with xr.open_dataset(write_scenarios(run, tmp_path / "ens.nc")) as ds:
        land = ds["ensemble_n_kept_out_on_land"].sel(scenario="late", reservoir="miyun").values
    assert land.shape == (2,) and np.all(land > 0.0)
    for stat, q in (("median", 50.0), ("p05", 5.0), ("p95", 95.0)):
        [v] = [r["value"] for r in rows if (r["scenario"], r["quantity"], r["location"])
               == ("late", f"n_kept_out_on_land_{stat}", "")]
        assert v == pytest.approx(np.percentile(land, q), rel=1e-12)
