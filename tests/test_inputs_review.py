"""Review of the files a user brings and of how results are written (inputs review, 2026-12-01).

Each test is a way a water authority's own file goes wrong (a separator, a column, a date
form, a full disk, an input named as the output) and pins what hydro does with it: a clear
error naming the file, line and column, or the same result as the clean file.
"""

from __future__ import annotations

import errno
import shutil
import tomllib
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pytest
from cli_invoke import invoke, user_error

from hydro import outputs
from hydro.basin import Basin
from hydro.errors import HydroError
from hydro.forcing_csv import read_forcing_csv
from hydro.monitoring_csv import read_monitoring_csv
from hydro.series import SeriesReader
from hydro.tomlio import Table
from hydro.transfers import read_transfer_series

ROOT = Path(__file__).resolve().parents[1]
TINY = ROOT / "configs" / "examples" / "tiny"
WATERSHED = ROOT / "configs" / "examples" / "watershed"


def _temps(folder: Path) -> list[Path]:
    return [p for p in folder.iterdir() if p.name.endswith(".part")]


# --- outputs ------------------------------------------------------------------------------

@pytest.mark.parametrize("exc", [OSError(errno.ENOSPC, "No space left on device"),
                                 RuntimeError("NetCDF: HDF error"),
                                 # (mutation audit 2026-12-05: a refused permission, a read-only file system
                                 # and a full quota were untested; root never meets the first with chmod)
                                 PermissionError(errno.EACCES, "Permission denied"),
                                 OSError(errno.EROFS, "Read-only file system"),
                                 OSError(errno.EDQUOT, "Disk quota exceeded")])
def test_a_full_disk_is_a_clear_error_and_keeps_the_old_file(tmp_path, exc):
    # a full disk ended `hydro run` with a netCDF4 traceback ("RuntimeError: NetCDF: HDF error")
    target = tmp_path / "r.nc"
    target.write_bytes(b"old results")
    with pytest.raises(HydroError, match=r"r\.nc: writing failed .*MB free on the disk.*unchanged"), \
            outputs.atomic_path(target, overwrite=True) as tmp:
        tmp.write_bytes(b"half")
        raise exc
    assert target.read_bytes() == b"old results" and _temps(tmp_path) == []


def test_other_errors_while_writing_stay_errors_of_hydro(tmp_path):
    # only the file system's refusals become user errors; a bug is not hidden behind one
    with pytest.raises(RuntimeError, match="a bug"), outputs.atomic_path(tmp_path / "r.nc"):
        raise RuntimeError("a bug")
    with pytest.raises(FileNotFoundError), outputs.atomic_path(tmp_path / "r.nc"):
        raise FileNotFoundError(errno.ENOENT, "gone")
    assert _temps(tmp_path) == []


def test_run_on_a_full_disk_exits_2(tmp_path, monkeypatch):
    import hydro.netcdf

    def full(*args, **kwargs):
        raise RuntimeError("NetCDF: HDF error")

    monkeypatch.setattr(hydro.netcdf, "_put", full)  # writing the variables fails
    out = tmp_path / "tiny.nc"
    user_error(invoke("run", TINY, "-o", out, "--quiet"), "tiny.nc: writing failed", "NetCDF: HDF error")
    assert not out.exists() and _temps(tmp_path) == []


def test_run_overwrite_never_replaces_a_basins_csv(tmp_path):
    # `hydro run B -o B/forcing.csv --overwrite` replaced the forcing CSV with the results:
    # only the basin file was protected as an input
    basin = tmp_path / "tiny"
    shutil.copytree(TINY, basin)
    for victim in (basin / "forcing.csv", tmp_path / "notes.txt", tmp_path / "cdf_notes.nc"):
        if not victim.exists():  # notes beginning "CDF" are not a classic netCDF file (CDF then 1, 2 or 5)
            victim.write_text("CDF notes\n" if victim.suffix == ".nc" else "my notes\n")
        before = victim.read_bytes()
        user_error(invoke("run", basin, "-o", victim, "--overwrite", "--quiet"),
                   "is not a netCDF results file", "choose another -o")
        assert victim.read_bytes() == before


def test_run_overwrite_never_replaces_a_netcdf_hydro_did_not_write(tmp_path):
    # `hydro run B -o gridded_precip.nc --overwrite` replaced any netCDF (forcing, a reanalysis)
    import netCDF4

    for name, source in (("precip.nc", None), ("era5.nc", "ECMWF ERA5-Land")):
        victim = tmp_path / name
        with netCDF4.Dataset(victim, "w") as ds:
            ds.createDimension("time", 2)
            ds.createVariable("pr", "f8", ("time",))[:] = [1.0, 2.0]
            if source:
                ds.source = source
        before = victim.read_bytes()
        user_error(invoke("run", TINY, "-o", victim, "--overwrite", "--quiet"),
                   "is a netCDF file hydro did not write", "choose another -o")
        assert victim.read_bytes() == before


def test_run_overwrite_replaces_results_and_an_empty_file(tmp_path):
    out = tmp_path / "r.nc"
    out.write_bytes(b"")
    assert invoke("run", TINY, "-o", out, "--overwrite", "--quiet").exit_code == 0
    first = out.read_bytes()
    assert first.startswith(b"\x89HDF")
    assert invoke("run", TINY, "-o", out, "--overwrite", "--quiet").exit_code == 0


# --- --set ---------------------------------------------------------------------------------

def test_set_of_a_broken_array_blames_the_option_not_the_file(tmp_path):
    # `compensate --set "period=[2001,2002"` said "AGREEMENT.toml: key 'period': expected [first_year,
    # last_year] ..., got '[2001,2002'", as if the file were wrong
    monitoring = tmp_path / "m.csv"
    monitoring.write_text("section,year,month,parameter,value,unit\nguanting,2015,1,tp,0.1,mg/L\n")
    agreement = ROOT / "configs" / "agreements" / "beijing_internal_2015.toml"
    for args in (["compensate", monitoring, agreement, "--set", "period=[2001,2002"],
                 ["run", TINY, "-o", tmp_path / "t.nc", "--set", "run.courant=[1"]):
        r = invoke(*args)
        user_error(r, f"--set {args[-1]}: the value {args[-1].split('=')[1]} is not TOML")
        assert not r.output.startswith(("Error: /", f"Error: {agreement}"))


def test_set_into_an_agreements_rules_without_ids_says_their_position():
    # said "name one of them before the key, e.g. 'quantity.None.baseline_m3' (the tables are named: None)"
    from hydro.compensation import Agreement

    agreement = ROOT / "configs" / "agreements" / "miyun_chaobai_phase1_2018.toml"
    with pytest.raises(HydroError, match=r"--set quantity.baseline_m3=4e8: 'quantity' is an array of 1 table "
                                         r"without ids; give one by its position, e\.g\. 'quantity\[0\]\.baseline_m3'"):
        Agreement.from_toml(agreement, overrides=["quantity.baseline_m3=4e8"])
    assert Agreement.from_toml(agreement, overrides=["quantity[0].baseline_m3=4e8"]) is not None


def test_set_of_a_wrong_type_into_an_agreement_blames_the_option_and_shows_the_value():
    # said "AGREEMENT.toml: key 'quantity[0].baseline': expected a string, got {'value': 200000000.0,
    # 'assumption': True, 'note': "set on the command line (...)"}"
    from hydro.compensation import Agreement

    agreement = ROOT / "configs" / "agreements" / "miyun_chaobai_phase2_2022.toml"
    for text, got in (("quantity[0].baseline=2e8", "200000000.0"), ("quality_class[0].waterbody=3", "3")):
        with pytest.raises(HydroError) as err:
            Agreement.from_toml(agreement, overrides=[text])
        assert str(err.value).startswith(f"--set {text}: key '{text.split('=')[0]}'"), str(err.value)
        assert str(err.value).endswith(f"expected a string, got {got}") and "assumption" not in str(err.value)


def test_an_inflow_at_an_unknown_element_names_both_kinds(tmp_path):
    # `at = "eastt"` said "unknown reservoir 'eastt'; known reservoirs: lake", though `at` takes reaches too
    basin = tmp_path / "tiny"
    shutil.copytree(TINY, basin)
    toml = basin / "basin.toml"
    toml.write_text(toml.read_text().replace('at = "east"', 'at = "eastt"', 1))
    user_error(invoke("run", basin, "-o", tmp_path / "t.nc", "--quiet"),
               "key 'forcing.inflows[1].at': unknown reach or reservoir 'eastt' (did you mean 'east'?)",
               "reaches: north_upper,", "reservoirs: lake")


def test_set_of_an_output_key_reports_the_value_not_a_missing_table(tmp_path):
    # said "a basin file has no top-level table 'output' (... hydro reads none)" for any
    # mistake under [output], which hydro does read (docs/basin-file.md)
    out = tmp_path / "x.nc"
    r = invoke("run", TINY, "--set", "output.compress=99", "-o", out)
    user_error(r, "--set output.compress=99", "compress", "0-9")
    assert "no top-level table" not in r.output
    user_error(invoke("run", TINY, "--set", "outptu.compress=1", "-o", out), "did you mean 'output'?")
    assert not out.exists()


def test_set_of_a_misspelt_key_suggests_the_nearest(tmp_path):
    # the reader's "(did you mean 'courant'?)" was dropped from the --set message
    out = tmp_path / "x.nc"
    user_error(invoke("run", TINY, "--set", "run.courrant=0.5", "-o", out), "no key 'run.courrant'",
               "did you mean 'courant'?")
    user_error(invoke("run", TINY, "--set", "reaches.east.lenght_km=3", "-o", out), "did you mean 'length_km'?")


# --- weather --------------------------------------------------------------------------------

def _add_column(path: Path, name: str, value: str) -> None:
    lines = path.read_text().splitlines()
    out = [line if line.startswith("#") or not line.strip() else
           line + "," + (name if line.startswith("date") else value) for line in lines]
    path.write_text("\n".join(out) + "\n")


@pytest.mark.parametrize("column", ["pet_mm", "qobs_mm"])
def test_a_watershed_refuses_a_pet_or_flow_column_it_would_ignore(tmp_path, column):
    # a watershed computes Oudin PET per subbasin: a station pet_mm column was read and
    # silently ignored (Miyun 2005 with pet_mm = 9.99 every day: discharge identical to the bit)
    basin = tmp_path / "ws"
    shutil.copytree(WATERSHED, basin)
    _add_column(basin / "weather.csv", column, "1.0")
    with pytest.raises(HydroError, match=f"weather.csv: header .*'{column}' is read only for a lumped catchment"):
        Basin.load(basin)
    assert read_forcing_csv(basin / "weather.csv").n_days > 0  # the file itself is a valid forcing CSV


def _weather_lines() -> list[str]:
    return (WATERSHED / "weather.csv").read_text().splitlines()


@pytest.mark.parametrize("sep,name", [(";", "semicolons"), ("\t", "tabs")])
def test_weather_with_another_separator_says_so(tmp_path, sep, name):
    p = tmp_path / "w.csv"
    p.write_text("\n".join(line if line.startswith("#") else line.replace(",", sep) for line in _weather_lines()))
    with pytest.raises(HydroError, match=f"separated by {name}: hydro's CSV files are comma-separated"):
        read_forcing_csv(p)


def test_weather_header_in_capitals_suggests_lower_case(tmp_path):
    p = tmp_path / "w.csv"
    p.write_text("\n".join(line.upper() if line.startswith("date") else line for line in _weather_lines()))
    with pytest.raises(HydroError, match=r"unknown column 'DATE' \(did you mean 'date'\? column names are lower"):
        read_forcing_csv(p)


# --- transfer series ------------------------------------------------------------------------

DAYS = [date(2015, 1, 1) + timedelta(days=i) for i in range(365)]


def test_monthly_values_written_as_first_days_are_refused(tmp_path):
    # "2015-01-01,29.6" for January's volume gave it all to 1 January, and the other days of
    # the month no transfer (a release series: the rule), with no word
    p = tmp_path / "t.csv"
    p.write_text("date,volume_mcm\n" + "".join(f"2015-{m:02d}-01,{10 + m}\n" for m in range(1, 13)))
    with pytest.raises(HydroError, match=r"t\.csv, line 2, column 'date': every line is the first day of a "
                                         r"month .*write the month \('2015-01', YYYY-MM\)"):
        read_transfer_series(p, DAYS, allow_tn=False)
    p.write_text("date,volume_mcm\n" + "".join(f"2015-{m:02d},{10 + m}\n" for m in range(1, 13)))
    monthly = read_transfer_series(p, DAYS, allow_tn=False)
    assert monthly.monthly and monthly.covered.all()
    p.write_text("date,flow_m3_s\n2015-03-01,2.0\n2015-03-02,1.0\n")  # daily rows, one of them a 1st
    assert read_transfer_series(p, DAYS, allow_tn=False).covered.sum() == 2


def test_transfer_header_with_semicolons_says_so(tmp_path):
    p = tmp_path / "t.csv"
    p.write_text("# note\ndate;flow_m3_s\n2015-01-01;1,5\n")
    with pytest.raises(HydroError, match=r"t\.csv, line 2: .*got 'date;flow_m3_s'; the fields are separated by "
                                         "semicolons"):
        read_transfer_series(p, DAYS, allow_tn=False)


# --- series given as { csv, column } ----------------------------------------------------------

def _series(folder: Path, text: str, allow_gaps=False, days=DAYS[:3]) -> np.ndarray:
    (folder / "s.csv").write_text(text)
    table = Table(tomllib.loads('x = { csv = "s.csv", column = "q" }'), folder / "basin.toml")
    return SeriesReader(folder, days, allow_gaps=allow_gaps).read(table, "x")


def test_series_errors_name_the_line_in_the_file(tmp_path):
    # the lines were counted without the '#' lines: a bad value on line 5 was "line 3"
    head = "# a\n# b\ndate,q\n2015-01-01,1\n"
    with pytest.raises(HydroError, match=r"column 'q', line 5 \(2015-01-02\): 'abc' is not a number"):
        _series(tmp_path, head + "2015-01-02,abc\n2015-01-03,3\n")
    with pytest.raises(HydroError, match=r"line 6: date 2015-01-02 does not follow 2015-01-02"):
        _series(tmp_path, head + "2015-01-02,2\n2015-01-02,2\n2015-01-03,3\n")


def test_series_missing_value_codes_are_named(tmp_path):
    # a -9999 in a lateral-inflow column was read as 9,999 m3/s taken out of the reach, and the run
    # stopped on "reach 'north_lower' has no flow", naming neither file, line nor column
    head = "date,q\n2015-01-01,1\n"
    with pytest.raises(HydroError, match=r"column 'q', line 3 \(2015-01-02\): -9999 looks like a missing-value code"):
        _series(tmp_path, head + "2015-01-02,-9999\n2015-01-03,3\n")
    gaps = _series(tmp_path, head + "2015-01-02,-999.0\n2015-01-03,-998\n", allow_gaps=True)
    assert np.isnan(gaps[1]) and gaps[2] == -998.0  # where gaps are allowed the code is one; -998 a value
    basin = tmp_path / "tiny"
    shutil.copytree(TINY, basin)
    lines = (basin / "forcing.csv").read_text().splitlines()
    n = next(i for i, line in enumerate(lines) if line.startswith("2020-03-05,"))
    lines[n] = "2020-03-05,-9999," + lines[n].split(",")[2]
    (basin / "forcing.csv").write_text("\n".join(lines) + "\n")
    user_error(invoke("run", basin, "-o", tmp_path / "t.nc", "--quiet"),
               f"forcing.csv: column 'north_upper_m3_s', line {n + 1} (2020-03-05): -9999 looks like a missing-value")


def test_series_blank_lines_are_skipped(tmp_path):
    # a blank line was "line N has 0 fields, the header has 2"
    clean = _series(tmp_path, "date,q\n2015-01-01,1\n2015-01-02,2\n2015-01-03,3\n")
    blank = _series(tmp_path, "date,q\n2015-01-01,1\n\n2015-01-02,2\n   \n2015-01-03,3\n")
    assert np.array_equal(clean, blank) and clean.tolist() == [1.0, 2.0, 3.0]


@pytest.mark.parametrize("day", ["20150101", "2015-W01-4", "2015.01.01", "2015-01-01 12:00"])
def test_series_dates_are_iso_days(tmp_path, day):
    # date.fromisoformat took '20150101' and the ISO week '2015-W01-4' (= 2015-01-01) too; the year-first
    # forms Excel writes (2015/1/1, 2015-01-01 00:00:00) are read (tests/test_excel_inputs.py)
    # (a time of day is named as such since the final read of 2026-12-05; every message gives the form to write)
    with pytest.raises(HydroError, match=r"line 2, column 'date': expected a date YYYY-MM-DD, got .*; (write dates "
                                         r"as |a day's values are for the whole day, not a time of it .*)2015-01-31"):
        _series(tmp_path, f"date,q\n{day},1\n2015-01-02,2\n2015-01-03,3\n")


def test_series_header_with_semicolons_says_so(tmp_path):
    with pytest.raises(HydroError, match="got 'date;q'; the fields are separated by semicolons"):
        _series(tmp_path, "date;q\n2015-01-01;1\n")


def test_monitoring_header_with_semicolons_says_so(tmp_path):
    p = tmp_path / "m.csv"
    p.write_text("section;year;month;parameter;value;unit\ngubeikou;2018;1;tn;1,2;mg/L\n")
    with pytest.raises(HydroError, match=r"line 1: unknown column .*separated by semicolons"):
        read_monitoring_csv(p)


def test_write_forcing_csv_is_atomic(tmp_path, monkeypatch):
    # it wrote in place (Path.write_text): a failed or killed write left a half file
    from hydro.forcing_csv import write_forcing_csv

    forcing = read_forcing_csv(WATERSHED / "weather.csv")
    target = tmp_path / "w.csv"
    target.write_text("old weather\n")

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(outputs, "_commit", full)
    with pytest.raises(HydroError, match=r"w\.csv: writing failed"):
        write_forcing_csv(forcing, target)
    assert target.read_text() == "old weather\n" and _temps(tmp_path) == []
    monkeypatch.undo()
    with pytest.raises(HydroError, match="exists"):
        write_forcing_csv(forcing, target, overwrite=False)
    write_forcing_csv(forcing, target)
    assert np.array_equal(read_forcing_csv(target).precip_mm, np.round(forcing.precip_mm, 2))


def test_a_station_code_with_a_comma_says_what_a_code_is(tmp_path):
    p = tmp_path / "w.csv"
    p.write_text('date,precip_mm,tmean_c,tmin_c,tmax_c,station\n2015-01-01,0,1,0,2,"密云, 站"\n')
    with pytest.raises(HydroError, match=r"line 2 \(2015-01-01\), column 'station'.*no ',' or ';'"):
        read_forcing_csv(p)
    p.write_text("date,precip_mm,tmean_c,tmin_c,tmax_c,station\n2015-01-01,0,1,0,2,密云站\n")
    assert read_forcing_csv(p).metadata["station_days"] == "密云站 2015-01-01..2015-01-01"


@pytest.mark.parametrize("column,said", [("tmean_f", "hydro reads 'tmean_c' in degC: convert the values"),
                                         ("precip_in", "hydro reads 'precip_mm' in mm d-1: convert the values")])
def test_a_forcing_column_in_another_unit_says_convert(tmp_path, column, said):
    # 'tmean_f' got "(did you mean 'tmean_c'?)": renaming alone would read Fahrenheit as Celsius
    p = tmp_path / "w.csv"
    p.write_text("\n".join(line.replace(column.split("_")[0] + "_" + ("c" if column[0] == "t" else "mm"), column)
                           if line.startswith("date") else line for line in _weather_lines()))
    with pytest.raises(HydroError, match=f"unknown column '{column}' \\(another unit .*{said}"):
        read_forcing_csv(p)


def test_a_transfer_volume_in_m3_says_convert(tmp_path):
    # 'volume_m3' got "(did you mean 'volume_mcm'?)": renaming alone gives 10^6 times the volume
    p = tmp_path / "t.csv"
    p.write_text("date,volume_m3\n2015-01,2500000\n")
    with pytest.raises(HydroError, match=r"unknown column 'volume_m3' \(another unit than 'volume_mcm'\? hydro "
                                         r"reads 'volume_mcm' in 10\^6 m3: convert the values"):
        read_transfer_series(p, DAYS, allow_tn=False)


def test_a_column_without_a_name_says_so(tmp_path):
    # Excel saves an empty column touched by the user as a trailing ',': "unknown column ''"
    said = r"unknown column ''; a column without a name \(a trailing comma"
    p = tmp_path / "w.csv"
    p.write_text("\n".join(line + "," if not line.startswith("#") else line for line in _weather_lines()))
    with pytest.raises(HydroError, match=said):
        read_forcing_csv(p)
    p.write_text("date,flow_m3_s,\n2015-01-01,1.0,\n")
    with pytest.raises(HydroError, match=said):
        read_transfer_series(p, DAYS, allow_tn=False)
    p.write_text("section,year,month,parameter,value,unit,\ngubeikou,2018,1,tn,1.0,mg/L,\n")
    with pytest.raises(HydroError, match=said):
        read_monitoring_csv(p)


def _hourly_lines(days: int = 3) -> list[str]:
    lines = (ROOT / "basins" / "_stations" / "beijing_huairou_hourly_2013_2017.csv").read_text().splitlines()
    return lines[:1 + 24 * days]


def test_hourly_station_comment_and_blank_lines_before_the_header(tmp_path):
    # a '# source' line above the header was "line 2: expected 1 comma-separated fields (# ...)"
    from hydro.station_hourly import read_hourly_station

    clean, noted = tmp_path / "clean.csv", tmp_path / "noted.csv"
    clean.write_text("\n".join(_hourly_lines()) + "\n")
    noted.write_text("\n".join(["# Beijing Multi-Site Air-Quality data, Huairou", "", *_hourly_lines()]) + "\n")
    a, b = read_hourly_station(clean).forcing, read_hourly_station(noted).forcing
    for name in ("precip_mm", "tmean_c", "tmin_c", "tmax_c"):
        assert np.array_equal(getattr(a, name), getattr(b, name), equal_nan=True)
    semi = tmp_path / "semi.csv"
    semi.write_text("\n".join(line.replace(",", ";") for line in _hourly_lines()) + "\n")
    with pytest.raises(HydroError, match=r"missing column 'year'.*separated by semicolons"):
        read_hourly_station(semi)


def test_a_second_header_line_says_files_were_joined(tmp_path):
    # two yearly files pasted one after the other: "expected a date YYYY-MM-DD, got 'date'"
    lines = _weather_lines()
    header = next(i for i, line in enumerate(lines) if line.startswith("date"))
    p = tmp_path / "w.csv"
    p.write_text("\n".join([*lines[:header + 10], lines[header], *lines[header + 10:]]) + "\n")
    with pytest.raises(HydroError, match=f"line {header + 11}, column 'date'.*a second header line"):
        read_forcing_csv(p)
    p.write_text("date,flow_m3_s\n2015-01-01,1\ndate,flow_m3_s\n2015-01-02,1\n")
    with pytest.raises(HydroError, match=r"line 3, column 'date'.*a second header line"):
        read_transfer_series(p, DAYS, allow_tn=False)


def test_rows_out_of_order_say_sort(tmp_path):
    # two rows swapped read "2000-01-11 skips days after 2000-01-09", as if a day were missing
    p = tmp_path / "w.csv"
    p.write_text("date,precip_mm,tmean_c,tmin_c,tmax_c\n2015-01-01,0,1,0,2\n2015-01-03,0,1,0,2\n"
                 "2015-01-02,0,1,0,2\n")
    with pytest.raises(HydroError, match=r"line 3, column 'date': 2015-01-03 skips days after 2015-01-01 "
                                         r"\(2015-01-02 is on line 4: sort the rows by date\)"):
        read_forcing_csv(p)
    p.write_text("date,precip_mm,tmean_c,tmin_c,tmax_c\n2015-01-01,0,1,0,2\n2015-01-03,0,1,0,2\n")
    with pytest.raises(HydroError, match=r"2015-01-03 skips days after 2015-01-01; expected one row"):
        read_forcing_csv(p)


def test_a_missing_key_names_a_misspelling_but_not_a_sibling(tmp_path):
    data = tomllib.loads("x1 = 350.0\nx3_mm = 90.0\n")
    with pytest.raises(HydroError, match=r"'x1_mm': missing; add it to this table \(the table has 'x1'"):
        Table(data, tmp_path / "c.toml").float("x1_mm")
    data = tomllib.loads("x3_mm = 90.0\n")  # another key, not a misspelling of x1_mm
    with pytest.raises(HydroError, match=r"'x1_mm': missing; add it to this table$"):
        Table(data, tmp_path / "c.toml").float("x1_mm")


def test_series_with_a_column_named_twice_is_refused(tmp_path):
    # the second 'q' silently replaced the first
    with pytest.raises(HydroError, match="column 'q' appears twice"):
        _series(tmp_path, "date,q,q\n2015-01-01,1,9\n2015-01-02,2,9\n2015-01-03,3,9\n")


def test_run_catchment_outside_its_forcing_is_an_error(tmp_path):
    # run_catchment(start="1900-01-01") silently ran from the file's first day (1991-01-01), and
    # end one day past the file one day short; a non-date was a numpy ValueError
    from hydro.catchment import Catchment, run_catchment

    c = Catchment.from_toml(ROOT / "validation" / "calibration" / "leguer" / "catchment.toml")
    for start, end in (("1900-01-01", None), (None, "1992-12-31"), ("1992-06-01", "1992-05-01")):
        with pytest.raises(HydroError, match=r"forcing\.csv: the forcing covers 1991-01-01 to 1992-12-30; the run"):
            run_catchment(c, start=start, end=end)
    with pytest.raises(HydroError, match=r"start = '1992-02-30': expected a date"):
        run_catchment(c, start="1992-02-30")
    run = run_catchment(c, start=date(1992, 1, 1), end="1992-12-30")
    assert str(run.dates[0]) == "1992-01-01" and str(run.dates[-1]) == "1992-12-30"


def test_swapped_arguments_are_named_as_swapped(tmp_path):
    # `compensate AGREEMENT.toml SERIES` said "unknown kind of file '.toml'"; `scenarios S.toml miyun`
    # said "miyun: file not found"
    agreement = ROOT / "configs" / "agreements" / "miyun_chaobai_phase1_2018.toml"
    scenarios = ROOT / "configs" / "scenarios" / "watershed.toml"
    user_error(invoke("compensate", agreement, tmp_path / "m.csv"), "is an agreement, given where the series goes",
               "hydro compensate SERIES AGREEMENT.toml")
    user_error(invoke("scenarios", scenarios, "watershed", "-o", tmp_path / "s.nc"),
               "is a scenario file, given where the basin goes", f"hydro scenarios watershed {scenarios}")


def test_an_inference_the_published_figures_leave_undetermined_names_the_csv(tmp_path):
    # a worst class of III (worse than the target II: no bonus) said "AGREEMENT.toml: key 'inference':
    # the settlement of 2018 does not depend on 'quality_class[0].bonus_yuan'", blaming the agreement
    published = ROOT / "configs" / "agreements" / "miyun_chaobai_published.csv"
    lines = published.read_text(encoding="utf-8").splitlines()
    n = next(i for i, line in enumerate(lines) if ",worst_class,II," in line)
    lines[n] = lines[n].replace(",worst_class,II,", ",worst_class,III,")
    (tmp_path / "pub.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    r = invoke("compensate", tmp_path / "pub.csv", ROOT / "configs" / "agreements" / "miyun_chaobai_phase1_2018.toml")
    user_error(r, f"{tmp_path / 'pub.csv'}: the published figures of 2018 (lines ", f"{n + 1}",
               "check those lines, or fit another number in key 'inference'")


def test_set_through_point_sources_a_subbasin_lacks_says_set_cannot_add_one(tmp_path):
    # `--set subbasins.w1.sources.point.x.tn_mg_per_l=5` on a subbasin without point sources said only
    # "expected an array of tables", which reads as a fault in the file
    basin = ROOT / "configs" / "examples" / "watershed"
    result = invoke("run", basin, "--set", "subbasins.w1.sources.point.x.tn_mg_per_l=5",
                    "-o", tmp_path / "w.nc", "--quiet")
    user_error(result, "--set subbasins.w1.sources.point.x.tn_mg_per_l=5", "subbasin 'w1'",
               "the file has no [[subbasins.sources.point]] here", "cannot add one")
    # where the subbasin has plants, an unknown plant is named among them
    result = invoke("run", basin, "--set", "subbasins.w2.sources.point.x.tn_mg_per_l=5",
                    "-o", tmp_path / "w.nc", "--quiet")
    user_error(result, "has no table 'subbasins.w2.sources.point.x'", "West town WWTP")
    assert not (tmp_path / "w.nc").exists()


def test_a_single_table_where_an_array_of_tables_belongs_is_named_as_such():
    table = Table({"reaches": {"id": "a"}}, "b.toml", "")
    with pytest.raises(HydroError, match=r"expected an array of tables \(\[\[reaches\]\]\), found one table"):
        table.tables("reaches")


def test_block_years_on_a_network_given_its_flows_is_refused_with_the_reason(tmp_path):
    # `hydro run tiny --block-years 1` ran in one block without a word, where docs/results.md says such
    # basins refuse the option with the reason (docs review, 2026-12-04); 0 (one block) stays allowed
    user_error(invoke("run", TINY, "--block-years", "1", "-o", tmp_path / "t.nc", "--quiet"),
               "--block-years 1: a network given its flows", "leave --block-years out")
    assert not (tmp_path / "t.nc").exists()
    assert invoke("run", TINY, "--block-years", "0", "-o", tmp_path / "t.nc", "--quiet").exit_code == 0
