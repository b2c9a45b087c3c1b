"""Opening a netCDF file for reading, from its bytes.

netCDF-C and HDF5 share one file object among the handles of a path.  A file hydro opened, read
(a string variable: the element ids) and closed while another handle of it was open (a
researcher's ``xarray.open_dataset``, lazy) left that handle's file state freed: the next read
or open killed the interpreter (SIGSEGV; netCDF4 1.7.5, the crash of Unidata/netcdf4-python
issue 1444).  hydro's readers therefore open a file's bytes in memory, which shares nothing with
any other handle of the path; a file larger than :data:`MAX_IN_MEMORY_BYTES` is opened from its
path, as before.
"""

from __future__ import annotations

from pathlib import Path

#: Largest file read into memory to be opened (bytes): results of a year of the shipped basins are
#: tens of MB; a file above this is opened from its path.
MAX_IN_MEMORY_BYTES = 2 * 1024**3
#: The first bytes of a netCDF-4 (HDF5) and of a classic netCDF file.
SIGNATURES = (b"\x89HDF\r\n\x1a\n", b"CDF\x01", b"CDF\x02", b"CDF\x05")
#: Dimensions of files written before a rename (old name -> the name hydro writes now): the yearly budgets were on
#: ``year`` before results_format 2026-12-06b, a name that collided with xarray's ``groupby("time.year")``.
RENAMED_DIMS = {"year": "budget_year"}


def is_netcdf(path: str | Path) -> bool:
    """Whether the file ``path`` begins as a netCDF-4 (HDF5) or classic netCDF file does (:data:`SIGNATURES`)."""
    with open(path, "rb") as fh:
        return fh.read(8).startswith(SIGNATURES)


def open_dataset(path: str | Path):
    """``netCDF4.Dataset`` of ``path`` for reading (module docstring), to be closed by the caller.

    Raises
    ------
    OSError
        The file cannot be read or is not netCDF, as ``netCDF4.Dataset(path)`` raises.
    """
    import netCDF4

    path = Path(path)
    if path.stat().st_size > MAX_IN_MEMORY_BYTES:
        return netCDF4.Dataset(path, "r")
    data = path.read_bytes()
    if not data.startswith(SIGNATURES):  # not netCDF (or an HDF5 user block): the library's own error
        return netCDF4.Dataset(path, "r")
    return netCDF4.Dataset(str(path), "r", memory=data)


def is_text(var) -> bool:
    """Whether the netCDF variable ``var`` holds strings: a string variable (netCDF-4), or a character
    array, one string per row of its last dimension (how xarray writes strings to ``NETCDF4_CLASSIC``
    and ``NETCDF3`` files, with an ``_Encoding`` that netCDF4 decodes; without one, as other tools
    write them, the rows come back as bytes: :func:`text_values` joins them)."""
    return var.dtype is str or (getattr(var.dtype, "kind", "") == "S" and len(var.dimensions) >= 2)


def current_dim(dim: str, present) -> str:
    """The name hydro now gives the dimension ``dim`` of a file whose dimensions are ``present``: an older
    file's ``year`` is ``budget_year`` (:data:`RENAMED_DIMS`), unless the file has both."""
    new = RENAMED_DIMS.get(dim)
    return new if new is not None and new not in present else dim


def logical_dims(var) -> tuple[str, ...]:
    """The dimensions of the values ``var`` reads as: a character array (:func:`is_text`, not a
    netCDF-4 string) without its last dimension, the characters of each string; an older file's
    ``year`` as ``budget_year`` (:func:`current_dim`)."""
    dims = tuple(var.dimensions)
    dims = dims[:-1] if is_text(var) and var.dtype is not str else dims
    return tuple(current_dim(d, var.group().dimensions) for d in dims)  # the file's, as _read decides


def text_values(var) -> list[str]:
    """The strings of a 1-D text variable (:func:`is_text`), whichever way they are stored: netCDF-4
    strings, characters netCDF4 joined (``_Encoding``), or characters it did not (joined here, as
    UTF-8); each stripped of the padding of its row."""
    import netCDF4
    import numpy as np

    raw = var[:]
    if hasattr(raw, "dtype") and raw.dtype.kind == "S" and raw.ndim == 2:  # characters not yet joined
        raw = netCDF4.chartostring(raw)
    if np.ma.isMaskedArray(raw):
        raw = raw.filled(b"" if raw.dtype.kind == "S" else "")
    return [(s.decode() if isinstance(s, bytes) else str(s)).strip() for s in np.ravel(raw)]


def what_file_is(path: str | Path) -> str:
    """What a file that is not netCDF looks like, for a message: a hydro CSV or TOML by its first
    line (a GEP table, a monitoring series, a basin, scenario or agreement file), else its suffix."""
    path = Path(path)
    try:
        with open(path, encoding="utf-8") as fh:
            first = fh.readline().strip()
    except (OSError, UnicodeDecodeError):
        return f"a '{path.suffix}' file that is not text" if path.suffix else "a file that is not text"
    if path.suffix.lower() == ".toml":
        return "a TOML file, such as a basin, scenario, agreement or prices file"
    if path.suffix.lower() == ".csv" or "," in first:
        from hydro.gep_columns import is_gep_header

        if is_gep_header(first.split(",")):
            return "a GEP table, as `hydro gep` writes it"
        return f"a CSV file, first line '{first[:60]}'"
    return f"a text file, first line '{first[:60]}'"
