"""The documentation site builds, and its API reference is generated from the docstrings."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def test_site_builds_with_the_api_reference(tmp_path):
    pytest.importorskip("mkdocstrings")
    site = tmp_path / "site"
    r = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(ROOT / "mkdocs.yml"),
                        "-d", str(site)], capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 0, r.stderr
    api = (site / "api" / "index.html").read_text(encoding="utf-8")
    # generated from the docstrings, not written by hand
    for name in ("with_parameters", "cross_section_m2", "TransportInputs", "SECONDS_PER_DAY"):
        assert name in api, name
