"""Calibration observations: which day a timestamp is on, and a month given twice (an outside review, 2026-12-05).

hydro's days are Beijing days (UTC+8, docs/calibration.md).  A stamp with an explicit offset was cut to
its first ten characters, so ``2013-08-06T20:00:00Z`` (04:00 on 7 August in Beijing) landed on 6 August,
and two stamps of one instant on two days.  Two rows for one month were averaged without a word, where
the monitoring CSV refuses them.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from hydro.calibration.config import Observation
from hydro.calibration.observations import Alignment, read_observation_csv
from hydro.errors import HydroError


def _csv(tmp_path, stamps, aggregate="daily"):
    p = tmp_path / "obs.csv"
    p.write_text("date,value\n" + "".join(f"{s},{i + 1}\n" for i, s in enumerate(stamps)), encoding="utf-8")
    return Observation("q", "discharge", csv=p, aggregate=aggregate)


def test_an_utc_timestamp_is_put_on_its_beijing_day(tmp_path):
    dates, _, _ = read_observation_csv(_csv(tmp_path, ["2013-08-06T20:00:00Z", "2013-08-08T12:00:00Z"]))
    # 2013-08-06T20:00Z is 2013-08-07 04:00 in Beijing; 2013-08-08T12:00Z is 20:00 the same day
    assert list(dates) == [np.datetime64("2013-08-07"), np.datetime64("2013-08-08")]


@pytest.mark.parametrize("stamps", [["2013-08-07T04:00:00+08:00", "2013-08-06T20:00:00+00:00"],
                                    ["2013-08-07 04:00", "2013-08-06T16:00:00-04:00"],
                                    ["2013-08-07", "2013-08-06T20:00Z"]])
def test_one_instant_written_two_ways_is_one_day(tmp_path, stamps):
    dates, _, _ = read_observation_csv(_csv(tmp_path, stamps))
    assert dates[0] == dates[1] == np.datetime64("2013-08-07"), dates


def test_a_bare_time_is_beijing_time(tmp_path):
    dates, _, _ = read_observation_csv(_csv(tmp_path, ["2013-08-06 23:30", "2013-08-06T01:00:00"]))
    assert list(dates) == [np.datetime64("2013-08-06")] * 2


def test_a_month_given_twice_is_refused_not_averaged(tmp_path):
    p = tmp_path / "o.csv"
    p.write_text("date,value\n2013-08,1.0\n2013-09,5.0\n2013-08,3.0\n2013-10,4.0\n", encoding="utf-8")
    obs = Observation("q", "discharge", csv=p, aggregate="monthly")
    with pytest.raises(HydroError, match=r"line 4: a second value for 2013-08 \(first on line 2\)"):
        read_observation_csv(obs)


def test_several_samples_on_one_day_stay_legal(tmp_path):
    # docs/calibration.md: daily values may be sparse; several on one day are averaged
    obs = _csv(tmp_path, ["2013-08-06 08:00", "2013-08-06 16:00", "2013-08-07"])
    dates, values, per_day = read_observation_csv(obs)
    sim = np.arange("2013-08-01", "2013-08-31", dtype="datetime64[D]")
    a = Alignment.build(obs, dates, values, sim, {"calibration": (date(2013, 8, 1), date(2013, 8, 30))},
                        per_day=per_day)
    assert a.n_bins == 2 and a.observed[0] == 1.5
