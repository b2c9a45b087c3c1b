"""Review of batch calibration (2026-12-01): scores recomputed by hand, bad configurations, outputs.

The shipped configurations are copied with absolute paths and a small budget; their scores are
recomputed from the run with the best parameters (``hydro run --params``) and the observations,
with plain numpy formulas that share no code with :mod:`hydro.metrics`.
"""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import numpy as np
import pytest

from hydro.calibration import CalibrationConfig, calibrate
from hydro.errors import HydroError

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = ROOT / "configs" / "calibration"


def _shipped(name: str, tmp: Path, method: str, edit=None) -> Path:
    """A shipped configuration with absolute paths, ``[method]`` replaced by ``method``."""
    src = SHIPPED / f"{name}.toml"
    text = src.read_text(encoding="utf-8")

    def absolute(m):
        p = (src.parent / m.group(2)).resolve()
        return f'{m.group(1)} = "{p.as_posix()}"' if p.exists() else m.group(0)

    text = re.sub(r'^(path|csv) = "([^"]+)"', absolute, text, flags=re.M)
    text = text[:text.index("[method]")] + "[method]\n" + method + "\n"
    if edit is not None:
        text = edit(text)
    path = tmp / f"{name}.toml"
    path.write_text(text, encoding="utf-8")
    return path


def _nse(s, o):
    return 1.0 - np.sum((s - o) ** 2) / np.sum((o - o.mean()) ** 2)


def _kge(s, o, version):
    r = np.corrcoef(s, o)[0, 1]
    beta = s.mean() / o.mean()
    var = (s.std() / s.mean()) / (o.std() / o.mean()) if version == 2012 else s.std() / o.std()
    return 1.0 - np.sqrt((r - 1) ** 2 + (beta - 1) ** 2 + (var - 1) ** 2)


def _scores(folder: Path) -> dict:
    with open(folder / "scores.csv", newline="") as fh:
        return {(r["period"], r["observation"], r["metric"]): float(r["value"]) for r in csv.DictReader(fh)}


# --------------------------------------------------------------- scores recomputed by hand


def test_hymod_scores_equal_a_hand_recomputation_of_the_rerun(tmp_path):
    """hymod (discharge in m3 s-1, a calibration and a validation period): the best parameters
    run again by ``hydro run --params`` and scored with plain numpy give the scores written."""
    import xarray as xr
    from click.testing import CliRunner

    from hydro.cli import main

    cfg = _shipped("hymod", tmp_path, 'name = "de"\nseed = 2\nmax_evaluations = 80\npopsize = 5')
    out = tmp_path / "out"
    calibrate(cfg, out, serial=True)
    nc = tmp_path / "best.nc"
    r = CliRunner().invoke(main, ["run", str(ROOT / "validation/calibration/hymod/catchment.toml"),
                                  "--params", str(out / "best_params.toml"), "-o", str(nc)])
    assert r.exit_code == 0, r.output
    with xr.open_dataset(nc) as ds:
        sim = ds["gauge_discharge"][:, 0].to_series()
        obs = ds["gauge_observed_discharge"][:, 0].to_series()
    scores = _scores(out)
    for period, (a, b) in {"calibration": ("2013-01-01", "2014-12-31"),
                           "validation": ("2015-01-01", "2016-12-31")}.items():
        s, o = sim[a:b], obs[a:b]
        keep = o.notna()
        s, o = s[keep].to_numpy(), o[keep].to_numpy()
        assert s.size == (730 if period == "calibration" else 731)  # every day, 2016 a leap year
        # 1e-12: the same sums in another order (numpy's pairwise sum on other slices)
        assert scores[(period, "q", "nse")] == pytest.approx(_nse(s, o), abs=1e-12)
        assert scores[(period, "q", "kge_2009")] == pytest.approx(_kge(s, o, 2009), abs=1e-12)
        assert scores[(period, "q", "kge_2012")] == pytest.approx(_kge(s, o, 2012), abs=1e-12)


def test_lamprey_sparse_samples_are_scored_on_their_days(tmp_path):
    """Lamprey: grab samples with a time of day, several on some days (averaged); the best
    parameters' daily series scored by hand on the sampled days of each period."""
    import datetime as dt

    import pandas as pd

    from hydro.calibration.flowsources import FlowSources
    from hydro.calibration.runner import read_params

    cfg = _shipped("lamprey", tmp_path, 'name = "de"\nseed = 2\nmax_evaluations = 60\npopsize = 5')
    out = tmp_path / "out"
    calibrate(cfg, out, serial=True)
    data = ROOT / "validation" / "calibration" / "lamprey"
    model = FlowSources.from_toml(data / "model.toml")
    run = model.run(read_params(out / "best_params.toml"), dt.date(1999, 10, 1), dt.date(2012, 12, 31))
    days = pd.date_range("1999-10-01", "2012-12-31")
    conc = pd.Series(run["tn_concentration"], index=days)
    samples = pd.read_csv(data / "lamprey_nitrate_samples.csv")
    samples["day"] = pd.to_datetime(samples["datetime"]).dt.normalize()  # the time is ignored
    observed = samples.groupby("day")["no3_mg_per_l_as_n"].mean().dropna()
    scores = _scores(out)
    for period, (a, b) in {"calibration": ("2000-01-01", "2007-12-31"),
                           "validation": ("2008-01-01", "2012-12-31")}.items():
        o = observed[a:b]
        s = conc[o.index].to_numpy()
        o = o.to_numpy()
        assert scores[(period, "no3", "nse")] == pytest.approx(_nse(s, o), abs=1e-12)
        pbias = 100.0 * np.sum(s - o) / np.sum(o)
        assert scores[(period, "no3", "pbias")] == pytest.approx(pbias, abs=1e-10)


# --------------------------------------------------------------- configuration mistakes


@pytest.mark.parametrize("name, edit, message", [
    ("leguer", lambda t: t.replace("lower = 0.5\nupper = 5.0", "lower = 0.1\nupper = 5.0"),
     r"'x4': lower = 0.1 is outside what the model accepts \(parameter 'x4_days': expected >= 0.5"),
    ("leguer", lambda t: t.replace('lower = 20.0\nupper = 3000.0\ntransform = "log"',
                                   "lower = -20.0\nupper = 3000.0"),
     r"'x1': lower = -20 is outside what the model accepts \(parameter 'x1_mm': expected > 0"),
    ("lamprey", lambda t: t.replace('leaching_fraction"]\nlower = 0.0\nupper = 1.0',
                                    'leaching_fraction"]\nlower = 0.0\nupper = 1.5'),
     r"'leaching': upper = 1.5 is outside what the model accepts"),
])
def test_a_bound_the_model_refuses_is_an_error_before_any_run(tmp_path, name, edit, message):
    """A bound outside the model's valid range used to start the run and fail the share of the
    evaluations beyond it (x4 = 0.1..5: 8 of 199 failed); now it is refused, naming the file,
    the parameter and the bound, before anything is written."""
    cfg = _shipped(name, tmp_path, 'name = "de"\nmax_evaluations = 40\npopsize = 5', edit)
    with pytest.raises(HydroError, match=message) as err:
        calibrate(cfg, tmp_path / "out", serial=True)
    assert str(cfg) in str(err.value)
    assert not (tmp_path / "out").exists()


def test_a_basin_bound_the_basin_refuses_is_an_error_before_any_run(tmp_path):
    """The twin on the example watershed with a leaching fraction searched up to 1.2 (the basin
    takes at most 1): refused before any run, as for the lumped models."""
    from datetime import date

    from hydro.calibration.twin import make_twin

    config, _ = make_twin(tmp_path / "twin", start=date(2001, 1, 1),
                          calibration=(date(2001, 3, 1), date(2001, 6, 30)), max_evaluations=30)
    text = config.read_text()
    assert "lower = 0.01\nupper = 0.4\n" in text  # the leaching fraction of the twin
    config.write_text(text.replace("lower = 0.01\nupper = 0.4\n", "lower = 0.01\nupper = 1.2\n"))
    with pytest.raises(HydroError, match=r"'leaching': upper = 1.2 is outside what the model accepts"):
        calibrate(config, tmp_path / "out", serial=True)
    assert not (tmp_path / "out").exists()


def test_a_period_given_with_a_time_is_a_clear_error(tmp_path):
    """``warmup_start = 1991-01-01T00:00:00`` (a TOML datetime) ended in a TypeError traceback."""
    cfg = _shipped("leguer", tmp_path, 'name = "de"',
                   lambda t: t.replace("warmup_start = 1991-01-01", "warmup_start = 1991-01-01T00:00:00"))
    with pytest.raises(HydroError, match=r"periods.warmup_start.*date-time 1991-01-01T00:00:00; "
                                         r"write the day alone \(1991-01-01\)"):
        CalibrationConfig.from_toml(cfg)
    cfg = _shipped("leguer", tmp_path, 'name = "de"',
                   lambda t: t.replace("calibration = [1992-01-01,", "calibration = [1992-01-01T06:00:00,"))
    with pytest.raises(HydroError, match=r"periods.calibration.*date-time 1992-01-01T06:00:00; write the day alone"):
        CalibrationConfig.from_toml(cfg)


def test_a_too_short_period_names_the_configuration_and_the_key(tmp_path):
    """A one-day calibration period inside the observations was reported as 'the observations
    lie outside the run period' without naming the configuration."""
    cfg = _shipped("leguer", tmp_path, 'name = "de"',
                   lambda t: t.replace("calibration = [1992-01-01, 1992-12-30]",
                                       "calibration = [1992-01-01, 1992-01-01]"))
    with pytest.raises(HydroError) as err:
        calibrate(cfg, tmp_path / "out", serial=True)
    text = str(err.value)
    assert text.startswith(str(cfg)) and "Lengthen [periods] calibration" in text
    assert "outside the run period" not in text
    cfg = _shipped("leguer", tmp_path, 'name = "de"',
                   lambda t: t.replace("calibration = [1992-01-01, 1992-12-30]",
                                       "calibration = [1992-01-01, 1992-06-30]\n"
                                       "validation = [1992-12-30, 1992-12-30]"))
    with pytest.raises(HydroError, match=r"1 value\(s\) in the validation period.*\[periods\] validation") as err:
        calibrate(cfg, tmp_path / "out", serial=True)
    assert str(err.value).startswith(str(cfg))


# --------------------------------------------------------------- what the command says and writes


def test_the_de_note_gives_advice_that_can_be_followed(tmp_path):
    """The note said 'raise [method] maxiter ... and resume with --resume': [method] has no
    maxiter (an unknown key is an error) and a changed configuration cannot be resumed."""
    from click.testing import CliRunner

    from hydro.cli import main

    cfg = _shipped("leguer", tmp_path, 'name = "de"\nseed = 1\nmax_evaluations = 40\npopsize = 5')
    result = CliRunner().invoke(main, ["calibrate", str(cfg), "-o", str(tmp_path / "out"), "-q"])
    assert result.exit_code == 0, result.output
    assert "did not converge" in result.output
    assert "maxiter" not in result.output and "resume with --resume" not in result.output
    assert "max_evaluations" in result.output and "new output folder" in result.output
    # the advice holds: the key is known, and the changed file is refused by --resume
    bigger = cfg.read_text().replace("max_evaluations = 40", "max_evaluations = 60")
    cfg.write_text(bigger)
    CalibrationConfig.from_toml(cfg)
    again = CliRunner().invoke(main, ["calibrate", str(cfg), "-o", str(tmp_path / "out"), "--resume", "-q"])
    assert again.exit_code == 2 and "has changed" in again.output


def test_sensitivity_and_band_tables_are_written_atomically(tmp_path, monkeypatch):
    """sensitivity.csv and glue_bands.csv were opened with open(..., "w"): a failure while
    writing (a full disk) left a truncated table in place of the previous one."""
    from types import SimpleNamespace

    import hydro.calibration.runner as runner
    from hydro.calibration.config import CalibrationParameter, MethodSettings

    params = tuple(CalibrationParameter(f"x{i}", (f"p{i}",), -np.pi, np.pi) for i in range(1, 4))
    problem = SimpleNamespace(config=SimpleNamespace(method=MethodSettings(name="morris", samples=4, seed=1)),
                              parameters=params, names=[p.name for p in params],
                              bounds=[p.search_bounds for p in params])
    ev = SimpleNamespace(batch=lambda X: [{"status": "ok", "loss": float(np.sum(np.sin(x)))} for x in X])
    old = tmp_path / "sensitivity.csv"
    old.write_text("the previous table\n")

    class Failing:
        def __init__(self, fh):
            self.fh = fh

        def writerow(self, row):
            self.fh.write(",".join(map(str, row)) + "\n")

        def writerows(self, rows):
            raise OSError("No space left on device")

    monkeypatch.setattr(runner.csv, "writer", Failing)
    with pytest.raises(OSError):
        runner._run_sensitivity(problem, ev, tmp_path)
    assert old.read_text() == "the previous table\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["sensitivity.csv"]  # no temporary left


def test_sobol_indices_of_the_ishigami_function(tmp_path):
    """The Sobol path (sample size N (D + 2), first-order and total indices) on the Ishigami
    function, whose indices are known analytically (Ishigami & Homma 1990; a = 7, b = 0.1)."""
    from types import SimpleNamespace

    from hydro.calibration.config import CalibrationParameter, MethodSettings
    from hydro.calibration.runner import _run_sensitivity

    params = tuple(CalibrationParameter(f"x{i}", (f"p{i}",), -np.pi, np.pi) for i in range(1, 4))
    problem = SimpleNamespace(config=SimpleNamespace(method=MethodSettings(name="sobol", samples=2 ** 12, seed=1)),
                              parameters=params, names=[p.name for p in params],
                              bounds=[p.search_bounds for p in params])
    sizes = []

    def batch(X):
        X = np.asarray(X)
        sizes.append(len(X))
        y = np.sin(X[:, 0]) + 7.0 * np.sin(X[:, 1]) ** 2 + 0.1 * X[:, 2] ** 4 * np.sin(X[:, 0])
        return [{"status": "ok", "loss": float(v)} for v in y]

    out = _run_sensitivity(problem, SimpleNamespace(batch=batch), tmp_path)
    assert sizes == [2 ** 12 * (3 + 2)]
    a, b, pi = 7.0, 0.1, np.pi
    var = a ** 2 / 8 + b * pi ** 4 / 5 + b ** 2 * pi ** 8 / 18 + 0.5
    v1, v2, vt3 = 0.5 * (1 + b * pi ** 4 / 5) ** 2, a ** 2 / 8, 8 * b ** 2 * pi ** 8 / 225
    s = out["sensitivity"]
    # 0.02: about the bootstrap half-width SALib reports at N = 4096 (0.015-0.03)
    for name, s1, st in (("x1", v1 / var, (v1 + vt3) / var), ("x2", v2 / var, v2 / var), ("x3", 0.0, vt3 / var)):
        assert s[name]["S1"] == pytest.approx(s1, abs=0.02)
        assert s[name]["ST"] == pytest.approx(st, abs=0.02)
    rows = list(csv.reader((tmp_path / "sensitivity.csv").open()))
    assert rows[0] == ["parameter", "S1", "S1_conf", "ST", "ST_conf"] and len(rows) == 4
    json.dumps(out)  # the summary entry is plain JSON
    assert out["sensitivity_notes"] == []  # N = 4096 resolves every index (x3's S1, 0, within 0.05)
    small = problem.config.method.__class__(name="sobol", samples=2 ** 4, seed=1)
    problem.config = SimpleNamespace(method=small)
    few = _run_sensitivity(problem, SimpleNamespace(batch=batch), tmp_path)["sensitivity_notes"]
    # 16 samples: the intervals are wider than the indices (sensitivity review, 2026-12-06: said nothing)
    assert len(few) == 1 and few[0].startswith("the sobol sample is too small to rank x"), few


def test_screening_notes_of_morris_and_sobol():
    from hydro.calibration.diagnostics import screening_notes

    sharp = {"a": {"mu": 1.0, "mu_star": 1.0, "mu_star_conf": 0.1, "sigma": 0.2},
             "idle": {"mu": 0.0, "mu_star": 0.001, "mu_star_conf": 0.002, "sigma": 0.0}}  # near 0 and resolved
    assert screening_notes("morris", sharp) == []
    vague = {"a": {"mu": 2.0, "mu_star": 2.07, "mu_star_conf": 1.90, "sigma": 1.0}}  # the review's x2_chao
    assert "too small to rank a" in screening_notes("morris", vague)[0]
    over = {"b": {"S1": 0.26, "S1_conf": 0.05, "ST": 1.06, "ST_conf": 0.1}}
    assert "outside 0-1" in screening_notes("sobol", over)[0]
    negative = {"c": {"S1": -0.2, "S1_conf": 0.05, "ST": 0.3, "ST_conf": 0.05}}
    assert screening_notes("sobol", negative) != []


def test_the_de_budget_is_not_exceeded(tmp_path):
    """A budget of one or one and a half populations ran two (maxiter was at least 1): 40
    evaluations for max_evaluations = 20 (popsize 5 x 4 parameters); less than a population
    is refused, naming the key."""
    for budget, expected in ((20, 20), (30, 20), (40, 40)):
        cfg = _shipped("leguer", tmp_path, f'name = "de"\nseed = 1\nmax_evaluations = {budget}\npopsize = 5')
        r = calibrate(cfg, tmp_path / f"out{budget}", serial=True)
        assert r.summary["evaluations"] == expected <= budget
    cfg = _shipped("leguer", tmp_path, 'name = "de"\nmax_evaluations = 19\npopsize = 5')
    with pytest.raises(HydroError, match=r"method.max_evaluations.*less than one DE population.*= 20"):
        CalibrationConfig.from_toml(cfg)


def test_resume_refuses_changed_observations_or_forcing(tmp_path):
    """--resume checked the configuration's hash only: after an observation CSV (or the forcing)
    was corrected, the stored losses of the old data were mixed with new ones and the best set
    reported could not be reproduced."""
    import shutil

    data = tmp_path / "leguer"
    shutil.copytree(ROOT / "validation" / "calibration" / "leguer", data)
    obs = tmp_path / "q.csv"
    forcing = (data / "forcing.csv").read_text().splitlines()
    obs.write_text("date,value\n" + "\n".join(f"{r.split(',')[0]},{r.split(',')[3]}" for r in forcing[1:]) + "\n")

    def edit(text):
        text = text.replace(str((ROOT / "validation/calibration/leguer/catchment.toml").as_posix()),
                            (data / "catchment.toml").as_posix())
        return text.replace("from_forcing = true", f'csv = "{obs.as_posix()}"')

    cfg = _shipped("leguer", tmp_path, 'name = "de"\nseed = 1\nmax_evaluations = 40\npopsize = 5', edit)
    out = tmp_path / "out"
    calibrate(cfg, out, serial=True)
    run = json.loads((out / "run.json").read_text())
    assert set(run["inputs_sha256"]) == {str(p.resolve()) for p in (data / "catchment.toml", data / "forcing.csv", obs)}
    calibrate(cfg, out, serial=True, resume=True)  # unchanged: resumes
    for changed in (obs, data / "forcing.csv"):
        before = changed.read_bytes()
        changed.write_text(changed.read_text().replace("1991-01-04,", "1991-01-04,1", 1))
        with pytest.raises(HydroError, match=f"--resume: {re.escape(str(changed.resolve()))} changed"):
            calibrate(cfg, out, serial=True, resume=True)
        changed.write_bytes(before)
    assert calibrate(cfg, out, serial=True, resume=True).summary["resumed"] == 40


def test_ctrl_c_still_writes_the_summary_and_best_parameters(tmp_path, monkeypatch):
    """After a real Ctrl-C (or SIGTERM) through the CLI's signal handler every atomic write
    stopped on the signal again (hydro.signals.raise_if_signalled), so the documented
    summary.json ("interrupted": true), evaluations.csv and best_params.toml were never
    written; the signal is kept for the exit status (130 / 143)."""
    import signal

    from hydro import signals
    from hydro.batch import SerialExecutor
    from hydro.calibration import Problem
    from hydro.calibration.executors import Evaluations

    class Interrupting(Evaluations):
        def map_unordered(self, vectors):
            for k, item in enumerate(super().map_unordered(vectors)):
                if k == 7:  # as hydro.signals._on_signal does on Ctrl-C
                    signals.received = signal.SIGINT
                    raise KeyboardInterrupt
                yield item

    monkeypatch.setattr(signals, "received", None)
    cfg = CalibrationConfig.from_toml(_shipped("leguer", tmp_path, 'name = "de"\nmax_evaluations = 40\npopsize = 5'))
    out = tmp_path / "out"
    with pytest.raises(KeyboardInterrupt):
        calibrate(cfg, out, executor=Interrupting(SerialExecutor(), Problem(cfg)))
    summary = json.loads((out / "summary.json").read_text())
    assert summary["interrupted"] is True and summary["evaluations"] == 7
    assert (out / "best_params.toml").is_file() and (out / "scores.csv").is_file()
    assert len((out / "evaluations.csv").read_text().splitlines()) == 8
    assert signals.received == signal.SIGINT  # the exit status still says Ctrl-C


# --------------------------------------------------------------- a worker process that dies


def _double_or_die(x):
    """A task that kills its worker process for 3 (as an out-of-memory kill or a crash in
    compiled code would)."""
    import os

    if x == 3:
        os._exit(1)
    return 2 * x


def test_a_dying_worker_fails_its_task_only_and_the_pool_goes_on(monkeypatch):
    """One worker that died broke the ProcessPoolExecutor: every task in flight failed, and the
    next batch (the next DE generation) raised BrokenProcessPool with a traceback."""
    import hydro.batch as batch

    monkeypatch.setattr(batch, "_start_method", lambda: "fork")  # the test's function, inherited
    ex = batch.ProcessExecutor(2)
    try:
        got = dict(ex.run(_double_or_die, list(range(8))))
        assert {i: o.value for i, o in got.items() if o.ok} == {i: 2 * i for i in range(8) if i != 3}
        assert "worker process died" in got[3].error
        again = dict(ex.run(_double_or_die, [1, 2]))  # the executor still works
        assert [again[k].value for k in (0, 1)] == [2, 4]
    finally:
        ex.close()


def test_a_calibration_survives_an_evaluation_that_kills_its_worker(tmp_path, monkeypatch):
    """The evaluations with x4 in 1.0 +- 0.05 kill their worker: before, the run ended in a
    BrokenProcessPool traceback after the first one (and the chunk it was in was lost); now
    exactly those evaluations fail (transient: --resume retries them) and the search goes on."""
    import os

    import hydro.batch as batch
    from hydro.calibration import problem as problem_module

    monkeypatch.setattr(batch, "_start_method", lambda: "fork")
    main, evaluate = os.getpid(), problem_module.Problem.evaluate

    def dying(self, z):
        if abs(z[3] - 1.0) < 0.05 and os.getpid() != main:
            os._exit(1)
        return evaluate(self, z)

    monkeypatch.setattr(problem_module.Problem, "evaluate", dying)
    cfg = _shipped("leguer", tmp_path, 'name = "de"\nseed = 3\nmax_evaluations = 200\npopsize = 5')
    r = calibrate(cfg, tmp_path / "out", workers=2)
    assert r.summary["executor"] == "processes" and r.summary["evaluations"] >= 190
    culprits = [x for x in r.records if abs(x["z"][3] - 1.0) < 0.05]
    failed = [x for x in r.records if x["status"] != "ok"]
    assert culprits and failed == culprits  # the chunk-mates of a culprit are evaluated
    assert all(x["transient"] and "worker process died" in x["error"] for x in failed)


def test_glue_band_simulations_show_progress_and_are_quiet_with_quiet(tmp_path, capfd):
    """GLUE runs every behavioural set again for its bands (minutes for a basin), silently."""
    cfg = _shipped("leguer", tmp_path, 'name = "glue"\nseed = 1\nmax_evaluations = 40\nthreshold = 0.0')
    r = calibrate(cfg, tmp_path / "loud", serial=True, quiet=False)
    err = capfd.readouterr().err
    assert r.summary["glue_behavioural"] > 0
    assert f"{r.summary['glue_behavioural']}/{r.summary['glue_behavioural']} band simulations" in err
    calibrate(cfg, tmp_path / "quiet", serial=True, quiet=True)
    assert capfd.readouterr().err == ""


def test_a_basin_best_set_rerun_by_the_python_api_gives_the_reported_scores(tmp_path):
    """The example watershed's twin (daily flow and weekly TN at two sections): the best set,
    run by hydro.Model.with_parameters over the calibration's days, scored by hand on the
    observation CSVs, gives the scores written (the calibration runs water and TN only,
    without source apportionment: the same numbers)."""
    from datetime import date

    import pandas as pd

    from hydro.calibration.runner import read_params
    from hydro.calibration.twin import TWIN_SECTIONS, make_twin
    from hydro.model import Model

    start, cal = date(2001, 1, 1), (date(2001, 3, 1), date(2001, 8, 31))
    config, _ = make_twin(tmp_path / "twin", start=start, calibration=cal, max_evaluations=30)
    calibrate(config, tmp_path / "out", serial=True)
    values = dict(s.split("=", 1) for s in read_params(tmp_path / "out" / "best_params.toml"))
    model = Model.from_basin("watershed").with_parameters({k: float(v) for k, v in values.items()})
    res = model.run(start, cal[1])
    sections = list(res.coords["section"])
    days = pd.date_range(start, cal[1])
    scores = _scores(tmp_path / "out")
    for sec in TWIN_SECTIONS:
        j = sections.index(sec)
        for var, prefix, column in (("section_discharge", "q", "q_m3s"), ("section_tn_concentration", "tn",
                                                                           "tn_mg_per_l")):
            sim = pd.Series(np.asarray(res[var][:, j], dtype=float), index=days)
            obs = pd.read_csv(tmp_path / "twin" / f"{prefix}_{sec}.csv", parse_dates=["date"]).set_index("date")
            o = obs[column][str(cal[0]):str(cal[1])]
            # 1e-12: numpy sums of the same pairs in another order
            assert scores[("calibration", f"{prefix}_{sec}", "nse")] == pytest.approx(
                _nse(sim[o.index].to_numpy(), o.to_numpy()), abs=1e-12)


def test_sobol_samples_must_be_a_power_of_two(tmp_path):
    """samples = 50 ran, with SALib's UserWarning and its source line on stderr even with -q."""
    cfg = _shipped("leguer", tmp_path, 'name = "sobol"\nsamples = 50')
    with pytest.raises(HydroError, match=r"method.samples.*50 is not a power of 2.*use 32 or 64"):
        CalibrationConfig.from_toml(cfg)
    cfg = _shipped("leguer", tmp_path, 'name = "morris"\nsamples = 50')  # trajectories: any number
    assert CalibrationConfig.from_toml(cfg).method.samples == 50


def test_morris_levels_must_be_even(tmp_path):
    """levels = 3 ran, with SALib's 'sample may be biased' UserWarning on stderr even with -q."""
    cfg = _shipped("leguer", tmp_path, 'name = "morris"\nsamples = 10\nlevels = 3')
    with pytest.raises(HydroError, match=r"method.levels.*3 is odd.*use 2 or 4"):
        CalibrationConfig.from_toml(cfg)


def test_glue_without_a_behavioural_set_says_so_on_the_command_line(tmp_path):
    """No set reached the threshold: no bands were written, and only summary.json said why."""
    from click.testing import CliRunner

    from hydro.cli import main

    cfg = _shipped("leguer", tmp_path, 'name = "glue"\nseed = 1\nmax_evaluations = 20\nthreshold = 0.99')
    result = CliRunner().invoke(main, ["calibrate", str(cfg), "-o", str(tmp_path / "out"), "-q"])
    assert result.exit_code == 0, result.output
    assert "note: GLUE: no parameter set reached the threshold score 0.99" in result.output
    assert not (tmp_path / "out" / "glue_bands.csv").exists()


def test_an_interrupt_while_waiting_leaves_no_future_locked(tmp_path):
    """A Ctrl-C inside concurrent.futures.wait, between its acquisitions of the pending futures'
    locks, left one held by the main thread: the pool's thread blocked on it while shutting
    down and the process hung at exit (an orphan of tests/test_faults.py, found asleep).
    The race is made certain here, in a child process, by a wait that takes one lock and is
    interrupted; the executor no longer goes through wait, so the child ends."""
    import subprocess
    import sys

    script = tmp_path / "child.py"
    script.write_text(
        "import concurrent.futures._base as base, time\n"
        "from hydro.batch import ProcessExecutor\n"
        "class Interrupted(Exception):\n    pass\n"
        "def interrupted(self):\n"
        "    self.futures[0]._condition.acquire()  # what a signal between two acquisitions leaves\n"
        "    raise Interrupted\n"
        "base._AcquireFutures.__enter__ = interrupted\n"
        "if __name__ == '__main__':\n"
        "    ex = ProcessExecutor(2)\n"
        "    try:\n"
        "        print(sorted(i for i, o in ex.run(time.sleep, [0.2] * 6)))\n"
        "    except Interrupted:\n"
        "        print('interrupted')\n"
        "    ex.close(abort=True)\n"
        "    print('exited', flush=True)\n")
    proc = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        out, err = proc.communicate(timeout=60)  # 6 x 0.2 s on 2 workers, and a pool start
    except subprocess.TimeoutExpired:
        proc.kill()
        out, err = proc.communicate()
        pytest.fail(f"the process hung at exit with a future's lock held: {out!r}")
    assert proc.returncode == 0 and out.splitlines() == ["[0, 1, 2, 3, 4, 5]", "exited"], (out, err)


def test_resume_on_a_folder_without_a_run_says_it_starts_a_new_one(tmp_path, monkeypatch):
    """``--resume`` on a mistyped or empty folder started a new run without a word."""
    from click.testing import CliRunner

    import hydro.calibration.runner as runner
    from hydro.cli import main

    cfg = _shipped("leguer", tmp_path, 'name = "de"', lambda t: t)

    def stop(*args, **kwargs):
        raise HydroError("stopped here by the test")

    monkeypatch.setattr(runner, "calibrate", stop)
    r = CliRunner().invoke(main, ["calibrate", str(cfg), "-o", str(tmp_path / "typo"), "--resume", "-q"])
    assert "note: --resume: " in r.output and "holds no run to continue" in r.output, r.output
    assert "stopped here by the test" in r.output


def test_a_basin_calibration_records_every_file_its_basin_names(tmp_path):
    """Review of 2026-12-04: a basin model recorded basin.toml only, so --resume after an edit of
    its weather or transfer tables mixed the old data's losses with the new ones, unsaid."""
    from hydro.basin_tables import basin_files
    from hydro.calibration.problem import Problem
    from hydro.calibration.runner import input_hashes

    cfg = tmp_path / "c.toml"
    cfg.write_text('[model]\nkind = "basin"\npath = "miyun"\n\n[periods]\nwarmup_start = 2013-03-01\n'
                   'calibration = [2013-03-01, 2015-12-31]\n\n[[parameters]]\nname = "x3"\n'
                   'paths = ["runoff.x3_mm"]\nlower = 20.0\nupper = 300.0\n\n[[observations]]\nname = "s"\n'
                   'variable = "reservoir_storage"\nat = "miyun"\n'
                   'points = [{first = 2015-01-01, last = 2015-01-01, value = 1e9}]\n\n'
                   '[[objectives]]\nobservation = "s"\nmetric = "mare"\n')
    recorded = set(input_hashes(Problem(CalibrationConfig.from_toml(cfg))))
    named = {str(p.resolve()) for p in basin_files(ROOT / "basins" / "miyun" / "basin.toml")}
    assert any(p.endswith(".csv") and "forcing" in p for p in named)  # the weather is among them
    assert recorded == named


@pytest.mark.parametrize(("method", "key", "hint"), [
    ("glue", "samples = 12", "GLUE's sample size is max_evaluations"),
    ("de", "levels = 4", "DE's budget is max_evaluations"),
    ("sobol", "popsize = 5", "method 'sobol' reads seed, samples"),
])
def test_a_key_of_another_method_is_refused(tmp_path, method, key, hint):
    """Review of 2026-12-04: GLUE given Sobol's `samples = 12` ran its default 2,000 evaluations."""
    cfg = _shipped("leguer", tmp_path, f'name = "{method}"\nseed = 1\n{key}')
    with pytest.raises(HydroError, match=rf"method.{key.split()[0]}.*not used by method '{method}'.*{hint}"):
        CalibrationConfig.from_toml(cfg)


def test_a_full_disk_while_storing_an_evaluation_is_a_message_and_the_store_closes(tmp_path):
    """Review of 2026-12-04: a full disk ended `hydro calibrate` in a 74-line traceback (and a
    second one from close()), exit 1; the stored evaluations were kept, as --resume showed."""
    import errno

    from hydro.calibration.store import EvaluationStore

    store = EvaluationStore(tmp_path, resume=False)
    store.append({"key": "a", "status": "ok", "loss": 1.0, "x": [0.5]})

    class Full:
        closed = False

        def write(self, text):
            raise OSError(errno.ENOSPC, "No space left on device")

        def close(self):
            raise OSError(errno.ENOSPC, "No space left on device")

    kept, store._fh = store._fh, Full()
    with pytest.raises(HydroError, match=r"storing evaluation 1 failed \(No space left on device\); the 1 "
                                         r"stored before it are kept: free disk space and continue with --resume"):
        store.append({"key": "b", "status": "ok", "loss": 2.0, "x": [0.6]})
    store.close()  # quietly: the error above is the one to report
    kept.close()
    assert len(EvaluationStore(tmp_path, resume=True).records) == 1


def test_resume_and_overwrite_together_are_refused_before_any_note(tmp_path):
    """Review of 2026-12-04: on a new folder the command first said it was 'starting a new run there',
    then refused the two options."""
    from click.testing import CliRunner

    from hydro.cli import main

    cfg = _shipped("leguer", tmp_path, 'name = "de"\nseed = 1\nmax_evaluations = 40\npopsize = 5')
    r = CliRunner().invoke(main, ["calibrate", str(cfg), "-o", str(tmp_path / "new"), "--resume", "--overwrite"])
    assert r.exit_code == 2 and "--overwrite and --resume: choose one" in r.output
    assert "starting a new run" not in r.output and not (tmp_path / "new").exists()


def test_a_run_recorded_before_the_basins_files_were_resumes():
    """Review of 2026-12-04: a run folder made before a basin model recorded the files its basin names
    held basin.toml's hash only; every newly listed file was then called changed and --resume refused."""
    from hydro.calibration.runner import _changed_inputs

    old = {"inputs_sha256": {"basin.toml": "1"}}
    assert _changed_inputs(old, {"basin.toml": "1", "weather.csv": "2"}) == []   # not recorded: not checked
    assert _changed_inputs(old, {"basin.toml": "9", "weather.csv": "2"}) == ["basin.toml"]
    assert _changed_inputs({"inputs_sha256": {"basin.toml": "1", "q.csv": "3"}}, {"basin.toml": "1"}) == ["q.csv"]
