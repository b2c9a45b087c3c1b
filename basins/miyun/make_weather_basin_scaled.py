"""Rescale the Miyun forcing's precipitation to published basin-average totals (ESTIMATE).

Re-runnable: ``python basins/miyun/make_weather_basin_scaled.py`` reads
``forcing/huairou_beijing_daily_2000_2017.csv`` (written by ``basins/make_weather_2000.py``;
left unchanged) and writes ``forcing/huairou_beijing_basin_scaled_2000_2017.csv``, the file
``basin.toml`` names in ``[weather] csv``.

Why: 2000-2012 of the forcing is one plains gauge (Beijing 54511), and the subbasin factors
(published normals / 594.6 mm, SOURCES S8.4) carry its year-to-year swings unchanged to the
uplands.  Where the Beijing Water Authority published the *basin-average* precipitation of the
Miyun reservoir watershed (密云水库流域平均降雨量) for a period, the series is rescaled so that
the model's basin-average precipitation over that period equals the published figure.

Rule (ratio method, ESTIMATE; SOURCES "Upland precipitation (issue 13)"):

* the model's basin-average precipitation on a day is ``F x P_station``, with ``F`` the
  area-weighted mean of the subbasin precipitation factors (as written to basin.toml,
  three decimals; 0.867);
* for each published window [first, last] with basin-average total ``P_pub``, every day's
  precipitation in the window is multiplied by ``k = P_pub / (F x sum of P_station)``: the
  daily pattern is kept, the window total becomes the published one;
* days outside the published windows are copied as text; temperatures and the ``station``
  column are never changed; an ``NA`` stays ``NA``.

Published windows (the only basin-average figures found for 2000-2016, SOURCES; searched again for
2000-2011, 2014 and 2015 on 2026-12-01 without result, basins/RESEARCH_GAPS.md):

* 2013-06-01..2013-08-06: 294 mm, and 2012-06-01..2012-08-06: 294 - 60 = 234 mm
  ("6月1日入汛以来,密云水库流域平均降雨量达到294毫米,比2012年同期增加了60毫米";
  Xinhua, Guan Guifeng, 2013-08-08, "北京密云水库蓄水量11年来首破12亿立方米", citing the
  Beijing water authority; the day the count ended is not stated: the storage figure of the
  same article is of 2013-08-06 08:00, and 2013-08-07 adds 2.1 mm at Huairou, 2012-08-07 none
  at Beijing).

* 2016-01-01..2016-09-20: 450.3 mm "upstream of the reservoir" (multi-year mean of the same window
  455.5 mm; Beijing Youth Daily 2016-09-21, quoting the Beijing Water Authority's dispatch centre,
  repost beijing.qianlong.com/2016/0921/948285.shtml; recorded in SOURCES "Water: published points
  of 2026-11-30").  The same article's storage (1.4992e9 m3) and rain-fed inflow (3.4e8 m3) are of
  2016-09-20 08:00, so the count is taken to end on 2016-09-20.  The July 2016 storm was heaviest on
  Beijing's plains and piedmont: Huairou recorded 574.4 mm over the window, the model's basin average
  (F x 574.4) 498.1 mm, 11 % above the published upland figure.

Check, not used as a window: the storm of 24-25 June 2012 gave a basin average of 28 mm
(China News Service, Liu Lizhi and Yin Li, 2012-06-25, citing the Beijing water authority);
the rescaled file gives F x k x (8.4 + 41.9 mm) = 28.7 mm on 2012-06-24/25, the unscaled one 43.6.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

HERE = Path(__file__).resolve().parent
SOURCE = HERE / "forcing" / "huairou_beijing_daily_2000_2017.csv"
TARGET = HERE / "forcing" / "huairou_beijing_basin_scaled_2000_2017.csv"

#: published basin-average precipitation of the Miyun reservoir watershed, mm, by window
WINDOWS = [
    # first, last, P_pub mm, source
    ("2012-06-01", "2012-08-06", 234.0, "Xinhua 2013-08-08 (Guan Guifeng): 294 mm in 2013 from 1 June, 60 mm more than 2012"),
    ("2013-06-01", "2013-08-06", 294.0, "Xinhua 2013-08-08 (Guan Guifeng): 294 mm since 1 June 2013"),
    ("2016-01-01", "2016-09-20", 450.3, "Beijing Youth Daily 2016-09-21: 450.3 mm upstream of the reservoir since 1 January"),
]


#: What a scaled day's ``station`` code gets: its precipitation is no longer the station's.
SCALED_SUFFIX = "_scaled"


def mean_factor() -> float:
    """Area-weighted mean precip_factor of the subbasins, as make_basin.py writes them."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("miyun_make_basin", HERE / "make_basin.py")
    mb = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mb)
    area = sum(float(s[2]) for s in mb.SUBBASINS)
    return sum(float(s[2]) * round(s[6] / mb.STATION_PRECIP_MM, 3) for s in mb.SUBBASINS) / area


def build() -> tuple[str, list[tuple[str, str, float, float, float]]]:
    text = SOURCE.read_text(encoding="utf-8")
    lines = text.splitlines()
    head = [s for s in lines if s.startswith("#")]
    body = [s for s in lines if not s.startswith("#")]
    cols = body[0].split(",")
    i_date, i_p, i_st = cols.index("date"), cols.index("precip_mm"), cols.index("station")
    f = mean_factor()
    factors = []
    for first, last, p_pub, _ in WINDOWS:
        total = sum(float(r.split(",")[i_p]) for r in body[1:]
                    if first <= r.split(",")[0] <= last and r.split(",")[i_p] != "NA")
        factors.append((first, last, p_pub, f * total, p_pub / (f * total)))
    out_rows = [body[0]]
    for r in body[1:]:
        parts = r.split(",")
        for first, last, _, _, k in factors:
            if first <= parts[i_date] <= last and parts[i_p] != "NA":
                parts[i_p] = f"{float(parts[i_p]) * k:.2f}"
                parts[i_st] += SCALED_SUFFIX  # not the station's value any more (data review, 2026-12-06)
        out_rows.append(",".join(parts))
    sha = hashlib.sha256(SOURCE.read_bytes()).hexdigest()
    windows = "; ".join(f"{a}..{b} x {k:.4f} (published {p:g} mm, model basin average unscaled {m:.1f} mm)"
                        for a, b, p, m, k in factors)
    scaled_codes = sorted({r.split(",")[i_st] for r in out_rows[1:] if r.split(",")[i_st].endswith(SCALED_SUFFIX)})
    new_head = []
    for s in head:
        if s.startswith("# precipitation_adjustment:"):
            s = ("# precipitation_adjustment: ESTIMATE, ratio method: inside each window below every day's precip_mm "
                 f"is multiplied by k = published basin-average total / ({f:.4f} x station total), {f:.4f} being the "
                 "area-weighted mean subbasin precip_factor, so that the model's basin-average precipitation over "
                 "the window is the published one; outside them precip_mm as in the source file "
                 "(basins/miyun/make_weather_basin_scaled.py; SOURCES.md 'Upland precipitation (issue 13)')")
        elif s.startswith("# station_codes:"):
            s += "".join(f"; {c} = {c[:-len(SCALED_SUFFIX)]}'s day with precip_mm multiplied by its window's k "
                         "(basin_scaled_windows: ESTIMATE, a ratio to a published basin-average total)"
                         for c in scaled_codes)
        elif s.startswith("# produced_by:"):
            s = "# produced_by: basins/make_weather_2000.py, then basins/miyun/make_weather_basin_scaled.py"
        new_head.append(s)
        if s.startswith("# precipitation_adjustment:"):
            new_head.append(f"# basin_scaled_windows: {windows}")
            new_head.append("# basin_scaled_source: Xinhua (Guan Guifeng) 2013-08-08 '北京密云水库蓄水量11年来首破12亿立方米', "
                            "citing the Beijing water authority: Miyun watershed average rainfall since 1 June 294 mm in 2013, "
                            "60 mm more than the same period of 2012 (windows 2012 and 2013); Beijing Youth Daily 2016-09-21 "
                            "(beijing.qianlong.com/2016/0921/948285.shtml), quoting the Beijing Water Authority's dispatch centre: "
                            "450.3 mm upstream of the reservoir from 1 January to 20 September 2016, multi-year mean 455.5 mm "
                            "(window 2016)")
            new_head.append(f"# basin_scaled_from: forcing/huairou_beijing_daily_2000_2017.csv sha256 {sha}")
    return "\n".join(new_head + out_rows) + "\n", factors


def main() -> None:
    text, factors = build()
    TARGET.write_text(text, encoding="utf-8")
    for a, b, p, m, k in factors:
        print(f"{a}..{b}: published {p:g} mm, model basin average before {m:.1f} mm, k = {k:.4f}")
    print(f"wrote {TARGET}")


if __name__ == "__main__":
    main()
