"""The stores' climate: what the groundwater and wash-off stores take as the basin's mean flows.

Two source stores scale by a mean of the runoff: the groundwater N store's release with
``timing = "flow"`` follows base flow over its mean (:func:`hydro.sources.daily_loads`'s
``mean_base_mm``), and the wash-off store starts at the steady state of its first year's
build-up under the mean share washed off per day (``mean_washed``,
:func:`hydro.sources.washoff.steady_start`).  Taken over the run itself, these means made a
day's loads depend on the days after it: Miyun's 2013 summer differed by up to 17 % in the groundwater
input, 12 % in the rural and livestock loads, 19 % in the groundwater store and 24 % in section
TN between a run ending in September 2013 and one ending in 2017 (2026-12-01).

They are therefore the basin's, not the run's: the means of the runoff over the basin's
``[run]`` period on its station record (with the run's parameters), whatever period a run
covers and whatever weather it runs on (an ensemble member on generated weather takes the
record's climate, which its generator was fitted to).  A run of exactly that period on the
record takes them from its own runoff (the same numbers, not computed twice).  Flow-driven
basins (runoff matched to gauges over the run) and runs that carry no constituent keep the
run's own means; so do basins whose station record does not cover their ``[run]`` period.
"""

from __future__ import annotations

from datetime import date

import numpy as np

#: (configuration hash, station file, period) -> (mean base flow mm/d, mean washed share 1/d), per subbasin
_MEANS: dict[tuple, tuple[np.ndarray, np.ndarray]] = {}
_MAX_KEPT = 64  # configurations kept (a calibration tries one per evaluation)


def store_means(basin, ws, start: date, end: date, weather, snow_threshold, carried: bool = True
                ) -> tuple[np.ndarray | None, np.ndarray | None]:
    """``(mean_base_mm, mean_washed)`` [n_sub] the stores of a run from ``start`` to ``end`` take
    (module docstring); ``(None, None)`` where they are the run's own.

    ``weather``: the run's station weather (None: the basin's record); ``snow_threshold``:
    CemaNeige's snowfall of full cover (:func:`hydro.watershed.snow_thresholds`); ``carried``:
    whether the run carries any constituent.
    """
    from hydro.weather import station_record

    s = basin.settings
    if not carried or s.flow_driven or (weather is None and (start, end) == (s.start, s.end)):
        return None, None
    record = station_record(ws.weather.csv)
    first, last = (record.dates[k].astype("datetime64[D]").item() for k in (0, -1))
    if s.start < first or s.end > last:
        return None, None
    key = (basin.sha256, str(ws.weather.csv), s.start, s.end)
    if key not in _MEANS:
        if len(_MEANS) >= _MAX_KEPT:
            _MEANS.clear()
        _MEANS[key] = _record_means(basin, ws, record, snow_threshold)
    return _MEANS[key]


def _record_means(basin, ws, record, snow_threshold) -> tuple[np.ndarray, np.ndarray]:
    """The means over the basin's ``[run]`` period of the runoff on ``record``, started as a run
    of that period starts (its runoff warm-up)."""
    from hydro.runoff_warm_up import warm_up
    from hydro.series import daily_dates
    from hydro.sources.washoff import washed_fraction, washoff_coefficients
    from hydro.watershed import subbasin_runoff, subbasin_weather

    s = basin.settings
    warm = warm_up(ws, record, s.start, s.end, s.runoff_warm_up_years, snow_threshold)
    days = daily_dates(s.start, s.end)
    runoff = subbasin_runoff(ws, subbasin_weather(ws, days, record), days, warm.state, snow_threshold)
    k = washoff_coefficients(ws.sources.subbasins)
    return (np.ascontiguousarray(runoff.q_routed_mm.T).mean(axis=0),
            washed_fraction(np.ascontiguousarray(runoff.q_direct_mm.T), k).mean(axis=0))
