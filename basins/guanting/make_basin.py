"""Write ``basins/guanting/basin.toml`` from the tables below.

Re-runnable: ``python basins/guanting/make_basin.py``.  Every number here is listed in
``basins/guanting/SOURCES.md`` (section numbers in the comments, "§n"); values that no
published source gives directly are marked ESTIMATE there and in the TOML comments.
The script only does arithmetic (population shares, WWTP flows, slopes, dispersion,
the reservoir curves) so that the derived numbers stay consistent with their inputs.
"""

from __future__ import annotations

import math
import sys
import tomllib
from pathlib import Path

HERE = Path(__file__).resolve().parent
# the regional inventory shared with Miyun: counties, per-capita and per-head N, deposition
# (beside this folder; a copy of the folder elsewhere reads the one shipped with hydro)
_REGION_FILES = [HERE.parent / "region" / "inventory.toml",
                 Path(__import__("hydro").__file__).resolve().parents[1] / "basins" / "region" / "inventory.toml"]
_REGION_DIR = next(f for f in _REGION_FILES if f.is_file()).parent
REGION = tomllib.loads((_REGION_DIR / "inventory.toml").read_text(encoding="utf-8"))
# the region's constituents, species and reaction rates (region/region_constituents.py, R9)
sys.path.insert(0, str(_REGION_DIR))
from region_constituents import quality_constituents, write_constituents  # noqa: E402

# ---------------------------------------------------------------------------------------
# Weather (§8)
STATION_ELEVATION_M = 100.0   # ESTIMATE: Dingling (Ming Tombs valley floor, Changping)
STATION_LATITUDE = 40.29      # ESTIMATE: Dingling tomb, 40.29 N
STATION_P_MM = 528.4          # mean of the four run years 2013-03..2017-02 in the forcing CSV
# Published annual precipitation (mm/yr) used for precip_factor = P / STATION_P_MM (§8)
P_SHUOZHOU = 421.2            # Shuozhou city mean 1956-1984 (secondary)
P_ZJK = 392.0                 # ESTIMATE: Zhangjiakou 2007 349.7 mm was 10.8 % below normal
P_HUAILAI = 431.0             # Huailai county
P_YANQING = 449.2             # Yanqing district
P_DRY_PLATEAU = 0.93 * P_ZJK  # ESTIMATE: Xinghe / Bashang edge, "north-west drier" (§8)

# ---------------------------------------------------------------------------------------
# Reaches: id, name, length_km, downstream, slope (ESTIMATE §9), Q_typ for dispersion
# lengths: sourced where §1 gives them, else ESTIMATE (see SOURCES.md §9)
REACHES = [
    # Sanggan (Shanxi)
    ("sanggan_head", "Sanggan headwater (Ningwu-Shuocheng)", 80.0, "sanggan_upper_a", 0.0035),
    ("yuanzi", "Yuanzi River", 70.0, "sanggan_upper_a", 0.0035),
    ("sanggan_upper_a", "Sanggan, Mayi-Shanyin-Yingxian", 70.0, "sanggan_upper_b", 0.0007),
    ("sanggan_upper_b", "Sanggan, Huairen-Datong county to Cetian", 80.0, "cetian", 0.0006),
    ("yuhe_upper", "Yu River, Fengzhen (Inner Mongolia)", 60.0, "yuhe_lower", 0.0025),
    ("yuhe_lower", "Yu River through Datong city", 60.0, "cetian", 0.0023),
    ("sanggan_cetian", "Sanggan, Cetian dam to the Hebei border", 45.0, "sanggan_yangyuan", 0.0011),
    ("sanggan_yangyuan", "Sanggan through Yangyuan", 50.0, "sanggan_shixiali", 0.0012),
    ("huliu_upper", "Huliu River, Guangling-Lingqiu (Shanxi)", 65.0, "huliu_lower", 0.0045),
    ("huliu_lower", "Huliu River, Yu county", 100.0, "sanggan_shixiali", 0.0012),
    ("sanggan_shixiali", "Sanggan, Huliu mouth to Shixiali gauge", 40.0, "sanggan_lower", 0.0020),
    ("sanggan_lower", "Sanggan, Shixiali-Zhuolu-Zhuguantun", 55.0, "yongding", 0.0030),
    # Yang
    ("east_yang_upper", "East Yang River, Xinghe (Inner Mongolia)", 70.0, "east_yang_lower", 0.0029),
    ("east_yang_lower", "East Yang River, Shangyi", 65.0, "yang_upper", 0.0035),
    ("west_yang", "West Yang River", 56.3, "yang_upper", 0.0040),
    ("south_yang_upper", "South Yang River, Yanggao-Tianzhen (Shanxi)", 50.0, "south_yang_lower", 0.0040),
    ("south_yang_lower", "South Yang River, Huai'an", 50.0, "yang_upper", 0.0030),
    ("yang_upper", "Yang, Anzhuangtun-Zuowei-Wanquan", 40.0, "yang_zjk", 0.0020),
    ("qingshui", "Qingshui River, Chongli to Zhangjiakou", 90.0, "yang_zjk", 0.0075),
    ("yang_zjk", "Yang through Zhangjiakou city", 20.0, "yang_xuanhua", 0.0029),
    ("yang_xuanhua", "Yang, Xuanhua to Xiangshuibao gauge", 15.0, "yang_lower", 0.0027),
    ("yang_lower", "Yang, Xiangshuibao-Xiahuayuan-Zhuguantun", 31.0, "yongding", 0.0029),
    # Yongding, Guishui
    ("yongding", "Yongding, Zhuguantun to Bahaoqiao (reservoir inlet)", 17.0, "guanting", 0.0007),
    ("guishui_upper", "Guishui River, eastern Yanqing", 40.0, "guishui_lower", 0.0020),
    ("guishui_lower", "Guishui River, Yanqing town to Gujiaying", 34.0, "guanting", 0.0012),
]

# Hydraulic geometry (ESTIMATE §9): Leopold & Maddock (1953) at-a-station exponents
VEL_COEFF, VEL_EXP = 0.30, 0.34
WID_COEFF, WID_EXP = 10.0, 0.26
Q_TYP_M3_S = 2.0  # flow at which dispersion is evaluated (ESTIMATE, the post-2000 magnitude)


def fischer_dispersion(slope: float, q: float = Q_TYP_M3_S) -> float:
    """Fischer et al. (1979) D = 0.011 u^2 w^2 / (h u*), u* = sqrt(g h S)."""
    u = VEL_COEFF * q ** VEL_EXP
    w = WID_COEFF * q ** WID_EXP
    h = q / (u * w)
    ustar = math.sqrt(9.81 * h * slope)
    return 0.011 * u * u * w * w / (h * ustar)


# ---------------------------------------------------------------------------------------
# Reservoir curves (ESTIMATE §10): area at each level; storage by the trapezoid rule
GUANTING_LEVEL = [467.0, 470.0, 473.0, 476.0, 480.0, 485.0, 490.0, 492.0]
GUANTING_AREA = [0.0, 37.0, 74.0, 111.0, 180.0, 260.0, 300.0, 310.0]
CETIAN_LEVEL = [940.0, 945.0, 950.0, 956.0, 961.5]
CETIAN_AREA = [2.0, 12.0, 25.0, 45.0, 50.0]


def storage(levels, areas):
    s = [0.0]
    for i in range(1, len(levels)):
        s.append(s[-1] + 0.5 * (areas[i] + areas[i - 1]) * (levels[i] - levels[i - 1]))
    return s


# ---------------------------------------------------------------------------------------
# Population (§11): 2020 census resident population of Zhangjiakou counties and Yanqing
# (county figures from the regional inventory, basins/region/inventory.toml, region SOURCES I1)
_C = REGION["counties"]
ZJK = {n: _C[n]["resident_2020"] for n in ("Qiaodong", "Qiaoxi", "EDZ", "Xuanhua", "Xiahuayuan", "Wanquan",
                                           "Chongli", "Zhangbei", "Shangyi", "Yu", "Yangyuan", "Huai'an",
                                           "Huailai", "Zhuolu")}
HUAILAI_URBAN = _C["Huailai"]["urban_2020"]
YANQING, YANQING_URBAN = _C["Yanqing"]["resident_2020"], _C["Yanqing"]["urban_2020"]
BASIN_POPULATION = 9295100      # Zhang, Liu & Ren: population of the basin above Guanting
BASIN_URBAN = 4562900
# ESTIMATE: sewage per served town resident (m3/d) x share of town residents served
SEWAGE_M3_PER_PERSON_DAY = 0.15
SERVED = 0.9
XUANHUA_URBAN_SHARE = 0.6       # ESTIMATE
DATONG_SHARE_OF_SX_URBAN = 0.6  # ESTIMATE: Datong city's share of the Shanxi/IM urban pool
SHUOZHOU_SHARE_OF_SX_URBAN = 0.2

# subbasin: (id, name, area, reach/reservoir, elev, p_mm, county, province, landuse key,
#            {county: share of its population} or None for the Shanxi/IM pool, pool weight,
#            water_area_km2)
SUBS = [
    ("sg01", "Yuanzi River", 2400, ("reach", "yuanzi"), 1400, P_SHUOZHOU,
     "Shuozhou (Shuocheng, Pinglu)", "Shanxi", "upland", None, 1.0, 1.0),
    ("sg02", "Sanggan headwater", 2100, ("reach", "sanggan_head"), 1450, P_SHUOZHOU,
     "Ningwu, Shuozhou", "Shanxi", "upland", None, 1.0, 1.0),
    ("sg03", "Shanyin-Yingxian plain", 3600, ("reach", "sanggan_upper_a"), 1100, P_SHUOZHOU,
     "Shanyin, Yingxian", "Shanxi", "plain", None, 2.0, 4.0),
    ("sg04", "Huairen-Hunyuan", 2900, ("reach", "sanggan_upper_b"), 1150, P_SHUOZHOU,
     "Huairen, Hunyuan", "Shanxi", "plain", None, 2.0, 3.0),
    ("sg05", "Yu River upper", 1100, ("reach", "yuhe_upper"), 1350, P_DRY_PLATEAU,
     "Fengzhen", "Inner Mongolia", "upland", None, 1.0, 0.5),
    ("sg06", "Datong city (Yu River)", 2000, ("reach", "yuhe_lower"), 1100, P_ZJK,
     "Datong city (Pingcheng, Yungang)", "Shanxi", "city", None, 2.0, 1.5),
    ("sg07", "Cetian reservoir shore", 2600, ("reservoir", "cetian"), 1050, P_ZJK,
     "Yunzhou (Datong county)", "Shanxi", "plain", None, 2.0, 0.0),
    ("sg08", "Cetian to the Hebei border", 1300, ("reach", "sanggan_cetian"), 1000, P_ZJK,
     "Yunzhou, Yanggao", "Shanxi", "plain", None, 1.5, 1.0),
    ("sg09", "Yangyuan", 1600, ("reach", "sanggan_yangyuan"), 1000, P_ZJK,
     "Yangyuan", "Hebei", "plain", {"Yangyuan": 0.7}, 0.0, 1.5),
    ("sg10", "Huliu River upper", 2200, ("reach", "huliu_upper"), 1400, P_ZJK,
     "Guangling, Lingqiu", "Shanxi", "upland", None, 1.0, 1.0),
    ("sg11", "Huliu River, Yu county", 2000, ("reach", "huliu_lower"), 1100, P_ZJK,
     "Yu county", "Hebei", "plain", {"Yu": 1.0}, 0.0, 2.0),
    ("sg12", "Sanggan at Shixiali", 700, ("reach", "sanggan_shixiali"), 950, P_ZJK,
     "Yangyuan, Zhuolu", "Hebei", "upland", {"Yangyuan": 0.3, "Zhuolu": 0.2}, 0.0, 0.7),
    ("sg13", "Zhuolu", 1033, ("reach", "sanggan_lower"), 800, P_HUAILAI,
     "Zhuolu, Huailai", "Hebei", "plain", {"Zhuolu": 0.8, "Huailai": 0.1}, 0.0, 1.2),
    ("yg01", "East Yang River upper", 2000, ("reach", "east_yang_upper"), 1400, P_DRY_PLATEAU,
     "Xinghe", "Inner Mongolia", "upland", None, 1.0, 0.8),
    ("yg02", "East Yang River lower", 1674, ("reach", "east_yang_lower"), 1250, P_ZJK,
     "Shangyi", "Hebei", "upland", {"Shangyi": 0.35}, 0.0, 0.6),
    ("yg03", "West Yang River", 980, ("reach", "west_yang"), 1250, P_ZJK,
     "Shangyi", "Hebei", "upland", {"Shangyi": 0.15}, 0.0, 0.3),
    ("yg04", "South Yang River upper", 1800, ("reach", "south_yang_upper"), 1250, P_ZJK,
     "Yanggao, Tianzhen", "Shanxi", "plain", None, 1.0, 0.6),
    ("yg05", "South Yang River, Huai'an", 1090, ("reach", "south_yang_lower"), 1050, P_ZJK,
     "Huai'an", "Hebei", "plain", {"Huai'an": 0.5}, 0.0, 0.5),
    ("yg06", "Yang upper mainstem", 2300, ("reach", "yang_upper"), 950, P_ZJK,
     "Huai'an, Wanquan", "Hebei", "plain", {"Huai'an": 0.5, "Wanquan": 0.6}, 0.0, 1.2),
    ("yg07", "Qingshui River", 2000, ("reach", "qingshui"), 1350, P_ZJK,
     "Chongli, Zhangbei, Wanquan", "Hebei", "upland",
     {"Chongli": 0.8, "Zhangbei": 0.3, "Wanquan": 0.4}, 0.0, 0.6),
    ("yg08", "Zhangjiakou city", 700, ("reach", "yang_zjk"), 800, P_ZJK,
     "Qiaodong, Qiaoxi, Economic Development Zone", "Hebei", "city",
     {"Qiaodong": 1.0, "Qiaoxi": 1.0, "EDZ": 1.0}, 0.0, 0.5),
    ("yg09", "Xuanhua", 2000, ("reach", "yang_xuanhua"), 800, P_ZJK,
     "Xuanhua", "Hebei", "plain", {"Xuanhua": 1.0}, 0.0, 1.0),
    ("yg10", "Xiahuayuan to Zhuguantun", 534, ("reach", "yang_lower"), 650, P_HUAILAI,
     "Xiahuayuan, Huailai", "Hebei", "plain", {"Xiahuayuan": 1.0, "Huailai": 0.15}, 0.0, 0.6),
    ("yd01", "Zhuguantun to Bahaoqiao (Huailai)", 500, ("reach", "yongding"), 600, P_HUAILAI,
     "Huailai", "Hebei", "plain", {"Huailai": 0.35}, 0.0, 1.5),
    ("gs01", "Guishui River upper", 600, ("reach", "guishui_upper"), 700, P_YANQING,
     "Yanqing", "Beijing", "yanqing", {"YanqingRural": 0.25}, 0.0, 0.5),
    ("gs02", "Guishui River lower, Yanqing town", 500, ("reach", "guishui_lower"), 600, P_YANQING,
     "Yanqing", "Beijing", "yanqing", {"YanqingRural": 0.25}, 0.0, 0.8),
    ("gt01", "Guanting north shore (Yanqing)", 400, ("reservoir", "guanting"), 560, P_YANQING,
     "Yanqing", "Beijing", "shore", {"YanqingRural": 0.10}, 0.0, 40.0),
    ("gt02", "Guanting south shore (Huailai)", 791, ("reservoir", "guanting"), 560, P_HUAILAI,
     "Huailai", "Hebei", "shore", {"Huailai": 0.4}, 0.0, 70.0),
]
# Guanting water surface (40 + 70 = 110 km2) is the middle of the 77-121 km2 range (§10);
# Cetian's surface is counted on the reservoir itself through sg07 (ESTIMATE 25 km2 below).
WATER_AREA_CETIAN = 25.0

# Land use (ESTIMATE §12): share by class for each landscape type
LANDUSE = {
    "upland": {"cropland": 0.28, "grassland": 0.45, "forest": 0.22, "built": 0.04, "water": 0.01},
    "plain": {"cropland": 0.50, "grassland": 0.25, "forest": 0.14, "built": 0.09, "water": 0.02},
    "city": {"cropland": 0.30, "grassland": 0.25, "forest": 0.15, "built": 0.28, "water": 0.02},
    "yanqing": {"cropland": 0.25, "grassland": 0.12, "forest": 0.55, "built": 0.07, "water": 0.01},
    "shore": {"cropland": 0.30, "grassland": 0.20, "forest": 0.15, "built": 0.05, "water": 0.30},
}
EMC = {"cropland": 3.0, "grassland": 1.0, "forest": 0.8, "built": 8.0, "water": 0.0}
FERTILISER = {2013: 150.0, 2016: 140.0}  # ESTIMATE kg N/ha/yr on cropland
NATURAL_UPTAKE = 35.0                     # ESTIMATE kg N/ha/yr, natural vegetation
UPTAKE = 100.0                            # ESTIMATE kg N/ha/yr removed with harvest
DEPOSITION = REGION["deposition"]["total_kg_per_ha_yr"]["guanting"]   # ESTIMATE (region I6), on water
DEPOSITION_OXIDISED = REGION["deposition"]["oxidised_share"] * DEPOSITION   # on land (region I6)
LEACHING, RESIDENCE_YR = 0.01, 10.0       # ESTIMATE in the ranges of SOURCES.md (no TN target left, §12)
PER_CAPITA_N = REGION["rural_domestic"]["per_capita_n_g_per_day"]   # excreta basis, as Miyun (region I5)
RURAL_CONNECTED, RURAL_REMOVAL = 0.2, 0.5
RURAL_DELIVERY = 0.06                     # ESTIMATE in 0.06-0.24, excreta basis (region I5; §12: no TN target)
# Livestock: provincial end-2005 stock per rural resident x the subbasin's rural residents, and
# N per head of stock, from the regional inventory (region I3, I4), as in Miyun
LIVESTOCK_PER_RURAL = REGION["livestock_per_rural_resident"]
EXCRETION = REGION["livestock_n_kg_per_head_yr"]
LOSS = 0.01                                # ESTIMATE (set against retired TN targets, §12)
# rural (not town) share of a county's residents (region I2; town shares as in main())
RURAL_SHARE = {"Qiaodong": 0.05, "Qiaoxi": 0.05, "EDZ": 0.05, "Xuanhua": 1.0 - 0.6,
               "Huailai": 1.0 - HUAILAI_URBAN / ZJK["Huailai"], "YanqingRural": 1.0}


# Runoff (§13). Basin-wide defaults in [runoff]; per landscape type a [subbasins.runoff]
# override (calibration within the ranges of §13: x1 100-1200 mm, x2 -5..3 mm/d,
# x3 20-300 mm, x4 1.1-3 d). The irrigated valley floors, the cities (groundwater
# supply) and the reservoir shores lose the most water (x2 at the -5 mm/d end, the
# smallest routing store); the uplands less.
# x1, x4, the uplands' x2 and the x3 of uplands and Yanqing: the inflow-only calibration of
# ce189cb (issue 13; SOURCES "Hydrology calibration (issue 13)"). The calibration split by years
# (configs/calibration/guanting_water.toml; SOURCES "Hydrology calibration, split by years") found
# x1 762.2, x2 -4.998 (uplands) / -4.960 (valleys), x3 20.07, x4 2.896: better on its 2000-2005
# figures and on the 2008 storage, worse on both 2009 flow bounds, and pressed against the dry
# ends of the ranges; not adopted (the reasons are in SOURCES).
RUNOFF_DEFAULT = {"x1_mm": 1183.0, "x2_mm_per_day": -4.5, "x3_mm": 20.5, "x4_days": 2.17}
RUNOFF_BY_LANDSCAPE = {
    "plain": {"x2_mm_per_day": -5.0, "x3_mm": 20.0},
    "city": {"x2_mm_per_day": -5.0, "x3_mm": 20.0},
    "shore": {"x2_mm_per_day": -5.0, "x3_mm": 20.0},
    "upland": {"x2_mm_per_day": -4.65, "x3_mm": 20.5},
    "yanqing": {"x2_mm_per_day": -4.5, "x3_mm": 20.5},
}
# rural domestic and livestock N: a surface store washed off by quick flow (§12; "Storm and season (issue 13)")
DELIVERY_TIMING = "washoff"
SOURCE_TIMING = dict(                                                   # months January..December (issue 13)
    fertiliser_months=[0, 0, 0, 0.1, 0.3, 0.3, 0.3, 0, 0, 0, 0, 0],  # spring maize: basal at sowing, top-dress
    manure_months=[0, 0, 0.2, 0.5, 0, 0, 0, 0, 0, 0.2, 0.1, 0],      # farmyard manure before sowing and ploughing
    washoff_per_mm=0.18,                                              # Sartor & Boyd (1972), 4.6 /in
    washoff_flow="filtered")   # the event part of the runoff washes the store, not GR4J's direct branch
GW_TIMING = "flow"   # the legacy store drains with base flow: no step on 1 January (issue 13)
# initial TN (§13): rivers, and each reservoir
INITIAL_TN_RIVER = 5.0                                  # ESTIMATE, flushed within days
INITIAL_TN_RESERVOIR = {"guanting": 1.5, "cetian": 2.5}  # ESTIMATE
# ---- water quality beside TN (issue 14; basins/region/SOURCES.md R9-R10) -----------------
# Sources of every species: the regional table ../region/quality.toml ([quality], always written,
# shared with Miyun). QUALITY = True writes TN as organic/ammonia/nitrate N with reactions, TP
# (dp, pp) and CODMn, and [initial] by species; False keeps TN alone until `hydro run` parses
# the species schema.
QUALITY = True
# the Beijing plant discharges under DB11/890-2012 (B limits) from 2013, the first whole year of that
# standard (in force 2012-07-01), and before it under GB 18918-2002 class 1B, as the Hebei plants here
# (ESTIMATE: the plant's own grade before 2012 was not found; §11; region R8)
POINT_GRADES = {"Yanqing WWTP": {2000: "gb18918_1b", 2013: "db11_890_b"}}
# TN's removal (below): every N species takes it, so TN decays exactly as before (region R9)
TN_REMOVAL = dict(river_removal_per_day=0.3, river_theta=1.047, reservoir_removal_per_day=0.002,
                  reservoir_theta=1.047, settling_velocity_m_per_day=0.03)
QUALITY_CONSTITUENTS = quality_constituents(TN_REMOVAL)   # the region's (R9)
# initial concentrations by species, mg/L, ESTIMATE (region R10); the N species add up to the initial TN
INITIAL_SPECIES_RIVER = dict(orgn=0.5, nh3n=0.5, no3n=4.0, dp=0.1, pp=0.1, codmn=5.0)
INITIAL_SPECIES_RESERVOIR = {"guanting": dict(orgn=0.3, nh3n=0.1, no3n=1.1, dp=0.025, pp=0.025, codmn=4.0),
                             "cetian": dict(orgn=0.4, nh3n=0.2, no3n=1.9, dp=0.05, pp=0.05, codmn=5.0)}


def write_quality_initial(w):
    """[initial] by species (QUALITY = True); orgn + nh3n + no3n = the initial TN of §13."""
    w("[initial]   # ESTIMATE by species (region R10)")
    places = [(None, INITIAL_SPECIES_RIVER, INITIAL_TN_RIVER)] + [
        (rid, INITIAL_SPECIES_RESERVOIR[rid], tn) for rid, tn in INITIAL_TN_RESERVOIR.items()]
    for rid, values, tn in places:
        assert abs(values["orgn"] + values["nh3n"] + values["no3n"] - tn) < 1e-9, (rid, values, tn)
        if rid is not None:
            w(f"[initial.reservoirs.{rid}]")
        for sp, v in values.items():
            w(f"{sp}_mg_per_l = {v}   # ESTIMATE (region R10; TN §13)")


# Share of the WWTP effluent that reaches its river (§11, §14): 1 = all of it. Reuse of
# reclaimed water and sewage irrigation are known in the basin; the one published volume,
# Xuanhua's reclaimed water, is taken off its plant (RECLAIMED_M3_PER_DAY, after §16's Xuanhua
# figures); for the other plants none was found.
EFFLUENT_TO_RIVER = 1.0

# ---------------------------------------------------------------------------------------
# River withdrawals (§16). Only the two published volumes found; no other county or
# irrigation district in the basin has a volume in the corpus, so none is added for them.
SECONDS_PER_YEAR = 365.25 * 86400.0
IRRIGATION_MONTHS = (4, 5, 6, 7, 8, 9)   # ESTIMATE: irrigation season April-September
# Yangyuan, Sanggan: "桑干河第二淤灌区、富民灌区及沿岸扬水站点,每年提引水量0.15-0.18亿立方米"
# (zh.wikipedia 桑干河, secondary; year not stated). Midpoint, all in the irrigation season.
YANGYUAN_M3_PER_YR = 0.5 * (0.15 + 0.18) * 1e8
# Xuanhua 2011-2015 (Zhangjiakou Water Resources Bulletin via a secondary repost, §16):
# total use 89,671.9e4 m3 in five years, 15.3 % from surface water; agriculture 65.8 % of use.
XUANHUA_USE_5YR_M3 = 89671.9e4
XUANHUA_SURFACE_SHARE = 0.153
XUANHUA_AGRI_SHARE = 0.658   # ESTIMATE: the sector split of all use applied to surface supply
# Reclaimed water used instead of reaching the river (§11; SOURCES "Operations as published (issue 13)"):
# the same study gives 3.7 % of Xuanhua's 2011-2015 use as reclaimed water (Zhu Jing, Wu Yihong et al.
# 2021, 典型工业区水资源高效利用策略研究——以宣化区为例, 环境与发展, citing the Zhangjiakou Water Resources
# Bulletin; huanbao.bjx.com.cn/news/20210121/1131290.shtml): 663.6e4 m3/yr, taken off the Xuanhua plant's
# effluent. ESTIMATE: the 2011-2015 volume applied to every year of the run.
XUANHUA_RECLAIMED_SHARE = 0.037
RECLAIMED_M3_PER_DAY = {"yg09": XUANHUA_USE_5YR_M3 * XUANHUA_RECLAIMED_SHARE / 5.0 / 365.25}


# Channel transmission losses (§16): Cetian released 1000e4 m3 on 15-21 March 2022 and Guanting
# received about 700e4 m3 (Beijing Youth Daily 2022-03-29, secondary): 30 % lost on the way.
# That gives a loss per km of channel; every reach takes it (ESTIMATE: one event, and the
# same losing alluvial beds assumed on every river of the basin, §16).
CETIAN_TO_GUANTING = ("sanggan_cetian", "sanggan_yangyuan", "sanggan_shixiali", "sanggan_lower", "yongding")
CETIAN_TO_GUANTING_RECEIVED = 0.70


def channel_loss_tables() -> list[dict]:
    """One ``loss_share`` withdrawal per reach: the share lost over its length at the
    Cetian-Guanting loss per km, 1 - 0.70 ** (length / path length)."""
    length = {r[0]: r[2] for r in REACHES}
    path_km = sum(length[r] for r in CETIAN_TO_GUANTING)
    out = []
    for r in length:
        share = 1.0 - CETIAN_TO_GUANTING_RECEIVED ** (length[r] / path_km)
        out.append({"id": f"{r}_channel_loss", "reach": r, "loss_share": round(share, 5),
                    "reference": "Beijing Youth Daily 2022-03-29 (secondary, via panopticimage.com): "
                                 "Cetian released 1000e4 m3 on 15-21 March 2022, Guanting received "
                                 "about 700e4 m3",
                    "note": f"30 % lost over the {path_km:.0f} km Cetian-Guanting channel; this reach, "
                            f"{length[r]:g} km, keeps 0.70^({length[r]:g}/{path_km:.0f}) (ESTIMATE: one "
                            "March release, applied every day and on every reach, §16)"})
    return out


def monthly_pattern(mean_m3_s: float, seasonal_share: float) -> list[float]:
    """Twelve monthly flows with the given annual mean: ``seasonal_share`` of the volume in
    IRRIGATION_MONTHS (evenly), the rest evenly over the year (months taken as equal)."""
    season = mean_m3_s * seasonal_share * 12.0 / len(IRRIGATION_MONTHS)
    base = mean_m3_s * (1.0 - seasonal_share)
    return [round(base + (season if m in IRRIGATION_MONTHS else 0.0), 3) for m in range(1, 13)]


def withdrawal_tables() -> list[dict]:
    yangyuan = YANGYUAN_M3_PER_YR / SECONDS_PER_YEAR
    xuanhua = XUANHUA_USE_5YR_M3 * XUANHUA_SURFACE_SHARE / 5.0 / SECONDS_PER_YEAR
    return [
        {"id": "yangyuan_sanggan_irrigation", "reach": "sanggan_yangyuan",
         "flow": monthly_pattern(yangyuan, 1.0), "mean": yangyuan,
         "reference": "zh.wikipedia 桑干河 (secondary): Sanggan No. 2 warping irrigation district, "
                      "Fumin irrigation district and riverside pumping stations take 0.15-0.18e8 m3/yr",
         "note": f"midpoint 0.165e8 m3/yr = {yangyuan:.3f} m3/s; April-September only (ESTIMATE); "
                 "year not stated; reach (Yangyuan) ESTIMATE from the page's context (§16)"},
        {"id": "xuanhua_surface_supply", "reach": "yang_xuanhua",
         "flow": monthly_pattern(xuanhua, XUANHUA_AGRI_SHARE), "mean": xuanhua,
         "reference": "Zhangjiakou Water Resources Bulletin via a Xuanhua study (secondary repost "
                      "m.dragongams.com/mnews/20210121/1131290.shtml): 2011-2015 use 89,671.9e4 m3, "
                      "15.3 % surface water",
         "note": f"= {xuanhua:.3f} m3/s mean (all sectors); 65.8 % (agriculture share) in "
                 "April-September, the rest all year (ESTIMATE split, §16)"},
    ]


def county_pop(name: str) -> float:
    if name == "YanqingRural":
        return YANQING - YANQING_URBAN
    return ZJK[name]


# --- transfers and operations as series (SOURCES section 17; files written by
# basins/guanting/transfers/make_series.py) ------------------------------------------------------
TRANSFERS = """
# ---- transfers and operations (SOURCES section 17; docs/basin-file.md)
[[transfers]]
id = "cetian_to_guanting"
name = "Cetian releases towards Guanting: no concentrated transfers before 2003; the 2005, 2010 and 2014 transfers; the scheduled March 2022 transfer"
kind = "release"
reservoir = "cetian"
csv = "transfers/cetian_release_daily.csv"   # 2000-2002 the rule's base; 2005 volume published, 2010 and 2014 Cetian shares ESTIMATE; 2022-03 scheduled volume (generated weather only); days ESTIMATE
reference = "Wang & Sun 2006 (Beijing Water 2006(5)); China Daily 2005-10-19; Xinhua 2010-10-15; China Water 2014-11-05; Beijing Daily and Beijing Youth Daily 2022-03-29"

[[transfers]]
id = "guanting_release"
name = "Guanting release: none from October 2007 to 12 March 2008 (stored for the Olympics); the spring 2020 ecological release; the scheduled autumn 2022 release"
kind = "release"
reservoir = "guanting"
csv = "transfers/guanting_release_daily.csv"   # zero on 2007-10-01..2008-03-12; 1.47e8 m3 on 2020-04-20..05-12 (days ESTIMATE); 1.34e8 scheduled 2022-09-22..11-21 (generated weather only); the rule (ESTIMATE, section 10) on other days
reference = "Yanzhao Metropolis Daily (Li Yanhong) 2008-03-17, citing the Guanting Reservoir Management Office on 2008-03-12; Xinhua (Guan Guifeng) 2020-05-12 and The Beijing News 2020-05-13 (SOURCES 'Where Guanting's water goes'); China News Service (Chen Hang, Xu Rui) 2022-09-22"

[[transfers]]
id = "yellow_river"
name = "Yellow River water via Wanjiazhai (North Main Line) into the Sanggan"
kind = "inflow"
reach = "sanggan_head"
origin = "yellow-river"
csv = "transfers/yellow_river_monthly.csv"   # 2019 and 2021-2024 (past 2020: generated weather only), spread by days (ESTIMATE)
tn_mg_per_l = 3.0   # ESTIMATE, range 1.5-4.5: no published TN of the diverted water was found (section 17; searched again 2026-12-01, 'Plan period 2021-2027' review)
orgn_mg_per_l = 0.5   # ESTIMATE, range 0.2-1.0 (SOURCES "Water-quality checks (issue 14)")
nh3n_mg_per_l = 0.5   # ESTIMATE, range 0.15-1.0 (GB 3838 Classes II-III): no published value
no3n_mg_per_l = 2.0   # tn - orgn - nh3n (ESTIMATE by difference)
tp_mg_per_l = 0.1     # ESTIMATE, range 0.05-0.2 (river Classes II-III): no published value
dp_mg_per_l = 0.05    # ESTIMATE, range 0.01-0.07: half of TP dissolved, the convention of region R10 (no published split; the sediment-laden Yellow River may carry more as particles; SOURCES section 17)
pp_mg_per_l = 0.05    # tp - dp (ESTIMATE by difference)
codmn_mg_per_l = 4.0  # ESTIMATE, range 2-6 (Classes II-III): no published value
reference = "CCTV 2019-03-18; Xinhua 2021-04-27, 2022-04-19, 2023-01-11; CRNTT 2023-02-14 citing Xinhua; Beijing Daily app 2024-10-01; CCTV January 2025 (2024 total) (SOURCES 'Plan period 2021-2027')"
"""


def main(path: Path | None = None) -> None:
    out: list[str] = []
    w = out.append
    gt_storage = storage(GUANTING_LEVEL, GUANTING_AREA)
    ct_storage = storage(CETIAN_LEVEL, CETIAN_AREA)

    # ---- population bookkeeping --------------------------------------------------
    hebei_bj_total = sum(sum(county_pop(c) * s for c, s in (sub[9] or {}).items()) for sub in SUBS)
    hebei_bj_total += YANQING_URBAN  # Yanqing town (WWTP) is in the basin
    pool = BASIN_POPULATION - hebei_bj_total
    zjk_city_urban = 0.95 * (ZJK["Qiaodong"] + ZJK["Qiaoxi"] + ZJK["EDZ"])
    xuanhua_urban = XUANHUA_URBAN_SHARE * ZJK["Xuanhua"]
    hebei_bj_urban = zjk_city_urban + xuanhua_urban + HUAILAI_URBAN + YANQING_URBAN
    # county towns of the other Hebei counties: ESTIMATE 40 % of their residents
    other_hebei = sum(county_pop(c) * s for sub in SUBS for c, s in (sub[9] or {}).items()
                      if c not in ("Qiaodong", "Qiaoxi", "EDZ", "Xuanhua", "Huailai", "YanqingRural"))
    hebei_bj_urban += 0.4 * other_hebei
    sx_urban = BASIN_URBAN - hebei_bj_urban
    datong_urban = DATONG_SHARE_OF_SX_URBAN * sx_urban
    shuozhou_urban = SHUOZHOU_SHARE_OF_SX_URBAN * sx_urban
    pool_weight = sum(sub[2] * sub[10] for sub in SUBS if sub[9] is None)

    def wwtp(pop, sid=None):
        return round(pop * SERVED * SEWAGE_M3_PER_PERSON_DAY * EFFLUENT_TO_RIVER
                     - RECLAIMED_M3_PER_DAY.get(sid, 0.0), -2)

    plants = {  # subbasin -> (name, reach, town residents the plant serves SERVED of)
        "yg08": ("Zhangjiakou city WWTPs", "yang_zjk", zjk_city_urban),
        "yg09": ("Xuanhua WWTP", "yang_xuanhua", xuanhua_urban),
        "yd01": ("Huailai (Shacheng) WWTP", "yongding", HUAILAI_URBAN),
        "gs02": ("Yanqing WWTP", "guishui_lower", YANQING_URBAN),
        "sg06": ("Datong city WWTPs", "yuhe_lower", datong_urban),
        "sg03": ("Shuozhou city WWTP", "sanggan_upper_a", shuozhou_urban),
    }
    # Residents connected to a plant (town x SERVED) leave the population they belong to (the
    # counties of the town, or the Shanxi/IM pool), and what is left of it is shared among its
    # subbasins as before: a plant's town is not only its own subbasin's people (Datong's 1.44
    # million town residents against the 0.64 million of sg06; review of 2026-12-04, which found
    # 0.86 million people counted twice). Yanqing town is in no county share (its rural
    # residents are 'YanqingRural'): its unconnected residents stay in gs02.
    connected = {"Qiaodong": 0.95 * SERVED * ZJK["Qiaodong"], "Qiaoxi": 0.95 * SERVED * ZJK["Qiaoxi"],
                 "EDZ": 0.95 * SERVED * ZJK["EDZ"], "Xuanhua": SERVED * xuanhua_urban,
                 "Huailai": SERVED * HUAILAI_URBAN, None: SERVED * (datong_urban + shuozhou_urban)}
    unconnected_town = {"gs02": (1.0 - SERVED) * YANQING_URBAN}

    w("# Guanting reservoir basin: the Sanggan and Yang rivers, the Yongding to Bahaoqiao, the")
    w("# Guishui, and Guanting reservoir. WRITTEN BY make_basin.py; edit that script, not this file.")
    w("# Every number is listed in SOURCES.md. 'ESTIMATE' marks values no published source gives")
    w("# directly (derivation in SOURCES.md); 'calibration' marks parameters set within the ranges")
    w("# that SOURCES.md states so that the baseline reproduces observations.toml.")
    w("")
    w("[basin]")
    w('name = "guanting"')
    w('description = "Guanting reservoir and its catchment (Sanggan, Yang, Yongding, Guishui), '
      '43,402 km2; TN by source, 2000-2017"')
    w("")
    w("[run]   # observed weather: 2000-01-01..2017-02-28 (issue 13; SOURCES.md 'Weather from 2000')")
    w("start = 2000-01-01")
    w("end = 2017-02-28")
    w("courant = 0.9             # numerical setting (time-step stability), not data")
    w("cell_length_km = 5.0      # numerical setting: transport cell size (§9)")
    w('routing = "auto"          # Muskingum-Cunge (every reach has a slope); withdrawals share the routed flow')
    w("runoff_spin_up_cycles = 20   # method choice, not data: no weather before 2000-01-01, so the runoff")
    w("# stores are spun up over 2000 twenty times, leaving no trace of the initial fillings (SOURCES.md")
    w("# 'Hydrology calibration, split by years', 'Cyclic spin-up (2026-12-05)')")
    w("")
    w("[weather]")
    w("# Beijing 54511 (GHCN-D) 2000-01-01..2013-02-28, then Dingling 2013-03-01..2017-02-28, then 54511")
    w("# again to 2020-12-31 (ESTIMATE rows, absent rain days 0 mm; hydro validate runs them); the column")
    w("# 'station' names each day's source; Beijing shifted by the lapse rate to elevation_m; gap")
    w("# 2013-01..02 partly NA, filled as the file's fill_missing says (SOURCES.md 'Weather from 2000')")
    w('csv = "forcing/dingling_beijing_daily_2000_2017.csv"   # real daily weather (SOURCES.md §8)')
    w(f"elevation_m = {STATION_ELEVATION_M}       # ESTIMATE (§8)")
    w(f"latitude_deg = {STATION_LATITUDE}      # ESTIMATE (§8)")
    w("lapse_c_per_km = 6.5      # standard environmental lapse rate (§8)")
    w("")
    w("[runoff]   # GR4J + CemaNeige defaults: calibration within Perrin et al. (2003) ranges (§13)")
    w(f"x1_mm = {RUNOFF_DEFAULT['x1_mm']}   # calibration (§13)")
    w(f"x2_mm_per_day = {RUNOFF_DEFAULT['x2_mm_per_day']}     # net loss: groundwater abstraction and irrigation (§13)")
    w(f"x3_mm = {RUNOFF_DEFAULT['x3_mm']}   # calibration (§13)")
    w(f"x4_days = {RUNOFF_DEFAULT['x4_days']}   # calibration (§13)")
    w("snow = true")
    w("ctg = 0.25   # CemaNeige: ESTIMATE, hydro's default, not calibrated (§13)")
    w("kf_mm_per_c_per_day = 3.0   # CemaNeige: ESTIMATE, a typical value as Miyun's, not calibrated (§13; hydro's "
      "default is 3.74)")
    w("initial_production_fraction = 0.3   # ESTIMATE: initial store filling, hydro default (§13)")
    w("initial_routing_fraction = 0.3      # ESTIMATE: initial store filling, source not traced (§13)")
    w("")
    w("[quality]   # NH3-N, TP, CODMn sources: shared with Miyun (SOURCES 'Water-quality sources')")
    w('table = "../region/quality.toml"')
    w("[quality.point_grades]   # effluent standard of a plant that is not read from its TN (region R8)")
    for plant, grade in POINT_GRADES.items():
        if isinstance(grade, dict):  # grades that change: each from its year on
            w(f'"{plant}" = {{ ' + ", ".join(f'{y} = "{g}"' for y, g in grade.items()) + " }")
        else:
            w(f'"{plant}" = "{grade}"')
    w("")
    if QUALITY:
        w("# ---- constituents: species, reactions and rates from basins/region/SOURCES.md R9 (TN removal §13:")
        w("# river_removal_per_day 0.3 an ESTIMATE, no TN target left; range 0.005-0.45 d-1, Alexander et al. 2000)")
        write_constituents(w, QUALITY_CONSTITUENTS)
    else:
        w("[[constituents]]")
        w('name = "tn"')
        w('long_name = "total nitrogen"')
        w("river_removal_per_day = 0.3       # ESTIMATE (no TN target); range 0.005-0.45 d-1 (Alexander et al. 2000, §13)")
        w("river_theta = 1.047")
        w("reservoir_removal_per_day = 0.002  # ESTIMATE (§13)")
        w("reservoir_theta = 1.047")
        w("settling_velocity_m_per_day = 0.03  # ESTIMATE apparent settling (§13)")
        w("")
    w("# ---- reaches: lengths §1/§9, slopes ESTIMATE from end elevations (§9), hydraulic geometry")
    w(f"# ESTIMATE v = {VEL_COEFF} Q^{VEL_EXP}, w = {WID_COEFF} Q^{WID_EXP} (Leopold & Maddock 1953 exponents),")
    w(f"# dispersion from Fischer et al. (1979) at Q = {Q_TYP_M3_S} m3/s (§9)")
    for rid, name, length, down, slope in REACHES:
        w("")
        w("[[reaches]]")
        w(f'id = "{rid}"')
        w(f'name = "{name}"')
        w(f"length_km = {length}   # §1 where sourced, else ESTIMATE (§9)")
        w(f'downstream = "{down}"')
        w(f"slope_m_per_m = {slope}   # ESTIMATE (§9)")
        w(f"velocity_coeff = {VEL_COEFF}   # ESTIMATE (§9)")
        w(f"velocity_exp = {VEL_EXP}   # Leopold & Maddock 1953, ESTIMATE (§9)")
        w(f"width_coeff = {WID_COEFF}   # ESTIMATE (§9)")
        w(f"width_exp = {WID_EXP}   # Leopold & Maddock 1953, ESTIMATE (§9)")
        w(f"dispersion_m2_s = {fischer_dispersion(slope):.1f}   # Fischer et al. 1979 at {Q_TYP_M3_S} m3/s, ESTIMATE (§9)")
    w("")
    w("# ---- reservoirs (§10). Curves are ESTIMATES: areas assumed, storage by the trapezoid rule.")
    w("[[reservoirs]]")
    w('id = "cetian"')
    w('name = "Cetian reservoir"')
    w('downstream = "sanggan_cetian"')
    w(f"level_m = {CETIAN_LEVEL}   # ESTIMATE curve (§10)")
    w(f"area_km2 = {CETIAN_AREA}   # ESTIMATE curve (§10)")
    w(f"storage_mcm = {[round(s, 1) for s in ct_storage]}   # ~5.8e8 m3 design total at the crest")
    w('county = "Yunzhou (Datong county)"   # where its water lies, for GEP by place (SOURCES \'Where the '
      "reservoirs lie')")
    w('province = "Shanxi"')
    w("full_supply_level_m = 956.0      # flood-limit level (Feng & Li 2022)")
    w("dead_storage_mcm = 20.0          # ESTIMATE (§10)")
    w("initial_storage_mcm = 100.0      # ESTIMATE (§10)")
    w("# ESTIMATE: ecological minimum plus the spring and autumn concentrated transfers to Guanting")
    w("target_release_m3_s = [0.5, 0.5, 0.5, 2.5, 2.5, 0.5, 0.5, 0.5, 0.5, 2.5, 2.5, 0.5]   # ESTIMATE (§10)")
    w("ecological_min_m3_s = 0.3   # ESTIMATE (§10)")
    w("")
    w("[[reservoirs]]")
    w('id = "guanting"')
    w('name = "Guanting reservoir"')
    w(f"level_m = {GUANTING_LEVEL}   # ESTIMATE curve (§10)")
    w(f"area_km2 = {GUANTING_AREA}   # ESTIMATE curve (§10)")
    w(f"storage_mcm = {[round(s, 1) for s in gt_storage]}   # 4,160 near the crest (492 m)")
    w("# where its water lies, for GEP by place: four fifths in Huailai, one fifth in Yanqing (SOURCES 'Where")
    w("# the reservoirs lie')")
    w('county = ["Huailai", "Yanqing"]')
    w('province = ["Hebei", "Beijing"]')
    w("county_water_share = [0.8, 0.2]")
    w("full_supply_level_m = 476.0      # flood-limit level (wiki infobox, secondary, §10)")
    w("dead_storage_mcm = 30.0          # ESTIMATE (§10)")
    w("initial_storage_mcm = 250.0      # ESTIMATE (§10)")
    w("# ESTIMATE: backup source (§10); release series: [[transfers]] guanting_release")
    w("target_release_m3_s = 2.0   # ESTIMATE (§10)")
    w("# none before 2017: 'small-flow ecological release trials from 2017' (dsynews.com.cn 2024-05-16, Part 2);")
    w("# the run ends 2017-02-28 (SOURCES 'Operations as published (issue 13)')")
    w("ecological_min_m3_s = 0.0   # §10; 'Operations as published (issue 13)'")
    w("")
    w("# ---- initial TN (§13): followed as the 'initial' tag until it leaves")
    if QUALITY:
        write_quality_initial(w)
    else:
        w("[initial]")
        w(f"tn_mg_per_l = {INITIAL_TN_RIVER}   # ESTIMATE: rivers, order of the simulated Bahaoqiao mean")
        for rid, c in INITIAL_TN_RESERVOIR.items():
            w(f"[initial.reservoirs.{rid}]")
            w(f"tn_mg_per_l = {c}   # ESTIMATE (§13)")
    w("")
    w("# ---- monitoring sections")
    for sid, name, reach in [
        ("shixiali", "Shixiali gauge (Sanggan)", "sanggan_shixiali"),
        ("xiangshuibao", "Xiangshuibao gauge (Yang)", "yang_xuanhua"),
        ("bahaoqiao", "Bahaoqiao (Yongding at the Guanting inlet)", "yongding"),
        ("guishui_outlet", "Gujiaying (Guishui at the Guanting inlet)", "guishui_lower"),
    ]:
        w("")
        w("[[sections]]")
        w(f'id = "{sid}"')
        w(f'name = "{name}"')
        w(f'reach = "{reach}"')
    w("")
    w("# ---- river withdrawals (§16): only the published volumes; seasonal split ESTIMATE")
    for wd in withdrawal_tables():
        w("")
        w("[[withdrawals]]")
        w(f'id = "{wd["id"]}"')
        w(f'reach = "{wd["reach"]}"')
        w(f"flow_m3_s = {wd['flow']}   # mean {wd['mean']:.3f} m3/s")
        w(f'reference = "{wd["reference"]}"')
        w(f'note = "{wd["note"]}"')
    w("")
    w("# ---- channel transmission losses (§16): one published release, ESTIMATE per reach")
    for wd in channel_loss_tables():
        w("")
        w("[[withdrawals]]")
        w(f'id = "{wd["id"]}"')
        w(f'reach = "{wd["reach"]}"')
        w(f"loss_share = {wd['loss_share']}   # ESTIMATE (§16)")
        w(f'reference = "{wd["reference"]}"')
        w(f'note = "{wd["note"]}"')
    w("")
    w("# ---- subbasins: areas ESTIMATE (§1, §11); populations 2020 census x county share ESTIMATE (§11);")
    w("# Shanxi / Inner Mongolia population = basin total minus the Hebei and Beijing parts, shared by")
    w("# area x density weight (ESTIMATE §11); livestock = provincial 2005 stock per rural resident (region I3)")
    rural_total = 0.0
    for sub in SUBS:
        (sid, name, area, (kind, target), elev, p, county, prov, lu, shares, weight, water) = sub
        if shares is None:
            pop = pool * area * weight / pool_weight
            rural = pop * (1.0 - connected[None] / pool)
        else:
            pop = sum(county_pop(c) * s for c, s in shares.items())
            rural = sum((county_pop(c) - connected.get(c, 0.0)) * s for c, s in shares.items())
        rural += unconnected_town.get(sid, 0.0)
        rural_total += rural
        plant = plants.get(sid)
        if shares is None:   # Shanxi / Inner Mongolia: the pool's rural share
            villagers = pop * (1.0 - sx_urban / pool)
        else:
            villagers = sum(county_pop(c) * s * RURAL_SHARE.get(c, REGION["rural_share"]["hebei_county"])
                            for c, s in shares.items())
        w("")
        w("[[subbasins]]")
        w(f'id = "{sid}"')
        w(f'name = "{name}"')
        w(f"area_km2 = {float(area)}   # ESTIMATE within published totals (§11)")
        w(f'{kind} = "{target}"')
        w(f"elevation_m = {float(elev)}   # ESTIMATE (§11)")
        w(f"precip_factor = {p / STATION_P_MM:.3f}   # {p:.0f} mm/yr / {STATION_P_MM} mm at Dingling (§8)")
        w(f'county = "{county}"')
        w(f'province = "{prov}"')
        over = {k: v for k, v in RUNOFF_BY_LANDSCAPE.get(lu, {}).items() if RUNOFF_DEFAULT.get(k) != v}
        if over:
            w(f"[subbasins.runoff]   # calibration, landscape '{lu}' (§13)")
            for k, v in over.items():
                w(f"{k} = {v}   # calibration (§13)")
        w("[subbasins.sources]")
        w(f'delivery_timing = "{DELIVERY_TIMING}"   # rural domestic and livestock N travel with runoff (§12)')
        for cls, share in LANDUSE[lu].items():
            w(f"[subbasins.sources.land_use.{cls}]")
            w(f"share = {share}   # ESTIMATE (§12)")
            w(f"emc_mg_per_l = {EMC[cls]}   # ESTIMATE (§12)")
            if cls == "cropland":
                w("fertiliser_kg_per_ha_yr = { " + ", ".join(f"{y} = {v}" for y, v in FERTILISER.items())
                  + " }   # ESTIMATE (§12)")
                w(f"uptake_kg_per_ha_yr = {UPTAKE}   # ESTIMATE (§12)")
            if cls in ("forest", "grassland"):
                w(f"uptake_kg_per_ha_yr = {NATURAL_UPTAKE}   # ESTIMATE: vegetation retains deposition (§12)")
        w("[subbasins.sources.groundwater]")
        w(f"leaching_fraction = {LEACHING}   # ESTIMATE (§12)")
        w(f"residence_years = {RESIDENCE_YR}   # ESTIMATE (§12)")
        w(f'timing = "{GW_TIMING}"   # issue 13')
        w("[subbasins.sources.timing]   # issue 13: blended years, seasons, wash-off")
        for k, v in SOURCE_TIMING.items():
            value = f'"{v}"' if isinstance(v, str) else v
            w(f"{k} = {value}   # ESTIMATE ('Storm and season (issue 13)')")
        w("[subbasins.sources.rural_domestic]")
        w(f"population = {round(rural, -1):.0f}   # residents not connected to a listed WWTP (§11)")
        w(f"per_capita_n_g_per_day = {PER_CAPITA_N}   # excreta basis (region I5; §12)")
        w(f"connected_share = {RURAL_CONNECTED}   # ESTIMATE (§12)")
        w(f"treatment_removal = {RURAL_REMOVAL}   # ESTIMATE (§12)")
        w(f"delivery_fraction = {RURAL_DELIVERY}   # ESTIMATE (§12; region I5)")
        for kind_l, per in LIVESTOCK_PER_RURAL[prov].items():
            w(f"[subbasins.sources.livestock.{kind_l}]")
            w(f"head = {round(per * villagers, -1):.0f}   # {prov} {per} per rural resident x {villagers:.0f} "
              "(region I3)")
            w(f"excretion_kg_per_head_yr = {EXCRETION[kind_l]}   # region I4")
            w(f"loss_fraction = {LOSS}   # ESTIMATE (§12)")
        if plant:
            pname, preach, spop = plant
            w("[[subbasins.sources.point]]")
            w(f'name = "{pname}"')
            w(f'reach = "{preach}"')
            reclaimed = RECLAIMED_M3_PER_DAY.get(sid, 0.0)
            w(f"discharge_m3_per_day = {wwtp(spop, sid):.0f}   # ESTIMATE {spop:.0f} served x "
              f"{SERVED} x {SEWAGE_M3_PER_PERSON_DAY} m3/d (§11)"
              + (f" less {reclaimed:.0f} m3/d reclaimed water used (2011-2015, Zhu, Wu et al. 2021)"
                 if reclaimed else ""))
            if prov == "Beijing":
                w("tn_mg_per_l = { 2012 = 20.0, 2013 = 15.0 }   # ESTIMATE: GB 18918 1B to 2012, then "
                  "DB11/890-2012 B (in force 2012-07-01; limits unverified, §11)")
            else:
                w("tn_mg_per_l = { 2013 = 20.0, 2016 = 15.0 }   # ESTIMATE: GB 18918 1B -> 1A (§11)")
        wa = water if sid != "sg07" else WATER_AREA_CETIAN
        w("[subbasins.sources.deposition]")
        w(f"rate_kg_per_ha_yr = {DEPOSITION}   # on water: bulk (region I6)")
        w(f"land_rate_kg_per_ha_yr = {DEPOSITION_OXIDISED:.4g}   # on land: oxidised N only (region I6)")
        w(f"oxidised_kg_per_ha_yr = {DEPOSITION_OXIDISED:.4g}   # NANI's term (region I6)")
        w(f"water_area_km2 = {wa}   # ESTIMATE (§10, §12)")
    # every resident once: not connected (rural_domestic) or connected to a plant (SOURCES §11)
    everyone = rural_total + sum(connected.values()) + SERVED * YANQING_URBAN
    assert abs(everyone - BASIN_POPULATION) < 1.0, (everyone, BASIN_POPULATION)
    out.extend(TRANSFERS.splitlines())
    (path or HERE / "basin.toml").write_text("\n".join(out) + "\n")
    print(f"population: Hebei+Beijing in basin {hebei_bj_total:,.0f}; Shanxi/IM pool {pool:,.0f}")
    print(f"urban: Hebei+Beijing {hebei_bj_urban:,.0f}; Shanxi/IM {sx_urban:,.0f}; "
          f"Datong {datong_urban:,.0f}; Shuozhou {shuozhou_urban:,.0f}")
    print(f"Guanting storage {[round(s) for s in gt_storage]}")
    print(f"Cetian storage {[round(s) for s in ct_storage]}")
    print("areas:", sum(s[2] for s in SUBS))
    for rid, *_, slope in REACHES:
        print(rid, round(fischer_dispersion(slope), 1))


if __name__ == "__main__":
    main()
