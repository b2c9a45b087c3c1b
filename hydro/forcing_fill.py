"""The ``fill_missing`` rules and the ``station`` column of hydro's daily forcing CSV.

Helpers of :func:`hydro.forcing_csv.read_forcing_csv` (the format is described in
:mod:`hydro.weather`): :func:`fill_rules` reads the header's rules,
:func:`fill_missing` applies them, :func:`station_days` summarises the
``station`` column.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from hydro.daily_forcing import calendar_months
from hydro.errors import HydroError, suggest
from hydro.weather_csv import MISSING_TOKENS

#: Rules a forcing file may declare in ``# fill_missing:`` (described in :mod:`hydro.weather`).
FILL_RULES = {
    "precip_zero": "a missing precip_mm is 0 mm (a lower bound)",
    "temp_range_monthly": "a missing tmin_c/tmax_c is tmean_c -/+ the calendar month's mean "
                          "tmean-tmin/tmax-tmean over the file's complete days",
}

#: The results' attributes of the days a watershed run's weather file had filled by these rules
#: (:func:`hydro.weather_provenance.fill_attributes`).
FILL_ATTRIBUTES = ("weather_filled_precip_days", "weather_filled_tmin_days", "weather_filled_tmax_days",
                   "weather_filled_dates")


def fill_rules(path: Path, meta: dict[str, Any]) -> tuple[str, ...]:
    """The rules of the header line ``fill_missing`` (empty without it); unknown ones are errors."""
    text = meta.get("fill_missing")
    if text is None:
        return ()
    rules = tuple(r.strip() for r in str(text).split(",") if r.strip())
    for rule in rules:
        if rule not in FILL_RULES:
            raise HydroError(
                f"{path}: header 'fill_missing': unknown rule '{rule}'{suggest(rule, FILL_RULES)}; "
                f"expected one or more of {', '.join(FILL_RULES)} separated by commas"
            )
    return rules


def station_days(path: Path, header: list[str], rows: list[list[str]], numbers: list[int],
                  dates: np.ndarray) -> str:
    """The ``station`` column as runs of one code: ``code first..last; ...``."""
    j = header.index("station")
    codes = [row[j].strip() for row in rows]
    for i, code in enumerate(codes):
        if not code or code in MISSING_TOKENS or "," in code or ";" in code:
            raise HydroError(
                f"{path}: line {numbers[i]} ({dates[i]}), column 'station': expected a code naming where "
                f"the day's values come from (explained in the header; no ',' or ';' in it), got '{code}'"
            )
    runs = []
    start = 0
    for i in range(1, len(codes) + 1):
        if i == len(codes) or codes[i] != codes[start]:
            runs.append(f"{codes[start]} {dates[start]}..{dates[i - 1]}")
            start = i
    return "; ".join(runs)


def fill_missing(values: dict[str, Any], dates: np.ndarray, rules: tuple[str, ...],
                  meta: dict[str, Any]) -> None:
    """Apply the header's fill rules in place and record what was filled in ``meta``."""
    filled = np.zeros(dates.size, dtype=bool)
    if "precip_zero" in rules:
        miss = np.isnan(values["precip_mm"])
        values["precip_mm"] = np.where(miss, 0.0, values["precip_mm"])
        meta["filled_precip_days"] = int(miss.sum())
        filled |= miss
    if "temp_range_monthly" in rules:
        tmean, tmin, tmax = values["tmean_c"], values["tmin_c"], values["tmax_c"]
        complete = ~(np.isnan(tmean) | np.isnan(tmin) | np.isnan(tmax))
        months = calendar_months(dates)
        for name, sign in (("tmin_c", -1.0), ("tmax_c", 1.0)):
            v = values[name]
            miss = np.isnan(v) & ~np.isnan(tmean)
            offset = np.full(13, np.nan)
            for m in np.unique(months[miss]):
                sel = complete & (months == m)
                if sel.any():
                    offset[m] = float(np.mean(np.abs(v[sel] - tmean[sel])))
            fill = tmean + sign * offset[months]
            ok = miss & ~np.isnan(fill)
            values[name] = np.where(ok, fill, v)
            meta[f"filled_{name.split('_')[0]}_days"] = int(ok.sum())
            filled |= ok
    if filled.any():
        idx = np.flatnonzero(filled)
        meta["filled_dates"] = f"{dates[idx[0]]}..{dates[idx[-1]]}"
