"""docs/results.md says what aggregated and float32 files hold as the code does (docs review, 2026-12-06): the
float32 bullet named three of the five storages kept 64-bit, and one sentence said a reservoir's monthly
concentration was the month-end's while the code averages it."""

from __future__ import annotations

import re
from pathlib import Path

from hydro.outputspec import KEEP_FLOAT64
from hydro.variables import declared

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "docs" / "results.md"


def test_the_float32_bullet_names_every_storage_kept_64_bit():
    text = RESULTS.read_text(encoding="utf-8")
    bullet = text[text.index("- **float32**"):text.index("- **compress**")]
    assert not [n for n in KEEP_FLOAT64 if f"`{n}`" not in bullet]


def test_a_reservoir_s_concentration_is_averaged_as_the_docs_say():
    assert not {v.name: v for v in declared()}["reservoir_{c}_concentration"].state
    text = " ".join(RESULTS.read_text(encoding="utf-8").split())
    assert not re.search(r"reservoir's monthly concentration is the month-end's", text)
    assert "reservoir's monthly concentration is the mean of its end-of-day values" in text
