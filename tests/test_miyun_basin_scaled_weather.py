"""The Miyun forcing rescaled to published basin-average precipitation (issue 13).

``basins/miyun/make_weather_basin_scaled.py`` copies the joined Beijing + Huairou file and, in
the windows where the Beijing water authority published the Miyun watershed's average
precipitation, multiplies each day's precipitation by one factor so that the model's
basin-average total over the window is the published one.  These tests check that the shipped
file is what the script writes, that nothing but precipitation inside the windows changed, and
that the window totals are the published ones.
"""

from __future__ import annotations

import csv
import importlib.util
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FOLDER = ROOT / "basins" / "miyun"


def _script():
    spec = importlib.util.spec_from_file_location("miyun_weather_scaled", FOLDER / "make_weather_basin_scaled.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def _rows(path: Path) -> list[dict[str, str]]:
    lines = [s for s in path.read_text(encoding="utf-8").splitlines() if not s.startswith("#")]
    return list(csv.DictReader(lines))


def test_shipped_file_is_what_the_script_writes():
    mod = _script()
    text, _ = mod.build()
    assert mod.TARGET.read_text(encoding="utf-8") == text


def test_only_precipitation_inside_the_published_windows_changes():
    mod = _script()
    src, out = _rows(mod.SOURCE), _rows(mod.TARGET)
    assert [r["date"] for r in src] == [r["date"] for r in out]
    windows = [(a, b) for a, b, _, _ in mod.WINDOWS]
    changed = 0
    for s, o in zip(src, out, strict=True):
        inside = any(a <= s["date"] <= b for a, b in windows)
        for col in ("tmean_c", "tmin_c", "tmax_c"):
            assert s[col] == o[col], (s["date"], col)
        # a scaled day's code says so (data review, 2026-12-06: it claimed the station's unchanged value)
        scaled = inside and s["precip_mm"] != "NA"
        assert o["station"] == s["station"] + (mod.SCALED_SUFFIX if scaled else ""), s["date"]
        if not inside or s["precip_mm"] in ("NA", "0.00"):
            assert s["precip_mm"] == o["precip_mm"], s["date"]
        else:
            changed += 1
            assert float(o["precip_mm"]) < float(s["precip_mm"])  # every published window was wetter in the file
    assert changed > 20


@pytest.mark.parametrize("first,last,published", [("2012-06-01", "2012-08-06", 234.0),
                                                   ("2013-06-01", "2013-08-06", 294.0),
                                                   ("2016-01-01", "2016-09-20", 450.3)])
def test_window_basin_average_is_the_published_total(first, last, published):
    mod = _script()
    basin = tomllib.loads((FOLDER / "basin.toml").read_text(encoding="utf-8"))
    area = sum(s["area_km2"] for s in basin["subbasins"])
    factor = sum(s["area_km2"] * s["precip_factor"] for s in basin["subbasins"]) / area
    assert factor == pytest.approx(mod.mean_factor(), abs=1e-9)
    total = sum(float(r["precip_mm"]) for r in _rows(mod.TARGET) if first <= r["date"] <= last)
    assert factor * total == pytest.approx(published, abs=0.5)  # 2-decimal rounding of the days


def test_basin_reads_the_scaled_file():
    basin = tomllib.loads((FOLDER / "basin.toml").read_text(encoding="utf-8"))
    assert basin["weather"]["csv"] == "forcing/huairou_beijing_basin_scaled_2000_2017.csv"
