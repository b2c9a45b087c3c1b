"""The warm ``hydro run`` (issue 14), second round: what its speed rests on, checked without timing.

A ``hydro run`` that finished ends its process at once (``hydro.cli._exit_now``), skipping the
interpreter's clean-up (0.2-0.8 s of the warm Miyun run freeing Numba's objects and the run's
arrays): its file must still be complete and its lines printed, an error must still take the
normal exit, and a run inside another program (click's test runner, ``standalone_mode=False``)
must never end that program.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

ROOT = Path(__file__).resolve().parents[1]

#: Runs ``hydro.cli.main()`` as the console script does, with a module global whose ``__del__``
#: says whether the interpreter's clean-up ran (it frees ``__main__``'s globals).
SCRIPT = """
import sys
from hydro.cli import main


class Marker:
    def __del__(self):
        sys.stderr.write("teardown ran\\n")


marker = Marker()
sys.argv = ["hydro", *sys.argv[1:]]
main()
"""


def _hydro(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", SCRIPT, *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=600)


def test_a_finished_run_exits_at_once_with_its_file_complete_and_its_lines_printed(tmp_path):
    from hydro.results import load_results

    out = tmp_path / "tiny.nc"
    proc = _hydro("run", "configs/examples/tiny", "-o", str(out))
    assert proc.returncode == 0, proc.stderr
    assert "teardown ran" not in proc.stderr  # before: the interpreter's clean-up ran after the run
    assert proc.stdout.rstrip().endswith(f"written: {out}")  # every line printed, the last one too
    assert "mass balance" in proc.stdout  # the summary before it
    assert [p.name for p in tmp_path.iterdir()] == ["tiny.nc"]  # no temporary file left beside it
    res = load_results(out)  # readable, every day of every variable there (a file cut short is not)
    assert len(res.dates) > 1 and res.data
    for name, values in res.data.items():
        assert np.asarray(values).shape[0] == len(res.coords[res.dims(name)[0]]), name


def test_a_failed_command_and_other_commands_take_the_normal_exit(tmp_path):
    proc = _hydro("run", "configs/examples/tiny", "-o", str(tmp_path / "x.nc"), "--start", "1999-13-01")
    assert proc.returncode == 2 and "Error:" in proc.stderr
    assert "teardown ran" in proc.stderr  # an error: the normal exit
    proc = _hydro("--version")
    assert proc.returncode == 0 and "teardown ran" in proc.stderr  # only a finished run exits at once


def test_a_run_inside_another_program_never_ends_it(tmp_path):
    from hydro.cli import main

    tiny = str(ROOT / "configs/examples/tiny")
    result = CliRunner().invoke(main, ["run", tiny, "-o", str(tmp_path / "a.nc"), "-q"])
    assert result.exit_code == 0, result.output  # reached: the test process was not ended
    assert main(["run", tiny, "-o", str(tmp_path / "b.nc"), "-q"], standalone_mode=False) is None
    assert (tmp_path / "a.nc").is_file() and (tmp_path / "b.nc").is_file()


def test_a_profiled_run_takes_the_normal_exit(tmp_path):
    # python -m cProfile writes its file after the command returns: an exit at once lost it
    prof = tmp_path / "run.prof"
    proc = subprocess.run([sys.executable, "-m", "cProfile", "-o", str(prof), "-m", "hydro", "run",
                           "configs/examples/tiny", "-o", str(tmp_path / "t.nc"), "-q"],
                          cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    assert prof.is_file() and prof.stat().st_size > 0


def _advice() -> bool:
    """Whether NumPy advises huge pages for its large arrays now (read by setting it back)."""
    from numpy._core import multiarray

    now = multiarray._set_madvise_hugepage(False)
    multiarray._set_madvise_hugepage(now)
    return bool(now)


@pytest.mark.parametrize("env", [None, "1"])
def test_hydro_run_turns_numpy_huge_page_advice_off_while_it_runs_unless_the_environment_chooses(
        tmp_path, monkeypatch, env):
    # with the advice, a warm Miyun run spent twice the system time (hydro.cli._small_pages)
    import hydro.simulation
    from hydro.cli import main

    if env is None:
        monkeypatch.delenv("NUMPY_MADVISE_HUGEPAGE", raising=False)
    else:
        monkeypatch.setenv("NUMPY_MADVISE_HUGEPAGE", env)
    from numpy._core import multiarray

    before = multiarray._set_madvise_hugepage(True)  # the default where the kernel has THP
    seen = []
    real = hydro.simulation.run
    monkeypatch.setattr(hydro.simulation, "run", lambda *a, **k: seen.append(_advice()) or real(*a, **k))
    try:
        result = CliRunner().invoke(main, ["run", str(ROOT / "configs/examples/tiny"), "-o", str(tmp_path / "a.nc"),
                                           "-q"])
        assert result.exit_code == 0, result.output
        assert seen == [env is not None]  # off during the run unless NUMPY_MADVISE_HUGEPAGE is set
        assert _advice()  # as it was, after the command
    finally:
        multiarray._set_madvise_hugepage(before)


def test_hydro_run_collects_garbage_less_often_while_it_runs(tmp_path, monkeypatch):
    # 272 collections (0.2-0.36 s) of a warm Miyun run walked Numba's objects (hydro.cli._fewer_collections)
    import gc

    import hydro.simulation
    from hydro.cli import RUN_GC_THRESHOLDS, main

    seen = []
    real = hydro.simulation.run
    monkeypatch.setattr(hydro.simulation, "run", lambda *a, **k: seen.append(gc.get_threshold()) or real(*a, **k))
    before = gc.get_threshold()
    result = CliRunner().invoke(main, ["run", str(ROOT / "configs/examples/tiny"), "-o", str(tmp_path / "a.nc"), "-q"])
    assert result.exit_code == 0, result.output
    assert seen == [RUN_GC_THRESHOLDS] and RUN_GC_THRESHOLDS[0] > before[0]
    assert gc.get_threshold() == before  # as it was, after the command
