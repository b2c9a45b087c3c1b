"""More mutants that survived the second audit (2026-12-04), killed here: monthly means (flow-weighted then,
means over the days since 2026-12-05), a target met exactly at its limit, the year from which a target holds,
capital charged on a fall, a ramp that lowers, USACE's snow range, the "auto" snow method, bands above the
extrapolation cap, a leap year's days, a reservoir at the network's outlet in the water balance, a negative
release, and GR4J's initial stores."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pytest

from hydro.errors import HydroError
from hydro.gep import days_in_year
from hydro.network import Network, Reach, Reservoir
from hydro.routing import route
from hydro.scenarios.kinds.base import ramp_up
from hydro.scenarios.summary import met_by_year, met_every_year_from, monthly_means, target_met
from hydro.snow import PRECIP_EXTRAPOLATION_CAP_M, SnowBands, solid_fraction_usace


def test_monthly_means_are_means_over_the_days():
    """As the monitoring's (a flood day's flow does not weigh its concentration: time review 2026-12-05)."""
    dates = [date(2020, 1, 1) + timedelta(days=k) for k in range(60)]  # January and February
    conc = np.where(np.arange(60) < 10, 1.0, 3.0)[:, None]
    years, means = monthly_means(dates, conc)
    assert years.tolist() == [2020, 2020]
    assert means[0, 0] == pytest.approx((10 * 1.0 + 21 * 3.0) / 31, rel=1e-15)
    assert means[1, 0] == 3.0


def test_a_target_met_exactly_at_its_limit_is_met():
    from types import SimpleNamespace

    target = SimpleNamespace(checks={"annual_mean_max_mg_per_l": 1.5, "monthly_max_mg_per_l": 2.0})
    met = target_met(target, np.array([2020, 2021, 2022]), np.array([1.5, 1.5, 1.6]), np.array([2.0, 2.1, 2.0]))
    assert met.tolist() == [True, False, False]


def test_the_year_from_which_a_target_holds_counts_every_later_year():
    years = np.array([2015, 2016, 2017, 2018])
    assert met_every_year_from(years, [True, False, True, True]) == 2017
    assert np.isnan(met_every_year_from(years, [True, True, True, False]))


def test_ramp_up_raises_towards_a_target_and_never_lowers():
    np.testing.assert_array_equal(ramp_up(np.array([0.2, 0.9]), 0.5, np.array([1.0, 1.0])), [0.5, 0.9])


def test_capital_is_spent_on_what_is_added_not_on_what_is_taken_away():
    from hydro.scenarios.kinds.base import MeasureKind

    class Costs:
        capital_yuan_per_unit, operating_yuan_per_unit_yr, lifetime_years = 10.0, 1.0, 5

    class Measure:
        costs = Costs()

    capital, operating = MeasureKind.costs(None, Measure(), np.array([2.0, 5.0, 3.0, 3.0]), "spent", 0.0)
    np.testing.assert_array_equal(capital, [20.0, 30.0, 0.0, 0.0])
    np.testing.assert_array_equal(operating, [2.0, 5.0, 3.0, 3.0])


def test_usace_snow_share_is_linear_from_minus_1_to_3_degrees():
    np.testing.assert_allclose(solid_fraction_usace([-2.0, -1.0, 1.0, 2.0, 3.0]), [1.0, 1.0, 0.5, 0.25, 0.0])


def test_auto_snow_method_by_station_elevation():
    low = SnowBands(station_elevation_m=500.0, band_elevations_m=(600.0,), solid_fraction="auto")
    high = SnowBands(station_elevation_m=2500.0, band_elevations_m=(2600.0,), solid_fraction="auto")
    assert (low.method(), high.method()) == ("hydrotel", "usace")


def test_a_band_above_the_cap_takes_the_caps_precipitation():
    bands = SnowBands(station_elevation_m=1000.0, band_elevations_m=(2000.0, 5000.0))
    dz = np.array([1000.0, PRECIP_EXTRAPOLATION_CAP_M - 1000.0])
    np.testing.assert_allclose(bands.precip_factors(), np.exp(bands.precip_gradient_per_m * dz), rtol=1e-15)


def test_a_leap_year_has_366_days():
    assert [days_in_year(y) for y in (2019, 2020, 2100)] == [365, 366, 365]


def _lake_at_the_outlet():
    reach = Reach(id="a", name="a", length_m=20e3, downstream="lake", velocity_coeff=0.3, velocity_exp=0.3,
                  width_coeff=10.0, width_exp=0.4)
    lake = Reservoir(id="lake", name="lake", downstream=None, level_m=(100.0, 110.0, 120.0),
                     area_m2=(1e6, 5e6, 9e6), storage_m3=(0.0, 3e7, 1e8), full_supply_level_m=118.0,
                     dead_storage_m3=2e6, initial_storage_m3=5e7, target_release_m3_s=(15.0,) * 12,
                     ecological_min_m3_s=2.0)
    return Network((reach,), (lake,))


def test_a_reservoir_at_the_networks_outlet_closes_the_water_balance():
    rng = np.random.default_rng(2)
    net, n_day = _lake_at_the_outlet(), 120
    h = route(net, np.full(1, 8e-4), rng.gamma(0.5, 8.0, (n_day, 1)), np.zeros((n_day, 1)),
              rng.gamma(0.5, 4.0, (n_day, 1)), rng.uniform(0.0, 6.0, (n_day, 1)), rng.gamma(0.3, 5.0, (n_day, 1)),
              (np.arange(n_day) // 31) % 12 + 1)
    assert h.res_outflow.sum() > 0  # what leaves through the lake is the network's outflow
    assert h.water_balance_error() < 1e-12
    from hydro.hydraulics import network_water_balance_error

    assert network_water_balance_error(net, h) < 1e-10  # routed reaches: their storage, to round-off


def test_a_negative_release_series_is_refused():
    from hydro.hydraulics import accumulate

    net, n_day = _lake_at_the_outlet(), 3
    with pytest.raises(HydroError, match="target_release: expected"):
        accumulate(net, np.ones((n_day, 1)), np.zeros((n_day, 1)), np.ones((n_day, 1)), np.zeros((n_day, 1)),
                   np.zeros((n_day, 1)), np.ones(n_day, dtype=int), target_release=np.full((n_day, 1), -1.0))


def test_gr4j_initial_stores_default_to_airgrs_and_take_a_full_store():
    from hydro.runoff import GR4JParameters, GR4JState

    params = GR4JParameters(x1_mm=400.0, x2_mm_per_day=0.0, x3_mm=100.0, x4_days=2.0)
    state = GR4JState.from_fractions(params)
    assert state.production_mm.tolist() == [120.0] and state.routing_mm.tolist() == [50.0]
    assert GR4JState.from_fractions(params, production=1.0, routing=1.0).production_mm.tolist() == [400.0]


def test_a_target_is_judged_on_whole_years_only():
    from types import SimpleNamespace

    dates = [date(2020, 6, 1) + timedelta(days=k) for k in range((date(2021, 12, 31) - date(2020, 6, 1)).days + 1)]
    conc = np.array([[1.0] if d.year == 2020 else [3.0] for d in dates])  # met in the part of 2020 only
    years, met = met_by_year(SimpleNamespace(checks={"annual_mean_max_mg_per_l": 2.0}), dates, conc)
    assert years.tolist() == [2021] and met.tolist() == [False]


def test_an_element_no_subbasin_drains_into_is_purified_within_its_capacity(tmp_path):
    # its removal was reported whole as purified (the capacity share left out): GEP in yuan overstated
    import shutil
    from pathlib import Path

    import pandas as pd
    from click.testing import CliRunner

    from hydro.cli import main

    basin = tmp_path / "orphan"
    shutil.copytree(Path(__file__).resolve().parents[1] / "configs/examples/watershed", basin)
    text = (basin / "basin.toml").read_text()
    old = 'id = "t1"\nname = "Below the dam"\narea_km2 = 120.0\nreach = "tailwater"'
    assert old in text
    (basin / "basin.toml").write_text(text.replace(old, old.replace('"tailwater"', '"main"')))  # tailwater: fed by none
    for args in (["run", basin, "-q", "--start", "2001-01-01", "--end", "2002-12-31", "-o", tmp_path / "o.nc"],
                 ["gep", tmp_path / "o.nc", "-o", tmp_path / "g.csv"]):
        result = CliRunner().invoke(main, [str(a) for a in args])
        assert result.exit_code == 0, result.output
    rows = pd.read_csv(tmp_path / "g.csv")
    orphan = rows[rows["note"].fillna("").str.contains("reach tailwater: no subbasin drains into it")]
    assert len(orphan) == 2  # 2001 and 2002, TN
    assert ((orphan.purified_kg > 0) & (orphan.purified_kg < 0.9 * orphan.removed_river_kg)).all()
