"""Input-bounds review (outside reviewer I, 2026-12-05): keys accepted today that give silently wrong numbers.

Each case is a likely unit slip that `Basin.load` (or `GepPrices.from_toml`) accepts and that then runs
(exit 0) with materially wrong results; each test expects a HydroError naming the key.  Numbers in the
comments: 2-year runs of the shipped examples (watershed 2001-2002, tiny 2020-2021), mean over the run.
Fast: loading only, no run.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from hydro.basin import Basin
from hydro.errors import HydroError
from hydro.gep_prices import GepPrices

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "configs" / "examples"


def _copy(tmp_path: Path, example: str, old: str, new: str, append: str = "") -> Path:
    dest = tmp_path / example
    shutil.copytree(EXAMPLES / example, dest)
    path = dest / "basin.toml"
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1) + append, encoding="utf-8")
    return dest


@pytest.mark.parametrize("example", ["watershed", "tiny"])
def test_the_unedited_examples_load(tmp_path, example):
    Basin.load(_copy(tmp_path, example, "[basin]", "[basin]"))


WITHDRAWAL = '\n[[withdrawals]]\nid = "irrig"\nreach = "main"\nflow_m3_s = {}\n'

# (id, example, old, new, appended text, fragments the message must hold)
CASES = [
    # m3/d as m3/s (0.8 -> 69,120; below the 1e5 m3/s bound target_release_m3_s has, and eco-min has none):
    # lake held at dead storage (8 mcm) all run, lake TN 1.69 -> 4.70 mg/L, outlet TN 1.56 -> 4.41 mg/L;
    # only a stdout note ("below its ecological minimum ... 730 of 730 days"), exit 0.
    ("ecological-min-m3-per-day", "watershed", "ecological_min_m3_s = 0.8", "ecological_min_m3_s = 69120.0", "",
     ["ecological_min_m3_s"]),
    # A rate per year given per day (0.05/d = 18.25/yr): outlet TN 1.56 -> 0.012 mg/L (130x low).
    ("river-removal-per-year", "watershed", "river_removal_per_day = 0.05", "river_removal_per_day = 18.25", "",
     ["river_removal_per_day"]),
    # Same slip on the reservoir rate (tiny): lake TN 1.27 -> 0.001 mg/L.
    ("reservoir-removal-per-year", "tiny", "reservoir_removal_per_day = 0.0", "reservoir_removal_per_day = 18.25",
     "", ["reservoir_removal_per_day"]),
    # m/yr as m/d (10 m/yr apparent settling written as 10 m/d): lake TN 1.69 -> 0.012, outlet 1.56 -> 0.024 mg/L.
    ("settling-m-per-year", "watershed", "settling_velocity_m_per_day = 0.03", "settling_velocity_m_per_day = 10.0",
     "", ["settling_velocity_m_per_day"]),
    # A misplaced decimal point in theta (1.047 -> 10.47): outlet TN 1.56 -> 0.86 mg/L.
    ("theta-decimal-slip", "watershed", "river_theta = 1.047", "river_theta = 10.47", "", ["river_theta"]),
    # g N/head/yr as kg (pig 6.1 kg -> 6100): border TN 9.4 -> 308 mg/L, outlet 1.56 -> 26.8 mg/L.
    ("excretion-g-per-head", "watershed", "excretion_kg_per_head_yr = 6.1", "excretion_kg_per_head_yr = 6100.0",
     "", ["excretion_kg_per_head_yr"]),
    # ug/L as mg/L on a forest EMC (0.8 -> 800, under the 1,000 mg/L bound): outlet TN 1.56 -> 5.26, lake 1.69 -> 5.79.
    ("emc-ug-per-l", "watershed", "emc_mg_per_l = 0.8", "emc_mg_per_l = 800.0", "", ["emc_mg_per_l"]),
    # m3/d as m3/s on a withdrawal (0.5 -> 43,200; flow_m3_s has no upper bound): the max_share cap takes 90 % of
    # the reach's water every day; lake inflow 7.11 -> 0.71 m3/s, lake storage 198 -> 60 mcm, outlet TN
    # 1.54 -> 0.84 mg/L (flow-weighted); no note at all.
    ("withdrawal-m3-per-day", "watershed", "[basin]", "[basin]", WITHDRAWAL.format("43200.0"), ["flow_m3_s"]),
    # ug/L as mg/L on a [forcing] inflow (bound 1e6 mg/L): outlet TN 1.24 -> 368 mg/L, lake 1.27 -> 382.
    ("forcing-inflow-ug-per-l", "tiny", "tn_mg_per_l = 3.0", "tn_mg_per_l = 3000.0", "", ["tn_mg_per_l"]),
    # ug/L as mg/L on a [forcing] point source (15 -> 15,000; a watershed plant is bounded at 10,000): outlet
    # TN 1.24 -> 191 mg/L.
    ("forcing-plant-ug-per-l", "tiny", "tn_mg_per_l = 15.0", "tn_mg_per_l = 15000.0", "", ["tn_mg_per_l"]),
    # m3/d as m3/s on a [forcing] point source (0.15 -> 12,960, under the 1e5 bound): outlet Q 4.3 -> 12,964 m3/s,
    # TN 1.24 -> 14.96 mg/L.
    ("forcing-plant-flow-m3-per-day", "tiny", "flow_m3_s = 0.15", "flow_m3_s = 12960.0", "", ["flow_m3_s"]),
    # An annual total as the daily constant (438 mm/yr -> 438 mm/d every day; the daily bound is 2,000):
    # outlet Q 4.28 -> 64.8 m3/s, lake TN 1.27 -> 0.20 mg/L.
    ("forcing-precipitation-mm-per-year", "tiny", "precipitation_mm_per_day = 1.2", "precipitation_mm_per_day = 438.0",
     "", ["precipitation_mm_per_day"]),
    # g/d as kg/d on a lateral load (90 -> 90,000 kg/d on the headwater reach 'east', whose lateral inflow and
    # inflow bring 1.3 m3/s: 801 mg/L); the same slip on north_upper turned outlet TN 1.24 -> 115 mg/L.
    ("forcing-lateral-load-g-per-day", "tiny", "east = 90.0", "east = 90000.0", "",
     ["lateral_load_kg_per_day"]),
]


@pytest.mark.parametrize("example,old,new,extra,names", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_unit_slip_is_refused_at_load(tmp_path, example, old, new, extra, names):
    folder = _copy(tmp_path, example, old, new, extra)
    with pytest.raises(HydroError) as err:
        Basin.load(folder)
    msg = str(err.value)
    assert "basin.toml" in msg
    for name in names:
        assert name in msg, (name, msg)


# GEP prices: the headline is the GEP in yuan (watershed example, 2002: conservation 1.71e9, purification 1.01e5).
PRICE_CASES = [
    # yuan per 10^4 m3 (万m3) as yuan per m3 (7.06 -> 70,600): conservation 1.71e9 -> 1.71e13 yuan.
    ("conservation-yuan-per-10k-m3", "[water_conservation]\nyuan_per_m3 = 70600.0\n", "yuan_per_m3"),
    # yuan per tonne as yuan per equivalent (17,500): purification 1.01e5 -> 2.54e9 yuan (statutory rate <= 14).
    ("purification-yuan-per-t-as-per-equivalent", "[water_purification]\nyuan_per_equivalent = 17500.0\n",
     "yuan_per_equivalent"),
    # ug/L as mg/L on the river target (1.0 -> 1000): N purified 116 -> 366 t in 2002.
    ("purification-target-ug-per-l", "[water_purification]\ntarget_mg_per_l = 1000.0\n", "target_mg_per_l"),
]


@pytest.mark.parametrize("text,key", [c[1:] for c in PRICE_CASES], ids=[c[0] for c in PRICE_CASES])
def test_gep_price_unit_slip_is_refused(tmp_path, text, key):
    path = tmp_path / "prices.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(HydroError) as err:
        GepPrices.from_toml(path)
    assert key in str(err.value)


# Monitoring CSV: TP in ug/L as mg/L (0.08 -> 80, under the 100 mg/L bound; TN is bounded at 1,000 so a lake's
# 0.8 mg/L TN as 800 ug/L passes too).  Under configs/agreements/beijing_internal_2015.toml, 12 months of
# guishui_outlet TP 0.08 mg/L pay 0 yuan; as 80 they are class ">V" every month: -10,800,000 yuan, exit 0.
@pytest.mark.parametrize("parameter,value", [("tp", 80.0), ("tn", 800.0)], ids=["tp-ug-per-l", "tn-ug-per-l"])
def test_monitoring_concentration_in_ug_per_l_is_refused(tmp_path, parameter, value):
    from hydro.monitoring_csv import read_monitoring_csv

    path = tmp_path / "monitoring.csv"
    rows = ["section,year,month,parameter,value,unit"]
    rows += [f"guishui_outlet,2015,{m},{parameter},{value},mg/L" for m in range(1, 13)]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    with pytest.raises(HydroError) as err:
        read_monitoring_csv(path)
    assert parameter in str(err.value).lower()


def test_a_lake_may_let_out_its_store_as_well_as_its_drainage(tmp_path):
    """The example lake: 1,660 km2 drain to it (526.0 m3/s at 10,000 mm a year) and it holds 238 mcm at
    full supply (7.5 m3/s over a year): 530 m3/s of ecological minimum is within what it can give, 535 is not;
    the storage's share decides (a reservoir with no land above it, as the synthetic benchmark basins'
    first one, lets out its store)."""
    ok = _copy(tmp_path / "ok", "watershed", "ecological_min_m3_s = 0.8", "ecological_min_m3_s = 530.0")
    Basin.load(ok)
    bad = _copy(tmp_path / "bad", "watershed", "ecological_min_m3_s = 0.8", "ecological_min_m3_s = 535.0")
    with pytest.raises(HydroError, match=r"reservoir 'lake': ecological_min_m3_s = 535 m3/s, more than the 1660 "
                                         r"km2 draining to 'lake' and its 238 mcm at full supply let out over a year "
                                         r"can give \(534 m3/s"):
        Basin.load(bad)


def test_a_withdrawal_below_a_transfer_is_not_bounded_by_the_land(tmp_path):
    """Water brought from outside (a transfer of kind inflow) into or above the reach is read only when a run
    needs it, so a withdrawal below it is not bounded by the land's runoff."""
    from hydro.drainage_checks import fed_from_outside

    basin = Basin.load(EXAMPLES / "watershed")

    class Inflow:
        kind, reach, reservoir = "inflow", [r.id for r in basin.network.reaches].index("west_upper"), None

    fed = fed_from_outside(basin.network, [Inflow()])
    assert {"west_upper", "west_lower", "main", "lake", "tailwater"} <= fed and "east_upper" not in fed
    assert fed_from_outside(basin.network, [type("Release", (Inflow,), {"kind": "release"})()]) == set()


def test_a_lateral_load_counts_the_water_from_above(tmp_path):
    """The load is judged in the water through its reach, the reach's own lateral inflow and what flows in at
    and above it: 2,000 kg/d on the headwater 'east' with 0.05 m3/s of its own (the sewage of some 160,000
    people; its inflow brings 0.5 m3/s) is 42 mg/L there, 463 in the lateral inflow alone: loaded; 30,000
    (631 mg/L) refused (final review, 2026-12-05).  Where the water above holds a series (north_upper's,
    above 'middle'), the load is not judged."""
    from hydro.model import Model

    model = Model.from_basin(EXAMPLES / "tiny")
    model.with_parameters({"forcing.lateral_inflow_m3_s.east": 0.05, "forcing.lateral_load_kg_per_day.tn.east":
                           2000.0})
    with pytest.raises(HydroError, match=r"lateral_load_kg_per_day\.tn\.east.*in the 0\.55 m3/s through the reach"):
        model.with_parameters({"forcing.lateral_inflow_m3_s.east": 0.05,
                               "forcing.lateral_load_kg_per_day.tn.east": 30000.0})
    model.with_parameters({"forcing.lateral_load_kg_per_day.tn.middle": 30000.0})  # water above: a series


def test_a_calibration_catchment_refuses_more_water_than_land(tmp_path):
    """The calibration's flow-sources model reads the same deposition table: 5,000 km2 of water in the
    548 km2 Lamprey catchment was accepted there (final review, 2026-12-05)."""
    from hydro.calibration.flowsources import FlowSources

    model = FlowSources.from_toml(ROOT / "validation" / "calibration" / "lamprey" / "model.toml")
    with pytest.raises(HydroError, match=r"water_area_km2.*5000 km2 of water in a subbasin of 548"):
        model.configure(["sources.deposition={rate_kg_per_ha_yr=10.0, water_area_km2=5000.0}"])
