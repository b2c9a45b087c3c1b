"""The second diff review of 2026-12-06 (c9d0a78..ffb151b): each test failed then (on ffb151b) or killed a
surviving mutant."""

from __future__ import annotations

import math
from types import SimpleNamespace

import numpy as np
import pytest


def _line(year, component, amount, payer="a", payee="b", complete=True):
    from hydro.compensation.payments import Payment

    return Payment(year, "s", component, "", payer, payee, amount, complete, parties=("a", "b"))


# --- advance_lines -----------------------------------------------------------------------------------------------

def test_an_advance_the_other_way_counts_against_the_payer_s_advance():
    """Kills M06 (advance sign dropped): a 10 M refund b -> a lowers a -> b's advance."""
    from hydro.compensation.payments import advance_lines

    out = advance_lines([_line(2018, "quality_class", 100.0), _line(2018, "advance", 150.0),
                         _line(2018, "advance", 30.0, payer="b", payee="a")])
    assert out[2] == "  2018  a -> b: advance 120, net 100: balance -20 yuan", out


def test_an_incomplete_net_marks_its_balance():
    """Kills M08 (the '(incomplete: the net may change)' mark dropped)."""
    from hydro.compensation.payments import advance_lines

    out = advance_lines([_line(2018, "quality_class", math.nan, complete=False), _line(2018, "quality_class", 100.0),
                         _line(2018, "advance", 150.0)])
    assert out[2].endswith("(incomplete: the net may change)"), out


def test_an_advance_of_unknown_amount_is_said_not_dropped():
    """failed then (finding: NaN advances silently left out): an advance whose amount is not published (NaN)
    is skipped by math.isfinite, so the year's balance reads as if none had been paid, or no section at all."""
    from hydro.compensation.payments import advance_lines

    out = advance_lines([_line(2018, "quality_class", 100.0), _line(2018, "advance", math.nan, complete=False)])
    assert out, "an advance of unknown amount is not even mentioned"
    assert "unknown" in out[2] or "incomplete" in out[2], out


# --- Model.run continuing a state without a start ----------------------------------------------------------------

def test_model_run_without_a_start_continues_on_the_state_s_day(tmp_path):
    """Kills M12 (Model.run's state_day line removed): no test ran Model.run(from_state=...) without a start."""
    import hydro

    hydro.Model.from_basin("watershed").run(None, "2001-05-31", save_state=tmp_path / "may.npz")
    ds = hydro.Model.from_basin("watershed").run(None, "2001-06-03", from_state=tmp_path / "may.npz")
    assert str(ds["time"].values[0])[:10] == "2001-06-01"
    assert ds.sizes["time"] == 3


# --- GEP TP schedule ---------------------------------------------------------------------------------------------

def test_tp_keeps_0_7_yuan_per_equivalent_through_2017():
    """Kills M21 (TP's 14 yuan from 2017, not 2018): the boundary years are untested (only 2015 and 2018)."""
    from hydro.gep_prices import GepPrices

    p = GepPrices()
    assert p.purification_yuan_per_t("tp", 2013) == pytest.approx(2_800.0, rel=1e-12)
    assert p.purification_yuan_per_t("tp", 2014) == pytest.approx(2_800.0, rel=1e-12)
    assert p.purification_yuan_per_t("tp", 2017) == pytest.approx(2_800.0, rel=1e-12)


# --- flows_by_subbasin --------------------------------------------------------------------------------------------

def _store(lost: bool):
    from hydro.sources.washoff_store import WashoffStore

    n_day, n_ch = 4, 2
    build = np.full((n_day, 1, n_ch), 2.0)
    washed = np.full((n_day, 1, n_ch), 1.0)
    loss = np.full((n_day, 1, n_ch), 0.5) if lost else None
    store = np.zeros((n_day + 1, 1, n_ch))
    per_day = 2.0 - 1.0 - (0.5 if lost else 0.0)
    store[:, 0, :] = 10.0 + per_day * np.arange(n_day + 1)[:, None]
    return WashoffStore(build, washed, store, loss)


def test_the_wash_off_flows_say_a_losing_store_s_loss_and_close_with_it():
    """Kills M24 and M25 (the loss left out of the closure / of washoff_n_loss): the shipped stores lose nothing,
    so the only test asserts loss == 0; here one subbasin of three has a losing store."""
    from hydro.sources.washoff import flows_by_subbasin

    subs = [SimpleNamespace(delivery_timing=t) for t in ("runoff", "washoff", "constant")]
    buildup, lost, closure = flows_by_subbasin(subs, _store(lost=True))
    assert buildup.shape == (4, 3) and (buildup[:, [0, 2]] == 0).all() and (buildup[:, 1] == 4.0).all()
    assert (lost[:, 1] == 1.0).all() and (lost[:, [0, 2]] == 0).all()
    assert closure < 1e-12
    _, lost, closure = flows_by_subbasin(subs, _store(lost=False))
    assert (lost == 0).all() and closure < 1e-12


def test_the_wash_off_closure_of_a_store_that_builds_nothing_is_finite():
    """failed then (finding: relative to build-up alone): a block with no build-up but a carried content that
    washes off gives |error| / 1e-300, a closure of 1e280 or more from round-off, reported as the worst
    closure of the run; relative to the store's throughput (build-up + content) it is round-off."""
    from hydro.sources.washoff import flows_by_subbasin
    from hydro.sources.washoff_store import WashoffStore

    store = np.array([[[1.0]], [[0.9]], [[0.81]]])
    washed = np.array([[[0.1]], [[0.09]]])
    s = WashoffStore(np.zeros((2, 1, 1)), washed, store, None)
    _, _, closure = flows_by_subbasin([SimpleNamespace(delivery_timing="washoff")], s)
    assert closure < 1e-9, closure


# --- screening_notes ----------------------------------------------------------------------------------------------

def test_a_screening_with_nan_indices_is_noted():
    """failed then (finding: NaN compares False): SALib gives NaN indices where the loss does not vary (or the
    sample is degenerate); every comparison is False and the parameter reads as resolved."""
    from hydro.calibration.diagnostics import screening_notes

    nan = float("nan")
    assert screening_notes("sobol", {"x1": {"S1": nan, "S1_conf": nan, "ST": nan, "ST_conf": nan}})
    assert screening_notes("morris", {"x1": {"mu": nan, "mu_star": nan, "mu_star_conf": nan, "sigma": nan},
                                      "x2": {"mu": 1.0, "mu_star": 1.0, "mu_star_conf": 0.01, "sigma": 0.1}})


# --- baseline_slips -----------------------------------------------------------------------------------------------

def test_a_baseline_above_every_year_with_a_penalty_is_not_said_to_pay_nothing():
    """failed then (finding: the note's 'pays nothing' holds only where penalty_per_m3_below_yuan is 0): phase 2's
    penalty has a range up to 0.4 yuan/m3 (drawn by --uncertainty, or --set): every year then pays a deduction."""
    from pathlib import Path

    from hydro.compensation.agreement import Agreement
    from hydro.compensation.notes import baseline_slips

    path = Path(__file__).resolve().parents[1] / "configs" / "agreements" / "miyun_chaobai_phase2_2022.toml"
    a = Agreement.from_toml(path, ["quantity[0].penalty_per_m3_below_yuan=0.2"])

    class Series:  # 1 m3/s at every section: ~3e7 m3 a year, below any baseline of 1e8+
        years = (2022, 2023)

        def has(self, section, parameter):
            return True

    from hydro.compensation import rules as r

    orig = r.counted_volume
    r.counted_volume = lambda rule, series, x, y: (3.156e7, None)
    try:
        notes = baseline_slips(a, Series())
    finally:
        r.counted_volume = orig
    assert notes and not any("pays nothing" in n for n in notes), notes


def test_a_baseline_between_the_years_volumes_is_not_said_to_be_above_every_year(tmp_path):
    """Kills M27 (max -> min): the shipped test's years all have the same volume."""
    from pathlib import Path

    from hydro.compensation import notes as n
    from hydro.compensation.agreement import Agreement

    path = Path(__file__).resolve().parents[1] / "configs" / "agreements" / "miyun_chaobai_phase1_2018.toml"
    a = Agreement.from_toml(path)

    class Series:
        years = (2018, 2019)

        def has(self, section, parameter):
            return True

    from hydro.compensation import rules as r

    orig = r.counted_volume
    r.counted_volume = lambda rule, series, x, y: ((1e8 if y == 2018 else 3e8), None)  # 3e8 and 9e8 a year
    try:
        notes = n.baseline_slips(a, Series())
    finally:
        r.counted_volume = orig
    assert not any("above every year's volume" in x for x in notes), notes  # 3.5e8 lies between 3e8 and 9e8


# --- past_term / Agreement.term: a period written as a cited table -----------------------------------------------

@pytest.mark.parametrize("name, moved", [("miyun_chaobai_phase2_2022.toml", "period=[2022,2050]"),
                                         ("beijing_internal_2015.toml", "period=[2015,2050]")])
def test_a_cited_period_stretched_past_its_term_is_noted(name, moved):
    """failed then (finding F3, a regression of fa4b688): Agreement.term reads data["period"] only as a bare list;
    phase 2 (the shipped 5-year Miyun agreement) and beijing_internal_2015 write it as
    `period = { value = [...], assumption = true, ... }`, so term is None and past_term says nothing (before
    fa4b688 it re-read the file through the reader and said it)."""
    from pathlib import Path

    from hydro.compensation.agreement import Agreement
    from hydro.compensation.notes import past_term

    path = Path(__file__).resolve().parents[1] / "configs" / "agreements" / name
    a = Agreement.from_toml(path, [moved])
    assert a.term is not None
    assert past_term(a).startswith("note: the period"), past_term(a)


# --- run_report of a screening ------------------------------------------------------------------------------------

@pytest.mark.parametrize("method, said", [("sobol", False), ("morris", False), ("de", True)])
def test_a_screening_s_report_has_no_bound_or_fit_notes(monkeypatch, method, said):
    """Kills M19 and M52 (run_report's SCREENINGS branch): 173ceea's headline ('a Sobol or Morris screening
    gives no best value at a bound note') was tested on screening_notes only, never on run_report."""
    from hydro.calibration import diagnostics as d

    monkeypatch.setattr(d, "warm_up_days", lambda p: (0, []))
    monkeypatch.setattr(d, "observations_scored", lambda p, r: ({"calibration": {"q": {"n_pairs": 1}}}, []))
    monkeypatch.setattr(d, "parameters_at_bounds", lambda p, r: (["x1"], ["x1 lies at a bound"]))
    problem = SimpleNamespace(config=SimpleNamespace(method=SimpleNamespace(name=method)), parameters=[1, 2, 3])
    notes = d.run_report(problem, {"status": "ok"})["notes"]
    assert any("at a bound" in n for n in notes) is said, notes
    assert any("scored observation bins" in n for n in notes) is said, notes
