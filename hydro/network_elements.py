"""The elements of a river network: reaches, reservoirs, monitoring sections and gauges.

Frozen dataclasses with their hydraulics (a reach's power law or surveyed
:class:`~hydro.channel.Channel`; a reservoir's storage curve and rules).  They
are read from a basin file by :mod:`hydro.network_tables` and assembled into a
:class:`hydro.network.Network`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from hydro.channel import Channel
from hydro.sources.yearly import YearSeries


@dataclass(frozen=True)
class Reach:
    """A river reach: power-law hydraulic geometry or a surveyed channel.

    A reach's hydraulics come from one of two descriptions:

    * a power law (``channel`` is None): ``v = velocity_coeff * Q**velocity_exp``
      and ``w = width_coeff * Q**width_exp``;
    * a prismatic :class:`~hydro.channel.Channel` (rectangle or trapezoid with
      Manning roughness) at normal depth.  The four power-law fields are then
      left out and filled with the channel's equivalent power law
      (:meth:`~hydro.channel.Channel.power_law`, tangent at 1 m depth) for code
      that still reads power laws; :meth:`velocity`, :meth:`width`,
      :meth:`depth` and :meth:`cross_section_m2` use the channel.

    Attributes
    ----------
    id : str
        Unique id.
    name : str
        Display name.
    length_m : float
        Length along the channel, m.
    downstream : str or None
        Id of the reach or reservoir it flows into; None at the outlet.
    velocity_coeff, velocity_exp : float
        Mean velocity ``v = velocity_coeff * Q**velocity_exp`` (m s-1, Q in m3 s-1).
    width_coeff, width_exp : float
        Top width ``w = width_coeff * Q**width_exp`` (m); depth is ``Q / (w v)``.
    dispersion_m2_s : float
        Longitudinal dispersion coefficient, m2 s-1.
    n_cells : int
        Finite-volume cells along the reach.
    slope_m_per_m : float or None
        Bed slope (m m-1), needed by Muskingum-Cunge routing and by a channel;
        None when unknown.  With a channel it defaults to the channel's slope
        and must equal it.
    channel : Channel or None
        Surveyed channel geometry; None for a power-law reach.

    Raises
    ------
    ValueError
        When both or neither of the power law and the channel are given.
    """

    id: str
    name: str
    length_m: float
    downstream: str | None
    velocity_coeff: float | None = None
    velocity_exp: float | None = None
    width_coeff: float | None = None
    width_exp: float | None = None
    dispersion_m2_s: float = 0.0
    n_cells: int = 1
    slope_m_per_m: float | None = None
    channel: Channel | None = None

    def __post_init__(self):
        laws = (self.velocity_coeff, self.velocity_exp, self.width_coeff, self.width_exp)
        if self.channel is None:
            if any(v is None for v in laws):
                raise ValueError(f"reach '{self.id}': give velocity_coeff, velocity_exp, width_coeff "
                                 "and width_exp, or a channel")
            return
        if any(v is not None for v in laws):
            raise ValueError(f"reach '{self.id}': give either the power law or a channel, not both")
        if self.slope_m_per_m is None:
            object.__setattr__(self, "slope_m_per_m", self.channel.slope_m_per_m)
        elif self.slope_m_per_m != self.channel.slope_m_per_m:
            raise ValueError(f"reach '{self.id}': slope_m_per_m {self.slope_m_per_m} differs from "
                             f"its channel's {self.channel.slope_m_per_m}")
        for name, value in zip(("velocity_coeff", "velocity_exp", "width_coeff", "width_exp"),
                               self.channel.power_law(), strict=True):
            object.__setattr__(self, name, float(value))

    def velocity(self, q):
        """Mean velocity (m s-1) at discharge ``q`` (m3 s-1)."""
        if self.channel is not None:
            return self.channel.velocity(q)
        return self.velocity_coeff * np.asarray(q, dtype=float) ** self.velocity_exp

    def width(self, q):
        """Top width (m) at discharge ``q`` (m3 s-1)."""
        if self.channel is not None:
            return self.channel.top_width(q)
        return self.width_coeff * np.asarray(q, dtype=float) ** self.width_exp

    def cross_section_m2(self, q):
        """Wetted cross-section area (m2) at discharge ``q`` (m3 s-1), vectorised.

        Power law: ``A = Q / v(Q)`` (continuity); channel: ``A = (b + z y) y`` at
        the Manning normal depth ``y``.  Both are 0 at ``q = 0``.
        """
        if self.channel is not None:
            return self.channel.area(q)
        q = np.asarray(q, dtype=float)
        with np.errstate(divide="ignore", invalid="ignore"):
            area = q / self.velocity(q)
        return np.where(q == 0, 0.0, area)

    def depth(self, q):
        """Mean (hydraulic) depth ``A / w`` (m) at discharge ``q`` (m3 s-1); 0 at ``q = 0``.

        Power law: from continuity ``Q = w d v``; channel: area over top width at
        normal depth (equal to the normal depth for a rectangle).
        """
        if self.channel is not None:
            return self.channel.hydraulic_depth(q)
        q = np.asarray(q, dtype=float)
        with np.errstate(divide="ignore", invalid="ignore"):
            d = q / (self.width(q) * self.velocity(q))
        return np.where(q == 0, 0.0, d)

    def celerity(self, q):
        """Kinematic-wave celerity ``dQ/dA`` (m s-1) at discharge ``q`` (m3 s-1).

        Power law: ``v / (1 - velocity_exp)``; channel: the exact Manning value
        (:meth:`~hydro.channel.Channel.celerity`).
        """
        if self.channel is not None:
            return self.channel.celerity(q)
        return self.velocity(q) / (1.0 - self.velocity_exp)


@dataclass(frozen=True)
class Reservoir:
    """A reservoir: level-area-storage curve and release rules.

    Attributes
    ----------
    id, name : str
    downstream : str or None
        Reach it releases into; None if it is the network outlet.
    level_m, area_m2, storage_m3 : tuple of float
        Level-area-storage curve (m a.s.l., m2, m3), increasing.
    full_supply_level_m : float
        Above the full-supply storage, water spills (the normal pool level), m.
    dead_storage_m3 : float
        No release below this storage.
    initial_storage_m3 : float
        Storage at the start of a run.
    target_release_m3_s : tuple of 12 float
        Target release by calendar month, m3 s-1.
    ecological_min_m3_s : float
        Minimum release while water is above dead storage, m3 s-1; with a table of years, the
        least of its values (what holds on every day).
    ecological_min_by_year : YearSeries or None
        The minimum as a table of years (``ecological_min_m3_s = { 2014 = 3.0 }``: each day
        the value of its calendar year, :meth:`ecological_min_on`); None when it is one number.
    flood_limit_level_m : float or None
        The level the storage is kept below in the flood season (汛限水位), m; None: the full
        supply level all year (:mod:`hydro.flood_season`).
    flood_season : tuple of 2 int or None
        The flood season's first and last day (both included), each ``100 * month + day``.
    flood_drawdown_days : int
        Days before the season over which the cap falls to the flood limit (0: on its first day).
    county, province : tuple of str
        The county or counties its water surface lies in, and their provinces (empty: not given), for
        accounts by place (:mod:`hydro.reservoir_location`).
    county_water_share : tuple of float
        Each county's share of the water surface (1 in all; ``(1.0,)`` for one county).
    """

    id: str
    name: str
    downstream: str | None
    level_m: tuple[float, ...]
    area_m2: tuple[float, ...]
    storage_m3: tuple[float, ...]
    full_supply_level_m: float
    dead_storage_m3: float
    initial_storage_m3: float
    target_release_m3_s: tuple[float, ...]
    ecological_min_m3_s: float
    ecological_min_by_year: YearSeries | None = None
    flood_limit_level_m: float | None = None
    flood_season: tuple[int, int] | None = None
    flood_drawdown_days: int = 0
    county: tuple[str, ...] = ()
    province: tuple[str, ...] = ()
    county_water_share: tuple[float, ...] = ()

    def ecological_min_on(self, years) -> np.ndarray:
        """The ecological minimum (m3 s-1) on days of the given calendar ``years`` (any shape)."""
        if self.ecological_min_by_year is None:
            return np.full(np.shape(years), self.ecological_min_m3_s)
        return self.ecological_min_by_year.at(years)

    @property
    def full_supply_storage_m3(self) -> float:
        """Storage at the full-supply level, m3."""
        return float(np.interp(self.full_supply_level_m, self.level_m, self.storage_m3))

    @property
    def flood_limit_storage_m3(self) -> float:
        """Storage at the flood-limit level (the full supply storage where none is given), m3."""
        if self.flood_limit_level_m is None:
            return self.full_supply_storage_m3
        return float(np.interp(self.flood_limit_level_m, self.level_m, self.storage_m3))

    @property
    def flood_season_text(self) -> str:
        """The flood season as the basin file writes it (``"06-01 to 09-15"``); empty where none."""
        if self.flood_season is None:
            return ""
        return " to ".join(f"{d // 100:02d}-{d % 100:02d}" for d in self.flood_season)

    def area_at(self, storage_m3):
        """Surface area (m2) at a storage (m3), linear in the curve."""
        return np.interp(storage_m3, self.storage_m3, self.area_m2)

    def level_at(self, storage_m3):
        """Water level (m) at a storage (m3), linear in the curve."""
        return np.interp(storage_m3, self.storage_m3, self.level_m)


@dataclass(frozen=True)
class Section:
    """A monitoring section on a reach.

    Attributes
    ----------
    id, name : str
    reach : str
        Reach it lies on.
    position : float
        Distance from the reach inlet as a fraction of its length (0-1]; the
        section is placed on the nearest cell outflow face at or above it.
    """

    id: str
    name: str
    reach: str
    position: float


@dataclass(frozen=True)
class Gauge(Section):
    """A flow gauge on a reach: placed like a :class:`Section`, with an optional record.

    Attributes
    ----------
    observed : object or None
        The ``observed_discharge_m3_s`` value as written in the basin file (a
        number or ``{csv = ..., column = ...}``), read onto the run's days by
        the model; None when the gauge has no record.
    """

    observed: object = None
