"""The daily-extreme statistics of observation targets (``max``, ``min``: hydro.validation.basins).

A published "below X on every day of the period" is a bound on the period's highest daily value,
not on its mean: ``storage_2018_below_2_6e9`` (Miyun) was scored on the 2018 mean, which stays
under a bound that the lake passes for months.  These tests compute the extremes with numpy on
the same days and check the misuses are errors that name the key, as for the other statistics.
"""

from __future__ import annotations

import math
from datetime import date, timedelta

import numpy as np
import pytest

from hydro.basin import ROOT, Basin
from hydro.errors import HydroError
from hydro.results import Results
from hydro.tomlio import Table, load_toml
from hydro.validation.basins import evaluate_target, target_check

START = date(2015, 1, 1)
N_DAY = 730  # 2015-01-01 .. 2016-12-30


@pytest.fixture(scope="module")
def res():
    """A section with a NaN day and a concentration whose maximum is not on a period's edge."""
    dates = [START + timedelta(days=i) for i in range(N_DAY)]
    day = np.arange(N_DAY, dtype=float)
    r = Results(coords={"time": dates, "section": ["up", "down"], "reservoir": ["lake"], "budget_year": [2015, 2016],
                        "subbasin": ["a", "b"], "input": ["fertiliser"]},
                constituents={"tn": "total nitrogen"})
    conc = np.stack([2.0 + np.sin(day / 20.0), 1.0 + 0.001 * day], axis=1)
    conc[40, 0] = np.nan  # a day without a value is skipped, not the maximum
    r.add("section_tn_concentration", conc)
    r.add("section_discharge", np.stack([1.0 + day % 3, np.full(N_DAY, 4.0)], axis=1))
    r.add("reservoir_storage", (1e9 + 1e6 * np.cos(day / 50.0))[:, None])
    r.add("subbasin_runoff", np.ones((N_DAY, 2)))
    r.add("subbasin_tn_gross_input", np.ones((2, 2, 1)))
    return r


def ev(results, **kw):
    return evaluate_target(results, Table(kw, "observations.toml", "targets[0]"))


def _days(results, first, last):
    d = np.array(results.dates, dtype="datetime64[D]")
    return (d >= np.datetime64(first)) & (d <= np.datetime64(last))


@pytest.mark.parametrize("statistic, reduce", [("max", np.nanmax), ("min", np.nanmin)])
@pytest.mark.parametrize("period, first, last", [([2015, 2015], "2015-01-01", "2015-12-31"),
                                                 (["2015-02-01", "2015-03-15"], "2015-02-01", "2015-03-15")])
def test_extremes_are_numpy_on_the_scored_days(res, statistic, reduce, period, first, last):
    keep = _days(res, first, last)
    conc = np.asarray(res["section_tn_concentration"], dtype=float)[keep, 0]
    out = ev(res, variable="section_tn_concentration", location="up", unit="mg L-1", statistic=statistic,
             period=period)
    assert out.value == reduce(conc) and not out.reason  # the same float64 numbers: exact
    store = np.asarray(res["reservoir_storage"], dtype=float)[keep, 0]
    out = ev(res, variable="reservoir_storage", location="lake", unit="m3", statistic=statistic, period=period)
    assert out.value == reduce(store)
    # the mean lies strictly between them: the statistic is not the mean under another name
    mean = ev(res, variable="reservoir_storage", location="lake", unit="m3", statistic="time_mean",
              period=period).value
    assert store.min() < mean < store.max()


def test_a_range_on_the_maximum_is_every_day_below_the_bound(res):
    # storage 1e9 + 1e6 cos(day/50): the 2015 mean (about 1e9) is under 1.0009e9, the days are not
    kw = dict(id="below", variable="reservoir_storage", location="lake", unit="m3", period=[2015, 2015],
              range=[0.0, 1.0009e9], reference="test")
    mean = target_check("c", Table({**kw, "statistic": "time_mean"}, "o.toml", "targets[0]"),
                        ev(res, **{**kw, "statistic": "time_mean"}))
    top = ev(res, **{**kw, "statistic": "max"})
    check = target_check("c", Table({**kw, "statistic": "max"}, "o.toml", "targets[0]"), top)
    assert mean.passed and not check.passed
    assert check.value == pytest.approx(top.value - 1.0009e9, rel=1e-12)
    assert "(max 2015-01-01..2015-12-31)" in check.metric


def test_no_value_on_any_scored_day_fails_with_a_reason():
    dates = [START + timedelta(days=i) for i in range(10)]
    r = Results(coords={"time": dates, "section": ["up"]}, constituents={"tn": "total nitrogen"})
    r.add("section_tn_concentration", np.full((10, 1), np.nan))
    r.add("section_discharge", np.zeros((10, 1)))
    out = ev(r, variable="section_tn_concentration", location="up", unit="mg L-1", statistic="max",
             period=["2015-01-01", "2015-01-10"])
    assert math.isnan(out.value) and "no section_tn_concentration value on any scored day" in out.reason


@pytest.mark.parametrize("kw, message", [
    (dict(variable="reservoir_storage", location="lake", unit="m3 yr-1", statistic="max"),
     r"unit.*this statistic gives 'm3', not 'm3 yr-1'"),
    (dict(variable="section_tn_concentration", location="up", unit="mg L-1", statistic="min",
          sample_days_of_month=[1]), r"sample_days_of_month.*applies to statistic = \"time_mean\" only"),
    (dict(variable="subbasin_tn_gross_input", subbasins=["a"], inputs=["fertiliser"], unit="kg", statistic="max"),
     r"statistic.*'max': the yearly inventory takes total, annual_total, areal_rate, share"),
    (dict(variable="section_tn_concentration", location="up", unit="mg L-1", statistic="maximum"),
     r"statistic.*'maximum': expected one of .*max, min.*did you mean 'max'"),
    (dict(variable="section_tn_concentration", location="nowhere", unit="mg L-1", statistic="max"),
     r"location.*'nowhere' is not a section"),
])
def test_misuse_is_an_error_naming_the_key(res, kw, message):
    with pytest.raises(HydroError, match=message):
        ev(res, period=[2015, 2015], **kw)


def test_on_a_run_the_maximum_is_numpy_on_the_run_series():
    """Miyun over 2017-10..2018-12: the shipped target's statistic against numpy on the run's own
    storage series (end-of-day values) and the Chao inlet's concentration."""
    from hydro.simulation import run

    folder = ROOT / "basins" / "miyun"
    results = run(Basin.load(folder), date(2017, 10, 1), date(2018, 12, 31))
    path = folder / "observations.toml"
    target = next(t for t in Table(load_toml(path), path).tables("targets")
                  if t.data["id"] == "storage_2018_below_2_6e9")
    assert target.data["statistic"] == "max"  # "below 2.6e9 on every day": the highest day, not the mean
    keep = _days(results, "2018-01-01", "2018-12-31")
    where = list(results.coords["reservoir"]).index("miyun")
    storage = np.asarray(results["reservoir_storage"], dtype=float)[keep, where]
    assert evaluate_target(results, target).value == storage.max()
    conc = np.asarray(results["section_tn_concentration"], dtype=float)[keep,
                                                                         list(results.coords["section"]).index("chao_inlet")]
    low = ev(results, variable="section_tn_concentration", location="chao_inlet", unit="mg L-1", statistic="min",
             period=[2018, 2018])
    assert low.value == np.nanmin(conc)
