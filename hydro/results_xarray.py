"""Results back from the :class:`xarray.Dataset` that :meth:`hydro.Model.run` returns.

:meth:`hydro.results.Results.to_xarray` turns results into a dataset; :func:`from_xarray` is its
inverse, so that what takes results (the plots of :mod:`hydro.plotting`) also takes the dataset a
researcher holds (review of 2026-12-04: ``plot_trajectory(ds)`` failed with a NumPy error and
``plot_sources(ds)`` with an AttributeError).  :func:`as_results` is what those functions call.
"""

from __future__ import annotations

from datetime import date

import numpy as np

from hydro.aux_coordinates import is_aux_coordinate
from hydro.errors import HydroError
from hydro.netcdf_read import RENAMED_DIMS
from hydro.results import Results, stacked_dims
from hydro.run_attributes import id_values
from hydro.variables import declared


def _day(value) -> date:
    return np.datetime64(value, "D").astype(date)


def from_xarray(ds, copy: bool = True) -> Results:
    """The :class:`~hydro.results.Results` of a dataset that ``to_xarray`` (or ``Model.run``) made.

    Parameters
    ----------
    ds : xarray.Dataset
        Variables named and shaped as hydro writes them (``section_discharge`` on
        ``(time, section)``, m3 s-1, ...), with the ``scenario`` or ``member`` dimension in
        front where the results were stacked.
    copy : bool
        The results own copies of the dataset's arrays (default), so that a later edit of the
        dataset (``ds[v] *= 1000`` for ug/L) is not written as mg/L by ``to_netcdf``; False shares
        them (for a plot that only reads them).

    Raises
    ------
    HydroError
        A variable hydro declares whose dimensions are not hydro's (a resampled or transposed
        dataset), naming it.
    """
    ds = renamed_dataset(ds)  # a dataset of an older file: its year is budget_year
    coords: dict[str, list] = {}
    for dim in ds.dims:
        if dim not in ds.coords:
            continue
        values = ds[dim].values
        if dim == "time":
            coords[dim] = [_day(v) for v in values]
        elif values.dtype.kind in "iu":
            coords[dim] = [int(v) for v in values]
        else:
            coords[dim] = [str(v) for v in values]
    attrs = {str(k): v for k, v in ds.attrs.items()}
    res = Results(coords=coords, attrs=attrs, constituents=id_values(str(attrs.get("constituents", ""))))
    if "time_bnds" in ds:
        bounds = ds["time_bnds"].values
        res.time_bounds = ([_day(v) for v in bounds[:, 0]], [_day(v) for v in bounds[:, 1]])
    res.leading = stacked_dims(res, ((str(n), tuple(ds[n].dims)) for n in ds.data_vars))
    for name in ds.data_vars:
        if name == "time_bnds" or is_aux_coordinate(str(name), ds[name].dims):  # (opened without decode_coords)
            continue
        try:
            wanted = res.dims(str(name))
        except HydroError:  # a variable hydro does not declare (added by the user): kept as it is
            wanted = tuple(ds[name].dims)
        if tuple(ds[name].dims) != wanted:
            dropped = [d for d in wanted if d not in ds[name].dims and d in ds.coords and ds[d].ndim == 0]
            if dropped:  # ds.sel(section="gubeikou"): a scalar selection drops the dimension
                d = dropped[0]
                raise HydroError(f"the dataset has no '{d}' dimension: a selection of one {d} by its name "
                                 f"(ds.sel({d}={str(ds[d].values)!r})) drops it; select with a list to keep it: "
                                 f"ds.sel({d}=[{str(ds[d].values)!r}])")
            if "time" in ds[name].dims and "time" not in wanted:  # xr.concat(dim="time")'s default data_vars
                raise HydroError(
                    f"dataset variable '{name}' is on {wanted} in hydro's results, and this dataset has it on "
                    f"{tuple(ds[name].dims)}: xarray.concat along 'time' spreads variables without time over "
                    "it (data_vars='all'); concatenate the daily variables on time alone (xr.concat(parts, "
                    "dim='time', data_vars='minimal') after dropping the others), or join consecutive runs "
                    "whole with hydro.join_runs(parts), which joins the yearly budgets term by term")
            raise HydroError(f"dataset variable '{name}' has dimensions {tuple(ds[name].dims)}, where hydro "
                             f"writes {wanted} (was it resampled or transposed?); plot the results as "
                             "Model.run returned them, or Model.run_results(...)")
        res.data[str(name)] = np.array(ds[name].values, copy=True) if copy else np.asarray(ds[name].values)
    return res


def as_results(results, strict: bool = True):
    """``results`` as :class:`~hydro.results.Results`: results as they are, a dataset converted
    (:func:`from_xarray`); anything else refused, naming what it is (returned as it is where not
    ``strict``: :func:`hydro.plotting.plot` also takes payments and class tables)."""
    import xarray as xr

    if isinstance(results, Results):
        return results
    if isinstance(results, xr.Dataset):
        return from_xarray(results, copy=False)  # (plots only read them)
    if not strict:
        return results
    raise HydroError(f"results: expected hydro results (Model.run's dataset, Model.run_results(...), or "
                     f"hydro.results.load_results(path)), got {type(results).__name__}")


def renamed_dataset(ds):
    """The :class:`xarray.Dataset` ``ds`` with an older file's dimensions under their current names
    (:data:`RENAMED_DIMS`: ``year`` as ``budget_year``); ``ds`` itself where it has none."""
    import re

    # only where a variable hydro declares on the new name is on the old one: a dataset a user grouped by
    # "time.year" has a `year` of its own, which is no older file's budget axis (review of 2026-12-06)
    renames = {}
    for old, new in RENAMED_DIMS.items():
        if old in ds.dims and new not in ds.dims:
            names = "|".join(re.escape(v.name).replace(r"\{c\}", "[a-z0-9]+") for v in declared() if new in v.dims)
            if any(old in ds[v].dims and re.fullmatch(names, str(v)) for v in ds.data_vars):
                renames[old] = new
    return ds.rename(renames) if renames else ds


__all__ = ["as_results", "from_xarray"]
