"""Second integration review of today's scenario ensembles past the record: what a
modeller preparing the 2023-2027 plan reads (hydro info, hydro scenarios, docs)."""

from pathlib import Path

import pytest

from hydro.summary import describe

ROOT = Path(__file__).resolve().parents[1]


def test_info_agreement_names_the_water_each_quantity_rule_and_flow_target_counts(tmp_path):
    # cf369e1 added water = "all" | "natural"; hydro info listed only the rule kinds, so
    # whether an agreement counts Yellow River water at a section was not visible
    shipped = describe(str(ROOT / "configs/agreements/miyun_chaobai_phase2_2022.toml"))
    assert "water counted (all / natural): quantity[0] all" in shipped
    text = (ROOT / "configs/agreements/miyun_chaobai_phase2_2022.toml").read_text()
    assert 'water = "natural"' not in text
    edited = tmp_path / "natural.toml"
    edited.write_text(text.replace("[[quantity]]", '[[quantity]]\nwater = "natural"', 1)
                      + '\n[[target]]\nsections = ["gubeikou"]\nparameter = "flow"\n'
                        'annual_volume_min_m3 = 1e8\nwater = "natural"\npenalty_yuan = 1\n')
    out = describe(str(edited))
    assert "quantity[0] natural; target[0] natural" in out, out
    assert "water counted (all / natural): target[0] all" in describe(
        str(ROOT / "configs/agreements/guanting_yongding_2023.toml"))  # its Bahaoqiao flow check
    # an agreement without a quantity rule or flow target gets no such line
    assert "water counted" not in describe(str(ROOT / "configs/agreements/beijing_internal_2015.toml"))


def test_plot_classes_of_a_scenarios_members_file_draws_its_one_run():
    # a `hydro scenarios --members` file keeps the members apart (ensemble_*) beside one run,
    # which hydro compensate classes month by month; plot 'classes' refused the whole file
    import numpy as np

    from hydro.plotting import plot
    from tests.test_plots import _results

    r = _results(scenarios=["baseline", "halved"])
    one_run = plot(r, "classes", constituent="tn")
    r.coords["member"] = [0, 1, 2]
    values = np.asarray(one_run.axes[0].collections[0].get_array()).ravel().tolist()
    r.data["ensemble_section_tn_concentration"] = np.zeros((2, 3, 1, 1))  # only its presence counts
    fig = plot(r, "classes", constituent="tn")
    assert np.asarray(fig.axes[0].collections[0].get_array()).ravel().tolist() == values


def test_report_of_a_scenarios_members_file_says_its_tables_are_one_runs(tmp_path):
    # the report said "The tables give means over the members" of a hydro scenarios --members
    # file, whose tables (section_* without a member dimension) are the one run on member 0's weather
    import numpy as np

    from hydro.report import _provenance
    from tests.test_plots import _results

    r = _results(scenarios=["baseline", "halved"], members=2)
    path = tmp_path / "s.nc"
    path.write_bytes(b"stand-in")  # only its size and digest are read
    assert "The tables give means over the members" in _provenance(r, path, "baseline")
    r = _results(scenarios=["baseline", "halved"])
    r.coords["member"] = [0, 1]
    r.data["ensemble_section_tn_concentration"] = np.zeros((2, 2, 1, 1))
    r.attrs.update(weather="synthetic", weather_synthetic="true", weather_seed="1")
    text = _provenance(r, path, "baseline")
    assert "means over the members" not in text
    assert "are of one run, on member 0's weather (seed 1: generated weather)" in text, text


def test_the_table_says_over_how_many_members_a_probability_is():
    # with a failed member P(met) is over the members that ran; the table gave the share alone
    from hydro.scenarios.summary import format_summary

    rows = [{"scenario": "s", "quantity": "tn_annual_mean_median", "location": "lake", "source": "2 of 3 members",
             "year": 2012, "value": 1.0, "unit": "mg L-1"},
            {"scenario": "s", "quantity": "probability_met", "location": "lake", "source": "lake_tn",
             "year": 2012, "value": 0.5, "unit": "1"}]
    assert "target lake_tn (lake): P(met in 2012) = 0.50 over 2 of 3 members" in format_summary(rows)


def test_the_cost_per_kg_band_as_docs_scenarios_md_states_it():
    # docs/scenarios.md said the band is "the 5-95 % band of the members' own cost per kg"; it is the
    # cost over the percentiles of N kept out, which linear interpolation makes slightly different.
    # Miyun `land`, 2023-2024, --members 3 (seed 1): ensemble_n_kept_out at miyun and the cost, as run
    from types import SimpleNamespace

    import numpy as np

    from hydro.scenarios.kept_out import spread_rows

    kept = np.array([70911.91116938, 40204.30414892, 51742.30167834])  # kg, members 0-2
    cost = 451_606_500.0  # yuan
    r_in = np.array([[[1e6]] * 3, [[1e6 - k] for k in kept]])  # (scenario, member, reservoir)
    ens = {"reservoir_n_input": r_in, "upstream_n_storage_change": np.zeros_like(r_in), "members": [0, 1, 2],
           "failed": {}}
    run = SimpleNamespace(ensemble=ens, names=["baseline", "land"], kept_out=["miyun"],
                          results=[SimpleNamespace(coords={"reservoir": ["miyun"]})])
    rows = spread_rows(run, [{"scenario": "land", "quantity": "cost", "location": "", "year": "all", "value": cost}])
    got = {r["quantity"]: r["value"] for r in rows if r["scenario"] == "land" and r["location"] == ""}
    doc = (ROOT / "docs/scenarios.md").read_text(encoding="utf-8")
    band = f"{got['cost_per_kg_kept_out_p05']:,.1f} to {got['cost_per_kg_kept_out_p95']:,.1f} yuan/kg"
    own = np.percentile(cost / kept, [5, 95])
    assert band in " ".join(doc.split()) and f"against {own[0]:,.1f} to {own[1]:,.1f})" in " ".join(doc.split())
    # the median: the same member for an odd number of them (1e-12: the kept-out difference's round-off)
    assert got["cost_per_kg_kept_out_median"] == pytest.approx(np.median(cost / kept), rel=1e-12)


def test_plot_compensation_of_a_scenarios_file_asks_for_a_scenario_in_plots_words(tmp_path):
    # hydro plot FILE compensation on a scenarios file told the user to run hydro compensate --scenario
    from synthetic_quality import write_quality_results

    from hydro.errors import HydroError
    from hydro.plotting import plot

    path = write_quality_results(tmp_path / "s.nc", start="2022-01-01", end="2023-12-31",
                                 scenarios=["baseline", "halved"], scale=[1.0, 0.5])
    agreement = ROOT / "configs/agreements/miyun_chaobai_phase2_2022.toml"
    with pytest.raises(HydroError, match=r"s\.nc: the file holds 2 scenarios \(baseline, halved\); plot "
                                         r"'compensation' .* --scenario NAME") as err:
        plot(path, "compensation", agreement=agreement, skip_unavailable=True)
    assert "hydro compensate" not in str(err.value)
    plot(path, "compensation", agreement=agreement, skip_unavailable=True, scenario="halved")


def test_synthetic_weather_scenario_run_against_member_0_within_the_record(tmp_path):
    # docs/commands/run.md said hydro run --scenario S --synthetic-weather SEED is member 0 of
    # hydro scenarios --members N --seed SEED "to the bit"; within the record that member is the
    # file's ensemble_* series, equal to round-off only (the figure the page gives, recomputed)
    import re

    import netCDF4
    import numpy as np
    from click.testing import CliRunner

    from hydro.cli import main

    period = ["--start", "2009-01-01", "--end", "2010-12-31"]
    for args in (["scenarios", "watershed", str(ROOT / "configs/scenarios/watershed.toml"), "--scenario", "domestic",
                  "--members", "1", "--seed", "1", "--workers", "1", "-q", "-o", str(tmp_path / "s.nc")],
                 ["run", "watershed", "--scenario", "domestic", "--synthetic-weather", "1", "-q",
                  "-o", str(tmp_path / "one.nc")]):
        r = CliRunner().invoke(main, args + period)
        assert r.exit_code == 0, r.output
    with netCDF4.Dataset(tmp_path / "s.nc") as s, netCDF4.Dataset(tmp_path / "one.nc") as one:
        names = list(netCDF4.chartostring(s["scenario"][:])) if s["scenario"].ndim > 1 else list(s["scenario"][:])
        member0 = s["ensemble_section_tn_concentration"][names.index("domestic"), 0]
        diff = float(np.nanmax(np.abs(np.asarray(member0) - np.asarray(one["section_tn_concentration"][:]))))
    text = " ".join((ROOT / "docs/commands/run.md").read_text(encoding="utf-8").split())
    stated = float(re.search(r"member 0 to round-off \(([0-9.e-]+) mg/L at most", text).group(1))
    assert diff == pytest.approx(stated, rel=0.05)  # the page's figure, to its two digits


def test_gep_of_a_run_on_generated_weather_says_so(tmp_path):
    # hydro gep printed a 2023 water-conservation value of a past-the-record scenarios file (member
    # 0's generated weather) with nothing to tell it from the value of the observed year
    from click.testing import CliRunner

    from hydro.cli import main

    out = tmp_path / "syn.nc"
    r = CliRunner().invoke(main, ["run", "watershed", "--start", "2011-01-01", "--end", "2011-12-31",
                                  "--synthetic-weather", "4", "-q", "-o", str(out)])
    assert r.exit_code == 0, r.output
    r = CliRunner().invoke(main, ["gep", str(out)])
    assert r.exit_code == 0, r.output
    assert f"note: {out}: the run is on generated weather (seed 4)" in r.output


def test_one_member_past_the_record_says_what_it_is(tmp_path):
    # docs/scenarios.md: "--members 1 is allowed, and says what it is"; the note said only
    # "the probabilities over the 1 member", which print as 0.00 or 1.00 like an ensemble's
    from click.testing import CliRunner

    from hydro.cli import main

    r = CliRunner().invoke(main, ["scenarios", "watershed", str(ROOT / "configs/scenarios/watershed.toml"),
                                  "--start", "2011-01-01", "--end", "2011-03-31", "--members", "1",
                                  "--scenario", "domestic", "--workers", "1", "-o", str(tmp_path / "o.nc")])
    assert r.exit_code == 0, r.output
    assert "probabilities over the 1 member (one draw of the weather: each probability is 0 or 1)" in r.output


def test_plot_compensation_names_the_scenario_it_draws(tmp_path):
    # every other kind names the scenario it draws in its title (docs/plots.md); compensation of
    # --scenario halved and of --scenario baseline had the same title
    from synthetic_quality import write_quality_results

    from hydro.plotting import plot

    path = write_quality_results(tmp_path / "s.nc", start="2022-01-01", end="2023-12-31",
                                 scenarios=["baseline", "halved"], scale=[1.0, 0.5])
    agreement = ROOT / "configs/agreements/miyun_chaobai_phase2_2022.toml"
    fig = plot(path, "compensation", agreement=agreement, skip_unavailable=True, scenario="halved")
    assert fig.axes[0].get_title().endswith("\nscenario halved")
    assert fig.axes[0].title.get_fontweight() == "bold"
    own = plot(path, "compensation", agreement=agreement, skip_unavailable=True, scenario="halved", title="Mine")
    assert own.axes[0].get_title() == "Mine"  # a title of one's own is left as given


def test_compensate_of_a_run_on_generated_weather_says_so(tmp_path):
    # hydro compensate of a past-the-record scenarios file printed 2023-2024 payments of member 0's
    # generated weather with nothing to tell them from payments on the years' observed weather
    import netCDF4
    from click.testing import CliRunner
    from synthetic_quality import write_quality_results

    from hydro.cli import main

    path = write_quality_results(tmp_path / "s.nc", start="2022-01-01", end="2023-12-31")
    agreement = str(ROOT / "configs/agreements/miyun_chaobai_phase2_2022.toml")
    args = ["compensate", str(path), agreement, "--skip-unavailable"]
    r = CliRunner().invoke(main, args)
    assert r.exit_code == 0 and "generated weather" not in r.output, r.output
    with netCDF4.Dataset(path, "a") as nc:
        nc.setncatts({"weather_synthetic": "true", "weather_seed": "3"})
    r = CliRunner().invoke(main, args)
    assert r.exit_code == 0, r.output
    assert f"note: {path}: the run is on generated weather (seed 3): its payments are of one draw" in r.output
    r = CliRunner().invoke(main, args + ["--json"])
    assert "generated weather" not in r.stdout  # --json: the contract's output alone on stdout
    assert f"note: {path}: the run is on generated weather (seed 3)" in r.stderr  # the caveat kept (issue 14)


def test_report_scenarios_caption_claims_members_only_where_the_figure_draws_them(monkeypatch):
    # a hydro scenarios --members file keeps the members' TN alone; the report captioned every
    # constituent's scenarios figure (TP, CODMn, ...) "Bars are the median of the 3 weather members"
    import numpy as np

    from hydro.report import figures
    from tests.test_plots import _results

    r = _results(scenarios=["baseline", "halved"])
    r.coords["member"] = [0, 1, 2]
    r.data["ensemble_reservoir_tn_concentration"] = np.ones((2, 3, len(r.dates), 1))
    captions = {}
    monkeypatch.setattr(figures, "draw", lambda key, caption, *a, **k: captions.setdefault(key, caption))
    figures.scenarios(r, "tn")
    figures.scenarios(r, "tp")
    assert "median of the 3 weather members" in captions["fig-tn-scenarios"]
    assert "members" not in captions["fig-tp-scenarios"]


def test_compensate_scenarios_of_a_run_on_generated_weather_says_so(tmp_path, monkeypatch, capsys):
    # the incentives table of a past-the-record scenarios file is member 0's weather's
    import netCDF4
    from synthetic_quality import write_quality_results

    from hydro.scenarios import incentives
    from hydro.scenarios.cli import compensate_scenarios

    path = write_quality_results(tmp_path / "s.nc", start="2022-01-01", end="2023-12-31")
    with netCDF4.Dataset(path, "a") as nc:
        nc.setncatts({"weather_synthetic": "true", "weather_seed": "2"})
    monkeypatch.setattr(incentives, "incentives", lambda *a, **k: [])  # the table itself is not at issue
    compensate_scenarios(path, str(ROOT / "configs/agreements/miyun_chaobai_phase2_2022.toml"))  # read for its notes
    assert f"note: {path}: the run is on generated weather (seed 2): its incentives are of one draw" \
        in capsys.readouterr().err
