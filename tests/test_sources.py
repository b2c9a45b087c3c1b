"""Nitrogen source model: loads by source and the groundwater (legacy N) store.

Layers: a slow, obvious pure-Python reference of the whole daily computation
compared with the kernel on random inputs; the store's analytic steady state and
step response; hand-computed loads of every source type; yearly interpolation;
mass conservation of the store (with and without base-flow timing);
non-negativity and apportionment; and the error messages for bad input.

Tolerances: the kernel integrates each day exactly (exponential integrator), so
the analytic store solutions agree to round-off.  Over ~10^3 days the
accumulated relative error is ~n_day x 1e-16 ~ 1e-13; we allow 1e-11 (and 1e-9
for the conservation check, as the brief asks).
"""

from __future__ import annotations

import math
import tomllib

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hydro.errors import HydroError
from hydro.sources import (
    DAYS_PER_YEAR_TAU,
    INPUT_NAMES,
    SOURCE_NAMES,
    Deposition,
    Groundwater,
    LandUse,
    Livestock,
    PointSource,
    RuralDomestic,
    SourceParameters,
    SubbasinSources,
    YearSeries,
    annual_loads,
    daily_loads,
    gross_inputs,
    point_loads,
)
from hydro.sources.parameters import SHARE_TOLERANCE
from hydro.tomlio import Table

ROUND_OFF = 1e-11
COL = {name: i for i, name in enumerate(SOURCE_NAMES)}


# ----------------------------------------------------------------------------- helpers
def params_from(text: str) -> SourceParameters:
    return SourceParameters.from_table(Table(tomllib.loads(text), "basin.toml"))


def calendar_years(first: int, n_years: int) -> np.ndarray:
    """The year of every day of whole calendar years ``first .. first + n_years - 1``."""
    lengths = [366 if (y % 4 == 0 and (y % 100 != 0 or y % 400 == 0)) else 365
               for y in range(first, first + n_years)]
    return np.repeat(np.arange(first, first + n_years), lengths)


def store_only(leaching=0.5, tau_years=2.0, fertiliser=100.0, timing="store", initial=None):
    """One subbasin whose only source is the groundwater store (one cropland class)."""
    return SourceParameters((SubbasinSources(
        "s", land_use=(LandUse("crop", share=1.0, emc_mg_per_l=0.0, fertiliser_kg_per_ha_yr=fertiliser),),
        groundwater=Groundwater(leaching, tau_years, initial_kg=initial, timing=timing)),))


def naive_land_share(sub, lu, year, area_km2):
    """Slow reference of the area rule (docs/sources.md): the share of class ``lu`` that is land. The water
    surface fills the class named water first, the rest is spread over the other classes by share."""
    if sub.deposition is None:
        return 1.0
    water = min(float(sub.deposition.water_area_km2.at(year)) / area_km2, 1.0)
    shares = {c.name: float(c.share.at(year)) for c in sub.land_use}
    in_water = min(water, shares.get("water", 0.0))
    if lu.name == "water":
        return 1.0 - in_water / shares["water"] if shares["water"] > 0 else 1.0
    others = 1.0 - shares.get("water", 0.0)
    return 1.0 - (water - in_water) / others if others > 0 else 1.0


def naive_loads(params, years_of_day, quick, base, area, n0=None):
    """Slow reference: every formula of docs/sources.md written out, day by day."""
    years_of_day = [int(y) for y in years_of_day]
    n_day, n_sub = len(years_of_day), len(params.subbasins)
    out = np.zeros((n_day, n_sub, 6))
    storage = np.zeros((n_day + 1, n_sub))
    release = np.zeros((n_day, n_sub))
    for s, sub in enumerate(params.subbasins):

        def v(series, year):
            return float(series.at(year))

        def days(year):
            return 366.0 if (year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)) else 365.0

        def gw_input(year):
            if sub.groundwater is None:
                return 0.0
            dep = 0.0
            if sub.deposition is not None:
                land = sub.deposition.land_rate_kg_per_ha_yr or sub.deposition.rate_kg_per_ha_yr
                dep = v(land, year)
            total = 0.0
            for lu in sub.land_use:
                d = dep if lu.deposition_kg_per_ha_yr is None else v(lu.deposition_kg_per_ha_yr, year)
                d *= naive_land_share(sub, lu, year, area[s])
                surplus = (v(lu.fertiliser_kg_per_ha_yr, year) + v(lu.manure_kg_per_ha_yr, year) + d
                           + v(lu.fixation_kg_per_ha_yr, year) - v(lu.uptake_kg_per_ha_yr, year))
                total += v(lu.share, year) * max(surplus, 0.0)
            return v(sub.groundwater.leaching_fraction, year) * total * area[s] * 100.0 / days(year)

        def tau(year):
            return 365.25 * (v(sub.groundwater.residence_years, year) if sub.groundwater else 1.0)

        n = gw_input(years_of_day[0]) * tau(years_of_day[0])
        if sub.groundwater is not None and sub.groundwater.initial_kg is not None:
            n = sub.groundwater.initial_kg
        if n0 is not None:
            n = n0[s]
        storage[0, s] = n
        for d, year in enumerate(years_of_day):
            i, t = gw_input(year), tau(year)
            n_new = i * t + (n - i * t) * math.exp(-1.0 / t)
            release[d, s] = i - (n_new - n)
            n = n_new
            storage[d + 1, s] = n
            out[d, s, 0] = sum(v(lu.share, year) * v(lu.emc_mg_per_l, year) for lu in sub.land_use) \
                * quick[d][s] * area[s]
            out[d, s, 1] = release[d, s]
            rd = sub.rural_domestic
            if rd is not None:
                out[d, s, 2] = (v(rd.population, year) * v(rd.per_capita_n_g_per_day, year) / 1000.0
                                * (1 - v(rd.connected_share, year) * v(rd.treatment_removal, year))
                                * v(rd.delivery_fraction, year))
            for lv in sub.livestock:
                m = v(lv.managed_share, year)
                out[d, s, 3] += v(lv.head, year) * v(lv.excretion_kg_per_head_yr, year) * (
                    (1 - m) * v(lv.loss_fraction, year) + m * v(lv.managed_loss_fraction, year)) / days(year)
            for ps in sub.point:
                out[d, s, 4] += v(ps.discharge_m3_per_day, year) * v(ps.tn_mg_per_l, year) / 1000.0
            if sub.deposition is not None:
                out[d, s, 5] = (v(sub.deposition.rate_kg_per_ha_yr, year)
                                * v(sub.deposition.water_area_km2, year) * 100.0 / days(year))
        if sub.groundwater is not None and sub.groundwater.timing == "baseflow":
            for year in sorted(set(years_of_day)):
                idx = [d for d, y in enumerate(years_of_day) if y == year]
                b = sum(base[d][s] for d in idx)
                r = sum(release[d, s] for d in idx)
                if b > 0:
                    for d in idx:
                        out[d, s, 1] = r * base[d][s] / b
    return out, storage, release


FULL = """
[[subbasins]]
id = "upper"
[subbasins.sources.groundwater]
leaching_fraction = 0.2
residence_years = { 2015 = 8.0, 2017 = 6.0 }
timing = "baseflow"
[subbasins.sources.land_use.cropland]
share = { 2015 = 0.30, 2017 = 0.25 }
emc_mg_per_l = 4.0
fertiliser_kg_per_ha_yr = { 2015 = 250.0, 2016 = 200.0 }
manure_kg_per_ha_yr = 30.0
fixation_kg_per_ha_yr = 5.0
uptake_kg_per_ha_yr = 150.0
[subbasins.sources.land_use.forest]
share = { 2015 = 0.68, 2017 = 0.73 }
emc_mg_per_l = 1.0
uptake_kg_per_ha_yr = 60.0
[subbasins.sources.land_use.water]
share = 0.02
emc_mg_per_l = 0.0
deposition_kg_per_ha_yr = 0.0
[subbasins.sources.rural_domestic]
population = { 2015 = 30000, 2017 = 27000 }
per_capita_n_g_per_day = 8.0
connected_share = 0.4
treatment_removal = 0.6
delivery_fraction = 0.3
[subbasins.sources.livestock.pig]
head = 20000
excretion_kg_per_head_yr = 6.1
managed_share = 0.5
loss_fraction = 0.3
managed_loss_fraction = 0.05
[subbasins.sources.livestock.cattle]
head = 3000
excretion_kg_per_head_yr = 53.3
loss_fraction = 0.2
[[subbasins.sources.point]]
name = "town_wwtp"
reach = "r3"
discharge_m3_per_day = { 2015 = 8000.0, 2017 = 12000.0 }
tn_mg_per_l = { 2015 = 20.0, 2017 = 15.0 }
[subbasins.sources.deposition]
rate_kg_per_ha_yr = 43.1
land_rate_kg_per_ha_yr = 38.4
water_area_km2 = 2.5

[[subbasins]]
id = "lower"
[subbasins.sources.groundwater]
leaching_fraction = 0.1
residence_years = 3.0
initial_kg = 5.0e5
[subbasins.sources.land_use.grass]
share = 1.0
emc_mg_per_l = 2.0
manure_kg_per_ha_yr = 80.0
"""


# ----------------------------------------------------------------------------- reference
def test_kernel_matches_naive_reference_on_full_config():
    params = params_from(FULL)
    years = calendar_years(2014, 5)[100:-50]  # partial first and last years
    rng = np.random.default_rng(1)
    quick = rng.gamma(0.3, 2.0, (len(years), 2))
    base = rng.gamma(2.0, 0.3, (len(years), 2))
    area = np.array([1200.0, 340.0])
    loads, names, gw = daily_loads(params, years, quick, base, area)
    ref, storage, release = naive_loads(params, years, quick.tolist(), base.tolist(), area)
    assert names == SOURCE_NAMES
    np.testing.assert_allclose(loads, ref, rtol=ROUND_OFF, atol=1e-9)
    np.testing.assert_allclose(gw.storage_kg, storage, rtol=ROUND_OFF)
    np.testing.assert_allclose(gw.release_kg_per_day, release, rtol=1e-9, atol=1e-9)


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 2**31 - 1), n_day=st.integers(1, 800), tau=st.floats(0.01, 30.0),
       leach=st.floats(0.0, 1.0), timing=st.sampled_from(["store", "baseflow"]),
       first=st.integers(1990, 2030), start_day=st.integers(0, 364))
def test_random_runs_match_reference_conserve_and_stay_nonnegative(seed, n_day, tau, leach, timing,
                                                                   first, start_day):
    rng = np.random.default_rng(seed)
    shares = rng.dirichlet([1.0, 1.0, 1.0])
    shares[-1] = 1.0 - shares[:-1].sum()
    classes = tuple(
        LandUse(f"c{i}", share=float(shares[i]), emc_mg_per_l=float(rng.uniform(0, 6)),
                fertiliser_kg_per_ha_yr={first: float(rng.uniform(0, 300)), first + 1: float(rng.uniform(0, 300))},
                uptake_kg_per_ha_yr=float(rng.uniform(0, 250)))
        for i in range(3))
    sub = SubbasinSources(
        "x", land_use=classes,
        groundwater=Groundwater(leach, {first: tau, first + 2: tau * rng.uniform(0.5, 2)}, timing=timing,
                                initial_kg=float(rng.uniform(0, 1e6)) if rng.random() < 0.5 else None),
        rural_domestic=RuralDomestic(float(rng.uniform(0, 1e5)), 8.0, 0.3, float(rng.random()), float(rng.random())),
        livestock=(Livestock("pig", float(rng.uniform(0, 1e4)), 6.1, 0.3, float(rng.random()), 0.05),),
        point=(PointSource("p", "r", float(rng.uniform(0, 1e4)), 15.0),),
        deposition=Deposition(40.0, float(rng.uniform(0, 5))))
    params = SourceParameters((sub,))
    years = calendar_years(first, 4)[start_day:start_day + n_day]
    quick = rng.gamma(0.3, 2.0, (len(years), 1)) * (rng.random((len(years), 1)) < 0.7)
    base = rng.gamma(2.0, 0.3, (len(years), 1)) * (rng.random((len(years), 1)) < 0.9)
    area = [float(rng.uniform(1, 5000))]
    loads, _, gw = daily_loads(params, years, quick, base, area)
    ref, storage, release = naive_loads(params, years, quick.tolist(), base.tolist(), area)
    # round-off of the store's arithmetic scales with what the store holds, which can
    # be 1e4 times the day's delivered load (a 1e6 kg store at tau = 11 years)
    scale = max(np.abs(ref).max(), float(np.max(gw.storage_kg)), 1.0)
    np.testing.assert_allclose(loads, ref, rtol=1e-9, atol=1e-12 * scale)
    assert (loads >= 0).all(), "a source load is negative"
    # conservation of the store over the run: inputs - delivered = change in storage
    delta = gw.storage_kg[-1, 0] - gw.storage_kg[0, 0]
    budget = gw.input_kg_per_day[:, 0].sum() - loads[:, 0, COL["groundwater"]].sum()
    size = max(gw.input_kg_per_day[:, 0].sum(), gw.storage_kg[:, 0].max(), 1e-300)
    assert abs(budget - delta) <= 1e-9 * size, f"inputs - delivered = {budget}, storage change = {delta}"


# ----------------------------------------------------------------------------- the store
def test_steady_state_is_input_times_tau():
    params = store_only(leaching=0.5, tau_years=2.0, fertiliser=100.0)
    years = calendar_years(2015, 3)
    area = 10.0
    loads, _, gw = daily_loads(params, years, np.zeros((len(years), 1)), np.zeros((len(years), 1)), [area])
    i_2015 = 0.5 * 100.0 * area * 100.0 / 365.0  # kg/d
    n_star = i_2015 * 2.0 * DAYS_PER_YEAR_TAU
    assert gw.storage_kg[0, 0] == pytest.approx(n_star, rel=1e-15)
    # 2016 is a leap year: the daily input falls by 365/366, so compare within 2015 only
    n2015 = (years == 2015).sum()
    np.testing.assert_allclose(gw.storage_kg[: n2015 + 1, 0], n_star, rtol=ROUND_OFF,
                               err_msg=f"store left its steady state N* = I tau = {n_star}")
    np.testing.assert_allclose(loads[:n2015, 0, COL["groundwater"]], i_2015, rtol=ROUND_OFF)


def test_store_fills_as_one_minus_exp():
    """Empty store, constant input: N(t) = I tau (1 - exp(-t/tau)) at every day end."""
    tau_years = 0.5
    params = store_only(leaching=1.0, tau_years=tau_years, fertiliser=36.5, initial=0.0)
    years = np.full(365, 2015)
    _, _, gw = daily_loads(params, years, np.zeros((365, 1)), np.zeros((365, 1)), [1.0])
    i = 36.5 * 100.0 / 365.0
    tau = tau_years * DAYS_PER_YEAR_TAU
    t = np.arange(366.0)
    expected = i * tau * (1.0 - np.exp(-t / tau))
    np.testing.assert_allclose(gw.storage_kg[:, 0], expected, rtol=ROUND_OFF, atol=1e-12 * i * tau)


def test_step_change_in_surplus_relaxes_with_configured_tau():
    """Steady in 2015, surplus stepped in 2016: N = N2 + (N1 - N2) exp(-t / tau)."""
    tau_years = 3.0
    params = store_only(leaching=0.4, tau_years=tau_years, fertiliser={2015: 100.0, 2016: 250.0})
    years = np.concatenate([np.full(365, 2015), np.full(366 * 3, 2016)])  # stay in the 2016 value
    n = len(years)
    _, _, gw = daily_loads(params, years, np.zeros((n, 1)), np.zeros((n, 1)), [50.0])
    tau = tau_years * DAYS_PER_YEAR_TAU
    n1 = 0.4 * 100.0 * 5000.0 / 365.0 * tau
    n2 = 0.4 * 250.0 * 5000.0 / 366.0 * tau
    t = np.arange(n - 365 + 1.0)
    expected = n2 + (n1 - n2) * np.exp(-t / tau)
    np.testing.assert_allclose(gw.storage_kg[365:, 0], expected, rtol=ROUND_OFF,
                               err_msg="step response differs from 1 - exp(-t/tau)")
    response = (gw.storage_kg[365:, 0] - n1) / (n2 - n1)
    np.testing.assert_allclose(response, 1.0 - np.exp(-t / tau), rtol=1e-9, atol=1e-12)


def test_baseflow_timing_keeps_yearly_totals_and_follows_base_flow():
    years = calendar_years(2015, 2)
    n = len(years)
    base = np.where(np.arange(n) % 30 < 10, 2.0, 0.5).reshape(-1, 1)
    base[(years == 2016)] = 0.0  # no base flow in 2016: the store's own timing is kept
    common = dict(leaching=0.3, tau_years=1.5, fertiliser={2015: 100.0, 2016: 300.0}, initial=1e5)
    store, _, gw = daily_loads(store_only(**common), years, np.zeros((n, 1)), base, [20.0])
    timed, _, gw2 = daily_loads(store_only(timing="baseflow", **common), years, np.zeros((n, 1)), base, [20.0])
    np.testing.assert_array_equal(gw.storage_kg, gw2.storage_kg)
    g = COL["groundwater"]
    for year in (2015, 2016):
        m = years == year
        assert timed[m, 0, g].sum() == pytest.approx(store[m, 0, g].sum(), rel=1e-13)
    m = years == 2015
    ratio = timed[m, 0, g] / base[m, 0]
    np.testing.assert_allclose(ratio, ratio[0], rtol=1e-13, err_msg="delivery not proportional to base flow")
    np.testing.assert_array_equal(timed[years == 2016, 0, g], store[years == 2016, 0, g])


def test_continuing_a_run_from_final_state_equals_one_run():
    params = params_from(FULL)
    years = calendar_years(2015, 2)
    rng = np.random.default_rng(3)
    quick, base = rng.random((len(years), 2)), rng.random((len(years), 2))
    area = [100.0, 200.0]
    whole, _, gw = daily_loads(params, years, quick, base, area)
    k = 365  # split at the year boundary (base-flow timing works by calendar year)
    a, _, gwa = daily_loads(params, years[:k], quick[:k], base[:k], area)
    b, _, gwb = daily_loads(params, years[k:], quick[k:], base[k:], area, initial_gw_kg=gwa.final_kg)
    np.testing.assert_allclose(np.concatenate([a, b]), whole, rtol=1e-13)
    np.testing.assert_allclose(gwb.final_kg, gw.final_kg, rtol=1e-13)



# ----------------------------------------------------------------------------- land-use shares sum to 1
def _shares_reference(land_use):
    """The plain check: each year any share names (year 0 when all are constants), summed in numpy."""
    years = sorted({y for lu in land_use for y in lu.share.years}) or [0]
    total = np.zeros(len(years))
    for lu in land_use:
        total += lu.share.at(years)
    bad = np.abs(total - 1.0) > SHARE_TOLERANCE
    return (years[int(np.argmax(bad))], total[int(np.argmax(bad))]) if bad.any() else None


def test_land_use_shares_that_do_not_sum_to_one_are_refused():
    with pytest.raises(HydroError, match=r"shares sum to 0\.9 \(every year\), expected 1 .*crop 0\.4, forest 0\.5"):
        SubbasinSources("s", land_use=(LandUse("crop", 0.4, 4.0), LandUse("forest", 0.5, 1.0)))
    with pytest.raises(HydroError, match=r"sum to 1\.1 in year 2010, .*crop 0\.6, forest 0\.5"):
        SubbasinSources("s", land_use=(LandUse("crop", YearSeries((2000, 2010), (0.5, 0.6)), 4.0),
                                       LandUse("forest", 0.5, 1.0)))
    SubbasinSources("s", land_use=(LandUse("crop", 0.1, 4.0), LandUse("forest", 0.2, 1.0), LandUse("w", 0.7, 0.0)))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.one_of(st.floats(0.0, 1.0), st.lists(st.floats(0.0, 1.0), min_size=2, max_size=3)),
                min_size=1, max_size=4), st.booleans())
def test_land_use_share_check_matches_the_plain_numpy_sum(raw, close):
    # _check_shares once had a Python fast path for constants beside this numpy path; now one path
    # for both, which must refuse exactly what the plain sum refuses, naming the same year and total
    series = [YearSeries.constant(v) if isinstance(v, float) else YearSeries(tuple(range(2000, 2000 + 5 * len(v), 5)),
                                                                             tuple(v)) for v in raw]
    if close:  # make the constants close the sum in every year where they can
        rest = 1.0 - sum(x.values[0] for x in series if not x.years)
        if rest >= 0:
            series.append(YearSeries.constant(rest))
    land_use = tuple(LandUse(f"c{k}", share, 1.0) for k, share in enumerate(series))
    expected = _shares_reference(land_use)
    if expected is None:
        SubbasinSources("s", land_use=land_use)
    else:
        year, total = expected
        with pytest.raises(HydroError, match=f"sum to {total:.9g} " + (f"in year {year}" if year else r"\(every")):
            SubbasinSources("s", land_use=land_use)

# ----------------------------------------------------------------------------- each source by hand
def one(sub: SubbasinSources, year=2015, quick=0.0, area=100.0):
    loads, _, _ = daily_loads(SourceParameters((sub,)), [year], [[quick]], [[0.0]], [area])
    return loads[0, 0]


def test_diffuse_quickflow_by_hand():
    sub = SubbasinSources("s", land_use=(LandUse("crop", 0.25, 4.0), LandUse("forest", 0.75, 1.0)))
    # (0.25 x 4 + 0.75 x 1) mg/L x 2 mm/d x 100 km2 = 1.75 g/m3 x 2e5 m3/d = 350 kg/d
    assert one(sub, quick=2.0)[COL["diffuse_quickflow"]] == pytest.approx(350.0, rel=1e-15)


def test_groundwater_input_by_hand():
    sub = SubbasinSources(
        "s", land_use=(LandUse("crop", 0.5, 0.0, fertiliser_kg_per_ha_yr=200.0, manure_kg_per_ha_yr=20.0,
                               fixation_kg_per_ha_yr=10.0, uptake_kg_per_ha_yr=180.0),
                       LandUse("bare", 0.5, 0.0, uptake_kg_per_ha_yr=100.0)),  # negative surplus: no leaching
        groundwater=Groundwater(0.25, 4.0), deposition=Deposition(0.0, 0.0, land_rate_kg_per_ha_yr=20.0))
    # crop surplus 200 + 20 + 20 + 10 - 180 = 70 kg/ha/yr on 0.5 x 100 km2 = 5000 ha; bare: 20 - 100 < 0 -> 0
    # input = 0.25 x 70 x 5000 / 365 kg/d; at steady state the delivered load equals the input
    assert one(sub)[COL["groundwater"]] == pytest.approx(0.25 * 70 * 5000 / 365, rel=1e-13)


def test_rural_domestic_by_hand():
    sub = SubbasinSources("s", rural_domestic=RuralDomestic(10000, 10.0, 0.5, connected_share=0.6,
                                                            treatment_removal=0.5))
    # 10000 x 10 g/d = 100 kg/d; x (1 - 0.3) = 70; x 0.5 = 35 kg/d
    assert one(sub)[COL["rural_domestic"]] == pytest.approx(35.0, rel=1e-15)


def test_livestock_by_hand():
    sub = SubbasinSources("s", livestock=(Livestock("pig", 1000, 7.3, 0.4, managed_share=0.5,
                                                    managed_loss_fraction=0.1),
                                          Livestock("sheep", 365, 10.0, 0.2)))
    # pig: 1000 x 7.3 x (0.5 x 0.4 + 0.5 x 0.1) = 1825 kg/yr; sheep: 365 x 10 x 0.2 = 730 kg/yr
    assert one(sub, year=2015)[COL["livestock"]] == pytest.approx(2555.0 / 365.0, rel=1e-15)
    assert one(sub, year=2016)[COL["livestock"]] == pytest.approx(2555.0 / 366.0, rel=1e-15)


def test_point_source_by_hand_and_its_reach():
    sub = SubbasinSources("s", point=(PointSource("a", "r1", 20000.0, 15.0), PointSource("b", "r2", 5000.0, 10.0)))
    # 2e4 m3/d x 15 g/m3 = 300 kg/d; 5e3 x 10 = 50 kg/d
    assert one(sub)[COL["point"]] == pytest.approx(350.0, rel=1e-15)
    pl = point_loads(SourceParameters((sub,)), [2015, 2016])
    assert pl.reaches == ("r1", "r2") and pl.names == ("a", "b") and pl.subbasins == ("s", "s")
    np.testing.assert_allclose(pl.loads_kg_per_day, [[300.0, 50.0], [300.0, 50.0]], rtol=1e-15)


def test_deposition_on_water_by_hand():
    sub = SubbasinSources("s", deposition=Deposition(36.5, 2.0))
    # 36.5 kg/ha/yr x 200 ha = 7300 kg/yr = 20 kg/d in 2015
    assert one(sub)[COL["deposition"]] == pytest.approx(20.0, rel=1e-15)


def test_gross_inputs_split_deposition_into_oxidised_and_the_rest():
    """Oxidised N on land and water is NANI's term; the reduced N counted (on water) is the rest."""
    sub = SubbasinSources(
        "s", land_use=(LandUse("crop", 0.5, 0.0, fertiliser_kg_per_ha_yr=200.0),
                       LandUse("water", 0.5, 0.0, deposition_kg_per_ha_yr=0.0)),
        groundwater=Groundwater(0.1, 2.0),
        deposition=Deposition(40.0, 2.0, land_rate_kg_per_ha_yr=17.2, oxidised_kg_per_ha_yr=17.2))
    row = dict(zip(INPUT_NAMES, gross_inputs(SourceParameters((sub,)), [2015], [100.0])[0, 0], strict=True))
    # land: crop 5000 ha x 17.2 (the water class counts none); water surface 200 ha x 40, of it 17.2 oxidised
    assert row["deposition_oxidised"] == pytest.approx(5000 * 17.2 + 200 * 17.2, rel=1e-13)
    assert row["deposition"] == pytest.approx(200 * (40.0 - 17.2), rel=1e-13)
    assert row["fertiliser"] == pytest.approx(5000 * 200.0, rel=1e-13)
    # without an oxidised rate all the deposition counted is 'deposition', as before
    plain = SubbasinSources("s", deposition=Deposition(40.0, 2.0))
    row = dict(zip(INPUT_NAMES, gross_inputs(SourceParameters((plain,)), [2015], [100.0])[0, 0], strict=True))
    assert row["deposition_oxidised"] == 0.0
    # the water surface is part of the 10,000 ha: land 9,800 ha, water 200 ha (not 10,000 + 200)
    assert row["deposition"] == pytest.approx(40.0 * 9800 + 40.0 * 200, rel=1e-13)


def test_full_calendar_year_sums_to_yearly_value():
    sub = SubbasinSources("s", livestock=(Livestock("cattle", 100, 50.0, 0.2),), deposition=Deposition(40.0, 1.0))
    years = calendar_years(2015, 2)
    n = len(years)
    loads, _, _ = daily_loads(SourceParameters((sub,)), years, np.zeros((n, 1)), np.zeros((n, 1)), [10.0])
    ys, totals = annual_loads(loads, years)
    assert list(ys) == [2015, 2016]
    np.testing.assert_allclose(totals[:, 0, COL["livestock"]], 1000.0, rtol=1e-13)
    np.testing.assert_allclose(totals[:, 0, COL["deposition"]], 4000.0, rtol=1e-13)


def test_apportionment_sum_equals_total_and_nonnegative():
    params = params_from(FULL)
    years = calendar_years(2014, 4)
    rng = np.random.default_rng(7)
    quick, base = rng.gamma(0.3, 2.0, (len(years), 2)), rng.gamma(2.0, 0.3, (len(years), 2))
    area = np.array([1200.0, 340.0])
    loads, _, _ = daily_loads(params, years, quick, base, area)
    ref, _, _ = naive_loads(params, years, quick.tolist(), base.tolist(), area)
    total = ref.sum(axis=2)
    np.testing.assert_allclose(loads.sum(axis=2), total, rtol=1e-12)
    assert (loads >= 0).all()
    assert (loads.sum(axis=(0, 1)) > 0).all(), "every source should contribute in this configuration"


# ----------------------------------------------------------------------------- yearly values
def test_year_series_interpolates_and_holds_outside():
    s = YearSeries((2010, 2020), (100.0, 200.0))
    np.testing.assert_allclose(s.at([2000, 2010, 2013, 2015, 2020, 2030]), [100, 100, 130, 150, 200, 200])
    assert YearSeries.constant(3.0).at(1999) == 3.0


def test_yearly_values_reach_the_loads():
    sub = SubbasinSources("s", rural_domestic=RuralDomestic({2010: 1000, 2020: 2000}, 10.0, 1.0))
    for year, people in ((2005, 1000), (2012, 1200), (2015, 1500), (2025, 2000)):
        assert one(sub, year=year)[COL["rural_domestic"]] == pytest.approx(people * 0.01, rel=1e-14)


def test_interpolated_shares_still_sum_to_one():
    sub = SubbasinSources("s", land_use=(LandUse("a", {2010: 0.2, 2020: 0.6}, 1.0),
                                         LandUse("b", {2010: 0.8, 2015: 0.6, 2020: 0.4}, 1.0)))
    assert sub.land_use[0].share.at(2013) + sub.land_use[1].share.at(2013) == pytest.approx(1.0)


# ----------------------------------------------------------------------------- errors
def error_of(text: str) -> str:
    with pytest.raises(HydroError) as info:
        params_from(text)
    return str(info.value)


def test_shares_not_summing_to_one_names_subbasin_and_year():
    msg = error_of("""
[[subbasins]]
id = "hatang"
[subbasins.sources.land_use.crop]
share = { 2015 = 0.3, 2020 = 0.4 }
emc_mg_per_l = 3.0
[subbasins.sources.land_use.forest]
share = 0.7
emc_mg_per_l = 1.0
""")
    assert "basin.toml" in msg and "hatang" in msg and "2020" in msg and "sum to 1.1" in msg, msg


def test_negative_population_and_area_are_errors():
    msg = error_of("""
[[subbasins]]
id = "a"
[subbasins.sources.rural_domestic]
population = { 2015 = 100, 2020 = -5 }
per_capita_n_g_per_day = 8.0
delivery_fraction = 0.3
""")
    assert "subbasin 'a'" in msg and "rural_domestic.population.2020" in msg and ">= 0" in msg, msg
    msg = error_of("""
[[subbasins]]
id = "b"
[subbasins.sources.deposition]
rate_kg_per_ha_yr = 40.0
water_area_km2 = -1.0
""")
    assert "subbasin 'b'" in msg and "deposition.water_area_km2" in msg, msg
    msg = error_of("""
[[subbasins]]
id = "c"
[subbasins.sources.land_use.crop]
share = -0.5
emc_mg_per_l = 1.0
""")
    assert "subbasin 'c'" in msg and "land_use.crop.share" in msg, msg


def test_unknown_key_suggests_nearest():
    msg = error_of("""
[[subbasins]]
id = "a"
[subbasins.sources.rural_domestic]
population = 100
per_capita_n_g_per_day = 8.0
delivery_fracton = 0.3
""")
    assert "subbasin 'a'" in msg and "delivery_fracton" in msg and "did you mean 'delivery_fraction'" in msg, msg
    msg = error_of("""
[[subbasins]]
id = "a"
[subbasins.sources]
livestok = {}
""")
    assert "did you mean 'livestock'" in msg, msg


def test_non_integer_year_key_is_an_error():
    msg = error_of("""
[[subbasins]]
id = "fengning"
[subbasins.sources.deposition]
rate_kg_per_ha_yr = { 2015 = 40.0, "2017.5" = 38.0 }
water_area_km2 = 1.0
""")
    assert "fengning" in msg and "deposition.rate_kg_per_ha_yr.2017.5" in msg and "not a year" in msg, msg


def test_missing_key_timing_and_orphan_surplus_are_errors():
    msg = error_of('[[subbasins]]\nid = "a"\n[subbasins.sources.groundwater]\nleaching_fraction = 0.2\n')
    assert "groundwater.residence_years" in msg and "missing" in msg, msg
    msg = error_of('[[subbasins]]\nid = "a"\n[subbasins.sources.groundwater]\nleaching_fraction = 0.2\n'
                   'residence_years = 5\ntiming = "basefow"\n')
    assert "did you mean 'baseflow'" in msg, msg
    msg = error_of('[[subbasins]]\nid = "a"\n[subbasins.sources.land_use.crop]\nshare = 1.0\n'
                   'emc_mg_per_l = 1.0\nfertiliser_kg_per_ha_yr = 100\n')
    assert "groundwater" in msg and "subbasin 'a'" in msg, msg
    msg = error_of('[[subbasins]]\nid = "a"\n[[subbasins.sources.point]]\nname = "w"\n'
                   'discharge_m3_per_day = 1.0\ntn_mg_per_l = 1.0\n')
    assert "point[0].reach" in msg and "missing" in msg, msg


def test_bad_arrays_are_errors():
    params = store_only()
    with pytest.raises(HydroError, match=r"transpose"):
        daily_loads(SourceParameters(params.subbasins * 1 + (SubbasinSources("t"),)), [2015] * 3,
                    np.zeros((2, 3)), np.zeros((3, 2)), [1.0, 1.0])
    with pytest.raises(HydroError, match=r"quick_mm.*-1.0"):
        daily_loads(params, [2015, 2015], [[0.0], [-1.0]], [[0.0], [0.0]], [1.0])
    with pytest.raises(HydroError, match=r"area_km2"):
        daily_loads(params, [2015], [[0.0]], [[0.0]], [0.0])
    with pytest.raises(HydroError, match=r"years_of_day"):
        daily_loads(params, [2015.5], [[0.0]], [[0.0]], [1.0])
    with pytest.raises(HydroError, match=r"unique"):
        SourceParameters((SubbasinSources("a"), SubbasinSources("a")))


@pytest.mark.parametrize("value", [0.0, -0.0, 5e-324, -5e-324, 1.0, 1.0000000000000002, 0.9999999999999999,
                                   -1, 0, 1, 2, 1e308, math.inf, -math.inf, math.nan, np.float64(0.5), True])
def test_plain_numbers_are_checked_as_series_are(value):
    """A block's fast check of a plain number accepts and rejects, with the same message, what
    the general check of a YearSeries does (bounds: a fraction, >= 0, > 0)."""
    from hydro.sources.blocks import FRACTION, NONNEG
    from hydro.sources.yearly import Origin, as_series, check_range

    origin = Origin("basin.toml", "a", "sources.x")
    for bounds in (FRACTION, NONNEG, {"positive": True}, {"minimum": 0.5, "positive": True}, {}):
        class Probe(LandUse):
            _YEARLY = {"share": bounds}  # noqa: RUF012

        try:
            expected = as_series(value, origin, "share")
            check_range(expected, origin, "share", **bounds)
        except HydroError as exc:
            with pytest.raises(HydroError) as info:
                Probe("p", value, 1.0, origin=origin)
            assert str(info.value) == str(exc)
        else:
            got = Probe("p", value, 1.0, origin=origin).share
            assert got == expected and math.copysign(1.0, got.values[0]) == math.copysign(1.0, expected.values[0])


def test_subbasins_alike_computed_together_equal_one_at_a_time():
    """hydro.sources.stacked: the yearly rates and gross inputs of subbasins computed a group at a
    time are those computed one subbasin at a time, bit for bit (year tables, constants, several
    structures, a plain value that differs within a group)."""
    from hydro.sources import stacked
    from hydro.sources.loads import _yearly_rates, yearly_rates
    from hydro.sources.registry import input_names, kinds
    from hydro.sources.timing import days_in_years

    upper, lower = FULL.split("[[subbasins]]")[1:]
    rng = np.random.default_rng(3)
    text = ""
    for i in range(40):
        block = (upper if i % 3 else lower).replace('id = "upper"', f'id = "u{i}"').replace('id = "lower"',
                                                                                          f'id = "l{i}"')
        block = block.replace("emc_mg_per_l = 4.0", f"emc_mg_per_l = {rng.uniform(0, 9):.17g}")
        block = block.replace("head = 20000", f"head = {{ 2015 = {rng.integers(1, 9e4)}, 2018 = 100 }}")
        block = block.replace("initial_kg = 5.0e5", f"initial_kg = {rng.uniform(0, 1e6):.17g}")
        if i % 7 == 0:
            block = block.replace("water_area_km2 = 2.5", "water_area_km2 = 2.5\noxidised_kg_per_ha_yr = 20.0")
        text += "[[subbasins]]" + block
    subs = params_from(text).subbasins
    years = np.arange(2014, 2020)
    area = rng.uniform(1.0, 500.0, len(subs))
    assert len(stacked.groups(subs)) == 3
    names = ("emc_mg_per_l", "gw_input_kg_d", "tau_days") + tuple(k.name for k in kinds() if k.delivery == "constant")
    together = _yearly_rates(subs, years, area)
    days = days_in_years(years).astype(float)

    def alone_is_not_asked(*args):
        raise AssertionError("a group fell back to one subbasin at a time")

    fast = stacked.rates(subs, years, days, area, names, alone_is_not_asked)
    assert all(np.array_equal(fast[k], together[k]) for k in names)
    for s, sub in enumerate(subs):
        alone = yearly_rates(sub, years, float(area[s]))
        for k in names:
            assert np.array_equal(together[k][:, s], alone[k]), (k, s)
    inputs = gross_inputs(SourceParameters(subs), years, area)
    for s, sub in enumerate(subs):
        by_category = {name: np.zeros(len(years)) for name in input_names()}
        for kind in kinds():
            kind.inputs(sub, years, days, 100.0 * float(area[s]), by_category)
        assert np.array_equal(inputs[:, s], np.stack([by_category[n] for n in input_names()], axis=1)), s
