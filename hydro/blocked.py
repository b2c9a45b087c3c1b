"""A watershed run in time blocks of whole years: peak memory set by the block, not the run (issue 16).

:func:`hydro.pipeline.run_watershed` holds every step's arrays for every day of
the run (days x elements x tracers), so its memory grows with the run's length.
:func:`run_blocks` runs the same six steps on one block of whole calendar years
at a time and yields each block's :class:`~hydro.results.Results`; every
component's state is carried from the end of one block to the start of the next
(:class:`BlockState`):

* runoff: GR4J's stores and unit hydrographs, CemaNeige's snow packs and
  thermal states (the runoff model's ``final`` state);
* sources: the groundwater N stores (kg per subbasin) and the wash-off stores
  (:func:`hydro.sources.daily_loads`' ``stores``; the first block starts them at the
  steady state of the build-up of the 365 days from its first day, as a one-block run
  does, also where it is shorter);
* routing: the Muskingum-Cunge cells' outflows and storages, and the reservoir
  volumes (:class:`hydro.routing.RoutingState`; accumulation: the volumes);
* transport: every cell's volume and concentration and every reservoir's
  concentration of every tracer (:class:`TransportStart`).

Budgets are per calendar year and blocks are whole years, so every budget and
every monthly or yearly mean falls inside one block.  What a one-block run
takes over its days (the
Muskingum-Cunge cells per reach, the transport's volume levels and cell shares)
is the basin's period's (:mod:`hydro.store_climate`), or a run of that period's own,
computed as a one-block run does before the first block (:mod:`hydro.blocked_water`: two
passes of the water, block by block); later blocks carry the volumes by the
water balance (:func:`hydro.transport_volumes.end_volumes`, the solver's own
sums) and would raise a reach only where it fell below its floor
(:func:`hydro.transport_volumes.carried_water`; with the whole run's levels it
does not, but for round-off).  A run of several blocks thus equals the same run
in one block to round-off (``tests/test_blocked.py``; docs/results.md, "Long
runs in time blocks", says which values differ and why, and where round-off is amplified).

A run that starts after its basin's ``[run] start`` is spun up the same way
(:func:`hydro.spin_up.spin_up_plan`): its first blocks are the days from the basin's start to the
day before its own, whose results are not yielded, and its own first block continues
from their end state with what the run was given for its start (:func:`given_state`);
:func:`hydro.pipeline.run_watershed` runs such a run as the spin-up and one block.
A run on generated weather is spun up on the station record instead (:func:`record_spin_up`):
the same spin-up an observed run from its start makes, computed once per process and
configuration and shared by every member and draw (to the record's end, then each on its own).

Flow-driven basins (runoff matched to the gauges: a whole-run match not carried
yet) and runoff models other than GR4J + CemaNeige run in one block
(:func:`unblockable` says why).  Sources that change by year, blended across
years or spread by month, are computed on each block's days over the whole run's
years (``run_years`` of :func:`hydro.sources.daily_loads`); transfers are read
onto each block's days, whether water is transferred in is decided over the whole
run (:attr:`hydro.pipeline_steps.Water.water_in`), and each withdrawal's accumulation
carries its reservoir volumes.  The transport also hands on the inflow its flux
inlets still owe (a bound can hold some back for the next day: ``inlet_debt`` of
:func:`hydro._transport_kernels.simulate_kernel`).

Size: the block loop, its spin-ups (observed, on the record, from a saved state) and the state a block hands
on belong together: each part reads the others' periods and state.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import numpy as np

from hydro.basin import Basin
from hydro.errors import HydroError
from hydro.flood_season import check_start_storage
from hydro.results import Results
from hydro.spin_up import SpinUp as SpinUp  # these four re-exported: they were defined here
from hydro.spin_up import given_for_start as given_for_start
from hydro.spin_up import spin_up_plan as spin_up_plan
from hydro.spin_up import unblockable as unblockable
from hydro.transport_volumes import CellWater, end_volumes

#: Years per block of ``hydro run`` by default (``--block-years``).
DEFAULT_BLOCK_YEARS = 5

#: ``hydro run`` keeps a run in one block by default unless it covers more calendar years
#: than :data:`DEFAULT_BLOCK_YEARS` and more reach-days (reaches x days) than this: memory
#: grows with reach-days (100 reaches x 13.7 years; a one-block run of that size peaks
#: near 500 MB).  Every shipped basin's runs stay one block (Miyun over 2000-2020: 17
#: reaches x 7,671 days = 130,000), their results as before.
ONE_BLOCK_REACH_DAYS = 500_000


@dataclass(frozen=True)
class TransportStart:
    """The transport's state at the start of a block.

    Attributes
    ----------
    water : CellWater
        Cell volumes (m3), shares and floors.
    conc : (N, T) float or None
        Concentration of every tracer in every cell, g m-3 (None: the run's
        initial values, :attr:`hydro.basin.Basin.initial`).
    res_conc : (S, T) float or None
        Concentration of every tracer in every reservoir, g m-3.
    inlet_debt : (R, T) float or None
        Inflow the solver still owes each chain's flux inlet, g (None: 0).
    """

    water: CellWater
    conc: np.ndarray | None
    res_conc: np.ndarray | None
    inlet_debt: np.ndarray | None = None


@dataclass(frozen=True)
class BlockState:
    """Everything a block hands to the next: see the module docstring."""

    runoff: Any
    groundwater_kg: np.ndarray
    routing: Any
    transport: TransportStart
    stores: dict


def block_periods(start: date, end: date, block_years: int) -> list[tuple[date, date]]:
    """First and last day of each block: ``block_years`` calendar years each (the first and
    last may be partial years, as the run's start and end are).  A first block shorter than a
    year needs nothing of the next: its wash-off stores start in balance with the build-up of
    the 365 days from its first day, which the inventory gives past its end
    (:func:`hydro.sources.washoff.washoff_start`, :func:`hydro.sources.timing.first_days`)."""
    if int(block_years) < 1:
        raise HydroError(f"--block-years: expected a whole number of years >= 1, got {block_years}")
    out = []
    first = start
    while first <= end:
        last = min(end, date(first.year + int(block_years) - 1, 12, 31))
        out.append((first, last))
        first = date(last.year + 1, 1, 1)
    return out


def given_state(basin: Basin, plan: SpinUp, state: BlockState, start: date) -> BlockState:
    """The spin-up's end ``state`` with what the run was given for its ``start`` (``plan``): each
    given reservoir's storage (m3) in the routing's and the withdrawals' reservoir volumes (refused above
    its flood-limit storage on a day of its flood season, :func:`hydro.flood_season.check_start_storage`),
    and the basin's ``[initial]`` concentrations in every cell and reservoir where they were given."""
    import dataclasses

    if plan.storages:
        check_start_storage(basin.path, start, [basin.network.reservoirs[k] for k in plan.storages],
                            "the run's start")
        def put(volumes):
            out = np.array(volumes, dtype=np.float64)
            for k in plan.storages:
                out[k] = basin.network.reservoirs[k].initial_storage_m3
            return out

        routing = state.routing
        routing = (put(routing) if isinstance(routing, np.ndarray)
                   else dataclasses.replace(routing, res_volume=put(routing.res_volume)))
        stores = dict(state.stores)
        if "withdrawal_res_volumes" in stores:
            stores["withdrawal_res_volumes"] = [put(v) for v in stores["withdrawal_res_volumes"]]
        state = dataclasses.replace(state, routing=routing, stores=stores)
    if plan.concentrations:
        t = state.transport
        state = dataclasses.replace(state, transport=TransportStart(t.water, None, None, t.inlet_debt))
    return state


def run_blocks(basin: Basin, start: date, end: date, block_years: int | None = DEFAULT_BLOCK_YEARS, *,
               scenario: str = "baseline", history: str = "", weather=None, apportion: bool = True,
               constituents: tuple[str, ...] | None = None, timings: dict | None = None,
               from_state: tuple[Any, dict, str] | None = None, on_end=None) -> Iterator[Results]:
    """Run a watershed basin block by block, yielding each block's results (arguments as
    :func:`hydro.pipeline.run_watershed`; ``timings`` adds the passes before the first block
    to its steps).  ``block_years`` None: the run in one block, after its spin-up in one (in
    blocks of :data:`DEFAULT_BLOCK_YEARS` where it has more reach-days than
    :data:`ONE_BLOCK_REACH_DAYS`).

    A run that starts after the basin's ``[run] start`` first runs the blocks of its spin-up
    (:func:`spin_up_plan`), from the basin's start to the day before its own, and yields
    none of them: its first block continues from their end state, with what the run was
    given for its start (:func:`given_state`).  ``from_state`` ``(state, meta, path)`` (a state file's,
    :func:`hydro.state_file.load_state`) replaces the spin-up's end state (its blocks are not run; the
    numerics are the same); ``on_end`` is given the state after the last block and its description
    (:func:`hydro.state_fit.state_meta`), for ``--save-state``.  Both need the basin's period's numerics
    (its station record covering its ``[run]`` period) and observed weather.

    Raises
    ------
    HydroError
        The basin cannot run in blocks (:func:`unblockable`), or a bad period.
    """
    from hydro.pipeline_steps import _Steps, carried_constituents
    from hydro.runoff_warm_up import run_start
    from hydro.series import daily_dates
    from hydro.store_climate import run_numerics, store_means
    from hydro.watershed import Watershed

    why = unblockable(basin)
    if why:
        raise HydroError(f"{basin.path}: cannot run in time blocks ({why}); run it in one block "
                         "(--block-years 0)")
    if end < start:
        raise HydroError(f"the run ends ({end}) before it starts ({start})")
    plan = spin_up_plan(basin, start, weather)
    ws = Watershed.from_basin(basin)
    carried = carried_constituents(basin, constituents)
    if plan.on_record:  # generated weather, from the spin-up on the station record
        yield from _after_record(basin, ws, plan, start, end, block_years, weather, carried, apportion,
                                 (scenario, history), _Steps(timings))
        return
    first = plan.first or start
    years = block_years if block_years is not None else end.year - first.year + 1
    spin = _spin_periods(basin, plan.first, plan.last, block_years, years)
    periods = spin + block_periods(start, end, years)
    forcing, threshold, warm = run_start(basin, ws, first, end, weather)  # as a one-block run's
    step = _Steps(timings)
    # the basin's period's numerics, or a one-block run's over several blocks (hydro.store_climate)
    whole = run_numerics(basin, ws, periods, forcing, weather, threshold, step, warm.state, bool(carried))
    means = store_means(basin, ws, first, end, weather, threshold, bool(carried))  # the basin's climate
    if means[0] is None and whole is not None:  # the run's own, as a one-block run's
        means = (whole.mean_base_mm, whole.mean_washed, whole.mean_nitrified)
    said = (warm.describe() if not spin else warm.through(plan.first, plan.last),
            plan.describe(start))
    state: BlockState | None = None
    fits: dict = {}  # what a state of this run fits (hydro.state_fit.state_meta), as of its start
    if from_state is not None or on_end is not None:
        from hydro.state_fit import check_fits, state_meta

        if whole is None or weather is not None:
            raise HydroError(f"{basin.path}: --save-state and --from-state need observed weather and the basin's "
                             "[run] period on its station record (their numerics are the period's)")
        fits = state_meta(basin, start, carried, apportion, whole.water_in)
    if from_state is not None:  # the spin-up's end, read: its blocks are not run
        check_fits(from_state[2], from_state[1], fits)
        state, said = _continued(basin, plan, from_state, start, said)
    for k, (a, b) in enumerate(periods):
        if from_state is not None and k < len(spin):
            continue
        res, state = _block(basin, ws, daily_dates(a, b), forcing, state, carried, apportion, threshold,
                            (scenario, history), step, whole, warm, said, means)
        if k == len(spin) - 1:  # the spin-up's end: the run's start, with what the run was given for it
            state = given_state(basin, plan, state, start)
        if k >= len(spin):
            yield res
        del res  # not held while the next block runs (nor should the caller hold it)
    if on_end is not None and state is not None:
        on_end(state, {**fits, "day": (end + timedelta(days=1)).isoformat()})


def _continued(basin: Basin, plan: SpinUp, from_state: tuple, start: date, said: tuple[str, str]):
    """The state a run starts from when it continues a saved one (``from_state``: state, description,
    path), with what it was given for its start, and its results' ``initial_state`` saying both."""
    from hydro.state_fit import saved_by

    given = plan.describe(start).partition("; given for ")[2]  # what --set gave for the start
    text = (f"continued from the state in {from_state[2]} (of {start})" + saved_by(from_state[1])
            + (f"; given for {given}" if given else ""))
    return given_state(basin, plan, from_state[0], start), (said[0], text)


def _spin_periods(basin: Basin, first: date | None, last: date | None, block_years: int | None,
                  years: int) -> list[tuple[date, date]]:
    """The blocks of the spin-up days ``first..last`` (None: none): of ``years`` years, or of
    :data:`DEFAULT_BLOCK_YEARS` where ``block_years`` is None and they exceed :data:`ONE_BLOCK_REACH_DAYS`."""
    if first is None or last is None:
        return []
    long = len(basin.network.reaches) * ((last - first).days + 1) > ONE_BLOCK_REACH_DAYS
    return block_periods(first, last, DEFAULT_BLOCK_YEARS if block_years is None and long else years)


@dataclass(frozen=True)
class Spun:
    """The start state of a run on generated weather, spun up on the station record (:func:`record_spin_up`).

    Attributes
    ----------
    state : BlockState
        The state the spin-up on the record ends with (on ``SpinUp.record_end`` where the record
        ends first), without what the run was given for its start (:func:`_after_record` adds it).
    whole : hydro.blocked_water.WholeRun
        The numerics the spin-up ran with (routing cells, the transport cells' shares and floors),
        which the run keeps: the basin's ``[run]`` period's on the record, as an observed run's.
    warm_up : str
        The results' ``runoff_warm_up``: the spin-up's days.
    """

    state: BlockState
    whole: Any
    warm_up: str


#: This process's spin-ups on the station record: (configuration hash, station file, start,
#: constituents carried, by source, water transferred in) -> :class:`Spun` (states only, no results).
_SPUN: dict[tuple, Spun] = {}
_MAX_KEPT = 64  # start states kept (one per scenario of a scenario ensemble; 20-90 kB each for Miyun)


def record_spin_up(basin: Basin, plan: SpinUp, start: date, carried, apportion: bool,
                   water_in: tuple[bool, bool]) -> Spun:
    """The state a run from ``start`` on generated weather starts from: the spin-up of ``plan``
    (``on_record``) on the basin's station record, exactly as an observed run from ``start`` to the
    basin's ``[run] end`` makes it (with the basin's period's numerics, as an observed late start, also
    where ``start`` is after that end: :func:`hydro.store_climate.period_numerics`, ``shared``;
    to ``plan.record_end`` where the record ends first), carrying the
    ``carried`` constituents (by source where ``apportion``) and the transferred water's tracer
    where ``water_in`` (the run's days and those after the record) or the record's days say
    water enters.  Computed once per process and configuration (keyed like
    :func:`hydro.store_climate.store_means`: ``basin.sha256``, the station file's content, the start), so
    that every member of an ensemble and every payment draw shares it; the state alone is kept."""
    from hydro.watershed import Watershed
    from hydro.weather import station_stamp

    key = (basin.sha256, station_stamp(Watershed.from_basin(basin).weather.csv), start, tuple(c.name for c in carried),
           bool(apportion), tuple(water_in))
    if key not in _SPUN:
        if len(_SPUN) >= _MAX_KEPT:
            _SPUN.clear()
        _SPUN[key] = _spin_up_on_record(basin, plan, start, carried, apportion, water_in)
    return _SPUN[key]


def _spin_up_on_record(basin: Basin, plan: SpinUp, start: date, carried, apportion: bool,
                       water_in: tuple[bool, bool]) -> Spun:
    """:func:`record_spin_up`'s computation: the spin-up blocks of :func:`run_blocks` for an observed
    run from ``start`` to the basin's end (one block, or several where long)."""
    import dataclasses

    from hydro.pipeline_steps import _Steps
    from hydro.runoff_warm_up import run_start
    from hydro.series import daily_dates
    from hydro.store_climate import run_numerics, store_means
    from hydro.watershed import Watershed

    assert plan.first is not None and plan.last is not None
    ws = Watershed.from_basin(basin)
    last = plan.record_end or plan.last  # the spin-up's last day on the record
    end = max(basin.settings.end, last)
    spin = _spin_periods(basin, plan.first, last, None, end.year - plan.first.year + 1)
    periods = spin + (block_periods(start, end, end.year - start.year + 1) if start <= end else [])
    forcing, threshold, warm = run_start(basin, ws, plan.first, end)
    step = _Steps(None)
    whole = run_numerics(basin, ws, periods, forcing, None, threshold, step, warm.state, bool(carried), True)
    whole = dataclasses.replace(whole, water_in=(whole.water_in[0] or water_in[0], whole.water_in[1] or water_in[1]))
    means = store_means(basin, ws, plan.first, end, None, threshold, bool(carried))
    if means[0] is None:
        means = (whole.mean_base_mm, whole.mean_washed, whole.mean_nitrified)
    said = (warm.through(plan.first, plan.last), plan.describe(start))
    state = None
    for a, b in spin:
        res, state = _block(basin, ws, daily_dates(a, b), forcing, state, carried, apportion, threshold,
                            ("baseline", ""), step, whole, warm, said, means)
        del res  # the state alone is kept
    assert state is not None
    return Spun(state, whole, said[0])


def _after_record(basin: Basin, ws, plan: SpinUp, start: date, end: date, block_years: int | None, weather,
                  carried, apportion: bool, names: tuple[str, str], step) -> Iterator[Results]:
    """The blocks of a run on generated ``weather`` from the state of its spin-up on the station record
    (:func:`record_spin_up`, a copy: the cached state is shared), with its numerics and the whole
    run's years from the basin's start.  Where the record ends first (``plan.record_end``) the spin-up
    goes on over the days after it on ``weather`` (not yielded); then :func:`given_state`."""
    import copy
    import dataclasses

    from hydro.runoff_warm_up import WarmUp
    from hydro.series import daily_dates
    from hydro.store_climate import store_means
    from hydro.transfers import read_transfers
    from hydro.watershed import snow_thresholds

    assert plan.first is not None and plan.last is not None
    after = start if plan.record_end is None else plan.record_end + timedelta(days=1)  # days on this weather
    moved = read_transfers(basin, daily_dates(after, end))
    spun = record_spin_up(basin, plan, start, carried, apportion,
                          (moved.carries_water_in, bool(np.any(moved.reach_inflow > 0))))
    whole = dataclasses.replace(spun.whole, run_years=np.arange(plan.first.year, end.year + 1, dtype=np.int64))
    threshold = snow_thresholds(ws)  # the station record's, as every run's
    means = store_means(basin, ws, start, end, weather, threshold, bool(carried))  # the record's climate
    if means[0] is None:
        means = (whole.mean_base_mm, whole.mean_washed, whole.mean_nitrified)
    said = (spun.warm_up, plan.describe(start))
    state = copy.deepcopy(spun.state)
    if plan.record_end is not None:  # the rest of the spin-up, on this weather (the state alone goes on)
        for a, b in _spin_periods(basin, after, plan.last, block_years, block_years or plan.last.year - after.year + 1):
            state = _block(basin, ws, daily_dates(a, b), weather, state, carried, apportion, threshold, names,
                           step, whole, WarmUp(), said, means)[1]
    state = given_state(basin, plan, state, start)
    years = block_years if block_years is not None else end.year - start.year + 1
    for a, b in block_periods(start, end, years):
        res, state = _block(basin, ws, daily_dates(a, b), weather, state, carried, apportion, threshold, names,
                            step, whole, WarmUp(), said, means)
        yield res
        del res


def _block(basin: Basin, ws, dates: list[date], forcing, state: BlockState | None, carried, apportion: bool,
           threshold, names: tuple[str, str], step, whole, warm, said: tuple[str, str],
           means=(None, None, None)) -> tuple[Results, BlockState]:
    """One block's six steps from ``state`` (None: the run's start, with the runoff stores its
    warm-up, ``warm``, left and the cells and cell water of the whole run, ``whole``, where there
    are several blocks); its results and end state.  ``said``: the results' ``runoff_warm_up``
    and ``initial_state``; ``means``: the stores' mean flows (:func:`hydro.store_climate.store_means`)."""
    from hydro.blocked_water import routing_state
    from hydro.pipeline_steps import Continuation, six_steps

    def get(name):
        return None if state is None else getattr(state, name)

    stores = dict(get("stores") or {})  # wash-off and withdrawals: in from the block before, out to the next
    start = get("transport")
    if start is None and whole is not None:
        start = TransportStart(whole.water, None, None)
    on = Continuation(runoff_state=warm.state if state is None else state.runoff, snow_threshold=threshold,
                      runoff_warm_up=said[0], initial_state=said[1], stores=stores,
                      groundwater_kg=get("groundwater_kg"), routing_state=get("routing"), transport_start=start,
                      mean_base_mm=means[0], mean_washed=means[1], mean_nitrified=means[2],
                      **({} if whole is None else {"run_years": whole.run_years, "water_in": whole.water_in,
                                                   "sub_reaches": whole.cells}))
    run = six_steps(basin, ws, dates, forcing, carried, apportion, names, step, on)
    hyd, tr = run.hydraulics, run.transport
    sw = tr.start_water
    assert sw is not None
    water_end = CellWater(end_volumes(basin.network, sw.volume, sw.share, hyd.q_in, hyd.q_out, hyd.lateral),
                          sw.share, sw.floor, sw.raised, step_estimate=sw.step_estimate)
    n_res = len(basin.network.reservoirs)
    res_conc = tr.reservoir_concentration[-1] if n_res else np.zeros((0, tr.final_concentration.shape[1]))
    end = BlockState(runoff=run.water.simulated.final, groundwater_kg=run.loads.groundwater.final_kg,
                     routing=routing_state(hyd),
                     transport=TransportStart(water_end, tr.final_concentration.copy(), np.array(res_conc),
                                              tr.final_inlet_debt),
                     stores=stores)
    return run.results, end
