"""The transport's result (:class:`TransportResult`) and one run of its kernel (:class:`_KernelRun`), lane by lane.

:func:`hydro.transport.simulate` checks a run's inputs and calls :class:`_KernelRun`'s lanes (on one thread
or two); both names are part of :mod:`hydro.transport`'s API there.  A lane converts its groups' outputs to
users' units on its own thread and hands them on (``on_lane``).  The kernel writes each tracer it carries to
its column of the outputs, which hold every tracer of the lane's groups (a dead source's +0.0 in its place),
so a group's outputs are a view: of the run's arrays where one lane runs every group (no copy at all), else
of the lane's own arrays, put back in the run's (:meth:`_KernelRun.result`) field by field when a field of
the returned result is first read (:class:`_PutBackWhenRead`): a watershed run names every group as its lane
ends (:mod:`hydro.lane_results`) and reads none of the (day, reach|section, tracer) fields afterwards, so it
no longer copies them (Miyun: 149 MB, 0.1 s of the main thread after the lanes, 3 December 2026).  Until the
evening of 3 December 2026 a lane's kernel wrote its carried tracers only, and a group with a dead source was
copied into an array of its own (10-14 % of the transport of a 10,000-reach synthetic year, whose basins have
one).
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import TYPE_CHECKING

import numpy as np

from hydro import transport_args as _kernel_args
from hydro.constituents import Constituent, rates_at
from hydro.local_steps_auto import takes_local_steps
from hydro.network import Network
from hydro.transport_checks import Grouping, transport_closure
from hydro.transport_volumes import CellWater, carried_water, cell_water, through_shares
from hydro.units import SECONDS_PER_DAY
from hydro.variables import FLUX_TERMS

if TYPE_CHECKING:
    from hydro.transport import TransportInputs


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
    local_steps : bool
        Whether the run took local time steps (``simulate``'s ``local_steps``: given, or chosen by ``"auto"``).
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
    local_steps: bool = False

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


class _KernelRun:
    """One transport run: the prepared arrays, the kernel called per lane, the outputs gathered."""

    def __init__(self, network: Network, inputs: TransportInputs, tracers: list[Constituent],
                 arr: dict[str, np.ndarray], period: np.ndarray, grouping: Grouping, courant: float,
                 dispersion_limit: float, max_substeps: int, local_steps: _kernel_args.LocalSteps | str | None,
                 skip_dead: bool, zero: frozenset[str] = frozenset(), dispersion_every: int = 1):
        lay = network.layout
        n_day, n_reach = arr["q_in"].shape
        n_res, n_sec, n_tr = len(network.reservoirs), len(network.sections), len(tracers)
        n_period = int(period[-1]) + 1
        self.network, self.inputs, self.arr, self.period, self.grouping = network, inputs, arr, period, grouping
        self.zero = zero  # inputs per tracer known to be +0.0 (given as None: hydro.transport_checks.arrays)
        self.courant, self.dispersion_limit = courant, dispersion_limit
        self.max_substeps, self.n_tr = max_substeps, n_tr
        self.dispersion_every = dispersion_every
        self.tracers, self.rx = tracers, rates_at([], grouping.reactions, arr["reach_temp"], arr["res_temp"])
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
        self.lane_blocks: dict[int, tuple[dict, dict]] = {}  # group -> its outputs and budgets (kg), a lane's
        # water leaving at the cells' concentration: withdrawals and any deficit of the gross lateral inflow
        gross = arr["lateral"] + arr["withdrawal"]
        loss = np.ascontiguousarray(arr["withdrawal"] + np.maximum(-gross, 0.0))
        q = (arr["q_in"], arr["q_out"], arr["lateral"])
        self.water = cell_water(network, *q, courant) if inputs.init_water is None else carried_water(
            network, inputs.init_water, *q)
        if isinstance(local_steps, str):  # "auto": by the estimated gain on the water's days (hydro.local_steps_auto)
            local_steps = _kernel_args.LocalSteps() if takes_local_steps(self.water.step_estimate) else None
        self.lts = _kernel_args.lts_fields(local_steps, n_reach)  # the kernel's last argument
        self.volume, self.share, self.raised = self.water.volume, self.water.share, self.water.raised
        self.live = _kernel_args.live_sources(  # each group's tracers the kernel carries
            arr, grouping, tracers, self.volume, self.share, lay.cell_reach, skip_dead, zero)
        self.through = through_shares(lay.reach_cell_start, self.share)
        r_sec = lay.cell_reach[lay.section_cell]  # sections' discharge: at their face, as the solver carries it
        self.sec_q = arr["q_in"][:, r_sec] + (arr["q_out"] - arr["q_in"])[:, r_sec] * self.through[lay.section_cell]
        self.kernel_network, self.static = _kernel_args.network_args(
            network, inputs.dispersive_inlet, inputs.point_cell, self.volume, self.share, self.through, local_steps)
        self.kernel_water = _kernel_args.KernelWater(  # every lane's
            q_in=arr["q_in"], q_out=arr["q_out"], net_lateral=arr["lateral"], loss=loss,
            res_volume=arr["res_volume"], res_outflow=arr["res_outflow"], res_area=arr["res_area"],
            res_evaporation=arr["res_evaporation"])

    def lane(self, groups_of_lane: list[int], first: bool) -> None:
        """Run some groups (constituents), each with its tracers in ``live``, through the kernel; groups never
        interact and a source left out would stay +0.0, so a lane computes exactly what a run of every tracer
        would compute for them.  ``first``: the lane that reports the sub-steps."""
        from hydro import _transport_kernels as _k  # numba: imported when first used (see hydro.cli)

        g, arr, tags = self.grouping, self.arr, [self.live[k] for k in groups_of_lane]
        idx = np.concatenate([np.zeros(0, dtype=np.int64), *tags])
        whole = len(idx) == self.n_tr  # every tracer, in order
        local = np.concatenate([[0], np.cumsum([len(t) for t in tags])]).astype(np.int64)
        # the outputs hold every tracer of the lane's groups, a group's in a run of columns (its dead sources'
        # +0.0 in their places: the kernel writes each tracer it carries to its column), so a group's outputs
        # are a view, never a copy: the run's arrays where the lane has every group, in order
        in_place = list(groups_of_lane) == list(range(len(g.sizes)))
        width = [int(g.start[k + 1] - g.start[k]) for k in groups_of_lane]
        col = dict(zip(groups_of_lane, (np.cumsum([0, *width[:-1]]) if width else []), strict=True))
        column = np.concatenate([np.zeros(0, dtype=np.int64),
                                 *(col[k] + t - g.start[k] for k, t in zip(groups_of_lane, tags, strict=True))])

        def take(name: str) -> np.ndarray:  # the lane's tracers of input `name`; +0.0 only: fresh zeros, unwritten
            a = arr[name]
            if whole:
                return a
            if name not in self.zero and (a.any() or np.signbit(a).any()):
                return np.take(a, idx, axis=-1)
            return np.zeros(a.shape[:-1] + (len(idx),))

        rates = rates_at([self.tracers[i] for i in idx], [], arr["reach_temp"], arr["res_temp"])  # the lane's only
        out = self.outputs if in_place else {name: np.zeros(a.shape[:-1] + (sum(width),))
                                             for name, a in self.outputs.items()}
        steps = self.substeps if first else np.zeros_like(self.substeps)
        a, shared = _kernel_args, (self.kernel_network, self.static, self.kernel_water)  # the kernel's tuples
        _k.simulate_kernel(
            *(shared if whole else a.lane_copy(shared)),  # a lane of some tracers: its own copies (lane_copy)
            a.KernelLoads(**{name: take(name) for name in a.KernelLoads._fields}),
            a.KernelRates(reach_rate=rates["reach"], res_rate=rates["res"], settling_m_s=rates["settling"],
                          evaporating=rates["evaporating"]),
            a.KernelStart(
                init_conc=take("init_conc"), init_res_conc=take("init_res_conc"),
                init_inlet_debt=take("init_inlet_debt"),
                group_start=local, courant=self.courant, disp_limit=self.dispersion_limit, period_of_day=self.period,
                max_substeps=self.max_substeps, disp_every=self.dispersion_every),
            a.lane_reactions(g.species, g.reactions, groups_of_lane, self.rx["rx_river"], self.rx["rx_res"]),
            a.KernelOutputs(out["reach"], out["reach_disp"], out["sec"], out["sec_disp"], out["res_conc"],
                            out["res_mass"], steps, out["b_reach"], out["b_res"], out["s_reach"], out["s_res"],
                            out["final"], out["debt"], column.astype(np.int64)),
            self.lts)  # None, or the local steps' options (shared by the lanes: read only but `counts`, which
        # every lane fills alike)
        blocks: dict[int, TransportResult] = {}

        def block(k: int) -> TransportResult:  # group k in users' units, on this thread, once
            if k not in blocks:
                o, kg = self._block(k, int(col[k]), out, in_place)
                self._convert(slice(g.start[k], g.start[k + 1]), o, kg)
                blocks[k] = self._result(o, kg)
                if not in_place:  # back at their places in result(), after the naming (the first touch of those pages)
                    self.lane_blocks[k] = (o, kg)
            return blocks[k]

        if self.on_lane is not None:
            self.on_lane(list(groups_of_lane), block)
        for k in groups_of_lane:
            block(k)

    def _block(self, k: int, at: int, out: dict[str, np.ndarray], in_place: bool) -> tuple[dict, dict]:
        """Group ``k``'s tracers of a lane's outputs ``out`` (its columns from ``at`` on, every tracer of the
        group in its place, a dead source's +0.0), with arrays for its budgets in kg: views of the run's
        outputs and budgets for a lane of every group (``in_place``), else views of the lane's outputs and
        the group's own budgets."""
        lo, hi = self.grouping.start[k], self.grouping.start[k + 1]
        o = {name: a[..., at:at + hi - lo] for name, a in out.items()}
        if in_place:
            return o, {name: a[..., lo:hi] for name, a in self.kg.items()}
        return o, {name: np.empty(o[name].shape) for name in self.kg}

    def _convert(self, t: slice, o: dict[str, np.ndarray], kg: dict[str, np.ndarray]) -> None:
        """Outputs ``o`` of the run's tracers ``t`` in the units users read (kg, kg d-1, mg L-1), in place but
        the budgets, written to ``kg`` (each value's own operations, so converting by tracers or by groups
        gives the bits of converting all at once)."""
        kg_per_g = 1e-3
        for name in ("reach", "sec"):  # in place: fresh arrays cost their pages' zeroing
            np.multiply(np.add(o[name], o[name + "_disp"], out=o[name + "_disp"]), kg_per_g, out=o[name + "_disp"])
        np.multiply(o["res_mass"], kg_per_g, out=o["res_mass"])
        with np.errstate(invalid="ignore", divide="ignore"):
            np.divide(o["reach"], self.arr["q_out"][:, :, None] * SECONDS_PER_DAY, out=o["reach"])
            np.divide(o["sec"], self.sec_q[:, :, None] * SECONDS_PER_DAY, out=o["sec"])
        for name in ("b_reach", "b_res", "s_reach", "s_res"):
            np.multiply(o[name], kg_per_g, out=kg[name])
        self.converted[t] = True

    def _to_units(self, lo: int, hi: int) -> None:
        """Tracers ``lo:hi`` of the run's outputs in the units users read, in place (:meth:`_convert`)."""
        t = slice(lo, hi)
        self._convert(t, {name: a[..., t] for name, a in self.outputs.items()},
                      {name: a[..., t] for name, a in self.kg.items()})

    def result(self) -> TransportResult:
        """The outputs in the units users read (kg, kg d-1, mg L-1), the lanes done: the tracers no lane converted
        converted now; each lane's groups put in their places in a field's array when that field is first read
        (:class:`_PutBackWhenRead`; none to put back: the run's arrays as they are)."""
        for lo, hi in _kernel_args.runs(np.flatnonzero(~self.converted).tolist()):
            self._to_units(lo, hi)
        if not self.lane_blocks:
            return self.view
        out = self._result(self.outputs, self.kg, _PutBackWhenRead)
        object.__setattr__(out, "_put_back", self._put_back)
        object.__setattr__(out, "_pending", set(_OUTPUT_OF))
        return out

    def _put_back(self, field: str) -> None:
        """Each lane's groups of the result's ``field`` put in their places in the run's array of it."""
        source, name = _OUTPUT_OF[field]
        for k, blocks in self.lane_blocks.items():
            t = slice(self.grouping.start[k], self.grouping.start[k + 1])
            (self.outputs, self.kg)[source][name][..., t] = blocks[source][name]  # a slice, no fancy index

    @property
    def view(self) -> TransportResult:
        """The outputs as a :class:`TransportResult` (in users' units where :meth:`_convert` made them so)."""
        return self._result(self.outputs, self.kg)

    def _result(self, o: dict[str, np.ndarray], kg: dict[str, np.ndarray],
                kind: type[TransportResult] = TransportResult) -> TransportResult:
        """Outputs ``o`` and budgets ``kg`` (the run's, or a group's) as a :class:`TransportResult` (or ``kind``
        of it), each per-tracer field from where :data:`_OUTPUT_OF` says."""
        return kind(**{field: (o, kg)[source][name] for field, (source, name) in _OUTPUT_OF.items()},
                    section_discharge=self.sec_q, substeps=self.substeps, raised_reaches=self.raised,
                    start_water=self.water, local_steps=self.lts is not None)


#: Each field of a :class:`TransportResult` that holds a value per tracer: where :meth:`_KernelRun._result` takes it
#: from (0: the outputs, 1: the budgets in kg) and its name there (the one place this mapping is written).
_OUTPUT_OF = {"reach_load": (0, "reach_disp"), "reach_concentration": (0, "reach"), "section_load": (0, "sec_disp"),
              "section_concentration": (0, "sec"), "reservoir_concentration": (0, "res_conc"),
              "reservoir_outflow_load": (0, "res_mass"), "budget_reach": (1, "b_reach"),
              "budget_reservoir": (1, "b_res"), "storage_reach": (1, "s_reach"), "storage_reservoir": (1, "s_res"),
              "final_concentration": (0, "final"), "final_inlet_debt": (0, "debt")}
_RESULT_FIELDS = [f.name for f in fields(TransportResult)]


class _PutBackWhenRead(TransportResult):
    """A :class:`TransportResult` of a run in lanes whose groups were handed on as the lanes ended
    (:meth:`_KernelRun.result`): each field that holds a value per tracer (:data:`_OUTPUT_OF`) gets the lanes'
    groups put back in its array (the run's) when first read, by any means (``getattr``,
    :func:`dataclasses.replace`, :func:`dataclasses.asdict`, pickling), so every read sees the values that
    putting them all back at the run's end gave; a field never read is never copied.  Read from one thread at
    a time."""

    def __getattribute__(self, name: str):
        if name in _OUTPUT_OF:
            state = object.__getattribute__(self, "__dict__")
            pending = state.get("_pending", ())  # none in a copy (dataclasses.replace): its fields are read
            if name in pending:
                pending.discard(name)
                state["_put_back"](name)
        return object.__getattribute__(self, name)

    def __reduce__(self):
        """Pickled as the :class:`TransportResult` of its fields (every one put back)."""
        return TransportResult, tuple(getattr(self, f) for f in _RESULT_FIELDS)
