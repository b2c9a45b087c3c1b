"""Whether local time steps pay on a run's flows: ``[run] local_steps = "auto"`` (issue 16).

Local time steps (docs/solver.md, "Local time stepping") pay where the network's chains need very
different sub-steps and the day has many of them: the per-day work of the local steps (their classes,
the chains laid out by class, the side tributaries' accumulations) is then earned back.  That depends on
the flows, not on the number of reaches alone: a whole one-year run at 10,000 reaches took 0.76-0.81x
of the global step's CPU on issue 16's at_a_station synthetic basin (velocities up to 13 m/s, 190
sub-steps a day), 1.02-1.22x on the physical ones (31-40 sub-steps a day; 3 Dec 2026, an AMD EPYC
2-core KVM guest).  :func:`estimate` reads, from the flows and volumes of the days the cells' water
level is set on (:class:`hydro.transport_volumes.FlowSample`, so that a run in blocks, a spin-up or a
run of another period takes the estimate of the same days as the basin's period), the global sub-step's
cell updates over the local steps' (the gain) and the global step's sub-steps a day; :func:`cost_ratio`
turns them into an estimate of the whole run's CPU on local steps over the global step's
(``UPDATE_COST / gain + DAY_COST / sub-steps``, constants fitted to measured runs), and
:func:`takes_local_steps` decides by it.  The gain is a cost model, not the solver's count: each cell's own
step is its Courant limit at the day's mid-day volume (dispersion, which sets hardly any step of the
networks measured, and the classes' refinements at junctions are left out), each chain takes its cells'
finest, and the classes, their rounding and the day's switch to the global path where local steps
gain less than :attr:`hydro.transport_args.LocalSteps.min_gain` are the solver's
(:func:`hydro._transport_kernels.lts_classes`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

import numpy as np

from hydro.units import SECONDS_PER_DAY

if TYPE_CHECKING:
    from hydro.network import Network

#: The local steps' defaults, which :class:`hydro.transport_args.LocalSteps` takes (written here, where the cost
#: model reads them, so that the model and the solver cannot part): the coarsest class, ``2**MAX_LEVEL`` finest
#: steps, and the least gain in cell updates at which a day takes local steps rather than the global path.
MAX_LEVEL, MIN_GAIN = 3, 1.25

#: Days of the sampled ones the estimate reads at most (evenly spaced): the cost of the estimate stays
#: a few array passes over the cells whatever the run's length.
GAIN_DAYS = 48


class StepEstimate(NamedTuple):
    """Local time steps' estimated gain on a run's flows (:func:`estimate`).

    Attributes
    ----------
    gain : float
        The global sub-step's cell updates over the local steps' (>= 1: 1 where no day gains).
    substeps : float
        The global sub-step's mean count a day (Courant's limit alone).
    """

    gain: float
    substeps: float


def estimate(network: Network, q_in: np.ndarray, q_out: np.ndarray, storage: np.ndarray, share: np.ndarray,
             through: np.ndarray, courant: float) -> StepEstimate:
    """Local time steps' gain in cell updates on the days given, and the global step's sub-steps (a cost model).

    Parameters
    ----------
    network : Network
    q_in, q_out : (D, R) float
        Each reach's inlet and outlet discharge on the days, m3 s-1.
    storage : (D, R) float
        Every reach's volume at mid-day, m3 (each cell holds its ``share`` of it).
    share : (N,) float
        Each cell's share of its reach.
    through : (N,) float
        Each cell's share of its reach's water above its outflow face
        (:func:`hydro.transport_volumes.through_shares`).
    courant : float
        The run's Courant number, (0, 1].

    Returns
    -------
    StepEstimate
        Over at most :data:`GAIN_DAYS` of the days (evenly spaced; the module docstring says how).
    """
    lay = network.layout
    if len(q_in) == 0:
        return StepEstimate(1.0, 1.0)
    take = np.unique(np.linspace(0, len(q_in) - 1, min(len(q_in), GAIN_DAYS)).astype(np.int64))
    r_of = lay.cell_reach
    q_face = np.maximum(q_in[take][:, r_of] + (q_out - q_in)[take][:, r_of] * through, 0.0)  # (D, N) m3 s-1
    volume = share * storage[take][:, r_of]  # the cells' on the days read only, m3
    with np.errstate(divide="ignore", invalid="ignore"):
        rate = np.where(volume > 0.0, q_face / volume, 0.0)  # s-1
    own = np.maximum(1.0, np.ceil(SECONDS_PER_DAY * rate / courant))  # each cell's Courant count
    chain = reach_chains(network)[r_of]  # every cell's
    order = np.argsort(chain, kind="stable")  # cells chain by chain
    starts = np.flatnonzero(np.diff(chain[order], prepend=-1))
    cells = np.diff(np.append(starts, len(order)))  # per chain
    chain_own = np.maximum.reduceat(own[:, order], starts, axis=1)  # (D, C)
    return StepEstimate(_gain(chain_own, cells), float(chain_own.max(axis=1).mean()))


def reach_chains(network: Network) -> np.ndarray:
    """(R,) the chain of every reach, numbered 0, 1, ... as the solver's :func:`hydro._transport_kernels.chain_layout`
    draws them (no cuts; its numbering aside): a reach's *main* upstream reach is, among the reaches draining
    into it, the one with the most cells upstream of and including it (not counted through reservoirs), ties to
    the lowest ``reach_rank`` (the reach ids' order, not the file's), and a chain runs down from a reach without
    one for as long as it is the main upstream of the reach below.  (Written out here: that kernel, called from
    Python, compiles a twin of its own, 3.9 s.)"""
    from hydro.network_layout import DOWN_REACH

    lay = network.layout
    n_reach = len(network.reaches)
    is_reach = lay.reach_down_kind == DOWN_REACH
    up_cells = np.diff(lay.reach_cell_start).astype(np.int64)
    reaches_down = [index for kind, index in lay.order if kind == 1]  # (kind 1: a reach) upstream first
    for r in reaches_down:
        if is_reach[r]:
            up_cells[lay.reach_down_index[r]] += up_cells[r]
    main_up = np.full(n_reach, -1, dtype=np.int64)
    for r in range(n_reach):
        if is_reach[r]:
            d, m = lay.reach_down_index[r], main_up[lay.reach_down_index[r]]
            if m < 0 or up_cells[r] > up_cells[m] or (up_cells[r] == up_cells[m]
                                                      and lay.reach_rank[r] < lay.reach_rank[m]):
                main_up[d] = r
    chain = np.empty(n_reach, dtype=np.int64)
    n_chain = 0
    for r in reversed(reaches_down):  # downstream first: a reach joins the chain of the reach below
        if is_reach[r] and main_up[lay.reach_down_index[r]] == r:
            chain[r] = chain[lay.reach_down_index[r]]
        else:
            chain[r], n_chain = n_chain, n_chain + 1
    return chain


def _gain(chain_own: np.ndarray, cells: np.ndarray, max_level: int = MAX_LEVEL, min_gain: float = MIN_GAIN) -> float:
    """:func:`estimate`'s gain from each chain's own count on each day ((D, C)) and its cells ((C,)), with the
    solver's ``max_level`` and ``min_gain`` (:class:`hydro.transport_args.LocalSteps`)."""
    n_glob = chain_own.max(axis=1)  # the global step's count
    level = np.minimum(np.floor(np.log2(n_glob[:, None] / chain_own) + 1e-12), max_level)
    top = 2.0 ** level.max(axis=1)
    n_f = np.ceil(n_glob / top) * top  # rounded up to whole steps of the coarsest class
    work_local = (cells * (n_f[:, None] / 2.0 ** level)).sum(axis=1)
    work_global = cells.sum() * n_glob
    work_local = np.where(work_global >= min_gain * work_local, work_local, work_global)  # the day's switch
    return float(work_global.sum() / work_local.sum())


#: The cost model's constants (:func:`cost_ratio`): a local step's cell update over a global one's, and the
#: local steps' work a day per cell in global cell updates.  Fitted by least squares on 3 Dec 2026 to the whole
#: ``hydro run``'s CPU, local over global, of the six one-year synthetic basins measured with the default
#: ``dispersion_every`` (7 on both ways: 2,000 and 10,000 reaches at_a_station, 2,000, 10,000 and 20,000 on
#: the physical hack tree, 10,000 on the physical long chains; ``benchmarks/lts_threshold.py --dispersion-every
#: auto``, two rounds, an AMD EPYC 2-core KVM guest; docs/solver.md, "Local steps by the problem"): rms 0.11.
UPDATE_COST, DAY_COST = 1.31, 9.07

#: The largest estimated cost ratio (:func:`cost_ratio`) at which ``[run] local_steps = "auto"`` takes local
#: steps: between the estimates of the measured runs that were 15 % or more faster on local steps in every
#: round (the rule by which the defaults of local steps and dispersion were set; largest estimate 0.80, 10,000
#: reaches at_a_station) and those that were not (smallest 0.85, 2,000 reaches at_a_station: 0.95-0.98x).
LOCAL_STEPS_AUTO_RATIO = 0.82


def cost_ratio(steps: StepEstimate) -> float:
    """A whole run's CPU on local steps over that on the global step, estimated from ``steps``:
    ``UPDATE_COST / gain + DAY_COST / substeps`` (:data:`UPDATE_COST`, :data:`DAY_COST`)."""
    return UPDATE_COST / steps.gain + DAY_COST / steps.substeps


def takes_local_steps(steps: StepEstimate | None) -> bool:
    """Whether ``[run] local_steps = "auto"`` takes local time steps on a run whose estimate is ``steps``
    (None: not estimated, the global step): where :func:`cost_ratio` is at most :data:`LOCAL_STEPS_AUTO_RATIO`."""
    return steps is not None and cost_ratio(steps) <= LOCAL_STEPS_AUTO_RATIO
