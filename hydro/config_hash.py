"""The provenance hash of a basin configuration (the results' ``config_sha256``).

It covers what a run of the basin reads: the basin file's bytes, every file a value of it names
(weather and series CSVs, transfer tables, the regional quality table ...; :func:`referenced_files`),
each by its path relative to the basin's folder and its own SHA-256, and the changes made to the file
(``--set`` assignments, :meth:`hydro.Model.with_parameters`), one line each, the value as parsed
(:func:`canonical_change`; before 2026-12-05 the text as typed, so ``0.5`` and ``0.50`` differed).  Until 2026-12-04 it
covered the basin file and the changes only, so an edited weather CSV or regional table left it
unchanged, and ``hydro gep``'s check that it rebuilt the run's basin passed on another configuration.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

#: SHA-256 of the files read, by (resolved path, size, modification time in ns): a calibration or a
#: sweep derives many variants of one basin, whose files are hashed once.
_FILE_DIGESTS: dict[tuple[str, int, int], bytes] = {}


def referenced_files(data: Any, folder: Path) -> list[Path]:
    """Every existing file that a string value of the parsed basin file ``data`` names, relative to
    the basin's ``folder``, in the order met (a name given twice, twice)."""
    found: list[Path] = []
    stack = [data]
    while stack:
        value = stack.pop()
        if isinstance(value, dict):
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)
        elif isinstance(value, str) and value.strip() and _is_file(folder / value):
            found.append(folder / value)
    return found


def _is_file(path: Path) -> bool:
    """Whether ``path`` is a file; False for a value that cannot be a path (a citation too long for one)."""
    try:
        return path.is_file()
    except (OSError, ValueError):
        return False


def _digest(path: Path) -> bytes:
    """SHA-256 of the file's bytes (cached while its size and modification time stay)."""
    stat = path.stat()
    key = (os.path.realpath(path), stat.st_size, stat.st_mtime_ns)
    if key not in _FILE_DIGESTS:
        _FILE_DIGESTS[key] = hashlib.sha256(path.read_bytes()).digest()
    return _FILE_DIGESTS[key]


def config_sha256(file_bytes: bytes, data: Any, folder: Path, changes: Iterable[str] = (),
                  files: bool = True, canonical: bool = True) -> str:
    """The configuration's SHA-256, as hex.

    Parameters
    ----------
    file_bytes : bytes
        The basin file as read.
    data : dict
        The parsed file with the changes applied (the files it names are those the run reads).
    folder : Path
        The basin file's folder (relative names start there).
    changes : iterable of str
        The changes, ``key=value`` each, in the order applied.
    files : bool
        Whether the files the basin names count (False: the hash results carried before 2026-12-04,
        of the basin file and the changes alone, which ``hydro gep`` still accepts).
    canonical : bool
        Whether each change is hashed as :func:`canonical_change` writes it (False: its text as given, the
        hash of results written before 2026-12-05, which ``hydro gep`` still accepts).
    """
    h = hashlib.sha256(file_bytes)
    names = {os.path.normpath(os.path.relpath(p, folder)): p for p in referenced_files(data, folder)} if files else {}
    for name in sorted(names):
        h.update(b"\n--file " + name.encode() + b" " + _digest(names[name]))
    for item in changes:
        h.update(b"\n--set " + (canonical_change(item) if canonical else item).encode())
    return h.hexdigest()


def canonical_change(text: str) -> str:
    """A ``key.path=value`` change as the hash takes it since 2026-12-05: the key stripped and the value
    as parsed (:func:`hydro.overrides.parse_assignment`), numbers as floats, written as JSON, so that
    ``run.courant=0.5``, ``=0.50``, `` = 0.5`` (and ``=1``, ``=1.0``), one configuration, give one hash.
    A line that does not parse is taken as it is (the run refuses it anyway)."""
    from hydro.errors import HydroError
    from hydro.overrides import parse_assignment

    try:
        return canonical_assignment(*parse_assignment(text, "--set"))
    except (HydroError, ValueError, TypeError):
        return text


def canonical_assignment(key: str, value: Any) -> str:
    """``key=value`` with the value written as JSON, numbers as floats (``1`` and ``1.0`` one value) and tables
    with sorted keys: the form of :func:`canonical_change` and of a saved state's parameter record
    (:func:`hydro.state_fit.parameters_of`)."""
    import json

    return f"{key}={json.dumps(_numbers_as_floats(value), sort_keys=True, default=str)}"


def _numbers_as_floats(value: Any) -> Any:
    """``value`` with every number a float (``1`` and ``1.0`` read the same; a bool stays a bool), in
    lists and tables too: the hash of ``run.courant=1`` is that of ``run.courant=1.0``."""
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, list):
        return [_numbers_as_floats(v) for v in value]
    if isinstance(value, dict):
        return {k: _numbers_as_floats(v) for k, v in value.items()}
    return value


def change_lines(changes: dict[str, Any]) -> list[str]:
    """A :class:`hydro.Model`'s changes (path -> value) as the ``--set`` lines the hash takes (a string
    value as JSON, as ``--set`` takes it)."""
    import json

    return [f"{key}={json.dumps(value) if isinstance(value, str) else value}" for key, value in changes.items()]


def changes_sha256(file_bytes: bytes, data: Any, folder: Path, changes: dict[str, Any]) -> str:
    """:func:`config_sha256` of a :class:`hydro.Model`'s changes (path -> value, :func:`change_lines`)."""
    return config_sha256(file_bytes, data, folder, change_lines(changes))
