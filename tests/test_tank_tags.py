"""A reservoir's tank step is linear in its tags (``tank_apply``): two tags' results add up to the
result of their sum, also where one tag enters with a negative inflow (a flux inlet's per-tag share
can be below 0); its clamps at 0 act only against round-off where a tag's inputs are not negative
(docs/solver.md, "Dispersion every K advection sub-steps", step 2 of the fix of 2026-12-05)."""

from __future__ import annotations

import pytest

from hydro._transport_kernels import tank_apply, tank_coefficients, tank_tau


def _step(m0, a_in, v0, v1, dt=3600.0, q_out=2.0, settling_area=50.0, rate=1e-6):
    """One tank step (masses g, inflow g s-1, volumes m3, seconds, m3 s-1, m2 ... as tank_apply takes
    them): ``(m1, out_m, removed, integral)``."""
    tau = tank_tau(v0, v1, dt)
    removal, o, beta, decay = tank_coefficients(v0, v1, tau, q_out, settling_area, rate, dt)
    return tank_apply(m0, a_in, v0, v1, dt, tau, q_out, removal, o, beta, decay)


# filling; draining to almost empty; draining faster than the outflow, no settling (beta < 0: the
# solution's second form, whose end concentration the old code also clamped)
@pytest.mark.parametrize(("v0", "v1", "settling"), [(1e4, 1.2e4, 50.0), (1e4, 10.0, 50.0), (1e4, 10.0, 0.0)])
def test_tags_add_up_where_one_enters_below_zero(v0, v1, settling):
    """Tags (1 g, -0.05 g/s) and (100 g, 0.2 g/s): each output of the sum is the sum of the outputs to
    round-off (1e-12 of the mass the step handles, ``m0 + |a_in| dt`` of the larger tag: the end mass is
    that less what left, a difference of such masses; measured 1e-15 of it).  The first tag's integral
    is below 0, which the old clamp set to 0 (its outflow then 0: the tags' outflows no longer added
    up)."""
    a, b = _step(1.0, -0.05, v0, v1, settling_area=settling), _step(100.0, 0.2, v0, v1, settling_area=settling)
    both = _step(101.0, 0.15, v0, v1, settling_area=settling)
    assert a[3] < 0.0
    scale = 100.0 + 0.2 * 3600.0
    for x, y, z in zip(a, b, both, strict=True):
        assert abs(x + y - z) <= 1e-12 * scale


def test_a_tag_with_non_negative_inputs_never_leaves_below_zero():
    """Draining a tank to 10 m3 at 2 m3/s in an hour (evaporation beyond the inflow, the branch without
    c_eq): mass, outflow and integral of a tag with m0, a_in >= 0 stay >= 0."""
    for m0, a_in in ((0.0, 0.0), (1e-300, 0.0), (5.0, 0.0), (0.0, 1e-3)):
        m1, out_m, removed, integral = _step(m0, a_in, 1e4, 10.0)
        assert m1 >= 0.0 and out_m >= 0.0 and removed >= 0.0 and integral >= 0.0
