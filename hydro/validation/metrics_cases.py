"""Reference cases for :mod:`hydro.metrics`: published HydroErr test vectors.

The vectors and expected values are those of HydroErr's own test suite
(BYU-Hydroinformatics/HydroErr, ``HydroErr/tests/tests.py``, version 1.24):
``sim = [5, 7, 9, 2, 4.5, 6.7]``, ``obs = [4.7, 6, 10, 2.5, 4, 6.8]``.
HydroErr has no PBIAS or RSR; for those the exact values are worked out by
hand from the same vectors (sum(obs) = 34, sum(sim) = 34.2, sum of squared
errors = 13/5, sum of squared deviations of obs = 5087/150).
"""

from __future__ import annotations

import math

from hydro import metrics
from hydro.validation.registry import Check, case

#: HydroErr's test vectors.
SIM = (5.0, 7.0, 9.0, 2.0, 4.5, 6.7)
OBS = (4.7, 6.0, 10.0, 2.5, 4.0, 6.8)

#: Published values (HydroErr tests.py: test_nse, test_rmse, test_kge_2009,
#: test_kge_2012, whose tuples are (r, alpha or gamma, beta, kge)), and exact
#: hand-derived values for PBIAS = 100 * 0.2 / 34 and RSR = sqrt(390 / 5087).
PUBLISHED = {
    "nse": 0.923333988598388,
    "rmse": 0.6582805886043833,
    "kge_2009": 0.9181073779138655,
    "kge_2012": 0.9132923608280753,
    "kge_r": 0.9615951377405804,
    "kge_2009_alpha": 0.927910707932087,
    "kge_2012_gamma": 0.9224843295231272,
    "kge_beta": 1.0058823529411764,
    "pbias": 100.0 * 0.2 / 34.0,
    "rsr": math.sqrt(390.0 / 5087.0),
}

#: Absolute tolerance: the values are printed to full double precision.
TOLERANCE = 1e-12


@case("metrics_hydroerr", layer="reference", quick=True)
def metrics_hydroerr() -> list[Check]:
    """Goodness-of-fit metrics reproduce HydroErr's published test values to 1e-12."""
    k09 = metrics.kge_components(SIM, OBS, version=2009)
    k12 = metrics.kge_components(SIM, OBS, version=2012)
    computed = {
        "nse": metrics.nse(SIM, OBS),
        "rmse": metrics.rmse(SIM, OBS),
        "kge_2009": metrics.kge_2009(SIM, OBS),
        "kge_2012": metrics.kge_2012(SIM, OBS),
        "kge_r": k09.r,
        "kge_2009_alpha": k09.variability,
        "kge_2012_gamma": k12.variability,
        "kge_beta": k12.beta,
        "pbias": metrics.pbias(SIM, OBS),
        "rsr": metrics.rsr(SIM, OBS),
    }
    return [Check.at_most("metrics_hydroerr", f"{name}_abs_diff",
                          abs(computed[name] - published), TOLERANCE)
            for name, published in PUBLISHED.items()]
