"""``benchmarks/run.py`` keeps the records of the scripts that ran when one fails.

Review of 2026-12-05 (F7): ``run.py`` ran its scripts with ``check=True``, so one failure (an
out-of-memory kill of a large scaling case, FiPy missing, a crash) ended the batch with a traceback
and printed none of the records measured before it, not even the ``[]`` of the ``--json`` contract.
The test runs the repository's ``run.py`` against stand-in scripts that print one record each
(``model.py`` fails; ``startup.py`` prints no JSON): it measures nothing and takes about a second.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCRIPTS = ("transport.py", "model.py", "constituents.py", "ensemble.py", "calibration.py", "startup.py",
           "scaling.py")
STUB = """import json, sys
name = {name!r}
if name == "model.py":
    sys.exit("model.py: out of memory (stand-in failure)")
if name == "startup.py":
    print("not JSON")
    sys.exit(0)
print(json.dumps([{{"name": name + "_x", "value": 1.0, "unit": "s", "reference": 2.0, "ratio": 0.5}}]))
"""


def test_one_failing_benchmark_keeps_the_others_records(tmp_path):
    bench = tmp_path / "benchmarks"
    bench.mkdir()
    shutil.copy(ROOT / "benchmarks" / "run.py", bench / "run.py")
    shutil.copy(ROOT / "benchmarks" / "_common.py", bench / "_common.py")
    for name in SCRIPTS:
        (bench / name).write_text(STUB.format(name=name), encoding="utf-8")
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "PYTHONPATH": str(ROOT)}
    r = subprocess.run([sys.executable, str(bench / "run.py"), "--json", "--quick"], capture_output=True, text=True,
                       timeout=60, env=env)
    assert r.returncode == 1, "a failed benchmark must not read as success"
    assert "Traceback" not in r.stderr, r.stderr
    assert "benchmark model.py failed (exit 1)" in r.stderr, r.stderr
    assert "benchmark startup.py --skip-cold --repeat 3 failed (its output is not JSON)" in r.stderr, r.stderr
    records = json.loads(r.stdout)  # stdout stays the JSON contract
    names = [x["name"] for x in records]
    assert names == ["transport.py_x", "constituents.py_x", "ensemble.py_x", "calibration.py_x", "scaling.py_x",
                     "scaling.py_x"], names
