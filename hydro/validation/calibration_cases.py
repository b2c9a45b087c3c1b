"""Data-layer cases: calibrations on real observed series, and a twin experiment.

Data in ``validation/calibration/`` (provenance in its README); configurations in
``configs/calibration/``.  Each case calibrates from scratch (differential
evolution, fixed seed) into a temporary folder and checks the scores.

Achieved values (hydro 2024 dev, seed 1) and why each bound is where it is:

* Le Léguer, 1992: NSE 0.9190 (the authors' sheet: 0.919 with its own
  parameters, which DE recovers to 3 digits).  Bound: NSE >= 0.91 (the issue's goal).
* HYMOD example of spotpy, GR4J: NSE 0.700 / 0.452 (calibration 2013-14 /
  validation 2015-16), KGE(2009) 0.754 / 0.629.  Bounds 0.65 and 0.40 guard the
  result against regressions with room for platform differences in DE's path.
* Lamprey nitrate, flow-driven source model vs a log-log C-Q rating curve:
  see :func:`calibration_lamprey`.
* Twin experiment on the example watershed: see :func:`calibration_twin`.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np

from hydro import resources
from hydro.validation.registry import Check, case

#: The shipped calibration configurations (``configs/calibration``).
CONFIGS = resources.configs_dir("calibration")


def _calibrate(config: Path, **options):
    from hydro.calibration import calibrate

    with tempfile.TemporaryDirectory() as tmp:
        return calibrate(config, Path(tmp) / "out", **options)


@case("calibration_leguer", layer="data", quick=True)
def calibration_leguer() -> list[Check]:
    """GR4J calibrated from scratch on Le Léguer reaches NSE(Q) >= 0.91 on 1992."""
    name = "calibration_leguer"
    r = _calibrate(CONFIGS / "leguer.toml", serial=True)
    sc = r.best["scores"]["calibration"]
    return [Check.at_least(name, "nse_1992", sc["q:nse"], 0.91),
            Check.at_least(name, "kge_2012_1992", sc["q:kge_2012"], 0.85)]


@case("calibration_hymod", layer="data", quick=True)
def calibration_hymod() -> list[Check]:
    """GR4J on spotpy's HYMOD catchment: split-sample NSE and KGE (2013-14 / 2015-16)."""
    name = "calibration_hymod"
    r = _calibrate(CONFIGS / "hymod.toml", serial=True)
    cal, val = r.best["scores"]["calibration"], r.best["scores"]["validation"]
    return [Check.at_least(name, "nse_calibration", cal["q:nse"], 0.65),
            Check.at_least(name, "kge_2009_calibration", cal["q:kge_2009"], 0.70),
            Check.at_least(name, "nse_validation", val["q:nse"], 0.40),
            Check.at_least(name, "kge_2009_validation", val["q:kge_2009"], 0.55)]


@case("calibration_lamprey", layer="data", quick=False)
def calibration_lamprey() -> list[Check]:
    """Lamprey nitrate: flow-driven source model vs a log-log rating curve, NSE and bias."""
    from hydro.calibration import CalibrationConfig, Problem
    from hydro.calibration.flowsources import KG_PER_DAY_PER_M3S_MGL, rating_curve
    from hydro.metrics import nse, pbias

    name = "calibration_lamprey"
    config = CalibrationConfig.from_toml(CONFIGS / "lamprey.toml")
    r = _calibrate(config, serial=True)
    problem = Problem(config)
    prep = problem.prepare()
    z = np.array(r.best["z"])
    series = problem.simulate(z)
    model = prep.model  # FlowSourcesModel
    q = model.model.run(model._items(problem.assignments(z)), model.start, model.end)["discharge"]
    conc_al, load_al = prep.alignments["no3"], prep.alignments["no3_load"]
    # rating curve fitted on the calibration samples (same days, same daily discharge)
    q_bins = conc_al.simulated(q)
    cal = conc_al.in_period["calibration"]
    curve = rating_curve(q_bins[cal], conc_al.observed[cal])
    rating_conc = curve(q)
    rating_load = rating_conc * q * KG_PER_DAY_PER_M3S_MGL
    checks = []
    for period in ("calibration", "validation"):
        sm_c, ob_c = conc_al.pair(series["no3"], period)
        rc_c, _ = conc_al.pair(rating_conc, period)
        sm_l, ob_l = load_al.pair(series["no3_load"], period)
        rc_l, _ = load_al.pair(rating_load, period)
        values = {
            "model_conc_nse": nse(sm_c, ob_c), "rating_conc_nse": nse(rc_c, ob_c),
            "model_conc_pbias": pbias(sm_c, ob_c), "rating_conc_pbias": pbias(rc_c, ob_c),
            "model_load_nse": nse(sm_l, ob_l), "rating_load_nse": nse(rc_l, ob_l),
            "model_load_pbias": pbias(sm_l, ob_l), "rating_load_pbias": pbias(rc_l, ob_l),
        }
        p = period[:3]
        # Loads are dominated by discharge, which both models take from observations:
        # NSE >= 0.7 is a weak, honest bound (achieved 0.90 / 0.81).  Concentration barely
        # depends on discharge at this river (rating slope b = -0.06), so neither model
        # explains much of its variance: the source model must not be worse than the rating
        # curve by more than 0.05 in calibration, and biases stay within 10 %.
        checks += [
            Check.at_least(name, f"{p}_model_load_nse", values["model_load_nse"], 0.7),
            Check.at_least(name, f"{p}_rating_load_nse", values["rating_load_nse"], 0.7),
            Check.within(name, f"{p}_model_conc_pbias", values["model_conc_pbias"], 10.0),
            Check.within(name, f"{p}_rating_conc_pbias", values["rating_conc_pbias"], 10.0),
            Check.within(name, f"{p}_model_load_pbias", values["model_load_pbias"], 10.0),
            Check.within(name, f"{p}_rating_load_pbias", values["rating_load_pbias"], 10.0),
        ]
        if period == "calibration":
            checks.append(Check.at_least(name, "cal_model_minus_rating_conc_nse",
                                         values["model_conc_nse"] - values["rating_conc_nse"], -0.05))
        # reported with a no-skill floor only (NSE -1: errors sqrt(2) times the samples'
        # spread); measured 0.11 / 0.02 (calibration) and -0.29 / -0.04 (validation),
        # model / rating curve: neither explains this river's nitrate, as said above
        checks += [Check.at_least(name, f"{p}_model_conc_nse", values["model_conc_nse"], -1.0),
                   Check.at_least(name, f"{p}_rating_conc_nse", values["rating_conc_nse"], -1.0)]
    checks.append(Check.within(name, "rating_slope_b", curve.b, 1.0))
    return checks


@case("calibration_twin", layer="data", quick=False)
def calibration_twin() -> list[Check]:
    """Twin experiment on the example watershed: DE recovers known parameters from noisy data."""
    from hydro.calibration import calibrate
    from hydro.calibration.twin import make_twin

    name = "calibration_twin"
    with tempfile.TemporaryDirectory() as tmp:
        config, true = make_twin(Path(tmp) / "twin")
        r = calibrate(config, Path(tmp) / "out", workers=2)
    got = r.best["params"]
    # Tolerances (relative): 5 % multiplicative noise on daily flows and weekly TN samples
    # at two sections over 4 years; x1 controls every flow day and is recovered to <2 %
    # (bound 5 %); the leaching fraction sets base-flow TN in all samples (1-2 %, bound 10 %);
    # the river removal rate acts only through the travel time of short reaches, so its
    # signal in concentration is weakest (13 % in 2024, 3.1 % on 2026-12-01; bound 25 %).
    # Recovered on 2026-12-01: x1 -1.65 %, leaching -1.27 %, removal -3.13 %.
    tol = {"x1": 0.05, "leaching": 0.10, "removal": 0.25}
    return [Check.within(name, f"{k}_relative_error", got[k] / true[k] - 1.0, tol[k]) for k in tol]


@case("calibration_twin_miyun", layer="data", quick=False)
def calibration_twin_miyun() -> list[Check]:
    """Twin experiment on Miyun: DE recovers x1, the Chao leaching fraction and river removal."""
    from datetime import date

    from hydro.calibration import calibrate
    from hydro.calibration.twin import MIYUN_SECTIONS, make_twin, miyun_parameters

    name = "calibration_twin_miyun"
    with tempfile.TemporaryDirectory() as tmp:
        config, true = make_twin(Path(tmp) / "twin", "miyun", start=date(2013, 3, 1),
                                 calibration=(date(2014, 1, 1), date(2016, 12, 31)),
                                 parameters=miyun_parameters(), sections=MIYUN_SECTIONS,
                                 max_evaluations=400)
        r = calibrate(config, Path(tmp) / "out", workers=2, quiet=True)
    got = r.best["params"]
    # Same noise model as the example twin (5 % on daily flow and weekly TN at two
    # sections) over three years; the bounds are those of the example twin.
    tol = {"x1": 0.05, "leaching": 0.10, "removal": 0.25}
    return [Check.within(name, f"{k}_relative_error", got[k] / true[k] - 1.0, tol[k]) for k in tol]
