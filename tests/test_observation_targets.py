"""Observation targets (hydro.validation.basins): parsing, each statistic on small synthetic
results, and the shipped observations files."""

from __future__ import annotations

import math
from datetime import date, timedelta

import numpy as np
import pytest

from hydro.basin import ROOT, Basin
from hydro.errors import HydroError
from hydro.results import Results
from hydro.tomlio import Table, load_toml
from hydro.validation.basins import (
    INITIAL_SHARE_LIMIT,
    Inventory,
    Outcome,
    evaluate_target,
    target_check,
    target_value,
)

START = date(2014, 7, 1)
N_DAY = 730  # 2014-07-01 .. 2016-06-29
SOURCES = ["groundwater", "livestock", "initial"]
INPUTS = ["fertiliser", "deposition", "deposition_water"]


def _dates():
    return [START + timedelta(days=i) for i in range(N_DAY)]


@pytest.fixture(scope="module")
def res():
    """Two sections, one reservoir, two subbasins; values chosen so every statistic is known."""
    dates = _dates()
    day = np.arange(N_DAY, dtype=float)
    r = Results(coords={"time": dates, "section": ["up", "down"], "reservoir": ["lake"],
                        "subbasin": ["chao_a", "bai_b"], "source": SOURCES, "budget_year": [2014, 2015, 2016],
                        "input": ["fertiliser", "deposition"], "reach": ["r1"]},
                constituents={"tn": "total nitrogen"})
    conc = np.stack([1.0 + 0.01 * day + (day % 2), 2.0 + 0.0 * day], axis=1)  # up rises, higher at high flow
    flow = np.stack([1.0 + (day % 2), np.full(N_DAY, 4.0)], axis=1)      # up alternates 1, 2 m3/s
    r.add("section_tn_concentration", conc)
    r.add("section_discharge", flow)
    r.add("section_tn_load", conc * flow * 86.4)                          # kg/d = mg/L x m3/s x 86.4
    by_source = np.zeros((N_DAY, 2, 3))
    by_source[:, :, 0], by_source[:, :, 1] = 3.0, 1.0                     # groundwater 3, livestock 1 kg/d
    r.add("tn_source_load", by_source)
    tagged = np.zeros((N_DAY, 1, 3))
    tagged[:, 0, 0] = 1.0
    tagged[:, 0, 2] = np.exp(-day / 365.0)                                # initial tag, e-folding 1 yr
    r.add("reservoir_tn_source_concentration", tagged)
    r.add("reservoir_tn_concentration", tagged.sum(axis=2))
    r.add("reservoir_inflow", np.full((N_DAY, 1), 10.0))
    r.add("reservoir_storage", (1e9 + 1e6 * day)[:, None])
    inp = np.zeros((N_DAY, 2, 3))
    inp[:, 0, 1], inp[:, 1, 1] = 2.0, 6.0                                 # livestock input by subbasin
    inp[:, :, 0] = 1.0
    r.add("subbasin_tn_source_input", inp)
    r.add("subbasin_runoff", np.ones((N_DAY, 2)))
    gross = np.zeros((3, 2, 2))
    gross[:, 0, 0], gross[:, 1, 0], gross[:, :, 1] = 100.0, 300.0, 50.0
    r.add("subbasin_tn_gross_input", gross)
    return r


def ev(results, inventory=None, **kw):
    return evaluate_target(results, Table(kw, "observations.toml", "targets[0]"), inventory)


SECTION = dict(variable="section_tn_concentration", location="up", unit="mg L-1")


# -- periods --------------------------------------------------------------------------------------

def test_period_as_years_dates_or_one_year(res):
    conc = res["section_tn_concentration"][:, 0]
    days = np.array(res.dates, dtype="datetime64[D]")
    in_2015 = (days >= np.datetime64("2015-01-01")) & (days <= np.datetime64("2015-12-31"))
    want = conc[in_2015].mean()
    for period in ([2015, 2015], 2015, ["2015-01-01", "2015-12-31"], [date(2015, 1, 1), date(2015, 12, 31)]):
        out = ev(res, statistic="time_mean", period=period, **SECTION)
        assert out.value == pytest.approx(want, rel=1e-12) and not out.reason
        assert out.window == "2015-01-01..2015-12-31"


@pytest.mark.parametrize("period, message", [
    (["2015-12-31", "2015-01-01"], "ends .* before it starts"),
    ([2015], r"expected \[first, last\]"),
    ([15, 2015], "four-digit year"),
    (["2015-13-01", "2015-12-31"], r"is no day: there is no month 13 \(01-12\)"),
    (["2015-1-01", "2015-12-31"], "expected a date"),
])
def test_bad_periods_are_errors(res, period, message):
    with pytest.raises(HydroError, match=message):
        ev(res, statistic="time_mean", period=period, **SECTION)


def test_a_period_the_run_does_not_cover_fails_instead_of_comparing_other_years(res):
    out = ev(res, statistic="time_mean", period=[2006, 2006], **SECTION)
    assert math.isnan(out.value) and out.reason.startswith("not simulated")
    # half covered: fails by default, scored on the covered part when min_coverage allows it
    partial = dict(statistic="time_mean", period=["2016-01-01", "2016-12-31"], **SECTION)
    assert "not simulated" in ev(res, **partial).reason
    out = ev(res, min_coverage=0.4, **partial)
    assert not out.reason and out.window == "2016-01-01..2016-06-29"


# -- statistics -----------------------------------------------------------------------------------

def test_time_mean_with_monthly_samples(res):
    out = ev(res, statistic="time_mean", period=[2015, 2015], sample_days_of_month=[1], **SECTION)
    firsts = [i for i, d in enumerate(res.dates) if d.year == 2015 and d.day == 1]
    assert len(firsts) == 12
    assert out.value == pytest.approx(res["section_tn_concentration"][firsts, 0].mean(), rel=1e-12)


def test_flow_weighted_mean_is_load_over_water(res):
    out = ev(res, statistic="flow_weighted_mean", period=[2015, 2015], **SECTION)
    keep = [i for i, d in enumerate(res.dates) if d.year == 2015]
    c, q = res["section_tn_concentration"][keep, 0], res["section_discharge"][keep, 0]
    assert out.value == pytest.approx((c * q).sum() / q.sum(), rel=1e-12)
    assert out.value != pytest.approx(c.mean(), rel=1e-4)  # the flows alternate, so it differs


def test_total_and_annual_total_of_a_flow(res):
    base = dict(variable="reservoir_inflow", location="lake")
    year = ev(res, statistic="annual_total", period=[2015, 2015], unit="m3 yr-1", **base)
    assert year.value == pytest.approx(10.0 * 86400 * 365, rel=1e-12)
    total = ev(res, statistic="total", period=["2015-01-01", "2015-01-10"], unit="m3", **base)
    assert total.value == pytest.approx(10.0 * 86400 * 10, rel=1e-12)
    # a window across two calendar years: each year counts the share of its days
    span = ev(res, statistic="annual_total", period=["2015-07-01", "2016-06-29"], unit="m3 yr-1", **base)
    days = (date(2016, 6, 29) - date(2015, 7, 1)).days + 1
    years = 184 / 365 + 181 / 366
    assert span.value == pytest.approx(10.0 * 86400 * days / years, rel=1e-12)


def test_ratio_of_two_locations(res):
    out = ev(res, statistic="time_mean", period=[2015, 2015], variable="section_tn_concentration",
             location="up", denominator="down", unit="1")
    keep = [i for i, d in enumerate(res.dates) if d.year == 2015]
    assert out.value == pytest.approx(res["section_tn_concentration"][keep, 0].mean() / 2.0, rel=1e-12)


def test_share_of_sources_at_a_section_and_of_subbasin_inputs(res):
    out = ev(res, variable="tn_source_load", location="down", statistic="share", sources=["livestock"],
             period=[2015, 2015], unit="1")
    assert out.value == pytest.approx(0.25, rel=1e-12)
    out = ev(res, variable="subbasin_tn_source_input", subbasins=["bai_*"], statistic="share",
             sources=["livestock"], period=[2015, 2015], unit="1")
    assert out.value == pytest.approx(6.0 / 7.0, rel=1e-12)
    load = ev(res, variable="subbasin_tn_source_input", subbasins=["*"], sources=["livestock"],
              statistic="annual_total", period=[2015, 2015], unit="kg yr-1")
    assert load.value == pytest.approx(8.0 * 365, rel=1e-12)


def test_inventory_from_the_basin_at_the_published_years():
    calls = []

    def at(years):
        calls.append(list(years))
        out = np.zeros((len(years), 2, 3))
        out[:, 0, 0] = 1000.0 * (np.asarray(years) - 2000)  # fertiliser grows by 1000 kg/yr each year
        out[:, 1, 0] = 500.0
        out[:, :, 2] = 10.0
        return out

    inv = Inventory(("chao_a", "bai_b"), tuple(INPUTS), np.array([10.0, 40.0]), at)
    dummy = Results(coords={"time": _dates()})
    base = dict(variable="subbasin_tn_gross_input", inputs=["fertiliser"])
    rate = ev(dummy, inv, subbasins=["chao_*"], statistic="areal_rate", period=[1995, 2004],
              unit="kg km-2 yr-1", **base)
    assert calls[-1] == list(range(1995, 2005))  # evaluated at the published years, not the run's
    assert rate.value == pytest.approx(1000.0 * np.mean(np.arange(-5, 5)) / 10.0, rel=1e-12)
    # twelve months across two years: four months of 2019 and eight of 2020
    water = ev(dummy, inv, variable="subbasin_tn_gross_input", subbasins=["chao_a"], inputs=["deposition_water"],
               statistic="total", period=["2019-09-01", "2020-08-31"], unit="kg")
    assert water.value == pytest.approx(10.0 * (122 / 365 + 244 / 366), rel=1e-12)
    share = ev(dummy, inv, subbasins=["*"], statistic="share", period=[2010, 2010], unit="1", **base)
    assert share.value == pytest.approx(10500.0 / 10520.0, rel=1e-12)


def test_inventory_from_results_needs_the_years(res):
    base = dict(variable="subbasin_tn_gross_input", subbasins=["*"], inputs=["fertiliser"], unit="kg yr-1",
                statistic="annual_total")
    assert ev(res, period=[2015, 2015], **base).value == pytest.approx(400.0)
    assert ev(res, period=[2010, 2015], **base).reason.startswith("not simulated")


def test_reservoir_spin_up_must_forget_the_initial_value(res):
    base = dict(variable="reservoir_tn_concentration", location="lake", statistic="time_mean",
                period=["2014-07-01", "2016-06-29"], unit="mg L-1")
    with pytest.raises(HydroError, match=r"spin_up_years.*missing"):
        ev(res, **base)
    short = ev(res, spin_up_years=0, **base)
    assert short.reason.startswith("spin-up too short")
    # after one year the tag is exp(-1) of itself: still far above the limit
    assert "spin-up too short" in ev(res, spin_up_years=1, min_coverage=0.0, **base).reason
    assert math.exp(-(N_DAY - 1) / 365) / (1 + math.exp(-(N_DAY - 1) / 365)) > INITIAL_SHARE_LIMIT


def test_not_computable_fails_with_its_reason(res):
    out = ev(res, statistic="areal_rate", period=[1995, 2014], unit="kg km-2 yr-1",
             not_computable="the inventory has no crop production")
    assert math.isnan(out.value) and out.reason == "not computable: the inventory has no crop production"


def test_natural_inflow_is_the_inflow_without_transfers(res):
    out = ev(res, variable="reservoir_natural_inflow", location="lake", statistic="time_mean",
             period=[2015, 2015], unit="m3 s-1")
    assert out.value == pytest.approx(10.0)


# -- mistakes -------------------------------------------------------------------------------------

@pytest.mark.parametrize("kw, message", [
    (dict(statistic="mean"), "ambiguous: time_mean or flow_weighted_mean"),
    (dict(statistic="median"), "expected one of"),
    (dict(), "statistic.*missing"),
    (dict(statistic="time_mean", unit=None), "unit.*missing.*mg L-1"),
    (dict(statistic="time_mean", unit="kg"), "gives 'mg L-1', not 'kg'"),
    (dict(statistic="time_mean", location="upp"), "did you mean 'up'"),
    (dict(statistic="areal_rate"), "applies to the inventory"),
    (dict(statistic="share"), "needs a variable with categories"),
    (dict(statistic="total"), "does not apply to a variable in mg L-1"),
    (dict(statistic="flow_weighted_mean", sample_days_of_month=[1]), "time_mean\" only"),
    (dict(statistic="time_mean", sample_days_of_month=[0]), "days 1-31"),
    (dict(statistic="time_mean", variable="section_tn_concentraton"), "did you mean 'section_tn_concentration'"),
])
def test_bad_targets_are_errors(res, kw, message):
    target = dict(SECTION, period=[2015, 2015], **kw)
    target = {k: v for k, v in target.items() if v is not None}
    with pytest.raises(HydroError, match=message):
        ev(res, **target)


@pytest.mark.parametrize("kw, message", [
    (dict(subbasins=["han_*"]), "'han_\\*' matches no subbasin"),
    (dict(subbasins=["*"], sources=["manure"]), "unknown category 'manure'"),
    (dict(), "subbasins.*missing"),
    (dict(subbasins=["*"], denominator="chao_a"), "no denominator"),
])
def test_bad_subbasin_targets_are_errors(res, kw, message):
    with pytest.raises(HydroError, match=message):
        ev(res, variable="subbasin_tn_source_input", statistic="annual_total", period=[2015, 2015],
           unit="kg yr-1", **kw)


def test_inventory_targets_reject_daily_keys(res):
    with pytest.raises(HydroError, match="does not apply to the yearly inventory"):
        ev(res, variable="subbasin_tn_gross_input", subbasins=["*"], statistic="total", period=[2015, 2015],
           unit="kg", location="up")
    with pytest.raises(HydroError, match="yearly inventory takes"):
        ev(res, variable="subbasin_tn_gross_input", subbasins=["*"], statistic="time_mean", period=[2015, 2015])


def test_target_check_lines():
    t = Table(dict(id="x", value=2.0, tolerance_relative=0.1, reference="somebody 2020", statistic="time_mean"),
              "observations.toml", "targets[0]")
    assert target_check("b", t, Outcome(2.1, "2015-01-01..2015-12-31")).passed
    assert not target_check("b", t, Outcome(2.3, "w")).passed
    failed = target_check("b", t, Outcome(float("nan"), "w", "not simulated: published 2006"))
    assert not failed.passed and "not simulated" in failed.metric
    empty = Table(dict(id="x", value=2.0, reference=" "), "observations.toml", "targets[0]")
    with pytest.raises(HydroError, match="reference"):
        target_check("b", empty, Outcome(2.0))
    ranged = Table(dict(id="x", range=[1.0, 3.0], reference="r"), "observations.toml", "targets[0]")
    assert target_check("b", ranged, Outcome(2.0, "w")).passed


def test_lenient_target_value_keeps_quick_python_use(res):
    table = Table(dict(variable="section_tn_concentration", location="up"), "o.toml", "targets[0]")
    assert target_value(res, table) == pytest.approx(res["section_tn_concentration"][:, 0].mean())
    with pytest.raises(HydroError, match="not simulated"):
        target_value(res, Table(dict(SECTION, period=[2006, 2006]), "o.toml", "targets[0]"))


# -- the shipped files ----------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["miyun", "guanting"])
def test_shipped_targets_are_well_formed(name):
    """Every shipped target parses and evaluates (on ten simulated days: most are then 'not
    simulated', which is an outcome, not an error) and names its reference."""
    from hydro.simulation import run
    from hydro.validation.basins import basin_inventory

    folder = ROOT / "basins" / name
    basin = Basin.load(folder, overrides=["run.start=2013-03-01", "run.end=2013-03-10"])
    results = run(basin)
    inventory = basin_inventory(basin)
    path = folder / "observations.toml"
    root = Table(load_toml(path), path)
    ids = []
    for t in root.tables("targets"):
        ids.append(t.str("id"))
        target_check(name, t, evaluate_target(results, t, inventory))
        t.finish()
    assert len(ids) == len(set(ids))


# (id, published value) of the quality checks examined like-for-like in basins/region/SOURCES.md
# R14 and left failing: they keep the figures as published (Yu 2008; the Bahaoqiao article),
# with the project's 30 % tolerance, whatever the model gives.
PUBLISHED_AS_PRINTED = {
    "miyun": {"chao_inflow_tp_2006": 0.01154, "bai_inflow_tp_2006": 0.01284,
              "qingshui_inflow_tp_2006": 0.00475, "chao_inflow_no3n_2006": 4.86},
    "guanting": {"bahaoqiao_nh3n_2008": 5.22},
}


@pytest.mark.parametrize("name", sorted(PUBLISHED_AS_PRINTED))
def test_failing_quality_checks_keep_their_published_values(name):
    """Nothing is widened or tuned to pass: the values, the project tolerance, the total-P
    variable of the 2006 samples (no dissolved fraction is published) and their sampling days."""
    targets = {t["id"]: t for t in load_toml(ROOT / "basins" / name / "observations.toml")["targets"]}
    for target_id, value in PUBLISHED_AS_PRINTED[name].items():
        t = targets[target_id]
        assert t["value"] == value and t["tolerance_relative"] == 0.30, target_id
        if target_id.endswith("_2006"):
            assert t["sample_days_of_month"] == [1] and "_dp_" not in t["variable"], target_id


# -- change of a state ----------------------------------------------------------------------------

STORAGE = dict(variable="reservoir_storage", location="lake", unit="m3", statistic="change",
               reference="test")


def test_change_is_the_rise_of_a_storage_over_the_period(res):
    # storage = 1e9 + 1e6 x day (end of each day): over 2015 it rises by 365 days x 1e6 m3,
    # from the end of 2014-12-31 to the end of 2015-12-31
    out = ev(res, period=[2015, 2015], **STORAGE)
    assert out.value == pytest.approx(365e6, rel=1e-12)
    out = ev(res, period=["2015-03-01", "2015-03-01"], **STORAGE)  # one day: that day's rise
    assert out.value == pytest.approx(1e6, rel=1e-12)


def test_change_needs_the_day_before_and_a_state(res):
    out = ev(res, period=["2014-07-01", "2014-12-31"], **STORAGE)  # starts on the run's first day
    assert math.isnan(out.value) and "before the run starts" in out.reason
    with pytest.raises(HydroError, match="applies to statistic = \"time_mean\" only"):
        ev(res, period=[2015, 2015], sample_days_of_month=[1], **STORAGE)
    with pytest.raises(HydroError, match="'change' is the rise of a state"):
        ev(res, period=[2015, 2015], **{**STORAGE, "variable": "section_discharge", "location": "up",
                                        "unit": "m3 s-1"})
