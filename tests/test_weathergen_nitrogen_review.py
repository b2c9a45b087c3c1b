"""Generated weather against Miyun's station record where nitrogen is made: heavy rain days.

docs/commands/run.md ("Nitrogen on generated against observed weather", 2026-12-01) says that
the record's 2000-2016 rain lies inside the spread of members 1-20 (seed 1) on what drives quick
flow and wash-off, so that the ensembles' lower N is not a generator short of heavy days.  This
holds those ranks on the generated station series alone (no simulation; a few seconds).
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from hydro.basin import Basin
from hydro.ensemble import member_weather
from hydro.weather import read_forcing_csv

START, END, MEMBERS = date(2000, 1, 1), date(2016, 12, 31), 20


def _statistics(p: np.ndarray, dates: np.ndarray, t95: float, t99: float) -> dict[str, float]:
    """Per-year rain statistics of a daily series (mm/d) over whole years."""
    years = dates.astype("datetime64[Y]").astype(int)
    n_year = len(np.unique(years))
    return {
        "annual total": p.sum() / n_year,
        "wet days": (p >= 0.1).sum() / n_year,
        "rain on days above the record's wet-day P95": p[p > t95].sum() / n_year,
        "rain on days above the record's wet-day P99": p[p > t99].sum() / n_year,
        "median annual maximum": float(np.median([p[years == y].max() for y in np.unique(years)])),
    }


@pytest.fixture(scope="module")
def ranks() -> dict[str, int]:
    basin = Basin.load("miyun")
    # the record as the run on it sees it (its fill_missing rules: 2013's NA rain days as dry)
    record = read_forcing_csv(basin.folder / basin.weather.raw("csv"))
    keep = (record.dates >= np.datetime64(START)) & (record.dates <= np.datetime64(END))
    p, dates = record.precip_mm[keep], record.dates[keep]
    wet = p[p >= 0.1]
    t95, t99 = np.percentile(wet, [95, 99])
    observed = _statistics(p, dates, t95, t99)
    members = []
    for m in range(MEMBERS):
        w = member_weather(basin, START, END, 1 + m)
        own = w.dates >= np.datetime64(START)
        members.append(_statistics(w.precip_mm[own], w.dates[own], t95, t99))
    return {k: sum(mem[k] < v for mem in members) for k, v in observed.items()}


def test_the_record_lies_inside_the_members_spread_on_heavy_rain(ranks):
    # Documented ranks (of 20): 6, 11, 6, 8, 9.  The seeds are fixed, so the ranks are exact; the
    # bounds keep the record off the three outer ranks at either end: generated amounts above
    # 20 mm cut by a fifth put the heavy-day ranks at 18 and fail here (by a tenth: 11, passing).
    for name, rank in ranks.items():
        assert 3 <= rank <= MEMBERS - 3, f"{name}: the record ranks {rank} of {MEMBERS} members"
