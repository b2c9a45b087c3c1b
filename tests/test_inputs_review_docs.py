"""The rules of docs/file-formats.md, "What the CSV readers accept", on each CSV reader.

Every accepted variant must read exactly as the plain file (compared to the bit); every
refused one must raise a HydroError naming the file and saying what to write.
"""

from __future__ import annotations

import re
import tomllib
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pytest

from hydro.errors import HydroError
from hydro.forcing_csv import read_forcing_csv
from hydro.monitoring_csv import read_monitoring_csv
from hydro.series import SeriesReader
from hydro.tomlio import Table
from hydro.transfers import read_transfer_series

DAYS = [date(2001, 2, 26) + timedelta(days=i) for i in range(6)]  # over 28 February
VALUES = ["0.5", "1.5", "0.0", "12.25", "3.0", "7.5"]


def _weather(path):
    f = read_forcing_csv(path)
    return np.concatenate([f.dates.astype("datetime64[D]").astype(float), f.precip_mm, f.tmean_c])


def _series(path):
    table = Table(tomllib.loads(f'x = {{ csv = "{path.name}", column = "q_m3_s" }}'), path.parent / "basin.toml")
    return SeriesReader(path.parent, DAYS).read(table, "x")


def _transfer(path):
    return read_transfer_series(path, DAYS, allow_tn=False).flow


def _monitoring(path):
    return read_monitoring_csv(path).data["gubeikou"]["tn"]


# reader -> (read, header, rows, index of the date column or None)
READERS = {
    "weather": (_weather, ["date", "precip_mm", "tmean_c", "tmin_c", "tmax_c"],
                [[str(d), v, "2.0", "-1.0", "5.0"] for d, v in zip(DAYS, VALUES, strict=True)], 0),
    "series": (_series, ["date", "q_m3_s"], [[str(d), v] for d, v in zip(DAYS, VALUES, strict=True)], 0),
    "transfer": (_transfer, ["date", "flow_m3_s"], [[str(d), v] for d, v in zip(DAYS, VALUES, strict=True)], 0),
    "monitoring": (_monitoring, ["section", "year", "month", "parameter", "value", "unit"],
                   [["gubeikou", "2001", str(m + 1), "tn", v, "mg/L"] for m, v in enumerate(VALUES)], None),
}


def _text(header, rows, sep=","):
    return "# a comment line\n" + "\n".join(sep.join(r) for r in [header, *rows]) + "\n"


def _read(tmp_path, reader, text: str | bytes):
    read = READERS[reader][0]
    path = tmp_path / f"{reader}.csv"
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return read(path)


ACCEPTED = {
    "byte-order mark": lambda h, r: b"\xef\xbb\xbf" + _text(h, r).encode(),
    "windows line ends": lambda h, r: _text(h, r).replace("\n", "\r\n"),
    "old mac line ends": lambda h, r: _text(h, r).replace("\n", "\r"),
    "blank lines": lambda h, r: _text(h, r).replace("\n", "\n\n  \n"),
    "spaces around fields": lambda h, r: _text(h, r, sep=" ,  "),
    "double quotes": lambda h, r: _text([f'"{x}"' for x in h], [[f'"{x}"' for x in row] for row in r]),
}


@pytest.mark.parametrize("reader", READERS)
@pytest.mark.parametrize("variant", ACCEPTED)
def test_accepted_variants_read_as_the_plain_file(tmp_path, reader, variant):
    _, header, rows, _ = READERS[reader]
    clean = _read(tmp_path, reader, _text(header, rows))
    got = _read(tmp_path, reader, ACCEPTED[variant](header, rows))
    assert np.array_equal(got, clean, equal_nan=True)


def _value(rows, reader, text):
    """``rows`` with the third row's value replaced by ``text``."""
    j = READERS[reader][1].index("value" if reader == "monitoring" else READERS[reader][1][1])
    return [row if i != 2 else [*row[:j], text, *row[j + 1:]] for i, row in enumerate(rows)]


def _date(rows, k, text):
    return [row if i != 2 else [*row[:k], text, *row[k + 1:]] for i, row in enumerate(rows)]


REFUSED = {  # variant -> (text from header and rows, what the message says); None: not for that reader
    "gbk": (lambda rd, h, r: ("# 古北口 station\n" + _text(h, r)).encode("gbk"), "save it as UTF-8"),
    "utf-16": (lambda rd, h, r: _text(h, r).encode("utf-16"), "save it as UTF-8"),
    "semicolons": (lambda rd, h, r: _text(h, r, sep=";"), "separated by semicolons"),
    "tabs": (lambda rd, h, r: _text(h, r, sep="\t"), "separated by tabs"),
    "decimal comma": (lambda rd, h, r: _text(h, _value(r, rd, "1,5")), "decimal comma"),
    "day-first date": (lambda rd, h, r: _text(h, _date(r, READERS[rd][3], "28/2/2001")), "YYYY-MM-DD"),
    "Excel serial date": (lambda rd, h, r: _text(h, _date(r, READERS[rd][3], "36950")), "Excel serial date"),
    "compact date": (lambda rd, h, r: _text(h, _date(r, READERS[rd][3], "20010228")), "YYYY-MM-DD"),
    "date and time": (lambda rd, h, r: _text(h, _date(r, READERS[rd][3], "2001-02-28 12:00")), "YYYY-MM-DD"),
    "29 February 2001": (lambda rd, h, r: _text(h, _date(r, READERS[rd][3], "2001-02-29")), "2001-02-29"),
    "capitals": (lambda rd, h, r: _text([x.upper() for x in h], r), "DATE"),
    "units in brackets": (lambda rd, h, r: _text([h[0], h[1].rsplit("_", 1)[0] + " [unit]", *h[2:]], r),
                          "[unit]"),
    "a dash": (lambda rd, h, r: _text(h, _value(r, rd, "-")), "'-'"),
    "n/a": (lambda rd, h, r: _text(h, _value(r, rd, "n/a")), "'n/a'"),
}
NOT_FOR = {("monitoring", v) for v in ("day-first date", "Excel serial date", "compact date", "date and time",
                                       "29 February 2001", "capitals", "units in brackets")}


@pytest.mark.parametrize("reader", READERS)
@pytest.mark.parametrize("variant", REFUSED)
def test_refused_variants_name_the_file_and_what_to_write(tmp_path, reader, variant):
    if (reader, variant) in NOT_FOR:
        pytest.skip("no dates / a header read in any case in the monitoring CSV")
    _, header, rows, _ = READERS[reader]
    make, said = REFUSED[variant]
    with pytest.raises(HydroError) as info:
        _read(tmp_path, reader, make(reader, header, rows))
    assert f"{reader}.csv" in str(info.value) and said in str(info.value), str(info.value)


def test_monitoring_reads_its_header_parameters_and_units_in_any_case(tmp_path):
    _, header, rows, _ = READERS["monitoring"]
    clean = _read(tmp_path, "monitoring", _text(header, rows))
    shouted = [[*row[:3], "TN", row[4], "MG/L"] for row in rows]
    assert np.array_equal(_read(tmp_path, "monitoring", _text([h.upper() for h in header], shouted)), clean,
                          equal_nan=True)


@pytest.mark.parametrize("reader", ["weather", "series", "transfer", "monitoring"])
def test_missing_values_are_na_or_empty(tmp_path, reader):
    _, header, rows, _ = READERS[reader]
    if reader in ("weather", "transfer"):  # a simulation needs every day: refused, naming the line
        for token in ("NA", ""):
            with pytest.raises(HydroError, match="line 5"):
                _read(tmp_path, reader, _text(header, _value(rows, reader, token)))
        return
    if reader == "series":  # observations (allow_gaps) take NA and empty; forcing series refuse them
        path = tmp_path / "series.csv"
        table = Table(tomllib.loads('x = { csv = "series.csv", column = "q_m3_s" }'), tmp_path / "basin.toml")
        for token in ("NA", ""):
            path.write_text(_text(header, _value(rows, reader, token)))
            assert np.isnan(SeriesReader(tmp_path, DAYS, allow_gaps=True).read(table, "x")[2])
        return
    assert np.isnan(_read(tmp_path, reader, _text(header, _value(rows, reader, "")))[2])
    with pytest.raises(HydroError, match="leave it empty"):
        _read(tmp_path, reader, _text(header, _value(rows, reader, "NA")))


def test_a_minus_9999_in_a_forcing_file_is_named_as_a_missing_value_code(tmp_path):
    _, header, rows, _ = READERS["weather"]
    with pytest.raises(HydroError, match=r"line 5 \(2001-02-28\), column 'precip_mm'.*-9999.*write NA"):
        _read(tmp_path, "weather", _text(header, _value(rows, "weather", "-9999")))


def test_kelvin_temperatures_are_named(tmp_path):
    _, header, rows, _ = READERS["weather"]
    kelvin = [[r[0], r[1], "275.15", "272.15", "278.15"] for r in rows]
    with pytest.raises(HydroError, match="look like kelvin"):
        _read(tmp_path, "weather", _text(header, kelvin))


def test_the_documented_error_lines_are_the_lines_of_the_file(tmp_path):
    # docs/catchment-csv.md's examples: a gap after 2000-02-04 on line 37, 2000-03-02 on line 63
    days = [date(2000, 1, 1) + timedelta(days=i) for i in range(70)]
    lines = ["date,precip_mm,tmean_c"] + [f"{d},1.0,5.0" for d in days]
    path = tmp_path / "forcing.csv"
    path.write_text("\n".join(lines[:36] + lines[39:]) + "\n")
    with pytest.raises(HydroError, match=r"forcing\.csv: line 37, column 'date': 2000-02-08 skips days after "
                                         r"2000-02-04; expected one row per consecutive day"):
        read_forcing_csv(path, required=("date", "precip_mm"))
    missing = [line.replace(",1.0,", ",NA,") if line.startswith("2000-03-02") else line for line in lines]
    path.write_text("\n".join(missing) + "\n")
    with pytest.raises(HydroError, match=r"forcing.csv: line 63 \(2000-03-02\), column 'precip_mm': value missing"):
        read_forcing_csv(path, required=("date", "precip_mm"))
    path.write_text("\n".join(["date,precip_mm,tmean_C"] + lines[1:]) + "\n")
    with pytest.raises(HydroError, match=r"forcing.csv: header \(line 1\): unknown column 'tmean_C' \(did you mean "
                                         r"'tmean_c'\? column names are lower case\)"):
        read_forcing_csv(path, required=("date", "precip_mm"))


# --- docs/catchment-csv.md ----------------------------------------------------------------------

CATCHMENT_DOC = (Path(__file__).resolve().parents[1] / "docs" / "catchment-csv.md").read_text()


def _doc_block(kind: str, after: str) -> str:
    start = CATCHMENT_DOC.index(f"```{kind}\n", CATCHMENT_DOC.index(after)) + len(kind) + 4
    return CATCHMENT_DOC[start:CATCHMENT_DOC.index("```", start)]


def _catchment(tmp_path, csv_text: str, toml_text: str | None = None):
    from hydro.catchment import Catchment, run_catchment

    (tmp_path / "baihe_forcing.csv").write_text(csv_text)
    (tmp_path / "c.toml").write_text(toml_text or _doc_block("toml", "## Catchment TOML"))
    return run_catchment(Catchment.from_toml(tmp_path / "c.toml"))


def test_the_documented_catchment_example_runs(tmp_path):
    run = _catchment(tmp_path, _doc_block("", "Example:"))
    assert run.q_mm.shape == (3,) and np.isfinite(run.q_mm).all()
    # qobs_m3s over area_km2 = 9072: 1 m3/s over 86.4 km2 is 1 mm/d; the NA day is NaN
    assert np.allclose(run.qobs_mm, [2.31 * 86.4 / 9072, np.nan, 2.28 * 86.4 / 9072], equal_nan=True, rtol=1e-12)


NO_SNOW = _doc_block("toml", "## Catchment TOML").split("[snow]")[0]
DAYS_10 = [str(np.datetime64("2015-01-01") + i) for i in range(10)]


def _csv(columns, value):
    return ",".join(columns) + "\n" + "".join(",".join([d] + [value(c, i) for c in columns[1:]]) + "\n"
                                             for i, d in enumerate(DAYS_10))


@pytest.mark.parametrize("columns,toml,said", [
    (["date", "precip_mm"], NO_SNOW, "missing temperature column, needed by Oudin PET"),
    (["date", "precip_mm", "tmean_c"], None, "'hydrotel' solid fraction needs columns 'tmin_c' and 'tmax_c'"),
    (["date", "precip_mm", "tmin_c"], NO_SNOW, "column 'tmin_c' without 'tmax_c'"),
    (["date", "precip_mm", "tmean_c", "qobs_mm", "qobs_m3s"], NO_SNOW, "both 'qobs_mm' and 'qobs_m3s'"),
    (["date", "precip_mm", "tmean_c", "wind_m_s"], NO_SNOW, "unknown column 'wind_m_s'"),
])
def test_catchment_csv_rules(tmp_path, columns, toml, said):
    with pytest.raises(HydroError, match=re.escape(said)):
        _catchment(tmp_path, _csv(columns, lambda c, i: "1.0"), toml)


def test_catchment_temperatures_from_extremes_and_pet_without_temperature(tmp_path):
    # tmean_c = (tmin_c + tmax_c) / 2: the extremes 0 and 10 give the run of tmean_c = 5 (to the bit)
    mean = _catchment(tmp_path, _csv(["date", "precip_mm", "tmean_c"], lambda c, i: "5.0" if c == "tmean_c"
                                     else str(i % 3)), NO_SNOW).q_mm
    extremes = _catchment(tmp_path, _csv(["date", "precip_mm", "tmin_c", "tmax_c"],
                                         lambda c, i: {"tmin_c": "0.0", "tmax_c": "10.0"}.get(c, str(i % 3))),
                          NO_SNOW).q_mm
    assert np.array_equal(mean, extremes)
    pet_only = _catchment(tmp_path, _csv(["date", "precip_mm", "pet_mm"], lambda c, i: "1.0"), NO_SNOW)
    assert np.isfinite(pet_only.q_mm).all()


def test_catchment_gaps_in_forcing_are_errors_and_in_flow_nan(tmp_path):
    with pytest.raises(HydroError, match=r"line 4 \(2015-01-03\), column 'pet_mm': value missing"):
        _catchment(tmp_path, _csv(["date", "precip_mm", "pet_mm"], lambda c, i: "" if (c, i) == ("pet_mm", 2)
                                  else "1.0"), NO_SNOW)
    run = _catchment(tmp_path, _csv(["date", "precip_mm", "pet_mm", "qobs_mm"],
                                    lambda c, i: "NA" if (c, i) == ("qobs_mm", 2) else "1.0"), NO_SNOW)
    assert np.isnan(run.qobs_mm[2]) and np.isfinite(np.delete(run.qobs_mm, 2)).all()


def test_catchment_toml_misspelt_key_is_named(tmp_path):
    # a misspelt required key read "key 'snow.kf_mm_per_c_per_day': missing", without the misspelling
    with pytest.raises(HydroError, match=r"key 'snow.kf_mm_per_c_per_day': missing; add it to this table \(the "
                                         r"table has 'kf_mm_per_c_day': is that it, misspelt\?\)"):
        _catchment(tmp_path, _doc_block("", "Example:"),
                   _doc_block("toml", "## Catchment TOML").replace("kf_mm_per_c_per_day", "kf_mm_per_c_day"))
