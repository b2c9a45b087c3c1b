"""Hydrology core, recomputed independently (review of 2026-12-01).

Each test here re-derives a number from the published formulation with code
that shares nothing with the package but numpy, so a wrong constant, sign or
index in the package shows as a difference:

* Muskingum-Cunge on one reach against a plain-numpy storage-form scheme whose
  K, X, cell length and sub-steps are computed here from Cunge's formulas
  (``K = dx / c``, ``X = 1/2 (1 - Q / (B S c dx))`` clamped to
  ``[0, min(Cr/2, 1 - Cr/2)]``, ``n_t = round(c 86400 / dx)``);
* a reservoir's daily balance (evaporation from area x rate, release limited by
  dead storage, ecological minimum, spill above full supply) written out;
* GR4J's production store at its limits (empty, full, a flood far above x1);
* GR4J + CemaNeige daily water balance on random weighted bands (hypothesis);
* Oudin PET: latitude in degrees carried to radians, day 366 of leap years.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from hydro.daily_forcing import DailyForcing
from hydro.hydraulics import SECONDS_PER_DAY, accumulate
from hydro.network import Network, Reach, Reservoir
from hydro.pet import day_of_year, extraterrestrial_radiation, oudin_pet
from hydro.routing import route
from hydro.runoff import GR4JParameters, GR4JState, gr4j
from hydro.runoff_registry import runoff_model
from hydro.snow import SnowBands


# ----------------------------------------------------------------------------- Muskingum-Cunge
def plain_muskingum_cunge(inflow, length, n_cell, c, width_per_q, slope):
    """One reach, constant celerity ``c`` (m/s) and ``B = width_per_q Q`` (so X is constant).

    Returns the daily mean outflow (m3/s), the K (s), X and sub-steps used.
    Inflow is constant within each day (daily means); storage form:
    ``S1 = S0 + dt/2 (I0 + I1 - O0 - O1)``, ``S1 = K (X I1 + (1 - X) O1)``.
    """
    dx = length / n_cell
    n_t = max(1, math.floor(c * SECONDS_PER_DAY / dx + 0.5))
    dt = SECONDS_PER_DAY / n_t
    k = max(dx / c, dt / 2)
    cr = dt / k
    # Q / (B S c dx) with B = width_per_q Q: Q cancels
    x = 0.5 * (1.0 - 1.0 / (width_per_q * slope * c * dx))
    x = min(max(x, 0.0), 0.5 * cr, 1.0 - 0.5 * cr)
    out = np.full(n_cell, inflow[0])
    store = k * out  # steady state of the first day
    daily = np.empty(len(inflow))
    for d, q_in in enumerate(inflow):
        total = 0.0
        for _ in range(n_t):
            i_old = i_new = q_in
            for j in range(n_cell):
                o_old = out[j]
                o_new = (store[j] + dt / 2 * (i_old + i_new - o_old) - k * x * i_new) / (k * (1 - x) + dt / 2)
                store[j] += dt / 2 * (i_old + i_new - o_old - o_new)
                out[j] = o_new
                i_old, i_new = o_old, o_new
            total += 0.5 * (i_old + i_new)
        daily[d] = total / n_t
    return daily, k, x, n_t


@pytest.mark.parametrize("length, n_cell, c, width_per_q, slope", [
    (150e3, 3, 1.0, 0.5, 2e-4),     # X inside (0, 1/2): Cunge's value, 2 sub-steps a day
    (90e3, 9, 0.8, 0.05, 1e-4),     # X < 0 by the formula: clamped to 0
    (40e3, 2, 0.35, 5.0, 1e-3),     # Cunge's X above Cr/2: limited by the Courant number
    (20e3, 1, 1.7, 1.0, 5e-4),      # one cell, many sub-steps
])
def test_muskingum_cunge_matches_a_plain_numpy_reach(length, n_cell, c, width_per_q, slope):
    """Outflow of a flood through one reach equals the plain scheme to round-off.

    Tolerance 1e-9 relative: both do the same ~1e3-1e4 floating operations per day
    in a different order (1e-13 expected); a different K, X or n_t moves the
    outflow by percent (checked below with a 10 % faster celerity).
    """
    rng = np.random.default_rng(3)
    n_day = 40
    inflow = 20.0 + np.where(rng.random(n_day) < 0.3, rng.gamma(1.0, 150.0, n_day), 0.0)
    net = Network((Reach(id="r", name="r", length_m=length, downstream=None, velocity_coeff=c,
                         velocity_exp=0.0, width_coeff=width_per_q, width_exp=1.0,
                         dispersion_m2_s=0.0, n_cells=1),))
    z = np.zeros((n_day, 0))
    h = route(net, np.array([slope]), np.zeros((n_day, 1)), inflow[:, None], z, z, z,
              np.ones(n_day, dtype=np.int64), sub_reaches=np.array([n_cell]))
    want, _, _, n_t = plain_muskingum_cunge(inflow, length, n_cell, c, width_per_q, slope)
    assert (h.substeps[:, 0] == n_t).all()
    np.testing.assert_allclose(h.q_out[:, 0], want, rtol=1e-9, atol=0)
    # the check can fail: a celerity 10 % off changes the outflow far beyond the tolerance
    other, *_ = plain_muskingum_cunge(inflow, length, n_cell, 1.1 * c, width_per_q, slope)
    assert np.abs(other - want).max() > 1e-3 * want.max()


def test_cunge_travel_time_and_attenuation_of_a_long_reach():
    """The centroid of a pulse moves by L / c; its variance grows by 2 D L / c^3.

    Linear channel, c = 1 m/s, D = Q / (2 B S) = 1 / (2 * 0.5 * 2e-4) = 5000 m2/s,
    L = 300 km in 60 cells of 5 km (Cr = 1 with 17 sub-steps a day... X = 1/2 - D/(c dx)
    = -0.5: clamped at 0, so the scheme diffuses c dx / 2 = 2500 m2/s, not 5000).
    Centroid within 2 % of L/c (3.47 d): the daily averaging of a step input is
    exact for the centroid up to the half-day offset removed here.
    """
    n_day = 60
    inflow = np.full(n_day, 10.0)
    inflow[3] = 110.0
    length, c = 300e3, 1.0
    net = Network((Reach(id="r", name="r", length_m=length, downstream=None, velocity_coeff=c,
                         velocity_exp=0.0, width_coeff=0.5, width_exp=1.0, dispersion_m2_s=0.0,
                         n_cells=1),))
    z = np.zeros((n_day, 0))
    h = route(net, np.array([2e-4]), np.zeros((n_day, 1)), inflow[:, None], z, z, z,
              np.ones(n_day, dtype=np.int64))
    excess_in, excess_out = inflow - 10.0, h.q_out[:, 0] - 10.0
    days = np.arange(n_day)
    lag = (days * excess_out).sum() / excess_out.sum() - (days * excess_in).sum() / excess_in.sum()
    assert abs(lag - length / c / SECONDS_PER_DAY) < 0.02 * length / c / SECONDS_PER_DAY
    np.testing.assert_allclose(excess_out.sum(), excess_in.sum(), rtol=1e-9)
    assert h.q_out[:, 0].max() < 0.6 * inflow.max()  # attenuated


# ----------------------------------------------------------------------------- reservoir
def plain_reservoir(v0, inflow, evap, rain, target, eco, dead, full, curve_v, curve_a):
    """One reservoir-day written out from docs: evaporation on the start-of-day area."""
    area = np.interp(v0, curve_v, curve_a)
    net = (evap - rain) / 1000.0 * area
    water = v0 + inflow * SECONDS_PER_DAY - net
    if water < 0.0:  # not enough water to evaporate: all of it goes
        net += water
        water = 0.0
    release = min(max(target, eco), max(water - dead, 0.0) / SECONDS_PER_DAY)
    v1 = water - release * SECONDS_PER_DAY
    spill = max(v1 - full, 0.0) / SECONDS_PER_DAY
    return min(v1, full), release, spill, net


def test_reservoir_rules_written_out_over_dry_and_wet_years():
    """Accumulated flows through a reservoir that spills, empties to dead storage and
    evaporates more than it gets: every day as the plain rules, to round-off.

    The ecological minimum is honoured on every day the water above dead storage
    allows it, and the release never takes the lake below dead storage by itself.
    """
    res = Reservoir(id="lake", name="lake", downstream="below", level_m=(100.0, 110.0, 120.0),
                    area_m2=(2e6, 6e6, 9e6), storage_m3=(0.0, 3e7, 9e7), full_supply_level_m=118.0,
                    dead_storage_m3=5e6, initial_storage_m3=4e7,
                    target_release_m3_s=tuple([4.0] * 6 + [9.0] * 6), ecological_min_m3_s=6.0)
    below = Reach(id="below", name="below", length_m=1e4, downstream=None, velocity_coeff=0.5,
                  velocity_exp=0.3, width_coeff=10.0, width_exp=0.4, dispersion_m2_s=0.0, n_cells=1)
    net = Network((below,), (res,))
    rng = np.random.default_rng(17)
    n_day = 730
    wet = np.where((np.arange(n_day) // 120) % 2 == 0, 1.0, 0.02)
    local = (rng.gamma(0.6, 25.0, n_day) * wet)[:, None]
    evap = rng.uniform(0.0, 12.0, (n_day, 1))
    rain = rng.gamma(0.3, 4.0, (n_day, 1))
    months = (np.arange(n_day) // 30) % 12 + 1
    h = accumulate(net, np.zeros((n_day, 1)), np.zeros((n_day, 1)), local, evap, rain, months)
    full = res.full_supply_storage_m3
    np.testing.assert_allclose(full, 3e7 + 0.8 * 6e7, rtol=1e-15)
    v = res.initial_storage_m3
    curve_v, curve_a = np.array(res.storage_m3), np.array(res.area_m2)
    for d in range(n_day):
        v, rel, spill, net_evap = plain_reservoir(v, local[d, 0], evap[d, 0], rain[d, 0],
                                                   res.target_release_m3_s[months[d] - 1], 6.0,
                                                   5e6, full, curve_v, curve_a)
        # 1e-9 relative: the same few operations in another order on 1e7-1e8 m3
        np.testing.assert_allclose([h.res_volume[d + 1, 0], h.res_release[d, 0], h.res_spill[d, 0],
                                    h.res_evaporated[d, 0]], [v, rel, spill, net_evap],
                                   rtol=1e-9, atol=1e-6)
    assert (h.res_spill > 0).any() and (h.res_release < 6.0).any()  # both limits were reached
    start = h.res_volume[:-1, 0]
    room = start + local[:, 0] * SECONDS_PER_DAY - h.res_evaporated[:, 0] - 5e6
    honoured = room >= 6.0 * SECONDS_PER_DAY
    assert (h.res_release[honoured, 0] >= 6.0 - 1e-12).all()
    assert h.water_balance_error() < 1e-12
    np.testing.assert_allclose(h.q_in[:, 0], h.res_outflow[:, 0], rtol=1e-15)


# ----------------------------------------------------------------------------- GR4J limits
def test_production_store_at_its_limits():
    """Perrin et al. (2003) eqs. 3-5 at S = 0, S = x1 and a storm far above x1.

    * Full store (S = x1): no rain enters it (Ps = 0), evaporation Es = x1 tanh(En/x1)
      (eq. 4 with S/x1 = 1), percolation x1 (1 - (1 + (4/9)^4)^-1/4).
    * Empty store: no evaporation; a 10,000 mm storm on x1 = 100 mm fills it to x1 (tanh = 1).
    """
    x1 = 100.0
    params = GR4JParameters(x1, 0.0, 50.0, 1.5)
    perc_full = x1 * (1.0 - (1.0 + (4.0 / 9.0) ** 4) ** -0.25)
    # full store, rain
    full = GR4JState(np.array([x1]), np.array([0.0]), np.zeros((1, 2)), np.zeros((1, 3)))
    r = gr4j(np.array([30.0]), np.array([0.0]), params, initial=full)
    np.testing.assert_allclose(r.production_store_mm, [x1 - perc_full], rtol=1e-14)
    # full store, evaporation only
    r = gr4j(np.array([0.0]), np.array([4.0]), params, initial=full)
    es = x1 * math.tanh(4.0 / x1)
    np.testing.assert_allclose(r.aet_mm, [es], rtol=1e-14)
    s1 = x1 - es
    np.testing.assert_allclose(r.production_store_mm,
                               [s1 * (1.0 + (4.0 / 9.0 * s1 / x1) ** 4) ** -0.25], rtol=1e-14)
    # empty store: nothing to evaporate; a huge storm fills it exactly
    empty = GR4JState(np.array([0.0]), np.array([0.0]), np.zeros((1, 2)), np.zeros((1, 3)))
    r = gr4j(np.array([0.0]), np.array([5.0]), params, initial=empty)
    assert r.aet_mm[0] == 0.0 and r.production_store_mm[0] == 0.0
    r = gr4j(np.array([1e4]), np.array([0.0]), params, initial=empty)
    np.testing.assert_allclose(r.production_store_mm, [x1 - perc_full], rtol=1e-14)
    assert 0.0 <= r.production_store_mm[0] <= x1


# ----------------------------------------------------------------------------- water balance
@st.composite
def snow_case(draw):
    seed = draw(st.integers(0, 2**32 - 1))
    n_unit = draw(st.integers(1, 3))
    rng = np.random.default_rng(seed)
    bands = []
    for _ in range(n_unit):
        n_band = int(rng.integers(1, 6))
        z = np.sort(rng.uniform(200.0, 4500.0, n_band))
        frac = rng.uniform(0.1, 1.0, n_band) if rng.random() < 0.5 else None
        bands.append(SnowBands(float(rng.uniform(100.0, 2000.0)), tuple(z),
                               None if frac is None else tuple(frac / frac.sum()),
                               solid_fraction=str(rng.choice(["hydrotel", "usace", "auto"]))))
    params = {"x1_mm": rng.uniform(20, 1500, n_unit), "x2_mm_per_day": rng.uniform(-8, 4, n_unit),
              "x3_mm": rng.uniform(5, 400, n_unit), "x4_days": rng.uniform(0.5, 7, n_unit),
              "ctg": rng.uniform(0, 0.99, n_unit), "kf_mm_per_c_per_day": rng.uniform(0, 10, n_unit)}
    return rng, n_unit, bands, params


@settings(max_examples=25, deadline=None)
@given(snow_case())
def test_gr4j_cemaneige_balance_closes_every_day_on_random_bands(case):
    """P - AET + exchange - Q = change of all stores (snow, soil, routing, UHs), each day.

    Daily from the model's own series: the snow pack (band mean, by area) and the
    GR4J stores; 1e-9 mm relative to the day's gross flux plus the stores
    (each day is ~100 operations on numbers up to 1e3 mm: round-off ~1e-13).
    """
    rng, n_unit, bands, params = case
    n_day = 200
    dates = np.datetime64("2019-10-01") + np.arange(n_day)
    tmean = rng.normal(0.0, 8.0, (n_unit, n_day))
    spread = rng.uniform(0.0, 12.0, (n_unit, n_day))
    precip = rng.gamma(0.5, 10.0, (n_unit, n_day)) * (rng.random((n_unit, n_day)) < 0.4)
    pet = rng.uniform(0.0, 6.0, (n_unit, n_day))
    forcing = DailyForcing(dates, precip, tmean, tmean - spread / 2, tmean + spread / 2, pet)
    model = runoff_model("gr4j_cemaneige", n_unit, bands)
    res = model.run(forcing, params, model.initial_state(params, snow_pack_mm=rng.uniform(0, 80),
                                                          thermal_state_c=-rng.uniform(0, 5)))
    g, snow = res.parts["gr4j"], res.parts["snow"]
    change = res.storage_end_mm - res.storage_start_mm  # whole-run check first
    total = (res.precip_mm + res.exchange_mm - res.aet_mm - res.q_mm).sum(axis=1)
    np.testing.assert_allclose(total, change, rtol=0, atol=1e-9 * (1 + np.abs(res.precip_mm).sum()))
    # daily: stores end-of-day (snow pack mean by area, production, routing); the UHs follow
    soil = g.production_store_mm + g.routing_store_mm + snow.snow_pack_mm
    soil0 = np.concatenate([(res.storage_start_mm - g.initial.uh1_mm.sum(1) - g.initial.uh2_mm.sum(1))
                            [:, None], soil[:, :-1]], axis=1)
    inflow = res.precip_mm + res.exchange_mm - res.aet_mm - res.q_mm
    in_uh = np.cumsum(inflow - (soil - soil0), axis=1)  # water in the unit hydrographs
    scale = 1e-9 * (1.0 + np.cumsum(res.precip_mm + np.abs(res.exchange_mm) + res.q_mm, axis=1))
    assert (in_uh >= -scale).all(), in_uh.min()
    np.testing.assert_allclose(in_uh[:, -1], g.final.uh1_mm.sum(1) + g.final.uh2_mm.sum(1),
                               atol=scale[:, -1].max())
    assert (res.q_mm >= 0).all() and (snow.snow_pack_mm >= 0).all()


# ----------------------------------------------------------------------------- PET
def test_oudin_uses_radians_and_handles_day_366():
    """Latitude is in degrees (converted once): at 40 deg N on 21 June Ra is 41.9 MJ/m2/d
    (FAO-56 Annex 2 table 2.6: 41.9 at 40 N, mid-June); day 366 of a leap year is valid
    and one day after day 365 (the FAO formula has a 365-day year).  PE at 15 deg C:
    Ra / 2.45 * (15 + 5) / 100 mm/d.
    """
    ra = extraterrestrial_radiation(40.0, 172)
    assert abs(float(ra) - 41.9) < 0.1
    # 40 deg passed as radians would be 0.70 deg N, near the equator: 33.6 MJ/m2/d, not 41.9
    leap = np.array(["2020-12-30", "2020-12-31", "2021-01-01"], dtype="datetime64[D]")
    doy = day_of_year(leap)
    assert list(doy) == [365, 366, 1]
    r = extraterrestrial_radiation(40.0, doy)
    # 2 pi J / 365: day 366 is the next year's day 1, one ordinary day (0.4 %) after day 365
    assert abs(r[1] / r[0] - 1.0) < 5e-3 and abs(r[2] / r[1] - 1.0) < 1e-12
    pe = oudin_pet(np.array([15.0, -5.0, -10.0]), 40.0, np.array([172, 172, 172]))
    np.testing.assert_allclose(pe, [float(ra) / 2.45 * 0.2, 0.0, 0.0], rtol=1e-14)


# ----------------------------------------------------------------------------- basin-file bounds
@pytest.mark.parametrize("ctg, ok", [(0.9995, True), (1.0, False)])
def test_basin_runoff_ctg_has_the_models_bound(ctg, ok):
    """A basin's ``[runoff] ctg`` takes what the model takes, 0 <= ctg < 1, as a catchment's
    ``[snow] ctg`` does (it was cut at 0.999, refusing 0.9995 the model and calibration accept)."""
    from hydro.errors import HydroError
    from hydro.gr4j_parameters import RunoffParameters
    from hydro.tomlio import Table

    table = Table({"ctg": ctg}, "basin.toml", "runoff")
    if ok:
        assert RunoffParameters.from_table(table, RunoffParameters()).ctg == ctg
    else:
        with pytest.raises(HydroError, match=r"basin.toml: key 'runoff.ctg': expected a value below 1"):
            RunoffParameters.from_table(table, RunoffParameters())


@settings(max_examples=300, deadline=None)
@given(st.floats(0.0, 1.0), st.floats(0.0, 500.0), st.floats(0.0, 30.0), st.floats(0.0, 60.0),
       st.floats(0.0, 80.0), st.floats(0.0, 40.0), st.floats(0.0, 0.9), st.floats(0.05, 1.0))
@example(0.0, 25.115431749321807, 25.115431749321807, 25.115431749321807, 0.0, 25.115431749321807, 0.0, 1.0)
def test_reservoir_day_invariants_on_random_days(v0_share, inflow, evap, rain, target, eco, dead_share,
                                                 full_share):
    """Any day of a reservoir on a 3-point curve (0-1e8 m3, areas 1-9 km2):

    storage stays in [0, full]; release is the larger of target and ecological minimum
    unless the water above dead storage cannot give it, and then all of that water;
    a release never takes the lake below dead storage; spill only at full supply;
    the balance v1 = v0 + (inflow - release - spill) 86400 - net evaporation closes
    to round-off (1e-12 of the 1e8 m3 scale: a few operations).
    """
    from hydro._hydraulics_kernels import reservoir_day

    curve_v, curve_a = np.array([0.0, 3e7, 1e8]), np.array([1e6, 5e6, 9e6])
    full = 1e8 * full_share
    dead = full * dead_share
    v0 = full * v0_share
    v1, rel, spill, net_evap, area = reservoir_day(v0, inflow, evap, rain, target, eco, dead, full,
                                                   curve_v, curve_a)
    tol = 1e-12 * 1e8
    assert area == np.interp(v0, curve_v, curve_a)
    assert -tol <= v1 <= full + tol
    assert abs(v1 - (v0 + (inflow - rel - spill) * SECONDS_PER_DAY - net_evap)) <= tol
    water = v0 + inflow * SECONDS_PER_DAY - net_evap  # after evaporation, before release
    wanted = max(target, eco)
    if water - dead >= wanted * SECONDS_PER_DAY:
        # 1 ulp below where the water above dead storage is exactly the day's wanted volume
        # (x * 86400 / 86400 need not be x: Hypothesis found 25.115431749321807 -> ...804)
        assert rel == pytest.approx(wanted, rel=4e-16, abs=0.0) and rel <= wanted
    else:
        assert rel == pytest.approx(max(water - dead, 0.0) / SECONDS_PER_DAY, rel=1e-12, abs=1e-12)
    assert spill == 0.0 or abs(v1 - full) <= tol
    if net_evap > 0:  # evaporation takes at most the area times the rate, and never more than there is
        assert net_evap <= (evap - rain) * 1e-3 * area * (1 + 1e-12)
        assert net_evap <= v0 + inflow * SECONDS_PER_DAY + tol


# ----------------------------------------------------------------------------- channel
def test_trapezoid_normal_depth_against_bisection():
    """Manning normal depth of random rectangles and trapezoids, the vectorised solver and the
    routing kernel's, against 200 bisections of Q(y) on [0, 1e6] m written out here
    (bisection to 1e6 / 2^200: exact in double; 1e-11 relative allows the solvers' 1e-13
    step in ln y and the round-off of ln/exp)."""
    from hydro import _routing_kernels as rk
    from hydro.channel import normal_depth

    def manning_q(y, b, z, n, s):
        area = (b + z * y) * y
        return math.sqrt(s) / n * area * (area / (b + 2.0 * y * math.sqrt(1.0 + z * z))) ** (2.0 / 3.0)

    rng = np.random.default_rng(29)
    for _ in range(60):
        b = float(rng.choice([0.0, 10 ** rng.uniform(-0.5, 2.5)]))
        z = float(rng.uniform(0.2, 4.0)) if b == 0.0 or rng.random() < 0.6 else 0.0
        n, s = float(rng.uniform(0.015, 0.08)), float(10 ** rng.uniform(-5, -1.5))
        q = float(10 ** rng.uniform(-3, 4))
        lo, hi = 0.0, 1e6
        for _ in range(200):
            mid = 0.5 * (lo + hi)
            lo, hi = (mid, hi) if manning_q(mid, b, z, n, s) < q else (lo, mid)
        want = 0.5 * (lo + hi)
        assert float(normal_depth(q, b, z, n, s)) == pytest.approx(want, rel=1e-11)
        assert rk.normal_depth(q, b, z, n, s) == pytest.approx(want, rel=1e-11)


# ----------------------------------------------------------------------------- reference sheets
@pytest.mark.parametrize("change", ["ctg", "kf", "threshold"])
def test_cemaneige_sheet_tolerance_detects_a_small_change_of_each_snow_element(change):
    """The CemaNeige-GR4J comparison (1e-4 mm/d; hydro matches to 6e-14) is sharp for the snow
    routine: the thermal-state coefficient, the melt factor or the full-cover threshold
    changed by 0.1 % moves the flow by 1e-2 mm/d or more (measured 0.034, 0.014, 0.011),
    a hundred times the tolerance."""
    from hydro.snow import band_forcing
    from hydro.validation import reference as ref

    s = ref.load_cemaneige()
    bands = SnowBands(ref.CEMANEIGE_STATION_ELEVATION_M, ref.CEMANEIGE_BAND_ELEVATIONS_M,
                      solid_fraction="hydrotel")
    params = {**ref.CEMANEIGE_GR4J_PARAMETERS, "ctg": ref.CEMANEIGE_CTG,
              "kf_mm_per_c_per_day": ref.CEMANEIGE_KF_MM_PER_C_PER_DAY}
    snowfall = None
    if change == "ctg":
        params["ctg"] += 1e-3
    elif change == "kf":
        params["kf_mm_per_c_per_day"] *= 1.001
    else:  # the sheet's threshold is 0.9 x the band's mean annual snowfall of the record
        snowfall = band_forcing(s.precip_mm, s.temp_c, bands, tmin_c=s.tmin_c,
                                tmax_c=s.tmax_c).g_threshold / 0.9 * 1.001
    model = runoff_model("gr4j_cemaneige", 1, bands, mean_annual_solid_precip_mm=snowfall)
    forcing = DailyForcing(s.dates, s.precip_mm, s.temp_c, s.tmin_c, s.tmax_c, s.pet_mm)
    state = model.initial_state(params, production_fraction=ref.SHEET_PRODUCTION_FRACTION,
                                routing_fraction=ref.SHEET_ROUTING_FRACTION)
    q = model.run(forcing, params, state).q_mm[0]
    assert np.abs(q - s.qsim_mm).max() > 100 * ref.CEMANEIGE_TOLERANCE_MM_PER_DAY


# ----------------------------------------------------------------------------- observed flow
@settings(max_examples=60, deadline=None)
@given(st.integers(0, 2**32 - 1), st.floats(0.0, 0.99), st.sampled_from([1, 3, 5]))
def test_lyne_hollick_against_the_filter_written_out(seed, alpha, passes):
    """Lyne & Hollick (1979), passes alternating forward and backward on the previous pass's
    base flow (Nathan & McMahon 1990; Ladson et al. 2013): quick flow
    ``f_k = alpha f_(k-1) + (1 + alpha)/2 (q_k - q_(k-1))`` clipped to ``[0, q_k]``, starting
    from ``f = 0``.  Equal to round-off (1e-12 relative: the same operations, another code);
    base flow in [0, q]; the model's quick + base flow is the observed flow."""
    from hydro.runoff_observed import ObservedFlow, lyne_hollick

    rng = np.random.default_rng(seed)
    q = np.cumsum(rng.normal(0, 1, 300)) ** 2 * rng.uniform(0, 1, 300) + rng.uniform(0, 5)

    def one_pass(series):
        base, f = series.copy(), 0.0
        for k in range(1, len(series)):
            f = min(max(alpha * f + (1 + alpha) / 2 * (series[k] - series[k - 1]), 0.0), series[k])
            base[k] = series[k] - f
        return base

    base = q.copy()
    for p in range(passes):
        base = one_pass(base) if p % 2 == 0 else one_pass(base[::-1])[::-1]
    got = lyne_hollick(q, alpha, passes)
    np.testing.assert_allclose(got, base, rtol=1e-12, atol=1e-12 * q.max())
    assert (got >= 0).all() and (got <= q * (1 + 1e-15)).all()
    dates = np.datetime64("2020-01-01") + np.arange(q.size)
    nan = np.full(q.size, np.nan)
    res = ObservedFlow(1, passes=passes).run(DailyForcing(dates, nan, nan, nan, nan, None, qobs_mm=q),
                                              {"alpha": alpha})
    # (q - b) + b: one rounding of each sum, 2.2e-16 relative each
    np.testing.assert_allclose(res.q_direct_mm[0] + res.q_routed_mm[0], q, rtol=5e-16, atol=0)


def test_power_law_exponents_whose_depth_falls_with_flow_are_refused(tmp_path):
    """velocity_exp + width_exp > 1 makes the depth Q / (w v) fall as the flow rises
    (Leopold & Maddock: the three exponents add up to 1); it was accepted."""
    import shutil

    from hydro.basin import ROOT, Basin
    from hydro.errors import HydroError

    dest = tmp_path / "ws"
    shutil.copytree(ROOT / "configs" / "examples" / "watershed", dest)
    rid = Basin.load(dest).network.reach_ids[0]
    Basin.load(dest, overrides=[f"reaches.{rid}.velocity_exp=0.5", f"reaches.{rid}.width_exp=0.5"])  # = 1: allowed
    with pytest.raises(HydroError, match=r"velocity_exp \+ width_exp = 1.1 > 1: the depth"):
        Basin.load(dest, overrides=[f"reaches.{rid}.velocity_exp=0.6", f"reaches.{rid}.width_exp=0.5"])
