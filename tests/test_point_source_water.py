"""A point source's load enters where its water does (outside review, 2026-12-04).

A plant's (or a flow-driven basin's ``[[forcing.point_sources]]``) water was added to its reach's
lateral inflow, spread along the reach by each cell's share, while its load went into one cell.
With the river and the effluent both at 1.7 mg/L, the reach showed 1.47 mg/L above the outfall and
1.86 below it (outside the range of every input), and dispersion carried the error into the
tributaries above.  The load now enters with its water (``hydro.transport.along_reach``); a load
without water keeps its cell (the analytical ``point_source`` case).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import hydro
from hydro.transport import Constituent, TransportInputs, along_reach, simulate
from hydro.transport_args import LocalSteps
from hydro.validation.problems import ranged_inputs, uniform_inputs, varying_case

CASES = st.tuples(st.integers(0, 10_000), st.integers(1, 12), st.integers(1, 6), st.booleans(), st.booleans())


def _with_plants(net, kw, gross, rng, conc):
    """Part of some reaches' lateral water (20-90 %) comes from a plant at ``conc`` (g m-3 per day,
    (D, P) or a number): the lateral load loses what the plant brings, the water is unchanged."""
    n_reach = gross.shape[1]
    reaches = np.flatnonzero(rng.random(n_reach) < 0.6)
    flow = gross[:, reaches] * rng.uniform(0.2, 0.9, len(reaches))
    conc_lateral = kw["lateral_load"][:, reaches, 0] / gross[:, reaches]
    kw = dict(kw)
    kw["lateral_load"] = kw["lateral_load"].copy()
    kw["lateral_load"][:, reaches, 0] -= conc_lateral * flow
    kw["point_cell"] = np.array([along_reach(r) for r in reaches], dtype=np.int64)
    kw["point_load"] = (conc * flow)[:, :, None]
    return kw


@settings(max_examples=40, deadline=None)
@given(CASES, st.booleans())
def test_uniform_field_stays_uniform_with_plants_bringing_water(case, local_steps):
    seed, n_reach, n_day, disp, res = case
    net, kw, gross, local, boundary = varying_case(seed, n_reach, n_day, dispersion=disp, reservoir=res)
    kw = _with_plants(net, uniform_inputs(kw, gross, local, boundary), gross, np.random.default_rng(seed), 1.0)
    # local time steps (refined reaches, as test_lts_kernel.py) share the sources with the global step
    steps = LocalSteps(min_gain=1e-9, refine=np.array([1 + 3 * (r % 2) for r in range(n_reach)])) \
        if local_steps else None
    tr = simulate(net, [Constituent("c", "c")], TransportInputs(**kw), local_steps=steps, max_substeps=None)
    # round-off only: a few hundred sub-steps of ~1e-16 relative each (as test_transport_consistency.py)
    for a in (tr.final_concentration, tr.reach_concentration, tr.section_concentration,
              tr.reservoir_concentration):
        if a.size:
            np.testing.assert_allclose(a, 1.0, rtol=1e-12)


@settings(max_examples=30, deadline=None)
@given(CASES)
def test_no_concentration_leaves_the_range_of_its_inputs_with_plants(case):
    seed, n_reach, n_day, disp, res = case
    net, kw, gross, local, boundary = varying_case(seed, n_reach, n_day, dispersion=disp, reservoir=res)
    rng = np.random.default_rng(seed + 1)
    lo, hi = 0.5, 3.0
    kw = ranged_inputs(net, kw, gross, local, boundary, rng, lo, hi)
    kw = _with_plants(net, kw, gross, rng, rng.uniform(lo, hi, (n_day, 1)))
    tr = simulate(net, [Constituent("c", "c")], TransportInputs(**kw), courant=1.0)
    eps = 1e-12 * hi  # round-off
    for a in (tr.final_concentration, tr.reach_concentration, tr.section_concentration,
              tr.reservoir_concentration):
        if a.size:
            assert a.min() >= lo - eps and a.max() <= hi + eps


BASIN = """
[basin]
name = "outfall"
[run]
start = 2020-01-01
end = 2020-01-20
[[constituents]]
name = "tn"
river_removal_per_day = 0.0
[[reaches]]
id = "up"
downstream = "r"
length_km = 5
cells = 5
velocity_coeff = 0.3
velocity_exp = 0.3
width_coeff = 8
width_exp = 0.5
dispersion_m2_s = {disp}
[[reaches]]
id = "r"
length_km = 20
cells = 20
velocity_coeff = 0.3
velocity_exp = 0.3
width_coeff = 8
width_exp = 0.5
dispersion_m2_s = {disp}
{sections}
[forcing]
[[forcing.inflows]]
at = "up"
flow_m3_s = 10.0
condition = "concentration"
tn_mg_per_l = 1.7
[[forcing.point_sources]]
id = "plant"
reach = "r"
position = 0.6
flow_m3_s = 3.0
tn_mg_per_l = {plant}
[initial]
tn_mg_per_l = 1.7
"""


@pytest.mark.parametrize("disp", [0.0, 100.0])
def test_an_outfall_at_the_rivers_concentration_changes_nothing_along_the_reach(tmp_path, disp):
    # the reviewer's case: sections above and below an outfall at 0.6 of a 20-cell reach, and the reach above
    sections = "".join(f'[[sections]]\nid = "s{int(p * 100)}"\nreach = "r"\nposition = {p}\n'
                       for p in (0.1, 0.3, 0.55, 0.65, 0.8, 1.0))
    folder = Path(tmp_path)
    (folder / "basin.toml").write_text(BASIN.format(disp=disp, sections=sections, plant=1.7), encoding="utf-8")
    ds = hydro.Model.from_basin(folder).run()
    # round-off of 20 days of sub-steps (measured before the fix: 1.4678 to 1.859, and 8 % low upstream)
    np.testing.assert_allclose(ds["section_tn_concentration"].values, 1.7, rtol=1e-12)
    np.testing.assert_allclose(ds["tn_concentration"].values, 1.7, rtol=1e-12)
    # a cleaner plant dilutes the river from its reach down, never the reach above (without dispersion)
    (folder / "basin.toml").write_text(BASIN.format(disp=disp, sections=sections, plant=0.5), encoding="utf-8")
    ds = hydro.Model.from_basin(folder).run()
    last = ds["tn_concentration"].isel(time=-1)
    outlet = (10.0 * 1.7 + 3.0 * 0.5) / 13.0
    assert float(last.sel(reach="r")) == pytest.approx(outlet, rel=1e-9)  # steady, no removal: mixing
    if disp == 0.0:
        assert float(last.sel(reach="up")) == pytest.approx(1.7, rel=1e-12)
    budget = ds["tn_budget_reach"].sel(budget_term="point_load").sum("budget_year")
    assert float(budget.sel(reach="r")) == pytest.approx(3.0 * 0.5 * 86.4 * 20, rel=1e-9)  # kg in 20 days
    assert float(budget.sel(reach="up")) == 0.0
