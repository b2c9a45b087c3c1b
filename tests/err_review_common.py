"""Helpers of the error-message review's tests (2026-12-06): a copy of the shipped example watershed with
edits, and a short run of it."""
from __future__ import annotations

import shutil
from pathlib import Path

from cli_invoke import invoke, user_error  # noqa: F401 (the tests take both from here)

ROOT = Path(__file__).resolve().parents[1]

EM = "ecological_min_m3_s = 0.8"


def watershed(tmp_path: Path, *edits: tuple[str, str]) -> Path:
    """A copy of configs/examples/watershed with each (old, new) replaced once in basin.toml."""
    folder = tmp_path / "ws"
    shutil.copytree(ROOT / "configs" / "examples" / "watershed", folder)
    path = folder / "basin.toml"
    text = path.read_text(encoding="utf-8")
    for old, new in edits:
        assert old in text, old
        text = text.replace(old, new, 1)
    path.write_text(text, encoding="utf-8")
    return folder


def short_run(folder: Path, *extra):
    return invoke("run", folder, "--end", "2001-01-31", "-q", "-o", folder / "out.nc", "--overwrite", *extra)
