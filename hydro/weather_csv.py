"""Parsing the weather CSV files: lines, header, rows and numeric columns, with located errors.

Shared by the hourly station reader (:mod:`hydro.station_hourly`) and the daily
forcing CSV (:mod:`hydro.forcing_csv`); every error names the file, the line and
the column.
"""

from __future__ import annotations

import csv
import hashlib
import math
from pathlib import Path

import numpy as np

from hydro.errors import HydroError, suggest

#: Tokens that mark a missing value in input files.
MISSING_TOKENS = ("NA", "")
#: Plausible air temperatures, degC (outside is an error, not a missing value).
TEMP_RANGE_C = (-70.0, 60.0)
#: What an air temperature above 200 (out of :data:`TEMP_RANGE_C`) most likely is, added to its error.
KELVIN_HINT = "; the temperatures look like kelvin: give degC (K - 273.15)"
#: What every CSV reader says of a data line that repeats the header.
SECOND_HEADER = "a second header line (files joined one after the other?): delete it"


def read_text_lines(path: Path) -> list[str]:
    """The lines of a CSV file (UTF-8 with or without BOM)."""
    from hydro.textfile import read_text  # UTF-8 with or without BOM; else "save it as UTF-8"

    return read_text(path, "CSV").splitlines()


def is_blank(row: list[str]) -> bool:
    """Whether a CSV row holds no text: an empty line, a line of spaces, or a row of commas only
    (``,,,,``: a row Excel saves for a cleared row), all read as blank lines."""
    return not "".join(row).strip()


def repeats_header(row: list[str], header: list[str]) -> bool:
    """Whether a data row is the header again (files joined one after the other; case ignored)."""
    return [c.strip().lower() for c in row] == [h.lower() for h in header]


def csv_rows(lines: list[str], path=None) -> list[tuple[int, list[str]]]:
    """``(line number, fields)`` of each line that is neither blank (:func:`is_blank`) nor a ``#`` comment,
    numbered as in the file (1-based, comments and blank lines counted); a line the CSV reader refuses (a
    field over its limit) is an error naming ``path`` and the line."""
    out = []
    for n, line in enumerate(lines, start=1):
        if line.lstrip().startswith("#"):
            continue
        try:
            fields = next(csv.reader([line]), [])
        except csv.Error as exc:  # a field of over 131,072 characters: no series of hydro's has one
            raise HydroError(f"{path or 'CSV'}: line {n}: {exc}; fix that line") from None
        if not is_blank(fields):
            out.append((n, fields))
    return out


def separator_hint(header: list[str]) -> str:
    """``"; ..."`` advice when a header of one field holds ';' or tab separators (a CSV saved
    with a European or tab-separated setting), full-width commas or semicolons (typed with a
    Chinese input method), or a column has no name, else ``""``."""
    if "" in header and len(header) > 1:
        return ("; a column without a name (a trailing comma, or an empty column the spreadsheet saved): "
                "delete it")
    if len(header) == 1:
        for sep, name in ((";", "semicolons"), ("\t", "tabs")):
            if sep in header[0]:
                return (f"; the fields are separated by {name}: hydro's CSV files are comma-separated with a "
                        "'.' decimal point (in Excel: Save As > 'CSV UTF-8 (Comma delimited)')")
        for sep, code, name in (("\uff0c", "U+FF0C", "commas"), ("\uff1b", "U+FF1B", "semicolons")):
            if sep in header[0]:
                return (f"; the fields are separated by full-width {name} '{sep}' ({code}, from a Chinese input "
                        f"method): replace each '{sep}' with ',' (switch the input method to half-width)")
    return ""


def check_row(path: Path, line: int, row: list[str], header: list[str], *, second_header: bool = True) -> None:
    """Refuse a data row that repeats the header (files joined one after the other; not checked with
    ``second_header=False``, for a reader that names it at its date column) or has another number of fields
    than the header (a decimal comma or a thousands separator split a number), naming the file and line."""
    if second_header and repeats_header(row, header):
        raise HydroError(f"{path}: line {line}: {SECOND_HEADER}")
    if len(row) != len(header):
        raise HydroError(f"{path}: line {line}: {len(row)} field{'s' * (len(row) != 1)}, the header has "
                         f"{len(header)} ({', '.join(header)}); write one value per column"
                         f"{fields_hint(header, len(row))}")


def check_named(path: Path, line: int, header: list[str]) -> None:
    """Refuse a header with a column without a name (Excel's trailing ``,,``): a row's number split by
    a decimal comma (``1,5``) would fill that column and be read cut to its first part."""
    if "" in header and len(header) > 1:
        raise HydroError(f"{path}: line {line}: unknown column ''{separator_hint(header)}")


def unit_hint(name: str, units: dict[str, str]) -> str:
    """For a column named as a known one but with another unit (``tmean_f``, ``volume_m3``),
    advice to convert the values, not only rename the column; else ``""``.  ``units`` maps
    each known column to its unit."""
    for column, unit in units.items():
        if name.lower().startswith(column.split("_")[0] + "_") and name.lower() != column:
            return (f" (another unit than '{column}'? hydro reads '{column}' in {unit}: convert the values, "
                    "then rename the column)")
    return ""


def fields_hint(header: list[str], n_fields: int) -> str:
    """Why a row may have another number of fields than the header: another separator, or
    (more fields) a decimal comma or a trailing comma."""
    return separator_hint(header) or ("; a decimal comma (write 1.5, not 1,5) or a trailing comma?"
                                      if n_fields > len(header) else "")


def parse_rows(path: Path, lines: list[str], first: int) -> tuple[list[str], list[list[str]], list[int]]:
    """Split CSV lines (from index ``first``, the header) into header and rows.

    Returns the header, the rows and each row's 1-based line number.  Blank
    lines (rows of commas only included, :func:`is_blank`) are skipped; a row with
    the wrong number of fields is an error.
    """
    try:
        return _split_rows(path, csv.reader(lines[first:]), first)
    except csv.Error as exc:  # a field of over 131,072 characters: no weather file has one
        raise HydroError(f"{path}: {exc}; fix the line that holds it") from None


def _split_rows(path: Path, reader, first: int) -> tuple[list[str], list[list[str]], list[int]]:
    """:func:`parse_rows`' work on a CSV ``reader`` of the lines from the header on."""
    header = [h.strip() for h in next(reader)]
    rows, numbers = [], []
    for offset, row in enumerate(reader, start=first + 2):
        if is_blank(row):
            continue
        if len(row) != len(header):
            raise HydroError(
                f"{path}: line {offset}: expected {len(header)} comma-separated fields "
                f"({', '.join(header)}), got {len(row)}; fix or remove that line{fields_hint(header, len(row))}"
            )
        rows.append(row)
        numbers.append(offset)
    return header, rows, numbers


def check_header(path: Path, header: list[str], required, optional=()) -> None:
    """Each column once, every ``required`` one present (the error suggests the nearest)."""
    seen = set()
    for name in header:
        if name in seen:
            raise HydroError(f"{path}: header: column '{name}' appears twice; keep one")
        seen.add(name)
    for name in required:
        if name not in seen:
            near = suggest(name, [h for h in header if h not in required])
            raise HydroError(
                f"{path}: header: missing column '{name}'{near}; expected columns "
                f"{', '.join(required)}" + (f" (optional {', '.join(optional)})" if optional else "")
                + separator_hint(header)
            )


def read_column(path, header, rows, numbers, name, *, allow_missing=True, what="a number",
            gaps: bool | None = None) -> np.ndarray:
    """Column ``name`` as float64, missing tokens → NaN; a bad value names its line.  Its
    message suggests NA only where the reader accepts a gap (``gaps``, default
    ``allow_missing``)."""
    gaps = allow_missing if gaps is None else gaps
    j = header.index(name)
    raw = [row[j].strip() for row in rows]
    values = np.empty(len(raw), dtype=np.float64)
    for i, text in enumerate(raw):
        if text in MISSING_TOKENS:
            if not allow_missing:
                raise HydroError(
                    f"{path}: line {numbers[i]}, column '{name}': value missing ('{text}'); expected {what}"
                    + ("; fill the gap (a simulation needs a value on every day)" if name != "year" else "")
                )
            values[i] = np.nan
            continue
        try:
            v = float(text)
        except ValueError:
            raise HydroError(
                f"{path}: line {numbers[i]}, column '{name}': expected {what} or NA, got '{text}'; fix that value"
            ) from None
        if not math.isfinite(v):
            raise HydroError(
                f"{path}: line {numbers[i]}, column '{name}': expected a finite number"
                + (f" or NA, got '{text}'; write NA for a missing value" if gaps
                   else f", got '{text}'; write the measured value (a simulation needs one on every day)")
            )
        values[i] = v
    return values


def file_sha256(path: Path) -> str:
    """SHA-256 of the file's bytes, hex."""
    return hashlib.sha256(path.read_bytes()).hexdigest()
