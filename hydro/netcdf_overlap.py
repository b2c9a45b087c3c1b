"""A watershed run's netCDF file written in two parts, the first while the transport runs.

Everything a watershed run writes but the transport's variables is known before the transport
(:func:`hydro.pipeline_steps.water_results`: flows, reservoirs, subbasins, what they deliver): at
10,000 reaches that is three quarters of the writing (2.2 of 3.0 s of CPU, mostly zlib), done while
the transport kernel holds one core for 20 s and the other idles.  :class:`OverlappedWrite` writes
those variables on a thread of its own as soon as the run has them (``on_water``), and the
transport's variables and the global attributes once the run is done (:meth:`OverlappedWrite.finish`).

The file holds what :func:`hydro.netcdf.write_results` writes of the same results (every variable,
its values, dtype, chunks, filters and attributes, every dimension and global attribute, in their
order), but for the order of the variables and dimensions: those known before the transport
first (their coordinates, then they, sorted), then the rest (sorted), as two :func:`define` calls
would.  That order is the same with the thread or without (``threaded=False``, or one transport
thread, :data:`hydro.transport.TRANSPORT_THREADS`): the same code, in the same order, on the
thread that owns the file.  netCDF4 releases Python's lock while HDF5 writes and compresses, and
HDF5 is not thread-safe: every netCDF call is made on that one thread, none while another runs.
HDF5 compresses a chunk when it leaves the chunk cache: the first part's variables get small caches
(:func:`hydro.netcdf_chunks.small_chunk_caches`) and the file is synced after them, so that their zlib
runs during the transport rather than at the file's close (with netCDF's 64 MB a variable, the first
part's puts took 1.1 s of the writer's 3.3 s of CPU at 10,000 reaches and left the rest to the close).

The file is written as :func:`hydro.netcdf.write_results` writes it (:func:`hydro.outputs.atomic_path`):
a temporary file renamed into place at the end; an error in the run or the writer (the first of
them is raised), Ctrl-C or SIGTERM remove it.  A run that never calls ``on_water`` (flow-driven,
spun up) is written by :func:`hydro.netcdf.write_results` at :meth:`~OverlappedWrite.finish`.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Generator
from pathlib import Path
from typing import TYPE_CHECKING

from hydro.netcdf_chunks import small_chunk_caches
from hydro.netcdf_define import coordinates, layout, put, used_dims, variables
from hydro.output_periods import check_aggregation
from hydro.outputspec import check, kept_variables

if TYPE_CHECKING:
    from hydro.results import Results


class _Stopped(Exception):
    """The run failed or was interrupted: the writer stops and removes its temporary file."""


class OverlappedWrite:
    """Write a watershed run's results to ``path`` (``overwrite``, ``spec``: as
    :func:`hydro.netcdf.write_results`; ``option`` names ``path`` in messages) in two parts.

    Use as a context manager: give :meth:`water` as the run's ``on_water``
    (:func:`hydro.pipeline.run_watershed`), then call :meth:`finish` with the whole results.  Leaving
    the block without :meth:`finish` (an error, Ctrl-C) stops the writer and removes its file.
    ``threaded``: write the first part on a thread (default: where the transport has two threads).
    """

    def __init__(self, path: str | Path, overwrite: bool, spec, *, option: str = "-o",
                 threaded: bool | None = None):
        from hydro.transport import TRANSPORT_THREADS

        self.path, self.overwrite, self.spec, self.option = Path(path), overwrite, spec, option
        self.threaded = TRANSPORT_THREADS > 1 if threaded is None else threaded
        self._writer: Generator[None, Results, None] | None = None  # owns the file (_write), once started
        self._thread: threading.Thread | None = None
        self._inbox: queue.SimpleQueue = queue.SimpleQueue()  # the whole results, or None: stop
        self._stop = threading.Event()
        self._error: BaseException | None = None
        self._done = False

    def __enter__(self) -> OverlappedWrite:
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if not self._done:
            self._abandon()

    def water(self, early: Results) -> None:
        """Start writing ``early``, the results known before the transport (a copy of its tables is
        taken: the run goes on adding the transport's variables to it)."""
        from dataclasses import replace

        if self._writer is not None:
            raise RuntimeError("OverlappedWrite.water called twice")
        snapshot = replace(early, coords=dict(early.coords), data=dict(early.data), attrs=dict(early.attrs))
        self._writer = writer = self._write(snapshot)
        if not self.threaded:
            next(writer)
            return
        self._thread = threading.Thread(target=self._run, name="hydro-netcdf-writer", daemon=True)
        self._thread.start()

    def finish(self, results: Results) -> Path:
        """Write the rest of ``results`` (the whole run's) and put the file in place; raise the writer's
        error, if it had one (:class:`hydro.errors.HydroError` for a disk that refused the file)."""
        if self._writer is None:  # the run never called on_water: one part, as ever
            from hydro.netcdf import write_results

            self._done = True
            return write_results(results, self.path, self.overwrite, spec=self.spec, option=self.option)
        if self._thread is None:
            _send(self._writer, results)
        else:
            self._inbox.put(results)
            self._thread.join()  # Ctrl-C here: __exit__ stops the writer before it puts the file in place
            if self._error is not None:
                self._done = True
                raise self._error
        self._done = True
        return self.path

    def _run(self) -> None:
        """The writer thread: the first part, then the rest when :meth:`finish` sends it."""
        assert self._writer is not None
        try:
            next(self._writer)
            results = self._inbox.get()
            if results is None:
                self._writer.close()
                return
            _send(self._writer, results)
        except BaseException as exc:  # raised on the main thread by finish
            self._error = exc

    def _abandon(self) -> None:
        """Stop the writer (the run failed or was interrupted); its temporary file is removed."""
        self._done = True
        if self._writer is None:
            return
        if self._thread is None:
            self._writer.close()
            return
        self._stop.set()
        self._inbox.put(None)  # read only if the writer still waits for the whole results
        self._thread.join()

    def _check_stop(self) -> None:
        """Raise :class:`_Stopped` if the run failed or was interrupted meanwhile (:meth:`_abandon`)."""
        if self._stop.is_set():
            raise _Stopped

    def _write(self, early: Results) -> Generator[None, Results, None]:
        """Generator that owns the file: writes ``early``'s variables, waits (``yield``) for the whole
        results, writes the rest and the global attributes, and puts the file in place."""
        import netCDF4

        from hydro.outputs import atomic_path

        spec = self.spec
        check_aggregation(early, spec)
        with atomic_path(self.path, self.overwrite, option=self.option) as tmp, \
                netCDF4.Dataset(tmp, "w", format="NETCDF4", clobber=True) as nc:
            _, index, starts, first, bounds = layout(early, spec)
            first_names = kept_variables(early, spec)
            dims = used_dims(early, first_names)
            coordinates(nc, early, sorted(dims), index, first, bounds)
            variables(nc, early, spec, first_names, index, starts, bounds)
            small_chunk_caches(nc, first_names)  # compressed as written, not held (64 MB a variable) to the close
            for name in first_names:
                self._check_stop()
                put(nc, early, spec, index, starts, [name])
            nc.sync()  # what the caches still hold compressed and written now, not after the transport
            results = yield
            _check_continues(early, results, first_names)
            check(results, spec)
            attrs, index_all, starts, first, bounds = layout(results, spec)
            if {k: list(v) for k, v in index_all.items()} != {k: list(v) for k, v in index.items()}:
                raise RuntimeError("OverlappedWrite: the run's elements changed after its first part was written")
            rest = [n for n in kept_variables(results, spec) if n not in set(first_names)]
            coordinates(nc, results, sorted(used_dims(results, rest) - dims), index, first, bounds)
            variables(nc, results, spec, rest, index, starts, bounds)
            for name in rest:
                self._check_stop()
                put(nc, results, spec, index, starts, [name])
            nc.setncatts(attrs)
            self._check_stop()  # not put in place after all


def _send(writer: Generator[None, Results, None], results: Results) -> None:
    """Give the writer generator the whole results; it finishes the file."""
    try:
        writer.send(results)
    except StopIteration:
        return
    raise RuntimeError("OverlappedWrite: the writer did not finish its file")


def _check_continues(early: Results, results: Results, names: list[str]) -> None:
    """Refuse (a programming error) whole results that are not ``early`` continued: a variable written
    from ``early`` replaced, a coordinate or the days changed."""
    changed = [n for n in names if results.data.get(n) is not early.data[n]]
    changed += [d for d, values in early.coords.items() if list(results.coords.get(d, [])) != list(values)]
    if changed or results.leading or results.time_bounds != early.time_bounds:
        raise RuntimeError(f"OverlappedWrite: the whole results differ from their first part written ({changed})")
