"""Long output names (concurrency review, 2026-12-06, F5).

* A name the file system accepts (<= 255 bytes: 243 ASCII characters, or 78 Chinese characters, 3 bytes
  each in UTF-8) is refused with a traceback *after the whole simulation*: the temporary name
  ``.NAME.<pid>@<host>.<8 hex>.part`` (hydro/outputs.py:298) adds ~25+ bytes, and
  ``os.open(tmp, O_CREAT|O_EXCL)`` (hydro/outputs.py:279) raises ENAMETOOLONG.
* A name the file system refuses (> 255 bytes) ends in a traceback from ``Path.is_dir()``
  (hydro/outputs.py:173, Python 3.11 re-raises ENAMETOOLONG) instead of an exit-2 message.
``hydro run tiny``: ~1-2 s warm each.
"""

from __future__ import annotations

import pytest
from cli_invoke import invoke, user_error


@pytest.mark.parametrize("stem", ["r" * 240, "结" * 78], ids=["ascii-240", "chinese-78"])
def test_valid_long_name_is_written(tmp_path, stem):
    out = tmp_path / f"{stem}.nc"
    assert len(out.name.encode()) <= 255
    out.touch()  # the file system accepts the name
    out.unlink()
    result = invoke("run", "tiny", "-o", out, "-q")
    assert result.exit_code == 0, result.output[-2000:] + repr(result.exception)
    assert out.exists()
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".part")]


def test_too_long_name_is_a_user_error(tmp_path):
    out = tmp_path / ("r" * 260 + ".nc")
    result = invoke("run", "tiny", "-o", out, "-q")
    user_error(result, "too long")
