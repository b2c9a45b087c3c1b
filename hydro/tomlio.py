"""Reading TOML files with errors a user can act on.

:func:`load_toml` reports malformed TOML with its file and line.  :class:`Table`
wraps one TOML table: typed accessors name the file and the key path in every
error, and :meth:`Table.finish` rejects unknown keys, suggesting the nearest
known one.  Every config reader in hydro goes through this module.
"""

from __future__ import annotations

import math
import re
import tomllib
from datetime import date
from pathlib import Path
from typing import Any

from hydro.dates import day_problem, iso_day
from hydro.errors import HydroError, suggest
from hydro.textfile import lookalike_hint, read_text

_REQUIRED = object()


#: What marks each kind of hydro TOML file at its top level; the first that matches names it.
_KINDS = (
    ("scenario file", lambda d: "measures" in d and "scenarios" in d),
    ("calibration config", lambda d: "model" in d and "parameters" in d),
    # before agreements: a best_params.toml has a top-level 'target' (the model it was fitted to)
    ("calibrated parameters file", lambda d: "overrides" in d and "model" in d),
    ("agreement", lambda d: any(k in d for k in ("payer", "quantity", "quality_class", "tn_reduction", "target",
                                                  "fixed"))),
    ("basin file", lambda d: "basin" in d or "reaches" in d),
    ("catchment file", lambda d: "gr4j" in d and "area_km2" in d),
    ("observations file", lambda d: "validation_run" in d),
)


def toml_kind(data: dict[str, Any]) -> str | None:
    """Which kind of hydro TOML file ``data`` is, by its top-level keys (None: none known)."""
    return next((kind for kind, test in _KINDS if test(data)), None)


def a_kind(kind: str) -> str:
    """``"an agreement"``, ``"a basin file"``."""
    return f"{'an' if kind[0] in 'aeiou' else 'a'} {kind}"


def load_toml(path: str | Path, expect: str | None = None, hint: str | None = None) -> dict[str, Any]:
    """Parse a TOML file (UTF-8, with or without a byte-order mark).

    Parameters
    ----------
    path : str or Path
        The file to read.
    expect : str, optional
        The kind of file (a kind of :func:`toml_kind`) the caller reads: a file that is not
        TOML, or TOML of another kind, is refused saying so.
    hint : str, optional
        What to do, ending those messages (default: check which file goes where).

    Raises
    ------
    HydroError
        If the file is missing, not UTF-8 or not valid TOML (the message gives the line),
        or not of the kind expected.
    """
    path = Path(path)
    if expect is None:
        return _parse(path)
    check = hint or "check which file goes where in the command (`hydro info FILE` says what a file is)"
    try:
        data = _parse(path)
    except HydroError:
        if path.suffix.lower() == ".toml" or not path.is_file():
            raise
        what = f"a '{path.suffix}' file" if path.suffix else "a file"
        raise HydroError(f"{path}: not {a_kind(expect)} ({what} that is not TOML); {check}") from None
    # an empty agreement or config was said as its first key missing ("key 'name': missing; add it to this
    # table"); a basin file says which tables it lacks (hydro.basin_tables.load_basin_file), a scenario file
    # that it defines no scenario (hydro.scenarios.spec)
    if not data and expect not in ("basin file", "scenario file"):
        raise HydroError(f"{path}: no keys (the file is empty or only comments); expected {a_kind(expect)}: "
                         "write its keys (docs/file-formats.md lists each file's format), or give the file meant")
    kind = toml_kind(data)
    if kind not in (None, expect) and not any(test(data) for k, test in _KINDS if k == expect):
        raise HydroError(f"{path}: this is {a_kind(kind)}, not {a_kind(expect)}; {check}")
    return data


#: Control characters a text of a configuration may not hold (all of C0 but tab, line feed and carriage return;
#: DEL; C1).
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def _parse(path: Path) -> dict[str, Any]:
    text = read_text(path, "TOML")
    if _fast_loads is not None:
        try:
            return _fast_loads(text)
        except Exception:  # the standard parser below says what is wrong, and where
            pass
    try:
        return tomllib.loads(text)
    except RecursionError:  # arrays or tables nested thousands deep: no configuration is
        raise HydroError(f"{path}: malformed TOML: arrays or tables nested too deeply to read; no hydro file "
                         "nests more than a few levels") from None
    except tomllib.TOMLDecodeError as exc:
        where = "at that line" if "line" in str(exc) else "there (an array, table or string left open reaches the end)"
        at = re.search(r"at line (\d+)", str(exc))
        lines = text.splitlines()
        odd = lookalike_hint(lines[int(at[1]) - 1]) if at and int(at[1]) <= len(lines) else ""
        raise HydroError(f"{path}: malformed TOML: {exc}{odd}; fix the syntax {where}") from None


def _fast_parser():
    """``rtoml.loads`` if installed (compiled: 0.27 s against tomllib's 1.6 s on a 10,000-reach
    basin; the same tables, ``tests/test_tomlio_parsers.py``), else None.  What it rejects,
    :mod:`tomllib` parses again: syntax errors read as before."""
    try:
        import rtoml
    except ImportError:  # a platform without its wheel: the standard parser alone
        return None
    return rtoml.loads


_fast_loads = _fast_parser()


def not_tables_message(header: str, value: Any) -> str:
    """What is wrong with ``value`` where an array of tables ``[[header]]`` was expected."""
    if isinstance(value, dict):  # '[header]' in the file, or a --set path through a table the file lacks
        return (f"expected an array of tables ([[{header}]]), found one table: the file has no [[{header}]] "
                "here, and --set or with_parameters change existing tables by their names, they cannot add "
                f"one (add a [[{header}]] table to the file instead)")
    return f"expected an array of tables ([[{header}]])"


class Table:
    """One TOML table being read: typed access, located errors, unknown-key check.

    Parameters
    ----------
    data : dict
        The parsed table.
    file : Path
        The file it came from (for messages).
    where : str
        Its key path inside the file, such as ``reaches[2]`` (for messages).
    """

    def __init__(self, data: Any, file: str | Path, where: str = ""):
        if not isinstance(data, dict):
            raise HydroError(
                f"{file}: {where or 'top level'}: expected a table, got {type(data).__name__}"
            )
        self.data = data
        self.file = file if isinstance(file, Path) else Path(file)  # sub-tables share their file's Path
        self.where = where
        self._used: set[str] = set()

    # -- locating -----------------------------------------------------------------
    def path(self, key: str) -> str:
        """The dotted key path of ``key`` inside the file."""
        return f"{self.where}.{key}" if self.where else key

    def error(self, key: str, message: str) -> HydroError:
        """A :class:`HydroError` located at ``key`` of this table."""
        return HydroError(f"{self.file}: key '{self.path(key)}': {message}")

    # -- access -------------------------------------------------------------------
    def has(self, key: str) -> bool:
        """Whether ``key`` is present (marks it as known)."""
        self._used.add(key)
        return key in self.data

    def mark(self, keys) -> None:
        """Mark ``keys`` as known, as :meth:`has` would each (for readers that look in :attr:`data`)."""
        self._used.update(keys)

    def raw(self, key: str, default: Any = _REQUIRED) -> Any:
        """The value of ``key`` as parsed, or ``default``; missing and required is an error."""
        self._used.add(key)
        if key in self.data:
            return self.data[key]
        if default is _REQUIRED:
            raise self._missing(key)
        return default

    def str(self, key: str, default: Any = _REQUIRED) -> str:
        """A string value, without control characters but tab and line ends (a NUL cut an id short in the
        results, an escape sequence reached the terminal: security review, 2026-12-06)."""
        value = self.raw(key, default)
        if value is not default and not isinstance(value, str):
            raise self._wrong(key, "expected a string", value)
        bad = _CONTROL.search(value) if isinstance(value, str) else None
        if bad:
            raise self.error(key, f"holds the control character U+{ord(bad[0]):04X}; remove it (only tabs and line "
                                  "breaks may stand in a text)")
        return value

    def _wrong(self, key: str, expected: str, value: Any) -> HydroError:
        """A wrong type's error: a ``--set`` into an agreement's rule blames the option, with the value typed."""
        given = re.match(r"set on the command line \((--set [^)]*)\)", str(value.get("note", ""))) \
            if isinstance(value, dict) else None
        if given:
            return HydroError(f"{given[1]}: key '{self.path(key)}' of {self.file}: {expected}, got {value['value']!r}")
        return self.error(key, f"{expected}, got {value!r}")

    def bool(self, key: str, default: Any = _REQUIRED) -> bool:
        """A boolean value."""
        value = self.raw(key, default)
        if value is not default and not isinstance(value, bool):
            raise self._wrong(key, "expected true or false", value)
        return value

    def int(self, key: str, default: Any = _REQUIRED, minimum: int | None = None) -> int:
        """An integer value, optionally at least ``minimum``."""
        value = self.raw(key, default)
        if value is default:
            return value
        if isinstance(value, bool) or not isinstance(value, int):
            raise self._wrong(key, "expected an integer", value)
        if minimum is not None and value < minimum:
            raise self.error(key, f"expected an integer >= {minimum}, got {value}")
        return value

    def float(self, key: str, default: Any = _REQUIRED, *, minimum: float | None = None,
              maximum: float | None = None, positive: bool = False, why: str = "") -> float:
        """A finite real value, with optional bounds (``positive`` means > 0; ``why``: what a value
        above ``maximum`` most likely is, added to the message)."""
        self._used.add(key)  # raw() inlined: some 2e5 calls read a 10,000-reach basin
        if key not in self.data:
            if default is _REQUIRED:
                raise self._missing(key)
            return default
        value = self.data[key]
        if value is default:
            return value
        return self._check_number(key, value, minimum, maximum, positive, why)

    def floats(
        self,
        key: str,
        default: Any = _REQUIRED,
        *,
        length: int | None = None,
        minimum: float | None = None,
        maximum: float | None = None,
        positive: bool = False,
        why: str = "",
    ) -> list[float]:
        """A list of finite real values, optionally of a given length (``why`` as in :meth:`float`)."""
        value = self.raw(key, default)
        if value is default:
            return value
        if not isinstance(value, list):
            raise self._wrong(key, "expected a list of numbers", value)
        if length is not None and len(value) != length:
            raise self.error(key, f"expected {length} values, got {len(value)}")
        return [self._check_number(f"{key}[{i}]", v, minimum, maximum, positive, why) for i, v in enumerate(value)]

    def date(self, key: str, default: Any = _REQUIRED, value: Any = _REQUIRED):
        """A date (TOML date or ``YYYY-MM-DD`` string); ``value`` checks an element
        already taken from the table (e.g. one end of a period) under ``key``'s name."""
        from datetime import datetime

        if value is _REQUIRED:
            value = self.raw(key, default)
            if value is default:
                return value
        if isinstance(value, datetime):  # a TOML date-time: compared with dates it raised a TypeError
            raise self.error(key, f"expected a date YYYY-MM-DD, got the date-time {value.isoformat()}; "
                                  f"write the day alone ({value.date().isoformat()})")
        if isinstance(value, date):
            return value
        if isinstance(value, str):
            try:
                return iso_day(value)  # not 20150101 or 2015-W01-4
            except ValueError:
                if day_problem(value):
                    raise self.error(key, day_problem(value)) from None
        raise self._wrong(key, "expected a date YYYY-MM-DD", value)

    def table(self, key: str, default: Any = _REQUIRED) -> "Table":
        """A sub-table."""
        value = self.raw(key, default)
        if value is default:
            value = {} if default is None else default
        return Table(value, self.file, self.path(key))

    def tables(self, key: str, default: Any = _REQUIRED) -> list["Table"]:
        """An array of tables (``[[key]]``)."""
        value = self.raw(key, default)
        if value is default and default is not _REQUIRED:
            value = default or []
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            raise self.error(key, not_tables_message(re.sub(r"\[\d+\]", "", self.path(key)), value))
        return [Table(v, self.file, f"{self.path(key)}[{i}]") for i, v in enumerate(value)]

    def finish(self) -> None:
        """Raise on any key that no accessor asked for, suggesting the nearest one (else naming them all)."""
        for key in self.data:
            if key not in self._used:
                hint = suggest(key, self._used) or f" (known keys: {', '.join(sorted(self._used))})"
                raise self.error(key, "unknown key" + hint + "; remove or rename it")

    # -- helpers ------------------------------------------------------------------
    def _missing(self, key) -> HydroError:  # ('str' here is Table.str)
        """A required key is absent: the error, naming a key of the table not read yet that may be
        it misspelt (:meth:`near_miss`)."""
        return self.error(key, "missing; add it to this table" + self.near_miss(key))

    def near_miss(self, key) -> str:
        """`` (the table has 'KEY': is that it, misspelt?)`` for a key of the table not read yet that may be
        ``key`` misspelt (``x1`` or ``kf_mm_per_c_day`` for ``x1_mm``, ``kf_mm_per_c_per_day``), else "".
        Keys that differ from it only in digits (``x3_mm``) are other keys, not misspellings."""
        import difflib

        digits = re.compile(r"\d")
        others = [k for k in self.data if k not in self._used and digits.sub("0", k) != digits.sub("0", key)]
        near = [k for k in others if key.startswith(k + "_")] or difflib.get_close_matches(key, others, n=1)
        return f" (the table has '{near[0]}': is that it, misspelt?)" if near else ""

    def _check_number(self, key, value, minimum, maximum, positive, why="") -> float:
        if type(value) is not float:
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise self._wrong(key, "expected a number", value)
            value = float(value)
        if not math.isfinite(value):
            raise self.error(key, f"expected a finite number, got {value}")
        if positive and value <= 0:
            raise self.error(key, f"expected a positive number, got {value}")
        if minimum is not None and value < minimum:
            raise self.error(key, f"expected a number >= {minimum}, got {value}")
        if maximum is not None and value > maximum:
            raise self.error(key, f"expected a number <= {maximum}, got {value}" + (f"; {why}" if why else ""))
        return value
