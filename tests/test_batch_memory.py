"""A batch's writer holds one run at a time: its memory does not grow with the runs written.

:class:`hydro.netcdf.StackedWriter` writes each ensemble member or scenario into the file as
it arrives.  With a compressed variable whose time chunks overrun the time axis (here 1,826
days in chunks of 1,560, as Miyun's ``subbasin_tn_source_input`` over five years), the
netCDF/HDF5 libraries kept about one chunk per run written until the file closed: 1 MB a
member, 130 MB more at 160 members than at 40.  The writer reopens its file every
``REOPEN_EVERY`` runs.  This test compares resident memory after writing 16 and 80 runs of that
shape (a ratio-free difference: 64 runs of the leak would add about 64 MB).
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np

from hydro.netcdf import StackedWriter
from hydro.outputspec import OutputSpec
from hydro.results import Results


def _resident_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * 4096 / 2**20


def _run() -> Results:
    days = [date(2021, 1, 1) + timedelta(days=k) for k in range(1826)]
    res = Results(coords={"time": days, "subbasin": [f"s{k}" for k in range(24)],
                          "source": [f"src{k}" for k in range(7)]}, constituents={"tn": "total nitrogen"})
    rng = np.random.default_rng(1)
    res.add("subbasin_tn_source_input", rng.random((1826, 24, 7)))
    return res


def test_stacked_writer_memory_does_not_grow_with_runs(tmp_path):
    run = _run()
    n = 80
    with StackedWriter(tmp_path / "batch.nc", "member", list(range(n)), spec=OutputSpec(compress=1)) as w:
        for k in range(n):
            w.write(k, run)
            if k == 15:
                early = _resident_mb()
        late = _resident_mb()
    # 64 more runs: the leak added ~64 MB; a flat writer varies by a few MB (allocator noise)
    assert late - early < 16.0, (early, late)
