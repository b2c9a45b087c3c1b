"""Inputs per tracer given as None (``boundary_flux``, ``boundary_conc``, ``init_inlet_debt``) are +0.0, known
without reading an array of them (:func:`hydro.transport_checks.arrays`): a run given None computes, to the bit
and sign, what a run given arrays of +0.0 computes, on one thread and two, with dead sources left out of the
kernel and without; and those zeros are neither checked nor searched (a watershed run's boundaries)."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from test_deadsrc_review import assert_identical, run, tagged_case

from hydro import transport_args, transport_checks

NAMES = ("boundary_flux", "boundary_conc", "init_inlet_debt")


def _zeros_and_none(dead):
    net, inputs = tagged_case(11, 6, 4, True, True, dead, False)
    zeros = dataclasses.replace(inputs, **{n: np.zeros_like(inputs.boundary_flux[0] if n == "init_inlet_debt"
                                                            else inputs.boundary_flux) for n in NAMES})
    return net, zeros, dataclasses.replace(inputs, **dict.fromkeys(NAMES))


@pytest.mark.parametrize("dead", [[set(), set()], [{1}, {0, 2}]], ids=["none", "some"])
@pytest.mark.parametrize("threads", [1, 2])
@pytest.mark.parametrize("skip", [True, False])
def test_none_is_zeros_to_the_bit(dead, threads, skip):
    net, zeros, none = _zeros_and_none(dead)
    assert not np.all(zeros.lateral_load == 0)  # the run still carries something
    assert_identical(run(net, none, skip, threads=threads), run(net, zeros, skip, threads=threads))


def test_none_is_neither_checked_nor_searched(monkeypatch):
    net, _, none = _zeros_and_none([{1}, {0, 2}])
    checked, searched = [], []
    real_isfinite, real_or = np.isfinite, np.bitwise_or.reduce

    def isfinite(a, *args, **kw):
        checked.append(a.shape)
        return real_isfinite(a, *args, **kw)

    monkeypatch.setattr(transport_checks.np, "isfinite", isfinite)
    arr, _, zero = transport_checks.arrays(net, none.lateral_load.shape[-1], none, None)
    assert zero == frozenset(NAMES)
    assert all(np.array_equal(arr[n], np.zeros(arr[n].shape)) and not np.signbit(arr[n]).any() for n in NAMES)
    assert len(checked) == len(arr) - len(NAMES)  # every other input checked
    with pytest.raises(transport_checks.HydroError, match="lateral_load is not finite"):
        bad = dataclasses.replace(none, lateral_load=np.where(none.lateral_load > 0, np.nan, 0.0))
        transport_checks.arrays(net, none.lateral_load.shape[-1], bad, None)

    class Spy:  # np.bitwise_or's reduce, counting the arrays it searches
        def reduce(self, a, *args, **kw):
            searched.append(a.shape)
            return real_or(a, *args, **kw)

    monkeypatch.setattr(transport_args.np, "bitwise_or", Spy())
    lay = net.layout
    group = transport_checks.grouping(*_layout_args())
    transport_args.live_sources(arr, group, _layout_args()[0], np.ones(lay.n_cells), np.zeros(lay.n_cells),
                                lay.cell_reach, True, zero)
    assert len(searched) == len(transport_args.TRACER_INPUTS) - len(NAMES)


def _layout_args():
    from test_deadsrc_review import LAYOUT

    return LAYOUT.tracers, LAYOUT.groups, LAYOUT.group_species, LAYOUT.reactions
