"""Local steps' exchange across a dispersive junction between classes, taken exactly (docs/solver.md,
"Exchanged exactly"): the two cells' relaxation over the coarser step, ``(c_a - c_b) (1 - exp(-dt g
w)) / w`` with ``w = 1/V_a + 1/V_b``, leaves both cells between their concentrations whatever the step,
so ``LocalSteps.exchange_limit`` may exceed 1 (``math.inf``: no chain is refined for an exchange; before,
values above 1 were refused, and these tests fail there).  The kernel's exchange equals the prototype's
(``tests/lts_prototype.py``, same formula) through tests/test_lts_kernel.py.

Accuracy is another matter (docs/solver.md): on this steep junction, exchanged once per coarse step,
the tributary's last cell ends up to 0.5 g/m3 (of 3) above the run whose river is refined to the
tributary's class (``exchange_limit`` 0); the default still refines (0.1).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from test_lts_kernel import ALWAYS, CASES, assert_exact_properties

from hydro.network import Network, Reach
from hydro.transport import Constituent, TransportInputs, simulate
from hydro.transport_args import LTS_COUNTS, LocalSteps
from hydro.validation.problems import empty_inputs, varying_case


def reach(rid, length, n, d, down):
    return Reach(id=rid, name=rid, length_m=length, downstream=down, velocity_coeff=0.3, velocity_exp=0.0,
                 width_coeff=5.0, width_exp=0.4, dispersion_m2_s=d, n_cells=n)


def steep_junction(days=3):
    """tests/test_lts_prototype.py's case: a 2 km tributary (1 km cells, D = 1000 m2/s) at 3 g/m3 joins
    a river of 10 km cells at 0.5 whose own class would be 2 or 3 steps coarser."""
    net = Network((reach("trib", 2e3, 2, 1000.0, "down"), reach("main", 3e4, 3, 50.0, "down"),
                   reach("down", 3e4, 3, 50.0, None)), ())
    kw = empty_inputs(net, days, 1, np.array([[1.0, 5.0, 6.0]] * days))
    kw["boundary_flux"][:, 0, 0] = 3.0 * 1.0
    kw["boundary_flux"][:, 1, 0] = 0.5 * 5.0
    kw["init_conc"][:, 0] = 0.5
    kw["init_conc"][:2, 0] = 3.0
    return net, kw


def test_an_unrefined_steep_junction_keeps_the_range_and_the_balance():
    net, kw = steep_junction()
    counts = np.zeros((3, LTS_COUNTS), dtype=np.int64)
    out = simulate(net, [Constituent("c", "c")], TransportInputs(**kw), courant=1.0, max_substeps=None,
                   local_steps=LocalSteps(min_gain=ALWAYS, exchange_limit=math.inf, counts=counts))
    assert np.all(counts[:, 0] > 0)  # local steps every day
    # two classes every day (runs of chains of classes 0 and 2 or 3): the river was not refined to the
    # tributary's class, so its exchange takes g dt_coarse > V of the tributary's last cell
    assert np.all((counts[:, 1] == 1) & (counts[:, 2:5].sum(axis=1) == 1) & (counts[:, 2] == 0))
    eps = 3e-12  # round-off of a few hundred sub-steps on values of order 1
    assert out.final_concentration.min() >= 0.5 - eps and out.final_concentration.max() <= 3.0 + eps
    assert out.closure() <= 1e-12


@settings(max_examples=15, deadline=None)
@given(CASES)
def test_uniform_range_balance_and_tags_with_no_refinement_for_exchanges(case):
    seed, n_reach, n_day, disp, res, factors = case
    net, kw, gross, lateral, boundary = varying_case(seed, n_reach, n_day, dispersion=disp, reservoir=res)
    steps = LocalSteps(min_gain=ALWAYS, refine=np.array(factors[:n_reach]), exchange_limit=math.inf)
    assert_exact_properties(net, kw, gross, lateral, boundary, seed, steps)  # as test_lts_kernel's


@pytest.mark.parametrize("bad", [-0.1, math.nan])
def test_a_negative_or_missing_exchange_limit_is_refused(bad):
    net, kw = steep_junction(1)
    with pytest.raises(ValueError, match="exchange_limit >= 0"):
        simulate(net, [Constituent("c", "c")], TransportInputs(**kw), local_steps=LocalSteps(exchange_limit=bad))
