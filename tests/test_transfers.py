"""Transfers and operations as series (``[[transfers]]``, :mod:`hydro.transfers`).

On the shipped watershed example: water transferred into a reservoir raises its storage by
exactly its volume and its TN enters the reservoir's budget; monthly and daily files give the
same run; release series replace the rule; transferred water is kept apart from natural
water (reservoir inflow, a tracer at sections); bad files and tables give located errors.
"""

from __future__ import annotations

import shutil

import numpy as np
import pytest

from hydro.basin import ROOT, Basin
from hydro.errors import HydroError
from hydro.hydraulics import accumulate
from hydro.run_summary import budget_closure
from hydro.series import daily_dates
from hydro.simulation import run
from hydro.transfers import read_transfer_series, read_transfers

EXAMPLE = ROOT / "configs" / "examples" / "watershed"
PERIOD = ["run.start=2001-01-01", "run.end=2001-12-31", 'run.routing="accumulate"']
TN = 1.34


@pytest.fixture()
def copy(tmp_path):
    dest = tmp_path / "ws"
    shutil.copytree(EXAMPLE, dest)
    return dest


def add_transfer(folder, csv_name, lines, **keys):
    """Append a [[transfers]] table (keys) reading ``csv_name`` (its lines) to the basin."""
    (folder / csv_name).write_text("\n".join(lines) + "\n", encoding="utf-8")
    table = "\n[[transfers]]\n" + "".join(
        f"{k} = {v!r}\n".replace("'", '"') if isinstance(v, str) else f"{k} = {v}\n"
        for k, v in {"csv": csv_name, **keys}.items())
    path = folder / "basin.toml"
    path.write_text(path.read_text() + table)


def daily_rows(first_day: int, n: int, flow: float, month: int = 6):
    return [f"2001-{month:02d}-{first_day + i:02d},{flow}" for i in range(n)]


def load(folder, extra=()):
    return Basin.load(folder, overrides=[*PERIOD, *extra])


@pytest.fixture(scope="module")
def base():
    return run(Basin.load(EXAMPLE, overrides=PERIOD))


def test_inflow_raises_storage_by_exactly_its_volume(copy):
    """With evaporation and rain switched off, 2 m3/s for 10 June days adds 1.728e6 m3."""
    add_transfer(copy, "t.csv", ["# test", "date,flow_m3_s", *daily_rows(1, 10, 2.0)],
                 id="pump", kind="inflow", reservoir="lake", tn_mg_per_l=TN)
    basin = load(copy)
    net = basin.network
    dates = daily_dates(basin.settings.start, basin.settings.end)
    tr = read_transfers(basin, dates)
    n_day, n_res = len(dates), len(net.reservoirs)
    months = np.array([d.month for d in dates])
    rng = np.random.default_rng(1)
    lateral = rng.uniform(0.3, 0.7, (n_day, len(net.reaches)))
    zero = np.zeros((n_day, n_res))
    before = accumulate(net, lateral, np.zeros_like(lateral), zero, zero, zero, months)
    after = accumulate(net, lateral, np.zeros_like(lateral), tr.res_inflow, zero, zero, months)
    s = net.reservoir_index("lake")
    gained = after.res_volume[:, s] - before.res_volume[:, s]
    assert tr.res_inflow[:, s].sum() * 86400 == pytest.approx(1.728e6, rel=1e-12)
    # to the end of the transfer nothing spilled or ran short: the release is the rule's
    # and the storage gain is exactly the volume
    end = [d.isoformat() for d in dates].index("2001-06-10") + 1  # start of 11 June
    np.testing.assert_array_equal(after.res_release[:end], before.res_release[:end])
    assert after.res_spill[:end].max() == 0
    assert gained[end] == pytest.approx(1.728e6, rel=1e-12)
    assert np.all(gained[:end - 10] == 0)
    assert after.water_balance_error() <= 1e-14


def test_transferred_water_and_tn_close_the_budgets(copy, base):
    add_transfer(copy, "t.csv", ["date,flow_m3_s", *daily_rows(1, 10, 2.0)],
                 id="pump", kind="inflow", reservoir="lake", tn_mg_per_l=TN, origin="outside")
    res = run(load(copy))
    s = res.coords["reservoir"].index("lake")
    assert float(res.attrs["water_balance_closure"]) <= 1e-12
    assert budget_closure(res, "tn") <= 1e-12
    # the storage gain is the inflow gained less what the larger lake evaporated and spilled
    # more; the inflow gained is the volume less the shore's runoff on the lake's larger surface
    # (hydro.watershed.land_area: 6.2e3 m3 over the year, 0.4 % of the volume)
    volume = res["reservoir_transfer_inflow"][:, s].sum() * 86400
    assert volume == pytest.approx(1.728e6, rel=1e-12)
    d_in = (res["reservoir_inflow"] - base["reservoir_inflow"])[:, s].sum() * 86400
    d_out = ((res["reservoir_release"] + res["reservoir_spill"])
             - (base["reservoir_release"] + base["reservoir_spill"]))[:, s].sum() * 86400
    d_evap = (res["reservoir_evaporation"] - base["reservoir_evaporation"])[:, s].sum()
    gained = res["reservoir_storage"][-1, s] - base["reservoir_storage"][-1, s]
    assert gained == pytest.approx(d_in - d_out - d_evap, rel=1e-9, abs=1e-3)
    assert 0.0 <= volume - d_in < 0.01 * volume
    assert abs(d_evap) < 0.01 * volume
    # natural inflow is the inflow the run without the transfer had, less the shore's runoff on
    # the larger surface: never more, and at most 1.7e-3 m3/s a day against 6.7 on average
    natural, before = res["reservoir_natural_inflow"][:, s], base["reservoir_inflow"][:, s]
    assert np.all(natural <= before + 1e-12)
    assert np.all(before - natural <= 1e-3 * before.mean())
    # its TN: flow x concentration, booked in the reservoir's budget as a load
    load_kg = res["reservoir_transfer_tn_load"][:, s].sum()
    assert load_kg == pytest.approx(1.728e6 * TN / 1000.0, rel=1e-12)
    term = res.coords["budget_term"].index("lateral_load")
    booked = res["tn_budget_reservoir"][:, s, term].sum() - base["tn_budget_reservoir"][:, s, term].sum()
    assert booked == pytest.approx(load_kg, rel=1e-9)
    # carried as its own source tag, which adds up with the others
    sources = res.coords["source"]
    assert "transfer" in sources
    by_source = res["reservoir_tn_source_concentration"][:, s, :]
    assert by_source[:, sources.index("transfer")].max() > 0
    np.testing.assert_allclose(by_source.sum(axis=1), res["reservoir_tn_concentration"][:, s],
                               rtol=1e-10)
    # the tracer: the lake's share of transferred water, never above the volume's share
    share = res["reservoir_transfer_share"][:, s]
    assert share.max() > 0 and share.max() <= volume / base["reservoir_storage"][:, s].min()
    assert "pump=outside" in res.attrs["transfer_origins"]


def test_monthly_and_daily_forms_give_the_same_run(copy, tmp_path):
    other = tmp_path / "monthly"
    shutil.copytree(copy, other)
    june = [f"2001-06-{d:02d},1.5" for d in range(1, 31)]
    add_transfer(copy, "d.csv", ["date,flow_m3_s", *june], id="p", kind="inflow", reservoir="lake",
                 tn_mg_per_l=TN)
    add_transfer(other, "m.csv", ["date,volume_mcm", f"2001-06,{1.5 * 30 * 86400 / 1e6}"], id="p",
                 kind="inflow", reservoir="lake", tn_mg_per_l=TN)
    daily, monthly = run(load(copy)), run(load(other))
    for name in ("reservoir_transfer_inflow", "reservoir_storage", "reservoir_tn_concentration"):
        np.testing.assert_allclose(monthly[name], daily[name], rtol=1e-12, atol=1e-12)
    flow = daily["reservoir_transfer_inflow"][:, 0]
    dates = daily.dates
    assert all(flow[k] == pytest.approx(1.5) if d.month == 6 else flow[k] == 0 for k, d in enumerate(dates))


def test_tn_column_of_the_file_is_used_day_by_day(copy):
    rows = [f"2001-06-{d:02d},1.0,{0.5 if d <= 15 else 2.0}" for d in range(1, 31)]
    add_transfer(copy, "t.csv", ["date,flow_m3_s,tn_mg_per_l", *rows], id="p", kind="inflow",
                 reservoir="lake")
    res = run(load(copy))
    load_kg = res["reservoir_transfer_tn_load"][:, 0]
    assert load_kg.sum() == pytest.approx(86.4 * (15 * 0.5 + 15 * 2.0), rel=1e-12)


def test_release_series_replaces_the_rule_on_its_days(copy, base):
    add_transfer(copy, "r.csv", ["date,flow_m3_s", *daily_rows(1, 10, 6.5, month=3)],
                 id="eco", kind="release", reservoir="lake")
    res = run(load(copy))
    release = res["reservoir_release"][:, 0]
    march = [k for k, d in enumerate(res.dates) if d.month == 3 and d.day <= 10]
    np.testing.assert_allclose(release[march], 6.5)
    before = [k for k, d in enumerate(res.dates) if d < res.dates[march[0]]]
    np.testing.assert_array_equal(release[before], base["reservoir_release"][before, 0])
    assert float(res.attrs["water_balance_closure"]) <= 1e-12
    assert budget_closure(res, "tn") <= 1e-12
    # no water came in from outside: no transfer tag, no tracer
    assert "transfer" not in res.coords["source"]
    assert "reservoir_transfer_share" not in res.data


def test_ecological_release_adds_to_the_rule(copy, base):
    add_transfer(copy, "e.csv", ["date,flow_m3_s", *daily_rows(1, 5, 1.0, month=2)],
                 id="eco", kind="ecological", reservoir="lake")
    res = run(load(copy))
    days = [k for k, d in enumerate(res.dates) if d.month == 2 and d.day <= 5]
    np.testing.assert_allclose(res["reservoir_release"][days, 0], base["reservoir_release"][days, 0] + 1.0)


def test_reach_inflow_is_followed_by_the_tracer(copy, base):
    add_transfer(copy, "y.csv", ["date,volume_mcm", "2001-04,5.184"], id="yr", kind="inflow",
                 reach="west_upper", tn_mg_per_l=3.0)
    res = run(load(copy))
    sections = res.coords["section"]
    q = res["section_transfer_discharge"]
    april = [k for k, d in enumerate(res.dates) if d.month == 4]
    # accumulation routing: the 2 m3/s reaches the border section (below west_upper) within
    # the day; the tracer, carried by the transport, arrives as the river carries a solute
    # (a day's travel, dispersion) and then says how much of the discharge it is
    border = sections.index("border")
    extra = res["section_discharge"][:, border] - base["section_discharge"][:, border]
    np.testing.assert_allclose(extra[april], 2.0, rtol=1e-9)
    np.testing.assert_allclose(q[april[5:], border], 2.0, rtol=0.05)  # storage changes in a flood
    # all of it passes: the tracer's volume through the section is the volume transferred
    assert q[:, border].sum() * 86400 == pytest.approx(5.184e6, rel=1e-4)
    # the east branch sees only what disperses up from the junction below it
    assert q[:, sections.index("east_mouth")].max() < 0.01 * 2.0
    assert budget_closure(res, "tn") <= 1e-12
    assert float(res.attrs["water_balance_closure"]) <= 1e-12
    assert res["reach_transfer_tn_load"].sum() == pytest.approx(5.184e6 * 3.0 / 1000, rel=1e-12)


def test_reach_abstraction_is_a_withdrawal(copy):
    add_transfer(copy, "a.csv", ["date,flow_m3_s", *daily_rows(1, 20, 0.3, month=5)],
                 id="intake", kind="abstraction", reach="main", max_share=0.5)
    res = run(load(copy))
    w = res["reach_withdrawal"][:, res.coords["reach"].index("main")]
    may = [k for k, d in enumerate(res.dates) if d.month == 5 and d.day <= 20]
    assert np.all(w[may] <= 0.3 + 1e-12) and w[may].max() == pytest.approx(0.3)
    assert w.sum() == pytest.approx(w[may].sum())
    assert budget_closure(res, "tn") <= 1e-12


def test_routing_with_storage_takes_release_series(copy):
    add_transfer(copy, "r.csv", ["date,flow_m3_s", *daily_rows(1, 10, 6.5, month=3)],
                 id="eco", kind="release", reservoir="lake")
    res = run(Basin.load(copy, overrides=["run.start=2001-01-01", "run.end=2001-12-31"]))
    march = [k for k, d in enumerate(res.dates) if d.month == 3 and d.day <= 10]
    np.testing.assert_allclose(res["reservoir_release"][march, 0], 6.5)
    assert float(res.attrs["water_balance_closure"]) <= 1e-12


@pytest.mark.parametrize(("lines", "fragment"), [
    (["date,flow_m3_s", "2001-06-01,1.0", "2001-06-02,abc"], "line 3, column 'flow_m3_s': 'abc' is not a number"),
    (["# comment", "date,flow_m3_s", "2001-06-01,1.0", "2001-06-02,-1"], "line 4, column 'flow_m3_s': -1 is negative"),
    (["date,flow_m3_s", "2001-06-01,1.0", "2001-07,1.0"], "line 3, column 'date'"),
    (["date,flow_m3_s", "2001-06-02,1.0", "2001-06-01,1.0"], "sort the lines by date"),
    (["date,flow", "2001-06-01,1.0"], "unknown column 'flow'"),
    (["date,flow_m3_s,volume_mcm", "2001-06-01,1.0,1.0"], "exactly one of the columns"),
    (["date,flow_m3_s", "2001-13,1.0"], "no such month exists (months are 01-12)"),
    (["date,flow_m3_s", "2001-06-01"], "line 2: 1 field, the header has 2"),
    (["date,flow_m3_s,tn_mg_per_l", "2001-06-01,1.0,x"], "column 'tn_mg_per_l': 'x' is not a number"),
    (["date,flow_m3_s"], "no data lines"),
])
def test_bad_files_name_the_file_line_and_column(copy, lines, fragment):
    # the table itself is right (TN given once), so the file's error is the one reported
    tn = {} if any("tn_mg_per_l" in line for line in lines) else {"tn_mg_per_l": TN}
    add_transfer(copy, "bad.csv", lines, id="p", kind="inflow", reservoir="lake", **tn)
    with pytest.raises(HydroError) as err:
        run(load(copy))
    assert "bad.csv" in str(err.value)
    assert fragment in str(err.value)


@pytest.mark.parametrize(("keys", "fragment"), [
    ({"kind": "inflow", "reservoir": "lake"}, "give tn_mg_per_l"),
    ({"kind": "infow", "reservoir": "lake", "tn_mg_per_l": 1.0}, "did you mean 'inflow'"),
    ({"kind": "inflow", "reservoir": "lak", "tn_mg_per_l": 1.0}, "lake"),
    ({"kind": "inflow", "tn_mg_per_l": 1.0}, "exactly one of 'reservoir' or 'reach'"),
    ({"kind": "abstraction", "reservoir": "lake"}, "flows on into 'tailwater'"),
    ({"kind": "release", "reach": "main"}, "is a reservoir's"),
    ({"kind": "release", "reservoir": "lake", "tn_mg_per_l": 1.0}, "remove tn_mg_per_l"),
    ({"kind": "inflow", "reservoir": "lake", "tn_mg_per_l": 1.0, "max_share": 0.5}, "max_share caps"),
    ({"kind": "inflow", "reservoir": "lake", "tn_mg_per_l": 1.0, "colour": "red"}, "colour"),
])
def test_bad_tables_name_the_key(copy, keys, fragment):
    add_transfer(copy, "t.csv", ["date,flow_m3_s", "2001-06-01,1.0"], id="p", **keys)
    with pytest.raises(HydroError) as err:
        run(load(copy))
    assert "transfers" in str(err.value) or "lak" in str(err.value)
    assert fragment in str(err.value)


def test_missing_file_says_where_paths_start(copy):
    path = copy / "basin.toml"
    path.write_text(path.read_text() + '\n[[transfers]]\nid = "p"\nkind = "release"\n'
                    'reservoir = "lake"\ncsv = "nowhere.csv"\n')
    with pytest.raises(HydroError, match=r"nowhere\.csv: file not found"):
        run(load(copy))


def test_series_outside_the_run_carry_nothing(tmp_path):
    from datetime import date

    path = tmp_path / "s.csv"
    path.write_text("date,volume_mcm\n2000-12,3.1\n2001-01,3.1\n2001-03,0\n")
    s = read_transfer_series(path, daily_dates(date(2001, 1, 1), date(2001, 2, 1)), allow_tn=False)
    assert s.monthly and s.first == date(2000, 12, 1) and s.last == date(2001, 3, 31)
    np.testing.assert_allclose(s.flow[:31], 3.1e6 / (31 * 86400))
    assert s.flow[31] == 0 and not s.covered[31] and s.covered[:31].all()
    assert s.volume_m3 == pytest.approx(3.1e6)


def test_shipped_basins_read_their_transfers():
    for name, ids in (("miyun", {"snwd_miyun", "miyun_supply", "yunzhou_to_beijing", "baihebao_to_miyun"}),
                      ("guanting", {"cetian_to_guanting", "guanting_release", "yellow_river"})):
        basin = Basin.load(name)
        dates = daily_dates(basin.settings.start, basin.settings.end)
        tr = read_transfers(basin, dates)
        assert {t.id for t in tr.items} == ids
    # Miyun: the South-to-North water stored by 2016-09-20 is the published 1.6e8 m3
    basin = Basin.load("miyun")
    from datetime import date

    tr = read_transfers(basin, daily_dates(date(2015, 1, 1), date(2016, 9, 20)))
    assert tr.res_inflow.sum() * 86400 == pytest.approx(1.6e8, rel=1e-4)
    # the 2000-2017 default run (issue 13): Yunzhou's releases of 2004-2012 are the published
    # 1.5e8 m3 in all, and Baihebao's March 2003 transfer the published 40e6 m3
    from hydro.transfers import read_transfer_series

    folder = ROOT / "basins" / "miyun" / "transfers"
    yunzhou = read_transfer_series(folder / "yunzhou_release_daily.csv",
                          daily_dates(date(2004, 1, 1), date(2012, 12, 31)), allow_tn=False)
    assert yunzhou.volume_m3 == pytest.approx(1.5e8, rel=1e-4)
    baihebao = read_transfer_series(folder / "baihebao_release_daily.csv",
                           daily_dates(date(2003, 1, 1), date(2003, 12, 31)), allow_tn=False)
    assert baihebao.volume_m3 == pytest.approx(40e6, rel=1e-4)
    # the published points of 2013-2017 (SOURCES 'Transfers and operations', 2026-11-30):
    # Baihebao 44e6 + 20e6 in 2013 and 0.84e8 in 2016; Yunzhou 12.5e6 (ESTIMATE) + 20e6 in 2013;
    # South-to-North water 1.91e8 in all when pumping stopped on 2016-10-26, none to April 2017
    def volume(name, a, b):
        return read_transfer_series(folder / name, daily_dates(a, b), allow_tn=False).volume_m3

    assert volume("baihebao_release_daily.csv", date(2013, 1, 1), date(2013, 12, 31)) == pytest.approx(64e6, rel=1e-4)
    assert volume("baihebao_release_daily.csv", date(2016, 1, 1), date(2016, 12, 31)) == pytest.approx(0.84e8, rel=1e-4)
    assert volume("yunzhou_release_daily.csv", date(2013, 1, 1), date(2013, 12, 31)) == pytest.approx(32.5e6, rel=1e-4)
    snwd = read_transfers(basin, daily_dates(date(2015, 1, 1), date(2017, 3, 31)))
    assert snwd.res_inflow.sum() * 86400 == pytest.approx(1.91e8, rel=1e-4)
    assert volume("miyun_supply_monthly.csv", date(2016, 1, 1), date(2016, 12, 31)) == pytest.approx(0.70e8, rel=1e-4)


# -- every species and constituent of the water (issue 14) ---------------------------------------

def read(folder):
    basin = load(folder)
    return basin, read_transfers(basin, daily_dates(basin.settings.start, basin.settings.end))


def test_species_loads_from_keys_and_columns(copy):
    """Keys give constant concentrations, columns day-by-day ones; each load is flow x
    concentration (g/s = m3/s x mg/L), zero where a name is not given, and TN is res_load."""
    add_transfer(copy, "t.csv", ["date,flow_m3_s", *daily_rows(1, 10, 2.0)], id="pump", kind="inflow",
                 reservoir="lake", tn_mg_per_l=TN, nh3n_mg_per_l=0.1, no3n_mg_per_l=1.04, orgn_mg_per_l=0.2,
                 tp_mg_per_l=0.02, codmn_mg_per_l=2.0)
    rows = [f"2001-04-{d:02d},1.5,{0.1 if d <= 15 else 0.3},3.0" for d in range(1, 31)]
    add_transfer(copy, "y.csv", ["date,flow_m3_s,tp_mg_per_l,tn_mg_per_l", *rows], id="yr", kind="inflow",
                 reach="west_upper")
    basin, tr = read(copy)
    s, r = basin.network.reservoir_index("lake"), basin.network.reach_index("west_upper", "test")
    june = np.array([d.month == 6 and d.day <= 10 for d in daily_dates(basin.settings.start, basin.settings.end)])
    for name, c in (("nh3n", 0.1), ("no3n", 1.04), ("orgn", 0.2), ("tp", 0.02), ("codmn", 2.0)):
        res_load, reach_load = tr.species_load(name)
        np.testing.assert_allclose(res_load[june, s], 2.0 * c, rtol=1e-12)
        assert res_load[~june].sum() == 0 and res_load.shape == tr.res_load.shape
        if name != "tp":
            assert not reach_load.any() and reach_load.shape == tr.reach_load.shape
    tn_res, tn_reach = tr.species_load("tn")
    assert tn_res is tr.res_load and tn_reach is tr.reach_load
    # the parts of TN carry its whole load
    parts = sum(tr.species_load(x)[0] for x in ("orgn", "nh3n", "no3n"))
    np.testing.assert_allclose(parts, tr.res_load, rtol=1e-12, atol=1e-15)
    # the file's TP column, day by day, into the reach: 1.5 m3/s x (15 days 0.1 + 15 days 0.3) mg/L
    tp_reach = tr.species_load("tp")[1][:, r]
    assert tp_reach.sum() * 86400 == pytest.approx(1.5 * 86400 * (15 * 0.1 + 15 * 0.3), rel=1e-12)
    # not given anywhere: zeros
    assert not tr.species_load("dp")[0].any() and not tr.species_load("pp")[1].any()
    with pytest.raises(HydroError, match=r"no transferred species 'nh4'.*transfers carry tn, orgn"):
        tr.species_load("nh4")


def test_a_tn_only_transfer_reads_as_before(copy):
    add_transfer(copy, "t.csv", ["date,flow_m3_s", *daily_rows(1, 10, 2.0)], id="pump", kind="inflow",
                 reservoir="lake", tn_mg_per_l=TN)
    _, tr = read(copy)
    assert tr.res_load.sum() == pytest.approx(10 * 2.0 * TN, rel=1e-12)
    assert tr.species_res_load == {} and tr.species_reach_load == {}
    assert set(tr.items[0].species) == {"tn"}


@pytest.mark.parametrize(("keys", "lines", "fragment"), [
    ({"tpp_mg_per_l": 0.1}, None, "key 'transfers.p.tpp_mg_per_l' [file key transfers[0].tpp_mg_per_l]: "
     "unknown species 'tpp' (did you mean "
                                  "'tp_mg_per_l'?); give <x>_mg_per_l with x one of tn, orgn, nh3n, no3n, "
                                  "dp, pp, tp, codmn"),
    ({}, ["date,flow_m3_s,tn_mg_per_l,cod_mg_per_l", "2001-06-01,1.0,1.0,3.0"],
     "line 1: column 'cod_mg_per_l': unknown species 'cod'"),
    ({"tp_mg_per_l": 0.1}, ["date,flow_m3_s,tn_mg_per_l,tp_mg_per_l", "2001-06-01,1.0,1.0,0.1"],
     "has a tp_mg_per_l column; give the TP in one place only"),
    ({"nh3n_mg_per_l": 0.5, "no3n_mg_per_l": 0.3, "orgn_mg_per_l": 0.1}, None,
     "orgn_mg_per_l + nh3n_mg_per_l + no3n_mg_per_l = 0.9 mg/L does not add up to tn_mg_per_l = 1"),
    ({"nh3n_mg_per_l": 1.5}, None, "nh3n_mg_per_l = 1.5 mg/L exceeds tn_mg_per_l = 1"),
    ({"dp_mg_per_l": 0.05, "pp_mg_per_l": 0.05, "tp_mg_per_l": 0.2}, None, "does not add up to tp_mg_per_l"),
    ({}, ["date,flow_m3_s,tn_mg_per_l,nh3n_mg_per_l", "2001-06-01,1.0,1.0,0.2", "2001-06-02,1.0,1.0,1.2"],
     "line 3: nh3n_mg_per_l = 1.2 mg/L exceeds tn_mg_per_l = 1"),
    ({"nh3n_mg_per_l": 0.4}, ["date,flow_m3_s,tn_mg_per_l", "2001-06-01,1.0,1.0", "2001-06-02,1.0,0.3"],
     "with t.csv on 2001-06-02: nh3n_mg_per_l = 0.4 mg/L exceeds tn_mg_per_l = 0.3"),
    ({"codmn_mg_per_l": -1.0}, None, "codmn_mg_per_l"),
])
def test_bad_species_name_the_key_or_the_line(copy, keys, lines, fragment):
    table = {"tn_mg_per_l": 1.0, **keys}
    if lines is not None and "tn_mg_per_l" in lines[0]:
        table.pop("tn_mg_per_l")
    add_transfer(copy, "t.csv", lines or ["date,flow_m3_s", "2001-06-01,1.0"], id="p", kind="inflow",
                 reservoir="lake", **table)
    with pytest.raises(HydroError) as err:
        read(copy)
    assert fragment in str(err.value)


def test_water_leaving_takes_no_species(copy):
    add_transfer(copy, "r.csv", ["date,flow_m3_s", "2001-03-01,1.0"], id="eco", kind="release",
                 reservoir="lake", tp_mg_per_l=0.1)
    with pytest.raises(HydroError, match="a 'release' takes water at the concentration it has; remove tp_mg_per_l"):
        read(copy)
    from datetime import date

    other = copy / "r2.csv"
    other.write_text("date,flow_m3_s,codmn_mg_per_l\n2001-03-01,1.0,2.0\n")
    with pytest.raises(HydroError, match="column 'codmn_mg_per_l' is only for inflows"):
        read_transfer_series(other, daily_dates(date(2001, 1, 1), date(2001, 1, 2)), allow_tn=False)


def test_shipped_transfers_carry_their_water_quality():
    """The inflows of both basins give NH3-N, NO3-N and organic N adding up to their TN, and TP
    and CODMn (SOURCES.md, "Water-quality checks (issue 14)"); releases give none."""
    for name, inflow in (("miyun", "snwd_miyun"), ("guanting", "yellow_river")):
        basin = Basin.load(name)
        tr = read_transfers(basin, daily_dates(basin.settings.start, basin.settings.end))
        item = next(t for t in tr.items if t.id == inflow)
        assert {"tn", "orgn", "nh3n", "no3n", "tp", "codmn"} <= set(item.species)
        np.testing.assert_allclose(item.species["orgn"] + item.species["nh3n"] + item.species["no3n"],
                                   item.tn, rtol=0, atol=1e-9)
        for t in tr.items:
            if t.kind != "inflow":
                assert not t.species
        load_n = sum(tr.species_load(x)[0] + 0 for x in ("orgn", "nh3n", "no3n"))
        reach_n = sum(tr.species_load(x)[1] + 0 for x in ("orgn", "nh3n", "no3n"))
        np.testing.assert_allclose(load_n, tr.res_load, atol=1e-9)
        np.testing.assert_allclose(reach_n, tr.reach_load, atol=1e-9)


def test_run_summary_names_each_transfer_its_volume_and_the_days_its_file_covers(copy):
    """A transfer whose file covers ten June days of a one-year run: the summary says so (a day
    outside has no transfer, which the run summary never said) with the volume over the run."""
    from hydro.run_summary import run_summary

    add_transfer(copy, "t.csv", ["date,flow_m3_s", *daily_rows(1, 10, 2.0)],
                 id="pump", kind="inflow", reservoir="lake", tn_mg_per_l=TN)
    text = run_summary(run(load(copy)))
    line = next(x for x in text.splitlines() if x.strip().startswith("pump"))
    assert "inflow (reservoir)" in line and "1.728e+06 m3" in line
    assert "t.csv: file covers 2001-06-01..2001-06-10 of the run" in line
    early = run(load(copy, ["run.end=2001-05-31"]))
    assert "file covers none of the run" in run_summary(early)
