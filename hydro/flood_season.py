"""A reservoir's flood season: a lower storage cap (the flood-limit level) on the days of a season.

Chinese reservoirs are operated to two levels (SL 252 terms): the normal pool level (正常蓄水位),
to which they may fill outside the flood season, and the flood-limit level (汛限水位), which they
keep below during the flood season (汛期) to hold room for a flood.  A basin file gives the first as
``full_supply_level_m`` and, optionally, the second as ``flood_limit_level_m`` with the season's
first and last day as ``flood_season = ["06-01", "09-15"]`` (Beijing's season, days included).  Each
day the kernel spills what lies above that day's cap (:func:`hydro._hydraulics_kernels.reservoir_day`),
so the water between the two levels leaves as spill on the season's first day, or, with
``flood_drawdown_days = N``, over the N days before it, the cap falling by equal steps (operators
draw a lake down before the season; one day's spill of a large lake can need more transport
sub-steps than a day may take, :func:`hydro.transport_checks.check_substeps`).

The days a run covers are given as a *calendar*: the days' dates (``datetime64[D]``), or, where no
reservoir has a flood season, only their calendar months (1-12), as the release rules need.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import numpy as np

from hydro.errors import HydroError

_EXAMPLE = 'flood_season = ["06-01", "09-15"] (first and last day, month-day)'


def _leap_year_days() -> np.ndarray:
    """Day of a leap year (0-365) of each ``100 * month + day`` (the index; the numbers between months unused)."""
    out = np.zeros(1232, dtype=np.int64)
    for k in range(366):
        d = date.fromordinal(date(2000, 1, 1).toordinal() + k)
        out[100 * d.month + d.day] = k
    return out


_DAY_OF_LEAP_YEAR = _leap_year_days()


def read_flood_season(t: Any, level_m: list, storage_m3: list, full_m3: float, dead_m3: float) -> dict[str, Any]:
    """The optional ``flood_limit_level_m`` and ``flood_season`` of a ``[[reservoirs]]`` table ``t``.

    Returns the keyword arguments of :class:`hydro.network_elements.Reservoir` (none when the
    table has neither key), with the optional ``flood_drawdown_days`` (0 to 180, default 0).
    Refused: one key without the other, a level outside the curve, above the full supply level
    (``full_m3``, m3) or with less storage than the dead storage (``dead_m3``, m3), a season that
    is not two days of the year or starts on the day it ends.
    """
    if not (t.has("flood_limit_level_m") or t.has("flood_season")):
        if t.has("flood_drawdown_days"):
            raise t.error("flood_drawdown_days", "the days of a drawdown before a flood season: give "
                                                 f"flood_limit_level_m and {_EXAMPLE} with it, or remove it")
        return {}
    for key, other in (("flood_limit_level_m", "flood_season"), ("flood_season", "flood_limit_level_m")):
        if not t.has(key):
            raise t.error(key, f"missing{t.near_miss(key)}: {other} is given, and the flood-limit level holds on the "
                               f"days of the flood season; give both (flood_limit_level_m in m a.s.l., {_EXAMPLE}), "
                               "or neither")
    level = t.float("flood_limit_level_m")
    if not level_m[0] <= level <= level_m[-1]:
        raise t.error("flood_limit_level_m", f"{level} m lies outside the curve ({level_m[0]} to {level_m[-1]} m); "
                                             "extend the curve")
    limit = float(np.interp(level, level_m, storage_m3))
    if limit > full_m3:
        raise t.error("flood_limit_level_m", f"{level} m is above full_supply_level_m: the flood-limit level "
                                             "(汛限水位) lies at or below the normal pool level (正常蓄水位)")
    if limit < dead_m3 * (1.0 - 1e-9):  # at the dead storage's level, to round-off (km2 x m, mcm)
        raise t.error("flood_limit_level_m", f"{level} m holds {limit / 1e6:g} mcm, less than the dead storage "
                                             f"({dead_m3 / 1e6:g} mcm): check the level and dead_storage_mcm")
    value = t.raw("flood_season")
    if not (isinstance(value, list) and len(value) == 2 and all(isinstance(v, str) for v in value)):
        raise t.error("flood_season", f"expected two days as text, {_EXAMPLE}; got {value!r}")
    first, last = (_month_day(t, v) for v in value)
    if first == last:
        raise t.error("flood_season", f"starts on the day it ends ({value[0]}); {_EXAMPLE}")
    drawdown = t.int("flood_drawdown_days", default=0, minimum=0)
    if drawdown > 180:
        raise t.error("flood_drawdown_days", f"{drawdown} days: at most 180 (half a year before the season)")
    gap = int(days_before(np.array([last]), first)[0]) - 1  # days between the season's last and its next first
    if drawdown > gap:
        raise t.error("flood_drawdown_days", f"{drawdown} days: longer than the {gap} days between the season's "
                                             f"end ({value[1]}) and its next start ({value[0]}), so the cap would "
                                             f"never return to full_supply_level_m; give at most {gap}")
    return {"flood_limit_level_m": level, "flood_season": (first, last), "flood_drawdown_days": drawdown}


def _month_day(t: Any, text: str) -> int:
    """``"MM-DD"`` as the number ``100 * month + day`` (29 February allowed: it is in leap years)."""
    parts = text.strip().split("-")
    try:
        month, day = (int(p) for p in parts)
        date(2000, month, day)  # a leap year: every day of the year is a day of 2000
    except ValueError:
        raise t.error("flood_season", f"'{text}' is not a day of the year as month-day; {_EXAMPLE}") from None
    return 100 * month + day


def in_season(month_day: np.ndarray, season: tuple[int, int]) -> np.ndarray:
    """Whether each day (``100 * month + day``) lies in ``season`` (first, last day included; a season
    whose first day comes after its last runs over the new year)."""
    first, last = season
    if first <= last:
        return (month_day >= first) & (month_day <= last)
    return (month_day >= first) | (month_day <= last)


def calendar_days(calendar) -> tuple[np.ndarray, np.ndarray | None]:
    """The calendar months (1-12) of a run's days, and their ``100 * month + day`` (None where the
    calendar gives months only).

    Parameters
    ----------
    calendar : (D,) array
        The days' dates (``datetime64``, ``datetime.date``) or their calendar months (integers 1-12).
    """
    arr = np.asarray(calendar)
    if arr.dtype == object and arr.size and isinstance(arr.flat[0], date):
        arr = arr.astype("datetime64[D]")
    if np.issubdtype(arr.dtype, np.datetime64):
        days = arr.astype("datetime64[D]")
        month_start = days.astype("datetime64[M]")
        months = (month_start.astype(np.int64) % 12 + 1).astype(np.int64)
        day = (days - month_start.astype("datetime64[D]")).astype(np.int64) + 1
        return months, 100 * months + day
    return arr, None


def seasonal_full_storage(reservoirs, month_day: np.ndarray | None, n_day: int) -> np.ndarray:
    """Each day's storage cap of each reservoir, m3 (D, S): the flood-limit storage on the days of its
    flood season, the full supply storage on the others.

    ``month_day`` (D,) is :func:`calendar_days`' second value; None (months only) is refused where a
    reservoir has a flood season, which needs the days.
    """
    full = np.empty((n_day, len(reservoirs)))
    for s, r in enumerate(reservoirs):
        full[:, s] = r.full_supply_storage_m3
        if r.flood_season is None:
            continue
        if month_day is None:
            raise HydroError(f"reservoir '{r.id}' has a flood season ({r.flood_season_text}): give the days' "
                             "dates (datetime64[D]) where the calendar months are asked for, so that the "
                             "flood-limit level holds on the season's days")
        limit = r.flood_limit_storage_m3
        ahead = days_before(month_day, r.flood_season[0])  # 1: the eve of the season
        ramp = (ahead >= 1) & (ahead <= r.flood_drawdown_days)
        steps = r.flood_drawdown_days + 1
        full[ramp, s] = limit + (r.full_supply_storage_m3 - limit) * ahead[ramp] / steps
        full[in_season(month_day, r.flood_season), s] = limit
    return full


def days_before(month_day: np.ndarray, first: int) -> np.ndarray:
    """Days from each day (``100 * month + day``) to the next ``first`` (0 on it), on a leap year's
    calendar (a ramp over 1 March is a day short in other years)."""
    return (_DAY_OF_LEAP_YEAR[first] - _DAY_OF_LEAP_YEAR[np.asarray(month_day, dtype=np.int64)]) % 366


def check_start_storage(path, start: date, reservoirs, what: str = "[run] start") -> None:
    """Refuse a reservoir whose ``initial_storage_mcm`` lies above the day's storage cap where the
    day it holds on (``what``, ``start``: the basin's ``[run] start``, or a later start from which a run
    takes it) is a day of its flood season (the flood-limit storage) or of the drawdown before it (the cap
    :func:`seasonal_full_storage` gives that day): all above would spill on the first day, a flood the rivers
    never had (as above the full supply storage, :func:`hydro.network_tables.read_reservoir`).
    """
    day = np.array([100 * start.month + start.day])
    for r in reservoirs:
        if r.flood_season is None:
            continue
        cap, initial = float(seasonal_full_storage([r], day, 1)[0, 0]), r.initial_storage_m3  # the flood limit
        if initial <= cap * (1.0 + 1e-9):  # in the season, lowered towards it on the drawdown, full supply else
            continue
        if not in_season(day, r.flood_season)[0]:  # on the drawdown before it (above full supply: refused at load)
            raise HydroError(
                f"{path}: reservoir '{r.id}': initial_storage_mcm {initial / 1e6:g} is above {cap / 1e6:g} mcm, "
                f"the cap on {what} {start}, day {int(days_before(day, r.flood_season[0])[0])} before its flood "
                f"season ({r.flood_season_text}), as flood_drawdown_days = {r.flood_drawdown_days} lowers it "
                f"towards the flood limit: the {(initial - cap) / 1e6:g} mcm above it would spill on the first "
                f"day ({(initial - cap) / 86400:.3g} m3/s more); give at most {cap / 1e6:g} mcm, or start the run "
                "before the drawdown")
        raise HydroError(
            f"{path}: reservoir '{r.id}': initial_storage_mcm {initial / 1e6:g} is above the storage at "
            f"flood_limit_level_m ({cap / 1e6:g} mcm), and {what} {start} lies in its flood season "
            f"({r.flood_season_text}): the {(initial - cap) / 1e6:g} mcm above it would spill on the first "
            f"day ({(initial - cap) / 86400:.3g} m3/s more); give at most {cap / 1e6:g} mcm, or start "
            "the run outside the season")
