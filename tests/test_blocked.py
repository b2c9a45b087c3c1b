"""Runs in time blocks (issue 16): a run in blocks of whole years equals the same run in one
block, its results written block by block make the same file, and its memory does not grow
with the run's length.

What is equal bit for bit and what to round-off, and why (hydro/blocked.py):

* bit for bit: the reservoirs (routing state carried whole), the groundwater N store, the
  weather and the gross inputs, the transport's sub-steps;
* to round-off: runoff, because CemaNeige's snowfall of full cover is given to the model as
  ``365.25 * mean`` and the model multiplies it by 0.9 (a one-block run computes
  ``0.9 * 365.25 * mean``: a different rounding); everything downstream of the runoff; and
  the transport, whose masses are carried as concentrations (mass / volume, then times the
  volume again at the next block's start: one rounding per block).  These differences are
  about 1e-15 of each variable's largest magnitude here, at most 2e-13 on a 100-reach basin
  over 100 years (concentrations of reaches with little flow); the tolerance below, 1e-12 of
  the largest magnitude of each variable, is above both and ten orders of magnitude below any
  difference a modelling choice makes (levels set from the first block alone instead of the
  whole run moved section TN means by up to 10 %).
"""

from __future__ import annotations

import tracemalloc
from datetime import date

import numpy as np
import pytest

from hydro.basin import Basin
from hydro.blocked import block_periods, run_blocks, unblockable
from hydro.errors import HydroError
from hydro.pipeline import run_watershed

#: Largest difference allowed between a blocked and a one-block run, relative to the
#: largest magnitude of the variable (see the module docstring).
ROUND_OFF = 1e-12

#: Variables the blocks reproduce bit for bit.
EXACT = ("reservoir_storage", "reservoir_level", "reservoir_area", "reservoir_release", "reservoir_spill",
         "reservoir_evaporation", "groundwater_n_storage", "subbasin_precipitation", "subbasin_tn_gross_input",
         "transport_substeps")


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    """A synthetic watershed of 5 reaches and a reservoir over 3 years (2001-2003)."""
    from hydro.validation.problems import synthetic_watershed

    return Basin.load(synthetic_watershed(tmp_path_factory.mktemp("blocked"), n_subbasin=5, n_reservoir=1,
                                          years=3))


def _joined(blocks, name):
    dims = blocks[0].dims(name)
    axis = dims.index("time") if "time" in dims else dims.index("budget_year")
    return np.concatenate([b.data[name] for b in blocks], axis=axis)


def _same(one, blocks, exact=EXACT):
    """``blocks`` joined equal ``one``: ``exact`` bit for bit, the rest within :data:`ROUND_OFF`
    of each variable's largest magnitude."""
    assert [d for b in blocks for d in b.dates] == one.dates
    assert all(set(b.data) == set(one.data) for b in blocks)
    for name in sorted(one.data):
        a, c = one.data[name], _joined(blocks, name)
        assert a.shape == c.shape, name
        if name in exact:
            np.testing.assert_array_equal(c, a, err_msg=name)
        else:
            scale = float(np.nanmax(np.abs(a))) if a.size else 0.0
            np.testing.assert_allclose(c, a, rtol=0, atol=ROUND_OFF * scale, err_msg=name)


def test_blocks_of_one_year_equal_one_block(small):
    s, e = small.settings.start, small.settings.end
    one = run_watershed(small, s, e)
    blocks = list(run_blocks(small, s, e, 1))
    assert len(blocks) == 3
    _same(one, blocks)


@pytest.fixture(scope="module")
def species(tmp_path_factory):
    """The small basin carrying Miyun's TN, TP and CODMn (species, reactions, initial values) with
    loads from the regional water-quality table."""
    import re

    from hydro.basin import ROOT
    from hydro.validation.problems import synthetic_watershed

    path = synthetic_watershed(tmp_path_factory.mktemp("blocked-species"), n_subbasin=5, n_reservoir=1, years=3)
    miyun = (ROOT / "basins" / "miyun" / "basin.toml").read_text(encoding="utf-8").splitlines()
    first = next(i for i, line in enumerate(miyun) if line.startswith("[[constituents]]"))
    last = next(i for i, line in enumerate(miyun) if line.startswith("[initial]"))
    text = re.sub(r'\[\[constituents\]\]\nname = "tn"\n[^\[]*', "", path.read_text(encoding="utf-8"))
    text += (f'\n[quality]\ntable = "{(ROOT / "basins" / "region" / "quality.toml").as_posix()}"\n\n'
             + "\n".join(miyun[first:last]) + "\n[initial]\norgn_mg_per_l = 0.2\nnh3n_mg_per_l = 0.1\n"
             "no3n_mg_per_l = 1.7\ndp_mg_per_l = 0.03\npp_mg_per_l = 0.03\ncodmn_mg_per_l = 3.0\n")
    path.write_text(text, encoding="utf-8")
    return Basin.load(path)


def test_constituents_by_species_in_blocks_equal_one_block(species):
    assert [c.name for c in species.constituents] == ["tn", "tp", "codmn"] and unblockable(species) is None
    s, e = species.settings.start, species.settings.end
    one = run_watershed(species, s, e)
    assert "reservoir_no3n_concentration" in one.data and "initial" in one.coords["source"]
    _same(one, list(run_blocks(species, s, e, 1)))


#: Two withdrawals of the synthetic watershed: a requested flow and a channel loss.
WITHDRAWALS = ('[[withdrawals]]\nid = "w1"\nreach = "r3"\nflow_m3_s = 0.3\n'
               '[[withdrawals]]\nid = "w2"\nreach = "r4"\nloss_share = 0.2\n\n[[subbasins]]\n')

#: Months of mineral fertiliser of the timing variant (Miyun's).
FERTILISER_MONTHS = "[0, 0, 0, 0.1, 0.3, 0.3, 0.3, 0, 0, 0, 0, 0]"


@pytest.mark.parametrize("edits", [
    # accumulated flows carry their reservoir volumes from block to block
    [("cell_length_km = 5.0\n", 'cell_length_km = 5.0\nrouting = "accumulate"\n')],
    # flow-timed groundwater scales its release by the whole run's mean base flow
    [("residence_years = 8.0\n", 'residence_years = 8.0\ntiming = "flow"\n')],
    # sources changing by year, blended across years and spread by month (issue 13's timing):
    # each block's days are spread over the whole run's years
    [("fertiliser_kg_per_ha_yr = 220.0\n", "fertiliser_kg_per_ha_yr = { 2001 = 150.0, 2003 = 300.0 }\n"),
     ("per_capita_n_g_per_day = 8.0\n", "per_capita_n_g_per_day = { 2001 = 6.0, 2003 = 10.0 }\n"),
     ("water_area_km2 = 0.5\n", 'water_area_km2 = 0.5\n[subbasins.sources.timing]\nyears = "blended"\n'
      f"fertiliser_months = {FERTILISER_MONTHS}\n")],
    # withdrawals taken by the routing from routed flows: the routing state carries on
    [("[[subbasins]]\n", WITHDRAWALS)],
    # withdrawals from accumulated flows: each request's accumulation carries its reservoir volumes
    [("[[subbasins]]\n", WITHDRAWALS), ("cell_length_km = 5.0\n", 'cell_length_km = 5.0\nrouting = "accumulate"\n')],
    # wash-off: the surface store starts in balance with the 365 days from the first block's first day
    # (past its end here: a first block of six months), then carries its content from block to block;
    # the partial first year comes after six months of weather that warm the runoff stores up
    # (hydro.runoff_warm_up)
    [("[subbasins.sources.land_use.forest]\n",
      '[subbasins.sources]\ndelivery_timing = "washoff"\n[subbasins.sources.land_use.forest]\n'),
     ("water_area_km2 = 0.5\n", "water_area_km2 = 0.5\n[subbasins.sources.timing]\nwashoff_per_mm = 0.18\n"
      "surface_fraction = 0.3\n"),
     ("start = 2001-01-01\n", "start = 2001-07-01\n")],
], ids=["accumulation-with-reservoirs", "flow-timed-groundwater", "blended-seasonal-sources", "withdrawals-routed",
        "withdrawals-accumulated", "washoff"])
def test_variants_in_blocks_equal_one_block(tmp_path, edits):
    from hydro.validation.problems import synthetic_watershed

    path = synthetic_watershed(tmp_path, n_subbasin=5, n_reservoir=1, years=3)
    text = path.read_text(encoding="utf-8")
    for old, new in edits:
        assert old in text
        text = text.replace(old, new, 1)
    path.write_text(text, encoding="utf-8")
    basin = Basin.load(path)
    assert basin.network.reservoirs and unblockable(basin) is None
    s, e = basin.settings.start, basin.settings.end
    _same(run_watershed(basin, s, e), list(run_blocks(basin, s, e, 1)))


def test_shipped_miyun_with_transfers_and_withdrawals_in_blocks_equals_one_block():
    """Miyun: transfers (water in, with its tracer; releases; abstractions), wash-off, blended and
    seasonal sources, TN, TP and CODMn by species, accumulated flows with reservoirs."""
    from hydro.clitools import load_basin

    miyun = load_basin("miyun")
    assert unblockable(miyun) is None and miyun.transfers
    s, e = date(2013, 1, 1), date(2015, 12, 31)
    one = run_watershed(miyun, s, e)
    assert "section_transfer_discharge" in one.data and "reservoir_abstraction" in one.data
    # the groundwater store follows base flow here (timing): to round-off, as the runoff
    # every constituent to round-off: the inflow a flux inlet still owes is handed on (without it,
    # TP and CODMn differed by up to 2e-5 of their range after a block boundary)
    _same(one, list(run_blocks(miyun, s, e, 1)),
          exact=("subbasin_precipitation", "subbasin_tn_gross_input"))


def test_shipped_example_watershed_in_blocks_equals_one_block():
    from hydro.clitools import load_basin

    basin = load_basin("configs/examples/watershed")
    s, e = date(2001, 1, 1), date(2002, 12, 31)
    _same(run_watershed(basin, s, e), list(run_blocks(basin, s, e, 1)))


def test_routing_continued_from_its_state_equals_one_run(small):
    """Muskingum-Cunge routing in two parts, the second from the first's final state: bit for bit."""
    from hydro.pipeline import water
    from hydro.routing import route
    from hydro.watershed import Watershed, subbasin_weather

    net = small.network
    ws = Watershed.from_basin(small)
    dates = [date(2001, 1, 1) + (date(2001, 1, 2) - date(2001, 1, 1)) * k for k in range(500)]
    w = water(small, ws, dates, subbasin_weather(ws, dates))
    slope = np.array([r.slope_m_per_m for r in net.reaches])
    zeros = np.zeros_like(w.lateral)
    args = (w.lateral, zeros, w.res_local, w.evap, w.rain, w.calendar)
    whole = route(net, slope, *args)
    cut = 200
    first = route(net, slope, *(a[:cut] for a in args), sub_reaches=whole.sub_reaches)
    second = route(net, slope, *(a[cut:] for a in args), state=first.final)
    for name in ("q_in", "q_out", "res_release", "res_spill", "res_area"):
        np.testing.assert_array_equal(np.concatenate([getattr(first, name), getattr(second, name)]),
                                      getattr(whole, name), err_msg=name)
    np.testing.assert_array_equal(np.concatenate([first.res_volume, second.res_volume[1:]]), whole.res_volume)
    np.testing.assert_array_equal(np.concatenate([first.reach_storage, second.reach_storage[1:]]),
                                  whole.reach_storage)


def _peak(basin, end: date) -> int:
    """Peak traced allocation (bytes) of a run in 1-year blocks up to ``end``."""
    tracemalloc.start()
    tracemalloc.reset_peak()
    for res in run_blocks(basin, basin.settings.start, end, 1):
        del res
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak


def test_memory_of_a_blocked_run_does_not_grow_with_its_length(tmp_path):
    from hydro.validation.problems import synthetic_watershed

    basin = Basin.load(synthetic_watershed(tmp_path, n_subbasin=5, n_reservoir=1, years=6))
    _peak(basin, date(2002, 12, 31))  # kernels, caches and imports first, not measured
    short = _peak(basin, date(2002, 12, 31))
    long = _peak(basin, date(2006, 12, 31))
    # one block's arrays either way; what grows with the run (its dates, the sampled flows of
    # the volume levels, at most 1000 days) is small.  A one-block run triples here.
    assert long / short < 1.3, (short, long)
    tracemalloc.start()
    run_watershed(basin, basin.settings.start, date(2006, 12, 31))
    whole = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert whole / long > 2.0, (whole, long)


def test_block_periods_are_whole_calendar_years():
    assert block_periods(date(2001, 3, 5), date(2005, 6, 1), 2) == [
        (date(2001, 3, 5), date(2002, 12, 31)), (date(2003, 1, 1), date(2004, 12, 31)),
        (date(2005, 1, 1), date(2005, 6, 1))]
    assert block_periods(date(2001, 1, 1), date(2001, 12, 31), 5) == [(date(2001, 1, 1), date(2001, 12, 31))]
    # a first block shorter than a year is a block of its own (the wash-off start needs no more)
    assert block_periods(date(2001, 7, 1), date(2003, 6, 30), 1) == [
        (date(2001, 7, 1), date(2001, 12, 31)), (date(2002, 1, 1), date(2002, 12, 31)),
        (date(2003, 1, 1), date(2003, 6, 30))]
    with pytest.raises(HydroError, match="block-years"):
        block_periods(date(2001, 1, 1), date(2001, 12, 31), 0)


def test_basins_whose_state_is_not_carried_run_in_one_block(tmp_path):
    from hydro.blocked_run import blocks_for
    from hydro.clitools import load_basin
    from hydro.validation.problems import synthetic_watershed

    path = synthetic_watershed(tmp_path, n_subbasin=5, n_reservoir=1, years=3)
    path.write_text(path.read_text(encoding="utf-8").replace("cell_length_km = 5.0\n",
                                                            "cell_length_km = 5.0\nflow_driven = true\n"),
                    encoding="utf-8")
    driven = Basin.load(path)
    assert "flow-driven" in (unblockable(driven) or "")
    s, e = driven.settings.start, driven.settings.end
    assert blocks_for(driven, s, date(2040, 12, 31), None) is None  # the default: one block, as before
    with pytest.raises(HydroError, match="cannot run in time blocks"):
        blocks_for(driven, s, e, 1)
    with pytest.raises(HydroError, match="cannot run in time blocks"):
        next(run_blocks(driven, s, e, 1))
    miyun = load_basin("miyun")  # its default run, 18 calendar years, stays one block
    assert blocks_for(miyun, miyun.settings.start, miyun.settings.end, None) is None
    tiny = load_basin("configs/examples/tiny")
    assert blocks_for(tiny, tiny.settings.start, tiny.settings.end, None) is None  # not a watershed: one block
    with pytest.raises(HydroError, match="a network given its flows"):  # a number asked for: refused, with why
        blocks_for(tiny, tiny.settings.start, tiny.settings.end, 1)


def test_short_runs_are_one_block_and_long_ones_blocked(small):
    from hydro.blocked_run import blocks_for

    s = small.settings.start  # 5 reaches: blocked by default past 5 years and 500,000 reach-days
    assert blocks_for(small, s, date(2100, 12, 31), None) is None  # 5 x 36,524 reach-days
    assert blocks_for(small, s, date(2300, 12, 31), None) == 5  # 5 x 109,574
    assert blocks_for(small, s, date(2005, 12, 31), 3) == 3
    assert blocks_for(small, s, date(2003, 12, 31), 1) == 1
    assert blocks_for(small, s, date(2030, 12, 31), 0) is None
    with pytest.raises(HydroError, match="block-years"):
        blocks_for(small, s, date(2003, 12, 31), -1)
