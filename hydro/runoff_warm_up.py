"""Warm-up of the runoff stores on the weather before a run's first day.

GR4J's production and routing stores (and CemaNeige's snow packs) start a run
from fixed fillings (``[runoff] initial_production_fraction``,
``initial_routing_fraction``: 0.3 and 0.5 of their capacity by default, as
airGR).  Where the production store is large against the rain it takes years to
forget them: on Guanting a run from 2013-03-01 gave 31 % less runoff over
2013-03..2017-02 than the same days of the run from 2000 (62 % less in its first
year), Miyun 3 % less (5 %; 2026-12-01 runs).  So a watershed run whose weather
file holds days before its start first runs the runoff model alone over up to
``[run] runoff_warm_up_years`` (default :data:`hydro.run_settings.DEFAULT_WARM_UP_YEARS`) of them, and starts
from the stores they leave, as airGR's ``IndPeriod_WarmUp`` does.  airGR's default
is the year before the run; three years are taken here because Guanting's stores
need them: warmed up on one year its 2013-03 run is still 8 % low (17 % in the
first year), on two 0.3 % (0.5 %), on three 0.3 % high (0.6 %).  Nothing
else is warmed up: the nitrogen stores start at their steady states, the
reservoirs and the rivers at the basin file's initial values, which are given for
the basin's ``[run] start``.  A run that starts after that is spun up instead: the
whole model runs from the basin's start (warmed up so) to the day before the run's
(:func:`hydro.blocked.spin_up_plan`), and the results' ``initial_state``
(:data:`START_ATTRIBUTE`) says what a run started from.

A run on the weather file's first day, or on weather that starts with the run,
has no warm-up and starts from the fillings as before.  Generated weather
(:func:`hydro.ensemble.member_weather`) starts the warm-up years before the run, so
an ensemble member from the basin's start warms up on its own synthetic years; one
from a later start is spun up on the station record instead
(:func:`hydro.blocked.record_spin_up`).  The results say which days warmed the
stores up (``runoff_warm_up``).

Where the weather holds less than a year before the run's start, ``[run] runoff_spin_up_cycles`` (opt-in,
default 0) spins the runoff stores up over the run's first year instead, cyclically
(:func:`spin_up_cycles`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import numpy as np

#: The results attribute that says which days warmed the runoff stores up.
ATTRIBUTE = "runoff_warm_up"

#: The results attribute that says what state a watershed run started from
#: (:func:`given_start`, :meth:`hydro.blocked.SpinUp.describe`).
START_ATTRIBUTE = "initial_state"


@dataclass(frozen=True)
class WarmUp:
    """The runoff model's state on a run's first day after its warm-up.

    Attributes
    ----------
    state : object or None
        The runoff model's ``final`` state after the warm-up days (None: no warm-up,
        the run starts from the initial fillings).
    first, last : date or None
        The warm-up days (None: none); of a cyclic spin-up, the days of one cycle.
    cycles : int
        Times the runoff model ran over those days, each from the state the one before left
        (``[run] runoff_spin_up_cycles``, :func:`spin_up_cycles`); 0: a warm-up on the days
        before the run, once.
    change_mm : float or None
        Of a cyclic spin-up: the largest change of a production store over its last cycle (mm;
        None after a single cycle, or where the runoff model has no GR4J production store).
    """

    state: Any = None
    first: date | None = None
    last: date | None = None
    cycles: int = 0
    change_mm: float | None = None

    def describe(self) -> str:
        """The results attribute's value."""
        if self.first is None or self.last is None:
            return "none: the run starts from the initial fillings of the runoff stores"
        days = f"{self.first.isoformat()}..{self.last.isoformat()}"
        if self.cycles <= 0:
            return days
        change = "" if self.change_mm is None else (
            f"; the last cycle moved the production stores by at most {self.change_mm:.3g} mm")
        return (f"cyclic spin-up: {self.cycles} cycles over {days} (runoff_spin_up_cycles; under a year "
                f"of weather before the run's start){change}")

    def through(self, first: date | None, last: date | None) -> str:
        """The results attribute of a run spun up from ``first`` to ``last`` (the whole model,
        :func:`hydro.blocked.spin_up_plan`) after this warm-up: the days that warmed the stores."""
        if self.cycles > 0:
            return f"{self.describe()}, then {first.isoformat() if first else '?'}..{last.isoformat() if last else '?'}"
        return WarmUp(None, self.first or first, last).describe()


def years_before(day: date, years: int) -> date:
    """The same day ``years`` calendar years earlier (29 February: the 28th); the first day of the
    calendar (``date.min``) when that is before year 1."""
    if day.year - years < 1:
        return date.min
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def given_start(basin_start: date, start: date, why: str = "") -> str:
    """The ``initial_state`` of a run from ``start`` that starts from the basin file's initial state
    (reservoir storages, ``[initial]`` concentrations: given for its ``[run] start``, ``basin_start``);
    ``why``: why a later start was not spun up (:func:`hydro.blocked.spin_up_plan`)."""
    from hydro.provenance import FILE_STATE

    text = f"{FILE_STATE} {basin_start.isoformat()}"
    if start < basin_start:
        return f"{text}, taken for {start.isoformat()} (the run starts before it)"
    if start > basin_start:
        return f"{text}, taken for {start.isoformat()} (not spun up: {why})"
    return text


def warm_up(ws, forcing, start: date, end: date, years: int, snow_threshold, cycles: int = 0) -> WarmUp:
    """Run the runoff model of every subbasin of ``ws`` over up to ``years`` years of
    ``forcing`` (station weather, :class:`hydro.weather.DailyForcing`) before ``start``.

    ``end`` is the run's last day (a forcing that does not reach it gets no warm-up: the run
    says what it lacks); ``snow_threshold`` is CemaNeige's snowfall of full cover of every
    band, the run's (:func:`hydro.watershed.snow_thresholds`).  Returns a :class:`WarmUp`
    without state when ``years`` is 0 or the forcing has no day before ``start``, unless
    ``cycles`` (``[run] runoff_spin_up_cycles``) > 0 and the forcing holds less than a year
    before ``start`` (:func:`too_little_before`): then the stores are spun up over the run's
    first year, ``cycles`` times (:func:`spin_up_cycles`).
    """
    from hydro.series import daily_dates
    from hydro.watershed import subbasin_runoff, subbasin_weather

    first_weather, last_weather = (forcing.dates[k].astype("datetime64[D]").item() for k in (0, -1))
    if int(cycles) > 0 and too_little_before(first_weather, start) and end <= last_weather:
        return spin_up_cycles(ws, forcing, start, int(cycles), snow_threshold)
    first = max(first_weather, years_before(start, int(years)))
    if int(years) <= 0 or first >= start or end > last_weather:  # (the run says what it lacks)
        return WarmUp()
    days = daily_dates(first, start - timedelta(days=1))
    runoff = subbasin_runoff(ws, subbasin_weather(ws, days, forcing), days, None, snow_threshold)
    return WarmUp(runoff.final, first, days[-1])


def too_little_before(first_weather: date, start: date) -> bool:
    """Whether the weather holds less than a year before ``start`` (:data:`SPIN_UP_BELOW_DAYS` days), where
    ``[run] runoff_spin_up_cycles`` spins the stores up over the run's first year instead of warming them
    up on those days: one day of weather before a Guanting run of 2000-01-02 was a one-day warm-up, the
    fillings' arbitrary state again (re-read of 2026-12-05, F2)."""
    return (start - first_weather).days < SPIN_UP_BELOW_DAYS


#: Days of weather before a run's start under which a cyclic spin-up replaces the warm-up (a year, airGR's
#: default warm-up period).
SPIN_UP_BELOW_DAYS = 365


def _production_mm(state):
    """The production stores of a runoff model's state (mm; None: the model has none)."""
    store = getattr(getattr(state, "gr4j", state), "production_mm", None)
    return None if store is None else np.asarray(store, dtype=float)


def spin_up_cycles(ws, forcing, start: date, cycles: int, snow_threshold) -> WarmUp:
    """A cyclic spin-up of the runoff stores where the weather holds less than a year before ``start``.

    The runoff model alone runs ``cycles`` times over the year from ``start`` to the day before the
    same date a year later (:func:`years_before`; up to the weather's last day), the first time from
    ``[runoff]``'s initial fillings, each later time from the state the one before left, and the run
    starts from the last state: a standard remedy where no earlier weather exists.  Each cycle shrinks
    what is left of the fillings: on Guanting (x1 1183 mm, year 2000) the production stores of
    fillings 0.1 and 0.6 differ by 231 mm after one cycle, 0.19 mm after 10 and 7e-5 mm after 20
    (docs/basin-file.md, "Runoff warm-up").

    Returns
    -------
    WarmUp
        The state, the cycle's days, ``cycles`` and the production stores' change over the last
        cycle (mm).
    """
    from hydro.series import daily_dates
    from hydro.watershed import subbasin_runoff, subbasin_weather

    last_weather = forcing.dates[-1].astype("datetime64[D]").item()
    last = min(years_before(start, -1) - timedelta(days=1), last_weather)
    days = daily_dates(start, last)
    weather = subbasin_weather(ws, days, forcing)
    state = None
    change = None
    for _ in range(cycles):
        final = subbasin_runoff(ws, weather, days, state, snow_threshold).final
        before, after = _production_mm(state), _production_mm(final)
        if after is not None and before is not None:
            change = float(np.max(np.abs(after - before))) if after.size else 0.0
        state = final
    return WarmUp(state, start, days[-1], cycles, change)


def run_start(basin, ws, start: date, end: date, weather=None):
    """What a watershed run from ``start`` to ``end`` starts from, one block or many alike:
    ``(forcing, snow_threshold, warm)``, the station weather (``weather``, else the basin's
    station record, read once per process: :func:`hydro.weather.station_record`), CemaNeige's
    snowfall of full cover (:func:`hydro.watershed.snow_thresholds`) and the :class:`WarmUp`."""
    from hydro.watershed import snow_thresholds
    from hydro.weather import station_record

    forcing = weather if weather is not None else station_record(ws.weather.csv)
    threshold = snow_thresholds(ws)  # the station record's, whatever the period and weather
    settings = basin.settings
    return forcing, threshold, warm_up(ws, forcing, start, end, settings.runoff_warm_up_years, threshold,
                                       settings.runoff_spin_up_cycles)
