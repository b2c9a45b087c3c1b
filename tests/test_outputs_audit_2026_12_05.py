"""What keeps an output from being lost, pinned where an outside mutation audit (2026-12-05) found no test:
an ``--overwrite`` that replaces atomically, a dangling link or a read-only file at the target, and a
folder named as the output, each refused before anything is computed."""

from __future__ import annotations

import os

import pytest
from cli_invoke import invoke

from hydro import outputs
from hydro.errors import HydroError


def test_an_overwrite_replaces_the_file_whole_never_in_place(tmp_path):
    """A reader holding the old file (a hard link stands for it) keeps the old bytes; the name points to a
    new file (mutant: the new bytes copied into the old file, which a crash leaves half-written)."""
    target, keep = tmp_path / "r.csv", tmp_path / "keep.csv"
    outputs.write_text(target, "old")
    os.link(target, keep)
    before = target.stat().st_ino
    outputs.write_text(target, "new", overwrite=True)
    assert keep.read_text() == "old" and target.read_text() == "new" and target.stat().st_ino != before


def test_a_dangling_link_at_the_target_is_refused_before_the_run(tmp_path):
    """A link to a missing file is a name in use: refused as existing (mutant: accepted, then refused at
    the commit after all the computing, as 'written meanwhile by another process')."""
    os.symlink(tmp_path / "nowhere.nc", tmp_path / "r.nc")
    with pytest.raises(HydroError, match=r"r\.nc exists; pass --overwrite to replace it"):
        outputs.check_output(tmp_path / "r.nc")


def test_a_read_only_target_is_refused_even_with_overwrite(tmp_path, monkeypatch):
    """(As root every file is writable: the check is exercised through ``os.access``.)"""
    target = tmp_path / "r.nc"
    target.write_bytes(b"x")
    real = os.access
    monkeypatch.setattr(outputs.os, "access", lambda p, mode: False if (mode == os.W_OK and str(p) == str(target))
                        else real(p, mode))
    with pytest.raises(HydroError, match=r"r\.nc: file is read-only; make it writable or choose another -o"):
        outputs.check_output(target, overwrite=True)


@pytest.mark.parametrize("overwrite", [False, True])
def test_a_folder_named_as_the_output_is_refused(tmp_path, overwrite):
    """With or without ``overwrite`` (mutant: the folder check dropped: a caller that gives a folder, as the
    Python API may, computed everything and died on the rename with a traceback; the CLI's ``-o`` refuses a
    folder itself, click's check)."""
    (tmp_path / "d.nc").mkdir()
    with pytest.raises(HydroError, match=r"d\.nc: is a folder; give -o a file name"):
        outputs.check_output(tmp_path / "d.nc", overwrite=overwrite)
    run = invoke("run", "tiny", "-o", str(tmp_path / "d.nc"), "-q", "--overwrite")
    assert run.exit_code == 2 and "is a directory" in run.output


def test_float64_asked_for_overrides_the_default_and_the_basin(tmp_path):
    """``--float64`` (``float32=False``) wins over the default's 32-bit sources and over a basin's
    ``[output] float32 = true`` (mutant: only a true value taken, so the 64-bit a user asked for was
    silently 32-bit)."""
    from hydro.outputspec import OutputSpec

    assert OutputSpec.from_options(base=OutputSpec(float32=True), float32=False).float32 is False
    import netCDF4

    kinds = {}
    for flag in ("--float32", "--float64"):
        out = tmp_path / f"w{flag}.nc"
        assert invoke("run", "watershed", "--end", "2001-01-31", flag, "-o", str(out), "-q").exit_code == 0
        with netCDF4.Dataset(out) as nc:
            kinds[flag] = {v.dtype.str for n, v in nc.variables.items() if "_source_" in n}
    assert kinds == {"--float32": {"<f4"}, "--float64": {"<f8"}}


def test_a_failed_baseline_writes_no_scenarios_file_and_exits_3(tmp_path, monkeypatch):
    """Every scenario is compared with the baseline: without it nothing is written, exit 3 (a batch partly
    failed; mutant: another status)."""
    from hydro.batch import FAIL_ENV

    monkeypatch.setenv(FAIL_ENV, "0")
    out = tmp_path / "s.nc"
    run = invoke("scenarios", "watershed", "configs/scenarios/watershed.toml", "--start", "2001-01-01", "--end",
                 "2001-03-31", "-o", str(out), "--workers", "1", "-q")
    assert run.exit_code == 3 and "no file was written" in run.output
    assert not out.exists() and not out.with_suffix(".summary.csv").exists()


def test_the_python_ensemble_refuses_an_unknown_variable_before_any_member(monkeypatch):
    """(mutant: the check dropped: every member ran and failed, a BatchFailed instead of one error)"""
    import hydro.ensemble
    from hydro.ensemble import run_ensemble

    def never(*args, **kwargs):
        raise AssertionError("a member ran")

    monkeypatch.setattr(hydro.ensemble, "_member", never)
    with pytest.raises(HydroError, match="no output variable 'nope'"):
        run_ensemble("watershed", 2, 0, variables=("nope",), workers=1, quiet=True)


def test_a_stacked_file_refuses_a_run_over_other_days(tmp_path):
    """(mutant: the check dropped: a shorter run written into the first's time axis)"""
    from hydro.netcdf import StackedWriter
    from hydro.results import load_results

    long, short = tmp_path / "a.nc", tmp_path / "b.nc"
    assert invoke("run", "tiny", "--end", "2020-01-10", "-o", str(long), "-q").exit_code == 0
    assert invoke("run", "tiny", "--end", "2020-01-09", "-o", str(short), "-q").exit_code == 0
    out = tmp_path / "stack.nc"
    with pytest.raises(HydroError, match=r"member 1 covers .*9 days.*10 days.*every run of one file covers the "
                                         r"same days"), StackedWriter(out, "member", [0, 1]) as w:
        w.write(0, load_results(long))
        w.write(1, load_results(short))
    assert not out.exists()


def test_a_blocked_file_missing_a_block_is_refused_and_not_written(tmp_path):
    """A run planned over 2020-2021 whose writer got only 2020's block: the file would hold a year of
    gaps; refused, nothing renamed into place (mutant: the coverage check dropped)."""
    from datetime import date, timedelta

    from hydro.netcdf import BlockWriter
    from hydro.results import load_results

    first = tmp_path / "y2020.nc"
    assert invoke("run", "tiny", "--start", "2020-01-01", "--end", "2020-12-31", "-o", str(first), "-q").exit_code == 0
    days = [date(2020, 1, 1) + timedelta(days=i) for i in range(731)]
    out = tmp_path / "both.nc"
    with pytest.raises(HydroError, match=r"366 of 731 time steps and 1 of 2 years written; the blocks do not "
                                         r"cover the run"), BlockWriter(out, days, [2020, 2021]) as w:
        w.write(load_results(first))
    assert not out.exists() and not [p for p in tmp_path.iterdir() if p.name.endswith(".part")]


def test_a_block_with_other_variables_than_the_first_is_refused_and_not_written(tmp_path):
    """N9 (the variables check between blocks dropped): a second block lacking one of the first block's
    variables would leave that variable's second year unwritten (fill values read as data) with no word;
    refused, naming the variable and the remedy, and nothing renamed into place."""
    from dataclasses import replace
    from datetime import date, timedelta

    from hydro.netcdf import BlockWriter
    from hydro.results import load_results

    years = []
    for year in (2020, 2021):
        path = tmp_path / f"y{year}.nc"
        assert invoke("run", "tiny", "--start", f"{year}-01-01", "--end", f"{year}-12-31", "-o", str(path),
                      "-q").exit_code == 0
        years.append(load_results(path))
    dropped = "section_tn_concentration"
    second = replace(years[1], data={k: v for k, v in years[1].data.items() if k != dropped},
                     attrs=years[0].attrs)  # as blocks of one run have (the command line differs here)
    days = [date(2020, 1, 1) + timedelta(days=i) for i in range(731)]
    out = tmp_path / "both.nc"
    with pytest.raises(HydroError, match=rf"the block from 2021-01-01 has other variables than the first "
                                         rf"\({dropped}\); run it in one block"), \
            BlockWriter(out, days, [2020, 2021]) as w:
        w.write(years[0])
        w.write(second)
    assert not out.exists() and not [p for p in tmp_path.iterdir() if p.name.endswith(".part")]


def _keep_signal_state(monkeypatch) -> None:
    """What a handle_signals block ended by a signal leaves behind (``received``, and the quiet thread and
    finaliser hooks it keeps until the process exits), put back after the test: later tests see neither."""
    import sys
    import threading

    from hydro import signals

    monkeypatch.setattr(signals, "received", None)
    monkeypatch.setattr(threading, "excepthook", threading.excepthook)
    monkeypatch.setattr(sys, "unraisablehook", sys.unraisablehook)

def test_a_signal_library_code_swallowed_still_stops_the_commit(tmp_path, monkeypatch):
    """O10 (``raise_if_signalled()`` before the rename removed): a Ctrl-C that arrived while a library wrote
    the file, and whose KeyboardInterrupt that library caught, still stops the command before the result is
    put in place: no file at the target, no temporary file left."""
    import signal

    from hydro import signals

    target = tmp_path / "out.nc"
    _keep_signal_state(monkeypatch)
    with signals.handle_signals(), pytest.raises(KeyboardInterrupt), outputs.atomic_path(target) as tmp:
        tmp.write_text("written")
        monkeypatch.setattr(signals, "received", signal.SIGINT)  # seen by the handler, then swallowed
    assert not target.exists() and list(tmp_path.iterdir()) == []


def test_a_signal_during_the_paired_renames_waits_until_both_are_done(tmp_path, monkeypatch):
    """O19 (``held()`` around the paired renames removed): a Ctrl-C that comes while the first file of a pair
    (scenarios' netCDF and summary CSV) is being renamed into place is delivered only after the second one is:
    the pair is never left half new, half old.  Another thread runs meanwhile, as the native threads of a
    run's libraries do: until 2026-12-05 ``held()`` masked the signals in the main thread only, the kernel
    gave the Ctrl-C to the other thread, and Python's handler still stopped the main one between the two."""
    import signal
    import threading

    from hydro import signals

    _keep_signal_state(monkeypatch)  # the Ctrl-C below sets it: put back after the test
    other_thread_stop = threading.Event()
    other_thread = threading.Thread(target=other_thread_stop.wait)
    other_thread.start()

    commit, committed = outputs._commit, []

    def commit_then_ctrl_c(tmp, path, *args):
        commit(tmp, path, *args)
        committed.append(path.name)
        if len(committed) == 1:
            os.kill(os.getpid(), signal.SIGINT)  # between the two renames

    monkeypatch.setattr(outputs, "_commit", commit_then_ctrl_c)
    try:
        with signals.handle_signals(), pytest.raises(KeyboardInterrupt), outputs.written_together():
            for name in ("scenarios.nc", "scenarios.csv"):
                with outputs.atomic_path(tmp_path / name) as tmp:
                    tmp.write_text(name)
    finally:
        other_thread_stop.set()
        other_thread.join()
    assert committed == ["scenarios.nc", "scenarios.csv"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["scenarios.csv", "scenarios.nc"]  # no temporary left


def test_a_signal_that_ended_an_earlier_command_stops_no_later_write(tmp_path, monkeypatch):
    """A command run from Python (``main([...], standalone_mode=False)``, a notebook) that a Ctrl-C ended
    leaves the signal in ``hydro.signals.received`` (the exit status reads it); a later write of the same
    process is not stopped by it.  Until 2026-12-05 every later atomic write raised KeyboardInterrupt (the
    test suite itself stopped at the next test that wrote a file after the paired-renames test)."""
    import signal

    from hydro import signals

    _keep_signal_state(monkeypatch)
    with signals.handle_signals(), pytest.raises(KeyboardInterrupt):
        os.kill(os.getpid(), signal.SIGINT)
        signals.raise_if_signalled()  # reached only if the handler's exception was swallowed
    assert signals.received == signal.SIGINT  # kept for the exit status
    with outputs.atomic_path(tmp_path / "later.txt") as tmp:
        tmp.write_text("later")
    assert (tmp_path / "later.txt").read_text() == "later"


def test_a_sigterm_after_a_ctrl_c_in_a_held_block_is_the_one_delivered(monkeypatch):
    """Both signals during the renames: the command ends as SIGTERM asked (Terminated, exit 143), not as
    the Ctrl-C that came first (a re-read of 2026-12-05: only the first signal noted was raised again)."""
    import signal

    from hydro import signals

    _keep_signal_state(monkeypatch)
    with signals.handle_signals(), pytest.raises(signals.Terminated), signals.held():
        os.kill(os.getpid(), signal.SIGINT)
        os.kill(os.getpid(), signal.SIGTERM)
    assert signals.received == signal.SIGTERM and signals.exit_status() == 143


def test_every_handler_is_put_back_even_when_a_signal_arrives_between_two(monkeypatch):
    """A Ctrl-C that arrives just after the first handler is back (its handler raising at once) must not
    leave the second signal with held()'s note-only handler: every handler is put back, then the
    KeyboardInterrupt goes on (a re-read of 2026-12-05 found the second left behind)."""
    import signal

    from hydro import signals

    def note(signum, frame):
        pass

    before = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM)}
    real, calls = signal.signal, []

    def signal_then_ctrl_c(sig, handler):
        out = real(sig, handler)
        calls.append(sig)
        if len(calls) == 1:
            raise KeyboardInterrupt  # as the restored handler would, at the next bytecode
        return out

    real(signal.SIGINT, note)
    real(signal.SIGTERM, note)
    monkeypatch.setattr(signal, "signal", signal_then_ctrl_c)
    try:
        with pytest.raises(KeyboardInterrupt):
            signals._put_back(before)
    finally:
        monkeypatch.undo()
        now = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM)}
        for s, h in before.items():
            signal.signal(s, h)
    assert now == before and calls[-1] == signal.SIGTERM  # SIGINT set again (no harm), then SIGTERM
