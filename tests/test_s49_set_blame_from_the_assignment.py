"""Review of s49 (hydro/scenarios/cli.py _check_basin): the blame "'X' belongs to the scenario file" is taken
from the error *text* (before its first '=', before its first '.'), not from the --set assignments.  A basin
file named measures.toml (or scenarios.toml) with an error of its own, run with any valid --set, is told
that 'measures' belongs to the scenario file.  Fix: test the heads of the assignments' keys."""
from __future__ import annotations

import shutil

import pytest
from err_review_common import ROOT

from hydro.errors import HydroError
from hydro.scenarios.cli import _check_basin


def test_an_error_of_the_basin_file_itself_is_not_blamed_on_the_scenario_file(tmp_path, monkeypatch):
    folder = tmp_path / "b"
    shutil.copytree(ROOT / "configs" / "examples" / "watershed", folder)
    text = (folder / "basin.toml").read_text(encoding="utf-8")
    (folder / "basin.toml").unlink()
    import re
    text = re.sub(r"(?m)^lapse_c_per_km = .*$", "lapse_c_per_km = 0.0065", text, count=1)
    assert "lapse_c_per_km = 0.0065" in text
    (folder / "measures.toml").write_text(text, encoding="utf-8")
    monkeypatch.chdir(folder)
    with pytest.raises(HydroError) as info:
        _check_basin("measures.toml", ROOT / "configs" / "scenarios" / "watershed.toml", ["run.dispersion_every=1"])
    assert "lapse_c_per_km" in str(info.value)
    assert "belongs to the scenario file" not in str(info.value)
