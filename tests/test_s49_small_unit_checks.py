"""Review of s49: surviving mutants of small checks.  MAX_X4_DAYS 20 -> 200 (hydro/gr4j_parameters.py: a
unit hydrograph in hours, 43, accepted) and the EFBIG branch of hydro/write_failures.write_failure removed
(an OSError EFBIG then told to "free disk space")."""
from __future__ import annotations

import errno

import pytest

from hydro.errors import HydroError
from hydro.gr4j_parameters import RunoffParameters
from hydro.tomlio import Table
from hydro.write_failures import write_failure


@pytest.mark.parametrize(("x4", "ok"), [(1.7, True), (20.0, True), (43.0, False)])
def test_x4_in_hours_is_refused(x4, ok):
    t = Table({"x4_days": x4}, "basin.toml", "runoff")
    if ok:
        assert RunoffParameters.from_table(t, RunoffParameters()).x4_days == x4
    else:
        with pytest.raises(HydroError, match="x4_days"):
            RunoffParameters.from_table(t, RunoffParameters())


def test_efbig_names_the_size_limit_not_the_disk(tmp_path):
    err = write_failure(tmp_path / "out.nc", tmp_path, OSError(errno.EFBIG, "File too large"))
    assert err is not None and "ulimit -f" in str(err) and "free disk space" not in str(err)
