"""What a saved state fits (:mod:`hydro.state_file`): the day it is for, the basin file it was made with, the
constituents carried and the transferred water; a state that does not fit a run is refused naming what
differs (apart from :mod:`hydro.state_file`, which reads the classes of :mod:`hydro.blocked`, so that
:mod:`hydro.blocked` can check a state without importing it)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from hydro.errors import HydroError


def parameters_of(changes) -> list[str]:
    """The parameter changes a run makes, as a state records them: ``key=value`` with the value as JSON (a number as
    a float: ``700`` and ``700.0`` are one value), sorted, the last value of a key given twice.  ``changes`` are
    ``key=value`` assignments (``--set``, ``--params``) or :attr:`hydro.Model.changes` (a mapping): a state saved by
    ``hydro run --set runoff.x1_mm=700`` fits ``Model.with_parameters({"runoff.x1_mm": 700.0})``.  Those giving the
    start's state (``initial.*``, ``reservoirs.*.initial_storage_mcm``) are left out: a continued run may give them
    afresh."""
    from hydro.config_hash import canonical_assignment
    from hydro.overrides import parse_assignment

    pairs = (changes.items() if isinstance(changes, Mapping)
             else (parse_assignment(str(o), f"--set {o}") for o in changes or []))
    values = {str(k).strip(): v for k, v in pairs}
    return sorted(canonical_assignment(k, v) for k, v in values.items() if not _start_key(k))


def _start_key(key: str) -> bool:
    """Whether ``key`` gives the start's state rather than a parameter."""
    return key == "initial" or key.startswith("initial.") or (
        key.startswith("reservoirs.") and key.endswith(".initial_storage_mcm"))


def check_state_parameters(path, meta: dict[str, Any], parameters: list[str]) -> None:
    """Refuse a state (``meta``, from ``path``) saved with other parameter assignments than ``parameters``
    (:func:`parameters_of`): continuing it would mix two models (a state saved with ``--set runoff.x1_mm=700``
    continued with the file's x1 ran without a word)."""
    if "parameters" not in meta:  # a state saved before states recorded them: nothing to compare
        raise HydroError(f"{path}: this state was saved before states recorded their parameter changes "
                         "(--set/--params; 2026-12-06), so whether it fits the run's cannot be told: save the state "
                         "again with this hydro")
    saved = meta["parameters"]
    if parameters_of(saved if isinstance(saved, list) else []) != parameters_of(parameters):  # (a record of
        # before 2026-12-06 kept the text as given, runoff.x1_mm=700: read again, it compares as recorded now)
        raise HydroError(f"{path}: this state does not fit the run: it was saved with the parameter changes "
                         f"{meta.get('parameters') or 'none'}, the run makes {parameters or 'none'} (--set/--params, "
                         "Model.with_parameters; values for the start's state may differ, parameters may not): run "
                         "with the same, or save the state again")


def saved_by(meta: dict[str, Any]) -> str:
    """'' where the state ``meta`` was saved by this code (:func:`hydro.provenance.code_record`, which a state
    records since 2026-12-06: a state of two days before continued under that day's model without a word,
    0.2-0.3 % off, a backward-compatibility review found), else a clause for the results' ``initial_state``
    naming the code that saved it."""
    from hydro.provenance import code_record

    here = code_record()
    if meta.get("source_revision") == here["source_revision"] and meta.get("hydro_version") == here["hydro_version"]:
        return ""
    saved = meta.get("source_revision") or ("an unrecorded revision" if "source_revision" not in meta else "")
    return (f"; saved by hydro {meta.get('hydro_version', '(version not recorded)')}"
            + (f" at {saved}" if saved else "") + ", not this run's code")


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
                   "day after the run that saved it (--start, Model.run's start; or give none: a continued run "
                   "starts on its state's day)",
            "basin_file_sha256": "the basin file (or a file it names) changed since it was saved: save the state "
                                 "again with this file",
            "carried": f"it carries {meta.get('carried')}, the run {expected['carried']}",
            "apportion": "it was saved by a run that did not carry the sources apart (or the other way round)",
            "water_in": "it was saved by a run with other transferred water"}
    raise HydroError(f"{path}: this state does not fit the run: " + "; ".join(said[k] for k in wrong))

