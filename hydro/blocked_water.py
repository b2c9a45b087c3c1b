"""What a run in time blocks needs of the whole run before its first block (:mod:`hydro.blocked`).

Used for a run of its basin's ``[run]`` period in blocks, and for the pass over that period on
the station record whose numerics and means every other run takes (:mod:`hydro.store_climate`).

A one-block run takes three statistics over all its days (CemaNeige's snowfall of
full cover it takes over the station record, :func:`hydro.watershed.snow_thresholds`,
as a blocked run does); a blocked run computes each as the one-block run does,
before its first block, holding no more than a block at a time:

* the Muskingum-Cunge cells per reach (:func:`hydro.routing.route`: about a
  day's travel at the mean discharge of a no-storage pass over the run): a
  pass of weather and runoff and the accumulation of flows, block by block, its
  reservoirs carried, the mean's sum added in the same order
  (:func:`whole_run_water`);
* the transport's volume levels and cell shares (medians over the run's flows,
  :func:`hydro.transport_volumes.cell_volumes`): a pass of the routing over the
  water of the first pass, keeping the flows of the sampled days
  (:class:`hydro.transport_volumes.FlowSample`);
* the mean base flow of every subbasin, which flow-timed groundwater scales its
  release by (:func:`hydro.sources.daily_loads`): summed in the first pass.

The first pass keeps each block's water (lateral inflows, reservoir inflows,
evaporation and rain: days x elements) in a temporary folder on disk for the
second, so the runoff is computed twice in all (here and in the run), not three
times.
"""

from __future__ import annotations

import contextlib
import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np

from hydro.basin import Basin
from hydro.errors import HydroError
from hydro.hydraulics import accumulate
from hydro.transport_volumes import CellWater, FlowSample

#: What the first pass keeps of each block's water for the second (Water attributes).
_KEPT = ("lateral", "res_local", "evap", "rain", "calendar", "res_land")  # flows() takes them in this order


@dataclass(frozen=True)
class WholeRun:
    """What a one-block run takes over the whole run, for a blocked one.

    Attributes
    ----------
    cells : (R,) int or None
        Muskingum-Cunge cells per reach (None: flows accumulated).
    water : CellWater
        The transport's cell water at the run's start.
    mean_base_mm : (n_sub,) float
        Mean base flow of every subbasin (mm/d), for flow-timed groundwater.
    mean_washed : (n_sub,) float
        Mean share of every subbasin's wash-off store washed off per day (1/d), for its
        steady start (:func:`hydro.sources.washoff.steady_start`).
    mean_nitrified : (n_sub,) float or None
        Mean share of the wash-off store's ammonium nitrified per day (1/d) at the subbasins' air
        temperature, for the steady start of its species (:mod:`hydro.sources.quality_store`);
        None where the basin's quality table does not nitrify the store.
    run_years : (Y,) int
        The run's calendar years (yearly sources spread and blended over them).
    water_in : (bool, bool)
        Whether water is transferred in from outside the basin on any day of the run, and
        into reaches (:attr:`hydro.pipeline_steps.Water.water_in`).
    """

    cells: np.ndarray | None
    water: CellWater
    mean_base_mm: np.ndarray
    mean_washed: np.ndarray
    mean_nitrified: np.ndarray | None
    run_years: np.ndarray
    water_in: tuple[bool, bool]


def whole_run_water(basin: Basin, ws, periods: list[tuple[date, date]], forcing, threshold, step,
                    runoff_start=None) -> WholeRun:
    """The cells, the transport's cell water at the run's start and the mean base flows, as a
    one-block run over ``periods`` sets them (see the module docstring).  ``step`` times the
    passes (:class:`hydro.pipeline._Steps`); ``runoff_start`` is the runoff model's state on
    the first day (its warm-up's, :mod:`hydro.runoff_warm_up`; None: the initial fillings)."""
    from hydro.ecological_minimum import reservoir_rule
    from hydro.pipeline_steps import water, water_enters
    from hydro.routing_cells import default_cells
    from hydro.series import daily_dates
    from hydro.sources.quality_store import nitrified_share
    from hydro.sources.washoff import washed_fraction, washoff_coefficients, washoff_flow_mm
    from hydro.watershed import flows, land_area, routing_method, subbasin_weather
    from hydro.withdrawal_requests import WithdrawalRequests

    n_day = (periods[-1][1] - periods[0][0]).days + 1
    run_years = np.arange(periods[0][0].year, periods[-1][1].year + 1, dtype=np.int64)
    k_washoff = washoff_coefficients(ws.sources.subbasins)
    with tempfile.TemporaryDirectory(prefix="hydro-blocks-") as tmp:
        total, res_volume, runoff, base, washed, nitrified = None, None, runoff_start, None, None, None
        nit = None if basin.quality_table is None else basin.quality_table.store_nitrification
        stores: dict = {}  # the withdrawals' accumulations and the wash-off flow's filter, carried block to block
        water_in = [False, False]
        requests = None
        for k, (first, last) in enumerate(periods):
            dates = daily_dates(first, last)
            station = step("weather", subbasin_weather, ws, dates, forcing)
            w = step("runoff", water, basin, ws, dates, station, runoff, threshold, run_years, None, stores)
            runoff = w.simulated.final
            base = _running_sum(base, np.ascontiguousarray(w.runoff.q_routed_mm.T))
            wash = washoff_flow_mm(ws.sources.subbasins, w.runoff.q_direct_mm.T, w.runoff.q_routed_mm.T, stores)
            washed = _running_sum(washed, washed_fraction(wash, k_washoff))
            if nit is not None and nit.on:  # the store's ammonium (hydro.sources.quality_store)
                nitrified = _running_sum(nitrified, nitrified_share(np.ascontiguousarray(station.tmean_c.T), nit))
            water_in = [a or b for a, b in zip(water_in, water_enters(w), strict=True)]
            requests = w.requests  # its reaches and shares: the same in every block
            kept = {name: getattr(w, name) for name in _KEPT}
            kept["request_flow"] = w.requests.flow
            target = w.target  # a minimum by year: the numerics without its raises (hydro.reference_numerics)
            if w.transfers.dated_minimum:
                target = w.transfers.reference_target(reservoir_rule(basin.network, w.calendar))
            if target is not None:
                kept["target"] = target
            _save_block(Path(tmp) / f"{k}.npz", kept)
            if routing_method(basin) == "muskingum-cunge":
                hyd = step("routing", accumulate, basin.network, w.lateral, np.zeros_like(w.lateral), w.res_local,
                           w.evap, w.rain, w.calendar, target, res_volume=res_volume, res_land_inflow=w.res_land,
                           res_land_area=land_area(basin.network, ws))
                res_volume = hyd.res_volume[-1].copy()
                total = _running_sum(total, 0.5 * (hyd.q_in + hyd.q_out))
        cells = None
        if total is not None:  # cells per reach at the mean discharge, as route chooses them
            cells = default_cells(basin.network, total / n_day)
        assert requests is not None  # periods holds at least one block
        sample = FlowSample(basin.network, n_day, basin.settings.courant)
        state = None
        for k in range(len(periods)):
            with np.load(Path(tmp) / f"{k}.npz") as saved:
                target = saved.get("target")
                asked = WithdrawalRequests(requests.reach, saved["request_flow"], requests.share)
                hyd = step("routing", flows, basin, *(saved[name] for name in _KEPT), target_release=target,
                           requests=asked, state=state, sub_reaches=cells)
            sample.add(hyd.q_in, hyd.q_out, hyd.lateral)
            state = routing_state(hyd)
    assert base is not None and washed is not None  # periods holds at least one block
    return WholeRun(cells, sample.water(), np.asarray(base / n_day), np.asarray(washed / n_day),
                    None if nitrified is None else np.asarray(nitrified / n_day), run_years,
                    (water_in[0], water_in[1]))


def _running_sum(total: np.ndarray | None, rows: np.ndarray) -> np.ndarray:
    """``total`` plus the rows of a block, one after another: the sum ``np.mean(x, axis=0)``
    takes over a run's rows (row after row where there are several columns)."""
    start = rows[:0] if total is None else total[None, :]
    return np.add.accumulate(np.concatenate([start, rows]), axis=0)[-1]


def routing_state(hyd):
    """What a block's flows hand to the next: a routed run's :class:`hydro.routing.RoutingState`,
    else (accumulation) the reservoir volumes at its end (m3)."""
    final = getattr(hyd, "final", None)
    return final if final is not None else hyd.res_volume[-1].copy()


def _save_block(path: Path, arrays: dict) -> None:
    """Save one block's water to the run's temporary folder (in ``TMPDIR``), a full or unwritable one said as
    such: its error used to name the output's folder's free space (concurrency review, 2026-12-06)."""
    try:
        np.savez(path, **arrays)
    except OSError as exc:
        import shutil

        free = ""
        with contextlib.suppress(OSError):
            free = f"; {shutil.disk_usage(path.parent).free / 1e6:.1f} MB free there"
        raise HydroError(f"{path.parent}: writing the run's temporary blocks failed ({exc.strerror or exc}{free}); "
                         f"they go to TMPDIR ({tempfile.gettempdir()}): free space there, or point TMPDIR at a "
                         "folder with room (a block of a large basin takes some hundred MB)") from None
