"""The Python API as a researcher holds it (review of 2026-12-04)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np
import pytest

from hydro.errors import HydroError
from hydro.outputspec import OutputSpec
from hydro.scenarios.run import run_scenarios

ROOT = Path(__file__).resolve().parents[1]
WATERSHED = ROOT / "configs/examples/watershed"
SCENARIOS = ROOT / "configs/scenarios/watershed.toml"


def test_run_scenarios_takes_iso_dates_as_model_run_does():
    """It reported 'scenario baseline failed: AttributeError: 'str' object has no attribute 'year''."""
    by_text = run_scenarios(WATERSHED, SCENARIOS, "2002-01-01", "2002-03-31", scenarios=[])
    by_date = run_scenarios(WATERSHED, SCENARIOS, date(2002, 1, 1), date(2002, 3, 31), scenarios=[])
    assert not by_text.failed
    for a, b in zip(by_text.results, by_date.results, strict=True):
        np.testing.assert_array_equal(a.data["section_discharge"], b.data["section_discharge"])


def test_run_scenarios_refuses_a_date_it_cannot_read_by_its_name():
    with pytest.raises(HydroError, match="end"):
        run_scenarios(WATERSHED, SCENARIOS, "2002-01-01", "2002-13-01", scenarios=[])


@pytest.mark.parametrize("value", ["false", "no", 0, 1.0])
def test_output_spec_float32_takes_a_bool_only(value):
    """OutputSpec(float32="false") wrote 32-bit floats: any non-empty string counted as true."""
    with pytest.raises(HydroError, match="float32: expected True, False or None"):
        OutputSpec(float32=value)


def test_output_spec_float32_bools_are_kept():
    assert OutputSpec(float32=False).float32 is False and OutputSpec(float32=np.True_).float32


def test_a_folder_where_the_summary_table_goes_is_named_as_what_o_implies(tmp_path):
    """Review of 2026-12-04: the error told to give -o 'x.summary.csv/out', an option never given."""
    from click.testing import CliRunner

    from hydro.cli import main

    (tmp_path / "x.summary.csv").mkdir()
    r = CliRunner().invoke(main, ["scenarios", "watershed", str(SCENARIOS), "-o", str(tmp_path / "x.nc"), "-q"])
    assert r.exit_code == 2
    assert "the summary table that -o" in r.output and "x.summary.csv/out" not in r.output
    assert not (tmp_path / "x.nc").exists()


def test_a_run_on_weather_of_ones_own_is_not_labelled_as_the_basins_file():
    """Review of 2026-12-04: precipitation +20 % given as weather= was labelled with the basin's
    station file and weather_synthetic 'false', as if on the observed record."""
    import dataclasses

    import hydro
    from hydro.weather import station_record

    model = hydro.Model.from_basin(WATERSHED / "basin.toml")
    record = station_record(WATERSHED / "weather.csv")
    wetter = dataclasses.replace(record, precip_mm=record.precip_mm * 1.2)
    own = model.run("2001-01-01", "2001-01-31", weather=wetter, apportion=False)
    assert own.attrs["weather"] == "given to Model.run (weather=)"  # the series read has no source_file
    assert model.run("2001-01-01", "2001-01-31", apportion=False).attrs["weather"] == "weather.csv"


def test_an_array_parameter_takes_a_tuple_or_a_series_as_a_list():
    """Review of 2026-12-04: a tuple or pandas Series of twelve targets was refused as 'expected a number'."""
    import pandas as pd

    import hydro

    model = hydro.Model.from_basin("watershed")
    key = "reservoirs.lake.target_release_m3_s"
    months = [1.0 + 0.1 * k for k in range(12)]
    by_list = model.with_parameters({key: months})
    for value in (tuple(months), pd.Series(months), np.array(months)):
        changed = model.with_parameters({key: value})
        assert changed.changes == by_list.changes and changed.basin.sha256 == by_list.basin.sha256


def test_a_stacked_file_failing_as_it_is_defined_reports_that_error(tmp_path, monkeypatch):
    """Review of 2026-12-04: on a nearly full disk the definition failed ('NetCDF: HDF error') and
    the clean-up then raised AttributeError ('_names'), hiding it; nothing may be left behind."""
    import hydro
    import hydro.netcdf as netcdf

    run = hydro.Model.from_basin("tiny").run_results("2020-01-01", "2020-01-03")

    def full_disk(*args, **kwargs):
        raise RuntimeError("NetCDF: HDF error")

    monkeypatch.setattr(netcdf, "_define", full_disk)
    with pytest.raises(HydroError, match=r"writing failed \(NetCDF: HDF error"), \
            netcdf.StackedWriter(tmp_path / "e.nc", "member", [0, 1]) as w:
        w.write(0, run)
    assert list(tmp_path.iterdir()) == []


def test_run_ensemble_takes_a_changed_model_as_its_basin_and_changes():
    """Review of 2026-12-04: run_ensemble(model, ...) raised a raw TypeError, and overrides given as one
    string were read letter by letter ('--set r: expected key.path=value')."""
    import hydro
    from hydro.ensemble import run_ensemble

    model = hydro.Model.from_basin("watershed").with_parameters({"run.courant": 0.8,
                                                                 "reservoirs.lake.target_release_m3_s": [2.0] * 12})
    args = (1, 3, "2001-01-01", "2001-01-20")
    by_model = run_ensemble(model, *args, workers=1, quiet=True)
    by_text = run_ensemble("watershed", *args, workers=1, quiet=True,
                           overrides=["run.courant=0.8", "reservoirs.lake.target_release_m3_s=[" +
                                      ", ".join(["2.0"] * 12) + "]"])
    plain = run_ensemble("watershed", *args, workers=1, quiet=True)
    for name in ("section_discharge", "section_tn_concentration"):
        np.testing.assert_array_equal(by_model.data[name], by_text.data[name])
    assert not np.array_equal(by_model.data["section_discharge"], plain.data["section_discharge"])
    one = run_ensemble("watershed", *args, workers=1, quiet=True, overrides="run.courant=0.8")
    as_dict = run_ensemble("watershed", *args, workers=1, quiet=True, overrides={"run.courant": 0.8})
    np.testing.assert_array_equal(one.data["section_discharge"], as_dict.data["section_discharge"])


FERTILISER_W2 = "subbasins.w2.sources.land_use.cropland.fertiliser_kg_per_ha_yr"


def test_run_scenarios_starts_every_scenario_from_a_models_changes(tmp_path):
    """A changed Model was refused (its workers rebuilt the basin from the file); now its changes are
    every scenario's start, and the measures change the changed values: the same as run_scenario with
    the changes as --set, and recorded so that hydro gep rebuilds the baseline's basin."""
    import hydro
    from hydro.gep_inputs import run_basin
    from hydro.results import load_results
    from hydro.scenario_run import run_scenario
    from hydro.scenarios.run import write_scenarios

    model = hydro.Model.from_basin(WATERSHED / "basin.toml").with_parameters({FERTILISER_W2: 500.0})
    run = run_scenarios(model, SCENARIOS, "2002-01-01", "2002-06-30", scenarios=["agriculture"])
    assert not run.failed and run.names == ["baseline", "agriculture"]
    # the 2002 step of the 20 % cut (2002-2003) is taken off the model's 500, not the file's 250
    assert f"{FERTILISER_W2}={{2000=500.0,2001=500.0,2002=450.0}}" in run.compiled[1].overrides
    plain = run_scenarios(WATERSHED, SCENARIOS, "2002-01-01", "2002-06-30", scenarios=["agriculture"])
    for k, sid in enumerate(run.names):
        alone, _ = run_scenario(WATERSHED, sid, SCENARIOS, date(2002, 1, 1), date(2002, 6, 30),
                                overrides=[f"{FERTILISER_W2}=500.0"])
        tn = run.results[k].data["subbasin_tn_source_input"]
        np.testing.assert_array_equal(tn, alone.data["subbasin_tn_source_input"])  # the same runs, bit for bit
        np.testing.assert_array_equal(run.results[k].data["section_tn_concentration"],
                                      alone.data["section_tn_concentration"])
        assert tn.sum() > 1.01 * plain.results[k].data["subbasin_tn_source_input"].sum()  # the change applied
    out = write_scenarios(run, tmp_path / "changed.nc")
    written = load_results(out)
    assert "with_parameters" not in written.attrs["history"] and "overrides=" in written.attrs["history"]
    baseline_hash = dict(p.split("=") for p in written.attrs["config_sha256"].split(";"))["baseline"]
    assert run_basin(written).sha256 == baseline_hash == model.basin.sha256


def test_run_scenarios_takes_overrides_as_run_ensemble_does():
    by_dict = run_scenarios(WATERSHED, SCENARIOS, "2002-01-01", "2002-01-31", scenarios=[],
                            overrides={FERTILISER_W2: 500.0})
    by_text = run_scenarios(WATERSHED, SCENARIOS, "2002-01-01", "2002-01-31", scenarios=[],
                            overrides=f"{FERTILISER_W2}=500")
    assert by_dict.info.overrides == (f"{FERTILISER_W2}=500.0",)
    np.testing.assert_array_equal(by_dict.results[0].data["subbasin_tn_source_input"],
                                  by_text.results[0].data["subbasin_tn_source_input"])


@pytest.mark.parametrize(("text", "said"), [
    ("a = 1\nb = =\n", "(at line 2, column 5); fix the syntax at that line"),
    ("a = [\n", "(at end of document); fix the syntax there (an array, table or string left open"),
])
def test_malformed_toml_says_where_to_fix_it(tmp_path, text, said):
    """Review of 2026-12-04: 'fix the syntax at that line' where the parser named no line."""
    from hydro.tomlio import load_toml

    (tmp_path / "b.toml").write_text(text)
    with pytest.raises(HydroError) as err:
        load_toml(tmp_path / "b.toml")
    assert said in str(err.value)


def test_a_year_keyed_value_carries_its_lines_citation():
    """Review of 2026-12-04: Parameter.source was empty for the 66 year-keyed values of Guanting
    (fertiliser rates among them), although their line cites its source."""
    import hydro

    params = [p for p in hydro.Model.from_basin("guanting").parameters if p.path.split(".")[-1].isdigit()]
    assert params and all(p.source for p in params)
    fert = next(p for p in params if p.path.endswith("cropland.fertiliser_kg_per_ha_yr.2013"))
    assert fert.source == "ESTIMATE (§12)" and fert.unit == "kg ha-1 yr-1"


def test_plotting_a_variable_missing_everywhere_says_so(tmp_path):
    """Review of 2026-12-04: an all-NaN variable was drawn as an empty figure, exit 0, without a word; since the
    review of 2026-12-05 it is refused as the other figures without data are (exit 2, nothing written)."""
    from click.testing import CliRunner

    import hydro
    from hydro.cli import main

    results = hydro.Model.from_basin("tiny").run_results("2020-01-01", "2020-01-10")
    results.data["section_tn_concentration"] = np.full_like(results.data["section_tn_concentration"], np.nan)
    results.to_netcdf(tmp_path / "nan.nc")
    r = CliRunner().invoke(main, ["plot", str(tmp_path / "nan.nc"), "trajectory", "-o", str(tmp_path / "t.png")])
    assert r.exit_code == 2 and "would draw is missing (NaN)" in r.stderr, r.output
    assert not (tmp_path / "t.png").exists()
    results = hydro.Model.from_basin("tiny").run_results("2020-01-01", "2020-01-10")
    results.to_netcdf(tmp_path / "ok.nc")
    r = CliRunner().invoke(main, ["plot", str(tmp_path / "ok.nc"), "trajectory", "-o", str(tmp_path / "u.png")])
    assert r.exit_code == 0 and "missing (NaN)" not in r.stderr
