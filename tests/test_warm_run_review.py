"""The warm ``hydro run miyun`` (issue 14: at most 3 s): what its speed rests on, checked without timing.

zlib (level 1, after the shuffle filter) compresses hydro's series faster in chunks of at most
32 KiB than in larger ones: Miyun's default file took 0.98 s of CPU to write with chunks of up to
850 kB (a whole ``time x reach`` variable in one chunk) and 0.78 s with the cap, the values the
same to the bit (``hydro.netcdf_chunks.CHUNK_MAX_BYTES``; ``benchmarks/startup.py`` times both).
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pytest

from hydro.netcdf_chunks import CHUNK_MAX_BYTES, chunk_sizes
from hydro.outputspec import OutputSpec
from hydro.results import Results

#: The variables of a default Miyun file on ``time`` (2000-2017: 6,269 days; 17 reaches, 10
#: sections, 3 reservoirs, 24 subbasins, 8 sources) and their item sizes: float64 totals,
#: float32 sources.
MIYUN_SHAPES = [
    ((6269, 17), ("time", "reach"), 8),
    ((6269, 10), ("time", "section"), 8),
    ((6269, 3), ("time", "reservoir"), 8),
    ((6269, 24), ("time", "subbasin"), 8),
    ((6269, 17, 8), ("time", "reach", "source"), 4),
    ((6269, 10, 8), ("time", "section", "source"), 4),
    ((6269, 3, 8), ("time", "reservoir", "source"), 4),
    ((6269, 24, 8), ("time", "subbasin", "source"), 4),
    ((6269,), ("time",), 4),
]


@pytest.mark.parametrize("shape, dims, itemsize", MIYUN_SHAPES)
def test_no_chunk_of_a_default_miyun_file_exceeds_32_kib_and_none_is_needlessly_small(shape, dims, itemsize):
    # before: up to 850 kB (6,269 days x 17 reaches in float64, one chunk per variable)
    chunks = chunk_sizes(shape, dims, itemsize)
    nbytes = int(np.prod(chunks)) * itemsize
    assert nbytes <= CHUNK_MAX_BYTES, (chunks, nbytes)
    # as many days as fit: one day more would pass the cap (or the variable is whole)
    day = nbytes // chunks[0]
    assert chunks[0] == shape[0] or nbytes + day > CHUNK_MAX_BYTES, chunks


def _long_results(n_day: int = 4000) -> Results:
    days = [date(2000, 1, 1) + timedelta(days=k) for k in range(n_day)]
    res = Results(coords={"time": days, "reach": [f"r{k}" for k in range(17)],
                          "source": [f"s{k}" for k in range(8)]}, constituents={"tn": "total nitrogen"})
    rng = np.random.default_rng(14)
    load = np.cumsum(rng.normal(size=(n_day, 17)), axis=0) ** 2
    load[::97, 3] = -0.0  # signed zeros and NaN travel too
    load[5, 2] = np.nan
    res.add("tn_load", load)
    res.add("reach_tn_source_load", rng.gamma(0.5, size=(n_day, 17, 8)))
    return res


def test_a_written_file_keeps_its_chunks_within_the_cap_and_its_values_to_the_bit(tmp_path):
    import netCDF4

    from hydro.results import load_results

    res = _long_results()
    path = res.to_netcdf(tmp_path / "long.nc", spec=OutputSpec())
    back = load_results(path)
    with netCDF4.Dataset(path) as nc:
        for name in ("tn_load", "reach_tn_source_load"):
            var = nc[name]
            # random values, which zlib barely shrinks: chunked as any, without the filter
            # (hydro.netcdf_chunks.worth_compressing; tests/test_warm_run_review3.py)
            assert not var.filters()["zlib"], name
            size = int(np.prod(var.chunking())) * var.dtype.itemsize
            assert size <= CHUNK_MAX_BYTES, (name, var.chunking())
            assert var.chunking()[0] < var.shape[0]  # cut along time: 4,000 days are more than a chunk
    a, b = res["tn_load"], back["tn_load"]
    assert a.dtype == b.dtype and np.array_equal(a, b, equal_nan=True)
    assert np.array_equal(np.signbit(a), np.signbit(b))
    # the sources are float32 in the default file (docs/results.md): exactly their rounding
    assert np.array_equal(back["reach_tn_source_load"], res["reach_tn_source_load"].astype(np.float32))
