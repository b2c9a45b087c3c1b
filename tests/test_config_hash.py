"""``config_sha256`` identifies what a run reads: the basin file, every file it names and the
changes (hydro/config_hash.py; the researcher's review of 2026-12-04 edited the regional quality
table and a day of the weather CSV of a copy of Miyun, and the hash stayed that of the shipped basin
while CODMn at Gubeikou doubled)."""

from __future__ import annotations

import shutil

import pytest

from hydro.basin import ROOT, Basin
from hydro.model import Model

WEATHER = "forcing/huairou_beijing_basin_scaled_2000_2017.csv"


@pytest.fixture()
def miyun_copy(tmp_path):
    """A copy of Miyun with the regional folder beside it, as the shipped tree lays them out."""
    for name in ("miyun", "region"):
        shutil.copytree(ROOT / "basins" / name, tmp_path / name)
    return tmp_path / "miyun"


def _edit(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_a_copy_elsewhere_has_the_shipped_hash_and_model_and_load_agree(miyun_copy):
    shipped = Basin.load("miyun").sha256
    assert Basin.load(miyun_copy).sha256 == shipped == Model.from_basin(miyun_copy).basin.sha256
    key = "constituents.codmn.river_removal_per_day"
    by_set = Basin.load(miyun_copy, [f"{key}=0.2"]).sha256
    assert by_set != shipped and by_set == Model.from_basin(miyun_copy).with_parameters({key: 0.2}).basin.sha256


def test_an_edited_file_the_basin_names_changes_the_hash(miyun_copy):
    shipped = Basin.load(miyun_copy).sha256
    quality = miyun_copy.parent / "region" / "quality.toml"
    _edit(quality, "codmn_per_codcr = 0.26", "codmn_per_codcr = 0.52")
    edited_quality = Basin.load(miyun_copy).sha256
    assert edited_quality != shipped
    assert Model.from_basin(miyun_copy).basin.sha256 == edited_quality
    weather = miyun_copy / WEATHER
    lines = weather.read_text(encoding="utf-8").splitlines()
    row = next(i for i, line in enumerate(lines) if line.startswith("2014-07-01,"))
    parts = lines[row].split(",")
    parts[1] = "99.0"
    lines[row] = ",".join(parts)
    weather.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert Basin.load(miyun_copy).sha256 not in (shipped, edited_quality)
