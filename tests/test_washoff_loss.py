"""First-order loss of the wash-off store (``washoff_loss_per_day``, :mod:`hydro.sources.washoff_store`).

Without a loss the store of Guanting and Miyun has a time constant of decades (little quick flow) and one
storm releases decades of build-up (docs/sources.md, "Wash-off store without loss: first-flush spikes").
The loss removes ``1 - exp(-lam)`` of what is left after each day's wash-off.
"""

from __future__ import annotations

import numpy as np
import pytest

from hydro.errors import HydroError
from hydro.sources import SourceParameters, daily_loads
from hydro.sources.timing import SourceTiming
from hydro.sources.washoff_store import steady_start, washoff
from tests.test_source_timing import FERT, calendar_days, read, subbasin

#: Tolerance of sums over thousands of days of terms of order 1-1000 kg: float64 round-off, not physics.
REL = 1e-10


def test_constant_build_up_without_quick_flow_tends_to_build_up_over_the_loss_rate():
    lam, b = np.array([0.01, 0.1]), 3.0
    build = np.full((4000, 2, 1), b)                       # 4000 d >> 1/lam: the start is forgotten
    store = washoff(build, np.zeros((4000, 2)), np.array([0.18, 0.18]), initial_kg=np.zeros((2, 1)),
                    loss_per_day=lam)
    exact = b * np.exp(-lam) / -np.expm1(-lam)             # start of a day: S = (S + B) exp(-lam)
    np.testing.assert_allclose(store.storage_kg[-1, :, 0], exact, rtol=REL)
    assert np.all(np.abs(store.storage_kg[-1, :, 0] * lam / b - 1.0) < lam)   # B/lam to O(lam)
    assert np.all(store.washed_kg_per_day == 0)
    np.testing.assert_allclose(store.lost_kg_per_day[-1, :, 0], b, rtol=REL)   # all of it lost


def test_a_pulse_decays_exponentially_at_the_loss_rate():
    lam = 0.693 / 30.0                                      # a 30-day half-life
    build = np.zeros((200, 1, 1))
    store = washoff(build, np.zeros((200, 1)), np.array([0.18]), initial_kg=np.array([[1000.0]]),
                    loss_per_day=np.array([lam]))
    t = np.arange(201)
    np.testing.assert_allclose(store.storage_kg[:, 0, 0], 1000.0 * np.exp(-lam * t), rtol=1e-12)


def test_budget_closes_with_wash_off_and_loss():
    rng = np.random.default_rng(3)
    quick = rng.exponential(0.5, (3000, 3)) * (rng.random((3000, 3)) < 0.1)
    build = rng.uniform(0.0, 20.0, (3000, 3, 2))
    store = washoff(build, quick, np.array([0.05, 0.18, 1.0]), loss_per_day=np.array([0.0, 0.002, 0.05]))
    gone = store.washed_kg_per_day.sum(0) + store.lost_kg_per_day.sum(0)
    np.testing.assert_allclose(build.sum(0), gone + store.storage_kg[-1] - store.storage_kg[0], rtol=REL)
    assert np.all(store.lost_kg_per_day[:, 0] == 0) and np.all(store.lost_kg_per_day[:, 1:] > 0)
    assert np.all(store.storage_kg >= 0)


def test_a_subbasin_without_loss_matches_the_store_without_loss():
    rng = np.random.default_rng(4)
    quick = rng.exponential(0.5, (800, 2)) * (rng.random((800, 2)) < 0.2)
    build = rng.uniform(0.0, 5.0, (800, 2, 1))
    lossy = washoff(build, quick, np.array([0.18, 0.18]), loss_per_day=np.array([0.0, 0.01]))
    plain = washoff(build, quick, np.array([0.18, 0.18]))
    # the lossy store runs in numpy, the plain one compiled: the same operations to round-off
    np.testing.assert_allclose(lossy.washed_kg_per_day[:, 0], plain.washed_kg_per_day[:, 0], rtol=1e-12)
    assert lossy.washed_kg_per_day[:, 1].sum() < 0.8 * plain.washed_kg_per_day[:, 1].sum()


def test_steady_start_balances_wash_off_and_loss():
    a, lam, b = 0.002, 0.01, 4.0                            # constant share washed and lost each day
    quick = np.full((2000, 1), -np.log1p(-a) / 0.18)
    build = np.full((2000, 1, 1), b)
    start = steady_start(build, np.array([a]), loss_per_day=np.array([lam]))
    store = washoff(build, quick, np.array([0.18]), loss_per_day=np.array([lam]))
    np.testing.assert_allclose(store.storage_kg[:, 0, 0], start[0, 0], rtol=1e-9)   # unchanged all run
    np.testing.assert_allclose(store.washed_kg_per_day + store.lost_kg_per_day, b, rtol=1e-9)
    dry = steady_start(build, np.array([0.0]), loss_per_day=np.array([lam]))   # no quick flow: loss alone
    np.testing.assert_allclose(dry[0, 0], b * np.exp(-lam) / -np.expm1(-lam), rtol=1e-12)


def test_zero_loss_is_the_store_without_loss_bit_for_bit():
    years, season = calendar_days(2001, 3)
    quick = 2.0 * season ** 8
    base = 0.3 + 0.2 * season
    plain = daily_loads(SourceParameters((subbasin(),)), years, quick[:, None], base[:, None], [100.0])[0]
    zero = subbasin(timing=SourceTiming(fertiliser_months=FERT, washoff_per_mm=0.18, washoff_loss_per_day=0.0))
    same = daily_loads(SourceParameters((zero,)), years, quick[:, None], base[:, None], [100.0])[0]
    assert np.array_equal(plain, same)
    store = washoff(np.ones((10, 1, 1)), np.ones((10, 1)), np.array([0.18]), loss_per_day=np.zeros(1))
    assert store.lost_kg_per_day is None


def test_a_loss_lowers_the_washed_rural_and_livestock_load():
    years, season = calendar_days(2001, 3)
    quick = 0.2 * season ** 8                               # little quick flow: a slow store
    base = 0.3 + 0.2 * season
    plain = daily_loads(SourceParameters((subbasin(),)), years, quick[:, None], base[:, None], [100.0])[0]
    lossy = subbasin(timing=SourceTiming(fertiliser_months=FERT, washoff_per_mm=0.18, washoff_loss_per_day=0.02))
    less = daily_loads(SourceParameters((lossy,)), years, quick[:, None], base[:, None], [100.0])[0]
    k = 2                                                   # rural_domestic
    assert less[:, 0, k].sum() < 0.5 * plain[:, 0, k].sum()
    assert less[:, 0, k].max() < plain[:, 0, k].max()


def test_the_loss_is_read():
    p = read("washoff_per_mm = 0.2\nwashoff_loss_per_day = 0.01\n")
    assert p.subbasins[0].timing.washoff_loss_per_day == 0.01


@pytest.mark.parametrize("extra, words", [
    ("washoff_per_mm = 0.2\nwashoff_loss_per_day = -0.1\n", ["timing.washoff_loss_per_day", ">= 0", "half-life"]),
    ("washoff_per_mm = 0.2\nwashoff_loss_per_day = \"fast\"\n", ["timing.washoff_loss_per_day", ">= 0"]),
    ("washoff_per_mm = 0.2\nwashoff_loss_per_day = nan\n", ["timing.washoff_loss_per_day", ">= 0"]),
    ("washoff_loss_per_day = 0.1\n", ["washoff_loss_per_day", "washoff_per_mm"]),
    ("washoff_per_mm = 0.2\nwashoff_los_per_day = 0.1\n", ["timing.washoff_los_per_day", "did you mean"]),
])
def test_bad_losses_name_file_subbasin_and_key(extra, words):
    with pytest.raises(HydroError) as err:
        read(extra)
    for w in words:
        assert w in str(err.value)


def test_a_run_in_two_blocks_carries_the_lossy_store():
    """The second block starts from the first's end (``stores["washoff_tn"]``): the same washed
    loads as one run, for a store with a loss (each block's days, the same numpy arithmetic)."""
    years, season = calendar_days(2001, 2)
    quick = 1.5 * season ** 6
    base = 0.3 + 0.2 * season
    sub = subbasin(timing=SourceTiming(fertiliser_months=FERT, washoff_per_mm=0.18, washoff_loss_per_day=0.01))
    params = SourceParameters((sub,))
    mean = np.array([-np.expm1(-0.18 * quick).mean()])
    whole = daily_loads(params, years, quick[:, None], base[:, None], [100.0], mean_washed=mean)[0]
    stores: dict = {}
    first = years == 2001
    parts = [daily_loads(params, years[m], quick[m, None], base[m, None], [100.0], stores=stores, mean_washed=mean,
                         run_years=np.array([2001, 2002]))[0] for m in (first, ~first)]
    k = [2, 3]                                              # rural_domestic, livestock: the washed kinds
    np.testing.assert_allclose(np.concatenate(parts)[:, 0, k], whole[:, 0, k], rtol=1e-12, atol=1e-12)
    assert stores["washoff_tn"].shape == (1, 3)
