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
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

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
        The warm-up days (None: none).
    """

    state: Any = None
    first: date | None = None
    last: date | None = None

    def describe(self) -> str:
        """The results attribute's value."""
        if self.first is None or self.last is None:
            return "none: the run starts from the initial fillings of the runoff stores"
        return f"{self.first.isoformat()}..{self.last.isoformat()}"


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
    text = f"the basin file's initial state, given for its [run] start {basin_start.isoformat()}"
    if start < basin_start:
        return f"{text}, taken for {start.isoformat()} (the run starts before it)"
    if start > basin_start:
        return f"{text}, taken for {start.isoformat()} (not spun up: {why})"
    return text


def warm_up(ws, forcing, start: date, end: date, years: int, snow_threshold) -> WarmUp:
    """Run the runoff model of every subbasin of ``ws`` over up to ``years`` years of
    ``forcing`` (station weather, :class:`hydro.weather.DailyForcing`) before ``start``.

    ``end`` is the run's last day (a forcing that does not reach it gets no warm-up: the run
    says what it lacks); ``snow_threshold`` is CemaNeige's snowfall of full cover of every
    band, the run's (:func:`hydro.watershed.snow_thresholds`).  Returns a :class:`WarmUp`
    without state when ``years`` is 0 or the forcing has no day before ``start``.
    """
    from hydro.series import daily_dates
    from hydro.watershed import subbasin_runoff, subbasin_weather

    first_weather, last_weather = (forcing.dates[k].astype("datetime64[D]").item() for k in (0, -1))
    first = max(first_weather, years_before(start, int(years)))
    if int(years) <= 0 or first >= start or end > last_weather:  # (the run says what it lacks)
        return WarmUp()
    days = daily_dates(first, start - timedelta(days=1))
    runoff = subbasin_runoff(ws, subbasin_weather(ws, days, forcing), days, None, snow_threshold)
    return WarmUp(runoff.final, first, days[-1])


def run_start(basin, ws, start: date, end: date, weather=None):
    """What a watershed run from ``start`` to ``end`` starts from, one block or many alike:
    ``(forcing, snow_threshold, warm)``, the station weather (``weather``, else the basin's
    station record, read once per process: :func:`hydro.weather.station_record`), CemaNeige's
    snowfall of full cover (:func:`hydro.watershed.snow_thresholds`) and the :class:`WarmUp`."""
    from hydro.watershed import snow_thresholds
    from hydro.weather import station_record

    forcing = weather if weather is not None else station_record(ws.weather.csv)
    threshold = snow_thresholds(ws)  # the station record's, whatever the period and weather
    return forcing, threshold, warm_up(ws, forcing, start, end, basin.settings.runoff_warm_up_years, threshold)
