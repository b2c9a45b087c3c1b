"""Behaviour of the nitrogen-source and runoff-generation code that an outside mutation audit
(2026-12-05) found no test pinning: each test here fails with the mutant named in its docstring
(file, line, change), checked when written, and passes on the unmodified code.  Every expected value
is derived independently (hand arithmetic, a conservation law or the formula written out), not taken
from a run of the code.
"""

from __future__ import annotations

import numpy as np
import pytest

from hydro.sources import (
    INPUT_NAMES,
    SOURCE_NAMES,
    Livestock,
    PointSource,
    RuralDomestic,
    SourceParameters,
    SubbasinSources,
    daily_loads,
    gross_inputs,
)
from hydro.sources.loads import share_by_weight

COL = {name: i for i, name in enumerate(SOURCE_NAMES)}


def calendar_years(first: int, n_years: int) -> np.ndarray:
    """The year of every day of whole calendar years ``first .. first + n_years - 1``."""
    lengths = [366 if (y % 4 == 0 and (y % 100 != 0 or y % 400 == 0)) else 365
               for y in range(first, first + n_years)]
    return np.repeat(np.arange(first, first + n_years), lengths)


#: The fertiliser months of the wash-off tests (Miyun's crop calendar: April-July).
FERT = (0, 0, 0, 0.1, 0.3, 0.3, 0.3, 0, 0, 0, 0, 0)


def surface_buildup(land_use, groundwater, years: np.ndarray) -> np.ndarray:
    """The surface wash-off store's daily build-up (kg/d) of one 100 km2 subbasin with ``land_use`` and
    ``groundwater``, N delivered by wash-off at FERT's months, under a steady 0.3 mm/d of quick and base flow."""
    from hydro.sources.timing import SourceTiming

    sub = SubbasinSources("s", land_use=land_use, groundwater=groundwater, delivery_timing="washoff",
                          timing=SourceTiming(years="calendar", fertiliser_months=FERT, washoff_per_mm=0.18,
                                              surface_fraction=0.02))
    flow = np.full((len(years), 1), 0.3)
    stores: dict = {}
    daily_loads(SourceParameters((sub,)), years, flow, flow, [100.0], stores=stores)
    return stores["washoff_tn_store"].buildup_kg_per_day[:, 0, -1]

# ----------------------------------------------------------------------------- the inventory in a leap year
def test_gross_inputs_of_people_and_plants_count_the_366_days_of_a_leap_year():
    """Mutants: hydro/sources/rural_domestic.py:78 ``* 1e-3 * days`` -> ``* 1e-3 * 365.0``, and
    hydro/sources/point.py:104 ``plant_rate(ps, years) * days`` -> ``* 365.0``: a leap year's
    inventory (kg/yr) short by one day's production.  The existing inventory tests use 2015 only."""
    sub = SubbasinSources("s", rural_domestic=RuralDomestic(10000, 10.0, 0.5),
                          point=(PointSource("a", "r1", 20000.0, 15.0),))
    table = gross_inputs(SourceParameters((sub,)), [2015, 2016], [100.0])
    for row, days in zip(table[:, 0], (365, 366), strict=True):
        got = dict(zip(INPUT_NAMES, row, strict=True))
        # 10000 persons x 10 g/d = 100 kg/d produced (before delivery); 2e4 m3/d x 15 g/m3 = 300 kg/d
        # exact in binary to ~1e-16 relative: 1e-13 leaves only round-off
        assert got["rural_domestic"] == pytest.approx(100.0 * days, rel=1e-13)
        assert got["point"] == pytest.approx(300.0 * days, rel=1e-13)


# ----------------------------------------------------------------------------- runoff timing without runoff
def test_a_year_without_runoff_keeps_its_constant_rate():
    """Mutant: hydro/sources/loads.py:316 ``if w.sum() > 0:`` -> ``if w.sum() >= 0:`` (a year whose
    runoff is zero on every day was divided by zero: NaN loads instead of the documented "a year whose
    weights are all zero keeps its own timing")."""
    years = calendar_years(2015, 2)
    load = np.where(years == 2015, 2.0, 3.0)
    runoff = np.where(years == 2015, 1.0, 0.0)
    runoff[:10] = 0.0
    out = share_by_weight(load, runoff, (years - 2015).astype(np.int64))
    # 2016: no runoff at all, the constant 3 kg/d kept bit for bit
    np.testing.assert_array_equal(out[years == 2016], 3.0)
    # 2015: its 730 kg over the 355 days with runoff (1 mm/d each): 730 / 355 kg/d; 1e-13: round-off of one sum
    np.testing.assert_allclose(out[10:365], 730.0 / 355.0, rtol=1e-13)
    assert np.all(out[:10] == 0.0)
    # the same through daily_loads: livestock delivered with runoff, a dry second year
    sub = SubbasinSources("s", livestock=(Livestock("sheep", 365, 10.0, 0.2),), delivery_timing="runoff")
    quick = np.where(years == 2015, 0.5, 0.0)[:, None]
    loads, _, _ = daily_loads(SourceParameters((sub,)), years, quick, 0.0 * quick, [10.0])
    dry = loads[years == 2016, 0, COL["livestock"]]
    # 365 head x 10 kg/yr x 0.2 = 730 kg/yr over 366 days
    np.testing.assert_allclose(dry, 730.0 / 366.0, rtol=1e-13)


# ----------------------------------------------------------------------------- surface-applied N in a leap year
def test_surface_applied_n_builds_up_the_years_application_in_a_leap_year():
    """Mutants: hydro/sources/washoff.py:60 ``ha = lu.share.at(years) * 100.0 * area_km2 / days`` ->
    ``/ 365.0`` (the N applied per day in a leap year 366/365 too high: 2016's surface build-up one
    day's application above what was applied), and washoff.py:137 ``a[0] + a[1]`` -> ``a[0]`` (manure
    left out of the surface-applied N).  The existing surface test only bounds the total within
    +-50 %, with fertiliser and no manure."""
    from hydro.sources import Groundwater, LandUse
    years = calendar_years(2015, 3)
    surface = surface_buildup((LandUse("crop", 0.3, 3.0, fertiliser_kg_per_ha_yr=150.0, manure_kg_per_ha_yr=50.0,
                                       uptake_kg_per_ha_yr=100.0),
                               LandUse("forest", 0.7, 0.8)), Groundwater(0.1, 2.0), years)
    # 0.02 x (150 + 50) kg/ha/yr x 0.3 x 10000 ha = 12000 kg in every calendar year, leap or not;
    # spread keeps each whole year's total to round-off (~1e-13 over 366 days): rel 1e-10
    for y in (2015, 2016, 2017):
        assert surface[years == y].sum() == pytest.approx(12000.0, rel=1e-10)


# ----------------------------------------------------------------------------- the blend's quadratic in a leap year
@pytest.mark.parametrize("seasonal", [False, True])
def test_the_blend_of_a_leap_year_is_the_quadratic_written_out(seasonal):
    """Mutant: hydro/sources/timing.py:273 ``t0 = np.arange(length) / length`` -> ``/ 365.0`` (the
    seasonal path's day fractions of a leap year off by a day's share; its totals, rescaled, still
    held, and the existing fast/seasonal comparison covers 2013-2015 only, no leap year)."""
    from hydro.sources.timing import spread

    years = np.array([2015, 2016, 2017])
    means = np.array([[2.0], [5.0], [3.0]])
    index = np.ones(366, dtype=np.int64)                      # the days of 2016
    doy = np.arange(1, 367)
    weights = [np.ones((n, 1)) for n in (365, 366, 365)] if seasonal else None
    got = spread(means, years, index, doy, np.array([True]), weights)[:, 0]
    # module docstring of hydro.sources.timing: boundaries are harmonic means, the quadratic
    # q(t) = a + b t + c t^2 with a = v0, D = v1 - v0, M = m - v0, b = 6M - 2D, c = 3D - 6M
    v0, v1, m = 2 * 2.0 * 5.0 / 7.0, 2 * 5.0 * 3.0 / 8.0, 5.0
    d, mm = v1 - v0, m - v0
    a, b, c = v0, 6 * mm - 2 * d, 3 * d - 6 * mm
    t0, t1 = np.arange(366) / 366.0, np.arange(1, 367) / 366.0
    expected = a + b * (t0 + t1) / 2 + c * (t0 * t0 + t0 * t1 + t1 * t1) / 3   # the day's mean of q
    assert expected.min() > 0                                   # no clipping: the formula holds as written
    # a few operations on O(1) numbers: 1e-12 is round-off with a margin; a day's shift is ~1e-3
    np.testing.assert_allclose(got, expected, rtol=1e-12)


# ----------------------------------------------------------------------------- the leached surplus's season
def test_the_leached_surplus_follows_fertiliser_by_its_share_of_the_n_applied_fixation_included():
    """Mutant: hydro/sources/washoff.py:64 ``out[2] += ha * (d + lu.fixation_kg_per_ha_yr.at(years))``
    -> ``out[2] += ha * d`` (fixation left out of the "other" N, so the store's input followed the
    fertiliser months as if fertiliser were all the N applied: nothing entered in winter)."""
    from hydro.sources import Groundwater, LandUse
    from hydro.sources.timing import SourceTiming

    years = calendar_years(2015, 1)
    sub = SubbasinSources(
        "s", land_use=(LandUse("crop", 1.0, 0.0, fertiliser_kg_per_ha_yr=150.0, fixation_kg_per_ha_yr=50.0,
                               uptake_kg_per_ha_yr=100.0),),
        groundwater=Groundwater(0.2, 2.0), timing=SourceTiming(years="calendar", fertiliser_months=FERT))
    flow = np.full((len(years), 1), 0.5)
    _, _, gw = daily_loads(SourceParameters((sub,)), years, flow, flow, [100.0])
    daily = gw.input_kg_per_day[:, 0]
    # surplus 150 + 50 - 100 = 100 kg/ha/yr on 10000 ha, 0.2 leached: 200000 kg/yr, I = 200000/365 kg/d.
    # fertiliser's share of the N applied f = 150 / (150 + 50) = 0.75 (docs: weight f w_F + (1 - f)),
    # so a day of January (no fertiliser) carries (1 - f) I and one of May f 0.3 x 365/31 I + (1 - f) I
    mean = 0.2 * 100.0 * 10000.0 / 365.0
    np.testing.assert_allclose(daily[:31], 0.25 * mean, rtol=1e-12)
    np.testing.assert_allclose(daily[120:151], (0.75 * 0.3 * 365.0 / 31.0 + 0.25) * mean, rtol=1e-12)
    assert daily.sum() == pytest.approx(200000.0, rel=1e-12)     # the year's input kept (round-off)


def test_manure_months_time_the_manure_share_of_the_leached_surplus():
    """Mutant: hydro/sources/washoff.py:90 ``np.where(m_even[:, None], even, pm)`` -> ``... even, pf)``
    (manure applied in the fertiliser's months: the manure_months of a subbasin that gives both were
    never read; no test gives two different patterns)."""
    from hydro.sources import Groundwater, LandUse
    from hydro.sources.timing import SourceTiming

    years = calendar_years(2015, 1)
    april, october = [0.0] * 12, [0.0] * 12
    april[3], october[9] = 1.0, 1.0
    sub = SubbasinSources(
        "s", land_use=(LandUse("crop", 1.0, 0.0, fertiliser_kg_per_ha_yr=150.0, manure_kg_per_ha_yr=50.0,
                               uptake_kg_per_ha_yr=100.0),),
        groundwater=Groundwater(0.2, 2.0),
        timing=SourceTiming(years="calendar", fertiliser_months=april, manure_months=october))
    flow = np.full((len(years), 1), 0.5)
    _, _, gw = daily_loads(SourceParameters((sub,)), years, flow, flow, [100.0])
    daily = gw.input_kg_per_day[:, 0]
    # I = 0.2 x (150 + 50 - 100) x 10000 ha / 365 d; fertiliser 3/4 of the N applied, all in April
    # (30 days), manure 1/4, all in October (31 days), nothing else applied
    mean = 0.2 * 100.0 * 10000.0 / 365.0
    october_days = slice(273, 304)
    np.testing.assert_allclose(daily[october_days], 0.25 * 365.0 / 31.0 * mean, rtol=1e-12)
    np.testing.assert_allclose(daily[90:120], 0.75 * 365.0 / 30.0 * mean, rtol=1e-12)
    assert np.all(daily[:90] == 0.0)


def test_surface_applied_n_builds_up_in_the_fertiliser_months_only():
    """Mutant: hydro/sources/washoff.py:140 the surface build-up's season weights
    ``_season_weights(subs, years, applied, (1.0, 1.0, 0.0))`` -> ``(1.0, 1.0, 1.0)`` (fixation and
    deposition, which are not applied on the surface, spread part of the fertiliser over the winter)."""
    from hydro.sources import Groundwater, LandUse
    years = calendar_years(2015, 1)
    surface = surface_buildup((LandUse("crop", 1.0, 0.0, fertiliser_kg_per_ha_yr=150.0, fixation_kg_per_ha_yr=50.0,
                                       uptake_kg_per_ha_yr=100.0),), Groundwater(0.2, 2.0), years)
    # 0.02 x 150 kg/ha/yr x 10000 ha = 30000 kg/yr, 30 % of it in May's 31 days; none before April
    assert np.all(surface[:90] == 0.0)
    np.testing.assert_allclose(surface[120:151], 30000.0 * 0.3 / 31.0, rtol=1e-12)


# ----------------------------------------------------------------------------- the store on days without base flow
def test_flow_timed_store_keeps_its_input_on_days_without_base_flow():
    """Mutants: hydro/_sources_kernels.py:106 ``a_over_k = a / k if k > 0.0 else 1.0`` -> ``else 0.0``
    (a dry day's input passed straight through the store), and :114 the round-off guard
    ``n_end = n + inp`` -> ``n_end = n``.
    With ``timing = "flow"`` a day without base flow drains nothing (``a / k = 1``): the store gains the
    day's input; ``(N + I) - N`` is I only to round-off, and on the days that round-off made the release
    negative the mutant dropped the input from the store (here 63 of 120 dry days, ~7 t of N lost; no
    test had a day of zero base flow under flow timing)."""
    from hydro.sources import Groundwater, LandUse
    from hydro.sources.timing import SourceTiming

    years = calendar_years(2015, 1)
    sub = SubbasinSources(   # blended years: an input that changes every day, so round-off goes both ways
        "s", land_use=(LandUse("crop", 1.0, 0.0, fertiliser_kg_per_ha_yr={2014: 110.0, 2016: 140.0},
                               uptake_kg_per_ha_yr=100.0),),
        groundwater=Groundwater(0.3, 5.0, initial_kg=1.0e6, timing="flow"), timing=SourceTiming())
    base = np.full((len(years), 1), 0.4)
    base[:120] = 0.0                                               # a dry winter and spring: no base flow
    _, _, gw = daily_loads(SourceParameters((sub,)), years, 0.0 * base, base, [100.0])
    inp = gw.input_kg_per_day[:, 0]
    # 2015: fertiliser 125 (interpolated), surplus 25 kg/ha/yr x 10000 ha x 0.3 leached = 75000 kg,
    # kept by the blend over the whole calendar year (round-off: 1e-12)
    assert inp.sum() == pytest.approx(75000.0, rel=1e-12)
    # nothing drains on the dry days (release ~1e-11 kg/d of round-off at most) and the store holds its
    # start plus their input: 120 additions to 1e6 kg round to ~1e-10 kg each; rel 1e-12 is 1e-6 kg
    np.testing.assert_allclose(gw.release_kg_per_day[:120, 0], 0.0, atol=1e-6)
    assert gw.storage_kg[120, 0] == pytest.approx(1.0e6 + inp[:120].sum(), rel=1e-12)
    # and the year's balance closes: input - release = change in storage
    change = gw.storage_kg[-1, 0] - gw.storage_kg[0, 0]
    assert inp.sum() - gw.release_kg_per_day[:, 0].sum() == pytest.approx(change, rel=1e-9)


# ----------------------------------------------------------------------------- CemaNeige's "auto" solid fraction
def test_auto_solid_fraction_takes_usace_from_1500_m():
    """Mutant: hydro/snow.py:114 ``station_elevation_m < AUTO_SOLID_FRACTION_THRESHOLD_M`` -> ``<=``
    (a station at exactly 1500 m read as hydrotel).  hydro.snow's docstring, after airGR: hydrotel
    *below* 1500 m, usace above; the existing test uses 500 m and 2500 m only."""
    from hydro.snow import SnowBands

    def method(z):
        return SnowBands(station_elevation_m=z, band_elevations_m=(z,), solid_fraction="auto").method()

    assert method(1499.9) == "hydrotel"
    assert method(1500.0) == "usace"


# ----------------------------------------------------------------------------- GR4J's routing store under strong losses
def test_gr4j_routing_store_is_emptied_not_overdrawn_by_strong_losses():
    """Mutant: hydro/_runoff_kernels.py:144 ``if r < 0.0: r = 0.0`` removed (airGR's
    ``St(2) = MAX(0, St(2) + 0.9 UH1 + Exch)``).  The loss ``x2 (R/x3)^3.5`` exceeds the routing store
    only where ``|x2| > x3`` (R stays below x3 after its outflow, so ``|x2| R^2.5 > x3^3.5`` needs it);
    the existing clipped-losses test draws x3 >= 5 with |x2| <= 8 and never clips the store (its
    lowest content is 3.3 mm), only the direct flow.  Without the clamp the store goes negative and
    the next day's ``sqrt(R / x3)`` is NaN."""
    from hydro.runoff import GR4JParameters, gr4j

    n_day = 120
    precip = np.zeros((1, n_day))
    precip[0, :20] = 60.0                                     # fill the stores, then a long dry spell
    pet = np.zeros((1, n_day))
    res = gr4j(precip, pet, GR4JParameters([300.0], [-8.0], [5.0], [1.5]))
    for name in ("q_mm", "q_direct_mm", "q_routed_mm", "routing_store_mm", "production_store_mm"):
        arr = getattr(res, name)
        assert np.all(np.isfinite(arr)) and np.all(arr >= 0.0), name
    # the store really was emptied by the loss (the clamp acted): exactly 0 on some day after being full
    assert res.routing_store_mm.max() > 2.0 and np.any(res.routing_store_mm[0, 20:] == 0.0)
    # water balance P + exchange - AE - Q = change of every store: rainfall of 1200 mm, round-off 1e-9 mm
    change = res.final.total_mm() - res.initial.total_mm()
    balance = precip.sum() + res.exchange_mm.sum() - res.aet_mm.sum() - res.q_mm.sum() - change.sum()
    assert abs(balance) <= 1e-9


# ----------------------------------------------------------------------------- warm-up years before year 1
def test_warm_up_years_reaching_before_year_1_start_at_the_first_day_of_the_calendar():
    """Mutant: hydro/runoff_warm_up.py:73 ``if day.year - years < 1:`` -> ``< 0`` (year 0 does not
    exist: ``date.replace(year=0)`` raised instead of the documented ``date.min``)."""
    from datetime import date

    from hydro.runoff_warm_up import years_before

    assert years_before(date(2000, 3, 1), 2000) == date.min       # year 0: before year 1
    assert years_before(date(2000, 3, 1), 1999) == date(1, 3, 1)
    assert years_before(date(2000, 3, 1), 5000) == date.min


def test_tp_of_a_year_without_runoff_keeps_its_constant_rate():
    """Mutant: hydro/sources/quality.py:145 ``return np.where(weight[year_index] > 0, shared,
    rate[year_index])`` -> ``return shared`` (TP and CODMn of the scattered sources shared by runoff: a
    year without runoff lost them, 0 kg/d, where TN keeps its constant rate; the quality module's
    twin of loads.share_by_weight)."""
    import tomllib
    from pathlib import Path

    from hydro.sources import point_loads, quality_loads, read_quality_table

    region = Path(__file__).resolve().parents[1] / "basins" / "region" / "quality.toml"
    coeff = tomllib.loads(region.read_text(encoding="utf-8"))["rural_domestic"]
    years = calendar_years(2015, 2)
    sub = SubbasinSources("s", rural_domestic=RuralDomestic(10000, 10.0, 0.5), delivery_timing="runoff")
    params = SourceParameters((sub,))
    quick = np.where(years == 2015, 0.5, 0.0)[:, None]
    tn, _, _ = daily_loads(params, years, quick, 0.0 * quick, [10.0])
    q = quality_loads(read_quality_table(region), params, years, quick, 0.0 * quick, [10.0], tn,
                      point_loads(params, years))
    tp = q.constituent("tp")[0][:, 0, COL["rural_domestic"]]
    # 10000 persons x 0.5 delivered x per-capita P (g/d) x 1e-3 x the table's P delivery ratio, every day
    # of the dry 2016; in 2015 the same yearly total follows the (constant) runoff.  Round-off: 1e-13
    rate = 10000 * 0.5 * coeff["per_capita_p_g_per_day"] * 1e-3 * coeff["p_delivery_ratio"]
    np.testing.assert_allclose(tp[years == 2016], rate, rtol=1e-13)
    np.testing.assert_allclose(tp[years == 2015], rate, rtol=1e-13)
