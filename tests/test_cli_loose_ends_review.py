"""Loose ends of `hydro gep`, `hydro calibrate --resume` and `hydro scenarios` (review, 2026-12-01).

GEP and the run's overrides: ``hydro run guanting --set withdrawals.<id>.flow_m3_s=...`` records
its overrides only in ``history`` and ``config_sha256``; ``hydro gep`` read the withdrawal
requests from the basin file as shipped, so the run's channel loss on the Yangyuan reach was
counted as abstracted up to the shipped 1.046 m3/s irrigation request (April-May 2005:
8.74e6 m3 abstracted instead of 7.60e6, conservation 1.69e7 m3 instead of 1.80e7).
"""

from __future__ import annotations

import os

import numpy as np
import pytest
from cli_invoke import invoke

from hydro.errors import HydroError

NO_IRRIGATION = "withdrawals.yangyuan_sanggan_irrigation.flow_m3_s=[0,0,0,0,0,0,0,0,0,0,0,0]"
PERIOD = ("--start", "2005-04-01", "--end", "2005-05-31")   # April-May: Xuanhua asks 1.442 m3/s


@pytest.fixture(scope="module")
def guanting_runs(tmp_path_factory):
    """Guanting, April-May 2005: with the Yangyuan irrigation switched off by --set and by --params."""
    folder = tmp_path_factory.mktemp("gep_overrides")
    (folder / "p.toml").write_text(f'overrides = ["{NO_IRRIGATION}"]\n')
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(folder)
        for name, extra in (("set.nc", ("--set", NO_IRRIGATION)), ("params.nc", ("--params", "p.toml"))):
            r = invoke("run", "guanting", *PERIOD, "-o", name, "-q", *extra)
            assert r.exit_code == 0, r.output
    return folder


def _abstracted_by_hand(path) -> float:
    """What the run abstracted for use, m3: only Xuanhua's supply (the Yangyuan irrigation is
    off, so that reach loses only to its bed); capped at its 1.442 m3/s request."""
    from hydro.results import load_results

    res = load_results(path)
    w = np.asarray(res["reach_withdrawal"], dtype=float)
    j = list(res.coords["reach"]).index("yang_xuanhua")
    return float(np.minimum(w[:, j], 1.442).sum() * 86400.0)


@pytest.mark.parametrize("name", ["set.nc", "params.nc"])
def test_gep_reads_the_basin_with_the_runs_overrides(guanting_runs, monkeypatch, name):
    from hydro.gep import gep
    from hydro.results import load_results

    monkeypatch.chdir(guanting_runs)   # --params p.toml is read from where the run was made
    rows = gep(load_results(name), where=name)
    got = sum(r["water_abstracted_m3"] for r in rows)
    # the same float64 withdrawals summed in another order: round-off only
    assert got == pytest.approx(_abstracted_by_hand(name), rel=1e-9)   # before: 8.74e6 against 7.60e6


def test_gep_refuses_a_basin_that_is_not_the_runs(guanting_runs, monkeypatch):
    """A basin file edited since the run (here: the recorded hash changed) is not the run's basin."""
    import shutil

    import netCDF4

    monkeypatch.chdir(guanting_runs)
    shutil.copy("set.nc", "edited.nc")
    with netCDF4.Dataset("edited.nc", "a") as nc:
        nc.setncattr("config_sha256", "0" * 64)
    r = invoke("gep", "edited.nc")
    assert r.exit_code == 2, r.output
    assert "Traceback" not in r.output
    assert "edited.nc" in r.output and "config_sha256 000000000000" in r.output and NO_IRRIGATION in r.output


def test_gep_names_a_params_file_it_cannot_read(guanting_runs, monkeypatch, tmp_path):
    # since 2026-12-05 the run records the file's assignments (params_overrides, review F2): GEP rebuilds
    # its basin from them in any folder; a file written before, without them, is still refused by name
    monkeypatch.chdir(tmp_path)
    r = invoke("gep", guanting_runs / "params.nc")
    assert r.exit_code == 0, r.output
    import shutil

    import netCDF4

    older = shutil.copy(guanting_runs / "params.nc", tmp_path / "older.nc")
    with netCDF4.Dataset(older, "a") as ds:
        ds.delncattr("params_overrides")
    r = invoke("gep", older)
    assert r.exit_code == 2, r.output
    assert "--params p.toml" in r.output and "folder the run was made in" in r.output


def test_results_without_a_recorded_configuration_read_the_shipped_basin():
    # no config_sha256, no history: the basin they name, as before (test_gep_review's Guanting case)
    from hydro.gep_inputs import run_overrides

    assert run_overrides({"basin": "guanting"}) == []
    assert run_overrides({"history": "hydro run guanting --set 'a.b=1' --set c=2"}) == ["a.b=1", "c=2"]
    assert run_overrides({"history": "hydro scenarios miyun s.toml"}) == []
    with pytest.raises(HydroError, match="cannot be read here"):
        run_overrides({"history": "hydro run guanting --params /nonexistent/p.toml"}, "x.nc")


# -- hydro calibrate --resume and the folder it runs in ---------------------------------------
# A basin calibration names a shipped basin ([model] path = "miyun").  The name was looked up
# beside the configuration and then in the folder the command ran in, so the output folder of
# `hydro calibrate cal.toml -o miyun` hid the shipped basin: the run worked, its --resume (from
# that folder, or from anywhere with absolute paths) failed with "miyun: no basin.toml in this
# folder"; and a basin folder of that name where the command ran silently replaced the shipped one.

def _small_miyun_calibration(folder):
    from hydro.basin import ROOT

    text = (ROOT / "configs" / "calibration" / "miyun_water.toml").read_text(encoding="utf-8")
    lines = ["max_evaluations = 12" if line.startswith("max_evaluations") else
             "popsize = 2" if line.startswith("popsize") else line for line in text.splitlines()]
    cfg = folder / "cal.toml"
    cfg.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return cfg


def test_calibrate_resume_beside_an_output_folder_named_as_the_basin(tmp_path, monkeypatch):
    import json

    cfg = _small_miyun_calibration(tmp_path)
    monkeypatch.chdir(tmp_path)
    r = invoke("calibrate", "cal.toml", "-o", "miyun", "-q")
    assert r.exit_code == 0, r.output
    log = tmp_path / "miyun" / "evaluations.jsonl"
    log.write_text("".join(log.read_text().splitlines(keepends=True)[:4]))   # interrupted after 4
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    r = invoke("calibrate", cfg, "-o", tmp_path / "miyun", "--resume", "-q")   # absolute paths
    assert r.exit_code == 0, r.output
    assert json.loads((tmp_path / "miyun" / "summary.json").read_text())["resumed"] == 4
    monkeypatch.chdir(tmp_path)
    r = invoke("calibrate", "cal.toml", "-o", "miyun", "--resume", "-q")   # relative, where it started
    assert r.exit_code == 0, r.output


def test_a_shipped_basin_name_does_not_depend_on_the_working_folder(tmp_path, monkeypatch):
    from hydro.basin import resolve_basin
    from hydro.calibration.config import CalibrationConfig

    cfg = _small_miyun_calibration(tmp_path)
    (tmp_path / "miyun").mkdir()   # beside the configuration, not a basin
    (tmp_path / "run" / "miyun").mkdir(parents=True)
    (tmp_path / "run" / "miyun" / "basin.toml").write_text("# someone else's basin\n")
    monkeypatch.chdir(tmp_path / "run")
    assert CalibrationConfig.from_toml(cfg).model == resolve_basin("guanting").parent.parent / "miyun" / "basin.toml"
    (tmp_path / "cal.toml").write_text(cfg.read_text().replace('path = "miyun"', 'path = "miyn"'))
    with pytest.raises(HydroError, match=r"cal.toml: key 'model.path': 'miyn' is neither a basin file"
                                         r".*did you mean 'miyun'"):
        CalibrationConfig.from_toml(tmp_path / "cal.toml")


# -- --members 0 --------------------------------------------------------------------------------
# `hydro run --members 0` was refused (exit 2); `hydro scenarios --members 0` ran the scenarios
# without an ensemble and exited 0 (its default was 0).  One type, one message.

@pytest.mark.parametrize("n", ["0", "-2"])
def test_members_below_one_is_refused_alike_by_run_and_scenarios(tmp_path, n):
    from hydro.basin import ROOT

    out = tmp_path / "z.nc"
    runs = {"scenarios": invoke("scenarios", "watershed", ROOT / "configs" / "scenarios" / "watershed.toml",
                                "--members", n, "-o", out, "-q"),   # before: 0 ran, exit 0
            "run": invoke("run", "watershed", "--members", n, "-o", out, "-q")}
    for command, r in runs.items():
        assert r.exit_code == 2, (command, r.output)
        assert f"Invalid value for '--members': {n}: an ensemble needs at least 1 member; leave --members out" \
            in r.output, (command, r.output)
        assert "Traceback" not in r.output
    assert not out.exists() and not out.with_suffix(".summary.csv").exists()


# -- hydro gep on a weather ensemble -------------------------------------------------------------
# A `hydro run --members` file with the subbasin water balance and budgets (--variables) was a
# ValueError traceback (the member axis taken for the scenario axis, one scenario named); without
# them, "written with hydro run --variables?".

def test_gep_refuses_a_weather_ensemble_with_a_message(tmp_path):
    out = tmp_path / "ens.nc"
    r = invoke("run", "watershed", "--members", 2, "--workers", 1, "--start", "2001-01-01", "--end", "2001-03-31",
               "-o", out, "-q", "--variables",
               "subbasin_precipitation,subbasin_quickflow,subbasin_aet,subbasin_runoff,tn_budget_reach,tn_budget_reservoir")
    assert r.exit_code == 0, r.output
    r = invoke("gep", out)
    assert r.exit_code == 2 and "Traceback" not in r.output, r.output
    assert "ens.nc: a weather ensemble" in r.output and "--synthetic-weather SEED" in r.output


# -- hydro compensate on a scenarios file without --scenario ---------------------------------------
# "the file holds 5 scenarios (...); choose one by name or index" named no option.

def test_compensate_on_a_scenarios_file_names_the_options(tmp_path):
    from hydro.basin import ROOT

    out = tmp_path / "s.nc"
    r = invoke("scenarios", "watershed", ROOT / "configs" / "scenarios" / "watershed.toml", "--start", "2001-01-01",
               "--end", "2001-12-31", "-o", out, "-q", "--workers", 1)
    assert r.exit_code == 0, r.output
    r = invoke("compensate", out, ROOT / "configs" / "agreements" / "guanting_yongding_2023.toml")
    assert r.exit_code == 2 and "Traceback" not in r.output, r.output
    assert "s.nc: the file holds" in r.output and "--scenario NAME" in r.output and "--scenarios FILE" in r.output


# -- --seed without --members ------------------------------------------------------------------------
# `hydro run BASIN --seed 3` and `hydro scenarios BASIN S.toml --seed 3` ran on the recorded weather
# and said nothing: the seed seeds an ensemble's members, and there were none.

def test_seed_without_members_is_refused_by_run_and_scenarios(tmp_path):
    from hydro.basin import ROOT

    out = tmp_path / "z.nc"
    for args in (["run", "watershed", "--seed", 3, "-o", out, "-q"],
                 ["run", "watershed", "--synthetic-weather", 4, "--seed", 3, "-o", out, "-q"],
                 ["scenarios", "watershed", ROOT / "configs" / "scenarios" / "watershed.toml", "--seed", 3,
                  "-o", out, "-q"]):
        r = invoke(*args)
        assert r.exit_code == 2 and "Traceback" not in r.output, (args, r.output)
        assert "--seed seeds the weather of an ensemble's members, and there is none: add --members N" in r.output
    assert not out.exists()


# -- hydro gep --partial-years omit on a run of partial years only ---------------------------------------
# printed the header of an empty table, exit 0, and nothing else.

def test_gep_says_why_omitting_partial_years_leaves_no_rows(tmp_path):
    out = tmp_path / "w.nc"
    r = invoke("run", "watershed", "--start", "2001-01-01", "--end", "2001-03-31", "-o", out, "-q")
    assert r.exit_code == 0, r.output
    r = invoke("gep", out, "--partial-years", "omit")
    assert r.exit_code == 0 and "Traceback" not in r.output, r.output
    assert "every year the run covers (2001) is partial" in r.output and "--partial-years label" in r.output


# -- hydro gep on a file written without reach_withdrawal ------------------------------------------------
# `hydro run guanting --variables <the water balance and budgets>` then `hydro gep`: no water counted
# as abstracted, conservation 2.56e7 m3 instead of 1.25e7 (April-May 2005), with no word.

def test_gep_refuses_a_file_without_the_withdrawals_of_a_basin_that_has_them(tmp_path):
    out = tmp_path / "v.nc"
    r = invoke("run", "guanting", *PERIOD, "-o", out, "-q", "--variables",
               "subbasin_precipitation,subbasin_quickflow,subbasin_aet,subbasin_runoff,tn_budget_reach,"
               "tn_budget_reservoir,discharge,tn_load,reservoir_storage,reservoir_tn_concentration")
    assert r.exit_code == 0, r.output
    r = invoke("gep", out)
    assert r.exit_code == 2 and "Traceback" not in r.output, r.output
    assert "v.nc: basin 'guanting' takes water from its rivers" in r.output and "reach_withdrawal" in r.output


# -- hydro gep on a file written without the concentrations ------------------------------------------------
# Without tn_load/discharge and the reservoirs' concentration and storage, every removal counted as
# purified (no capacity limit): 877.7 t of N instead of 167.1 (Guanting, April-May 2005), with no word.

def test_gep_refuses_a_file_without_the_concentrations_its_capacity_needs(tmp_path):
    out = tmp_path / "c.nc"
    r = invoke("run", "guanting", *PERIOD, "-o", out, "-q", "--variables",
               "subbasin_precipitation,subbasin_quickflow,subbasin_aet,subbasin_runoff,tn_budget_reach,"
               "tn_budget_reservoir,reach_withdrawal")
    assert r.exit_code == 0, r.output
    r = invoke("gep", out)
    assert r.exit_code == 2 and "Traceback" not in r.output, r.output
    assert "c.nc: GEP counts a removal as purification up to each water body's capacity" in r.output
    assert "discharge, reservoir_storage, reservoir_tn_concentration, tn_load" in r.output


# -- hydro compensate: options that did nothing ------------------------------------------------------------
# `--scenarios FILE A --scenario S` printed every scenario (S ignored); `--scenario-file` without
# `--scenarios` was ignored.

def test_compensate_refuses_options_it_would_ignore(tmp_path):
    from hydro.basin import ROOT

    agreement = ROOT / "configs" / "agreements" / "guanting_yongding_2023.toml"
    scen = ROOT / "configs" / "scenarios" / "watershed.toml"
    nc = tmp_path / "none.nc"   # refused before it is read
    r = invoke("compensate", "--scenarios", nc, agreement, "--scenario", "baseline")
    assert r.exit_code == 2 and "--scenarios gives every scenario's incentives; --scenario S evaluates one" in r.output
    r = invoke("compensate", nc, agreement, "--scenario-file", scen)
    assert r.exit_code == 2 and "--scenario-file goes with --scenarios" in r.output


# -- the line hydro calibrate prints when interrupted ------------------------------------------------------
# "continue with: hydro calibrate my runs/cal.toml -o my runs/out --resume" could not be pasted back.

def test_calibrate_interrupted_prints_a_resume_command_that_pastes(tmp_path, monkeypatch):
    import shlex

    from hydro.calibration import runner

    folder = tmp_path / "my runs"
    folder.mkdir()
    cfg = _small_miyun_calibration(folder)

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(runner, "calibrate", interrupted)
    r = invoke("calibrate", cfg, "-o", folder / "out")
    assert r.exit_code == 130, r.output
    line = r.output.split("continue with: ")[1].strip()
    assert shlex.split(line) == ["hydro", "calibrate", str(cfg), "-o", str(folder / "out"), "--resume"]


# -- a prices file whose schedule starts after the run --------------------------------------------------------
# `hydro gep RUN.nc --prices p.toml` with [water_purification.by_year] "2020" = 1 on a 2005 run was a
# ValueError traceback ("no price for 2005: the schedule starts in 2020").

def test_gep_names_a_prices_file_that_has_no_price_for_a_year(tmp_path):
    from hydro.gep import GepPrices, gep
    from tests.test_gep import tiny

    f = tmp_path / "p.toml"
    f.write_text('[water_purification.by_year]\n"2020" = 1.0\n')
    with pytest.raises(HydroError, match=r"p.toml: no price for 2001: its by_year schedule starts in 2020; "
                                         r"give a price from the first year valued on \(e.g. \"2001\" = \.\.\.\)"):
        gep(tiny(), GepPrices.from_toml(f))


# -- the basin the results name, and a folder of that name -------------------------------------------------
# `hydro gep guanting/run.nc` run beside an output folder `guanting/` took the folder for the
# basin the results name ("guanting: no basin.toml in this folder"), fell back to counting every
# withdrawal as abstracted, and said so only in the CSV's notes: conservation 1.79e6 m3 instead
# of 1.25e7 (Guanting, April-May 2005).

def test_gep_takes_the_shipped_basin_the_results_name_not_a_folder_here(guanting_runs, tmp_path, monkeypatch):
    import shutil

    from hydro.gep import gep
    from hydro.results import load_results

    (tmp_path / "guanting").mkdir()
    shutil.copy(guanting_runs / "set.nc", tmp_path / "guanting" / "run.nc")
    monkeypatch.chdir(tmp_path)
    rows = gep(load_results("guanting/run.nc"), where="guanting/run.nc")
    assert not any("every river withdrawal counted as abstracted" in r["note"] for r in rows)
    # the same float64 withdrawals summed in another order: round-off only
    assert sum(r["water_abstracted_m3"] for r in rows) == pytest.approx(_abstracted_by_hand("guanting/run.nc"),
                                                                        rel=1e-9)


# -- the terminal table and the withdrawals counted whole ----------------------------------------------------
# When the requests could not be read, every withdrawal counted as abstracted: only the CSV's notes
# said so; the printed table (all most users see) did not.

def test_the_table_warns_when_every_withdrawal_counts_as_abstracted():
    from hydro.gep import format_table, gep
    from tests.test_gep_review import with_withdrawal

    text = format_table(gep(with_withdrawal(0.05)))
    assert "warning: every river withdrawal counted as abstracted (these results name no basin)" in text
    assert text.count("warning: every river withdrawal") == 1   # once, not once per row


# -- hydro scenarios' default output name --------------------------------------------------------------------
# `hydro scenarios path/to/basin.toml S.toml` wrote basin.toml_scenarios.nc (the name of the path given).

def test_scenarios_default_output_is_named_after_the_basin(tmp_path, monkeypatch):
    from hydro.basin import ROOT

    monkeypatch.chdir(tmp_path)
    r = invoke("scenarios", ROOT / "configs" / "examples" / "watershed" / "basin.toml",
               ROOT / "configs" / "scenarios" / "watershed.toml", "--start", "2001-01-01", "--end", "2001-03-31",
               "-q", "--workers", 1)
    assert r.exit_code == 0, r.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["watershed_scenarios.nc", "watershed_scenarios.summary.csv"]


# -- an output folder that cannot be created -----------------------------------------------------------------
# `hydro calibrate cal.toml -o /proc/x` as root: the folder checks pass (/proc is "writable"), and the
# mkdir was a FileNotFoundError traceback.

@pytest.mark.skipif(not (os.path.isdir("/proc") and os.access("/proc", os.W_OK)),
                    reason="needs /proc that os.access calls writable (root on Linux)")
def test_calibrate_names_an_output_folder_it_cannot_create(tmp_path):
    from hydro.basin import ROOT

    text = (ROOT / "configs" / "calibration" / "leguer.toml").read_text(encoding="utf-8")
    cfg = tmp_path / "cal.toml"
    cfg.write_text(text.replace('path = "../../validation', f'path = "{ROOT}/validation'), encoding="utf-8")
    r = invoke("calibrate", cfg, "-o", "/proc/hydro-review-x", "-q")
    assert r.exit_code == 2 and "Traceback" not in r.output, r.output
    assert "/proc/hydro-review-x: cannot create the output folder" in r.output


def test_gep_says_when_the_runs_overrides_no_longer_apply(guanting_runs, monkeypatch, tmp_path):
    """A --set naming a withdrawal the basin file no longer has: said as the run's, not as a bare --set error."""
    import shutil

    import netCDF4

    shutil.copy(guanting_runs / "set.nc", tmp_path / "old.nc")
    with netCDF4.Dataset(tmp_path / "old.nc", "a") as nc:
        nc.setncattr("history", nc.getncattr("history").replace("yangyuan_sanggan_irrigation", "renamed"))
    r = invoke("gep", tmp_path / "old.nc")
    assert r.exit_code == 2 and "Traceback" not in r.output, r.output
    assert "old.nc: the run's overrides (withdrawals.renamed.flow_m3_s=" in r.output
    assert "its file changed since the run" in r.output
