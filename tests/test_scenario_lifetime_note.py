"""A measure whose units reach the end of their life inside the run (economist's review, 2026-12-05):
no replacement is costed, so their capital counts no more while the measure still acts and the cost per
kg kept out is understated (capital [57,619, 57,619, 0, 0, 0] for a life of 2 years in a 5-year run).
The scenario notes it; a life that outlasts the run gets no such note."""

from __future__ import annotations

from pathlib import Path

from hydro.scenarios import BasinInfo, ScenarioFile, compile_scenario

ROOT = Path(__file__).resolve().parents[1]
WATERSHED = ROOT / "configs" / "examples" / "watershed"

MEASURE = """
[[measures]]
id = "sewers"
kind = "sewage_connection"
where = {{ counties = ["West county"] }}
years = [2001, 2002]
connected_share = 0.8
treatment_removal = 0.6
assumption = true
note = "test"
[measures.costs]
capital_yuan_per_unit = 3000.0
operating_yuan_per_unit_yr = 60.0
lifetime_years = {life}
"""


def _notes(tmp_path: Path, life: int, years: list[int]) -> list[str]:
    text = ('[scenario_set]\nname = "t"\nbasin = "watershed"\nassumption = true\nnote = "test"\n'
            + MEASURE.format(life=life) + '\n[[scenarios]]\nid = "s"\nmeasures = ["sewers"]\n')
    path = tmp_path / "s.toml"
    path.write_text(text, encoding="utf-8")
    return compile_scenario(BasinInfo.load(WATERSHED), ScenarioFile.from_toml(path), "s", years).notes


def test_a_life_ending_inside_the_run_is_noted(tmp_path):
    notes = [n for n in _notes(tmp_path, 2, [2001, 2002, 2003, 2004, 2005]) if "end of their life" in n]
    assert notes == ["sewers: its units of 2001 reach the end of their life (2 years) in 2002, before the run's "
                     "last year 2005, and no replacement is costed: their capital counts no more after it while "
                     "the measure still acts, so the cost per kg kept out is understated (economist's review, "
                     "2026-12-05)"]


def test_a_life_that_outlasts_the_run_is_not(tmp_path):
    assert not [n for n in _notes(tmp_path, 5, [2001, 2002, 2003, 2004, 2005]) if "end of their life" in n]
    assert not [n for n in _notes(tmp_path, 3, [2001, 2002, 2003]) if "end of their life" in n]
