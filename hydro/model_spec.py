"""What the batch functions take as their model: a basin, or a :class:`hydro.Model` changed in Python.

:func:`hydro.ensemble.run_ensemble` and :func:`hydro.scenarios.run.run_scenarios` run their members
in worker processes from a basin file and ``--set`` assignments (what a worker can rebuild).  A
researcher holding a changed model (``Model.with_parameters``, a calibrated set) passed it and got a
raw TypeError; assignments given as one string were read letter by letter (review of 2026-12-04).
:func:`basin_and_overrides` turns either into the basin and the assignments that rebuild it.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from typing import Any

from hydro.errors import HydroError


def assignment_value(value: Any, path: str) -> str:
    """A value of :attr:`hydro.Model.changes` as ``--set`` text (TOML): a number, bool, string or
    list of them.

    Raises
    ------
    HydroError
        For a value ``--set`` cannot carry (a table, a non-finite number), naming ``path``.
    """
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise HydroError(f"{path}: {value} cannot be passed to the batch's workers; give a finite number")
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value)  # a TOML basic string
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(assignment_value(v, path) for v in value) + "]"
    raise HydroError(f"{path}: a {type(value).__name__} cannot be passed to the batch's workers as --set "
                     "text; change the basin file, or give numbers, strings or lists")


def basin_and_overrides(spec, overrides=None) -> tuple[Any, list[str]]:
    """``(basin spec, --set assignments)`` for a batch's members.

    Parameters
    ----------
    spec : str, Path or hydro.Model
        A basin (folder, file or shipped name) or a model: its basin file, and its
        :attr:`~hydro.Model.changes` as the first assignments.
    overrides : list of str, str or dict, optional
        More assignments: ``key.path=value`` texts, one such text, or ``{path: value}``.
    """
    from hydro.model import Model

    if overrides is None:
        extra: list[str] = []
    elif isinstance(overrides, str):
        extra = [overrides]
    elif isinstance(overrides, Mapping):
        extra = [f"{k}={assignment_value(v, str(k))}" for k, v in overrides.items()]
    else:
        extra = [str(o) for o in overrides]
    if isinstance(spec, Model):
        own = [f"{k}={assignment_value(v, k)}" for k, v in spec.changes.items()]
        return str(spec.basin.path), own + extra
    return spec, extra
