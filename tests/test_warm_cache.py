"""A kernel loaded from the disk cache skips Numba's registries (:class:`hydro._compile._WarmCache`), and
compiling still works after such a load.

Each case runs in a fresh process (the registries are per process) over a kernel module written to a
temporary folder, with its own ``NUMBA_CACHE_DIR``: the first process compiles, the second loads.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import numba
import pytest

pytestmark = pytest.mark.skipif(numba.config.DISABLE_JIT, reason="no kernels are compiled with NUMBA_DISABLE_JIT")

#: A kernel that allocates (NRT) and calls a helper kernel (no CPython wrapper), both cached.
MODULE = textwrap.dedent('''
    import numpy as np
    from hydro._compile import kernel

    @kernel(helper=True)
    def twice(x):
        return 2.0 * x

    @kernel
    def doubled_cumsum(a):
        out = np.empty(a.shape[0])
        s = 0.0
        for i in range(a.shape[0]):
            s += twice(a[i])
            out[i] = s
        return out
''')

#: Calls the kernel on floats, reports the registries installed then, calls it on integers (a signature the
#: cache has not got: compiled in this process) and reports the values, cache hits and misses.
PROBE = textwrap.dedent('''
    import json, sys
    import numpy as np
    from numba.core.registry import cpu_target
    import warmkernels as k
    floats = k.doubled_cumsum(np.array([0.5, 1.25, -3.0])).tolist()
    registries = len(cpu_target.target_context._registries)
    modules = [name for name in ("numba.np.arraymath", "scipy.linalg") if name in sys.modules]
    ints = k.doubled_cumsum(np.arange(4)).tolist()
    print(json.dumps({"floats": floats, "ints": ints, "registries_at_load": registries, "modules": modules,
                      "hits": sum(k.doubled_cumsum._cache_hits.values()),
                      "misses": sum(k.doubled_cumsum._cache_misses.values())}))
''')


def probe(folder: Path, script: str = PROBE) -> dict:
    """Run ``script`` (:data:`PROBE`) in a fresh process over the module in ``folder``; its report."""
    repo = Path(__file__).resolve().parents[1]
    env = dict(os.environ, NUMBA_CACHE_DIR=str(folder / "cache"),
               PYTHONPATH=os.pathsep.join([str(folder), str(repo), os.environ.get("PYTHONPATH", "")]))
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=600, env=env,
                          cwd=folder)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])


def test_a_cached_load_installs_no_registry_and_compiling_still_works(tmp_path):
    (tmp_path / "warmkernels.py").write_text(MODULE)
    cold = probe(tmp_path)
    warm = probe(tmp_path)
    expected = {"floats": [1.0, 3.5, -2.5], "ints": [0.0, 2.0, 6.0, 12.0]}
    for report in (cold, warm):
        assert {key: report[key] for key in expected} == expected
    assert cold["misses"] == 2 and cold["hits"] == 0 and cold["registries_at_load"] > 0  # compiled: refreshed
    assert cold["modules"] == ["numba.np.arraymath"]  # Numba's registries imported it, without the BLAS probe
    # both signatures now come from the cache, the first loaded before anything refreshed Numba's registries
    assert warm["misses"] == 0 and warm["hits"] == 2 and warm["registries_at_load"] == 0
    assert warm["modules"] == []


def test_a_cache_miss_after_a_load_compiles(tmp_path):
    # the first process caches the floats only; the second loads them (no registry), then compiles the integers
    (tmp_path / "warmkernels.py").write_text(MODULE)
    probe(tmp_path, PROBE.replace("ints = k.doubled_cumsum(np.arange(4)).tolist()", "ints = []"))
    warm = probe(tmp_path)
    assert warm["ints"] == [0.0, 2.0, 6.0, 12.0] and warm["floats"] == [1.0, 3.5, -2.5]
    assert warm["registries_at_load"] == 0 and warm["hits"] == 1 and warm["misses"] == 1
