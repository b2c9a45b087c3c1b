"""Withdrawal requests are checked before the routing kernel reads them.

The kernel reads each request's flow by day unchecked (Numba does not check bounds): a series
shorter than the run was read past its end (garbage taken on the later days), a reach index out
of range was dropped and a NaN flow took nothing, silently.  Both routings now refuse them.
"""

from __future__ import annotations

import numpy as np
import pytest
from test_routed_withdrawals import run, tree

from hydro.errors import HydroError
from hydro.withdrawal_requests import WithdrawalRequests, withdrawn_lateral

N_DAY = 50


def _one(reach=1, flow=1.0, share=0.9, n_day=N_DAY):
    return WithdrawalRequests(np.array([reach], dtype=np.int64), np.full((1, n_day), flow), np.array([share]))


@pytest.mark.parametrize(("asked", "message"), [
    (_one(n_day=3), r"flow \(n, 50\) m3/s \(one a day of the run\).*\(1, 3\)"),
    (_one(reach=7), r"request 0: reach index 7 is not one of the 5 reaches"),
    (_one(reach=-1), r"request 0: reach index -1 is not one of the 5 reaches"),
    (_one(flow=np.nan), r"request 0 on reach 'r1' asks nan m3/s on day 0; a requested flow is >= 0"),
    (_one(flow=-2.0), r"request 0 on reach 'r1' asks -2 m3/s on day 0"),
    (_one(share=1.5), r"request 0 on reach 'r1' has share 1.5; a share of the available water is 0-1"),
], ids=["short-series", "reach-past-the-end", "negative-reach", "nan-flow", "negative-flow", "share-over-1"])
def test_bad_requests_are_refused_by_both_routings(asked, message):
    lateral = np.full((N_DAY, 5), 2.0)
    with pytest.raises(HydroError, match=message):
        run(tree(), lateral, np.zeros_like(lateral), asked)
    z = np.zeros((N_DAY, 0))
    with pytest.raises(HydroError, match=message):
        withdrawn_lateral(tree(), asked, lateral, z, z, z, np.ones(N_DAY, dtype=np.int64))[1]


def test_good_requests_pass_unchanged():
    """A channel loss (inf) and a requested flow of 0 are requests like any other."""
    lateral = np.full((N_DAY, 5), 2.0)
    asked = WithdrawalRequests(np.array([1, 0]), np.vstack([np.full(N_DAY, np.inf), np.zeros(N_DAY)]),
                               np.array([0.25, 1.0]))
    h = run(tree(), lateral, np.zeros_like(lateral), asked)
    assert h.withdrawn[:, 0].max() == 0 and h.withdrawn[:, 1].min() > 0
