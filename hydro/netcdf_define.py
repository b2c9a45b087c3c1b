"""The definition of a netCDF results file (global attributes, coordinates, variables) and the writing of
its variables, for :mod:`hydro.netcdf`'s writers and :mod:`hydro.netcdf_overlap`.

:func:`define` makes a whole file's schema at once: its global attributes (:func:`layout`), then the
coordinates of the dimensions its variables use (:func:`coordinates`), sorted, then the variables
(:func:`variables`), sorted; :func:`put` writes them.  The pieces are apart so that a file can be
defined and written in two parts (:class:`hydro.netcdf_overlap.OverlappedWrite`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from hydro.aux_coordinates import aux_coordinates, coordinates_attribute
from hydro.discovery import written_attributes
from hydro.netcdf_chunks import sample_chunks, storage
from hydro.outputspec import (
    LOCATIONS_ATTRIBUTE,
    blocks,
    element_index,
    kept_variables,
    locations_attribute,
    out_dtype,
    periods,
)
from hydro.variables import COORDINATE_ATTRS, cell_methods, period_long_name

if TYPE_CHECKING:
    from hydro.results import Results

#: long_name of ``time_bnds`` (aggregated files), in the file and in :meth:`Results.to_xarray`.
BOUNDS_LONG_NAME = "first day of the averaging period and the day after its last"
#: What a day of the ``time`` axis is (the time review of 2026-12-05: by CF a reference time without a zone is
#: UTC, while the days are those of the inputs, Beijing days for the shipped basins).
_DAYS = ("days are the calendar days of the basin's input series, with no time zone conversion: for the shipped "
         "basins Beijing days (UTC+8; the precipitation of Miyun's record to 2013 on the CMA's 20:00-20:00 day), as "
         "their weather file's time_zone header says (the global attribute weather_time_zone)")
TIME_COMMENT = (_DAYS + "; a value at a day's stamp is that day's mean or total, or a state at its start or end, as "
                "its variable's long_name says")
#: The same for results averaged over periods (``time_bnds``).
TIME_COMMENT_PERIODS = (_DAYS + "; a value at a stamp is the mean over its period (time_bnds), or for a state "
                        "(cell_methods time: point) its value at the period's end, on its last simulated day")
_STRING_DIMS = ("reach", "section", "reservoir", "gauge", "subbasin", "source", "input", "measure", "scenario",
                "budget_term", "land_term")


def layout(results: Results, spec) -> tuple[dict[str, str], dict, Any, list, Any]:
    """What a file of ``results`` under ``spec`` is laid out by: its global attributes (str values, in their
    order), the element index kept (:func:`hydro.outputspec.element_index`), the periods' first days in the
    results (``starts``) and as dates (``first``), and the time bounds written (None: daily)."""
    attrs = written_attributes(results, spec.aggregate)
    if results.constituents and "constituents" not in attrs:  # what <c>_... names resolve with on reading
        attrs["constituents"] = ";".join(f"{k}={v}" for k, v in results.constituents.items())
    index = element_index(results, spec)
    if index:  # what a sum over every reach, reservoir or subbasin would miss (hydro gep, the report)
        attrs[LOCATIONS_ATTRIBUTE] = locations_attribute(results, index)
    starts, first, after = periods(results.dates, spec.aggregate, results.time_bounds)
    if spec.aggregate != "daily":
        attrs["time_aggregation"] = spec.aggregate
    bounds = (first, after) if spec.aggregate != "daily" else results.time_bounds
    return {k: str(v) for k, v in attrs.items()}, index, starts, first, bounds


def used_dims(results: Results, names) -> set[str]:
    """The dimensions of the variables ``names`` of ``results``, and ``time``."""
    return {d for name in names for d in results.dims(name)} | {"time"}


def define(nc, results: Results, spec, sample: tuple | None = None):
    """Attributes, dimensions, coordinates and (empty) variables of a file holding ``results`` under ``spec``
    (``sample``: results and period starts deciding what zlib compresses, if not ``results``' own: a first
    block's).  Returns (index, starts, names) for :func:`put`."""
    attrs, index, starts, first, bounds = layout(results, spec)
    nc.setncatts(attrs)
    names = kept_variables(results, spec)
    coordinates(nc, results, sorted(used_dims(results, names)), index, first, bounds)
    variables(nc, results, spec, names, index, starts, bounds, sample)
    return index, starts, names


def coordinates(nc, results: Results, dims: list[str], index, first: list, bounds) -> None:
    """The dimensions ``dims`` (in that order) and their coordinate variables: ``time`` with its
    bounds where ``bounds`` (see :func:`layout`), the elements cut to ``index``, with their auxiliary
    coordinates (:mod:`hydro.aux_coordinates`)."""
    for dim in dims:
        values = first if dim == "time" else results.coords[dim]
        if dim in index and dim != "time":
            values = [values[k] for k in index[dim]]
        nc.createDimension(dim, len(values))
        if dim == "time":
            start = values[0]
            var = nc.createVariable("time", "f8", ("time",))
            var.units = f"days since {start.isoformat()} 00:00:00"
            var.calendar = "standard"
            var.standard_name = "time"
            var.long_name = "time (start of the day)"
            var.comment = TIME_COMMENT
            var[:] = np.array([(d - start).days for d in values], dtype=float)
            if bounds is not None:
                var.long_name = "time (first day of the averaging period)"
                var.comment = TIME_COMMENT_PERIODS
                var.bounds = "time_bnds"
                nc.createDimension("nv", 2)
                tb = nc.createVariable("time_bnds", "f8", ("time", "nv"))
                # CF allows a bounds variable its parent's units and calendar (the same); the brief
                # wants units and long_name on every variable
                tb.units, tb.calendar, tb.long_name = var.units, var.calendar, BOUNDS_LONG_NAME
                tb[:] = np.array([[(a - start).days, (b - start).days] for a, b in zip(*bounds, strict=True)],
                                 dtype=float)
        elif dim in _STRING_DIMS:
            var = nc.createVariable(dim, str, (dim,))
            var.long_name = f"{dim.replace('_', ' ')} identifier"
            for i, v in enumerate(values):
                var[i] = str(v)
            _aux_coordinates(nc, results, dim, values)
        else:
            var = nc.createVariable(dim, "i4", (dim,))
            var.long_name = dim.replace("_", " ")
            var.setncatts(COORDINATE_ATTRS.get(dim, {}))
            var[:] = np.asarray(values, dtype=np.int32)


def _aux_coordinates(nc, results: Results, dim: str, ids: list) -> None:
    """The auxiliary coordinates along ``dim`` (:mod:`hydro.aux_coordinates`) of the elements ``ids``."""
    for aux, values in aux_coordinates(results.attrs, dim, ids):
        var = nc.createVariable(aux.name, "f8" if aux.numeric else str, (dim,))
        var.units, var.long_name = aux.units, aux.long_name
        if aux.numeric:
            var[:] = values
        else:
            for i, v in enumerate(values):
                var[i] = str(v)


def variables(nc, results: Results, spec, names: list[str], index, starts, bounds, sample: tuple | None = None) -> None:
    """The (empty) variables ``names`` of ``results`` (in that order) with their attributes, chunks and
    filters (:func:`hydro.netcdf_chunks.storage`; ``sample``: see :func:`define`)."""
    for name in names:
        decl = results.declaration(name)
        data = results.data[name]
        dims = results.dims(name)
        dtype = out_dtype(name, dims, data, spec)
        shape = tuple(len(nc.dimensions[d]) for d in dims)
        kwargs: dict[str, Any] = {}
        if spec.compress and int(np.prod(shape)) > 1000:  # chunked; zlib where it pays (a batch's: always)
            kwargs = storage(shape, dims, dtype, spec, None if results.leading else lambda chunks, dtype, name=name:
                             sample_chunks(sample or (results, starts), name, spec, index, chunks, dtype))
        if dtype != "i4":
            kwargs["fill_value"] = np.float32(np.nan) if dtype == "f4" else np.nan
        var = nc.createVariable(name, dtype, dims, **kwargs)
        var.units = decl.units
        var.long_name = (period_long_name(decl.long_name, decl.state) if bounds is not None and "time" in dims
                         else decl.long_name)
        if aux := coordinates_attribute(dims, nc.variables):
            var.coordinates = aux
        if decl.standard_name:
            var.standard_name = decl.standard_name
        if bounds is not None and "time" in dims:
            var.cell_methods = cell_methods(decl)


def put(nc, results: Results, spec, index, starts, names, lead: tuple = ()) -> None:
    """Write the variables ``names`` of ``results`` (at ``lead`` indices of a stacked file)."""
    for name in names:
        var, dims = nc.variables[name], results.dims(name)
        for out, block in blocks(results, name, spec, index, starts):
            if out is None:
                var[lead + (Ellipsis,)] = block
                continue
            sl = [slice(None)] * len(dims)
            sl[dims.index("time")] = out
            var[lead + tuple(sl)] = block.astype(var.dtype, copy=False)
