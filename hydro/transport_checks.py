"""Checks of a transport run's inputs: shapes, values, budget periods, tracer groups, species, reactions.

:func:`hydro.transport.simulate` calls :func:`arrays` (the inputs as contiguous
arrays, checked) and :func:`grouping` (its ``groups``, ``group_species`` and
``reactions`` arguments, checked against the tracers); after the kernel,
:func:`check_substeps` (a day that would have needed more than :data:`MAX_SUBSTEPS`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from hydro.constituents import REMOVAL_KEYS, Constituent, Reaction
from hydro.errors import HydroError
from hydro.network import Network
from hydro.units import SECONDS_PER_DAY

#: The most transport sub-steps a day may take (a step of 0.086 s): a day that would need more
#: stops the run with an error naming the cells that set the step (cells far too short or
#: small for the water through them would otherwise run for hours; the shipped basins peak
#: at 131 (Miyun) and 251 (Guanting, 2016-07-21)).  A flood's first day sets the step by its flow
#: against the cells' volume before it: 2,000 mm in a day (the weather reader's cap) on the example's
#: 0.5 km cells needs 179,662, Miyun's 4 km cells 86,507 at 1,000 mm (floods review, 2026-12-06; the
#: limit was 100,000 and refused the first); a transfer volume in m3 read as million m3 needed 118,842,005
#: (tests/test_transfers_review.py).  A day at the limit costs about 40 s on the example's 0.1 km cells.
MAX_SUBSTEPS = 1_000_000
#: What takes a watershed basin's withdrawn water, for the advice of a reach it dries
#: (:attr:`hydro.transport.TransportInputs.withdrawal_keys`).
WATERSHED_WITHDRAWAL_KEYS = ("its [[withdrawals]]: a max_share below 1 (1 lets a request take all of the "
                             "water), a smaller flow_m3_s or loss_share; or a smaller [[transfers]] abstraction "
                             "from it, or its max_share")
#: The same for a flow-driven basin, whose withdrawals are its negative lateral inflows.
FLOW_DRIVEN_WITHDRAWAL_KEYS = "a negative [forcing.lateral_inflow_m3_s] closer to 0"


def arrays(network: Network, n_tr: int, inputs,
            day_labels) -> tuple[dict[str, np.ndarray], np.ndarray, frozenset[str]]:
    """The inputs as contiguous float arrays, their shapes and values checked; the budget periods; and the
    names of the inputs per tracer given as None (boundary fluxes and concentrations, inlet debts), made
    +0.0 here: their checks and every search for a value in them (:func:`hydro.transport_args.live_sources`,
    a lane's copy) are skipped (a watershed run's boundaries, two (day, reach, tracer) arrays: 84 MB on
    Miyun, never written to)."""
    lay = network.layout
    n_day, n_reach = np.shape(inputs.q_in)
    n_res = len(network.reservoirs)
    f64 = lambda a: np.ascontiguousarray(a, dtype=np.float64)  # noqa: E731
    zero = frozenset(name for name in ("boundary_flux", "boundary_conc", "init_inlet_debt")
                     if getattr(inputs, name, None) is None)
    none = {"boundary_flux": (n_day, n_reach, n_tr), "boundary_conc": (n_day, n_reach, n_tr),
            "init_inlet_debt": (n_reach, n_tr)}
    arr = {name: np.zeros(none[name]) if name in zero else f64(getattr(inputs, name)) for name in (
        "q_in", "q_out", "res_volume", "res_outflow", "res_area", "boundary_flux", "boundary_conc",
        "lateral_load", "point_load", "res_load", "reach_temp", "res_temp", "init_conc",
        "init_res_conc")}
    arr["withdrawal"] = f64(np.zeros((n_day, n_reach)) if inputs.withdrawal is None else inputs.withdrawal)
    arr["lateral"] = f64(arr["q_out"] - arr["q_in"] if inputs.lateral is None else inputs.lateral)
    arr["res_evaporation"] = f64(np.zeros((n_day, n_res)) if inputs.res_evaporation is None
                                 else inputs.res_evaporation)
    name = "init_inlet_debt"
    arr[name] = np.zeros(none[name]) if name in zero else f64(inputs.init_inlet_debt)
    expected = {
        "q_in": (n_day, n_reach), "q_out": (n_day, n_reach), "res_volume": (n_day + 1, n_res),
        "res_outflow": (n_day, n_res), "res_area": (n_day, n_res),
        "boundary_flux": (n_day, n_reach, n_tr), "boundary_conc": (n_day, n_reach, n_tr),
        "lateral_load": (n_day, n_reach, n_tr), "point_load": (n_day, len(inputs.point_cell), n_tr),
        "res_load": (n_day, n_res, n_tr), "reach_temp": (n_day, n_reach), "res_temp": (n_day, n_res),
        "init_conc": (lay.n_cells, n_tr), "init_res_conc": (n_res, n_tr), "withdrawal": (n_day, n_reach),
        "lateral": (n_day, n_reach), "init_inlet_debt": (n_reach, n_tr), "res_evaporation": (n_day, n_res),
    }
    if n_reach != len(network.reaches):
        raise HydroError(f"flows are given for {n_reach} reaches, the network has {len(network.reaches)}")
    for name, shape in expected.items():
        if arr[name].shape != shape:
            raise HydroError(f"transport input '{name}' has shape {arr[name].shape}, expected {shape}")
    _check_inputs(network, arr, day_labels, zero, inputs.withdrawal_keys)
    period = np.ascontiguousarray(inputs.period_of_day, dtype=np.int64)
    if period.shape != (n_day,) or n_day == 0 or period[0] != 0 or np.any(np.diff(period) < 0) \
            or np.any(np.diff(period) > 1):
        raise HydroError("period_of_day must start at 0 and step by 0 or 1 each day")
    return arr, period, zero


@dataclass(frozen=True)
class Grouping:
    """Tracer groups (constituents), their species and reactions, checked."""

    sizes: list[int]
    start: np.ndarray  # (G+1,) first tracer of each group
    species: list[int]
    reactions: list[tuple[int, int, int, Reaction]]  # sorted by group


def grouping(tracers: list[Constituent], groups, group_species, reactions) -> Grouping:
    """Check the groups, species and reactions against the tracers (:func:`simulate`'s arguments)."""
    n_tr = len(tracers)
    sizes = [1] * n_tr if groups is None else list(groups)
    if sum(sizes) != n_tr or min(sizes, default=1) < 1:
        raise ValueError(f"groups {sizes} must be positive and add up to {n_tr} tracers")
    start = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)
    n_species = [1] * len(sizes) if group_species is None else list(group_species)
    if len(n_species) != len(sizes) or any(n < 1 or size % n for n, size in zip(n_species, sizes, strict=True)):
        raise ValueError(f"group_species {n_species} must divide the group sizes {sizes}")
    for g in range(len(sizes)):
        n_src = sizes[g] // n_species[g]
        for sp in range(n_species[g]):
            block = tracers[start[g] + sp * n_src:start[g] + (sp + 1) * n_src]
            for tag in block[1:]:
                if any(getattr(tag, key) != getattr(block[0], key) for key in REMOVAL_KEYS):
                    raise ValueError(f"tags of one species must share removal parameters: "
                                     f"{block[0].name} and {tag.name} differ")
    rx = sorted(reactions or [], key=lambda x: x[0])
    for g, a, b, _ in rx:
        if not (0 <= g < len(sizes) and 0 <= a < n_species[g] and (b == -1 or a < b < n_species[g])):
            raise ValueError(f"reaction ({g}, {a}, {b}) does not fit groups {sizes} of species {n_species}")
    return Grouping(sizes=sizes, start=start, species=n_species, reactions=rx)


def _check_inputs(network: Network, arr: dict[str, np.ndarray], day_labels, zero: frozenset[str] = frozenset(),
                  withdrawal_keys: str = WATERSHED_WITHDRAWAL_KEYS) -> None:
    """NaN anywhere but in the inputs ``zero`` (made +0.0, :func:`arrays`), and flows that must be positive, named
    by reach and day."""
    def day(d):
        return day_labels[d] if day_labels is not None else f"day {d}"

    for name, a in arr.items():
        if name in zero:
            continue
        bad = ~np.isfinite(a)
        if bad.any():
            idx = np.argwhere(bad)[0]
            what = f"{name} is not finite (NaN or inf)"
            if a.ndim >= 2 and name.startswith(("q_", "boundary", "lateral", "reach_")) and \
                    idx[1] < len(network.reaches) and name != "init_conc":
                raise HydroError(f"{what} on reach '{network.reaches[idx[1]].id}', {day(idx[0])}; "
                                 "fill the gap in the input or check the forcing")
            raise HydroError(f"{what} at index {tuple(int(i) for i in idx)}; check the inputs")
    _check_flows(network, arr, day, "boundary_flux" in zero, withdrawal_keys)
    if (arr["withdrawal"] < 0).any():
        d, r = np.argwhere(arr["withdrawal"] < 0)[0]
        raise HydroError(f"reach '{network.reaches[r].id}' has a negative withdrawal on {day(d)} "
                         f"({arr['withdrawal'][d, r]:g} m3/s); withdrawals are water taken out, >= 0")
    if "res_evaporation" in arr and (arr["res_evaporation"] < 0).any():
        d, s = np.argwhere(arr["res_evaporation"] < 0)[0]
        raise HydroError(f"reservoir '{network.reservoirs[s].id}' evaporates {arr['res_evaporation'][d, s]:g} m3/s "
                         f"on {day(d)}; res_evaporation is the water its surface evaporates (net loss plus rain "
                         "on it), >= 0")
    if arr["res_volume"].size and (arr["res_volume"] <= 0).any():
        d, s = np.argwhere(arr["res_volume"] <= 0)[0]
        emptied = max(int(d) - 1, 0)  # res_volume[d]: the volume at the end of day d - 1
        out = arr.get("res_outflow")
        if out is not None and out[emptied, s] <= 0:  # it let nothing out: the water evaporated (or was taken)
            fix = ("it released nothing that day, so evaporation from its surface (or water taken from it) "
                   "emptied it; dead_storage_mcm stops releases below it, not evaporation: lower its "
                   "evaporation_mm_per_day, add inflow, or raise its initial storage")
        else:
            fix = ("give it a dead_storage_mcm > 0 (no release or abstraction below it; default 0), raise its "
                   "initial storage, or lower its releases")
        raise HydroError(f"reservoir '{network.reservoirs[s].id}' is empty on {day(min(d, len(arr['q_in']) - 1))}; "
                         f"the transport needs water in every reservoir: {fix}")


def _check_flows(network: Network, arr: dict[str, np.ndarray], day, no_boundary: bool,
                 withdrawal_keys: str) -> None:
    """Raise where a reach has no flow: at an outlet (every outlet needs flow, m3 s-1), or at an inlet
    that is below 0 or dry while something enters there.

    The first day with such a reach is reported, and on it the outlets first, upstream first: an
    inlet below 0 is the outlet of a reach above it, the one to name (a reach dried by its own
    withdrawal used to be reported as "no flow at the inlet" of the reach below it, with advice
    that did not apply; watershed fuzzing review, 2026-12-05).  ``day`` labels a day index;
    ``no_boundary``: no boundary inflow anywhere.
    """
    # a reach inlet may carry no water (the source of a river fed only along its
    # length), but then nothing may enter there; every outlet needs flow
    carrying = False if no_boundary else (arr["boundary_flux"] > 0).any(axis=2)
    dry_out = arr["q_out"] <= 0
    dry_in = (arr["q_in"] < 0) | ((arr["q_in"] == 0) & carrying)
    bad_days = np.flatnonzero(dry_out.any(axis=1) | dry_in.any(axis=1))
    if bad_days.size == 0:
        return
    d = int(bad_days[0])
    upstream_first = [i for kind, i in network.layout.order if kind == 1]
    name = "q_out" if dry_out[d].any() else "q_in"
    r = next(i for i in upstream_first if (dry_out if name == "q_out" else dry_in)[d, i])
    end = "inlet" if name == "q_in" else "outlet"
    taken = arr["withdrawal"][d, r] if name == "q_out" else 0.0
    cause, less = "", ""
    if taken > 0:  # water taken out of the reach dried it
        cause = f" after {taken:g} m3/s was withdrawn from it that day"
        less = f"withdraw less ({withdrawal_keys}), or "
    elif name == "q_out" and arr["lateral"][d, r] < 0:  # a negative lateral inflow: a withdrawal
        cause = (f" after a lateral inflow of {arr['lateral'][d, r]:g} m3/s, which takes that much out "
                 "along the reach (negative is a withdrawal), more than reached it")
        less = "take less ([forcing.lateral_inflow_m3_s] of a flow-driven basin closer to 0), or "
    dead = _dead_above(network, arr, d, r) if name == "q_out" and not cause else ""
    if dead:  # its water is a reservoir's, which lets nothing out: say which (new-basin review, 2026-12-06)
        raise HydroError(
            f"reach '{network.reaches[r].id}' has no flow at its outlet on {day(d)} ({arr[name][d, r]:g} m3/s): "
            f"{dead}, so nothing is released, its ecological minimum neither; give it an initial_storage_mcm above "
            "its dead_storage_mcm (both in 10^6 m3: a storage copied in 亿m3 is 100 times too small), or add "
            "lateral or boundary inflow below it")
    raise HydroError(
        f"reach '{network.reaches[r].id}' has no flow at its {end} on {day(d)} "
        f"({arr[name][d, r]:g} m3/s){cause}; every reach needs flow > 0: {less}add lateral or "
        "boundary inflow, or an ecological minimum release upstream")


def _dead_above(network: Network, arr: dict[str, np.ndarray], d: int, r: int) -> str:
    """The reservoirs upstream of reach ``r`` whose storage at the start of day ``d`` is at or below their dead
    storage (``reservoir 'id' above it holds X mcm, at or below its dead storage of Y mcm``, ``; ``-joined; ""
    where none is): what dried a reach that only a reservoir feeds."""
    target = network.reaches[r].id
    below: dict[str, str | None] = {x.id: x.downstream for x in network.reaches}
    below.update({x.id: x.downstream for x in network.reservoirs})
    volume = arr.get("res_volume")
    said = []
    for s, res in enumerate(network.reservoirs):
        at, hops = res.downstream, 0
        while at is not None and at != target and hops <= len(below):
            at, hops = below.get(at), hops + 1
        if at != target or volume is None or d >= len(volume):
            continue
        held = float(volume[d, s])
        if held <= res.dead_storage_m3:
            said.append(f"reservoir '{res.id}' above it holds {held / 1e6:,.6g} mcm, at or below its dead storage "
                        f"of {res.dead_storage_m3 / 1e6:,.6g} mcm (dead_storage_mcm)")
    return "; ".join(said)


def check_substeps(network: Network, substeps: np.ndarray, limit: int, day_labels,
                   q_in: np.ndarray | None = None, res_outflow: np.ndarray | None = None) -> None:
    """Raise if a day needed more than ``limit`` sub-steps (the kernel stopped there).

    The step is set by the cell whose water leaves fastest for its volume (Courant) or whose
    dispersion is strongest for its volume, nearly always the shortest cells: the error names
    the five reaches with the shortest cells and what to change; with the reaches' inflows
    ``q_in`` (m3 s-1, [day, reach]), also a flow of that day far above its reach's median (an
    inflow, transfer or release in m3 a day given as m3 a second sets the step as well), and with the
    reservoirs' outflows ``res_outflow`` (m3 s-1, [day, reservoir]) the reservoir that let it out (a
    flood season's first day spills the water between its two levels at once, :mod:`hydro.flood_season`).
    """
    over = np.flatnonzero(substeps > limit)
    if over.size == 0:
        return
    day = int(over[0])
    when = day_labels[day] if day_labels is not None and day < len(day_labels) else f"day {day + 1} of the run"
    lay = network.layout
    shortest: dict[int, float] = {}  # reach -> its shortest cell, m; reaches in order of it
    for i in np.argsort(lay.cell_dx, kind="stable"):
        shortest.setdefault(int(lay.cell_reach[i]), float(lay.cell_dx[i]))
        if len(shortest) == 5:
            break
    names = ", ".join(f"'{network.reaches[r].id}' ({dx:.3g} m)" for r, dx in shortest.items())
    from hydro._transport_kernels import NO_STEP

    need = "more sub-steps than can be counted (a step of 0: a speed or dispersion beyond any river's?)" if \
        int(substeps[day]) >= NO_STEP else f"{int(substeps[day]):,} sub-steps"
    raise HydroError(
        f"transport: {when} would need {need} (at most {limit:,} a day, a step of "
        f"{SECONDS_PER_DAY / limit:.3g} s): some cells are too short or small for the water through them that day. "
        + _flood(network, q_in, day, res_outflow) +
        f"The reaches with the shortest cells: {names}. Give such reaches fewer cells (`cells`), check their "
        "`length_km` and hydraulics, or use a coarser `run.cell_length_km` (docs/basin-file.md)")


def _flood(network: Network, q_in: np.ndarray | None, day: int, res_outflow: np.ndarray | None = None) -> str:
    """What to say of day ``day``'s largest inflow against its reach's median (m3 s-1; at least 1, so that a
    reach dry on most days is not said to flood with a trickle), where it is over 100 times it: a flow given
    in a wrong unit, the likelier cause than the cells."""
    if q_in is None or q_in.shape[0] <= day or q_in.shape[1] == 0:
        return ""
    ratio = q_in[day] / np.maximum(np.median(q_in, axis=0), 1.0)
    r = int(np.argmax(ratio))
    if ratio[r] < 100.0:
        return ""
    said = (f"That day reach '{network.reaches[r].id}' takes {q_in[day, r]:.4g} m3/s, {ratio[r]:.3g} times its "
            "median over the run")
    above = [s for s, res in enumerate(network.reservoirs) if res.downstream == network.reaches[r].id]
    if res_outflow is not None and above and res_outflow[day, above].max() > 0.5 * q_in[day, r]:
        lake = network.reservoirs[above[int(np.argmax(res_outflow[day, above]))]]
        season = "" if lake.flood_season is None else (
            f"; its flood season ({lake.flood_season_text}) lets the water above flood_limit_level_m out in one "
            "day: flood_drawdown_days spreads it over the days before (docs/basin-file.md)")
        return (f"{said}, {res_outflow[day, above].max():.4g} m3/s of it from reservoir '{lake.id}'{season}. ")
    return (f"{said}: a flood's first day on a low river (its flow against the cells' volume before it sets "
            "the step), or an inflow, transfer, release or point source of that day in a wrong unit (m3 per "
            "second, not per day): check that day's inputs; a real flood passes on coarser cells. ")


def transport_closure(tr, kind: str = "network") -> float:
    """:meth:`hydro.transport.TransportResult.closure` of ``tr``: the largest relative budget imbalance over
    elements, periods and tracers (``kind``: ``"reach"``, ``"reservoir"`` or ``"network"``)."""

    def imbalance(budget, storage):
        b = budget
        gains = b[:, :, 0] + b[:, :, 1] + b[:, :, 2] + b[:, :, 6]
        losses = b[:, :, 3] + b[:, :, 4] + b[:, :, 5]
        change = storage[1:] - storage[:-1]
        # what entered, the mass a species made from another by reactions (its removal < 0) included: a
        # species fed by a reaction alone was judged against its own tiny inputs, its round-off read as
        # 4e-7 (an adversarial test, 2026-12-05)
        entered = np.abs(storage[:-1]) + np.abs(b[:, :, 0]) + np.abs(b[:, :, 1]) + np.abs(b[:, :, 2]) \
            + np.abs(b[:, :, 6]) + np.maximum(-b[:, :, 4], 0.0)
        return gains - losses - change, entered

    if kind == "reach":
        err, scale = imbalance(tr.budget_reach, tr.storage_reach)
    elif kind == "reservoir":
        if tr.budget_reservoir.shape[1] == 0:
            return 0.0
        err, scale = imbalance(tr.budget_reservoir, tr.storage_reservoir)
    elif kind == "network":
        e1, s1 = imbalance(tr.budget_reach, tr.storage_reach)
        e2, s2 = imbalance(tr.budget_reservoir, tr.storage_reservoir)
        err = e1.sum(axis=1) + e2.sum(axis=1)
        scale = np.maximum(s1.max(axis=1), s2.max(axis=1) if s2.size else 0.0)
        err, scale = err[:, None], scale[:, None]
    else:
        raise ValueError(f"kind must be reach, reservoir or network, got {kind!r}")
    with np.errstate(invalid="ignore", divide="ignore"):
        rel = np.where(scale > 0, np.abs(err) / scale, 0.0)
    return float(rel.max()) if rel.size else 0.0
