"""netCDF4 (CF-1.8) writing and reading of :class:`~hydro.results.Results`.

Files are written through :mod:`hydro.outputs`: to a temporary name in the
target folder, flushed, given the umask's permissions and renamed into place, so
a crash never leaves a partial file under the real name; an existing file is
replaced only with ``overwrite=True``.  Units and long names come from
:mod:`hydro.variables`.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import numpy as np

from hydro import __version__
from hydro.errors import HydroError
from hydro.results import Results

_STRING_DIMS = ("reach", "section", "reservoir", "gauge", "subbasin", "source", "input", "measure", "scenario", "budget_term")


def check_writable(path: Path, overwrite: bool) -> None:
    """Refuse early to replace an existing result, and check the folder (see
    :func:`hydro.outputs.check_output`)."""
    from hydro.outputs import check_output

    check_output(Path(path), overwrite)


def write_results(results: Results, path: Path, overwrite: bool = False, compress: int = 0) -> Path:
    """Write ``results`` to ``path`` atomically (see module docstring).

    ``compress`` is the zlib level (0-9) of large variables; 0 (the default)
    writes them uncompressed, which is many times faster (``nccopy -d`` can
    compress a file later).
    """
    import netCDF4

    from hydro.outputs import atomic_path

    with atomic_path(path, overwrite) as tmp:
        with netCDF4.Dataset(tmp, "w", format="NETCDF4", clobber=True) as nc:
            _fill(nc, results, compress)
    return path


def _fill(nc, results: Results, compress: int = 0) -> None:
    attrs = {"Conventions": "CF-1.8", "source": f"hydro {__version__}", "title": "hydro results"}
    attrs.update(results.attrs)
    nc.setncatts({k: str(v) for k, v in attrs.items()})
    used_dims = {d for name in results.data for d in results.dims(name)}
    for dim in sorted(used_dims | {"time"}):
        values = results.coords[dim]
        nc.createDimension(dim, len(values))
        if dim == "time":
            start = values[0]
            var = nc.createVariable("time", "f8", ("time",))
            var.units = f"days since {start.isoformat()} 00:00:00"
            var.calendar = "standard"
            var.standard_name = "time"
            var.long_name = "time (start of the day)"
            var[:] = np.array([(d - start).days for d in values], dtype=float)
        elif dim in _STRING_DIMS:
            var = nc.createVariable(dim, str, (dim,))
            var.long_name = f"{dim.replace('_', ' ')} identifier"
            var.cf_role = "timeseries_id" if dim in ("reach", "section", "reservoir", "gauge") else ""
            if not var.cf_role:
                del var.cf_role
            for i, v in enumerate(values):
                var[i] = str(v)
        else:
            var = nc.createVariable(dim, "i4", (dim,))
            var.long_name = dim.replace("_", " ")
            var[:] = np.asarray(values, dtype=np.int32)
    for name in sorted(results.data):
        decl = results.declaration(name)
        data = np.asarray(results.data[name])
        dtype = "i4" if np.issubdtype(data.dtype, np.integer) else "f8"
        kwargs = {"zlib": True, "complevel": int(compress), "shuffle": True} \
            if compress and data.size > 1000 else {}
        if dtype == "f8":
            kwargs["fill_value"] = np.nan
        var = nc.createVariable(name, dtype, results.dims(name), **kwargs)
        var.units = decl.units
        var.long_name = decl.long_name
        var[:] = data


def read_results(path: Path) -> Results:
    """Read a results file back into :class:`Results`."""
    import netCDF4

    if not path.is_file():
        raise HydroError(f"{path}: file not found")
    try:
        nc = netCDF4.Dataset(path, "r")
    except OSError as exc:
        raise HydroError(f"{path}: not a readable netCDF file ({exc})") from None
    with nc:
        try:
            return _read(nc, path)
        except HydroError:
            raise
        except (AttributeError, KeyError, IndexError, TypeError, ValueError) as exc:
            raise HydroError(f"{path}: not a hydro results file (cannot read it: {type(exc).__name__}: "
                             f"{exc}); hydro reads the netCDF files that `hydro run` or `hydro "
                             "scenarios` write") from None


def _read(nc, path: Path) -> Results:
    """The body of :func:`read_results` on an open dataset."""
    coords: dict[str, list] = {}
    for dim in nc.dimensions:
        if dim not in nc.variables:
            continue
        var = nc.variables[dim]
        if dim == "time":
            units = str(getattr(var, "units", ""))
            if not units.replace(" ", "").startswith("dayssince"):
                raise HydroError(f"{path}: variable 'time' has units '{units}'; hydro results "
                                 "use 'days since YYYY-MM-DD' (is this a hydro results file?)")
            start = date.fromisoformat(units.split("since")[1].strip()[:10])
            coords["time"] = [start + timedelta(days=int(round(x))) for x in var[:]]
        elif var.dtype is str:
            coords[dim] = [str(v) for v in var[:]]
        else:
            coords[dim] = [int(v) for v in var[:]]
    attrs = {k: nc.getncattr(k) for k in nc.ncattrs()}
    constituents = {}
    for item in attrs.get("constituents", "").split(";"):
        if "=" in item:
            short, long = item.split("=", 1)
            constituents[short] = long
    res = Results(coords=coords, attrs=attrs, constituents=constituents)
    # dims stacked in front of the declared ones (scenario, member), from a
    # variable whose declaration is known
    for name, var in nc.variables.items():
        if name in nc.dimensions:
            continue
        try:
            declared = res.declaration(name).dims
        except HydroError:
            continue
        res.leading = tuple(var.dimensions[:len(var.dimensions) - len(declared)])
        break
    for name, var in nc.variables.items():
        if name in nc.dimensions:
            continue
        res.data[name] = np.asarray(var[:].filled(np.nan) if hasattr(var[:], "filled") else var[:])
    return res


def check_hydro_results(results: Results, path: Path, command: str = "report", sections: bool = True) -> Results:
    """Refuse a netCDF file that hydro did not write, or (with ``sections``) one that
    lacks the variables at the monitoring sections (``section_discharge`` and every
    constituent's ``section_<c>_concentration``), with a message instead of an empty output.

    Raises
    ------
    HydroError
        Naming the file and what is missing.
    """
    path = Path(path)
    source = str(results.attrs.get("source", ""))
    if not source.startswith("hydro") or not results.coords.get("time"):
        what = f"its 'source' attribute is '{source}'" if source else "it has no 'source = hydro ...' attribute"
        raise HydroError(f"{path}: not a hydro results file ({what}); hydro {command} reads the netCDF "
                         "files that `hydro run` or `hydro scenarios` write")
    if not sections:
        return results
    need = ["section_discharge"] + [f"section_{c}_concentration" for c in results.constituents]
    missing = [n for n in need if n not in results.data]
    if "section" not in results.coords:
        missing.insert(0, "coordinate 'section'")
    if missing:
        raise HydroError(f"{path}: incomplete hydro results file: missing {', '.join(missing)}; "
                         f"hydro {command} needs the file as `hydro run` or `hydro scenarios` wrote it "
                         "(run it again)")
    return results
