"""Kills mutant M02 (hydro/transfers.py reference_target: ``eco_least + res_abstraction`` -> ``eco_least``);
passes on s45.  The numerics of a run are chosen from :meth:`Transfers.reference_target`, which must
put an outlet abstraction on top of the least ecological minimum, as :meth:`target_release` puts it on
top of the day's minimum (reservoir review F1)."""

from __future__ import annotations

import numpy as np

from hydro.transfers import Transfers


def _transfers(abstraction: float, minimum: float, rule_days: int = 3) -> Transfers:
    d, s = rule_days, 1
    zeros = np.zeros((d, s))
    absn = np.full((d, s), abstraction)
    return Transfers(items=("an abstraction",), res_inflow=zeros, res_load=zeros,
                     reach_inflow=np.zeros((d, 0)), reach_load=np.zeros((d, 0)),
                     release=np.full((d, s), np.nan), extra_release=absn.copy(), res_abstraction=absn,
                     eco_min=np.full((d, s), minimum), eco_least=np.array([minimum]))


def test_reference_target_puts_the_abstraction_on_top_of_the_least_minimum():
    t = _transfers(abstraction=5.0, minimum=10.0)
    rule = np.zeros((3, 1))
    np.testing.assert_allclose(t.reference_target(rule), 15.0)
    # and it agrees with the day's target where the minimum is the same every day
    np.testing.assert_allclose(t.reference_target(rule), t.target_release(rule))


def test_a_rule_above_the_minimum_keeps_rule_plus_abstraction():
    t = _transfers(abstraction=5.0, minimum=10.0)
    rule = np.full((3, 1), 30.0)
    np.testing.assert_allclose(t.reference_target(rule), 35.0)
    np.testing.assert_allclose(t.target_release(rule), 35.0)
