"""The run summary says what each reservoir spilled (a floods review, 2026-12-06: spills closed every budget
but no line of the summary named them, where a drought's dead storage and unmet minimum had theirs)."""

from __future__ import annotations

import numpy as np

from hydro.results import Results
from hydro.run_summary import RunSummary


def _block(first: str, spill: list[list[float]]) -> Results:
    days = np.arange(np.datetime64(first), np.datetime64(first) + len(spill))
    res = Results(coords={"time": list(days), "reservoir": ["lake", "pond"]})
    res.add("reservoir_spill", np.array(spill))
    return res


def test_spills_add_up_over_blocks_reservoir_by_reservoir():
    summary = RunSummary()
    summary.add(_block("2012-07-20", [[0.0, 0.0], [10.0, 0.0]]))
    summary.add(_block("2012-07-22", [[5.0, 0.0], [0.0, 0.0], [np.nan, 0.0]]))
    text = summary.text()
    # 10 + 5 m3/s for a day each: 15 x 86,400 = 1.296e6 m3 on 2 of 5 days; the pond never spilled
    assert "reservoir spill (water above the full supply or flood-limit level, to the river below): " \
           "lake 1.296e+06 m3 on 2 of 5 days" in text
    assert "pond" not in text


def test_no_line_without_a_spill():
    summary = RunSummary()
    summary.add(_block("2012-07-20", [[0.0, 0.0]]))
    assert "spill" not in summary.text()
