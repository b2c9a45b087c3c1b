"""Kills mutant M08 (hydro/network_tables.py: the initial-storage check's tolerance ``full * (1 + 1e-9)``
loosened to ``full * 1.05``); passes on s45.  The shipped test refuses 18 mcm over a full supply storage
of 15 (20 % above); a storage just above full (15.01 mcm, 0.07 %) must be refused too, and one within
round-off of it accepted."""

from __future__ import annotations

import pytest
from test_reservoir_limits_review import lake_basin

from hydro.basin import Basin
from hydro.errors import HydroError


def test_just_above_the_full_supply_storage_is_refused(tmp_path):
    with pytest.raises(HydroError, match="initial_storage_mcm") as err:
        Basin.load(lake_basin(tmp_path / "b", initial=15.01)).network  # noqa: B018
    assert "15.01 mcm is above the storage at full_supply_level_m (15 mcm" in str(err.value)


def test_within_round_off_of_full_is_accepted(tmp_path):
    Basin.load(lake_basin(tmp_path / "b", initial=15.0 * (1 + 1e-12))).network  # noqa: B018
