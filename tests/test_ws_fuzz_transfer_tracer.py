"""Sources off, rivers and lakes starting at 0 mg/L, removal off, every inflow transfer at C: TN is C
times the transferred water everywhere, because TN and the transfer tracer ride the same transport
(the watershed analogue of 'a uniform field stays uniform': transferred water carries C, natural
water 0).  Through withdrawals, reach and outlet-reservoir abstractions, reservoirs with
evaporation, accumulated and routed flows.  Evaporation is where they part: it takes a lake's water
and leaves its TN (tests/test_transfer_evaporation.py), so the identity is checked with the tracer's
evaporation sink off, and with it on the lakes' TN is at least C times their transferred share.

section_transfer_discharge is the transferred water's *net* flux (advective and dispersive, as
section_tn_load), so loads are C times it exactly; section_tn_concentration is advective, so its share
of C differs from section_transfer_discharge / section_discharge by the dispersive flux (up to 1.5 % of
C on these seeds, F3 of the review: documented, docs/basin-file.md, rather than changed, since the net
flux is what sums to the transferred volume that passed a section, which water = "natural" rules
subtract).
"""

import numpy as np
import pytest
from ws_fuzz_basins import make_ws_basin

import hydro
from hydro import pipeline_steps

CONC = 2.5
SEEDS = [0, 1, 2, 5, 9, 14, 18, 21]


def _run(seed, tmp_path):
    m = make_ws_basin(seed, tmp_path, sources="none", initial_c=0.0, transfer_c=CONC, removal=False)
    assert any(t[1] == "inflow" for t in m["transfers"])
    return m, hydro.Model.from_basin(tmp_path).run()


@pytest.mark.parametrize("seed", SEEDS)
def test_loads_and_lakes_are_c_times_transferred_water(seed, tmp_path, monkeypatch):
    # the tracer left in the lake as TN is when its surface evaporates (the sink off): the same transport
    monkeypatch.setattr(pipeline_steps, "lake_evaporation", lambda hyd, rain: np.zeros_like(hyd.res_area))
    _, ds = _run(seed, tmp_path)
    q_t = ds.section_transfer_discharge.values
    np.testing.assert_allclose(ds.section_tn_load.values, 86.4 * CONC * q_t, rtol=1e-9,
                               atol=1e-12 * float(np.abs(ds.section_tn_load.values).max()))
    if "reservoir_transfer_share" in ds:
        np.testing.assert_allclose(ds.reservoir_tn_concentration.values, CONC * ds.reservoir_transfer_share.values,
                                   rtol=1e-9, atol=1e-12 * CONC)
    for v in ("tn_concentration", "section_tn_concentration"):
        assert np.nanmax(ds[v].values) <= CONC * (1 + 1e-12)
        assert np.nanmin(ds[v].values) >= 0.0


@pytest.mark.parametrize("seed", SEEDS)
def test_evaporation_concentrates_a_lakes_tn_and_not_its_transferred_share(seed, tmp_path):
    _, ds = _run(seed, tmp_path)
    if "reservoir_transfer_share" not in ds or not (ds.reservoir_transfer_share.values > 0).any():
        pytest.skip("no transferred water reaches a reservoir of this basin")
    share, tn = ds.reservoir_transfer_share.values, ds.reservoir_tn_concentration.values
    assert (share >= 0.0).all() and (share <= 1.0 + 1e-12).all()
    # TN = C x share where nothing evaporated, above it after (1e-9: the two tracers' round-off, as above)
    assert (tn >= CONC * share * (1 - 1e-9) - 1e-12 * CONC).all()
    assert (tn > CONC * share * (1 + 1e-6)).any(), "the lakes evaporated: their TN should be concentrated"


@pytest.mark.parametrize("seed", SEEDS)
def test_the_transferred_share_differs_from_the_concentrations_by_dispersion_alone(seed, tmp_path):
    _, ds = _run(seed, tmp_path)
    q = ds.section_discharge.values
    share = ds.section_transfer_discharge.values / q
    # the advective share (TN / C) is in [0, 1]; the net flux's share departs from it by the dispersive flux
    tn_share = ds.section_tn_concentration.values / CONC
    assert (tn_share >= -1e-12).all() and (tn_share <= 1 + 1e-12).all()
    # docs/basin-file.md quotes "up to 1.5 % of the transferred concentration in random test basins":
    # these seeds (largest 0.0145, seed 5, 2026-12-05); a change of the dispersive flux moves it
    assert np.abs(share - tn_share).max() <= 0.015
    # over the run no section passes more transferred water than came in (reaches and reservoirs)
    came_in = sum(float(ds[v].sum()) for v in ("reach_transfer_inflow", "reservoir_transfer_inflow") if v in ds)
    assert ds.section_transfer_discharge.values.sum(axis=0).max() <= came_in * (1 + 1e-9)
