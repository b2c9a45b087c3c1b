"""Adversarial review of the plots (2026-12-01): what is drawn is the file's data, and a period
the run covers only in part says so.

``hydro run miyun`` ends on 2017-02-28: ``--aggregate annual`` drew the mean of January and
February at "2017" (1 July) as if it were an annual mean, unmarked, next to full years.
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pytest

from hydro.plotting import _data, plot_sources, plot_trajectory
from hydro.plotting.style import CLASS_COLOURS
from hydro.standards import class_limits
from tests.test_plots import DAYS, _results  # 400 days from 2020-01-01: 2021 is 1 Jan-3 Feb


def test_annual_means_name_a_partly_covered_year():
    ax = plot_trajectory(_results(), ["s_a"], aggregate="annual").axes[0]
    assert "not an annual mean: 2021: 1 Jan-3 Feb only" in ax.get_xlabel()
    ax = plot_sources(_results(), "s_a", aggregate="annual").axes[0]
    assert "2021: 1 Jan-3 Feb only" in ax.get_xlabel()


def test_monthly_means_name_a_partly_covered_month_and_whole_periods_say_nothing():
    ax = plot_trajectory(_results(), ["s_a"], aggregate="monthly").axes[0]
    assert ax.get_xlabel() == "Date (partial, not a monthly mean: Feb 2021: 1-3 only)"
    assert plot_trajectory(_results(), ["s_a"]).axes[0].get_xlabel() == "Date"      # daily values
    r = _results()
    r.coords["time"] = [date(2020, 1, 1) + timedelta(days=i) for i in range(366)]   # 2020, a leap year
    r.data = {k: v[:366] for k, v in r.data.items()}
    assert _data.partial_periods(r, "annual") == {} and _data.partial_periods(r, "monthly") == {}


def test_aggregated_files_are_whole_periods():
    r = _results()
    r.attrs["time_aggregation"] = "monthly"
    assert _data.partial_periods(r, "annual") == {}


def test_trajectory_draws_the_files_values():
    r = _results()
    fig = plot_trajectory(r, ["s_mid", "res"], aggregate="monthly")
    lines = fig.axes[0].get_lines()
    days = r.dates
    for line, values in zip(lines, (r.data["section_tn_concentration"][:, 1],
                                    r.data["reservoir_tn_concentration"][:, 0]), strict=False):
        # January 2020: the mean of its 31 daily values, drawn on the 15th
        assert line.get_xdata()[0] == date(2020, 1, 15)
        jan = [k for k, d in enumerate(days) if (d.year, d.month) == (2020, 1)]
        assert line.get_ydata()[0] == pytest.approx(values[jan].mean(), rel=1e-12)


def test_sources_stack_adds_up_to_the_apportioned_load():
    r = _results()
    ax = plot_sources(r, "s_a", aggregate="daily").axes[0]
    # stackplot: one fill_between per source; its path runs along the lower edge (vertices 1..N),
    # then back along the upper edge: the upper edge of the last is the total
    top = ax.collections[-1].get_paths()[0].vertices
    total = r.data["tn_source_load"][:, 0, :].sum(axis=1)
    upper = top[DAYS + 2:2 * DAYS + 2, 1][::-1]
    np.testing.assert_allclose(upper, total, rtol=1e-12)


def test_reservoir_class_bands_are_gb3838_lake_limits_in_class_colours():
    ax = plot_trajectory(_results(), ["res"]).axes[0]
    bands = [p for p in ax.patches if p.get_zorder() == 0]
    edges = sorted({round(v, 12) for p in bands for v in p.get_path().transformed(p.get_patch_transform())
                    .vertices[:, 1] if 0.0 < v < 3.0})
    assert edges[:5] == list(class_limits("tn", "lake"))          # 0.2, 0.5, 1.0, 1.5, 2.0 mg/L
    from matplotlib.colors import to_hex
    assert [to_hex(p.get_facecolor(), keep_alpha=False) for p in bands][:6] == [c.lower() for c in CLASS_COLOURS]


def test_means_of_an_aggregated_file_weight_its_steps_by_their_days():
    # a file written with --aggregate monthly: the annual mean of its monthly means is the mean
    # of the days (hydro run miyun 2014-2015: Gubeikou TN 3.270 was drawn for 3.272 of the daily run)
    months = [date(2021, m, 1) for m in range(1, 13)]
    r = _results()
    r.coords["time"] = months
    r.attrs["time_aggregation"] = "monthly"
    r.data = {"reservoir_tn_concentration": np.array([[1.0]] * 2 + [[2.0]] * 10)}   # Jan, Feb 1; rest 2
    r.days_per_step = lambda: np.array([31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31], dtype=float)
    ax = plot_trajectory(r, ["res"], aggregate="annual").axes[0]
    assert ax.get_lines()[0].get_ydata()[0] == pytest.approx((59 * 1.0 + 306 * 2.0) / 365, rel=1e-12)
    assert "partial" not in ax.get_xlabel()


def test_network_means_of_an_aggregated_file_weight_its_steps_by_their_days():
    from hydro.plotting.network import _mean

    r = _results()
    r.coords["time"] = [date(2021, m, 1) for m in range(1, 13)]
    r.attrs["time_aggregation"] = "monthly"
    r.data = {"reservoir_tn_concentration": np.array([[1.0]] * 2 + [[2.0]] * 10)}
    r.days_per_step = lambda: np.array([31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31], dtype=float)
    assert _mean(r, "reservoir_tn_concentration", "reservoir", None)[0] == \
        pytest.approx((59 * 1.0 + 306 * 2.0) / 365, rel=1e-12)


# -- compensation: advances are not settlements -------------------------------------------------
# Miyun phase 1 on 2018-2020: the figure stacked Beijing's advances (200 M yuan in 2018, 177.85 M
# in 2019) on the settled amounts and labelled the sum "net amount per bar": 4.78 and 3.41 x 1e8
# yuan where hydro compensate nets 2.78 and 1.63.  Its note also gave every undetermined amount
# the reason "missing months" (they were a previous year outside the series, or unpublished).

def test_compensation_bars_leave_advances_and_funding_out_and_say_so():
    from hydro.compensation import Payment
    from hydro.plotting import plot_compensation

    def pay(year, component, amount, payer="beijing", payee="hebei", complete=True):
        return Payment(year=year, section="", component=component, parameter="", payer=payer, payee=payee,
                       amount_yuan=amount, complete=complete, assumed=False, rule="r", note="")

    payments = [pay(2018, "quality_class", 178e6), pay(2018, "advance", 200e6), pay(2018, "fixed", 100e6),
                pay(2019, "quality_class", 163e6), pay(2019, "advance", 177.85e6),
                pay(2019, "funding", float("nan"), payer="hebei", payee="zhangjiakou"),
                pay(2018, "tn_reduction", float("nan"), complete=False)]
    fig = plot_compensation(payments)
    ax = fig.axes[0]
    labels = [t.get_text() for t in ax.texts]
    assert "2.78" in labels and "1.63" in labels                      # the nets, in 100 million yuan
    assert "4.78" not in labels and "3.41" not in labels
    assert "Advance" not in [t.get_text() for t in ax.get_legend().get_texts()]
    note = " ".join(" ".join(t.get_text() for t in ax.texts if t.get_text().startswith("Numbers")).split())
    assert "1 undetermined amount(s) not shown (2018" in note and "missing months" not in note
    assert "advance 2018 2.00 beijing → hebei; 2019 1.78 beijing → hebei (100 million yuan)" in note
    assert "funding 2019 hebei → zhangjiakou (amount not published)" in note


def test_long_location_names_wrap_in_the_legend():
    # Miyun's sections are named like "Chao River at Gubeikou (Hebei-Beijing border)": on one line
    # the legend took half the figure's width from the axes
    r = _results()
    r.attrs["section_names"] = "s_a=Chao River at Gubeikou (Hebei-Beijing border)"
    ax = plot_trajectory(r, ["s_a", "s_mid"]).axes[0]
    texts = [t.get_text() for t in ax.get_legend().get_texts()]
    assert texts[:2] == ["Chao River at Gubeikou\n(Hebei-Beijing border)", "s_mid"]


def test_a_file_of_monthly_means_is_drawn_and_labelled_as_monthly_means():
    # hydro run --aggregate monthly, then hydro plot trajectory (default daily) or the report's
    # figure: the monthly means were drawn on the 1st of each month as "daily" values
    r = _results()
    r.coords["time"] = [date(2021, m, 1) for m in range(1, 13)]
    r.attrs["time_aggregation"] = "monthly"
    r.data = {"reservoir_tn_concentration": np.arange(1.0, 13.0)[:, None]}
    r.days_per_step = lambda: np.array([31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31], dtype=float)
    ax = plot_trajectory(r, ["res"]).axes[0]
    assert ax.get_ylabel() == "TN concentration (mg/L), monthly mean of daily values"
    assert list(ax.get_lines()[0].get_xdata()[:2]) == [date(2021, 1, 15), date(2021, 2, 15)]
    np.testing.assert_array_equal(ax.get_lines()[0].get_ydata(), np.arange(1.0, 13.0))
    assert _data.effective_aggregation(r, "annual") == "annual"
    from hydro.report.figures import trajectory

    r.coords["section"] = []
    assert "monthly means of the daily values" in trajectory(r, "tn").caption


def test_network_section_names_do_not_write_over_each_other():
    # Miyun: the bai_inlet and qingshui_inlet sections sit by the reservoir and their names were
    # drawn on top of each other ("bai_qingshui_inlet")
    from hydro.plotting import plot_network

    r = _results()
    r.attrs["section_reach"] = "s_a=mid;s_mid=mid;s_tail=mid"
    r.attrs["section_position"] = "s_a=0.9;s_mid=0.9;s_tail=0.9"
    fig = plot_network(r, downstream={"up_a": "mid", "up_b": "mid", "mid": "res", "res": "tail", "tail": ""})
    renderer = fig.canvas.get_renderer()
    names = [t for t in fig.axes[0].texts if t.get_text() in ("s_a", "s_mid", "s_tail")]
    assert len(names) == 3
    boxes = [t.get_window_extent(renderer) for t in names]
    assert not any(boxes[i].overlaps(boxes[j]) for i in range(3) for j in range(i + 1, 3))
