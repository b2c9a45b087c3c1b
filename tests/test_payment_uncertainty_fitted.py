"""``--uncertainty`` draws an agreement's inferred number from its fit (docs/agreements.md, "Payments
with uncertainty", (d)): the fitted number together with the assumptions it was solved for, where the
``[inference]`` table names its published figures (review of 2026-12-05: phase 1's bonus drawn over its
whole range 0-6 M centred the members' 2018 net 55 % above the file's own figure)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from synthetic_quality import write_quality_results

from hydro.compensation import Agreement
from hydro.compensation.inference import fitted_draws, infer, read_published
from hydro.compensation.uncertainty import Setup, draw_numbers, payment_uncertainty, ranged_numbers
from hydro.errors import HydroError

ROOT = Path(__file__).resolve().parents[1]
PHASE1 = ROOT / "configs/agreements/miyun_chaobai_phase1_2018.toml"
PUBLISHED = ROOT / "configs/agreements/miyun_chaobai_published.csv"


def test_the_fits_draws_are_the_inferences_own():
    """The draws are those the inference reports its band from: the same fitted values, each with the
    other numbers it was solved for, every one inside its range."""
    agreement = Agreement.from_toml(PHASE1)
    assert agreement.inference.figures == PUBLISHED
    draws = fitted_draws(agreement)
    fit = agreement.inference.fit
    band = infer(agreement, read_published(PUBLISHED))["inferred"][0]
    values = np.array([d[fit] for d in draws])
    assert len(draws) == round(band["consistent_share"] * band["draws"])
    assert np.percentile(values, 5) == band["p05"] and np.median(values) == band["median"]
    ranges = dict(ranged_numbers(agreement))
    for d in draws:
        assert set(d) <= set(ranges) and fit in d
        assert all(ranges[k][0] <= v <= ranges[k][1] for k, v in d.items())


def test_a_members_numbers_are_one_draw_of_the_fit_and_uniform_elsewhere():
    agreement = Agreement.from_toml(PHASE1)
    draws = tuple(fitted_draws(agreement))
    got = draw_numbers(agreement, np.random.default_rng(7), draws)
    assert any(all(got[k] == v for k, v in d.items()) for d in draws)
    assert set(got) == {k for k, _ in ranged_numbers(agreement)}


def test_the_band_is_centred_on_the_fit_and_says_so(tmp_path):
    """On one series, the members' 2018 net (prices drawn alone) against the file's own figure: inside
    the band, and the band's median near it; ``propagated.prices`` names the figures of the fit."""
    series = write_quality_results(tmp_path / "s.nc", start="2018-01-01", end="2020-12-31")
    setup = Setup(str(PHASE1), series=str(series), monitoring=False)
    result = payment_uncertainty(setup, 40, workers=1)
    fitted = [p for p in result["propagated"]["prices"] if p["fitted_on"]]
    assert {p["key"] for p in fitted} == set(fitted_draws(Agreement.from_toml(PHASE1))[0])
    assert all(p["fitted_on"] == str(PUBLISHED.resolve()) for p in fitted)
    from hydro.compensation import evaluate, totals
    from hydro.monitoring import read_series

    own = {(t["year"], t["payer"]): t["net_yuan"] for t in totals(evaluate(Agreement.from_toml(PHASE1),
                                                                          read_series(series)))}
    (net,) = [n for n in result["net"] if n["year"] == 2018 and n["payer"] == "beijing"]
    assert net["p05_yuan"] <= own[(2018, "beijing")] <= net["p95_yuan"]
    # the median within 10 % of the file's figure (133.0 M against 136.4 M when written): the members'
    # 5-95 % spread is about +-25 %, so their median's standard error over 40 members is about 4 %, and
    # 10 % is 2.5 of them; drawn uniformly over the bonus's range the median was 212.5 M (+56 %)
    assert abs(net["median_yuan"] - own[(2018, "beijing")]) <= 0.1 * own[(2018, "beijing")]


def test_figures_that_are_not_there_are_refused(tmp_path):
    text = PHASE1.read_text(encoding="utf-8").replace('figures = "miyun_chaobai_published.csv"',
                                                       'figures = "no_such.csv"')
    (tmp_path / "a.toml").write_text(text, encoding="utf-8")
    with pytest.raises(HydroError, match=r"a\.toml: key 'inference\.figures': file not found: .*no_such\.csv"):
        Agreement.from_toml(tmp_path / "a.toml")


def test_each_member_takes_one_draw_of_the_fit(tmp_path):
    """What a member evaluates the agreement with: on the fitted keys, one of the fit's draws."""
    from hydro.compensation.uncertainty import member

    series = write_quality_results(tmp_path / "s.nc", start="2018-01-01", end="2020-12-31")
    setup = Setup(str(PHASE1), series=str(series), monitoring=False)
    draws = fitted_draws(Agreement.from_toml(PHASE1))
    for m in range(3):
        numbers = member((setup, m))["numbers"]
        assert any(all(numbers[k] == v for k, v in d.items()) for d in draws), m


def test_draws_that_need_the_fitted_number_outside_its_range_are_left_out(tmp_path):
    """With the bonus's range narrowed around its fit, some draws of the other numbers need a bonus outside
    it: they are inconsistent, counted out of the share and never drawn (mutation audit 2026-12-05: the
    upper end of the range was not checked)."""
    text = PHASE1.read_text(encoding="utf-8").replace("range = [0.0, 6_000_000]", "range = [1_500_000, 2_500_000]")
    text = text.replace('figures = "miyun_chaobai_published.csv"', f'figures = "{PUBLISHED}"')
    (tmp_path / "a.toml").write_text(text, encoding="utf-8")
    agreement = Agreement.from_toml(tmp_path / "a.toml")
    band = infer(agreement, read_published(PUBLISHED))["inferred"][0]
    assert band["range"] == [1_500_000, 2_500_000] and 0.1 < band["consistent_share"] < 0.9
    values = [d[agreement.inference.fit] for d in fitted_draws(agreement)]
    assert len(values) == round(band["consistent_share"] * band["draws"])
    assert min(values) >= 1_500_000 and max(values) <= 2_500_000


def test_a_fit_that_cannot_be_made_is_one_error_before_any_member(tmp_path):
    """A ``figures`` file without the fit year's payment: refused once, exit 2, before the members run
    (review 2026-12-05: every member failed on it, exit 3)."""
    from click.testing import CliRunner

    from hydro.cli import main

    text = PHASE1.read_text(encoding="utf-8").replace("fit_year = 2018", "fit_year = 2019")
    text = text.replace('figures = "miyun_chaobai_published.csv"', f'figures = "{PUBLISHED}"')
    (tmp_path / "a.toml").write_text(text, encoding="utf-8")
    series = write_quality_results(tmp_path / "s.nc", start="2018-01-01", end="2020-12-31")
    run = CliRunner().invoke(main, ["compensate", str(series), str(tmp_path / "a.toml"), "--uncertainty", "3",
                                    "--workers", "1"])
    assert run.exit_code == 2 and "the figures have no 'paid' amount for 2019" in run.output
    assert "members" not in run.output.split("Error")[0]  # (no member ran: no progress before the error)
