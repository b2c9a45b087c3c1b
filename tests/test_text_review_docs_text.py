"""A review of the session's user-facing text (2026-12-06), findings 3-5 (defects in text read by users)."""
from __future__ import annotations

import inspect
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_report_does_not_say_the_unleached_surplus_stays_in_the_soil():
    """Finding 3: the report's land section says the surplus not leached 'stays in the soil'; docs/results.md
    says surplus_not_leached 'stands for denitrification, volatilisation and soil storage (the model does not
    tell them apart)'.  On the example it is 47 % of the gross input."""
    import hydro.report as report

    src = inspect.getsource(report)
    assert "or stays in the soil" not in src


def test_scenarios_md_names_the_column_before_in_force():
    """Finding 4: floor_yuan was inserted before in_force; docs/scenarios.md still says 'The column before
    `in_force`, `n_kept_out_on_land_kg`'."""
    from hydro.scenarios.incentives import COLUMNS

    before = COLUMNS[COLUMNS.index("in_force") - 1]
    text = (ROOT / "docs/scenarios.md").read_text(encoding="utf-8")
    said = re.search(r"The column before `in_force`, `(\w+)`", text)
    assert said is None or said.group(1) == before, (said.group(1), before)


def test_docs_do_not_say_a_main_kind_is_refused_by_every_pool():
    """Finding 5: docs/extending.md and docs/sources.md say a kind defined in __main__ 'is refused when the
    pool starts'; a forked pool (hydro.batch._start_method: fork in a single-threaded process, i.e. a plain
    script on Linux) does not send it and runs it (a1b1993).  Only forkserver/spawn refuse."""
    for page in ("docs/extending.md", "docs/sources.md"):
        text = " ".join((ROOT / page).read_text(encoding="utf-8").split())
        for m in re.finditer(r"`__main__`[^.]{0,120}refused|refused[^.]{0,60}`__main__`", text):
            around = text[max(0, m.start() - 200): m.end() + 200]
            assert re.search(r"fork|spawn|thread", around), (page, around)
