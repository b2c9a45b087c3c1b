"""Review fr of ab3dbd4..8a67462 (calibration methodology s44 + staged overwrite bd): defects.

Every test here failed on 8a67462 (review fr, D1-D5) and passes with its fix.  Helpers come from
tests/test_calibration_methodology_s44.py and tests/test_diff_review_2026_12_05_tie_lower_id.py.
Le Léguer GR4J (ms per run) and the Lamprey flow-sources model (a few ms): seconds in all.
"""

from __future__ import annotations

import collections
import csv
import json
import shutil
from datetime import date
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]


# ------------------------------------------------------------------ D1: --resume mixes loss scales


def test_resume_of_a_run_scored_before_s44_does_not_mix_percent_and_fraction_losses(tmp_path):
    """A run started before s44 (|PBIAS| in percent in its stored losses, no 'versions' in run.json)
    and resumed after it: the stored losses were reused as they were, the new ones were fractions,
    so DE accepted every new trial against 45-60x larger stored parents and best() compared the two
    scales.  run.json now says loss_scale = "fraction"; --resume refuses a run without it."""
    from test_calibration_methodology_s44 import leguer_config

    from hydro.calibration import calibrate
    from hydro.errors import HydroError
    from hydro.metrics import metric

    cfg = leguer_config(tmp_path, objectives='metric = "nse"\n\n[[objectives]]\nobservation = "q"\n'
                        'metric = "pbias"', method='name = "de"\nseed = 1\nmax_evaluations = 30\npopsize = 5')
    out = tmp_path / "out"
    calibrate(cfg, out, serial=True, quiet=True)
    log = out / "evaluations.jsonl"
    old = []
    for rec in [json.loads(line) for line in log.read_text().splitlines()][:10]:  # cut after the first population
        c = rec["scores"]["calibration"]
        rec["loss"] = ((1 - c["q:nse"]) + abs(c["q:pbias"])) / 2  # the loss as written before s44
        old.append(json.dumps(rec))
    log.write_text("\n".join(old) + "\n")
    run = json.loads((out / "run.json").read_text())
    run.pop("versions")  # a run.json written before s44
    assert run.pop("loss_scale") == "fraction"
    (out / "run.json").write_text(json.dumps(run))
    for name in ("summary.json", "best_params.toml", "scores.csv", "evaluations.csv"):
        (out / name).unlink()
    with pytest.raises(HydroError) as err:  # refused: the stored losses are on another scale
        calibrate(cfg, out, serial=True, quiet=True, resume=True)
    msg = str(err.value)
    assert str(out) in msg and "losses became fractions" in msg and "--overwrite" in msg, msg
    run["loss_scale"] = "percent"  # another scale named: the message names it, not "no loss_scale"
    (out / "run.json").write_text(json.dumps(run))
    with pytest.raises(HydroError, match=r"has loss_scale 'percent', not 'fraction'"):
        calibrate(cfg, out, serial=True, quiet=True, resume=True)
    run["loss_scale"] = "fraction"  # a run of today (its run.json says so) resumes
    (out / "run.json").write_text(json.dumps(run))
    for rec in calibrate(cfg, out, serial=True, quiet=True, resume=True).records:
        if rec["status"] == "ok" and rec["id"] >= 10:  # the new evaluations: fraction-scale losses
            c = rec["scores"]["calibration"]
            now = (metric("nse").loss_of(c["q:nse"]) + metric("pbias").loss_of(c["q:pbias"])) / 2
            assert abs(rec["loss"] - now) <= 1e-12 * max(1.0, now), (rec["id"], rec["loss"], now)


# ------------------------------------------------------------------ D2: one NaN day fails a whole month


def test_a_dry_day_in_each_month_does_not_fail_monthly_observations(tmp_path):
    """Lamprey with no flow on the 28th (NaN concentration on 3 % of the days) against monthly rows
    (YYYY-MM): the month's simulated mean is NaN as soon as one of its days is, so the coverage rule
    read 'the simulation is NaN on 86 of its 86 observed bins' and failed every evaluation (before
    s44 the months were dropped; NaN on 60 % of the months: scored on the rest before, failed now)."""
    from hydro.calibration.config import CalibrationConfig
    from hydro.calibration.problem import Problem

    d = tmp_path / "lamprey"
    shutil.copytree(ROOT / "validation" / "calibration" / "lamprey", d)
    with open(d / "lamprey_daily_discharge.csv", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    for r in rows[1:]:
        if r[0].endswith("-28"):
            r[1] = "0"
    with open(d / "lamprey_daily_discharge.csv", "w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows(rows)
    months = collections.defaultdict(list)
    with open(d / "lamprey_nitrate_samples.csv", encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            months[r["datetime"][:7]].append(float(r["no3_mg_per_l_as_n"]))
    (d / "monthly.csv").write_text("date,value\n" + "".join(f"{k},{np.mean(v)}\n" for k, v in sorted(months.items())))
    (d / "cal.toml").write_text("""
[model]
kind = "flow_sources"
path = "model.toml"
[periods]
warmup_start = 1999-10-01
calibration = [2000-01-01, 2007-12-31]
[[parameters]]
name = "emc"
paths = ["sources.land_use.all.emc_mg_per_l"]
lower = 0.01
upper = 2.0
transform = "log"
[[observations]]
name = "no3"
variable = "tn_concentration"
csv = "monthly.csv"
aggregate = "monthly"
[[objectives]]
observation = "no3"
metric = "nse"
[method]
name = "de"
seed = 1
""")
    p = Problem(CalibrationConfig.from_toml(d / "cal.toml"))
    assert np.isnan(p.simulate(p.midpoint())["no3"]).mean() < 0.05  # a few dry days only
    rec = p.evaluate(p.midpoint())
    assert rec["status"] == "ok", rec["error"]


# ------------------------------------------------------------------ D3: a report-only observation steers


def test_an_observation_with_only_weight_0_objectives_never_fails_an_evaluation():
    """lamprey.toml reports no3_load with weight 0 ('reported, not optimised'); the coverage rule
    counted it and failed the evaluation when its simulation was NaN on most bins, so an observation
    that must not steer the search (as the validation period must not) removed parameter sets."""
    from hydro.calibration.config import Objective, Observation
    from hydro.calibration.observations import Alignment
    from hydro.calibration.scoring import Scorer

    days = np.arange(np.datetime64("2000-01-01"), np.datetime64("2001-01-01"))
    periods = {"calibration": (date(2000, 1, 1), date(2000, 12, 31))}
    obs = np.random.default_rng(1).gamma(1.0, 5.0, days.size)
    als = {n: Alignment.build(Observation(n, "discharge"), days, obs, days, periods, True) for n in ("a", "b")}
    sc = Scorer(als, [Objective("a", "nse", 1.0), Objective("b", "nse", 0.0)], ["calibration"])
    b = obs.copy()
    b[: int(0.8 * b.size)] = np.nan
    loss, scores = sc.score({"a": obs * 1.01, "b": b})
    assert loss < 0.01
    assert scores["calibration"]["b:n_pairs"] == b.size - int(0.8 * b.size)


# ------------------------------------------------------------------ D4: a warm-up note without runoff stores


def test_a_basin_of_given_flows_has_no_runoff_stores_to_warm_up(tmp_path):
    """A basin without subbasins (flows given in [forcing]) runs no GR4J, yet stores_start returned the
    run's start, so summary.json gave warm_up_days and a note 'less than a year of warm-up ... the
    stores' initial fillings' for it; flow_sources returns None for the same reason."""
    from types import SimpleNamespace

    from test_diff_review_2026_12_05_tie_lower_id import _y

    from hydro.calibration.models import BasinModel

    basin = _y(tmp_path / "y", "abc")
    cfg = SimpleNamespace(model=str(basin), overrides=(), path=tmp_path / "c.toml", observations=(),
                          periods=SimpleNamespace(warmup_start=date(2020, 1, 1), end=date(2020, 1, 5)))
    model = BasinModel(cfg)
    assert not model._model().basin.is_watershed
    assert model.stores_start() is None


# ------------------------------------------------------------------ D5: an all-failed population


def test_de_does_not_re_evaluate_its_first_population_while_every_member_failed():
    """SciPy takes an all-inf population for one not yet evaluated (``np.all(np.isinf(energies))``) and
    evaluates it again at the start of every generation: with FAILED_LOSS = inf a search whose members
    all failed sent the first population back to the evaluator each generation (maxiter 3: 7 batches
    for 4), counted again on the progress bar and re-run for transient failures (lost workers)."""
    from scipy.optimize import differential_evolution

    from hydro.calibration.problem import FAILED_LOSS

    calls = []

    def mapper(_f, pop):
        pop = list(pop)
        calls.append(len(pop))
        return np.full(len(pop), FAILED_LOSS)

    with np.errstate(over="ignore", invalid="ignore"):  # as _run_de: SciPy's std of the losses overflows
        differential_evolution(lambda x: 0.0, [(0, 1), (0, 1)], maxiter=3, popsize=5, tol=0.0, rng=1,
                               polish=False, init="latinhypercube", updating="deferred", workers=mapper)
    assert len(calls) == 4, calls


def test_summary_values_without_a_number_are_written_as_null():
    # summary.json took glue_containment = NaN (a period with no bin of an observation) as a bare NaN,
    # which no JSON reader takes (review fr, D9): the summary goes through json_finite, as the log does
    import json

    from hydro.calibration.store import json_finite

    summary = {"glue_containment": {"validation": {"q": float("nan")}}, "best": [1.0, np.float64(np.inf)]}
    text = json.dumps(json_finite(summary), allow_nan=False)
    assert json.loads(text) == {"glue_containment": {"validation": {"q": None}}, "best": [1.0, None]}
