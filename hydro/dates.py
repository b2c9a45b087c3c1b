"""Calendar helpers shared by reports, tables and plots.

One place for the month abbreviations and for naming the part of a calendar year that a
run covers, so that summaries, incentives, GEP and plots label partial years alike.
"""

from __future__ import annotations

import calendar

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
