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


def test_a_reservoir_emptied_by_evaporation_is_not_told_to_add_dead_storage():
    # a shallow reservoir with dead storage that evaporation drained below it, releasing nothing, was told
    # to "give it a dead_storage_mcm > 0 ... or lower its releases" (outside review, 2026-12-04)
    net = Basin.load("watershed").network
    n_day, n_reach, n_res = 3, len(net.reaches), len(net.reservoirs)
    arr = {"q_in": np.ones((n_day, n_reach)), "q_out": np.ones((n_day, n_reach)),
           "boundary_flux": np.zeros((n_day, n_reach, 1)), "withdrawal": np.zeros((n_day, n_reach)),
           "res_volume": np.ones((n_day + 1, n_res)), "res_outflow": np.ones((n_day, n_res))}
    arr["res_volume"][2, 0] = 0.0
    arr["res_outflow"][1, 0] = 0.0  # nothing let out on the day that emptied it
    with pytest.raises(HydroError, match=r"released nothing that day, so evaporation .*lower its "
                                         r"evaporation_mm_per_day") as err:
        _check_inputs(net, arr, None)
    assert "give it a dead_storage_mcm" not in str(err.value)
    arr["res_outflow"][1, 0] = 2.0  # it released: the old advice
    with pytest.raises(HydroError, match=r"dead_storage_mcm > 0 .*lower its releases"):
        _check_inputs(net, arr, None)
