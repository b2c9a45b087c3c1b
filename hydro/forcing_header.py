"""The ``# key: value`` header of a hydro daily forcing CSV: what a file says of itself (its station
and sources, whether it is synthetic and its seed, adjustments, estimated periods), read before its
rows by :func:`hydro.forcing_csv.read_forcing_csv` and alone by :func:`read_header`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hydro.errors import HydroError
from hydro.weather_csv import read_text_lines

#: The first line of a file hydro writes.
TITLE = "hydro daily forcing"


def parse_meta_value(path: Path, lineno: int, key: str, text: str) -> Any:
    """A header value: ``synthetic`` a boolean, ``seed`` an integer, any other key its text."""
    if key == "synthetic":
        if text.lower() in ("true", "false"):
            return text.lower() == "true"
        raise HydroError(f"{path}: line {lineno}: 'synthetic' must be true or false, got '{text}'")
    if key == "seed":
        try:
            return int(text)
        except ValueError:
            raise HydroError(f"{path}: line {lineno}: 'seed' must be an integer, got '{text}'") from None
    return text


def read_header(path: str | Path) -> dict[str, Any]:
    """The ``# key: value`` lines at the top of a forcing CSV, as :func:`hydro.forcing_csv.read_forcing_csv` reads them
    into its metadata (its rows are not parsed)."""
    path = Path(path)
    return read_comments(path, read_text_lines(path))[0]


def read_comments(path: Path, lines: list[str]) -> tuple[dict[str, Any], int]:
    """The ``# key: value`` lines at the top as metadata, and the index of the header line."""
    meta: dict[str, Any] = {}
    notes = []
    first = 0
    while first < len(lines) and (lines[first].startswith("#") or not lines[first].strip()):
        text = lines[first].lstrip("#").strip()
        if text == TITLE:
            pass
        elif ":" in text:
            key, value = (s.strip() for s in text.split(":", 1))
            if key != "columns":  # the writer's column legend, regenerated on writing
                meta[key] = parse_meta_value(path, first + 1, key, value)
        elif text:
            notes.append(text)
        first += 1
    if notes:
        meta.setdefault("notes", " ".join(notes))
    return meta, first
