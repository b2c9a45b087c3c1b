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


# --- Cetian concentrated releases towards Guanting ------------------------------------------
# Before 2003 there were no concentrated transfers ("since 2003": Wang & Sun 2006; Yang, Wang,
# Bai 2022, SOURCES.md section 2), so in 2000-2002 Cetian releases its rule's base 0.5 m3/s all
# year, without the 2.5 m3/s of April-May and October-November that stand for those transfers
# (section 10, ESTIMATE).
BASE_M3_S = 0.5   # the rule's base (section 10, ESTIMATE)
BEFORE_TRANSFERS = (date(2000, 1, 1), date(2002, 12, 31), BASE_M3_S)
# Autumn transfers with a published date (SOURCES "Operations as published (issue 13)"): the
# published or ESTIMATE Cetian volume spread evenly over the published or ESTIMATE days; the
# rest of that October-November (which the rule's 2.5 m3/s stands for) at the base 0.5 m3/s, so
# that the transfer is not counted twice.
PULSES = [  # (first day, last day, Cetian volume m3, comment line)
    (date(2005, 10, 17), date(2005, 11, 5), 60e6,
     "2005-10-17..11-05: 60e6 m3. Third transfer: 'about 60 million cubic metres came from the "
     "Cetian Reservoir' of the nearly 100e6 m3 of a 20-day transfer whose water reached Beijing on "
     "2005-10-20 after three days (China Daily 2005-10-19). ESTIMATE: the 20 days from 10-17, evenly."),
    (date(2010, 10, 15), date(2010, 10, 31), 0.72 * 25e6,
     "2010-10-15..10-31: 18e6 m3. Eighth transfer: Cetian opened 2010-10-15 10:00, with Huliuhe, "
     "Taipingzhuang and Xiyanghe 25e6 m3 to Guanting, to end by late October (Xinhua 2010-10-15). "
     "ESTIMATE: Cetian's share 0.72 = its share of the 2005 releases towards Guanting (60 of 83e6)."),
    (date(2014, 11, 5), date(2014, 12, 4), 17.5e6,
     "2014-11-05..12-04: 17.5e6 m3. 11th Shanxi-Hebei transfer from 2014-11-05, Yunzhou and Cetian "
     "together 35e6 m3 (China Water 2014-11-05). ESTIMATE: half from Cetian, 30 days."),
    # past the station record (2020): only runs on generated weather see it (SOURCES 'Plan
    # period 2021-2027 (issue 13)')
    (date(2022, 3, 15), date(2022, 3, 21), 10e6,
     "2022-03-15..03-21: 10e6 m3. Cetian's concentrated transfer 'from 15 to 21 March, 10e6 m3 to "
     "the Yongding, Guanting to receive about 7e6' under the MWR 2022 Yongding schedule; the water "
     "reached Bahaoqiao on 03-19 (Beijing Daily (Wang Tianqi) 2022-03-29, copy njpanjin.com; "
     "Beijing Youth Daily 2022-03-29). ESTIMATE: the scheduled volume taken as released, evenly."),
]
flows: dict[date, float] = {}
a0, b0, q0 = BEFORE_TRANSFERS
for i in range((b0 - a0).days + 1):
    flows[a0 + timedelta(days=i)] = q0
for a, b, volume, _ in PULSES:
    if a.month in (10, 11):   # the autumn the rule stands for: base flow on its other days
        d = date(a.year, 10, 1)
        while d <= date(a.year, 11, 30):
            flows[d] = BASE_M3_S
            d += timedelta(days=1)
    q = volume / (((b - a).days + 1) * DAY)
    for i in range((b - a).days + 1):
        flows[a + timedelta(days=i)] = q
rows = [f"{d.isoformat()},{flows[d]:.4f}" for d in sorted(flows)]
write("cetian_release_daily.csv", [
    "# Cetian reservoir releases towards Guanting, daily mean flow, m3/s; the reservoir's rule",
    "# (target_release_m3_s) applies on every other day (SOURCES.md sections 10, 17 and",
    "# 'Operations as published (issue 13)').",
    "#   2000-01-01..2002-12-31: 0.5 m3/s, the rule's base without its spring and autumn transfers,",
    "#   which began in 2003 (Wang & Sun 2006, Beijing Water 2006(5); SOURCES.md sections 2, 10).",
    "#   In each October-November holding a published transfer: the rule's base 0.5 m3/s outside it.",
    *[f"#   {c}" for *_, c in PULSES],
    "date,flow_m3_s",
], rows)

# --- Guanting's own release: none from October 2007 to 12 March 2008 -------------------------
# "from October last year Guanting has not released water once" (一次也不放水了), Guanting
# Reservoir Management Office on 2008-03-12 (Yanzhao Metropolis Daily 2008-03-17): zero on every
# day of 2007-10-01..2008-03-12; the rule (target_release_m3_s) on every other day.
a, b = date(2007, 10, 1), date(2008, 3, 12)
rows = [f"{(a + timedelta(days=i)).isoformat()},0.0" for i in range((b - a).days + 1)]
# Spring 2020 ecological release to the Yongding: the gates opened on 2020-04-20 at 08:00; by
# 2020-05-12 15:18 the outflow was 1.47e8 m3 (Xinhua, Guan Guifeng, 2020-05-12: 累计出库水量为1.47亿
# 立方米; "more than 1.4e8", The Beijing News 2020-05-13), the level 476.58 -> 475.19 m. The volume
# spread evenly over the 23 calendar days 04-20..05-12 (ESTIMATE: the spreading; the flow by day
# was not published). After 05-12 the rule: the plan of 2.6e8 m3 for the year had no dates.
a, b = date(2020, 4, 20), date(2020, 5, 12)
n = (b - a).days + 1
q2020 = 1.47e8 / (n * DAY)
rows += [f"{(a + timedelta(days=i)).isoformat()},{q2020:.3f}" for i in range(n)]
# Autumn 2022 ecological release (past the station record; SOURCES 'Plan period 2021-2027
# (issue 13)'): from 2022-09-22 through the power tunnel at 40 m3/s, to last to 11-21, 'Guanting
# 1.34e8 m3' of the 1.4e8 m3 for the Yongding (China News Service (Chen Hang, Xu Rui) 2022-09-22,
# copy theywantyoudead.com/gn/2022/09-22/9858370.shtml). ESTIMATE: the scheduled volume taken as
# released, evenly over the 61 days. The spring 2022 release ('2.9e8 m3 from Guanting', Beijing
# Daily 2022-03-29) has no end date: not in the file.
a, b = date(2022, 9, 22), date(2022, 11, 21)
n = (b - a).days + 1
q2022 = 1.34e8 / (n * DAY)
rows += [f"{(a + timedelta(days=i)).isoformat()},{q2022:.3f}" for i in range(n)]
write("guanting_release_daily.csv", [
    "# Guanting reservoir release, daily mean flow, m3/s; the reservoir's rule (target_release_m3_s)",
    "# applies on every other day (SOURCES.md 'Operations as published (issue 13)' and",
    "# 'Where Guanting's water goes (issue 13, 2026-12-01)').",
    "#   2007-10-01..2008-03-12: 0. 'From October last year Guanting has not released water once'",
    "#   (Guanting Reservoir Management Office, 2008-03-12; Yanzhao Metropolis Daily (Li Yanhong)",
    "#   2008-03-17, via news.sina.com.cn/c/2008-03-17/005915161020.shtml).",
    f"#   2020-04-20..2020-05-12: {q2020:.3f} = 1.47e8 m3 released from 2020-04-20 08:00 to 05-12 15:18",
    "#   (Xinhua (Guan Guifeng) 2020-05-12, repost kungfu-fish.com/myly/9279.html; The Beijing News",
    "#   2020-05-13, repost nicksells413.com/socity/202005/151382.html), spread evenly over the 23 days",
    "#   (ESTIMATE: the spreading).",
    f"#   2022-09-22..2022-11-21: {q2022:.3f} = 1.34e8 m3 scheduled from Guanting for the autumn",
    "#   Yongding release from 2022-09-22 (China News Service 2022-09-22, copy",
    "#   theywantyoudead.com/gn/2022/09-22/9858370.shtml); ESTIMATE: taken as released, evenly.",
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
    # Past the station record (2020): only runs on generated weather see these; SOURCES 'Plan
    # period 2021-2027 (issue 13)'. Autumn windows: 10-01..12-31, published for 2024 (Beijing
    # Daily app (Bai Bo) 2024-10-01), ESTIMATE for 2021-2023. Spring 2023-2024 at the 10 m3/s
    # published for spring 2023, from 1 February (ESTIMATE).
    ([(date(2021, 1, 1), date(2021, 4, 20))], 80.93e6,
     "8093e4 m3 out of North Main Line tunnel 1 from 2021-01-01 to 04-20 (Xinhua (Wang Feihang) "
     "2021-04-27, copy yexian114.com/guonei/119380.html); evenly"),
    ([(date(2021, 4, 21), date(2021, 6, 26))], 1.37e8 - 80.93e6,
     "spring 2021 about 1.37e8 m3 (Xinhua 2021-04-27, and 1.51e8 in 2022 'about 0.14e8 more', "
     "Xinhua 2022-04-19) less the 80.93e6 to 04-20; ESTIMATE: at the 9.7 m3/s of 2021-04-27 "
     "(67 days)"),
    ([(date(2021, 10, 1), date(2021, 12, 31))], 2.06e8 - 1.37e8,
     "2021 plan about 2.06e8 m3 of which spring about 1.37e8 (Xinhua 2021-04-27): the rest "
     "ESTIMATE as the autumn transfer (a plan, no delivered autumn volume found)"),
    ([(date(2022, 10, 1), date(2022, 12, 31))], 239.159e6 - 1.51e8,
     "2022 delivered 23915.9e4 m3 in a spring and an autumn transfer (Xinhua (Wang Feihang) "
     "2023-01-11, copy lygmedia.com/gdcm/20230111/11132148.html) less the spring 1.51e8: "
     "ESTIMATE by difference"),
    ([(date(2023, 2, 1), date(2023, 5, 27))], 1.0e8,
     "2023 plan 1.65e8 m3, spring about 1e8 at a mean 10 m3/s (CRNTT 2023-02-14 citing Xinhua, "
     "49.213.0.198/doc/7_0_106596430_1.html); ESTIMATE: the plan taken as delivered, 116 days"),
    ([(date(2023, 10, 1), date(2023, 12, 31))], 1.65e8 - 1.0e8,
     "2023 plan 1.65e8 less the spring 1e8 (same item): ESTIMATE, the plan taken as delivered"),
    ([(date(2024, 2, 1), date(2024, 4, 27))], 199.991e6 - 1.25e8,
     "2024 delivered 19999.1e4 m3 in a spring and an autumn transfer, plan 2.55e8 cut by the "
     "flood-season rain (CCTV (Wang Yuejun, Meng Leilei), copy chujupifa.com/read/"
     "-dy-article-JMBTOCCG051497H3.html) less the autumn 1.25e8: ESTIMATE by difference, at "
     "10 m3/s (87 days)"),
    ([(date(2024, 10, 1), date(2024, 12, 31))], 1.25e8,
     "autumn 2024 from 10-01 to 12-31 at 15-18 m3/s, about 1.25e8 m3 (Beijing Daily app (Bai Bo) "
     "2024-10-01, copy atoomu.net/news/924561443d9e96a6481342242f3cc319.html); evenly"),
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
    "# about 8.99e8 m3 (Xinhua 2022-04-19) is not published by year for 2017, 2018 and 2020 (gap,",
    "# SOURCES.md section 17), and nothing was found for 2025 onwards (SOURCES.md 'Plan period",
    "# 2021-2027 (issue 13)'). Each volume spread evenly over the days of its period (ESTIMATE):",
    *[f"#   {p[0][0]}..{p[-1][1]}: {v / 1e8:.2f}e8 m3 ({s})" for p, v, s in EVENTS],
    "date,volume_mcm",
], rows)
