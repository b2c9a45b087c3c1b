"""A write the file system refused (full, read-only, past a size limit, ...) as a message that names the file,
says nothing was written and what to do; any other failure stays a traceback (a programming error)."""

from __future__ import annotations

import contextlib
import errno
import shutil
from collections.abc import Iterator
from pathlib import Path

from hydro.errors import HydroError

#: errno values, and netCDF-C's messages (a full disk: HDF error; other "NetCDF: ..." errors are
#: bugs), of a write the disk refused (full, quota, too large, read-only, I/O).
_DISK_ERRNOS = frozenset(getattr(errno, n, -1) for n in ("ENOSPC", "EDQUOT", "EFBIG", "EROFS", "EIO",
                                                          "ENAMETOOLONG"))
_NETCDF_DISK_ERRORS = tuple(f"NetCDF: {m}" for m in ("HDF error", "I/O failure", "Can't write file"))


def write_failure(path: Path, folder: Path, exc: BaseException) -> HydroError | None:
    """The message for a write the file system refused, or None: a programming error stays a traceback."""
    if isinstance(exc, OSError) and (exc.errno in _DISK_ERRNOS or isinstance(exc, PermissionError)):
        why = exc.strerror or str(exc)
    elif isinstance(exc, RuntimeError) and str(exc).startswith(_NETCDF_DISK_ERRORS):
        why = str(exc)  # netCDF says "HDF error" for a full disk and for a size limit alike
        limit = _file_size_limit()
        if limit is not None:
            why += f"; or past this process's file-size limit, `ulimit -f` ({limit} bytes)"
    else:
        return None
    if isinstance(exc, OSError) and exc.errno == errno.ENAMETOOLONG:
        return HydroError(f"{path}: writing failed (the name is too long for the file system); nothing was written "
                          "and an earlier file of that name is unchanged: choose a shorter name")
    if isinstance(exc, OSError) and exc.errno == errno.EFBIG:  # a size limit of the process, not of the disk
        return HydroError(f"{path}: writing failed ({why}: past this process's file-size limit, `ulimit -f`); nothing "
                          "was written and an earlier file of that name is unchanged: raise the limit and run again")
    with contextlib.suppress(OSError):
        why += f"; {shutil.disk_usage(folder).free / 1e6:.1f} MB free on the disk of {folder}"
    return HydroError(f"{path}: writing failed ({why}); nothing was written and an earlier file of that name is "
                      "unchanged: free disk space (or check permissions) and run again, or choose another folder")


def _file_size_limit() -> int | None:
    """This process's file-size limit in bytes (``ulimit -f``), or None where there is none."""
    try:
        import resource
    except ImportError:  # Windows
        return None
    soft = resource.getrlimit(resource.RLIMIT_FSIZE)[0]
    return None if soft == resource.RLIM_INFINITY else int(soft)


@contextlib.contextmanager
def disk_errors(path: Path, folder: Path) -> Iterator[None]:
    """A write the disk refused (full, read-only, ...) as :func:`write_failure`'s error naming ``path``."""
    try:
        yield
    except (OSError, RuntimeError) as exc:
        failed = write_failure(path, folder, exc)
        if failed is None:
            raise
        raise failed from None
