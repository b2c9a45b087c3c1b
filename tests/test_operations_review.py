"""An operational forecaster's monthly workflow (operational review, 2026-12-06): an observed storage given for a
later start is its state even where it equals the basin file's value; a [run] period that ends before it starts
is refused naming the key (a --set run.start past the file's end crashed with an IndexError); an outlook with no
complete calendar year says so instead of 'P(met in None)'."""

from __future__ import annotations

from datetime import date

import pytest

from hydro.basin import Basin
from hydro.errors import HydroError
from hydro.model import Model
from hydro.simulation import run
from hydro.spin_up import given_for_start


def test_a_storage_given_equal_to_the_files_value_is_the_later_starts_state():
    rid = Basin.load("watershed").network.reservoirs[0]
    key = f"reservoirs.{rid.id}.initial_storage_mcm"
    same = f"{key}={rid.initial_storage_m3 / 1e6!r}"
    assert given_for_start(Basin.load("watershed", [same]))[0] == (0,)  # given: the file's value, said again
    assert given_for_start(Basin.load("watershed"))[0] == ()  # nothing given: spun up
    model = Model.from_basin("watershed").with_parameters({key: rid.initial_storage_m3 / 1e6})
    assert given_for_start(model.basin)[0] == (0,)
    # the run from a later day starts at it (its first day's storage is within a day's balance of it) ...
    given = run(Basin.load("watershed", [same]), date(2001, 7, 1), date(2001, 7, 2))
    spun = run(Basin.load("watershed"), date(2001, 7, 1), date(2001, 7, 2))
    first, spun_first = float(given["reservoir_storage"][0, 0]), float(spun["reservoir_storage"][0, 0])
    # ... where the spun-up lake is elsewhere (else the test proves nothing)
    assert abs(spun_first - rid.initial_storage_m3) > 0.02 * rid.initial_storage_m3  # 4.6 %, 2026-12-06
    assert abs(first - rid.initial_storage_m3) < 0.005 * rid.initial_storage_m3  # a day's balance: 0.1 %
    assert "given for 2001-07-01: " + key in given.attrs["initial_state"]


def test_a_concentration_key_given_counts_as_the_initial_concentrations_given():
    # 1.5 is the file's own value: said again, it is given
    assert given_for_start(Basin.load("watershed", ["initial.tn_mg_per_l=1.5"]))[1] is True
    assert given_for_start(Basin.load("watershed"))[1] is False


def test_a_run_period_ending_before_it_starts_names_the_key():
    with pytest.raises(HydroError, match=r"key 'run.end': 2001-12-31 is before start 2027-01-01: the \[run\] "
                                         r"period must hold at least one day; give run.end with run.start"):
        Basin.load("watershed", ["run.start=2027-01-01", "run.end=2001-12-31"])


def test_an_outlook_without_a_complete_year_says_the_target_is_not_judged():
    from hydro.scenarios.summary import format_summary

    rows = [{"scenario": "baseline", "quantity": "probability_met", "location": "lake", "source": "t", "year": None,
             "value": float("nan"), "unit": "1"}]
    text = format_summary(rows)
    assert "target t (lake): P(met) = n/a (the run holds no complete calendar year" in text and "None" not in text
