"""Review of s49 (hydro/scenarios/cli.py _check_basin): the shipped test checks only that the message names
'--set measures...' and 'basin', which both branches do; mutant ``head in`` -> ``head not in`` survived.
The scenario-file hint must come for a scenario-file key and not for a misspelt basin key."""
from __future__ import annotations

import pytest
from err_review_common import ROOT

from hydro.errors import HydroError
from hydro.scenarios.cli import _check_basin

BASIN = ROOT / "configs" / "examples" / "watershed" / "basin.toml"
SCEN = ROOT / "configs" / "scenarios" / "watershed.toml"


def test_a_scenario_file_key_is_sent_to_the_scenario_file():
    with pytest.raises(HydroError, match=r"'measures' belongs to the scenario file"):
        _check_basin(BASIN, SCEN, ["measures.toilets.coverage=0.9"])


def test_a_misspelt_basin_key_is_not_sent_to_the_scenario_file():
    with pytest.raises(HydroError) as info:
        _check_basin(BASIN, SCEN, ["rn.courant=0.5"])
    assert "--set rn.courant=0.5" in str(info.value) and "scenario file" not in str(info.value)
