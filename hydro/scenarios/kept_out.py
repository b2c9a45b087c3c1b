"""Counting N kept out and its cost alike: which reservoirs, which days.

A reservoir upstream of another (Yunzhou and Baihebao above Miyun, Cetian above
Guanting) passes what it does not retain on to the one below: N kept out of it
is, for the most part, kept out of the lower one too.  Summing the reduction of
every reservoir's input would count that nitrogen two or three times and shrink
the cost per kg kept out by as much.  The totals therefore count only the
reservoirs at the foot of each cascade (no reservoir downstream:
:attr:`hydro.network.Network.terminal_reservoirs`); the
``n_kept_out`` rows per reservoir still give every reservoir.

The whole-run cost set against it counts, for a year the run covers in part, the
share of that year's cost the run covers (:func:`year_fractions`).
"""

from __future__ import annotations

import numpy as np

#: The results attribute listing the reservoirs the totals count (``"miyun"``; ``";"``-separated).
ATTRIBUTE = "kept_out_reservoirs"


def counted(reservoirs, attribute: str | None) -> np.ndarray:
    """Mask over ``reservoirs`` of those the totals count (all when ``attribute`` is absent:
    files written before it existed)."""
    names = [str(r) for r in reservoirs]
    if not attribute:
        return np.ones(len(names), dtype=bool)
    keep = set(str(attribute).split(";"))
    return np.array([n in keep for n in names], dtype=bool)


def year_fractions(dates, years) -> np.ndarray:
    """The share of each of ``years`` that the daily ``dates`` cover (1 for a whole year).

    A run from March 2013 to February 2017 covers 306/365 of 2013 and 59/365 of 2017:
    the whole-run cost counts that share of those years' costs, so that it matches the
    N kept out over the same days.
    """
    import calendar

    count: dict[int, int] = {}
    for d in dates:
        count[d.year] = count.get(d.year, 0) + 1
    return np.array([count.get(int(y), 0) / (366 if calendar.isleap(int(y)) else 365) for y in years])


__all__ = ["ATTRIBUTE", "counted", "year_fractions"]
