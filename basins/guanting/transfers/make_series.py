"""Write the Guanting transfer series (run: python basins/guanting/transfers/make_series.py).

Every volume is published (basins/guanting/SOURCES.md, section 17); only the spreading over
days or months is ours, by the rules stated here and there (ESTIMATE).
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
DAY = 86400.0


def write(name: str, header: list[str], rows: list[str]) -> None:
    (HERE / name).write_text("\n".join(header + rows) + "\n", encoding="utf-8")


# --- Cetian concentrated release, 11th Shanxi-Hebei transfer to Beijing --------------------
# Before 2003 there were no concentrated transfers ("since 2003": Wang & Sun 2006; Yang, Wang,
# Bai 2022, SOURCES.md section 2), so in 2000-2002 Cetian releases its rule's base 0.5 m3/s all
# year, without the 2.5 m3/s of April-May and October-November that stand for those transfers
# (section 10, ESTIMATE).
BEFORE_TRANSFERS = (date(2000, 1, 1), date(2002, 12, 31), 0.5)
a0, b0, q0 = BEFORE_TRANSFERS
rows = [f"{(a0 + timedelta(days=i)).isoformat()},{q0:.4f}" for i in range((b0 - a0).days + 1)]
a, b, volume = date(2014, 11, 5), date(2014, 12, 4), 17.5e6
q = volume / (((b - a).days + 1) * DAY)
rows += [f"{(a + timedelta(days=i)).isoformat()},{q:.4f}" for i in range((b - a).days + 1)]
write("cetian_release_daily.csv", [
    "# Cetian reservoir releases towards Guanting, daily mean flow, m3/s; the reservoir's rule",
    "# (target_release_m3_s) applies on every other day.",
    "#   2000-01-01..2002-12-31: 0.5 m3/s, the rule's base without its spring and autumn transfers,",
    "#   which began in 2003 (Wang & Sun 2006, Beijing Water 2006(5); SOURCES.md sections 2, 10).",
    "#   2014-11-05..2014-12-04: 17.5e6 m3. 11th Shanxi-Hebei transfer from 2014-11-05, Yunzhou",
    "#   and Cetian together 35e6 m3 (China Water 2014-11-05). ESTIMATE: half from Cetian, 30 days.",
    "date,flow_m3_s",
], rows)

# --- Yellow River water via the Wanjiazhai North Main Line into the Sanggan ---------------
# spring ecological transfers; each published volume spread evenly over the days of its
# period, then summed by month (ESTIMATE)
EVENTS = [  # (periods, volume m3, source)
    ([(date(2019, 3, 1), date(2019, 5, 31))], 1.6e8,
     "spring 2019 transfer March-May 1.6e8 m3 'including Yellow River water via Wanjiazhai' "
     "(CCTV 2019-03-18); all of it counted as Yellow River water: ESTIMATE (upper bound)"),
    ([(date(2022, 1, 1), date(2022, 2, 20)), (date(2022, 4, 11), date(2022, 7, 15))], 1.51e8,
     "spring 2022, two phases 01-01..02-20 and 04-11..07-15, about 1.51e8 m3 "
     "(Xinhua 2022-04-19, repost sx2888.com)"),
]
monthly: dict[tuple[int, int], float] = {}
for periods, volume, _ in EVENTS:
    n = sum((e - s).days + 1 for s, e in periods)
    for s, e in periods:
        d = s
        while d <= e:
            monthly[(d.year, d.month)] = monthly.get((d.year, d.month), 0.0) + volume / n
            d += timedelta(days=1)
rows = []
for year in sorted({y for y, _ in monthly}):
    months = [m for (y, m) in monthly if y == year]
    for m in range(min(months), max(months) + 1):
        rows.append(f"{year}-{m:02d},{monthly.get((year, m), 0.0) / 1e6:.3f}")
write("yellow_river_monthly.csv", [
    "# Yellow River water from Wanjiazhai (North Main Line, tunnel 1 -> Qili River -> Sanggan),",
    "# 10^6 m3 by month. Months not listed carry no transfer in the model: the 2017-2021 total of",
    "# about 8.99e8 m3 (Xinhua 2022-04-19) is not published by year (gap, SOURCES.md section 17).",
    *[f"#   {p[0][0]}..{p[-1][1]}: {v / 1e8:.2f}e8 m3 ({s})" for p, v, s in EVENTS],
    "date,volume_mcm",
], rows)
