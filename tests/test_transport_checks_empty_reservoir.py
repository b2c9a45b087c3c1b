"""An emptied reservoir stops the transport with advice the user can follow."""

from __future__ import annotations

import numpy as np
import pytest

from hydro.basin import Basin
from hydro.errors import HydroError
from hydro.transport_checks import _check_inputs


def test_an_empty_reservoir_names_dead_storage_among_the_remedies():
    # with dead_storage_mcm = 0 (the default) evaporation and releases can empty a reservoir; the
    # advice named only the initial storage and the releases (reservoir operations review)
    net = Basin.load("watershed").network
    n_day, n_reach, n_res = 3, len(net.reaches), len(net.reservoirs)
    assert n_res
    arr = {"q_in": np.ones((n_day, n_reach)), "q_out": np.ones((n_day, n_reach)),
           "boundary_flux": np.zeros((n_day, n_reach, 1)), "withdrawal": np.zeros((n_day, n_reach)),
           "res_volume": np.ones((n_day + 1, n_res))}
    _check_inputs(net, arr, None)
    arr["res_volume"][2, 0] = 0.0
    with pytest.raises(HydroError, match=r"is empty on day 2; .*dead_storage_mcm > 0"):
        _check_inputs(net, arr, None)
