"""The warm ``hydro run miyun`` (issue 14), third round: zlib only where it pays.

zlib's time grows with the bytes it reads, not with what it saves.  Miyun's default file holds
64-bit series (flows, loads, concentrations) that zlib, after the shuffle filter, shrinks by less
than a fifth: they took about 40 % of the writer's zlib time for a tenth of the file's size.  A
variable is compressed only when zlib keeps at most :data:`hydro.netcdf_chunks.ZLIB_KEEPS_AT_MOST`
of the bytes of a few of its chunks (:func:`hydro.netcdf_chunks.worth_compressing`); the others
are stored in the same chunks without the filter.  What is read back is the same to the bit.
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pytest

from hydro.netcdf_chunks import ZLIB_KEEPS_AT_MOST, worth_compressing
from hydro.outputspec import OutputSpec
from hydro.results import Results


def test_worth_compressing_follows_what_zlib_keeps():
    rng = np.random.default_rng(3)
    assert worth_compressing([np.zeros((400, 10))], 1)  # zlib keeps almost nothing
    assert not worth_compressing([rng.random((400, 10))], 1)  # random mantissas: most bytes kept
    assert worth_compressing([np.zeros((0, 10))], 1)  # nothing to decide from: compressed as before
    # the chunks count together, as the file's bytes do: a chunk of zeros among two random ones
    # makes the three worth it, though neither random one alone is
    noise = [rng.random((400, 10)), rng.random((400, 10))]
    assert not any(worth_compressing([a], 1) for a in noise)
    assert worth_compressing([noise[0], np.zeros((400, 10)), noise[1]], 1)
    assert 0 < ZLIB_KEEPS_AT_MOST < 1


def _results(n_day: int = 3000) -> Results:
    days = [date(2000, 1, 1) + timedelta(days=k) for k in range(n_day)]
    res = Results(coords={"time": days, "reach": [f"r{k}" for k in range(17)],
                          "source": [f"s{k}" for k in range(8)]}, constituents={"tn": "total nitrogen"})
    rng = np.random.default_rng(14)
    noisy = rng.lognormal(size=(n_day, 17))  # every mantissa bit used: zlib barely shrinks it
    noisy[::97, 3] = -0.0  # signed zeros and NaN travel too
    noisy[5, 2] = np.nan
    res.add("tn_load", noisy)
    late = np.zeros((n_day, 17))  # nothing in its first third (a source that starts later)
    late[n_day // 3:] = rng.lognormal(size=(n_day - n_day // 3, 17))
    res.add("tn_concentration", late)
    steady = np.repeat(np.round(rng.random((n_day // 100 + 1, 17)), 1), 100, axis=0)[:n_day]
    res.add("discharge", steady)  # long runs of one value: zlib shrinks it to little
    sources = np.zeros((n_day, 17, 8), dtype=np.float32)
    sources[:, :, 1] = 1.5  # most sources carry nothing or a constant
    sources[:, :, 7] = rng.random((n_day, 17))
    res.add("reach_tn_source_load", sources.astype(float))
    return res


def test_a_file_compresses_what_pays_and_reads_back_the_same_to_the_bit(tmp_path):
    import netCDF4

    from hydro.results import load_results

    res = _results()
    path = res.to_netcdf(tmp_path / "r.nc", spec=OutputSpec())
    back = load_results(path)
    with netCDF4.Dataset(path) as nc:
        zlib = {name: bool(nc[name].filters()["zlib"]) for name in
                ("tn_load", "tn_concentration", "discharge", "reach_tn_source_load")}
        chunked = {name: nc[name].chunking() != "contiguous" for name in zlib}
    # decided on the middle of the run, not on its first days (all zeros for tn_concentration)
    assert zlib == {"tn_load": False, "tn_concentration": False, "discharge": True,
                    "reach_tn_source_load": True}
    assert all(chunked.values())  # the same chunks either way
    for name in ("tn_load", "tn_concentration", "discharge"):
        a, b = res[name], back[name]
        assert a.dtype == b.dtype and np.array_equal(a, b, equal_nan=True), name
        assert np.array_equal(np.signbit(a), np.signbit(b)), name
    assert np.array_equal(back["reach_tn_source_load"], res["reach_tn_source_load"].astype(np.float32))


def test_codecs_and_levels_other_than_the_default_keep_their_filter(tmp_path):
    """The choice is zlib's: zstd (about four times faster) compresses every variable, as before,
    and ``compress = 0`` none (contiguous)."""
    import netCDF4

    res = _results(1200)
    with netCDF4.Dataset(res.to_netcdf(tmp_path / "p.nc", spec=OutputSpec(compress=0))) as nc:
        assert nc["tn_load"].chunking() == "contiguous"
    if not getattr(netCDF4, "__has_zstandard_support__", False):
        pytest.skip("this netCDF library has no Zstandard filter")
    with netCDF4.Dataset(res.to_netcdf(tmp_path / "z.nc", spec=OutputSpec(codec="zstd"))) as nc:
        assert nc["tn_load"].filters()["zstd"]
