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

Each table is read by its source kind (:mod:`hydro.sources.registry`; the
blocks ``LandUse``, ``Groundwater``, ... live in the kinds' modules and are
re-exported here); this module holds what spans them: a subbasin's sources
(:class:`SubbasinSources`, with the checks across tables) and every subbasin's
(:class:`SourceParameters`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from hydro.errors import HydroError, repeated, suggest
from hydro.frozen import thawed
from hydro.overrides import set_path, table_key
from hydro.sources.blocks import finish_keys, read_str
from hydro.sources.deposition import Deposition
from hydro.sources.diffuse_quickflow import LandUse
from hydro.sources.groundwater import GROUNDWATER_TIMINGS, Groundwater
from hydro.sources.kinds import BUILTIN_KINDS
from hydro.sources.livestock import Livestock
from hydro.sources.point import PointSource
from hydro.sources.registry import kinds
from hydro.sources.rural_domestic import RuralDomestic
from hydro.sources.timing import BEFORE_MEASURES, SourceTiming, read_timing
from hydro.sources.yearly import Origin
from hydro.tomlio import Table

__all__ = ["DELIVERY_TIMINGS", "GROUNDWATER_TIMINGS", "SHARE_TOLERANCE", "Deposition", "Groundwater", "LandUse",
           "Livestock", "PointSource", "RuralDomestic", "SourceParameters", "SubbasinSources"]

#: Tolerance on the sum of land-use shares.
SHARE_TOLERANCE = 1e-6
#: When scattered sources (rural domestic, livestock) reach the river.
DELIVERY_TIMINGS = ("constant", "runoff", "washoff")
#: Keys of ``[subbasins.sources]`` that are not a source kind's table.
_OPTIONS = ("delivery_timing", "timing")
#: Attributes of :class:`SubbasinSources` that hold the built-in kinds' tables.
_FIELDS = frozenset(k.key for k in BUILTIN_KINDS)


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
    extra : mapping of str to object
        The tables of registered source kinds beyond the built-ins, by their
        key (:mod:`hydro.sources.registry`); read with :meth:`block`.
    reference : SubbasinSources or None
        The same sources without a scenario's measures (``timing.before_measures``,
        written by ``hydro scenarios``): blended yearly rates follow its daily series
        and the measures scale them as steps (:func:`hydro.sources.timing.stepped`).
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
    extra: Mapping[str, Any] = field(default_factory=dict, hash=False)
    origin: Origin = field(default=Origin(), compare=False, repr=False)
    reference: SubbasinSources | None = field(default=None, compare=False, repr=False)

    @property
    def surface_fraction(self) -> float:
        """The share of the fertiliser and manure applied that lies on the surface, in the wash-off store
        (``[sources.timing] surface_fraction``; 0 without a timing table), not in the soil's surplus
        (:func:`hydro.sources.groundwater.soil_classes`; counted in both until 2026-12-06, a land-budget review:
        250 t a year twice in a made subbasin; no shipped basin sets it)."""
        return 0.0 if self.timing is None else float(self.timing.surface_fraction)

    def __post_init__(self):
        if self.delivery_timing not in DELIVERY_TIMINGS:
            raise self.origin.error("delivery_timing", f"expected one of {DELIVERY_TIMINGS}, got "
                                    f"{self.delivery_timing!r}" + suggest(str(self.delivery_timing), DELIVERY_TIMINGS))
        for name in ("land_use", "livestock", "point"):
            items = tuple(getattr(self, name))
            object.__setattr__(self, name, items)
            names = [i.name for i in items]
            if len(set(names)) != len(names):
                dup = repeated(names)
                raise self.origin.error(name, f"names must be unique, {dup} given twice")
        _check_timing(self)
        if self.land_use:
            self._check_shares()
        if self.groundwater is None:
            for lu in self.land_use:
                if lu.has_surplus_terms:
                    raise self.origin.error(f"land_use.{lu.name}", "fertiliser, manure or fixation is "
                                            "given but there is no [sources.groundwater] block to receive "
                                            "the leached surplus; add one")

    def _check_shares(self) -> None:
        """The land-use shares sum to 1 within SHARE_TOLERANCE in each year one of them names
        (any year, when all are constants).  One path for both: a constant share is its value
        repeated, in Python floats (a 10,000-subbasin basin of constant shares checks them in
        milliseconds, numpy arrays took 0.1 s), a share given by year is interpolated
        (:meth:`YearSeries.at`); each year's total is the same sum in the same order either way."""
        years = sorted({y for lu in self.land_use for y in lu.share.years})
        probe = years or [0]
        shares: list[Any] = [lu.share.at(probe) if lu.share.years else lu.share.values * len(probe)  # type: ignore[union-attr,operator]
                             for lu in self.land_use]
        total = [sum(in_year) for in_year in zip(*shares, strict=True)]
        bad = [abs(t - 1.0) > SHARE_TOLERANCE for t in total]
        if any(bad):
            i = bad.index(True)
            when = f"in year {probe[i]}" if years else "(every year)"
            parts = ", ".join(f"{lu.name} {float(share[i]):g}" for lu, share in zip(self.land_use, shares, strict=True))
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
        registered = kinds()
        finish_keys(src, origin, {k.key for k in registered} | set(_OPTIONS))
        kw: dict[str, Any] = {"delivery_timing": read_str(src, origin, "delivery_timing", "constant",
                                                          required=False)}
        extra: dict[str, Any] = {}
        for kind in sorted(registered, key=lambda k: k.read_rank):
            if src.has(kind.key):
                (kw if kind.key in _FIELDS else extra)[kind.key] = kind.read(src, origin)
        kw["timing"] = read_timing(src, origin)
        return cls(subbasin=sid, origin=origin, extra=extra, reference=_without_measures(src, sid, origin), **kw)

    def block(self, key: str, default: Any = None) -> Any:
        """The table of the source kind with ``key`` (a built-in field or :attr:`extra`), else ``default``."""
        if key in _FIELDS:
            return getattr(self, key)
        return self.extra.get(key, default)


def _without_measures(src: Table, sid: str, origin: Origin) -> SubbasinSources | None:
    """The subbasin's sources as ``timing.before_measures`` gives them without a scenario's measures.

    ``before_measures`` maps paths inside ``[subbasins.sources]`` (``"rural_domestic.connected_share"``,
    ``"point.<plant>.tn_mg_per_l"``) to their values (numbers or tables of years) without the
    measures; ``hydro scenarios`` writes it (:meth:`hydro.scenarios.basin_tables.YearlyParameters.before_measures`).
    """
    timing = src.data.get("timing")
    if not isinstance(timing, dict) or BEFORE_MEASURES not in timing:
        return None
    key = f"timing.{BEFORE_MEASURES}"
    values = timing[BEFORE_MEASURES]
    if not isinstance(values, dict) or not values:
        raise origin.error(key, "expected a table of source parameter paths and their values without a "
                           "scenario's measures, e.g. { \"rural_domestic.connected_share\" = { 2013 = 0.3 } } "
                           "(hydro scenarios writes it); remove it for a basin without measures")
    data = thawed(src.data)  # (editable: a loaded basin's tables are read-only, hydro.frozen)
    del data["timing"][BEFORE_MEASURES]
    for path, value in values.items():
        if not _has_path(data, str(path).split(".")):
            raise origin.error(f"{key}.{path}", "no such parameter in this subbasin's sources; "
                               "give the path of a parameter the measures changed, e.g. "
                               "\"rural_domestic.connected_share\"")
        set_path(data, str(path), value, src.file, label=f"{key}.{path}")
    return SubbasinSources.from_table(Table({"id": sid, "sources": data}, src.file, origin.path.rsplit(".", 1)[0]))


def _has_path(node: Any, keys: list[str]) -> bool:
    """Whether ``keys`` name a value in ``node`` (inside an array of tables, the table's name)."""
    for key in keys:
        if isinstance(node, list):
            node = next((t for t in node if isinstance(t, dict) and table_key(t) == key), None)
        elif isinstance(node, dict):
            node = node.get(key)
        else:
            return False
        if node is None:
            return False
    return True


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
        dup = sorted(i for i, n in Counter(s.subbasin for s in subs).items() if n > 1)
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


def _check_timing(sub) -> None:
    """Raise a located error when ``delivery_timing = "washoff"`` has no wash-off coefficient, or a
    ``surface_fraction`` would put fertiliser and manure on a wash-off store the subbasin does not run (only
    ``"washoff"`` runs one: elsewhere that N left the soil and went nowhere, a diff review of 2026-12-06)."""
    if sub.delivery_timing == "washoff" and (sub.timing is None or sub.timing.washoff_per_mm is None):
        raise sub.origin.error("delivery_timing", "'washoff' needs a wash-off store: add "
                               "[subbasins.sources.timing] with washoff_per_mm (1/mm)")
    if sub.delivery_timing != "washoff" and sub.timing is not None and sub.timing.surface_fraction > 0:
        raise sub.timing.origin.error("surface_fraction", f"{sub.timing.surface_fraction:g} of the fertiliser and "
                                      "manure on the surface needs the wash-off store that washes it off: set "
                                      "[subbasins.sources] delivery_timing = \"washoff\", or surface_fraction = 0")
