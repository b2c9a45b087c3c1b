"""The shipped calibration configurations, and the objective on published water (issue 13).

Every ``configs/calibration/*.toml`` loads; the basin water calibrations
(``miyun_water``, ``guanting_water``) run a budget of three evaluations on
their own periods.  The published-points observations (``points``,
``statistic = "annual_total"``, reservoir variables) and the metrics made for
them (``mare``, ``max_are``: one point is enough) are checked on their own,
with the configuration errors a user meets.
"""

from __future__ import annotations

import dataclasses
import math
from datetime import date
from pathlib import Path

import numpy as np
import pytest

from hydro.calibration import CalibrationConfig, Problem, calibrate, read_params
from hydro.calibration.config import MethodSettings, Observation, Point
from hydro.calibration.observations import Alignment
from hydro.errors import HydroError
from hydro.metrics import mare, max_are, metric

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = sorted((ROOT / "configs" / "calibration").glob("*.toml"))
WATER = ["miyun_water.toml", "guanting_water.toml"]


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_every_shipped_config_loads(path):
    cfg = CalibrationConfig.from_toml(path)
    assert cfg.parameters and cfg.objectives
    for p in cfg.parameters:
        assert p.lower < p.upper


@pytest.mark.parametrize("name", WATER)
def test_water_config_runs_a_tiny_budget(name, tmp_path):
    """Three evaluations (a Latin hypercube with nobody behavioural: no band runs)."""
    cfg = CalibrationConfig.from_toml(ROOT / "configs" / "calibration" / name)
    assert all(o.points for o in cfg.observations)
    tiny = dataclasses.replace(cfg, method=MethodSettings(name="glue", max_evaluations=3,
                                                          threshold=2.0, seed=1))
    result = calibrate(tiny, tmp_path / "out", serial=True)
    assert len(result.records) == 3
    assert all(r["status"] == "ok" for r in result.records), [r["error"] for r in result.records]
    scores = result.best["scores"]["calibration"]
    assert all(math.isfinite(v) and v >= 0 for v in scores.values()), scores
    overrides = read_params(tmp_path / "out" / "best_params.toml")
    paths = {s.split("=")[0] for s in overrides}
    assert {q for p in cfg.parameters for q in p.paths} <= paths


# ------------------------------------------------------------------ metrics for a few figures


def test_relative_error_metrics_take_one_point():
    assert mare([1.2], [1.0]) == pytest.approx(20.0)
    assert mare([1.2, 0.5], [1.0, 1.0]) == pytest.approx(35.0)  # errors of opposite sign add up
    assert max_are([1.2, 0.5], [1.0, 1.0]) == pytest.approx(50.0)
    assert mare([np.nan, 3.0], [1.0, 2.0]) == pytest.approx(50.0)  # NaN pairs dropped
    assert metric("mare").min_pairs == 1 and metric("nse").min_pairs == 2
    with pytest.raises(HydroError, match="observation is zero"):
        mare([1.0], [0.0])
    with pytest.raises(HydroError, match="at least 1 is needed"):
        max_are([np.nan], [1.0])


# ------------------------------------------------------------------ points and their alignment


def test_points_are_averaged_or_totalled_per_year():
    days = np.arange(np.datetime64("2015-01-01"), np.datetime64("2017-01-01"))
    periods = {"calibration": (date(2015, 1, 1), date(2015, 12, 31)),
               "validation": (date(2016, 1, 1), date(2016, 12, 31))}
    storage = Observation("s", "reservoir_storage", "r", points=(
        Point(date(2015, 3, 1), date(2015, 3, 1), 5.0),
        Point(date(2015, 11, 1), date(2015, 11, 30), 7.0),
        Point(date(2016, 6, 30), date(2016, 6, 30), 9.0)))
    al = Alignment.from_points(storage, days, periods)
    daily = np.arange(days.size, dtype=float)
    np.testing.assert_allclose(al.simulated(daily), [59.0, np.mean(daily[304:334]), 546.0])
    assert al.in_period["calibration"].tolist() == [True, True, False]
    assert al.min_bins == 1

    inflow = Observation("q", "reservoir_inflow", "r", statistic="annual_total", points=(
        Point(date(2015, 1, 1), date(2016, 12, 31), 3.0e8),))  # mean of two years
    al = Alignment.from_points(inflow, days, {"calibration": (date(2015, 1, 1), date(2016, 12, 31))})
    q = np.full(days.size, 10.0)  # m3 s-1 every day
    np.testing.assert_allclose(al.simulated(q), [10.0 * 86400 * 731 / 2])


def test_points_outside_the_calibration_period_are_an_error():
    days = np.arange(np.datetime64("2015-01-01"), np.datetime64("2016-01-01"))
    obs = Observation("s", "reservoir_storage", "r", points=(Point(date(2014, 5, 1), date(2014, 5, 1), 1.0),))
    with pytest.raises(HydroError, match="no point lies inside the calibration period"):
        Alignment.from_points(obs, days, {"calibration": (date(2015, 1, 1), date(2015, 12, 31))})


# ------------------------------------------------------------------ configuration errors

_HEAD = """
[model]
kind = "basin"
path = "miyun"

[periods]
warmup_start = 2013-03-01
calibration = [2013-03-01, 2015-12-31]

[[parameters]]
name = "x3"
paths = ["runoff.x3_mm"]
lower = 20.0
upper = 300.0

[[objectives]]
observation = "o"
metric = "mare"
"""


def _config(tmp_path: Path, observation: str) -> Path:
    path = tmp_path / "c.toml"
    path.write_text(_HEAD + "\n[[observations]]\nname = \"o\"\n" + observation)
    return path


@pytest.mark.parametrize(("observation", "message"), [
    ('variable = "reservoir_storage"\nat = "miyun"\nstatistic = "annual_total"\n'
     'points = [{first = 2015-01-01, last = 2015-12-31, value = 1e9}]', "not a flux"),
    ('variable = "reservoir_inflow"\nat = "miyun"\nstatistic = "annual_total"\n'
     'points = [{first = 2015-01-01, last = 2015-06-30, value = 1e8}]', "whole calendar years"),
    ('variable = "reservoir_storage"\nat = "miyun"\n'
     'points = [{first = 2015-01-01, last = 2015-01-31, value = 1e9}, {date = 2015-01-15, value = 1e9}]',
     "overlap"),
    ('variable = "reservoir_storage"\nat = "miyun"\npoints = [{date = "2015-13-01", value = 1e9}]',
     "is not a date"),
    # YYYY-MM-DD only, as every other date key (Table.date) and the CLI's --start/--end
    ('variable = "reservoir_storage"\nat = "miyun"\npoints = [{date = "20150101", value = 1e9}]',
     "is not a date; write YYYY-MM-DD"),
    ('variable = "reservoir_storage"\nat = "miyun"\npoints = [{first = "2015-W01-4", last = 2015-01-31, value = 1e9}]',
     "is not a date; write YYYY-MM-DD"),
    ('variable = "reservoir_storage"\nat = "miyun"\npoints = [{day = 2015-01-01, value = 1e9}]',
     "unknown key"),
    ('variable = "reservoir_storage"\nat = "miyun"\npoints = [{date = 2015-01-01}]', "finite number"),
    ('variable = "reservoir_storage"\nat = "miyun"\naggregate = "daily"\n'
     'points = [{date = 2015-01-01, value = 1e9}]', "remove 'aggregate'"),
    ('variable = "reservoir_storage"\nat = "miyun"\ncsv = "x.csv"\n'
     'points = [{date = 2015-01-01, value = 1e9}]', "one way"),
    ('variable = "reservoir_storage"\nat = "miyun"\nstatistic = "anual_total"\n'
     'points = [{date = 2015-01-01, value = 1e9}]', "did you mean 'annual_total'"),
    ('variable = "reservoir_storge"\nat = "miyun"\npoints = [{date = 2015-01-01, value = 1e9}]',
     "did you mean 'reservoir_storage'"),
    ('variable = "reservoir_storage"\npoints = [{date = 2015-01-01, value = 1e9}]',
     "name the reservoir"),
])
def test_points_configuration_errors(tmp_path, observation, message):
    with pytest.raises(HydroError, match=message):
        CalibrationConfig.from_toml(_config(tmp_path, observation))


def test_reservoir_name_and_one_point_metrics_checked_before_any_run(tmp_path):
    bad = _config(tmp_path, 'variable = "reservoir_storage"\nat = "miyn"\n'
                            'points = [{date = 2013-08-06, value = 1.2005e9}]')
    with pytest.raises(HydroError, match=r"no reservoir 'miyn'.*did you mean 'miyun'"):
        Problem(CalibrationConfig.from_toml(bad)).prepare()
    one = _config(tmp_path, 'variable = "reservoir_natural_inflow"\nat = "miyun"\n'
                            'statistic = "annual_total"\n'
                            'points = [{first = 2015-01-01, last = 2015-12-31, value = 3.4e8}]')
    one.write_text(one.read_text().replace('metric = "mare"', 'metric = "nse"'))
    with pytest.raises(HydroError, match=r"metric nse needs at least 2.*'mare'"):
        Problem(CalibrationConfig.from_toml(one)).prepare()
