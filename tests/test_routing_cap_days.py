"""Days a reach is routed at its sub-step cap are counted and said (a floods review, 2026-12-06): there the
Muskingum-Cunge scheme attenuates the peak, and nothing recorded it."""

from __future__ import annotations

import numpy as np

from hydro.results import Results
from hydro.routing import CAPPED_ATTRIBUTE, DEFAULT_MAX_SUBSTEPS, capped_days
from hydro.run_attributes import Combiner
from hydro.run_summary import RunSummary


def test_capped_days_count_each_reach_at_the_cap():
    steps = np.array([[3, 96], [96, 96], [95, 4]])
    assert capped_days(["a", "b"], steps) == "a=1;b=2"
    assert capped_days(["a", "b"], np.minimum(steps, DEFAULT_MAX_SUBSTEPS - 1)) == ""


def test_blocks_add_their_capped_days_and_the_summary_says_them():
    combined = Combiner("blocks")
    combined.add(1, {CAPPED_ATTRIBUTE: "a=1;b=2"})
    combined.add(2, {CAPPED_ATTRIBUTE: "b=3"})
    assert combined.attrs()[CAPPED_ATTRIBUTE] == "a=1;b=5"
    res = Results(coords={"time": [np.datetime64("2012-07-21")]}, attrs={CAPPED_ATTRIBUTE: "b=1"})
    summary = RunSummary()
    summary.add(res)
    assert "routing at its cap of 96 sub-steps a day" in summary.text()
    assert "b on 1 of 1 days" in summary.text()
