"""Metrics given two indexed series (pandas Series, as from xarray's to_series) whose indexes differ
must not silently pair values by position.

hydro/metrics.py:_pairs (np.asarray) drops the index: obs indexed 2020-01-01..06 and the identical
values in reverse date order score NSE -3.0 (1.0 once aligned by date); values shifted by one day
score 1.0. Fails now; passes once _pairs aligns on the index or raises HydroError when the two
indexes differ.
"""

import pandas as pd
import pytest

from hydro import metrics
from hydro.errors import HydroError


def _score_or_error(sim, obs):
    try:
        return metrics.nse(sim, obs)
    except HydroError:
        return "refused"


def test_series_in_another_order_are_aligned_or_refused():
    idx = pd.date_range("2020-01-01", periods=6)
    obs = pd.Series([1.0, 2, 3, 4, 5, 6], index=idx)
    sim = obs.iloc[::-1]  # same values, same dates, reverse order
    assert _score_or_error(sim, obs) in ("refused", pytest.approx(1.0))


def test_series_on_other_days_are_not_paired_by_position():
    idx = pd.date_range("2020-01-01", periods=6)
    obs = pd.Series([1.0, 2, 3, 4, 5, 6], index=idx)
    sim = pd.Series([1.0, 2, 3, 4, 5, 6], index=idx + pd.Timedelta(days=1))
    # aligned by date only 5 days overlap and they are all off by one day: never a perfect 1.0
    assert _score_or_error(sim, obs) != pytest.approx(1.0)


def test_aligned_series_and_plain_arrays_are_scored():
    import numpy as np
    import xarray as xr

    idx = pd.date_range("2020-01-01", periods=6)
    obs = pd.Series([1.0, 2, 3, 4, 5, 6], index=idx)
    assert metrics.nse(obs * 1.0, obs) == 1.0
    assert metrics.nse(obs.iloc[::-1].sort_index(), obs) == 1.0
    assert metrics.nse([1.0, 2, 3, 4, 5, 6], obs) == 1.0          # one side plain: position is the pairing
    da = xr.DataArray(obs.values, coords={"time": idx}, dims="time")
    assert metrics.nse(da, da) == 1.0
    with pytest.raises(HydroError, match="labelled series whose labels differ"):
        metrics.nse(da.shift(time=0).assign_coords(time=idx + pd.Timedelta(days=1)), da)
    assert metrics.kge_2012(np.asarray(obs), np.asarray(obs)) == 1.0
