"""Review of ``hydro plot`` for paper figures (2026-12-05): lone values drawn, monthly/annual means only
of whole data, missing loads as gaps, ``--dpi``, reproducible PDF/SVG, date axes, partial periods marked
on the data, honest ensemble band labels, one note for glyphs no font draws. In-memory results
(tests/plot_synthetic.py), no model run."""

import warnings
from datetime import date

import numpy as np
import pytest
from matplotlib.dates import date2num
from plot_synthetic import results, yearly

from hydro.errors import HydroError
from hydro.plotting import plot, plot_reservoir, plot_sources, plot_trajectory, style

DAY = date(2010, 6, 1)


def _visible(line):
    """A Line2D shows a lone point only through a marker."""
    y = np.asarray(line.get_ydata(), dtype=float)
    return np.isfinite(y).sum() >= 2 or line.get_marker() not in (None, "None", "", " ")


def _axis_text(fig, ax):
    fig.canvas.draw()
    return [t.get_text() for t in ax.get_xticklabels()] + [ax.xaxis.get_offset_text().get_text()]


# 1. a one-day run, a lone value, a figure with no data


@pytest.mark.parametrize("draw", [lambda r: plot_trajectory(r, ["res", "s_a"]), lambda r: plot_reservoir(r)],
                         ids=["trajectory", "reservoir"])
def test_one_day_is_drawn_on_an_axis_of_that_day(draw):
    fig = draw(results(start=DAY, days=1))
    for ax in fig.axes:
        assert all(_visible(ln) for ln in ax.get_lines()), ax.get_ylabel()
        lo, hi = ax.get_xlim()
        assert lo <= date2num(DAY) <= hi and hi - lo < 40, (ax.get_ylabel(), hi - lo)


def test_one_day_of_sources_is_stacked_bars():
    fig = plot_sources(results(start=DAY, days=1), section="s_a", aggregate="daily")
    ax = fig.axes[0]
    lo, hi = ax.get_xlim()
    season = 1.0 + 0.4 * np.sin(2 * np.pi * (DAY - DAY).days / 365.0)  # day 0 of the helper's swing
    assert hi - lo < 40 and sum(p.get_height() for p in ax.patches) == pytest.approx(200.0 * season)


def test_a_short_series_has_a_marker_on_every_point():
    line = plot_trajectory(results(start=DAY, days=5), ["s_a"]).axes[0].get_lines()[0]
    assert line.get_marker() == "o" and line.get_markevery() is None


def test_a_value_between_gaps_gets_a_marker():
    r = results(days=120)
    conc = r.data["section_tn_concentration"]
    conc[:, 0] = np.nan
    conc[50, 0] = 2.0  # one day with a value, missing days either side
    line = plot_trajectory(r, ["s_a"]).axes[0].get_lines()[0]
    assert line.get_marker() == "o" and list(line.get_markevery()) == [50]


def test_a_figure_with_no_data_is_refused_not_written(tmp_path):
    r = results(days=60)
    r.data["section_tn_concentration"][:] = np.nan
    r.data["tn_source_load"][:] = np.nan
    for kind, options in (("trajectory", {"locations": ["s_a"]}), ("sources", {"section": "s_a"})):
        with pytest.raises(HydroError, match="would draw is missing"):
            plot(r, kind, tmp_path / f"{kind}.png", **options)
        assert not (tmp_path / f"{kind}.png").exists()
    plot(results(start=DAY, days=1), "trajectory", tmp_path / "day.png", locations=["s_a"])  # one value is data


# 2. monthly and annual means only of whole months and years, as plot 'classes' judges them


def test_a_month_with_missing_days_has_no_mean_and_the_axis_says_so():
    r = results()
    r.data["section_tn_concentration"][59:79, 0] = np.nan  # 1-20 March 2010 at s_a
    ax = plot_trajectory(r, ["s_a"], aggregate="monthly").axes[0]
    y = np.asarray(ax.get_lines()[0].get_ydata(), dtype=float)
    assert np.isnan(y[2]) and np.isfinite(y[[1, 3]]).all()
    label = ax.get_xlabel().replace("\n", " ")
    assert "no mean for a month with a missing day, as in plot 'classes': Mar 2010" in label
    ax = plot_trajectory(r, ["s_a"], aggregate="annual").axes[0]
    assert np.isnan(ax.get_lines()[0].get_ydata()[0]) and "as in plot 'classes': 2010)" in ax.get_xlabel().replace(
        "\n", " ")


# 3. sources: a missing load is a gap, not zero


def test_a_month_without_loads_is_a_gap_in_the_stack():
    r = results()
    r.data["tn_source_load"][120:151, 0, :] = np.nan  # May 2010 at s_a
    ax = plot_sources(r, section="s_a", aggregate="monthly").axes[0]
    may = date2num(date(2010, 5, 15))
    at_may = [v for c in ax.collections for p in c.get_paths() for v in p.vertices if abs(v[0] - may) < 1e-6]
    assert not at_may and "(gaps: no data)" in ax.get_xlabel()


# 4. resolution


def test_dpi_sets_the_pngs_size_and_is_bounded(tmp_path):
    from PIL import Image

    plot(results(days=60), "trajectory", tmp_path / "f.png", locations=["s_a"], dpi=300)
    assert Image.open(tmp_path / "f.png").size[0] == 8 * 300
    for bad in (10, 5000, 300.5, "300"):
        with pytest.raises(HydroError, match="dots per inch from 50 to 1200"):
            plot(results(days=60), "trajectory", tmp_path / "g.png", locations=["s_a"], dpi=bad)
    assert not (tmp_path / "g.png").exists()


def test_hydro_plot_dpi_is_checked_before_anything_is_read(tmp_path):
    from cli_invoke import invoke, user_error

    r = invoke("plot", tmp_path / "absent.nc", "trajectory", "-o", tmp_path / "f.png", "--dpi", 20)
    user_error(r, "dpi 20", "from 50 to 1200")
    assert "absent.nc" not in r.output


# 5. PDF and SVG: the same figure is the same bytes


@pytest.mark.parametrize("suffix", ["svg", "pdf", "png"])
def test_figures_are_the_same_bytes_every_time(tmp_path, monkeypatch, suffix):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    fig = plot_trajectory(results(days=60), ["s_a"])
    style.save(fig, tmp_path / f"a.{suffix}")
    style.save(fig, tmp_path / f"b.{suffix}")  # the same figure again
    style.save(plot_trajectory(results(days=60), ["s_a"]), tmp_path / f"c.{suffix}")  # drawn anew
    a = (tmp_path / f"a.{suffix}").read_bytes()
    assert a == (tmp_path / f"b.{suffix}").read_bytes() == (tmp_path / f"c.{suffix}").read_bytes()


# 6. date axes


@pytest.mark.parametrize("draw", [
    lambda r: plot_trajectory(r, ["s_a"], aggregate="monthly"),
    lambda r: plot_sources(r, section="s_a", aggregate="monthly"),
    lambda r: plot_trajectory(r, ["s_a"], aggregate="annual"),
    lambda r: plot_trajectory(results(start=date(2010, 5, 1), days=900), ["s_a"], aggregate="monthly"),
], ids=["trajectory-monthly", "sources-monthly", "trajectory-annual", "monthly-from-May"])
def test_the_first_year_is_named(draw):
    fig = draw(results())
    assert any("2010" in t for t in _axis_text(fig, fig.axes[0])), _axis_text(fig, fig.axes[0])


def test_annual_means_are_labelled_by_year_under_their_points():
    fig = plot_trajectory(results(), ["s_a"], aggregate="annual")
    ax = fig.axes[0]
    fig.canvas.draw()
    lo, hi = ax.get_xlim()
    ticks = [(t, label.get_text()) for t, label in zip(ax.get_xticks(), ax.get_xticklabels(), strict=True)
             if lo <= t <= hi]
    points = date2num([date(y, 7, 1) for y in (2010, 2011, 2012)])
    assert np.allclose([t for t, _ in ticks], points) and [text for _, text in ticks] == ["2010", "2011", "2012"]


def test_daily_means_get_no_clock_times():
    fig = plot_trajectory(results(start=DAY, days=2), ["s_a"])
    text = _axis_text(fig, fig.axes[0])
    assert not any(":" in t for t in text), text


# 7. partial periods marked on the data; annual reservoir lines with markers


def test_a_partial_year_is_an_open_marker_and_reservoir_years_have_markers():
    fig = plot_reservoir(yearly(years=15))  # more years than a short series, which has markers anyway
    for panel in fig.axes:
        main, *rest = panel.get_lines()
        assert main.get_marker() == "o" and main.get_markevery() is None and len(main.get_xdata()) == 15
        opened = [ln for ln in rest if ln.get_markerfacecolor() == "white"]
        assert len(opened) == 1 and list(opened[0].get_xdata()) == [date(2024, 7, 1)]
    assert fig.axes[2].get_title(loc="left").startswith("open circle")
    ax = plot_trajectory(results(days=800), ["s_a", "s_b"], aggregate="annual").axes[0]
    opened = [ln for ln in ax.get_lines() if ln.get_markerfacecolor() == "white"]
    assert [list(ln.get_xdata()) for ln in opened] == [[date(2012, 7, 1)]] * 2
    assert any(t.get_text().startswith("open circle") for t in ax.get_legend().get_texts())


def test_one_day_of_a_month_is_named_as_that_day():
    ax = plot_sources(results(start=DAY, days=1), section="s_a").axes[0]
    assert "Jun 2010: 1 Jun only" in ax.get_xlabel()


# 8. what an ensemble's band is


def test_a_band_over_few_members_is_their_range_and_says_so():
    r = results(days=60, members=4)
    ax = plot_trajectory(r, ["s_a"]).axes[0]
    texts = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "s_a: range of 4 members" in texts and not any("percentile" in t for t in texts)
    band = ax.collections[0].get_paths()[0].vertices[:, 1]
    conc = r.data["section_tn_concentration"][:, :, 0]
    assert band.max() == pytest.approx(conc.max()) and band[band > 0].min() == pytest.approx(conc.min())
    ax = plot_trajectory(results(days=60, members=20), ["s_a"]).axes[0]
    assert "s_a: 5th-95th percentile" in [t.get_text() for t in ax.get_legend().get_texts()]
    panel = plot_reservoir(results(days=60, members=4)).axes[0]
    assert "range of 4 members" in [t.get_text() for t in panel.get_legend().get_texts()]


# glyphs no installed font draws


def test_a_chinese_title_without_a_cjk_font_is_one_note(tmp_path, capsys):
    if style.cjk_font():
        pytest.skip("a CJK font is installed: the title is drawn")
    fig = plot_trajectory(results(days=60), ["s_a"], title="密云水库 TN", targets={"三类": 1.0})
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        style.save(fig, tmp_path / "t.png")
    assert not [w for w in caught if "missing from font" in str(w.message)]
    err = capsys.readouterr().err
    assert err.count("note:") == 1 and "密云水库三类" in err and "fonts-noto-cjk" in err
