"""Batches on the executors of calibration: serial, local processes, a real Dask cluster.

Ensembles and scenario batches run their members as tasks that return reduced results;
a failed member is reported and the batch goes on (exit status 3).  The Dask tests start
a real ``distributed.LocalCluster`` (two in-process workers: a few seconds) and pass its
address as ``--scheduler``.  Runs use the example watershed over a few months.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
from datetime import date

import numpy as np
import pytest
from click.testing import CliRunner

from hydro.basin import ROOT
from hydro.batch import FAIL_ENV, DaskExecutor, ProcessExecutor, SerialExecutor, make_executor, run_batch
from hydro.cli import main
from hydro.ensemble import run_ensemble
from hydro.outputspec import OutputSpec

WATERSHED = ROOT / "configs" / "examples" / "watershed"
SCENARIOS = ROOT / "configs" / "scenarios" / "watershed.toml"
START, END = date(2021, 1, 1), date(2021, 4, 30)


def invoke(*args):
    return CliRunner(mix_stderr=False).invoke(main, [str(a) for a in args]) if _mix() else \
        CliRunner().invoke(main, [str(a) for a in args])


def _mix() -> bool:
    import inspect

    return "mix_stderr" in inspect.signature(CliRunner).parameters


def output(result) -> str:
    text = result.output
    with contextlib.suppress(ValueError, AttributeError):  # stderr not captured apart
        text += result.stderr
    return text


def square_or_fail(x):
    """A task: fails for 3."""
    if x == 3:
        raise ValueError("three is not allowed")
    return x * x


def unpicklable_for_one(x):
    """A task whose result for 1 cannot be sent back from a worker (a lock)."""
    import threading

    return threading.Lock() if x == 1 else 10 * x


def death_signal(_):
    """A task: the signal this worker gets when its parent dies (Linux prctl)."""
    import ctypes

    value = ctypes.c_int(0)
    ctypes.CDLL(None).prctl(2, ctypes.byref(value), 0, 0, 0)  # PR_GET_PDEATHSIG
    return value.value


@pytest.fixture(scope="module")
def cluster():
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False,
                                  dashboard_address=":0") as c:
        yield c


def check_batch(executor):
    outcomes = dict(run_batch(square_or_fail, [0, 1, 2, 3, 4], executor=executor))
    assert sorted(outcomes) == [0, 1, 2, 3, 4]
    assert [outcomes[i].value for i in (0, 1, 2, 4)] == [0, 1, 4, 16]
    assert not outcomes[3].ok and "ValueError: three is not allowed" in outcomes[3].error


def test_a_failed_task_is_reported_and_the_batch_goes_on(cluster):
    check_batch(SerialExecutor())
    pool = ProcessExecutor(2)
    try:
        check_batch(pool)
    finally:
        pool.close()
    dask = DaskExecutor(scheduler=cluster.scheduler_address)
    try:
        assert dask.workers == 2
        check_batch(dask)
    finally:
        dask.close()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="prctl is Linux-only")
def test_local_workers_die_with_their_parent():
    pool = ProcessExecutor(2)
    try:
        outcomes = dict(run_batch(death_signal, [0, 1], executor=pool))
    finally:
        pool.close()
    assert {o.value for o in outcomes.values()} == {signal.SIGKILL}


def test_executor_choice():
    assert isinstance(make_executor(workers=1), SerialExecutor)
    assert isinstance(make_executor(tasks=1), SerialExecutor)
    with pytest.raises(Exception, match="choose one way"):
        make_executor(workers=2, scheduler="tcp://127.0.0.1:1")


def test_ensemble_on_a_dask_cluster_equals_the_serial_one(cluster):
    spec = OutputSpec(aggregate="monthly", locations=("outlet",))
    serial = run_ensemble("watershed", 3, 5, START, END, workers=1, quiet=True, output=spec)
    dask = run_ensemble("watershed", 3, 5, START, END, quiet=True, output=spec,
                        scheduler=cluster.scheduler_address)
    assert serial.leading == ("member",) and serial["section_tn_concentration"].shape == (3, 4, 1)
    assert serial.coords["section"] == ["outlet"] and serial.attrs["time_aggregation"] == "monthly"
    for name in serial.data:
        np.testing.assert_array_equal(dask[name], serial[name])


def test_cli_ensemble_with_scheduler_and_a_failed_member(cluster, tmp_path, monkeypatch):
    xr = pytest.importorskip("xarray")
    out = tmp_path / "e.nc"
    r = invoke("run", "watershed", "--members", "3", "--seed", "5", "--start", START, "--end", END,
               "--aggregate", "monthly", "--scheduler", cluster.scheduler_address, "-o", out, "-q")
    assert r.exit_code == 0, output(r)
    with xr.open_dataset(out) as ds:
        assert ds["section_tn_concentration"].dims == ("member", "time", "section")
        assert ds.sizes["member"] == 3 and ds.sizes["time"] == 4
        assert ds["section_tn_concentration"].attrs["cell_methods"] == "time: mean"
        assert ds.attrs["weather_seed"] == "5+member" and "members_failed" not in ds.attrs
        good = ds["section_tn_concentration"].values.copy()
    monkeypatch.setenv(FAIL_ENV, "1")
    r = invoke("run", "watershed", "--members", "3", "--seed", "5", "--start", START, "--end", END,
               "--aggregate", "monthly", "--workers", "1", "-o", tmp_path / "f.nc", "-q")
    assert r.exit_code == 3, output(r)
    assert "member 1 failed: RuntimeError" in output(r)
    with xr.open_dataset(tmp_path / "f.nc") as ds:
        assert ds.attrs["members_failed"] == "1"
        values = ds["section_tn_concentration"].values
        assert np.isnan(values[1]).all()
        np.testing.assert_allclose(values[[0, 2]], good[[0, 2]], rtol=5e-7)
    monkeypatch.setenv(FAIL_ENV, "0,1,2")
    r = invoke("run", "watershed", "--members", "3", "--start", START, "--end", END, "--workers", "1",
               "-o", tmp_path / "g.nc", "-q")
    assert r.exit_code == 3 and "every member" in output(r) and not (tmp_path / "g.nc").exists()
    assert not [p for p in os.listdir(tmp_path) if p.endswith(".part")]


def test_cli_scenarios_on_a_dask_cluster(cluster, tmp_path, monkeypatch):
    xr = pytest.importorskip("xarray")
    out = tmp_path / "s.nc"
    args = ["scenarios", WATERSHED, SCENARIOS, "--start", "2001-01-01", "--end", "2001-12-31",
            "--scenario", "domestic", "--members", "2", "--seed", "3", "-q"]
    r = invoke(*args, "-o", out, "--scheduler", cluster.scheduler_address)
    assert r.exit_code == 0, output(r)
    with xr.open_dataset(out) as ds:
        assert list(ds["scenario"].values) == ["baseline", "domestic"]
        assert ds["ensemble_section_tn_concentration"].dims == ("scenario", "member", "time", "section")
    # a failed scenario (task 1: domestic) is left out, the batch goes on, exit status 3
    monkeypatch.setenv(FAIL_ENV, "1")
    r = invoke(*args[:-3], "-q", "-o", tmp_path / "f.nc", "--workers", "1")
    assert r.exit_code == 3, output(r)
    text = output(r)
    assert "scenario domestic failed" in text
    with xr.open_dataset(tmp_path / "f.nc") as ds:
        assert list(ds["scenario"].values) == ["baseline"] and ds.attrs["scenarios_failed"] == "domestic"


def test_a_local_dask_cluster_of_worker_processes():
    """--dask-workers N: a LocalCluster of N one-thread worker processes, started and stopped."""
    pytest.importorskip("distributed")
    import math

    outcomes = dict(run_batch(math.sqrt, [4.0, 9.0, -1.0], dask_workers=1))
    assert outcomes[0].value == 2.0 and outcomes[1].value == 3.0
    assert not outcomes[2].ok and "math domain error" in outcomes[2].error


@pytest.mark.parametrize("address", ["nonsense", "tcp://head", "http://head:8786", "tcp://head:port"])
def test_a_malformed_scheduler_address_is_refused_before_a_client_is_made(monkeypatch, address):
    # the half-built Client of "--scheduler nonsense" waited 20 s at exit and printed a traceback
    pytest.importorskip("distributed")
    import distributed

    from hydro.batch import connect_dask
    from hydro.errors import HydroError

    def no_client(*args, **kwargs):
        raise AssertionError("a Client was made")

    monkeypatch.setattr(distributed, "Client", no_client)
    with pytest.raises(HydroError, match=r"^--scheduler .*: not a scheduler address .*tcp://host:8786"):
        connect_dask(address, None)


def test_a_mistake_in_the_request_stops_before_any_member_runs(tmp_path):
    r = invoke("run", "watershed", "--members", "2", "--workers", "1", "--variables", "section_tn_conc",
               "-o", tmp_path / "e.nc")
    assert r.exit_code == 2 and "no output variable 'section_tn_conc'" in output(r)
    r = invoke("run", "watershed", "--members", "2", "--workers", "1", "--locations", "outlett",
               "-o", tmp_path / "e.nc")
    assert r.exit_code == 2 and "did you mean 'outlet'" in output(r)
    r = invoke("run", "tiny", "--scheduler", "tcp://127.0.0.1:1", "-o", tmp_path / "t.nc")
    assert r.exit_code == 2 and "add --members" in output(r)


def test_a_result_that_cannot_come_back_fails_that_task_only():
    """A task that ran but whose result the executor cannot return (it cannot be pickled; a worker Dask
    lost) is a failed task with the executor's reason, and the others go on (mutation audit 2026-12-05:
    taking it for a success without a value lost the whole ensemble file)."""
    pool = ProcessExecutor(2)
    try:
        outcomes = dict(run_batch(unpicklable_for_one, [0, 1, 2], executor=pool))
    finally:
        pool.close()
    assert outcomes[0].value == 0 and outcomes[2].value == 20
    assert not outcomes[1].ok and outcomes[1].error.startswith("in the executor: TypeError")


def test_a_failed_member_on_one_worker_is_reported_and_the_file_keeps_the_others(tmp_path, monkeypatch):
    """``--workers 1`` (no Dask needed): member 1 fails, the file holds members 0 and 2, exit 3; every
    member failing writes no file (the failed-member checks of the cluster tests, where ``distributed``
    is not installed)."""
    out = tmp_path / "e.nc"
    monkeypatch.setenv(FAIL_ENV, "1")
    run = CliRunner().invoke(main, ["run", "watershed", "--members", "3", "--workers", "1", "--end", "2001-01-31",
                                    "-o", str(out), "-q"])
    assert run.exit_code == 3 and "member 1 failed" in run.output
    import netCDF4

    with netCDF4.Dataset(out) as nc:
        assert nc.getncattr("members_failed") == "1" and len(nc.dimensions["member"]) == 3
    monkeypatch.setenv(FAIL_ENV, "0,1,2")
    none = tmp_path / "none.nc"
    run = CliRunner().invoke(main, ["run", "watershed", "--members", "3", "--workers", "1", "--end", "2001-01-31",
                                    "-o", str(none), "-q"])
    assert run.exit_code == 3 and "no file was written" in run.output and not none.exists()
