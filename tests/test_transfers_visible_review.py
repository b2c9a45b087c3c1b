"""Review of transfers made visible (issue 13): ``hydro info BASIN`` lists a basin's transfers with
their files, dates, days, volumes and TN; a ``--quiet`` run keeps what a reservoir short of water
let out of a release series in its file, and ``hydro info RESULTS.nc`` says it."""

from __future__ import annotations

import shutil

import pytest
from click.testing import CliRunner

from hydro.basin import ROOT

EXAMPLE = ROOT / "configs" / "examples" / "watershed"
PERIOD = ["run.start=2001-01-01", "run.end=2001-12-31", 'run.routing="accumulate"']


def add_transfer(folder, name, lines, **keys):
    (folder / name).write_text("\n".join(lines) + "\n", encoding="utf-8")
    table = f"\n[[transfers]]\ncsv = \"{name}\"\n" + "".join(
        f'{k} = "{v}"\n' if isinstance(v, str) else f"{k} = {v}\n" for k, v in keys.items())
    (folder / "basin.toml").write_text((folder / "basin.toml").read_text() + table)


def test_info_lists_a_basins_transfers(tmp_path):
    """Before, ``hydro info`` said nothing of ``[[transfers]]``. An inflow of 3.5 m3/s on 20 days of
    June 2001 (and 2 days in 1999, before the basin's period): 20 days, 3.5 * 86400 * 20 = 6.048e6 m3,
    at 1.34 mg/L 6.048e6 * 1.34 g = 8.1 t of TN; a release file with a gap."""
    from hydro.basin import Basin
    from hydro.summary import describe

    folder = tmp_path / "ws"
    shutil.copytree(EXAMPLE, folder)
    b = Basin.load(folder)
    first, last = b.settings.start, b.settings.end
    rows = ["date,flow_m3_s", "1999-01-01,3.5", "1999-01-02,3.5", *(f"2001-06-{d:02d},3.5" for d in range(1, 21))]
    add_transfer(folder, "in.csv", rows, id="pump", kind="inflow", reach=b.network.reaches[0].id,
                 origin="south-to-north", tn_mg_per_l=1.34)
    add_transfer(folder, "out.csv", ["date,flow_m3_s", "2001-07-01,1", "2001-07-05,1"], id="flush",
                 kind="release", reservoir="lake")
    text = describe(str(folder))
    assert all(len(x) <= 100 for x in text.splitlines())
    flat = " ".join(x.strip() for x in text.splitlines())
    assert f"transfers (2; totals over the basin's period {first} to {last}):" in flat
    assert (f"pump: inflow into reach {b.network.reaches[0].id}, from south-to-north; in.csv (daily, "
            "1999-01-01 to 2001-06-20); 20 days with a value, 6.048e+06 m3, TN 8.1 t (1.34 mg/L)") in flat
    assert ("flush: release from reservoir lake; out.csv (daily, 2001-07-01 to 2001-07-05); "
            "2 days with a value, 1.728e+05 m3") in flat


def test_info_of_a_basin_with_an_unreadable_series_says_so(tmp_path):
    from hydro.summary import describe

    folder = tmp_path / "ws"
    shutil.copytree(EXAMPLE, folder)
    add_transfer(folder, "out.csv", ["date,flow_m3_s", "2001-07-01,1", "2001-07-05,x"], id="flush",
                 kind="release", reservoir="lake")
    flat = " ".join(x.strip() for x in describe(str(folder)).splitlines())
    assert "cannot be read:" in flat and "out.csv, line 3" in flat and "sha256" in flat


def test_a_quiet_run_short_of_water_keeps_it_in_its_file_and_info_says_it(tmp_path):
    """A release of 1,000 m3/s through June from a lake of 1.2e8 m3: ``--quiet`` prints nothing, and
    the file's ``transfer_delivered_m3`` and ``hydro info`` (which listed the attribute raw, cut
    after four lines, with no share) say what was let out of the 2.592e9 m3 asked."""
    import netCDF4

    from hydro.cli import main

    folder = tmp_path / "ws"
    shutil.copytree(EXAMPLE, folder)
    add_transfer(folder, "t.csv", ["date,flow_m3_s", *(f"2001-06-{d:02d},1000" for d in range(1, 31))],
                 id="flush", kind="release", reservoir="lake")
    out = tmp_path / "r.nc"
    sets = [x for s in PERIOD for x in ("--set", s)]
    got = CliRunner().invoke(main, ["run", str(folder), *sets, "-o", str(out), "--quiet"])
    assert got.exit_code == 0, got.output
    assert "ran short" not in got.output
    with netCDF4.Dataset(out) as nc:
        delivered = float(nc.getncattr("transfer_delivered_m3").split("=")[1])
    assert 0 < delivered < 0.1 * 2.592e9
    info = CliRunner().invoke(main, ["info", str(out)])
    assert info.exit_code == 0, info.output
    flat = " ".join(info.output.split())
    assert (f"flush release (reservoir) 2.592e+09 m3 t.csv: file covers 2001-06-01..2001-06-30 of the run; "
            f"let out {delivered:.3e} m3 ({delivered / 2.592e9:.0%}): the reservoir ran short") in flat
    assert all(len(x) <= 100 for x in info.output.splitlines())


@pytest.mark.parametrize("value, expect", [
    ("flush=1.0e6", "let out 1.000e+06 m3 (50%)"),
    ("a:flush=1.0e6;b:flush=2.0e6", "let out in a 1.000e+06 m3 (50%)"),  # runs of a file that differ
])
def test_what_was_delivered_in_each_run_of_a_file(value, expect):
    from datetime import date

    from hydro.transfer_summary import run_transfer_lines

    attrs = {"transfers": "flush=release:reservoir:t.csv:2001-06-01..2001-06-30",
             "transfer_volume_m3": "flush=2.0e6", "transfer_delivered_m3": value}
    line = run_transfer_lines(attrs, date(2001, 1, 1), date(2001, 12, 31))[1]
    assert expect in line and line.count("let out") == 1


def test_volumes_that_differ_between_the_runs_of_a_file():
    """A file of runs that read different volumes ('label:id=m3'): before, the line said 'nan m3'."""
    from datetime import date

    from hydro.transfer_summary import run_transfer_lines

    attrs = {"transfers": "flush=release:reservoir:t.csv:2001-06-01..2001-06-30",
             "transfer_volume_m3": "a:flush=2.0e6;b:flush=3.0e6",
             "transfer_delivered_m3": "a:flush=1.0e6;b:flush=3.0e6"}
    line = run_transfer_lines(attrs, date(2001, 1, 1), date(2001, 12, 31))[1]
    assert "nan" not in line and "3.000e+06 m3 (the most of the runs: a 2.000e+06, b 3.000e+06)" in line
    assert "let out in a 1.000e+06 m3 (50%)" in line and "in b" not in line
