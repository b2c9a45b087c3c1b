"""A transfer series file read onto a run's days: :class:`SeriesFile` and its rows.

:func:`read_transfer_series` reads the file (format in :mod:`hydro.transfers`)
line by line; the helpers here turn one line into the days it covers
(:func:`row_days`) and its flow and concentrations (:func:`row_values`), each error
naming the file, the line and the column.
"""

from __future__ import annotations

import calendar
import math
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import numpy as np

from hydro.dates import PLAUSIBLE_YEARS, date_advice, no_day, read_day
from hydro.errors import HydroError
from hydro.transfer_tables import CONCENTRATION_SUFFIX, VALUE_COLUMNS, check_series_header, parts_problem
from hydro.units import MAX_FLOW_M3_S, SECONDS_PER_DAY, water_max_mg_l
from hydro.weather_csv import SECOND_HEADER, check_row, csv_rows


@dataclass(frozen=True)
class SeriesFile:
    """A transfer series read onto the days of a run.

    Attributes
    ----------
    path : Path
    flow : (D,) float
        Mean flow of each day of the run, m3 s-1 (0 where no row covers the day).
    covered : (D,) bool
        Days a row covers.
    tn : (D,) float or None
        TN of the water, mg L-1, where the file has a ``tn_mg_per_l`` column
        (NaN on uncovered days).
    monthly : bool
        Whether the rows are months.
    first, last : date
        First and last day the file covers.
    volume_m3 : float
        Volume the file gives over the whole run's covered days, m3.
    species : dict of str to (D,) float
        Every ``<x>_mg_per_l`` column, by name ``x`` (``tn`` included), mg L-1 (NaN on
        uncovered days).
    """

    path: Path
    flow: np.ndarray
    covered: np.ndarray
    tn: np.ndarray | None
    monthly: bool
    first: date
    last: date
    volume_m3: float
    species: dict = field(default_factory=dict)


def row_days(path: Path, n: int, text: str) -> tuple[date, date, bool]:
    """First and last day of line ``n``'s ``date`` (a day or a month), and whether it is a month."""
    is_month = len(text) == 7
    try:
        if is_month:
            y, m = (int(p) for p in text.split("-"))
            first, last = date(y, m, 1), date(y, m, calendar.monthrange(y, m)[1])
        else:
            first = last = read_day(text)
    except ValueError:
        pass
    else:  # a first line of 0218-05-01 (for 2018) took that water out of the run without a word
        if not PLAUSIBLE_YEARS[0] <= first.year <= PLAUSIBLE_YEARS[1]:
            raise HydroError(f"{path}, line {n}, column 'date': '{text}' is outside the years "
                             f"{PLAUSIBLE_YEARS[0]}..{PLAUSIBLE_YEARS[1]}; correct the year")
        return first, last, is_month
    if re.fullmatch(r"\d{4}-\d{2}(-\d{2})?", text):  # the form is right, the calendar has no such day
        raise HydroError(f"{path}, line {n}, column 'date': '{text}' has the form of a "
                         f"{'month YYYY-MM' if is_month else 'day YYYY-MM-DD'} but no such "
                         f"{'month' if is_month else 'day'} exists ({_calendar_hint(text)}); "
                         "correct the date") from None
    if no_day(text):
        raise HydroError(f"{path}, line {n}, column 'date': {no_day(text)}; correct the date")
    again = f"; {SECOND_HEADER}" if text == "date" else f"; {date_advice(text)}"
    raise HydroError(f"{path}, line {n}, column 'date': '{text}' is neither a day "
                     f"YYYY-MM-DD nor a month YYYY-MM{again}") from None


def _calendar_hint(text: str) -> str:
    """Why ``YYYY-MM[-DD]`` is no date: the month out of 1-12, or the days its month has."""
    y, m = int(text[:4]), int(text[5:7])
    if not 1 <= m <= 12:
        return "months are 01-12"
    return f"{text[:7]} has {calendar.monthrange(y, m)[1]} days" if y >= 1 else "years start at 0001"


def check_month_starts(path: Path, rows: list[tuple[int, list[str]]], i_date: int) -> None:
    """Daily rows that are all the first day of a month are monthly values written as days:
    each would be given to its one day only (the rest of the month carrying no transfer).
    Monthly rows (``YYYY-MM``, checked by :func:`row_days`) pass."""
    if len(rows[0][1][i_date]) == 7:
        return
    days = [read_day(row[i_date]) for _, row in rows]
    if len(days) > 1 and all(d.day == 1 for d in days):
        n, row = rows[0]
        month = row[i_date][:7]
        raise HydroError(f"{path}, line {n}, column 'date': every line is the first day of a month "
                         f"('{row[i_date]}', ...), so each value would be given to that one day and the other "
                         f"days of its month would carry no transfer; for monthly values write the month "
                         f"('{month}', YYYY-MM), spread evenly over its days, or give a line for every day")


def row_values(path: Path, n: int, row: list[str], value: tuple[str, int], i_conc: dict[str, int],
               days: int) -> tuple[float, dict[str, float]]:
    """Mean flow (m3 s-1) of line ``n`` over its ``days``, and its concentrations (mg L-1) by species.

    ``value`` is the value column's name (``flow_m3_s`` or ``volume_mcm``) and index;
    ``i_conc`` the index of each ``<x>_mg_per_l`` column by ``x``.
    """
    value_col, i_val = value
    amount = _number(path, n, value_col, row[i_val], "the flow or volume (0 when nothing moved)")
    if amount < 0:
        raise HydroError(f"{path}, line {n}, column '{value_col}': {amount:g} is negative; "
                         "transfers are given as positive amounts (the kind says the direction)")
    q = amount if value_col == "flow_m3_s" else amount * 1e6 / (days * SECONDS_PER_DAY)
    if q > MAX_FLOW_M3_S:  # a unit mix-up (m3 in volume_mcm, L/s in flow_m3_s): stop it here, not in the transport
        raise HydroError(f"{path}, line {n}, column '{value_col}': {amount:g} is a mean flow of {q:.3g} m3/s "
                         f"over the line's {days} day(s), more than any river carries ({MAX_FLOW_M3_S:g} m3/s); "
                         f"check the unit: {value_col} is in "
                         f"{'m3/s' if value_col == 'flow_m3_s' else '10^6 m3 (1 = 1,000,000 m3)'}")
    conc = {}
    for x, i in i_conc.items():
        column = x + CONCENTRATION_SUFFIX
        conc[x] = _number(path, n, column, row[i], f"the {x.upper()} of the water in mg/L")
        if conc[x] < 0 or conc[x] > water_max_mg_l(x):
            raise HydroError(f"{path}, line {n}, column '{column}': {conc[x]:g} mg/L is outside "
                             f"0-{water_max_mg_l(x):g} mg/L (what a river's water holds); give the concentration "
                             "in mg/L, not ug/L")
    return q, conc


def _number(path: Path, line: int, column: str, text: str, what: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value):
        raise HydroError(f"{path}, line {line}, column '{column}': '{text}' is not a number; "
                         f"write {what}")
    return value


def read_transfer_series(path: Path, dates: list[date], *, allow_tn: bool) -> SeriesFile:
    """Read a transfer series file (see the module docstring) onto ``dates``.

    Raises
    ------
    HydroError
        Naming the file, the line and the column of the first bad value.
    """
    from hydro.textfile import read_text

    path = Path(path)
    if not path.exists():
        raise HydroError(f"{path}: file not found; check the 'csv' path of the [[transfers]] table "
                         "(relative to the basin folder)")
    text = read_text(path, "CSV")
    header: list[str] | None = None
    rows: list[tuple[int, list[str]]] = []
    for n, fields in csv_rows(text.splitlines(), path):  # neither blank (nor ',,,') nor a '#' comment
        if header is None:
            header = [h.strip() for h in fields]
            header_line = n
            continue
        rows.append((n, [f.strip() for f in fields]))
    if header is None:
        raise HydroError(f"{path}: expected a header line with a 'date' column and one of "
                         f"{' or '.join(VALUE_COLUMNS)} (e.g. 'date,flow_m3_s,tn_mg_per_l')")
    check_series_header(path, header, header_line, allow_tn=allow_tn)
    values = [c for c in VALUE_COLUMNS if c in header]
    conc_cols = [h for h in header if h.endswith(CONCENTRATION_SUFFIX)]
    value_col = values[0]
    i_date, i_val = header.index("date"), header.index(value_col)
    i_conc = {h[:-len(CONCENTRATION_SUFFIX)]: header.index(h) for h in conc_cols}
    if not rows:
        raise HydroError(f"{path}: no data lines after the header")
    run0, n_day = dates[0], len(dates)
    flow = np.zeros(n_day)
    covered = np.zeros(n_day, dtype=bool)
    species = {x: np.full(n_day, np.nan) for x in i_conc}
    monthly = None
    previous_end: date | None = None
    first = last = None
    volume = 0.0
    for n, row in rows:
        check_row(path, n, row, header, second_header=False)  # (a second header is named at its date: row_days)
        start, end, is_month = row_days(path, n, row[i_date])
        if monthly is None:
            monthly = is_month
        elif monthly != is_month:
            raise HydroError(f"{path}, line {n}, column 'date': '{row[i_date]}' is a "
                             f"{'month' if is_month else 'day'} but the lines before are "
                             f"{'months' if monthly else 'days'}; a file is all daily (YYYY-MM-DD) "
                             "or all monthly (YYYY-MM)")
        if previous_end is not None and start <= previous_end:
            raise HydroError(f"{path}, line {n}, column 'date': {row[i_date]} does not come after the "
                             "line before; sort the lines by date and give each day or month once")
        previous_end = end
        first = first or start
        last = end
        q, conc = row_values(path, n, row, (value_col, i_val), i_conc, (end - start).days + 1)
        problem = parts_problem(conc)
        if problem:
            raise HydroError(f"{path}, line {n}: {problem}")
        a = max((start - run0).days, 0)
        b = min((end - run0).days + 1, n_day)
        if a < b:
            flow[a:b] = q
            covered[a:b] = True
            volume += q * (b - a) * SECONDS_PER_DAY
            for x, c in conc.items():
                species[x][a:b] = c
    if first is None or last is None:
        raise HydroError(f"{path}: no data lines; give a date and a flow or volume per day or month")
    check_month_starts(path, rows, i_date)
    return SeriesFile(path=path, flow=flow, covered=covered, tn=species.get("tn"), monthly=bool(monthly),
                      first=first, last=last, volume_m3=volume, species=species)
