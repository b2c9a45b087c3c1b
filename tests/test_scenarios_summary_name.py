"""Each results file of ``hydro scenarios`` has its own summary table (review of 2026-12-05, F4).

``-o X.nc`` and ``-o X.nc4`` (or ``X.netcdf``) both wrote ``X.summary.csv``: ``--overwrite`` of the
second replaced the first's table, which then sat beside results of another scenario set, unsaid.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from hydro.cli import main
from hydro.output_names import NETCDF_SUFFIXES, summary_name

SCENARIOS = Path(__file__).resolve().parents[1] / "configs" / "scenarios" / "watershed.toml"


@pytest.mark.parametrize(("out", "table"), [
    ("x.nc", "x.summary.csv"),  # as documented since the start
    ("x.nc4", "x.nc4.summary.csv"), ("x.netcdf", "x.netcdf.summary.csv"), ("x.NC", "x.NC.summary.csv"),
    ("x.nc4.nc", "x.nc4.nc.summary.csv"),  # not x.nc4.summary.csv, which is x.nc4's
    ("run.2005.nc", "run.2005.summary.csv"),
])
def test_the_summary_name(out, table):
    assert summary_name(Path("d") / out) == Path("d") / table


def test_no_two_results_names_share_a_table():
    stems = ["x", "x.nc", "x.nc4", "x.netcdf", "x.NC4", "a.b"]
    names = [s + suffix for s in stems for suffix in (*NETCDF_SUFFIXES, ".NC", ".Nc4")]
    tables = [summary_name(n) for n in names]
    assert len(set(tables)) == len(names)


def test_overwriting_x_nc4_leaves_the_table_of_x_nc_alone(tmp_path):
    period = ["--start", "2005-01-01", "--end", "2005-12-31", "-q", "--workers", "1"]
    first = CliRunner().invoke(main, ["scenarios", "watershed", str(SCENARIOS), "-o", str(tmp_path / "x.nc"),
                                      "--scenario", "domestic", *period])
    assert first.exit_code == 0, first.output
    before = (tmp_path / "x.summary.csv").read_bytes()
    second = CliRunner().invoke(main, ["scenarios", "watershed", str(SCENARIOS), "-o", str(tmp_path / "x.nc4"),
                                       "--scenario", "agriculture", "--overwrite", *period])
    assert second.exit_code == 0, second.output
    assert (tmp_path / "x.summary.csv").read_bytes() == before, "x.nc4's run replaced the table of x.nc"
    assert "agriculture" in (tmp_path / "x.nc4.summary.csv").read_text(encoding="utf-8")
