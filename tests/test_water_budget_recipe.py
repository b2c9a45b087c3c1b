"""docs/results.md's recipe for closing the water budget from a file says the whole basin's sum with the lake's
surface runoff, and the unit factor of land runoff (water-budget recipe review, 2026-12-06: the whole basin was
3.4e7 m3 out on Miyun without that term, and the factor was not given)."""

from __future__ import annotations

import re

from hydro.basin import ROOT


def _section() -> str:
    text = (ROOT / "docs" / "results.md").read_text(encoding="utf-8")
    start = text.index("**Closing the water budget from the file**")
    return " ".join(text[start:text.index("The inventory's categories", start)].split())


def test_the_recipe_gives_the_whole_basin_sum_with_the_surface_runoff():
    whole = _section().split("the whole basin:", 1)
    assert len(whole) == 2 and "reservoir_surface_runoff" in whole[1].split(" - ")[0]


def test_the_recipe_gives_the_unit_factor_of_land_runoff_and_says_which_files_close():
    section = _section()
    assert re.search(r"1000\s*/\s*86,400", section)
    assert "monthly or yearly file" in section and "daily file" in section
    # a monthly or yearly file closes too since its storages are the periods' ends (aggregation review, 2026-12-06)
    assert "time: point" in section and "the period's means, not its end" not in section
