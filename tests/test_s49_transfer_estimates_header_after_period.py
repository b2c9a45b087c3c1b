"""Review of s49 (hydro/transfer_estimates.py): a header line of the file's own text *after* a period line
(``# ESTIMATE spread ...`` below ``#   2014: ...``) is said of the days as a whole, not of the period above.
Mutant dropping ``elif not line.startswith("#   "): current = None`` survived the shipped tests."""
from __future__ import annotations

from hydro.transfer_estimates import DAYS, estimated_parts


def test_header_text_after_a_period_is_the_days(tmp_path):
    path = tmp_path / "s.csv"
    path.write_text("# a series\n#   2014: 1 m3 (published)\n# ESTIMATE spread: each year's volume evenly\n"
                    "date,flow_m3_s\n2014-01-01,1.0\n", encoding="utf-8")
    assert estimated_parts(path) == (DAYS,)
