"""Behaviour of the payments and scenarios code that an outside mutation audit (2026-12-05) found no
test pinning: each test here fails with the mutant named in its docstring (checked when written)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from hydro.compensation import Agreement, evaluate
from hydro.compensation.rules import counted_volume, years_needed
from hydro.errors import HydroError
from hydro.monitoring import SectionSeries
from hydro.scenarios.basin_tables import BasinInfo
from hydro.scenarios.fields import Where
from hydro.scenarios.incentives import party_of_subbasins
from hydro.scenarios.kept_out import member_kept_out
from hydro.scenarios.measures import select_subbasins

HEAD = 'name = "t"\nsource = "test case"\nperiod = [2015, 2017]\npayer = "up"\npayee = "down"\n'


def agreement(tmp_path, body: str) -> Agreement:
    path = tmp_path / "a.toml"
    path.write_text(HEAD + body, encoding="utf-8")
    return Agreement.from_toml(path)


def test_the_years_a_simulation_needs_include_a_rules_baseline(tmp_path):
    """Mutant: the previous-year baseline left out (uncertainty members would simulate from the period's
    first year, and every first-year line against the year before would be undetermined)."""
    fixed = 'section = "s"\nbaseline_mg_per_l = 5.0\nreward_per_mg_per_l_yuan = 1.0\n'
    assert years_needed(agreement(tmp_path, f"[[tn_reduction]]\n{fixed}")) == (2015, 2017)
    prev = 'section = "s"\nbaseline = "previous_year"\nreward_per_mg_per_l_yuan = 1.0\n'
    assert years_needed(agreement(tmp_path, f"[[tn_reduction]]\n{prev}")) == (2014, 2017)
    mean = 'section = "s"\nbaseline_mean_of_years = [2010, 2012]\nreward_per_mg_per_l_yuan = 1.0\n'
    assert years_needed(agreement(tmp_path, f"[[tn_reduction]]\n{mean}")) == (2010, 2017)


@pytest.mark.parametrize("body, key", [
    ('[[tn_reduction]]\nsection = "s"\nbaseline_mg_per_l = 5.0\nreward_per_mg_per_l_yuan = 1.0\n'
     'years = [2017, 2015]\n', "years"),  # reversed
    ('[[tn_reduction]]\nsection = "s"\nbaseline_mg_per_l = 5.0\nreward_per_mg_per_l_yuan = 1.0\n'
     'years = [2015, 2019]\n', "years"),  # past the period's end
    ('[[tn_reduction]]\nsection = "s"\nbaseline_mg_per_l = 5.0\nreward_per_mg_per_l_yuan = 1.0\n'
     'min_yuan = 10.0\nmax_yuan = 5.0\n', "min_yuan"),
    ('[[quality_class]]\nsections = ["s", "r"]\nparameter = "codmn"\ntarget_class = "III"\n'
     'inflow_section = "r"\n', "inflow_section"),
    ('[[quantity]]\nsection = "s"\nbaseline_m3 = 1e8\nreward_per_m3_above_yuan = -0.5\n',
     "reward_per_m3_above_yuan"),
])
def test_an_agreement_line_that_cannot_be_meant_is_refused(tmp_path, body, key):
    """Mutants: each check removed (a reversed or out-of-period ``years``, caps the wrong way round, an
    inflow section that is also evaluated, a negative reward rate), which let the line through."""
    with pytest.raises(HydroError, match=rf"a\.toml: key '[a-z_]+\[0\]\.{key}'"):
        agreement(tmp_path, body)


def test_natural_water_is_never_below_zero():
    """Mutant: the clamp dropped (more transferred water than flowed gave a negative volume)."""

    class Rule:
        water = "natural"

    class Series:
        def annual_volume(self, section, year):
            return 100.0

        def annual_transferred(self, section, year):
            return 150.0

    assert counted_volume(Rule(), Series(), "s", 2015) == (0.0, 150.0)


def monthly(*years):
    return np.array([v for y in years for v in ([y] * 12 if np.isscalar(y) else y)], dtype=float)


def test_a_class_month_missing_at_the_inflow_section_is_not_charged(tmp_path):
    """Mutant: only the evaluated section's months checked (a month without an inflow value was charged
    as if the inflow were clean, and the line called complete)."""
    a = agreement(tmp_path, '[[quality_class]]\nsection = "s"\nparameter = "codmn"\ntarget_class = "III"\n'
                            'inflow_section = "r"\npenalty_per_class_yuan = 100.0\n')
    inflow = monthly(2.0, 2.0, 2.0)
    inflow[5] = np.nan  # June 2015: no value at the inflow
    series = SectionSeries(2015, {"s": {"codmn": monthly(10.0, 10.0, 10.0)}, "r": {"codmn": inflow}})
    (p2015,) = [p for p in evaluate(a, series) if p.year == 2015 and p.component == "quality_class"]
    # class IV at s (10 mg/L), I at the inflow (2 mg/L): worse than the inflow by 3 classes, charged for
    # those (max(IV - I, IV - III) = 3): -300 a month, 11 months with both values
    assert p2015.amount_yuan == -3300.0 and not p2015.complete
    (p2016,) = [p for p in evaluate(a, series) if p.year == 2016 and p.component == "quality_class"]
    assert p2016.amount_yuan == -3600.0 and p2016.complete


def test_a_target_month_exactly_at_its_maximum_passes(tmp_path):
    """Mutant: ``>=`` for ``>`` (a month at the limit counted as failing)."""
    a = agreement(tmp_path, '[[target]]\nsection = "s"\nparameter = "tn"\nmonthly_max = 6.0\n'
                            'bonus_yuan = 10.0\npenalty_yuan = 10.0\n')
    series = SectionSeries(2015, {"s": {"tn": monthly(6.0, 6.0, [6.0] * 11 + [6.01])}})
    pays = {p.year: p.amount_yuan for p in evaluate(a, series) if p.component == "target"}
    assert pays == {2015: 10.0, 2016: 10.0, 2017: -10.0}


def test_a_penalty_counts_as_a_payment_in_the_bands():
    """Mutant: ``p_pays`` counting only amounts above 0 (a penalty-only line never 'paid')."""
    from hydro.compensation.uncertainty import _band

    assert _band([-5.0, -1.0, 0.0, -2.0])["p_pays"] == 0.75


def test_the_first_matching_party_bears_a_subbasins_costs():
    """Mutant: the search not stopping at the first match (the last matching party took the costs)."""
    class Party:
        def __init__(self, everywhere=False, provinces=None):
            self.everywhere, self.provinces = everywhere, provinces
            self.subbasins = self.counties = self.reservoir = None

    parties = {"hebei": Party(provinces=("Hebei",)), "all": Party(everywhere=True)}
    got = party_of_subbasins(parties, ["a", "b"], ["x", "y"], ["Hebei", "Beijing"], ["", ""])
    assert got == ["hebei", "all"]


def test_the_ensembles_n_held_upstream_is_the_scenarios_less_the_baselines():
    """Mutant: the sign of the held part flipped (``n_kept_out_in_storage_*`` and the cost per kg net of
    it would report N released as N held)."""
    ens = {"reservoir_n_input": np.array([[[10.0]], [[7.0]]]),
           "upstream_n_storage_change": np.array([[[1.0]], [[3.0]]])}
    kept, held = member_kept_out(ens)
    assert kept[:, 0, 0].tolist() == [0.0, 3.0] and held[:, 0, 0].tolist() == [0.0, 2.0]


def test_a_measure_where_no_subbasin_matches_is_refused():
    """Mutant: the check removed (a measure on no land would cost nothing and keep nothing out, unsaid)."""
    from pathlib import Path

    info = BasinInfo.load(Path(__file__).resolve().parents[1] / "configs/examples/watershed")
    where = Where(counties=("West county",), provinces=("Downstream province",))  # each known, never together
    with pytest.raises(HydroError, match=r"s\.toml: key 'measures\[0\]\.where': no subbasin .* matches all"):
        select_subbasins(info, where, "s.toml", "measures[0].where")
    assert select_subbasins(info, where, "s.toml", "parties.x", empty_ok=True) == []


def test_no_nan_leaks_into_the_band_of_a_line_always_undetermined():
    from hydro.compensation.uncertainty import _band

    assert _band([math.nan, math.nan]) == {"median_yuan": None, "p05_yuan": None, "p95_yuan": None, "p_pays": None}


@pytest.fixture(scope="module")
def watershed_scenarios(tmp_path_factory):
    """The example watershed's baseline and all_measures, 2001-2003 (measures from 2002), as a file."""
    from datetime import date
    from pathlib import Path

    from hydro.scenarios import run_scenarios, write_scenarios

    root = Path(__file__).resolve().parents[1]
    run = run_scenarios(root / "configs/examples/watershed", root / "configs/scenarios/watershed.toml",
                        date(2001, 1, 1), date(2003, 12, 31), scenarios=["baseline", "all_measures"])
    out = tmp_path_factory.mktemp("inc") / "s.nc"
    write_scenarios(run, out)
    agreement = out.with_name("a.toml")
    agreement.write_text('name = "t"\nsource = "test case"\nperiod = [2001, 2003]\npayer = "downstream"\n'
                         'payee = "upstream"\n[[fixed]]\nyear = 2001\namount_yuan = 1.0\n', encoding="utf-8")
    return run, out, agreement


def _incentives_with(monkeypatch, watershed_scenarios, received, incomplete=frozenset()):
    """The incentive rows with the agreement's amounts replaced by ``received`` (scenario, year, party)."""
    import hydro.scenarios.incentives as inc

    _, out, agreement = watershed_scenarios
    monkeypatch.setattr(inc, "_received", lambda *a: (received, {"downstream", "upstream"}, set(incomplete), {}))
    return {(r["scenario"], r["year"], r["party"]): r for r in inc.incentives(out, agreement)}


def test_a_payer_that_pays_only_in_the_baseline_has_its_price_per_kg(monkeypatch, watershed_scenarios):
    """Mutant: the price per kg only where the scenario pays (a party that stops paying had NaN)."""
    received = {("baseline", 2003, "downstream"): -1000.0, ("all_measures", 2003, "downstream"): 0.0}
    rows = _incentives_with(monkeypatch, watershed_scenarios, received)
    r = rows[("all_measures", 2003, "downstream")]
    assert r["n_kept_out_kg"] > 0
    # (baseline - scenario) / kept: it pays 1000 less, so negative (docs/scenarios.md)
    assert r["paid_change_per_kg_kept_out_yuan"] == pytest.approx(-1000.0 / r["n_kept_out_kg"], rel=1e-12)
    assert math.isnan(r["paid_per_kg_kept_out_yuan"])  # it pays nothing in the scenario


def test_a_row_is_incomplete_where_its_baseline_is(monkeypatch, watershed_scenarios):
    """Mutant: only the scenario's own amounts checked (a change against an undetermined baseline passed
    for complete)."""
    received = {("baseline", 2002, "upstream"): 5.0, ("all_measures", 2002, "upstream"): 7.0}
    rows = _incentives_with(monkeypatch, watershed_scenarios, received, {("baseline", 2002, "upstream")})
    assert not rows[("all_measures", 2002, "upstream")]["complete"]
    assert rows[("all_measures", 2003, "upstream")]["complete"]


def test_the_n_left_on_land_is_per_year_and_adds_up_to_the_runs(monkeypatch, watershed_scenarios):
    """Mutant: the stores' end values, not their change over each year (a running total)."""
    from hydro.scenarios.summary import summarise

    run = watershed_scenarios[0]
    rows = _incentives_with(monkeypatch, watershed_scenarios, {})
    per_year = [rows[("all_measures", y, "upstream")]["n_kept_out_on_land_kg"] for y in (2001, 2002, 2003)]
    total = [r["value"] for r in summarise(run) if r["scenario"] == "all_measures"
             and r["quantity"] == "n_kept_out_on_land" and not r["location"]]
    assert per_year[0] == 0.0 and per_year[1] != 0.0 and per_year[2] != 0.0  # measures from 2002
    assert sum(per_year) == pytest.approx(total[0], rel=1e-9)


def test_a_floor_that_a_months_value_could_move_is_incomplete(tmp_path):
    """Mutant: the floor line called complete unless a line is undetermined (a line with a month missing,
    whose amount that month could still deepen, passed)."""
    path = tmp_path / "a.toml"
    path.write_text(HEAD + 'direction = "one_way"\n[[quality_class]]\nsection = "s"\nparameter = "codmn"\n'
                           'target_class = "III"\npenalty_per_class_yuan = 100.0\n', encoding="utf-8")
    codmn = monthly(10.0, 10.0, 10.0)  # class IV: one class short, -100 a month
    codmn[3] = np.nan  # April 2015 missing
    pays = evaluate(Agreement.from_toml(path), SectionSeries(2015, {"s": {"codmn": codmn}}))
    line = {p.year: p for p in pays if p.component == "quality_class"}
    floor = {p.year: p for p in pays if p.component == "floor"}
    assert line[2015].amount_yuan == -1100.0 and not line[2015].complete
    assert floor[2015].amount_yuan == 1100.0 and not floor[2015].complete  # April could add up to -100 more
    assert floor[2016].amount_yuan == 1200.0 and floor[2016].complete


def test_a_scenario_period_against_the_station_record():
    """The watershed's record is 2001-01-01..2010-12-31: a period ending on its last day stays on observed
    weather (None), one a day longer runs past it (its last day returned), one starting a day before it is
    refused (mutants: ``>=`` for ``>``; the refusal removed)."""
    from datetime import date
    from pathlib import Path

    from hydro.scenarios.period import record_end_before
    from hydro.scenarios.spec import ScenarioFile

    root = Path(__file__).resolve().parents[1]
    basin = root / "configs/examples/watershed"
    sfile = ScenarioFile.from_toml(root / "configs/scenarios/watershed.toml")
    assert record_end_before(basin, sfile, date(2001, 1, 1), date(2010, 12, 31)) is None
    assert record_end_before(basin, sfile, date(2001, 1, 1), date(2011, 1, 1)) == date(2010, 12, 31)
    with pytest.raises(HydroError, match=r"weather\.csv: the station record starts on 2001-01-01, after the "
                                         r"period's first day, 2000-12-31"):
        record_end_before(basin, sfile, date(2000, 12, 31), date(2010, 12, 31))


def test_a_transfer_series_ending_on_the_runs_last_day_has_not_ended():
    """Mutant: ``<=`` for ``<`` (a series covering the whole run was said to end before it)."""
    from datetime import date

    from hydro.transfer_end import ended

    attrs = {"weather_generated_from": "2021-01-01",
             "transfers": "snw=inflow:miyun:snw.csv:2015-01-01..2024-12-31;"
                          "yz=release:yunzhou:yz.csv:2013-01-01..2020-12-31"}
    assert ended(attrs, date(2024, 12, 31)) == {"yz": ("yz.csv", "2020-12-31")}
    assert set(ended(attrs, date(2025, 1, 1))) == {"snw", "yz"}
    assert ended({**attrs, "weather_generated_from": ""}, date(2025, 1, 1)) == {}  # on the record: as recorded


def test_a_scenario_that_adds_n_has_no_cost_per_kg_kept_out(tmp_path):
    """Cropland turned into a new class of a far higher EMC sends more N to the lake: N kept out is
    negative, and a cost per kg of it is no figure (NaN, not a negative price; mutant: ``!= 0``)."""
    from datetime import date
    from pathlib import Path

    from hydro.scenarios import run_scenarios
    from hydro.scenarios.summary import summarise

    root = Path(__file__).resolve().parents[1]
    text = (root / "configs/scenarios/watershed.toml").read_text(encoding="utf-8")
    text = text.replace('to_class = "forest"\nconverted_share = 0.05',
                        'to_class = "paved"\nconverted_share = 0.2\nto_emc_mg_per_l = 40.0')
    text += '\n[[scenarios]]\nid = "worse"\nmeasures = ["afforest"]\n'
    (tmp_path / "s.toml").write_text(text, encoding="utf-8")
    run = run_scenarios(root / "configs/examples/watershed", tmp_path / "s.toml", date(2001, 1, 1),
                        date(2003, 12, 31), scenarios=["baseline", "worse"])
    rows = {r["quantity"]: r["value"] for r in summarise(run) if r["scenario"] == "worse" and not r["location"]
            and str(r["year"]) == "all" and r["quantity"] in ("n_kept_out", "cost", "cost_per_kg_kept_out")}
    assert rows["n_kept_out"] < 0 and rows["cost"] > 0
    assert math.isnan(rows["cost_per_kg_kept_out"])


def test_the_series_a_rule_reads_include_its_inflow_sections(tmp_path):
    """A class rule judged against an inflow section reads that section too (its missing months are noted;
    mutant: only the rule's own sections)."""
    from hydro.compensation.rules import used_pairs

    a = agreement(tmp_path, '[[quality_class]]\nsection = "s"\nparameter = "codmn"\ntarget_class = "III"\n'
                            'inflow_section = "r"\n')
    # (no discharge: a class rule's monthly means weigh no flow since the diff review of 2026-12-05)
    assert used_pairs(a.rules) == {("s", "codmn"), ("r", "codmn")}


# --- the audit's last three gaps (C57, C52, C53): the thresholds a payment check turns on -----------------
def test_a_flip_share_of_exactly_the_flag_is_flagged():
    """C57: ``p_flip >= FLIP_FLAG`` made ``>``: a line flipped in exactly 1 of 20 members (5 %) is flagged,
    as the docs and the table's heading (">= 5 % of the members") say; one in 21 (4.8 %) is not; a line with
    no monitoring error (None) or one that is not netted (an advance) never is."""
    from hydro.compensation.uncertainty import FLIP_FLAG, flagged
    assert FLIP_FLAG == 0.05
    assert flagged(1 / 20, "tn") and flagged(1.0, "quality_class")
    assert not flagged(1 / 21, "tn") and not flagged(0.0, "tn")
    assert not flagged(None, "tn") and not flagged(1.0, "advance") and not flagged(1.0, "funding")


def test_a_published_amount_is_checked_against_the_band_widened_by_its_rounding():
    """C52: the rounding dropped from either side of the band check.  322,150,000 yuan is published to
    the ten thousand, so it stands for 322,145,000-322,155,000 (rounding 5,000): a band ending 4,000
    below it, or starting 4,000 above it, holds it; 6,000 away, it does not."""
    from hydro.compensation.inference import in_band, rounding
    published = 322_150_000.0
    assert rounding(published) == 5_000.0
    assert in_band(published, published - 10_000, published + 10_000)  # inside, no rounding needed
    assert in_band(published, published + 4_000, published + 90_000)  # band above, within rounding
    assert in_band(published, published - 90_000, published - 4_000)  # band below, within rounding
    assert not in_band(published, published + 6_000, published + 90_000)
    assert not in_band(published, published - 90_000, published - 6_000)


def test_an_upper_bound_tests_nothing_only_when_no_draw_comes_within_a_tenth_of_it():
    """C53: the "uninformative" threshold (the largest draw under 90 % of the published bound) moved or
    its comparison flipped: a draw reaching 89 % of the bound leaves a check that cannot fail inside the
    assumed ranges; one reaching 91 % (or the bound itself) can fail, so the check counts."""
    from hydro.compensation.inference import REACH, tests_nothing
    assert REACH == 0.9
    bound = 1.0e9
    assert tests_nothing(0.89 * bound, bound) and tests_nothing(0.0, bound)
    assert not tests_nothing(0.91 * bound, bound) and not tests_nothing(bound, bound)
    assert not tests_nothing(REACH * bound, bound)  # exactly at the reach: a draw comes near
