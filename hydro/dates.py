"""Calendar helpers shared by readers, reports, tables and plots.

One place for reading a day from a file (:func:`iso_day` for the configuration files,
:func:`read_day` for every CSV reader, with :func:`not_a_day` saying why a cell is none), for the
month abbreviations and for naming the part of a calendar year that a run covers, so that
summaries, incentives, GEP and plots label partial years alike.
"""

from __future__ import annotations

import calendar
import re
from datetime import date

#: Calendar years a year in a data file may name (a monitoring row, a measure's ramp).  Systematic river
#: monitoring in China began in the 1950s and the plans run to the 2030s, so 1900-2100 holds every real
#: year with room; outside is a typing slip (22 for 2022, 20188), which stretched a monitoring series
#: over two millennia or put a measure in place since antiquity.
PLAUSIBLE_YEARS = (1900, 2100)

#: English month abbreviations, January first.
MONTHS: tuple[str, ...] = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def partial_years(dates) -> dict[int, str]:
    """The calendar years that consecutive daily ``dates`` cover only in part.

    Parameters
    ----------
    dates : sequence of datetime.date
        Consecutive days, increasing.

    Returns
    -------
    dict of int to str
        Each partly covered year with the part covered: ``{2013: "Mar-Dec only",
        2017: "Jan-Feb only"}`` for whole months, ``"5 Mar-31 Dec only"`` otherwise; a
        year covered from 1 January to 31 December is not listed.
    """
    out: dict[int, str] = {}
    by_year: dict[int, list] = {}
    for d in dates:
        by_year.setdefault(d.year, []).append(d)
    for y, ds in by_year.items():
        first, last = ds[0], ds[-1]
        if (first.month, first.day) == (1, 1) and (last.month, last.day) == (12, 31):
            continue
        whole = first.day == 1 and last.day == calendar.monthrange(y, last.month)[1]
        if whole:
            part = MONTHS[first.month - 1] + ("" if first.month == last.month else f"-{MONTHS[last.month - 1]}")
        else:
            part = f"{first.day} {MONTHS[first.month - 1]}-{last.day} {MONTHS[last.month - 1]}"
        out[y] = f"{part} only"
    return out


def in_whole_months(dates) -> list[bool]:
    """For each of consecutive daily ``dates``, whether the run covers its calendar month from the first day
    to the last: a month covered in part has no monthly mean in the agreements (``hydro compensate``), the
    report's class tables and ``hydro plot classes``, so no summary takes one either."""
    counts: dict[tuple[int, int], int] = {}
    for d in dates:
        counts[(d.year, d.month)] = counts.get((d.year, d.month), 0) + 1
    return [counts[(d.year, d.month)] == calendar.monthrange(d.year, d.month)[1] for d in dates]


#: A day as the formats document it, ``YYYY-MM-DD`` (``date.fromisoformat`` also takes
#: ``20150131`` and the ISO week ``2015-W05-6``).
ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
#: A day written year first, as a CSV from Excel on a Chinese Windows has it: ``2015-01-31``,
#: ``2015/1/31``, ``2015-1-31``, ``2015/01/31`` (one separator throughout).
_YEAR_FIRST = re.compile(r"(\d{4})([-/])(\d{1,2})\2(\d{1,2})")
#: The midnight of a date cell that holds a time (``2015-01-31 00:00:00``, ``2015/1/31 0:00``).
_MIDNIGHT = re.compile(r"(?:[ T]0?0:00(?::00)?)?")


def iso_day(text: str) -> date:
    """The day ``text`` writes as ``YYYY-MM-DD`` (:data:`ISO_DAY`); ValueError for anything else."""
    if not ISO_DAY.fullmatch(text):
        raise ValueError(f"not a day YYYY-MM-DD: {text!r}")
    return date.fromisoformat(text)


def split_day(text: str) -> tuple[date, str]:
    """The day a cell starts with, written year first (:data:`_YEAR_FIRST`), and the text after it
    (a time); ValueError when the cell starts with no such day."""
    found = _YEAR_FIRST.match(text.strip())
    if not found:
        raise ValueError(f"not a day YYYY-MM-DD: {text!r}")
    return date(int(found[1]), int(found[3]), int(found[4])), text.strip()[found.end():]


def read_day(text: str) -> date:
    """The day of a CSV date cell: ``YYYY-MM-DD``, or as Excel writes it year first (``2015/1/31``,
    ``2015-1-31``, ``2015/01/31``, and ``2015-01-31 00:00:00`` for a date cell holding midnight).
    ValueError for anything else: a day- or month-first date (``1/2/2015``, ambiguous), an Excel
    serial number, another time of day (:func:`not_a_day` says which)."""
    day, rest = split_day(text)
    if not _MIDNIGHT.fullmatch(rest):
        raise ValueError(f"not a day YYYY-MM-DD: {text!r}")
    return day


def _calendar_problem(year: int, month: int, day: int) -> str:
    """Why ``year``-``month``-``day`` names no day ("February 2014 has 28 days"), or ""."""
    if not 1 <= month <= 12:
        return f"there is no month {month} (01-12)"
    last = calendar.monthrange(year, month)[1] if year >= 1 else 31
    return f"{calendar.month_name[month]} {year} has {last} days" if not 1 <= day <= last else ""


def no_such_day(text: str) -> str:
    """Why ``text``, written as ``YYYY-MM-DD``, names no day (``"2014-02-30"``: "February 2014 has 28
    days"); "" where it is a day or is not of that form."""
    if not ISO_DAY.fullmatch(text):
        return ""
    return _calendar_problem(*(int(part) for part in text.split("-")))


def day_problem(text: str) -> str:
    """``"'2014-02-30' is no day: February 2014 has 28 days"`` for a ``YYYY-MM-DD`` text that names no
    day (:func:`no_such_day`), "" otherwise: the words every date reader uses for it."""
    why = no_such_day(text)
    return f"'{text}' is no day: {why}" if why else ""


def date_advice(text: str) -> str:
    """What to write instead of a date cell :func:`read_day` refuses: an Excel serial number and a day- or
    month-first date are named as such."""
    excel = "in Excel: format the column as yyyy-mm-dd before saving"
    try:
        _, rest = split_day(text)
    except ValueError:
        rest = ""
    if re.fullmatch(r"[ T]\d{1,2}:\d{2}(:\d{2}(\.\d*)?)?", rest):
        return (f"a day's values are for the whole day, not a time of it ({rest.strip()}): give the day alone, "
                f"2015-01-31 ({excel})")
    if re.fullmatch(r"\d{5}(\.\d*)?", text.strip()):
        return f"that is an Excel serial date (days since 1900), not a date: {excel}"
    if re.fullmatch(r"\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}(\s.*)?", text.strip()):
        return (f"a day- or month-first date is ambiguous (1/2/2015: 1 February or 2 January?): write the year "
                f"first, 2015-01-31 ({excel})")
    return f"write dates as 2015-01-31 ({excel})"


def no_day(text: str) -> str:
    """``"'2014/2/30' is no day: February 2014 has 28 days"`` for a CSV date cell written year first
    (:func:`read_day`) that names no day, "" otherwise."""
    found = _YEAR_FIRST.fullmatch(text.strip().split(" ")[0].split("T")[0])
    why = _calendar_problem(int(found[1]), int(found[3]), int(found[4])) if found else ""
    return f"'{text}' is no day: {why}" if why else ""


def not_a_day(text: str) -> str:
    """Why a CSV date cell is no day, for every reader's message: :func:`no_day` and "; correct it", or
    ``"expected a date YYYY-MM-DD, got '...'; "`` and :func:`date_advice`."""
    if no_day(text):
        return f"{no_day(text)}; correct it"
    return f"expected a date YYYY-MM-DD, got '{text}'; {date_advice(text)}"
