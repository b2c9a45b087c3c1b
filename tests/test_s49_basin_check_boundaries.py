"""Review of s49: the new basin-file checks at their boundaries.  Surviving mutants: the lapse rate's lower
bound 1.0 -> 0.5 (hydro/watershed_tables.py lapse_rate), COUNTY_AREA_SLACK 1.1 -> 3.0 (a subbasin twice its
county's area accepted), and the state seal hashing only the bytes (not names, dtypes, shapes:
hydro/state_file.py seal), which lets an entry renamed, reshaped or re-typed pass."""
from __future__ import annotations

import numpy as np
import pytest

from hydro.errors import HydroError
from hydro.state_file import seal
from hydro.tomlio import Table
from hydro.watershed_tables import lapse_rate


@pytest.mark.parametrize(("value", "ok"), [(0.0, True), (0.8, False), (0.65, False), (1.0, True), (9.8, True),
                                           (10.5, False)])
def test_lapse_rate_bounds(value, ok):
    t = Table({"lapse_c_per_km": value}, "basin.toml", "weather")
    if ok:
        assert lapse_rate(t) == value
    else:
        with pytest.raises(HydroError, match="lapse_c_per_km"):
            lapse_rate(t)


def test_the_seal_covers_names_and_shapes():
    a, b = np.arange(4.0), np.arange(4.0) + 10.0
    assert seal({"x": a, "y": b}) != seal({"x": b, "y": a})                 # swapped between entries
    assert seal({"x": a}) != seal({"z": a})                                  # renamed entry
    assert seal({"x": a}) != seal({"x": a.reshape(2, 2)})                    # reshaped
    assert seal({"x": a}) != seal({"x": a.view(np.int64)})                   # another dtype, same bytes
