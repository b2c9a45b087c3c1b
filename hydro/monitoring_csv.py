"""The monitoring CSV: monthly section means as measured, read into a :class:`SectionSeries`.

Monitoring CSV format
---------------------
One row per section, month and parameter, with exactly these columns (any order)::

    section,year,month,parameter,value,unit
    gubeikou,2018,1,tn,5.12,mg/L
    gubeikou,2018,1,flow,12.4,m3/s
    gubeikou,2018,2,flow,2.9e7,m3

* ``parameter``: ``tn``, ``tp``, ``nh3n``, ``codmn``, ``do`` (concentrations, unit
  ``mg/L`` or ``ug/L``) or ``flow`` (unit ``m3``, ``万m3`` or ``亿m3`` for the month's volume, or
  ``m3/s`` for the month's mean discharge, turned into a volume with the days of that month);
  other spellings in :data:`UNIT_SPELLINGS`.
  Case, ``-`` and ``_`` are ignored, so ``NH3-N`` and ``CODMn`` are accepted.
* ``year``: 1900 to 2100 (:data:`MONITORING_YEARS`).
* ``value``: a number >= 0, or empty for a month known to be missing; at most
  :data:`MAX_CONCENTRATION_MG_L` of its parameter, or :data:`MAX_DISCHARGE_M3_S` of flow
  (as a month's volume: that discharge over the month's days).
* Lines whose first cell starts with ``#`` are comments.
"""

from __future__ import annotations

import calendar
import csv
import math
import re
from pathlib import Path

import numpy as np

from hydro.dates import PLAUSIBLE_YEARS
from hydro.errors import HydroError, nearest, suggest
from hydro.section_series import FLOW, SERIES_PARAMETERS, SectionSeries, normalise_parameter
from hydro.units import SECONDS_PER_DAY, WATER_MAX_MG_L
from hydro.weather_csv import SECOND_HEADER, fields_hint, repeats_header, separator_hint

#: Columns of the monitoring CSV.
CSV_COLUMNS: tuple[str, ...] = ("section", "year", "month", "parameter", "value", "unit")

_CONCENTRATION_UNITS = {"mg/l"}
_FLOW_UNITS = {"m3": "volume", "m3/s": "discharge"}

#: Spellings of a unit cell (spaces removed, lower case, ``³``/``^3`` as 3) -> (unit read, factor to it):
#: what monitoring reports and Chinese spreadsheets write, 10^4 and 10^8 m3 (万, 亿 m³) and ug/L included;
#: the results-file reader (:mod:`hydro.monitoring`) reads a variable's ``units`` with them too.
UNIT_SPELLINGS: dict[str, tuple[str, float]] = {
    **dict.fromkeys(("mg/l", "mgl-1", "mg*l-1", "mg.l-1", "mgl^-1", "毫克/升"), ("mg/l", 1.0)),
    **dict.fromkeys(("ug/l", "µg/l", "μg/l", "ugl-1", "微克/升"), ("mg/l", 1e-3)),
    **dict.fromkeys(("m3", "立方米"), ("m3", 1.0)),
    **dict.fromkeys(("万m3", "万立方米", "10^4m3", "1e4m3"), ("m3", 1e4)),
    **dict.fromkeys(("亿m3", "亿立方米", "10^8m3", "1e8m3"), ("m3", 1e8)),
    **dict.fromkeys(("m3/s", "m3s-1", "m3*s-1", "m3.s-1", "m3s^-1", "m3/sec", "立方米/秒"), ("m3/s", 1.0)),
}


def read_unit(text: str) -> tuple[str, float]:
    """``(unit, factor)``: a unit cell as one of ``mg/l``, ``m3``, ``m3/s`` and the factor that turns a value
    in it into that unit (``("m3", 1e4)`` for ``万m³``); ``(cell, 1.0)`` for a spelling not known, which the
    caller refuses by name."""
    key = text.replace(" ", "").replace("\u00b7", "*").replace("³", "3").replace("^3", "3").lower()
    return UNIT_SPELLINGS.get(key, (key, 1.0))

#: Years a monitoring row may carry (:data:`hydro.dates.PLAUSIBLE_YEARS` gives the reasons).
MONITORING_YEARS = PLAUSIBLE_YEARS
#: The largest monthly mean concentration a monitoring section can hold, mg/L: what a river's water holds
#: (:data:`hydro.units.WATER_MAX_MG_L`).  (It was ten times that: a section's TP of 0.08 mg/L given as 80 ug/L
#: passed, and an agreement charged 10.8 million yuan for a year of class V.)
MAX_CONCENTRATION_MG_L = WATER_MAX_MG_L
#: The largest mean discharge of a month, m3/s: about twice the Amazon's mean (2.1e5 m3/s), so no
#: river reaches it; more is a unit slip (L/s, or a volume given as m3/s).
MAX_DISCHARGE_M3_S = 4.0e5


def read_monitoring_csv(path: str | Path) -> SectionSeries:
    """Read a monitoring CSV of monthly section means (format in the module docstring).

    Parameters
    ----------
    path : str or Path
        The CSV file.

    Returns
    -------
    SectionSeries
        Concentrations in mg/L, flow as monthly volume in m³; months without a row
        (or with an empty value) are NaN.

    Raises
    ------
    HydroError
        For a missing file, wrong columns, an unknown parameter or unit, a bad year,
        month or value, or a duplicate row; the message names the file and line.
    """
    import io

    from hydro.textfile import read_text  # UTF-8 with or without BOM; else "save it as UTF-8"

    path = Path(path)
    fh = io.StringIO(read_text(path, "monitoring CSV"))
    rows: dict[tuple[str, str, int, int], tuple[float, int]] = {}
    with fh:
        reader = csv.reader(fh)
        header = None
        for row in reader:
            line = reader.line_num
            if not row or not "".join(row).strip() or row[0].lstrip().startswith("#"):
                continue
            cells = [c.strip() for c in row]
            if header is None:
                header = _read_header(path, line, cells)
                continue
            if repeats_header(cells, header):
                raise HydroError(f"{path}: line {line}: {SECOND_HEADER}")
            key, value = _read_row(path, line, header, cells)
            if key in rows:
                section, parameter, year, month = key
                raise HydroError(
                    f"{path}: line {line}: a second value for {section} {parameter} "
                    f"{year}-{month:02d} (first on line {rows[key][1]}); keep one row per month")
            rows[key] = (value, line)
    if header is None or not rows:
        raise HydroError(f"{path}: no data rows; expected a header ({', '.join(CSV_COLUMNS)}) and rows")
    years = [k[2] for k in rows]
    first, n_years = min(years), max(years) - min(years) + 1
    data: dict[str, dict[str, np.ndarray]] = {}
    for (section, parameter, year, month), (value, _) in rows.items():
        arr = data.setdefault(section, {}).setdefault(parameter, np.full(12 * n_years, np.nan))
        arr[12 * (year - first) + month - 1] = value
    return SectionSeries(first, data, source=str(path))



def _read_header(path: Path, line: int, cells: list[str]) -> list[str]:
    """The header: each of :data:`CSV_COLUMNS` once, in any order (lower-cased)."""
    header = [c.lower() for c in cells]
    from hydro.gep_columns import is_gep_header

    if is_gep_header(header):
        raise HydroError(f"{path}: a GEP table, as `hydro gep` writes it, not a series of the sections: give a "
                         "monitoring CSV (columns " + ", ".join(CSV_COLUMNS) + ") or the results file (.nc) the "
                         "GEP table was made from")
    for c in header:
        if c not in CSV_COLUMNS:
            raise HydroError(
                f"{path}: line {line}: unknown column '{c}'" + (separator_hint(cells) or suggest(c, CSV_COLUMNS))
                + "; the columns are " + ", ".join(CSV_COLUMNS))
    lacking = [c for c in CSV_COLUMNS if c not in header]
    if lacking or len(set(header)) != len(header):
        raise HydroError(
            f"{path}: line {line}: header must name each of "
            + ", ".join(CSV_COLUMNS) + " once"
            + (f"; missing: {', '.join(lacking)}" if lacking else "; a column is repeated"))
    return header


def _read_row(path: Path, line: int, header: list[str], cells: list[str]):
    """One data row: ``((section, parameter, year, month), value)``, flow as the month's m³."""
    if len(cells) != len(header):
        raise HydroError(
            f"{path}: line {line}: expected {len(header)} cells ({', '.join(header)}), "
            f"got {len(cells)}{fields_hint(header, len(cells))}")
    rec = dict(zip(header, cells, strict=True))
    section = rec["section"]
    if not section:
        raise HydroError(f"{path}: line {line}: empty section id")
    year = _csv_int(path, line, "year", rec["year"], *MONITORING_YEARS)
    month = _csv_int(path, line, "month", rec["month"], 1, 12)
    parameter = normalise_parameter(rec["parameter"])
    if parameter not in SERIES_PARAMETERS:
        raise HydroError(
            f"{path}: line {line}: unknown parameter '{rec['parameter']}'"
            + suggest(parameter, SERIES_PARAMETERS)
            + "; expected one of " + ", ".join(SERIES_PARAMETERS))
    unit, factor = read_unit(rec["unit"])
    value = _csv_value(path, line, rec["value"], parameter) * factor
    _check_ceiling(path, line, parameter, unit, year, month, f"{rec['value']} {rec['unit']}", value)
    if parameter == FLOW:
        if unit not in _FLOW_UNITS:
            raise HydroError(
                f"{path}: line {line}: unit '{rec['unit']}' for flow; expected 'm3' "
                "(monthly volume; also 万m3, 亿m3) or 'm3/s' (monthly mean discharge)")
        if unit == "m3/s" and not math.isnan(value):
            value *= calendar.monthrange(year, month)[1] * SECONDS_PER_DAY
    elif unit not in _CONCENTRATION_UNITS:
        raise HydroError(
            f"{path}: line {line}: unit '{rec['unit']}' for {parameter}; "
            "concentrations must be in 'mg/L' or 'ug/L'")
    return (section, parameter, year, month), value

def _csv_int(path, line, column, text, lo, hi) -> int:
    try:
        value = int(text)
    except ValueError:
        raise HydroError(f"{path}: line {line}: {column} '{text}' is not an integer") from None
    if not lo <= value <= hi:
        hint = ("; give the four-digit calendar year of the measurement (2022, not 22)" if column == "year"
                else "; give the month's number, 1 (January) to 12")
        raise HydroError(f"{path}: line {line}: {column} {value} is outside {lo}..{hi}{hint}")
    return value


def _check_ceiling(path, line, parameter, unit, year, month, text, value) -> None:
    """Refuse a value above what water can hold (:data:`MAX_CONCENTRATION_MG_L`,
    :data:`MAX_DISCHARGE_M3_S`): a unit slip or a typing error, never a measurement."""
    if math.isnan(value) or unit not in (_CONCENTRATION_UNITS | set(_FLOW_UNITS)):
        return  # a missing month; a wrong unit is said by the caller
    if parameter == FLOW:
        days = calendar.monthrange(year, month)[1]
        most = MAX_DISCHARGE_M3_S * (1.0 if unit == "m3/s" else days * SECONDS_PER_DAY)
        what = f"{most:.3g} {'m3/s' if unit == 'm3/s' else 'm3 in a month of ' + str(days) + ' days'}"
        why = f"about twice the Amazon's mean discharge ({MAX_DISCHARGE_M3_S:.0e} m3/s)"
        todo = "check the unit (m3 for the month's volume, m3/s for its mean discharge) and the value"
    else:
        most = MAX_CONCENTRATION_MG_L[parameter]
        what, why = f"{most:g} mg/L", "more than any river's monthly mean can hold"
        todo = "check the unit (a value in ug/L is 1000 times its value in mg/L: give its unit as ug/L) and the value"
    if value > most:
        raise HydroError(
            f"{path}: line {line}, column 'value': {parameter} {year}-{month:02d} is {text}, above {what}, "
            f"{why}; {todo}")


#: How monitoring reports write a result below the detection limit x: ``xL`` (GB and HJ methods' tables), ``<x``.
_BELOW_LIMIT = re.compile(r"^(?:[<＜]\s*(?P<a>[0-9.eE+-]+)|(?P<b>[0-9.eE+-]+)\s*[Ll])$")
#: Non-detects written without their limit: refused, since half the limit is what enters a mean.
_NO_LIMIT = {"nd", "n.d.", "未检出", "<dl", "<lod", "bdl"}


def _csv_value(path, line, text, parameter: str = "") -> float:
    """A row's value: a number >= 0, NaN for an empty cell (a missing month), or half the detection limit
    for a concentration below it (``0.01L``, ``<0.01``), as the national statistics rule enters one in a
    mean (MEE 2020 rule for surface-water monitoring data, point 7; SL 219-2013, 12.2.5)."""
    if text == "":
        return math.nan
    below = _BELOW_LIMIT.match(text.strip())
    if below and parameter != FLOW:
        limit = _csv_value(path, line, below.group("a") or below.group("b"))
        if limit <= 0:
            raise HydroError(f"{path}: line {line}: value '{text}': a detection limit must be > 0")
        return 0.5 * limit
    if text.strip().lower() in _NO_LIMIT:
        raise HydroError(f"{path}: line {line}: value '{text}' is a result below the detection limit without "
                         "the limit; write the limit with L (0.01L) or < (<0.01): half of it enters the mean, "
                         "as the national statistics rule does")
    try:
        value = float(text)
    except ValueError:
        bare = text.replace(",", "")  # 12,400,000.5 or 1,234.5: thousands separators, not a decimal comma
        thousands = text.count(",") > 1 or ("," in text and "." in text and text.index(",") < text.index("."))
        comma = (f"; thousands separators: write {bare}" if thousands
                 else "; a decimal comma? write 3.5, not 3,5" if "," in text else "")
        raise HydroError(
            f"{path}: line {line}: value '{text}' is not a number{comma}; leave it empty for a missing month"
        ) from None
    if not math.isfinite(value) or value < 0:
        raise HydroError(f"{path}: line {line}: value {text} must be a finite number >= 0")
    return value


def missing_section(series: SectionSeries, section: str, named: str) -> HydroError:
    """The error for a ``section`` a monitoring CSV's ``series`` lacks (``named``: who names it, e.g. an
    agreement's key): a misspelt name in the CSV is as likely as in the agreement (the advice was to
    rename the agreement's section to the CSV's typo)."""
    close = nearest(section, series.sections)
    near = (f"; is '{close}' in the CSV a misspelling of '{section}'? Correct the CSV's section column, or "
            if close else "; add its rows to the CSV, or ")
    return HydroError(f"{series.source}: no section '{section}', {named}; its sections: "
                      + ", ".join(series.sections) + near + "name a section it has")

