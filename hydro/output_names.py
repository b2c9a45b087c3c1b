"""Output file names: a writer refuses a name whose suffix is not its format's, since the readers take a
file's kind from its suffix (``hydro run -o x.csv`` wrote netCDF that ``hydro compensate`` read as
monitoring data; ``hydro gep -o basin.toml --overwrite`` replaced a basin file with a table), and a name
the file system or the locale cannot hold (:func:`check_writable_name`); the name temporary files
carry (:func:`temp_stem`)."""

from __future__ import annotations

import errno
import hashlib
import os
import sys
from pathlib import Path

from hydro.errors import HydroError

#: The suffixes of a results file (netCDF): the commands that read one take a file's kind from its
#: suffix (:func:`hydro.monitoring.read_series`), so those that write one refuse any other (:func:`check_netcdf_name`).
NETCDF_SUFFIXES = (".nc", ".nc4", ".netcdf")


def check_netcdf_name(out, command: str, extra: str = "", option: str = "-o") -> None:
    """Refuse an output name ``out`` whose suffix is not a netCDF one (:data:`NETCDF_SUFFIXES`).

    ``hydro run -o x.csv`` wrote a netCDF file named ``.csv``, which ``hydro compensate`` then read as
    monitoring data; ``hydro report -o`` and ``hydro plot -o`` already refuse a suffix of another format.
    ``command`` names the writer (``"hydro run"``), ``extra`` adds words after its name, ``option`` is
    what the user gave the name as (``"-o"``; ``"path"`` from Python).
    """
    check_output_name(out, command, "a netCDF results file" + extra, NETCDF_SUFFIXES, option)


def check_csv_name(out, command: str, what: str = "a CSV table", option: str = "-o") -> None:
    """Refuse a CSV output name ``out`` that does not end in ``.csv`` (:func:`check_output_name`):
    ``hydro gep -o basin.toml --overwrite`` replaced the basin file with the GEP table."""
    check_output_name(out, command, what, (".csv",), option)


def check_output_name(out, command: str, what: str, suffixes: tuple[str, ...], option: str = "-o") -> None:
    """Refuse an output name ``out`` whose suffix (any case) is none of ``suffixes``, naming ``what``
    ``command`` writes and the first suffix to use instead."""
    from pathlib import Path

    suffix = Path(out).suffix
    if suffix.lower() not in suffixes:
        given = f"{option} {out}" if option.startswith("-") else f"{option} {str(out)!r}"
        example = Path(out).with_suffix(suffixes[0])
        shown = example if option.startswith("-") else repr(str(example))
        raise HydroError(f"{given}: {command} writes {what}; give {option} a name ending in "
                         f"{suffixes[0]} (got '{suffix or 'no suffix'}'): the commands that read it take a file's "
                         f"kind from its suffix, e.g. {option} {shown}")


def summary_name(out):
    """The summary table ``hydro scenarios -o OUT`` writes next to ``OUT``: ``X.summary.csv`` for
    ``X.nc``, and ``OUT.summary.csv`` (the suffix kept: ``X.nc4.summary.csv``) for any other name.

    Each results file has its own table: ``-o X.nc`` and ``-o X.nc4`` both wrote ``X.summary.csv``, so
    ``--overwrite`` of one replaced the other's table (review of 2026-12-05, F4).  The suffix is also
    kept for an ``X.nc`` whose stem ends in a netCDF suffix (``Y.nc4.nc`` -> ``Y.nc4.nc.summary.csv``),
    which would otherwise share ``Y.nc4``'s table: no two names share one.  Only a lower-case ``.nc`` is
    dropped (``X.NC`` -> ``X.NC.summary.csv``), while the stem's suffix is compared in any case: where
    names are case-sensitive ``X.nc`` and ``X.NC`` are two results files, and one table for both would let
    ``--overwrite`` of one replace the other's (review bd, D5, kept so: where names are not, the same file
    given both ways gets two tables, the older one left beside it, which loses nothing).

    Parameters
    ----------
    out : str or Path
        The results file (``-o``).

    Returns
    -------
    Path
    """
    from pathlib import Path

    out = Path(out)
    if out.suffix == ".nc" and Path(out.stem).suffix.lower() not in NETCDF_SUFFIXES:
        return out.with_suffix(".summary.csv")
    return out.with_name(out.name + ".summary.csv")


def check_writable_name(path: Path, option: str) -> None:
    """Refuse, before anything is computed, a name the file system cannot hold (too long) or this process
    cannot write (a Chinese name with ``LANG=C`` and UTF-8 mode off: Python holds it as undecodable bytes,
    which netCDF and the file's ``history`` cannot take)."""
    try:
        str(path).encode("utf-8")
    except UnicodeEncodeError:
        shown = os.fsencode(path).decode("utf-8", "replace")
        raise HydroError(f"{shown}: this process's locale ({sys.getfilesystemencoding()}) cannot read the name as "
                         f"text; run with LANG=C.UTF-8 (or PYTHONUTF8=1), or give {option} a name in plain "
                         "letters") from None
    too_long = len(os.fsencode(path.name)) > _name_max(path.parent)
    if not too_long:
        try:
            os.stat(path)  # (not Path.is_dir: from Python 3.13 it answers False to a name too long)
        except OSError as exc:
            too_long = exc.errno == errno.ENAMETOOLONG
    if too_long:
        raise HydroError(f"{path}: file name too long for the file system ({len(os.fsencode(path.name))} "
                         f"bytes in its last part); give {option} a shorter name")


def _name_max(folder: Path) -> int:
    """The longest file name ``folder``'s file system takes, bytes (255 where it cannot say: most do)."""
    try:
        return int(os.pathconf(folder if str(folder) else ".", "PC_NAME_MAX"))
    except (OSError, ValueError, AttributeError):  # no such folder yet, or no pathconf (Windows)
        return 255


#: Bytes of an output's name above which its temporary files take a hash of it instead (the temporary
#: name adds up to some 64 bytes with a 40-character host name, and a file system's names end at 255:
#: concurrency review, 2026-12-06).
LONG_NAME_BYTES = 180


def temp_stem(name: str) -> str:
    """The output's name as its temporary files carry it: itself, or a hash of a long one."""
    encoded = os.fsencode(name)
    if len(encoded) <= LONG_NAME_BYTES:
        return name
    return "long-name-" + hashlib.sha256(encoded).hexdigest()[:16]
