"""A watershed run's end state on disk: ``hydro run --save-state FILE`` writes it, ``--from-state FILE``
continues from it instead of spinning the model up from the basin's start again (forecaster review,
2026-12-06: each month's run spun up 16 years, about a whole run's time).

The state is what a time block hands to the next (:class:`hydro.blocked.BlockState`: runoff stores, snow,
groundwater N, routing, every cell's water and every tracer's concentration, the wash-off and withdrawal
stores), valid for one day: the day after the run that saved it.  The file is a NumPy ``.npz`` of its arrays
and a JSON description (no pickle: a state file received from someone else can hold nothing but numbers).
A run continues from it only where it was made by the same basin file (and the files it names), for the
same constituents carried (by source or not) and the same transferred water: anything else would pair a
state with a network or tracers it does not fit, and is refused naming what differs.  A run from the day
after another's end that saved its state equals, to the bit, the run spun up to that day the way the run
that saved it ran (:func:`hydro.blocked.run_blocks`); values given for the start (``--set``) still win.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

import numpy as np

from hydro.errors import HydroError

#: The format a state file says it is in (its ``meta.json`` entry ``format``): ``hydro-state-2`` carries a seal
#: (:func:`seal`), which a file of it must have; ``hydro-state-1`` (saved before 2026-12-06) has none and is read.
FORMAT = "hydro-state-2"
#: The formats :func:`load_state` reads.
FORMATS = ("hydro-state-1", FORMAT)


def _types() -> dict[str, type]:
    """The classes a state is made of, by name: the only ones a file may name."""
    from hydro.blocked import BlockState, TransportStart
    from hydro.local_steps_auto import StepEstimate
    from hydro.routing import RoutingState
    from hydro.runoff import GR4JState
    from hydro.runoff_gr4j import GR4JCemaNeigeState
    from hydro.transport_volumes import CellWater

    return {c.__name__: c for c in (BlockState, TransportStart, StepEstimate, RoutingState, GR4JState,
                                    GR4JCemaNeigeState, CellWater)}


def _flatten(value: Any, arrays: dict[str, np.ndarray]) -> Any:
    """``value`` as JSON, its arrays moved to ``arrays`` (named by their order)."""
    if isinstance(value, np.ndarray):
        name = f"a{len(arrays)}"
        arrays[name] = value
        return {"array": name}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {"type": type(value).__name__,
                "fields": {f.name: _flatten(getattr(value, f.name), arrays) for f in dataclasses.fields(value)}}
    if isinstance(value, tuple) and hasattr(value, "_fields"):
        return {"type": type(value).__name__, "fields": {f: _flatten(getattr(value, f), arrays) for f in value._fields}}
    if isinstance(value, dict):
        return {"dict": [[_flatten(k, arrays), _flatten(v, arrays)] for k, v in value.items()]}
    if isinstance(value, (list, tuple)):
        return {"tuple" if isinstance(value, tuple) else "list": [_flatten(v, arrays) for v in value]}
    if isinstance(value, np.generic):
        return value.item()
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    raise TypeError(f"a state holds a {type(value).__name__}, which a state file cannot write")


def _build(node: Any, arrays, types: dict[str, type]) -> Any:
    """The value :func:`_flatten` described."""
    if not isinstance(node, dict):
        return node
    if "array" in node:
        return np.array(arrays[node["array"]])
    if "dict" in node:
        return {_build(k, arrays, types): _build(v, arrays, types) for k, v in node["dict"]}
    if "tuple" in node or "list" in node:
        items = [_build(v, arrays, types) for v in (node["tuple"] if "tuple" in node else node["list"])]
        return tuple(items) if "tuple" in node else items
    cls = types[node["type"]]  # a KeyError: a name no state is made of (load_state says so)
    return cls(**{k: _build(v, arrays, types) for k, v in node["fields"].items()})


def save_state(path: str | Path, state, meta: dict[str, Any], overwrite: bool = False) -> Path:
    """Write ``state`` (a :class:`hydro.blocked.BlockState`) and ``meta`` (the day it is for and what it fits:
    :func:`state_meta`) to ``path`` atomically (an existing file only with ``overwrite``)."""
    from hydro.outputs import atomic_open

    arrays: dict[str, np.ndarray] = {}
    tree = _flatten(state, arrays)
    text = json.dumps({"format": FORMAT, **meta, "state": tree})
    arrays["meta_json"] = np.frombuffer(text.encode("utf-8"), dtype=np.uint8)
    arrays[SEAL] = np.frombuffer(seal(arrays).encode("ascii"), dtype=np.uint8)
    with atomic_open(path, overwrite, option="--save-state", mode="wb") as fh:
        np.savez(fh, **arrays)  # type: ignore[arg-type]  # (numpy's stub: names to arrays, as here)
    return Path(path)


#: The entry of a state file that holds its seal (:func:`seal`).
SEAL = "seal_sha256"


def seal(arrays: dict[str, np.ndarray]) -> str:
    """The SHA-256 of every entry of a state file but the seal (its name, dtype, shape and bytes, in name order):
    a file edited or damaged after :func:`save_state` wrote it no longer matches, and one of :data:`FORMAT` without
    its seal is refused too (error-message review,
    2026-12-06: negative concentrations written into a state ran, and a changed day started another day's
    state)."""
    import hashlib

    h = hashlib.sha256()
    for name in sorted(k for k in arrays if k != SEAL):
        a = np.ascontiguousarray(arrays[name])
        h.update(f"{name}|{a.dtype.str}|{a.shape}|".encode())
        h.update(a.tobytes())
    return h.hexdigest()


def is_state_file(path: str | Path) -> bool:
    """Whether ``path`` is a file :func:`save_state` wrote (a readable state of this format)."""
    try:
        load_state(path)
    except HydroError:
        return False
    return True


def load_state(path: str | Path, option: str = "--from-state") -> tuple[Any, dict[str, Any]]:
    """The state and its description from a file :func:`save_state` wrote; a file that is not one, or one
    of another format, is a :class:`HydroError` naming it (a missing one names ``option``, where it was given:
    ``--from-state``, or ``from_state`` from :meth:`hydro.Model.run`)."""
    import zipfile

    path = Path(path)
    what = f"{path}: not a hydro state file (written by hydro run --save-state)"
    if path.is_file() and not zipfile.is_zipfile(path):
        raise HydroError(what)
    try:
        with np.load(path, allow_pickle=False) as npz:
            arrays = {k: npz[k] for k in npz.files}
    except FileNotFoundError:
        raise HydroError(f"{path}: file not found ({option})") from None
    except (OSError, ValueError) as exc:
        raise HydroError(f"{what}: {exc}") from None
    if SEAL in arrays and bytes(arrays[SEAL]).decode("ascii", "replace") != seal(arrays):
        raise HydroError(f"{path}: changed after hydro wrote it (its contents no longer match their seal); a state "
                         "holds a run's stores as the run left them, and an edited or damaged one would start the "
                         "next run from water and nitrogen no run had: save it again with hydro run --save-state")
    sealed = arrays.pop(SEAL, None) is not None  # (states saved before 2026-12-06 have none)
    try:
        meta = json.loads(bytes(arrays.pop("meta_json")).decode("utf-8"))
    except (KeyError, ValueError) as exc:
        raise HydroError(f"{what}: no description ({exc})") from None
    if meta.get("format") not in FORMATS:
        raise HydroError(f"{what}: format {meta.get('format')!r}, expected {FORMAT!r}")
    if meta["format"] == FORMAT and not sealed:  # its seal removed with the edit
        raise HydroError(f"{path}: changed after hydro wrote it (its seal is gone); save it again with hydro run "
                         "--save-state")
    try:
        state = _build(meta.pop("state"), arrays, _types())
    except (KeyError, TypeError, AttributeError, ValueError) as exc:
        raise HydroError(f"{what}: its state does not read ({type(exc).__name__}: {exc})") from None
    if type(state).__name__ != "BlockState":
        raise HydroError(f"{what}: it holds a {type(state).__name__}, not a run's state")
    return state, meta

