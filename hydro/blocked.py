"""A watershed run in time blocks of whole years: peak memory set by the block, not the run (issue 16).

:func:`hydro.pipeline.run_watershed` holds every step's arrays for every day of
the run (days x elements x tracers), so its memory grows with the run's length.
:func:`run_blocks` runs the same six steps on one block of whole calendar years
at a time and yields each block's :class:`~hydro.results.Results`; every
component's state is carried from the end of one block to the start of the next
(:class:`BlockState`):

* runoff: GR4J's stores and unit hydrographs, CemaNeige's snow packs and
  thermal states (the runoff model's ``final`` state);
* sources: the groundwater N stores (kg per subbasin);
* routing: the Muskingum-Cunge cells' outflows and storages, and the reservoir
  volumes (:class:`hydro.routing.RoutingState`);
* transport: every cell's volume and concentration and every reservoir's
  concentration of every tracer (:class:`TransportStart`).

Budgets are per calendar year and blocks are whole years, so every budget and
every monthly or yearly mean falls inside one block.  Statistics that a
one-block run takes over the whole run are handled so:

* CemaNeige's snowfall of full cover (the mean yearly snowfall of each band) is
  computed over the whole run before the first block (:func:`snow_thresholds`,
  from the station record: cheap), the same value to the last bit;
* the Muskingum-Cunge cells per reach (about a day's travel at the mean flow)
  and the transport's volume level and cell shares (medians over the run's
  flows, :func:`hydro.transport_volumes.cell_volumes`) come from the **first
  block's** flows; later blocks carry the volumes by the water balance
  (:func:`hydro.transport_volumes.end_volumes`, the solver's own sums) and
  raise a reach only where it would fall below its floor
  (:func:`hydro.transport_volumes.carried_water`).  A run of several blocks thus
  equals a one-block run given the same cells and starting volumes to round-off
  (``tests/test_blocked.py``); against the default one-block run it differs by
  the choice of these levels (docs/results.md, "Long runs in time blocks").

Basins whose state this module does not carry run in one block
(:func:`unblockable` says why): flow-driven basins (gauge matching), transfers
and withdrawals, accumulation routing with reservoirs, source timing tables,
wash-off or flow-timed groundwater, constituents other than TN, and runoff models
other than GR4J + CemaNeige.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np

from hydro.basin import Basin
from hydro.errors import HydroError
from hydro.results import Results
from hydro.transport_volumes import CellWater, FlowSample, end_volumes

#: Years per block of ``hydro run`` (``--block-years``): runs of at most this many
#: calendar years are one block, as before; longer runs are cut into blocks.
DEFAULT_BLOCK_YEARS = 5


@dataclass(frozen=True)
class TransportStart:
    """The transport's state at the start of a block.

    Attributes
    ----------
    water : CellWater
        Cell volumes (m3), shares and floors.
    conc : (N, T) float
        Concentration of every tracer in every cell, g m-3.
    res_conc : (S, T) float
        Concentration of every tracer in every reservoir, g m-3.
    """

    water: CellWater
    conc: np.ndarray
    res_conc: np.ndarray


@dataclass(frozen=True)
class BlockState:
    """Everything a block hands to the next: see the module docstring."""

    runoff: Any
    groundwater_kg: np.ndarray
    routing: Any
    transport: TransportStart


def block_periods(start: date, end: date, block_years: int) -> list[tuple[date, date]]:
    """First and last day of each block: ``block_years`` calendar years each (the first and
    last may be partial years, as the run's start and end are)."""
    if int(block_years) < 1:
        raise HydroError(f"--block-years: expected a whole number of years >= 1, got {block_years}")
    out = []
    first = start
    while first <= end:
        last = min(end, date(first.year + int(block_years) - 1, 12, 31))
        out.append((first, last))
        first = date(last.year + 1, 1, 1)
    return out


def unblockable(basin: Basin, constituents: tuple[str, ...] | None = None) -> str | None:
    """Why ``basin`` must run in one block (None: it can run in blocks)."""
    from hydro.pipeline import carried_constituents

    ws = basin.watershed
    if ws is None:
        return "not a watershed basin"
    net = basin.network
    reasons = []
    if basin.settings.flow_driven:
        reasons.append("flow-driven (runoff matched to the gauges)")
    if basin.transfers or basin.withdrawals or basin.withdrawal_tables:
        reasons.append("transfers or withdrawals")
    slopes = all(r.slope_m_per_m is not None for r in net.reaches)
    routed = basin.settings.routing == "muskingum-cunge" or (basin.settings.routing == "auto" and slopes)
    if net.reservoirs and not routed:
        reasons.append("accumulation routing with reservoirs")
    if ws.runoff_model != "gr4j_cemaneige":
        reasons.append(f"runoff model {ws.runoff_model}")
    subs = ws.sources.subbasins
    if any(s.timing is not None or s.delivery_timing == "washoff" for s in subs):
        reasons.append("source timing tables or wash-off")
    if any(s.groundwater is not None and s.groundwater.timing == "flow" for s in subs):
        reasons.append("flow-timed groundwater")
    if any(p.name != "tn" for c in carried_constituents(basin, constituents) for p in c.parts):
        reasons.append("constituents other than TN")
    return "; ".join(reasons) or None


def snow_thresholds(ws, forcing, dates: list[date]) -> np.ndarray | None:
    """CemaNeige's snowfall of full cover of every band over the whole run (mm/yr), as a
    one-block run computes it (one subbasin at a time, so memory stays a few series)."""
    from hydro.snow import SnowBands, _band_inputs

    if not ws.snow:
        return None
    first = int((np.datetime64(dates[0]) - forcing.dates[0]).astype(int))
    sl = slice(first, first + len(dates))
    p, tm, tn, tx = (np.asarray(a)[sl] for a in (forcing.precip_mm, forcing.tmean_c, forcing.tmin_c,
                                                  forcing.tmax_c))
    out = []
    for s in ws.subbasins:
        bands = SnowBands(station_elevation_m=s.elevation_m, band_elevations_m=s.band_elevations_m,
                          solid_fraction=ws.solid_fraction)
        shift = -ws.weather.lapse_c_per_km / 1000.0 * (s.elevation_m - ws.weather.elevation_m)
        row = (p[None, :] * s.precip_factor, tm[None, :] + shift, tn[None, :] + shift, tx[None, :] + shift)
        _, _, pb, _, sf = _band_inputs([bands], *row)
        out.append(365.25 * (pb * sf).mean(axis=1))
    return np.concatenate(out)


def run_blocks(basin: Basin, start: date, end: date, block_years: int = DEFAULT_BLOCK_YEARS, *,
               scenario: str = "baseline", history: str = "", weather=None, apportion: bool = True,
               constituents: tuple[str, ...] | None = None, timings: dict | None = None,
               first_water: CellWater | None = None, trace: list | None = None) -> Iterator[Results]:
    """Run a watershed basin block by block, yielding each block's results (arguments as
    :func:`hydro.pipeline.run_watershed`).

    ``first_water`` gives the first block's cell water (volumes, shares, floors) instead of
    the level from its flows (tests: a one-block run started as a blocked run's first block);
    ``trace`` (a list) receives each block's ``(cells per reach or None, the transport's start
    water, the end state)``.

    Raises
    ------
    HydroError
        The basin cannot run in blocks (:func:`unblockable`), or a bad period.
    """
    from hydro.pipeline import _Steps, carried_constituents
    from hydro.watershed import Watershed
    from hydro.weather import read_forcing_csv

    why = unblockable(basin, constituents)
    if why:
        raise HydroError(f"{basin.path}: cannot run in time blocks ({why}); run it in one block "
                         "(--block-years 0)")
    if end < start:
        raise HydroError(f"the run ends ({end}) before it starts ({start})")
    ws = Watershed.from_basin(basin)
    carried = carried_constituents(basin, constituents)
    forcing = weather if weather is not None else read_forcing_csv(ws.weather.csv)
    periods = block_periods(start, end, block_years)
    threshold = snow_thresholds(ws, forcing, _days(start, end)) if ws.snow and len(periods) > 1 else None
    state: BlockState | None = None
    step = _Steps(timings)
    if first_water is None and len(periods) > 1:
        first_water = _first_water(basin, ws, periods, forcing, threshold, step)
    for first, last in periods:
        res, state, start_water = _block(basin, ws, _days(first, last), forcing, state, carried, apportion,
                                         threshold, (scenario, history), step, first_water)
        if trace is not None:
            cells = None if state.routing is None else state.routing.sub_reaches
            trace.append((cells, start_water, state))
        yield res


def _days(first: date, last: date) -> list[date]:
    from hydro.series import daily_dates

    return daily_dates(first, last)


def _first_water(basin: Basin, ws, periods: list[tuple[date, date]], forcing, threshold, step) -> CellWater:
    """The transport's cell water at the run's start as a one-block run sets it
    (:class:`hydro.transport_volumes.FlowSample`): a pass of weather, runoff and routing over
    the whole run, block by block, keeping only the flows of the sampled days."""
    from hydro.pipeline import water
    from hydro.watershed import flows, subbasin_weather

    sample = FlowSample(basin.network, (periods[-1][1] - periods[0][0]).days + 1)
    runoff = routing = None
    for first, last in periods:
        dates = _days(first, last)
        station = step("weather", subbasin_weather, ws, dates, forcing)
        w = step("runoff", water, basin, ws, dates, station, runoff, threshold)
        hyd = step("routing", flows, basin, w.lateral, w.res_local, w.evap, w.rain, w.months,
                   target_release=w.target, withdraws=bool(w.transfers.reach_abstraction), state=routing)
        sample.add(hyd.q_in, hyd.q_out, hyd.lateral)
        runoff, routing = w.simulated.final, getattr(hyd, "final", None)
    return sample.water()


def _block(basin: Basin, ws, dates: list[date], forcing, state: BlockState | None, carried, apportion: bool,
           threshold, names: tuple[str, str], step, first_water) -> tuple[Results, BlockState, CellWater]:
    """One block's six steps from ``state`` (None: the run's start); its results, end state and
    the transport's start water."""
    from hydro.pipeline import loads, results, transport, water
    from hydro.watershed import flows, subbasin_weather

    def get(name):
        return None if state is None else getattr(state, name)

    station = step("weather", subbasin_weather, ws, dates, forcing)
    w = step("runoff", water, basin, ws, dates, station, get("runoff"), threshold)
    src = step("sources", loads, basin, ws, w, carried, apportion, get("groundwater_kg"))
    hyd = step("routing", flows, basin, w.lateral, w.res_local, w.evap, w.rain, w.months,
               target_release=w.target, withdraws=bool(w.transfers.reach_abstraction), state=get("routing"))
    start = get("transport")
    if start is None and first_water is not None:
        start = TransportStart(first_water, src.tracers.init_conc, src.tracers.init_res_conc)
    tr = step("transport", transport, basin, w, src, hyd, station, start)
    res = step("results", results, basin, ws, w, src, hyd, tr, station, carried, *names)
    sw = tr.start_water
    assert sw is not None
    water_end = CellWater(end_volumes(basin.network, sw.volume, sw.share, hyd.q_in, hyd.q_out, hyd.lateral),
                          sw.share, sw.floor, sw.raised)
    n_res = len(basin.network.reservoirs)
    res_conc = tr.reservoir_concentration[-1] if n_res else np.zeros((0, tr.final_concentration.shape[1]))
    end = BlockState(runoff=w.simulated.final, groundwater_kg=src.groundwater.final_kg,
                     routing=getattr(hyd, "final", None),
                     transport=TransportStart(water_end, tr.final_concentration.copy(), np.array(res_conc)))
    return res, end, sw
