"""``key.path=value`` overrides of parsed TOML: ``hydro run --set``, scenarios, calibration.

A dotted path names a value of a parsed TOML file; inside an array of tables a path
segment selects the table it names (:func:`table_key`).  :func:`set_path` sets one and
says what to write instead when the path goes past a value or stops at an array of tables.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

from hydro.errors import HydroError, suggest


def apply_overrides(data: dict[str, Any], assignments: list[str], file: str | Path) -> dict[str, Any]:
    """Apply ``key.path=value`` overrides (``--set``) to parsed TOML, in place.

    The value is parsed as a TOML value (``0.5``, ``true``, ``"text"``, ``[1, 2]``),
    or taken as a bare string when it does not parse.  Inside an array of
    tables, a path segment selects the table whose ``id`` (or ``name``) equals
    it, e.g. ``reaches.upper.dispersion_m2_s=10``.  A missing table on the
    path is created (``subbasins.w1.runoff.x1_mm=400`` where w1 has no
    ``[runoff]``); the readers then reject keys they do not know.

    Raises
    ------
    HydroError
        For a malformed assignment or a path that does not exist in ``file``.
    """
    for text in assignments:
        path, value = parse_assignment(text, f"--set {text}")
        set_path(data, path, value, file, label=f"--set {text}")
    return data


def parse_assignment(text: str, label: str) -> tuple[str, Any]:
    """``key.path=value`` as ``(path, value)``: the value read as a TOML value (``0.5``,
    ``true``, ``"text"``, ``[1, 2]``), or the bare text when it does not parse.

    Raises
    ------
    HydroError
        Naming ``label`` when there is no ``=``, or when a value begun as an array, a table or a
        quoted string does not parse (``period=[2001,2002``: the file was blamed for it).
    """
    if "=" not in text:
        from hydro.textfile import lookalike_hint

        raise HydroError(f"{label}: expected key.path=value{lookalike_hint(text)}")
    path, value_text = text.split("=", 1)
    try:
        value = tomllib.loads(f"v = {value_text}")["v"]
    except tomllib.TOMLDecodeError as exc:
        if value_text.strip()[:1] in ("[", "{", '"', "'"):  # meant as an array, a table or a string
            raise HydroError(f"{label}: the value {value_text.strip()} is not TOML ({exc}); write it as in the "
                             "file, e.g. period=[2013, 2017] or name=\"text\"") from None
        value = value_text
    return path.strip(), value


def table_key(table: dict[str, Any]) -> str | None:
    """How a table inside an array of tables is named in a dotted path.

    Its ``id``, else its ``name``; a reaction (``from``, ``to``) is
    ``<from>_to_<to>``, or ``<from>_sink`` without a product
    (``constituents.tn.reactions.nh3n_to_no3n.river_rate_per_day``).
    """
    for key in ("id", "name"):
        if key in table:
            return str(table[key])
    if "from" in table:
        return f"{table['from']}_to_{table['to']}" if "to" in table else f"{table['from']}_sink"
    return None


def _tables(node: Any) -> bool:
    return isinstance(node, list) and any(isinstance(t, dict) for t in node)


def _not_a_table(label: str, keys: list[str], depth: int, node: Any) -> HydroError:
    """The error for a path going on past ``keys[:depth]``, a value or an array of tables."""
    where = ".".join(keys[:depth])
    if not _tables(node):
        return HydroError(f"{label}: '{where}' is a value, not a table; give the path of the value itself, '{where}'")
    named = [table_key(t) for t in node if isinstance(t, dict)]
    if any(name is None for name in named):  # tables without an id (an agreement's rules): by position
        return HydroError(f"{label}: '{where}' is an array of {len(named)} table{'s' * (len(named) != 1)} without "
                          f"ids; give one by its position, e.g. '{where}[0].{keys[depth]}'")
    known = [str(name) for name in named]
    return HydroError(f"{label}: '{where}' is an array of tables; name one of them before the key, e.g. "
                      f"'{where}.{known[0]}.{keys[depth]}' (the tables are named: {', '.join(known)})")


def set_path(data: dict[str, Any], path: str, value: Any, file: str | Path, label: str | None = None) -> None:
    """Set one ``key.path`` of parsed TOML to a typed value, in place (see :func:`apply_overrides`).

    Parameters
    ----------
    data : dict
        Parsed TOML.
    path : str
        Dotted path; inside an array of tables a segment selects the table it
        names (:func:`table_key`: its ``id`` or ``name``, a reaction's
        ``<from>_to_<to>``).
    value : Any
        The new value (a number, bool, string, list or table).
    file : str or Path
        The file the data came from, for messages.
    label : str, optional
        How the assignment is named in messages (default ``path``).

    Raises
    ------
    HydroError
        For a path that does not exist in ``file``.
    """
    label = label or path
    keys = path.split(".")
    if not all(key.strip() for key in keys):  # '=1', 'run..courant', 'run.': not a key named ''
        raise HydroError(f"{label}: the path '{path}' has an empty key; name each key between the dots, "
                         "e.g. run.courant")
    if "[" in path:  # 'subbasins[1].area_km2' made a key 'subbasins[1]', then said "no key 'subbasins.w2'"
        by_name = _by_name(data, keys)
        if by_name and by_name.endswith("]"):  # one value of a list of numbers: the advice was the path itself
            whole = by_name.rpartition("[")[0]
            raise HydroError(f"{label}: '{path}' names one value of the list '{whole}'; a path sets the whole "
                             f"list: give '{whole}' all its values, this one changed (a list or 1-d array)")
        raise HydroError(f"{label}: '{path}' names a table by its position; a path names it by its id or name"
                         + (f": write '{by_name}'" if by_name else ", e.g. reaches.east.length_km"))
    node: Any = data
    for depth, key in enumerate(keys[:-1]):
        where = ".".join(keys[: depth + 1])
        if _tables(node):
            match = [t for t in node if isinstance(t, dict) and table_key(t) == key]
            if not match:
                known = [str(table_key(t)) for t in node if isinstance(t, dict)]
                raise HydroError(f"{label}: {file} has no table '{where}'" + suggest(key, known)
                                 + f"; the tables of '{'.'.join(keys[:depth])}' are named: {', '.join(known)}")
            if len(match) > 1:
                # two reactions between the same species (parallel pathways with their
                # own temperature factors) share a name: setting the first alone would
                # leave the other as it was without a word
                raise HydroError(f"{label}: {file} has {len(match)} tables named '{where}'; "
                                 f"a path cannot tell them apart, so change them in the file itself")
            node = match[0]
        elif isinstance(node, dict):
            if key not in node:
                # a table the file leaves out (e.g. a subbasin's optional
                # [runoff]) is created; its reader rejects unknown keys
                node[key] = {}
            node = node[key]
        else:
            raise _not_a_table(label, keys, depth, node)
    named = [t for t in node if isinstance(t, dict) and table_key(t) == keys[-1]] if _tables(node) else []
    if named:  # 'reaches.east' = 1: the path names a whole table, not one of its values
        some = [k for k, v in named[0].items() if not isinstance(v, (dict, list))]
        raise HydroError(f"{label}: '{path}' is a table, not a value; give the path of one of its values, "
                         f"e.g. '{path}.{some[-1] if some else '<key>'}' (its keys: {', '.join(map(str, named[0]))})")
    if not isinstance(node, dict):
        raise _not_a_table(label, keys, len(keys) - 1, node)
    node[keys[-1]] = value  # a new key is allowed: its table's reader checks it


def _by_name(data: dict[str, Any], keys: list[str]) -> str | None:
    """``keys`` (a path that may name tables by position, ``subbasins[1]``, or by name) with every
    table named (:func:`table_key`): ``subbasins.w2.area_km2``; None where a position or name is not there."""
    node: Any = data
    parts: list[str] = []
    missing = object()  # a key set to None (with_parameters({path: None})) is there
    for k, segment in enumerate(keys):
        name, _, index = segment.partition("[")
        if _tables(node):  # a table of an array named by its id or name
            node = next((t for t in node if isinstance(t, dict) and table_key(t) == name), missing)
        elif isinstance(node, dict):
            node = node.get(name, missing)
        else:  # a number or a list of numbers: no table below it
            return None
        if node is missing:
            return None
        parts.append(name)
        if index:
            i = int(index.rstrip("]")) if index.rstrip("]").isdigit() else -1
            if k == len(keys) - 1 and isinstance(node, list) and not _tables(node) and 0 <= i < len(node):
                parts[-1] = f"{name}[{i}]"  # a value of a list of numbers (target_release_m3_s[0])
                continue
            if not _tables(node) or not 0 <= i < len(node) or table_key(node[i]) is None:
                return None
            node = node[i]
            parts.append(str(table_key(node)))
    return ".".join(parts)


_INDEXED_KEY = re.compile(r"'([A-Za-z_]\w*\[\d+\][^'\s]*)'")


def user_path(data: dict[str, Any], key: str) -> str | None:
    """The dotted path (as ``--set`` and :meth:`hydro.Model.with_parameters` take it) of a
    key the file's readers name by position in arrays of tables: ``constituents[0].river_theta``
    is ``constituents.tn.river_theta`` (:func:`table_key`).  None where ``key`` does not lead
    through named tables of ``data`` (an unnamed table), or where the path is ``key`` itself (a
    position in a list of numbers of a plain table, ``n[1]``)."""
    path = _by_name(data, key.split("."))
    return None if path == key else path


def in_user_paths(exc: HydroError, data: dict[str, Any]) -> HydroError:
    """``exc`` with each key it names by position (``'constituents[0].river_removal_per_day'``)
    named by the path a user gives, the file's key after it in brackets
    (``'constituents.tn.river_removal_per_day' [file key constituents[0].river_removal_per_day]``):
    for errors about values set by path (:meth:`hydro.Model.with_parameters`, ``--set``)."""
    def name(match: re.Match[str]) -> str:
        path = user_path(data, match.group(1))
        return f"'{path}' [file key {match.group(1)}]" if path else match.group(0)

    message = _INDEXED_KEY.sub(name, str(exc))
    return exc if message == str(exc) else HydroError(message)
