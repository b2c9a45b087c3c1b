"""Edge cases of watershed withdrawals and transfers (watershed fuzzing review, 2026-12-05).

Failed before the fixes of the review's findings:
- test_a_reach_dried_by_its_withdrawal_is_named (F1): a withdrawal with max_share = 1 that takes all
  of a reach's water left -4.4e-16 m3/s at its outlet; the check reported the reach *below* ('no
  flow at its inlet') and advised inflow or an ecological release, not the withdrawal;
- test_a_misspelt_withdrawal_key_is_named (F2): 'flow_m3s' got 'give either flow_m3_s or
  loss_share, not both or neither' instead of the unknown-key suggestion every other key gets;
- test_subbasin_areas_are_written_to_full_precision (F4).
"""

import datetime as dt
import re

import numpy as np
import pytest
import ws_checks as C
from ws_fuzz_basins import dried_by_withdrawal_basin, make_ws_basin

import hydro


def test_a_reach_dried_by_its_withdrawal_is_named(tmp_path):
    folder, dried = dried_by_withdrawal_basin(tmp_path)
    with pytest.raises(hydro.HydroError) as e:
        hydro.Model.from_basin(folder).run()
    msg = str(e.value)
    # the reach whose withdrawal dried it, with the withdrawal as the cause (not the reach below's inlet)
    assert f"reach '{dried}' has no flow at its outlet" in msg and "(0 m3/s)" in msg, msg
    assert "withdrawn" in msg and "max_share below 1" in msg and "inlet" not in msg, msg


def test_a_misspelt_withdrawal_key_is_named(tmp_path):
    m = make_ws_basin(0, tmp_path, withdrawals=False, transfers=False)
    p = tmp_path / "basin.toml"
    p.write_text(p.read_text() + f'\n[[withdrawals]]\nid = "w"\nreach = "{m["reaches"][0]}"\nflow_m3s = 0.1\n')
    with pytest.raises(hydro.HydroError, match="flow_m3s"):
        hydro.Model.from_basin(tmp_path)


def test_withdrawals_above_the_flow_are_cut_to_max_share(tmp_path):
    m = make_ws_basin(3, tmp_path, big_withdrawal=True, routing="accumulate")
    ds = hydro.Model.from_basin(tmp_path).run()
    C.AREAS.clear()
    C.AREAS.update(m["sub_areas"])
    text = (tmp_path / "basin.toml").read_text()
    for table in text.split("[[withdrawals]]")[1:]:
        reach = re.search(r'reach = "(\w+)"', table).group(1)
        own = table.split("[[")[0]
        share = float(re.search(r"max_share = ([0-9.e-]+)", own).group(1)) if "max_share" in own else 0.9
        avail = ds.reach_inflow.sel(reach=reach).values + C.lateral_runoff(ds, reach) + (
            ds.reach_transfer_inflow.sel(reach=reach).values if "reach_transfer_inflow" in ds else 0)
        # each request takes at most its share of what the ones before it left; together at most max share
        assert (ds.reach_withdrawal.sel(reach=reach).values <= avail * (1 - (1 - share) ** 5) + 1e-12).all()
    assert (ds.discharge.values > 0).all()
    assert C.reach_water_errors(ds) <= 1e-12 and C.budget_closure(ds) <= 1e-12


def test_subbasin_areas_are_written_to_full_precision(tmp_path):
    # written with 6 significant digits (f"{area:g}") until 2026-12-05 (F4): runoff volumes rebuilt from a
    # results file (mm/d x area) and anything weighed by area were off by up to 1.5e-6
    m = make_ws_basin(3, tmp_path, routing="accumulate", withdrawals=False, transfers=False, n_days=60)
    ds = hydro.Model.from_basin(tmp_path).run()
    assert {k: float(ds.subbasin_area.sel(subbasin=k)) for k in m["sub_areas"]} == m["sub_areas"]


def test_transfer_into_a_lake_at_dead_storage(tmp_path):
    m = make_ws_basin(0, tmp_path, n_res=1, routing="accumulate", outlet_res=False, transfers=False,
                      withdrawals=False, dry=True)
    lake = m["res"][0]
    dead = float(m["res_meta"][lake]["dead"])
    p = tmp_path / "basin.toml"
    t = re.sub(r"initial_storage_mcm = [0-9.e+-]+", f"initial_storage_mcm = {dead!r}", p.read_text())
    rows = ["date,flow_m3_s"] + [f"{(m['start'] + dt.timedelta(days=i)).isoformat()},{0.5 if i % 20 < 3 else 0.0}"
                                 for i in range(m["nd"])]
    (tmp_path / "tr.csv").write_text("\n".join(rows) + "\n")
    p.write_text(t + f'\n[[transfers]]\nid = "pump"\nkind = "inflow"\nreservoir = "{lake}"\ncsv = "tr.csv"\n'
                 'tn_mg_per_l = 2.0\n')
    ds = hydro.Model.from_basin(tmp_path).run()
    s = ds.reservoir_storage.sel(reservoir=lake).values
    below = s < dead * 1e6 * (1 - 1e-12)
    assert (ds.reservoir_release.sel(reservoir=lake).values[below] == 0).all()  # nothing let out below dead storage
    init = {k: v["init"] * 1e6 for k, v in m["res_meta"].items()}
    init[lake] = dead * 1e6
    assert C.reservoir_water_errors(ds, init) <= 1e-12 and C.budget_closure(ds) <= 1e-12
    assert float(ds.reservoir_transfer_inflow.sel(reservoir=lake).sum()) * 86400 == pytest.approx(
        0.5 * 86400 * sum(1 for i in range(m["nd"]) if i % 20 < 3), rel=1e-12)


def test_series_gaps_carry_nothing_and_rows_are_taken_as_written(tmp_path):
    m = make_ws_basin(9, tmp_path, transfers=False, routing="accumulate")
    r = m["reaches"][0]
    days = [m["start"] + dt.timedelta(days=i) for i in range(m["nd"])]
    rows = {d: 0.3 + 0.01 * i for i, d in enumerate(days) if i % 3 != 1}
    (tmp_path / "g.csv").write_text("date,flow_m3_s\n" + "".join(f"{d.isoformat()},{v}\n" for d, v in rows.items()))
    p = tmp_path / "basin.toml"
    p.write_text(p.read_text() + f'\n[[transfers]]\nid = "g"\nkind = "inflow"\nreach = "{r}"\ncsv = "g.csv"\n'
                 'tn_mg_per_l = 1.0\n')
    ds = hydro.Model.from_basin(tmp_path).run()
    q = ds.reach_transfer_inflow.sel(reach=r).values
    np.testing.assert_array_equal(q, [rows.get(d, 0.0) for d in days])
    assert ds.attrs["transfer_days"] == f"g={len(rows)}"


def test_leap_month_volume_one_day_runs_and_empty_periods(tmp_path):
    m = make_ws_basin(1, tmp_path, start=dt.date(2004, 1, 15), n_days=60, transfers=False)
    (tmp_path / "m.csv").write_text("date,volume_mcm\n2004-02,2.9\n")
    p = tmp_path / "basin.toml"
    p.write_text(p.read_text() + f'\n[[transfers]]\nid = "feb"\nkind = "inflow"\nreach = "{m["reaches"][0]}"\n'
                 'csv = "m.csv"\ntn_mg_per_l = 1.0\n')
    model = hydro.Model.from_basin(tmp_path)
    ds = model.run()
    q = ds.reach_transfer_inflow.sel(reach=m["reaches"][0]).values * 86400
    assert q.sum() == pytest.approx(2.9e6, rel=1e-12)
    assert np.count_nonzero(q) == 29 and q.max() == pytest.approx(1e5, rel=1e-12)
    one = model.run("2004-02-29", "2004-02-29")
    assert one.sizes["time"] == 1 and C.budget_closure(one) <= 1e-12
    with pytest.raises(hydro.HydroError, match="before it starts"):
        model.run("2004-03-01", "2004-02-29")
