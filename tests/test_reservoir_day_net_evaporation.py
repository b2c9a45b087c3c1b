"""reservoir_day's net evaporation held against its formula, not against itself (a test-suite audit, 2026-12-05).

tests/test_hydrology_review.py::test_reservoir_day_invariants_on_random_days closes the balance with
the ``net_evap`` that reservoir_day itself returns, so any error in that term (rain dropped or halved,
the mm -> m conversion, the area) cancels out of every assertion.

Kills (M2 survives test_reservoir_day_invariants_on_random_days and eight reservoir/routing files, but
is killed suite-wide by test_hydrology_review.py::test_reservoir_rules_written_out_over_dry_and_wet_years;
M1 is killed by the existing test too).  This test pins the term at unit level, so a failure names it:
  M1  hydro/_hydraulics_kernels.py  ``net_evap = (evap_mm - precip_mm) * 1e-3 * area``
      -> ``net_evap = (evap_mm - 0.5 * precip_mm) * 1e-3 * area``
  M2  same line -> ``net_evap = (evap_mm - precip_mm) * 1e-3 * curve_area[0]`` (area not interpolated)
"""

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from hydro._hydraulics_kernels import reservoir_day
from hydro.units import SECONDS_PER_DAY

CURVE_V, CURVE_A = np.array([0.0, 3e7, 1e8]), np.array([1e6, 5e6, 9e6])


@settings(max_examples=300, deadline=None)
@given(st.floats(0.0, 1.0), st.floats(0.0, 500.0), st.floats(0.0, 30.0), st.floats(0.0, 60.0),
       st.floats(0.0, 80.0), st.floats(0.0, 0.9))
@example(0.5, 10.0, 0.0, 20.0, 5.0, 0.1)   # rain only: a net gain, net_evap < 0
@example(0.0, 0.0, 30.0, 0.0, 5.0, 0.0)    # empty lake, no inflow: evaporation takes what there is (0)
def test_net_evaporation_is_evaporation_minus_rain_on_the_interpolated_area(v0_share, inflow, evap, rain,
                                                                           target, dead_share):
    full = 1e8
    v0 = full * v0_share
    v1, _rel, _spill, net_evap, area = reservoir_day(v0, inflow, evap, rain, target, 0.0, full * dead_share,
                                                   full, CURVE_V, CURVE_A)
    # the area is the storage curve's at the day's start storage (np.interp: a peer)
    assert area == np.interp(v0, CURVE_V, CURVE_A)
    formula = (evap - rain) * 1e-3 * area  # mm d-1 -> m d-1 over the surface, m3 d-1
    water = v0 + inflow * SECONDS_PER_DAY
    if formula <= water:
        # the same three products as the kernel: equal to a few ulps of the larger of the terms
        # (1e-12 relative to the evaporated volume's scale, 9e6 m2 * 0.09 m)
        assert net_evap == pytest.approx(formula, rel=1e-12, abs=1e-9)
    else:
        # not enough water to evaporate: all of it goes, and no more
        assert net_evap == pytest.approx(water, rel=1e-12, abs=1e-9)
        assert v1 == pytest.approx(0.0, abs=1e-6)


def test_rain_on_the_lake_is_a_gain_of_rain_times_area():
    """A hand-computed day: 20 mm of rain on 5e6 m2 (storage 3e7 m3, a knot) adds 1e5 m3."""
    v1, _rel, _spill, net_evap, area = reservoir_day(3e7, 0.0, 0.0, 20.0, 0.0, 0.0, 0.0, 1e8, CURVE_V, CURVE_A)
    assert area == 5e6
    assert net_evap == -1e5
    assert v1 == 3e7 + 1e5
