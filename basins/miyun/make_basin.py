"""Write basins/miyun/basin.toml from the tables below (run: python basins/miyun/make_basin.py).

Every number here is either taken from a source listed in SOURCES.md or marked ESTIMATE
there (section 8 explains each derivation).  The script only does arithmetic that SOURCES.md
describes: population by area share, precipitation factors, reach slopes, hydraulic geometry
and Fischer dispersion.  Edit the tables, re-run, and keep SOURCES.md in step.
"""

from __future__ import annotations

import math
import sys
import tomllib
from pathlib import Path

HERE = Path(__file__).resolve().parent
# the regional inventory shared with Guanting: counties, per-capita and per-head N, deposition
# (beside this folder; a copy of the folder elsewhere reads the one shipped with hydro)
_REGION_FILES = [HERE.parent / "region" / "inventory.toml",
                 Path(__import__("hydro").__file__).resolve().parents[1] / "basins" / "region" / "inventory.toml"]
_REGION_DIR = next(f for f in _REGION_FILES if f.is_file()).parent
REGION = tomllib.loads((_REGION_DIR / "inventory.toml").read_text(encoding="utf-8"))
# the region's constituents, species and reaction rates (region/region_constituents.py, R9)
sys.path.insert(0, str(_REGION_DIR))
from region_constituents import quality_constituents, write_constituents  # noqa: E402

# --- weather -----------------------------------------------------------------------------
STATION_ELEVATION_M = 60.0      # ESTIMATE (Huairou town on the plain edge; SOURCES 8.1)
STATION_LATITUDE_DEG = 40.31    # Huairou district seat 40.315 N (zh.wikipedia 怀柔区)
STATION_PRECIP_MM = 594.6       # mean of the four March-February years of forcing/huairou_daily_2013_2017.csv
#   (S8.1); the 2000-2017 [weather] file keeps these factors (SOURCES 'Weather from 2000')

# --- counties: rural density (rural residents per km2), ESTIMATE (SOURCES 8.5) -----------
# county figures from the regional inventory (basins/region/inventory.toml, region SOURCES I1-I2)
RURAL_SHARE_HEBEI = REGION["rural_share"]["hebei_county"]
_C = REGION["counties"]


def _hebei_density(name):
    return _C[name]["resident_2020"] * RURAL_SHARE_HEBEI / _C[name]["area_km2"]


COUNTY = {  # name: (province, resident 2020, area km2, rural persons per km2 of basin land)
    **{n: ("Hebei", _C[n]["resident_2020"], _C[n]["area_km2"], _hebei_density(n))
       for n in ("Fengning", "Chicheng", "Guyuan")},
    "Luanping": ("Hebei", None, _C["Luanping"]["area_km2"], _hebei_density("Fengning")),   # as Fengning
    "Xinglong": ("Hebei", None, None, _hebei_density("Fengning")),                          # as Fengning
    # Beijing: census rural residents halved (they crowd in the plain, outside the basin)
    **{n: ("Beijing", _C[n]["resident_2020"], _C[n]["area_km2"],
           0.5 * (_C[n]["resident_2020"] - _C[n]["urban_2020"]) / _C[n]["area_km2"])
       for n in ("Yanqing", "Huairou")},
    # Miyun: end-2022 rural residents 177,000 (xzqh.org, secondary), halved as for Yanqing/Huairou
    "Miyun": ("Beijing", _C["Miyun"]["resident_2020"], _C["Miyun"]["area_km2"],
              0.5 * _C["Miyun"]["rural_2022"] / _C["Miyun"]["area_km2"]),
}

# --- reaches ---------------------------------------------------------------------------
# id, name, length km, downstream, top elevation m, bottom elevation m, Q_ref m3/s, W_ref m
# Elevations and lengths other than the Chao's 157 km are ESTIMATES (SOURCES 8.3).
REACHES = [
    ("chao_upper", "Chao: Huangqi headwater to Fengning town (Dage)", 60.0, "chao_fengning", 1300, 700, 1.0, 8.0),
    ("chao_fengning", "Chao: Dage to the Fengning-Luanping border", 50.0, "chao_luanping", 700, 450, 2.0, 12.0),
    ("chao_luanping", "Chao: Luanping (Hushiha) to Gubeikou", 47.0, "chao_lower", 450, 230, 3.0, 18.0),
    ("chao_lower", "Chao: Gubeikou to the Xiahui gauge", 18.0, "chao_reservoir", 230, 180, 3.5, 20.0),
    ("chao_reservoir", "Chao: Xiahui to Miyun reservoir (Chao arm)", 12.0, "miyun", 180, 155, 4.0, 22.0),
    ("bai_guyuan", "Bai: Guyuan headwater to Yunzhou reservoir", 55.0, "yunzhou", 1500, 1050, 0.5, 6.0),
    ("bai_chicheng", "Bai: Yunzhou dam to Chicheng town", 30.0, "bai_dushikou", 1000, 880, 1.0, 10.0),
    ("bai_dushikou", "Bai: Chicheng town to the Hebei-Beijing border (Dushikou)", 45.0, "baihebao", 880, 600, 2.0, 14.0),
    ("bai_yanqing", "Bai: Baihebao dam to the Hei confluence (Qianjiadian)", 35.0, "bai_huairou", 560, 450, 2.5, 16.0),
    ("hei", "Hei River (Chicheng) to the Bai", 80.0, "bai_huairou", 1100, 450, 1.0, 10.0),
    ("bai_huairou", "Bai: Qianjiadian to the Tang confluence (Huairou)", 50.0, "bai_lower", 450, 300, 4.0, 20.0),
    ("tang_upper", "Tang River in Fengning, to the Hebei-Beijing border", 50.0, "tang_lower", 1000, 550, 0.5, 6.0),
    ("tang_lower", "Tang River in Huairou (Tanghekou) to the Bai", 45.0, "bai_lower", 550, 300, 1.0, 8.0),
    ("bai_lower", "Bai: Tang confluence to the Zhangjiafen gauge", 45.0, "bai_reservoir", 300, 180, 5.0, 25.0),
    ("bai_reservoir", "Bai: Zhangjiafen to Miyun reservoir (Bai arm)", 20.0, "miyun", 180, 155, 5.0, 25.0),
    ("qingshui_upper", "Qingshui River in Hebei, to the border", 30.0, "qingshui_lower", 700, 300, 0.4, 5.0),
    ("qingshui_lower", "Qingshui River in Miyun, to the reservoir", 20.0, "miyun", 300, 155, 0.6, 6.0),
]
VELOCITY_EXP = 0.34   # at-a-station m (Leopold & Maddock 1953 mean; SOURCES 8.3)
WIDTH_EXP = 0.26      # at-a-station b
V_REF = {True: 0.3, False: 0.5}  # m/s at Q_ref: headwater / larger reach (ESTIMATE)

SECTIONS = [
    ("gubeikou", "Chao River at Gubeikou (Hebei-Beijing border)", "chao_luanping", 1.0),
    ("xiahui", "Xiahui gauge (Chao)", "chao_lower", 1.0),
    ("baihe_border", "Bai River at the Hebei-Beijing border", "bai_dushikou", 1.0),
    ("hei_outlet", "Hei River at the Hebei-Beijing border", "hei", 0.75),
    ("tang_outlet", "Tang River at the Hebei-Beijing border", "tang_upper", 1.0),
    ("qingshui_outlet", "Qingshui River at the Hebei-Beijing border", "qingshui_upper", 1.0),
    ("zhangjiafen", "Zhangjiafen gauge (Bai)", "bai_lower", 1.0),
    ("chao_inlet", "Chao River at the reservoir (Xinzhuang bridge area)", "chao_reservoir", 1.0),
    ("bai_inlet", "Bai River at the reservoir (Daguan bridge area)", "bai_reservoir", 1.0),
    ("qingshui_inlet", "Qingshui River at the reservoir", "qingshui_lower", 1.0),
]

# --- land-use presets (shares, ESTIMATE; SOURCES 8.6) --------------------------------------
LAND = {
    "bashang": {"forest": 0.30, "grassland": 0.34, "cropland": 0.30, "village": 0.06},
    "hebei_mountain": {"forest": 0.55, "grassland": 0.17, "cropland": 0.23, "village": 0.05},
    "beijing_mountain": {"forest": 0.72, "grassland": 0.12, "cropland": 0.12, "village": 0.04},
    # the Chao basin's 2009 Landsat map (Yao An-kun et al. 2013, Research of Soil and Water Conservation
    # 20(2): 53-59, abstract): woodland 36.26 + shrubland 41.76 % as forest, grassland 13.28, arable 6.31,
    # construction 0.98 % as village; divided by their sum, 98.59 % (unused land and water, at most 1.41 %,
    # are not given): S8.6
    "chaohe_2009": {k: v / 98.59 for k, v in
                    {"forest": 36.26 + 41.76, "grassland": 13.28, "cropland": 6.31, "village": 0.98}.items()},
}
#: Where a preset's shares come from (the ``share`` lines' comments)
LAND_SOURCE = {"chaohe_2009": "Yao et al. 2013, 2009 map of the Chao basin (S8.6)"}

# --- subbasins -------------------------------------------------------------------------
# id, name, area km2, drains to (reach or "res:<id>"), county, elevation m, annual P mm,
# land preset, water area km2 (deposition surface), P source tag
SUBBASINS = [
    ("chao_huangqi", "Chao headwater: Huangqi", 900, "chao_upper", "Fengning", 1350, 460, "chaohe_2009", 1.0),
    ("chao_zhangbaiwan", "Chao: Zhangbaiwan and Lamashan gullies", 700, "chao_upper", "Fengning", 1150, 460, "chaohe_2009", 0.8),
    ("chao_dage", "Chao: Fengning town (Dage) and Wudaoying", 600, "chao_fengning", "Fengning", 850, 470, "chaohe_2009", 1.0),
    ("chao_nanguan", "Chao: Nanguan and Houyingzi", 700, "chao_fengning", "Fengning", 900, 480, "chaohe_2009", 0.8),
    ("chao_hatangchuan", "Chao: Zhailing, Shirengou and Hatangchuan", 800, "chao_luanping", "Fengning", 850, 490, "chaohe_2009", 0.9),
    ("chao_luanping", "Chao: Luanping (Hushiha)", 1000, "chao_luanping", "Luanping", 700, 520, "chaohe_2009", 1.2),
    ("chao_gubeikou", "Chao: Gubeikou to Xiahui", 400, "chao_lower", "Miyun", 450, 600, "chaohe_2009", 0.5),
    ("chao_xiahui", "Chao: Xiahui to the reservoir", 300, "chao_reservoir", "Miyun", 350, 640, "chaohe_2009", 0.4),
    ("bai_guyuan", "Bai headwater: Guyuan", 700, "bai_guyuan", "Guyuan", 1450, 426, "bashang", 0.6),
    ("bai_yunzhou", "Yunzhou reservoir catchment below the headwater", 470, "res:yunzhou", "Chicheng", 1250, 421.5, "hebei_mountain", 6.0),
    ("bai_chicheng", "Bai: Chicheng town", 600, "bai_chicheng", "Chicheng", 1050, 425, "hebei_mountain", 0.6),
    ("bai_hong", "Bai: Hong River and Dushikou", 1100, "bai_dushikou", "Chicheng", 1100, 440, "hebei_mountain", 1.0),
    ("hei_chicheng", "Hei River (Chicheng)", 1100, "hei", "Chicheng", 1150, 450, "hebei_mountain", 1.0),
    ("bai_baihebao", "Baihebao reservoir local catchment", 300, "res:baihebao", "Yanqing", 900, 460, "beijing_mountain", 5.0),
    ("bai_qianjiadian", "Bai: Yanqing north-east (Qianjiadian)", 800, "bai_yanqing", "Yanqing", 900, 480, "beijing_mountain", 0.7),
    ("tang_fengning", "Tang River headwater (Fengning)", 700, "tang_upper", "Fengning", 1050, 500, "hebei_mountain", 0.5),
    ("tang_huairou", "Tang River (Huairou, Tanghekou)", 500, "tang_lower", "Huairou", 800, 550, "beijing_mountain", 0.4),
    ("bai_huairou", "Bai: Huairou (Baoshan, Changshaoying)", 700, "bai_huairou", "Huairou", 700, 580, "beijing_mountain", 0.7),
    ("bai_zhangjiafen", "Bai: down to Zhangjiafen", 600, "bai_lower", "Miyun", 500, 620, "beijing_mountain", 0.6),
    ("bai_inlet", "Bai: Zhangjiafen to the reservoir", 300, "bai_reservoir", "Miyun", 350, 640, "beijing_mountain", 0.3),
    ("qingshui_hebei", "Qingshui River (Hebei part)", 500, "qingshui_upper", "Luanping", 650, 560, "beijing_mountain", 0.3),
    ("qingshui_miyun", "Qingshui River (Miyun part)", 300, "qingshui_lower", "Miyun", 400, 640, "beijing_mountain", 0.2),
    ("anda_xinglong", "Anda River side (Xinglong)", 300, "res:miyun", "Xinglong", 600, 600, "hebei_mountain", 0.2),
    ("miyun_shore", "Miyun reservoir shore and water surface (Shixia, Tumen Xigou)", 1418, "res:miyun", "Miyun", 300, 665.3, "beijing_mountain", 90.0),
]
TOTAL_AREA_KM2 = 15788.0

# --- sources: parameters (ESTIMATE/calibrated within ranges; SOURCES 8.7-8.12) ------------
EMC = {"forest": 0.8, "grassland": 0.6, "cropland": 3.0, "village": 8.0, "water": 0.0}
FERTILISER = 200.0        # kg N/ha/yr on cropland
UPTAKE = {"forest": 30.0, "grassland": 20.0, "cropland": 150.0, "village": 0.0}
LEACHING_FRACTION = {"chao": 0.025, "bai": 0.01, "beijing": 0.01}  # by river group, calibrated (S8.7)
RESIDENCE_YEARS = 5.0
# regional inventory (region SOURCES I3-I6): bulk deposition and its oxidised part, excreta N
DEPOSITION = REGION["deposition"]["total_kg_per_ha_yr"]["miyun"]   # kg N/ha/yr (Wang Huanxiao et al. 2018)
DEPOSITION_OXIDISED = REGION["deposition"]["oxidised_share"] * DEPOSITION  # on land: reduced N is re-deposited NH3
PER_CAPITA_N = REGION["rural_domestic"]["per_capita_n_g_per_day"]   # g N/person/d = 4.3 kg/yr
DOMESTIC_DELIVERY = 0.15
LIVESTOCK_PER_RURAL = REGION["livestock_per_rural_resident"]         # by province, head per rural resident
EXCRETION = REGION["livestock_n_kg_per_head_yr"]
LIVESTOCK_LOSS = 0.06      # calibrated within 0.05-0.3 (S8.9)
DELIVERY_TIMING = "washoff"   # rural domestic and livestock N: a surface store washed off by quick flow (S8.13)
# storm and season (issue 13; SOURCES "Storm and season (issue 13)"): months January..December
SOURCE_TIMING = dict(
    fertiliser_months=[0, 0, 0, 0.1, 0.3, 0.3, 0.3, 0, 0, 0, 0, 0],  # spring maize: basal at sowing, top-dress
    manure_months=[0, 0, 0.2, 0.5, 0, 0, 0, 0, 0, 0.2, 0.1, 0],      # farmyard manure before sowing and ploughing
    washoff_per_mm=0.18,                                              # Sartor & Boyd (1972), 4.6 /in
    washoff_flow="filtered")   # the event part of the runoff washes the store, not GR4J's direct branch
GW_TIMING = "flow"   # the legacy store drains with base flow: no step on 1 January (issue 13)
# initial TN, mg/L (S8.14): rivers and the two small reservoirs ESTIMATE; Miyun = Li et al. 2015 mean
INITIAL_TN = {"rivers": 2.0, "miyun": 0.98}
# subbasin id -> {GR4J key: value} (S8.4). The Bai above Zhangjiafen loses less water to human use
# than the Chao (human share of the runoff decline 65-70 % at Zhangjiafen, 81.7 % at Xiahui; S2):
# x2 = -3.12 mm/d there, the Chao and the reservoir side -4.95 ([runoff]): calibrated on published
# storage and inflow 2000-2017 with the basin-scaled weather (configs/calibration/miyun_water_2000_2017.toml;
# SOURCES "Recalibration of 2026-12-04"; before it "Water 2000-2017 (issue 13)" and "Upland precipitation").
BAI_SIDE = [s[0] for s in SUBBASINS if s[0].startswith(("bai_", "hei_", "tang_")) and s[0] != "bai_inlet"]
RUNOFF_OVERRIDES = {sid: {"x2_mm_per_day": -3.12} for sid in BAI_SIDE}
# WWTPs: (subbasin, name, reach, m3/d, its comment, TN mg/L, its comment) - SOURCES 8.11. The TOML text
# of each value: Fengning's TN is a year series (raw sewage to 2009, class 1A from 2010; 2026-12-02).
WWTP = [
    ("chao_dage", "Fengning county town WWTP (Dage)", "chao_fengning", "15000.0",
     "ESTIMATE, the town's sewage, raw to 2009 and treated from 2010; design capacity 20,000 (S8.11)",
     "{ 2009 = 42.0, 2010 = 15.0 }",
     "to 2009 the town's untreated outfall (Yu 2006, region R8 'untreated'); from 2010 ESTIMATE at the "
     "GB 18918-2002 class 1A limit (S3), an upper bound; plant in service by end 2009 (S8.11)"),
    ("bai_chicheng", "Chicheng county town WWTP", "bai_chicheng", "10000.0",
     "ESTIMATE: no capacity or start year found, only that every Hebei county town had a plant by end 2010 "
     "(S8.11)", "15.0", "ESTIMATE at the GB 18918-2002 class 1A limit (S3), an upper bound"),
]

RESERVOIRS = {
    "yunzhou": dict(name="Yunzhou reservoir", downstream="bai_chicheng",
                    level_m=[1000.0, 1010.0, 1020.0, 1030.0, 1032.0],
                    area_km2=[0.0, 1.2, 4.0, 7.5, 8.2], storage_mcm=[0.0, 5.0, 30.0, 87.0, 102.0],
                    full_supply_level_m=1032.0, dead_storage_mcm=3.0, initial_storage_mcm=30.0,
                    target_release_m3_s=0.6, ecological_min_m3_s=0.1),
    "baihebao": dict(name="Baihebao reservoir", downstream="bai_yanqing",
                     level_m=[560.0, 570.0, 580.0, 590.0, 591.7],
                     area_km2=[0.0, 1.0, 3.5, 7.0, 7.6], storage_mcm=[0.0, 4.0, 26.0, 78.0, 90.6],
                     full_supply_level_m=591.7, dead_storage_mcm=3.0, initial_storage_mcm=30.0,
                     target_release_m3_s=1.2, ecological_min_m3_s=0.2),
    "miyun": dict(name="Miyun reservoir",
                  level_m=[100.0, 115.0, 126.0, 137.61, 140.54, 143.19, 147.0, 149.81, 153.98,
                           155.30, 157.5, 158.5, 159.5],
                  area_km2=[0.0, 17.6, 46.154, 94.1, 105.5, 117.12, 137.54, 148.7, 165.3, 170.6,
                            179.33, 183.6, 188.0],
                  storage_mcm=[0.0, 96.9, 437.0, 1200.5, 1499.2, 1803.1, 2338.0, 2700.0, 3358.0,
                               3579.0, 4008.0, 4190.0, 4375.0],
                  full_supply_level_m=157.5, flood_limit_level_m=152.0, flood_season=["06-01", "09-15"], flood_drawdown_days=30,
                  dead_storage_mcm=437.0, initial_storage_mcm=1850.0,
                  target_release_m3_s=9.94, ecological_min_m3_s=0.0),
}

#: The county each reservoir's water surface lies in (SOURCES 'Where the reservoirs lie (2026-12-06)'); the
#: province comes from [[counties]].
RESERVOIR_COUNTY = {"yunzhou": "Chicheng", "baihebao": "Yanqing", "miyun": "Miyun"}

# GR4J: configs/calibration/miyun_water_2000_2017.toml (issue 13), inside Perrin et al. (2003) ranges (S8.4);
# recalibrated on the basin-scaled weather with the 2013 inflow like for like (SOURCES "Recalibration of
# 2026-12-04"), rounded to 3 digits
RUNOFF = dict(x1_mm=632.0, x2_mm_per_day=-4.95, x3_mm=61.0, x4_days=1.16, ctg=0.25,
              kf_mm_per_c_per_day=3.0)
CONSTITUENT = dict(river_removal_per_day=0.10, river_theta=1.047, reservoir_removal_per_day=0.0,
                   reservoir_theta=1.047, settling_velocity_m_per_day=0.027)

# --- water quality beside TN (issue 14; basins/region/SOURCES.md R9-R10) ---------------------
# Sources of every species: the regional table ../region/quality.toml ([quality], always written).
# QUALITY = True writes TN as organic/ammonia/nitrate N with reactions, TP (dp, pp) and CODMn, and
# [initial] by species; False keeps TN alone until `hydro run` parses the species schema.
QUALITY = True
# every N species is removed at TN's calibrated rates, so TN decays exactly as before (R9)
_N_SINK = {k: CONSTITUENT[k] for k in ("river_removal_per_day", "river_theta", "reservoir_removal_per_day",
                                       "reservoir_theta", "settling_velocity_m_per_day")}
QUALITY_CONSTITUENTS = quality_constituents(_N_SINK)   # the region's (R9)
# initial concentrations by species, mg/L (R10); the N species add up to INITIAL_TN
INITIAL_SPECIES = {"rivers": dict(orgn=0.2, nh3n=0.1, no3n=1.7, dp=0.03, pp=0.03, codmn=3.0),
                   "miyun": dict(orgn=0.25, nh3n=0.08, no3n=0.65, dp=0.015, pp=0.015, codmn=2.5)}


def write_quality(w):
    """[[constituents]] with species and reactions, and [initial] by species (QUALITY = True)."""
    w("# constituents, species and reactions below: rates and thetas from region SOURCES R9; the N species'")
    w("# sinks are TN's calibrated river removal 0.10 /d, theta 1.047, and settling 0.027 m/d (S8.8)")
    def w_r9(line):   # each rate line points to its source (comment only)
        numeric = " = " in line and line.split(" = ", 1)[1][:1] in "-.0123456789" and "#" not in line
        w(f"{line}   # region R9" if numeric else line)
    write_constituents(w_r9, QUALITY_CONSTITUENTS)
    w("[initial]   # ESTIMATE by species (region R10); orgn + nh3n + no3n = the TN of S8.14")
    for where, values in INITIAL_SPECIES.items():
        tn = values["orgn"] + values["nh3n"] + values["no3n"]
        assert abs(tn - INITIAL_TN[where]) < 1e-9, (where, tn)
        if where != "rivers":
            w(f"[initial.reservoirs.{where}]")
        for sp, v in values.items():
            w(f"{sp}_mg_per_l = {v}   # ESTIMATE (region R10)")
    w("")


def group(sid, county):
    """River group of a subbasin for the calibrated leaching fraction."""
    if sid.startswith("chao_") and county in ("Fengning", "Luanping"):
        return "chao"
    if COUNTY[county][0] == "Hebei" and not sid.startswith("chao_"):
        return "bai"
    return "beijing"


def reach_geometry(q_ref, w_ref, headwater, slope):
    """Width/velocity coefficients at Q_ref and a Fischer (1979) dispersion estimate."""
    v_ref = V_REF[headwater]
    a_v = v_ref / q_ref ** VELOCITY_EXP
    a_w = w_ref / q_ref ** WIDTH_EXP
    depth = q_ref / (w_ref * v_ref)
    u_star = math.sqrt(9.81 * depth * slope)
    disp = 0.011 * v_ref ** 2 * w_ref ** 2 / (depth * u_star)
    return a_v, a_w, depth, disp


def fmt(x):
    if isinstance(x, list) and all(isinstance(v, str) for v in x):  # days of the year, as TOML strings
        return "[" + ", ".join(f'"{v}"' for v in x) + "]"
    return f"{x:.6g}" if isinstance(x, float) else str(x)


# --- transfers and operations as series (SOURCES "Transfers and operations"; files written by
# basins/miyun/transfers/make_series.py) ------------------------------------------------------
TRANSFERS = """
# ---- transfers and operations (SOURCES "Transfers and operations"; docs/basin-file.md)
[[transfers]]
id = "snwd_miyun"
name = "South-to-North (Middle Route) water pumped into Miyun"
kind = "inflow"
reservoir = "miyun"
origin = "south-to-north"
csv = "transfers/snwd_miyun_daily.csv"   # published cumulative volumes, spread by days (ESTIMATE)
tn_mg_per_l = 1.34   # Danjiangkou 2021-2023 mean TN (Renmin Changjiang 2025(12)); ESTIMATE for 2015-2020, range 1.0-1.6 (no canal or Beijing-end TN found, 'Plan period 2021-2027' review 2026-12-01)
orgn_mg_per_l = 0.20   # ESTIMATE, range 0.1-0.4: no published organic N (SOURCES "Water-quality checks (issue 14)")
nh3n_mg_per_l = 0.10   # ESTIMATE, range 0.02-0.5: Danjiangkou's yearly classes I-II (Renmin Changjiang 2025(12))
no3n_mg_per_l = 1.04   # tn - orgn - nh3n (ESTIMATE by difference)
tp_mg_per_l = 0.020    # Danjiangkou 2021-2023 mean TP (Renmin Changjiang 2025(12)); ESTIMATE for 2015-2020
dp_mg_per_l = 0.010    # ESTIMATE, range 0.004-0.016: half of TP dissolved, the convention of region R10 for reservoir water (no published split of the transferred water; SOURCES "Transfers and operations")
pp_mg_per_l = 0.010    # tp - dp (ESTIMATE by difference)
codmn_mg_per_l = 2.0   # ESTIMATE, range 1.0-4.0: Danjiangkou's yearly classes I-II (Renmin Changjiang 2025(12))
reference = "Xinhua 2016-09-20, 2019-12-12, 2020-08-28; Danjiangkou TN and TP: Renmin Changjiang 2025(12)"

[[transfers]]
id = "miyun_supply"
name = "Miyun supply to Beijing (release out of the basin)"
kind = "release"
reservoir = "miyun"
csv = "transfers/miyun_supply_monthly.csv"   # annual volumes 2000-2017 (2014-2016 The Beijing News 2017-07-18; 2000-2011 ESTIMATEs 3.5e8 and 1.9e8/yr), 2018-2027 ESTIMATE 1e8/yr, with the published ecological releases; spread by days
reference = "The Beijing News 2017-07-18; Xinhua 2013-08-08; Xinhua 2019-12-12; Xinhua English 2019-06-01 and Beijing Daily 2022-03-25 (ecological releases)"

[[transfers]]
id = "yunzhou_to_beijing"
name = "Yunzhou concentrated releases towards Baihebao and Miyun"
kind = "release"
reservoir = "yunzhou"
csv = "transfers/yunzhou_release_daily.csv"   # ESTIMATE splits and durations of published transfers
reference = "Hebei News 2013-05-25; China Water 2014-11-05; MWR China River Sediment Bulletin 2009"

[[transfers]]
id = "baihebao_to_miyun"
name = "Baihebao transfers to Miyun (2003, 2013, 2016, 2017; the planned 2024 transfer)"
kind = "release"
reservoir = "baihebao"
csv = "transfers/baihebao_release_daily.csv"   # published volumes (2024: a plan), ESTIMATE spread (file header)
reference = "Beijing Morning Post 2003-03-15, 2016-11-10; Jinghua Times 2013-04-12; Beijing Youth Daily 2013-08-22, 2016-09-21, 2017-07-18; Beijing Youth Daily app 2024-02-06"
"""


def main(path=None):
    path = HERE / "basin.toml" if path is None else Path(path)
    area_sum = sum(s[2] for s in SUBBASINS)
    assert abs(area_sum - TOTAL_AREA_KM2) < 1e-6, area_sum
    out = []
    w = out.append
    w("# Miyun reservoir watershed (Chao and Bai rivers above Miyun dam), total nitrogen.")
    w("# GENERATED by basins/miyun/make_basin.py - edit the script, not this file.")
    w("# Every number is sourced or marked ESTIMATE in basins/miyun/SOURCES.md (section numbers")
    w("# given as 'S8.x'). Subbasin boundaries and reach lengths are APPROXIMATIONS (S8.2-S8.3).")
    w("")
    w("[basin]")
    w('name = "miyun"')
    w('description = "Miyun reservoir watershed (Chao, Bai, Hei, Tang, Qingshui), 15,788 km2, '
      'real weather 2000-2017 (Beijing 54511, then Huairou)"')
    w("")
    w("[run]   # observed weather: 2000-01-01..2017-02-28 (issue 13; SOURCES 'Weather from 2000')")
    w("start = 2000-01-01        # setting: run period (first and last day of observed weather)")
    w("end = 2017-02-28          # setting: run period")
    w("courant = 0.9             # numerical setting (time-step stability), not data")
    w("cell_length_km = 4.0      # numerical setting: transport cell size, not data (3-5 km, as Guanting §9)")
    w('routing = "auto"          # Muskingum-Cunge: every reach has a slope')
    w("")
    w("# counties the subbasins lie in (province and total area: SOURCES S1)")
    for county, (prov, _, area, _) in COUNTY.items():
        w("[[counties]]")
        w(f'id = "{county}"')
        w(f'province = "{prov}"')
        if area is not None:
            w(f"area_km2 = {area}   # county area: region SOURCES I1 (S1)")
        w("")
    w("[weather]")
    w("# Beijing 54511 (GHCN-D) 2000-01-01..2013-02-28, then Huairou 2013-03-01..2017-02-28, then 54511")
    w("# again to 2020-12-31 (ESTIMATE rows, absent rain days 0 mm; hydro validate runs them); the column")
    w("# 'station' names each day's source; Beijing shifted by the lapse rate to elevation_m; gap")
    w("# 2013-01..02 partly NA, filled as the file's fill_missing says (SOURCES 'Weather from 2000').")
    w("# Precipitation rescaled (ESTIMATE, ratio method) to the published basin-average totals of")
    w("# 1 June-6 August 2012 and 2013 and 1 January-20 September 2016 (make_weather_basin_scaled.py;")
    w("# SOURCES 'Upland precipitation')")
    w('csv = "forcing/huairou_beijing_basin_scaled_2000_2017.csv"')
    w(f"elevation_m = {STATION_ELEVATION_M}      # ESTIMATE: Huairou town on the plain edge (S8.1)")
    w(f"latitude_deg = {STATION_LATITUDE_DEG}     # Huairou district seat 40.315 N (zh.wikipedia)")
    w("lapse_c_per_km = 6.5      # standard environmental lapse rate (ICAO/ISO 2533 standard atmosphere)")
    w("")
    w("[runoff]                  # GR4J/CemaNeige, calibrated within Perrin et al. (2003) ranges (S8.4)")
    for k, v in RUNOFF.items():
        note = ("ESTIMATE, typical CemaNeige value (S8.4)" if k in ("ctg", "kf_mm_per_c_per_day")
                else "calibrated (S8.4; values: SOURCES 'Recalibration of 2026-12-04')")
        w(f"{k} = {fmt(v)}   # {note}")
    w("snow = true")
    w("")
    w("[quality]   # NH3-N, TP, CODMn sources: shared with Guanting (SOURCES 'Water-quality sources')")
    w('table = "../region/quality.toml"')
    w("")
    if QUALITY:
        write_quality(w)
    else:
        w("[[constituents]]")
        w('name = "tn"')
        w('long_name = "total nitrogen"')
        w(f"river_removal_per_day = {CONSTITUENT['river_removal_per_day']}   # within 0.005-0.45 /d (Alexander et al. 2000), S8.10")
        w(f"river_theta = {CONSTITUENT['river_theta']}")
        w(f"reservoir_removal_per_day = {CONSTITUENT['reservoir_removal_per_day']}")
        w(f"reservoir_theta = {CONSTITUENT['reservoir_theta']}")
        w(f"settling_velocity_m_per_day = {CONSTITUENT['settling_velocity_m_per_day']}  # ESTIMATE ~10 m/yr apparent settling, S8.10")
        w("")
        w("[initial]")
        w(f"tn_mg_per_l = {INITIAL_TN['rivers']}   # ESTIMATE: rivers, Yunzhou, Baihebao on the first day (S8.14)")
        w("[initial.reservoirs.miyun]")
        w(f"tn_mg_per_l = {INITIAL_TN['miyun']}   # Li Dongqing et al. 2015: Miyun mean TN 1991-2011 (S4, S8.14)")
        w("")
    heads = {r[0] for r in REACHES} - {r[3] for r in REACHES}
    for rid, name, length, down, ztop, zbot, q_ref, w_ref in REACHES:
        slope = (ztop - zbot) / (length * 1000.0)
        a_v, a_w, depth, disp = reach_geometry(q_ref, w_ref, rid in heads, slope)
        w("[[reaches]]")
        w(f'id = "{rid}"')
        w(f'name = "{name}"')
        w(f"length_km = {fmt(length)}       # ESTIMATE partition of river lengths (S8.3)")
        w(f'downstream = "{down}"')
        w(f"slope_m_per_m = {slope:.5f}   # ESTIMATE: ({ztop} - {zbot}) m / {length} km (S8.3)")
        w(f"velocity_coeff = {a_v:.4f}   # ESTIMATE: v = {V_REF[rid in heads]} m/s at Q = {q_ref} m3/s (S8.3)")
        w(f"velocity_exp = {VELOCITY_EXP}   # Leopold & Maddock 1953 at-a-station mean (S8.3)")
        w(f"width_coeff = {a_w:.4f}      # ESTIMATE: w = {w_ref} m at Q = {q_ref} m3/s (S8.3)")
        w(f"width_exp = {WIDTH_EXP}   # Leopold & Maddock 1953 at-a-station mean (S8.3)")
        w(f"dispersion_m2_s = {disp:.2f}   # ESTIMATE: Fischer 0.011 U2 W2/(h u*), h = {depth:.2f} m (S8.3)")
        w("")
    for rid, r in RESERVOIRS.items():
        w("[[reservoirs]]")
        w(f'id = "{rid}"')
        w(f'name = "{r["name"]}"')
        if "downstream" in r:
            w(f'downstream = "{r["downstream"]}"')
        if rid == "miyun":
            w("# curve: points of S2 (published) plus ESTIMATEs: areas at storage-only points by linear")
            w("# interpolation in level, 100/115 m from a power law, 159.5 m for 4,375 mcm / 188 km2 (S8.8)")
        else:
            w("# ESTIMATE curve: only the total capacity is published (S2, S8.8)")
        for k in ("level_m", "area_km2", "storage_mcm"):
            w(f"{k} = [{', '.join(fmt(x) for x in r[k])}]   # {'S2 + ESTIMATEs, S8.8' if rid == 'miyun' else 'ESTIMATE (S8.8)'}")
        w(f'county = "{RESERVOIR_COUNTY[rid]}"   # where its water lies, for GEP by place (SOURCES \'Where the '
          "reservoirs lie')")
        for k in ("full_supply_level_m", "flood_limit_level_m", "flood_season", "flood_drawdown_days", "dead_storage_mcm",
                  "initial_storage_mcm", "target_release_m3_s", "ecological_min_m3_s"):
            if k not in r:
                continue
            note = {
                ("miyun", "initial_storage_mcm"): "   # ESTIMATE for 2000-01-01 (SOURCES 'Water 2000-2017')",
                ("miyun", "target_release_m3_s"): "   # mean 2013-2016 supply 3.135e8 m3/yr (S8.8); days outside the series",
                ("miyun", "ecological_min_m3_s"): "   # no downstream ecological release in 2013-2017 (S8.8)",
                ("miyun", "full_supply_level_m"): "   # normal pool 157.5 m (S2)",
                ("miyun", "flood_limit_level_m"): "   # flood-limit level of 2025, derived; 147 m before (S2)",
                ("miyun", "flood_season"): "   # Beijing's statutory flood season, 1 Jun-15 Sep (S2)",
                ("miyun", "flood_drawdown_days"): "   # ESTIMATE: drawn down through May (SOURCES 'Flood season')",
                ("miyun", "dead_storage_mcm"): "   # dead level 126 m, 0.437e9 m3 (S2)",
            }.get((rid, k), "   # ESTIMATE (S8.8)" if rid != "miyun" else "")
            w(f"{k} = {fmt(r[k])}{note}")
        w("")
    for sid, name, reach, pos in SECTIONS:
        w("[[sections]]")
        w(f'id = "{sid}"')
        w(f'name = "{name}"')
        w(f'reach = "{reach}"')
        w(f"position = {pos}   # setting: fraction of the reach from its inlet"
          + (" (ESTIMATE: border 60 of 80 km; SOURCES 'Parameter audit')" if pos != 1.0 else " (the outlet)"))
        w("")
    w("# --- subbasins (boundaries and areas are APPROXIMATIONS; S8.2) ------------------------")
    for sid, name, area, to, county, elev, precip, preset, water in SUBBASINS:
        prov = COUNTY[county][0]
        w("[[subbasins]]")
        w(f'id = "{sid}"')
        w(f'name = "{name}"')
        w(f"area_km2 = {fmt(float(area))}        # ESTIMATE (S8.2)")
        if to.startswith("res:"):
            w(f'reservoir = "{to[4:]}"')
        else:
            w(f'reach = "{to}"')
        w(f"elevation_m = {fmt(float(elev))}     # ESTIMATE (S8.2)")
        bands = [elev - 250, elev - 100, elev, elev + 100, elev + 250]
        w(f"band_elevations_m = [{', '.join(fmt(float(b)) for b in bands)}]   # ESTIMATE +-250 m (S8.2)")
        w(f"precip_factor = {precip / STATION_PRECIP_MM:.3f}   # {precip} mm/yr / {STATION_PRECIP_MM} mm at Huairou (S8.4)")
        w(f'county = "{county}"')
        w(f'province = "{prov}"')
        if sid in RUNOFF_OVERRIDES:
            w("[subbasins.runoff]   # override of [runoff]: less human water loss on the Bai (S8.4)")
            for k, v in RUNOFF_OVERRIDES[sid].items():
                w(f"{k} = {fmt(v)}   # calibrated (S8.4; SOURCES 'Recalibration of 2026-12-04')")
        w("[subbasins.sources]")
        w(f'delivery_timing = "{DELIVERY_TIMING}"   # S8.13')
        w("")
        shares = dict(LAND[preset])
        land_area = area
        if water > 0 and sid == "miyun_shore":
            # the water surface is its own class (no EMC); the area rule (docs/sources.md) puts
            # [deposition]'s water_area_km2 in it, so it takes the water rate, not the land rate too
            ws = water / area
            shares = {k: v * (1 - ws) for k, v in shares.items()}
            shares["water"] = ws
            land_area = area - water
        for cls, share in shares.items():
            w(f"[subbasins.sources.land_use.{cls}]")
            w(f"share = {share:.9f}   # " + ("water surface / subbasin area (S8.6, S8.12)" if cls == "water"
                                              else LAND_SOURCE.get(preset, f"ESTIMATE, preset {preset} (S8.6)")))
            w(f"emc_mg_per_l = {EMC[cls]}   # ESTIMATE (S8.6)")
            if cls == "cropland":
                w(f"fertiliser_kg_per_ha_yr = {FERTILISER}   # ESTIMATE (S8.7)")
            if cls in UPTAKE:
                w(f"uptake_kg_per_ha_yr = {UPTAKE[cls]}   # ESTIMATE (S8.7)")
        w("[subbasins.sources.groundwater]")
        w(f"leaching_fraction = {LEACHING_FRACTION[group(sid, county)]}   # calibrated within 0.01-0.3 (S8.7)")
        w(f"residence_years = {RESIDENCE_YEARS}   # ESTIMATE (S8.7)")
        w(f'timing = "{GW_TIMING}"   # issue 13')
        w("[subbasins.sources.timing]   # issue 13: blended years, seasons, wash-off")
        for k, v in SOURCE_TIMING.items():
            note = {"washoff_per_mm": "Sartor & Boyd 1972", "washoff_flow": "Lyne & Hollick 1979 filter"}.get(
                k, "ESTIMATE, crop calendar")
            value = f'"{v}"' if isinstance(v, str) else v
            w(f"{k} = {value}   # {note} (SOURCES 'Storm and season (issue 13)')")
        rural = COUNTY[county][3] * land_area
        w("[subbasins.sources.rural_domestic]")
        w(f"population = {int(round(rural))}   # ESTIMATE: {COUNTY[county][3]:.1f} rural residents/km2 x {land_area:g} km2 (S8.5)")
        w(f"per_capita_n_g_per_day = {PER_CAPITA_N}   # region I5 (S8.10)")
        w(f"delivery_fraction = {DOMESTIC_DELIVERY}   # ESTIMATE: calibrated on an earlier round's targets (S8.10)")
        for kind, per in LIVESTOCK_PER_RURAL[prov].items():
            w(f"[subbasins.sources.livestock.{kind}]")
            w(f"head = {int(round(per * rural))}   # {prov} {per} per rural resident (region I3)")
            w(f"excretion_kg_per_head_yr = {EXCRETION[kind]}   # region I4")
            w(f"loss_fraction = {LIVESTOCK_LOSS}   # ESTIMATE: calibrated on an earlier round's targets, failing now (S8.9)")
        for sub, pname, preach, q, q_note, tn, tn_note in WWTP:
            if sub == sid:
                w("[[subbasins.sources.point]]")
                w(f'name = "{pname}"')
                w(f'reach = "{preach}"')
                w(f"discharge_m3_per_day = {q}   # {q_note}")
                w(f"tn_mg_per_l = {tn}   # {tn_note}")
        w("[subbasins.sources.deposition]")
        w(f"rate_kg_per_ha_yr = {DEPOSITION}   # on water: bulk, Shixia, Wang Huanxiao et al. 2018 (S3)")
        w(f"land_rate_kg_per_ha_yr = {DEPOSITION_OXIDISED:.4g}   # on land: oxidised N only (region I6)")
        w(f"oxidised_kg_per_ha_yr = {DEPOSITION_OXIDISED:.4g}   # NANI's term (region I6)")
        w(f"water_area_km2 = {fmt(float(water))}   # ESTIMATE (S8.12)")
        w("")
    out.extend(TRANSFERS.splitlines())
    path.write_text("\n".join(out))
    print(f"wrote {path}: {len(SUBBASINS)} subbasins, {len(REACHES)} reaches")


if __name__ == "__main__":
    main()
