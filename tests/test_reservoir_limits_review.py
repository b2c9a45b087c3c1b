"""What a reservoir operator found at the edges of the reservoir model (reservoir review, 2026-12-05):
a lake evaporated to a film reports its tank's arithmetic (1e5 mg/L of TN) and the run summary now
says so (F2); an initial storage above the full supply level is refused at load, where it was spilled
on the first day as a flood the rivers never had (F4).  A 1 km2 lake (10 mcm per 10 m) between two
reaches, driven by forcing, runs in about a second."""

from __future__ import annotations

import datetime as dt

import netCDF4
import numpy as np
from cli_invoke import invoke, user_error

from hydro.units import WATER_MAX_MG_L

BASIN = """
[basin]
name = "lake_edges"

[run]
start = 2020-01-01
end = {end}

[[constituents]]
name = "tn"
river_removal_per_day = 0.0
reservoir_removal_per_day = 0.0
settling_velocity_m_per_day = 0.0

[[reaches]]
id = "up"
length_km = 4.0
downstream = "lake"
velocity_coeff = 0.3
velocity_exp = 0.3
width_coeff = 9.0
width_exp = 0.45
dispersion_m2_s = 10.0

[[reservoirs]]
id = "lake"
downstream = "down"
level_m = [100.0, 110.0, 120.0]
area_km2 = [1.0, 1.0, 1.0]
storage_mcm = [0.0, 10.0, 20.0]
full_supply_level_m = 115.0
dead_storage_mcm = 0.0
initial_storage_mcm = {initial}
target_release_m3_s = {target}

[[reaches]]
id = "down"
length_km = 4.0
velocity_coeff = 0.3
velocity_exp = 0.3
width_coeff = 9.0
width_exp = 0.45
dispersion_m2_s = 10.0

[forcing]
water_temperature_c = 20.0
evaporation_mm_per_day = {evap}
precipitation_mm_per_day = 0.0

[forcing.lateral_inflow_m3_s]
up = {q_up}
down = 0.1

[forcing.lateral_load_kg_per_day.tn]
up = {load_up}
down = 0.0

[initial]
tn_mg_per_l = 1.0
"""


def lake_basin(folder, **keys):
    values = {"end": "2020-01-20", "initial": 10.0, "target": 3.0, "evap": 0.0, "q_up": 1.0, "load_up": 86.4,
              **keys}
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "basin.toml").write_text(BASIN.format(**values))
    return folder


def film_lake_basin(folder):
    """The lake of 0.3 mcm on 1 km2 evaporated at 25 mm/d to 10 m3, then held there to day 90 (evaporation
    = the 0.1 m3/s inflow at 1 mg/L), refilled by 2 m3/s over its last 6 days (2020-01-01..04-05)."""
    folder = lake_basin(folder, end="2020-04-05", initial=0.3, target=0.0,
                        evap='{ csv = "f.csv", column = "evap" }', q_up='{ csv = "f.csv", column = "q" }',
                        load_up='{ csv = "f.csv", column = "load" }')
    lines = ["date,q,evap,load"]
    for i in range(96):
        q = 0.1 if i < 90 else 2.0
        ev = 25.0 if i < 18 else (14.15 if i == 18 else (8.64 if i < 90 else 0.0))
        lines.append(f"{dt.date(2020, 1, 1) + dt.timedelta(i)},{q},{ev},{q * 86.4}")
    (folder / "f.csv").write_text("\n".join(lines) + "\n")
    return folder


def test_a_lake_evaporated_to_a_film_is_named_in_the_run_summary(tmp_path):
    """0.3 mcm on 1 km2 evaporated at 25 mm/d to 10 m3, then held there 70 days (evaporation = the
    0.1 m3/s inflow at 1 mg/L): each day's 8.64 kg stays in 10 m3, ~1e5 mg/L by the end (mass closes;
    the refill flushes it).  The summary names the reservoir, the days and the highest value."""
    folder = film_lake_basin(tmp_path / "b")
    out = tmp_path / "r.nc"
    result = invoke("run", folder, "-o", out)
    assert result.exit_code == 0, result.output
    with netCDF4.Dataset(out) as ds:
        j = list(ds["reservoir"][:]).index("lake")
        tn = np.asarray(ds["reservoir_tn_concentration"][:, j], dtype=float)
        storage = np.asarray(ds["reservoir_storage"][:, j], dtype=float)
    assert storage.min() < 100.0 and tn.max() > 1e4  # the film is there, or no test
    days = int(np.count_nonzero(tn > WATER_MAX_MG_L["tn"]))
    first = dt.date(2020, 1, 1) + dt.timedelta(int(np.argmax(tn)))
    assert (f"reservoir 'lake' tn above 100 mg/L (the most a lake's water holds) on {days:,} days, up to "
            f"{tn.max():,.4g} mg/L on {first}") in result.output


def test_an_ordinary_lake_gets_no_such_line(tmp_path):
    """The guard: a lake at 1 mg/L says nothing of the kind."""
    result = invoke("run", lake_basin(tmp_path / "b"), "-o", tmp_path / "r.nc")
    assert result.exit_code == 0, result.output
    assert "the most a lake's water holds" not in result.output


def test_an_initial_storage_above_full_supply_is_refused(tmp_path):
    """18 mcm in a lake whose full supply level holds 15: the 3 mcm above it spilled on the first day,
    32.7 m3/s below a 1 m3/s inflow (with its nitrogen), without a word."""
    result = invoke("run", lake_basin(tmp_path / "b", initial=18.0), "-o", tmp_path / "r.nc")
    user_error(result, "initial_storage_mcm", "18 mcm is above the storage at full_supply_level_m (15 mcm",
               "would spill on the first day")


def test_the_full_supply_storage_itself_is_accepted(tmp_path):
    result = invoke("run", lake_basin(tmp_path / "b", initial=15.0, end="2020-01-03"), "-o", tmp_path / "r.nc")
    assert result.exit_code == 0, result.output
