"""What each element is, as CF auxiliary coordinates along its dimension.

A run records its elements' names, places and counties as ``id=value;...`` global attributes
(:func:`hydro.assembly.network_attributes`, :func:`hydro.assembly.watershed_provenance`), which a
researcher had to parse to group or label the results.  The same values are also written as
variables along each element dimension (``subbasin_county`` on ``subbasin``, ``section_reach`` on
``section`` ...), named in the ``coordinates`` attribute of every variable on that dimension, so that
``xarray.open_dataset`` makes them coordinates::

    ds.subbasin_runoff.groupby("subbasin_province").mean()
    ds.subbasin_runoff.where(ds.subbasin_province == "Hebei", drop=True)
    ds.section_name.sel(section="gubeikou")

The attributes stay what hydro reads; these variables are derived from them wherever results are
written (:mod:`hydro.netcdf_define`) or turned into a dataset (:meth:`hydro.results.Results.to_xarray`),
for the elements the output kept, and skipped when a file is read back (:func:`is_aux_coordinate`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from hydro.run_attributes import id_values


@dataclass(frozen=True)
class AuxCoordinate:
    """One auxiliary coordinate: its variable ``name`` along ``dim``, read from the global attribute
    ``attribute`` (``id=value;...``), with ``units`` and ``long_name``; ``numeric``: a float (NaN for an
    element the attribute does not name), else a string (empty)."""

    name: str
    dim: str
    attribute: str
    units: str
    long_name: str
    numeric: bool = False


#: Every auxiliary coordinate a results file may hold, in the order written.
AUX_COORDINATES = (
    AuxCoordinate("reach_name", "reach", "reach_names", "1", "name of the reach"),
    AuxCoordinate("reach_downstream", "reach", "network_downstream", "1",
                  "reach or reservoir the reach flows into (empty at an outlet)"),
    AuxCoordinate("section_name", "section", "section_names", "1", "name of the section"),
    AuxCoordinate("section_reach", "section", "section_reach", "1", "reach the section lies on"),
    AuxCoordinate("section_position", "section", "section_position", "1",
                  "distance from its reach's inlet of the cell face whose values the section takes, as a "
                  "fraction of the reach's length", True),
    AuxCoordinate("reservoir_name", "reservoir", "reservoir_names", "1", "name of the reservoir"),
    AuxCoordinate("reservoir_downstream", "reservoir", "network_downstream", "1",
                  "reach or reservoir the reservoir releases into (empty at an outlet)"),
    AuxCoordinate("subbasin_name", "subbasin", "subbasin_names", "1", "name of the subbasin"),
    AuxCoordinate("subbasin_county", "subbasin", "subbasin_county", "1", "county the subbasin lies in"),
    AuxCoordinate("subbasin_province", "subbasin", "subbasin_province", "1", "province the subbasin lies in"),
    AuxCoordinate("subbasin_area", "subbasin", "subbasin_area_km2", "km2", "area of the subbasin", True),
    AuxCoordinate("subbasin_drains_to", "subbasin", "subbasin_drains_to", "1",
                  "reach or reservoir the subbasin drains to"),
    AuxCoordinate("scenario_description", "scenario", "scenario_descriptions", "1", "description of the scenario"),
    AuxCoordinate("measure_kind", "measure", "measure_kinds", "1", "kind of the measure"),
)
_NAMES = {a.name: a for a in AUX_COORDINATES}


def aux_coordinates(attrs: dict, dim: str, ids) -> list[tuple[AuxCoordinate, np.ndarray]]:
    """The auxiliary coordinates along ``dim`` of results with global attributes ``attrs``, for the
    elements ``ids`` (those the output kept), each with its values in the order of ``ids``: those
    whose attribute names at least one of the ids."""
    out = []
    ids = [str(x) for x in ids]
    for aux in AUX_COORDINATES:
        if aux.dim != dim or aux.attribute not in attrs:
            continue
        by_id = id_values(str(attrs[aux.attribute]))
        if not any(x in by_id for x in ids):
            continue
        if aux.numeric:
            values = np.array([float(by_id[x]) if by_id.get(x, "") else np.nan for x in ids])
        else:
            values = np.array([by_id.get(x, "") for x in ids], dtype=object)
        out.append((aux, values))
    return out


def coordinates_attribute(dims, present) -> str:
    """The CF ``coordinates`` attribute of a variable on ``dims``: the names of the auxiliary
    coordinates along any of them among the variables ``present`` ("" where none)."""
    return " ".join(aux.name for aux in AUX_COORDINATES if aux.dim in dims and aux.name in present)


def is_aux_coordinate(name: str, dims: tuple) -> bool:
    """Whether a file's variable ``name`` on ``dims`` is one of :data:`AUX_COORDINATES` (derived, not
    read back as results)."""
    aux = _NAMES.get(name)
    return aux is not None and tuple(dims) == (aux.dim,)
