"""The runoff's water-balance closure on a run with no rain (review of 2026-12-02).

A ten-day winter run of a synthetic basin printed "water balance ... closes to 9.7e+286": the
imbalance of a unit with no precipitation and no exchange was divided by a gain of zero (floored at
1e-300). The closure is now relative to the largest term of the unit's budget, storage included.
"""

import numpy as np

from hydro.runoff_model import RunoffResult


def _result(precip, aet, q, start, end):
    n_unit, n_day = np.shape(precip)
    zeros = np.zeros((n_unit, n_day))
    return RunoffResult(q_mm=np.asarray(q, float), q_direct_mm=zeros, q_routed_mm=np.asarray(q, float),
                        aet_mm=np.asarray(aet, float), exchange_mm=zeros, precip_mm=np.asarray(precip, float),
                        liquid_mm=np.asarray(precip, float), storage_start_mm=np.asarray(start, float),
                        storage_end_mm=np.asarray(end, float))


def test_a_dry_run_is_judged_against_the_water_it_holds():
    # no rain; 0.5 + 0.25 mm/d drained from 300 mm over ten days, the end store off by 1e-13 mm
    q, aet = np.full((1, 10), 0.5), np.full((1, 10), 0.25)
    r = _result(np.zeros((1, 10)), aet, q, [300.0], [300.0 - 7.5 + 1e-13])
    closure = r.water_balance_error()
    # 1e-13 mm against the 300 mm held: ~3e-16 (the old rule gave 1e-13 / 1e-300 = 1e287)
    assert closure < 1e-14


def test_a_real_imbalance_is_still_reported():
    # the same unit with 1 mm of water lost: 1/300 of the store, well above round-off
    q, aet = np.full((1, 10), 0.5), np.full((1, 10), 0.25)
    r = _result(np.zeros((1, 10)), aet, q, [300.0], [300.0 - 7.5 - 1.0])
    assert abs(r.water_balance_error() - 1.0 / 300.0) < 1e-12  # exact up to round-off of 300-sized sums


def test_a_wet_run_keeps_its_scale():
    # 100 mm of rain, 60 of it evaporated or run off, 40 stored: the gain is the largest term
    precip = np.full((1, 10), 10.0)
    r = _result(precip, np.full((1, 10), 3.0), np.full((1, 10), 3.0), [20.0], [20.0 + 40.0 - 0.5])
    assert abs(r.water_balance_error() - 0.5 / 100.0) < 1e-12
