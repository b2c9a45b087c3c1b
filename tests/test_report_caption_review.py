"""The report's scenarios caption says what the bars are when the file has weather members (found
in the plot review, 2026-12-01: the figure showed member medians with whiskers, the caption spoke of
annual means only)."""

from datetime import date, timedelta

import numpy as np

from hydro.report.figures import scenarios
from hydro.results import Results


def _scenarios(members: int | None) -> Results:
    days = 40
    coords = {"time": [date(2020, 1, 1) + timedelta(days=i) for i in range(days)], "section": ["s"],
              "reach": ["a"], "scenario": ["baseline", "green"]}
    lead: tuple[int, ...] = (2,)
    if members:
        coords["member"] = list(range(members))
        lead = (2, members)
    r = Results(coords=coords, attrs={"basin": "synthetic", "network_downstream": "a="},
                constituents={"tn": "total nitrogen"})
    r.data["section_discharge"] = np.full((*lead, days, 1), 2.0)
    r.data["section_tn_concentration"] = np.full((*lead, days, 1), 1.5)
    return r


def test_the_caption_says_bars_are_member_medians_only_when_there_are_members():
    assert "median of the 3 weather members" in scenarios(_scenarios(3), "tn").caption
    assert "median" not in scenarios(_scenarios(None), "tn").caption
