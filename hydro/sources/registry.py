"""The registry of source kinds: one class per nitrogen source, looked up by name.

A source kind (:class:`SourceKind`) is one column of the loads, one value of the
results' ``source`` coordinate.  Its class says everything the source model
needs to know about it:

* its name (:attr:`SourceKind.name`) and the key of its table in
  ``[subbasins.sources]`` (:attr:`SourceKind.key`), which it reads
  (:meth:`SourceKind.read`, with its own keys and messages);
* its yearly rates (:meth:`SourceKind.rates`, kg/d per calendar year), its
  gross inputs (:meth:`SourceKind.inputs`, kg N/yr by inventory category
  :attr:`SourceKind.input_categories`) and its water-quality species
  (:meth:`SourceKind.quality`);
* how it is delivered (:attr:`SourceKind.delivery`): a constant rate
  (``"constant"``, the default), event-mean concentrations on quick flow
  (``"quickflow"``) or the release of the groundwater store (``"store"``); and
  its timing: blended across 1 January by ``[sources.timing]``, shared by
  runoff or washed off with ``delivery_timing`` (:attr:`SourceKind.scattered`),
  or a daily column of its own (:attr:`SourceKind.own_timing`,
  :meth:`SourceKind.daily`: the point sources, plant by plant).

:func:`register` adds a kind; the order of registration is the order of the
source axis (:func:`source_names`), and the column of each kind in the loads
array is its place there (:func:`column`).  The six built-in kinds live in
:mod:`hydro.sources.kinds`, one module each; a new source is a new module
with its class, registered, and its test (``docs/sources.md``, "Adding a
source").
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np

from hydro.errors import HydroError

if TYPE_CHECKING:
    from hydro.sources.quality_table import QualityTable
    from hydro.sources.yearly import Origin
    from hydro.tomlio import Table

#: How a kind's load reaches the reach: its constant rate, EMC x quick flow, or the store's release.
DELIVERIES = ("constant", "quickflow", "store")


class SourceKind:
    """One nitrogen source: its table, rates, inputs, water-quality species and timing.

    Subclasses set the class attributes and override the methods they need;
    the defaults describe a source delivered at a constant rate with no
    inventory categories, all its TN as nitrate and no TP or CODMn.
    """

    #: Source name: the column of the loads and the results' ``source`` value.
    name: ClassVar[str] = ""
    #: Key of its table in ``[subbasins.sources]``; also the attribute of
    #: :class:`~hydro.sources.SubbasinSources` that holds what :meth:`read` gives
    #: (for kinds beyond the built-ins: ``SubbasinSources.extra[key]``).
    key: ClassVar[str] = ""
    #: Value of that attribute when the table is absent.
    empty: ClassVar[Any] = None
    #: Place in the order the tables are read (the first bad table is the one reported).
    read_rank: ClassVar[int] = 100
    #: One of :data:`DELIVERIES`.
    delivery: ClassVar[str] = "constant"
    #: Whether ``delivery_timing`` (``runoff``, ``washoff``) applies to it.
    scattered: ClassVar[bool] = False
    #: Whether it gives its own daily loads (:meth:`daily`) instead of the blended yearly rate.
    own_timing: ClassVar[bool] = False
    #: Inventory categories it reports (:meth:`inputs`), each with its place in
    #: :func:`input_names` (categories are sorted by it, then by registration).
    input_categories: ClassVar[dict[str, int]] = {}

    def read(self, src: Table, origin: Origin) -> Any:
        """Read its table from the ``[subbasins.sources]`` table ``src`` (called when ``src`` has :attr:`key`)."""
        raise NotImplementedError(f"source kind '{self.name}' does not read a table")

    def block(self, sub) -> Any:
        """What a subbasin's sources hold for this kind (:attr:`empty` when absent)."""
        return sub.block(self.key, self.empty)

    def rates(self, sub, years: np.ndarray, days: np.ndarray, area_km2: float) -> dict[str, np.ndarray]:
        """Its yearly rates in each of ``years`` [n_year]: by default ``{name: kg/d}``.

        ``days`` is the length of each year (d), ``area_km2`` the subbasin's area.
        A ``constant`` kind gives its load under its :attr:`name`; the others the
        rates their delivery needs (``emc_mg_per_l``; ``gw_input_kg_d``, ``tau_days``).
        """
        return {self.name: np.zeros(len(years))}

    def inputs(self, sub, years: np.ndarray, days: np.ndarray, ha: float, out: dict[str, np.ndarray]) -> None:
        """Add its gross inputs (kg N/yr [n_year]) to ``out[category]``; ``ha`` is the subbasin's area."""

    def daily(self, sub, years: np.ndarray, year_index: np.ndarray, doy: np.ndarray | None = None) -> np.ndarray:
        """Its own daily load [n_day] (kg/d) with ``[sources.timing]``; used when :attr:`own_timing` is set
        (``doy``: each day's day of the year)."""
        raise NotImplementedError(f"source kind '{self.name}' has no daily loads of its own")

    def quality(self, table: QualityTable, sub, years: np.ndarray, days: np.ndarray) -> dict[str, np.ndarray]:
        """Its water-quality coefficients in each year [n_year].

        Returns a dict with ``share`` [n_year, 3] (organic, ammonia and nitrate
        shares of its TN), ``pp`` (particulate share of its TP), ``tp`` and
        ``cod`` (constant TP and CODMn loads, kg/d), and, for a ``quickflow`` or
        ``store`` kind, ``tp_mg_per_l`` and ``cod_mg_per_l`` on its flow.
        Default: all nitrate, no TP or CODMn.
        """
        n = len(years)
        share = np.zeros((n, 3))
        share[:, 2] = 1.0
        return {"share": share, "pp": np.zeros(n), "tp": np.zeros(n), "cod": np.zeros(n)}


_KINDS: dict[str, SourceKind] = {}
#: Source tags a run adds after the kinds' (:func:`hydro.pipeline_steps` loads): water brought from outside
#: the basin, and the mass present at the start.  No kind may take their names.
RESERVED_TAGS = ("transfer", "initial")


def register(kind: SourceKind | type[SourceKind]) -> SourceKind:
    """Add a source kind (a class or an instance) after those registered; return the instance.

    Raises
    ------
    HydroError
        For a kind without a name or key, a name or key already taken, a name of
        :data:`RESERVED_TAGS`, an unknown delivery, or a ``quickflow`` or ``store``
        delivery a registered kind holds.
    """
    kind = kind() if isinstance(kind, type) else kind
    if not kind.name or not kind.key:
        raise HydroError(f"source kind {type(kind).__name__}: set its name and key")
    if kind.name in RESERVED_TAGS:
        raise HydroError(f"source kind '{kind.name}': the name is a tag a run adds of itself ("
                         + ", ".join(RESERVED_TAGS) + ": a results file's `source` would hold it twice); "
                         "choose another name")
    if kind.name in _KINDS or kind.key in {k.key for k in _KINDS.values()}:
        raise HydroError(f"source kind '{kind.name}' (key '{kind.key}'): a kind with that name or key "
                         f"is registered already ({', '.join(_KINDS)})")
    held = [k.name for k in _KINDS.values() if k.delivery == kind.delivery != "constant"]
    if held:
        raise HydroError(f"source kind '{kind.name}': delivery '{kind.delivery}' is held by '{held[0]}' (one "
                         "kind each: the kernel has one quick-flow and one store column, and a second kind's "
                         "rates would replace the first's); give it delivery 'constant', or add its terms to "
                         f"'{held[0]}'")
    if kind.delivery not in DELIVERIES:
        raise HydroError(f"source kind '{kind.name}': delivery '{kind.delivery}', expected one of {DELIVERIES}")
    _KINDS[kind.name] = kind
    return kind


def unregister(name: str) -> None:
    """Remove the kind ``name`` (tests that register a kind of their own remove it after)."""
    _KINDS.pop(name, None)


def kinds() -> tuple[SourceKind, ...]:
    """The registered kinds, in source order."""
    return tuple(_KINDS.values())


def source_names() -> tuple[str, ...]:
    """The source names, in the order of the last axis of the loads (results' ``source``)."""
    return tuple(_KINDS)


def column(name: str) -> int:
    """The column of source ``name`` in the loads array."""
    return source_names().index(name)


def delivered_by(delivery: str) -> int:
    """The column of the kind with ``delivery`` (``quickflow`` or ``store``); -1 when none."""
    for k, kind in enumerate(_KINDS.values()):
        if kind.delivery == delivery:
            return k
    return -1


def input_names() -> tuple[str, ...]:
    """Categories of the gross N inputs (:func:`hydro.sources.gross_inputs`), in their order: each once,
    where two kinds add to one category (its column holds both), at the first's rank."""
    ranked = [(rank, i, cat) for i, kind in enumerate(_KINDS.values())
              for cat, rank in kind.input_categories.items()]
    return tuple(dict.fromkeys(cat for _, _, cat in sorted(ranked)))
