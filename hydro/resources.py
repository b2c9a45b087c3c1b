"""Where the shipped data lives: the one module that knows.

The repository keeps the shipped basins, configurations and reference data in
three top-level folders, ``basins/``, ``configs/`` and ``validation/``.  An
installed wheel carries the same three folders as package data under
``hydro/_data/`` (``[tool.setuptools]`` in ``pyproject.toml`` maps them there at
build time, ``MANIFEST.in`` lists the files), so they are found through
:mod:`importlib.resources` wherever the package was installed.  In a source
checkout or an editable install there is no ``hydro/_data/``; the folders are
then the ones beside the package, in the repository root.

Every lookup of shipped data goes through :func:`data_root` or one of the
helpers below; nothing else in the package builds these paths from
``__file__``.  The functions return real :class:`pathlib.Path` folders, because
basins are read with ordinary file I/O and their files name each other by
relative paths (``forcing/huairou_daily_2013_2017.csv``,
``../../validation/calibration/hymod/catchment.toml``).
"""

from __future__ import annotations

import atexit
import contextlib
import functools
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

#: The three shipped top-level folders.
SHIPPED_FOLDERS = ("basins", "configs", "validation")

#: Name of the folder that holds them inside an installed package.
PACKAGED_DATA = "_data"


def _as_path(traversable: Traversable) -> Path:
    """A real folder for ``traversable`` (extracted once for a zipped install)."""
    if isinstance(traversable, Path):
        return traversable
    # A package imported from a zip file: extract the folder for the process's
    # lifetime (as_file takes folders from Python 3.12 on).
    stack = contextlib.ExitStack()
    atexit.register(stack.close)
    try:
        return Path(stack.enter_context(resources.as_file(traversable)))
    except (TypeError, IsADirectoryError, OSError) as exc:  # Python 3.11 and zip imports
        raise RuntimeError(f"hydro's shipped data ({traversable}) is inside an archive and "
                           "cannot be extracted on this Python; install hydro unzipped "
                           "(pip install does)") from exc


@functools.cache
def data_root() -> Path:
    """The folder holding ``basins/``, ``configs/`` and ``validation/``.

    ``hydro/_data`` of an installed package, else the repository root of a
    checkout or editable install.
    """
    package = resources.files(__package__ or "hydro")
    packaged = package / PACKAGED_DATA
    if packaged.is_dir() and packaged.joinpath("basins").is_dir():
        return _as_path(packaged)
    checkout = _as_path(package).parent
    if (checkout / "basins").is_dir():
        return checkout
    raise RuntimeError(f"hydro's shipped data is missing: neither {packaged} nor "
                       f"{checkout / 'basins'} exists; reinstall the package")


def shipped(*parts: str) -> Path:
    """A path inside the shipped data, e.g. ``shipped("configs", "agreements")``.

    The path is not checked for existence.
    """
    if not parts or parts[0] not in SHIPPED_FOLDERS:
        raise ValueError(f"shipped data starts with one of {', '.join(SHIPPED_FOLDERS)}, "
                         f"not {parts[0] if parts else 'nothing'}")
    return data_root().joinpath(*parts)


def basins_dir() -> Path:
    """The shipped basins (``basins/``: ``miyun``, ``guanting``)."""
    return shipped("basins")


def examples_dir() -> Path:
    """The shipped example basins (``configs/examples/``: ``tiny``, ``watershed``)."""
    return shipped("configs", "examples")


def configs_dir(kind: str | None = None) -> Path:
    """``configs/``, or one kind of it: ``agreements``, ``calibration``, ``examples``, ``scenarios``."""
    return shipped("configs", kind) if kind else shipped("configs")


def validation_dir(kind: str | None = None) -> Path:
    """``validation/``, or one part of it: ``reference`` or ``calibration``."""
    return shipped("validation", kind) if kind else shipped("validation")


def shipped_copy(given: str | Path) -> Path | None:
    """The shipped file or folder a relative path names where it is not found from here: the docs
    and the shipped files' own comments write ``configs/agreements/...``, ``configs/examples/tiny``,
    which exist beside the current folder only in a checkout (packaging review 2026-12-05, F1/F2).
    None where ``given`` exists, is absolute, is not a path inside one of :data:`SHIPPED_FOLDERS` (a
    folder's bare name is a word of its own: ``hydro info basins`` lists the shipped basins), or names
    nothing shipped."""
    path = Path(given)
    if path.is_absolute() or path.exists() or len(path.parts) < 2 or path.parts[0] not in SHIPPED_FOLDERS:
        return None
    found = shipped(*path.parts)
    return found if found.exists() else None

