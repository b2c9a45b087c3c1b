"""``config_sha256`` identifies what a run reads: the basin file, every file it names and the
changes (hydro/config_hash.py; the researcher's review of 2026-12-04 edited the regional quality
table and a day of the weather CSV of a copy of Miyun, and the hash stayed that of the shipped basin
while CODMn at Gubeikou doubled)."""

from __future__ import annotations

import shutil

import pytest

from hydro.basin import ROOT, Basin
from hydro.errors import HydroError
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


def test_a_batch_member_sees_an_edited_file_the_basin_names(tmp_path):
    """model_variant (what scenario, ensemble and uncertainty members run) keyed its cache on the basin
    file's time alone: a forcing CSV edited in the same process kept the old model and hash (re-read
    of 2026-12-04)."""
    import os

    from hydro.model import model_variant

    folder = tmp_path / "tiny"
    shutil.copytree(ROOT / "configs" / "examples" / "tiny", folder)
    before = model_variant(folder).basin.sha256
    assert model_variant(folder).basin.sha256 == before  # cached, the same
    forcing = folder / "forcing.csv"
    text = forcing.read_text(encoding="utf-8")
    forcing.write_text(text + "\n", encoding="utf-8")
    stat = forcing.stat()
    os.utime(forcing, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))  # a later time, whatever the clock
    assert model_variant(folder).basin.sha256 not in (before, "")


def test_results_written_before_the_files_were_hashed_are_still_valued(tmp_path):
    """hydro gep rebuilds the run's basin and checks config_sha256; results written before 2026-12-04
    carry the hash of the basin file alone, and were refused as 'the basin file changed since the run'
    (re-read of 2026-12-04)."""
    import hashlib

    import netCDF4
    from cli_invoke import invoke

    from hydro.gep_inputs import run_basin
    from hydro.results import open_results

    nc = tmp_path / "m.nc"
    assert invoke("run", "miyun", "--end", "2000-01-03", "-o", nc, "-q").exit_code == 0
    old = hashlib.sha256((ROOT / "basins" / "miyun" / "basin.toml").read_bytes()).hexdigest()
    for recorded, accepted in ((old, True), ("0" * 64, False)):
        with netCDF4.Dataset(nc, "a") as ds:
            ds.setncattr("config_sha256", recorded)
        if accepted:
            assert run_basin(open_results(nc)).name == "miyun"
        else:
            with pytest.raises(HydroError, match="is not that of"):
                run_basin(open_results(nc))
