"""Constituents, their species and the reactions between them, and their tracers.

A :class:`Constituent` is what a basin carries (``[[constituents]]``): one
transported quantity with first-order removal, or the sum of *species* that
turn into each other by first-order :class:`Reaction`\\ s.  :func:`tracer_layout`
lays constituents out as the tracers :func:`hydro.transport.simulate` takes
(constituent, then species, then source tag).
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from hydro.errors import HydroError, repeated
from hydro.tomlio import Table
from hydro.units import SECONDS_PER_DAY

#: Bounds of a first-order rate read from a file, d-1: in-stream TN removal runs 0.005-0.45 (Alexander et al.
#: 2000), nitrification in small streams up to a few per day, so 10 leaves room; a rate per year given per day
#: (0.05 as 18.25) ran, the outlet's TN 130 times too low.  (A Constituent built in Python is not bounded.)
RATE_BOUND: dict[str, Any] = {"minimum": 0.0, "maximum": 10.0, "why": "a rate per year given per day?"}
#: Bounds of a temperature factor theta (rate x theta**(T - 20)): 1.02-1.10 in the literature (Chapra 1997).
THETA_BOUND: dict[str, Any] = {"minimum": 1.0, "maximum": 1.2, "why": "theta is 1.02-1.10 (Chapra 1997)"}
#: Bounds of an apparent settling velocity, m d-1: nitrogen settles in lakes at 5-50 m a year (0.014-0.14 m a day),
#: so 5 leaves room (m a year given per day, 10, ran: the lake's TN 140 times too low); particles settle faster
#: (silt of 10 um about 8 m a day by Stokes' law), so a part of another name (particulate P, a tracer) takes 20.
NITROGEN_PARTS = ("tn", "orgn", "nh3n", "no3n")
SETTLING_BOUND: dict[str, Any] = {"minimum": 0.0, "maximum": 5.0,
                                  "why": "lakes' N settles at 0.01-0.15 m a day; m a year given per day?"}
PARTICLE_SETTLING_BOUND: dict[str, Any] = {"minimum": 0.0, "maximum": 20.0,
                                           "why": "fine silt (10 um) settles at about 8 m a day; m a year given "
                                                  "per day?"}
#: The keys of a constituent's (or species') own removal.
REMOVAL_KEYS = ("river_removal_per_day", "river_theta", "reservoir_removal_per_day", "reservoir_theta",
                 "settling_velocity_m_per_day")


def _check_rates(label: str, obj: object, rates: tuple[str, ...], thetas: tuple[str, ...]) -> None:
    """Refuse rates that are not finite and >= 0, and temperature factors that are not finite and > 0."""
    for key in rates + thetas:
        value = getattr(obj, key)
        low = key in thetas
        x = float(value) if isinstance(value, numbers.Real) else math.nan
        if not (math.isfinite(x) and (x > 0 if low else x >= 0)):
            raise HydroError(f"{label}: {key} must be a finite number {'> 0' if low else '>= 0'}, got {value!r}")


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

    def __post_init__(self) -> None:
        _check_rates(f"Reaction {self.source} -> {self.product or '(sink)'}", self,
                     ("river_rate_per_day", "reservoir_rate_per_day"), ("river_theta", "reservoir_theta"))

    @classmethod
    def from_table(cls, t: Table, species: list[str]) -> Reaction:
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
            river_rate_per_day=t.float("river_rate_per_day", default=0.0, **RATE_BOUND),
            river_theta=t.float("river_theta", default=1.047, **THETA_BOUND),
            reservoir_rate_per_day=t.float("reservoir_rate_per_day", default=0.0, **RATE_BOUND),
            reservoir_theta=t.float("reservoir_theta", default=1.047, **THETA_BOUND),
        )
        t.finish()
        return r


#: The error of a basin file without ``[[constituents]]`` (every basin needs one, a watershed basin too): what to
#: write, not "add it to this table" (new-basin review, 2026-12-06).
CONSTITUENTS_NEEDED = (
    "missing; every basin needs at least one [[constituents]] table (an array of tables), a watershed basin "
    "too: its sources deliver tn (and orgn, nh3n, no3n, tp, dp, pp, codmn where declared). Add\n"
    "  [[constituents]]\n  name = \"tn\"\n  river_removal_per_day = ...        # d-1 at 20 degC\n"
    "  reservoir_removal_per_day = ...\n  settling_velocity_m_per_day = ...  # m d-1\n"
    "(each removal key defaults to 0: no removal, a conservative tn; see docs/basin-file.md, "
    "'[[constituents]]')")

@dataclass(frozen=True)
class Constituent:
    """A transported constituent and its removal parameters.

    A constituent may be the sum of *species* (total nitrogen of organic N,
    NH3-N and nitrate; total phosphorus of dissolved and particulate P) that
    turn into each other by first-order reactions (:class:`Reaction`); it then has no
    removal parameters of its own: each species has its own.  Values are checked
    when it is built, from a basin file or in Python: rates finite and >= 0,
    temperature factors > 0, reactions from one of its species to a later one;
    :class:`hydro.errors.HydroError` otherwise (as for a :class:`Reaction`).

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
    evaporates : bool
        A tracer of the water itself, not of something in it (the transferred water's share,
        :func:`hydro.pipeline_steps.transport`): a reservoir's surface evaporates it with the
        water (:attr:`hydro.transport.TransportInputs.res_evaporation`), where a solute stays in the
        lake and is concentrated.  Not a basin-file key.
    """

    name: str
    long_name: str
    river_removal_per_day: float = 0.0
    river_theta: float = 1.047
    reservoir_removal_per_day: float = 0.0
    reservoir_theta: float = 1.047
    settling_velocity_m_per_day: float = 0.0
    species: tuple[Constituent, ...] = ()
    reactions: tuple[Reaction, ...] = ()
    evaporates: bool = False

    def __post_init__(self) -> None:
        label = f"Constituent '{self.name}'"
        _check_rates(label, self, ("river_removal_per_day", "reservoir_removal_per_day",
                                   "settling_velocity_m_per_day"), ("river_theta", "reservoir_theta"))
        if not self.species:
            if self.reactions:
                raise HydroError(f"{label}: reactions need species to react between; give species=(...)")
            return
        own = [k for k in REMOVAL_KEYS if getattr(self, k) != _DEFAULTS[k]]
        if own:
            raise HydroError(f"{label}: a constituent made of species has no removal parameters of its own "
                             f"(it would be ignored: {', '.join(own)}); give them to each species")
        names = [sp.name for sp in self.species]
        for r in self.reactions:
            for end in (r.source, r.product):
                if end is not None and end not in names:
                    raise HydroError(f"{label}: reaction {r.source} -> {r.product}: '{end}' is not one of its "
                                     f"species ({', '.join(names)})")
            if r.product is not None and names.index(r.product) <= names.index(r.source):
                raise HydroError(f"{label}: reaction {r.source} -> {r.product} must go to a later species in "
                                 f"the species list ({', '.join(names)})")

    @property
    def parts(self) -> tuple[Constituent, ...]:
        """What is transported: the species, or the constituent itself."""
        return self.species or (self,)

    @classmethod
    def from_table(cls, t: Table, species_of: str | None = None) -> Constituent:
        """Read one ``[[constituents]]`` table (or, with ``species_of``, one of its species)."""
        name = t.str("name")
        if not name.isidentifier() or name.lower() != name:
            raise t.error("name", f"'{name}' must be a lower-case identifier such as 'tn'")
        if species_of is None and t.has("species"):
            for key in REMOVAL_KEYS:
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
        nitrogen = name in NITROGEN_PARTS or species_of in NITROGEN_PARTS
        c = cls(
            name=name,
            long_name=t.str("long_name", default=name),
            river_removal_per_day=t.float("river_removal_per_day", default=0.0, **RATE_BOUND),
            river_theta=t.float("river_theta", default=1.047, **THETA_BOUND),
            reservoir_removal_per_day=t.float("reservoir_removal_per_day", default=0.0, **RATE_BOUND),
            reservoir_theta=t.float("reservoir_theta", default=1.047, **THETA_BOUND),
            settling_velocity_m_per_day=t.float("settling_velocity_m_per_day", default=0.0,
                                                **(SETTLING_BOUND if nitrogen else PARTICLE_SETTLING_BOUND)),
        )
        t.finish()
        return c


def name_clash(constituents: tuple[Constituent, ...] | list[Constituent]) -> str | None:
    """What is wrong with the names of ``constituents`` and their species, or None.

    Each names its output variables (``nh3n_concentration``, ...) and its keys
    (``initial``'s ``nh3n_mg_per_l``), so they must all differ: a species sharing
    its name with another constituent or species overwrote the other's outputs.
    """
    names = [c.name for c in constituents]
    named = names + [p.name for c in constituents for p in c.species]
    if len(set(named)) == len(named):
        return None
    twice = repeated(named)
    return (f"the names of constituents and of their species must all differ (each names its output "
            f"variables, e.g. {twice[0]}_concentration); {', '.join(repr(n) for n in twice)} given twice "
            f"(constituents: {', '.join(names)}); rename one")


#: The removal parameters' defaults (a constituent made of species keeps them).
_DEFAULTS = {k: Constituent.__dataclass_fields__[k].default for k in REMOVAL_KEYS}


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


def rates_at(tracers: list[Constituent], rx, reach_temp: np.ndarray, res_temp: np.ndarray) -> dict[str, np.ndarray]:
    """Removal and reaction rates at each day's temperature, ``k20 theta**(T - 20)`` (s-1), and settling (m s-1).

    ``tracers`` give each tracer's removal, ``rx`` the reactions as
    :func:`hydro.transport.simulate` takes them; ``reach_temp`` and ``res_temp``
    are water temperatures (D, R) and (D, S), deg C.  Returns ``reach``, ``res``
    (D, R|S, T), ``settling`` (T,), ``evaporating`` (T,; 1.0 where a tracer evaporates with the
    water, :attr:`Constituent.evaporates`), ``rx_river``, ``rx_res`` (D, R|S, X).
    """
    per_day = 1.0 / SECONDS_PER_DAY
    rx_k = np.array([[r.river_rate_per_day * per_day, r.river_theta, r.reservoir_rate_per_day * per_day,
                      r.reservoir_theta] for *_, r in rx]).reshape(-1, 4)
    return {
        "reach": _at_temperature(np.array([c.river_removal_per_day * per_day for c in tracers]),
                                 np.array([c.river_theta for c in tracers]), reach_temp),
        "res": _at_temperature(np.array([c.reservoir_removal_per_day * per_day for c in tracers]),
                               np.array([c.reservoir_theta for c in tracers]), res_temp),
        "settling": np.array([c.settling_velocity_m_per_day * per_day for c in tracers]),
        "evaporating": np.array([1.0 if c.evaporates else 0.0 for c in tracers]),
        "rx_river": _at_temperature(rx_k[:, 0], rx_k[:, 1], reach_temp),
        "rx_res": _at_temperature(rx_k[:, 2], rx_k[:, 3], res_temp),
    }


def _at_temperature(k20: np.ndarray, theta: np.ndarray, temp: np.ndarray) -> np.ndarray:
    """Rates ``k20 * theta**(temp - 20)`` (D, E, K) of K rates at the temperatures ``temp`` (D, E), deg C.

    ``k20`` (K,) are the rates at 20 deg C (any unit, kept), ``theta`` (K,) their temperature
    factors.  The power is computed once per distinct ``theta`` (the source tags of a species share
    theirs) and then multiplied by each ``k20``: the same numbers as a power per rate, at a fraction
    of the work and memory.
    """
    distinct, which = np.unique(theta, return_inverse=True)
    out = np.take(distinct ** (temp[:, :, None] - 20.0), which.reshape(-1), axis=2)
    out *= k20
    return out
