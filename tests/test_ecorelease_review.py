"""A scenario's ecological release acts, and is costed, from 1 January of its first year.

It compiled to one ``ecological_min_m3_s`` for the whole run, whatever its ``years``: on the
shipped Guanting file Cetian let out at least 3 m3/s from 2000 for a measure of 2014, and its
costs were counted every year of the run.  It now compiles to a table of years
(:mod:`hydro.ecological_minimum`): every day before the start the reservoirs' operations are the
baseline's to the bit, from it the reservoir lets out at least the minimum while it has water
above dead storage, and its quantity and costs count from the same year.
"""

from __future__ import annotations

import subprocess
import sys
import tomllib
from datetime import date
from pathlib import Path

import numpy as np
import pytest

from hydro.basin import Basin
from hydro.ecological_minimum import ECO_ATTRIBUTE
from hydro.errors import HydroError
from hydro.scenarios import BasinInfo, ScenarioFile, compile_scenario
from hydro.simulation import run

ROOT = Path(__file__).resolve().parents[1]
WATERSHED = ROOT / "configs" / "examples" / "watershed"
HEAD = '[scenario_set]\nname = "t"\ncost_method = "spent"\nassumption = true\nnote = "test"\n'
DAY = 86400.0



def release(mid: str, years: tuple[int, int], value: float, capital: float = 1.0) -> str:
    return f"""
[[measures]]
id = "{mid}"
kind = "ecological_release"
reservoir = "lake"
years = [{years[0]}, {years[1]}]
ecological_min_m3_s = {value}
[measures.costs]
capital_yuan_per_unit = {capital}
operating_yuan_per_unit_yr = 0.1
lifetime_years = 10
"""


def scenario_file(tmp_path, body: str, measures: list[str]) -> ScenarioFile:
    p = tmp_path / "s.toml"
    p.write_text(HEAD + body + f'[[scenarios]]\nid = "s"\nmeasures = {measures!r}\n'.replace("'", '"'))
    return ScenarioFile.from_toml(p)


def minimum_table(comp) -> dict[int, float]:
    """The compiled ``reservoirs.lake.ecological_min_m3_s`` table (years -> m3/s)."""
    [line] = [o for o in comp.overrides if o.startswith("reservoirs.lake.ecological_min_m3_s=")]
    return {int(k): v for k, v in tomllib.loads("v = " + line.split("=", 1)[1])["v"].items()}


def test_the_minimum_is_raised_from_1_january_of_its_first_year_along_its_ramp(tmp_path):
    # the lake's 0.8 m3/s raised to 1.2 over 2002-2003: half of it in 2002; a second release on
    # the same lake starts from the first's minimum (it used to start from the basin's, and the
    # last one's override won)
    sfile = scenario_file(tmp_path, release("a", (2002, 2003), 1.2) + release("b", (2004, 2004), 1.5), ["a", "b"])
    comp = compile_scenario(BasinInfo.load(WATERSHED), sfile, "s", [2001, 2002, 2003, 2004, 2005])
    assert minimum_table(comp) == {2000: 0.8, 2001: 0.8, 2002: 1.0, 2003: 1.2, 2004: 1.5, 2005: 1.5}
    basin = Basin.load(WATERSHED, overrides=comp.overrides)
    lake = basin.network.reservoirs[0]
    assert lake.ecological_min_m3_s == 0.8  # the least, the operations' constant
    np.testing.assert_array_equal(lake.ecological_min_on(np.array([2001, 2002, 2004])), [0.8, 1.0, 1.5])
    volume = {m: sum(v for (k, _), v in comp.quantity.items() if k == m) for m in ("a", "b")}
    days = np.array([365, 365, 365, 366, 365])
    np.testing.assert_allclose(volume["a"], np.array([0, 0.2, 0.4, 0.4, 0.4]) * DAY * days, rtol=1e-12)
    np.testing.assert_allclose(volume["b"], np.array([0, 0, 0, 0.3, 0.3]) * DAY * days, rtol=1e-12)


def test_costs_count_from_the_first_year_and_capital_buys_the_capacity_once(tmp_path):
    # capital on the growth of the release capacity (its volume over 365 days), none again in the
    # leap year 2004; operating on each year's volume; nothing before 2002 (costs were counted
    # from the run's first year, whatever the measure's)
    sfile = scenario_file(tmp_path, release("a", (2002, 2003), 1.2), ["a"])
    comp = compile_scenario(BasinInfo.load(WATERSHED), sfile, "s", [2000, 2001, 2002, 2003, 2004])
    capacity = 0.2 * DAY * 365
    np.testing.assert_allclose(comp.cost("a") - 0.1 * np.array([0, 0, 1, 2, 2 * 366 / 365]) * capacity,
                               [0, 0, capacity, capacity, 0], rtol=1e-12, atol=1e-6)
    assert comp.cost("a")[:2].tolist() == [0.0, 0.0]


def test_a_release_after_the_run_or_no_higher_than_the_minimum_changes_nothing(tmp_path):
    info = BasinInfo.load(WATERSHED)
    late = compile_scenario(info, scenario_file(tmp_path, release("a", (2009, 2009), 1.2), ["a"]), "s", [2001])
    low = compile_scenario(info, scenario_file(tmp_path, release("a", (2001, 2001), 0.5), ["a"]), "s", [2001])
    for comp in (late, low):
        assert comp.overrides == [] and comp.cost().sum() == 0.0


@pytest.fixture(scope="module")
def watershed_runs(tmp_path_factory):
    """The example watershed over 2001-2002 (accumulated flows), baseline and with a minimum of 20
    times the lake's mean inflow from 2002: met while the storage lasts, then not."""
    tmp = tmp_path_factory.mktemp("eco")
    period = ["run.start=2001-01-01", "run.end=2002-12-31", 'run.routing="accumulate"']
    base = run(Basin.load(WATERSHED, overrides=period))
    minimum = float(np.mean(base["reservoir_inflow"][:, 0])) * 20.0
    sfile = scenario_file(tmp, release("a", (2002, 2002), minimum), ["a"])
    comp = compile_scenario(BasinInfo.load(WATERSHED), sfile, "s", [2001, 2002])
    scen = run(Basin.load(WATERSHED, overrides=period + comp.overrides))
    return base, scen, minimum


def test_before_its_start_every_variable_is_the_baselines_to_the_bit(watershed_runs):
    # the reservoir, the rivers and the transport: its cells' water level, set from the whole
    # run's flows (hydro.transport_volumes.cell_water), is set from the operations without the
    # raise (hydro.reference_numerics), or the release moved every concentration below the lake
    base, scen, _ = watershed_runs
    pre = np.array([d.year < 2002 for d in base.dates])
    names = [n for n in base.data if base.dims(n)[:1] == ("time",)]
    assert len(names) >= 20 and {"tn_concentration", "section_tn_concentration", "transport_substeps"} <= set(names)
    for name in names:
        np.testing.assert_array_equal(np.asarray(scen[name])[pre], np.asarray(base[name])[pre], err_msg=name)
    assert not np.array_equal(scen["reservoir_release"][~pre], base["reservoir_release"][~pre])


def test_from_its_start_the_minimum_is_let_out_while_there_is_water_above_dead_storage(watershed_runs):
    _, scen, minimum = watershed_runs
    post = np.array([d.year >= 2002 for d in scen.dates])
    out = scen["reservoir_release"][:, 0] + scen["reservoir_spill"][:, 0]
    short = post & (out < minimum * (1 - 1e-9))
    assert 0 < short.sum() < post.sum()  # it runs dry some days, or the test proves nothing
    # a day short ends at dead storage (8 mcm): all the water above it went out
    np.testing.assert_allclose(scen["reservoir_storage"][short, 0], 8e6, rtol=1e-9)
    # the attribute counts the days short of each day's minimum: 0.8 m3/s in 2001, the raise from 2002
    before = int(np.count_nonzero(~post & (out < 0.8 * (1 - 1e-9))))
    assert scen.attrs[ECO_ATTRIBUTE] == f"lake={before + int(short.sum())}"


def test_a_minimum_by_year_acts_from_its_year_in_a_flow_driven_basin():
    # [forcing] basins route without transfers: the table reached only the reservoirs' constant
    base = run(Basin.load("tiny"))
    later = float(np.max(base["reservoir_release"][:, 0] + base["reservoir_spill"][:, 0])) + 1.0
    res = run(Basin.load("tiny", overrides=[f"reservoirs.lake.ecological_min_m3_s={{2020=1.0,2021={later!r}}}"]))
    first = np.array([d.year == 2020 for d in res.dates])
    for name in ("discharge", "reservoir_storage", "reservoir_release", "reservoir_spill"):
        np.testing.assert_array_equal(res[name][first], base[name][first], err_msg=name)
    out = res["reservoir_release"][~first, 0] + res["reservoir_spill"][~first, 0]
    assert out[0] >= later * (1 - 1e-12)


@pytest.mark.parametrize("value, words", [
    # the key as the user wrote it, then the file's (9c5795d): '...lake.ecological_min_m3_s.2014' [file key ...]
    ("{2014=-1.0}", "ecological_min_m3_s.2014]: expected a value >= 0.0 m3/s, got -1.0"),
    ('{"soon"=1.0}', "'soon' is not a year"),
    ("{}", "empty table of years"),
])
def test_a_bad_table_of_years_is_a_located_error(value, words):
    with pytest.raises(HydroError) as err:
        Basin.load(WATERSHED, overrides=[f"reservoirs.lake.ecological_min_m3_s={value}"])
    assert words in str(err.value) and "basin.toml" in str(err.value), str(err.value)


def test_a_run_in_blocks_lets_out_what_one_run_does(watershed_runs, tmp_path):
    from hydro.blocked import run_blocks

    _, scen, minimum = watershed_runs
    overrides = ["run.start=2001-01-01", "run.end=2002-12-31", 'run.routing="accumulate"',
                 f"reservoirs.lake.ecological_min_m3_s={{2001=0.8,2002={minimum!r}}}"]
    blocks = list(run_blocks(Basin.load(WATERSHED, overrides=overrides), date(2001, 1, 1), date(2002, 12, 31), 1))
    assert len(blocks) == 2
    for name in ("reservoir_release", "reservoir_spill", "reservoir_storage"):
        np.testing.assert_array_equal(np.concatenate([b[name] for b in blocks]), scen[name], err_msg=name)
    days = [int(b.attrs[ECO_ATTRIBUTE].split("=")[1]) if b.attrs.get(ECO_ATTRIBUTE) else 0 for b in blocks]
    assert f"lake={sum(days)}" == scen.attrs[ECO_ATTRIBUTE]


def test_hydro_scenarios_on_guanting_releases_from_2014_only(tmp_path):
    # the shipped file over a short period (spun up from the basin's start, in blocks): every
    # variable of December 2013 is the baseline's, Cetian lets out at least 3 m3/s in 2014; the
    # release costs nothing in 2013
    import xarray as xr

    out = tmp_path / "g.nc"
    proc = subprocess.run([sys.executable, "-m", "hydro", "scenarios", "guanting",
                           str(ROOT / "configs" / "scenarios" / "guanting.toml"), "--start", "2013-12-01",
                           "--end", "2014-03-31", "--scenario", "land_and_water", "-o", str(out), "--quiet",
                           "--workers", "1"], capture_output=True, text=True, cwd=ROOT, timeout=900)
    assert proc.returncode == 0, proc.stderr[-2000:]
    with xr.open_dataset(out) as ds:
        cetian = ds.sel(reservoir="cetian")
        flow = (cetian["reservoir_release"] + cetian["reservoir_spill"]).values  # [scenario, time]
        pre = ds["time"].values < np.datetime64("2014-01-01")
        i = {str(s): k for k, s in enumerate(ds["scenario"].values)}
        base, scen = i["baseline"], i["land_and_water"]
        timed = [n for n in ds.data_vars if ds[n].dims[:2] == ("scenario", "time")]
        assert len(timed) > 80  # the default set: 85 since the species' sources are written on request (d4921b4)
        for name in timed:  # the spin-up from 2000 and the run's first block: every variable
            np.testing.assert_array_equal(ds[name].values[scen, pre], ds[name].values[base, pre], err_msg=name)
        assert (flow[base, ~pre] < 3.0).any() and (flow[scen, ~pre] >= 3.0).all()
        cost = (ds["measure_capital_cost"] + ds["measure_operating_cost"]).sel(
            scenario="land_and_water", measure="eco_release").sum("subbasin")
        assert float(cost.sel(budget_year=2013)) == 0.0 < float(cost.sel(budget_year=2014))
