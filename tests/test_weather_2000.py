"""Observed weather from 2000: the joined Beijing + hourly-station forcing of both basins.

``basins/make_weather_2000.py`` joins GHCN-D Beijing (54511, 2000-01-01..2013-02-28) with
the daily files of the hourly stations (2013-03-01..2017-02-28), then GHCN-D Beijing again
(2017-03-01..2020-12-31, the ESTIMATE extension: a day without PRCP is written 0 mm).  These
tests check that every day says where it comes from, that nothing was invented over the
incomplete 2013-01..02 gap (NA where GHCN-D has no value, the reported values unchanged apart
from the lapse-rate shift), that the rows up to 2017-02-28 are byte for byte the ones shipped
before the extension, that every extension row is flagged and holds GHCN-D's values (absent
PRCP = 0.00, absent TMIN/TMAX = NA), that the reader fills only as the header declares, and
that both basins run on it.
"""

from __future__ import annotations

import csv
import hashlib
import tomllib
from pathlib import Path

import numpy as np
import pytest

from hydro.errors import HydroError
from hydro.weather import read_forcing_csv

ROOT = Path(__file__).resolve().parents[1]
GHCN = ROOT / "basins" / "_stations" / "GHCND_CHM00054511_BEIJING_2000-2020.csv"
JOINED = {
    # basin: (file, station code, hourly-station daily file, [weather] elevation_m)
    "miyun": ("huairou_beijing_daily_2000_2017.csv", "huairou", "huairou_daily_2013_2017.csv", 60.0),
    "guanting": ("dingling_beijing_daily_2000_2017.csv", "dingling", "dingling_daily_2013_2017.csv", 100.0),
}
BEIJING_ALTITUDE_M = 31.3
LAPSE = 6.5
GAP = (np.datetime64("2013-01-01"), np.datetime64("2013-02-28"))
EXT = (np.datetime64("2017-03-01"), np.datetime64("2020-12-31"))
EXT_CODES = ("bj54511_synop_est", "bj54511_synop_est0")
#: SHA-256 of the data lines (column header and rows 2000-01-01..2017-02-28, each ending in a
#: newline) of the files shipped before the extension (commit 7cf532b)
OLD_ROWS_SHA256 = {
    "miyun": "66191a990607c55e627e223340374b6ba1ffbb1598c559abea9099722266b059",
    "guanting": "e328b999980b3fef0f40c99557f008cd1a17c0e6985bfe185671739d14995e7a",
    # rows to 2017-02-28 of the basin-scaled Miyun file; changed on purpose on 2026-12-01 when the
    # published 2016-01-01..09-20 upland total (450.3 mm) became a third window
    # (basins/miyun/make_weather_basin_scaled.py; SOURCES 'Upland precipitation'), and on 2026-12-06 when the
    # scaled days' station codes took "_scaled" (values unchanged; data review)
    "miyun_scaled": "22a179a071ddf2c413ed91ececa16cef18d8a9e73233665ba045c81ca8a5293e",
}


def _path(basin: str) -> Path:
    return ROOT / "basins" / basin / "forcing" / JOINED[basin][0]


def _rows(path: Path) -> list[dict[str, str]]:
    lines = [s for s in path.read_text(encoding="utf-8").splitlines() if not s.startswith("#")]
    return list(csv.DictReader(lines))


@pytest.fixture(scope="module")
def ghcn() -> dict[str, dict[str, str]]:
    with GHCN.open(newline="", encoding="utf-8") as fh:
        return {r["DATE"]: r for r in csv.DictReader(fh)}


@pytest.mark.parametrize("basin", JOINED)
def test_every_day_names_its_station(basin):
    _, code, _, _ = JOINED[basin]
    rows = _rows(_path(basin))
    assert rows[0]["date"] == "2000-01-01" and rows[-1]["date"] == "2020-12-31"
    assert len(rows) == 6269 + 1402
    expected = {"bj54511_cma": ("2000-01-01", "2012-12-31"), "bj54511_synop": ("2013-01-01", "2013-02-28"),
                code: ("2013-03-01", "2017-02-28")}
    for station, (first, last) in expected.items():
        days = [r["date"] for r in rows if r["station"] == station]
        assert (days[0], days[-1]) == (first, last), station
    ext = [r["station"] for r in rows if r["date"] >= "2017-03-01"]
    assert len(ext) == 1402 and set(ext) == set(EXT_CODES)
    assert {r["station"] for r in rows} == set(expected) | set(EXT_CODES)
    meta = read_forcing_csv(_path(basin), allow_missing=True).metadata
    assert meta["station_days"].startswith(f"bj54511_cma 2000-01-01..2012-12-31; bj54511_synop 2013-01-01..2013-02-28; "
                                           f"{code} 2013-03-01..2017-02-28; bj54511_synop_est0 2017-03-01..")
    for key in ("station_codes", "temperature_adjustment", "precipitation_adjustment", "gap_rule",
                "extension_rule", "overlap_check", "source_sha256"):
        assert meta[key], key
    for c in EXT_CODES:
        assert f"{c} = " in meta["station_codes"]
    assert "ESTIMATE" in meta["extension_rule"] and "ESTIMATE" in meta["station"]


@pytest.mark.parametrize("basin", ["miyun", "guanting", "miyun_scaled"])
def test_rows_before_the_extension_are_unchanged(basin):
    """Every data line up to 2017-02-28 is byte for byte the one shipped before the extension."""
    path = (ROOT / "basins" / "miyun" / "forcing" / "huairou_beijing_basin_scaled_2000_2017.csv"
            if basin == "miyun_scaled" else _path(basin))
    body = [s for s in path.read_bytes().decode("utf-8").split("\n") if s and not s.startswith("#")]
    assert body[6269].startswith("2017-02-28,") and body[6270].startswith("2017-03-01,")
    assert hashlib.sha256(("\n".join(body[:6270]) + "\n").encode("utf-8")).hexdigest() == OLD_ROWS_SHA256[basin]


@pytest.mark.parametrize("basin", JOINED)
def test_extension_rows_are_flagged_ghcn_values_with_absent_prcp_zero(basin, ghcn):
    """2017-03-01..2020-12-31: every row carries an ESTIMATE code; PRCP as GHCN-D has it
    (bj54511_synop_est) or 0.00 where it has none (bj54511_synop_est0); TAVG shifted by the
    lapse rate on every day; TMIN/TMAX shifted where GHCN-D has them, else NA."""
    shift = -LAPSE / 1000.0 * (JOINED[basin][3] - BEIJING_ALTITUDE_M)
    rows = [r for r in _rows(_path(basin)) if r["date"] >= "2017-03-01"]
    assert len(rows) == 1402
    n_zero = 0
    for r in rows:
        g = ghcn[r["date"]]
        assert r["station"] in EXT_CODES, r["date"]
        if g["PRCP"].strip():
            assert r["station"] == "bj54511_synop_est"
            assert float(r["precip_mm"]) == pytest.approx(float(g["PRCP"]) / 10.0, abs=0.006), r["date"]
        else:
            assert r["station"] == "bj54511_synop_est0" and r["precip_mm"] == "0.00", r["date"]
            n_zero += 1
        assert float(r["tmean_c"]) == pytest.approx(float(g["TAVG"]) / 10.0 + shift, abs=0.006), r["date"]
        for col, key in (("tmin_c", "TMIN"), ("tmax_c", "TMAX")):
            if r[col] == "NA":
                continue
            assert float(r[col]) == pytest.approx(float(g[key]) / 10.0 + shift, abs=0.006), (r["date"], col)
    assert n_zero == 740  # 2017-03..2019-12 without a PRCP value; 2020 is complete


@pytest.mark.parametrize("basin", JOINED)
def test_beijing_days_are_the_ghcn_values_shifted_by_the_lapse_rate(basin, ghcn):
    """2000-01-01..2013-02-28: PRCP as observed; temperatures + lapse x (54511 - station);
    NA exactly where GHCN-D has no value (the 2013 gap), never a made-up number."""
    shift = -LAPSE / 1000.0 * (JOINED[basin][3] - BEIJING_ALTITUDE_M)
    n_na = 0
    for r in _rows(_path(basin)):
        if r["station"] not in ("bj54511_cma", "bj54511_synop"):
            continue
        g = ghcn[r["date"]]
        for col, key, add in (("precip_mm", "PRCP", 0.0), ("tmean_c", "TAVG", shift),
                              ("tmin_c", "TMIN", shift), ("tmax_c", "TMAX", shift)):
            if not g[key].strip():
                assert r[col] == "NA", (r["date"], col)
                assert r["station"] == "bj54511_synop", r["date"]
                n_na += 1
            else:
                assert r[col] != "NA"
                assert float(r[col]) == pytest.approx(float(g[key]) / 10.0 + add, abs=0.006), (r["date"], col)
    # the gap: PRCP missing on 39 of 59 days, TMIN on 47, TMAX on 28; TAVG on none
    assert n_na == 39 + 47 + 28


@pytest.mark.parametrize("basin", JOINED)
def test_hourly_station_days_are_copied_unchanged(basin):
    _, code, daily, _ = JOINED[basin]
    old = [s for s in (ROOT / "basins" / basin / "forcing" / daily).read_text(encoding="utf-8").splitlines()
           if not s.startswith("#")][1:]
    new = [s for s in _path(basin).read_text(encoding="utf-8").splitlines() if s.endswith("," + code)]
    assert new == [f"{s},{code}" for s in old]


@pytest.mark.parametrize("basin", JOINED)
def test_reader_fills_the_gap_only_as_the_header_declares(basin):
    raw = read_forcing_csv(_path(basin), allow_missing=True)
    sim = read_forcing_csv(_path(basin))  # as a simulation reads it
    assert sim.metadata["fill_missing"] == "precip_zero, temp_range_monthly"
    in_gap = (raw.dates >= GAP[0]) & (raw.dates <= GAP[1])
    in_ext = (raw.dates >= EXT[0]) & (raw.dates <= EXT[1])
    # precipitation: only the gap (the extension writes absent days as 0.00); tmin/tmax: the gap's
    # 47 and 28 days and the extension's 943 and 1119
    assert sim.metadata["filled_precip_days"] == 39
    assert sim.metadata["filled_tmin_days"] == 47 + 943 and sim.metadata["filled_tmax_days"] == 28 + 1119
    assert sim.metadata["filled_dates"] == "2013-01-01..2020-12-31"
    assert not np.isnan(raw.precip_mm[in_ext]).any()
    for name in ("precip_mm", "tmean_c", "tmin_c", "tmax_c"):
        a, b = getattr(raw, name), getattr(sim, name)
        missing = np.isnan(a)
        assert not missing[~(in_gap | in_ext)].any(), name  # only the gap and the extension have missing values
        assert not np.isnan(b).any(), name
        np.testing.assert_array_equal(a[~missing], b[~missing])  # observed days untouched
    assert not np.isnan(raw.tmean_c).any()
    assert np.all(sim.precip_mm[np.isnan(raw.precip_mm)] == 0.0)
    assert np.all(sim.tmin_c <= sim.tmean_c) and np.all(sim.tmean_c <= sim.tmax_c)


def test_reader_rules(tmp_path):
    head = "# hydro daily forcing\n"
    body = ("date,precip_mm,tmean_c,tmin_c,tmax_c,station\n"
            "2001-01-01,1.0,-2.0,-5.0,1.0,a\n2001-01-02,NA,-1.0,NA,2.0,a\n2001-01-03,0.0,0.0,-4.0,NA,b\n")
    plain = tmp_path / "plain.csv"
    plain.write_text(head + body)
    with pytest.raises(HydroError, match=r"line 4 \(2001-01-02\), column 'precip_mm': value missing"):
        read_forcing_csv(plain)
    assert read_forcing_csv(plain, allow_missing=True).metadata["station_days"] == \
        "a 2001-01-01..2001-01-02; b 2001-01-03..2001-01-03"
    filled = tmp_path / "filled.csv"
    filled.write_text(head + "# fill_missing: precip_zero, temp_range_monthly\n" + body)
    f = read_forcing_csv(filled)
    assert f.precip_mm.tolist() == [1.0, 0.0, 0.0]
    # January's complete day departs 3 below and 3 above the mean
    assert f.tmin_c.tolist() == [-5.0, -4.0, -4.0] and f.tmax_c.tolist() == [1.0, 2.0, 3.0]
    filled = (f.metadata["filled_precip_days"], f.metadata["filled_tmin_days"], f.metadata["filled_tmax_days"])
    assert filled == (1, 1, 1)
    only_p = tmp_path / "only_p.csv"
    only_p.write_text(head + "# fill_missing: precip_zero\n" + body)
    with pytest.raises(HydroError, match=r"column 'tmin_c': value missing.*does not cover it"):
        read_forcing_csv(only_p)
    bad = tmp_path / "bad.csv"
    bad.write_text(head + "# fill_missing: precip_zeros\n" + body)
    with pytest.raises(HydroError, match=r"unknown rule 'precip_zeros'.*precip_zero"):
        read_forcing_csv(bad)
    nocode = tmp_path / "nocode.csv"
    nocode.write_text(head + body.replace("2.0,a\n", "2.0,\n"))
    with pytest.raises(HydroError, match=r"line 4 \(2001-01-02\), column 'station'"):
        read_forcing_csv(nocode, allow_missing=True)


@pytest.mark.parametrize("basin", JOINED)
def test_basin_reads_the_joined_file_and_runs_all_of_it(basin):
    toml = tomllib.loads((ROOT / "basins" / basin / "basin.toml").read_text(encoding="utf-8"))
    # Miyun reads the joined file rescaled in its published windows (tests/test_miyun_basin_scaled_weather.py)
    scaled = {"miyun": "forcing/huairou_beijing_basin_scaled_2000_2017.csv"}
    assert toml["weather"]["csv"] == scaled.get(basin, f"forcing/{JOINED[basin][0]}")
    # the default run is 2000-01-01..2017-02-28 (issue 13), the file before its ESTIMATE extension
    assert str(toml["run"]["start"]) == "2000-01-01" and str(toml["run"]["end"]) == "2017-02-28"


@pytest.mark.parametrize("basin", JOINED)
def test_basin_runs_in_2000_2001(basin):
    import hydro

    ds = hydro.Model.from_basin(basin).run("2000-01-01", "2001-12-31")
    assert ds.sizes["time"] == 731
    inflow = ds["reservoir_inflow"].sel(reservoir=basin).values
    tn = ds["reservoir_tn_concentration"].sel(reservoir=basin).values
    assert np.all(np.isfinite(inflow)) and np.all(inflow >= 0.0) and inflow.mean() > 0.5
    assert np.all(np.isfinite(tn)) and np.all(tn > 0.0)


def test_miyun_runs_across_the_gap():
    import hydro

    ds = hydro.Model.from_basin("miyun").run("2012-12-01", "2013-03-31")
    assert ds.sizes["time"] == 121
    assert np.all(np.isfinite(ds["reservoir_storage"].values))
