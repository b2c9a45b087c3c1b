"""Parameters of the nitrogen source model: frozen dataclasses read from TOML.

Each subbasin's sources are a ``[subbasins.sources]`` block of the basin file
(see ``docs/sources.md`` for every key, its unit and typical range)::

    [[subbasins]]
    id = "chao_upper"

    [subbasins.sources.groundwater]
    leaching_fraction = 0.2
    residence_years = 8.0

    [subbasins.sources.land_use.cropland]
    share = { 2015 = 0.30, 2025 = 0.25 }
    emc_mg_per_l = 4.0
    fertiliser_kg_per_ha_yr = 250.0
    uptake_kg_per_ha_yr = 150.0

    [subbasins.sources.land_use.forest]
    share = { 2015 = 0.70, 2025 = 0.75 }
    emc_mg_per_l = 1.0

    [subbasins.sources.rural_domestic]
    population = 30000
    per_capita_n_g_per_day = 8.0
    delivery_fraction = 0.3

    [subbasins.sources.livestock.pig]
    head = 20000
    excretion_kg_per_head_yr = 6.1
    loss_fraction = 0.3

    [[subbasins.sources.point]]
    name = "town_wwtp"
    reach = "chao_3"
    discharge_m3_per_day = 10000.0
    tn_mg_per_l = 15.0

    [subbasins.sources.deposition]
    rate_kg_per_ha_yr = 40.0
    water_area_km2 = 1.5

Every number except ``groundwater.initial_kg`` may be a table of years
(:mod:`hydro.sources.yearly`).  A block that is absent contributes nothing.
Checks (bounds, shares summing to 1) run when a dataclass is built, so objects
made in Python are checked like those read from a file.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np

from hydro.errors import HydroError, suggest
from hydro.sources.timing import SourceTiming, check_timing, read_timing
from hydro.sources.yearly import Origin, YearSeries, as_series, check_range
from hydro.tomlio import Table

#: Tolerance on the sum of land-use shares.
SHARE_TOLERANCE = 1e-6
#: Groundwater timing options.
GROUNDWATER_TIMINGS = ("store", "baseflow", "flow")
#: When scattered sources (rural domestic, livestock) reach the river.
DELIVERY_TIMINGS = ("constant", "runoff", "washoff")

_FRACTION = {"minimum": 0.0, "maximum": 1.0}
_NONNEG = {"minimum": 0.0}


class _Block:
    """A parameter block: yearly fields coerced and range-checked at construction.

    Subclasses list their yearly fields in ``_YEARLY`` (name -> bounds) and may
    read plain (non-yearly) fields in ``_read_plain``.
    """

    _YEARLY: ClassVar[dict[str, dict]] = {}
    _PLAIN: ClassVar[tuple[str, ...]] = ()

    def __post_init__(self):
        for name, bounds in self._YEARLY.items():
            value = getattr(self, name)
            if value is None:
                continue
            series = as_series(value, self.origin, name)
            check_range(series, self.origin, name, **bounds)
            object.__setattr__(self, name, series)

    @classmethod
    def _read_plain(cls, table: Table, origin: Origin) -> dict[str, Any]:
        return {}

    @classmethod
    def read(cls, table: Table, origin: Origin, **given) -> "_Block":
        """Build from a TOML table; unknown keys are errors naming the subbasin."""
        _finish(table, origin, set(cls._YEARLY) | set(cls._PLAIN))  # a typo explains a missing key
        kwargs = dict(given)
        fields = {f.name: f for f in dataclasses.fields(cls)}
        for name in cls._YEARLY:
            if table.has(name):
                kwargs[name] = table.raw(name)
            elif fields[name].default is dataclasses.MISSING:
                raise origin.error(name, "missing; add it to this table")
        kwargs.update(cls._read_plain(table, origin))
        return cls(**kwargs, origin=origin)


def _finish(table: Table, origin: Origin, known: set[str]) -> None:
    for key in table.data:
        if key not in known:
            raise origin.error(key, "unknown key" + suggest(key, sorted(known)) + "; remove or rename it")


def _str(table: Table, origin: Origin, key: str, default: Any = None, required: bool = True) -> str:
    if not table.has(key):
        if required:
            raise origin.error(key, "missing; add it to this table")
        return default
    value = table.raw(key)
    if not isinstance(value, str) or not value:
        raise origin.error(key, f"expected a non-empty string, got {value!r}")
    return value


_Y = YearSeries | float | dict


@dataclass(frozen=True)
class LandUse(_Block):
    """One land-use class of a subbasin: quick-flow export and soil N surplus.

    Attributes
    ----------
    name : str
        Class name (the TOML key), e.g. ``cropland``.
    share : yearly, 1
        Share of the subbasin area, [0, 1]; the shares of a subbasin sum to 1.
    emc_mg_per_l : yearly, mg/L
        Event-mean TN concentration of quick flow from this class.
    fertiliser_kg_per_ha_yr, manure_kg_per_ha_yr, fixation_kg_per_ha_yr : yearly, kg N/ha/yr
        N applied as mineral fertiliser and manure, and biologically fixed.
    uptake_kg_per_ha_yr : yearly, kg N/ha/yr
        N removed with the harvested crop.
    deposition_kg_per_ha_yr : yearly, kg N/ha/yr, optional
        Atmospheric deposition on this class; default the subbasin's
        ``deposition.land_rate_kg_per_ha_yr``.
    """

    name: str
    share: _Y
    emc_mg_per_l: _Y
    fertiliser_kg_per_ha_yr: _Y = 0.0
    manure_kg_per_ha_yr: _Y = 0.0
    fixation_kg_per_ha_yr: _Y = 0.0
    uptake_kg_per_ha_yr: _Y = 0.0
    deposition_kg_per_ha_yr: _Y | None = None
    origin: Origin = field(default=Origin(), compare=False, repr=False)

    _YEARLY = {"share": _FRACTION, "emc_mg_per_l": _NONNEG, "fertiliser_kg_per_ha_yr": _NONNEG,
               "manure_kg_per_ha_yr": _NONNEG, "fixation_kg_per_ha_yr": _NONNEG,
               "uptake_kg_per_ha_yr": _NONNEG, "deposition_kg_per_ha_yr": _NONNEG}

    @property
    def has_surplus_terms(self) -> bool:
        """Whether any fertiliser, manure or fixation is given."""
        return any(s.high > 0 for s in (self.fertiliser_kg_per_ha_yr, self.manure_kg_per_ha_yr,
                                         self.fixation_kg_per_ha_yr))


@dataclass(frozen=True)
class Groundwater(_Block):
    """The groundwater store of legacy nitrogen.

    Attributes
    ----------
    leaching_fraction : yearly, 1
        Share of the positive soil N surplus that reaches the store, [0, 1].
    residence_years : yearly, yr
        Mean residence time tau of N in the store, > 0.
    initial_kg : float, optional
        Store content on the first day (kg); default the steady state
        ``I tau`` for the first day's input.
    timing : {"store", "baseflow", "flow"}
        Deliver the store's release as it leaves (``store``), redistributed
        within each calendar year in proportion to base flow (``baseflow``), or
        let the store drain with the day's base flow (``flow``,
        :mod:`hydro.sources.timing`).
    """

    leaching_fraction: _Y
    residence_years: _Y
    initial_kg: float | None = None
    timing: str = "store"
    origin: Origin = field(default=Origin(), compare=False, repr=False)

    _YEARLY = {"leaching_fraction": _FRACTION, "residence_years": {"positive": True}}
    _PLAIN = ("initial_kg", "timing")

    def __post_init__(self):
        super().__post_init__()
        if self.timing not in GROUNDWATER_TIMINGS:
            raise self.origin.error("timing", f"expected one of {GROUNDWATER_TIMINGS}, got {self.timing!r}"
                                    + suggest(str(self.timing), GROUNDWATER_TIMINGS))
        if self.initial_kg is not None:
            v = self.initial_kg
            if isinstance(v, bool) or not isinstance(v, (int, float)) or not np.isfinite(v) or v < 0:
                raise self.origin.error("initial_kg", f"expected a finite number >= 0 kg, got {v!r}")
            object.__setattr__(self, "initial_kg", float(v))

    @classmethod
    def _read_plain(cls, table, origin):
        out = {"timing": _str(table, origin, "timing", "store", required=False)}
        if table.has("initial_kg"):
            out["initial_kg"] = table.raw("initial_kg")
        return out


@dataclass(frozen=True)
class RuralDomestic(_Block):
    """Rural domestic sewage.

    Attributes
    ----------
    population : yearly, persons
        Rural resident population.
    per_capita_n_g_per_day : yearly, g N/person/d
        N in domestic sewage per person.
    connected_share : yearly, 1
        Share of the population connected to treatment, [0, 1].
    treatment_removal : yearly, 1
        Share of N removed by that treatment, [0, 1].
    delivery_fraction : yearly, 1
        Share of the untreated and treated N that reaches the reach, [0, 1].
    """

    population: _Y
    per_capita_n_g_per_day: _Y
    delivery_fraction: _Y
    connected_share: _Y = 0.0
    treatment_removal: _Y = 0.0
    origin: Origin = field(default=Origin(), compare=False, repr=False)

    _YEARLY = {"population": _NONNEG, "per_capita_n_g_per_day": _NONNEG,
               "delivery_fraction": _FRACTION, "connected_share": _FRACTION,
               "treatment_removal": _FRACTION}


@dataclass(frozen=True)
class Livestock(_Block):
    """One livestock type.

    Attributes
    ----------
    name : str
        Type (the TOML key), e.g. ``pig``.
    head : yearly, head
        Animals present (annual mean stock).
    excretion_kg_per_head_yr : yearly, kg N/head/yr
        N excreted per animal per year.
    loss_fraction : yearly, 1
        Share of unmanaged excreta N that reaches the reach, [0, 1].
    managed_share : yearly, 1
        Share of excreta handled by manure management, [0, 1].
    managed_loss_fraction : yearly, 1
        Share of managed excreta N that reaches the reach, [0, 1].
    """

    name: str
    head: _Y
    excretion_kg_per_head_yr: _Y
    loss_fraction: _Y
    managed_share: _Y = 0.0
    managed_loss_fraction: _Y = 0.0
    origin: Origin = field(default=Origin(), compare=False, repr=False)

    _YEARLY = {"head": _NONNEG, "excretion_kg_per_head_yr": _NONNEG, "loss_fraction": _FRACTION,
               "managed_share": _FRACTION, "managed_loss_fraction": _FRACTION}


@dataclass(frozen=True)
class PointSource(_Block):
    """A wastewater treatment plant (or other point discharge).

    Attributes
    ----------
    name : str
        Plant name.
    reach : str
        Id of the reach receiving the discharge (checked by the network).
    discharge_m3_per_day : yearly, m3/d
        Effluent discharge.
    tn_mg_per_l : yearly, mg/L
        Effluent TN concentration.
    """

    name: str
    reach: str
    discharge_m3_per_day: _Y
    tn_mg_per_l: _Y
    origin: Origin = field(default=Origin(), compare=False, repr=False)

    _YEARLY = {"discharge_m3_per_day": _NONNEG, "tn_mg_per_l": _NONNEG}
    _PLAIN = ("name", "reach")

    @classmethod
    def _read_plain(cls, table, origin):
        return {"name": _str(table, origin, "name"), "reach": _str(table, origin, "reach")}


@dataclass(frozen=True)
class Deposition(_Block):
    """Atmospheric N deposition (wet and dry).

    Attributes
    ----------
    rate_kg_per_ha_yr : yearly, kg N/ha/yr
        Deposition on water surfaces (delivered directly as source ``deposition``).
    water_area_km2 : yearly, km2
        Area of reservoir and river surfaces in the subbasin.
    land_rate_kg_per_ha_yr : yearly, kg N/ha/yr, optional
        Deposition on land, an input of the soil N surplus; default ``rate_kg_per_ha_yr``.
    oxidised_kg_per_ha_yr : yearly, kg N/ha/yr, optional
        The oxidised (NOy) part of the deposition, the "new" N from outside that
        NANI counts (Howarth et al. 1996).  It only labels the inventory
        (:func:`hydro.sources.gross_inputs` reports it as ``deposition_oxidised``,
        the rest of the counted deposition as ``deposition``); the loads use
        ``rate_kg_per_ha_yr`` and ``land_rate_kg_per_ha_yr``.  Default: not known
        (all deposition is reported as ``deposition``).
    """

    rate_kg_per_ha_yr: _Y
    water_area_km2: _Y
    land_rate_kg_per_ha_yr: _Y | None = None
    oxidised_kg_per_ha_yr: _Y | None = None
    origin: Origin = field(default=Origin(), compare=False, repr=False)

    _YEARLY = {"rate_kg_per_ha_yr": _NONNEG, "water_area_km2": _NONNEG,
               "land_rate_kg_per_ha_yr": _NONNEG, "oxidised_kg_per_ha_yr": _NONNEG}


@dataclass(frozen=True)
class SubbasinSources:
    """All N sources of one subbasin.

    Attributes
    ----------
    subbasin : str
        Subbasin id.
    land_use : tuple of LandUse
        Land-use classes (shares sum to 1 in every year); empty: no diffuse source.
    groundwater : Groundwater or None
        The legacy-N store; None: no store (land-use surplus terms are then an error).
    rural_domestic : RuralDomestic or None
    livestock : tuple of Livestock
    point : tuple of PointSource
    deposition : Deposition or None
    delivery_timing : {"constant", "runoff", "washoff"}
        When rural domestic and livestock N reaches the river: at a constant
        rate, or washed off with runoff (each year's load shared out over its
        days in proportion to the day's runoff, so the yearly total is kept),
        or through a surface store washed off by quick flow (``washoff``).
    timing : SourceTiming or None
        Seasons, blended years and wash-off (``[sources.timing]``,
        :mod:`hydro.sources.timing`); None: calendar-year constants.
    """

    subbasin: str
    land_use: tuple[LandUse, ...] = ()
    groundwater: Groundwater | None = None
    rural_domestic: RuralDomestic | None = None
    livestock: tuple[Livestock, ...] = ()
    point: tuple[PointSource, ...] = ()
    deposition: Deposition | None = None
    delivery_timing: str = "constant"
    timing: SourceTiming | None = None
    origin: Origin = field(default=Origin(), compare=False, repr=False)

    def __post_init__(self):
        if self.delivery_timing not in DELIVERY_TIMINGS:
            raise self.origin.error("delivery_timing", f"expected one of {DELIVERY_TIMINGS}, got "
                                    f"{self.delivery_timing!r}" + suggest(str(self.delivery_timing), DELIVERY_TIMINGS))
        for name in ("land_use", "livestock", "point"):
            items = tuple(getattr(self, name))
            object.__setattr__(self, name, items)
            names = [i.name for i in items]
            dup = sorted({n for n in names if names.count(n) > 1})
            if dup:
                raise self.origin.error(name, f"names must be unique, {dup} given twice")
        check_timing(self)
        if self.land_use:
            self._check_shares()
        if self.groundwater is None:
            for lu in self.land_use:
                if lu.has_surplus_terms:
                    raise self.origin.error(f"land_use.{lu.name}", "fertiliser, manure or fixation is "
                                            "given but there is no [sources.groundwater] block to receive "
                                            "the leached surplus; add one")

    def _check_shares(self) -> None:
        years = sorted({y for lu in self.land_use for y in lu.share.years})
        probe = years or [0]
        total = np.zeros(len(probe))
        for lu in self.land_use:
            total += lu.share.at(probe)
        bad = np.abs(total - 1.0) > SHARE_TOLERANCE
        if bad.any():
            i = int(np.argmax(bad))
            when = f"in year {probe[i]}" if years else "(every year)"
            parts = ", ".join(f"{lu.name} {float(lu.share.at(probe[i])):g}" for lu in self.land_use)
            raise self.origin.error("land_use", f"land-use shares sum to {total[i]:.9g} {when}, expected 1 "
                                    f"within {SHARE_TOLERANCE:g} ({parts}); fix the shares")

    @classmethod
    def from_table(cls, subbasin: Table) -> "SubbasinSources":
        """Read the ``sources`` block of one ``[[subbasins]]`` table.

        Only ``id`` and ``sources`` are read (and marked as known) in
        ``subbasin``; its other keys belong to other readers, which call
        :meth:`Table.finish` on it.
        """
        sid = subbasin.raw("id")
        if not isinstance(sid, str) or not sid:
            raise subbasin.error("id", f"expected a non-empty string, got {sid!r}")
        src = subbasin.table("sources", default=None)
        origin = Origin(str(src.file), sid, src.where)
        _finish(src, origin, {"land_use", "livestock", "point", "groundwater", "rural_domestic",
                              "deposition", "delivery_timing", "timing"})
        kw: dict[str, Any] = {"delivery_timing": _str(src, origin, "delivery_timing", "constant", required=False)}
        if src.has("land_use"):
            kw["land_use"] = tuple(LandUse.read(_sub(src, "land_use", name, origin), origin.child(f"land_use.{name}"),
                                                name=name)
                                   for name in _keys(src, "land_use", origin))
        if src.has("livestock"):
            kw["livestock"] = tuple(Livestock.read(_sub(src, "livestock", name, origin),
                                                   origin.child(f"livestock.{name}"), name=name)
                                    for name in _keys(src, "livestock", origin))
        if src.has("point"):
            value = src.raw("point")
            if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
                raise origin.error("point", "expected an array of tables ([[subbasins.sources.point]])")
            kw["point"] = tuple(PointSource.read(t, origin.child(f"point[{i}]"))
                                for i, t in enumerate(src.tables("point")))
        for key, block in (("groundwater", Groundwater), ("rural_domestic", RuralDomestic),
                           ("deposition", Deposition)):
            if src.has(key):
                if not isinstance(src.raw(key), dict):
                    raise origin.error(key, f"expected a table [subbasins.sources.{key}]")
                kw[key] = block.read(src.table(key), origin.child(key))
        kw["timing"] = read_timing(src, origin)
        return cls(subbasin=sid, origin=origin, **kw)


def _keys(src: Table, key: str, origin: Origin) -> list[str]:
    value = src.raw(key)
    if not isinstance(value, dict) or not all(isinstance(v, dict) for v in value.values()):
        raise origin.error(key, f"expected tables [subbasins.sources.{key}.<name>], one per class")
    return list(value)


def _sub(src: Table, key: str, name: str, origin: Origin) -> Table:
    return Table(src.raw(key)[name], src.file, f"{src.path(key)}.{name}")


@dataclass(frozen=True)
class SourceParameters:
    """The N sources of every subbasin, in subbasin order.

    Attributes
    ----------
    subbasins : tuple of SubbasinSources
    """

    subbasins: tuple[SubbasinSources, ...]

    def __post_init__(self):
        subs = tuple(self.subbasins)
        object.__setattr__(self, "subbasins", subs)
        ids = [s.subbasin for s in subs]
        dup = sorted({i for i in ids if ids.count(i) > 1})
        if dup:
            raise HydroError(f"subbasin ids must be unique, {dup} given twice")

    @property
    def ids(self) -> tuple[str, ...]:
        """Subbasin ids in order."""
        return tuple(s.subbasin for s in self.subbasins)

    @classmethod
    def from_table(cls, table: Table) -> "SourceParameters":
        """Read every ``[[subbasins]]`` of ``table`` (the file's top level).

        Marks ``subbasins`` as known in ``table``; the keys of each subbasin
        other than ``id`` and ``sources`` are left to their own readers.
        """
        return cls.from_subbasin_tables(table.tables("subbasins"))

    @classmethod
    def from_subbasin_tables(cls, tables: Sequence[Table]) -> "SourceParameters":
        """Read the ``sources`` blocks of ``[[subbasins]]`` tables already opened by the caller."""
        return cls(tuple(SubbasinSources.from_table(t) for t in tables))
