"""An adversarial review of the payment code: every rule kind recomputed independently
(pandas resampling and the formulas of docs/agreements.md, not the engine's helpers) on a
random daily results file, and the cases the review found wrong or unhelpful: a target
whose minimum exceeds its maximum, a reservoir credited with a parameter the file does not
hold, notes too coarse to recompute their amount, errors that did not say what to do."""

import math
import re
from pathlib import Path

import netCDF4
import numpy as np
import pandas as pd
import pytest
from test_compensation import agreement

from hydro.compensation import evaluate
from hydro.errors import HydroError
from hydro.monitoring import SectionSeries, read_results

HEAD = 'name = "t"\nsource = "test case"\nperiod = [2019, 2020]\npayer = "up"\npayee = "down"\n'
SECTIONS = ("up", "mid", "low")
START = "2018-01-01"
DAYS = (pd.Timestamp("2021-01-01") - pd.Timestamp(START)).days  # 2018-2020, 1096 days


def _results(path, reservoir_params=("tp",)):
    """Three sections and one reservoir, 2018-2020, random daily discharge and
    concentrations (seeded); the reservoir carries only ``reservoir_params``."""
    rng = np.random.default_rng(7)
    q = rng.lognormal(1.0, 1.0, size=(DAYS, 3))
    q[31:59, 2] = 0.0  # "low" dry all February 2018 (plain mean), and 20 days of March 2018
    q[59:79, 2] = 0.0
    conc = {"tn": rng.uniform(0.5, 6.0, (DAYS, 3)), "tp": rng.uniform(0.01, 0.4, (DAYS, 3)),
            "codmn": rng.uniform(1.0, 12.0, (DAYS, 3))}
    conc["tp"][:, 1] = 0.1  # "mid": TP exactly at the Class II limit every day, any flow
    lake = {"tp": rng.uniform(0.01, 0.2, (DAYS, 1)), "codmn": rng.uniform(1.0, 12.0, (DAYS, 1))}
    with netCDF4.Dataset(path, "w") as ds:
        ds.createDimension("time", DAYS)
        ds.createDimension("section", 3)
        ds.createDimension("reservoir", 1)
        t = ds.createVariable("time", "f8", ("time",))
        t.units, t.calendar = f"days since {START}", "standard"
        t[:] = np.arange(DAYS)
        s = ds.createVariable("section", str, ("section",))
        for i, name in enumerate(SECTIONS):
            s[i] = name
        r = ds.createVariable("reservoir", str, ("reservoir",))
        r[0] = "lake"
        v = ds.createVariable("section_discharge", "f8", ("time", "section"))
        v.units = "m3 s-1"
        v[:] = q
        v = ds.createVariable("reservoir_inflow", "f8", ("time", "reservoir"))
        v.units = "m3 s-1"
        v[:] = q.sum(axis=1, keepdims=True)
        for p, c in conc.items():
            v = ds.createVariable(f"section_{p}_concentration", "f8", ("time", "section"))
            v.units = "mg L-1"
            v[:] = c
        for p in reservoir_params:
            v = ds.createVariable(f"reservoir_{p}_concentration", "f8", ("time", "reservoir"))
            v.units = "mg L-1"
            v[:] = lake[p]
    days = pd.date_range(START, periods=DAYS, freq="D")
    frames = {name: pd.DataFrame({"q": q[:, i], **{p: c[:, i] for p, c in conc.items()}}, index=days)
              for i, name in enumerate(SECTIONS)}
    return path, frames


def _monthly_by_hand(frame):
    """Monthly volume (m3) and means over the days (mg/L, as the monitoring's) by pandas."""
    month = frame.resample("MS")
    out = {"flow": month["q"].sum() * 86400.0}
    for p in ("tn", "tp", "codmn"):
        out[p] = month[p].mean()
    return pd.DataFrame(out)


GB3838_RIVER = {"tp": (0.02, 0.1, 0.2, 0.3, 0.4), "codmn": (2.0, 4.0, 6.0, 10.0, 15.0)}


def _river_class(p, value):
    # rounded as the engine rounds means (12 significant digits), so that "at the limit"
    # is decided on the mean's value, not on its last bit of round-off
    value = float(f"{value:.12g}")
    return next((i + 1 for i, limit in enumerate(GB3838_RIVER[p]) if value <= limit), 6)


RULES = """
[[quantity]]
sections = ["up", "mid", "low"]
basis = "total"
baseline = "previous_year"
reward_per_m3_above_yuan = 0.3
penalty_per_m3_below_yuan = 0.1
source = "test"

[[quantity]]
sections = ["up", "low"]
baseline_mean_of_years = [2018, 2020]
reward_per_m3_above_yuan = 0.2
penalty_per_m3_below_yuan = 0.2
max_yuan = 2e6
min_yuan = -1e6
source = "test"

[[quality_class]]
sections = ["up", "mid", "low"]
parameters = ["tp", "codmn"]
target_class = "III"
penalty_per_class_yuan = 300000
reward_per_class_yuan = 100000
bonus_yuan = 50000
source = "test"

[[quality_class]]
section = "low"
inflow_section = "up"
parameter = "codmn"
evaluation = "annual"
target_class = "II"
penalty_per_class_yuan = 400000
penalty_per_class_no_worse_than_inflow_yuan = 150000
source = "test"

[[tn_reduction]]
sections = ["up", "mid", "low"]
baseline = "previous_year"
reward_per_mg_per_l_yuan = 1e7
penalty_per_mg_per_l_yuan = 5e6
max_yuan = 3e6
source = "test"

[[target]]
section = "low"
parameter = "tn"
annual_mean_max = 3.3
monthly_max = 5.5
bonus_yuan = 2e6
penalty_yuan = 1e6
penalty_per_failed_month_yuan = 1e5
source = "test"
"""


def _expected(frames):
    """Every rule line of RULES for 2019-2020, from the formulas of docs/agreements.md."""
    m = {s: _monthly_by_hand(f) for s, f in frames.items()}

    def year(s, col, y):
        return m[s][col][m[s].index.year == y].to_numpy()

    out = {}
    for y in (2019, 2020):
        v = sum(year(s, "flow", y).sum() for s in SECTIONS)
        b = sum(year(s, "flow", y - 1).sum() for s in SECTIONS)
        out[(y, "up+mid+low", "quantity[0]", "flow")] = (v - b) * (0.3 if v >= b else 0.1)
        for s in ("up", "low"):
            base = np.mean([year(s, "flow", yy).sum() for yy in (2018, 2019, 2020)])
            d = year(s, "flow", y).sum() - base
            out[(y, s, "quantity[1]", "flow")] = min(max(d * 0.2, -1e6), 2e6)
        for s in SECTIONS:
            for p in ("tp", "codmn"):
                total = 0.0
                for value in year(s, p, y):
                    c = _river_class(p, value)
                    total += (-(c - 3) * 300000 if c > 3 else (3 - c) * 100000) + (50000 if c <= 3 else 0)
                out[(y, s, "quality_class[0]", p)] = total
        c = _river_class("codmn", year("low", "codmn", y).mean())
        ci = _river_class("codmn", year("up", "codmn", y).mean())
        out[(y, "low", "quality_class[1]", "codmn")] = (
            -max(c - ci, c - 2) * 400000 if c > ci else -(c - 2) * 150000 if c > 2 else 0.0)
        for s in SECTIONS:
            d = year(s, "tn", y - 1).mean() - year(s, "tn", y).mean()
            out[(y, s, "tn_reduction[0]", "tn")] = min(d * 1e7 if d >= 0 else d * 5e6, 3e6)
        tn = year("low", "tn", y)
        failed_months = int((tn > 5.5).sum())
        ok = tn.mean() <= 3.3 and not failed_months
        out[(y, "low", "target[0]", "tn")] = 2e6 if ok else -(1e6 + 1e5 * failed_months)
    return out


def test_every_rule_kind_recomputed_independently_on_a_results_file(tmp_path):
    path, frames = _results(tmp_path / "r.nc")
    got = {(p.year, p.section, p.rule, p.parameter): p.amount_yuan
           for p in evaluate(agreement(tmp_path, RULES, head=HEAD), read_results(path))}
    want = _expected(frames)
    assert set(got) == set(want)
    # the two computations sum days in different orders (bincount against pandas): they
    # agree to round-off, far below one yuan on amounts of 1e4-1e7 yuan
    for key, amount in want.items():
        assert got[key] == pytest.approx(amount, rel=1e-9, abs=1e-3), key
    # the case is not vacuous: it holds rewards, deductions, caps and a missed target
    assert {math.copysign(1, v) for v in want.values() if v} == {1.0, -1.0}
    assert 2e6 in want.values() or -1e6 in want.values()


def test_tp_exactly_at_the_class_limit_is_that_class_whatever_the_flow(tmp_path):
    """TP 0.1 mg/L every day at "mid" is Class II every month: a monthly mean of a constant is that
    constant only up to round-off."""
    path, _ = _results(tmp_path / "r.nc")
    pay = [p for p in evaluate(agreement(tmp_path, RULES, head=HEAD), read_results(path))
           if p.section == "mid" and p.parameter == "tp" and p.rule == "quality_class[0]"]
    assert [p.amount_yuan for p in pay] == [12 * (100000 + 50000)] * 2


def test_a_reservoir_without_the_parameter_variable_does_not_hold_it(tmp_path):
    """Before: the reservoir was given every parameter of the sections, as twelve missing
    months, so a rule on it was 'undetermined' and --skip-unavailable could not skip it."""
    path, _ = _results(tmp_path / "r.nc", reservoir_params=("tp",))
    series = read_results(path)
    assert series.parameters("lake") == ["flow", "tp"]
    rule = '[[quality_class]]\nsection = "lake"\nparameter = "codmn"\nwaterbody = "lake"\n' \
           'target_class = 2\npenalty_per_class_yuan = 1\nsource = "test"\n'
    a = agreement(tmp_path, rule, head=HEAD)
    with pytest.raises(HydroError, match=r"parameter 'codmn' has no data at section 'lake'.*--skip-unavailable"):
        evaluate(a, series)
    assert evaluate(a, series, skip_unavailable=True) == []
    assert not np.isnan(series.monthly("lake", "tp", 2019)).any()


@pytest.mark.parametrize("low,high", [("annual_mean_min = 5.0", "annual_mean_max = 4.1"),
                                      ("monthly_min = 7.0", "monthly_max = 6.0")])
def test_a_target_whose_minimum_exceeds_its_maximum_is_refused(tmp_path, low, high):
    """Before: accepted, and the target failed (paid its penalty) every year."""
    key = low.split(" ")[0]
    with pytest.raises(HydroError, match=rf"key 'target\[0\]\.{key}': .* exceeds .*_max"):
        agreement(tmp_path, f'[[target]]\nsection = "s"\n{low}\n{high}\npenalty_yuan = 1\nsource = "t"\n',
                  head=HEAD)


def test_tn_reduction_note_shows_mean_and_baseline_alike(tmp_path):
    """The note gives the year's mean with the baseline's 6 significant digits (before: the
    mean at 4, "3.14 mg/L vs previous year 2019: 3.1407 mg/L (decrease 0.000466)", which
    reads as a decrease of 0.0007)."""
    tn = np.r_[np.full(12, 3.1407), np.full(12, 3.140234)]
    a = agreement(tmp_path, '[[tn_reduction]]\nsection = "s"\nbaseline = "previous_year"\n'
                  'reward_per_mg_per_l_yuan = 1e7\nsource = "t"\n', head=HEAD)
    pay = evaluate(a, SectionSeries(2019, {"s": {"tn": tn}}))[-1]  # 2020 against 2019
    mean, base, decrease = (float(x) for x in re.findall(r"(\d+\.\d+) mg/L", pay.note))
    assert (mean, base, decrease) == (3.14023, 3.1407, 0.000466)
    # each figure is rounded to 6 digits: their difference matches the decrease to the
    # last digit shown, and the decrease times the price gives the amount to 0.1 %
    assert base - mean == pytest.approx(decrease, abs=1e-5)
    assert pay.amount_yuan == pytest.approx(decrease * 1e7, rel=1e-3)


def test_errors_say_what_to_do(tmp_path):
    series = SectionSeries(2019, {"s": {"flow": np.ones(24)}}, source="cut.nc")
    rule = '[[quantity]]\nsection = "{}"\nbaseline_m3 = 1\nsource = "t"\n'
    with pytest.raises(HydroError, match=r"section 'x' is not in cut\.nc.*without --locations"):
        evaluate(agreement(tmp_path, rule.format("x"), head=HEAD), series)
    tn = '[[tn_reduction]]\nsection = "s"\nbaseline_mg_per_l = 1\nsource = "t"\n'
    with pytest.raises(HydroError, match=r"has no data .*without --variables.*--skip-unavailable"):
        evaluate(agreement(tmp_path, tn, head=HEAD), series)
    late = HEAD.replace("[2019, 2020]", "[2023, 2025]")
    with pytest.raises(HydroError, match=r"covers 2019-2020; .*--set period=\[2019,2020\]"):
        evaluate(agreement(tmp_path, rule.format("s"), head=late), series)


def test_the_no_worse_than_inflow_rate_follows_a_drawn_penalty(tmp_path):
    """Without its own value the no-worse-than-inflow rate is the penalty: also when the
    uncertainty draws the penalty (before: it kept the file's 300,000 while the penalty
    was drawn, so a draw of 200,000 charged the no-worse months more than the worse ones)."""
    from hydro.compensation.uncertainty import with_numbers

    a = agreement(tmp_path, """
[[quality_class]]
section = "out"
inflow_section = "in"
parameter = "codmn"
target_class = "III"
penalty_per_class_yuan = { value = 300000, assumption = true, note = "t", range = [100000, 500000] }
""", head=HEAD)
    # every month: the outflow Class IV, no worse than its Class V inflow, one class short
    series = SectionSeries(2019, {"out": {"codmn": np.full(24, 8.0)}, "in": {"codmn": np.full(24, 12.0)}})
    assert [p.amount_yuan for p in evaluate(a, series)] == [-12 * 300000.0] * 2
    drawn = with_numbers(a, {"quality_class[0].penalty_per_class_yuan": 200000.0})
    assert [p.amount_yuan for p in evaluate(drawn, series)] == [-12 * 200000.0] * 2


def test_a_dated_line_outside_a_moved_period_says_how_to_move_it(tmp_path):
    """--set period=[...] (the documented way to apply an agreement to simulated years)
    leaves the file's dated lines behind; the error said only that a year was outside the
    period, with nothing the user could do on the command line. Moving the line as it
    says then evaluates."""
    from hydro.compensation import Agreement

    path = tmp_path / "a.toml"
    path.write_text(HEAD + '[[target]]\nsection = "s"\nyears = [2020, 2020]\nannual_mean_max = 4.1\n'
                    'bonus_yuan = 1\nsource = "t"\n[[fixed]]\nyear = 2019\namount_yuan = 5\nsource = "t"\n')
    with pytest.raises(HydroError, match=r"target\[0\]\.years.*--set target\[0\]\.years=\[2014,2016\]"):
        Agreement.from_toml(path, overrides=["period=[2014,2016]"])
    moved = ["period=[2014,2016]", "target[0].years=[2016,2016]"]
    with pytest.raises(HydroError, match=r"fixed\[0\]\.year'.*--set fixed\[0\]\.year=2014\)"):
        Agreement.from_toml(path, overrides=moved)
    a = Agreement.from_toml(path, overrides=[*moved, "fixed[0].year=2014"])
    pay = evaluate(a, SectionSeries(2014, {"s": {"tn": np.full(36, 3.0)}}))
    assert [(p.year, p.component, p.amount_yuan) for p in pay] == [(2014, "fixed", 5.0), (2016, "target", 1.0)]


def test_the_text_table_says_whether_a_strive_for_term_was_met(tmp_path):
    """docs/commands/compensate.md: a "strive for" term shows 0 and its note says whether it
    was met; the text table printed only the notes of incomplete lines, so it showed the 0
    and not the note."""
    from hydro.compensation import format_payments

    a = agreement(tmp_path, '[[target]]\nsection = "s"\nparameter = "flow"\nbinding = false\n'
                  'annual_volume_min_m3 = 1e8\nbonus_yuan = 1e6\nsource = "t"\n', head=HEAD)
    flow = np.r_[np.full(12, 1e7), np.full(12, 5e6)]  # 1.2e8 m3 in 2019 (met), 6e7 in 2020 (not)
    text = format_payments(evaluate(a, SectionSeries(2019, {"s": {"flow": flow}})))
    assert re.search(r"2019 s target flow: strive for .*would pay 1,000,000 yuan\): all checks met", text)
    assert re.search(r"2020 s target flow: strive for .*failed: annual volume 6e\+07 not >= 1e\+08", text)


def test_uncertainty_on_an_ensemble_file_points_to_the_basin(tmp_path):
    """Before: "... give a run without --members, or use --uncertainty N", said to a user
    already running --uncertainty N."""
    from hydro.compensation.uncertainty import Setup, payment_uncertainty

    path = tmp_path / "ens.nc"
    with netCDF4.Dataset(path, "w") as ds:
        ds.createDimension("member", 2)
        ds.createDimension("time", 365)
        ds.createDimension("section", 1)
        t = ds.createVariable("time", "f8", ("time",))
        t.units = "days since 2019-01-01"
        t[:] = np.arange(365)
        ds.createVariable("section", str, ("section",))[0] = "s"
        for name, units, value in (("section_discharge", "m3 s-1", 1.0), ("section_tn_concentration", "mg L-1", 3.0)):
            v = ds.createVariable(name, "f8", ("member", "time", "section"))
            v.units = units
            v[:] = value
    a = tmp_path / "a.toml"
    a.write_text(HEAD + '[[tn_reduction]]\nsection = "s"\nbaseline_mg_per_l = 4\nsource = "t"\n')
    with pytest.raises(HydroError, match=r"ens\.nc: a weather ensemble.*draws the weather itself: give the basin"):
        payment_uncertainty(Setup(str(a), series=str(path)), 2, workers=1)


def test_two_published_payments_for_the_fit_year_are_refused(tmp_path):
    """Before: the first was fitted and the second, 78 M yuan away, 'passed' the 2018-2019
    total (its own rounding of +-50 M widening the tolerance) and failed as a check."""
    from hydro.compensation import Agreement, infer, read_published

    root = Path(__file__).resolve().parents[1] / "configs" / "agreements"
    csv = tmp_path / "published.csv"
    csv.write_text((root / "miyun_chaobai_published.csv").read_text(encoding="utf-8")
                   + '2018,2018,beijing->chengde_zhangjiakou,paid,400000000,yuan,"a second source"\n',
                   encoding="utf-8")
    phase1 = Agreement.from_toml(root / "miyun_chaobai_phase1_2018.toml")
    with pytest.raises(HydroError, match=r"2 'paid' amounts for 2018 \(lines 9, 15 .*keep the one to fit on"):
        infer(phase1, read_published(csv))


def test_a_fit_year_outside_the_period_is_refused_when_read(tmp_path):
    """Before: a published 'paid' amount of a year outside the agreement's period was accepted as the one
    to fit on, although the rules pay nothing there (no price can reproduce it); the error now names the
    key and the --set that moves it, before any figure is read."""
    from hydro.compensation import Agreement

    root = Path(__file__).resolve().parents[1] / "configs" / "agreements"
    path = root / "miyun_chaobai_phase1_2018.toml"
    with pytest.raises(HydroError, match=r"inference\.fit_year'.*2022 is outside the agreement's period "
                                         r"\[2018, 2020\].*--set inference\.fit_year=2018"):
        Agreement.from_toml(path, overrides=["inference.fit_year=2022"])
    assert Agreement.from_toml(path, overrides=["inference.fit_year=2020"]).inference.fit_year == 2020
