"""Results in memory: named arrays on named dimensions, with units from :mod:`hydro.variables`.

A :class:`Results` holds coordinates (``time`` as dates, ``reach``, ``section``,
``reservoir`` ids ...), data arrays by variable name, and global attributes.
:meth:`Results.to_netcdf` writes it (CF-1.8) atomically (:mod:`hydro.netcdf`);
:func:`load_results` reads it back.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import numpy as np

from hydro.aux_coordinates import aux_coordinates, is_aux_coordinate
from hydro.discovery import written_attributes
from hydro.errors import HydroError, suggest
from hydro.netcdf import BOUNDS_LONG_NAME, LEADING_DIMS, TIME_COMMENT, TIME_COMMENT_PERIODS, write_results
from hydro.netcdf_read import current_dim, is_netcdf, is_text, logical_dims, text_values, what_file_is
from hydro.run_attributes import id_values
from hydro.variables import (
    COORDINATE_ATTRS,
    Variable,
    cell_methods,
    period_long_name,
    variable,
    variable_names,
)


@dataclass
class Results:
    """Named results of one run.

    Attributes
    ----------
    coords : dict
        Dimension name -> coordinate values (``time``: list of date; others: list of str or int).
    data : dict
        Variable name -> array with the declared dimensions.
    attrs : dict
        Global attributes (basin, scenario, config_sha256, history ...).
    constituents : dict
        Short name -> long name of the constituents, to resolve variable templates.
    leading : tuple of str
        Dimensions stacked in front of every variable's declared ones
        (``scenario``, ``member``; see :func:`stack`).
    time_bounds : tuple of two lists of date, optional
        For results averaged over periods (``monthly``, ``yearly``: see
        :mod:`hydro.outputspec`): the first day of each period (``time``) and the
        day after its last; None for daily results.
    """

    coords: dict[str, list]
    data: dict[str, np.ndarray] = field(default_factory=dict)
    attrs: dict[str, str] = field(default_factory=dict)
    constituents: dict[str, str] = field(default_factory=dict)
    leading: tuple[str, ...] = ()
    time_bounds: tuple[list, list] | None = None

    def __repr__(self) -> str:
        """A summary (what a notebook echoes): the basin, the period, the dimensions' sizes and the
        variables; the dataclass's own repr listed every day and attribute (210 kB for two years)."""
        time = self.coords.get("time") or []
        period = f"{time[0]}..{time[-1]}, " if time else ""
        sizes = ", ".join(f"{d}: {len(v)}" for d, v in self.coords.items())
        names = sorted(self.data)
        shown = ", ".join(names[:8]) + (f", ... ({len(names)} in all)" if len(names) > 8 else "")
        return (f"<hydro.Results {self.attrs.get('basin', '?')!r} scenario {self.attrs.get('scenario', '?')!r}, "
                f"{period}{sizes}; variables: {shown or 'none'}>")

    def declaration(self, name: str) -> Variable:
        """The declared variable ``name`` (dims, units, long name)."""
        return variable(name, self.constituents)

    def add(self, name: str, values: np.ndarray) -> None:
        """Store a variable, checking its shape against the declared dimensions."""
        dims = self.dims(name)
        values = np.asarray(values)
        shape = tuple(len(self.coords[d]) for d in dims)
        if values.shape != shape:
            raise ValueError(f"{name}: shape {values.shape} does not match dims {dims} {shape}")
        self.data[name] = values

    def check_shapes(self) -> None:
        """Refuse (:class:`HydroError`) a variable whose array does not match its dimensions: one
        stored in :attr:`data` directly, bypassing :meth:`add` (a ``leading`` member dimension
        without the member axis in the array raised an IndexError deep in the writer)."""
        for name, values in self.data.items():
            dims = self.dims(name)
            lacking = [d for d in dims if d not in self.coords]
            if lacking:
                raise HydroError(f"Results: variable '{name}' is on {', '.join(dims)}, and coords has no "
                                 f"{', '.join(repr(d) for d in lacking)}; give every dimension its coordinate")
            shape = tuple(len(self.coords[d]) for d in dims)
            if np.shape(values) != shape:
                raise HydroError(
                    f"Results: variable '{name}' has shape {np.shape(values)}, but its dimensions "
                    f"({', '.join(dims)}) have lengths {shape}" + (f" (leading={self.leading}: the stacked "
                    "dimensions come first in every array)" if self.leading else "") + "; store variables with "
                    "Results.add, which checks their shape, and stack runs with hydro.results.stack")

    def dims(self, name: str) -> tuple[str, ...]:
        """The dimensions of ``name`` as stored: the leading ones, then the declared ones."""
        return self.leading + self.declaration(name).dims

    def __contains__(self, name: object) -> bool:
        """Whether these results hold a variable ``name`` (``"tn_load" in results``)."""
        return name in self.data

    def __getitem__(self, name: str) -> np.ndarray:
        try:
            return self.data[name]
        except KeyError:
            raise HydroError(f"no variable '{name}' in these results{suggest(name, self.data)}; have: "
                             f"{', '.join(sorted(self.data))}") from None

    @property
    def dates(self) -> list[date]:
        """The simulated days."""
        return self.coords["time"]

    def simulated_days(self) -> list[date]:
        """The days covered: the time steps, or every day within the periods' bounds (``--aggregate``)."""
        if self.time_bounds is None:
            return list(self.dates)
        return [a + timedelta(days=k) for a, b in zip(*self.time_bounds, strict=True) for k in range((b - a).days)]

    def days_per_step(self) -> np.ndarray:
        """Days each time step covers: 1 for daily results, the simulated days of each
        period for monthly or yearly means (so a load's mass is ``load * days``)."""
        if self.time_bounds is None:
            return np.ones(len(self.dates))
        first, after = self.time_bounds
        return np.array([(b - a).days for a, b in zip(first, after, strict=True)], dtype=float)

    def _failed_missing(self, values: np.ndarray) -> np.ndarray:
        """Integer ``values`` (on the leading dimensions first) with the runs that failed (``<dim>s_failed``,
        held as 0 in memory: numpy integers have no missing value) as NaN, as xarray reads the file."""
        rows = [(k, [i for i, label in enumerate(self.coords[dim]) if str(label) in failed])
                for k, dim in enumerate(self.leading)
                if (failed := set(str(self.attrs.get(f"{dim}s_failed", "")).split(",")) - {""})]
        if not any(r for _, r in rows):
            return values
        values = values.astype(float)
        for axis, r in rows:
            values[(slice(None),) * axis + (r,)] = np.nan
        return values

    def to_xarray(self):
        """The results as an :class:`xarray.Dataset` with the CF attributes of the netCDF file.

        Variables carry their ``units`` and ``long_name``; ``time`` is a
        ``datetime64`` coordinate (the start of each day); element dimensions
        (``reach``, ``section`` ...) have their ids as coordinates, and what each element is (its name,
        a subbasin's county and area ...) as auxiliary coordinates (:mod:`hydro.aux_coordinates`).  It holds
        what :meth:`to_netcdf` writes with ``variables = ["all"]``, without writing a file.  The
        dataset owns its arrays: editing it in place (``ds["section_discharge"] *= 86400``) does not
        change these results, nor what :meth:`to_netcdf` writes from them later.
        """
        import xarray as xr


        self.check_shapes()
        used = {d for name in self.data for d in self.dims(name)} | {"time"}
        coords = {}
        aggregated = self.time_bounds is not None
        for dim in sorted(used):
            values = self.coords[dim]
            if dim == "time":
                attrs = {"standard_name": "time", "long_name": "time (start of the day)", "comment": TIME_COMMENT}
                if aggregated:
                    attrs = {"standard_name": "time", "long_name": "time (first day of the averaging period)",
                             "comment": TIME_COMMENT_PERIODS, "bounds": "time_bnds"}
                coords[dim] = ("time", np.array([np.datetime64(d, "ns") for d in values]), attrs)
            elif values and isinstance(values[0], str):
                coords[dim] = (dim, np.array([str(v) for v in values], dtype=object),
                               {"long_name": f"{dim.replace('_', ' ')} identifier"})
                for aux, labels in aux_coordinates(self.attrs, dim, values):  # names, counties ... (see there)
                    coords[aux.name] = (dim, labels, {"units": aux.units, "long_name": aux.long_name})
            else:  # year, member: 32-bit as in the file
                coords[dim] = (dim, np.asarray(values, dtype=np.int32),
                               {"long_name": dim.replace("_", " "), **COORDINATE_ATTRS.get(dim, {})})
        data_vars = {}
        for name in sorted(self.data):
            decl = self.declaration(name)
            attrs = {"units": decl.units, "long_name": decl.long_name}
            if decl.standard_name:
                attrs["standard_name"] = decl.standard_name
            if aggregated and "time" in self.dims(name):
                attrs["cell_methods"] = cell_methods(decl)
                attrs["long_name"] = period_long_name(decl.long_name, decl.state)
            values = np.array(self.data[name])  # a copy: editing the dataset leaves these results as they are
            if np.issubdtype(values.dtype, np.integer):  # 32-bit as in the file (outputspec.out_dtype)
                values = self._failed_missing(values.astype(np.int32))
            data_vars[name] = (self.dims(name), values, attrs)
        if aggregated:
            first, after = self.time_bounds
            data_vars["time_bnds"] = (("time", "nv"), np.array(
                [[np.datetime64(a, "ns"), np.datetime64(b, "ns")] for a, b in zip(first, after, strict=True)]),
                {"long_name": BOUNDS_LONG_NAME})
        attrs = written_attributes(self, self.attrs.get("time_aggregation", "daily") if aggregated else "daily")
        ds = xr.Dataset(data_vars, coords=coords, attrs=attrs)
        if self.coords["time"]:  # ds.to_netcdf() encodes time as the file does, not int64 proleptic_gregorian
            ds["time"].encoding = {"units": f"days since {self.coords['time'][0].isoformat()} 00:00:00",
                                   "calendar": "standard", "dtype": "float64"}
        return ds

    def to_netcdf(self, path: str | Path, overwrite: bool = False, compress: int | None = None,
                  spec=None) -> Path:
        """Write CF-1.8 netCDF4 atomically; refuses to replace a file unless ``overwrite``, and a
        ``path`` not named as netCDF (``.nc``, ``.nc4``, ``.netcdf``: the readers tell a results file by it).

        ``spec`` (:class:`hydro.outputspec.OutputSpec`) chooses the variables,
        locations, time aggregation and precision (default: every variable but the
        ``species_sources``, daily, 64-bit but for the apportionment by source);
        ``compress`` is the zlib level of the chunked variables (0-9; default the
        spec's, 1).
        """
        from hydro.outputspec import check_netcdf_name

        if not isinstance(overwrite, bool):  # an OutputSpec given second went to overwrite: a daily file, silently
            raise HydroError(f"Results.to_netcdf: overwrite: expected True or False, got {type(overwrite).__name__}; "
                             "give the output's choices as spec=OutputSpec(...)")
        check_netcdf_name(path, "Results.to_netcdf", option="path")  # as hydro run -o: readers go by the suffix
        self.check_shapes()
        return write_results(self, Path(path), overwrite=overwrite, compress=compress, spec=spec, option="path")


def stack(results: list[Results], dim: str, labels: list) -> Results:
    """Stack runs along a new leading dimension (``scenario`` or ``member``).

    Every run must hold the same variables on the same coordinates (the same days, as
    :class:`hydro.netcdf.StackedWriter` asks of the runs of a file), and none may have ``dim``
    already; the stacked results' attributes are the runs' combined (:mod:`hydro.run_attributes`),
    with ``dim`` listing the labels.

    Raises
    ------
    HydroError
        Naming the run (its label) and what differs, or the dimension the runs already have; for
        ``dim`` not ``scenario`` or ``member``, no runs, a label count other than the runs', a label
        given twice, or a ``member`` label that is not a whole number.
    """
    from hydro.results_checks import check_stackable, stack_labels
    from hydro.run_attributes import Combiner

    labels = stack_labels(results, dim, labels)
    first = results[0]
    check_stackable(results, dim, labels)
    leading = (dim,) + first.leading if dim == "scenario" else first.leading + (dim,)
    combined = Combiner("runs", f"the {dim}s stacked")
    for k, (r, label) in enumerate(zip(results, labels, strict=True)):
        combined.add(k, r.attrs, label=label)
    out = Results(coords={**first.coords, dim: list(labels)}, attrs=combined.attrs(),
                  constituents=dict(first.constituents), leading=leading, time_bounds=first.time_bounds)
    out.attrs[dim] = ",".join(str(x) for x in labels)
    axis = 0 if dim == "scenario" else len(first.leading)
    for name in first.data:
        out.data[name] = np.stack([r.data[name] for r in results], axis=axis)
    return out


def open_results(path: str | Path):
    """Open a results file written by ``hydro run`` or ``hydro scenarios`` as an :class:`xarray.Dataset`.

    Parameters
    ----------
    path : str or Path
        The netCDF file.

    Returns
    -------
    xarray.Dataset
        Every variable, loaded, with its ``units`` (UDUNITS: ``m3 s-1``, ``mg L-1``,
        ``kg d-1`` ...) and ``long_name``; ``time`` as ``datetime64``; element ids
        (``reach``, ``section`` ...) as coordinates: what ``xarray.open_dataset(path)`` gives.

    Raises
    ------
    HydroError
        The file is missing, a folder, not netCDF, or a netCDF file hydro did not write
        (or one with a variable hydro does not declare, so no units to give it).
    """
    results = load_results(path)
    known = set(variable_names(results.constituents))
    unknown = [n for n in results.data if n not in known]
    if unknown:
        raise HydroError(f"{path}: variable '{unknown[0]}' is not one hydro writes (was it added to the "
                         "file?); open the file with xarray.open_dataset, which takes any variable")
    return results.to_xarray()


def load_results(path: str | Path) -> Results:
    """Read a results file written by :meth:`Results.to_netcdf`.

    Raises
    ------
    HydroError
        Naming the file: it is missing, a folder, not netCDF, or not written by hydro.
    """
    from hydro.netcdf_read import open_dataset

    path = Path(path)
    if path.is_dir():
        raise HydroError(f"{path}: is a folder; give a results file (.nc) that `hydro run` or "
                         "`hydro scenarios` wrote")
    if not path.is_file():
        raise HydroError(f"{path}: file not found")
    if not is_netcdf(path):
        raise HydroError(f"{path}: not a netCDF file ({what_file_is(path)}); give a results file (.nc) that "
                         "`hydro run` or `hydro scenarios` wrote")
    try:
        nc = open_dataset(path)
    except OSError as exc:
        raise HydroError(f"{path}: not a readable netCDF file ({exc})") from None
    with nc:
        _check_written_by_hydro(nc, path)
        try:
            return _read(nc, path)
        except HydroError:
            raise
        except (AttributeError, KeyError, IndexError, TypeError, ValueError) as exc:
            raise HydroError(f"{path}: not a hydro results file (cannot read it: {type(exc).__name__}: "
                             f"{exc}); hydro reads the netCDF files that `hydro run` or `hydro "
                             "scenarios` write") from None


def _read(nc, path: Path) -> Results:
    """The body of :func:`load_results` on an open dataset."""
    coords: dict[str, list] = {}
    for name in nc.dimensions:
        if name not in nc.variables:
            continue
        var, dim = nc.variables[name], current_dim(name, nc.dimensions)  # an older file's year: budget_year
        if dim == "time":
            units = str(getattr(var, "units", ""))
            if not units.replace(" ", "").startswith("dayssince"):
                raise HydroError(f"{path}: variable 'time' has units '{units}'; hydro results "
                                 "use 'days since YYYY-MM-DD' (is this a hydro results file?)")
            start = date.fromisoformat(units.split("since")[1].strip()[:10])
            coords["time"] = [start + timedelta(days=round(float(x))) for x in var[:]]
        elif is_text(var):
            coords[dim] = text_values(var)
        else:
            coords[dim] = [int(v) for v in var[:]]
    attrs = {k: nc.getncattr(k) for k in nc.ncattrs()}
    res = Results(coords=coords, attrs=attrs, constituents=id_values(attrs.get("constituents", "")))
    bounds_name = getattr(nc.variables["time"], "bounds", None) if "time" in nc.variables else None
    if bounds_name and bounds_name in nc.variables:
        start = coords["time"][0] - timedelta(days=round(float(nc.variables["time"][0])))
        tb = np.asarray(nc.variables[bounds_name][:], dtype=float)
        res.time_bounds = ([start + timedelta(days=round(float(x))) for x in tb[:, 0]],
                           [start + timedelta(days=round(float(x))) for x in tb[:, 1]])
    res.leading = stacked_dims(res, ((n, logical_dims(v)) for n, v in nc.variables.items()
                                     if n not in nc.dimensions))
    known = set(variable_names(res.constituents))
    for name, var in nc.variables.items():
        if name in nc.dimensions or name == bounds_name or is_aux_coordinate(name, logical_dims(var)):
            continue
        if name in known and logical_dims(var) != res.dims(name):
            raise HydroError(f"{path}: variable '{name}' has dimensions {logical_dims(var)}, where hydro writes "
                             f"{res.dims(name)} (was the file reshaped, e.g. resampled with xarray?); open it "
                             "with xarray.open_dataset, which takes any shape")
        values = var[:]
        if np.ma.is_masked(values) and values.dtype.kind in "iu":  # a failed member's integers (missing_value)
            values = values.astype(float)
        res.data[name] = np.asarray(values.filled(np.nan) if hasattr(values, "filled") else values)
    from hydro.results_checks import check_daily_steps, check_period_states

    check_daily_steps(res, path)
    check_period_states(res, {n: str(getattr(v, "cell_methods", "")) for n, v in nc.variables.items()}, path)
    return res


def stacked_dims(res: Results, variables) -> tuple[str, ...]:
    """The dimensions stacked in front of the declared ones (``scenario``, ``member``) of a file or
    dataset's ``variables`` (``(name, dims)`` pairs), from the first whose declaration is known and
    whose own dimensions end in it (a reshaped variable is left to its reader to name)."""
    for name, own in variables:
        try:
            declared = res.declaration(name).dims
        except HydroError:
            continue
        front = own[:len(own) - len(declared)]
        if own[len(front):] == tuple(declared) and set(front) <= set(LEADING_DIMS):
            return front
    return ()


def _check_written_by_hydro(nc, path: Path) -> None:
    """Refuse, naming the file, a netCDF file hydro did not write (its ``source`` attribute
    is not ``hydro ...``)."""
    source = str(getattr(nc, "source", ""))
    if not source.startswith("hydro"):
        what = f"its 'source' attribute is '{source}'" if source else "it has no 'source = hydro ...' attribute"
        raise HydroError(f"{path}: not a hydro results file ({what}); hydro reads the netCDF files that "
                         "`hydro run` or `hydro scenarios` write (open others with xarray.open_dataset)")
