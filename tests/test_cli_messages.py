"""Messages a new user meets (issue 15): --set paths, parameter files of the other kind of
model, catchment runs from the command line, the first-run compile notice."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from cli_invoke import invoke, user_error

ROOT = Path(__file__).resolve().parents[1]
LEGUER = ROOT / "validation" / "calibration" / "leguer" / "catchment.toml"


def write_params(path: Path, model: str, target: Path, overrides: list[str]) -> Path:
    items = "".join(f'  "{o}",\n' for o in overrides)
    path.write_text(f'model = "{model}"\ntarget = "{target}"\nloss = 0.1\noverrides = [\n{items}]\n',
                    encoding="utf-8")
    return path


def test_set_with_an_unknown_table_names_the_option_and_the_tables(tmp_path):
    result = invoke("run", "tiny", "--set", "foo.bar=1", "-o", tmp_path / "x.nc")
    user_error(result, "--set foo.bar=1", "no top-level table 'foo'", "run", "reaches", "constituents")
    assert "unknown key; remove or rename it" not in result.output
    user_error(invoke("run", "tiny", "--set", "rn.courant=0.5", "-o", tmp_path / "x.nc"), "did you mean 'run'")


def test_set_with_an_unknown_key_blames_the_option(tmp_path):
    result = invoke("run", "tiny", "--set", "run.foo=1", "-o", tmp_path / "x.nc")
    user_error(result, "--set run.foo=1", "no key 'run.foo'")
    assert not (tmp_path / "x.nc").exists()


def test_set_past_a_value_or_on_an_array_of_tables_says_what_to_write(tmp_path):
    # these said only "'reaches' is not a table" and "'run.courant' is not a table"
    result = invoke("run", "tiny", "--set", "reaches.length_km=3", "-o", tmp_path / "x.nc")
    user_error(result, "--set reaches.length_km=3", "'reaches' is an array of tables",
               "e.g. 'reaches.north_upper.length_km'", "north_lower")
    result = invoke("run", "tiny", "--set", "run.courant.x.y=1", "-o", tmp_path / "x.nc")
    user_error(result, "'run.courant' is a value, not a table", "the path of the value itself, 'run.courant'")
    result = invoke("run", "tiny", "--set", "reaches.nowhere.length_km=3", "-o", tmp_path / "x.nc")
    user_error(result, "no table 'reaches.nowhere'", "the tables of 'reaches' are named: north_upper")
    assert not (tmp_path / "x.nc").exists()


def test_a_bad_path_in_a_params_file_names_the_file_not_set(tmp_path):
    # was "--set run.courantt=0.5: no key ..." though no --set was given
    params = write_params(tmp_path / "best_params.toml", "basin", ROOT / "configs" / "examples" / "tiny" / "basin.toml",
                          ["run.courantt=0.5"])
    result = invoke("run", "tiny", "--params", params, "-o", tmp_path / "x.nc")
    user_error(result, "best_params.toml (--params): key 'overrides', 'run.courantt=0.5'", "no key 'run.courantt'")
    assert "--set" not in result.output
    result = invoke("run", "tiny", "--params", params, "--set", "run.courant=-1", "-o", tmp_path / "x.nc")
    user_error(result, "best_params.toml (--params)")
    params = write_params(tmp_path / "best_params.toml", "basin", ROOT / "configs" / "examples" / "tiny" / "basin.toml",
                          ["run.courant=0.5"])
    user_error(invoke("run", "tiny", "--params", params, "--set", "run.courantt=1", "-o", tmp_path / "x.nc"),
               "--set run.courantt=1: no key 'run.courantt'")
    assert not (tmp_path / "x.nc").exists()



def test_each_kind_of_bad_assignment_in_a_params_file_names_the_file(tmp_path):
    # load_basin took set_error's "--set TEXT: ..." and cut the prefix off again; set_error now
    # names the assignment as told, in each of its wordings (no table, a path past an array of
    # tables, no key)
    tiny = ROOT / "configs" / "examples" / "tiny" / "basin.toml"
    for text, said in (("foo.bar=1", "a basin file has no top-level table 'foo'"),
                       ("reaches.length_km=3", "'reaches' is an array of tables"),
                       ("run.courantt=0.5", "no key 'run.courantt'")):
        params = write_params(tmp_path / "best_params.toml", "basin", tiny, [text])
        result = invoke("run", "tiny", "--params", params, "-o", tmp_path / "x.nc")
        user_error(result, f"best_params.toml (--params): key 'overrides', '{text}': {said}")
        assert "--set" not in result.output, result.output
        user_error(invoke("run", "tiny", "--set", text, "-o", tmp_path / "x.nc"), f"--set {text}: {said}")

def test_catchment_parameters_on_a_basin_say_so(tmp_path):
    params = write_params(tmp_path / "best_params.toml", "catchment", LEGUER, ["gr4j.x1_mm=320.0"])
    result = invoke("run", "tiny", "--params", params, "-o", tmp_path / "x.nc")
    user_error(result, "parameters of a catchment model", f"hydro run {LEGUER} --params")
    assert "key 'gr4j'" not in result.output


def test_run_a_catchment_with_calibrated_parameters(tmp_path):
    params = write_params(tmp_path / "best_params.toml", "catchment", LEGUER,
                          ["gr4j.x1_mm=320.3", "gr4j.x2_mm_per_day=2.42", "gr4j.x3_mm=69.5",
                           "gr4j.x4_days=1.39"])
    out = tmp_path / "leguer.nc"
    result = invoke("run", LEGUER, "--params", params, "-o", out, "--start", "1992-01-01")
    assert result.exit_code == 0, result.output
    assert "x1_mm=320.3" in result.output and "NSE" in result.output
    import xarray as xr

    with xr.open_dataset(out) as ds:
        assert ds["gauge_discharge"].attrs["units"] == "m3 s-1"
        assert str(ds["time"].values[0])[:10] == "1992-01-01"
        assert float(ds["gauge_observed_discharge"].mean()) > 0
    user_error(invoke("run", LEGUER, "--set", "gr4j.x9=1", "-o", tmp_path / "y.nc"), "gr4j.x9",
               "did you mean", "gr4j.x4_days")


def test_compile_notice_only_when_the_cache_is_cold(tmp_path):
    code = "from hydro.clitools import kernels_cold; print(kernels_cold())"
    env = dict(os.environ, NUMBA_CACHE_DIR=str(tmp_path / "numba-cache"))
    cold = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert cold.stdout.strip() == "True"
    invoke("run", "tiny", "-o", tmp_path / "t.nc", "-q", "--end", "2020-01-10")  # warms this process's cache
    env = {k: v for k, v in os.environ.items() if k != "NUMBA_CACHE_DIR"}
    code = ("from hydro.clitools import FLOW_DRIVEN_MODULES, kernels_cold; "
            "print(kernels_cold(FLOW_DRIVEN_MODULES))")
    warm = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert warm.stdout.strip() == "False"


def test_progress_estimates_time_left_without_the_start_up(monkeypatch):
    import io

    from hydro import progress as progress_module

    now = [0.0]
    monkeypatch.setattr(progress_module.time, "perf_counter", lambda: now[0])
    stream = io.StringIO()
    p = progress_module.Progress(100, "evaluations", stream=stream)
    now[0] = 20.0  # start-up: kernels compiling, workers starting
    p.update()
    assert "left ~?" in p.line()  # one step says nothing about the rate
    now[0] = 21.0
    p.update(10)  # 10 steps a second since the first one
    assert "10.0/s" in p.line() and "left ~0:09" in p.line()


def test_partial_years_are_labelled_and_not_annual_means():
    from datetime import date, timedelta

    import numpy as np

    from hydro.dates import partial_years
    from hydro.scenarios.summary import annual_stats

    dates = [date(2013, 3, 1) + timedelta(days=i) for i in range((date(2017, 2, 28) - date(2013, 3, 1)).days + 1)]
    assert partial_years(dates) == {2013: "Mar-Dec only", 2017: "Jan-Feb only"}
    assert partial_years(dates[4:-3]) == {2013: "5 Mar-31 Dec only", 2017: "1 Jan-25 Feb only"}
    years, mean, high = annual_stats(dates, np.ones((len(dates), 1)), complete_only=True)
    assert list(years) == [2014, 2015, 2016] and mean.shape == high.shape == (3, 1)


def test_scenario_summary_names_the_year_of_each_figure():
    from hydro.scenarios.summary import format_summary

    def row(q, year, value, loc="gate", source=""):
        return {"scenario": "baseline", "quantity": q, "location": loc, "source": source, "year": year,
                "value": value, "unit": "mg L-1"}

    rows = [row("tn_annual_mean", 2014, 3.0), row("tn_max_monthly_mean", 2014, 9.5),
            row("tn_annual_mean", 2016, 2.9), row("tn_max_monthly_mean", 2016, 3.4),
            row("tn_partial_year_mean", 2017, 4.7, source="Jan-Feb only"),
            row("tn_partial_year_max_monthly_mean", 2017, 4.9, source="Jan-Feb only"),
            row("first_year_met", "all", float("nan"), source="t1")]
    text = format_summary(rows)
    assert "TN 2016 annual mean  2.900 mg/L, highest monthly mean  3.400 mg/L\n" in text  # (means over days)
    assert "2017" not in text and "9.5" not in text
    assert "never (in no complete calendar year)" in text
    only_partial = [r for r in rows if "partial" in r["quantity"] or r["quantity"] == "first_year_met"]
    text = format_summary(only_partial)
    assert "TN 2017 (Jan-Feb only) mean" in text and "no complete calendar year" in text


def test_compensation_plot_of_a_tn_simulation_skips_what_it_lacks(tmp_path):
    # a results file written with TN only (the basin carries four parameters; --variables keeps one)
    out = tmp_path / "g.nc"
    assert invoke("run", "guanting", "--synthetic-weather", "5", "--start", "2023-01-01", "--end",
                  "2023-12-31", "-o", out, "-q", "--variables",
                  "section_discharge,section_tn_concentration,section_tn_load,reservoir_inflow,"
                  "reservoir_natural_inflow,reservoir_tn_concentration").exit_code == 0
    agreement = ROOT / "configs" / "agreements" / "guanting_yongding_2023.toml"
    user_error(invoke("plot", out, "compensation", "--agreement", agreement, "-o", tmp_path / "p.png"),
               "codmn")
    result = invoke("plot", out, "compensation", "--agreement", agreement, "--skip-unavailable",
                    "-o", tmp_path / "p.png")
    assert result.exit_code == 0, result.output
    assert "skipped:" in result.stderr and (tmp_path / "p.png").is_file()
    user_error(invoke("plot", out, "trajectory", "--skip-unavailable", "-o", tmp_path / "t.png"),
               "takes no --skip-unavailable")
