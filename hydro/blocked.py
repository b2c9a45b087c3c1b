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
  (:func:`hydro.sources.daily_loads`' ``stores``; the first block, at least a
  year long, starts them at the steady state of its first year under the whole
  run's quick flow, as a one-block run does);
* routing: the Muskingum-Cunge cells' outflows and storages, and the reservoir
  volumes (:class:`hydro.routing.RoutingState`; accumulation: the volumes);
* transport: every cell's volume and concentration and every reservoir's
  concentration of every tracer (:class:`TransportStart`).

Budgets are per calendar year and blocks are whole years, so every budget and
every monthly or yearly mean falls inside one block.  What a one-block run
takes over the whole run (the
Muskingum-Cunge cells per reach, the transport's volume levels and cell shares)
is computed as it does before the first block (:mod:`hydro.blocked_water`: two
passes of the water, block by block); later blocks carry the volumes by the
water balance (:func:`hydro.transport_volumes.end_volumes`, the solver's own
sums) and would raise a reach only where it fell below its floor
(:func:`hydro.transport_volumes.carried_water`; with the whole run's levels it
does not, but for round-off).  A run of several blocks thus equals the same run
in one block to round-off (``tests/test_blocked.py``; docs/results.md, "Long
runs in time blocks", says which values differ and why).

A run that starts after its basin's ``[run] start`` is spun up the same way
(:func:`spin_up_plan`): its first blocks are the days from the basin's start to the
day before its own, whose results are not yielded, and its own first block continues
from their end state with what the run was given for its start (:func:`given_state`);
:func:`hydro.pipeline.run_watershed` runs such a run as the spin-up and one block.

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
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import numpy as np

from hydro.basin import Basin
from hydro.errors import HydroError
from hydro.results import Results
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
    last may be partial years, as the run's start and end are); a first block shorter than
    365 days takes the next block's years too (the wash-off store starts in balance with the
    build-up of the run's first 365 days, :func:`hydro.sources.washoff.steady_start`)."""
    if int(block_years) < 1:
        raise HydroError(f"--block-years: expected a whole number of years >= 1, got {block_years}")
    out = []
    first = start
    while first <= end:
        last = min(end, date(first.year + int(block_years) - 1, 12, 31))
        out.append((first, last))
        first = date(last.year + 1, 1, 1)
    if len(out) > 1 and (out[0][1] - out[0][0]).days + 1 < 365:
        out[:2] = [(out[0][0], out[1][1])]
    return out


def unblockable(basin: Basin) -> str | None:
    """Why ``basin`` must run in one block (None: it can run in blocks)."""
    ws = basin.watershed
    if ws is None:
        return "not a watershed basin"
    reasons = []
    if basin.settings.flow_driven:
        reasons.append("flow-driven (runoff matched to the gauges over the run)")
    if ws.runoff_model != "gr4j_cemaneige":
        reasons.append(f"runoff model {ws.runoff_model}")
    return "; ".join(reasons) or None


@dataclass(frozen=True)
class SpinUp:
    """How a watershed run reaches the state it starts from (:func:`spin_up_plan`).

    Attributes
    ----------
    basin_start : date
        The basin's ``[run] start``: the day its file gives the initial state for.
    first, last : date or None
        The spin-up days, the basin's start to the day before the run's (None: no spin-up;
        the run starts from the basin file's initial state).
    storages : tuple of int
        Reservoirs (indices) whose initial storage the run was given for its own start.
    concentrations : bool
        Whether the run was given its ``[initial]`` concentrations for its own start.
    given : tuple of str
        What the run was given for its start, as keys of the basin file.
    why_not : str
        Why a run that starts after the basin's start is not spun up ('' where it is).
    """

    basin_start: date
    first: date | None = None
    last: date | None = None
    storages: tuple[int, ...] = ()
    concentrations: bool = False
    given: tuple[str, ...] = ()
    why_not: str = ""

    def describe(self, start: date) -> str:
        """The results' ``initial_state`` of a run from ``start``."""
        from hydro.runoff_warm_up import given_start

        if self.first is None or self.last is None:
            return given_start(self.basin_start, start, self.why_not)
        text = (f"spun up: the whole model run from the basin's [run] start {self.basin_start.isoformat()} "
                f"over {self.first.isoformat()}..{self.last.isoformat()}")
        return text + (f"; given for {start.isoformat()}: {', '.join(self.given)}" if self.given else "")


def spin_up_plan(basin: Basin, start: date, weather=None) -> SpinUp:
    """How a watershed run from ``start`` on ``weather`` (None: the basin's station record)
    reaches its start state.

    The basin file gives the initial state (reservoir storages, ``[initial]`` concentrations)
    for its ``[run] start``.  A run that starts later is spun up: the whole model runs from the
    basin's start to the day before the run's (runoff stores, groundwater N and wash-off stores,
    routing, reservoirs with their operations, every concentration) and the run continues from
    that state, so that its days are those of the run from the basin's start.  What the run is
    given for its own start wins (:func:`given_for_start`).  No spin-up, the basin file's state
    taken for the run's start (``why_not`` says why): a run on or before the basin's start; a
    basin that cannot carry its state between blocks (:func:`unblockable`); weather that starts
    after the basin's start.
    """
    basin_start = basin.settings.start
    if start <= basin_start or not basin.is_watershed:
        return SpinUp(basin_start)
    why = unblockable(basin)
    if why is None:
        from hydro.watershed import Watershed
        from hydro.weather import station_record

        forcing = weather if weather is not None else station_record(Watershed.from_basin(basin).weather.csv)
        first = forcing.dates[0].astype("datetime64[D]").item()
        if first > basin_start:
            why = f"the weather starts on {first.isoformat()}, after the basin's start"
    if why:
        return SpinUp(basin_start, why_not=why)
    storages, concentrations, given = given_for_start(basin)
    return SpinUp(basin_start, basin_start, start - timedelta(days=1), storages, concentrations, given)


def given_for_start(basin: Basin) -> tuple[tuple[int, ...], bool, tuple[str, ...]]:
    """What ``basin`` gives for a run's own start: the initial values it holds that its file does
    not (a ``--set``, a ``--params`` file's or a calibration's ``overrides``, a
    :class:`hydro.Model`'s parameters).  Returns the reservoirs (indices) whose
    ``initial_storage_mcm`` differs, whether the ``[initial]`` concentrations differ (all start from
    them then: a tracer's concentration is not spun up in part), and their keys.  A basin whose
    file does not load (one made in memory) gives nothing."""
    try:
        filed = Basin.load(basin.path)
    except (HydroError, OSError):
        return (), False, ()
    stored = {r.id: r.initial_storage_m3 for r in filed.network.reservoirs}
    storages = tuple(k for k, r in enumerate(basin.network.reservoirs) if stored.get(r.id) != r.initial_storage_m3)
    concentrations = basin.initial != filed.initial
    given = tuple(f"reservoirs.{basin.network.reservoirs[k].id}.initial_storage_mcm" for k in storages)
    return storages, concentrations, given + (("[initial] concentrations",) if concentrations else ())


def given_state(basin: Basin, plan: SpinUp, state: BlockState) -> BlockState:
    """The spin-up's end ``state`` with what the run was given for its start (``plan``): each
    given reservoir's storage (m3) in the routing's and the withdrawals' reservoir volumes, and
    the basin's ``[initial]`` concentrations in every cell and reservoir where they were given."""
    import dataclasses

    if plan.storages:
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
               constituents: tuple[str, ...] | None = None, timings: dict | None = None) -> Iterator[Results]:
    """Run a watershed basin block by block, yielding each block's results (arguments as
    :func:`hydro.pipeline.run_watershed`; ``timings`` adds the passes before the first block
    to its steps).  ``block_years`` None: the run in one block, after its spin-up in one (in
    blocks of :data:`DEFAULT_BLOCK_YEARS` where it has more reach-days than
    :data:`ONE_BLOCK_REACH_DAYS`).

    A run that starts after the basin's ``[run] start`` first runs the blocks of its spin-up
    (:func:`spin_up_plan`), from the basin's start to the day before its own, and yields
    none of them: its first block continues from their end state, with what the run was
    given for its start (:func:`given_state`).

    Raises
    ------
    HydroError
        The basin cannot run in blocks (:func:`unblockable`), or a bad period.
    """
    from hydro.blocked_water import whole_run_water
    from hydro.pipeline_steps import _Steps, carried_constituents
    from hydro.runoff_warm_up import WarmUp, run_start
    from hydro.series import daily_dates
    from hydro.store_climate import store_means
    from hydro.watershed import Watershed

    why = unblockable(basin)
    if why:
        raise HydroError(f"{basin.path}: cannot run in time blocks ({why}); run it in one block "
                         "(--block-years 0)")
    if end < start:
        raise HydroError(f"the run ends ({end}) before it starts ({start})")
    plan = spin_up_plan(basin, start, weather)
    first = plan.first or start
    years = block_years if block_years is not None else end.year - first.year + 1
    spin: list[tuple[date, date]] = []
    if plan.first is not None and plan.last is not None:  # a long spin-up in blocks, as hydro run cuts a run
        long = len(basin.network.reaches) * ((plan.last - plan.first).days + 1) > ONE_BLOCK_REACH_DAYS
        spin = block_periods(plan.first, plan.last, DEFAULT_BLOCK_YEARS if block_years is None and long else years)
    periods = spin + block_periods(start, end, years)
    ws = Watershed.from_basin(basin)
    carried = carried_constituents(basin, constituents)
    forcing, threshold, warm = run_start(basin, ws, first, end, weather)  # as a one-block run's
    step = _Steps(timings)
    whole = None
    if len(periods) > 1:  # what a one-block run takes over the whole run (hydro.blocked_water)
        whole = whole_run_water(basin, ws, periods, forcing, threshold, step, warm.state)
    means = store_means(basin, ws, first, end, weather, threshold, bool(carried))  # the basin's climate
    if means[0] is None and whole is not None:  # the run's own, as a one-block run's
        means = (whole.mean_base_mm, whole.mean_washed)
    said = (warm.describe() if not spin else WarmUp(None, warm.first or plan.first, plan.last).describe(),
            plan.describe(start))
    state: BlockState | None = None
    for k, (a, b) in enumerate(periods):
        res, state = _block(basin, ws, daily_dates(a, b), forcing, state, carried, apportion, threshold,
                            (scenario, history), step, whole, warm, said, means)
        if k == len(spin) - 1:  # the spin-up's end: the run's start, with what the run was given for it
            state = given_state(basin, plan, state)
        if k >= len(spin):
            yield res
        del res  # not held while the next block runs (nor should the caller hold it)


def _block(basin: Basin, ws, dates: list[date], forcing, state: BlockState | None, carried, apportion: bool,
           threshold, names: tuple[str, str], step, whole, warm, said: tuple[str, str],
           means=(None, None)) -> tuple[Results, BlockState]:
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
                      mean_base_mm=means[0], mean_washed=means[1],
                      **({} if whole is None else {"run_years": whole.run_years, "water_in": whole.water_in,
                                                   "sub_reaches": whole.cells}))
    run = six_steps(basin, ws, dates, forcing, carried, apportion, names, step, on)
    hyd, tr = run.hydraulics, run.transport
    sw = tr.start_water
    assert sw is not None
    water_end = CellWater(end_volumes(basin.network, sw.volume, sw.share, hyd.q_in, hyd.q_out, hyd.lateral),
                          sw.share, sw.floor, sw.raised)
    n_res = len(basin.network.reservoirs)
    res_conc = tr.reservoir_concentration[-1] if n_res else np.zeros((0, tr.final_concentration.shape[1]))
    end = BlockState(runoff=run.water.simulated.final, groundwater_kg=run.loads.groundwater.final_kg,
                     routing=routing_state(hyd),
                     transport=TransportStart(water_end, tr.final_concentration.copy(), np.array(res_conc),
                                              tr.final_inlet_debt),
                     stores=stores)
    return run.results, end
