"""The arguments of the transport kernel, grouped and named (Numba imported only by :func:`network_args`).

:func:`hydro._transport_kernels.simulate_kernel` takes seven named tuples and the static layout
rather than seventy positional arrays: each tuple is built by keyword, so an argument cannot
slip into its neighbour's place, and Numba reads named tuples of arrays in compiled code
(a field by name, or the whole tuple unpacked in order).  Shapes and units are those of the
kernel's docstring: R reaches, N cells, S reservoirs, K sections, P point sources, T tracers,
D days; mass g, water m3, flow m3 s-1, load g s-1, concentration g m-3, rate s-1.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

import numpy as np

from hydro.local_steps_auto import MAX_LEVEL, MIN_GAIN

if TYPE_CHECKING:
    from hydro.constituents import Constituent
    from hydro.network import Network
    from hydro.transport_checks import Grouping


class KernelNetwork(NamedTuple):
    """The network's cells and links: what does not change from day to day."""

    reach_cell_start: np.ndarray  # (R+1,) int
    cell_reach: np.ndarray  # (N,) int
    cell_dx: np.ndarray  # (N,) m
    cell_volume: np.ndarray  # (N,) m3 at the start of the run
    cell_share: np.ndarray  # (N,) share of its reach's water, loads and storage change
    cell_through: np.ndarray  # (N,) cumulative share down to each cell's outflow face
    reach_down_kind: np.ndarray  # (R,) int
    reach_down_index: np.ndarray  # (R,) int
    res_down_kind: np.ndarray  # (S,) int
    res_down_index: np.ndarray  # (S,) int
    reach_dispersion: np.ndarray  # (R,) m2 s-1
    dispersive_inlet: np.ndarray  # (R,) bool
    section_cell: np.ndarray  # (K,) int
    point_cell: np.ndarray  # (P,) int


class KernelWater(NamedTuple):
    """Water of every day."""

    q_in: np.ndarray  # (D, R) m3 s-1
    q_out: np.ndarray  # (D, R) m3 s-1
    net_lateral: np.ndarray  # (D, R) m3 s-1
    loss: np.ndarray  # (D, R) m3 s-1
    res_volume: np.ndarray  # (D+1, S) m3
    res_outflow: np.ndarray  # (D, S) m3 s-1
    res_area: np.ndarray  # (D, S) m2
    res_evaporation: np.ndarray  # (D, S) m3 s-1, water the surface evaporates (net loss plus rain on it)


class KernelLoads(NamedTuple):
    """Loads and boundary values of every day and tracer."""

    boundary_flux: np.ndarray  # (D, R, T) g s-1
    boundary_conc: np.ndarray  # (D, R, T) g m-3
    lateral_load: np.ndarray  # (D, R, T) g s-1
    point_load: np.ndarray  # (D, P, T) g s-1
    res_load: np.ndarray  # (D, S, T) g s-1


class KernelRates(NamedTuple):
    """First-order removal at each day's temperature, and apparent settling."""

    reach_rate: np.ndarray  # (D, R, T) s-1
    res_rate: np.ndarray  # (D, S, T) s-1
    settling_m_s: np.ndarray  # (T,) m s-1
    evaporating: np.ndarray  # (T,) 1.0: a tracer of the water, evaporated with it; 0.0: a solute, left behind


class KernelStart(NamedTuple):
    """The initial state, the tracers' groups and the sub-step limits."""

    init_conc: np.ndarray  # (N, T) g m-3
    init_res_conc: np.ndarray  # (S, T) g m-3
    init_inlet_debt: np.ndarray  # (R, T) g
    group_start: np.ndarray  # (G+1,) int
    courant: float
    disp_limit: float
    period_of_day: np.ndarray  # (D,) int
    max_substeps: int  # the run stops at a day that would need more (hydro.transport_checks.MAX_SUBSTEPS)
    disp_every: int  # the most advection sub-steps per dispersion step (1: every one; dispersion_every_day)


class LocalSteps(NamedTuple):
    """Local time steps (docs/solver.md, "Local time stepping"): each day each chain of reaches
    takes its own power-of-two class of the finest sub-step, from its own limits.

    ``min_gain``: a day takes them only where the global step's cell updates are at least this
    many times theirs (else the global path, bit for bit; a tiny value takes them on every day);
    ``max_level``: the coarsest class, ``2**max_level`` finest steps (0 to 3); ``refine``: (R,)
    powers of two multiplying each reach's own sub-step count (tests; default 1);
    ``exchange_limit``: the share of the finer cell's dispersion limit that the exchange across a
    dispersive junction between classes may take at the coarser step, on either side, else the
    coarser chain is refined (0: no junction between classes disperses; ``math.inf``: none is
    refined for it).  The exchange is the two cells' exact relaxation over the coarser step, which
    keeps both in range whatever the step, so the limit is for accuracy only.  Since a side
    junction's face is the tributary's mouth, 0.1 refines no chain on any network measured (synthetic
    100 to 10,000 reaches, Miyun, Guanting) and gives ``math.inf``'s results (to the bit where
    compared); local steps
    are then a little further than the global step from a solution on 4x finer cells (their mean
    error up to 6 % larger), and 0.1 stays the default for a junction that would still need it
    (docs/solver.md, "Accuracy against a refined solution").  ``cut``: (R,) bool, chains cut
    above these reaches (each then heads a chain of its own and its upstream reaches join it as
    side tributaries, so the reaches below a cut may take a coarser class than those above;
    docs/solver.md, "Cut chains": measured slower); default none.
    ``counts``: a
    (D, 11) int64 array the run fills with each day's counts of the local steps' passes (rows past
    its end are not filled; the global path's days are left as they are): the finest class's
    sub-steps ``n_f``, the runs of neighbouring chains of each class 0 to 3 (each visited at each
    of its ``n_f / 2**l`` steps), the runs of chains with the same bounds among those with bounds
    at each class's events, the chains whose class or bounds changed since the last day of
    local steps, and the tags the day's passes skipped as dead (``_dead_tags``; summed over the
    groups of a lane: with several lanes each writes its own, so read it from a run of one)
    (docs/solver.md, "Counted"; a diagnostic, read by the tests and benchmarks).
    """

    min_gain: float = MIN_GAIN
    max_level: int = MAX_LEVEL
    refine: np.ndarray | None = None
    exchange_limit: float = 0.1
    counts: np.ndarray | None = None
    cut: np.ndarray | None = None


#: The columns of :class:`LocalSteps`' ``counts``: ``n_f``, runs of each class, runs of each class's bounds,
#: chains whose class or bounds changed, tags skipped as dead.
LTS_COUNTS = 11


def lts_fields(local: LocalSteps | None, n_reach: int) -> tuple | None:
    """The kernel's ``lts`` argument: ``None`` (the global sub-step only; the kernel then compiles
    without local steps) or ``(min_gain, max_level, refine, exchange_limit, counts)``."""
    if local is None:
        return None
    if not 0 <= local.max_level <= 3 or not local.min_gain > 0 or not local.exchange_limit >= 0:
        raise ValueError(f"local steps: max_level in 0..3, min_gain > 0, exchange_limit >= 0, got {local}")
    refine = np.ones(n_reach, dtype=np.int64) if local.refine is None else np.asarray(local.refine, np.int64)
    if refine.shape != (n_reach,) or np.any(refine < 1) or np.any(refine & (refine - 1)):
        raise ValueError(f"local steps: refine must be {n_reach} powers of two, got {local.refine}")
    cut = np.zeros(n_reach, dtype=np.bool_) if local.cut is None else np.asarray(local.cut)
    if cut.shape != (n_reach,) or cut.dtype != np.bool_:
        raise ValueError(f"local steps: cut must be {n_reach} booleans (a chain cut above each True reach), got "
                         f"{getattr(local.cut, 'shape', local.cut)}")
    counts = np.zeros((0, LTS_COUNTS), dtype=np.int64) if local.counts is None else local.counts
    if not isinstance(counts, np.ndarray) or counts.ndim != 2 or counts.shape[1] != LTS_COUNTS \
            or counts.dtype != np.int64 or not counts.flags.writeable:
        raise ValueError(f"local steps: counts must be a writeable (days, {LTS_COUNTS}) int64 array, got "
                         f"{getattr(counts, 'shape', counts)}")
    return float(local.min_gain), int(local.max_level), refine, float(local.exchange_limit), counts


class KernelReactions(NamedTuple):
    """Species of each group and the reactions between them."""

    group_species: np.ndarray  # (G,) int
    rx_start: np.ndarray  # (G+1,) int
    rx_from: np.ndarray  # (X,) int
    rx_to: np.ndarray  # (X,) int
    rx_river_rate: np.ndarray  # (D, R, X) s-1
    rx_res_rate: np.ndarray  # (D, S, X) s-1


class KernelOutputs(NamedTuple):
    """Arrays the kernel fills in place."""

    reach_mass: np.ndarray  # (D, R, T) g
    reach_disp: np.ndarray  # (D, R, T) g
    section_mass: np.ndarray  # (D, K, T) g
    section_disp: np.ndarray  # (D, K, T) g
    res_conc: np.ndarray  # (D, S, T) g m-3
    res_outmass: np.ndarray  # (D, S, T) g
    substeps: np.ndarray  # (D,) int
    budget_reach: np.ndarray  # (periods, R, 7, T) g
    budget_res: np.ndarray  # (periods, S, 7, T) g
    storage_reach: np.ndarray  # (periods+1, R, T) g
    storage_res: np.ndarray  # (periods+1, S, T) g
    final_conc: np.ndarray  # (N, T) g m-3
    inlet_debt: np.ndarray  # (R, T) g
    column: np.ndarray  # (T,) int: each tracer's column of the outputs' last axis (T or more wide)


def network_args(network: Network, dispersive_inlet: np.ndarray, point_cell: np.ndarray, volume: np.ndarray,
                 share: np.ndarray, through: np.ndarray,
                 local: LocalSteps | None = None) -> tuple[KernelNetwork, tuple]:
    """The kernel's network and its static layout (:func:`hydro._transport_kernels.static_layout`),
    built once for a run: its lanes share them.

    ``volume`` (m3), ``share`` and ``through`` are the cells' starting volumes and shares
    (:mod:`hydro.transport_volumes`); ``dispersive_inlet`` (R,) and ``point_cell`` (P,) as in
    :class:`hydro.transport.TransportInputs`; ``local``: the run's local steps, whose ``cut`` (checked
    by :func:`lts_fields`) cuts chains (None, or no ``cut``: the layout of every run without them).
    """
    from hydro import _transport_kernels as _k  # numba: imported when first used

    lay = network.layout
    net = KernelNetwork(
        reach_cell_start=lay.reach_cell_start, cell_reach=lay.cell_reach, cell_dx=lay.cell_dx, cell_volume=volume,
        cell_share=share, cell_through=through, reach_down_kind=lay.reach_down_kind,
        reach_down_index=lay.reach_down_index, res_down_kind=lay.res_down_kind, res_down_index=lay.res_down_index,
        reach_dispersion=np.array([r.dispersion_m2_s for r in network.reaches], dtype=float),
        dispersive_inlet=np.ascontiguousarray(dispersive_inlet, dtype=np.bool_),
        section_cell=lay.section_cell, point_cell=np.ascontiguousarray(point_cell, dtype=np.int64))
    static = _k.static_layout(net.reach_cell_start, net.cell_dx, net.reach_down_kind, net.reach_down_index,
                              net.reach_dispersion, net.dispersive_inlet, net.section_cell,
                              None if local is None or local.cut is None else np.asarray(local.cut), lay.reach_rank)
    return net, static


def lane_copy(shared: tuple) -> tuple:
    """Each array of ``shared`` (tuples, named or not, of arrays and scalars) copied, for one lane.

    Numba counts references to an array with atomic operations on a header the array's
    copies share; the kernel passes its network, layout and water arrays to a helper
    several times a sub-step, so two lanes running side by side on the same arrays
    contend for those headers (each count waits for the other core's cache).  Copies
    (a few MB) give each lane its own; the values are the same, so are the results.
    """
    def copy(x):
        if isinstance(x, np.ndarray):
            return x.copy()
        if isinstance(x, tuple):
            items = [copy(v) for v in x]
            return type(x)(*items) if hasattr(x, "_fields") else tuple(items)
        return x

    return copy(shared)


def lane_reactions(species: list[int], reactions: list[tuple], groups: list[int],
                   rx_river: np.ndarray, rx_res: np.ndarray) -> KernelReactions:
    """The reactions of the groups ``groups`` of a run, renumbered for a lane that runs them alone.

    ``species[k]`` is the number of species of group ``k``; ``reactions`` are ``(group, from,
    to, ...)`` (``to`` -1: a sink; :class:`hydro.transport_checks.Grouping`); ``rx_river``
    (D, R, X) and ``rx_res`` (D, S, X) their rates, s-1.
    """
    kept = [i for i, x in enumerate(reactions) if x[0] in groups]
    renumber = {k: n for n, k in enumerate(groups)}
    return KernelReactions(
        group_species=np.array([species[k] for k in groups], dtype=np.int64),
        rx_start=np.searchsorted([renumber[reactions[i][0]] for i in kept],
                                 np.arange(len(groups) + 1)).astype(np.int64),
        rx_from=np.array([reactions[i][1] for i in kept], dtype=np.int64),
        rx_to=np.array([reactions[i][2] for i in kept], dtype=np.int64),
        rx_river_rate=np.ascontiguousarray(rx_river[..., kept]), rx_res_rate=np.ascontiguousarray(rx_res[..., kept]))


#: The kernel's inputs that hold a value per tracer (the last axis): a source whose tracers hold +0.0 in every
#: one of them is left out of the kernel (:func:`live_sources`).
TRACER_INPUTS = ("init_conc", "init_res_conc", "init_inlet_debt", *KernelLoads._fields)


def live_sources(arr: dict[str, np.ndarray], grouping: Grouping, tracers: list[Constituent], volume: np.ndarray,
                 share: np.ndarray, cell_reach: np.ndarray, skip: bool = True,
                 zero: frozenset[str] = frozenset()) -> list[np.ndarray]:
    """The tracers of each group the kernel must carry (indices, in order): with ``skip``, all but those of
    the sources dead for the whole run.

    A source is dead when every input of each of its species (:data:`TRACER_INPUTS`: the initial
    concentrations in cells and reservoirs, the inflow the flux inlets owe, and every day's
    boundary fluxes and concentrations, lateral and point loads and reservoir loads, g, g s-1,
    g m-3) is +0.0: the criterion by which the kernel skips a tag for a day
    (:func:`hydro._transport_kernels._dead_tags`), held on every day, so the tag would stay +0.0
    (every sum adds +0.0 to +0.0, every product is +0.0 times a finite number) and add +0.0 to its
    group's summed concentration, which then holds the same number.  That needs every volume by
    which the kernel divides to stay > 0 (``0 * inf`` is NaN): the cells' (``volume`` (N,), m3, at
    the start, changed by their ``share`` of their reach's balance, the kernel's own arithmetic) on
    every day's start and end, the reservoirs' (:func:`hydro.transport_checks.arrays` refuses
    others); and every rate to be finite.  Every tracer is carried where this does not hold, or
    where every source is dead (the kernel still counts the sub-steps); a group all dead has none,
    a group of several tags keeps at least two (the kernel computes a group of one tag's fluxes
    on a path of its own, whose rounding differs).  The inputs ``zero`` are known to be +0.0
    (:func:`hydro.transport_checks.arrays`: given as None) and not read.
    """
    from hydro.constituents import rates_at

    start, n_tr = grouping.start, int(grouping.start[-1])
    every = [np.arange(start[k], start[k + 1]) for k in range(len(grouping.sizes))]
    if not skip:
        return every
    bits = np.zeros(n_tr, dtype=np.int64)  # the bits of every value of each tracer, or'ed: 0 only for +0.0
    for name in TRACER_INPUTS:
        if arr[name].size and name not in zero:
            bits |= np.bitwise_or.reduce(arr[name].reshape(-1, n_tr).view(np.int64), axis=0)
    live = []
    for k, n_sp in enumerate(grouping.species):
        tags = np.arange(start[k], start[k + 1]).reshape(n_sp, -1)  # species by source
        keep = (bits[tags] != 0).any(axis=0)  # each source: is it live?
        if tags.size > 1 and n_sp * keep.sum() == 1:  # a group of one tag takes the kernel's own path for it
            keep[np.flatnonzero(~keep)[0]] = True  # (other rounding): a dead source stays with it
        live.append(tags[:, keep].reshape(-1))
    n_live = sum(len(t) for t in live)
    if n_live in (0, n_tr):
        return every
    from hydro.transport_volumes import running_volume_blocks

    ok = all(bool((block > 0.0).all()) for block in running_volume_blocks(  # (stops at the first block with one)
        cell_reach, volume, share, arr["q_in"], arr["q_out"], arr["lateral"]))
    extremes = [np.array([[t.min(), t.max()]]) if t.size else t[:1] for t in (arr["reach_temp"], arr["res_temp"])]
    with np.errstate(over="ignore", invalid="ignore"):  # (what is not finite is looked for here)
        rates = rates_at(tracers, grouping.reactions, *extremes)  # k20 theta**(T - 20): extremes at T's
    return live if ok and all(np.isfinite(r).all() for r in rates.values()) else every


#: A lane (thread) must carry at least this share of the tracers to be worth it.
MIN_LANE_SHARE = 0.25


def lanes(sizes: list[int], threads: int) -> list[list[int]]:
    """Groups of ``sizes`` tracers split into at most ``threads`` lanes (threads) of about equal tracer counts.

    Largest group first onto the lightest lane; one lane when there is one
    thread, one group, or the lightest lane would carry less than
    :data:`MIN_LANE_SHARE` of the tracers (a thread is not worth its start).
    A group of no tracer (its sources all dead: :func:`live_sources`) is in no lane.
    """
    groups = [g for g in range(len(sizes)) if sizes[g]]
    n = min(max(1, int(threads)), len(groups))
    if n <= 1:
        return [groups]
    out: list[list[int]] = [[] for _ in range(n)]
    load = [0] * n
    for g in sorted(groups, key=lambda g: -sizes[g]):
        k = load.index(min(load))
        out[k].append(g)
        load[k] += sizes[g]
    if min(load) < MIN_LANE_SHARE * sum(sizes):
        return [groups]
    return [sorted(lane) for lane in sorted(out, key=min)]


def runs(tracers: list[int]) -> list[tuple[int, int]]:
    """Sorted tracer indices as runs ``(lo, hi)`` of consecutive ones (slices, not a fancy index)."""
    out: list[tuple[int, int]] = []
    for t in tracers:
        if out and out[-1][1] == t:
            out[-1] = (out[-1][0], t + 1)
        else:
            out.append((int(t), int(t) + 1))
    return out
