"""Documented means tested, for the pages of docs/ that are not command pages: every ``python``
block of every page runs in some test, as written (2026-12-01 review: tests/test_documented_commands.py
ran the bash blocks of README.md and docs/commands/ and README.md's python blocks only, so the
examples of docs/plots.md, docs/sources.md, docs/catchment-csv.md, docs/agreements.md and
docs/commands/report.md ran nowhere).

``RUNNERS`` names, for each page with python blocks, how many it has and the test that runs
them; a block added to a page without a runner fails the fast test below.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]

#: page -> (python blocks, the test that runs them)
RUNNERS = {
    "docs/python-api.md": (5, "tests/test_model.py::test_the_python_api_page_runs_as_written"),
    "docs/runoff-models.md": (1, "tests/test_runoff_model.py::test_the_documented_example_model_runs"),
    "docs/flow-normalisation.md": (1, "tests/test_flownorm.py::test_documented_example_runs"),
    "docs/commands/report.md": (1, "tests/test_documented_commands.py (every python block of a command page)"),
    "docs/sources.md": (1, "test_the_sources_api_block_runs"),
    "docs/catchment-csv.md": (1, "test_the_catchment_block_runs"),
    "docs/plots.md": (1, "test_the_plots_block_runs"),
    "docs/agreements.md": (2, "test_the_agreements_blocks_run"),
    "docs/extending.md": (1, "test_the_extending_block_runs"),
    "docs/scenarios.md": (1, "test_the_required_cut_block_runs"),
}


def _blocks(page: str) -> list[str]:
    return re.findall(r"^```python\n(.*?)^```", (ROOT / page).read_text(encoding="utf-8"), re.S | re.M)


def test_every_python_block_of_docs_has_a_runner():
    pages = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "docs").rglob("*.md"))
    found = {p: len(_blocks(p)) for p in pages if _blocks(p)}
    assert found == {p: n for p, (n, _) in RUNNERS.items()}, (
        "a page's python blocks changed: run them in a test and list it in RUNNERS")


def test_the_sources_api_block_runs():
    """docs/sources.md's API block, on the example watershed's sources and two years of flows."""
    from hydro.tomlio import Table

    path = ROOT / "configs" / "examples" / "watershed" / "basin.toml"
    raw = tomllib.loads(path.read_text(encoding="utf-8"))
    n_sub, rng = len(raw["subbasins"]), np.random.default_rng(0)
    names = {"root": Table(raw, path), "years_of_day": np.repeat([2001, 2002], 365),
             "quick_mm": rng.gamma(0.3, 1.0, (730, n_sub)), "base_mm": rng.gamma(2.0, 0.3, (730, n_sub)),
             "area_km2": np.array([s["area_km2"] for s in raw["subbasins"]], dtype=float)}
    exec(compile(_blocks("docs/sources.md")[0], "docs/sources.md", "exec"), names)
    assert names["loads"].shape == (730, n_sub, 6) and list(names["years"]) == [2001, 2002]
    # the means passed are those the stores take: the defaults are the days given
    from hydro.sources import daily_loads

    again, *_ = daily_loads(names["params"], names["years_of_day"], names["quick_mm"], names["base_mm"],
                            names["area_km2"], mean_base_mm=names["base_mm"].mean(axis=0))
    assert np.array_equal(again, names["loads"])


def test_the_catchment_block_runs(tmp_path, monkeypatch):
    """docs/catchment-csv.md's block on the shipped Léguer catchment (1991-01-01 to 1992-12-30)."""
    src = ROOT / "validation" / "calibration" / "leguer"
    shutil.copy(src / "catchment.toml", tmp_path / "my_catchment.toml")
    shutil.copy(src / "forcing.csv", tmp_path / "forcing.csv")
    monkeypatch.chdir(tmp_path)
    exec(compile(_blocks("docs/catchment-csv.md")[0], "docs/catchment-csv.md", "exec"), {})


def _run(*args: str, cwd: Path) -> None:
    r = subprocess.run([sys.executable, "-m", "hydro", *args], cwd=cwd, capture_output=True, text=True,
                       timeout=600)
    assert r.returncode == 0, r.stderr[-3000:]


@pytest.mark.slow
def test_the_plots_block_runs(tmp_path, monkeypatch):
    """docs/plots.md's block on a half-year Miyun run (the basin's start: no spin-up)."""
    pytest.importorskip("matplotlib")
    _run("run", "miyun", "--start", "2000-01-01", "--end", "2000-06-30", "-o", "miyun.nc", "-q", cwd=tmp_path)
    monkeypatch.chdir(tmp_path)
    exec(compile(_blocks("docs/plots.md")[0], "docs/plots.md", "exec"), {})
    assert (tmp_path / "network.png").stat().st_size > 0


@pytest.mark.slow
def test_the_agreements_blocks_run(tmp_path, monkeypatch):
    """docs/agreements.md's blocks: the first on a Guanting run of the agreement's years on
    generated weather written as results.nc, the second (four payment draws) as written."""
    pytest.importorskip("matplotlib")
    for name in ("configs", "basins", "validation"):
        (tmp_path / name).symlink_to(ROOT / name, target_is_directory=True)
    _run("run", "guanting", "--synthetic-weather", "5", "--start", "2023-01-01", "--end", "2025-12-31",
         "-o", "results.nc", "-q", cwd=tmp_path)
    monkeypatch.chdir(tmp_path)
    first, second = _blocks("docs/agreements.md")
    exec(compile(first, "docs/agreements.md[0]", "exec"), {})
    exec(compile(second, "docs/agreements.md[1]", "exec"), {})
    assert (tmp_path / "bands.png").stat().st_size > 0


def test_no_page_outside_the_command_pages_has_a_bash_block():
    """tests/test_documented_commands.py runs the bash blocks of its PAGES only: a command shown
    in a bash block of another page of docs/ would run nowhere."""
    from test_documented_commands import PAGES

    others = [p for p in ["README.md", *map(str, sorted((ROOT / "docs").rglob("*.md")))]
              if str(Path(p).relative_to(ROOT) if Path(p).is_absolute() else p) not in PAGES]
    for page in others:
        text = Path(page if Path(page).is_absolute() else ROOT / page).read_text(encoding="utf-8")
        assert not re.search(r"^[ \t]*```(bash|sh|shell|console)\b", text, re.M), (
            f"{page}: a bash block that tests/test_documented_commands.py does not run (add the page to PAGES)")


def test_the_extending_block_runs(capsys, monkeypatch):
    """docs/extending.md's source and measure kinds of one's own: the visitors' sewage reaches the first
    subbasin's source input (20,000 visitors x 10 g x (1 - 0.2) = 160 kg/d) and both kinds are removed after."""
    from hydro.scenarios.kinds import KINDS
    from hydro.sources import source_names

    monkeypatch.chdir(ROOT)
    # dont_inherit: the block runs as a script of its own, without this file's `from __future__ import annotations`
    exec(compile(_blocks("docs/extending.md")[0], "docs/extending.md", "exec", dont_inherit=True), {})
    first = capsys.readouterr().out.strip().strip("[]").split()
    assert float(first[0]) == pytest.approx(160.0, rel=1e-12) and all(float(v) == 0.0 for v in first[1:])
    assert "tourism" not in source_names() and "tourism_treatment" not in KINDS


def test_the_required_cut_block_runs(capsys):
    """docs/scenarios.md's 'How much must be cut': three years, each with the share to cut (in the example the
    lake's TN is above 1 mg/L every year, so each share is above 0)."""
    exec(compile(_blocks("docs/scenarios.md")[0], "docs/scenarios.md", "exec", dont_inherit=True), {})
    lines = capsys.readouterr().out.strip().splitlines()
    assert [line.split()[0] for line in lines] == ["2001", "2002", "2003"]
    assert all("cut " in line and "cut 0%" not in line for line in lines)
