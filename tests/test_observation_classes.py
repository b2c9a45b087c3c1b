"""GB 3838 class targets (statistic = "class" / "class_share") and targets on constituents a
run does not carry yet (hydro.validation.basins), on small synthetic results whose classes are
known by construction."""

from __future__ import annotations

import math
from datetime import date, timedelta

import numpy as np
import pytest

from hydro.errors import HydroError
from hydro.results import Results
from hydro.tomlio import Table
from hydro.validation.basins import Outcome, evaluate_target, target_check

START = date(2014, 7, 1)
N_DAY = 731  # 2014-07-01 .. 2016-06-30
CONSTITUENTS = {"tn": "total nitrogen", "nh3n": "ammonia nitrogen", "tp": "total phosphorus",
                "codmn": "permanganate index"}


def _dates():
    return [START + timedelta(days=i) for i in range(N_DAY)]


def _in(dates, first, last):
    return np.array([first <= d <= last for d in dates])


@pytest.fixture(scope="module")
def res():
    """Section 'up': NH3-N 0.4 mg/L (Class II) except July 2015 at 1.2 (Class IV); TP 0.04 (river
    Class II, lake Class III); CODMn 3.0 (Class II). Section 'down': everything Class I.
    Reservoir 'lake': TP 0.02 (lake Class II) with TP tags free of the initial value, while the
    TN tags keep half initial TN all along."""
    dates = _dates()
    july_2015 = _in(dates, date(2015, 7, 1), date(2015, 7, 31))
    nh3n = np.stack([np.where(july_2015, 1.2, 0.4), np.full(N_DAY, 0.1)], axis=1)
    r = Results(coords={"time": dates, "section": ["up", "down"], "reservoir": ["lake"], "reach": ["r1"],
                        "source": ["groundwater", "initial"]},
                constituents=dict(CONSTITUENTS))
    r.add("section_nh3n_concentration", nh3n)
    r.add("section_tp_concentration", np.stack([np.full(N_DAY, 0.04), np.full(N_DAY, 0.01)], axis=1))
    r.add("section_codmn_concentration", np.stack([np.full(N_DAY, 3.0), np.full(N_DAY, 1.5)], axis=1))
    r.add("section_tn_concentration", np.full((N_DAY, 2), 3.0))
    r.add("reservoir_tp_concentration", np.full((N_DAY, 1), 0.02))
    r.add("reservoir_nh3n_concentration", np.full((N_DAY, 1), 0.1))
    tn_tags = np.full((N_DAY, 1, 2), 0.5)                              # half of TN is initial, always
    r.add("reservoir_tn_source_concentration", tn_tags)
    r.add("reservoir_tn_concentration", tn_tags.sum(axis=2))
    tp_tags = np.zeros((N_DAY, 1, 2))
    tp_tags[:, 0, 0] = 0.02                                            # no initial TP at all
    # not declared yet (today only TN is tagged): stored as the lead's per-constituent tags will be
    r.data["reservoir_tp_source_concentration"] = tp_tags
    return r


def ev(results, **kw):
    return evaluate_target(results, Table(kw, "observations.toml", "targets[0]"))


THREE = dict(variable="section_{p}_concentration", parameters=["nh3n", "tp", "codmn"], location="up")


# -- class ----------------------------------------------------------------------------------------

def test_class_of_the_period_mean_year_and_month(res):
    # the 2015 mean of NH3-N is (0.4*334 + 1.2*31)/365 = 0.468 mg/L: Class II; so is TP and CODMn
    year = ev(res, statistic="class", period=[2015, 2015], class_of="year", unit="class", **THREE)
    assert year.value == 2 and not year.reason and "1 year mean" in year.window
    # July 2015 alone (NH3-N 1.2 mg/L) is Class IV: the worst month sets the class
    month = ev(res, statistic="class", period=[2015, 2015], class_of="month", unit="class", **THREE)
    assert month.value == 4 and "12 month means" in month.window
    # the default window is the whole period
    period = ev(res, statistic="class", period=[2015, 2015], unit="class", **THREE)
    assert period.value == 2


def test_worst_year_over_a_period_of_years(res):
    # 2014-07..2016-06: the calendar years are 2014 (Jul-Dec), 2015 and 2016 (Jan-Jun)
    out = ev(res, statistic="class", period=["2014-07-01", "2016-06-30"], class_of="year", unit="class", **THREE)
    assert out.value == 2 and "3 year means" in out.window


def test_one_parameter_and_the_lake_limits(res):
    tp = dict(variable="section_tp_concentration", location="up", statistic="class", period=[2015, 2015],
              unit="class")
    assert ev(res, **tp).value == 2                      # 0.04 mg/L: river Class II (<= 0.1)
    assert ev(res, waterbody="lake", **tp).value == 3    # lake Class III (0.025 < 0.04 <= 0.05)
    # a reservoir is judged on the lake limits by default
    lake = ev(res, variable="reservoir_tp_concentration", location="lake", statistic="class",
              period=[2015, 2015], spin_up_years=0, unit="class")
    assert lake.value == 2 and not lake.reason           # 0.02 <= 0.025


def test_value_exactly_at_a_limit_is_the_better_class(res):
    out = ev(res, variable="section_tp_concentration", location="down", statistic="class",
             period=[2015, 2015], waterbody="lake", unit="class")
    assert out.value == 1                                # 0.01 mg/L is the lake Class I limit


def test_tn_is_classed_in_lakes_only(res):
    base = dict(variable="section_tn_concentration", location="up", statistic="class", period=[2015, 2015],
                unit="class")
    with pytest.raises(HydroError, match=r"waterbody.*TN only in lakes"):
        ev(res, **base)
    assert ev(res, waterbody="lake", **base).value == 6  # 3.0 mg/L: worse than Class V (2.0)


def test_class_share_of_months_and_weeks(res):
    months = ev(res, statistic="class_share", within_class="II", class_of="month", period=[2015, 2015],
                unit="1", **THREE)
    assert months.value == pytest.approx(11 / 12, rel=1e-12)
    # weeks: 7-day blocks from 2015-01-01, the last (8-day) block joining the one before;
    # computed here day by day from the series, independently of the implementation
    days = [d for d in res.dates if d.year == 2015]
    conc = dict(zip(res.dates, res["section_nh3n_concentration"][:, 0], strict=True))
    blocks = [days[i:i + 7] for i in range(0, 364, 7)]
    blocks[-1] = blocks[-1] + days[364:]
    assert len(blocks) == 52 and len(blocks[-1]) == 8
    good = sum(np.mean([conc[d] for d in b]) <= 0.5 for b in blocks)  # NH3-N Class II limit
    weeks = ev(res, statistic="class_share", within_class=2, class_of="week", period=[2015, 2015],
               unit="1", **THREE)
    assert weeks.value == pytest.approx(good / 52, rel=1e-12) and "52 week means" in weeks.window
    assert 0 < weeks.value < 1
    assert ev(res, statistic="class_share", within_class="IV", class_of="week", period=[2015, 2015],
              unit="1", **THREE).value == 1.0


def test_reservoir_class_uses_its_own_tags_for_the_spin_up(res):
    base = dict(location="lake", statistic="class", period=[2015, 2015], spin_up_years=0, unit="class")
    # TP carries its own tags, free of the initial value: scored
    assert not ev(res, variable="reservoir_tp_concentration", **base).reason
    # NH3-N has none: TN's tags (half initial) stand in, and the window is too short
    out = ev(res, variable="reservoir_nh3n_concentration", **base)
    assert math.isnan(out.value) and out.reason.startswith("spin-up too short: initial TN is 50%")
    with pytest.raises(HydroError, match=r"spin_up_years.*missing"):
        ev(res, variable="reservoir_tp_concentration", location="lake", statistic="class", period=[2015, 2015],
           unit="class")


def test_a_period_not_simulated_fails(res):
    out = ev(res, statistic="class", period=[2018, 2020], class_of="year", unit="class", **THREE)
    assert math.isnan(out.value) and out.reason.startswith("not simulated: published 2018-01-01..2020-12-31")


def test_class_target_lines(res):
    t = Table(dict(id="border_class", range=[1, 2], reference="r", statistic="class"), "o.toml", "targets[0]")
    assert target_check("b", t, Outcome(2.0, "w")).passed
    assert not target_check("b", t, Outcome(3.0, "w")).passed


@pytest.mark.parametrize("kw, message", [
    (dict(value=2, tolerance_relative=0.3), "range of classes"),
    (dict(unit="1"), "gives 'class', not '1'"),
    (dict(unit=None), "unit.*missing"),
    (dict(class_of="decade"), "expected one of period, year, month, week"),
    (dict(within_class=2), "applies to statistic = \"class_share\""),
    (dict(denominator="down"), "does not apply"),
    (dict(parameters=None), "parameters.*missing"),
    (dict(parameters=["nh3n", "cod"]), "'cod' has no GB 3838-2002 class limits.*did you mean 'codmn'"),
    (dict(variable="section_tp_concentration"), "applies to a variable template with"),
    (dict(variable="section_{p}_load"), "judged on a concentration"),
    (dict(location="upp"), "did you mean 'up'"),
    (dict(waterbody="sea"), "unknown waterbody 'sea'"),
])
def test_bad_class_targets_are_errors(res, kw, message):
    target = dict(THREE, statistic="class", period=[2015, 2015], unit="class")
    target.update(kw)
    target = {k: v for k, v in target.items() if v is not None}
    with pytest.raises(HydroError, match=message):
        ev(res, **target)


def test_class_share_needs_its_class(res):
    with pytest.raises(HydroError, match=r"within_class.*missing"):
        ev(res, statistic="class_share", period=[2015, 2015], unit="1", **THREE)
    with pytest.raises(HydroError, match=r"within_class.*expected a class 1..5"):
        ev(res, statistic="class_share", within_class=6, period=[2015, 2015], unit="1", **THREE)


# -- constituents the results do not carry --------------------------------------------------------

@pytest.fixture(scope="module")
def tn_only():
    dates = _dates()
    r = Results(coords={"time": dates, "section": ["up"], "reservoir": ["lake"], "reach": ["r1"]},
                constituents={"tn": "total nitrogen"})
    r.add("section_tn_concentration", np.full((N_DAY, 1), 3.0))
    return r


def test_a_constituent_not_simulated_fails_with_its_reason(tn_only):
    out = ev(tn_only, variable="section_nh3n_concentration", location="up", statistic="time_mean",
             period=[2015, 2015], unit="mg L-1")
    assert math.isnan(out.value)
    assert out.reason == ("not simulated: the results carry no nh3n ('section_nh3n_concentration'; "
                          "constituents simulated: tn)")
    cls = ev(tn_only, statistic="class", period=[2015, 2015], unit="class", **THREE)
    assert cls.reason.startswith("not simulated: the results carry no nh3n, tp, codmn")
    load = ev(tn_only, variable="section_tp_load", location="up", statistic="annual_total", period=[2015, 2015],
              unit="kg yr-1")
    assert load.reason.startswith("not simulated: the results carry no tp")


@pytest.mark.parametrize("kw, message", [
    (dict(variable="section_nh3_concentration"), "'section_nh3_concentration' is not in the results"),
    (dict(variable="section_nh3n_concentration", location="upp"), "did you mean 'up'"),
    (dict(variable="section_nh3n_concentration", unit="kg"), "gives 'mg L-1', not 'kg'"),
    (dict(variable="section_nh3n_concentration", statistic="median"), "expected one of"),
    (dict(variable="section_tp_load", statistic="annual_total"), "gives 'kg yr-1', not 'mg L-1'"),
    (dict(variable="section_tn_load"), "'section_tn_load' is not in the results"),  # tn is simulated
])
def test_targets_on_absent_constituents_are_still_checked(tn_only, kw, message):
    target = dict(location="up", statistic="time_mean", period=[2015, 2015], unit="mg L-1")
    target.update(kw)
    with pytest.raises(HydroError, match=message):
        ev(tn_only, **target)


# -- the shipped water-quality targets on results that carry the four parameters -------------------

@pytest.mark.parametrize("name", ["miyun", "guanting"])
def test_shipped_quality_targets_evaluate_on_four_parameter_results(name):
    """Every shipped target on NH3-N, TP or CODMn evaluates on synthetic results that carry them
    (the shipped run does not yet): constant Class II water everywhere passes every class target that
    accepts Class II, fails those that do not (Guanting's reservoir in 2020, Class III or IV since
    2026-12-05), and gives the constants back as means."""
    from hydro.basin import ROOT
    from hydro.tomlio import load_toml

    folder = ROOT / "basins" / name
    basin = load_toml(folder / "basin.toml")
    sections = [s["id"] for s in basin["sections"]]
    reservoirs = [r["id"] for r in basin["reservoirs"]]
    first = date(1988, 1, 1)
    dates = [first + timedelta(days=i) for i in range((date(2023, 12, 31) - first).days + 1)]
    constituents = dict(CONSTITUENTS, no3n="nitrate nitrogen")
    r = Results(coords={"time": dates, "section": sections, "reservoir": reservoirs}, constituents=constituents)
    river = {"nh3n": 0.3, "tp": 0.05, "codmn": 3.0, "tn": 3.0, "no3n": 2.5}  # river Class II (TN not classed)
    lake = {"nh3n": 0.3, "tp": 0.02, "codmn": 3.0, "tn": 0.9, "no3n": 0.5}   # lake Class II
    for c in constituents:
        r.add(f"section_{c}_concentration", np.full((len(dates), len(sections)), river[c]))
        r.add(f"reservoir_{c}_concentration", np.full((len(dates), len(reservoirs)), lake[c]))
    path = folder / "observations.toml"
    targets = [t for t in Table(load_toml(path), path).tables("targets")
               if any(p in t.data.get("variable", "") for p in ("nh3n", "no3n", "tp_", "codmn", "{p}"))]
    assert len(targets) >= 7
    for t in targets:
        out = evaluate_target(r, t)
        assert not out.reason, (t.data["id"], out.reason)
        check = target_check(name, t, out)
        statistic = t.data["statistic"]
        if statistic == "class":
            low, high = t.data["range"]
            assert out.value == 2 and check.passed == (low <= 2 <= high), t.data["id"]
        elif statistic == "class_share":
            assert out.value == 1.0 and check.passed, t.data["id"]
        else:
            c = t.data["variable"].split("_")[1]
            want = (lake if t.data["variable"].startswith("reservoir_") else river)[c]
            assert out.value == pytest.approx(want, rel=1e-12), t.data["id"]
        t.finish()


# -- like-for-like of the shipped weekly share (basins/region/SOURCES.md R14) ----------------------

def _shipped_target(name: str, target_id: str) -> dict:
    from hydro.basin import ROOT
    from hydro.tomlio import load_toml

    targets = load_toml(ROOT / "basins" / name / "observations.toml")["targets"]
    (target,) = [t for t in targets if t["id"] == target_id]
    return target


def test_bahaoqiao_weekly_share_is_judged_on_what_its_automatic_station_measured():
    """The 2009 '38 of 52 weeks at Class V' is the automatic station's weekly record, and river
    automatic stations then measured no TP (region R14.1): the weekly share is judged on NH3-N
    and CODMn only, so weeks of high TP cannot fail it, while the annual class keeps TP."""
    weekly = _shipped_target("guanting", "bahaoqiao_weeks_class_v_2009")
    assert weekly["parameters"] == ["nh3n", "codmn"] and "automatic station" in weekly["reference"]
    assert "tp" in _shipped_target("guanting", "bahaoqiao_class_2009")["parameters"]

    dates = _dates()
    r = Results(coords={"time": dates, "section": ["bahaoqiao"]}, constituents=dict(CONSTITUENTS))
    r.add("section_nh3n_concentration", np.full((N_DAY, 1), 1.5))   # Class IV
    r.add("section_codmn_concentration", np.full((N_DAY, 1), 6.0))  # Class III
    r.add("section_tp_concentration", np.full((N_DAY, 1), 0.6))     # worse than Class V every week
    keys = {k: v for k, v in weekly.items() if k not in ("id", "reference", "note")}
    keys["period"] = [2015, 2015]
    assert ev(r, **keys).value == 1.0
    assert ev(r, **dict(keys, parameters=["nh3n", "tp", "codmn"])).value == 0.0
