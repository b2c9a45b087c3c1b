"""Calibration off the hot path (issue 12): the fast paths give the same numbers as the
plain ones, bit for bit, and the bookkeeping is batched without losing anything.

* a prepared lumped catchment (PET and snow bands computed once) == ``run_catchment``;
* one binning per evaluation and the shared metric statistics == ``hydro.metrics``;
* a basin is read once per process (``hydro.Model``), never per evaluation;
* the evaluation log is synced once per batch, a torn tail is cut without touching
  the lines before it, ``evaluations.csv`` is written atomically;
* the executor is chosen by the job's size; Dask workers of our own cluster watch us.

No test asserts a speed (``benchmarks/calibration.py`` measures it).
"""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import numpy as np
import pytest

from hydro.calibration import CalibrationConfig, Problem, calibrate
from hydro.calibration.config import Objective, Observation
from hydro.calibration.observations import Alignment
from hydro.calibration.store import EVALUATIONS, EvaluationStore

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def lumped(tmp_path_factory) -> Path:
    from hydro.calibration.twin import make_lumped_twin

    config, _ = make_lumped_twin(tmp_path_factory.mktemp("lumped"), years=4, max_evaluations=240)
    return config


# ------------------------------------------------------------------ same numbers


@pytest.mark.parametrize("solid_fraction", ["hydrotel", "usace", None, "given PET"])
def test_prepared_catchment_equals_run_catchment(lumped, solid_fraction):
    """The forcing prepared once serves run after run: nothing of one run leaks into the next."""
    from hydro.calibration.lumped import PreparedCatchment
    from hydro.catchment import Catchment, run_catchment

    c = Catchment.from_toml(lumped.parent / "catchment.toml")
    forcing = c.read_forcing().between("1980-06-01", None)
    if solid_fraction in (None, "given PET"):
        c = dataclasses.replace(c, snow=None)
        if solid_fraction == "given PET":  # the hymod / leguer kind: PET column, no temperature
            nan = np.full(forcing.dates.size, np.nan)
            forcing = dataclasses.replace(forcing, pet_mm=np.linspace(0.5, 3.0, forcing.dates.size),
                                          tmean_c=nan, tmin_c=nan, tmax_c=nan)
    elif solid_fraction != c.snow.solid_fraction:
        c = dataclasses.replace(c, snow=dataclasses.replace(c.snow, solid_fraction=solid_fraction))
    prepared = PreparedCatchment(c, forcing)
    for x, ctg, kf, frac in (((300.0, 0.5, 60.0, 1.2), 0.2, 2.0, 0.3), ((900.0, -2.0, 200.0, 3.7), 0.8, 6.5, 0.7)):
        values = {"gr4j.x1_mm": x[0], "gr4j.x2_mm_per_day": x[1], "gr4j.x3_mm": x[2], "gr4j.x4_days": x[3],
                  "initial.production_fraction": frac}
        if c.snow is not None:
            values.update({"snow.ctg": ctg, "snow.kf_mm_per_c_per_day": kf})
        variant = c.with_parameters(values)
        expected = run_catchment(variant, forcing).q_mm
        np.testing.assert_array_equal(prepared.q_mm(variant), expected)
        assert not np.array_equal(expected, run_catchment(c, forcing).q_mm)  # the values took effect


def test_prepared_catchment_rejects_what_run_catchment_rejects(lumped):
    from hydro.calibration.lumped import PreparedCatchment
    from hydro.catchment import Catchment
    from hydro.errors import HydroError

    c = Catchment.from_toml(lumped.parent / "catchment.toml")
    prepared = PreparedCatchment(c, c.read_forcing())
    with pytest.raises(HydroError, match="x4_days"):
        prepared.q_mm(c.with_parameters({"gr4j.x4_days": 0.2}))
    with pytest.raises(HydroError, match="ctg"):
        prepared.q_mm(c.with_parameters({"snow.ctg": 1.0}))


def _observed(aggregate: str):
    rng = np.random.default_rng(4)
    days = np.arange(np.datetime64("2000-01-01"), np.datetime64("2006-01-01"))
    obs = rng.gamma(2.0, 2.0, days.size)
    if aggregate == "sparse":  # weekly grab samples, two on some days
        keep = np.arange(3, days.size, 7)
        dates = np.concatenate([days[keep], days[keep[::5]]])
        return days, dates, np.concatenate([obs[keep], obs[keep[::5]] * 1.1]), "daily"
    return days, days, obs, aggregate


@pytest.mark.parametrize("aggregate", ["daily", "sparse", "monthly", "annual"])
def test_scores_equal_hydro_metrics_bit_for_bit(aggregate):
    from hydro.calibration.scoring import Scorer
    from hydro.metrics import metric

    days, dates, values, agg = _observed(aggregate)
    periods = {"calibration": (date(2000, 1, 1), date(2003, 12, 31)),
               "validation": (date(2004, 1, 1), date(2005, 12, 31))}
    al = Alignment.build(Observation("q", "discharge", aggregate=agg), dates, values, days, periods)
    names = ("nse", "kge_2009", "kge_2012", "pbias", "log_nse", "rsr", "rmse")
    objectives = [Objective("q", m, weight=1.0 + k) for k, m in enumerate(names)]
    scorer = Scorer({"q": al}, objectives, list(periods))
    rng = np.random.default_rng(9)
    for trial in range(6):
        sim = np.abs(rng.normal(3.0, 2.0, days.size)) + 0.1
        if trial == 2:
            sim[40:50] = np.nan  # dropped pairs: the metrics' own path
        loss, scores = scorer.score({"q": sim})
        expected_loss = 0.0
        for label in periods:
            for o in objectives:
                s, obs = al.pair(sim, label)
                # the plain binning: a bincount of every day that is a number (a bin's mean leaves
                # NaN days out, review fr D2), as before the fast path
                keep = (al.bin_of_day >= 0) & ~np.isnan(sim)
                sums = np.bincount(al.bin_of_day[keep], weights=sim[keep], minlength=al.n_bins)
                counts = np.bincount(al.bin_of_day[keep], minlength=al.n_bins)
                with np.errstate(invalid="ignore"):
                    plain = np.where(counts > 0, sums / np.maximum(counts, 1), np.nan)
                np.testing.assert_array_equal(s, plain[al.in_period[label]])
                value = float(metric(o.metric)(s, obs))
                assert scores[label][o.label] == value, (label, o.metric)
                if label == "calibration":
                    # the loss term of each metric (review s44 F1: |PBIAS| / 100, a fraction), its missing bins
                    # counted as no skill (metrics review, 2026-12-06: RMSE's is the observations' std)
                    term = metric(o.metric).loss_of(value)
                    c = s[~np.isnan(s)].size / s.size
                    no_skill = obs.std() if o.metric == "rmse" else 1.0
                    expected_loss += o.weight * (term if c == 1.0 else c * term + (1 - c) * max(term, no_skill))
        assert loss == expected_loss / sum(o.weight for o in objectives)


def test_scorer_keeps_the_metric_errors():
    from hydro.calibration.scoring import Scorer
    from hydro.errors import HydroError

    days = np.arange(np.datetime64("2000-01-01"), np.datetime64("2000-03-01"))
    periods = {"calibration": (date(2000, 1, 1), date(2000, 2, 29))}
    al = Alignment.build(Observation("q", "discharge"), days, np.full(days.size, 2.0), days, periods)
    scorer = Scorer({"q": al}, [Objective("q", "nse")], list(periods))
    with pytest.raises(HydroError, match="all equal"):
        scorer.score({"q": np.ones(days.size)})
    al = Alignment.build(Observation("q", "discharge"), days, np.linspace(1, 2, days.size), days, periods)
    scorer = Scorer({"q": al}, [Objective("q", "kge_2012")], list(periods))
    sim = np.ones(days.size)
    sim[3] = np.inf
    with pytest.raises(HydroError, match="infinite"):
        scorer.score({"q": sim})


def test_lumped_calibration_serial_and_processes_agree(lumped, tmp_path):
    cfg = CalibrationConfig.from_toml(lumped)
    a = calibrate(cfg, tmp_path / "a", serial=True)
    b = calibrate(cfg, tmp_path / "b", workers=2)
    assert a.summary["failed"] == 0 and b.summary["executor"] == "processes"
    assert a.best["key"] == b.best["key"] and a.best["loss"] == b.best["loss"]
    assert set(a.best["scores"]) == {"calibration", "validation"}


# ------------------------------------------------------------------ a basin is read once


def test_basin_is_read_once_per_process(tmp_path, monkeypatch):
    import hydro.basin_tables
    import hydro.weather
    from hydro.calibration.runner import _lhs
    from hydro.calibration.twin import make_twin

    config, _ = make_twin(tmp_path / "twin", start=date(2001, 1, 1),
                          calibration=(date(2001, 3, 1), date(2001, 8, 31)))
    problem = Problem(CalibrationConfig.from_toml(config))
    problem.prepare()
    reads = []
    # every basin file is read through hydro.basin_tables.load_basin_file (Basin.load, hydro.Model)
    for module, name in ((hydro.basin_tables, "load_toml"), (hydro.weather, "read_forcing_csv")):
        real = getattr(module, name)

        def counted(*a, _real=real, _name=name, **k):
            reads.append(_name)
            return _real(*a, **k)

        monkeypatch.setattr(module, name, counted)
    vectors = _lhs(problem, 3, 1)
    first = problem.evaluate(vectors[0])
    assert first["status"] == "ok", first["error"]
    reads.clear()
    records = [problem.evaluate(z) for z in vectors]
    assert all(r["status"] == "ok" for r in records)
    assert reads == [], f"files read during evaluations: {reads}"
    # the same values as a basin loaded from text with --set strings
    from hydro.basin import Basin
    from hydro.calibration.models import format_assignment
    from hydro.simulation import run

    model = problem.prepare().model
    items = [format_assignment(k, v) for k, v in problem.assignments(vectors[1]).items()]
    res = run(Basin.load(model.path, overrides=items), model.start, model.end)
    series = problem.simulate(vectors[1])
    sections = list(res.coords["section"])
    for o in problem.config.observations:
        expected = np.asarray(res[model.VARIABLE[o.variable]][:, sections.index(o.at)], dtype=float)
        # calibration carries TN as one tag (apportion=False), the full run by source:
        # the same transport of the same total, summed in another order (round-off)
        np.testing.assert_allclose(series[o.name], expected, rtol=1e-12, atol=1e-15)


# ------------------------------------------------------------------ bookkeeping


def test_log_is_synced_per_batch_not_per_evaluation(lumped, tmp_path, monkeypatch):
    import hydro.calibration.store as store_module

    calls = []
    real = os.fsync
    monkeypatch.setattr(store_module.os, "fsync", lambda fd: (calls.append(os.fstat(fd).st_ino), real(fd))[1])
    r = calibrate(CalibrationConfig.from_toml(lumped), tmp_path / "out", serial=True)
    generations = r.summary["de_generations"] + 1
    assert r.summary["evaluations"] == 240
    log = (tmp_path / "out" / EVALUATIONS).stat().st_ino
    synced = calls.count(log)  # the other fsyncs are the atomic writes of the outputs
    assert 1 <= synced <= generations + 2  # one per generation, one on close (and a timed one)
    lines = (tmp_path / "out" / EVALUATIONS).read_text().splitlines()
    assert len(lines) == 240
    csv_rows = (tmp_path / "out" / "evaluations.csv").read_text().splitlines()
    assert len(csv_rows) == 241
    assert not [p for p in (tmp_path / "out").iterdir() if p.name.startswith(".")], "temporary files left"


def test_torn_tail_is_cut_and_earlier_bytes_kept(tmp_path):
    store = EvaluationStore(tmp_path, resume=False)
    for k in range(3):
        store.append({"key": f"k{k}", "status": "ok", "loss": 0.1 * k, "params": {"x": 1e-17 * k},
                      "scores": {"calibration": {"q:nse": float("nan")}}})
    store.close()
    before = (tmp_path / EVALUATIONS).read_bytes()
    assert json.loads(before.splitlines()[0])["scores"]["calibration"]["q:nse"] is None  # NaN -> null
    with open(tmp_path / EVALUATIONS, "ab") as fh:
        fh.write(b'{"id": 3, "key": "k3", "status": "ok", "lo')  # killed mid-write
    again = EvaluationStore(tmp_path, resume=True)
    assert [r["key"] for r in again.records] == ["k0", "k1", "k2"]
    assert (tmp_path / EVALUATIONS).read_bytes() == before  # cut, not rewritten
    again.append({"key": "k4", "status": "ok", "loss": 1.0, "params": {}, "scores": {}})
    again.close()
    after = (tmp_path / EVALUATIONS).read_bytes()
    assert after.startswith(before) and after.count(b"\n") == 4
    # a whole last line without its newline is also treated as torn (it is re-evaluated)
    with open(tmp_path / EVALUATIONS, "ab") as fh:
        fh.write(b'{"id": 5, "key": "k5", "status": "ok", "loss": 1.0, "params": {}, "scores": {}}')
    third = EvaluationStore(tmp_path, resume=True)
    third.close()
    assert (tmp_path / EVALUATIONS).read_bytes() == after


def test_chunks_cover_every_vector_once():
    from hydro.calibration.executors import chunks

    assert [list(c) for c in chunks(5, 2, None)] == [[0], [1], [2], [3], [4]]
    for n, workers, seconds in ((60, 2, 0.003), (60, 8, 0.003), (7, 2, 1e-6), (30, 2, 0.5), (1, 4, 0.001)):
        parts = chunks(n, workers, seconds)
        assert [i for c in parts for i in c] == list(range(n))
        assert all(len(c) <= max(1, int(0.05 / seconds)) for c in parts)
        if n >= 8 * workers:
            assert len(parts) >= 4 * workers or all(len(c) == 1 for c in parts)
    assert chunks(0, 2, 0.01) == []


def test_executor_chosen_by_job_size(lumped, monkeypatch):
    import hydro.calibration.executors as ex

    problem = Problem(CalibrationConfig.from_toml(lumped))
    monkeypatch.setattr(ex.os, "cpu_count", lambda: 8)
    assert ex.choose_executor(problem, 300, 0.003) == ("serial", 1)  # 0.9 s of work
    kind, workers = ex.choose_executor(problem, 2000, 0.5)  # 1000 s of work
    assert kind == "processes" and workers == 8
    kind, workers = ex.choose_executor(problem, 2000, 0.004)  # 8 s: a few workers
    assert kind == "processes" and 2 <= workers <= 3
    monkeypatch.setattr(ex.os, "cpu_count", lambda: 1)
    assert ex.choose_executor(problem, 2000, 0.5) == ("serial", 1)


def test_default_executor_runs_small_jobs_here(lumped, tmp_path):
    r = calibrate(CalibrationConfig.from_toml(lumped), tmp_path / "out")
    assert r.summary["executor"] == "serial"  # 240 evaluations of a few ms


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX processes")
def test_watchdog_ends_a_process_when_the_calibration_dies(tmp_path):
    """The parent-death watch given to the processes of a local Dask cluster."""
    script = tmp_path / "parent.py"
    script.write_text(
        "import multiprocessing as mp, os, sys, time\n"
        f"sys.path.insert(0, {str(ROOT)!r})\n"
        "from hydro.workers import watch_parent\n"
        "def child(pid):\n"
        "    watch_parent(pid)\n"
        "    time.sleep(60)\n"
        "if __name__ == '__main__':\n"
        "    p = mp.get_context('spawn').Process(target=child, args=(os.getpid(),))\n"
        "    p.start()\n"
        "    print(p.pid, flush=True)\n"
        "    time.sleep(60)\n")
    proc = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, text=True)
    child = int(proc.stdout.readline())
    proc.kill()
    proc.wait(timeout=10)
    end = time.monotonic() + 15
    while time.monotonic() < end:
        try:
            os.kill(child, 0)
        except ProcessLookupError:
            return
        time.sleep(0.1)
    os.kill(child, 9)
    pytest.fail("the watched process outlived its parent")


def test_compiled_baseflow_filter_equals_python():
    from hydro.runoff_observed import _filter_pass

    q = np.abs(np.random.default_rng(2).normal(1.0, 1.0, 3000))
    for alpha in (0.0, 0.5, 0.925, 0.995):
        np.testing.assert_array_equal(_filter_pass(q, alpha, np.nan, 0.0), _filter_pass.py_func(q, alpha, np.nan, 0.0))
