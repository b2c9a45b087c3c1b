"""The global attributes of a file of several runs (blocks, ensemble members, scenarios) are the
runs' combined as hydro.run_attributes says, not the first run's: a weather ensemble of Miyun kept
member 0's water_balance_closure (6.187e-15 where member 1's was 2.932e-14) and a scenario file
the baseline's groundwater_n_balance_closure (6.274e-17 where 'land' had 6.808e-17)."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import netCDF4
import pytest
from click.testing import CliRunner

from hydro.cli import main
from hydro.errors import HydroError
from hydro.run_attributes import LISTED, MAX, RULES, SAME, SUM, Combiner

ROOT = Path(__file__).resolve().parents[1]
#: Attributes the file's writer sets for the whole file (not combined from the runs).
ENSEMBLE_OWN = {"history", "weather_seed", "member", "ensemble_members"}
#: What an ensemble member carries less than a run alone: the constituents its variables need.
ENSEMBLE_FEWER = {"constituents", "species", "summary", "keywords"}  # (the last two name the constituents)


def _attrs(path) -> dict[str, str]:
    with netCDF4.Dataset(path) as nc:
        return {k: str(nc.getncattr(k)) for k in nc.ncattrs()}


def _invoke(*args) -> None:
    result = CliRunner().invoke(main, [str(a) for a in args])
    assert result.exit_code == 0, result.output


def _expected(name: str, values: list[str]) -> str:
    """The file's value of a run attribute, written out by hand per rule (not by the Combiner)."""
    how = RULES[name].runs
    if how == LISTED and len(set(values)) > 1:  # runs that differ, each listed (members: 0, 1, ...)
        if RULES[name].by_id:
            return ";".join(f"{k}:{item}" for k, value in enumerate(values) for item in filter(None, value.split(";")))
        return ";".join(f"{k}={value}" for k, value in enumerate(values))
    if how == MAX:
        return max(values, key=float)
    if how == SUM:  # id=days;...
        total: dict[str, int] = {}
        for value in values:
            for item in filter(None, value.split(";")):
                k, v = item.rsplit("=", 1)
                total[k] = total.get(k, 0) + int(v)
        return ";".join(f"{k}={v}" for k, v in total.items())
    assert len(set(values)) == 1, (name, values)  # same, or listed runs that agree
    return values[0]


# -- the rules on made-up runs -----------------------------------------------------------------
def test_closures_are_the_worst_run_whatever_the_order_the_runs_arrive_in():
    runs = {0: "6.187e-15", 1: "2.932e-14", 2: "1.000e-16"}
    for order in ([0, 1, 2], [2, 1, 0], [1, 0, 2]):
        c = Combiner("runs")
        for k in order:
            c.add(k, {"basin": "miyun", "water_balance_closure": runs[k]})
        assert c.attrs() == {"basin": "miyun", "water_balance_closure": "2.932e-14"}


def test_a_nan_closure_is_the_worst_wherever_it_stands():
    for values in (["nan", "1.000e-15"], ["1.000e-15", "nan"]):
        c = Combiner("runs")
        for k, v in enumerate(values):
            c.add(k, {"groundwater_n_balance_closure": v})
        assert c.attrs()["groundwater_n_balance_closure"] == "nan"


def test_days_below_the_ecological_minimum_add_up_even_where_a_run_has_none():
    c = Combiner("runs")
    c.add(0, {"ecological_min_unmet_days": "lake=662"})
    c.add(1, {})
    c.add(2, {"ecological_min_unmet_days": "lake=658;pond=3"})
    assert c.attrs()["ecological_min_unmet_days"] == "lake=1320;pond=3"
    one = Combiner("runs")
    one.add(1, {})  # a member without a shortfall alone: no attribute, as a run alone writes none
    assert "ecological_min_unmet_days" not in one.attrs()


def test_transfer_volumes_add_up_over_blocks_and_are_listed_per_run_only_where_runs_differ():
    blocks = Combiner("blocks")
    blocks.add(0, {"transfer_volume_m3": "snwd=1.000000e+08;supply=5.000000e+07"})
    blocks.add(1, {"transfer_volume_m3": "snwd=2.500000e+08;supply=0.000000e+00"})
    assert blocks.attrs()["transfer_volume_m3"] == "snwd=3.500000e+08;supply=5.000000e+07"
    same = Combiner("runs")
    for k in range(2):  # members read the same series over the same days
        same.add(k, {"transfer_volume_m3": "snwd=1.000000e+08"}, label=k)
    assert same.attrs()["transfer_volume_m3"] == "snwd=1.000000e+08"
    differ = Combiner("runs")
    differ.add(0, {"transfer_volume_m3": "snwd=1.000000e+08"}, label="baseline")
    differ.add(1, {"transfer_volume_m3": "snwd=2.000000e+08"}, label="more_water")
    assert differ.attrs()["transfer_volume_m3"] == "baseline:snwd=1.000000e+08;more_water:snwd=2.000000e+08"


def test_a_run_attribute_listed_per_run_keeps_a_run_without_it():
    c = Combiner("runs")
    c.add(0, {"flow_driven_added_water_m3": "1.000000e+06"}, label="a")
    c.add(1, {}, label="b")
    assert c.attrs()["flow_driven_added_water_m3"] == "a=1.000000e+06;b="


@pytest.mark.parametrize(("second", "fragment"), [
    ({"basin": "guanting"}, "global attribute 'basin' of run 1 differs from run 0's"),
    ({"basin": "miyun", "new_figure": "2"}, "run 1 has the global attribute 'new_figure' and run 0 has not"),
])
def test_runs_that_differ_in_what_must_be_the_same_are_refused(second, fragment):
    c = Combiner("runs", "ens.nc")
    c.add(0, {"basin": "miyun"})
    with pytest.raises(HydroError) as err:
        c.add(1, second)
    assert str(err.value).startswith("ens.nc: ") and fragment in str(err.value)
    assert "write these runs to separate files" in str(err.value)


def test_an_attribute_without_a_rule_is_refused_where_runs_differ_and_says_so():
    c = Combiner("blocks", "x.nc")
    c.add(0, {"new_figure": "1"}, label="2001-01-01")
    c.add(1, {"new_figure": "1"}, label="2002-01-01")  # the same: kept
    with pytest.raises(HydroError, match=r"block 2003-01-01 differs from block 2001-01-01's \('2' against '1'\); "
                                         r"it has no combination rule in hydro\.run_attributes"):
        c.add(2, {"new_figure": "2"}, label="2003-01-01")


def test_every_rule_is_known():
    assert {r.blocks for r in RULES.values()} | {r.runs for r in RULES.values()} <= {SAME, MAX, SUM, LISTED}


# -- every attribute a run writes has a rule ------------------------------------------------------
@pytest.fixture(scope="module")
def gauged(tmp_path_factory):
    """The example watershed with two gauges recording 1.3 and 0.8 times its own flows (a flow-driven run)."""
    from hydro.basin import Basin
    from hydro.simulation import run

    copy = tmp_path_factory.mktemp("gauged") / "watershed"
    shutil.copytree(ROOT / "configs" / "examples" / "watershed", copy)
    first = run(Basin.load(copy, overrides=["run.end=2001-03-31"]))
    q = first["section_discharge"]
    sections = first.coords["section"]
    lines = ["date,west,main"] + [f"{d},{1.3 * float(a)!r},{0.8 * float(b)!r}" for d, a, b in
                                 zip(first.dates, q[:, sections.index("border")],
                                     q[:, sections.index("lake_inlet")], strict=True)]
    (copy / "gauges.csv").write_text("\n".join(lines) + "\n")
    with open(copy / "basin.toml", "a") as fh:
        fh.write('\n[[gauges]]\nid = "west_gauge"\nreach = "west_lower"\n'
                 'observed_discharge_m3_s = { csv = "gauges.csv", column = "west" }\n')
    return copy


def test_every_attribute_a_run_writes_has_a_combination_rule(gauged, tmp_path):
    """A run attribute added without a rule would be refused in a file of runs that differ in it,
    or, the same in every run, quietly kept as if it were the file's: each kind of run is asked."""
    from hydro.basin import Basin
    from hydro.ensemble import member_weather
    from hydro.model import Model
    from hydro.pipeline import run_watershed
    from hydro.simulation import run

    d0, d1 = date(2001, 1, 1), date(2001, 3, 31)
    miyun = Basin.load("miyun")
    runs = {
        "miyun": run(miyun, date(2016, 1, 1), date(2016, 2, 29)),  # transfers, species
        "tiny": run(Basin.load("tiny")),  # a network without subbasins
        "synthetic": run_watershed(Basin.load("watershed"), d0, d1,
                                   weather=member_weather(Basin.load("watershed"), d0, d1, 3)),
        "flow-driven": run(Basin.load(gauged, overrides=["run.end=2001-03-31", "run.flow_driven=true"])),
        "model": Model.from_basin("watershed").with_parameters({"run.courant": 0.5}).run(d0, d1),
    }
    assert "flow_driven_added_water_m3" in runs["flow-driven"].attrs
    assert "parameters_changed" in runs["model"].attrs
    catchment = tmp_path / "catchment.nc"
    _invoke("run", ROOT / "validation/calibration/leguer/catchment.toml", "-o", catchment, "-q")
    written = {name: set(res.attrs) for name, res in runs.items()} | {"catchment": set(_attrs(catchment))}
    written["aggregated"] = set(_attrs(_aggregated(tmp_path)))
    missing = {name: sorted(attrs - set(RULES)) for name, attrs in written.items() if attrs - set(RULES)}
    assert not missing, f"no rule in hydro.run_attributes.RULES for {missing}"


def _aggregated(tmp_path) -> Path:
    out = tmp_path / "monthly.nc"
    _invoke("run", "watershed", "--end", "2001-03-31", "--aggregate", "monthly", "--locations", "lake_inlet",
            "-o", out, "-q")
    assert "locations_selected" in _attrs(out)
    return out


def test_an_ensemble_cut_to_some_locations_says_so_as_a_run_alone_does(tmp_path):
    """Members are cut in their task (outputspec.reduce) and the file written uncut, so an ensemble
    file of --locations lake_inlet lacked locations_selected ("section:1/4"), by which hydro gep and
    the report know a file does not hold every element."""
    args = ["--end", "2001-03-31", "--locations", "lake_inlet", "--aggregate", "monthly", "-q"]
    _invoke("run", "watershed", *args, "-o", tmp_path / "one.nc")
    _invoke("run", "watershed", "--members", 2, "--workers", 1, *args, "-o", tmp_path / "ens.nc")
    one, ens = _attrs(tmp_path / "one.nc"), _attrs(tmp_path / "ens.nc")
    assert one["locations_selected"] == "section:1/4"
    assert ens["locations_selected"] == one["locations_selected"]
    assert ens["time_aggregation"] == one["time_aggregation"] == "monthly"


# -- files of runs against the runs alone ------------------------------------------------------
def test_an_ensemble_file_holds_its_members_combined(tmp_path):
    """Each attribute of a 2-member ensemble of the example watershed (with an ecological
    minimum the lake cannot give) against the members run alone (--synthetic-weather S is member
    0 of --seed S): member 1's water closure (6.694e-16) is the worse, which member 0's
    (2.206e-16) stood for before."""
    period = ["--start", "2001-01-01", "--end", "2002-12-31", "--set", "reservoirs.lake.ecological_min_m3_s=30"]
    alone = []
    for seed in (3, 4):
        _invoke("run", "watershed", "--synthetic-weather", seed, *period, "-o", tmp_path / f"s{seed}.nc", "-q")
        alone.append(_attrs(tmp_path / f"s{seed}.nc"))
    _invoke("run", "watershed", "--members", 2, "--seed", 3, *period, "--workers", 1, "-o", tmp_path / "e.nc", "-q")
    ens = _attrs(tmp_path / "e.nc")
    closures = [a["water_balance_closure"] for a in alone]
    assert float(closures[0]) < float(closures[1])  # or the test cannot tell member 0's from the worst
    assert ens["water_balance_closure"] == closures[1]
    assert ens["ecological_min_unmet_days"] == _expected("ecological_min_unmet_days",
                                                         [a["ecological_min_unmet_days"] for a in alone])
    for name in set(alone[0]) - ENSEMBLE_OWN - ENSEMBLE_FEWER:
        assert ens[name] == _expected(name, [a[name] for a in alone]), name
    assert set(ens) - set(alone[0]) == {"member", "ensemble_members"}
    assert ens["weather_seed"] == "3+member"


def test_a_miyun_ensemble_and_scenario_file_hold_their_runs_combined(tmp_path):
    """The shipped Miyun basin: a 2-member ensemble against its members alone, and a file of the
    baseline and 'land' (afforestation, 2014-2015) against each scenario run alone."""
    from hydro.scenarios.measures import BasinInfo
    from hydro.scenarios.run import run_one
    from hydro.scenarios.spec import ScenarioFile

    period = ["--start", "2014-01-01", "--end", "2014-12-31"]
    alone = []
    for seed in (5, 6):
        _invoke("run", "miyun", "--synthetic-weather", seed, *period, "-o", tmp_path / f"m{seed}.nc", "-q")
        alone.append(_attrs(tmp_path / f"m{seed}.nc"))
    _invoke("run", "miyun", "--members", 2, "--seed", 5, *period, "--workers", 1, "-o", tmp_path / "e.nc", "-q")
    ens = _attrs(tmp_path / "e.nc")
    # a member whose reservoirs met their minimum has no ecological_min_unmet_days (days: none to add)
    for name in (set(alone[0]) | set(alone[1])) - ENSEMBLE_OWN - ENSEMBLE_FEWER:
        assert ens[name] == _expected(name, [a.get(name, "") for a in alone]), name
    assert "transfer_volume_m3" in ens

    sfile_path = ROOT / "configs" / "scenarios" / "miyun.toml"
    out = tmp_path / "s.nc"
    _invoke("scenarios", "miyun", sfile_path, "--start", "2014-01-01", "--end", "2015-12-31", "--scenario", "land",
            "--workers", 1, "-o", out, "-q")
    scen = _attrs(out)
    sfile, info = ScenarioFile.from_toml(sfile_path), BasinInfo.load("miyun")
    runs = [run_one(info, sfile, sid, date(2014, 1, 1), date(2015, 12, 31))[0].attrs for sid in ("baseline", "land")]
    computed = [n for n in runs[0] if RULES[n].runs in (MAX, SUM) or n == "transfer_volume_m3"]
    assert any(len({r.get(n) for r in runs}) > 1 for n in computed)  # or the test cannot tell the first from both
    for name in computed:
        assert scen[name] == _expected(name, [r[name] for r in runs]), name
    for name in set(runs[0]) - set(computed) - {"title", "history", "scenario", "config_sha256"}:
        assert scen[name] == runs[0][name] == runs[1][name], name  # the basin, network, weather ...
    assert scen["title"] == "hydro scenarios of the miyun basin: baseline, land" and scen["scenario"] == "baseline;land"
    assert scen["Conventions"] == "CF-1.8, ACDD-1.3" and scen["time_coverage_start"] == "2014-01-01"
    assert scen["config_sha256"] == ";".join(f"{s}={r['config_sha256']}"
                                             for s, r in zip(("baseline", "land"), runs, strict=True))


def test_a_file_of_blocks_holds_its_blocks_combined(tmp_path):
    """A run in three 1-year blocks against its blocks: the worst closure, and every other
    attribute as each block has it (the rest is tests/test_blocked_output.py: as one block)."""
    from hydro.basin import Basin
    from hydro.blocked import run_blocks
    from hydro.blocked_run import write_blocked
    from hydro.validation.problems import synthetic_watershed

    basin = Basin.load(synthetic_watershed(tmp_path / "b", n_subbasin=3, n_reservoir=1, years=3))
    start, end = basin.settings.start, basin.settings.end
    blocks = [dict(res.attrs) for res in run_blocks(basin, start, end, 1)]
    assert len(blocks) == 3
    write_blocked(basin, start, end, tmp_path / "x.nc", block_years=1)
    got = _attrs(tmp_path / "x.nc")
    for name in blocks[0]:
        how = RULES[name].blocks
        values = [b[name] for b in blocks]
        if how == MAX:
            assert got[name] == max(values, key=float), name
        else:
            assert how == SAME and got[name] == values[0] == values[-1], name
    assert got["time_blocks"] == "3 blocks of at most 1 calendar year"


def test_runs_of_as_many_days_but_other_days_are_refused(tmp_path):
    """StackedWriter compared only the number of days: a run of January 2002 was written under a
    file's January 2001 time axis."""
    from hydro.basin import Basin
    from hydro.netcdf import StackedWriter
    from hydro.simulation import run

    basin = Basin.load("watershed")
    runs = [run(basin, date(y, 1, 1), date(y, 1, 31)) for y in (2001, 2002)]
    with pytest.raises(HydroError) as err, StackedWriter(tmp_path / "x.nc", "scenario", ["a", "b"]) as w:
        for k, res in enumerate(runs):
            w.write(k, res)
    assert "scenario b covers 2002-01-01 to 2002-01-31 (31 days), the first run 2001-01-01 to 2001-01-31" \
        in str(err.value)
    assert not (tmp_path / "x.nc").exists()
