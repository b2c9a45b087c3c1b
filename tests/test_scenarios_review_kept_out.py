"""N kept out and its cost counted alike (a review of the scenario economics).

* Miyun's reservoirs form a cascade (Yunzhou -> Baihebao -> Miyun): N kept out of
  Yunzhou mostly reaches Miyun otherwise, so summing every reservoir's input change
  counted it two or three times and understated the cost per kg kept out (by 13-20 %
  on the shipped scenarios).  Only the reservoirs at the foot of a cascade count.
* A year the run covers in part (2015: Jan-Feb here) carried its whole year's cost
  against two months of N kept out; the whole-run cost now counts the share covered.
* ``paid_per_kg_kept_out_yuan`` is the whole payment per kg; the change in payment per
  kg is its own column, ``paid_change_per_kg_kept_out_yuan``.

One Miyun run of 14 months with one measure (a few seconds).  Tolerances: the
quantities compared are sums of the same stored numbers, so 1e-9 relative.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pytest

from hydro.model import model_variant
from hydro.network import Network
from hydro.scenarios import run_scenarios, write_scenarios
from hydro.scenarios.kept_out import year_fractions
from hydro.scenarios.summary import summarise

ROOT = Path(__file__).resolve().parents[1]

SCEN = """
[scenario_set]
name = "review"
cost_method = "spent"
assumption = true
note = "test"
[parties.hebei]
provinces = ["Hebei"]
[[measures]]
id = "sewage"
kind = "sewage_connection"
where = { provinces = ["Hebei"] }
years = [2014, 2014]
connected_share = 0.9
treatment_removal = 0.8
[measures.costs]
capital_yuan_per_unit = 100.0
operating_yuan_per_unit_yr = 10.0
[[scenarios]]
id = "s"
measures = ["sewage"]
"""


def test_terminal_reservoirs_of_the_shipped_cascades():
    for basin, expected in (("miyun", ["miyun"]), ("guanting", ["guanting"])):
        network = model_variant(basin, []).basin.network
        assert network.terminal_reservoirs == expected
        assert len(network.reservoirs) > 1  # a cascade, or the test proves nothing
    # a -> r1 -> b -> r3 (outlet) and c -> r2 -> r3: b and c are the feet of their cascades
    shipped = model_variant("miyun", []).basin.network
    reach, res = shipped.reaches[0], shipped.reservoirs[0]
    reaches = tuple(replace(reach, id=i, downstream=d) for i, d in (("r1", "b"), ("r2", "r3"), ("r3", None)))
    reservoirs = tuple(replace(res, id=i, downstream=d) for i, d in (("a", "r1"), ("b", "r3"), ("c", "r2")))
    assert Network(reaches, reservoirs, ()).terminal_reservoirs == ["b", "c"]


def test_year_fractions():
    dates = [date(2016, 3, 1), date(2016, 3, 2)]
    np.testing.assert_allclose(year_fractions(dates, [2015, 2016]), [0.0, 2 / 366], rtol=1e-12)


@pytest.fixture(scope="module")
def miyun(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("kept")
    sfile = tmp / "s.toml"
    sfile.write_text(SCEN)
    run = run_scenarios("miyun", sfile, date(2014, 1, 1), date(2015, 2, 28))
    return run, write_scenarios(run, tmp / "s.nc")


def _value(rows, q, **kw):
    (r,) = [r for r in rows if r["scenario"] == "s" and r["quantity"] == q
            and all(r[k] == v for k, v in kw.items())]
    return r["value"]


def test_cost_per_kg_counts_miyun_only_and_the_days_run(miyun):
    run, _ = miyun
    rows = summarise(run)
    kept = {r["location"]: r["value"] for r in rows if r["scenario"] == "s" and r["quantity"] == "n_kept_out"
            and r["location"]}
    assert set(kept) == {"yunzhou", "baihebao", "miyun"} and kept["yunzhou"] > 0
    per_year = np.array([_value(rows, "cost", year=y) for y in (2014, 2015)])
    assert per_year[1] > 0  # Jan-Feb 2015: a whole year's operating cost in the yearly row
    run_cost = per_year[0] + per_year[1] * 59 / 365
    assert _value(rows, "cost", year="all") == pytest.approx(run_cost, rel=1e-9)
    assert _value(rows, "cost_per_kg_kept_out") == pytest.approx(run_cost / kept["miyun"], rel=1e-9)


def test_incentives_count_miyun_only_and_price_the_change(miyun, tmp_path):
    from hydro.scenarios.incentives import COLUMNS, incentives

    run, nc = miyun
    agreement = tmp_path / "a.toml"
    agreement.write_text('name = "t"\nsource = "synthetic"\nperiod = [2014, 2015]\npayer = "beijing"\n'
                         'payee = "hebei"\n[[fixed]]\nyear = 2014\namount_yuan = 1000.0\n'
                         '[[tn_reduction]]\nsection = "gubeikou"\nbaseline_mg_per_l = 20.0\n'
                         'reward_per_mg_per_l_yuan = 1e6\n')
    rows = incentives(nc, agreement)
    assert "paid_change_per_kg_kept_out_yuan" in COLUMNS
    summary = summarise(run)
    r = next(r for r in rows if (r["scenario"], r["year"], r["party"]) == ("s", 2014, "beijing"))
    base = next(r for r in rows if (r["scenario"], r["year"], r["party"]) == ("baseline", 2014, "beijing"))
    # the 2014 kept-out of Miyun alone: at most the whole-run figure, and less than the cascade's sum
    cascade = sum(x["value"] for x in summary if x["scenario"] == "s" and x["quantity"] == "n_kept_out")
    assert 0 < r["n_kept_out_kg"] <= _value(summary, "n_kept_out", location="miyun") * (1 + 1e-9)
    assert r["n_kept_out_kg"] < cascade
    assert r["received_yuan"] < 0 and r["received_change_yuan"] < 0  # Beijing pays more for cleaner water
    assert r["paid_per_kg_kept_out_yuan"] == pytest.approx(-r["received_yuan"] / r["n_kept_out_kg"], rel=1e-9)
    assert r["paid_change_per_kg_kept_out_yuan"] == pytest.approx(
        (base["received_yuan"] - r["received_yuan"]) / r["n_kept_out_kg"], rel=1e-9)
    assert r["paid_change_per_kg_kept_out_yuan"] < r["paid_per_kg_kept_out_yuan"]


def test_capital_spent_in_a_year_run_in_part_counts_whole(tmp_path):
    # cost_method = "spent": a run ending on 31 March 2002 counted 90/365 of the capital spent in 2002, as if
    # three quarters of a one-off outlay were never paid (review 2026-12-04); operating costs keep the share
    from hydro.scenarios.kept_out import cost_shares

    dates = [date(2002, 1, 1) + timedelta(days=i) for i in range(90)]
    cap, op = cost_shares(dates, [2001, 2002], "spent")
    np.testing.assert_allclose(cap, [0.0, 1.0])
    np.testing.assert_allclose(op, [0.0, 90 / 365], rtol=1e-12)
    cap, op = cost_shares(dates, [2002], "annualised")
    np.testing.assert_allclose(cap, [90 / 365], rtol=1e-12)  # an annuity accrues over the year
    text = (ROOT / "configs" / "scenarios" / "watershed.toml").read_text(encoding="utf-8")
    sfile = tmp_path / "spent.toml"
    sfile.write_text(text.replace('cost_method = "annualised"', 'cost_method = "spent"'), encoding="utf-8")
    run = run_scenarios("watershed", sfile, date(2001, 1, 1), date(2002, 3, 31), scenarios=["domestic"])
    res = run.results[run.names.index("domestic")]
    capital = np.asarray(res["measure_capital_cost"]).sum(axis=(1, 2))
    operating = np.asarray(res["measure_operating_cost"]).sum(axis=(1, 2))
    assert capital[1] > 1e7  # the programme's capital is spent in 2002 (the review: 129.8 M yuan)
    rows = summarise(run)
    whole = next(r["value"] for r in rows if r["scenario"] == "domestic" and r["quantity"] == "cost"
                 and r["year"] == "all")
    assert whole == pytest.approx(capital.sum() + operating[0] + operating[1] * 90 / 365, rel=1e-12)


def test_no_complete_year_gives_no_probability_of_meeting_an_annual_target():
    # a January-August run judged its annual-mean target on eight months ("P(met in 2011) = 1.00") while
    # the same table said "not judged (no complete calendar year simulated)" (review 2026-12-04)
    from hydro.scenarios import run_scenario_ensemble
    from hydro.scenarios.summary import ensemble_probabilities

    run = run_scenarios("watershed", ROOT / "configs" / "scenarios" / "watershed.toml", date(2010, 1, 1),
                        date(2010, 8, 31), scenarios=["domestic"])
    run_scenario_ensemble(run, 2, 1)
    rows = ensemble_probabilities(run)
    assert rows and all(np.isnan(r["value"]) for r in rows)
