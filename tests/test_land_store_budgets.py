"""The land stores' budgets close from the results file (whole-basin N budget review, 2026-12-06: only the
groundwater store's relative closure was written; its input and release, and the wash-off store's build-up and
loss, were in memory only, and the run's starting state could not be formed from the file)."""

from __future__ import annotations

import numpy as np
import pytest

import hydro


@pytest.fixture(scope="module")
def miyun():
    return hydro.Model.from_basin("miyun").run("2000-01-01", "2001-12-31")


def test_the_groundwater_store_closes_from_its_input_release_and_storage(miyun):
    gi, gr = miyun["groundwater_n_input"].values, miyun["groundwater_n_release"].values
    gs = miyun["groundwater_n_storage"].values
    start = gs[0] - gi[0] + gr[0]  # the state at the start of the first day
    # each day's storage is the last's plus input less release: exact sums of the same kg, 1e-12 of the store
    np.testing.assert_allclose(start + np.cumsum(gi - gr, axis=0), gs, rtol=0, atol=1e-12 * gs.max())
    assert (gi >= 0).all() and (gr >= 0).all()
    assert miyun["groundwater_n_input"].attrs["units"] == "kg d-1"


def test_the_wash_off_store_says_its_build_up_loss_and_closure(miyun):
    b, lost = miyun["washoff_n_buildup"].values, miyun["washoff_n_loss"].values
    store = miyun["washoff_n_storage"].values
    assert float(miyun.attrs["washoff_n_balance_closure"]) < 1e-12  # round-off of the store's own sums
    assert (b >= 0).all() and (lost == 0).all()  # the shipped stores lose nothing (washoff_loss_per_day 0)
    has = store.max(axis=0) > 0
    assert has.any() and (b[:, ~has] == 0).all()  # only subbasins with a store build one up
    # what the store washed off over the run: build-up less its growth (no loss)
    washed = b.sum(axis=0) - (store[-1] - (store[0] - b[0]))
    assert (washed[has] > 0).all()


def test_a_basin_without_a_wash_off_store_writes_zeros_and_no_closure():
    ds = hydro.Model.from_basin("watershed").run("2001-01-01", "2001-03-31")
    assert float(ds["washoff_n_buildup"].sum()) == 0.0 and float(ds["washoff_n_loss"].sum()) == 0.0
    assert "washoff_n_balance_closure" not in ds.attrs
