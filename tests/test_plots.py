"""Every plot kind renders from small synthetic results; the dispatcher's errors are helpful."""

import subprocess
import sys
from datetime import date, timedelta

import numpy as np
import pytest

from hydro.compensation import Payment
from hydro.errors import HydroError
from hydro.plotting import KINDS, plot, plot_compensation, plot_network, plot_reservoir, plot_scenarios
from hydro.plotting import plot_sources, plot_trajectory, style
from hydro.results import Results

PNG = b"\x89PNG\r\n\x1a\n"
DAYS = 400


def _results(scenarios=None, members=None, sources=True):
    """Two branches, a reservoir and a tailwater reach; optional scenario and member dims."""
    dates = [date(2020, 1, 1) + timedelta(days=i) for i in range(DAYS)]
    coords = {"time": dates, "reach": ["up_a", "up_b", "mid", "tail"], "reservoir": ["res"],
              "section": ["s_a", "s_mid", "s_tail"], "source": ["fertiliser", "rural_sewage", "point"]}
    lead = []
    if scenarios:
        coords["scenario"] = list(scenarios)
        lead.append(len(scenarios))
    if members:
        coords["member"] = list(range(members))
        lead.append(members)
    rng = np.random.default_rng(1)
    t = np.arange(DAYS)
    season = 1.0 + 0.4 * np.sin(2 * np.pi * t / 365.0)

    def field(n, base):
        shape = tuple(lead) + (DAYS, n)
        noise = 1.0 + 0.05 * rng.standard_normal(shape)
        return base * season[:, None] * noise

    r = Results(coords=coords, attrs={"basin": "synthetic"},
                constituents={"tn": "total nitrogen"})
    r.data["tn_concentration"] = field(4, np.array([3.0, 1.2, 2.0, 1.1]))
    r.data["section_tn_concentration"] = field(3, np.array([3.0, 2.0, 1.1]))
    r.data["section_tn_load"] = field(3, np.array([300.0, 500.0, 200.0]))
    r.data["reservoir_tn_concentration"] = field(1, np.array([1.2]))
    r.data["reservoir_storage"] = field(1, np.array([9e7]))
    r.data["reservoir_level"] = 120.0 + field(1, np.array([1.0]))
    if sources:
        shape = tuple(lead) + (DAYS, 3, 3)
        r.data["tn_source_load"] = 100.0 * (1.0 + rng.random(shape)) * season[:, None, None]
    return r


def _texts(fig):
    out = []
    for ax in fig.axes:
        out += [ax.get_xlabel(), ax.get_ylabel(), ax.get_title()]
        leg = ax.get_legend()
        if leg is not None:
            out += [t.get_text() for t in leg.get_texts()]
    return out


def _legend(ax):
    leg = ax.get_legend()
    assert leg is not None, "expected a legend"
    return [t.get_text() for t in leg.get_texts()]


def _has_content(ax):
    return bool(ax.lines or ax.collections or ax.patches)


def _png(tmp_path, fig, name):
    path = tmp_path / name
    style.save(fig, path)
    data = path.read_bytes()
    assert data.startswith(PNG) and len(data) > 5000, f"{path}: {len(data)} bytes"
    return path


def test_import_hydro_does_not_import_matplotlib():
    code = "import sys, hydro, hydro.plotting; print('matplotlib' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_trajectory_default_is_all_sections(tmp_path):
    fig = plot_trajectory(_results())
    ax = fig.axes[0]
    assert len(ax.lines) == 3
    assert _legend(ax) == ["s_a", "s_mid", "s_tail"]
    assert ax.get_ylabel() == "TN concentration (mg/L), daily"
    assert ax.get_xlabel() == "Date"
    _png(tmp_path, fig, "trajectory.png")


def test_trajectory_rivers_have_no_tn_classes_unless_asked():
    ax = plot_trajectory(_results(), ["s_a"]).axes[0]
    assert not any("GB 3838" in t for t in _legend(ax))
    ax = plot_trajectory(_results(), ["s_a"], classes=True).axes[0]
    assert any("reference only for rivers" in t for t in _legend(ax))


def test_trajectory_reservoir_gets_lake_classes_targets_observations_and_monthly():
    obs = {"res": ([date(2020, 3, 1), date(2020, 6, 1)], [1.1, 1.4])}
    fig = plot_trajectory(_results(), ["res"], aggregate="monthly", targets={"goal": 1.0},
                          observations=obs)
    ax = fig.axes[0]
    legend = _legend(ax)
    assert "res (reservoir)" in legend and "res (reservoir) observed" in legend
    assert any(t == "GB 3838 lake classes" for t in legend)
    assert "monthly mean" in ax.get_ylabel()
    assert any(t.get_text() == "goal" for t in ax.texts)
    assert len(ax.lines[0].get_xdata()) == 14  # Jan 2020 .. Feb 2021
    class_names = {t.get_text().strip() for t in ax.texts}
    assert {"I", "II", "III"} <= class_names


def test_trajectory_ensemble_draws_percentile_band_and_median(tmp_path):
    fig = plot_trajectory(_results(members=5), ["s_mid"], aggregate="annual", percentiles=(10, 90))
    ax = fig.axes[0]
    legend = _legend(ax)
    # 5 members cannot tell a 10th from a 90th percentile: the band is their range, and says so (review 2026-12-05)
    assert "s_mid (median)" in legend and "s_mid: range of 5 members" in legend
    assert ax.collections  # the band
    _png(tmp_path, fig, "ensemble.png")


def test_trajectory_selects_a_scenario_and_names_it():
    fig = plot_trajectory(_results(scenarios=["baseline", "upgrade"]), scenario="upgrade")
    assert "scenario upgrade" in fig.axes[0].get_title()


def test_trajectory_unknown_location_suggests():
    with pytest.raises(HydroError, match="did you mean 's_mid'"):
        plot_trajectory(_results(), ["s_mdi"])


def test_sources_stacks_every_source(tmp_path):
    fig = plot_sources(_results(), "s_tail", aggregate="monthly")
    ax = fig.axes[0]
    assert len(ax.collections) == 3
    assert set(_legend(ax)) == {"Fertiliser", "Rural sewage", "Point"}
    assert ax.get_ylabel() == "TN load (kg/d), monthly mean"
    _png(tmp_path, fig, "sources.png")
    share = plot_sources(_results(members=3), share=True).axes[0]
    assert share.get_ylabel().startswith("Share of TN load (%)")
    assert share.get_ylim() == (0.0, 100.0)


def test_a_source_that_brings_nothing_has_no_area_and_no_legend_entry():
    """A source with no load at the section over the whole period (no plant upstream; transferred water
    in a run before it first enters, which every run of such a basin carries as zeros since 2026-12-05) is
    left out of the stack and the legend; the others keep their colours (a source's colour is its place in
    the file, the same in every figure)."""
    def colours(ax):
        handles = ax.get_legend().legend_handles
        return {k: tuple(h.get_facecolor()) for k, h in zip(_legend(ax), handles, strict=True)}

    full = colours(plot_sources(_results(), "s_tail").axes[0])
    r = _results()
    r.data["tn_source_load"][:, 2, 1] = 0.0  # rural sewage brings nothing to s_tail
    ax = plot_sources(r, "s_tail").axes[0]
    assert len(ax.collections) == 2 and set(_legend(ax)) == {"Fertiliser", "Point"}
    assert colours(ax) == {k: full[k] for k in ("Fertiliser", "Point")}
    r.data["tn_source_load"][:, 2, :] = 0.0  # nothing at all: every source drawn (flat), none hidden
    assert set(_legend(plot_sources(r, "s_tail").axes[0])) == {"Fertiliser", "Rural sewage", "Point"}

def test_sources_without_apportionment_is_a_clear_error():
    with pytest.raises(HydroError, match="needs the variable 'tn_source_load'"):
        plot_sources(_results(sources=False))


def test_reservoir_three_panels_share_time(tmp_path):
    fig = plot_reservoir(_results(members=4), targets=1.0)
    axes = fig.axes
    assert len(axes) == 3 and all(_has_content(a) for a in axes)
    assert [a.get_ylabel() for a in axes] == ["Storage (million m³)", "Water level (m)", "TN (mg/L)"]
    assert axes[0].get_shared_x_axes().joined(axes[0], axes[2])
    assert axes[2].get_xlabel() == "Date"
    _png(tmp_path, fig, "reservoir.png")


def test_scenarios_grouped_bars_against_targets(tmp_path):
    r = _results(scenarios=["baseline", "upgrade", "ban"])
    fig = plot_scenarios(r, targets=["Class III=1.0"])
    ax = fig.axes[0]
    assert len(ax.patches) >= 3 * 2  # three scenarios x two years (plus class-band patches)
    legend = _legend(ax)
    assert {"Baseline", "Upgrade", "Ban"} <= set(legend)
    # the run ends on 3 February 2021: that year is labelled as partial (issue 15)
    assert [t.get_text() for t in ax.get_xticklabels()] == ["2020", "2021\n(1 Jan-3 Feb only)"]
    assert ax.get_ylabel() == "TN (mg/L), mean of monthly means\n(of the daily values, as monitored)"
    _png(tmp_path, fig, "scenarios.png")
    fig = plot_scenarios(_results(scenarios=["a", "b"], members=3), "s_a")
    assert "whiskers: range of 3 members" in fig.axes[0].get_title()  # 3 cannot give a 5th-95th percentile


def test_scenarios_without_scenario_dim_is_an_error():
    with pytest.raises(HydroError, match="'scenario' dimension"):
        plot_scenarios(_results())


def test_network_tree_layout_places_outlet_at_bottom(tmp_path):
    r = _results()
    r.attrs["network_downstream"] = "up_a=mid;up_b=mid;mid=res;res=tail;tail="
    r.attrs["section_reach"] = "s_a=up_a;s_mid=mid;s_tail=tail"
    fig = plot_network(r)
    ax = fig.axes[0]
    segs = ax.collections[0].get_segments()
    tops = {rid: seg[0] for rid, seg in zip(r.coords["reach"], segs)}
    assert tops["tail"][1] == 1.0 and segs[3][1][1] == 0.0  # outlet reach ends at y = 0
    assert tops["up_a"][1] == tops["up_b"][1] > tops["mid"][1]
    assert tops["mid"][0] == pytest.approx((tops["up_a"][0] + tops["up_b"][0]) / 2)
    labels = {t.get_text() for t in ax.texts}
    assert {"up_a", "res", "s_a", "s_tail"} <= labels
    # the colour bar says how the means are taken (issue 15)
    assert any(a.get_ylabel().startswith("Mean TN concentration over the run (mg/L)\n(reaches ")
               for a in fig.axes)
    assert set(_legend(ax)) == {"Reservoir", "Monitoring section"}
    _png(tmp_path, fig, "network.png")


def test_network_without_topology_uses_one_column():
    fig = plot_network(_results())
    segs = fig.axes[0].collections[0].get_segments()
    assert {s[0][0] for s in segs} == {0.0}
    assert any("no topology" in t.get_text() for t in fig.axes[0].texts)


def test_network_bad_downstream_is_an_error():
    with pytest.raises(HydroError, match="unknown 'mdi'"):
        plot_network(_results(), downstream={"up_a": "mdi"})


def _payments():
    return [Payment(2020, "s_a", "quality_class", "tn", "Beijing", "Chengde", 3.0e6),
            Payment(2020, "s_a", "tn_reduction", "tn", "Beijing", "Chengde", -0.5e6),
            Payment(2020, "", "fixed", "", "Beijing", "Zhangjiakou", 1.0e6),
            Payment(2021, "s_a", "quality_class", "tn", "Beijing", "Chengde", 2.5e6),
            Payment(2021, "s_a", "tn_reduction", "tn", "Beijing", "Chengde", float("nan"), complete=False)]


def test_compensation_grouped_bars(tmp_path):
    fig = plot_compensation(_payments())
    ax = fig.axes[0]
    assert ax.get_ylabel() == "Payment (million yuan)"
    legend = _legend(ax)
    assert {"Quality class", "TN reduction", "Fixed", "to Chengde", "to Zhangjiakou"} <= set(legend)
    assert [t.get_text() for t in ax.get_xticklabels()] == ["2020", "2021"]
    assert any("1 undetermined" in t.get_text() for t in ax.texts)
    _png(tmp_path, fig, "compensation.png")


def test_compensation_needs_payments():
    with pytest.raises(HydroError, match="needs payments"):
        plot_compensation([])


def test_dispatcher_writes_every_kind(tmp_path):
    r = _results(scenarios=["baseline", "upgrade"])
    for kind in KINDS:
        out = tmp_path / f"{kind}.png"
        options = {"payments": _payments()} if kind == "compensation" else {}
        fig = plot(r, kind, out, **options)
        assert fig.axes and out.read_bytes().startswith(PNG)


def test_dispatcher_reads_a_results_file(tmp_path):
    r = _results(sources=False)
    r.attrs["constituents"] = "tn=total nitrogen"
    path = r.to_netcdf(tmp_path / "r.nc")
    plot(str(path), "trajectory", tmp_path / "t.png", locations=["res"], aggregate="monthly")
    assert (tmp_path / "t.png").stat().st_size > 5000


def test_dispatcher_unknown_kind_suggests_nearest():
    with pytest.raises(HydroError, match="unknown plot kind 'trajectroy' \\(did you mean 'trajectory'\\?\\)"):
        plot(_results(), "trajectroy")


def test_dispatcher_unknown_option_suggests_nearest():
    with pytest.raises(HydroError, match="no option 'locatoins' \\(did you mean 'locations'\\?\\)"):
        plot(_results(), "trajectory", locatoins=["s_a"])


def test_dispatcher_missing_variable_names_it():
    with pytest.raises(HydroError, match="plot 'sources' needs the variable 'tn_source_load'"):
        plot(_results(sources=False), "sources")


def test_dispatcher_compensation_needs_an_agreement():
    with pytest.raises(HydroError, match="--agreement"):
        plot(_results(), "compensation")


def test_save_rejects_unknown_suffix_and_missing_folder(tmp_path):
    fig = plot_trajectory(_results())
    with pytest.raises(HydroError, match="did you mean 'png'"):
        style.save(fig, tmp_path / "f.pgn")
    with pytest.raises(HydroError, match="folder does not exist"):
        style.save(fig, tmp_path / "nope" / "f.png")


def test_bad_aggregation_and_target_are_user_errors():
    with pytest.raises(HydroError, match="did you mean 'monthly'"):
        plot_trajectory(_results(), aggregate="montly")
    with pytest.raises(HydroError, match="not a number"):
        plot_trajectory(_results(), targets=["goal=abc"])


def test_names_fall_back_to_ids_without_a_glyph(monkeypatch):
    monkeypatch.setattr(style, "can_render", lambda text: False)
    assert style.display_name("miyun", "密云水库") == "miyun"
    monkeypatch.setattr(style, "can_render", lambda text: True)
    assert style.display_name("miyun", "密云水库") == "密云水库"


def test_can_render_matches_installed_fonts():
    assert style.can_render("Border section (north)")
    if style.cjk_font() is None:
        assert not style.can_render("密云水库")
    else:
        assert style.can_render("密云水库")


def test_dispatcher_takes_topology_from_a_basin(tmp_path):
    from hydro.simulation import run
    from hydro.basin import Basin

    b = Basin.load("tiny")
    r = run(b, None, None)
    fig = plot(r, "network", tmp_path / "n.png", basin="tiny")
    labels = {t.get_text() for t in fig.axes[0].texts}
    assert {"lake", "lake_inlet", "east_mouth", "Border section (north branch)"} <= labels
    assert not any("no topology" in t for t in labels)


def test_dispatcher_reads_observations_csv(tmp_path):
    csv = tmp_path / "obs.csv"
    csv.write_text("section,year,month,parameter,value,unit\n"
                   "s_a,2020,1,tn,3.1,mg/L\ns_a,2020,2,tn,2.9,mg/L\n", encoding="utf-8")
    fig = plot(_results(), "trajectory", None, locations=["s_a"], observations=str(csv))
    assert "s_a observed" in _legend(fig.axes[0])
