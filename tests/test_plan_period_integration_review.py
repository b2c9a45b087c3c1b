"""Integration review of the plan-period work: leftovers found while using it end to end.

* :func:`hydro.outputspec.reduce` of results already averaged (monthly means reduced to yearly, as a
  Python user does with ``run_ensemble(output=OutputSpec(aggregate="monthly"))``) closed each year one
  day after its last month's first day (2004: Jan 1 - Dec 2) and reduced yearly means to "monthly"
  ones (a year's mean labelled January's, bounds Jan 1 - Jan 2); it now uses the periods' bounds and
  refuses finer periods, as the writer has done since 427a69c.
* The trajectory plot's legend said "median of 1 members" for a one-member ensemble, and counted a
  failed member (all NaN) among the members whose median the lines are.
* ``Results.to_xarray`` of an in-memory ensemble with a failed member gave its integer variables
  (``transport_substeps``) as 0 sub-steps where ``xarray.open_dataset`` of its file reads them missing.
"""

from datetime import date, timedelta

import numpy as np
import pytest

import hydro
from hydro.errors import HydroError
from hydro.outputspec import OutputSpec, reduce

PERIOD = (date(2004, 1, 1), date(2004, 12, 31))


@pytest.fixture(scope="module")
def year():
    return hydro.Model.from_basin("watershed").run_results(*PERIOD)


def test_reduce_of_monthly_means_to_yearly_keeps_the_years_bounds(year):
    keep = ("section_discharge",)
    monthly = reduce(year, OutputSpec(aggregate="monthly", variables=keep))
    from_months = reduce(monthly, OutputSpec(aggregate="yearly", variables=keep))
    from_days = reduce(year, OutputSpec(aggregate="yearly", variables=keep))
    assert from_months.time_bounds == from_days.time_bounds == ([date(2004, 1, 1)], [date(2005, 1, 1)])
    # a mean of days either way (day-weighted months): equal but for the order of the sums
    np.testing.assert_allclose(from_months["section_discharge"], from_days["section_discharge"], rtol=1e-12)
    with pytest.raises(HydroError, match="yearly means"):
        reduce(from_days, OutputSpec(aggregate="monthly", variables=keep))


def test_selecting_variables_of_monthly_means_keeps_their_months_bounds(year):
    """A cut without aggregation (``aggregate = "daily"``, the default: only variables or locations) of
    results already averaged keeps each step's period: a member's monthly means selected again are still
    the twelve months of 2004, each its own days (the mutation audit's S4, 2026-12-05: without the bounds
    the months read as twelve single days, and a later yearly mean would weigh them alike)."""
    keep = ("section_discharge",)
    monthly = reduce(year, OutputSpec(aggregate="monthly", variables=keep + ("section_tn_concentration",)))
    cut = reduce(monthly, OutputSpec(variables=keep))
    months = [date(2004, m, 1) for m in range(1, 13)]
    assert cut.time_bounds == monthly.time_bounds == (months, months[1:] + [date(2005, 1, 1)])
    assert set(cut.data) == set(keep)
    np.testing.assert_array_equal(cut["section_discharge"], monthly["section_discharge"])
    # and a yearly mean of the cut weighs each month by its days, as one of the days does
    from_days = reduce(year, OutputSpec(aggregate="yearly", variables=keep))
    np.testing.assert_allclose(reduce(cut, OutputSpec(aggregate="yearly", variables=keep))["section_discharge"],
                               from_days["section_discharge"], rtol=1e-12)  # order of the sums only


def _legend_texts(fig) -> list[str]:
    return [t.get_text() for ax in fig.axes if ax.get_legend() for t in ax.get_legend().get_texts()] + \
        [t.get_text() for t in (fig.legends[0].get_texts() if fig.legends else [])]


def _two_places(year, members: int, failed: str = ""):
    from hydro.results import stack

    runs = stack([year] * members, "member", list(range(members)))
    if failed:
        runs.attrs["members_failed"] = failed
    return runs


@pytest.mark.parametrize(("members", "failed", "words"), [
    (1, "", "lines and shaded: 1 member: no spread"),
    (3, "1", "lines: median of 2 members"),
    (3, "", "lines: median of 3 members")])
def test_trajectory_legend_counts_the_members_that_ran(year, members, failed, words):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from hydro.plotting.trajectory import plot_trajectory

    results = _two_places(year, members, failed)
    sections = [str(s) for s in results.coords["section"][:2]]
    fig = plot_trajectory(results, sections)
    texts = " ".join(" | ".join(_legend_texts(fig)).split())  # the legend wraps its lines
    plt.close(fig)
    assert words in texts and "1 members" not in texts


def test_to_xarray_of_an_ensemble_with_a_failed_member_reads_its_integers_missing(tmp_path, monkeypatch):
    import xarray as xr

    from hydro.batch import FAIL_ENV
    from hydro.ensemble import run_ensemble

    monkeypatch.setenv(FAIL_ENV, "1")
    out = OutputSpec(variables=("section_discharge", "transport_substeps"))
    ensemble = run_ensemble("watershed", 3, 1, date(2004, 1, 1), date(2004, 1, 10), workers=1, quiet=True,
                            output=out)
    memory = ensemble.to_xarray()["transport_substeps"]
    written = xr.open_dataset(ensemble.to_netcdf(tmp_path / "e.nc"))["transport_substeps"]
    assert np.isnan(memory[1]).all() and (memory[[0, 2]] > 0).all()
    xr.testing.assert_equal(memory, written)


def test_a_floor_year_netting_to_round_off_is_labelled_0_not_minus_0():
    # Miyun phase 2, hebei_plan_2025 on generated weather 2024: deductions -27,3xx,xxx yuan, TN rewards and a
    # floor line bringing the rules to 0, whose float sum is -1.9e-9: the bar was labelled "-0.00"
    from hydro.compensation.payments import Payment
    from hydro.plotting.compensation import plot_compensation

    def line(component, amount):
        return Payment(2024, "s", component, "tn", "beijing", "hebei", amount)

    deductions = [-1800000.0, -3000000.0, -2100000.0, -1500000.0, -3300000.0, -1500000.0, -600000.0, -1200000.0,
                  -600000.0, -2100000.0, -2700000.0, -2400000.0, -1200000.0, -2100000.0, -1200000.0]
    rewards = [4811933.2326000035, 1716670.9930000047, 4399938.7137, 1337356.380300001, 2165679.7882999987]
    payments = [line("quantity", 0.0)] + [line("quality_class", a) for a in deductions] + \
        [line("tn_reduction", a) for a in rewards] + [line("floor", 12868420.892099993)]  # hydro compensate --json
    fig = plot_compensation(payments)
    labels = [t.get_text() for t in fig.axes[0].texts]
    assert "0.00" in labels and "-0.00" not in labels


def test_a_plan_period_ensemble_trajectory_title_stays_inside_the_figure(year):
    # Miyun 2020-2023, 2 members, 10 sections: the note on the observed and generated days, wrapped at 70
    # characters, was centred over axes a legend of long names narrows, and ran off both figure edges
    from hydro.plotting import plot

    results = _two_places(year, 2)
    results.attrs.update(weather_synthetic="true", weather_seed="1+member", weather_generated_from="2004-07-01")
    results.attrs["section_names"] = ";".join(f"{s}=A river at a long-named border section number {k}"
                                              for k, s in enumerate(results.coords["section"]))
    fig = plot(results, "trajectory")
    fig.canvas.draw()
    box, width = fig.axes[0].title.get_window_extent(), fig.canvas.get_width_height()[0]
    assert "2004-07-01" in fig.axes[0].get_title() and box.x0 >= 0 and box.x1 <= width
    legend = fig.axes[0].get_legend().get_window_extent()
    assert legend.y0 >= 0  # the figure grew by the lines the title gained: the legend beside is still in it


def test_a_run_past_the_record_without_generated_weather_is_refused_before_the_spin_up(tmp_path):
    # `hydro run guanting --start 2023-01-01 --end 2027-12-31` spun up 2000-2022 first, then asked to "extend the
    # weather file", not naming the generated weather that runs plan periods
    from click.testing import CliRunner

    from hydro.cli import main

    out = tmp_path / "w.nc"
    r = CliRunner().invoke(main, ["run", "watershed", "--start", "2010-10-01", "--end", "2011-03-31", "-o", str(out)])
    assert r.exit_code == 2 and not out.exists() and "simulating" not in r.output
    assert "station record ends on 2010-12-31" in r.output and "--synthetic-weather SEED" in r.output
    assert "Traceback" not in r.output


def test_compensate_says_which_years_in_force_the_series_does_not_reach(tmp_path):
    # the phase-2 agreement (in force 2022-2026) on a 2022-2025 plan-period run listed 2022-2025 and left 2026
    # out without a word
    from click.testing import CliRunner
    from test_compensation_review import _results

    from hydro.cli import main

    path, _ = _results(tmp_path / "r.nc")  # 2018-2020
    toml = tmp_path / "a.toml"
    toml.write_text('name = "t"\nsource = "t"\nperiod = [2019, 2022]\npayer = "up"\npayee = "down"\n'
                    '[[quality_class]]\nsections = ["up"]\nparameters = ["tp"]\nwaterbody = "river"\n'
                    'evaluation = "annual"\ntarget_class = "III"\nbonus_yuan = 1e6\nsource = "t"\n')
    r = CliRunner().invoke(main, ["compensate", str(path), str(toml)])
    assert r.exit_code == 0, r.output
    assert "covers 2018-2020; the agreement is in force 2019-2022, so 2021-2022 have no payment lines" in r.output
    inside = toml.read_text().replace("[2019, 2022]", "[2019, 2020]")
    toml.write_text(inside)
    assert "no payment lines" not in CliRunner().invoke(main, ["compensate", str(path), str(toml)]).output


def test_the_guanting_plan_files_note_says_what_the_shipped_file_takes():
    # the note said "below the 0.02 that the shipped guanting.toml assumes" after 22a1518 set that file to 0.0033
    import re
    import tomllib

    root = __import__("pathlib").Path(__file__).resolve().parents[1] / "configs" / "scenarios"
    plan = tomllib.loads((root / "guanting_plan_2023_2027.toml").read_text(encoding="utf-8"))
    shipped = tomllib.loads((root / "guanting.toml").read_text(encoding="utf-8"))
    values = {m["managed_loss_fraction"]["value"] for m in shipped["measures"] if "managed_loss_fraction" in m}
    note = plan["measures"][0]["managed_loss_fraction"]["note"]
    for said in re.findall(r"the ([0-9.]+) that the shipped guanting\.toml assumes\b", note):
        assert float(said) in values, note
    assert values == {plan["measures"][0]["managed_loss_fraction"]["value"]}


def test_hydro_info_of_a_basin_shows_transfer_rows_after_its_period(tmp_path):
    # hydro info guanting gave the Yellow River series (2019-2024) as "0 days with a value, 0.000e+00 m3, TN 0.0
    # t" over the basin's 2000-2017 period, and nothing of its 2021-2024 plan-period rows
    import shutil

    from test_transfers_visible_review import EXAMPLE, add_transfer

    from hydro.basin import Basin
    from hydro.summary import describe

    folder = tmp_path / "ws"
    shutil.copytree(EXAMPLE, folder)
    b = Basin.load(folder)
    end = b.settings.end
    later = [f"{end.year + 1}-01-{d:02d},2.0" for d in range(1, 11)]  # 10 days of 2 m3/s = 1.728e6 m3
    add_transfer(folder, "in.csv", ["date,flow_m3_s", *later], id="plan", kind="inflow",
                 reach=b.network.reaches[0].id, origin="yellow-river", tn_mg_per_l=3.0)
    flat = " ".join(x.strip() for x in describe(str(folder)).splitlines())
    assert (f"0 days with a value, 0.000e+00 m3, TN 0.0 t; after the period, to {end.year + 1}-01-10: 10 days "
            "with a value, 1.728e+06 m3, TN 5.2 t (3.00 mg/L)") in flat  # 1.728e6 m3 x 3 g/m3 = 5.18 t


def test_model_run_past_the_record_without_weather_names_the_generated_weather():
    # hydro.Model.from_basin("guanting").run("2020-07-01", "2021-03-31") spun up 2000-2020, then said "shorten the
    # run (--start/--end) or extend the weather file"
    model = hydro.Model.from_basin("watershed")
    with pytest.raises(HydroError, match=r"station record ends on 2010-12-31.*hydro\.ensemble\.member_weather"):
        model.run_results(date(2010, 10, 1), date(2011, 3, 31))


def test_a_plan_period_scenarios_figure_of_the_members_says_members_not_one_draw():
    # hydro plot SCENARIOS.nc scenarios of `hydro scenarios --members 2` past the record: bars of the 2 members'
    # median under "generated weather (seed 1): one draw of these years ...; bands: 2 members ..."
    from test_leftovers_review import _draw, _results, _titles

    r = _results(scenarios=["baseline", "upgrade"])
    r.coords["member"] = [0, 1]
    r.data["ensemble_section_tn_concentration"] = np.repeat(r.data["section_tn_concentration"][:, None], 2, axis=1)
    r.attrs.update(weather_synthetic="true", weather_seed="1", ensemble_seed="1+member")
    text = " ".join(_titles(_draw(r, "trajectory")).split())
    assert "2 members on generated weather (seed 1+member): each one draw of these years" in text
    assert "(seed 1): one draw" not in text and "bands:" not in text
    own = " ".join(_titles(_draw(r, "reservoir")).split())  # the file's own run: member 0's weather
    assert "generated weather (seed 1): one draw of these years" in own and "members" not in own


def test_report_of_a_scenarios_members_file_across_the_record_says_member_0s_observed_days(tmp_path):
    # hydro report of `hydro scenarios miyun ... --start 2020-01-01 --end 2021-12-31 --members 2` said its tables
    # were "on member 0's generated weather (seed 1)", of a run on the record's weather through 2020
    import html

    from test_plots import _results

    from hydro.report import _provenance

    r = _results(scenarios=["baseline", "halved"])
    r.coords["member"] = [0, 1]
    r.data["ensemble_section_tn_concentration"] = np.zeros((2, 2) + r.data["section_tn_concentration"].shape[1:])
    later = r.dates[len(r.dates) // 2]
    r.attrs.update(weather="synthetic", weather_synthetic="true", weather_seed="1",
                   weather_generated_from=later.isoformat())
    path = tmp_path / "s.nc"
    path.write_bytes(b"stand-in")  # only its size and digest are read
    text = " ".join(html.unescape(_provenance(r, path, "baseline")).split())
    assert (f"on member 0's weather (seed 1: the station record's observed weather to "
            f"{(later - timedelta(days=1)).isoformat()} and generated weather from {later.isoformat()})") in text


def test_payment_bands_title_legend_and_label_stay_inside_the_figure():
    # hydro compensate miyun miyun_chaobai_phase2_2022.toml --uncertainty 2 --plot: the five-section quantity
    # line's label pushed the axes right, and the centred title, legend and axis label ran off the right edge
    from hydro.compensation.uncertainty import plot_payment_bands

    row = {"year": 2020, "section": "gubeikou+baihe_border+qingshui_outlet+hei_outlet+tang_outlet",
           "component": "quantity", "parameter": "flow", "median_yuan": -6e7, "p05_yuan": -8e7, "p95_yuan": -5e7,
           "p_pays": 1.0, "flag": False}
    result = {"agreement": "configs/agreements/miyun_chaobai_phase2_2022.toml", "source": "miyun", "succeeded": 2,
              "rows": [row], "net": [], "propagated": {"weather": {"basin": "miyun"}, "monitoring_error": True,
                                                       "prices": True}}
    fig = plot_payment_bands(result)
    fig.canvas.draw()
    ax, width = fig.axes[0], fig.canvas.get_width_height()[0]
    assert ax.get_title().startswith("miyun_chaobai_phase2_2022: 2 members")
    for artist in (ax.title, ax.get_legend(), ax.xaxis.label):
        box = artist.get_window_extent()
        assert box.x0 >= 0 and box.x1 <= width, artist
