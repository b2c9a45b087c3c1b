"""Droughts (drought and low-flow review, 2026-12-06): months in which a judged section carries a trickle are
named beside the payments, since monitoring would record such a section as dry and take no sample, while the
model classes the trickle's concentration (a drought run's border sections at 1-7 L/s were charged every
month with nothing said)."""

import numpy as np

from hydro.compensation.agreement import Agreement
from hydro.compensation.notes import TRICKLE_M3_S, series_notes, trickle_notes
from hydro.section_series import SectionSeries

AGREEMENT = ('name = "t"\nsource = "t"\nperiod = [2015, 2015]\npayer = "a"\npayee = "b"\n'
             '[[quality_class]]\nsection = "s"\nparameters = ["tp"]\nwaterbody = "river"\nevaluation = "monthly"\n'
             'target_class = "III"\npenalty_per_class_yuan = 300000\nsource = "t"\n')
SECONDS = np.array([31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]) * 86400.0


def series(mean_flow_m3_s):
    flow = np.asarray(mean_flow_m3_s, float) * SECONDS
    return SectionSeries(2015, {"s": {"tp": np.full(12, 0.15), "flow": flow},
                                "other": {"tp": np.full(12, 0.15), "flow": np.full(12, 1e-6)}})


def agreement(tmp_path):
    path = tmp_path / "a.toml"
    path.write_text(AGREEMENT, encoding="utf-8")
    return Agreement.from_toml(path)


def test_months_of_a_trickle_at_a_judged_section_are_named(tmp_path):
    q = np.full(12, 1.0)
    q[[2, 3, 4]] = [0.004, 0.0012, TRICKLE_M3_S * (1 + 1e-9)]  # March and April below 10 L/s, May just above
    notes = trickle_notes(agreement(tmp_path), series(q))
    assert notes == ["note: s 2015, months 3-4: mean flow below 0.01 m3/s (at least 1.2 L/s): a trickle, which "
                     "monitoring would record as dry with no sample; its classes and amounts are of the "
                     "trickle's concentrations"]
    assert notes[0] in series_notes(agreement(tmp_path), series(q), "r.nc")  # beside the payments, text and JSON


def test_no_note_where_the_rule_judges_no_trickle(tmp_path):
    # the section the rule does not judge ("other") trickles all year: not the rule's concern
    assert trickle_notes(agreement(tmp_path), series(np.full(12, TRICKLE_M3_S))) == []


def test_a_lake_fed_a_trickle_is_not_called_dry(tmp_path):
    # a lake judged on its lake limits keeps its water whatever its inflow: no trickle note (diff review, 2026-12-06)
    path = tmp_path / "a.toml"
    path.write_text(AGREEMENT.replace('section = "s"', 'section = "lake"').replace('"river"', '"lake"'),
                    encoding="utf-8")
    series_lake = SectionSeries(2015, {"lake": {"tp": np.full(12, 0.02), "flow": np.full(12, 0.005) * SECONDS}})
    assert trickle_notes(Agreement.from_toml(path), series_lake) == []


def test_only_the_agreements_years_are_named(tmp_path):
    # a year outside the agreement's years (2014 here) is no month it judges
    q = np.full(24, 1.0)
    q[[1, 13]] = 0.002  # February of 2014 and of 2015
    flow = q * np.concatenate([SECONDS, SECONDS])
    two = SectionSeries(2014, {"s": {"tp": np.full(24, 0.15), "flow": flow}})
    notes = trickle_notes(agreement(tmp_path), two)
    assert len(notes) == 1 and notes[0].startswith("note: s 2015, month 2: mean flow below")
