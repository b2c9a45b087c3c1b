"""The transport's flow check names the reach that dried, not the reach below it (watershed fuzzing review,
2026-12-05, F1).

A reach whose own withdrawal took all its water used to leave -4.4e-16 m3/s (round-off) at its outlet; the
check looked at every inlet before any outlet, so it reported "no flow at its inlet" of the reach *below*,
with advice (add inflow, an ecological release) that did not apply.  Outlets are now checked before inlets
on the first day with a dry reach, upstream first.
"""

from __future__ import annotations

import numpy as np
import pytest

from hydro.errors import HydroError
from hydro.network import Network, Reach
from hydro.transport_checks import WATERSHED_WITHDRAWAL_KEYS, _check_inputs


def _network():
    def reach(rid, down):
        return Reach(id=rid, name=rid, length_m=10000.0, downstream=down, velocity_coeff=0.3, velocity_exp=0.3,
                     width_coeff=10.0, width_exp=0.4, dispersion_m2_s=0.0, n_cells=1)

    # listed downstream first, so that index order is not upstream order
    return Network((reach("below", None), reach("dried", "below")), ())


def _arrays(n_day=3):
    q_in = np.array([[1.0, 2.0]] * n_day)
    q_out = np.array([[3.0, 1.0]] * n_day)
    return {"q_in": q_in, "q_out": q_out, "withdrawal": np.zeros((n_day, 2)), "lateral": q_out - q_in,
            "res_volume": np.zeros((n_day + 1, 0))}


def test_the_reach_its_withdrawal_dried_is_named_not_the_inlet_below():
    arr = _arrays()
    arr["q_out"][1, 1] = arr["q_in"][1, 0] = -4.440892098500626e-16  # dried on day 1; the reach below's inlet
    arr["withdrawal"][1, 1] = 2.5
    with pytest.raises(HydroError) as e:
        _check_inputs(_network(), arr, ["d0", "d1", "d2"], frozenset({"boundary_flux"}), WATERSHED_WITHDRAWAL_KEYS)
    msg = str(e.value)
    assert msg.startswith("reach 'dried' has no flow at its outlet on d1") and "after 2.5 m3/s was withdrawn" in msg
    assert "max_share below 1" in msg, msg


def test_the_first_dry_day_is_reported_and_on_it_the_reach_upstream():
    arr = _arrays()
    arr["q_out"][2, 1] = 0.0   # the reach above dries on day 2 ...
    arr["q_out"][1, :] = 0.0   # ... both on day 1: the one upstream is named
    with pytest.raises(HydroError, match=r"reach 'dried' has no flow at its outlet on d1 \(0 m3/s\)"):
        _check_inputs(_network(), arr, ["d0", "d1", "d2"], frozenset({"boundary_flux"}))
    arr = _arrays()
    arr["q_in"][0, 0] = -1.0  # an inlet below 0 on an earlier day than any dry outlet is still reported
    arr["q_out"][2, 1] = 0.0
    with pytest.raises(HydroError, match=r"reach 'below' has no flow at its inlet on d0"):
        _check_inputs(_network(), arr, ["d0", "d1", "d2"], frozenset({"boundary_flux"}))
