"""Adversarial review of reservoir operations and transfers (water balance of reservoirs).

A small outlet-reservoir basin (the shipped watershed example with its tailwater reach
removed, so that the lake is the network outlet and may have an abstraction) is run with
transfers of every kind, and the reservoir's water budget, the transferred volumes and the
abstraction actually delivered are checked by hand.
"""

from __future__ import annotations

import re
import shutil
from datetime import date

import numpy as np

from hydro.basin import ROOT, Basin
from hydro.simulation import run
from hydro.units import SECONDS_PER_DAY

EXAMPLE = ROOT / "configs" / "examples" / "watershed"
PERIOD = ["run.start=2001-01-01", "run.end=2001-12-31", 'run.routing="accumulate"']


def outlet_basin(dest, tables: str = ""):
    """The watershed example with the lake as the network outlet (its tailwater reach and that
    reach's subbasin now draining straight into the lake), plus ``tables``."""
    shutil.copytree(EXAMPLE, dest)
    text = (dest / "basin.toml").read_text()
    text = text.replace('downstream = "tailwater"\n', "")
    text = re.sub(r'\[\[reaches\]\]\nid = "tailwater"\n(.*\n){8}', "", text)
    text = text.replace('[[sections]]\nid = "outlet"\nreach = "tailwater"\n', "")
    text = text.replace('reach = "tailwater"', 'reservoir = "lake"')
    assert "tailwater" not in text
    (dest / "basin.toml").write_text(text + tables)
    return dest


def series(folder, tid: str, kind: str, lines: list[str], **keys) -> str:
    """Write ``lines`` as ``<tid>.csv`` and return its ``[[transfers]]`` table."""
    (folder / f"{tid}.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    keys = {"id": tid, "kind": kind, "csv": f"{tid}.csv", **keys}
    return "\n[[transfers]]\n" + "".join(f'{k} = "{v}"\n' if isinstance(v, str) else f"{k} = {v}\n"
                                         for k, v in keys.items())


def column(res, name):
    return np.asarray(res[name])[:, 0]


def test_abstraction_is_cut_in_proportion_to_the_release_with_its_ecological_minimum(tmp_path):
    """An outlet reservoir whose ecological minimum (20 m3/s) is above its rule (0) releases the
    minimum to the river and its abstraction (5 m3/s) on top, 25 m3/s, while it has water; when it runs
    short, every part of that release is cut in the same proportion (docs/basin-file.md,
    ``reservoir_abstraction``): 5 * release / 25.  (It was 5 m3/s on every day the release was at
    least 5, the whole of the cut falling on the ecological release; then, to 2026-12-05, 5 * release
    / 20, the abstraction counted towards the river's minimum: reservoir review F1.)"""
    folder = outlet_basin(tmp_path / "ws")
    tables = series(folder, "supply", "abstraction", ["date,flow_m3_s"] + [f"2001-{m:02d},5.0" for m in range(1, 13)],
                    reservoir="lake")
    (folder / "basin.toml").write_text((folder / "basin.toml").read_text() + tables)
    basin = Basin.load(folder, overrides=[*PERIOD, "reservoirs.lake.target_release_m3_s=0",
                                          "reservoirs.lake.ecological_min_m3_s=20"])
    res = run(basin)
    release, taken = column(res, "reservoir_release"), column(res, "reservoir_abstraction")
    short = release < 25.0 * (1 - 1e-12)
    assert short.any() and (release[short] > 5.0).any() and (~short).any()  # both kinds of day, or no test
    np.testing.assert_allclose(taken, 5.0 * np.minimum(release / 25.0, 1.0), rtol=1e-12, atol=0)
    # the days short of the minimum are those the river got less than 20 m3/s (release less abstraction)
    to_river = release + column(res, "reservoir_spill") - taken
    unmet = dict(x.split("=") for x in res.attrs["ecological_min_unmet_days"].split(";"))
    assert int(unmet["lake"]) == int(np.count_nonzero(to_river < 20.0 * (1 - 1e-9))) > 0


def test_an_abstraction_comes_on_top_of_the_ecological_minimum(tmp_path):
    """With ample water an outlet reservoir lets the river below have its ecological minimum (10 m3/s)
    and the abstraction (5 m3/s) leave beside it: it releases 15.  To 2026-12-05 the abstraction counted
    towards the minimum: 10 released, 5 of them abstracted, 5 to the river, and no day counted short
    (reservoir review F1)."""
    folder = outlet_basin(tmp_path / "ws")
    tables = series(folder, "supply", "abstraction", ["date,flow_m3_s", "2001-01,5.0"], reservoir="lake")
    (folder / "basin.toml").write_text((folder / "basin.toml").read_text() + tables)
    basin = Basin.load(folder, overrides=["run.start=2001-01-01", "run.end=2001-01-10", 'run.routing="accumulate"',
                                          "reservoirs.lake.target_release_m3_s=0",
                                          "reservoirs.lake.ecological_min_m3_s=10"])
    res = run(basin)
    release, taken = column(res, "reservoir_release"), column(res, "reservoir_abstraction")
    assert (column(res, "reservoir_storage") > 2 * basin.network.reservoirs[0].dead_storage_m3).all()
    np.testing.assert_allclose(taken, 5.0, rtol=1e-12)
    np.testing.assert_allclose(release - taken, 10.0, rtol=1e-12)
    assert "ecological_min_unmet_days" not in res.attrs


def test_outlet_reservoir_budget_closes_with_every_kind_of_transfer(tmp_path):
    """Inflow by monthly volumes (3.1 and 10 hm3, a month of 0), an abstraction larger than the lake
    can give (it reaches dead storage), two days of a release series of 0, an ecological release
    and a reach abstraction: the lake's budget closes each day and over the year to round-off
    (inflow - release - spill - net evaporation = storage change), the transferred volume is
    exactly the file's, natural + transferred inflow is the inflow, nothing is negative, no
    release is taken below dead storage, and the abstraction delivered is at most what was asked
    and at most the release."""
    folder = outlet_basin(tmp_path / "ws")
    tables = (series(folder, "snwd", "inflow", ["date,volume_mcm", "2001-03,3.1", "2001-04,0", "2001-07,10.0"],
                     reservoir="lake", tn_mg_per_l=1.34, origin="south-to-north")
              + series(folder, "supply", "abstraction",
                       ["date,flow_m3_s"] + [f"2001-{m:02d},6.0" for m in range(1, 13)], reservoir="lake")
              + series(folder, "closed", "release", ["date,flow_m3_s", "2001-05-01,0", "2001-05-02,0"],
                       reservoir="lake")
              + series(folder, "eco", "ecological", ["date,flow_m3_s", "2001-08,1.0"], reservoir="lake")
              + series(folder, "div", "abstraction", ["date,flow_m3_s", "2001-06,50.0"], reach="main",
                       max_share=0.5))
    (folder / "basin.toml").write_text((folder / "basin.toml").read_text() + tables)
    basin = Basin.load(folder, overrides=[*PERIOD, "reservoirs.lake.initial_storage_mcm=20"])
    lake = basin.network.reservoirs[0]
    res = run(basin)
    storage = np.concatenate([[lake.initial_storage_m3], column(res, "reservoir_storage")])
    inflow, release = column(res, "reservoir_inflow"), column(res, "reservoir_release")
    spill, evaporated = column(res, "reservoir_spill"), column(res, "reservoir_evaporation")
    net = (inflow - release - spill) * SECONDS_PER_DAY - evaporated
    # daily: each day's change against the day's terms, relative to the storage (1e-12: round-off
    # of sums of ~1e7 m3 in float64 is ~1e-9 m3)
    np.testing.assert_allclose(np.diff(storage), net, rtol=0, atol=1e-12 * storage.max())
    assert abs((storage[-1] - storage[0]) - net.sum()) < 1e-12 * storage.max() * len(net)
    assert (storage >= 0).all() and (release >= 0).all() and (spill >= 0).all()
    assert storage.min() >= lake.dead_storage_m3 * (1 - 1e-12)  # dead storage reached, no release below it
    assert np.isclose(storage.min(), lake.dead_storage_m3, rtol=1e-9)  # ... and reached, or no test
    transferred = column(res, "reservoir_transfer_inflow")
    assert abs(transferred.sum() * SECONDS_PER_DAY - 13.1e6) < 1e-6  # 3.1 + 0 + 10 hm3, to round-off
    np.testing.assert_array_equal(column(res, "reservoir_natural_inflow"), inflow - transferred)
    assert (column(res, "reservoir_natural_inflow") >= 0).all()
    np.testing.assert_allclose(column(res, "reservoir_transfer_tn_load"), transferred * 1.34 * 86.4, rtol=1e-12)
    taken = column(res, "reservoir_abstraction")
    assert (taken <= 6.0 * (1 + 1e-12)).all() and (taken <= release * (1 + 1e-12)).all()
    assert taken.sum() < 6.0 * len(taken)  # it ran short
    withdrawn = np.asarray(res["reach_withdrawal"])
    assert (withdrawn >= 0).all() and (withdrawn <= 50.0).all()


def delivered(res) -> dict[str, float]:
    from hydro.run_attributes import id_values

    return {k: float(v) for k, v in id_values(res.attrs["transfer_delivered_m3"]).items()}


def test_what_a_reservoir_short_of_water_lets_out_of_its_series_is_reported(tmp_path):
    """A release series that the reservoir cannot give (it is drained to dead storage) was
    reported only as asked (``transfer_volume_m3``): ``transfer_delivered_m3`` gives what it let
    out, in proportion as ``reservoir_abstraction``, and over time blocks the blocks add up."""
    folder = outlet_basin(tmp_path / "ws")
    tables = (series(folder, "supply", "abstraction", ["date,flow_m3_s", "2001-01,6.0", "2002-12,6.0"],
                     reservoir="lake")
              + series(folder, "big", "release", ["date,flow_m3_s"] + [f"200{y}-{m:02d},30.0" for y in (1, 2)
                                                                      for m in range(1, 13)], reservoir="lake")
              + series(folder, "eco", "ecological", ["date,flow_m3_s", "2001-08,1.0"], reservoir="lake")
              + series(folder, "snwd", "inflow", ["date,flow_m3_s", "2001-07,1.0"], reservoir="lake",
                       tn_mg_per_l=1.34))
    (folder / "basin.toml").write_text((folder / "basin.toml").read_text() + tables)
    basin = Basin.load(folder, overrides=[*PERIOD, "reservoirs.lake.initial_storage_mcm=20"])
    res = run(basin)
    got = delivered(res)
    assert set(got) == {"supply", "big", "eco"}  # inflows always arrive: not listed
    release, taken = column(res, "reservoir_release"), column(res, "reservoir_abstraction")
    rtol = 1e-6  # the attribute is written with 7 significant digits (.6e)
    np.testing.assert_allclose(got["supply"], taken.sum() * SECONDS_PER_DAY, rtol=rtol)
    days = len(release)
    # release = big + supply (+ eco in August), each cut alike: the parts add up to the release
    np.testing.assert_allclose(got["supply"] + got["big"] + got["eco"], release.sum() * SECONDS_PER_DAY,
                               rtol=rtol)
    assert got["big"] < 0.5 * 30.0 * days * SECONDS_PER_DAY  # far short of what was asked
    assert got["eco"] < 31 * SECONDS_PER_DAY  # August was short too
    # in time blocks of one year, the blocks' deliveries add up to the one run's
    from hydro.blocked import run_blocks

    whole = run(basin, date(2001, 1, 1), date(2002, 12, 31))
    blocks = list(run_blocks(basin, date(2001, 1, 1), date(2002, 12, 31), 1))
    summed = {k: sum(delivered(b).get(k, 0.0) for b in blocks) for k in got}
    for k, v in delivered(whole).items():
        np.testing.assert_allclose(summed[k], v, rtol=rtol)
