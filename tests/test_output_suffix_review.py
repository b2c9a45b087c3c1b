"""An output that is not named as a netCDF file is refused before any work (review 2026-12-01).

``hydro run -o x.csv`` wrote a netCDF file named ``.csv``, which ``hydro compensate`` then read as
monitoring data; ``hydro scenarios -o`` already refused it (a7f235f). One rule for every writer of a
results file: :func:`hydro.outputspec.check_netcdf_name`.
"""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from hydro.cli import main
from hydro.monitoring import read_series
from hydro.outputspec import NETCDF_SUFFIXES, check_netcdf_name


@pytest.mark.parametrize("basin", ["tiny", "watershed"])   # a catchment file and a watershed basin
@pytest.mark.parametrize("name", ["r.csv", "r", "r.txt"])
def test_hydro_run_refuses_an_output_not_named_netcdf(tmp_path, basin, name):
    out = tmp_path / name
    r = CliRunner().invoke(main, ["run", basin, "-o", str(out), "-q"])
    assert r.exit_code == 2, r.output
    assert "hydro run writes a netCDF results file" in r.output and "ending in .nc" in r.output
    assert "Traceback" not in r.output
    assert not out.exists()


def test_the_run_scenario_path_refuses_it_too(tmp_path):
    out = tmp_path / "s.csv"
    r = CliRunner().invoke(main, ["run", "miyun", "--scenario", "baseline", "-o", str(out), "-q"])
    assert r.exit_code == 2, r.output
    assert "writes a netCDF results file" in r.output and not out.exists()


def test_every_reader_suffix_is_accepted_by_the_writers(tmp_path):
    # the writers accept exactly the names the readers take as results files
    for suffix in NETCDF_SUFFIXES:
        check_netcdf_name(tmp_path / f"r{suffix}", "hydro run")
        check_netcdf_name(tmp_path / f"R{suffix.upper()}", "hydro run")
    with pytest.raises(Exception, match="monitoring CSV"):
        read_series(tmp_path / "r.txt")


def test_results_to_netcdf_from_python_refuses_it_too(tmp_path):
    import hydro

    res = hydro.Model.from_basin("tiny").run_results()
    with pytest.raises(Exception, match=r"path '.*r\.csv': Results\.to_netcdf writes a netCDF results file"):
        res.to_netcdf(tmp_path / "r.csv")
    assert not (tmp_path / "r.csv").exists()
    assert res.to_netcdf(tmp_path / "r.nc").is_file()
