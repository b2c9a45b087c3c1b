"""Start-up: commands that simulate nothing do not import the heavy libraries.

``hydro --help`` and ``hydro info basins`` must not pay for importing Numba (and
compiling or loading kernels), matplotlib, netCDF4, xarray or dask: each is imported
by the function that uses it.  Each case runs in a fresh interpreter (this process
has imported them all), and asserts which modules were loaded, never how long it took
(``benchmarks/startup.py`` measures the time).
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

HEAVY = ("numba", "llvmlite", "matplotlib", "netCDF4", "xarray", "dask")

#: Runs the CLI as the ``hydro`` script does, then prints the heavy top-level
#: modules then loaded (on stdout's last line, after the command's own output).
PROBE = """
import json, sys
%s
import hydro.cli
try:
    hydro.cli.main(sys.argv[1:], prog_name="hydro")
except SystemExit as exc:
    status = exc.code
else:
    status = 0
heavy = sorted({m.split(".")[0] for m in sys.modules} & set(%r))
print("\\n" + json.dumps({"status": status, "heavy": heavy}))
"""


def _probe(*args: str, preamble: str = "") -> dict:
    code = PROBE % (preamble, HEAVY)
    proc = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    result["stdout"] = proc.stdout
    return result


@pytest.mark.parametrize("args", [("--help",), ("info", "basins"), ("--version",), ("run", "--help")],
                         ids=lambda a: " ".join(a))
def test_command_without_simulation_imports_no_heavy_module(args):
    result = _probe(*args)
    assert result["status"] in (0, None), result["stdout"]
    assert result["heavy"] == [], f"`hydro {' '.join(args)}` imported {result['heavy']}"


def test_help_still_lists_every_command():
    # lazily loaded commands (calibrate, gep, report, scenarios) are imported for their help line
    out = _probe("--help")["stdout"]
    for name in ("calibrate", "compensate", "gep", "info", "plot", "report", "run", "scenarios", "validate"):
        assert f"\n  {name} " in out


def test_probe_sees_a_heavy_import():
    # the probe itself works: with a kernel module imported first it reports numba
    assert "numba" in _probe("--version", preamble="import hydro._compile")["heavy"]
