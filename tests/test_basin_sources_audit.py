"""Mechanical part of the basins' data-honesty audit (2026-12-01).

What a machine can check of the rule 'every number is sourced or marked ESTIMATE; never invent
observations': every published target names a reference with a year, a unit and a period, and
says where it was measured; every number of the shared region tables is written out in a
SOURCES.md; every weather file says whether it is synthetic; every series file a basin reads
opens with a header that says where its values come from.  Whether a source says what its
entry claims needs a person: SOURCES.md records what was read.
"""

from __future__ import annotations

import contextlib
import re
import tomllib

import pytest

from hydro.basin import ROOT

BASINS = ("miyun", "guanting")
BASIN_DIR = ROOT / "basins"


def _targets(name):
    with open(BASIN_DIR / name / "observations.toml", "rb") as f:
        return tomllib.load(f)["targets"]


@pytest.mark.parametrize("name", BASINS)
def test_every_target_names_its_source_unit_period_and_place(name):
    problems = []
    for t in _targets(name):
        ref = str(t.get("reference", "")).strip()
        if not ref:
            problems.append(f"{t['id']}: no reference")
        elif not re.search(r"(19|20)\d\d", ref):
            problems.append(f"{t['id']}: reference has no year")
        if not str(t.get("unit", "")).strip():
            problems.append(f"{t['id']}: no unit")
        if "period" not in t:
            problems.append(f"{t['id']}: no period")
        # a figure the model cannot compute says why instead of where it is compared
        if not (t.get("location") or t.get("subbasins") or t.get("not_computable")):
            problems.append(f"{t['id']}: no location or subbasins")
    assert not problems, problems


def _numbers(text):
    out = set()
    for x in re.findall(r"(?<![\w.])[-\u2212]?\d[\d,]*(?:\.\d+)?", text):
        with contextlib.suppress(ValueError):
            out.add(float(x.replace(",", "").replace("\u2212", "-")))
    return out


@pytest.mark.parametrize("table", ["inventory.toml", "quality.toml"])
def test_every_region_number_is_written_in_a_sources_file(table):
    """A number of the region tables appears in region SOURCES.md or a basin's SOURCES.md
    (the Zhangjiakou county populations are tabled in Guanting's §3)."""
    sources = "".join((BASIN_DIR / d / "SOURCES.md").read_text(encoding="utf-8")
                      for d in ("region", *BASINS))
    known = _numbers(sources)
    missing = []
    for i, line in enumerate((BASIN_DIR / "region" / table).read_text(encoding="utf-8").splitlines()):
        m = re.match(r"\s*([\w.\"'-]+)\s*=\s*(.*)", line)
        if not m or line.lstrip().startswith("#"):
            continue
        value = m.group(2).split("#")[0]
        if value.lstrip().startswith('"'):
            continue
        for x in re.findall(r"(?<![\w.-])-?\d+(?:\.\d+)?(?:e-?\d+)?", value):
            if float(x) not in known and float(x) not in (0.0, 1.0):
                missing.append(f"{table}:{i + 1} {m.group(1)} = {x}")
    assert not missing, missing


def _series_files(name):
    with open(BASIN_DIR / name / "basin.toml", "rb") as f:
        basin = tomllib.load(f)
    files = [basin["weather"]["csv"]]
    files += [t["csv"] for t in basin.get("transfers", []) if "csv" in t]
    return [BASIN_DIR / name / f for f in files]


@pytest.mark.parametrize("name", BASINS)
def test_series_files_open_with_a_provenance_header(name):
    for path in _series_files(name):
        with open(path, encoding="utf-8") as f:
            header = []
            for line in f:
                if not line.startswith("#"):
                    break
                header.append(line)
        assert header, f"{path.name}: no header comment"
        text = "".join(header)
        if "forcing" in path.parts:
            assert re.search(r"^# synthetic: (true|false)$", text, re.M), \
                f"{path.name}: no 'synthetic:' line"
        else:
            assert re.search(r"ESTIMATE|\(\w[^)]*\b(19|20)\d\d", text), \
                f"{path.name}: header names neither a dated source nor an ESTIMATE"
