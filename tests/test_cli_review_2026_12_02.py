"""Bad input refused early and clearly: the 2026-12-02 review of the commands' input checks.

* ``hydro run BASIN --block-years -1`` was refused only after the basin loaded and the start line
  was printed; it is now refused with the other option checks, as are ``--workers 0`` and
  ``--members`` on a flow-driven basin; ``--workers`` without ``--members`` and
  ``--synthetic-weather`` with it, which were ignored, are refused.
* ``hydro run CATCHMENT.toml --set gr4j.x1_mm=nan`` was refused only when the run started, in
  words that did not name ``--set``; every ``--set`` of a catchment is now checked before any
  output check or work, and its message names it, the file and what is expected.
* A catchment run ignored ``--variables``, ``--locations``, ``--aggregate``, ``--float32`` and
  ``--block-years`` without a word, and reversed dates were said as "ask for 1992-05-01 to 1992-01-01".
* A flow-driven basin's water temperature took -5 degC (liquid water does not get there) and had
  no upper bound (1e6 gave NaN concentrations, exit 0); it now takes -0.5 to 45 degC, and a CSV
  value outside is refused naming the file, column, line and day.
* ``hydro plot RESULTS network --basin OTHER`` drew another basin's topology mixed with the results'.
* ``hydro validate --list --json`` printed the text listing; it prints a JSON list of cases.
"""

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from hydro.cli import main

ROOT = Path(__file__).resolve().parents[1]
CATCHMENT = ROOT / "validation" / "calibration" / "leguer" / "catchment.toml"


def test_negative_block_years_is_refused_before_the_basin_loads(tmp_path, monkeypatch):
    import hydro.clitools

    def no_load(*args, **kwargs):
        raise AssertionError("the basin loaded before --block-years was checked")

    monkeypatch.setattr(hydro.clitools, "load_basin", no_load)
    r = CliRunner().invoke(main, ["run", "miyun", "--block-years", "-1", "-o", str(tmp_path / "m.nc")])
    assert r.exit_code == 2, r.output
    assert "--block-years: expected 0 (one block) or a number of years >= 1, got -1" in r.output
    assert "simulating" not in r.output and "Traceback" not in r.output
    assert not list(tmp_path.iterdir())


@pytest.mark.parametrize("basin, extra, expected", [
    ("watershed", ["--members", "2", "--workers", "0"], "--workers must be >= 1, got 0"),
    ("watershed", ["--workers", "2"], "--workers sets the processes that run an ensemble's members, and there "
                                      "is none: add --members N, or leave out --workers"),
    ("watershed", ["--members", "2", "--synthetic-weather", "1"], "--synthetic-weather SEED is one run on "
                                                                  "generated weather, --members N an ensemble"),
    ("tiny", ["--members", "2"], "a weather ensemble (--members) needs a watershed basin"),
    ("tiny", ["--synthetic-weather", "1"], "--synthetic-weather needs a watershed basin"),
])
def test_run_option_clashes_are_refused_before_the_start_line(tmp_path, basin, extra, expected):
    # --workers 0 and --members on a flow-driven basin were refused after "simulating ..." was printed;
    # --workers without --members, and --synthetic-weather with it, were ignored without a word
    r = CliRunner().invoke(main, ["run", basin, "--end", "2001-01-03" if basin == "watershed" else "2020-01-03",
                                  *extra, "-o", str(tmp_path / "x.nc")])
    assert r.exit_code == 2, r.output
    assert expected in r.output and "simulating" not in r.output and "Traceback" not in r.output
    assert not list(tmp_path.iterdir())


@pytest.mark.parametrize("text, expected", [
    ("gr4j.x1_mm=nan", "key 'gr4j.x1_mm': expected a finite number, got nan"),
    ("gr4j.x3_mm=inf", "key 'gr4j.x3_mm': expected a finite number, got inf"),
    ("gr4j.x1_mm=-5", "parameter 'x1_mm': expected > 0.0, got -5.0"),
    ("gr4j.x4_days=0.1", "parameter 'x4_days': expected >= 0.5, got 0.1"),
    ("initial.routing_fraction=1.5", "initial routing store fraction: expected 0..1, got 1.5"),
])
def test_catchment_set_is_checked_up_front_and_named(tmp_path, text, expected):
    # the output file exists: before, that was said first (and, with --overwrite, the run started
    # before the NaN was refused, in words without --set)
    out = tmp_path / "c.nc"
    out.write_bytes(b"kept")
    r = CliRunner().invoke(main, ["run", str(CATCHMENT), "--set", "gr4j.x2_mm_per_day=-1", "--set", text,
                                  "-o", str(out)])
    assert r.exit_code == 2, r.output
    assert f"--set {text}: {CATCHMENT}: {expected}" in r.output, r.output
    assert "exists" not in r.output and "compiling" not in r.output and "Traceback" not in r.output
    assert out.read_bytes() == b"kept"


@pytest.mark.parametrize("extra, named", [
    (["--variables", "nope"], "--variables"),
    (["--aggregate", "monthly", "--float32"], "--aggregate, --float32/--float64"),
    (["--block-years", "0"], "--block-years"),
    (["--locations", "x"], "--locations"),
])
def test_catchment_run_refuses_the_options_it_ignored(tmp_path, extra, named):
    # a catchment run wrote its series whole and daily whatever these said, exit 0
    r = CliRunner().invoke(main, ["run", str(CATCHMENT), *extra, "-o", str(tmp_path / "c.nc")])
    assert r.exit_code == 2, r.output
    assert f"{CATCHMENT}: {named}: a catchment run writes its few daily series whole" in r.output
    assert not list(tmp_path.iterdir())


def test_catchment_run_with_reversed_dates_says_so(tmp_path):
    # said only "the forcing covers 1991-01-01 to 1992-12-30; --start/--end ask for 1992-05-01 to 1992-01-01"
    r = CliRunner().invoke(main, ["run", str(CATCHMENT), "--start", "1992-05-01", "--end", "1992-01-01",
                                  "-o", str(tmp_path / "c.nc")])
    assert r.exit_code == 2 and "the run ends (1992-01-01) before it starts (1992-05-01); swap --start and --end" \
        in r.output, r.output


def _tiny_with_water_temperature(tmp_path, value: str) -> Path:
    """A copy of the tiny example whose forcing.csv has ``value`` as the water temperature of
    2020-01-03 (line 6 of the file: two comment lines, the header, then one row a day)."""
    folder = tmp_path / "tiny"
    shutil.copytree(ROOT / "configs" / "examples" / "tiny", folder)
    csv = folder / "forcing.csv"
    lines = csv.read_text(encoding="utf-8").splitlines()
    header = lines[2].split(",")
    assert lines[5].startswith("2020-01-03,") and header[-1] == "water_temp_c"
    lines[5] = ",".join(lines[5].split(",")[:-1] + [value])
    csv.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


@pytest.mark.parametrize("value, said", [
    ("-5.0", "value -5 is below -0.5, the smallest"),
    # there was no upper bound: 1e6 overflowed the temperature correction, every concentration NaN, exit 0
    ("1e6", "value 1e+06 is above 45, the largest"),
])
def test_water_temperature_out_of_range_is_refused_with_file_column_line_and_value(tmp_path, value, said):
    folder = _tiny_with_water_temperature(tmp_path, value)
    r = CliRunner().invoke(main, ["run", str(folder), "--end", "2020-01-05", "-o", str(tmp_path / "t.nc"), "-q"])
    assert r.exit_code == 2, r.output
    assert (f"{folder / 'forcing.csv'}: column 'water_temp_c', line 6 (2020-01-03): {said} "
            f"key 'forcing.water_temperature_c' of {folder / 'basin.toml'} takes") in r.output
    assert not (tmp_path / "t.nc").exists()


@pytest.mark.parametrize("value, expected", [("-1", "expected a number >= -0.5, got -1.0"),
                                             ("99", "expected a number <= 45.0, got 99.0")])
def test_water_temperature_constant_out_of_range_is_refused(tmp_path, value, expected):
    r = CliRunner().invoke(main, ["run", "tiny", "--set", f"forcing.water_temperature_c={value}", "-o",
                                  str(tmp_path / "t.nc")])
    assert r.exit_code == 2 and f"key 'forcing.water_temperature_c': {expected}" in r.output, r.output


@pytest.mark.parametrize("value", ["-0.5", "45"])
def test_water_temperature_at_the_bounds_is_taken(tmp_path, value):
    # -0.5 degC: sensor noise on water near ice, which the bound leaves room for; 45: the warmest bound
    folder = _tiny_with_water_temperature(tmp_path, value)
    r = CliRunner().invoke(main, ["run", str(folder), "--end", "2020-01-05", "-o", str(tmp_path / "t.nc"), "-q"])
    assert r.exit_code == 0, r.output


def test_validate_list_json_is_a_json_list_of_cases():
    from hydro.validation import all_cases

    r = CliRunner().invoke(main, ["validate", "--list", "--json", "--quick"])
    assert r.exit_code == 0, r.output
    cases = json.loads(r.stdout)
    assert cases and all(set(c) == {"case", "layer", "quick", "description"} for c in cases)
    assert [c["case"] for c in cases] == [c.name for c in all_cases().values() if c.quick]
    assert all(c["quick"] is True for c in cases)
    named = json.loads(CliRunner().invoke(main, ["validate", "--list", "--json", "miyun"]).stdout)
    assert named == [{"case": "miyun", "layer": "data", "quick": False,
                      "description": all_cases()["miyun"].description}]


def test_plot_network_refuses_the_topology_of_another_basin(tmp_path):
    # --basin tiny on the watershed's results drew the two networks mixed (the tiny's grey), exit 0
    res = tmp_path / "ws.nc"
    assert CliRunner().invoke(main, ["run", "watershed", "--end", "2001-01-03", "-o", str(res), "-q"]).exit_code == 0
    r = CliRunner().invoke(main, ["plot", str(res), "network", "--basin", "tiny", "-o", str(tmp_path / "n.png")])
    assert r.exit_code == 2, r.output
    assert ("plot 'network': the results hold reach 'west_upper', which the network of the basin given (--basin) "
            "does not have; give the basin the results were run on ('watershed')") in r.output
    assert not (tmp_path / "n.png").exists()
    ok = CliRunner().invoke(main, ["plot", str(res), "network", "--basin", "watershed", "-o", str(tmp_path / "n.png")])
    assert ok.exit_code == 0 and (tmp_path / "n.png").exists(), ok.output


@pytest.mark.parametrize("args, expected", [
    (["run", "tiny", "--start", ""], "--start: expected a date YYYY-MM-DD, got ''"),
    (["run", str(CATCHMENT), "--end", ""], "--end: expected a date YYYY-MM-DD, got ''"),
    (["scenarios", "watershed", str(ROOT / "configs" / "scenarios" / "watershed.toml"), "--end", ""],
     "--end: expected a date YYYY-MM-DD, got ''"),
    (["scenarios", "watershed", str(ROOT / "configs" / "scenarios" / "watershed.toml"), "-o", ""],
     "-o '': an empty file name; give -o a name ending in .nc, or leave -o out for the default, NAME_scenarios.nc"),
    (["run", "tiny", "--variables", ""], "--variables '': names nothing"),
    (["run", "tiny", "--locations", " , "], "--locations ' , ': names nothing"),
])
def test_an_empty_value_is_a_mistake_not_an_absence(tmp_path, monkeypatch, args, expected):
    # `--start "$START"` with START unset ran the whole default period; `-o ""` wrote the default file,
    # `--variables ""` every variable: all exit 0
    monkeypatch.chdir(tmp_path)
    r = CliRunner().invoke(main, args + (["-o", "x.nc"] if "-o" not in args else []))
    assert r.exit_code == 2, r.output
    assert expected in r.output and "Traceback" not in r.output
    assert not list(tmp_path.iterdir())


@pytest.fixture(scope="module")
def watershed_results(tmp_path_factory):
    out = tmp_path_factory.mktemp("ws") / "ws.nc"
    assert CliRunner().invoke(main, ["run", "watershed", "--end", "2001-01-03", "-o", str(out), "-q"]).exit_code == 0
    return out


@pytest.mark.parametrize("args, expected", [
    (["gep", "{res}", "-o", ""], "-o '': an empty file name; give -o a name ending in .csv, or leave -o out to print "
                                 "the table only"),
    (["report", "{res}", "-o", ""], "-o '': an empty file name; give -o a name ending in .html"),
    (["compensate", "{res}", "a.toml", "--csv", ""], "--csv '': an empty file name"),
    (["compensate", "{res}", "a.toml", "--uncertainty", "2", "--plot", ""], "--plot '': an empty file name"),
])
def test_an_empty_output_name_is_refused_by_every_command(tmp_path, monkeypatch, watershed_results, args, expected):
    # hydro gep -o "" printed only, hydro report -o "" wrote RESULTS.html, compensate --csv "" wrote nothing:
    # each without a word
    monkeypatch.chdir(tmp_path)
    r = CliRunner().invoke(main, [a.format(res=watershed_results) for a in args])
    assert r.exit_code == 2, r.output
    assert expected in r.output
    assert not list(tmp_path.iterdir())


AGREEMENT = ('name = "t"\nsource = "test"\nperiod = [2001, 2001]\npayer = "p"\npayee = "q"\n[[quantity]]\n'
             'section = "outlet"\nbaseline_m3 = 1.0\nreward_per_m3_above_yuan = 1.0\nsource = "test"\n')


@pytest.mark.parametrize("args, expected", [
    (["compensate", "{res}", "{ag}", "--seed", "4"], "--seed seeds the draws of --uncertainty's members, and there "
                                                     "are none: add --uncertainty N, or leave --seed out"),
    (["plot", "{res}", "compensation", "--agreement", "{ag}", "--seed", "3", "-o", "p.png"],
     "--seed seeds the draws of --uncertainty's members"),
    (["report", "{res}", "--agreement", "{ag}", "--seed", "2", "-o", "r.html"],
     "--seed seeds the draws of --uncertainty's members"),
    (["report", "{res}", "--agreement", "{ag}", "--uncertainty", "2", "--seed", "-2", "-o", "r.html"],
     "'--seed': -2 is not in the range x>=0"),
    (["report", "{res}", "--agreement", "{ag}", "--uncertainty", "2", "--workers", "0", "-o", "r.html"],
     "'--workers': 0 is not in the range x>=1"),  # ran serially (compensate and plot refuse 0)
    (["plot", "{res}", "trajectory", "--percentiles", "10,90", "-o", "p.png"],
     "--percentiles sets the band over an ensemble's members, and these results have none"),
    (["plot", "{res}", "sources", "--location", "border", "--location", "outlet", "-o", "p.png"],
     "plot 'sources' draws one section: give --location once (got border, outlet)"),
])
def test_options_that_were_ignored_are_refused(tmp_path, monkeypatch, watershed_results, args, expected):
    # each ran, exit 0, without the option doing anything (report --seed -2 failed every member late:
    # "every member failed; member 0: ValueError: expected non-negative integer")
    monkeypatch.chdir(tmp_path)
    (tmp_path / "ag.toml").write_text(AGREEMENT, encoding="utf-8")
    r = CliRunner().invoke(main, [a.format(res=watershed_results, ag="ag.toml") for a in args])
    assert r.exit_code == 2, r.output
    assert expected in r.output and "Traceback" not in r.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ag.toml"]


def test_a_cell_length_that_cuts_millions_of_cells_is_refused(tmp_path):
    # 1e-6 km: 102 million cells, a MemoryError traceback allocating 760 GiB
    r = CliRunner().invoke(main, ["run", "watershed", "--end", "2001-01-03", "--set", "run.cell_length_km=1e-6",
                                  "-o", str(tmp_path / "w.nc")])
    assert r.exit_code == 2, r.output
    assert "key 'run.cell_length_km': expected a number >= 0.01, got 1e-06" in r.output


def test_out_of_memory_is_one_line_not_a_traceback(tmp_path, monkeypatch):
    # reaches.main.cells=100000000 (or any run too large) died with numpy's _ArrayMemoryError traceback
    import hydro.simulation

    def too_large(*args, **kwargs):
        raise MemoryError("Unable to allocate 745. GiB for an array with shape (100000043, 1000)")

    monkeypatch.setattr(hydro.simulation, "run", too_large)
    r = CliRunner().invoke(main, ["run", "tiny", "--end", "2020-01-03", "-o", str(tmp_path / "t.nc")])
    assert r.exit_code == 1 and isinstance(r.exception, SystemExit), r.output  # exited, not raised
    assert ("Error: out of memory (Unable to allocate 745. GiB for an array with shape (100000043, 1000)): the work "
            "asked for is too large for this machine. Make it smaller: fewer cells") in r.output
    assert "Traceback" not in r.output and not (tmp_path / "t.nc").exists()


def test_compensate_scenario_by_index_as_its_help_says(tmp_path, monkeypatch):
    # --help and the error said "name (or index)", but --scenario 1 was "unknown scenario '1'"
    monkeypatch.chdir(tmp_path)
    (tmp_path / "ag.toml").write_text(AGREEMENT, encoding="utf-8")
    made = CliRunner().invoke(main, ["scenarios", "watershed", str(ROOT / "configs" / "scenarios" / "watershed.toml"),
                                     "--end", "2001-01-31", "--scenario", "domestic", "-o", "s.nc", "-q"])
    assert made.exit_code == 0, made.output
    by_name = CliRunner().invoke(main, ["compensate", "s.nc", "ag.toml", "--scenario", "domestic", "--json"])
    by_index = CliRunner().invoke(main, ["compensate", "s.nc", "ag.toml", "--scenario", "1", "--json"])
    assert by_name.exit_code == 0 and by_index.exit_code == 0, by_index.output
    assert json.loads(by_index.stdout) == json.loads(by_name.stdout)
    outside = CliRunner().invoke(main, ["compensate", "s.nc", "ag.toml", "--scenario", "5"])
    assert outside.exit_code == 2 and "s.nc: scenario index 5 is outside 0..1" in outside.output


def test_catchment_params_file_value_is_named_as_the_files(tmp_path):
    # a bad value of best_params.toml was said to come from "--set" (a basin's names the --params file)
    params = tmp_path / "best_params.toml"
    params.write_text(f'model = "catchment"\ntarget = "{CATCHMENT}"\nloss = 0.1\noverrides = ["gr4j.x1_mm=-3"]\n',
                      encoding="utf-8")
    r = CliRunner().invoke(main, ["run", str(CATCHMENT), "--params", str(params), "--set", "gr4j.x3_mm=80",
                                  "-o", str(tmp_path / "c.nc")])
    assert r.exit_code == 2, r.output
    assert (f"{params} (--params): key 'overrides', 'gr4j.x1_mm=-3': {CATCHMENT}: parameter 'x1_mm': expected > 0.0, "
            "got -3.0") in r.output and "--set" not in r.output


def test_validate_quick_with_a_long_case_named_is_refused():
    # `hydro validate miyun --quick` ignored --quick and ran the long case (minutes)
    r = CliRunner().invoke(main, ["validate", "miyun", "junction_mixing", "--quick", "--list"])
    assert r.exit_code == 2, r.output
    assert "--quick runs only the fast cases, and miyun is a long case: name it without --quick" in r.output
    ok = CliRunner().invoke(main, ["validate", "junction_mixing", "--quick", "--list"])
    assert ok.exit_code == 0 and ok.output.split()[0] == "junction_mixing"


def test_scenarios_with_a_file_that_defines_no_scenario_is_refused(tmp_path, monkeypatch):
    # an empty scenario file ran the whole baseline and wrote a "scenario set" of one, exit 0
    monkeypatch.chdir(tmp_path)
    (tmp_path / "none.toml").write_text("", encoding="utf-8")
    r = CliRunner().invoke(main, ["scenarios", "watershed", "none.toml", "--end", "2001-01-03", "-o", "s.nc"])
    assert r.exit_code == 2, r.output
    assert "none.toml: defines no scenario (no [[scenarios]] with an id and its measures); add them" in r.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["none.toml"]


def _catchment_with_row(tmp_path, row: str) -> Path:
    """A copy of the Leguer catchment whose forcing's 1991-01-02 row (line 3) is ``row``."""
    folder = tmp_path / "leguer"
    shutil.copytree(CATCHMENT.parent, folder)
    csv = folder / "forcing.csv"
    lines = csv.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "date,precip_mm,pet_mm,qobs_mm" and lines[2].startswith("1991-01-02,")
    lines[2] = row
    csv.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder / "catchment.toml"


@pytest.mark.parametrize("row, expected", [
    ("1991-01-02,3.7,500,4.9", "line 3 (1991-01-02), column 'pet_mm': expected PET of 0 to 30 mm/d, got 500"),
    ("1991-01-02,3.7,0.46,1e9", "line 3 (1991-01-02), column 'qobs_mm': 1e+09 is 1e+09 mm/d of runoff, more than "
                                "the most rain in a day (2000 mm)"),
])
def test_catchment_forcing_beyond_what_nature_gives_is_refused(tmp_path, row, expected):
    # both ran, exit 0: a PET of 500 mm/d dried the catchment out, a flow of 1e9 mm/d made the NSE meaningless
    toml = _catchment_with_row(tmp_path, row)
    r = CliRunner().invoke(main, ["run", str(toml), "-o", str(tmp_path / "c.nc")])
    assert r.exit_code == 2, r.output
    assert f"{toml.parent / 'forcing.csv'}: {expected}" in r.output


def test_observed_flow_in_m3s_over_a_wrong_area_names_the_area(tmp_path):
    from hydro.errors import HydroError
    from hydro.forcing_csv import CATCHMENT_REQUIRED, read_forcing_csv

    csv = tmp_path / "f.csv"
    csv.write_text("date,precip_mm,pet_mm,qobs_m3s\n2000-01-01,1,1,5\n2000-01-02,1,1,5\n", encoding="utf-8")
    # 5 m3/s over 0.1 km2 is 4,320 mm/d (an area typed in the wrong unit); over 100 km2 it is 4.32 mm/d
    assert read_forcing_csv(csv, required=CATCHMENT_REQUIRED, area_km2=100.0).qobs_mm[0] == pytest.approx(4.32)
    with pytest.raises(HydroError, match=r"column 'qobs_m3s': 5 is 4320 mm/d of runoff over 0\.1 km2 \(check "
                                         r"area_km2\), more than the most rain in a day"):
        read_forcing_csv(csv, required=CATCHMENT_REQUIRED, area_km2=0.1)


@pytest.mark.parametrize("period, day", [(["--start", "1900-01-01"], "1900-01-01"),
                                         (["--end", "2100-01-01"], "2022-01-01")])  # the first day missing
def test_a_period_the_forcing_does_not_cover_is_refused_before_the_start_line(tmp_path, period, day):
    # said only after "simulating tiny: 1900-01-01 to 2021-12-31 (44560 days)..."
    r = CliRunner().invoke(main, ["run", "tiny", *period, "-o", str(tmp_path / "t.nc")])
    assert r.exit_code == 2, r.output
    assert f"forcing.csv: column 'water_temp_c' has no value for {day}; the file covers 2020-01-01 to 2021-12-31" \
        in r.output
    assert "simulating" not in r.output and not (tmp_path / "t.nc").exists()


def test_report_takes_set_for_its_agreement_as_its_error_advises(tmp_path, monkeypatch, watershed_results):
    # report said "... or apply its rules to the series' years with --set period=[...]", an option it lacked
    monkeypatch.chdir(tmp_path)
    (tmp_path / "ag.toml").write_text(AGREEMENT.replace("period = [2001, 2001]", "period = [1990, 1990]"),
                                      encoding="utf-8")
    refused = CliRunner().invoke(main, ["report", str(watershed_results), "--agreement", "ag.toml", "-o", "r.html"])
    assert refused.exit_code == 2 and "--set period=" in refused.output, refused.output
    period = next(w for w in refused.output.split() if w.startswith("period=["))
    r = CliRunner().invoke(main, ["report", str(watershed_results), "--agreement", "ag.toml", "--set",
                                  period.rstrip(",;."), "-o", "r.html", "-q"])
    assert r.exit_code == 0, r.output
    assert "Payments" in (tmp_path / "r.html").read_text(encoding="utf-8")
    alone = CliRunner().invoke(main, ["report", str(watershed_results), "--set", "period=[2001,2001]", "-o", "s.html"])
    assert alone.exit_code == 2 and "--set go with --agreement" in alone.output
