"""Write the Miyun transfer series (run: python basins/miyun/transfers/make_series.py).

Every volume is published (basins/miyun/SOURCES.md, section "Transfers and operations");
only the spreading over days or months is ours, by the rules stated here and there (ESTIMATE).
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
DAY = 86400.0


def days(a: date, b: date):
    d = a
    while d <= b:
        yield d
        d += timedelta(days=1)


def write(name: str, header: list[str], rows: list[str]) -> None:
    (HERE / name).write_text("\n".join(header + rows) + "\n", encoding="utf-8")


# --- South-to-North (Middle Route) water pumped into Miyun --------------------------------
# cumulative volumes published at dates; each increment is spread evenly over the days
# between the two dates (ESTIMATE: the daily pumping is not published)
SNWD = [  # (from, to, volume m3, source)
    (date(2015, 9, 11), date(2015, 12, 31), 0.53e8,
     "first water 2015-09-11 (Xinhua 2021-05-28); 1.6e8 by 2016-09-20 of which 1.07e8 in 2016 "
     "(Xinhua 2016-09-20) -> 0.53e8 in 2015"),
    (date(2016, 1, 1), date(2016, 9, 20), 1.07e8, "1.07e8 in 2016 to 20 Sept (Xinhua 2016-09-20)"),
    (date(2016, 9, 21), date(2019, 12, 12), 4.5e8 - 1.6e8,
     "> 4.5e8 in total by 2019-12-12 (Xinhua 2019-12-12) less 1.6e8 by 2016-09-20"),
    (date(2019, 12, 13), date(2020, 8, 28), 5.0e8 - 4.5e8,
     "> 5e8 in total by end of Aug 2020 (Xinhua 2020-08-28) less 4.5e8 by 2019-12-12"),
]
rows = []
for a, b, volume, _ in SNWD:
    n = (b - a).days + 1
    q = volume / (n * DAY)
    rows += [f"{d.isoformat()},{q:.4f}" for d in days(a, b)]
write("snwd_miyun_daily.csv", [
    "# South-to-North Water Diversion (Middle Route) water pumped from Tuancheng Lake into Miyun",
    "# reservoir (9 pumping stations, 103 km). Daily mean flow, m3/s. ESTIMATE by a stated rule:",
    "# each published cumulative increment is spread evenly over the days between its dates:",
    *[f"#   {a}..{b}: {v / 1e8:.2f}e8 m3 ({s})" for a, b, v, s in SNWD],
    "# Days outside 2015-09-11..2020-08-28 carry no transfer. Sources: basins/miyun/SOURCES.md,",
    "# 'Transfers and operations'. TN of the water: basin.toml [[transfers]] snwd_miyun.",
    "date,flow_m3_s",
], rows)

# --- Miyun supply (release out of the basin) by year, spread over months by days ----------
# 2000-2011: no yearly figure found (searched: Beijing Water Resources Bulletin, news of 2000-2012;
# SOURCES "Water 2000-2017 (issue 13)"). Two ESTIMATEs:
# - 2000-2004 and 2011: 3.5e8 m3/yr, the middle of "3-4e8 m3 a year" that Miyun supplied before
#   the South-to-North water (Xinhua 2019-12-12); bounds: 1999 4.9e8 (Beijing Forestry Society,
#   SOURCES S2), 2012 < 4e8 (Xinhua 2013-08-08).
# - 2005-2010: 1.9e8 m3/yr by the published water balance: storage was 1.0036e9 on 2005-08-24
#   (Beijing Morning Post 2005-08-25) and 1.01376e9 on 2008-09-10 (Jingbao 2008-09-11), unchanged
#   in three years, while the published inflow to 10 September was 1.18e8 (2007) and 2.6e8 (2008):
#   supply + net evaporation about equal to inflow, 1.9e8 (the mean of the two), with Yunzhou's
#   0.17e8/yr and the net evaporation (about 0.2e8 over 70-90 km2) taken as cancelling. Beijing's
#   emergency well fields (Huairou, Pinggu, Fangshan: 3.6e8 m3 supplied by Aug 2005, same Morning
#   Post item) and from Sept 2008 the Hebei reservoirs took over part of Miyun's supply.
SUPPLY_HIGH = (3.5e8, "ESTIMATE: middle of '3-4e8 a year' before the South-to-North water "
                      "(Xinhua 2019-12-12); not published by year")
SUPPLY_LOW = (1.9e8, "ESTIMATE by water balance: storage unchanged 2005-08-24..2008-09-10 "
                     "(1.0036e9, 1.01376e9), inflow to 10 Sept 1.18e8 (2007) and 2.6e8 (2008)")
SUPPLY = {  # year: (volume m3, source)
    **{y: SUPPLY_HIGH for y in range(2000, 2005)},
    **{y: SUPPLY_LOW for y in range(2005, 2011)},
    2011: SUPPLY_HIGH,
    2012: (4.0e8, "ESTIMATE: the upper bound of '2012 outflow < 4e8' (Xinhua 2013-08-08)"),
    2013: (4.0e8, "ESTIMATE: 2012 outflow < 4e8 and 2013 'at the same level' (Xinhua 2013-08-08)"),
    2014: (6.62e8, "The Beijing News 2017-07-18"),
    2015: (1.22e8, "The Beijing News 2017-07-18"),
    2016: (1.42e8, "The Beijing News 2017-07-18"),
    2017: (1.42e8, "ESTIMATE: 2016's volume (after the South-to-North water arrived the supply "
                   "is 'about 1e8 a year', Xinhua 2019-12-12)"),
}
rows = []
for year, (volume, _) in SUPPLY.items():
    n_year = 366 if calendar.isleap(year) else 365
    for m in range(1, 13):
        n = calendar.monthrange(year, m)[1]
        rows.append(f"{year}-{m:02d},{volume * n / n_year / 1e6:.3f}")
write("miyun_supply_monthly.csv", [
    "# Miyun reservoir supply (outflow to Beijing) by month, 10^6 m3. Published by calendar year;",
    "# ESTIMATE spread: each year's volume over its months in proportion to their days.",
    *[f"#   {y}: {v / 1e8:.2f}e8 m3 ({s})" for y, (v, s) in SUPPLY.items()],
    "# Years not listed follow the reservoir's rule, target_release_m3_s (S8.8).",
    "date,volume_mcm",
], rows)

# --- Yunzhou concentrated releases to Beijing (Baihebao/Miyun) ----------------------------
YUNZHOU_SINCE_2004 = 1.5e8   # "once a year since 2004, 1.5e8 m3 in all" (Hebei News 2013-05-25)
YUNZHOU_2009 = 10.22e6       # 2009-10-24..11-19 (MWR China River Sediment Bulletin 2009, p. 45)
# the other eight of the nine releases 2004-2012: the rest of the total, in equal parts (ESTIMATE),
# on the 2009 release's dates (27 days from 24 October; ESTIMATE: no other dates published)
YUNZHOU_OTHER = (YUNZHOU_SINCE_2004 - YUNZHOU_2009) / 8
YUNZHOU = [  # (from, to, volume m3, source)
    *[(date(y, 10, 24), date(y, 11, 19), YUNZHOU_OTHER,
       "ESTIMATE: (1.5e8 since 2004 (Hebei News 2013-05-25) - 10.22e6 in 2009) / 8, "
       "on the 2009 dates") for y in (2004, 2005, 2006, 2007, 2008)],
    (date(2009, 10, 24), date(2009, 11, 19), YUNZHOU_2009,
     "10.22e6 m3 released, 6.84e6 received at Miyun (MWR China River Sediment Bulletin 2009, p. 45)"),
    *[(date(y, 10, 24), date(y, 11, 19), YUNZHOU_OTHER,
       "ESTIMATE: (1.5e8 since 2004 (Hebei News 2013-05-25) - 10.22e6 in 2009) / 8, "
       "on the 2009 dates") for y in (2010, 2011, 2012)],
    (date(2013, 5, 20), date(2013, 6, 18), 12.5e6,
     "plan 10-15e6 m3 over about 30 days, gates opened a few days before 2013-05-24 "
     "(Hebei News 2013-05-25); ESTIMATE: mid-plan volume, 30 days from 05-20"),
    (date(2014, 11, 5), date(2014, 12, 4), 17.5e6,
     "11th Shanxi-Hebei transfer from 2014-11-05, Yunzhou and Cetian together 35e6 m3 "
     "(China Water 2014-11-05); ESTIMATE: half from Yunzhou, over 30 days"),
]
rows = []
for a, b, volume, _ in YUNZHOU:
    q = volume / (((b - a).days + 1) * DAY)
    rows += [f"{d.isoformat()},{q:.4f}" for d in days(a, b)]
write("yunzhou_release_daily.csv", [
    "# Yunzhou reservoir concentrated releases towards Beijing, daily mean flow, m3/s; the",
    "# reservoir's rule (target_release_m3_s) applies on every other day.",
    *[f"#   {a}..{b}: {v / 1e6:.1f}e6 m3 ({s})" for a, b, v, s in YUNZHOU],
    "date,flow_m3_s",
], rows)

# --- Baihebao transfer to Miyun ----------------------------------------------------------
BAIHEBAO = [  # (from, to, volume m3, source)
    (date(2003, 3, 1), date(2003, 3, 31), 40e6,
     "40e6 m3 to Miyun in March 2003 (Beijing Morning Post 2003-03-15); ESTIMATE: evenly over March"),
]
rows = []
for a, b, volume, _ in BAIHEBAO:
    q = volume / (((b - a).days + 1) * DAY)
    rows += [f"{d.isoformat()},{q:.4f}" for d in days(a, b)]
write("baihebao_release_daily.csv", [
    "# Baihebao reservoir releases towards Miyun, daily mean flow, m3/s; the reservoir's rule",
    "# (target_release_m3_s) applies on every other day. The 2004 transfer of 1.3e8 m3 from",
    "# Baihebao, Yaoqiaoyu and Dashuiyu together (Beijing Morning Post 2005-08-25) is not split by",
    "# reservoir in the source: not in the file (gap).",
    *[f"#   {a}..{b}: {v / 1e6:.1f}e6 m3 ({s})" for a, b, v, s in BAIHEBAO],
    "date,flow_m3_s",
], rows)
