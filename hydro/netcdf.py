"""netCDF4 (CF-1.8) writing of :class:`~hydro.results.Results` (reading: :func:`hydro.results.load_results`).

Files are written through :mod:`hydro.outputs`: to a temporary name in the target folder, flushed,
given the umask's permissions and renamed into place, so a crash never leaves a partial file under the
real name; an existing file is replaced only with ``overwrite=True``.  Units and long names: :mod:`hydro.variables`.
"""

from __future__ import annotations

import contextlib
import sys
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from hydro.errors import HydroError
from hydro.netcdf_chunks import LEADING_DIMS as LEADING_DIMS
from hydro.netcdf_chunks import small_chunk_caches
from hydro.netcdf_define import BOUNDS_LONG_NAME as BOUNDS_LONG_NAME
from hydro.netcdf_define import TIME_COMMENT as TIME_COMMENT
from hydro.netcdf_define import TIME_COMMENT_PERIODS as TIME_COMMENT_PERIODS
from hydro.netcdf_define import define as _define
from hydro.netcdf_define import put as _put
from hydro.output_periods import check_aggregation
from hydro.outputspec import OutputSpec, blocks, check, kept_variables, periods
from hydro.run_attributes import Combiner, failure_reasons

if TYPE_CHECKING:
    from hydro.results import Results



def check_writable(path: Path, overwrite: bool, inputs=()) -> None:
    """Refuse early to replace an existing result or an input file, and check the folder (:func:`hydro.outputs.check_output`)."""
    from hydro.netcdf_read import is_netcdf
    from hydro.outputs import check_output

    check_output(Path(path), overwrite, inputs=inputs)
    path = Path(path)
    if overwrite and path.is_file() and path.stat().st_size:
        if not is_netcdf(path):
            raise HydroError(f"{path}: is not a netCDF results file; --overwrite replaces earlier results, "
                             "never other files (a basin's CSV or TOML input, say): choose another -o, or "
                             "delete that file yourself if it is not needed")
        source = _source_attribute(path)
        if not source.startswith("hydro"):  # gridded forcing, a reanalysis, another model's output
            what = f"its 'source' attribute is '{source}'" if source else "it has no 'source = hydro ...' attribute"
            raise HydroError(f"{path}: is a netCDF file hydro did not write ({what}); --overwrite replaces "
                             "earlier hydro results, never other data: choose another -o, or delete that file "
                             "yourself if it is not needed")


def _source_attribute(path: Path) -> str:
    """The global ``source`` attribute of the netCDF file ``path`` ('' when it has none or cannot be read)."""
    from hydro.netcdf_read import open_dataset

    try:
        with open_dataset(path) as ds:
            return str(getattr(ds, "source", ""))
    except OSError:
        return ""


def write_results(results: Results, path: Path, overwrite: bool = False, compress: int | None = None,
                  spec=None, *, option: str = "-o") -> Path:
    """Write ``results`` to ``path`` atomically (see module docstring).

    ``spec`` (:class:`hydro.outputspec.OutputSpec`) chooses variables, locations, time aggregation and
    precision; it is applied while writing, a few periods of one variable at a time, so no full-resolution
    copy of a variable is made (results already averaged: over their days, never finer).  Variables on ``time``
    are chunked along it and zlib-compressed at level ``compress`` (default the spec's, 1; 0: contiguous, uncompressed).
    ``option`` named ``path``, for messages (``-o``; ``path``: Python's, "pass overwrite=True")."""
    import netCDF4

    from hydro.outputs import atomic_path

    spec = replace(spec or OutputSpec(), **({} if compress is None else {"compress": int(compress)}))
    check(results, spec)
    check_aggregation(results, spec)
    with atomic_path(path, overwrite, option=option) as tmp:
        with netCDF4.Dataset(tmp, "w", format="NETCDF4", clobber=True) as nc:
            index, starts, names = _define(nc, results, spec)
            _put(nc, results, spec, index, starts, names)
            for k, dim in enumerate(results.leading):  # runs that failed (run_ensemble), as StackedWriter has them
                failed = set(str(results.attrs.get(f"{dim}s_failed", "")).split(",")) - {""}
                if rows := [i for i, label in enumerate(results.coords[dim]) if str(label) in failed]:
                    _mark_missing(nc, names, k, rows)
    return path


def _mark_missing(nc, names, axis: int, rows: list[int]) -> None:
    """Integer variables of failed runs (``rows`` along leading dimension ``axis``) as missing: netCDF's
    default fill, named ``missing_value`` (else xarray reads the fill, or the 0 held in memory, as numbers)."""
    import netCDF4

    fill = np.int32(netCDF4.default_fillvals["i4"])
    for var in (nc.variables[n] for n in names if nc.variables[n].dtype.kind == "i"):
        var.missing_value = fill
        for i in rows:
            var[(slice(None),) * axis + (i,)] = fill


class _PieceWriter:
    """A netCDF file written piece by piece (blocks of a run, runs of a batch) into a temporary file that is
    renamed into place only if every piece was written and nothing failed (:func:`hydro.outputs.atomic_path`);
    subclasses set ``path`` and ``overwrite`` and close their file in :meth:`_close`, raising if it is incomplete."""

    path: Path
    overwrite: bool
    _nc: Any  # the open netCDF4.Dataset, None before the first piece and after closing

    def __enter__(self):
        from hydro.outputs import atomic_path

        self._ctx = atomic_path(self.path, self.overwrite)
        self._tmp = self._ctx.__enter__()
        return self

    def _close(self, ok: bool) -> None:
        """Close the file (``ok``: no error so far); raise :class:`HydroError` if it is incomplete."""
        raise NotImplementedError

    def _file_to_finish(self, ok: bool):
        """The open file for :meth:`_close` to finish, or None.  Without ``ok`` an error is on its way
        and the file goes: it is closed here, quietly, so that closing cannot hide that error (a full
        disk that failed the file's definition left the writer half set up; review of 2026-12-04)."""
        nc, self._nc = self._nc, None
        if nc is not None and not ok:
            with contextlib.suppress(Exception):
                nc.close()
            return None
        return nc

    def __exit__(self, exc_type, exc, tb):
        try:
            self._close(exc_type is None)
        except BaseException:
            self._ctx.__exit__(*sys.exc_info())
            raise
        return self._ctx.__exit__(exc_type, exc, tb)


class BlockWriter(_PieceWriter):
    """Write a run block by block (:mod:`hydro.blocked`) into one file defined up front.

    The file is defined from the first block with the whole run's ``time`` and ``budget_year`` axes (``dates``,
    ``years``); each block's slice of every variable on ``time`` (aggregated by the spec: blocks are whole
    years, so months and years never straddle two) or on ``budget_year`` is written at its place, and variables on
    neither are written from the first block.  The global attributes are the blocks' combined
    (:mod:`hydro.run_attributes`: the worst closure, the sum of the days or volumes), and those set by
    :meth:`set_attrs` over them.  Written atomically like :func:`write_results`.  Use as a context manager::

        with BlockWriter(path, dates, years, spec=spec) as w:
            for res in run_blocks(...):
                w.write(res)
    """

    def __init__(self, path: Path, dates: list, years: list, overwrite: bool = False, spec=None):
        self.path, self.dates, self.years = Path(path), list(dates), list(years)
        self.overwrite, self.spec = overwrite, spec or OutputSpec()
        self._nc: Any = None
        self._time, self._year = 0, 0  # output periods and years written so far
        self._attrs: dict[str, str] = {}
        self._combined = Combiner("blocks", str(self.path))

    def write(self, results: Results) -> None:
        """Store the next block (its days follow the last block's)."""
        import netCDF4

        self._combined.add(len(self._combined), results.attrs, label=results.dates[0])
        starts, _, _ = periods(results.dates, self.spec.aggregate)
        if self._nc is None:  # (the first block's values decide what zlib compresses)
            check(results, self.spec)
            whole = replace(results, coords={**results.coords, "time": self.dates, "budget_year": self.years})
            self._nc = netCDF4.Dataset(self._tmp, "w", format="NETCDF4", clobber=True)
            self._index, _, self._names = _define(self._nc, whole, self.spec, sample=(results, starts))
            small_chunk_caches(self._nc, self._names)  # a block's partly written chunk waits there
        if kept_variables(results, self.spec) != self._names:
            differ = sorted(set(kept_variables(results, self.spec)) ^ set(self._names))
            raise HydroError(f"{self.path}: the block from {results.dates[0]} has other variables than the "
                             f"first ({', '.join(differ)}); run it in one block (--block-years 0)")
        n_year = len(results.coords.get("budget_year", []))
        for name in self._names:
            var, dims = self._nc.variables[name], results.dims(name)
            for out, block in blocks(results, name, self.spec, self._index, starts):
                if out is not None:
                    out = slice(out.start + self._time, out.stop + self._time)
                    axis = dims.index("time")
                elif "budget_year" in dims:
                    out, axis = slice(self._year, self._year + n_year), dims.index("budget_year")
                elif self._time:
                    continue  # neither on time nor year: the first block's
                else:
                    var[...] = block
                    continue
                sl = [slice(None)] * len(dims)
                sl[axis] = out
                var[tuple(sl)] = block.astype(var.dtype, copy=False)
        self._time += len(starts)
        self._year += n_year

    def set_attrs(self, attrs: dict[str, str]) -> None:
        """Global attributes to write (over the blocks' combined) when the file is closed."""
        self._attrs.update(attrs)

    def _close(self, ok: bool) -> None:
        nc = self._file_to_finish(ok)
        if nc is not None:
            nc.setncatts({**self._combined.attrs(), **{k: str(v) for k, v in self._attrs.items()}})
            nc.close()
        if ok:
            expected = len(periods(self.dates, self.spec.aggregate)[0])
            if self._time != expected or self._year != len(self.years):
                raise HydroError(f"{self.path}: {self._time} of {expected} time steps and {self._year} of "
                                 f"{len(self.years)} years written; the blocks do not cover the run")


#: :class:`StackedWriter` closes and reopens its file after this many runs: with a compressed variable whose
#: time chunks overrun the time axis (1,826 days in chunks of 1,560), the netCDF/HDF5 libraries (netCDF 4.10.1,
#: HDF5 2.2.0) keep about a chunk per run written until the file is closed, so a 160-member Miyun ensemble's
#: parent grew by 1 MB a member (261 MB; 139 MB at 40 members); reopened, it stays flat
#: (``benchmarks/ensemble.py``, ``tests/test_batch_memory.py``).
REOPEN_EVERY = 16


class StackedWriter(_PieceWriter):
    """Write runs (ensemble members, scenarios) into one file along a new leading dimension as they
    finish, so a batch holds one run at a time, not all of them.

    The file is defined from the first run written (every run must have the same coordinates); runs never
    written (failed members) keep the fill value (NaN; integers marked missing) and are listed in the global
    attribute ``<dim>s_failed`` (and why, as given to :meth:`fail`, in ``<dim>s_failed_reasons``).  The global attributes are the runs' combined (:mod:`hydro.run_attributes`),
    and ``attrs`` over them.  Written atomically (:func:`hydro.outputs.atomic_path`): on an error, Ctrl-C or
    SIGTERM nothing is left; if no run was written, no file is made and a :class:`HydroError` is raised.

    Use as a context manager::

        with StackedWriter(path, "member", list(range(n)), spec=spec) as w:
            for m, res in done:
                w.write(m, res)
    """

    def __init__(self, path: Path, dim: str, labels: list, overwrite: bool = False, spec=None,
                 attrs: dict | None = None):
        if dim not in LEADING_DIMS:
            raise ValueError(f"dim must be one of {LEADING_DIMS}")
        self.path, self.dim, self.labels = Path(path), dim, list(labels)
        self.overwrite, self.spec, self.attrs = overwrite, spec or OutputSpec(), dict(attrs or {})
        self.written: set[int] = set()
        self.reasons: dict[int, str] = {}  # why a run that is not written failed (fail())
        self._combined = Combiner("runs", str(self.path))
        self._nc: Any = None
        self._ctx = None

    def write(self, k: int, results: Results) -> None:
        """Store run ``k`` (its label is ``labels[k]``)."""
        import netCDF4

        if results.leading:
            raise ValueError("StackedWriter takes single runs (no leading dimension)")
        template = getattr(self, "_template", None)
        if template is not None and results.dates != template.dates:  # one time axis: the same days
            span = [f"{d[0]} to {d[-1]} ({len(d)} days)" for d in (results.dates, template.dates)]
            raise HydroError(f"{self.path}: {self.dim} {self.labels[k]} covers {span[0]}, the first run "
                             f"{span[1]}; every run of one file covers the same days")
        self._combined.add(k, results.attrs, label=self.labels[k])  # (after the days: they say more)
        if self._nc is None:
            check(results, self.spec)
            self._nc = netCDF4.Dataset(self._tmp, "w", format="NETCDF4", clobber=True)
            stacked = replace(results, coords={**results.coords, self.dim: self.labels},
                              attrs=dict(results.attrs), constituents=dict(results.constituents),
                              leading=(self.dim,), data={n: results.data[n] for n in results.data})
            stacked.attrs[self.dim] = ",".join(str(x) for x in self.labels)
            stacked.attrs.update(self.attrs)  # the runs' combined replace the first's on closing
            self._template = results
            self._index, self._starts, self._names = _define(self._nc, stacked, self.spec)
            small_chunk_caches(self._nc, self._names)
        _put(self._nc, results, self.spec, self._index, self._starts, self._names, lead=(k,))
        self.written.add(k)
        if len(self.written) % REOPEN_EVERY == 0:  # let the library free what it holds (REOPEN_EVERY)
            self._nc.close()
            self._nc = netCDF4.Dataset(self._tmp, "a")
            small_chunk_caches(self._nc, self._names)

    def fail(self, k: int, reason: str) -> None:
        """Note why run ``k`` failed: kept in the attribute ``<dim>s_failed_reasons``
        (:func:`hydro.run_attributes.failure_reasons`)."""
        self.reasons[k] = reason

    def _close(self, ok: bool) -> None:
        nc = self._file_to_finish(ok)
        if nc is not None:
            failed = [str(self.labels[k]) for k in range(len(self.labels)) if k not in self.written]
            if failed:
                nc.setncattr(f"{self.dim}s_failed", ",".join(failed))
                reasons = {self.labels[k]: self.reasons[k] for k in sorted(self.reasons) if k not in self.written}
                if reasons:
                    nc.setncattr(f"{self.dim}s_failed_reasons", failure_reasons(reasons))
                _mark_missing(nc, self._names, 0, [])  # (never written: the fill value already)
            # the runs written, combined (attributes absent from the first run too)
            nc.setncatts({**self._combined.attrs(), **{k: str(v) for k, v in self.attrs.items()}})
            nc.close()
        if ok and not self.written:
            raise HydroError(f"{self.path}: not written: every {self.dim} failed")


def check_hydro_results(results: Results, path: Path, command: str = "report", sections: bool = True) -> Results:
    """Refuse a netCDF file that hydro did not write, or (with ``sections``) one that lacks the variables at the
    monitoring sections (``section_discharge`` and every constituent's ``section_<c>_concentration``), with a
    message instead of an empty output.

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
    if missing and "member" in results.coords:  # a weather ensemble keeps the variables asked for
        raise HydroError(f"{path}: a weather ensemble (--members) without {', '.join(missing)}; hydro {command} "
                         "needs them: run the ensemble again with them in --variables, or give one run")
    if missing and "--variables" in str(results.attrs.get("history", "")):  # chosen, not damaged
        raise HydroError(f"{path}: written with --variables, without {', '.join(missing)}; hydro {command} "
                         "needs them: run it again with them in --variables, or without --variables")
    if missing:
        raise HydroError(f"{path}: incomplete hydro results file: missing {', '.join(missing)}; hydro {command} "
                         "needs the file as `hydro run` or `hydro scenarios` wrote it (run it again)")
    return results
