"""Bad data files refused clearly: the second 2026-12-02 review of the commands' input checks.

* A monitoring CSV took year 22 (a series stretched over two millennia, "covers 22-2018") and a
  TN of 1e300 mg/L (classed and paid on); years are now 1900-2100 and each value at most what
  water can hold, refused naming the file, line, column, value and what to do.
* A negative ``[forcing.lateral_inflow_m3_s]`` (a withdrawal along the reach) that dried the reach
  was said as "no flow at its outlet ... add lateral inflow", without naming the negative value.
* ``hydro compensate`` on a catchment run's results said "coordinate 'section' is missing", and on
  a basin or catchment file "unknown kind of file '.toml'"; each now says what was given and what
  to give instead.
* A ``Results`` whose arrays lack its leading ``member`` dimension (stored in ``data`` directly)
  raised an IndexError in ``output_periods`` when written (reproduced); it is refused naming the
  variable, its shape and the dimensions' lengths.
* A station record the weather generator cannot fit (a month of one temperature) was said after
  the start line (``run --members``, ``--synthetic-weather``), after every scenario ran
  (``scenarios --members``) or by every member (``compensate BASIN --uncertainty``); the fit is now
  done first, once (the members take it from the process's cache).
* A flow-driven basin's ``[forcing]`` had no upper bounds: a lateral inflow of 1e300 m3/s gave TN
  of -inf (exit 0) or a ZeroDivisionError traceback, a load of 1e300 kg/d TN of 2e297 mg/L; flows
  now take at most 1e5 m3/s (either way for lateral inflow), loads 1e9 kg/d, concentrations 1e6
  mg/L, evaporation 30 and precipitation 2000 mm/d.  A series CSV's header without ``date`` says
  what it got (semicolons, upper case).
* An empty (or comments-only) agreement or calibration config was said as its first key missing;
  it is said to be empty.  A TOML file not in UTF-8 was told to be saved from Excel as
  'CSV UTF-8'.
* A scenario measure's ``years = [22, 24]`` ran (the measure in place since year 24) and an
  agreement's ``period = [2018, 3000]`` was evaluated; both take years 1900-2100
  (``hydro.dates.PLAUSIBLE_YEARS``, shared with the monitoring CSV).
* A calibration config's published point in none of its periods was dropped without a word, and
  a negative one was fitted to; both are refused naming the file, key and point.
* A subbasin of 1e300 km2 ended in a ZeroDivisionError traceback; areas take at most 1e7 km2.
* ``--set subbasins[1].area_km2=...`` (the position the readers' messages print as "file key")
  said "no key 'subbasins.w2'", a key the file has; it now says to name the table, with the path.
* The published-figures CSV took year 22 and 1e300 yuan, which the inference then misread; years
  are 1900-2100, yuan and m3 at most 1e13.
* A calibration observation CSV took 1e300 (fitted to) and year 0022 (dropped without a word).
* A transfer series line dated 0218-12-25 was taken (its water outside every run).
* A subbasin's source inventory (head, people, kg/ha/yr, m3/day, mg/L) had no upper bound: 1e300
  gave TN of about 1e200 mg/L, exit 0; each takes at most 1e10 in its unit.
* ``compensate BASIN AGREEMENT --uncertainty N`` on a basin without the agreement's sections ran
  every member and then said "every member failed"; it is refused before the members.
"""

from pathlib import Path

import pytest
from click.testing import CliRunner

from hydro.cli import main

ROOT = Path(__file__).resolve().parents[1]
PHASE1 = ROOT / "configs" / "agreements" / "miyun_chaobai_phase1_2018.toml"


def _monitoring_csv(tmp_path: Path, replace: tuple[str, str] | None = None) -> Path:
    """A monitoring CSV of phase 1's three sections, 2017-2018, every parameter and flow; line 2
    is gubeikou's TN of 2017-01, line 62 its TN of 2018-01 (one header line, five rows a month)."""
    lines = ["section,year,month,parameter,value,unit"]
    for section in ("gubeikou", "baihe_border", "qingshui_outlet"):
        for year in (2017, 2018):
            for month in range(1, 13):
                lines += [f"{section},{year},{month},{p},{v},{u}" for p, v, u in
                          (("tn", 3.0, "mg/L"), ("tp", 0.05, "mg/L"), ("nh3n", 0.2, "mg/L"),
                           ("codmn", 2.0, "mg/L"), ("flow", 2e7, "m3"))]
    if replace:
        i = lines.index(replace[0])
        lines[i] = replace[1]
    path = tmp_path / "monitoring.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_monitoring_csv_as_built_is_taken(tmp_path):
    r = CliRunner().invoke(main, ["compensate", str(_monitoring_csv(tmp_path)), str(PHASE1)])
    assert r.exit_code == 0, r.output


@pytest.mark.parametrize("row, expected", [
    # was read: the series ran from year 22 (23,964 months), "covers 22-2018"
    ("gubeikou,22,1,tn,3.0,mg/L", "line 62: year 22 is outside 1900..2100; give the four-digit calendar year"),
    ("gubeikou,2101,1,tn,3.0,mg/L", "line 62: year 2101 is outside 1900..2100"),
    # was read and classed: TN 1e300 mg/L
    ("gubeikou,2018,1,tn,1e300,mg/L", "line 62, column 'value': tn 2018-01 is 1e300 mg/L, above 100 mg/L"),
    ("gubeikou,2018,1,tn,3000,mg/L",
     "check the unit (a value in ug/L is 1000 times its value in mg/L: give its unit as ug/L)"),
    ("gubeikou,2018,1,tp,150,mg/L", "line 63, column 'value': tp 2018-01 is 150 mg/L, above 20 mg/L"),
    ("gubeikou,2018,1,do,71,mg/L", "line 66, column 'value': do 2018-01 is 71 mg/L, above 70 mg/L"),
    ("gubeikou,2018,1,flow,5e5,m3/s", "line 66, column 'value': flow 2018-01 is 5e5 m3/s, above 4e+05 m3/s"),
    ("gubeikou,2018,1,flow,1.1e12,m3", "above 1.07e+12 m3 in a month of 31 days"),
])
def test_monitoring_csv_year_and_value_out_of_range_are_refused(tmp_path, row, expected):
    parameter = row.split(",")[3]
    kept = {"tn": "3.0,mg/L", "tp": "0.05,mg/L", "do": None, "flow": "20000000.0,m3"}[parameter]
    if kept is None:  # no DO row in the file: replace the month's flow row by a DO row
        old = "gubeikou,2018,1,flow,20000000.0,m3"
    else:
        old = f"gubeikou,2018,1,{parameter},{kept}"
    path = _monitoring_csv(tmp_path, (old, row))
    r = CliRunner().invoke(main, ["compensate", str(path), str(PHASE1)])
    assert r.exit_code == 2, r.output
    assert f"{path}: " in r.output and expected in r.output, r.output
    assert "Traceback" not in r.output


@pytest.mark.parametrize("row", ["gubeikou,1900,1,tn,100,mg/L", "gubeikou,2018,1,do,70,mg/L",
                                 "gubeikou,2018,1,flow,4e5,m3/s"])
def test_monitoring_csv_values_at_the_bounds_are_taken(tmp_path, row):
    from hydro.monitoring_csv import read_monitoring_csv

    path = tmp_path / "m.csv"
    path.write_text("section,year,month,parameter,value,unit\n" + row + "\n", encoding="utf-8")
    assert read_monitoring_csv(path).first_year == int(row.split(",")[1])


def test_negative_lateral_inflow_that_dries_a_reach_is_named_as_the_cause(tmp_path):
    # a negative [forcing.lateral_inflow_m3_s] is a withdrawal along the reach (docs/basin-file.md);
    # one larger than the water reaching it was said as "no flow at its outlet ... add lateral or
    # boundary inflow", without a word on the negative value that dried it
    r = CliRunner().invoke(main, ["run", "tiny", "--end", "2020-01-03", "--set",
                                  "forcing.lateral_inflow_m3_s.east=-0.8", "-o", str(tmp_path / "t.nc"), "-q"])
    assert r.exit_code == 2, r.output
    # (since 2026-12-05 the negative part is the transport's withdrawal, kept apart from point sources' water)
    assert ("reach 'east' has no flow at its outlet on 2020-01-01 (-0.3 m3/s) after 0.8 m3/s was withdrawn from "
            "it that day") in r.output, r.output
    assert "withdraw less (a negative [forcing.lateral_inflow_m3_s] closer to 0)" in r.output, r.output
    assert not (tmp_path / "t.nc").exists()


CATCHMENT = ROOT / "validation" / "calibration" / "leguer" / "catchment.toml"


def test_compensate_on_a_catchment_run_says_what_it_is(tmp_path):
    # said "coordinate variable 'section' (string ids) is missing; give the results as `hydro run` writes them"
    res = tmp_path / "c.nc"
    assert CliRunner().invoke(main, ["run", str(CATCHMENT), "--end", "1991-03-01", "-o", str(res), "-q"]).exit_code == 0
    r = CliRunner().invoke(main, ["compensate", str(res), str(PHASE1)])
    assert r.exit_code == 2, r.output
    assert (f"{res}: these are the results of a catchment run ({CATCHMENT}): a catchment model simulates the flow "
            "at its gauge, without monitoring sections") in r.output and "'section'" not in r.output, r.output


@pytest.mark.parametrize("first, said", [
    # each said only "unknown kind of file '.toml'" (or "''")
    (str(CATCHMENT), f"{CATCHMENT}: a catchment file, not a series (expected a monitoring CSV (.csv) or a hydro "
                     "results file (.nc)); a catchment model simulates the flow at its gauge"),
    ("tiny", "tiny: a shipped basin's name, not a series (expected a monitoring CSV (.csv) or a hydro results "
             "file (.nc)); run the basin first (`hydro run tiny -o OUT.nc`) and give OUT.nc, or add --uncertainty N"),
    (str(ROOT / "configs" / "examples" / "tiny"), "a basin folder, not a series"),
    (str(ROOT / "configs" / "examples" / "tiny" / "basin.toml"), "a basin file, not a series"),
])
def test_compensate_on_a_basin_or_catchment_file_says_what_it_is(tmp_path, monkeypatch, first, said):
    monkeypatch.chdir(tmp_path)
    r = CliRunner().invoke(main, ["compensate", first, str(PHASE1)])
    assert r.exit_code == 2 and said in r.output and "unknown kind" not in r.output, r.output


@pytest.fixture(scope="module")
def tiny_results():
    import hydro

    return hydro.Model.from_basin("tiny").run_results("2020-01-01", "2020-02-10")


@pytest.mark.parametrize("aggregate", ["daily", "monthly"])
def test_results_with_a_leading_member_dimension_its_arrays_lack_is_refused(tmp_path, tiny_results, aggregate):
    # reproduced the IndexError seen once: data stored straight into Results.data without the member axis
    # (leading=("member",)) raised "index 5 out-of-bounds in add.reduceat" in output_periods.blocks
    from hydro.errors import HydroError
    from hydro.outputspec import OutputSpec
    from hydro.results import Results

    r = tiny_results
    syn = Results(coords={**r.coords, "member": [0, 1]}, attrs=dict(r.attrs), constituents=dict(r.constituents),
                  leading=("member",))
    syn.data.update(r.data)
    with pytest.raises(HydroError, match=r"Results: variable '\w+' has shape \(41, 5\), but its dimensions "
                                         r"\(member, time, reach\) have lengths \(2, 41, 5\) \(leading=\('member',\)"):
        syn.to_netcdf(tmp_path / "s.nc", spec=OutputSpec(aggregate=aggregate))
    with pytest.raises(HydroError, match=r"store variables with Results\.add"):
        syn.to_xarray()
    assert not list(tmp_path.iterdir())


def test_results_with_a_dimension_without_coordinate_is_refused(tmp_path, tiny_results):
    # was a KeyError 'member' from the writer
    from hydro.errors import HydroError
    from hydro.results import Results

    r = tiny_results
    syn = Results(coords=dict(r.coords), constituents=dict(r.constituents), leading=("member",))
    syn.data.update({k: v[None] for k, v in r.data.items()})
    with pytest.raises(HydroError, match="coords has no 'member'; give every dimension its coordinate"):
        syn.to_netcdf(tmp_path / "s.nc")


def test_results_stacked_along_member_write_at_every_aggregation(tmp_path, tiny_results):
    # the public way (hydro.results.stack) wrote daily, monthly and yearly before and after the check
    from hydro.outputspec import OutputSpec
    from hydro.results import stack

    s = stack([tiny_results, tiny_results], "member", [0, 1])
    for aggregate in ("daily", "monthly", "yearly"):
        s.to_netcdf(tmp_path / f"{aggregate}.nc", spec=OutputSpec(aggregate=aggregate, locations=("east",)))
    assert len(list(tmp_path.iterdir())) == 3


@pytest.fixture()
def watershed_constant_february(tmp_path):
    """A copy of the example watershed whose station record has 1 degC (0 to 2) on every February day:
    the weather generator cannot fit February's temperature spread."""
    import shutil

    folder = tmp_path / "ws"
    shutil.copytree(ROOT / "configs" / "examples" / "watershed", folder)
    csv = folder / "weather.csv"
    lines = csv.read_text(encoding="utf-8").splitlines()
    header = next(i for i, line in enumerate(lines) if line.startswith("date,"))
    assert lines[header] == "date,precip_mm,tmean_c,tmin_c,tmax_c"
    for i in range(header + 1, len(lines)):
        cells = lines[i].split(",")
        if cells[0][5:7] == "02":
            lines[i] = ",".join(cells[:2] + ["1.0", "0.0", "2.0"])
    csv.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


FIT_SAID = ("weather.csv: column 'tmean_c': every Feb day of the record has the same value (1 degC); the weather "
            "generator fits each calendar month's day-to-day spread")


@pytest.mark.parametrize("command", [
    ["run", "{ws}", "--members", "2", "--end", "2001-01-10", "-o", "{out}"],
    ["run", "{ws}", "--synthetic-weather", "1", "--end", "2001-01-10", "-o", "{out}"],
    # ran the baseline and every scenario first, then failed each member
    ["scenarios", "{ws}", str(ROOT / "configs" / "scenarios" / "watershed.toml"), "--members", "2",
     "--end", "2001-01-10", "-o", "{out}"],
    # ran every member, each failing on the fit
    ["compensate", "{ws}", str(PHASE1), "--uncertainty", "2"],
])
def test_a_record_the_weather_generator_cannot_fit_is_refused_before_anything_runs(
        tmp_path, watershed_constant_february, monkeypatch, command):
    import hydro.ensemble
    import hydro.weathergen

    monkeypatch.setattr(hydro.ensemble, "_FITTED", {})
    fits = []
    real_fit = hydro.weathergen.fit
    monkeypatch.setattr(hydro.weathergen, "fit", lambda *a, **k: fits.append(1) or real_fit(*a, **k))
    out = tmp_path / "out.nc"
    args = [a.format(ws=watershed_constant_february, out=out) for a in command]
    r = CliRunner().invoke(main, args)
    assert r.exit_code == 2, r.output
    assert FIT_SAID in r.output and "Traceback" not in r.output, r.output
    assert "simulating" not in r.output and "member" not in r.output and "scenario" not in r.output, r.output
    assert fits == [1] and not out.exists()


def test_an_ensemble_fits_the_weather_generator_once(tmp_path, monkeypatch):
    # the early check and the members share one fit (the ~2.4 s on Miyun's record is not done twice)
    import hydro.ensemble
    import hydro.weathergen

    monkeypatch.setattr(hydro.ensemble, "_FITTED", {})
    fits = []
    real_fit = hydro.weathergen.fit
    monkeypatch.setattr(hydro.weathergen, "fit", lambda *a, **k: fits.append(1) or real_fit(*a, **k))
    r = CliRunner().invoke(main, ["run", "watershed", "--members", "2", "--workers", "1", "--end", "2001-01-05",
                                  "-o", str(tmp_path / "m.nc"), "-q"])
    assert r.exit_code == 0, r.output
    assert fits == [1]


def _tiny_copy(tmp_path: Path) -> Path:
    import shutil

    folder = tmp_path / "tiny"
    shutil.copytree(ROOT / "configs" / "examples" / "tiny", folder)
    return folder


@pytest.mark.parametrize("text, expected", [
    # a lateral inflow of 1e300 m3/s ended in a ZeroDivisionError traceback from the transport kernel
    ("forcing.lateral_inflow_m3_s.east=1e300", "key 'forcing.lateral_inflow_m3_s.east': expected a number <= "
                                               "100000.0, got 1e+300"),
    ("forcing.lateral_inflow_m3_s.east=-2e5", "key 'forcing.lateral_inflow_m3_s.east': expected a number >= "
                                              "-100000.0, got -200000.0"),
    # a load of 1e300 kg/d gave TN of 2e297 mg/L at lake_inlet, exit 0
    ("forcing.lateral_load_kg_per_day.tn.east=1e300", "key 'forcing.lateral_load_kg_per_day.tn.east': expected a "
                                                      "number <= 1000000000.0, got 1e+300"),
    ("forcing.evaporation_mm_per_day=50", "key 'forcing.evaporation_mm_per_day': expected a number <= 30.0"),
    # (a constant is every day's: bounded at 150 mm a day, above the wettest month's mean; a CSV column's day at
    # 2,000)
    ("forcing.precipitation_mm_per_day=3000", "key 'forcing.precipitation_mm_per_day': expected a number <= 150.0"),
])
def test_flow_driven_forcing_beyond_physical_bounds_is_refused(tmp_path, text, expected):
    r = CliRunner().invoke(main, ["run", "tiny", "--end", "2020-01-03", "--set", text, "-o", str(tmp_path / "t.nc")])
    assert r.exit_code == 2, r.output
    assert expected in r.output and "Traceback" not in r.output and "simulating" not in r.output, r.output


def test_flow_driven_forcing_csv_value_beyond_bounds_is_refused_with_file_column_and_line(tmp_path):
    # 1e300 in the lateral inflow column gave TN of -inf mg/L at tailwater_mid, exit 0
    folder = _tiny_copy(tmp_path)
    csv = folder / "forcing.csv"
    lines = csv.read_text(encoding="utf-8").splitlines()
    assert lines[3].startswith("2020-01-01,")
    lines[3] = "2020-01-01,1e300," + lines[3].split(",")[2]
    csv.write_text("\n".join(lines) + "\n", encoding="utf-8")
    r = CliRunner().invoke(main, ["run", str(folder), "--end", "2020-01-03", "-o", str(tmp_path / "t.nc"), "-q"])
    assert r.exit_code == 2, r.output
    assert (f"{csv}: column 'north_upper_m3_s', line 4 (2020-01-01): value 1e+300 is above 100000, the largest key "
            f"'forcing.lateral_inflow_m3_s.north_upper' of {folder / 'basin.toml'} takes") in r.output, r.output
    assert not (tmp_path / "t.nc").exists()


@pytest.mark.parametrize("header, said", [
    ("date;north_upper_m3_s;water_temp_c", "got 'date;north_upper_m3_s;water_temp_c'; the fields are separated by "
                                           "semicolons"),
    ("DATE,NORTH_UPPER_M3_S,WATER_TEMP_C", "got 'DATE,NORTH_UPPER_M3_S,WATER_TEMP_C'; name the column of the days "
                                           "'date' (key 'forcing.water_temperature_c'"),
])
def test_forcing_csv_header_without_date_says_what_it_got(tmp_path, header, said):
    # said only "expected a header line with a 'date' column"
    folder = _tiny_copy(tmp_path)
    csv = folder / "forcing.csv"
    lines = csv.read_text(encoding="utf-8").splitlines()
    lines[2] = header
    csv.write_text("\n".join(lines) + "\n", encoding="utf-8")
    r = CliRunner().invoke(main, ["run", str(folder), "--end", "2020-01-03", "-o", str(tmp_path / "t.nc"), "-q"])
    assert r.exit_code == 2 and said in r.output, r.output


@pytest.mark.parametrize("content", ["", "# only a comment\n"])
@pytest.mark.parametrize("command", [
    ["compensate", str(ROOT / "configs" / "agreements" / "miyun_chaobai_published.csv"), "{f}"],
    ["calibrate", "{f}", "-o", "cal"],
])
def test_an_empty_toml_file_is_said_to_be_empty(tmp_path, monkeypatch, content, command):
    # an empty agreement said "key 'name': missing; add it to this table", as if one key were forgotten
    monkeypatch.chdir(tmp_path)
    f = tmp_path / "empty.toml"
    f.write_text(content, encoding="utf-8")
    r = CliRunner().invoke(main, [a.format(f=f) for a in command])
    assert r.exit_code == 2, r.output
    assert "empty.toml: no keys (the file is empty or only comments); expected a" in r.output, r.output
    assert "missing" not in r.output


def test_a_toml_file_not_in_utf8_is_not_told_to_be_saved_from_excel(tmp_path):
    # "save it as UTF-8 (in Excel: Save As > 'CSV UTF-8'; ...)" for an agreement TOML
    agreement = tmp_path / "a.toml"
    agreement.write_bytes(PHASE1.read_bytes() + "# caf\xe9\n".encode("latin-1"))
    r = CliRunner().invoke(main, ["compensate", str(_monitoring_csv(tmp_path)), str(agreement)])
    assert r.exit_code == 2 and "a.toml is not UTF-8 text" in r.output, r.output
    assert "save it as UTF-8 (in an editor: encoding UTF-8)" in r.output and "Excel" not in r.output
    csv = tmp_path / "monitoring.csv"
    csv.write_bytes(csv.read_bytes() + "# caf\xe9\n".encode("latin-1"))
    r = CliRunner().invoke(main, ["compensate", str(csv), str(PHASE1)])
    assert r.exit_code == 2 and "in Excel: Save As > 'CSV UTF-8'" in r.output, r.output  # a CSV keeps the advice


@pytest.mark.parametrize("years", ["[22, 24]", "[2002, 3000]"])
def test_a_measure_of_years_outside_the_calendar_is_refused(tmp_path, years):
    # years = [22, 24] ran: the measure in place (and paid for) since year 24
    scen = tmp_path / "s.toml"
    text = (ROOT / "configs" / "scenarios" / "watershed.toml").read_text(encoding="utf-8")
    assert text.count("years = [2002, 2004]") == 1
    scen.write_text(text.replace("years = [2002, 2004]", f"years = {years}"), encoding="utf-8")
    r = CliRunner().invoke(main, ["scenarios", "watershed", str(scen), "-o", str(tmp_path / "s.nc"), "-q"])
    assert r.exit_code == 2, r.output
    assert (f"{scen}: key 'measures[0].years': expected calendar years 1900..2100, got {years}; write four-digit "
            "years (2022, not 22)") in r.output, r.output
    assert not (tmp_path / "s.nc").exists()


@pytest.mark.parametrize("period", ["[22,24]", "[2018,3000]"])
def test_an_agreement_period_outside_the_calendar_is_refused(tmp_path, period):
    # [22, 24] said to --set fixed[0].year=22; [2018, 3000] evaluated, "2019-3000 have no lines"
    r = CliRunner().invoke(main, ["compensate", str(_monitoring_csv(tmp_path)), str(PHASE1), "--set",
                                  f"period={period}"])
    assert r.exit_code == 2, r.output
    assert "key 'period': expected calendar years 1900..2100, got [" in r.output, r.output


@pytest.mark.parametrize("point, expected", [
    # was dropped without a word: the point counted in no period
    ("{ date = 1813-08-06, value = 1.2005e9 }", "key 'observations[0].points': the point of 1813-08-06 lies in none "
                                                "of the periods (calibration 2013-03-01 to 2015-12-31, validation "
                                                "2016-01-01 to 2017-02-28), so it would count nowhere"),
    # was fitted to
    ("{ date = 2013-08-06, value = -1.2005e9 }", "key 'observations[0].points': point 1: value must be >= 0"),
])
def test_a_calibration_point_outside_the_periods_or_negative_is_refused(tmp_path, monkeypatch, point, expected):
    from hydro.calibration.config import CalibrationConfig
    from hydro.errors import HydroError

    monkeypatch.chdir(tmp_path)
    text = (ROOT / "configs" / "calibration" / "miyun_water.toml").read_text(encoding="utf-8")
    assert text.count("{ date = 2013-08-06, value = 1.2005e9 }") == 1 and 'path = "miyun"' in text
    cfg = tmp_path / "cal.toml"
    cfg.write_text(text.replace("{ date = 2013-08-06, value = 1.2005e9 }", point), encoding="utf-8")
    with pytest.raises(HydroError) as err:
        CalibrationConfig.from_toml(cfg)
    assert str(err.value).startswith(f"{cfg}: ") and expected in str(err.value), str(err.value)


def test_a_subbasin_area_beyond_any_basin_is_refused(tmp_path):
    # 1e300 km2 ended in a ZeroDivisionError traceback from the transport kernel
    r = CliRunner().invoke(main, ["run", "watershed", "--end", "2001-01-03", "--set", "subbasins.w2.area_km2=1e300",
                                  "-o", str(tmp_path / "w.nc"), "-q"])
    assert r.exit_code == 2, r.output
    assert "key 'subbasins.w2.area_km2' [file key subbasins[1].area_km2]: expected a number <= 10000000.0, got " \
           "1e+300" in r.output and "Traceback" not in r.output, r.output


@pytest.mark.parametrize("path, write", [
    # said "no key 'subbasins.w2' (did you mean 'subbasins'?)": the file has it; the position was the mistake
    ("subbasins[1].area_km2", "write 'subbasins.w2.area_km2'"),
    ("subbasins.w2.sources.point[0].discharge_m3_per_day",
     "write 'subbasins.w2.sources.point.West town WWTP.discharge_m3_per_day'"),
    ("subbasins[9].area_km2", "e.g. reaches.east.length_km"),
])
def test_set_naming_a_table_by_position_says_the_path_by_name(tmp_path, path, write):
    r = CliRunner().invoke(main, ["run", "watershed", "--end", "2001-01-03", "--set", f"{path}=100",
                                  "-o", str(tmp_path / "w.nc"), "-q"])
    assert r.exit_code == 2, r.output
    assert (f"--set {path}=100: '{path}' names a table by its position; a path names it by its id or name"
            in r.output and write in r.output and "no key" not in r.output), r.output
    named = write.removeprefix("write '").removesuffix("'")
    if named.startswith("subbasins"):  # the path said is taken
        ok = CliRunner().invoke(main, ["run", "watershed", "--end", "2001-01-03", "--set", f"{named}=100",
                                       "-o", str(tmp_path / "w.nc"), "-q"])
        assert ok.exit_code == 0, ok.output


def test_monitoring_csv_decimal_comma_is_named(tmp_path):
    # said only "value '3,5' is not a number; leave it empty for a missing month"
    path = _monitoring_csv(tmp_path, ("gubeikou,2018,1,tn,3.0,mg/L", 'gubeikou,2018,1,tn,"3,5",mg/L'))
    r = CliRunner().invoke(main, ["compensate", str(path), str(PHASE1)])
    assert r.exit_code == 2 and "line 62: value '3,5' is not a number; a decimal comma? write 3.5, not 3,5" \
        in r.output, r.output


@pytest.mark.parametrize("cells, expected", [
    # was taken; the inference then said no draw could have paid 1,000,000,000,000,000,052,504,...
    ({4: "1e300"}, "value 1e300 yuan of paid is above 1e+13, more than any published figure can be"),
    # was taken; the inference then said "the figures have no 'paid' amount for 2018"
    ({0: "22"}, "years 22..2018 outside 1900..2100; write four-digit years (2022, not 22)"),
])
def test_published_figures_beyond_the_calendar_or_any_amount_are_refused(tmp_path, cells, expected):
    published = ROOT / "configs" / "agreements" / "miyun_chaobai_published.csv"
    lines = published.read_text(encoding="utf-8").splitlines()
    k = next(i for i, line in enumerate(lines) if line.startswith("2018,2018,beijing->chengde_zhangjiakou,paid,"))
    row = lines[k].split(",")
    for j, value in cells.items():
        row[j] = value
    lines[k] = ",".join(row)
    path = tmp_path / "published.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    r = CliRunner().invoke(main, ["compensate", str(path), str(PHASE1)])
    assert r.exit_code == 2 and f"{path}: line {k + 1}: {expected}" in r.output, r.output


@pytest.mark.parametrize("row, expected", [
    # read and fitted to: a concentration of 1e300 mg/L
    ("1999-10-05,1e300", "column 'no3', line 3: 1e300 is beyond 1e+15, more than any tn_concentration measured"),
    # dropped without a word (outside the simulated days)
    ("0022-10-05,0.1", "column 'date', line 3: the year of '0022-10-05' is outside 1900..2100"),
])
def test_a_calibration_observation_csv_value_beyond_any_measurement_is_refused(tmp_path, row, expected):
    from hydro.calibration.config import Observation
    from hydro.calibration.observations import read_observation_csv
    from hydro.errors import HydroError

    path = tmp_path / "obs.csv"
    path.write_text(f"date,no3\n1999-10-04,0.2\n{row}\n", encoding="utf-8")
    with pytest.raises(HydroError) as err:
        read_observation_csv(Observation("no3", "tn_concentration", csv=path, column="no3"))
    assert str(err.value).startswith(f"{path}: {expected}"), str(err.value)


def test_a_transfer_series_line_of_a_mistyped_year_is_refused(tmp_path):
    # a first line 0218-12-25 (for 2018) was taken: its water fell outside every run, without a word
    from datetime import date

    from hydro.errors import HydroError
    from hydro.transfer_series import read_transfer_series

    path = tmp_path / "t.csv"
    path.write_text("# test\ndate,flow_m3_s\n0218-12-25,0.5\n2018-12-26,0.5\n", encoding="utf-8")
    with pytest.raises(HydroError, match=r"t\.csv, line 3, column 'date': '0218-12-25' is outside the years "
                                         r"1900\.\.2100; correct the year"):
        read_transfer_series(path, [date(2018, 12, 26)], allow_tn=False)


@pytest.mark.parametrize(("key", "bound"), [("subbasins.w2.sources.livestock.cattle.head", "10000000000.0"),
                                          # since 2026-12-04 an areal rate has a bound of its own (unit slips)
                                          ("subbasins.w2.sources.deposition.rate_kg_per_ha_yr", "5000.0"),
                                          ("subbasins.w2.sources.rural_domestic.population", "10000000000.0")])
def test_a_source_inventory_value_beyond_any_subbasin_is_refused(tmp_path, key, bound):
    # 1e300 head, people or kg/ha/yr gave TN of about 1e200 mg/L at the sections, exit 0
    r = CliRunner().invoke(main, ["run", "watershed", "--end", "2001-01-03", "--set", f"{key}=1e300",
                                  "-o", str(tmp_path / "w.nc"), "-q"])
    assert r.exit_code == 2, r.output
    assert f"key '{key}'" in r.output and f"expected a value <= {bound}, got 1e+300" in r.output, r.output
    assert not (tmp_path / "w.nc").exists()


def test_uncertainty_on_a_basin_without_the_agreements_sections_is_refused_before_the_members():
    # every member simulated the watershed, then failed on 'gubeikou': "every member failed; member 0: ..."
    r = CliRunner().invoke(main, ["compensate", "watershed", str(PHASE1), "--uncertainty", "2"])
    assert r.exit_code == 2, r.output
    assert (f"{PHASE1}: key 'quantity[0].sections': section 'gubeikou' is not in "
            f"{ROOT / 'configs' / 'examples' / 'watershed' / 'basin.toml'}; its sections and reservoirs: border, "
            "east_mouth, lake_inlet, outlet, lake") in r.output, r.output
    assert "member" not in r.output


def test_set_naming_one_value_of_a_list_says_to_give_the_whole_list(tmp_path):
    """Review of 2026-12-04: 'reservoirs.lake.target_release_m3_s[2]' was refused with the advice to
    write 'reservoirs.lake.target_release_m3_s[2]', the path refused."""
    path = "reservoirs.lake.target_release_m3_s[2]"
    r = CliRunner().invoke(main, ["run", "watershed", "--end", "2001-01-03", "--set", f"{path}=1.5",
                                  "-o", str(tmp_path / "w.nc"), "-q"])
    assert r.exit_code == 2, r.output
    assert ("names one value of the list 'reservoirs.lake.target_release_m3_s'; a path sets the whole list"
            in r.output and f"write '{path}'" not in r.output), r.output
