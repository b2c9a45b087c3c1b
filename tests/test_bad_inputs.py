"""A battery of bad inputs, one file type and command after another (issue 15).

Every case is a user mistake: it must end with exit status 2, a message that names
the file (and the key, column or line where there is one), and no traceback.  The
files are small variants of the shipped examples, so the whole battery runs in a
few seconds (nothing here simulates more than a few days).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from cli_invoke import invoke, user_error

ROOT = Path(__file__).resolve().parents[1]
TINY = ROOT / "configs" / "examples" / "tiny"
SCENARIOS = ROOT / "configs" / "scenarios" / "watershed.toml"
AGREEMENT = ROOT / "configs" / "agreements" / "beijing_internal_2015.toml"
CALIBRATION = ROOT / "configs" / "calibration" / "hymod.toml"
HYMOD = ROOT / "validation" / "calibration" / "hymod"

BOM = b"\xef\xbb\xbf"
GBK_NAME = "密云水库"


# ------------------------------------------------------------------------------------------
# basin.toml (the tiny example network), through `hydro run`
# ------------------------------------------------------------------------------------------

def _tiny(tmp_path, basin=None, forcing=None, basin_bytes=None, forcing_bytes=None) -> Path:
    folder = tmp_path / "b"
    folder.mkdir()
    b = (TINY / "basin.toml").read_text(encoding="utf-8")
    c = (TINY / "forcing.csv").read_text(encoding="utf-8")
    (folder / "basin.toml").write_bytes(basin_bytes(b) if basin_bytes else (basin(b) if basin else b).encode())
    (folder / "forcing.csv").write_bytes(forcing_bytes(c) if forcing_bytes else
                                         (forcing(c) if forcing else c).encode())
    return folder


def _sub(old, new):
    def mutate(text):
        assert old in text, old
        return text.replace(old, new, 1)
    return mutate


BASIN_CASES = [
    ("negative length", _sub("length_km = 20.0", "length_km = -20.0"), ["basin.toml", "reaches[0].length_km"]),
    ("length as text", _sub("length_km = 20.0", 'length_km = "20"'), ["basin.toml", "reaches[0].length_km"]),
    ("unknown downstream", _sub('downstream = "north_lower"', 'downstream = "nowhere"'),
     ["basin.toml", "nowhere"]),
    ("misspelt table", _sub("[run]", "[rn]"), ["basin.toml", "run"]),
    ("bad date", _sub("start = 2020-01-01", "start = 2020-13-01"), ["basin.toml", "line 11"]),
    ("zero courant", _sub("courant = 0.9", "courant = 0"), ["basin.toml", "run.courant"]),
    ("duplicate key", _sub('name = "tiny"', 'name = "tiny"\nname = "x"'), ["basin.toml", "line"]),
    ("unknown CSV column", _sub('column = "water_temp_c"', 'column = "water_temp"'),
     ["forcing.csv", "water_temp_c"]),
    ("missing CSV file", _sub('csv = "forcing.csv", column = "water_temp_c"', 'csv = "nope.csv", column = "water_temp_c"'),
     ["nope.csv", "not found"]),
    ("CSV path is a folder", _sub('csv = "forcing.csv", column = "water_temp_c"', 'csv = ".", column = "water_temp_c"'),
     ["is a folder, not a CSV file", "csv"]),  # was "file not found" for a folder that is there
    ("duplicate section id", _sub('id = "east_mouth"', 'id = "border"'), ["basin.toml", "listed twice: border"]),
    ("dead storage above full supply", _sub("dead_storage_mcm = 5.0", "dead_storage_mcm = 500.0"),  # was accepted
     ["basin.toml", "reservoirs[0].dead_storage_mcm", "above the storage at full_supply_level_m"]),
    ("position above 1", _sub("position = 1.0", "position = 1.5"), ["basin.toml", "sections[0].position"]),
    ("curve lengths differ", _sub("level_m = [100.0, 110.0, 120.0, 130.0]", "level_m = [100.0, 110.0, 120.0]"),
     ["basin.toml", "reservoirs[0]"]),
    ("nan theta", _sub("river_theta = 1.047", "river_theta = nan"), ["basin.toml", "constituents[0].river_theta"]),
    ("unknown key", _sub("dispersion_m2_s = 20.0", "dispersion_m2_s = 20.0\ndispersoin = 1"),
     ["basin.toml", "dispersoin", "dispersion_m2_s"]),
    ("unterminated string", _sub('name = "tiny"', 'name = "tiny'), ["basin.toml", "malformed TOML"]),
    ("reach without geometry", lambda t: t + '\n[[reaches]]\nid = "spur"\nlength_km = 1.0\ndownstream = "middle"\n',
     ["basin.toml", "reaches[5]"]),
    ("section on unknown reach", _sub('reach = "east"', 'reach = "eats"'), ["basin.toml", "eats"]),
    ("negative load", _sub("north_lower = 60.0", "north_lower = -60.0"), ["basin.toml", "north_lower"]),
]


@pytest.mark.parametrize("mutate, names", [c[1:] for c in BASIN_CASES], ids=[c[0] for c in BASIN_CASES])
def test_bad_basin_file(tmp_path, mutate, names):
    folder = _tiny(tmp_path, basin=mutate)
    user_error(invoke("run", folder, "-o", tmp_path / "o.nc", "-q"), *names)
    assert not (tmp_path / "o.nc").exists()


ENCODING_CASES = [
    ("GBK Chinese name", lambda t: t.replace('name = "tiny"', f'name = "{GBK_NAME}"').encode("gbk"),
     ["basin.toml is not UTF-8 text (byte", "line 7", "save it as UTF-8"]),
    ("UTF-16", lambda t: t.encode("utf-16"), ["basin.toml is not UTF-8 text", "UTF-16", "save it as UTF-8"]),
    ("binary garbage", lambda t: b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4,
     ["basin.toml is not UTF-8 text (byte", "save it as UTF-8"]),
    ("Latin-1 accent", lambda t: t.replace("made-up", "made-up caf\u00e9").encode("latin-1"),
     ["basin.toml is not UTF-8 text (byte", "line 1"]),
    ("empty file", lambda t: b"", ["basin.toml", "'basin'"]),
]


@pytest.mark.parametrize("encode, names", [c[1:] for c in ENCODING_CASES], ids=[c[0] for c in ENCODING_CASES])
def test_basin_file_not_utf8(tmp_path, encode, names):
    folder = _tiny(tmp_path, basin_bytes=encode)
    user_error(invoke("run", folder, "-o", tmp_path / "o.nc", "-q"), *names)


@pytest.mark.parametrize("given, names", [
    ("forcing.csv", ["forcing.csv: not a basin file (a '.csv' file that is not TOML)", "hydro info basins"]),
    ("o.nc", ["o.nc: not a basin file (a '.nc' file that is not TOML)"]),
    ("scen.toml", ["scen.toml: this is a scenario file, not a basin file", "hydro info basins"]),
    ("empty.toml", ["empty.toml: not a basin file: it has no 'basin' table", "(the file is empty)"]),
])
def test_a_file_that_is_not_a_basin_given_as_basin(tmp_path, given, names):
    # these said "malformed TOML ... fix the syntax", "not UTF-8 text ... save it as UTF-8 (in
    # Excel ...)" and "key 'basin': missing; add it to this table"
    folder = _tiny(tmp_path)
    (folder / "o.nc").write_bytes(b"\x89HDF\r\n\x1a\n" + bytes(range(256)))
    (folder / "scen.toml").write_bytes(SCENARIOS.read_bytes())
    (folder / "empty.toml").write_bytes(b"")
    user_error(invoke("run", folder / given, "-o", tmp_path / "x.nc", "-q"), *names)
    user_error(invoke("info", folder / "forcing.csv"), "not a basin file")


@pytest.mark.parametrize("args, names", [
    (["compensate", "{nc}", TINY / "basin.toml"], ["basin.toml: this is a basin file, not an agreement"]),
    (["compensate", "{nc}", SCENARIOS], ["watershed.toml: this is a scenario file, not an agreement"]),
    (["compensate", "{nc}", "{nc}"], ["tiny.nc: not an agreement (a '.nc' file that is not TOML)"]),
    (["scenarios", "watershed", AGREEMENT, "-o", "{tmp}/s.nc"], ["this is an agreement, not a scenario file"]),
    (["scenarios", "watershed", "{nc}", "-o", "{tmp}/s.nc"], ["not a scenario file (a '.nc' file"]),
    (["calibrate", SCENARIOS, "-o", "{tmp}/cal"], ["this is a scenario file, not a calibration config"]),
])
def test_a_file_of_another_kind(tmp_path, tiny_nc, args, names):
    # these said "key 'name': missing; add it to this table", "key 'basin': unknown key", "not
    # UTF-8 text ... save it as UTF-8 (in Excel ...)"
    args = [str(a).format(nc=tiny_nc, tmp=tmp_path) for a in args]
    user_error(invoke(*args), *names, "`hydro info FILE` says what a file is")


def test_another_kind_of_file_as_gep_prices(tiny_nc):
    # an agreement given as --prices said "key 'name': unknown key; remove or rename it"
    from hydro.errors import HydroError
    from hydro.gep_prices import GepPrices

    with pytest.raises(HydroError, match="this is an agreement, not a GEP price file; check which file goes where"):
        GepPrices.from_toml(AGREEMENT)
    with pytest.raises(HydroError, match=r"not a GEP price file \(a '.nc' file that is not TOML\)"):
        GepPrices.from_toml(tiny_nc)


def test_a_calibrated_parameters_file_is_not_taken_for_an_agreement(tmp_path):
    # its top-level 'target' (the model it was fitted to) made toml_kind call it an agreement,
    # and 'hydro info best_params.toml' said "key 'name': missing" (docs/commands/info.md)
    path = tmp_path / "best_params.toml"
    path.write_text('model = "catchment"\ntarget = "/x/catchment.toml"\nloss = 0.1\n'
                    'overrides = ["gr4j.x1_mm=350.0"]\n\n[values]\n"x1" = 350.0\n')
    result = invoke("info", path)
    assert result.exit_code == 0, result.output
    assert "gr4j.x1_mm=350.0" in result.output


def test_basin_file_with_bom_and_crlf_reads(tmp_path):
    folder = _tiny(tmp_path, basin_bytes=lambda t: BOM + t.replace("\n", "\r\n").encode(),
                   forcing_bytes=lambda c: BOM + c.replace("\n", "\r\n").encode())
    r = invoke("run", folder, "--end", "2020-01-05", "-o", tmp_path / "o.nc", "-q")
    assert r.exit_code == 0, r.output


# ------------------------------------------------------------------------------------------
# forcing CSV of the tiny network
# ------------------------------------------------------------------------------------------

# line 5: the file's two '#' lines come first (the messages name the line in the file)
FORCING_CASES = [
    ("bad date", _sub("2020-01-02,", "2020-01-32,"), ["forcing.csv", "line 5", "2020-01-32"]),
    ("text value", _sub("2020-01-02,0.6000", "2020-01-02,abc"), ["forcing.csv", "north_upper_m3_s", "line 5"]),
    ("missing day", _sub("2020-01-02,0.6000,2.52\n", ""), ["forcing.csv", "line 5"]),
    ("no date column", _sub("date,", "day,"), ["forcing.csv", "'date'"]),
    ("short row", _sub("2020-01-02,0.6000,2.52", "2020-01-02,0.6000"), ["forcing.csv", "line 5"]),
    ("empty cell", _sub("2020-01-02,0.6000", "2020-01-02,"), ["forcing.csv", "north_upper_m3_s", "line 5"]),
    ("too short", lambda c: "\n".join(c.splitlines()[:100]) + "\n", ["forcing.csv", "water_temp_c"]),
    ("header only", lambda c: "\n".join(c.splitlines()[:3]) + "\n", ["forcing.csv"]),
]


@pytest.mark.parametrize("mutate, names", [c[1:] for c in FORCING_CASES], ids=[c[0] for c in FORCING_CASES])
def test_bad_forcing_csv(tmp_path, mutate, names):
    folder = _tiny(tmp_path, forcing=mutate)
    user_error(invoke("run", folder, "-o", tmp_path / "o.nc", "-q"), *names)


FORCING_ENCODINGS = [
    ("GBK comment", lambda c: c.replace("# SYNTHETIC", f"# {GBK_NAME}").encode("gbk"),
     ["forcing.csv is not UTF-8 text (byte 2, line 1", "save it as UTF-8"]),
    ("UTF-16 from Excel 'Unicode text'", lambda c: c.encode("utf-16"), ["forcing.csv is not UTF-8 text", "UTF-16"]),
    ("garbage bytes", lambda c: c.encode()[:200] + b"\xff\xfe\xfd" + c.encode()[200:],
     ["forcing.csv is not UTF-8 text (byte 200", "save it as UTF-8"]),
]


@pytest.mark.parametrize("encode, names", [c[1:] for c in FORCING_ENCODINGS], ids=[c[0] for c in FORCING_ENCODINGS])
def test_forcing_csv_not_utf8(tmp_path, encode, names):
    folder = _tiny(tmp_path, forcing_bytes=encode)
    user_error(invoke("run", folder, "-o", tmp_path / "o.nc", "-q"), *names)


# ------------------------------------------------------------------------------------------
# scenarios TOML, through `hydro scenarios` (rejected before any run)
# ------------------------------------------------------------------------------------------

SCENARIO_CASES = [
    ("unknown measure kind", _sub('kind = "sewage_connection"', 'kind = "sewage_conection"'),
     ["watershed.toml", "sewage_conection", "sewage_connection"]),
    ("share above 1", _sub("connected_share = 0.8", "connected_share = 1.8"), ["watershed.toml", "connected_share"]),
    ("years reversed", _sub("years = [2002, 2004]", "years = [2004, 2002]"), ["watershed.toml", "years"]),
    ("negative cost", _sub("capital_yuan_per_unit = 3000.0", "capital_yuan_per_unit = -3000.0"),
     ["watershed.toml", "capital_yuan_per_unit"]),
    ("malformed", _sub("[scenario_set]", "[scenario_set"), ["watershed.toml", "malformed TOML"]),
    ("unknown key", _sub('cost_method = "annualised"', 'cost_method = "annualised"\ncost_metod = 1'),
     ["watershed.toml", "cost_metod"]),
    ("GBK", lambda t: t.replace("Example watershed measures", GBK_NAME), ["watershed.toml is not UTF-8 text"]),
    # was refused only after every run, with the results file already written
    ("unknown target location", _sub('location = "lake_inlet"', 'location = "lake_inlt"'),
     ["watershed.toml", "lake_inlt", "did you mean 'lake_inlet'"]),
    # were accepted without a bound: a reservoir asked to release 1e9 m3/s, 150 ha of buffer in a km2
    ("release beyond any river", _sub("ecological_min_m3_s = 1.2", "ecological_min_m3_s = 1e9"),
     ["watershed.toml", "ecological_min_m3_s", "expected a value <= 100000, got 1e+09"]),
    ("more hectares than a km2 holds", _sub("area_ha_per_km2 = 2.0", "area_ha_per_km2 = 150.0"),
     ["watershed.toml", "area_ha_per_km2", "expected a value <= 100, got 150"]),
    # a target of 1000 (ug/L for 1.0 mg/L) was "first met" in every year
    ("a target in ug/L", _sub("annual_mean_max_mg_per_l = { value = 2.0", "annual_mean_max_mg_per_l = { value = 1000.0"),
     ["watershed.toml", "annual_mean_max_mg_per_l", "expected a value <= 20, got 1000"]),
]


@pytest.mark.parametrize("mutate, names", [c[1:] for c in SCENARIO_CASES], ids=[c[0] for c in SCENARIO_CASES])
def test_bad_scenarios_file(tmp_path, mutate, names):
    text = SCENARIOS.read_text(encoding="utf-8")
    path = tmp_path / "watershed.toml"
    if names[0].endswith("not UTF-8 text"):
        path.write_bytes(mutate(text).encode("gbk"))
    else:
        path.write_text(mutate(text), encoding="utf-8")
    user_error(invoke("scenarios", "watershed", path, "-o", tmp_path / "s.nc", "-q"), *names)
    assert not (tmp_path / "s.nc").exists()


def test_a_mistake_in_a_scenario_not_selected_is_still_refused(tmp_path):
    # `--scenario agriculture` ran, exit 0, past an unknown county in rural_sewage (a measure of the
    # scenarios not selected); selecting `domestic` refused it
    path = tmp_path / "watershed.toml"
    path.write_text(SCENARIOS.read_text(encoding="utf-8").replace(
        'where = { counties = ["West county", "East county"] }', 'where = { counties = ["West county", "Nowhere"] }'),
        encoding="utf-8")
    user_error(invoke("scenarios", "watershed", path, "--scenario", "agriculture", "-o", tmp_path / "s.nc", "-q"),
          "watershed.toml", "Nowhere")
    assert not (tmp_path / "s.nc").exists()


def test_scenarios_file_with_bom_parses():
    from hydro.scenarios.spec import ScenarioFile

    import tempfile

    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "s.toml"
        path.write_bytes(BOM + SCENARIOS.read_bytes())
        assert ScenarioFile.from_toml(path).measures


# ------------------------------------------------------------------------------------------
# monitoring CSV and agreements TOML, through `hydro compensate`
# ------------------------------------------------------------------------------------------

MONITORING = ("section,year,month,parameter,value,unit\n"
              "guishui_outlet,2015,1,nh3n,0.4,mg/L\n"
              "guishui_outlet,2015,2,nh3n,0.5,mg/L\n")

MONITORING_CASES = [
    ("unknown parameter", _sub("2015,1,nh3n", "2015,1,nh4n"), ["m.csv", "nh4n", "line 2"]),
    ("month 13", _sub("2015,2,nh3n", "2015,13,nh3n"), ["m.csv", "line 3", "13"]),
    ("value not a number", _sub("0.4,mg/L", "abc,mg/L"), ["m.csv", "line 2", "abc"]),
    ("unknown unit", _sub("0.4,mg/L", "0.4,ppm"), ["m.csv", "line 2", "ppm"]),
    ("missing column", lambda t: t.replace(",unit", "").replace(",mg/L", ""), ["m.csv", "unit"]),
    ("duplicate row", lambda t: t + "guishui_outlet,2015,1,nh3n,0.4,mg/L\n", ["m.csv", "line 4"]),
    ("year as text", _sub("2015,1,", "twenty,1,"), ["m.csv", "line 2", "twenty"]),
]


@pytest.mark.parametrize("mutate, names", [c[1:] for c in MONITORING_CASES], ids=[c[0] for c in MONITORING_CASES])
def test_bad_monitoring_csv(tmp_path, mutate, names):
    path = tmp_path / "m.csv"
    path.write_text(mutate(MONITORING), encoding="utf-8")
    user_error(invoke("compensate", path, AGREEMENT), *names)


@pytest.mark.parametrize("encode, names", [
    (lambda t: t.replace("guishui_outlet,2015,1", "桂水,2015,1").encode("gbk"), ["m.csv is not UTF-8 text", "line 2"]),
    (lambda t: t.encode("utf-16"), ["m.csv is not UTF-8 text", "UTF-16"]),
], ids=["GBK section name", "UTF-16"])
def test_monitoring_csv_not_utf8(tmp_path, encode, names):
    path = tmp_path / "m.csv"
    path.write_bytes(encode(MONITORING))
    user_error(invoke("compensate", path, AGREEMENT), *names)


def test_monitoring_csv_with_bom_reads(tmp_path):
    from hydro.monitoring import read_monitoring_csv

    path = tmp_path / "m.csv"
    path.write_bytes(BOM + MONITORING.replace("\n", "\r\n").encode())
    assert read_monitoring_csv(path) is not None


AGREEMENT_CASES = [
    ("unknown target class", _sub('target_class = { value = "III"', 'target_class = { value = "VII"'),
     ["a.toml", "VII"]),
    ("negative penalty", _sub("penalty_per_class_yuan = 300_000", "penalty_per_class_yuan = -300_000"),
     ["a.toml", "penalty_per_class_yuan"]),
    ("unknown parameter", _sub('parameters = ["codmn", "nh3n", "tp"]', 'parameters = ["codmn", "nh3", "tp"]'),
     ["a.toml", "nh3"]),
    ("unknown key", _sub('payer = "beijing_municipal"', 'payer = "beijing_municipal"\npayr = "x"'), ["a.toml", "payr"]),
    ("period reversed", _sub("value = [2015, 2021]", "value = [2021, 2015]"), ["a.toml", "period"]),
    ("malformed", _sub("[[quality_class]]", "[[quality_class]"), ["a.toml", "malformed TOML"]),
]


@pytest.mark.parametrize("mutate, names", [c[1:] for c in AGREEMENT_CASES], ids=[c[0] for c in AGREEMENT_CASES])
def test_bad_agreement(tmp_path, mutate, names):
    m = tmp_path / "m.csv"
    m.write_text(MONITORING, encoding="utf-8")
    a = tmp_path / "a.toml"
    a.write_text(mutate(AGREEMENT.read_text(encoding="utf-8")), encoding="utf-8")
    user_error(invoke("compensate", m, a), *names)


def test_agreement_in_gbk_and_with_bom(tmp_path):
    m = tmp_path / "m.csv"
    m.write_text(MONITORING, encoding="utf-8")
    text = AGREEMENT.read_text(encoding="utf-8")
    a = tmp_path / "a.toml"
    a.write_bytes(text.replace('payee = "yanqing"', 'payee = "延庆"').encode("gbk"))
    user_error(invoke("compensate", m, a), "a.toml is not UTF-8 text", "save it as UTF-8")
    a.write_bytes(BOM + text.replace("\n", "\r\n").encode())
    from hydro.compensation import Agreement

    assert Agreement.from_toml(a) is not None


# ------------------------------------------------------------------------------------------
# calibration configuration, through `hydro calibrate` (rejected before any evaluation)
# ------------------------------------------------------------------------------------------

def _calibration(tmp_path, mutate=None, raw=None) -> Path:
    text = CALIBRATION.read_text(encoding="utf-8").replace(
        'path = "../../validation/calibration/hymod/catchment.toml"', f'path = "{HYMOD / "catchment.toml"}"')
    text = mutate(text) if mutate else text
    path = tmp_path / "cal.toml"
    path.write_bytes(raw(text) if raw else text.encode())
    return path


CALIBRATION_CASES = [
    ("bounds reversed", _sub("lower = 20.0\nupper = 3000.0", "lower = 3000.0\nupper = 20.0"), ["cal.toml", "parameters[0]"]),
    ("unknown method", _sub('name = "de"', 'name = "dee"'), ["cal.toml", "dee"]),
    ("unknown metric", _sub('metric = "nse"', 'metric = "nsee"'), ["cal.toml", "nsee"]),
    ("missing model file", _sub("catchment.toml", "catchmnt.toml"), ["catchmnt.toml"]),
    ("unknown key", _sub("popsize = 10", "popsize = 10\npopsise = 3"), ["cal.toml", "popsise"]),
    ("zero evaluations", _sub("max_evaluations = 2000", "max_evaluations = 0"), ["cal.toml", "max_evaluations"]),
    ("period outside the forcing", _sub("calibration = [2013-01-01, 2014-12-31]", "calibration = [2030-01-01, 2031-12-31]"),
     ["forcing.csv", "2031", "cal.toml"]),
]


@pytest.mark.parametrize("mutate, names", [c[1:] for c in CALIBRATION_CASES], ids=[c[0] for c in CALIBRATION_CASES])
def test_bad_calibration_config(tmp_path, mutate, names):
    path = _calibration(tmp_path, mutate)
    user_error(invoke("calibrate", path, "-o", tmp_path / "out", "--workers", "1", "-q"), *names)
    assert not (tmp_path / "out" / "evaluations.jsonl").exists()


def test_calibration_config_in_gbk(tmp_path):
    path = _calibration(tmp_path, raw=lambda t: ("# 密云\n" + t).encode("gbk"))
    user_error(invoke("calibrate", path, "-o", tmp_path / "out", "-q"), "cal.toml is not UTF-8 text", "line 1")


def test_catchment_forcing_in_gbk(tmp_path):
    folder = tmp_path / "c"
    shutil.copytree(HYMOD, folder)
    forcing = folder / "forcing.csv"
    forcing.write_bytes(("# 密云\n").encode("gbk") + forcing.read_bytes())
    path = _calibration(tmp_path, _sub(str(HYMOD / "catchment.toml"), str(folder / "catchment.toml")))
    user_error(invoke("calibrate", path, "-o", tmp_path / "out", "-q"), "forcing.csv is not UTF-8 text")


# ------------------------------------------------------------------------------------------
# results files: foreign, incomplete or not netCDF, through report, gep, plot, compensate, info
# ------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def tiny_nc(tmp_path_factory):
    out = tmp_path_factory.mktemp("tiny") / "tiny.nc"
    r = invoke("run", TINY, "--end", "2020-01-10", "-o", out, "-q")
    assert r.exit_code == 0, r.output
    return out


def _foreign(path: Path) -> Path:
    import netCDF4

    with netCDF4.Dataset(path, "w") as ds:
        ds.title = "sea surface temperature"
        ds.createDimension("time", 3)
        t = ds.createVariable("time", "f8", ("time",))
        t.units = "days since 2020-01-01"
        t[:] = np.arange(3)
        v = ds.createVariable("sst", "f8", ("time",))
        v[:] = [1.0, 2.0, 3.0]
    return path


def _incomplete(tiny_nc: Path, path: Path) -> Path:
    import netCDF4

    with netCDF4.Dataset(tiny_nc) as src, netCDF4.Dataset(path, "w") as dst:
        dst.setncatts({k: src.getncattr(k) for k in src.ncattrs()})
        for name, dim in src.dimensions.items():
            dst.createDimension(name, len(dim))
        for name, var in src.variables.items():
            if name.startswith("section_"):
                continue
            out = dst.createVariable(name, var.datatype, var.dimensions)
            out.setncatts({k: var.getncattr(k) for k in var.ncattrs() if k != "_FillValue"})
            out[:] = var[:]
    return path


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


RESULT_FILES = {
    "foreign": lambda tmp, nc: _foreign(tmp / "foreign.nc"),
    "text": lambda tmp, nc: _write(tmp / "text.nc", b"date,value\n"),
    "empty": lambda tmp, nc: _write(tmp / "empty.nc", b""),
    "gbk": lambda tmp, nc: _write(tmp / "gbk.nc", GBK_NAME.encode("gbk")),
    "missing": lambda tmp, nc: tmp / "missing.nc",
}


@pytest.mark.parametrize("kind", list(RESULT_FILES))
@pytest.mark.parametrize("command", ["report", "gep", "plot", "compensate"])
def test_bad_results_file(tmp_path, tiny_nc, kind, command):
    path = RESULT_FILES[kind](tmp_path, tiny_nc)
    args = {"report": ["report", path, "-o", tmp_path / "r.html"],
            "gep": ["gep", path],
            "plot": ["plot", path, "trajectory", "-o", tmp_path / "p.png"],
            "compensate": ["compensate", path, AGREEMENT]}[command]
    user_error(invoke(*args), path.name)
    assert not (tmp_path / "r.html").exists() and not (tmp_path / "p.png").exists()


def test_report_of_a_foreign_netcdf(tmp_path):
    path = _foreign(tmp_path / "foreign.nc")
    user_error(invoke("report", path, "-o", tmp_path / "r.html"), "foreign.nc", "not a hydro results file")
    assert not (tmp_path / "r.html").exists()


def test_report_of_a_results_file_without_section_variables(tmp_path, tiny_nc):
    path = _incomplete(tiny_nc, tmp_path / "cut.nc")
    user_error(invoke("report", path, "-o", tmp_path / "r.html"), "cut.nc", "section_discharge")
    assert not (tmp_path / "r.html").exists()


def test_results_without_what_gep_or_compensate_reads(tmp_path, tiny_nc):
    # gep said "GEP needs a watershed run ...; these results have none" without the file or what
    # to do; compensate "coordinate variable 'section' (string ids) is missing" without what to do
    user_error(invoke("gep", tiny_nc), "tiny.nc: GEP needs a watershed run", "basin 'tiny'", "`hydro run miyun`")
    import netCDF4

    path = tmp_path / "nosections.nc"
    with netCDF4.Dataset(tiny_nc) as src, netCDF4.Dataset(path, "w") as dst:
        dst.setncatts({k: src.getncattr(k) for k in src.ncattrs()})
        dst.createDimension("time", len(src.dimensions["time"]))
        for name in ("time",):
            out = dst.createVariable(name, src[name].datatype, ("time",))
            out.setncatts({k: src[name].getncattr(k) for k in src[name].ncattrs() if k != "_FillValue"})
            out[:] = src[name][:]
    user_error(invoke("compensate", path, AGREEMENT), "nosections.nc: coordinate variable 'section'",
          "as `hydro run` writes them")


def test_gep_of_monthly_means(tmp_path):
    # counted each monthly mean as one day: "2001  3*" days, a fraction of the GEP, exit 0
    out = tmp_path / "ws-monthly.nc"
    assert invoke("run", "watershed", "--end", "2001-03-31", "--aggregate", "monthly", "-o", out, "-q").exit_code == 0
    user_error(invoke("gep", out), "ws-monthly.nc: holds monthly means", "GEP sums the days of a run", "without --aggregate")
    # compensate made no month of them: every rule "undetermined", exit 0
    user_error(invoke("compensate", out, AGREEMENT), "ws-monthly.nc: holds monthly means", "without --aggregate")
    # plot classes said "needs concentrations ... these results have none"
    user_error(invoke("plot", out, "classes", "-o", tmp_path / "c.png"), "ws-monthly.nc: holds monthly means")
    assert not (tmp_path / "c.png").exists()


def test_report_and_compensate_of_a_weather_ensemble(tmp_path, tiny_nc):
    # report said "incomplete hydro results file ... (run it again)", compensate "variable
    # 'section_discharge' has dimensions ('member', 'time', 'section'); expected (time, section)"
    out = tmp_path / "ens.nc"
    r = invoke("run", "watershed", "--members", "2", "--workers", "1", "--end", "2001-01-31", "-o", out, "-q",
               "--variables", "section_discharge,discharge")
    assert r.exit_code == 0, r.output
    user_error(invoke("compensate", out, AGREEMENT), "ens.nc: a weather ensemble",
               "hydro compensate watershed AGREEMENT.toml --uncertainty N")  # the basin, not the file (review 2026-12-05)
    import netCDF4

    cut = _incomplete(tiny_nc, tmp_path / "cut.nc")  # an ensemble without the section variables
    with netCDF4.Dataset(cut, "a") as ds:
        ds.createDimension("member", 2)
        ds.createVariable("member", "i4", ("member",))[:] = [0, 1]
    user_error(invoke("report", cut, "-o", tmp_path / "r.html"), "cut.nc: a weather ensemble (--members) without "
          "section_discharge", "again with them in --variables")


# ------------------------------------------------------------------------------------------
# command-line values
# ------------------------------------------------------------------------------------------

OPTION_CASES = [
    ("run: --set unknown table", ["run", TINY, "--set", "reaches.nowhere.length_km=1"], ["nowhere"]),
    ("run: --set without =", ["run", TINY, "--set", "run.courant"], ["run.courant", "key.path=value"]),
    ("run: bad --start", ["run", TINY, "--start", "2020-02-30"], ["--start", "2020-02-30"]),
    ("run: --end before --start", ["run", TINY, "--start", "2021-01-01", "--end", "2020-01-01"], ["2020-01-01"]),
    ("run: unknown basin", ["run", "miyn"], ["miyn"]),
    ("run: --params not TOML", ["run", TINY, "--params", TINY / "forcing.csv"], ["forcing.csv"]),
    # a negative seed failed every member (exit 3) or each run
    ("run: negative --seed", ["run", "watershed", "--members", "2", "--workers", "1", "--seed", "-5"], ["'--seed'", "-5"]),
    ("run: negative --synthetic-weather", ["run", "watershed", "--synthetic-weather", "-1"], ["'--synthetic-weather'"]),
    ("plot: unknown kind", ["plot", "{nc}", "trajectroy", "-o", "{tmp}/p.png"], ["trajectroy", "trajectory"]),
    ("plot: bad suffix", ["plot", "{nc}", "trajectory", "-o", "{tmp}/p.pgn"], ["p.pgn", ".png"]),
    # named the location but not the results file it is missing from
    ("plot: unknown location", ["plot", "{nc}", "trajectory", "--location", "bordr", "-o", "{tmp}/p.png"],
     ["tiny.nc: unknown location 'bordr'"]),
    ("plot: scenario on a run", ["plot", "{nc}", "trajectory", "--scenario", "x", "-o", "{tmp}/p.png"],
     ["--scenario x", "tiny.nc has no scenario dimension", "leave --scenario out"]),  # was ignored: exit 0
    # these two said "not UTF-8 text ... save it as UTF-8 (in Excel: Save As > 'CSV UTF-8' ...)"
    ("plot: --observations a netCDF", ["plot", "{nc}", "trajectory", "--observations", "{nc}", "-o", "{tmp}/p.png"],
     ["tiny.nc is not UTF-8 text: it is a netCDF file", "give the text file"]),
    ("run: --params a netCDF", ["run", TINY, "--params", "{nc}"], ["tiny.nc is not UTF-8 text: it is a netCDF file"]),
    ("plot: unknown --constituent", ["plot", "{nc}", "trajectory", "--constituent", "tnn", "-o", "{tmp}/p.png"],
     ["--constituent tnn", "did you mean 'tn'", "they carry: tn, tp"]),  # listed every variable of the file
    ("report: not html", ["report", "{nc}", "-o", "{tmp}/r.pdf"], ["r.pdf", ".html"]),
    ("report: scenario on a run", ["report", "{nc}", "-o", "{tmp}/r.html", "--scenario", "x"],
     ["--scenario x: ", "tiny.nc has no scenario dimension", "leave --scenario out"]),
    ("scenarios: unknown --scenario", ["scenarios", "watershed", SCENARIOS, "--scenario", "nope", "-o", "{tmp}/s.nc"],
     ["no scenario 'nope'", "its scenarios: baseline"]),  # named none of them
    # a traceback (IndexError), exit 3 ("scenario baseline failed ...") and a traceback (OverflowError)
    ("scenarios: --end before --start", ["scenarios", "watershed", SCENARIOS, "--start", "2005-01-01", "--end",
                                         "2004-01-01", "-o", "{tmp}/s.nc"], ["ends (2004-01-01) before it starts"]),
    ("scenarios: outside the weather", ["scenarios", "watershed", SCENARIOS, "--start", "1990-01-01", "--end",
                                        "1990-01-31", "-o", "{tmp}/s.nc"],  # once, before any scenario runs
     ["station record starts on 2001-01-01", "before 2001-01-01", "--start"]),
    ("run: end in 9999", ["run", "watershed", "--synthetic-weather", "3", "--start", "9999-12-25", "--end",
                          "9999-12-31"], ["9998-12-31"]),
    ("compensate: scenario on a run", ["compensate", "{nc}", AGREEMENT, "--scenario", "x"],  # said nothing to do
     ["--scenario x: ", "tiny.nc has no scenario dimension", "leave --scenario out"]),
    ("compensate: agreement missing", ["compensate", "{nc}", "{tmp}/nope.toml"], ["nope.toml"]),
    ("info: unknown path", ["info", "{tmp}/nothing.toml"], ["nothing.toml"]),
]


@pytest.mark.parametrize("args, names", [c[1:] for c in OPTION_CASES], ids=[c[0] for c in OPTION_CASES])
def test_bad_command_line(tmp_path, tiny_nc, args, names):
    args = [str(a).format(nc=tiny_nc, tmp=tmp_path) for a in args]
    if args[0] == "run" and "-o" not in args:
        args += ["-o", str(tmp_path / "o.nc"), "-q"]
    user_error(invoke(*args), *names)


def test_scenarios_check_their_period_as_run_does(tmp_path):
    # scenarios had a copy of the check without run's upper bound: a period in 9999 compiled
    # every measure, then failed in the baseline's run ("scenario baseline: ...")
    for period in (["--start", "2005-01-01", "--end", "2004-01-01"], ["--start", "9999-12-25", "--end", "9999-12-31"]):
        run = invoke("run", "watershed", "--synthetic-weather", "3", *period, "-o", tmp_path / "r.nc", "-q")
        scen = invoke("scenarios", "watershed", SCENARIOS, *period, "-o", tmp_path / "s.nc")
        user_error(run, "the run ends")
        user_error(scen, "the run ends")
        assert "scenario baseline" not in scen.output, scen.output
        run_line, scen_line = (r.output.strip().splitlines()[-1].split("; fix")[0] for r in (run, scen))
        assert run_line == scen_line, (run.output, scen.output)


def test_a_scenario_asked_of_a_run_has_one_wording(tmp_path, tiny_nc):
    # compensate, plot and report worded it three ways (monitoring, plotting, report)
    runs = [invoke("compensate", tiny_nc, AGREEMENT, "--scenario", "x"),
            invoke("plot", tiny_nc, "trajectory", "--scenario", "x", "-o", tmp_path / "p.png"),
            invoke("report", tiny_nc, "-o", tmp_path / "r.html", "--scenario", "x")]
    for r in runs:
        user_error(r, "--scenario x: ", "tiny.nc has no scenario dimension")
    assert len({r.output.strip().splitlines()[-1] for r in runs}) == 1, [r.output for r in runs]


def test_the_battery_is_large_enough():
    n = (len(BASIN_CASES) + len(ENCODING_CASES) + len(FORCING_CASES) + len(FORCING_ENCODINGS)
         + len(SCENARIO_CASES) + len(MONITORING_CASES) + 2 + len(AGREEMENT_CASES) + 1
         + len(CALIBRATION_CASES) + 2 + len(RESULT_FILES) * 4 + 2 + len(OPTION_CASES))
    assert n >= 60, n
