"""Runs on generated weather take the basin's period's numerics; what a blocked run says it does
first; what ``hydro.Model.run(weather=...)`` is spun up on (review, 2026-12-01).

* A member's spin-up on the station record (:func:`hydro.blocked.record_spin_up`) took its routing
  cells and transport cell water from a pass of its own over the spin-up's days, where an observed
  run from or spun up from the basin's start takes the basin's ``[run]`` period's
  (:func:`hydro.store_climate.period_water`).  Within the basin's period that pass repeated the
  basin's to the bit (one pass more per process and start); past the basin's ``[run] end`` it was
  taken over other days (``tests/test_spin_up_past_record_review.py`` holds the member to the
  continuous run).
* ``hydro run --block-years`` said 'two passes of the water over the whole run' where it made the
  basin's period's pass, and 'the spin-up on the station record, first..last' where the spin-up goes
  on over generated weather past the record's end.
* docs/python-api.md said weather given to ``hydro.Model.run`` is 'not spun up'; a run from after
  the basin's start is spun up on it where it covers the basin's start, and generated weather on
  the station record.

The synthetic watershed's station record and ``[run]`` period are 2001-2003.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest
from click.testing import CliRunner

import hydro.blocked
import hydro.blocked_water
import hydro.store_climate
from hydro.basin import ROOT, Basin
from hydro.ensemble import member_weather
from hydro.pipeline import run_watershed


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    from hydro.validation.problems import synthetic_watershed

    return synthetic_watershed(tmp_path_factory.mktemp("generated-numerics"), n_subbasin=4, n_reservoir=1, years=3)


@pytest.fixture
def passes(monkeypatch):
    """Every water pass made (empty caches first): 'period' for the basin's period's
    (:func:`hydro.store_climate._record_water`), 'whole' for each :func:`whole_run_water` (the
    period's included)."""
    made: list[str] = []
    period, whole = hydro.store_climate._record_water, hydro.blocked_water.whole_run_water

    def count_period(*a):
        made.append("period")
        return period(*a)

    def count_whole(*a, **k):
        made.append("whole")
        return whole(*a, **k)

    monkeypatch.setattr(hydro.store_climate, "_WATER", {})
    monkeypatch.setattr(hydro.blocked, "_SPUN", {})
    monkeypatch.setattr(hydro.store_climate, "_record_water", count_period)
    monkeypatch.setattr(hydro.blocked_water, "whole_run_water", count_whole)
    return made


def _own_pass(monkeypatch):
    """The spin-up on the record with a pass of its own (as before this review)."""
    real = hydro.store_climate.run_numerics

    def own(basin, ws, periods, forcing, weather, threshold, step, runoff_start, carried, shared=False):
        if shared:
            return hydro.blocked_water.whole_run_water(basin, ws, periods, forcing, threshold, step, runoff_start)
        return real(basin, ws, periods, forcing, weather, threshold, step, runoff_start, carried)

    monkeypatch.setattr(hydro.store_climate, "run_numerics", own)


def test_a_member_in_the_basins_period_takes_its_pass_the_same_to_the_bit(small, passes, monkeypatch):
    """A member from within the basin's period makes one water pass (the basin's, which its stores'
    means take too), not two, and its results are those of its own pass to the bit."""
    basin = Basin.load(small)
    start, end = date(2002, 3, 1), date(2002, 8, 31)
    weather = member_weather(basin, start, end, 4)
    res = run_watershed(basin, start, end, weather=weather, constituents=("tn",))
    assert passes == ["period", "whole"]
    _own_pass(monkeypatch)
    monkeypatch.setattr(hydro.blocked, "_SPUN", {})
    before = run_watershed(basin, start, end, weather=weather, constituents=("tn",))
    assert passes == ["period", "whole", "whole"]  # its own pass again (the period's is cached)
    for name in ("discharge", "reservoir_storage", "reservoir_tn_concentration", "tn_concentration"):
        np.testing.assert_array_equal(res[name], before[name], err_msg=name)


def test_a_member_after_the_basins_end_takes_the_basins_period(small, passes, monkeypatch):
    """A member whose spin-up on the record runs past the basin's ``[run] end`` takes the period's
    numerics (one pass, over 2001-2002), not those of its spin-up's days (2001-2003)."""
    basin = Basin.load(small, overrides=["run.end=2002-12-31"])
    start, end = date(2003, 6, 1), date(2003, 9, 30)
    weather = member_weather(basin, start, end, 4)
    res = run_watershed(basin, start, end, weather=weather, constituents=("tn",))
    assert passes == ["period", "whole"]
    _own_pass(monkeypatch)
    monkeypatch.setattr(hydro.blocked, "_SPUN", {})
    before = run_watershed(basin, start, end, weather=weather, constituents=("tn",))
    np.testing.assert_array_equal(res["discharge"], before["discharge"])  # the same cells here
    gap = np.max(np.abs(res["tn_concentration"] - before["tn_concentration"])) / np.max(res["tn_concentration"])
    assert gap > 1e-5, gap  # the numerics moved (the continuous run's equality: test_spin_up_past_record_review)


def _blocked(small, tmp_path, *args):
    from hydro.cli import main

    said = CliRunner().invoke(main, ["run", str(small), "-o", str(tmp_path / "b.nc"), "--block-years", "1", *args])
    assert said.exit_code == 0, said.output
    return next(x for x in said.stderr.splitlines() if "; first, " in x)


def test_the_blocked_runs_first_line_says_the_passes_it_makes(small, tmp_path, passes):
    """The basin's period: its own two passes; a shorter run: the period's; a late start: the
    spin-up too; generated weather past the record: the spin-up on the record and then on the
    generated weather, each as made."""
    line = _blocked(small, tmp_path)
    assert line.endswith("first, two passes of the water over the whole run") and passes == ["whole"]
    passes.clear()
    line = _blocked(small, tmp_path, "--end", "2002-12-31", "--overwrite")
    assert line.endswith("first, two passes of the water over the basin's [run] period on the station record, "
                         "2001-01-01..2003-12-31 (the routing cells and the transport cells' water every run of the "
                         "basin takes)") and passes == ["period", "whole"]
    line = _blocked(small, tmp_path, "--start", "2002-01-01", "--end", "2003-06-30", "--overwrite")
    assert line.endswith("takes), then the spin-up, 2001-01-01..2001-12-31 (not written)"), line
    assert passes == ["period", "whole"]  # cached
    line = _blocked(small, tmp_path, "--synthetic-weather", "3", "--start", "2005-01-01", "--end", "2006-06-30",
                    "--overwrite")
    assert line.endswith("takes), then the spin-up, 2001-01-01..2003-12-31 on the station record, then on the "
                         "generated weather, 2004-01-01..2004-12-31 (not written)"), line
    assert passes == ["period", "whole"]


def test_weather_given_to_model_run_is_spun_up_as_the_api_page_says(small):
    """docs/python-api.md: weather of one's own is spun up on itself where it covers the basin's
    start, not where it starts later; generated weather on the station record."""
    import hydro
    from hydro.watershed import Watershed
    from hydro.weather import station_record

    page = (ROOT / "docs" / "python-api.md").read_text(encoding="utf-8")
    assert "a start after the basin's is spun up on it from the basin's start where it covers that day" in page
    assert "generated weather (made in this process" in page and "is spun up on the basin's station record" in page
    model = hydro.Model.from_basin(small)
    record = station_record(Watershed.from_basin(Basin.load(small)).weather.csv)
    values = {n: getattr(record, n) for n in ("precip_mm", "tmean_c", "tmin_c", "tmax_c")}

    def state(dates, k=0, start="2002-03-01"):
        weather = type(record)(dates[k:], **{n: v[k:] for n, v in values.items()}, metadata={"source": "mine"})
        return model.run(start, "2002-04-30", weather=weather).attrs["initial_state"]

    own = state(record.dates)
    assert own.startswith("spun up: the whole model run from the basin's [run] start 2001-01-01 over "
                          "2001-01-01..2002-02-28") and "station record" not in own
    assert "(not spun up: the weather starts on 2001-07-20, after the basin's start)" in state(record.dates, 200)
    generated = member_weather(Basin.load(small), date(2002, 3, 1), date(2002, 4, 30), 3)
    said = model.run("2002-03-01", "2002-04-30", weather=generated).attrs["initial_state"]
    assert "2001-01-01..2002-02-28 on the basin's station record; the run itself on generated weather" in said
