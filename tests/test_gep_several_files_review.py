"""Regression tests from a review of `hydro gep` with several files (2026-12-06): a basin column, an empty seed."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest
from click.testing import CliRunner

from hydro.basin import shipped_basins
from hydro.cli import main

PERIOD = ["--start", "2001-01-01", "--end", "2002-12-31"]


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    """The example watershed and a copy under another basin name (the same subbasin ids), over 2001-2002."""
    d = tmp_path_factory.mktemp("gep_review")
    twin = d / "twin"
    shutil.copytree(shipped_basins()["watershed"], twin)
    toml = twin / "basin.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace('name = "watershed"', 'name = "twin"', 1),
                    encoding="utf-8")
    for args in (["run", "watershed", *PERIOD, "-o", str(d / "a.nc"), "-q"],
                 ["run", str(twin), *PERIOD, "-o", str(d / "b.nc"), "-q"]):
        res = CliRunner().invoke(main, args)
        assert res.exit_code == 0, res.output
    return d


def _csv(files, *args):
    out = files / "out.csv"
    res = CliRunner().invoke(main, ["gep", *map(str, args), "-o", str(out), "--overwrite"])
    assert res.exit_code == 0, res.output
    return pd.read_csv(out, keep_default_na=False)


def test_rows_by_subbasin_of_several_files_say_which_basin_they_are_of(files):
    """By subbasin, two basins' rows share one CSV with nothing telling them apart (no basin column; `input`
    lists both files on every row): subbasin 'w1' of the watershed and of the twin are two identical keys."""
    both = _csv(files, files / "a.nc", files / "b.nc")
    assert "basin" in both.columns
    assert not both.duplicated(["basin", "scenario", "year", "subbasin", "pollutant"]).any()


def test_the_weather_seed_of_station_runs_is_empty(tmp_path):
    """docs/commands/gep.md: input_weather_seed is empty for a run on the station record; of two such files
    (Miyun and Guanting on their station records) it is '; '."""
    for basin in ("miyun", "guanting"):
        res = CliRunner().invoke(main, ["run", basin, "--start", "2015-01-01", "--end", "2015-12-31",
                                        "-o", str(tmp_path / f"{basin}.nc"), "-q"])
        assert res.exit_code == 0, res.output
    both = _csv(tmp_path, tmp_path / "miyun.nc", tmp_path / "guanting.nc", "--by", "county")
    assert set(both["input_weather_seed"]) == {""}
