"""On a full disk, ``hydro calibrate`` reports the first error and its ``--resume`` advice.

Review of 2026-12-05 (F5): when storing an evaluation failed (ENOSPC), the store's message ("storing
evaluation N failed ...; the K stored before it are kept: free disk space and continue with
--resume") was replaced by the error of a later write of the outputs (``evaluations.csv``), which
said "run again": a plain rerun is then refused (the folder holds a run).  The disk is "filled" at
the 50th evaluation: the log's handle and every later atomic write raise ENOSPC.  Le Léguer, DE
of 60 evaluations: a few seconds.
"""

from __future__ import annotations

import errno
import re
from pathlib import Path

import pytest

import hydro.outputs
from hydro.calibration import calibrate
from hydro.calibration import store as store_mod
from hydro.errors import HydroError

SHIPPED = Path(__file__).resolve().parents[1] / "configs" / "calibration" / "leguer.toml"


def _leguer(tmp: Path) -> Path:
    text = SHIPPED.read_text(encoding="utf-8")
    text = re.sub(r'^path = "([^"]+)"', lambda m: f'path = "{(SHIPPED.parent / m.group(1)).resolve().as_posix()}"',
                  text, flags=re.M)
    text = text[:text.index("[method]")] + '[method]\nname = "de"\nseed = 1\nmax_evaluations = 60\npopsize = 5\n'
    path = tmp / "leguer.toml"
    path.write_text(text, encoding="utf-8")
    return path


def _full():
    return OSError(errno.ENOSPC, "No space left on device")


@pytest.fixture()
def disk_full_at(monkeypatch):
    """The disk fills up when evaluation ``at`` is stored (None: never), and every atomic write fails
    from the ``outputs`` th evaluation on (None: from ``at``)."""
    calls = {"n": 0, "at": None, "outputs": None}
    real_append = store_mod.EvaluationStore.append
    real_atomic_path = hydro.outputs.atomic_path

    def append(self, rec):
        calls["n"] += 1
        if calls["n"] == calls["at"]:
            def write(*_):
                raise _full()
            self._fh.write = write
        return real_append(self, rec)

    def atomic_path(path, *a, **k):
        full = calls["outputs"] or calls["at"]
        if full is not None and calls["n"] >= full:
            raise hydro.outputs.write_failure(Path(path), Path(path).parent, _full())
        return real_atomic_path(path, *a, **k)

    monkeypatch.setattr(store_mod.EvaluationStore, "append", append)
    monkeypatch.setattr(hydro.outputs, "atomic_path", atomic_path)
    return calls


def test_the_first_disk_error_is_the_one_reported(tmp_path, disk_full_at):
    disk_full_at["at"] = 50
    with pytest.raises(HydroError) as info:
        calibrate(_leguer(tmp_path), tmp_path / "cal", serial=True)
    message = str(info.value)
    assert "storing evaluation 49 failed" in message and "continue with --resume" in message, message
    assert "evaluations.csv: writing failed" in message  # the later failure is said too, after it


def test_outputs_that_cannot_be_written_say_resume(tmp_path, disk_full_at):
    """The search completed, then the disk filled: the evaluations are stored, --resume writes the outputs."""
    disk_full_at["outputs"] = 60  # after the last of the 60 evaluations: only the outputs fail
    with pytest.raises(HydroError) as info:
        calibrate(_leguer(tmp_path), tmp_path / "cal", serial=True)
    message = str(info.value)
    assert "writing failed" in message and "with --resume" in message, message
