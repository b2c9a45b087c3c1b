"""What an outside modeller's review of calibration (2026-12-05) found, each pinned: parameters of
a flow-driven basin that change nothing, a resume with another configuration, an unreachable GLUE
threshold, the convergence note's advice (the monthly-observation finding is in
tests/test_calibration.py)."""

from __future__ import annotations

import numpy as np
import pytest
from cli_invoke import invoke, user_error

import hydro
from hydro.errors import HydroError


@pytest.mark.parametrize("setting", ["runoff.x1_mm=-5", "runoff.bogus=1", "weather.lapse_c_per_km=5"])
def test_runoff_or_weather_keys_on_a_flow_driven_basin_are_refused(tmp_path, setting):
    """'tiny' takes its flows from [forcing]: such a key was accepted, changed nothing, and was
    even calibrated (a 'best' x1 with no effect on any output)."""
    user_error(invoke("run", "tiny", "--set", setting, "-o", tmp_path / "t.nc"),
               f"key '{setting.split('=')[0]}'", "a flow-driven basin (no [[subbasins]])", "change nothing")
    assert not (tmp_path / "t.nc").exists()


def test_the_python_model_refuses_them_too():
    with pytest.raises(HydroError, match=r"key 'runoff.x1_mm': a flow-driven basin"):
        hydro.Model.from_basin("tiny").with_parameters({"runoff.x1_mm": 500.0})


def _fake_summary(monkeypatch, tmp_path, **extra):
    """`hydro calibrate`'s output for a stored summary, without a search (as test_calibration's note test)."""
    from types import SimpleNamespace

    import hydro.calibration.config as config_module
    import hydro.calibration.runner as runner_module

    summary = {"evaluations": 30, "evaluated_now": 30, "resumed": 0, "failed": 0, "seconds": 1.0,
               "executor": "serial", "workers": 1, "de_converged": False, "de_generations": 2,
               "de_message": "Maximum number of iterations has been exceeded.", **extra}
    monkeypatch.setattr(config_module.CalibrationConfig, "from_toml", classmethod(lambda cls, p: SimpleNamespace()))
    monkeypatch.setattr(runner_module, "calibrate", lambda *a, **k: SimpleNamespace(summary=summary, best=None))
    cfg = tmp_path / "c.toml"
    cfg.write_text("")
    return invoke("calibrate", cfg, "-o", tmp_path / "out").output


def test_the_convergence_note_does_not_ask_for_tol_above_0_when_it_is(monkeypatch, tmp_path):
    assert "raise tol (now 0.5) to stop sooner" in _fake_summary(monkeypatch, tmp_path, de_tol=0.5)
    assert "set tol > 0 to stop" in _fake_summary(monkeypatch, tmp_path, de_tol=0.0)
    assert "set tol > 0 to stop" in _fake_summary(monkeypatch, tmp_path)  # a summary of before 2026-12-05


def test_a_glue_threshold_above_1_is_refused_before_any_run(tmp_path):
    """A GLUE score is 1 - loss, at most 1: a threshold of 1.5 ran the whole batch for no set."""
    from test_calibration import _catchment, _config

    from hydro.calibration.config import CalibrationConfig

    _catchment(tmp_path)
    with pytest.raises(HydroError, match=r"threshold"):
        CalibrationConfig.from_toml(_config(tmp_path, method="glue", budget=20, extra="threshold = 1.5"))


def test_resume_with_another_configuration_names_the_one_the_run_was_made_with(tmp_path):
    from test_calibration import _catchment, _config

    _catchment(tmp_path)
    first = _config(tmp_path, budget=60)
    out = tmp_path / "out"
    assert invoke("calibrate", first, "--workers", "1", "-q", "-o", out).exit_code == 0
    other = tmp_path / "other.toml"
    other.write_text(first.read_text().replace("seed = 3", "seed = 4"))
    user_error(invoke("calibrate", other, "--workers", "1", "-q", "-o", out, "--resume"),
               f"holds a run of {first}", f"{other} differs from it")


@pytest.mark.parametrize("fixed", ["gr4j.x1_mm=5000", "gr4j.x1_mm = 5000"])  # (spaces: the override reader takes them)
def test_a_fixed_override_on_a_calibrated_path_is_refused(tmp_path, fixed):
    """The fixed value was silently replaced by the parameter's in every evaluation (best_params.toml
    listed both)."""
    from test_calibration import _catchment, _config

    from hydro.calibration.config import CalibrationConfig

    _catchment(tmp_path)
    path = _config(tmp_path, budget=60)
    path.write_text(path.read_text().replace('overrides = ["gr4j.x2_mm_per_day=0.0"]',
                                             f'overrides = ["gr4j.x2_mm_per_day=0.0", "{fixed}"]'))
    with pytest.raises(HydroError, match=rf"'{fixed}' fixes 'gr4j.x1_mm', which parameter 'x1' calibrates"):
        CalibrationConfig.from_toml(path)


def test_parameters_of_an_interrupted_search_say_so_when_run(tmp_path):
    """best_params.toml of a stopped search looked like a finished one's (only summary.json said it)."""
    params = tmp_path / "best_params.toml"
    params.write_text('model = "basin"\ntarget = "tiny"\nloss = 0.1\ninterrupted = "12 evaluations done"\n'
                      'overrides = ["run.courant=0.8"]\n')
    result = invoke("run", "tiny", "--params", params, "-o", tmp_path / "t.nc")
    assert result.exit_code == 0, result.output
    assert "is the best of a search that was interrupted (12 evaluations done)" in result.output


def test_flow_sources_parameters_are_refused_by_hydro_run_with_why(tmp_path):
    params = tmp_path / "best_params.toml"
    params.write_text('model = "flow_sources"\ntarget = "model.toml"\nloss = 0.1\n'
                      'overrides = ["baseflow.alpha=0.9"]\n')
    user_error(invoke("run", "tiny", "--params", params, "-o", tmp_path / "t.nc"),
               "parameters of a flow_sources model", "hydro run does not run")


def test_write_params_marks_an_interrupted_search(tmp_path):
    from types import SimpleNamespace

    from hydro.calibration import read_params
    from hydro.calibration.runner import write_params
    from hydro.tomlio import load_toml

    problem = SimpleNamespace(config=SimpleNamespace(overrides=(), path=tmp_path / "c.toml", kind="basin",
                                                     model=tmp_path / "basin.toml"),
                              assignments=lambda z: {"run.courant": float(z[0])})
    record = {"z": [0.8], "loss": 0.5, "params": {"c": 0.8}}
    path = write_params(tmp_path / "p.toml", problem, record, "7 evaluations done")
    assert load_toml(path)["interrupted"] == "7 evaluations done"
    assert read_params(path) == ["run.courant=0.8"]
    assert "interrupted" not in load_toml(write_params(tmp_path / "q.toml", problem, record))


def _miyun_quality_config(tmp_path, variables=("nh3n_concentration", "tp_load")):
    lines = ["date,value"] + [f"2013-0{m}-15,1.0" for m in (4, 5, 6, 7, 8, 9)]
    (tmp_path / "obs.csv").write_text("\n".join(lines) + "\n")
    text = ('[model]\nkind = "basin"\npath = "miyun"\n\n[periods]\nwarmup_start = 2013-03-01\n'
            'calibration = [2013-04-01, 2013-09-30]\n\n[[parameters]]\nname = "k"\n'
            'paths = ["constituents.tn.species.nh3n.river_removal_per_day"]\nlower = 0.05\nupper = 0.5\n')
    for k, v in enumerate(variables):
        text += (f'\n[[observations]]\nname = "o{k}"\nvariable = "{v}"\nat = "gubeikou"\ncsv = "obs.csv"\n'
                 f'\n[[objectives]]\nobservation = "o{k}"\nmetric = "rsr"\n')  # rmse: refused (mixed units)
    text += '\n[method]\nname = "glue"\nseed = 1\nmax_evaluations = 4\n'
    path = tmp_path / "cal.toml"
    path.write_text(text)
    return path


def test_a_basin_calibrates_against_any_constituent_or_species_it_carries(tmp_path):
    """NH3-N, TP and CODMn could not be observed (only discharge, TN and reservoir variables): a species'
    concentration or a constituent's load at a section is now an observation, scored on the same series
    a run writes (section_nh3n_concentration, section_tp_load)."""
    from hydro.calibration import CalibrationConfig, Problem

    problem = Problem(CalibrationConfig.from_toml(_miyun_quality_config(tmp_path)))
    problem.prepare()
    z = problem.midpoint()
    sim = problem.simulate(z)
    k = problem.values(z)[0]
    changed = hydro.Model.from_basin("miyun").with_parameters({"constituents.tn.species.nh3n.river_removal_per_day": k})
    res = changed.run("2013-03-01", "2013-09-30")
    for name, variable in (("o0", "section_nh3n_concentration"), ("o1", "section_tp_load")):
        expected = np.asarray(res[variable].sel(section="gubeikou"))
        # the same model on the same days: equal to round-off of the apportionment's sum (1e-9 relative)
        np.testing.assert_allclose(sim[name], expected, rtol=1e-9)


def test_an_observed_species_the_basin_lacks_is_an_error_naming_what_it_carries(tmp_path):
    from hydro.calibration import CalibrationConfig, Problem

    problem = Problem(CalibrationConfig.from_toml(_miyun_quality_config(tmp_path, ("no2n_concentration",))))
    with pytest.raises(HydroError, match=r"observation 'o0': .*carries no 'no2n'.*it carries .*nh3n"):
        problem.prepare()


def test_the_progress_bar_counts_planned_evaluations_that_needed_no_run(tmp_path):
    """Morris revisits points of its grid and DE its population: those vectors are not run again,
    and the bar ended short of its total ("4/12 evaluations"), as if the run had stopped."""
    from test_calibration import _catchment, _config

    _catchment(tmp_path)
    path = _config(tmp_path, method="morris", extra="samples = 4\nlevels = 4")
    result = invoke("calibrate", path, "--workers", "1", "-o", tmp_path / "out")
    assert result.exit_code == 0, result.output
    shown = [line for line in result.output.splitlines() if " evaluations" in line and "/" in line]
    assert shown and shown[-1].split("/")[0].split()[-1] == shown[-1].split("/")[1].split()[0], shown[-1]


def test_resume_after_the_configuration_changed_says_what_to_do(tmp_path):
    """The same file edited: the message named the change and lost its advice (a re-read, 2026-12-05)."""
    from test_calibration import _catchment, _config

    _catchment(tmp_path)
    path = _config(tmp_path, budget=60)
    out = tmp_path / "out"
    assert invoke("calibrate", path, "--workers", "1", "-q", "-o", out).exit_code == 0
    path.write_text(path.read_text().replace("seed = 3", "seed = 4"))
    user_error(invoke("calibrate", path, "--workers", "1", "-q", "-o", out, "--resume"),
               f"{path} has changed since the run", "Start a new run in another folder (-o)")


def test_parameters_of_a_search_stopped_by_an_error_are_marked(tmp_path, monkeypatch):
    """Only Ctrl-C or SIGTERM marked them: a search that failed wrote best_params.toml looking finished."""
    from test_calibration import _catchment, _config

    import hydro.calibration.runner as runner_module
    from hydro.calibration import CalibrationConfig, calibrate
    from hydro.tomlio import load_toml

    def broken(problem, ev):
        ev.losses([problem.midpoint()])
        raise RuntimeError("the search broke")

    monkeypatch.setattr(runner_module, "_run_de", broken)
    _catchment(tmp_path)
    out = tmp_path / "out"
    with pytest.raises(RuntimeError, match="the search broke"):
        calibrate(CalibrationConfig.from_toml(_config(tmp_path, budget=60)), out, serial=True)
    assert load_toml(out / "best_params.toml")["interrupted"] == "stopped by an error, 1 evaluation done"
    import json

    assert json.loads((out / "summary.json").read_text())["stopped_by_error"] is True


# -- gaps a mutation audit of these changes found (2026-12-05) --------------------------------------

def test_missing_rows_of_a_monthly_observation_by_day_are_not_days_observed(tmp_path):
    from datetime import date

    from hydro.calibration.config import Observation
    from hydro.calibration.observations import Alignment, read_observation_csv

    path = tmp_path / "obs.csv"
    path.write_text("date,value\n2000-01-01,1\n2000-01-02,2\n2000-01-03,NA\n2000-02-01,4\n2000-02-02,4\n")
    obs = Observation("m", "discharge", csv=path, aggregate="monthly")
    dates, values, per_day = read_observation_csv(obs)
    days = np.arange(np.datetime64("2000-01-01"), np.datetime64("2000-03-01"))
    al = Alignment.build(obs, dates, values, days, {"calibration": (date(2000, 1, 1), date(2000, 12, 31))}, per_day)
    np.testing.assert_allclose(al.observed, [1.5, 4.0])
    np.testing.assert_allclose(al.simulated(np.arange(days.size, dtype=float)), [0.5, 31.5])


@pytest.mark.parametrize("variable", ["nh3n_concentration", "tp_load"])
def test_a_negative_observed_quality_value_is_refused(tmp_path, variable):
    from hydro.calibration.config import Observation
    from hydro.calibration.observations import read_observation_csv

    path = tmp_path / "obs.csv"
    path.write_text("date,value\n2000-01-01,1.5\n2000-01-02,-999\n")
    with pytest.raises(HydroError, match=r"line 3: -999 is negative"):
        read_observation_csv(Observation("q", variable, csv=path))


def test_yearly_totals_of_a_constituent_load():
    """A load (kg/d) totals to kg a year; a concentration has no total."""
    from datetime import date

    from hydro.calibration.config import Observation, Point, day_total
    from hydro.calibration.observations import Alignment

    assert day_total("tp_load") == 1.0 and day_total("discharge") == 86400.0
    assert day_total("nh3n_concentration") is None
    days = np.arange(np.datetime64("2015-01-01"), np.datetime64("2016-01-01"))
    obs = Observation("p", "tp_load", at="s", points=(Point(date(2015, 1, 1), date(2015, 12, 31), 700.0),),
                      statistic="annual_total")
    al = Alignment.from_points(obs, days, {"calibration": (date(2015, 1, 1), date(2015, 12, 31))})
    np.testing.assert_allclose(al.simulated(np.full(days.size, 2.0)), [730.0])


@pytest.mark.parametrize("kind, variable, match", [
    ("catchment", "nh3n_concentration", "a 'catchment' model has no variable 'nh3n_concentration'"),
    ("basin", "tp_load_x", "a 'basin' model has no variable 'tp_load_x'"),
])
def test_quality_variables_only_for_basins_and_by_their_form(tmp_path, kind, variable, match):
    from test_calibration import _catchment, _config

    from hydro.calibration.config import CalibrationConfig

    _catchment(tmp_path)
    path = _config(tmp_path, budget=60)
    text = path.read_text().replace('variable = "discharge_mm"\nfrom_forcing = true',
                                    f'variable = "{variable}"\nat = "s"\ncsv = "obs.csv"')
    if kind == "basin":
        text = text.replace('kind = "catchment"\npath = "catchment.toml"', 'kind = "basin"\npath = "tiny"')
    path.write_text(text)
    with pytest.raises(HydroError, match=match):
        CalibrationConfig.from_toml(path)


def test_only_the_observed_constituents_are_run(tmp_path):
    from hydro.basin import Basin
    from hydro.calibration import CalibrationConfig
    from hydro.calibration.models import BasinModel

    miyun = Basin.load("miyun")
    for variables, expected in ((("nh3n_concentration",), ("tn",)), (("nh3n_concentration", "tp_load"), ("tn", "tp")),
                                (("codmn_load", "tn_concentration"), ("tn", "codmn"))):
        model = BasinModel(CalibrationConfig.from_toml(_miyun_quality_config(tmp_path, variables)))
        assert model._constituents(miyun) == expected


def test_flow_sources_parameters_are_refused_on_a_catchment_too(tmp_path):
    from test_calibration import _catchment

    params = tmp_path / "best_params.toml"
    params.write_text('model = "flow_sources"\ntarget = "model.toml"\nloss = 0.1\noverrides = ["baseflow.alpha=0.9"]\n')
    user_error(invoke("run", _catchment(tmp_path), "--params", params, "-o", tmp_path / "c.nc"),
               "parameters of a flow_sources model", "hydro run does not run")


def test_a_finished_search_writes_no_interrupted_key(tmp_path):
    from test_calibration import _catchment, _config

    from hydro.tomlio import load_toml

    _catchment(tmp_path)
    out = tmp_path / "out"
    assert invoke("calibrate", _config(tmp_path, budget=60, extra="tol = 0.01"), "--workers", "1", "-q",
                  "-o", out).exit_code == 0
    assert "interrupted" not in load_toml(out / "best_params.toml")
    import json

    summary = json.loads((out / "summary.json").read_text())
    assert summary["de_tol"] == 0.01 and summary["stopped_by_error"] is False
