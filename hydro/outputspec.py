"""What a results file holds: variables, locations, time aggregation, precision.

An :class:`OutputSpec` comes from the command line (``hydro run --variables ...
--locations ... --aggregate monthly --float32``) or from a basin file's
``[output]`` table (:meth:`OutputSpec.from_table`), the command line winning
key by key.  :func:`hydro.netcdf.write_results` applies it while writing, block
by block along time (no full-resolution copy of a variable is made), and
:func:`reduce` applies it in memory (what a batch task returns: an ensemble
member reduced to what the file keeps).

Rules
-----
``variables``
    Names of declared variables to keep, or groups (:data:`hydro.variables.VARIABLE_GROUPS`:
    ``all``, ``default``, ``species_sources``).  Default: every variable but the
    ``species_sources`` (the by-source variables of species GB 3838-2002 does not class:
    organic and nitrate N, dissolved and particulate P), which only a named request writes.
    Names of variables the run does not produce are errors.
``locations``
    Ids of reaches, sections, reservoirs, gauges or subbasins.  Every element
    dimension is cut to the ids listed in it; a dimension holding none of them is
    kept whole (combine with ``variables`` to drop it).  Every element's budget
    is self-contained, so the budgets that remain still close.
``aggregate``
    ``daily`` (default), ``monthly`` or ``yearly``: every flux or daily mean on ``time``
    is the arithmetic mean over the simulated days of the period (a load in kg d-1
    stays in kg d-1: the period's mass is mean × days; CF ``cell_methods = "time: mean"``),
    every storage at the end of the day (:attr:`hydro.variables.Variable.state`) its value
    on the period's last simulated day (``"time: point"``),
    so Δ storage between periods' ends closes the budgets with the means × days; the ``time``
    coordinate is the first simulated day of each period and ``time_bnds`` its bounds.
    Variables on ``budget_year`` (budgets, costs) are unchanged.
``float32``
    ``true``: concentrations, loads, flows and depths are stored as 32-bit floats
    (about 7 significant digits, half the size); budgets, storages
    (``reservoir_storage``, ``groundwater_n_storage``, ``washoff_n_storage``, ``subbasin_water_storage``,
    ``reach_routing_storage``), costs and every variable
    without a ``time`` dimension stay 64-bit, so the budgets close in the file as in
    memory.  ``false``: everything 64-bit.  Default (neither): only the daily
    apportionment by source (variables on ``time`` with a ``source`` dimension,
    about nine tenths of a four-parameter run's output) is 32-bit; totals stay
    64-bit, so every total, budget and published check reads the same from the file
    as from memory, and the sources of a total add up to it to 32-bit round-off
    (about 1e-7 of it, far below any source share a user would report).
``compress``
    level 0-9 of the chunked variables' compression (default 1: most of the size gain at a
    small cost in speed, see ``docs/results.md``); 0 writes them contiguous, uncompressed.
``codec``
    ``zlib`` (default: deflate, which every netCDF-4 reader decodes) or ``zstd`` (Zstandard:
    about four times faster to write, a file about a tenth larger, but a reader needs the HDF5 zstd
    filter: netCDF4-python's wheels, xarray through them and netCDF-C 4.9+ built with it
    have it; other tools may not).  Both after the shuffle filter.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from hydro.errors import HydroError, suggest
from hydro.output_names import NETCDF_SUFFIXES as NETCDF_SUFFIXES
from hydro.output_names import check_csv_name as check_csv_name
from hydro.output_names import check_netcdf_name as check_netcdf_name
from hydro.output_periods import blocks as blocks
from hydro.output_periods import check_aggregation
from hydro.output_periods import periods as periods
from hydro.variables import VARIABLE_GROUPS, species_sources

AGGREGATIONS = ("daily", "monthly", "yearly")
#: Element dimensions that ``locations`` cuts.
ELEMENT_DIMS = ("reach", "section", "reservoir", "gauge", "subbasin")
#: Variables on ``time`` kept in 64 bits under ``float32`` (storages whose daily change is
#: small against their size).
KEEP_FLOAT64 = ("reservoir_storage", "groundwater_n_storage", "washoff_n_storage", "subbasin_water_storage",
                "reach_routing_storage")
#: Default compression level of written files.
DEFAULT_COMPRESS = 1
#: Compression filters a file may use (:attr:`OutputSpec.codec`), the default first.
CODECS = ("zlib", "zstd")

#: Where a run's output variables and locations are chosen, as the errors name them: the command
#: line, the basin file, the Python API.
VARIABLES_OPTION = "--variables / [output] variables / OutputSpec(variables=)"
LOCATIONS_OPTION = "--locations / [output] locations / OutputSpec(locations=)"


@dataclass(frozen=True)
class OutputSpec:
    """What to write (see the module docstring for the rules)."""

    variables: tuple[str, ...] | None = None
    locations: tuple[str, ...] | None = None
    aggregate: str = "daily"
    float32: bool | None = None
    compress: int = DEFAULT_COMPRESS
    codec: str = CODECS[0]

    def __post_init__(self):
        for key in ("variables", "locations"):  # one name as a string is one name, not its letters
            value = getattr(self, key)
            if isinstance(value, str):
                object.__setattr__(self, key, (value,))
            elif value is not None and not isinstance(value, tuple):
                object.__setattr__(self, key, tuple(value))
        if self.float32 is not None and not isinstance(self.float32, (bool, np.bool_)):  # "false" is truthy
            raise HydroError(f"float32: expected True, False or None (the default precision), got {self.float32!r}")
        if self.aggregate not in AGGREGATIONS:
            raise HydroError(f"aggregate: expected one of {', '.join(AGGREGATIONS)}, got '{self.aggregate}'")
        if not 0 <= int(self.compress) <= 9:
            raise HydroError(f"compress: expected a zlib level 0-9, got {self.compress}")
        if self.codec not in CODECS:
            raise HydroError(f"codec: expected one of {', '.join(CODECS)}, got '{self.codec}'")
        if self.codec == "zstd":
            import netCDF4

            if not getattr(netCDF4, "__has_zstandard_support__", False):
                raise HydroError("codec zstd: this netCDF library has no Zstandard filter; write with "
                                 "codec zlib (the default), or install netCDF4 from its wheels")

    @property
    def reduces(self) -> bool:
        """Whether the spec selects or aggregates anything (not only precision/compression)."""
        return bool(self.variables or self.locations or self.aggregate != "daily")

    @classmethod
    def from_table(cls, table: dict, where: str = "[output]", base: OutputSpec | None = None) -> OutputSpec:
        """An ``[output]`` table of a basin file: ``variables``, ``locations`` (lists of
        strings), ``aggregate``, ``float32`` (bool), ``compress`` (0-9), ``codec``; keys it
        lacks keep ``base``'s values."""
        known = {"variables", "locations", "aggregate", "float32", "compress", "codec"}
        for key in table:
            if key not in known:
                raise HydroError(f"{where}: unknown key '{key}'; expected {', '.join(sorted(known))}")
        kw: dict[str, Any] = {}
        for key in ("variables", "locations"):
            if key in table:
                v = table[key]
                if not isinstance(v, list) or not all(isinstance(x, str) for x in v):
                    raise HydroError(f"{where}.{key}: expected a list of strings, got {v!r}")
                kw[key] = tuple(v) or None
        for key in ("aggregate", "codec"):
            if key in table:
                kw[key] = str(table[key])
        if "float32" in table:
            if not isinstance(table["float32"], bool):
                raise HydroError(f"{where}.float32: expected true or false, got {table['float32']!r}")
            kw["float32"] = table["float32"]
        if "compress" in table:
            if isinstance(table["compress"], bool) or not isinstance(table["compress"], int):
                raise HydroError(f"{where}.compress: expected a zlib level 0-9, got {table['compress']!r}")
            kw["compress"] = table["compress"]
        try:
            return replace(base or cls(), **kw)
        except HydroError as exc:
            raise HydroError(f"{where}: {exc}") from None

    @classmethod
    def from_options(cls, variables=None, locations=None, aggregate=None, float32=None, compress=None,
                     base: OutputSpec | None = None, codec=None) -> OutputSpec:
        """Command-line options over ``base`` (a basin file's ``[output]``): each option given
        replaces that key; ``variables``/``locations`` take comma-separated or repeated values."""
        spec = base or cls()
        kw: dict[str, Any] = {}
        for key, value in (("variables", variables), ("locations", locations)):
            items = _split(value)
            if items:
                kw[key] = items
        if aggregate:
            kw["aggregate"] = aggregate
        if codec:
            kw["codec"] = codec
        if float32 is not None:
            kw["float32"] = bool(float32)
        if compress is not None:
            kw["compress"] = int(compress)
        return replace(spec, **kw)


def spec_for_run(basin=None, variables=None, locations=None, aggregate=None, float32=None,
                 compress=None, codec=None) -> OutputSpec:
    """The output of ``hydro run``: the ``default`` variables, daily, 64-bit but for the daily
    apportionment by source (32-bit), level-1 zlib, unless told otherwise by the basin file's
    ``[output]`` table (if the basin has one), then by the command-line options."""
    base = OutputSpec()
    table = getattr(basin, "output", None) if basin is not None else None
    if table:
        base = OutputSpec.from_table(dict(table), f"{basin.path}: [output]", base=base)
    return OutputSpec.from_options(variables, locations, aggregate, float32, compress, base=base, codec=codec)


def _split(value) -> tuple[str, ...]:
    if not value:
        return ()
    if isinstance(value, str):
        value = [value]
    out = []
    for item in value:
        out += [x.strip() for x in str(item).split(",") if x.strip()]
    return tuple(out)


def check_request(basin, output: OutputSpec) -> None:
    """Refuse unknown variable names and location ids before anything runs (exit status 2,
    not after a long run, nor once per ensemble member); :func:`check` checks the results."""
    from hydro.variables import variable, variable_names

    # the constituents and their species (section_nh3n_concentration is TN's species' variable)
    constituents = {p.name: p.long_name for c in basin.constituents for p in (c, *c.species)}
    absent = _absent_dims(basin)
    for name in output.variables or ():
        if name in VARIABLE_GROUPS:
            continue
        try:
            decl = variable(name, constituents)
        except HydroError:
            raise HydroError(f"{VARIABLES_OPTION}: no output variable '{name}'"
                             + suggest(name, [*VARIABLE_GROUPS, *variable_names(constituents)])
                             + "; the variables (and the groups all, default, species_sources) are listed in "
                             "docs/results.md, and `hydro info` on a results file shows those it holds") from None
        why = next((absent[d] for d in decl.dims if d in absent), None)
        if why:
            raise HydroError(f"{VARIABLES_OPTION}: a run of {basin.path} has no '{name}' "
                             f"({why}); leave it out of the list")
    net = basin.network
    known = set(net.reach_ids) | set(net.reservoir_ids) | {s.id for s in net.sections} \
        | {g.id for g in net.gauges} | {str(t.raw("id", "")) for t in basin.subbasin_tables}
    _refuse_unknown_locations(output.locations, known, f"in {basin.path}",
                             "; give the ids that `hydro info` lists for the basin")


def check_something_kept(basin, output: OutputSpec) -> None:
    """Refuse before anything runs a request of nothing but groups a run of ``basin`` has nothing
    of (``species_sources`` where its constituents have no species GB 3838 does not class, or a
    flow-driven basin, which has no sources), with :func:`check`'s message: that came only once
    the run, every ensemble member, or a blocked run's passes and first block, were made.

    Not part of :func:`check_request`: a scenario run checks its request without the variables
    it writes itself (:data:`hydro.scenario_run.SCENARIO_VARIABLES`), which may be all it keeps.
    """
    names = set(output.variables or ())
    if not names or not names <= set(VARIABLE_GROUPS) - {"all", "default"}:
        return
    species = ";".join(f"{c.name}={','.join(p.name for p in c.species)}" for c in basin.constituents if c.species)
    if not basin.is_watershed or not species_sources(species):  # as the run's `species` attribute
        raise _nothing_kept(output)


def _nothing_kept(spec: OutputSpec) -> HydroError:
    return HydroError(f"{VARIABLES_OPTION}: {', '.join(spec.variables or ())} is nothing this "
                      "run has (species_sources: the sources of species GB 3838 does not class, which this "
                      "basin's constituents have none of, or it has no sources); name variables or 'default'")


def _absent_dims(basin) -> dict[str, str]:
    """Dimensions a ``hydro run`` of ``basin`` never has -> why: a variable on one of them is
    refused before the run (it was refused only once the run had finished)."""
    net = basin.network
    out = {"member": "ensemble_ variables are written by `hydro scenarios` with an ensemble; `hydro run "
                     "--members N` keeps the plain names with a member dimension",
           "measure": "measure costs are written by `hydro scenarios`"}
    if not net.reservoirs:
        out["reservoir"] = "the basin has no reservoirs"
    if not net.gauges:
        out["gauge"] = "the basin has no [[gauges]]"
    if not basin.is_watershed:
        out.update(dict.fromkeys(("subbasin", "source", "input", "land_term"),
                                 "a flow-driven basin has no [[subbasins]], so no subbasin or source variables"))
    return out


def _refuse_unknown_locations(locations, known: set[str], where: str, tail: str = "") -> None:
    """Raise for the first of ``locations`` that is not in ``known`` (element ids), naming
    ``where`` it was looked for, the nearest id and ``tail`` (what to do)."""
    for loc in locations or ():
        if loc not in known:
            raise HydroError(f"{LOCATIONS_OPTION}: no reach, section, reservoir, gauge or "
                             f"subbasin '{loc}' {where}" + suggest(loc, sorted(known)) + tail)


# -- applying a spec ---------------------------------------------------------------------
def check(results, spec: OutputSpec) -> None:
    """Raise a :class:`HydroError` naming what the results lack (unknown variables or ids), or
    saying that the variables asked for are none of theirs (only groups they have nothing of)."""
    for name in spec.variables or ():
        if name not in results.data and name not in VARIABLE_GROUPS:
            raise HydroError(f"{VARIABLES_OPTION}: this run has no variable '{name}'"
                             + suggest(name, sorted(results.data)) + f"; it has {', '.join(sorted(results.data))}")
    if results.data and not kept_variables(results, spec):  # species_sources of a run without such species
        raise _nothing_kept(spec)
    known = {str(i) for d in ELEMENT_DIMS for i in results.coords.get(d, [])}
    _refuse_unknown_locations(spec.locations, known, "in this basin")


def element_index(results, spec: OutputSpec) -> dict[str, np.ndarray]:
    """Element dimension -> indices kept (only the dimensions that are cut)."""
    out: dict[str, np.ndarray] = {}
    if not spec.locations:
        return out
    wanted = set(spec.locations)
    for dim in ELEMENT_DIMS:
        ids = [str(i) for i in results.coords.get(dim, [])]
        keep = [k for k, i in enumerate(ids) if i in wanted]
        if keep and len(keep) < len(ids):
            out[dim] = np.array(keep, dtype=np.int64)
    return out


#: The global attribute of a file written with ``locations`` that cut some element dimension:
#: ``"reservoir:1/3;section:1/11"`` (kept / in the run, per cut dimension).
LOCATIONS_ATTRIBUTE = "locations_selected"


def locations_attribute(results, index: dict[str, np.ndarray]) -> str:
    """:data:`LOCATIONS_ATTRIBUTE`'s value for the cut ``index`` of :func:`element_index`."""
    return ";".join(f"{dim}:{len(keep)}/{len(results.coords[dim])}" for dim, keep in index.items())


def cut_dimensions(attrs: dict, dims=ELEMENT_DIMS) -> dict[str, str]:
    """The element dimensions among ``dims`` that a file's ``locations`` cut: ``{dim: "kept/all"}``."""
    out = {}
    for item in filter(None, str(attrs.get(LOCATIONS_ATTRIBUTE, "")).split(";")):
        dim, _, counts = item.partition(":")
        if dim in dims:
            out[dim] = counts
    return out


def out_dtype(name: str, dims: tuple[str, ...], data: np.ndarray, spec: OutputSpec):
    """The stored dtype of a variable under ``spec``: ``i4``, ``f4`` or ``f8``."""
    if np.issubdtype(data.dtype, np.integer) and (spec.aggregate == "daily" or "time" not in dims):
        return "i4"
    if "time" in dims and name not in KEEP_FLOAT64 and (
            spec.float32 or (spec.float32 is None and "source" in dims)):
        return "f4"
    return "f8"


def kept_variables(results, spec: OutputSpec) -> list[str]:
    """The variables of ``results`` that ``spec`` writes, sorted: those named and those of the
    groups named (``default`` when none is: every one but the ``species_sources``)."""
    wanted = set(spec.variables or ("default",))
    if "all" in wanted:
        return sorted(results.data)
    optional = species_sources(str(results.attrs.get("species", "")))
    if "default" in wanted:
        wanted |= set(results.data) - optional
    if "species_sources" in wanted:
        wanted |= optional
    return sorted(wanted & set(results.data))


def reduce(results, spec: OutputSpec):
    """``results`` with ``spec``'s variables, locations and aggregation applied (in memory,
    64-bit): what a batch task returns instead of the whole run.  Results already averaged are
    averaged on over their days, with their periods' bounds, and never finer, as the writer does."""
    if not spec.reduces:
        return results
    check(results, spec)
    check_aggregation(results, spec)
    index = element_index(results, spec)
    starts, first, after = periods(results.dates, spec.aggregate, results.time_bounds)
    coords = dict(results.coords)
    for d, idx in index.items():
        coords[d] = [results.coords[d][k] for k in idx]
    coords["time"] = first
    out = replace(results, coords=coords, data={}, attrs=dict(results.attrs),
                  constituents=dict(results.constituents), time_bounds=None)
    if index:  # what the file of a reduced run (an ensemble member) says it was cut to, as write_results
        out.attrs[LOCATIONS_ATTRIBUTE] = locations_attribute(results, index)
    if spec.aggregate != "daily":
        out.time_bounds = (first, after)
        out.attrs["time_aggregation"] = spec.aggregate
    elif results.time_bounds is not None:
        out.time_bounds = results.time_bounds
    for name in kept_variables(results, spec):
        dims = results.dims(name)
        parts = list(blocks(results, name, spec, index, starts))
        if parts[0][0] is None:
            out.data[name] = parts[0][1]
        else:
            out.data[name] = np.concatenate([b for _, b in parts], axis=dims.index("time"))
    return out
