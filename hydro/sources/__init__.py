"""Nitrogen sources per subbasin: yearly parameters, daily TN loads kept by source.

This package owns the source model of the chain runoff -> **sources** ->
hydraulics -> transport.  Per subbasin and calendar year it takes land use,
soil N surplus, population, livestock, wastewater plants and deposition, and
gives the daily TN load (kg/d) delivered to the subbasin's reach by source:

``diffuse_quickflow``
    event-mean concentration of each land-use class x quick-flow volume;
``groundwater``
    release of a legacy-N store fed by the leached soil surplus,
    ``dN/dt = I - N / tau``, integrated exactly per day;
``rural_domestic``
    population x per-capita N x (1 - connected x removal) x delivery;
``livestock``
    head x excretion x ((1 - managed) x loss + managed x managed loss);
``point``
    effluent discharge x effluent TN (per plant and reach: :func:`point_loads`);
``deposition``
    deposition rate x reservoir and river surface area.

Water-quality species beside TN (NH3-N and the other N species, TP, CODMn) come
from the same drivers through :mod:`~hydro.sources.quality` and the regional
table ``basins/region/quality.toml``.

Each source is a kind (:class:`SourceKind`) in a module of its own
(:mod:`~hydro.sources.diffuse_quickflow`, :mod:`~hydro.sources.groundwater`,
:mod:`~hydro.sources.rural_domestic`, :mod:`~hydro.sources.livestock`,
:mod:`~hydro.sources.point`, :mod:`~hydro.sources.deposition`), registered by
name in :mod:`~hydro.sources.registry`: :data:`SOURCE_NAMES` and
:data:`INPUT_NAMES` are read from the registry when asked for, so a kind
registered later (:func:`register`) is a column of the loads and a value of the
results' ``source`` coordinate like the built-in ones.

Modules: :mod:`~hydro.sources.yearly` (values that change by year),
:mod:`~hydro.sources.blocks` (parameter blocks and their reading helpers),
:mod:`~hydro.sources.parameters` (a subbasin's sources and the TOML reader),
:mod:`~hydro.sources.loads` (the daily computation; the kernel is
:mod:`hydro._sources_kernels`), :mod:`~hydro.sources.timing` and
:mod:`~hydro.sources.washoff` (seasons, years blended across 1 January, the
wash-off store and flow timing of ``[subbasins.sources.timing]``).  Every parameter is documented in
``docs/sources.md``.
"""

from hydro.sources.loads import (
    DAYS_PER_YEAR_TAU,
    GroundwaterStore,
    PointLoads,
    annual_loads,
    daily_loads,
    gross_inputs,
    point_loads,
    yearly_rates,
)
from hydro.sources.parameters import (
    Deposition,
    Groundwater,
    LandUse,
    Livestock,
    PointSource,
    RuralDomestic,
    SourceParameters,
    SubbasinSources,
)
from hydro.sources.quality import (
    SPECIES,
    SPECIES_OF,
    QualityLoads,
    QualityTable,
    quality_loads,
    quality_table_of,
    read_quality_table,
)
from hydro.sources.registry import SourceKind, input_names, register, source_names, unregister
from hydro.sources.yearly import Origin, YearSeries


def __getattr__(name: str):
    """``SOURCE_NAMES`` (the registered kinds, in the order of the loads' source axis) and
    ``INPUT_NAMES`` (their gross-input categories), read from the registry now."""
    if name == "SOURCE_NAMES":
        return source_names()
    if name == "INPUT_NAMES":
        return input_names()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "DAYS_PER_YEAR_TAU",
    "INPUT_NAMES",
    "SOURCE_NAMES",
    "SPECIES",
    "SPECIES_OF",
    "Deposition",
    "Groundwater",
    "GroundwaterStore",
    "LandUse",
    "Livestock",
    "Origin",
    "PointLoads",
    "PointSource",
    "QualityLoads",
    "QualityTable",
    "RuralDomestic",
    "SourceKind",
    "SourceParameters",
    "SubbasinSources",
    "YearSeries",
    "annual_loads",
    "daily_loads",
    "gross_inputs",
    "input_names",
    "point_loads",
    "quality_loads",
    "quality_table_of",
    "read_quality_table",
    "register",
    "source_names",
    "unregister",
    "yearly_rates",
]
