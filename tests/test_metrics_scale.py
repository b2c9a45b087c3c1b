"""Dimensionless metrics must not depend on the unit of the series.

hydro/metrics.py checks constant observations by min == max (_require_varying_obs) but then
squares raw values: at 1e-170 the squared deviations underflow to 0 (NSE -> NaN with a
RuntimeWarning, KGE -> ZeroDivisionError, not HydroError), at 1e154 they overflow (NSE NaN,
RMSE inf).  Reference on the unscaled vectors: HydroErr 2.0.0 nse = 0.9876543209876543,
kge_2009 = 0.8888888888888888 and rsr = sqrt(1 - nse) (computed by the reviewer with
HydroErr; hard-coded here, no HydroErr import).  Fails now; passes once the kernels scale both
series by max|obs| (or an equivalent) before squaring.
"""

import math

import pytest

from hydro import metrics

SIM = [1.0, 2.0, 3.0]
OBS = [1.1, 2.0, 2.9]
NSE = 0.9876543209876543
KGE_2009 = 0.8888888888888888


@pytest.mark.parametrize("scale", [1e-170, 1e154])
def test_nse_kge_rsr_are_unit_free(scale):
    s = [v * scale for v in SIM]
    o = [v * scale for v in OBS]
    assert metrics.nse(s, o) == pytest.approx(NSE, rel=1e-12)
    assert metrics.kge_2009(s, o) == pytest.approx(KGE_2009, rel=1e-12)
    assert metrics.rsr(s, o) == pytest.approx(math.sqrt(1.0 - NSE), rel=1e-12)
    assert metrics.rmse(s, o) / scale == pytest.approx(metrics.rmse(SIM, OBS), rel=1e-12)
