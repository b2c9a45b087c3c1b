"""Chunk shapes and chunk caches of the netCDF variables hydro writes (:mod:`hydro.netcdf`).

A variable is stored in chunks of about :data:`CHUNK_BYTES` per row along ``time``: one
along the leading dimensions and sources, groups of at most :data:`ELEMENT_CHUNK` elements,
and as many days as fill the row, at most :data:`CHUNK_MAX_BYTES` a chunk (:func:`chunk_sizes`).
"""

from __future__ import annotations

import numpy as np

#: Dimensions that runs may be stacked along, in front of every variable's declared ones (one index a chunk).
LEADING_DIMS = ("scenario", "member")

#: Target size of one row of chunks of a variable along ``time`` (bytes, before compression).
CHUNK_BYTES = 1 << 20
#: Dimensions chunked one index at a time (see :func:`chunk_sizes`).
SPLIT_DIMS = ("source",)
#: Element dimensions cut into chunks of at most :data:`ELEMENT_CHUNK` elements (see :func:`chunk_sizes`).
ELEMENT_DIMS = ("reach", "subbasin", "section", "reservoir", "gauge")
ELEMENT_CHUNK = 512
#: Largest chunk (bytes, before compression).  zlib (level 1, after the shuffle filter) compresses
#: hydro's series faster in pieces of at most 32 KiB (the size of its window; measured, not derived)
#: than in larger ones, for files about 1-2 % larger: Miyun's default file (2000-2017) took 0.98 s of
#: CPU to write with chunks of up to 850 kB and 0.78 s with this cap (64 KiB: 0.92 s; 16 KiB: 0.73 s
#: but about 45 % slower to read back, 32 KiB about 10 %); Guanting's 1.14 s and 0.88 s.  The values
#: are the same to the bit (``benchmarks/startup.py``).
CHUNK_MAX_BYTES = 1 << 15
#: zlib must keep at most this share of the bytes of a variable's sample chunks for the variable to
#: be compressed (:func:`worth_compressing`).  Miyun's default file (issue 14): 52 64-bit series above
#: it (flows, loads and concentrations at reaches, sections and reservoirs, two subbasin series)
#: are stored without the filter, written in 0.51 s of CPU rather than 0.80, 51.8 MB rather than 46.1.
ZLIB_KEEPS_AT_MOST = 0.8


def small_chunk_caches(nc, names) -> None:
    """Give each variable a chunk cache of two rows of chunks (:func:`chunk_sizes`): files written
    piece by piece (blocks of time, members) need no more, and netCDF's default (MBs per variable)
    grows a long run's or a large ensemble's writer by hundreds of MB (a 160-member ensemble's
    parent: 397 MB, 212 at 40)."""
    for name in names:
        nc.variables[name].set_var_chunk_cache(size=2 * CHUNK_BYTES, preemption=1.0)


def worth_compressing(chunks: list[np.ndarray], level: int) -> bool:
    """Whether zlib at ``level``, after the shuffle filter, keeps at most :data:`ZLIB_KEEPS_AT_MOST`
    of the bytes of ``chunks`` (some chunks of a variable's stored values, in its stored dtype).

    zlib's time grows with the bytes it reads, not with what it saves: a series whose bytes it
    barely shrinks (64-bit flows, loads and concentrations, every mantissa bit used) costs a
    writer as much as one it shrinks to a fifth.  Each chunk is shuffled here as HDF5's filter does
    it (its bytes grouped by their place in each value) and compressed alone, as HDF5 does, so the
    ratio is the file's.  No bytes at all: worth it (nothing to decide from).
    """
    import zlib

    raw = whole = 0
    for chunk in chunks:
        values = np.ascontiguousarray(chunk)
        grouped = values.view(np.uint8).reshape(values.size, values.dtype.itemsize).T.tobytes()
        raw += len(grouped)
        whole += len(zlib.compress(grouped, max(int(level), 1))) if grouped else 0
    return whole <= ZLIB_KEEPS_AT_MOST * raw


def storage(shape: tuple[int, ...], dims: tuple[str, ...], dtype: str, spec, sample=None) -> dict:
    """netCDF4 ``createVariable`` options of a compressed variable (``spec.compress`` > 0): its chunks
    (:func:`chunk_sizes`) and its filter, shuffle and ``spec.codec``; with zlib, only where zlib pays on
    ``sample(chunks)`` (:func:`worth_compressing`; ``sample`` None: always)."""
    chunks = chunk_sizes(shape, dims, 4 if dtype in ("f4", "i4") else 8)
    if spec.codec == "zlib" and sample is not None and not worth_compressing(sample(chunks, dtype), spec.compress):
        return {"chunksizes": chunks}
    return {"compression": spec.codec, "complevel": int(spec.compress), "shuffle": True, "chunksizes": chunks}


def sample_chunks(source: tuple, name: str, spec, index, chunks: list[int], dtype: str) -> list[np.ndarray]:
    """Some chunks of variable ``name`` as stored: ``source`` is (results, period starts), the values cut to
    ``index`` and averaged over those periods in ``dtype`` (:func:`hydro.output_periods.blocks`).  The days
    in the middle of the first block written (a run's first days can be all zeros: a source that starts
    later), and along each other dimension cut into chunks (``source``, many elements) its first, middle
    and last chunk (the sources of a load differ by orders of magnitude)."""
    import itertools

    from hydro.output_periods import blocks

    results, starts = source
    _, block = next(blocks(results, name, spec, index, starts))
    picks = []
    for dim, n, c in zip(results.dims(name), block.shape, chunks, strict=True):
        if dim == "time":
            first = max(0, (n - c) // 2)
            picks.append([slice(first, first + c)])
        else:
            picks.append([slice(i * c, i * c + c) for i in sorted({0, (n - 1) // c // 2, (n - 1) // c})])
    return [block[sl].astype(dtype) for sl in itertools.product(*picks)]


def chunk_sizes(shape: tuple[int, ...], dims: tuple[str, ...], itemsize: int) -> list[int]:
    """Chunk sizes: one along leading dims (scenario, member) and ``source``, at most
    :data:`ELEMENT_CHUNK` along an element dimension (reach, subbasin, ...), whole along the
    others but ``time``, and as many days as keep a row of chunks (all sources, each element
    dimension at most its cap) in :data:`CHUNK_BYTES` and a chunk in :data:`CHUNK_MAX_BYTES`.

    The sources of a load differ by orders of magnitude: apart they compress faster and smaller
    (Miyun's default file: 0.4 s less zlib of 2.0 s, 60 MB instead of 70); the row keeps the size
    of a chunk before, so a file written piece by piece needs no larger cache (:func:`small_chunk_caches`).
    The element cap keeps one element's series cheap to read from a large network (10,000 reaches:
    13-day chunks decompressed the whole variable for one reach; capped, chunks of 512 reaches).
    The chunk cap (:data:`CHUNK_MAX_BYTES`) makes zlib faster (and one day of a large network
    cheaper to read: 32 kB of each group of elements rather than a row).
    """
    sizes = [1 if d in LEADING_DIMS else max(n, 1) for d, n in zip(dims, shape, strict=True)]
    sizes = [min(n, ELEMENT_CHUNK) if d in ELEMENT_DIMS else n for d, n in zip(dims, sizes, strict=True)]
    if "time" in dims:
        k = dims.index("time")
        sizes[k] = 1
        per_step = int(np.prod(sizes)) * itemsize
        per_chunk = int(np.prod([1 if d in SPLIT_DIMS else n for d, n in zip(dims, sizes, strict=True)])) * itemsize
        days = min(CHUNK_BYTES // max(per_step, 1), CHUNK_MAX_BYTES // max(per_chunk, 1))
        sizes[k] = int(max(1, min(shape[k], days)))
    return [1 if d in SPLIT_DIMS else n for d, n in zip(dims, sizes, strict=True)]
