"""A day's results do not depend on where its run ends (found in review, 2026-12-01): the routing
cells (at the run's mean flow) and the transport cells' water level (a median over the run's days)
were chosen from the run's own flows, so the same days of Miyun differed in section TN by 0.4 % on
the median day, 3 % at the 99th percentile and up to 20 % between a run ending in September 2013
and one ending in February 2017 (the same for a late --start and for --block-years).  They are the
basin's period's now (hydro.store_climate.period_water), as the stores' mean flows are.

Tolerance: the runs compared take the same numerics and the same flows (discharge: the same bits),
so what is left is round-off: of the transport's sums (<= 7.5e-16 of a value on Miyun, 2000-2013
against 2000-2017) and of the yearly inventories blended across 1 January over each run's years
(2.1e-12 of a day's load, 1.7e-13 of section TN, 2000-2001/09 against 2000-2002).  1e-10 leaves room
for other machines' summation order; the fault it guards against was >= 1e-3.  A run of one year
agrees too since the blend's neighbours are the inventory's years, not the run's (until then a run
of 2000 held 2000's inventories at its end where a longer one blended them towards 2001's: 7.7e-4
of section TN; tests/test_blend_ends_review.py).
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from hydro.basin import Basin
from hydro.blocked import run_blocks
from hydro.pipeline import run_watershed

TOL = 1e-10  # see the module docstring
NAMES = ("section_tn_concentration", "tn_concentration", "discharge")


@pytest.fixture(scope="module")
def miyun():
    return Basin.load("miyun")


def _days(res) -> dict[str, np.ndarray]:
    return {k: np.asarray(res.data[k]) for k in NAMES}


def _worst(short: dict, longer: dict, offset: int = 0) -> float:
    """Largest relative difference of ``short``'s days from the same days of ``longer``."""
    n = short[NAMES[0]].shape[0]
    return max(float(np.max(np.abs(short[k] - longer[k][offset:offset + n])
                            / np.maximum(np.abs(longer[k][offset:offset + n]), 1e-9))) for k in NAMES)


def _run(basin, start, end, **kw):
    return _days(run_watershed(basin, start, end, constituents=("tn",), **kw))


def test_shared_days_agree_whatever_the_run_ends_and_did_not_before(miyun, monkeypatch):
    short, longer = _run(miyun, date(2000, 1, 1), date(2001, 9, 30)), _run(miyun, date(2000, 1, 1), date(2002, 12, 31))
    gap = _worst(short, longer)
    assert gap < TOL
    import hydro.store_climate  # each run's own numerics, as before

    monkeypatch.setattr(hydro.store_climate, "period_numerics", lambda *a, **k: None)
    before = _worst(_run(miyun, date(2000, 1, 1), date(2001, 9, 30)), _run(miyun, date(2000, 1, 1), date(2002, 12, 31)))
    assert before > 1e-3, before


def test_a_late_start_and_blocks_agree_with_a_run_from_the_start(miyun):
    longer = _run(miyun, date(2000, 1, 1), date(2002, 12, 31))
    late = _run(miyun, date(2001, 1, 1), date(2001, 12, 31))  # spun up from 2000-01-01
    assert _worst(late, longer, (date(2001, 1, 1) - date(2000, 1, 1)).days) < TOL
    blocks = [_days(r) for r in run_blocks(miyun, date(2000, 1, 1), date(2002, 6, 30), 1, constituents=("tn",))]
    assert len(blocks) == 3
    assert _worst({k: np.concatenate([b[k] for b in blocks]) for k in NAMES}, longer) < TOL


@pytest.mark.parametrize("old", [False, True])
def test_a_one_year_run_agrees_with_a_longer_one(miyun, old, monkeypatch):
    """2000 alone against 2000-2002; ``old``: the blend's neighbours from the run's years, as before."""
    if old:
        import hydro.sources.loads

        monkeypatch.setattr(hydro.sources.loads, "with_neighbours", lambda years, index: (years, index))
    gap = _worst(_run(miyun, date(2000, 1, 1), date(2000, 12, 31)), _run(miyun, date(2000, 1, 1), date(2002, 12, 31)))
    assert (gap > 1e-4) if old else (gap < TOL), gap  # 7.7e-4 before


def test_the_basins_numerics_are_those_its_own_run_takes(miyun, monkeypatch):
    """The default run keeps its own numerics (not computed twice); the basin's pass (in blocks of a
    year here) gives the same numbers to the last bit, so shorter runs agree with it."""
    import hydro.store_climate as sc
    from hydro.pipeline_steps import water
    from hydro.runoff_warm_up import run_start
    from hydro.series import daily_dates
    from hydro.transport_volumes import cell_water
    from hydro.watershed import Watershed, flows, subbasin_weather

    s = miyun.settings
    ws = Watershed.from_basin(miyun)
    forcing, threshold, warm = run_start(miyun, ws, s.start, s.end)
    assert sc.period_numerics(miyun, ws, s.start, s.end, None, threshold) is None  # its own
    assert sc.period_numerics(miyun, ws, date(2001, 1, 1), s.end, None, threshold) is None  # not its first day
    assert sc.period_numerics(miyun, ws, s.start, date(2003, 1, 1), None, threshold, carried=False) is None
    dates = daily_dates(s.start, s.end)
    w = water(miyun, ws, dates, subbasin_weather(ws, dates, forcing), warm.state, threshold)
    assert not w.transfers.dated_minimum  # else the run's numerics are the reference pass's
    hyd = flows(miyun, w.lateral, w.res_local, w.evap, w.rain, w.calendar, w.res_land, target_release=w.target,
                requests=w.requests)
    own = cell_water(miyun.network, hyd.q_in, hyd.q_out, hyd.lateral)
    monkeypatch.setattr(sc, "_WATER", {})
    monkeypatch.setattr(sc, "PASS_REACH_DAYS", len(miyun.network.reaches) * 366)  # a block a year
    basins = sc.period_numerics(miyun, ws, s.start, date(2003, 1, 1), None, threshold)
    assert basins is not None
    np.testing.assert_array_equal(basins.cells, hyd.sub_reaches)
    for name in ("volume", "share", "floor"):
        np.testing.assert_array_equal(getattr(basins.water, name), getattr(own, name))


def test_a_member_on_generated_weather_takes_the_records_numerics(miyun):
    from hydro.ensemble import member_weather

    def member(end):
        return _run(miyun, date(2000, 1, 1), end, weather=member_weather(miyun, date(2000, 1, 1), end, 7))

    short, longer = member(date(2001, 9, 30)), member(date(2002, 12, 31))
    assert _worst(short, longer) < TOL
