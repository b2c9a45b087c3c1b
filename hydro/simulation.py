"""One simulation of a basin: forcing -> hydraulics -> transport -> named results.

:func:`run` simulates any basin: a *watershed* basin (with ``[[subbasins]]``) is
handed to :mod:`hydro.watershed`; this module itself assembles a run of a
*flow-driven* basin, whose ``[forcing]`` gives
lateral inflows, boundary inflows, loads and temperatures per reach (constants
or CSV columns).  It validates the forcing against the network, builds the
arrays, calls :func:`hydro.hydraulics.accumulate` and
:func:`hydro.transport.simulate`, and wraps everything as
:class:`~hydro.results.Results` with the metadata the BRIEF asks for.

Forcing keys (all flows m3 s-1, loads kg d-1, concentrations mg L-1):

``water_temperature_c``, ``evaporation_mm_per_day``, ``precipitation_mm_per_day``
    series for the whole basin (defaults 20, 0, 0).
``[forcing.lateral_inflow_m3_s]``
    reach id -> series (absent reaches get 0).
``[forcing.lateral_load_kg_per_day.<c>]``, ``[forcing.reservoir_load_kg_per_day.<c>]``
    reach or reservoir id -> series, per constituent ``<c>``.
``[[forcing.inflows]]``
    ``at`` (reach or reservoir id), ``flow_m3_s``, ``condition`` (``"concentration"``:
    the inlet is held at ``<c>_mg_per_l`` with dispersive exchange; ``"flux"``: a
    Danckwerts inlet taking ``<c>_mg_per_l`` or ``<c>_kg_per_day``).
``[[forcing.point_sources]]``
    ``id``, ``reach``, ``position`` (0-1], ``flow_m3_s`` (default 0), and per
    constituent ``<c>_kg_per_day`` or ``<c>_mg_per_l`` (with the flow).
``[initial]``
    ``<c>_mg_per_l`` everywhere, and ``[initial.reservoirs.<id>] <c>_mg_per_l``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np

from hydro.assembly import assemble_results, network_attributes  # noqa: F401  (re-exported)
from hydro.basin import Basin
from hydro.ecological_minimum import dated_target
from hydro.errors import HydroError
from hydro.hydraulics import accumulate
from hydro.results import Results
from hydro.runoff_warm_up import given_start
from hydro.series import SeriesReader, daily_dates
from hydro.tracers import split_results
from hydro.transport import TransportInputs, along_reach, simulate, tracer_layout
from hydro.transport_checks import FLOW_DRIVEN_WITHDRAWAL_KEYS
from hydro.units import G_PER_S_PER_KG_PER_DAY


@dataclass(frozen=True)
class FlowDrivenInputs:
    """Flow-driven forcing on the days of a run (D days, R reaches, S reservoirs, T constituents).

    Attributes
    ----------
    lateral, boundary : (D, R)  lateral (net: the given inflow, with point sources' water) and inlet
        inflow, m3 s-1
    withdrawal : (D, R)  water taken out along each reach, m3 s-1 (the given lateral inflow's negative
        part: it leaves at the reach's concentration, while a point source's water enters at its own)
    res_local_inflow, res_evap_mm, res_precip_mm : (D, S)  m3 s-1, mm d-1, mm d-1
    water_temp : (D,)  deg C
    boundary_load, boundary_conc : (D, R, T)  g s-1 and g m-3 at reach inlets
    dispersive_inlet : (R,) bool  inlets held at a concentration
    res_load : (D, S, T)  g s-1 into reservoirs (local inflow and direct loads)
    lateral_load : (D, R, T)  g s-1
    point_reach, point_position : (P,)  reach index and position of point sources
    point_load : (D, P, T)  g s-1
    point_flow : (D, P)  m3 s-1 (added to the reach's lateral inflow)
    init_conc, init_res_conc : (T,), (S, T)  g m-3
    """

    lateral: np.ndarray
    withdrawal: np.ndarray
    boundary: np.ndarray
    res_local_inflow: np.ndarray
    res_evap_mm: np.ndarray
    res_precip_mm: np.ndarray
    water_temp: np.ndarray
    boundary_load: np.ndarray
    boundary_conc: np.ndarray
    dispersive_inlet: np.ndarray
    res_load: np.ndarray
    lateral_load: np.ndarray
    point_reach: np.ndarray
    point_position: np.ndarray
    point_load: np.ndarray
    point_flow: np.ndarray
    init_conc: np.ndarray
    init_res_conc: np.ndarray


def read_forcing(basin: Basin, dates: list[date]) -> FlowDrivenInputs:
    """Read a flow-driven basin's forcing (parsed at load, :attr:`Basin.forcing`) onto ``dates``."""
    net = basin.network
    f = basin.forcing
    if f is None:
        raise HydroError(f"{basin.path}: a watershed basin has no [forcing]; run it with hydro.pipeline")
    reader = SeriesReader(basin.folder, dates)
    n_day, n_reach, n_res = len(dates), len(net.reaches), len(net.reservoirs)
    names = [p.name for c in basin.constituents for p in c.parts]  # what is transported
    n_tr = len(names)
    water_temp, evap, precip = (s.read(reader) for s in (f.water_temperature, f.evaporation, f.precipitation))
    lateral = np.zeros((n_day, n_reach))
    for i, spec in f.lateral:
        lateral[:, i] = spec.read(reader)
    lateral_load = np.zeros((n_day, n_reach, n_tr))
    res_load = np.zeros((n_day, n_res, n_tr))
    for given, target in ((f.lateral_loads, lateral_load), (f.reservoir_loads, res_load)):
        for k, i, spec in given:
            target[:, i, k] = spec.read(reader) * G_PER_S_PER_KG_PER_DAY

    boundary = np.zeros((n_day, n_reach))
    boundary_load = np.zeros((n_day, n_reach, n_tr))
    boundary_conc = np.zeros((n_day, n_reach, n_tr))
    dispersive = np.zeros(n_reach, dtype=bool)
    res_inflow = np.zeros((n_day, n_res))
    for inflow in f.inflows:
        flow = inflow.flow.read(reader)
        load, _ = _constituent_inputs(inflow.inputs, reader, n_tr, flow, n_day)
        r, s = inflow.reach, inflow.reservoir
        if r is not None:  # a reach inlet, else a reservoir
            boundary[:, r] += flow
            boundary_load[:, r, :] += load
            with np.errstate(invalid="ignore", divide="ignore"):
                boundary_conc[:, r, :] = np.where(boundary[:, r, None] > 0,
                                                  boundary_load[:, r, :] / boundary[:, r, None], 0.0)
            dispersive[r] |= inflow.condition == "concentration"
        else:
            res_inflow[:, s] += flow
            res_load[:, s, :] += load

    # a negative lateral inflow is water taken out; kept apart, so that a point source's water on the same
    # reach still brings its load in (netted, the load entered without water: a uniform 2 mg/L read 2.29 at
    # the outlet, whole-model fuzzing review 2026-12-05)
    withdrawal = np.maximum(-lateral, 0.0)
    p_load, p_flow = [], []
    for point in f.point_sources:
        flow = point.flow.read(reader)
        load, _ = _constituent_inputs(point.inputs, reader, n_tr, flow, n_day)
        p_load.append(load)
        p_flow.append(flow)
        lateral[:, point.reach] += flow
    init_conc, init_res = basin.initial.values(names, [r.id for r in net.reservoirs])  # parsed at load

    n_pt = len(f.point_sources)
    return FlowDrivenInputs(
        lateral=lateral, withdrawal=withdrawal, boundary=boundary, res_local_inflow=res_inflow,
        res_evap_mm=np.tile(evap[:, None], (1, n_res)), res_precip_mm=np.tile(precip[:, None], (1, n_res)),
        water_temp=water_temp, boundary_load=boundary_load, boundary_conc=boundary_conc,
        dispersive_inlet=dispersive, res_load=res_load, lateral_load=lateral_load,
        point_reach=np.array([p.reach for p in f.point_sources], dtype=np.int64),
        point_position=np.array([p.position for p in f.point_sources], dtype=float),
        point_load=np.stack(p_load, axis=1) if n_pt else np.zeros((n_day, 0, n_tr)),
        point_flow=np.stack(p_flow, axis=1) if n_pt else np.zeros((n_day, 0)),
        init_conc=init_conc, init_res_conc=init_res,
    )


def _constituent_inputs(inputs, reader: SeriesReader, n_part: int, flow: np.ndarray,
                        n_day: int) -> tuple[np.ndarray, np.ndarray]:
    """Loads (g s-1) and concentrations (g m-3) of an inflow given per constituent.

    ``inputs`` are (part index, ``"conc"`` or ``"load"``, series) as parsed at load
    (:data:`hydro.forcing_tables.PartInput`); parts not given are zero.
    """
    load = np.zeros((n_day, n_part))
    conc = np.zeros((n_day, n_part))
    for k, how, spec in inputs:
        if how == "conc":
            conc[:, k] = spec.read(reader)
            load[:, k] = conc[:, k] * flow
        else:
            load[:, k] = spec.read(reader) * G_PER_S_PER_KG_PER_DAY
            with np.errstate(invalid="ignore", divide="ignore"):
                conc[:, k] = np.where(flow > 0, load[:, k] / flow, 0.0)
    return load, conc


def run(basin: Basin, start: date | None = None, end: date | None = None,
        scenario: str = "baseline", history: str = "", on_water=None) -> Results:
    """Simulate a flow-driven basin and return named results.

    Parameters
    ----------
    basin : Basin
        The basin, read with :meth:`Basin.load`.
    start, end : date, optional
        Override the basin's ``[run]`` period.
    scenario : str
        Scenario name recorded in the metadata.
    history : str
        The command line, recorded in the ``history`` attribute.
    on_water : callable, optional
        A watershed run's :func:`hydro.pipeline.run_watershed` argument (the results known before
        the transport, to write them meanwhile); a flow-driven run does not call it.
    """
    start = start or basin.settings.start
    end = end or basin.settings.end
    if not basin.is_watershed and start != basin.settings.start:  # its reservoirs start from their initial storage
        from hydro.flood_season import check_start_storage

        check_start_storage(basin.path, start, basin.network.reservoirs, "the run's start")
    if basin.is_watershed:
        from hydro.pipeline import run_watershed

        return run_watershed(basin, start, end, scenario=scenario, history=history, on_water=on_water)
    dates = daily_dates(start, end)
    forcing = read_forcing(basin, dates)
    net = basin.network
    calendar = np.array(dates, dtype="datetime64[D]")  # the reservoirs' rules (hydro.flood_season)
    hyd = accumulate(net, forcing.lateral, forcing.boundary, forcing.res_local_inflow,
                     forcing.res_evap_mm, forcing.res_precip_mm, calendar,
                     dated_target(net, calendar, [d.year for d in dates]))
    years = sorted({d.year for d in dates})
    period = np.array([years.index(d.year) for d in dates], dtype=np.int64)
    lay = net.layout
    # a source's water joins its reach's lateral inflow (read_forcing): its load enters with it, along the
    # reach; a load without water (no flow on any day) enters the cell at its position
    point_cell = np.array([along_reach(r) if np.any(forcing.point_flow[:, j] > 0) else lay.cell_at(r, p)
                           for j, (r, p) in enumerate(zip(forcing.point_reach, forcing.point_position))],
                          dtype=np.int64)
    n_day, n_res = len(dates), len(net.reservoirs)
    inputs = TransportInputs(
        q_in=hyd.q_in, q_out=hyd.q_out, res_volume=hyd.res_volume, res_outflow=hyd.res_outflow,
        res_area=hyd.res_area, boundary_flux=forcing.boundary_load, boundary_conc=forcing.boundary_conc,
        dispersive_inlet=forcing.dispersive_inlet, lateral_load=forcing.lateral_load,
        point_cell=point_cell, point_load=forcing.point_load, res_load=forcing.res_load,
        reach_temp=np.tile(forcing.water_temp[:, None], (1, len(net.reaches))),
        res_temp=np.tile(forcing.water_temp[:, None], (1, n_res)),
        init_conc=np.tile(forcing.init_conc, (lay.n_cells, 1)), init_res_conc=forcing.init_res_conc,
        period_of_day=period, lateral=hyd.lateral, withdrawal=forcing.withdrawal,
        withdrawal_keys=FLOW_DRIVEN_WITHDRAWAL_KEYS,
    )
    constituents = list(basin.constituents)
    tl = tracer_layout(constituents, ["all"])
    tr = simulate(net, tl.tracers, inputs, courant=basin.settings.courant,
                  dispersion_limit=basin.settings.dispersion_limit,
                  day_labels=[d.isoformat() for d in dates], groups=tl.groups,
                  group_species=tl.group_species, reactions=tl.reactions,
                  local_steps=basin.settings.transport_local_steps(),
                  dispersion_every=basin.settings.dispersion_every)
    named = split_results(tr, constituents, 1)
    res = assemble_results(basin, dates, years, hyd, named.total, scenario=scenario, history=history,
                           outputs=named.names)
    res.attrs["initial_state"] = given_start(basin.settings.start, start, FLOW_DRIVEN_NOT_SPUN_UP)
    return res


#: Why a flow-driven run that starts after its basin's start is not spun up (its ``initial_state``).
FLOW_DRIVEN_NOT_SPUN_UP = ("a flow-driven basin: its [forcing] sets each day's flows, and its reservoirs and "
                           "concentrations start from the file's values on the run's first day")


def check_period(basin: Basin, start: date | None, end: date | None) -> None:
    """Reject a period that ends before it starts (before any work is done): :func:`check_dates`
    on ``start`` and ``end``, else the basin's ``[run]`` dates."""
    check_dates(start or basin.settings.start, end or basin.settings.end)


def check_dates(start: date, end: date, fix: str = "fix --start/--end or [run]") -> None:
    """Reject a period that ends before it starts, or after 9998: the one check of a run's
    period (``hydro run``, the model, ``hydro scenarios``); ``fix``: what to change, for the
    message."""
    if end < start:
        raise HydroError(f"the run ends ({end}) before it starts ({start}); {fix}")
    if end.year > 9998:  # the results' time bounds run to the day (month, year) after the last
        raise HydroError(f"the run ends in {end.year}; the last day may be 9998-12-31 at the latest")
