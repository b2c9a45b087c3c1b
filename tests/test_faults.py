"""Fault injection: kills, signals, concurrent writers, existing files, bad folders (issue 15).

The output policy (:mod:`hydro.outputs`): nothing is overwritten without
``--overwrite``, outputs are checked before anything is computed, files appear
whole or not at all (with the user's umask), temporary files never outlive the
process that Python can clean up after, and a killed writer's are removed by the
next run.  Ctrl-C exits 130 and SIGTERM 143 with one line; calibration workers
die with their parent.

Signals need real processes (``python -m hydro``); everything else runs through
click's CliRunner.  The write phase is stretched by ``HYDRO_TEST_WRITE_DELAY``
(a test-only hook of :mod:`hydro.outputs`) so a kill lands inside it.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from cli_invoke import invoke

from hydro import outputs

ROOT = Path(__file__).resolve().parents[1]
TINY = ROOT / "configs" / "examples" / "tiny"
AGREEMENT = ROOT / "configs" / "agreements" / "beijing_internal_2015.toml"
SCENARIOS = ROOT / "configs" / "scenarios" / "watershed.toml"
CALIBRATION = ROOT / "configs" / "calibration" / "hymod.toml"
HYMOD = ROOT / "validation" / "calibration" / "hymod"

MONITORING = ("section,year,month,parameter,value,unit\n"
              + "".join(f"{s},2015,1,{p},{v},mg/L\n" for s in ("guishui_outlet", "guanting", "bahaoqiao")
                        for p, v in (("nh3n", 0.4), ("codmn", 3.0), ("tp", 0.1))))

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")


def _env(**extra) -> dict:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    env.update({k: str(v) for k, v in extra.items()})
    return env


def _spawn(args, cwd, **env):
    return subprocess.Popen([sys.executable, "-m", "hydro", *map(str, args)], cwd=cwd, env=_env(**env),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)


def _temps(folder: Path, name: str) -> list[Path]:
    return sorted(folder.glob(f".{name}.*.part"))


def _wait_for_temp(proc, folder: Path, name: str, timeout: float = 120.0) -> Path:
    """The writer's temporary file, once the write phase has begun."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        found = _temps(folder, name)
        if found:
            return found[0]
        if proc.poll() is not None:
            out, err = proc.communicate()
            pytest.fail(f"the writer ended (exit {proc.returncode}) before writing: {out}{err}")
        time.sleep(0.02)
    proc.kill()
    pytest.fail("no temporary file appeared")


def _alive(pid: int) -> bool:
    """Running (a zombie waiting to be reaped is dead)."""
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] != "Z"
    except (FileNotFoundError, ProcessLookupError, IndexError):
        return False


def _children(pid: int) -> list[int]:
    kids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                kids.append(int(entry.name))
    return kids


@pytest.fixture(scope="module")
def tiny_nc(tmp_path_factory):
    out = tmp_path_factory.mktemp("tiny") / "tiny.nc"
    r = invoke("run", TINY, "--end", "2020-01-31", "-o", out, "-q")
    assert r.exit_code == 0, r.output
    return out


@pytest.fixture(scope="module")
def ws_nc(tmp_path_factory):
    out = tmp_path_factory.mktemp("ws") / "ws.nc"
    r = invoke("run", "watershed", "--start", "2001-01-01", "--end", "2001-02-28", "-o", out, "-q")
    assert r.exit_code == 0, r.output
    return out


# ------------------------------------------------------------------------------------------
# kills and signals during the write phase of `hydro run`
# ------------------------------------------------------------------------------------------

@pytest.mark.skipif(not Path("/proc").is_dir(), reason="needs /proc")
@pytest.mark.parametrize("sig, status", [(signal.SIGTERM, 143), (signal.SIGINT, 130), (signal.SIGKILL, -9)],
                         ids=["SIGTERM", "SIGINT", "SIGKILL"])
def test_killed_write_keeps_the_old_file(tmp_path, tiny_nc, sig, status):
    out = tmp_path / "r.nc"
    out.write_bytes(tiny_nc.read_bytes())
    before = out.read_bytes()
    proc = _spawn(["run", TINY, "--end", "2020-01-31", "-o", out, "--overwrite", "-q"], tmp_path,
                  **{outputs.DELAY_ENV: 10})
    _wait_for_temp(proc, tmp_path, out.name)
    os.killpg(proc.pid, sig) if sig == signal.SIGINT else proc.send_signal(sig)  # Ctrl-C hits the group
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == status, err
    assert out.read_bytes() == before, "the old results were damaged"
    if sig == signal.SIGKILL:  # nothing can run: the next run removes the dead writer's temporary file
        assert len(_temps(tmp_path, out.name)) == 1
        again = invoke("run", TINY, "--end", "2020-01-31", "-o", out, "-q")
        assert again.exit_code == 2 and "--overwrite" in again.output  # refused, but cleaned
    else:
        assert "Traceback" not in err and "Aborted" not in err, err
        assert len(err.strip().splitlines()) == 1, err
        assert ("SIGTERM" if sig == signal.SIGTERM else "Ctrl-C") in err
    assert _temps(tmp_path, out.name) == [], "a temporary file was left"


@pytest.mark.parametrize("sig, status", [(signal.SIGINT, 130), (signal.SIGTERM, 143)], ids=["SIGINT", "SIGTERM"])
def test_signal_while_the_writer_thread_finishes_leaves_no_temporary_file(tmp_path, ws_nc, sig, status):
    """A watershed run writes on a thread (hydro.netcdf_overlap) and waits for it at the end; a signal in
    that wait left the thread's whole temporary file behind on CPython 3.11 (an interrupted Thread.join
    returned at once the second time, so the process left before the writer cleaned up; an outside
    review, 2026-12-05), while the message said no file was left."""
    out = tmp_path / "r.nc"
    out.write_bytes(ws_nc.read_bytes())
    before = out.read_bytes()
    proc = _spawn(["run", "watershed", "--start", "2001-01-01", "--end", "2001-02-28", "-o", out, "--overwrite",
                   "-q"], tmp_path, **{outputs.DELAY_ENV: 8, "HYDRO_TRANSPORT_THREADS": 2})
    temp = _wait_for_temp(proc, tmp_path, out.name)
    size, steady = -1, 0
    while steady < 15 and proc.poll() is None:  # 1.5 s unchanged: written, in the delay before the rename
        now = temp.stat().st_size if temp.exists() else -1
        steady, size = (steady + 1, size) if now == size else (0, now)
        time.sleep(0.1)
    os.killpg(proc.pid, sig) if sig == signal.SIGINT else proc.send_signal(sig)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == status, err
    assert out.read_bytes() == before, "the old results were damaged"
    assert _temps(tmp_path, out.name) == [], f"a temporary file was left: {err}"


@pytest.mark.parametrize("overwrite", [False, True], ids=["refuse", "overwrite"])
def test_two_writers_on_one_path(tmp_path, overwrite):
    out = tmp_path / "r.nc"
    args = ["run", TINY, "--end", "2020-01-31", "-o", out, "-q"] + (["--overwrite"] if overwrite else [])
    procs = [_spawn(args, tmp_path, **{outputs.DELAY_ENV: 1.0}) for _ in range(2)]
    results = [(p.wait(timeout=120), p.communicate()[1]) for p in procs]
    codes = sorted(code for code, _ in results)
    if overwrite:
        assert codes == [0, 0], results
    else:  # one wins; the other finds the file written meanwhile and says so
        assert codes == [0, 2], results
        loser = next(err for code, err in results if code == 2)
        assert "r.nc exists" in loser and "--overwrite" in loser and "Traceback" not in loser
    from hydro.results import load_results

    assert load_results(out).dates[-1].isoformat() == "2020-01-31"
    assert _temps(tmp_path, out.name) == []


def test_stale_temporary_files_go_live_ones_stay(tmp_path):
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    host = outputs._host()
    stale = tmp_path / f".r.nc.{dead.pid}@{host}.abcd1234.part"
    live = tmp_path / f".r.nc.{os.getppid()}@{host}.abcd1234.part"   # a running process
    other = tmp_path / ".other.nc.1@x.abcd1234.part"                  # another target
    legacy = tmp_path / ".r.nc.k2j4h_8q.part"                         # hydro before outputs.py
    young = tmp_path / ".r.nc.zz9x_1ab.part"
    for p in (stale, live, other, legacy, young):
        p.write_bytes(b"partial")
    hour_ago = time.time() - 3600
    os.utime(legacy, (hour_ago, hour_ago))
    removed = outputs.remove_stale_temps(tmp_path / "r.nc")
    assert sorted(removed) == sorted([stale, legacy])
    assert live.exists() and other.exists() and young.exists()


@pytest.mark.parametrize("umask, mode", [(0o022, 0o644), (0o027, 0o640), (0o002, 0o664)])
def test_files_get_the_users_umask(tmp_path, tiny_nc, umask, mode):
    old = os.umask(umask)
    try:
        out = tmp_path / "r.nc"
        assert invoke("run", TINY, "--end", "2020-01-05", "-o", out, "-q").exit_code == 0
        csv = tmp_path / "p.csv"
        m = tmp_path / "m.csv"
        m.write_text(MONITORING)
        assert invoke("compensate", m, AGREEMENT, "--csv", csv).exit_code == 0
    finally:
        os.umask(old)
    assert out.stat().st_mode & 0o777 == mode
    assert csv.stat().st_mode & 0o777 == mode


# ------------------------------------------------------------------------------------------
# every writing command on an existing file, a missing folder and an unwritable folder
# ------------------------------------------------------------------------------------------

def _commands(tmp_path, tiny_nc, ws_nc, target: Path) -> dict[str, list]:
    m = tmp_path / "m.csv"
    if not m.exists():
        m.write_text(MONITORING)
    return {
        "run": ["run", TINY, "-o", target],
        "scenarios": ["scenarios", "watershed", SCENARIOS, "-o", target],
        "report": ["report", tiny_nc, "-o", target.with_suffix(".html")],
        "plot": ["plot", tiny_nc, "trajectory", "-o", target.with_suffix(".png")],
        "gep": ["gep", ws_nc, "-o", target.with_suffix(".csv")],
        "compensate --csv": ["compensate", m, AGREEMENT, "--csv", target.with_suffix(".csv")],
        "compensate --scenarios --csv": ["compensate", "--scenarios", ws_nc, AGREEMENT, "--csv",
                                         target.with_suffix(".csv")],
    }


COMMANDS = ["run", "scenarios", "report", "plot", "gep", "compensate --csv", "compensate --scenarios --csv"]


@pytest.mark.parametrize("command", COMMANDS)
def test_every_writing_command_refuses_an_existing_file(tmp_path, tiny_nc, ws_nc, command):
    args = _commands(tmp_path, tiny_nc, ws_nc, tmp_path / "out.nc")[command]
    target = Path(args[args.index("-o") + 1] if "-o" in args else args[args.index("--csv") + 1])
    target.write_text("precious")
    r = invoke(*args)
    assert r.exit_code == 2, r.output
    assert f"{target} exists" in r.output and "--overwrite" in r.output and "Traceback" not in r.output
    assert target.read_text() == "precious"


def test_no_command_writes_over_a_file_it_reads(tmp_path, tiny_nc, ws_nc):
    # `hydro run B -o B/basin.toml --overwrite` replaced the basin file with the results, and
    # `hydro gep R.nc -o R.nc --overwrite` the results with the table
    basin = tmp_path / "tiny"
    shutil.copytree(TINY, basin)
    scenarios = tmp_path / "scen.toml"
    shutil.copy(SCENARIOS, scenarios)
    results = tmp_path / "ws.nc"
    shutil.copy(ws_nc, results)
    cases = [(["run", basin, "-o", basin / "basin.toml"], basin / "basin.toml", "-o"),
             (["scenarios", "watershed", scenarios, "-o", scenarios], scenarios, "-o"),
             (["gep", results, "-o", results], results, "-o"),
             (["compensate", "--scenarios", results, AGREEMENT, "--csv", results], results, "--csv"),
             # the basin file and the CSVs it names, read by `gep --basin`, and the scenario file
             (["gep", results, "--basin", basin, "-o", basin / "basin.toml"], basin / "basin.toml", "-o"),
             (["gep", results, "--basin", basin, "-o", basin / "forcing.csv"], basin / "forcing.csv", "-o"),
             (["compensate", "--scenarios", results, AGREEMENT, "--scenario-file", scenarios, "--csv", scenarios],
              scenarios, "--csv")]
    for args, target, option in cases:
        before = target.read_bytes()
        r = invoke(*args, "--overwrite")
        assert r.exit_code == 2, r.output
        assert f"{target}: is a file this command reads" in r.output and f"choose another {option}" in r.output
        assert target.read_bytes() == before


@pytest.mark.parametrize("command", ["gep", "compensate --csv"])
def test_a_csv_output_must_end_in_csv(tmp_path, tiny_nc, ws_nc, command):
    # `hydro gep R.nc -o notes.toml --overwrite` replaced any file with the table, whatever its kind
    args = [str(a) for a in _commands(tmp_path, tiny_nc, ws_nc, tmp_path / "out.nc")[command]]
    option = "-o" if "-o" in args else "--csv"
    target = tmp_path / "notes.toml"
    target.write_text("precious")
    args[args.index(option) + 1] = str(target)
    r = invoke(*args, "--overwrite")
    assert r.exit_code == 2, r.output
    assert f"give {option} a name ending in .csv (got '.toml')" in r.output and "Traceback" not in r.output
    assert target.read_text() == "precious"


def test_scenarios_refuses_an_existing_summary(tmp_path):
    summary = tmp_path / "s.summary.csv"
    summary.write_text("precious")
    r = invoke("scenarios", "watershed", SCENARIOS, "-o", tmp_path / "s.nc")
    assert r.exit_code == 2 and "s.summary.csv exists" in r.output and "--overwrite" in r.output
    assert summary.read_text() == "precious" and not (tmp_path / "s.nc").exists()


@pytest.mark.parametrize("command", ["plot", "gep", "compensate --csv"])
def test_overwrite_replaces_the_file(tmp_path, tiny_nc, ws_nc, command):
    args = _commands(tmp_path, tiny_nc, ws_nc, tmp_path / "out.nc")[command]
    target = Path(args[args.index("-o") + 1] if "-o" in args else args[args.index("--csv") + 1])
    target.write_text("old")
    r = invoke(*args, "--overwrite")
    assert r.exit_code == 0, r.output
    assert target.read_bytes() != b"old" and _temps(tmp_path, target.name) == []


def test_calibrate_refuses_a_folder_with_a_run(tmp_path):
    folder = tmp_path / "cal"
    folder.mkdir()
    (folder / "run.json").write_text("{}")
    r = invoke("calibrate", _calibration(tmp_path, 200), "-o", folder, "--workers", "1", "-q")
    assert r.exit_code == 2 and "--resume" in r.output
    assert (folder / "run.json").read_text() == "{}"


def test_calibrate_refuses_a_folder_with_outputs_but_no_run(tmp_path):
    # a best_params.toml (copied there, say) was replaced without --overwrite
    folder = tmp_path / "cal"
    folder.mkdir()
    (folder / "best_params.toml").write_text("precious")
    r = invoke("calibrate", _calibration(tmp_path, 200), "-o", folder, "--workers", "1", "-q")
    assert r.exit_code == 2, r.output
    assert "cal already holds best_params.toml (without run.json" in r.output and "--overwrite" in r.output
    assert (folder / "best_params.toml").read_text() == "precious" and not (folder / "run.json").exists()


def test_resume_of_a_folder_whose_run_record_is_not_json(tmp_path):
    # was a traceback (json.decoder.JSONDecodeError)
    folder = tmp_path / "cal"
    folder.mkdir()
    (folder / "run.json").write_text("garbage")
    r = invoke("calibrate", _calibration(tmp_path, 200), "-o", folder, "--workers", "1", "-q", "--resume")
    assert r.exit_code == 2, r.output
    assert "run.json is not the record hydro calibrate writes" in r.output and "--overwrite" in r.output
    assert (folder / "run.json").read_text() == "garbage"


@pytest.mark.parametrize("where", ["missing", "under a file"])
@pytest.mark.parametrize("command", COMMANDS + ["calibrate"])
def test_bad_output_folder_is_refused_before_computing(tmp_path, tiny_nc, ws_nc, monkeypatch, command, where):
    import hydro.scenarios.run
    import hydro.simulation

    def computed(*a, **k):
        raise AssertionError("computed before checking the output")

    monkeypatch.setattr(hydro.simulation, "run", computed)
    monkeypatch.setattr(hydro.scenarios.run, "run_scenarios", computed)
    blocker = tmp_path / "file"
    blocker.write_text("x")
    # as root every folder is writable; a path under a regular file is not, for anyone
    folder = tmp_path / "nope" if where == "missing" else blocker
    if command == "calibrate":
        args = ["calibrate", _calibration(tmp_path, 200), "-o", folder / "cal", "--workers", "1", "-q"]
        if where == "missing":
            pytest.skip("calibrate creates its output folder and the folders above it")
    else:
        args = _commands(tmp_path, tiny_nc, ws_nc, folder / "out.nc")[command]
    t0 = time.perf_counter()
    r = invoke(*args)
    assert r.exit_code == 2, r.output
    assert "Traceback" not in r.output and "computed before" not in repr(r.exception)
    expected = "folder does not exist" if where == "missing" else "is a file, not a folder"
    assert expected in r.output and str(folder) in r.output
    assert time.perf_counter() - t0 < 20


# ------------------------------------------------------------------------------------------
# calibration: signals, kill -9, orphans, resume
# ------------------------------------------------------------------------------------------

def _calibration(tmp_path, evaluations: int) -> Path:
    text = CALIBRATION.read_text(encoding="utf-8").replace(
        'path = "../../validation/calibration/hymod/catchment.toml"', f'path = "{HYMOD / "catchment.toml"}"')
    text = text.replace("max_evaluations = 2000", f"max_evaluations = {evaluations}")
    path = tmp_path / f"cal{evaluations}.toml"
    path.write_text(text, encoding="utf-8")
    return path


def _lines(path: Path) -> list[str]:
    return path.read_text().splitlines() if path.exists() else []


def _start_calibration(tmp_path, evaluations, folder, wait_for=20):
    proc = _spawn(["calibrate", _calibration(tmp_path, evaluations), "-o", folder, "--workers", "2", "-q"],
                  tmp_path)
    end = time.monotonic() + 120
    while len(_lines(folder / "evaluations.jsonl")) < wait_for:
        if proc.poll() is not None:
            pytest.fail(f"calibration ended early: {proc.communicate()}")
        if time.monotonic() > end:
            proc.kill()
            pytest.fail("no evaluations stored")
        time.sleep(0.02)
    workers = _children(proc.pid)
    assert len(workers) >= 2, workers
    return proc, workers


def _gone(pids, timeout=10.0) -> list[int]:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        left = [p for p in pids if _alive(p)]
        if not left:
            return []
        time.sleep(0.05)
    return left


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="needs /proc")
@pytest.mark.parametrize("sig, status", [(signal.SIGINT, 130), (signal.SIGTERM, 143)], ids=["SIGINT", "SIGTERM"])
def test_calibration_stops_cleanly_on_a_signal(tmp_path, sig, status):
    folder = tmp_path / "cal"
    proc, workers = _start_calibration(tmp_path, 100_000, folder)
    os.killpg(proc.pid, sig) if sig == signal.SIGINT else proc.send_signal(sig)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == status, err
    assert "Traceback" not in err and "Aborted" not in err, err
    assert "--resume" in err and len(err.strip().splitlines()) == 1, err
    assert _gone(workers) == [], "worker processes outlived the calibration"


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="needs /proc")
def test_killed_calibration_leaves_no_orphans_and_resumes(tmp_path):
    folder = tmp_path / "cal"
    proc, workers = _start_calibration(tmp_path, 400, folder, wait_for=20)
    proc.kill()
    proc.wait(timeout=30)
    assert _gone(workers) == [], "orphaned worker processes"
    stored = [line for line in _lines(folder / "evaluations.jsonl") if line.endswith("}")]
    r = invoke("calibrate", _calibration(tmp_path, 400), "-o", folder, "--workers", "2", "--resume", "-q")
    assert r.exit_code == 0, r.output
    after = _lines(folder / "evaluations.jsonl")
    assert after[:len(stored) - 1] == stored[:-1], "evaluations stored before the kill were lost"
    assert (folder / "best_params.toml").exists()


def test_a_dollar_in_a_title_label_or_name_is_drawn_as_typed(tmp_path):
    # matplotlib took '$...$' for TeX: `plot --title "$5 fine"`, a --target label and a section
    # named with '$' stopped plot and report with a ParseFatalException traceback
    basin = tmp_path / "tiny"
    shutil.copytree(TINY, basin)
    toml = basin / "basin.toml"
    toml.write_text(toml.read_text().replace('"Border section (north branch)"', '"Border ($\\\\mug$/L)"'))
    results = tmp_path / "t.nc"
    assert invoke("run", basin, "--end", "2020-01-31", "-o", results, "-q").exit_code == 0
    r = invoke("plot", results, "trajectory", "-o", tmp_path / "f.png", "--title", "$5 fine, $\\mug$",
               "--target", "$\\mug$=1.0")
    assert r.exit_code == 0 and "Traceback" not in r.output, r.output
    r = invoke("report", results, "-o", tmp_path / "r.html")
    assert r.exit_code == 0 and "Traceback" not in r.output, r.output
    assert "Border ($\\mug$/L)" in (tmp_path / "r.html").read_text(encoding="utf-8")


def test_a_signal_inside_a_finaliser_prints_no_traceback():
    # Ctrl-C landing in a finaliser (numpy's NpzFile.__del__ during a calibration) printed "Exception
    # ignored in ... KeyboardInterrupt" and a traceback; the stop itself comes at the next checkpoint
    import subprocess
    import sys
    import textwrap

    code = textwrap.dedent("""
        import gc, os, signal, sys
        from hydro import signals

        class Held:
            def __del__(self):
                os.kill(os.getpid(), signal.SIGINT)
                sum(range(10_000))  # the handler runs here, inside the finaliser

        with signals.handle_signals():
            Held()
            gc.collect()
            try:
                signals.raise_if_signalled()
            except KeyboardInterrupt:
                sys.exit(signals.exit_status())
        sys.exit(3)
    """)
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 130, proc.stderr
    assert "Traceback" not in proc.stderr and "Exception ignored" not in proc.stderr, proc.stderr


def test_scenarios_interrupted_between_its_two_files_leaves_the_old_pair(tmp_path, monkeypatch):
    # Ctrl-C after `hydro scenarios -o s.nc --overwrite` had renamed the new s.nc into place and before
    # s.summary.csv said "no file was left half-written" and left the new results beside the old table
    import hydro.scenarios.summary as summary

    out = tmp_path / "s.nc"
    args = ["scenarios", "watershed", SCENARIOS, "--start", "2001-01-01", "--end", "2001-12-31", "-o", out, "-q"]
    assert invoke(*args).exit_code == 0
    before = {p: p.read_bytes() for p in (out, tmp_path / "s.summary.csv")}
    real = summary.write_summary_csv

    def interrupted(*a, **kw):  # the results are written (to their temporary name) by now
        real(*a, **kw)
        raise KeyboardInterrupt

    monkeypatch.setattr(summary, "write_summary_csv", interrupted)
    r = invoke(*args[:6], "2002-12-31", *args[7:], "--overwrite")
    assert r.exit_code == 130 and "no file was left half-written" in r.output
    # no blank line first where stderr is no terminal (-q, a log): there is no progress bar to end (2026-12-04)
    assert r.stderr.startswith("interrupted (Ctrl-C): stopped"), r.stderr
    assert {p: p.read_bytes() for p in before} == before          # both as they were
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s.nc", "s.summary.csv"]  # no temporary file left
    monkeypatch.setattr(summary, "write_summary_csv", real)
    assert invoke(*args[:6], "2002-12-31", *args[7:], "--overwrite").exit_code == 0
    assert all(p.read_bytes() != b for p, b in before.items())   # both new together


def test_written_together_renames_every_file_or_none(tmp_path):
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    with pytest.raises(RuntimeError), outputs.written_together():
        outputs.write_text(a, "new a")
        assert not a.exists()                                      # not before the block ends
        raise RuntimeError("a failure after the first file")
    assert list(tmp_path.iterdir()) == []
    with outputs.written_together():
        outputs.write_text(a, "new a")
        outputs.write_text(b, "new b")
        assert not a.exists() and not b.exists()
    assert a.read_text() == "new a" and b.read_text() == "new b"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.txt", "b.txt"]


@pytest.mark.parametrize("overwrite", [False, True], ids=["new", "overwrite"])
def test_written_together_undoes_the_first_rename_when_the_second_fails(tmp_path, overwrite):
    """The second file's name taken by another process after both were written (an outside review,
    2026-12-05): the first was already in place, beside a summary not its own; now neither is."""
    nc, csv = tmp_path / "scen.nc", tmp_path / "scen.summary.csv"
    if overwrite:
        nc.write_text("old results")
    from hydro.errors import HydroError

    with pytest.raises(HydroError, match="written meanwhile by another process"), outputs.written_together():
        outputs.write_text(nc, "new results", overwrite=overwrite)
        outputs.write_text(csv, "new summary", overwrite=False)
        csv.write_text("another writer's summary")  # appears meanwhile
    assert (nc.read_text() == "old results") if overwrite else not nc.exists()
    assert csv.read_text() == "another writer's summary"
    left = sorted(p.name for p in tmp_path.iterdir())  # no temporary file or kept old file stays
    assert left == sorted(["scen.summary.csv"] + (["scen.nc"] if overwrite else []))


def test_a_file_size_limit_is_not_called_a_full_disk(tmp_path):
    """EFBIG (``ulimit -f``, a scheduler's limit) said 'free disk space' beside 77,805 MB free (an
    outside review, 2026-12-05): it names the limit now; a full disk still says how much is free."""
    import errno

    big = str(outputs.write_failure(tmp_path / "g.csv", tmp_path, OSError(errno.EFBIG, "File too large")))
    assert "ulimit -f" in big and "raise the limit" in big and "file-size limit" in big and "free disk space" not in big
    full = str(outputs.write_failure(tmp_path / "g.csv", tmp_path, OSError(errno.ENOSPC, "No space left")))
    assert "MB free on the disk" in full and "free disk space" in full
