"""The basin's period: what the stores and the numerics of a run take from the basin's flows, not the run's.

Two source stores scale by a mean of the runoff: the groundwater N store's release with
``timing = "flow"`` follows base flow over its mean (:func:`hydro.sources.daily_loads`'s
``mean_base_mm``), and the wash-off store starts at the steady state of its first year's
build-up under the mean share washed off per day (``mean_washed``,
:func:`hydro.sources.washoff.steady_start`).  Taken over the run itself, these means made a
day's loads depend on the days after it: Miyun's 2013 summer differed by up to 17 % in the groundwater
input, 12 % in the rural and livestock loads, 19 % in the groundwater store and 24 % in section
TN between a run ending in September 2013 and one ending in 2017 (2026-12-01).  The numerics had
the same fault: the Muskingum-Cunge cells per reach (:func:`hydro.routing_cells.default_cells`, at
the mean flow) and the transport cells' water level (:func:`hydro.transport_volumes.cell_water`,
a median over the run's days) moved section TN by 0.4 % on the median shared day, 3 % at the 99th
percentile and up to 20 % between the same two runs (2026-12-01).

They are therefore the basin's, not the run's: taken from one pass of the water over the basin's
``[run]`` period on its station record (with the run's parameters, :func:`period_water`: the runoff
from its warm-up, the routing, the transport cells' water on the sampled days), computed once per
process and configuration, whatever period a run covers and whatever weather it runs on (an
ensemble member on generated weather takes the record's, which its generator was fitted to).  A run of
exactly that period on the record takes its own (the same numbers, not computed twice).
Flow-driven basins (runoff matched to gauges over the run) and runs that carry no constituent keep
the run's own; so do basins whose station record does not cover their ``[run]`` period, and (the
numerics only: the cells' water is that of the basin's first day) runs neither from nor spun up
from the basin's start (:func:`hydro.blocked.spin_up_plan`).
"""

from __future__ import annotations

from datetime import date
from typing import Any

import numpy as np

#: (configuration hash, station file, period) -> the basin's period's water (:func:`period_water`)
_WATER: dict[tuple, Any] = {}
_MAX_KEPT = 64  # configurations kept (a calibration tries one per evaluation)

#: Most reach-days (reaches x days) :func:`period_water` holds at once: the pass runs in blocks of
#: whole years above it (the size above which ``hydro run`` cuts a run in blocks,
#: :data:`hydro.blocked.ONE_BLOCK_REACH_DAYS`; each block reads the transfers again, so no smaller).
PASS_REACH_DAYS = 500_000


def store_means(basin, ws, start: date, end: date, weather, snow_threshold, carried: bool = True
                ) -> tuple[np.ndarray | None, np.ndarray | None, np.ndarray | None]:
    """``(mean_base_mm, mean_washed, mean_nitrified)`` [n_sub] the stores of a run from ``start`` to ``end``
    take (module docstring; ``mean_nitrified``, the wash-off store's ammonium's mean share nitrified per day,
    None where the store does not nitrify); ``(None, None, None)`` where they are the run's own.

    ``weather``: the run's station weather (None: the basin's record); ``snow_threshold``:
    CemaNeige's snowfall of full cover (:func:`hydro.watershed.snow_thresholds`); ``carried``:
    whether the run carries any constituent.
    """
    s = basin.settings
    if not carried or s.flow_driven or (weather is None and (start, end) == (s.start, s.end)):
        return None, None, None
    whole = period_water(basin, ws, snow_threshold)
    return (None, None, None) if whole is None else (whole.mean_base_mm, whole.mean_washed, whole.mean_nitrified)


def period_numerics(basin, ws, start: date, end: date, weather, snow_threshold, carried: bool = True,
                    shared: bool = False):
    """The numerics a run whose first day (of its spin-up, if it has one) is ``start`` takes: the
    basin's period's (:func:`period_water`: its ``cells``, the routing's cells per reach, and
    ``water``, the transport cells' water on the basin's first day); None where they are the run's
    own (module docstring; arguments as :func:`store_means`).  ``shared``: for runs other than
    this one (the spin-up on the record that runs on generated weather start from,
    :func:`hydro.blocked.record_spin_up`), the basin's period's even where this run is that period.
    A copy: the cached arrays are shared."""
    import copy

    if not takes_period(basin, start, end, weather, carried, shared):
        return None
    return copy.deepcopy(period_water(basin, ws, snow_threshold))


def takes_period(basin, start: date, end: date, weather, carried: bool = True, shared: bool = False) -> bool:
    """Whether a run from ``start`` to ``end`` takes the basin's period's numerics
    (:func:`period_numerics`, the same arguments) where its station record covers that period
    (:func:`covers_period`)."""
    s = basin.settings
    own = weather is None and end == s.end and not shared  # the basin's period on the record: its own
    return bool(carried) and not s.flow_driven and start == s.start and not own


def covers_period(basin, ws) -> bool:
    """Whether the station record covers the basin's ``[run]`` period (:func:`period_water` needs it)."""
    from hydro.weather import station_record

    s = basin.settings
    record = station_record(ws.weather.csv)
    first, last = (record.dates[k].astype("datetime64[D]").item() for k in (0, -1))
    return first <= s.start and s.end <= last


def run_numerics(basin, ws, periods: list[tuple[date, date]], forcing, weather, threshold, step,
                 runoff_start, carried: bool, shared: bool = False):
    """What a run over ``periods`` (on ``weather``, None: the record) takes beyond its blocks'
    own days (:class:`hydro.blocked_water.WholeRun`): the basin's period's numerics
    (:func:`period_numerics`, ``shared`` as there) with the run's calendar years and whether water
    is transferred in on any of its days; else, where it has several blocks or is ``shared``, the
    whole run's (:func:`hydro.blocked_water.whole_run_water`, the other arguments); else None (a
    one-block run's own)."""
    import dataclasses

    from hydro.blocked_water import whole_run_water
    from hydro.series import daily_dates
    from hydro.transfers import read_transfers

    first, last = periods[0][0], periods[-1][1]
    basins = period_numerics(basin, ws, first, last, weather, threshold, carried, shared)
    if basins is None:
        if len(periods) > 1 or shared:
            return whole_run_water(basin, ws, periods, forcing, threshold, step, runoff_start)
        return None
    moved = read_transfers(basin, daily_dates(first, last))
    return dataclasses.replace(basins, run_years=np.arange(first.year, last.year + 1, dtype=np.int64),
                               water_in=(moved.carries_water_in, bool(np.any(moved.reach_inflow > 0))))


def period_water(basin, ws, snow_threshold):
    """The water of the basin's ``[run]`` period on its station record, as a run of that period
    takes it (:class:`hydro.blocked_water.WholeRun`: cells, cell water, the stores' mean flows);
    None where the record does not cover the period.  Computed once per process and configuration
    (``basin.sha256``) and station file's content (:func:`hydro.weather.station_stamp`), in blocks
    of whole years of at most :data:`PASS_REACH_DAYS` reach-days
    (:func:`hydro.blocked_water.whole_run_water`, whose statistics are a one-block run's to the last
    bit; the shipped basins' periods are one block)."""
    from hydro.weather import station_record, station_stamp

    s = basin.settings
    if not covers_period(basin, ws):
        return None
    key = (basin.sha256, station_stamp(ws.weather.csv), s.start, s.end)
    if key not in _WATER:
        if len(_WATER) >= _MAX_KEPT:
            _WATER.clear()
        _WATER[key] = _record_water(basin, ws, station_record(ws.weather.csv), snow_threshold)
    return _WATER[key]


def _record_water(basin, ws, record, snow_threshold):
    """:func:`period_water`'s pass: the basin's period on ``record`` by calendar year, started as a
    run of that period starts (its runoff warm-up)."""
    from hydro.blocked_water import whole_run_water
    from hydro.pipeline_steps import _Steps
    from hydro.runoff_warm_up import warm_up

    s = basin.settings
    warm = warm_up(ws, record, s.start, s.end, s.runoff_warm_up_years, snow_threshold, s.runoff_spin_up_cycles)
    per_year = max(len(basin.network.reaches) * 366, 1)
    step = max(1, min(PASS_REACH_DAYS // per_year, s.end.year - s.start.year + 1))  # years per block
    blocks = [(max(s.start, date(y, 1, 1)), min(s.end, date(y + step - 1, 12, 31)))
              for y in range(s.start.year, s.end.year + 1, step)]
    return whole_run_water(basin, ws, blocks, record, snow_threshold, _Steps(None), warm.state)


def given_weather_attributes(basin, weather) -> dict[str, str]:
    """What the results of a run on ``weather`` given by the caller (``hydro.Model.run(weather=...)``)
    say of it beyond its source: ``weather_adjustments`` (its metadata's ``*_adjustment`` entries, as a
    station file's header lines give them) and ``store_climate``, the climate its stores' means come
    from: the basin's ``[run]`` period on its station record, not the weather given (module docstring).
    A delta change given as ``weather=`` thus changes the weather from the run's start on stores in
    balance with the record; a basin that always had the changed climate is its station file changed
    (a climate-impact review, 2026-12-05: precipitation x 1.2 moved Miyun's section TN loads over 2000-2002,
    summed over its ten sections, by +37 % as weather=, +7.8 % in the station file).
    """
    from hydro.weather_provenance import adjustments

    attrs: dict[str, str] = {}
    said = adjustments(weather.metadata)
    if said:
        attrs["weather_adjustments"] = said
    ws, s = basin.watershed, basin.settings
    if ws is not None and not s.flow_driven and covers_period(basin, ws):
        attrs["store_climate"] = (f"the basin's [run] period {s.start}..{s.end} on its station record "
                                  f"({ws.weather.csv.name}), not the weather given: the groundwater and "
                                  "wash-off stores scale by its mean flows (hydro.store_climate)")
    return attrs
