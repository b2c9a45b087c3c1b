"""Transport of nitrogen (and other constituents) down a river network.

:func:`simulate` wraps the compiled solver (:mod:`hydro._transport_kernels`): it checks
the inputs, converts them to contiguous arrays, calls the kernel and returns a
:class:`TransportResult` in the units users read (kg d-1, mg L-1); inside, SI (g, m3, s).

Several tracers are transported at once; a tracer is one constituent, or one
constituent from one source when loads are apportioned (transport is linear, so
the tracers of one constituent add up to it exactly).
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import numpy as np

from hydro import transport_args as _kernel_args
from hydro.constituents import Constituent, Reaction, TracerLayout, rates_at, tracer_layout
from hydro.errors import HydroError
from hydro.network import Network
from hydro.transport_checks import MAX_SUBSTEPS, Grouping, check_substeps, transport_closure
from hydro.transport_checks import arrays as check_arrays
from hydro.transport_checks import grouping as check_grouping
from hydro.transport_volumes import CellWater, carried_water, cell_volumes, cell_water, through_shares
from hydro.units import SECONDS_PER_DAY
from hydro.variables import FLUX_TERMS

#: The public names (constituents are defined in :mod:`hydro.constituents`, cell
#: volumes in :mod:`hydro.transport_volumes`; both are part of this module's API).
__all__ = ["Constituent", "Reaction", "TracerLayout", "TransportInputs", "TransportResult", "cell_volumes",
           "simulate", "tracer_layout"]

#: Threads :func:`simulate` runs constituents on by default (at most the CPUs); set
#: ``HYDRO_TRANSPORT_THREADS=1`` where processes already fill the machine (batches).
TRANSPORT_THREADS = max(1, min(int(os.environ.get("HYDRO_TRANSPORT_THREADS", "2")), os.cpu_count() or 1))


@dataclass(frozen=True)
class TransportInputs:
    """Everything that drives one transport run, as arrays (SI units).

    Shapes use D days, R reaches, S reservoirs, T tracers, P point loads, N cells.

    Attributes
    ----------
    q_in, q_out : (D, R) float
        Discharge at each reach inlet and outlet, m3 s-1: ``q_out > 0``;
        ``q_in >= 0``, and 0 only where no boundary mass enters (the head of a
        river fed along its length).
    res_volume : (D+1, S) float
        Reservoir volume at the start of each day and the end of the last, m3.
    res_outflow, res_area : (D, S) float
        Reservoir outflow (release + spill), m3 s-1, and surface area, m2.
    boundary_flux : (D, R, T) float
        Mass entering each reach inlet from outside the network, g s-1.
    boundary_conc : (D, R, T) float
        Concentration of that water, g m-3; used for dispersive exchange at
        reaches flagged in ``dispersive_inlet``.
    dispersive_inlet : (R,) bool
        Reach inlets held at a concentration (Dirichlet) rather than a flux
        (Danckwerts) condition.
    lateral_load : (D, R, T) float
        Loads spread along each reach, g s-1.
    point_cell : (P,) int
        Cell receiving each point load.
    point_load : (D, P, T) float
        Point loads, g s-1.
    res_load : (D, S, T) float
        Direct loads on reservoirs (local inflow, deposition), g s-1.
    reach_temp, res_temp : (D, R), (D, S) float
        Water temperature, deg C.
    init_conc : (N, T) float
        Initial concentration in every cell, g m-3.
    init_res_conc : (S, T) float
        Initial reservoir concentration, g m-3.
    period_of_day : (D,) int
        Budget period of each day (0, 1, ...; non-decreasing).
    withdrawal : (D, R) float, optional
        Water taken out along each reach (diversions, channel losses), m3 s-1,
        >= 0; it leaves at the reach's concentration.  Default: none.
    lateral : (D, R) float, optional
        Net lateral water of each reach, m3 s-1: what enters along it minus
        ``withdrawal`` (:attr:`hydro.hydraulics.Hydraulics.lateral`).  The reach's
        volume changes at ``q_in - q_out + lateral`` (its water balance), and
        ``lateral + withdrawal`` carries ``lateral_load`` (a deficit leaves at the
        reach's concentration).  Default: ``q_out - q_in`` (volumes constant).
    init_water : CellWater, optional
        The cells' water at the start: ``end_water`` of a run that ended the day
        before (a run in time blocks, :mod:`hydro.blocked`), kept as it is but
        for reaches its floor raises (:func:`hydro.transport_volumes.carried_water`).
        Default: levels from this run's flows (:func:`cell_volumes`).
    init_inlet_debt : (R, T) float, optional
        ``final_inlet_debt`` of a run that ended the day before, g.  Default: 0.
    """

    q_in: np.ndarray
    q_out: np.ndarray
    res_volume: np.ndarray
    res_outflow: np.ndarray
    res_area: np.ndarray
    boundary_flux: np.ndarray
    boundary_conc: np.ndarray
    dispersive_inlet: np.ndarray
    lateral_load: np.ndarray
    point_cell: np.ndarray
    point_load: np.ndarray
    res_load: np.ndarray
    reach_temp: np.ndarray
    res_temp: np.ndarray
    init_conc: np.ndarray
    init_res_conc: np.ndarray
    period_of_day: np.ndarray
    withdrawal: np.ndarray | None = None
    lateral: np.ndarray | None = None
    init_water: CellWater | None = None
    init_inlet_debt: np.ndarray | None = None


@dataclass(frozen=True)
class TransportResult:
    """Daily transport results and mass budgets.

    Attributes
    ----------
    reach_load : (D, R, T) float
        Mean load through each reach outlet (advective and dispersive), kg d-1.
    reach_concentration : (D, R, T) float
        Flow-weighted mean concentration at each reach outlet: the advective
        load over the discharge, mg L-1 (the dispersive flux moves mass without
        water, so it is part of the load but not of the concentration).
    section_discharge : (D, K) float
        Discharge at each section, m3 s-1.
    section_load, section_concentration : (D, K, T) float
        Load (kg d-1), the advective and dispersive mass crossing the section,
        and flow-weighted concentration (advective load over discharge, mg L-1)
        at each section.
    reservoir_concentration : (D, S, T) float
        Concentration at the end of each day, mg L-1.
    reservoir_outflow_load : (D, S, T) float
        Load leaving each reservoir, kg d-1.
    budget_reach, budget_reservoir : (P, R|S, 7, T) float
        Budget terms (:data:`hydro.variables.FLUX_TERMS`) per period, kg.
    storage_reach, storage_reservoir : (P+1, R|S, T) float
        Mass stored at the start of each period and at the end, kg.
    substeps : (D,) int
        Sub-steps the solver took each day (with local steps, the finest class's).
    final_concentration : (N, T) float
        Concentration in every cell at the end of the run, mg L-1.
    raised_reaches : tuple of int
        Reaches whose volume series was raised to keep it above
        :data:`MIN_VOLUME_SHARE` of its start (see :func:`cell_volumes`).
    start_water : CellWater, optional
        The cells' water at the start of the run, with its shares and floors
        (:func:`hydro.transport_volumes.end_volumes` carries it to the end).
    final_inlet_debt : (R, T) float, optional
        Inflow still owed to each chain's flux inlet (row: its first reach), g.
    """

    reach_load: np.ndarray
    reach_concentration: np.ndarray
    section_discharge: np.ndarray
    section_load: np.ndarray
    section_concentration: np.ndarray
    reservoir_concentration: np.ndarray
    reservoir_outflow_load: np.ndarray
    budget_reach: np.ndarray
    budget_reservoir: np.ndarray
    storage_reach: np.ndarray
    storage_reservoir: np.ndarray
    substeps: np.ndarray
    final_concentration: np.ndarray
    raised_reaches: tuple[int, ...] = ()
    start_water: CellWater | None = None
    final_inlet_debt: np.ndarray | None = None

    def closure(self, kind: str = "network") -> float:
        """Largest relative budget imbalance over elements, periods and tracers.

        The imbalance of an element is (inflow + loads + dispersive exchange -
        outflow - removal - withdrawal) - (storage change), relative to the
        mass that was there or entered in the period (storage at its start plus
        every gain), so that a period whose mass has decayed to nothing is still
        judged against what passed through it.  ``kind`` is ``"reach"``,
        ``"reservoir"`` or ``"network"`` (all elements summed, so internal
        transfers cancel).
        """
        return transport_closure(self, kind)


def simulate(network: Network, tracers: list[Constituent], inputs: TransportInputs, *,
             courant: float = 0.9, dispersion_limit: float = 1.0, groups: list[int] | None = None,
             day_labels: list[str] | None = None, group_species: list[int] | None = None,
             reactions: list[tuple[int, int, int, Reaction]] | None = None, threads: int | None = None,
             max_substeps: int | None = MAX_SUBSTEPS, local_steps: _kernel_args.LocalSteps | None = None,
             skip_dead: bool = True, on_lane=None) -> TransportResult:
    """Run the transport solver.

    Parameters
    ----------
    network : Network
        The validated network.
    tracers : list of Constituent
        Removal parameters of each tracer (axis T of the inputs).
    inputs : TransportInputs
        Flows, loads, temperatures and initial state (SI units).
    courant : float
        Target cell Courant number of the adaptive sub-steps, in (0, 1].
    dispersion_limit : float
        Bound on (sum of face conductances) * dt / cell volume, in (0, 1]; 1 is the positivity limit of
        the explicit dispersion step.
    groups : list of int, optional
        Sizes of consecutive tracer groups: each group is the source tags of one
        constituent (default: every tracer on its own).  The limiter of a group
        is computed from the sum of its tags and each tag carries its share of
        the upwind cell, so the tags add up to the constituent to round-off.
        Tags of a group must have the same removal parameters.
    day_labels : list of str, optional
        Dates of the days, to name the first bad day in errors.
    group_species : list of int, optional
        Species in each group (default 1): the tags of a group with ``n``
        species are ``n`` blocks, one per species, of one tracer per source, and
        only tags of the same species must share removal parameters.
    reactions : list of (group, from, to, Reaction), optional
        First-order reactions between the species of a group (``to`` after
        ``from``; -1 for a sink); solved exactly per sub-step in reaches (a
        matrix exponential) and reservoirs (species in order, see docs/solver.md).
        :func:`tracer_layout` builds these arguments from constituents.
    threads : int, optional
        Threads to run groups on (constituents never interact, so they can run side by side; the
        results are identical to one thread's).  Default: :data:`TRANSPORT_THREADS`, used only where
        the work splits into lanes of comparable size (:func:`hydro.transport_args.lanes`).
    max_substeps : int or None
        Stop with an error at a day needing more sub-steps (None: no limit, for laboratory cases).
    local_steps : LocalSteps, optional
        Local time steps per chain (:class:`hydro.transport_args.LocalSteps`); default: off.
    skip_dead : bool
        Leave out of the kernel the sources that carry nothing all run (their outputs +0.0, as the
        kernel's would be: :func:`hydro.transport_args.live_sources`); False only to test that.
    on_lane : callable, optional
        ``on_lane(groups, result)``, called on a lane's thread when its groups (indices) are done: ``result``
        is the :class:`TransportResult` returned, those groups' tracers in its units (read only theirs; a
        group no lane runs is not given): :mod:`hydro.lane_results` names them as the other lane runs.

    Returns
    -------
    TransportResult
    """
    if not 0 < courant <= 1:
        raise HydroError(f"courant must lie in (0, 1], got {courant}")
    if not 0 < dispersion_limit <= 1:
        raise HydroError(f"dispersion_limit must lie in (0, 1], got {dispersion_limit}")
    arr, period = check_arrays(network, len(tracers), inputs, day_labels)
    groups_checked = check_grouping(tracers, groups, group_species, reactions)
    run = _KernelRun(network, inputs, tracers, arr, period, groups_checked, float(courant), float(dispersion_limit),
                     2**62 if max_substeps is None else int(max_substeps), local_steps, skip_dead)
    run.on_lane = on_lane
    lanes = _kernel_args.lanes([len(tags) for tags in run.live], TRANSPORT_THREADS if threads is None else threads)
    if len(lanes) == 1:
        run.lane(lanes[0], True)
    else:
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(len(lanes)) as pool:  # the kernel releases the GIL (nogil)
            for future in [pool.submit(run.lane, lane, i == 0) for i, lane in enumerate(lanes)]:
                future.result()
    check_substeps(network, run.substeps, run.max_substeps, day_labels)
    return run.result()


class _KernelRun:
    """One transport run: the prepared arrays, the kernel called per lane, the outputs gathered."""

    def __init__(self, network: Network, inputs: TransportInputs, tracers: list[Constituent],
                 arr: dict[str, np.ndarray], period: np.ndarray, grouping: Grouping, courant: float,
                 dispersion_limit: float, max_substeps: int, local_steps: _kernel_args.LocalSteps | None,
                 skip_dead: bool):
        lay = network.layout
        n_day, n_reach = arr["q_in"].shape
        n_res, n_sec, n_tr = len(network.reservoirs), len(network.sections), len(tracers)
        n_period = int(period[-1]) + 1
        self.network, self.inputs, self.arr, self.period, self.grouping = network, inputs, arr, period, grouping
        self.courant, self.dispersion_limit, self.max_substeps, self.n_tr = courant, dispersion_limit, max_substeps, n_tr
        self.tracers, self.rx = tracers, rates_at([], grouping.reactions, arr["reach_temp"], arr["res_temp"])
        self.lts = _kernel_args.lts_fields(local_steps, n_reach)  # the kernel's last argument
        self.outputs = {name: np.zeros(shape) for name, shape in (
            ("reach", (n_day, n_reach, n_tr)), ("reach_disp", (n_day, n_reach, n_tr)),
            ("sec", (n_day, n_sec, n_tr)), ("sec_disp", (n_day, n_sec, n_tr)),
            ("res_conc", (n_day, n_res, n_tr)), ("res_mass", (n_day, n_res, n_tr)),
            ("b_reach", (n_period, n_reach, len(FLUX_TERMS), n_tr)),
            ("b_res", (n_period, n_res, len(FLUX_TERMS), n_tr)),
            ("s_reach", (n_period + 1, n_reach, n_tr)), ("s_res", (n_period + 1, n_res, n_tr)),
            ("final", (lay.n_cells, n_tr)), ("debt", (n_reach, n_tr)))}
        self.substeps = np.zeros(n_day, dtype=np.int64)
        self.kg = {name: np.empty_like(self.outputs[name]) for name in ("b_reach", "b_res", "s_reach", "s_res")}
        self.converted, self.on_lane = np.zeros(n_tr, bool), None
        # water leaving at the cells' concentration: withdrawals and any deficit of the gross lateral inflow
        gross = arr["lateral"] + arr["withdrawal"]
        loss = np.ascontiguousarray(arr["withdrawal"] + np.maximum(-gross, 0.0))
        q = (arr["q_in"], arr["q_out"], arr["lateral"])
        self.water = cell_water(network, *q) if inputs.init_water is None else carried_water(
            network, inputs.init_water, *q)
        self.volume, self.share, self.raised = self.water.volume, self.water.share, self.water.raised
        self.live = _kernel_args.live_sources(  # each group's tracers the kernel carries
            arr, grouping, tracers, self.volume, self.share, lay.cell_reach, skip_dead)
        self.through = through_shares(lay.reach_cell_start, self.share)
        r_sec = lay.cell_reach[lay.section_cell]  # sections' discharge: at their face, as the solver carries it
        self.sec_q = arr["q_in"][:, r_sec] + (arr["q_out"] - arr["q_in"])[:, r_sec] * self.through[lay.section_cell]
        self.kernel_network, self.static = _kernel_args.network_args(
            network, inputs.dispersive_inlet, inputs.point_cell, self.volume, self.share, self.through, local_steps)
        self.kernel_water = _kernel_args.KernelWater(  # every lane's
            q_in=arr["q_in"], q_out=arr["q_out"], net_lateral=arr["lateral"], loss=loss,
            res_volume=arr["res_volume"], res_outflow=arr["res_outflow"], res_area=arr["res_area"])

    def lane(self, groups_of_lane: list[int], first: bool) -> None:
        """Run some groups (constituents), each with its tracers in ``live``, through the kernel; groups never
        interact and a source left out would stay +0.0, so a lane computes exactly what a run of every tracer
        would compute for them.  ``first``: the lane that reports the sub-steps."""
        from hydro import _transport_kernels as _k  # numba: imported when first used (see hydro.cli)

        g, arr, tags = self.grouping, self.arr, [self.live[k] for k in groups_of_lane]
        idx = np.concatenate([np.zeros(0, dtype=np.int64), *tags])
        whole = len(idx) == self.n_tr  # every tracer, in order
        local = np.concatenate([[0], np.cumsum([len(t) for t in tags])]).astype(np.int64)
        take = (lambda a: a) if whole else (lambda a: np.take(a, idx, axis=-1) if a.any() or np.signbit(a).any()
                                            else np.zeros(a.shape[:-1] + (len(idx),)))  # +0.0 only: no pages to write
        rates = rates_at([self.tracers[i] for i in idx], [], arr["reach_temp"], arr["res_temp"])  # the lane's only
        out = self.outputs if whole else {name: np.zeros(a.shape[:-1] + (len(idx),))
                                          for name, a in self.outputs.items()}
        steps = self.substeps if first else np.zeros_like(self.substeps)
        a, shared = _kernel_args, (self.kernel_network, self.static, self.kernel_water)  # the kernel's tuples
        _k.simulate_kernel(
            *(shared if whole else a.lane_copy(shared)),  # a lane of some tracers: its own copies (lane_copy)
            a.KernelLoads(**{name: take(arr[name]) for name in a.KernelLoads._fields}),
            a.KernelRates(reach_rate=rates["reach"], res_rate=rates["res"], settling_m_s=rates["settling"]),
            a.KernelStart(
                init_conc=take(arr["init_conc"]), init_res_conc=take(arr["init_res_conc"]),
                init_inlet_debt=take(arr["init_inlet_debt"]),
                group_start=local, courant=self.courant, disp_limit=self.dispersion_limit, period_of_day=self.period,
                max_substeps=self.max_substeps),
            a.lane_reactions(g.species, g.reactions, groups_of_lane, self.rx["rx_river"], self.rx["rx_res"]),
            a.KernelOutputs(out["reach"], out["reach_disp"], out["sec"], out["sec_disp"], out["res_conc"],
                            out["res_mass"], steps, out["b_reach"], out["b_res"], out["s_reach"], out["s_res"],
                            out["final"], out["debt"]),
            self.lts)  # None, or the local steps' options (shared by the lanes: read only but `counts`, which every lane fills alike)
        at = 0
        for lo, hi in [] if whole else _kernel_args.runs(idx.tolist()):  # runs of consecutive tracers
            for name, values in out.items():  # back at their places, by slices (no fancy index)
                self.outputs[name][..., lo:hi] = values[..., at:at + hi - lo]
            at += hi - lo
        for lo, hi in _kernel_args.runs([t for k in groups_of_lane for t in range(g.start[k], g.start[k + 1])]):
            self._to_units(lo, hi)  # in users' units on this thread (the other lane may still run)
        if self.on_lane is not None:
            self.on_lane(list(groups_of_lane), self.view)

    def _to_units(self, lo: int, hi: int) -> None:
        """Tracers ``lo:hi`` of the outputs in the units users read (kg, kg d-1, mg L-1), in place (each
        value's own operations, so converting by tracers gives the bits of converting all at once)."""
        o, kg, t = self.outputs, 1e-3, slice(lo, hi)
        for name in ("reach", "sec"):  # in place: fresh arrays cost their pages' zeroing
            np.multiply(np.add(o[name][..., t], o[name + "_disp"][..., t], out=o[name + "_disp"][..., t]), kg,
                        out=o[name + "_disp"][..., t])
        np.multiply(o["res_mass"][..., t], kg, out=o["res_mass"][..., t])
        with np.errstate(invalid="ignore", divide="ignore"):
            np.divide(o["reach"][..., t], self.arr["q_out"][:, :, None] * SECONDS_PER_DAY, out=o["reach"][..., t])
            np.divide(o["sec"][..., t], self.sec_q[:, :, None] * SECONDS_PER_DAY, out=o["sec"][..., t])
        for name in ("b_reach", "b_res", "s_reach", "s_res"):
            np.multiply(o[name][..., t], kg, out=self.kg[name][..., t])
        self.converted[t] = True

    def result(self) -> TransportResult:
        """The outputs in the units users read (kg, kg d-1, mg L-1): the tracers no lane converted now."""
        for lo, hi in _kernel_args.runs(np.flatnonzero(~self.converted).tolist()):
            self._to_units(lo, hi)
        return self.view

    @property
    def view(self) -> TransportResult:
        """The outputs as a :class:`TransportResult` (in users' units where :meth:`_to_units` made them so)."""
        o = self.outputs
        return TransportResult(
            reach_load=o["reach_disp"], reach_concentration=o["reach"], section_discharge=self.sec_q,
            section_load=o["sec_disp"], section_concentration=o["sec"], reservoir_concentration=o["res_conc"],
            reservoir_outflow_load=o["res_mass"], budget_reach=self.kg["b_reach"], budget_reservoir=self.kg["b_res"],
            storage_reach=self.kg["s_reach"], storage_reservoir=self.kg["s_res"], substeps=self.substeps,
            final_concentration=o["final"], raised_reaches=self.raised, start_water=self.water, final_inlet_debt=o["debt"],
        )

