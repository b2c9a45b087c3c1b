"""Review of the leftovers (issues 13/16): writing stacked results from Python.

``hydro.results.stack`` (and :func:`hydro.ensemble.run_ensemble`) give results with a leading
``member`` or ``scenario`` dimension, which ``Results.to_netcdf`` writes through the one results
writer (:func:`hydro.netcdf.write_results`); ``hydro run --members`` and ``hydro scenarios``
write theirs run by run (:class:`hydro.netcdf.StackedWriter`).  Checked here: both give the same
file, and what is written reads back equal to what was stacked, for both dimensions, with a
variables/locations subset and monthly means recomputed independently (pandas).  Found and fixed:

* ``stack`` put runs of different periods of the same length under the first run's days without a
  word (2005 and 2006 January-February: both 59 days), and stacked along a dimension the runs
  already had (an ensemble along ``member``: a file with dimensions ``member, member``, or a
  broadcasting traceback); it now refuses both, naming the run, as StackedWriter does.
* Results already averaged (``run_ensemble(output=OutputSpec(aggregate="monthly"))``) written
  ``yearly`` took the plain mean of the twelve monthly means (2.69245 for 2.69401 m3/s at the
  watershed outlet in 2004) and closed every period one day after its last step's first day
  (a month's ``time_bnds`` Jan 1 - Jan 2, a year's Jan 1 - Dec 2); yearly results written monthly
  were labelled monthly.
"""

import math
from dataclasses import replace
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import xarray as xr

import hydro
from hydro.ensemble import member_weather
from hydro.errors import HydroError
from hydro.netcdf import StackedWriter
from hydro.outputspec import OutputSpec
from hydro.results import load_results, stack


@pytest.fixture(scope="module")
def runs():
    """Two Jan-Mar 2005 members of the watershed basin: generated weather of seeds 1 and 2, as
    :func:`hydro.ensemble.run_ensemble` runs them."""
    model = hydro.Model.from_basin("watershed")
    d0, d1 = date(2005, 1, 1), date(2005, 3, 31)
    return [model.run_results(d0, d1, weather=member_weather(model.basin, d0, d1, seed)) for seed in (1, 2)]


@pytest.mark.parametrize(("dim", "labels"), [("member", [0, 1]), ("scenario", ["low", "high"])])
def test_stacked_results_read_back_as_stacked(runs, tmp_path, dim, labels):
    stacked = stack(runs, dim, labels)
    assert not np.allclose(runs[0]["section_tn_concentration"], runs[1]["section_tn_concentration"])
    path = stacked.to_netcdf(tmp_path / "s.nc")
    back = load_results(path)
    assert back.leading == (dim,) and back.coords[dim] == labels and back.dates == runs[0].dates
    for name in stacked.data:  # the apportionment by source in 32-bit (the default spec): 1e-7 relative
        np.testing.assert_allclose(back[name], stacked[name], rtol=1e-6 if "source" in back.dims(name) else 0)
    ds = hydro.open_results(path)
    assert list(ds[dim].values) == labels and ds["section_discharge"].dims == (dim, "time", "section")
    # the file the CLI's writer (run by run) makes of the same runs is the same file
    with StackedWriter(Path(tmp_path / "w.nc"), dim, labels) as writer:
        for k, run in enumerate(runs):
            writer.write(k, run)
    assert ds.equals(xr.open_dataset(tmp_path / "w.nc"))


@pytest.mark.parametrize("dim", ["member", "scenario"])
def test_a_subset_of_monthly_means_reads_back_as_pandas_averages_it(runs, tmp_path, dim):
    spec = OutputSpec(variables=("section_tn_concentration", "tn_source_load"), locations=("outlet",),
                      aggregate="monthly")
    stacked = stack(runs, dim, [0, 1] if dim == "member" else ["a", "b"])
    ds = hydro.open_results(stacked.to_netcdf(tmp_path / "m.nc", spec=spec))
    assert sorted(ds.data_vars) == ["section_tn_concentration", "time_bnds", "tn_source_load"]
    assert list(ds["section"].values) == ["outlet"] and ds.attrs["time_aggregation"] == "monthly"
    k = runs[0].coords["section"].index("outlet")
    for m, run in enumerate(runs):
        daily = pd.Series(run["section_tn_concentration"][:, k], index=pd.to_datetime(run.dates))
        expected = daily.resample("MS").mean().to_numpy()
        np.testing.assert_allclose(ds["section_tn_concentration"].isel({dim: m, "section": 0}), expected, rtol=1e-12)
    np.testing.assert_array_equal(ds["time_bnds"].values[:, 1].astype("datetime64[D]"),
                                  np.array(["2005-02-01", "2005-03-01", "2005-04-01"], dtype="datetime64[D]"))


def test_stack_refuses_runs_of_other_days_and_a_dimension_they_have(runs):
    model = hydro.Model.from_basin("watershed")
    jan_feb = [model.run_results(f"{y}-01-01", f"{y}-02-28") for y in (2005, 2006)]  # 59 days each
    with pytest.raises(HydroError, match=r"stack: member 1 covers 2006-01-01 to 2006-02-28 \(59 days\), the "
                                         r"first run 2005-01-01 to 2005-02-28 \(59 days\)"):
        stack(jan_feb, "member", [0, 1])
    ensemble = stack(runs, "member", [0, 1])
    with pytest.raises(HydroError, match=r"already have a 'member' dimension.*along 'scenario'"):
        stack([ensemble, ensemble], "member", [0, 1])
    assert stack([ensemble, ensemble], "scenario", ["a", "b"]).leading == ("scenario", "member")
    with pytest.raises(HydroError, match=r"member 1: its source ids differ from the first run's"):
        stack([runs[0], model.run_results("2005-01-01", "2005-03-31", apportion=False)], "member", [0, 1])
    fewer = replace(runs[1], data={k: v for k, v in runs[1].data.items() if k != "discharge"})
    with pytest.raises(HydroError, match=r"member 1 has other variables than the first run \(discharge\)"):
        stack([runs[0], fewer], "member", [0, 1])


def test_averaged_results_written_coarser_are_day_weighted(runs, tmp_path):
    monthly_spec = OutputSpec(variables=("section_discharge",), aggregate="monthly")
    ensemble = stack(runs, "member", [0, 1])
    monthly = load_results(ensemble.to_netcdf(tmp_path / "m.nc", spec=monthly_spec))
    assert monthly.time_bounds[1][0].isoformat() == "2005-02-01"
    whole = OutputSpec(variables=("section_discharge",), aggregate="yearly")
    from_daily = load_results(ensemble.to_netcdf(tmp_path / "y1.nc", spec=whole))
    from_monthly = load_results(monthly.to_netcdf(tmp_path / "y2.nc", spec=whole))
    # Jan-Mar 2005: 31, 28 and 31 days; the mean of the three monthly means differs (a 28-day February)
    np.testing.assert_allclose(from_monthly["section_discharge"], from_daily["section_discharge"], rtol=1e-12)
    assert not np.allclose(from_monthly["section_discharge"], monthly["section_discharge"].mean(axis=1))
    assert from_monthly.time_bounds == from_daily.time_bounds == ([date(2005, 1, 1)], [date(2005, 4, 1)])
    again = load_results(monthly.to_netcdf(tmp_path / "m2.nc", spec=monthly_spec))  # the same months again
    assert again.time_bounds == monthly.time_bounds
    np.testing.assert_array_equal(again["section_discharge"], monthly["section_discharge"])
    yearly = load_results(tmp_path / "y1.nc")
    with pytest.raises(HydroError, match=r"aggregate 'monthly': these results are yearly means"):
        yearly.to_netcdf(tmp_path / "bad.nc", spec=monthly_spec)
    assert not (tmp_path / "bad.nc").exists() and math.isfinite(float(yearly["section_discharge"][0, 0, 0]))


def test_a_failed_member_reads_as_missing_as_the_cli_writes_it(tmp_path, monkeypatch):
    # run_ensemble holds a failed member's integers (transport_substeps) as 0, a number: its file read
    # 0 sub-steps on every day of member 1 where `hydro run --members` (StackedWriter) writes them missing
    from hydro.batch import FAIL_ENV
    from hydro.ensemble import run_ensemble, write_ensemble

    monkeypatch.setenv(FAIL_ENV, "1")
    out = OutputSpec(variables=("section_discharge", "transport_substeps"))
    period = (date(2004, 1, 1), date(2004, 1, 31))
    ensemble = run_ensemble("watershed", 3, 1, *period, workers=1, quiet=True, output=out)
    assert ensemble.attrs["members_failed"] == "1" and (ensemble["transport_substeps"][1] == 0).all()
    api = xr.open_dataset(ensemble.to_netcdf(tmp_path / "api.nc"))
    write_ensemble("watershed", 3, 1, tmp_path / "cli.nc", *period, workers=1, quiet=True, output=out)
    cli = xr.open_dataset(tmp_path / "cli.nc")
    assert np.isnan(api["transport_substeps"][1]).all() and (api["transport_substeps"][[0, 2]] > 0).all()
    xr.testing.assert_equal(api[["transport_substeps", "section_discharge"]], cli[["transport_substeps",
                                                                                   "section_discharge"]])
    assert api["transport_substeps"].encoding["dtype"] == cli["transport_substeps"].encoding["dtype"] == np.int32


def test_a_parameter_sweep_stacks_and_is_valued_run_by_run(tmp_path):
    # runs of Model.with_parameters differ in `parameters_changed`, which had to be the same in every
    # run: stack refused the sweep python-api.md shows; it now lists each run's, as config_sha256
    from click.testing import CliRunner

    from hydro.cli import main
    from hydro.gep_inputs import run_overrides

    model = hydro.Model.from_basin("watershed")
    d0, d1 = date(2005, 1, 1), date(2005, 1, 31)
    rates = (0.05, 0.1)
    sweep = [model.with_parameters({"constituents.tn.river_removal_per_day": k}).run_results(d0, d1) for k in rates]
    stacked = stack(sweep, "scenario", ["slow", "fast"])
    key = "constituents.tn.river_removal_per_day"
    assert stacked.attrs["parameters_changed"] == ";".join(
        f'{label}={{"{key}": {k}}}' for label, k in zip(("slow", "fast"), rates, strict=True))
    path = stacked.to_netcdf(tmp_path / "sweep.nc")
    assert load_results(path).attrs["parameters_changed"] == stacked.attrs["parameters_changed"]
    r = CliRunner().invoke(main, ["gep", str(path)])  # the watershed's GEP needs no basin: each run valued
    assert r.exit_code == 0, r.output
    assert all(f"{label:24s} 2005" in r.output for label in ("slow", "fast"))
    # where GEP would rebuild the basin of the run, the sweep has no one basin: said, not a JSON traceback
    assert run_overrides(sweep[0].attrs) == ["constituents.tn.river_removal_per_day=0.05"]
    with pytest.raises(HydroError, match="the runs stacked in these results changed different parameters"):
        run_overrides(stacked.attrs)


def test_stack_checks_its_labels_with_hydro_errors(runs):
    # member labels 'a', 'b' were accepted and to_netcdf failed on int('a'); no runs or a label count
    # other than the runs' raised a plain ValueError; a label given twice made a file whose
    # sel(scenario='a') returned both runs
    cases = [((runs, "member", ["a", "b"]), "member labels are whole numbers"),
             (([], "scenario", []), "0 runs and 0 labels"),
             ((runs, "scenario", ["a"]), "2 runs and 1 labels"),
             ((runs, "scenario", ["a", "a"]), "label 'a' given to more than one run"),
             ((runs, "year", [0, 1]), "dim: expected one of scenario, member")]
    for args, message in cases:
        with pytest.raises(HydroError, match=message):
            stack(*args)
    assert stack(runs, "member", [np.int64(3), 4]).coords["member"] == [3, 4]


def test_a_run_read_from_its_file_stacks_with_a_run_in_memory(runs, tmp_path):
    """The file's writer adds ``Conventions`` and ``title``, a run in memory has neither: stacking the
    two was refused ("has the global attribute 'Conventions' and ... has not"; outside researcher,
    2026-12-05).  The stacked file has them once, as every file."""
    runs[0].to_netcdf(tmp_path / "a.nc")
    loaded = load_results(tmp_path / "a.nc")
    assert loaded.attrs["Conventions"] == "CF-1.8, ACDD-1.3" and "Conventions" not in runs[1].attrs
    stacked = stack([loaded, runs[1]], "scenario", ["from_file", "in_memory"])
    stacked.to_netcdf(tmp_path / "both.nc")
    with xr.open_dataset(tmp_path / "both.nc") as ds:
        assert ds.attrs["Conventions"] == "CF-1.8, ACDD-1.3" and ds.attrs["title"].startswith("hydro simulation of")
        assert ds.attrs["title"].count("hydro simulation") == 1  # written once, not the file's and the writer's
        np.testing.assert_array_equal(ds["discharge"].sel(scenario="in_memory").values, runs[1].data["discharge"])
