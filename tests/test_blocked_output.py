"""``hydro run --block-years``: a run written block by block makes the file a one-block run
makes (same variables, dimensions, types, coordinates and attributes; values equal to
round-off, see tests/test_blocked.py for the tolerance), daily or aggregated, cut to some
variables and places, and prints the same summary."""

from __future__ import annotations

import numpy as np
import pytest
from test_blocked import ROUND_OFF

#: Global attributes that differ by design: the command, the worst closures over blocks
#: (round-off), and the blocks themselves.
OWN_ATTRS = {"history", "water_balance_closure", "groundwater_n_balance_closure", "washoff_n_balance_closure",
             "land_inventory_closure",
             "time_blocks"}


@pytest.fixture(scope="module")
def basin(tmp_path_factory):
    from hydro.validation.problems import synthetic_watershed

    return synthetic_watershed(tmp_path_factory.mktemp("blocked-out"), n_subbasin=5, n_reservoir=1, years=3)


def _run(basin, out, *extra) -> str:
    from click.testing import CliRunner

    from hydro.cli import main

    done = CliRunner().invoke(main, ["run", str(basin), "-o", str(out), "--overwrite", *extra])
    assert done.exit_code == 0, done.output
    return done.stdout


def _compare(one_path, blocked_path):
    import netCDF4

    with netCDF4.Dataset(one_path) as a, netCDF4.Dataset(blocked_path) as b:
        assert {k: len(v) for k, v in a.dimensions.items()} == {k: len(v) for k, v in b.dimensions.items()}
        assert set(a.variables) == set(b.variables)
        assert {k: a.getncattr(k) for k in a.ncattrs() if k not in OWN_ATTRS} == \
            {k: b.getncattr(k) for k in b.ncattrs() if k not in OWN_ATTRS}
        assert "time_blocks" in b.ncattrs() and "time_blocks" not in a.ncattrs()
        for name, va in a.variables.items():
            vb = b.variables[name]
            assert va.dimensions == vb.dimensions and va.dtype == vb.dtype, name
            assert {k: str(va.getncattr(k)) for k in va.ncattrs()} == {k: str(vb.getncattr(k)) for k in vb.ncattrs()}
            x, y = va[:], vb[:]
            if va.dtype == str or x.dtype.kind not in "fi":
                assert np.array_equal(np.asarray(x), np.asarray(y)), name
                continue
            x, y = np.ma.filled(x.astype(float), np.nan), np.ma.filled(y.astype(float), np.nan)
            # 32-bit variables: their rounding to float32 may fall either side
            tol = ROUND_OFF if va.dtype != np.float32 else 2 ** -23
            scale = float(np.nanmax(np.abs(x))) if x.size else 0.0
            np.testing.assert_allclose(y, x, rtol=0, atol=tol * scale, err_msg=name)


@pytest.mark.parametrize("extra", [(), ("--aggregate", "monthly"), ("--aggregate", "yearly"),
                                   ("--locations", "r1,s2,res0", "--variables", "tn_load,tn_budget_reach,discharge")])
def test_file_written_block_by_block_equals_one_block(basin, tmp_path, extra):
    one, blocked = tmp_path / "one.nc", tmp_path / "blocked.nc"
    said_one = _run(basin, one, "--block-years", "0", *extra)
    said_blocked = _run(basin, blocked, "--block-years", "1", *extra)
    _compare(one, blocked)
    if not extra:  # the summary: same lines, but the closures (round-off) and the file name
        keep = [line for line in said_one.splitlines() if "closes" not in line and "written" not in line]
        assert keep == [line for line in said_blocked.splitlines() if "closes" not in line
                        and "written" not in line]


def test_miyun_file_written_block_by_block_equals_one_block(tmp_path):
    """Transfers in the file: their volumes over the run (the blocks' summed), the transferred
    water's variables; TP and CODMn to the transport's inlet debt (tests/test_blocked.py)."""
    import netCDF4

    one, blocked = tmp_path / "one.nc", tmp_path / "blocked.nc"
    period = ("--start", "2013-01-01", "--end", "2015-12-31")
    _run("miyun", one, *period, "--block-years", "0")
    _run("miyun", blocked, *period, "--block-years", "1")
    _compare(one, blocked)
    with netCDF4.Dataset(one) as a, netCDF4.Dataset(blocked) as b:
        assert a.getncattr("transfer_volume_m3") == b.getncattr("transfer_volume_m3")
        assert "section_transfer_discharge" in b.variables


def test_a_failed_blocked_run_leaves_no_file(basin, tmp_path, monkeypatch):
    """Written atomically: an error in a later block leaves neither the file nor a temporary one."""
    from hydro import blocked
    from hydro.basin import Basin
    from hydro.blocked_run import write_blocked
    from hydro.errors import HydroError

    real = blocked._block
    calls = []

    def failing(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise HydroError("stop")
        return real(*args, **kwargs)

    monkeypatch.setattr(blocked, "_block", failing)
    b = Basin.load(basin)
    out = tmp_path / "x.nc"
    with pytest.raises(HydroError, match="stop"):
        write_blocked(b, b.settings.start, b.settings.end, out, block_years=1)
    assert list(tmp_path.iterdir()) == []


def test_the_command_in_docs_results_runs_as_written(tmp_path, monkeypatch):
    """docs/results.md, "Long runs in time blocks": the command it shows, in a folder that links
    the repository's configs (as tests/test_documented_commands.py runs README's)."""
    import re
    import shlex
    from pathlib import Path

    from click.testing import CliRunner

    from hydro.cli import main

    root = Path(__file__).resolve().parents[1]
    text = (root / "docs" / "results.md").read_text(encoding="utf-8")
    command = re.search(r"`(hydro run configs/examples/watershed --block-years [^`]+)`", text).group(1)
    (tmp_path / "configs").symlink_to(root / "configs")
    monkeypatch.chdir(tmp_path)
    done = CliRunner().invoke(main, shlex.split(command)[1:])
    assert done.exit_code == 0, done.output
    assert "written: watershed.nc" in done.output and (tmp_path / "watershed.nc").exists()


@pytest.mark.parametrize("extra, message", [
    (("--members", "2", "--block-years", "1"), "ensemble members run in one block"),
    (("--block-years", "-1"), "--block-years: expected 0"),
])
def test_bad_block_years_are_refused(basin, tmp_path, extra, message):
    from click.testing import CliRunner

    from hydro.cli import main

    done = CliRunner().invoke(main, ["run", str(basin), "-o", str(tmp_path / "x.nc"), *extra])
    assert done.exit_code == 2 and message in done.output, done.output
    assert not (tmp_path / "x.nc").exists()
