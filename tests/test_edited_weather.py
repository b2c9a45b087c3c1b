"""A weather file edited between two runs of one process gives the results of its new content.

The process keeps what it computed from a basin's station record (the period's water,
``hydro.store_climate._WATER``; the spin-up of generated-weather runs, ``hydro.blocked._SPUN``).
They were keyed on the file's path, so a researcher who edited the weather file and ran again in
the same session got the new weather mixed with the old record's state (review of 2026-12-04:
discharge off by 1.2 % on observed weather, storage by 74 % on generated weather).  The reference
is a run with every cache emptied, as a fresh process has them.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

import hydro
from hydro import blocked, store_climate, weather

EXAMPLE = Path(__file__).resolve().parents[1] / "configs" / "examples" / "watershed"


def _empty_caches(monkeypatch) -> None:
    for module, name in ((store_climate, "_WATER"), (blocked, "_SPUN"), (weather, "_RECORDS")):
        monkeypatch.setattr(module, name, {})


def _scale_precip(csv: Path, factor: float) -> None:
    lines = csv.read_text(encoding="utf-8").splitlines()
    first = next(i for i, line in enumerate(lines) if not line.startswith("#"))
    header = lines[first].split(",")
    col = next(i for i, h in enumerate(header) if h.startswith("precip"))
    out = lines[:first + 1]
    for line in lines[first + 1:]:
        cells = line.split(",")
        cells[col] = f"{float(cells[col]) * factor:.2f}"
        out.append(",".join(cells))
    csv.write_text("\n".join(out) + "\n", encoding="utf-8")


@pytest.fixture()
def basin_copy(tmp_path) -> Path:
    folder = tmp_path / "watershed"
    shutil.copytree(EXAMPLE, folder)
    return folder / "basin.toml"


def _results(path: Path) -> np.ndarray:
    """Section discharge and TN of 2001 (the period's numerics, cached, set the TN's sub-steps)."""
    ds = hydro.Model.from_basin(path).run("2001-01-01", "2001-12-31", apportion=False)
    return np.concatenate([np.ravel(ds[v].values) for v in ("section_discharge", "section_tn_concentration")])


def test_an_edited_weather_file_is_not_answered_from_its_old_content(basin_copy, monkeypatch):
    _empty_caches(monkeypatch)
    before = _results(basin_copy)
    _scale_precip(basin_copy.parent / "weather.csv", 2.0)
    after = _results(basin_copy)
    _empty_caches(monkeypatch)
    fresh = _results(basin_copy)
    assert not np.allclose(before, fresh), "doubling the rain should change the results"
    # the same process, the same inputs: to the last bit
    np.testing.assert_array_equal(after, fresh)
