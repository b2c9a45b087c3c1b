"""Final review of 2026-12-01: what one area's change left inconsistent in another."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from hydro.cli import main


@pytest.mark.parametrize("day", ["20150101", "2015-W01-4", "2015-001"])
@pytest.mark.parametrize("command", ["run", "scenarios"])
def test_start_and_end_take_yyyy_mm_dd_only(tmp_path, command, day):
    """Table.date and the CSV readers refuse the basic and ISO-week forms that Python 3.11's
    date.fromisoformat parses; --start/--end took them (20150101 ran from 2015-01-01), so one
    date had two rules. Refused before the basin is simulated, naming the option."""
    args = [command, "watershed"]
    if command == "scenarios":
        args.append(str(tmp_path / "none.toml"))
    for option in ("--start", "--end"):
        other = "--end" if option == "--start" else "--start"
        result = CliRunner().invoke(main, [*args, option, day, other, "2005-01-01", "-o", str(tmp_path / "x.nc")])
        assert result.exit_code == 2, result.output
        assert f"{option}: expected a date YYYY-MM-DD, got '{day}'" in result.output


def test_api_dates_take_yyyy_mm_dd_only():
    from hydro.errors import HydroError
    from hydro.model_values import as_date as _date

    assert str(_date(" 2015-01-31 ", "start")) == "2015-01-31"
    with pytest.raises(HydroError, match="start: expected a date YYYY-MM-DD"):
        _date("20150131", "start")


def _border_volumes(path, sections=("gubeikou", "baihe_border", "qingshui_outlet")):
    """Yearly volume (1e8 m3) through the sections, from the daily discharge."""
    import xarray as xr

    with xr.open_dataset(path) as ds:
        q = ds.section_discharge.sel(section=list(sections)).sum("section") * 86400.0
        return (q.groupby("time.year").sum() / 1e8).load()


def test_border_volumes_agreements_md_quotes(tmp_path):
    """docs/agreements.md (phase 1): the three border rivers carry 0.62-1.3e8 m3 a year in
    2018-2020 on synthetic weather (seed 5), 0.3-2.9e8 (mean 1.1e8) in 2000-2016 on the station
    weather, five rivers 0.3-3.5e8: all below the 3.5e8 baseline except the five rivers' wettest
    year. The synthetic figure was 0.9-1.1e8 before the weather generator drew one stream per
    calendar year (13a63f5); the page was not updated. 0.65-1.3e8 until generated weather began
    three years before the run to warm the runoff stores up (823d344): 0.53-1.2e8, until a run
    on generated weather from a later start was spun up on the station record (the runoff stores
    of 2017-01-01 those of the 2000 run): 0.67-1.5e8, until Miyun's GR4J recalibration of
    2026-12-04 (station weather 0.3-3.0e8, mean 1.2e8, five rivers 0.3-3.6e8 before it). Checked
    to the digits quoted."""
    synthetic, station = tmp_path / "m1.nc", tmp_path / "m.nc"
    for args in (["--synthetic-weather", "5", "--start", "2017-01-01", "--end", "2020-12-31", "-o", synthetic],
                 ["--end", "2016-12-31", "-o", station]):
        result = CliRunner().invoke(main, ["run", "miyun", "-q", *map(str, args)])
        assert result.exit_code == 0, result.output
    v = _border_volumes(synthetic).sel(year=slice(2018, 2020))
    assert (round(float(v.min()), 2), round(float(v.max()), 1)) == (0.62, 1.3)
    v = _border_volumes(station).sel(year=slice(2000, 2016))
    assert (round(float(v.min()), 1), round(float(v.max()), 1), round(float(v.mean()), 1)) == (0.3, 2.9, 1.1)
    five = _border_volumes(station, ("gubeikou", "baihe_border", "qingshui_outlet", "hei_outlet", "tang_outlet"))
    five = five.sel(year=slice(2000, 2016))
    assert (round(float(five.min()), 1), round(float(five.max()), 1)) == (0.3, 3.5)


def test_run_page_shows_the_summary_tiny_prints(tmp_path, monkeypatch):
    """docs/commands/run.md's example summary is what `hydro run tiny` prints on stdout, line for
    line (it showed TN alone, one section and sub-steps 23-27: the example basin has carried TP
    and four sections since before 2026-12-01). Exact: the run is deterministic."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    page = (root / "docs" / "commands" / "run.md").read_text(encoding="utf-8")
    block = re.search(r"```\n(basin tiny .*?)```", page, flags=re.S)
    assert block, "the example summary of hydro run tiny is gone from run.md"
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["run", str(root / "configs" / "examples" / "tiny"), "-o", "tiny.nc"])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == block.group(1).splitlines()


@pytest.mark.parametrize("message, disk", [
    ("NetCDF: HDF error", True),             # what a full disk gives (d24bda0)
    ("NetCDF: Can't write file", True),
    ("NetCDF: String match to name in use", False),   # a variable defined twice: a bug
    ("NetCDF: Invalid dimension ID or name", False),
    ("NetCDF: Not a valid data type or _FillValue type mismatch", False),
])
def test_only_netcdfs_file_system_errors_read_as_a_refused_write(tmp_path, message, disk):
    """atomic_path turned every RuntimeError('NetCDF: ...') raised while a file was written into
    'writing failed ...: free disk space', so a programming error in a writer (a name defined
    twice, a wrong dimension) sent the user to free disk space and lost its traceback, which
    write_failure's docstring says it keeps."""
    from hydro.errors import HydroError
    from hydro.outputs import atomic_path

    expected = HydroError if disk else RuntimeError
    with pytest.raises(expected) as err, atomic_path(tmp_path / "x.nc"):
        raise RuntimeError(message)
    assert (err.type is HydroError) == disk
    if disk:
        assert "x.nc: writing failed (" + message in str(err.value)
    assert not (tmp_path / "x.nc").exists() and not list(tmp_path.iterdir())


def test_a_file_of_members_counts_every_members_days_below_the_ecological_minimum(tmp_path):
    """ecological_min_unmet_days (7764f4d) was copied from the first member written (member 0
    in one process, any member with workers) into an ensemble's file, as if it were the file's;
    it is the sum over the members (member-days), as over the blocks of one run. Each member's
    count is taken from its own run (--synthetic-weather S is member 0 of --seed S)."""
    import xarray as xr

    from hydro.ensemble import run_ensemble

    period = ["--start", "2001-01-01", "--end", "2002-12-31"]
    dry = "reservoirs.lake.ecological_min_m3_s=30"  # more than the lake can give on most days
    counts = []
    for seed in (1, 2):
        path = tmp_path / f"s{seed}.nc"
        result = CliRunner().invoke(main, ["run", "watershed", "--synthetic-weather", str(seed), *period,
                                           "--set", dry, "-o", str(path), "-q"])
        assert result.exit_code == 0, result.output
        with xr.open_dataset(path) as ds:
            name, days = ds.attrs["ecological_min_unmet_days"].split("=")
        counts.append(int(days))
    assert counts[0] != counts[1]  # or the test cannot tell a sum from one member
    path = tmp_path / "ens.nc"
    result = CliRunner().invoke(main, ["run", "watershed", "--members", "2", "--seed", "1", *period, "--set", dry,
                                       "--workers", "1", "-o", str(path), "-q"])
    assert result.exit_code == 0, result.output
    with xr.open_dataset(path) as ds:
        assert ds.attrs["ecological_min_unmet_days"] == f"{name}={sum(counts)}"
    from datetime import date

    res = run_ensemble("watershed", 2, 1, date(2001, 1, 1), date(2002, 12, 31), overrides=[dry], workers=1,
                       quiet=True)
    assert res.attrs["ecological_min_unmet_days"] == f"{name}={sum(counts)}"


_BARRIER = None


def _die_on_3(x):
    import os

    if x == 3:
        os._exit(1)  # as an out-of-memory kill would
    return x


def _meet(x):
    """Returns once another task runs at the same time (BrokenBarrierError after 10 s alone)."""
    _BARRIER.wait(timeout=10)
    return x


def test_a_pool_broken_by_the_last_task_runs_the_next_batch_in_parallel(monkeypatch):
    """908d4e6 restarts a broken pool only for the tasks a dead worker lost. A culprit retried
    alone at the end of a batch leaves the pool broken, so every task of the next batch (the next
    DE generation) failed to submit and was retried one at a time: the whole batch ran serially.
    Now a run starts on a working pool: two tasks that must run at the same time meet."""
    import multiprocessing as mp

    import hydro.batch as batch

    global _BARRIER
    monkeypatch.setattr(batch, "_start_method", lambda: "fork")  # the test's functions, inherited
    ex = batch.ProcessExecutor(2)
    try:
        got = dict(ex.run(_die_on_3, [3]))
        assert "worker process died" in got[0].error
        _BARRIER = mp.get_context("fork").Barrier(2)  # before the next pool forks its workers
        again = dict(ex.run(_meet, [0, 1, 2, 3]))
        assert {i: (o.ok, o.value) for i, o in again.items()} == {i: (True, i) for i in range(4)}, again
    finally:
        ex.close()
