"""Rules on flow-normalised TN: ``statistic = "flow_normalised"`` (issue 17).

A synthetic daily section where TN follows flow (dilution: a wet year has a lower
annual mean) pays an annual-mean TN-reduction rule for the rain; the same rule on the
WRTDS flow-normalised annual mean pays (about) nothing while management is constant,
and still pays for a real reduction of the source.
"""

from __future__ import annotations

import math

import netCDF4
import numpy as np
import pytest
from click.testing import CliRunner

from hydro.compensation import Agreement, evaluate
from hydro.errors import HydroError
from hydro.monitoring import read_monitoring_csv, read_results

FIRST, LAST = 2014, 2019
WET = 2017

HEAD = f'name = "test"\nsource = "test case"\nperiod = [{FIRST}, {LAST}]\npayer = "up"\npayee = "down"\n'


def agreement(tmp_path, body) -> Agreement:
    path = tmp_path / "a.toml"
    path.write_text(HEAD + body, encoding="utf-8")
    return Agreement.from_toml(path)


def write_results(path, trend_per_year=0.0, seed=0):
    """Daily discharge and TN at one section, 2014-2019; 2017 is a wet year (x3 flow).

    TN = 4 (Q / 10)^-0.4 x season x (1 - trend (t - 2014)) x noise: dilution, a seasonal
    cycle and a management trend (a fraction of the concentration removed per year).
    """
    rng = np.random.default_rng(seed)
    dates = np.arange(np.datetime64(f"{FIRST}-01-01"), np.datetime64(f"{LAST + 1}-01-01"))
    t = dates.astype("datetime64[D]").astype(float) / 365.25 + 1970.0
    years = dates.astype("datetime64[Y]").astype(int) + 1970
    wet = np.where(years == WET, 3.0, 1.0)
    q = 10.0 * wet * (1 + 0.6 * np.sin(2 * np.pi * (t - 0.3))) * np.exp(rng.normal(0, 0.3, t.size))
    tn = (4.0 * (q / 10.0) ** -0.4 * (1 + 0.15 * np.cos(2 * np.pi * t))
          * (1 - trend_per_year * (t - FIRST)) * np.exp(rng.normal(0, 0.05, t.size)))
    with netCDF4.Dataset(path, "w") as ds:
        ds.createDimension("time", dates.size)
        ds.createDimension("section", 1)
        tv = ds.createVariable("time", "f8", ("time",))
        tv.units, tv.calendar = f"days since {FIRST}-01-01", "standard"
        tv[:] = np.arange(dates.size)
        s = ds.createVariable("section", str, ("section",))
        s[0] = "s"
        v = ds.createVariable("section_discharge", "f8", ("time", "section"))
        v.units = "m3 s-1"
        v[:] = q[:, None]
        w = ds.createVariable("section_tn_concentration", "f8", ("time", "section"))
        w.units = "mg L-1"
        w[:] = tn[:, None]
    return path


RULES = """
[[tn_reduction]]
section = "s"
baseline = "previous_year"
reward_per_mg_per_l_yuan = 1e7
penalty_per_mg_per_l_yuan = 1e7
{extra}
"""


def by_year(payments, rule):
    return {p.year: p.amount_yuan for p in payments if p.rule == rule}


@pytest.fixture(scope="module")
def constant(tmp_path_factory):
    return read_results(write_results(tmp_path_factory.mktemp("c") / "r.nc"))


def test_wet_year_pays_the_annual_mean_rule_not_the_flow_normalised_one(tmp_path, constant):
    a = agreement(tmp_path, RULES.format(extra="") + RULES.format(extra='statistic = "flow_normalised"'))
    pay = evaluate(a, constant)
    plain, fn = by_year(pay, "tn_reduction[0]"), by_year(pay, "tn_reduction[1]")
    # dilution: the wet year's annual mean falls by ~0.7 mg/L (3x flow, exponent -0.4)
    assert plain[WET] > 4e6
    # management is constant: the flow-normalised mean barely moves (< 3 % of that)
    assert abs(fn[WET]) < 0.03 * plain[WET]
    assert all(abs(fn[y]) < 0.03 * plain[WET] for y in range(FIRST + 1, LAST + 1))
    note = next(p.note for p in pay if p.rule == "tn_reduction[1]" and p.year == WET)
    assert note.startswith("flow-normalised annual mean")
    # the baseline year before the series is undetermined, as for the annual mean
    assert math.isnan(fn[FIRST]) and math.isnan(plain[FIRST])


def test_a_real_reduction_still_pays_on_the_flow_normalised_mean(tmp_path):
    series = read_results(write_results(tmp_path / "r.nc", trend_per_year=0.05))
    a = agreement(tmp_path, RULES.format(extra='statistic = "flow_normalised"') + RULES.format(extra="")
                  + '\n[[tn_reduction]]\nsection = "s"\nbaseline_mean_of_years = [2014, 2015]\n'
                  'reward_per_mg_per_l_yuan = 1e7\nstatistic = "flow_normalised"\n')
    pay = evaluate(a, series)
    fn = by_year(pay, "tn_reduction[0]")
    # 5 % of ~4 mg/L a year: ~0.2 mg/L -> ~2e6 yuan every year, wet or not
    for y in range(FIRST + 1, LAST + 1):
        assert 1e6 < fn[y] < 3.5e6, (y, fn[y])
    # the annual mean overpays the wet year and charges the year after it for the rain
    plain = by_year(pay, "tn_reduction[1]")
    assert plain[WET] > 5 * fn[WET] and plain[WET + 1] < 0 < fn[WET + 1]
    # baseline (same statistic) 2014-2015: the later years are further below it
    base = by_year(pay, "tn_reduction[2]")
    assert base[2019] > base[2018] > base[2016] > 0
    # a target on the flow-normalised annual mean judges the same values
    b = agreement(tmp_path, '[[target]]\nsection = "s"\nannual_mean_max = 3.7\nbonus_yuan = 1\n'
                  'penalty_yuan = 1\nstatistic = "flow_normalised"\n')
    tgt = by_year(evaluate(b, series), "target[0]")
    assert tgt[FIRST] == -1 and tgt[LAST] == 1


def test_monitoring_csv_gives_a_clear_error(tmp_path):
    csv = tmp_path / "m.csv"
    rows = ["section,year,month,parameter,value,unit"]
    rows += [f"s,{y},{m},tn,4.0,mg/L" for y in (2014, 2015) for m in range(1, 13)]
    csv.write_text("\n".join(rows) + "\n", encoding="utf-8")
    a = agreement(tmp_path, RULES.format(extra='statistic = "flow_normalised"'))
    with pytest.raises(HydroError, match=r"tn_reduction\[0\]\.statistic.*results file"):
        evaluate(a, read_monitoring_csv(csv))
    # the command exits 2 with that message
    from hydro.cli import main

    result = CliRunner().invoke(main, ["compensate", str(csv), str(a.path)])
    assert result.exit_code == 2
    assert "tn_reduction[0].statistic" in result.output and "results file" in result.output


def test_bad_statistic_lists_the_valid_ones(tmp_path):
    with pytest.raises(HydroError, match=r"statistic.*annual_mean, flow_normalised"):
        agreement(tmp_path, RULES.format(extra='statistic = "flow_normalized"'))
    with pytest.raises(HydroError, match="not to flow"):
        agreement(tmp_path, '[[target]]\nsection = "s"\nparameter = "flow"\n'
                  'annual_volume_min_m3 = 1\nstatistic = "flow_normalised"\n')


def test_default_statistic_is_the_annual_mean(tmp_path, constant):
    a = agreement(tmp_path, RULES.format(extra=""))
    assert a.rules[0].statistic == "annual_mean"
    b = agreement(tmp_path, RULES.format(extra='statistic = "annual_mean"'))
    ya, yb = by_year(evaluate(a, constant), "tn_reduction[0]"), by_year(evaluate(b, constant), "tn_reduction[0]")
    # NaN-aware: a dict compares NaN values by identity, which a new NaN object (a payment's + 0.0) breaks
    assert ya.keys() == yb.keys()
    np.testing.assert_array_equal(list(ya.values()), list(yb.values()))
