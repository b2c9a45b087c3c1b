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
from hydro.constituents import Constituent, Reaction, TracerLayout, tracer_layout
from hydro.errors import HydroError
from hydro.network import Network
from hydro.transport_checks import MAX_SUBSTEPS, WATERSHED_WITHDRAWAL_KEYS, check_substeps
from hydro.transport_checks import arrays as check_arrays
from hydro.transport_checks import grouping as check_grouping
from hydro.transport_run import TransportResult, _KernelRun
from hydro.transport_volumes import CellWater, cell_volumes

#: The public names (constituents are defined in :mod:`hydro.constituents`, cell volumes in
#: :mod:`hydro.transport_volumes`, the result in :mod:`hydro.transport_run`; all part of this module's API).
__all__ = ["Constituent", "Reaction", "TracerLayout", "TransportInputs", "TransportResult", "cell_volumes",
           "simulate", "tracer_layout"]

#: Threads :func:`simulate` runs constituents on by default (at most the CPUs); set
#: ``HYDRO_TRANSPORT_THREADS=1`` where processes already fill the machine (batches).
TRANSPORT_THREADS = max(1, min(int(os.environ.get("HYDRO_TRANSPORT_THREADS", "2")), os.cpu_count() or 1))


def along_reach(reach_index: int) -> int:
    """The ``point_cell`` of a point source whose water enters reach ``reach_index`` as lateral
    water does (each cell its share): its load enters the same way (:class:`TransportInputs`)."""
    return -1 - int(reach_index)


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
    boundary_flux : (D, R, T) float or None
        Mass entering each reach inlet from outside the network, g s-1 (None: none, +0.0 every day,
        known without reading an array of them: :func:`hydro.transport_checks.arrays`).
    boundary_conc : (D, R, T) float or None
        Concentration of that water, g m-3; used for dispersive exchange at
        reaches flagged in ``dispersive_inlet`` (None: +0.0, as ``boundary_flux``).
    dispersive_inlet : (R,) bool
        Reach inlets held at a concentration (Dirichlet) rather than a flux
        (Danckwerts) condition.
    lateral_load : (D, R, T) float
        Loads spread along each reach, g s-1.
    point_cell : (P,) int
        Cell receiving each point load, or :func:`along_reach` ``(r)`` for a source whose
        water enters reach ``r`` as lateral water (spread by each cell's share): its load
        then enters with its water, so a uniform field stays uniform.
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
    res_evaporation : (D, S) float, optional
        Water each reservoir's surface evaporates, m3 s-1, >= 0: its net loss (evaporation less rain,
        the water balance's) plus the rain on it, so what leaves the lake's water as vapour.  Only a
        tracer that evaporates with the water (:attr:`hydro.constituents.Constituent.evaporates`)
        leaves with it; a solute stays.  Default: none (such a tracer is then concentrated as a
        solute is).
    withdrawal_keys : str
        What takes the ``withdrawal`` water, in the basin file's words, for the advice of a reach it dries:
        a watershed basin's ``[[withdrawals]]`` and ``[[transfers]]`` (default), a flow-driven basin's
        negative ``[forcing.lateral_inflow_m3_s]``.
    """

    q_in: np.ndarray
    q_out: np.ndarray
    res_volume: np.ndarray
    res_outflow: np.ndarray
    res_area: np.ndarray
    boundary_flux: np.ndarray | None
    boundary_conc: np.ndarray | None
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
    res_evaporation: np.ndarray | None = None
    withdrawal_keys: str = WATERSHED_WITHDRAWAL_KEYS


def simulate(network: Network, tracers: list[Constituent], inputs: TransportInputs, *,
             courant: float = 0.9, dispersion_limit: float = 1.0, groups: list[int] | None = None,
             day_labels: list[str] | None = None, group_species: list[int] | None = None,
             reactions: list[tuple[int, int, int, Reaction]] | None = None, threads: int | None = None,
             max_substeps: int | None = MAX_SUBSTEPS, local_steps: _kernel_args.LocalSteps | str | None = None,
             skip_dead: bool = True, on_lane=None, dispersion_every: int = 1) -> TransportResult:
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
        Stop with an error at a day needing more sub-steps (None: no limit, for laboratory cases, short of a
        step of 0 s or NaN, which always stops the run).
    local_steps : LocalSteps or "auto", optional
        Local time steps per chain (:class:`hydro.transport_args.LocalSteps`); default: off.  ``"auto"``: their
        defaults where the estimated gain on the run's flows is large enough (:mod:`hydro.local_steps_auto`; the
        estimate is ``init_water``'s where given), else off; the result's ``local_steps`` says which.
    skip_dead : bool
        Leave out of the kernel the sources that carry nothing all run (their outputs +0.0, as the
        kernel's would be: :func:`hydro.transport_args.live_sources`); False only to test that.
    dispersion_every : int
        The most advection sub-steps per dispersion step (multirate splitting; docs/solver.md, "Dispersion
        every K advection sub-steps"): 1, the default, disperses on every sub-step (the results of before,
        bit for bit); K > 1 lets a day whose sub-step the Courant limit sets disperse (and remove, where
        removal rides on the dispersion) once every k <= K sub-steps, k odd, over k sub-steps at once, as far
        as the dispersion's own limit allows.  With ``local_steps`` each class of chains disperses once a
        block of at most K of its own steps (docs/solver.md, "Dispersion every K steps inside the local steps").
        (A basin's ``[run] dispersion_every = "auto"``, its default, passes 7 from 2,000 reaches up:
        :meth:`hydro.run_settings.RunSettings.for_network`.)
    on_lane : callable, optional
        ``on_lane(groups, block)``, called on a lane's thread when its ``groups`` (indices) are done: ``block(k)``
        is a :class:`TransportResult` of group ``k``'s tracers alone, in the returned result's units and bits,
        made when first asked for (a group no lane runs is not given): :mod:`hydro.lane_results` names them as
        the other lane runs (:mod:`hydro.transport_run`: they are the lane's own arrays).

    Returns
    -------
    TransportResult

    Size: the description of each of its fifteen arguments; the body is twenty lines.
    """
    if not 0 < courant <= 1:
        raise HydroError(f"courant must lie in (0, 1], got {courant}")
    if not 0 < dispersion_limit <= 1:
        raise HydroError(f"dispersion_limit must lie in (0, 1], got {dispersion_limit}")
    if isinstance(local_steps, str) and local_steps != "auto":
        raise HydroError(f"local_steps must be a LocalSteps, None or \"auto\", got {local_steps!r}")
    from hydro._transport_kernels import NO_STEP  # the count of a step of 0 s or NaN: above any limit

    arr, period, zero = check_arrays(network, len(tracers), inputs, day_labels)
    groups_checked = check_grouping(tracers, groups, group_species, reactions)
    run = _KernelRun(network, inputs, tracers, arr, period, groups_checked, float(courant), float(dispersion_limit),
                     NO_STEP - 1 if max_substeps is None else int(max_substeps), local_steps, skip_dead, zero,
                     _dispersion_every(dispersion_every))
    run.on_lane = on_lane
    lanes = _kernel_args.lanes([len(tags) for tags in run.live], TRANSPORT_THREADS if threads is None else threads)
    if len(lanes) == 1:
        run.lane(lanes[0], True)
    else:
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(len(lanes)) as pool:  # the kernel releases the GIL (nogil)
            for future in [pool.submit(run.lane, lane, i == 0) for i, lane in enumerate(lanes)]:
                future.result()
    check_substeps(network, run.substeps, run.max_substeps, day_labels, arr["q_in"], arr["res_outflow"])
    return run.result()


def _dispersion_every(value) -> int:
    """:func:`simulate`'s ``dispersion_every``, checked: an integer >= 1 (with local steps too: each class
    disperses once a block of its steps, docs/solver.md, "Dispersion every K steps inside the local steps")."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise HydroError(f"dispersion_every must be an integer >= 1, got {value!r}")
    return int(value)
