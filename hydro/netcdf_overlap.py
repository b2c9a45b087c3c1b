"""A watershed run's netCDF file written in two parts, the first while the transport runs.

Everything a watershed run writes but the transport's variables is known before the transport
(:func:`hydro.pipeline_steps.water_results`: flows, reservoirs, subbasins, what they deliver): at
10,000 reaches that is three quarters of the writing (2.2 of 3.0 s of CPU, mostly zlib), done while
the transport kernel holds one core for 20 s and the other idles.  :class:`OverlappedWrite` writes
those variables on a thread of its own as soon as the run has them (``on_water``), each constituent's
transport variables as soon as its lane of the transport is done (:meth:`OverlappedWrite.part`, from
:mod:`hydro.lane_results`: TN's while TP's and CODMn's lane still runs), and the rest and the global
attributes once the run is done (:meth:`OverlappedWrite.finish`).

The file holds what :func:`hydro.netcdf.write_results` writes of the same results (every variable,
its values, dtype, chunks, filters and attributes, every dimension and global attribute, in their
order), but for the order of the variables and dimensions: those known before the transport
first (their coordinates, then they, sorted), then each group's of the transport (a constituent's, then
the transferred water's) in the groups' order, then the rest (each sorted), as several :func:`define`
calls would.  That order is the same with the thread or without (``threaded=False``, or one transport
thread, :data:`hydro.transport.TRANSPORT_THREADS`) and whichever lane ends first: the same code, the
groups in their order, on the thread that owns the file.  netCDF4 releases Python's lock while HDF5
writes and compresses, and HDF5 is not thread-safe: every netCDF call is made on that one thread, none
while another runs.
HDF5 compresses a chunk when it leaves the chunk cache: each part's variables get small caches
(:func:`hydro.netcdf_chunks.small_chunk_caches`), so that their zlib runs as they are put, during the
transport, rather than at the file's close (with netCDF's 64 MB a variable, the first part's puts took
1.1 s of the writer's 3.3 s of CPU at 10,000 reaches and left the rest to the close); the two chunks a
variable's cache still holds are left to the close.  The file is synced after the first part only:
netCDF writes the metadata of the variables defined so far at the first sync or definition after their
values (0.1-0.2 s for Miyun's first part and a 1,000-reach basin's), which is best done while the
transport runs; a sync after each later part took as long again (0.05-0.17 s each on Miyun) and saved
the close nothing measurable (2 December 2026, docs/solver.md).

The file is written as :func:`hydro.netcdf.write_results` writes it (:func:`hydro.outputs.atomic_path`):
a temporary file renamed into place at the end; an error in the run or the writer (the first of
them is raised), Ctrl-C or SIGTERM remove it.  A run that never calls ``on_water`` (flow-driven,
spun up) is written by :func:`hydro.netcdf.write_results` at :meth:`~OverlappedWrite.finish`.
"""

from __future__ import annotations

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
    :func:`hydro.netcdf.write_results`; ``option`` names ``path`` in messages) in parts.

    Use as a context manager: give :meth:`water` as the run's ``on_water``
    (:func:`hydro.pipeline.run_watershed`; it returns :meth:`part`), then call :meth:`finish` with the whole
    results.  Leaving the block without :meth:`finish` (an error, Ctrl-C) stops the writer and removes its
    file.  ``threaded``: write on a thread (default: where the transport has two threads).
    """

    def __init__(self, path: str | Path, overwrite: bool, spec, *, option: str = "-o",
                 threaded: bool | None = None):
        from hydro.transport import TRANSPORT_THREADS

        self.path, self.overwrite, self.spec, self.option = Path(path), overwrite, spec, option
        self.threaded = TRANSPORT_THREADS > 1 if threaded is None else threaded
        self._writer: Generator[None, tuple, None] | None = None  # owns the file (_write), once started
        self._thread: threading.Thread | None = None
        self._parts: dict[int, Results] = {}  # group -> its variables (part)
        self._final: Results | None = None  # the whole results (finish)
        self._ready = threading.Condition()  # guards _parts and _final; notified with each and at a stop
        self._stop = threading.Event()
        self._ended = threading.Event()  # set by the writer thread when it is through (_run)
        self._error: BaseException | None = None
        self._done = False

    def __enter__(self) -> OverlappedWrite:
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if not self._done:
            self._abandon()

    def water(self, early: Results):
        """Start writing ``early``, the results known before the transport (a copy of its tables is
        taken: the run goes on adding the transport's variables to it); return :meth:`part`."""
        from dataclasses import replace

        if self._writer is not None:
            raise RuntimeError("OverlappedWrite.water called twice")
        snapshot = replace(early, coords=dict(early.coords), data=dict(early.data), attrs=dict(early.attrs))
        self._writer = writer = self._write(snapshot)
        if not self.threaded:
            next(writer)
            return self.part
        self._thread = threading.Thread(target=self._run, name="hydro-netcdf-writer", daemon=True)
        self._thread.start()
        return self.part

    def part(self, group: int, results: Results) -> None:
        """Write ``results``, the variables of the transport's group ``group`` alone (from any thread), after
        the groups before it (:mod:`hydro.lane_results`); the whole results at :meth:`finish` hold them."""
        with self._ready:
            self._parts[group] = results
            self._ready.notify_all()

    def finish(self, results: Results) -> Path:
        """Write the rest of ``results`` (the whole run's) and put the file in place; raise the writer's
        error, if it had one (:class:`hydro.errors.HydroError` for a disk that refused the file)."""
        if self._writer is None:  # the run never called on_water: one part, as ever
            from hydro.netcdf import write_results

            self._done = True
            return write_results(results, self.path, self.overwrite, spec=self.spec, option=self.option)
        if self._thread is None:
            for group in sorted(self._parts):
                self._writer.send(("part", self._parts[group]))
            _send(self._writer, ("final", results))
        else:
            with self._ready:
                self._final = results
                self._ready.notify_all()
            self._wait_for_writer()  # Ctrl-C here: __exit__ stops the writer before it puts the file in place
            if self._error is not None:
                self._done = True
                raise self._error
        self._done = True
        return self.path

    def _run(self) -> None:
        """The writer thread: the first part, each group's as it comes (in the groups' order), then the rest
        when :meth:`finish` sends it."""
        assert self._writer is not None
        try:
            next(self._writer)
            after = -1  # the last group written
            while (item := self._next(after)) is not None:
                group, results = item
                if group is None:
                    _send(self._writer, ("final", results))
                    return
                self._writer.send(("part", results))
                after = group
            self._writer.close()
        except BaseException as exc:  # raised on the main thread by finish
            self._error = exc
        finally:
            self._ended.set()

    def _next(self, after: int) -> tuple[int | None, Results] | None:
        """The next group after ``after`` to write and its variables: group ``after + 1`` once given, else
        (the run done: every group given) the next given; then ``(None, the whole results)``.  None: stop."""
        with self._ready:
            while True:
                if self._stop.is_set():
                    return None
                if after + 1 in self._parts:
                    return after + 1, self._parts[after + 1]
                if self._final is not None:
                    later = sorted(g for g in self._parts if g > after)
                    return (later[0], self._parts[later[0]]) if later else (None, self._final)
                self._ready.wait()

    def _abandon(self) -> None:
        """Stop the writer (the run failed or was interrupted); its temporary file is removed."""
        self._done = True
        if self._writer is None:
            return
        if self._thread is None:
            self._writer.close()
            return
        self._stop.set()
        with self._ready:
            self._ready.notify_all()
        self._wait_for_writer()

    def _wait_for_writer(self) -> None:
        """Wait until the writer thread is through, on an event it sets, not ``Thread.join``: on CPython
        3.11 a join that Ctrl-C interrupted returns at once the next time while the thread still runs, so
        the process left before the writer removed its temporary file (an outside review, 2026-12-05)."""
        while not self._ended.wait(0.1):
            pass
        if self._thread is not None:
            self._thread.join()  # returns at once: the thread is through

    def _check_stop(self) -> None:
        """Raise :class:`_Stopped` if the run failed or was interrupted meanwhile (:meth:`_abandon`)."""
        if self._stop.is_set():
            raise _Stopped

    def _write(self, early: Results) -> Generator[None, tuple, None]:
        """Generator that owns the file: writes ``early``'s variables, then each ``("part", results)`` sent
        (a group's variables) as it comes, then at ``("final", results)`` (the whole results) the rest and
        the global attributes, and puts the file in place."""
        import netCDF4

        from hydro.outputs import atomic_path

        spec = self.spec
        check_aggregation(early, spec)
        with atomic_path(self.path, self.overwrite, option=self.option) as tmp, \
                netCDF4.Dataset(tmp, "w", format="NETCDF4", clobber=True) as nc:
            _, index, starts, first, bounds = layout(early, spec)
            dims: set[str] = set()
            done: set[str] = set()  # the variables written, of every part so far
            written: list[tuple[Results, list[str]]] = []
            kind, results = "part", early
            while kind == "part":
                names = [n for n in kept_variables(results, spec) if n not in done]
                self._add(nc, results, names, dims, (index, starts, first, bounds), small_caches=True)
                if not written:  # the file's metadata written now, during the transport, not at the next part's
                    nc.sync()
                written.append((results, names))
                done.update(names)
                kind, results = yield
            _check_continues(early, results, written)
            check(results, spec)
            attrs, index_all, starts, first, bounds = layout(results, spec)
            if {k: list(v) for k, v in index_all.items()} != {k: list(v) for k, v in index.items()}:
                raise RuntimeError("OverlappedWrite: the run's elements changed after its first part was written")
            rest = [n for n in kept_variables(results, spec) if n not in done]
            self._add(nc, results, rest, dims, (index, starts, first, bounds), small_caches=False)
            nc.setncatts(attrs)
            self._check_stop()  # not put in place after all

    def _add(self, nc, results: Results, names: list[str], dims: set[str], at: tuple, small_caches: bool) -> None:
        """Define ``names`` of ``results`` in ``nc``, with the coordinates of their dimensions not in ``dims``
        yet (added to it), and put their values (``at``: :func:`hydro.netcdf_define.layout`'s index, starts, first
        days and bounds).  ``small_caches``: compressed as written, not held (64 MB a variable) to the close."""
        index, starts, first, bounds = at
        coordinates(nc, results, sorted(used_dims(results, names) - dims), index, first, bounds)
        dims |= used_dims(results, names)
        variables(nc, results, self.spec, names, index, starts, bounds)
        if small_caches:
            small_chunk_caches(nc, names)
        for name in names:
            self._check_stop()
            put(nc, results, self.spec, index, starts, [name])


def _send(writer: Generator[None, tuple, None], item: tuple) -> None:
    """Give the writer generator the whole results (``("final", results)``); it finishes the file."""
    try:
        writer.send(item)
    except StopIteration:
        return
    raise RuntimeError("OverlappedWrite: the writer did not finish its file")


def _check_continues(early: Results, results: Results, written: list[tuple[Results, list[str]]]) -> None:
    """Refuse (a programming error) whole results that are not ``early`` continued: a variable written
    from ``early`` or a group's part (``written``) replaced, a coordinate or the days changed."""
    changed = [n for part, names in written for n in names if results.data.get(n) is not part.data[n]]
    changed += [d for d, values in early.coords.items() if list(results.coords.get(d, [])) != list(values)]
    if changed or results.leading or results.time_bounds != early.time_bounds:
        raise RuntimeError(f"OverlappedWrite: the whole results differ from the parts written ({changed})")
