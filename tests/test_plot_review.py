"""Adversarial review of ``hydro plot`` as a researcher uses it (2026-12-01), on the files
``hydro run`` writes: aggregated (``--aggregate monthly|yearly``, ``time_bnds``), ensembles
(``--members``), scenario sets and files cut with ``--variables`` / ``--locations``.

Each test failed before its fix:

* a yearly file of ``hydro run miyun`` (ends 2017-02-28) drew its last step, the mean of
  January and February, as "2017" with no mark (a daily file's annual means were marked);
* ``reservoir`` drew a monthly file's means on the 1st of each month (``trajectory`` at mid-month)
  and did not say they were means;
* an ensemble trajectory of Miyun's 10 sections had 20 legend entries (a band and a median per
  section) that ran off the figure;
* ``classes`` on a ``hydro scenarios`` file was refused with advice for ``hydro compensate``, though
  every other kind draws the first scenario; on an ensemble it spoke of payments and ``--uncertainty``;
* a missing variable was named without saying how to write it;
* ``network`` of a file written with ``--locations`` or ``--variables`` (no reservoir variable)
  failed: "the downstream mapping names 'yunzhou', which is neither a reach nor a reservoir".
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pytest
from synthetic_quality import write_quality_results

from hydro.classes import class_table_of
from hydro.errors import HydroError
from hydro.monitoring import SectionSeries
from hydro.plotting import plot, plot_network, plot_reservoir, plot_scenarios, plot_sources, plot_trajectory
from tests.test_plots import DAYS, _results


def _aggregated(how: str):
    """_results() as ``hydro run --aggregate`` writes them: one step per period from 2016-01-01 to
    2017-02-28 (the end of Miyun's run), with the periods' bounds; values 1 in every period but the
    last, 3 there."""
    if how == "yearly":
        first = [date(2016, 1, 1), date(2017, 1, 1)]
        after = [date(2017, 1, 1), date(2017, 3, 1)]
    else:
        first = [date(2016 + (m - 1) // 12, (m - 1) % 12 + 1, 1) for m in range(1, 15)]
        after = first[1:] + [date(2017, 3, 1)]
    r = _results()
    r.coords["time"] = first
    r.time_bounds = (first, after)
    r.attrs["time_aggregation"] = how
    n = len(first)
    values = np.ones((n, 1))
    values[-1] = 3.0
    r.data = {"section_tn_concentration": np.repeat(values, 3, axis=1),
              "reservoir_tn_concentration": values.copy(), "reservoir_storage": 1e8 * values,
              "reservoir_level": 100.0 * values}
    return r


def test_a_yearly_file_names_its_partly_covered_last_year():
    r = _aggregated("yearly")
    for aggregate in ("daily", "annual"):  # "daily" of a yearly file: its annual means
        ax = plot_trajectory(r, ["s_a"], aggregate=aggregate).axes[0]
        assert ax.get_xlabel() == "Date (partial, not an annual mean: 2017: Jan-Feb only)"
    assert plot_reservoir(r).axes[2].get_xlabel() == "Date (partial, not an annual mean: 2017: Jan-Feb only)"
    # a monthly file: the annual mean of 2017 is of two months as well; whole months say nothing
    monthly = _aggregated("monthly")
    assert "2017: Jan-Feb only" in plot_trajectory(monthly, ["s_a"], aggregate="annual").axes[0].get_xlabel()
    assert plot_trajectory(monthly, ["s_a"]).axes[0].get_xlabel() == "Date"


def test_a_monthly_files_first_and_last_partial_months_are_named():
    # hydro run --aggregate monthly --start 2010-01-10 --end 2011-03-20: time_bnds [10 Jan, 1 Feb) ...
    r = _aggregated("monthly")
    first, after = r.time_bounds
    r.time_bounds = ([date(2016, 1, 10)] + first[1:], after[:-1] + [date(2017, 2, 21)])
    r.coords["time"] = r.time_bounds[0]
    ax = plot_trajectory(r, ["s_a"]).axes[0]
    assert ax.get_xlabel() == "Date (partial, not a monthly mean: Jan 2016: 10-31 only; Feb 2017: 1-20 only)"


@pytest.mark.parametrize("how, mid, per", [("monthly", date(2016, 1, 15), "monthly mean"),
                                           ("yearly", date(2016, 7, 1), "annual mean")])
def test_reservoir_draws_an_aggregated_files_means_mid_period_as_trajectory_does(how, mid, per):
    r = _aggregated(how)
    fig = plot_reservoir(r)
    trajectory = plot_trajectory(r, ["res"]).axes[0].get_lines()[0]
    for panel, scale in zip(fig.axes[:3], (1e-6, 1.0, 1.0), strict=True):
        line = panel.get_lines()[0]
        assert line.get_xdata()[0] == mid and list(line.get_xdata()) == list(trajectory.get_xdata())
        # the storage is each period's end in an aggregated file (hydro.variables.Variable.state, 2026-12-06)
        end = {"monthly mean": "end of month", "annual mean": "end of year"}[per]
        assert panel.get_ylabel().endswith(f"\n{end if panel is fig.axes[0] else per}")
        # the values are the file's: one step per period, nothing averaged away (exact)
        expected = {1e-6: r.data["reservoir_storage"], 1.0: r.data["reservoir_level"]}.get(scale)
        if panel is not fig.axes[2]:
            np.testing.assert_array_equal(line.get_ydata(), expected[:, 0] * scale)
    assert fig.axes[2].get_lines()[0].get_ydata()[-1] == 3.0
    fig.canvas.draw()  # the longer labels stay beside their own panel
    for upper, lower in zip(fig.axes[:2], fig.axes[1:3], strict=True):
        assert not upper.yaxis.label.get_window_extent().overlaps(lower.yaxis.label.get_window_extent())
        assert upper.yaxis.label.get_window_extent().y0 >= lower.get_window_extent().y1
    # a daily file: every day at its own date, no "mean" in the labels
    daily = plot_reservoir(_results())
    assert daily.axes[0].get_ylabel() == "Storage (million m³)"
    assert daily.axes[0].get_lines()[0].get_xdata()[0] == date(2020, 1, 1)


def test_an_ensemble_trajectory_of_many_places_keeps_its_legend_in_the_figure():
    # Miyun's 10 sections with their long names, 3 members: the legend ran off the figure's bottom
    r = _results(members=3)
    long = {"s_a": "Chao River at Gubeikou (Hebei-Beijing border)", "s_mid": "Bai River at the reservoir "
            "(Daguan bridge area)", "s_tail": "Qingshui River at the Hebei-Beijing border",
            "res": "Miyun reservoir"}
    places = ["s_a", "s_mid", "s_tail", "res", "up_a", "up_b", "mid", "tail"]
    fig = plot_trajectory(r, places, names=long, observations={p: ([date(2020, 3, 15)], [2.0]) for p in places},
                          percentiles=(10, 90))
    ax = fig.axes[0]
    texts = [t.get_text() for t in ax.get_legend().get_texts()]
    # one entry per place, and one each saying what the lines, bands and circles are
    assert len(texts) == len(places) + 2
    assert "lines: median of 3 members;\nshaded: range of 3 members" in texts  # not "10th-90th" of 3 (2026-12-05)
    assert "observed (open circles, colour\nof the line)" in texts
    fig.canvas.draw()
    box = ax.get_legend().get_window_extent()
    width, height = fig.canvas.get_width_height()
    assert box.y0 >= 0 and box.y1 <= height and box.x1 <= width


def test_classes_of_a_scenario_file_draw_the_first_scenario_and_name_it(tmp_path):
    path = write_quality_results(tmp_path / "s.nc", start="2019-01-01", end="2019-12-31",
                                 scenarios=["baseline", "halved"], scale=[1.0, 0.5])
    fig = plot(path, "classes", constituent="tn")
    assert fig._suptitle.get_text().endswith("\nscenario baseline")
    cells = np.asarray(fig.axes[0].collections[0].get_array())
    baseline = [r.water_class for r in class_table_of(path, scenario="baseline") if r.parameter == "tn"]
    halved = [r.water_class for r in class_table_of(path, scenario="halved") if r.parameter == "tn"]
    assert baseline != halved and sorted(cells.ravel().tolist()) == sorted(baseline)
    fig = plot(path, "classes", constituent="tn", scenario="halved")
    assert sorted(np.asarray(fig.axes[0].collections[0].get_array()).ravel().tolist()) == sorted(halved)
    assert fig._suptitle.get_text().endswith("\nscenario halved")
    fig.canvas.draw()  # the title clear of the legend beside it
    assert not fig._suptitle.get_window_extent().overlaps(fig.legends[0].get_window_extent())
    with pytest.raises(HydroError, match=r"s\.nc: unknown scenario 'nope'.*baseline, halved"):
        plot(path, "classes", scenario="nope")


def test_classes_of_an_ensemble_is_refused_in_the_words_of_plotting():
    with pytest.raises(HydroError) as err:
        plot(_results(members=2), "classes")
    message = str(err.value)
    assert "weather ensemble" in message and "'trajectory'" in message
    assert "payment" not in message and "--uncertainty" not in message


@pytest.mark.parametrize("history, advice", [
    ("hydro run miyun -o m.nc --variables discharge", "run again with 'reservoir_level' among them"),
    ("hydro run miyun -o m.nc --members 3", "--variables reservoir_level,..."),
    ("hydro run miyun -o m.nc", "hydro run BASIN -o RESULTS.nc")])
def test_a_missing_variable_says_how_to_write_it(history, advice):
    r = _results()
    r.attrs["history"] = history
    del r.data["reservoir_level"]
    with pytest.raises(HydroError, match="needs the variable 'reservoir_level'") as err:
        plot(r, "reservoir")
    assert advice in str(err.value)


def test_network_of_a_file_without_some_elements_draws_them_grey():
    # hydro run miyun --locations ... or --variables tn_concentration,discharge,tn_load: the file keeps the
    # basin's network_downstream, which names reaches and reservoirs it does not hold
    r = _results()
    del r.data["reservoir_tn_concentration"]
    r.coords["reservoir"] = []
    r.attrs["network_downstream"] = "head=up_a;up_a=mid;up_b=mid;mid=res;res=tail;tail="
    r.attrs["reservoir_names"] = "res=The reservoir"
    fig = plot_network(r)
    ax = fig.axes[0]
    lc = ax.collections[0]
    values = np.ma.filled(lc.get_array().astype(float), np.nan)
    assert len(values) == 5 and np.isnan(values[-1]) and np.isfinite(values[:4]).all()  # head: no value
    # drawn grey, not in the colour map's transparent "bad" colour
    assert lc.get_cmap().get_bad()[3] == 1.0
    assert any(t.get_text() == "The reservoir" for t in ax.texts)
    assert any("grey: not in these results" in t.get_text() for t in ax.texts)
    # a mapping given by hand must still name elements of the results
    with pytest.raises(HydroError, match="unknown 'mdi'"):
        plot_network(_results(), downstream={"up_a": "mdi"})


def test_an_ensemble_band_is_the_members_percentiles_of_the_monthly_means():
    r = _results(members=4)
    fig = plot_trajectory(r, ["s_a"], aggregate="monthly", percentiles=(25, 75))
    ax = fig.axes[0]
    values = r.data["section_tn_concentration"][:, :, 0]              # (member, day)
    jan = [k for k, d in enumerate(r.dates) if d < date(2020, 2, 1)]
    means = values[:, jan].mean(axis=1)                              # each member's January mean
    assert ax.get_lines()[0].get_ydata()[0] == pytest.approx(np.median(means), rel=1e-12)
    band = ax.collections[0].get_paths()[0].vertices
    january = date(2020, 1, 15) - date(1970, 1, 1)
    at = {float(v) for v in band[np.isclose(band[:, 0], january / timedelta(days=1)), 1]}  # path closes on itself
    assert sorted(at) == pytest.approx(sorted(np.percentile(means, [25, 75])), rel=1e-12)


def _scenarios_with_members():
    """_results() of two scenarios as ``hydro scenarios --members 3`` writes them: the run on the recorded
    weather without a member axis, and ``ensemble_section_tn_concentration`` / ``ensemble_section_discharge``
    (scenario, member, time, section) for the weather members."""
    r = _results(scenarios=["baseline", "cut"])
    r.coords["member"] = [0, 1, 2]
    rng = np.random.default_rng(7)
    shape = (2, 3, DAYS, 3)
    r.data["ensemble_section_tn_concentration"] = 2.0 + rng.random(shape) * np.array([1.0, 2.0, 3.0])[None, :, None,
                                                                                                     None]
    r.data["ensemble_section_discharge"] = 1.0 + 5.0 * rng.random(shape)
    return r


def test_scenarios_of_a_members_file_show_the_members_spread():
    # hydro scenarios --members 3: the bars were the recorded-weather run, the members not shown at all
    r = _scenarios_with_members()
    fig = plot_scenarios(r, "s_a")
    ax = fig.axes[0]
    assert "bars: median of 3 weather members; whiskers: range of 3 members" in ax.get_title()  # not 5-95 of 3
    conc = r.data["ensemble_section_tn_concentration"][1, :, :, 0]   # scenario "cut", (member, day) at s_a
    months = sorted({(d.year, d.month) for d in r.dates if d.year == 2020})
    annual = []
    for m in range(3):  # each member: its monthly means over the days, as monitored, then their mean over 2020
        monthly = [np.mean([conc[m, k] for k, d in enumerate(r.dates) if (d.year, d.month) == ym]) for ym in months]
        annual.append(np.mean(monthly))
    bars = [p for p in ax.patches if p.get_width() < 0.5]
    years = 2  # 2020 and part of 2021: the bars of "cut" follow the two of "baseline"
    assert bars[years].get_height() == pytest.approx(np.median(annual), rel=1e-12)


def test_trajectory_of_a_members_file_draws_the_members_band():
    r = _scenarios_with_members()
    ax = plot_trajectory(r, ["s_a", "s_mid"], scenario="cut", aggregate="monthly").axes[0]
    assert len(ax.collections) == 2 and "lines: median of 3 members;\nshaded: range of 3 members" in [
        t.get_text() for t in ax.get_legend().get_texts()]
    jan = [k for k, d in enumerate(r.dates) if d < date(2020, 2, 1)]
    members = r.data["ensemble_section_tn_concentration"][1, :, jan, 0].mean(axis=0)
    assert ax.get_lines()[0].get_ydata()[0] == pytest.approx(np.median(members), rel=1e-12)


def test_network_legend_is_off_the_drawing():
    # inside the axes (upper left) the legend sat on Guanting's headwater reaches
    r = _results()
    r.attrs["network_downstream"] = "up_a=mid;up_b=mid;mid=res;res=tail;tail="
    r.attrs["section_reach"] = "s_a=up_a;s_mid=mid;s_tail=tail"
    fig = plot_network(r)
    ax = fig.axes[0]
    fig.canvas.draw()
    legend, drawing = ax.get_legend().get_window_extent(), ax.get_window_extent()
    assert legend.y1 <= drawing.y0 + 1  # below the axes (1 pixel for rounding)
    assert not legend.overlaps(ax.xaxis.label.get_window_extent())
    assert legend.y0 >= 0


def test_observations_that_match_no_place_drawn_are_an_error_not_a_bare_figure():
    # a monitoring CSV of Xiahui overlaid on Gubeikou (or TN observations on a TP figure) drew the
    # figure without a single point and without a word
    r = _results()
    with pytest.raises(HydroError, match=r"observations: none of TN at the places drawn \(s_a\); they are at: "
                                         r"s_tail"):
        plot_trajectory(r, ["s_a"], observations={"s_tail": ([date(2020, 3, 15)], [2.0])})
    r.data["section_tp_concentration"] = r.data["section_tn_concentration"] / 10
    r.constituents["tp"] = "total phosphorus"
    csv_like = SectionSeries(first_year=2020, data={"s_a": {"tn": np.full(12, 3.0)}})  # TN only, at s_a
    with pytest.raises(HydroError, match=r"none of TP at the places drawn \(s_a\); they are at: s_a \(tn\)"):
        plot_trajectory(r, ["s_a"], constituent="tp", observations=csv_like)
    # one place of two observed is drawn as it was
    fig = plot_trajectory(r, ["s_a", "s_tail"], observations={"s_tail": ([date(2020, 3, 15)], [2.0])})
    assert [line.get_ydata()[0] for line in fig.axes[0].get_lines() if line.get_linestyle() == "None"] == [2.0]


def test_classes_of_a_file_without_section_flow_say_what_plotting_needs(tmp_path):
    # hydro run --variables section_tn_concentration,...: the reader's error spoke of compensation
    path = tmp_path / "no_flow.nc"
    r = _results()
    r.attrs["history"] = "hydro run miyun -o no_flow.nc --variables section_tn_concentration"
    r.to_netcdf(path)
    with pytest.raises(HydroError) as err:
        plot(path, "classes")
    message = str(err.value)
    assert message.startswith(f"{path}: plot 'classes' needs 'section_discharge'")
    assert "run again with 'section_discharge' among them" in message and "compensation needs" not in message


def test_scenarios_of_a_file_of_monthly_means_hatch_only_the_partial_year():
    # each step is a month's first day: 2016 ran "1 Jan-1 Dec", so every year was hatched as partial
    r = _aggregated("monthly")
    r.coords["scenario"] = ["a", "b"]
    r.data = {"reservoir_tn_concentration": np.stack([r.data["reservoir_tn_concentration"]] * 2)}
    ax = plot_scenarios(r, "res").axes[0]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["2016", "2017\n(Jan-Feb only)"]
    assert [p.get_hatch() for p in ax.patches if p.get_width() < 0.5] == [None, "//", None, "//"]
    assert [p.get_height() for p in ax.patches if p.get_width() < 0.5][:2] == [1.0, 2.0]  # 2017: (1 + 3) / 2


def test_a_source_has_one_colour_in_every_sources_figure():
    # colours went by size rank: Groundwater was blue at Gubeikou, Livestock blue at the Chao inlet
    from matplotlib.colors import to_hex

    r = _results()
    load = r.data["tn_source_load"]
    load[:, 0, :] *= np.array([10.0, 1.0, 0.1])     # s_a: fertiliser largest
    load[:, 1, :] *= np.array([0.1, 1.0, 10.0])     # s_mid: point largest
    colours = []
    for section in ("s_a", "s_mid"):
        ax = plot_sources(r, section).axes[0]
        legend = ax.get_legend()
        colours.append({t.get_text(): to_hex(h.get_facecolor(), keep_alpha=False)
                        for t, h in zip(legend.get_texts(), legend.legend_handles, strict=True)})
        assert [t.get_text() for t in legend.get_texts()][-1] == ("Fertiliser" if section == "s_a" else "Point")
    assert colours[0] == colours[1]


def test_a_long_default_title_wraps_inside_the_figure():
    r = _results(members=3)
    r.attrs["section_names"] = "s_a=Chao River at the reservoir (Xinzhuang bridge area)"
    fig = plot_sources(r, "s_a")
    fig.canvas.draw()
    box = fig.axes[0].title.get_window_extent()
    assert "\n" in fig.axes[0].get_title() and box.x0 >= 0 and box.x1 <= fig.canvas.get_width_height()[0]


def test_a_scenario_has_one_colour_whichever_scenarios_are_drawn():
    # --scenarios upgrade alone drew 'upgrade' in the baseline's blue
    r = _results(scenarios=["baseline", "upgrade"])
    every = plot_scenarios(r, "s_a").axes[0].get_legend()
    alone = plot_scenarios(r, "s_a", scenarios=["upgrade"]).axes[0].get_legend()
    colour = {t.get_text(): tuple(h.get_facecolor()) for t, h in zip(every.get_texts(), every.legend_handles,
                                                                     strict=True)}
    assert [t.get_text() for t in alone.get_texts()] == ["Upgrade"]
    assert tuple(alone.legend_handles[0].get_facecolor()) == colour["Upgrade"] != colour["Baseline"]


def test_network_of_an_ensemble_says_its_means_are_over_the_members():
    r = _results(members=3)
    r.attrs["network_downstream"] = "up_a=mid;up_b=mid;mid=res;res=tail;tail="
    fig = plot_network(r)
    assert any(a.get_ylabel().startswith("Mean TN concentration over the run and 3 weather members (mg/L)")
               for a in fig.axes)
    values = np.asarray(fig.axes[0].collections[0].get_array())
    # the time mean over every member and day (no loads in these results: time means)
    np.testing.assert_allclose(values, r.data["tn_concentration"].mean(axis=(0, 1)), rtol=1e-12)
