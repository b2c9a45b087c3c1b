"""The comments a TOML file writes beside its numbers, by dotted path.

The shipped basin files cite where each number comes from in a comment: on the key's line
(``latitude_deg = 40.31  # Huairou district seat``), on the line above it, or on its
table's header (``[runoff]  # calibrated within Perrin et al. (2003) ranges``).
:func:`key_comments` reads them back for :attr:`hydro.Model.parameters`, so a researcher
sees a parameter's source beside its value.  Paths are those of :func:`hydro.overrides.set_path`:
a table in an array of tables is named by :func:`hydro.overrides.table_key` (its ``id``, its
``name``, or ``<from>_to_<to>``).  This is a reader of the comments only; the values come
from ``tomllib``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_HEADER = re.compile(r"^\[(\[)?\s*([A-Za-z_\"][^\]]*?)\s*\](\])?\s*$")
_KEY = re.compile(r"^([A-Za-z0-9_\-\"\.]+)\s*=\s*(.*)$")


def _split_comment(line: str) -> tuple[str, str]:
    """``(code, comment)`` of a line: the first ``#`` outside a string starts the comment."""
    quote = ""
    for i, ch in enumerate(line):
        if quote:
            if ch == quote:
                quote = ""
        elif ch in "\"'":
            quote = ch
        elif ch == "#":
            return line[:i].rstrip(), line[i + 1:].strip()
    return line.rstrip(), ""


def _depth(code: str) -> int:
    """Brackets and braces opened minus closed in ``code``, outside strings."""
    depth, quote = 0, ""
    for ch in code:
        if quote:
            quote = "" if ch == quote else quote
        elif ch in "\"'":
            quote = ch
        elif ch in "[{":
            depth += 1
        elif ch in "]}":
            depth -= 1
    return depth


@dataclass
class _Block:
    """One table header and the keys under it, until the next header."""

    parts: list[str]
    is_array: bool
    note: str
    keys: list[tuple[str, str]] = field(default_factory=list)
    strings: dict[str, str] = field(default_factory=dict)

    def name(self) -> str | None:
        """The element's name in a dotted path (as :func:`hydro.overrides.table_key`)."""
        for key in ("id", "name"):
            if key in self.strings:
                return self.strings[key]
        if "from" in self.strings:
            return f"{self.strings['from']}_to_{self.strings['to']}" if "to" in self.strings \
                else f"{self.strings['from']}_sink"
        return None


def key_comments(text: str) -> dict[str, str]:
    """Dotted path -> the comment that goes with that key in TOML ``text``.

    A key's comment is the one on its line, else the comment lines right above it, else
    its table header's (on the header line, else right above it), given as ``"[table]
    comment"`` since it speaks of the whole table; keys without any are left out, and so
    are the keys of an unnamed table in an array of tables (no path reaches them).
    """
    out: dict[str, str] = {}
    arrays: dict[str, str] = {}  # resolved path of an array of tables -> its last element's name
    block = _Block([], False, "")
    above: list[str] = []
    depth = 0
    for raw in text.splitlines():
        code, comment = _split_comment(raw.strip())
        if depth > 0:  # inside a value spanning lines
            depth += _depth(code)
            continue
        if not code:
            above = above + [comment] if comment else []
            continue
        header = _HEADER.match(code)
        if header:
            _flush(block, arrays, out)
            parts = [p.strip().strip('"') for p in header.group(2).split(".")]
            note = comment or " ".join(above)
            table_note = f"[{header.group(2).strip()}] {note}" if note else ""
            block = _Block(parts, bool(header.group(1)), table_note)
        else:
            key = _KEY.match(code)
            if key:
                name, value = key.group(1).strip('"'), key.group(2)
                depth = _depth(value)
                if value.startswith('"'):
                    block.strings[name] = value.strip().strip('"')
                note = comment or " ".join(above) or block.note
                if note:
                    block.keys.append((name, note))
        above = []
    _flush(block, arrays, out)
    return out


def _flush(block: _Block, arrays: dict[str, str], out: dict[str, str]) -> None:
    """Record the keys of ``block`` under its resolved path."""
    path = ""
    for k, part in enumerate(block.parts):
        path = f"{path}.{part}" if path else part
        last = k == len(block.parts) - 1
        if last and block.is_array:
            name = block.name()
            if name is None:
                return
            arrays[path] = name
            path = f"{path}.{name}"
        elif path in arrays:
            path = f"{path}.{arrays[path]}"
    for key, note in block.keys:
        out[f"{path}.{key}" if path else key] = note
