"""The watershed model: weather -> runoff -> sources -> routing -> transport, on the
shipped example with ten years of synthetic weather."""

from __future__ import annotations

import shutil

import numpy as np
import pytest
from cli_invoke import invoke

from hydro.basin import ROOT, Basin
from hydro.errors import HydroError
from hydro.run_summary import budget_closure
from hydro.simulation import run

EXAMPLE = ROOT / "configs" / "examples" / "watershed"


@pytest.fixture(scope="module")
def results():
    return run(Basin.load(EXAMPLE))


def test_ten_years_water_and_nitrogen_budgets_close(results):
    assert len(results.dates) == 3652
    # Every budget is a sum of daily double-precision terms over ten years:
    # round-off stays near 1e-12; 1e-9 is the requirement.
    assert float(results.attrs["water_balance_closure"]) <= 1e-9
    assert float(results.attrs["groundwater_n_balance_closure"]) <= 1e-9
    assert budget_closure(results, "tn") <= 1e-9


def test_source_apportionment_sums_to_the_total(results):
    by_source = results["tn_source_load"].sum(axis=2)
    total = results["section_tn_load"]
    # tags share the limiter of their sum: only round-off separates the two
    assert np.abs(by_source - total).max() <= 1e-10 * total.max()
    reach = results["reach_tn_source_load"].sum(axis=2)
    assert np.abs(reach - results["tn_load"]).max() <= 1e-10 * results["tn_load"].max()
    res = results["reservoir_tn_source_concentration"].sum(axis=2)
    assert np.abs(res - results["reservoir_tn_concentration"]).max() <= 1e-10 * res.max()
    # a source's load through a section is advective plus dispersive: where a source
    # enters just below a section its dispersive flux runs upstream, so its load there
    # can be slightly negative (0.09 % of the section's load in this example); the
    # total through every section is positive
    assert np.all(results["section_tn_load"] >= 0)
    assert np.all(results["tn_source_load"] >= -2e-3 * np.asarray(total)[:, :, None])


def test_every_source_reaches_the_outlet(results):
    outlet = results.coords["section"].index("outlet")
    share = results["tn_source_load"][:, outlet, :].sum(axis=0)
    sources = results.coords["source"]
    for name in ("diffuse_quickflow", "groundwater", "rural_domestic", "livestock", "point", "deposition"):
        assert share[sources.index(name)] > 0, name


def test_runoff_is_plausible_and_subbasin_inputs_reach_the_network(results):
    q = results["subbasin_runoff"]
    p = results["subbasin_precipitation"]
    assert np.all(q >= 0)
    ratio = q.sum() / p.sum()
    assert 0.02 < ratio < 0.6  # semi-arid north China: runoff coefficients of a few to tens of %
    inputs = results["subbasin_tn_source_input"]
    assert inputs.shape[1:] == (7, 7) and np.all(inputs >= 0)
    assert np.all(inputs[..., results.coords["source"].index("initial")] == 0)


def test_metadata_says_the_weather_is_synthetic(results):
    assert results.attrs["weather_synthetic"] == "true"
    assert results.attrs["weather_seed"] == "20240601"


def test_routing_choices_agree_in_volume(tmp_path):
    basin = Basin.load(EXAMPLE, overrides=["run.routing=accumulate"])
    a = run(basin, end=basin.settings.start.replace(year=2002))
    b = run(Basin.load(EXAMPLE), end=basin.settings.start.replace(year=2002))
    # same water, different timing: outlet volumes over two years within 2 %
    va, vb = a["discharge"][:, -1].sum(), b["discharge"][:, -1].sum()
    assert abs(va / vb - 1) < 0.02


@pytest.fixture()
def copy(tmp_path):
    dest = tmp_path / "ws"
    shutil.copytree(EXAMPLE, dest)
    return dest


@pytest.mark.parametrize(("old", "new", "fragment"), [
    ('reach = "west_upper"', 'reach = "west_uper"', "did you mean 'west_upper'"),
    ('reservoir = "lake"', 'reservoir = "lake"\nreach = "main"', "exactly one of 'reach' or 'reservoir'"),
    ("share = 0.7\nemc_mg_per_l = 0.8", "share = 0.6\nemc_mg_per_l = 0.8", "sum"),
    ("area_km2 = 420.0", "area_km2 = -420.0", "positive"),
    ('reach = "west_lower"\ndischarge_m3_per_day', 'reach = "nowhere"\ndischarge_m3_per_day', "unknown reach 'nowhere'"),
    # a missing-value code or unit slip in an elevation ran, with the lapse rate 65 degC off
    ("elevation_m = 1100.0", "elevation_m = -9999", "elevation_m': expected a number >= -500"),
    ("elevation_m = 75.0", "elevation_m = 75000.0", "weather.elevation_m': expected a number <= 9000"),
])
def test_watershed_mistakes_are_clear(copy, tmp_path, old, new, fragment):
    text = (copy / "basin.toml").read_text()
    assert old in text, old
    (copy / "basin.toml").write_text(text.replace(old, new, 1))
    result = invoke("run", copy, "-o", tmp_path / "x.nc", "--end", "2001-03-31")
    assert result.exit_code == 2, result.output
    assert fragment in result.output
    assert "Traceback" not in result.output


def test_headwater_without_subbasin_is_an_error(copy, tmp_path):
    text = (copy / "basin.toml").read_text().replace('reach = "east_upper"', 'reach = "east_lower"', 1)
    (copy / "basin.toml").write_text(text)
    result = invoke("run", copy, "-o", tmp_path / "x.nc", "--end", "2001-03-31")
    assert result.exit_code == 2 and "east_upper" in result.output and "receives no subbasin" in result.output


def test_weather_must_cover_the_run(tmp_path):
    # refused before any spin-up, naming the record's end and the generated-weather options (2ce9255)
    result = invoke("run", "watershed", "-o", tmp_path / "x.nc", "--end", "2011-06-30")
    assert result.exit_code == 2 and "station record ends on 2010-12-31" in result.output
    assert "--synthetic-weather SEED" in result.output and "Traceback" not in result.output


def test_flow_driven_mode_reproduces_gauge_records(copy):
    # "observations" made from a first run: 1.3 x the west branch, 0.8 x the main stem,
    # with gaps; the flow-driven run must hit them exactly on recorded days
    period = ["--set", "run.end=2001-12-31", "--set", "run.routing=\"accumulate\""]
    first = run(Basin.load(copy, overrides=[p for p in period if p != "--set"]))
    sections = first.coords["section"]
    west = first["section_discharge"][:, sections.index("border")] * 1.3
    main = first["section_discharge"][:, sections.index("lake_inlet")] * 0.8
    west[10:20] = np.nan
    lines = ["# test observations (made from a model run, not measurements)", "date,west,main"]
    for d, a, b in zip(first.dates, west, main):
        lines.append(f"{d.isoformat()},{'NA' if np.isnan(a) else repr(float(a))},{float(b)!r}")
    (copy / "gauges.csv").write_text("\n".join(lines) + "\n")
    text = (copy / "basin.toml").read_text()
    text += ('\n[[gauges]]\nid = "west_gauge"\nreach = "west_lower"\n'
             'observed_discharge_m3_s = { csv = "gauges.csv", column = "west" }\n'
             '\n[[gauges]]\nid = "main_gauge"\nreach = "main"\n'
             'observed_discharge_m3_s = { csv = "gauges.csv", column = "main" }\n')
    (copy / "basin.toml").write_text(text)
    driven = run(Basin.load(copy, overrides=["run.end=2001-12-31", "run.flow_driven=true"]))
    sim, obs = driven["gauge_discharge"], driven["gauge_observed_discharge"]
    recorded = ~np.isnan(obs)
    # accumulation makes the gauge flow a sum of scaled subbasin flows: exact to round-off
    assert np.abs(sim[recorded] / obs[recorded] - 1).max() < 1e-9
    assert recorded.sum() == 2 * 365 - 10
    assert float(driven.attrs["water_balance_closure"]) <= 1e-9
    assert budget_closure(driven, "tn") <= 1e-9


def test_observation_targets_compute_what_they_say(results):
    from hydro.tomlio import Table
    from hydro.validation.basins import target_value

    def value(**kw):
        return target_value(results, Table(kw, "observations.toml", "targets[0]"))

    secs = results.coords["section"]
    border = results["section_tn_concentration"][:, secs.index("border")]
    assert value(variable="section_tn_concentration", location="border") == pytest.approx(border.mean(), rel=1e-12)
    days = np.array(results.dates, dtype="datetime64[D]")
    in_2003 = (days >= np.datetime64("2003-01-01")) & (days <= np.datetime64("2003-12-31"))
    assert value(variable="section_tn_concentration", location="border", period=["2003-01-01", "2003-12-31"]) \
        == pytest.approx(border[in_2003].mean(), rel=1e-12)
    east = results["section_tn_concentration"][:, secs.index("east_mouth")]
    assert value(variable="section_tn_concentration", location="border", statistic="ratio",
                 denominator="east_mouth") == pytest.approx(border.mean() / east.mean(), rel=1e-12)
    inputs = results["subbasin_tn_source_input"].sum(axis=(0, 1))
    dep = results.coords["source"].index("deposition")
    assert value(variable="subbasin_tn_source_input", statistic="share", source="deposition") \
        == pytest.approx(inputs[dep] / inputs.sum(), rel=1e-12)
    with pytest.raises(HydroError, match="did you mean 'section_tn_concentration'"):
        value(variable="section_tn_concentraton", location="border")
    with pytest.raises(HydroError, match="'nowhere' is not a section"):
        value(variable="section_tn_concentration", location="nowhere")


def test_subbasin_runoff_overrides_apply(tmp_path):
    end = ["run.end=2001-06-30"]
    base = run(Basin.load(EXAMPLE, overrides=end))
    text = (EXAMPLE / "basin.toml").read_text().replace(
        'province = "Upstream province"\n', 'province = "Upstream province"\n[subbasins.runoff]\nx1_mm = 150.0\n', 1)
    (tmp_path / "ws").mkdir()
    shutil.copy(EXAMPLE / "weather.csv", tmp_path / "ws" / "weather.csv")
    (tmp_path / "ws" / "basin.toml").write_text(text)
    changed = run(Basin.load(tmp_path / "ws", overrides=end))
    subs = base.coords["subbasin"]
    w1 = subs.index("w1")
    assert changed["subbasin_runoff"][:, w1].sum() != base["subbasin_runoff"][:, w1].sum()
    others = [i for i in range(len(subs)) if i != w1]
    np.testing.assert_array_equal(changed["subbasin_runoff"][:, others], base["subbasin_runoff"][:, others])


def test_wastewater_effluent_joins_the_river():
    # the West town WWTP discharges 8000 m3/d into west_lower: that water is in the
    # reach's flow on top of its runoff (accumulation routing: no storage in reaches)
    results = run(Basin.load(EXAMPLE, overrides=["run.end=2001-12-31", 'run.routing="accumulate"']))
    reach = results.coords["reach"].index("west_lower")
    gain = results["discharge"][:, reach] - results["reach_inflow"][:, reach]
    subs = results.coords["subbasin"]
    runoff = results["subbasin_runoff"][:, subs.index("w2")] * 310.0 / 86.4  # mm/d over 310 km2 -> m3/s
    np.testing.assert_allclose(gain, runoff + 8000.0 / 86400.0, rtol=1e-9)


def test_gross_input_inventory_by_hand(results):
    inputs = results["subbasin_tn_gross_input"]  # (year, subbasin, input)
    names = results.coords["input"]
    w2 = results.coords["subbasin"].index("w2")
    y2003 = results.coords["budget_year"].index(2003)
    row = dict(zip(names, inputs[y2003, w2]))
    # w2: cropland 42 % of 310 km2 at 250 kg N/ha/yr of fertiliser
    assert row["fertiliser"] == pytest.approx(0.42 * 31000 * 250.0, rel=1e-12)
    # deposition 40 kg/ha/yr on the 309 km2 of land (no class override) and the 1 km2 of water, which is part of
    # the subbasin's 310 km2 (since 2026-12-06: it had been counted on top of the land)
    assert row["deposition"] == pytest.approx(40.0 * 30900 + 40.0 * 100, rel=1e-12)
    # 8000 cattle x 50 kg N/head/yr; 60000 people x 8 g/d x 365 d; WWTP 8000 m3/d x TN x 365 d,
    # TN interpolated between 20 mg/L (2001) and 15 mg/L (2008): 20 - 5 x 2/7 in 2003
    assert row["livestock"] == pytest.approx(8000 * 50.0, rel=1e-12)
    assert row["rural_domestic"] == pytest.approx(60000 * 8e-3 * 365, rel=1e-12)
    assert row["point"] == pytest.approx(8000 * (20.0 - 5.0 * 2 / 7) * 1e-3 * 365, rel=1e-12)


def test_unknown_county_is_an_error_when_the_basin_lists_its_counties(copy, tmp_path):
    registry = ('[[counties]]\nid = "West county"\nprovince = "Upstream province"\n\n'
                '[[counties]]\nid = "East county"\nprovince = "Upstream province"\n\n'
                '[[counties]]\nid = "Foothill county"\nprovince = "Downstream province"\n\n')
    text = (copy / "basin.toml").read_text().replace("[weather]", registry + "[weather]", 1)
    (copy / "basin.toml").write_text(text)
    result = invoke("run", copy, "-o", tmp_path / "x.nc", "--end", "2001-01-31")
    assert result.exit_code == 2 and "subbasins[4].county': unknown county 'Lake district'" in result.output
    text = text.replace("[weather]", '[[counties]]\nid = "Lake district"\nprovince = "Upstream province"\n\n'
                        "[weather]", 1)
    (copy / "basin.toml").write_text(text)
    result = invoke("run", copy, "-o", tmp_path / "x.nc", "--end", "2001-01-31")
    assert result.exit_code == 2 and "but county 'Lake district' is in Upstream province" in result.output


def test_pure_python_path_gives_the_same_numbers(tmp_path):
    # NUMBA_DISABLE_JIT=1 runs every kernel as plain Python (how coverage of kernel code
    # is measured); it must give the compiled numbers up to round-off (1e-12 relative).
    import os
    import subprocess
    import sys

    from hydro.results import load_results

    out = tmp_path / "nojit.nc"
    env = dict(os.environ, NUMBA_DISABLE_JIT="1")
    # --float64: the file keeps the apportionment by source at full precision too (by default
    # it is 32-bit, whose round-off would hide the comparison)
    subprocess.run([sys.executable, "-m", "hydro", "run", "watershed", "--end", "2001-01-10", "-o", str(out),
                    "-q", "--float64"], check=True, env=env)
    slow = load_results(out)
    fast = run(Basin.load(EXAMPLE), end=slow.dates[-1])
    for name in ("section_tn_load", "discharge", "reservoir_tn_concentration", "tn_source_load"):
        scale = np.nanmax(np.abs(fast[name]))
        assert np.nanmax(np.abs(slow[name] - fast[name])) <= 1e-12 * scale, name


def _with_withdrawal(copy, flow=None, share=None, loss_share=None):
    text = (copy / "basin.toml").read_text()
    text += ('\n[[withdrawals]]\nid = "west_irrigation"\nreach = "west_lower"\n'
             + (f"flow_m3_s = {flow}\n" if flow is not None else "")
             + (f"max_share = {share}\n" if share is not None else "")
             + (f"loss_share = {loss_share}\n" if loss_share is not None else "")
             + 'note = "test diversion"\n')
    (copy / "basin.toml").write_text(text)
    return run(Basin.load(copy, overrides=["run.end=2001-12-31", 'run.routing="accumulate"']))


def test_withdrawals_take_water_and_its_nitrogen(copy):
    base = run(Basin.load(copy, overrides=["run.end=2001-12-31", 'run.routing="accumulate"']))
    taken = _with_withdrawal(copy, 0.5)
    reaches = taken.coords["reach"]
    w = taken["reach_withdrawal"][:, reaches.index("west_lower")]
    assert np.all(w <= 0.5 + 1e-12) and w.max() == pytest.approx(0.5)
    # accumulation: everything downstream of the diversion (to the lake) loses exactly it
    for reach in ("west_lower", "main"):
        i = reaches.index(reach)
        np.testing.assert_allclose(base["discharge"][:, i] - taken["discharge"][:, i], w, atol=1e-9)
    budget = taken["tn_budget_reach"][:, reaches.index("west_lower"), :]
    assert budget[:, taken.coords["budget_term"].index("withdrawal")].sum() > 0
    assert budget_closure(taken, "tn") <= 1e-9
    assert float(taken.attrs["water_balance_closure"]) <= 1e-9


def test_withdrawals_never_take_more_than_their_share(copy):
    taken = _with_withdrawal(copy, 100.0, share=0.5)
    i = taken.coords["reach"].index("west_lower")
    w = taken["reach_withdrawal"][:, i]
    available = taken["reach_inflow"][:, i] + taken["discharge"][:, i] - taken["reach_inflow"][:, i] + w
    np.testing.assert_allclose(w, 0.5 * available, rtol=1e-9)
    assert np.all(taken["discharge"][:, i] > 0)


def test_channel_loss_takes_its_share_of_the_reach_water_every_day(copy):
    """A losing reach (loss_share) gives up exactly that share of the water reaching and
    forming in it, and its nitrogen at the reach's concentration; water and TN still close."""
    base = run(Basin.load(copy, overrides=["run.end=2001-12-31", 'run.routing="accumulate"']))
    lost = _with_withdrawal(copy, loss_share=0.3)
    i = lost.coords["reach"].index("west_lower")
    w = lost["reach_withdrawal"][:, i]
    # with nothing taken further up, the available water is the unaltered run's outflow
    np.testing.assert_allclose(w, 0.3 * base["discharge"][:, i], rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(lost["discharge"][:, i], 0.7 * base["discharge"][:, i], rtol=1e-12, atol=1e-15)
    budget = lost["tn_budget_reach"][:, i, :]
    assert budget[:, lost.coords["budget_term"].index("withdrawal")].sum() > 0
    assert budget_closure(lost, "tn") <= 1e-9
    assert float(lost.attrs["water_balance_closure"]) <= 1e-9


@pytest.mark.parametrize("keys, message", [
    ({}, "either flow_m3_s"),
    ({"flow": 1.0, "loss_share": 0.2}, "not both"),
    ({"loss_share": 0.2, "share": 0.5}, "max_share caps"),
    ({"loss_share": 1.5}, "loss_share"),
])
def test_withdrawal_errors_name_the_key(copy, keys, message):
    with pytest.raises(HydroError, match=message):
        _with_withdrawal(copy, **keys)


def test_two_withdrawals_with_one_id_are_refused(copy):
    # the second was accepted, and `--set withdrawals.<id>...` could never reach it
    text = (copy / "basin.toml").read_text()
    (copy / "basin.toml").write_text(text + '\n[[withdrawals]]\nid = "w"\nreach = "west_lower"\nflow_m3_s = 0.1\n'
                                     '\n[[withdrawals]]\nid = "w"\nreach = "main"\nloss_share = 0.1\n')
    with pytest.raises(HydroError, match=r"key 'withdrawals\.w\.id' \[file key withdrawals\[1\]\.id\]: withdrawal 'w' "
                                         r"is listed twice; give each"):
        Basin.load(copy, overrides=['run.routing="accumulate"'])


def test_muskingum_cunge_takes_withdrawals_from_the_routed_flow(copy):
    """With routing, a diversion takes its share of the routed water of each day: never more,
    water and TN still close, the river never runs dry, and over a year it takes what the
    same diversion takes from accumulated flows, give or take the water routing holds back."""
    accumulated = _with_withdrawal(copy, 100.0, share=0.5)
    routed = run(Basin.load(copy, overrides=["run.end=2001-12-31", 'run.routing="muskingum-cunge"']))
    i = routed.coords["reach"].index("west_lower")
    w = routed["reach_withdrawal"][:, i]
    assert np.all(w > 0) and np.all(routed["discharge"][:, i] > 0)
    assert budget_closure(routed, "tn") <= 1e-9
    assert float(routed.attrs["water_balance_closure"]) <= 1e-9
    # half of a year's water either way; routing storage at the ends and the days a cell
    # gave less than asked (a flood's first day) move it by well under 1 %
    assert w.sum() == pytest.approx(accumulated["reach_withdrawal"][:, i].sum(), rel=0.01)
    # and it follows the flow's timing: the routed flood is later and flatter
    assert not np.allclose(w, accumulated["reach_withdrawal"][:, i], rtol=1e-3)
