"""Review of what a run writes, checked by independent means (2026-12-01).

* Monthly and yearly means of every variable on ``time`` recomputed from the daily file with
  xarray's ``resample`` (a run that starts mid-month, across a leap February, with partial first
  and last years), with their CF time bounds and ``cell_methods``.
* A selection of variables and locations holds exactly the full file's values.
* A run in time blocks shows progress per block on stderr (nothing with ``--quiet``), and one
  stopped between blocks (Ctrl-C) leaves the file it was to replace as it was and no temporary.
* ``RunSummary`` keeps what ``benchmarks/scaling.py`` reads (it failed on every blocked case).

Tolerances: a mean written in 64 bits equals xarray's mean of the 64-bit days to the round-off
of a sum of at most 366 terms (1e-13 of the variable's largest value); 32-bit variables to
their float32 rounding (2^-23 of it, so 2e-7).
"""

from __future__ import annotations

import re
from datetime import date

import numpy as np
import pytest
from click.testing import CliRunner

from hydro.basin import ROOT, Basin
from hydro.cli import main
from hydro.outputspec import OutputSpec
from hydro.simulation import run

xr = pytest.importorskip("xarray")

START, END = date(2003, 3, 15), date(2004, 5, 10)  # mid-month start, leap February, partial years


@pytest.fixture(scope="module")
def watershed():
    return run(Basin.load("watershed"), START, END)


@pytest.fixture(scope="module")
def daily(watershed, tmp_path_factory):
    return watershed.to_netcdf(tmp_path_factory.mktemp("review") / "daily.nc", spec=OutputSpec(float32=False))


@pytest.mark.parametrize("aggregate, freq, n", [("monthly", "MS", 15), ("yearly", "YS", 2)])
def test_every_mean_equals_xarrays_resample_of_the_days(watershed, daily, tmp_path, aggregate, freq, n):
    path = watershed.to_netcdf(tmp_path / f"{aggregate}.nc", spec=OutputSpec(aggregate=aggregate))
    with xr.open_dataset(daily) as d, xr.open_dataset(path) as a:
        assert a.sizes["time"] == n and a.attrs["time_aggregation"] == aggregate
        # bounds: the first simulated day of each period and the day after its last
        expected = d["time"].resample(time=freq)
        first = expected.min().values
        after = expected.max().values + np.timedelta64(1, "D")
        np.testing.assert_array_equal(a["time"].values, first)
        np.testing.assert_array_equal(a["time_bnds"].values, np.stack([first, after], axis=1))
        assert a["time"].attrs["bounds"] == "time_bnds"
        on_time = [k for k, v in d.data_vars.items() if "time" in v.dims]
        assert sorted(k for k, v in a.data_vars.items() if "time" in v.dims and k != "time_bnds") == sorted(on_time)
        for name in on_time:
            # a state (at the end of the day: storages, reservoir concentrations) is the period's last day's
            state = watershed.declaration(name).state
            how = d[name].astype("f8").resample(time=freq)
            want = (how.last(skipna=False) if state else how.mean(skipna=False)).transpose(*d[name].dims).values
            got = a[name].values.astype("f8")
            assert a[name].attrs["cell_methods"] == ("time: point" if state else "time: mean"), name
            scale = float(np.nanmax(np.abs(want))) or 1.0
            tol = 2e-7 if a[name].dtype == np.float32 else 1e-13
            np.testing.assert_allclose(got, want, rtol=0, atol=tol * scale, err_msg=name)
        for name, v in d.data_vars.items():  # budgets and other variables on year: unchanged
            if "budget_year" in v.dims:
                np.testing.assert_array_equal(a[name].values, v.values, err_msg=name)


@pytest.mark.parametrize("aggregate", ["daily", "monthly"])
def test_a_selection_holds_exactly_the_full_files_values(watershed, tmp_path, aggregate):
    keep = ("section_tn_concentration", "tn_source_load", "reservoir_storage", "tn_budget_reach",
            "subbasin_runoff")
    places = ("outlet", "border", "west_upper")
    full = watershed.to_netcdf(tmp_path / "full.nc", spec=OutputSpec(aggregate=aggregate))
    cut = watershed.to_netcdf(tmp_path / "cut.nc", spec=OutputSpec(aggregate=aggregate, variables=keep,
                                                                   locations=places))
    with xr.open_dataset(full) as f, xr.open_dataset(cut) as c:
        assert sorted(k for k in c.data_vars if k != "time_bnds") == sorted(keep)
        assert list(c["section"].values) == [s for s in f["section"].values if s in places]
        assert list(c["reach"].values) == [r for r in f["reach"].values if r in places]
        assert c.sizes["subbasin"] == f.sizes["subbasin"]  # no subbasin listed: kept whole
        for name in keep:
            sel = {d: c[d].values for d in c[name].dims if d in ("section", "reach")}
            want = f[name].sel(sel).values
            assert c[name].dtype == f[name].dtype, name
            np.testing.assert_array_equal(c[name].values, want, err_msg=name)


@pytest.fixture(scope="module")
def three_years(tmp_path_factory):
    from hydro.validation.problems import synthetic_watershed

    return synthetic_watershed(tmp_path_factory.mktemp("review-blocks"), n_subbasin=4, n_reservoir=1, years=3)


def test_a_blocked_run_shows_progress_per_block_and_nothing_when_quiet(three_years, tmp_path):
    said = CliRunner().invoke(main, ["run", str(three_years), "-o", str(tmp_path / "b.nc"), "--block-years", "1"])
    assert said.exit_code == 0, said.output
    assert "3 blocks of at most 1 calendar year; first, two passes of the water over the whole run" in said.stderr
    lines = [x for x in said.stderr.splitlines() if " blocks |" in x]
    assert [re.search(r"(\d)/3 blocks", x).group(1) for x in lines] == ["1", "2", "3"], said.stderr
    assert "2001-01-01 to 2001-12-31 written" in lines[0] and "2003-12-31 written" in lines[-1]
    assert "written:" in said.stdout
    quiet = CliRunner().invoke(main, ["run", str(three_years), "-o", str(tmp_path / "q.nc"), "--block-years", "1",
                                      "--quiet"])
    assert quiet.exit_code == 0 and quiet.stdout == "" and quiet.stderr == ""


def test_a_blocked_run_stopped_between_blocks_keeps_the_file_it_was_to_replace(three_years, tmp_path,
                                                                                monkeypatch):
    from hydro import netcdf
    from hydro.blocked_run import write_blocked

    b = Basin.load(three_years)
    out = tmp_path / "kept.nc"
    out.write_bytes(b"an earlier result")
    real, calls = netcdf.BlockWriter.write, []

    def interrupted(self, res):
        calls.append(res.dates[0])
        if len(calls) == 2:  # the first block is in the temporary file: Ctrl-C now
            raise KeyboardInterrupt
        real(self, res)

    monkeypatch.setattr(netcdf.BlockWriter, "write", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_blocked(b, b.settings.start, b.settings.end, out, block_years=1, overwrite=True)
    assert out.read_bytes() == b"an earlier result"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kept.nc"]


def test_the_run_summary_keeps_what_the_scaling_benchmark_reads(three_years):
    """benchmarks/scaling.py reads ``summary.<name>`` of a blocked run's RunSummary; a name it
    reads that the summary lacks stopped every blocked case (the 100 x 100 memory target)."""
    from hydro.blocked import run_blocks
    from hydro.run_summary import RunSummary

    text = (ROOT / "benchmarks" / "scaling.py").read_text()
    read = set(re.findall(r"\bsummary\.(\w+)", text))
    assert {"days", "substeps_total", "blocks"} <= read
    b = Basin.load(three_years)
    summary, steps = RunSummary(), 0
    for res in run_blocks(b, b.settings.start, b.settings.end, 1):
        summary.add(res)
        steps += int(res["transport_substeps"].sum())
    assert all(hasattr(summary, name) for name in read), read
    assert summary.blocks == 3 and summary.substeps_total == steps and summary.days == 365 * 3


@pytest.mark.parametrize("basin, name, why", [
    ("tiny", "subbasin_runoff", "flow-driven basin has no \\[\\[subbasins\\]\\]"),
    ("tiny", "tn_source_load", "flow-driven basin"),
    ("watershed", "gauge_observed_discharge", "no \\[\\[gauges\\]\\]"),
    ("watershed", "ensemble_section_discharge", "hydro scenarios"),
    ("watershed", "measure_capital_cost", "hydro scenarios"),
])
def test_a_variable_the_basins_run_never_has_is_refused_before_the_run(basin, name, why, tmp_path, monkeypatch):
    """It was accepted, the whole run simulated, and then refused (minutes to hours on a long run)."""
    import hydro.simulation

    def no_run(*a, **k):
        raise AssertionError("the run started")

    monkeypatch.setattr(hydro.simulation, "run", no_run)
    said = CliRunner().invoke(main, ["run", basin, "-o", str(tmp_path / "x.nc"), "--variables", f"discharge,{name}"])
    assert said.exit_code == 2, said.output
    assert re.search(f"has no '{name}' \\(.*{why}", said.output), said.output
    assert "Traceback" not in said.output and not (tmp_path / "x.nc").exists()


def test_time_blocks_names_the_longest_block(tmp_path):
    """A run from mid-June in 2-year blocks: 2003-2004 and 2005, so the blocks are of at most 2
    calendar years (the attribute once said 1, from the last block). Since b2de569 a short first
    block is a block of its own (it took the next year when the wash-off store started from the
    block's first 365 days only)."""
    import netCDF4

    from hydro.blocked_run import write_blocked

    b = Basin.load("watershed")
    out = tmp_path / "b.nc"
    write_blocked(b, date(2003, 6, 15), date(2005, 3, 1), out, block_years=2)
    with netCDF4.Dataset(out) as nc:
        assert nc.getncattr("time_blocks") == "2 blocks of at most 2 calendar years"


def test_the_run_summary_of_a_section_without_flow_says_so_without_a_warning():
    """A section dry over the whole run (a river taken by its withdrawals) printed 'nan mg/L'
    after a numpy RuntimeWarning on stderr; the other sections' means are unchanged."""
    import warnings
    from datetime import timedelta

    from hydro.results import Results
    from hydro.run_summary import RunSummary

    days = [date(2000, 1, 1) + timedelta(days=k) for k in range(5)]
    res = Results(coords={"time": days, "section": ["dry", "wet"]}, attrs={"basin": "b", "scenario": "s"},
                  constituents={"tn": "total nitrogen"})
    res.add("section_discharge", np.array([[0.0, 2.0]] * 5))
    res.add("section_tn_load", np.array([[0.0, 86.4 * 2.0 * 1.5]] * 5))  # 1.5 mg/L at 2 m3/s, kg/d
    summary = RunSummary()
    summary.add(res)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        text = summary.text()
    assert "dry                  Q    0.000 m3/s  tn     n/a (no flow)" in text
    assert "wet                  Q    2.000 m3/s  tn   1.500 mg/L" in text


@pytest.mark.parametrize("aggregate, means", [("monthly", 15), ("yearly", 2)])
def test_info_on_an_aggregated_file_gives_the_days_it_covers(watershed, tmp_path, aggregate, means):
    """`hydro info` took the periods' first days for the days: a monthly file of 2003-03-15 ..
    2004-05-10 read 'period: 2003-03-15 to 2004-05-01 (15 days)' and listed every year as covered
    only on those days ('1 Jan-1 Dec only')."""
    from hydro.summary import describe

    text = describe(str(watershed.to_netcdf(tmp_path / "a.nc", spec=OutputSpec(aggregate=aggregate))))
    days = (END - START).days + 1
    assert f"period: 2003-03-15 to 2004-05-10 ({days} days, {means} {aggregate} means)" in text
    assert "partial calendar years: 2003 (15 Mar-31 Dec only), 2004 (1 Jan-10 May only)" in text


def test_time_blocks_of_a_run_that_makes_one_block(tmp_path):
    """In blocks of two years from mid-June to the next 31 December: one block of 2 calendar
    years (it said '1 blocks of at most 1 calendar years')."""
    import netCDF4

    from hydro.blocked_run import write_blocked

    out = tmp_path / "one.nc"
    write_blocked(Basin.load("watershed"), date(2003, 6, 15), date(2004, 12, 31), out, block_years=2)
    with netCDF4.Dataset(out) as nc:
        assert nc.getncattr("time_blocks") == "1 block of 2 calendar years"
