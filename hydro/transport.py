"""Transport of nitrogen (and other constituents) down a river network.

:func:`simulate` is the public wrapper of the compiled solver in
:mod:`hydro._transport_kernels`: it checks the inputs (shapes, NaN, flows that
must be positive), converts them to contiguous arrays, allocates outputs, calls
the kernel and returns a :class:`TransportResult` with named arrays in the units
users read (kg d-1, mg L-1).  Inside, every quantity is SI (g, m3, s).

Several tracers are transported at once; a tracer is one constituent, or one
constituent from one source when loads are apportioned (transport is linear, so
the tracers of one constituent add up to it exactly).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, replace

import numpy as np

from hydro.errors import HydroError
from hydro.network import Network
from hydro.tomlio import Table
from hydro.units import SECONDS_PER_DAY
from hydro.variables import FLUX_TERMS

#: Threads :func:`simulate` runs constituents on by default (at most the CPUs):
#: a run carrying TN, TP and CODMn with their species splits into two lanes of
#: similar work.  Set ``HYDRO_TRANSPORT_THREADS=1`` where processes already
#: fill the machine (a batch on as many workers as cores).
TRANSPORT_THREADS = max(1, min(int(os.environ.get("HYDRO_TRANSPORT_THREADS", "2")), os.cpu_count() or 1))

#: A lane (thread) must carry at least this share of the tracers to be worth it.
MIN_LANE_SHARE = 0.25

#: Days sampled (evenly over the run) for the statistics that set volume levels.
MAX_SAMPLE_DAYS = 1000

#: A cell's volume is never allowed below this share of its median geometric
#: volume: where the water balance would take it lower (withdrawals or routing
#: deficits larger than the reach holds), the reach's whole volume series is
#: raised by a constant, which keeps every day's balance exact.
MIN_VOLUME_SHARE = 0.1


_REMOVAL_KEYS = ("river_removal_per_day", "river_theta", "reservoir_removal_per_day", "reservoir_theta",
                 "settling_velocity_m_per_day")


@dataclass(frozen=True)
class Reaction:
    """A first-order reaction of one species of a constituent into a later one.

    The rate is ``k20 * theta**(T - 20)`` (d-1 at 20 deg C), in rivers and in
    reservoirs; the mass the ``source`` species loses this way is gained by the
    ``product`` (in the same element units, e.g. g N), or leaves the
    constituent when there is no product (a sink such as denitrification).

    Attributes
    ----------
    source, product : str, str or None
        Species names; the product comes later in the constituent's species list.
    river_rate_per_day, reservoir_rate_per_day : float
        Rate at 20 deg C, d-1.
    river_theta, reservoir_theta : float
        Temperature factors, dimensionless.
    """

    source: str
    product: str | None
    river_rate_per_day: float = 0.0
    river_theta: float = 1.047
    reservoir_rate_per_day: float = 0.0
    reservoir_theta: float = 1.047

    @classmethod
    def from_table(cls, t: Table, species: list[str]) -> "Reaction":
        """Read one ``[[constituents.reactions]]`` table of a constituent with ``species``."""
        source = t.str("from")
        product = t.str("to", default=None)
        for key, name in (("from", source), ("to", product)):
            if name is not None and name not in species:
                raise t.error(key, f"'{name}' is not a species of this constituent; species: "
                                   f"{', '.join(species)}")
        if product is not None and species.index(product) <= species.index(source):
            raise t.error("to", f"a reaction goes from a species to a later one in the species list "
                                f"('{source}' -> '{product}'); list '{product}' after '{source}'")
        r = cls(
            source=source, product=product,
            river_rate_per_day=t.float("river_rate_per_day", default=0.0, minimum=0.0),
            river_theta=t.float("river_theta", default=1.047, positive=True),
            reservoir_rate_per_day=t.float("reservoir_rate_per_day", default=0.0, minimum=0.0),
            reservoir_theta=t.float("reservoir_theta", default=1.047, positive=True),
        )
        t.finish()
        return r


@dataclass(frozen=True)
class Constituent:
    """A transported constituent and its removal parameters.

    A constituent may be the sum of *species* (total nitrogen of organic N,
    NH3-N and nitrate; total phosphorus of dissolved and particulate P) that
    turn into each other by first-order reactions (:class:`Reaction`); it then has no
    removal parameters of its own: each species has its own.

    Attributes
    ----------
    name : str
        Short lower-case name used in variable names (``tn``, ``tp``, ``nh3n``).
    long_name : str
        Human-readable name.
    river_removal_per_day : float
        First-order removal rate in rivers at 20 deg C, d-1.
    river_theta : float
        Arrhenius temperature factor: rate = k20 * theta**(T - 20), dimensionless.
    reservoir_removal_per_day : float
        First-order removal rate in reservoirs at 20 deg C, d-1.
    reservoir_theta : float
        Temperature factor in reservoirs, dimensionless.
    settling_velocity_m_per_day : float
        Apparent settling velocity in reservoirs, m d-1.
    species : tuple of Constituent
        The species the constituent is the sum of (empty: it is transported as one).
    reactions : tuple of Reaction
        Reactions between its species.
    """

    name: str
    long_name: str
    river_removal_per_day: float = 0.0
    river_theta: float = 1.047
    reservoir_removal_per_day: float = 0.0
    reservoir_theta: float = 1.047
    settling_velocity_m_per_day: float = 0.0
    species: tuple["Constituent", ...] = ()
    reactions: tuple[Reaction, ...] = ()

    @property
    def parts(self) -> tuple["Constituent", ...]:
        """What is transported: the species, or the constituent itself."""
        return self.species or (self,)

    @classmethod
    def from_table(cls, t: Table, species_of: str | None = None) -> "Constituent":
        """Read one ``[[constituents]]`` table (or, with ``species_of``, one of its species)."""
        name = t.str("name")
        if not name.isidentifier() or name.lower() != name:
            raise t.error("name", f"'{name}' must be a lower-case identifier such as 'tn'")
        if species_of is None and t.has("species"):
            for key in _REMOVAL_KEYS:
                if t.has(key):
                    raise t.error(key, "a constituent made of species has no removal parameters of its "
                                       "own; give them to each [[constituents.species]]")
            species = tuple(cls.from_table(s, species_of=name) for s in t.tables("species"))
            names = [s.name for s in species]
            if not species or len(set(names)) != len(names) or name in names:
                raise t.error("species", f"give one or more species with distinct names other than "
                                         f"'{name}'; got {names}")
            reactions = tuple(Reaction.from_table(r, names) for r in t.tables("reactions", default=[]))
            c = cls(name=name, long_name=t.str("long_name", default=name), species=species,
                    reactions=reactions)
            t.finish()
            return c
        if t.has("reactions"):
            raise t.error("reactions", "reactions need [[constituents.species]] to react between")
        c = cls(
            name=name,
            long_name=t.str("long_name", default=name),
            river_removal_per_day=t.float("river_removal_per_day", default=0.0, minimum=0.0),
            river_theta=t.float("river_theta", default=1.047, positive=True),
            reservoir_removal_per_day=t.float("reservoir_removal_per_day", default=0.0, minimum=0.0),
            reservoir_theta=t.float("reservoir_theta", default=1.047, positive=True),
            settling_velocity_m_per_day=t.float("settling_velocity_m_per_day", default=0.0, minimum=0.0),
        )
        t.finish()
        return c


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
        ``lateral + withdrawal`` is the water that carries ``lateral_load``; where
        that is negative, the deficit leaves at the reach's concentration too.
        Default: ``q_out - q_in`` (hydraulics without storage: volumes constant).
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
        Sub-steps the solver took each day.
    final_concentration : (N, T) float
        Concentration in every cell at the end of the run, mg L-1.
    raised_reaches : tuple of int
        Reaches whose volume series was raised to keep it above
        :data:`MIN_VOLUME_SHARE` of its start (see :func:`cell_volumes`).
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
        def imbalance(budget, storage):
            b = budget
            gains = b[:, :, 0] + b[:, :, 1] + b[:, :, 2] + b[:, :, 6]
            losses = b[:, :, 3] + b[:, :, 4] + b[:, :, 5]
            change = storage[1:] - storage[:-1]
            entered = np.abs(storage[:-1]) + np.abs(b[:, :, 0]) + np.abs(b[:, :, 1]) + np.abs(b[:, :, 2]) \
                + np.abs(b[:, :, 6])
            return gains - losses - change, entered

        if kind == "reach":
            err, scale = imbalance(self.budget_reach, self.storage_reach)
        elif kind == "reservoir":
            if self.budget_reservoir.shape[1] == 0:
                return 0.0
            err, scale = imbalance(self.budget_reservoir, self.storage_reservoir)
        elif kind == "network":
            e1, s1 = imbalance(self.budget_reach, self.storage_reach)
            e2, s2 = imbalance(self.budget_reservoir, self.storage_reservoir)
            err = e1.sum(axis=1) + e2.sum(axis=1)
            scale = np.maximum(s1.max(axis=1), s2.max(axis=1) if s2.size else 0.0)
            err, scale = err[:, None], scale[:, None]
        else:
            raise ValueError(f"kind must be reach, reservoir or network, got {kind!r}")
        with np.errstate(invalid="ignore", divide="ignore"):
            rel = np.where(scale > 0, np.abs(err) / scale, 0.0)
        return float(rel.max()) if rel.size else 0.0


@dataclass(frozen=True)
class TracerLayout:
    """The tracers of some constituents, as :func:`simulate` takes them.

    Each constituent is one group; a group holds, for each of its species in
    order, one tracer per tag (source): tracer ``group_start + s * n_tags + j``
    is species ``s`` from tag ``j``.  Built by :func:`tracer_layout`.

    Attributes
    ----------
    tracers : list of Constituent
        One per tracer, named ``<species>_<tag>`` (or ``<species>`` with one tag).
    groups, group_species : list of int
        Tracers and species of each group.
    reactions : list of (int, int, int, Reaction)
        Group, source species index, product species index (-1: none), reaction.
    names : list of str
        The transported species (or constituent) of each group, in tracer order.
    """

    tracers: list[Constituent]
    groups: list[int]
    group_species: list[int]
    reactions: list[tuple[int, int, int, Reaction]]
    names: list[str]


def tracer_layout(constituents: list[Constituent], tags: list[str]) -> TracerLayout:
    """Tracers for ``constituents``, each species apportioned to ``tags`` (sources)."""
    tracers: list[Constituent] = []
    groups, species, reactions, names = [], [], [], []
    for g, c in enumerate(constituents):
        parts = c.parts
        for sp in parts:
            names.append(sp.name)
            for tag in tags:
                tracers.append(sp if len(tags) == 1 else
                               replace(sp, name=f"{sp.name}_{tag}", species=(), reactions=()))
        groups.append(len(parts) * len(tags))
        species.append(len(parts))
        index = [sp.name for sp in parts]
        for r in c.reactions:
            reactions.append((g, index.index(r.source), -1 if r.product is None else index.index(r.product), r))
    return TracerLayout(tracers=tracers, groups=groups, group_species=species, reactions=reactions, names=names)


def simulate(network: Network, tracers: list[Constituent], inputs: TransportInputs, *,
             courant: float = 0.9, dispersion_limit: float = 1.0,
             groups: list[int] | None = None,
             day_labels: list[str] | None = None,
             group_species: list[int] | None = None,
             reactions: list[tuple[int, int, int, Reaction]] | None = None,
             threads: int | None = None) -> TransportResult:
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
        Bound on (sum of face conductances) * dt / cell volume, in (0, 1];
        1 is the positivity limit of the explicit dispersion step.
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
        Threads to run groups on (constituents never interact, so they can run
        side by side; the results are identical to one thread's).  Default:
        :data:`TRANSPORT_THREADS`, used only where the work splits into lanes
        of comparable size (:func:`_lanes`).

    Returns
    -------
    TransportResult
    """
    if not 0 < courant <= 1:
        raise HydroError(f"courant must lie in (0, 1], got {courant}")
    if not 0 < dispersion_limit <= 1:
        raise HydroError(f"dispersion_limit must lie in (0, 1], got {dispersion_limit}")
    lay = network.layout
    n_day, n_reach = np.shape(inputs.q_in)
    n_res = len(network.reservoirs)
    n_tr = len(tracers)
    n_sec = len(network.sections)
    f64 = lambda a: np.ascontiguousarray(a, dtype=np.float64)  # noqa: E731
    arr = {name: f64(getattr(inputs, name)) for name in (
        "q_in", "q_out", "res_volume", "res_outflow", "res_area", "boundary_flux", "boundary_conc",
        "lateral_load", "point_load", "res_load", "reach_temp", "res_temp", "init_conc",
        "init_res_conc")}
    arr["withdrawal"] = f64(np.zeros((n_day, n_reach)) if inputs.withdrawal is None else inputs.withdrawal)
    arr["lateral"] = f64(arr["q_out"] - arr["q_in"] if inputs.lateral is None else inputs.lateral)
    expected = {
        "q_in": (n_day, n_reach), "q_out": (n_day, n_reach), "res_volume": (n_day + 1, n_res),
        "res_outflow": (n_day, n_res), "res_area": (n_day, n_res),
        "boundary_flux": (n_day, n_reach, n_tr), "boundary_conc": (n_day, n_reach, n_tr),
        "lateral_load": (n_day, n_reach, n_tr), "point_load": (n_day, len(inputs.point_cell), n_tr),
        "res_load": (n_day, n_res, n_tr), "reach_temp": (n_day, n_reach), "res_temp": (n_day, n_res),
        "init_conc": (lay.n_cells, n_tr), "init_res_conc": (n_res, n_tr), "withdrawal": (n_day, n_reach),
        "lateral": (n_day, n_reach),
    }
    if n_reach != len(network.reaches):
        raise HydroError(f"flows are given for {n_reach} reaches, the network has {len(network.reaches)}")
    for name, shape in expected.items():
        if arr[name].shape != shape:
            raise HydroError(f"transport input '{name}' has shape {arr[name].shape}, expected {shape}")
    _check_inputs(network, arr, day_labels)
    period = np.ascontiguousarray(inputs.period_of_day, dtype=np.int64)
    if period.shape != (n_day,) or n_day == 0 or period[0] != 0 or np.any(np.diff(period) < 0) \
            or np.any(np.diff(period) > 1):
        raise HydroError("period_of_day must start at 0 and step by 0 or 1 each day")
    n_period = int(period[-1]) + 1
    sizes = [1] * n_tr if groups is None else list(groups)
    if sum(sizes) != n_tr or min(sizes, default=1) < 1:
        raise ValueError(f"groups {sizes} must be positive and add up to {n_tr} tracers")
    group_start = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)
    n_species = [1] * len(sizes) if group_species is None else list(group_species)
    if len(n_species) != len(sizes) or any(n < 1 or size % n for n, size in zip(n_species, sizes, strict=True)):
        raise ValueError(f"group_species {n_species} must divide the group sizes {sizes}")
    for g in range(len(sizes)):
        n_src = sizes[g] // n_species[g]
        for sp in range(n_species[g]):
            block = tracers[group_start[g] + sp * n_src:group_start[g] + (sp + 1) * n_src]
            for tag in block[1:]:
                if any(getattr(tag, key) != getattr(block[0], key) for key in _REMOVAL_KEYS):
                    raise ValueError(f"tags of one species must share removal parameters: "
                                     f"{block[0].name} and {tag.name} differ")
    rx = sorted(reactions or [], key=lambda x: x[0])
    for g, a, b, _ in rx:
        if not (0 <= g < len(sizes) and 0 <= a < n_species[g] and (b == -1 or a < b < n_species[g])):
            raise ValueError(f"reaction ({g}, {a}, {b}) does not fit groups {sizes} of species {n_species}")

    per_day = 1.0 / SECONDS_PER_DAY
    k20_river = np.array([c.river_removal_per_day * per_day for c in tracers])
    theta_river = np.array([c.river_theta for c in tracers])
    k20_res = np.array([c.reservoir_removal_per_day * per_day for c in tracers])
    theta_res = np.array([c.reservoir_theta for c in tracers])
    settling = np.array([c.settling_velocity_m_per_day * per_day for c in tracers])
    # removal rates at each day's temperature, k20 theta^(T - 20) (s-1), (D, R|S, T)
    reach_rate = np.ascontiguousarray(k20_river * theta_river ** (arr["reach_temp"][:, :, None] - 20.0))
    res_rate = np.ascontiguousarray(k20_res * theta_res ** (arr["res_temp"][:, :, None] - 20.0))
    rx_k = np.array([[r.river_rate_per_day * per_day, r.river_theta, r.reservoir_rate_per_day * per_day,
                      r.reservoir_theta] for *_, r in rx]).reshape(-1, 4)
    rx_river = np.ascontiguousarray(rx_k[:, 0] * rx_k[:, 1] ** (arr["reach_temp"][:, :, None] - 20.0))
    rx_res = np.ascontiguousarray(rx_k[:, 2] * rx_k[:, 3] ** (arr["res_temp"][:, :, None] - 20.0))

    outputs = {name: np.zeros(shape) for name, shape in (
        ("reach", (n_day, n_reach, n_tr)), ("reach_disp", (n_day, n_reach, n_tr)),
        ("sec", (n_day, n_sec, n_tr)), ("sec_disp", (n_day, n_sec, n_tr)),
        ("res_conc", (n_day, n_res, n_tr)), ("res_mass", (n_day, n_res, n_tr)),
        ("b_reach", (n_period, n_reach, len(FLUX_TERMS), n_tr)), ("b_res", (n_period, n_res, len(FLUX_TERMS), n_tr)),
        ("s_reach", (n_period + 1, n_reach, n_tr)), ("s_res", (n_period + 1, n_res, n_tr)),
        ("final", (lay.n_cells, n_tr)))}
    substeps = np.zeros(n_day, dtype=np.int64)

    # water that carries the lateral loads, and water leaving at the cell's
    # concentration (withdrawals, and any deficit of the gross lateral inflow)
    gross = arr["lateral"] + arr["withdrawal"]
    loss = np.ascontiguousarray(arr["withdrawal"] + np.maximum(-gross, 0.0))
    volume, share, raised = cell_volumes(network, arr["q_in"], arr["q_out"], arr["lateral"])
    through = _through(lay.reach_cell_start, share)
    from hydro import _transport_kernels as _k  # numba: imported when first used (see hydro.cli)

    per_tracer = ("boundary_flux", "boundary_conc", "lateral_load", "point_load", "res_load", "init_conc",
                  "init_res_conc")

    def run_lane(groups_of_lane: list[int]) -> None:
        """Run some groups (constituents) through the kernel; groups never interact, so a lane
        computes exactly what a run of every group would compute for them."""
        whole = len(groups_of_lane) == len(sizes)
        idx = np.arange(n_tr) if whole else np.concatenate(
            [np.arange(group_start[g], group_start[g + 1]) for g in groups_of_lane])
        take = (lambda a: a) if whole else (lambda a: np.ascontiguousarray(a[..., idx]))
        lane_rx = [i for i, x in enumerate(rx) if x[0] in groups_of_lane]
        renumber = {g: k for k, g in enumerate(groups_of_lane)}
        out = outputs if whole else {name: np.zeros(a.shape[:-1] + (len(idx),)) for name, a in outputs.items()}
        lane_steps = substeps if not groups_of_lane or groups_of_lane[0] == 0 else np.zeros_like(substeps)
        _k.simulate_kernel(
            lay.reach_cell_start, lay.cell_reach, lay.cell_dx, volume, share, through, lay.reach_down_kind,
            lay.reach_down_index,
            lay.res_down_kind, lay.res_down_index,
            np.array([r.dispersion_m2_s for r in network.reaches], dtype=float),
            np.ascontiguousarray(inputs.dispersive_inlet, dtype=np.bool_), lay.section_cell,
            np.ascontiguousarray(inputs.point_cell, dtype=np.int64),
            arr["q_in"], arr["q_out"], arr["lateral"], loss, arr["res_volume"], arr["res_outflow"],
            arr["res_area"], *(take(arr[name]) for name in per_tracer[:5]), take(reach_rate), take(res_rate),
            take(settling), take(arr["init_conc"]), take(arr["init_res_conc"]),
            np.concatenate([[0], np.cumsum([sizes[g] for g in groups_of_lane])]).astype(np.int64),
            float(courant), float(dispersion_limit), period,
            np.array([n_species[g] for g in groups_of_lane], dtype=np.int64),
            np.searchsorted([renumber[rx[i][0]] for i in lane_rx],
                            np.arange(len(groups_of_lane) + 1)).astype(np.int64),
            np.array([rx[i][1] for i in lane_rx], dtype=np.int64), np.array([rx[i][2] for i in lane_rx], dtype=np.int64),
            np.ascontiguousarray(rx_river[..., lane_rx]), np.ascontiguousarray(rx_res[..., lane_rx]),
            out["reach"], out["reach_disp"], out["sec"], out["sec_disp"], out["res_conc"], out["res_mass"],
            lane_steps, out["b_reach"], out["b_res"], out["s_reach"], out["s_res"], out["final"],
        )
        if not whole:
            for name, a in out.items():
                outputs[name][..., idx] = a

    lanes = _lanes(sizes, threads)
    if len(lanes) == 1:
        run_lane(lanes[0])
    else:
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(len(lanes)) as pool:  # the kernel releases the GIL (nogil)
            for future in [pool.submit(run_lane, lane) for lane in lanes]:
                future.result()
    out_reach, out_reach_disp, out_sec, out_sec_disp = (outputs[k] for k in ("reach", "reach_disp", "sec", "sec_disp"))
    out_res_conc, out_res_mass, final = outputs["res_conc"], outputs["res_mass"], outputs["final"]
    b_reach, b_res, s_reach, s_res = (outputs[k] for k in ("b_reach", "b_res", "s_reach", "s_res"))

    kg = 1e-3
    # discharge through the face each section sits on: as the solver carries it
    r_sec = lay.cell_reach[lay.section_cell]
    sec_q = arr["q_in"][:, r_sec] + (arr["q_out"] - arr["q_in"])[:, r_sec] * through[lay.section_cell]
    with np.errstate(invalid="ignore", divide="ignore"):
        reach_conc = out_reach / (arr["q_out"][:, :, None] * SECONDS_PER_DAY)
        sec_conc = out_sec / (sec_q[:, :, None] * SECONDS_PER_DAY)
    return TransportResult(
        reach_load=(out_reach + out_reach_disp) * kg, reach_concentration=reach_conc,
        section_discharge=sec_q, section_load=(out_sec + out_sec_disp) * kg, section_concentration=sec_conc,
        reservoir_concentration=out_res_conc, reservoir_outflow_load=out_res_mass * kg,
        budget_reach=b_reach * kg, budget_reservoir=b_res * kg,
        storage_reach=s_reach * kg, storage_reservoir=s_res * kg, substeps=substeps,
        final_concentration=final, raised_reaches=raised,
    )


def _lanes(sizes: list[int], threads: int | None) -> list[list[int]]:
    """Groups split into at most ``threads`` lanes of about equal tracer counts.

    Largest group first onto the lightest lane; one lane when there is one
    thread, one group, or the lightest lane would carry less than
    :data:`MIN_LANE_SHARE` of the tracers (a thread is not worth its start).
    """
    n = TRANSPORT_THREADS if threads is None else max(1, int(threads))
    n = min(n, len(sizes))
    if n <= 1:
        return [list(range(len(sizes)))]
    lanes: list[list[int]] = [[] for _ in range(n)]
    load = [0] * n
    for g in sorted(range(len(sizes)), key=lambda g: -sizes[g]):
        k = load.index(min(load))
        lanes[k].append(g)
        load[k] += sizes[g]
    if min(load) < MIN_LANE_SHARE * sum(sizes):
        return [list(range(len(sizes)))]
    return [sorted(lane) for lane in sorted(lanes, key=min)]


def cell_volumes(network: Network, q_in: np.ndarray, q_out: np.ndarray,
                 lateral: np.ndarray) -> tuple[np.ndarray, np.ndarray, tuple[int, ...]]:
    """Cell volumes at the start of a run (m3), each cell's share, and the raised reaches.

    The solver changes a reach's volume only by its water balance, each cell by
    ``(q_in - q_out + lateral) / n`` per second (as water-quality models driven
    by a hydraulic model do: WASP, CE-QUAL-W2), so only the *level* of the
    volume series is free.  It is set so that the series matches the channel's
    hydraulic geometry as closely as the balance allows: the reach starts at the
    median over the run (on at most :data:`MAX_SAMPLE_DAYS` evenly spaced days)
    of (geometric volume at the day's flow) minus (storage the balance has
    gained by mid-day).  Geometric volumes are ``dx * A(Q)``
    with ``A`` from :meth:`hydro.network.Reach.cross_section_m2` at each cell's
    mean discharge.  With steady hydraulics (no storage change) this is the
    median geometric volume; with Muskingum-Cunge routing the volume rises and
    falls with the routing's storage around the geometry.  Each cell takes a
    fixed share of its reach's volume, lateral water, loads, withdrawals and
    storage change: its share of the reach's geometric volume over the run (so
    the small cells at the top of a river that starts dry are not drained by an
    even split).  Where the balance would take the reach below
    :data:`MIN_VOLUME_SHARE` of its median geometric volume, its level is raised
    by the shortfall (a constant, so every day's balance stays exact) and the
    reach is reported.

    Parameters
    ----------
    network : Network
    q_in, q_out, lateral : (D, R) float
        Inlet and outlet discharge and net lateral water, m3 s-1.

    Returns
    -------
    volume : (N,) float
        Cell volumes at the start of the first day, m3.
    share : (N,) float
        Each cell's share of its reach (they add up to 1 over a reach).
    raised : tuple of int
        Indices of the reaches whose level was raised.
    """
    lay = network.layout
    n_day = q_in.shape[0]
    gained = np.cumsum((q_in - q_out + lateral) * SECONDS_PER_DAY, axis=0)  # end of each day, m3
    mid_day = gained - 0.5 * (q_in - q_out + lateral) * SECONDS_PER_DAY
    # the level and shares are statistics over the run: at most MAX_SAMPLE_DAYS
    # evenly spaced days are enough for them and keep the work bounded
    days = np.unique(np.linspace(0, n_day - 1, min(n_day, MAX_SAMPLE_DAYS)).astype(np.int64))
    start = lay.reach_cell_start[:-1]
    n_cells = np.diff(lay.reach_cell_start)
    along = (np.arange(lay.n_cells) - np.repeat(start, n_cells) + 0.5) / np.repeat(n_cells, n_cells)
    r_of = lay.cell_reach
    q_cell = q_in[days][:, r_of] + (q_out - q_in)[days][:, r_of] * along  # (days, N)
    geometric = np.empty_like(q_cell)
    for r, reach in enumerate(network.reaches):
        a, b = lay.reach_cell_start[r], lay.reach_cell_start[r + 1]
        geometric[:, a:b] = reach.cross_section_m2(np.maximum(q_cell[:, a:b], 0.0))
    geometric *= lay.cell_dx
    reach_geometric = np.add.reduceat(geometric, start, axis=1)  # (days, R)
    level = np.median(reach_geometric - mid_day[days], axis=0)
    share = geometric.sum(axis=0) / reach_geometric.sum(axis=0)[r_of]
    lowest = np.minimum(0.0, gained.min(axis=0))
    need = MIN_VOLUME_SHARE * np.median(reach_geometric, axis=0) - (level + lowest)
    raised = np.flatnonzero(need > 0.0)
    level = level + np.maximum(need, 0.0)
    return share * level[r_of], share, tuple(int(r) for r in raised)


def _through(reach_cell_start: np.ndarray, share: np.ndarray) -> np.ndarray:
    """Cumulative share of its reach down to each cell's outflow face (exactly 1 at the last cell)."""
    through = np.empty_like(share)
    for r in range(len(reach_cell_start) - 1):
        a, b = reach_cell_start[r], reach_cell_start[r + 1]
        through[a:b] = np.cumsum(share[a:b])
        through[b - 1] = 1.0
    return through


def _check_inputs(network: Network, arr: dict[str, np.ndarray], day_labels) -> None:
    """NaN anywhere, and flows that must be positive, named by reach and day."""
    def day(d):
        return day_labels[d] if day_labels is not None else f"day {d}"

    for name, a in arr.items():
        bad = ~np.isfinite(a)
        if bad.any():
            idx = np.argwhere(bad)[0]
            what = f"{name} is not finite (NaN or inf)"
            if a.ndim >= 2 and name.startswith(("q_", "boundary", "lateral", "reach_")) and \
                    idx[1] < len(network.reaches) and name != "init_conc":
                raise HydroError(f"{what} on reach '{network.reaches[idx[1]].id}', {day(idx[0])}; "
                                 "fill the gap in the input or check the forcing")
            raise HydroError(f"{what} at index {tuple(int(i) for i in idx)}; check the inputs")
    # a reach inlet may carry no water (the source of a river fed only along its
    # length), but then nothing may enter there; every outlet needs flow
    carrying = (arr["boundary_flux"] > 0).any(axis=2)
    for name, bad in (("q_in", (arr["q_in"] < 0) | ((arr["q_in"] == 0) & carrying)),
                      ("q_out", arr["q_out"] <= 0)):
        if bad.any():
            d, r = np.argwhere(bad)[0]
            end = "inlet" if name == "q_in" else "outlet"
            raise HydroError(
                f"reach '{network.reaches[r].id}' has no flow at its {end} on {day(d)} "
                f"({arr[name][d, r]:g} m3/s); every reach needs flow > 0: add lateral or "
                "boundary inflow, or an ecological minimum release upstream")
    if (arr["withdrawal"] < 0).any():
        d, r = np.argwhere(arr["withdrawal"] < 0)[0]
        raise HydroError(f"reach '{network.reaches[r].id}' has a negative withdrawal on {day(d)} "
                         f"({arr['withdrawal'][d, r]:g} m3/s); withdrawals are water taken out, >= 0")
    if arr["res_volume"].size and (arr["res_volume"] <= 0).any():
        d, s = np.argwhere(arr["res_volume"] <= 0)[0]
        raise HydroError(f"reservoir '{network.reservoirs[s].id}' is empty on {day(min(d, len(arr['q_in']) - 1))}; "
                         "raise its initial storage or lower its releases")
