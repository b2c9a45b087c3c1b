"""GB 3838-2002 classes: every limit exactly, just above and just below, scalar and array."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from hydro.errors import HydroError
from hydro.standards import (
    CLASS_LIMIT_RTOL,
    CLASS_NAMES,
    class_limits,
    class_name,
    parse_class,
    water_class,
)

# The table of shared/design/DOMAIN.md (GB 3838-2002 Table 1), Classes I..V, mg/L.
TABLE = {
    ("tn", "lake"): (0.2, 0.5, 1.0, 1.5, 2.0),
    ("tp", "river"): (0.02, 0.1, 0.2, 0.3, 0.4),
    ("tp", "lake"): (0.01, 0.025, 0.05, 0.1, 0.2),
    ("nh3n", "river"): (0.15, 0.5, 1.0, 1.5, 2.0),
    ("nh3n", "lake"): (0.15, 0.5, 1.0, 1.5, 2.0),
    ("codmn", "river"): (2, 4, 6, 10, 15),
    ("codmn", "lake"): (2, 4, 6, 10, 15),
    ("do", "river"): (7.5, 6, 5, 3, 2),
    ("do", "lake"): (7.5, 6, 5, 3, 2),
}
EPS = 1e-9

UPPER_CASES = [(p, w, i + 1, lim) for (p, w), lims in TABLE.items() if p != "do" for i, lim in enumerate(lims)]
DO_CASES = [(w, i + 1, lim) for (p, w), lims in TABLE.items() if p == "do" for i, lim in enumerate(lims)]


@pytest.mark.parametrize("parameter,waterbody", list(TABLE))
def test_limits_match_the_domain_table(parameter, waterbody):
    assert class_limits(parameter, waterbody) == pytest.approx(TABLE[(parameter, waterbody)], abs=0)


@pytest.mark.parametrize("parameter,waterbody,cls,limit", UPPER_CASES)
def test_upper_bound_exactly_at_a_limit_is_the_better_class(parameter, waterbody, cls, limit):
    assert water_class(parameter, limit, waterbody) == cls
    assert water_class(parameter, limit - EPS, waterbody) == cls
    assert water_class(parameter, limit + EPS, waterbody) == cls + 1


@pytest.mark.parametrize("waterbody,cls,limit", DO_CASES)
def test_do_is_a_lower_bound_and_its_limit_is_the_better_class(waterbody, cls, limit):
    assert water_class("do", limit, waterbody) == cls
    assert water_class("do", limit + EPS, waterbody) == cls
    assert water_class("do", limit - EPS, waterbody) == cls + 1


def test_extremes():
    assert water_class("tp", 0.0) == 1
    assert water_class("codmn", 1000.0) == 6
    assert water_class("do", 0.0) == 6
    assert water_class("do", 14.0) == 1


def test_vectorised_over_arrays_keeps_shape():
    values = np.array([[0.2, 0.2000001], [2.0, 2.5]])
    got = water_class("tn", values, "lake")
    np.testing.assert_array_equal(got, [[1, 2], [5, 6]])
    assert got.shape == (2, 2)
    assert isinstance(water_class("tn", 0.3, "lake"), int)


def test_reservoir_is_a_lake():
    assert water_class("tp", 0.05, "reservoir") == 3
    assert water_class("tp", 0.05, "river") == 2


def test_tn_in_a_river_is_refused_with_the_way_out():
    with pytest.raises(HydroError, match="lakes and reservoirs.*waterbody 'lake'"):
        water_class("tn", 1.0, "river")


def test_unknown_parameter_and_waterbody_suggest():
    with pytest.raises(HydroError, match="did you mean 'codmn'"):
        water_class("codmm", 1.0)
    with pytest.raises(HydroError, match="did you mean 'river'"):
        water_class("tp", 0.1, "rivr")


@pytest.mark.parametrize("bad", [np.nan, -0.1, np.inf])
def test_bad_values_are_value_errors(bad):
    with pytest.raises(ValueError):
        water_class("tp", bad)


def test_class_names_and_parsing():
    assert [class_name(c) for c in range(1, 7)] == list(CLASS_NAMES)
    assert parse_class("III") == 3 and parse_class("iv") == 4 and parse_class(2) == 2
    for bad in (0, 6, "VI", True, 2.0):
        with pytest.raises(HydroError):
            parse_class(bad)


@given(st.floats(0, 30, allow_nan=False), st.floats(0, 30, allow_nan=False))
def test_class_is_monotone(a, b):
    lo, hi = min(a, b), max(a, b)
    assert water_class("codmn", lo) <= water_class("codmn", hi)
    assert water_class("do", lo) >= water_class("do", hi)


@given(st.floats(0, 5, allow_nan=False))
def test_class_agrees_with_a_naive_loop(value):
    for (parameter, waterbody), limits in TABLE.items():
        # within CLASS_LIMIT_RTOL of a limit is at it (round-off of a mean of values at the limit)
        if parameter == "do":
            naive = next((i + 1 for i, lim in enumerate(limits) if value >= lim * (1 - CLASS_LIMIT_RTOL)), 6)
        else:
            naive = next((i + 1 for i, lim in enumerate(limits) if value <= lim * (1 + CLASS_LIMIT_RTOL)), 6)
        assert water_class(parameter, value, waterbody) == naive
