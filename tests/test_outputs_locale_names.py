"""A Chinese output path under an ASCII locale with UTF-8 mode off must not end in a traceback
(concurrency review, 2026-12-06, F6).

``PYTHONUTF8=0 PYTHONCOERCECLOCALE=0 LC_ALL=C hydro run tiny -o 结果.nc`` fails with
``UnicodeEncodeError: 'ascii' codec can't encode characters`` inside ``netCDF4.Dataset(tmp, "w")``
(hydro/netcdf.py:83); ``hydro info`` on such a file fails the same way (hydro/netcdf_read.py:43).
The file name exists on disk as UTF-8 bytes; hydro should hand netCDF4 the name it can encode
(``os.fsencode(path).decode("utf-8")`` with ``encoding="utf-8"``) or refuse with a message.  ~2 s warm.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def test_chinese_output_path_in_ascii_locale(tmp_path):
    env = dict(os.environ, PYTHONPATH=str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", ""),
               PYTHONUTF8="0", PYTHONCOERCECLOCALE="0", LC_ALL="C", LANG="C")
    env.pop("PYTHONIOENCODING", None)
    out = os.fsencode(tmp_path) + "/结果.nc".encode()
    r = subprocess.run([sys.executable, "-m", "hydro", "run", "tiny", "-o", out, "-q"], cwd=tmp_path, env=env,
                       capture_output=True, timeout=300)
    err = r.stderr.decode("utf-8", "replace")
    assert b"Traceback" not in r.stderr, err[-2000:]
    assert r.returncode in (0, 2), err
    if r.returncode == 2:  # refused before the run, saying what to set
        assert "LANG=C.UTF-8" in err and "结果.nc" in err, err
    if r.returncode == 0:
        assert (tmp_path / "结果.nc").exists()
        i = subprocess.run([sys.executable, "-m", "hydro", "info", out], cwd=tmp_path, env=env,
                           capture_output=True, timeout=300)
        assert i.returncode == 0 and b"Traceback" not in i.stderr, i.stderr.decode("utf-8", "replace")[-2000:]
