"""What a saved state fits (:mod:`hydro.state_file`): the day it is for, the basin file it was made with, the
constituents carried and the transferred water; a state that does not fit a run is refused naming what
differs (apart from :mod:`hydro.state_file`, which reads the classes of :mod:`hydro.blocked`, so that
:mod:`hydro.blocked` can check a state without importing it)."""

from __future__ import annotations

from datetime import date
from typing import Any

from hydro.errors import HydroError


def parameters_of(overrides) -> list[str]:
    """The ``key=value`` assignments (``--set``, ``--params``) that change a run's parameters, sorted: all but
    those giving the start's state (``initial.*``, ``reservoirs.*.initial_storage_mcm``), which a continued run
    may give afresh."""
    def start_key(text: str) -> bool:
        key = text.split("=", 1)[0].strip()
        return key == "initial" or key.startswith("initial.") or (
            key.startswith("reservoirs.") and key.endswith(".initial_storage_mcm"))

    return sorted(str(o).strip() for o in overrides or [] if not start_key(str(o)))


def check_state_parameters(path, meta: dict[str, Any], parameters: list[str]) -> None:
    """Refuse a state (``meta``, from ``path``) saved with other parameter assignments than ``parameters``
    (:func:`parameters_of`): continuing it would mix two models (a state saved with ``--set runoff.x1_mm=700``
    continued with the file's x1 ran without a word)."""
    if list(meta.get("parameters", [])) != list(parameters):
        raise HydroError(f"{path}: this state does not fit the run: it was saved with --set/--params "
                         f"{meta.get('parameters') or 'none'}, the run gives {parameters or 'none'} (values for the "
                         "start's state may differ, parameters may not): run with the same, or save the state again")


def state_meta(basin, day: date, carried, apportion: bool, water_in) -> dict[str, Any]:
    """What a state fits: the day it is for, the basin file's configuration (its own hash, without ``--set``:
    a value given for the start still goes in), the constituents carried and whether by source, and whether
    transferred water is carried (its tracer)."""
    return {"day": day.isoformat(), "basin": basin.name, "basin_file_sha256": _file_hash(basin),
            "carried": [c.name for c in carried], "apportion": bool(apportion),
            "water_in": [bool(w) for w in water_in]}


def _file_hash(basin) -> str:
    """The configuration hash of the basin's file as it stands (no ``--set``)."""
    from hydro.basin import Basin

    return Basin.load(basin.path).sha256


def check_fits(path, meta: dict[str, Any], expected: dict[str, Any]) -> None:
    """Refuse a state (``meta``, from ``path``) that does not fit the run (``expected``, :func:`state_meta`),
    naming what differs and what to do."""
    if meta.get("basin") != expected["basin"]:
        raise HydroError(f"{path}: this is a state of basin {meta.get('basin')!r}, the run is of {expected['basin']!r}")
    wrong = [k for k in ("day", "basin_file_sha256", "carried", "apportion", "water_in") if meta.get(k) != expected[k]]
    if not wrong:
        return
    said = {"day": f"it is the state of {meta.get('day')}, the run starts on {expected['day']}: start the run the "
                   "day after the run that saved it (--start)",
            "basin_file_sha256": "the basin file (or a file it names) changed since it was saved: save the state "
                                 "again with this file",
            "carried": f"it carries {meta.get('carried')}, the run {expected['carried']}",
            "apportion": "it was saved by a run that did not carry the sources apart (or the other way round)",
            "water_in": "it was saved by a run with other transferred water"}
    raise HydroError(f"{path}: this state does not fit the run: " + "; ".join(said[k] for k in wrong))

