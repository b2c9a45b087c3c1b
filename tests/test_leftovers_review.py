"""Leftovers of the payments/plots review: figures of runs on generated weather say so, and a band
over one member says it has no spread (hydro plot, the payment bands figure)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from hydro.plotting import KINDS, plot
from tests.test_plots import _payments, _results


def _titles(fig) -> str:
    sup = getattr(fig, "_suptitle", None)
    return " | ".join([sup.get_text() if sup is not None else ""] + [ax.get_title() for ax in fig.axes])


def _draw(results, kind, **options):
    if kind == "compensation":
        options["payments"] = _payments()
    return plot(results, kind, None, **options)


@pytest.mark.parametrize("kind", list(KINDS))
def test_every_kind_says_a_run_is_on_generated_weather(kind):
    # gep and compensate said so on stderr; a figure of a --synthetic-weather run (or one past the
    # record, which needs it) read like one of the observed years
    r = _results(scenarios=["baseline", "upgrade"])
    r.attrs["weather_synthetic"] = "false"
    assert "generated weather" not in _titles(_draw(r, kind))  # the recorded weather: nothing added
    r.attrs.update(weather_synthetic="true", weather_seed="4")
    assert "generated weather (seed 4): one draw of these years" in _titles(_draw(r, kind))


def test_a_file_on_generated_weather_says_so_and_a_given_title_keeps_it(tmp_path):
    r = _results(sources=False)
    r.attrs.update(constituents="tn=total nitrogen", weather_synthetic="true", weather_seed="7")
    path = r.to_netcdf(tmp_path / "r.nc")
    fig = plot(str(path), "trajectory", tmp_path / "t.png", locations=["res"], title="My title")
    assert fig.axes[0].get_title().startswith("My title\ngenerated weather (seed 7)")


def test_an_ensemble_says_its_members_are_generated_and_one_member_has_no_spread():
    r = _results(members=3)
    r.attrs.update(weather_synthetic="true", weather_seed="1+member")
    text = _titles(_draw(r, "trajectory"))
    assert "3 members on generated weather (seed 1+member)" in text and "no spread" not in text
    one = _results(members=1)
    one.attrs.update(weather_synthetic="true", weather_seed="1+member")
    for kind in ("trajectory", "reservoir"):
        assert "1 member: no spread" in _titles(_draw(one, kind))
    two = _results(members=2)  # one of two failed (NaN in the file): the band is over one member
    two.attrs.update(weather_synthetic="true", weather_seed="1+member", members_failed="1")
    assert "1 member: no spread" in _titles(_draw(two, "trajectory"))


def test_scenario_members_bands_are_generated_weather_the_one_run_is_not():
    # hydro scenarios --members on the record: each scenario's run is on the recorded weather, the
    # ensemble_* members (drawn as bands by trajectory and scenarios) on generated weather
    r = _results(scenarios=["baseline", "upgrade"])
    members = 2
    r.coords["member"] = list(range(members))
    r.data["ensemble_section_tn_concentration"] = np.repeat(r.data["section_tn_concentration"][:, None],
                                                            members, axis=1)
    r.attrs.update(weather_synthetic="false", ensemble_seed="3+member")
    assert "bands: 2 members on generated weather (seed 3+member)" in _titles(_draw(r, "trajectory"))
    assert "generated weather" not in _titles(_draw(r, "reservoir"))  # the one run, on the record


def test_payment_bands_over_one_member_and_of_a_generated_run_say_so(tmp_path):
    from hydro.compensation.uncertainty import plot_payment_bands

    r = _results(sources=False)
    r.attrs.update(weather_synthetic="true", weather_seed="5")
    path = r.to_netcdf(tmp_path / "r.nc")
    row = {"year": 2020, "section": "s_a", "component": "tn_reduction", "parameter": "tn", "median_yuan": 1e6,
           "p05_yuan": 1e6, "p95_yuan": 1e6, "p_pays": 1.0, "flag": False}
    result = {"agreement": "a.toml", "source": str(path), "succeeded": 1, "rows": [row], "net": [],
              "propagated": {"monitoring_error": True}}
    title = plot_payment_bands(result).axes[0].get_title()
    assert "generated weather (seed 5)" in title and "1 member: no spread" in title
    result.update(source="observed.csv", succeeded=20)
    title = plot_payment_bands(result).axes[0].get_title()
    assert "generated weather" not in title and "no spread" not in title


def test_a_spread_over_one_member_says_it_is_one_draw():
    # --members 1 (or all but one failed): the summary printed "over 1 of 1 member: N kept out median
    # 123 kg (5-95 %: 123 to 123)" and the CSV's source "1 of 1 member", a band that read as certainty
    from types import SimpleNamespace

    from hydro.scenarios.kept_out import ONE_DRAW, members_counted, spread_rows
    from hydro.scenarios.summary import _spread_lines

    assert members_counted({"members": [0, 2], "failed": {1: "x"}}) == "2 of 3 members"
    r_in = np.array([[[100.0]], [[90.0]]])  # (scenario, member, reservoir)
    ens = {"reservoir_n_input": r_in, "upstream_n_storage_change": np.zeros_like(r_in), "members": [0],
           "failed": {1: "boom"}}
    run = SimpleNamespace(ensemble=ens, names=["baseline", "s"], kept_out=["lake"],
                          results=[SimpleNamespace(coords={"reservoir": ["lake"]})])
    rows = spread_rows(run, [{"scenario": "s", "quantity": "cost", "location": "", "year": "all", "value": 100.0}])
    mine = [r for r in rows if r["scenario"] == "s" and r["location"] == ""]
    assert {r["source"] for r in mine} == {"1 of 2 members" + ONE_DRAW}
    (line,) = _spread_lines(mine)
    assert line.startswith("    over 1 of 2 members (one draw of the weather: no spread, median = p05 = p95")


@pytest.fixture(scope="module")
def guanting_measures():
    """Guanting's sources with all its measures of configs/scenarios/guanting.toml (wash-off subbasins,
    each with its ``reference`` without the measures) and random quick flows over 2013-2015."""
    from datetime import date, timedelta

    from hydro.model import model_variant
    from hydro.scenarios import BasinInfo, ScenarioFile, compile_scenario
    from hydro.sources import SourceParameters

    info = BasinInfo.load("guanting")
    sfile = ScenarioFile.from_toml(Path(__file__).resolve().parents[1] / "configs/scenarios/guanting.toml")
    comp = compile_scenario(info, sfile, sfile.scenarios[-1].id, range(2013, 2016))
    params = SourceParameters.from_subbasin_tables(model_variant(info.path, comp.overrides).basin.subbasin_tables)
    days = [date(2013, 1, 1) + timedelta(k) for k in range(3 * 365)]
    rng = np.random.default_rng(5)
    n = len(info.ids)
    quick = rng.gamma(0.3, 2.0, (len(days), n)) * (rng.random((len(days), n)) < 0.3)
    return params, np.array([d.year for d in days]), quick, np.full((len(days), n), 0.4), info.area_km2


def test_the_washoff_start_reuses_the_rates_without_measures(guanting_measures, monkeypatch):
    # daily_loads computed the yearly rates without the measures twice over a run of a year or more:
    # once for the groundwater store (reference) and again for the wash-off store's start
    from hydro.sources import loads as module
    from hydro.sources.timing import run_day_of_year
    from hydro.sources.washoff import washoff_flow_mm, washoff_start

    params, years, quick, base, area = guanting_measures
    assert any(s.reference is not None for s in params.subbasins)
    assert any(s.delivery_timing == "washoff" for s in params.subbasins)
    calls = []
    original = module._yearly_rates
    monkeypatch.setattr(module, "_yearly_rates", lambda *a: calls.append(1) or original(*a))
    reused, _, _ = module.daily_loads(params, years, quick, base, area)
    assert len(calls) == 2  # with and without the measures (3 before)
    # bit-identical to the loads of a wash-off store started from freshly computed rates
    unique, index, _ = module._years(years, None, neighbours=True)
    wash = washoff_flow_mm(params.subbasins, quick, base)  # the flow that washes the store (filtered since 1ee7e5f)
    start = washoff_start(params.subbasins, (unique, index, run_day_of_year(unique, index, None)),
                          lambda s, y: original(s, y, np.asarray(area, dtype=float)), np.asarray(area, dtype=float),
                          wash, None)
    assert start is not None and "washoff_tn" in start
    fresh, _, _ = module.daily_loads(params, years, quick, base, area, stores=start)
    assert np.array_equal(reused, fresh)


def _section_file(tmp_path, tracer=None, name="r.nc", attrs=None):
    """Three sections from 15 January to 10 April 2020 (January and April partial months), section
    ``b``'s flow missing on 3 February; with ``tracer`` ([day, section] m3/s) a transfer into a reach
    whose water that tracer follows."""
    from datetime import date, timedelta

    from hydro.results import Results

    days = [date(2020, 1, 15) + timedelta(k) for k in range(87)]
    r = Results(coords={"time": days, "section": ["a", "b", "c"]}, attrs={"basin": "t"},
                constituents={"tn": "total nitrogen"})
    q = np.full((len(days), 3), 2.0)
    q[19, 1] = np.nan
    r.data["section_discharge"] = q
    r.data["section_tn_concentration"] = np.full((len(days), 3), 1.0)
    r.attrs.update(attrs or {})
    if tracer is not None:
        r.data["section_transfer_discharge"] = tracer
        r.attrs.update(transfers="yr=inflow:reach:t.csv:2020-02-01..2020-02-10", transfer_volume_m3="yr=1e6")
    return r.to_netcdf(tmp_path / name)


def test_read_results_computes_the_months_of_no_transferred_water_once(tmp_path, monkeypatch):
    # every section's transferred water was aggregated twice over (positive and negative days) even
    # where none entered the run; the months none reached are computed once now, with the same NaN
    from hydro import monitoring

    calls = []
    original = monitoring._monthly
    monkeypatch.setattr(monitoring, "_monthly", lambda *a, **k: calls.append(1) or original(*a, **k))
    partial = [0] + list(range(3, 12))  # January and April partial, May-December not run
    whole = np.zeros(12)
    whole[partial] = np.nan
    series = monitoring.read_results(_section_file(tmp_path))
    assert len(calls) == 2  # the series, and once the months of no transferred water (7 before)
    for x in "abc":  # b's missing day does not make its transferred water unknown: none came
        np.testing.assert_array_equal(series.transferred[x], whole)
    assert series.transferred["a"] is not series.transferred["b"]  # each its own array
    # water let in: a's tracer 1 m3/s on 1-10 February and 0.5 on 20 January (a partial month), c's
    # net of a day back up (-0.2) and one down (0.5) in March, b's none
    tracer = np.zeros((87, 3))
    tracer[17:27, 0], tracer[5, 0] = 1.0, 0.5
    tracer[50, 2], tracer[51, 2] = 0.5, -0.2
    calls.clear()
    series = monitoring.read_results(_section_file(tmp_path, tracer, "t.nc"))
    assert len(calls) == 1 + 1 + 2 * 2
    expect_a, expect_c = whole.copy(), whole.copy()
    expect_a[1] = 10 * 86400.0
    expect_c[2] = 0.3 * 86400.0
    np.testing.assert_allclose(series.transferred["a"], expect_a, rtol=1e-12)  # round-off of a bincount
    np.testing.assert_allclose(series.transferred["c"], expect_c, rtol=1e-12)
    np.testing.assert_array_equal(series.transferred["b"], whole)
    tracer[30, 1] = np.nan  # a tracer day missing (14 February): its month unknown, as before
    series = monitoring.read_results(_section_file(tmp_path, tracer, "n.nc"))
    expect_b = whole.copy()
    expect_b[1] = np.nan
    np.testing.assert_array_equal(series.transferred["b"], expect_b)


def test_payments_over_one_member_and_of_a_generated_series_say_so(tmp_path):
    # hydro compensate --uncertainty 1 printed a median and a 5-95 % band that are one draw; on a
    # series on generated weather it said nothing of it (hydro compensate without --uncertainty does)
    from click.testing import CliRunner

    from hydro.cli import main

    path = _section_file(tmp_path, attrs={"weather_synthetic": "true", "weather_seed": "9"})
    agreement = tmp_path / "a.toml"
    agreement.write_text('name = "t"\nsource = "test"\nperiod = [2020, 2020]\npayer = "p"\npayee = "q"\n'
                         '[[quantity]]\nsection = "a"\nbaseline_m3 = 1.0\nreward_per_m3_above_yuan = 1.0\n'
                         'source = "test"\n', encoding="utf-8")
    args = ["compensate", str(path), str(agreement), "--uncertainty"]
    one = CliRunner().invoke(main, args + ["1", "--workers", "1"])
    assert one.exit_code == 0, one.output
    assert "1 member: no spread" in one.output and "note: the band is over 1 member" in one.output
    assert f"note: {path}: the run is on generated weather (seed 9)" in one.output
    more = CliRunner().invoke(main, args + ["3", "--workers", "1"])
    assert more.exit_code == 0 and "no spread" not in more.output and "generated weather" in more.output


def test_the_incentives_and_gep_csv_keep_every_yuan():
    # hydro compensate --scenarios --csv wrote 6 significant digits: a measure cost of 203,125,440 yuan
    # as 2.03125e+08, and a row's net gain no longer its change less its cost (2015, Miyun
    # all_measures: -2.89755e+06 - 2.74779e+08 != -2.77676e+08); the payments CSV keeps every digit
    import csv
    import io

    from hydro.gep_tables import COLUMNS as GEP_COLUMNS
    from hydro.gep_tables import write_csv
    from hydro.scenarios.incentives import COLUMNS, write_incentives_csv

    row = {"scenario": "s", "year": 2015, "party": "beijing", "received_yuan": -106_830_549.0,
           "received_change_yuan": -2_897_549.0, "measure_cost_yuan": 274_778_879.25,
           "net_gain_yuan": -2_897_549.0 - 274_778_879.25, "n_kept_out_kg": 154_643.87654321,
           "paid_per_kg_kept_out_yuan": 106_830_549.0 / 154_643.87654321,
           "paid_change_per_kg_kept_out_yuan": np.float64(2_897_549.0 / 154_643.87654321),
           "n_kept_out_in_storage_kg": float("nan"), "complete": True, "n_kept_out_on_land_kg": float("nan"),
           "floor_yuan": 0.0,
           "in_force": True}
    buf = io.StringIO()
    write_incentives_csv([row], buf)
    (back,) = csv.DictReader(io.StringIO(buf.getvalue()))
    for c in COLUMNS[3:COLUMNS.index("n_kept_out_in_storage_kg")]:
        assert float(back[c]) == row[c], c
    assert float(back["received_change_yuan"]) - float(back["measure_cost_yuan"]) == float(back["net_gain_yuan"])
    assert back["n_kept_out_in_storage_kg"] == "" and back["complete"] == "true"
    gep = {c: 1_651_073_422.9345703 if c not in ("scenario", "year", "location") else "x" for c in GEP_COLUMNS}
    buf = io.StringIO()
    write_csv([gep], buf)
    (back,) = csv.DictReader(io.StringIO(buf.getvalue()))
    assert all(float(back[c]) == gep[c] for c in GEP_COLUMNS if isinstance(gep[c], float))


def test_a_moved_period_names_every_dated_line_it_leaves_behind():
    # --set period=[2014,2016] on the Guanting file stopped at target[1].years, then, once moved, at
    # fixed[0].years: one line per try (three tries for phase 1's three fixed lines)

    from hydro.compensation import Agreement
    from hydro.errors import HydroError

    path = Path(__file__).resolve().parents[1] / "configs/agreements/guanting_yongding_2023.toml"
    with pytest.raises(HydroError) as err:
        Agreement.from_toml(path, ["period=[2014,2016]"])
    text = str(err.value)
    assert "leaves 2 dated lines outside it: target[1].years [2025, 2025], fixed[0].years [2023, 2025]" in text
    moves = text.split("in the file, or ")[1].split(")")[0].split(" --set ")
    assert len(moves) == 2
    moved = Agreement.from_toml(path, ["period=[2014,2016]"] + [m.removeprefix("--set ") for m in moves])
    assert moved.period == (2014, 2016)
    with pytest.raises(HydroError, match=r"key 'fixed\[0\]\.years': \[2023, 2025\] is outside"):  # one: as before
        Agreement.from_toml(path, ["period=[2014,2016]", "target[1].years=[2016,2016]"])


def test_scenarios_over_one_member_say_so_on_stderr(tmp_path):
    # hydro scenarios --members 1 on the record said nothing on stderr of a band that is one draw (past
    # the record its progress line says it, not with -q); the summary CSV's source column says it too
    import csv

    from click.testing import CliRunner

    from hydro.cli import main
    from hydro.scenarios.kept_out import ONE_DRAW

    root = Path(__file__).resolve().parents[1]
    out = tmp_path / "o.nc"
    r = CliRunner().invoke(main, ["scenarios", "watershed", str(root / "configs/scenarios/watershed.toml"),
                                  "--start", "2001-01-01", "--end", "2001-03-31", "--members", "1", "-q",
                                  "--scenario", "domestic", "--workers", "1", "-o", str(out)])
    assert r.exit_code == 0, r.output
    assert f"note: the weather's spread is over 1 of 1 member{ONE_DRAW}" in r.output
    with open(out.with_suffix(".summary.csv"), encoding="utf-8") as fh:
        spread = [row for row in csv.DictReader(fh) if row["quantity"].endswith("_median")]
    assert spread and all(row["source"].endswith(ONE_DRAW) for row in spread)


def test_the_report_of_one_member_says_its_bands_have_no_spread(tmp_path):
    # hydro report of a --members 1 file: "Weather ensemble of 1 members ... medians with 5-95 % bands"
    from click.testing import CliRunner

    from hydro.cli import main

    out = tmp_path / "w.nc"
    r = CliRunner().invoke(main, ["run", "watershed", "--members", "1", "--start", "2001-01-01", "--end",
                                  "2001-03-31", "-q", "--workers", "1", "-o", str(out)])
    assert r.exit_code == 0, r.output
    r = CliRunner().invoke(main, ["report", str(out), "-o", str(tmp_path / "w.html"), "-q"])
    assert r.exit_code == 0, r.output
    text = (tmp_path / "w.html").read_text(encoding="utf-8")
    assert "Weather ensemble of 1 member.</b>" in text
    assert "1 member: no spread (median and band are that one member&#x27;s value)" in text


def test_the_scenarios_summary_csv_keeps_every_yuan(tmp_path):
    # the summary CSV wrote a whole-run cost of 1,456,934,750 yuan (Miyun all_measures, 2013-2016) as
    # 1.45693e+09, and its cost per kg no longer the cost over the N kept out beside it
    import csv

    from hydro.scenarios.summary import COLUMNS, write_summary_csv

    rows = [{"scenario": "s", "quantity": q, "location": "", "source": "", "year": "all", "value": v, "unit": u}
            for q, v, u in (("cost", 1_456_934_750.0, "yuan"), ("n_kept_out", np.float64(392_851.6789), "kg"),
                            ("cost_per_kg_kept_out", 1_456_934_750.0 / 392_851.6789, "yuan kg-1"),
                            ("cost_per_kg_kept_out_net_of_storage", float("nan"), "yuan kg-1"))]
    path = write_summary_csv(rows, tmp_path / "s.csv")
    with open(path, encoding="utf-8") as fh:
        back = list(csv.DictReader(fh))
    assert list(back[0]) == list(COLUMNS)
    assert [float(r["value"]) for r in back[:3]] == [r["value"] for r in rows[:3]]
    assert back[3]["value"] == ""


def test_a_run_from_the_record_into_generated_weather_names_its_observed_days(tmp_path):
    # a run that starts on the station record and goes on on generated weather (weather_generated_from):
    # only its days from that day on are one draw, as gep/compensate say on stderr
    from click.testing import CliRunner

    from hydro.cli import main
    from hydro.compensation.uncertainty import plot_payment_bands

    out = tmp_path / "w.nc"
    r = CliRunner().invoke(main, ["run", "watershed", "--synthetic-weather", "3", "--start", "2010-10-01", "--end",
                                  "2011-03-31", "-q", "-o", str(out)])
    assert r.exit_code == 0, r.output
    words = ("the station record's observed weather to 2010-12-31 and generated weather from 2011-01-01 (seed 3): "
             "one draw of the days from 2011-01-01 on, not their observed or expected weather")
    title = plot(str(out), "trajectory").axes[0].get_title()
    assert title.split("\n", 1)[1].replace("\n", " ") == words
    row = {"year": 2011, "section": "s", "component": "tn_reduction", "parameter": "tn", "median_yuan": 1.0,
           "p05_yuan": 0.0, "p95_yuan": 2.0, "p_pays": 1.0, "flag": False}
    result = {"agreement": "a.toml", "source": str(out), "succeeded": 5, "rows": [row], "net": [],
              "propagated": {"monitoring_error": True}}
    assert words in plot_payment_bands(result).axes[0].get_title().replace("\n", " ")
