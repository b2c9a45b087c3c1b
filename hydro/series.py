"""Daily input series given in a config as a constant or as a CSV column.

A value in a basin or scenario file is either a number (constant over the run)
or a table ``{csv = "file.csv", column = "name"}``.  The CSV has a ``date``
column (``YYYY-MM-DD``, or year first as Excel writes it: :func:`hydro.dates.read_day`; daily,
increasing) that must cover the run; gaps, NaN, duplicate or missing dates are errors naming the file, column and first
bad date.  Files are read once per :class:`SeriesReader`.
"""

from __future__ import annotations

import math
from datetime import date, timedelta
from pathlib import Path

import numpy as np

from hydro.dates import not_a_day, read_day
from hydro.errors import HydroError, repeated, suggest
from hydro.tomlio import Table
from hydro.weather_csv import check_named, check_row, csv_rows, separator_hint

#: Values that mark a missing day in station and database exports (-9999 in GHCN-Daily and most loggers):
#: refused in a series as codes, where a flow of -9999 m3/s was taken as water taken out of a reach.
MISSING_CODES = frozenset((-999.0, -9999.0, -99999.0))


def daily_dates(start: date, end: date) -> list[date]:
    """Every day from ``start`` to ``end`` inclusive."""
    if end < start:
        raise HydroError(f"the run ends ({end}) before it starts ({start}); swap --start and --end")
    return [start + timedelta(days=i) for i in range((end - start).days + 1)]


class SeriesReader:
    """Reads constants and CSV columns onto the days of a run.

    Parameters
    ----------
    folder : Path
        Folder that relative CSV paths are resolved against (the basin folder).
    dates : list of date
        The days of the run.
    allow_gaps : bool
        Read empty or ``NA`` cells, and days the file does not cover, as NaN
        (observations) instead of rejecting them (forcing).
    """

    def __init__(self, folder: Path, dates: list[date], allow_gaps: bool = False):
        self.folder = Path(folder)
        self.dates = dates
        self.allow_gaps = allow_gaps
        self._files: dict[Path, tuple[list[date], dict[str, list[str]]]] = {}
        self._lines: dict[Path, list[int]] = {}  # each data row's line in its file

    def read(self, table: Table, key: str, *, minimum: float | None = None,
             default: float | None = None, maximum: float | None = None) -> np.ndarray:
        """The series at ``table[key]``: an array of one value per day.

        Parameters
        ----------
        table : Table
            The table holding the key (for located errors).
        key : str
            The key: a number, or ``{csv = ..., column = ...}``.
        minimum, maximum : float, optional
            Smallest and largest allowed value.
        default : float, optional
            Constant used when the key is absent (absent and no default is an error).
        """
        if default is not None and not table.has(key):
            return np.full(len(self.dates), float(default))
        value = table.raw(key)
        if isinstance(value, dict):
            sub = table.table(key)
            path = self.folder / sub.str("csv")
            column = sub.str("column")
            scale = sub.float("scale", default=1.0)
            sub.finish()
            values = self._column(path, column) * scale
        else:
            values = np.full(len(self.dates), table.float(key))
        low = -np.inf if minimum is None else minimum
        high = np.inf if maximum is None else maximum
        out = np.where(np.isnan(values), False, (values < low) | (values > high))
        if out.any():
            i = int(np.argmax(out))
            words = (f"is below {low:g}, the smallest" if values[i] < low else f"is above {high:g}, the largest")
            if isinstance(value, dict):  # where in the CSV: the file, column and line to correct
                line = self._lines[path][self._load(path)[0].index(self.dates[i])]
                raise HydroError(f"{path}: column '{column}', line {line} ({self.dates[i]}): value {values[i]:g}"
                                 + (f" (x scale {scale:g})" if scale != 1.0 else "")
                                 + f" {words} key '{table.path(key)}' of {table.file} takes; correct the value "
                                 "in the file")
            raise table.error(key, f"value {values[i]:g} on {self.dates[i]} {words.split(',')[0]}")
        return values

    def _column(self, path: Path, column: str) -> np.ndarray:
        dates, columns = self._load(path)
        if column not in columns:
            raise HydroError(f"{path}: no column '{column}'" + suggest(column, columns)
                             + f"; columns are: {', '.join(columns)}")
        index = {d: i for i, d in enumerate(dates)}
        raw = columns[column]
        out = np.empty(len(self.dates))
        for k, day in enumerate(self.dates):
            i = index.get(day)
            if i is None and self.allow_gaps:
                out[k] = math.nan
                continue
            if i is None:
                raise HydroError(f"{path}: column '{column}' has no value for {day}; the file "
                                 f"covers {dates[0]} to {dates[-1]}, the run needs "
                                 f"{self.dates[0]} to {self.dates[-1]}")
            try:
                out[k] = float(raw[i])
            except ValueError:
                out[k] = math.nan
            if out[k] in MISSING_CODES:  # a logger's or database's no-data value, not a flow or a load
                if self.allow_gaps:
                    out[k] = math.nan
                    continue
                raise HydroError(f"{path}: column '{column}', line {self._lines[path][i]} ({day}): {raw[i].strip()} "
                                 "looks like a missing-value code; the series needs a value every day: fill the gap "
                                 "(docs/file-formats.md)")
            if not math.isfinite(out[k]) and self.allow_gaps and raw[i].strip().lower() in ("", "na", "nan"):
                out[k] = math.nan
            elif not math.isfinite(out[k]):
                raise HydroError(f"{path}: column '{column}', line {self._lines[path][i]} ({day}): "
                                 f"'{raw[i]}' is not a number; fill the gap")
        return out

    def _load(self, path: Path):
        if path in self._files:
            return self._files[path]
        from hydro.textfile import read_text  # UTF-8 with or without BOM; else "save it as UTF-8"

        if not Path(path).exists():
            raise HydroError(f"{path}: file not found; check the 'csv' path "
                             "(relative to the basin folder)")
        text = read_text(path, "CSV")
        lines = csv_rows(text.splitlines(), path)  # neither blank (nor ',,,') nor a '#' comment
        rows = [row for _, row in lines]
        if rows:
            rows[0] = [h.strip() for h in rows[0]]
        if not rows or "date" not in rows[0]:
            got = f", got '{','.join(rows[0])}'{separator_hint(rows[0])}" if rows else ""
            raise HydroError(f"{path}: expected a header line with a 'date' column{got}")
        header = rows[0]
        check_named(path, lines[0][0], header)
        twice = repeated(h for h in header if h)
        if twice:
            raise HydroError(f"{path}: header: column '{twice[0]}' appears twice; give each column one name")
        di = header.index("date")
        dates: list[date] = []
        self._lines[path] = [n for n, _ in lines[1:]]
        for n, row in lines[1:]:
            check_row(path, n, row, header)
            try:
                day = read_day(row[di])
            except ValueError:
                raise HydroError(f"{path}: line {n}, column 'date': {not_a_day(row[di].strip())}") from None
            if dates and day != dates[-1] + timedelta(days=1):
                raise HydroError(f"{path}: line {n}: date {day} does not follow {dates[-1]} by one "
                                 "day; the file must be daily, increasing and without gaps")
            dates.append(day)
        if not dates:
            raise HydroError(f"{path}: no data lines")
        columns = {h: [row[j] for row in rows[1:]] for j, h in enumerate(header) if j != di}
        self._files[path] = (dates, columns)
        return self._files[path]
