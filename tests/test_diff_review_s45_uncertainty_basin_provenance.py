"""Finding F3 of the re-read of 2026-12-05 (fixed): ``hydro compensate --uncertainty N BASIN AGREEMENT`` names its
input by the basin file's path and SHA-256 alone (hydro.provenance.compensation_provenance; run_record
reads only .nc files).  docs/commands/compensate.md says "the files it names are in its runs'
config_sha256", but no config_sha256 reaches the CSV/JSON: an edited weather CSV or transfer series leaves
the recorded provenance unchanged.  The suggested fix records the basin's config_sha256 (Basin.sha256,
which hashes the files it names) as ``input.config_sha256`` (and so ``input_config_sha256`` in the CSV)."""

from __future__ import annotations

import shutil
from pathlib import Path

from hydro.basin import Basin
from hydro.provenance import compensation_provenance, provenance_cells

ROOT = Path(__file__).resolve().parents[1]


def test_a_basin_input_records_its_configuration_hash(tmp_path):
    folder = tmp_path / "ws"
    shutil.copytree(ROOT / "configs" / "examples" / "watershed", folder)
    agreement = ROOT / "configs" / "agreements" / "miyun_strategic_reserve.toml"
    record = compensation_provenance(folder / "basin.toml", agreement)
    assert record["input"].get("config_sha256") == Basin.load(folder).sha256
    assert provenance_cells("", record)[3] == Basin.load(folder).sha256
