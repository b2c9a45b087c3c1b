"""Join daily Beijing (GHCN-D, 2000-01-01..2013-02-28) with the hourly stations' daily files,
then Beijing again (GHCN-D, SYNOP-derived, 2017-03-01..2020-12-31; ESTIMATE rows).

Re-runnable: ``python basins/make_weather_2000.py`` (from anywhere) writes

* ``basins/miyun/forcing/huairou_beijing_daily_2000_2017.csv`` (Beijing, then Huairou) and
* ``basins/guanting/forcing/dingling_beijing_daily_2000_2017.csv`` (Beijing, then Dingling),

2000-01-01..2020-12-31 (the file names keep ``2000_2017``, the basins' default ``[run]``),
and prints the overlap check and annual totals.  Inputs:
the unchanged copy ``basins/_stations/GHCND_CHM00054511_BEIJING_2000-2020.csv``
(provenance in ``basins/_stations/README.md``; SHA-256 checked) and the shipped daily
files of ``basins/make_daily_weather.py``, whose rows are copied **as text**, so that
2013-03-01..2017-02-28 are the same numbers as before.

Rules (also written into each file's header and SOURCES.md):

* ``station`` column: ``bj54511_cma`` (2000-01-01..2012-12-31: GHCN-D source flag ``s``,
  the China Meteorological Administration daily data set, complete), ``bj54511_synop``
  (2013-01-01..2013-02-28: GHCN-D flag ``S``, from SYNOP reports, incomplete) and
  ``huairou`` or ``dingling`` (2013-03-01..2017-02-28, the hourly stations), then
  ``bj54511_synop_est`` and ``bj54511_synop_est0`` (2017-03-01..2020-12-31, GHCN-D flag ``S``:
  the ESTIMATE extension below).
* The extension 2017-03-01..2020-12-31 (ESTIMATE; decision recorded in SOURCES.md, "Weather
  2013-2020: are absent SYNOP days dry?"): a day with a PRCP value keeps it
  (``bj54511_synop_est``); a day without one is written **0.00 mm** (``bj54511_synop_est0``),
  on the evidence that absent SYNOP days are dry days (``basins/check_synop_precip.py``: H1, H2
  hold; H3 set aside as mis-specified in direction, after the result was seen).  Temperature
  as on the 2013 gap's SYNOP days: TAVG (complete) shifted, TMIN/TMAX shifted where GHCN-D has
  them and they do not contradict TAVG, otherwise ``NA`` (filled by ``temp_range_monthly``
  when simulated).  Every row before 2017-03-01 is written exactly as before.
* Temperature: Beijing's TAVG/TMIN/TMAX shifted to the basin's ``[weather] elevation_m``
  by the basin's lapse rate, from the altitude of 54511 in the CMA station list
  (31.3 m; ``shared/data/stations``).  No other correction: the overlap bias is
  reported, not removed.
* Precipitation: Beijing's PRCP as observed, no factor (reasons in SOURCES.md).
* The gap 2013-01-01..2013-02-28: every value GHCN-D has is kept (PRCP on 24 of the 59
  days, TAVG on all, TMIN/TMAX on some); a day without a value is ``NA``, never
  filled in the file.  The header declares ``fill_missing: precip_zero,
  temp_range_monthly``, which is what a simulation does with those days
  (:mod:`hydro.weather`, "Days without an observation").
"""

from __future__ import annotations

import csv
import hashlib
import importlib.util
import sys
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

from hydro.weather import read_forcing_csv  # noqa: E402

GHCN = HERE / "_stations" / "GHCND_CHM00054511_BEIJING_2000-2020.csv"
GHCN_SHA256 = "0749563d7e684010d65a9bdb9b9b23039547cdb9c943b6781f0856fabdd9942c"
#: Altitude of CMA station 54511 (Beijing, Nanjiao observatory, 39.80 N 116.47 E) in the CMA
#: station list (tidymet st_met2481, shared/data/stations); GHCN-D's list says 55 m at an older
#: position.  The CMA record is homogeneous at the present site since 1997-04-01.
BEIJING_ALTITUDE_M = 31.3
FIRST, LAST_GHCN, LAST_STATION, LAST = "2000-01-01", "2013-02-28", "2017-02-28", "2020-12-31"
#: The ESTIMATE extension after the hourly stations: GHCN-D 54511, absent PRCP = 0 mm.
EXT = ("2017-03-01", LAST)
EXT_CODE, EXT_CODE_ZERO = "bj54511_synop_est", "bj54511_synop_est0"
GAP = ("2013-01-01", "2013-02-28")
LAPSE_C_PER_KM = 6.5  # the basins' [weather] lapse_c_per_km

GHCN_SOURCE = (
    "NOAA NCEI GHCN-Daily CHM00054511 BEIJING (WMO 54511), daily-summaries layout, rows 2000-2020 copied "
    "unchanged from theo-seamon/EV228-EDS-TD data/CHM00054511.csv (commit 71162531); flag s = CMA daily "
    "data set, S = GSOD from SYNOP reports"
)


def _make_basin(name: str):
    """The basin's make_basin module (for its station elevation)."""
    spec = importlib.util.spec_from_file_location(f"make_basin_{name}", HERE / name / "make_basin.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


JOBS = [
    # basin, station code, station name, hourly-station daily file, output
    ("miyun", "huairou", "Huairou", "huairou_daily_2013_2017.csv", "huairou_beijing_daily_2000_2017.csv"),
    ("guanting", "dingling", "Dingling", "dingling_daily_2013_2017.csv", "dingling_beijing_daily_2000_2017.csv"),
]


def read_ghcn(path: Path = GHCN) -> dict[str, np.ndarray]:
    """GHCN-D daily values in hydro's units (mm, degC), NaN where the file has none."""
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    if digest != GHCN_SHA256:
        raise SystemExit(f"{path}: SHA-256 {digest} differs from {GHCN_SHA256}; restore the unchanged copy")
    with path.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))

    def tenths(key):
        return np.array([float(r[key]) / 10.0 if r[key].strip() else np.nan for r in rows])

    dates = np.array([r["DATE"] for r in rows], dtype="datetime64[D]")
    assert np.all(np.diff(dates).astype(int) == 1), "GHCN rows are not consecutive days"
    flags = np.array([r["PRCP_ATTRIBUTES"].split(",")[-1] if r["PRCP_ATTRIBUTES"] else "" for r in rows])
    return {"dates": dates, "prcp": tenths("PRCP"), "tavg": tenths("TAVG"), "tmin": tenths("TMIN"),
            "tmax": tenths("TMAX"), "prcp_source_flag": flags}


def _fmt(x: float) -> str:
    if np.isnan(x):
        return "NA"
    t = f"{x:.2f}"
    return "0.00" if t == "-0.00" else t


def overlap_check(g: dict, station_file: Path, shift: float) -> dict:
    """GHCN TAVG (shifted as in the joined file) against the hourly station's daily mean,
    and GHCN PRCP on its reported days against the station's rain, 2013-03-01..2017-02-28."""
    st = read_forcing_csv(station_file)
    i0 = int((st.dates[0] - g["dates"][0]).astype(int))
    sl = slice(i0, i0 + st.n_days)
    ta = g["tavg"][sl] + shift
    ok = ~np.isnan(ta)
    d = ta[ok] - st.tmean_c[ok]
    months = st.months[ok]
    p = g["prcp"][sl]
    rep = ~np.isnan(p)
    winter = np.isin(st.months, [12, 1, 2])
    return {
        "n_days": int(ok.sum()),
        "bias_c": float(d.mean()),
        "r": float(np.corrcoef(ta[ok], st.tmean_c[ok])[0, 1]),
        "rmse_c": float(np.sqrt(np.mean(d ** 2))),
        "monthly_bias_c": [float(d[months == m].mean()) for m in range(1, 13)],
        "prcp_reported_days": int(rep.sum()),
        "station_rain_reported_days_mm": float(st.precip_mm[rep].sum()),
        "station_rain_unreported_days_mm": float(st.precip_mm[~rep].sum()),
        "station_wet_days_unreported": int(((st.precip_mm >= 1.0) & ~rep).sum()),
        "station_wet_days": int((st.precip_mm >= 1.0).sum()),
        "ghcn_over_station_reported_days": float(np.nansum(p) / st.precip_mm[rep].sum()),
        "winter_station_rain_unreported_mm": float(st.precip_mm[winter & ~rep].sum()),
        "winter_station_rain_mm": float(st.precip_mm[winter].sum()),
    }


def build(basin: str, code: str, station: str, daily_name: str, out_name: str, g: dict) -> dict:
    mb = _make_basin(basin)
    z_ref = float(mb.STATION_ELEVATION_M)
    shift = -LAPSE_C_PER_KM / 1000.0 * (z_ref - BEIJING_ALTITUDE_M)
    daily = HERE / basin / "forcing" / daily_name
    out = HERE / basin / "forcing" / out_name

    dates = g["dates"]
    sel = (dates >= np.datetime64(FIRST)) & (dates <= np.datetime64(LAST_GHCN))
    gap = (dates >= np.datetime64(GAP[0])) & (dates <= np.datetime64(GAP[1]))
    prcp = g["prcp"].copy()
    tavg = g["tavg"] + shift
    tmin = g["tmin"] + shift
    tmax = g["tmax"] + shift
    # a GHCN extreme that contradicts the day's mean (SYNOP-derived days) is not used
    bad_min = ~np.isnan(tmin) & ~np.isnan(tavg) & (tmin > tavg)
    bad_max = ~np.isnan(tmax) & ~np.isnan(tavg) & (tmax < tavg)
    tmin[bad_min] = np.nan
    tmax[bad_max] = np.nan
    ext = (dates >= np.datetime64(EXT[0])) & (dates <= np.datetime64(EXT[1]))
    before_gap = sel & ~gap
    for name, v in (("PRCP", prcp), ("TAVG", tavg), ("TMIN", tmin), ("TMAX", tmax)):
        n = int(np.isnan(v[before_gap]).sum())
        assert n == 0, f"GHCN {name}: {n} missing days in 2000-2012; the join expects none"
    gap_counts = {
        "prcp": int((~np.isnan(prcp[gap])).sum()), "tavg": int((~np.isnan(tavg[gap])).sum()),
        "tmin": int((~np.isnan(tmin[gap])).sum()), "tmax": int((~np.isnan(tmax[gap])).sum()),
        "n": int(gap.sum()), "prcp_mm": float(np.nansum(prcp[gap])),
        "dropped_extremes": int((bad_min | bad_max)[gap].sum()),
    }
    ext_counts = {
        "n": int(ext.sum()), "prcp": int((~np.isnan(prcp[ext])).sum()),
        "prcp_mm": float(np.nansum(prcp[ext])),
        "tmin": int((~np.isnan(tmin[ext])).sum()), "tmax": int((~np.isnan(tmax[ext])).sum()),
        "dropped_extremes": int((bad_min | bad_max)[ext].sum()),
    }
    assert not np.isnan(tavg[ext]).any(), "GHCN TAVG: missing days in the extension"
    # Jan-Feb totals at 54511 in the complete years, for the size of what the gap may miss
    months = dates.astype("datetime64[M]").astype(int) % 12 + 1
    years = dates.astype("datetime64[Y]").astype(int) + 1970
    janfeb = [float(prcp[(years == y) & (months <= 2)].sum()) for y in range(2000, 2013)]

    chk = overlap_check(g, daily, shift)
    lines = daily.read_text(encoding="utf-8").splitlines()
    k = next(i for i, s in enumerate(lines) if s.startswith("date,"))
    st_meta = {}
    for s in lines[:k]:
        t = s.lstrip("#").strip()
        if ":" in t:
            a, b = (x.strip() for x in t.split(":", 1))
            st_meta[a] = b
    assert lines[k] == "date,precip_mm,tmean_c,tmin_c,tmax_c", lines[k]
    station_rows = lines[k + 1:]
    assert station_rows[0].startswith("2013-03-01,") and station_rows[-1].startswith(LAST_STATION + ","), daily

    meta = {
        "station": f"Beijing 54511 (GHCN-D) {FIRST}..{LAST_GHCN}, then {station} 2013-03-01..{LAST_STATION}, "
                   f"then Beijing 54511 (GHCN-D, ESTIMATE: absent PRCP = 0 mm) {EXT[0]}..{EXT[1]}; "
                   "the column 'station' names the source of every day",
        "synthetic": "false",
        "station_codes": (f"bj54511_cma = GHCN-D CHM00054511, source flag s (CMA daily data set), complete; "
                          f"bj54511_synop = GHCN-D CHM00054511, flag S/H (GSOD from SYNOP reports), incomplete; "
                          f"{code} = {station} hourly station aggregated by basins/make_daily_weather.py "
                          f"(rows copied unchanged from forcing/{daily_name}); "
                          f"{EXT_CODE} = GHCN-D CHM00054511 flag S, PRCP as recorded, in the ESTIMATE extension "
                          f"{EXT[0]}..{EXT[1]}; {EXT_CODE_ZERO} = the same, no PRCP recorded, written 0.00 mm "
                          "(ESTIMATE: an absent SYNOP day taken as a dry day)"),
        "source_file": f"basins/_stations/{GHCN.name} + basins/{basin}/forcing/{daily_name}",
        "source_sha256": f"{GHCN_SHA256} (GHCN) {st_meta.get('source_sha256', '')} (hourly {station})",
        "source": f"{GHCN_SOURCE}; {st_meta.get('source', '')}",
        # (the gap's rows are flag S, GSOD's UTC day, as the extension's: data review, 2026-12-06)
        "time_zone": "GHCN-D/CMA day (Beijing time, precipitation day 20:00-20:00 for the CMA data set) "
                     f"until 2012-12-31; GHCN-D/GSOD day (flag S, from SYNOP reports) {GAP[0]}..{GAP[1]}; "
                     f"Beijing calendar day (hours 00-23) 2013-03-01..{LAST_STATION}; "
                     f"GHCN-D/GSOD day (flag S, from SYNOP reports) {EXT[0]}..{EXT[1]}",
        "temperature_adjustment": (f"Beijing TAVG/TMIN/TMAX {shift:+.3f} degC: lapse {LAPSE_C_PER_KM} degC/km "
                                   f"from 54511 at {BEIJING_ALTITUDE_M} m (CMA station list) to the "
                                   f"[weather] elevation_m {z_ref:g} m of {station}; no other correction"),
        "precipitation_adjustment": "none: Beijing PRCP as observed (reasons in SOURCES.md)",
        "gap_rule": (f"{GAP[0]}..{GAP[1]} ({gap_counts['n']} days) from GHCN-D flag S: every reported value kept "
                     f"(PRCP on {gap_counts['prcp']} days, {gap_counts['prcp_mm']:.1f} mm; "
                     f"TAVG on {gap_counts['tavg']}; "
                     f"TMIN on {gap_counts['tmin']}; TMAX on {gap_counts['tmax']}; "
                     f"{gap_counts['dropped_extremes']} extremes contradicting TAVG dropped); the others are NA"),
        "extension_rule": (f"ESTIMATE {EXT[0]}..{EXT[1]} ({ext_counts['n']} days) from GHCN-D flag S: PRCP as "
                           f"recorded on {ext_counts['prcp']} days ({ext_counts['prcp_mm']:.1f} mm, code {EXT_CODE}), "
                           f"0.00 mm written on the {ext_counts['n'] - ext_counts['prcp']} days without a PRCP value "
                           f"(code {EXT_CODE_ZERO}): absent SYNOP days taken as dry days (basins/check_synop_precip.py "
                           "H1, H2 hold; H3 set aside as mis-specified in direction after its result was seen; "
                           "SOURCES.md 'Weather 2013-2020: are absent SYNOP days dry?'); TAVG on every day; "
                           f"TMIN on {ext_counts['tmin']}, TMAX on {ext_counts['tmax']} "
                           f"({ext_counts['dropped_extremes']} extremes contradicting TAVG dropped), the others NA"),
        "fill_missing": "precip_zero, temp_range_monthly",
        "fill_note": ("a simulation takes an NA precipitation as 0 mm (lower bound) and an NA tmin/tmax as tmean "
                      "-/+ the calendar month's mean departure in this file (hydro.weather); Jan-Feb at 54511 "
                      f"2000-2012: {np.mean(janfeb):.1f} mm on average ({min(janfeb):.1f}-{max(janfeb):.1f}); "
                      f"in Dec-Feb 2013-2017 {chk['winter_station_rain_unreported_mm']:.1f} of "
                      f"{chk['winter_station_rain_mm']:.1f} mm at {station} fell on days GHCN-D did not report"),
        "overlap_check": (f"2013-03-01..{LAST_STATION}, GHCN TAVG (shifted) minus {station} daily mean: bias "
                          f"{chk['bias_c']:+.2f} degC, r {chk['r']:.3f}, RMSE {chk['rmse_c']:.2f} degC, "
                          f"n {chk['n_days']}"),
        "produced_by": "basins/make_weather_2000.py",
        "columns": ("date = calendar day, ISO YYYY-MM-DD; precip_mm = precipitation, mm d-1; tmean_c = daily mean "
                    "air temperature, degC; tmin_c = daily minimum air temperature, degC; tmax_c = daily maximum "
                    "air temperature, degC; station = source of the day's values (station_codes)"),
    }
    text = ["# hydro daily forcing"] + [f"# {k_}: {v}" for k_, v in meta.items()]
    text.append("date,precip_mm,tmean_c,tmin_c,tmax_c,station")
    for i in np.flatnonzero(sel):
        c = "bj54511_synop" if gap[i] else "bj54511_cma"
        text.append(f"{dates[i]},{_fmt(prcp[i])},{_fmt(tavg[i])},{_fmt(tmin[i])},{_fmt(tmax[i])},{c}")
    text += [f"{row},{code}" for row in station_rows]
    for i in np.flatnonzero(ext):
        c, p = (EXT_CODE, prcp[i]) if not np.isnan(prcp[i]) else (EXT_CODE_ZERO, 0.0)
        text.append(f"{dates[i]},{_fmt(p)},{_fmt(tavg[i])},{_fmt(tmin[i])},{_fmt(tmax[i])},{c}")
    out.write_text("\n".join(text) + "\n", encoding="utf-8")
    return {"out": out, "shift": shift, "z_ref": z_ref, "gap": gap_counts, "ext": ext_counts, "check": chk,
            "janfeb": janfeb}


def main() -> int:
    g = read_ghcn()
    for job in JOBS:
        r = build(*job, g)
        c = r["check"]
        print(f"{r['out'].relative_to(ROOT)}: Beijing shifted {r['shift']:+.3f} degC to {r['z_ref']:g} m")
        print(f"  overlap 2013-03..2017-02 (n={c['n_days']}): TAVG bias {c['bias_c']:+.3f} degC, r {c['r']:.4f}, "
              f"RMSE {c['rmse_c']:.2f}; monthly bias " + " ".join(f"{b:+.2f}" for b in c["monthly_bias_c"]))
        print(f"  PRCP: GHCN reported {c['prcp_reported_days']} days; station rain on them "
              f"{c['station_rain_reported_days_mm']:.1f} mm, on the others "
              f"{c['station_rain_unreported_days_mm']:.1f} mm "
              f"({c['station_wet_days_unreported']} of {c['station_wet_days']} days >= 1 mm); GHCN/station on reported "
              f"days {c['ghcn_over_station_reported_days']:.3f}")
        print(f"  gap: {r['gap']}")
        print(f"  extension (ESTIMATE, absent PRCP = 0): {r['ext']}")
        f = read_forcing_csv(r["out"], allow_missing=True)
        years = f.years
        for y in np.unique(years):
            s = years == y
            print(f"  {y}: {np.nansum(f.precip_mm[s]):7.1f} mm ({int(np.isnan(f.precip_mm[s]).sum())} NA), "
                  f"tmean {np.nanmean(f.tmean_c[s]):5.2f} degC")
    return 0


if __name__ == "__main__":
    sys.exit(main())
