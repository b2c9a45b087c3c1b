"""A warm run loads every kernel from Numba's disk cache and compiles none.

Numba finds a cached compilation by comparing argument types; a type that never
equals itself (an omitted argument whose default is NaN) misses the cache on every
call, so the kernel compiles again in every process and the cache gains one more
entry per run.  ``runoff_observed._filter_pass`` did this and cost every warm
``hydro run`` 0.4 s.  :func:`hydro._compile.kernel` refuses such a default; the
second test checks the outcome itself on a real run, for every kernel it calls.
"""

from __future__ import annotations

import json
import subprocess
import sys

import numba
import pytest

from hydro._compile import kernel

#: Runs a short Miyun simulation (the wash-off filter, runoff, routing, sources and
#: transport kernels all run), then prints how many kernel signatures this process
#: compiled rather than loaded from the disk cache (Numba's per-dispatcher counter).
PROBE = """
import json, sys
from numba.core.registry import CPUDispatcher
import hydro.cli
try:
    hydro.cli.main(["run", "miyun", "--start", "2001-01-01", "--end", "2001-03-31", "-q",
                    "-o", sys.argv[1], "--overwrite"], prog_name="hydro")
except SystemExit as exc:
    assert not exc.code, exc.code
misses = {}
for name, module in list(sys.modules.items()):
    if not name.startswith("hydro"):
        continue
    for attr, obj in vars(module).items():
        if isinstance(obj, CPUDispatcher) and obj._cache_misses:
            misses[f"{name}.{attr}"] = sum(obj._cache_misses.values())
print(json.dumps(misses))
"""


def test_a_kernel_with_a_nan_default_is_refused():
    def f(x, before=float("nan")):
        return x

    with pytest.raises(TypeError, match="defaults to NaN"):
        kernel(f)
    with pytest.raises(TypeError, match="defaults to NaN"):
        kernel(helper=True)(f)


def test_a_kernel_with_a_number_default_is_accepted():
    def g(x, scale=2.0):
        return x * scale

    assert kernel(g)(3.0) == 6.0


@pytest.mark.skipif(numba.config.DISABLE_JIT, reason="no kernels are compiled with NUMBA_DISABLE_JIT")
def test_second_run_compiles_no_kernel(tmp_path):
    # the first process may compile (a cold cache); the second must load everything it calls
    def probe() -> dict:
        proc = subprocess.run([sys.executable, "-c", PROBE, str(tmp_path / "r.nc")],
                              capture_output=True, text=True, timeout=600)
        assert proc.returncode == 0, proc.stderr[-3000:]
        return json.loads(proc.stdout.strip().splitlines()[-1])

    probe()
    assert probe() == {}, "kernels compiled again on a warm run (cache misses per kernel)"
