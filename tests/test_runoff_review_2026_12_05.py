"""A hydrologist's fuzz review of runoff generation (2026-12-05): three defects it found.

F1: a lumped catchment took CemaNeige's snowfall of full cover from the forcing it was handed, so a
run cut with --start/--end (and a calibration on its warm-up..end window) changed every day's snow:
two years of a three-year file gave up to 0.66 mm/d more flow cut than whole.  The threshold now
comes from the whole forcing file (hydro.catchment.Catchment.snow_threshold), as a basin's does
from its station record.  F2: GR4J's production store went to -1e-17 mm where tanh rounds to 1.
F3: a state with the production store above x1 ran, with a negative actual ET.
"""

from __future__ import annotations

import numpy as np
import pytest

from hydro.catchment import Catchment, run_catchment
from hydro.daily_forcing import DailyForcing
from hydro.errors import HydroError
from hydro.gr4j_parameters import RunoffParameters
from hydro.runoff import GR4JParameters, GR4JState, gr4j
from hydro.snow import SnowBands


def _snowy_forcing() -> DailyForcing:
    """Three synthetic years of cold winters, the third four times as snowy."""
    n = 3 * 365
    d = np.arange(n)
    t = -12.0 * np.cos(2 * np.pi * ((d % 365) - 15) / 365) + 2.0
    rng = np.random.default_rng(1)
    p = rng.exponential(4.0, n) * (rng.random(n) < 0.3)
    p[2 * 365:] *= 4.0
    return DailyForcing(np.datetime64("2010-01-01") + d, p, t, t - 5.0, t + 5.0, np.full(n, 1.5))


def _catchment() -> Catchment:
    return Catchment("demo", 100.0, 40.5, RunoffParameters(), SnowBands(500.0, (400.0, 800.0, 1200.0)))


def test_a_catchment_run_cut_short_gives_the_days_it_keeps_unchanged():
    """Same start, stores and weather on the days kept: the same flow.  The tolerance is round-off:
    the threshold reaches the kernel as 0.9 x (365.25 x mean) beside the whole run's (0.9 x 365.25)
    x mean, an ulp apart at most."""
    f, c = _snowy_forcing(), _catchment()
    whole = run_catchment(c, f)
    k = 2 * 365
    short = run_catchment(c, f, end=f.dates[k - 1])
    late = run_catchment(c, f, start=f.dates[0])  # cut at neither end: the file's threshold too
    np.testing.assert_allclose(short.q_mm, whole.q_mm[:k], rtol=0, atol=1e-12)
    np.testing.assert_allclose(late.q_mm, whole.q_mm, rtol=0, atol=1e-12)
    assert np.abs(whole.q_mm[:k]).max() > 0.1  # flow to compare, or no test


def test_the_snow_threshold_is_the_whole_files_mean_yearly_snowfall():
    """By hand on one band at the station's height: the solid share of each day's precipitation
    (hydrotel, the default: 1 where Tmax <= 0, 0 where Tmin >= 0, else 1 - Tmax / (Tmax - Tmin)) over
    the file's days, times 365.25."""
    f = _snowy_forcing()
    c = Catchment("demo", 100.0, 40.5, RunoffParameters(), SnowBands(500.0, (500.0,)))
    tmin, tmax = np.asarray(f.tmin_c), np.asarray(f.tmax_c)
    solid = np.where(tmax <= 0, 1.0, np.where(tmin >= 0, 0.0, 1.0 - tmax / (tmax - tmin)))
    expected = 365.25 * float(np.mean(np.asarray(f.precip_mm) * solid))
    np.testing.assert_allclose(c.snow_threshold(f), [expected], rtol=1e-12)


def test_the_calibration_prepares_its_window_with_the_whole_files_threshold():
    """The calibration's window is prepared with the file's threshold: its flow is the whole run's
    on those days (the stores start on the window's first day in both)."""
    from hydro.calibration.lumped import PreparedCatchment

    f, c = _snowy_forcing(), _catchment()
    window = f.period(f.dates[0], f.dates[2 * 365 - 1])
    q = PreparedCatchment(c, window, f).q_mm(c)
    np.testing.assert_allclose(q, run_catchment(c, f).q_mm[:2 * 365], rtol=0, atol=1e-12)


def test_the_production_store_is_not_emptied_below_zero():
    """x1 = 0.5 mm and a 15 mm/d demand: tanh(30) is 1.0 in floats; the store stays >= 0 and so does
    the actual ET the next day (they were -1.4e-17)."""
    x1, s0 = 0.5, 0.09000000000000001
    r = gr4j(np.zeros(2), np.full(2, 15.0), GR4JParameters(x1, 0.0, 90.0, 1.7),
             initial=GR4JState(np.array([s0]), np.array([45.0]), np.zeros((1, 2)), np.zeros((1, 4))))
    assert (r.production_store_mm >= 0.0).all(), r.production_store_mm
    assert (r.aet_mm >= 0.0).all(), r.aet_mm
    assert r.aet_mm[0] == s0  # all the store evaporates, and no more


@pytest.mark.parametrize("store, routing, key", [(300.0, 10.0, "x1 = 100"), (50.0, 200.0, "x3 = 90")])
def test_a_state_above_its_stores_capacity_is_refused(store, routing, key):
    state = GR4JState(np.array([store]), np.array([routing]), np.zeros((1, 2)), np.zeros((1, 4)))
    with pytest.raises(HydroError, match=rf"above the store's capacity {key} mm \(subbasin 0\)"):
        gr4j(np.zeros(5), np.full(5, 5.0), GR4JParameters(100.0, 0.0, 90.0, 1.7), initial=state)


def test_a_state_at_capacity_runs():
    state = GR4JState(np.array([100.0]), np.array([90.0]), np.zeros((1, 2)), np.zeros((1, 4)))
    r = gr4j(np.zeros(5), np.full(5, 5.0), GR4JParameters(100.0, 0.0, 90.0, 1.7), initial=state)
    assert (r.aet_mm >= 0.0).all() and (r.aet_mm <= 5.0).all()
