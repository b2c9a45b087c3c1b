"""Review bd of 23e1dfd..ab3dbd4: mutants outside the calibration folder that no test killed.

M25 M26 (benchmarks/run.py: a signal kill, output that is not a list of records), M30 (summary_name),
M33 M34 M35 (why a member or scenario failed), M38 M44 (results-file units), M43
(MeasureKind.composition); and benchmarks/run.py's records checked one by one (a list of numbers is
no list of records) with a failed script named with its options (review bd, D4).  A few seconds each.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import netCDF4
import pytest
from click.testing import CliRunner

from hydro.batch import EXIT_PARTIAL, FAIL_ENV
from hydro.errors import HydroError

ROOT = Path(__file__).resolve().parents[1]

REASON = f"RuntimeError: task 1 failed on purpose ({FAIL_ENV})"
SCENARIOS = ROOT / "configs" / "scenarios" / "watershed.toml"


# -- benchmarks/run.py (M25, M26) ------------------------------------------------------------------
STUB = """import json, os, signal, sys
name = os.path.basename(__file__)
if name == "model.py":
    os.kill(os.getpid(), signal.SIGKILL)  # the OOM killer
if name == "startup.py":
    print(json.dumps({{"name": "not a list"}}))
    sys.exit(0)
if name == "calibration.py":
    print(json.dumps([1.0, 2.0]))  # a list, of numbers: no records
    sys.exit(0)
if name == "scaling.py" and "hack" in sys.argv:
    sys.exit(3)
print(json.dumps([{{"name": name + "_x", "value": 1.0, "unit": "s", "reference": 2.0, "ratio": 0.5}}]))
"""


@pytest.mark.skipif(os.name != "posix", reason="SIGKILL")
def test_a_killed_benchmark_and_one_printing_no_list_are_named_as_such(tmp_path):
    from test_benchmark_run_survives_a_failing_script import SCRIPTS

    bench = tmp_path / "benchmarks"
    bench.mkdir()
    for name in ("run.py", "_common.py"):
        shutil.copy(ROOT / "benchmarks" / name, bench / name)
    for name in SCRIPTS:
        (bench / name).write_text(STUB.format(), encoding="utf-8")
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "PYTHONPATH": str(ROOT)}
    r = subprocess.run([sys.executable, str(bench / "run.py"), "--json", "--quick"], capture_output=True, text=True,
                       timeout=60, env=env)
    assert r.returncode == 1
    assert "benchmark model.py failed (killed by signal 9)" in r.stderr, r.stderr
    assert "failed (its output is not a list of records)" in r.stderr, r.stderr
    assert "benchmark calibration.py failed (its output is not a list of records)" in r.stderr, r.stderr
    assert "scaling.py --shape hack --cases 100:1,1000:1 failed (exit 3)" in r.stderr, r.stderr
    assert "4 benchmark(s) failed: model.py, calibration.py, startup.py --skip-cold --repeat 3, scaling.py " \
           "--shape hack" in r.stderr, r.stderr
    assert all(isinstance(x, dict) for x in json.loads(r.stdout))


# -- summary_name (M30) ----------------------------------------------------------------------------
def test_a_netcdf_suffix_in_the_stem_is_kept_whatever_its_case():
    from hydro.output_names import summary_name

    assert summary_name("x.NC4.nc") == Path("x.NC4.nc.summary.csv")  # else it shares x.NC4's table


# -- failure reasons (M33, M34, M35) ---------------------------------------------------------------
def test_an_ensemble_in_memory_says_why_a_member_failed(monkeypatch):
    from hydro.ensemble import run_ensemble

    monkeypatch.setenv(FAIL_ENV, "1")
    res = run_ensemble("watershed", 3, 40, "2001-01-01", "2001-02-28", workers=1, quiet=True)
    assert res.attrs["members_failed"] == "1"
    assert res.attrs["members_failed_reasons"] == f"1: {REASON}"


def test_a_scenario_ensemble_says_why_a_member_failed(tmp_path, monkeypatch):
    from hydro.cli import main

    monkeypatch.setenv(FAIL_ENV, "1")
    out = tmp_path / "s.nc"
    r = CliRunner().invoke(main, ["scenarios", "watershed", str(SCENARIOS), "--members", "2", "--start", "2005-01-01",
                                  "--end", "2005-06-30", "--workers", "1", "-o", str(out), "-q"])
    assert r.exit_code == EXIT_PARTIAL, r.output
    with netCDF4.Dataset(out) as nc:
        assert nc.getncattr("members_failed") == "1"
        assert nc.getncattr("members_failed_reasons") == f"1: {REASON}"


def test_a_failed_row_holds_its_error_on_one_line():
    from hydro.scenarios.summary import failed_rows

    (row,) = failed_rows(SimpleNamespace(failed={"s1": "HydroError: a\n  b\tc"}))
    assert row["source"] == "HydroError: a b c" and row["quantity"] == "failed"


# -- results-file units (M38, M44) -----------------------------------------------------------------
def _with_conc_units(path: Path, units: str) -> Path:
    from test_compensation import write_results

    write_results(path)
    with netCDF4.Dataset(path, "a") as ds:
        ds.variables["section_tn_concentration"].units = units
    return path


def test_a_results_file_in_micrograms_is_refused_not_read_as_mg(tmp_path):
    from hydro.monitoring import read_results

    with pytest.raises(HydroError, match="units 'ug/L'"):
        read_results(_with_conc_units(tmp_path / "r.nc", "ug/L"))


@pytest.mark.parametrize("units", ["mg L-1", "mg/L", "mg.l-1", "mg l^-1"])
def test_the_concentration_spellings_accepted_before_still_are(tmp_path, units):
    from hydro.monitoring import read_results

    s = read_results(_with_conc_units(tmp_path / "r.nc", units))
    assert s.annual_mean("baihe_border", "tn", 2019) == pytest.approx(2.0)


# -- MeasureKind.composition (M43) -----------------------------------------------------------------
def test_each_kind_composes_as_documented():
    """The table COMPOSITION was before ab3dbd4 moved it onto the kinds."""
    from hydro.scenarios.measures import COMPOSITION

    assert COMPOSITION == {
        "sewage_connection": "share", "manure_management": "share", "ecological_release": "share",
        "wwtp_upgrade": "target", "toilet_upgrade": "multiplies", "fertiliser_reduction": "multiplies",
        "riparian_buffer": "multiplies", "constructed_wetland": "multiplies", "afforestation": "adds",
        "protection_zone": "adds"}
