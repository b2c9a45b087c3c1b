"""The runoff-model protocol (issue 12): one model for lumped and distributed runs, and a new
model is a new class, registered by name, nothing else edited.

* GR4J + CemaNeige and the observed-flow split follow :class:`hydro.runoff_model.RunoffModel`;
  their parameters carry units and bounds, and values outside are errors naming them;
* a lumped catchment is the same computation as a watershed with one subbasin on the same
  forcing (bit for bit, with either solid fraction), and a run of several units equals the
  runs of each unit alone;
* a test-only linear-reservoir model, registered here, is chosen by a basin file
  (``[runoff] model``), reads its own parameters there (``--set`` too) and runs a watershed.
"""

from __future__ import annotations

import dataclasses
import shutil
from datetime import date

import numpy as np
import pytest

from hydro.basin import ROOT, Basin
from hydro.catchment import Catchment, run_catchment
from hydro.daily_forcing import DailyForcing
from hydro.errors import HydroError
from hydro.runoff_model import ParameterSpec, RunoffModel, RunoffResult, check_parameters
from hydro.runoff_registry import (
    DEFAULT_RUNOFF_MODEL,
    register_runoff_model,
    runoff_model,
    runoff_model_names,
    unregister_runoff_model,
)
from hydro.snow import SnowBands
from hydro.watershed import SubbasinWeather, subbasin_runoff
from hydro.watershed_tables import Subbasin, Watershed, WeatherSettings

EXAMPLE = ROOT / "configs" / "examples" / "watershed"


class LinearReservoir:
    """Test-only model: a share of the rain runs off at once, the rest fills a store that
    evaporates at PET and drains ``k`` of itself every day."""

    name = "test_linear_reservoir"
    parameters = (
        ParameterSpec("k_per_day", "d-1", 0.0, 1.0, 0.1, "share of the store leaving each day",
                      lower_open=True),
        ParameterSpec("quick_share", "1", 0.0, 1.0, 0.2, "share of the rain running off at once"),
    )

    def __init__(self, n_unit: int = 1, bands=None):
        self.n_unit = n_unit  # no snow routine: the bands are not used

    def initial_state(self, parameters, *, store_mm=100.0, **settings):
        return np.full(self.n_unit, store_mm)

    def prepare(self, forcing: DailyForcing):
        return (np.atleast_2d(forcing.precip_mm), np.atleast_2d(forcing.pet_mm))

    def run(self, forcing, parameters, state=None) -> RunoffResult:
        p, pet = forcing if isinstance(forcing, tuple) else self.prepare(forcing)
        v = check_parameters(self.parameters, parameters, self.n_unit, self.name)
        s0 = self.initial_state(v) if state is None else state
        s = s0.copy()
        qd, qr, aet = (np.empty_like(p) for _ in range(3))
        for t in range(p.shape[1]):
            qd[:, t] = v["quick_share"] * p[:, t]
            s = s + p[:, t] - qd[:, t]
            aet[:, t] = np.minimum(pet[:, t], s)
            s = s - aet[:, t]
            qr[:, t] = v["k_per_day"] * s
            s = s - qr[:, t]
        return RunoffResult(q_mm=qd + qr, q_direct_mm=qd, q_routed_mm=qr, aet_mm=aet,
                            exchange_mm=np.zeros_like(p), precip_mm=p, liquid_mm=p,
                            storage_start_mm=s0, storage_end_mm=s, final=s)


@pytest.fixture()
def linear_reservoir():
    register_runoff_model(LinearReservoir)
    yield LinearReservoir
    unregister_runoff_model(LinearReservoir.name)


# ----------------------------------------------------------------------------- the protocol
def test_built_in_models_follow_the_protocol():
    assert runoff_model_names()[:2] == ("gr4j_cemaneige", "observed_flow")
    for name in ("gr4j_cemaneige", "observed_flow"):
        model = runoff_model(name, 2)
        assert isinstance(model, RunoffModel) and model.n_unit == 2
        for spec in model.parameters:
            assert spec.unit and spec.description and spec.lower <= spec.default <= spec.upper
    gr4j = runoff_model(DEFAULT_RUNOFF_MODEL, 1)
    assert {s.name: s.unit for s in gr4j.parameters} == {
        "x1_mm": "mm", "x2_mm_per_day": "mm d-1", "x3_mm": "mm", "x4_days": "d", "ctg": "1",
        "kf_mm_per_c_per_day": "mm degC-1 d-1"}


@pytest.mark.parametrize("values, pattern", [
    ({"x1_mm": 0.0}, r"parameter 'x1_mm': expected > 0.0, got 0.0"),
    ({"x4_days": [1.0, 0.2]}, r"parameter 'x4_days': expected >= 0.5, got 0.2 \(unit 1\)"),
    ({"ctg": 1.0}, r"parameter 'ctg': expected < 1.0"),
    ({"x1_m": 300.0}, r"gr4j_cemaneige: no parameter 'x1_m'.*did you mean 'x1_mm'"),
    ({"x3_mm": [1.0, 2.0, 3.0]}, r"parameter 'x3_mm': expected a number or 2 values \(one per unit\)"),
])
def test_parameters_outside_their_bounds_are_errors_naming_them(values, pattern):
    model = runoff_model(DEFAULT_RUNOFF_MODEL, 2)
    with pytest.raises(HydroError, match=pattern):
        model.initial_state(values)


def test_registry_refuses_what_is_not_a_model():
    with pytest.raises(HydroError, match=r"unknown runoff model 'gr4j_cemaneig'.*did you mean 'gr4j_cemaneige'"):
        runoff_model("gr4j_cemaneig", 1)

    class NoRun:
        name, parameters = "no_run", ()

    with pytest.raises(HydroError, match=r"runoff model NoRun: missing initial_state, prepare, run"):
        register_runoff_model(NoRun)
    clash = type("Clash", (LinearReservoir,), {"name": DEFAULT_RUNOFF_MODEL})
    with pytest.raises(HydroError, match="registered already"):
        register_runoff_model(clash)
    with pytest.raises(HydroError, match="built in"):
        unregister_runoff_model(DEFAULT_RUNOFF_MODEL)


# ------------------------------------------------------------------ lumped == distributed
def _weather(n_day: int, n_unit: int, seed: int = 3):
    rng = np.random.default_rng(seed)
    days = np.arange(np.datetime64("2001-01-01"), np.datetime64("2001-01-01") + n_day)
    season = np.cos(2 * np.pi * (np.arange(n_day) - 200) / 365.25)
    tmean = 4.0 + 12.0 * season + rng.normal(0.0, 3.0, (n_unit, n_day))
    span = rng.uniform(4.0, 12.0, (n_unit, n_day))
    precip = np.where(rng.random((n_unit, n_day)) < 0.35, rng.gamma(0.8, 9.0, (n_unit, n_day)), 0.0)
    pet = np.maximum(0.0, 0.1 * tmean + 1.0)
    return DailyForcing(days, precip, tmean, tmean - span / 2, tmean + span / 2, pet)


@pytest.mark.parametrize("solid_fraction", ["hydrotel", "usace"])
def test_lumped_catchment_equals_a_watershed_with_one_subbasin(tmp_path, solid_fraction):
    f = _weather(3 * 365, 1).series(0)
    columns = (f.precip_mm.tolist(), f.tmean_c.tolist(), f.tmin_c.tolist(), f.tmax_c.tolist())
    lines = ["date,precip_mm,tmean_c,tmin_c,tmax_c"] + [
        f"{d},{p!r},{t!r},{lo!r},{hi!r}" for d, p, t, lo, hi in zip(f.dates, *columns, strict=True)]
    (tmp_path / "forcing.csv").write_text("\n".join(lines) + "\n")
    (tmp_path / "c.toml").write_text(
        'area_km2 = 120.0\nlatitude_deg = 40.5\nforcing = "forcing.csv"\n'
        "[gr4j]\nx1_mm = 420.0\nx2_mm_per_day = -0.6\nx3_mm = 85.0\nx4_days = 1.9\n"
        "[initial]\nproduction_fraction = 0.4\nrouting_fraction = 0.6\n"
        "[snow]\nstation_elevation_m = 800.0\nband_elevations_m = [600.0, 800.0, 1100.0]\n"
        f'ctg = 0.35\nkf_mm_per_c_per_day = 3.2\nsolid_fraction = "{solid_fraction}"\n')
    c = Catchment.from_toml(tmp_path / "c.toml")
    lumped = run_catchment(c)

    sub = Subbasin("one", "one", 120.0, "r", None, 800.0, (600.0, 800.0, 1100.0), 1.0, 40.5, "", "", c.runoff)
    ws = Watershed((sub,), WeatherSettings(tmp_path / "forcing.csv", 800.0, 40.5), True, 0.4, 0.6,
                   None, solid_fraction)  # type: ignore[arg-type]  # sources: not used by the runoff
    weather = SubbasinWeather(f.precip_mm[None], f.tmean_c[None], f.tmin_c[None], f.tmax_c[None],
                              lumped.pet_mm[None], f.precip_mm, f.tmean_c, lumped.pet_mm, False, {})
    distributed = subbasin_runoff(ws, weather, list(f.dates.astype(object)))
    np.testing.assert_array_equal(distributed.q_mm[0], lumped.q_mm)
    for name in ("q_direct_mm", "aet_mm", "liquid_mm", "storage_end_mm"):
        np.testing.assert_array_equal(getattr(distributed, name), getattr(lumped.runoff, name))
    assert lumped.runoff.parts["snow"].solid_precip_mm.sum() > 10.0  # the snow routine ran
    assert distributed.water_balance_error() < 1e-12


def test_several_units_equal_each_unit_alone():
    f = _weather(2 * 365, 3)
    bands = [SnowBands(500.0, (450.0, 700.0)), SnowBands(900.0, (900.0,), solid_fraction="usace"),
             SnowBands(300.0, (250.0, 400.0, 650.0), band_fractions=(0.5, 0.3, 0.2))]
    params = {"x1_mm": [300.0, 600.0, 900.0], "x2_mm_per_day": [-1.0, 0.0, 0.5],
              "x3_mm": [50.0, 90.0, 200.0], "x4_days": [0.8, 1.7, 3.5], "ctg": [0.1, 0.5, 0.9],
              "kf_mm_per_c_per_day": [2.0, 3.5, 5.0]}
    together = runoff_model(DEFAULT_RUNOFF_MODEL, 3, bands).run(f, params)
    for i in range(3):
        alone = runoff_model(DEFAULT_RUNOFF_MODEL, 1, bands[i]).run(
            f.series(i), {k: v[i] for k, v in params.items()})
        np.testing.assert_array_equal(together.q_mm[i], alone.q_mm[0])
        np.testing.assert_array_equal(together.storage_end_mm[i], alone.storage_end_mm[0])
    assert together.water_balance_error() < 1e-12


def test_a_run_continues_from_the_final_state():
    f = _weather(400, 2)
    model = runoff_model(DEFAULT_RUNOFF_MODEL, 2, SnowBands(500.0, (450.0, 700.0)))
    params = {"x1_mm": 350.0, "x4_days": 2.3}
    prepared = model.prepare(f)
    whole = model.run(prepared, params)
    # a threshold given explicitly, so the two halves use the same snow cover as the whole
    fixed = runoff_model(DEFAULT_RUNOFF_MODEL, 2, SnowBands(500.0, (450.0, 700.0)),
                         mean_annual_solid_precip_mm=whole.parts["snow"].g_threshold_mm / 0.9)
    first = fixed.run(f.between(None, "2001-06-30"), params)
    second = fixed.run(f.between("2001-07-01", None), params, first.final)
    np.testing.assert_allclose(np.concatenate([first.q_mm, second.q_mm], axis=1), whole.q_mm,
                               rtol=0, atol=1e-12)


# ------------------------------------------------------------------ a new model, a new class
def test_a_registered_model_runs_on_the_protocol(linear_reservoir):
    f = _weather(365, 2)
    model = runoff_model("test_linear_reservoir", 2)
    res = model.run(f, {"k_per_day": [0.05, 0.3]})
    assert res.water_balance_error() < 1e-12
    assert res.q_routed_mm[0].std() < res.q_routed_mm[1].std()  # the slower store smooths more
    with pytest.raises(HydroError, match=r"parameter 'k_per_day': expected > 0.0"):
        model.run(f, {"k_per_day": 0.0})


def _replace_runoff_table(path, table: str):
    text = path.read_text()
    start = text.index("[runoff]")
    end = text.index("[[constituents]]")
    path.write_text(text[:start] + table + "\n" + text[end:])


def test_a_basin_chooses_a_registered_model_by_name(tmp_path, linear_reservoir):
    from hydro.simulation import run

    dest = tmp_path / "watershed"
    shutil.copytree(EXAMPLE, dest)
    _replace_runoff_table(dest / "basin.toml", '[runoff]\nmodel = "test_linear_reservoir"\nsnow = false\n'
                                               "k_per_day = 0.08\n")
    basin = Basin.load(dest, overrides=["runoff.quick_share=0.3"])
    subs = basin.watershed.subbasins
    assert basin.watershed.runoff_model == "test_linear_reservoir"
    assert subs[0].runoff == {"k_per_day": 0.08, "quick_share": 0.3}
    res = run(basin, date(2001, 1, 1), date(2001, 6, 30))
    q = res["subbasin_runoff"]
    direct = res["subbasin_quickflow"]
    np.testing.assert_allclose(direct, 0.3 * res["subbasin_precipitation"], rtol=1e-15)
    assert (q > direct).any() and float(res.attrs["water_balance_closure"]) < 1e-9
    with pytest.raises(HydroError, match=r"basin.toml.*runoff.k_per_day.*outside the valid range"):
        Basin.load(dest, overrides=["runoff.k_per_day=1.5"])
    _replace_runoff_table(dest / "basin.toml", '[runoff]\nmodel = "test_linear_reservoi"\n')
    with pytest.raises(HydroError, match=r"basin.toml.*runoff.model.*did you mean 'test_linear_reservoir'"):
        Basin.load(dest)


def test_a_watershed_takes_the_catchments_snow_options(tmp_path):
    dest = tmp_path / "watershed"
    shutil.copytree(EXAMPLE, dest)
    hydrotel = Basin.load(dest)
    usace = Basin.load(dest, overrides=['runoff.solid_fraction="usace"'])
    assert (hydrotel.watershed.solid_fraction, usace.watershed.solid_fraction) == ("hydrotel", "usace")
    with pytest.raises(HydroError, match=r"runoff.solid_fraction.*unknown formulation 'usac'.*'usace'"):
        Basin.load(dest, overrides=['runoff.solid_fraction="usac"'])
    ws = usace.watershed
    from hydro.series import daily_dates
    from hydro.watershed import subbasin_weather

    days = daily_dates(date(2001, 1, 1), date(2002, 12, 31))
    weather = subbasin_weather(ws, days)
    a = subbasin_runoff(hydrotel.watershed, weather, days)
    b = subbasin_runoff(ws, weather, days)
    assert not np.array_equal(a.q_mm, b.q_mm)  # the option reaches the snow routine
    assert dataclasses.replace(ws, solid_fraction="hydrotel") == hydrotel.watershed


def test_the_documented_example_model_runs(capsys):
    """The example of docs/runoff-models.md, run as written."""
    import re

    text = (ROOT / "docs" / "runoff-models.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", text, flags=re.S)
    assert len(blocks) == 1
    try:
        exec(compile(blocks[0], "docs/runoff-models.md", "exec"), {})
        assert "linear_reservoir" in runoff_model_names()
        assert "water balance" in capsys.readouterr().out
        res = runoff_model("linear_reservoir", 1).run(_weather(200, 1).series(0), {"k_per_day": 0.5})
        assert res.water_balance_error() < 1e-12
    finally:
        unregister_runoff_model("linear_reservoir")
