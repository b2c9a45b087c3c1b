"""basins/check_synop_precip.py: are the days Beijing's SYNOP-derived GHCN-D record leaves out dry?

The script's day alignment and its absent-day measure are checked on made-up series (so that a
broken measure fails here), and its result on the shipped data against what both basins'
SOURCES.md ("Weather 2013–2020") quote.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def mod():
    spec = importlib.util.spec_from_file_location("check_synop_precip", ROOT / "basins" / "check_synop_precip.py")
    m = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(m)
    return m


def test_day_windows_follow_the_shift(mod):
    """Rain in the hour 07 (Beijing time) of the 2nd day is on day 2 by the calendar, on day 1 by
    the UTC day (08-08 Beijing time) and on day 2 by the 20-20 day ending on day 2."""
    t0 = np.datetime64("2015-07-01T00", "h")
    rain = np.zeros(24 * 4)
    rain[24 + 7] = 5.0
    for k, day in ((0, "2015-07-02"), (8, "2015-07-01"), (-4, "2015-07-02")):
        days, sums = mod.daily_sums(t0, rain, k)
        assert sums.sum() == 5.0
        assert str(days[np.argmax(sums)]) == day, k
    days, _ = mod.daily_sums(t0, rain, 8)
    assert str(days[-1]) == "2015-07-03"  # the last UTC day would need hours past the record


def test_compare_sees_rain_on_absent_days(mod):
    """If the station's rain falls on the days the record leaves out, the measures say so."""
    gd = np.arange(np.datetime64("2015-01-01"), np.datetime64("2015-01-21"))
    gp = np.full(gd.size, np.nan)
    gp[:10] = [0, 0, 0, 0, 0, 6, 7, 8, 9, 10]
    st = np.zeros(gd.size)
    st[5:10] = [6, 7, 8, 9, 10]
    st[15:20] = 4.0  # rain on absent days
    c = mod.compare(gd, gp, gd, st)
    assert c["share_rain_absent"] == pytest.approx(20.0 / 60.0)
    assert c["wet_share_absent"] == pytest.approx(0.5)
    assert c["wet_share_zero"] == 0.0
    assert c["ratio_recorded"] == pytest.approx(1.0)
    assert c["median_ratio_both5"] == pytest.approx(1.0)
    st[15:20] = 0.0
    assert mod.compare(gd, gp, gd, st)["share_rain_absent"] == 0.0


def test_shipped_result_is_the_one_sources_quotes(mod):
    res = mod.analyse()
    assert res["verdict"] == {"H1": True, "H2": True, "H3": False, "holds": False}
    h, d = res["stations"]["huairou"], res["stations"]["dingling"]
    assert (h["best"], d["best"]) == (8, 6)
    hb, db = h["by_shift"][8], d["by_shift"][6]
    assert (round(hb["r"], 2), round(db["r"], 2)) == (0.64, 0.77)
    assert (round(hb["station_mm_absent"], 1), round(db["station_mm_absent"], 1)) == (220.2, 133.5)
    assert (hb["n_recorded"], hb["n_absent"], hb["n_zero"]) == (452, 1008, 172)
    assert (hb["n_ratio_near2"], hb["n_ratio_near_half"], db["n_ratio_near2"], db["n_ratio_near_half"]) == (8, 8, 8, 8)
    assert (round(100 * hb["wet_share_absent"], 1), round(100 * hb["wet_share_zero"], 1)) == (2.6, 11.0)
    assert res["synop_wet_days"][2013] == 59 and res["synop_wet_days"][2015] == 58
    assert res["cma_wet_days"][:2] == (38, 52)
    assert res["published_days"] == {2013: (71, 76), 2015: (77, 81), 2018: (57, 55)}
    for basin in ("miyun", "guanting"):
        text = (ROOT / "basins" / basin / "SOURCES.md").read_text(encoding="utf-8")
        assert "## Weather 2013–2020: are absent SYNOP days dry?" in text
        flat = text.replace("\n", " ").replace("  ", " ")
        # the verdict by the rule, then the lead's decision taken after it (H3 set aside) and the extension
        assert "not confirmed" in flat and "taken after the result" in flat and "H3 is set aside" in flat
        assert "bj54511_synop_est0" in flat
