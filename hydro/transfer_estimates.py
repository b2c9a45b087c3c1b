"""Which parts of a transfer series are estimates, as its file's header says, for the results' attributes.

Every shipped transfer file opens with comment lines that give its published volumes, one period a line
(``#   2014: 6.620e8 m3 (source)``, ``#   2016-01-01..2016-09-20: 68.0e6 m3 (source; ESTIMATE: evenly)``,
a line's text going on over the indented lines below it), and say ESTIMATE where a volume, or its spread
over the days, is not published.  :func:`estimated_parts` reads those periods back, and whether the
header says that the series' days as a whole are an estimate (``ESTIMATE spread: each year's volume over
its days evenly``); the run writes them as ``transfer_estimated`` (:meth:`hydro.transfers.Transfers.attributes`),
so a results file tells a published volume from an assumed one (data review, 2026-12-06).
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

#: A header line that opens a period: ``#   2000:``, ``#   2005-10-17..11-05:``, ``#   2003-03-01..2003-03-31:``,
#: ``#   2016 to 2016-11-09:`` (a year to a day: a partial year's published check).
PERIOD_LINE = re.compile(r"^#\s{2,}(\d{4}(?:-\d{2}-\d{2})?(?:(?:\.\.| to )(?:\d{4}-)?\d{2}-\d{2})?):")
#: The token of ``transfer_estimated`` for a header that calls the series' spread over its days an estimate.
DAYS = "days"


@functools.lru_cache(maxsize=64)
def estimated_parts(path: Path) -> tuple[str, ...]:
    """The periods of ``path``'s header whose text says ESTIMATE, in its order, and :data:`DAYS` first where
    the header says so of the series' days as a whole (a line outside any period); empty where it says
    neither (a file without ESTIMATE, or without a header)."""
    periods: list[str] = []
    days = False
    current: str | None = None
    try:
        lines = Path(path).read_text(encoding="utf-8-sig").splitlines()
    except (OSError, UnicodeDecodeError):
        return ()
    for line in lines:
        if not line.startswith("#"):
            break
        m = PERIOD_LINE.match(line)
        if m:
            current = m.group(1)
        elif not line.startswith("#   "):
            current = None  # a line of the header's own text, not a period's
        if "ESTIMATE" in line:
            if current is None:
                days = True
            elif current not in periods:
                periods.append(current)
    return ((DAYS,) if days else ()) + tuple(periods)
